/*
 * bench_crew.c -- virtual crews at mission scale (issue 19): the shipped
 * ISS scenario (scenarios/iss_exercise.yaml on models/crosstalk/, not a
 * frozen copy) as an ensemble with two parameters varied, side by side in
 * one run:
 *
 *   bare      one member run alone with muskx_scenario_run(), CPU s
 *   N x T     N members (1,000 and 10,000; --quick: 200 and 1,000) on T
 *             threads (1, 2): wall s, CPU s, members per CPU-second, the
 *             per-member CPU cost relative to the bare run (goal <= 1.1;
 *             the bare run is timed again just before and after, the
 *             least of 10, so that both see the same contention),
 *             and peak RSS. Each runs in a forked child, so its peak RSS
 *             and CPU time (wait4) are its own; it includes the quantiles.
 *             The memory budget is muskx ensemble's default, 64 MiB: 1,000
 *             members' trajectories fit (exact quantiles), 10,000 do not
 *             and stream into a KLL sketch (k = 200); the last column says
 *             which.
 *   control   a perfectly parallel loop of pure arithmetic on 1 and 2
 *             threads in the same run: its speed-up is what the machine
 *             offered at that moment (2.0 on 2 free cores), so a contended
 *             machine is visible next to the ensemble's speed-up.
 *   code      the members run native code (muskx_ensemble_set_native, the
 *             compiler "cc", built once into a fresh cache folder: its
 *             cold build time is reported, children reuse it) or the
 *             register VM (the smaller size only, for comparison).
 *
 *   bench_crew [--quick] [--tsv FILE]     (from the repository root)
 */
/* wait4(): a child's own rusage */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "muskx.h"
#include "quick_args.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static muskx_scenario *load(void) {
  muskx_scenario *sc = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx_access *a = muskx_access_new();
  if (a == NULL || muskx_access_allow(a, ".", NULL) != MUSKX_OK ||
      muskx_scenario_load_file_with("scenarios/iss_exercise.yaml", a, &sc,
                                    &err) != MUSKX_OK) {
    fprintf(stderr, "bench_crew: %s\n", err.message);
    sc = NULL;
  }
  muskx_access_free(a);
  return sc;
}

/* CPU seconds of one member run alone (median of reps). */
static double bare(muskx_scenario *sc, int reps) {
  size_t nt = muskx_scenario_sample_times(sc, NULL, 0);
  double *out = malloc(nt * (size_t)muskx_scenario_report_count(sc) *
                       sizeof *out);
  double best = 1e300;
  muskx_sim *sim = NULL;
  if (out == NULL ||
      muskx_sim_create(muskx_scenario_model(sc), &sim) != MUSKX_OK)
    return -1;
  for (int r = 0; r < reps; r++) {
    double t0 = cpu_now();
    if (muskx_scenario_run(sc, sim, out, nt, NULL) != MUSKX_OK) best = -1;
    double dt = cpu_now() - t0;
    if (best > 0 && dt < best) best = dt; /* least disturbed */
  }
  muskx_sim_free(sim);
  free(out);
  return best;
}

/* An ensemble of the crew: the scenario, two traits varied, its reported
   columns, muskx ensemble's memory budget; NULL on failure. kappa_R is
   drawn around the shipped model's value (the calibration fit's, written
   into the model), read from the model so the bench follows a refit. */
static muskx_ensemble *crew(muskx_scenario *sc) {
  int nr = muskx_scenario_report_count(sc);
  const char *names[64];
  muskx_ensemble *e = NULL;
  const muskx_model *m = muskx_scenario_model(sc);
  int ik = muskx_model_find(m, MUSKX_PARAMETER, "kappa_R");
  double kappa_r = ik < 0 ? -1 : muskx_model_default(m, MUSKX_PARAMETER, ik);
  if (nr > 64) return NULL;
  if (!(kappa_r > 0)) { /* also NAN */
    fprintf(stderr, "bench_crew: the model has no positive kappa_R\n");
    return NULL;
  }
  for (int c = 0; c < nr; c++) names[c] = muskx_scenario_report_name(sc, c);
  if (muskx_ensemble_create(muskx_scenario_model(sc), &e) != MUSKX_OK ||
      muskx_ensemble_set_scenario(e, sc) != MUSKX_OK ||
      muskx_ensemble_vary(e, "kappa_R", MUSKX_DIST_LOGNORMAL, kappa_r, 0.3) !=
          MUSKX_OK ||
      muskx_ensemble_vary(e, "w_res", MUSKX_DIST_UNIFORM, 0.1, 0.4) !=
          MUSKX_OK ||
      muskx_ensemble_set_columns(e, names, (size_t)nr) != MUSKX_OK ||
      muskx_ensemble_set_memory_budget(e, (size_t)64 << 20, 200) !=
          MUSKX_OK) {
    if (e != NULL)
      fprintf(stderr, "bench_crew: ensemble: %s\n", muskx_ensemble_errmsg(e));
    muskx_ensemble_free(e);
    return NULL;
  }
  return e;
}

/* The ensemble of n members on threads threads, quantiles included;
   native: the cache folder of native code, or NULL for the VM. */
static int run_ensemble(muskx_scenario *sc, size_t n, int threads,
                        const char *native) {
  size_t nt = muskx_scenario_sample_times(sc, NULL, 0);
  int nr = muskx_scenario_report_count(sc);
  double *times = malloc(nt * sizeof *times);
  if (times == NULL) return 1;
  muskx_scenario_sample_times(sc, times, nt);
  static const double probs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
  double *q = malloc(5 * nt * (size_t)nr * sizeof *q);
  muskx_ensemble *e = crew(sc);
  int bad = q == NULL || e == NULL ||
            (native != NULL &&
             muskx_ensemble_set_native(e, "cc", native) != MUSKX_OK) ||
            muskx_ensemble_run(e, 0, n, 1, threads, times, nt, NULL, NULL) !=
                MUSKX_OK ||
            muskx_ensemble_nfailed(e) != 0 ||
            muskx_ensemble_quantiles(e, probs, 5, q, 5 * nt * (size_t)nr) !=
                MUSKX_OK;
  if (bad && e != NULL)
    fprintf(stderr, "bench_crew: ensemble: %s\n", muskx_ensemble_errmsg(e));
  if (!bad) bad = muskx_ensemble_sketch(e) != NULL ? 0 : 3; /* 3: exact */
  muskx_ensemble_free(e);
  free(q);
  free(times);
  return bad;
}

/* Runs the ensemble in a child; its wall, CPU and peak RSS (KiB). */
static int measure(muskx_scenario *sc, size_t n, int threads,
                   const char *native, double *wall, double *cpu,
                   long *rss_kib) {
  double t0 = wall_now();
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) _exit(run_ensemble(sc, n, threads, native));
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) return -1;
  *wall = wall_now() - t0;
  *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
         (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
  *rss_kib = ru.ru_maxrss;
  if (!WIFEXITED(status)) return -1;
  return WEXITSTATUS(status); /* 0: sketch, 3: exact, else failed */
}

/* The control: the same arithmetic split over threads. */
static void *spin(void *arg) {
  volatile double x = 0;
  long iters = *(long *)arg;
  for (long i = 0; i < iters; i++) x = x * 0.999999 + 1.0;
  return NULL;
}

static double control(int threads, long total) {
  pthread_t t[2];
  long per = total / threads;
  double t0 = wall_now();
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, spin, &per);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  return wall_now() - t0;
}

int main(int argc, char **argv) {
  int quick;
  const char *tsv;
  int usage = bench_quick_args(argc, argv, "bench_crew", &quick, &tsv);
  if (usage != 0) return usage;
  muskx_scenario *sc = load();
  if (sc == NULL) return 1;
  FILE *ft = tsv != NULL ? fopen(tsv, "w") : NULL;
  if (tsv != NULL && ft == NULL) {
    perror(tsv);
    return 1;
  }
  double b = bare(sc, quick ? 5 : 21);
  if (!(b > 0)) {
    fprintf(stderr, "bench_crew: the bare run failed\n");
    return 1;
  }
  printf("crew  bare member (iss_exercise, one run)  %.6f s CPU\n", b);
  if (ft)
    fprintf(ft, "kind\tmembers\tthreads\twall_s\tcpu_s\tpeak_rss_kib\t"
                "control_speedup\tmembers_per_cpu_s\tx_bare\tquantiles\tcode\n"
                "bare\t1\t1\t%.6g\t%.6g\t0\tNA\t%.6g\t1\tNA\tvm\n",
            b, b, 1 / b);
  /* native code, built cold into a fresh folder (the compiler's CPU
     time is a child's: RUSAGE_CHILDREN) */
  char cache[] = "/tmp/muskx-bench-crew-XXXXXX";
  const char *native = mkdtemp(cache);
  if (native != NULL) {
    struct rusage r0, r1;
    getrusage(RUSAGE_CHILDREN, &r0);
    double w0 = wall_now(), c0 = cpu_now();
    /* configured as the runs are: their kept outputs are in the build */
    muskx_ensemble *e = crew(sc);
    if (e == NULL || muskx_ensemble_set_native(e, "cc", native) != MUSKX_OK) {
      fprintf(stderr, "bench_crew: no native code (%s); VM only\n",
                  e ? muskx_ensemble_errmsg(e) : "out of memory");
      rmdir(cache);
      native = NULL;
    }
    double w = wall_now() - w0, c = cpu_now() - c0;
    getrusage(RUSAGE_CHILDREN, &r1);
    c += (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
         1e-6 * (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
         (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
         1e-6 * (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
    muskx_ensemble_free(e);
    if (native != NULL) {
      printf("crew  native code built (cc, cold)  wall %.3f s  CPU %.3f s\n",
             w, c);
      if (ft) fprintf(ft, "native_build\t0\t1\t%.6g\t%.6g\t0\tNA\tNA\tNA"
                          "\tNA\tnative\n", w, c);
    }
  }
  size_t sizes[2] = {quick ? 200 : 1000, quick ? 1000 : 10000};
  int fail = 0;
  for (int k = 0; k < 2; k++)
    for (int code = native != NULL ? 0 : 1; code < 2; code++)
      for (int threads = 1; threads <= 2; threads++) {
        /* the VM for comparison at the smaller size only */
        if (code == 1 && native != NULL && k == 1) continue;
        const char *nat = code == 0 ? native : NULL;
        long spin_iters = (long)(quick ? 2e7 : 1e8);
        double c1 = control(1, spin_iters), c2 = control(2, spin_iters);
        double wall = 0, cpu = 0;
        long rss = 0;
        /* the bare run measured again around this run, under the same
           contention: the per-member ratio compares like with like */
        double b0 = bare(sc, 5);
        int mode = measure(sc, sizes[k], threads, nat, &wall, &cpu, &rss);
        double b1 = bare(sc, 5), bnow = b0 < b1 ? b0 : b1;
        if (!(bnow > 0)) bnow = b;
        if (mode != 0 && mode != 3) {
          fprintf(stderr, "bench_crew: %zu members on %d threads failed\n",
                  sizes[k], threads);
          fail = 1;
          continue;
        }
        double per = cpu / (double)sizes[k];
        printf("crew  %6zu members x %d thread%s %-6s  wall %8.3f s  CPU "
               "%8.3f s  %7.1f members/CPU-s  per member %.2f x bare  peak "
               "RSS %6.1f MB (%s)  (control speed-up now %.2f)\n",
               sizes[k], threads, threads > 1 ? "s" : " ",
               nat ? "native" : "VM", wall, cpu, (double)sizes[k] / cpu,
               per / bnow, (double)rss / 1024.0,
               mode == 3 ? "exact" : "sketch", c1 / c2);
        if (ft)
          fprintf(ft, "ensemble\t%zu\t%d\t%.6g\t%.6g\t%ld\t%.4g\t%.6g\t%.4g"
                      "\t%s\t%s\n",
                  sizes[k], threads, wall, cpu, rss, c1 / c2,
                  (double)sizes[k] / cpu, per / bnow,
                  mode == 3 ? "exact" : "sketch", nat ? "native" : "vm");
      }
  if (native != NULL) { /* the one shared object, then the folder */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
    if (system(cmd) != 0) fprintf(stderr, "bench_crew: %s failed\n", cmd);
  }
  if (ft) fclose(ft);
  muskx_scenario_free(sc);
  return fail;
}
