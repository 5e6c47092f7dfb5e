/*
 * test_petab_prune.c -- an experiment gets sensitivities only for the
 * values that can reach its measured outputs (lib/sens_reach.c,
 * lib/petab_sens.c), on tests/petab/prune/, whose model has parts that
 * reach different observables (its model.yaml says which, by hand):
 * which values each experiment keeps; that the Jacobian is the one
 * without pruning and the one of central differences; that a pruned
 * column is 0 by both references; that the kept values, found once at
 * load, and the Jacobian after a first evaluation are those of a fresh
 * problem; that a condition column following different parameters
 * before and after pre-equilibration is refused at the Jacobian only.
 * "slow long": the same on the shipped calibration problem
 * (models/calibration/spaceflight), its 20 estimated parameters in 17
 * experiments.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "muskx.h"
#include "petab.h"
#include "sens_reach.h"
#include "testutil.h"

#define PRUNE "tests/petab/prune/problem.yaml"
#define SHIPPED "models/calibration/spaceflight/problem.yml"

static muskx_petab *load(const char *path, const char *allow) {
  muskx_petab *pb = NULL;
  muskx_error err;
  char buf[2048];
  muskx_access *acc = muskx_access_new();
  ck_assert_ptr_nonnull(acc);
  if (allow != NULL)
    ck_assert_int_eq(muskx_access_allow(acc, allow, &err), MUSKX_OK);
  muskx_status st = muskx_petab_load_with(path, acc, &pb, &err);
  muskx_access_free(acc);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_error_format(&err, buf, sizeof buf));
  return pb;
}

static int find_exp(const struct muskx_petab *pb, const char *cond,
                    const char *preeq) {
  for (int e = 0; e < pb->nexp; e++) {
    const muskx__petab_experiment *x = &pb->exps[e];
    if (strcmp(pb->conds[x->cond].id, cond) != 0) continue;
    if ((preeq == NULL) != (x->preeq < 0)) continue;
    if (preeq == NULL || strcmp(pb->conds[x->preeq].id, preeq) == 0) return e;
  }
  return -1;
}

/* The entities experiment e keeps, as a sorted space-separated list. */
static void kept(struct muskx_petab *pb, int e, int keep_all, char *out,
                 size_t size, int *count) {
  int max = pb->nparams + pb->nph + pb->ntargets;
  const char **names = calloc((size_t)max + 1, sizeof *names);
  int *th = calloc((size_t)max + 1, sizeof *th);
  char why[512];
  ck_assert_ptr_nonnull(names);
  ck_assert_ptr_nonnull(th);
  pb->sens_keep_all = keep_all;
  int n = muskx__petab_sens_entities(pb, e, names, th, why, sizeof why);
  pb->sens_keep_all = 0;
  ck_assert_msg(n >= 0, "%s", why);
  for (int i = 1; i < n; i++) /* insertion sort by name */
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      const char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (i > 0) strncat(out, " ", size - strlen(out) - 1);
    strncat(out, names[i], size - strlen(out) - 1);
  }
  *count = n;
  free(names);
  free(th);
}

/* Experiments and the values each can reach (model.yaml's comment). */
static const struct {
  const char *cond, *preeq, *kept;
} expect[] = {
    {"cA", NULL, "A ka"},
    {"cB", NULL, "A ka kb"},
    {"cB", "pre", "A ka kb"},
    {"cC", NULL, "kc0 kd"},
    {"cD", NULL, "kc0 kd kr"},
};
#define NEXPECT (int)(sizeof expect / sizeof expect[0])

START_TEST(each_experiment_keeps_the_values_that_reach_its_outputs) {
  muskx_petab *pb = load(PRUNE, NULL);
  ck_assert_int_eq(pb->nexp, NEXPECT);
  for (int i = 0; i < NEXPECT; i++) {
    int e = find_exp(pb, expect[i].cond, expect[i].preeq), n, nall;
    ck_assert_int_ge(e, 0);
    char got[512], all[512];
    kept(pb, e, 0, got, sizeof got, &n);
    kept(pb, e, 1, all, sizeof all, &nall);
    ck_assert_msg(strcmp(got, expect[i].kept) == 0,
                  "experiment %s/%s keeps '%s', expected '%s'",
                  expect[i].cond, expect[i].preeq ? expect[i].preeq : "-",
                  got, expect[i].kept);
    /* without pruning: the five model parameters and A at least */
    ck_assert_msg(strstr(all, "ka") && strstr(all, "kb") && strstr(all, "kr") &&
                      strstr(all, "A"),
                  "without pruning: '%s'", all);
    ck_assert_int_lt(n, nall);
  }
  muskx_petab_free(pb);
}
END_TEST

START_TEST(the_reach_of_an_output_follows_the_model_structure) {
  muskx_petab *pb = load(PRUNE, NULL);
  const muskx_model *m = pb->model;
  unsigned char out[64] = {0}, slots[64], species[8];
  ck_assert_int_le(m->noutputs, 64);
  ck_assert_int_le(m->nparams + m->ncompartments, 64);
  ck_assert_int_eq(m->nspecies, 4);
  static const struct {
    const char *obs, *species;
  } cases[] = {{"obsA", "A"}, {"obsB", "AB"}, {"obsC", "C"}, {"obsD", "CD"}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    memset(out, 0, sizeof out);
    for (int o = 0; o < pb->nobs; o++)
      if (strcmp(pb->obs[o].id, cases[c].obs) == 0)
        out[pb->obs[o].out_obs] = 1;
    ck_assert_int_eq(muskx__sens_reach(m, out, slots, species), 0);
    char got[8] = "";
    for (int i = 0; i < m->nspecies; i++)
      if (species[i]) strncat(got, m->species[i].name, 1);
    ck_assert_msg(strcmp(got, cases[c].species) == 0, "%s reaches '%s'",
                  cases[c].obs, got);
    /* kc (= 2 kc0) reaches C's observable, and through it kc0 */
    int kc = muskx_model_find(m, MUSKX_PARAMETER, "kc");
    int kc0 = muskx_model_find(m, MUSKX_PARAMETER, "kc0");
    int c_seen = strchr(cases[c].species, 'C') != NULL;
    ck_assert_int_eq(slots[kc], c_seen);
    ck_assert_int_eq(slots[kc0], c_seen);
  }
  muskx_petab_free(pb);
}
END_TEST

/* Residual and sigma of every measurement at theta. */
static void eval_at(const muskx_petab *pb, muskx_sim *s, const double *th,
                    double *res, double *sig) {
  muskx_status st = muskx_petab_evaluate(pb, s, th, NULL, res, sig, NULL, NULL);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
}

/* Jacobian at theta with pruning (keep_all 0) or without. */
static void jacobian(muskx_petab *pb, muskx_sim *s, const double *th,
                     int keep_all, double *dres, double *dsig) {
  pb->sens_keep_all = keep_all;
  muskx_status st = muskx_petab_jacobian(pb, s, th, NULL, NULL, dres, dsig);
  pb->sens_keep_all = 0;
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
}

/* 1 when some value that theta k moves is kept in experiment e. */
static int theta_kept(struct muskx_petab *pb, int e, int k) {
  int max = pb->nparams + pb->nph + pb->ntargets, found = 0;
  const char **names = calloc((size_t)max + 1, sizeof *names);
  int *th = calloc((size_t)max + 1, sizeof *th);
  char why[512];
  int n = muskx__petab_sens_entities(pb, e, names, th, why, sizeof why);
  for (int j = 0; j < n; j++) found |= th[j] == k;
  free(names);
  free(th);
  return found;
}

/* A measurement's sigma that is its own noise parameter moves with that
   parameter without any sensitivity. */
static int direct_sigma(const muskx_petab *pb, int i, int k) {
  return muskx_petab_measurement_noise_param(pb, i) == k;
}

START_TEST(the_pruned_jacobian_is_the_full_one_and_central_differences) {
  muskx_petab *pb = load(PRUNE, NULL);
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pb), &s), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-11, 1e-12), MUSKX_OK);
  int nm = muskx_petab_nmeasurements(pb), np = muskx_petab_nparams(pb);
  double th[16], dres[256], dsig[256], fres[256], fsig[256];
  ck_assert_int_le(nm * np, 256);
  for (int k = 0; k < np; k++)
    ck_assert_int_eq(muskx_petab_param_info(pb, k, NULL, NULL, &th[k]), MUSKX_OK);
  jacobian(pb, s, th, 0, dres, dsig);
  jacobian(pb, s, th, 1, fres, fsig);
  int pruned = 0, nonzero = 0;
  for (int k = 0; k < np; k++) {
    const double h = 1e-5 * (1 + fabs(th[k]));
    double tp[16], tm[16], rp[16], rm[16], sp[16], sm[16];
    memcpy(tp, th, sizeof tp);
    memcpy(tm, th, sizeof tm);
    tp[k] += h;
    tm[k] -= h;
    eval_at(pb, s, tp, rp, sp);
    eval_at(pb, s, tm, rm, sm);
    for (int i = 0; i < nm; i++) {
      size_t q = (size_t)i * np + k;
      double fdr = (rp[i] - rm[i]) / (2 * h), fds = (sp[i] - sm[i]) / (2 * h);
      const char *pid = muskx_petab_param_id(pb, k);
      ck_assert_msg(fabs(dres[q] - fres[q]) <= 1e-8 * (1 + fabs(fres[q])),
                    "row %d, %s: d res %.12g pruned, %.12g full", i, pid,
                    dres[q], fres[q]);
      ck_assert_msg(fabs(dsig[q] - fsig[q]) <= 1e-8 * (1 + fabs(fsig[q])),
                    "row %d, %s: d sigma %.12g pruned, %.12g full", i, pid,
                    dsig[q], fsig[q]);
      ck_assert_msg(fabs(dres[q] - fdr) <= 2e-5 * (1 + fabs(fdr)),
                    "row %d, %s: d res %.12g, central differences %.12g", i,
                    pid, dres[q], fdr);
      ck_assert_msg(fabs(dsig[q] - fds) <= 2e-5 * (1 + fabs(fds)),
                    "row %d, %s: d sigma %.12g, central differences %.12g", i,
                    pid, dsig[q], fds);
      nonzero += dres[q] != 0;
      int e = pb->meas[i].exp;
      if (theta_kept(pb, e, k) || direct_sigma(pb, i, k)) continue;
      /* pruned: exactly 0 here, and 0 by both references */
      pruned++;
      ck_assert_msg(dres[q] == 0 && dsig[q] == 0, "row %d, %s pruned: %g %g",
                    i, pid, dres[q], dsig[q]);
      ck_assert_msg(fabs(fres[q]) <= 1e-12 && fabs(fsig[q]) <= 1e-12 &&
                        fabs(fdr) <= 1e-7 && fabs(fds) <= 1e-7,
                    "row %d, %s pruned, but full %g %g, differences %g %g", i,
                    pid, fres[q], fsig[q], fdr, fds);
    }
  }
  /* both sides: columns were pruned, and the kept ones are not all 0 */
  ck_assert_int_gt(pruned, nm);
  ck_assert_int_gt(nonzero, nm);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

/* The kept values are found once, at load (petab_sens.c), since they
   depend on structure only: after evaluations at two parameter vectors
   each experiment keeps what model.yaml says, and the second Jacobian is
   bit for bit the one a freshly loaded problem gives at those values, as
   are the residuals; the two parameter vectors give different Jacobians
   (so the comparison is not of a constant). */
START_TEST(a_second_evaluation_keeps_the_same_values_as_a_fresh_problem) {
  muskx_petab *pb = load(PRUNE, NULL), *fresh = load(PRUNE, NULL);
  muskx_sim *s = NULL, *sf = NULL;
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pb), &s), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(fresh), &sf), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-10, 1e-12), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_tolerances(sf, 1e-10, 1e-12), MUSKX_OK);
  int nm = muskx_petab_nmeasurements(pb), np = muskx_petab_nparams(pb);
  double th0[16], th1[16], r1[16], rf[16], s1[16], sg[16];
  double d0[256], d1[256], ds0[256], ds1[256], df[256], dsf[256];
  ck_assert_int_le(nm * np, 256);
  ck_assert_int_le(nm, 16);
  for (int k = 0; k < np; k++) {
    ck_assert_int_eq(muskx_petab_param_info(pb, k, NULL, NULL, &th0[k]), MUSKX_OK);
    th1[k] = th0[k] * 1.7 + 0.05; /* ka (log10 scale) too: 0.8 -> 10^-0.1 */
  }
  jacobian(pb, s, th0, 0, d0, ds0);
  jacobian(pb, s, th1, 0, d1, ds1);
  eval_at(pb, s, th1, r1, s1);
  jacobian(fresh, sf, th1, 0, df, dsf);
  eval_at(fresh, sf, th1, rf, sg);
  for (int i = 0; i < NEXPECT; i++) {
    int e = find_exp(pb, expect[i].cond, expect[i].preeq), n, nf;
    char got[512], gotf[512];
    kept(pb, e, 0, got, sizeof got, &n);
    kept(fresh, find_exp(fresh, expect[i].cond, expect[i].preeq), 0, gotf,
         sizeof gotf, &nf);
    ck_assert_str_eq(got, expect[i].kept);
    ck_assert_str_eq(gotf, expect[i].kept);
  }
  int changed = 0;
  for (int q = 0; q < nm * np; q++) {
    ck_assert_msg(d1[q] == df[q] && ds1[q] == dsf[q],
                  "entry %d: %.17g %.17g after a first evaluation, %.17g "
                  "%.17g fresh", q, d1[q], ds1[q], df[q], dsf[q]);
    changed += fabs(d1[q] - d0[q]) > 1e-6 * (1 + fabs(d0[q]));
  }
  for (int i = 0; i < nm; i++) {
    ck_assert(r1[i] == rf[i]);
    ck_assert(s1[i] == sg[i]);
  }
  ck_assert_int_gt(changed, nm);
  muskx_sim_free(s);
  muskx_sim_free(sf);
  muskx_petab_free(pb);
  muskx_petab_free(fresh);
}
END_TEST

/* The prune problem in a fresh folder with conditions.tsv = conds;
   dir receives the folder (remove_problem removes it). */
static const char *const PRUNE_FILES[] = {"problem.yaml", "parameters.tsv",
                                          "observables.tsv", "measurements.tsv",
                                          "model.yaml", "conditions.tsv"};
#define NPRUNE_FILES (int)(sizeof PRUNE_FILES / sizeof PRUNE_FILES[0])

static muskx_petab *load_with_conditions(const char *conds, char *dir,
                                         size_t size) {
  char from[1024], to[1024];
  tu_tmpdir(dir, size, "muskx_prune");
  for (int i = 0; i < NPRUNE_FILES; i++) {
    snprintf(to, sizeof to, "%s/%s", dir, PRUNE_FILES[i]);
    FILE *out = fopen(to, "w");
    ck_assert_ptr_nonnull(out);
    if (i == NPRUNE_FILES - 1) {
      fputs(conds, out);
    } else {
      snprintf(from, sizeof from, "tests/petab/prune/%s", PRUNE_FILES[i]);
      FILE *in = fopen(from, "r");
      ck_assert_ptr_nonnull(in);
      int c;
      while ((c = fgetc(in)) != EOF) fputc(c, out);
      fclose(in);
    }
    ck_assert_int_eq(fclose(out), 0);
  }
  snprintf(to, sizeof to, "%s/problem.yaml", dir);
  return load(to, NULL);
}

static void remove_problem(const char *dir) {
  char path[1024];
  for (int i = 0; i < NPRUNE_FILES; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, PRUNE_FILES[i]);
    remove(path);
  }
  rmdir(dir);
}

/* A condition column that follows an estimated parameter (kb) in the
   pre-equilibration and a number in the simulation condition: found at
   load, refused only when derivatives are asked for, naming the column
   and both conditions; the problem loads and evaluates without them. The
   same column following kb in both conditions is no conflict, and its
   Jacobian is computed. */
START_TEST(a_conflicting_condition_column_is_refused_at_the_jacobian_only) {
  static const char *const conds[2] = {
      "conditionId\tc\tA\ncA\t3\ta0\ncB\t2\ta0\npre\tkb\tNaN\ncC\t3\ta0\n"
      "cD\t3\ta0\n",
      "conditionId\tc\tA\ncA\t3\ta0\ncB\tkb\ta0\npre\tkb\tNaN\ncC\t3\ta0\n"
      "cD\t3\ta0\n"};
  for (int v = 0; v < 2; v++) {
    char dir[512];
    muskx_petab *pb = load_with_conditions(conds[v], dir, sizeof dir);
    muskx_sim *s = NULL;
    ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pb), &s), MUSKX_OK);
    int nm = muskx_petab_nmeasurements(pb), np = muskx_petab_nparams(pb);
    double th[16], res[16], dres[256];
    ck_assert_int_le(nm * np, 256);
    for (int k = 0; k < np; k++)
      ck_assert_int_eq(muskx_petab_param_info(pb, k, NULL, NULL, &th[k]),
                       MUSKX_OK);
    eval_at(pb, s, th, res, NULL);
    muskx_status st = muskx_petab_jacobian(pb, s, th, NULL, NULL, dres, NULL);
    if (v == 0) {
      const char *msg = muskx_sim_errmsg(s);
      ck_assert_int_eq(st, MUSKX_EUNSUPPORTED);
      ck_assert_msg(strstr(msg, "condition column 'c'") != NULL &&
                        strstr(msg, "'pre' and 'cB'") != NULL,
                    "message: %s", msg);
    } else {
      ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
    }
    /* the value-only evaluation still works after the refusal */
    eval_at(pb, s, th, res, NULL);
    muskx_sim_free(s);
    muskx_petab_free(pb);
    remove_problem(dir);
  }
}
END_TEST

/* The shipped problem at its shipped values: the pruned Jacobian agrees
   with the full one to the tolerance (rtol = atol = 1e-6, where a column
   is good to ~1e-4 of its largest entry, docs/fitting.md; each run takes
   its own steps), every pruned column is (up to rounding) 0 in the full
   one, and pruning happened. */
START_TEST(the_shipped_problem_keeps_its_jacobian) {
  muskx_petab *pb = load(SHIPPED, "models");
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pb), &s), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-6, 1e-6), MUSKX_OK);
  int nm = muskx_petab_nmeasurements(pb), np = muskx_petab_nparams(pb);
  double *th = calloc((size_t)np, sizeof *th);
  size_t nq = (size_t)nm * np;
  double *dres = calloc(nq, sizeof *dres), *dsig = calloc(nq, sizeof *dsig);
  double *fres = calloc(nq, sizeof *fres), *fsig = calloc(nq, sizeof *fsig);
  ck_assert(th && dres && dsig && fres && fsig);
  for (int k = 0; k < np; k++)
    ck_assert_int_eq(muskx_petab_param_info(pb, k, NULL, NULL, &th[k]), MUSKX_OK);
  jacobian(pb, s, th, 0, dres, dsig);
  jacobian(pb, s, th, 1, fres, fsig);
  int pruned = 0;
  for (int k = 0; k < np; k++) {
    double big = 0;
    for (int i = 0; i < nm; i++) big = fmax(big, fabs(fres[(size_t)i * np + k]));
    for (int i = 0; i < nm; i++) {
      size_t q = (size_t)i * np + k;
      ck_assert_msg(fabs(dres[q] - fres[q]) <= 1e-3 * (big + fabs(fres[q])) + 1e-9,
                    "row %d, %s: %.10g pruned, %.10g full", i,
                    muskx_petab_param_id(pb, k), dres[q], fres[q]);
      ck_assert_double_eq(dsig[q], fsig[q]); /* sigmas are numbers here */
      if (theta_kept(pb, pb->meas[i].exp, k) || direct_sigma(pb, i, k))
        continue;
      pruned++;
      ck_assert(dres[q] == 0);
      ck_assert_msg(fabs(fres[q]) <= 1e-12 * (1 + big),
                    "row %d, %s pruned, but %g in the full Jacobian", i,
                    muskx_petab_param_id(pb, k), fres[q]);
    }
  }
  ck_assert_int_gt(pruned, 0);
  free(th);
  free(dres);
  free(dsig);
  free(fres);
  free(fsig);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

int main(void) {
  Suite *s = suite_create("petab_prune");
  TCase *tc = tcase_create("prune");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, each_experiment_keeps_the_values_that_reach_its_outputs);
  tcase_add_test(tc, the_reach_of_an_output_follows_the_model_structure);
  tcase_add_test(tc, the_pruned_jacobian_is_the_full_one_and_central_differences);
  tcase_add_test(tc, a_second_evaluation_keeps_the_same_values_as_a_fresh_problem);
  tcase_add_test(tc, a_conflicting_condition_column_is_refused_at_the_jacobian_only);
  suite_add_tcase(s, tc);
  /* "slow long": two Jacobians of the shipped problem at 1e-6 (most of
     their cost the daily teriparatide arm: ~30 CPU-s plain, 174 under
     ASan); only the plain stage runs it. The same code runs under ASan
     and valgrind on the small problem above (events, pre-equilibration,
     derived parameters). */
  TCase *sf = tcase_create("shipped");
  tcase_set_timeout(sf, 900);
  tcase_set_tags(sf, "slow long");
  tcase_add_test(sf, the_shipped_problem_keeps_its_jacobian);
  suite_add_tcase(s, sf);
  return tu_run_suite(s);
}
