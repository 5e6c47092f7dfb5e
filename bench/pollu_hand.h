/*
 * pollu_hand.h -- POLLU (bench/models/pollu.yaml) solved by hand-written
 * CVODE code, the baseline libmuskx is timed against on a 20-species stiff
 * network (bench/bench_suite.c; issue 8).
 */
#ifndef POLLU_HAND_H
#define POLLU_HAND_H

#include <stddef.h>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#define POLLU_N 20

/* CVODE settings; bench_suite.c gives libmuskx the same ones. */
typedef struct pollu_hand_settings {
  double rtol, atol; /* scalar tolerances */
  long max_steps;    /* CVodeSetMaxNumSteps, per output */
  int klu;           /* 0: SUNDIALS dense solver; 1: KLU, sparse Jacobian */
  /* NULL: N_VNew_Serial, SUNDIALS' vector as a user gets it; else this
     constructor (bench_suite passes libmuskx's muskx__nvector_new to
     separate the library's overhead from its vector kernels) */
  N_Vector (*new_vector)(int n, SUNContext ctx);
} pollu_hand_settings;

typedef struct pollu_hand_stats {
  long steps, rhs_evals, jac_evals;
} pollu_hand_stats;

/*
 * Integrates from t = 0 at the Test Set's initial values and writes y at
 * each of the nout times (increasing, > 0) into yout (nout rows of
 * POLLU_N, species in the order of pollu.yaml). Creates and frees every
 * SUNDIALS object itself, like one libmuskx create + run + free.
 * Returns 0, or -1 with a message in err.
 */
int pollu_hand_run(const pollu_hand_settings *s, const double *tout, int nout,
                   double *yout, pollu_hand_stats *stats, char *err,
                   size_t errsize);

#endif
