/*
 * scenario_query.c -- the read-only accessors of a loaded scenario
 * (muskx-scenario(5), muskx.h): header fields, phases, reports, and an
 * input's baseline after the scenario's `set:` values. Split from the
 * loader (scenario.c), which builds the struct these functions read.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

const muskx_model *muskx_scenario_model(const muskx_scenario *sc) {
  return sc ? sc->model : NULL;
}
const char *muskx_scenario_id(const muskx_scenario *sc) {
  return sc ? sc->id : NULL;
}
const char *muskx_scenario_name(const muskx_scenario *sc) {
  return sc ? sc->name : NULL;
}
const char *muskx_scenario_description(const muskx_scenario *sc) {
  return sc ? sc->description : NULL;
}
const char *muskx_scenario_source(const muskx_scenario *sc) {
  return sc ? sc->source : NULL;
}
int muskx_scenario_reference_count(const muskx_scenario *sc) {
  return sc ? sc->nrefs : -1;
}
const char *muskx_scenario_reference(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nrefs ? sc->refs[i] : NULL;
}
const char *muskx_scenario_errmsg(const muskx_scenario *sc) {
  return sc ? sc->errmsg : "";
}

int muskx_scenario_phase_count(const muskx_scenario *sc) {
  return sc ? sc->nphases : -1;
}
const char *muskx_scenario_phase_name(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nphases ? sc->phases[i].name : NULL;
}
double muskx_scenario_phase_start(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nphases ? sc->phases[i].start : NAN;
}
double muskx_scenario_phase_end(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nphases ? sc->phases[i].end : NAN;
}
int muskx_scenario_recovery_phase(const muskx_scenario *sc) {
  return sc ? sc->recovery_from : -1;
}
double muskx_scenario_t_end(const muskx_scenario *sc) {
  return sc ? sc->phases[sc->nphases - 1].end : NAN;
}
double muskx_scenario_dt(const muskx_scenario *sc) { return sc ? sc->dt : NAN; }
int muskx_scenario_report_count(const muskx_scenario *sc) {
  return sc ? sc->nreports : -1;
}
const char *muskx_scenario_report_name(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nreports ? sc->reports[i].name : NULL;
}
int muskx_scenario_report_show(const muskx_scenario *sc, int i) {
  return sc && i >= 0 && i < sc->nreports ? (int)sc->reports[i].show : -1;
}

double muskx__sc_input_baseline(const muskx_scenario *sc, int input) {
  const char *name = muskx_model_name_at(sc->model, MUSKX_INPUT, input);
  /* the LAST entry of a name: muskx_scenario_run_with() and the ensemble's
     samples append theirs after the file's, and later entries win (as
     muskx_sim_set() applies them in order, scenario_expand.c) */
  for (int i = sc->nsets; i-- > 0;)
    if (strcmp(sc->sets[i].name, name) == 0) return sc->sets[i].value;
  return muskx_model_default(sc->model, MUSKX_INPUT, input);
}

/* Phase p's value of table t, when the phase (or a countermeasure in it)
   gives one; t NULL or no value: 0. */
static int phase_gives(const muskx__sc_input *t, int p, double *v) {
  if (t == NULL || !t->explicit_[p]) return 0;
  *v = t->values[p];
  return 1;
}

int muskx__sc_gives(const muskx_scenario *sc, const char *name, char *where,
                    size_t n) {
  for (int i = sc->nsets; i-- > 0;)
    if (strcmp(sc->sets[i].name, name) == 0) {
      snprintf(where, n, "sets it to %g (its set:, or --set / "
               "muskx_scenario_set())", sc->sets[i].value);
      return 1;
    }
  const muskx__sc_input *t = NULL;
  int p = muskx_model_find(sc->model, MUSKX_PARAMETER, name);
  for (int i = 0; p >= 0 && t == NULL && i < sc->nparam_tables; i++)
    if (sc->param_tables[i].input == p) t = &sc->param_tables[i];
  int in = muskx_model_find(sc->model, MUSKX_INPUT, name);
  for (int i = 0; in >= 0 && t == NULL && i < sc->ninputs; i++)
    if (sc->inputs[i].input == in) t = &sc->inputs[i];
  /* a name some phases leave alone takes the draw there (the baseline
     of those phases, session 25): only one every phase gives is lost */
  double v0 = 0;
  for (int ph = 0; ph < sc->nphases; ph++) {
    double v;
    if (!phase_gives(t, ph, &v)) return 0;
    if (ph == 0) v0 = v;
  }
  snprintf(where, n, "gives it in every phase (%g in '%s'%s; the phases' "
           "inputs:, or a countermeasure)",
           v0, sc->phases[0].name, sc->nphases > 1 ? ", ..." : "");
  return 2;
}
