/*
 * expr.h -- expression syntax trees, as parsed from model text.
 *
 * Grammar (lowest to highest precedence; see muskx-model(5)):
 *   or   := and  ('||' and)*
 *   and  := cmp  ('&&' cmp)*
 *   cmp  := add  (('=='|'!='|'<'|'<='|'>'|'>=') add)*
 *   add  := mul  (('+'|'-') mul)*
 *   mul  := un   (('*'|'/') un)*
 *   un   := ('-'|'!'|'+') un | pow
 *   pow  := atom ('^' un)?            right-associative: 2^3^2 = 2^9
 *   atom := NUMBER | NAME | NAME '(' args ')' | '(' or ')'
 * NAME is [A-Za-z_][A-Za-z0-9_]* with optional '.'-separated parts
 * (imported names, "bone.OCa"). Note -2^2 = -(2^2) = -4.
 *
 * Invariants: every node carries the 1-based line and column of its first
 * character in the model file; a tree is owned by exactly one parent.
 */
#ifndef MUSKX_EXPR_H
#define MUSKX_EXPR_H

#include "error.h"

typedef enum {
  MUSKX__E_NUM,  /* num */
  MUSKX__E_NAME, /* name; resolved to (sym_kind, sym_index) by the loader */
  MUSKX__E_NEG,  /* -args[0] */
  MUSKX__E_NOT,  /* !args[0] */
  MUSKX__E_ADD,
  MUSKX__E_SUB,
  MUSKX__E_MUL,
  MUSKX__E_DIV,
  MUSKX__E_POW,
  MUSKX__E_EQ,
  MUSKX__E_NE,
  MUSKX__E_LT,
  MUSKX__E_LE,
  MUSKX__E_GT,
  MUSKX__E_GE,
  MUSKX__E_AND,
  MUSKX__E_OR,
  MUSKX__E_CALL /* name(args...); resolved to a builtin or user function */
} muskx__expr_kind;

/* What an E_NAME refers to once resolved. */
typedef enum {
  MUSKX__SYM_NONE = 0,
  MUSKX__SYM_TIME,        /* t, time */
  MUSKX__SYM_PARAM,       /* model->params[i] */
  MUSKX__SYM_SPECIES,     /* model->species[i] */
  MUSKX__SYM_COMPARTMENT, /* model->compartments[i] */
  MUSKX__SYM_INPUT,       /* model->inputs[i] */
  MUSKX__SYM_ASSIGNMENT,  /* model->assignments[i] */
  MUSKX__SYM_OUTPUT,      /* model->outputs[i] */
  MUSKX__SYM_REACTION,    /* model->reactions[i]: its rate */
  MUSKX__SYM_FUNCTION,    /* model->functions[i] (only as a call) */
  MUSKX__SYM_FUNARG,      /* argument i of the enclosing user function */
  MUSKX__SYM_CONST        /* a named constant: pi, e (value in num) */
} muskx__sym_kind;

/* Built-in functions. Arity in muskx__builtin_arity(). */
typedef enum {
  MUSKX__F_NONE = -1,
  MUSKX__F_EXP = 0,
  MUSKX__F_LOG, /* natural log; "ln" is the same function */
  MUSKX__F_LOG10,
  MUSKX__F_SQRT,
  MUSKX__F_POW,
  MUSKX__F_ABS,
  MUSKX__F_MIN, /* 2 or more arguments */
  MUSKX__F_MAX, /* 2 or more arguments */
  MUSKX__F_FLOOR,
  MUSKX__F_CEIL,
  MUSKX__F_SIN,
  MUSKX__F_COS,
  MUSKX__F_TAN,
  MUSKX__F_TANH,
  MUSKX__F_ASIN,
  MUSKX__F_ACOS,
  MUSKX__F_ATAN,
  MUSKX__F_IF,      /* if(cond, a, b) */
  MUSKX__F_HILL,    /* hill(x, K, n) = x^n / (K^n + x^n) */
  MUSKX__F_HILLINH, /* hill_inh(x, K, n) = K^n / (K^n + x^n) */
  MUSKX__F_DELAY,   /* delay(x, tau): x at time t - tau (compile.c) */
  MUSKX__F_COUNT
} muskx__builtin;

typedef struct muskx__expr {
  muskx__expr_kind kind;
  int line, col;         /* 1-based position of the node's first char */
  double num;            /* E_NUM value; SYM_CONST value */
  char *name;            /* E_NAME / E_CALL identifier, else NULL */
  int nargs;             /* children count */
  struct muskx__expr **args;
  /* Filled by name resolution (load.c): */
  muskx__sym_kind sym_kind; /* E_NAME */
  int sym_index;            /* E_NAME index; E_CALL: user function index */
  muskx__builtin builtin;   /* E_CALL: builtin, or F_NONE for user fn */
} muskx__expr;

/*
 * Parses text (len bytes) as one expression. line/col give the position of
 * text[0] in the file (for node positions and error messages; a newline in
 * text advances the line). On error returns NULL and fills err with
 * ESYNTAX (or ELIMIT past MUSKX__EXPR_MAX_DEPTH nesting) at the offending
 * token, naming it: "unexpected ')' in expression".
 */
#define MUSKX__EXPR_MAX_DEPTH 200
muskx__expr *muskx__expr_parse(const char *text, size_t len,
                               const char *file, int line, int col,
                               muskx_error *err);

void muskx__expr_free(muskx__expr *e);

/* Deep copy (NULL on allocation failure). */
muskx__expr *muskx__expr_clone(const muskx__expr *e);

/* Builtin by name ("ln" maps to F_LOG), or F_NONE. */
muskx__builtin muskx__builtin_lookup(const char *name);
/* Name of a builtin, for messages. */
const char *muskx__builtin_name(muskx__builtin f);

/* 1 when the n characters at s spell inf, infinity or nan (any case): a
   name that means a non-finite number, for clearer messages. */
int muskx__nonfinite_word(const char *s, size_t n);

/* e as text ("A / (B + 1)"), NUL-terminated, cut to n bytes with "..."
   (expr_print.c). */
void muskx__expr_print(const muskx__expr *e, char *buf, size_t n);
/* Required argument count; -2 means "2 or more". */
int muskx__builtin_arity(muskx__builtin f);

#endif
