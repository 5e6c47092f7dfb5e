/*
 * alloc.h -- every allocation of the library goes through these, so that
 * tests can count and fail allocations (see tests/test_alloc.c).
 */
#ifndef MUSKX_ALLOC_H
#define MUSKX_ALLOC_H

#include <stddef.h>

void *muskx__alloc(size_t size);          /* malloc */
void *muskx__calloc(size_t n, size_t size); /* calloc, overflow-checked */
void *muskx__realloc(void *p, size_t size); /* realloc */
/* realloc of an array of n items of size each, overflow-checked. */
void *muskx__reallocarray(void *p, size_t n, size_t size);
void muskx__free(void *p);
/* strdup / strndup through muskx__alloc; NULL in -> NULL out. */
char *muskx__strdup(const char *s);
char *muskx__strndup(const char *s, size_t n);

#ifdef MUSKX_ALLOC_TESTING
/* Test builds only (see alloc.c): from now on, fail the nth allocation
   (1-based; 0 fails none) and, if persistent, every one after it. Resets
   the count. Per thread. */
void muskx__alloc_test_fail(long nth, int persistent);
/* Allocations made by this thread since the last muskx__alloc_test_fail. */
long muskx__alloc_test_calls(void);
#endif

#endif
