/*
 * phase_point.h -- NAME@WHEN, a reported column at one time of a scenario,
 * as `muskx gsa --output` and `muskx ensemble --threshold` take it. WHEN
 * is a phase name (the end of that phase), `landing` (the end of the phase
 * that starts recovery), `end` (the end of the mission), or a day number.
 */
#ifndef MUSKX_PHASE_POINT_H
#define MUSKX_PHASE_POINT_H

#include "cli.h"

typedef struct cli_phase_point {
  const char *arg; /* as given */
  char *name;      /* owned: the column */
  double day;      /* scenario time, days */
} cli_phase_point;

/*
 * Parses the NAME@WHEN at the start of s into *out (name malloc'ed);
 * *rest is set just past WHEN, which ends at the first character of
 * `stop` (or the end). 0, or an exit status after a usage error.
 */
int cli_phase_point_parse(const cli_command *self, const muskx_scenario *sc,
                          const char *s, const char *stop,
                          cli_phase_point *out, const char **rest);

#endif
