/*
 * load_agents.c -- the `agents:` section of a model (an extension of the
 * format, muskx-model(5)): the drugs the model knows by name, and for
 * each route of administration the species a dose goes into (its depot)
 * and the fraction of the dose that arrives (its bioavailability).
 *
 *   agents:
 *     denosumab:
 *       doc: "anti-RANKL IgG2 (Prolia)"
 *       brands: [Prolia, Xgeva]         # only to word a hint: agent: Prolia
 *                                       # is refused with "write agent:
 *                                       # denosumab"
 *       dose_unit: mg                   # a bare dose number is in mg
 *       molar_mass: 147000              # g/mol, optional
 *       routes:
 *         sc: {depot: Dmab_depot, bioavailability: F_dmab}
 *
 * A scenario then writes `drug: {agent: denosumab, dose: 60 mg, route: sc}`
 * and never names Dmab_depot or F_dmab (scenario_drug.c).
 *
 * Depot and bioavailability are names of the declaring file, so an import
 * prefixes them like any other name ("dmab.Dmab_depot", "dmab.F_dmab");
 * the agent's own name is not prefixed (it names the drug, not a symbol),
 * and one model knows each agent once: a second declaration anywhere in
 * the import tree is refused with the place of the first.
 *
 * Per route, the depot amount per one dose_unit (per_dose_unit) is fixed
 * here: the conversion of dose_unit into the depot species' unit (mass to
 * mass, amount to amount, or across them through molar_mass). A depot in
 * some other unit (pM, a dimensionless amount) needs `unit_factor`, and
 * the loader says so; a `unit_factor` that differs from the conversion
 * the units fix is an error.
 *
 * Runs after everything else is declared and defined (load.c), so that a
 * bound bioavailability parameter has already become what it becomes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "dose_units.h"
#include "load.h"
#include "symtab.h"

#define MAX_AGENTS 10000
#define MAX_ROUTES 64

static muskx_status want_map(muskx__load_ctx *c, const muskx__yaml_node *n,
                             const char *what) {
  char buf[64];
  if (n == NULL || n->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, n, MUSKX_EMODEL, "%s must be a mapping, got %s",
                            what, muskx__load_describe(n, buf, sizeof buf));
  return MUSKX_OK;
}

static muskx_status want_scalar(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *what) {
  char buf[64];
  if (n->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(n))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "%s must be a single value, got %s", what,
                            muskx__load_describe(n, buf, sizeof buf));
  return MUSKX_OK;
}

/* The symbol this file calls `name` (prefixed), or NULL. */
static const muskx__symbol *lookup(const muskx__load_ctx *c, const char *name) {
  char full[MUSKX__LOAD_MAX_FULLNAME + 1];
  return muskx__symtab_find(c->m->symtab,
                            muskx__load_full(c, name, full, sizeof full));
}

static muskx_status load_depot(muskx__load_ctx *c, const muskx__yaml_node *n,
                               const char *where, int *depot) {
  muskx_status st = want_scalar(c, n, "'depot'");
  if (st != MUSKX_OK) return st;
  const muskx__symbol *s = lookup(c, n->text);
  if (s == NULL || s->kind != MUSKX__SYM_SPECIES)
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "the depot of %s must be a species of this file; "
                            "'%s' is %s",
                            where, n->text,
                            s == NULL ? "not defined"
                                      : muskx__load_kind_name(s->kind));
  const muskx__species *sp = &c->m->species[s->index];
  if (sp->constant || sp->algebraic)
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "the depot of %s, species '%s', is %s: a dose "
                            "cannot change it",
                            where, n->text,
                            sp->constant ? "constant" : "algebraic");
  *depot = s->index;
  return MUSKX_OK;
}

/* bioavailability: a number in (0, 1] or the name of a parameter. */
static muskx_status load_bioavailability(muskx__load_ctx *c,
                                         const muskx__yaml_node *n,
                                         const char *where,
                                         muskx__agent_route *r) {
  muskx_status st = want_scalar(c, n, "'bioavailability'");
  if (st != MUSKX_OK) return st;
  char ch = n->text[0];
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_') {
    const muskx__symbol *s = lookup(c, n->text);
    if (s == NULL || s->kind != MUSKX__SYM_PARAM) {
      char note[600];
      return muskx__load_fail(
          c, n, MUSKX_EMODEL,
          "the bioavailability of %s must be a number in (0, 1] or a "
          "parameter of this file; '%s' is %s%s",
          where, n->text,
          s == NULL ? "not defined" : muskx__load_kind_name(s->kind),
          muskx__load_bound_note(c, n->text, note, sizeof note));
    }
    r->f_param = s->index;
    return MUSKX_OK;
  }
  if ((st = muskx__load_number(c, n, "'bioavailability'", &r->f_number)) !=
      MUSKX_OK)
    return st;
  if (!(r->f_number > 0 && r->f_number <= 1))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "the bioavailability of %s must be in (0, 1], "
                            "got %g", where, r->f_number);
  return MUSKX_OK;
}

static muskx_status load_route(muskx__load_ctx *c, const muskx__agent *a,
                               const muskx__yaml_node *key,
                               const muskx__yaml_node *v,
                               muskx__agent_route *r) {
  static const char *const keys[] = {"depot", "bioavailability", "unit_factor",
                                     "doc", NULL};
  char where[400];
  muskx_status st;
  snprintf(where, sizeof where, "route '%s' of agent '%s'", key->text,
           a->name);
  r->f_param = -1;
  r->f_number = 1.0;
  r->loc = muskx__load_loc(c, key);
  if ((st = muskx__load_check_ident(c, key->text, key->line, key->col,
                                    "route")) != MUSKX_OK ||
      (st = want_map(c, v, where)) != MUSKX_OK ||
      (st = muskx__load_check_keys(c, v, keys, where)) != MUSKX_OK)
    return st;
  if ((r->route = muskx__strdup(key->text)) == NULL)
    return muskx__load_nomem(c);
  const muskx__yaml_node *dep = muskx__yaml_get(v, "depot", NULL);
  if (dep == NULL)
    return muskx__load_fail(c, v, MUSKX_EMODEL,
                            "%s needs a 'depot' (the species a dose goes "
                            "into)", where);
  if ((st = load_depot(c, dep, where, &r->depot)) != MUSKX_OK) return st;
  const muskx__yaml_node *bio = muskx__yaml_get(v, "bioavailability", NULL);
  if (bio != NULL && (st = load_bioavailability(c, bio, where, r)) != MUSKX_OK)
    return st;
  const muskx__yaml_node *uf = muskx__yaml_get(v, "unit_factor", NULL);
  if (uf != NULL) {
    if ((st = muskx__load_number(c, uf, "'unit_factor'", &r->per_dose_unit)) !=
        MUSKX_OK)
      return st;
    if (!(r->per_dose_unit > 0))
      return muskx__load_fail(c, uf, MUSKX_EMODEL,
                              "'unit_factor' of %s must be positive (depot "
                              "amount per %s), got %g",
                              where, a->dose_unit, r->per_dose_unit);
  }
  const char *su = c->m->species[r->depot].unit;
  if (su == NULL) su = "";
  double exact = muskx__dose_convert(a->dose_unit, su, a->molar_mass);
  if (uf != NULL) {
    /* The units already fix the factor: one that differs (1000 for mg
       into a depot in mg) would silently scale every dose. */
    if (exact > 0 && fabs(r->per_dose_unit - exact) > 1e-9 * exact)
      return muskx__load_fail(
          c, uf, MUSKX_EMODEL,
          "'unit_factor' %g of %s contradicts the units: one %s is %.15g %s "
          "of depot '%s' (leave 'unit_factor' out, or fix the depot's unit)",
          r->per_dose_unit, where, a->dose_unit, exact, su, dep->text);
    return MUSKX_OK;
  }
  r->per_dose_unit = exact;
  if (r->per_dose_unit == 0) {
    muskx__dose_family df, sf;
    muskx__dose_unit(a->dose_unit, strlen(a->dose_unit), &df);
    muskx__dose_unit(su, strlen(su), &sf);
    return muskx__load_fail(
        c, key, MUSKX_EMODEL,
        "%s: cannot convert its dose unit '%s' to the unit '%s' of depot "
        "'%s'%s (give 'unit_factor': the depot amount per %s)",
        where, a->dose_unit, su, dep->text,
        sf != MUSKX__DOSE_NONE && df != sf ? " without the agent's "
                                             "'molar_mass'" : "",
        a->dose_unit);
  }
  return MUSKX_OK;
}

static muskx_status load_agent(muskx__load_ctx *c, const muskx__yaml_node *key,
                               const muskx__yaml_node *v, muskx__agent *a) {
  static const char *const keys[] = {"doc", "brands", "dose_unit",
                                     "molar_mass", "routes", NULL};
  char where[300];
  muskx_status st;
  snprintf(where, sizeof where, "agent '%s'", key->text);
  a->loc = muskx__load_loc(c, key);
  if ((a->name = muskx__strdup(key->text)) == NULL) return muskx__load_nomem(c);
  if ((st = want_map(c, v, where)) != MUSKX_OK ||
      (st = muskx__load_check_keys(c, v, keys, where)) != MUSKX_OK ||
      (st = muskx__load_opt_string(c, v, "doc", where, &a->doc)) != MUSKX_OK ||
      (st = muskx__load_words(c, v, "brands", where, &a->brands,
                              &a->nbrands)) != MUSKX_OK)
    return st;
  const muskx__yaml_node *du = muskx__yaml_get(v, "dose_unit", NULL);
  if (du == NULL)
    return muskx__load_fail(c, v, MUSKX_EMODEL,
                            "%s needs a 'dose_unit' (the unit its doses are "
                            "written in: " MUSKX__DOSE_UNIT_LIST ")", where);
  if ((st = want_scalar(c, du, "'dose_unit'")) != MUSKX_OK) return st;
  if (muskx__dose_unit(du->text, du->len, NULL) == 0)
    return muskx__load_fail(c, du, MUSKX_EMODEL,
                            "unknown dose unit '%s' for %s (use one of "
                            MUSKX__DOSE_UNIT_LIST ")", du->text, where);
  if ((a->dose_unit = muskx__strdup(du->text)) == NULL)
    return muskx__load_nomem(c);
  const muskx__yaml_node *mm = muskx__yaml_get(v, "molar_mass", NULL);
  if (mm != NULL) {
    if ((st = muskx__load_number(c, mm, "'molar_mass'", &a->molar_mass)) !=
        MUSKX_OK)
      return st;
    if (!(a->molar_mass > 0))
      return muskx__load_fail(c, mm, MUSKX_EMODEL,
                              "'molar_mass' of %s must be positive (g/mol), "
                              "got %g", where, a->molar_mass);
  }
  const muskx__yaml_node *routes = muskx__yaml_get(v, "routes", NULL);
  if (routes == NULL)
    return muskx__load_fail(c, v, MUSKX_EMODEL,
                            "%s needs 'routes' (e.g. sc: {depot: ..., "
                            "bioavailability: ...})", where);
  if ((st = want_map(c, routes, "'routes'")) != MUSKX_OK) return st;
  if (routes->n == 0 || routes->n > MAX_ROUTES)
    return muskx__load_fail(c, routes, MUSKX_EMODEL,
                            "%s needs from 1 to %d routes, got %zu", where,
                            MAX_ROUTES, routes->n);
  a->routes = muskx__calloc(routes->n, sizeof *a->routes);
  if (a->routes == NULL) return muskx__load_nomem(c);
  for (size_t i = 0; i < routes->n; i++) {
    /* Counted first, so that a failure below still frees the route. */
    a->nroutes++;
    if ((st = load_route(c, a, routes->keys[i], routes->items[i],
                         &a->routes[i])) != MUSKX_OK)
      return st;
  }
  return MUSKX_OK;
}

muskx_status muskx__load_define_agents(muskx__load_ctx *c) {
  muskx__yaml_node *key;
  const muskx__yaml_node *v = muskx__yaml_get(c->root, "agents", &key);
  muskx_model *m = c->m;
  muskx_status st;
  if (v == NULL || muskx__yaml_is_null(v)) return MUSKX_OK;
  if ((st = want_map(c, v, "'agents'")) != MUSKX_OK) return st;
  if (v->n > MAX_AGENTS || m->nagents + (int)v->n > MAX_AGENTS)
    return muskx__load_fail(c, v, MUSKX_ELIMIT,
                            "more than %d agents in the model", MAX_AGENTS);
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *k = v->keys[i];
    if ((st = muskx__load_check_ident(c, k->text, k->line, k->col,
                                      "agent")) != MUSKX_OK)
      return st;
    for (int j = 0; j < m->nagents; j++)
      if (strcmp(m->agents[j].name, k->text) == 0)
        return muskx__load_fail(c, k, MUSKX_EMODEL,
                                "agent '%s' is declared twice (first at "
                                "%s:%d:%d); a model knows each agent once",
                                k->text, m->agents[j].loc.file,
                                m->agents[j].loc.line, m->agents[j].loc.col);
    muskx__agent *na =
        muskx__reallocarray(m->agents, (size_t)m->nagents + 1, sizeof *na);
    if (na == NULL) return muskx__load_nomem(c);
    m->agents = na;
    memset(&na[m->nagents], 0, sizeof *na);
    m->nagents++;
    if ((st = load_agent(c, k, v->items[i], &na[m->nagents - 1])) != MUSKX_OK)
      return st;
  }
  return MUSKX_OK;
}
