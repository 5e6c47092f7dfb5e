/*
 * bench_robertson.c -- end-to-end time of libmuskx on Robertson's problem
 * against hand-written CVODE code (robertson_hand.c), side by side in one
 * process, on identical CVODE settings (issue 3: aim for at most 1.3 times
 * the hand-written time).
 *
 *   build/bench/bench_robertson [--reps N] [--model PATH] [--tsv PATH]
 *   (N >= 21, default 101; run from the repository root)
 *
 * Problem and settings are those of SUNDIALS' cvRoberts_dns example:
 * t from 0 to 4e10 with 12 outputs at 0.4 * 10^k, rtol 1e-4,
 * atol (1e-8, 1e-14, 1e-6), BDF, Newton, SUNDIALS dense linear solver with
 * the analytic Jacobian; and in both runs max 100000 steps per output
 * (libmuskx's default), CVODE's own initial step estimate and BDF max
 * order 5 (CVODE's defaults, which libmuskx keeps). libmuskx is asked for
 * the dense solver explicitly, so that AUTO cannot pick another.
 *
 * One repetition of the hand code is what one libmuskx create + run + free
 * is: build every SUNDIALS object, integrate, free. The model is loaded
 * once; the load + compile time is measured separately. Repetitions
 * alternate between the two tools (so drift in machine speed hits both),
 * after one untimed warm-up each; medians are reported.
 *
 * Prints "problem tool median_s ratio_to_hand_c" and writes the same table
 * to bench/results.tsv. Exits 1 when the two final states differ by more
 * than the tolerances allow, or when either run fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muskx.h"
#include "robertson_hand.h"

#define NOUT 12
#define MIN_REPS 21
#define DEFAULT_REPS 101

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct muskx_run {
  const muskx_model *model;
  const robertson_hand_settings *set;
  const double *times; /* 0, then the NOUT outputs */
  double *out;         /* (NOUT + 1) rows of ncols */
  long steps, rhs_evals, jac_evals;
  char err[512];
} muskx_run;

/* One libmuskx create + configure + run + free. Returns 0 or -1. */
static int run_muskx(muskx_run *r) {
  static const char *const names[3] = {"A", "B", "C"};
  muskx_sim *sim = NULL;
  size_t rows = 0;
  int i, status = -1;
  muskx_status st = muskx_sim_create(r->model, &sim);

  if (st != MUSKX_OK) {
    snprintf(r->err, sizeof r->err, "muskx_sim_create: %s",
             muskx_strerror(st));
    return -1;
  }
  st = muskx_sim_set_tolerances(sim, r->set->rtol, r->set->atol[0]);
  for (i = 0; i < 3 && st == MUSKX_OK; i++)
    st = muskx_sim_set_atol_species(sim, names[i], r->set->atol[i]);
  if (st == MUSKX_OK) st = muskx_sim_set_linear_solver(sim, MUSKX_LS_DENSE);
  if (st == MUSKX_OK) st = muskx_sim_set_max_steps(sim, r->set->max_steps);
  if (st == MUSKX_OK) st = muskx_sim_set_max_step(sim, 0.0);
  if (st == MUSKX_OK) st = muskx_sim_run(sim, r->times, NOUT + 1, r->out, &rows);
  if (st != MUSKX_OK) {
    snprintf(r->err, sizeof r->err, "libmuskx: %s: %s", muskx_status_name(st),
             muskx_sim_errmsg(sim));
  } else {
    r->steps = muskx_sim_stat(sim, MUSKX_STAT_STEPS);
    r->rhs_evals = muskx_sim_stat(sim, MUSKX_STAT_RHS_EVALS);
    r->jac_evals = muskx_sim_stat(sim, MUSKX_STAT_JAC_EVALS);
    status = 0;
  }
  muskx_sim_free(sim);
  return status;
}

/* WRMS of a - b with CVODE's weights 1 / (rtol |b| + atol_i). */
static double wrms3(const double *a, const double *b, double rtol,
                    const double *atol) {
  double s = 0;
  int i;
  for (i = 0; i < 3; i++) {
    double e = (a[i] - b[i]) / (rtol * fabs(b[i]) + atol[i]);
    s += e * e;
  }
  return sqrt(s / 3);
}

static void usage(const char *argv0) {
  fprintf(stderr, "usage: %s [--reps N] [--model PATH] [--tsv PATH]\n",
          argv0);
}

int main(int argc, char **argv) {
  const robertson_hand_settings set = {1e-4, {1e-8, 1e-14, 1e-6}, 100000,
                                       0.0, 5};
  /* SUNDIALS cvRoberts_dns.c check_ans: y(4e10) with rtol 1e-8, atol 1e-14 */
  const double ref[3] = {5.2083495894337328e-08, 2.0833399429795671e-13,
                         9.9999994791629776e-01};
  const char *model_path = "tests/models/robertson.yaml";
  const char *tsv_path = "bench/results.tsv";
  int reps = DEFAULT_REPS, r, i, ncols, col[3], failed = 0;
  double times[NOUT + 1], tout[NOUT], yhand[NOUT * 3], ymuskx[3];
  double *t_hand, *t_muskx, *t_load, *out;
  double m_hand, m_muskx, m_load, err_hand, err_muskx, err_between;
  double atol10[3];
  robertson_hand_stats hs;
  muskx_model *model = NULL;
  muskx_error merr;
  muskx_run mr;
  char herr[256], buf[2048];
  FILE *tsv;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_path = argv[++i];
    } else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc) {
      tsv_path = argv[++i];
    } else {
      usage(argv[0]);
      return 2;
    }
  }
  if (reps < MIN_REPS) {
    usage(argv[0]);
    return 2;
  }

  times[0] = 0.0;
  for (i = 0; i < NOUT; i++) tout[i] = times[i + 1] = 0.4 * pow(10.0, i);

  t_hand = calloc((size_t)reps, sizeof *t_hand);
  t_muskx = calloc((size_t)reps, sizeof *t_muskx);
  t_load = calloc((size_t)reps, sizeof *t_load);
  if (!t_hand || !t_muskx || !t_load) {
    fprintf(stderr, "bench_robertson: out of memory\n");
    return 1;
  }

  /* Load + compile, timed on its own (each load freed except the last). */
  for (r = 0; r < reps; r++) {
    double t0;
    muskx_model_free(model);
    model = NULL;
    t0 = now();
    if (muskx_model_load_file(model_path, &model, &merr) != MUSKX_OK) {
      fprintf(stderr, "bench_robertson: %s\n",
              muskx_error_format(&merr, buf, sizeof buf));
      return 1;
    }
    t_load[r] = now() - t0;
  }
  ncols = muskx_model_count(model, MUSKX_SPECIES) +
          muskx_model_count(model, MUSKX_OUTPUT);
  col[0] = muskx_model_find(model, MUSKX_SPECIES, "A");
  col[1] = muskx_model_find(model, MUSKX_SPECIES, "B");
  col[2] = muskx_model_find(model, MUSKX_SPECIES, "C");
  if (col[0] < 0 || col[1] < 0 || col[2] < 0) {
    fprintf(stderr, "bench_robertson: %s lacks species A, B or C\n",
            model_path);
    return 1;
  }
  out = calloc((size_t)(NOUT + 1) * (size_t)ncols, sizeof *out);
  if (!out) return 1;
  memset(&mr, 0, sizeof mr);
  mr.model = model;
  mr.set = &set;
  mr.times = times;
  mr.out = out;

  /* Warm-up (page faults, OpenBLAS and allocator start-up), untimed. */
  if (robertson_hand_run(&set, tout, NOUT, yhand, &hs, herr, sizeof herr) ||
      run_muskx(&mr)) {
    fprintf(stderr, "bench_robertson: %s\n", herr[0] ? herr : mr.err);
    return 1;
  }
  for (r = 0; r < reps; r++) {
    double t0 = now();
    if (robertson_hand_run(&set, tout, NOUT, yhand, &hs, herr, sizeof herr)) {
      fprintf(stderr, "bench_robertson: hand-written: %s\n", herr);
      return 1;
    }
    t_hand[r] = now() - t0;
    t0 = now();
    if (run_muskx(&mr)) {
      fprintf(stderr, "bench_robertson: %s\n", mr.err);
      return 1;
    }
    t_muskx[r] = now() - t0;
  }

  for (i = 0; i < 3; i++)
    ymuskx[i] = out[(size_t)NOUT * (size_t)ncols + (size_t)col[i]];
  /* check_ans in cvRoberts_dns.c: weights rtol |ref| + 10 atol, WRMS < 1.
     The same norm compares the two tools: with the same settings they
     should agree far better than either agrees with the reference. */
  for (i = 0; i < 3; i++) atol10[i] = 10.0 * set.atol[i];
  err_hand = wrms3(yhand + 3 * (NOUT - 1), ref, set.rtol, atol10);
  err_muskx = wrms3(ymuskx, ref, set.rtol, atol10);
  err_between = wrms3(ymuskx, yhand + 3 * (NOUT - 1), set.rtol, atol10);
  m_hand = median(t_hand, reps);
  m_muskx = median(t_muskx, reps);
  m_load = median(t_load, reps);

  printf("Robertson, t = 0 .. 4e10, %d outputs, rtol %g, atol (%g, %g, %g), "
         "median of %d\n",
         NOUT, set.rtol, set.atol[0], set.atol[1], set.atol[2], reps);
  printf("%-10s %-22s %12s %16s\n", "problem", "tool", "median_s",
         "ratio_to_hand_c");
  printf("%-10s %-22s %12.6f %16.3f\n", "robertson", "hand_c", m_hand, 1.0);
  printf("%-10s %-22s %12.6f %16.3f\n", "robertson", "libmuskx", m_muskx,
         m_muskx / m_hand);
  printf("%-10s %-22s %12.6f %16.3f\n", "robertson", "libmuskx_load_compile",
         m_load, m_load / m_hand);
  printf("\nsteps: hand %ld, libmuskx %ld; rhs evals: hand %ld, libmuskx %ld;"
         " jacobians: hand %ld, libmuskx %ld\n",
         hs.steps, mr.steps, hs.rhs_evals, mr.rhs_evals, hs.jac_evals,
         mr.jac_evals);
  printf("y(4e10): hand (%.6e, %.6e, %.6e), libmuskx (%.6e, %.6e, %.6e)\n",
         yhand[3 * (NOUT - 1)], yhand[3 * (NOUT - 1) + 1],
         yhand[3 * (NOUT - 1) + 2], ymuskx[0], ymuskx[1], ymuskx[2]);
  printf("WRMS (weights rtol |ref| + 10 atol, as cvRoberts_dns check_ans): "
         "hand vs reference %.3f, libmuskx vs reference %.3f, libmuskx vs "
         "hand %.3f\n",
         err_hand, err_muskx, err_between);

  /* The same settings on the same equations take the same steps; a
     difference means the runs are not configured alike. */
  if (hs.steps != mr.steps)
    printf("note: step counts differ (hand %ld, libmuskx %ld): the CVODE "
           "settings or the output strategy are not identical\n",
           hs.steps, mr.steps);
  if (err_hand >= 1.0) {
    printf("FAIL: the hand-written result is off the reference\n");
    failed = 1;
  }
  if (err_muskx >= 1.0) {
    printf("FAIL: the libmuskx result is off the reference\n");
    failed = 1;
  }
  if (err_between >= 1.0) {
    printf("FAIL: libmuskx and hand-written results differ by more than "
           "the tolerances\n");
    failed = 1;
  }

  tsv = fopen(tsv_path, "w");
  if (tsv == NULL) {
    perror(tsv_path);
    failed = 1;
  } else {
    fprintf(tsv, "problem\ttool\tmedian_s\tratio_to_hand_c\n");
    fprintf(tsv, "robertson\thand_c\t%.6f\t%.3f\n", m_hand, 1.0);
    fprintf(tsv, "robertson\tlibmuskx\t%.6f\t%.3f\n", m_muskx,
            m_muskx / m_hand);
    fprintf(tsv, "robertson\tlibmuskx_load_compile\t%.6f\t%.3f\n", m_load,
            m_load / m_hand);
    if (fclose(tsv) != 0) failed = 1;
    else printf("wrote %s\n", tsv_path);
  }

  free(out);
  free(t_hand);
  free(t_muskx);
  free(t_load);
  muskx_model_free(model);
  return failed;
}
