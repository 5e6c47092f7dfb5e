/*
 * test_qsketch.c -- the quantile sketch (include/muskx.h, "Quantile
 * sketches"; lib/qsketch.c; issue 19). test_ensemble_sketch.c tests the
 * ensembles that stream into it.
 *
 * References are independent of the sketch: exact ranks from sorting the
 * full data, and the Hoeffding bound the sketch states, checked on both
 * sides (a value whose true rank is too low fails as well as one too
 * high). The bound is taken at delta = 1e-9 per query, so a correct
 * sketch fails a check with probability below 1e-7 over the file; the
 * coins are fixed anyway, so the tests are deterministic.
 */
#define _DEFAULT_SOURCE /* M_PI */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "qsketch.h"
#include "testutil.h"

static const double PROBS[7] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

static uint64_t next_u64(uint64_t *s) { /* SplitMix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double unif(uint64_t *s) {
  return ((double)(next_u64(s) >> 11) + 0.5) / 9007199254740992.0;
}

START_TEST(a_sketch_below_k_members_is_exact) {
  enum { N = 150, W = 2 };
  uint64_t seed = 5;
  double *data = malloc(N * W * sizeof *data), q[7 * W], ref[7 * W];
  muskx_qsketch *s = NULL;
  ck_assert_int_eq(muskx_qsketch_create(200, W, 1, &s), MUSKX_OK);
  for (int i = 0; i < N; i++) {
    data[i * W] = unif(&seed);
    data[i * W + 1] = -log(unif(&seed));
    TU_CHECK(muskx_qsketch_add(s, data + i * W) == MUSKX_OK);
  }
  ck_assert_int_eq(muskx_qsketch_count(s), N);
  ck_assert_int_eq(muskx_qsketch_quantiles(s, PROBS, 7, q), MUSKX_OK);
  ck_assert_int_eq(muskx_quantiles(data, N, W, PROBS, 7, ref), MUSKX_OK);
  for (int i = 0; i < 7 * W; i++) ck_assert(q[i] == ref[i]);
  ck_assert(muskx_qsketch_rank_error(s, 1e-3) == 0.0);
  muskx_qsketch_free(s);
  free(data);
}
END_TEST

/*
 * n = 200,000 members, k = 200, one column per distribution: uniform,
 * normal (Box-Muller), exponential, a discrete one with heavy ties, and an
 * increasing sequence (sorted input, the adversary of naive sampling).
 * Each returned quantile must be a data value whose true rank interval
 * [below, upto] meets [p n - t, p n + t], t the stated bound.
 */
START_TEST(sketch_quantiles_are_within_the_stated_rank_error) {
  enum { N = 200000, W = 5 };
  uint64_t seed = 42;
  double *data = malloc((size_t)N * W * sizeof *data), row[W], q[7 * W];
  double *col = malloc((size_t)N * sizeof *col);
  muskx_qsketch *s = NULL;
  ck_assert_int_eq(muskx_qsketch_create(200, W, 7, &s), MUSKX_OK);
  for (size_t i = 0; i < N; i++) {
    double u1 = unif(&seed), u2 = unif(&seed);
    row[0] = unif(&seed);
    row[1] = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
    row[2] = -log(unif(&seed));
    row[3] = floor(10 * unif(&seed));
    row[4] = (double)i;
    memcpy(data + i * W, row, sizeof row);
    TU_CHECK(muskx_qsketch_add(s, row) == MUSKX_OK);
  }
  double t = muskx_qsketch_rank_error(s, 1e-9) * N;
  /* the bound means something: KLL's error is about 1/k (here 0.5 %), so
     the 1e-9 bound, sqrt(2 ln(2e9)) = 6.5 of those, is within 5 % */
  ck_assert_msg(t > 0 && t < 0.05 * N, "stated rank error %g of %d", t, N);
  ck_assert_msg(muskx_qsketch_rank_error(s, 0.01) < 0.025, "99 %% bound %g",
                muskx_qsketch_rank_error(s, 0.01));
  ck_assert_int_eq(muskx_qsketch_quantiles(s, PROBS, 7, q), MUSKX_OK);
  for (int c = 0; c < W; c++) {
    for (size_t i = 0; i < N; i++) col[i] = data[i * W + c];
    qsort(col, N, sizeof *col, tu_cmp_double);
    for (int p = 0; p < 7; p++) {
      double v = q[p * W + c], target = PROBS[p] * N;
      size_t below, upto;
      tu_ranks(col, N, v, &below, &upto);
      ck_assert_msg(upto > below, "column %d p %g: %g is not a data value",
                    c, PROBS[p], v);
      ck_assert_msg((double)upto >= target - t && (double)below <= target + t,
                    "column %d p %g: true ranks [%zu, %zu], wanted %g +- %g",
                    c, PROBS[p], below, upto, target, t);
    }
  }
  /* and the sketch did approximate (else the test tests nothing) */
  ck_assert_msg(t > 0.001 * N, "bound %g: no compaction?", t);
  muskx_qsketch_free(s);
  free(data);
  free(col);
}
END_TEST

START_TEST(merged_sketches_keep_the_bound_and_serialize_exactly) {
  enum { N = 60000, W = 1, CH = 7 };
  uint64_t seed = 9;
  double *data = malloc(N * sizeof *data), q[7];
  muskx_qsketch *acc = NULL, *acc2 = NULL;
  ck_assert_int_eq(muskx_qsketch_create(100, W, 0, &acc), MUSKX_OK);
  ck_assert_int_eq(muskx_qsketch_create(100, W, 0, &acc2), MUSKX_OK);
  for (int c = 0; c < CH; c++) {
    muskx_qsketch *part = NULL, *back = NULL;
    ck_assert_int_eq(muskx_qsketch_create(100, W, (unsigned)c + 1, &part),
                     MUSKX_OK);
    for (int i = c * N / CH; i < (c + 1) * N / CH; i++) {
      data[i] = c % 2 ? unif(&seed) : 0.5 + 2 * unif(&seed);
      TU_CHECK(muskx_qsketch_add(part, &data[i]) == MUSKX_OK);
    }
    /* through bytes and back: the same sketch */
    size_t nb = muskx_qsketch_serialize(part, NULL, 0);
    unsigned char *b = malloc(nb), *b2 = malloc(nb);
    ck_assert_int_eq(muskx_qsketch_serialize(part, b, nb), nb);
    ck_assert_int_eq(muskx_qsketch_deserialize(b, nb, &back), MUSKX_OK);
    ck_assert_int_eq(muskx_qsketch_serialize(back, b2, nb), nb);
    ck_assert(memcmp(b, b2, nb) == 0);
    /* truncated or not a sketch: refused */
    muskx_qsketch_free(back);
    back = NULL;
    /* merging the bytes is merging the sketch (muskx-mpi's rank 0) */
    ck_assert_int_eq(muskx_qsketch_merge_serialized(acc2, b, nb), MUSKX_OK);
    ck_assert_int_eq(muskx_qsketch_merge_serialized(acc2, b, nb - 8),
                     MUSKX_EINVAL);
    ck_assert_int_eq(muskx_qsketch_deserialize(b, nb - 8, &back),
                     MUSKX_EINVAL);
    b[0] ^= 1;
    ck_assert_int_eq(muskx_qsketch_deserialize(b, nb, &back), MUSKX_EINVAL);
    ck_assert_int_eq(muskx_qsketch_merge(acc, part), MUSKX_OK);
    muskx_qsketch_free(part);
    free(b);
    free(b2);
  }
  ck_assert_int_eq(muskx_qsketch_count(acc), N);
  size_t n1 = muskx_qsketch_serialize(acc, NULL, 0);
  size_t n2 = muskx_qsketch_serialize(acc2, NULL, 0);
  ck_assert_int_eq(n1, n2);
  unsigned char *b1 = malloc(n1), *b2 = malloc(n2);
  muskx_qsketch_serialize(acc, b1, n1);
  muskx_qsketch_serialize(acc2, b2, n2);
  ck_assert(memcmp(b1, b2, n1) == 0);
  free(b1);
  free(b2);
  muskx_qsketch_free(acc2);
  double t = muskx_qsketch_rank_error(acc, 1e-9) * N;
  ck_assert_msg(t > 0 && t < 0.1 * N, "stated rank error %g", t);
  ck_assert_int_eq(muskx_qsketch_quantiles(acc, PROBS, 7, q), MUSKX_OK);
  qsort(data, N, sizeof *data, tu_cmp_double);
  for (int p = 0; p < 7; p++) {
    size_t below, upto;
    double target = PROBS[p] * N;
    tu_ranks(data, N, q[p], &below, &upto);
    ck_assert_msg((double)upto >= target - t && (double)below <= target + t,
                  "p %g: true ranks [%zu, %zu], wanted %g +- %g", PROBS[p],
                  below, upto, target, t);
  }
  muskx_qsketch_free(acc);
  free(data);
}
END_TEST

/* A sketch that never compacted, merged with one that did: the answers
   must use every level (not the exact path of a sketch of weight-1 items
   only). 10 small values, then 5,000 values above them. */
START_TEST(an_exact_sketch_merged_with_a_compacted_one_uses_every_level) {
  /* one value, then 1,000 values above it with k = 200: the merge fills
     no level of the exact sketch, so it compacts nothing itself */
  muskx_qsketch *a = NULL, *b = NULL;
  ck_assert_int_eq(muskx_qsketch_create(200, 1, 0, &a), MUSKX_OK);
  ck_assert_int_eq(muskx_qsketch_create(200, 1, 1, &b), MUSKX_OK);
  double v = -1;
  ck_assert_int_eq(muskx_qsketch_add(a, &v), MUSKX_OK);
  ck_assert(muskx_qsketch_rank_error(a, 0.01) == 0.0);
  for (int i = 0; i < 1000; i++) {
    v = i;
    ck_assert_int_eq(muskx_qsketch_add(b, &v), MUSKX_OK);
  }
  ck_assert_int_eq(muskx_qsketch_merge(a, b), MUSKX_OK);
  ck_assert_int_eq(muskx_qsketch_count(a), 1001);
  double t = muskx_qsketch_rank_error(a, 1e-9) * 1001, q[1];
  static const double half = 0.5;
  ck_assert(t > 0);
  ck_assert_int_eq(muskx_qsketch_quantiles(a, &half, 1, q), MUSKX_OK);
  /* members <= q: q + 2 (the values -1, 0, .., q); wanted 500.5 */
  ck_assert_msg(q[0] >= 0 && fabs(q[0] + 2 - 500.5) <= t + 1,
                "median %g, bound %g", q[0], t);
  muskx_qsketch_free(a);
  muskx_qsketch_free(b);
}
END_TEST

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The compactions' row sort (lib/qsketch_sort.c) against qsort() of each
   column: every count up to 300 and a few up to the network's limit,
   widths below, at and around its block of 32 columns, values with ties
   and infinities; above the limit it declines and changes nothing. */
START_TEST(rows_sorted_by_the_network_equal_each_column_qsorted) {
  static const size_t widths[] = {1, 3, 31, 32, 33, 70};
  static const size_t big[] = {511, 512, 513, 1000, 1024};
  uint64_t seed = 11;
  size_t maxn = MUSKX__SORT_ROWS_MAX + 1, maxw = 70;
  double *x = malloc(maxn * maxw * sizeof *x);
  double *ref = malloc(maxn * maxw * sizeof *ref);
  double *col = malloc(maxn * sizeof *col);
  ck_assert(x != NULL && ref != NULL && col != NULL);
  for (size_t t = 0; t < 300 + 5; t++) {
    size_t n = t < 300 ? t : big[t - 300];
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
      size_t w = widths[wi];
      for (size_t i = 0; i < n * w; i++) {
        double u = unif(&seed);
        /* a third ties (8 levels), a few infinities, the rest spread */
        x[i] = u < 0.33 ? floor(24.0 * u) - 3.0
               : u < 0.34 ? (u < 0.335 ? -INFINITY : INFINITY)
                          : 1e3 * (u - 0.6);
      }
      memcpy(ref, x, n * w * sizeof *x);
      for (size_t c = 0; c < w; c++) {
        for (size_t i = 0; i < n; i++) col[i] = ref[i * w + c];
        qsort(col, n, sizeof *col, cmp_double);
        for (size_t i = 0; i < n; i++) ref[i * w + c] = col[i];
      }
      ck_assert_int_eq(muskx__sort_rows(x, n, w), 1);
      ck_assert_msg(memcmp(x, ref, n * w * sizeof *x) == 0,
                    "n %zu, width %zu: not each column sorted", n, w);
    }
  }
  for (size_t i = 0; i < maxn * 2; i++) x[i] = (double)(maxn * 2 - i);
  memcpy(ref, x, maxn * 2 * sizeof *x);
  ck_assert_int_eq(muskx__sort_rows(x, maxn, 2), 0);
  ck_assert(memcmp(x, ref, maxn * 2 * sizeof *x) == 0);
  free(x);
  free(ref);
  free(col);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("qsketch");
  TCase *tc = tcase_create("sketch");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, a_sketch_below_k_members_is_exact);
  tcase_add_test(tc, rows_sorted_by_the_network_equal_each_column_qsorted);
  tcase_add_test(tc, merged_sketches_keep_the_bound_and_serialize_exactly);
  tcase_add_test(tc,
                 an_exact_sketch_merged_with_a_compacted_one_uses_every_level);
  suite_add_tcase(s, tc);
  /* 200,000 members: a minute under valgrind, so the plain and sanitizer
     stages only (make valgrind leaves out "slow") */
  TCase *slow = tcase_create("large");
  tcase_set_tags(slow, "slow");
  tcase_set_timeout(slow, 600);
  tcase_add_test(slow, sketch_quantiles_are_within_the_stated_rank_error);
  suite_add_tcase(s, slow);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
