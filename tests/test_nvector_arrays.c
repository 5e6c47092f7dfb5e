/*
 * test_nvector_arrays.c -- the library's vector-array operations
 * (lib/nvector_fast_arrays.c) give bit-identical results to SUNDIALS'
 * generic fallbacks, which loop over the per-vector operations: both the
 * library's own per-vector kernels (its vectors with the array operations
 * removed) and SUNDIALS' stock serial vectors. Coefficients 1, -1, 0,
 * a == b and a == -b (N_VLinearSum's special cases), and results written
 * in place (Z == Y, z == X[0]) as CVODES calls them; linear combinations
 * of 2-7 general terms (the one-pass form) with z a later term too. The
 * WRMS norms of an array too (SUNDIALS' stock norm to rounding only: the
 * library sums in partial sums).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#include "sim.h"
#include "testutil.h"

#define NV 6    /* vectors per array (sensitivities) */
#define NS 4    /* terms per sum */
#define NPOOL 40

enum { FAST, FALLBACK, STOCK, NKIND };

static SUNContext ctx;
static N_Vector pool[NKIND][NPOOL];
static int len;

static void make(int n) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  len = n;
  N_Vector f = muskx__nvector_new(n, ctx), b = muskx__nvector_new(n, ctx);
  N_Vector_Ops o = b->ops; /* the generic fallbacks over our kernels */
  o->nvlinearsumvectorarray = NULL;
  o->nvscaleaddmulti = NULL;
  o->nvscaleaddmultivectorarray = NULL;
  o->nvlinearcombination = NULL;
  o->nvlinearcombinationvectorarray = NULL;
  o->nvscalevectorarray = NULL;
  o->nvwrmsnormvectorarray = NULL;
  N_Vector s = N_VNew_Serial(n, ctx);
  ck_assert(f->ops->nvlinearsumvectorarray != NULL);
  ck_assert(s->ops->nvlinearsumvectorarray == NULL); /* fused ops off */
  for (int i = 0; i < NPOOL; i++) {
    pool[FAST][i] = N_VClone(f);
    pool[FALLBACK][i] = N_VClone(b);
    pool[STOCK][i] = N_VClone(s);
  }
  ck_assert(pool[FAST][0]->ops->nvscaleaddmulti != NULL);
  ck_assert(pool[FALLBACK][0]->ops->nvscaleaddmulti == NULL);
  N_VDestroy(f);
  N_VDestroy(b);
  N_VDestroy(s);
}

static void unmake(void) {
  for (int k = 0; k < NKIND; k++)
    for (int i = 0; i < NPOOL; i++) N_VDestroy(pool[k][i]);
  SUNContext_Free(&ctx);
}

static int zeros; /* put exact zeros in (x - x cases) */

/* The test's own pseudo-random numbers, 0 .. 2^31 - 1 (xorshift32; not
   rand(), whose lock and calls were a fifth of the run under valgrind). */
static uint32_t rng;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng >> 1;
}

static void fill(unsigned seed) {
  rng = 2463534242u ^ (seed * 2654435761u);
  if (rng == 0) rng = 1;
  for (int i = 0; i < NPOOL; i++)
    for (int e = 0; e < len; e++) {
      double v = (next_rand() / (double)INT32_MAX - 0.4) * 1e3 / (1 + next_rand() % 97);
      if (zeros && next_rand() % 11 == 0) v = 0; /* signed-zero cases */
      for (int k = 0; k < NKIND; k++) NV_Ith_S(pool[k][i], e) = v;
    }
}

/* Every vector of every kind equal to the first kind's, bit for bit
   (TU_CHECK_MSG: half a million checks, recorded only when one fails). */
static void all_same(void) {
  for (int i = 0; i < NPOOL; i++)
    for (int k = 1; k < (zeros ? STOCK : NKIND); k++)
      TU_CHECK_MSG(memcmp(NV_DATA_S(pool[0][i]), NV_DATA_S(pool[k][i]),
                          (size_t)len * sizeof(double)) == 0,
                   "vector %d differs (kind %d, length %d)", i, k, len);
}

/* pool indices: X 0..5, Y 6..11, Z 12..17, more sums from 18 */
static void run_all(int n) {
  make(n);
  static const double ab[][2] = {{1, 1},   {1, -1},  {-1, 1},  {0.37, 1},
                                 {-2.5, 1}, {0.37, 0.37}, {0.37, -0.37},
                                 {0, 0},   {0, 1},   {-1, -1}, {1.5, -0.25}};
  for (size_t q = 0; q < sizeof ab / sizeof *ab; q++) {
    double a = ab[q][0], b = ab[q][1];
    for (int inplace = 0; inplace < 2; inplace++) {
      fill(31u * (unsigned)q + (unsigned)inplace + (unsigned)n);
      for (int k = 0; k < NKIND; k++) {
        N_Vector *P = pool[k];
        N_VLinearSumVectorArray(NV, a, P, b, P + NV, inplace ? P + NV : P + 12);
      }
      all_same();
      /* scale-add-multi: coefficients a, b, 1, -1 */
      double c[NS] = {a, b, 1, -1};
      fill(77u * (unsigned)q + (unsigned)inplace);
      for (int k = 0; k < NKIND; k++) {
        N_Vector *P = pool[k];
        N_Vector *Y = P + 6, *Z = inplace ? P + 6 : P + 12;
        N_VScaleAddMulti(NS, c, P[0], Y, Z);
        N_Vector *Yj[NS], *Zj[NS]; /* nsum arrays of 2 vectors each */
        for (int j = 0; j < NS; j++) {
          Yj[j] = P + 18 + 2 * j;
          Zj[j] = inplace ? Yj[j] : P + 30 + 2 * j;
        }
        N_VScaleAddMultiVectorArray(2, NS, c, P, Yj, Zj);
      }
      all_same();
      /* linear combinations, z == X[0] with c[0] == 1 as CVODES does */
      fill(91u * (unsigned)q + (unsigned)inplace);
      for (int k = 0; k < NKIND; k++) {
        N_Vector *P = pool[k];
        N_Vector X[NS] = {P[0], P[1], P[2], P[3]};
        N_VLinearCombination(NS, c, X, inplace ? P[0] : P[12]);
        N_Vector *XA[NS] = {P + 20, P + 26, P + 32, P + 4};
        N_VLinearCombinationVectorArray(2, NS, c, XA, inplace ? P + 20 : P + 14);
        double s[NV] = {a, b, 1, -1, 0, 0.5};
        N_VScaleVectorArray(NV, s, P + 6, inplace ? P + 6 : P + 12);
      }
      all_same();
      /* one-pass combinations: 2..7 terms of general coefficients and a
         last 1 (CVODE's interpolation, s^q, ..., s, 1), z == X[0], with
         exact zeros too, and z among the later
         terms (which must take the passes); q's pair among them, so the
         +-1 cases fall back too */
      for (int nsum = 2; nsum <= 7; nsum++)
        for (int alias = 0; alias < 3; alias++) {
          fill(13u * (unsigned)q + 5u * (unsigned)nsum + (unsigned)alias);
          double cs[7] = {0.37, 0.1369, -0.050653, 0.0187, -2.5, 1e-3, 1};
          cs[nsum - 1] = 1; /* CVodeGetDky's last coefficient */
          /* (not with z a term: z - z is +0 in SUNDIALS' axpy, -1 (z - z)
             = -0 in the library's kernels, the sign of zero noted below) */
          if (inplace && alias != 2) cs[nsum - 1] = a, cs[nsum > 2 ? 1 : 0] = b;
          for (int k = 0; k < NKIND; k++) {
            N_Vector *P = pool[k];
            N_Vector X[7] = {P[0], P[1], P[2], P[3], P[4], P[5], P[6]};
            N_Vector z = alias == 0 ? P[12] : alias == 1 ? P[0] : P[nsum - 1];
            N_VLinearCombination(nsum, cs, X, z);
          }
          all_same();
        }
    }
  }
  /* WRMS norms of an array */
  fill(5);
  double nrm[NKIND][NV];
  for (int k = 0; k < NKIND; k++)
    N_VWrmsNormVectorArray(NV, pool[k], pool[k] + NV, nrm[k]);
  ck_assert(memcmp(nrm[FAST], nrm[FALLBACK], sizeof nrm[0]) == 0);
  /* SUNDIALS' norm sums sequentially, the library's in partial sums
     (nvector_fast.c; test_nvector.c holds both to a long double sum):
     equal to rounding */
  for (int i = 0; i < NV; i++)
    ck_assert(fabs(nrm[STOCK][i] - nrm[FAST][i]) <=
              (len + 6) * DBL_EPSILON * nrm[FAST][i]);
  unmake();
}

START_TEST(array_operations_match_the_fallbacks) {
  /* with exact zeros only against the library's own per-vector kernels:
     those give a (x - y) = -0 where SUNDIALS' N_VLinearSum gives y - x =
     +0 (a = -1, b = 1, x == y), a sign of zero the array operations
     inherit, not introduce */
  for (zeros = 0; zeros < 2; zeros++) {
    run_all(8);  /* Boehm's state count */
    for (int n = 2; n <= 7; n++) run_all(n); /* each remainder of the
                                                blocks of four */
    run_all(37); /* a longer, odd length */
    run_all(1);
  }
}
END_TEST

/* muskx__nvector_new_sampled (crewperf): its linear combination writes
   the sampled elements only, each with the full operation's bits, leaves
   the others as they were, takes the full operation where that has no
   one-pass form (a later coefficient -1, z among the terms, 1 or 7
   terms), and its clones are plain vectors. */
START_TEST(sampled_linear_combination) {
  SUNContext cx;
  ck_assert_int_eq(SUNContext_Create(NULL, &cx), 0);
  enum { N = 23, T = 7 };
  const int32_t idx[] = {0, 4, 5, 13, 22};
  const int nidx = (int)(sizeof idx / sizeof idx[0]);
  int32_t bad = N;
  ck_assert_ptr_null(muskx__nvector_new_sampled(N, cx, &bad, 1));
  N_Vector z = muskx__nvector_new_sampled(N, cx, idx, nidx);
  N_Vector full = muskx__nvector_new(N, cx), X[T];
  ck_assert_ptr_nonnull(z);
  for (int j = 0; j < T; j++) {
    X[j] = muskx__nvector_new(N, cx);
    for (int i = 0; i < N; i++)
      NV_Ith_S(X[j], i) = sin(1.0 + 0.37 * i + 1.9 * j) * pow(10, j % 3);
  }
  for (int i = 0; i < N; i++) NV_Ith_S(z, i) = 0.0;
  for (int nsum = 1; nsum <= T; nsum++)
    for (int minus = 0; minus < 2; minus++) {
      double c[T];
      for (int j = 0; j < T; j++) c[j] = 0.3 - 0.21 * j;
      if (minus && nsum > 1) c[nsum - 1] = -1.0;
      for (int i = 0; i < N; i++) NV_Ith_S(z, i) = -7.5; /* a marker */
      ck_assert_int_eq(N_VLinearCombination(nsum, c, X, z), 0);
      ck_assert_int_eq(N_VLinearCombination(nsum, c, X, full), 0);
      int one_pass = nsum >= 2 && nsum <= 6 && !minus;
      for (int i = 0, m = 0; i < N; i++) {
        int in = m < nidx && idx[m] == i;
        m += in;
        double a = NV_Ith_S(z, i), b = NV_Ith_S(full, i);
        if (in || !one_pass)
          ck_assert_msg(memcmp(&a, &b, sizeof a) == 0,
                        "nsum %d minus %d element %d: %.17g vs %.17g", nsum,
                        minus, i, a, b);
        else
          ck_assert_double_eq(a, -7.5);
      }
    }
  /* z among the terms: the full operation, in place */
  N_Vector Xz[3] = {X[0], z, X[2]};
  double c3[3] = {0.5, 2.0, -0.25};
  for (int i = 0; i < N; i++) NV_Ith_S(z, i) = NV_Ith_S(full, i) = 0.1 * i;
  N_Vector Xf[3] = {X[0], full, X[2]};
  ck_assert_int_eq(N_VLinearCombination(3, c3, Xz, z), 0);
  ck_assert_int_eq(N_VLinearCombination(3, c3, Xf, full), 0);
  ck_assert(memcmp(NV_DATA_S(z), NV_DATA_S(full), N * sizeof(double)) == 0);
  /* a clone is a plain vector: every element */
  N_Vector w = N_VClone(z);
  ck_assert_ptr_nonnull(w);
  for (int i = 0; i < N; i++) NV_Ith_S(w, i) = -7.5;
  double c4[4] = {0.5, 0.25, 2.0, 0.125};
  ck_assert_int_eq(N_VLinearCombination(4, c4, X, w), 0);
  ck_assert_int_eq(N_VLinearCombination(4, c4, X, full), 0);
  ck_assert(memcmp(NV_DATA_S(w), NV_DATA_S(full), N * sizeof(double)) == 0);
  N_VDestroy(w);
  for (int j = 0; j < T; j++) N_VDestroy(X[j]);
  N_VDestroy(full);
  N_VDestroy(z);
  SUNContext_Free(&cx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("nvector_arrays");
  TCase *tc = tcase_create("kernels");
  tcase_add_test(tc, array_operations_match_the_fallbacks);
  tcase_add_test(tc, sampled_linear_combination);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
