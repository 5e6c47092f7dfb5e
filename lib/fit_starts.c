/*
 * fit_starts.c -- the starts of a multi-start fit: a Latin hypercube over
 * the box (McKay, Beckman & Conover 1979). Each parameter's range is cut
 * into nstarts equal slices; start k takes slice perm_j(k) of parameter j,
 * at a uniform place within it. Every slice of every parameter is used
 * exactly once, which covers the box more evenly than independent uniform
 * draws for the same number of starts.
 *
 * The permutations (Fisher-Yates) and the places come from the
 * counter-based generator of rng.c keyed by (seed, parameter), so the
 * starts are a pure function of (seed, nstarts): no state, no thread.
 *
 * A start whose callback fails at its very point (a simulation that
 * cannot run there) is drawn again, uniformly in the box, from a stream
 * of its own: a wide box often has corners where a model blows up, and
 * one such corner should not cost a start.
 */
#include <math.h>

#include "alloc.h"
#include "fit.h"
#include "rng.h"

/* Streams of rng.c, per parameter: the permutation, the places, then one
   per redraw of a failed start. */
enum { STREAM_PERM = 0, STREAM_PLACE = 1, STREAM_REDRAW = 2 };

muskx_status muskx__fit_lhs(const muskx_fit *f, size_t nstarts, double *out) {
  size_t *perm = muskx__calloc(nstarts, sizeof *perm);
  if (perm == NULL)
    return muskx__fit_err((muskx_fit *)f, MUSKX_ENOMEM,
                          "out of memory drawing %zu starts", nstarts);
  size_t n = (size_t)f->n;
  for (size_t j = 0; j < n; j++) {
    for (size_t k = 0; k < nstarts; k++) perm[k] = k;
    for (size_t k = nstarts; k > 1; k--) {
      double u = muskx__rng_uniform(f->seed, j, STREAM_PERM, k);
      size_t r = (size_t)(u * (double)k); /* uniform in 0 .. k-1 */
      if (r >= k) r = k - 1;
      size_t t = perm[k - 1];
      perm[k - 1] = perm[r];
      perm[r] = t;
    }
    double lo = f->lower[j], width = f->upper[j] - f->lower[j];
    for (size_t k = 0; k < nstarts; k++) {
      double u = muskx__rng_uniform(f->seed, j, STREAM_PLACE, k);
      double x = lo + width * (((double)perm[k] + u) / (double)nstarts);
      /* rounding must not leave the box */
      if (x > f->upper[j]) x = f->upper[j];
      if (x < lo) x = lo;
      out[k * n + j] = x;
    }
  }
  muskx__free(perm);
  return MUSKX_OK;
}

void muskx__fit_redraw(const muskx_fit *f, size_t k, int attempt, double *x) {
  for (int j = 0; j < f->n; j++) {
    double u = muskx__rng_uniform(f->seed, (uint64_t)j,
                                  STREAM_REDRAW + (uint64_t)attempt, k);
    double v = f->lower[j] + (f->upper[j] - f->lower[j]) * u;
    x[j] = fmin(fmax(v, f->lower[j]), f->upper[j]);
  }
}
