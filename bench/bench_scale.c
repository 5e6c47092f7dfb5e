/*
 * bench_scale.c -- the scale curve of `make bench` (issue 8): time per
 * simulation and memory of generated sparse networks (bench/gen_network.py:
 * chains and random mass-action networks) as the number of species grows,
 * with KLU, with SPGMR (GMRES, Jacobi preconditioner) and with the dense
 * LAPACK linear solver.
 *
 *   build/bench/bench_scale [--out DIR] [--lapack-max N] [--no-klu ID]...
 *                           FILE.yaml...
 *
 * Each model is loaded (load + compile timed once), then integrated from
 * t = 0 to 10 with 11 outputs, rtol 1e-6, atol 1e-9, with KLU and, up to
 * --lapack-max species (default 2000: a dense 10,000-species Jacobian is
 * 800 MB and 10^12 flops to factorise), with LAPACK; KLU except for the
 * model ids given with --no-klu (run.sh: random networks beyond 1,000
 * species, whose LU factors fill in; one run takes minutes); median of at least 3 runs and at
 * most 1 s of repetitions. SPGMR's final state must agree with KLU's (or,
 * where KLU is skipped, with a SPGMR run at rtol 1e-10, atol 1e-14): WRMS
 * with weights 10 (1e-6 |ref| + 1e-9) <= 1, as bench/report.py judges the
 * tools; a disagreement fails the benchmark. Memory: the peak heap of one
 * create + run + free above the heap in use before it, counted exactly by
 * heap_count.h.
 *
 * Prints the curve and writes DIR/scale.tsv: model, species, nnz, solver,
 * median_s, steps, peak_bytes, load_s. A load failure or crash is the
 * finding to report (issue 8 asks for the model, the size and a backtrace),
 * so nothing here works around one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heap_count.h"
#include "muskx.h"

/* CPU time (one thread): robust to other jobs on a shared machine. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One create + run + free; returns the seconds, or -1. */
static double run_tol(const muskx_model *m, muskx_linear_solver ls,
                      const double *times, size_t nt, double *out,
                      long *steps, double rtol, double atol) {
  muskx_sim *sim = NULL;
  double t0 = now();
  muskx_status st = muskx_sim_create(m, &sim);
  if (st == MUSKX_OK) st = muskx_sim_set_tolerances(sim, rtol, atol);
  if (st == MUSKX_OK) st = muskx_sim_set_linear_solver(sim, ls);
  if (st == MUSKX_OK) st = muskx_sim_run(sim, times, nt, out, NULL);
  double dt = now() - t0;
  if (st != MUSKX_OK) {
    fprintf(stderr, "bench_scale: %s: %s: %s\n", muskx_model_id(m),
            muskx_status_name(st), sim ? muskx_sim_errmsg(sim) : "");
    muskx_sim_free(sim);
    return -1;
  }
  *steps = muskx_sim_stat(sim, MUSKX_STAT_STEPS);
  muskx_sim_free(sim);
  return dt;
}

static double run_once(const muskx_model *m, muskx_linear_solver ls,
                       const double *times, size_t nt, double *out,
                       long *steps) {
  return run_tol(m, ls, times, nt, out, steps, 1e-6, 1e-9);
}

/* WRMS of y - ref with weights 10 (1e-6 |ref| + 1e-9) (bench/report.py) */
static double agreement(const double *y, const double *ref, int n) {
  double sum = 0;
  for (int i = 0; i < n; i++) {
    double e = (y[i] - ref[i]) / (10 * (1e-6 * fabs(ref[i]) + 1e-9));
    sum += e * e;
  }
  return n > 0 ? sqrt(sum / n) : 0;
}

int main(int argc, char **argv) {
  const char *dir = "build/bench/out";
  long lapack_max = 2000;
  const char *no_klu[16];
  int nno_klu = 0;
  int failed = 0;
  char path[1024];
  FILE *fs;
  int i = 1;

  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp(argv[i], "--lapack-max") == 0 && i + 1 < argc)
      lapack_max = atol(argv[++i]);
    else if (strcmp(argv[i], "--no-klu") == 0 && i + 1 < argc && nno_klu < 16)
      no_klu[nno_klu++] = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--out DIR] [--lapack-max N] [--no-klu ID] "
              "FILE...\n", argv[0]);
      return 2;
    }
  }
  snprintf(path, sizeof path, "%s/scale.tsv", dir);
  fs = fopen(path, "w");
  if (fs == NULL) {
    perror(path);
    return 1;
  }
  printf("%-14s %7s %8s %-7s %12s %7s %12s %10s\n", "model", "species",
         "nnz", "solver", "median_s", "steps", "peak_bytes", "load_s");
  for (; i < argc; i++) {
    muskx_model *m = NULL;
    muskx_error err;
    char buf[2048];
    double t0 = now();
    if (muskx_model_load_file(argv[i], &m, &err) != MUSKX_OK) {
      fprintf(stderr, "bench_scale: %s\n",
              muskx_error_format(&err, buf, sizeof buf));
      failed = 1;
      continue;
    }
    double load_s = now() - t0;
    int ns = muskx_model_count(m, MUSKX_SPECIES);
    int ncols = ns + muskx_model_count(m, MUSKX_OUTPUT);
    int nnz = muskx_model_jacobian_nnz(m);
    double times[11];
    double *out = calloc(11 * (size_t)ncols, sizeof *out);
    double *yklu = calloc((size_t)ns + 1, sizeof *yklu);
    int have_klu = 0;
    for (int k = 0; k < 11; k++) times[k] = (double)k;
    static const muskx_linear_solver order[3] = {MUSKX_LS_KLU, MUSKX_LS_SPGMR,
                                                 MUSKX_LS_LAPACK};
    static const char *const names[3] = {"klu", "spgmr", "lapack"};
    for (int s = 0; s < 3 && out != NULL && yklu != NULL; s++) {
      muskx_linear_solver ls = order[s];
      const char *name = names[s];
      double t[101], spent = 0, med;
      long steps = 0, peak;
      int n = 0;
      int skip = ls == MUSKX_LS_LAPACK && ns > lapack_max;
      for (int j = 0; j < nno_klu && ls == MUSKX_LS_KLU; j++)
        skip |= strcmp(no_klu[j], muskx_model_id(m)) == 0;
      if (skip) {
        printf("%-14s %7d %8d %-7s %12s\n", muskx_model_id(m), ns, nnz, name,
               "skipped");
        continue;
      }
      if (run_once(m, ls, times, 11, out, &steps) < 0) { /* warm-up */
        failed = 1;
        continue;
      }
      while (n < 3 || (spent < 1.0 && n < 101)) {
        t[n] = run_once(m, ls, times, 11, out, &steps);
        if (t[n] < 0) break;
        spent += t[n++];
      }
      const double *yend = out + 10 * (size_t)ncols;
      if (ls == MUSKX_LS_KLU) {
        memcpy(yklu, yend, (size_t)ns * sizeof *yklu);
        have_klu = 1;
      } else if (ls == MUSKX_LS_SPGMR) {
        const char *against = "klu";
        double w;
        if (!have_klu) { /* a tight SPGMR run is the reference */
          double *tight = calloc(11 * (size_t)ncols, sizeof *tight);
          long st2;
          against = "spgmr at rtol 1e-10";
          if (tight == NULL ||
              run_tol(m, ls, times, 11, tight, &st2, 1e-10, 1e-14) < 0) {
            free(tight);
            failed = 1;
            continue;
          }
          memcpy(yklu, tight + 10 * (size_t)ncols, (size_t)ns * sizeof *yklu);
          free(tight);
        }
        w = agreement(yend, yklu, ns);
        printf("%-14s spgmr vs %s: WRMS %.3g%s\n", muskx_model_id(m), against,
               w, w <= 1 ? "" : "  FAIL: disagrees");
        if (!(w <= 1)) failed = 1;
      }
      qsort(t, (size_t)n, sizeof *t, cmp_double);
      med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
      {
        long before = heap_mark();
        run_once(m, ls, times, 11, out, &steps);
        peak = heap_peak() - before;
      }
      printf("%-14s %7d %8d %-7s %12.6f %7ld %12ld %10.6f\n",
             muskx_model_id(m), ns, nnz, name, med, steps, peak, load_s);
      fprintf(fs, "%s\t%d\t%d\t%s\t%.6g\t%ld\t%ld\t%.6g\n", muskx_model_id(m),
              ns, nnz, name, med, steps, peak, load_s);
      fflush(stdout);
    }
    free(out);
    free(yklu);
    muskx_model_free(m);
  }
  fclose(fs);
  return failed;
}
