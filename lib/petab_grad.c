/*
 * petab_grad.c -- a PEtab problem's residuals and sigmas with their exact
 * derivatives with respect to theta (muskx_petab_gradient; issue 15), for
 * fitting: the same experiments as petab_eval.c, run with the forward
 * sensitivities of CVODES (muskx_sim_run_sens, and
 * muskx_sim_steady_state_sens for pre-equilibration and time inf).
 *
 * The sensitivity parameters are the model parameters whose values come
 * from theta anywhere in the problem: the parameter table's own ids,
 * placeholders overridden by an estimated parameter, and condition-table
 * parameters or compartments set to one. In an experiment, column s of
 * the sensitivities contributes to d/d theta_k when that model parameter
 * takes estimated parameter k's value there, times d value / d theta_k
 * (1, value, value ln 10 for lin, log, log10). A condition that sets a
 * species' initial value to an estimated parameter is not supported yet
 * (EUNSUPPORTED, named).
 *
 * Per measurement, with T the observable's transformation, r = (T(m) -
 * T(y)) / sigma: dr = -(T'(y) dy + r dsigma) / sigma.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "petab.h"
#include "sim.h"

/* One sensitivity parameter: a model parameter (or compartment) index. */
typedef struct gscratch {
  int np;
  int *slot;          /* np model parameter-like indices */
  const char **names; /* np */
  double *plin;       /* nparams + 1 */
  double *out, *sens; /* rows x ncols, rows x ncols x np */
  double *map;        /* np x ntheta: d p_s / d theta_k in this experiment */
} gscratch;

static int find_slot(const gscratch *g, int idx) {
  for (int s = 0; s < g->np; s++)
    if (g->slot[s] == idx) return s;
  return -1;
}

static void add_slot(gscratch *g, const struct muskx_petab *pb, int idx) {
  if (idx < 0 || find_slot(g, idx) >= 0) return;
  int npar = muskx_model_count(pb->model, MUSKX_PARAMETER);
  g->names[g->np] = idx < npar
      ? muskx_model_name_at(pb->model, MUSKX_PARAMETER, idx)
      : muskx_model_name_at(pb->model, MUSKX_COMPARTMENT, idx - npar);
  g->slot[g->np++] = idx;
}

/* The model parameter-like index a condition target sets, or -1. */
static int target_slot(const struct muskx_petab *pb, int j) {
  const muskx__petab_target *tg = &pb->targets[j];
  if (tg->kind == MUSKX__PETAB_TGT_PARAM) return tg->index;
  if (tg->kind == MUSKX__PETAB_TGT_COMPARTMENT)
    return muskx_model_count(pb->model, MUSKX_PARAMETER) + tg->index;
  return -1;
}

/* Collects every sensitivity parameter; EUNSUPPORTED for a species
   initial value from theta. */
static muskx_status choose(const struct muskx_petab *pb, muskx_sim *sim,
                           gscratch *g) {
  for (int i = 0; i < pb->nparams; i++)
    if (pb->params[i].theta >= 0) add_slot(g, pb, pb->params[i].model_param);
  for (int e = 0; e < pb->nexp; e++)
    for (int k = 0; k < pb->nph; k++) {
      int par = pb->exps[e].ph[k].par;
      if (par >= 0 && pb->params[par].theta >= 0) add_slot(g, pb, pb->ph_model[k]);
    }
  for (int c = 0; c < pb->nconds; c++)
    for (int j = 0; j < pb->ntargets; j++) {
      int par = pb->conds[c].values[j].par;
      if (par < 0 || pb->params[par].theta < 0) continue;
      if (pb->targets[j].kind == MUSKX__PETAB_TGT_SPECIES)
        return muskx__sim_err(sim, MUSKX_EUNSUPPORTED,
                              "condition '%s' sets the initial value of "
                              "'%s' to the estimated parameter '%s': "
                              "gradients for that are not supported yet",
                              pb->conds[c].id, pb->targets[j].id,
                              pb->params[par].id);
      add_slot(g, pb, target_slot(pb, j));
    }
  if (g->np == 0) return MUSKX_OK;
  return muskx_sim_set_sens_params(sim, g->names, g->np);
}

/* d value / d theta of parameter-table entry par (0 when not estimated). */
static double dvalue(const struct muskx_petab *pb, int par, const double *plin) {
  if (par < 0 || pb->params[par].theta < 0) return 0;
  switch (pb->params[par].scale) {
    case MUSKX__PETAB_LOG: return plin[par];
    case MUSKX__PETAB_LOG10: return plin[par] * log(10.0);
    case MUSKX__PETAB_LIN: break;
  }
  return 1;
}

/* Fills g->map for experiment x: which theta each slot follows. */
static void experiment_map(const struct muskx_petab *pb,
                           const muskx__petab_experiment *x, gscratch *g) {
  size_t nt = (size_t)pb->ntheta;
  memset(g->map, 0, (size_t)g->np * nt * sizeof *g->map);
#define MAP(idx, par)                                                     \
  do {                                                                    \
    int s_ = find_slot(g, (idx));                                         \
    if (s_ >= 0 && (par) >= 0 && pb->params[(par)].theta >= 0) {          \
      memset(g->map + (size_t)s_ * nt, 0, nt * sizeof *g->map);           \
      g->map[(size_t)s_ * nt + (size_t)pb->params[(par)].theta] =         \
          dvalue(pb, (par), g->plin);                                     \
    } else if (s_ >= 0) {                                                 \
      memset(g->map + (size_t)s_ * nt, 0, nt * sizeof *g->map);           \
    }                                                                     \
  } while (0)
  /* In the order petab_eval.c sets them: table, placeholders, conditions
     (pre-equilibration first); a later setting replaces an earlier one. */
  for (int i = 0; i < pb->nparams; i++)
    if (pb->params[i].model_param >= 0) MAP(pb->params[i].model_param, i);
  for (int k = 0; k < pb->nph; k++)
    if (x->ph[k].par != -2) MAP(pb->ph_model[k], x->ph[k].par);
  for (int pass = 0; pass < 2; pass++) {
    int c = pass == 0 ? x->preeq : x->cond;
    if (c < 0) continue;
    for (int j = 0; j < pb->ntargets; j++) {
      const muskx__petab_value *v = &pb->conds[c].values[j];
      if (v->par < 0 && isnan(v->num)) continue; /* keeps the value */
      int idx = target_slot(pb, j);
      if (idx >= 0) MAP(idx, v->par);
    }
  }
#undef MAP
}

/* Runs experiment e with sensitivities into g->out and g->sens. */
static muskx_status simulate(const struct muskx_petab *pb, muskx_sim *sim,
                             int e, gscratch *g) {
  const muskx__petab_experiment *x = &pb->exps[e];
  const char *cond = pb->conds[x->cond].id;
  const double *plin = g->plin;
  muskx_status st = muskx_sim_reset(sim);
  for (int i = 0; i < pb->nparams && st == MUSKX_OK; i++)
    if (pb->params[i].model_param >= 0)
      st = muskx_sim_set_param_index(sim, pb->params[i].model_param, plin[i]);
  for (int k = 0; k < pb->nph && st == MUSKX_OK; k++)
    if (x->ph[k].par != -2)
      st = muskx_sim_set_param_index(
          sim, pb->ph_model[k],
          x->ph[k].par >= 0 ? plin[x->ph[k].par] : x->ph[k].num);
  if (st != MUSKX_OK)
    return muskx__petab_fail_in(sim, st, "setting up condition", cond);
  if (x->preeq >= 0) {
    st = muskx__petab_apply_condition(pb, sim, x->preeq, plin);
    if (st == MUSKX_OK) st = muskx_sim_steady_state_sens(sim, NULL, NULL);
    if (st != MUSKX_OK)
      return muskx__petab_fail_in(sim, st, "pre-equilibration under condition",
                                  pb->conds[x->preeq].id);
  }
  st = muskx__petab_apply_condition(pb, sim, x->cond, plin);
  if (st == MUSKX_OK)
    st = muskx_sim_run_sens(sim, x->times, (int)x->ntimes, g->out, g->sens);
  if (st != MUSKX_OK)
    return muskx__petab_fail_in(sim, st, "simulating condition", cond);
  if (x->has_inf) {
    const double t0 = 0.0;
    size_t ncols = (size_t)muskx_sim_ncols(sim);
    st = muskx_sim_steady_state_sens(sim, NULL, NULL);
    if (st == MUSKX_OK)
      st = muskx_sim_run_sens(sim, &t0, 1, g->out + x->ntimes * ncols,
                              g->sens + x->ntimes * ncols * (size_t)g->np);
    if (st != MUSKX_OK)
      return muskx__petab_fail_in(sim, st,
                                  "steady state (time inf) of condition", cond);
  }
  return MUSKX_OK;
}

/* d column c of row / d theta into d (ntheta). */
static void dcol(const gscratch *g, const double *srow, size_t c, int ntheta,
                 double *d) {
  for (int k = 0; k < ntheta; k++) d[k] = 0;
  for (int s = 0; s < g->np; s++) {
    double v = srow[c * (size_t)g->np + (size_t)s];
    if (v == 0) continue;
    for (int k = 0; k < ntheta; k++)
      d[k] += v * g->map[(size_t)s * (size_t)ntheta + (size_t)k];
  }
}

muskx_status muskx_petab_gradient(const muskx_petab *pb, muskx_sim *sim,
                                  const double *theta, double *residual,
                                  double *sigma, double *dresidual,
                                  double *dsigma, double *llh) {
  if (pb == NULL || sim == NULL || (theta == NULL && pb->ntheta > 0) ||
      residual == NULL || sigma == NULL || dresidual == NULL ||
      dsigma == NULL)
    return sim == NULL ? MUSKX_EINVAL
                       : muskx__sim_err(sim, MUSKX_EINVAL, "NULL argument");
  if (sim->m != pb->model)
    return muskx__sim_err(sim, MUSKX_EINVAL,
                          "the simulation is not of this problem's model");
  muskx_status st = MUSKX_OK;
  size_t nt = (size_t)pb->ntheta, ncols = (size_t)muskx_sim_ncols(sim);
  size_t nspecies = (size_t)muskx_model_count(pb->model, MUSKX_SPECIES);
  memset(dresidual, 0, (size_t)pb->nmeas * nt * sizeof *dresidual);
  memset(dsigma, 0, (size_t)pb->nmeas * nt * sizeof *dsigma);
  if (nt == 0) /* nothing estimated: the plain evaluation says it all */
    return muskx__petab_evaluate(pb, sim, theta, NULL, residual, sigma, NULL,
                                 llh, NULL);
  size_t rows = 1, maxnp = (size_t)pb->nparams + (size_t)pb->nph +
                           (size_t)pb->ntargets + 1;
  for (int e = 0; e < pb->nexp; e++)
    if (pb->exps[e].ntimes + 1 > rows) rows = pb->exps[e].ntimes + 1;
  gscratch g;
  memset(&g, 0, sizeof g);
  g.slot = muskx__calloc(maxnp, sizeof *g.slot);
  g.names = muskx__calloc(maxnp, sizeof *g.names);
  g.plin = muskx__calloc((size_t)pb->nparams + 1, sizeof *g.plin);
  g.out = muskx__calloc(rows * ncols, sizeof *g.out);
  g.sens = muskx__calloc(rows * ncols * maxnp, sizeof *g.sens);
  g.map = muskx__calloc(maxnp * nt, sizeof *g.map);
  double *dy = muskx__calloc(2 * nt, sizeof *dy);
  if (!g.slot || !g.names || !g.plin || !g.out || !g.sens || !g.map || !dy) {
    st = muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
    goto done;
  }
  for (int i = 0; i < pb->nparams; i++) {
    const muskx__petab_param *p = &pb->params[i];
    g.plin[i] = p->theta >= 0 ? muskx__petab_unscale(theta[p->theta], p->scale)
                              : p->nominal;
  }
  if ((st = choose(pb, sim, &g)) != MUSKX_OK) goto done;
  if (g.np == 0) { /* theta reaches no model parameter */
    st = muskx__petab_evaluate(pb, sim, theta, NULL, residual, sigma, NULL,
                               llh, NULL);
    goto done;
  }
  double sum = 0;
  for (int e = 0; e < pb->nexp && st == MUSKX_OK; e++) {
    const muskx__petab_experiment *x = &pb->exps[e];
    if ((st = simulate(pb, sim, e, &g)) != MUSKX_OK) break;
    experiment_map(pb, x, &g);
    for (int i = 0; i < pb->nmeas; i++) {
      const muskx__petab_measurement *m = &pb->meas[i];
      if (m->exp != e) continue;
      const muskx__petab_observable *o = &pb->obs[m->obs];
      size_t row = m->row >= 0 ? (size_t)m->row : x->ntimes;
      const double *srow = g.sens + row * ncols * (size_t)g.np;
      double y = g.out[row * ncols + nspecies + (size_t)o->out_obs];
      sigma[i] = g.out[row * ncols + nspecies + (size_t)o->out_sigma];
      sum += muskx__petab_log_density(o, m->value, y, sigma[i], &residual[i]);
      double *ds = dsigma + (size_t)i * nt, *dr = dresidual + (size_t)i * nt;
      dcol(&g, srow, nspecies + (size_t)o->out_obs, pb->ntheta, dy);
      dcol(&g, srow, nspecies + (size_t)o->out_sigma, pb->ntheta, ds);
      double dT = o->transform == MUSKX__PETAB_LOG     ? 1 / y
                  : o->transform == MUSKX__PETAB_LOG10 ? 1 / (y * log(10.0))
                                                       : 1;
      for (size_t k = 0; k < nt; k++)
        dr[k] = -(dT * dy[k] + residual[i] * ds[k]) / sigma[i];
    }
  }
  if (st == MUSKX_OK && llh != NULL) *llh = sum;
done:
  muskx__free(g.slot);
  muskx__free(g.names);
  muskx__free(g.plin);
  muskx__free(g.out);
  muskx__free(g.sens);
  muskx__free(g.map);
  muskx__free(dy);
  return st;
}

int muskx_petab_measurement_laplace(const muskx_petab *pb, int i) {
  if (pb == NULL || i < 0 || i >= pb->nmeas) return -1;
  return pb->obs[pb->meas[i].obs].laplace != 0;
}

double muskx_petab_measurement_value(const muskx_petab *pb, int i) {
  if (pb == NULL || i < 0 || i >= pb->nmeas) return NAN;
  return pb->meas[i].value;
}
