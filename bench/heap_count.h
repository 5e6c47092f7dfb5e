/*
 * heap_count.h -- exact peak-heap measurement for the benchmarks (issue 8:
 * "memory per simulation independent of the number of output samples").
 *
 * Included by exactly one file of a benchmark program (bench_suite.c,
 * bench_scale.c), it replaces malloc and friends for the whole process --
 * libmuskx, SUNDIALS, KLU, OpenBLAS and libyaml included -- as the glibc
 * manual allows ("Replacing malloc": provide malloc, free, calloc and
 * realloc, and the aligned variants). Each call forwards to glibc's own
 * allocator (__libc_malloc & co.) and adds malloc_usable_size() of the
 * block to a byte count, whose maximum heap_peak() reports. So a peak is
 * exact to the byte of what the allocator handed out, unlike mallinfo2()
 * or getrusage() deltas.
 *
 * The two counters are the only mutable globals of the benchmarks: they
 * must be, since malloc has no context argument. They are updated
 * atomically, so ensemble worker threads may allocate freely. This is
 * benchmark code; the library itself has no globals (house rules).
 */
#ifndef BENCH_HEAP_COUNT_H
#define BENCH_HEAP_COUNT_H

#include <errno.h>
#include <malloc.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

static long heap_bytes, heap_max;

static void heap_add(void *p) {
  if (p == NULL) return;
  long now = __atomic_add_fetch(&heap_bytes, (long)malloc_usable_size(p),
                                __ATOMIC_RELAXED);
  long max = __atomic_load_n(&heap_max, __ATOMIC_RELAXED);
  while (now > max &&
         !__atomic_compare_exchange_n(&heap_max, &max, now, 1,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

static void heap_sub(void *p) {
  if (p != NULL)
    __atomic_sub_fetch(&heap_bytes, (long)malloc_usable_size(p),
                       __ATOMIC_RELAXED);
}

void *malloc(size_t size) {
  void *p = __libc_malloc(size);
  heap_add(p);
  return p;
}

void *calloc(size_t n, size_t size) {
  void *p = __libc_calloc(n, size);
  heap_add(p);
  return p;
}

void *realloc(void *p, size_t size) {
  long old = p != NULL ? (long)malloc_usable_size(p) : 0;
  void *q = __libc_realloc(p, size);
  if (q != NULL || size == 0) {
    __atomic_sub_fetch(&heap_bytes, old, __ATOMIC_RELAXED);
    heap_add(q);
  }
  return q;
}

void free(void *p) {
  heap_sub(p);
  __libc_free(p);
}

void *memalign(size_t align, size_t size) {
  void *p = __libc_memalign(align, size);
  heap_add(p);
  return p;
}

void *aligned_alloc(size_t align, size_t size) {
  return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size) {
  void *p = __libc_memalign(align, size);
  if (p == NULL) return ENOMEM;
  heap_add(p);
  *out = p;
  return 0;
}

/* Starts a measurement: the peak becomes the bytes in use now. */
static long heap_mark(void) {
  long now = __atomic_load_n(&heap_bytes, __ATOMIC_RELAXED);
  __atomic_store_n(&heap_max, now, __ATOMIC_RELAXED);
  return now;
}

/* The largest number of bytes in use since heap_mark(). */
static long heap_peak(void) {
  return __atomic_load_n(&heap_max, __ATOMIC_RELAXED);
}

#endif
