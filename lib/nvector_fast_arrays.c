/*
 * nvector_fast_arrays.c -- the vector-array operations CVODES calls on
 * the sensitivity vectors (N_VLinearSumVectorArray, N_VScaleAddMulti...,
 * N_VLinearCombination...), as single calls compiled with the library's
 * flags, for the vectors of nvector_fast.c.
 *
 * Why: a serial vector of Debian's SUNDIALS 6.4.1 has no fused operations
 * enabled, so SUNDIALS' generic N_V*VectorArray loop over the vectors and
 * call N_VLinearSum (through its dispatcher) once per vector and term; on
 * a forward-sensitivity run of the Boehm_JProteomeRes2014 PEtab problem
 * (8 states, 6 sensitivities) these calls of 8-element loops were about a
 * third of all instructions (callgrind: nvector_fast.c's linear_sum alone
 * 21 %, called 4 million times for 62 runs).
 *
 * Each operation does what SUNDIALS' generic fallback does, vector by
 * vector and term by term in the same order, with the element loops of
 * nvector_fast.c's linear_sum and scale (nvector_block.h: same special
 * cases, a == b gives a (x + y), a == -b gives a (x - y); N_VLinearSum's
 * case chosen once for a whole array), so every result is bit-identical
 * to the run without them (tests/test_nvector_arrays.c compares both
 * paths).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nvector/nvector_serial.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-vectorize")
#endif

#include "nvector_block.h"
#include "sim.h"
#include "wide.h"

#define DATA(v) NV_DATA_S(v)
#define LEN(v) NV_LENGTH_S(v)

/* z = a x + b y with N_VLinearSum's cases (nvector_block.h) */
static inline __attribute__((always_inline)) void lsum(
    sunindextype n, sunrealtype a, const sunrealtype *xd, sunrealtype b,
    const sunrealtype *yd, sunrealtype *zd) {
  muskx__lsum_as(muskx__lsum_case(a, b), n, a, xd, b, yd, zd);
}

/* Z[i] = a X[i] + b Y[i]: one case for all vectors */
WIDE static int linear_sum_array(int nvec, sunrealtype a, N_Vector *X,
                                 sunrealtype b, N_Vector *Y, N_Vector *Z) {
  enum muskx__lsum_case c = muskx__lsum_case(a, b);
  for (int i = 0; i < nvec; i++)
    muskx__lsum_as(c, LEN(X[i]), a, DATA(X[i]), b, DATA(Y[i]), DATA(Z[i]));
  return 0;
}

/* Z[j] = a[j] x + Y[j] (the fallback: N_VLinearSum(a[j], x, 1, Y[j], Z[j])) */
WIDE static int scale_add_multi(int nsum, sunrealtype *a, N_Vector x,
                                N_Vector *Y, N_Vector *Z) {
  for (int j = 0; j < nsum; j++)
    lsum(LEN(x), a[j], DATA(x), 1.0, DATA(Y[j]), DATA(Z[j]));
  return 0;
}

/* Z[j][i] = a[j] X[i] + Y[j][i] */
WIDE static int scale_add_multi_array(int nvec, int nsum, sunrealtype *a,
                                      N_Vector *X, N_Vector **Y,
                                      N_Vector **Z) {
  for (int i = 0; i < nvec; i++)
    for (int j = 0; j < nsum; j++)
      lsum(LEN(X[i]), a[j], DATA(X[i]), 1.0, DATA(Y[j][i]), DATA(Z[j][i]));
  return 0;
}

/* One pass of combine's sum when no c[j], j >= 1, is -1 and no X[j],
   j >= 1, is z's array: each element then goes through the same
   operations in the same order as in the passes, z = c[j] x[j] +
   (... + c[0] x[0]), kept in a register. lsum's general case is
   c x + 1.0 z, and 1.0 z is z; its case c == 1 is 1 (x + z), the same
   number as 1 x + z. (c == -1 gives -(x - z), which differs from
   -x + z in the sign of a zero.) CVODE's interpolation to output times
   (CVodeGetDky: s^q, ..., s, 1, up to 6 terms) is the caller that
   matters. */
#define TERM(j) z = c##j * x##j[k] + z
#define ONE_PASS(terms)                                     \
  for (sunindextype k = 0; k < n; k++) {                    \
    sunrealtype z = c0 * x0[k];                             \
    terms;                                                  \
    zd[k] = z;                                              \
  }
WIDE static void combine_one_pass(int nsum, const sunrealtype *c,
                                  const sunrealtype *const *x,
                                  sunindextype n, sunrealtype *zd) {
  const sunrealtype c0 = c[0], c1 = c[1], *x0 = x[0], *x1 = x[1];
  const sunrealtype c2 = nsum > 2 ? c[2] : 0, *x2 = nsum > 2 ? x[2] : NULL;
  const sunrealtype c3 = nsum > 3 ? c[3] : 0, *x3 = nsum > 3 ? x[3] : NULL;
  const sunrealtype c4 = nsum > 4 ? c[4] : 0, *x4 = nsum > 4 ? x[4] : NULL;
  const sunrealtype c5 = nsum > 5 ? c[5] : 0, *x5 = nsum > 5 ? x[5] : NULL;
  switch (nsum) {
    case 2: ONE_PASS(TERM(1)); break;
    case 3: ONE_PASS(TERM(1); TERM(2)); break;
    case 4: ONE_PASS(TERM(1); TERM(2); TERM(3)); break;
    case 5: ONE_PASS(TERM(1); TERM(2); TERM(3); TERM(4)); break;
    default: ONE_PASS(TERM(1); TERM(2); TERM(3); TERM(4); TERM(5)); break;
  }
}
#undef ONE_PASS
#undef TERM

/* z = c[0] X[0], then z = c[j] X[j] + z for j = 1 .. (the fallback:
   N_VScale, then N_VLinearSum(c[j], X[j], 1, z, z)) */
WIDE static void combine_passes(int nsum, const sunrealtype *c, N_Vector *X,
                                N_Vector *const *XX, int i, N_Vector z) {
  sunindextype n = LEN(z);
  sunrealtype *zd = DATA(z);
  N_Vector x0 = XX ? XX[0][i] : X[0]; /* (NV_DATA_S does not parenthesise) */
  const sunrealtype *x0d = DATA(x0);
#define E(k) (c[0] * x0d[k])
  MUSKX__EACH(n, zd, E);
#undef E
  for (int j = 1; j < nsum; j++) {
    N_Vector xj = XX ? XX[j][i] : X[j];
    lsum(n, c[j], DATA(xj), 1.0, zd, zd);
  }
}

static void combine(int nsum, const sunrealtype *c, N_Vector *X,
                    N_Vector *const *XX, int i, N_Vector z) {
  enum { MAX_ONE_PASS = 6 };
  const sunrealtype *x[MAX_ONE_PASS];
  sunrealtype *zd = DATA(z);
  int one_pass = nsum >= 2 && nsum <= MAX_ONE_PASS;
  for (int j = 0; j < nsum && one_pass; j++) {
    N_Vector xj = XX ? XX[j][i] : X[j];
    x[j] = DATA(xj);
    if (j > 0 && (c[j] == -1.0 || x[j] == zd)) one_pass = 0;
  }
  if (one_pass)
    combine_one_pass(nsum, c, x, LEN(z), zd);
  else
    combine_passes(nsum, c, X, XX, i, z);
}

static int linear_combination(int nsum, sunrealtype *c, N_Vector *X,
                              N_Vector z) {
  combine(nsum, c, X, NULL, 0, z);
  return 0;
}

/* Z[i] = sum_j c[j] X[j][i] */
static int linear_combination_array(int nvec, int nsum, sunrealtype *c,
                                    N_Vector **X, N_Vector *Z) {
  for (int i = 0; i < nvec; i++) combine(nsum, c, NULL, X, i, Z[i]);
  return 0;
}

/* Z[i] = c[i] X[i] */
WIDE static int scale_array(int nvec, sunrealtype *c, N_Vector *X, N_Vector *Z) {
  for (int i = 0; i < nvec; i++) {
    const sunrealtype *xd = DATA(X[i]);
    sunrealtype *zd = DATA(Z[i]);
    sunindextype n = LEN(X[i]);
#define E(k) (c[i] * xd[k])
    MUSKX__EACH(n, zd, E);
#undef E
  }
  return 0;
}

/* nrm[i] = the WRMS norm of X[i] with weights W[i] (nvector_fast.c's) */
static int wrms_norm_array(int nvec, N_Vector *X, N_Vector *W,
                           sunrealtype *nrm) {
  for (int i = 0; i < nvec; i++) nrm[i] = X[i]->ops->nvwrmsnorm(X[i], W[i]);
  return 0;
}

/* muskx__nvector_new_sampled's content: SUNDIALS' serial content first,
   so that its functions (and N_VDestroy's free()) read it as theirs. */
typedef struct {
  struct _N_VectorContent_Serial serial;
  int32_t nidx;
  int32_t idx[];
} sampled_content;

/* z = sum_j c[j] X[j] on the sampled elements of z only, by
   combine_one_pass's operations in its order; the full operation when
   combine would not take the one pass. */
static int linear_combination_sampled(int nsum, sunrealtype *c, N_Vector *X,
                                      N_Vector z) {
  enum { MAX_ONE_PASS = 6 };
  const sampled_content *sc = z->content;
  sunrealtype *zd = DATA(z);
  const sunrealtype *x[MAX_ONE_PASS];
  if (nsum < 2 || nsum > MAX_ONE_PASS) return linear_combination(nsum, c, X, z);
  for (int j = 0; j < nsum; j++) {
    x[j] = DATA(X[j]);
    if (j > 0 && (c[j] == -1.0 || x[j] == zd))
      return linear_combination(nsum, c, X, z);
  }
  const sunrealtype c0 = c[0], c1 = c[1], *x0 = x[0], *x1 = x[1];
  const sunrealtype c2 = nsum > 2 ? c[2] : 0, *x2 = nsum > 2 ? x[2] : NULL;
  const sunrealtype c3 = nsum > 3 ? c[3] : 0, *x3 = nsum > 3 ? x[3] : NULL;
  const sunrealtype c4 = nsum > 4 ? c[4] : 0, *x4 = nsum > 4 ? x[4] : NULL;
  const sunrealtype c5 = nsum > 5 ? c[5] : 0, *x5 = nsum > 5 ? x[5] : NULL;
  const int32_t *idx = sc->idx, nidx = sc->nidx;
#define TERM(j) z = c##j * x##j[k] + z
#define SAMPLED_PASS(terms)                                 \
  for (int32_t m = 0; m < nidx; m++) {                      \
    int32_t k = idx[m];                                     \
    sunrealtype z = c0 * x0[k];                             \
    terms;                                                  \
    zd[k] = z;                                              \
  }
  switch (nsum) {
    case 2: SAMPLED_PASS(TERM(1)); break;
    case 3: SAMPLED_PASS(TERM(1); TERM(2)); break;
    case 4: SAMPLED_PASS(TERM(1); TERM(2); TERM(3)); break;
    case 5: SAMPLED_PASS(TERM(1); TERM(2); TERM(3); TERM(4)); break;
    default: SAMPLED_PASS(TERM(1); TERM(2); TERM(3); TERM(4); TERM(5)); break;
  }
#undef SAMPLED_PASS
#undef TERM
  return 0;
}

static N_Vector clone_plain(N_Vector w) {
  return muskx__nvector_new((int)LEN(w), w->sunctx);
}

N_Vector muskx__nvector_new_sampled(int n, SUNContext ctx, const int32_t *idx,
                                    int32_t nidx) {
  N_Vector v = muskx__nvector_new(n, ctx);
  if (v == NULL) return NULL;
  for (int32_t m = 0; m < nidx; m++)
    if (idx[m] < 0 || idx[m] >= n) {
      N_VDestroy(v);
      return NULL;
    }
  /* malloc, not muskx__alloc: N_VDestroy frees the content with free() */
  sampled_content *sc =
      malloc(sizeof *sc + (size_t)(nidx > 0 ? nidx : 1) * sizeof sc->idx[0]);
  if (sc == NULL) {
    N_VDestroy(v);
    return NULL;
  }
  sc->serial = *(N_VectorContent_Serial)v->content;
  sc->nidx = nidx;
  if (nidx > 0) memcpy(sc->idx, idx, (size_t)nidx * sizeof *idx);
  free(v->content);
  v->content = sc;
  v->ops->nvlinearcombination = linear_combination_sampled;
  v->ops->nvclone = clone_plain;
  N_VConst(0.0, v);
  return v;
}

void muskx__nvector_fast_arrays(N_Vector v) {
  N_Vector_Ops o = v->ops;
  o->nvlinearsumvectorarray = linear_sum_array;
  o->nvscaleaddmulti = scale_add_multi;
  o->nvscaleaddmultivectorarray = scale_add_multi_array;
  o->nvlinearcombination = linear_combination;
  o->nvlinearcombinationvectorarray = linear_combination_array;
  o->nvscalevectorarray = scale_array;
  o->nvwrmsnormvectorarray = wrms_norm_array;
}
