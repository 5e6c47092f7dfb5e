/*
 * bench_petab.c -- the PEtab benchmark problems (issue 15): the time of all
 * simulations of a problem, without sensitivities (muskx_petab_llh) and
 * with them (muskx_petab_gradient), at rtol = atol = 1e-8, against the
 * t_sim and t_fwd budgets of ../shared/petab-benchmarks/README.md (AMICI's
 * CI limits for the same work: a budget to be well inside).
 *
 *   bench_petab [--reps N] [--tsv FILE] BENCHMARK_DIR
 *
 * Each problem is loaded once; the medians of N evaluations (default 11)
 * are reported, after one warm-up: CPU time of the process (what the
 * budgets are compared with, as other jobs on a shared machine do not
 * inflate it) and wall time, side by side, the plain simulations and the
 * ones with forward sensitivities of every estimated parameter. One
 * thread, OPENBLAS_NUM_THREADS=1 is up to the caller (bench/run.sh sets
 * it). Exit status 1 when a problem fails to load or evaluate; a time over
 * budget is reported, not failed (the machine may be shared).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muskx.h"

static double now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median CPU and wall seconds of reps calls of llh (grad NULL) or
 * gradient. */
static int timed(const muskx_petab *pb, muskx_sim *s, const double *th,
                 double *grad, int reps, double *cpu, double *wall,
                 double *llh) {
  double tc[101], tw[101];
  for (int r = -1; r < reps; r++) {
    double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
    muskx_status st = grad ? muskx_petab_gradient(pb, s, th, llh, grad)
                           : muskx_petab_llh(pb, s, th, llh, NULL);
    if (st != MUSKX_OK) return -1;
    if (r >= 0) {
      tc[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
      tw[r] = now(CLOCK_MONOTONIC) - w0;
    }
  }
  qsort(tc, (size_t)reps, sizeof *tc, cmp);
  qsort(tw, (size_t)reps, sizeof *tw, cmp);
  *cpu = tc[reps / 2];
  *wall = tw[reps / 2];
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = NULL, *tsv = NULL;
  int reps = 11;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc) tsv = argv[++i];
    else dir = argv[i];
  }
  if (dir == NULL || reps < 1 || reps > 101) {
    fprintf(stderr, "usage: bench_petab [--reps 1..101] [--tsv FILE] DIR\n");
    return 2;
  }
  char path[4096], line[1024];
  snprintf(path, sizeof path, "%s/README.md", dir);
  FILE *readme = fopen(path, "r");
  if (readme == NULL) {
    fprintf(stderr, "bench_petab: cannot read %s\n", path);
    return 1;
  }
  FILE *out = tsv ? fopen(tsv, "w") : NULL;
  if (out)
    fputs("problem\tllh\tref_llh\tnparams\tt_sim_cpu_s\tt_sim_wall_s\t"
          "t_sim_budget_s\tt_fwd_cpu_s\tt_fwd_wall_s\tt_fwd_budget_s\n", out);
  printf("%-25s %12s %3s | %8s %8s %7s | %8s %8s %7s\n", "", "", "",
         "no sens", "", "t_sim", "fwd sens", "", "t_fwd");
  printf("%-25s %12s %3s | %8s %8s %7s | %8s %8s %7s\n", "problem", "llh",
         "np", "CPU ms", "wall ms", "budget", "CPU ms", "wall ms", "budget");
  int status = 0;
  while (fgets(line, sizeof line, readme)) {
    char name[256];
    double ref, tsim, tfwd;
    if (sscanf(line, "| %255[A-Za-z0-9_] | %lf | %lf | %lf |", name, &ref,
               &tsim, &tfwd) != 4)
      continue;
    snprintf(path, sizeof path, "%s/%s/%s.yaml", dir, name, name);
    muskx_petab *pb = NULL;
    muskx_error err;
    char buf[2048];
    if (muskx_petab_load(path, &pb, &err) != MUSKX_OK) {
      fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
      status = 1;
      continue;
    }
    int n = muskx_petab_nparams(pb);
    double *th = calloc((size_t)n + 1, sizeof *th), *g = calloc((size_t)n + 1, sizeof *g);
    muskx_sim *s = NULL;
    double llh = NAN, llh2, c1 = NAN, w1 = NAN, c2 = NAN, w2 = NAN;
    int bad = th == NULL || g == NULL ||
              muskx_sim_create(muskx_petab_model(pb), &s) != MUSKX_OK ||
              muskx_sim_set_tolerances(s, 1e-8, 1e-8) != MUSKX_OK;
    for (int k = 0; k < n && !bad; k++)
      muskx_petab_param_info(pb, k, NULL, NULL, &th[k]);
    if (!bad) bad = timed(pb, s, th, NULL, reps, &c1, &w1, &llh) != 0 ||
                    timed(pb, s, th, g, reps, &c2, &w2, &llh2) != 0;
    if (bad) {
      fprintf(stderr, "bench_petab: %s: %s\n", name,
              s ? muskx_sim_errmsg(s) : "out of memory");
      status = 1;
    } else {
      printf("%-25s %12.5f %3d | %8.2f %8.2f %7.1f | %8.2f %8.2f %7.1f%s\n",
             name, llh, n, 1e3 * c1, 1e3 * w1, 1e3 * tsim, 1e3 * c2, 1e3 * w2,
             1e3 * tfwd, c1 > tsim || c2 > tfwd ? "  (over budget)" : "");
      if (out)
        fprintf(out, "%s\t%.17g\t%.17g\t%d\t%.6g\t%.6g\t%g\t%.6g\t%.6g\t%g\n",
                name, llh, ref, n, c1, w1, tsim, c2, w2, tfwd);
    }
    muskx_sim_free(s);
    muskx_petab_free(pb);
    free(th);
    free(g);
  }
  fclose(readme);
  if (out && fclose(out) != 0) status = 1;
  return status;
}
