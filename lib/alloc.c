/*
 * alloc.c -- the library's single door to the heap. Keeping every
 * allocation here lets tests count and fail them; overflow checks on array
 * sizes live here too, so callers never multiply sizes themselves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void *muskx__alloc(size_t size) { return malloc(size ? size : 1); }

void *muskx__calloc(size_t n, size_t size) {
  if (n == 0 || size == 0) return calloc(1, 1);
  if (n > SIZE_MAX / size) return NULL;
  return calloc(n, size);
}

void *muskx__realloc(void *p, size_t size) { return realloc(p, size ? size : 1); }

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
