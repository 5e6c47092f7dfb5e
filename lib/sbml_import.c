/*
 * sbml_import.c -- SBML Level 1-3 core to muskx model YAML (issue 5).
 *
 * The translator writes the text a person would write: SBML ids become
 * muskx names (renamed with a '_' suffix only when they clash with t, time
 * or a built-in function; the SBML id is then kept in `doc`), units go to
 * `unit`, and the normal loader loads the result. The semantics follow the
 * SBML Level 3 Version 2 core specification (sections 4.6-4.12):
 *
 *  - An SBML species has an amount n. Its symbol in math is n/V (a
 *    concentration) unless hasOnlySubstanceUnits, and a reaction's kinetic
 *    law is an amount per time, dn/dt = sum stoich * rate. A muskx species
 *    in a compartment of volume V changes by stoich * rate / V, so:
 *      * a concentration species in a compartment of fixed size becomes a
 *        muskx species in that compartment holding the concentration;
 *      * an amount species (hasOnlySubstanceUnits, or a 0-D compartment)
 *        becomes a muskx species without compartment holding the amount;
 *      * a concentration species in a compartment whose size varies (rule
 *        or event) holds its amount, and every use of its symbol is
 *        written (S / V): amounts, not concentrations, are conserved when
 *        V changes (SBML L3V2 4.6.4 and 4.12).
 *  - boundaryCondition or constant species are muskx `constant: true`
 *    (reactions never change them); one with a rate rule gets an ode and
 *    stays out of reaction equations instead.
 *  - Assignment rules become assignments; rate rules become odes, and a
 *    parameter, compartment or species reference with a rate rule becomes
 *    a muskx species (a state) with that ode.
 *  - A species whose stoichiometry varies (stoichiometryMath, a species
 *    reference changed by a rule, an initial assignment or an event) or
 *    that has a conversion factor gets an ode summing its reactions' rates
 *    (a reaction id names its rate), instead of appearing in equations.
 *  - Initial values: the loader lets a parameter refer only to earlier
 *    parameters and a species' initial value only to parameters and
 *    compartments. An SBML initial value (initial assignment, or the value
 *    at t0 of an assignment rule) may refer to anything, so a reference
 *    to anything else is replaced by that thing's own initial value,
 *    recursively (exact: they are all evaluated once, at t0), and the
 *    parameters are written in dependency order.
 *  - Local parameters become parameters named <reaction>_<parameter>.
 *  - Events keep trigger, delay, priority, persistent, initialValue and
 *    useValuesFromTriggerTime (muskx-model(5), EVENTS).
 *
 *  - csymbol rateOf(x) is written out: x's rate rule, or its reactions'
 *    sum (0 for a constant).
 *
 *  - Algebraic rules become `algebraic:` equations; the variable each
 *    determines (find_unknowns) becomes a muskx species without dynamics,
 *    and IDA solves the DAE (dae.c).
 *
 *  - Fast reactions are held at equilibrium: their conserved moieties
 *    become states that only slow reactions change, and the equilibrium
 *    and the moieties' definitions `algebraic:` equations
 *    (fast_subsystem).
 *
 *  - csymbol delay becomes delay(x, tau) (lib/delay.c keeps the history;
 *    before the start it is the initial values as functions of time).
 *
 * Not translated (EUNSUPPORTED, naming the element and its line): rateOf
 * inside initial values, inside delay or of an assigned variable, nested
 * delays, delays with algebraic rules, infinity/NaN literals and SBML
 * packages other than comp (flattened first).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath() */
#endif
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "expr.h"
#include "sbml.h"

/* ---------------------------------------------------------------------- */
/* Detection and the public entry points (also without libSBML)            */

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char a = s[n - k + i], b = suf[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

int muskx__sbml_detect(const char *path, const char *text, size_t len) {
  if (path != NULL && (has_suffix(path, ".xml") || has_suffix(path, ".sbml")))
    return 1;
  if (text == NULL) return 0;
  size_t i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF &&
      (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
    i = 3; /* UTF-8 byte order mark */
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                     text[i] == '\n'))
    i++;
  return (len - i >= 5 && memcmp(text + i, "<?xml", 5) == 0) ||
         (len - i >= 5 && memcmp(text + i, "<sbml", 5) == 0);
}

void muskx_free_string(char *s) { muskx__free(s); }

muskx_status muskx_sbml_to_yaml(const char *sbml_path, char **yaml_out,
                                muskx_error *err) {
  muskx__clearerr(err);
  if (yaml_out != NULL) *yaml_out = NULL;
  if (sbml_path == NULL || yaml_out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "sbml_path and yaml_out must not be NULL");
  return muskx__sbml_translate(sbml_path, NULL, 0, NULL, yaml_out, err);
}

muskx_status muskx__sbml_load_hook(const char *path, const char *text,
                                   size_t len, muskx_model **out,
                                   muskx_error *err) {
  char *yaml = NULL;
  muskx_status st = muskx__sbml_translate(path, text, len, NULL, &yaml, err);
  if (st != MUSKX_OK || yaml == NULL) return st != MUSKX_OK ? st : MUSKX_ENOMEM;
  st = muskx_model_load_string(yaml, strlen(yaml), path, out, err);
  if (st != MUSKX_OK && err != NULL && err->line > 0) {
    /* The position is in the translation, not in the XML: say so, so the
       reader looks at `muskx import` output rather than the SBML file. */
    char msg[MUSKX_ERROR_MESSAGE_MAX + 128];
    snprintf(msg, sizeof msg, "%s (at line %d:%d of the muskx translation; "
             "see 'muskx import')", err->message, err->line, err->column);
    memcpy(err->message, msg, sizeof err->message - 1);
    err->message[sizeof err->message - 1] = '\0';
    err->line = 0;
    err->column = 0;
  }
  muskx__free(yaml);
  return st;
}

#ifndef MUSKX_HAVE_SBML

muskx_status muskx__sbml_translate(const char *path, const char *text,
                                   size_t len, const muskx__sbml_opts *opts,
                                   char **yaml_out, muskx_error *err) {
  (void)text, (void)len, (void)opts;
  if (yaml_out != NULL) *yaml_out = NULL;
  muskx__loc loc = {path, 0, 0};
  return muskx__seterr(err, MUSKX_EUNSUPPORTED, path ? &loc : NULL,
                       "cannot read SBML: libmuskx was built without libSBML");
}

#else /* MUSKX_HAVE_SBML */

#include <sbml/SBMLTypes.h>
#include <sbml/conversion/ConversionProperties.h>

/* ---------------------------------------------------------------------- */
/* A growable string                                                       */

typedef struct sb {
  char *s;
  size_t n, cap;
  int oom;
} sb;

static void sb_putn(sb *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = muskx__realloc(b->s, cap);
    if (p == NULL) {
      b->oom = 1;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void sb_puts(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sb *b, const char *fmt, ...) MUSKX__PRINTF(2, 3);
static void sb_printf(sb *b, const char *fmt, ...) {
  char local[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(local, sizeof local, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof local) {
    sb_putn(b, local, (size_t)n);
    return;
  }
  char *big = muskx__alloc((size_t)n + 1);
  if (big == NULL) {
    b->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_putn(b, big, (size_t)n);
  muskx__free(big);
}

/* The shortest text that reads back as exactly v (finite v only). */
static void sb_num(sb *b, double v) {
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  sb_puts(b, buf);
}

static void sb_free(sb *b) {
  muskx__free(b->s);
  memset(b, 0, sizeof *b);
}

/* A YAML double-quoted scalar. */
static void sb_quoted(sb *b, const char *s) {
  sb_putn(b, "\"", 1);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      sb_putn(b, e, 2);
    } else if (c == '\n') {
      sb_puts(b, "\\n");
    } else if (c < 0x20 || c == 0x7f) {
      sb_putn(b, " ", 1);
    } else {
      sb_putn(b, (const char *)&c, 1);
    }
  }
  sb_putn(b, "\"", 1);
}

/* ---------------------------------------------------------------------- */
/* The translation state                                                   */

/* What an SBML variable becomes in muskx. */
typedef enum { V_PARAM, V_COMP, V_ASSIGN, V_STATE } vkind;
/* Which SBML element it is. */
typedef enum { S_COMPARTMENT, S_SPECIES, S_PARAMETER, S_SPECREF } stype;

typedef struct sv {
  stype type;
  SBase_t *el;
  const char *id, *sbml_name, *units;
  char *name;              /* muskx name */
  vkind kind;
  const ASTNode_t *rule;   /* assignment rule */
  const ASTNode_t *rate;   /* rate rule */
  const ASTNode_t *ia;     /* initial assignment */
  int event_target;
  int has_value;
  double value;            /* size, value, stoichiometry */
  /* species only */
  int comp;                /* sv index of its compartment, or -1 */
  int hosu;                /* symbol is the amount (incl. 0-D compartment) */
  int amount_state;        /* state = amount, symbol = state / V */
  int linked;              /* muskx `compartment:` (state = concentration) */
  int boundary, constant;
  int in_equations;        /* appears in reaction equations */
  int ode_path;            /* reactions folded into an ode */
  int init_amount;         /* initialAmount set (else initialConcentration) */
  double init;             /* initialAmount or initialConcentration */
  int has_init;
  int conv;                /* sv index of its conversion factor, or -1 */
  int alg;                 /* determined by an algebraic rule: a muskx
                              species with no dynamics (find_unknowns) */
  int in_reactions;        /* a reactant or product of some reaction */
  int fast;                /* in a fast reaction: determined by the fast
                              equilibrium (fast_subsystem), no dynamics */
  int slow_changed;        /* a slow reaction may change it */
} sv;

typedef enum { N_SV, N_FUNC, N_RXN, N_EVENT, N_OTHER } nkind;

typedef struct nentry {
  const char *id; /* SBML id, or NULL for a generated name */
  char *name;     /* muskx name (owned) */
  nkind kind;
  int index;
} nentry;

typedef struct rxn {
  Reaction_t *r;
  const char *id;
  char *name;
  int as_assignment;        /* no species changes: an assignment */
  int fast;                 /* fast="true": at equilibrium at all times */
  char **local_ids;         /* borrowed */
  char **local_names;       /* owned */
  int nlocal;
} rxn;

typedef struct fn {
  FunctionDefinition_t *f;
  const char *id;
  char *name;
} fn;

typedef struct tr {
  const char *path;
  muskx_error *err;
  muskx_status st;
  SBMLDocument_t *doc;
  Model_t *m;
  unsigned level;
  sv *v;
  int nv;
  nentry *names;
  int nnames, capnames;
  rxn *rx;
  int nrx;
  fn *fns;
  int nfns;
  char **ev_names;
  int nev;
  int model_conv;           /* sv index of the model's conversion factor */
  Rule_t **alg;             /* algebraic rules with math */
  int nalg;
  /* the fast subsystem (fast_subsystem): nfs species in fast reactions,
     nmo conserved moieties (mo: nmo x nfs, L'), the nfr x nfs
     stoichiometry N of the fast reactions (rows in T->rx order of the
     fast ones), and the rank of N with its pivot species */
  int nfast;
  int *fs, nfs;
  int *frx, nfr;
  struct fx *N, *mo;
  int nmo;
  char **mo_names;
  int *fpiv, rank;
  struct fatom *atoms;
  int natoms;
  struct fswitch *sw;       /* conditions in fast rates (fast_switches) */
  int nsw;
  int raw_switch;           /* emit a switch's condition, not its flag */
} tr;

/* Expression context. */
typedef struct ctx {
  int init;         /* 0: run time; 1: species initial (params and
                       compartments visible); 2: parameter value (params
                       only, recorded in deps) */
  int rx;           /* reaction whose local parameters are visible, or -1 */
  FunctionDefinition_t *fd; /* function whose arguments are visible */
  char **argnames;  /* muskx names of fd's arguments */
  int depth;        /* inlining depth */
  int in_delay;     /* inside a csymbol delay's arguments */
  int *deps;        /* init == 2: per sv, set to 1 when referenced */
} ctx;

#define MAX_INLINE 64

static int sbase_line(const void *el) {
  return el ? (int)SBase_getLine((SBase_t *)el) : 0;
}

static muskx_status fail(tr *T, muskx_status st, const void *el,
                         const char *fmt, ...) MUSKX__PRINTF(4, 5);
static muskx_status fail(tr *T, muskx_status st, const void *el,
                         const char *fmt, ...) {
  if (T->st != MUSKX_OK) return T->st; /* keep the first error */
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line = sbase_line(el);
  int col = el ? (int)SBase_getColumn((SBase_t *)el) : 0;
  muskx__loc loc = {T->path, line, line > 0 ? (col > 0 ? col : 1) : 0};
  T->st = muskx__seterr(T->err, st, &loc, "%s", msg);
  return T->st;
}

static muskx_status nomem(tr *T) {
  if (T->st == MUSKX_OK) T->st = muskx__seterr(T->err, MUSKX_ENOMEM, NULL, "out of memory");
  return T->st;
}

static const char *str_or(const char *s, const char *def) {
  return s != NULL && s[0] != '\0' ? s : def;
}

/* ---------------------------------------------------------------------- */
/* Names                                                                   */

static int reserved(const char *s) {
  return strcmp(s, "t") == 0 || strcmp(s, "time") == 0 ||
         muskx__builtin_lookup(s) != MUSKX__F_NONE;
}

static int valid_ident(const char *s) {
  if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static nentry *find_name(tr *T, const char *muskx_name) {
  for (int i = 0; i < T->nnames; i++)
    if (strcmp(T->names[i].name, muskx_name) == 0) return &T->names[i];
  return NULL;
}

static nentry *find_id(tr *T, const char *id) {
  if (id == NULL) return NULL;
  for (int i = 0; i < T->nnames; i++)
    if (T->names[i].id != NULL && strcmp(T->names[i].id, id) == 0)
      return &T->names[i];
  return NULL;
}

/* Registers a muskx name for SBML id `id` (NULL for a generated name),
   derived from `want` with '_' appended until it is free and not reserved.
   Returns the owned name (also stored in the table) or NULL on OOM. */
static char *add_name(tr *T, const char *id, const char *want, nkind kind,
                      int index) {
  if (T->st != MUSKX_OK) return NULL;
  size_t wl = strlen(want);
  char *s = muskx__alloc(wl + 64);
  if (s == NULL) return nomem(T), NULL;
  memcpy(s, want, wl + 1);
  if (!valid_ident(s)) s[0] = '_'; /* cannot happen for SBML SIds */
  size_t n = wl;
  while (reserved(s) || find_name(T, s) != NULL) {
    if (n >= wl + 60) {
      muskx__free(s);
      fail(T, MUSKX_EMODEL, NULL, "cannot find a free name for '%s'", want);
      return NULL;
    }
    s[n++] = '_';
    s[n] = '\0';
  }
  if (T->nnames == T->capnames) {
    int nc = T->capnames ? T->capnames * 2 : 64;
    nentry *p = muskx__reallocarray(T->names, (size_t)nc, sizeof *p);
    if (p == NULL) {
      muskx__free(s);
      return nomem(T), NULL;
    }
    T->names = p;
    T->capnames = nc;
  }
  T->names[T->nnames++] = (nentry){id, s, kind, index};
  return s;
}

/* ---------------------------------------------------------------------- */
/* MathML to muskx expressions                                             */

enum { P_OR = 1, P_AND, P_CMP, P_ADD, P_MUL, P_UN, P_POW, P_ATOM };

static int ex(tr *T, sb *o, const ASTNode_t *n, ctx *cx);
static int sym_text(tr *T, sb *o, int v, ctx *cx);
static void initial_symbol(tr *T, sb *o, int v, ctx *cx);

/* Emits n, in parentheses when its precedence is below minprec. */
static void sub(tr *T, sb *o, const ASTNode_t *n, ctx *cx, int minprec) {
  sb tmp = {0};
  int p = ex(T, &tmp, n, cx);
  if (tmp.oom) o->oom = 1;
  if (p < minprec) sb_putn(o, "(", 1);
  if (tmp.s) sb_puts(o, tmp.s);
  if (p < minprec) sb_putn(o, ")", 1);
  sb_free(&tmp);
}

static int num(sb *o, double v) {
  sb_num(o, v);
  return v < 0 ? P_UN : P_ATOM;
}

static const ASTNode_t *kid(const ASTNode_t *n, unsigned i) {
  return ASTNode_getChild(n, i);
}

/* name(args...) */
static int call(tr *T, sb *o, const char *name, const ASTNode_t *n, ctx *cx) {
  sb_puts(o, name);
  sb_putn(o, "(", 1);
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++) {
    if (i) sb_puts(o, ", ");
    sub(T, o, kid(n, i), cx, P_OR);
  }
  sb_putn(o, ")", 1);
  return P_ATOM;
}

/* A formula in one argument x, written with "X" standing for (x). */
static int formula(tr *T, sb *o, const char *f, const ASTNode_t *x, ctx *cx,
                   int prec) {
  sb xs = {0};
  sb_putn(&xs, "(", 1);
  sub(T, &xs, x, cx, P_OR);
  sb_putn(&xs, ")", 1);
  for (; *f; f++) {
    if (*f == 'X') sb_puts(o, xs.s ? xs.s : "");
    else sb_putn(o, f, 1);
  }
  if (xs.oom) o->oom = 1;
  sb_free(&xs);
  return prec;
}

static int binary(tr *T, sb *o, const ASTNode_t *a, const char *op,
                  const ASTNode_t *b, ctx *cx, int prec, int lmin, int rmin) {
  sub(T, o, a, cx, lmin);
  sb_puts(o, op);
  sub(T, o, b, cx, rmin);
  return prec;
}

static const char *ast_name(const ASTNode_t *n) {
  const char *s = ASTNode_getName(n);
  return s ? s : "?";
}

static int unsupported_math(tr *T, sb *o, const ASTNode_t *n, const char *what) {
  SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
  fail(T, MUSKX_EUNSUPPORTED, el, "%s is not supported (no muskx equivalent)",
       what);
  sb_putn(o, "0", 1);
  return P_ATOM;
}

static int relational(tr *T, sb *o, const ASTNode_t *n, ctx *cx, const char *op) {
  unsigned k = ASTNode_getNumChildren(n);
  if (k < 2) return num(o, 1); /* a chain of fewer than two is true */
  if (k == 2) return binary(T, o, kid(n, 0), op, kid(n, 1), cx, P_CMP, P_ADD, P_ADD);
  for (unsigned i = 0; i + 1 < k; i++) {
    if (i) sb_puts(o, " && ");
    sb_putn(o, "(", 1);
    binary(T, o, kid(n, i), op, kid(n, i + 1), cx, P_CMP, P_ADD, P_ADD);
    sb_putn(o, ")", 1);
  }
  return P_AND;
}

static int nary(tr *T, sb *o, const ASTNode_t *n, ctx *cx, const char *op,
                int prec, int firstmin, int restmin, double empty) {
  unsigned k = ASTNode_getNumChildren(n);
  if (k == 0) return num(o, empty);
  if (k == 1) return ex(T, o, kid(n, 0), cx);
  for (unsigned i = 0; i < k; i++) {
    if (i) sb_puts(o, op);
    sub(T, o, kid(n, i), cx, i ? restmin : firstmin);
  }
  return prec;
}

static int piecewise(tr *T, sb *o, const ASTNode_t *n, ctx *cx, unsigned from) {
  unsigned k = ASTNode_getNumChildren(n);
  if (from + 1 < k) {
    sb_puts(o, "if(");
    sub(T, o, kid(n, from + 1), cx, P_OR);
    sb_puts(o, ", ");
    sub(T, o, kid(n, from), cx, P_OR);
    sb_puts(o, ", ");
    piecewise(T, o, n, cx, from + 2);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (from < k) return ex(T, o, kid(n, from), cx); /* <otherwise> */
  /* SBML leaves a piecewise without <otherwise> undefined when no piece
     applies; 0 is what libRoadRunner and COPASI use. */
  return num(o, 0);
}

static int lookup_local(tr *T, int r, const char *id) {
  if (r < 0) return -1;
  for (int i = 0; i < T->rx[r].nlocal; i++)
    if (strcmp(T->rx[r].local_ids[i], id) == 0) return i;
  return -1;
}

static int emit_name(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  const char *id = ast_name(n);
  if (cx->fd != NULL) {
    unsigned na = FunctionDefinition_getNumArguments(cx->fd);
    for (unsigned i = 0; i < na; i++) {
      const ASTNode_t *a = FunctionDefinition_getArgument(cx->fd, i);
      if (a && ASTNode_getName(a) && strcmp(ASTNode_getName(a), id) == 0) {
        sb_puts(o, cx->argnames[i]);
        return P_ATOM;
      }
    }
  }
  int l = lookup_local(T, cx->rx, id);
  if (l >= 0) {
    sb_puts(o, T->rx[cx->rx].local_names[l]);
    return P_ATOM;
  }
  nentry *e = find_id(T, id);
  if (e == NULL) {
    SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
    fail(T, MUSKX_EMODEL, el, "undefined SBML id '%s' in math", id);
    sb_putn(o, "0", 1);
    return P_ATOM;
  }
  if (e->kind == N_SV) return sym_text(T, o, e->index, cx);
  if (e->kind == N_RXN) {
    if (cx->init) {
      /* a rate at t0: the kinetic law with its initial values */
      KineticLaw_t *kl = Reaction_getKineticLaw(T->rx[e->index].r);
      const ASTNode_t *math = kl ? KineticLaw_getMath(kl) : NULL;
      if (math == NULL) return num(o, 0);
      if (cx->depth >= MAX_INLINE)
        return fail(T, MUSKX_EMODEL, T->rx[e->index].r,
                    "initial values refer to each other too deeply (cycle?)"),
               P_ATOM;
      ctx c2 = *cx;
      c2.rx = e->index;
      c2.fd = NULL;
      c2.depth++;
      sb_putn(o, "(", 1);
      sub(T, o, math, &c2, P_OR);
      sb_putn(o, ")", 1);
      return P_ATOM;
    }
    sb_puts(o, T->rx[e->index].name);
    return P_ATOM;
  }
  SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
  fail(T, MUSKX_EMODEL, el, "'%s' is not a value in math", id);
  sb_putn(o, "0", 1);
  return P_ATOM;
}

static int emit_call(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  const char *id = ast_name(n);
  nentry *e = find_id(T, id);
  if (e == NULL || e->kind != N_FUNC) {
    SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
    fail(T, MUSKX_EMODEL, el, "call of undefined function '%s'", id);
    sb_putn(o, "0", 1);
    return P_ATOM;
  }
  return call(T, o, T->fns[e->index].name, n, cx);
}

static void species_rate(tr *T, sb *e, int i);
static int sv_of(tr *T, const char *id);
#define sv_of_ast sv_of

/* csymbol rateOf(x): the right-hand side that drives x, written out. */
static int rate_of(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  const ASTNode_t *a = ASTNode_getNumChildren(n) == 1 ? kid(n, 0) : NULL;
  if (a == NULL || ASTNode_getType(a) != AST_NAME || cx->fd != NULL ||
      lookup_local(T, cx->rx, ast_name(a)) >= 0)
    return unsupported_math(T, o, n, "csymbol rateOf of anything but a variable");
  int vi = sv_of_ast(T, ast_name(a));
  if (vi < 0) return unsupported_math(T, o, n, "csymbol rateOf of a reaction or function");
  sv *v = &T->v[vi];
  if (cx->init) return unsupported_math(T, o, n, "csymbol rateOf in an initial value");
  /* before the start, SBML takes rateOf's history as the time derivative of
     the initial values; our delay() history holds values, not rates */
  if (cx->in_delay) return unsupported_math(T, o, n, "csymbol rateOf inside delay");
  if (v->kind == V_ASSIGN)
    return unsupported_math(T, o, n, "csymbol rateOf of a variable with an assignment rule");
  if (v->kind != V_STATE) return num(o, 0); /* constant, or changed only by events */
  if (v->rate != NULL) { /* the rate rule gives d(symbol)/dt */
    sb_putn(o, "(", 1);
    sub(T, o, v->rate, cx, P_OR);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (v->amount_state)
    return unsupported_math(T, o, n, "csymbol rateOf of a concentration in a compartment of varying size");
  if (v->fast)
    return unsupported_math(T, o, n, "csymbol rateOf of a species in a fast reaction");
  species_rate(T, o, vi);
  return v->conv >= 0 || v->linked ? P_MUL : P_ATOM;
}


/* A numeric node's value: libSBML's getReal() gives 0 for <cn
   type="integer">, which hid factorial(4) = 24 and root/log degrees. */
static double num_value(const ASTNode_t *n) {
  return ASTNode_getType(n) == AST_INTEGER ? (double)ASTNode_getInteger(n)
                                           : ASTNode_getReal(n);
}

static const char *switch_flag(tr *T, const ASTNode_t *n);

static int ex(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  if (n == NULL) {
    fail(T, MUSKX_EMODEL, NULL, "missing math");
    return num(o, 0);
  }
  unsigned k = ASTNode_getNumChildren(n);
  ASTNodeType_t ty = ASTNode_getType(n);
  if (T->nsw > 0 && !cx->init && !T->raw_switch) {
    const char *flag = switch_flag(T, n); /* a condition of a fast rate */
    if (flag != NULL) {
      sb_puts(o, flag);
      return P_ATOM;
    }
  }
  switch (ty) {
    case AST_INTEGER: return num(o, (double)ASTNode_getInteger(n));
    case AST_REAL:
    case AST_REAL_E:
    case AST_RATIONAL: {
      double v = ASTNode_getReal(n);
      if (!isfinite(v))
        return unsupported_math(T, o, n, isnan(v) ? "MathML <notanumber/>"
                                                  : "MathML <infinity/>");
      return num(o, v);
    }
    case AST_NAME: return emit_name(T, o, n, cx);
    case AST_NAME_TIME:
      /* species initial values may use t (their value at the start, and
         the history a delay() sees before it); parameter values may not */
      sb_puts(o, cx->init == 2 ? "0" : "t");
      return P_ATOM;
    case AST_NAME_AVOGADRO: return num(o, 6.02214179e23); /* SBML L3 spec */
    case AST_CONSTANT_E: return num(o, 2.718281828459045);
    case AST_CONSTANT_PI: return num(o, 3.141592653589793);
    case AST_CONSTANT_TRUE: return num(o, 1);
    case AST_CONSTANT_FALSE: return num(o, 0);
    case AST_PLUS: return nary(T, o, n, cx, " + ", P_ADD, P_ADD, P_MUL, 0);
    case AST_TIMES: return nary(T, o, n, cx, " * ", P_MUL, P_MUL, P_UN, 1);
    case AST_MINUS:
      if (k == 1) {
        sb_putn(o, "-", 1);
        sub(T, o, kid(n, 0), cx, P_POW);
        return P_UN;
      }
      if (k != 2) break;
      return binary(T, o, kid(n, 0), " - ", kid(n, 1), cx, P_ADD, P_ADD, P_MUL);
    case AST_DIVIDE:
      if (k != 2) break;
      return binary(T, o, kid(n, 0), " / ", kid(n, 1), cx, P_MUL, P_MUL, P_UN);
    case AST_POWER:
    case AST_FUNCTION_POWER:
      if (k != 2) break;
      return binary(T, o, kid(n, 0), "^", kid(n, 1), cx, P_POW, P_ATOM, P_UN);
    case AST_FUNCTION_ROOT:
      if (k == 1) return call(T, o, "sqrt", n, cx);
      if (k != 2) break;
      if (ASTNode_isNumber(kid(n, 0)) && num_value(kid(n, 0)) == 2.0) {
        sb_puts(o, "sqrt(");
        sub(T, o, kid(n, 1), cx, P_OR);
        sb_putn(o, ")", 1);
        return P_ATOM;
      }
      sub(T, o, kid(n, 1), cx, P_ATOM);
      sb_puts(o, "^(1 / ");
      sub(T, o, kid(n, 0), cx, P_UN);
      sb_putn(o, ")", 1);
      return P_POW;
    case AST_FUNCTION_LOG:
      if (k == 1) return call(T, o, "log10", n, cx);
      if (k != 2) break;
      if (ASTNode_isNumber(kid(n, 0)) && num_value(kid(n, 0)) == 10.0) {
        sb_puts(o, "log10(");
        sub(T, o, kid(n, 1), cx, P_OR);
        sb_putn(o, ")", 1);
        return P_ATOM;
      }
      sb_puts(o, "log(");
      sub(T, o, kid(n, 1), cx, P_OR);
      sb_puts(o, ") / log(");
      sub(T, o, kid(n, 0), cx, P_OR);
      sb_putn(o, ")", 1);
      return P_MUL;
    case AST_FUNCTION_LN: return call(T, o, "log", n, cx);
    case AST_FUNCTION_EXP: return call(T, o, "exp", n, cx);
    case AST_FUNCTION_ABS: return call(T, o, "abs", n, cx);
    case AST_FUNCTION_FLOOR: return call(T, o, "floor", n, cx);
    case AST_FUNCTION_CEILING: return call(T, o, "ceil", n, cx);
    case AST_FUNCTION_SIN: return call(T, o, "sin", n, cx);
    case AST_FUNCTION_COS: return call(T, o, "cos", n, cx);
    case AST_FUNCTION_TAN: return call(T, o, "tan", n, cx);
    case AST_FUNCTION_TANH: return call(T, o, "tanh", n, cx);
    case AST_FUNCTION_SEC: if (k != 1) break; return formula(T, o, "1 / cos(X)", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_CSC: if (k != 1) break; return formula(T, o, "1 / sin(X)", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_COT: if (k != 1) break; return formula(T, o, "1 / tan(X)", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_SINH: if (k != 1) break; return formula(T, o, "(exp(X) - exp(-X)) / 2", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_COSH: if (k != 1) break; return formula(T, o, "(exp(X) + exp(-X)) / 2", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_SECH: if (k != 1) break; return formula(T, o, "2 / (exp(X) + exp(-X))", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_CSCH: if (k != 1) break; return formula(T, o, "2 / (exp(X) - exp(-X))", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_COTH: if (k != 1) break; return formula(T, o, "(exp(X) + exp(-X)) / (exp(X) - exp(-X))", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_ARCSINH: if (k != 1) break; return formula(T, o, "log(X + sqrt(X^2 + 1))", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCCOSH: if (k != 1) break; return formula(T, o, "log(X + sqrt(X^2 - 1))", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCTANH: if (k != 1) break; return formula(T, o, "0.5 * log((1 + X) / (1 - X))", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_ARCCSCH: if (k != 1) break; return formula(T, o, "log(1 / X + sqrt(1 / X^2 + 1))", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCSECH: if (k != 1) break; return formula(T, o, "log(1 / X + sqrt(1 / X^2 - 1))", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCCOTH: if (k != 1) break; return formula(T, o, "0.5 * log((X + 1) / (X - 1))", kid(n, 0), cx, P_MUL);
    case AST_FUNCTION_ARCSIN: return call(T, o, "asin", n, cx);
    case AST_FUNCTION_ARCCOS: return call(T, o, "acos", n, cx);
    case AST_FUNCTION_ARCTAN: return call(T, o, "atan", n, cx);
    case AST_FUNCTION_ARCSEC: if (k != 1) break; return formula(T, o, "acos(1 / X)", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCCSC: if (k != 1) break; return formula(T, o, "asin(1 / X)", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_ARCCOT: if (k != 1) break; return formula(T, o, "atan(1 / X)", kid(n, 0), cx, P_ATOM);
    case AST_FUNCTION_FACTORIAL: {
      if (k != 1) break;
      const ASTNode_t *a = kid(n, 0);
      double x = ASTNode_isNumber(a) ? num_value(a) : -1;
      if (x >= 0 && x <= 170 && x == floor(x)) {
        double f = 1;
        for (int i = 2; i <= (int)x; i++) f *= i;
        return num(o, f);
      }
      return unsupported_math(T, o, n, "MathML <factorial> of a non-constant");
    }
    case AST_FUNCTION_PIECEWISE: return piecewise(T, o, n, cx, 0);
    case AST_LOGICAL_AND: return nary(T, o, n, cx, " && ", P_AND, P_CMP, P_CMP, 1);
    case AST_LOGICAL_OR: return nary(T, o, n, cx, " || ", P_OR, P_AND, P_AND, 0);
    case AST_LOGICAL_XOR: {
      if (k == 0) return num(o, 0);
      /* the parity of the true arguments: ((a != 0) != (b != 0)) != ... */
      for (unsigned i = 1; i < k; i++) sb_putn(o, "(", 1);
      for (unsigned i = 0; i < k; i++) {
        if (i) sb_puts(o, " != ");
        sb_putn(o, "(", 1);
        sub(T, o, kid(n, i), cx, P_ADD);
        sb_puts(o, " != 0)");
        if (i) sb_putn(o, ")", 1);
      }
      return P_ATOM;
    }
    case AST_LOGICAL_NOT:
      if (k != 1) break;
      sb_putn(o, "!", 1);
      sub(T, o, kid(n, 0), cx, P_POW);
      return P_UN;
    case AST_LOGICAL_IMPLIES:
      if (k != 2) break;
      sb_putn(o, "!", 1);
      sub(T, o, kid(n, 0), cx, P_POW);
      sb_puts(o, " || ");
      sub(T, o, kid(n, 1), cx, P_AND);
      return P_OR;
    case AST_RELATIONAL_EQ: return relational(T, o, n, cx, " == ");
    case AST_RELATIONAL_NEQ: return relational(T, o, n, cx, " != ");
    case AST_RELATIONAL_GT: return relational(T, o, n, cx, " > ");
    case AST_RELATIONAL_GEQ: return relational(T, o, n, cx, " >= ");
    case AST_RELATIONAL_LT: return relational(T, o, n, cx, " < ");
    case AST_RELATIONAL_LEQ: return relational(T, o, n, cx, " <= ");
    case AST_FUNCTION_MAX:
    case AST_FUNCTION_MIN:
      if (k == 0) break;
      if (k == 1) return ex(T, o, kid(n, 0), cx);
      return call(T, o, ty == AST_FUNCTION_MAX ? "max" : "min", n, cx);
    case AST_FUNCTION_QUOTIENT:
    case AST_FUNCTION_REM: {
      if (k != 2) break;
      /* quotient: a/b truncated toward zero; rem: a - b * quotient(a, b),
         with the sign of a (SBML L3V2, section 3.4.7) */
      sb a = {0}, b = {0};
      sub(T, &a, kid(n, 0), cx, P_ATOM);
      sub(T, &b, kid(n, 1), cx, P_ATOM);
      const char *as = a.s ? a.s : "0", *bs = b.s ? b.s : "1";
      if (ty == AST_FUNCTION_REM) sb_printf(o, "%s - %s * ", as, bs);
      sb_printf(o, "if(%s / %s < 0, ceil(%s / %s), floor(%s / %s))", as, bs, as,
                bs, as, bs);
      if (a.oom || b.oom) o->oom = 1;
      sb_free(&a);
      sb_free(&b);
      return ty == AST_FUNCTION_REM ? P_ADD : P_ATOM;
    }
    case AST_FUNCTION: return emit_call(T, o, n, cx);
    case AST_FUNCTION_DELAY:
      /* csymbol delay: muskx delay(x, d) (muskx-model(5), DELAYS). Initial
         values are computed before there is a history: there the value at
         the start stands for x's past (exact for a constant history). */
      if (k != 2) break;
      if (cx->init) {
        sb_putn(o, "(", 1);
        sub(T, o, kid(n, 0), cx, P_OR);
        sb_putn(o, ")", 1);
        return P_ATOM;
      }
      {
        ctx dc = *cx;
        dc.in_delay = 1;
        return call(T, o, "delay", n, &dc);
      }
    case AST_FUNCTION_RATE_OF: return rate_of(T, o, n, cx);
    case AST_LAMBDA: return unsupported_math(T, o, n, "a lambda outside a function definition");
    default: break;
  }
  char what[96];
  snprintf(what, sizeof what, "MathML element '%s' with %u arguments",
           str_or(ASTNode_getName(n), "?"), k);
  return unsupported_math(T, o, n, what);
}

/* ---------------------------------------------------------------------- */
/* Variables in expressions                                                */

/* The muskx text of SBML variable v's symbol in context cx. */
static int sym_text(tr *T, sb *o, int vi, ctx *cx) {
  sv *v = &T->v[vi];
  if (cx->init) {
    if (v->kind == V_PARAM && !v->amount_state) {
      if (cx->deps) cx->deps[vi] = 1;
      sb_puts(o, v->name);
      return P_ATOM;
    }
    if (cx->init == 1 && v->kind == V_COMP) {
      sb_puts(o, v->name);
      return P_ATOM;
    }
    /* anything else: its own initial value, inlined */
    if (cx->depth >= MAX_INLINE) {
      fail(T, MUSKX_EMODEL, v->el,
           "initial values refer to each other too deeply (cycle at '%s'?)", v->id);
      return num(o, 0);
    }
    ctx c2 = *cx;
    c2.depth++;
    c2.rx = -1;
    c2.fd = NULL;
    sb_putn(o, "(", 1);
    initial_symbol(T, o, vi, &c2);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (v->amount_state) {
    sb_printf(o, "(%s / %s)", v->name, T->v[v->comp].name);
    return P_ATOM;
  }
  sb_puts(o, v->name);
  return P_ATOM;
}

/* The value of v's SBML symbol at t0, in an initial context. */
static void initial_symbol(tr *T, sb *o, int vi, ctx *cx) {
  sv *v = &T->v[vi];
  if (v->rule != NULL) {
    sub(T, o, v->rule, cx, P_OR);
    return;
  }
  if (v->ia != NULL) {
    sub(T, o, v->ia, cx, P_OR);
    return;
  }
  if (v->type != S_SPECIES) {
    num(o, v->has_value ? v->value : (v->type == S_SPECREF || v->type == S_COMPARTMENT ? 1 : 0));
    return;
  }
  if (!v->has_init) {
    num(o, 0);
    return;
  }
  int want_amount = v->hosu;
  if (want_amount == v->init_amount || v->comp < 0 || v->init == 0) {
    num(o, v->init);
    return;
  }
  num(o, v->init);
  sb_puts(o, want_amount ? " * " : " / ");
  sym_text(T, o, v->comp, cx);
}

/* ---------------------------------------------------------------------- */
/* Reading the model                                                       */

static int add_sv(tr *T, stype type, SBase_t *el, const char *id) {
  sv *p = muskx__reallocarray(T->v, (size_t)T->nv + 1, sizeof *p);
  if (p == NULL) return nomem(T), -1;
  T->v = p;
  sv *v = &T->v[T->nv];
  memset(v, 0, sizeof *v);
  v->type = type;
  v->el = el;
  v->id = id;
  v->comp = -1;
  v->conv = -1;
  v->kind = V_PARAM;
  return T->nv++;
}

static int sv_of(tr *T, const char *id) {
  nentry *e = find_id(T, id);
  return e && e->kind == N_SV ? e->index : -1;
}

static void read_variables(tr *T) {
  Model_t *m = T->m;
  for (unsigned i = 0; i < Model_getNumCompartments(m); i++) {
    Compartment_t *c = Model_getCompartment(m, i);
    int k = add_sv(T, S_COMPARTMENT, (SBase_t *)c, Compartment_getId(c));
    if (k < 0) return;
    T->v[k].sbml_name = Compartment_getName(c);
    T->v[k].units = Compartment_getUnits(c);
    T->v[k].has_value = Compartment_isSetSize(c) || Compartment_isSetVolume(c);
    T->v[k].value = Compartment_getSize(c);
    T->v[k].kind = V_COMP;
    if (Compartment_getSpatialDimensionsAsDouble(c) == 0 &&
        (T->level < 3 || Compartment_isSetSpatialDimensions(c))) {
      T->v[k].hosu = 1; /* 0-D: its species are amounts */
      T->v[k].has_value = 1;
      T->v[k].value = 1;
    }
  }
  for (unsigned i = 0; i < Model_getNumSpecies(m); i++) {
    Species_t *s = Model_getSpecies(m, i);
    int k = add_sv(T, S_SPECIES, (SBase_t *)s, Species_getId(s));
    if (k < 0) return;
    sv *v = &T->v[k];
    v->sbml_name = Species_getName(s);
    v->units = Species_getSubstanceUnits(s);
    v->hosu = Species_getHasOnlySubstanceUnits(s);
    v->boundary = Species_getBoundaryCondition(s);
    v->constant = Species_getConstant(s);
    if (Species_isSetInitialAmount(s)) {
      v->has_init = 1;
      v->init_amount = 1;
      v->init = Species_getInitialAmount(s);
    } else if (Species_isSetInitialConcentration(s)) {
      v->has_init = 1;
      v->init = Species_getInitialConcentration(s);
    }
    v->kind = V_STATE;
  }
  for (unsigned i = 0; i < Model_getNumParameters(m); i++) {
    Parameter_t *p = Model_getParameter(m, i);
    int k = add_sv(T, S_PARAMETER, (SBase_t *)p, Parameter_getId(p));
    if (k < 0) return;
    T->v[k].sbml_name = Parameter_getName(p);
    T->v[k].units = Parameter_getUnits(p);
    T->v[k].has_value = Parameter_isSetValue(p);
    T->v[k].value = Parameter_getValue(p);
  }
  for (unsigned i = 0; i < Model_getNumReactions(m); i++) {
    Reaction_t *r = Model_getReaction(m, i);
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(r) : Reaction_getNumReactants(r);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(r, j) : Reaction_getReactant(r, j);
        if (!SpeciesReference_isSetId(sr)) continue;
        int k = add_sv(T, S_SPECREF, (SBase_t *)sr, SpeciesReference_getId(sr));
        if (k < 0) return;
        T->v[k].has_value = SpeciesReference_isSetStoichiometry(sr);
        T->v[k].value = SpeciesReference_getStoichiometry(sr);
      }
    }
  }
}

static void register_names(tr *T) {
  Model_t *m = T->m;
  /* SBML ids keep their names, except reserved ones, which are renamed
     after every other id has its name (so a rename never takes an id). */
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < T->nv; i++)
      if (reserved(T->v[i].id) == pass)
        T->v[i].name = add_name(T, T->v[i].id, T->v[i].id, N_SV, i);
    for (int i = 0; i < T->nfns; i++)
      if (reserved(T->fns[i].id) == pass)
        T->fns[i].name = add_name(T, T->fns[i].id, T->fns[i].id, N_FUNC, i);
    for (int i = 0; i < T->nrx; i++)
      if (reserved(T->rx[i].id) == pass)
        T->rx[i].name = add_name(T, T->rx[i].id, T->rx[i].id, N_RXN, i);
    for (int i = 0; i < T->nev; i++) {
      Event_t *e = Model_getEvent(m, (unsigned)i);
      const char *id = Event_isSetId(e) ? Event_getId(e) : NULL;
      if (id && reserved(id) == pass)
        T->ev_names[i] = add_name(T, id, id, N_EVENT, i);
    }
  }
  for (int i = 0; i < T->nev; i++)
    if (T->ev_names[i] == NULL) {
      char want[32];
      snprintf(want, sizeof want, "event%d", i + 1);
      T->ev_names[i] = add_name(T, NULL, want, N_EVENT, i);
    }
  /* local parameters: <reaction>_<parameter> */
  for (int i = 0; i < T->nrx && T->st == MUSKX_OK; i++) {
    rxn *x = &T->rx[i];
    for (int j = 0; j < x->nlocal; j++) {
      size_t l = strlen(x->id) + strlen(x->local_ids[j]) + 2;
      char *want = muskx__alloc(l);
      if (want == NULL) {
        nomem(T);
        return;
      }
      snprintf(want, l, "%s_%s", x->id, x->local_ids[j]);
      x->local_names[j] = add_name(T, NULL, want, N_OTHER, -1);
      muskx__free(want);
    }
  }
}

static void read_structure(tr *T) {
  Model_t *m = T->m;
  T->nfns = (int)Model_getNumFunctionDefinitions(m);
  T->nrx = (int)Model_getNumReactions(m);
  T->nev = (int)Model_getNumEvents(m);
  T->fns = muskx__calloc((size_t)T->nfns + 1, sizeof *T->fns);
  T->rx = muskx__calloc((size_t)T->nrx + 1, sizeof *T->rx);
  T->ev_names = muskx__calloc((size_t)T->nev + 1, sizeof *T->ev_names);
  if (!T->fns || !T->rx || !T->ev_names) {
    nomem(T);
    return;
  }
  for (int i = 0; i < T->nfns; i++) {
    T->fns[i].f = Model_getFunctionDefinition(m, (unsigned)i);
    T->fns[i].id = FunctionDefinition_getId(T->fns[i].f);
  }
  for (int i = 0; i < T->nrx; i++) {
    rxn *x = &T->rx[i];
    x->r = Model_getReaction(m, (unsigned)i);
    x->id = Reaction_getId(x->r);
    /* fast="true" (SBML L2, L3V1; removed in L3V2): see fast_subsystem */
    if (Reaction_isSetFast(x->r) && Reaction_getFast(x->r)) {
      x->fast = 1;
      T->nfast++;
    }
    KineticLaw_t *kl = Reaction_getKineticLaw(x->r);
    if (kl == NULL) continue;
    int nl = T->level >= 3 ? (int)KineticLaw_getNumLocalParameters(kl)
                           : (int)KineticLaw_getNumParameters(kl);
    x->local_ids = muskx__calloc((size_t)nl + 1, sizeof *x->local_ids);
    x->local_names = muskx__calloc((size_t)nl + 1, sizeof *x->local_names);
    if (!x->local_ids || !x->local_names) {
      nomem(T);
      return;
    }
    for (int j = 0; j < nl; j++)
      x->local_ids[j] = (char *)(T->level >= 3
                          ? LocalParameter_getId(KineticLaw_getLocalParameter(kl, (unsigned)j))
                          : Parameter_getId(KineticLaw_getParameter(kl, (unsigned)j)));
    x->nlocal = nl;
  }
}

static void read_rules(tr *T) {
  Model_t *m = T->m;
  for (unsigned i = 0; i < Model_getNumRules(m); i++) {
    Rule_t *r = Model_getRule(m, i);
    if (Rule_isAlgebraic(r)) {
      if (Rule_getMath(r) == NULL) continue; /* L3V2: no math, no rule */
      Rule_t **a = muskx__reallocarray(T->alg, (size_t)T->nalg + 1, sizeof *a);
      if (a == NULL) {
        nomem(T);
        return;
      }
      T->alg = a;
      T->alg[T->nalg++] = r;
      continue;
    }
    const char *var = Rule_getVariable(r);
    int k = sv_of(T, var ? var : "");
    if (k < 0) {
      fail(T, MUSKX_EMODEL, r, "rule for undefined variable '%s'", var ? var : "");
      return;
    }
    if (Rule_getMath(r) == NULL) continue; /* L3V2: a rule without math does nothing */
    if (Rule_isAssignment(r) || Rule_isScalar(r)) T->v[k].rule = Rule_getMath(r);
    else T->v[k].rate = Rule_getMath(r);
  }
  for (unsigned i = 0; i < Model_getNumInitialAssignments(m); i++) {
    InitialAssignment_t *ia = Model_getInitialAssignment(m, i);
    const char *var = InitialAssignment_getSymbol(ia);
    int k = sv_of(T, var ? var : "");
    if (k < 0) {
      fail(T, MUSKX_EMODEL, ia, "initial assignment to undefined variable '%s'",
           var ? var : "");
      return;
    }
    if (InitialAssignment_getMath(ia) != NULL) T->v[k].ia = InitialAssignment_getMath(ia);
  }
  for (unsigned i = 0; i < Model_getNumEvents(m); i++) {
    Event_t *e = Model_getEvent(m, i);
    for (unsigned j = 0; j < Event_getNumEventAssignments(e); j++) {
      EventAssignment_t *ea = Event_getEventAssignment(e, j);
      int k = sv_of(T, EventAssignment_getVariable(ea));
      if (k < 0) {
        fail(T, MUSKX_EMODEL, ea, "event assignment to undefined variable '%s'",
             str_or(EventAssignment_getVariable(ea), ""));
        return;
      }
      T->v[k].event_target = 1;
    }
  }
}

/* Marks (in dep, per sv) the variables math depends on, through
   assignment rules (depth-limited: a cycle is invalid SBML). */
static void alg_deps(tr *T, const ASTNode_t *n, uint8_t *dep, int depth) {
  if (n == NULL || depth > MAX_INLINE) return;
  if (ASTNode_getType(n) == AST_NAME) {
    int k = sv_of(T, str_or(ASTNode_getName(n), ""));
    if (k >= 0 && !dep[k]) {
      dep[k] = 1;
      if (T->v[k].rule) alg_deps(T, T->v[k].rule, dep, depth + 1);
    }
  }
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++)
    alg_deps(T, ASTNode_getChild(n, i), dep, depth);
}

/* Kuhn's augmenting path from rule k over adj (nalg x nv). */
static int alg_augment(int k, const uint8_t *adj, int nv, int *rule_of,
                       uint8_t *visited) {
  for (int j = 0; j < nv; j++) {
    if (!adj[(size_t)k * nv + j] || visited[j]) continue;
    visited[j] = 1;
    if (rule_of[j] < 0 || alg_augment(rule_of[j], adj, nv, rule_of, visited)) {
      rule_of[j] = k;
      return 1;
    }
  }
  return 0;
}

/*
 * The variables the algebraic rules determine (SBML L3V2 4.9.5: a rule
 * does not name its variable; the structure decides, by a matching of
 * rules to variables they depend on that nothing else determines: not
 * constant, no assignment or rate rule, not changed by reactions). Each
 * becomes a muskx species without dynamics, which the loader matches to
 * the muskx `algebraic:` equations the same way (load_algebraic.c).
 */
static void find_unknowns(tr *T) {
  Model_t *m = T->m;
  int nv = T->nv, na = T->nalg;
  for (int i = 0; i < T->nrx; i++) {
    Reaction_t *r = T->rx[i].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(r) : Reaction_getNumReactants(r);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(r, j) : Reaction_getReactant(r, j);
        int k = sv_of(T, str_or(SpeciesReference_getSpecies(sr), ""));
        if (k >= 0) T->v[k].in_reactions = 1;
      }
    }
  }
  if (na == 0) return;
  uint8_t *adj = muskx__calloc((size_t)na * (size_t)nv + 1, 1);
  uint8_t *visited = muskx__calloc((size_t)nv + 1, 1);
  int *rule_of = muskx__calloc((size_t)nv + 1, sizeof *rule_of);
  if (!adj || !visited || !rule_of) {
    nomem(T);
    goto out;
  }
  (void)m;
  for (int k = 0; k < na; k++) {
    uint8_t *dep = adj + (size_t)k * nv;
    alg_deps(T, Rule_getMath(T->alg[k]), dep, 0);
    for (int j = 0; j < nv; j++) {
      sv *v = &T->v[j];
      int free_var = v->rule == NULL && v->rate == NULL;
      switch (v->type) {
        case S_PARAMETER:
          free_var &= !Parameter_getConstant((Parameter_t *)v->el);
          break;
        case S_COMPARTMENT:
          free_var &= !Compartment_getConstant((Compartment_t *)v->el);
          break;
        case S_SPECIES:
          free_var &= !v->constant && (v->boundary || !v->in_reactions);
          break;
        default: free_var = 0;
      }
      if (!free_var) dep[j] = 0;
    }
  }
  for (int j = 0; j < nv; j++) rule_of[j] = -1;
  for (int k = 0; k < na; k++) {
    memset(visited, 0, (size_t)nv + 1);
    if (!alg_augment(k, adj, nv, rule_of, visited)) {
      fail(T, MUSKX_EMODEL, T->alg[k],
           "algebraic rule determines no variable (every variable it depends "
           "on is constant, or determined by a reaction, another rule or "
           "another algebraic rule)");
      goto out;
    }
  }
  for (int j = 0; j < nv; j++) {
    if (rule_of[j] < 0) continue;
    T->v[j].alg = 1;
    T->v[j].kind = V_STATE;
  }
out:
  muskx__free(adj);
  muskx__free(visited);
  muskx__free(rule_of);
}

static void fast_subsystem(tr *T);

/* Decides what every variable becomes (see the banner). */
static void classify(tr *T) {
  Model_t *m = T->m;
  if (Model_isSetConversionFactor(m)) {
    T->model_conv = sv_of(T, Model_getConversionFactor(m));
  }
  for (int i = 0; i < T->nv; i++) {
    sv *v = &T->v[i];
    if (v->rule) v->kind = V_ASSIGN;
    else if (v->rate) v->kind = V_STATE;
    else if (v->type == S_COMPARTMENT) v->kind = V_COMP;
    else if (v->type == S_SPECIES) v->kind = V_STATE;
    else v->kind = V_PARAM;
  }
  find_unknowns(T);
  if (T->st != MUSKX_OK) return;
  for (int i = 0; i < T->nv; i++) {
    sv *v = &T->v[i];
    if (v->type != S_SPECIES) continue;
    Species_t *s = (Species_t *)v->el;
    v->comp = sv_of(T, Species_getCompartment(s));
    if (v->comp < 0) {
      fail(T, MUSKX_EMODEL, s, "species '%s' is in an undefined compartment '%s'",
           v->id, str_or(Species_getCompartment(s), ""));
      return;
    }
    sv *c = &T->v[v->comp];
    if (c->hosu) v->hosu = 1;
    int comp_fixed = c->kind == V_COMP && !c->event_target;
    if (Species_isSetConversionFactor(s)) v->conv = sv_of(T, Species_getConversionFactor(s));
    else v->conv = T->model_conv;
    if (v->kind != V_STATE) continue;
    /* amounts are what an SBML compartment change conserves, also for a
       species with a rate rule (which gives d[S]/dt: see write_odes) */
    if (!v->hosu && !comp_fixed) v->amount_state = 1;
    v->linked = v->rate == NULL && !v->hosu && comp_fixed;
  }
  /* stoichiometry: species whose changes cannot be written as an equation */
  for (int i = 0; i < T->nrx; i++) {
    Reaction_t *r = T->rx[i].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(r) : Reaction_getNumReactants(r);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct((Reaction_t *)r, j)
                                             : Reaction_getReactant((Reaction_t *)r, j);
        int s = sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0 || T->v[s].type != S_SPECIES) {
          fail(T, MUSKX_EMODEL, sr, "reaction '%s' refers to undefined species '%s'",
               T->rx[i].id, str_or(SpeciesReference_getSpecies(sr), ""));
          return;
        }
        int variable = SpeciesReference_isSetStoichiometryMath(sr);
        if (SpeciesReference_isSetId(sr)) {
          int k = sv_of(T, SpeciesReference_getId(sr));
          if (k >= 0 && (T->v[k].rule || T->v[k].rate || T->v[k].ia ||
                         T->v[k].event_target))
            variable = 1;
        }
        if (variable || T->v[s].conv >= 0) T->v[s].ode_path = 1;
      }
    }
  }
  for (int i = 0; i < T->nv; i++) {
    sv *v = &T->v[i];
    if (v->type != S_SPECIES) continue;
    /* boundary and constant species stay in equations as muskx constant
       species (reactions never change them) unless a rate rule drives them */
    v->in_equations = v->kind == V_STATE && v->rate == NULL && !v->ode_path;
    if (v->boundary || v->constant) v->ode_path = 0; /* nothing to sum */
    /* determined by an algebraic rule: reactions never change it (it is a
       boundary species or in none), and it has no ode */
    if (v->alg) v->in_equations = v->ode_path = 0;
  }
  fast_subsystem(T);
}

static ctx run_ctx(void);
static void stoich_text(tr *T, sb *o, SpeciesReference_t *sr);
static void qexpr(tr *T, sb *o, const ASTNode_t *math, ctx *cx);
static void find_switches(tr *T, const ASTNode_t *n, int rx, uint8_t *seen,
                          int depth);

/* ---------------------------------------------------------------------- */
/* Fast reactions                                                          */

/*
 * SBML L2V4 4.13.7 and L3V1 4.11.2: fast reactions are at equilibrium at
 * all times (rapid equilibrium, the limit of infinitely fast rates), and
 * the slow reactions move the state along that equilibrium. With N the
 * stoichiometry of the fast reactions over the species they change (the
 * fast species; boundary and constant species are not changed), C the
 * diagonal of the species' conversion factors and n the amounts:
 *
 *  - every row L' of a basis of the left null space of N (L' N = 0)
 *    gives a conserved moiety of the fast reactions, m = sum_i L'_i n_i /
 *    c_i, which only slow reactions change: dm/dt = L' (N_s v_s), the
 *    slow rates with their stoichiometry (the c_i cancel);
 *  - equilibrium is N v_f = 0, rank(N) equations: the rows of the
 *    independent (pivot) species. With one fast reaction that is its rate
 *    = 0; a reversible process written as two irreversible fast
 *    reactions gives v1 - v2 = 0, as it should.
 *
 * In muskx: each moiety is a species with that ode, the fast species
 * have no dynamics, and `algebraic:` holds sum_i L'_i n_i / c_i - m = 0
 * and the equilibrium rows at 0 (IDA, dae.c, with consistent values from
 * IDACalcIC at the start and after events). Fast reactions become
 * assignments (their rates, which SBML math may use); slow reactions keep
 * only the species that are not fast. An event that sets a fast species,
 * or a stoichiometry of a fast reaction, sets the moieties to their new
 * values too.
 *
 * L' is computed exactly: Gauss-Jordan elimination on N^T over the
 * rationals (stoichiometries are small rationals), and over expressions
 * where a stoichiometry is not a number (a species reference with an
 * initial assignment or events, stoichiometryMath: numbers are preferred
 * as pivots; a symbolic pivot is assumed not to be 0). A stoichiometry
 * that changes continuously (assignment or rate rule, stoichiometryMath of
 * a state) would need dL'/dt and is refused.
 *
 * With one fast reaction in an equilibrium row, its rate's constant
 * factors are dropped (reduced_rate), and inequalities in fast rates are
 * held between events (find_switches): both keep IDA regular where the
 * equilibrium switches. Not representable: a fast reaction that events
 * switch off (a factor of its rate set to 0) has every state as an
 * equilibrium, and the full kinetics would apply; refused.
 */

/* A rational p/q (q > 0), or p/q * (t) with t an expression template in
   which @k@ stands for atom k (see tpl_emit). */
typedef struct fx {
  int sym;
  int64_t p, q;
  char *t;
} fx;

/* An atom of a symbolic stoichiometry: a species reference (sv) or an
   expression (stoichiometryMath). */
typedef struct fatom {
  int sv;
  const ASTNode_t *math;
} fatom;

#define FX_BIG ((int64_t)1 << 31) /* |p|, q below: products fit int64 */

static int64_t gcd64(int64_t a, int64_t b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

static int fx_zero(const fx *a) { return !a->sym && a->p == 0; }

static void fx_free(fx *a) {
  muskx__free(a->t);
  a->t = NULL;
}

/* Reduces p/q into a (numeric); fails when it does not fit. */
static int fx_set(tr *T, fx *a, int64_t p, int64_t q) {
  if (q < 0) p = -p, q = -q;
  int64_t g = gcd64(p, q);
  if (g > 1) p /= g, q /= g;
  if (p == 0) q = 1;
  if (p >= FX_BIG || p <= -FX_BIG || q >= FX_BIG) {
    fail(T, MUSKX_EUNSUPPORTED, NULL,
         "fast reactions: stoichiometries too large for exact elimination");
    return 0;
  }
  a->p = p;
  a->q = q;
  return 1;
}

static char *fx_strdup(tr *T, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = muskx__alloc(n);
  if (d == NULL) return nomem(T), NULL;
  memcpy(d, s, n);
  return d;
}

/* The template text of a, self-delimited (parenthesized unless a plain
   non-negative integer). */
static void fx_text(sb *o, const fx *a) {
  if (!a->sym) {
    if (a->q == 1 && a->p >= 0) sb_printf(o, "%lld", (long long)a->p);
    else if (a->q == 1) sb_printf(o, "(%lld)", (long long)a->p);
    else sb_printf(o, "(%lld/%lld)", (long long)a->p, (long long)a->q);
    return;
  }
  if (a->p == 1 && a->q == 1) sb_printf(o, "(%s)", a->t);
  else if (a->p == -1 && a->q == 1) sb_printf(o, "(-(%s))", a->t);
  else if (a->q == 1) sb_printf(o, "(%lld * (%s))", (long long)a->p, a->t);
  else sb_printf(o, "(%lld/%lld * (%s))", (long long)a->p, (long long)a->q, a->t);
}

/* r = a op b, op one of + * /; r is new (a, b are not changed). */
static fx fx_op(tr *T, const fx *a, char op, const fx *b) {
  fx r = {0, 0, 1, NULL};
  if (T->st != MUSKX_OK) return r;
  if (op == '+' && fx_zero(a)) op = '=', a = b;
  else if (op == '+' && fx_zero(b)) op = '=';
  else if (op != '+' && fx_zero(a)) return r;
  else if (op == '*' && fx_zero(b)) return r;
  if (op == '=') {
    r = *a;
    if (a->t && (r.t = fx_strdup(T, a->t)) == NULL) r.sym = 0;
    return r;
  }
  if (!a->sym && !b->sym) {
    int64_t p = op == '+' ? a->p * b->q + b->p * a->q
              : op == '*' ? a->p * b->p : a->p * b->q;
    int64_t q = op == '+' ? a->q * b->q : op == '*' ? a->q * b->q : a->q * b->p;
    fx_set(T, &r, p, q);
    return r;
  }
  /* coefficient arithmetic when the texts agree or one side is a number */
  int same = a->sym && b->sym && strcmp(a->t, b->t) == 0;
  if (op == '+' && same) {
    if (!fx_set(T, &r, a->p * b->q + b->p * a->q, a->q * b->q)) return r;
    if (r.p == 0) return r;
  } else if (op == '*' && !(a->sym && b->sym)) {
    if (!fx_set(T, &r, a->p * b->p, a->q * b->q)) return r;
  } else if (op == '/' && (same || !b->sym)) {
    if (!fx_set(T, &r, a->p * b->q, a->q * b->p)) return r;
    if (same) return r; /* a number */
  } else {
    /* a new text, coefficient 1 */
    sb e = {0};
    fx_text(&e, a);
    sb_puts(&e, op == '+' ? " + " : op == '*' ? " * " : " / ");
    fx_text(&e, b);
    if (e.oom) {
      sb_free(&e);
      nomem(T);
      return r;
    }
    r.sym = 1;
    r.p = r.q = 1;
    r.t = e.s;
    return r;
  }
  const char *t = a->sym ? a->t : b->t;
  r.sym = 1;
  if ((r.t = fx_strdup(T, t)) == NULL) r.sym = 0;
  return r;
}

/* Replaces *a by *a op b. */
static void fx_apply(tr *T, fx *a, char op, const fx *b) {
  fx r = fx_op(T, a, op, b);
  fx_free(a);
  *a = r;
}

/* A stoichiometry read as a double: exact as a small rational when it is
   one (continued fractions), else an expression (its decimal text). */
static fx fx_from_double(tr *T, double x) {
  fx r = {0, 0, 1, NULL};
  double a = x;
  int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  for (int k = 0; k < 40 && isfinite(a); k++) {
    double fl = floor(a);
    if (fabs(fl) >= 1e9) break;
    int64_t ai = (int64_t)fl;
    int64_t p2 = ai * p1 + p0, q2 = ai * q1 + q0;
    if (q2 > 1000000 || p2 >= FX_BIG || p2 <= -FX_BIG) break;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    if (fabs((double)p1 / (double)q1 - x) <= 1e-14 * fabs(x)) {
      fx_set(T, &r, p1, q1);
      return r;
    }
    if (a - fl == 0) break;
    a = 1 / (a - fl);
  }
  sb e = {0};
  sb_num(&e, x);
  if (e.oom) return nomem(T), r;
  r.sym = 1;
  r.p = r.q = 1;
  r.t = e.s;
  return r;
}

static int add_atom(tr *T, int svi, const ASTNode_t *math) {
  for (int k = 0; k < T->natoms; k++)
    if (svi >= 0 ? T->atoms[k].sv == svi : T->atoms[k].math == math) return k;
  fatom *a = muskx__reallocarray(T->atoms, (size_t)T->natoms + 1, sizeof *a);
  if (a == NULL) return nomem(T), -1;
  T->atoms = a;
  T->atoms[T->natoms] = (fatom){svi, math};
  return T->natoms++;
}

static fx fx_atom(tr *T, int svi, const ASTNode_t *math) {
  fx r = {0, 0, 1, NULL};
  int k = add_atom(T, svi, math);
  if (k < 0) return r;
  char buf[32];
  snprintf(buf, sizeof buf, "@%d@", k);
  if ((r.t = fx_strdup(T, buf)) == NULL) return r;
  r.sym = 1;
  r.p = r.q = 1;
  return r;
}

/* Emits template s: atom k as its symbol in cx, or as subst[sv] (an
   event's new value) when given. */
static void tpl_emit(tr *T, sb *o, const char *s, ctx *cx, char *const *subst) {
  for (; *s; s++) {
    if (*s != '@') {
      sb_putn(o, s, 1);
      continue;
    }
    char *end;
    long k = strtol(s + 1, &end, 10);
    s = end; /* the closing '@' */
    const fatom *a = &T->atoms[k];
    if (a->sv >= 0 && subst != NULL && subst[a->sv] != NULL) {
      sb_printf(o, "(%s)", subst[a->sv]);
    } else if (a->sv >= 0) {
      sym_text(T, o, a->sv, cx);
    } else {
      sb_putn(o, "(", 1);
      sub(T, o, a->math, cx, P_OR);
      sb_putn(o, ")", 1);
    }
  }
}

/* Whether math is fixed between events (parameters, constants, compartments
   not changed continuously): a stoichiometryMath that the moieties may
   use. */
static int fixed_math(tr *T, const ASTNode_t *n, int depth) {
  if (n == NULL) return 1;
  if (depth > MAX_INLINE) return 0;
  switch (ASTNode_getType(n)) {
    case AST_NAME_TIME:
    case AST_FUNCTION_DELAY:
    case AST_FUNCTION_RATE_OF: return 0;
    case AST_NAME: {
      nentry *e = find_id(T, ast_name(n));
      if (e != NULL && e->kind == N_RXN) return 0;
      if (e != NULL && e->kind == N_SV) {
        const sv *v = &T->v[e->index];
        if (v->kind == V_STATE || v->kind == V_ASSIGN || v->event_target) return 0;
      }
      break;
    }
    case AST_FUNCTION: {
      nentry *e = find_id(T, ast_name(n));
      if (e != NULL && e->kind == N_FUNC &&
          !fixed_math(T, FunctionDefinition_getBody(T->fns[e->index].f), depth + 1))
        return 0;
      break;
    }
    default: break;
  }
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++)
    if (!fixed_math(T, kid(n, i), depth)) return 0;
  return 1;
}

static double stoich_value(tr *T, SpeciesReference_t *sr) {
  double st = SpeciesReference_isSetStoichiometry(sr) || T->level < 3
                  ? SpeciesReference_getStoichiometry(sr) : 1;
  if (T->level < 3 && SpeciesReference_getDenominator(sr) != 1)
    st /= SpeciesReference_getDenominator(sr);
  return st;
}

/* The stoichiometry of sr in a fast reaction, as an exact entry. */
static fx fast_stoich(tr *T, int r, SpeciesReference_t *sr) {
  fx zero = {0, 0, 1, NULL};
  if (SpeciesReference_isSetStoichiometryMath(sr)) {
    const ASTNode_t *math = StoichiometryMath_getMath(
        SpeciesReference_getStoichiometryMath(sr));
    if (!fixed_math(T, math, 0)) {
      fail(T, MUSKX_EUNSUPPORTED, sr,
           "fast reaction '%s': a stoichiometryMath that changes with time "
           "is not supported (its conserved moieties would change)",
           T->rx[r].id);
      return zero;
    }
    return fx_atom(T, -1, math);
  }
  if (SpeciesReference_isSetId(sr)) {
    int k = sv_of(T, SpeciesReference_getId(sr));
    if (k >= 0 && (T->v[k].rule || T->v[k].rate)) {
      fail(T, MUSKX_EUNSUPPORTED, sr,
           "fast reaction '%s': stoichiometry '%s' is changed by a rule: not "
           "supported (its conserved moieties would change continuously)",
           T->rx[r].id, T->v[k].id);
      return zero;
    }
    if (k >= 0 && (T->v[k].ia || T->v[k].event_target)) return fx_atom(T, k, NULL);
  }
  return fx_from_double(T, stoich_value(T, sr));
}

/* Whether species s is one that a fast reaction may change. */
static int fast_candidate(const sv *v) {
  return v->type == S_SPECIES && v->kind == V_STATE && v->rate == NULL &&
         !v->boundary && !v->constant && !v->alg;
}

static void fast_subsystem(tr *T) {
  /* which species a slow reaction may change: the rest get `constant`
     when the model has algebraic equations (write_species) */
  for (int r = 0; r < T->nrx; r++) {
    if (T->rx[r].fast) continue;
    Reaction_t *rx = T->rx[r].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        int s = sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0) continue;
        double net = 0;
        int variable = 0;
        for (int side2 = 0; side2 < 2; side2++) {
          unsigned n2 = side2 ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
          for (unsigned j2 = 0; j2 < n2; j2++) {
            SpeciesReference_t *s2 = side2 ? Reaction_getProduct(rx, j2) : Reaction_getReactant(rx, j2);
            if (sv_of(T, SpeciesReference_getSpecies(s2)) != s) continue;
            if (SpeciesReference_isSetStoichiometryMath(s2) || SpeciesReference_isSetId(s2))
              variable = 1;
            net += (side2 ? 1 : -1) * stoich_value(T, s2);
          }
        }
        if (variable || net != 0) T->v[s].slow_changed = 1;
      }
    }
  }
  if (T->nfast == 0) return;
  int nfr = T->nfast, nv = T->nv;
  int *col = muskx__alloc(((size_t)nv + 1) * sizeof *col);
  T->frx = muskx__calloc((size_t)nfr, sizeof *T->frx);
  T->fs = muskx__calloc((size_t)nv + 1, sizeof *T->fs);
  if (col == NULL || T->frx == NULL || T->fs == NULL) {
    muskx__free(col);
    nomem(T);
    return;
  }
  for (int i = 0; i < nv; i++) col[i] = -1;
  T->nfr = 0;
  for (int r = 0; r < T->nrx; r++)
    if (T->rx[r].fast) T->frx[T->nfr++] = r;
  /* the species fast reactions refer to, in the order of the model */
  for (int jr = 0; jr < nfr; jr++) {
    Reaction_t *rx = T->rx[T->frx[jr]].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        int s = sv_of(T, SpeciesReference_getSpecies(sr));
        if (s >= 0 && fast_candidate(&T->v[s])) col[s] = 0;
      }
    }
  }
  int nc = 0;
  for (int i = 0; i < nv; i++)
    if (col[i] == 0) col[i] = nc++;
  fx *N = muskx__calloc((size_t)nfr * (size_t)nc + 1, sizeof *N);
  if (N == NULL) {
    muskx__free(col);
    nomem(T);
    return;
  }
  for (size_t k = 0; k < (size_t)nfr * (size_t)nc; k++) N[k].q = 1;
  for (int jr = 0; jr < nfr && T->st == MUSKX_OK; jr++) {
    Reaction_t *rx = T->rx[T->frx[jr]].r;
    for (int side = 0; side < 2 && T->st == MUSKX_OK; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns && T->st == MUSKX_OK; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        int s = sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0 || col[s] < 0) continue;
        fx st = fast_stoich(T, T->frx[jr], sr);
        if (!side) {
          fx m1 = {0, -1, 1, NULL};
          fx_apply(T, &st, '*', &m1);
        }
        fx_apply(T, &N[(size_t)jr * nc + col[s]], '+', &st);
        fx_free(&st);
      }
    }
  }
  /* the fast species: a column of N that is not 0 (a catalyst's is) */
  T->nfs = 0;
  for (int i = 0; i < nv; i++) {
    if (col[i] < 0) continue;
    int any = 0;
    for (int jr = 0; jr < nfr; jr++) any |= !fx_zero(&N[(size_t)jr * nc + col[i]]);
    if (any) T->fs[T->nfs++] = i;
  }
  int nfs = T->nfs;
  T->N = muskx__calloc((size_t)nfr * (size_t)nfs + 1, sizeof *T->N);
  fx *A = muskx__calloc((size_t)nfr * (size_t)nfs + 1, sizeof *A);
  int *pivcol = muskx__calloc((size_t)nfr + 1, sizeof *pivcol);
  uint8_t *is_piv = muskx__calloc((size_t)nfs + 1, 1);
  T->fpiv = muskx__calloc((size_t)nfr + 1, sizeof *T->fpiv);
  if (T->N == NULL || A == NULL || pivcol == NULL || is_piv == NULL || T->fpiv == NULL) {
    nomem(T);
    goto out;
  }
  for (int jr = 0; jr < nfr; jr++)
    for (int i = 0; i < nfs; i++) {
      fx *src = &N[(size_t)jr * nc + col[T->fs[i]]];
      T->N[(size_t)jr * nfs + i] = *src; /* moves the text */
      src->t = NULL;
      A[(size_t)jr * nfs + i] = fx_op(T, &T->N[(size_t)jr * nfs + i], '+',
                                      &(fx){0, 0, 1, NULL});
    }
  /* Gauss-Jordan on A = N^T (rows: fast reactions, columns: fast species),
     numeric pivots first */
  int rank = 0;
  while (rank < nfr && T->st == MUSKX_OK) {
    int br = -1, bc = -1;
    for (int pass = 0; pass < 2 && br < 0; pass++)
      for (int c = 0; c < nfs && br < 0; c++) {
        if (is_piv[c]) continue;
        for (int r = rank; r < nfr; r++) {
          const fx *a = &A[(size_t)r * nfs + c];
          if (pass == 0 ? (!a->sym && a->p != 0) : a->sym) {
            br = r;
            bc = c;
            break;
          }
        }
      }
    if (br < 0) break;
    for (int c = 0; c < nfs; c++) {
      fx t = A[(size_t)br * nfs + c];
      A[(size_t)br * nfs + c] = A[(size_t)rank * nfs + c];
      A[(size_t)rank * nfs + c] = t;
    }
    fx piv = fx_op(T, &A[(size_t)rank * nfs + bc], '+', &(fx){0, 0, 1, NULL});
    for (int c = 0; c < nfs; c++) fx_apply(T, &A[(size_t)rank * nfs + c], '/', &piv);
    fx_free(&piv);
    for (int r = 0; r < nfr && T->st == MUSKX_OK; r++) {
      if (r == rank || fx_zero(&A[(size_t)r * nfs + bc])) continue;
      fx f = fx_op(T, &A[(size_t)r * nfs + bc], '+', &(fx){0, 0, 1, NULL});
      fx m1 = {0, -1, 1, NULL};
      fx_apply(T, &f, '*', &m1);
      for (int c = 0; c < nfs; c++) {
        fx d = fx_op(T, &f, '*', &A[(size_t)rank * nfs + c]);
        fx_apply(T, &A[(size_t)r * nfs + c], '+', &d);
        fx_free(&d);
      }
      fx_free(&f);
    }
    pivcol[rank] = bc;
    is_piv[bc] = 1;
    rank++;
  }
  if (T->st != MUSKX_OK) goto out;
  T->rank = rank;
  for (int k = 0; k < rank; k++) T->fpiv[k] = pivcol[k];
  /* the moieties: for each free species f, e_f - sum_k A[k][f] e_pivcol[k],
     scaled to integers when numeric */
  T->nmo = nfs - rank;
  T->mo = muskx__calloc((size_t)T->nmo * (size_t)nfs + 1, sizeof *T->mo);
  T->mo_names = muskx__calloc((size_t)T->nmo + 1, sizeof *T->mo_names);
  if (T->mo == NULL || T->mo_names == NULL) {
    nomem(T);
    goto out;
  }
  for (size_t k = 0; k < (size_t)T->nmo * (size_t)nfs; k++) T->mo[k].q = 1;
  int km = 0;
  for (int f = 0; f < nfs && T->st == MUSKX_OK; f++) {
    if (is_piv[f]) continue;
    fx *row = &T->mo[(size_t)km * nfs];
    row[f].p = 1;
    for (int k = 0; k < rank; k++) {
      fx m1 = {0, -1, 1, NULL};
      row[pivcol[k]] = fx_op(T, &A[(size_t)k * nfs + f], '*', &m1);
    }
    int64_t l = 1, g = 0;
    int numeric = 1;
    for (int i = 0; i < nfs && l < FX_BIG; i++) {
      if (row[i].sym) numeric = 0;
      else if (row[i].p != 0) l = l / gcd64(l, row[i].q) * row[i].q;
    }
    if (numeric && l < FX_BIG) {
      for (int i = 0; i < nfs; i++) {
        row[i].p = row[i].p * (l / row[i].q);
        row[i].q = 1;
        g = gcd64(g, row[i].p);
      }
      for (int i = 0; i < nfs && g > 1; i++) row[i].p /= g;
    }
    char want[32];
    snprintf(want, sizeof want, "fast_moiety%d", km + 1);
    T->mo_names[km] = add_name(T, NULL, want, N_OTHER, -1);
    km++;
  }
  for (int i = 0; i < nfs; i++) {
    sv *v = &T->v[T->fs[i]];
    v->fast = 1;
    v->in_equations = v->ode_path = 0;
  }
  if (nfs > 0) {
    uint8_t *seen = muskx__calloc((size_t)nv + 1, 1);
    if (seen == NULL) {
      nomem(T);
      goto out;
    }
    for (int j = 0; j < nfr; j++) {
      KineticLaw_t *kl = Reaction_getKineticLaw(T->rx[T->frx[j]].r);
      if (kl) find_switches(T, KineticLaw_getMath(kl), T->frx[j], seen, 0);
    }
    muskx__free(seen);
  }
out:
  for (size_t k = 0; k < (size_t)nfr * (size_t)nc; k++) fx_free(&N[k]);
  muskx__free(N);
  for (size_t k = 0; A && k < (size_t)nfr * (size_t)nfs; k++) fx_free(&A[k]);
  muskx__free(A);
  muskx__free(pivcol);
  muskx__free(is_piv);
  muskx__free(col);
}

/*
 * Where a fast reaction's rate switches (an inequality in its kinetic law,
 * or in an assignment rule it uses), its equilibrium may jump, and IDA
 * cannot step across a jump of an algebraic variable: steps that cross it
 * fail, so its root finding never sees the crossing. As Modelica tools
 * do (discontinuity locking), the condition is replaced by a parameter
 * that holds its truth between events: two events on the condition set
 * it to 1 and to 0, so the rate is smooth within every step, IDA stops at
 * the crossing, and the restart finds the new equilibrium (IDACalcIC).
 * Conditions inside function definitions are not seen.
 */
typedef struct fswitch {
  const ASTNode_t *n;
  int rx;      /* reaction whose local parameters it sees, or -1 */
  char *name;  /* the flag parameter (the name table's) */
} fswitch;

static void find_switches(tr *T, const ASTNode_t *n, int rx, uint8_t *seen,
                          int depth) {
  if (n == NULL || depth > MAX_INLINE || T->st != MUSKX_OK) return;
  switch (ASTNode_getType(n)) {
    case AST_RELATIONAL_GT:
    case AST_RELATIONAL_GEQ:
    case AST_RELATIONAL_LT:
    case AST_RELATIONAL_LEQ: {
      fswitch *p = muskx__reallocarray(T->sw, (size_t)T->nsw + 1, sizeof *p);
      if (p == NULL) {
        nomem(T);
        return;
      }
      T->sw = p;
      char want[32];
      snprintf(want, sizeof want, "fast_switch%d", T->nsw + 1);
      char *name = add_name(T, NULL, want, N_OTHER, -1);
      if (name == NULL) return;
      T->sw[T->nsw++] = (fswitch){n, rx, name};
      return; /* a condition inside it switches with it */
    }
    case AST_NAME: {
      if (lookup_local(T, rx, ast_name(n)) >= 0) break;
      int k = sv_of(T, ast_name(n));
      if (k >= 0 && T->v[k].kind == V_ASSIGN && !seen[k]) {
        seen[k] = 1;
        find_switches(T, T->v[k].rule, -1, seen, depth + 1);
      }
      break;
    }
    default: break;
  }
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++)
    find_switches(T, kid(n, i), rx, seen, depth);
}

static const char *switch_flag(tr *T, const ASTNode_t *n) {
  for (int k = 0; k < T->nsw; k++)
    if (T->sw[k].n == n) return T->sw[k].name;
  return NULL;
}

/* The flags' parameters: each the truth of its condition at t0. */
static void write_switch_flags(tr *T, sb *o) {
  for (int k = 0; k < T->nsw && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    c.init = 2;
    c.rx = T->sw[k].rx;
    sb_printf(o, "  %s: {value: ", T->sw[k].name);
    qexpr(T, o, T->sw[k].n, &c);
    sb_puts(o, ", doc: \"a condition in a fast reaction's rate, held between "
               "events (see its events)\"}\n");
  }
}

/* Two events per flag. any: whether `events:` is written already. */
static void write_switch_events(tr *T, sb *o, int any) {
  for (int k = 0; k < T->nsw && T->st == MUSKX_OK; k++) {
    for (int on = 1; on >= 0; on--) {
      if (!any) sb_puts(o, "\nevents:\n");
      any = 1;
      ctx c = run_ctx();
      c.rx = T->sw[k].rx;
      sb e = {0};
      T->raw_switch = 1;
      sub(T, &e, T->sw[k].n, &c, on ? P_OR : P_ATOM);
      T->raw_switch = 0;
      char want[64];
      snprintf(want, sizeof want, "%.50s_%s", T->sw[k].name, on ? "on" : "off");
      const char *id = add_name(T, NULL, want, N_EVENT, -1);
      if (id == NULL) {
        sb_free(&e);
        return;
      }
      sb_printf(o, "  - id: %s\n    when: ", id);
      sb w = {0};
      sb_printf(&w, "%s%s%s", on ? "" : "!(", e.s ? e.s : "0", on ? "" : ")");
      sb_quoted(o, w.s ? w.s : "0");
      if (e.oom || w.oom) o->oom = 1;
      sb_free(&e);
      sb_free(&w);
      sb_printf(o, "\n    set:\n      %s: %d\n", T->sw[k].name, on);
    }
  }
}

/* The amount of species i now: its state, times the size for a
   concentration state; or, with set, the value an event gives it. */
static void fast_amount(tr *T, sb *o, int i, const char *set) {
  sv *v = &T->v[i];
  if (set != NULL) sb_printf(o, "(%s)", set);
  else sb_puts(o, v->name);
  if (v->linked) sb_printf(o, " * %s", T->v[v->comp].name);
}

/* A coefficient c of a sum (first: no '+' before it): "x", "- x",
   "c * x". */
static void fast_coef(tr *T, sb *o, const fx *c, int first, ctx *cx,
                      char *const *set) {
  if (!c->sym && c->q == 1 && (c->p == 1 || c->p == -1)) {
    sb_puts(o, first ? (c->p < 0 ? "-" : "") : (c->p < 0 ? " - " : " + "));
    return;
  }
  if (!first) sb_puts(o, " + ");
  sb t = {0};
  fx_text(&t, c);
  if (t.oom) o->oom = 1;
  tpl_emit(T, o, t.s ? t.s : "0", cx, set);
  sb_free(&t);
  sb_puts(o, " * ");
}

/* Moiety k, sum_i L'_ki n_i / c_i: of the initial amounts (cx->init), of
   the amounts now, or of those after an event (set: per sv, the event's
   new value or NULL). */
static void moiety_sum(tr *T, sb *o, int k, ctx *cx, char *const *set) {
  int first = 1;
  for (int i = 0; i < T->nfs; i++) {
    const fx *c = &T->mo[(size_t)k * T->nfs + i];
    if (fx_zero(c)) continue;
    int s = T->fs[i];
    sv *v = &T->v[s];
    fast_coef(T, o, c, first, cx, set);
    first = 0;
    if (cx->init) {
      sb_putn(o, "(", 1);
      initial_symbol(T, o, s, cx);
      sb_putn(o, ")", 1);
      if (!v->hosu) {
        sb_puts(o, " * ");
        sym_text(T, o, v->comp, cx);
      }
    } else {
      fast_amount(T, o, s, set ? set[s] : NULL);
    }
    if (v->conv >= 0) {
      sb_puts(o, " / ");
      sym_text(T, o, v->conv, cx);
    }
  }
  if (first) sb_putn(o, "0", 1);
}

/* sum over slow reactions of stoich x rate for species i; the count of
   terms. */
static int slow_sum(tr *T, sb *e, int i) {
  int terms = 0;
  for (int r = 0; r < T->nrx; r++) {
    if (T->rx[r].fast) continue;
    Reaction_t *rx = T->rx[r].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        if (sv_of(T, SpeciesReference_getSpecies(sr)) != i) continue;
        sb_puts(e, terms ? (side ? " + " : " - ") : (side ? "" : "-"));
        terms++;
        stoich_text(T, e, sr);
        sb_printf(e, " * %s", T->rx[r].name);
      }
    }
  }
  return terms;
}

/* d(moiety k)/dt = L'_k (N_s v_s). */
static void moiety_rate(tr *T, sb *o, int k) {
  int first = 1;
  ctx cx = run_ctx();
  for (int i = 0; i < T->nfs; i++) {
    const fx *c = &T->mo[(size_t)k * T->nfs + i];
    if (fx_zero(c)) continue;
    sb sum = {0};
    if (slow_sum(T, &sum, T->fs[i]) > 0) {
      fast_coef(T, o, c, first, &cx, NULL);
      first = 0;
      sb_printf(o, "(%s)", sum.s ? sum.s : "0");
    }
    if (sum.oom) o->oom = 1;
    sb_free(&sum);
  }
  if (first) sb_putn(o, "0", 1);
}

/* Whether math depends on a fast species (through assignment rules and
   function arguments; a reaction's rate counts as yes); *events is set when
   it depends on something events change. */
static int on_fast(tr *T, const ASTNode_t *n, int rx, int *events, int depth) {
  if (n == NULL || depth > MAX_INLINE) return 0;
  int r = 0;
  if (ASTNode_getType(n) == AST_NAME && lookup_local(T, rx, ast_name(n)) < 0) {
    nentry *e = find_id(T, ast_name(n));
    if (e != NULL && e->kind == N_RXN) return 1;
    if (e != NULL && e->kind == N_SV) {
      const sv *v = &T->v[e->index];
      if (v->fast) return 1;
      if (v->event_target && events) *events = 1;
      if (v->kind == V_ASSIGN) r = on_fast(T, v->rule, -1, events, depth + 1);
    }
  }
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++)
    r |= on_fast(T, kid(n, i), rx, events, depth);
  return r;
}

/*
 * A fast rate without its factors that no fast species affects (rate
 * constants, sizes): rate = c w(x) is at equilibrium where w = 0 for any
 * c != 0, and an equation in w alone stays regular where c passes through
 * 0 (a piecewise rate switching sign). A factor that events change may be
 * set to 0, switching the reaction off, where rapid equilibrium has no
 * meaning (every state is one): refused.
 */
static void reduced_rate(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  ASTNodeType_t ty = ASTNode_getType(n);
  unsigned k = ASTNode_getNumChildren(n);
  if (ty == AST_TIMES && k > 0) {
    int kept = 0;
    for (unsigned i = 0; i < k; i++) {
      int ev = 0;
      if (!on_fast(T, kid(n, i), cx->rx, &ev, 0)) {
        if (ev)
          fail(T, MUSKX_EUNSUPPORTED, T->rx[cx->rx].r,
               "fast reaction '%s': a factor of its rate is changed by events "
               "and may switch the reaction off, where its equilibrium is "
               "undetermined: not supported", T->rx[cx->rx].id);
        continue;
      }
      if (kept++) sb_puts(o, " * ");
      sb_putn(o, "(", 1);
      reduced_rate(T, o, kid(n, i), cx);
      sb_putn(o, ")", 1);
    }
    if (kept == 0) sub(T, o, n, cx, P_OR);
    return;
  }
  if (ty == AST_DIVIDE && k == 2 && !on_fast(T, kid(n, 1), cx->rx, NULL, 0)) {
    int ev = 0;
    on_fast(T, kid(n, 1), cx->rx, &ev, 0);
    if (!ev) {
      reduced_rate(T, o, kid(n, 0), cx);
      return;
    }
  }
  if (ty == AST_MINUS && k == 1) {
    reduced_rate(T, o, kid(n, 0), cx);
    return;
  }
  if (ty == AST_FUNCTION_PIECEWISE) {
    unsigned i = 0;
    int open = 0;
    for (; i + 1 < k; i += 2, open++) {
      sb_puts(o, "if(");
      sub(T, o, kid(n, i + 1), cx, P_OR);
      sb_puts(o, ", ");
      reduced_rate(T, o, kid(n, i), cx);
      sb_puts(o, ", ");
    }
    if (i < k) reduced_rate(T, o, kid(n, i), cx);
    else sb_putn(o, "0", 1);
    for (; open > 0; open--) sb_putn(o, ")", 1);
    return;
  }
  sub(T, o, n, cx, P_OR);
}

/* Equilibrium row k: sum_j N[j][pivot k] v_j; with one term, v_j without
   its constant factors (reduced_rate). */
static void fast_equation(tr *T, sb *o, int k) {
  int c = T->fpiv[k], n = 0, first = 1;
  ctx cx = run_ctx();
  for (int j = 0; j < T->nfr; j++) n += !fx_zero(&T->N[(size_t)j * T->nfs + c]);
  for (int j = 0; j < T->nfr; j++) {
    const fx *a = &T->N[(size_t)j * T->nfs + c];
    if (fx_zero(a)) continue;
    KineticLaw_t *kl = Reaction_getKineticLaw(T->rx[T->frx[j]].r);
    if (n == 1 && kl != NULL && KineticLaw_getMath(kl) != NULL) {
      cx.rx = T->frx[j];
      reduced_rate(T, o, KineticLaw_getMath(kl), &cx);
      return;
    }
    if (n > 1) fast_coef(T, o, a, first, &cx, NULL);
    first = 0;
    sb_puts(o, T->rx[T->frx[j]].name);
  }
}

/* Whether an event's assignment to sv k changes a moiety's definition or
   value: k is a fast species or a symbolic stoichiometry. */
static int fast_reset_needed(tr *T, int k) {
  if (T->v[k].fast) return 1;
  for (int a = 0; a < T->natoms; a++)
    if (T->atoms[a].sv == k) return 1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Writing the YAML                                                        */

static void doc_of(tr *T, sb *o, const sv *v, const char *what) {
  (void)T;
  sb d = {0};
  static const char *const kinds[] = {"compartment", "species", "parameter",
                                      "species reference"};
  sb_printf(&d, "SBML %s '%s'", kinds[v->type], v->id);
  if (v->sbml_name && v->sbml_name[0]) sb_printf(&d, " (%s)", v->sbml_name);
  if (what && what[0]) sb_printf(&d, "; %s", what);
  sb_puts(o, ", doc: ");
  sb_quoted(o, d.s ? d.s : "");
  if (d.oom) o->oom = 1;
  sb_free(&d);
}

static void unit_of(sb *o, const char *u) {
  if (u && u[0]) {
    sb_puts(o, ", unit: ");
    sb_quoted(o, u);
  }
}

/* Expression text of math in context cx, as a quoted YAML scalar. */
static void qexpr(tr *T, sb *o, const ASTNode_t *math, ctx *cx) {
  sb e = {0};
  sub(T, &e, math, cx, P_OR);
  sb_quoted(o, e.s ? e.s : "0");
  if (e.oom) o->oom = 1;
  sb_free(&e);
}

static ctx run_ctx(void) {
  ctx c = {0, -1, NULL, NULL, 0, 0, NULL};
  return c;
}

static void write_functions(tr *T, sb *o) {
  if (T->nfns == 0) return;
  sb_puts(o, "\nfunctions:\n");
  for (int i = 0; i < T->nfns && T->st == MUSKX_OK; i++) {
    FunctionDefinition_t *f = T->fns[i].f;
    unsigned na = FunctionDefinition_getNumArguments(f);
    char **args = muskx__calloc((size_t)na + 1, sizeof *args);
    if (args == NULL) {
      nomem(T);
      return;
    }
    sb sig = {0};
    sb_printf(&sig, "%s(", T->fns[i].name);
    for (unsigned j = 0; j < na; j++) {
      const ASTNode_t *a = FunctionDefinition_getArgument(f, j);
      const char *an = a && ASTNode_getName(a) ? ASTNode_getName(a) : "x";
      size_t l = strlen(an);
      args[j] = muskx__alloc(l + 64);
      if (args[j] == NULL) {
        nomem(T);
        break;
      }
      memcpy(args[j], an, l + 1);
      for (;;) { /* not reserved, not equal to an earlier argument */
        int clash = reserved(args[j]);
        for (unsigned q = 0; q < j && !clash; q++) clash = strcmp(args[q], args[j]) == 0;
        if (!clash || l >= strlen(an) + 60) break;
        args[j][l++] = '_';
        args[j][l] = '\0';
      }
      sb_printf(&sig, "%s%s", j ? ", " : "", args[j]);
    }
    sb_putn(&sig, ")", 1);
    if (T->st == MUSKX_OK) {
      sb_puts(o, "  ");
      sb_quoted(o, sig.s);
      sb_puts(o, ": ");
      ctx c = run_ctx();
      c.fd = f;
      c.argnames = args;
      const ASTNode_t *body = FunctionDefinition_getBody(f);
      if (body == NULL) fail(T, MUSKX_EMODEL, f, "function '%s' has no body", T->fns[i].id);
      else qexpr(T, o, body, &c);
      sb_putn(o, "\n", 1);
    }
    if (sig.oom) o->oom = 1;
    sb_free(&sig);
    for (unsigned j = 0; j < na; j++) muskx__free(args[j]);
    muskx__free(args);
  }
}

/* Parameters: SBML parameters, compartments and species references that
   are fixed or changed only by events, plus local parameters, with every
   value written after the parameters it refers to. */
static void write_parameters(tr *T, sb *o) {
  int n = T->nv;
  char **text = muskx__calloc((size_t)n + 1, sizeof *text);
  int **deps = muskx__calloc((size_t)n + 1, sizeof *deps);
  int *state = muskx__calloc((size_t)n + 1, sizeof *state);
  int *order = muskx__calloc((size_t)n + 1, sizeof *order);
  int *stack = muskx__calloc((size_t)n + 1, sizeof *stack);
  int *next = muskx__calloc((size_t)n + 1, sizeof *next);
  int norder = 0, any = 0;
  if (!text || !deps || !state || !order || !stack || !next) {
    nomem(T);
    goto out;
  }
  for (int i = 0; i < n && T->st == MUSKX_OK; i++) {
    if (T->v[i].kind != V_PARAM) continue;
    deps[i] = muskx__calloc((size_t)n, sizeof **deps);
    if (deps[i] == NULL) {
      nomem(T);
      goto out;
    }
    ctx c = run_ctx();
    c.init = 2;
    c.deps = deps[i];
    sb e = {0};
    initial_symbol(T, &e, i, &c);
    if (e.oom) nomem(T);
    text[i] = e.s;
    any = 1;
  }
  /* depth-first topological order (a cycle is invalid SBML) */
  for (int i = 0; i < n && T->st == MUSKX_OK; i++) {
    if (T->v[i].kind != V_PARAM || state[i]) continue;
    int sp = 0;
    stack[sp++] = i;
    state[i] = 1;
    next[i] = 0;
    while (sp > 0) {
      int u = stack[sp - 1];
      while (next[u] < n && !(deps[u][next[u]] && T->v[next[u]].kind == V_PARAM)) next[u]++;
      if (next[u] < n) {
        int w = next[u]++;
        if (state[w] == 1) {
          fail(T, MUSKX_EMODEL, T->v[w].el,
               "initial values of '%s' and '%s' depend on each other",
               T->v[u].id, T->v[w].id);
          goto out;
        }
        if (state[w] == 0) {
          state[w] = 1;
          next[w] = 0;
          stack[sp++] = w;
        }
      } else {
        state[u] = 2;
        order[norder++] = u;
        sp--;
      }
    }
  }
  int nlocal = 0;
  for (int i = 0; i < T->nrx; i++) nlocal += T->rx[i].nlocal;
  if (!any && nlocal == 0 && T->nsw == 0) goto out;
  sb_puts(o, "\nparameters:\n");
  for (int k = 0; k < norder; k++) {
    int i = order[k];
    sv *v = &T->v[i];
    sb_printf(o, "  %s: {value: ", v->name);
    sb_quoted(o, text[i] ? text[i] : "0");
    unit_of(o, v->units);
    const char *what = v->type == S_COMPARTMENT ? "its size"
                       : v->type == S_SPECREF   ? "its stoichiometry"
                       : "";
    doc_of(T, o, v, what);
    sb_puts(o, "}\n");
  }
  for (int i = 0; i < T->nrx; i++) {
    rxn *x = &T->rx[i];
    KineticLaw_t *kl = Reaction_getKineticLaw(x->r);
    for (int j = 0; j < x->nlocal; j++) {
      double val;
      const char *u;
      if (T->level >= 3) {
        LocalParameter_t *lp = KineticLaw_getLocalParameter(kl, (unsigned)j);
        val = LocalParameter_isSetValue(lp) ? LocalParameter_getValue(lp) : 0;
        u = LocalParameter_getUnits(lp);
      } else {
        Parameter_t *p = KineticLaw_getParameter(kl, (unsigned)j);
        val = Parameter_isSetValue(p) ? Parameter_getValue(p) : 0;
        u = Parameter_getUnits(p);
      }
      sb_printf(o, "  %s: {value: ", x->local_names[j]);
      if (isfinite(val)) sb_num(o, val);
      else sb_puts(o, "0");
      unit_of(o, u);
      sb_puts(o, ", doc: ");
      sb d = {0};
      sb_printf(&d, "SBML local parameter '%s' of reaction '%s'", x->local_ids[j], x->id);
      sb_quoted(o, d.s ? d.s : "");
      sb_free(&d);
      sb_puts(o, "}\n");
    }
  }
  write_switch_flags(T, o);
out:
  for (int i = 0; i < n && text; i++) muskx__free(text[i]);
  for (int i = 0; i < n && deps; i++) muskx__free(deps[i]);
  muskx__free(text);
  muskx__free(deps);
  muskx__free(state);
  muskx__free(order);
  muskx__free(stack);
  muskx__free(next);
}

static void write_compartments(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if (v->kind != V_COMP) continue;
    if (!any) sb_puts(o, "\ncompartments:\n");
    any = 1;
    ctx c = run_ctx();
    c.init = 2;
    sb e = {0};
    initial_symbol(T, &e, i, &c);
    sb_printf(o, "  %s: {volume: ", v->name);
    sb_quoted(o, e.s ? e.s : "1");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    unit_of(o, v->units);
    doc_of(T, o, v, v->event_target ? "changed by events" : "");
    sb_puts(o, "}\n");
  }
}

static void write_species(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if (v->kind != V_STATE) continue;
    if (!any) sb_puts(o, "\nspecies:\n");
    any = 1;
    ctx c = run_ctx();
    c.init = 1;
    sb e = {0};
    initial_symbol(T, &e, i, &c);
    if (v->amount_state) {
      sb_puts(&e, " * ");
      sym_text(T, &e, v->comp, &c);
    }
    sb_printf(o, "  %s: {initial: ", v->name);
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    if (v->linked) sb_printf(o, ", compartment: %s", T->v[v->comp].name);
    /* With algebraic equations, a species that nothing changes (no
       reaction with a net change, ode, algebraic rule or fast equilibrium)
       must say so: the loader would otherwise count it among the species
       the algebraic equations may determine. */
    if (v->type == S_SPECIES && !v->alg && !v->fast && v->rate == NULL &&
        ((v->boundary || v->constant) ||
         ((T->nalg > 0 || T->nfs > 0) && !v->ode_path && !v->slow_changed)))
      sb_puts(o, ", constant: true");
    unit_of(o, v->units);
    const char *what;
    if (v->alg) what = "determined by an algebraic rule";
    else if (v->fast) what = v->hosu || v->amount_state
                                 ? "amount; at the equilibrium of fast reactions"
                                 : "concentration; at the equilibrium of fast reactions";
    else if (v->type != S_SPECIES) what = "a state: it has a rate rule";
    else if (v->amount_state) what = "holds the amount; its compartment size varies";
    else if (v->linked) what = "concentration";
    else if (v->rate) what = v->hosu ? "amount, with a rate rule" : "concentration, with a rate rule";
    else what = "amount";
    char buf[160];
    snprintf(buf, sizeof buf, "%s%s", what,
             v->boundary ? ", boundary condition" : "");
    doc_of(T, o, v, buf);
    sb_puts(o, "}\n");
  }
  for (int k = 0; k < T->nmo && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    c.init = 1;
    sb e = {0};
    moiety_sum(T, &e, k, &c, NULL);
    sb_printf(o, "  %s: {initial: ", T->mo_names[k]);
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    sb_puts(o, ", doc: \"amount conserved by the fast reactions; only slow "
               "reactions change it\"}\n");
  }
}

static void write_assignments(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if (v->kind != V_ASSIGN) continue;
    if (!any) sb_puts(o, "\nassignments:\n");
    any = 1;
    ctx c = run_ctx();
    sb_printf(o, "  %s: {expr: ", v->name);
    qexpr(T, o, v->rule, &c);
    unit_of(o, v->units);
    doc_of(T, o, v, "assignment rule");
    sb_puts(o, "}\n");
  }
  for (int i = 0; i < T->nrx && T->st == MUSKX_OK; i++) {
    rxn *x = &T->rx[i];
    if (!x->as_assignment) continue;
    if (!any) sb_puts(o, "\nassignments:\n");
    any = 1;
    KineticLaw_t *kl = Reaction_getKineticLaw(x->r);
    ctx c = run_ctx();
    c.rx = i;
    sb_printf(o, "  %s: {expr: ", x->name);
    if (kl && KineticLaw_getMath(kl)) qexpr(T, o, KineticLaw_getMath(kl), &c);
    else sb_puts(o, "0");
    sb_puts(o, ", doc: ");
    sb d = {0};
    if (x->fast)
      sb_printf(&d, "rate of SBML fast reaction '%s', at equilibrium (see "
                "algebraic)", x->id);
    else
      sb_printf(&d, "rate of SBML reaction '%s', which changes no species state", x->id);
    sb_quoted(o, d.s ? d.s : "");
    sb_free(&d);
    sb_puts(o, "}\n");
  }
}

/* One side of an equation; returns the number of terms written. */
static int write_side(tr *T, sb *o, Reaction_t *r, int side) {
  unsigned ns = side ? Reaction_getNumProducts(r) : Reaction_getNumReactants(r);
  int terms = 0;
  for (unsigned j = 0; j < ns; j++) {
    SpeciesReference_t *sr = side ? Reaction_getProduct((Reaction_t *)r, j)
                                         : Reaction_getReactant((Reaction_t *)r, j);
    int s = sv_of(T, SpeciesReference_getSpecies(sr));
    if (s < 0 || !T->v[s].in_equations) continue;
    double st = SpeciesReference_isSetStoichiometry(sr) ||
                        T->level < 3 ? SpeciesReference_getStoichiometry(sr) : 1;
    if (T->level < 3 && SpeciesReference_getDenominator(sr) != 1)
      st /= SpeciesReference_getDenominator(sr);
    if (!(st > 0)) continue; /* zero (or negative: written on the other side) */
    if (terms++) sb_puts(o, " + ");
    if (st != 1) {
      sb_num(o, st);
      sb_putn(o, " ", 1);
    }
    sb_puts(o, T->v[s].name);
  }
  /* negative stoichiometries of the other side */
  unsigned no = side ? Reaction_getNumReactants(r) : Reaction_getNumProducts(r);
  for (unsigned j = 0; j < no; j++) {
    SpeciesReference_t *sr = side ? Reaction_getReactant((Reaction_t *)r, j)
                                         : Reaction_getProduct((Reaction_t *)r, j);
    int s = sv_of(T, SpeciesReference_getSpecies(sr));
    if (s < 0 || !T->v[s].in_equations) continue;
    double st = SpeciesReference_getStoichiometry(sr);
    if (!(st < 0)) continue;
    if (terms++) sb_puts(o, " + ");
    if (st != -1) {
      sb_num(o, -st);
      sb_putn(o, " ", 1);
    }
    sb_puts(o, T->v[s].name);
  }
  return terms;
}

static void write_reactions(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nrx && T->st == MUSKX_OK; i++) {
    rxn *x = &T->rx[i];
    if (x->fast) { /* its rate is an assignment; fast_subsystem does the rest */
      x->as_assignment = 1;
      continue;
    }
    sb lhs = {0}, rhs = {0};
    int nl = write_side(T, &lhs, x->r, 0), nr = write_side(T, &rhs, x->r, 1);
    if (nl + nr == 0) {
      x->as_assignment = 1;
    } else {
      if (!any) sb_puts(o, "\nreactions:\n");
      any = 1;
      sb_printf(o, "  - id: %s\n    equation: ", x->name);
      sb eq = {0};
      sb_printf(&eq, "%s%s%s%s%s", lhs.s ? lhs.s : "", nl ? " " : "",
                Reaction_getReversible(x->r) ? "<->" : "->", nr ? " " : "",
                rhs.s ? rhs.s : "");
      sb_quoted(o, eq.s ? eq.s : "");
      sb_free(&eq);
      sb_puts(o, "\n    rate: ");
      KineticLaw_t *kl = Reaction_getKineticLaw(x->r);
      ctx c = run_ctx();
      c.rx = i;
      if (kl && KineticLaw_getMath(kl)) qexpr(T, o, KineticLaw_getMath(kl), &c);
      else sb_puts(o, "0");
      const char *nm = Reaction_getName(x->r);
      if (nm && nm[0]) {
        sb_puts(o, "\n    doc: ");
        sb_quoted(o, nm);
      }
      sb_putn(o, "\n", 1);
    }
    if (lhs.oom || rhs.oom) o->oom = 1;
    sb_free(&lhs);
    sb_free(&rhs);
  }
}

/* The stoichiometry of a species reference as an expression. */
static void stoich_text(tr *T, sb *o, SpeciesReference_t *sr) {
  if (SpeciesReference_isSetStoichiometryMath(sr)) {
    StoichiometryMath_t *sm =
        SpeciesReference_getStoichiometryMath((SpeciesReference_t *)sr);
    ctx c = run_ctx();
    sub(T, o, StoichiometryMath_getMath(sm), &c, P_UN);
    return;
  }
  if (SpeciesReference_isSetId(sr)) {
    int k = sv_of(T, SpeciesReference_getId(sr));
    if (k >= 0) {
      sb_puts(o, T->v[k].name);
      return;
    }
  }
  double st = SpeciesReference_isSetStoichiometry(sr) || T->level < 3
                  ? SpeciesReference_getStoichiometry(sr) : 1;
  if (T->level < 3 && SpeciesReference_getDenominator(sr) != 1)
    st /= SpeciesReference_getDenominator(sr);
  if (st < 0) {
    sb_putn(o, "(", 1);
    sb_num(o, st);
    sb_putn(o, ")", 1);
  } else {
    sb_num(o, st);
  }
}

/* d(symbol)/dt of a species changed by reactions: conversion factor x
   sum(stoich x rate) (SBML L3V2 4.11.7), divided by the size for a
   concentration in a compartment of fixed size. */
static void species_rate(tr *T, sb *e, int i) {
  sv *v = &T->v[i];
  int terms = 0;
  sb_putn(e, "(", 1);
  for (int r = 0; r < T->nrx && !v->boundary && !v->constant; r++) {
    Reaction_t *rx = T->rx[r].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        if (sv_of(T, SpeciesReference_getSpecies(sr)) != i) continue;
        sb_puts(e, terms ? (side ? " + " : " - ") : (side ? "" : "-"));
        terms++;
        stoich_text(T, e, sr);
        sb_printf(e, " * %s", T->rx[r].name);
      }
    }
  }
  if (terms == 0) sb_putn(e, "0", 1);
  sb_putn(e, ")", 1);
  if (v->conv >= 0) sb_printf(e, " * %s", T->v[v->conv].name);
  if (v->linked) sb_printf(e, " / %s", T->v[v->comp].name);
}

static void write_odes(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if (v->kind != V_STATE) continue;
    sb e = {0};
    if (v->rate && v->amount_state) {
      /* state n = [S] V with d[S]/dt = rate: dn/dt = rate V + [S] dV/dt */
      sv *c = &T->v[v->comp];
      ctx cx = run_ctx();
      sub(T, &e, v->rate, &cx, P_MUL);
      sb_printf(&e, " * %s", c->name);
      if (c->kind == V_STATE && c->rate) {
        sb_printf(&e, " + (%s / %s) * ", v->name, c->name);
        sub(T, &e, c->rate, &cx, P_UN);
      } else if (c->kind == V_ASSIGN) {
        fail(T, MUSKX_EUNSUPPORTED, v->el,
             "rate rule for concentration species '%s' in compartment '%s', "
             "whose size is given by an assignment rule, is not supported "
             "(needs the size's derivative)", v->id, c->id);
      }
    } else if (v->rate) {
      ctx c = run_ctx();
      sub(T, &e, v->rate, &c, P_OR);
    } else if (v->ode_path) {
      species_rate(T, &e, i);
    } else {
      sb_free(&e);
      continue;
    }
    if (!any) sb_puts(o, "\nodes:\n");
    any = 1;
    sb_printf(o, "  %s: ", v->name);
    sb_quoted(o, e.s ? e.s : "0");
    sb_putn(o, "\n", 1);
    if (e.oom) o->oom = 1;
    sb_free(&e);
  }
  for (int k = 0; k < T->nmo && T->st == MUSKX_OK; k++) {
    sb e = {0};
    moiety_rate(T, &e, k);
    if (!any) sb_puts(o, "\nodes:\n");
    any = 1;
    sb_printf(o, "  %s: ", T->mo_names[k]);
    sb_quoted(o, e.s ? e.s : "0");
    sb_putn(o, "\n", 1);
    if (e.oom) o->oom = 1;
    sb_free(&e);
  }
}

static void write_algebraic(tr *T, sb *o) {
  if (T->nalg == 0 && T->nfs == 0) return;
  sb_puts(o, "\nalgebraic:\n");
  for (int k = 0; k < T->nalg && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    sb_puts(o, "  - {expr: ");
    qexpr(T, o, Rule_getMath(T->alg[k]), &c);
    sb_printf(o, ", doc: \"SBML algebraic rule (line %d)\"}\n",
              sbase_line(T->alg[k]));
  }
  for (int k = 0; k < T->nmo && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    sb e = {0};
    moiety_sum(T, &e, k, &c, NULL);
    sb_printf(&e, " - %s", T->mo_names[k]);
    sb_puts(o, "  - {expr: ");
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    sb_printf(o, ", doc: \"the species in fast reactions make up %s\"}\n",
              T->mo_names[k]);
  }
  for (int k = 0; k < T->rank && T->st == MUSKX_OK; k++) {
    sb e = {0};
    fast_equation(T, &e, k);
    sb_puts(o, "  - {expr: ");
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    sb_printf(o, ", doc: \"fast reactions at equilibrium: no net change of "
                 "'%s'\"}\n", T->v[T->fs[T->fpiv[k]]].id);
  }
}

/* Returns whether it wrote the `events:` header. */
static int write_events(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nev && T->st == MUSKX_OK; i++) {
    Event_t *ev = Model_getEvent(T->m, (unsigned)i);
    unsigned na = Event_getNumEventAssignments(ev), nset = 0;
    for (unsigned j = 0; j < na; j++)
      if (EventAssignment_getMath(Event_getEventAssignment(ev, j)) != NULL) nset++;
    if (nset == 0) continue; /* changes nothing (L3V2: no math, no change) */
    Trigger_t *tg = Event_getTrigger(ev);
    if (tg == NULL || Trigger_getMath(tg) == NULL) continue; /* never fires */
    if (!any) sb_puts(o, "\nevents:\n");
    any = 1;
    ctx c = run_ctx();
    sb_printf(o, "  - id: %s\n    when: ", T->ev_names[i]);
    qexpr(T, o, Trigger_getMath(tg), &c);
    sb_putn(o, "\n", 1);
    if (T->level >= 3) {
      if (!Trigger_getInitialValue(tg)) sb_puts(o, "    initial_value: false\n");
      if (!Trigger_getPersistent(tg)) sb_puts(o, "    persistent: false\n");
    }
    Delay_t *d = Event_getDelay(ev);
    if (d && Delay_getMath(d)) {
      sb_puts(o, "    delay: ");
      qexpr(T, o, Delay_getMath(d), &c);
      sb_putn(o, "\n", 1);
    }
    /* also without a delay: simultaneous events execute one after another
       (by priority), and a later one then sees the earlier one's changes */
    if ((T->level > 2 || (T->level == 2 && SBMLDocument_getVersion(T->doc) >= 4)) &&
        !Event_getUseValuesFromTriggerTime(ev))
      sb_puts(o, "    use_values_from_trigger_time: false\n");
    Priority_t *p = Event_getPriority(ev);
    if (p && Priority_getMath(p)) {
      sb_puts(o, "    priority: ");
      qexpr(T, o, Priority_getMath(p), &c);
      sb_putn(o, "\n", 1);
    }
    const char *nm = SBase_getName((SBase_t *)ev);
    if (nm && nm[0]) {
      sb_puts(o, "    doc: ");
      sb_quoted(o, nm);
      sb_putn(o, "\n", 1);
    }
    sb_puts(o, "    set:\n");
    /* new values of what the moieties depend on (fast_subsystem) */
    char **set = NULL;
    for (unsigned j = 0; j < na && set == NULL && T->nmo > 0; j++) {
      EventAssignment_t *ea = Event_getEventAssignment(ev, j);
      int k = sv_of(T, EventAssignment_getVariable(ea));
      if (k < 0 || EventAssignment_getMath(ea) == NULL || !fast_reset_needed(T, k))
        continue;
      if (d && Delay_getMath(d) && Event_getUseValuesFromTriggerTime(ev)) {
        /* the moieties would need the other species' values at execution
           time, and our `set` is computed at trigger time */
        fail(T, MUSKX_EUNSUPPORTED, ea,
             "delayed event '%s' with values from trigger time assigns '%s', "
             "which a fast reaction's conserved moiety depends on: not "
             "supported", T->ev_names[i], T->v[k].id);
        return any;
      }
      if ((set = muskx__calloc((size_t)T->nv + 1, sizeof *set)) == NULL) {
        nomem(T);
        return any;
      }
    }
    for (unsigned j = 0; j < na && T->st == MUSKX_OK; j++) {
      EventAssignment_t *ea = Event_getEventAssignment((Event_t *)ev, j);
      int k = sv_of(T, EventAssignment_getVariable(ea));
      if (k < 0 || EventAssignment_getMath(ea) == NULL) continue;
      sv *v = &T->v[k];
      if (v->kind == V_ASSIGN) {
        fail(T, MUSKX_EMODEL, ea, "event assigns '%s', which has an assignment rule",
             v->id);
        break;
      }
      if (v->amount_state && d && Delay_getMath(d) &&
          Event_getUseValuesFromTriggerTime(ev)) {
        /* SBML fixes the concentration at trigger time but converts it to
           an amount with the compartment size at execution time; our
           events compute the whole value at one time, so this would be
           silently wrong: refuse it. */
        fail(T, MUSKX_EUNSUPPORTED, ea,
             "delayed event '%s' assigns concentration species '%s' in a "
             "compartment of varying size with values from trigger time: "
             "not supported", T->ev_names[i], v->id);
        break;
      }
      sb e = {0};
      sub(T, &e, EventAssignment_getMath(ea), &c, v->amount_state ? P_UN : P_OR);
      if (v->amount_state) {
        /* the state is the amount: the new concentration times the size
           the compartment has when the values are computed (before this
           event's own assignments, as the SBML Test Suite expects) */
        sb_puts(&e, " * ");
        sb_puts(&e, T->v[v->comp].name);
      }
      sb_printf(o, "      %s: ", v->name);
      sb_quoted(o, e.s ? e.s : "0");
      sb_putn(o, "\n", 1);
      if (e.oom) o->oom = 1;
      if (set != NULL && e.s != NULL && (set[k] = fx_strdup(T, e.s)) == NULL) {
        sb_free(&e);
        break;
      }
      sb_free(&e);
    }
    /* the moieties after the event: the fast equilibrium then takes them
       as they are (IDACalcIC) */
    for (int k = 0; set != NULL && k < T->nmo && T->st == MUSKX_OK; k++) {
      sb e = {0};
      moiety_sum(T, &e, k, &c, set);
      sb_printf(o, "      %s: ", T->mo_names[k]);
      sb_quoted(o, e.s ? e.s : "0");
      sb_putn(o, "\n", 1);
      if (e.oom) o->oom = 1;
      sb_free(&e);
    }
    for (int k = 0; set != NULL && k < T->nv; k++) muskx__free(set[k]);
    muskx__free(set);
  }
  return any;
}

/* The report outputs (see sbml.h). */
static void write_reports(tr *T, sb *o, const muskx__sbml_opts *op) {
  if (op == NULL || op->nreport == 0) return;
  sb_puts(o, "\noutputs:\n");
  for (int k = 0; k < op->nreport && T->st == MUSKX_OK; k++) {
    const char *id = op->report_ids[k];
    muskx__sbml_measure ms = op->measure ? op->measure[k] : MUSKX__SBML_NATURAL;
    char want[40];
    snprintf(want, sizeof want, "sbml_report_%d", k);
    char *name = add_name(T, NULL, want, N_OTHER, -1);
    if (name == NULL) return;
    ctx c = run_ctx();
    sb e = {0};
    nentry *ne = find_id(T, id);
    if (ne == NULL) {
      fail(T, MUSKX_ENOTFOUND, NULL, "no SBML id '%s' to report", id);
      return;
    }
    if (ne->kind == N_SV) {
      sv *v = &T->v[ne->index];
      sym_text(T, &e, ne->index, &c);
      if (v->type == S_SPECIES && ms != MUSKX__SBML_NATURAL) {
        if (ms == MUSKX__SBML_AMOUNT && !v->hosu)
          sb_printf(&e, " * %s", T->v[v->comp].name);
        else if (ms == MUSKX__SBML_CONCENTRATION && v->hosu && !T->v[v->comp].hosu)
          sb_printf(&e, " / %s", T->v[v->comp].name);
      }
    } else if (ne->kind == N_RXN) {
      sb_puts(&e, T->rx[ne->index].name);
    } else {
      fail(T, MUSKX_EINVAL, NULL, "SBML id '%s' is not a value to report", id);
      return;
    }
    sb_printf(o, "  %s: {expr: ", name);
    sb_quoted(o, e.s ? e.s : "0");
    sb_puts(o, ", doc: ");
    sb_quoted(o, id);
    sb_puts(o, "}\n");
    if (e.oom) o->oom = 1;
    sb_free(&e);
  }
}

static void write_model(tr *T, sb *o, const muskx__sbml_opts *op) {
  Model_t *m = T->m;
  sb_printf(o, "# Translated from SBML Level %u Version %u by libmuskx %s\n"
               "# (muskx import; see muskx-model(5)). Source: ",
            SBMLDocument_getLevel(T->doc), SBMLDocument_getVersion(T->doc),
            muskx_version_string());
  for (const char *p = T->path; p && *p; p++) sb_putn(o, *p == '\n' ? " " : p, 1);
  sb_puts(o, "\nmuskx: 1\nmodel:\n  id: ");
  const char *id = Model_isSetId(m) ? Model_getId(m) : NULL;
  sb_puts(o, id && valid_ident(id) ? id : "sbml_model");
  const char *nm = Model_isSetName(m) ? Model_getName(m) : NULL;
  if (nm && nm[0]) {
    sb_puts(o, "\n  name: ");
    sb_quoted(o, nm);
  }
  if (Model_isSetTimeUnits(m)) {
    sb_puts(o, "\n  time_unit: ");
    sb_quoted(o, Model_getTimeUnits(m));
  }
  sb_putn(o, "\n", 1);
  write_functions(T, o);
  write_parameters(T, o);
  write_compartments(T, o);
  write_species(T, o);
  write_reactions(T, o); /* decides which reactions are assignments */
  write_assignments(T, o);
  write_odes(T, o);
  write_algebraic(T, o);
  write_switch_events(T, o, write_events(T, o));
  write_reports(T, o, op);
}

/* Reads the document and reports its first error (with its line). */
static muskx_status read_document(tr *T, const char *text, size_t len) {
  if (text != NULL) {
    char *z = muskx__alloc(len + 1);
    if (z == NULL) return nomem(T);
    memcpy(z, text, len);
    z[len] = '\0';
    T->doc = readSBMLFromString(z);
    muskx__free(z);
  } else {
    FILE *f = fopen(T->path, "rb");
    if (f == NULL) {
      muskx__loc loc = {T->path, 0, 0};
      return T->st = muskx__seterr(T->err, MUSKX_EIO, &loc, "cannot open SBML file");
    }
    fclose(f);
    /* comp's external model definitions resolve against the document's
       location, which must be absolute for that */
    char *abs = realpath(T->path, NULL);
    T->doc = readSBMLFromFile(abs ? abs : T->path);
    free(abs); /* from realpath, not muskx__alloc */
  }
  if (T->doc == NULL) return nomem(T);
  unsigned ne = SBMLDocument_getNumErrors(T->doc);
  for (unsigned i = 0; i < ne; i++) {
    const SBMLError_t *e = SBMLDocument_getError(T->doc, i);
    if (!XMLError_isError((const XMLError_t *)e) && !XMLError_isFatal((const XMLError_t *)e))
      continue;
    unsigned id = XMLError_getErrorId((const XMLError_t *)e);
    /* XML-level problems (ids below 10000, libSBML's XMLErrorCode_t) are
       syntax; the rest break an SBML rule. */
    muskx_status st = id < 10000 ? MUSKX_ESYNTAX : MUSKX_EMODEL;
    muskx__loc loc = {T->path, (int)XMLError_getLine((const XMLError_t *)e),
                      (int)XMLError_getColumn((const XMLError_t *)e)};
    if (loc.line <= 0) loc.line = loc.col = 0;
    else if (loc.col <= 0) loc.col = 1;
    const char *msg = XMLError_getMessage((const XMLError_t *)e);
    char clean[600];
    size_t k = 0;
    for (const char *p = msg ? msg : ""; *p && k + 1 < sizeof clean; p++)
      clean[k++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
    while (k > 0 && clean[k - 1] == ' ') k--;
    clean[k] = '\0';
    return T->st = muskx__seterr(T->err, st, &loc, "invalid SBML: %s", clean);
  }
  T->m = SBMLDocument_getModel(T->doc);
  if (T->m == NULL) {
    muskx__loc loc = {T->path, 0, 0};
    return T->st = muskx__seterr(T->err, MUSKX_EMODEL, &loc, "SBML document has no model");
  }
  T->level = SBMLDocument_getLevel(T->doc);
  /* Hierarchical models (comp) are flattened into one core model. */
  if (SBMLDocument_isSetPackageRequired(T->doc, "comp") ||
      SBase_getPlugin((SBase_t *)T->m, "comp") != NULL) {
    ConversionProperties_t *props = ConversionProperties_create();
    ConversionOption_t *opt = ConversionOption_create("flatten comp");
    if (props == NULL || opt == NULL) return nomem(T);
    ConversionOption_setBoolValue(opt, 1);
    ConversionProperties_addOption(props, opt);
    int r = SBMLDocument_convert(T->doc, props);
    ConversionOption_free(opt);
    ConversionProperties_free(props);
    if (r != LIBSBML_OPERATION_SUCCESS) {
      muskx__loc loc = {T->path, 0, 0};
      return T->st = muskx__seterr(T->err, MUSKX_EUNSUPPORTED, &loc,
                                   "cannot flatten this hierarchical (comp) model");
    }
    T->m = SBMLDocument_getModel(T->doc);
  }
  /* Other packages change the meaning of a model: refuse them. */
  const char *pk[] = {"fbc", "qual", "multi", "spatial", "distrib", "arrays"};
  for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
    if (SBase_getPlugin((SBase_t *)T->m, pk[i]) != NULL ||
        SBMLDocument_isSetPackageRequired(T->doc, pk[i])) {
      muskx__loc loc = {T->path, 0, 0};
      return T->st = muskx__seterr(T->err, MUSKX_EUNSUPPORTED, &loc,
                                   "SBML package '%s' is not supported", pk[i]);
    }
  return MUSKX_OK;
}

static void free_tr(tr *T) {
  for (int i = 0; i < T->nnames; i++) muskx__free(T->names[i].name);
  muskx__free(T->names);
  for (int i = 0; i < T->nrx && T->rx; i++) {
    muskx__free(T->rx[i].local_ids);
    muskx__free(T->rx[i].local_names);
  }
  muskx__free(T->rx);
  muskx__free(T->fns);
  muskx__free(T->ev_names);
  muskx__free(T->v);
  muskx__free(T->alg);
  for (size_t k = 0; T->N && k < (size_t)T->nfr * (size_t)T->nfs; k++) fx_free(&T->N[k]);
  for (size_t k = 0; T->mo && k < (size_t)T->nmo * (size_t)T->nfs; k++) fx_free(&T->mo[k]);
  muskx__free(T->N);
  muskx__free(T->mo);
  muskx__free(T->mo_names); /* the names are the name table's */
  muskx__free(T->fs);
  muskx__free(T->frx);
  muskx__free(T->fpiv);
  muskx__free(T->atoms);
  muskx__free(T->sw); /* the names are the name table's */
  if (T->doc) SBMLDocument_free(T->doc);
}

muskx_status muskx__sbml_translate(const char *path, const char *text,
                                   size_t len, const muskx__sbml_opts *opts,
                                   char **yaml_out, muskx_error *err) {
  muskx__clearerr(err);
  if (yaml_out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "yaml_out must not be NULL");
  *yaml_out = NULL;
  tr T;
  memset(&T, 0, sizeof T);
  T.path = path ? path : "<sbml>";
  T.err = err;
  T.model_conv = -1;
  sb o = {0};
  if (read_document(&T, text, len) == MUSKX_OK) {
    read_variables(&T);
    if (T.st == MUSKX_OK) read_structure(&T);
    if (T.st == MUSKX_OK) register_names(&T);
    if (T.st == MUSKX_OK) read_rules(&T);
    if (T.st == MUSKX_OK) classify(&T);
    if (T.st == MUSKX_OK) write_model(&T, &o, opts);
    if (T.st == MUSKX_OK && o.oom) nomem(&T);
  }
  muskx_status st = T.st;
  free_tr(&T);
  if (st != MUSKX_OK) {
    sb_free(&o);
    return st;
  }
  *yaml_out = o.s;
  return MUSKX_OK;
}

#endif /* MUSKX_HAVE_SBML */
