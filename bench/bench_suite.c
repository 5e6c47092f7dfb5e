/*
 * bench_suite.c -- the libmuskx side of `make bench` beyond Robertson
 * (issue 8; Robertson is bench_robertson.c's):
 *
 *  robertson  as bench_robertson.c (same settings, its hand-written code),
 *             timed on the CPU clock like everything here.
 *  pollu      POLLU, 20 species / 25 reactions (bench/models/pollu.yaml),
 *             libmuskx vs hand-written CVODE (pollu_hand.c) on identical
 *             settings: t = 0..60 min, 61 outputs, rtol 1e-6, atol 1e-10,
 *             BDF + Newton + analytic Jacobian + the linear solver
 *             libmuskx picks by default (KLU for POLLU), 100000 max steps
 *             per output; and the variants of bench_pollu() below (the
 *             hand code with libmuskx's vector kernels; both on the
 *             SUNDIALS dense solver). Checked against the Test Set's
 *             RADAU5 reference at t = 60.
 *  crosstalk  bench/models/crosstalk_flat.yaml (the shipped crosstalk model before it
 *             was split into imports; the same equations) over a 6-month flight:
 *             loading 0 for 180 days through an input table, 181 daily
 *             outputs, rtol 1e-6, atol 1e-9 (the library's defaults), the
 *             automatic linear solver. No hand-written C version exists
 *             (24 species, 60 assignments; see bench/RESULTS.md): libmuskx
 *             is compared with scipy and deSolve there.
 *  load       load + compile time of every shipped model (models/ and
 *             bench/models/), median of repetitions.
 *  memory     peak heap of create + run + free of one simulation with 10
 *             and with 100000 output times (the caller's output buffer
 *             allocated beforehand), counted exactly by heap_count.h.
 *  ensemble   the crosstalk flight as an ensemble of 256 samples (64 with
 *             --quick; kappa_R lognormal, loading uniform) on 1 and 2
 *             threads: the wall-clock speed-up, and the CPU time of each.
 *
 *   build/bench/bench_suite [--out DIR] [--reps N] [--quick]
 *
 * Writes DIR/suite_timings.tsv (problem, tool, median_s, reps),
 * DIR/suite_finals.tsv (problem, tool, final state), DIR/load.tsv,
 * DIR/memory.tsv and DIR/ensemble.tsv for bench/report.py, and prints the
 * same. Exits 1 when a run fails or libmuskx and the hand-written code
 * disagree by more than the tolerances allow.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heap_count.h"
#include "muskx.h"
#include "pollu_hand.h"
#include "robertson_hand.h"

#define POLLU_NOUT 60
#define FLIGHT_DAYS 180

/* CPU time of the process, not wall time: the benchmark runs on one
   thread (OPENBLAS_NUM_THREADS=1), and other jobs on a shared machine
   then do not inflate it. The scipy and R scripts measure CPU time too.
   The ensemble's speed-up needs wall time: wall_now(). */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall_now(void) {
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

/* Loads path with the whole source tree readable: the shipped crosstalk
   model imports its drug and bone modules from sibling folders, which a
   default load (the model's own folder only) refuses. */
static muskx_status load_in_tree(const char *path, muskx_model **m,
                                 muskx_error *err) {
  muskx_access *a = muskx_access_new();
  muskx_status st = a == NULL ? MUSKX_ENOMEM
                              : muskx_access_allow(a, ".", err);
  if (st == MUSKX_OK) st = muskx_model_load_file_with(path, a, m, err);
  muskx_access_free(a);
  return st;
}

static muskx_model *load(const char *path) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[2048];
  memset(&err, 0, sizeof err);
  if (load_in_tree(path, &m, &err) != MUSKX_OK) {
    fprintf(stderr, "bench_suite: %s\n",
            muskx_error_format(&err, buf, sizeof buf));
    return NULL;
  }
  return m;
}

static FILE *open_out(const char *dir, const char *name) {
  char path[1024];
  FILE *fp;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  fp = fopen(path, "w");
  if (fp == NULL) perror(path);
  return fp;
}

static void write_final(FILE *fp, const char *problem, const char *tool,
                        const double *y, int n) {
  fprintf(fp, "%s\t%s\t", problem, tool);
  for (int i = 0; i < n; i++) fprintf(fp, "%s%.17g", i ? "," : "", y[i]);
  fputc('\n', fp);
}

/* ---------------------------------------------------------------- POLLU */

typedef struct run_cfg {
  const muskx_model *m;
  const double *times;
  size_t ntimes;
  double rtol, atol;
  muskx_linear_solver ls;
  int flight;      /* crosstalk: loading table */
  double *out;     /* ntimes x ncols */
  long steps, rhs, jac, reinits;
} run_cfg;

/* One libmuskx create + configure + run + free. 0 or -1. */
static int run_muskx(run_cfg *c) {
  muskx_sim *sim = NULL;
  size_t rows = 0;
  muskx_status st = muskx_sim_create(c->m, &sim);
  if (st == MUSKX_OK) st = muskx_sim_set_tolerances(sim, c->rtol, c->atol);
  if (st == MUSKX_OK) st = muskx_sim_set_linear_solver(sim, c->ls);
  if (st == MUSKX_OK && c->flight) {
    /* loading 0 from launch to landing, 1 after (issue 8) */
    const double tt[2] = {0.0, FLIGHT_DAYS}, vv[2] = {0.0, 1.0};
    st = muskx_sim_set_input_table(sim, "loading", tt, vv, 2,
                                   MUSKX_INTERP_STEP);
  }
  if (st == MUSKX_OK) st = muskx_sim_run(sim, c->times, c->ntimes, c->out, &rows);
  if (st != MUSKX_OK) {
    fprintf(stderr, "bench_suite: libmuskx: %s: %s\n", muskx_status_name(st),
            sim ? muskx_sim_errmsg(sim) : "");
    muskx_sim_free(sim);
    return -1;
  }
  c->steps = muskx_sim_stat(sim, MUSKX_STAT_STEPS);
  c->rhs = muskx_sim_stat(sim, MUSKX_STAT_RHS_EVALS);
  c->jac = muskx_sim_stat(sim, MUSKX_STAT_JAC_EVALS);
  c->reinits = muskx_sim_stat(sim, MUSKX_STAT_REINITS);
  muskx_sim_free(sim);
  return 0;
}

/* Test Set for IVP Solvers, pollu.f: RADAU5 reference at t = 60. */
static const double pollu_ref[POLLU_N] = {
    0.5646255480022769e-01, 0.1342484130422339e+00, 0.4139734331099427e-08,
    0.5523140207484359e-02, 0.2018977262302196e-06, 0.1464541863493966e-06,
    0.7784249118997964e-01, 0.3245075353396018e+00, 0.7494013383880406e-02,
    0.1622293157301561e-07, 0.1135863833257075e-07, 0.2230505975721359e-02,
    0.2087162882798630e-03, 0.1396921016840158e-04, 0.8964884856898295e-02,
    0.4352846369330103e-17, 0.6899219696263405e-02, 0.1007803037365946e-03,
    0.1772146513969984e-05, 0.5682943292316392e-04};

/* WRMS of a - b, weights 1 / (rtol |b| + atol): CVODE's error norm. */
static double wrms(const double *a, const double *b, int n, double rtol,
                   double atol) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double e = (a[i] - b[i]) / (rtol * fabs(b[i]) + atol);
    s += e * e;
  }
  return sqrt(s / n);
}

/* libmuskx's serial vector with its own -O2 kernels (lib/nvector_fast.c),
   an internal function of the static library: given to one variant of
   the hand-written code so that the library's own overhead can be told
   from what its kernels save (Debian's SUNDIALS is built unoptimised). */
N_Vector muskx__nvector_new(int n, SUNContext ctx);

/* The POLLU variants, timed interleaved. The first pair is the table's
   hand_c / libmuskx: libmuskx at its defaults (the automatic linear
   solver, KLU for POLLU), the hand-written code at the same CVODE
   settings (KLU, the analytic Jacobian). The others, in results.tsv and
   RESULTS.md's "POLLU variants": the hand code with the library's vector
   kernels, and both on the SUNDIALS dense solver (the pre-2026-11-25
   setting of this benchmark). */
enum { PV_HAND, PV_MUSKX, PV_HAND_FASTVEC, PV_HAND_DENSE, PV_MUSKX_DENSE,
       PV_COUNT };
static const char *const pollu_variant[PV_COUNT] = {
    "hand_c", "libmuskx", "hand_c_fastvec", "hand_c_dense", "libmuskx_dense"};

static int bench_pollu(int reps, FILE *ft, FILE *ff) {
  pollu_hand_settings set[PV_COUNT] = {{1e-6, 1e-10, 100000, 1, NULL}};
  set[PV_HAND_FASTVEC] = set[PV_HAND];
  set[PV_HAND_FASTVEC].new_vector = muskx__nvector_new;
  set[PV_HAND_DENSE] = set[PV_HAND];
  set[PV_HAND_DENSE].klu = 0;
  const double rtol = set[PV_HAND].rtol, atol = set[PV_HAND].atol;
  double times[POLLU_NOUT + 1], *y[PV_COUNT], *tv[PV_COUNT];
  long steps[PV_COUNT] = {0}, rhs[PV_COUNT] = {0}, jac[PV_COUNT] = {0};
  char err[256];
  int failed = 0;
  muskx_model *m = load("bench/models/pollu.yaml");
  if (m == NULL) return 1;
  int ncols = muskx_model_count(m, MUSKX_SPECIES) +
              muskx_model_count(m, MUSKX_OUTPUT);
  double *out = calloc((size_t)(POLLU_NOUT + 1) * (size_t)ncols, sizeof *out);
  if (!out) return 1;
  for (int v = 0; v < PV_COUNT; v++) {
    y[v] = calloc(POLLU_NOUT * POLLU_N, sizeof *y[v]);
    tv[v] = calloc((size_t)reps + 1, sizeof *tv[v]);
    if (!y[v] || !tv[v]) return 1;
  }
  for (int i = 0; i <= POLLU_NOUT; i++) times[i] = (double)i;
  run_cfg c = {m, times, POLLU_NOUT + 1, rtol, atol, MUSKX_LS_AUTO,
               0, out, 0, 0, 0, 0};
  for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
    for (int v = 0; v < PV_COUNT; v++) {
      double t0 = now();
      if (v == PV_MUSKX || v == PV_MUSKX_DENSE) {
        c.ls = v == PV_MUSKX ? MUSKX_LS_AUTO : MUSKX_LS_DENSE;
        if (run_muskx(&c)) return 1;
      } else {
        pollu_hand_stats hs;
        if (pollu_hand_run(&set[v], times + 1, POLLU_NOUT, y[v], &hs, err,
                           sizeof err)) {
          fprintf(stderr, "bench_suite: pollu %s: %s\n", pollu_variant[v],
                  err);
          return 1;
        }
        steps[v] = hs.steps, rhs[v] = hs.rhs_evals, jac[v] = hs.jac_evals;
      }
      if (r >= 0) tv[v][r] = now() - t0;
      if (v == PV_MUSKX || v == PV_MUSKX_DENSE) {
        steps[v] = c.steps, rhs[v] = c.rhs, jac[v] = c.jac;
        for (int i = 0; i < POLLU_N; i++)
          y[v][(POLLU_NOUT - 1) * POLLU_N + i] =
              out[(size_t)POLLU_NOUT * (size_t)ncols + (size_t)i];
      }
    }
  }
  /* Global error of a stiff BDF run may exceed the local tolerance by a
     good factor; as cvRoberts_dns's check_ans, judge with 10x the atol
     and rtol against the reference, and the runs against the hand-written
     one at the tolerances themselves. */
  const double *yh = y[PV_HAND] + (POLLU_NOUT - 1) * POLLU_N;
  double mh = median(tv[PV_HAND], reps);
  write_final(ff, "pollu", "reference", pollu_ref, POLLU_N);
  for (int v = 0; v < PV_COUNT; v++) {
    const double *yv = y[v] + (POLLU_NOUT - 1) * POLLU_N;
    double mv = median(tv[v], reps);
    double e_ref = wrms(yv, pollu_ref, POLLU_N, 10 * rtol, 10 * atol);
    double e_hand = wrms(yv, yh, POLLU_N, rtol, atol);
    printf("pollu      %-15s %10.6f s  x%.3f  steps %ld rhs %ld jac %ld  "
           "WRMS vs RADAU5 %.3f, vs hand_c %.3g\n", pollu_variant[v], mv,
           mv / mh, steps[v], rhs[v], jac[v], e_ref, e_hand);
    if (e_ref >= 1 || e_hand >= 1) {
      printf("FAIL: pollu %s: the answers disagree beyond the tolerances\n",
             pollu_variant[v]);
      failed = 1;
    }
    fprintf(ft, "pollu\t%s\t%.6g\t%d\n", pollu_variant[v], mv, reps);
    write_final(ff, "pollu", pollu_variant[v], yv, POLLU_N);
  }
  free(out);
  for (int v = 0; v < PV_COUNT; v++) free(y[v]), free(tv[v]);
  muskx_model_free(m);
  return failed;
}

/* ------------------------------------------------------------ crosstalk */

static int bench_crosstalk(int reps, FILE *ft, FILE *ff) {
  double times[FLIGHT_DAYS + 1], *tm, *tl, *y;
  muskx_model *m = NULL;
  const char *path = "bench/models/crosstalk_flat.yaml";
  for (int i = 0; i <= FLIGHT_DAYS; i++) times[i] = (double)i;
  tm = calloc((size_t)reps, sizeof *tm);
  tl = calloc((size_t)reps, sizeof *tl);
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    muskx_model_free(m);
    m = load(path);
    if (m == NULL) return 1;
    tl[r] = now() - t0;
  }
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int ncols = ns + muskx_model_count(m, MUSKX_OUTPUT);
  double *out = calloc((size_t)(FLIGHT_DAYS + 1) * (size_t)ncols, sizeof *out);
  if (!tm || !tl || !out) return 1;
  run_cfg c = {m, times, FLIGHT_DAYS + 1, 1e-6, 1e-9, MUSKX_LS_AUTO, 1,
               out, 0, 0, 0, 0};
  if (run_muskx(&c)) return 1;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    if (run_muskx(&c)) return 1;
    tm[r] = now() - t0;
  }
  double mm = median(tm, reps), ml = median(tl, reps);
  printf("crosstalk  libmuskx     %12.6f s   steps %ld rhs %ld jac %ld "
         "reinits %ld\n", mm, c.steps, c.rhs, c.jac, c.reinits);
  printf("crosstalk  load+compile %12.6f s\n", ml);
  fprintf(ft, "crosstalk\tlibmuskx\t%.6g\t%d\n", mm, reps);
  fprintf(ft, "crosstalk\tlibmuskx_load_compile\t%.6g\t%d\n", ml, reps);
  y = out + (size_t)FLIGHT_DAYS * (size_t)ncols;
  write_final(ff, "crosstalk", "libmuskx", y, ns);
  /* a tight run, the reference the other tools are checked against */
  c.rtol = 1e-10;
  c.atol = 1e-14;
  if (run_muskx(&c)) return 1;
  write_final(ff, "crosstalk", "reference", y, ns);
  free(out), free(tm), free(tl);
  muskx_model_free(m);
  return 0;
}

/* Robertson at bench_robertson.c's settings, timed here on the CPU clock
   like the other problems (bench_robertson.c times it on the wall clock),
   and its final state for the agreement check with scipy and deSolve. */
static int bench_robertson_cpu(int reps, FILE *ft, FILE *ff) {
  const robertson_hand_settings set = {1e-4, {1e-8, 1e-14, 1e-6}, 100000,
                                       0.0, 5};
  static const char *const names[3] = {"A", "B", "C"};
  double times[13], yhand[12 * 3], y[3], *th, *tm, *out;
  robertson_hand_stats hs;
  char err[256];
  muskx_model *m = load("tests/models/robertson.yaml");
  if (m == NULL) return 1;
  int ncols = muskx_model_count(m, MUSKX_SPECIES) +
              muskx_model_count(m, MUSKX_OUTPUT);
  out = calloc(13 * (size_t)ncols, sizeof *out);
  th = calloc((size_t)reps, sizeof *th);
  tm = calloc((size_t)reps, sizeof *tm);
  if (!out || !th || !tm) return 1;
  times[0] = 0;
  for (int i = 0; i < 12; i++) times[i + 1] = 0.4 * pow(10.0, i);
  for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
    muskx_sim *sim = NULL;
    double t0 = now();
    if (robertson_hand_run(&set, times + 1, 12, yhand, &hs, err, sizeof err)) {
      fprintf(stderr, "bench_suite: robertson hand: %s\n", err);
      return 1;
    }
    if (r >= 0) th[r] = now() - t0;
    t0 = now();
    int st = muskx_sim_create(m, &sim) != MUSKX_OK;
    st = st || muskx_sim_set_tolerances(sim, set.rtol, set.atol[0]);
    for (int i = 0; i < 3; i++)
      st = st || muskx_sim_set_atol_species(sim, names[i], set.atol[i]);
    st = st || muskx_sim_set_linear_solver(sim, MUSKX_LS_DENSE);
    st = st || muskx_sim_set_max_steps(sim, set.max_steps);
    st = st || muskx_sim_run(sim, times, 13, out, NULL);
    if (st) {
      fprintf(stderr, "bench_suite: robertson: %s\n", muskx_sim_errmsg(sim));
      return 1;
    }
    muskx_sim_free(sim);
    if (r >= 0) tm[r] = now() - t0;
  }
  double mh = median(th, reps), mm = median(tm, reps);
  printf("robertson  hand_c       %12.6f s   (CPU time)\n", mh);
  printf("robertson  libmuskx     %12.6f s   ratio %.3f\n", mm, mm / mh);
  fprintf(ft, "robertson\thand_c\t%.6g\t%d\n", mh, reps);
  fprintf(ft, "robertson\tlibmuskx\t%.6g\t%d\n", mm, reps);
  for (int i = 0; i < 3; i++)
    y[i] = out[12 * (size_t)ncols +
               (size_t)muskx_model_find(m, MUSKX_SPECIES, names[i])];
  write_final(ff, "robertson", "libmuskx", y, 3);
  write_final(ff, "robertson", "hand_c", yhand + 11 * 3, 3);
  free(out), free(th), free(tm);
  muskx_model_free(m);
  return 0;
}

/* Robertson's final state at bench_robertson.c's settings, for the
   agreement check with scipy and deSolve (bench_robertson times it). */
static int robertson_finals(FILE *ff) {
  double times[13], *out;
  muskx_model *m = load("tests/models/robertson.yaml");
  muskx_sim *sim = NULL;
  const char *names[3] = {"A", "B", "C"};
  const double atol[3] = {1e-8, 1e-14, 1e-6};
  double y[3];
  if (m == NULL) return 1;
  int ncols = muskx_model_count(m, MUSKX_SPECIES) +
              muskx_model_count(m, MUSKX_OUTPUT);
  out = calloc(13 * (size_t)ncols, sizeof *out);
  times[0] = 0;
  for (int i = 0; i < 12; i++) times[i + 1] = 0.4 * pow(10.0, i);
  for (int pass = 0; pass < 2; pass++) {
    int st = muskx_sim_create(m, &sim) != MUSKX_OK;
    st = st || muskx_sim_set_tolerances(sim, pass ? 1e-10 : 1e-4, 1e-8);
    for (int i = 0; i < 3; i++)
      st = st || muskx_sim_set_atol_species(sim, names[i],
                                            pass ? atol[i] * 1e-4 : atol[i]);
    st = st || muskx_sim_set_linear_solver(sim, MUSKX_LS_DENSE);
    st = st || muskx_sim_run(sim, times, 13, out, NULL);
    if (st) {
      fprintf(stderr, "bench_suite: robertson: %s\n", muskx_sim_errmsg(sim));
      return 1;
    }
    muskx_sim_free(sim);
    for (int i = 0; i < 3; i++)
      y[i] = out[12 * (size_t)ncols +
                 (size_t)muskx_model_find(m, MUSKX_SPECIES, names[i])];
    if (pass) write_final(ff, "robertson", "reference", y, 3);
  }
  free(out);
  muskx_model_free(m);
  return 0;
}

/* ------------------------------------------------------------ load times */

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Times every *.yaml under dir (recursively) that loads as a model. */
static void load_dir(const char *dir, int reps, FILE *fl) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (d == NULL) return;
  while ((e = readdir(d)) != NULL) {
    char path[1024];
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (!has_suffix(e->d_name, ".yaml")) {
      load_dir(path, reps, fl); /* not a directory: opendir fails */
      continue;
    }
    double *t = calloc((size_t)reps, sizeof *t);
    muskx_model *m = NULL;
    muskx_error err;
    int r, ok = 1;
    for (r = 0; r < reps && ok; r++) {
      double t0 = now();
      ok = load_in_tree(path, &m, &err) == MUSKX_OK;
      t[r] = now() - t0;
      if (ok && r == reps - 1)
        fprintf(fl, "%s\t%.6g\t%d\t%d\n", path, median(t, reps),
                muskx_model_count(m, MUSKX_SPECIES),
                muskx_model_count(m, MUSKX_REACTION));
      muskx_model_free(m);
      m = NULL;
    }
    if (!ok) fprintf(fl, "%s\tNA\t0\t0\n", path); /* not a model */
    free(t);
  }
  closedir(d);
}

/* ---------------------------------------------------------------- memory */

/* Peak heap of one create + run + free above what was in use before it
   (the caller's buffers are allocated before): heap_count.h's exact
   count over every allocation of the process. */
static long peak_heap(run_cfg *c) {
  long before = heap_mark();
  if (run_muskx(c)) return -1;
  return heap_peak() - before;
}

static int bench_memory(FILE *fm) {
  static const size_t sizes[2] = {10, 100000};
  muskx_model *m = load("models/crosstalk/spaceflight.yaml");
  long peak[2];
  if (m == NULL) return 1;
  int ncols = muskx_model_count(m, MUSKX_SPECIES) +
              muskx_model_count(m, MUSKX_OUTPUT);
  for (int k = 0; k < 2; k++) {
    size_t n = sizes[k];
    double *times = calloc(n, sizeof *times);
    double *out = calloc(n * (size_t)ncols, sizeof *out);
    if (!times || !out) return 1;
    for (size_t i = 0; i < n; i++)
      times[i] = FLIGHT_DAYS * (double)i / (double)(n - 1);
    run_cfg c = {m, times, n, 1e-6, 1e-9, MUSKX_LS_AUTO, 1, out, 0, 0, 0, 0};
    peak[k] = peak_heap(&c);
    free(times);
    free(out);
    if (peak[k] < 0) return 1;
  }
  printf("memory     crosstalk sim, peak heap above the caller's buffers: "
         "%ld bytes with 10 outputs, %ld bytes with 100000\n", peak[0],
         peak[1]);
  fprintf(fm, "crosstalk\t10\t%ld\n", peak[0]);
  fprintf(fm, "crosstalk\t100000\t%ld\n", peak[1]);
  muskx_model_free(m);
  return 0;
}

/* --------------------------------------------------------------- ensemble */

static int bench_ensemble(int samples, FILE *fe) {
  muskx_model *m = load("models/crosstalk/spaceflight.yaml");
  double times[FLIGHT_DAYS + 1], wall[2], cpu[2];
  if (m == NULL) return 1;
  for (int i = 0; i <= FLIGHT_DAYS; i++) times[i] = (double)i;
  for (int threads = 1; threads <= 2; threads++) {
    muskx_ensemble *e = NULL;
    wall[threads - 1] = cpu[threads - 1] = INFINITY;
    if (muskx_ensemble_create(m, &e) != MUSKX_OK ||
        muskx_ensemble_vary(e, "kappa_R", MUSKX_DIST_LOGNORMAL, 0.25, 0.3) !=
            MUSKX_OK ||
        muskx_ensemble_vary(e, "loading", MUSKX_DIST_UNIFORM, 0.0, 0.2) !=
            MUSKX_OK)
      return 1;
    /* best of three: the speed-up of the machine, not of its noise. CPU
       time too: if two threads use no more CPU than one, the work scales
       perfectly and a wall-clock speed-up below 2 only means the second
       core was busy with something else. */
    for (int rep = 0; rep < 3; rep++) {
      double w0 = wall_now(), c0 = now();
      if (muskx_ensemble_run(e, 0, (size_t)samples, 1, threads, times,
                             FLIGHT_DAYS + 1, NULL, NULL) != MUSKX_OK ||
          muskx_ensemble_nfailed(e) != 0) {
        fprintf(stderr, "bench_suite: ensemble: %s\n",
                muskx_ensemble_errmsg(e));
        return 1;
      }
      double w = wall_now() - w0, c = now() - c0;
      if (w < wall[threads - 1]) wall[threads - 1] = w;
      if (c < cpu[threads - 1]) cpu[threads - 1] = c;
    }
    muskx_ensemble_free(e);
  }
  printf("ensemble   %d samples of the crosstalk flight: wall 1 thread %.4f s, "
         "2 threads %.4f s, speed-up %.2f; CPU %.4f s vs %.4f s\n", samples,
         wall[0], wall[1], wall[0] / wall[1], cpu[0], cpu[1]);
  fprintf(fe, "crosstalk\t%d\t1\t%.6g\t%.6g\n", samples, wall[0], cpu[0]);
  fprintf(fe, "crosstalk\t%d\t2\t%.6g\t%.6g\n", samples, wall[1], cpu[1]);
  muskx_model_free(m);
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = "build/bench/out";
  int reps = 51, quick = 0, failed = 0;
  FILE *ft, *ff, *fl, *fm, *fe;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--quick") == 0) {
      quick = 1;
    } else {
      fprintf(stderr, "usage: %s [--out DIR] [--reps N] [--quick]\n",
              argv[0]);
      return 2;
    }
  }
  if (quick && reps > 11) reps = 11;
  if (reps < 3) reps = 3;
  ft = open_out(dir, "suite_timings.tsv");
  ff = open_out(dir, "suite_finals.tsv");
  fl = open_out(dir, "load.tsv");
  fm = open_out(dir, "memory.tsv");
  fe = open_out(dir, "ensemble.tsv");
  if (!ft || !ff || !fl || !fm || !fe) return 1;
  failed |= bench_pollu(reps, ft, ff);
  failed |= bench_crosstalk(reps, ft, ff);
  failed |= bench_robertson_cpu(reps, ft, ff);
  failed |= robertson_finals(ff);
  load_dir("models", reps, fl);
  load_dir("bench/models", reps, fl);
  failed |= bench_memory(fm);
  failed |= bench_ensemble(quick ? 64 : 256, fe);
  fclose(ft), fclose(ff), fclose(fl), fclose(fm), fclose(fe);
  return failed;
}
