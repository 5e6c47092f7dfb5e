/*
 * sbml_import_units.c -- the model's time unit from SBML (issue 18): Level
 * 3 `timeUnits` (a base unit or a unitDefinition id); Level 1-2 a
 * unitDefinition with the id `time` that redefines the built-in unit (as
 * many BioModels files do), else the built-in default, the second. A unit
 * that is a power of ten and a multiple of the second becomes the name a
 * scenario converts from (s, min, h, d, week, year = 365.25 d); any other
 * is written as unit text (sbml_import_unit_text.c: "ms", "(0.5*s)"),
 * which scenarios read when it is a time, or, when it cannot be, keeps
 * its SBML id, which scenarios then refuse with that name.
 */
#include "sbml_import.h"

/* Seconds in one `def` when it is k seconds (one unit of kind second,
   exponent 1); 0 otherwise. */
static double seconds_of(UnitDefinition_t *def) {
  if (def == NULL || UnitDefinition_getNumUnits(def) != 1) return 0;
  Unit_t *u = UnitDefinition_getUnit(def, 0);
  if (Unit_getKind(u) != UNIT_KIND_SECOND || Unit_getExponentAsDouble(u) != 1)
    return 0;
  double k = Unit_getMultiplier(u) * pow(10.0, Unit_getScale(u));
  return isfinite(k) && k > 0 ? k : 0;
}

static const char *name_of_seconds(double k) {
  static const struct {
    double seconds;
    const char *name;
  } known[] = {{1, "s"},          {60, "min"},         {3600, "h"},
               {86400, "d"},      {604800, "week"},    {31557600, "year"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (fabs(k - known[i].seconds) <= 1e-9 * known[i].seconds) return known[i].name;
  return NULL;
}

const char *muskx__sbml_time_unit(tr *T) {
  Model_t *m = T->m;
  const char *id = NULL;
  if (T->level >= 3) {
    if (!Model_isSetTimeUnits(m)) return NULL;
    id = Model_getTimeUnits(m);
    if (strcmp(id, "second") == 0) return "s";
  } else {
    id = "time";
  }
  UnitDefinition_t *def = Model_getUnitDefinitionById(m, id);
  if (def == NULL) return T->level >= 3 ? id : "s"; /* L1-L2: the default */
  const char *name = name_of_seconds(seconds_of(def));
  /* another time (ms, 12 h) as unit text scenarios read (msec, 12*h) */
  return name ? name
              : muskx__sbml_unit_id_text(T, id, T->time_unit_text,
                                         sizeof T->time_unit_text);
}
