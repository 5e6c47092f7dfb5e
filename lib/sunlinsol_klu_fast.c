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
 *
 * With a generator (klu_gen.h, set for ensembles with native code) the
 * solves run generated straight-line code for the factor's structure,
 * bit-identical to klu_l_solve, whenever the current factor has the
 * compiled structure. The structure is checked after every factorisation
 * from scratch: the first one after an (re)initialisation, and any that
 * SUNDIALS' rcond test may have made (a new Numeric, or rcond below a
 * bound well above SUNDIALS' uround^(2/3)); a refactorisation keeps it.
 * Refactorisations of a factor of the compiled structure run generated
 * code too (klu_l_refactor's operations), then klu_l_rcond as SUNDIALS
 * does; near SUNDIALS' rcond bound, or at a zero pivot, SUNDIALS' own
 * setup runs instead, from the start.
 *
 * With muskx__klu_ls_reuse() (ensembles' sims: a restart inside a run,
 * i.e. a scenario phase or an event) the first factorisation after the
 * restart refactors the factor of the last setup with the new values --
 * its pivots and structure, as every setup between restarts does -- when
 * the pattern is the same, and factors from scratch only when rcond falls
 * below RCOND_RECHECK or a pivot is zero. That changes results in
 * rounding only (bench/NOTES.md, crewperf). The first factorisation of a
 * run is always from scratch, so a member's results do not depend on the
 * member its thread ran before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "alloc.h"
#include "klu_gen.h"
#include "sim.h"

/* SUNDIALS' content first, so its KLU functions read this as theirs. */
typedef struct {
  struct _SUNLinearSolverContent_KLU klu;
  sunindextype n;   /* pattern the kept analysis is for; -1: none */
  int ordering;
  sunindextype *colptr, *rowind;
  muskx__klu_gen *gen;       /* generated solves, or NULL */
  muskx__klu_solve_fn solve; /* the one for the current factor, or NULL */
  muskx__klu_refactor_fn refactor; /* its refactorisation, or NULL */
  int recheck;               /* the factor may have changed structure */
  long gen_solves;           /* solves done by generated code */
  long gen_refactors;        /* refactorisations done by it */
  int reuse;                 /* refactor at the next restart's setup */
  int ours;                  /* the factor is from the current run */
  long kept;                 /* restarts that refactored the kept factor */
} klu_fast;

/* rcond below this after a setup: SUNDIALS may have factored afresh (it
   does below uround^(2/3), about 3.7e-11), so the structure is checked */
#define RCOND_RECHECK 1e-8

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

static int setup_klu(SUNLinearSolver S, SUNMatrix A) {
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

/* SUNDIALS' refactorisation with the generated code: klu_l_refactor,
   then klu_l_rcond; 1 when done. With a zero pivot or an rcond near
   SUNDIALS' bound for factoring afresh (uround^(2/3)) 0: SUNDIALS'
   setup then runs from the start (refactoring again gives the same
   factor) and makes its own decisions. */
static int refactor_fast(klu_fast *kf, SUNMatrix A) {
  klu_l_numeric *num = kf->klu.numeric;
  if (kf->refactor == NULL || kf->klu.first_factorize || num == NULL ||
      SUNMatGetID(A) != SUNMATRIX_SPARSE || SM_SPARSETYPE_S(A) != CSC_MAT)
    return 0;
  klu_l_common *c = &kf->klu.common;
  c->status = KLU_OK; /* as klu_l_refactor leaves it */
  c->numerical_rank = -1;
  c->singular_col = -1;
  c->nrealloc = 0;
  if (!kf->refactor(SM_DATA_S(A), num->LUbx, num->Udiag, num->Offx, num->Rs))
    return 0;
  if (!klu_l_rcond(kf->klu.symbolic, num, c) || c->rcond < RCOND_RECHECK)
    return 0;
  kf->klu.last_flag = SUNLS_SUCCESS;
  kf->gen_refactors++;
  return 1;
}

/* The first setup after a restart, when muskx__klu_ls_reuse() allowed
   it: the factor of the last setup (same pattern, so the same analysis)
   refactored with A's values, by the generated code or klu_l_refactor
   (the same bits), accepted when rcond is at least RCOND_RECHECK; 1 when
   done. Otherwise 0 and the factorisation from scratch follows (a failed
   refactorisation leaves nothing that one reads). */
static int refactor_kept(klu_fast *kf, SUNMatrix A) {
  int want = kf->reuse;
  kf->reuse = 0;
  if (!want || !kf->ours || !kf->klu.first_factorize ||
      kf->klu.numeric == NULL ||
      kf->klu.symbolic == NULL || SUNMatGetID(A) != SUNMATRIX_SPARSE ||
      SM_SPARSETYPE_S(A) != CSC_MAT || !same_pattern(kf, A))
    return 0;
  int ok;
  kf->klu.first_factorize = 0;
  if (kf->refactor != NULL) {
    ok = refactor_fast(kf, A);
  } else {
    klu_l_common *c = &kf->klu.common;
    ok = klu_l_refactor(SM_INDEXPTRS_S(A), SM_INDEXVALS_S(A), SM_DATA_S(A),
                        kf->klu.symbolic, kf->klu.numeric, c) &&
         klu_l_rcond(kf->klu.symbolic, kf->klu.numeric, c) &&
         c->rcond >= RCOND_RECHECK;
    if (ok) kf->klu.last_flag = SUNLS_SUCCESS;
  }
  if (!ok) {
    kf->klu.first_factorize = 1;
    return 0;
  }
  kf->kept++;
  return 1;
}

static int setup_any(SUNLinearSolver S, SUNMatrix A);

static int setup(SUNLinearSolver S, SUNMatrix A) {
  klu_fast *kf = S->content;
  int flag = setup_any(S, A);
  kf->ours = flag == SUNLS_SUCCESS && kf->klu.numeric != NULL;
  return flag;
}

static int setup_any(SUNLinearSolver S, SUNMatrix A) {
  klu_fast *kf = S->content;
  if (refactor_kept(kf, A)) return SUNLS_SUCCESS;
  if (refactor_fast(kf, A)) return SUNLS_SUCCESS;
  int fresh = kf->klu.first_factorize;
  /* as a number: the pointer may be freed by then */
  uintptr_t before = (uintptr_t)kf->klu.numeric;
  int flag = setup_klu(S, A);
  if (kf->gen == NULL) return flag;
  if (flag != SUNLS_SUCCESS || kf->klu.numeric == NULL) {
    kf->solve = NULL;
    kf->refactor = NULL;
    kf->recheck = 1;
  } else if (fresh || kf->recheck || (uintptr_t)kf->klu.numeric != before ||
             kf->klu.common.rcond < RCOND_RECHECK) {
    kf->solve = SM_SPARSETYPE_S(A) == CSC_MAT
                    ? muskx__klu_gen_match(kf->gen, kf->klu.symbolic,
                                           kf->klu.numeric, SM_INDEXPTRS_S(A),
                                           SM_INDEXVALS_S(A),
                                           kf->klu.common.scale,
                                           &kf->refactor)
                    : NULL;
    if (kf->solve == NULL) kf->refactor = NULL;
    kf->recheck = 0;
  }
  return flag;
}

/* SUNDIALS' solve (b copied into x, then klu_l_solve on x) with the
   generated code in klu_l_solve's place. */
static int solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b,
                 realtype tol) {
  klu_fast *kf = S->content;
  if (kf->solve == NULL || A == NULL || x == NULL || b == NULL ||
      SM_SPARSETYPE_S(A) != CSC_MAT)
    return SUNLinSolSolve_KLU(S, A, x, b, tol);
  N_VScale(1.0, b, x);
  realtype *xd = N_VGetArrayPointer(x);
  if (xd == NULL) {
    kf->klu.last_flag = SUNLS_MEM_FAIL;
    return kf->klu.last_flag;
  }
  const klu_l_numeric *num = kf->klu.numeric;
  kf->solve(num->LUbx, num->Udiag, num->Offx, num->Rs, xd);
  kf->gen_solves++;
  kf->klu.last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

void muskx__klu_ls_set_gen(SUNLinearSolver S, muskx__klu_gen *g) {
  if (S == NULL || S->ops->setup != setup) return;
  klu_fast *kf = S->content;
  kf->gen = g;
  kf->solve = NULL;
  kf->refactor = NULL;
  kf->recheck = 1;
}

long muskx__klu_ls_gen_solves(SUNLinearSolver S) {
  if (S == NULL || S->ops->setup != setup) return 0;
  return ((const klu_fast *)S->content)->gen_solves;
}

void muskx__klu_ls_reuse(SUNLinearSolver S, int on) {
  if (S == NULL || S->ops->setup != setup) return;
  klu_fast *kf = S->content;
  kf->reuse = on != 0;
  if (!on) kf->ours = 0; /* a run starts: the factor is an earlier run's */
}

long muskx__klu_ls_kept(SUNLinearSolver S) {
  if (S == NULL || S->ops->setup != setup) return 0;
  return ((const klu_fast *)S->content)->kept;
}

long muskx__klu_ls_gen_refactors(SUNLinearSolver S) {
  if (S == NULL || S->ops->setup != setup) return 0;
  return ((const klu_fast *)S->content)->gen_refactors;
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
  kf->gen = NULL;
  kf->solve = NULL;
  kf->refactor = NULL;
  kf->recheck = 0;
  kf->gen_solves = 0;
  kf->gen_refactors = 0;
  kf->reuse = 0;
  kf->ours = 0;
  kf->kept = 0;
  free(S->content);
  S->content = kf;
  S->ops->setup = setup;
  S->ops->solve = solve;
  S->ops->free = free_ls;
  return S;
}
