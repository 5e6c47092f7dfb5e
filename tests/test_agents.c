/*
 * test_agents.c -- drugs a model declares by name (`agents:`,
 * muskx-model(5)) and scenario drug entries that name only the agent, the
 * dose and the route (muskx-scenario(5)).
 *
 * References, all independent of the code under test:
 *  - the amount a dose puts into its depot, dose x bioavailability x unit
 *    factor, worked out by hand in tests/models/agents_pk.yaml's banner;
 *  - the depot's analytic time course, a sum of exp(-ka (t - t_i)) over
 *    the dose times t_i, which the scenario's start/every/count give;
 *  - the same regimens written in the long form (target and
 *    bioavailability, tests/scenarios/agents_long.yaml), which must give
 *    the same trajectory as the short form.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "muskx.h"
#include "scenario.h"
#include "textcase.h"
#include "sim.h"
#include "testutil.h"
#include "testdoses.h"

#define SCN(name) ("tests/scenarios/" name)
#define MONTH 30.4375

/* Sum over the dose times t0 + k every (k < count) at or before t of
   a exp(-rate (t - t_k)); rate 0 gives the amount given so far. */
static double superposed(double t, double a, double rate, double t0,
                         double every, int count) {
  double s = 0;
  for (int k = 0; k < count; k++) {
    double tk = t0 + k * every;
    if (tk <= t) s += a * exp(-rate * (t - tk));
  }
  return s;
}

/* ---------------------------------------------------------------------- */

START_TEST(the_model_declares_its_agents_with_unit_factors_from_the_units) {
  muskx_model *m = tu_load(TEST_MODEL("agents_pk.yaml"));
  ck_assert_int_eq(m->nagents, 2);
  const muskx__agent *a = &m->agents[0], *b = &m->agents[1];
  ck_assert_str_eq(a->name, "drug_a");
  ck_assert_str_eq(a->dose_unit, "mg");
  ck_assert_int_eq(a->nroutes, 2);
  ck_assert_str_eq(a->routes[0].route, "sc");
  ck_assert_int_eq(a->routes[0].depot,
                   muskx_model_find(m, MUSKX_SPECIES, "A_depot"));
  ck_assert_int_eq(a->routes[0].f_param,
                   muskx_model_find(m, MUSKX_PARAMETER, "F_sc"));
  ck_assert_double_eq(a->routes[0].per_dose_unit, 1);    /* mg -> mg */
  ck_assert_double_eq_tol(a->routes[1].per_dose_unit, 1000, 1e-9); /* ug */
  ck_assert_int_eq(a->routes[1].f_param, -1);
  ck_assert_double_eq(a->routes[1].f_number, 1);
  ck_assert_str_eq(b->name, "drug_b");
  ck_assert_double_eq(b->molar_mass, 500);
  /* 1 mg of a 500 g/mol drug is 2 umol = 2000 nmol. */
  ck_assert_double_eq_tol(b->routes[0].per_dose_unit, 2000, 1e-9);
  ck_assert_double_eq(b->routes[0].f_number, 0.05);
  ck_assert_double_eq(b->routes[1].per_dose_unit, 3); /* unit_factor */
  muskx_model_free(m);
}
END_TEST

START_TEST(an_imported_agent_keeps_its_name_and_gets_prefixed_depot_and_f) {
  muskx_model *m = tu_load(TEST_MODEL("imports/agents_outer.yaml"));
  ck_assert_int_eq(m->nagents, 2);
  ck_assert_str_eq(m->agents[0].name, "drug_a");
  ck_assert_int_eq(m->agents[0].routes[0].depot,
                   muskx_model_find(m, MUSKX_SPECIES, "pk.A_depot"));
  ck_assert_int_eq(m->agents[0].routes[0].f_param,
                   muskx_model_find(m, MUSKX_PARAMETER, "pk.F_sc"));
  muskx_model_free(m);
}
END_TEST

/* The six doses of agents_short.yaml, by hand from agents_pk.yaml. */
static void check_short_form_doses(const char *file) {
  muskx_scenario *sc = tu_load_scenario(file);
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  static const tu_dose_want want[] = {
      {"A_depot", 10, 50 * 0.6, 14, 3},           /* 2 weeks */
      {"A_cen", 5, 2 * 1000, MONTH, 2},           /* mg -> ug, 1 month */
      {"B_gut", 0, 10 * 2000 * 0.05, 7, 2},       /* until pre: 0, 7 */
      {"B_x", 20, 4 * 3, 0, 1},                   /* bare mg, unit_factor */
      {"B_gut", 30, 0.01e6 * 0.05, 0, 1},         /* 0.01 mmol in nmol */
      {"A_depot", 60, 10 * 0.5, 0, 1},            /* the entry's F */
  };
  tu_check_doses(sim, m, want, 6, 1e-12, 1e-9, file);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}

START_TEST(short_form_doses_are_dose_times_bioavailability_times_unit_factor) {
  check_short_form_doses(SCN("agents_short.yaml"));
}
END_TEST

/* The same six doses with the agent names in other cases and the routes
   in clinical spellings (SC, I.V., PO, intramuscular, per os,
   Subcutaneous): each was refused before ("declares no route 'SC'"). A
   spelling the agent lacks is still refused with its routes
   (tests/bad_scenarios/51_route_alias_the_agent_lacks.yaml). */
START_TEST(clinical_route_spellings_and_agent_case_make_the_same_doses) {
  check_short_form_doses(SCN("agents_spellings.yaml"));
}
END_TEST

/* Names matched in order: the agent as declared, then an undeclared
   agent's species (Legacy_depot), then an agent in another case (INJ),
   whose routes are matched as declared in any case before their clinical
   spellings (SQ is inj's route sq, not sc). Hand-computed amounts from
   tests/models/agents_case.yaml's banner; before, SQ went to C_depot (the
   alias sq -> sc). 'agent: Drug', both agent drug in another case and
   the species Drug_depot, is refused as ambiguous (bad scenario 59). */
START_TEST(agent_and_route_case_fallbacks_come_after_the_exact_names) {
  muskx_scenario *sc = tu_load_scenario(SCN("agents_case.yaml"));
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  /* count 0: not checked (one dose each) */
  static const tu_dose_want want[] = {
      {"A_depot", 1, 10 * 0.5, 0, 0}, {"Legacy_depot", 2, 10, 0, 0},
      {"S_depot", 3, 2, 0, 0},        {"S_depot", 4, 3, 0, 0},
      {"C_depot", 5, 4, 0, 0}};
  tu_check_doses(sim, m, want, 5, 1e-12, 1e-12, "agents_case.yaml");
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* The one case-blind comparison of scenario names (agents, routes,
   outputs, rate units): ASCII letters only, whatever the locale; bytes
   of 0x80 and above (UTF-8) compare as they are. */
START_TEST(names_compare_ignoring_the_case_of_ascii_letters_only) {
  ck_assert(muskx__same_ignoring_case("Denosumab", "denosumab"));
  ck_assert(muskx__same_ignoring_case("S.C.", "s.c."));
  ck_assert(muskx__same_ignoring_case("", ""));
  ck_assert(!muskx__same_ignoring_case("sc", "sq"));
  ck_assert(!muskx__same_ignoring_case("sc", "scx"));
  ck_assert(!muskx__same_ignoring_case("scx", "sc"));
  ck_assert(!muskx__same_ignoring_case("[", "{")); /* 0x5b vs 0x7b */
  ck_assert(!muskx__same_ignoring_case("\xc3\x84", "\xc3\xa4")); /* Ä, ä */
}
END_TEST

/* The largest dose that fits a double in the species' unit loads with its
   exact amount; 10 times more is refused where it is written
   (tests/bad_scenarios/46_dose_overflows_in_the_species_unit.yaml). */
START_TEST(a_dose_at_the_edge_of_the_range_keeps_its_amount) {
  muskx_scenario *sc = tu_load_scenario(SCN("agents_dose_at_the_edge.yaml"));
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  ck_assert_int_eq(sim->ndoses, 2);
  for (int i = 0; i < 2; i++) {
    const muskx__dose *d = &sim->doses[i];
    ck_assert_int_eq(d->species, muskx_model_find(m, MUSKX_SPECIES, "A_cen"));
    ck_assert(isfinite(d->amount));
    ck_assert_double_eq_tol(d->amount, 1e308, 1e-12 * 1e308); /* mg -> ug */
  }
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(short_and_long_form_give_the_analytic_trajectory) {
  muskx_scenario *s1 = tu_load_scenario(SCN("agents_short.yaml"));
  muskx_scenario *s2 = tu_load_scenario(SCN("agents_long.yaml"));
  tu_scenario_run a = tu_run_scenario(s1), b = tu_run_scenario(s2);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert_int_eq(a.nc, 4);
  for (size_t k = 0; k < a.n; k++) {
    double t = a.t[k];
    double ref[4] = {
        superposed(t, 30, 0.1, 10, 14, 3) + superposed(t, 5, 0.1, 60, 0, 1),
        superposed(t, 2000, 0.5, 5, MONTH, 2),
        superposed(t, 1000, 0, 0, 7, 2) + superposed(t, 500, 0, 30, 0, 1),
        superposed(t, 12, 0, 20, 0, 1),
    };
    for (int c = 0; c < 4; c++) {
      double va = a.v[k * 4 + (size_t)c], vb = b.v[k * 4 + (size_t)c];
      TU_CLOSE(va, ref[c], 1e-6, 1e-8, "short form", t);
      TU_CLOSE(vb, ref[c], 1e-6, 1e-8, "long form", t);
      TU_CLOSE(va, vb, 1e-9, 1e-10, "short vs long", t);
    }
  }
  tu_scenario_run_free(&a);
  tu_scenario_run_free(&b);
  muskx_scenario_free(s1);
  muskx_scenario_free(s2);
}
END_TEST

START_TEST(a_set_of_the_outer_f_reaches_an_imported_agent_through_its_binding) {
  muskx_scenario *sc = tu_load_scenario(SCN("agents_imported.yaml"));
  /* set: {F: 0.25}: 10 mg per 40 mg dose, at 0 and 6 months. */
  for (int pass = 0; pass < 2; pass++) {
    double f = pass == 0 ? 0.25 : 0.5;
    if (pass == 1) ck_assert_int_eq(muskx_scenario_set(sc, "F", 0.5), MUSKX_OK);
    tu_scenario_run r = tu_run_scenario(sc);
    for (size_t k = 0; k < r.n; k++) {
      double ref = superposed(r.t[k], 40 * f, 0.1, 0, 6 * MONTH, 2);
      TU_CLOSE(r.v[k], ref, 1e-6, 1e-8, "pk.A_depot", r.t[k]);
    }
    /* Second dose at 182.625 d: the jump is there and not a day off. */
    ck_assert_double_eq_tol(r.v[183] - r.v[182] * exp(-0.1),
                            40 * f * exp(-0.1 * (183 - 6 * MONTH)),
                            1e-6 * 40 * f);
    tu_scenario_run_free(&r);
  }
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(the_public_queries_report_what_the_model_declares) {
  muskx_model *m = tu_load(TEST_MODEL("agents_pk.yaml"));
  int depot = -2, fp = -2;
  double fn = 0, pdu = 0;
  ck_assert_int_eq(muskx_model_agent_count(m), 2);
  ck_assert_int_eq(muskx_model_agent_count(NULL), -1);
  ck_assert_str_eq(muskx_model_agent_name(m, 1), "drug_b");
  ck_assert_ptr_null(muskx_model_agent_name(m, 2));
  ck_assert_str_eq(muskx_model_agent_dose_unit(m, 0), "mg");
  ck_assert_int_eq(muskx_model_agent_route_count(m, 0), 2);
  ck_assert_int_eq(muskx_model_agent_route_count(m, -1), -1);
  ck_assert_str_eq(muskx_model_agent_route(m, 1, 0, &depot, &fp, &fn, &pdu),
                   "oral");
  ck_assert_int_eq(depot, muskx_model_find(m, MUSKX_SPECIES, "B_gut"));
  ck_assert_int_eq(fp, -1);
  ck_assert_double_eq(fn, 0.05);
  ck_assert_double_eq_tol(pdu, 2000, 1e-9);
  ck_assert_str_eq(muskx_model_agent_route(m, 0, 0, NULL, &fp, NULL, NULL),
                   "sc");
  ck_assert_int_eq(fp, muskx_model_find(m, MUSKX_PARAMETER, "F_sc"));
  ck_assert_ptr_null(muskx_model_agent_route(m, 0, 2, NULL, NULL, NULL, NULL));
  muskx_model_free(m);
}
END_TEST

/* The shipped drug scenarios give the published regimens: amounts from
   the label doses and published bioavailabilities (denosumab 60 mg SC,
   F 61 %, Gibiansky 2012; romosozumab 210 mg SC, F 81 %, Evenity label;
   alendronate 70 mg oral, F 0.64 %, Fosamax label),
   times from the phases (preflight 30 d, flight 6 months = 182.625 d). */
START_TEST(shipped_drug_scenarios_dose_the_published_regimens) {
  static const struct {
    const char *file;
    tu_dose_want dose;
  } want[] = {
      {"scenarios/iss_exercise_denosumab.yaml",
       {"dmab.Dmab_depot", 30, 60 * 0.61, 0, 1}},
      {"scenarios/iss_exercise_denosumab_continued.yaml",
       {"dmab.Dmab_depot", 30, 60 * 0.61, 6 * MONTH, 3}},
      {"scenarios/iss_exercise_romosozumab_then_denosumab.yaml",
       {"romo.Romo_depot", 30, 210 * 0.81, MONTH, 6}},
      {"scenarios/iss_exercise_romosozumab_then_denosumab.yaml",
       {"dmab.Dmab_depot", 30 + 6 * MONTH, 60 * 0.61, 6 * MONTH, 2}},
      /* alendronate 70 mg oral weekly, F 0.64 % (Fosamax label), from day
         9 until landing (212.625): days 9, 16, ..., 212, 30 doses */
      {"scenarios/iss_exercise_alendronate.yaml",
       {"aln.ALN_pl", 9, 70 * 0.0064, 7, 30}},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    muskx_scenario *sc = tu_load_scenario(want[i].file);
    const muskx_model *m = muskx_scenario_model(sc);
    muskx_sim *sim = tu_sim(m);
    TU_OK(sim, muskx_scenario_apply(sc, sim));
    tu_check_dose_into(sim, m, &want[i].dose, 1e-9, 1e-10, want[i].file);
    muskx_sim_free(sim);
    muskx_scenario_free(sc);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("agents");
  TCase *tc = tcase_create("agents");
  tcase_add_test(tc, the_model_declares_its_agents_with_unit_factors_from_the_units);
  tcase_add_test(tc, an_imported_agent_keeps_its_name_and_gets_prefixed_depot_and_f);
  tcase_add_test(tc, short_form_doses_are_dose_times_bioavailability_times_unit_factor);
  tcase_add_test(tc, clinical_route_spellings_and_agent_case_make_the_same_doses);
  tcase_add_test(tc, agent_and_route_case_fallbacks_come_after_the_exact_names);
  tcase_add_test(tc, names_compare_ignoring_the_case_of_ascii_letters_only);
  tcase_add_test(tc, a_dose_at_the_edge_of_the_range_keeps_its_amount);
  tcase_add_test(tc, short_and_long_form_give_the_analytic_trajectory);
  tcase_add_test(tc, a_set_of_the_outer_f_reaches_an_imported_agent_through_its_binding);
  tcase_add_test(tc, the_public_queries_report_what_the_model_declares);
  suite_add_tcase(s, tc);
  tc = tu_long_tcase("shipped");
  tcase_add_test(tc, shipped_drug_scenarios_dose_the_published_regimens);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
