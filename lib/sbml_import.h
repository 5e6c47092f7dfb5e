/*
 * sbml_import.h -- the SBML import translator's internal state, shared by
 * lib/sbml_import*.c (only built with libSBML; see sbml_import.c for the
 * mapping from SBML to muskx).
 *
 * sbml_import.c reads the document and runs the passes; the read pass
 * (sbml_import_read.c) records variables, names, rules and what each
 * variable becomes; sbml_import_math.c writes MathML as muskx
 * expressions; sbml_import_fast.c holds fast reactions at equilibrium;
 * sbml_import_emit.c and sbml_import_events.c write the YAML.
 */
#ifndef MUSKX_SBML_IMPORT_H
#define MUSKX_SBML_IMPORT_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sbml/SBMLTypes.h>
#include <sbml/conversion/ConversionProperties.h>

#include "alloc.h"
#include "error.h"
#include "expr.h"
#include "fileaccess.h"
#include "sbml.h"

/* ---------------------------------------------------------------------- */
/* A growable string                                                       */

typedef struct sb {
  char *s;
  size_t n, cap;
  int oom;
} sb;

static inline void sb_putn(sb *b, const char *s, size_t n) {
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

static inline void sb_puts(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

static inline void sb_printf(sb *b, const char *fmt, ...) MUSKX__PRINTF(2, 3);
static inline void sb_printf(sb *b, const char *fmt, ...) {
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
static inline void sb_num(sb *b, double v) {
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  sb_puts(b, buf);
}

static inline void sb_free(sb *b) {
  muskx__free(b->s);
  memset(b, 0, sizeof *b);
}

/* A YAML double-quoted scalar. */
static inline void sb_quoted(sb *b, const char *s) {
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
  const muskx__folders *scope; /* where comp external models may be read */
  muskx_error *err;
  muskx_status st;
  SBMLDocument_t *doc;
  Model_t *m;
  unsigned level;
  char time_unit_text[256]; /* muskx__sbml_time_unit()'s answer */
  sv *v;
  int nv, capv;
  nentry *names;
  int nnames, capnames;
  struct muskx__symtab *by_name, *by_id; /* muskx name / SBML id -> names[] */
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
  int l2_initial_trigger;   /* muskx__sbml_opts: -1 default, 0, 1 */
} tr;

/* The variables an initial value refers to, as a list (a per-variable
   n-sized array made write_parameters O(n^2) in time and memory: 60,000
   parameters took 60 s and 8 GB; issue 16). */
typedef struct deplist {
  int *v;
  int n, cap, oom;
} deplist;

static inline void deplist_add(deplist *d, int vi) {
  if (d->n == d->cap) {
    int nc = d->cap ? d->cap * 2 : 4;
    int *p = muskx__reallocarray(d->v, (size_t)nc, sizeof *p);
    if (p == NULL) {
      d->oom = 1;
      return;
    }
    d->v = p;
    d->cap = nc;
  }
  d->v[d->n++] = vi;
}

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
  struct deplist *deps; /* init == 2: the svs referenced (may repeat) */
} ctx;

#define MAX_INLINE 64

static inline int sbase_line(const void *el) {
  return el ? (int)SBase_getLine((SBase_t *)el) : 0;
}

static inline muskx_status fail(tr *T, muskx_status st, const void *el,
                         const char *fmt, ...) MUSKX__PRINTF(4, 5);
static inline muskx_status fail(tr *T, muskx_status st, const void *el,
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

static inline muskx_status nomem(tr *T) {
  if (T->st == MUSKX_OK) T->st = muskx__seterr(T->err, MUSKX_ENOMEM, NULL, "out of memory");
  return T->st;
}

static inline const char *str_or(const char *s, const char *def) {
  return s != NULL && s[0] != '\0' ? s : def;
}

/* ---------------------------------------------------------------------- */
/* Names                                                                   */

static inline int reserved(const char *s) {
  return strcmp(s, "t") == 0 || strcmp(s, "time") == 0 ||
         muskx__builtin_lookup(s) != MUSKX__F_NONE;
}

static inline int valid_ident(const char *s) {
  if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}


/* ---------------------------------------------------------------------- */
/* MathML to muskx expressions                                             */

enum { P_OR = 1, P_AND, P_CMP, P_ADD, P_MUL, P_UN, P_POW, P_ATOM };

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

static inline const ASTNode_t *kid(const ASTNode_t *n, unsigned i) {
  return ASTNode_getChild(n, i);
}

static inline const char *ast_name(const ASTNode_t *n) {
  const char *s = ASTNode_getName(n);
  return s ? s : "?";
}

static inline ctx run_ctx(void) {
  ctx c = {0, -1, NULL, NULL, 0, 0, NULL};
  return c;
}


/* sbml_import_read.c: names, variables, structure, rules, classification */
nentry *muskx__sbml_find_id(tr *T, const char *id);
char *muskx__sbml_add_name(tr *T, const char *id, const char *want, nkind kind,
                           int index);
int muskx__sbml_sv_of(tr *T, const char *id);
void muskx__sbml_read_variables(tr *T);
void muskx__sbml_register_names(tr *T);
void muskx__sbml_read_structure(tr *T);
void muskx__sbml_read_rules(tr *T);
void muskx__sbml_classify(tr *T);

/* sbml_import_math.c: MathML to muskx expressions */
void muskx__sbml_sub(tr *T, sb *o, const ASTNode_t *n, ctx *cx, int minprec);
int muskx__sbml_lookup_local(tr *T, int r, const char *id);
int muskx__sbml_sym_text(tr *T, sb *o, int vi, ctx *cx);
void muskx__sbml_initial_symbol(tr *T, sb *o, int vi, ctx *cx);

/* sbml_import_fast.c: fast reactions at equilibrium */
void muskx__sbml_fx_free(fx *a);
char *muskx__sbml_fx_strdup(tr *T, const char *s);
void muskx__sbml_fast_subsystem(tr *T);
const char *muskx__sbml_switch_flag(tr *T, const ASTNode_t *n);
void muskx__sbml_write_switch_flags(tr *T, sb *o);
void muskx__sbml_write_switch_events(tr *T, sb *o, int any);
void muskx__sbml_moiety_sum(tr *T, sb *o, int k, ctx *cx, char *const *set);
void muskx__sbml_moiety_rate(tr *T, sb *o, int k);
void muskx__sbml_fast_equation(tr *T, sb *o, int k);
int muskx__sbml_fast_reset_needed(tr *T, int k);

/* sbml_import_emit.c: writing the YAML */
void muskx__sbml_qexpr(tr *T, sb *o, const ASTNode_t *math, ctx *cx);
void muskx__sbml_stoich_text(tr *T, sb *o, SpeciesReference_t *sr);
void muskx__sbml_species_rate(tr *T, sb *e, int i);
/* Appends sum(stoich x rate) over the reactions (the slow ones only when
   slow_only) that change species i; the count of terms appended. */
int muskx__sbml_rate_sum(tr *T, sb *e, int i, int slow_only);
void muskx__sbml_write_model(tr *T, sb *o, const muskx__sbml_opts *op);

/* sbml_import_guard.c: bounds before libSBML works on a document
   (issue 16; documented in muskx-model(5), LIMITS) */
#define MUSKX__SBML_MAX_DEPTH 256           /* XML element nesting */
#define MUSKX__SBML_MAX_FLAT 20000          /* elements after comp flattening */
#define MUSKX__SBML_MAX_SUBMODEL_DEPTH 64   /* submodel chain */
#define MUSKX__SBML_MAX_EXTERNAL 16         /* external documents nested */
#define MUSKX__SBML_MAX_EXTERNAL_READS 256  /* external documents read */
/* ELIMIT (at the line) when text nests elements deeper than
   MUSKX__SBML_MAX_DEPTH; fills err. */
muskx_status muskx__sbml_prescan(const char *path, const char *text,
                                 size_t len, muskx_error *err);
/* Before flattening T->doc: the flat size and every external model
   definition (inside T->scope, scanned, counted). */
muskx_status muskx__sbml_comp_check(tr *T);

/* sbml_import_events.c: SBML events */
int muskx__sbml_write_events(tr *T, sb *o);

/* sbml_import_unit_text.c: the unit of what v holds as unit text muskx
   reads ("1/d", "mmol/L"; a concentration species' substance per its
   compartment's size), in buf (size 256 is enough) or a string of the
   document; NULL when SBML gives none. The second: a unit id's text. */
const char *muskx__sbml_unit_text(tr *T, const sv *v, char *buf, size_t size);
const char *muskx__sbml_unit_id_text(tr *T, const char *id, char *buf, size_t size);

/* sbml_import_units.c: the model's time unit (a name scenarios convert
   from, else the SBML unit id), or NULL when the model declares none. */
const char *muskx__sbml_time_unit(tr *T);

/* sbml_import_kept.c: what a muskx export kept in annotations */
/* v's muskx annotation has role "output", "input" or "assignment". */
int muskx__sbml_kept_role(const sv *v, const char *role);
/* For an element a muskx export annotated: writes its kept ", unit: ...,
   doc: ..." (and nonnegative; min/max when bounds) and returns 1; else 0
   (write the translation's own). */
int muskx__sbml_kept_fields(SBase_t *el, sb *o, int bounds);
/* The kept doc of el (muskx__alloc'd), or NULL; any kept key. */
char *muskx__sbml_kept_doc(SBase_t *el);
char *muskx__sbml_kept_doc_key(SBase_t *el, const char *key);
/* The `inputs:` section of the kept inputs. */
void muskx__sbml_write_inputs(tr *T, sb *o);
/* The kept outputs, after header (1: `outputs:` already written);
   returns whether the header is written. */
int muskx__sbml_write_kept_outputs(tr *T, sb *o, int header);
/* The model's time_unit (kept, else time_unit when not NULL),
   description and references, inside `model:`. */
const char *muskx__sbml_write_kept_model(tr *T, sb *o, const char *time_unit);

#endif
