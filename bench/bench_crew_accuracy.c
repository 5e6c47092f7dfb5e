/*
 * bench_crew_accuracy.c -- how accurate a virtual crew member is (issue
 * 19): M members of the shipped ISS scenario (scenarios/iss_exercise.yaml,
 * kappa_R and w_res on a fixed grid over the ranges bench_crew draws
 * from) at the scenario's tolerances against a tight reference run of the
 * same members (rtol 1e-10, atol 1e-14), and that reference against a
 * tighter one (1e-12, 1e-16) to show it is converged. Prints, for every
 * reported column, the largest absolute error over all members and
 * sample times (the columns are % changes), and CVODE's steps a member.
 *
 * A change that is not bit-identical (a different rounding in the
 * right-hand side) must leave these errors where they were: run this
 * before and after with --save and --against, which also prints the
 * largest difference between the two builds' members.
 *
 *   bench_crew_accuracy [-n M] [--save FILE] [--against FILE]
 *   (from the repository root)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"

enum { MAXCOL = 64 };

typedef struct {
  size_t nt;
  int nr;
  double *v; /* members x nt x nr */
  double steps;
} run;

/* Every member at rtol, atol; 0 on success. */
static int crew(muskx_scenario *sc, int m, double rtol, double atol,
                run *r) {
  r->nt = muskx_scenario_sample_times(sc, NULL, 0);
  r->nr = muskx_scenario_report_count(sc);
  size_t block = r->nt * (size_t)r->nr;
  r->v = malloc((size_t)m * block * sizeof *r->v);
  muskx_sim *sim = NULL;
  /* kappa_R's centre: the shipped model's value (as bench_crew) */
  const muskx_model *mod = muskx_scenario_model(sc);
  int ik = muskx_model_find(mod, MUSKX_PARAMETER, "kappa_R");
  double kappa_r = ik < 0 ? -1 : muskx_model_default(mod, MUSKX_PARAMETER, ik);
  if (r->v == NULL || r->nr > MAXCOL || !(kappa_r > 0) ||
      muskx_sim_create(mod, &sim) != MUSKX_OK)
    return -1;
  long steps = 0;
  for (int i = 0; i < m; i++) {
    /* kappa_R: lognormal(shipped, cv 0.3) from -2 to +2 sd; w_res: uniform
       (0.1, 0.4) in golden-ratio order, so the pairs fill the square */
    double z = 4.0 * ((i + 0.5) / m - 0.5);
    double u = fmod(0.25 + 0.6180339887498949 * i, 1.0);
    if (muskx_scenario_set(sc, "kappa_R", kappa_r * exp(0.2936 * z)) !=
            MUSKX_OK ||
        muskx_scenario_set(sc, "w_res", 0.1 + 0.3 * u) != MUSKX_OK ||
        muskx_sim_set_tolerances(sim, rtol, atol) != MUSKX_OK ||
        muskx_scenario_run(sc, sim, r->v + (size_t)i * block, r->nt, NULL) !=
            MUSKX_OK) {
      fprintf(stderr, "bench_crew_accuracy: member %d: %s\n", i,
              muskx_sim_errmsg(sim));
      muskx_sim_free(sim);
      return -1;
    }
    steps += muskx_sim_stat(sim, MUSKX_STAT_STEPS);
  }
  muskx_sim_free(sim);
  r->steps = (double)steps / m;
  return 0;
}

/* Largest |a - b| per column over n values laid out by column. */
static double worst(const double *a, const double *b, size_t n, int nr,
                    double *col) {
  double w = 0;
  for (int c = 0; c < nr; c++) col[c] = 0;
  for (size_t k = 0; k < n; k++) {
    double e = fabs(a[k] - b[k]);
    if (!(e <= col[k % (size_t)nr])) col[k % (size_t)nr] = e;
    if (!(e <= w)) w = e;
  }
  return w;
}

static void report(const char *what, muskx_scenario *sc, const double *a,
                   const double *b, size_t n, int nr) {
  double col[MAXCOL];
  double w = worst(a, b, n, nr, col);
  printf("%-34s max %.3e  per column:", what, w);
  for (int c = 0; c < nr; c++)
    printf(" %s %.2e", muskx_scenario_report_name(sc, c), col[c]);
  printf("\n");
}

int main(int argc, char **argv) {
  int m = 64;
  const char *save = NULL, *against = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) m = atoi(argv[++i]);
    else if (strcmp(argv[i], "--save") == 0 && i + 1 < argc) save = argv[++i];
    else if (strcmp(argv[i], "--against") == 0 && i + 1 < argc)
      against = argv[++i];
    else {
      fprintf(stderr, "usage: bench_crew_accuracy [-n M] [--save FILE] "
                      "[--against FILE]\n");
      return 2;
    }
  }
  if (m < 1) m = 1;
  muskx_scenario *sc = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx_access *acc = muskx_access_new();
  if (acc == NULL || muskx_access_allow(acc, ".", NULL) != MUSKX_OK ||
      muskx_scenario_load_file_with("scenarios/iss_exercise.yaml", acc, &sc,
                                    &err) != MUSKX_OK) {
    fprintf(stderr, "bench_crew_accuracy: %s\n", err.message);
    return 1;
  }
  muskx_access_free(acc);
  run def, ref, ref2;
  if (crew(sc, m, 1e-6, 1e-9, &def) != 0 ||
      crew(sc, m, 1e-10, 1e-14, &ref) != 0 ||
      crew(sc, m, 1e-12, 1e-16, &ref2) != 0)
    return 1;
  size_t n = (size_t)m * def.nt * (size_t)def.nr;
  printf("%d ISS members, %zu sample times x %d columns; CVODE steps a "
         "member: %.1f (rtol 1e-6), %.1f (1e-10), %.1f (1e-12)\n",
         m, def.nt, def.nr, def.steps, ref.steps, ref2.steps);
  report("rtol 1e-6 vs reference 1e-10:", sc, def.v, ref.v, n, def.nr);
  report("reference 1e-10 vs 1e-12:", sc, ref.v, ref2.v, n, def.nr);
  int status = 0;
  if (save != NULL) {
    FILE *f = fopen(save, "wb");
    if (f == NULL || fwrite(def.v, sizeof *def.v, n, f) != n) status = 1;
    if (f != NULL && fclose(f) != 0) status = 1;
    if (status) fprintf(stderr, "bench_crew_accuracy: cannot write %s\n", save);
  }
  if (against != NULL) {
    double *o = malloc(n * sizeof *o);
    FILE *f = fopen(against, "rb");
    if (o == NULL || f == NULL || fread(o, sizeof *o, n, f) != n) {
      fprintf(stderr, "bench_crew_accuracy: cannot read %zu values from %s\n",
              n, against);
      status = 1;
    } else {
      report("rtol 1e-6 vs the saved run:", sc, def.v, o, n, def.nr);
      report("saved run vs reference 1e-10:", sc, o, ref.v, n, def.nr);
    }
    if (f != NULL) fclose(f);
    free(o);
  }
  free(def.v);
  free(ref.v);
  free(ref2.v);
  muskx_scenario_free(sc);
  return status;
}
