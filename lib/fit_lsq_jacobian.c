/*
 * fit_lsq_jacobian.c -- a least-squares search's Jacobian at an accepted
 * point, and the safeguard on the looser Jacobian accuracy
 * (muskx_fit_set_jacobian_accuracy): at each local search's first point
 * (and again every CHECK_EVERY accepted steps) the Jacobian is taken at
 * both accuracies; where a column of the loose one is off by more than
 * AGREE, that search takes its Jacobians at the search's accuracy from
 * then on. Every decision rests on that search's own calls, so results do
 * not depend on the thread count (docs/fitting.md, "The search's
 * Jacobian").
 */
#include <math.h>

#include "fit.h"

/* A loose run's expected error in a column is a small multiple of its
   tolerance (Boehm at 1e-4: median 5e-4, 90 % under 2e-3); 0.1, hundreds
   of times that, is no longer the tolerance's error but a sensitivity the
   loose run does not resolve (Elowitz at 1e-4: median 1.4, up to 1e74),
   and a column off by 0.1 turns that parameter's part of a Gauss-Newton
   step by up to about 6 degrees. */
#define AGREE 0.1
/* accepted steps between two checks of a search that passed; 0: only at
   its first point */
#define CHECK_EVERY 10

/* the largest relative 2-norm difference of the loose Jacobian's columns
   (Jl) from the search accuracy's (Jn); a column zero in Jn counts only
   when Jl's is not */
static double column_gap(const muskx__lsq *t) {
  double worst = 0;
  size_t m = t->m, n = (size_t)t->n;
  for (size_t k = 0; k < n; k++) {
    double d = 0, s = 0;
    for (size_t i = 0; i < m; i++) {
      double a = t->Jn[i * n + k], b = t->Jl[i * n + k];
      d += (a - b) * (a - b);
      s += a * a;
    }
    double gap = s > 0 ? sqrt(d / s) : d > 0 ? INFINITY : 0;
    if (!(gap <= worst)) worst = gap; /* NaN counts as the worst */
  }
  return worst;
}

int muskx__lsq_checked_jacobian(muskx__lsq *t, double *r) {
  const muskx_fit *f = t->f;
  t->since_check = 0;
  if (muskx__lsq_eval(t, t->xn, r, t->Jn) != 0) return -1;
  f->accuracy(f->accuracy_ctx, t->worker, MUSKX_FIT_ACCURACY_JACOBIAN);
  int rc = muskx__lsq_eval(t, t->xn, t->rj, t->Jl);
  f->accuracy(f->accuracy_ctx, t->worker, 0);
  /* a loose run that fails (or runs over its budget) disagrees too */
  if (rc != 0 || !(column_gap(t) <= AGREE)) t->loose = 0;
  return 0;
}

int muskx__lsq_jacobian(muskx__lsq *t) {
  const muskx_fit *f = t->f;
  if (!t->loose) return muskx__lsq_eval(t, t->xn, t->rn, t->Jn);
  if (CHECK_EVERY > 0 && ++t->since_check >= CHECK_EVERY)
    return muskx__lsq_checked_jacobian(t, t->rj);
  /* Only the step's direction depends on J; the costs the search
     compares, and the residuals it steps with, stay at the search's
     accuracy. */
  f->accuracy(f->accuracy_ctx, t->worker, MUSKX_FIT_ACCURACY_JACOBIAN);
  int rc = muskx__lsq_eval(t, t->xn, t->rj, t->Jn);
  f->accuracy(f->accuracy_ctx, t->worker, 0);
  /* the point simulated at the search's accuracy (its trial did): a
     failure here is the looser accuracy's, so the search's is tried */
  if (rc != 0) rc = muskx__lsq_eval(t, t->xn, t->rj, t->Jn);
  return rc;
}
