/*
 * pollu_hand.c -- POLLU written directly against CVODE, as the SUNDIALS
 * examples (cvRoberts_dns.c) and the Test Set's pollu.f do it: a C
 * right-hand side, the analytic dense Jacobian, the SUNDIALS dense linear
 * solver, BDF with Newton iteration, scalar rtol and atol.
 *
 * Species (index): NO2 0, NO 1, O3P 2, O3 3, HO2 4, OH 5, HCHO 6, CO 7,
 * ALD 8, MEO2 9, C2O3 10, CO2 11, PAN 12, CH3O 13, HNO3 14, O1D 15, SO2 16,
 * SO4 17, NO3 18, N2O5 19 -- the order of bench/models/pollu.yaml. The 25
 * mass-action rates r_j = k_j * (reactants) and dy/dt = S r are those of
 * Verwer (1994) and the Test Set's pollu.f (see pollu.yaml for sources).
 *
 * Jacobian: for a reaction with rate k a b, d r/d a = k b and d r/d b = k a;
 * each partial is added into the rows of the species the reaction changes,
 * times their net stoichiometric coefficient. CVODE zeroes J before calling
 * jac (CVODE manual, "Jacobian construction (matrix-based linear solvers)").
 * The problem constants travel in user data (no globals).
 *
 * With settings->klu, the same Jacobian goes to SUNDIALS' KLU solver (the
 * solver libmuskx picks for POLLU by default), as a hand-writer would do
 * it without writing a second Jacobian: jac fills a dense scratch matrix,
 * and the CSC matrix takes its entries at the structural pattern found
 * once at setup (the entries jac touches at y = 1, plus the diagonal that
 * CVODE's I - gamma J needs).
 */
#include "pollu_hand.h"

#include <stdio.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

/* Verwer (1994), Table 1; pollu.f. */
static const double pollu_k[25] = {
    0.35,    26.6,   1.23e4, 8.6e-4, 8.2e-4, 1.5e4,  1.3e-4, 2.4e4, 1.65e4,
    9.0e3,   0.022,  1.2e4,  1.88,   1.63e4, 4.8e6,  3.5e-4, 0.0175, 1.0e8,
    4.44e11, 1240.0, 2.1,    5.78,   0.0474, 1780.0, 3.12};

static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user_data) {
  const double *k = user_data;
  const sunrealtype *Y = N_VGetArrayPointer(y);
  sunrealtype *D = N_VGetArrayPointer(ydot);
  double r[25];
  (void)t;
  r[0] = k[0] * Y[0];  /* NO2 -> NO + O3P */
  r[1] = k[1] * Y[1] * Y[3];  /* NO + O3 -> NO2 */
  r[2] = k[2] * Y[4] * Y[1];  /* HO2 + NO -> NO2 + OH */
  r[3] = k[3] * Y[6];  /* HCHO -> 2 HO2 + CO */
  r[4] = k[4] * Y[6];  /* HCHO -> CO */
  r[5] = k[5] * Y[6] * Y[5];  /* HCHO + OH -> HO2 + CO */
  r[6] = k[6] * Y[8];  /* ALD -> MEO2 + HO2 + CO */
  r[7] = k[7] * Y[8] * Y[5];  /* ALD + OH -> C2O3 */
  r[8] = k[8] * Y[10] * Y[1];  /* C2O3 + NO -> NO2 + MEO2 + CO2 */
  r[9] = k[9] * Y[10] * Y[0];  /* C2O3 + NO2 -> PAN */
  r[10] = k[10] * Y[12];  /* PAN -> C2O3 + NO2 */
  r[11] = k[11] * Y[9] * Y[1];  /* MEO2 + NO -> CH3O + NO2 */
  r[12] = k[12] * Y[13];  /* CH3O -> HCHO + HO2 */
  r[13] = k[13] * Y[0] * Y[5];  /* NO2 + OH -> HNO3 */
  r[14] = k[14] * Y[2];  /* O3P -> O3 */
  r[15] = k[15] * Y[3];  /* O3 -> O1D */
  r[16] = k[16] * Y[3];  /* O3 -> O3P */
  r[17] = k[17] * Y[15];  /* O1D -> 2 OH */
  r[18] = k[18] * Y[15];  /* O1D -> O3P */
  r[19] = k[19] * Y[16] * Y[5];  /* SO2 + OH -> SO4 + HO2 */
  r[20] = k[20] * Y[18];  /* NO3 -> NO */
  r[21] = k[21] * Y[18];  /* NO3 -> NO2 + O3P */
  r[22] = k[22] * Y[0] * Y[3];  /* NO2 + O3 -> NO3 */
  r[23] = k[23] * Y[18] * Y[0];  /* NO3 + NO2 -> N2O5 */
  r[24] = k[24] * Y[19];  /* N2O5 -> NO3 + NO2 */

  D[0] = -r[0] + r[1] + r[2] + r[8] - r[9] + r[10] + r[11] - r[13] + r[21] - r[22] - r[23] + r[24];  /* NO2 */
  D[1] = r[0] - r[1] - r[2] - r[8] - r[11] + r[20];  /* NO */
  D[2] = r[0] - r[14] + r[16] + r[18] + r[21];  /* O3P */
  D[3] = -r[1] + r[14] - r[15] - r[16] - r[22];  /* O3 */
  D[4] = -r[2] + 2.0 * r[3] + r[5] + r[6] + r[12] + r[19];  /* HO2 */
  D[5] = r[2] - r[5] - r[7] - r[13] + 2.0 * r[17] - r[19];  /* OH */
  D[6] = -r[3] - r[4] - r[5] + r[12];  /* HCHO */
  D[7] = r[3] + r[4] + r[5] + r[6];  /* CO */
  D[8] = -r[6] - r[7];  /* ALD */
  D[9] = r[6] + r[8] - r[11];  /* MEO2 */
  D[10] = r[7] - r[8] - r[9] + r[10];  /* C2O3 */
  D[11] = r[8];  /* CO2 */
  D[12] = r[9] - r[10];  /* PAN */
  D[13] = r[11] - r[12];  /* CH3O */
  D[14] = r[13];  /* HNO3 */
  D[15] = r[15] - r[17] - r[18];  /* O1D */
  D[16] = -r[19];  /* SO2 */
  D[17] = r[19];  /* SO4 */
  D[18] = -r[20] - r[21] + r[22] - r[23] + r[24];  /* NO3 */
  D[19] = r[23] - r[24];  /* N2O5 */
  return 0;
}

#define J(i, j) SM_ELEMENT_D(Jm, i, j)

static int jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix Jm,
               void *user_data, N_Vector tmp1, N_Vector tmp2, N_Vector tmp3) {
  const double *k = user_data;
  const sunrealtype *Y = N_VGetArrayPointer(y);
  double d;
  (void)t, (void)fy, (void)tmp1, (void)tmp2, (void)tmp3;
  /* r1: NO2 -> NO + O3P */
  d = k[0];
  J(0, 0) -= d;  /* NO2 by NO2 */
  J(1, 0) += d;  /* NO by NO2 */
  J(2, 0) += d;  /* O3P by NO2 */
  /* r2: NO + O3 -> NO2 */
  d = k[1] * Y[3];
  J(1, 1) -= d;  /* NO by NO */
  J(3, 1) -= d;  /* O3 by NO */
  J(0, 1) += d;  /* NO2 by NO */
  d = k[1] * Y[1];
  J(1, 3) -= d;  /* NO by O3 */
  J(3, 3) -= d;  /* O3 by O3 */
  J(0, 3) += d;  /* NO2 by O3 */
  /* r3: HO2 + NO -> NO2 + OH */
  d = k[2] * Y[1];
  J(4, 4) -= d;  /* HO2 by HO2 */
  J(1, 4) -= d;  /* NO by HO2 */
  J(0, 4) += d;  /* NO2 by HO2 */
  J(5, 4) += d;  /* OH by HO2 */
  d = k[2] * Y[4];
  J(4, 1) -= d;  /* HO2 by NO */
  J(1, 1) -= d;  /* NO by NO */
  J(0, 1) += d;  /* NO2 by NO */
  J(5, 1) += d;  /* OH by NO */
  /* r4: HCHO -> 2 HO2 + CO */
  d = k[3];
  J(6, 6) -= d;  /* HCHO by HCHO */
  J(4, 6) += 2.0 * d;  /* HO2 by HCHO */
  J(7, 6) += d;  /* CO by HCHO */
  /* r5: HCHO -> CO */
  d = k[4];
  J(6, 6) -= d;  /* HCHO by HCHO */
  J(7, 6) += d;  /* CO by HCHO */
  /* r6: HCHO + OH -> HO2 + CO */
  d = k[5] * Y[5];
  J(6, 6) -= d;  /* HCHO by HCHO */
  J(5, 6) -= d;  /* OH by HCHO */
  J(4, 6) += d;  /* HO2 by HCHO */
  J(7, 6) += d;  /* CO by HCHO */
  d = k[5] * Y[6];
  J(6, 5) -= d;  /* HCHO by OH */
  J(5, 5) -= d;  /* OH by OH */
  J(4, 5) += d;  /* HO2 by OH */
  J(7, 5) += d;  /* CO by OH */
  /* r7: ALD -> MEO2 + HO2 + CO */
  d = k[6];
  J(8, 8) -= d;  /* ALD by ALD */
  J(9, 8) += d;  /* MEO2 by ALD */
  J(4, 8) += d;  /* HO2 by ALD */
  J(7, 8) += d;  /* CO by ALD */
  /* r8: ALD + OH -> C2O3 */
  d = k[7] * Y[5];
  J(8, 8) -= d;  /* ALD by ALD */
  J(5, 8) -= d;  /* OH by ALD */
  J(10, 8) += d;  /* C2O3 by ALD */
  d = k[7] * Y[8];
  J(8, 5) -= d;  /* ALD by OH */
  J(5, 5) -= d;  /* OH by OH */
  J(10, 5) += d;  /* C2O3 by OH */
  /* r9: C2O3 + NO -> NO2 + MEO2 + CO2 */
  d = k[8] * Y[1];
  J(10, 10) -= d;  /* C2O3 by C2O3 */
  J(1, 10) -= d;  /* NO by C2O3 */
  J(0, 10) += d;  /* NO2 by C2O3 */
  J(9, 10) += d;  /* MEO2 by C2O3 */
  J(11, 10) += d;  /* CO2 by C2O3 */
  d = k[8] * Y[10];
  J(10, 1) -= d;  /* C2O3 by NO */
  J(1, 1) -= d;  /* NO by NO */
  J(0, 1) += d;  /* NO2 by NO */
  J(9, 1) += d;  /* MEO2 by NO */
  J(11, 1) += d;  /* CO2 by NO */
  /* r10: C2O3 + NO2 -> PAN */
  d = k[9] * Y[0];
  J(10, 10) -= d;  /* C2O3 by C2O3 */
  J(0, 10) -= d;  /* NO2 by C2O3 */
  J(12, 10) += d;  /* PAN by C2O3 */
  d = k[9] * Y[10];
  J(10, 0) -= d;  /* C2O3 by NO2 */
  J(0, 0) -= d;  /* NO2 by NO2 */
  J(12, 0) += d;  /* PAN by NO2 */
  /* r11: PAN -> C2O3 + NO2 */
  d = k[10];
  J(12, 12) -= d;  /* PAN by PAN */
  J(10, 12) += d;  /* C2O3 by PAN */
  J(0, 12) += d;  /* NO2 by PAN */
  /* r12: MEO2 + NO -> CH3O + NO2 */
  d = k[11] * Y[1];
  J(9, 9) -= d;  /* MEO2 by MEO2 */
  J(1, 9) -= d;  /* NO by MEO2 */
  J(13, 9) += d;  /* CH3O by MEO2 */
  J(0, 9) += d;  /* NO2 by MEO2 */
  d = k[11] * Y[9];
  J(9, 1) -= d;  /* MEO2 by NO */
  J(1, 1) -= d;  /* NO by NO */
  J(13, 1) += d;  /* CH3O by NO */
  J(0, 1) += d;  /* NO2 by NO */
  /* r13: CH3O -> HCHO + HO2 */
  d = k[12];
  J(13, 13) -= d;  /* CH3O by CH3O */
  J(6, 13) += d;  /* HCHO by CH3O */
  J(4, 13) += d;  /* HO2 by CH3O */
  /* r14: NO2 + OH -> HNO3 */
  d = k[13] * Y[5];
  J(0, 0) -= d;  /* NO2 by NO2 */
  J(5, 0) -= d;  /* OH by NO2 */
  J(14, 0) += d;  /* HNO3 by NO2 */
  d = k[13] * Y[0];
  J(0, 5) -= d;  /* NO2 by OH */
  J(5, 5) -= d;  /* OH by OH */
  J(14, 5) += d;  /* HNO3 by OH */
  /* r15: O3P -> O3 */
  d = k[14];
  J(2, 2) -= d;  /* O3P by O3P */
  J(3, 2) += d;  /* O3 by O3P */
  /* r16: O3 -> O1D */
  d = k[15];
  J(3, 3) -= d;  /* O3 by O3 */
  J(15, 3) += d;  /* O1D by O3 */
  /* r17: O3 -> O3P */
  d = k[16];
  J(3, 3) -= d;  /* O3 by O3 */
  J(2, 3) += d;  /* O3P by O3 */
  /* r18: O1D -> 2 OH */
  d = k[17];
  J(15, 15) -= d;  /* O1D by O1D */
  J(5, 15) += 2.0 * d;  /* OH by O1D */
  /* r19: O1D -> O3P */
  d = k[18];
  J(15, 15) -= d;  /* O1D by O1D */
  J(2, 15) += d;  /* O3P by O1D */
  /* r20: SO2 + OH -> SO4 + HO2 */
  d = k[19] * Y[5];
  J(16, 16) -= d;  /* SO2 by SO2 */
  J(5, 16) -= d;  /* OH by SO2 */
  J(17, 16) += d;  /* SO4 by SO2 */
  J(4, 16) += d;  /* HO2 by SO2 */
  d = k[19] * Y[16];
  J(16, 5) -= d;  /* SO2 by OH */
  J(5, 5) -= d;  /* OH by OH */
  J(17, 5) += d;  /* SO4 by OH */
  J(4, 5) += d;  /* HO2 by OH */
  /* r21: NO3 -> NO */
  d = k[20];
  J(18, 18) -= d;  /* NO3 by NO3 */
  J(1, 18) += d;  /* NO by NO3 */
  /* r22: NO3 -> NO2 + O3P */
  d = k[21];
  J(18, 18) -= d;  /* NO3 by NO3 */
  J(0, 18) += d;  /* NO2 by NO3 */
  J(2, 18) += d;  /* O3P by NO3 */
  /* r23: NO2 + O3 -> NO3 */
  d = k[22] * Y[3];
  J(0, 0) -= d;  /* NO2 by NO2 */
  J(3, 0) -= d;  /* O3 by NO2 */
  J(18, 0) += d;  /* NO3 by NO2 */
  d = k[22] * Y[0];
  J(0, 3) -= d;  /* NO2 by O3 */
  J(3, 3) -= d;  /* O3 by O3 */
  J(18, 3) += d;  /* NO3 by O3 */
  /* r24: NO3 + NO2 -> N2O5 */
  d = k[23] * Y[0];
  J(18, 18) -= d;  /* NO3 by NO3 */
  J(0, 18) -= d;  /* NO2 by NO3 */
  J(19, 18) += d;  /* N2O5 by NO3 */
  d = k[23] * Y[18];
  J(18, 0) -= d;  /* NO3 by NO2 */
  J(0, 0) -= d;  /* NO2 by NO2 */
  J(19, 0) += d;  /* N2O5 by NO2 */
  /* r25: N2O5 -> NO3 + NO2 */
  d = k[24];
  J(19, 19) -= d;  /* N2O5 by N2O5 */
  J(18, 19) += d;  /* NO3 by N2O5 */
  J(0, 19) += d;  /* NO2 by N2O5 */
  return 0;
}

/* KLU: the dense Jacobian above, gathered into CSC at a fixed pattern. */
typedef struct sparse_data {
  const double *k;
  SUNMatrix dense;                       /* scratch for jac */
  sunindextype colptr[POLLU_N + 1], rowind[POLLU_N * POLLU_N], nnz;
} sparse_data;

static int rhs_sparse(sunrealtype t, N_Vector y, N_Vector ydot, void *ud) {
  return rhs(t, y, ydot, (void *)((sparse_data *)ud)->k);
}

static int jac_sparse(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix Jm,
                      void *ud, N_Vector tmp1, N_Vector tmp2, N_Vector tmp3) {
  sparse_data *d = ud;
  sunindextype *cp = SUNSparseMatrix_IndexPointers(Jm);
  sunindextype *ri = SUNSparseMatrix_IndexValues(Jm);
  sunrealtype *v = SUNSparseMatrix_Data(Jm);
  SUNMatZero(d->dense);
  jac(t, y, fy, d->dense, (void *)d->k, tmp1, tmp2, tmp3);
  /* SUNMatZero on a sparse matrix clears its pattern too: set it again */
  for (int j = 0; j <= POLLU_N; j++) cp[j] = d->colptr[j];
  for (int j = 0; j < POLLU_N; j++)
    for (sunindextype p = d->colptr[j]; p < d->colptr[j + 1]; p++) {
      ri[p] = d->rowind[p];
      v[p] = SM_ELEMENT_D(d->dense, d->rowind[p], j);
    }
  return 0;
}

/* The pattern: entries jac writes at y = 1 (every rate constant > 0), and
   the diagonal. */
static void sparse_pattern(sparse_data *d, N_Vector y) {
  N_VConst(1.0, y);
  SUNMatZero(d->dense);
  jac(0.0, y, y, d->dense, (void *)d->k, y, y, y);
  d->nnz = 0;
  for (int j = 0; j < POLLU_N; j++) {
    d->colptr[j] = d->nnz;
    for (int i = 0; i < POLLU_N; i++)
      if (i == j || SM_ELEMENT_D(d->dense, i, j) != 0.0)
        d->rowind[d->nnz++] = i;
  }
  d->colptr[POLLU_N] = d->nnz;
}

#define CHECK_FLAG(call)                                                     \
  do {                                                                       \
    int flag_ = (call);                                                      \
    if (flag_ < 0) {                                                         \
      snprintf(err, errsize, "%s failed with flag %d", #call, flag_);       \
      goto done;                                                             \
    }                                                                        \
  } while (0)
#define CHECK_PTR(p, what)                                                   \
  do {                                                                       \
    if ((p) == NULL) {                                                       \
      snprintf(err, errsize, "%s returned NULL", what);                      \
      goto done;                                                             \
    }                                                                        \
  } while (0)

int pollu_hand_run(const pollu_hand_settings *s, const double *tout, int nout,
                   double *yout, pollu_hand_stats *stats, char *err,
                   size_t errsize) {
  SUNContext ctx = NULL;
  N_Vector y = NULL;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  void *mem = NULL;
  sparse_data sd = {NULL, NULL, {0}, {0}, 0};
  sunrealtype t = 0.0;
  int i, j, status = -1;

  if (SUNContext_Create(NULL, &ctx) != 0) {
    snprintf(err, errsize, "SUNContext_Create failed");
    return -1;
  }
  y = s->new_vector ? s->new_vector(POLLU_N, ctx) : N_VNew_Serial(POLLU_N, ctx);
  CHECK_PTR(y, "N_VNew_Serial");
  if (s->klu) {
    sd.k = pollu_k;
    sd.dense = SUNDenseMatrix(POLLU_N, POLLU_N, ctx);
    CHECK_PTR(sd.dense, "SUNDenseMatrix");
    sparse_pattern(&sd, y);
  }
  N_VConst(0.0, y);
  NV_Ith_S(y, 1) = 0.2;    /* NO */
  NV_Ith_S(y, 3) = 0.04;   /* O3 */
  NV_Ith_S(y, 6) = 0.1;    /* HCHO */
  NV_Ith_S(y, 7) = 0.3;    /* CO */
  NV_Ith_S(y, 8) = 0.01;   /* ALD */
  NV_Ith_S(y, 16) = 0.007; /* SO2 */

  mem = CVodeCreate(CV_BDF, ctx);
  CHECK_PTR(mem, "CVodeCreate");
  CHECK_FLAG(CVodeInit(mem, s->klu ? rhs_sparse : rhs, 0.0, y));
  CHECK_FLAG(CVodeSetUserData(mem, s->klu ? (void *)&sd : (void *)pollu_k));
  CHECK_FLAG(CVodeSStolerances(mem, s->rtol, s->atol));
  CHECK_FLAG(CVodeSetMaxNumSteps(mem, s->max_steps));
  if (s->klu) {
    A = SUNSparseMatrix(POLLU_N, POLLU_N, sd.nnz, CSC_MAT, ctx);
    CHECK_PTR(A, "SUNSparseMatrix");
    LS = SUNLinSol_KLU(y, A, ctx);
    CHECK_PTR(LS, "SUNLinSol_KLU");
    CHECK_FLAG(SUNLinSol_KLUSetOrdering(LS, 0)); /* AMD, as libmuskx */
  } else {
    A = SUNDenseMatrix(POLLU_N, POLLU_N, ctx);
    CHECK_PTR(A, "SUNDenseMatrix");
    LS = SUNLinSol_Dense(y, A, ctx);
    CHECK_PTR(LS, "SUNLinSol_Dense");
  }
  CHECK_FLAG(CVodeSetLinearSolver(mem, LS, A));
  CHECK_FLAG(CVodeSetJacFn(mem, s->klu ? jac_sparse : jac));

  for (i = 0; i < nout; i++) {
    int flag = CVode(mem, tout[i], y, &t, CV_NORMAL);
    if (flag < 0) {
      snprintf(err, errsize, "CVode failed at t=%g with flag %d (%s)", t,
               flag, CVodeGetReturnFlagName(flag));
      goto done;
    }
    for (j = 0; j < POLLU_N; j++) yout[POLLU_N * i + j] = NV_Ith_S(y, j);
  }
  if (stats) {
    CHECK_FLAG(CVodeGetNumSteps(mem, &stats->steps));
    CHECK_FLAG(CVodeGetNumRhsEvals(mem, &stats->rhs_evals));
    CHECK_FLAG(CVodeGetNumJacEvals(mem, &stats->jac_evals));
  }
  status = 0;

done:
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  if (sd.dense) SUNMatDestroy(sd.dense);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
  return status;
}
