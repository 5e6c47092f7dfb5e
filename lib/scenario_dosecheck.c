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
 * Only names are looked at here; scenario.c words the messages.
 */
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
