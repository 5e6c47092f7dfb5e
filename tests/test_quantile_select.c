/*
 * test_quantile_select.c -- muskx_quantiles() finds order statistics by
 * selection (issue 19); these check it against the definition computed
 * the slow, obvious way here: sort the column, interpolate (Hyndman & Fan
 * 1996, definition 7), on inputs that stress a selection algorithm --
 * random, sorted, reversed, all equal, few distinct values, NaN holes,
 * columns wider than a tile, inputs large enough to be split over threads
 * -- and exact equality, since an order
 * statistic is a value, not an approximation.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The reference: sort the non-NaN values of column j, interpolate. */
static double reference(const double *v, size_t n, size_t w, size_t j,
                        double p) {
  double *x = malloc((n ? n : 1) * sizeof *x);
  size_t m = 0;
  for (size_t s = 0; s < n; s++)
    if (!isnan(v[s * w + j])) x[m++] = v[s * w + j];
  double r = NAN;
  if (m > 0) {
    qsort(x, m, sizeof *x, cmp);
    double h = (double)(m - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= m - 1) r = x[m - 1];
    else {
      double f = h - (double)lo;
      r = f == 0.0 ? x[lo] : x[lo] + f * (x[lo + 1] - x[lo]);
    }
  }
  free(x);
  return r;
}

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 11;
}

static void check_all(const double *v, size_t n, size_t w) {
  /* unsorted probabilities, repeats, the ends */
  const double probs[] = {0.95, 0.05, 0.5, 0.25, 0.75, 0.0, 1.0, 0.5, 0.333};
  size_t np = sizeof probs / sizeof *probs;
  double *out = malloc(np * w * sizeof *out);
  ck_assert_int_eq(muskx_quantiles(v, n, w, probs, np, out), MUSKX_OK);
  for (size_t q = 0; q < np; q++)
    for (size_t j = 0; j < w; j++) {
      double want = reference(v, n, w, j, probs[q]);
      double got = out[q * w + j];
      ck_assert_msg((isnan(want) && isnan(got)) || want == got,
                    "n=%zu w=%zu col %zu p=%g: got %.17g, want %.17g", n, w,
                    j, probs[q], got, want);
    }
  free(out);
}

START_TEST(selection_gives_the_sorted_order_statistics) {
  /* 30011 x 37 is past a million values: the threaded split */
  const size_t ns[] = {1, 2, 3, 17, 100, 1001, 4096, 30011};
  uint64_t seed = 12345;
  for (size_t a = 0; a < sizeof ns / sizeof *ns; a++) {
    size_t n = ns[a], w = 37; /* more than one tile of columns */
    double *v = malloc(n * w * sizeof *v);
    for (size_t s = 0; s < n; s++)
      for (size_t j = 0; j < w; j++) {
        double u = (double)lcg(&seed) / 9007199254740992.0;
        switch (j % 6) {
          case 0: v[s * w + j] = u; break;                      /* random */
          case 1: v[s * w + j] = (double)s; break;              /* sorted */
          case 2: v[s * w + j] = -(double)s; break;             /* reversed */
          case 3: v[s * w + j] = 4.25; break;                   /* all equal */
          case 4: v[s * w + j] = floor(3 * u); break;           /* 3 values */
          default: v[s * w + j] = u < 0.3 ? NAN : u - 0.5; break; /* holes */
        }
      }
    check_all(v, n, w);
    free(v);
  }
}
END_TEST

START_TEST(organ_pipe_and_all_nan_columns) {
  size_t n = 2001, w = 2;
  double *v = malloc(n * w * sizeof *v);
  for (size_t s = 0; s < n; s++) {
    v[s * w] = (double)(s < n / 2 ? s : n - s); /* defeats naive pivots */
    v[s * w + 1] = NAN;
  }
  check_all(v, n, w);
  free(v);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("quantile_select");
  TCase *tc = tcase_create("select");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, selection_gives_the_sorted_order_statistics);
  tcase_add_test(tc, organ_pipe_and_all_nan_columns);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
