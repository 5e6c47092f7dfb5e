/*
 * bench_dosing.c -- what hundreds of dose events cost (branch dosespeed):
 * where the time of a daily-dosing run goes, states only and with forward
 * sensitivities.
 *
 *   bench_dosing [--quick] [--tsv FILE]        (from the repository root)
 *
 * Two runs, each at rtol = atol = 1e-8 (the PEtab default):
 *  - "onecpt": a one-compartment model with first-order absorption and
 *    daily doses (tests/test_sens.c checks it against the closed form), 100
 *    doses (--quick) or 1000;
 *  - "tptd20": models/calibration/spaceflight/model.yaml under the
 *    pm_tptd20 condition (teriparatide 20 ug SC daily, 639 doses) from the
 *    pm_placebo steady state, the costliest experiment of that PEtab
 *    problem, with the sensitivities of the 11 estimated parameters whose
 *    gradient there is not 0.
 * For each: CPU seconds (median of reps), solver steps, steps per dose,
 * restarts; then the same run with the absolute tolerance of the dosed
 * species raised to 1e-4 of a dose (muskx_sim_set_atol_species()) to show
 * what the steps are spent on: following the drug's decay to 1e-8 in
 * absolute terms, below any effect, after each dose. That second run is a
 * measurement, not a default: the outputs' change is printed next to it.
 * CPU time of the process (a shared machine does not inflate it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muskx.h"
#include "pm_tptd20.h"
#include "quick_args.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int fail(const char *what, muskx_sim *s) {
  fprintf(stderr, "bench_dosing: %s: %s\n", what,
          s != NULL ? muskx_sim_errmsg(s) : "failed");
  return 1;
}

static const char ONECPT[] =
    "muskx: 1\n"
    "model: {id: onecpt}\n"
    "parameters: {k: 0.3, ka: 6.0, F: 0.8, D: 5.0, n: 100}\n"
    "species: {Ad: 0, Ac: 0}\n"
    "reactions:\n"
    "  - {equation: Ad -> Ac, rate: ka*Ad}\n"
    "  - {equation: Ac ->, rate: k*Ac}\n"
    "events:\n"
    "  - {id: dose, at: 0, every: 1, until: n - 0.5, set: {Ad: Ad + F*D}}\n";

typedef struct {
  double cpu;
  long steps, reinits, events;
  double out[2], sens[2 * 16]; /* the two reported columns at the end */
} result;

/* One run (prepared by the caller's setup), reps times; the median CPU. */
static int measure(muskx_model *m, int tptd, int sens, double drug_atol,
                   int reps, result *r) {
  int ndose = tptd ? 639 : (int)0;
  double cpus[64];
  for (int rep = 0; rep < reps; rep++) {
    muskx_sim *s = NULL;
    if (muskx_sim_create(m, &s) != MUSKX_OK) return fail("create", NULL);
    muskx_sim_set_tolerances(s, 1e-8, 1e-8);
    int np = sens ? (tptd ? 11 : 2) : 0;
    const char *const one_sens[] = {"k", "ka"};
    const char *const *names = tptd ? PM_TPTD20_SENS : one_sens;
    const char *c0 = tptd ? "BMD_spine_pct" : "Ac";
    const char *c1 = tptd ? "BMD_hip_pct" : "Ad";
    double t0 = cpu_now();
    if (np > 0 && muskx_sim_set_sens_params(s, names, np) != MUSKX_OK)
      return fail("sensitivity parameters", s);
    if (tptd) {
      for (size_t i = 0; i < (size_t)PM_TPTD20_NCOND; i += 2)
        if (muskx_sim_set(s, PM_TPTD20_COND[i], atof(PM_TPTD20_COND[i + 1])) != MUSKX_OK)
          return fail(PM_TPTD20_COND[i], s);
      muskx_sim_set(s, "tptd_dose", 0);
      muskx_status st = np > 0 ? muskx_sim_steady_state_sens(s, NULL, NULL)
                               : muskx_sim_steady_state(s, NULL, 0);
      if (st != MUSKX_OK) return fail("pm_placebo steady state", s);
      if (muskx_sim_set(s, "tptd_dose", 20) != MUSKX_OK)
        return fail("tptd_dose", s);
      if (drug_atol > 0 &&
          (muskx_sim_set_atol_species(s, "sf.tptd.TPTD_depot", drug_atol) ||
           muskx_sim_set_atol_species(s, "sf.tptd.TPTD_cen", drug_atol)))
        return fail("atol", s);
    } else if (drug_atol > 0 &&
               (muskx_sim_set_atol_species(s, "Ad", drug_atol) ||
                muskx_sim_set_atol_species(s, "Ac", drug_atol))) {
      return fail("atol", s);
    }
    if (!tptd) {
      ndose = (int)r->events; /* the caller's dose count */
      muskx_sim_set(s, "n", ndose);
    }
    double times[2] = {0, tptd ? 639.0 : ndose - 0.5};
    int nc = muskx_sim_ncols(s), i0 = -1, i1 = -1;
    for (int j = 0; j < nc; j++) {
      if (strcmp(muskx_sim_column_name(s, j), c0) == 0) i0 = j;
      if (strcmp(muskx_sim_column_name(s, j), c1) == 0) i1 = j;
    }
    if (i0 < 0 || i1 < 0) return fail("columns", s);
    double *out = malloc(2 * (size_t)nc * sizeof *out);
    double *sv = malloc(2 * (size_t)nc * (size_t)(np + 1) * sizeof *sv);
    if (out == NULL || sv == NULL) return fail("out of memory", s);
    muskx_status st = np > 0 ? muskx_sim_run_sens(s, times, 2, out, sv)
                             : muskx_sim_run(s, times, 2, out, NULL);
    cpus[rep] = cpu_now() - t0;
    if (st != MUSKX_OK) return fail("run", s);
    r->out[0] = out[nc + i0];
    r->out[1] = out[nc + i1];
    for (int k = 0; k < np; k++) {
      r->sens[k] = sv[((size_t)nc + (size_t)i0) * (size_t)np + (size_t)k];
      r->sens[16 + k] = sv[((size_t)nc + (size_t)i1) * (size_t)np + (size_t)k];
    }
    r->steps = muskx_sim_stat(s, MUSKX_STAT_STEPS);
    r->reinits = muskx_sim_stat(s, MUSKX_STAT_REINITS);
    r->events = muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED);
    free(out);
    free(sv);
    muskx_sim_free(s);
  }
  qsort(cpus, (size_t)reps, sizeof *cpus, cmp);
  r->cpu = cpus[reps / 2];
  return 0;
}

int main(int argc, char **argv) {
  int quick;
  const char *tsv;
  int usage = bench_quick_args(argc, argv, "bench_dosing", &quick, &tsv);
  if (usage != 0) return usage;
  FILE *f = NULL;
  if (tsv != NULL && (f = fopen(tsv, "w")) == NULL) {
    perror(tsv);
    return 1;
  }
  if (f) fprintf(f, "run\tsens\tdrug_atol\tcpu_s\tsteps\tsteps_per_dose\treinits\tout0\tout1\n");
  printf("%-8s %-5s %-9s %9s %8s %10s %8s  %s\n", "run", "sens", "drug_atol",
         "cpu_s", "steps", "steps/dose", "reinits", "end values (change)");
  muskx_model *one = NULL, *sf = NULL;
  muskx_error err;
  char msg[512];
  if (muskx_model_load_string(ONECPT, strlen(ONECPT), "onecpt", &one, &err) !=
      MUSKX_OK) {
    fprintf(stderr, "bench_dosing: %s\n", muskx_error_format(&err, msg, sizeof msg));
    return 1;
  }
  sf = pm_tptd20_load_model("bench_dosing");
  if (sf == NULL) {
    muskx_model_free(one);
    return 1;
  }
  int status = 0;
  for (int tptd = 0; tptd <= 1; tptd++) {
    if (tptd && quick) continue; /* 30 CPU-s with sensitivities */
    for (int sens = 0; sens <= 1; sens++) {
      result base = {0}, loose = {0};
      base.events = loose.events = quick ? 100 : 1000;
      int reps = tptd ? 1 : 3;
      /* 1e-4 of a dose: F D for onecpt (4), F tptd_dose = 19 ug */
      double a = tptd ? 1e-4 * 19.0 : 1e-4 * 4.0;
      if (measure(tptd ? sf : one, tptd, sens, 0, reps, &base) ||
          measure(tptd ? sf : one, tptd, sens, a, reps, &loose)) {
        status = 1;
        continue;
      }
      const char *name = tptd ? "tptd20" : "onecpt";
      int nd = tptd ? 639 : (int)(quick ? 100 : 1000);
      result *rs[2] = {&base, &loose};
      for (int v = 0; v < 2; v++) {
        result *r = rs[v];
        printf("%-8s %-5s %-9.3g %9.3f %8ld %10.1f %8ld  %.10g %.10g",
               name, sens ? "yes" : "no", v ? a : 1e-8, r->cpu, r->steps,
               (double)r->steps / nd, r->reinits, r->out[0], r->out[1]);
        if (v)
          printf(" (%.2g, %.2g)", r->out[0] - base.out[0],
                 r->out[1] - base.out[1]);
        printf("\n");
        if (f)
          fprintf(f, "%s\t%d\t%g\t%.6f\t%ld\t%.2f\t%ld\t%.12g\t%.12g\n", name,
                  sens, v ? a : 1e-8, r->cpu, r->steps,
                  (double)r->steps / nd, r->reinits, r->out[0], r->out[1]);
      }
      if (sens) {
        int np = tptd ? 11 : 2;
        double worst = 0;
        for (int k = 0; k < np; k++)
          for (int c = 0; c < 2; c++) {
            double b = base.sens[16 * c + k], l = loose.sens[16 * c + k];
            double d = fabs(l - b) / (fabs(b) + 1e-8);
            if (d > worst) worst = d;
          }
        printf("%-8s        largest relative change of a sensitivity at the end: %.2g\n",
               name, worst);
      }
    }
  }
  if (f) fclose(f);
  muskx_model_free(one);
  muskx_model_free(sf);
  return status;
}
