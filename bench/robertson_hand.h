/*
 * robertson_hand.h -- Robertson's problem solved by hand-written CVODE code,
 * the baseline libmuskx is timed against (bench/bench_robertson.c).
 */
#ifndef ROBERTSON_HAND_H
#define ROBERTSON_HAND_H

#include <stddef.h>

/* CVODE settings; bench_robertson.c gives libmuskx the same ones. */
typedef struct robertson_hand_settings {
  double rtol;
  double atol[3]; /* per species: A, B, C */
  long max_steps; /* CVodeSetMaxNumSteps, per output */
  double h0;      /* CVodeSetInitStep; 0: CVODE estimates it */
  int max_order;  /* CVodeSetMaxOrd; BDF allows at most 5 */
} robertson_hand_settings;

typedef struct robertson_hand_stats {
  long steps, rhs_evals, jac_evals, lin_setups, err_test_fails;
} robertson_hand_stats;

/*
 * Integrates from t = 0, y = (1, 0, 0) and writes y at each of the nout
 * times (increasing, > 0) into yout (nout rows of 3). Creates and frees
 * every SUNDIALS object itself, like one libmuskx create+run+free.
 * Returns 0, or -1 with a message in err.
 */
int robertson_hand_run(const robertson_hand_settings *s, const double *tout,
                       int nout, double *yout, robertson_hand_stats *stats,
                       char *err, size_t errsize);

#endif
