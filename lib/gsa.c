/*
 * gsa.c -- variance-based global sensitivity (issue 19): the Saltelli
 * sampling design and first-order and total Sobol indices with bootstrap
 * confidence intervals (include/muskx.h, "Global sensitivity").
 *
 * Design (Saltelli 2002; Saltelli et al. 2010, Comput Phys Commun
 * 181:259-270): two n x k matrices A and B from the first 2k coordinates
 * of a Sobol' low-discrepancy sequence (GSL's gsl_qrng_sobol, up to 40
 * dimensions; the first point, all zeros, is skipped since it maps to an
 * infinite quantile), or from the counter-based generator of rng.c when
 * 2k > 40; and for each i the matrix AB_i, A with column i taken from B.
 * The unit-cube points are mapped through each distribution's inverse
 * CDF. Rows are laid out per base sample j: A_j, B_j, AB_1j .. AB_kj, so
 * a run can be split into any contiguous ranges of whole base samples.
 *
 * Estimators (Jansen 1999, Comput Phys Commun 117:35-43; the forms of
 * Saltelli et al. 2010, Table 2 (f) and (f)): with V the variance of the
 * 2n values f(A), f(B),
 *   S_i  = (V - 1/(2n) sum_j (f(B)_j - f(AB_i)_j)^2) / V
 *   ST_i = 1/(2n) sum_j (f(A)_j - f(AB_i)_j)^2 / V
 * f(B) and f(AB_i) share only x_i (first order); f(A) and f(AB_i) differ
 * only in x_i (total effect). Confidence intervals: percentile bootstrap
 * over base samples (Efron & Tibshirani 1993), resampled with the
 * counter-based generator, so they are a pure function of the seed.
 * A base sample with any NaN value (a failed simulation) is left out.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_qrng.h>

#include "alloc.h"
#include "muskx.h"
#include "rng.h"

#define SOBOL_MAX_DIM 40 /* gsl_qrng_sobol's limit */

static double inverse_cdf(muskx_distribution d, double p1, double p2,
                          double u) {
  switch (d) {
    case MUSKX_DIST_UNIFORM: return p1 + (p2 - p1) * u;
    case MUSKX_DIST_NORMAL: return p1 + p2 * gsl_cdf_ugaussian_Pinv(u);
    case MUSKX_DIST_LOGNORMAL: {
      double sigma = sqrt(log1p(p2 * p2));
      return exp(log(p1) + sigma * gsl_cdf_ugaussian_Pinv(u));
    }
  }
  return NAN;
}

static int valid_dist(muskx_distribution d, double p1, double p2) {
  if (!isfinite(p1) || !isfinite(p2)) return 0;
  switch (d) {
    case MUSKX_DIST_UNIFORM: return p1 <= p2;
    case MUSKX_DIST_NORMAL: return p2 >= 0;
    case MUSKX_DIST_LOGNORMAL: return p1 > 0 && p2 >= 0;
  }
  return 0;
}

muskx_status muskx_sobol_design(int k, const muskx_distribution *dist,
                                const double *p1, const double *p2,
                                size_t n, unsigned long long seed,
                                double *out) {
  if (k <= 0 || k > 10000 || dist == NULL || p1 == NULL || p2 == NULL ||
      out == NULL || n == 0)
    return MUSKX_EINVAL;
  for (int i = 0; i < k; i++)
    if (!valid_dist(dist[i], p1[i], p2[i])) return MUSKX_EINVAL;
  size_t rows = (size_t)k + 2;
  if (n > SIZE_MAX / rows / (size_t)k / sizeof(double)) return MUSKX_ELIMIT;
  int dim = 2 * k;
  gsl_qrng *q = NULL;
  if (dim <= SOBOL_MAX_DIM) {
    q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (q == NULL) return MUSKX_ENOMEM;
  }
  double u[2 * SOBOL_MAX_DIM], *a = NULL;
  double *ab = muskx__calloc((size_t)dim, sizeof *ab);
  if (ab == NULL) {
    gsl_qrng_free(q);
    return MUSKX_ENOMEM;
  }
  if (q != NULL) gsl_qrng_get(q, u); /* the all-zero first point */
  for (size_t j = 0; j < n; j++) {
    if (q != NULL) {
      gsl_qrng_get(q, u);
      a = u;
    } else {
      for (int c = 0; c < dim; c++)
        ab[c] = muskx__rng_uniform((uint64_t)seed, j, (uint64_t)c, 0);
      a = ab;
    }
    double *blk = out + j * rows * (size_t)k;
    for (int i = 0; i < k; i++) {
      double ua = a[i], ub = a[k + i];
      /* a Sobol' coordinate can be exactly 0 only at the skipped point;
         keep the map finite anyway */
      if (!(ua > 0 && ua < 1)) ua = 0.5;
      if (!(ub > 0 && ub < 1)) ub = 0.5;
      double xa = inverse_cdf(dist[i], p1[i], p2[i], ua);
      double xb = inverse_cdf(dist[i], p1[i], p2[i], ub);
      blk[i] = xa;                     /* A */
      blk[(size_t)k + (size_t)i] = xb; /* B */
      for (int r = 0; r < k; r++)      /* AB_r: A with column r from B */
        blk[(2 + (size_t)r) * (size_t)k + (size_t)i] = i == r ? xb : xa;
    }
  }
  muskx__free(ab);
  gsl_qrng_free(q);
  return MUSKX_OK;
}

/* The indices from the base samples idx[0..m-1] (indices into y's blocks
   of k + 2 values). s1, st: k values each. Returns 0 when the variance is
   zero (the indices are then NaN). */
static int estimate(const double *y, int k, const size_t *idx, size_t m,
                    double *s1, double *st) {
  size_t w = (size_t)k + 2;
  double mean = 0;
  for (size_t j = 0; j < m; j++)
    mean += y[idx[j] * w] + y[idx[j] * w + 1];
  mean /= (double)(2 * m);
  double v = 0;
  for (size_t j = 0; j < m; j++) {
    double da = y[idx[j] * w] - mean, db = y[idx[j] * w + 1] - mean;
    v += da * da + db * db;
  }
  v /= (double)(2 * m);
  for (int i = 0; i < k; i++) {
    double sf = 0, stt = 0;
    for (size_t j = 0; j < m; j++) {
      const double *b = y + idx[j] * w;
      double fab = b[2 + i], d1 = b[1] - fab, dt = b[0] - fab;
      sf += d1 * d1;
      stt += dt * dt;
    }
    s1[i] = v > 0 ? (v - sf / (double)(2 * m)) / v : NAN;
    st[i] = v > 0 ? stt / (double)(2 * m) / v : NAN;
  }
  return v > 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Percentile p (Hyndman & Fan 7) of x[0..n-1], NaN-free, sorted here. */
static double percentile(double *x, size_t n, double p) {
  if (n == 0) return NAN;
  qsort(x, n, sizeof *x, cmp_double);
  double h = (double)(n - 1) * p;
  size_t lo = (size_t)floor(h);
  if (lo >= n - 1) return x[n - 1];
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

muskx_status muskx_sobol_indices(const double *y, size_t n, int k,
                                 size_t nboot, unsigned long long seed,
                                 double level, muskx_sobol *out) {
  if (y == NULL || out == NULL || k <= 0 || n == 0 ||
      !(level > 0 && level < 1) || nboot > 1000000)
    return MUSKX_EINVAL;
  size_t w = (size_t)k + 2;
  if (n > SIZE_MAX / w) return MUSKX_ELIMIT;
  size_t *idx = muskx__calloc(n, sizeof *idx);
  size_t *bidx = muskx__calloc(n, sizeof *bidx);
  double *s1 = muskx__calloc(2 * (size_t)k, sizeof *s1);
  double *bs = muskx__calloc((nboot ? nboot : 1) * 2 * (size_t)k, sizeof *bs);
  double *col = muskx__calloc(nboot ? nboot : 1, sizeof *col);
  muskx_status rc = MUSKX_OK;
  if (idx == NULL || bidx == NULL || s1 == NULL || bs == NULL || col == NULL) {
    rc = MUSKX_ENOMEM;
    goto done;
  }
  size_t m = 0;
  for (size_t j = 0; j < n; j++) {
    int fine = 1;
    for (size_t c = 0; c < w; c++) fine &= !isnan(y[j * w + c]);
    if (fine) idx[m++] = j;
  }
  double *st = s1 + k;
  for (int i = 0; i < k; i++) {
    out[i].n = m;
    out[i].first = out[i].total = NAN;
    out[i].first_lo = out[i].first_hi = NAN;
    out[i].total_lo = out[i].total_hi = NAN;
  }
  if (m < 2 || !estimate(y, k, idx, m, s1, st)) goto done;
  for (int i = 0; i < k; i++) {
    out[i].first = s1[i];
    out[i].total = st[i];
  }
  if (nboot == 0) goto done;
  size_t good = 0;
  for (size_t b = 0; b < nboot; b++) {
    for (size_t j = 0; j < m; j++) {
      double u = muskx__rng_uniform((uint64_t)seed, b, 0, j);
      size_t r = (size_t)(u * (double)m);
      bidx[j] = idx[r < m ? r : m - 1];
    }
    if (estimate(y, k, bidx, m, bs + good * 2 * (size_t)k,
                 bs + good * 2 * (size_t)k + k))
      good++;
  }
  double alpha = (1 - level) / 2;
  for (int i = 0; i < 2 * k; i++) {
    for (size_t b = 0; b < good; b++) col[b] = bs[b * 2 * (size_t)k + (size_t)i];
    double lo = percentile(col, good, alpha), hi = percentile(col, good, 1 - alpha);
    if (i < k) {
      out[i].first_lo = lo;
      out[i].first_hi = hi;
    } else {
      out[i - k].total_lo = lo;
      out[i - k].total_hi = hi;
    }
  }
done:
  muskx__free(idx);
  muskx__free(bidx);
  muskx__free(s1);
  muskx__free(bs);
  muskx__free(col);
  return rc;
}
