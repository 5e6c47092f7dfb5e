/*
 * test_vm_native.c -- native code for the right-hand side and Jacobian
 * (lib/vm_native.c, muskx_ensemble_set_native): every opcode gives the
 * VM's bits, special values included; an ensemble of the shipped ISS
 * scenario gives the VM's bytes on 1 and 2 threads; a decay ensemble run
 * natively matches the analytic A0 exp(-k t); a missing or failing
 * compiler leaves the VM running with a message that says why, and a
 * hanging one is stopped after the time limit; the cache
 * is reused, a corrupt or foreign-writable cached file is rebuilt, not
 * loaded, and a cache folder others can write to is refused.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"
#include "vm.h"
#include "ensemble.h"
#include "klu_gen.h"
#include "vm_native.h"
#include "sim.h"

/* ---------------------------------------------- every opcode, bit for bit */

enum { NIN = 24, NOUT = 3 * MUSKX__OP_COUNT, NREGS = NIN + NOUT };

/* Values where the functions' special cases live. */
static const double SPECIAL[] = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.5,
                                 1e300, -1e-300, 3.0, 0.25, 7.5};

static void program_of_every_opcode(muskx__program *p, muskx__instr *code) {
  memset(p, 0, sizeof *p);
  int n = 0;
  for (int rep = 0; rep < 3; rep++)
    for (int op = 0; op < MUSKX__OP_COUNT; op++, n++) {
      /* operands: inputs, and from the second round earlier results */
      int b = (op * 7 + rep * 5) % NIN, c = (op * 11 + 3 + rep) % NIN,
          d = (op * 13 + 5) % NIN;
      if (rep > 0) b = NIN + n - MUSKX__OP_COUNT + (op % 3);
      code[n] = (muskx__instr){op, NIN + n, b, c, d};
    }
  /* registers 0-3 constants, 4 the time, 5-10 parameters: instructions
     reading only those are hoisted into the cache */
  p->nregs = NREGS;
  p->nconst = 4;
  p->reg_time = 4;
  p->reg_param0 = 5;
  p->nparamlike = 6;
  p->reg_input0 = 11;
  p->rhs.code = code;
  p->rhs.ncode = n;
  p->jac.code = code + MUSKX__OP_COUNT; /* a second program */
  p->jac.ncode = MUSKX__OP_COUNT;
}

/* The VM and the native code of compiler cc on random register files. */
static void opcodes_agree(const char *cc) {
  static muskx__instr code[NOUT];
  static int32_t results[NOUT], rhs_results[NOUT + 3];
  muskx__program p;
  char msg[512] = "";
  program_of_every_opcode(&p, code);
  for (int i = 0; i < NOUT; i++) results[i] = NIN + i;
  /* rhs: every register a result, in reverse order (hoisted and not
     mixed), and a constant, a parameter and an input as results too
     (muskx_native_rhs_dy writes them all into dy) */
  for (int i = 0; i < NOUT; i++) rhs_results[i] = NIN + NOUT - 1 - i;
  rhs_results[NOUT] = 1;
  rhs_results[NOUT + 1] = 6;
  rhs_results[NOUT + 2] = 12;
  p.rhs.results = rhs_results;
  p.rhs.nresults = NOUT + 3;
  p.jac.results = results + MUSKX__OP_COUNT;
  p.jac.nresults = MUSKX__OP_COUNT;
  /* the jac program also as a third, `kept` one (the kept outputs) */
  muskx__native *nat =
      muskx__native_build(&p, &p.jac, cc, NULL, msg, sizeof msg);
  ck_assert_msg(nat != NULL, "native build with %s: %s", cc, msg);
  ck_assert(nat->out != NULL);
  ck_assert_int_eq(nat->kept.ncode, p.jac.ncode);
  ck_assert_int_gt(nat->ncache, 3); /* something was hoisted */
  ck_assert(nat->rhs_dy != NULL && nat->rhs_dy_cached != NULL);
  double *cache = calloc((size_t)nat->ncache + 1, sizeof *cache);
  double *cache2 = calloc((size_t)nat->ncache + 1, sizeof *cache2);
  ck_assert_ptr_nonnull(cache);
  ck_assert_ptr_nonnull(cache2);
  srand(19);
  double a[NREGS], b[NREGS], r2[NREGS], r3[NREGS], dy[NOUT + 3],
      dy3[NOUT + 3];
  for (int trial = 0; trial < 400; trial++) {
    /* the constants stay; parameters change in some trials only, so
       that the cache is both reused and found stale */
    int newparams = trial == 0 || rand() % 3 == 0;
    for (int i = 0; i < NIN; i++) {
      if (trial > 0 && (i < 4 || (i >= 5 && i < 11 && !newparams))) {
        a[i] = b[i];
        continue;
      }
      int k = rand() % 20;
      a[i] = k < 12 ? SPECIAL[k]
             : k < 13 ? NAN
             : k < 14 ? -INFINITY
                      : (rand() / (double)RAND_MAX - 0.4) * 8.0;
      if (newparams && i == 5 && trial % 2) a[i] = -0.0; /* vs +0.0 */
    }
    for (int i = NIN; i < NREGS; i++) a[i] = -77.0;
    memcpy(b, a, sizeof a);
    const muskx__prog *progs[3] = {&p.rhs, &p.jac, &p.jac};
    muskx__native_fn fns[3] = {nat->rhs, nat->jac, nat->out};
    for (int k = 0; k < 3; k++) {
      if (k == 0) { /* the rhs into dy, on a copy with a cache of its own;
                       then without the parameter check on that cache,
                       which the call before has just brought up to date */
        memcpy(r2, b, sizeof r2);
        memcpy(r3, b, sizeof r3);
        for (int i = 0; i < NOUT + 3; i++) dy[i] = dy3[i] = -99.0;
        nat->rhs_dy(r2, cache2, dy);
        nat->rhs_dy_cached(r3, cache2, dy3);
        ck_assert(memcmp(dy, dy3, sizeof dy) == 0);
        ck_assert(memcmp(r2, r3, sizeof r2) == 0);
      }
      muskx__vm_run(progs[k], a);
      fns[k](b, cache);
      for (int i = 0; k == 0 && i < NOUT + 3; i++) {
        double v = a[rhs_results[i]];
        TU_CHECK_MSG(memcmp(&dy[i], &v, sizeof v) == 0 ||
                         (isnan(dy[i]) && isnan(v)),
                     "%s, trial %d: dy[%d] %.17g, VM result %.17g", cc,
                     trial, i, dy[i], v);
      }
      for (int i = 0; k == 0 && i < NREGS; i++)
        TU_CHECK_MSG(memcmp(&r2[i], &b[i], sizeof b[i]) == 0 ||
                         (isnan(r2[i]) && isnan(b[i])),
                     "%s, trial %d: register %d after rhs_dy %.17g, after "
                     "rhs %.17g", cc, trial, i, r2[i], b[i]);
      /* rhs: every register is a result; jac: its results only */
      for (int i = 0; i < NREGS; i++)
        TU_CHECK_MSG((k >= 1 && i >= NIN &&
                       (i < NIN + MUSKX__OP_COUNT ||
                        i >= NIN + 2 * MUSKX__OP_COUNT)) ||
                          memcmp(&a[i], &b[i], sizeof a[i]) == 0 ||
                          (isnan(a[i]) && isnan(b[i])),
                      "%s, trial %d program %d register %d (%s): VM %.17g, "
                      "native %.17g", cc, trial, k, i,
                      i >= NIN ? muskx__opcode_name(
                                     (muskx__opcode)code[i - NIN].op)
                               : "input",
                      a[i], b[i]);
      memcpy(b, a, sizeof a); /* the same start for the next */
    }
  }
  free(cache);
  free(cache2);
  muskx__native_free(nat);
}

/* gcc reads the generated pragma, clang does not (scripts/install-deps.sh
   installs both) */
START_TEST(every_opcode_gives_the_vm_bits) {
  opcodes_agree("cc");
  opcodes_agree("clang");
}
END_TEST

START_TEST(a_missing_or_failing_compiler_is_a_clear_error) {
  static muskx__instr code[NOUT];
  muskx__program p;
  char msg[512] = "";
  program_of_every_opcode(&p, code);
  ck_assert_ptr_null(muskx__native_build(&p, NULL, "/nonexistent/cc", NULL,
                                         msg, sizeof msg));
  ck_assert_msg(strstr(msg, "cannot run the C compiler '/nonexistent/cc'"),
                "%s", msg);
  ck_assert_ptr_null(
      muskx__native_build(&p, NULL, "false", NULL, msg, sizeof msg));
  ck_assert_msg(strstr(msg, "the C compiler 'false' failed"), "%s", msg);
  ck_assert_ptr_null(
      muskx__native_build(&p, NULL, "true", NULL, msg, sizeof msg));
  ck_assert_msg(strstr(msg, "the C compiler 'true' exited with status 0 but "
                            "wrote no shared object"), "%s", msg);
}
END_TEST

/* The state letter of process pid in /proc (R, S, Z...), or 0 when it
   is gone. */
static char proc_state(long pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  char *ok = fgets(line, sizeof line, f);
  fclose(f);
  const char *paren = ok != NULL ? strrchr(line, ')') : NULL;
  return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

/* A shell script dir/cc of body, as the "compiler"; its path in script. */
static void fake_cc(char *script, size_t n, const char *dir,
                    const char *body) {
  snprintf(script, n, "%s/cc", dir);
  FILE *f = fopen(script, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "#!/bin/sh\n%s", body);
  fclose(f);
  ck_assert_int_eq(chmod(script, 0700), 0);
}

/* A compiler that never finishes (it runs `sleep` as a child, as a
   driver runs cc1) is stopped after the time limit, child and all, with
   a message that says so. */
START_TEST(a_compiler_that_hangs_is_stopped) {
  static muskx__instr code[NOUT];
  muskx__program p;
  char dir[] = "/tmp/muskx-test-hang-XXXXXX", script[128], pidf[128];
  char msg[512] = "";
  program_of_every_opcode(&p, code);
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pidf, sizeof pidf, "%s/pid", dir);
  char body[256];
  snprintf(body, sizeof body, "sleep 60 &\necho $! > %s\nwait\n", pidf);
  fake_cc(script, sizeof script, dir, body);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ck_assert_ptr_null(muskx__native_build_timed(&p, NULL, script, NULL, 1000,
                                               msg, sizeof msg));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) +
                1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  ck_assert_msg(secs >= 0.9 && secs < 20, "stopped after %g s", secs);
  ck_assert_msg(strstr(msg, "did not finish within 1 s and was stopped"),
                "%s", msg);
  /* the compiler's own child (its cc1) was killed with it */
  long pid = 0;
  FILE *f = fopen(pidf, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
  fclose(f);
  char st = proc_state(pid);
  for (int i = 0; i < 200 && st != 0 && st != 'Z'; i++) {
    nanosleep(&(struct timespec){0, 10000000}, NULL);
    st = proc_state(pid);
  }
  ck_assert_msg(st == 0 || st == 'Z', "the compiler's child runs on (%c)",
                st);
  unlink(pidf);
  unlink(script);
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* A "compiler" that writes an empty file where the object should be: the
   load fails with a message, and the cache keeps nothing of it. */
START_TEST(an_object_that_cannot_be_loaded_is_not_cached) {
  static muskx__instr code[NOUT];
  muskx__program p;
  char dir[] = "/tmp/muskx-test-empty-XXXXXX", cache[128], script[128];
  char msg[512] = "";
  program_of_every_opcode(&p, code);
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(cache, sizeof cache, "%s/cache", dir);
  ck_assert_int_eq(mkdir(cache, 0700), 0);
  fake_cc(script, sizeof script, dir,
          "while [ $# -gt 0 ]; do\n"
          "  if [ \"$1\" = -o ]; then : > \"$2\"; fi; shift\ndone\n");
  ck_assert_ptr_null(
      muskx__native_build(&p, NULL, script, cache, msg, sizeof msg));
  ck_assert_msg(strstr(msg, "cannot load the native code"), "%s", msg);
  ck_assert_int_eq(rmdir(cache), 0); /* empty: nothing kept */
  unlink(script);
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Two threads build the same cache entry at once: both load working
   code (the VM's results), and the cache holds that one object, no
   half-written or temporary file. */
typedef struct {
  const muskx__program *p;
  const char *cache;
  pthread_barrier_t *go;
  muskx__native *nat;
  char msg[512];
} builder;

static void *build_at_once(void *arg) {
  builder *b = arg;
  pthread_barrier_wait(b->go);
  b->nat = muskx__native_build(b->p, NULL, "cc", b->cache, b->msg,
                               sizeof b->msg);
  return NULL;
}

START_TEST(two_threads_building_one_cache_entry_both_load_it) {
  static muskx__instr code[NOUT];
  static int32_t results[NOUT];
  muskx__program p;
  char dir[] = "/tmp/muskx-test-race-XXXXXX";
  program_of_every_opcode(&p, code);
  for (int i = 0; i < NOUT; i++) results[i] = NIN + i;
  p.rhs.results = results;
  p.rhs.nresults = NOUT;
  p.jac.results = results + MUSKX__OP_COUNT;
  p.jac.nresults = MUSKX__OP_COUNT;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  pthread_barrier_t go;
  pthread_barrier_init(&go, NULL, 2);
  builder b[2];
  pthread_t th[2];
  for (int k = 0; k < 2; k++) {
    b[k] = (builder){&p, dir, &go, NULL, ""};
    ck_assert_int_eq(pthread_create(&th[k], NULL, build_at_once, &b[k]), 0);
  }
  for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
  pthread_barrier_destroy(&go);
  double vm[NREGS];
  for (int i = 0; i < NREGS; i++) vm[i] = i < NIN ? 0.25 * (i + 1) : -7.0;
  double r0[NREGS];
  memcpy(r0, vm, sizeof vm);
  muskx__vm_run(&p.rhs, vm);
  for (int k = 0; k < 2; k++) {
    ck_assert_msg(b[k].nat != NULL, "builder %d: %s", k, b[k].msg);
    double r[NREGS], *c = calloc((size_t)b[k].nat->ncache + 1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    memcpy(r, r0, sizeof r);
    b[k].nat->rhs(r, c);
    for (int i = 0; i < NREGS; i++)
      ck_assert(memcmp(&r[i], &vm[i], sizeof r[i]) == 0 ||
                (isnan(r[i]) && isnan(vm[i])));
    free(c);
    muskx__native_free(b[k].nat);
  }
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int entries = 0;
  char name[256] = "";
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    entries++;
    snprintf(name, sizeof name, "%s", e->d_name);
  }
  closedir(d);
  ck_assert_msg(entries == 1 && strncmp(name, "muskx-", 6) == 0 &&
                    strstr(name, ".so") != NULL,
                "%d entries, e.g. %s", entries, name);
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ------------------------------------------------------------ ensembles */

/* n members of the ISS crew (two traits varied, as bench_crew), their
   kept trajectories; native: the compiler, or NULL for the VM. */
static double *crew(muskx_scenario *sc, size_t n, int threads,
                    const char *native, const char *cache, size_t *len,
                    muskx_status *native_st, long *klu_matches) {
  size_t nt = muskx_scenario_sample_times(sc, NULL, 0);
  int nr = muskx_scenario_report_count(sc);
  double *times = malloc(nt * sizeof *times);
  const char *names[64];
  muskx_ensemble *e = NULL;
  ck_assert(times != NULL && nr <= 64);
  muskx_scenario_sample_times(sc, times, nt);
  for (int c = 0; c < nr; c++) names[c] = muskx_scenario_report_name(sc, c);
  ck_assert_int_eq(muskx_ensemble_create(muskx_scenario_model(sc), &e),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_scenario(e, sc), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(e, "kappa_R", MUSKX_DIST_LOGNORMAL,
                                       0.28, 0.3), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(e, "w_res", MUSKX_DIST_UNIFORM, 0.1,
                                       0.4), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(e, names, (size_t)nr),
                   MUSKX_OK);
  muskx_status st = MUSKX_OK;
  if (native != NULL) st = muskx_ensemble_set_native(e, native, cache);
  if (native_st != NULL) *native_st = st;
  if (st != MUSKX_OK)
    ck_assert_msg(strlen(muskx_ensemble_errmsg(e)) > 20, "no message");
  ck_assert_msg(muskx_ensemble_run(e, 0, n, 7, threads, times, nt, NULL,
                                   NULL) == MUSKX_OK,
                "%s", muskx_ensemble_errmsg(e));
  ck_assert_int_eq((int)muskx_ensemble_nfailed(e), 0);
  *len = n * nt * (size_t)nr;
  double *tr = malloc(*len * sizeof *tr);
  ck_assert_ptr_nonnull(tr);
  ck_assert_int_eq(muskx_ensemble_trajectories(e, tr, *len), MUSKX_OK);
  if (klu_matches != NULL)
    *klu_matches =
        e->native != NULL ? muskx__klu_gen_matches(e->native->klu) : -1;
  muskx_ensemble_free(e);
  free(times);
  return tr;
}

START_TEST(the_iss_crew_gives_the_vm_bytes_on_one_and_two_threads) {
  muskx_scenario *sc = tu_load_scenario("scenarios/iss_exercise.yaml");
  size_t n1, n2, n3;
  muskx_status st;
  char dir[] = "/tmp/muskx-test-native-XXXXXX"; /* one build for both */
  ck_assert_ptr_nonnull(mkdtemp(dir));
  long m1, m2;
  double *vm = crew(sc, 6, 1, NULL, NULL, &n1, NULL, NULL);
  double *nat1 = crew(sc, 6, 1, "cc", dir, &n2, &st, &m1);
  ck_assert_int_eq(st, MUSKX_OK);
  double *nat2 = crew(sc, 6, 2, "cc", dir, &n3, &st, &m2);
  ck_assert_int_eq(st, MUSKX_OK);
  /* the VM solves with klu_l_solve; native members with the generated
     solve (klu_gen.c) for most of their factors: the same bytes */
  ck_assert_msg(m1 >= 6 && m2 >= 6, "generated KLU solves used %ld, %ld",
                m1, m2);
  ck_assert(n1 == n2 && n1 == n3);
  ck_assert(memcmp(vm, nat1, n1 * sizeof *vm) == 0);
  ck_assert(memcmp(vm, nat2, n1 * sizeof *vm) == 0);
  /* the members differ (the varied traits reach the kept columns) */
  ck_assert(memcmp(vm, vm + n1 / 6, n1 / 6 * sizeof *vm) != 0);
  free(vm);
  free(nat1);
  free(nat2);
  muskx_scenario_free(sc);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(without_a_compiler_the_vm_runs_the_members) {
  muskx_scenario *sc = tu_load_scenario("scenarios/iss_exercise.yaml");
  size_t n1, n2;
  muskx_status st;
  double *vm = crew(sc, 3, 1, NULL, NULL, &n1, NULL, NULL);
  double *fb = crew(sc, 3, 1, "/nonexistent/cc", NULL, &n2, &st, NULL);
  ck_assert_int_eq(st, MUSKX_EUNSUPPORTED);
  ck_assert(n1 == n2 && memcmp(vm, fb, n1 * sizeof *vm) == 0);
  free(vm);
  free(fb);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(the_cache_is_reused_and_a_corrupt_file_rebuilt) {
  char dir[] = "/tmp/muskx-test-native-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  muskx_scenario *sc = tu_load_scenario("scenarios/iss_exercise.yaml");
  size_t n0, n1, n2, n3;
  muskx_status st;
  double *vm = crew(sc, 2, 1, NULL, NULL, &n0, NULL, NULL);
  double *a = crew(sc, 2, 1, "cc", dir, &n1, &st, NULL);
  ck_assert_int_eq(st, MUSKX_OK);
  /* exactly two shared objects, named muskx-<hash>.so: the model's code
     (the larger, checked below) and its generated KLU solve */
  char cmd[256], so[512] = "", other[512] = "", any[512];
  off_t largest = -1;
  snprintf(cmd, sizeof cmd, "ls %s", dir);
  FILE *ls = popen(cmd, "r");
  ck_assert_ptr_nonnull(ls);
  char line[256];
  int files = 0;
  while (fgets(line, sizeof line, ls) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    snprintf(any, sizeof any, "%s/%s", dir, line);
    struct stat sa;
    ck_assert_int_eq(stat(any, &sa), 0);
    if (sa.st_size > largest) {
      largest = sa.st_size;
      memcpy(other, so, sizeof so);
      memcpy(so, any, sizeof so);
    } else {
      memcpy(other, any, sizeof any);
    }
    files++;
  }
  pclose(ls);
  ck_assert_int_eq(files, 2);
  ck_assert_msg(strstr(so, "/muskx-") && strstr(so, ".so"), "%s", so);
  struct stat st1, st2;
  ck_assert_int_eq(stat(so, &st1), 0);
  /* reused: not rebuilt (same inode and time) */
  double *b = crew(sc, 2, 1, "cc", dir, &n2, &st, NULL);
  ck_assert_int_eq(st, MUSKX_OK);
  ck_assert_int_eq(stat(so, &st2), 0);
  ck_assert(st1.st_ino == st2.st_ino && st1.st_mtime == st2.st_mtime);
  /* a cached file others could have written is rebuilt, not loaded */
  ck_assert_int_eq(chmod(so, 0666), 0);
  double *w = crew(sc, 2, 1, "cc", dir, &n2, &st, NULL);
  ck_assert_int_eq(st, MUSKX_OK);
  ck_assert_int_eq(stat(so, &st2), 0);
  ck_assert(st2.st_ino != st1.st_ino && (st2.st_mode & 022) == 0);
  ck_assert(memcmp(vm, w, n0 * sizeof *vm) == 0);
  free(w);
  /* a cache folder others can write to is refused: the VM runs */
  ck_assert_int_eq(chmod(dir, 0777), 0);
  double *v = crew(sc, 2, 1, "cc", dir, &n2, &st, NULL);
  ck_assert_int_eq(st, MUSKX_EUNSUPPORTED);
  ck_assert(memcmp(vm, v, n0 * sizeof *vm) == 0);
  free(v);
  ck_assert_int_eq(chmod(dir, 0700), 0);
  /* a corrupt file under that name is rebuilt, not loaded */
  FILE *f = fopen(so, "w");
  ck_assert_ptr_nonnull(f);
  fputs("not an ELF object\n", f);
  fclose(f);
  double *c = crew(sc, 2, 1, "cc", dir, &n3, &st, NULL);
  ck_assert_int_eq(st, MUSKX_OK);
  ck_assert_int_eq(stat(so, &st2), 0);
  ck_assert(st2.st_size > 1000);
  ck_assert(n0 == n1 && n0 == n2 && n0 == n3);
  ck_assert(memcmp(vm, a, n0 * sizeof *vm) == 0);
  ck_assert(memcmp(vm, b, n0 * sizeof *vm) == 0);
  ck_assert(memcmp(vm, c, n0 * sizeof *vm) == 0);
  unlink(so);
  ck_assert_int_eq(unlink(other), 0);
  ck_assert_int_eq(rmdir(dir), 0); /* nothing else was left behind */
  free(vm);
  free(a);
  free(b);
  free(c);
  muskx_scenario_free(sc);
}
END_TEST

static muskx_status tight(void *ctx, muskx_sim *sim, size_t sample) {
  (void)ctx;
  (void)sample;
  return muskx_sim_set_tolerances(sim, 1e-10, 1e-12);
}

START_TEST(a_native_decay_ensemble_matches_the_analytic_solution) {
  /* dA/dt = -k A, A(0) = 1.5: A(t) = 1.5 exp(-k t) for each member's k */
  enum { N = 40, NT = 4 };
  const double times[NT] = {0, 0.5, 1, 3};
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_ensemble *e = NULL;
  const char *cols[1] = {"A"};
  double tr[N * NT], k[N];
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(e, "k", MUSKX_DIST_LOGNORMAL, 0.7,
                                       0.5), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(e, cols, 1), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_setup(e, tight, NULL), MUSKX_OK);
  ck_assert_msg(muskx_ensemble_set_native(e, "cc", NULL) == MUSKX_OK, "%s",
                muskx_ensemble_errmsg(e));
  ck_assert_int_eq(muskx_ensemble_run(e, 0, N, 3, 2, times, NT, NULL, NULL),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_trajectories(e, tr, N * NT), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_values(e, k, N), MUSKX_OK);
  for (int s = 0; s < N; s++)
    for (int r = 0; r < NT; r++)
      TU_CLOSE(tr[s * NT + r], 1.5 * exp(-k[s] * times[r]), 1e-7, 1e-10,
               "A", times[r]);
  /* dropping native code goes back to the VM */
  ck_assert_int_eq(muskx_ensemble_set_native(e, NULL, NULL), MUSKX_OK);
  muskx_ensemble_free(e);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------- other kinds of model, natively */

/* n members of m with `vary` uniform in [lo, hi], column col, at times;
   native: NULL (the VM) or the compiler. Trajectories, members x times. */
static double *members(const muskx_model *m, const char *vary, double lo,
                       double hi, const char *col, const double *times,
                       size_t nt, size_t n, const char *native,
                       double *values) {
  muskx_ensemble *e = NULL;
  const char *cols[1] = {col};
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(e, vary, MUSKX_DIST_UNIFORM, lo, hi),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(e, cols, 1), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_setup(e, tight, NULL), MUSKX_OK);
  if (native != NULL)
    ck_assert_msg(muskx_ensemble_set_native(e, native, NULL) == MUSKX_OK,
                  "%s", muskx_ensemble_errmsg(e));
  ck_assert_msg(muskx_ensemble_run(e, 0, n, 5, 2, times, nt, NULL, NULL) ==
                    MUSKX_OK,
                "%s", muskx_ensemble_errmsg(e));
  ck_assert_int_eq((int)muskx_ensemble_nfailed(e), 0);
  double *tr = malloc(n * nt * sizeof *tr);
  ck_assert_ptr_nonnull(tr);
  ck_assert_int_eq(muskx_ensemble_trajectories(e, tr, n * nt), MUSKX_OK);
  if (values != NULL)
    ck_assert_int_eq(muskx_ensemble_values(e, values, n), MUSKX_OK);
  muskx_ensemble_free(e);
  return tr;
}

START_TEST(an_event_that_sets_a_parameter_refreshes_the_cached_parts) {
  /* dA/dt = -k^n A with n = 2, k^n of parameters only (computed once
     into the cache); at t = 1 an event doubles k, so from there
     A = A(1) exp(-(2k)^2 (t - 1)): a stale cache would keep k^2 */
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: kick}\nparameters: {k: 0.5, n: 2}\n"
      "species: {A: 1}\nodes: {A: \"-pow(k, n)*A\"}\noutputs: {a: A}\n"
      "events:\n  - {id: double, at: 1, set: {k: 2*k}}\n", "native.yaml");
  enum { N = 12, NT = 5 };
  const double times[NT] = {0, 0.5, 1, 1.5, 3};
  double k[N];
  double *vm = members(m, "k", 0.3, 0.8, "a", times, NT, N, NULL, NULL);
  double *nat = members(m, "k", 0.3, 0.8, "a", times, NT, N, "cc", k);
  ck_assert(memcmp(vm, nat, sizeof(double) * N * NT) == 0);
  for (int s = 0; s < N; s++)
    for (int r = 0; r < NT; r++) {
      double t = times[r], kk = k[s] * k[s];
      double a = t <= 1 ? exp(-kk * t)
                        : exp(-kk) * exp(-4 * kk * (t - 1));
      TU_CLOSE(nat[s * NT + r], a, 1e-6, 1e-10, "A", t);
    }
  free(vm);
  free(nat);
  muskx_model_free(m);
}
END_TEST

/* Native code lacking the cached variant of rhs_dy (rhs_dy_cached NULL)
   is not used for the right-hand side into dy at all: sim.c called
   rhs_dy once and then the NULL rhs_dy_cached (a crash) when it checked
   rhs_dy alone. With both, the first call runs rhs_dy, the next ones
   rhs_dy_cached, until the parameters may have changed. */
static int fake_calls[2];
static void fake_rhs_dy(double *R, double *C, double *dy) {
  (void)R, (void)C;
  fake_calls[0]++;
  dy[0] = 42;
}
static void fake_rhs_dy_cached(double *R, double *C, double *dy) {
  (void)R, (void)C;
  fake_calls[1]++;
  dy[0] = 43;
}

START_TEST(native_code_without_the_cached_rhs_is_not_used_for_dy) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: decay}\nparameters: {k: 0.5}\n"
      "species: {A: 1}\nodes: {A: -k*A}\n", "native.yaml");
  muskx_sim *s = tu_sim(m);
  muskx__native fake;
  memset(&fake, 0, sizeof fake);
  fake.rhs_dy = fake_rhs_dy;
  ck_assert_int_eq(muskx__sim_set_native(s, &fake), MUSKX_OK);
  double y = 1, dy = -1;
  for (int call = 0; call < 3; call++) {
    ck_assert_int_eq(muskx__sim_eval_rhs_to(s, 0, &y, &dy), 0);
    ck_assert_double_eq(dy, -1);
  }
  ck_assert_int_eq(fake_calls[0] + fake_calls[1], 0);
  fake.rhs_dy_cached = fake_rhs_dy_cached;
  ck_assert_int_eq(muskx__sim_set_native(s, &fake), MUSKX_OK);
  ck_assert_int_eq(muskx__sim_eval_rhs_to(s, 0, &y, &dy), 1);
  ck_assert_double_eq(dy, 42);
  ck_assert_int_eq(muskx__sim_eval_rhs_to(s, 0, &y, &dy), 1);
  ck_assert_double_eq(dy, 43);
  ck_assert_int_eq(fake_calls[0], 1);
  ck_assert_int_eq(fake_calls[1], 1);
  ck_assert_int_eq(muskx__sim_set_native(s, NULL), MUSKX_OK);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_parameter_exponent_gives_the_bits_of_the_same_literal) {
  /* x^y for y = 0, 1, 2, 3, 4 and 0.5 is a product or sqrt, with the
     exponent written as a literal or taken from a parameter, in the VM
     and natively (vm.h). The starting values are ones where glibc's pow
     differs from x*x, sqrt(x), x*x*x and (x*x)*(x*x) in the last bit. */
  const double x2 = 0.66469200661624406, xh = 0.99597739637642047,
               x3 = 1.2984400334760733;
  volatile double two = 2.0, half = 0.5, three = 3.0, four = 4.0;
  ck_assert(pow(x2, two) != x2 * x2 && pow(xh, half) != sqrt(xh) &&
            pow(x3, three) != x3 * x3 * x3 &&
            pow(x3, four) != (x3 * x3) * (x3 * x3));
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: powers}\n"
      "parameters: {k: 0.7, n2: 2, nh: 0.5, n0: 0, n3: 3, n4: 4}\n"
      "species: {A: 0.66469200661624406, B: 0.99597739637642047,\n"
      "          C: 1.2984400334760733}\n"
      "odes: {A: -k*A, B: -k*B, C: -k*C}\n"
      "outputs: {p2: A^n2, l2: A^2, ph: B^nh, lh: B^0.5, p0: A^n0,\n"
      "          p3: C^n3, l3: C^3, p4: C^n4, l4: C^4}\n", "powers.yaml");
  enum { N = 6, NT = 4, NC = 9 };
  const double times[NT] = {0, 0.3, 1, 2.5};
  const char *cols[NC] = {"p2", "l2", "ph", "lh", "p0", "p3", "l3", "p4", "l4"};
  double *tr[2][NC], k[N];
  for (int nat = 0; nat < 2; nat++)
    for (int c = 0; c < NC; c++)
      tr[nat][c] = members(m, "k", 0.3, 0.8, cols[c], times, NT, N,
                           nat ? "cc" : NULL, k);
  size_t bytes = sizeof(double) * N * NT;
  for (int c = 0; c < NC; c++)
    ck_assert_msg(memcmp(tr[0][c], tr[1][c], bytes) == 0, "%s", cols[c]);
  /* parameter and literal exponents alike */
  const int param[4] = {0, 2, 5, 7}; /* each followed by its literal */
  for (int i = 0; i < 4; i++)
    ck_assert_msg(memcmp(tr[0][param[i]], tr[0][param[i] + 1], bytes) == 0,
                  "%s", cols[param[i]]);
  for (int s = 0; s < N; s++) {
    const double *at0[4] = {tr[0][0] + s * NT, tr[0][2] + s * NT,
                            tr[0][5] + s * NT, tr[0][7] + s * NT};
    ck_assert(*at0[0] == x2 * x2 && *at0[1] == sqrt(xh) &&
              *at0[2] == x3 * x3 * x3 && *at0[3] == (x3 * x3) * (x3 * x3));
    for (int r = 0; r < NT; r++) {
      double t = times[r], e = exp(-k[s] * t);
      double a = x2 * e, b = xh * e, c = x3 * e;
      ck_assert(tr[0][4][s * NT + r] == 1.0);
      TU_CLOSE(tr[0][0][s * NT + r], a * a, 1e-6, 1e-10, "A^2", t);
      TU_CLOSE(tr[0][2][s * NT + r], sqrt(b), 1e-6, 1e-10, "B^0.5", t);
      TU_CLOSE(tr[0][5][s * NT + r], c * c * c, 1e-6, 1e-10, "C^3", t);
      TU_CLOSE(tr[0][7][s * NT + r], c * c * c * c, 1e-6, 1e-10, "C^4", t);
    }
  }
  for (int nat = 0; nat < 2; nat++)
    for (int c = 0; c < NC; c++) free(tr[nat][c]);
  muskx_model_free(m);
}
END_TEST

START_TEST(delay_and_algebraic_models_give_the_vm_bytes) {
  /* x' = k delay(u, 2) with a step input (x = k (t - 3) after t = 3),
     and A -> B with the algebraic C = T - A (IDA) */
  muskx_model *dde = tu_load_text(
      "muskx: 1\nmodel: {id: step}\nparameters: {k: 1}\nspecies: {x: 0}\n"
      "inputs:\n  u: {times: [0, 1], values: [0, 1], interp: step}\n"
      "odes:\n  x: k*delay(u, 2)\n", "native.yaml");
  muskx_model *dae = tu_load_text(
      "muskx: 1\nmodel: {id: conservation}\nparameters: {k: 0.7, T: 3}\n"
      "species: {A: 1.5, B: 0, C: 0}\n"
      "reactions:\n  - {equation: A -> B, rate: k*A}\n"
      "algebraic:\n  - A + C - T\n", "native.yaml");
  enum { N = 6, NT = 5 };
  const double times[NT] = {0, 1, 2.5, 4, 6};
  double k[N];
  double *vm = members(dde, "k", 0.5, 2, "x", times, NT, N, NULL, NULL);
  double *nat = members(dde, "k", 0.5, 2, "x", times, NT, N, "cc", k);
  ck_assert(memcmp(vm, nat, sizeof(double) * N * NT) == 0);
  for (int s = 0; s < N; s++)
    for (int r = 0; r < NT; r++)
      TU_CLOSE(nat[s * NT + r], times[r] > 3 ? k[s] * (times[r] - 3) : 0,
               1e-6, 1e-9, "x", times[r]);
  free(vm);
  free(nat);
  vm = members(dae, "k", 0.2, 1, "C", times, NT, N, NULL, NULL);
  nat = members(dae, "k", 0.2, 1, "C", times, NT, N, "cc", k);
  ck_assert(memcmp(vm, nat, sizeof(double) * N * NT) == 0);
  for (int s = 0; s < N; s++)
    for (int r = 0; r < NT; r++)
      TU_CLOSE(nat[s * NT + r], 3 - 1.5 * exp(-k[s] * times[r]), 1e-6,
               1e-9, "C", times[r]);
  free(vm);
  free(nat);
  muskx_model_free(dde);
  muskx_model_free(dae);
}
END_TEST

int main(void) {
  Suite *s = suite_create("vm_native");
  TCase *tc = tcase_create("opcodes");
  tcase_add_test(tc, every_opcode_gives_the_vm_bits);
  tcase_add_test(tc, a_missing_or_failing_compiler_is_a_clear_error);
  tcase_add_test(tc, a_compiler_that_hangs_is_stopped);
  tcase_add_test(tc, an_object_that_cannot_be_loaded_is_not_cached);
  tcase_add_test(tc, two_threads_building_one_cache_entry_both_load_it);
  tcase_add_test(tc, a_native_decay_ensemble_matches_the_analytic_solution);
  tcase_add_test(tc, an_event_that_sets_a_parameter_refreshes_the_cached_parts);
  tcase_add_test(tc, a_parameter_exponent_gives_the_bits_of_the_same_literal);
  tcase_add_test(tc, delay_and_algebraic_models_give_the_vm_bytes);
  tcase_add_test(tc, native_code_without_the_cached_rhs_is_not_used_for_dy);
  suite_add_tcase(s, tc);
  /* the crosstalk model: a few seconds of compiling each */
  tc = tcase_create("crew");
  tcase_set_tags(tc, "slow");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, the_iss_crew_gives_the_vm_bytes_on_one_and_two_threads);
  tcase_add_test(tc, without_a_compiler_the_vm_runs_the_members);
  tcase_add_test(tc, the_cache_is_reused_and_a_corrupt_file_rebuilt);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
