/*
 * alloc.c -- the library's single door to the heap. Keeping every
 * allocation here lets tests count and fail them; overflow checks on array
 * sizes live here too, so callers never multiply sizes themselves.
 *
 * Fault injection (MUSKX_ALLOC_TESTING only). A library built with
 * -DMUSKX_ALLOC_TESTING (the test-only objects in build-alloc/, see the
 * Makefile's test-alloc target and tests/test_alloc.c) counts every
 * muskx__alloc/calloc/realloc call and can be told to fail the Nth one, as
 * SQLite's test/malloc_common.tcl does. The counter is the one exception to
 * the "no mutable globals" house rule, and it is acceptable because:
 *  - it does not exist in the real library: without the macro none of the
 *    code below is compiled, so libmuskx.a/.so hold no mutable state
 *    (scripts/check-exports.sh still sees no extra symbol);
 *  - it is _Thread_local, so threads of a test (or Check's forked tests)
 *    never see each other's counts, and the model-sharing contract is
 *    untouched.
 * Allocations made inside libyaml and SUNDIALS (CVodeCreate, N_VNew_Serial,
 * SUNDenseMatrix, KLU...) use the system malloc directly and bypass the
 * hook; their NULL returns are still checked by our callers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#ifdef MUSKX_ALLOC_TESTING
static _Thread_local long alloc_calls;   /* allocations counted so far */
static _Thread_local long alloc_fail_at; /* 1-based call to fail; 0: none */
static _Thread_local int alloc_sticky;   /* fail every call after it too */

void muskx__alloc_test_fail(long nth, int persistent) {
  alloc_calls = 0;
  alloc_fail_at = nth;
  alloc_sticky = persistent;
}

long muskx__alloc_test_calls(void) { return alloc_calls; }

/* 1 when this allocation must fail. */
static int injected_failure(void) {
  alloc_calls++;
  if (alloc_fail_at <= 0) return 0;
  return alloc_calls == alloc_fail_at || (alloc_sticky && alloc_calls > alloc_fail_at);
}
#define FAIL_INJECTED() injected_failure()
#else
#define FAIL_INJECTED() 0
#endif

void *muskx__alloc(size_t size) {
  if (FAIL_INJECTED()) return NULL;
  return malloc(size ? size : 1);
}

void *muskx__calloc(size_t n, size_t size) {
  if (FAIL_INJECTED()) return NULL;
  if (n == 0 || size == 0) return calloc(1, 1);
  if (n > SIZE_MAX / size) return NULL;
  return calloc(n, size);
}

void *muskx__realloc(void *p, size_t size) {
  if (FAIL_INJECTED()) return NULL;
  return realloc(p, size ? size : 1);
}

void *muskx__reallocarray(void *p, size_t n, size_t size) {
  if (size != 0 && n > SIZE_MAX / size) return NULL;
  return muskx__realloc(p, n * size);
}

void muskx__free(void *p) { free(p); }

char *muskx__strndup(const char *s, size_t n) {
  if (s == NULL) return NULL;
  size_t len = strnlen(s, n);
  char *d = muskx__alloc(len + 1);
  if (d == NULL) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

char *muskx__strdup(const char *s) {
  return s == NULL ? NULL : muskx__strndup(s, strlen(s));
}
