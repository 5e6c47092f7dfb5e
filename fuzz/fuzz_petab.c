/*
 * fuzz_petab.c -- libFuzzer harness for PEtab problems (muskx_petab_load,
 * lib/petab_tsv.c, lib/petab_load.c, lib/petab_model.c): the four
 * tab-separated tables, which in practice come from spreadsheets and other
 * tools and are the most exposed text the library reads.
 *
 * The input holds up to four tables separated by lines "%%": the
 * parameter, observable, condition and measurement tables, in that order.
 * A table the input leaves out or empty is the one of tests/petab/relax/
 * (below), so an input of one table ("%%\n%%\n" and a condition table)
 * fuzzes that table against three sound ones.
 * The tables are written to a private temporary directory beside a
 * problem file and a small model, and loaded with muskx_petab_load_with()
 * allowed that directory only.
 *
 * Contracts checked (a broken one traps): a refused problem has no handle
 * and a message; a loaded one answers its queries within range; its
 * nominal point (when it has one) is evaluated with a small step budget:
 * per-measurement values are consistent with the totals, and the
 * simulations table has a row per measurement; the parameter table written
 * at the nominal point loads back (as the problem's parameter table) to
 * the same nominal point (bit for bit on a linear scale, within rounding
 * on a log one; a nominal value on a bound stays on it).
 *
 * A crash found here becomes a file in tests/fuzz-regressions/petab/.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char petab_model[] =
    "muskx: 1\n"
    "model: {id: relax}\n"
    "parameters: {k: 0.1, c: 3.0, a0: 1.0}\n"
    "species: {A: a0}\n"
    "odes: {A: k * (c - A)}\n";

static const char petab_problem[] =
    "format_version: 1\n"
    "parameter_file: parameters.tsv\n"
    "problems:\n"
    "- condition_files: [conditions.tsv]\n"
    "  measurement_files: [measurements.tsv]\n"
    "  observable_files: [observables.tsv]\n"
    "  sbml_files: [model.yaml]\n";

/* tests/petab/relax/'s tables: the defaults of an input's missing ones */
static const char *const petab_default[4] = {
    "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"
    "k\tlog10\t0.01\t10\t0.5\t1\n"
    "sd\tlin\t0.01\t10\t0.4\t1\n"
    "a0\tlin\t0\t10\t1\t0\n",
    "observableId\tobservableFormula\tnoiseFormula\tobservableTransformation\t"
    "noiseDistribution\n"
    "twiceA\t2 * A\tnoiseParameter1_twiceA\tlin\tnormal\n"
    "logA\tA\t0.1\tlog10\tlaplace\n",
    "conditionId\tc\n"
    "c0\t3\n"
    "pre\t5\n"
    "c1\t3\n",
    "observableId\tpreequilibrationConditionId\tsimulationConditionId\ttime\t"
    "measurement\tnoiseParameters\n"
    "twiceA\t\tc0\t1\t2.5\tsd\n"
    "twiceA\t\tc0\tinf\t6.6\tsd\n"
    "twiceA\tpre\tc1\t2\t6.8\t0.5\n"
    "logA\t\tc0\t2\t2.2\t\n"};
static const char *const petab_table[4] = {"parameters.tsv", "observables.tsv",
                                           "conditions.tsv", "measurements.tsv"};

/* Largest problem evaluated (bigger ones are only loaded and queried). */
#define FUZZ_PETAB_MAX_MEASUREMENTS 200
#define FUZZ_PETAB_MAX_PARAMS 200

static char petab_dir[256];
static muskx_access *petab_access;

static void petab_remove_dir(void) {
  static const char *const parts[] = {"problem.yaml", "model.yaml",
                                      "parameters.tsv", "observables.tsv",
                                      "conditions.tsv", "measurements.tsv"};
  fuzz_remove_dir(petab_dir, parts, sizeof parts / sizeof parts[0]);
  muskx_access_free(petab_access);
  petab_access = NULL;
}

static int petab_write(const char *name, const char *text, size_t len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", petab_dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  size_t n = fwrite(text, 1, len, f);
  return (fclose(f) == 0 && n == len) ? 0 : -1;
}

static int petab_setup_dir(void) {
  if (petab_dir[0]) return 0;
  snprintf(petab_dir, sizeof petab_dir, "/tmp/muskx-fuzz-petab-XXXXXX");
  if (mkdtemp(petab_dir) == NULL) return -1;
  atexit(petab_remove_dir);
  if (petab_write("model.yaml", petab_model, strlen(petab_model)) != 0 ||
      petab_write("problem.yaml", petab_problem, strlen(petab_problem)) != 0)
    return -1;
  petab_access = muskx_access_new();
  if (petab_access == NULL ||
      muskx_access_allow(petab_access, petab_dir, NULL) != MUSKX_OK)
    return -1;
  return 0;
}

static muskx_status petab_load(muskx_petab **pb, muskx_error *err) {
  char path[512];
  snprintf(path, sizeof path, "%s/problem.yaml", petab_dir);
  *pb = (muskx_petab *)&path; /* must come back NULL on failure */
  muskx_status st = muskx_petab_load_with(path, petab_access, pb, err);
  if (st != MUSKX_OK) {
    FUZZ_REQUIRE(*pb == NULL);
    FUZZ_REQUIRE(err->status == st && err->message[0] != '\0');
    FUZZ_REQUIRE(memchr(err->message, '\0', sizeof err->message) != NULL);
    FUZZ_REQUIRE(err->line >= 0 && err->column >= 0);
  } else {
    FUZZ_REQUIRE(*pb != NULL);
  }
  return st;
}

/* Non-empty lines of text (the tables skip blank ones). */
static int petab_lines(const char *text) {
  int n = 0;
  for (const char *s = text; *s;) {
    const char *e = strchr(s, '\n');
    if (e == NULL) e = s + strlen(s);
    for (const char *p = s; p < e; p++)
      if (*p != ' ' && *p != '\t' && *p != '\r') {
        n++;
        break;
      }
    s = *e ? e + 1 : e;
  }
  return n;
}

/* Evaluates pb at theta; checks the per-measurement values against the
   totals and the simulations table's rows. */
static void petab_evaluate(const muskx_petab *pb, const double *theta) {
  int nm = muskx_petab_nmeasurements(pb);
  const muskx_model *m = muskx_petab_model(pb);
  if (nm > FUZZ_PETAB_MAX_MEASUREMENTS ||
      muskx_model_count(m, MUSKX_SPECIES) > FUZZ_MAX_SPECIES)
    return;
  muskx_sim *s = NULL;
  if (muskx_sim_create(m, &s) != MUSKX_OK) return;
  muskx_sim_set_max_steps(s, FUZZ_MAX_STEPS);
  double *sim = calloc((size_t)nm + 1, sizeof *sim);
  double *res = calloc((size_t)nm + 1, sizeof *res);
  double *sig = calloc((size_t)nm + 1, sizeof *sig);
  double llh = 0, chi2 = 0, llh2 = 0, chi2b = 0;
  if (sim && res && sig &&
      muskx_petab_evaluate(pb, s, theta, sim, res, sig, &llh, &chi2) == MUSKX_OK) {
    /* chi2 is the sum of the squared residuals */
    double sum = 0;
    for (int i = 0; i < nm; i++) sum += res[i] * res[i];
    if (isfinite(sum) && isfinite(chi2))
      FUZZ_REQUIRE(fabs(sum - chi2) <= 1e-9 * (1 + fabs(chi2)));
    else if (isnan(sum) || isnan(chi2))
      FUZZ_REQUIRE(isnan(sum) && isnan(chi2));
    else /* one overflowed: the other is at the edge at least */
      FUZZ_REQUIRE(fmin(sum, chi2) > 1e300);
    FUZZ_REQUIRE(!(llh > 0 && isinf(llh)));
    /* the same evaluation, totals only, gives the same totals */
    if (muskx_petab_llh(pb, s, theta, &llh2, &chi2b) == MUSKX_OK) {
      FUZZ_REQUIRE((isnan(llh) && isnan(llh2)) || llh == llh2);
      FUZZ_REQUIRE((isnan(chi2) && isnan(chi2b)) || chi2 == chi2b);
    }
    char *text = NULL;
    if (muskx_petab_simulations_table(pb, sim, &text) == MUSKX_OK) {
      FUZZ_REQUIRE(petab_lines(text) == nm + 1);
      muskx_free_string(text);
    }
  } else {
    FUZZ_REQUIRE(muskx_sim_errmsg(s)[0] != '\0');
  }
  free(sim);
  free(res);
  free(sig);
  muskx_sim_free(s);
}

static void petab_exercise(muskx_petab *pb) {
  int np = muskx_petab_nparams(pb), nm = muskx_petab_nmeasurements(pb);
  FUZZ_REQUIRE(np >= 0 && nm >= 0);
  FUZZ_REQUIRE(muskx_petab_param_id(pb, np) == NULL);
  FUZZ_REQUIRE(muskx_petab_file(pb, 0) != NULL);
  for (int k = 0; k < np; k++) {
    double lo, hi, nom;
    FUZZ_REQUIRE(muskx_petab_param_id(pb, k) != NULL);
    int sc = muskx_petab_param_scale(pb, k);
    FUZZ_REQUIRE(sc >= MUSKX_PETAB_LIN && sc <= MUSKX_PETAB_LOG10);
    FUZZ_REQUIRE(muskx_petab_param_info(pb, k, &lo, &hi, &nom) == MUSKX_OK);
    FUZZ_REQUIRE(!(lo > hi));
    if (!isnan(nom)) FUZZ_REQUIRE(!(nom < lo) && !(nom > hi));
  }
  for (int i = 0; i < nm; i++) {
    FUZZ_REQUIRE(isfinite(muskx_petab_measurement_value(pb, i)));
    int lap = muskx_petab_measurement_laplace(pb, i);
    FUZZ_REQUIRE(lap == 0 || lap == 1);
    int k = muskx_petab_measurement_noise_param(pb, i);
    FUZZ_REQUIRE(k >= -1 && k < np);
  }
  FUZZ_REQUIRE(muskx_petab_measurement_laplace(pb, nm) == -1);
  fuzz_query(muskx_petab_model(pb));
  if (np > FUZZ_PETAB_MAX_PARAMS) return;
  double *theta = calloc((size_t)np + 1, sizeof *theta);
  double *again = calloc((size_t)np + 1, sizeof *again);
  muskx_error err;
  if (theta && again && muskx_petab_nominal(pb, theta, &err) == MUSKX_OK) {
    for (int k = 0; k < np; k++) FUZZ_REQUIRE(isfinite(theta[k]));
    petab_evaluate(pb, theta);
    /* round trip: the parameter table at theta is a parameter table of
       the same problem whose nominal point is theta */
    char *text = NULL;
    if (muskx_petab_parameters_table(pb, theta, &text) == MUSKX_OK) {
      muskx_petab *pb2 = NULL;
      if (petab_write("parameters.tsv", text, strlen(text)) == 0) {
        muskx_status st = petab_load(&pb2, &err);
        FUZZ_REQUIRE(st == MUSKX_OK);
        FUZZ_REQUIRE(muskx_petab_nparams(pb2) == np);
        FUZZ_REQUIRE(muskx_petab_nominal(pb2, again, &err) == MUSKX_OK);
        /* exact on the linear scale (%.17g); log(exp(x)) within rounding */
        for (int k = 0; k < np; k++)
          FUZZ_REQUIRE(muskx_petab_param_scale(pb, k) == MUSKX_PETAB_LIN
                           ? again[k] == theta[k]
                           : fabs(again[k] - theta[k]) <= 1e-15 * (1 + fabs(theta[k])));
        muskx_petab_free(pb2);
      }
      muskx_free_string(text);
    }
  }
  free(theta);
  free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536 || petab_setup_dir() != 0) return 0;
  const char *s = (const char *)data, *end = s + size;
  for (int t = 0; t < 4; t++) {
    /* this table: up to a line "%%" (or the end of the input) */
    const char *e = s, *next = end;
    for (const char *p = s; p < end; p++) {
      if ((p == s || p[-1] == '\n') && end - p >= 2 && p[0] == '%' && p[1] == '%' &&
          (end - p == 2 || p[2] == '\n')) {
        e = p;
        next = end - p == 2 ? end : p + 3;
        break;
      }
      e = p + 1;
    }
    if (e == s) {
      if (petab_write(petab_table[t], petab_default[t], strlen(petab_default[t])) != 0)
        return 0;
    } else if (petab_write(petab_table[t], s, (size_t)(e - s)) != 0) {
      return 0;
    }
    s = next;
  }
  muskx_petab *pb = NULL;
  muskx_error err;
  if (petab_load(&pb, &err) != MUSKX_OK) return 0;
  petab_exercise(pb);
  muskx_petab_free(pb);
  return 0;
}
