/*
 * load_resolve.c -- name resolution and dependency order for the loader.
 *
 * Resolution gives every E_NAME its (sym_kind, sym_index) and every E_CALL
 * its builtin or user function, enforcing each context's rule (parameters
 * see only earlier parameters, initial values see parameters and
 * compartments, ...). Order: user functions must not recurse (directly or
 * through others), and assignments and outputs are sorted so that each
 * comes after everything it reads, following references through other
 * assignments, outputs, reaction rates (a reaction id means its rate) and
 * the bodies of called functions. Both graph walks are iterative, so a
 * 1,000,000-long chain cannot overflow the C stack.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "load.h"
#include "symtab.h"

const char *muskx__load_kind_name(muskx__sym_kind k) {
  switch (k) {
    case MUSKX__SYM_TIME: return "the current time";
    case MUSKX__SYM_PARAM: return "a parameter";
    case MUSKX__SYM_SPECIES: return "a species";
    case MUSKX__SYM_COMPARTMENT: return "a compartment";
    case MUSKX__SYM_INPUT: return "an input";
    case MUSKX__SYM_ASSIGNMENT: return "an assignment";
    case MUSKX__SYM_OUTPUT: return "an output";
    case MUSKX__SYM_REACTION: return "a reaction";
    case MUSKX__SYM_FUNCTION: return "a function";
    case MUSKX__SYM_FUNARG: return "a function argument";
    case MUSKX__SYM_CONST: return "a constant";
    case MUSKX__SYM_EVENT: return "an event";
  }
  return "something";
}

static const muskx__symbol *lookup(const muskx__load_ctx *c, const char *name) {
  if (c->prefix[0] == '\0') return muskx__symtab_find(c->m->symtab, name);
  char full[MUSKX__LOAD_MAX_FULLNAME + 1];
  return muskx__symtab_find(c->m->symtab, muskx__load_full(c, name, full, sizeof full));
}

/* Named constants, visible unless a model name hides them. */
static int constant(const char *name, double *v) {
  if (strcmp(name, "pi") == 0) return *v = 3.14159265358979323846, 1;
  if (strcmp(name, "e") == 0) return *v = 2.71828182845904523536, 1;
  return 0;
}

static int funarg(const muskx__load_ctx *c, const muskx__scope *sc, const char *name) {
  if (sc->fn < 0) return -1;
  const muskx__function *f = &c->m->functions[sc->fn];
  for (int i = 0; i < f->nargs; i++)
    if (strcmp(f->argnames[i], name) == 0) return i;
  return -1;
}

static muskx_status resolve_name(muskx__load_ctx *c, muskx__expr *e,
                                 const muskx__scope *sc) {
  const char *name = e->name;
  int a = funarg(c, sc, name);
  if (a >= 0) {
    e->sym_kind = MUSKX__SYM_FUNARG;
    e->sym_index = a;
    return MUSKX_OK;
  }
  muskx__sym_kind kind;
  int index = -1;
  const muskx__symbol *sym = NULL;
  double v;
  if (strcmp(name, "t") == 0 || strcmp(name, "time") == 0) {
    kind = MUSKX__SYM_TIME;
  } else if ((sym = lookup(c, name)) != NULL) {
    kind = sym->kind;
    index = sym->index;
    if (kind == MUSKX__SYM_FUNCTION || kind == MUSKX__SYM_EVENT)
      return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                                 "'%s' is %s, not a value (in %s)", name,
                                 muskx__load_kind_name(kind), sc->where);
  } else if (constant(name, &v)) {
    e->sym_kind = MUSKX__SYM_CONST;
    e->num = v;
    return MUSKX_OK;
  } else if (muskx__builtin_lookup(name) != MUSKX__F_NONE) {
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' is a built-in function, not a value (in %s)",
                               name, sc->where);
  } else if (muskx__nonfinite_word(name, strlen(name))) {
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' in %s: expressions have no infinity or NaN "
                               "(every value must be finite)", name, sc->where);
  } else {
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "undefined name '%s' in %s", name, sc->where);
  }
  if (!(sc->allowed & MUSKX__ALLOW(kind))) {
    char note[600];
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' is %s, but %s %s%s", name,
                               muskx__load_kind_name(kind), sc->where, sc->rule,
                               muskx__load_bound_note(c, name, note, sizeof note));
  }
  if (kind == MUSKX__SYM_PARAM && sc->param_limit >= 0) {
    if (index == sc->self_param)
      return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                                 "%s refers to itself", sc->where);
    if (index >= sc->param_limit && sym->loc.file != c->file)
      /* Parameters are laid out file by file, the importing file's before
         its imports' (load.h), so this can only be a module's parameter. */
      return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                                 "'%s' is a parameter of an imported module "
                                 "(%s:%d:%d), which comes after this file's "
                                 "parameters, but %s %s",
                                 name, sym->loc.file, sym->loc.line, sym->loc.col,
                                 sc->where, sc->rule);
    if (index >= sc->param_limit)
      return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                                 "'%s' is a parameter defined later (line %d), but "
                                 "%s %s",
                                 name, sym->loc.line, sc->where, sc->rule);
  }
  if (sc->fn >= 0) c->sh->fn_uses_model[sc->fn] = 1;
  e->sym_kind = kind;
  e->sym_index = index;
  return MUSKX_OK;
}

static muskx_status arity_error(muskx__load_ctx *c, const muskx__expr *e, int want,
                                const muskx__scope *sc) {
  if (want == -2)
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' takes 2 or more arguments, got %d (in %s)",
                               e->name, e->nargs, sc->where);
  return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                             "'%s' takes %d argument%s, got %d (in %s)", e->name, want,
                             want == 1 ? "" : "s", e->nargs, sc->where);
}

static muskx_status resolve_call(muskx__load_ctx *c, muskx__expr *e,
                                 const muskx__scope *sc) {
  muskx__builtin b = muskx__builtin_lookup(e->name);
  if (b != MUSKX__F_NONE) {
    int want = muskx__builtin_arity(b);
    if (want == -2 ? e->nargs < 2 : e->nargs != want) return arity_error(c, e, want, sc);
    e->builtin = b;
    e->sym_kind = MUSKX__SYM_NONE;
    e->sym_index = -1;
    return MUSKX_OK;
  }
  if (funarg(c, sc, e->name) >= 0)
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' is an argument of function '%s', not a function",
                               e->name, c->m->functions[sc->fn].name);
  const muskx__symbol *sym = lookup(c, e->name);
  if (sym == NULL)
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "unknown function '%s' in %s", e->name, sc->where);
  if (sym->kind != MUSKX__SYM_FUNCTION)
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "'%s' is %s, not a function (in %s)", e->name,
                               muskx__load_kind_name(sym->kind), sc->where);
  const muskx__function *f = &c->m->functions[sym->index];
  if (e->nargs != f->nargs) return arity_error(c, e, f->nargs, sc);
  /* A restricted context (parameters, initial values, event times) may only
     call functions that cannot see the model's state. */
  if (sc->allowed != MUSKX__ALLOW_ALL && c->sh->fn_checked && !c->sh->fn_pure[sym->index])
    return muskx__load_fail_at(c, e->line, e->col, MUSKX_EMODEL,
                               "function '%s' uses model names, but %s %s", e->name,
                               sc->where, sc->rule);
  e->builtin = MUSKX__F_NONE;
  e->sym_kind = MUSKX__SYM_FUNCTION;
  e->sym_index = sym->index;
  return MUSKX_OK;
}

muskx_status muskx__load_resolve(muskx__load_ctx *c, muskx__expr *e,
                                 const muskx__scope *sc) {
  if (e == NULL) return MUSKX_OK;
  muskx_status st = MUSKX_OK;
  if (e->kind == MUSKX__E_NAME)
    st = resolve_name(c, e, sc);
  else if (e->kind == MUSKX__E_CALL)
    st = resolve_call(c, e, sc);
  /* Recursion depth is bounded by the parser's tree height limit. */
  for (int i = 0; i < e->nargs && st == MUSKX_OK; i++)
    st = muskx__load_resolve(c, e->args[i], sc);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Dependency graphs                                                       */

typedef struct edges {
  int *src, *dst;
  size_t n, cap;
} edges;

typedef struct graph {
  int n;
  int *off; /* n + 1 */
  int *adj;
} graph;

static int edge_add(edges *g, int s, int d) {
  if (g->n == g->cap) {
    size_t ncap = g->cap ? 2 * g->cap : 64;
    int *ns = muskx__reallocarray(g->src, ncap, sizeof *ns);
    if (ns == NULL) return -1;
    g->src = ns;
    int *nd = muskx__reallocarray(g->dst, ncap, sizeof *nd);
    if (nd == NULL) return -1;
    g->dst = nd;
    g->cap = ncap;
  }
  g->src[g->n] = s;
  g->dst[g->n] = d;
  g->n++;
  return 0;
}

static void edges_free(edges *g) {
  muskx__free(g->src);
  muskx__free(g->dst);
}

/* CSR form, edges of each node in the order they were added. */
static int graph_build(graph *g, int n, const edges *e) {
  g->n = n;
  g->off = muskx__calloc((size_t)n + 1, sizeof *g->off);
  g->adj = muskx__calloc(e->n ? e->n : 1, sizeof *g->adj);
  if (g->off == NULL || g->adj == NULL) return -1;
  for (size_t i = 0; i < e->n; i++) g->off[e->src[i] + 1]++;
  for (int i = 0; i < n; i++) g->off[i + 1] += g->off[i];
  int *fill = muskx__alloc(((size_t)n + 1) * sizeof *fill);
  if (fill == NULL) return -1;
  memcpy(fill, g->off, ((size_t)n + 1) * sizeof *fill);
  for (size_t i = 0; i < e->n; i++) g->adj[fill[e->src[i]]++] = e->dst[i];
  muskx__free(fill);
  return 0;
}

static void graph_free(graph *g) {
  muskx__free(g->off);
  muskx__free(g->adj);
}

typedef struct walk {
  unsigned char *color; /* 0 unseen, 1 on the stack, 2 done */
  int *stack, *it;
  int *post;            /* nodes in post-order (dependencies first) */
  int npost;
  int from, top;        /* on a cycle: stack[from..top] */
} walk;

static int walk_init(walk *w, int n) {
  size_t k = n ? (size_t)n : 1;
  w->color = muskx__calloc(k, 1);
  w->stack = muskx__calloc(k, sizeof *w->stack);
  w->it = muskx__calloc(k, sizeof *w->it);
  w->post = muskx__calloc(k, sizeof *w->post);
  w->npost = 0;
  return w->color && w->stack && w->it && w->post ? 0 : -1;
}

static void walk_free(walk *w) {
  muskx__free(w->color);
  muskx__free(w->stack);
  muskx__free(w->it);
  muskx__free(w->post);
}

/* Iterative depth-first search from root; 1 when a cycle is found. */
static int dfs(const graph *g, walk *w, int root) {
  if (w->color[root] != 0) return 0;
  int sp = 0;
  w->stack[0] = root;
  w->it[0] = g->off[root];
  w->color[root] = 1;
  while (sp >= 0) {
    int v = w->stack[sp];
    if (w->it[sp] < g->off[v + 1]) {
      int u = g->adj[w->it[sp]++];
      if (w->color[u] == 0) {
        sp++;
        w->stack[sp] = u;
        w->it[sp] = g->off[u];
        w->color[u] = 1;
      } else if (w->color[u] == 1) {
        int k = sp;
        while (w->stack[k] != u) k--;
        w->from = k;
        w->top = sp;
        return 1;
      }
    } else {
      w->color[v] = 2;
      w->post[w->npost++] = v;
      sp--;
    }
  }
  return 0;
}

/* "a -> b -> a", bounded to the buffer (ends in "..." when cut). */
static void chain_text(const walk *w, const char *(*name)(const muskx_model *, int),
                       const muskx_model *m, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int k = w->from; k <= w->top + 1; k++) {
    const char *s = name(m, w->stack[k <= w->top ? k : w->from]);
    int n = snprintf(buf + used, size - used, "%s%s", k == w->from ? "" : " -> ", s);
    if (n < 0 || (size_t)n >= size - used) {
      if (size > 4) memcpy(buf + size - 4, "...", 4);
      return;
    }
    used += (size_t)n;
  }
}

/* Adds an edge src -> node(callee or referenced thing) for every call (and,
   when base >= 0, every reference to an assignment, output or reaction) in
   e. Node numbering of the order graph: assignments, outputs, reactions,
   functions. */
typedef struct numbering {
  int out_base, rx_base, fn_base; /* fn_base only, when out_base < 0 */
} numbering;

static int collect(const muskx__expr *e, int src, const numbering *nb, edges *g) {
  if (e == NULL) return 0;
  int dst = -1;
  if (e->kind == MUSKX__E_CALL && e->builtin == MUSKX__F_NONE &&
      e->sym_kind == MUSKX__SYM_FUNCTION)
    dst = nb->fn_base + e->sym_index;
  else if (e->kind == MUSKX__E_NAME && nb->out_base >= 0) {
    if (e->sym_kind == MUSKX__SYM_ASSIGNMENT) dst = e->sym_index;
    if (e->sym_kind == MUSKX__SYM_OUTPUT) dst = nb->out_base + e->sym_index;
    if (e->sym_kind == MUSKX__SYM_REACTION) dst = nb->rx_base + e->sym_index;
  }
  if (dst >= 0 && edge_add(g, src, dst) != 0) return -1;
  for (int i = 0; i < e->nargs; i++)
    if (collect(e->args[i], src, nb, g) != 0) return -1;
  return 0;
}

static const char *function_name(const muskx_model *m, int i) {
  return m->functions[i].name;
}

muskx_status muskx__load_check_functions(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  int n = m->nfunctions;
  edges e = {0};
  graph g = {0};
  walk w = {0};
  muskx_status st = MUSKX_OK;
  numbering nb = {-1, -1, 0};
  for (int i = 0; i < n; i++)
    if (collect(m->functions[i].body, i, &nb, &e) != 0) goto nomem;
  if (graph_build(&g, n, &e) != 0 || walk_init(&w, n) != 0) goto nomem;
  for (int i = 0; i < n; i++)
    if (dfs(&g, &w, i)) {
      char chain[600];
      chain_text(&w, function_name, m, chain, sizeof chain);
      const muskx__function *f = &m->functions[w.stack[w.from]];
      st = muskx__seterr(c->err, MUSKX_EMODEL, &f->loc, "recursive function '%s' (%s)",
                         f->name, chain);
      goto done;
    }
  /* Post-order puts callees first, so purity is one pass. */
  muskx__load_shared *sh = c->sh;
  if ((sh->fn_pure = muskx__calloc((size_t)(n ? n : 1), 1)) == NULL) goto nomem;
  for (int k = 0; k < w.npost; k++) {
    int v = w.post[k];
    int pure = !sh->fn_uses_model[v];
    for (int j = g.off[v]; j < g.off[v + 1] && pure; j++) pure = sh->fn_pure[g.adj[j]];
    sh->fn_pure[v] = (unsigned char)pure;
  }
  sh->fn_checked = 1;
  goto done;
nomem:
  st = muskx__load_nomem(c);
done:
  edges_free(&e);
  graph_free(&g);
  walk_free(&w);
  return st;
}

/* Names and places of order-graph nodes, for the cycle message. */
static const char *order_name(const muskx_model *m, int v) {
  if (v < m->nassignments) return m->assignments[v].name;
  v -= m->nassignments;
  if (v < m->noutputs) return m->outputs[v].name;
  v -= m->noutputs;
  if (v < m->nreactions) return m->reactions[v].id;
  return m->functions[v - m->nreactions].name;
}

static const muskx__loc *order_loc(const muskx_model *m, int v) {
  if (v < m->nassignments) return &m->assignments[v].loc;
  v -= m->nassignments;
  if (v < m->noutputs) return &m->outputs[v].loc;
  v -= m->noutputs;
  if (v < m->nreactions) return &m->reactions[v].loc;
  return &m->functions[v - m->nreactions].loc;
}

muskx_status muskx__load_order(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  int na = m->nassignments, no = m->noutputs, nr = m->nreactions;
  int n = na + no + nr + m->nfunctions;
  numbering nb = {na, na + no, na + no + nr};
  edges e = {0};
  graph g = {0};
  walk w = {0};
  muskx_status st = MUSKX_OK;
  for (int i = 0; i < na; i++)
    if (collect(m->assignments[i].expr, i, &nb, &e) != 0) goto nomem;
  for (int i = 0; i < no; i++)
    if (collect(m->outputs[i].expr, na + i, &nb, &e) != 0) goto nomem;
  for (int i = 0; i < nr; i++)
    if (collect(m->reactions[i].rate, na + no + i, &nb, &e) != 0) goto nomem;
  for (int i = 0; i < m->nfunctions; i++)
    if (collect(m->functions[i].body, nb.fn_base + i, &nb, &e) != 0) goto nomem;
  if (graph_build(&g, n, &e) != 0 || walk_init(&w, n) != 0) goto nomem;
  /* Roots in file order: assignments, outputs, then reaction rates (a
     cycle among rates alone is as fatal as one among assignments). */
  for (int i = 0; i < na + no + nr; i++)
    if (dfs(&g, &w, i)) {
      char chain[600];
      chain_text(&w, order_name, m, chain, sizeof chain);
      st = muskx__seterr(c->err, MUSKX_EMODEL, order_loc(m, w.stack[w.from]),
                         "cycle among assignments: %s", chain);
      goto done;
    }
  if (na + no > 0) {
    m->assign_order = muskx__calloc((size_t)(na + no), sizeof *m->assign_order);
    if (m->assign_order == NULL) goto nomem;
    for (int k = 0; k < w.npost; k++) {
      int v = w.post[k];
      if (v >= na + no) continue;
      m->assign_order[m->nassign_order].kind =
          v < na ? MUSKX__SYM_ASSIGNMENT : MUSKX__SYM_OUTPUT;
      m->assign_order[m->nassign_order].index = v < na ? v : v - na;
      m->nassign_order++;
    }
  }
  goto done;
nomem:
  st = muskx__load_nomem(c);
done:
  edges_free(&e);
  graph_free(&g);
  walk_free(&w);
  return st;
}
