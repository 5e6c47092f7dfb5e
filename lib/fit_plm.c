/*
 * fit_plm.c -- bound-constrained nonlinear least squares for muskx fit
 * (issue 15): projected Levenberg-Marquardt (Kanzow, Yamashita & Fukushima
 * 2004, J. Comput. Appl. Math. 172:375) on the exact Jacobian.
 *
 * Parameters on a bound whose gradient pushes outward are held there (the
 * active set); the LM step (J_F'J_F + mu D) p = -g_F is solved on the
 * others (LAPACK dposv) with Marquardt's scaling D (the largest diagonal
 * of J'J seen, More 1978) and Nielsen's damping update; the trial point
 * is the step projected onto the box. A parameter whose optimum lies on a
 * bound gets there in one step, where LM through a sine transform (whose
 * derivative vanishes at the bound) or a Coleman-Li scaling (which shrinks
 * steps towards the bound) crawl: on Boehm_JProteomeRes2014, whose optimum
 * has two parameters on bounds, this reached the optimum from 9 of 60
 * starts against 2 of 60 for both of those (docs/fitting.md).
 *
 * Used alone by muskx_fit_set_method(MUSKX_FIT_LM) and as the second
 * phase of the default hybrid (fit_local.c), which hands over from the
 * dogleg (fit_dogbox.c) once that stalls.
 *
 * The callback is only called inside the closed box. Trial points are
 * residual-only calls (a plain simulation); the Jacobian (a sensitivity
 * run) is computed only at accepted points. A failed trial call counts
 * as a rejected step, and so does a Jacobian that fails at a point whose
 * residuals were fine (a sensitivity run can need more solver steps than
 * the plain run): the start goes on from its last point with more
 * damping instead of ending there.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "fit.h"

extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a,
                   const int *lda, double *b, const int *ldb, int *info);

/* Damping retries per iteration before giving up (mu grows 2^k-fold). */
#define PLM_MAX_TRIES 60
/* Smallest ratio of actual to predicted reduction that accepts a step. */
#define PLM_ACCEPT 1e-4

typedef struct plm {
  const muskx_fit *f;
  int worker, n;  /* free parameters */
  size_t m;       /* residuals */
  const int *idx; /* free -> full index */
  double *full, *jfull;
  double *lo, *hi, *x, *xn, *g, *d, *p, *step; /* n each */
  double *r, *rn, *J, *Jn, *A, *H; /* m, m, m x n, m x n, n x n, n x n */
  int *freev;
  int evals;
} plm;

/* Residuals (and the free columns of the Jacobian when J != NULL) at x;
   0 on success (fit_lsq.c). */
static int call(plm *t, const double *x, double *r, double *J) {
  t->evals++;
  return muskx__lsq_call(t->f, t->worker, t->idx, t->n, t->m, t->full,
                         t->jfull, x, r, J);
}

/* g = J' r */
static void gradient(plm *t) {
  muskx__lsq_gradient(t->J, t->r, t->m, t->n, t->g);
}

/* Free set: every parameter not held on a bound by the gradient.
   Returns its size; *pg receives the largest |g| over it. */
static int free_set(plm *t, double *pg) {
  int nf = 0;
  *pg = 0;
  for (int k = 0; k < t->n; k++) {
    int held = (t->x[k] <= t->lo[k] && t->g[k] > 0) ||
               (t->x[k] >= t->hi[k] && t->g[k] < 0);
    if (held) continue;
    t->freev[nf++] = k;
    *pg = fmax(*pg, fabs(t->g[k]));
  }
  return nf;
}

/* A = J_F' J_F (nf x nf), and the running maximum of its diagonal in d. */
static void normal_matrix(plm *t, int nf) {
  size_t n = (size_t)t->n;
  for (int a = 0; a < nf; a++) {
    for (int b = 0; b <= a; b++) {
      double s = 0;
      for (size_t i = 0; i < t->m; i++)
        s += t->J[i * n + (size_t)t->freev[a]] * t->J[i * n + (size_t)t->freev[b]];
      t->A[(size_t)a * nf + b] = t->A[(size_t)b * nf + a] = s;
    }
    int k = t->freev[a];
    t->d[k] = fmax(t->d[k], t->A[(size_t)a * nf + a]);
    if (!(t->d[k] > 0)) t->d[k] = 1;
  }
}

/* The damped step on the free set, projected: fills xn and step, and
   *pred with the reduction of 1/2|r|^2 the linear model predicts.
   -1 when the damped matrix is not positive definite. */
static int trial(plm *t, int nf, double mu, double *pred_out) {
  int info = 0, one = 1;
  memcpy(t->H, t->A, (size_t)nf * (size_t)nf * sizeof *t->H);
  for (int a = 0; a < nf; a++) {
    t->H[(size_t)a * nf + a] += mu * t->d[t->freev[a]];
    t->p[a] = -t->g[t->freev[a]];
  }
  dposv_("L", &nf, &one, t->H, &nf, t->p, &nf, &info);
  if (info != 0) return -1;
  memcpy(t->xn, t->x, (size_t)t->n * sizeof *t->x);
  for (int a = 0; a < nf; a++) {
    int k = t->freev[a];
    t->xn[k] = fmin(fmax(t->x[k] + t->p[a], t->lo[k]), t->hi[k]);
  }
  double pred = 0;
  for (int k = 0; k < t->n; k++) {
    t->step[k] = t->xn[k] - t->x[k];
    pred -= t->g[k] * t->step[k];
  }
  for (size_t i = 0; i < t->m; i++) {
    double a = 0;
    for (int k = 0; k < t->n; k++) a += t->J[i * (size_t)t->n + (size_t)k] * t->step[k];
    pred -= 0.5 * a * a;
  }
  *pred_out = pred;
  return 0;
}

static muskx_status plm_alloc(plm *t) {
  size_t n = (size_t)t->n, m = t->m;
  double **vecs[] = {&t->lo, &t->hi, &t->x, &t->xn, &t->g, &t->d, &t->p,
                     &t->step};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if ((*vecs[i] = muskx__calloc(n + 1, sizeof(double))) == NULL) return MUSKX_ENOMEM;
  t->r = muskx__calloc(m + 1, sizeof(double));
  t->rn = muskx__calloc(m + 1, sizeof(double));
  t->J = muskx__calloc(m * n + 1, sizeof(double));
  t->Jn = muskx__calloc(m * n + 1, sizeof(double));
  t->jfull = muskx__calloc(m * (size_t)t->f->n + 1, sizeof(double));
  t->A = muskx__calloc(n * n + 1, sizeof(double));
  t->H = muskx__calloc(n * n + 1, sizeof(double));
  t->freev = muskx__calloc(n + 1, sizeof(int));
  return t->r && t->rn && t->J && t->Jn && t->jfull && t->A && t->H && t->freev
             ? MUSKX_OK
             : MUSKX_ENOMEM;
}

static void plm_free(plm *t) {
  void *all[] = {t->lo, t->hi, t->x, t->xn, t->g, t->d, t->p, t->step,
                 t->r, t->rn, t->J, t->Jn, t->jfull, t->A, t->H, t->freev};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}

muskx_status muskx__fit_plm(const muskx_fit *f, int worker, const int *idx,
                            int nfree, double *full, muskx__fit_outcome *out) {
  plm t;
  memset(&t, 0, sizeof t);
  t.f = f;
  t.worker = worker;
  t.n = nfree;
  t.m = f->nres;
  t.idx = idx;
  t.full = full;
  int n = nfree;
  muskx_status st = plm_alloc(&t);
  if (st != MUSKX_OK) goto done;
  for (int k = 0; k < n; k++) {
    t.lo[k] = f->lower[idx[k]];
    t.hi[k] = f->upper[idx[k]];
    t.x[k] = fmin(fmax(full[idx[k]], t.lo[k]), t.hi[k]);
  }
  out->exit = MUSKX_FIT_FAILED;
  if (call(&t, t.x, t.r, t.J) != 0) {
    out->start_failed = 1;
    goto done;
  }
  double cost = muskx__lsq_half_sq(t.r, t.m), mu = 1e-3, nu = 2;
  gradient(&t);
  out->exit = MUSKX_FIT_MAXITER;
  for (int it = 0; it < f->maxiter; it++) {
    double pg;
    int nf = free_set(&t, &pg);
    if (nf == 0 || pg <= f->gtol) {
      out->exit = MUSKX_FIT_GTOL;
      break;
    }
    if (f->gn_stop > 0 &&
        muskx__lsq_gn_gain(t.J, t.r, t.m, t.n, t.freev, nf) < f->gn_stop) {
      out->exit = MUSKX_FIT_GNGAIN;
      break;
    }
    normal_matrix(&t, nf);
    int accepted = 0, stop = 0;
    for (int tries = 0; tries < PLM_MAX_TRIES && !accepted && !stop; tries++) {
      double pred = 0;
      if (trial(&t, nf, mu, &pred) != 0) { /* not positive definite */
        mu *= nu;
        nu *= 2;
        continue;
      }
      if (muskx__lsq_norm2(t.step, n) <=
          f->xtol * (f->xtol + muskx__lsq_norm2(t.x, n))) {
        /* a tiny first step is convergence; one damped down to tiny after
           rejected (or failed) trials is not */
        out->exit = tries == 0 ? MUSKX_FIT_XTOL : MUSKX_FIT_NOPROGRESS;
        stop = 1;
        break;
      }
      double costn = INFINITY;
      if (call(&t, t.xn, t.rn, NULL) == 0)
        costn = muskx__lsq_half_sq(t.rn, t.m);
      double rho = pred > 0 ? (cost - costn) / pred : -1;
      if (!(rho > PLM_ACCEPT && costn < cost)) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      /* accepted: the Jacobian is computed only here; where it fails the
         step is rejected after all */
      if (call(&t, t.xn, t.rn, t.Jn) != 0) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      double reduction = cost - costn, *swap = t.r;
      memcpy(t.x, t.xn, (size_t)n * sizeof *t.x);
      t.r = t.rn;
      t.rn = swap;
      swap = t.J;
      t.J = t.Jn;
      t.Jn = swap;
      /* the cost stays the trial's (plain run): the sensitivity run's
         residuals differ from it by the solver's error, and comparing the
         next trial with those made LM accept noise for ever (Boehm: 950
         iterations within 1e-7 of a local optimum) */
      cost = costn;
      gradient(&t);
      mu *= fmax(1.0 / 3, 1 - pow(2 * rho - 1, 3));
      nu = 2;
      accepted = 1;
      if (f->ftol > 0 && reduction <= f->ftol * cost) {
        out->exit = MUSKX_FIT_FTOL;
        stop = 1;
      }
    }
    out->iters = it + 1;
    if (stop) break;
    if (!accepted) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
  }
  for (int k = 0; k < n; k++) full[idx[k]] = t.x[k];
  out->nllh = f->offset + cost;
done:
  out->evals = t.evals;
  plm_free(&t);
  return st;
}
