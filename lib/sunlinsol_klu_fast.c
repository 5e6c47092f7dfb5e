/*
 * sunlinsol_klu_fast.c -- SUNDIALS' KLU linear solver with the symbolic
 * analysis kept while the sparsity pattern stays the same (issue 19).
 *
 * SUNDIALS 6.4 analyses the pattern again (AMD ordering, block
 * triangular form) at the first factorisation after every CVodeReInit,
 * i.e. at every event or scenario phase, although our pattern
 * (solver.c's KLU pattern) never changes: 3 analyses per crew member,
 * each as costly as 30 refactorisations. Here the first factorisation
 * after an (re)initialisation reuses the analysis when the matrix has
 * exactly the pattern it was made for, and calls SUNDIALS' own setup
 * otherwise. klu_analyze depends only on the pattern and the ordering
 * settings and klu_factor does not write to it, so the factors, and
 * every result, are bit-identical (tests/test_sunlinsol_klu_fast.c).
 * Refactorisations (SUNDIALS' rcond check and all) are SUNDIALS' own.
 */
#include <stdlib.h>
#include <string.h>

#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "alloc.h"
#include "sim.h"

/* SUNDIALS' content first, so its KLU functions read this as theirs. */
typedef struct {
  struct _SUNLinearSolverContent_KLU klu;
  sunindextype n;   /* pattern the kept analysis is for; -1: none */
  int ordering;
  sunindextype *colptr, *rowind;
} klu_fast;

static int same_pattern(const klu_fast *kf, SUNMatrix A) {
  sunindextype n = SM_NP_S(A);
  const sunindextype *cp = SM_INDEXPTRS_S(A), *ri = SM_INDEXVALS_S(A);
  if (kf->n < 0 || kf->n != n || kf->ordering != kf->klu.common.ordering ||
      kf->klu.symbolic == NULL)
    return 0;
  if (memcmp(kf->colptr, cp, (size_t)(n + 1) * sizeof *cp) != 0) return 0;
  return memcmp(kf->rowind, ri, (size_t)cp[n] * sizeof *ri) == 0;
}

static void forget(klu_fast *kf) {
  muskx__free(kf->colptr);
  muskx__free(kf->rowind);
  kf->colptr = kf->rowind = NULL;
  kf->n = -1;
}

/* After SUNDIALS analysed A: keep a copy of its pattern (none when out
   of memory: the next restart then analyses again, as SUNDIALS does). */
static void remember(klu_fast *kf, SUNMatrix A) {
  forget(kf);
  if (kf->klu.symbolic == NULL) return;
  sunindextype n = SM_NP_S(A), nnz = SM_INDEXPTRS_S(A)[n];
  kf->colptr = muskx__calloc((size_t)n + 1, sizeof *kf->colptr);
  kf->rowind = muskx__calloc((size_t)nnz + 1, sizeof *kf->rowind);
  if (kf->colptr == NULL || kf->rowind == NULL) {
    forget(kf);
    return;
  }
  memcpy(kf->colptr, SM_INDEXPTRS_S(A), (size_t)(n + 1) * sizeof *kf->colptr);
  memcpy(kf->rowind, SM_INDEXVALS_S(A), (size_t)nnz * sizeof *kf->rowind);
  kf->n = n;
  kf->ordering = kf->klu.common.ordering;
}

static int setup(SUNLinearSolver S, SUNMatrix A) {
  klu_fast *kf = S->content;
  if (!kf->klu.first_factorize) return SUNLinSolSetup_KLU(S, A);
  if (SUNMatGetID(A) != SUNMATRIX_SPARSE || SM_SPARSETYPE_S(A) != CSC_MAT ||
      !same_pattern(kf, A)) {
    int flag = SUNLinSolSetup_KLU(S, A); /* analyses, then factors */
    if (SUNMatGetID(A) == SUNMATRIX_SPARSE && SM_SPARSETYPE_S(A) == CSC_MAT)
      remember(kf, A);
    else
      forget(kf);
    return flag;
  }
  /* SUNDIALS' first factorisation, without klu_analyze */
  if (kf->klu.numeric) klu_l_free_numeric(&kf->klu.numeric, &kf->klu.common);
  kf->klu.numeric = klu_l_factor(SM_INDEXPTRS_S(A), SM_INDEXVALS_S(A),
                                 SM_DATA_S(A), kf->klu.symbolic,
                                 &kf->klu.common);
  if (kf->klu.numeric == NULL) {
    kf->klu.last_flag = SUNLS_PACKAGE_FAIL_REC;
    return kf->klu.last_flag;
  }
  kf->klu.first_factorize = 0;
  kf->klu.last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

static int free_ls(SUNLinearSolver S) {
  if (S == NULL) return SUNLS_SUCCESS;
  if (S->content) forget(S->content);
  return SUNLinSolFree_KLU(S); /* frees the content with free() */
}

SUNLinearSolver muskx__klu_ls_new(N_Vector y, SUNMatrix A, SUNContext ctx) {
  SUNLinearSolver S = SUNLinSol_KLU(y, A, ctx);
  if (S == NULL) return NULL;
  /* malloc, not muskx__alloc: SUNLinSolFree_KLU frees it with free() */
  klu_fast *kf = malloc(sizeof *kf);
  if (kf == NULL) {
    SUNLinSolFree(S);
    return NULL;
  }
  kf->klu = *(SUNLinearSolverContent_KLU)S->content;
  kf->n = -1;
  kf->ordering = 0;
  kf->colptr = kf->rowind = NULL;
  free(S->content);
  S->content = kf;
  S->ops->setup = setup;
  S->ops->free = free_ls;
  return S;
}
