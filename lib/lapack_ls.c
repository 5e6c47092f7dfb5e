/*
 * lapack_ls.c -- a SUNLinearSolver over LAPACK dgetrf/dgetrs (OpenBLAS).
 *
 * Debian's SUNDIALS ships no LAPACK linear solver module, so this wraps
 * LAPACK behind the generic SUNLinearSolver interface (SUNDIALS manual,
 * "Implementing a custom SUNLinearSolver"). It works on a SUNDIALS dense
 * matrix, which is column-major with leading dimension n, exactly LAPACK's
 * layout, and factors it in place as SUNLinSol_Dense does.
 */
#include <stdint.h>
#include <string.h>

#include <sunmatrix/sunmatrix_dense.h>

#include "alloc.h"
#include "sim.h"

/* Fortran LAPACK entry points (LP64 OpenBLAS/reference LAPACK). */
extern void dgetrf_(const int *m, const int *n, double *a, const int *lda,
                    int *ipiv, int *info);
extern void dgetrs_(const char *trans, const int *n, const int *nrhs,
                    const double *a, const int *lda, const int *ipiv,
                    double *b, const int *ldb, int *info);

typedef struct {
  int n;
  int *ipiv;
  sunindextype last_flag;
} lapack_content;

#define CONTENT(S) ((lapack_content *)(S)->content)

static SUNLinearSolver_Type ls_type(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID ls_id(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_CUSTOM;
}

static int ls_initialize(SUNLinearSolver S) {
  CONTENT(S)->last_flag = 0;
  return SUNLS_SUCCESS;
}

static int ls_setup(SUNLinearSolver S, SUNMatrix A) {
  lapack_content *c = CONTENT(S);
  int n = c->n, info = 0;
  dgetrf_(&n, &n, SUNDenseMatrix_Data(A), &n, c->ipiv, &info);
  c->last_flag = info;
  /* info > 0: exactly singular pivot; CVODE treats it as recoverable. */
  return info > 0 ? SUNLS_LUFACT_FAIL : (info < 0 ? SUNLS_PACKAGE_FAIL_UNREC
                                                  : SUNLS_SUCCESS);
}

static int ls_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b,
                    sunrealtype tol) {
  (void)tol;
  lapack_content *c = CONTENT(S);
  int n = c->n, one = 1, info = 0;
  N_VScale(1.0, b, x);
  dgetrs_("N", &n, &one, SUNDenseMatrix_Data(A), &n, c->ipiv,
          N_VGetArrayPointer(x), &n, &info);
  c->last_flag = info;
  return info == 0 ? SUNLS_SUCCESS : SUNLS_PACKAGE_FAIL_UNREC;
}

static sunindextype ls_last_flag(SUNLinearSolver S) {
  return CONTENT(S)->last_flag;
}

static int ls_space(SUNLinearSolver S, long *lrw, long *liw) {
  *lrw = 0;
  *liw = 2 + CONTENT(S)->n;
  return SUNLS_SUCCESS;
}

static int ls_free(SUNLinearSolver S) {
  if (S == NULL) return SUNLS_SUCCESS;
  if (S->content) {
    muskx__free(CONTENT(S)->ipiv);
    muskx__free(S->content);
    S->content = NULL;
  }
  SUNLinSolFreeEmpty(S);
  return SUNLS_SUCCESS;
}

SUNLinearSolver muskx__lapack_ls(N_Vector y, SUNMatrix A, SUNContext ctx) {
  if (SUNMatGetID(A) != SUNMATRIX_DENSE ||
      SUNDenseMatrix_Rows(A) != SUNDenseMatrix_Columns(A) ||
      SUNDenseMatrix_Rows(A) != N_VGetLength(y) ||
      SUNDenseMatrix_Rows(A) > INT32_MAX)
    return NULL;
  SUNLinearSolver S = SUNLinSolNewEmpty(ctx);
  if (S == NULL) return NULL;
  lapack_content *c = muskx__calloc(1, sizeof *c);
  if (c == NULL) {
    SUNLinSolFreeEmpty(S);
    return NULL;
  }
  c->n = (int)SUNDenseMatrix_Rows(A);
  c->ipiv = muskx__calloc((size_t)c->n + 1, sizeof *c->ipiv);
  S->content = c;
  if (c->ipiv == NULL) {
    ls_free(S);
    return NULL;
  }
  S->ops->gettype = ls_type;
  S->ops->getid = ls_id;
  S->ops->initialize = ls_initialize;
  S->ops->setup = ls_setup;
  S->ops->solve = ls_solve;
  S->ops->lastflag = ls_last_flag;
  S->ops->space = ls_space;
  S->ops->free = ls_free;
  return S;
}
