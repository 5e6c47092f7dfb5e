/*
 * fit_restart.c -- one start of a multi-start fit as a short monotonic
 * basin hopping chain (Leary 2000, "Global optimization on funneling
 * landscapes", J. Global Optim. 18:367): a local optimisation from the
 * start, then up to `restarts` more from the best point so far moved by
 * a random perturbation; a restart that ends lower becomes the best
 * point. All of it shares the start's iteration budget (maxiter).
 *
 * Why: on Boehm_JProteomeRes2014 four fifths of the starts end in one of
 * a handful of local optima whose parameters are mostly right
 * (docs/fitting.md, "Restarts"); a jump of a fraction of the box from
 * there reaches the global optimum more often, and more cheaply, than a
 * fresh start from anywhere in the box.
 *
 * Determinism: restart a of start k is drawn from the counter-based
 * generator keyed by (seed, parameter, stream RESTART + a, k), so a
 * start's chain is a pure function of (seed, k) whatever thread runs it.
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

muskx_status muskx__fit_start(const muskx_fit *f, int worker, size_t k,
                              const double *x0, double *x,
                              muskx__fit_outcome *out) {
  muskx_status st = muskx__fit_local(f, worker, -1, x0, x, out);
  if (st != MUSKX_OK || f->restarts <= 0 || out->start_failed ||
      isnan(out->nllh))
    return st;
  size_t n = (size_t)f->n;
  double *y0 = muskx__calloc(n, sizeof *y0);
  double *y = muskx__calloc(n, sizeof *y);
  if (y0 == NULL || y == NULL) {
    muskx__free(y0);
    muskx__free(y);
    return MUSKX_ENOMEM;
  }
  muskx_fit g = *f; /* the same problem, the budget left */
  for (int a = 0; a < f->restarts && out->iters < f->maxiter; a++) {
    g.maxiter = f->maxiter - out->iters;
    perturb(f, k, a, x, y0);
    muskx__fit_outcome o;
    if ((st = muskx__fit_local(&g, worker, -1, y0, y, &o)) != MUSKX_OK) break;
    out->iters += o.iters;
    out->evals += o.evals;
    out->restarts++;
    if (!isnan(o.nllh) && o.nllh < out->nllh) {
      memcpy(x, y, n * sizeof *x);
      out->nllh = o.nllh;
      out->exit = o.exit;
    }
  }
  muskx__free(y0);
  muskx__free(y);
  return st;
}
