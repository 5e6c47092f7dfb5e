/*
 * sbml_import_fast.c -- fast reactions held at equilibrium (issue 5; split
 * from sbml_import.c, whose banner gives the mapping from SBML to muskx).
 */
#include "sbml_import.h"

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

void muskx__sbml_fx_free(fx *a) {
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

char *muskx__sbml_fx_strdup(tr *T, const char *s) {
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
    if (a->t && (r.t = muskx__sbml_fx_strdup(T, a->t)) == NULL) r.sym = 0;
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
  if ((r.t = muskx__sbml_fx_strdup(T, t)) == NULL) r.sym = 0;
  return r;
}

/* Replaces *a by *a op b. */
static void fx_apply(tr *T, fx *a, char op, const fx *b) {
  fx r = fx_op(T, a, op, b);
  muskx__sbml_fx_free(a);
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
  if ((r.t = muskx__sbml_fx_strdup(T, buf)) == NULL) return r;
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
      muskx__sbml_sym_text(T, o, a->sv, cx);
    } else {
      sb_putn(o, "(", 1);
      muskx__sbml_sub(T, o, a->math, cx, P_OR);
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
      nentry *e = muskx__sbml_find_id(T, ast_name(n));
      if (e != NULL && e->kind == N_RXN) return 0;
      if (e != NULL && e->kind == N_SV) {
        const sv *v = &T->v[e->index];
        if (v->kind == V_STATE || v->kind == V_ASSIGN || v->event_target) return 0;
      }
      break;
    }
    case AST_FUNCTION: {
      nentry *e = muskx__sbml_find_id(T, ast_name(n));
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
    int k = muskx__sbml_sv_of(T, SpeciesReference_getId(sr));
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

void muskx__sbml_fast_subsystem(tr *T) {
  /* which species a slow reaction may change: the rest get `constant`
     when the model has algebraic equations (write_species) */
  for (int r = 0; r < T->nrx; r++) {
    if (T->rx[r].fast) continue;
    Reaction_t *rx = T->rx[r].r;
    for (int side = 0; side < 2; side++) {
      unsigned ns = side ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
      for (unsigned j = 0; j < ns; j++) {
        SpeciesReference_t *sr = side ? Reaction_getProduct(rx, j) : Reaction_getReactant(rx, j);
        int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0) continue;
        double net = 0;
        int variable = 0;
        for (int side2 = 0; side2 < 2; side2++) {
          unsigned n2 = side2 ? Reaction_getNumProducts(rx) : Reaction_getNumReactants(rx);
          for (unsigned j2 = 0; j2 < n2; j2++) {
            SpeciesReference_t *s2 = side2 ? Reaction_getProduct(rx, j2) : Reaction_getReactant(rx, j2);
            if (muskx__sbml_sv_of(T, SpeciesReference_getSpecies(s2)) != s) continue;
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
        int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
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
        int s = muskx__sbml_sv_of(T, SpeciesReference_getSpecies(sr));
        if (s < 0 || col[s] < 0) continue;
        fx st = fast_stoich(T, T->frx[jr], sr);
        if (!side) {
          fx m1 = {0, -1, 1, NULL};
          fx_apply(T, &st, '*', &m1);
        }
        fx_apply(T, &N[(size_t)jr * nc + col[s]], '+', &st);
        muskx__sbml_fx_free(&st);
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
    muskx__sbml_fx_free(&piv);
    for (int r = 0; r < nfr && T->st == MUSKX_OK; r++) {
      if (r == rank || fx_zero(&A[(size_t)r * nfs + bc])) continue;
      fx f = fx_op(T, &A[(size_t)r * nfs + bc], '+', &(fx){0, 0, 1, NULL});
      fx m1 = {0, -1, 1, NULL};
      fx_apply(T, &f, '*', &m1);
      for (int c = 0; c < nfs; c++) {
        fx d = fx_op(T, &f, '*', &A[(size_t)rank * nfs + c]);
        fx_apply(T, &A[(size_t)r * nfs + c], '+', &d);
        muskx__sbml_fx_free(&d);
      }
      muskx__sbml_fx_free(&f);
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
    T->mo_names[km] = muskx__sbml_add_name(T, NULL, want, N_OTHER, -1);
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
  for (size_t k = 0; k < (size_t)nfr * (size_t)nc; k++) muskx__sbml_fx_free(&N[k]);
  muskx__free(N);
  for (size_t k = 0; A && k < (size_t)nfr * (size_t)nfs; k++) muskx__sbml_fx_free(&A[k]);
  muskx__free(A);
  muskx__free(pivcol);
  muskx__free(is_piv);
  muskx__free(col);
}

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
      char *name = muskx__sbml_add_name(T, NULL, want, N_OTHER, -1);
      if (name == NULL) return;
      T->sw[T->nsw++] = (fswitch){n, rx, name};
      return; /* a condition inside it switches with it */
    }
    case AST_NAME: {
      if (muskx__sbml_lookup_local(T, rx, ast_name(n)) >= 0) break;
      int k = muskx__sbml_sv_of(T, ast_name(n));
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

const char *muskx__sbml_switch_flag(tr *T, const ASTNode_t *n) {
  for (int k = 0; k < T->nsw; k++)
    if (T->sw[k].n == n) return T->sw[k].name;
  return NULL;
}

/* The flags' parameters: each the truth of its condition at t0. */
void muskx__sbml_write_switch_flags(tr *T, sb *o) {
  for (int k = 0; k < T->nsw && T->st == MUSKX_OK; k++) {
    ctx c = run_ctx();
    c.init = 2;
    c.rx = T->sw[k].rx;
    sb_printf(o, "  %s: {value: ", T->sw[k].name);
    muskx__sbml_qexpr(T, o, T->sw[k].n, &c);
    sb_puts(o, ", doc: \"a condition in a fast reaction's rate, held between "
               "events (see its events)\"}\n");
  }
}

/* Two events per flag. any: whether `events:` is written already. */
void muskx__sbml_write_switch_events(tr *T, sb *o, int any) {
  for (int k = 0; k < T->nsw && T->st == MUSKX_OK; k++) {
    for (int on = 1; on >= 0; on--) {
      if (!any) sb_puts(o, "\nevents:\n");
      any = 1;
      ctx c = run_ctx();
      c.rx = T->sw[k].rx;
      sb e = {0};
      T->raw_switch = 1;
      muskx__sbml_sub(T, &e, T->sw[k].n, &c, on ? P_OR : P_ATOM);
      T->raw_switch = 0;
      char want[64];
      snprintf(want, sizeof want, "%.50s_%s", T->sw[k].name, on ? "on" : "off");
      const char *id = muskx__sbml_add_name(T, NULL, want, N_EVENT, -1);
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
void muskx__sbml_moiety_sum(tr *T, sb *o, int k, ctx *cx, char *const *set) {
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
      muskx__sbml_initial_symbol(T, o, s, cx);
      sb_putn(o, ")", 1);
      if (!v->hosu) {
        sb_puts(o, " * ");
        muskx__sbml_sym_text(T, o, v->comp, cx);
      }
    } else {
      fast_amount(T, o, s, set ? set[s] : NULL);
    }
    if (v->conv >= 0) {
      sb_puts(o, " / ");
      muskx__sbml_sym_text(T, o, v->conv, cx);
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

/* d(moiety k)/dt = L'_k (N_s v_s). */
void muskx__sbml_moiety_rate(tr *T, sb *o, int k) {
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
  if (ASTNode_getType(n) == AST_NAME && muskx__sbml_lookup_local(T, rx, ast_name(n)) < 0) {
    nentry *e = muskx__sbml_find_id(T, ast_name(n));
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
    if (kept == 0) muskx__sbml_sub(T, o, n, cx, P_OR);
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
      muskx__sbml_sub(T, o, kid(n, i + 1), cx, P_OR);
      sb_puts(o, ", ");
      reduced_rate(T, o, kid(n, i), cx);
      sb_puts(o, ", ");
    }
    if (i < k) reduced_rate(T, o, kid(n, i), cx);
    else sb_putn(o, "0", 1);
    for (; open > 0; open--) sb_putn(o, ")", 1);
    return;
  }
  muskx__sbml_sub(T, o, n, cx, P_OR);
}

/* Equilibrium row k: sum_j N[j][pivot k] v_j; with one term, v_j without
   its constant factors (reduced_rate). */
void muskx__sbml_fast_equation(tr *T, sb *o, int k) {
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
int muskx__sbml_fast_reset_needed(tr *T, int k) {
  if (T->v[k].fast) return 1;
  for (int a = 0; a < T->natoms; a++)
    if (T->atoms[a].sv == k) return 1;
  return 0;
}

/* ---------------------------------------------------------------------- */
