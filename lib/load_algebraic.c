/*
 * load_algebraic.c -- the `algebraic:` section (muskx-model(5),
 * ALGEBRAIC EQUATIONS): expressions constrained to 0 at all times, which
 * turn the model into a semi-explicit index-1 DAE solved by IDA (dae.c).
 *
 * Which species an equation determines is not written down (SBML's
 * algebraic rules do not say either); it follows from the structure:
 *  - a candidate is a species that nothing else determines: not constant,
 *    no ode, no reaction changes it (net stoichiometry 0 in every
 *    reaction), and some algebraic equation depends on it (directly or
 *    through assignments, reaction rates and functions);
 *  - there must be exactly one candidate per equation, and a matching that
 *    gives every equation its own candidate it depends on (Kuhn's
 *    augmenting paths; a structurally singular system is refused here
 *    rather than found singular by the integrator).
 * A species with no dynamics that no equation depends on stays what it is
 * in an ODE model: fixed between events.
 *
 * Invariant on return: m->algebraics[k].target is the species equation k
 * determines, and that species has algebraic == k + 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "load.h"

#define WHAT_MAX 64

muskx_status muskx__load_define_algebraic(muskx__load_ctx *c,
                                          const muskx__yaml_node *key,
                                          const muskx__yaml_node *v) {
  static const char *const keys[] = {"expr", "doc", NULL};
  size_t n;
  if (v == NULL) return MUSKX_OK;
  muskx_status st = muskx__load_section(c, key, v, MUSKX__YAML_SEQ, &n);
  if (st != MUSKX_OK) return st;
  muskx_model *m = c->m;
  for (size_t i = 0; i < n; i++) {
    const muskx__yaml_node *item = v->items[i], *e = item;
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "algebraic equation %zu", i + 1);
    if ((st = muskx__load_grow(c, (void **)&m->algebraics, m->nalgebraics,
                               sizeof *m->algebraics, MUSKX__LOAD_SLOT_ALGEBRAIC,
                               "algebraic equations")) != MUSKX_OK)
      return st;
    muskx__named_expr *ne = &m->algebraics[m->nalgebraics++];
    ne->target = -1;
    ne->loc = muskx__load_loc(c, item);
    if (item->kind == MUSKX__YAML_MAP) {
      if ((st = muskx__load_check_keys(c, item, keys, what)) != MUSKX_OK) return st;
      e = muskx__yaml_get(item, "expr", NULL);
      if (e == NULL)
        return muskx__load_fail(c, item, MUSKX_EMODEL, "missing 'expr' for %s",
                                what);
      st = muskx__load_opt_string(c, item, "doc", what, &ne->doc);
    } else {
      st = muskx__load_opt_string(c, NULL, "doc", what, &ne->doc);
    }
    if (st != MUSKX_OK) return st;
    if ((ne->unit = muskx__strdup("")) == NULL) return muskx__load_nomem(c);
    if ((st = muskx__load_expr(c, e, what, &ne->expr)) != MUSKX_OK) return st;
    ne->loc = muskx__load_loc(c, e);
    if ((ne->name = muskx__strdup(e->text)) == NULL) return muskx__load_nomem(c);
    muskx__scope sc = {what, MUSKX__ALLOW_ALL, "", -1, -1, -1};
    if ((st = muskx__load_resolve(c, ne->expr, &sc)) != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* ---- structure --------------------------------------------------------- */

typedef struct walk {
  const muskx_model *m;
  uint8_t *seen_assign, *seen_output, *seen_rate, *seen_fn;
  uint8_t *dep; /* per species: the equation depends on it */
} walk;

/* Marks the species e depends on. Depth is bounded by the parser's nesting
   limit per expression and by the acyclic assignment order across them. */
static void deps_of(walk *w, const muskx__expr *e) {
  if (e == NULL) return;
  const muskx_model *m = w->m;
  if (e->kind == MUSKX__E_NAME) {
    int i = e->sym_index;
    switch (e->sym_kind) {
      case MUSKX__SYM_SPECIES: w->dep[i] = 1; break;
      case MUSKX__SYM_ASSIGNMENT:
        if (!w->seen_assign[i]) {
          w->seen_assign[i] = 1;
          deps_of(w, m->assignments[i].expr);
        }
        break;
      case MUSKX__SYM_OUTPUT:
        if (!w->seen_output[i]) {
          w->seen_output[i] = 1;
          deps_of(w, m->outputs[i].expr);
        }
        break;
      case MUSKX__SYM_REACTION:
        if (!w->seen_rate[i]) {
          w->seen_rate[i] = 1;
          deps_of(w, m->reactions[i].rate);
        }
        break;
      default: break;
    }
    return;
  }
  if (e->kind == MUSKX__E_CALL && e->builtin == MUSKX__F_NONE &&
      !w->seen_fn[e->sym_index]) {
    w->seen_fn[e->sym_index] = 1;
    deps_of(w, m->functions[e->sym_index].body);
  }
  for (int k = 0; k < e->nargs; k++) deps_of(w, e->args[k]);
}

/* Kuhn's augmenting path from equation k (recursion depth <= equations). */
static int augment(int k, const uint8_t *adj, int ns, int *eq_of, int *sp_of,
                   uint8_t *visited) {
  for (int j = 0; j < ns; j++) {
    if (!adj[(size_t)k * ns + j] || visited[j]) continue;
    visited[j] = 1;
    if (eq_of[j] < 0 || augment(eq_of[j], adj, ns, eq_of, sp_of, visited)) {
      eq_of[j] = k;
      sp_of[k] = j;
      return 1;
    }
  }
  return 0;
}

muskx_status muskx__load_check_algebraic(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  int na = m->nalgebraics, ns = m->nspecies;
  if (na == 0) return MUSKX_OK;
  size_t n1 = (size_t)ns + 1;
  walk w = {m, NULL, NULL, NULL, NULL, NULL};
  int *changer = NULL;
  uint8_t *adj = muskx__calloc((size_t)na * n1, 1);
  uint8_t *cand = muskx__calloc(n1, 1), *visited = muskx__calloc(n1, 1);
  int *eq_of = muskx__calloc(n1, sizeof *eq_of);
  int *sp_of = muskx__calloc((size_t)na, sizeof *sp_of);
  w.seen_assign = muskx__calloc((size_t)m->nassignments + 1, 1);
  w.seen_output = muskx__calloc((size_t)m->noutputs + 1, 1);
  w.seen_rate = muskx__calloc((size_t)m->nreactions + 1, 1);
  w.seen_fn = muskx__calloc((size_t)m->nfunctions + 1, 1);
  muskx_status st = MUSKX_OK;
  if (!adj || !cand || !visited || !eq_of || !sp_of || !w.seen_assign ||
      !w.seen_output || !w.seen_rate || !w.seen_fn) {
    st = muskx__load_nomem(c);
    goto done;
  }
  if ((st = muskx__load_reaction_changers(c, &changer)) != MUSKX_OK) goto done;
  int ncand = 0;
  for (int k = 0; k < na; k++) {
    memset(w.seen_assign, 0, (size_t)m->nassignments + 1);
    memset(w.seen_output, 0, (size_t)m->noutputs + 1);
    memset(w.seen_rate, 0, (size_t)m->nreactions + 1);
    memset(w.seen_fn, 0, (size_t)m->nfunctions + 1);
    w.dep = adj + (size_t)k * n1;
    deps_of(&w, m->algebraics[k].expr);
    int any = 0;
    for (int j = 0; j < ns; j++) {
      const muskx__species *sp = &m->species[j];
      if (sp->constant || sp->has_ode || changer[j] >= 0) w.dep[j] = 0;
      if (w.dep[j]) {
        any = 1;
        ncand += !cand[j];
        cand[j] = 1;
      }
    }
    if (!any) {
      st = muskx__seterr(c->err, MUSKX_EMODEL, &m->algebraics[k].loc,
                         "algebraic equation '%.200s' depends on no species it "
                         "could determine (one that is not constant, has no "
                         "ode and is not changed by a reaction)",
                         m->algebraics[k].name);
      goto done;
    }
  }
  /* adj rows were laid out with stride ns + 1; compact them to stride ns */
  for (int k = 1; k < na; k++)
    memmove(adj + (size_t)k * ns, adj + (size_t)k * n1, (size_t)ns);
  for (int j = 0; j < ns; j++) eq_of[j] = -1;
  for (int k = 0; k < na; k++) {
    memset(visited, 0, n1);
    if (!augment(k, adj, ns, eq_of, sp_of, visited)) {
      st = muskx__seterr(c->err, MUSKX_EMODEL, &m->algebraics[k].loc,
                         "algebraic equation '%.200s' has no species of its own "
                         "to determine: the species it depends on are all "
                         "determined by other algebraic equations "
                         "(structurally singular)", m->algebraics[k].name);
      goto done;
    }
  }
  if (ncand != na) {
    const char *extra = "?";
    for (int j = 0; j < ns; j++)
      if (cand[j] && eq_of[j] < 0) {
        extra = m->species[j].name;
        break;
      }
    st = muskx__seterr(c->err, MUSKX_EMODEL, &m->algebraics[0].loc,
                       "%d algebraic equation%s for %d undetermined species: "
                       "species '%.200s' is not changed by reactions or odes, "
                       "is not constant and appears in an algebraic equation, "
                       "but no equation is left to determine it (make it "
                       "constant, or add an equation)",
                       na, na == 1 ? "" : "s", ncand, extra);
    goto done;
  }
  for (int k = 0; k < na; k++) {
    m->algebraics[k].target = sp_of[k];
    m->species[sp_of[k]].algebraic = k + 1;
  }
done:
  muskx__free(changer);
  muskx__free(adj);
  muskx__free(cand);
  muskx__free(visited);
  muskx__free(eq_of);
  muskx__free(sp_of);
  muskx__free(w.seen_assign);
  muskx__free(w.seen_output);
  muskx__free(w.seen_rate);
  muskx__free(w.seen_fn);
  return st;
}
