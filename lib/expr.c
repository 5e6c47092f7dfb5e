/*
 * expr.c -- the expression parser: text of a rate, assignment or condition
 * to a muskx__expr tree (grammar and precedence in expr.h).
 *
 * Invariants:
 *  - recursive descent, one token of lookahead; errors name the offending
 *    token and its file position (line/col of the token, counted from the
 *    position the caller gives for text[0]; after a newline the column
 *    restarts at that base column, which is exact for YAML block scalars,
 *    whose lines share one indentation);
 *  - both the parser's recursion and the height of the tree it builds are
 *    bounded by MUSKX__EXPR_MAX_DEPTH, so every later recursive walker
 *    (resolver, compiler, differentiator, free) has a bounded stack even on
 *    hostile input such as a 16 MiB chain "a+a+a+...";
 *  - a unary minus applied directly to a number literal is folded into the
 *    literal ("-2" is the number -2), so loaders can tell a literal value
 *    from an expression; "-2^2" is still -(2^2).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "decimal.h"
#include "expr.h"

/* ---------------------------------------------------------------------- */
/* Built-in functions                                                      */

static const struct {
  const char *name;
  muskx__builtin f;
} builtin_names[] = {
    {"exp", MUSKX__F_EXP},     {"log", MUSKX__F_LOG},
    {"ln", MUSKX__F_LOG},      {"log10", MUSKX__F_LOG10},
    {"sqrt", MUSKX__F_SQRT},   {"pow", MUSKX__F_POW},
    {"abs", MUSKX__F_ABS},     {"min", MUSKX__F_MIN},
    {"max", MUSKX__F_MAX},     {"floor", MUSKX__F_FLOOR},
    {"ceil", MUSKX__F_CEIL},   {"sin", MUSKX__F_SIN},
    {"cos", MUSKX__F_COS},     {"tan", MUSKX__F_TAN},
    {"tanh", MUSKX__F_TANH},   {"if", MUSKX__F_IF},
    {"asin", MUSKX__F_ASIN},   {"acos", MUSKX__F_ACOS},
    {"atan", MUSKX__F_ATAN},
    {"hill", MUSKX__F_HILL},   {"hill_inh", MUSKX__F_HILLINH},
    {"delay", MUSKX__F_DELAY},
};

/* Indexed by muskx__builtin: canonical name and arity (-2: 2 or more). */
static const struct {
  const char *name;
  int arity;
} builtin_info[MUSKX__F_COUNT] = {
    [MUSKX__F_EXP] = {"exp", 1},       [MUSKX__F_LOG] = {"log", 1},
    [MUSKX__F_LOG10] = {"log10", 1},   [MUSKX__F_SQRT] = {"sqrt", 1},
    [MUSKX__F_POW] = {"pow", 2},       [MUSKX__F_ABS] = {"abs", 1},
    [MUSKX__F_MIN] = {"min", -2},      [MUSKX__F_MAX] = {"max", -2},
    [MUSKX__F_FLOOR] = {"floor", 1},   [MUSKX__F_CEIL] = {"ceil", 1},
    [MUSKX__F_SIN] = {"sin", 1},       [MUSKX__F_COS] = {"cos", 1},
    [MUSKX__F_TAN] = {"tan", 1},       [MUSKX__F_TANH] = {"tanh", 1},
    [MUSKX__F_ASIN] = {"asin", 1},     [MUSKX__F_ACOS] = {"acos", 1},
    [MUSKX__F_ATAN] = {"atan", 1},
    [MUSKX__F_IF] = {"if", 3},         [MUSKX__F_HILL] = {"hill", 3},
    [MUSKX__F_HILLINH] = {"hill_inh", 3}, [MUSKX__F_DELAY] = {"delay", 2},
};

muskx__builtin muskx__builtin_lookup(const char *name) {
  if (name == NULL) return MUSKX__F_NONE;
  for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++)
    if (strcmp(builtin_names[i].name, name) == 0) return builtin_names[i].f;
  return MUSKX__F_NONE;
}

const char *muskx__builtin_name(muskx__builtin f) {
  if (f < 0 || f >= MUSKX__F_COUNT) return "?";
  return builtin_info[f].name;
}

int muskx__builtin_arity(muskx__builtin f) {
  if (f < 0 || f >= MUSKX__F_COUNT) return 0;
  return builtin_info[f].arity;
}

/* ---------------------------------------------------------------------- */
/* Trees                                                                   */

void muskx__expr_free(muskx__expr *e) {
  if (e == NULL) return;
  for (int i = 0; i < e->nargs; i++) muskx__expr_free(e->args[i]);
  muskx__free(e->args);
  muskx__free(e->name);
  muskx__free(e);
}

muskx__expr *muskx__expr_clone(const muskx__expr *e) {
  if (e == NULL) return NULL;
  muskx__expr *c = muskx__alloc(sizeof *c);
  if (c == NULL) return NULL;
  *c = *e;
  c->name = NULL;
  c->args = NULL;
  c->nargs = 0;
  if (e->name != NULL && (c->name = muskx__strdup(e->name)) == NULL) {
    muskx__free(c);
    return NULL;
  }
  if (e->nargs > 0) {
    c->args = muskx__calloc((size_t)e->nargs, sizeof *c->args);
    if (c->args == NULL) {
      muskx__expr_free(c);
      return NULL;
    }
    c->nargs = e->nargs;
    for (int i = 0; i < e->nargs; i++)
      if ((c->args[i] = muskx__expr_clone(e->args[i])) == NULL) {
        muskx__expr_free(c);
        return NULL;
      }
  }
  return c;
}

/* ---------------------------------------------------------------------- */
/* Lexer                                                                   */

enum {
  T_END = 256,
  T_NUM,
  T_NAME,
  T_OR,  /* || */
  T_AND, /* && */
  T_EQ,  /* == */
  T_NE,  /* != */
  T_LE,  /* <= */
  T_GE,  /* >= */
  T_ERR  /* the lexer has filled err */
};

typedef struct parser {
  const char *s;
  size_t len, pos; /* pos: next unread byte */
  const char *file;
  int col0;        /* base column: where every line of text starts */
  int line, col;   /* position of s[pos] */
  muskx_error *err;
  int depth;       /* recursion depth of parse_unary */
  /* current token */
  int tok;
  size_t tstart, tlen;
  int tline, tcol;
  double num;
} parser;

#define MAX_NAME 255

static muskx_status fail_at(parser *p, muskx_status st, int line, int col,
                            const char *fmt, ...) MUSKX__PRINTF(5, 6);

/* Every parse error points at a token: its position is given explicitly. */
static muskx_status fail_at(parser *p, muskx_status st, int line, int col,
                            const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  muskx__loc loc = {p->file, line, col};
  return muskx__seterr(p->err, st, &loc, "%s", msg);
}

static void advance(parser *p, size_t n) {
  while (n-- > 0 && p->pos < p->len) {
    if (p->s[p->pos] == '\n') {
      p->line++;
      p->col = p->col0;
    } else {
      p->col++;
    }
    p->pos++;
  }
}

static int is_alpha(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_word(int c) { return is_alpha(c) || is_digit(c) || c == '.'; }

/* Copies the current token into a bounded buffer for messages. */
static const char *tok_text(const parser *p, char *buf, size_t size) {
  size_t n = p->tlen < size - 4 ? p->tlen : size - 4;
  memcpy(buf, p->s + p->tstart, n);
  if (n < p->tlen)
    memcpy(buf + n, "...", 4);
  else
    buf[n] = '\0';
  return buf;
}

static int lex_number(parser *p) {
  const char *s = p->s + p->pos;
  size_t rest = p->len - p->pos;
  size_t n = muskx__decimal_span(s, rest);
  /* The whole run of word characters is the token: "1.2.3", "0x10", "2B"
     and "1e" are one malformed number, not a number and a name. An exponent
     sign belongs to the number only inside a valid span. */
  size_t run = n;
  while (run < rest && is_word(s[run])) run++;
  if (n == 0 || run != n) {
    if (run == 0) run = 1;
    p->tlen = run;
    char buf[64];
    tok_text(p, buf, sizeof buf);
    fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "malformed number '%s'", buf);
    return T_ERR;
  }
  char tmp[128];
  char *heap = NULL, *b = tmp;
  if (n >= sizeof tmp) {
    heap = muskx__alloc(n + 1);
    if (heap == NULL) {
      muskx__seterr(p->err, MUSKX_ENOMEM, NULL, "out of memory");
      return T_ERR;
    }
    b = heap;
  }
  memcpy(b, s, n);
  b[n] = '\0';
  /* The span was validated above, so strtod consumes all of it (in the C
     locale, the only one the library expects). */
  errno = 0;
  double v = strtod(b, NULL);
  int range = errno == ERANGE;
  muskx__free(heap);
  p->tlen = n;
  if (!isfinite(v)) {
    char buf[64];
    tok_text(p, buf, sizeof buf);
    fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "number '%s' is out of range",
            buf);
    return T_ERR;
  }
  /* 1e-400 read as 0 (or a denormal, with a few digits left) would be a
     silent change of what the user wrote, as the CLI's options say. */
  if (range || (v != 0.0 && v < DBL_MIN)) {
    char buf[64];
    tok_text(p, buf, sizeof buf);
    fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol,
            "number '%s' is too small to represent (below 2.2e-308 in magnitude)",
            buf);
    return T_ERR;
  }
  p->num = v;
  return T_NUM;
}

static int lex_name(parser *p) {
  const char *s = p->s + p->pos;
  size_t rest = p->len - p->pos, i = 0;
  /* NAME ('.' NAME)*: dotted parts are imported names ("bone.OCa"). */
  for (;;) {
    if (i >= rest || !is_alpha(s[i])) {
      size_t run = i;
      while (run < rest && is_word(s[run])) run++;
      p->tlen = run > i ? run : i;
      char buf[64];
      tok_text(p, buf, sizeof buf);
      fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "malformed name '%s'", buf);
      return T_ERR;
    }
    while (i < rest && (is_alpha(s[i]) || is_digit(s[i]))) i++;
    if (i < rest && s[i] == '.') {
      i++;
      continue;
    }
    break;
  }
  p->tlen = i;
  if (i > MAX_NAME) {
    char buf[64];
    tok_text(p, buf, sizeof buf);
    fail_at(p, MUSKX_ELIMIT, p->tline, p->tcol,
            "name '%s' is longer than 255 characters", buf);
    return T_ERR;
  }
  return T_NAME;
}

static int unknown_char(parser *p, char c) {
  char buf[8];
  unsigned char uc = (unsigned char)c;
  if (uc >= 0x20 && uc < 0x7f) {
    buf[0] = c;
    buf[1] = '\0';
  } else {
    /* Non-printable or non-ASCII byte: show it as an escape. */
    static const char hex[] = "0123456789abcdef";
    buf[0] = '\\';
    buf[1] = 'x';
    buf[2] = hex[uc >> 4];
    buf[3] = hex[uc & 15];
    buf[4] = '\0';
  }
  fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol,
          "unknown character '%s' in expression", buf);
  return T_ERR;
}

/* Reads the next token into p->tok. */
static int next(parser *p) {
  while (p->pos < p->len) {
    char c = p->s[p->pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
      advance(p, 1);
    else
      break;
  }
  p->tstart = p->pos;
  p->tline = p->line;
  p->tcol = p->col;
  p->tlen = 0;
  if (p->pos >= p->len) return p->tok = T_END;
  const char *s = p->s + p->pos;
  char c = s[0];
  char c2 = p->pos + 1 < p->len ? s[1] : '\0';
  int t;
  if (is_digit(c) || (c == '.' && is_digit(c2))) {
    t = lex_number(p);
  } else if (is_alpha(c)) {
    t = lex_name(p);
  } else {
    p->tlen = 1;
    switch (c) {
      case '+': case '-': case '*': case '/': case '^':
      case '(': case ')': case ',':
        t = c;
        break;
      case '<': t = c2 == '=' ? (p->tlen = 2, T_LE) : '<'; break;
      case '>': t = c2 == '=' ? (p->tlen = 2, T_GE) : '>'; break;
      case '!': t = c2 == '=' ? (p->tlen = 2, T_NE) : '!'; break;
      case '=':
        if (c2 == '=') {
          p->tlen = 2;
          t = T_EQ;
        } else {
          fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "%s",
                  "unexpected '=' in expression (comparison is '==')");
          t = T_ERR;
        }
        break;
      case '|':
      case '&':
        if (c2 == c) {
          p->tlen = 2;
          t = c == '|' ? T_OR : T_AND;
        } else {
          t = unknown_char(p, c); /* a single '|' or '&' is no operator */
        }
        break;
      default:
        t = unknown_char(p, c);
    }
  }
  if (t != T_ERR) advance(p, p->tlen);
  return p->tok = t;
}

/* "unexpected X in expression" for the current token. */
static muskx_status unexpected(parser *p) {
  if (p->tok == T_ERR) return p->err ? p->err->status : MUSKX_ESYNTAX;
  if (p->tok == T_END)
    return fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "%s",
                   "unexpected end of expression");
  char buf[64];
  tok_text(p, buf, sizeof buf);
  return fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol,
                 "unexpected '%s' in expression", buf);
}

/* ---------------------------------------------------------------------- */
/* Parser                                                                  */

static muskx__expr *node_new(parser *p, muskx__expr_kind k, int line,
                             int col, int nargs) {
  muskx__expr *e = muskx__calloc(1, sizeof *e);
  if (e == NULL) goto nomem;
  e->kind = k;
  e->line = line;
  e->col = col;
  e->sym_kind = MUSKX__SYM_NONE;
  e->sym_index = -1;
  e->builtin = MUSKX__F_NONE;
  if (nargs > 0) {
    e->args = muskx__calloc((size_t)nargs, sizeof *e->args);
    if (e->args == NULL) {
      muskx__free(e);
      goto nomem;
    }
    e->nargs = nargs;
  }
  return e;
nomem:
  muskx__seterr(p->err, MUSKX_ENOMEM, NULL, "out of memory");
  return NULL;
}

static muskx_status too_deep(parser *p, int line, int col) {
  return fail_at(p, MUSKX_ELIMIT, line, col, "%s",
                 "expression nested deeper than 200 levels");
}

static muskx__expr *parse_or(parser *p, int *h);
static muskx__expr *parse_unary(parser *p, int *h);

/* Builds op(a, b); frees both on failure. */
static muskx__expr *binary(parser *p, muskx__expr_kind k, int line, int col,
                           muskx__expr *a, int ha, muskx__expr *b, int hb,
                           int *h) {
  *h = 1 + (ha > hb ? ha : hb);
  if (*h > MUSKX__EXPR_MAX_DEPTH) {
    too_deep(p, line, col);
    goto fail;
  }
  /* The node starts where its left operand does (expr.h); the operator's
     position is only used for the error above. */
  muskx__expr *e = node_new(p, k, a->line, a->col, 2);
  if (e == NULL) goto fail;
  e->args[0] = a;
  e->args[1] = b;
  return e;
fail:
  muskx__expr_free(a);
  muskx__expr_free(b);
  return NULL;
}

/* NAME '(' args ')': the name token has been consumed. */
static muskx__expr *parse_call(parser *p, char *name, int line, int col,
                               int *h) {
  int pline = p->tline, pcol = p->tcol; /* the '(' */
  muskx__expr *e = node_new(p, MUSKX__E_CALL, line, col, 0);
  if (e == NULL) {
    muskx__free(name);
    return NULL;
  }
  e->name = name;
  int cap = 0, hmax = 0;
  if (next(p) == T_ERR) goto fail;
  if (p->tok != ')') {
    for (;;) {
      int ha;
      muskx__expr *a = parse_or(p, &ha);
      if (a == NULL) goto fail;
      if (e->nargs == cap) {
        int ncap = cap ? 2 * cap : 4;
        muskx__expr **na = muskx__reallocarray(e->args, (size_t)ncap, sizeof *na);
        if (na == NULL) {
          muskx__expr_free(a);
          muskx__seterr(p->err, MUSKX_ENOMEM, NULL, "out of memory");
          goto fail;
        }
        e->args = na;
        cap = ncap;
      }
      e->args[e->nargs++] = a;
      if (ha > hmax) hmax = ha;
      if (p->tok != ',') break;
      if (next(p) == T_ERR) goto fail;
    }
  }
  if (p->tok != ')') {
    if (p->tok == T_ERR) goto fail;
    if (p->tok == T_END) {
      char msg[96];
      if (pline == p->tline)
        snprintf(msg, sizeof msg, "expected ')' to close '(' at column %d", pcol);
      else
        snprintf(msg, sizeof msg, "expected ')' to close '(' at line %d, column %d",
                 pline, pcol);
      fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "%s", msg);
    } else {
      unexpected(p);
    }
    goto fail;
  }
  *h = 1 + hmax;
  if (*h > MUSKX__EXPR_MAX_DEPTH) {
    too_deep(p, line, col);
    goto fail;
  }
  if (next(p) == T_ERR) goto fail;
  return e;
fail:
  muskx__expr_free(e);
  return NULL;
}

static muskx__expr *parse_atom(parser *p, int *h) {
  int line = p->tline, col = p->tcol;
  if (p->tok == T_NUM) {
    muskx__expr *e = node_new(p, MUSKX__E_NUM, line, col, 0);
    if (e == NULL) return NULL;
    e->num = p->num;
    *h = 1;
    if (next(p) == T_ERR) {
      muskx__expr_free(e);
      return NULL;
    }
    return e;
  }
  if (p->tok == T_NAME) {
    char *name = muskx__strndup(p->s + p->tstart, p->tlen);
    if (name == NULL) {
      muskx__seterr(p->err, MUSKX_ENOMEM, NULL, "out of memory");
      return NULL;
    }
    if (next(p) == T_ERR) {
      muskx__free(name);
      return NULL;
    }
    if (p->tok == '(') return parse_call(p, name, line, col, h);
    muskx__expr *e = node_new(p, MUSKX__E_NAME, line, col, 0);
    if (e == NULL) {
      muskx__free(name);
      return NULL;
    }
    e->name = name;
    *h = 1;
    return e;
  }
  if (p->tok == '(') {
    if (next(p) == T_ERR) return NULL;
    muskx__expr *e = parse_or(p, h);
    if (e == NULL) return NULL;
    if (p->tok != ')') {
      if (p->tok == T_END) {
        char msg[96];
        if (line == p->tline)
          snprintf(msg, sizeof msg, "expected ')' to close '(' at column %d", col);
        else
          snprintf(msg, sizeof msg,
                   "expected ')' to close '(' at line %d, column %d", line, col);
        fail_at(p, MUSKX_ESYNTAX, p->tline, p->tcol, "%s", msg);
      } else {
        unexpected(p);
      }
      muskx__expr_free(e);
      return NULL;
    }
    if (next(p) == T_ERR) {
      muskx__expr_free(e);
      return NULL;
    }
    return e;
  }
  unexpected(p);
  return NULL;
}

/* pow := atom ('^' un)? -- the right operand is a unary, so 2^-1 works and
   2^3^2 nests to the right. */
static muskx__expr *parse_pow(parser *p, int *h) {
  int ha;
  muskx__expr *a = parse_atom(p, &ha);
  if (a == NULL) return NULL;
  *h = ha;
  if (p->tok != '^') return a;
  int line = p->tline, col = p->tcol;
  if (next(p) == T_ERR) {
    muskx__expr_free(a);
    return NULL;
  }
  int hb;
  muskx__expr *b = parse_unary(p, &hb);
  if (b == NULL) {
    muskx__expr_free(a);
    return NULL;
  }
  return binary(p, MUSKX__E_POW, line, col, a, ha, b, hb, h);
}

static muskx__expr *parse_unary(parser *p, int *h) {
  int line = p->tline, col = p->tcol;
  if (++p->depth > MUSKX__EXPR_MAX_DEPTH) {
    too_deep(p, line, col);
    return NULL;
  }
  muskx__expr *r;
  int t = p->tok;
  if (t == '-' || t == '!' || t == '+') {
    if (next(p) == T_ERR) return NULL;
    int ha;
    muskx__expr *a = parse_unary(p, &ha);
    if (a == NULL) return NULL;
    if (t == '+') {
      *h = ha;
      r = a;
    } else if (t == '-' && a->kind == MUSKX__E_NUM) {
      /* Fold "-<literal>" so a negative literal is a number (see banner);
         the node moves to the '-' so messages point at the sign. */
      a->num = -a->num;
      a->line = line;
      a->col = col;
      *h = ha;
      r = a;
    } else {
      *h = ha + 1;
      if (*h > MUSKX__EXPR_MAX_DEPTH) {
        too_deep(p, line, col);
        muskx__expr_free(a);
        return NULL;
      }
      r = node_new(p, t == '-' ? MUSKX__E_NEG : MUSKX__E_NOT, line, col, 1);
      if (r == NULL) {
        muskx__expr_free(a);
        return NULL;
      }
      r->args[0] = a;
    }
  } else {
    r = parse_pow(p, h);
  }
  p->depth--;
  return r;
}

/* One left-associative precedence level. */
typedef muskx__expr *(*level_fn)(parser *p, int *h);

static int op_kind(int level, int tok, muskx__expr_kind *k) {
  switch (level) {
    case 0:
      if (tok == T_OR) return *k = MUSKX__E_OR, 1;
      return 0;
    case 1:
      if (tok == T_AND) return *k = MUSKX__E_AND, 1;
      return 0;
    case 2:
      switch (tok) {
        case T_EQ: return *k = MUSKX__E_EQ, 1;
        case T_NE: return *k = MUSKX__E_NE, 1;
        case '<': return *k = MUSKX__E_LT, 1;
        case T_LE: return *k = MUSKX__E_LE, 1;
        case '>': return *k = MUSKX__E_GT, 1;
        case T_GE: return *k = MUSKX__E_GE, 1;
        default: return 0;
      }
    case 3:
      if (tok == '+') return *k = MUSKX__E_ADD, 1;
      if (tok == '-') return *k = MUSKX__E_SUB, 1;
      return 0;
    default:
      if (tok == '*') return *k = MUSKX__E_MUL, 1;
      if (tok == '/') return *k = MUSKX__E_DIV, 1;
      return 0;
  }
}

static muskx__expr *parse_level(parser *p, int level, int *h) {
  int ha;
  muskx__expr *a =
      level < 4 ? parse_level(p, level + 1, &ha) : parse_unary(p, &ha);
  if (a == NULL) return NULL;
  muskx__expr_kind k;
  while (op_kind(level, p->tok, &k)) {
    int line = p->tline, col = p->tcol;
    if (next(p) == T_ERR) {
      muskx__expr_free(a);
      return NULL;
    }
    int hb;
    muskx__expr *b =
        level < 4 ? parse_level(p, level + 1, &hb) : parse_unary(p, &hb);
    if (b == NULL) {
      muskx__expr_free(a);
      return NULL;
    }
    a = binary(p, k, line, col, a, ha, b, hb, &ha);
    if (a == NULL) return NULL;
  }
  *h = ha;
  return a;
}

static muskx__expr *parse_or(parser *p, int *h) { return parse_level(p, 0, h); }

muskx__expr *muskx__expr_parse(const char *text, size_t len, const char *file,
                               int line, int col, muskx_error *err) {
  parser p;
  memset(&p, 0, sizeof p);
  p.s = text ? text : "";
  p.len = text ? len : 0;
  p.file = file;
  p.col0 = col;
  p.line = line;
  p.col = col;
  p.err = err;
  if (next(&p) == T_ERR) return NULL;
  if (p.tok == T_END) {
    muskx__loc loc = {file, line, col};
    muskx__seterr(err, MUSKX_ESYNTAX, &loc, "empty expression");
    return NULL;
  }
  int h;
  muskx__expr *e = parse_or(&p, &h);
  if (e == NULL) return NULL;
  if (p.tok != T_END) {
    unexpected(&p);
    muskx__expr_free(e);
    return NULL;
  }
  return e;
}
