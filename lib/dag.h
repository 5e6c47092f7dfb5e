/*
 * dag.h -- the expression graph the compiler works on.
 *
 * Every expression of a model (rates, assignments, their derivatives...) is
 * a node in one hash-consed DAG: structurally equal nodes are the same node,
 * so common subexpressions are computed once, and the derivative of a shared
 * subexpression is built once. Constructors fold constants (only literals
 * and pure built-ins; never parameters, inputs or time) and apply algebraic
 * identities that are exact (x+0, x*1, x*0 for finite literals, --x).
 * Node 0 is the constant 0 and node 1 the constant 1.
 */
#ifndef MUSKX_DAG_H
#define MUSKX_DAG_H

#include <stdint.h>

typedef enum {
  /* leaves */
  MUSKX__D_CONST, /* v */
  MUSKX__D_TIME,
  MUSKX__D_PARAM, /* a = parameter-like slot (params, then compartments) */
  MUSKX__D_INPUT, /* a = input index */
  MUSKX__D_STATE, /* a = species index */
  MUSKX__D_DELAY, /* a = delay index: delay(e_a, tau_a), computed before
                     each evaluation (delay.c); constant w.r.t. y */
  MUSKX__D_INSTANT, /* a = equality index: 1 at the instant a `when`'s
                       a == b is located (a root of a - b), else 0; set by
                       events.c, read only by the `when` programs */
  /* unary */
  MUSKX__D_NEG, MUSKX__D_NOT, MUSKX__D_EXP, MUSKX__D_LOG, MUSKX__D_LOG10,
  MUSKX__D_SQRT, MUSKX__D_ABS, MUSKX__D_SIGN, MUSKX__D_FLOOR, MUSKX__D_CEIL,
  MUSKX__D_SIN, MUSKX__D_COS, MUSKX__D_TAN, MUSKX__D_TANH, MUSKX__D_SQR,
  MUSKX__D_ASIN, MUSKX__D_ACOS, MUSKX__D_ATAN,
  /* binary */
  MUSKX__D_ADD, MUSKX__D_SUB, MUSKX__D_MUL, MUSKX__D_DIV, MUSKX__D_POW,
  MUSKX__D_MIN, MUSKX__D_MAX, MUSKX__D_LT, MUSKX__D_LE, MUSKX__D_GT,
  MUSKX__D_GE, MUSKX__D_EQ, MUSKX__D_NE, MUSKX__D_AND, MUSKX__D_OR,
  /* ternary */
  MUSKX__D_IF, /* a ? b : c */
  MUSKX__D_NOPS
} muskx__dop;

typedef struct muskx__dnode {
  uint8_t op;
  uint8_t has_state; /* depends on some state (else d/dy = 0) */
  int32_t a, b, c;   /* children (node ids) or leaf index; -1 if unused */
  double v;          /* D_CONST value */
  uint8_t has_delay; /* depends on some D_DELAY leaf */
  uint8_t leafdeps;  /* MUSKX__DEP_* bits: the other leaves it depends on
                        (else d/dparam, d/dt, d/dinput = 0) */
} muskx__dnode;

#define MUSKX__DEP_PARAM 1
#define MUSKX__DEP_TIME 2
#define MUSKX__DEP_INPUT 4
/* The MUSKX__DEP_* bit of a leaf op (0 for other ops). */
uint8_t muskx__dag_dep_bit(muskx__dop op);

typedef struct muskx__dag {
  muskx__dnode *nodes;
  int32_t n, cap;
  int32_t *hash; /* open addressing over node ids, -1 = empty */
  int32_t hcap;
  int oom;       /* set once an allocation failed; every later call
                    returns -1 so callers can check once at the end */
} muskx__dag;

#define MUSKX__DAG_ZERO 0
#define MUSKX__DAG_ONE 1

int muskx__dag_init(muskx__dag *g);
void muskx__dag_free(muskx__dag *g);

/* Constructors: return a node id, or -1 if out of memory (or an argument
   is -1, so errors propagate). */
int32_t muskx__dag_const(muskx__dag *g, double v);
int32_t muskx__dag_leaf(muskx__dag *g, muskx__dop op, int32_t index);
int32_t muskx__dag_op(muskx__dag *g, muskx__dop op, int32_t a, int32_t b,
                      int32_t c);

/* Number of children of an op (0 for leaves). */
int muskx__dag_arity(muskx__dop op);
/* Evaluates op on already-computed arguments (shared by folding and VM). */
double muskx__dag_apply(muskx__dop op, double a, double b, double c);
/* Short name of an op for dumps ("add", "exp"...). */
const char *muskx__dag_opname(muskx__dop op);

#endif
