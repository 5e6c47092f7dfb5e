/*
 * scenario_params.c -- scenario phases that drive a parameter of the model
 * (issue 18: SBML models declare no inputs, yet a phase may change, e.g.,
 * a RANKL infusion rate). A name under a phase's `inputs:` that is not an
 * input of the model but one of its parameters becomes a step input made
 * on the fly: one value per phase, the parameter's baseline (its `set`
 * value, else the model's default) in phases that give none, applied at
 * each phase start by the solver (param_steps.c). The checks are an
 * input's: a known name, a finite number, and also the parameter's
 * declared bounds (min/max).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "model.h"
#include "scenario.h"
#include "sim.h"

muskx__sc_input *muskx__sc_param_table(muskx_scenario *sc, int param) {
  for (int i = 0; i < sc->nparam_tables; i++)
    if (sc->param_tables[i].input == param) return &sc->param_tables[i];
  muskx__sc_input *t = muskx__reallocarray(sc->param_tables,
                                           (size_t)sc->nparam_tables + 1, sizeof *t);
  if (t == NULL) return NULL;
  sc->param_tables = t;
  t = &sc->param_tables[sc->nparam_tables];
  t->input = param;
  t->values = muskx__calloc((size_t)sc->nphases, sizeof *t->values);
  t->explicit_ = muskx__calloc((size_t)sc->nphases, 1);
  sc->nparam_tables++; /* counted now, so a failure below still frees both */
  if (t->values == NULL || t->explicit_ == NULL) return NULL;
  return t;
}

const char *muskx__sc_param_check(const muskx_scenario *sc, int param, double v,
                                  char *buf, size_t size) {
  const muskx__param *pa = &sc->model->params[param];
  if (!isfinite(v)) return "is not finite";
  if (v < pa->min || v > pa->max) {
    snprintf(buf, size, "lies outside the bounds [%g, %g] of parameter '%s'",
             pa->min, pa->max, pa->name);
    return buf;
  }
  return NULL;
}

const char *muskx__sc_input_check(const muskx_scenario *sc, int input,
                                  double v, char *buf, size_t size) {
  const muskx__input *in = &sc->model->inputs[input];
  if (!isfinite(v)) return "is not finite";
  if ((in->has_min && v < in->min) || (in->has_max && v > in->max)) {
    char lo[32] = "-inf", hi[32] = "inf";
    if (in->has_min) snprintf(lo, sizeof lo, "%g", in->min);
    if (in->has_max) snprintf(hi, sizeof hi, "%g", in->max);
    snprintf(buf, size,
             "lies outside the range [%s, %s] that the model declares for "
             "input '%s'%s%s", lo, hi, in->name, in->doc && in->doc[0] ? " ("
             : "", in->doc && in->doc[0] ? in->doc : "");
    if (in->doc && in->doc[0]) {
      size_t n = strlen(buf);
      if (n + 1 < size) {
        buf[n] = ')';
        buf[n + 1] = '\0';
      }
    }
    return buf;
  }
  return NULL;
}

void muskx__sc_param_tables_free(muskx_scenario *sc) {
  for (int i = 0; i < sc->nparam_tables; i++) {
    muskx__free(sc->param_tables[i].values);
    muskx__free(sc->param_tables[i].explicit_);
  }
  muskx__free(sc->param_tables);
  sc->param_tables = NULL;
  sc->nparam_tables = 0;
}

/* The value of parameter p before the phases: its `set` value, else the
   model's default. */
static double baseline(const muskx_scenario *sc, int p) {
  const char *name = muskx_model_name_at(sc->model, MUSKX_PARAMETER, p);
  /* the LAST entry of a name: muskx_scenario_run_with() and the ensemble's
     samples append theirs after the file's, and later entries win (as
     muskx_sim_set() applies them in order, scenario_expand.c) */
  for (int i = sc->nsets; i-- > 0;)
    if (strcmp(sc->sets[i].name, name) == 0) return sc->sets[i].value;
  return muskx_model_default(sc->model, MUSKX_PARAMETER, p);
}

muskx_status muskx__sc_apply_params(const muskx_scenario *sc, muskx_sim *sim) {
  if (sc->nparam_tables == 0) return MUSKX_OK;
  int n = sc->nphases;
  double *times = muskx__calloc((size_t)n, sizeof *times);
  double *values = muskx__calloc((size_t)n, sizeof *values);
  muskx_status st = MUSKX_OK;
  if (times == NULL || values == NULL)
    st = muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
  for (int p = 0; p < n && st == MUSKX_OK; p++)
    times[p] = muskx__sc_to_model_time(sc, sc->phases[p].start);
  for (int i = 0; i < sc->nparam_tables && st == MUSKX_OK; i++) {
    const muskx__sc_input *tb = &sc->param_tables[i];
    double base = baseline(sc, tb->input);
    for (int p = 0; p < n; p++) values[p] = tb->explicit_[p] ? tb->values[p] : base;
    st = muskx__sim_param_steps(sim, tb->input, times, values, (size_t)n);
  }
  muskx__free(times);
  muskx__free(values);
  return st;
}
