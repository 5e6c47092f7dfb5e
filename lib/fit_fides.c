/*
 * fit_fides.c -- bound-constrained nonlinear least squares for muskx fit
 * (issue 15) after Fides (Froehlich & Sorger 2022, PLoS Comput Biol
 * 18:e1010322): a trust-region method with a hybrid Hessian, a 2-D
 * subspace step and Fides' step-back candidates at the bounds, on the
 * exact Jacobian.
 *
 * Model Hessian: the Gauss-Newton J'J until Gauss-Newton stalls (the
 * hybrid's test of fit_local.c: 10 iterations together gained less than
 * 0.1 in nllh or 1 % of what the start has gained), then J'J plus a
 * structured secant term A for the residuals' second derivatives (Dennis,
 * Martinez & Tapia 1989, "SSM" in Fides: BFGS on J+'J+ + A with
 * y# = J+'J+ s + (J+ - J)' r+), started from zero at the switch, and
 * dropped again (back to Gauss-Newton until the next stall) after an
 * accepted step whose reduction was less than FD_ETA of the predicted.
 *
 * Step: the trust-region subproblem on the free set restricted to the
 * span of the gradient and the Newton step (the pseudo-inverse one where
 * B is singular, as with closed-form noise parameters, or the direction
 * of most negative curvature where B is indefinite), solved exactly via
 * LAPACK dsyev. When it leaves the box the candidates are Fides': the
 * step truncated at theta of the way to the bound, the step reflected at
 * that bound (then minimised along), the gradient step; plus the step
 * projected onto the box (not in Fides), which puts a parameter exactly
 * on its bound. The one with the lowest model value is tried. A
 * parameter on a bound whose gradient pushes outward is held there.
 *
 * Not Fides: no Coleman-Li affine scaling. With it Fides' step only
 * approaches a bound, and Boehm's optimum (two parameters on bounds) was
 * reached from 8 of 100 starts against 18 without (docs/fitting.md).
 *
 * Trial points are residual-only calls, the Jacobian is computed only at
 * accepted points, a failed call rejects the step, and the cost stays the
 * trial's (see fit_dogbox.c). No gradient test, as the hybrid
 * (fit_local.c): starts on a plateau would stop at once.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "fit.h"

extern void dsyev_(const char *jobz, const char *uplo, const int *n, double *a,
                   const int *lda, double *w, double *work, const int *lwork,
                   int *info);

/* The switch to the secant term: Gauss-Newton gained less than
   FD_STALL_GAIN in nllh, or less than FD_STALL_SHARE of the start's gain,
   over FD_STALL_ITERS iterations (fit_local.c's hybrid test). */
#define FD_STALL_ITERS 10
#define FD_STALL_GAIN 0.1
#define FD_STALL_SHARE 0.01
/* Rejected trials per iteration before giving up (the radius shrinks). */
#define FD_MAX_TRIES 60
/* Radius updates (Fides' defaults): shrink below MU, grow above ETA. */
#define FD_MU 0.25
#define FD_ETA 0.75
/* Least share of the way to a bound a truncated step goes (Fides). */
#define FD_THETA 0.95
/* Eigenvalues below this share of the largest count as zero. */
#define FD_EIG_RTOL 1e-12

typedef struct fd {
  muskx__lsq c; /* the frame (fit_lsq.c) */
  /* n each */
  double *gs, *sh;
  double *scr, *cand, *tmp, *yb, *ys, *u; /* scratch */
  double *GN, *A, *Bh, *E;     /* n x n: J'J, secant term, model, scratch */
  double *work;
  int lwork;
  int use_secant; /* the model includes A */
} fd;

/* G = J'J (n x n) */
static void gauss_newton(const double *J, size_t m, int n, double *G) {
  for (int a = 0; a < n; a++)
    for (int b = 0; b <= a; b++) {
      double s = 0;
      for (size_t i = 0; i < m; i++)
        s += J[i * (size_t)n + (size_t)a] * J[i * (size_t)n + (size_t)b];
      G[(size_t)a * n + b] = G[(size_t)b * n + a] = s;
    }
}

static double dot(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* Free set: the parameters not held on a bound by the gradient (on a
   bound however they got there: a truncated or reflected step can end
   on one by rounding). */
static int free_set(fd *t) {
  int nf = 0;
  for (int k = 0; k < t->c.n; k++) {
    t->c.onb[k] = t->c.x[k] <= t->c.lo[k] ? -1 : t->c.x[k] >= t->c.hi[k] ? 1 : 0;
    if (!(t->c.onb[k] * t->c.g[k] < 0)) t->c.freev[nf++] = k;
  }
  return nf;
}

/* The model on the free set: gradient gs = g_F, Hessian Bh = (J'J + A)_F
   (A only once switched on). */
static void free_model(fd *t, int nf) {
  size_t n = (size_t)t->c.n;
  for (int a = 0; a < nf; a++) {
    size_t ka = (size_t)t->c.freev[a];
    t->gs[a] = t->c.g[ka];
    for (int b = 0; b < nf; b++) {
      size_t kb = (size_t)t->c.freev[b];
      double v = t->GN[ka * n + kb] + (t->use_secant ? t->A[ka * n + kb] : 0);
      t->Bh[(size_t)a * nf + b] = v;
    }
  }
}

/* The model's value gs's + 1/2 s'Bh s for a step s on the free set. */
static double model(const fd *t, int nf, const double *s) {
  double q = dot(t->gs, s, nf);
  for (int a = 0; a < nf; a++) {
    double row = 0;
    for (int b = 0; b < nf; b++) row += t->Bh[(size_t)a * nf + b] * s[b];
    q += 0.5 * s[a] * row;
  }
  return q;
}

/* Exact solution of min g'z + 1/2 z'Bz, |z| <= delta in k <= 2 dims
   (B k x k, row-major) into z. Eigen-decomposition, then the secular
   equation |z(lambda)| = delta by bisection (monotone in lambda), with
   the hard case along the lowest eigenvector. -1 when dsyev fails. */
static int tr_small(const double *B, const double *g, int k, double delta,
                    double *z) {
  double Q[4] = {0}, e[2] = {0}, w[2] = {0}, work[16];
  int lw = 16, info = 0;
  memcpy(Q, B, (size_t)(k * k) * sizeof *Q);
  dsyev_("V", "U", &k, Q, &k, e, work, &lw, &info); /* symmetric: layout-free */
  if (info != 0) return -1;
  /* columns of Q (column-major) are the eigenvectors, e ascending */
  for (int i = 0; i < k; i++) w[i] = Q[i * k] * g[0] + (k > 1 ? Q[i * k + 1] * g[1] : 0);
  double c[2] = {0, 0};
  double lam_lo = fmax(0, -e[0]);
  double gn = sqrt(w[0] * w[0] + (k > 1 ? w[1] * w[1] : 0));
  /* |z(lambda)| for lambda above -e[0] */
#define ZNORM(L) sqrt((w[0] / (e[0] + (L))) * (w[0] / (e[0] + (L))) + \
                      (k > 1 ? (w[1] / (e[1] + (L))) * (w[1] / (e[1] + (L))) : 0))
  double lam;
  if (e[0] > 0 && ZNORM(0.0) <= delta) {
    lam = 0;
  } else {
    double tiny = 1e-14 * (fabs(e[0]) + (k > 1 ? fabs(e[1]) : 0) + gn / delta);
    int hard = fabs(w[0]) <= 1e-12 * (gn > 0 ? gn : 1);
    double rest = k > 1 && e[1] - e[0] > 0 ? fabs(w[1]) / (e[1] - e[0]) : 0;
    if (hard && rest <= delta) {
      /* hard case: lambda = -e[0], the rest along the lowest eigenvector */
      c[1] = k > 1 && e[1] - e[0] > 0 ? -w[1] / (e[1] - e[0]) : 0;
      c[0] = sqrt(fmax(delta * delta - c[1] * c[1], 0));
      for (int j = 0; j < k; j++)
        z[j] = Q[j] * c[0] + (k > 1 ? Q[k + j] * c[1] : 0);
      return 0;
    }
    double a = lam_lo + tiny, b = lam_lo + gn / delta + tiny;
    while (ZNORM(b) > delta) b = 2 * b + 1; /* rounding: make sure */
    for (int it = 0; it < 200 && b - a > 1e-15 * b; it++) {
      double mid = 0.5 * (a + b);
      if (ZNORM(mid) > delta) a = mid;
      else b = mid;
    }
    lam = b;
  }
#undef ZNORM
  for (int i = 0; i < k; i++) c[i] = -w[i] / (e[i] + lam);
  for (int j = 0; j < k; j++)
    z[j] = Q[j] * c[0] + (k > 1 ? Q[k + j] * c[1] : 0);
  return 0;
}

/* The 2-D subspace step into sh (free set): span of gs and the Newton
   step -Bh^+ gs (or, where Bh is indefinite, its eigenvector of the
   lowest eigenvalue). -1 when LAPACK fails. */
static int subspace_step(fd *t, int nf, double delta) {
  double *v1 = t->tmp, *v2 = t->cand, *E = t->E;
  double gn = sqrt(dot(t->gs, t->gs, nf));
  if (!(gn > 0)) {
    memset(t->sh, 0, (size_t)nf * sizeof *t->sh);
    return 0;
  }
  for (int c = 0; c < nf; c++) v1[c] = t->gs[c] / gn;
  /* Bh = Q diag(ev) Q' (Bh symmetric: row- or column-major alike) */
  int info = 0;
  double *ev = t->yb; /* scratch */
  memcpy(E, t->Bh, (size_t)nf * (size_t)nf * sizeof *E);
  dsyev_("V", "U", &nf, E, &nf, ev, t->work, &t->lwork, &info);
  if (info != 0) return -1;
  double emax = fmax(fabs(ev[0]), fabs(ev[nf - 1]));
  if (ev[0] < -FD_EIG_RTOL * emax) { /* indefinite: most negative curvature */
    for (int c = 0; c < nf; c++) v2[c] = E[c];
  } else {
    /* the Newton step, pseudo-inverse: closed-form noise parameters have
       zero columns in J and no gradient, so Bh is often singular */
    memset(v2, 0, (size_t)nf * sizeof *v2);
    for (int i = 0; i < nf; i++) {
      if (!(ev[i] > FD_EIG_RTOL * emax)) continue;
      double w = dot(E + (size_t)i * nf, t->gs, nf) / ev[i];
      for (int c = 0; c < nf; c++) v2[c] -= w * E[(size_t)i * nf + c];
    }
  }
  double p = dot(v2, v1, nf);
  for (int c = 0; c < nf; c++) v2[c] -= p * v1[c];
  double n2 = sqrt(dot(v2, v2, nf));
  int k = n2 > 1e-10 * (fabs(p) + n2) && isfinite(n2) ? 2 : 1;
  if (k == 2)
    for (int c = 0; c < nf; c++) v2[c] /= n2;
  /* the reduced problem */
  double gv[2], Bv[4], z[2] = {0, 0};
  const double *V[2] = {v1, v2};
  for (int i = 0; i < k; i++) {
    gv[i] = dot(t->gs, V[i], nf);
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int a = 0; a < nf; a++) {
        double row = 0;
        for (int b = 0; b < nf; b++) row += t->Bh[(size_t)a * nf + b] * V[j][b];
        s += V[i][a] * row;
      }
      Bv[i * k + j] = s;
    }
  }
  if (k == 2) Bv[1] = Bv[2] = 0.5 * (Bv[1] + Bv[2]);
  if (tr_small(Bv, gv, k, delta, z) != 0) return -1;
  for (int c = 0; c < nf; c++)
    t->sh[c] = z[0] * v1[c] + (k == 2 ? z[1] * v2[c] : 0);
  return 0;
}

/* Largest alpha >= 0 with x0 + alpha sdir inside the box, over the free
   set; *which the free index that bounds it (-1 none). */
static double to_bound(const fd *t, int nf, const double *x0,
                       const double *sdir, int *which) {
  double best = INFINITY;
  *which = -1;
  for (int c = 0; c < nf; c++) {
    int k = t->c.freev[c];
    double s = sdir[c];
    if (s == 0) continue;
    double a = s > 0 ? (t->c.hi[k] - x0[c]) / s : (t->c.lo[k] - x0[c]) / s;
    if (a < best) {
      best = fmax(a, 0);
      *which = c;
    }
  }
  return best;
}

/* Minimiser of the model along the direction r from the step p, for t
   in [0, tmax]: writes p + t r into out; returns t. */
static double line_min(const fd *t, int nf, const double *p, const double *r,
                       double tmax, double *out) {
  /* q(p + t r) = q(p) + t (gs + Bh p)'r + t^2/2 r'Bh r */
  double lin = dot(t->gs, r, nf), cur = 0;
  for (int a = 0; a < nf; a++) {
    double rp = 0, rr = 0;
    for (int b = 0; b < nf; b++) {
      rp += t->Bh[(size_t)a * nf + b] * p[b];
      rr += t->Bh[(size_t)a * nf + b] * r[b];
    }
    lin += r[a] * rp;
    cur += r[a] * rr;
  }
  double s = tmax;
  if (cur > 0) s = fmin(fmax(-lin / cur, 0), tmax);
  else if (lin > 0) s = 0;
  for (int c = 0; c < nf; c++) out[c] = p[c] + s * r[c];
  return s;
}

/* Largest t with |p + t r| <= delta (p inside). */
static double to_radius(const double *p, const double *r, int nf, double delta) {
  double a = dot(r, r, nf), b = 2 * dot(p, r, nf), c = dot(p, p, nf) - delta * delta;
  if (!(a > 0)) return 0;
  double disc = fmax(b * b - 4 * a * c, 0);
  return fmax((-b + sqrt(disc)) / (2 * a), 0);
}

/* Chooses the step from the trust-region step sh: writes it (full
   length) into step, the bounds it lands on into onbn, the chosen step
   on the free set back into sh, and returns its model value. */
static double choose_step(fd *t, int nf, double delta) {
  double *xf = t->u, *best = t->ys, *c = t->cand, *p = t->tmp;
  for (int a = 0; a < nf; a++) xf[a] = t->c.x[t->c.freev[a]];
  memcpy(t->c.onbn, t->c.onb, (size_t)t->c.n * sizeof *t->c.onbn);
  for (int a = 0; a < nf; a++) t->c.onbn[t->c.freev[a]] = 0;
  int hit = -1, proj_best = 0;
  double alpha = to_bound(t, nf, xf, t->sh, &hit);
  double bestq = model(t, nf, t->sh);
  memcpy(best, t->sh, (size_t)nf * sizeof *best);
  if (alpha < 1) {
    double theta = fmax(FD_THETA, 1 - sqrt(dot(t->gs, t->gs, nf)));
    /* (Fides: theta -> 1 as the gradient vanishes) */
    /* truncated */
    for (int a = 0; a < nf; a++) c[a] = theta * alpha * t->sh[a];
    bestq = model(t, nf, c);
    memcpy(best, c, (size_t)nf * sizeof *best);
    /* reflected at the first bound, from the point on it */
    for (int a = 0; a < nf; a++) {
      p[a] = alpha * t->sh[a];
      c[a] = (1 - alpha) * t->sh[a] * (a == hit ? -1 : 1);
    }
    {
      double *xp = t->yb; /* the point on the bound (free set) */
      for (int a = 0; a < nf; a++) xp[a] = xf[a] + p[a];
      xp[hit] = t->sh[hit] > 0 ? t->c.hi[t->c.freev[hit]] : t->c.lo[t->c.freev[hit]];
      int h2;
      double tb = theta * to_bound(t, nf, xp, c, &h2);
      double tmax = fmin(tb, to_radius(p, c, nf, delta));
      double *q = t->scr;
      line_min(t, nf, p, c, tmax, q);
      double v = model(t, nf, q);
      if (v < bestq) {
        bestq = v;
        memcpy(best, q, (size_t)nf * sizeof *best);
      }
    }
    /* the gradient step */
    {
      double *q = t->scr;
      for (int a = 0; a < nf; a++) {
        p[a] = 0;
        c[a] = -t->gs[a];
      }
      int h2;
      double tb = theta * to_bound(t, nf, xf, c, &h2);
      double tmax = fmin(tb, to_radius(p, c, nf, delta));
      line_min(t, nf, p, c, tmax, q);
      double v = model(t, nf, q);
      if (v < bestq) {
        bestq = v;
        memcpy(best, q, (size_t)nf * sizeof *best);
      }
    }
    /* projected onto the box: parameters land exactly on bounds */
    for (int a = 0; a < nf; a++) {
      int k = t->c.freev[a];
      c[a] = fmin(fmax(xf[a] + t->sh[a], t->c.lo[k]), t->c.hi[k]) - xf[a];
    }
    double v = model(t, nf, c);
    if (v < bestq) {
      bestq = v;
      memcpy(best, c, (size_t)nf * sizeof *best);
      proj_best = 1;
    }
  }
  memcpy(t->sh, best, (size_t)nf * sizeof *best);
  memset(t->c.step, 0, (size_t)t->c.n * sizeof *t->c.step);
  for (int a = 0; a < nf; a++) {
    int k = t->c.freev[a];
    double v = fmin(fmax(xf[a] + best[a], t->c.lo[k]), t->c.hi[k]);
    if (proj_best) {
      double raw = xf[a] + t->sh[a];
      if (raw <= t->c.lo[k] || v <= t->c.lo[k]) v = t->c.lo[k], t->c.onbn[k] = -1;
      if (raw >= t->c.hi[k] || v >= t->c.hi[k]) v = t->c.hi[k], t->c.onbn[k] = 1;
    }
    t->c.step[k] = v - xf[a];
  }
  return bestq;
}

/* After an accepted step s (t->c.step) to a point with residuals rn and
   Jacobian Jn: J'J there and, once switched on, the structured BFGS
   update of A on B# = J+'J+ + A with y# = J+'J+ s + (J+ - J)' r+
   (skipped where the curvature condition fails, as in Fides). */
static void new_hessian(fd *t) {
  int n = t->c.n;
  size_t m = t->c.m;
  gauss_newton(t->c.Jn, m, n, t->GN);
  if (!t->use_secant) return;
  for (int k = 0; k < n; k++) {
    double s = 0;
    for (size_t i = 0; i < m; i++)
      s += (t->c.Jn[i * (size_t)n + (size_t)k] - t->c.J[i * (size_t)n + (size_t)k]) * t->c.rn[i];
    t->yb[k] = s;
  }
  for (int a = 0; a < n; a++) {
    double gs = 0, bs = 0;
    for (int b = 0; b < n; b++) {
      gs += t->GN[(size_t)a * n + b] * t->c.step[b];
      bs += (t->GN[(size_t)a * n + b] + t->A[(size_t)a * n + b]) * t->c.step[b];
    }
    t->ys[a] = gs + t->yb[a];
    t->u[a] = bs;
  }
  double b = dot(t->ys, t->c.step, n), c = dot(t->u, t->c.step, n);
  if (!(b > 0) || !(c > 0)) return;
  for (int a = 0; a < n; a++)
    for (int q = 0; q < n; q++)
      t->A[(size_t)a * n + q] += t->ys[a] * t->ys[q] / b - t->u[a] * t->u[q] / c;
}

static muskx_status fd_alloc(fd *t) {
  size_t n = (size_t)t->c.n;
  double **vecs[] = {&t->scr, &t->gs, &t->sh, &t->cand,
                     &t->tmp, &t->yb, &t->ys, &t->u};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if ((*vecs[i] = muskx__calloc(n + 1, sizeof(double))) == NULL) return MUSKX_ENOMEM;
  double **mats[] = {&t->GN, &t->A, &t->Bh, &t->E};
  for (size_t i = 0; i < sizeof mats / sizeof *mats; i++)
    if ((*mats[i] = muskx__calloc(n * n + 1, sizeof(double))) == NULL) return MUSKX_ENOMEM;
  t->lwork = (int)(34 * n + 64); /* dsyev: (NB + 2) N, NB <= 32 */
  t->work = muskx__calloc((size_t)t->lwork, sizeof(double));
  return t->work ? MUSKX_OK : MUSKX_ENOMEM;
}

static void fd_free(fd *t) {
  void *all[] = {t->scr, t->gs, t->sh, t->cand, t->tmp, t->yb, t->ys, t->u,
                 t->GN, t->A, t->Bh, t->E, t->work};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}

muskx_status muskx__fit_fides(const muskx_fit *f, int worker, const int *idx,
                              int nfree, double *full,
                              muskx__fit_outcome *out) {
  fd t;
  memset(&t, 0, sizeof t);
  int n = nfree;
  muskx_status st = muskx__lsq_open(&t.c, f, worker, idx, nfree, full, out);
  if (st == MUSKX_OK && !out->start_failed) st = fd_alloc(&t);
  if (st != MUSKX_OK || out->start_failed) goto done;
  double delta = 1; /* Fides' */
  gauss_newton(t.c.J, t.c.m, n, t.GN);
  const double cost0 = t.c.cost;
  double hist[FD_STALL_ITERS]; /* the cost FD_STALL_ITERS iterations ago */
  int gn_since = 0; /* the iteration Gauss-Newton (re)started */
  for (int it = 0; it < f->maxiter; it++) {
    if (!t.use_secant && it >= gn_since + FD_STALL_ITERS &&
        hist[it % FD_STALL_ITERS] - t.c.cost <
            fmax(FD_STALL_GAIN, FD_STALL_SHARE * (cost0 - t.c.cost)))
      t.use_secant = 1; /* Gauss-Newton stalled; A is zero */
    hist[it % FD_STALL_ITERS] = t.c.cost;
    int nf = free_set(&t);
    if (nf == 0) {
      out->exit = MUSKX_FIT_GTOL;
      break;
    }
    free_model(&t, nf);
    int accepted = 0, stop = 0;
    for (int tries = 0; tries < FD_MAX_TRIES && !accepted && !stop; tries++) {
      if (subspace_step(&t, nf, delta) != 0) {
        out->exit = MUSKX_FIT_NOPROGRESS;
        stop = 1;
        break;
      }
      double q = choose_step(&t, nf, delta);
      double shn = sqrt(dot(t.sh, t.sh, nf));
      for (int k = 0; k < n; k++) t.c.xn[k] = t.c.x[k] + t.c.step[k];
      for (int k = 0; k < n; k++) {
        if (t.c.onbn[k] < 0) t.c.xn[k] = t.c.lo[k];
        if (t.c.onbn[k] > 0) t.c.xn[k] = t.c.hi[k];
      }
      if ((stop = muskx__lsq_tiny_step(&t.c, tries, out)) != 0) break;
      double costn = muskx__lsq_trial_cost(&t.c);
      double red = t.c.cost - costn;
      double rho = q < 0 ? red / -q : (red > 0 ? 1 : -1);
      if (!(rho >= FD_MU) || !(red > 0)) delta = fmin(0.25 * delta, 0.25 * shn);
      else if (rho > FD_ETA && shn >= 0.9 * delta) delta *= 2;
      if (!(red > 0 && rho > 0)) continue;
      if (muskx__lsq_jacobian(&t.c) != 0) {
        delta = fmin(0.25 * delta, 0.25 * shn);
        continue;
      }
      if (t.use_secant && rho < FD_ETA) {
        /* the secant model predicted poorly: back to Gauss-Newton until
           it stalls again (kept, the radius stagnated with rho between
           FD_MU and FD_ETA and starts crept to the iteration limit) */
        t.use_secant = 0;
        memset(t.A, 0, (size_t)n * (size_t)n * sizeof *t.A);
        gn_since = it + 1;
      }
      new_hessian(&t); /* from J, Jn and rn: before the move */
      muskx__lsq_move(&t.c, costn);
      accepted = 1;
      if (f->ftol > 0 && red <= f->ftol * t.c.cost && rho > FD_MU) {
        out->exit = MUSKX_FIT_FTOL;
        stop = 1;
      }
    }
    if (muskx__lsq_iteration_end(out, it, accepted, stop)) break;
  }
done:
  muskx__lsq_close(&t.c, st, out);
  fd_free(&t);
  return st;
}
