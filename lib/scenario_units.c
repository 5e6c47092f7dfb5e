/*
 * scenario_units.c -- scenarios on models in any time unit (issue 18). A
 * scenario's times are days; a model's `time_unit` may be seconds,
 * minutes, hours, days, weeks or years (SBML models: sbml_import_units.c).
 * The scenario converts where it drives a simulation (phase starts, doses,
 * driven parameters, sample times: scenario_expand.c, scenario_params.c,
 * ensemble.c); what it reports stays in days.
 */
#include <string.h>

#include "scenario.h"
#include "unit_parse.h"

/* Days in one model time unit, by the unit's name, else as the unit
   parser reads it (msec, 1/1000 s, 12 h); 0 when it is not a time. */
double muskx__sc_model_unit_days(const char *unit) {
  static const struct {
    const char *name;
    double days;
  } units[] = {
      {"s", 1.0 / 86400},      {"sec", 1.0 / 86400},    {"second", 1.0 / 86400},
      {"seconds", 1.0 / 86400}, {"min", 1.0 / 1440},    {"minute", 1.0 / 1440},
      {"minutes", 1.0 / 1440},  {"h", 1.0 / 24},        {"hr", 1.0 / 24},
      {"hour", 1.0 / 24},       {"hours", 1.0 / 24},    {"d", 1.0},
      {"day", 1.0},             {"days", 1.0},          {"week", 7.0},
      {"weeks", 7.0},           {"wk", 7.0},            {"year", 365.25},
      {"years", 365.25},        {"yr", 365.25},         {"a", 365.25},
  };
  for (size_t i = 0; unit != NULL && i < sizeof units / sizeof units[0]; i++)
    if (strcmp(unit, units[i].name) == 0) return units[i].days;
  static const int time[MUSKX__UNIT_NBASE] = {1, 0, 0, 0};
  return unit == NULL ? 0 : muskx__unit_scale_as(unit, strlen(unit), time) / 86400;
}

double muskx__sc_to_model_time(const muskx_scenario *sc, double days) {
  return sc->model_unit_days == 1.0 || sc->model_unit_days == 0
             ? days : days / sc->model_unit_days;
}
