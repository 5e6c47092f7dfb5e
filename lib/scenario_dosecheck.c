/*
 * scenario_dosecheck.c -- a scenario's drugs against the model's own dose
 * events and agent declarations (review rev27u H2, L1):
 *
 *  - a built-in dose parameter: a parameter that one of the model's events
 *    adds to an agent's depot in proportion to (denosumab.yaml's
 *    denosumab_dose: Dmab_depot += F_dmab*dmab_dose every 182.5 d from
 *    dmab_start). Setting it non-zero in a scenario switches on that
 *    regimen on its own schedule, whatever the phases say, on top of any
 *    `drug:` entry (scenario.c: a warning, refused with a `drug:` entry
 *    of the same agent);
 *  - the bioavailability of an agent's route, which the long form (with
 *    `target:`) does not apply (scenario.c: a warning).
 * muskx__sc_builtin_rule() holds the rule for the built-in dose and words
 * its warning and refusal, for every path that gives a scenario a value:
 * its `set:` and a phase's `inputs:` at load (scenario.c,
 * check_builtin_doses), muskx_scenario_set() (the CLI's --set), the
 * extra sets of muskx_scenario_run_with() and
 * muskx_scenario_start_warning_with() (Python run_scenario(sc, set=)),
 * and an ensemble's samples over a scenario (--vary, --params-csv;
 * ensemble_scenario.c). scenario.c words the bioavailability message.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "scenario.h"
#include "textcase.h"

/* 1 when expression e depends on parameter p: names it, or names a
   parameter whose value is an expression that does (an import's bound
   parameter: dmab.dmab_dose is `dmab_dose` of the importing file). depth
   bounds the chain (values name earlier parameters only, so it ends). */
static int names_param(const muskx_model *m, const muskx__expr *e, int p,
                       int depth) {
  if (e == NULL || depth > 64) return 0;
  if (e->kind == MUSKX__E_NAME && e->sym_kind == MUSKX__SYM_PARAM) {
    if (e->sym_index == p) return 1;
    if (e->sym_index >= 0 && e->sym_index < m->nparams)
      return names_param(m, m->params[e->sym_index].value, p, depth + 1);
  }
  for (int i = 0; i < e->nargs; i++)
    if (names_param(m, e->args[i], p, depth)) return 1;
  return 0;
}

int muskx__sc_builtin_dose(const muskx_model *m, int p, int *event,
                           int *depot) {
  for (int a = 0; a < m->nagents; a++) {
    const muskx__agent *ag = &m->agents[a];
    for (int r = 0; r < ag->nroutes; r++) {
      const muskx__agent_route *rt = &ag->routes[r];
      /* the bioavailability is no dose (nor a parameter it is bound to) */
      if (rt->f_param == p ||
          (rt->f_param >= 0 &&
           names_param(m, m->params[rt->f_param].value, p, 0)))
        continue;
      for (int e = 0; e < m->nevents; e++) {
        const muskx__event *ev = &m->events[e];
        for (int s = 0; s < ev->nsets; s++) {
          const muskx__event_set *set = &ev->sets[s];
          if (set->target_kind != MUSKX__SYM_SPECIES ||
              set->target != rt->depot || !names_param(m, set->value, p, 0))
            continue;
          *event = e;
          *depot = rt->depot;
          return a;
        }
      }
    }
  }
  return -1;
}

int muskx__sc_agent_has_depot(const muskx_model *m, int a, int species) {
  if (a < 0 || a >= m->nagents) return 0;
  for (int r = 0; r < m->agents[a].nroutes; r++)
    if (m->agents[a].routes[r].depot == species) return 1;
  return 0;
}

int muskx__sc_dropped_bioavailability(const muskx_model *m, const char *agent,
                                      int species, const char **route,
                                      int *f_param, double *f_number) {
  for (int a = 0; a < m->nagents; a++) {
    const muskx__agent *ag = &m->agents[a];
    if (!muskx__same_ignoring_case(ag->name, agent)) continue;
    for (int r = 0; r < ag->nroutes; r++) {
      const muskx__agent_route *rt = &ag->routes[r];
      if (rt->depot != species || (rt->f_param < 0 && rt->f_number == 1.0))
        continue;
      *route = rt->route;
      *f_param = rt->f_param;
      *f_number = rt->f_number;
      return 1;
    }
  }
  return 0;
}

int muskx__sc_dose_of_agent(const muskx_scenario *sc, int a) {
  for (int d = 0; d < sc->ndoses; d++) {
    int sp = muskx_model_find(sc->model, MUSKX_SPECIES, sc->doses[d].target);
    if (muskx__sc_agent_has_depot(sc->model, a, sp)) return d;
  }
  return -1;
}

int muskx__sc_builtin_rule(const muskx_scenario *sc, const char *name,
                           double v, const char *how, int line, int col,
                           char *msg, size_t size) {
  const muskx_model *m = sc->model;
  int p = muskx_model_find(m, MUSKX_PARAMETER, name), ev = 0, depot = 0;
  if (size > 0) msg[0] = '\0';
  if (p < 0 || v == 0) return 0;
  int a = muskx__sc_builtin_dose(m, p, &ev, &depot);
  if (a < 0) return 0;
  const char *agent = m->agents[a].name;
  const char *evid = m->events[ev].id ? m->events[ev].id : "";
  const char *dname = muskx_model_name_at(m, MUSKX_SPECIES, depot);
  const char *file = sc->source ? sc->source : "";
  int d = muskx__sc_dose_of_agent(sc, a);
  if (d >= 0) {
    snprintf(msg, size,
             "%s %s = %g switches on the model's own %s regimen (event '%s' "
             "doses '%s' on its own schedule, whatever the phases say), and "
             "the drug entry at %s:%d:%d gives %s as well: the two would add "
             "up. Give the regimen once: leave %s at 0 there and keep the "
             "drug entry (its dose:, every: and count: give the regimen)",
             how, name, v, agent, evid, dname, file, sc->doses[d].line,
             sc->doses[d].col, agent, name);
    return -1;
  }
  char pos[MUSKX_ERROR_FILE_MAX + 32];
  if (line > 0)
    snprintf(pos, sizeof pos, "%s:%d:%d", file, line, col);
  else
    snprintf(pos, sizeof pos, "%s", file);
  snprintf(msg, size,
           "%s: warning: %s %s = %g switches on the model's own %s regimen "
           "(event '%s' doses '%s' on its own schedule from day 0 or its "
           "start parameter, whatever the phases say); a scenario gives a "
           "drug with a 'drug:' entry (e.g. drug: {agent: %s, dose: ..., "
           "start: PHASE, every: ..., count: ...}) and leaves %s at 0",
           pos, how, name, v, agent, evid, dname, agent, name);
  return 1;
}

int muskx__sc_builtin_rule_sets(const muskx_scenario *sc, int n,
                                const char *const *names,
                                const double *values, const char *how,
                                char *warning, size_t wsize, char *why,
                                size_t size) {
  if (wsize > 0) warning[0] = '\0';
  if (size > 0) why[0] = '\0';
  for (int i = 0; i < n; i++) {
    int later = 0; /* a later entry of the name wins: only it counts */
    for (int j = i + 1; j < n && !later; j++)
      later = strcmp(names[j], names[i]) == 0;
    if (later) continue;
    char buf[sizeof sc->builtin_warning];
    int r = muskx__sc_builtin_rule(sc, names[i], values[i], how, 0, 0, buf,
                                   sizeof buf);
    if (r < 0) {
      snprintf(why, size, "%s", buf);
      return -1;
    }
    if (r > 0 && wsize > 0 && warning[0] == '\0')
      snprintf(warning, wsize, "%s", buf);
  }
  return 0;
}
