/*
 * error.h -- internal error recording.
 *
 * Every failure is a muskx_status plus a sentence; source errors also carry
 * file, line and column. muskx__seterr() is the one way to fill an error so
 * the format string is always checked by the compiler.
 */
#ifndef MUSKX_ERROR_H
#define MUSKX_ERROR_H

#include "muskx.h"

#if defined(__GNUC__)
#define MUSKX__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MUSKX__PRINTF(a, b)
#endif

/* A position in a source file; line 0 means "no position". */
typedef struct muskx__loc {
  const char *file; /* owned by the model (or the load context) */
  int line;
  int col;
} muskx__loc;

/*
 * Fills err (may be NULL) with status, location and a printf-formatted
 * message; returns status so callers can write `return muskx__seterr(...)`.
 * A NULL loc means "no position".
 */
muskx_status muskx__seterr(muskx_error *err, muskx_status status,
                           const muskx__loc *loc, const char *fmt, ...)
    MUSKX__PRINTF(4, 5);

/* Clears err to MUSKX_OK with an empty message. */
void muskx__clearerr(muskx_error *err);

#endif
