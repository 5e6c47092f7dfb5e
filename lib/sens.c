/*
 * sens.c -- forward sensitivities: the choice of parameters, the initial
 * sensitivities, the CVODES sensitivity right-hand side
 *    s_k' = J s_k + df/dp_k,   df/dp_k = sum_j (df/dP_j) (dP_j/dp_k)
 * with the compiled Jacobian and df/dP (compile_sens.c), and the output
 * sensitivities dg/dp = (dg/dy) s + (dg/dP) (dP/dp).
 *
 * Parameters that cannot move the state (they enter only outputs, like a
 * noise parameter) are not given to CVODES: their state sensitivities
 * stay 0 and their output sensitivities are the explicit dg/dP.
 *
 * P is every parameter-like slot (parameters, then compartment volumes).
 * dP/dp (sens_P) is the identity on the chosen slots, follows derived
 * parameters through their expressions, and changes when an event assigns
 * a parameter (sens_events.c). The model's programs and these derivative
 * programs share the temporaries of the register file, so each program's
 * results are used before the next one runs.
 */
#include <math.h>
#include <string.h>

#include <cvodes/cvodes.h>

#include "alloc.h"
#include "sim.h"
#include "vm.h"

/* ---- choosing the parameters --------------------------------------------- */

static void free_choice(muskx_sim *s) {
  for (int k = 0; s->sens_names && k < s->nsens; k++)
    muskx__free(s->sens_names[k]);
  void *arrays[] = {s->sens_names, s->sens_slot, s->sens_species, s->sens_y,
                    s->sens_P, s->sens_P_nz, s->sens_P_one, s->sens_work,
                    s->sens_fcode, s->sens_fneed,
                    s->sens_pbar,
                    s->sens_ss, s->sens_tau, s->sens_prev, s->sens_cache_y,
                    s->sens_dyn, s->sens_pbar_dyn};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
    muskx__free(arrays[i]);
  s->sens_names = NULL;
  s->sens_slot = s->sens_species = NULL;
  s->sens_y = s->sens_P = s->sens_work = s->sens_pbar = NULL;
  s->sens_ss = s->sens_tau = s->sens_prev = s->sens_cache_y = NULL;
  s->sens_pbar_dyn = NULL;
  s->sens_dyn = NULL;
  s->sens_ndyn = 0;
  s->sens_P_nz = NULL;
  s->sens_P_one = NULL;
  s->sens_fcode = NULL;
  s->sens_fneed = NULL;
  s->sens_nfcode = 0;
  s->sens_cache_ok = 0;
  s->nsens = 0;
}

void muskx__sens_free(muskx_sim *s) {
  free_choice(s);
  if (s->yS) N_VDestroyVectorArray(s->yS, s->sens_nvec);
  s->yS = NULL;
  s->sens_nvec = 0;
  s->sens_built = 0;
}

/* What sensitivities cannot follow: EUNSUPPORTED with the reason, or OK. */
muskx_status muskx__sens_unsupported(muskx_sim *s) {
  const muskx_model *m = s->m;
  if (m->nalgebraics > 0)
    return muskx__sim_err(s, MUSKX_EUNSUPPORTED,
                          "sensitivities are not supported for models with "
                          "algebraic equations (model '%s' is solved by IDA; "
                          "IDAS sensitivities are not implemented)", m->id);
  if (s->p->ndelays > 0)
    return muskx__sim_err(s, MUSKX_EUNSUPPORTED,
                          "sensitivities are not supported for models with "
                          "delay() (model '%s'): the history's sensitivities "
                          "are not kept", m->id);
  for (int e = 0; e < m->nevents; e++)
    if (m->events[e].delay != NULL)
      return muskx__sim_err(s, MUSKX_EUNSUPPORTED,
                            "sensitivities are not supported for events with "
                            "a delay (event '%s' of model '%s')",
                            m->events[e].id, m->id);
  if (!s->p->sens.available)
    return muskx__sim_err(s, MUSKX_EUNSUPPORTED,
                          "model '%s' was compiled without sensitivities",
                          m->id);
  return MUSKX_OK;
}

/* 1 when d/d P_slot may reach the state: through df/dP, an initial value,
   a derived parameter, an event's trigger, time or assignment, or an event
   assigning P_slot. A parameter that does not (it enters only outputs,
   e.g. a noise parameter) keeps zero state sensitivities, so CVODES need
   not integrate them; its output derivatives are explicit (out_p). */
static int dprog_uses(const muskx__dprog *d, int slot) {
  for (int32_t e = 0; e < d->code.nresults; e++)
    if (d->col[e] == slot) return 1;
  return 0;
}

static int moves_state(const muskx_sim *s, int slot) {
  const muskx__sens_program *sp = &s->p->sens;
  const muskx_model *m = s->m;
  if (slot < 0) return 1; /* a species' initial value */
  if (slot < sp->nslots && sp->f_p[slot].code.nresults > 0) return 1;
  if (dprog_uses(&sp->ip_p, slot) || dprog_uses(&sp->iy_p, slot) ||
      dprog_uses(&sp->root_p, slot))
    return 1;
  for (int e = 0; e < sp->nevents; e++)
    if (dprog_uses(&sp->ev_p[e], slot) || dprog_uses(&sp->tm_p[e], slot))
      return 1;
  for (int e = 0; e < m->nevents; e++)
    for (int k = 0; k < m->events[e].nsets; k++) {
      const muskx__event_set *st = &m->events[e].sets[k];
      int target = st->target_kind == MUSKX__SYM_PARAM ? st->target
                   : st->target_kind == MUSKX__SYM_COMPARTMENT
                       ? m->nparams + st->target
                       : -1;
      if (target == slot) return 1;
    }
  return 0;
}

muskx_status muskx_sim_set_sens_params(muskx_sim *s, const char *const *names,
                                       int n) {
  if (s == NULL) return MUSKX_EINVAL;
  const muskx_model *m = s->m;
  if (n < 0 || (n > 0 && names == NULL))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "sensitivity parameters: need n >= 0 names (got "
                          "n = %d%s)", n, names ? "" : ", names NULL");
  if (n == 0) {
    for (int i = 0; i < m->nspecies; i++)
      if (s->init_ss[i] == 2) s->init_ss[i] = 1; /* for the old choice */
    free_choice(s);
    s->errmsg[0] = '\0';
    return MUSKX_OK;
  }
  muskx_status st = muskx__sens_unsupported(s);
  if (st != MUSKX_OK) return st;
  size_t np = (size_t)n, ns = (size_t)m->nspecies + 1;
  size_t npl = (size_t)s->p->nparamlike + 1;
  size_t nwork = (size_t)s->p->jac_nnz + 3 * ns * np + (size_t)s->max_sets * np +
                 ns + np + 1;
  muskx_sim t = {0}; /* the new choice, swapped in when complete */
  t.nsens = n;
  t.sens_names = muskx__calloc(np, sizeof *t.sens_names);
  t.sens_slot = muskx__calloc(np, sizeof *t.sens_slot);
  t.sens_species = muskx__calloc(np, sizeof *t.sens_species);
  t.sens_y = muskx__calloc(ns * np, sizeof(double));
  t.sens_P = muskx__calloc(npl * np, sizeof(double));
  t.sens_P_nz = muskx__calloc(npl, 1);
  t.sens_P_one = muskx__calloc(npl, sizeof *t.sens_P_one);
  size_t nfall = (size_t)s->p->sens.f_all.code.ncode + 1;
  t.sens_fcode = muskx__calloc(nfall, sizeof *t.sens_fcode);
  t.sens_fneed = muskx__calloc(nfall, 1);
  t.sens_work = muskx__calloc(nwork, sizeof(double));
  t.sens_pbar = muskx__calloc(np, sizeof(double));
  t.sens_ss = muskx__calloc(ns * np, sizeof(double));
  t.sens_tau = muskx__calloc(np, sizeof(double));
  t.sens_prev = muskx__calloc(ns * np, sizeof(double));
  t.sens_cache_y = muskx__calloc(ns, sizeof(double));
  t.sens_dyn = muskx__calloc(np, sizeof *t.sens_dyn);
  t.sens_pbar_dyn = muskx__calloc(np, sizeof(double));
  st = MUSKX_OK;
  if (!t.sens_names || !t.sens_slot || !t.sens_species || !t.sens_y ||
      !t.sens_P || !t.sens_P_nz || !t.sens_P_one || !t.sens_work ||
      !t.sens_fcode || !t.sens_fneed ||
      !t.sens_pbar ||
      !t.sens_ss || !t.sens_tau || !t.sens_prev || !t.sens_cache_y ||
      !t.sens_dyn || !t.sens_pbar_dyn)
    st = muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (sensitivities)");
  for (int k = 0; st == MUSKX_OK && k < n; k++) {
    const char *nm = names[k];
    if (nm == NULL) {
      st = muskx__sim_err(s, MUSKX_EINVAL, "sensitivity parameter %d is NULL", k);
      break;
    }
    int slot = muskx_model_find(m, MUSKX_PARAMETER, nm), sp = -1;
    if (slot < 0) {
      int c = muskx_model_find(m, MUSKX_COMPARTMENT, nm);
      slot = c >= 0 ? m->nparams + c : -1;
    }
    if (slot < 0) sp = muskx_model_find(m, MUSKX_SPECIES, nm);
    if (slot < 0 && sp < 0) {
      st = muskx__sim_err(
          s, MUSKX_ENOTFOUND,
          muskx_model_find(m, MUSKX_INPUT, nm) >= 0
              ? "'%s' is an input of model '%s'; inputs are not sensitivity "
                "parameters (only parameters, compartments and species' "
                "initial values)"
              : "sensitivity parameter '%s' is not a parameter, compartment "
                "or species of model '%s'",
          nm, m->id);
      break;
    }
    for (int q = 0; q < k; q++)
      if ((slot >= 0 && t.sens_slot[q] == slot) ||
          (sp >= 0 && t.sens_species[q] == sp))
        st = muskx__sim_err(s, MUSKX_EINVAL,
                            "sensitivity parameter '%s' is given twice", nm);
    t.sens_slot[k] = slot;
    t.sens_species[k] = sp;
    t.sens_names[k] = muskx__strdup(nm);
    if (st == MUSKX_OK && t.sens_names[k] == NULL)
      st = muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (sensitivities)");
    if (moves_state(s, slot)) t.sens_dyn[t.sens_ndyn++] = k;
  }
  if (st != MUSKX_OK) {
    free_choice(&t);
    return st;
  }
  for (int i = 0; i < m->nspecies; i++)
    if (s->init_ss[i] == 2) s->init_ss[i] = 1; /* for the old choice */
  free_choice(s);
  s->nsens = t.nsens;
  s->sens_names = t.sens_names;
  s->sens_slot = t.sens_slot;
  s->sens_species = t.sens_species;
  s->sens_y = t.sens_y;
  s->sens_P = t.sens_P;
  s->sens_P_nz = t.sens_P_nz;
  s->sens_P_one = t.sens_P_one;
  s->sens_fcode = t.sens_fcode;
  s->sens_fneed = t.sens_fneed;
  s->sens_nfcode = 0;
  s->sens_work = t.sens_work;
  s->sens_pbar = t.sens_pbar;
  s->sens_ss = t.sens_ss;
  s->sens_tau = t.sens_tau;
  s->sens_prev = t.sens_prev;
  s->sens_cache_y = t.sens_cache_y;
  s->sens_dyn = t.sens_dyn;
  s->sens_ndyn = t.sens_ndyn;
  s->sens_pbar_dyn = t.sens_pbar_dyn;
  s->errmsg[0] = '\0';
  return MUSKX_OK;
}

int muskx_sim_sens_count(const muskx_sim *s) {
  return s == NULL ? -1 : s->nsens;
}

const char *muskx_sim_sens_name(const muskx_sim *s, int k) {
  if (s == NULL || k < 0 || k >= s->nsens) return NULL;
  return s->sens_names[k];
}

/* ---- initial sensitivities ------------------------------------------------ */

/* The part of the fused df/dP program (sens.f_all) that the slots with a
   nonzero row of dP/dp need: their results and, walking back, every
   instruction those read. The program is straight-line SSA code whose
   instruction i writes temporary base + i (the compiler checks that:
   f_all_in_order), so an operand in [base, base + i) is instruction
   operand - base; keeping an instruction no result needs (an unused
   operand field that happens to fall in that range) costs time only,
   never a value. */
static void select_dfdp(muskx_sim *s) {
  const muskx__sens_program *sp = &s->p->sens;
  const muskx__prog *all = &sp->f_all.code;
  int32_t n = all->ncode, kept = 0;
  s->sens_nfcode = 0;
  if (n == 0 || sp->f_all_ptr == NULL) return;
  int32_t base = all->code[0].a;
  if (!sp->f_all_in_order) { /* operands can't be traced: run it all */
    memcpy(s->sens_fcode, all->code, (size_t)n * sizeof *all->code);
    s->sens_nfcode = n;
    return;
  }
  memset(s->sens_fneed, 0, (size_t)n);
  for (int j = 0; j < sp->nslots; j++) {
    if (!s->sens_P_nz[j]) continue;
    for (int32_t e = sp->f_all_ptr[j]; e < sp->f_all_ptr[j + 1]; e++) {
      int32_t r = all->results[e] - base;
      if (r >= 0 && r < n) s->sens_fneed[r] = 1;
    }
  }
  for (int32_t i = n - 1; i >= 0; i--) {
    if (!s->sens_fneed[i]) continue;
    const muskx__instr *in = &all->code[i];
    int32_t ops[3] = {in->b - base, in->c - base, in->d - base};
    for (int k = 0; k < 3; k++)
      if (ops[k] >= 0 && ops[k] < i) s->sens_fneed[ops[k]] = 1;
  }
  for (int32_t i = 0; i < n; i++)
    if (s->sens_fneed[i]) s->sens_fcode[kept++] = all->code[i];
  s->sens_nfcode = kept;
}

void muskx__sens_P_update_nz(muskx_sim *s) {
  int np = s->nsens;
  for (int j = 0; j < s->p->nparamlike; j++) {
    int count = 0, last = -1;
    for (int k = 0; k < np; k++)
      if (s->sens_P[(size_t)j * np + k] != 0) {
        count++;
        last = k;
      }
    s->sens_P_nz[j] = count > 0;
    s->sens_P_one[j] = count == 1 ? last : -1;
  }
  select_dfdp(s);
}

static int chosen_slot(const muskx_sim *s, int slot) {
  for (int k = 0; k < s->nsens; k++)
    if (s->sens_slot[k] == slot) return k;
  return -1;
}

/* Row i of dP/dp from the registers' current values: chosen, set by the
   user (constant), or through the expression of P_i. */
static void param_row(muskx_sim *s, int i, double *row) {
  const muskx__dprog *d = &s->p->sens.ip_p;
  int np = s->nsens, k = chosen_slot(s, i);
  memset(row, 0, (size_t)np * sizeof *row);
  if (k >= 0) {
    row[k] = 1.0;
    return;
  }
  if (s->param_set[i]) return;
  for (int32_t e = 0; e < d->code.nresults; e++) {
    if (d->row[e] != i) continue;
    double v = s->R[d->code.results[e]];
    const double *pj = s->sens_P + (size_t)d->col[e] * np;
    for (int q = 0; q < np; q++) row[q] += v * pj[q];
  }
}

void muskx__sens_initial(muskx_sim *s) {
  const muskx__sens_program *sp = &s->p->sens;
  int np = s->nsens, npl = s->p->nparamlike, n = s->m->nspecies;
  double *row = s->sens_work;
  memset(s->sens_P, 0, (size_t)npl * np * sizeof(double));
  muskx__vm_run(&sp->ip_p.code, s->R);
  /* Parameters refer to earlier ones, volumes to parameters: a pass in
     slot order settles them; more passes only if an order is unusual. */
  for (int pass = 0; pass <= npl; pass++) {
    int moved = 0;
    for (int i = 0; i < npl; i++) {
      double *pi = s->sens_P + (size_t)i * np;
      param_row(s, i, row);
      if (memcmp(row, pi, (size_t)np * sizeof *row) != 0) moved = 1;
      memcpy(pi, row, (size_t)np * sizeof *row);
    }
    if (!moved) break;
  }
  muskx__sens_P_update_nz(s);
  memset(s->sens_y, 0, (size_t)n * np * sizeof(double));
  muskx__vm_run(&sp->iy_p.code, s->R);
  for (int i = 0; i < n; i++) {
    double *yi = s->sens_y + (size_t)i * np;
    if (s->init_ss[i] == 2) {
      memcpy(yi, s->sens_ss + (size_t)i * np, (size_t)np * sizeof *yi);
      continue;
    }
    for (int k = 0; k < np; k++)
      if (s->sens_species[k] == i) yi[k] = 1.0;
  }
  for (int32_t e = 0; e < sp->iy_p.code.nresults; e++) {
    int i = sp->iy_p.row[e], j = sp->iy_p.col[e];
    if (s->init_set[i] || !s->sens_P_nz[j]) continue;
    double v = s->R[sp->iy_p.code.results[e]];
    for (int k = 0; k < np; k++)
      s->sens_y[(size_t)i * np + k] += v * s->sens_P[(size_t)j * np + k];
  }
}

/* ---- the sensitivity right-hand side -------------------------------------- */

/* Loads (t, y) and the inputs at t into the registers. */
static void load_point(muskx_sim *s, double t, const double *y) {
  static const muskx__prog nothing = {NULL, 0, NULL, 0};
  muskx__sim_eval(s, &nothing, t, y);
}

void muskx__sens_dfdp(muskx_sim *s, double t, const double *y, double *fp) {
  const muskx__sens_program *sp = &s->p->sens;
  const muskx__dprog *d = &sp->f_all;
  int np = s->nsens;
  memset(fp, 0, (size_t)s->m->nspecies * np * sizeof *fp);
  load_point(s, t, y);
  if (d->code.nresults == 0) return;
  /* one program for every slot dP/dp moves (select_dfdp) */
  const muskx__prog part = {s->sens_fcode, s->sens_nfcode, NULL, 0};
  muskx__vm_run(&part, s->R);
  for (int j = 0; j < sp->nslots; j++) {
    int32_t e0 = sp->f_all_ptr[j], e1 = sp->f_all_ptr[j + 1];
    if (!s->sens_P_nz[j] || e0 == e1) continue;
    const double *pj = s->sens_P + (size_t)j * np;
    int one = s->sens_P_one[j];
    /* A row of dP/dp with one nonzero (a chosen parameter itself) adds to
       one column only: the others would add v * 0 = 0 (for finite v). */
    for (int32_t e = e0; e < e1; e++) {
      double v = s->R[d->code.results[e]];
      double *fi = fp + (size_t)d->row[e] * np;
      if (one >= 0) {
        fi[one] += v * pj[one];
        continue;
      }
      for (int k = 0; k < np; k++) fi[k] += v * pj[k];
    }
  }
}

static int sens_rhs_cb(int Ns, sunrealtype t, N_Vector y, N_Vector ydot,
                       N_Vector *yS, N_Vector *ySdot, void *ud, N_Vector tmp1,
                       N_Vector tmp2) {
  (void)ydot; (void)tmp1; (void)tmp2;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  int n = s->m->nspecies, np = s->nsens;
  double *yd = N_VGetArrayPointer(y);
  double *jv = s->sens_work, *fp = s->sens_work + p->jac_nnz;
  /* The staggered corrector calls this at one (t, y) for every iteration
     on s: J and df/dp are computed once per point. */
  if (!s->sens_cache_ok || t != s->sens_cache_t ||
      memcmp(yd, s->sens_cache_y, (size_t)n * sizeof *yd) != 0) {
    muskx__sim_eval(s, &p->jac, t, yd);
    for (int32_t e = 0; e < p->jac_nnz; e++) jv[e] = s->R[p->jac.results[e]];
    muskx__sens_dfdp(s, t, yd, fp);
    s->sens_cache_t = t;
    memcpy(s->sens_cache_y, yd, (size_t)n * sizeof *yd);
    s->sens_cache_ok = 1;
  }
  for (int v = 0; v < Ns; v++) { /* CVODES vector v is parameter k */
    int k = s->sens_dyn[v];
    const double *sk = NV_DATA_S(yS[v]); /* serial vectors (nvector_fast.c) */
    double *dk = NV_DATA_S(ySdot[v]);
    dk[0] = 0.0; /* the placeholder state of a model without species */
    for (int i = 0; i < n; i++) dk[i] = fp[(size_t)i * np + k];
    for (int j = 0; j < n; j++)
      for (int32_t e = p->jac_colptr[j]; e < p->jac_colptr[j + 1]; e++)
        dk[p->jac_rowind[e]] += jv[e] * sk[j];
    for (int i = 0; i < n; i++)
      if (!isfinite(dk[i])) return 1; /* recoverable: a smaller step */
  }
  return 0;
}

/* ---- CVODES --------------------------------------------------------------- */

static void to_vectors(muskx_sim *s) {
  int n = s->m->nspecies, np = s->nsens;
  for (int q = 0; q < s->sens_ndyn; q++) {
    int k = s->sens_dyn[q];
    double *v = N_VGetArrayPointer(s->yS[q]);
    v[0] = 0.0;
    for (int i = 0; i < n; i++) v[i] = s->sens_y[(size_t)i * np + k];
    s->sens_pbar_dyn[q] = s->sens_pbar[k];
  }
}

muskx_status muskx__sens_reinit(muskx_sim *s, double t) {
  s->sens_cache_ok = 0; /* parameters may have changed */
  /* Without parameters that move the state, CVODES integrates none. */
  if (!s->sens_active || s->sens_ndyn == 0) {
    if (s->sens_built) CVodeSensToggleOff(s->cvode);
    return MUSKX_OK;
  }
  int np = s->sens_ndyn;
  if (s->yS != NULL && s->sens_nvec != np) {
    if (s->sens_built) CVodeSensFree(s->cvode);
    N_VDestroyVectorArray(s->yS, s->sens_nvec);
    s->yS = NULL;
    s->sens_built = 0;
  }
  if (s->yS == NULL) {
    s->yS = N_VCloneVectorArray(np, s->y);
    if (s->yS == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (sensitivities)");
    s->sens_nvec = np;
  }
  to_vectors(s);
  int flag;
  if (!s->sens_built) {
    flag = CVodeSensInit(s->cvode, np, CV_STAGGERED, sens_rhs_cb, s->yS);
    if (flag == CV_SUCCESS) s->sens_built = 1;
  } else {
    flag = CVodeSensReInit(s->cvode, CV_STAGGERED, s->yS);
  }
  /* error control on the sensitivities too, scaled by |p| (pbar) */
  if (flag == CV_SUCCESS) flag = CVodeSensEEtolerances(s->cvode);
  if (flag == CV_SUCCESS)
    flag = CVodeSetSensParams(s->cvode, NULL, s->sens_pbar_dyn, NULL);
  if (flag == CV_SUCCESS) flag = CVodeSetSensErrCon(s->cvode, SUNTRUE);
  if (flag != CV_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER,
                          "t=%g: cannot start the sensitivities (CVODES flag "
                          "%d): %s", t, flag, s->errmsg);
  return MUSKX_OK;
}

muskx_status muskx__sens_fetch(muskx_sim *s, double t) {
  if (!s->sens_active || s->sens_ndyn == 0) return MUSKX_OK;
  sunrealtype tret;
  if (CVodeGetSens(s->cvode, &tret, s->yS) != CV_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER,
                          "t=%g: cannot read the sensitivities: %s", t,
                          s->errmsg);
  int n = s->m->nspecies, np = s->nsens;
  for (int q = 0; q < s->sens_ndyn; q++) {
    int k = s->sens_dyn[q];
    const double *v = N_VGetArrayPointer(s->yS[q]);
    for (int i = 0; i < n; i++) s->sens_y[(size_t)i * np + k] = v[i];
  }
  return MUSKX_OK;
}

void muskx__sens_record(muskx_sim *s, double t, const double *y,
                        double *row) {
  const muskx__sens_program *sp = &s->p->sens;
  int n = s->m->nspecies, np = s->nsens;
  memcpy(row, s->sens_y, (size_t)n * np * sizeof *row);
  if (s->m->noutputs == 0) return;
  double *ro = row + (size_t)n * np;
  memset(ro, 0, (size_t)s->m->noutputs * np * sizeof *ro);
  muskx__sim_eval(s, &sp->out_y.code, t, y);
  for (int32_t e = 0; e < sp->out_y.code.nresults; e++) {
    double v = s->R[sp->out_y.code.results[e]];
    const double *sj = s->sens_y + (size_t)sp->out_y.col[e] * np;
    double *oc = ro + (size_t)sp->out_y.row[e] * np;
    for (int k = 0; k < np; k++) oc[k] += v * sj[k];
  }
  for (int j = 0; j < sp->nslots; j++) {
    const muskx__dprog *d = &sp->out_p[j];
    if (!s->sens_P_nz[j] || d->code.nresults == 0) continue;
    muskx__vm_run(&d->code, s->R);
    const double *pj = s->sens_P + (size_t)j * np;
    for (int32_t e = 0; e < d->code.nresults; e++) {
      double v = s->R[d->code.results[e]];
      double *oc = ro + (size_t)d->row[e] * np;
      for (int k = 0; k < np; k++) oc[k] += v * pj[k];
    }
  }
}

/* ---- a run ------------------------------------------------------------------ */

muskx_status muskx__sens_prepare(muskx_sim *s, const double *y0) {
  const muskx_model *m = s->m;
  int np = s->nsens;
  if (np == 0)
    return muskx__sim_err(s, MUSKX_ESTATE,
                          "no sensitivity parameters: call "
                          "muskx_sim_set_sens_params() first");
  muskx_status st = muskx__sens_unsupported(s);
  if (st != MUSKX_OK) return st;
  for (int i = 0; i < m->nspecies; i++)
    if (s->init_ss[i] == 1)
      return muskx__sim_err(s, MUSKX_ESTATE,
                            "the initial values come from "
                            "muskx_sim_steady_state() without sensitivities; "
                            "use muskx_sim_steady_state_sens() with these "
                            "sensitivity parameters");
  muskx__sens_initial(s);
  /* Timed events happen at fixed times: their time may not move with p. */
  for (int e = 0; e < m->nevents; e++) {
    const muskx__dprog *d = &s->p->sens.tm_p[e];
    if (m->events[e].when != NULL) continue;
    for (int32_t q = 0; q < d->code.nresults; q++)
      if (s->sens_P_nz[d->col[q]])
        for (int k = 0; k < np; k++)
          if (s->sens_P[(size_t)d->col[q] * np + k] != 0)
            return muskx__sim_err(
                s, MUSKX_EUNSUPPORTED,
                "the time of event '%s' (at/every/until) depends on "
                "sensitivity parameter '%s': moving event times are not "
                "supported for timed events (write the event with `when: "
                "t >= ...` instead)", m->events[e].id, s->sens_names[k]);
  }
  for (int k = 0; k < np; k++) {
    double v = s->sens_slot[k] >= 0 ? s->R[s->p->reg_param0 + s->sens_slot[k]]
                                    : y0[s->sens_species[k]];
    s->sens_pbar[k] = v != 0 && isfinite(v) ? fabs(v) : 1.0;
    s->sens_tau[k] = 0.0;
  }
  return MUSKX_OK;
}
