/*
 * fit_lsq.c -- what the local least-squares methods share (the dogleg of
 * fit_dogbox.c, the projected LM of fit_plm.c and the trust region of
 * fit_fides.c): the start clamped into the box, evaluating the residuals
 * and Jacobian over the free parameters, the norms and gradient of the
 * cost 0.5 |r|^2, and the loop's frame (muskx__lsq: set-up, trial
 * points, moving to an accepted one, the end of an iteration and of the
 * run). The methods differ only in how they choose the step.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"

#include "fit.h"

static int finite_all(const double *a, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(a[i])) return 0;
  return 1;
}

int muskx__lsq_call(const muskx_fit *f, int worker, const int *idx, int n,
                    size_t m, double *full, double *jfull, const double *x,
                    double *r, double *J) {
  for (int k = 0; k < n; k++) full[idx[k]] = x[k];
  if (f->resid(f->ctx, worker, full, r, J ? jfull : NULL) != 0 ||
      !finite_all(r, m))
    return -1;
  if (J == NULL) return 0;
  size_t nf = (size_t)f->n;
  for (size_t i = 0; i < m; i++)
    for (int k = 0; k < n; k++) {
      double a = jfull[i * nf + (size_t)idx[k]];
      if (!isfinite(a)) return -1;
      J[i * (size_t)n + (size_t)k] = a;
    }
  return 0;
}

double muskx__lsq_half_sq(const double *r, size_t m) {
  double s = 0;
  for (size_t i = 0; i < m; i++) s += r[i] * r[i];
  return 0.5 * s;
}

double muskx__lsq_norm2(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * a[i];
  return sqrt(s);
}

void muskx__lsq_gradient(const double *J, const double *r, size_t m, int n,
                         double *g) {
  for (int k = 0; k < n; k++) {
    double a = 0;
    for (size_t i = 0; i < m; i++) a += J[i * (size_t)n + (size_t)k] * r[i];
    g[k] = a;
  }
}

void muskx__lsq_box_start(const muskx_fit *f, const int *idx, int n,
                          const double *full, double *lo, double *hi,
                          double *x, int *onb) {
  for (int k = 0; k < n; k++) {
    lo[k] = f->lower[idx[k]];
    hi[k] = f->upper[idx[k]];
    x[k] = fmin(fmax(full[idx[k]], lo[k]), hi[k]);
    onb[k] = x[k] <= lo[k] ? -1 : x[k] >= hi[k] ? 1 : 0;
  }
}

/* ------------------------------------------------ the methods' core */

muskx_status muskx__lsq_open(muskx__lsq *t, const muskx_fit *f, int worker,
                             const int *idx, int nfree, double *full,
                             muskx__fit_outcome *out) {
  memset(t, 0, sizeof *t);
  t->f = f;
  t->worker = worker;
  t->n = nfree;
  t->m = f->nres;
  t->idx = idx;
  t->full = full;
  size_t n = (size_t)nfree, m = t->m;
  double **vecs[] = {&t->lo, &t->hi, &t->x, &t->xn, &t->g, &t->step};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if ((*vecs[i] = muskx__calloc(n + 1, sizeof(double))) == NULL)
      return MUSKX_ENOMEM;
  t->r = muskx__calloc(m + 1, sizeof(double));
  t->rn = muskx__calloc(m + 1, sizeof(double));
  t->J = muskx__calloc(m * n + 1, sizeof(double));
  t->Jn = muskx__calloc(m * n + 1, sizeof(double));
  t->jfull = muskx__calloc(m * (size_t)f->n + 1, sizeof(double));
  t->rj = muskx__calloc(m + 1, sizeof(double));
  t->Jl = muskx__calloc(m * n + 1, sizeof(double));
  t->freev = muskx__calloc(n + 1, sizeof(int));
  t->onb = muskx__calloc(n + 1, sizeof(int));
  t->onbn = muskx__calloc(n + 1, sizeof(int));
  if (!(t->r && t->rn && t->J && t->Jn && t->jfull && t->freev && t->onb &&
        t->onbn && t->rj && t->Jl))
    return MUSKX_ENOMEM;
  muskx__lsq_box_start(f, idx, nfree, full, t->lo, t->hi, t->x, t->onb);
  out->exit = MUSKX_FIT_FAILED;
  int bad;
  t->loose = f->jac_loose;
  if (t->loose) { /* the start's residuals and Jacobian at the search's
                     accuracy, the loose Jacobian checked against it */
    memcpy(t->xn, t->x, n * sizeof *t->xn);
    bad = muskx__lsq_checked_jacobian(t, t->rn) != 0;
    if (!bad) {
      double *swap = t->r;
      t->r = t->rn, t->rn = swap;
      swap = t->J;
      t->J = t->Jn, t->Jn = swap;
    }
  } else {
    bad = muskx__lsq_eval(t, t->x, t->r, t->J) != 0;
  }
  if (bad) {
    out->start_failed = 1;
    return MUSKX_OK;
  }
  t->cost = muskx__lsq_half_sq(t->r, m);
  muskx__lsq_gradient(t->J, t->r, m, nfree, t->g);
  out->exit = MUSKX_FIT_MAXITER;
  return MUSKX_OK;
}

int muskx__lsq_eval(muskx__lsq *t, const double *x, double *r, double *J) {
  t->evals++;
  return muskx__lsq_call(t->f, t->worker, t->idx, t->n, t->m, t->full,
                         t->jfull, x, r, J);
}

double muskx__lsq_trial_cost(muskx__lsq *t) {
  if (muskx__lsq_eval(t, t->xn, t->rn, NULL) != 0) return INFINITY;
  return muskx__lsq_half_sq(t->rn, t->m);
}

int muskx__lsq_tiny_step(const muskx__lsq *t, int tries,
                         muskx__fit_outcome *out) {
  const muskx_fit *f = t->f;
  if (muskx__lsq_norm2(t->step, t->n) >
      f->xtol * (f->xtol + muskx__lsq_norm2(t->x, t->n)))
    return 0;
  /* a tiny first step is convergence; one shrunk to tiny after rejected
     (or failed) trials is not */
  out->exit = tries == 0 ? MUSKX_FIT_XTOL : MUSKX_FIT_NOPROGRESS;
  return 1;
}

void muskx__lsq_move(muskx__lsq *t, double costn) {
  size_t n = (size_t)t->n;
  double *swap = t->r;
  memcpy(t->x, t->xn, n * sizeof *t->x);
  memcpy(t->onb, t->onbn, n * sizeof *t->onb);
  t->r = t->rn;
  t->rn = swap;
  swap = t->J;
  t->J = t->Jn;
  t->Jn = swap;
  /* the trial's cost, not the sensitivity run's: those residuals differ
     by the solver's error, and comparing the next trial with them made
     the projected LM accept noise for ever (Boehm: 950 iterations within
     1e-7 of a local optimum) */
  t->cost = costn;
  muskx__lsq_gradient(t->J, t->r, t->m, t->n, t->g);
}

int muskx__lsq_iteration_end(muskx__fit_outcome *out, int it, int accepted,
                             int stop) {
  out->iters = it + 1;
  if (stop) return 1;
  if (!accepted) {
    out->exit = MUSKX_FIT_NOPROGRESS;
    return 1;
  }
  return 0;
}

void muskx__lsq_close(muskx__lsq *t, muskx_status st,
                      muskx__fit_outcome *out) {
  if (st == MUSKX_OK && !out->start_failed) {
    for (int k = 0; k < t->n; k++) t->full[t->idx[k]] = t->x[k];
    out->nllh = t->f->offset + t->cost;
  }
  out->evals = t->evals;
  void *all[] = {t->lo, t->hi, t->x, t->xn, t->g, t->step, t->r, t->rn,
                 t->J, t->Jn, t->jfull, t->freev, t->onb, t->onbn, t->rj,
                 t->Jl};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}
