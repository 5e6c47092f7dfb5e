/*
 * compile_sens.c -- symbolic derivatives for forward sensitivities: the
 * same chain rule as the Jacobian (jacobian.c), by parameter-like slots,
 * time and inputs as well as states. Each list holds only structural
 * nonzeros, found by walking the expression's leaves first, so the cost
 * follows what each expression actually depends on.
 */
#include <string.h>

#include "alloc.h"
#include "compile_sens.h"
#include "jacobian.h"

typedef struct walk {
  muskx__dag *g;
  uint32_t *visited;
  int32_t *stack, *deps;
  size_t cap;       /* entries of visited and stack */
  uint32_t stamp;
} walk;

static int push(muskx__dentries *l, int32_t row, int32_t col, int32_t node) {
  if (node < 0) return -1;
  if (l->n == l->cap) {
    int32_t nc = l->cap ? 2 * l->cap : 16;
    int32_t *r = muskx__reallocarray(l->row, (size_t)nc, sizeof *r);
    if (r) l->row = r;
    int32_t *c = r ? muskx__reallocarray(l->col, (size_t)nc, sizeof *c) : NULL;
    if (c) l->col = c;
    int32_t *d = c ? muskx__reallocarray(l->node, (size_t)nc, sizeof *d) : NULL;
    if (d == NULL) return -1;
    l->node = d;
    l->cap = nc;
  }
  l->row[l->n] = row;
  l->col[l->n] = col;
  l->node[l->n] = node;
  l->n++;
  return 0;
}

/* Differentiation adds nodes: the traversal buffers follow, the new part
   zeroed so that old stamps stay valid. */
static int walk_fit(walk *w) {
  size_t n = (size_t)w->g->n;
  if (n <= w->cap) return 0;
  uint32_t *v = muskx__reallocarray(w->visited, n, sizeof *v);
  if (v) w->visited = v;
  int32_t *s = v ? muskx__reallocarray(w->stack, n, sizeof *s) : NULL;
  if (s == NULL) return -1;
  w->stack = s;
  memset(w->visited + w->cap, 0, (n - w->cap) * sizeof *v);
  w->cap = n;
  return 0;
}

/* Appends d(roots[i])/d(leaf j) != 0 to out as (i, j, node). */
static int derive(walk *w, const int32_t *roots, int32_t n, muskx__dop leaf,
                  muskx__dentries *out) {
  muskx__diff *d = muskx__diff_new_wrt(w->g, leaf);
  if (d == NULL) return -1;
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    if ((rc = walk_fit(w)) != 0) break;
    w->stamp++;
    int nd = muskx__dag_leaf_deps(w->g, roots[i], leaf, w->deps, w->stack,
                                  w->visited, w->stamp);
    for (int k = 0; rc == 0 && k < nd; k++) {
      int32_t e = muskx__diff_wrt(d, roots[i], w->deps[k]);
      if (e < 0) rc = -1;
      else if (e != MUSKX__DAG_ZERO) rc = push(out, i, w->deps[k], e);
    }
  }
  muskx__diff_free(d);
  return rc != 0 || w->g->oom ? -1 : 0;
}

/* d/dt (col -1) then d/d(input j) (col j). */
static int derive_tu(walk *w, const int32_t *roots, int32_t n,
                     muskx__dentries *out) {
  if (derive(w, roots, n, MUSKX__D_TIME, out)) return -1;
  return derive(w, roots, n, MUSKX__D_INPUT, out);
}

int muskx__sens_build_all(muskx__sens_build *sb, muskx__dag *g,
                          const muskx_model *m, const muskx__sens_roots *r) {
  memset(sb, 0, sizeof *sb);
  walk w = {g, NULL, NULL, NULL, 0, 0};
  int nleaves = m->nspecies;
  if (m->nparams + m->ncompartments > nleaves)
    nleaves = m->nparams + m->ncompartments;
  if (m->ninputs > nleaves) nleaves = m->ninputs;
  w.deps = muskx__calloc((size_t)nleaves + 1, sizeof *w.deps);
  size_t ne = (size_t)m->nevents + 1;
  sb->nevents = m->nevents;
  sb->ev_y = muskx__calloc(ne, sizeof *sb->ev_y);
  sb->ev_p = muskx__calloc(ne, sizeof *sb->ev_p);
  sb->ev_tu = muskx__calloc(ne, sizeof *sb->ev_tu);
  sb->tm_p = muskx__calloc(ne, sizeof *sb->tm_p);
  int rc = -1;
  if (!w.deps || !sb->ev_y || !sb->ev_p || !sb->ev_tu || !sb->tm_p) goto out;
  if (derive(&w, r->rhs, r->nrhs, MUSKX__D_PARAM, &sb->f_p) ||
      derive(&w, r->outputs, r->noutputs, MUSKX__D_STATE, &sb->out_y) ||
      derive(&w, r->outputs, r->noutputs, MUSKX__D_PARAM, &sb->out_p) ||
      derive(&w, r->init_param, r->ninit_param, MUSKX__D_PARAM, &sb->ip_p) ||
      derive(&w, r->init_species, r->ninit_species, MUSKX__D_PARAM, &sb->iy_p) ||
      derive(&w, r->roots, r->nroots, MUSKX__D_STATE, &sb->root_y) ||
      derive(&w, r->roots, r->nroots, MUSKX__D_PARAM, &sb->root_p) ||
      derive_tu(&w, r->roots, r->nroots, &sb->root_tu))
    goto out;
  for (int e = 0; e < m->nevents; e++) {
    int ns = m->events[e].nsets;
    if (derive(&w, r->event_sets[e], ns, MUSKX__D_STATE, &sb->ev_y[e]) ||
        derive(&w, r->event_sets[e], ns, MUSKX__D_PARAM, &sb->ev_p[e]) ||
        derive_tu(&w, r->event_sets[e], ns, &sb->ev_tu[e]) ||
        derive(&w, r->event_timing[e], r->nevent_timing[e], MUSKX__D_PARAM,
               &sb->tm_p[e]))
      goto out;
  }
  rc = 0;
out:
  muskx__free(w.visited);
  muskx__free(w.stack);
  muskx__free(w.deps);
  return rc;
}

static void entries_free(muskx__dentries *l) {
  muskx__free(l->row);
  muskx__free(l->col);
  muskx__free(l->node);
}

void muskx__sens_build_free(muskx__sens_build *sb) {
  muskx__dentries *all[] = {&sb->f_p, &sb->out_y, &sb->out_p, &sb->ip_p,
                            &sb->iy_p, &sb->root_y, &sb->root_p, &sb->root_tu};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) entries_free(all[i]);
  for (int e = 0; e < sb->nevents; e++) {
    if (sb->ev_y) entries_free(&sb->ev_y[e]);
    if (sb->ev_p) entries_free(&sb->ev_p[e]);
    if (sb->ev_tu) entries_free(&sb->ev_tu[e]);
    if (sb->tm_p) entries_free(&sb->tm_p[e]);
  }
  muskx__free(sb->ev_y);
  muskx__free(sb->ev_p);
  muskx__free(sb->ev_tu);
  muskx__free(sb->tm_p);
  memset(sb, 0, sizeof *sb);
}

static int emit_one(const muskx__dentries *l, muskx__dprog *out,
                    muskx__emit_fn emit, void *ctx) {
  size_t n = (size_t)l->n + 1;
  out->row = muskx__calloc(n, sizeof *out->row);
  out->col = muskx__calloc(n, sizeof *out->col);
  if (out->row == NULL || out->col == NULL) return -1;
  if (l->n > 0) {
    memcpy(out->row, l->row, (size_t)l->n * sizeof *l->row);
    memcpy(out->col, l->col, (size_t)l->n * sizeof *l->col);
  }
  return emit(ctx, l->node, l->n, &out->code);
}

/* Splits l by column into nslots programs: a counting sort by column,
   stable, so each column keeps its entries' order. */
static int emit_by_slot(const muskx__dentries *l, int nslots,
                        muskx__dprog **out, muskx__dprog *all,
                        int32_t **all_ptr, muskx__emit_fn emit, void *ctx) {
  size_t n = (size_t)l->n + 1;
  int32_t *start = muskx__calloc((size_t)nslots + 1, sizeof *start);
  int32_t *next = muskx__calloc((size_t)nslots + 1, sizeof *next);
  muskx__dentries by = {muskx__calloc(n, sizeof(int32_t)),
                        muskx__calloc(n, sizeof(int32_t)),
                        muskx__calloc(n, sizeof(int32_t)), 0, 0};
  int rc = -1;
  *out = muskx__calloc((size_t)nslots + 1, sizeof **out);
  if (!start || !next || !by.row || !by.col || !by.node || !*out) goto done;
  for (int32_t e = 0; e < l->n; e++) start[l->col[e] + 1]++;
  for (int j = 0; j < nslots; j++) start[j + 1] += start[j];
  memcpy(next, start, (size_t)nslots * sizeof *next);
  for (int32_t e = 0; e < l->n; e++) {
    int32_t k = next[l->col[e]]++;
    by.row[k] = l->row[e];
    by.col[k] = l->col[e];
    by.node[k] = l->node[e];
  }
  for (int j = 0; j < nslots; j++) {
    muskx__dentries one = {by.row + start[j], by.col + start[j],
                           by.node + start[j], start[j + 1] - start[j], 0};
    if (emit_one(&one, &(*out)[j], emit, ctx)) goto done;
  }
  if (all != NULL) { /* every slot in one program, in the same order */
    by.n = l->n;
    *all_ptr = muskx__calloc((size_t)nslots + 1, sizeof **all_ptr);
    if (*all_ptr == NULL || emit_one(&by, all, emit, ctx)) goto done;
    memcpy(*all_ptr, start, ((size_t)nslots + 1) * sizeof *start);
  }
  rc = 0;
done:
  muskx__free(start);
  muskx__free(next);
  muskx__free(by.row);
  muskx__free(by.col);
  muskx__free(by.node);
  return rc;
}

int muskx__prog_in_order(const muskx__prog *p) {
  for (int32_t i = 0; i < p->ncode; i++)
    if (p->code[i].a != p->code[0].a + i) return 0;
  return 1;
}

int muskx__sens_emit(const muskx__sens_build *sb, muskx__sens_program *sp,
                     int nslots, muskx__emit_fn emit, void *ctx) {
  size_t ne = (size_t)sb->nevents + 1;
  sp->nevents = sb->nevents;
  sp->nslots = nslots;
  if (emit_by_slot(&sb->f_p, nslots, &sp->f_p, &sp->f_all, &sp->f_all_ptr,
                   emit, ctx) ||
      emit_by_slot(&sb->out_p, nslots, &sp->out_p, NULL, NULL, emit, ctx))
    return -1;
  sp->f_all_in_order = muskx__prog_in_order(&sp->f_all.code);
  sp->ev_y = muskx__calloc(ne, sizeof *sp->ev_y);
  sp->ev_p = muskx__calloc(ne, sizeof *sp->ev_p);
  sp->ev_tu = muskx__calloc(ne, sizeof *sp->ev_tu);
  sp->tm_p = muskx__calloc(ne, sizeof *sp->tm_p);
  if (!sp->ev_y || !sp->ev_p || !sp->ev_tu || !sp->tm_p) return -1;
  if (emit_one(&sb->out_y, &sp->out_y, emit, ctx) ||
      emit_one(&sb->ip_p, &sp->ip_p, emit, ctx) ||
      emit_one(&sb->iy_p, &sp->iy_p, emit, ctx) ||
      emit_one(&sb->root_y, &sp->root_y, emit, ctx) ||
      emit_one(&sb->root_p, &sp->root_p, emit, ctx) ||
      emit_one(&sb->root_tu, &sp->root_tu, emit, ctx))
    return -1;
  for (int e = 0; e < sb->nevents; e++)
    if (emit_one(&sb->ev_y[e], &sp->ev_y[e], emit, ctx) ||
        emit_one(&sb->ev_p[e], &sp->ev_p[e], emit, ctx) ||
        emit_one(&sb->ev_tu[e], &sp->ev_tu[e], emit, ctx) ||
        emit_one(&sb->tm_p[e], &sp->tm_p[e], emit, ctx))
      return -1;
  sp->available = 1;
  return 0;
}

static void dprog_free(muskx__dprog *d) {
  muskx__free(d->code.code);
  muskx__free(d->code.results);
  muskx__free(d->row);
  muskx__free(d->col);
}

void muskx__sens_program_free(muskx__sens_program *sp) {
  muskx__dprog *all[] = {&sp->f_all,  &sp->out_y,  &sp->ip_p,  &sp->iy_p,
                         &sp->root_y, &sp->root_p, &sp->root_tu};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) dprog_free(all[i]);
  for (int j = 0; j < sp->nslots; j++) {
    if (sp->f_p) dprog_free(&sp->f_p[j]);
    if (sp->out_p) dprog_free(&sp->out_p[j]);
  }
  muskx__free(sp->f_p);
  muskx__free(sp->out_p);
  muskx__free(sp->f_all_ptr);
  for (int e = 0; e < sp->nevents; e++) {
    if (sp->ev_y) dprog_free(&sp->ev_y[e]);
    if (sp->ev_p) dprog_free(&sp->ev_p[e]);
    if (sp->ev_tu) dprog_free(&sp->ev_tu[e]);
    if (sp->tm_p) dprog_free(&sp->tm_p[e]);
  }
  muskx__free(sp->ev_y);
  muskx__free(sp->ev_p);
  muskx__free(sp->ev_tu);
  muskx__free(sp->tm_p);
}
