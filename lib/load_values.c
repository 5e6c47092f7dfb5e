/*
 * load_values.c -- the define phase of the loader for the mapping
 * sections: functions, parameters, compartments, species, inputs,
 * assignments, outputs, and odes. Names were declared already (load.c), so
 * every expression here is resolved as soon as it is parsed.
 *
 * Invariant on return: every unit and doc string is non-NULL, every
 * expression is resolved, and literal values obey their section's bounds
 * (volumes > 0, parameters within min/max, finite numbers).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "load.h"
#include "symtab.h"
#include "textcase.h"

#define OWNER_MAX 320 /* "initial value of species '<255 chars>'" */
#define WHAT_MAX (OWNER_MAX + 64)

static muskx__scope scope_of(const char *where, unsigned allowed,
                             const char *rule) {
  muskx__scope s = {where, allowed, rule, -1, -1, -1};
  return s;
}

/* unit and doc of a mapping entry (or "" for the short form). */
static muskx_status unit_doc(muskx__load_ctx *c, const muskx__yaml_node *v,
                             const char *owner, char **unit, char **doc) {
  const muskx__yaml_node *map = v->kind == MUSKX__YAML_MAP ? v : NULL;
  muskx_status st = MUSKX_OK;
  if (unit != NULL &&
      (st = muskx__load_opt_string(c, map, "unit", owner, unit)) != MUSKX_OK)
    return st;
  if (doc != NULL) st = muskx__load_opt_string(c, map, "doc", owner, doc);
  return st;
}

static int literal(const muskx__expr *e, double *v) {
  if (e == NULL || e->kind != MUSKX__E_NUM) return 0;
  *v = e->num;
  return 1;
}

static muskx_status not_a_list(muskx__load_ctx *c, const muskx__yaml_node *v,
                               const char *expected, const char *owner) {
  char buf[64];
  return muskx__load_fail(c, v, MUSKX_EMODEL, "expected %s for %s, got %s",
                          expected, owner, muskx__load_describe(v, buf, sizeof buf));
}

/* ---------------------------------------------------------------------- */

/* Slot of a name this file declared (the declare phase succeeded, so it
   is there). */
static const muskx__symbol *declared(muskx__load_ctx *c, const char *name) {
  char full[MUSKX__LOAD_MAX_FULLNAME + 1];
  const muskx__symbol *sym =
      muskx__symtab_find(c->m->symtab, muskx__load_full(c, name, full, sizeof full));
  return sym;
}

muskx_status muskx__load_define_functions(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  const muskx__yaml_node *v = muskx__yaml_get(c->root, "functions", NULL);
  for (int j = 0; j < c->nfn; j++) {
    int i = c->fn_base + j;
    muskx__function *f = &m->functions[i];
    char owner[OWNER_MAX], where[OWNER_MAX];
    snprintf(owner, sizeof owner, "function '%s'", f->name);
    snprintf(where, sizeof where, "body of function '%s'", f->name);
    muskx_status st = muskx__load_expr(c, v->items[j], owner, &f->body);
    if (st != MUSKX_OK) return st;
    muskx__scope sc = scope_of(where, MUSKX__ALLOW_ALL, "");
    sc.fn = i;
    if ((st = muskx__load_resolve(c, f->body, &sc)) != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* A parameter entry as written: value (parsed, not resolved), min, max,
   unit, doc. */
static muskx_status parse_param(muskx__load_ctx *c, muskx__param *p,
                                const muskx__yaml_node *k, const muskx__yaml_node *val,
                                const char *owner, const muskx__yaml_node **minn) {
  static const char *const keys[] = {"value", "unit", "doc", "min", "max", NULL};
  char what[WHAT_MAX];
  muskx_status st;
  const muskx__yaml_node *maxn = NULL;
  *minn = NULL;
  if (val->kind == MUSKX__YAML_MAP) {
    snprintf(what, sizeof what, "in %s", owner);
    if ((st = muskx__load_check_keys(c, val, keys, what)) != MUSKX_OK) return st;
    const muskx__yaml_node *vn = muskx__yaml_get(val, "value", NULL);
    if (vn == NULL)
      return muskx__load_fail(c, k, MUSKX_EMODEL, "missing 'value' for %s", owner);
    snprintf(what, sizeof what, "'value' of %s", owner);
    if ((st = muskx__load_expr(c, vn, what, &p->value)) != MUSKX_OK) return st;
    *minn = muskx__yaml_get(val, "min", NULL);
    maxn = muskx__yaml_get(val, "max", NULL);
    snprintf(what, sizeof what, "'min' of %s", owner);
    if (*minn && (st = muskx__load_number(c, *minn, what, &p->min)) != MUSKX_OK)
      return st;
    snprintf(what, sizeof what, "'max' of %s", owner);
    if (maxn && (st = muskx__load_number(c, maxn, what, &p->max)) != MUSKX_OK)
      return st;
  } else if (val->kind == MUSKX__YAML_SEQ) {
    return not_a_list(c, val, "a number, an expression or a mapping", owner);
  } else if ((st = muskx__load_expr(c, val, owner, &p->value)) != MUSKX_OK) {
    return st;
  }
  return unit_doc(c, val, owner, &p->unit, &p->doc);
}

static muskx_status check_min_max(muskx__load_ctx *c, const muskx__param *p,
                                  const muskx__yaml_node *minn, const char *owner) {
  if (p->min > p->max)
    return muskx__load_fail(c, minn, MUSKX_EMODEL,
                            "'min' %g of %s is greater than its 'max' %g", p->min,
                            owner, p->max);
  return MUSKX_OK;
}

/* A bound parameter or input that became an assignment: its unit and doc
   come from the module's entry, its expression from the binding. */
static void bound_assignment(muskx__named_expr *ne, muskx__load_bind *b, char **unit,
                             char **doc) {
  ne->unit = *unit, *unit = NULL;
  ne->doc = *doc, *doc = NULL;
  ne->expr = b->expr, b->expr = NULL;
}

static muskx_status define_params(muskx__load_ctx *c, const muskx__yaml_node *v) {
  muskx_model *m = c->m;
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *k = v->keys[i], *val = v->items[i], *minn;
    const muskx__symbol *sym = declared(c, k->text);
    muskx__load_bind *b = muskx__load_bound(c, k->text);
    char owner[OWNER_MAX], what[WHAT_MAX];
    snprintf(owner, sizeof owner, "parameter '%s'", k->text);
    muskx_status st;
    if (b != NULL && b->kind == MUSKX__SYM_ASSIGNMENT) {
      muskx__param scratch = {NULL, NULL, NULL, NULL, -INFINITY, INFINITY, {0}};
      st = parse_param(c, &scratch, k, val, owner, &minn);
      if (st == MUSKX_OK) st = check_min_max(c, &scratch, minn, owner);
      if (st == MUSKX_OK) st = muskx__load_bind_unit(c, b, val);
      if (st == MUSKX_OK)
        bound_assignment(&m->assignments[sym->index], b, &scratch.unit, &scratch.doc);
      muskx__free(scratch.unit);
      muskx__free(scratch.doc);
      muskx__expr_free(scratch.value);
      if (st != MUSKX_OK) return st;
      continue;
    }
    int index = sym->index;
    muskx__param *p = &m->params[index];
    if ((st = parse_param(c, p, k, val, owner, &minn)) != MUSKX_OK) return st;
    /* vc: where the value is written (the importing file, when bound). */
    muskx__load_ctx *vc = c;
    if (b != NULL) {
      /* Resolved already, in the importing file, to parameters that come
         before this one (load_imports.c). */
      if ((st = muskx__load_bind_unit(c, b, val)) != MUSKX_OK) return st;
      muskx__expr_free(p->value);
      p->value = b->expr, b->expr = NULL;
      vc = c->parent;
      snprintf(owner, sizeof owner, "parameter '%s'", p->name);
    } else {
      snprintf(what, sizeof what, "value of %s", owner);
      muskx__scope sc = scope_of(what, MUSKX__ALLOW(MUSKX__SYM_PARAM),
                                 "may only refer to earlier parameters");
      sc.param_limit = index;
      sc.self_param = index;
      if ((st = muskx__load_resolve(c, p->value, &sc)) != MUSKX_OK) return st;
    }
    if ((st = check_min_max(c, p, minn, owner)) != MUSKX_OK) return st;
    double x;
    if (literal(p->value, &x) && (x < p->min || x > p->max))
      return muskx__load_fail_at(vc, p->value->line, p->value->col, MUSKX_EMODEL,
                                 "value %g of %s is %s its '%s' %g", x, owner,
                                 x < p->min ? "below" : "above",
                                 x < p->min ? "min" : "max",
                                 x < p->min ? p->min : p->max);
  }
  return MUSKX_OK;
}

static muskx_status define_compartments(muskx__load_ctx *c, const muskx__yaml_node *v) {
  static const char *const keys[] = {"volume", "unit", "doc", NULL};
  muskx_model *m = c->m;
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *k = v->keys[i], *val = v->items[i];
    muskx__compartment *cp = &m->compartments[declared(c, k->text)->index];
    char owner[OWNER_MAX], what[WHAT_MAX];
    snprintf(owner, sizeof owner, "compartment '%s'", k->text);
    muskx_status st;
    if (val->kind == MUSKX__YAML_MAP) {
      snprintf(what, sizeof what, "in %s", owner);
      if ((st = muskx__load_check_keys(c, val, keys, what)) != MUSKX_OK) return st;
      const muskx__yaml_node *vn = muskx__yaml_get(val, "volume", NULL);
      if (vn == NULL)
        return muskx__load_fail(c, k, MUSKX_EMODEL, "missing 'volume' for %s", owner);
      snprintf(what, sizeof what, "'volume' of %s", owner);
      if ((st = muskx__load_expr(c, vn, what, &cp->volume)) != MUSKX_OK) return st;
    } else if (val->kind == MUSKX__YAML_SEQ) {
      return not_a_list(c, val, "a volume or a mapping", owner);
    } else if ((st = muskx__load_expr(c, val, owner, &cp->volume)) != MUSKX_OK) {
      return st;
    }
    if ((st = unit_doc(c, val, owner, &cp->unit, &cp->doc)) != MUSKX_OK) return st;
    snprintf(what, sizeof what, "volume of %s", owner);
    muskx__scope sc = scope_of(what, MUSKX__ALLOW(MUSKX__SYM_PARAM),
                               "may only refer to parameters");
    if ((st = muskx__load_resolve(c, cp->volume, &sc)) != MUSKX_OK) return st;
    double x;
    if (literal(cp->volume, &x) && !(x > 0))
      return muskx__load_fail_at(c, cp->volume->line, cp->volume->col, MUSKX_EMODEL,
                                 "volume of %s must be positive, got %g", owner, x);
  }
  return MUSKX_OK;
}

static muskx_status species_compartment(muskx__load_ctx *c, muskx__species *s,
                                        const muskx__yaml_node *n,
                                        const char *owner) {
  char buf[64];
  if (n->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(n))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "expected a compartment name for 'compartment' of %s, got %s",
                            owner, muskx__load_describe(n, buf, sizeof buf));
  const muskx__symbol *sym = declared(c, n->text);
  if (sym == NULL)
    return muskx__load_fail(c, n, MUSKX_EMODEL, "undefined compartment '%.255s' for %s",
                            n->text, owner);
  if (sym->kind != MUSKX__SYM_COMPARTMENT)
    return muskx__load_fail(c, n, MUSKX_EMODEL, "'%s' is %s, not a compartment (%s)",
                            n->text, muskx__load_kind_name(sym->kind), owner);
  s->compartment = sym->index;
  return MUSKX_OK;
}

static muskx_status define_species(muskx__load_ctx *c, const muskx__yaml_node *v) {
  static const char *const keys[] = {"initial",  "unit",        "doc",
                                     "constant", "nonnegative", "compartment",
                                     "typical",  NULL};
  muskx_model *m = c->m;
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *k = v->keys[i], *val = v->items[i];
    muskx__species *s = &m->species[declared(c, k->text)->index];
    char owner[OWNER_MAX], what[WHAT_MAX];
    snprintf(owner, sizeof owner, "species '%s'", k->text);
    muskx_status st;
    if (val->kind == MUSKX__YAML_MAP) {
      snprintf(what, sizeof what, "in %s", owner);
      if ((st = muskx__load_check_keys(c, val, keys, what)) != MUSKX_OK) return st;
      const muskx__yaml_node *n = muskx__yaml_get(val, "initial", NULL);
      snprintf(what, sizeof what, "'initial' of %s", owner);
      if (n != NULL) {
        if ((st = muskx__load_expr(c, n, what, &s->initial)) != MUSKX_OK) return st;
      } else {
        /* Default initial amount 0, located at the species' name. */
        muskx_error scratch;
        s->initial = muskx__expr_parse("0", 1, c->file, k->line, k->col, &scratch);
        if (s->initial == NULL) return muskx__load_nomem(c);
      }
      if ((n = muskx__yaml_get(val, "constant", NULL)) != NULL) {
        snprintf(what, sizeof what, "'constant' of %s", owner);
        if ((st = muskx__load_bool(c, n, what, &s->constant)) != MUSKX_OK) return st;
      }
      if ((n = muskx__yaml_get(val, "nonnegative", NULL)) != NULL) {
        snprintf(what, sizeof what, "'nonnegative' of %s", owner);
        if ((st = muskx__load_bool(c, n, what, &s->nonnegative)) != MUSKX_OK) return st;
      }
      if ((n = muskx__yaml_get(val, "typical", NULL)) != NULL) {
        snprintf(what, sizeof what, "'typical' of %s", owner);
        if ((st = muskx__load_number(c, n, what, &s->typical)) != MUSKX_OK) return st;
        if (!(s->typical > 0))
          return muskx__load_fail(c, n, MUSKX_EMODEL,
                                  "%s must be a number > 0 (the magnitude its "
                                  "error is measured against), got %s",
                                  what, n->text);
        /* The absolute tolerance becomes atol + rtol * typical: at the
           default rtol 1e-6 a typical of 1e12 already lets an error of 1e6
           (species' unit) pass, which no species measured in a sensible
           unit wants; beyond it the error control of the species is in
           effect switched off (silently wrong numbers). The bound relative
           to the species' own initial value is checked once it can be
           evaluated (model.c, check_volumes). */
        if (s->typical > MUSKX__MAX_TYPICAL)
          return muskx__load_fail(c, n, MUSKX_EMODEL,
                                  "%s is %s, above the largest accepted, %g: "
                                  "its absolute tolerance atol + rtol * "
                                  "typical would be above %g at the default "
                                  "rtol 1e-6, which in effect switches off "
                                  "the species' error control; write the "
                                  "species in a larger unit",
                                  what, n->text, MUSKX__MAX_TYPICAL,
                                  MUSKX__MAX_TYPICAL * 1e-6);
        s->typical_line = n->line;
        s->typical_col = n->col;
      }
      if ((n = muskx__yaml_get(val, "compartment", NULL)) != NULL &&
          (st = species_compartment(c, s, n, owner)) != MUSKX_OK)
        return st;
    } else if (val->kind == MUSKX__YAML_SEQ) {
      return not_a_list(c, val, "an initial value or a mapping", owner);
    } else {
      snprintf(what, sizeof what, "initial value of %s", owner);
      if ((st = muskx__load_expr(c, val, what, &s->initial)) != MUSKX_OK) return st;
    }
    if ((st = unit_doc(c, val, owner, &s->unit, &s->doc)) != MUSKX_OK) return st;
    snprintf(what, sizeof what, "initial value of %s", owner);
    /* Time is allowed: the value is taken at the run's start time, and a
       delay() looking back before the start evaluates it at that earlier
       time (SBML: the history before the start is the initial value as a
       function of time). */
    muskx__scope sc = scope_of(
        what, MUSKX__ALLOW(MUSKX__SYM_PARAM) | MUSKX__ALLOW(MUSKX__SYM_COMPARTMENT) |
                  MUSKX__ALLOW(MUSKX__SYM_TIME),
        "may only refer to parameters, compartments and t");
    if ((st = muskx__load_resolve(c, s->initial, &sc)) != MUSKX_OK) return st;
    double x;
    if (s->nonnegative && literal(s->initial, &x) && x < 0)
      return muskx__load_fail_at(c, s->initial->line, s->initial->col, MUSKX_EMODEL,
                                 "initial value %g of %s is negative, but it is "
                                 "declared nonnegative",
                                 x, owner);
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Inputs                                                                  */

static muskx_status number_list(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *key, const char *owner, double **out,
                                size_t *len) {
  char what[WHAT_MAX];
  snprintf(what, sizeof what, "'%s' of %s", key, owner);
  if (n->kind != MUSKX__YAML_SEQ || n->n == 0)
    return not_a_list(c, n, "a non-empty list of numbers", what);
  if (n->n > MUSKX__LOAD_MAX_ITEMS)
    return muskx__load_fail(c, n, MUSKX_ELIMIT, "too many entries in %s (more than %d)",
                            what, MUSKX__LOAD_MAX_ITEMS);
  double *a = muskx__calloc(n->n, sizeof *a);
  if (a == NULL) return muskx__load_nomem(c);
  *out = a; /* owned by the input from here, so errors below do not leak */
  for (size_t i = 0; i < n->n; i++) {
    muskx_status st = muskx__load_number(c, n->items[i], what, &a[i]);
    if (st != MUSKX_OK) return st;
  }
  *len = n->n;
  return MUSKX_OK;
}

/* o is an input of the file instance being loaded: its full name is the
   instance's prefix and a name without a further dot. */
static int same_instance(const muskx__load_ctx *c, const muskx__input *o) {
  size_t n = strlen(c->prefix);
  return strncmp(o->name, c->prefix, n) == 0 && strchr(o->name + n, '.') == NULL;
}

/* The word w (ignoring case) in the aka: or opposite: of another input of
   the same file instance, or NULL. Other instances are not compared: a
   module imported twice lists the same names in each copy, and a
   scenario's hint search already gives none for a name two inputs share.
   A bound input's scratch copy (self outside m->inputs) is not compared
   either: its lists are checked for their own sake and then dropped. */
static const char *other_input_lists(const muskx__load_ctx *c,
                                     const muskx__input *self, const char *w) {
  const muskx_model *m = c->m;
  int own = 0;
  for (int j = 0; j < m->ninputs && !own; j++) own = &m->inputs[j] == self;
  if (!own) return NULL;
  for (int j = 0; j < m->ninputs; j++) {
    const muskx__input *o = &m->inputs[j];
    if (o == self || o->name == NULL || !same_instance(c, o)) continue;
    for (int k = 0; k < o->naka; k++)
      if (muskx__same_ignoring_case(o->aka[k], w)) return o->name;
    for (int k = 0; k < o->nopposite; k++)
      if (muskx__same_ignoring_case(o->opposite[k], w)) return o->name;
  }
  return NULL;
}

/* The aka: and opposite: names of input `name` (in, already loaded): each
   once in both lists ignoring case, not the input's own name, not a name
   of the model, not in another input's lists; otherwise the hint could
   never appear or would name the wrong input. */
static muskx_status check_input_words(muskx__load_ctx *c,
                                      const muskx__yaml_node *val,
                                      const muskx__input *in, const char *name,
                                      const char *owner) {
  static const char *const lists[] = {"aka", "opposite"};
  const char *seen[2 * MUSKX__LOAD_MAX_WORDS];
  const char *seen_in[2 * MUSKX__LOAD_MAX_WORDS];
  int nseen = 0;
  for (int l = 0; l < 2; l++) {
    const muskx__yaml_node *v = muskx__yaml_get(val, lists[l], NULL);
    if (v == NULL) continue;
    for (size_t i = 0; i < v->n; i++) {
      const muskx__yaml_node *it = v->items[i];
      const char *w = it->text, *other;
      char full[MUSKX__LOAD_MAX_FULLNAME + 1];
      if (muskx__same_ignoring_case(w, name))
        return muskx__load_fail(c, it, MUSKX_EMODEL,
                                "'%s' of %s: '%s' is the input's own name",
                                lists[l], owner, w);
      for (int k = 0; k < nseen; k++)
        if (muskx__same_ignoring_case(seen[k], w))
          return muskx__load_fail(c, it, MUSKX_EMODEL,
                                  "'%s' of %s: '%s' is already listed in its "
                                  "'%s' (names are compared ignoring case)",
                                  lists[l], owner, w, seen_in[k]);
      muskx__load_full(c, w, full, sizeof full);
      if (muskx__symtab_find(c->m->symtab, full) != NULL)
        return muskx__load_fail(c, it, MUSKX_EMODEL,
                                "'%s' of %s: '%s' is a name of the model, so "
                                "a scenario that writes it means that name, "
                                "never this input",
                                lists[l], owner, w);
      /* in another case too: a scenario's hints compare ignoring case, so
         'Loading' would be offered as this input where the model's
         'loading' was meant */
      const char *key;
      size_t np = strlen(c->prefix);
      const muskx__symbol *sym =
          muskx__symtab_find_ignoring_case(c->m->symtab, full, &key);
      if (sym != NULL && strncmp(key, c->prefix, np) == 0)
        return muskx__load_fail(
            c, it, MUSKX_EMODEL,
            "'%s' of %s: '%s' is %s of the model, '%s', but for case "
            "(names are compared ignoring case), so a scenario that writes "
            "it would be offered this input for that name: remove it from "
            "the list",
            lists[l], owner, w, muskx__load_kind_name(sym->kind), key + np);
      if ((other = other_input_lists(c, in, w)) != NULL)
        return muskx__load_fail(c, it, MUSKX_EMODEL,
                                "'%s' of %s: '%s' is already another name of "
                                "input '%s' (names are compared ignoring case)",
                                lists[l], owner, w, other);
      seen[nseen] = w;
      seen_in[nseen++] = lists[l];
    }
  }
  return MUSKX_OK;
}

/* (extension) `min:` and `max:` of an input: the physical range of its
   values (loading >= 0), which a scenario's values are checked against
   (muskx-model(5), inputs; review rev27u M9: loading: -1 ran silently). */
static muskx_status input_range(muskx__load_ctx *c, const muskx__yaml_node *val,
                                muskx__input *in, const char *owner) {
  char what[WHAT_MAX];
  muskx_status st;
  muskx__yaml_node *mk;
  const muskx__yaml_node *mn = muskx__yaml_get(val, "min", &mk);
  const muskx__yaml_node *mx = muskx__yaml_get(val, "max", NULL);
  if (mn != NULL) {
    snprintf(what, sizeof what, "'min' of %s", owner);
    if ((st = muskx__load_number(c, mn, what, &in->min)) != MUSKX_OK) return st;
    in->has_min = 1;
  }
  if (mx != NULL) {
    snprintf(what, sizeof what, "'max' of %s", owner);
    if ((st = muskx__load_number(c, mx, what, &in->max)) != MUSKX_OK) return st;
    in->has_max = 1;
  }
  if (in->has_min && in->has_max && in->min > in->max)
    return muskx__load_fail(c, mk, MUSKX_EMODEL,
                            "'min' %g of %s is greater than its 'max' %g",
                            in->min, owner, in->max);
  return MUSKX_OK;
}

/* A default or table value v of input in (at node n) within its range. */
static muskx_status input_in_range(muskx__load_ctx *c, const muskx__yaml_node *n,
                                   const muskx__input *in, double v,
                                   const char *which, const char *owner) {
  if ((in->has_min && v < in->min) || (in->has_max && v > in->max))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "%s %g of %s is %s its '%s' %g", which, v, owner,
                            in->has_min && v < in->min ? "below" : "above",
                            in->has_min && v < in->min ? "min" : "max",
                            in->has_min && v < in->min ? in->min : in->max);
  return MUSKX_OK;
}

static muskx_status define_input(muskx__load_ctx *c, muskx__input *in,
                                 const muskx__yaml_node *k,
                                 const muskx__yaml_node *val, const char *owner) {
  static const char *const keys[] = {"default", "times", "values", "interp",
                                     "unit",    "doc",   "aka",
                                     "opposite", "min", "max", NULL};
  char what[WHAT_MAX];
  muskx_status st;
  in->interp = MUSKX_INTERP_STEP;
  if (val->kind != MUSKX__YAML_MAP) {
    if (val->kind == MUSKX__YAML_SEQ)
      return not_a_list(c, val, "a number or a mapping", owner);
    return muskx__load_number(c, val, owner, &in->def);
  }
  snprintf(what, sizeof what, "in %s", owner);
  if ((st = muskx__load_check_keys(c, val, keys, what)) != MUSKX_OK ||
      (st = muskx__load_words(c, val, "aka", owner, &in->aka, &in->naka)) !=
          MUSKX_OK ||
      (st = muskx__load_words(c, val, "opposite", owner, &in->opposite,
                              &in->nopposite)) != MUSKX_OK ||
      (st = check_input_words(c, val, in, k->text, owner)) != MUSKX_OK ||
      (st = input_range(c, val, in, owner)) != MUSKX_OK)
    return st;
  muskx__yaml_node *dk, *tk, *vk, *ik;
  const muskx__yaml_node *d = muskx__yaml_get(val, "default", &dk);
  const muskx__yaml_node *t = muskx__yaml_get(val, "times", &tk);
  const muskx__yaml_node *vs = muskx__yaml_get(val, "values", &vk);
  const muskx__yaml_node *ip = muskx__yaml_get(val, "interp", &ik);
  if (d != NULL && (t != NULL || vs != NULL))
    return muskx__load_fail(c, dk, MUSKX_EMODEL,
                            "%s has both 'default' and a table (use one)", owner);
  if (d != NULL) {
    if (ip != NULL)
      return muskx__load_fail(c, ik, MUSKX_EMODEL,
                              "'interp' of %s needs a table ('times' and 'values')",
                              owner);
    snprintf(what, sizeof what, "'default' of %s", owner);
    if ((st = muskx__load_number(c, d, what, &in->def)) != MUSKX_OK)
      return st;
    return input_in_range(c, d, in, in->def, "'default'", owner);
  }
  if (t == NULL && vs == NULL)
    return muskx__load_fail(c, k, MUSKX_EMODEL,
                            "%s needs 'default' or a table ('times' and 'values')",
                            owner);
  if (t == NULL || vs == NULL)
    return muskx__load_fail(c, t ? tk : vk, MUSKX_EMODEL,
                            "%s has '%s' but no '%s'", owner, t ? "times" : "values",
                            t ? "values" : "times");
  size_t nt = 0, nv = 0;
  if ((st = number_list(c, t, "times", owner, &in->times, &nt)) != MUSKX_OK ||
      (st = number_list(c, vs, "values", owner, &in->values, &nv)) != MUSKX_OK)
    return st;
  if (nt != nv)
    return muskx__load_fail(c, vs, MUSKX_EMODEL, "%s has %zu times but %zu values",
                            owner, nt, nv);
  for (size_t i = 1; i < nt; i++)
    if (!(in->times[i] > in->times[i - 1]))
      return muskx__load_fail(c, t->items[i], MUSKX_EMODEL,
                              "times of %s must be strictly increasing: %g comes "
                              "after %g",
                              owner, in->times[i], in->times[i - 1]);
  for (size_t i = 0; i < nt; i++)
    if ((st = input_in_range(c, vs->items[i], in, in->values[i], "a value",
                             owner)) != MUSKX_OK)
      return st;
  in->n = nt;
  in->def = in->values[0];
  if (ip != NULL) {
    if (ip->kind == MUSKX__YAML_SCALAR && strcmp(ip->text, "step") == 0)
      in->interp = MUSKX_INTERP_STEP;
    else if (ip->kind == MUSKX__YAML_SCALAR && strcmp(ip->text, "linear") == 0)
      in->interp = MUSKX_INTERP_LINEAR;
    else {
      char buf[64];
      return muskx__load_fail(c, ip, MUSKX_EMODEL,
                              "expected 'step' or 'linear' for 'interp' of %s, got %s",
                              owner, muskx__load_describe(ip, buf, sizeof buf));
    }
  }
  return MUSKX_OK;
}

static muskx_status define_inputs(muskx__load_ctx *c, const muskx__yaml_node *v) {
  muskx_model *m = c->m;
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *k = v->keys[i];
    const muskx__symbol *sym = declared(c, k->text);
    muskx__load_bind *b = muskx__load_bound(c, k->text);
    char owner[OWNER_MAX];
    snprintf(owner, sizeof owner, "input '%s'", k->text);
    if (b != NULL) {
      /* Bound: an assignment now; the entry is still checked. */
      muskx__input scratch;
      memset(&scratch, 0, sizeof scratch);
      muskx_status st = define_input(c, &scratch, k, v->items[i], owner);
      if (st == MUSKX_OK)
        st = unit_doc(c, v->items[i], owner, &scratch.unit, &scratch.doc);
      if (st == MUSKX_OK) st = muskx__load_bind_unit(c, b, v->items[i]);
      if (st == MUSKX_OK)
        bound_assignment(&m->assignments[sym->index], b, &scratch.unit, &scratch.doc);
      muskx__free(scratch.unit);
      muskx__free(scratch.doc);
      muskx__load_words_free(scratch.aka, scratch.naka);
      muskx__load_words_free(scratch.opposite, scratch.nopposite);
      muskx__free(scratch.times);
      muskx__free(scratch.values);
      if (st != MUSKX_OK) return st;
      continue;
    }
    muskx__input *in = &m->inputs[sym->index];
    muskx_status st = define_input(c, in, k, v->items[i], owner);
    if (st == MUSKX_OK) st = unit_doc(c, v->items[i], owner, &in->unit, &in->doc);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Assignments, outputs, odes: name: expression or {expr, unit, doc}       */

static muskx_status named_expr(muskx__load_ctx *c, muskx__named_expr *ne,
                               const muskx__yaml_node *k, const muskx__yaml_node *val,
                               const char *owner) {
  static const char *const keys[] = {"expr", "unit", "doc", NULL};
  char what[WHAT_MAX];
  muskx_status st;
  if (val->kind == MUSKX__YAML_MAP) {
    snprintf(what, sizeof what, "in %s", owner);
    if ((st = muskx__load_check_keys(c, val, keys, what)) != MUSKX_OK) return st;
    const muskx__yaml_node *e = muskx__yaml_get(val, "expr", NULL);
    if (e == NULL)
      return muskx__load_fail(c, k, MUSKX_EMODEL, "missing 'expr' for %s", owner);
    snprintf(what, sizeof what, "'expr' of %s", owner);
    if ((st = muskx__load_expr(c, e, what, &ne->expr)) != MUSKX_OK) return st;
  } else if (val->kind == MUSKX__YAML_SEQ) {
    return not_a_list(c, val, "an expression or a mapping", owner);
  } else if ((st = muskx__load_expr(c, val, owner, &ne->expr)) != MUSKX_OK) {
    return st;
  }
  if ((st = unit_doc(c, val, owner, &ne->unit, &ne->doc)) != MUSKX_OK) return st;
  muskx__scope sc = scope_of(owner, MUSKX__ALLOW_ALL, "");
  return muskx__load_resolve(c, ne->expr, &sc);
}

static muskx_status define_named(muskx__load_ctx *c, const muskx__yaml_node *v,
                                 muskx__named_expr *arr, const char *noun) {
  for (size_t i = 0; i < v->n; i++) {
    char owner[OWNER_MAX];
    snprintf(owner, sizeof owner, "%s '%s'", noun, v->keys[i]->text);
    muskx__named_expr *ne = &arr[declared(c, v->keys[i]->text)->index];
    muskx_status st = named_expr(c, ne, v->keys[i], v->items[i], owner);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* For each species, the first reaction whose net stoichiometry changes it
   (-1: none): an ode and a reaction may not both define its derivative. */
muskx_status muskx__load_reaction_changers(muskx__load_ctx *c, int **out) {
  muskx_model *m = c->m;
  int *who = muskx__alloc((size_t)(m->nspecies ? m->nspecies : 1) * sizeof *who);
  double *net = muskx__calloc((size_t)(m->nspecies ? m->nspecies : 1), sizeof *net);
  if (who == NULL || net == NULL) {
    muskx__free(who);
    muskx__free(net);
    return muskx__load_nomem(c);
  }
  for (int s = 0; s < m->nspecies; s++) who[s] = -1;
  for (int r = 0; r < m->nreactions; r++) {
    const muskx__reaction *rx = &m->reactions[r];
    for (int j = 0; j < rx->nlhs; j++) net[rx->lhs[j].species] -= rx->lhs[j].coef;
    for (int j = 0; j < rx->nrhs; j++) net[rx->rhs[j].species] += rx->rhs[j].coef;
    for (int side = 0; side < 2; side++) {
      const muskx__stoich *st = side ? rx->rhs : rx->lhs;
      int n = side ? rx->nrhs : rx->nlhs;
      for (int j = 0; j < n; j++) {
        int s = st[j].species;
        if (net[s] != 0 && who[s] < 0) who[s] = r;
        net[s] = 0;
      }
    }
  }
  muskx__free(net);
  *out = who;
  return MUSKX_OK;
}

muskx_status muskx__load_define_odes(muskx__load_ctx *c, const muskx__yaml_node *v,
                                     const muskx__yaml_node *key) {
  size_t n;
  if (v == NULL) return MUSKX_OK;
  muskx_status st = muskx__load_section(c, key, v, MUSKX__YAML_MAP, &n);
  if (st != MUSKX_OK || n == 0) return st;
  muskx_model *m = c->m;
  int *changer = NULL;
  if ((st = muskx__load_reaction_changers(c, &changer)) != MUSKX_OK) return st;
  for (size_t i = 0; i < n && st == MUSKX_OK; i++) {
    const muskx__yaml_node *k = v->keys[i];
    if ((st = muskx__load_grow(c, (void **)&m->odes, m->nodes, sizeof *m->odes,
                               MUSKX__LOAD_SLOT_ODES, "odes")) != MUSKX_OK)
      break;
    muskx__named_expr *ne = &m->odes[m->nodes++];
    ne->loc = muskx__load_loc(c, k);
    ne->target = -1;
    char full[MUSKX__LOAD_MAX_FULLNAME + 1], owner[OWNER_MAX];
    muskx__load_full(c, k->text, full, sizeof full);
    snprintf(owner, sizeof owner, "ode of '%s'", k->text);
    const muskx__symbol *sym = muskx__symtab_find(m->symtab, full);
    if (sym == NULL)
      st = muskx__load_fail(c, k, MUSKX_EMODEL,
                            "undefined species '%.255s' in odes", k->text);
    else if (sym->kind != MUSKX__SYM_SPECIES)
      st = muskx__load_fail(c, k, MUSKX_EMODEL,
                            "'%s' is %s, not a species (odes give the derivative "
                            "of a species)",
                            k->text, muskx__load_kind_name(sym->kind));
    else if (m->species[sym->index].constant)
      st = muskx__load_fail(c, k, MUSKX_EMODEL,
                            "species '%s' is constant and cannot have an ode",
                            k->text);
    else if (changer[sym->index] >= 0)
      st = muskx__load_fail(c, k, MUSKX_EMODEL,
                            "species '%s' is changed by reaction '%s' and cannot "
                            "also have an ode",
                            k->text, m->reactions[changer[sym->index]].id);
    if (st != MUSKX_OK) break;
    ne->target = sym->index;
    m->species[sym->index].has_ode = 1;
    if ((ne->name = muskx__strdup(full)) == NULL) {
      st = muskx__load_nomem(c);
      break;
    }
    st = named_expr(c, ne, k, v->items[i], owner);
  }
  muskx__free(changer);
  return st;
}

/* ---------------------------------------------------------------------- */

muskx_status muskx__load_define_values(muskx__load_ctx *c) {
  const muskx__yaml_node *root = c->root;
  muskx_status st;
  /* Sections in this order; the declare phase checked their shapes (a
     section may be null: "species:" alone). */
  static const struct {
    const char *key;
    int which;
  } order[] = {{"parameters", 0}, {"compartments", 1}, {"species", 2},
               {"inputs", 3},     {"assignments", 4},  {"outputs", 5}};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const muskx__yaml_node *v = muskx__yaml_get(root, order[i].key, NULL);
    if (v == NULL || v->kind != MUSKX__YAML_MAP || v->n == 0) continue;
    switch (order[i].which) {
      case 0: st = define_params(c, v); break;
      case 1: st = define_compartments(c, v); break;
      case 2: st = define_species(c, v); break;
      case 3: st = define_inputs(c, v); break;
      case 4: st = define_named(c, v, c->m->assignments, "assignment"); break;
      default: st = define_named(c, v, c->m->outputs, "output");
    }
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}
