/*
 * compile.c -- model -> expression DAG -> register programs.
 *
 * Steps (issue #3, "Compiler"):
 *  1. Every expression of the model becomes a DAG node (dag.c). Assignments,
 *     outputs, reaction rates and user functions are inlined; hash-consing
 *     makes the inlined copies share, so nothing is computed twice.
 *  2. Stoichiometry is folded into the right-hand side:
 *        dy_i/dt = (sum_r net_{i,r} * rate_r) / V(i)      (or the rate rule)
 *  3. The sparsity pattern comes from the states each dy_i depends on, and
 *     each structural entry is differentiated symbolically (jacobian.c).
 *  4. Each program's reachable nodes are emitted in id order (children have
 *     smaller ids, so this is a topological order), one temporary register
 *     per node: straight-line SSA code that the VM runs without allocation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "callmemo.h"
#include "compile.h"
#include "compile_sens.h"
#include "dag.h"
#include "jacobian.h"

typedef struct build_ctx {
  const muskx_model *m;
  muskx__dag *g;
  int32_t *assign_node, *output_node, *rate_node; /* memo, -1 unbuilt */
  /* delay(e, tau) occurrences, deduplicated by (e, tau) node pair */
  int32_t *dl_expr, *dl_tau;
  const muskx__expr **dl_src; /* first occurrence, for messages */
  int32_t ndl, capdl;
  const muskx__expr *bad_at;  /* a refused construct (not OOM) */
  const char *bad_what;
  /* Bounded work (issue 16): build() nests at most MUSKX__COMPILE_MAX_DEPTH
     deep (the C stack; a chain of function calls or assignments inlines
     recursively) and runs at most MUSKX__COMPILE_MAX_WORK times; each
     distinct call is inlined once (calls). */
  int depth;
  long work;
  int limit_hit;              /* bad_at/bad_what name the limit (ELIMIT) */
  muskx__callmemo calls;
} build_ctx;

/* delay(x, tau) becomes the leaf D_DELAY(k); the compiler emits tau_k and
   x_k as programs of their own (delay.c runs them). tau = 0 is no delay
   at all, and a literal is its own history. */
static int32_t add_delay(build_ctx *b, const muskx__expr *e, int32_t x,
                         int32_t tau) {
  muskx__dag *g = b->g;
  if (g->nodes[x].has_delay || g->nodes[tau].has_delay) {
    b->bad_at = e;
    b->bad_what = "delay() inside the arguments of delay() is not supported";
    return -1;
  }
  if (tau == MUSKX__DAG_ZERO || g->nodes[x].op == MUSKX__D_CONST) return x;
  for (int32_t k = 0; k < b->ndl; k++)
    if (b->dl_expr[k] == x && b->dl_tau[k] == tau)
      return muskx__dag_leaf(g, MUSKX__D_DELAY, k);
  if (b->ndl == b->capdl) {
    int32_t nc = b->capdl ? 2 * b->capdl : 8;
    int32_t *ne = muskx__reallocarray(b->dl_expr, (size_t)nc, sizeof *ne);
    if (ne) b->dl_expr = ne;
    int32_t *nt = ne ? muskx__reallocarray(b->dl_tau, (size_t)nc, sizeof *nt)
                     : NULL;
    if (nt) b->dl_tau = nt;
    const muskx__expr **ns =
        nt ? muskx__reallocarray(b->dl_src, (size_t)nc, sizeof *ns) : NULL;
    if (ns == NULL) return -1;
    b->dl_src = ns;
    b->capdl = nc;
  }
  b->dl_expr[b->ndl] = x;
  b->dl_tau[b->ndl] = tau;
  b->dl_src[b->ndl] = e;
  return muskx__dag_leaf(g, MUSKX__D_DELAY, b->ndl++);
}

static int32_t build(build_ctx *b, const muskx__expr *e, const int32_t *env);

static int32_t build_named(build_ctx *b, int32_t *memo, int idx,
                           const muskx__expr *e) {
  if (memo[idx] < 0) memo[idx] = build(b, e, NULL);
  return memo[idx];
}

static muskx__dop binop_of(muskx__expr_kind k) {
  switch (k) {
    case MUSKX__E_ADD: return MUSKX__D_ADD;
    case MUSKX__E_SUB: return MUSKX__D_SUB;
    case MUSKX__E_MUL: return MUSKX__D_MUL;
    case MUSKX__E_DIV: return MUSKX__D_DIV;
    case MUSKX__E_POW: return MUSKX__D_POW;
    case MUSKX__E_EQ: return MUSKX__D_EQ;
    case MUSKX__E_NE: return MUSKX__D_NE;
    case MUSKX__E_LT: return MUSKX__D_LT;
    case MUSKX__E_LE: return MUSKX__D_LE;
    case MUSKX__E_GT: return MUSKX__D_GT;
    case MUSKX__E_GE: return MUSKX__D_GE;
    case MUSKX__E_AND: return MUSKX__D_AND;
    case MUSKX__E_OR: return MUSKX__D_OR;
    default: return MUSKX__D_NOPS;
  }
}

static int32_t build_builtin(build_ctx *b, muskx__builtin f, int n,
                             const int32_t *x) {
  muskx__dag *g = b->g;
  static const muskx__dop unary[MUSKX__F_COUNT] = {
      [MUSKX__F_EXP] = MUSKX__D_EXP,     [MUSKX__F_LOG] = MUSKX__D_LOG,
      [MUSKX__F_LOG10] = MUSKX__D_LOG10, [MUSKX__F_SQRT] = MUSKX__D_SQRT,
      [MUSKX__F_ABS] = MUSKX__D_ABS,     [MUSKX__F_FLOOR] = MUSKX__D_FLOOR,
      [MUSKX__F_CEIL] = MUSKX__D_CEIL,   [MUSKX__F_SIN] = MUSKX__D_SIN,
      [MUSKX__F_COS] = MUSKX__D_COS,     [MUSKX__F_TAN] = MUSKX__D_TAN,
      [MUSKX__F_TANH] = MUSKX__D_TANH,   [MUSKX__F_ASIN] = MUSKX__D_ASIN,
      [MUSKX__F_ACOS] = MUSKX__D_ACOS,   [MUSKX__F_ATAN] = MUSKX__D_ATAN,
  };
  switch (f) {
    case MUSKX__F_POW: return muskx__dag_op(g, MUSKX__D_POW, x[0], x[1], -1);
    case MUSKX__F_MIN:
    case MUSKX__F_MAX: {
      muskx__dop op = f == MUSKX__F_MIN ? MUSKX__D_MIN : MUSKX__D_MAX;
      int32_t acc = x[0];
      for (int i = 1; i < n; i++) acc = muskx__dag_op(g, op, acc, x[i], -1);
      return acc;
    }
    case MUSKX__F_IF: return muskx__dag_op(g, MUSKX__D_IF, x[0], x[1], x[2]);
    case MUSKX__F_HILL:
    case MUSKX__F_HILLINH: {
      /* hill(x,K,n) = x^n/(K^n+x^n); hill_inh = K^n/(K^n+x^n) */
      int32_t xn = muskx__dag_op(g, MUSKX__D_POW, x[0], x[2], -1);
      int32_t kn = muskx__dag_op(g, MUSKX__D_POW, x[1], x[2], -1);
      int32_t den = muskx__dag_op(g, MUSKX__D_ADD, kn, xn, -1);
      return muskx__dag_op(g, MUSKX__D_DIV, f == MUSKX__F_HILL ? xn : kn, den,
                           -1);
    }
    default:
      if (f >= 0 && f < MUSKX__F_COUNT && unary[f] != 0)
        return muskx__dag_op(g, unary[f], x[0], -1, -1);
      return -1;
  }
}

/* Refuses the model at e: a documented limit on the work of inlining. */
static int32_t over_limit(build_ctx *b, const muskx__expr *e, const char *what) {
  if (b->bad_at == NULL) {
    b->bad_at = e;
    b->bad_what = what;
    b->limit_hit = 1;
  }
  return -1;
}

static int32_t build_node(build_ctx *b, const muskx__expr *e, const int32_t *env);

static int32_t build(build_ctx *b, const muskx__expr *e, const int32_t *env) {
  if (b->bad_at != NULL) return -1;
  if (b->depth >= MUSKX__COMPILE_MAX_DEPTH)
    return over_limit(b, e, "expressions nest deeper than "
                            MUSKX__STR_OF(MUSKX__COMPILE_MAX_DEPTH)
                            " levels once functions and assignments are inlined "
                            "(the limit on inlining depth)");
  if (++b->work > MUSKX__COMPILE_MAX_WORK)
    return over_limit(b, e, "inlining the functions and assignments would build "
                            "more than " MUSKX__STR_OF(MUSKX__COMPILE_MAX_WORK)
                            " expression nodes (the limit on inlined size)");
  b->depth++;
  int32_t r = build_node(b, e, env);
  b->depth--;
  return r;
}

/* A user function's body with its arguments bound to x, once per distinct
   call (callmemo.h). */
static int32_t build_call(build_ctx *b, const muskx__expr *e, const int32_t *x) {
  int32_t r = muskx__callmemo_get(&b->calls, e->sym_index, x, e->nargs);
  if (r >= 0) return r;
  r = build(b, b->m->functions[e->sym_index].body, x);
  if (r >= 0 && muskx__callmemo_put(&b->calls, e->sym_index, x, e->nargs, r) != 0)
    return -1;
  return r;
}

static int32_t build_node(build_ctx *b, const muskx__expr *e, const int32_t *env) {
  muskx__dag *g = b->g;
  const muskx_model *m = b->m;
  switch (e->kind) {
    case MUSKX__E_NUM: return muskx__dag_const(g, e->num);
    case MUSKX__E_NAME:
      switch (e->sym_kind) {
        case MUSKX__SYM_TIME: return muskx__dag_leaf(g, MUSKX__D_TIME, -1);
        case MUSKX__SYM_PARAM:
          return muskx__dag_leaf(g, MUSKX__D_PARAM, e->sym_index);
        case MUSKX__SYM_COMPARTMENT:
          return muskx__dag_leaf(g, MUSKX__D_PARAM, m->nparams + e->sym_index);
        case MUSKX__SYM_SPECIES:
          return muskx__dag_leaf(g, MUSKX__D_STATE, e->sym_index);
        case MUSKX__SYM_INPUT:
          return muskx__dag_leaf(g, MUSKX__D_INPUT, e->sym_index);
        case MUSKX__SYM_ASSIGNMENT:
          return build_named(b, b->assign_node, e->sym_index,
                             m->assignments[e->sym_index].expr);
        case MUSKX__SYM_OUTPUT:
          return build_named(b, b->output_node, e->sym_index,
                             m->outputs[e->sym_index].expr);
        case MUSKX__SYM_REACTION:
          return build_named(b, b->rate_node, e->sym_index,
                             m->reactions[e->sym_index].rate);
        case MUSKX__SYM_FUNARG: return env ? env[e->sym_index] : -1;
        case MUSKX__SYM_CONST: return muskx__dag_const(g, e->num);
        default: return -1;
      }
    case MUSKX__E_NEG:
      return muskx__dag_op(g, MUSKX__D_NEG, build(b, e->args[0], env), -1, -1);
    case MUSKX__E_NOT:
      return muskx__dag_op(g, MUSKX__D_NOT, build(b, e->args[0], env), -1, -1);
    case MUSKX__E_CALL: {
      int32_t local[8], *x = local;
      if (e->nargs > 8) {
        x = muskx__calloc((size_t)e->nargs, sizeof *x);
        if (x == NULL) return -1;
      }
      int32_t r = 0;
      for (int i = 0; i < e->nargs && r >= 0; i++) {
        x[i] = build(b, e->args[i], env);
        if (x[i] < 0) r = -1;
      }
      if (r >= 0) {
        if (e->builtin == MUSKX__F_DELAY)
          r = add_delay(b, e, x[0], x[1]);
        else if (e->builtin != MUSKX__F_NONE)
          r = build_builtin(b, e->builtin, e->nargs, x);
        else /* user function: inline its body with the arguments bound */
          r = build_call(b, e, x);
      }
      if (x != local) muskx__free(x);
      return r;
    }
    default: {
      muskx__dop op = binop_of(e->kind);
      if (op == MUSKX__D_NOPS || e->nargs != 2) return -1;
      int32_t l = build(b, e->args[0], env);
      int32_t r = build(b, e->args[1], env);
      return muskx__dag_op(g, op, l, r, -1);
    }
  }
}

/* ---- emission ---------------------------------------------------------- */

typedef struct emit_ctx {
  const muskx__dag *g;
  const muskx__program *p;
  int32_t *const_slot; /* per node: constant register, -1 if not const */
  uint32_t *visited;   /* per node: stamp */
  int32_t *temp_of;    /* per node: register in the current program */
  int32_t *stack, *order;
  uint32_t stamp;
  int32_t max_temps;
} emit_ctx;

static int32_t leaf_register(const emit_ctx *c, int32_t id) {
  const muskx__dnode *nd = &c->g->nodes[id];
  switch ((muskx__dop)nd->op) {
    case MUSKX__D_CONST: return c->const_slot[id];
    case MUSKX__D_TIME: return c->p->reg_time;
    case MUSKX__D_PARAM: return c->p->reg_param0 + nd->a;
    case MUSKX__D_INPUT: return c->p->reg_input0 + nd->a;
    case MUSKX__D_STATE: return c->p->reg_state0 + nd->a;
    case MUSKX__D_DELAY: return c->p->reg_delay0 + nd->a;
    case MUSKX__D_INSTANT: return c->p->reg_instant0 + nd->a;
    default: return -1;
  }
}

static int cmp_i32(const void *x, const void *y) {
  int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
  return (a > b) - (a < b);
}

static const muskx__opcode op_map[MUSKX__D_NOPS] = {
    [MUSKX__D_NEG] = MUSKX__OP_NEG,     [MUSKX__D_NOT] = MUSKX__OP_NOT,
    [MUSKX__D_EXP] = MUSKX__OP_EXP,     [MUSKX__D_LOG] = MUSKX__OP_LOG,
    [MUSKX__D_LOG10] = MUSKX__OP_LOG10, [MUSKX__D_SQRT] = MUSKX__OP_SQRT,
    [MUSKX__D_ABS] = MUSKX__OP_ABS,     [MUSKX__D_SIGN] = MUSKX__OP_SIGN,
    [MUSKX__D_FLOOR] = MUSKX__OP_FLOOR, [MUSKX__D_CEIL] = MUSKX__OP_CEIL,
    [MUSKX__D_SIN] = MUSKX__OP_SIN,     [MUSKX__D_COS] = MUSKX__OP_COS,
    [MUSKX__D_TAN] = MUSKX__OP_TAN,     [MUSKX__D_TANH] = MUSKX__OP_TANH,
    [MUSKX__D_ASIN] = MUSKX__OP_ASIN,   [MUSKX__D_ACOS] = MUSKX__OP_ACOS,
    [MUSKX__D_ATAN] = MUSKX__OP_ATAN,
    [MUSKX__D_SQR] = MUSKX__OP_SQR,     [MUSKX__D_ADD] = MUSKX__OP_ADD,
    [MUSKX__D_SUB] = MUSKX__OP_SUB,     [MUSKX__D_MUL] = MUSKX__OP_MUL,
    [MUSKX__D_DIV] = MUSKX__OP_DIV,     [MUSKX__D_POW] = MUSKX__OP_POW,
    [MUSKX__D_MIN] = MUSKX__OP_MIN,     [MUSKX__D_MAX] = MUSKX__OP_MAX,
    [MUSKX__D_LT] = MUSKX__OP_LT,       [MUSKX__D_LE] = MUSKX__OP_LE,
    [MUSKX__D_GT] = MUSKX__OP_GT,       [MUSKX__D_GE] = MUSKX__OP_GE,
    [MUSKX__D_EQ] = MUSKX__OP_EQ,       [MUSKX__D_NE] = MUSKX__OP_NE,
    [MUSKX__D_AND] = MUSKX__OP_AND,     [MUSKX__D_OR] = MUSKX__OP_OR,
    [MUSKX__D_IF] = MUSKX__OP_IF,
};

/* Emits the code computing roots[0..n) into out. Returns 0 or -1 (OOM). */
static int emit(emit_ctx *c, const int32_t *roots, int32_t n,
                muskx__prog *out) {
  const muskx__dag *g = c->g;
  int32_t count = 0, sp = 0;
  c->stamp++;
  for (int32_t i = 0; i < n; i++) {
    int32_t r = roots[i];
    if (leaf_register(c, r) >= 0 || c->visited[r] == c->stamp) continue;
    c->visited[r] = c->stamp;
    c->stack[sp++] = r;
    while (sp > 0) {
      int32_t id = c->stack[--sp];
      c->order[count++] = id;
      const muskx__dnode *nd = &g->nodes[id];
      int32_t kids[3] = {nd->a, nd->b, nd->c};
      for (int k = 0; k < muskx__dag_arity((muskx__dop)nd->op); k++) {
        int32_t kid = kids[k];
        if (c->visited[kid] != c->stamp && leaf_register(c, kid) < 0) {
          c->visited[kid] = c->stamp;
          c->stack[sp++] = kid;
        }
      }
    }
  }
  qsort(c->order, (size_t)count, sizeof *c->order, cmp_i32);
  out->code = muskx__calloc((size_t)count, sizeof *out->code);
  out->results = muskx__calloc((size_t)n, sizeof *out->results);
  if (out->code == NULL || out->results == NULL) return -1;
  out->ncode = count;
  out->nresults = n;
  for (int32_t i = 0; i < count; i++) {
    int32_t id = c->order[i];
    c->temp_of[id] = c->p->reg_temp0 + i;
  }
  for (int32_t i = 0; i < count; i++) {
    const muskx__dnode *nd = &g->nodes[c->order[i]];
    int32_t kids[3] = {nd->a, nd->b, nd->c}, regs[3] = {0, 0, 0};
    for (int k = 0; k < muskx__dag_arity((muskx__dop)nd->op); k++) {
      int32_t lr = leaf_register(c, kids[k]);
      regs[k] = lr >= 0 ? lr : c->temp_of[kids[k]];
    }
    muskx__instr *in = &out->code[i];
    in->op = op_map[nd->op];
    in->a = c->p->reg_temp0 + i;
    in->b = regs[0];
    in->c = regs[1];
    in->d = regs[2];
  }
  for (int32_t i = 0; i < n; i++) {
    int32_t lr = leaf_register(c, roots[i]);
    out->results[i] = lr >= 0 ? lr : c->temp_of[roots[i]];
  }
  if (count > c->max_temps) c->max_temps = count;
  return 0;
}

/* ---- the model's programs ---------------------------------------------- */

static void prog_free(muskx__prog *p) {
  if (p == NULL) return;
  muskx__free(p->code);
  muskx__free(p->results);
}

static void prog_array_free(muskx__prog *a, int n) {
  if (a == NULL) return;
  for (int i = 0; i < n; i++) prog_free(&a[i]);
  muskx__free(a);
}

void muskx__program_free(muskx__program *p) {
  if (p == NULL) return;
  muskx__free(p->consts);
  prog_free(&p->rhs);
  prog_free(&p->jac);
  muskx__free(p->jac_colptr);
  muskx__free(p->jac_rowind);
  prog_free(&p->outputs);
  prog_free(&p->rates);
  prog_free(&p->roots);
  prog_free(&p->triggers);
  prog_free(&p->root_times);
  muskx__free(p->cons_sp);
  muskx__free(p->cons_L);
  muskx__free(p->instant_root);
  muskx__free(p->when_static);
  prog_array_free(p->event_sets, p->nevents);
  prog_array_free(p->event_timing, p->nevents);
  prog_array_free(p->init_param, p->nparamlike_progs);
  prog_array_free(p->init_species, p->nspecies);
  muskx__free(p->species_fixed);
  muskx__free(p->alg_species);
  prog_free(&p->alg);
  prog_free(&p->alg_jac);
  muskx__free(p->alg_jac_row);
  muskx__free(p->alg_jac_col);
  prog_free(&p->delay_tau);
  prog_array_free(p->delay_expr, p->ndelays);
  muskx__free(p->delay_tau_const);
  muskx__free(p->delay_pos);
  muskx__free(p->mod_ptr);
  muskx__free(p->mod_species);
  muskx__sens_program_free(&p->sens);
  muskx__free(p);
}

/* Growable list of node ids. */
typedef struct {
  int32_t *v;
  int32_t n, cap;
} idlist;

static int idlist_push(idlist *l, int32_t x) {
  if (x < 0) return -1;
  if (l->n == l->cap) {
    int32_t nc = l->cap ? l->cap * 2 : 16;
    int32_t *p = muskx__reallocarray(l->v, (size_t)nc, sizeof *p);
    if (p == NULL) return -1;
    l->v = p;
    l->cap = nc;
  }
  l->v[l->n++] = x;
  return 0;
}

typedef struct {
  int32_t row, col, node;
} jac_entry;

static int cmp_jac(const void *x, const void *y) {
  const jac_entry *a = x, *b = y;
  if (a->col != b->col) return (a->col > b->col) - (a->col < b->col);
  return (a->row > b->row) - (a->row < b->row);
}

/* Collects the comparison atoms under a `when` (through logic and if) as
   root functions a - b, so CVODE locates every possible truth change. */
/* A value that only jumps: a truth, or an if of literals or truths
   (piecewise(1, c, 0), SBML's number of a truth). */
static int is_truth(const muskx__dag *g, int32_t id) {
  const muskx__dnode *nd = &g->nodes[id];
  uint8_t op = nd->op;
  if (op == MUSKX__D_IF)
    return (g->nodes[nd->b].op == MUSKX__D_CONST || is_truth(g, nd->b)) &&
           (g->nodes[nd->c].op == MUSKX__D_CONST || is_truth(g, nd->c));
  return op == MUSKX__D_LT || op == MUSKX__D_LE || op == MUSKX__D_GT ||
         op == MUSKX__D_GE || op == MUSKX__D_EQ || op == MUSKX__D_NE ||
         op == MUSKX__D_AND || op == MUSKX__D_OR || op == MUSKX__D_NOT;
}

/* Adds root function r once. */
static int add_root(const muskx__dag *g, idlist *roots, int32_t r) {
  (void)g;
  if (r < 0) return -1;
  for (int32_t i = 0; i < roots->n; i++)
    if (roots->v[i] == r) return 0;
  return idlist_push(roots, r);
}

static int collect_atoms(muskx__dag *g, int32_t id, idlist *roots) {
  const muskx__dnode nd = g->nodes[id];
  switch ((muskx__dop)nd.op) {
    case MUSKX__D_LT: case MUSKX__D_LE: case MUSKX__D_GT: case MUSKX__D_GE:
    case MUSKX__D_EQ: case MUSKX__D_NE:
      /* a truth compared with a number ((S < 0.7) != 0, as SBML export
         writes a function's truth): its own atoms change it; their
         difference is 0 or 1 and never crosses zero */
      if (is_truth(g, nd.a) || is_truth(g, nd.b)) {
        if (collect_atoms(g, nd.a, roots) != 0) return -1;
        return collect_atoms(g, nd.b, roots);
      }
      return add_root(g, roots, muskx__dag_op(g, MUSKX__D_SUB, nd.a, nd.b, -1));
    case MUSKX__D_AND: case MUSKX__D_OR:
      if (collect_atoms(g, nd.a, roots) != 0) return -1;
      return collect_atoms(g, nd.b, roots);
    case MUSKX__D_NOT: return collect_atoms(g, nd.a, roots);
    case MUSKX__D_IF:
      if (collect_atoms(g, nd.a, roots) != 0) return -1;
      if (collect_atoms(g, nd.b, roots) != 0) return -1;
      return collect_atoms(g, nd.c, roots);
    case MUSKX__D_CONST: case MUSKX__D_INSTANT: return 0;
    default: /* a bare value: it turns true when it leaves zero */
      return add_root(g, roots, id);
  }
}

/* `when` with every a == b replaced by (a == b) || instant_k, k the
   equality's index in eqs (added when new): an equality holds only at an
   instant, which root finding never lands on exactly (issue 18). */
static int32_t with_instants(muskx__dag *g, int32_t id, idlist *eqs) {
  const muskx__dnode nd = g->nodes[id];
  switch ((muskx__dop)nd.op) {
    case MUSKX__D_EQ: {
      int32_t k = 0;
      while (k < eqs->n && eqs->v[k] != id) k++;
      if (k == eqs->n && idlist_push(eqs, id)) return -1;
      return muskx__dag_op(g, MUSKX__D_OR, id,
                           muskx__dag_leaf(g, MUSKX__D_INSTANT, k), -1);
    }
    case MUSKX__D_AND: case MUSKX__D_OR: case MUSKX__D_NOT: case MUSKX__D_IF: {
      int32_t kids[3] = {nd.a, nd.b, nd.c};
      for (int i = 0; i < muskx__dag_arity((muskx__dop)nd.op); i++)
        if ((kids[i] = with_instants(g, kids[i], eqs)) < 0) return -1;
      return muskx__dag_op(g, (muskx__dop)nd.op, kids[0], kids[1], kids[2]);
    }
    default: return id;
  }
}

static int only_params(const muskx__dag *g, int32_t id);

/* The zero of root function r when it is t - X, X - t or t itself with X
   of parameters only; else a NaN constant. */
static int32_t root_time(muskx__dag *g, int32_t r) {
  const muskx__dnode nd = g->nodes[r];
  if (nd.op == MUSKX__D_TIME) return MUSKX__DAG_ZERO;
  if (nd.op == MUSKX__D_SUB) {
    if (g->nodes[nd.a].op == MUSKX__D_TIME && only_params(g, nd.b)) return nd.b;
    if (g->nodes[nd.b].op == MUSKX__D_TIME && only_params(g, nd.a)) return nd.a;
  }
  return muskx__dag_const(g, NAN);
}

/* What a `when` (DAG node w) can do: a literal never changes; one of
   parameters only changes only if some event sets a parameter or a
   compartment (muskx check warns about both). */
static uint8_t when_static(const muskx_model *m, const muskx__dag *g, int32_t w) {
  if (g->nodes[w].op == MUSKX__D_CONST)
    return g->nodes[w].v != 0 ? MUSKX__WHEN_TRUE : MUSKX__WHEN_FALSE;
  if (!only_params(g, w)) return MUSKX__WHEN_DYNAMIC;
  for (int e = 0; e < m->nevents; e++)
    for (int k = 0; k < m->events[e].nsets; k++)
      if (m->events[e].sets[k].target_kind != MUSKX__SYM_SPECIES)
        return MUSKX__WHEN_DYNAMIC;
  return MUSKX__WHEN_FIXED;
}

typedef struct {
  muskx__dag g;
  build_ctx b;
  idlist rhs, outputs, rates, roots, triggers, alg;
  idlist instants;   /* per equality of a `when`: its EQ node */
  idlist root_times; /* per root: its zero time (see compile.h) */
  idlist *event_sets, *event_timing;
  idlist init_param, init_species;
  jac_entry *jac, *ajac;
  int32_t njac, najac;
  int32_t *deps, *stack;
  uint32_t *visited;
  size_t vcap;      /* entries of visited and stack */
  uint32_t stamp;
  muskx__sens_build sens; /* derivatives for sensitivities (when built) */
  int sens_built;
} compile_state;

static void state_free(compile_state *s, const muskx_model *m) {
  muskx__free(s->rhs.v);
  muskx__free(s->outputs.v);
  muskx__free(s->rates.v);
  muskx__free(s->roots.v);
  muskx__free(s->triggers.v);
  muskx__free(s->instants.v);
  muskx__free(s->root_times.v);
  muskx__free(s->alg.v);
  muskx__free(s->ajac);
  for (int i = 0; s->event_sets && i < m->nevents; i++)
    muskx__free(s->event_sets[i].v);
  for (int i = 0; s->event_timing && i < m->nevents; i++)
    muskx__free(s->event_timing[i].v);
  muskx__free(s->event_sets);
  muskx__free(s->event_timing);
  muskx__free(s->init_param.v);
  muskx__free(s->init_species.v);
  muskx__free(s->jac);
  muskx__free(s->deps);
  muskx__free(s->stack);
  muskx__free(s->visited);
  muskx__free(s->b.assign_node);
  muskx__free(s->b.output_node);
  muskx__free(s->b.rate_node);
  muskx__free(s->b.dl_expr);
  muskx__free(s->b.dl_tau);
  muskx__free(s->b.dl_src);
  muskx__sens_build_free(&s->sens);
  muskx__callmemo_free(&s->b.calls);
  muskx__dag_free(&s->g);
}

/* Builds every root of every program into the DAG. */
static int build_roots(compile_state *s, const muskx_model *m,
                       muskx__program *p) {
  muskx__dag *g = &s->g;
  build_ctx *b = &s->b;
  int ns = m->nspecies;

  for (int i = 0; i < m->nassign_order; i++) {
    int k = m->assign_order[i].index;
    if (m->assign_order[i].kind == MUSKX__SYM_ASSIGNMENT)
      build_named(b, b->assign_node, k, m->assignments[k].expr);
    else
      build_named(b, b->output_node, k, m->outputs[k].expr);
  }
  for (int r = 0; r < m->nreactions; r++)
    if (idlist_push(&s->rates,
                    build_named(b, b->rate_node, r, m->reactions[r].rate)))
      return -1;
  for (int k = 0; k < m->noutputs; k++)
    if (idlist_push(&s->outputs, build_named(b, b->output_node, k,
                                             m->outputs[k].expr)))
      return -1;

  /* Right-hand side with stoichiometry folded in: the terms of each
     species are collected, then summed pairwise, so a hub species with
     thousands of reactions gets a tree of depth log2(n), not a chain
     (the differentiator and the VM never recurse deeply). */
  idlist *terms = muskx__calloc((size_t)ns + 1, sizeof *terms);
  int32_t *acc = muskx__calloc((size_t)ns + 1, sizeof *acc);
  int rc = (terms && acc) ? 0 : -1;
  for (int r = 0; rc == 0 && r < m->nreactions; r++) {
    const muskx__reaction *rx = &m->reactions[r];
    /* net coefficient per species: 2 B -> B + C gives B -1, and a catalyst
       (on both sides equally) gives no term at all */
    for (int side = 0; rc == 0 && side < 2; side++) {
      const muskx__stoich *st = side ? rx->rhs : rx->lhs;
      int n = side ? rx->nrhs : rx->nlhs;
      for (int k = 0; rc == 0 && k < n; k++) {
        int sp = st[k].species, seen = 0;
        for (int q = 0; q < k && !seen; q++) seen = st[q].species == sp;
        for (int q = 0; side == 1 && q < rx->nlhs && !seen; q++)
          seen = rx->lhs[q].species == sp;
        if (seen || m->species[sp].constant) continue;
        double net = 0;
        for (int q = 0; q < rx->nlhs; q++)
          if (rx->lhs[q].species == sp) net -= rx->lhs[q].coef;
        for (int q = 0; q < rx->nrhs; q++)
          if (rx->rhs[q].species == sp) net += rx->rhs[q].coef;
        if (net == 0) continue;
        rc = idlist_push(&terms[sp],
                         muskx__dag_op(g, MUSKX__D_MUL,
                                       muskx__dag_const(g, net),
                                       s->rates.v[r], -1));
      }
    }
  }
  for (int i = 0; rc == 0 && i < ns; i++) {
    int32_t n = terms[i].n, *v = terms[i].v;
    if (n == 0) {
      acc[i] = MUSKX__DAG_ZERO;
      continue;
    }
    for (; n > 1; n = (n + 1) / 2) {
      for (int32_t k = 0; k < n / 2; k++)
        v[k] = muskx__dag_op(g, MUSKX__D_ADD, v[2 * k], v[2 * k + 1], -1);
      if (n % 2) v[n / 2] = v[n - 1]; /* an odd last term moves up */
    }
    acc[i] = v[0];
  }
  for (int i = 0; terms && i < ns; i++) muskx__free(terms[i].v);
  muskx__free(terms);
  if (rc != 0 || acc == NULL) {
    muskx__free(acc);
    return -1;
  }
  for (int k = 0; k < m->nodes; k++) {
    int sp = m->odes[k].target;
    acc[sp] = build(b, m->odes[k].expr, NULL);
  }
  for (int i = 0; i < ns; i++) {
    int c = m->species[i].compartment;
    int32_t dy = acc[i];
    if (c >= 0 && !m->species[i].has_ode)
      dy = muskx__dag_op(g, MUSKX__D_DIV, dy,
                         muskx__dag_leaf(g, MUSKX__D_PARAM, m->nparams + c),
                         -1);
    if (m->species[i].constant) dy = MUSKX__DAG_ZERO;
    p->species_fixed[i] = dy == MUSKX__DAG_ZERO && !m->species[i].algebraic;
    if (idlist_push(&s->rhs, dy)) {
      muskx__free(acc);
      return -1;
    }
  }
  muskx__free(acc);

  /* Algebraic equations: 0 = g_k. */
  for (int k = 0; k < m->nalgebraics; k++) {
    if (idlist_push(&s->alg, build(b, m->algebraics[k].expr, NULL))) return -1;
    p->alg_species[k] = m->algebraics[k].target;
  }

  /* Events. */
  p->when_static = muskx__calloc((size_t)m->nevents + 1, 1);
  if (p->when_static == NULL) return -1;
  for (int e = 0; e < m->nevents; e++) {
    const muskx__event *ev = &m->events[e];
    int32_t w = MUSKX__DAG_ZERO;
    if (ev->when != NULL) {
      w = build(b, ev->when, NULL);
      if (w < 0 || collect_atoms(g, w, &s->roots)) return -1;
      p->when_static[e] = when_static(m, g, w);
      if ((w = with_instants(g, w, &s->instants)) < 0) return -1;
    }
    if (idlist_push(&s->triggers, w)) return -1;
    for (int k = 0; k < ev->nsets; k++)
      if (idlist_push(&s->event_sets[e], build(b, ev->sets[k].value, NULL)))
        return -1;
    if (ev->delay && idlist_push(&s->event_sets[e], build(b, ev->delay, NULL)))
      return -1;
    if (ev->priority &&
        idlist_push(&s->event_sets[e], build(b, ev->priority, NULL)))
      return -1;
    const muskx__expr *timing[4] = {ev->at, ev->every, ev->until,
                                    ev->count_expr};
    for (int k = 0; k < 4; k++)
      if (timing[k] &&
          idlist_push(&s->event_timing[e], build(b, timing[k], NULL)))
        return -1;
  }

  /* each equality's root (collect_atoms made a - b one) */
  p->ninstants = s->instants.n;
  p->instant_root = muskx__calloc((size_t)s->instants.n + 1, sizeof(int32_t));
  if (p->instant_root == NULL) return -1;
  for (int32_t k = 0; k < s->instants.n; k++) {
    const muskx__dnode eq = g->nodes[s->instants.v[k]];
    int32_t r = muskx__dag_op(g, MUSKX__D_SUB, eq.a, eq.b, -1), i = 0;
    while (i < s->roots.n && s->roots.v[i] != r) i++;
    p->instant_root[k] = i < s->roots.n ? i : -1;
  }
  for (int32_t i = 0; i < s->roots.n; i++)
    if (idlist_push(&s->root_times, root_time(g, s->roots.v[i]))) return -1;

  /* Initial values. */
  for (int i = 0; i < m->nparams; i++)
    if (idlist_push(&s->init_param, build(b, m->params[i].value, NULL)))
      return -1;
  for (int i = 0; i < m->ncompartments; i++)
    if (idlist_push(&s->init_param,
                    build(b, m->compartments[i].volume, NULL)))
      return -1;
  for (int i = 0; i < ns; i++)
    if (idlist_push(&s->init_species, build(b, m->species[i].initial, NULL)))
      return -1;
  return g->oom ? -1 : 0;
}

/* Sparsity pattern and symbolic entries of d(roots[i])/dy for i < n into
   *out (count *nout): the ODE Jacobian (roots = rhs) and the algebraic
   equations' rows (roots = alg). */
static int jacobian_of(compile_state *s, const int32_t *roots, int32_t n,
                       muskx__diff *d, jac_entry **out, int32_t *nout) {
  int32_t cap = 0;
  for (int32_t i = 0; i < n; i++) {
    /* Derivatives add nodes: grow the traversal buffers to cover them,
       zeroing only the new part so stamps stay valid. */
    if ((size_t)s->g.n > s->vcap) {
      uint32_t *v = muskx__reallocarray(s->visited, (size_t)s->g.n, sizeof *v);
      if (v) s->visited = v;
      int32_t *st = v ? muskx__reallocarray(s->stack, (size_t)s->g.n,
                                            sizeof *st) : NULL;
      if (st) s->stack = st;
      if (v == NULL || st == NULL) return -1;
      memset(s->visited + s->vcap, 0, ((size_t)s->g.n - s->vcap) * sizeof *v);
      s->vcap = (size_t)s->g.n;
    }
    s->stamp++;
    int nd = muskx__dag_state_deps(&s->g, roots[i], s->deps, s->stack,
                                   s->visited, s->stamp);
    for (int k = 0; k < nd; k++) {
      int32_t e = muskx__diff_wrt_state(d, roots[i], s->deps[k]);
      if (e < 0) return -1;
      if (e == MUSKX__DAG_ZERO) continue;
      if (*nout == cap || *out == NULL) {
        cap = cap ? cap * 2 : 64;
        jac_entry *nj = muskx__reallocarray(*out, (size_t)cap, sizeof *nj);
        if (nj == NULL) return -1;
        *out = nj;
      }
      (*out)[*nout].row = i;
      (*out)[*nout].col = s->deps[k];
      (*out)[*nout].node = e;
      (*nout)++;
    }
  }
  return 0;
}

static int build_jacobian(compile_state *s, const muskx_model *m) {
  (void)m;
  muskx__diff *d = muskx__diff_new(&s->g);
  if (d == NULL) return -1;
  int rc = jacobian_of(s, s->rhs.v, s->rhs.n, d, &s->jac, &s->njac);
  if (rc == 0 && s->alg.n > 0)
    rc = jacobian_of(s, s->alg.v, s->alg.n, d, &s->ajac, &s->najac);
  muskx__diff_free(d);
  if (rc != 0) return -1;
  if (s->njac > 1) qsort(s->jac, (size_t)s->njac, sizeof *s->jac, cmp_jac);
  return s->g.oom ? -1 : 0;
}

static int emit_cb(void *ctx, const int32_t *roots, int32_t n,
                   muskx__prog *out) {
  return emit(ctx, roots, n, out);
}

/* The derivatives forward sensitivities need (compile_sens.c). Not for
   models with algebraic equations or delays, which sensitivities do not
   support (sens.c says so). */
static int build_sensitivities(compile_state *s, const muskx_model *m) {
  if (m->nalgebraics > 0 || s->b.ndl > 0) return 0;
  size_t ne = (size_t)m->nevents + 1;
  const int32_t **sets = muskx__calloc(ne, sizeof *sets);
  const int32_t **timing = muskx__calloc(ne, sizeof *timing);
  int32_t *ntiming = muskx__calloc(ne, sizeof *ntiming);
  int rc = -1;
  if (sets && timing && ntiming) {
    for (int e = 0; e < m->nevents; e++) {
      sets[e] = s->event_sets[e].v;
      timing[e] = s->event_timing[e].v;
      ntiming[e] = s->event_timing[e].n;
    }
    muskx__sens_roots r = {
        s->rhs.v, s->outputs.v, s->roots.v, s->init_param.v,
        s->init_species.v, s->rhs.n, s->outputs.n, s->roots.n,
        s->init_param.n, s->init_species.n, sets, timing, ntiming};
    rc = muskx__sens_build_all(&s->sens, &s->g, m, &r);
    s->sens_built = rc == 0;
  }
  muskx__free(sets);
  muskx__free(timing);
  muskx__free(ntiming);
  return rc;
}

static int emit_list(emit_ctx *c, const idlist *l, muskx__prog *out) {
  return emit(c, l->v, l->n, out);
}

static int emit_all(compile_state *s, const muskx_model *m, muskx__program *p) {
  muskx__dag *g = &s->g;
  emit_ctx c = {0};
  c.g = g;
  c.p = p;
  c.const_slot = muskx__calloc((size_t)g->n, sizeof *c.const_slot);
  c.visited = muskx__calloc((size_t)g->n, sizeof *c.visited);
  c.temp_of = muskx__calloc((size_t)g->n, sizeof *c.temp_of);
  c.stack = muskx__calloc((size_t)g->n, sizeof *c.stack);
  c.order = muskx__calloc((size_t)g->n, sizeof *c.order);
  int rc = -1;
  if (!c.const_slot || !c.visited || !c.temp_of || !c.stack || !c.order)
    goto done;
  /* Registers: constants first (every literal node of the DAG, deduplicated
     by hash-consing), then time, parameters, inputs, states, temporaries. */
  int32_t nconst = 0;
  for (int32_t id = 0; id < g->n; id++)
    c.const_slot[id] = g->nodes[id].op == MUSKX__D_CONST ? nconst++ : -1;
  p->consts = muskx__calloc((size_t)nconst, sizeof *p->consts);
  if (p->consts == NULL) goto done;
  for (int32_t id = 0; id < g->n; id++)
    if (c.const_slot[id] >= 0) p->consts[c.const_slot[id]] = g->nodes[id].v;
  p->nconst = nconst;
  p->nparamlike = m->nparams + m->ncompartments;
  p->reg_time = nconst;
  p->reg_param0 = p->reg_time + 1;
  p->reg_input0 = p->reg_param0 + p->nparamlike;
  p->reg_state0 = p->reg_input0 + m->ninputs;
  p->reg_delay0 = p->reg_state0 + m->nspecies;
  p->reg_instant0 = p->reg_delay0 + s->b.ndl;
  p->reg_temp0 = p->reg_instant0 + s->instants.n;

  if (emit_list(&c, &s->rhs, &p->rhs) || emit_list(&c, &s->outputs, &p->outputs) ||
      emit_list(&c, &s->rates, &p->rates) || emit_list(&c, &s->roots, &p->roots) ||
      emit_list(&c, &s->triggers, &p->triggers) ||
      emit_list(&c, &s->root_times, &p->root_times))
    goto done;
  p->nroots = s->roots.n;
  int32_t *jn = muskx__calloc((size_t)s->njac + 1, sizeof *jn);
  if (jn == NULL) goto done;
  for (int32_t k = 0; k < s->njac; k++) jn[k] = s->jac[k].node;
  int erc = emit(&c, jn, s->njac, &p->jac);
  muskx__free(jn);
  if (erc) goto done;
  if (emit_list(&c, &s->alg, &p->alg)) goto done;
  p->nalg = s->alg.n;
  int32_t *an = muskx__calloc((size_t)s->najac + 1, sizeof *an);
  p->alg_jac_row = muskx__calloc((size_t)s->najac + 1, sizeof *p->alg_jac_row);
  p->alg_jac_col = muskx__calloc((size_t)s->najac + 1, sizeof *p->alg_jac_col);
  if (an == NULL || p->alg_jac_row == NULL || p->alg_jac_col == NULL) {
    muskx__free(an);
    goto done;
  }
  for (int32_t k = 0; k < s->najac; k++) {
    an[k] = s->ajac[k].node;
    p->alg_jac_row[k] = s->ajac[k].row;
    p->alg_jac_col[k] = s->ajac[k].col;
  }
  p->alg_jac_nnz = s->najac;
  erc = emit(&c, an, s->najac, &p->alg_jac);
  muskx__free(an);
  if (erc) goto done;
  for (int e = 0; e < m->nevents; e++)
    if (emit_list(&c, &s->event_sets[e], &p->event_sets[e]) ||
        emit_list(&c, &s->event_timing[e], &p->event_timing[e]))
      goto done;
  for (int i = 0; i < p->nparamlike; i++)
    if (emit(&c, &s->init_param.v[i], 1, &p->init_param[i])) goto done;
  for (int i = 0; i < m->nspecies; i++)
    if (emit(&c, &s->init_species.v[i], 1, &p->init_species[i])) goto done;
  if (emit(&c, s->b.dl_tau, s->b.ndl, &p->delay_tau)) goto done;
  for (int32_t k = 0; k < s->b.ndl; k++)
    if (emit(&c, &s->b.dl_expr[k], 1, &p->delay_expr[k])) goto done;
  if (s->sens_built &&
      muskx__sens_emit(&s->sens, &p->sens, p->nparamlike, emit_cb, &c))
    goto done;
  if ((int64_t)p->reg_temp0 + c.max_temps > MUSKX__MAX_REGISTERS) goto done;
  p->nregs = p->reg_temp0 + c.max_temps;
  rc = 0;
done:
  muskx__free(c.const_slot);
  muskx__free(c.visited);
  muskx__free(c.temp_of);
  muskx__free(c.stack);
  muskx__free(c.order);
  return rc;
}

/* Jacobian structure and reaction modifiers, for the API and KLU. */
static int finish_structure(compile_state *s, const muskx_model *m,
                            muskx__program *p) {
  int ns = m->nspecies;
  p->jac_nnz = s->njac;
  p->jac_colptr = muskx__calloc((size_t)ns + 1, sizeof *p->jac_colptr);
  p->jac_rowind = muskx__calloc((size_t)s->njac + 1, sizeof *p->jac_rowind);
  p->mod_ptr = muskx__calloc((size_t)m->nreactions + 1, sizeof *p->mod_ptr);
  if (!p->jac_colptr || !p->jac_rowind || !p->mod_ptr) return -1;
  for (int32_t k = 0; k < s->njac; k++) {
    p->jac_rowind[k] = s->jac[k].row;
    p->jac_colptr[s->jac[k].col + 1]++;
  }
  for (int i = 0; i < ns; i++) p->jac_colptr[i + 1] += p->jac_colptr[i];

  /* Modifiers: states a rate depends on that its equation does not name. */
  idlist mods = {0};
  size_t vcap = (size_t)s->g.n;
  uint32_t *v = muskx__calloc(vcap, sizeof *v);
  int32_t *st = muskx__calloc(vcap, sizeof *st);
  int rc = (v && st) ? 0 : -1;
  for (int r = 0; rc == 0 && r < m->nreactions; r++) {
    const muskx__reaction *rx = &m->reactions[r];
    int nd = muskx__dag_state_deps(&s->g, s->rates.v[r], s->deps, st, v,
                                   (uint32_t)r + 1);
    for (int k = 0; rc == 0 && k < nd; k++) {
      int named = 0;
      for (int q = 0; q < rx->nlhs; q++) named |= rx->lhs[q].species == s->deps[k];
      for (int q = 0; q < rx->nrhs; q++) named |= rx->rhs[q].species == s->deps[k];
      if (!named) rc = idlist_push(&mods, s->deps[k]);
    }
    p->mod_ptr[r + 1] = mods.n;
  }
  muskx__free(v);
  muskx__free(st);
  p->mod_species = mods.v;
  if (p->mod_species == NULL) p->mod_species = muskx__calloc(1, sizeof(int32_t));
  return (rc == 0 && p->mod_species) ? 0 : -1;
}

/* tau depends on parameters and literals only. */
static int only_params(const muskx__dag *g, int32_t id) {
  const muskx__dnode *nd = &g->nodes[id];
  switch ((muskx__dop)nd->op) {
    case MUSKX__D_CONST: case MUSKX__D_PARAM: return 1;
    case MUSKX__D_TIME: case MUSKX__D_INPUT: case MUSKX__D_STATE:
    case MUSKX__D_DELAY: case MUSKX__D_INSTANT: return 0;
    default: break;
  }
  int32_t kids[3] = {nd->a, nd->b, nd->c};
  for (int k = 0; k < muskx__dag_arity((muskx__dop)nd->op); k++)
    if (!only_params(g, kids[k])) return 0;
  return 1;
}

/* Where delays may not go, and the per-delay tables. Initial values and
   event schedules are computed before there is any history; the IDA path
   (algebraic equations) keeps no history. */
static muskx_status check_delays(compile_state *s, const muskx_model *m,
                                 muskx__program *p, muskx_error *err) {
  const muskx__dag *g = &s->g;
  muskx__loc where = {m->source, s->b.dl_src[0]->line, s->b.dl_src[0]->col};
  if (m->nalgebraics > 0)
    return muskx__seterr(err, MUSKX_EUNSUPPORTED, &where,
                         "delay() in a model with algebraic equations is not "
                         "supported (the DAE solver keeps no history)");
  for (int32_t i = 0; i < s->init_param.n; i++)
    if (g->nodes[s->init_param.v[i]].has_delay) {
      const muskx__expr *e = i < m->nparams ? m->params[i].value
                                            : m->compartments[i - m->nparams].volume;
      where.line = e->line;
      where.col = e->col;
      return muskx__seterr(err, MUSKX_EUNSUPPORTED, &where,
                           "delay() in a parameter value or compartment "
                           "volume is not supported (there is no history "
                           "before the start)");
    }
  for (int32_t i = 0; i < s->init_species.n; i++)
    if (g->nodes[s->init_species.v[i]].has_delay) {
      where.line = m->species[i].initial->line;
      where.col = m->species[i].initial->col;
      return muskx__seterr(err, MUSKX_EUNSUPPORTED, &where,
                           "delay() in the initial value of species '%s' is "
                           "not supported (there is no history before the "
                           "start)", m->species[i].name);
    }
  for (int e = 0; e < m->nevents; e++)
    for (int32_t k = 0; k < s->event_timing[e].n; k++)
      if (g->nodes[s->event_timing[e].v[k]].has_delay) {
        const muskx__event *ev = &m->events[e];
        const muskx__expr *timing[3] = {ev->at, ev->every, ev->until}, *x = NULL;
        for (int q = 0, seen = 0; q < 3 && x == NULL; q++)
          if (timing[q] && seen++ == k) x = timing[q];
        if (x == NULL) x = s->b.dl_src[0];
        where.line = x->line;
        where.col = x->col;
        return muskx__seterr(err, MUSKX_EUNSUPPORTED, &where,
                             "delay() in an event's at/every/until is not "
                             "supported (schedules are fixed at the start)");
      }
  p->ndelays = s->b.ndl;
  p->delay_expr = muskx__calloc((size_t)p->ndelays, sizeof *p->delay_expr);
  p->delay_tau_const = muskx__calloc((size_t)p->ndelays, 1);
  p->delay_pos = muskx__calloc(2 * (size_t)p->ndelays, sizeof *p->delay_pos);
  if (p->delay_expr == NULL || p->delay_tau_const == NULL || p->delay_pos == NULL) {
    muskx__loc none = {m->source, 0, 0};
    return muskx__seterr(err, MUSKX_ENOMEM, &none, "out of memory compiling delays");
  }
  for (int32_t k = 0; k < p->ndelays; k++) {
    p->delay_tau_const[k] = (uint8_t)only_params(g, s->b.dl_tau[k]);
    p->delay_pos[2 * k] = s->b.dl_src[k]->line;
    p->delay_pos[2 * k + 1] = s->b.dl_src[k]->col;
  }
  return MUSKX_OK;
}

muskx_status muskx__compile(muskx_model *m, muskx_error *err) {
  muskx__loc where = {m->source, 0, 0};
  compile_state s;
  memset(&s, 0, sizeof s);
  muskx__program *p = muskx__calloc(1, sizeof *p);
  if (p == NULL || muskx__dag_init(&s.g) != 0) {
    muskx__free(p);
    return muskx__seterr(err, MUSKX_ENOMEM, &where, "out of memory compiling model");
  }
  p->nevents = m->nevents;
  p->nspecies = m->nspecies;
  p->nparamlike_progs = m->nparams + m->ncompartments;
  s.b.m = m;
  s.b.g = &s.g;
  s.b.assign_node = muskx__calloc((size_t)m->nassignments + 1, sizeof(int32_t));
  s.b.output_node = muskx__calloc((size_t)m->noutputs + 1, sizeof(int32_t));
  s.b.rate_node = muskx__calloc((size_t)m->nreactions + 1, sizeof(int32_t));
  s.event_sets = muskx__calloc((size_t)m->nevents + 1, sizeof *s.event_sets);
  s.event_timing = muskx__calloc((size_t)m->nevents + 1, sizeof *s.event_timing);
  s.deps = muskx__calloc((size_t)m->nspecies + 1, sizeof *s.deps);
  p->event_sets = muskx__calloc((size_t)m->nevents + 1, sizeof *p->event_sets);
  p->event_timing = muskx__calloc((size_t)m->nevents + 1, sizeof *p->event_timing);
  p->init_param = muskx__calloc((size_t)p->nparamlike_progs + 1, sizeof *p->init_param);
  p->init_species = muskx__calloc((size_t)m->nspecies + 1, sizeof *p->init_species);
  p->species_fixed = muskx__calloc((size_t)m->nspecies + 1, 1);
  p->alg_species = muskx__calloc((size_t)m->nalgebraics + 1, sizeof *p->alg_species);
  muskx_status st = MUSKX_ENOMEM;
  if (!s.b.assign_node || !s.b.output_node || !s.b.rate_node || !s.event_sets ||
      !s.event_timing || !s.deps || !p->event_sets || !p->event_timing ||
      !p->init_param || !p->init_species || !p->species_fixed || !p->alg_species)
    goto fail;
  for (int i = 0; i < m->nassignments; i++) s.b.assign_node[i] = -1;
  for (int i = 0; i < m->noutputs; i++) s.b.output_node[i] = -1;
  for (int i = 0; i < m->nreactions; i++) s.b.rate_node[i] = -1;
  if (build_roots(&s, m, p)) {
    if (s.b.bad_at) goto refused;
    goto fail;
  }
  if (s.b.ndl > 0) {
    if ((st = check_delays(&s, m, p, err)) != MUSKX_OK) {
      state_free(&s, m);
      muskx__program_free(p);
      return st;
    }
    st = MUSKX_ENOMEM;
  }
  if (build_jacobian(&s, m) || build_sensitivities(&s, m) ||
      emit_all(&s, m, p) || finish_structure(&s, m, p) ||
      muskx__conservation_laws(m, p))
    goto fail;
  state_free(&s, m);
  m->program = p;
  return MUSKX_OK;
refused:
  where.line = s.b.bad_at->line;
  where.col = s.b.bad_at->col;
  st = s.b.limit_hit ? MUSKX_ELIMIT : MUSKX_EUNSUPPORTED;
  muskx__seterr(err, st, &where, "%s", s.b.bad_what);
  state_free(&s, m);
  muskx__program_free(p);
  return st;
fail:
  state_free(&s, m);
  muskx__program_free(p);
  return muskx__seterr(err, st, &where,
                       "out of memory or model too large to compile "
                       "(%d species, %d reactions)",
                       m->nspecies, m->nreactions);
}
