/*
 * fit_dogbox.c -- bound-constrained nonlinear least squares for muskx fit
 * (issue 15): the rectangular trust-region dogleg of Voglis & Lagaris
 * (2004, "A rectangular trust region dogleg approach for unconstrained
 * and bound constrained nonlinear optimization"), as scipy's
 * least_squares(method='dogbox'), on the exact Jacobian.
 *
 * A parameter on a bound whose gradient pushes outward is held there;
 * on the others the Gauss-Newton step (minimum-norm least squares,
 * LAPACK dgelsd) is taken when it fits into the box [lo, hi] intersected
 * with the trust region |step|_inf <= Delta, else the dogleg path from
 * the Cauchy point towards it is cut where it leaves that box. Delta
 * starts at |x0|_inf (long first steps), is quartered on a poor step and
 * doubled on a good one that reached the trust region's edge; a step that
 * lands on a bound puts the parameter exactly there.
 *
 * On Boehm_JProteomeRes2014 the same 240 starts (seeds 1-12) reach the
 * optimum 38 times with this method against 24 with the projected LM
 * (fit_plm.c), but with a rank-deficient Jacobian its Gauss-Newton point
 * is huge along badly determined directions and it crawls for thousands
 * of iterations (docs/fitting.md): the default method (fit_local.c) runs
 * it only until it stalls (muskx_fit.stall) and finishes with the LM.
 *
 * Trial points are residual-only calls, the Jacobian is computed only at
 * accepted points, a failed call rejects the step, and the cost stays
 * the trial's: the sensitivity run's residuals differ from it by the
 * solver's error, and comparing the next trial with those made the
 * projected LM accept noise for ever.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "fit.h"

extern void dgelsd_(const int *m, const int *n, const int *nrhs, double *a,
                    const int *lda, double *b, const int *ldb, double *s,
                    const double *rcond, int *rank, double *work,
                    const int *lwork, int *iwork, int *info);

/* The window of the stall test (muskx_fit.stall, hybrid method). */
#define DB_STALL_ITERS 10
/* ... or less than this share of what the start has gained so far (a
   crawl at a large cost: Fujita) */
#define DB_STALL_SHARE 0.01
/* Rejected trials per iteration before giving up (Delta quarters each). */
#define DB_MAX_TRIES 60

typedef struct db {
  muskx__lsq c; /* the frame (fit_lsq.c) */
  double *gn, *cs, *blo, *bhi, *sv; /* n each */
  double *A, *b;                    /* m x n, m + n */
  double *work;
  int *iwork;
  int lwork;
} db;

static double norm_inf(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s = fmax(s, fabs(a[i]));
  return s;
}

/* |J_F s|^2 for s over the free set (length nf). */
static double jnorm2(const db *t, int nf, const double *s) {
  double q = 0;
  for (size_t i = 0; i < t->c.m; i++) {
    double a = 0;
    for (int c = 0; c < nf; c++)
      a += t->c.J[i * (size_t)t->c.n + (size_t)t->c.freev[c]] * s[c];
    q += a * a;
  }
  return q;
}

/* Free set: the parameters not held on a bound by the gradient. Returns
   its size; *pg receives the largest |g| over it. */
static int free_set(db *t, double *pg) {
  int nf = 0;
  *pg = 0;
  for (int k = 0; k < t->c.n; k++) {
    if (t->c.onb[k] * t->c.g[k] < 0) continue; /* pushed out of the box */
    t->c.freev[nf++] = k;
    *pg = fmax(*pg, fabs(t->c.g[k]));
  }
  return nf;
}

/* Gauss-Newton step on the free set into gn: the minimum-norm solution
   of J_F gn = -r. -1 when LAPACK fails. */
static int newton(db *t, int nf) {
  int m = (int)t->c.m, n = nf, one = 1, rank = 0, info = 0;
  int ldb = m > n ? m : n;
  double rcond = -1;
  for (int c = 0; c < nf; c++) /* column-major copy */
    for (size_t i = 0; i < t->c.m; i++)
      t->A[(size_t)c * t->c.m + i] = t->c.J[i * (size_t)t->c.n + (size_t)t->c.freev[c]];
  for (size_t i = 0; i < (size_t)ldb; i++) t->b[i] = i < t->c.m ? -t->c.r[i] : 0;
  dgelsd_(&m, &n, &one, t->A, &m, t->b, &ldb, t->sv, &rcond, &rank, t->work,
          &t->lwork, t->iwork, &info);
  if (info != 0) return -1;
  for (int c = 0; c < nf; c++) t->gn[c] = t->b[c];
  return 0;
}

/* The cost decrease the Gauss-Newton step gn promises (fit_gngain.c's
   quantity, from newton()'s solution). */
static double gn_gain(const db *t, int nf) {
  double before = 0, after = 0;
  for (size_t i = 0; i < t->c.m; i++) {
    double a = t->c.r[i];
    for (int c = 0; c < nf; c++)
      a += t->c.J[i * (size_t)t->c.n + (size_t)t->c.freev[c]] * t->gn[c];
    before += t->c.r[i] * t->c.r[i];
    after += a * a;
  }
  return 0.5 * (before - after);
}

/* Largest s >= 0 with lo <= x0 + s d <= hi (each of nf); hit[c] is the
   sign of d[c] where that bound is met, else 0. */
static double to_bound(const double *x0, const double *d, const double *lo,
                       const double *hi, int nf, int *hit) {
  double best = INFINITY;
  for (int c = 0; c < nf; c++) {
    if (d[c] == 0) continue;
    double s = fmax((lo[c] - x0[c]) / d[c], (hi[c] - x0[c]) / d[c]);
    if (s < best) best = s;
  }
  for (int c = 0; c < nf && hit; c++) {
    double s = d[c] == 0 ? INFINITY
                         : fmax((lo[c] - x0[c]) / d[c], (hi[c] - x0[c]) / d[c]);
    hit[c] = s == best ? (d[c] > 0) - (d[c] < 0) : 0;
  }
  return best;
}

/* The dogleg step within the box and the trust region on the free set, into
   step (full length; held parameters 0) and onbn (the bounds it lands
   on). Returns 1 when the step stops at the trust region's edge. */
static int dogleg(db *t, int nf, double delta) {
  int tr_hit = 0;
  double *zero = t->c.xn; /* scratch: nf zeros, then the step on the free set */
  for (int c = 0; c < nf; c++) {
    int k = t->c.freev[c];
    double lc = t->c.lo[k] - t->c.x[k], uc = t->c.hi[k] - t->c.x[k];
    t->blo[c] = fmax(lc, -delta);
    t->bhi[c] = fmin(uc, delta);
    zero[c] = 0;
  }
  memcpy(t->c.onbn, t->c.onb, (size_t)t->c.n * sizeof *t->c.onbn);
  for (int c = 0; c < nf; c++) t->c.onbn[t->c.freev[c]] = 0;
  int inside = 1;
  for (int c = 0; c < nf; c++)
    if (t->gn[c] < t->blo[c] || t->gn[c] > t->bhi[c]) inside = 0;
  memset(t->c.step, 0, (size_t)t->c.n * sizeof *t->c.step);
  if (inside) {
    for (int c = 0; c < nf; c++) t->c.step[t->c.freev[c]] = t->gn[c];
    return 0;
  }
  /* Cauchy point: the model's minimum along -g within the box */
  double *mg = t->cs;
  for (int c = 0; c < nf; c++) mg[c] = -t->c.g[t->c.freev[c]];
  double smax = to_bound(zero, mg, t->blo, t->bhi, nf, NULL);
  double a = 0.5 * jnorm2(t, nf, mg), b = 0;
  for (int c = 0; c < nf; c++) b -= mg[c] * mg[c];
  double ts[3] = {0, smax, smax}, best = 0, bestv = 0;
  if (a != 0) {
    double e = -0.5 * b / a;
    if (e > 0 && e < smax) ts[2] = e;
  }
  for (int i = 0; i < 3; i++) {
    double v = ts[i] * (a * ts[i] + b);
    if (i == 0 || v < bestv) {
      bestv = v;
      best = ts[i];
    }
  }
  for (int c = 0; c < nf; c++) mg[c] *= best; /* the Cauchy step */
  /* from it towards the Gauss-Newton step, up to the box's edge */
  double *diff = t->sv; /* scratch after dgelsd */
  int *hit = t->iwork;
  for (int c = 0; c < nf; c++) diff[c] = t->gn[c] - mg[c];
  double s = to_bound(mg, diff, t->blo, t->bhi, nf, hit);
  for (int c = 0; c < nf; c++) {
    int k = t->c.freev[c];
    t->c.step[k] = mg[c] + s * diff[c];
    double lc = t->c.lo[k] - t->c.x[k], uc = t->c.hi[k] - t->c.x[k];
    if (hit[c] < 0 && t->blo[c] == lc) t->c.onbn[k] = -1;
    if (hit[c] > 0 && t->bhi[c] == uc) t->c.onbn[k] = 1;
    if ((hit[c] < 0 && t->blo[c] == -delta) || (hit[c] > 0 && t->bhi[c] == delta))
      tr_hit = 1;
  }
  return tr_hit;
}

static muskx_status db_alloc(db *t) {
  size_t n = (size_t)t->c.n, m = t->c.m;
  double **vecs[] = {&t->gn, &t->cs, &t->blo, &t->bhi, &t->sv};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if ((*vecs[i] = muskx__calloc(n + 1, sizeof(double))) == NULL) return MUSKX_ENOMEM;
  t->A = muskx__calloc(m * n + 1, sizeof(double));
  t->b = muskx__calloc(m + n + 1, sizeof(double));
  /* dgelsd's workspace: LAPACK's minimum 12 N + 2 N SMLSIZ + 8 N NLVL +
     N NRHS + (SMLSIZ + 1)^2 (SMLSIZ = 25, NLVL <= 30), with N the larger
     dimension to cover both shapes */
  size_t mn = m < n ? m : n, big = m > n ? m : n;
  size_t lw = 12 * big + 2 * big * 25 + 8 * big * 30 + big + 26 * 26 + 64;
  t->lwork = (int)lw;
  t->work = muskx__calloc(lw, sizeof(double));
  t->iwork = muskx__calloc(3 * mn * 30 + 11 * mn + n + 64, sizeof(int));
  return t->A && t->b && t->work && t->iwork ? MUSKX_OK : MUSKX_ENOMEM;
}

static void db_free(db *t) {
  void *all[] = {t->gn, t->cs, t->blo, t->bhi, t->sv, t->A, t->b, t->work,
                 t->iwork};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}

muskx_status muskx__fit_dogbox(const muskx_fit *f, int worker, const int *idx,
                               int nfree, double *full,
                               muskx__fit_outcome *out) {
  db t;
  memset(&t, 0, sizeof t);
  int n = nfree;
  muskx_status st = muskx__lsq_open(&t.c, f, worker, idx, nfree, full, out);
  if (st == MUSKX_OK && !out->start_failed) st = db_alloc(&t);
  if (st != MUSKX_OK || out->start_failed) goto done;
  double delta = norm_inf(t.c.x, n);
  const double cost0 = t.c.cost;
  if (!(delta > 0)) delta = 1;
  double hist[DB_STALL_ITERS]; /* the cost DB_STALL_ITERS iterations ago */
  for (int it = 0; it < f->maxiter; it++) {
    if (f->stall > 0 && it >= DB_STALL_ITERS &&
        hist[it % DB_STALL_ITERS] - t.c.cost <
            fmax(f->stall, DB_STALL_SHARE * (cost0 - t.c.cost))) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
    hist[it % DB_STALL_ITERS] = t.c.cost;
    double pg;
    int nf = free_set(&t, &pg);
    if (nf == 0 || pg <= f->gtol) {
      out->exit = MUSKX_FIT_GTOL;
      break;
    }
    if (newton(&t, nf) != 0) {
      out->exit = MUSKX_FIT_NOPROGRESS;
      break;
    }
    if (f->gn_stop > 0 && gn_gain(&t, nf) < f->gn_stop) {
      out->exit = MUSKX_FIT_GNGAIN;
      break;
    }
    int accepted = 0, stop = 0;
    for (int tries = 0; tries < DB_MAX_TRIES && !accepted && !stop; tries++) {
      int tr_hit = dogleg(&t, nf, delta);
      double pred = 0, hn = norm_inf(t.c.step, n);
      for (int k = 0; k < n; k++) pred -= t.c.g[k] * t.c.step[k];
      {
        double *sf = t.cs; /* the step on the free set */
        for (int c = 0; c < nf; c++) sf[c] = t.c.step[t.c.freev[c]];
        pred -= 0.5 * jnorm2(&t, nf, sf);
      }
      for (int k = 0; k < n; k++) {
        double v = t.c.x[k] + t.c.step[k];
        if (t.c.onbn[k] < 0) v = t.c.lo[k];
        if (t.c.onbn[k] > 0) v = t.c.hi[k];
        t.c.xn[k] = fmin(fmax(v, t.c.lo[k]), t.c.hi[k]);
      }
      if ((stop = muskx__lsq_tiny_step(&t.c, tries, out)) != 0) break;
      double costn = muskx__lsq_trial_cost(&t.c);
      double red = t.c.cost - costn;
      double rho = pred > 0 ? red / pred : (pred == 0 && red == 0 ? 1 : 0);
      if (rho < 0.25) delta = 0.25 * hn;
      else if (rho > 0.75 && tr_hit) delta *= 2;
      if (!(red > 0)) continue;
      /* accepted: the Jacobian is computed only here; where it fails the
         step is rejected after all */
      if (muskx__lsq_jacobian(&t.c) != 0) {
        delta = 0.25 * hn;
        continue;
      }
      muskx__lsq_move(&t.c, costn);
      accepted = 1;
      if (f->ftol > 0 && red <= f->ftol * t.c.cost && rho > 0.25) {
        out->exit = MUSKX_FIT_FTOL;
        stop = 1;
      }
    }
    if (muskx__lsq_iteration_end(out, it, accepted, stop)) break;
  }
done:
  muskx__lsq_close(&t.c, st, out);
  db_free(&t);
  return st;
}
