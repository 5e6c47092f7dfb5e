/*
 * sbml_import_math.c -- MathML to muskx expressions (issue 5; split from
 * sbml_import.c, whose banner gives the mapping from SBML to muskx).
 */
#include "sbml_import.h"

static int ex(tr *T, sb *o, const ASTNode_t *n, ctx *cx);

/* Emits n, in parentheses when its precedence is below minprec. */
void muskx__sbml_sub(tr *T, sb *o, const ASTNode_t *n, ctx *cx, int minprec) {
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

/* name(args...) */
static int call(tr *T, sb *o, const char *name, const ASTNode_t *n, ctx *cx) {
  sb_puts(o, name);
  sb_putn(o, "(", 1);
  for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++) {
    if (i) sb_puts(o, ", ");
    muskx__sbml_sub(T, o, kid(n, i), cx, P_OR);
  }
  sb_putn(o, ")", 1);
  return P_ATOM;
}

/* A formula in one argument x, written with "X" standing for (x). */
static int formula(tr *T, sb *o, const char *f, const ASTNode_t *x, ctx *cx,
                   int prec) {
  sb xs = {0};
  sb_putn(&xs, "(", 1);
  muskx__sbml_sub(T, &xs, x, cx, P_OR);
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
  muskx__sbml_sub(T, o, a, cx, lmin);
  sb_puts(o, op);
  muskx__sbml_sub(T, o, b, cx, rmin);
  return prec;
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
    muskx__sbml_sub(T, o, kid(n, i), cx, i ? restmin : firstmin);
  }
  return prec;
}

static int piecewise(tr *T, sb *o, const ASTNode_t *n, ctx *cx, unsigned from) {
  unsigned k = ASTNode_getNumChildren(n);
  if (from + 1 < k) {
    sb_puts(o, "if(");
    muskx__sbml_sub(T, o, kid(n, from + 1), cx, P_OR);
    sb_puts(o, ", ");
    muskx__sbml_sub(T, o, kid(n, from), cx, P_OR);
    sb_puts(o, ", ");
    piecewise(T, o, n, cx, from + 2);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (from < k) return ex(T, o, kid(n, from), cx); /* <otherwise> */
  /* SBML leaves a piecewise without <otherwise> undefined when no piece
     applies. libRoadRunner and COPASI use 0, which hid the gap (issue 16);
     0/0 makes it NaN, which a run reports with the time and the
     expression. */
  sb_puts(o, "(0 / 0)");
  return P_ATOM;
}

int muskx__sbml_lookup_local(tr *T, int r, const char *id) {
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
  int l = muskx__sbml_lookup_local(T, cx->rx, id);
  if (l >= 0) {
    sb_puts(o, T->rx[cx->rx].local_names[l]);
    return P_ATOM;
  }
  nentry *e = muskx__sbml_find_id(T, id);
  if (e == NULL) {
    SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
    fail(T, MUSKX_EMODEL, el, "undefined SBML id '%s' in math", id);
    sb_putn(o, "0", 1);
    return P_ATOM;
  }
  if (e->kind == N_SV) return muskx__sbml_sym_text(T, o, e->index, cx);
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
      muskx__sbml_sub(T, o, math, &c2, P_OR);
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
  nentry *e = muskx__sbml_find_id(T, id);
  if (e == NULL || e->kind != N_FUNC) {
    SBase_t *el = ASTNode_getParentSBMLObject((ASTNode_t *)n);
    fail(T, MUSKX_EMODEL, el, "call of undefined function '%s'", id);
    sb_putn(o, "0", 1);
    return P_ATOM;
  }
  return call(T, o, T->fns[e->index].name, n, cx);
}


/* rateOf(x) in an initial value: x's rate at the start, with every
   reaction's kinetic law written out in the initial-value context (which
   replaces what an initial value may not name by its own initial value);
   a rate rule is written the same way. */
static int rate_at_start(tr *T, sb *o, const ASTNode_t *n, int vi, ctx *cx) {
  sv *v = &T->v[vi];
  if (v->kind != V_STATE) return num(o, 0); /* constant or changed only by events */
  if (v->rate != NULL) {
    sb_putn(o, "(", 1);
    muskx__sbml_sub(T, o, v->rate, cx, P_OR);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (v->amount_state || v->fast || v->alg || v->conv >= 0)
    return unsupported_math(T, o, n, "csymbol rateOf in an initial value of a species "
                                     "in a fast reaction, with a conversion factor or "
                                     "in a compartment of varying size");
  int terms = 0;
  sb_puts(o, "((");
  for (int r = 0; r < T->nrx && !v->boundary && !v->constant; r++) {
    Reaction_t *rx = T->rx[r].r;
    KineticLaw_t *kl = Reaction_getKineticLaw(rx);
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        if (muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr)) != vi) continue;
        if (!SpeciesReference_isSetStoichiometry(sr) && T->level >= 3 &&
            SpeciesReference_getId(sr) != NULL &&
            muskx__sbml_sv_of(T, SpeciesReference_getId(sr)) >= 0)
          return unsupported_math(T, o, n, "csymbol rateOf in an initial value of a "
                                           "species with a variable stoichiometry");
        sb_puts(o, terms ? (side ? " + " : " - ") : (side ? "" : "-"));
        terms++;
        double st = T->level < 3 || SpeciesReference_isSetStoichiometry(sr)
                        ? SpeciesReference_getStoichiometry(sr) : 1;
        sb_num(o, isfinite(st) ? st : 1);
        sb_puts(o, " * (");
        ctx c = *cx;
        c.rx = r;
        if (kl && KineticLaw_getMath(kl)) muskx__sbml_sub(T, o, KineticLaw_getMath(kl), &c, P_OR);
        else sb_putn(o, "0", 1);
        sb_putn(o, ")", 1);
      }
    }
  }
  if (terms == 0) sb_putn(o, "0", 1);
  sb_putn(o, ")", 1);
  if (v->linked) {
    sb_puts(o, " / ");
    muskx__sbml_sym_text(T, o, v->comp, cx);
  }
  sb_putn(o, ")", 1);
  return P_ATOM;
}

/* csymbol rateOf(x): the right-hand side that drives x, written out. */
static int rate_of(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  const ASTNode_t *a = ASTNode_getNumChildren(n) == 1 ? kid(n, 0) : NULL;
  if (a == NULL || ASTNode_getType(a) != AST_NAME || cx->fd != NULL ||
      muskx__sbml_lookup_local(T, cx->rx, ast_name(a)) >= 0)
    return unsupported_math(T, o, n, "csymbol rateOf of anything but a variable");
  int vi = muskx__sbml_sv_of(T, ast_name(a));
  if (vi < 0) return unsupported_math(T, o, n, "csymbol rateOf of a reaction or function");
  sv *v = &T->v[vi];
  if (cx->init) return rate_at_start(T, o, n, vi, cx);
  /* before the start, SBML takes rateOf's history as the time derivative of
     the initial values; our delay() history holds values, not rates */
  if (cx->in_delay) return unsupported_math(T, o, n, "csymbol rateOf inside delay");
  if (v->kind == V_ASSIGN)
    return unsupported_math(T, o, n, "csymbol rateOf of a variable with an assignment rule");
  if (v->kind != V_STATE) return num(o, 0); /* constant, or changed only by events */
  if (v->rate != NULL) { /* the rate rule gives d(symbol)/dt */
    sb_putn(o, "(", 1);
    muskx__sbml_sub(T, o, v->rate, cx, P_OR);
    sb_putn(o, ")", 1);
    return P_ATOM;
  }
  if (v->amount_state)
    return unsupported_math(T, o, n, "csymbol rateOf of a concentration in a compartment of varying size");
  if (v->fast)
    return unsupported_math(T, o, n, "csymbol rateOf of a species in a fast reaction");
  muskx__sbml_species_rate(T, o, vi);
  return v->conv >= 0 || v->linked ? P_MUL : P_ATOM;
}


/* A numeric node's value: libSBML's getReal() gives 0 for <cn
   type="integer">, which hid factorial(4) = 24 and root/log degrees. */
static double num_value(const ASTNode_t *n) {
  return ASTNode_getType(n) == AST_INTEGER ? (double)ASTNode_getInteger(n)
                                           : ASTNode_getReal(n);
}


static int ex(tr *T, sb *o, const ASTNode_t *n, ctx *cx) {
  if (n == NULL) {
    fail(T, MUSKX_EMODEL, NULL, "missing math");
    return num(o, 0);
  }
  unsigned k = ASTNode_getNumChildren(n);
  ASTNodeType_t ty = ASTNode_getType(n);
  if (T->nsw > 0 && !cx->init && !T->raw_switch) {
    const char *flag = muskx__sbml_switch_flag(T, n); /* a condition of a fast rate */
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
        muskx__sbml_sub(T, o, kid(n, 0), cx, P_POW);
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
        muskx__sbml_sub(T, o, kid(n, 1), cx, P_OR);
        sb_putn(o, ")", 1);
        return P_ATOM;
      }
      muskx__sbml_sub(T, o, kid(n, 1), cx, P_ATOM);
      sb_puts(o, "^(1 / ");
      muskx__sbml_sub(T, o, kid(n, 0), cx, P_UN);
      sb_putn(o, ")", 1);
      return P_POW;
    case AST_FUNCTION_LOG:
      if (k == 1) return call(T, o, "log10", n, cx);
      if (k != 2) break;
      if (ASTNode_isNumber(kid(n, 0)) && num_value(kid(n, 0)) == 10.0) {
        sb_puts(o, "log10(");
        muskx__sbml_sub(T, o, kid(n, 1), cx, P_OR);
        sb_putn(o, ")", 1);
        return P_ATOM;
      }
      sb_puts(o, "log(");
      muskx__sbml_sub(T, o, kid(n, 1), cx, P_OR);
      sb_puts(o, ") / log(");
      muskx__sbml_sub(T, o, kid(n, 0), cx, P_OR);
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
      if (ASTNode_isNumber(a)) {
        char what[96];
        snprintf(what, sizeof what, "MathML <factorial> of %g (only of a whole "
                 "number from 0 to 170)", num_value(a));
        return unsupported_math(T, o, n, what);
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
        muskx__sbml_sub(T, o, kid(n, i), cx, P_ADD);
        sb_puts(o, " != 0)");
        if (i) sb_putn(o, ")", 1);
      }
      return P_ATOM;
    }
    case AST_LOGICAL_NOT:
      if (k != 1) break;
      sb_putn(o, "!", 1);
      muskx__sbml_sub(T, o, kid(n, 0), cx, P_POW);
      return P_UN;
    case AST_LOGICAL_IMPLIES:
      if (k != 2) break;
      sb_putn(o, "!", 1);
      muskx__sbml_sub(T, o, kid(n, 0), cx, P_POW);
      sb_puts(o, " || ");
      muskx__sbml_sub(T, o, kid(n, 1), cx, P_AND);
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
      muskx__sbml_sub(T, &a, kid(n, 0), cx, P_ATOM);
      muskx__sbml_sub(T, &b, kid(n, 1), cx, P_ATOM);
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
        muskx__sbml_sub(T, o, kid(n, 0), cx, P_OR);
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
int muskx__sbml_sym_text(tr *T, sb *o, int vi, ctx *cx) {
  sv *v = &T->v[vi];
  if (cx->init) {
    if (v->kind == V_PARAM && !v->amount_state) {
      if (cx->deps) deplist_add(cx->deps, vi);
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
    muskx__sbml_initial_symbol(T, o, vi, &c2);
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
void muskx__sbml_initial_symbol(tr *T, sb *o, int vi, ctx *cx) {
  sv *v = &T->v[vi];
  if (v->rule != NULL) {
    muskx__sbml_sub(T, o, v->rule, cx, P_OR);
    return;
  }
  if (v->ia != NULL) {
    muskx__sbml_sub(T, o, v->ia, cx, P_OR);
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
  muskx__sbml_sym_text(T, o, v->comp, cx);
}

/* ---------------------------------------------------------------------- */
