/*
 * qsketch_sort.c -- sorts every column of a block of rows at once, for
 * the quantile sketch's compactions (qsketch.c, issue 19).
 *
 * A sketch level holds one row of `width` values per member (an ensemble
 * row: 5,800 values for 580 sample times of 10 columns), and a compaction
 * sorts each column. Sorting column by column gathers values one row
 * apart (46 KB on the ISS crew) and branches on every comparison of
 * random data: 5 % of a 10,000-member run. Here every column goes
 * through the same comparator network, Batcher's merge exchange (Knuth,
 * TAOCP vol. 3, 5.2.2, Algorithm M, which sorts any n), applied to
 * blocks of BLOCK adjacent columns: each comparator is a min and a max
 * over contiguous memory, without branches, that the compiler
 * vectorizes. A network of n values has O(n log^2 n) comparators, so
 * above NET_MAX rows the column sort runs instead.
 *
 * A sorted column is the same bytes whichever sort produced it, except
 * for the order of -0 and +0 (equal values): the sketch's results do not
 * depend on which path ran.
 */
#include <stddef.h>

#include "qsketch.h"
#include "wide.h"

#define BLOCK 32

/* a[c], b[c] := min, max for BLOCK columns (rows i < j; the blocks do
   not overlap since width >= BLOCK) */
static WIDE void exchange_block(double *restrict a, double *restrict b) {
  for (int c = 0; c < BLOCK; c++) {
    double x = a[c], y = b[c];
    a[c] = y < x ? y : x;
    b[c] = y < x ? x : y;
  }
}

static void exchange(double *a, double *b, size_t m) {
  for (size_t c = 0; c < m; c++) {
    double x = a[c], y = b[c];
    a[c] = y < x ? y : x;
    b[c] = y < x ? x : y;
  }
}

int muskx__sort_rows(double *x, size_t n, size_t width) {
  if (n > MUSKX__SORT_ROWS_MAX) return 0;
  if (n < 2) return 1;
  size_t top = 1;
  while (2 * top < n) top *= 2; /* 2^(t-1), t = ceil(log2 n) */
  for (size_t c0 = 0; c0 < width; c0 += BLOCK) {
    size_t m = width - c0 < BLOCK ? width - c0 : BLOCK;
    for (size_t p = top; p > 0; p /= 2) {
      size_t q = top, r = 0, d = p;
      for (;;) {
        for (size_t i = 0; i + d < n; i++) {
          if ((i & p) != r) continue;
          double *a = x + i * width + c0, *b = x + (i + d) * width + c0;
          if (m == BLOCK)
            exchange_block(a, b);
          else
            exchange(a, b, m);
        }
        if (q == p) break;
        d = q - p;
        q /= 2;
        r = p;
      }
    }
  }
  return 1;
}
