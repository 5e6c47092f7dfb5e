/*
 * qsketch.h -- what the library itself needs of lib/qsketch.c beyond the
 * public muskx_qsketch_* calls.
 */
#ifndef MUSKX_QSKETCH_H
#define MUSKX_QSKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "muskx.h"

/* Forgets every member, keeping k, width and the storage; new coins. */
void muskx__qsketch_clear(muskx_qsketch *s, uint64_t stream);

/* Sorts each of the width columns of the n rows x[i * width + c] in
   ascending order (no NaN), in place, when n <= MUSKX__SORT_ROWS_MAX
   (returns 1); returns 0 and changes nothing for more rows
   (lib/qsketch_sort.c). */
#define MUSKX__SORT_ROWS_MAX 1024
int muskx__sort_rows(double *x, size_t n, size_t width);

#endif
