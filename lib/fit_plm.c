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
  muskx__lsq c;      /* the frame (fit_lsq.c) */
  double *d, *p;     /* n each */
  double *A, *H;     /* n x n each */
} plm;

/* Free set: every parameter not held on a bound by the gradient.
   Returns its size; *pg receives the largest |g| over it. */
static int free_set(plm *t, double *pg) {
  int nf = 0;
  *pg = 0;
  for (int k = 0; k < t->c.n; k++) {
    int held = (t->c.x[k] <= t->c.lo[k] && t->c.g[k] > 0) ||
               (t->c.x[k] >= t->c.hi[k] && t->c.g[k] < 0);
    if (held) continue;
    t->c.freev[nf++] = k;
    *pg = fmax(*pg, fabs(t->c.g[k]));
  }
  return nf;
}

/* A = J_F' J_F (nf x nf), and the running maximum of its diagonal in d. */
static void normal_matrix(plm *t, int nf) {
  size_t n = (size_t)t->c.n;
  for (int a = 0; a < nf; a++) {
    for (int b = 0; b <= a; b++) {
      double s = 0;
      for (size_t i = 0; i < t->c.m; i++)
        s += t->c.J[i * n + (size_t)t->c.freev[a]] * t->c.J[i * n + (size_t)t->c.freev[b]];
      t->A[(size_t)a * nf + b] = t->A[(size_t)b * nf + a] = s;
    }
    int k = t->c.freev[a];
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
    t->H[(size_t)a * nf + a] += mu * t->d[t->c.freev[a]];
    t->p[a] = -t->c.g[t->c.freev[a]];
  }
  dposv_("L", &nf, &one, t->H, &nf, t->p, &nf, &info);
  if (info != 0) return -1;
  memcpy(t->c.xn, t->c.x, (size_t)t->c.n * sizeof *t->c.x);
  for (int a = 0; a < nf; a++) {
    int k = t->c.freev[a];
    t->c.xn[k] = fmin(fmax(t->c.x[k] + t->p[a], t->c.lo[k]), t->c.hi[k]);
  }
  double pred = 0;
  for (int k = 0; k < t->c.n; k++) {
    t->c.step[k] = t->c.xn[k] - t->c.x[k];
    pred -= t->c.g[k] * t->c.step[k];
  }
  for (size_t i = 0; i < t->c.m; i++) {
    double a = 0;
    for (int k = 0; k < t->c.n; k++) a += t->c.J[i * (size_t)t->c.n + (size_t)k] * t->c.step[k];
    pred -= 0.5 * a * a;
  }
  *pred_out = pred;
  return 0;
}

static muskx_status plm_alloc(plm *t) {
  size_t n = (size_t)t->c.n;
  t->d = muskx__calloc(n + 1, sizeof(double));
  t->p = muskx__calloc(n + 1, sizeof(double));
  t->A = muskx__calloc(n * n + 1, sizeof(double));
  t->H = muskx__calloc(n * n + 1, sizeof(double));
  return t->d && t->p && t->A && t->H ? MUSKX_OK : MUSKX_ENOMEM;
}

static void plm_free(plm *t) {
  void *all[] = {t->d, t->p, t->A, t->H};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) muskx__free(all[i]);
}

muskx_status muskx__fit_plm(const muskx_fit *f, int worker, const int *idx,
                            int nfree, double *full, muskx__fit_outcome *out) {
  plm t;
  memset(&t, 0, sizeof t);
  muskx_status st = muskx__lsq_open(&t.c, f, worker, idx, nfree, full, out);
  if (st == MUSKX_OK && !out->start_failed) st = plm_alloc(&t);
  if (st != MUSKX_OK || out->start_failed) goto done;
  double mu = 1e-3, nu = 2;
  for (int it = 0; it < f->maxiter; it++) {
    double pg;
    int nf = free_set(&t, &pg);
    if (nf == 0 || pg <= f->gtol) {
      out->exit = MUSKX_FIT_GTOL;
      break;
    }
    if (f->gn_stop > 0 &&
        muskx__lsq_gn_gain(t.c.J, t.c.r, t.c.m, t.c.n, t.c.freev, nf) < f->gn_stop) {
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
      if ((stop = muskx__lsq_tiny_step(&t.c, tries, out)) != 0) break;
      double costn = muskx__lsq_trial_cost(&t.c);
      double rho = pred > 0 ? (t.c.cost - costn) / pred : -1;
      if (!(rho > PLM_ACCEPT && costn < t.c.cost)) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      /* accepted: the Jacobian is computed only here; where it fails the
         step is rejected after all */
      if (muskx__lsq_jacobian(&t.c) != 0) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      double reduction = t.c.cost - costn;
      muskx__lsq_move(&t.c, costn);
      mu *= fmax(1.0 / 3, 1 - pow(2 * rho - 1, 3));
      nu = 2;
      accepted = 1;
      if (f->ftol > 0 && reduction <= f->ftol * t.c.cost) {
        out->exit = MUSKX_FIT_FTOL;
        stop = 1;
      }
    }
    if (muskx__lsq_iteration_end(out, it, accepted, stop)) break;
  }
done:
  muskx__lsq_close(&t.c, st, out);
  plm_free(&t);
  return st;
}
