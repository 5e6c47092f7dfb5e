/*
 * model_agents.c -- the public queries of a model's `agents:` (muskx.h;
 * loaded by load_agents.c).
 */
#include <stddef.h>

#include "model.h"

static const muskx__agent *agent_at(const muskx_model *m, int i) {
  return m != NULL && i >= 0 && i < m->nagents ? &m->agents[i] : NULL;
}

int muskx_model_agent_count(const muskx_model *m) {
  return m != NULL ? m->nagents : -1;
}

const char *muskx_model_agent_name(const muskx_model *m, int agent) {
  const muskx__agent *a = agent_at(m, agent);
  return a != NULL ? a->name : NULL;
}

const char *muskx_model_agent_dose_unit(const muskx_model *m, int agent) {
  const muskx__agent *a = agent_at(m, agent);
  return a != NULL ? a->dose_unit : NULL;
}

int muskx_model_agent_route_count(const muskx_model *m, int agent) {
  const muskx__agent *a = agent_at(m, agent);
  return a != NULL ? a->nroutes : -1;
}

const char *muskx_model_agent_route(const muskx_model *m, int agent, int route,
                                    int *depot, int *f_param, double *f_number,
                                    double *per_dose_unit) {
  const muskx__agent *a = agent_at(m, agent);
  if (a == NULL || route < 0 || route >= a->nroutes) return NULL;
  const muskx__agent_route *r = &a->routes[route];
  if (depot != NULL) *depot = r->depot;
  if (f_param != NULL) *f_param = r->f_param;
  if (f_number != NULL) *f_number = r->f_number;
  if (per_dose_unit != NULL) *per_dose_unit = r->per_dose_unit;
  return r->route;
}
