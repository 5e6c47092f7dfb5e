/*
 * wide.h -- WIDE marks an element-wise vector kernel for an AVX2 copy
 * besides the default one, chosen at load time where the processor has
 * it (GCC's function multiversioning, target_clones): 4 doubles per
 * instruction instead of SSE2's 2. Same operations on each element (AVX2
 * brings no FMA, and -std=c11 contracts none), so the results stay
 * bit-identical (tests/test_nvector.c and test_nvector_arrays.c run
 * whichever copy the machine selects). Not under ThreadSanitizer: GCC
 * instruments the ifunc resolver it generates, which the dynamic loader
 * runs before TSan's runtime is set up, and the program dies before main
 * (make test-tsan).
 */
#ifndef MUSKX_WIDE_H
#define MUSKX_WIDE_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define WIDE __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef WIDE
#define WIDE
#endif

#endif
