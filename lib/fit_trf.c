/*
 * fit_trf.c -- bound-constrained nonlinear least squares by a trust-region
 * reflective method (Coleman & Li 1996, "An interior trust region approach
 * for nonlinear minimization subject to bounds"; the variant of
 * Branch, Coleman & Li 1999 that scipy.optimize.least_squares calls
 * 'trf'), for muskx fit's Gaussian-noise problems (issue 15).
 *
 * Why not GSL's LM through a sine transform: at a bound the transform's
 * derivative vanishes, so a start whose path nears a bound crawls
 * (docs/fitting.md measured 2 of 20 Boehm starts at the optimum). Here the
 * bounds stay explicit: the Coleman-Li scaling v (distance to the bound
 * the gradient points at) shrinks only the components heading into a
 * bound, a step that would cross a bound is reflected off it, and the
 * step taken is the best of three by the quadratic model: the
 * (truncated) trust-region step, the reflected one, and the scaled
 * anti-gradient. Each trust-region subproblem is solved exactly on the
 * SVD (LAPACK dgesvd) of the augmented Jacobian [J D; diag(sqrt(g dv))]
 * (More 1978's secular equation for the LM parameter). Nothing here is
 * evaluated outside the box: iterates stay strictly inside.
 *
 * Trial points are residual-only callbacks (a plain simulation); the
 * Jacobian (a sensitivity run) is computed only at accepted points.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "alloc.h"
#include "fit.h"

extern void dgesvd_(const char *jobu, const char *jobvt, const int *m,
                    const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt,
                    double *work, const int *lwork, int *info);

/* A trial point whose simulation failed counts as this much worse. */
#define TRF_FAILED_SHRINK 0.25

typedef struct trf {
  const muskx_fit *f;
  int worker;
  int n;          /* free parameters */
  size_t m;       /* residuals */
  const int *idx; /* free -> full index */
  double *full;   /* full theta, fixed values in place */
  double *jfull;  /* m x nfull, row-major, from the callback */
  double *lo, *hi;
  double *x, *r, *J, *g; /* current point: n, m, m x n (row-major), n */
  double *v, *dv, *d, *diag_h, *g_h;
  double *sinv; /* column norms of J, the largest seen (x_scale 'jac') */
  double *A, *U, *s, *VT, *work, *uf; /* SVD of the augmented matrix */
  int lwork;
  double *p, *p_h, *rr, *rr_h, *ag, *ag_h, *step, *step_h, *xn, *rn, *tmp;
  int evals;
} trf;

static double dot(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static double norm2(const double *a, int n) { return sqrt(dot(a, a, n)); }

static int finite_all(const double *a, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(a[i])) return 0;
  return 1;
}

/* Residuals (and the free columns of the Jacobian when J != NULL) at x.
   0 on success. */
static int call(trf *t, const double *x, double *r, double *J) {
  for (int k = 0; k < t->n; k++) t->full[t->idx[k]] = x[k];
  t->evals++;
  const muskx_fit *f = t->f;
  if (f->resid(f->ctx, t->worker, t->full, r, J ? t->jfull : NULL) != 0 ||
      !finite_all(r, t->m))
    return -1;
  if (J == NULL) return 0;
  size_t nf = (size_t)f->n;
  for (size_t i = 0; i < t->m; i++)
    for (int k = 0; k < t->n; k++) {
      double a = t->jfull[i * nf + (size_t)t->idx[k]];
      if (!isfinite(a)) return -1;
      J[i * (size_t)t->n + (size_t)k] = a;
    }
  return 0;
}

/* q(s) = 1/2 |J_h s|^2 + 1/2 s' diag_h s + g_h' s, J_h = J D. */
static double quad(const trf *t, const double *s_h) {
  double q = 0;
  for (size_t i = 0; i < t->m; i++) {
    double a = 0;
    for (int k = 0; k < t->n; k++) a += t->J[i * (size_t)t->n + (size_t)k] * t->d[k] * s_h[k];
    q += 0.5 * a * a;
  }
  for (int k = 0; k < t->n; k++)
    q += 0.5 * t->diag_h[k] * s_h[k] * s_h[k] + t->g_h[k] * s_h[k];
  return q;
}

/* Minimises q(s0 + a s) over a in [lo, hi]; returns a, *val = q there. */
static double line_min(const trf *t, const double *s0, const double *s,
                       double alo, double ahi, double *val) {
  /* q(s0 + a s) = q(s0) + a b + a^2 c with these b and c */
  double b = 0, c = 0;
  for (size_t i = 0; i < t->m; i++) {
    double u = 0, w = 0;
    for (int k = 0; k < t->n; k++) {
      double jd = t->J[i * (size_t)t->n + (size_t)k] * t->d[k];
      u += jd * s[k];
      if (s0) w += jd * s0[k];
    }
    c += 0.5 * u * u;
    b += u * w;
  }
  for (int k = 0; k < t->n; k++) {
    c += 0.5 * t->diag_h[k] * s[k] * s[k];
    b += t->g_h[k] * s[k] + (s0 ? t->diag_h[k] * s0[k] * s[k] : 0);
  }
  double q0 = s0 ? quad(t, s0) : 0;
  double cand[3] = {alo, ahi, alo};
  int nc = 2;
  if (c != 0) {
    double e = -0.5 * b / c;
    if (e > alo && e < ahi) cand[nc++] = e;
  }
  double best = alo, bv = INFINITY;
  for (int i = 0; i < nc; i++) {
    double a = cand[i], y = q0 + a * (b + c * a);
    if (y < bv) {
      bv = y;
      best = a;
    }
  }
  *val = bv;
  return best;
}

/* Largest a with lo <= x + a s <= hi; hits[k] = sign of s where that bound
   is the one reached (may be NULL). */
static double to_bound(const trf *t, const double *x, const double *s,
                       int *hits) {
  double amin = INFINITY;
  for (int k = 0; k < t->n; k++) {
    if (s[k] == 0) continue;
    double a = fmax((t->lo[k] - x[k]) / s[k], (t->hi[k] - x[k]) / s[k]);
    if (a < amin) amin = a;
  }
  if (hits)
    for (int k = 0; k < t->n; k++) {
      double a = s[k] == 0 ? INFINITY
                           : fmax((t->lo[k] - x[k]) / s[k], (t->hi[k] - x[k]) / s[k]);
      hits[k] = a == amin ? (s[k] > 0 ? 1 : -1) : 0;
    }
  return amin;
}

/* The positive a with |z + a s| = Delta. */
static double to_radius(const double *z, const double *s, int n, double Delta) {
  double a = dot(s, s, n), b = dot(z, s, n), c = dot(z, z, n) - Delta * Delta;
  double disc = sqrt(fmax(b * b - a * c, 0));
  double q = -(b + copysign(disc, b));
  double t1 = q / a, t2 = c / q;
  return fmax(t1, t2);
}

/* Coleman-Li scaling: v_k the distance to the bound the gradient points
   at (1 when none), dv_k its derivative in x_k. */
static void cl_scaling(trf *t) {
  for (int k = 0; k < t->n; k++) {
    t->v[k] = 1;
    t->dv[k] = 0;
    if (t->g[k] < 0 && isfinite(t->hi[k])) {
      t->v[k] = t->hi[k] - t->x[k];
      t->dv[k] = -1;
    } else if (t->g[k] > 0 && isfinite(t->lo[k])) {
      t->v[k] = t->x[k] - t->lo[k];
      t->dv[k] = 1;
    }
  }
}

/* SVD of [J D; diag(sqrt(diag_h))] and uf = U' [r; 0]. 0 on success. */
static int svd(trf *t) {
  int rows = (int)t->m + t->n, n = t->n, info = 0;
  size_t R = (size_t)rows;
  for (int k = 0; k < n; k++) {
    for (size_t i = 0; i < t->m; i++)
      t->A[(size_t)k * R + i] = t->J[i * (size_t)n + (size_t)k] * t->d[k];
    for (int j = 0; j < n; j++)
      t->A[(size_t)k * R + t->m + (size_t)j] = j == k ? sqrt(fmax(t->diag_h[k], 0)) : 0;
  }
  dgesvd_("S", "S", &rows, &n, t->A, &rows, t->s, t->U, &rows, t->VT, &n,
          t->work, &t->lwork, &info);
  if (info != 0) return -1;
  for (int k = 0; k < n; k++) {
    double a = 0;
    for (size_t i = 0; i < t->m; i++) a += t->U[(size_t)k * R + i] * t->r[i];
    t->uf[k] = a;
  }
  return 0;
}

/* p_h = -V diag(s / (s^2 + alpha)) uf */
static void lm_step(trf *t, double alpha, double *p_h) {
  int n = t->n;
  for (int j = 0; j < n; j++) p_h[j] = 0;
  for (int k = 0; k < n; k++) {
    double den = t->s[k] * t->s[k] + alpha;
    double c = den > 0 ? t->s[k] * t->uf[k] / den : 0;
    for (int j = 0; j < n; j++) p_h[j] -= t->VT[(size_t)j * n + (size_t)k] * c;
  }
}

/* The trust-region subproblem on the SVD (More 1978): the smallest alpha
   >= 0 with |p_h(alpha)| <= Delta, to 1 %; alpha is the previous value as
   a warm start and receives the new one. */
static void tr_solve(trf *t, double Delta, double *alpha, double *p_h) {
  int n = t->n;
  double sufn = 0;
  for (int k = 0; k < n; k++) sufn += pow(t->s[k] * t->uf[k], 2);
  sufn = sqrt(sufn);
  int full_rank = t->s[n - 1] > DBL_EPSILON * (double)(t->m + (size_t)n) * t->s[0];
  double alo = 0, ahi = sufn / Delta;
  if (full_rank) {
    lm_step(t, 0, p_h);
    if (norm2(p_h, n) <= Delta) {
      *alpha = 0;
      return;
    }
    double pn = norm2(p_h, n), dphi = 0;
    for (int k = 0; k < n; k++) dphi -= pow(t->s[k] * t->uf[k], 2) / pow(t->s[k], 6);
    dphi /= pn;
    alo = -(pn - Delta) / dphi;
  }
  double a = *alpha;
  if (!(a > 0) || !full_rank) a = fmax(1e-3 * ahi, sqrt(alo * ahi));
  for (int it = 0; it < 10; it++) {
    if (a < alo || a > ahi) a = fmax(1e-3 * ahi, sqrt(alo * ahi));
    double pn = 0, dphi = 0;
    for (int k = 0; k < n; k++) {
      double suf = t->s[k] * t->uf[k], den = t->s[k] * t->s[k] + a;
      pn += suf * suf / (den * den);
      dphi -= suf * suf / (den * den * den);
    }
    pn = sqrt(pn);
    dphi /= pn;
    double phi = pn - Delta;
    if (phi < 0) ahi = a;
    double ratio = phi / dphi;
    alo = fmax(alo, a - ratio);
    a -= (phi + Delta) * ratio / Delta;
    if (fabs(phi) < 0.01 * Delta) break;
  }
  lm_step(t, a, p_h);
  double pn = norm2(p_h, n);
  if (pn > 0)
    for (int k = 0; k < n; k++) p_h[k] *= Delta / pn;
  *alpha = a;
}

/* The step: the trust-region step if it stays inside; else the best by
   the model of (a) it cut at theta of the way to the bound, (b) its
   reflection off the bound, (c) the scaled anti-gradient. Fills
   step/step_h and returns the predicted reduction. */
static double select_step(trf *t, double Delta, double theta, int *hits) {
  int n = t->n;
  for (int k = 0; k < n; k++) {
    t->p[k] = t->d[k] * t->p_h[k];
    t->tmp[k] = t->x[k] + t->p[k];
  }
  int inside = 1;
  for (int k = 0; k < n; k++)
    if (!(t->tmp[k] > t->lo[k] && t->tmp[k] < t->hi[k])) inside = 0;
  if (inside) {
    memcpy(t->step, t->p, (size_t)n * sizeof *t->p);
    memcpy(t->step_h, t->p_h, (size_t)n * sizeof *t->p);
    return -quad(t, t->p_h);
  }
  double pstride = to_bound(t, t->x, t->p, hits);
  for (int k = 0; k < n; k++) {
    t->rr_h[k] = hits[k] ? -t->p_h[k] : t->p_h[k];
    t->rr[k] = t->d[k] * t->rr_h[k];
    t->p[k] *= pstride;
    t->p_h[k] *= pstride;
    t->tmp[k] = t->x[k] + t->p[k]; /* on the bound */
  }
  /* (b) reflection from the bound point, within the region and the box */
  double to_tr = to_radius(t->p_h, t->rr_h, n, Delta);
  double to_bd = to_bound(t, t->tmp, t->rr, NULL);
  double rstride = fmin(to_bd, to_tr), rval = INFINITY, rlo = 0, rhi = -1;
  if (rstride > 0) {
    rlo = (1 - theta) * pstride / rstride;
    rhi = rstride == to_bd ? theta * to_bd : to_tr;
  }
  if (rlo <= rhi) {
    double a = line_min(t, t->p_h, t->rr_h, rlo, rhi, &rval);
    for (int k = 0; k < n; k++) {
      t->rr_h[k] = t->p_h[k] + a * t->rr_h[k];
      t->rr[k] = t->d[k] * t->rr_h[k];
    }
  }
  /* (a) the step cut short of the bound */
  for (int k = 0; k < n; k++) {
    t->p[k] *= theta;
    t->p_h[k] *= theta;
  }
  double pval = quad(t, t->p_h);
  /* (c) the anti-gradient, within the region and short of the box */
  for (int k = 0; k < n; k++) {
    t->ag_h[k] = -t->g_h[k];
    t->ag[k] = t->d[k] * t->ag_h[k];
  }
  double agn = norm2(t->ag_h, n), agval = INFINITY;
  if (agn > 0) {
    double tt = Delta / agn, tb = to_bound(t, t->x, t->ag, NULL);
    double agstride = tb < tt ? theta * tb : tt;
    double a = line_min(t, NULL, t->ag_h, 0, agstride, &agval);
    for (int k = 0; k < n; k++) {
      t->ag_h[k] *= a;
      t->ag[k] *= a;
    }
  }
  const double *s = t->p, *sh = t->p_h;
  double best = pval;
  if (rval < best) {
    s = t->rr;
    sh = t->rr_h;
    best = rval;
  }
  if (agval < best) {
    s = t->ag;
    sh = t->ag_h;
    best = agval;
  }
  memcpy(t->step, s, (size_t)n * sizeof *s);
  memcpy(t->step_h, sh, (size_t)n * sizeof *s);
  return -best;
}

/* g = J' r, and the column scaling: each parameter measured in units
   of 1 / |its Jacobian column|, the largest column norm seen so far
   (More 1978; scipy's x_scale='jac'), which makes the method invariant
   to the parameters' units. */
static void gradient(trf *t) {
  for (int k = 0; k < t->n; k++) {
    double a = 0, c = 0;
    for (size_t i = 0; i < t->m; i++) {
      double j = t->J[i * (size_t)t->n + (size_t)k];
      a += j * t->r[i];
      c += j * j;
    }
    t->g[k] = a;
    c = sqrt(c);
    if (getenv("TRF_NOSCALE")) c = 1;
    t->sinv[k] = fmax(t->sinv[k], c > 0 ? c : 1);
  }
}

static double half_sq(const double *r, size_t m) {
  double s = 0;
  for (size_t i = 0; i < m; i++) s += r[i] * r[i];
  return 0.5 * s;
}

static muskx_status trf_alloc(trf *t) {
  size_t n = (size_t)t->n, m = t->m, R = m + n, nf = (size_t)t->f->n;
  double **vecs[] = {&t->lo, &t->hi, &t->x, &t->g, &t->v, &t->dv, &t->d,
                     &t->diag_h, &t->g_h, &t->s, &t->uf, &t->p, &t->p_h,
                     &t->rr, &t->rr_h, &t->ag, &t->ag_h, &t->step,
                     &t->step_h, &t->xn, &t->tmp, &t->sinv};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if ((*vecs[i] = muskx__calloc(n + 1, sizeof(double))) == NULL) return MUSKX_ENOMEM;
  t->r = muskx__calloc(m + 1, sizeof(double));
  t->rn = muskx__calloc(m + 1, sizeof(double));
  t->J = muskx__calloc(m * n + 1, sizeof(double));
  t->jfull = muskx__calloc(m * nf + 1, sizeof(double));
  t->A = muskx__calloc(R * n + 1, sizeof(double));
  t->U = muskx__calloc(R * n + 1, sizeof(double));
  t->VT = muskx__calloc(n * n + 1, sizeof(double));
  if (!t->r || !t->rn || !t->J || !t->jfull || !t->A || !t->U || !t->VT)
    return MUSKX_ENOMEM;
  int rows = (int)R, cols = t->n, lw = -1, info = 0;
  double q = 0;
  dgesvd_("S", "S", &rows, &cols, t->A, &rows, t->s, t->U, &rows, t->VT,
          &cols, &q, &lw, &info);
  t->lwork = info == 0 && q >= 1 ? (int)q : 5 * (rows + cols);
  t->work = muskx__calloc((size_t)t->lwork + 1, sizeof(double));
  return t->work ? MUSKX_OK : MUSKX_ENOMEM;
}

static void trf_free(trf *t) {
  double *all[] = {t->lo, t->hi, t->x, t->g, t->v, t->dv, t->d, t->diag_h,
                   t->g_h, t->s, t->uf, t->p, t->p_h, t->rr, t->rr_h, t->ag,
                   t->ag_h, t->step, t->step_h, t->xn, t->tmp, t->sinv, t->r, t->rn,
                   t->J, t->jfull, t->A, t->U, t->VT, t->work};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}

/* Moves x strictly inside (lo, hi) by rstep of the range at most. */
static void strictly_inside(trf *t, double *x, double rstep) {
  for (int k = 0; k < t->n; k++) {
    double lo = t->lo[k], hi = t->hi[k];
    double e = isfinite(hi - lo) ? rstep * (hi - lo) : rstep * fmax(1, fabs(x[k]));
    if (isfinite(lo) && x[k] <= lo + e) x[k] = lo + e;
    if (isfinite(hi) && x[k] >= hi - e) x[k] = hi - e;
    if (lo == hi) x[k] = lo;
  }
}

muskx_status muskx__fit_trf(const muskx_fit *f, int worker, const int *idx,
                            int nfree, double *full, muskx__fit_outcome *out) {
  trf t;
  memset(&t, 0, sizeof t);
  t.f = f;
  t.worker = worker;
  t.n = nfree;
  t.m = f->nres;
  t.idx = idx;
  t.full = full;
  int *hits = muskx__calloc((size_t)nfree + 1, sizeof *hits);
  muskx_status st = hits ? trf_alloc(&t) : MUSKX_ENOMEM;
  if (st != MUSKX_OK) goto done;
  int n = nfree;
  for (int k = 0; k < n; k++) {
    t.lo[k] = f->lower[idx[k]];
    t.hi[k] = f->upper[idx[k]];
    t.x[k] = full[idx[k]];
  }
  strictly_inside(&t, t.x, 1e-10);
  out->exit = MUSKX_FIT_FAILED;
  if (call(&t, t.x, t.r, t.J) != 0) goto done;
  double cost = half_sq(t.r, t.m);
  gradient(&t);
  cl_scaling(&t);
  double Delta = 0;
  for (int k = 0; k < n; k++) Delta += pow(t.x[k] * t.sinv[k], 2) / t.v[k];
  Delta = sqrt(Delta);
  if (!(Delta > 0) || !isfinite(Delta)) Delta = 1;
  double alpha = 0;
  out->exit = MUSKX_FIT_MAXITER;
  for (int it = 0; it < f->maxiter; it++) {
    cl_scaling(&t);
    for (int k = 0; k < n; k++)
      if (t.dv[k] != 0) t.v[k] *= t.sinv[k];
    double gnorm = 0;
    for (int k = 0; k < n; k++) gnorm = fmax(gnorm, fabs(t.g[k] * t.v[k]));
    if (gnorm < f->gtol) {
      out->exit = MUSKX_FIT_GTOL;
      break;
    }
    for (int k = 0; k < n; k++) {
      t.d[k] = sqrt(t.v[k]) / t.sinv[k];
      t.diag_h[k] = t.g[k] * t.dv[k] / t.sinv[k];
      t.g_h[k] = t.d[k] * t.g[k];
    }
    if (svd(&t) != 0) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
    double theta = fmax(0.995, 1 - gnorm);
    double reduction = -1, ratio = 0, stepn = 0, costn = cost;
    int done_it = 0, tries = 0;
    while (reduction <= 0 && tries++ < 100) {
      tr_solve(&t, Delta, &alpha, t.p_h);
      double predicted = select_step(&t, Delta, theta, hits);
      for (int k = 0; k < n; k++) t.xn[k] = t.x[k] + t.step[k];
      for (int k = 0; k < n; k++) { /* strictly inside, never on a bound */
        if (t.xn[k] <= t.lo[k]) t.xn[k] = nextafter(t.lo[k], t.hi[k]);
        if (t.xn[k] >= t.hi[k]) t.xn[k] = nextafter(t.hi[k], t.lo[k]);
      }
      double sh = norm2(t.step_h, n);
      if (call(&t, t.xn, t.rn, NULL) != 0) {
        Delta = TRF_FAILED_SHRINK * sh;
        if (!(Delta > 0)) break;
        continue;
      }
      costn = half_sq(t.rn, t.m);
      reduction = cost - costn;
      ratio = predicted > 0 ? reduction / predicted
                            : (predicted == 0 && reduction == 0 ? 1 : 0);
      double Dnew = Delta;
      if (ratio < 0.25)
        Dnew = 0.25 * sh;
      else if (ratio > 0.75 && sh > 0.95 * Delta)
        Dnew = 2 * Delta;
      if (Dnew > 0) alpha *= Delta / Dnew;
      Delta = Dnew;
      stepn = norm2(t.step, n);
      double FT = getenv("XFTOL") ? atof(getenv("XFTOL")) : f->ftol;
      int ftol_ok = FT > 0 && reduction < FT * cost && ratio > 0.25;
      int xtol_ok = stepn < f->xtol * (f->xtol + norm2(t.x, n));
      if (ftol_ok || xtol_ok) {
        out->exit = ftol_ok ? MUSKX_FIT_FTOL : MUSKX_FIT_XTOL;
        done_it = 1;
        break;
      }
      if (!(Delta > 0)) break;
    }
    if (reduction > 0) {
      /* accept; the Jacobian is computed only here */
      memcpy(t.x, t.xn, (size_t)n * sizeof *t.x);
      memcpy(t.r, t.rn, t.m * sizeof *t.r);
      cost = costn;
      if (call(&t, t.x, t.r, t.J) != 0) {
        out->exit = MUSKX_FIT_FAILED;
        out->iters = it + 1;
        break;
      }
      gradient(&t);
    }
    out->iters = it + 1;
    if (getenv("XTRACE")) fprintf(stderr, "T %p it %d cost %.10g Delta %.3g ratio %.3g gnorm %.3g tries %d step %.3g\n", (void*)&t, it, cost, Delta, ratio, gnorm, tries, stepn);
    if (done_it) break;
    if (reduction <= 0) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
  }
  for (int k = 0; k < n; k++) full[idx[k]] = t.x[k];
  out->nllh = f->offset + cost;
done:
  out->evals = t.evals;
  muskx__free(hits);
  trf_free(&t);
  return st;
}

/* ------------------------------------------------ projected LM */

extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a,
                   const int *lda, double *b, const int *ldb, int *info);

/*
 * Projected Levenberg-Marquardt (Kanzow, Yamashita & Fukushima 2004):
 * parameters on a bound whose gradient pushes outward are held there
 * (the active set), the LM step is solved on the others with Marquardt's
 * scaling and Nielsen's damping update, and the trial point is the step
 * projected onto the box, so that a parameter whose optimum is on a bound
 * gets there in one step instead of crawling towards it.
 */
muskx_status muskx__fit_plm(const muskx_fit *f, int worker, const int *idx,
                            int nfree, double *full, muskx__fit_outcome *out) {
  trf t;
  memset(&t, 0, sizeof t);
  t.f = f;
  t.worker = worker;
  t.n = nfree;
  t.m = f->nres;
  t.idx = idx;
  t.full = full;
  int n = nfree;
  int *freev = muskx__calloc((size_t)n + 1, sizeof *freev);
  double *H = muskx__calloc((size_t)n * n + 1, sizeof *H);
  double *dg = muskx__calloc((size_t)n + 1, sizeof *dg);
  muskx_status st = freev && H && dg ? trf_alloc(&t) : MUSKX_ENOMEM;
  if (st != MUSKX_OK) goto done;
  for (int k = 0; k < n; k++) {
    t.lo[k] = f->lower[idx[k]];
    t.hi[k] = f->upper[idx[k]];
    t.x[k] = fmin(fmax(full[idx[k]], t.lo[k]), t.hi[k]);
  }
  out->exit = MUSKX_FIT_FAILED;
  if (call(&t, t.x, t.r, t.J) != 0) goto done;
  double cost = half_sq(t.r, t.m), mu = -1, nu = 2;
  gradient(&t);
  out->exit = MUSKX_FIT_MAXITER;
  for (int it = 0; it < f->maxiter; it++) {
    /* active set and the projected gradient's size */
    int nf = 0;
    double pg = 0;
    for (int k = 0; k < n; k++) {
      int at_lo = t.x[k] <= t.lo[k] && t.g[k] > 0;
      int at_hi = t.x[k] >= t.hi[k] && t.g[k] < 0;
      if (!(at_lo || at_hi)) {
        freev[nf++] = k;
        pg = fmax(pg, fabs(t.g[k]));
      }
    }
    if (nf == 0 || pg < f->gtol) {
      out->exit = MUSKX_FIT_GTOL;
      out->iters = it;
      break;
    }
    /* J_F' J_F, and Marquardt's scaling: the largest diagonal seen */
    for (int a = 0; a < nf; a++) {
      for (int b = 0; b <= a; b++) {
        double s = 0;
        for (size_t i = 0; i < t.m; i++)
          s += t.J[i * (size_t)n + (size_t)freev[a]] * t.J[i * (size_t)n + (size_t)freev[b]];
        t.A[(size_t)a * nf + b] = t.A[(size_t)b * nf + a] = s;
      }
      dg[freev[a]] = fmax(dg[freev[a]], t.A[(size_t)a * nf + a]);
      if (!(dg[freev[a]] > 0)) dg[freev[a]] = 1;
    }
    if (mu < 0) {
      double mx = 0;
      for (int a = 0; a < nf; a++) mx = fmax(mx, t.A[(size_t)a * nf + a]);
      mu = 1e-3;
      (void)mx;
    }
    int accepted = 0, stop = 0;
    for (int tries = 0; tries < 60 && !accepted && !stop; tries++) {
      int info = 0, one = 1;
      memcpy(H, t.A, (size_t)nf * nf * sizeof *H);
      for (int a = 0; a < nf; a++) {
        H[(size_t)a * nf + a] += mu * dg[freev[a]];
        t.p[a] = -t.g[freev[a]];
      }
      dposv_("L", &nf, &one, H, &nf, t.p, &nf, &info);
      if (info != 0) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      /* projected trial point and the step actually taken */
      memcpy(t.xn, t.x, (size_t)n * sizeof *t.x);
      for (int a = 0; a < nf; a++) {
        int k = freev[a];
        t.xn[k] = fmin(fmax(t.x[k] + t.p[a], t.lo[k]), t.hi[k]);
      }
      double stepn = 0, pred = 0;
      for (int k = 0; k < n; k++) t.step[k] = t.xn[k] - t.x[k];
      stepn = norm2(t.step, n);
      for (size_t i = 0; i < t.m; i++) {
        double a = 0;
        for (int k = 0; k < n; k++) a += t.J[i * (size_t)n + (size_t)k] * t.step[k];
        pred -= 0.5 * a * a;
      }
      for (int k = 0; k < n; k++) pred -= t.g[k] * t.step[k];
      if (stepn <= f->xtol * (f->xtol + norm2(t.x, n))) {
        out->exit = MUSKX_FIT_XTOL;
        stop = 1;
        break;
      }
      if (call(&t, t.xn, t.rn, NULL) != 0) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      double costn = half_sq(t.rn, t.m);
      double rho = pred > 0 ? (cost - costn) / pred : -1;
      if (rho > 1e-4 && costn < cost) {
        double red = cost - costn;
        memcpy(t.x, t.xn, (size_t)n * sizeof *t.x);
        if (call(&t, t.x, t.r, t.J) != 0) {
          out->exit = MUSKX_FIT_FAILED;
          stop = 1;
          break;
        }
        cost = half_sq(t.r, t.m);
        gradient(&t);
        mu *= fmax(1.0 / 3, 1 - pow(2 * rho - 1, 3));
        nu = 2;
        accepted = 1;
        if (f->ftol > 0 && red <= f->ftol * cost) {
          out->exit = MUSKX_FIT_FTOL;
          stop = 1;
        }
      } else {
        mu *= nu;
        nu *= 2;
      }
    }
    out->iters = it + 1;
    if (getenv("XTRACE")) fprintf(stderr, "P it %d cost %.10g mu %.3g nf %d pg %.3g\n", it, cost, mu, nf, pg);
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
  muskx__free(freev);
  muskx__free(H);
  muskx__free(dg);
  trf_free(&t);
  return st;
}
