/*
 * sbml_import_emit.c -- writing the muskx YAML (issue 5; split from
 * sbml_import.c, whose banner gives the mapping from SBML to muskx).
 */
#include "sbml_import.h"

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

static void unit_text(sb *o, const char *u) {
  if (u && u[0]) {
    sb_puts(o, ", unit: ");
    sb_quoted(o, u);
  }
}

/* v's unit as text the unit parser reads (sbml_import_unit_text.c). */
static void unit_of(tr *T, sb *o, const sv *v) {
  char buf[256];
  unit_text(o, muskx__sbml_unit_text(T, v, buf, sizeof buf));
}

/* Expression text of math in context cx, as a quoted YAML scalar. */
void muskx__sbml_qexpr(tr *T, sb *o, const ASTNode_t *math, ctx *cx) {
  sb e = {0};
  muskx__sbml_sub(T, &e, math, cx, P_OR);
  sb_quoted(o, e.s ? e.s : "0");
  if (e.oom) o->oom = 1;
  sb_free(&e);
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
      else muskx__sbml_qexpr(T, o, body, &c);
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
  deplist *deps = muskx__calloc((size_t)n + 1, sizeof *deps);
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
    /* inputs are written in `inputs:`; a timed event's helpers vanish */
    int input = muskx__sbml_kept_role(&T->v[i], "input") ||
                muskx__sbml_kept_role(&T->v[i], "timed_helper");
    ctx c = run_ctx();
    c.init = 2;
    c.deps = &deps[i];
    sb e = {0};
    muskx__sbml_initial_symbol(T, &e, i, &c);
    if (e.oom || deps[i].oom) nomem(T);
    text[i] = e.s;
    any |= !input;
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
      while (next[u] < deps[u].n && T->v[deps[u].v[next[u]]].kind != V_PARAM) next[u]++;
      if (next[u] < deps[u].n) {
        int w = deps[u].v[next[u]++];
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
    if (muskx__sbml_kept_role(v, "input") || muskx__sbml_kept_role(v, "timed_helper"))
      continue;
    sb_printf(o, "  %s: {value: ", v->name);
    sb_quoted(o, text[i] ? text[i] : "0");
    if (!muskx__sbml_kept_fields(v->el, o, 1)) {
      unit_of(T, o, v);
      const char *what = v->type == S_COMPARTMENT ? "its size"
                         : v->type == S_SPECREF   ? "its stoichiometry"
                         : "";
      doc_of(T, o, v, what);
    }
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
      char ubuf[256];
      unit_text(o, muskx__sbml_unit_id_text(T, u, ubuf, sizeof ubuf));
      sb_puts(o, ", doc: ");
      sb d = {0};
      sb_printf(&d, "SBML local parameter '%s' of reaction '%s'", x->local_ids[j], x->id);
      sb_quoted(o, d.s ? d.s : "");
      sb_free(&d);
      sb_puts(o, "}\n");
    }
  }
  muskx__sbml_write_switch_flags(T, o);
out:
  for (int i = 0; i < n && text; i++) muskx__free(text[i]);
  for (int i = 0; i < n && deps; i++) muskx__free(deps[i].v);
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
    /* the volume-1 home a muskx export gave species without one */
    if (muskx__sbml_kept_role(v, "default_compartment")) continue;
    if (!any) sb_puts(o, "\ncompartments:\n");
    any = 1;
    ctx c = run_ctx();
    c.init = 2;
    sb e = {0};
    muskx__sbml_initial_symbol(T, &e, i, &c);
    sb_printf(o, "  %s: {volume: ", v->name);
    sb_quoted(o, e.s ? e.s : "1");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    if (!muskx__sbml_kept_fields(v->el, o, 0)) {
      unit_of(T, o, v);
      doc_of(T, o, v, v->event_target ? "changed by events" : "");
    }
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
    muskx__sbml_initial_symbol(T, &e, i, &c);
    if (v->amount_state) {
      sb_puts(&e, " * ");
      muskx__sbml_sym_text(T, &e, v->comp, &c);
    }
    sb_printf(o, "  %s: {initial: ", v->name);
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    if (v->linked && !muskx__sbml_kept_role(&T->v[v->comp], "default_compartment"))
      sb_printf(o, ", compartment: %s", T->v[v->comp].name);
    /* With algebraic equations, a species that nothing changes (no
       reaction with a net change, ode, algebraic rule or fast equilibrium)
       must say so: the loader would otherwise count it among the species
       the algebraic equations may determine. */
    if (v->type == S_SPECIES && !v->alg && !v->fast && v->rate == NULL &&
        ((v->boundary || v->constant) ||
         ((T->nalg > 0 || T->nfs > 0) && !v->ode_path && !v->slow_changed)))
      sb_puts(o, ", constant: true");
    if (muskx__sbml_kept_fields(v->el, o, 0)) {
      sb_puts(o, "}\n");
      continue;
    }
    unit_of(T, o, v);
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
    muskx__sbml_moiety_sum(T, &e, k, &c, NULL);
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
    /* outputs and inputs of a muskx export go to their own sections */
    if (muskx__sbml_kept_role(v, "output") || muskx__sbml_kept_role(v, "input")) continue;
    if (!any) sb_puts(o, "\nassignments:\n");
    any = 1;
    ctx c = run_ctx();
    sb_printf(o, "  %s: {expr: ", v->name);
    muskx__sbml_qexpr(T, o, v->rule, &c);
    if (!muskx__sbml_kept_fields(v->el, o, 0)) {
      unit_of(T, o, v);
      doc_of(T, o, v, "assignment rule");
    }
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
    if (kl && KineticLaw_getMath(kl)) muskx__sbml_qexpr(T, o, KineticLaw_getMath(kl), &c);
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
    int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
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
    int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
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
      if (kl && KineticLaw_getMath(kl)) muskx__sbml_qexpr(T, o, KineticLaw_getMath(kl), &c);
      else sb_puts(o, "0");
      char *kept = muskx__sbml_kept_doc((SBase_t *)x->r);
      const char *nm = kept ? kept : Reaction_getName(x->r);
      if (nm && nm[0]) {
        sb_puts(o, "\n    doc: ");
        sb_quoted(o, nm);
      }
      muskx__free(kept);
      sb_putn(o, "\n", 1);
    }
    if (lhs.oom || rhs.oom) o->oom = 1;
    sb_free(&lhs);
    sb_free(&rhs);
  }
}

/* The stoichiometry of a species reference as an expression. */
void muskx__sbml_stoich_text(tr *T, sb *o, SpeciesReference_t *sr) {
  if (SpeciesReference_isSetStoichiometryMath(sr)) {
    StoichiometryMath_t *sm =
        SpeciesReference_getStoichiometryMath((SpeciesReference_t *)sr);
    ctx c = run_ctx();
    muskx__sbml_sub(T, o, StoichiometryMath_getMath(sm), &c, P_UN);
    return;
  }
  if (SpeciesReference_isSetId(sr)) {
    int k = muskx__sbml_sv_of(T, SpeciesReference_getId(sr));
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
void muskx__sbml_species_rate(tr *T, sb *e, int i) {
  sv *v = &T->v[i];
  int terms = 0;
  sb_putn(e, "(", 1);
  if (!v->boundary && !v->constant) terms = muskx__sbml_rate_sum(T, e, i, 0);
  if (terms == 0) sb_putn(e, "0", 1);
  sb_putn(e, ")", 1);
  if (v->conv >= 0) sb_printf(e, " * %s", T->v[v->conv].name);
  if (v->linked) sb_printf(e, " / %s", T->v[v->comp].name);
}

int muskx__sbml_rate_sum(tr *T, sb *e, int i, int slow_only) {
  int terms = 0;
  for (int r = 0; r < T->nrx; r++) {
    if (slow_only && T->rx[r].fast) continue;
    Reaction_t *rx = T->rx[r].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        if (muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr)) != i) continue;
        sb_puts(e, terms ? (side ? " + " : " - ") : (side ? "" : "-"));
        terms++;
        muskx__sbml_stoich_text(T, e, sr);
        sb_printf(e, " * %s", T->rx[r].name);
      }
    }
  }
  return terms;
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
      muskx__sbml_sub(T, &e, v->rate, &cx, P_MUL);
      sb_printf(&e, " * %s", c->name);
      if (c->kind == V_STATE && c->rate) {
        sb_printf(&e, " + (%s / %s) * ", v->name, c->name);
        muskx__sbml_sub(T, &e, c->rate, &cx, P_UN);
      } else if (c->kind == V_ASSIGN) {
        fail(T, MUSKX_EUNSUPPORTED, v->el,
             "rate rule for concentration species '%s' in compartment '%s', "
             "whose size is given by an assignment rule, is not supported "
             "(needs the size's derivative)", v->id, c->id);
      }
    } else if (v->rate) {
      ctx c = run_ctx();
      muskx__sbml_sub(T, &e, v->rate, &c, P_OR);
    } else if (v->ode_path) {
      muskx__sbml_species_rate(T, &e, i);
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
    muskx__sbml_moiety_rate(T, &e, k);
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
    muskx__sbml_qexpr(T, o, Rule_getMath(T->alg[k]), &c);
    sb_printf(o, ", doc: \"SBML algebraic rule (line %d)\"}\n",
              sbase_line(T->alg[k]));
  }
  for (int k = 0; k < T->nmo && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    sb e = {0};
    muskx__sbml_moiety_sum(T, &e, k, &c, NULL);
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
    muskx__sbml_fast_equation(T, &e, k);
    sb_puts(o, "  - {expr: ");
    sb_quoted(o, e.s ? e.s : "0");
    if (e.oom) o->oom = 1;
    sb_free(&e);
    sb_printf(o, ", doc: \"fast reactions at equilibrium: no net change of "
                 "'%s'\"}\n", T->v[T->fs[T->fpiv[k]]].id);
  }
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
    char *name = muskx__sbml_add_name(T, NULL, want, N_OTHER, -1);
    if (name == NULL) return;
    ctx c = run_ctx();
    sb e = {0};
    nentry *ne = muskx__sbml_find_id(T, id);
    if (ne == NULL) {
      fail(T, MUSKX_ENOTFOUND, NULL, "no SBML id '%s' to report", id);
      return;
    }
    if (ne->kind == N_SV) {
      sv *v = &T->v[ne->index];
      muskx__sbml_sym_text(T, &e, ne->index, &c);
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

void muskx__sbml_write_model(tr *T, sb *o, const muskx__sbml_opts *op) {
  Model_t *m = T->m;
  sb_printf(o, "# Translated from SBML Level %u Version %u by libmuskx %s\n"
               "# (muskx import; see muskx-model(5)). Source: ",
            SBMLDocument_getLevel(T->doc), SBMLDocument_getVersion(T->doc),
            muskx_version_string());
  for (const char *p = T->path; p && *p; p++) sb_putn(o, *p == '\n' ? " " : p, 1);
  sb_puts(o, "\nmuskx: 1\nmodel:\n  id: ");
  const char *id = Model_isSetId(m) ? Model_getId(m) : NULL;
  char *kept = muskx__sbml_kept_doc_key((SBase_t *)m, "id"); /* a muskx export's */
  if (kept != NULL && valid_ident(kept)) id = kept;
  sb_puts(o, id && valid_ident(id) ? id : "sbml_model");
  muskx__free(kept);
  const char *nm = Model_isSetName(m) ? Model_getName(m) : NULL;
  if (nm && nm[0]) {
    sb_puts(o, "\n  name: ");
    sb_quoted(o, nm);
  }
  muskx__sbml_write_kept_model(T, o, muskx__sbml_time_unit(T));
  /* Level 1-2 events true at t0 with the default reading get a warning
     (model_warnings.c) */
  if (T->level < 3) sb_printf(o, "\n  sbml_level: %u", T->level);
  sb_putn(o, "\n", 1);
  write_functions(T, o);
  muskx__sbml_write_inputs(T, o);
  write_parameters(T, o);
  write_compartments(T, o);
  write_species(T, o);
  write_reactions(T, o); /* decides which reactions are assignments */
  write_assignments(T, o);
  write_odes(T, o);
  write_algebraic(T, o);
  muskx__sbml_write_switch_events(T, o, muskx__sbml_write_events(T, o));
  write_reports(T, o, op);
  muskx__sbml_write_kept_outputs(T, o, op != NULL && op->nreport > 0);
}
