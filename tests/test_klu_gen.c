/*
 * test_klu_gen.c -- KLU's solve as generated code (lib/klu_gen.c and its
 * use in lib/sunlinsol_klu_fast.c) gives klu_l_solve's solutions bit for
 * bit on random sparse matrices with block triangular form, row scaling
 * and pivoting, also after refactorisations with new values; the
 * generated refactorisation gives klu_l_refactor's factor bit for bit,
 * also inside SUNDIALS' solver; a factor of
 * another structure (other pivots, other pattern) is refused and solved
 * by KLU, as is a factor too large to compile; the solutions solve the
 * systems (residual against the matrix).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "klu_gen.h"
#include "sim.h"
#include "vm_native.h"
#include "testutil.h"

#define N 40

static double urand(void) { return rand() / (double)RAND_MAX; }

typedef struct {
  SuiteSparse_long p[N + 1], i[N * N];
  double x[N * N];
} csc;

/* A random pattern (seeded) with every diagonal entry: btf 1 gives
   singletons, blocks of several columns and off-diagonal blocks. Values
   from the current rand() state; tiny: a small diagonal (1e-6) in every
   even column, so KLU pivots off the diagonal in some. */
static void fill(csc *A, unsigned pattern_seed, int btf, int tiny) {
  unsigned saved = (unsigned)rand();
  srand(pattern_seed);
  char on[N][N];
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++)
      on[i][j] = i == j || (btf ? (i < j && rand() % 6 == 0) ||
                                      (i == j + 1 && j % 5 != 4) ||
                                      (i + 1 == j && j % 5 != 0)
                                : rand() % 7 == 0);
  srand(saved);
  SuiteSparse_long nz = 0;
  for (int j = 0; j < N; j++) {
    A->p[j] = nz;
    for (int i = 0; i < N; i++) {
      if (!on[i][j]) continue;
      A->i[nz] = i;
      A->x[nz++] = i == j ? (tiny && j % 2 == 0 ? 1e-6
                                                         : 1 + 3 * urand())
                          : (urand() - 0.5) * (1 + rand() % 30);
    }
  }
  A->p[N] = nz;
}

/* |A x - b| small against |A| |x| + |b|, entry by entry (1e-6: the
   pivots of a refactorisation were chosen for other values, so the
   growth may be large; a wrong solve misses by O(1)) */
static void solves(const csc *A, const double *x, const double *b) {
  double r[N], scale[N];
  for (int i = 0; i < N; i++) {
    r[i] = -b[i];
    scale[i] = fabs(b[i]);
  }
  for (int j = 0; j < N; j++)
    for (SuiteSparse_long k = A->p[j]; k < A->p[j + 1]; k++) {
      r[A->i[k]] += A->x[k] * x[j];
      scale[A->i[k]] += fabs(A->x[k] * x[j]);
    }
  for (int i = 0; i < N; i++) ck_assert(fabs(r[i]) <= 1e-6 * scale[i]);
}

/* klu_l_solve and the generated fn on the same b: the same bits, and a
   solution of A x = b. */
static void same_as_klu(const csc *A, klu_l_symbolic *S, klu_l_numeric *F,
                        klu_l_common *c, muskx__klu_solve_fn fn) {
  double b[N], xk[N], xg[N];
  for (int i = 0; i < N; i++) b[i] = xk[i] = xg[i] = (urand() - 0.5) * 10;
  ck_assert_int_eq((int)klu_l_solve(S, F, N, 1, xk, c), 1);
  fn(F->LUbx, F->Udiag, F->Offx, F->Rs, xg);
  ck_assert(memcmp(xk, xg, sizeof xk) == 0);
  solves(A, xg, b);
}

/* scale: KLU's row scaling (0 none, 1 sum, 2 max); btf: block form */
static void random_case(unsigned seed, int scale, int btf) {
  char dir[] = "/tmp/muskx-test-klugen-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  muskx__klu_gen *g = muskx__klu_gen_new("cc", dir, 60000);
  ck_assert_ptr_nonnull(g);
  klu_l_common c;
  klu_l_defaults(&c);
  c.scale = scale;
  c.btf = btf;
  static csc A;
  srand(seed);
  fill(&A, seed, btf, 1);
  klu_l_symbolic *S = klu_l_analyze(N, A.p, A.i, &c);
  ck_assert_ptr_nonnull(S);
  if (btf) ck_assert(S->nblocks > 3 && S->nblocks < N - 4);
  klu_l_numeric *F = klu_l_factor(A.p, A.i, A.x, S, &c);
  ck_assert_ptr_nonnull(F);
  ck_assert_int_gt((int)c.noffdiag, 0); /* pivots off the diagonal */
  /* a twin factor, refactored by the generated code */
  klu_l_numeric *T = klu_l_factor(A.p, A.i, A.x, S, &c);
  ck_assert_ptr_nonnull(T);
  muskx__klu_refactor_fn re = NULL;
  muskx__klu_solve_fn fn = muskx__klu_gen_match(g, S, F, A.p, A.i, scale, &re);
  ck_assert(fn != NULL && re != NULL);
  for (int k = 0; k < 3; k++) same_as_klu(&A, S, F, &c, fn);
  /* new values, same pivots: a refactorisation keeps the code valid, and
     the generated one gives KLU's factor bit for bit */
  for (int r = 0; r < 3; r++) {
    fill(&A, seed, btf, 1);
    ck_assert_int_eq((int)klu_l_refactor(A.p, A.i, A.x, S, F, &c), 1);
    ck_assert_int_eq(re(A.x, T->LUbx, T->Udiag, T->Offx, T->Rs), 1);
    ck_assert(memcmp(F->Udiag, T->Udiag, N * sizeof(double)) == 0);
    ck_assert(memcmp(F->Offx, T->Offx, (size_t)F->nzoff * sizeof(double)) ==
              0);
    if (scale > 0) ck_assert(memcmp(F->Rs, T->Rs, N * sizeof(double)) == 0);
    for (SuiteSparse_long b = 0; b < S->nblocks; b++)
      if (S->R[b + 1] - S->R[b] > 1)
        ck_assert(memcmp(F->LUbx[b], T->LUbx[b],
                         F->LUsize[b] * sizeof(double)) == 0);
    ck_assert(muskx__klu_gen_match(g, S, F, A.p, A.i, scale, NULL) == fn);
    same_as_klu(&A, S, F, &c, fn);
    same_as_klu(&A, S, T, &c, fn);
  }
  klu_l_free_numeric(&T, &c);
  /* factored afresh without the tiny pivots: other pivots, refused */
  fill(&A, seed, btf, 0);
  klu_l_free_numeric(&F, &c);
  F = klu_l_factor(A.p, A.i, A.x, S, &c);
  ck_assert_ptr_nonnull(F);
  ck_assert(muskx__klu_gen_match(g, S, F, A.p, A.i, scale, NULL) == NULL);
  klu_l_free_numeric(&F, &c);
  klu_l_free_symbolic(&S, &c);
  muskx__klu_gen_free(g);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}

START_TEST(random_block_triangular_factors_solve_as_klu) {
  random_case(3, 2, 1);
  random_case(5, 1, 1);
  random_case(8, 0, 1);
}
END_TEST

START_TEST(random_irreducible_factors_solve_as_klu) {
  random_case(4, 2, 0);
}
END_TEST

/* ----------------------------------------------- in SUNDIALS' solver */

static void to_sun(const csc *A, SUNMatrix M) {
  for (int j = 0; j <= N; j++) SM_INDEXPTRS_S(M)[j] = A->p[j];
  for (SuiteSparse_long k = 0; k < A->p[N]; k++) {
    SM_INDEXVALS_S(M)[k] = A->i[k];
    SM_DATA_S(M)[k] = A->x[k];
  }
}

/* Restarts whose first factor has the compiled pivots (tiny diagonals)
   or others: the library's solver with generated code gives SUNDIALS'
   own KLU bits throughout, and uses the code only for the former. */
START_TEST(the_solver_uses_the_code_for_its_structure_only) {
  char dir[] = "/tmp/muskx-test-klugen-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  muskx__klu_gen *g = muskx__klu_gen_new("cc", dir, 60000);
  SUNContext ctx;
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  N_Vector y = N_VNew_Serial(N, ctx), xf = N_VClone(y), xs = N_VClone(y),
           b = N_VClone(y);
  SUNMatrix Af = muskx__sparse_matrix_new(N, N, N * N, CSC_MAT, ctx);
  SUNMatrix As = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
  SUNLinearSolver f = muskx__klu_ls_new(y, Af, ctx);
  SUNLinearSolver s = SUNLinSol_KLU(y, As, ctx);
  ck_assert(g != NULL && f != NULL && s != NULL);
  muskx__klu_ls_set_gen(f, g);
  ck_assert_int_eq(SUNLinSol_KLUSetOrdering(f, 0), SUNLS_SUCCESS);
  ck_assert_int_eq(SUNLinSol_KLUSetOrdering(s, 0), SUNLS_SUCCESS);
  static csc A;
  srand(17);
  /* restart 0 compiles its structure; 2 has other pivots */
  const int tiny[] = {1, 1, 0, 1};
  long before = 0, before_re = 0;
  for (int restart = 0; restart < 4; restart++) {
    ck_assert_int_eq(SUNLinSolInitialize(f), SUNLS_SUCCESS);
    ck_assert_int_eq(SUNLinSolInitialize(s), SUNLS_SUCCESS);
    for (int step = 0; step < 4; step++) {
      /* the pivots depend on the values: restarts 0 and 3 start alike */
      if (step == 0) srand(tiny[restart] ? 100 : 200);
      fill(&A, 8, 1, tiny[restart]);
      to_sun(&A, As);
      to_sun(&A, Af);
      ck_assert_int_eq(SUNLinSolSetup(f, Af), SUNLS_SUCCESS);
      ck_assert_int_eq(SUNLinSolSetup(s, As), SUNLS_SUCCESS);
      double *bd = N_VGetArrayPointer(b);
      for (int i = 0; i < N; i++) bd[i] = (urand() - 0.5) * 10;
      ck_assert_int_eq(SUNLinSolSolve(f, Af, xf, b, 0), SUNLS_SUCCESS);
      ck_assert_int_eq(SUNLinSolSolve(s, As, xs, b, 0), SUNLS_SUCCESS);
      ck_assert(memcmp(N_VGetArrayPointer(xf), N_VGetArrayPointer(xs),
                       N * sizeof(double)) == 0);
      solves(&A, N_VGetArrayPointer(xs), bd);
    }
    long now = muskx__klu_ls_gen_solves(f);
    ck_assert_msg(now - before == (tiny[restart] ? 4 : 0),
                  "restart %d: %ld generated solves", restart, now - before);
    before = now;
    /* steps 1-3 refactor: with the generated code in the first case,
       except where rcond comes near SUNDIALS' bound (then its own) */
    long re = muskx__klu_ls_gen_refactors(f);
    ck_assert_msg(tiny[restart] ? re - before_re >= 2 : re == before_re,
                  "restart %d: %ld generated refactorisations", restart,
                  re - before_re);
    before_re = re;
  }
  SUNLinSolFree(f);
  SUNLinSolFree(s);
  SUNMatDestroy(Af);
  SUNMatDestroy(As);
  N_VDestroy(y);
  N_VDestroy(xf);
  N_VDestroy(xs);
  N_VDestroy(b);
  SUNContext_Free(&ctx);
  muskx__klu_gen_free(g);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Without a working compiler the generator gives no code, once. */
START_TEST(without_a_compiler_klu_solves) {
  muskx__klu_gen *g = muskx__klu_gen_new("/nonexistent/cc", NULL, 60000);
  klu_l_common c;
  klu_l_defaults(&c);
  static csc A;
  srand(2);
  fill(&A, 2, 1, 0);
  klu_l_symbolic *S = klu_l_analyze(N, A.p, A.i, &c);
  klu_l_numeric *F = klu_l_factor(A.p, A.i, A.x, S, &c);
  ck_assert(g != NULL && S != NULL && F != NULL);
  ck_assert(muskx__klu_gen_match(g, S, F, A.p, A.i, c.scale, NULL) == NULL);
  ck_assert(muskx__klu_gen_match(g, S, F, A.p, A.i, c.scale, NULL) == NULL);
  klu_l_free_numeric(&F, &c);
  klu_l_free_symbolic(&S, &c);
  muskx__klu_gen_free(g);
}
END_TEST

/* A factor of more operations than the limit (a dense 100 x 100) is
   left to KLU, and nothing is compiled for it. */
START_TEST(a_large_factor_is_left_to_klu) {
  char dir[] = "/tmp/muskx-test-klugen-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  muskx__klu_gen *g = muskx__klu_gen_new("cc", dir, 60000);
  enum { M = 100 };
  static SuiteSparse_long p[M + 1], i[M * M];
  static double x[M * M];
  srand(6);
  for (int j = 0, nz = 0; j <= M; j++) {
    p[j] = nz;
    for (int r = 0; j < M && r < M; r++, nz++) {
      i[nz] = r;
      x[nz] = r == j ? M : urand() - 0.5;
    }
  }
  klu_l_common c;
  klu_l_defaults(&c);
  klu_l_symbolic *S = klu_l_analyze(M, p, i, &c);
  klu_l_numeric *F = klu_l_factor(p, i, x, S, &c);
  ck_assert(g != NULL && S != NULL && F != NULL);
  ck_assert(muskx__klu_gen_match(g, S, F, p, i, c.scale, NULL) == NULL);
  ck_assert_int_eq(rmdir(dir), 0); /* empty: no compiler ran */
  klu_l_free_numeric(&F, &c);
  klu_l_free_symbolic(&S, &c);
  muskx__klu_gen_free(g);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("klu_gen");
  TCase *tc = tcase_create("bit_identical");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, random_block_triangular_factors_solve_as_klu);
  tcase_add_test(tc, random_irreducible_factors_solve_as_klu);
  tcase_add_test(tc, the_solver_uses_the_code_for_its_structure_only);
  tcase_add_test(tc, without_a_compiler_klu_solves);
  tcase_add_test(tc, a_large_factor_is_left_to_klu);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
