/*
 * test_sunlinsol_klu_fast.c -- the library's KLU solver
 * (lib/sunlinsol_klu_fast.c) gives SUNDIALS' own SUNLinSol_KLU's
 * solutions bit for bit: across reinitialisations with the same pattern
 * (the analysis kept), after a pattern change (analysed again), through
 * refactorisations and nearly singular matrices; and the solutions solve
 * the systems (residual against the matrix itself).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "sim.h"
#include "testutil.h"

#define N 40

static double urand(void) { return rand() / (double)RAND_MAX; }

/* A random CSC pattern (seeded) with every diagonal entry; values from
   the current rand() state; tiny: one small diagonal (pivoting, rcond). */
static void fill(SUNMatrix A, unsigned pattern_seed, int tiny) {
  unsigned saved = (unsigned)rand();
  srand(pattern_seed);
  char on[N][N];
  /* pattern 1 irreducible, 2 block triangular: singletons, blocks of
     several columns and off-diagonal blocks (KLU's BTF paths) */
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++)
      on[i][j] = i == j || (pattern_seed == 2 ? (i < j && rand() % 6 == 0) ||
                                                    (i == j + 1 && j % 5 != 4)
                                              : rand() % 7 == 0);
  srand(saved);
  sunindextype *cp = SM_INDEXPTRS_S(A), *ri = SM_INDEXVALS_S(A);
  sunrealtype *x = SM_DATA_S(A);
  sunindextype nz = 0;
  for (int j = 0; j < N; j++) {
    cp[j] = nz;
    for (int i = 0; i < N; i++) {
      if (!on[i][j]) continue;
      ri[nz] = i;
      x[nz++] = i == j ? (tiny && j == 7 ? 1e-14 : 1 + 3 * urand())
                       : (urand() - 0.5) * (1 + rand() % 30);
    }
  }
  cp[N] = nz;
}

static void copy_matrix(SUNMatrix from, SUNMatrix to) {
  memcpy(SM_INDEXPTRS_S(to), SM_INDEXPTRS_S(from),
         (N + 1) * sizeof(sunindextype));
  memcpy(SM_INDEXVALS_S(to), SM_INDEXVALS_S(from),
         (size_t)SM_NNZ_S(from) * sizeof(sunindextype));
  memcpy(SM_DATA_S(to), SM_DATA_S(from),
         (size_t)SM_NNZ_S(from) * sizeof(sunrealtype));
}

/* |A x - b| within round-off of |A| |x| + |b|, entry by entry */
static void solves(SUNMatrix A, const double *x, const double *b) {
  double r[N], scale[N];
  for (int i = 0; i < N; i++) {
    r[i] = -b[i];
    scale[i] = fabs(b[i]);
  }
  const sunindextype *cp = SM_INDEXPTRS_S(A), *ri = SM_INDEXVALS_S(A);
  const sunrealtype *a = SM_DATA_S(A);
  for (int j = 0; j < N; j++)
    for (sunindextype k = cp[j]; k < cp[j + 1]; k++) {
      r[ri[k]] += a[k] * x[j];
      scale[ri[k]] += fabs(a[k] * x[j]);
    }
  for (int i = 0; i < N; i++) ck_assert(fabs(r[i]) <= 1e-9 * scale[i]);
}

START_TEST(same_solutions_as_sundials_klu) {
  SUNContext ctx;
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  N_Vector y = N_VNew_Serial(N, ctx), xf = N_VClone(y), xs = N_VClone(y),
           b = N_VClone(y);
  SUNMatrix Af = muskx__sparse_matrix_new(N, N, N * N, CSC_MAT, ctx);
  SUNMatrix As = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
  SUNLinearSolver f = muskx__klu_ls_new(y, Af, ctx);
  SUNLinearSolver s = SUNLinSol_KLU(y, As, ctx);
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(SUNLinSol_KLUSetOrdering(f, 0), SUNLS_SUCCESS);
  ck_assert_int_eq(SUNLinSol_KLUSetOrdering(s, 0), SUNLS_SUCCESS);
  srand(11);
  /* restarts 0-3 keep pattern 1, 4-5 switch to pattern 2, 6 back to 1 */
  const unsigned patterns[] = {1, 1, 1, 1, 2, 2, 1};
  int solved = 0;
  for (int restart = 0; restart < 7; restart++) {
    ck_assert_int_eq(SUNLinSolInitialize(f), SUNLS_SUCCESS);
    ck_assert_int_eq(SUNLinSolInitialize(s), SUNLS_SUCCESS);
    for (int step = 0; step < 5; step++) {
      fill(As, patterns[restart], step == 3);
      copy_matrix(As, Af);
      int ff = SUNLinSolSetup(f, Af), fs = SUNLinSolSetup(s, As);
      ck_assert_int_eq(ff, fs);
      if (fs != SUNLS_SUCCESS) continue;
      double *bd = N_VGetArrayPointer(b);
      for (int i = 0; i < N; i++) bd[i] = (urand() - 0.5) * 10;
      ck_assert_int_eq(SUNLinSolSolve(f, Af, xf, b, 0), SUNLS_SUCCESS);
      ck_assert_int_eq(SUNLinSolSolve(s, As, xs, b, 0), SUNLS_SUCCESS);
      ck_assert(memcmp(N_VGetArrayPointer(xf), N_VGetArrayPointer(xs),
                       N * sizeof(double)) == 0);
      if (step != 3) solves(As, N_VGetArrayPointer(xs), bd);
      SuiteSparse_long nb = SUNLinSol_KLUGetSymbolic(s)->nblocks;
      if (patterns[restart] == 2) ck_assert(nb > 1 && nb < N - 4);
      solved++;
    }
  }
  ck_assert_int_ge(solved, 30);
  SUNLinSolFree(f);
  SUNLinSolFree(s);
  SUNMatDestroy(Af);
  SUNMatDestroy(As);
  N_VDestroy(y);
  N_VDestroy(xf);
  N_VDestroy(xs);
  N_VDestroy(b);
  SUNContext_Free(&ctx);
}
END_TEST

/* muskx__klu_ls_reuse (crewperf, ensembles): at a restart the factor of
   the run's last setup is refactored with the new values (the kept
   counter moves) and still solves the system; from scratch instead when
   the pattern changed, when rcond is below 1e-8 (a tiny pivot), when the
   last factor is an earlier run's (reuse off at the run's start), and
   when reuse was not asked for. */
START_TEST(kept_pivots_at_restarts) {
  SUNContext ctx;
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  N_Vector y = N_VNew_Serial(N, ctx), x = N_VClone(y), b = N_VClone(y);
  SUNMatrix A = muskx__sparse_matrix_new(N, N, N * N, CSC_MAT, ctx);
  SUNLinearSolver f = muskx__klu_ls_new(y, A, ctx);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(SUNLinSol_KLUSetOrdering(f, 0), SUNLS_SUCCESS);
  srand(5);
  /* {reuse asked (-1: a run starts), pattern, tiny pivot, kept after} */
  const int plan[][4] = {{-1, 1, 0, 0}, {1, 1, 0, 1}, {1, 1, 0, 2},
                         {1, 1, 1, 2}, {1, 1, 0, 3}, {0, 1, 0, 3},
                         {1, 2, 0, 3}, {1, 2, 0, 4}, {-1, 2, 0, 4},
                         {1, 2, 0, 5}};
  for (size_t r = 0; r < sizeof plan / sizeof plan[0]; r++) {
    if (plan[r][0] < 0) {
      muskx__klu_ls_reuse(f, 0); /* a run starts ... */
      ck_assert_int_eq(SUNLinSolInitialize(f), SUNLS_SUCCESS);
      muskx__klu_ls_reuse(f, 1); /* ... and asks at once: no factor yet */
    } else {
      ck_assert_int_eq(SUNLinSolInitialize(f), SUNLS_SUCCESS);
      muskx__klu_ls_reuse(f, plan[r][0]);
    }
    for (int step = 0; step < 3; step++) {
      fill(A, (unsigned)plan[r][1], step == 0 && plan[r][2]);
      ck_assert_int_eq(SUNLinSolSetup(f, A), SUNLS_SUCCESS);
      double *bd = N_VGetArrayPointer(b);
      for (int i = 0; i < N; i++) bd[i] = (urand() - 0.5) * 10;
      ck_assert_int_eq(SUNLinSolSolve(f, A, x, b, 0), SUNLS_SUCCESS);
      if (!(step == 0 && plan[r][2])) solves(A, N_VGetArrayPointer(x), bd);
    }
    ck_assert_msg(muskx__klu_ls_kept(f) == plan[r][3],
                  "restart %zu: %ld kept, expected %d", r,
                  muskx__klu_ls_kept(f), plan[r][3]);
  }
  SUNLinSolFree(f);
  SUNMatDestroy(A);
  N_VDestroy(y);
  N_VDestroy(x);
  N_VDestroy(b);
  SUNContext_Free(&ctx);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sunlinsol_klu_fast");
  TCase *tc = tcase_create("bit_identical");
  tcase_add_test(tc, same_solutions_as_sundials_klu);
  tcase_add_test(tc, kept_pivots_at_restarts);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
