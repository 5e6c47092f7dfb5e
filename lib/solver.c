/*
 * solver.c -- drives CVODE (BDF, Newton, exact Jacobian) through a run:
 * output at requested times, solver stops at every event, dose and input
 * breakpoint, conditional events by root finding, and a failure that names
 * the time, the culprit and keeps the rows computed so far.
 *
 * Invariants: CVODE never integrates across a discontinuity (each one is a
 * stop time, followed by CVodeReInit); the value reported at an event time
 * is the value after the event; counters are accumulated across re-inits.
 * The event machinery (what happens at those stops) is events.c, shared
 * with the IDA driver (dae.c) that runs models with algebraic equations.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_proj.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "alloc.h"
#include "sim.h"
#include "vm_native.h"

/* SUNDIALS 6.4 cannot clear a stop time, and one that was reached stays set
   across CVodeReInit; with no discontinuity ahead we move it out of reach. */
#define NO_STOP 1e300


/* Automatic linear solver choice: SUNDIALS dense up to MUSKX__DENSE_MAX
   states (sim.h), KLU for sparse Jacobians above, LAPACK otherwise.
   Sparse means a density (Jacobian nonzeros plus the diagonal over n^2)
   up to KLU_SMALL_DENSITY below KLU_MIN states, KLU_MAX_DENSITY from
   there. Measured 2026-11-25, median run time KLU / LAPACK (with the
   library's vector kernels, nvector_fast.c): POLLU (20 states, 20.5 %)
   0.68; crosstalk flight (24, 15.3 %) 0.72; generated chain, banded and
   random networks of 10, 20 and 40 states (5-28 %) 0.49-0.88; random
   networks of 20 and 30 states 75 % dense 0.95 and 1.03, and of 12
   states 75 % dense 1.63. */
#define KLU_MIN 100
#define KLU_SMALL_DENSITY 0.30
#define KLU_MAX_DENSITY 0.15

/* ---- CVODE callbacks --------------------------------------------------- */

/* The Newton matrix I - gamma J, formed inside SUNDIALS, is finite only
   while gamma |J| is: past that the linear solve returns a zero
   correction and CVODE accepts the unchanged state (dA/dt = -1e308 A gave
   A(1) = 1; issue 16). CVODE calls the right-hand side with the current
   gamma before each solve, so the check sits here; unrecoverable. */
#define NEWTON_MAX (DBL_MAX / 16)
static int newton_overflows(muskx_sim *s, sunrealtype t) {
  sunrealtype gamma;
  if (!(s->jac_maxabs > 0) || !s->cvode_ready ||
      CVodeGetCurrentGamma(s->cvode, &gamma) != CV_SUCCESS)
    return 0;
  if (fabs(gamma) * s->jac_maxabs <= NEWTON_MAX) return 0;
  s->newton_time = t;
  s->newton_gamma = gamma;
  return 1;
}

static void note_jac(muskx_sim *s, double v) {
  if (fabs(v) > s->jac_maxabs) s->jac_maxabs = fabs(v);
}

static int rhs_cb(sunrealtype t, N_Vector y, N_Vector ydot, void *ud) {
  muskx_sim *s = ud;
  const muskx__prog *rhs = &s->p->rhs;
  if (newton_overflows(s, t)) return -1;
  double *dy = N_VGetArrayPointer(ydot);
  int bad = -1;
  if (!muskx__sim_eval_rhs_to(s, t, N_VGetArrayPointer(y), dy)) {
    muskx__sim_eval(s, rhs, t, N_VGetArrayPointer(y));
    const double *R = s->R;
    for (int32_t i = 0; i < rhs->nresults; i++) dy[i] = R[rhs->results[i]];
  }
  /* the first non-finite derivative, looked for only when there is one */
  if (muskx__any_nonfinite(dy, rhs->nresults))
    for (int32_t i = 0; i < rhs->nresults && bad < 0; i++)
      if (!isfinite(dy[i])) bad = i;
  if (rhs->nresults == 0) dy[0] = 0.0; /* the placeholder state (cv_size) */
  if (bad >= 0) {
    /* Recoverable per CVRhsFn: CVODE retries with a smaller step. */
    s->bad_time = t;
    s->bad_result = bad;
    return 1;
  }
  return 0;
}

static int jac_dense_cb(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
                        void *ud, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)fy; (void)t1; (void)t2; (void)t3;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  muskx__sim_eval(s, &p->jac, t, N_VGetArrayPointer(y));
  SUNMatZero(J);
  if (s->m->nspecies == 0) return 0; /* placeholder state: J = 0 */
  double *data = SUNDenseMatrix_Data(J);
  sunindextype n = SUNDenseMatrix_Rows(J);
  const double *R = s->R;
  s->jac_maxabs = 0;
  for (sunindextype j = 0; j < n; j++)
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++) {
      double v = R[p->jac.results[k]];
      if (!isfinite(v)) return 1;
      note_jac(s, v);
      data[j * n + p->jac_rowind[k]] = v;
    }
  return newton_overflows(s, t) ? -1 : 0;
}

static int jac_sparse_cb(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
                         void *ud, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)fy; (void)t1; (void)t2; (void)t3;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  muskx__sim_eval(s, &p->jac, t, N_VGetArrayPointer(y));
  sunindextype n = SUNSparseMatrix_Columns(J);
  sunindextype *cp = SUNSparseMatrix_IndexPointers(J);
  sunindextype *ri = SUNSparseMatrix_IndexValues(J);
  double *data = SUNSparseMatrix_Data(J);
  /* CVODE may have reallocated J (SUNMatScaleAddI); restore our pattern. */
  for (sunindextype j = 0; j <= n; j++) cp[j] = s->klu_colptr[j];
  for (int32_t k = 0; k < s->klu_nnz; k++) {
    ri[k] = s->klu_rowind[k];
    data[k] = 0.0;
  }
  const double *R = s->R;
  s->jac_maxabs = 0;
  for (int32_t k = 0; k < p->jac_nnz; k++) {
    double v = R[p->jac.results[k]];
    if (!isfinite(v)) return 1;
    note_jac(s, v);
    data[s->klu_map[k]] = v;
  }
  return newton_overflows(s, t) ? -1 : 0;
}

/* A = I - gamma J for KLU, CVODE's linear system function
   (CVodeSetLinSysFn) in place of its own cvLsLinSys, which keeps the last
   Jacobian as a second sparse matrix: when the Jacobian is still good
   (jok), SUNMatCopy copies it into A -- values, row indices and column
   pointers -- and SUNMatScaleAddI scales it in a second pass, searching
   each column for its diagonal. Here A's pattern is always the KLU
   pattern (jac_sparse_cb writes it; every column holds its diagonal, so
   SUNMatScaleAddI never changes it and no other operation writes A's
   indices), so the saved Jacobian is its values only, and A's values
   are c J in one pass, then 1 + (c J_jj) at the known diagonal positions,
   c = -gamma: the operations of SUNMatCopy and sunmatrix_fast.c's
   scale_add_identity, in the same order, so A is the same bit for bit
   (tests/test_solver_linsys.c). A new Jacobian goes as in cvLsLinSys:
   SUNMatZero, the Jacobian, its copy, SUNMatScaleAddI. CVODE counts the
   Jacobians (nje) from jcur as before. */
static int linsys_klu(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix A,
                      sunbooleantype jok, sunbooleantype *jcur,
                      sunrealtype gamma, void *ud, N_Vector t1, N_Vector t2,
                      N_Vector t3) {
  muskx_sim *s = ud;
  int32_t nnz = s->klu_nnz;
  double *ax = SUNSparseMatrix_Data(A);
  if (jok && s->jsaved_ok) {
    *jcur = SUNFALSE;
    muskx__sparse_identity_minus(-gamma, s->jsaved, nnz, s->klu_diag,
                                 s->m->nspecies, ax);
    return 0;
  }
  *jcur = SUNTRUE;
  if (SUNMatZero(A) != SUNMAT_SUCCESS) return -1;
  int rc = jac_sparse_cb(t, y, fy, A, ud, t1, t2, t3);
  if (rc != 0) return rc; /* the saved Jacobian stays the last good one */
  memcpy(s->jsaved, ax, (size_t)nnz * sizeof *ax);
  s->jsaved_ok = 1;
  return SUNMatScaleAddI(-gamma, A) == SUNMAT_SUCCESS ? 0 : -1;
}

/* SPGMR (MUSKX_LS_SPGMR): GMRES on I - gamma J with the exact Jacobian's
   products J v (the compiled sparse Jacobian, O(nnz) each) and a Jacobi
   preconditioner, 1 / (1 - gamma J_ii). Memory and work per step grow
   with the Jacobian's nonzeros, never with LU fill-in: the choice for
   large networks whose LU factors fill in (bench/NOTES.md). */
static int spgmr_eval_jac(muskx_sim *s, sunrealtype t, N_Vector y) {
  const muskx__program *p = s->p;
  muskx__sim_eval(s, &p->jac, t, N_VGetArrayPointer(y));
  s->jac_maxabs = 0;
  for (int32_t k = 0; k < p->jac_nnz; k++) {
    s->it_jval[k] = s->R[p->jac.results[k]];
    if (!isfinite(s->it_jval[k])) return 1; /* recoverable */
    note_jac(s, s->it_jval[k]);
  }
  return newton_overflows(s, t) ? -1 : 0;
}

static int spgmr_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *ud) {
  (void)fy;
  return spgmr_eval_jac(ud, t, y);
}

static int spgmr_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y,
                        N_Vector fy, void *ud, N_Vector tmp) {
  (void)t; (void)y; (void)fy; (void)tmp;
  const muskx_sim *s = ud;
  const muskx__program *p = s->p;
  const double *vd = N_VGetArrayPointer(v);
  double *jd = N_VGetArrayPointer(Jv);
  int n = s->m->nspecies;
  jd[0] = 0.0; /* the placeholder state */
  for (int i = 0; i < n; i++) jd[i] = 0.0;
  for (int j = 0; j < n; j++)
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++)
      jd[p->jac_rowind[k]] += s->it_jval[k] * vd[j];
  return 0;
}

static int spgmr_psetup(sunrealtype t, N_Vector y, N_Vector fy,
                        sunbooleantype jok, sunbooleantype *jcur,
                        sunrealtype gamma, void *ud) {
  (void)fy;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  int n = s->m->nspecies;
  *jcur = SUNFALSE;
  if (!jok) {
    if (spgmr_eval_jac(s, t, y) != 0) return 1;
    for (int j = 0; j < n; j++) {
      s->it_jdiag[j] = 0.0;
      for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++)
        if (p->jac_rowind[k] == j) s->it_jdiag[j] = s->it_jval[k];
    }
    *jcur = SUNTRUE;
  }
  s->it_pinv[0] = 1.0; /* the placeholder state */
  for (int j = 0; j < n; j++) {
    s->it_pinv[j] = 1.0 / (1.0 - gamma * s->it_jdiag[j]);
    if (!isfinite(s->it_pinv[j])) return 1; /* recoverable: smaller step */
  }
  return 0;
}

static int spgmr_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r,
                        N_Vector z, sunrealtype gamma, sunrealtype delta,
                        int lr, void *ud) {
  (void)t; (void)y; (void)fy; (void)gamma; (void)delta; (void)lr;
  const muskx_sim *s = ud;
  const double *rd = N_VGetArrayPointer(r);
  double *zd = N_VGetArrayPointer(z);
  sunindextype n = N_VGetLength(r);
  for (sunindextype i = 0; i < n; i++) zd[i] = rd[i] * s->it_pinv[i];
  return 0;
}

static int root_cb(sunrealtype t, N_Vector y, sunrealtype *g, void *ud) {
  muskx_sim *s = ud;
  const muskx__prog *roots = &s->p->roots;
  muskx__sim_eval(s, roots, t, N_VGetArrayPointer(y));
  for (int32_t i = 0; i < roots->nresults; i++) g[i] = s->R[roots->results[i]];
  return 0;
}

/* CVODE's messages are kept for our error text instead of being printed. */
static void err_cb(int code, const char *module, const char *function,
                   char *msg, void *ud) {
  (void)code; (void)module;
  muskx_sim *s = ud;
  snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", function, msg);
}

/* ---- workspace --------------------------------------------------------- */

/* CVODE's problem size. A model without species still needs time to pass
   through CVODE so that root finding sees its `when` conditions (SBML test
   cases with only parameters and events): it gets one placeholder state
   with derivative 0. */
static int cv_size(const muskx_sim *s) {
  return s->m->nspecies > 0 ? s->m->nspecies : 1;
}

static void free_ls(muskx_sim *s) {
  if (s->LS) SUNLinSolFree(s->LS);
  if (s->A) SUNMatDestroy(s->A);
  s->LS = NULL;
  s->A = NULL;
  s->ls_built = -1;
}

void muskx__solver_free(muskx_sim *s) {
  free_ls(s);
  if (s->cvode) CVodeFree(&s->cvode);
  if (s->y) N_VDestroy(s->y);
  if (s->abstol) N_VDestroy(s->abstol);
  if (s->constraints) N_VDestroy(s->constraints);
  if (s->yprobe) N_VDestroy(s->yprobe);
  s->y = s->abstol = s->constraints = s->yprobe = NULL;
  s->probe_y = NULL;
  s->cvode_ready = 0;
  muskx__free(s->klu_map);
  muskx__free(s->klu_colptr);
  muskx__free(s->klu_rowind);
  muskx__free(s->klu_diag);
  muskx__free(s->jsaved);
  s->klu_map = NULL;
  s->klu_colptr = s->klu_rowind = s->klu_diag = NULL;
  s->jsaved = NULL;
  s->jsaved_ok = 0;
  muskx__free(s->it_jval);
  muskx__free(s->it_jdiag);
  muskx__free(s->it_pinv);
  s->it_jval = s->it_jdiag = s->it_pinv = NULL;
}

/* KLU needs the diagonal in the pattern (CVODE forms I - gamma J), so the
   KLU pattern is the Jacobian's plus the diagonal. */
static int build_klu_pattern(muskx_sim *s) {
  if (s->klu_colptr) return 0;
  const muskx__program *p = s->p;
  int n = s->m->nspecies;
  size_t cap = (size_t)p->jac_nnz + (size_t)n;
  s->klu_colptr = muskx__calloc((size_t)n + 1, sizeof(int32_t));
  s->klu_rowind = muskx__calloc(cap + 1, sizeof(int32_t));
  s->klu_map = muskx__calloc((size_t)p->jac_nnz + 1, sizeof(int32_t));
  s->klu_diag = muskx__calloc((size_t)n + 1, sizeof(int32_t));
  s->jsaved = muskx__calloc(cap + 1, sizeof(double));
  s->jsaved_ok = 0;
  if (!s->klu_colptr || !s->klu_rowind || !s->klu_map || !s->klu_diag ||
      !s->jsaved)
    return -1;
  int32_t pos = 0;
  for (int j = 0; j < n; j++) {
    s->klu_colptr[j] = pos;
    int diag_done = 0;
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++) {
      int32_t r = p->jac_rowind[k];
      if (!diag_done && r >= j) {
        s->klu_diag[j] = pos;
        if (r > j) s->klu_rowind[pos++] = j;
        diag_done = 1;
      }
      s->klu_map[k] = pos;
      s->klu_rowind[pos++] = r;
    }
    if (!diag_done) {
      s->klu_diag[j] = pos;
      s->klu_rowind[pos++] = j;
    }
  }
  s->klu_colptr[n] = pos;
  s->klu_nnz = pos;
  return 0;
}

static muskx_linear_solver choose_ls(const muskx_sim *s) {
  if (s->ls != MUSKX_LS_AUTO) return s->ls;
  int n = s->m->nspecies;
  if (n <= MUSKX__DENSE_MAX) return MUSKX_LS_DENSE;
  double density = (double)(s->p->jac_nnz + n) / ((double)n * n);
  if (density <= (n >= KLU_MIN ? KLU_MAX_DENSITY : KLU_SMALL_DENSITY))
    return MUSKX_LS_KLU;
  return MUSKX_LS_LAPACK;
}

/* Attaches SPGMR with the Jacobi preconditioner and the exact J v
   (spgmr_* above). Its work arrays are kept across rebuilds. */
static muskx_status attach_spgmr(muskx_sim *s, int n) {
  if (s->it_jval == NULL)
    s->it_jval = muskx__calloc((size_t)s->p->jac_nnz + 1, sizeof(double));
  if (s->it_jdiag == NULL) s->it_jdiag = muskx__calloc((size_t)n, sizeof(double));
  if (s->it_pinv == NULL) s->it_pinv = muskx__calloc((size_t)n, sizeof(double));
  if (!s->it_jval || !s->it_jdiag || !s->it_pinv)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (SPGMR)");
  /* Right preconditioning: GMRES then stops on the residual of the
     Newton system itself. With left preconditioning it stops on
     P^-1 r, which the Jacobi factor 1 / (1 - gamma J_ii) shrinks for
     the fast species: on Robertson to t = 4e10 the inexact solves
     then lost A + B + C = 1 and the run diverged (C = 5.6e9), where
     right preconditioning keeps |A + B + C - 1| at 2.4e-4 with rtol
     1e-4. SUNDIALS' default Krylov dimension (5). */
  s->LS = SUNLinSol_SPGMR(s->y, SUN_PREC_RIGHT, 0, s->ctx);
  if (s->LS == NULL)
    return muskx__sim_err(s, MUSKX_ENOMEM, "cannot create linear solver");
  if (CVodeSetLinearSolver(s->cvode, s->LS, NULL) != CV_SUCCESS ||
      CVodeSetPreconditioner(s->cvode, spgmr_psetup, spgmr_psolve) != CV_SUCCESS ||
      CVodeSetJacTimes(s->cvode, spgmr_jtsetup, spgmr_jtimes) != CV_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER, "cannot attach linear solver");
  return MUSKX_OK;
}

/* Attaches a direct solver (dense, LAPACK or KLU) with its matrix and
   the exact Jacobian. */
static muskx_status attach_direct(muskx_sim *s, muskx_linear_solver ls, int n) {
  if (ls == MUSKX_LS_KLU) {
    if (build_klu_pattern(s) != 0)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (KLU pattern)");
    s->A = muskx__sparse_matrix_new(n, n, s->klu_nnz, CSC_MAT, s->ctx);
    if (s->A) s->LS = muskx__klu_ls_new(s->y, s->A, s->ctx);
    if (s->LS && s->native) muskx__klu_ls_set_gen(s->LS, s->native->klu);
    /* AMD (KLU's own default) rather than SUNDIALS' COLAMD: less
       fill-in on I - gamma J of reaction networks, whose pattern is
       nearly symmetric. Measured 2026-11-25, AMD / COLAMD for the
       nonzeros of L + U and the run time: random networks
       (bench/gen_network.py) of 1,000 species 0.59 and 0.47, of 100
       0.79 and 0.82; POLLU 0.76 and 0.96; banded 1,000 0.95 and 0.93;
       chains the same. */
    if (s->LS && SUNLinSol_KLUSetOrdering(s->LS, 0) != SUNLS_SUCCESS)
      return muskx__sim_err(s, MUSKX_ESOLVER, "cannot set the KLU ordering");
    /* No row scaling (KLU's default divides every row by its largest
       entry before pivoting): it cost a division per row in every solve
       and a pass over the matrix in every refactorisation, 8 % of a crew
       member's CPU time (issue 19). KLU's threshold partial pivoting
       then works on I - gamma J as it is; results change in rounding
       (bench/NOTES.md, bench_crew_accuracy), and a poorly conditioned
       refactorisation is still caught by SUNDIALS' rcond test, which
       factors afresh with pivoting. */
    if (s->LS) SUNLinSol_KLUGetCommon(s->LS)->scale = 0;
  } else {
    s->A = muskx__dense_matrix_new(n, n, s->ctx);
    if (s->A)
      s->LS = ls == MUSKX_LS_LAPACK ? muskx__lapack_ls(s->y, s->A, s->ctx)
                                    : muskx__dense_ls_new(s->y, s->A, s->ctx);
  }
  if (s->A == NULL || s->LS == NULL)
    return muskx__sim_err(s, MUSKX_ENOMEM, "cannot create linear solver");
  if (CVodeSetLinearSolver(s->cvode, s->LS, s->A) != CV_SUCCESS ||
      CVodeSetJacFn(s->cvode, ls == MUSKX_LS_KLU ? jac_sparse_cb : jac_dense_cb) !=
          CV_SUCCESS ||
      /* after CVodeSetJacFn, which restores CVODE's own */
      (ls == MUSKX_LS_KLU && !s->klu_cvode_linsys &&
       CVodeSetLinSysFn(s->cvode, linsys_klu) != CV_SUCCESS))
    return muskx__sim_err(s, MUSKX_ESOLVER, "cannot attach linear solver");
  s->jsaved_ok = 0;
  return MUSKX_OK;
}

static muskx_status setup_cvode(muskx_sim *s, double t0) {
  int n = cv_size(s);
  if (s->y == NULL) {
    s->y = muskx__nvector_new(n, s->ctx);
    s->abstol = muskx__nvector_new(n, s->ctx);
    if (!s->y || !s->abstol)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory creating vectors");
  }
  if (s->cvode == NULL) {
    s->cvode = CVodeCreate(CV_BDF, s->ctx);
    if (s->cvode == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM, "CVodeCreate failed");
    CVodeSetErrHandlerFn(s->cvode, err_cb, s);
  }
  if (!s->cvode_ready) {
    if (CVodeInit(s->cvode, rhs_cb, t0, s->y) != CV_SUCCESS ||
        CVodeSetUserData(s->cvode, s) != CV_SUCCESS)
      return muskx__sim_err(s, MUSKX_ESOLVER, "CVodeInit failed: %s", s->errmsg);
    if (s->p->nroots > 0 &&
        CVodeRootInit(s->cvode, s->p->nroots, root_cb) != CV_SUCCESS)
      return muskx__sim_err(s, MUSKX_ESOLVER, "CVodeRootInit failed");
    CVodeSetNoInactiveRootWarn(s->cvode);
    /* conserved moieties stay exact (conservation.c) */
    if (s->p->ncons > 0 &&
        (CVodeSetProjFn(s->cvode, muskx__cons_project) != CV_SUCCESS ||
         CVodeSetProjFrequency(s->cvode, MUSKX__CONS_EVERY) != CV_SUCCESS))
      return muskx__sim_err(s, MUSKX_ESOLVER, "CVodeSetProjFn failed");
    s->cvode_ready = 1;
  }
  muskx_linear_solver ls = choose_ls(s);
  if ((int)ls != s->ls_built) {
    free_ls(s);
    muskx_status st = ls == MUSKX_LS_SPGMR ? attach_spgmr(s, n)
                                           : attach_direct(s, ls, n);
    if (st != MUSKX_OK) {
      free_ls(s);
      return st;
    }
    s->ls_built = (int)ls;
  }
  int any_nonneg;
  muskx_status st = muskx__sim_tolerance_vectors(s, n, &any_nonneg);
  if (st != MUSKX_OK) return st;
  CVodeSVtolerances(s->cvode, s->rtol, s->abstol);
  CVodeSetMaxNumSteps(s->cvode, s->max_steps);
  CVodeSetMaxStep(s->cvode, s->hmax);
  if (any_nonneg) CVodeSetConstraints(s->cvode, s->constraints);
  s->stats[MUSKX_STAT_LINEAR_SOLVER] = ls;
  return MUSKX_OK;
}

static void accumulate_stats(muskx_sim *s) {
  long v;
  if (CVodeGetNumSteps(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_STEPS] += v;
  if (CVodeGetNumRhsEvals(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_RHS_EVALS] += v;
  if (CVodeGetNumJacEvals(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_JAC_EVALS] += v;
  if (CVodeGetNumLinSolvSetups(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_LIN_SETUPS] += v;
  if (CVodeGetNumErrTestFails(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_ERR_TEST_FAILS] += v;
  if (CVodeGetNumNonlinSolvIters(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_NONLIN_ITERS] += v;
  if (CVodeGetNumNonlinSolvConvFails(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_CONV_FAILS] += v;
  if (CVodeGetNumGEvals(s->cvode, &v) == CV_SUCCESS) s->stats[MUSKX_STAT_ROOT_EVALS] += v;
}

static muskx_status reinit(muskx_sim *s, double t) {
  accumulate_stats(s);
  s->stats[MUSKX_STAT_REINITS]++;
  /* an event may have changed the totals or the volumes */
  muskx_status st = muskx__cons_reset(s, N_VGetArrayPointer(s->y));
  if (st != MUSKX_OK) return st;
  if (CVodeReInit(s->cvode, t, s->y) != CV_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER, "t=%g: CVodeReInit failed: %s", t,
                          s->errmsg);
  if (s->keep_pivots) muskx__klu_ls_reuse(s->LS, 1);
  return muskx__sens_reinit(s, t);
}

/* ---- the run ----------------------------------------------------------- */

/* Models with delay(): CVODE goes step by step (CV_ONE_STEP) so that every
   accepted step becomes a history point (delay.c); a requested time inside
   a step is interpolated with CVodeGetDky, the same value CV_NORMAL gives.
   A root return records the state at the root, not the step past it; a
   root beyond tout is held (root_pending) until tout has been reported,
   as CV_NORMAL does. */
static int advance(muskx_sim *s, double tout, double *tret, N_Vector yout) {
  if (s->p->ndelays == 0) {
    int flag = CVode(s->cvode, tout, yout, tret, CV_NORMAL);
    /* CVODE reports success when a step size of 0 "passes" tout: the
       state is then extrapolated, not integrated (issue 16) */
    double tn;
    if (flag >= 0 && CVodeGetCurrentTime(s->cvode, &tn) == CV_SUCCESS &&
        tn < *tret) {
      s->newton_time = tn;
      s->newton_gamma = 0;
      return CV_TOO_CLOSE;
    }
    return flag;
  }
  double tn;
  if (s->yprobe == NULL && (s->yprobe = N_VClone(s->y)) == NULL)
    return CV_MEM_FAIL;
  if (!isnan(s->root_pending)) {
    double tr = s->root_pending;
    if (tr <= tout) s->root_pending = NAN;
    *tret = tr <= tout ? tr : tout;
    if (CVodeGetDky(s->cvode, *tret, 0, s->y) != CV_SUCCESS) return CV_MEM_NULL;
    return tr <= tout ? CV_ROOT_RETURN : CV_SUCCESS;
  }
  for (;;) {
    if (CVodeGetCurrentTime(s->cvode, &tn) != CV_SUCCESS) return CV_MEM_NULL;
    if (tn >= tout) break;
    int flag = CVode(s->cvode, tout, s->y, tret, CV_ONE_STEP);
    if (flag < 0) return flag;
    if (CVodeGetDky(s->cvode, *tret, 1, s->yprobe) != CV_SUCCESS ||
        muskx__delay_push(s, *tret, N_VGetArrayPointer(s->y),
                          N_VGetArrayPointer(s->yprobe)) != MUSKX_OK)
      return CV_MEM_FAIL;
    if (flag == CV_ROOT_RETURN && *tret > tout) {
      s->root_pending = *tret;
      break;
    }
    /* A stop beyond tout (the step landed on a later discontinuity):
       report tout first by interpolation, as CV_NORMAL does; the stop is
       handled when the run asks for it (tn >= tout then). */
    if (flag == CV_TSTOP_RETURN && *tret > tout) break;
    if (flag == CV_ROOT_RETURN || flag == CV_TSTOP_RETURN) return flag;
  }
  int flag = CVodeGetDky(s->cvode, tout, 0, s->y);
  *tret = tout;
  return flag == CV_SUCCESS ? CV_SUCCESS : flag;
}

/* After the start or an event at t: the (new) state is a history point. */
static muskx_status history_point(muskx_sim *s, double t) {
  if (s->p->ndelays == 0) return MUSKX_OK;
  muskx_status st = muskx__delay_push(s, t, N_VGetArrayPointer(s->y), NULL);
  if (st == MUSKX_OK && s->bad_delay >= 0) {
    const int32_t *pos = &s->p->delay_pos[2 * s->bad_delay];
    s->fail_time = s->bad_delay_time;
    return muskx__sim_err(s, MUSKX_ENONFINITE,
                          "t=%g: delay() at %s:%d:%d has a negative delay "
                          "(tau = %g)", s->bad_delay_time, s->m->source,
                          pos[0], pos[1], s->bad_delay_tau);
  }
  return st;
}

/* Interpolated state a little past a root at t, inside CVODE's last step:
   far enough that a crossing condition has its new truth value, close
   enough that nothing else happened (100x CVODE's own root tolerance). */
static void set_probe(muskx_sim *s, double t) {
  double tn = t, h = 0;
  s->probe_y = NULL;
  if (CVodeGetCurrentTime(s->cvode, &tn) != CV_SUCCESS ||
      CVodeGetLastStep(s->cvode, &h) != CV_SUCCESS)
    return;
  double dt = 1e4 * DBL_EPSILON * (fabs(t) + fabs(h));
  double tp = t + dt < tn ? t + dt : tn;
  if (!(tp > t)) return;
  if (s->yprobe == NULL && (s->yprobe = N_VClone(s->y)) == NULL) return;
  if (CVodeGetDky(s->cvode, tp, 0, s->yprobe) != CV_SUCCESS) return;
  muskx__events_probe_set(s, tp);
}

/* Names what went wrong at a CVODE failure: the non-finite expression if
   the right-hand side produced one, else the species with the largest
   weighted local error. */
static muskx_status solver_failure(muskx_sim *s, int flag, double t) {
  char cvmsg[512];
  size_t len = strnlen(s->errmsg, sizeof cvmsg - 1);
  memcpy(cvmsg, s->errmsg, len);
  cvmsg[len] = '\0';
  s->fail_time = t;
  const muskx_model *m = s->m;
  char *fname = CVodeGetReturnFlagName(flag);
  const char *flagname = fname ? fname : "?";
  /* SUNDIALS 6.4 names some flags "NONE"; say what they mean instead. */
  if (flag == CV_CONSTR_FAIL)
    flagname = "CV_CONSTR_FAIL: a nonnegative species could not be kept >= 0 "
               "(try tighter tolerances)";
  else if (strcmp(flagname, "NONE") == 0)
    flagname = "unnamed CVODE flag";
  muskx_status st;
  /* Too much work is a step budget spent, whatever the trial values met on
     the way: name the worst species instead. */
  if (!isnan(s->newton_time) && s->newton_gamma == 0) {
    st = muskx__sim_err(s, MUSKX_ENONFINITE,
                        "t=%g: CVODE's step size fell to 0 (largest Jacobian "
                        "entry %g): the model's rates are too fast to "
                        "integrate in double precision", s->newton_time,
                        s->jac_maxabs);
    s->fail_time = s->newton_time;
  } else if (!isnan(s->newton_time)) {
    st = muskx__sim_err(s, MUSKX_ENONFINITE,
                        "t=%g: the Newton matrix I - gamma J overflows (gamma "
                        "= %g, largest Jacobian entry %g): the model's rates "
                        "are too fast to integrate in double precision",
                        s->newton_time, s->newton_gamma, s->jac_maxabs);
    s->fail_time = s->newton_time;
  } else if (s->p->ndelays > 0 && s->bad_delay >= 0) {
    const int32_t *pos = &s->p->delay_pos[2 * s->bad_delay];
    st = muskx__sim_err(s, MUSKX_ENONFINITE,
                        "t=%g: delay() at %s:%d:%d has a negative delay "
                        "(tau = %g)", s->bad_delay_time, m->source, pos[0],
                        pos[1], s->bad_delay_tau);
    s->fail_time = s->bad_delay_time;
  } else if (!isnan(s->bad_time) && flag != CV_TOO_MUCH_WORK) {
    st = muskx__events_nonfinite_error(s, flagname);
  } else {
    N_Vector ele = N_VClone(s->y), ewt = N_VClone(s->y);
    /* CVODE's error estimate exists only once a step was attempted since
       the last (re)start; before that it is uninitialised memory (issue
       16: a Zeno model failing right after an event, seen by valgrind) */
    long nst = 0, netf = 0, ncfn = 0;
    int tried = CVodeGetNumSteps(s->cvode, &nst) == CV_SUCCESS &&
                CVodeGetNumErrTestFails(s->cvode, &netf) == CV_SUCCESS &&
                CVodeGetNumNonlinSolvConvFails(s->cvode, &ncfn) == CV_SUCCESS &&
                nst + netf + ncfn > 0;
    int have = tried && ele && ewt &&
               CVodeGetEstLocalErrors(s->cvode, ele) == CV_SUCCESS &&
               CVodeGetErrWeights(s->cvode, ewt) == CV_SUCCESS;
    const char *worst = muskx__events_worst_species(
        s, have ? N_VGetArrayPointer(ele) : NULL,
        have ? N_VGetArrayPointer(ewt) : NULL);
    const char *label = "; worst species '";
    /* A convergence failure at the smallest step leaves every error
       estimate 0: rank by the rate |dy/dt| weighted as the errors are, so
       the species running away (a blow-up) is named, not the first one. */
    double tcur = t;
    if (have && strcmp(worst, "?") == 0 &&
        CVodeGetCurrentTime(s->cvode, &tcur) == CV_SUCCESS &&
        CVodeGetDky(s->cvode, tcur, 1, ele) == CV_SUCCESS) {
      worst = muskx__events_worst_species(s, N_VGetArrayPointer(ele),
                                          N_VGetArrayPointer(ewt));
      label = "; fastest-changing species (|rate| / tolerance) '";
    }
    if (ele) N_VDestroy(ele);
    if (ewt) N_VDestroy(ewt);
    /* What the common failures mean, before CVODE's own text (issue 16:
       "Trouble interpolating at tout" told a user nothing). */
    const char *meaning =
        flag == CV_TOO_MUCH_WORK ? "the step budget was spent before the next "
                                   "output time (raise --max-steps, or the model "
                                   "is very stiff or oscillates fast)"
        : flag == CV_ERR_FAILURE ? "the error test failed repeatedly (a "
                                   "discontinuity the solver cannot step over, or "
                                   "tolerances that are too tight)"
        : flag == CV_CONV_FAILURE ? "the Newton iteration kept failing to "
                                    "converge (a rate that jumps, or a solution "
                                    "that leaves its domain)"
        : flag == CV_TOO_CLOSE || flag == CV_ILL_INPUT
            ? "the solver could not advance (rates too fast or times too close "
              "for double precision)"
            : "the solver failed";
    /* No error estimate to rank the species by: say nothing rather than
       "worst species '?'"; a nonnegative species whose rate stays below 0
       at 0 is then the usual cause. */
    int known = strcmp(worst, "?") != 0;
    const char *nonneg =
        s->constraints != NULL && (flag == CV_CONV_FAILURE || flag == CV_ERR_FAILURE)
            ? "; a species declared nonnegative may have a rate that stays "
              "below 0 at 0, which no solution can meet"
            : "";
    st = muskx__sim_err(s, MUSKX_ESOLVER, "t=%g: %s%s%s%s%s (CVODE %s: %.300s)",
                        t, meaning, known ? label : "",
                        known ? worst : "", known ? "'" : "", nonneg, flagname,
                        cvmsg);
  }
  free(fname); /* allocated by SUNDIALS */
  return st;
}

muskx_status muskx__solver_run(muskx_sim *s, const double *y0,
                               const double *times, size_t ntimes,
                               double *out, size_t *rows_done,
                               double *yfinal) {
  /* algebraic equations: IDA (dae.c), with the same run semantics */
  if (s->p->nalg > 0)
    return muskx__dae_run(s, y0, times, ntimes, out, rows_done, yfinal);
  const muskx_model *m = s->m;
  int n = m->nspecies, ncols = muskx_sim_ncols(s);
  size_t k = 0;
  double t = times[0];
  muskx_status st = MUSKX_OK;
  memset(s->stats, 0, sizeof s->stats);
  s->fail_time = NAN;
  s->bad_time = NAN;
  s->newton_time = NAN;
  s->jac_maxabs = 0;
  s->errmsg[0] = '\0';
  if (!s->autonomous) muskx__sim_inputs_at(s, t);
  if ((st = muskx__events_schedule(s, t)) != MUSKX_OK) goto done;
  if ((st = setup_cvode(s, t)) != MUSKX_OK) goto done;
  /* the parameters may have changed since the last run (sim.c,
     muskx__sim_eval_rhs_to; events.c clears it again at every stop) */
  s->native_checked = 0;
  double *y = N_VGetArrayPointer(s->y);
  y[0] = 0.0; /* the placeholder state when there are no species */
  memcpy(y, y0, (size_t)n * sizeof *y);
  s->root_pending = NAN;
  if (s->p->ndelays > 0) {
    /* Steps no longer than the smallest constant delay: the right-hand
       side then only needs history from before the current step. */
    if ((st = muskx__delay_reset(s)) != MUSKX_OK) goto done;
    double taumin = muskx__delay_min_tau(s);
    if (isfinite(taumin) && !(s->hmax > 0 && s->hmax <= taumin))
      CVodeSetMaxStep(s->cvode, taumin);
  }

  /* Conditional events start from their initial_value; one already true at
     the start fires only if initial_value is false. */
  if ((st = muskx__events_start(s, t, y)) != MUSKX_OK) goto done;
  int changed = 0;
  if ((st = muskx__events_fire_due(s, t, y, &changed)) != MUSKX_OK) goto done;
  if ((st = history_point(s, t)) != MUSKX_OK) goto done;
  {
    /* CVodeReInit zeroes CVODE's counters: nothing of a previous run
       leaks into this run's statistics. */
    if ((st = muskx__cons_reset(s, y)) != MUSKX_OK) goto done;
    if (CVodeReInit(s->cvode, t, s->y) != CV_SUCCESS) {
      st = muskx__sim_err(s, MUSKX_ESOLVER, "CVodeReInit failed: %s", s->errmsg);
      goto done;
    }
    /* a run's first factorisation is from scratch, whatever ran before */
    muskx__klu_ls_reuse(s->LS, 0);
    if ((st = muskx__sens_reinit(s, t)) != MUSKX_OK) goto done;
  }
  /* Sample times (not stops) of an ensemble member interpolate only the
     states its columns read (muskx__sim_sample_states), into ysample;
     rows are recorded from it. Everything else -- stops, events,
     failures, a final state -- sees the full state in y. sample_on is
     never set for models with root functions or delays
     (muskx__sim_sample_states says why). */
  int sampled = s->sample_on && yfinal == NULL && s->sens_out == NULL &&
                !s->sens_active;
  if (sampled && s->ysample == NULL)
    s->ysample = muskx__nvector_new_sampled(cv_size(s), s->ctx, s->sample_idx,
                                            s->sample_n);
  if (s->ysample == NULL) sampled = 0; /* out of memory: full rows */
  const double *yrec = y;
  while (k < ntimes) {
    if (times[k] <= t) {
      muskx__events_record(s, t, yrec, out + k * (size_t)ncols);
      if ((st = muskx__sim_check_row(s, t, out + k * (size_t)ncols)) != MUSKX_OK)
        goto done;
      if (s->sens_out != NULL)
        muskx__sens_record(s, t, y, s->sens_out + k * (size_t)ncols * s->nsens);
      k++;
      continue;
    }
    double tdisc = muskx__events_next_stop(s, t);
    double tstop = times[k] < tdisc ? times[k] : tdisc;
    {
      double tret = t;
      /* Stop only at discontinuities; output times are reached by CVODE's
         interpolation (CV_NORMAL), so outputs cost no extra steps. With no
         discontinuity ahead the stop is put out of reach. */
      CVodeSetStopTime(s->cvode, isfinite(tdisc) ? tdisc : NO_STOP);
      /* only a non-finite value met in this interval explains a failure
         in it (issue 9: not one CVODE recovered from long before) */
      s->bad_time = NAN;
      int part = sampled && times[k] < tdisc;
      int flag = advance(s, tstop, &tret, part ? s->ysample : s->y);
      yrec = y;
      if (part && flag == CV_SUCCESS) {
        yrec = N_VGetArrayPointer(s->ysample);
      } else if (part) {
        /* a failure: CVODE wrote its last state zn[0] whole (N_VScale);
           any other return, the full interpolation at tret */
        if (flag < 0 || CVodeGetDky(s->cvode, tret, 0, s->y) != CV_SUCCESS)
          N_VScale(1.0, s->ysample, s->y);
      }
      if (flag < 0) {
        st = solver_failure(s, flag, tret);
        goto done;
      }
      t = tret;
      if ((st = muskx__sens_fetch(s, t)) != MUSKX_OK) goto done;
      if (flag == CV_ROOT_RETURN) {
        changed = 0;
        set_probe(s, t);
        if ((st = muskx__sens_root_begin(s, t, y)) != MUSKX_OK) goto done;
        /* which roots: an equality on one is true at this instant */
        if (CVodeGetRootInfo(s->cvode, s->rootsfound) != CV_SUCCESS)
          memset(s->rootsfound, 0, (size_t)s->p->nroots * sizeof *s->rootsfound);
        st = muskx__events_fire_due(s, t, y, &changed);
        s->probe_y = NULL;
        if (st == MUSKX_OK) st = muskx__sens_root_end(s, t, y, changed);
        if (st != MUSKX_OK || (st = history_point(s, t)) != MUSKX_OK) goto done;
        /* Restart even when nothing changed: continuing from a root where
           some g is exactly 0 makes CVODE stop with "root found at and very
           near t" (CV_ILL_INPUT); a restart re-arms root finding cleanly. */
        if ((st = reinit(s, t)) != MUSKX_OK) goto done;
        continue;
      }
    }
    if (t >= tdisc) {
      /* Restart only if something the right-hand side sees changed: a
         state, a parameter, or an input's value or slope. A restart costs
         CVODE its step-size and order history. */
      changed = muskx__events_inputs_changed_at(s, t);
      if ((st = muskx__events_fire_due(s, t, y, &changed)) != MUSKX_OK) goto done;
      if (changed && (st = history_point(s, t)) != MUSKX_OK) goto done;
      if (changed && (st = reinit(s, t)) != MUSKX_OK) goto done;
    }
  }
  if (yfinal != NULL) memcpy(yfinal, y, (size_t)n * sizeof *y);
done:
  if (st != MUSKX_OK && isnan(s->fail_time)) s->fail_time = t;
  if (n > 0 && s->cvode_ready) accumulate_stats(s);
  if (rows_done != NULL) *rows_done = k;
  return st;
}

/* muskx_sim_run, and muskx_sim_run_sens when sens is not NULL. */
static muskx_status run_checked(muskx_sim *s, const double *times,
                                size_t ntimes, double *out, size_t *rows_done,
                                double *sens) {
  if (times == NULL || ntimes == 0 || out == NULL)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "run needs at least one output time and a buffer");
  for (size_t k = 0; k < ntimes; k++) {
    if (!isfinite(times[k]))
      return muskx__sim_err(s, MUSKX_EINVAL, "output time %zu is not finite",
                            k);
    if (k > 0 && times[k] < times[k - 1])
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "output times must not decrease (time %zu: %g "
                            "after %g)", k, times[k], times[k - 1]);
  }
  muskx_status tst = muskx__sim_check_times(s, times, ntimes);
  if (tst != MUSKX_OK) return tst;
  double *y0 = muskx__calloc((size_t)s->m->nspecies + 1, sizeof *y0);
  if (y0 == NULL) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
  s->t_start = times[0];
  muskx__sim_load_values(s, y0);
  s->t_start = 0.0; /* steady state and eval_rhs work at t = 0 */
  /* a volume derived from parameters the caller changed */
  for (int i = 0; i < s->m->ncompartments; i++) {
    double v = s->R[s->p->reg_param0 + s->m->nparams + i];
    if (!(v > 0) || !isfinite(v)) {
      muskx__free(y0);
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "volume of compartment '%s' is %g at the current "
                            "parameter values (it must be > 0)",
                            s->m->compartments[i].name, v);
    }
  }
  muskx_status st = MUSKX_OK;
  if (sens != NULL && (st = muskx__sens_prepare(s, y0)) != MUSKX_OK) {
    muskx__free(y0);
    return st;
  }
  s->sens_active = sens != NULL;
  s->sens_out = sens;
  st = muskx__solver_run(s, y0, times, ntimes, out, rows_done, NULL);
  s->sens_active = 0;
  s->sens_out = NULL;
  muskx__free(y0);
  return st;
}

muskx_status muskx_sim_run(muskx_sim *s, const double *times, size_t ntimes,
                           double *out, size_t *rows_done) {
  if (rows_done != NULL) *rows_done = 0;
  if (s == NULL) return MUSKX_EINVAL;
  return run_checked(s, times, ntimes, out, rows_done, NULL);
}

muskx_status muskx_sim_run_sens(muskx_sim *s, const double *times, int ntimes,
                                double *out, double *sens) {
  if (s == NULL) return MUSKX_EINVAL;
  if (ntimes <= 0 || sens == NULL)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "run with sensitivities needs at least one output "
                          "time, a buffer and a sensitivity buffer");
  if (s->ncolumns > 0)
    return muskx__sim_err(s, MUSKX_ESTATE,
                          "run with sensitivities: columns were chosen with "
                          "muskx_sim_select(); sensitivities follow the "
                          "default columns (select none first)");
  return run_checked(s, times, (size_t)ntimes, out, NULL, sens);
}
