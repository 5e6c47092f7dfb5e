/*
 * qsketch.c -- a mergeable quantile sketch of many columns at once
 * (muskx_qsketch, include/muskx.h): what an ensemble keeps instead of its
 * trajectories once they no longer fit the memory budget (issue 19).
 *
 * The algorithm is KLL: Karnin, Lang & Liberty (2016), "Optimal quantile
 * approximation in streams", FOCS 2016. Level h holds items of weight
 * 2^h; its capacity is max(2, floor(k (2/3)^(H-1-h))) with H levels, so
 * the whole sketch holds under 3k + 2H items per column whatever the
 * number of members. A full level is compacted: its items sorted, every
 * other one (odd or even positions, by a coin) moves up with double
 * weight; with an odd count the largest stays behind. Merging two
 * sketches appends level to level and compacts what is over capacity.
 *
 * All columns receive one value per member, so they share the level
 * sizes and the coins: a level is stored row-major, one row of `width`
 * values per item slot. The coins are a counter-based hash of (stream,
 * compaction number) (lib/rng.h): a sketch fed the same rows in the same
 * order, and merged in the same order, is the same bytes on any thread
 * or process.
 *
 * The error bound it states (muskx_qsketch_rank_error). For a value x
 * let R(x) be the number of members <= x and R'(x) the sketch's estimate
 * (the weights of its items <= x). A compaction at level h changes R'(x)
 * by 0 (an even number of the sorted items are <= x) or by +-2^h with
 * probability 1/2 each; the changes are independent and zero-mean. So by
 * Hoeffding's inequality, for any fixed x,
 *     P(|R'(x) - R(x)| >= t) <= 2 exp(-t^2 / (2 V)),  V = sum 4^h
 * over all compactions done (merged sketches add their V). The sketch
 * counts V exactly, so t = sqrt(2 V ln(2 / delta)) holds with
 * probability >= 1 - delta; KLL's analysis gives t ~ n / k up to a log.
 * A quantile query returns the smallest item v with R'(v) >= p n; then
 * R(v) >= p n - t and R(v-) < p n + t, i.e. the returned value has a true
 * rank within t of p n.
 *
 * A sketch that never compacted holds every value with weight 1: its
 * quantiles are computed by muskx_quantiles() and are exact (the same
 * interpolated numbers as the ensemble's exact path).
 */
#define _DEFAULT_SOURCE /* madvise */
#include <math.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "muskx.h"
#include "qsketch.h"
#include "rng.h"

#define MAXLEV 60 /* weights up to 2^59: more members than can be run */
#define MAGIC 0x4b4c4c31u /* "KLL1" */

struct muskx_qsketch {
  int k;
  int nlev;         /* levels in use, >= 1 */
  size_t width;     /* values per member */
  size_t n;         /* members added, merged ones included */
  double var;       /* V: sum of 4^h over compactions */
  uint64_t stream;  /* coin stream */
  uint64_t ncompact;
  size_t size[MAXLEV], alloc[MAXLEV]; /* rows */
  double *lev[MAXLEV];                /* size[h] rows of width values */
};

muskx_status muskx_qsketch_create(int k, size_t width,
                                  unsigned long long stream,
                                  muskx_qsketch **out) {
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  if (k < 8 || k > 1000000 || width == 0 ||
      width > SIZE_MAX / sizeof(double) / 4)
    return MUSKX_EINVAL;
  muskx_qsketch *s = muskx__calloc(1, sizeof *s);
  if (s == NULL) return MUSKX_ENOMEM;
  s->k = k;
  s->width = width;
  s->nlev = 1;
  s->stream = stream;
  *out = s;
  return MUSKX_OK;
}

void muskx_qsketch_free(muskx_qsketch *s) {
  if (s == NULL) return;
  for (int h = 0; h < MAXLEV; h++) muskx__free(s->lev[h]);
  muskx__free(s);
}

/* Forgets every member; keeps k, width and the storage. */
static void release(muskx_qsketch *s, int h);

void muskx__qsketch_clear(muskx_qsketch *s, uint64_t stream) {
  for (int h = 0; h < MAXLEV; h++) {
    s->size[h] = 0;
    if (s->lev[h] != NULL) release(s, h);
  }
  s->nlev = 1;
  s->n = 0;
  s->var = 0;
  s->ncompact = 0;
  s->stream = stream;
}

size_t muskx_qsketch_count(const muskx_qsketch *s) {
  return s == NULL ? 0 : s->n;
}

size_t muskx_qsketch_width(const muskx_qsketch *s) {
  return s == NULL ? 0 : s->width;
}

int muskx_qsketch_k(const muskx_qsketch *s) { return s == NULL ? 0 : s->k; }

/* Capacity of level h with nlev levels; the same arithmetic everywhere. */
static size_t cap(const muskx_qsketch *s, int h) {
  double c = (double)s->k;
  for (int i = h; i < s->nlev - 1; i++) c *= 2.0 / 3.0;
  size_t r = (size_t)c;
  return r < 2 ? 2 : r;
}

/* Room for `more` rows at level h. A level is first given its capacity
   and a half (what it can hold between compactions), then grows by
   halves: RSS stays near the sketch's size. */
static muskx_status reserve(muskx_qsketch *s, int h, size_t more) {
  size_t need = s->size[h] + more;
  if (need <= s->alloc[h]) return MUSKX_OK;
  size_t a = s->alloc[h] ? s->alloc[h] + s->alloc[h] / 2
                         : cap(s, h) + cap(s, h) / 2 + 1;
  if (a < need) a = need;
  double *p = muskx__reallocarray(s->lev[h], a, s->width * sizeof *p);
  if (p == NULL) return MUSKX_ENOMEM;
  s->lev[h] = p;
  s->alloc[h] = a;
  return MUSKX_OK;
}

/*
 * Gives the pages of level h's rows past its size back to the system. A
 * level fills up to its capacity, then empties into the next one; without
 * this its touched pages stay resident, and since every level was the top
 * one once (capacity k), RSS would approach k rows per level instead of
 * the sketch's size. The block stays allocated; the pages come back, as
 * zeros, when rows are written there again. The lowest KEEP_LEVELS
 * levels keep the rows up to their capacity: every member's row is
 * written to level 0, and compactions write about one more row per
 * member, seven eighths of it to levels 1 and 2; giving those pages back
 * cost a page fault and a cleared page per 4 KB, twice per member (2-3 %
 * of a 10,000-member crew run). These levels are the smallest, a tenth
 * of the sketch's capacity at k = 200.
 */
#define KEEP_LEVELS 3
static void release(muskx_qsketch *s, int h) {
#ifdef MADV_DONTNEED
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  size_t keep = h < KEEP_LEVELS ? cap(s, h) + 1 : s->size[h];
  if (keep < s->size[h]) keep = s->size[h];
  if (keep > s->alloc[h]) keep = s->alloc[h];
  uintptr_t lo = (uintptr_t)(s->lev[h] + keep * s->width);
  uintptr_t hi = (uintptr_t)(s->lev[h] + s->alloc[h] * s->width);
  lo = (lo + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  hi &= ~((uintptr_t)page - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
#else
  (void)s, (void)h;
#endif
}

/* In-place ascending sort of x[0..n-1] (no NaN): quicksort with a
   median-of-three pivot, insertion sort below 16. Faster than qsort()'s
   callback on the short runs of a compaction. */
static void sort_doubles(double *x, size_t n) {
  while (n > 16) {
    size_t mid = n / 2, i = 0, j = n - 1;
    double t;
    /* order x[0] <= x[mid] <= x[n-1]: the ends are sentinels */
    if (x[mid] < x[0]) t = x[mid], x[mid] = x[0], x[0] = t;
    if (x[n - 1] < x[0]) t = x[n - 1], x[n - 1] = x[0], x[0] = t;
    if (x[n - 1] < x[mid]) t = x[n - 1], x[n - 1] = x[mid], x[mid] = t;
    double p = x[mid];
    for (;;) {
      do i++; while (x[i] < p);
      do j--; while (x[j] > p);
      if (i >= j) break;
      t = x[i], x[i] = x[j], x[j] = t;
    }
    /* x[0..j] <= p <= x[j+1..n-1], both sides non-empty: loop on the
       larger, recurse on the smaller */
    if (j + 1 < n - j - 1) {
      sort_doubles(x, j + 1);
      x += j + 1;
      n -= j + 1;
    } else {
      sort_doubles(x + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  for (size_t i = 1; i < n; i++) {
    double v = x[i];
    size_t j = i;
    while (j > 0 && x[j - 1] > v) {
      x[j] = x[j - 1];
      j--;
    }
    x[j] = v;
  }
}

/* Compacts level h (size >= 2) into level h + 1. tmp has size[h] room. */
static muskx_status compact(muskx_qsketch *s, int h, double *tmp) {
  size_t n = s->size[h], half = n / 2, w = s->width;
  if (h + 1 >= MAXLEV) return MUSKX_ELIMIT;
  if (h + 1 == s->nlev) s->nlev++;
  muskx_status st = reserve(s, h + 1, half);
  if (st != MUSKX_OK) return st;
  size_t o = (size_t)(muskx__rng_u64(s->stream, s->ncompact, 0x4b4c4c, 0) &
                      1u);
  double *src = s->lev[h], *dst = s->lev[h + 1] + s->size[h + 1] * w;
  if (muskx__sort_rows(src, n, w)) {
    /* all columns sorted in place (qsketch_sort.c): whole rows move */
    for (size_t i = 0; i < half; i++)
      memcpy(dst + i * w, src + (2 * i + o) * w, w * sizeof *dst);
    if (n & 1u) memcpy(src, src + (n - 1) * w, w * sizeof *src);
  } else {
    for (size_t c = 0; c < w; c++) {
      for (size_t i = 0; i < n; i++) tmp[i] = src[i * w + c];
      sort_doubles(tmp, n);
      for (size_t i = 0; i < half; i++) dst[i * w + c] = tmp[2 * i + o];
      if (n & 1u) src[c] = tmp[n - 1]; /* the largest stays, in row 0 */
    }
  }
  s->size[h + 1] += half;
  s->size[h] = n & 1u;
  s->var += ldexp(1.0, 2 * h);
  s->ncompact++;
  release(s, h);
  return MUSKX_OK;
}

/* Compacts the lowest full level until none is full. */
static muskx_status settle(muskx_qsketch *s) {
  double *tmp = NULL;
  size_t ntmp = 0;
  muskx_status st = MUSKX_OK;
  for (int h = 0; st == MUSKX_OK && h < s->nlev;) {
    if (s->size[h] < cap(s, h)) {
      h++;
      continue;
    }
    if (s->size[h] > ntmp) {
      double *t = muskx__reallocarray(tmp, s->size[h], sizeof *t);
      if (t == NULL) {
        st = MUSKX_ENOMEM;
        break;
      }
      tmp = t;
      ntmp = s->size[h];
    }
    st = compact(s, h, tmp);
    h = 0; /* capacities change when a level is added */
  }
  muskx__free(tmp);
  return st;
}

muskx_status muskx_qsketch_add(muskx_qsketch *s, const double *row) {
  if (s == NULL || row == NULL) return MUSKX_EINVAL;
  for (size_t c = 0; c < s->width; c++)
    if (isnan(row[c])) return MUSKX_EINVAL;
  muskx_status st = reserve(s, 0, 1);
  if (st != MUSKX_OK) return st;
  memcpy(s->lev[0] + s->size[0] * s->width, row, s->width * sizeof *row);
  s->size[0]++;
  s->n++;
  return s->size[0] >= cap(s, 0) ? settle(s) : MUSKX_OK;
}

/* What a merge reads of its source: a sketch, or the bytes of one. */
typedef struct view {
  int k, nlev;
  size_t width, n;
  double var;
  uint64_t stream, ncompact;
  size_t size[MAXLEV];
  const double *lev[MAXLEV];
} view;

static view view_of(const muskx_qsketch *s) {
  view v;
  memset(&v, 0, sizeof v);
  v.k = s->k;
  v.nlev = s->nlev;
  v.width = s->width;
  v.n = s->n;
  v.var = s->var;
  v.stream = s->stream;
  v.ncompact = s->ncompact;
  for (int h = 0; h < s->nlev; h++) {
    v.size[h] = s->size[h];
    v.lev[h] = s->lev[h];
  }
  return v;
}

static muskx_status merge_view(muskx_qsketch *dst, const view *src) {
  if (dst->width != src->width || dst->k != src->k) return MUSKX_EINVAL;
  if (src->n == 0) return MUSKX_OK;
  /* An empty sketch becomes a copy, coins included: merging into an
     empty sketch changes nothing, so a chunk's sketch merged into a fresh
     accumulator is that chunk's sketch, bit for bit. */
  int empty = dst->n == 0;
  /* Level by level, compacting each level before the next arrives, so
     the merge needs about one level more than the two sketches. */
  double *tmp = NULL;
  size_t ntmp = 0;
  muskx_status st = MUSKX_OK;
  if (src->nlev > dst->nlev) dst->nlev = src->nlev;
  for (int h = 0; h < src->nlev && st == MUSKX_OK; h++) {
    st = reserve(dst, h, src->size[h]);
    if (st != MUSKX_OK) break;
    if (src->size[h] > 0)
      memcpy(dst->lev[h] + dst->size[h] * dst->width, src->lev[h],
             src->size[h] * src->width * sizeof(double));
    dst->size[h] += src->size[h];
    if (empty) continue;
    while (st == MUSKX_OK && dst->size[h] >= cap(dst, h)) {
      if (dst->size[h] > ntmp) {
        double *t = muskx__reallocarray(tmp, dst->size[h], sizeof *t);
        if (t == NULL) {
          st = MUSKX_ENOMEM;
          break;
        }
        tmp = t;
        ntmp = dst->size[h];
      }
      st = compact(dst, h, tmp);
    }
  }
  muskx__free(tmp);
  if (st != MUSKX_OK) return st;
  dst->n += src->n;
  dst->var += src->var;
  if (empty) {
    dst->stream = src->stream;
    dst->ncompact = src->ncompact;
    return MUSKX_OK; /* src was settled */
  }
  return settle(dst);
}

muskx_status muskx_qsketch_merge(muskx_qsketch *dst,
                                 const muskx_qsketch *src) {
  if (dst == NULL || src == NULL || dst == src) return MUSKX_EINVAL;
  view v = view_of(src);
  return merge_view(dst, &v);
}

double muskx_qsketch_rank_error(const muskx_qsketch *s, double delta) {
  if (s == NULL || !(delta > 0 && delta < 1) || s->n == 0) return NAN;
  return sqrt(2.0 * s->var * log(2.0 / delta)) / (double)s->n;
}

static int cmp_pair(const void *a, const void *b) {
  const double *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

muskx_status muskx_qsketch_quantiles(const muskx_qsketch *s,
                                     const double *probs, size_t nprobs,
                                     double *out) {
  if (s == NULL || (probs == NULL && nprobs > 0) || out == NULL)
    return MUSKX_EINVAL;
  for (size_t q = 0; q < nprobs; q++)
    if (!(probs[q] >= 0.0 && probs[q] <= 1.0)) return MUSKX_EINVAL;
  size_t w = s->width;
  if (s->n == 0) {
    for (size_t i = 0; i < nprobs * w; i++) out[i] = NAN;
    return MUSKX_OK;
  }
  if (s->var == 0) /* no compaction in it or in what was merged: exact */
    return muskx_quantiles(s->lev[0], s->size[0], w, probs, nprobs, out);
  size_t items = 0;
  for (int h = 0; h < s->nlev; h++) items += s->size[h];
  double *pair = muskx__calloc(2 * items, sizeof *pair);
  if (pair == NULL) return MUSKX_ENOMEM;
  for (size_t c = 0; c < w; c++) {
    size_t m = 0;
    for (int h = 0; h < s->nlev; h++)
      for (size_t i = 0; i < s->size[h]; i++, m++) {
        pair[2 * m] = s->lev[h][i * w + c];
        pair[2 * m + 1] = ldexp(1.0, h);
      }
    qsort(pair, items, 2 * sizeof *pair, cmp_pair);
    for (size_t q = 0; q < nprobs; q++) {
      /* the smallest item whose cumulative weight reaches p n (>= 1) */
      double target = probs[q] * (double)s->n, cum = 0;
      if (target < 1) target = 1;
      size_t i = 0;
      for (; i + 1 < items; i++) {
        cum += pair[2 * i + 1];
        if (cum >= target) break;
      }
      out[q * w + c] = pair[2 * i];
    }
  }
  muskx__free(pair);
  return MUSKX_OK;
}

/* ------------------------------------------------------------ bytes */

/* Layout: a header of 8 uint64 (magic, k, nlev, width, n, stream,
   ncompact, var's bits), nlev level sizes, then the rows of each level. */
size_t muskx_qsketch_serialize(const muskx_qsketch *s, void *buf,
                               size_t n) {
  if (s == NULL) return 0;
  size_t rows = 0;
  for (int h = 0; h < s->nlev; h++) rows += s->size[h];
  size_t need = (8 + (size_t)s->nlev) * sizeof(uint64_t) +
                rows * s->width * sizeof(double);
  if (buf == NULL || n < need) return need;
  uint64_t head[8], vbits;
  memcpy(&vbits, &s->var, sizeof vbits);
  head[0] = MAGIC;
  head[1] = (uint64_t)s->k;
  head[2] = (uint64_t)s->nlev;
  head[3] = (uint64_t)s->width;
  head[4] = (uint64_t)s->n;
  head[5] = s->stream;
  head[6] = s->ncompact;
  head[7] = vbits;
  unsigned char *p = buf;
  memcpy(p, head, sizeof head);
  p += sizeof head;
  for (int h = 0; h < s->nlev; h++) {
    uint64_t z = (uint64_t)s->size[h];
    memcpy(p, &z, sizeof z);
    p += sizeof z;
  }
  for (int h = 0; h < s->nlev; h++) {
    size_t bytes = s->size[h] * s->width * sizeof(double);
    if (bytes) memcpy(p, s->lev[h], bytes);
    p += bytes;
  }
  return need;
}

/* Reads the bytes of a sketch into a view of them (no copy). */
static muskx_status parse(const void *buf, size_t n, view *v) {
  uint64_t head[8];
  memset(v, 0, sizeof *v);
  if (buf == NULL || n < sizeof head) return MUSKX_EINVAL;
  const unsigned char *p = buf, *end = p + n;
  memcpy(head, p, sizeof head);
  p += sizeof head;
  if (head[0] != MAGIC || head[1] < 8 || head[1] > 1000000 || head[2] < 1 ||
      head[2] > MAXLEV || head[3] == 0 ||
      head[3] > SIZE_MAX / sizeof(double) / 4)
    return MUSKX_EINVAL;
  v->k = (int)head[1];
  v->nlev = (int)head[2];
  v->width = (size_t)head[3];
  v->n = (size_t)head[4];
  v->stream = head[5];
  v->ncompact = head[6];
  memcpy(&v->var, &head[7], sizeof v->var);
  if ((size_t)(end - p) < (size_t)v->nlev * sizeof(uint64_t))
    return MUSKX_EINVAL;
  for (int h = 0; h < v->nlev; h++) {
    uint64_t z;
    memcpy(&z, p, sizeof z);
    p += sizeof z;
    v->size[h] = (size_t)z;
    if (z > (uint64_t)(SIZE_MAX / v->width / sizeof(double)))
      return MUSKX_EINVAL;
  }
  /* rows are doubles: the caller's buffer must keep them aligned */
  if (((uintptr_t)p & (sizeof(double) - 1)) != 0) return MUSKX_EINVAL;
  size_t weight = 0;
  for (int h = 0; h < v->nlev; h++) {
    size_t bytes = v->size[h] * v->width * sizeof(double);
    if ((size_t)(end - p) < bytes) return MUSKX_EINVAL;
    v->lev[h] = (const double *)(const void *)p;
    p += bytes;
    if (v->size[h] > (SIZE_MAX >> h) - weight) return MUSKX_EINVAL;
    weight += v->size[h] << h;
  }
  return p == end && weight == v->n ? MUSKX_OK : MUSKX_EINVAL;
}

muskx_status muskx_qsketch_merge_serialized(muskx_qsketch *dst,
                                            const void *buf, size_t n) {
  view v;
  if (dst == NULL) return MUSKX_EINVAL;
  muskx_status st = parse(buf, n, &v);
  return st != MUSKX_OK ? st : merge_view(dst, &v);
}

muskx_status muskx_qsketch_deserialize(const void *buf, size_t n,
                                       muskx_qsketch **out) {
  view v;
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  muskx_status st = parse(buf, n, &v);
  if (st != MUSKX_OK) return st;
  muskx_qsketch *s = NULL;
  st = muskx_qsketch_create(v.k, v.width, v.stream, &s);
  if (st != MUSKX_OK) return st;
  if (v.n > 0) st = merge_view(s, &v); /* into an empty one: a copy */
  if (st != MUSKX_OK) {
    muskx_qsketch_free(s);
    return st;
  }
  s->nlev = v.nlev;
  *out = s;
  return MUSKX_OK;
}
