/*
 * nvector_block.h -- the element loop of the vector kernels
 * (nvector_fast.c, nvector_fast_arrays.c), four elements at a time.
 *
 * Why: the vectors of a fit are short (Boehm: 8 states, 6 sensitivities),
 * and a plain loop `z[i] = a x[i] + y[i]`, vectorised by GCC, first
 * checks at run time whether z overlaps x or y and peels to an aligned
 * start: about 56 instructions for 8 elements, called millions of times
 * (callgrind, bench/NOTES.md). Here the four results of a block are all
 * computed before any is stored, so z may be x or y (CVODES works in
 * place; N_Vectors never overlap otherwise) with no check, and GCC turns
 * the block into one AVX2 (two SSE2) instruction per operation. Each
 * element still goes through the same operations in the same order:
 * results are bit-identical to SUNDIALS' serial kernels
 * (tests/test_nvector.c, test_nvector_arrays.c).
 */
#ifndef MUSKX_NVECTOR_BLOCK_H
#define MUSKX_NVECTOR_BLOCK_H

/* zd[k] = EXPR(k) for k = 0 .. n - 1; EXPR a function-like macro */
#define MUSKX__EACH(n, zd, EXPR)                                       \
  do {                                                                 \
    sunindextype k_ = 0, n_ = (n);                                     \
    for (; k_ + 4 <= n_; k_ += 4) {                                    \
      sunrealtype t0_ = EXPR(k_), t1_ = EXPR(k_ + 1);                  \
      sunrealtype t2_ = EXPR(k_ + 2), t3_ = EXPR(k_ + 3);              \
      (zd)[k_] = t0_, (zd)[k_ + 1] = t1_;                              \
      (zd)[k_ + 2] = t2_, (zd)[k_ + 3] = t3_;                          \
    }                                                                  \
    for (; k_ < n_; k_++) (zd)[k_] = EXPR(k_);                         \
  } while (0)

/* The cases of N_VLinearSum_Serial, rounded alike: a == b gives
   a (x + y), a == -b gives a (x - y), and a factor of 1 is left out where
   it multiplies (1 v is v, bit for bit). Every other special case of
   SUNDIALS' (axpy, a or b equal to +-1) rounds exactly as a x + b y. */
enum muskx__lsum_case {
  LSUM_ADD,        /* x + y (a == b == 1) */
  LSUM_SCALED_ADD, /* a (x + y) */
  LSUM_SUB,        /* x - y (a == -b == 1) */
  LSUM_SCALED_SUB, /* a (x - y) */
  LSUM_AXPY,       /* a x + y */
  LSUM_XPBY,       /* x + b y */
  LSUM_GENERAL     /* a x + b y */
};

static inline enum muskx__lsum_case muskx__lsum_case(sunrealtype a,
                                                    sunrealtype b) {
  if (a == b) return a == 1.0 ? LSUM_ADD : LSUM_SCALED_ADD;
  if (a == -b) return a == 1.0 ? LSUM_SUB : LSUM_SCALED_SUB;
  if (b == 1.0) return LSUM_AXPY;
  if (a == 1.0) return LSUM_XPBY;
  return LSUM_GENERAL;
}

/* z = a x + b y in the given case (muskx__lsum_case(a, b)) */
static inline __attribute__((always_inline)) void muskx__lsum_as(
    enum muskx__lsum_case c, sunindextype n, sunrealtype a,
    const sunrealtype *xd, sunrealtype b, const sunrealtype *yd,
    sunrealtype *zd) {
#define ADD(k) (xd[k] + yd[k])
#define SCALED_ADD(k) (a * (xd[k] + yd[k]))
#define SUB(k) (xd[k] - yd[k])
#define SCALED_SUB(k) (a * (xd[k] - yd[k]))
#define AXPY(k) (a * xd[k] + yd[k])
#define XPBY(k) (xd[k] + b * yd[k])
#define GENERAL(k) (a * xd[k] + b * yd[k])
  switch (c) {
    case LSUM_ADD: MUSKX__EACH(n, zd, ADD); break;
    case LSUM_SCALED_ADD: MUSKX__EACH(n, zd, SCALED_ADD); break;
    case LSUM_SUB: MUSKX__EACH(n, zd, SUB); break;
    case LSUM_SCALED_SUB: MUSKX__EACH(n, zd, SCALED_SUB); break;
    case LSUM_AXPY: MUSKX__EACH(n, zd, AXPY); break;
    case LSUM_XPBY: MUSKX__EACH(n, zd, XPBY); break;
    default: MUSKX__EACH(n, zd, GENERAL); break;
  }
#undef ADD
#undef SCALED_ADD
#undef SUB
#undef SCALED_SUB
#undef AXPY
#undef XPBY
#undef GENERAL
}

#endif
