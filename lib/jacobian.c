/*
 * jacobian.c -- exact derivatives of right-hand sides, by the chain rule on
 * the hash-consed DAG.
 *
 * Each rule below is the textbook derivative; the comment on a rule says
 * why it is written the way it is where that is not obvious. Nodes that do
 * not depend on any state (has_state == 0) have derivative 0 without
 * recursion, which keeps the cost proportional to the state-dependent part
 * of each expression. Results are memoised per (node, j).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "jacobian.h"

typedef struct {
  int32_t node, j, result;
} memo_entry;

struct muskx__diff {
  muskx__dag *g;
  muskx__dop wrt; /* the leaf kind differentiated by: state, param... */
  memo_entry *tab;
  uint32_t cap, count;
};

muskx__diff *muskx__diff_new(muskx__dag *g) {
  return muskx__diff_new_wrt(g, MUSKX__D_STATE);
}

muskx__diff *muskx__diff_new_wrt(muskx__dag *g, muskx__dop leaf) {
  muskx__diff *d = muskx__calloc(1, sizeof *d);
  if (d == NULL) return NULL;
  d->g = g;
  d->wrt = leaf;
  d->cap = 1024;
  d->tab = muskx__calloc(d->cap, sizeof *d->tab);
  if (d->tab == NULL) {
    muskx__free(d);
    return NULL;
  }
  for (uint32_t i = 0; i < d->cap; i++) d->tab[i].node = -1;
  return d;
}

void muskx__diff_free(muskx__diff *d) {
  if (d == NULL) return;
  muskx__free(d->tab);
  muskx__free(d);
}

static uint32_t memo_slot(uint32_t cap, int32_t node, int32_t j) {
  uint64_t h = ((uint64_t)(uint32_t)node * 0x9E3779B97F4A7C15ull) ^
               ((uint64_t)(uint32_t)j * 0xC2B2AE3D27D4EB4Full);
  return (uint32_t)(h ^ (h >> 32)) & (cap - 1);
}

static int memo_grow(muskx__diff *d) {
  uint32_t nc = d->cap * 2;
  memo_entry *t = muskx__calloc(nc, sizeof *t);
  if (t == NULL) return -1;
  for (uint32_t i = 0; i < nc; i++) t[i].node = -1;
  for (uint32_t i = 0; i < d->cap; i++) {
    if (d->tab[i].node < 0) continue;
    uint32_t k = memo_slot(nc, d->tab[i].node, d->tab[i].j);
    while (t[k].node >= 0) k = (k + 1) & (nc - 1);
    t[k] = d->tab[i];
  }
  muskx__free(d->tab);
  d->tab = t;
  d->cap = nc;
  return 0;
}

static int32_t memo_get(const muskx__diff *d, int32_t node, int32_t j) {
  uint32_t k = memo_slot(d->cap, node, j);
  while (d->tab[k].node >= 0) {
    if (d->tab[k].node == node && d->tab[k].j == j) return d->tab[k].result;
    k = (k + 1) & (d->cap - 1);
  }
  return -2;
}

static void memo_put(muskx__diff *d, int32_t node, int32_t j, int32_t r) {
  if ((d->count + 1) * 2 > d->cap && memo_grow(d) != 0) return; /* no memo */
  uint32_t k = memo_slot(d->cap, node, j);
  while (d->tab[k].node >= 0) k = (k + 1) & (d->cap - 1);
  d->tab[k].node = node;
  d->tab[k].j = j;
  d->tab[k].result = r;
  d->count++;
}

#define OP(o, x, y) muskx__dag_op(g, MUSKX__D_##o, (x), (y), -1)
#define OP1(o, x) muskx__dag_op(g, MUSKX__D_##o, (x), -1, -1)

/* Whether node can depend on the leaves d differentiates by. */
static int depends(const muskx__diff *d, const muskx__dnode *nd) {
  if (d->wrt == MUSKX__D_STATE) return nd->has_state;
  return (nd->leafdeps & muskx__dag_dep_bit(d->wrt)) != 0;
}

int32_t muskx__diff_wrt_state(muskx__diff *d, int32_t node, int32_t j) {
  return muskx__diff_wrt(d, node, j);
}

int32_t muskx__diff_wrt(muskx__diff *d, int32_t node, int32_t j) {
  muskx__dag *g = d->g;
  if (node < 0) return -1;
  const muskx__dnode nd = g->nodes[node];
  if (!depends(d, &nd)) return MUSKX__DAG_ZERO;
  if (nd.op == d->wrt) /* time: both -1 */
    return nd.a == j ? MUSKX__DAG_ONE : MUSKX__DAG_ZERO;
  int32_t cached = memo_get(d, node, j);
  if (cached != -2) return cached;

  int32_t a = nd.a, b = nd.b, c = nd.c;
  int32_t da = muskx__dag_arity(nd.op) >= 1 ? muskx__diff_wrt(d, a, j) : 0;
  int32_t db = muskx__dag_arity(nd.op) >= 2 ? muskx__diff_wrt(d, b, j) : 0;
  int32_t r;
  switch ((muskx__dop)nd.op) {
    case MUSKX__D_NEG: r = OP1(NEG, da); break;
    case MUSKX__D_ADD: r = OP(ADD, da, db); break;
    case MUSKX__D_SUB: r = OP(SUB, da, db); break;
    case MUSKX__D_MUL: r = OP(ADD, OP(MUL, da, b), OP(MUL, a, db)); break;
    case MUSKX__D_DIV:
      /* (a/b)' = (a' - (a/b) b') / b: reuses the node itself, one division
         fewer than the quotient rule's b^2. */
      r = OP(DIV, OP(SUB, da, OP(MUL, node, db)), b);
      break;
    case MUSKX__D_SQR:
      r = OP(MUL, OP(MUL, muskx__dag_const(g, 2.0), a), da);
      break;
    case MUSKX__D_POW: {
      /* b a^(b-1) a' + a^b ln(a) b', each term only where its derivative
         is not 0: the first avoids log(a), which is NaN for a < 0 even
         though the power is fine; the second is 0 at a = 0 (the limit of
         a^b ln a for b > 0), where 0 * ln 0 would be NaN -- a Hill
         exponent's sensitivity at a zero concentration. */
      int32_t bm1 = OP(SUB, b, MUSKX__DAG_ONE);
      r = OP(MUL, OP(MUL, b, OP(POW, a, bm1)), da);
      if (db != MUSKX__DAG_ZERO) {
        int32_t lb = OP(MUL, OP(MUL, node, OP1(LOG, a)), db);
        int32_t at0 = OP(EQ, a, MUSKX__DAG_ZERO);
        r = OP(ADD, r, muskx__dag_op(g, MUSKX__D_IF, at0, MUSKX__DAG_ZERO, lb));
      }
      break;
    }
    case MUSKX__D_EXP: r = OP(MUL, node, da); break;
    case MUSKX__D_LOG: r = OP(DIV, da, a); break;
    case MUSKX__D_LOG10:
      r = OP(DIV, da, OP(MUL, a, muskx__dag_const(g, 2.302585092994045684)));
      break;
    case MUSKX__D_SQRT:
      r = OP(DIV, da, OP(MUL, muskx__dag_const(g, 2.0), node));
      break;
    case MUSKX__D_ABS: r = OP(MUL, OP1(SIGN, a), da); break;
    case MUSKX__D_SIN: r = OP(MUL, OP1(COS, a), da); break;
    case MUSKX__D_COS: r = OP1(NEG, OP(MUL, OP1(SIN, a), da)); break;
    case MUSKX__D_TAN:
      r = OP(MUL, OP(ADD, MUSKX__DAG_ONE, OP1(SQR, node)), da);
      break;
    case MUSKX__D_ASIN: /* 1 / sqrt(1 - a^2) */
      r = OP(DIV, da, OP1(SQRT, OP(SUB, MUSKX__DAG_ONE, OP1(SQR, a))));
      break;
    case MUSKX__D_ACOS: /* -1 / sqrt(1 - a^2) */
      r = OP1(NEG, OP(DIV, da, OP1(SQRT, OP(SUB, MUSKX__DAG_ONE, OP1(SQR, a)))));
      break;
    case MUSKX__D_ATAN: /* 1 / (1 + a^2) */
      r = OP(DIV, da, OP(ADD, MUSKX__DAG_ONE, OP1(SQR, a)));
      break;
    case MUSKX__D_TANH:
      r = OP(MUL, OP(SUB, MUSKX__DAG_ONE, OP1(SQR, node)), da);
      break;
    case MUSKX__D_MIN:
      /* Piecewise: the derivative of the branch that is selected. */
      r = muskx__dag_op(g, MUSKX__D_IF, OP(LE, a, b), da, db);
      break;
    case MUSKX__D_MAX:
      r = muskx__dag_op(g, MUSKX__D_IF, OP(GE, a, b), da, db);
      break;
    case MUSKX__D_IF:
      r = muskx__dag_op(g, MUSKX__D_IF, a, db,
                        muskx__diff_wrt(d, c, j));
      break;
    default:
      /* Comparisons, logic, sign, floor, ceil: piecewise constant. */
      r = MUSKX__DAG_ZERO;
      break;
  }
  if (r >= 0) memo_put(d, node, j, r);
  return r;
}

/* Does the subtree at node reach a `leaf` node? States are flagged by
   has_state, the other leaves (parameters, inputs, ...) by their bit. */
static int reaches(const muskx__dnode *nd, muskx__dop leaf, uint8_t bit) {
  return leaf == MUSKX__D_STATE ? nd->has_state : (nd->leafdeps & bit) != 0;
}

int muskx__dag_leaf_deps(const muskx__dag *g, int32_t node, muskx__dop leaf,
                         int32_t *out, int32_t *stack, uint32_t *visited,
                         uint32_t stamp) {
  uint8_t bit = leaf == MUSKX__D_STATE ? 0 : muskx__dag_dep_bit(leaf);
  int n = 0, sp = 0;
  if (node < 0 || !reaches(&g->nodes[node], leaf, bit)) return 0;
  stack[sp++] = node;
  visited[node] = stamp;
  while (sp > 0) {
    const muskx__dnode *nd = &g->nodes[stack[--sp]];
    if (nd->op == leaf) {
      out[n++] = nd->a;
      continue;
    }
    int32_t kids[3] = {nd->a, nd->b, nd->c};
    for (int i = 0; i < muskx__dag_arity((muskx__dop)nd->op); i++) {
      int32_t k = kids[i];
      if (visited[k] != stamp && reaches(&g->nodes[k], leaf, bit)) {
        visited[k] = stamp;
        stack[sp++] = k;
      }
    }
  }
  for (int i = 1; i < n; i++) { /* insertion sort: short lists */
    int32_t v = out[i];
    int k = i - 1;
    while (k >= 0 && out[k] > v) {
      out[k + 1] = out[k];
      k--;
    }
    out[k + 1] = v;
  }
  return n;
}

int muskx__dag_state_deps(const muskx__dag *g, int32_t node, int32_t *out,
                          int32_t *stack, uint32_t *visited, uint32_t stamp) {
  return muskx__dag_leaf_deps(g, node, MUSKX__D_STATE, out, stack, visited,
                              stamp);
}
