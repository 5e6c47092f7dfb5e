/*
 * scenario_query.c -- the read-only accessors of a loaded scenario
 * (muskx-scenario(5), muskx.h): header fields, phases, reports, and an
 * input's baseline after the scenario's `set:` values. Split from the
 * loader (scenario.c), which builds the struct these functions read.
 */
#include <math.h>
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
