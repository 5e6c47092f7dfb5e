/*
 * scenario_drug.c -- where a scenario's drug dose goes, and how much of it
 * (muskx-scenario(5), "drug"): the species it is added to, the amount in
 * that species' unit, and the bioavailability the model declares.
 *
 * Three forms, tried in this order:
 *  1. long form, `target: SPECIES`: the dose goes into that species,
 *     converted from the dose's unit to the species' unit; the model's
 *     agent declarations are not used (bioavailability 1 unless the
 *     entry gives one). This is how scenarios were written before agents.
 *  2. short form, the model declares the agent (`agents:`, load_agents.c):
 *     the route picks the depot and bioavailability; the dose is converted
 *     to the agent's dose_unit (a bare number is in it) and then to depot
 *     amount with the route's per_dose_unit.
 *  3. neither: the species AGENT_depot (sc, im), AGENT_central (iv) or
 *     AGENT_gut (oral), when the model has it. When it has not, the error
 *     lists the agents the model does know.
 * An agent name in another case (Denosumab) is the agent that matches it,
 * tried after 2 and 3: only when no agent is named exactly and the name's
 * species of form 3 does not exist (both is refused as ambiguous, as are
 * two agents matching).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dose_units.h"
#include "error.h"
#include "model.h"
#include "scenario.h"
#include "textcase.h"
#include "yamltree.h"

/* Longer than any model name (load.h: 17 prefixes of 255 characters). */
#define MUSKX__LONGEST_NAME 4608

static muskx_status fail(muskx_error *err, const char *file,
                         const muskx__yaml_node *n, muskx_status st,
                         const char *fmt, ...) MUSKX__PRINTF(5, 6);

static muskx_status fail(muskx_error *err, const char *file,
                         const muskx__yaml_node *n, muskx_status st,
                         const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  muskx__loc loc = {file, n ? n->line : 0, n ? n->col : 0};
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return muskx__seterr(err, st, &loc, "%s", msg);
}

/* "a, b, c" into buf, cut with "..." when it does not fit. */
static void join(char *buf, size_t size, int n, const char *(*name)(const void *, int),
                 const void *ctx) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                     name(ctx, i));
    if (w < 0 || (size_t)w >= size - used) {
      if (size > 4) snprintf(buf + (used < size - 4 ? used : size - 4), 4,
                             "...");
      return;
    }
    used += (size_t)w;
  }
}

static const char *agent_name(const void *m, int i) {
  return ((const muskx_model *)m)->agents[i].name;
}
static const char *route_name(const void *a, int i) {
  return ((const muskx__agent *)a)->routes[i].route;
}

/* The agent named exactly name, or NULL. */
static const muskx__agent *find_agent(const muskx_model *m, const char *name) {
  for (int i = 0; i < m->nagents; i++)
    if (strcmp(m->agents[i].name, name) == 0) return &m->agents[i];
  return NULL;
}

/* How many agents' names differ from name only in case ("Denosumab");
   the first of them in *which (NULL when none). */
static int agents_in_case(const muskx_model *m, const char *name,
                          const muskx__agent **which) {
  int n = 0;
  *which = NULL;
  for (int i = 0; i < m->nagents; i++)
    if (muskx__same_ignoring_case(m->agents[i].name, name)) {
      if (n++ == 0) *which = &m->agents[i];
    }
  return n;
}

/* The names of the agents that differ from name only in case, for a
   message: "a, b", cut with "..." when it does not fit. */
static void case_list(const muskx_model *m, const char *name, char *buf,
                      size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < m->nagents && used < size; i++)
    if (muskx__same_ignoring_case(m->agents[i].name, name)) {
      int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                       m->agents[i].name);
      if (w < 0 || (size_t)w >= size - used) {
        if (size > 4) snprintf(buf + size - 4, 4, "...");
        return;
      }
      used += (size_t)w;
    }
}

/* The route a clinical spelling means, in any case: SC, s.c., SQ, subq,
   s.c, sub-q, subcut, subcutaneous, subcutaneously; IV, i.v., i.v,
   intravenous, intravenously; IM, i.m., i.m, intramuscular,
   intramuscularly; PO, p.o., p.o, per os, by mouth, oral, orally (the
   adverbs are how labels write it: "210 mg subcutaneously once monthly",
   Evenity; session 22). NULL for anything else. A route is
   matched as written first, so a model may still declare any of these
   as a route of its own. */
static const struct {
  const char *alias, *route;
} route_aliases[] = {{"sc", "sc"},          {"s.c.", "sc"},
                     {"sq", "sc"},          {"subq", "sc"},
                     {"subcut", "sc"},      {"subcutaneous", "sc"},
                     {"iv", "iv"},          {"i.v.", "iv"},
                     {"intravenous", "iv"}, {"im", "im"},
                     {"i.m.", "im"},        {"intramuscular", "im"},
                     {"oral", "oral"},      {"po", "oral"},
                     {"p.o.", "oral"},      {"per os", "oral"},
                     {"by mouth", "oral"},  {"s.c", "sc"},
                     {"sub-q", "sc"},       {"subcutaneously", "sc"},
                     {"i.v", "iv"},         {"intravenously", "iv"},
                     {"i.m", "im"},         {"intramuscularly", "im"},
                     {"p.o", "oral"},       {"orally", "oral"}};
#define NALIASES ((int)(sizeof route_aliases / sizeof route_aliases[0]))

static const char *route_alias(const char *text) {
  for (int i = 0; i < NALIASES; i++)
    if (muskx__same_ignoring_case(route_aliases[i].alias, text))
      return route_aliases[i].route;
  return NULL;
}

static const char *legacy_suffix(const char *text);

/* What a route's "did you mean" may offer (route_word()). */
typedef struct {
  const muskx__agent *a; /* its declared routes; NULL: none */
  int fixed;             /* the fixed routes sc, im, iv, oral count too */
  /* with fixed, a fixed route counts only when species AGENT_SUFFIX
     (legacy_suffix()) exists, AGENT this name; NULL: every one counts
     (the dose has a target:) */
  const muskx_model *m;
  const char *agent;
} route_cands;

/* The candidates of a route's "did you mean": c's agent's declared routes,
   then the clinical spellings in letters alone (sc, subcut, oral,
   intravenously; not s.c., per os: their near typos would tie with sc and
   po) of a route the agent declares or, with fixed, of a fixed route
   whose species the model has (an undeclared agent's orl is not told
   'oral' when the model has no AGENT_gut; session 27 review L1). */
static const char *route_word(const void *cands, int i) {
  const route_cands *c = cands;
  const muskx__agent *a = c->a;
  int nr = a != NULL ? a->nroutes : 0;
  if (i < nr) return a->routes[i].route;
  const char *w = route_aliases[i - nr].alias, *r = route_aliases[i - nr].route;
  if (strcspn(w, ". -") != strlen(w)) return NULL;
  for (int k = 0; k < nr; k++)
    if (strcmp(a->routes[k].route, r) == 0) return w;
  if (!c->fixed) return NULL;
  if (c->m == NULL) return w;
  char sp[2 * MUSKX__LONGEST_NAME];
  snprintf(sp, sizeof sp, "%s_%s", c->agent, legacy_suffix(r));
  return muskx_model_find(c->m, MUSKX_SPECIES, sp) >= 0 ? w : NULL;
}

/* ": did you mean 'R'?" for route text, or "" (route_word()). */
static const char *near_route(const route_cands *c, const char *text,
                              char *buf, size_t size) {
  int n = (c->a != NULL ? c->a->nroutes : 0) + NALIASES;
  /* what NULL: routes are matched in any case (agent_route(),
     route_alias()), so near never differs from text only in case (two
     declared routes that do, sc and SC, tie: no suggestion) */
  return muskx__sc_suggest(buf, size, text,
                           muskx__sc_near_in(text, n, route_word, c), NULL);
}

/* Agent a's route written text: as written; else the one route it
   declares that differs from text only in case (a model declaring sc and
   sq doses sq for SQ); else the route its clinical spelling means
   (route_alias); NULL when none is declared. */
static const muskx__agent_route *agent_route(const muskx__agent *a,
                                             const char *text) {
  for (int i = 0; i < a->nroutes; i++)
    if (strcmp(a->routes[i].route, text) == 0) return &a->routes[i];
  const muskx__agent_route *c = NULL;
  int nc = 0;
  for (int i = 0; i < a->nroutes; i++)
    if (muskx__same_ignoring_case(a->routes[i].route, text)) {
      c = &a->routes[i];
      nc++;
    }
  if (nc == 1) return c;
  if (nc > 1) return NULL; /* "Sc" for routes "sc" and "SC": not a guess */
  const char *alias = route_alias(text);
  for (int i = 0; alias != NULL && i < a->nroutes; i++)
    if (strcmp(a->routes[i].route, alias) == 0) return &a->routes[i];
  return NULL;
}

/* The one agent of m a refused name probably means (scenario_near.c:
   another case is taken before this, so only a typo is found). */
static const char *near_agent(const muskx_model *m, const char *name) {
  return muskx__sc_near_in(name, m->nagents, agent_name, m);
}

/* The one agent that declares `name` (in any case) among its `brands:`
   (models/drugs: Prolia for denosumab), or NULL. Only the declared brands
   count: a capitalised word of an agent's doc ("anti-RANKL", "SC") is no
   brand (review 22). Only to word a refusal: a brand is never taken for
   the agent. */
static const muskx__agent *agent_by_brand(const muskx_model *m,
                                          const char *name) {
  const muskx__agent *which = NULL;
  for (int i = 0; i < m->nagents; i++)
    for (int k = 0; k < m->agents[i].nbrands; k++)
      if (muskx__same_ignoring_case(m->agents[i].brands[k], name)) {
        if (which != NULL && which != &m->agents[i]) return NULL;
        which = &m->agents[i];
      }
  return which;
}

/* The model's agents for a message: "agents: a, b" or a hint to declare. */
static void known_agents(const muskx_model *m, char *buf, size_t size) {
  if (m->nagents == 0) {
    snprintf(buf, size, "it declares no 'agents:'");
    return;
  }
  char list[400];
  join(list, sizeof list, m->nagents, agent_name, m);
  snprintf(buf, size, "its agents: %s", list);
}

static const char *dose_word(const void *ctx, int i) {
  (void)ctx;
  return muskx__dose_unit_word(i);
}

/* Refuses a dose unit that is none, with the usual unit it probably
   means (scenario_near.c: MG and mgs for mg, kgs for kg; units are
   case-sensitive, and the unit parser reads no other case of them: Mg
   and Mmol are refused, not megagrams), or what to write for
   international units. plain (", or a plain number in ...") ends the
   list of units. MUSKX_OK for a dose unit. */
static muskx_status check_dose_unit(muskx_error *err, const char *file,
                                    const muskx__yaml_node *dose,
                                    const char *unit, const char *plain) {
  /* one word: a dose's unit has no space ('2 international units' is
     refused before as a malformed unit) */
  static const char *const iu[] = {"iu", "miu", "u", "unit", "units", NULL};
  if (muskx__dose_unit(unit, strlen(unit), NULL) > 0) return MUSKX_OK;
  for (int i = 0; iu[i] != NULL; i++)
    if (muskx__same_ignoring_case(iu[i], unit))
      return fail(err, file, dose, MUSKX_EMODEL,
                  "'%s': international units are not a dose unit here: "
                  "convert the dose with the drug's label (vitamin D3: 40 IU "
                  "= 1 ug) and write it as a mass or an amount (ug, mg, "
                  "nmol)%s",
                  unit, plain);
  char hint[128];
  const char *near = muskx__sc_near_in(unit, muskx__dose_unit_words(),
                                       dose_word, NULL);
  return fail(err, file, dose, MUSKX_EMODEL,
              "unknown dose unit '%s'%s (use " MUSKX__DOSE_UNIT_LIST "%s)",
              unit,
              muskx__sc_suggest(hint, sizeof hint, unit, near, "dose units"),
              plain);
}

/* A dose of `value unit` into species sp, converted to the species' unit;
   a bare number is already in it. */
static muskx_status to_species_unit(const muskx_model *m, const char *file,
                                    const muskx__yaml_node *dose, double value,
                                    const char *unit, int sp, double *amount,
                                    muskx_error *err) {
  const char *su = m->species[sp].unit, *sn = m->species[sp].name;
  if (unit[0] == '\0') {
    *amount = value;
    return MUSKX_OK;
  }
  char plain[MUSKX__LONGEST_NAME + 64];
  snprintf(plain, sizeof plain, ", or a plain number in the unit of '%s'",
           sn);
  muskx_status st = check_dose_unit(err, file, dose, unit, plain);
  if (st != MUSKX_OK) return st;
  double f = muskx__dose_convert(unit, su, 0);
  if (f == 0)
    return fail(err, file, dose, MUSKX_EMODEL,
                "cannot convert a dose in '%s' to the unit '%s' of species "
                "'%s' (give the dose as a plain number in that unit)",
                unit, su, sn);
  *amount = value * f;
  return MUSKX_OK;
}

/* The short form: agent a of the model, by the given route. */
static muskx_status via_agent(const muskx_model *m, const char *file,
                              const muskx__agent *a,
                              const muskx__yaml_node *agent,
                              const muskx__yaml_node *route,
                              const muskx__yaml_node *dose, double value,
                              const char *unit, muskx__sc_drug_dest *out,
                              muskx_error *err) {
  char list[400];
  const muskx__agent_route *r = NULL;
  join(list, sizeof list, a->nroutes, route_name, a);
  if (route == NULL) {
    if (a->nroutes > 1)
      return fail(err, file, agent, MUSKX_EMODEL,
                  "agent '%s' has several routes in model '%s' (%s); say "
                  "which with 'route:'", a->name, m->id, list);
    r = &a->routes[0];
  } else {
    r = agent_route(a, route->text);
    char hint[128];
    route_cands c = {a, 0, NULL, NULL};
    if (r == NULL)
      return fail(err, file, route, MUSKX_EMODEL,
                  "model '%s' declares no route '%s' for agent '%s'%s (its "
                  "routes: %s)", m->id, route->text, a->name,
                  near_route(&c, route->text, hint, sizeof hint), list);
  }
  double in_du = value; /* the dose in the agent's dose_unit */
  if (unit[0] != '\0') {
    char plain[MUSKX__LONGEST_NAME + 64];
    snprintf(plain, sizeof plain, "; a plain number is in %s, the dose "
             "unit of '%s'", a->dose_unit, a->name);
    muskx_status st = check_dose_unit(err, file, dose, unit, plain);
    if (st != MUSKX_OK) return st;
    double f = muskx__dose_convert(unit, a->dose_unit, a->molar_mass);
    if (f == 0)
      return fail(err, file, dose, MUSKX_EMODEL,
                  "cannot convert a dose in '%s' to %s, the dose unit of "
                  "agent '%s' (model '%s' gives it no molar_mass)", unit,
                  a->dose_unit, a->name, m->id);
    in_du = value * f;
  }
  out->species = r->depot;
  out->amount = in_du * r->per_dose_unit;
  out->f_number = r->f_number;
  out->f_param = r->f_param;
  return MUSKX_OK;
}

/* The suffix of the species an undeclared agent's dose goes into by
   route text (sc and im: depot, iv: central, oral: gut; a clinical
   spelling of one of them too); NULL for any other route. */
static const char *legacy_suffix(const char *text) {
  static const struct {
    const char *route, *suffix;
  } legacy[] = {{"sc", "depot"}, {"im", "depot"}, {"iv", "central"},
                {"oral", "gut"}};
  const char *alias = route_alias(text);
  for (size_t i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
    if (strcmp(legacy[i].route, text) == 0 ||
        (alias != NULL && strcmp(legacy[i].route, alias) == 0))
      return legacy[i].suffix;
  return NULL;
}

muskx_status muskx__sc_drug_resolve(const muskx_model *m, const char *file,
                                 const muskx__yaml_node *agent,
                                 const muskx__yaml_node *route,
                                 const muskx__yaml_node *target,
                                 const muskx__yaml_node *dose, double value,
                                 const char *unit, muskx__sc_drug_dest *out,
                                 muskx_error *err) {
  const muskx__agent *a = find_agent(m, agent->text), *in_case = NULL;
  int ncase = a == NULL ? agents_in_case(m, agent->text, &in_case) : 0;
  out->f_number = 1.0;
  out->f_param = -1;
  if (a != NULL && target == NULL)
    return via_agent(m, file, a, agent, route, dose, value, unit, out, err);
  if (strlen(agent->text) > MUSKX__LONGEST_NAME ||
      (target != NULL && strlen(target->text) > MUSKX__LONGEST_NAME))
    return fail(err, file, target ? target : agent, MUSKX_ELIMIT,
                "name longer than %d characters", MUSKX__LONGEST_NAME);
  /* An agent in another case: only when the name is not also an
     undeclared agent's species (AGENT_depot, ...), which it meant before
     agents matched in any case. */
  if (ncase > 0 && target == NULL) {
    char tname[2 * MUSKX__LONGEST_NAME], cases[400];
    const char *sfx = route == NULL ? "depot" : legacy_suffix(route->text);
    int sp = -1;
    if (sfx != NULL) {
      snprintf(tname, sizeof tname, "%s_%s", agent->text, sfx);
      sp = muskx_model_find(m, MUSKX_SPECIES, tname);
    }
    case_list(m, agent->text, cases, sizeof cases);
    if (sp >= 0)
      return fail(err, file, agent, MUSKX_EMODEL,
                  "agent '%s' is ambiguous in model '%s': it is agent%s "
                  "'%s' in another case, and '%s' is a species, the default "
                  "target of an undeclared agent's %s dose; write the "
                  "agent's name as the model declares it, or the species "
                  "with 'target: %s'", agent->text, m->id,
                  ncase > 1 ? "s" : "", cases, tname,
                  route ? route->text : "sc", tname);
    if (ncase > 1)
      return fail(err, file, agent, MUSKX_EMODEL,
                  "agent '%s' matches %d agents of model '%s' that differ "
                  "from it only in case (%s); write the one you mean as the "
                  "model declares it", agent->text, ncase, m->id, cases);
    return via_agent(m, file, in_case, agent, route, dose, value, unit, out,
                     err);
  }
  if (a == NULL && ncase == 1) a = in_case; /* long form: its routes */
  /* Long form or an undeclared agent: the fixed routes. */
  const char *suffix = "depot";
  if (route != NULL) {
    int ok = 0;
    const char *sfx = legacy_suffix(route->text);
    if (sfx != NULL) {
      suffix = sfx;
      ok = 1;
    }
    if (a != NULL && agent_route(a, route->text) != NULL) ok = 1;
    char hint[128];
    /* the agent's own routes (long form) and the fixed ones: any with a
       target:, else those whose AGENT_SUFFIX species exists */
    route_cands c = {a, 1, target != NULL ? NULL : m, agent->text};
    if (!ok)
      return fail(err, file, route, MUSKX_EMODEL,
                  "unknown route '%s'%s (expected sc, im, iv or oral%s)",
                  route->text,
                  near_route(&c, route->text, hint, sizeof hint),
                  a != NULL ? ", or a route the model declares for the agent"
                            : "");
  }
  char tname[2 * MUSKX__LONGEST_NAME];
  int sp;
  if (target != NULL) {
    snprintf(tname, sizeof tname, "%s", target->text);
    sp = muskx_model_find(m, MUSKX_SPECIES, tname);
    if (sp < 0)
      return fail(err, file, target, MUSKX_ENOTFOUND,
                  "model '%s' has no species '%s'", m->id, tname);
  } else {
    char known[600];
    snprintf(tname, sizeof tname, "%s_%s", agent->text, suffix);
    sp = muskx_model_find(m, MUSKX_SPECIES, tname);
    known_agents(m, known, sizeof known);
    const muskx__agent *brand =
        sp < 0 && a == NULL ? agent_by_brand(m, agent->text) : NULL;
    if (brand != NULL) {
      int doc = brand->doc != NULL && brand->doc[0] != '\0';
      return fail(err, file, agent, MUSKX_ENOTFOUND,
                  "model '%s' knows no agent '%s', but '%s' is a brand of its "
                  "agent '%s'%s%s%s: write agent: %s (agents are named "
                  "by their generic names; %s)",
                  m->id, agent->text, agent->text, brand->name,
                  doc ? " (\"" : "", doc ? brand->doc : "", doc ? "\")" : "",
                  brand->name, known);
    }
    const char *near = sp < 0 && a == NULL ? near_agent(m, agent->text) : NULL;
    if (near != NULL)
      return fail(err, file, agent, MUSKX_ENOTFOUND,
                  "model '%s' knows no agent '%s': did you mean '%s'? (%s)",
                  m->id, agent->text, near, known);
    if (sp < 0 && m->nagents > 0)
      return fail(err, file, agent, MUSKX_ENOTFOUND,
                  "model '%s' knows no agent '%s' (%s): write one of those "
                  "(or, for a drug the model does not declare, the species "
                  "its dose goes into with 'target:')",
                  m->id, agent->text, known);
    if (sp < 0)
      return fail(err, file, agent, MUSKX_ENOTFOUND,
                  "model '%s' knows no agent '%s' (%s) and has no species "
                  "'%s', the default target of an agent's %s dose; name one with "
                  "'target:'", m->id, agent->text, known, tname,
                  route ? route->text : "sc");
  }
  out->species = sp;
  return to_species_unit(m, file, dose, value, unit, sp, &out->amount, err);
}
