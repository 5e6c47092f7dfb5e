/*
 * robertson_hand.c -- Robertson's problem written directly against CVODE,
 * the way SUNDIALS' examples/cvode/serial/cvRoberts_dns.c does it: a C
 * right-hand side, the analytic dense Jacobian, the SUNDIALS dense linear
 * solver, BDF with Newton iteration, scalar rtol and per-species atol. No
 * root functions (libmuskx has no events in this model either).
 *
 *   dy1/dt = -k1 y1 + k3 y2 y3
 *   dy2/dt =  k1 y1 - k3 y2 y3 - k2 y2^2
 *   dy3/dt =  k2 y2^2
 *   k1 = 0.04, k2 = 3e7, k3 = 1e4;  y(0) = (1, 0, 0)
 *
 * The problem constants travel in user data (no globals), and every
 * SUNDIALS call is checked, as in the SUNDIALS examples.
 */
#include "robertson_hand.h"

#include <stdio.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

typedef struct rates {
  double k1, k2, k3;
} rates;

static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user_data) {
  const rates *k = user_data;
  const sunrealtype *Y = N_VGetArrayPointer(y);
  sunrealtype *D = N_VGetArrayPointer(ydot);
  sunrealtype r1 = k->k1 * Y[0], r2 = k->k2 * Y[1] * Y[1],
              r3 = k->k3 * Y[1] * Y[2];
  (void)t;
  D[0] = -r1 + r3;
  D[1] = r1 - r2 - r3;
  D[2] = r2;
  return 0;
}

/*
 * J = df/dy, column-major (SM_ELEMENT_D(J, row, col)):
 *   row 1: d/dy1 = -k1,  d/dy2 =  k3 y3,            d/dy3 =  k3 y2
 *   row 2: d/dy1 =  k1,  d/dy2 = -k3 y3 - 2 k2 y2,  d/dy3 = -k3 y2
 *   row 3: d/dy1 =  0,   d/dy2 =  2 k2 y2,          d/dy3 =  0
 */
static int jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
               void *user_data, N_Vector tmp1, N_Vector tmp2, N_Vector tmp3) {
  const rates *k = user_data;
  const sunrealtype *Y = N_VGetArrayPointer(y);
  (void)t, (void)fy, (void)tmp1, (void)tmp2, (void)tmp3;
  SM_ELEMENT_D(J, 0, 0) = -k->k1;
  SM_ELEMENT_D(J, 0, 1) = k->k3 * Y[2];
  SM_ELEMENT_D(J, 0, 2) = k->k3 * Y[1];
  SM_ELEMENT_D(J, 1, 0) = k->k1;
  SM_ELEMENT_D(J, 1, 1) = -k->k3 * Y[2] - 2.0 * k->k2 * Y[1];
  SM_ELEMENT_D(J, 1, 2) = -k->k3 * Y[1];
  SM_ELEMENT_D(J, 2, 0) = 0.0;
  SM_ELEMENT_D(J, 2, 1) = 2.0 * k->k2 * Y[1];
  SM_ELEMENT_D(J, 2, 2) = 0.0;
  return 0;
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

int robertson_hand_run(const robertson_hand_settings *s, const double *tout,
                       int nout, double *yout, robertson_hand_stats *stats,
                       char *err, size_t errsize) {
  rates k = {0.04, 3.0e7, 1.0e4};
  SUNContext ctx = NULL;
  N_Vector y = NULL, abstol = NULL;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  void *mem = NULL;
  sunrealtype t = 0.0;
  int i, status = -1;

  if (SUNContext_Create(NULL, &ctx) != 0) {
    snprintf(err, errsize, "SUNContext_Create failed");
    return -1;
  }
  y = N_VNew_Serial(3, ctx);
  CHECK_PTR(y, "N_VNew_Serial");
  abstol = N_VNew_Serial(3, ctx);
  CHECK_PTR(abstol, "N_VNew_Serial");
  NV_Ith_S(y, 0) = 1.0;
  NV_Ith_S(y, 1) = 0.0;
  NV_Ith_S(y, 2) = 0.0;
  for (i = 0; i < 3; i++) NV_Ith_S(abstol, i) = s->atol[i];

  mem = CVodeCreate(CV_BDF, ctx);
  CHECK_PTR(mem, "CVodeCreate");
  CHECK_FLAG(CVodeInit(mem, rhs, 0.0, y));
  CHECK_FLAG(CVodeSetUserData(mem, &k));
  CHECK_FLAG(CVodeSVtolerances(mem, s->rtol, abstol));
  CHECK_FLAG(CVodeSetMaxNumSteps(mem, s->max_steps));
  CHECK_FLAG(CVodeSetInitStep(mem, s->h0));
  CHECK_FLAG(CVodeSetMaxOrd(mem, s->max_order));
  A = SUNDenseMatrix(3, 3, ctx);
  CHECK_PTR(A, "SUNDenseMatrix");
  LS = SUNLinSol_Dense(y, A, ctx);
  CHECK_PTR(LS, "SUNLinSol_Dense");
  CHECK_FLAG(CVodeSetLinearSolver(mem, LS, A));
  CHECK_FLAG(CVodeSetJacFn(mem, jac));

  for (i = 0; i < nout; i++) {
    int flag = CVode(mem, tout[i], y, &t, CV_NORMAL);
    if (flag < 0) {
      snprintf(err, errsize, "CVode failed at t=%g with flag %d (%s)", t,
               flag, CVodeGetReturnFlagName(flag));
      goto done;
    }
    yout[3 * i + 0] = NV_Ith_S(y, 0);
    yout[3 * i + 1] = NV_Ith_S(y, 1);
    yout[3 * i + 2] = NV_Ith_S(y, 2);
  }
  if (stats) {
    CHECK_FLAG(CVodeGetNumSteps(mem, &stats->steps));
    CHECK_FLAG(CVodeGetNumRhsEvals(mem, &stats->rhs_evals));
    CHECK_FLAG(CVodeGetNumJacEvals(mem, &stats->jac_evals));
    CHECK_FLAG(CVodeGetNumLinSolvSetups(mem, &stats->lin_setups));
    CHECK_FLAG(CVodeGetNumErrTestFails(mem, &stats->err_test_fails));
  }
  status = 0;

done:
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(abstol);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
  return status;
}
