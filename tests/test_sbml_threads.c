/*
 * test_sbml_threads.c -- SBML import and export on several threads at once
 * (issue 16, Medium 14; lib/sbml_lock.c).
 *
 * muskx.h promises that loading is thread-safe; libSBML and libxml2 set
 * up shared state without locks, which ThreadSanitizer reported as races
 * when SBML was imported or exported on several threads. Here 8 threads
 * each import an SBML model from text, simulate it, export it back to
 * SBML and import that, several rounds, and check every time course
 * against the analytic solution. `make test-tsan` runs this file under
 * ThreadSanitizer (build-tsan/), where a race is a failure.
 *
 * Model: A -> B at rate k A in a compartment of size 1, k = 0.5, A(0) = 2:
 * A(t) = 2 e^{-t/2}, B(t) = 2 - A(t).
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define NTHREADS 8
#define ROUNDS 3

static const char sbml_text[] =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<sbml xmlns='http://www.sbml.org/sbml/level3/version2/core' level='3' "
    "version='2'>\n<model id='decay'>\n"
    "<listOfCompartments><compartment id='C' size='1' spatialDimensions='3' "
    "constant='true'/></listOfCompartments>\n"
    "<listOfSpecies>"
    "<species id='A' compartment='C' initialConcentration='2' "
    "hasOnlySubstanceUnits='false' boundaryCondition='false' constant='false'/>"
    "<species id='B' compartment='C' initialConcentration='0' "
    "hasOnlySubstanceUnits='false' boundaryCondition='false' constant='false'/>"
    "</listOfSpecies>\n"
    "<listOfParameters><parameter id='k' value='0.5' constant='true'/>"
    "</listOfParameters>\n"
    "<listOfReactions><reaction id='r' reversible='false'>"
    "<listOfReactants><speciesReference species='A' stoichiometry='1' "
    "constant='true'/></listOfReactants>"
    "<listOfProducts><speciesReference species='B' stoichiometry='1' "
    "constant='true'/></listOfProducts>"
    "<kineticLaw><math xmlns='http://www.w3.org/1998/Math/MathML'><apply>"
    "<times/><ci>k</ci><ci>A</ci><ci>C</ci></apply></math></kineticLaw>"
    "</reaction></listOfReactions>\n</model>\n</sbml>\n";

/* 0 when m's A and B follow the analytic solution; else a message. */
static int check_course(const muskx_model *m, char *why, size_t n) {
  muskx_sim *s = NULL;
  if (muskx_sim_create(m, &s) != MUSKX_OK) return snprintf(why, n, "sim_create"), 1;
  muskx_sim_set_tolerances(s, 1e-10, 1e-12);
  double times[] = {0, 0.5, 1, 2, 4};
  int nc = muskx_sim_ncols(s);
  double *out = calloc(5 * (size_t)nc, sizeof *out);
  int a = muskx_model_find(m, MUSKX_SPECIES, "A"), b = muskx_model_find(m, MUSKX_SPECIES, "B");
  int bad = out == NULL || a < 0 || b < 0 ||
            muskx_sim_run(s, times, 5, out, NULL) != MUSKX_OK;
  for (int k = 0; !bad && k < 5; k++) {
    double A = 2 * exp(-0.5 * times[k]);
    if (fabs(out[k * nc + a] - A) > 1e-7 || fabs(out[k * nc + b] - (2 - A)) > 1e-7) {
      snprintf(why, n, "t=%g: A=%g B=%g, want %g %g", times[k], out[k * nc + a],
               out[k * nc + b], A, 2 - A);
      bad = 1;
    }
  }
  if (bad && why[0] == '\0') snprintf(why, n, "run failed: %s", muskx_sim_errmsg(s));
  free(out);
  muskx_sim_free(s);
  return bad;
}

typedef struct job {
  int failed;
  char why[1200];
} job;

static void *worker(void *arg) {
  job *j = arg;
  for (int r = 0; r < ROUNDS && !j->failed; r++) {
    muskx_model *m = NULL, *back = NULL;
    muskx_error err;
    char *xml = NULL;
    if (muskx_model_load_string(sbml_text, strlen(sbml_text), "decay.xml", &m,
                                &err) != MUSKX_OK) {
      snprintf(j->why, sizeof j->why, "import: %.1000s", err.message);
      j->failed = 1;
    } else if (check_course(m, j->why, sizeof j->why)) {
      j->failed = 1;
    } else if (muskx_model_export_sbml(m, NULL, &xml, &err) != MUSKX_OK) {
      snprintf(j->why, sizeof j->why, "export: %.1000s", err.message);
      j->failed = 1;
    } else if (muskx_model_load_string(xml, strlen(xml), "back.xml", &back, &err) !=
               MUSKX_OK) {
      snprintf(j->why, sizeof j->why, "re-import: %.1000s", err.message);
      j->failed = 1;
    } else if (check_course(back, j->why, sizeof j->why)) {
      j->failed = 1;
    }
    muskx_free_string(xml);
    muskx_model_free(back);
    muskx_model_free(m);
  }
  return NULL;
}

START_TEST(sbml_import_and_export_run_on_eight_threads_at_once) {
  pthread_t th[NTHREADS];
  job jobs[NTHREADS];
  memset(jobs, 0, sizeof jobs);
  for (int i = 0; i < NTHREADS; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  for (int i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < NTHREADS; i++)
    ck_assert_msg(!jobs[i].failed, "thread %d: %s", i, jobs[i].why);
}
END_TEST

#ifndef MUSKX_HAVE_SBML
START_TEST(without_libsbml_import_is_refused) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(sbml_text, strlen(sbml_text), "d.xml",
                                           &m, &err),
                   MUSKX_EUNSUPPORTED);
}
END_TEST
#endif

int main(void) {
  Suite *s = suite_create("sbml_threads");
  TCase *tc = tcase_create("sbml_threads");
  tcase_set_timeout(tc, 120);
#ifdef MUSKX_HAVE_SBML
  tcase_add_test(tc, sbml_import_and_export_run_on_eight_threads_at_once);
#else
  tcase_add_test(tc, without_libsbml_import_is_refused);
#endif
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
