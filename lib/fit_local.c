/*
 * fit_local.c -- one local optimisation of a fit (issue 15), optionally
 * with one parameter held fixed (for profiles).
 *
 * Least squares (muskx_fit_set_residuals), muskx_fit_set_method: by
 * default the rectangular trust-region dogleg (fit_dogbox.c) until it
 * stalls, then the projected Levenberg-Marquardt (fit_plm.c) from there;
 * or either alone. Exact Jacobian, bounds held explicitly (why, in
 * docs/fitting.md).
 *
 * A general objective (muskx_fit_set_objective): NLopt's SLSQP (Kraft 1988; a dense quasi-Newton SQP that keeps the
 * bounds itself; it reached the optimum from more starts than NLopt's
 * L-BFGS in bench/bench_fit_optimisers.c).
 *
 * A failed callback at a trial point rejects the step (more damping, or
 * SLSQP's own recovery); a failure at the start
 * point ends the start (MUSKX_FIT_FAILED, nllh NaN, start_failed; fit.c
 * then draws a drawn start again).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <nlopt.h>

#include "alloc.h"
#include "fit.h"

typedef struct local {
  const muskx_fit *f;
  int worker;
  size_t nfree;
  int *idx;        /* free parameter -> parameter */
  double *full;    /* n: theta with the fixed value in place */
  double *jfull;   /* the n gradient (objective mode) */
  int evals;
  int failed;      /* the last call failed */
} local;

static int all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

/* ------------------------------------------------ NLopt general form */

/* NLopt objective over the free parameters (no transform: NLopt keeps
   the bounds itself). */
static double nl_obj(unsigned nf, const double *x, double *grad, void *arg) {
  local *l = arg;
  const muskx_fit *f = l->f;
  size_t n = (size_t)f->n;
  for (unsigned i = 0; i < nf; i++) l->full[l->idx[i]] = x[i];
  l->evals++;
  double v = NAN;
  int bad = f->obj(f->ctx, l->worker, l->full, &v, grad ? l->jfull : NULL) != 0;
  bad = bad || !isfinite(v) || (grad != NULL && !all_finite(l->jfull, n));
  l->failed = bad;
  if (bad) {
    if (grad != NULL)
      for (unsigned i = 0; i < nf; i++) grad[i] = 0;
    return HUGE_VAL;
  }
  if (grad != NULL)
    for (unsigned i = 0; i < nf; i++) grad[i] = l->jfull[l->idx[i]];
  return v;
}

static muskx_status run_nlopt(local *l, double *x, muskx__fit_outcome *out) {
  const muskx_fit *f = l->f;
  nlopt_opt opt = nlopt_create(NLOPT_LD_SLSQP, (unsigned)l->nfree);
  if (opt == NULL) return MUSKX_ENOMEM;
  double *lo = muskx__calloc(l->nfree, sizeof *lo);
  double *hi = muskx__calloc(l->nfree, sizeof *hi);
  if (lo == NULL || hi == NULL) {
    nlopt_destroy(opt);
    muskx__free(lo);
    muskx__free(hi);
    return MUSKX_ENOMEM;
  }
  for (size_t i = 0; i < l->nfree; i++) {
    lo[i] = f->lower[l->idx[i]];
    hi[i] = f->upper[l->idx[i]];
  }
  nlopt_set_lower_bounds(opt, lo);
  nlopt_set_upper_bounds(opt, hi);
  nlopt_set_min_objective(opt, nl_obj, l);
  nlopt_set_xtol_rel(opt, f->xtol);
  nlopt_set_ftol_rel(opt, f->ftol);
  /* NLopt counts evaluations, not iterations. */
  nlopt_set_maxeval(opt, f->maxiter);
  /* The start itself: a failure there ends the start. */
  double v0 = nl_obj((unsigned)l->nfree, x, NULL, l);
  if (l->failed) {
    out->exit = MUSKX_FIT_FAILED;
    out->start_failed = 1;
  } else {
    double v = v0;
    nlopt_result r = nlopt_optimize(opt, x, &v);
    switch (r) {
      case NLOPT_XTOL_REACHED: out->exit = MUSKX_FIT_XTOL; break;
      case NLOPT_FTOL_REACHED: out->exit = MUSKX_FIT_FTOL; break;
      case NLOPT_MAXEVAL_REACHED: out->exit = MUSKX_FIT_MAXITER; break;
      /* SLSQP reports its own optimality test as plain success */
      case NLOPT_SUCCESS: out->exit = MUSKX_FIT_GTOL; break;
      case NLOPT_ROUNDOFF_LIMITED: out->exit = MUSKX_FIT_NOPROGRESS; break;
      case NLOPT_OUT_OF_MEMORY:
        nlopt_destroy(opt);
        muskx__free(lo);
        muskx__free(hi);
        return MUSKX_ENOMEM;
      default: out->exit = MUSKX_FIT_FAILED; break;
    }
    /* NLopt returns the best point it saw, also after a failure. */
    out->nllh = isfinite(v) ? v : NAN;
    if (isnan(out->nllh)) out->exit = MUSKX_FIT_FAILED;
  }
  out->iters = l->evals;
  nlopt_destroy(opt);
  muskx__free(lo);
  muskx__free(hi);
  return MUSKX_OK;
}

/* ------------------------------------------------------------ hybrid */

/* The dogleg's long Gauss-Newton jumps find Boehm's optimum more often,
   but with a rank-deficient Jacobian it crawls for thousands of
   iterations where the LM converges (docs/fitting.md): the dogleg runs
   until 10 iterations together gained less than HYBRID_GAIN in nllh, or
   less than 1 % of what the start had gained before (fit_dogbox.c), and
   the LM goes on from its point with the iterations left. */
#define HYBRID_GAIN 0.1

static muskx_status hybrid(const muskx_fit *f, int worker, int fixed,
                           const int *idx, int nfree, double *full,
                           muskx__fit_outcome *out) {
  muskx_fit g = *f; /* the same problem with other settings */
  g.stall = HYBRID_GAIN;
  /* No gradient test (in either phase): a fifth of Boehm's starts lie
     where the model hardly responds (gradient 1e-9, below any absolute
     gtol) and stopped there at once; without the test the long first
     steps leave that plateau (Boehm 49 of 240 hits instead of 39,
     docs/fitting.md). The step, stall and no-progress tests end a start. */
  g.gtol = 0;
  /* muskx_fit_set_gain_tolerance (fit_gngain.c): in the starts' search,
     not in profiles, whose refinement needs exact inner optima */
  g.gn_stop = fixed < 0 ? f->gntol : 0;
  muskx_status st = muskx__fit_dogbox(&g, worker, idx, nfree, full, out);
  if (st != MUSKX_OK || out->start_failed || isnan(out->nllh) ||
      out->iters >= f->maxiter || out->exit == MUSKX_FIT_GNGAIN)
    return st;
  muskx__fit_outcome o2;
  memset(&o2, 0, sizeof o2);
  g.stall = 0;
  g.maxiter = f->maxiter - out->iters;
  st = muskx__fit_plm(&g, worker, idx, nfree, full, &o2);
  if (st != MUSKX_OK) return st;
  out->iters += o2.iters;
  out->evals += o2.evals;
  if (!isnan(o2.nllh)) {
    out->nllh = o2.nllh;
    out->exit = o2.exit;
  }
  return MUSKX_OK;
}

/* ------------------------------------------------------------ driver */

muskx_status muskx__fit_local(const muskx_fit *f, int worker, int fixed,
                              const double *x0, double *x,
                              muskx__fit_outcome *out) {
  size_t n = (size_t)f->n;
  memset(out, 0, sizeof *out);
  out->nllh = NAN;
  memcpy(x, x0, n * sizeof *x);
  local l;
  memset(&l, 0, sizeof l);
  l.f = f;
  l.worker = worker;
  l.nfree = n - (fixed >= 0);
  l.idx = muskx__calloc(n, sizeof *l.idx);
  l.full = muskx__calloc(n, sizeof *l.full);
  l.jfull = muskx__calloc(n, sizeof *l.jfull); /* the gradient */
  double *u = muskx__calloc(n, sizeof *u);
  muskx_status st = MUSKX_OK;
  if (l.idx == NULL || l.full == NULL || l.jfull == NULL || u == NULL) {
    st = MUSKX_ENOMEM;
    goto done;
  }
  memcpy(l.full, x0, n * sizeof *l.full);
  for (size_t j = 0, i = 0; j < n; j++)
    if ((int)j != fixed) l.idx[i++] = (int)j;

  if (l.nfree == 0) { /* a one-parameter profile: nothing to optimise */
    out->nllh = muskx__fit_eval(f, worker, x);
    out->evals = 1;
    out->exit = isnan(out->nllh) ? MUSKX_FIT_FAILED : MUSKX_FIT_XTOL;
    out->start_failed = isnan(out->nllh);
    goto done;
  }
  if (f->resid != NULL) {
    if (f->method == MUSKX_FIT_LM)
      st = muskx__fit_plm(f, worker, l.idx, (int)l.nfree, l.full, out);
    else if (f->method == MUSKX_FIT_FIDES)
      st = muskx__fit_fides(f, worker, l.idx, (int)l.nfree, l.full, out);
    else if (f->method == MUSKX_FIT_DOGBOX)
      st = muskx__fit_dogbox(f, worker, l.idx, (int)l.nfree, l.full, out);
    else
      st = hybrid(f, worker, fixed, l.idx, (int)l.nfree, l.full, out);
    l.evals = out->evals;
  } else {
    for (size_t i = 0; i < l.nfree; i++) u[i] = x0[l.idx[i]];
    st = run_nlopt(&l, u, out);
    for (size_t i = 0; i < l.nfree; i++) l.full[l.idx[i]] = u[i];
  }
  /* A start that failed after some progress keeps its last good point. */
  if (st == MUSKX_OK && !isnan(out->nllh)) memcpy(x, l.full, n * sizeof *x);
  out->evals = l.evals;
done:
  muskx__free(l.idx);
  muskx__free(l.full);
  muskx__free(l.jfull);
  muskx__free(u);
  return st;
}

muskx_status muskx__fit_search(const muskx_fit *f, int worker,
                               const double *x0, double *x,
                               muskx__fit_outcome *out) {
  if (f->accuracy != NULL) f->accuracy(f->accuracy_ctx, worker, 0);
  /* the search's own copy, whose Jacobians may run looser (fit_lsq.c) */
  muskx_fit g = *f;
  g.jac_loose = f->accuracy != NULL && f->jac_accuracy && f->resid != NULL;
  muskx_status st = muskx__fit_local(&g, worker, -1, x0, x, out);
  if (f->accuracy != NULL) {
    f->accuracy(f->accuracy_ctx, worker, 1);
    if (st == MUSKX_OK && !isnan(out->nllh))
      out->nllh = muskx__fit_eval(f, worker, x), out->evals++;
  }
  return st;
}

double muskx__fit_eval(const muskx_fit *f, int worker, const double *x) {
  if (f->obj != NULL) {
    double v = NAN;
    if (f->obj(f->ctx, worker, x, &v, NULL) != 0 || !isfinite(v)) return NAN;
    return v;
  }
  double *r = muskx__calloc(f->nres, sizeof *r);
  if (r == NULL) return NAN;
  double v = NAN;
  if (f->resid(f->ctx, worker, x, r, NULL) == 0 && all_finite(r, f->nres)) {
    v = 0;
    for (size_t i = 0; i < f->nres; i++) v += 0.5 * r[i] * r[i];
    v += f->offset;
  }
  muskx__free(r);
  return v;
}
