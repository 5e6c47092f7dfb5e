/*
 * dag.c -- hash-consed expression DAG with constant folding.
 *
 * Invariant: a node's children always have smaller ids than the node, so
 * iterating ids upward is a valid evaluation order, and the hash table never
 * holds two structurally equal nodes.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "dag.h"
#include "vm.h"

static const struct {
  const char *name;
  int arity;
} op_info[MUSKX__D_NOPS] = {
    [MUSKX__D_CONST] = {"const", 0}, [MUSKX__D_TIME] = {"time", 0},
    [MUSKX__D_PARAM] = {"param", 0}, [MUSKX__D_INPUT] = {"input", 0},
    [MUSKX__D_STATE] = {"state", 0}, [MUSKX__D_DELAY] = {"delay", 0},
    [MUSKX__D_INSTANT] = {"instant", 0},
    [MUSKX__D_NEG] = {"neg", 1},
    [MUSKX__D_NOT] = {"not", 1},     [MUSKX__D_EXP] = {"exp", 1},
    [MUSKX__D_LOG] = {"log", 1},     [MUSKX__D_LOG10] = {"log10", 1},
    [MUSKX__D_SQRT] = {"sqrt", 1},   [MUSKX__D_ABS] = {"abs", 1},
    [MUSKX__D_SIGN] = {"sign", 1},   [MUSKX__D_FLOOR] = {"floor", 1},
    [MUSKX__D_CEIL] = {"ceil", 1},   [MUSKX__D_SIN] = {"sin", 1},
    [MUSKX__D_COS] = {"cos", 1},     [MUSKX__D_TAN] = {"tan", 1},
    [MUSKX__D_TANH] = {"tanh", 1},   [MUSKX__D_SQR] = {"sqr", 1},
    [MUSKX__D_ASIN] = {"asin", 1},   [MUSKX__D_ACOS] = {"acos", 1},
    [MUSKX__D_ATAN] = {"atan", 1},
    [MUSKX__D_ADD] = {"add", 2},     [MUSKX__D_SUB] = {"sub", 2},
    [MUSKX__D_MUL] = {"mul", 2},     [MUSKX__D_DIV] = {"div", 2},
    [MUSKX__D_POW] = {"pow", 2},     [MUSKX__D_MIN] = {"min", 2},
    [MUSKX__D_MAX] = {"max", 2},     [MUSKX__D_LT] = {"lt", 2},
    [MUSKX__D_LE] = {"le", 2},       [MUSKX__D_GT] = {"gt", 2},
    [MUSKX__D_GE] = {"ge", 2},       [MUSKX__D_EQ] = {"eq", 2},
    [MUSKX__D_NE] = {"ne", 2},       [MUSKX__D_AND] = {"and", 2},
    [MUSKX__D_OR] = {"or", 2},       [MUSKX__D_IF] = {"if", 3},
};

int muskx__dag_arity(muskx__dop op) { return op_info[op].arity; }

uint8_t muskx__dag_dep_bit(muskx__dop op) {
  switch (op) {
    case MUSKX__D_PARAM: return MUSKX__DEP_PARAM;
    case MUSKX__D_TIME: return MUSKX__DEP_TIME;
    case MUSKX__D_INPUT: return MUSKX__DEP_INPUT;
    default: return 0;
  }
}
const char *muskx__dag_opname(muskx__dop op) { return op_info[op].name; }

double muskx__dag_apply(muskx__dop op, double a, double b, double c) {
  switch (op) {
    case MUSKX__D_NEG: return -a;
    case MUSKX__D_NOT: return a == 0.0 ? 1.0 : 0.0;
    case MUSKX__D_EXP: return exp(a);
    case MUSKX__D_LOG: return log(a);
    case MUSKX__D_LOG10: return log10(a);
    case MUSKX__D_SQRT: return sqrt(a);
    case MUSKX__D_ABS: return fabs(a);
    case MUSKX__D_SIGN: return (a > 0) - (a < 0);
    case MUSKX__D_FLOOR: return floor(a);
    case MUSKX__D_CEIL: return ceil(a);
    case MUSKX__D_SIN: return sin(a);
    case MUSKX__D_COS: return cos(a);
    case MUSKX__D_TAN: return tan(a);
    case MUSKX__D_TANH: return tanh(a);
    case MUSKX__D_ASIN: return asin(a);
    case MUSKX__D_ACOS: return acos(a);
    case MUSKX__D_ATAN: return atan(a);
    case MUSKX__D_SQR: return a * a;
    case MUSKX__D_ADD: return a + b;
    case MUSKX__D_SUB: return a - b;
    case MUSKX__D_MUL: return a * b;
    case MUSKX__D_DIV: return a / b;
    case MUSKX__D_POW: return muskx__vm_pow(a, b); /* as programs run it */
    case MUSKX__D_MIN: return a < b ? a : b;
    case MUSKX__D_MAX: return a > b ? a : b;
    case MUSKX__D_LT: return a < b;
    case MUSKX__D_LE: return a <= b;
    case MUSKX__D_GT: return a > b;
    case MUSKX__D_GE: return a >= b;
    case MUSKX__D_EQ: return a == b;
    case MUSKX__D_NE: return a != b;
    case MUSKX__D_AND: return (a != 0) && (b != 0);
    case MUSKX__D_OR: return (a != 0) || (b != 0);
    case MUSKX__D_IF: return a != 0 ? b : c;
    default: return NAN;
  }
}

static uint64_t node_hash(const muskx__dnode *n) {
  uint64_t bits;
  memcpy(&bits, &n->v, sizeof bits);
  uint64_t h = 1469598103934665603ull ^ n->op;
  h = (h ^ (uint32_t)n->a) * 1099511628211ull;
  h = (h ^ (uint32_t)n->b) * 1099511628211ull;
  h = (h ^ (uint32_t)n->c) * 1099511628211ull;
  h = (h ^ bits) * 1099511628211ull;
  return h ^ (h >> 29);
}

static int node_equal(const muskx__dnode *x, const muskx__dnode *y) {
  return x->op == y->op && x->a == y->a && x->b == y->b && x->c == y->c &&
         memcmp(&x->v, &y->v, sizeof x->v) == 0;
}

static int rehash(muskx__dag *g, int32_t newcap) {
  int32_t *h = muskx__calloc((size_t)newcap, sizeof *h);
  if (h == NULL) return -1;
  for (int32_t i = 0; i < newcap; i++) h[i] = -1;
  for (int32_t id = 0; id < g->n; id++) {
    uint64_t k = node_hash(&g->nodes[id]) & (uint64_t)(newcap - 1);
    while (h[k] >= 0) k = (k + 1) & (uint64_t)(newcap - 1);
    h[k] = id;
  }
  muskx__free(g->hash);
  g->hash = h;
  g->hcap = newcap;
  return 0;
}

/* Finds or inserts a node; the sole place nodes are created. */
static int32_t intern(muskx__dag *g, muskx__dnode nd) {
  if (g->oom) return -1;
  if ((int64_t)(g->n + 1) * 2 > g->hcap) {
    if (g->hcap > (1 << 29) || rehash(g, g->hcap ? g->hcap * 2 : 256) != 0) {
      g->oom = 1;
      return -1;
    }
  }
  uint64_t k = node_hash(&nd) & (uint64_t)(g->hcap - 1);
  while (g->hash[k] >= 0) {
    if (node_equal(&g->nodes[g->hash[k]], &nd)) return g->hash[k];
    k = (k + 1) & (uint64_t)(g->hcap - 1);
  }
  if (g->n == g->cap) {
    int32_t nc = g->cap ? g->cap * 2 : 256;
    muskx__dnode *p = muskx__reallocarray(g->nodes, (size_t)nc, sizeof *p);
    if (p == NULL) {
      g->oom = 1;
      return -1;
    }
    g->nodes = p;
    g->cap = nc;
  }
  nd.has_state = nd.op == MUSKX__D_STATE;
  nd.has_delay = nd.op == MUSKX__D_DELAY;
  nd.leafdeps = muskx__dag_dep_bit((muskx__dop)nd.op);
  int32_t kids[3] = {nd.a, nd.b, nd.c};
  for (int i = 0; i < op_info[nd.op].arity; i++) {
    nd.has_state |= g->nodes[kids[i]].has_state;
    nd.has_delay |= g->nodes[kids[i]].has_delay;
    nd.leafdeps |= g->nodes[kids[i]].leafdeps;
  }
  g->nodes[g->n] = nd;
  g->hash[k] = g->n;
  return g->n++;
}

int muskx__dag_init(muskx__dag *g) {
  memset(g, 0, sizeof *g);
  if (muskx__dag_const(g, 0.0) != MUSKX__DAG_ZERO ||
      muskx__dag_const(g, 1.0) != MUSKX__DAG_ONE) {
    muskx__dag_free(g);
    return -1;
  }
  return 0;
}

void muskx__dag_free(muskx__dag *g) {
  muskx__free(g->nodes);
  muskx__free(g->hash);
  memset(g, 0, sizeof *g);
}

int32_t muskx__dag_const(muskx__dag *g, double v) {
  if (v == 0.0) v = 0.0; /* -0.0 and 0.0 are one node */
  muskx__dnode nd = {MUSKX__D_CONST, 0, -1, -1, -1, v, 0, 0};
  return intern(g, nd);
}

int32_t muskx__dag_leaf(muskx__dag *g, muskx__dop op, int32_t index) {
  muskx__dnode nd = {(uint8_t)op, 0, index, -1, -1, 0.0, 0, 0};
  if (op == MUSKX__D_TIME) nd.a = -1;
  return intern(g, nd);
}

static int is_const(const muskx__dag *g, int32_t id, double v) {
  return g->nodes[id].op == MUSKX__D_CONST && g->nodes[id].v == v;
}

static int is_literal(const muskx__dag *g, int32_t id) {
  return g->nodes[id].op == MUSKX__D_CONST;
}

/* Exact algebraic identities only; anything else is interned as is. */
static int32_t simplify(muskx__dag *g, muskx__dop op, int32_t a, int32_t b) {
  switch (op) {
    case MUSKX__D_ADD:
      if (is_const(g, a, 0)) return b;
      if (is_const(g, b, 0)) return a;
      if (g->nodes[b].op == MUSKX__D_NEG)
        return muskx__dag_op(g, MUSKX__D_SUB, a, g->nodes[b].a, -1);
      if (g->nodes[a].op == MUSKX__D_NEG)
        return muskx__dag_op(g, MUSKX__D_SUB, b, g->nodes[a].a, -1);
      break;
    case MUSKX__D_SUB:
      if (is_const(g, b, 0)) return a;
      if (is_const(g, a, 0)) return muskx__dag_op(g, MUSKX__D_NEG, b, -1, -1);
      if (a == b) return MUSKX__DAG_ZERO;
      break;
    case MUSKX__D_MUL:
      if (is_const(g, a, 0) || is_const(g, b, 0)) return MUSKX__DAG_ZERO;
      if (is_const(g, a, 1)) return b;
      if (is_const(g, b, 1)) return a;
      if (is_const(g, a, -1)) return muskx__dag_op(g, MUSKX__D_NEG, b, -1, -1);
      if (is_const(g, b, -1)) return muskx__dag_op(g, MUSKX__D_NEG, a, -1, -1);
      if (a == b) return muskx__dag_op(g, MUSKX__D_SQR, a, -1, -1);
      break;
    case MUSKX__D_DIV:
      if (is_const(g, a, 0) && !is_const(g, b, 0)) return MUSKX__DAG_ZERO;
      if (is_const(g, b, 1)) return a;
      break;
    case MUSKX__D_POW:
      if (is_const(g, b, 1)) return a;
      if (is_const(g, b, 0)) return MUSKX__DAG_ONE;
      if (is_const(g, b, 2)) return muskx__dag_op(g, MUSKX__D_SQR, a, -1, -1);
      if (is_const(g, b, 0.5)) return muskx__dag_op(g, MUSKX__D_SQRT, a, -1, -1);
      break;
    case MUSKX__D_NEG:
      if (g->nodes[a].op == MUSKX__D_NEG) return g->nodes[a].a;
      break;
    default:
      break;
  }
  return -2; /* no rule applied */
}

int32_t muskx__dag_op(muskx__dag *g, muskx__dop op, int32_t a, int32_t b,
                      int32_t c) {
  int arity = op_info[op].arity;
  if (g->oom || a < 0 || (arity > 1 && b < 0) || (arity > 2 && c < 0))
    return -1;
  if (arity < 2) b = -1;
  if (arity < 3) c = -1;
  /* Fold pure operations on literals. */
  int all_lit = is_literal(g, a) && (arity < 2 || is_literal(g, b)) &&
                (arity < 3 || is_literal(g, c));
  if (all_lit) {
    double r = muskx__dag_apply(op, g->nodes[a].v, arity > 1 ? g->nodes[b].v : 0,
                                arity > 2 ? g->nodes[c].v : 0);
    if (isfinite(r)) return muskx__dag_const(g, r);
    /* A non-finite literal result is kept as an operation so the run-time
       error can name the expression instead of a mystery constant. */
  }
  if (op == MUSKX__D_IF && is_literal(g, a))
    return g->nodes[a].v != 0 ? b : c;
  if (op == MUSKX__D_IF && b == c) return b;
  int32_t s = simplify(g, op, a, b);
  if (s != -2) return s;
  /* Canonical order for commutative ops improves sharing. */
  if ((op == MUSKX__D_ADD || op == MUSKX__D_MUL || op == MUSKX__D_MIN ||
       op == MUSKX__D_MAX || op == MUSKX__D_EQ || op == MUSKX__D_NE ||
       op == MUSKX__D_AND || op == MUSKX__D_OR) &&
      a > b) {
    int32_t t = a;
    a = b;
    b = t;
  }
  muskx__dnode nd = {(uint8_t)op, 0, a, b, c, 0.0, 0, 0};
  return intern(g, nd);
}
