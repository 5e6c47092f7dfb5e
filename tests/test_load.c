/*
 * test_load.c -- the model loader (lib/load*.c, lib/model.c): what a good
 * model turns into (counts, names, units, docs, defaults, stoichiometry,
 * events, evaluation order, resolved names) and the public queries on it.
 * Bad models live in tests/bad (see test_bad_models.c).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "muskx.h"
#include "testutil.h"

/* The example of the format specification, verbatim. */
static const char spec_example[] =
    "muskx: 1                          # format version (required)\n"
    "model:\n"
    "  id: robertson                   # [A-Za-z_][A-Za-z0-9_]*\n"
    "  name: Robertson's stiff chemical kinetics\n"
    "  time_unit: s                    # free text, reported by `info`\n"
    "  references:\n"
    "    - \"Robertson 1966\"\n"
    "\n"
    "parameters:                       # name: number   or   name: {value, unit, doc}\n"
    "  k1: 0.04\n"
    "  k2: {value: 3.0e7, unit: 1/(M*s), doc: \"dimerisation\"}\n"
    "  k3: 1.0e4\n"
    "\n"
    "species:                          # name: initial  or  name: {initial, unit, constant, doc}\n"
    "  A: 1.0\n"
    "  B: 0.0\n"
    "  C: {initial: 0.0}\n"
    "\n"
    "reactions:\n"
    "  - id: r1\n"
    "    equation: A -> B\n"
    "    rate: k1*A\n"
    "  - id: r2\n"
    "    equation: 2 B -> B + C        # net stoichiometry: B -1, C +1\n"
    "    rate: k2*B^2\n"
    "  - id: r3\n"
    "    equation: B + C -> A + C\n"
    "    rate: k3*B*C\n"
    "\n"
    "outputs:                          # sampled with the states\n"
    "  total: A + B + C\n";

/* A model that uses every section and most options. */
static const char full_model[] =
    "muskx: 1\n"
    "model:\n"
    "  id: bone_demo\n"
    "  name: Demo\n"
    "  description: A test model\n"
    "  time_unit: day\n"
    "  references: [\"A 2001\", \"B 2002\"]\n"
    "parameters:\n"
    "  k1: 0.5\n"
    "  k2: {value: 2 * k1, unit: 1/day, doc: twice k1, min: 0, max: 10}\n"
    "  Kd: {value: 3}\n"
    "compartments:\n"
    "  blood: {volume: 5, unit: L, doc: plasma}\n"
    "  bone: k2 * 2\n"
    "functions:\n"
    "  sq(x): x * x\n"
    "  act(x, K): hill(x, K, 2) * sq(1)\n"
    "  twice(x): 2 * x\n"
    "species:\n"
    "  A: 10\n"
    "  B: {initial: k1 * 4 + twice(1), unit: nM, doc: the B, compartment: blood,\n"
    "      nonnegative: true}\n"
    "  C: {constant: true, initial: 1}\n"
    "  D: {}\n"
    "  E: bone / 2\n"
    "inputs:\n"
    "  load: {times: [0, 10, 20], values: [1, 2, 3], interp: linear, unit: N}\n"
    "  dose: {default: 5, doc: mg}\n"
    "  flag: 1\n"
    "assignments:\n"
    "  total: A + B + drive\n"
    "  drive: {expr: \"act(A, Kd) * load\", unit: nM/day}\n"
    "reactions:\n"
    "  - id: bind\n"
    "    equation: 2 A + C -> B\n"
    "    rate: k1 * A^2 * C\n"
    "    doc: binding\n"
    "  - equation: B <-> A + A\n"
    "    rate: k2 * B - k1 * A^2\n"
    "  - equation: -> D\n"
    "    rate: drive\n"
    "  - equation: B -> B + D\n"
    "    rate: bind / 2\n"
    "odes:\n"
    "  E: -0.1 * E + total\n"
    "events:\n"
    "  - id: dose_ev\n"
    "    at: 1\n"
    "    every: 7\n"
    "    count: 3\n"
    "    set: {A: A + dose, k1: 0.6}\n"
    "  - when: B > 5\n"
    "    delay: 1\n"
    "    priority: 2\n"
    "    persistent: false\n"
    "    initial_value: false\n"
    "    use_values_from_trigger_time: false\n"
    "    set: {blood: 6}\n"
    "  - at: 0\n"
    "    every: k1 * 10\n"
    "    until: 100\n"
    "    doc: reset\n"
    "    set: {D: 0}\n"
    "outputs:\n"
    "  pct: 100 * total / 10\n"
    "  double_pct: 2 * pct\n"
    "  clock: t + time + pi\n";

/* Loads text that must fail; returns the error. */
static muskx_error refuse(const char *text) {
  muskx_model *m = (muskx_model *)&m;
  muskx_error err;
  muskx_status st = muskx_model_load_string(text, strlen(text), "x.yaml", &m, &err);
  ck_assert_msg(st != MUSKX_OK, "loaded, but should fail");
  ck_assert_ptr_null(m);
  return err;
}

START_TEST(the_spec_example_loads_with_its_names_and_counts) {
  muskx_model *m = tu_load_text(spec_example, "x.yaml");
  ck_assert_str_eq(muskx_model_id(m), "robertson");
  ck_assert_str_eq(muskx_model_name(m), "Robertson's stiff chemical kinetics");
  ck_assert_str_eq(muskx_model_time_unit(m), "s");
  ck_assert_str_eq(muskx_model_source(m), "x.yaml");
  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_REACTION), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_OUTPUT), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_EVENT), 0);
  ck_assert_int_eq(muskx_model_reference_count(m), 1);
  ck_assert_str_eq(muskx_model_reference(m, 0), "Robertson 1966");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER, 1), "1/(M*s)");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_PARAMETER, 1), "dimerisation");
  ck_assert_double_eq(m->params[1].value->num, 3.0e7);
  int sp[4];
  double co[4];
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 1, sp, co, 4), 2);
  ck_assert_int_eq(sp[0], 1); /* B -1 */
  ck_assert_double_eq(co[0], -1);
  ck_assert_int_eq(sp[1], 2); /* C +1 */
  ck_assert_double_eq(co[1], 1);
  /* r3: C is on both sides, so only B -1 and A +1 remain. */
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 2, sp, co, 4), 2);
  ck_assert_str_eq(muskx_model_reaction_equation(m, 1), "2 B -> B + C");
  ck_assert_str_eq(muskx_model_reaction_rate(m, 1), "k2*B^2");
  muskx_model_free(m);
}
END_TEST

START_TEST(a_full_model_loads_every_section) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  ck_assert_str_eq(m->description, "A test model");
  ck_assert_int_eq(muskx_model_reference_count(m), 2);
  ck_assert_str_eq(muskx_model_reference(m, 1), "B 2002");
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_COMPARTMENT), 2);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES), 5);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_INPUT), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_ASSIGNMENT), 2);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_REACTION), 4);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_EVENT), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_OUTPUT), 3);
  ck_assert_int_eq(m->nfunctions, 3);
  ck_assert_int_eq(m->nodes, 1);
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_REACTION, 0), "bind");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_REACTION, 1), "r2");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_EVENT, 0), "dose_ev");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_EVENT, 1), "e2");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_COMPARTMENT, 1), "bone");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_INPUT, 2), "flag");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_OUTPUT, 2), "clock");
  ck_assert_str_eq(m->functions[1].name, "act");
  ck_assert_int_eq(m->functions[1].nargs, 2);
  ck_assert_str_eq(m->functions[1].argnames[1], "K");
  muskx_model_free(m);
}
END_TEST

START_TEST(units_and_docs_are_empty_strings_when_absent) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_SPECIES, 1), "nM");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_SPECIES, 1), "the B");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_SPECIES, 0), "");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_SPECIES, 0), "");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER, 1), "1/day");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_PARAMETER, 1), "twice k1");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER, 2), "");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_COMPARTMENT, 0), "L");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_COMPARTMENT, 0), "plasma");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_COMPARTMENT, 1), "");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_INPUT, 0), "N");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_INPUT, 1), "mg");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_ASSIGNMENT, 1), "nM/day");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_OUTPUT, 0), "");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_REACTION, 0), "binding");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_REACTION, 1), "");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_REACTION, 0), "");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_EVENT, 2), "reset");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_EVENT, 0), "");
  ck_assert_str_eq(m->odes[0].unit, "");
  const char *minimal = "muskx: 1\nmodel: {id: tiny}\n";
  muskx_model *t = tu_load_text(minimal, "x.yaml");
  ck_assert_str_eq(muskx_model_name(t), "");
  ck_assert_str_eq(muskx_model_time_unit(t), "");
  ck_assert_str_eq(t->description, "");
  ck_assert_int_eq(muskx_model_reference_count(t), 0);
  ck_assert_int_eq(muskx_model_count(t, MUSKX_SPECIES), 0);
  ck_assert_int_eq(t->nassign_order, 0);
  muskx_model_free(t);
  muskx_model_free(m);
}
END_TEST

START_TEST(defaults_fill_what_the_file_leaves_out) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  /* species D: {} starts at 0, in no compartment, not constant */
  ck_assert_int_eq(m->species[3].initial->kind, MUSKX__E_NUM);
  ck_assert_double_eq(m->species[3].initial->num, 0);
  ck_assert_int_eq(m->species[3].compartment, -1);
  ck_assert_int_eq(m->species[3].constant, 0);
  ck_assert_int_eq(m->species[3].nonnegative, 0);
  ck_assert_int_eq(m->species[1].compartment, 0);
  ck_assert_int_eq(m->species[1].nonnegative, 1);
  ck_assert_int_eq(m->species[2].constant, 1);
  ck_assert_int_eq(m->species[4].has_ode, 1);
  ck_assert_int_eq(m->species[0].has_ode, 0);
  ck_assert_int_eq(m->odes[0].target, 4);
  ck_assert_int_eq(m->assignments[0].target, -1);
  ck_assert(isinf(m->params[0].min) && m->params[0].min < 0);
  ck_assert(isinf(m->params[0].max) && m->params[0].max > 0);
  ck_assert_double_eq(m->params[1].min, 0);
  ck_assert_double_eq(m->params[1].max, 10);
  /* inputs: a table, a default, and the number shorthand */
  ck_assert_uint_eq(m->inputs[0].n, 3);
  ck_assert_double_eq(m->inputs[0].times[2], 20);
  ck_assert_double_eq(m->inputs[0].def, 1);
  ck_assert_int_eq(m->inputs[0].interp, MUSKX_INTERP_LINEAR);
  ck_assert_uint_eq(m->inputs[1].n, 0);
  ck_assert_double_eq(m->inputs[1].def, 5);
  ck_assert_int_eq(m->inputs[1].interp, MUSKX_INTERP_STEP);
  ck_assert_double_eq(m->inputs[2].def, 1);
  muskx_model_free(m);
}
END_TEST

START_TEST(reaction_stoichiometry_is_net_and_omits_species_that_cancel) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  int sp[8];
  double co[8];
  /* bind: 2 A + C -> B */
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, sp, co, 8), 3);
  ck_assert_int_eq(sp[0], 0);
  ck_assert_double_eq(co[0], -2);
  ck_assert_int_eq(sp[1], 2);
  ck_assert_double_eq(co[1], -1);
  ck_assert_int_eq(sp[2], 1);
  ck_assert_double_eq(co[2], 1);
  /* B <-> A + A: the repeated A is merged into 2 A */
  ck_assert_int_eq(m->reactions[1].reversible, 1);
  ck_assert_int_eq(m->reactions[1].nrhs, 1);
  ck_assert_double_eq(m->reactions[1].rhs[0].coef, 2);
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 1, sp, co, 8), 2);
  ck_assert_double_eq(co[1], 2);
  /* -> D: synthesis */
  ck_assert_int_eq(m->reactions[2].nlhs, 0);
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 2, sp, co, 8), 1);
  ck_assert_int_eq(sp[0], 3);
  /* B -> B + D: B cancels */
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 3, sp, co, 8), 1);
  ck_assert_int_eq(sp[0], 3);
  ck_assert_double_eq(co[0], 1);
  /* max smaller than the count: the total is still returned */
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, sp, co, 1), 3);
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, NULL, NULL, 0), 3);
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 9, sp, co, 8), -1);
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, NULL, co, 8), -1);
  ck_assert_str_eq(muskx_model_reaction_equation(m, 3), "B -> B + D");
  ck_assert_str_eq(muskx_model_reaction_rate(m, 3), "bind / 2");
  ck_assert_ptr_null(muskx_model_reaction_rate(m, 4));
  muskx_model_free(m);
}
END_TEST

START_TEST(event_fields_keep_what_was_written_and_default_the_rest) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  const muskx__event *e = &m->events[0];
  ck_assert_ptr_nonnull(e->at);
  ck_assert_double_eq(e->at->num, 1);
  ck_assert_double_eq(e->every->num, 7);
  ck_assert_int_eq(e->count, 3);
  ck_assert_ptr_null(e->until);
  ck_assert_ptr_null(e->when);
  ck_assert_ptr_null(e->delay);
  ck_assert_int_eq(e->persistent, 1);
  ck_assert_int_eq(e->initial_value, 1);
  ck_assert_int_eq(e->use_trigger_values, 1);
  ck_assert_int_eq(e->nsets, 2);
  ck_assert_int_eq(e->sets[0].target_kind, MUSKX__SYM_SPECIES);
  ck_assert_int_eq(e->sets[0].target, 0);
  ck_assert_int_eq(e->sets[1].target_kind, MUSKX__SYM_PARAM);
  ck_assert_int_eq(e->sets[1].target, 0);
  ck_assert_int_eq(e->sets[0].value->args[1]->sym_kind, MUSKX__SYM_INPUT);
  e = &m->events[1];
  ck_assert_ptr_null(e->at);
  ck_assert_int_eq(e->when->kind, MUSKX__E_GT);
  ck_assert_double_eq(e->delay->num, 1);
  ck_assert_double_eq(e->priority->num, 2);
  ck_assert_int_eq(e->persistent, 0);
  ck_assert_int_eq(e->initial_value, 0);
  ck_assert_int_eq(e->use_trigger_values, 0);
  ck_assert_int_eq(e->count, -1);
  ck_assert_int_eq(e->sets[0].target_kind, MUSKX__SYM_COMPARTMENT);
  e = &m->events[2];
  ck_assert_int_eq(e->every->kind, MUSKX__E_MUL);
  ck_assert_double_eq(e->until->num, 100);
  ck_assert_int_eq(e->count, -1);
  muskx_model_free(m);
}
END_TEST

START_TEST(assign_order_puts_every_dependency_first) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  /* total reads drive; pct reads total; double_pct reads pct. */
  ck_assert_int_eq(m->nassign_order, 5);
  int pos[2][3];
  for (int k = 0; k < m->nassign_order; k++) {
    int kind = m->assign_order[k].kind == MUSKX__SYM_ASSIGNMENT ? 0 : 1;
    pos[kind][m->assign_order[k].index] = k;
  }
  ck_assert_int_lt(pos[0][1], pos[0][0]); /* drive before total */
  ck_assert_int_lt(pos[0][0], pos[1][0]); /* total before pct */
  ck_assert_int_lt(pos[1][0], pos[1][1]); /* pct before double_pct */
  muskx_model_free(m);
  /* Through a reaction rate and a function body: a reads r1, whose rate
     calls f, which reads b. */
  const char *text =
      "muskx: 1\nmodel: {id: m}\nspecies: {X: 1}\n"
      "functions:\n  f(x): x * b\n"
      "assignments:\n  a: 2 * r1\n  b: X + 1\n"
      "reactions:\n  - equation: X ->\n    rate: f(X)\n";
  m = tu_load_text(text, "x.yaml");
  ck_assert_int_eq(m->nassign_order, 2);
  ck_assert_int_eq(m->assign_order[0].index, 1);
  ck_assert_int_eq(m->assign_order[1].index, 0);
  muskx_model_free(m);
}
END_TEST

START_TEST(every_name_resolves_to_its_kind_and_index) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  /* drive: act(A, Kd) * load */
  const muskx__expr *d = m->assignments[1].expr;
  ck_assert_int_eq(d->args[0]->kind, MUSKX__E_CALL);
  ck_assert_int_eq(d->args[0]->builtin, MUSKX__F_NONE);
  ck_assert_int_eq(d->args[0]->sym_index, 1);
  ck_assert_int_eq(d->args[0]->args[0]->sym_kind, MUSKX__SYM_SPECIES);
  ck_assert_int_eq(d->args[0]->args[1]->sym_kind, MUSKX__SYM_PARAM);
  ck_assert_int_eq(d->args[0]->args[1]->sym_index, 2);
  ck_assert_int_eq(d->args[1]->sym_kind, MUSKX__SYM_INPUT);
  /* act body: hill(x, K, 2) * sq(1) */
  const muskx__expr *b = m->functions[1].body;
  ck_assert_int_eq(b->args[0]->builtin, MUSKX__F_HILL);
  ck_assert_int_eq(b->args[0]->args[1]->sym_kind, MUSKX__SYM_FUNARG);
  ck_assert_int_eq(b->args[0]->args[1]->sym_index, 1);
  ck_assert_int_eq(b->args[1]->sym_index, 0);
  /* clock: t + time + pi */
  const muskx__expr *c = m->outputs[2].expr;
  ck_assert_int_eq(c->args[0]->args[0]->sym_kind, MUSKX__SYM_TIME);
  ck_assert_int_eq(c->args[0]->args[1]->sym_kind, MUSKX__SYM_TIME);
  ck_assert_int_eq(c->args[1]->sym_kind, MUSKX__SYM_CONST);
  ck_assert_double_eq_tol(c->args[1]->num, 3.14159265358979, 1e-12);
  /* bind / 2 reads the rate of reaction bind */
  ck_assert_int_eq(m->reactions[3].rate->args[0]->sym_kind, MUSKX__SYM_REACTION);
  ck_assert_int_eq(m->reactions[3].rate->args[0]->sym_index, 0);
  /* total reads the assignment drive; double_pct reads the output pct */
  ck_assert_int_eq(m->assignments[0].expr->args[1]->sym_kind, MUSKX__SYM_ASSIGNMENT);
  ck_assert_int_eq(m->outputs[1].expr->args[1]->sym_kind, MUSKX__SYM_OUTPUT);
  /* compartment volume and species initial values see parameters */
  ck_assert_int_eq(m->compartments[1].volume->args[0]->sym_kind, MUSKX__SYM_PARAM);
  ck_assert_int_eq(m->species[4].initial->args[0]->sym_kind, MUSKX__SYM_COMPARTMENT);
  muskx_model_free(m);
}
END_TEST

START_TEST(find_and_name_at_cover_every_kind) {
  muskx_model *m = tu_load_text(full_model, "x.yaml");
  static const struct {
    muskx_kind kind;
    const char *name;
    int index;
  } cases[] = {
      {MUSKX_SPECIES, "E", 4},       {MUSKX_PARAMETER, "Kd", 2},
      {MUSKX_INPUT, "dose", 1},      {MUSKX_OUTPUT, "double_pct", 1},
      {MUSKX_COMPARTMENT, "bone", 1}, {MUSKX_REACTION, "r4", 3},
      {MUSKX_ASSIGNMENT, "drive", 1}, {MUSKX_EVENT, "e3", 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_assert_int_eq(muskx_model_find(m, cases[i].kind, cases[i].name), cases[i].index);
    ck_assert_str_eq(muskx_model_name_at(m, cases[i].kind, cases[i].index),
                     cases[i].name);
  }
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "E"), -1); /* wrong kind */
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, "nope"), -1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, "sq"), -1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, NULL), -1);
  muskx_model_free(m);
}
END_TEST

START_TEST(queries_with_bad_arguments_return_null_or_minus_one) {
  muskx_model *m = tu_load_text(spec_example, "x.yaml");
  ck_assert_int_eq(muskx_model_count(NULL, MUSKX_SPECIES), -1);
  ck_assert_int_eq(muskx_model_count(m, (muskx_kind)42), -1);
  ck_assert_ptr_null(muskx_model_name_at(m, MUSKX_SPECIES, 3));
  ck_assert_ptr_null(muskx_model_name_at(m, MUSKX_SPECIES, -1));
  ck_assert_ptr_null(muskx_model_unit(m, MUSKX_EVENT, 0));
  ck_assert_ptr_null(muskx_model_doc(NULL, MUSKX_SPECIES, 0));
  ck_assert_ptr_null(muskx_model_reference(m, 1));
  ck_assert_int_eq(muskx_model_reference_count(NULL), -1);
  ck_assert_ptr_null(muskx_model_id(NULL));
  ck_assert_int_eq(muskx_model_find(NULL, MUSKX_SPECIES, "A"), -1);
  ck_assert_ptr_null(muskx_model_reaction_equation(m, -1));
  muskx_model_free(m);
  muskx_model_free(NULL);
}
END_TEST

START_TEST(an_unreadable_file_is_an_io_error_without_a_position) {
  muskx_model *m = (muskx_model *)&m;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file("/no/such/model.yaml", &m, &err), MUSKX_EIO);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(err.line, 0);
  ck_assert_int_eq(err.column, 0);
  ck_assert_str_eq(err.file, "/no/such/model.yaml");
  ck_assert_ptr_nonnull(strstr(err.message, "cannot open '/no/such/model.yaml'"));
  ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
  ck_assert_int_eq(muskx_model_load_file(".", &m, &err), MUSKX_EIO);
  ck_assert_int_eq(muskx_model_load_file(NULL, &m, &err), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_model_load_file("x", NULL, &err), MUSKX_EINVAL);
}
END_TEST

START_TEST(a_file_loads_under_its_path) {
  char path[] = "/tmp/muskx_test_load_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  fputs(spec_example, f);
  fclose(f);
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file(path, &m, &err), MUSKX_OK);
  ck_assert_str_eq(muskx_model_source(m), path);
  ck_assert_str_eq(m->species[0].loc.file, path);
  ck_assert_int_eq(m->species[0].loc.line, 15);
  ck_assert_int_eq(m->species[0].loc.col, 3);
  muskx_model_free(m);
  remove(path);
}
END_TEST

START_TEST(text_is_read_by_length_and_named_string_by_default) {
  char buf[sizeof spec_example + 8];
  memcpy(buf, spec_example, sizeof spec_example - 1);
  memcpy(buf + sizeof spec_example - 1, "junk: [", 8); /* past len */
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(buf, sizeof spec_example - 1, NULL, &m, &err),
                   MUSKX_OK);
  ck_assert_str_eq(muskx_model_source(m), "<string>");
  muskx_model_free(m);
  const char *bad = "muskx: 1\nmodel: {id: m}\nspecies: {A: B}\n";
  ck_assert_int_ne(muskx_model_load_string(bad, strlen(bad), NULL, &m, &err), MUSKX_OK);
  ck_assert_str_eq(err.file, "<string>");
  /* A NULL error pointer is allowed. */
  ck_assert_int_eq(muskx_model_load_string(bad, strlen(bad), NULL, &m, NULL),
                   MUSKX_EMODEL);
  ck_assert_ptr_null(m);
}
END_TEST

START_TEST(model_text_larger_than_16_mib_is_a_limit) {
  size_t n = (size_t)16 * 1024 * 1024 + 1;
  char *big = malloc(n);
  memset(big, ' ', n);
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(big, n, "big.yaml", &m, &err), MUSKX_ELIMIT);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err.message, "model text is larger than 16 MiB");
  char path[] = "/tmp/muskx_test_big_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  fwrite(big, 1, n, f);
  fclose(f);
  ck_assert_int_eq(muskx_model_load_file(path, &m, &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "is larger than 16 MiB"));
  remove(path);
  free(big);
}
END_TEST

START_TEST(positions_inside_quoted_and_block_scalars_point_into_the_file) {
  /* double-quoted: the column counts the quote */
  muskx_error err = refuse(
      "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\n"
      "outputs:\n  y: \"A * RANKLL\"\n");
  ck_assert_int_eq(err.line, 5);
  ck_assert_int_eq(err.column, 11);
  /* literal block: lines and columns of the content */
  err = refuse(
      "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\n"
      "outputs:\n  y: |\n    A +\n      2 * RANKLL\n");
  ck_assert_int_eq(err.line, 7);
  ck_assert_int_eq(err.column, 11);
  ck_assert_str_eq(err.message, "undefined name 'RANKLL' in output 'y'");
  /* single-quoted inside a flow mapping */
  err = refuse(
      "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\n"
      "outputs: {y: 'A + )'}\n");
  ck_assert_int_eq(err.line, 4);
  ck_assert_int_eq(err.column, 19);
}
END_TEST

START_TEST(duplicate_keys_are_found_in_large_sections) {
  size_t n = 5000, cap = n * 24 + 200, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text + len, cap - len, "muskx: 1\nmodel: {id: m}\nparameters:\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, cap - len, "  p%zu: %zu\n", i, i);
  muskx_model *m = tu_load_text(text, "x.yaml");
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 5000);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "p4321"), 4321);
  muskx_model_free(m);
  len += (size_t)snprintf(text + len, cap - len, "  p17: 3\n");
  muskx_error err = refuse(text);
  ck_assert_int_eq(err.line, 5004);
  ck_assert_str_eq(err.message, "duplicate key 'p17' (first at line 21)");
  free(text);
}
END_TEST

START_TEST(parameters_may_call_only_functions_that_see_no_model_names) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: m}\nfunctions:\n  dbl(x): 2 * x\n"
      "parameters:\n  k1: 1\n  k2: dbl(k1) + pi\n", "x.yaml");
  ck_assert_int_eq(m->params[1].value->args[0]->sym_kind, MUSKX__SYM_FUNCTION);
  muskx_model_free(m);
  muskx_error err = refuse(
      "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\nfunctions:\n  withA(x): x * A\n"
      "parameters:\n  k1: withA(2)\n");
  ck_assert_int_eq(err.line, 7);
  ck_assert_int_eq(err.column, 7);
  ck_assert_str_eq(err.message,
                   "function 'withA' uses model names, but value of parameter 'k1' "
                   "may only refer to earlier parameters");
}
END_TEST

START_TEST(a_parameter_cannot_refer_to_itself) {
  muskx_error err = refuse("muskx: 1\nmodel: {id: m}\nparameters:\n  k: 2 * k\n");
  ck_assert_str_eq(err.message, "value of parameter 'k' refers to itself");
  ck_assert_int_eq(err.column, 10);
}
END_TEST

START_TEST(names_of_model_things_hide_the_constants_pi_and_e) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: m}\nspecies: {e: 1}\noutputs: {y: e * pi}\n", "x.yaml");
  ck_assert_int_eq(m->outputs[0].expr->args[0]->sym_kind, MUSKX__SYM_SPECIES);
  ck_assert_int_eq(m->outputs[0].expr->args[1]->sym_kind, MUSKX__SYM_CONST);
  muskx_model_free(m);
}
END_TEST

START_TEST(cycles_among_reaction_rates_alone_are_refused) {
  muskx_error err = refuse(
      "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\nreactions:\n"
      "  - equation: A ->\n    rate: r2\n  - equation: -> A\n    rate: r1\n");
  ck_assert_str_eq(err.message, "cycle among assignments: r1 -> r2 -> r1");
  ck_assert_int_eq(err.line, 5);
}
END_TEST

int main(void) {
  Suite *s = suite_create("load");
  TCase *tc = tcase_create("good models");
  tcase_add_test(tc, the_spec_example_loads_with_its_names_and_counts);
  tcase_add_test(tc, a_full_model_loads_every_section);
  tcase_add_test(tc, units_and_docs_are_empty_strings_when_absent);
  tcase_add_test(tc, defaults_fill_what_the_file_leaves_out);
  tcase_add_test(tc, reaction_stoichiometry_is_net_and_omits_species_that_cancel);
  tcase_add_test(tc, event_fields_keep_what_was_written_and_default_the_rest);
  tcase_add_test(tc, assign_order_puts_every_dependency_first);
  tcase_add_test(tc, every_name_resolves_to_its_kind_and_index);
  tcase_add_test(tc, find_and_name_at_cover_every_kind);
  tcase_add_test(tc, queries_with_bad_arguments_return_null_or_minus_one);
  tcase_add_test(tc, an_unreadable_file_is_an_io_error_without_a_position);
  tcase_add_test(tc, a_file_loads_under_its_path);
  tcase_add_test(tc, text_is_read_by_length_and_named_string_by_default);
  tcase_add_test(tc, model_text_larger_than_16_mib_is_a_limit);
  tcase_add_test(tc, positions_inside_quoted_and_block_scalars_point_into_the_file);
  tcase_add_test(tc, duplicate_keys_are_found_in_large_sections);
  tcase_add_test(tc, parameters_may_call_only_functions_that_see_no_model_names);
  tcase_add_test(tc, a_parameter_cannot_refer_to_itself);
  tcase_add_test(tc, names_of_model_things_hide_the_constants_pi_and_e);
  tcase_add_test(tc, cycles_among_reaction_rates_alone_are_refused);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
