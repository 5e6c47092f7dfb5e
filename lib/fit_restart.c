/*
 * fit_restart.c -- restarts of a multi-start fit, a short monotonic basin
 * hopping chain per start (Leary 2000, "Global optimization on funneling
 * landscapes", J. Global Optim. 18:367): after every start's local
 * optimisation, up to `restarts` rounds in which a start runs one more
 * local optimisation from its best point so far moved by a random
 * perturbation, keeping the result when it is lower. All of a start's
 * chain shares its iteration budget (maxiter).
 *
 * Why: on Boehm_JProteomeRes2014 four fifths of the local optimisations
 * end in one of a handful of local optima whose parameters are mostly
 * right (docs/fitting.md, "Restarts"); a jump of a fraction of the box
 * from there reaches the global optimum more often, and more cheaply,
 * than a fresh start from anywhere in the box.
 *
 * Rounds, not chains: a round runs only for the starts that are not
 * already at the best optimum found so far (within MUSKX__FIT_SAME of
 * it), and for the best start itself, which stands for them: restarting
 * every copy of the best basin gains nothing the one restart does not
 * (on Boehm a fifth of the restarts went to starts already at the
 * optimum, docs/fitting.md "Restart rounds").
 *
 * Determinism: restart a of start k is drawn from the counter-based
 * generator keyed by (seed, parameter, stream RESTART + a, k), and which
 * starts run in a round depends only on the previous round's results, so
 * a run is a pure function of the seed whatever the thread count.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "fit.h"
#include "rng.h"

/* rng.c streams for the restarts: far above fit_starts.c's (0, 1, and 2
   onwards for the MUSKX__FIT_REDRAWS redraws). */
#define STREAM_RESTART 1000

/* Restart a of start k: each parameter moved uniformly within radius
   times its box width (its distance to the start's point when the box is
   unbounded on that side), clamped into the box. */
static void perturb(const muskx_fit *f, size_t k, int a, const double *best,
                    double *x) {
  for (int j = 0; j < f->n; j++) {
    double w = f->upper[j] - f->lower[j];
    if (!isfinite(w)) w = fmax(1.0, fabs(best[j]));
    double u = muskx__rng_uniform(f->seed, (uint64_t)j,
                                  STREAM_RESTART + (uint64_t)a, k);
    double v = best[j] + f->restart_radius * w * (2 * u - 1);
    x[j] = fmin(fmax(v, f->lower[j]), f->upper[j]);
  }
}

int muskx__fit_wants_restart(const muskx_fit *f, size_t k, size_t best) {
  if (isnan(f->nllh[k]) || f->iters[k] >= f->maxiter) return 0;
  return k == best || f->nllh[k] > f->nllh[best] + MUSKX__FIT_SAME;
}

muskx_status muskx__fit_restart(const muskx_fit *f, int worker, size_t k,
                                int a, double *x, muskx__fit_outcome *out) {
  size_t n = (size_t)f->n;
  double *y0 = muskx__calloc(n, sizeof *y0);
  double *y = muskx__calloc(n, sizeof *y);
  muskx_status st = MUSKX_ENOMEM;
  if (y0 != NULL && y != NULL) {
    muskx_fit g = *f; /* the same problem, the budget left */
    g.maxiter = f->maxiter - out->iters;
    perturb(f, k, a, x, y0);
    muskx__fit_outcome o;
    /* judged at the full accuracy, as out->nllh was (fit.c, run_start) */
    st = muskx__fit_search(&g, worker, y0, y, &o);
    if (st == MUSKX_OK) {
      out->iters += o.iters;
      out->evals += o.evals;
      out->restarts++;
      if (!isnan(o.nllh) && o.nllh < out->nllh) {
        memcpy(x, y, n * sizeof *x);
        out->nllh = o.nllh;
        out->exit = o.exit;
      }
    }
  }
  muskx__free(y0);
  muskx__free(y);
  return st;
}
