/*
 * qsketch.h -- what the library itself needs of lib/qsketch.c beyond the
 * public muskx_qsketch_* calls.
 */
#ifndef MUSKX_QSKETCH_H
#define MUSKX_QSKETCH_H

#include <stdint.h>

#include "muskx.h"

/* Forgets every member, keeping k, width and the storage; new coins. */
void muskx__qsketch_clear(muskx_qsketch *s, uint64_t stream);

#endif
