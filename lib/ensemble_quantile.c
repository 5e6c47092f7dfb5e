/*
 * ensemble_quantile.c -- muskx_quantiles(): per-column quantiles over sets
 * of numbers, as the ensemble reports them and as muskx-mpi computes them
 * after gathering (one function, so both give the same bytes).
 *
 * Definition 7 of Hyndman & Fan (1996), "Sample quantiles in statistical
 * packages", Am. Stat. 50:361-365 -- the default of R's quantile() and of
 * numpy.quantile(): with the n values sorted, x[0] <= ... <= x[n-1], and
 * h = (n - 1) p, Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] -
 * x[floor h]). It is monotone in p and exact for p = 0, 1/2 (odd n), 1.
 * NaN values (failed samples) are left out; n counts the others.
 */
#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "muskx.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

muskx_status muskx_quantiles(const double *values, size_t nsets,
                             size_t width, const double *probs,
                             size_t nprobs, double *out) {
  if ((values == NULL && nsets > 0 && width > 0) ||
      (probs == NULL && nprobs > 0) || (out == NULL && nprobs * width > 0))
    return MUSKX_EINVAL;
  for (size_t q = 0; q < nprobs; q++)
    if (!(probs[q] >= 0.0 && probs[q] <= 1.0)) return MUSKX_EINVAL;
  double *x = muskx__calloc(nsets ? nsets : 1, sizeof *x);
  if (x == NULL) return MUSKX_ENOMEM;
  for (size_t j = 0; j < width; j++) {
    size_t n = 0;
    for (size_t s = 0; s < nsets; s++) {
      double v = values[s * width + j];
      if (!isnan(v)) x[n++] = v;
    }
    qsort(x, n, sizeof *x, cmp_double);
    for (size_t q = 0; q < nprobs; q++) {
      double r = NAN;
      if (n > 0) {
        double h = (double)(n - 1) * probs[q];
        size_t lo = (size_t)floor(h);
        if (lo >= n - 1) {
          r = x[n - 1];
        } else {
          double f = h - (double)lo;
          /* Written so that equal neighbours give exactly that value. */
          r = f == 0.0 ? x[lo] : x[lo] + f * (x[lo + 1] - x[lo]);
        }
      }
      out[q * width + j] = r;
    }
  }
  muskx__free(x);
  return MUSKX_OK;
}
