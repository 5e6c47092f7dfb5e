/*
 * phase_point.c -- NAME@WHEN (phase_point.h): the column must be one the
 * scenario's model has (species or output); WHEN a phase, `landing`,
 * `end`, or a day within the mission.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phase_point.h"

/* The day WHEN names, or NAN. */
static double when_day(const muskx_scenario *sc, const char *w, size_t len) {
  int np = muskx_scenario_phase_count(sc);
  for (int i = 0; i < np; i++) {
    const char *name = muskx_scenario_phase_name(sc, i);
    if (strlen(name) == len && strncmp(name, w, len) == 0)
      return muskx_scenario_phase_end(sc, i);
  }
  if (len == 7 && strncmp(w, "landing", 7) == 0) {
    int r = muskx_scenario_recovery_phase(sc);
    return r >= 0 ? muskx_scenario_phase_end(sc, r) : NAN;
  }
  if (len == 3 && strncmp(w, "end", 3) == 0) return muskx_scenario_t_end(sc);
  char buf[64], *e;
  if (len == 0 || len >= sizeof buf) return NAN;
  memcpy(buf, w, len);
  buf[len] = '\0';
  double d = strtod(buf, &e);
  if (*e != '\0' || !(d >= 0 && d <= muskx_scenario_t_end(sc))) return NAN;
  return d;
}

int cli_phase_point_parse(const cli_command *self, const muskx_scenario *sc,
                          const char *s, const char *stop,
                          cli_phase_point *out, const char **rest) {
  const char *at = strchr(s, '@');
  memset(out, 0, sizeof *out);
  out->arg = s;
  if (at == NULL || at == s)
    return cli_usage_error(self, "'%s': expected NAME@PHASE (a column, then "
                           "a phase name, landing, end or a day)", s);
  size_t nlen = (size_t)(at - s);
  const char *w = at + 1;
  size_t wlen = strcspn(w, stop);
  out->name = malloc(nlen + 1);
  if (out->name == NULL) return CLI_EXIT_FAIL;
  memcpy(out->name, s, nlen);
  out->name[nlen] = '\0';
  const muskx_model *m = muskx_scenario_model(sc);
  if (muskx_model_find(m, MUSKX_SPECIES, out->name) < 0 &&
      muskx_model_find(m, MUSKX_OUTPUT, out->name) < 0)
    return cli_usage_error(self, "'%s': '%s' is not a species or output of "
                           "model '%s'", s, out->name, muskx_model_id(m));
  out->day = when_day(sc, w, wlen);
  if (isnan(out->day)) {
    int np = muskx_scenario_phase_count(sc);
    return cli_usage_error(self, "'%s': '%.*s' is not a phase (%s%s), "
                           "landing, end, or a day in [0, %g]", s, (int)wlen,
                           w, np > 0 ? muskx_scenario_phase_name(sc, 0) : "",
                           np > 1 ? ", ..." : "", muskx_scenario_t_end(sc));
  }
  if (rest != NULL) *rest = w + wlen;
  return 0;
}
