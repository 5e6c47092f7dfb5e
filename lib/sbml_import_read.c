/*
 * sbml_import_read.c -- names, variables, structure, rules and what each
 * SBML variable becomes (classify) (issue 5; split from sbml_import.c,
 * whose banner gives the mapping from SBML to muskx).
 */
#include "sbml_import.h"
#include "symtab.h"

/* Both lookups go through hash tables (symtab.h), so a document with n
   ids translates in O(n), not O(n^2) (issue 16: 200 MB took 400 s). */
static nentry *find_name(tr *T, const char *muskx_name) {
  const muskx__symbol *e = T->by_name ? muskx__symtab_find(T->by_name, muskx_name) : NULL;
  return e ? &T->names[e->index] : NULL;
}

nentry *muskx__sbml_find_id(tr *T, const char *id) {
  if (id == NULL || T->by_id == NULL) return NULL;
  const muskx__symbol *e = muskx__symtab_find(T->by_id, id);
  return e ? &T->names[e->index] : NULL;
}

/* The SBML element behind a name table entry, for messages. */
static const void *element_of(tr *T, nkind kind, int index) {
  if (index < 0) return NULL;
  switch (kind) {
    case N_SV: return T->v[index].el;
    case N_FUNC: return T->fns[index].f;
    case N_RXN: return T->rx[index].r;
    case N_EVENT: return Model_getEvent(T->m, (unsigned)index);
    default: return NULL;
  }
}

/* Registers a muskx name for SBML id `id` (NULL for a generated name),
   derived from `want` with '_' appended until it is free and not reserved.
   Returns the owned name (also stored in the table) or NULL on OOM. */
char *muskx__sbml_add_name(tr *T, const char *id, const char *want, nkind kind,
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
  if ((T->by_name == NULL && (T->by_name = muskx__symtab_new()) == NULL) ||
      (T->by_id == NULL && (T->by_id = muskx__symtab_new()) == NULL)) {
    muskx__free(s);
    return nomem(T), NULL;
  }
  muskx__symbol sym = {MUSKX__SYM_NONE, T->nnames, {NULL, 0, 0}};
  const muskx__symbol *old = NULL;
  int had_id = 0;
  if (muskx__symtab_add(T->by_name, s, sym, &old) < 0 ||
      (id != NULL && (had_id = muskx__symtab_add(T->by_id, id, sym, &old)) < 0)) {
    muskx__free(s);
    return nomem(T), NULL;
  }
  if (had_id) {
    /* Two elements with one SId: invalid SBML, and which one a formula
       means cannot be told (it was renamed 'k_' without a word). */
    const nentry *first = &T->names[old->index];
    const void *el = element_of(T, kind, index);
    fail(T, MUSKX_EMODEL, el, "invalid SBML: the id '%s' is given twice "
         "(first at line %d)", id, sbase_line(element_of(T, first->kind, first->index)));
    muskx__free(s);
    return NULL;
  }
  T->names[T->nnames++] = (nentry){id, s, kind, index};
  return s;
}
/* Reading the model                                                       */

static int add_sv(tr *T, stype type, SBase_t *el, const char *id) {
  if (T->nv == T->capv) {
    int nc = T->capv ? T->capv * 2 : 64;
    sv *p = muskx__reallocarray(T->v, (size_t)nc, sizeof *p);
    if (p == NULL) return nomem(T), -1;
    T->v = p;
    T->capv = nc;
  }
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

int muskx__sbml_sv_of(tr *T, const char *id) {
  nentry *e = muskx__sbml_find_id(T, id);
  return e && e->kind == N_SV ? e->index : -1;
}

void muskx__sbml_read_variables(tr *T) {
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

void muskx__sbml_register_names(tr *T) {
  Model_t *m = T->m;
  /* SBML ids keep their names, except reserved ones, which are renamed
     after every other id has its name (so a rename never takes an id). */
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < T->nv; i++)
      if (reserved(T->v[i].id) == pass)
        T->v[i].name = muskx__sbml_add_name(T, T->v[i].id, T->v[i].id, N_SV, i);
    for (int i = 0; i < T->nfns; i++)
      if (reserved(T->fns[i].id) == pass)
        T->fns[i].name = muskx__sbml_add_name(T, T->fns[i].id, T->fns[i].id, N_FUNC, i);
    for (int i = 0; i < T->nrx; i++)
      if (reserved(T->rx[i].id) == pass)
        T->rx[i].name = muskx__sbml_add_name(T, T->rx[i].id, T->rx[i].id, N_RXN, i);
    for (int i = 0; i < T->nev; i++) {
      Event_t *e = Model_getEvent(m, (unsigned)i);
      const char *id = Event_isSetId(e) ? Event_getId(e) : NULL;
      if (id && reserved(id) == pass)
        T->ev_names[i] = muskx__sbml_add_name(T, id, id, N_EVENT, i);
    }
  }
  for (int i = 0; i < T->nev; i++)
    if (T->ev_names[i] == NULL) {
      char want[32];
      snprintf(want, sizeof want, "event%d", i + 1);
      T->ev_names[i] = muskx__sbml_add_name(T, NULL, want, N_EVENT, i);
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
      x->local_names[j] = muskx__sbml_add_name(T, NULL, want, N_OTHER, -1);
      muskx__free(want);
    }
  }
}

void muskx__sbml_read_structure(tr *T) {
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
    /* A NaN or infinite stoichiometry has no meaning; it used to drop the
       species from the equation silently (issue 16). */
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(x->r) : Reaction_getNumReactants(x->r);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(x->r, j)
                                      : Reaction_getReactant(x->r, j);
        double st = SpeciesReference_getStoichiometry(sr);
        if (SpeciesReference_isSetStoichiometry(sr) && !isfinite(st)) {
          fail(T, MUSKX_EMODEL, sr,
               "stoichiometry of species '%s' in reaction '%s' is %s; it must "
               "be a finite number", str_or(SpeciesReference_getSpecies(sr), "?"),
               str_or(x->id, "?"), isnan(st) ? "NaN" : st > 0 ? "INF" : "-INF");
          return;
        }
      }
    }
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

void muskx__sbml_read_rules(tr *T) {
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
    int k = muskx__sbml_sv_of(T, var ? var : "");
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
    int k = muskx__sbml_sv_of(T, var ? var : "");
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
      int k = muskx__sbml_sv_of(T, EventAssignment_getVariable(ea));
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
    int k = muskx__sbml_sv_of(T, str_or(ASTNode_getName(n), ""));
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
        int k = muskx__sbml_sv_of(T, str_or(SpeciesReference_getSpecies(sr), ""));
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


/* Decides what every variable becomes (see the banner). */
void muskx__sbml_classify(tr *T) {
  Model_t *m = T->m;
  if (Model_isSetConversionFactor(m)) {
    T->model_conv = muskx__sbml_sv_of(T, Model_getConversionFactor(m));
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
    v->comp = muskx__sbml_sv_of(T, Species_getCompartment(s));
    if (v->comp < 0) {
      fail(T, MUSKX_EMODEL, s, "species '%s' is in an undefined compartment '%s'",
           v->id, str_or(Species_getCompartment(s), ""));
      return;
    }
    sv *c = &T->v[v->comp];
    if (c->hosu) v->hosu = 1;
    int comp_fixed = c->kind == V_COMP && !c->event_target;
    if (Species_isSetConversionFactor(s)) v->conv = muskx__sbml_sv_of(T, Species_getConversionFactor(s));
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
        int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0 || T->v[s].type != S_SPECIES) {
          fail(T, MUSKX_EMODEL, sr, "reaction '%s' refers to undefined species '%s'",
               T->rx[i].id, str_or(SpeciesReference_getSpecies(sr), ""));
          return;
        }
        int variable = SpeciesReference_isSetStoichiometryMath(sr);
        if (SpeciesReference_isSetId(sr)) {
          int k = muskx__sbml_sv_of(T, SpeciesReference_getId(sr));
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
  muskx__sbml_fast_subsystem(T);
}
