/*
 * load_reactions.c -- the list sections of the loader: reactions (with the
 * equation syntax "2 A + B -> C", "A <-> B", "-> X", "X ->") and events.
 *
 * Equation decisions: a coefficient is a positive finite decimal number
 * followed by at least one space ("2 B", "0.5 A"); "2B" is refused with a
 * message that says to add the space, because "2E5" could be read either
 * way. The same species twice on one side is merged ("A + A" is "2 A");
 * on both sides it is kept (net stoichiometry is computed later).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "decimal.h"
#include "load.h"
#include "symtab.h"

#define OWNER_MAX 320
#define WHAT_MAX (OWNER_MAX + 64)

/* ---------------------------------------------------------------------- */
/* Declarations: ids                                                       */

static muskx_status declare_list(muskx__load_ctx *c, const muskx__yaml_node *key,
                                 const muskx__yaml_node *list, muskx__sym_kind kind) {
  size_t n;
  muskx_status st = muskx__load_section(c, key, list, MUSKX__YAML_SEQ, &n);
  if (st != MUSKX_OK || n == 0) return st;
  muskx_model *m = c->m;
  int rx = kind == MUSKX__SYM_REACTION;
  const char *noun = rx ? "reaction" : "event";
  char letter = rx ? 'r' : 'e';
  /* This file's entries are contiguous from here (load.h). */
  if (rx)
    c->rx_base = m->nreactions;
  else
    c->ev_base = m->nevents;
  for (size_t i = 0; i < n; i++) {
    const muskx__yaml_node *item = list->items[i];
    char **id;
    int index = rx ? m->nreactions : m->nevents;
    st = rx ? muskx__load_grow(c, (void **)&m->reactions, index, sizeof *m->reactions,
                               MUSKX__SYM_REACTION, "reactions")
            : muskx__load_grow(c, (void **)&m->events, index, sizeof *m->events,
                               MUSKX__SYM_EVENT, "events");
    if (st != MUSKX_OK) return st;
    if (rx) {
      muskx__reaction *r = &m->reactions[m->nreactions++];
      c->nrx++;
      r->loc = muskx__load_loc(c, item);
      id = &r->id;
    } else {
      c->nev++;
      muskx__event *e = &m->events[m->nevents++];
      e->loc = muskx__load_loc(c, item);
      e->count = -1;
      e->persistent = e->initial_value = e->use_trigger_values = 1;
      id = &e->id;
    }
    char buf[64];
    if (item->kind != MUSKX__YAML_MAP)
      return muskx__load_fail(c, item, MUSKX_EMODEL,
                              "expected a mapping for %s %zu, got %s", noun, i + 1,
                              muskx__load_describe(item, buf, sizeof buf));
    const muskx__yaml_node *idn = muskx__yaml_get(item, "id", NULL);
    if (idn != NULL) {
      if (idn->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(idn))
        return muskx__load_fail(c, idn, MUSKX_EMODEL,
                                "expected a name for 'id' of %s %zu, got %s", noun,
                                i + 1, muskx__load_describe(idn, buf, sizeof buf));
      st = muskx__load_declare(c, idn, idn->text, kind, index, id);
    } else {
      char dflt[32];
      snprintf(dflt, sizeof dflt, "%c%zu", letter, i + 1);
      st = muskx__load_declare(c, item, dflt, kind, index, id);
    }
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

muskx_status muskx__load_declare_reactions(muskx__load_ctx *c,
                                           const muskx__yaml_node *key,
                                           const muskx__yaml_node *list) {
  return declare_list(c, key, list, MUSKX__SYM_REACTION);
}

muskx_status muskx__load_declare_events(muskx__load_ctx *c,
                                        const muskx__yaml_node *key,
                                        const muskx__yaml_node *list) {
  return declare_list(c, key, list, MUSKX__SYM_EVENT);
}

/* ---------------------------------------------------------------------- */
/* Equations                                                               */

typedef struct eqparser {
  muskx__load_ctx *c;
  const muskx__yaml_node *node; /* the equation scalar */
  const char *s;
  size_t len;
  const char *rid; /* reaction id, for messages */
} eqparser;

/* File position of byte off of the equation (lines restart at the base
   column, as in the expression parser). */
static void eq_pos(const eqparser *p, size_t off, int *line, int *col) {
  *line = p->node->text_line;
  *col = p->node->text_col;
  for (size_t i = 0; i < off && i < p->len; i++) {
    if (p->s[i] == '\n') {
      (*line)++;
      *col = p->node->text_col;
    } else {
      (*col)++;
    }
  }
}

static muskx_status eq_fail(const eqparser *p, size_t off, const char *fmt, ...)
    MUSKX__PRINTF(3, 4);

static muskx_status eq_fail(const eqparser *p, size_t off, const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line, col;
  eq_pos(p, off, &line, &col);
  return muskx__load_fail_at(p->c, line, col, MUSKX_EMODEL,
                             "%s in equation of reaction '%s'", msg, p->rid);
}

static int eq_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }
static int eq_alpha(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}
static int eq_digit(char ch) { return ch >= '0' && ch <= '9'; }
static int eq_word(char ch) { return eq_alpha(ch) || eq_digit(ch) || ch == '.'; }

static muskx_status add_term(eqparser *p, muskx__stoich **arr, int *n, int species,
                             double coef) {
  for (int i = 0; i < *n; i++)
    if ((*arr)[i].species == species) {
      (*arr)[i].coef += coef;
      return MUSKX_OK;
    }
  muskx__stoich *na = muskx__reallocarray(*arr, (size_t)*n + 1, sizeof *na);
  if (na == NULL) return muskx__load_nomem(p->c);
  *arr = na;
  na[*n].species = species;
  na[*n].coef = coef;
  (*n)++;
  return MUSKX_OK;
}

/* One side of the arrow: bytes [from, to). */
static muskx_status parse_side(eqparser *p, size_t from, size_t to,
                               muskx__stoich **arr, int *n) {
  const char *s = p->s;
  size_t i = from;
  while (i < to && eq_space(s[i])) i++;
  if (i == to) return MUSKX_OK; /* empty side: synthesis or degradation */
  for (;;) {
    while (i < to && eq_space(s[i])) i++;
    if (i == to) return eq_fail(p, i, "expected a species after '+'");
    double coef = 1;
    if (eq_digit(s[i]) || s[i] == '.') {
      size_t num = muskx__decimal_span(s + i, to - i), run = num;
      while (i + run < to && eq_word(s[i + run])) run++;
      if (num == 0 || (run != num && !eq_alpha(s[i + num])))
        return eq_fail(p, i, "malformed coefficient '%.*s'", (int)(run ? run : 1),
                       s + i);
      if (run != num)
        return eq_fail(p, i,
                       "missing space between coefficient and species in "
                       "'%.*s' (write '%.*s %.*s')",
                       (int)run, s + i, (int)num, s + i, (int)(run - num),
                       s + i + num);
      char buf[64];
      if (num >= sizeof buf) return eq_fail(p, i, "coefficient is too long");
      memcpy(buf, s + i, num);
      buf[num] = '\0';
      coef = strtod(buf, NULL);
      if (!isfinite(coef))
        return eq_fail(p, i, "coefficient '%s' is out of range", buf);
      if (!(coef > 0))
        return eq_fail(p, i, "coefficient must be positive, got '%s'", buf);
      i += num;
      if (i == to || !eq_space(s[i]))
        return eq_fail(p, i, "expected a species after coefficient '%s'", buf);
      while (i < to && eq_space(s[i])) i++;
      if (i == to || !eq_alpha(s[i]))
        return eq_fail(p, i, "expected a species after coefficient '%s'", buf);
    } else if (s[i] == '-' && i + 1 < to && (eq_digit(s[i + 1]) || s[i + 1] == '.')) {
      size_t run = 1;
      while (i + run < to && eq_word(s[i + run])) run++;
      return eq_fail(p, i, "coefficient must be positive, got '%.*s'", (int)run, s + i);
    } else if (!eq_alpha(s[i])) {
      return eq_fail(p, i, "unexpected '%c'", s[i]);
    }
    size_t n0 = i;
    while (i < to && eq_word(s[i])) i++;
    size_t nl = i - n0;
    if (nl > MUSKX__LOAD_MAX_NAME)
      return eq_fail(p, n0, "species name '%.40s...' is too long", s + n0);
    char full[MUSKX__LOAD_MAX_FULLNAME + 1];
    snprintf(full, sizeof full, "%s%.*s", p->c->prefix, (int)nl, s + n0);
    const muskx__symbol *sym = muskx__symtab_find(p->c->m->symtab, full);
    if (sym == NULL && muskx__nonfinite_word(s + n0, nl))
      return eq_fail(p, n0, "'%.*s' is not a species, and a coefficient must be "
                     "a finite positive number", (int)nl, s + n0);
    if (sym == NULL) return eq_fail(p, n0, "unknown species '%.*s'", (int)nl, s + n0);
    if (sym->kind != MUSKX__SYM_SPECIES)
      return eq_fail(p, n0, "'%.*s' is %s, not a species", (int)nl, s + n0,
                     muskx__load_kind_name(sym->kind));
    muskx_status st = add_term(p, arr, n, sym->index, coef);
    if (st != MUSKX_OK) return st;
    while (i < to && eq_space(s[i])) i++;
    if (i == to) return MUSKX_OK;
    if (s[i] != '+') {
      size_t run = 1;
      while (i + run < to && eq_word(s[i]) && eq_word(s[i + run])) run++;
      return eq_fail(p, i, "unexpected '%.*s' (terms are joined by '+')", (int)run,
                     s + i);
    }
    i++;
  }
}

static muskx_status parse_equation(muskx__load_ctx *c, muskx__reaction *r,
                                   const muskx__yaml_node *node) {
  eqparser p = {c, node, node->text, node->len, r->id};
  size_t arrow = 0, alen = 0;
  int narrows = 0;
  for (size_t i = 0; i + 1 < p.len; i++) {
    size_t l = 0;
    if (p.s[i] == '<' && p.s[i + 1] == '-' && i + 2 < p.len && p.s[i + 2] == '>')
      l = 3;
    else if (p.s[i] == '-' && p.s[i + 1] == '>')
      l = 2;
    if (l == 0) continue;
    if (++narrows > 1) return eq_fail(&p, i, "more than one arrow");
    arrow = i;
    alen = l;
    r->reversible = l == 3;
    i += l - 1;
  }
  if (narrows == 0) {
    for (size_t i = 0; i < p.len; i++)
      if (p.s[i] == '=' || p.s[i] == '<' || p.s[i] == '>')
        return eq_fail(&p, i, "unknown arrow (use '->' or '<->')");
    return eq_fail(&p, 0, "missing '->' or '<->'");
  }
  muskx_status st = parse_side(&p, 0, arrow, &r->lhs, &r->nlhs);
  if (st == MUSKX_OK) st = parse_side(&p, arrow + alen, p.len, &r->rhs, &r->nrhs);
  if (st != MUSKX_OK) return st;
  if (r->nlhs == 0 && r->nrhs == 0)
    return eq_fail(&p, arrow, "no reactants and no products");
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Reactions                                                               */

static muskx_status required(muskx__load_ctx *c, const muskx__yaml_node *item,
                             const char *key, const char *owner,
                             const muskx__yaml_node **out) {
  *out = muskx__yaml_get(item, key, NULL);
  if (*out == NULL)
    return muskx__load_fail(c, item, MUSKX_EMODEL, "missing '%s' in %s", key, owner);
  return MUSKX_OK;
}

muskx_status muskx__load_define_reactions(muskx__load_ctx *c,
                                          const muskx__yaml_node *list) {
  static const char *const keys[] = {"id", "equation", "rate", "doc", NULL};
  muskx_model *m = c->m;
  for (int i = 0; i < c->nrx; i++) {
    muskx__reaction *r = &m->reactions[c->rx_base + i];
    const muskx__yaml_node *item = list->items[i], *eq, *rate;
    char owner[OWNER_MAX], what[WHAT_MAX], buf[64];
    snprintf(owner, sizeof owner, "reaction '%s'", r->id);
    snprintf(what, sizeof what, "in %s", owner);
    muskx_status st = muskx__load_check_keys(c, item, keys, what);
    if (st == MUSKX_OK) st = required(c, item, "equation", owner, &eq);
    if (st == MUSKX_OK) st = required(c, item, "rate", owner, &rate);
    if (st == MUSKX_OK) st = muskx__load_opt_string(c, item, "doc", owner, &r->doc);
    if (st != MUSKX_OK) return st;
    if (eq->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(eq))
      return muskx__load_fail(c, eq, MUSKX_EMODEL,
                              "expected an equation such as 'A + B -> C' for %s, got %s",
                              owner, muskx__load_describe(eq, buf, sizeof buf));
    if ((r->equation_text = muskx__strdup(eq->text)) == NULL) return muskx__load_nomem(c);
    if ((st = parse_equation(c, r, eq)) != MUSKX_OK) return st;
    snprintf(what, sizeof what, "rate of %s", owner);
    if ((st = muskx__load_expr(c, rate, what, &r->rate)) != MUSKX_OK) return st;
    if ((r->rate_text = muskx__strdup(rate->text)) == NULL) return muskx__load_nomem(c);
    r->rate_loc.file = c->file;
    r->rate_loc.line = rate->text_line;
    r->rate_loc.col = rate->text_col;
    muskx__scope sc = {what, MUSKX__ALLOW_ALL, "", -1, -1, -1};
    if ((st = muskx__load_resolve(c, r->rate, &sc)) != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */

/* An optional expression key of an event, resolved in a scope. */
static muskx_status event_expr(muskx__load_ctx *c, const muskx__yaml_node *item,
                               const char *key, const char *label,
                               const char *eid, int timing, muskx__expr **out) {
  const muskx__yaml_node *n = muskx__yaml_get(item, key, NULL);
  if (n == NULL) return MUSKX_OK;
  char what[WHAT_MAX];
  snprintf(what, sizeof what, "%s of event '%s'", label, eid);
  muskx_status st = muskx__load_expr(c, n, what, out);
  if (st != MUSKX_OK) return st;
  /* Firing times are fixed before the run, so they may use parameters
     only (a time that moves with the state would be a `when`). */
  muskx__scope sc = {what, timing ? MUSKX__ALLOW(MUSKX__SYM_PARAM) : MUSKX__ALLOW_ALL,
                     "may only refer to parameters", -1, -1, -1};
  return muskx__load_resolve(c, *out, &sc);
}

static muskx_status event_expr(muskx__load_ctx *c, const muskx__yaml_node *item,
                               const char *key, const char *label,
                               const char *eid, int timing, muskx__expr **out);

/* count: a positive integer, or an expression of parameters (muskx-model(5)
   EVENTS) whose value each run start checks is a whole number >= 1. */
static muskx_status event_count(muskx__load_ctx *c, const muskx__yaml_node *item,
                                const muskx__yaml_node *n, muskx__event *e) {
  long *out = &e->count;
  const char *eid = e->id;
  if (n->kind == MUSKX__YAML_SCALAR && n->style == MUSKX__YAML_PLAIN) {
    const char *s = n->text + (n->text[0] == '+');
    size_t i = 0;
    while (eq_digit(s[i])) i++;
    if (i > 0 && s[i] == '\0') {
      errno = 0;
      long v = strtol(s, NULL, 10);
      if (errno == 0 && v > 0 && v <= INT_MAX) {
        *out = v;
        return MUSKX_OK;
      }
    }
  }
  char buf[64];
  if (n->kind == MUSKX__YAML_SCALAR) {
    muskx_status st = event_expr(c, item, "count", "'count'", eid, 1, &e->count_expr);
    if (st != MUSKX_OK) return st;
    if (e->count_expr->kind != MUSKX__E_NUM) {
      *out = -2;
      return MUSKX_OK;
    }
    double v = e->count_expr->num; /* a quoted literal ("3") */
    muskx__expr_free(e->count_expr);
    e->count_expr = NULL;
    if (v >= 1 && v <= INT_MAX && v == (double)(long)v) {
      *out = (long)v;
      return MUSKX_OK;
    }
  }
  return muskx__load_fail(c, n, MUSKX_EMODEL,
                          "expected a positive integer or an expression of "
                          "parameters for 'count' of event '%s', got %s",
                          eid, muskx__load_describe(n, buf, sizeof buf));
}

static muskx_status event_sets(muskx__load_ctx *c, muskx__event *e,
                               const muskx__yaml_node *item) {
  muskx__yaml_node *sk;
  const muskx__yaml_node *set = muskx__yaml_get(item, "set", &sk);
  char buf[64];
  if (set == NULL)
    return muskx__load_fail(c, item, MUSKX_EMODEL,
                            "missing 'set' in event '%s' (what the event changes)",
                            e->id);
  if (muskx__yaml_is_null(set) || (set->kind == MUSKX__YAML_MAP && set->n == 0))
    return muskx__load_fail(c, set, MUSKX_EMODEL, "'set' of event '%s' is empty",
                            e->id);
  if (set->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, set, MUSKX_EMODEL,
                            "expected a mapping 'name: expression' for 'set' of "
                            "event '%s', got %s",
                            e->id, muskx__load_describe(set, buf, sizeof buf));
  if (set->n > MUSKX__LOAD_MAX_ITEMS)
    return muskx__load_fail(c, set, MUSKX_ELIMIT,
                            "too many entries in 'set' of event '%s' (more than %d)",
                            e->id, MUSKX__LOAD_MAX_ITEMS);
  if ((e->sets = muskx__calloc(set->n, sizeof *e->sets)) == NULL)
    return muskx__load_nomem(c);
  for (size_t i = 0; i < set->n; i++) {
    const muskx__yaml_node *k = set->keys[i];
    muskx__event_set *es = &e->sets[e->nsets++];
    es->loc = muskx__load_loc(c, k);
    char full[MUSKX__LOAD_MAX_FULLNAME + 1], what[OWNER_MAX + 300], note[600];
    muskx__load_full(c, k->text, full, sizeof full);
    const muskx__symbol *sym = muskx__symtab_find(c->m->symtab, full);
    if (sym == NULL)
      return muskx__load_fail(c, k, MUSKX_EMODEL,
                              "undefined name '%.255s' in set of event '%s'", k->text,
                              e->id);
    if (sym->kind != MUSKX__SYM_SPECIES && sym->kind != MUSKX__SYM_PARAM &&
        sym->kind != MUSKX__SYM_COMPARTMENT)
      return muskx__load_fail(c, k, MUSKX_EMODEL,
                              "event '%s' cannot set '%s', which is %s (only "
                              "species, parameters and compartments can be set)%s",
                              e->id, k->text, muskx__load_kind_name(sym->kind),
                              muskx__load_bound_note(c, k->text, note, sizeof note));
    es->target_kind = sym->kind;
    es->target = sym->index;
    snprintf(what, sizeof what, "set of '%s' in event '%s'", k->text, e->id);
    muskx_status st = muskx__load_expr(c, set->items[i], what, &es->value);
    if (st != MUSKX_OK) return st;
    muskx__scope sc = {what, MUSKX__ALLOW_ALL, "", -1, -1, -1};
    if ((st = muskx__load_resolve(c, es->value, &sc)) != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

static muskx_status define_event(muskx__load_ctx *c, muskx__event *e,
                                 const muskx__yaml_node *item) {
  static const char *const keys[] = {
      "id",     "doc",   "at",    "every",      "count",
      "until",  "when",  "set",   "delay",      "priority",
      "persistent", "initial_value", "use_values_from_trigger_time", NULL};
  static const char *const flags[] = {"persistent", "initial_value",
                                      "use_values_from_trigger_time"};
  char owner[OWNER_MAX], what[WHAT_MAX];
  snprintf(owner, sizeof owner, "event '%s'", e->id);
  snprintf(what, sizeof what, "in %s", owner);
  muskx_status st = muskx__load_check_keys(c, item, keys, what);
  if (st == MUSKX_OK) st = muskx__load_opt_string(c, item, "doc", owner, &e->doc);
  if (st != MUSKX_OK) return st;
  muskx__yaml_node *atk, *whenk, *everyk, *countk, *untilk;
  const muskx__yaml_node *at = muskx__yaml_get(item, "at", &atk);
  const muskx__yaml_node *when = muskx__yaml_get(item, "when", &whenk);
  const muskx__yaml_node *every = muskx__yaml_get(item, "every", &everyk);
  const muskx__yaml_node *count = muskx__yaml_get(item, "count", &countk);
  const muskx__yaml_node *until = muskx__yaml_get(item, "until", &untilk);
  if (at != NULL && when != NULL)
    return muskx__load_fail(c, at->line < when->line ? whenk : atk, MUSKX_EMODEL,
                            "%s has both 'at' and 'when' (use one)", owner);
  if (at == NULL && when == NULL)
    return muskx__load_fail(c, item, MUSKX_EMODEL,
                            "%s needs 'at' (a time) or 'when' (a condition)", owner);
  if (every != NULL && at == NULL)
    return muskx__load_fail(c, everyk, MUSKX_EMODEL,
                            "'every' needs 'at' in %s (a repeating event starts at "
                            "a time)",
                            owner);
  if (count != NULL && every == NULL)
    return muskx__load_fail(c, countk, MUSKX_EMODEL, "'count' needs 'every' in %s",
                            owner);
  if (until != NULL && every == NULL)
    return muskx__load_fail(c, untilk, MUSKX_EMODEL, "'until' needs 'every' in %s",
                            owner);
  if (count != NULL && until != NULL)
    return muskx__load_fail(c, untilk, MUSKX_EMODEL,
                            "%s has both 'count' and 'until' (use one)", owner);
  if ((st = event_expr(c, item, "at", "'at'", e->id, 1, &e->at)) != MUSKX_OK ||
      (st = event_expr(c, item, "every", "'every'", e->id, 1, &e->every)) != MUSKX_OK ||
      (st = event_expr(c, item, "until", "'until'", e->id, 1, &e->until)) != MUSKX_OK ||
      (st = event_expr(c, item, "when", "condition", e->id, 0, &e->when)) != MUSKX_OK ||
      (st = event_expr(c, item, "delay", "delay", e->id, 0, &e->delay)) != MUSKX_OK ||
      (st = event_expr(c, item, "priority", "priority", e->id, 0, &e->priority)) !=
          MUSKX_OK)
    return st;
  if (e->every != NULL && e->every->kind == MUSKX__E_NUM && !(e->every->num > 0))
    return muskx__load_fail_at(c, e->every->line, e->every->col, MUSKX_EMODEL,
                               "'every' of %s must be positive, got %g", owner,
                               e->every->num);
  if (e->delay != NULL && e->delay->kind == MUSKX__E_NUM && e->delay->num < 0)
    return muskx__load_fail_at(c, e->delay->line, e->delay->col, MUSKX_EMODEL,
                               "'delay' of %s must not be negative, got %g", owner,
                               e->delay->num);
  if (count != NULL && (st = event_count(c, item, count, e)) != MUSKX_OK)
    return st;
  int *dest[3] = {&e->persistent, &e->initial_value, &e->use_trigger_values};
  for (int i = 0; i < 3; i++) {
    const muskx__yaml_node *n = muskx__yaml_get(item, flags[i], NULL);
    snprintf(what, sizeof what, "'%s' of %s", flags[i], owner);
    if (n != NULL && (st = muskx__load_bool(c, n, what, dest[i])) != MUSKX_OK)
      return st;
    if (n != NULL && i == 1) e->initial_value_given = 1;
  }
  return event_sets(c, e, item);
}

muskx_status muskx__load_define_events(muskx__load_ctx *c,
                                       const muskx__yaml_node *list) {
  muskx_model *m = c->m;
  for (int i = 0; i < c->nev; i++) {
    muskx__event *e = &m->events[c->ev_base + i];
    muskx_status st = define_event(c, e, list->items[i]);
    if (st != MUSKX_OK) return st;
    if (e->doc == NULL && (e->doc = muskx__strdup("")) == NULL)
      return muskx__load_nomem(c);
  }
  return MUSKX_OK;
}
