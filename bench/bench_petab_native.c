/*
 * bench_petab_native.c -- a PEtab problem's log-likelihood and gradient on
 * the VM and on native code (muskx_petab_set_native, session 28), side by
 * side: each repetition times the VM and then native code, so that a
 * shared machine's load falls on both alike; the medians and their ratio
 * are printed, and the results must be identical bit for bit.
 *
 *   bench_petab_native [--reps N] [--grad-reps M] [--allow DIR] [--tsv FILE]
 *                      [PROBLEM]
 *
 * Default PROBLEM: models/calibration/spaceflight/problem.yml (allowing
 * models/, run from the repository root). N llh pairs (default 5), M
 * gradient pairs (default 1; 0: none). The problem is loaded twice, one
 * copy on the VM, one with native code built once into a temporary folder
 * (the build's time is printed too); one untimed llh each warms them up. One thread;
 * OPENBLAS_NUM_THREADS=1 is up to the caller (bench/run.sh sets it).
 * Exit status 1 when the problem fails to load or evaluate or the two
 * differ in any bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muskx.h"

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* One llh (grad NULL) or gradient on pb's current code: CPU seconds. */
static double once(const muskx_petab *pb, muskx_sim *s, const double *th,
                   double *llh, double *grad, int *fail) {
  double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  muskx_status st = grad ? muskx_petab_gradient(pb, s, th, llh, grad)
                         : muskx_petab_llh(pb, s, th, llh, NULL);
  if (st != MUSKX_OK) {
    fprintf(stderr, "bench_petab_native: %s\n", muskx_sim_errmsg(s));
    *fail = 1;
  }
  return now(CLOCK_PROCESS_CPUTIME_ID) - c0;
}

/* reps pairs: the VM's problem pv, then the native one pn (grad 0: llh);
   medians into vm, nat. */
static int pairs(const muskx_petab *pv, muskx_sim *sv, const muskx_petab *pn,
                 muskx_sim *sn, const double *th, int n, int reps, int grad,
                 double *vm, double *nat) {
  double *tv = calloc((size_t)reps + 1, sizeof *tv);
  double *tn = calloc((size_t)reps + 1, sizeof *tn);
  double *ga = calloc((size_t)n + 1, sizeof *ga);
  double *gb = calloc((size_t)n + 1, sizeof *gb);
  int fail = tv == NULL || tn == NULL || ga == NULL || gb == NULL;
  for (int r = 0; r < reps && !fail; r++) {
    double la = 0, lb = 0;
    tv[r] = once(pv, sv, th, &la, grad ? ga : NULL, &fail);
    tn[r] = once(pn, sn, th, &lb, grad ? gb : NULL, &fail);
    if (!fail && (memcmp(&la, &lb, sizeof la) != 0 ||
                  (grad && memcmp(ga, gb, (size_t)n * sizeof *ga) != 0))) {
      fprintf(stderr, "bench_petab_native: VM and native differ (llh %.17g vs %.17g)\n",
              la, lb);
      fail = 1;
    }
  }
  if (!fail) {
    *vm = median(tv, reps);
    *nat = median(tn, reps);
  }
  free(tv);
  free(tn);
  free(ga);
  free(gb);
  return fail ? -1 : 0;
}

static muskx_petab *load(const char *path, const char *allow) {
  muskx_access *acc = muskx_access_new();
  muskx_error err;
  char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 32];
  muskx_petab *pb = NULL;
  muskx_status st = acc ? muskx_access_allow(acc, allow, &err) : MUSKX_ENOMEM;
  if (st == MUSKX_OK) st = muskx_petab_load_with(path, acc, &pb, &err);
  muskx_access_free(acc);
  if (st != MUSKX_OK) {
    fprintf(stderr, "bench_petab_native: %s\n",
            acc ? muskx_error_format(&err, buf, sizeof buf) : "out of memory");
    return NULL;
  }
  return pb;
}

static muskx_sim *sim_of(const muskx_petab *pb) {
  muskx_sim *s = NULL;
  if (muskx_sim_create(muskx_petab_model(pb), &s) != MUSKX_OK ||
      muskx_sim_set_tolerances(s, 1e-8, 1e-8) != MUSKX_OK) {
    muskx_sim_free(s);
    return NULL;
  }
  return s;
}

int main(int argc, char **argv) {
  const char *path = "models/calibration/spaceflight/problem.yml";
  const char *allow = "models", *tsv = NULL, *cc = "cc";
  int reps = 5, greps = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--grad-reps") == 0 && i + 1 < argc)
      greps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc)
      allow = argv[++i];
    else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
      tsv = argv[++i];
    else if (argv[i][0] != '-')
      path = argv[i];
    else {
      fprintf(stderr, "usage: bench_petab_native [--reps N] [--grad-reps M] "
                      "[--allow DIR] [--tsv FILE] [PROBLEM]\n");
      return 2;
    }
  }
  if (reps < 1 || reps > 1000 || greps < 0 || greps > 1000) {
    fprintf(stderr, "bench_petab_native: --reps 1..1000, --grad-reps 0..1000\n");
    return 2;
  }
  muskx_petab *pv = load(path, allow), *pn = load(path, allow);
  if (pv == NULL || pn == NULL) return 1;
  int n = muskx_petab_nparams(pv);
  double *th = calloc((size_t)n + 1, sizeof *th);
  muskx_error err;
  muskx_sim *sv = sim_of(pv), *sn = sim_of(pn);
  if (th == NULL || sv == NULL || sn == NULL ||
      muskx_petab_nominal(pv, th, &err) != MUSKX_OK) {
    fprintf(stderr, "bench_petab_native: cannot set up %s\n", path);
    return 1;
  }
  /* the build, once, into a private folder (mode 0700) removed at the end */
  char dir[] = "/tmp/bench_petab_native.XXXXXX";
  if (mkdtemp(dir) == NULL) {
    perror("bench_petab_native: mkdtemp");
    return 1;
  }
  double w0 = now(CLOCK_MONOTONIC);
  int rc = 0;
  if (muskx_petab_set_native(pn, cc, dir, &err) != MUSKX_OK) {
    fprintf(stderr, "bench_petab_native: %s\n", err.message);
    rc = -1;
  }
  double build = now(CLOCK_MONOTONIC) - w0, lv = 0, ln = 0, gv = 0, gn = 0;
  /* warm-up, untimed: the first factorisation's generated KLU code is
     compiled then (klu_gen.c) */
  int fail = 0;
  if (rc == 0) {
    once(pv, sv, th, &lv, NULL, &fail);
    once(pn, sn, th, &ln, NULL, &fail);
    if (fail) rc = -1;
  }
  if (rc == 0)
    printf("problem %s: %d estimated parameters; native code built in %.2f s "
           "(wall, compiler included)\n", path, n, build);
  if (rc == 0) rc = pairs(pv, sv, pn, sn, th, n, reps, 0, &lv, &ln);
  if (rc == 0)
    printf("llh       VM %8.3f s  native %8.3f s  ratio %.2fx  (CPU, median "
           "of %d pairs, identical)\n", lv, ln, lv / ln, reps);
  if (rc == 0 && greps > 0) {
    rc = pairs(pv, sv, pn, sn, th, n, greps, 1, &gv, &gn);
    if (rc == 0)
      printf("gradient  VM %8.3f s  native %8.3f s  ratio %.2fx  (CPU, median "
             "of %d pairs, identical)\n", gv, gn, gv / gn, greps);
  }
  if (rc == 0 && tsv != NULL) {
    FILE *f = fopen(tsv, "w");
    if (f == NULL) {
      perror(tsv);
      rc = -1;
    } else {
      fprintf(f, "what\tvm_s\tnative_s\tratio\n");
      fprintf(f, "llh\t%.4f\t%.4f\t%.3f\n", lv, ln, lv / ln);
      if (greps > 0) fprintf(f, "gradient\t%.4f\t%.4f\t%.3f\n", gv, gn, gv / gn);
      fprintf(f, "build_wall\t%.3f\t\t\n", build);
      fclose(f);
    }
  }
  /* the cached object and its folder */
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench_petab_native: could not remove %s\n", dir);
  muskx_sim_free(sv);
  muskx_sim_free(sn);
  muskx_petab_free(pv);
  muskx_petab_free(pn);
  free(th);
  return rc == 0 ? 0 : 1;
}
