/*
 * petab_eval.c -- evaluates a PEtab problem at a parameter vector: one
 * simulation per experiment (petab.h), then each measurement's residual,
 * sigma and log density.
 *
 * Order of settings in one experiment, as PEtab defines it: the parameter
 * table's values (estimated ones from theta, the others at their nominal
 * values) and the experiment's placeholder values; then, with
 * pre-equilibration, the pre-equilibration condition and a steady state,
 * which becomes the initial state; then the simulation condition, whose
 * species values re-initialise those species (a NaN keeps the
 * pre-equilibrated, or else the model's, value). The run starts at t = 0.
 * A measurement at time inf is taken at the steady state reached from that
 * start.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "petab.h"
#include "sim.h"

#define LOG_2PI 1.8378770664093454835606594728112 /* log(2 pi) */

double muskx__petab_unscale(double x, muskx__petab_scale s) {
  switch (s) {
    case MUSKX__PETAB_LOG: return exp(x);
    case MUSKX__PETAB_LOG10: return pow(10.0, x);
    case MUSKX__PETAB_LIN: break;
  }
  return x;
}

double muskx__petab_dunscale(double p, muskx__petab_scale s) {
  switch (s) {
    case MUSKX__PETAB_LOG: return p;
    case MUSKX__PETAB_LOG10: return p * log(10.0);
    case MUSKX__PETAB_LIN: break;
  }
  return 1.0;
}

double muskx__petab_toscale(double x, muskx__petab_scale s) {
  switch (s) {
    case MUSKX__PETAB_LOG: return log(x);
    case MUSKX__PETAB_LOG10: return log10(x);
    case MUSKX__PETAB_LIN: break;
  }
  return x;
}

static double value_of(const muskx__petab_value *v, const double *plin) {
  return v->par >= 0 ? plin[v->par] : v->num;
}

/* Sets the condition's values; species only when not NaN. */
static muskx_status apply_condition(const struct muskx_petab *pb,
                                    muskx_sim *sim, int c,
                                    const double *plin) {
  const muskx__petab_condition *cd = &pb->conds[c];
  for (int j = 0; j < pb->ntargets; j++) {
    const muskx__petab_target *tg = &pb->targets[j];
    double v = value_of(&cd->values[j], plin);
    if (isnan(v)) continue;
    muskx_status st;
    if (tg->kind == MUSKX__PETAB_TGT_SPECIES)
      st = muskx_sim_set_initial_index(sim, tg->index, v);
    else
      st = muskx_sim_set_param_index(
          sim, tg->kind == MUSKX__PETAB_TGT_PARAM
                   ? tg->index
                   : muskx_model_count(pb->model, MUSKX_PARAMETER) + tg->index,
          v);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* Adds "in condition X: " before the sim's message. */
static muskx_status fail_in(muskx_sim *sim, muskx_status st, const char *what,
                            const char *cond) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  snprintf(msg, sizeof msg, "%s", muskx_sim_errmsg(sim));
  return muskx__sim_err(sim, st, "%s '%s': %s", what, cond, msg);
}

/* Pre-equilibrated states of one evaluation: experiments that share a
   pre-equilibration condition share its steady state (placeholders, the
   only thing that differs between them, appear in outputs only). */
typedef struct preeq_cache {
  double *y;          /* nconds * nspecies */
  unsigned char *have; /* per condition */
  int nspecies;
} preeq_cache;

static muskx_status preequilibrate(const struct muskx_petab *pb,
                                   muskx_sim *sim, int c, const double *plin,
                                   preeq_cache *pc) {
  double *y = pc->y + (size_t)c * (size_t)pc->nspecies;
  muskx_status st = apply_condition(pb, sim, c, plin);
  if (st != MUSKX_OK) return st;
  if (pc->have[c]) {
    for (int i = 0; i < pc->nspecies && st == MUSKX_OK; i++)
      st = muskx_sim_set_initial_index(sim, i, y[i]);
    return st;
  }
  st = muskx_sim_steady_state(sim, y, (size_t)pc->nspecies);
  if (st == MUSKX_OK) pc->have[c] = 1;
  return st;
}

/* Simulates experiment e into out (ntimes rows, plus one for the steady
   state when it has a measurement at inf); with sens (nsens parameters
   already chosen on sim), also their sensitivities, rows as in out. */
static muskx_status simulate(const struct muskx_petab *pb, muskx_sim *sim,
                             int e, const double *plin, preeq_cache *pc,
                             double *out, double *sens) {
  const muskx__petab_experiment *x = &pb->exps[e];
  const char *cond = pb->conds[x->cond].id;
  muskx_status st = MUSKX_OK;
  for (int i = 0; i < pb->nparams && st == MUSKX_OK; i++)
    if (pb->params[i].model_param >= 0)
      st = muskx_sim_set_param_index(sim, pb->params[i].model_param, plin[i]);
  for (int k = 0; k < pb->nph && st == MUSKX_OK; k++)
    if (x->ph[k].par != -2)
      st = muskx_sim_set_param_index(sim, pb->ph_model[k],
                                     value_of(&x->ph[k], plin));
  if (st != MUSKX_OK) return fail_in(sim, st, "setting up condition", cond);
  if (x->preeq >= 0) {
    const char *pre = pb->conds[x->preeq].id;
    if (sens == NULL) {
      st = preequilibrate(pb, sim, x->preeq, plin, pc);
    } else { /* initial sensitivities cannot be cached: solve again */
      st = apply_condition(pb, sim, x->preeq, plin);
      if (st == MUSKX_OK) st = muskx_sim_steady_state_sens(sim, NULL, NULL);
    }
    if (st != MUSKX_OK)
      return fail_in(sim, st, "pre-equilibration under condition", pre);
  }
  st = apply_condition(pb, sim, x->cond, plin);
  if (st == MUSKX_OK)
    st = sens ? muskx_sim_run_sens(sim, x->times, (int)x->ntimes, out, sens)
              : muskx_sim_run(sim, x->times, x->ntimes, out, NULL);
  if (st != MUSKX_OK) return fail_in(sim, st, "simulating condition", cond);
  if (x->has_inf) {
    /* The steady state becomes the initial state: a run of one time point
       then gives its outputs. */
    const double t0 = 0.0;
    size_t row = x->ntimes * (size_t)muskx_sim_ncols(sim);
    if (sens == NULL) {
      st = muskx_sim_steady_state(sim, NULL, 0);
      if (st == MUSKX_OK) st = muskx_sim_run(sim, &t0, 1, out + row, NULL);
    } else {
      st = muskx_sim_steady_state_sens(sim, NULL, NULL);
      if (st == MUSKX_OK)
        st = muskx_sim_run_sens(sim, &t0, 1, out + row,
                                sens + row * (size_t)muskx_sim_sens_count(sim));
    }
    if (st != MUSKX_OK)
      return fail_in(sim, st, "steady state (time inf) of condition", cond);
  }
  return MUSKX_OK;
}

/* Log density and normalised residual of measurement m given y, sigma. */
static double log_density(const muskx__petab_observable *o, double m,
                          double y, double sigma, double *res) {
  double mt = muskx__petab_toscale(m, o->transform);
  double yt = muskx__petab_toscale(y, o->transform);
  double r = (mt - yt) / sigma;
  /* The density of the data on their own scale: d(mt)/dm. */
  double jac = o->transform == MUSKX__PETAB_LOG     ? log(m)
               : o->transform == MUSKX__PETAB_LOG10 ? log(m * log(10.0))
                                                    : 0.0;
  *res = r;
  if (!(sigma > 0) || !isfinite(yt)) {
    *res = NAN;
    return NAN;
  }
  if (o->laplace) return -log(2.0 * sigma) - fabs(r) - jac;
  return -0.5 * LOG_2PI - log(sigma) - 0.5 * r * r - jac;
}

/* Sets up the sensitivities of experiment e: the model values that move
   with theta (found at load, petab_sens.c) become sim's sensitivity
   parameters (none: off), *n their number. Errors are recorded on sim. */
static muskx_status choose_sens(const struct muskx_petab *pb, muskx_sim *sim,
                                int e, const char **names, int *theta,
                                int *n) {
  char why[512];
  *n = muskx__petab_sens_entities(pb, e, names, theta, why, sizeof why);
  if (*n < 0) return muskx__sim_err(sim, MUSKX_EUNSUPPORTED, "%s", why);
  muskx_status st = muskx_sim_set_sens_params(sim, *n > 0 ? names : NULL, *n);
  if (st != MUSKX_OK)
    return fail_in(sim, st, "sensitivities of condition",
                   pb->conds[pb->exps[e].cond].id);
  return MUSKX_OK;
}

/* d(column c of row)/d theta_k, k < ntheta, from the n sensitivities of
   the row (entity j follows theta[j]) times d value / d theta. */
static void column_derivs(const double *srow, int c, int n, const int *theta,
                          const double *dp, int ntheta, double *d) {
  memset(d, 0, (size_t)ntheta * sizeof *d);
  for (int j = 0; j < n; j++)
    d[theta[j]] += srow[(size_t)c * (size_t)n + (size_t)j] * dp[theta[j]];
}

muskx_status muskx__petab_evaluate(const struct muskx_petab *pb,
                                   muskx_sim *sim, const double *theta,
                                   const muskx__petab_out *o) {
  if (pb == NULL || sim == NULL || o == NULL ||
      (theta == NULL && pb->ntheta > 0))
    return MUSKX_EINVAL;
  if (sim->m != pb->model)
    return muskx__sim_err(sim, MUSKX_EINVAL,
                          "the simulation is not of this problem's model");
  for (int k = 0; k < pb->ntheta; k++)
    if (!isfinite(theta[k])) /* e.g. a nominal value the table left empty */
      return muskx__sim_err(sim, MUSKX_EINVAL,
                            "the value of estimated parameter '%s' is %g, "
                            "not a finite number",
                            pb->params[pb->theta_param[k]].id, theta[k]);
  /* the problem's native code for this evaluation (muskx_petab_set_native;
     shared, read-only), detached again at the end, so that the sim never
     keeps a pointer to code the problem may drop later */
  const struct muskx__native *native_before = sim->native;
  if (pb->native != native_before &&
      muskx__sim_set_native(sim, pb->native) != MUSKX_OK)
    return muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
  int derivs = o->dsim || o->dres || o->dsigma || o->grad;
  size_t ncols = (size_t)muskx_sim_ncols(sim), rows = 0, nt = (size_t)pb->ntheta;
  for (int e = 0; e < pb->nexp; e++)
    if (pb->exps[e].ntimes + 1 > rows) rows = pb->exps[e].ntimes + 1;
  size_t nspecies = (size_t)muskx_model_count(pb->model, MUSKX_SPECIES);
  size_t maxsens = derivs ? (size_t)(pb->nparams + pb->nph + pb->ntargets) : 0;
  double *plin = muskx__calloc((size_t)pb->nparams + 1, sizeof *plin);
  double *dp = muskx__calloc(nt + 1, sizeof *dp);
  double *out = muskx__calloc(rows * ncols, sizeof *out);
  double *S = derivs ? muskx__calloc(rows * ncols * maxsens + 1, sizeof *S) : NULL;
  double *dy = muskx__calloc(2 * nt + 1, sizeof *dy);
  const char **names = muskx__calloc(maxsens + 1, sizeof *names);
  int *sth = muskx__calloc(maxsens + 1, sizeof *sth);
  preeq_cache pc = {muskx__calloc((size_t)pb->nconds * nspecies + 1, sizeof(double)),
                    muskx__calloc((size_t)pb->nconds + 1, 1), (int)nspecies};
  muskx_status st = MUSKX_OK;
  if (plin == NULL || dp == NULL || out == NULL || (derivs && S == NULL) ||
      dy == NULL || names == NULL || sth == NULL || pc.y == NULL ||
      pc.have == NULL)
    st = muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
  for (int i = 0; i < pb->nparams && st == MUSKX_OK; i++) {
    const muskx__petab_param *p = &pb->params[i];
    plin[i] = p->theta >= 0 ? muskx__petab_unscale(theta[p->theta], p->scale)
                            : p->nominal;
    if (p->theta >= 0) dp[p->theta] = muskx__petab_dunscale(plin[i], p->scale);
  }
  if (o->grad) memset(o->grad, 0, nt * sizeof *o->grad);
  double sum = 0.0, sumsq = 0.0;
  for (int e = 0; e < pb->nexp && st == MUSKX_OK; e++) {
    int ns = 0;
    if ((st = muskx_sim_reset(sim)) != MUSKX_OK) break;
    if (derivs && (st = choose_sens(pb, sim, e, names, sth, &ns)) != MUSKX_OK)
      break;
    if ((st = simulate(pb, sim, e, plin, &pc, out, ns > 0 ? S : NULL)) != MUSKX_OK)
      break;
    const muskx__petab_experiment *x = &pb->exps[e];
    for (int i = 0; i < pb->nmeas; i++) {
      const muskx__petab_measurement *m = &pb->meas[i];
      if (m->exp != e) continue;
      const muskx__petab_observable *ob = &pb->obs[m->obs];
      size_t row = m->row >= 0 ? (size_t)m->row : x->ntimes;
      size_t cy = nspecies + (size_t)ob->out_obs;
      size_t cs = nspecies + (size_t)ob->out_sigma;
      double y = out[row * ncols + cy], sigma = out[row * ncols + cs];
      if (ob->sigma_is_ph) sigma = value_of(&m->sigma, plin);
      double r, l = log_density(ob, m->value, y, sigma, &r);
      if (o->sim) o->sim[i] = y;
      if (o->res) o->res[i] = r;
      if (o->sigma) o->sigma[i] = sigma;
      if (o->llh_i) o->llh_i[i] = l;
      sum += l;
      sumsq += r * r;
      if (!derivs) continue;
      double *dys = dy, *dss = dy + nt;
      const double *srow = S + row * ncols * (size_t)ns;
      column_derivs(srow, (int)cy, ns, sth, dp, (int)nt, dys);
      if (ob->sigma_is_ph) { /* d sigma / d theta of the override */
        memset(dss, 0, nt * sizeof *dss);
        int par = m->sigma.par, th = par >= 0 ? pb->params[par].theta : -1;
        if (th >= 0) dss[th] = dp[th];
      } else {
        column_derivs(srow, (int)cs, ns, sth, dp, (int)nt, dss);
      }
      muskx__petab_measurement_derivs(ob, m->value, y, sigma, r, dys, dss,
                                      (int)nt,
                                      o->dres ? o->dres + (size_t)i * nt : NULL,
                                      o->grad);
      if (o->dsim) memcpy(o->dsim + (size_t)i * nt, dys, nt * sizeof *dys);
      if (o->dsigma) memcpy(o->dsigma + (size_t)i * nt, dss, nt * sizeof *dss);
    }
  }
  if (derivs) { /* switched off again, keeping the message of a failure */
    char msg[MUSKX_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", muskx_sim_errmsg(sim));
    muskx_sim_set_sens_params(sim, NULL, 0);
    if (st != MUSKX_OK) muskx__sim_err(sim, st, "%s", msg);
  }
  muskx__free(plin);
  muskx__free(dp);
  muskx__free(out);
  muskx__free(S);
  muskx__free(dy);
  muskx__free(names);
  muskx__free(sth);
  muskx__free(pc.y);
  muskx__free(pc.have);
  /* back to the sim's own (none for a caller's sim); NULL cannot fail */
  if (pb->native != native_before &&
      muskx__sim_set_native(sim, native_before) != MUSKX_OK)
    muskx__sim_set_native(sim, NULL);
  if (st != MUSKX_OK) return st;
  if (o->llh) *o->llh = sum;
  if (o->chi2) *o->chi2 = sumsq;
  return MUSKX_OK;
}
