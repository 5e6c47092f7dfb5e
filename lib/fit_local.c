/*
 * fit_local.c -- one local optimisation of a fit (issue 15), optionally
 * with one parameter held fixed (for profiles).
 *
 * Least squares (muskx_fit_set_residuals): GSL's trust-region
 * Levenberg-Marquardt (gsl_multifit_nlinear, QR solver, More scaling) on
 * the exact Jacobian. GSL has no bounds, so each bounded parameter is
 * optimised through MINUIT's transforms (James & Roos, MINUIT manual,
 * "Parameter limits"): theta = lo + (hi - lo)(1 + sin u)/2 with both
 * bounds, lo - 1 + sqrt(u^2 + 1) with a lower one only, and the mirror
 * image with an upper one only. Every u maps inside the box, so the
 * callback is never called outside it; the chain rule scales the
 * Jacobian's columns. A parameter at its optimum on a bound has
 * d theta / d u = 0 there, which is where LM stops as it should.
 *
 * A general objective (muskx_fit_set_objective), and a least-squares
 * problem with fewer residuals than free parameters (GSL needs n >= p):
 * NLopt's SLSQP (Kraft 1988; a dense quasi-Newton SQP that keeps the
 * bounds itself; it reached the optimum from more starts than NLopt's
 * L-BFGS in bench/bench_fit_optimisers.c).
 *
 * A failed callback at a trial point is a point of huge cost, so the
 * trust region shrinks and the step is retried; a failure at the start
 * point ends the start (MUSKX_FIT_FAILED, nllh NaN).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <nlopt.h>

#include "alloc.h"
#include "fit.h"

/* A residual at a point where the callback failed: its square summed over
   any realistic number of residuals stays finite. */
#define FAILED_RESIDUAL 1e100
/* How far inside a bound a start is moved, relative to the range: on the
   bound itself the sine transform has a zero derivative and LM could not
   move that parameter at all. */
#define BOUND_NUDGE 1e-8

typedef struct local {
  const muskx_fit *f;
  int worker;
  size_t nfree;
  int *idx;        /* free parameter -> parameter */
  double *full;    /* n: theta with the fixed value in place */
  double *jfull;   /* nres x n, or the n gradient in objective mode */
  int evals;
  int failed;      /* the last call failed */
} local;

/* ---------------------------------------------------------- transforms */

static double to_theta(double u, double lo, double hi, double *dtdu) {
  if (isfinite(lo) && isfinite(hi)) {
    *dtdu = 0.5 * (hi - lo) * cos(u);
    double t = lo + 0.5 * (hi - lo) * (1 + sin(u));
    return t < lo ? lo : t > hi ? hi : t;
  }
  if (isfinite(lo)) {
    double s = sqrt(u * u + 1);
    *dtdu = u / s;
    return lo - 1 + s;
  }
  if (isfinite(hi)) {
    double s = sqrt(u * u + 1);
    *dtdu = -u / s;
    return hi + 1 - s;
  }
  *dtdu = 1;
  return u;
}

static double to_u(double t, double lo, double hi) {
  if (isfinite(lo) && isfinite(hi)) {
    if (hi == lo) return 0;
    double s = 2 * (t - lo) / (hi - lo) - 1;
    double lim = 1 - BOUND_NUDGE;
    s = s > lim ? lim : s < -lim ? -lim : s;
    return asin(s);
  }
  if (isfinite(lo)) {
    double d = t - lo + 1;
    if (d < 1 + BOUND_NUDGE) d = 1 + BOUND_NUDGE;
    return sqrt(d * d - 1);
  }
  if (isfinite(hi)) {
    double d = hi - t + 1;
    if (d < 1 + BOUND_NUDGE) d = 1 + BOUND_NUDGE;
    return sqrt(d * d - 1);
  }
  return t;
}

/* Fills l->full from the free coordinates u; dtdu (nfree) may be NULL. */
static void place(local *l, const double *u, double *dtdu) {
  for (size_t i = 0; i < l->nfree; i++) {
    int j = l->idx[i];
    double d;
    l->full[j] = to_theta(u[i], l->f->lower[j], l->f->upper[j], &d);
    if (dtdu != NULL) dtdu[i] = d;
  }
}

static int all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

/* ------------------------------------------------ GSL least squares */

static int gsl_f(const gsl_vector *x, void *arg, gsl_vector *r) {
  local *l = arg;
  const muskx_fit *f = l->f;
  place(l, x->data, NULL);
  l->evals++;
  int bad = f->resid(f->ctx, l->worker, l->full, r->data, NULL) != 0 ||
            !all_finite(r->data, f->nres);
  l->failed = bad;
  if (bad)
    for (size_t i = 0; i < f->nres; i++) r->data[i] = FAILED_RESIDUAL;
  return GSL_SUCCESS;
}

static int gsl_df(const gsl_vector *x, void *arg, gsl_matrix *J) {
  local *l = arg;
  const muskx_fit *f = l->f;
  size_t n = (size_t)f->n;
  double *r = muskx__calloc(f->nres, sizeof *r);
  double *scale = muskx__calloc(l->nfree, sizeof *scale); /* d theta/d u */
  if (r == NULL || scale == NULL) {
    muskx__free(r);
    muskx__free(scale);
    return GSL_ENOMEM;
  }
  place(l, x->data, scale);
  l->evals++;
  int bad = f->resid(f->ctx, l->worker, l->full, r, l->jfull) != 0 ||
            !all_finite(l->jfull, f->nres * n);
  muskx__free(r);
  if (bad) {
    muskx__free(scale);
    l->failed = 1;
    return GSL_EBADFUNC;
  }
  for (size_t i = 0; i < f->nres; i++)
    for (size_t k = 0; k < l->nfree; k++)
      gsl_matrix_set(J, i, k, l->jfull[i * n + (size_t)l->idx[k]] * scale[k]);
  muskx__free(scale);
  return GSL_SUCCESS;
}

/* 1/2 |r|^2 of the workspace's current residuals. */
static double half_sq(const gsl_multifit_nlinear_workspace *w) {
  double s = 0;
  const gsl_vector *r = w->f;
  for (size_t i = 0; i < r->size; i++) s += r->data[i] * r->data[i];
  return 0.5 * s;
}

static muskx_status run_gsl(local *l, double *u, muskx__fit_outcome *out) {
  const muskx_fit *f = l->f;
  gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
  par.trs = gsl_multifit_nlinear_trs_lm;
  par.scale = gsl_multifit_nlinear_scale_more;
  par.solver = gsl_multifit_nlinear_solver_svd;
  gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(
      gsl_multifit_nlinear_trust, &par, f->nres, l->nfree);
  if (w == NULL) return MUSKX_ENOMEM;
  gsl_multifit_nlinear_fdf fdf;
  memset(&fdf, 0, sizeof fdf);
  fdf.f = gsl_f;
  fdf.df = gsl_df;
  fdf.n = f->nres;
  fdf.p = l->nfree;
  fdf.params = l;
  gsl_vector_view x0 = gsl_vector_view_array(u, l->nfree);

  int st = gsl_multifit_nlinear_init(&x0.vector, &fdf, w);
  if (st == GSL_ENOMEM) {
    gsl_multifit_nlinear_free(w);
    return MUSKX_ENOMEM;
  }
  if (st != GSL_SUCCESS || l->failed) {
    out->exit = MUSKX_FIT_FAILED;
    gsl_multifit_nlinear_free(w);
    return MUSKX_OK;
  }
  double cost = half_sq(w);
  out->exit = MUSKX_FIT_MAXITER;
  for (int it = 0; it < f->maxiter; it++) {
    st = gsl_multifit_nlinear_iterate(w);
    if (st == GSL_ENOPROG) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
    if (st == GSL_ENOMEM) {
      gsl_multifit_nlinear_free(w);
      return MUSKX_ENOMEM;
    }
    if (st != GSL_SUCCESS) { /* the Jacobian failed at an accepted point */
      out->exit = MUSKX_FIT_FAILED;
      out->iters = it + 1;
      break;
    }
    out->iters = it + 1;
    int info = 0;
    if (gsl_multifit_nlinear_test(f->xtol, f->gtol, 0, &info, w) ==
        GSL_SUCCESS) {
      out->exit = info == 2 ? MUSKX_FIT_GTOL : MUSKX_FIT_XTOL;
      break;
    }
    double now = half_sq(w);
    double FT = getenv("XFTOL") ? atof(getenv("XFTOL")) : f->ftol;
    if (FT > 0 && cost - now <= FT * fmax(fabs(now), DBL_MIN)) {
      out->exit = MUSKX_FIT_FTOL;
      break;
    }
    cost = now;
  }
  /* The workspace's x and f are of the last accepted point. */
  memcpy(u, w->x->data, l->nfree * sizeof *u);
  out->nllh = f->offset + half_sq(w);
  gsl_multifit_nlinear_free(w);
  return MUSKX_OK;
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
  int bad;
  if (f->obj != NULL) {
    bad = f->obj(f->ctx, l->worker, l->full, &v, grad ? l->jfull : NULL) != 0;
  } else { /* least squares with fewer residuals than parameters */
    double *r = muskx__calloc(f->nres, sizeof *r);
    double *J = grad ? muskx__calloc(f->nres * n, sizeof *J) : NULL;
    bad = r == NULL || (grad != NULL && J == NULL) ||
          f->resid(f->ctx, l->worker, l->full, r, J) != 0;
    if (!bad) {
      v = 0;
      for (size_t i = 0; i < f->nres; i++) v += 0.5 * r[i] * r[i];
      v += f->offset;
      if (grad != NULL)
        for (size_t k = 0; k < n; k++) {
          double g = 0;
          for (size_t i = 0; i < f->nres; i++) g += J[i * n + k] * r[i];
          l->jfull[k] = g;
        }
    }
    muskx__free(r);
    muskx__free(J);
  }
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
  l.jfull = muskx__calloc(f->resid ? f->nres * n : n, sizeof *l.jfull);
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
    goto done;
  }
  if (f->resid != NULL && getenv("MUSKX_FIT_GSL") == NULL) {
    st = getenv("XPLM") ? muskx__fit_plm(f, worker, l.idx, (int)l.nfree, l.full, out)
                        : muskx__fit_trf(f, worker, l.idx, (int)l.nfree, l.full, out);
    l.evals = out->evals;
  } else if (f->resid != NULL && f->nres >= l.nfree) {
    for (size_t i = 0; i < l.nfree; i++) {
      int j = l.idx[i];
      u[i] = to_u(x0[j], f->lower[j], f->upper[j]);
    }
    st = run_gsl(&l, u, out);
    place(&l, u, NULL);
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
