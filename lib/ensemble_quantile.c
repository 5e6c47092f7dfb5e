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
 *
 * Only the order statistics a quantile needs are found, by selection
 * (issue 19: a full sort per column was 3.3 s at 10,000 samples): the
 * needed ranks in increasing order, each selected in the part right of
 * the previous one, O(n) per rank instead of O(n log n). An order
 * statistic is a value, not a position, so the answers are the very
 * numbers a sort gives. Columns are gathered a tile at a time, so the
 * strided reads of values[s * width + j] touch each cache line once.
 * Large inputs (over a million values) are split by tiles over up to one
 * thread per processor (at most 8): each column is computed by one thread
 * alone, so the answers do not depend on the split.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "muskx.h"

#define TILE 32 /* columns gathered together */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void swap(double *a, double *b) {
  double t = *a;
  *a = *b;
  *b = t;
}

/*
 * Rearranges x[lo..hi] so that x[k] is the value a sort would put there,
 * with nothing greater to its left and nothing smaller to its right
 * (Hoare's selection with a median-of-three pivot). Past a depth of
 * 2 log2(n) partitions -- inputs built to defeat the pivot -- the rest is
 * sorted, so the worst case stays O(n log n).
 */
static void select_kth(double *x, size_t lo, size_t hi, size_t k) {
  int budget = 2;
  for (size_t m = hi - lo + 1; m > 1; m >>= 1) budget += 2;
  while (hi > lo) {
    if (budget-- == 0 || hi - lo < 16) {
      qsort(x + lo, hi - lo + 1, sizeof *x, cmp_double);
      return;
    }
    size_t mid = lo + (hi - lo) / 2;
    if (x[mid] < x[lo]) swap(&x[mid], &x[lo]);
    if (x[hi] < x[lo]) swap(&x[hi], &x[lo]);
    if (x[hi] < x[mid]) swap(&x[hi], &x[mid]);
    double pivot = x[mid];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        swap(&x[i], &x[j]);
        i++;
        if (j == 0) break;
        j--;
      }
    }
    /* now x[lo..j] <= pivot <= x[i..hi], and x[j+1..i-1] == pivot */
    if (k <= j && j != (size_t)-1)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return;
  }
}

/* The ranks quantile q needs: lo[q] and, when it interpolates, lo[q]+1. */
static void ranks_of(size_t n, const double *probs, size_t nprobs,
                     size_t *lo, double *frac) {
  for (size_t q = 0; q < nprobs; q++) {
    double h = (double)(n - 1) * probs[q];
    lo[q] = (size_t)floor(h);
    frac[q] = h - (double)lo[q];
    if (lo[q] >= n - 1) {
      lo[q] = n - 1;
      frac[q] = 0.0;
    }
  }
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* One column's quantiles from its n non-NaN values x (reordered). want
   has room for 2 nprobs ranks. */
static void column_quantiles(double *x, size_t n, const double *probs,
                             size_t nprobs, size_t *lo, double *frac,
                             size_t *want, double *out, size_t stride) {
  if (n == 0) {
    for (size_t q = 0; q < nprobs; q++) out[q * stride] = NAN;
    return;
  }
  ranks_of(n, probs, nprobs, lo, frac);
  size_t nw = 0;
  for (size_t q = 0; q < nprobs; q++) {
    want[nw++] = lo[q];
    if (frac[q] != 0.0) want[nw++] = lo[q] + 1;
  }
  qsort(want, nw, sizeof *want, cmp_size);
  size_t from = 0;
  for (size_t w = 0; w < nw; w++) {
    if (w > 0 && want[w] == want[w - 1]) continue;
    select_kth(x, from, n - 1, want[w]);
    from = want[w] + 1;
    if (from >= n) break;
  }
  for (size_t q = 0; q < nprobs; q++) {
    size_t l = lo[q];
    double f = frac[q];
    /* Written so that equal neighbours give exactly that value. */
    out[q * stride] = f == 0.0 ? x[l] : x[l] + f * (x[l + 1] - x[l]);
  }
}

/* One thread's share: tiles first, first + step, ... */
typedef struct qjob {
  const double *values;
  size_t nsets, width, tile, nprobs, first, step;
  const double *probs;
  double *out;
  muskx_status st;
} qjob;

static void *tiles(void *arg) {
  qjob *j = arg;
  size_t tile = j->tile, nsets = j->nsets, width = j->width;
  double *x = muskx__calloc(tile * (nsets ? nsets : 1), sizeof *x);
  size_t *lo = muskx__calloc(3 * j->nprobs + 1, sizeof *lo);
  double *frac = muskx__calloc(j->nprobs + 1, sizeof *frac);
  j->st = MUSKX_OK;
  if (x == NULL || lo == NULL || frac == NULL) {
    j->st = MUSKX_ENOMEM;
  } else {
    size_t *want = lo + j->nprobs, cnt[TILE];
    for (size_t j0 = j->first * tile; j0 < width; j0 += j->step * tile) {
      size_t tw = width - j0 < tile ? width - j0 : tile;
      for (size_t c = 0; c < tw; c++) cnt[c] = 0;
      for (size_t s = 0; s < nsets; s++) {
        const double *row = j->values + s * width + j0;
        for (size_t c = 0; c < tw; c++)
          if (!isnan(row[c])) x[c * nsets + cnt[c]++] = row[c];
      }
      for (size_t c = 0; c < tw; c++)
        column_quantiles(x + c * nsets, cnt[c], j->probs, j->nprobs, lo, frac,
                         want, j->out + j0 + c, width);
    }
  }
  muskx__free(x);
  muskx__free(lo);
  muskx__free(frac);
  return NULL;
}

muskx_status muskx_quantiles(const double *values, size_t nsets,
                             size_t width, const double *probs,
                             size_t nprobs, double *out) {
  if ((values == NULL && nsets > 0 && width > 0) ||
      (probs == NULL && nprobs > 0) || (out == NULL && nprobs * width > 0))
    return MUSKX_EINVAL;
  for (size_t q = 0; q < nprobs; q++)
    if (!(probs[q] >= 0.0 && probs[q] <= 1.0)) return MUSKX_EINVAL;
  size_t tile = width < TILE ? (width ? width : 1) : TILE;
  if (nsets > SIZE_MAX / sizeof(double) / tile) return MUSKX_ENOMEM;
  size_t ntiles = (width + tile - 1) / tile, nthreads = 1;
  if (nsets * width > 1000000) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = cpus > 1 ? (size_t)(cpus < 8 ? cpus : 8) : 1;
    if (nthreads > ntiles) nthreads = ntiles ? ntiles : 1;
  }
  qjob jobs[8];
  pthread_t tid[8];
  int started[8] = {0};
  for (size_t t = 0; t < nthreads; t++) {
    jobs[t] = (qjob){values, nsets, width, tile, nprobs, t, nthreads,
                     probs, out, MUSKX_OK};
    /* thread 0 is this one; a thread that cannot start runs here too */
    if (t > 0 && pthread_create(&tid[t], NULL, tiles, &jobs[t]) == 0)
      started[t] = 1;
  }
  tiles(&jobs[0]);
  muskx_status st = jobs[0].st;
  for (size_t t = 1; t < nthreads; t++) {
    if (started[t]) pthread_join(tid[t], NULL);
    else tiles(&jobs[t]);
    if (jobs[t].st != MUSKX_OK) st = jobs[t].st;
  }
  return st;
}
