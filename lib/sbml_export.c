/*
 * sbml_export.c -- a loaded muskx model as SBML Level 3 Version 2 (issue 5).
 *
 * The mapping (the inverse of sbml_import.c, so yaml -> sbml -> yaml keeps
 * every time course):
 *  - a muskx species holds a concentration in its compartment (volume 1
 *    without one): an SBML species with hasOnlySubstanceUnits="false" in
 *    that compartment, or in a compartment "default_compartment" of size 1;
 *    d[S]/dt = stoich * rate / V is then exactly SBML's dn/dt = stoich *
 *    rate. `constant: true` is boundaryCondition="true".
 *  - reactions keep reactants, products, reversibility and rate (the
 *    kinetic law, amount per time); species read by the rate but absent
 *    from the equation become modifiers.
 *  - `algebraic:` equations are algebraic rules;
 *  - assignments and outputs are parameters with assignment rules, odes
 *    rate rules, functions function definitions.
 *  - a value written as an expression (parameter value, compartment volume,
 *    species initial) is an initial assignment.
 *  - inputs: a constant input is a parameter; a table is a parameter with
 *    an assignment rule, a piecewise function of time.
 *  - conditional events map one to one (trigger, delay, priority,
 *    persistent, initialValue, useValuesFromTriggerTime). A timed event
 *    (at / every / count / until) becomes a conditional one on time with
 *    helper parameters <event>_next (and <event>_left for a count).
 *  - names: dotted names of imported modules ("bone.OCa") become
 *    "bone__OCa"; doc and unit text go to the element's notes.
 * Booleans and numbers are one type in muskx and two in SBML: a number
 * where SBML needs a condition is written (x != 0), a condition where it
 * needs a number piecewise(1, c, 0).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "model.h"
#include "numlocale.h"
#include "sbml.h"

#ifndef MUSKX_HAVE_SBML

muskx_status muskx_model_export_sbml(const muskx_model *m, const char *path,
                                     char **xml_out, muskx_error *err) {
  (void)m, (void)path;
  muskx__clearerr(err);
  if (xml_out != NULL) *xml_out = NULL;
  return muskx__seterr(err, MUSKX_EUNSUPPORTED, NULL,
                       "cannot write SBML: libmuskx was built without libSBML");
}

#else /* MUSKX_HAVE_SBML */

#include <sbml/SBMLTypes.h>

#include "sbml_annotation.h"

typedef struct ex {
  const muskx_model *m;
  muskx_error *err;
  muskx_status st;
  Model_t *sm;
  char **fnargs; /* muskx names of the current function's arguments */
} ex;

static muskx_status efail(ex *X, muskx_status st, const char *fmt, ...)
    MUSKX__PRINTF(3, 4);
static muskx_status efail(ex *X, muskx_status st, const char *fmt, ...) {
  if (X->st != MUSKX_OK) return X->st;
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  X->st = muskx__seterr(X->err, st, NULL, "%s", msg);
  return X->st;
}

/* SBML id of a muskx name: dots of imported names become "__". */
static char *sid(const char *name) {
  size_t n = strlen(name), dots = 0;
  for (size_t i = 0; i < n; i++) dots += name[i] == '.';
  char *s = muskx__alloc(n + dots + 1);
  if (s == NULL) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (name[i] == '.') {
      s[k++] = '_';
      s[k++] = '_';
    } else {
      s[k++] = name[i];
    }
  }
  s[k] = '\0';
  return s;
}

/* Is a muskx name (after sid()) in use? */
static int taken(const muskx_model *m, const char *id) {
  char *s;
#define CHECK(arr, n, field)                         \
  for (int i = 0; i < (n); i++) {                    \
    s = sid((arr)[i].field);                         \
    int eq = s != NULL && strcmp(s, id) == 0;        \
    muskx__free(s);                                  \
    if (eq) return 1;                                \
  }
  CHECK(m->params, m->nparams, name)
  CHECK(m->species, m->nspecies, name)
  CHECK(m->compartments, m->ncompartments, name)
  CHECK(m->inputs, m->ninputs, name)
  CHECK(m->assignments, m->nassignments, name)
  CHECK(m->outputs, m->noutputs, name)
  CHECK(m->reactions, m->nreactions, id)
  CHECK(m->functions, m->nfunctions, name)
  CHECK(m->events, m->nevents, id)
#undef CHECK
  return 0;
}

/* A free id built from want (appending '_'), in buf. */
static void fresh_id(const muskx_model *m, const char *want, char *buf,
                     size_t size) {
  snprintf(buf, size, "%s", want);
  size_t n = strlen(buf);
  while (taken(m, buf) && n + 1 < size) {
    buf[n++] = '_';
    buf[n] = '\0';
  }
}

/* ---------------------------------------------------------------------- */
/* Expressions                                                             */

static int is_boolean(const muskx__expr *e) {
  switch (e->kind) {
    case MUSKX__E_EQ: case MUSKX__E_NE: case MUSKX__E_LT: case MUSKX__E_LE:
    case MUSKX__E_GT: case MUSKX__E_GE: case MUSKX__E_AND: case MUSKX__E_OR:
    case MUSKX__E_NOT:
      return 1;
    default:
      return 0;
  }
}

static ASTNode_t *node(ASTNodeType_t t) { return ASTNode_createWithType(t); }

static ASTNode_t *number(double v) {
  ASTNode_t *n = node(AST_REAL);
  if (n == NULL) return NULL;
  if (v == floor(v) && fabs(v) < 1e9) {
    ASTNode_setType(n, AST_INTEGER);
    ASTNode_setInteger(n, (long)v);
    return n;
  }
  /* libSBML writes 15 significant digits: a number that needs more goes
     as hi + lo, hi its 15-digit rounding and lo = v - hi (exact), whose
     own 15 digits are far more than enough (issue 18: export -> import
     without loss) */
  char buf[40];
  snprintf(buf, sizeof buf, "%.15g", v);
  double hi = strtod(buf, NULL);
  ASTNode_setReal(n, v);
  if (!isfinite(v) || hi == v || !isfinite(hi)) return n;
  ASTNode_setReal(n, hi);
  ASTNode_t *lo = node(AST_REAL), *sum = node(AST_PLUS);
  if (lo == NULL || sum == NULL) {
    if (lo) ASTNode_free(lo);
    if (sum) ASTNode_free(sum);
    ASTNode_free(n);
    return NULL;
  }
  ASTNode_setReal(lo, v - hi);
  ASTNode_addChild(sum, n);
  ASTNode_addChild(sum, lo);
  return sum;
}

static ASTNode_t *name_node(const char *muskx_name) {
  char *s = sid(muskx_name);
  if (s == NULL) return NULL;
  ASTNode_t *n = node(AST_NAME);
  if (n != NULL) ASTNode_setName(n, s);
  muskx__free(s);
  return n;
}

static ASTNode_t *op2(ASTNodeType_t t, ASTNode_t *a, ASTNode_t *b) {
  ASTNode_t *n = node(t);
  if (n == NULL || a == NULL || b == NULL) {
    if (n) ASTNode_free(n);
    if (a) ASTNode_free(a);
    if (b) ASTNode_free(b);
    return NULL;
  }
  ASTNode_addChild(n, a);
  ASTNode_addChild(n, b);
  return n;
}

static ASTNode_t *conv(ex *X, const muskx__expr *e);

static const char *sym_name(const muskx_model *m, muskx__sym_kind k, int i) {
  if (i < 0) return NULL;
  switch (k) {
    case MUSKX__SYM_PARAM: return i < m->nparams ? m->params[i].name : NULL;
    case MUSKX__SYM_SPECIES: return i < m->nspecies ? m->species[i].name : NULL;
    case MUSKX__SYM_COMPARTMENT: return i < m->ncompartments ? m->compartments[i].name : NULL;
    case MUSKX__SYM_INPUT: return i < m->ninputs ? m->inputs[i].name : NULL;
    case MUSKX__SYM_ASSIGNMENT: return i < m->nassignments ? m->assignments[i].name : NULL;
    case MUSKX__SYM_OUTPUT: return i < m->noutputs ? m->outputs[i].name : NULL;
    case MUSKX__SYM_REACTION: return i < m->nreactions ? m->reactions[i].id : NULL;
    default: return NULL;
  }
}

/* e where SBML wants a number / a condition. */
static ASTNode_t *as_number(ex *X, const muskx__expr *e) {
  ASTNode_t *a = conv(X, e);
  if (a == NULL || !is_boolean(e)) return a;
  ASTNode_t *p = node(AST_FUNCTION_PIECEWISE);
  if (p == NULL) return ASTNode_free(a), NULL;
  ASTNode_addChild(p, number(1));
  ASTNode_addChild(p, a);
  ASTNode_addChild(p, number(0));
  return p;
}

static ASTNode_t *as_condition(ex *X, const muskx__expr *e) {
  ASTNode_t *a = conv(X, e);
  if (a == NULL || is_boolean(e)) return a;
  return op2(AST_RELATIONAL_NEQ, a, number(0));
}

static ASTNode_t *conv(ex *X, const muskx__expr *e) {
  const muskx_model *m = X->m;
  switch (e->kind) {
    case MUSKX__E_NUM: return number(e->num);
    case MUSKX__E_NAME:
      switch (e->sym_kind) {
        case MUSKX__SYM_TIME: {
          ASTNode_t *n = node(AST_NAME_TIME);
          if (n) ASTNode_setName(n, "time");
          return n;
        }
        case MUSKX__SYM_CONST:
          return node(strcmp(e->name, "pi") == 0 ? AST_CONSTANT_PI : AST_CONSTANT_E);
        case MUSKX__SYM_FUNARG:
          return name_node(X->fnargs ? X->fnargs[e->sym_index] : e->name);
        default: {
          /* the resolved symbol's full name ("bone.k" inside an imported
             module, where the text says "k") */
          const char *full = sym_name(m, e->sym_kind, e->sym_index);
          return name_node(full ? full : e->name);
        }
      }
    case MUSKX__E_NEG: {
      ASTNode_t *n = node(AST_MINUS), *a = as_number(X, e->args[0]);
      if (n == NULL || a == NULL) {
        if (n) ASTNode_free(n);
        if (a) ASTNode_free(a);
        return NULL;
      }
      ASTNode_addChild(n, a);
      return n;
    }
    case MUSKX__E_NOT: {
      ASTNode_t *n = node(AST_LOGICAL_NOT), *a = as_condition(X, e->args[0]);
      if (n == NULL || a == NULL) {
        if (n) ASTNode_free(n);
        if (a) ASTNode_free(a);
        return NULL;
      }
      ASTNode_addChild(n, a);
      return n;
    }
    case MUSKX__E_ADD: return op2(AST_PLUS, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_SUB: return op2(AST_MINUS, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_MUL: return op2(AST_TIMES, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_DIV: return op2(AST_DIVIDE, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_POW: return op2(AST_POWER, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_EQ: return op2(AST_RELATIONAL_EQ, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_NE: return op2(AST_RELATIONAL_NEQ, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_LT: return op2(AST_RELATIONAL_LT, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_LE: return op2(AST_RELATIONAL_LEQ, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_GT: return op2(AST_RELATIONAL_GT, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_GE: return op2(AST_RELATIONAL_GEQ, as_number(X, e->args[0]), as_number(X, e->args[1]));
    case MUSKX__E_AND: return op2(AST_LOGICAL_AND, as_condition(X, e->args[0]), as_condition(X, e->args[1]));
    case MUSKX__E_OR: return op2(AST_LOGICAL_OR, as_condition(X, e->args[0]), as_condition(X, e->args[1]));
    case MUSKX__E_CALL: break;
  }
  /* calls */
  if (e->builtin == MUSKX__F_NONE) {
    ASTNode_t *n = node(AST_FUNCTION);
    char *s = sid(m->functions[e->sym_index].name);
    if (n == NULL || s == NULL) {
      if (n) ASTNode_free(n);
      muskx__free(s);
      return NULL;
    }
    ASTNode_setName(n, s);
    muskx__free(s);
    for (int i = 0; i < e->nargs; i++) {
      ASTNode_t *a = as_number(X, e->args[i]);
      if (a == NULL) return ASTNode_free(n), NULL;
      ASTNode_addChild(n, a);
    }
    return n;
  }
  ASTNodeType_t t;
  switch (e->builtin) {
    case MUSKX__F_EXP: t = AST_FUNCTION_EXP; break;
    case MUSKX__F_LOG: t = AST_FUNCTION_LN; break;
    case MUSKX__F_LOG10: {
      /* libSBML wants the base as a first child (logbase) */
      ASTNode_t *n = node(AST_FUNCTION_LOG), *b = number(10),
                *a = as_number(X, e->args[0]);
      if (!n || !b || !a) {
        if (n) ASTNode_free(n);
        if (b) ASTNode_free(b);
        if (a) ASTNode_free(a);
        return NULL;
      }
      ASTNode_addChild(n, b);
      ASTNode_addChild(n, a);
      return n;
    }
    case MUSKX__F_DELAY: t = AST_FUNCTION_DELAY; break; /* csymbol delay */
    case MUSKX__F_SQRT: t = AST_FUNCTION_ROOT; break; /* degree 2 by default */
    case MUSKX__F_POW: t = AST_POWER; break;
    case MUSKX__F_ABS: t = AST_FUNCTION_ABS; break;
    case MUSKX__F_MIN: t = AST_FUNCTION_MIN; break;
    case MUSKX__F_MAX: t = AST_FUNCTION_MAX; break;
    case MUSKX__F_FLOOR: t = AST_FUNCTION_FLOOR; break;
    case MUSKX__F_CEIL: t = AST_FUNCTION_CEILING; break;
    case MUSKX__F_SIN: t = AST_FUNCTION_SIN; break;
    case MUSKX__F_COS: t = AST_FUNCTION_COS; break;
    case MUSKX__F_TAN: t = AST_FUNCTION_TAN; break;
    case MUSKX__F_TANH: t = AST_FUNCTION_TANH; break;
    case MUSKX__F_ASIN: t = AST_FUNCTION_ARCSIN; break;
    case MUSKX__F_ACOS: t = AST_FUNCTION_ARCCOS; break;
    case MUSKX__F_ATAN: t = AST_FUNCTION_ARCTAN; break;
    case MUSKX__F_IF: {
      ASTNode_t *n = node(AST_FUNCTION_PIECEWISE);
      ASTNode_t *a = as_number(X, e->args[1]), *c = as_condition(X, e->args[0]),
                *b = as_number(X, e->args[2]);
      if (!n || !a || !b || !c) {
        if (n) ASTNode_free(n);
        if (a) ASTNode_free(a);
        if (b) ASTNode_free(b);
        if (c) ASTNode_free(c);
        return NULL;
      }
      ASTNode_addChild(n, a);
      ASTNode_addChild(n, c);
      ASTNode_addChild(n, b);
      return n;
    }
    case MUSKX__F_HILL:
    case MUSKX__F_HILLINH: {
      /* hill(x, K, n) = x^n / (K^n + x^n); hill_inh: K^n / (K^n + x^n) */
      ASTNode_t *xn = op2(AST_POWER, as_number(X, e->args[0]), as_number(X, e->args[2]));
      ASTNode_t *kn = op2(AST_POWER, as_number(X, e->args[1]), as_number(X, e->args[2]));
      ASTNode_t *num = ASTNode_deepCopy(e->builtin == MUSKX__F_HILL ? xn : kn);
      return op2(AST_DIVIDE, num, op2(AST_PLUS, kn, xn));
    }
    default:
      efail(X, MUSKX_EUNSUPPORTED, "built-in function '%s' has no SBML equivalent",
            muskx__builtin_name(e->builtin));
      return NULL;
  }
  ASTNode_t *n = node(t);
  if (n == NULL) return NULL;
  for (int i = 0; i < e->nargs; i++) {
    ASTNode_t *a = as_number(X, e->args[i]);
    if (a == NULL) return ASTNode_free(n), NULL;
    ASTNode_addChild(n, a);
  }
  return n;
}

/* Converts, checking for failure; the caller frees the result. */
static ASTNode_t *math(ex *X, const muskx__expr *e, int condition) {
  ASTNode_t *a = condition ? as_condition(X, e) : as_number(X, e);
  if (a == NULL && X->st == MUSKX_OK) efail(X, MUSKX_ENOMEM, "out of memory");
  return a;
}

static int literal(const muskx__expr *e, double *v) {
  if (e == NULL) return 0;
  if (e->kind == MUSKX__E_NUM) return *v = e->num, 1;
  if (e->kind == MUSKX__E_NEG && e->args[0]->kind == MUSKX__E_NUM)
    return *v = -e->args[0]->num, 1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Elements                                                                */

static void notes(SBase_t *el, const char *doc, const char *unit) {
  if ((doc == NULL || !doc[0]) && (unit == NULL || !unit[0])) return;
  char *buf = muskx__alloc(2 * (strlen(doc ? doc : "") + strlen(unit ? unit : "")) * 3 + 200);
  if (buf == NULL) return;
  size_t k = 0;
  k += (size_t)sprintf(buf + k, "<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>");
  const char *parts[2] = {doc, unit};
  for (int p = 0; p < 2; p++) {
    const char *s = parts[p];
    if (s == NULL || !s[0]) continue;
    if (p == 1) k += (size_t)sprintf(buf + k, "%sunit: ", doc && doc[0] ? " (" : "");
    for (; *s; s++) {
      if (*s == '<') k += (size_t)sprintf(buf + k, "&lt;");
      else if (*s == '>') k += (size_t)sprintf(buf + k, "&gt;");
      else if (*s == '&') k += (size_t)sprintf(buf + k, "&amp;");
      else buf[k++] = *s;
    }
    if (p == 1 && doc && doc[0]) buf[k++] = ')';
  }
  k += (size_t)sprintf(buf + k, "</p></body>");
  buf[k] = '\0';
  SBase_setNotesString(el, buf);
  muskx__free(buf);
}

/* Sets an initial assignment for id when e is not a plain number, else
   calls set(value). */
static void initial(ex *X, const char *id, const muskx__expr *e, double *value,
                    int *is_literal) {
  double v;
  char buf[40];
  if (literal(e, &v)) {
    /* libSBML writes a value attribute with 15 digits: a number that needs
       more becomes an initial assignment, whose math keeps it exactly */
    snprintf(buf, sizeof buf, "%.15g", v);
    *value = v;
    *is_literal = 1;
    if (!isfinite(v) || strtod(buf, NULL) == v) return;
  }
  *is_literal = 0;
  InitialAssignment_t *ia = Model_createInitialAssignment(X->sm);
  ASTNode_t *a = math(X, e, 0);
  if (ia == NULL || a == NULL) {
    if (a) ASTNode_free(a);
    efail(X, MUSKX_ENOMEM, "out of memory");
    return;
  }
  InitialAssignment_setSymbol(ia, id);
  InitialAssignment_setMath(ia, a);
  ASTNode_free(a);
}

static int event_sets(const muskx_model *m, muskx__sym_kind k, int index) {
  for (int e = 0; e < m->nevents; e++)
    for (int j = 0; j < m->events[e].nsets; j++)
      if (m->events[e].sets[j].target_kind == k && m->events[e].sets[j].target == index)
        return 1;
  return 0;
}

static void assignment_rule(ex *X, const char *name, const muskx__expr *e) {
  char *id = sid(name);
  Rule_t *r = Model_createAssignmentRule(X->sm);
  ASTNode_t *a = math(X, e, 0);
  if (id && r && a) {
    Rule_setVariable(r, id);
    if (Rule_setMath(r, a) != LIBSBML_OPERATION_SUCCESS)
      efail(X, MUSKX_EUNSUPPORTED, "the expression of '%s' cannot be written "
            "as SBML math", name);
  } else if (X->st == MUSKX_OK) {
    efail(X, MUSKX_ENOMEM, "out of memory");
  }
  if (a) ASTNode_free(a);
  muskx__free(id);
}

static void new_param(ex *X, const char *id, double value, int constant,
                      const char *doc, const char *unit) {
  Parameter_t *p = Model_createParameter(X->sm);
  if (p == NULL) {
    efail(X, MUSKX_ENOMEM, "out of memory");
    return;
  }
  Parameter_setId(p, id);
  if (isfinite(value)) Parameter_setValue(p, value);
  Parameter_setConstant(p, constant);
  notes((SBase_t *)p, doc, unit);
}

/* The muskx annotation of el (sbml_annotation.h): what SBML cannot hold,
   so that import gives back the same model (issue 18). */
static void keep(ex *X, SBase_t *el, const char *element,
                 const muskx__sbml_kv *kv, int nkv) {
  if (muskx__sbml_annotate(el, element, kv, nkv, NULL, 0) != 0)
    efail(X, MUSKX_ENOMEM, "out of memory");
}

/* v as text that reads back exactly ("" when not finite). */
static const char *num_text(double v, char *buf, size_t n) {
  if (!isfinite(v)) return "";
  snprintf(buf, n, "%.17g", v);
  return buf;
}

/* A list of numbers as "v0 v1 ..." (muskx__alloc'd). */
static char *num_list(const double *v, size_t n) {
  char *s = muskx__alloc(n * 26 + 1);
  if (s == NULL) return NULL;
  size_t k = 0;
  s[0] = '\0';
  for (size_t i = 0; i < n; i++) k += (size_t)sprintf(s + k, "%s%.17g", i ? " " : "", v[i]);
  return s;
}

/* The time course of an input table as a piecewise function of time. */
static ASTNode_t *table_math(const muskx__input *in) {
  ASTNode_t *pw = node(AST_FUNCTION_PIECEWISE);
  if (pw == NULL) return NULL;
  ASTNode_t *tn;
  for (size_t k = 0; k + 1 <= in->n; k++) {
    if (k + 1 == in->n) break;
    /* on [times[k], times[k+1]) (and before times[0] for k = 0) */
    ASTNode_t *val;
    if (in->interp == MUSKX_INTERP_LINEAR) {
      double t0 = in->times[k], t1 = in->times[k + 1];
      double slope = (in->values[k + 1] - in->values[k]) / (t1 - t0);
      tn = node(AST_NAME_TIME);
      ASTNode_setName(tn, "time");
      val = op2(AST_PLUS, number(in->values[k]),
                op2(AST_TIMES, number(slope), op2(AST_MINUS, tn, number(t0))));
      if (k == 0) { /* flat before the first time */
        ASTNode_t *t2 = node(AST_NAME_TIME);
        ASTNode_setName(t2, "time");
        ASTNode_addChild(pw, number(in->values[0]));
        ASTNode_addChild(pw, op2(AST_RELATIONAL_LT, t2, number(t0)));
      }
    } else {
      val = number(in->values[k]);
    }
    tn = node(AST_NAME_TIME);
    ASTNode_setName(tn, "time");
    ASTNode_addChild(pw, val);
    ASTNode_addChild(pw, op2(AST_RELATIONAL_LT, tn, number(in->times[k + 1])));
  }
  ASTNode_addChild(pw, number(in->values[in->n - 1])); /* otherwise */
  return pw;
}

static void export_events(ex *X) {
  const muskx_model *m = X->m;
  for (int e = 0; e < m->nevents && X->st == MUSKX_OK; e++) {
    const muskx__event *ev = &m->events[e];
    char *id = sid(ev->id);
    Event_t *se = Model_createEvent(X->sm);
    if (id == NULL || se == NULL) {
      muskx__free(id);
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    Event_setId(se, id);
    Event_setUseValuesFromTriggerTime(se, ev->use_trigger_values);
    notes((SBase_t *)se, ev->doc, NULL);
    Trigger_t *tg = Event_createTrigger(se);
    ASTNode_t *trig = NULL;
    char nextid[600] = "", leftid[600] = "";
    if (ev->when != NULL) {
      trig = math(X, ev->when, 1);
      Trigger_setInitialValue(tg, ev->initial_value);
      Trigger_setPersistent(tg, ev->persistent);
    } else {
      /* timed: time >= next [&& left > 0] [&& time <= until]; initially
         false, so a first firing at t0 happens */
      char want[600];
      snprintf(want, sizeof want, "%s_next", id);
      fresh_id(m, want, nextid, sizeof nextid);
      ASTNode_t *tn = node(AST_NAME_TIME);
      ASTNode_setName(tn, "time");
      ASTNode_t *nx = node(AST_NAME);
      ASTNode_setName(nx, nextid);
      trig = op2(AST_RELATIONAL_GEQ, tn, nx);
      double at = NAN;
      int lit = 0;
      if (!literal(ev->at, &at)) {
        initial(X, nextid, ev->at, &at, &lit);
        at = NAN;
      }
      new_param(X, nextid, at, 0, "next firing time (muskx timed event)", NULL);
      muskx__sbml_kv hkv[] = {{"role", "timed_helper"}};
      keep(X, (SBase_t *)Model_getParameterById(X->sm, nextid), "parameter", hkv, 1);
      if (ev->every != NULL && (ev->count >= 0 || ev->count_expr != NULL)) {
        snprintf(want, sizeof want, "%s_left", id);
        fresh_id(m, want, leftid, sizeof leftid);
        double left = (double)ev->count;
        if (ev->count_expr != NULL) {
          initial(X, leftid, ev->count_expr, &left, &lit);
          left = NAN;
        }
        new_param(X, leftid, left, 0, "firings left (muskx timed event)", NULL);
        keep(X, (SBase_t *)Model_getParameterById(X->sm, leftid), "parameter", hkv, 1);
        ASTNode_t *lf = node(AST_NAME);
        ASTNode_setName(lf, leftid);
        trig = op2(AST_LOGICAL_AND, trig, op2(AST_RELATIONAL_GT, lf, number(0)));
      }
      if (ev->until != NULL) {
        ASTNode_t *t2 = node(AST_NAME_TIME);
        ASTNode_setName(t2, "time");
        trig = op2(AST_LOGICAL_AND, trig, op2(AST_RELATIONAL_LEQ, t2, math(X, ev->until, 0)));
      }
      Trigger_setInitialValue(tg, 0);
      Trigger_setPersistent(tg, 1);
    }
    if (trig == NULL) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      muskx__free(id);
      return;
    }
    /* a timed event comes back as one (sbml_import_events.c): its helper
       parameters, and whether it repeats or stops */
    muskx__sbml_kv ekv[] = {{"doc", ev->doc},
                            {"timed", ev->when == NULL ? "true" : NULL},
                            {"next", nextid},
                            {"left", leftid},
                            {"every", ev->every ? "true" : NULL},
                            {"until", ev->until ? "true" : NULL}};
    keep(X, (SBase_t *)se, "event", ekv, 6);
    Trigger_setMath(tg, trig);
    ASTNode_free(trig);
    if (ev->delay) {
      Delay_t *d = Event_createDelay(se);
      ASTNode_t *a = math(X, ev->delay, 0);
      if (d && a) Delay_setMath(d, a);
      if (a) ASTNode_free(a);
    }
    if (ev->priority) {
      Priority_t *p = Event_createPriority(se);
      ASTNode_t *a = math(X, ev->priority, 0);
      if (p && a) Priority_setMath(p, a);
      if (a) ASTNode_free(a);
    }
    for (int j = 0; j < ev->nsets; j++) {
      const muskx__event_set *st = &ev->sets[j];
      const char *tname = st->target_kind == MUSKX__SYM_SPECIES ? m->species[st->target].name
                          : st->target_kind == MUSKX__SYM_PARAM ? m->params[st->target].name
                          : m->compartments[st->target].name;
      char *tid = sid(tname);
      EventAssignment_t *ea = Event_createEventAssignment(se);
      ASTNode_t *a = math(X, st->value, 0);
      if (tid && ea && a) {
        EventAssignment_setVariable(ea, tid);
        EventAssignment_setMath(ea, a);
      }
      if (a) ASTNode_free(a);
      muskx__free(tid);
    }
    if (nextid[0] && ev->every) {
      /* next := next + every; left := left - 1 */
      EventAssignment_t *ea = Event_createEventAssignment(se);
      ASTNode_t *nx = node(AST_NAME);
      ASTNode_setName(nx, nextid);
      ASTNode_t *a = op2(AST_PLUS, nx, math(X, ev->every, 0));
      if (ea && a) {
        EventAssignment_setVariable(ea, nextid);
        EventAssignment_setMath(ea, a);
      }
      if (a) ASTNode_free(a);
      if (leftid[0]) {
        ea = Event_createEventAssignment(se);
        ASTNode_t *lf = node(AST_NAME);
        ASTNode_setName(lf, leftid);
        a = op2(AST_MINUS, lf, number(1));
        if (ea && a) {
          EventAssignment_setVariable(ea, leftid);
          EventAssignment_setMath(ea, a);
        }
        if (a) ASTNode_free(a);
      }
    } else if (nextid[0]) {
      /* a one-shot: never again */
      EventAssignment_t *ea = Event_createEventAssignment(se);
      ASTNode_t *inf = number(1e300);
      if (ea && inf) {
        EventAssignment_setVariable(ea, nextid);
        EventAssignment_setMath(ea, inf);
      }
      if (inf) ASTNode_free(inf);
    }
    muskx__free(id);
  }
}

static void export_model(ex *X) {
  const muskx_model *m = X->m;
  Model_t *sm = X->sm;
  char *s = sid(m->id);
  if (s == NULL) {
    efail(X, MUSKX_ENOMEM, "out of memory");
    return;
  }
  /* SBML model ids share the namespace of the model's elements */
  char mid[600];
  if (taken(m, s)) {
    char want[600];
    snprintf(want, sizeof want, "%s_model", s);
    fresh_id(m, want, mid, sizeof mid);
  } else {
    snprintf(mid, sizeof mid, "%s", s);
  }
  Model_setId(sm, mid);
  muskx__free(s);
  if (m->name && m->name[0]) Model_setName(sm, m->name);
  {
    /* description and references go to the model's notes */
    size_t len = strlen(m->description ? m->description : "") + 64;
    for (int i = 0; i < m->nreferences; i++) len += strlen(m->references[i]) + 4;
    char *d = muskx__alloc(len);
    if (d != NULL) {
      size_t k = (size_t)sprintf(d, "%s", m->description ? m->description : "");
      for (int i = 0; i < m->nreferences; i++)
        k += (size_t)sprintf(d + k, "%s%s", k ? "; " : "References: ", m->references[i]);
      notes((SBase_t *)sm, d, m->time_unit);
      muskx__free(d);
    }
    muskx__sbml_kv kv[] = {{"id", m->id}, {"time_unit", m->time_unit},
                           {"description", m->description}};
    if (muskx__sbml_annotate((SBase_t *)sm, "model", kv, 3, m->references,
                             m->nreferences) != 0)
      efail(X, MUSKX_ENOMEM, "out of memory");
    muskx__sbml_export_time_unit(sm, m->time_unit);
  }

  /* functions */
  for (int i = 0; i < m->nfunctions && X->st == MUSKX_OK; i++) {
    const muskx__function *f = &m->functions[i];
    FunctionDefinition_t *fd = Model_createFunctionDefinition(sm);
    char *id = sid(f->name);
    ASTNode_t *lam = node(AST_LAMBDA);
    if (!fd || !id || !lam) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      muskx__free(id);
      if (lam) ASTNode_free(lam);
      return;
    }
    FunctionDefinition_setId(fd, id);
    muskx__free(id);
    for (int a = 0; a < f->nargs; a++) {
      ASTNode_t *bv = name_node(f->argnames[a]);
      if (bv) ASTNode_addChild(lam, bv); /* lambda: bvars, then the body */
    }
    X->fnargs = f->argnames;
    ASTNode_t *body = math(X, f->body, 0);
    X->fnargs = NULL;
    if (body == NULL) {
      ASTNode_free(lam);
      return;
    }
    ASTNode_addChild(lam, body);
    FunctionDefinition_setMath(fd, lam);
    ASTNode_free(lam);
  }

  /* compartments, and the default one for species without */
  char defcomp[300] = "";
  for (int i = 0; i < m->nspecies; i++)
    if (m->species[i].compartment < 0) {
      fresh_id(m, "default_compartment", defcomp, sizeof defcomp);
      Compartment_t *c = Model_createCompartment(sm);
      Compartment_setId(c, defcomp);
      Compartment_setSize(c, 1);
      Compartment_setSpatialDimensions(c, 3);
      Compartment_setConstant(c, 1);
      notes((SBase_t *)c, "volume 1: muskx species without a compartment", NULL);
      /* import leaves it out again (sbml_import_kept.c) */
      muskx__sbml_kv kv[] = {{"role", "default_compartment"}};
      keep(X, (SBase_t *)c, "compartment", kv, 1);
      break;
    }
  for (int i = 0; i < m->ncompartments && X->st == MUSKX_OK; i++) {
    const muskx__compartment *cp = &m->compartments[i];
    char *id = sid(cp->name);
    Compartment_t *c = Model_createCompartment(sm);
    if (!id || !c) {
      muskx__free(id);
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    Compartment_setId(c, id);
    Compartment_setSpatialDimensions(c, 3);
    Compartment_setConstant(c, !event_sets(m, MUSKX__SYM_COMPARTMENT, i));
    double v = 1;
    int lit = 0;
    initial(X, id, cp->volume, &v, &lit);
    if (lit) Compartment_setSize(c, v);
    notes((SBase_t *)c, cp->doc, cp->unit);
    muskx__sbml_kv kv[] = {{"doc", cp->doc}, {"unit", cp->unit}};
    keep(X, (SBase_t *)c, "compartment", kv, 2);
    muskx__free(id);
  }

  /* parameters, inputs */
  for (int i = 0; i < m->nparams && X->st == MUSKX_OK; i++) {
    const muskx__param *p = &m->params[i];
    char *id = sid(p->name);
    if (!id) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    double v = NAN;
    int lit = 0;
    initial(X, id, p->value, &v, &lit);
    new_param(X, id, lit ? v : NAN, !event_sets(m, MUSKX__SYM_PARAM, i), p->doc, p->unit);
    char lo[32], hi[32];
    muskx__sbml_kv kv[] = {{"doc", p->doc}, {"unit", p->unit},
                           {"min", num_text(p->min, lo, sizeof lo)},
                           {"max", num_text(p->max, hi, sizeof hi)}};
    keep(X, (SBase_t *)Model_getParameterById(sm, id), "parameter", kv, 4);
    muskx__free(id);
  }
  for (int i = 0; i < m->ninputs && X->st == MUSKX_OK; i++) {
    const muskx__input *in = &m->inputs[i];
    char *id = sid(in->name);
    if (!id) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    char doc[1200];
    snprintf(doc, sizeof doc, "muskx input%s%s", in->doc && in->doc[0] ? ": " : "",
             in->doc ? in->doc : "");
    char def[32];
    char *times = in->n > 0 ? num_list(in->times, in->n) : NULL;
    char *values = in->n > 0 ? num_list(in->values, in->n) : NULL;
    muskx__sbml_kv kv[] = {{"role", "input"}, {"doc", in->doc}, {"unit", in->unit},
                           {"default", in->n == 0 ? num_text(in->def, def, sizeof def) : NULL},
                           {"times", times}, {"values", values},
                           {"interp", in->n == 0 ? NULL
                                      : in->interp == MUSKX_INTERP_LINEAR ? "linear" : "step"}};
    if (in->n > 0 && (times == NULL || values == NULL)) efail(X, MUSKX_ENOMEM, "out of memory");
    if (in->n <= 1) {
      new_param(X, id, in->n ? in->values[0] : in->def, 1, doc, in->unit);
      keep(X, (SBase_t *)Model_getParameterById(sm, id), "input", kv, 7);
    } else {
      new_param(X, id, NAN, 0, doc, in->unit);
      Rule_t *r = Model_createAssignmentRule(sm);
      ASTNode_t *a = table_math(in);
      if (r && a) {
        Rule_setVariable(r, id);
        Rule_setMath(r, a);
      } else {
        efail(X, MUSKX_ENOMEM, "out of memory");
      }
      if (a) ASTNode_free(a);
      keep(X, (SBase_t *)Model_getParameterById(sm, id), "input", kv, 7);
    }
    muskx__free(times);
    muskx__free(values);
    muskx__free(id);
  }

  /* species */
  for (int i = 0; i < m->nspecies && X->st == MUSKX_OK; i++) {
    const muskx__species *sp = &m->species[i];
    char *id = sid(sp->name);
    char *cid = sp->compartment >= 0 ? sid(m->compartments[sp->compartment].name) : NULL;
    Species_t *s2 = Model_createSpecies(sm);
    if (!id || !s2 || (sp->compartment >= 0 && !cid)) {
      muskx__free(id);
      muskx__free(cid);
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    Species_setId(s2, id);
    Species_setCompartment(s2, cid ? cid : defcomp);
    Species_setHasOnlySubstanceUnits(s2, 0);
    Species_setBoundaryCondition(s2, sp->constant);
    /* nothing at all changes it: SBML's constant, so that import does not
       take it for what an algebraic rule determines */
    Species_setConstant(s2, sp->constant && !sp->has_ode && !sp->algebraic &&
                                !event_sets(m, MUSKX__SYM_SPECIES, i));
    double v = 0;
    int lit = 0;
    initial(X, id, sp->initial, &v, &lit);
    if (lit) Species_setInitialConcentration(s2, v);
    char doc[1200];
    snprintf(doc, sizeof doc, "%s%s", sp->doc ? sp->doc : "",
             sp->nonnegative ? (sp->doc && sp->doc[0] ? " (nonnegative)" : "nonnegative") : "");
    notes((SBase_t *)s2, doc, sp->unit);
    char typ[32];
    snprintf(typ, sizeof typ, "%.17g", sp->typical);
    muskx__sbml_kv kv[] = {{"doc", sp->doc}, {"unit", sp->unit},
                           {"nonnegative", sp->nonnegative ? "true" : NULL},
                           {"typical", sp->typical > 0 ? typ : NULL}};
    keep(X, (SBase_t *)s2, "species", kv, 4);
    muskx__free(id);
    muskx__free(cid);
  }

  /* assignments and outputs: parameters with assignment rules */
  for (int i = 0; i < m->nassignments && X->st == MUSKX_OK; i++) {
    char *id = sid(m->assignments[i].name);
    if (!id) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    new_param(X, id, NAN, 0, m->assignments[i].doc, m->assignments[i].unit);
    muskx__sbml_kv kv[] = {{"role", "assignment"}, {"doc", m->assignments[i].doc},
                           {"unit", m->assignments[i].unit}};
    keep(X, (SBase_t *)Model_getParameterById(sm, id), "assignment", kv, 3);
    assignment_rule(X, m->assignments[i].name, m->assignments[i].expr);
    muskx__free(id);
  }
  for (int i = 0; i < m->noutputs && X->st == MUSKX_OK; i++) {
    char *id = sid(m->outputs[i].name);
    if (!id) {
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    char doc[1200];
    snprintf(doc, sizeof doc, "muskx output%s%s", m->outputs[i].doc[0] ? ": " : "",
             m->outputs[i].doc);
    new_param(X, id, NAN, 0, doc, m->outputs[i].unit);
    muskx__sbml_kv kv[] = {{"role", "output"}, {"doc", m->outputs[i].doc},
                           {"unit", m->outputs[i].unit}};
    keep(X, (SBase_t *)Model_getParameterById(sm, id), "output", kv, 3);
    assignment_rule(X, m->outputs[i].name, m->outputs[i].expr);
    muskx__free(id);
  }
  /* odes: rate rules */
  for (int i = 0; i < m->nodes && X->st == MUSKX_OK; i++) {
    const muskx__named_expr *o = &m->odes[i];
    char *id = sid(m->species[o->target].name);
    Rule_t *r = Model_createRateRule(sm);
    ASTNode_t *a = math(X, o->expr, 0);
    if (id && r && a) {
      Rule_setVariable(r, id);
      Rule_setMath(r, a);
    }
    if (a) ASTNode_free(a);
    muskx__free(id);
  }
  /* algebraic equations: algebraic rules (SBML, like muskx, leaves the
     variable each determines to the structure) */
  for (int i = 0; i < m->nalgebraics && X->st == MUSKX_OK; i++) {
    Rule_t *r = Model_createAlgebraicRule(sm);
    ASTNode_t *a = math(X, m->algebraics[i].expr, 0);
    if (r && a) Rule_setMath(r, a);
    if (a) ASTNode_free(a);
  }

  /* reactions */
  for (int i = 0; i < m->nreactions && X->st == MUSKX_OK; i++) {
    const muskx__reaction *rx = &m->reactions[i];
    Reaction_t *r = Model_createReaction(sm);
    char *id = sid(rx->id);
    if (!r || !id) {
      muskx__free(id);
      efail(X, MUSKX_ENOMEM, "out of memory");
      return;
    }
    Reaction_setId(r, id);
    muskx__free(id);
    Reaction_setReversible(r, rx->reversible);
    notes((SBase_t *)r, rx->doc, NULL);
    muskx__sbml_kv rkv[] = {{"doc", rx->doc}};
    keep(X, (SBase_t *)r, "reaction", rkv, 1);
    for (int side = 0; side < 2; side++) {
      const muskx__stoich *st = side ? rx->rhs : rx->lhs;
      int n = side ? rx->nrhs : rx->nlhs;
      for (int j = 0; j < n; j++) {
        SpeciesReference_t *ref = side ? Reaction_createProduct(r) : Reaction_createReactant(r);
        char *spid = sid(m->species[st[j].species].name);
        if (ref && spid) {
          SpeciesReference_setSpecies(ref, spid);
          SpeciesReference_setStoichiometry(ref, st[j].coef);
          SpeciesReference_setConstant(ref, 1);
        }
        muskx__free(spid);
      }
    }
    int mods[4096];
    int nm = muskx_model_reaction_modifiers(m, i, mods, 4096);
    for (int j = 0; j < nm && j < 4096; j++) {
      SpeciesReference_t *ref = Reaction_createModifier(r);
      char *spid = sid(m->species[mods[j]].name);
      if (ref && spid) SpeciesReference_setSpecies(ref, spid);
      muskx__free(spid);
    }
    KineticLaw_t *kl = Reaction_createKineticLaw(r);
    ASTNode_t *a = math(X, rx->rate, 0);
    if (kl && a) KineticLaw_setMath(kl, a);
    if (a) ASTNode_free(a);
  }
  export_events(X);
}

static muskx_status export_locked(const muskx_model *m, const char *path,
                                  char **xml_out, muskx_error *err) {
  muskx__clearerr(err);
  if (xml_out != NULL) *xml_out = NULL;
  if (m == NULL || (path == NULL && xml_out == NULL))
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "need a model, and a path or xml_out");
  SBMLDocument_t *doc = SBMLDocument_createWithLevelAndVersion(3, 2);
  if (doc == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  ex X = {m, err, MUSKX_OK, SBMLDocument_createModel(doc), NULL};
  if (X.sm == NULL) efail(&X, MUSKX_ENOMEM, "out of memory");
  else export_model(&X);
  char *xml = NULL;
  if (X.st == MUSKX_OK) {
    xml = writeSBMLToString(doc);
    if (xml == NULL) efail(&X, MUSKX_ENOMEM, "out of memory");
  }
  if (X.st == MUSKX_OK && path != NULL) {
    /* write the whole text or nothing: a temporary file, then rename */
    /* PATH.muskx-partial-XXXXXX: unique (two threads exporting to one
       path never share it) and obvious when left behind (issue 16) */
    size_t pl = strlen(path);
    char *tmp = muskx__alloc(pl + 32);
    FILE *f = NULL;
    if (tmp != NULL) {
      snprintf(tmp, pl + 32, "%s.muskx-partial-XXXXXX", path);
      int fd = mkstemp(tmp);
      /* mkstemp makes 0600: keep an existing file's mode, else 0644 (the
         umask cannot be read thread-safely) */
      struct stat sb;
      if (fd >= 0) fchmod(fd, stat(path, &sb) == 0 ? (sb.st_mode & 07777) : 0644);
      if (fd >= 0 && (f = fdopen(fd, "wb")) == NULL) close(fd);
      if (fd < 0) {
        muskx__free(tmp);
        tmp = NULL;
      }
    }
    size_t len = strlen(xml);
    int ok = f != NULL && fwrite(xml, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
      if (tmp) remove(tmp);
      muskx__loc loc = {path, 0, 0};
      X.st = muskx__seterr(err, MUSKX_EIO, &loc, "cannot write the SBML file");
    }
    muskx__free(tmp);
  }
  if (X.st == MUSKX_OK && xml_out != NULL) {
    *xml_out = muskx__strdup(xml);
    if (*xml_out == NULL) efail(&X, MUSKX_ENOMEM, "out of memory");
  }
  free(xml); /* allocated by libSBML */
  SBMLDocument_free(doc);
  return X.st;
}

muskx_status muskx_model_export_sbml(const muskx_model *m, const char *path,
                                     char **xml_out, muskx_error *err) {
  muskx__c_numeric num; /* numbers with a '.' point (numlocale.h) */
  if (xml_out != NULL) *xml_out = NULL;
  muskx_status st = muskx__c_numeric_enter(&num, err);
  if (st != MUSKX_OK) return st;
  muskx__sbml_lock(); /* libSBML is not thread-safe (sbml_lock.c) */
  st = export_locked(m, path, xml_out, err);
  muskx__sbml_unlock();
  muskx__c_numeric_leave(&num);
  return st;
}

#endif /* MUSKX_HAVE_SBML */
