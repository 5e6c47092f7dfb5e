/*
 * petab_sens.c -- which model values of an experiment move with the
 * estimated parameters theta, for forward sensitivities.
 *
 * An estimated parameter reaches the model as: the model parameter of the
 * same id; a placeholder whose override names it; a condition-table cell
 * (a parameter, compartment or species initial value) that names it. Each
 * such model value becomes one sensitivity parameter of the simulation,
 * tagged with the theta it follows, and d/d theta_k is the sum over the
 * values tagged k (times d value / d theta_k for the scale).
 *
 * Of these, an experiment keeps only the values that can move the
 * outputs it measures (its observables and their sigmas), by the model's
 * structure (sens_reach.h, which says why the others' derivatives are 0):
 * a model parameter of the muscle does not get a sensitivity in an
 * experiment that measures only bone, unless muscle feeds back into bone.
 * pb->sens_keep_all turns this off (tests compare both ways).
 *
 * All of it depends only on the tables (which parameters are estimated,
 * which condition cells name them, which observables each experiment
 * measures) and on the model's compiled structure, never on theta, so it
 * is found once when the problem loads (muskx__petab_sens_prepare, into
 * pb->sens) and each evaluation only copies an experiment's list.
 *
 * A condition column whose value comes from different estimated
 * parameters (or from one and a constant) before and after
 * pre-equilibration would need two sensitivity parameters for one model
 * value; that is refused (EUNSUPPORTED), naming the column, when
 * derivatives are asked for (the problem loads and evaluates without).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "petab.h"
#include "sens_reach.h"

/* The theta index a value follows, or -1 (a number, a fixed parameter). */
static int theta_of(const struct muskx_petab *pb, const muskx__petab_value *v) {
  return v->par >= 0 ? pb->params[v->par].theta : -1;
}

static int is_set(const muskx__petab_value *v) {
  return v->par >= 0 || !isnan(v->num);
}

/* Adds (name, th); -1 when name is already there with another theta. */
static int add(const char **names, int *theta, int *n, const char *name,
               int th) {
  for (int j = 0; j < *n; j++)
    if (strcmp(names[j], name) == 0) return theta[j] == th ? 0 : -1;
  names[*n] = name;
  theta[*n] = th;
  (*n)++;
  return 0;
}

/* The scratch flags of keep_reaching, sized for pb->model once. */
typedef struct reach_buf {
  unsigned char *out, *slots, *species;
} reach_buf;

/* Sets keep[j] for the n values names[j] of experiment e: 1 when it can
   move the outputs e measures (the model's structure, sens_reach.h); all
   1 when the model has no sensitivity programs. Returns 0, -2 out of
   memory. */
static int keep_reaching(const struct muskx_petab *pb, int e, reach_buf *b,
                         const char **names, int n, unsigned char *keep) {
  const muskx_model *m = pb->model;
  int nout = muskx_model_count(m, MUSKX_OUTPUT);
  memset(b->out, 0, (size_t)nout + 1);
  for (int i = 0; i < pb->nmeas; i++) {
    if (pb->meas[i].exp != e) continue;
    const muskx__petab_observable *o = &pb->obs[pb->meas[i].obs];
    if (o->out_obs >= 0) b->out[o->out_obs] = 1;
    if (o->out_sigma >= 0) b->out[o->out_sigma] = 1;
  }
  int rc = muskx__sens_reach(m, b->out, b->slots, b->species);
  if (rc == -2) return -2;
  if (rc != 0) { /* no sensitivity programs: every value is kept */
    memset(keep, 1, (size_t)n);
    return 0;
  }
  for (int j = 0; j < n; j++) {
    int slot = muskx_model_find(m, MUSKX_PARAMETER, names[j]);
    int c = slot < 0 ? muskx_model_find(m, MUSKX_COMPARTMENT, names[j]) : -1;
    int sp = slot < 0 && c < 0 ? muskx_model_find(m, MUSKX_SPECIES, names[j])
                               : -1;
    if (c >= 0) slot = muskx_model_count(m, MUSKX_PARAMETER) + c;
    /* a name of neither kind is kept: the sensitivities refuse it */
    keep[j] = slot >= 0 ? b->slots[slot] : sp >= 0 ? b->species[sp] : 1;
  }
  return 0;
}

/* Every model value of experiment e that moves with theta, in names and
   theta (arrays of nparams + nph + ntargets); returns their number, or -1
   with a reason in why. */
static int all_entities(const struct muskx_petab *pb, int e,
                        const char **names, int *theta, char *why,
                        size_t whysize) {
  const muskx__petab_experiment *x = &pb->exps[e];
  int n = 0;
  for (int i = 0; i < pb->nparams; i++)
    if (pb->params[i].theta >= 0 && pb->params[i].model_param >= 0)
      add(names, theta, &n, pb->params[i].id, pb->params[i].theta);
  for (int k = 0; k < pb->nph; k++) {
    if (x->ph[k].par == -2) continue;
    int th = theta_of(pb, &x->ph[k]);
    if (th >= 0) add(names, theta, &n, pb->ph_names[k], th);
  }
  for (int j = 0; j < pb->ntargets; j++) {
    const muskx__petab_value *vc = &pb->conds[x->cond].values[j];
    const muskx__petab_value *vp =
        x->preeq >= 0 ? &pb->conds[x->preeq].values[j] : NULL;
    int species = pb->targets[j].kind == MUSKX__PETAB_TGT_SPECIES;
    int thc = is_set(vc) ? theta_of(pb, vc) : -1;
    int thp = vp != NULL && is_set(vp) ? theta_of(pb, vp) : -1;
    /* A parameter keeps its pre-equilibration value when the simulation
       condition leaves it alone; a species keeps its steady state. */
    if (!species && vp != NULL && !is_set(vc)) thc = thp;
    int th = thc >= 0 ? thc : thp;
    if (th < 0) continue;
    /* A species re-initialised by the simulation condition starts from
       that value, so its pre-equilibration source must then agree. */
    int conflict = vp != NULL && (species ? thp >= 0 && is_set(vc) && thc != thp
                                          : thp != thc);
    if (conflict || add(names, theta, &n, pb->targets[j].id, th) != 0) {
      snprintf(why, whysize,
               "condition column '%s' follows different estimated "
               "parameters (or an estimated parameter and a number) in "
               "conditions '%s' and '%s'; derivatives for that are not "
               "supported", pb->targets[j].id,
               x->preeq >= 0 ? pb->conds[x->preeq].id : "-",
               pb->conds[x->cond].id);
      return -1;
    }
  }
  return n;
}

/* Fills l, experiment e's entry of pb->sens; -2 out of memory. names and
   theta are scratch arrays of nparams + nph + ntargets. */
static int prepare_one(const struct muskx_petab *pb, int e, reach_buf *b,
                       const char **names, int *theta,
                       muskx__petab_sens_list *l) {
  char why[512];
  int n = all_entities(pb, e, names, theta, why, sizeof why);
  if (n < 0) return (l->why = muskx__strdup(why)) == NULL ? -2 : 0;
  l->names = muskx__calloc((size_t)n + 1, sizeof *l->names);
  l->theta = muskx__calloc((size_t)n + 1, sizeof *l->theta);
  l->keep = muskx__calloc((size_t)n + 1, 1);
  if (l->names == NULL || l->theta == NULL || l->keep == NULL) return -2;
  l->n = n;
  if (n > 0) {
    memcpy(l->names, names, (size_t)n * sizeof *names);
    memcpy(l->theta, theta, (size_t)n * sizeof *theta);
  }
  return keep_reaching(pb, e, b, l->names, n, l->keep);
}

muskx_status muskx__petab_sens_prepare(struct muskx_petab *pb,
                                       muskx_error *err) {
  const muskx_model *m = pb->model;
  size_t max = (size_t)(pb->nparams + pb->nph + pb->ntargets) + 1;
  size_t npl = (size_t)(muskx_model_count(m, MUSKX_PARAMETER) +
                        muskx_model_count(m, MUSKX_COMPARTMENT));
  reach_buf b = {
      muskx__calloc((size_t)muskx_model_count(m, MUSKX_OUTPUT) + 1, 1),
      muskx__calloc(npl + 1, 1),
      muskx__calloc((size_t)muskx_model_count(m, MUSKX_SPECIES) + 1, 1)};
  const char **names = muskx__calloc(max, sizeof *names);
  int *theta = muskx__calloc(max, sizeof *theta);
  pb->sens = muskx__calloc((size_t)pb->nexp + 1, sizeof *pb->sens);
  int rc = b.out && b.slots && b.species && names && theta && pb->sens ? 0 : -2;
  for (int e = 0; e < pb->nexp && rc == 0; e++)
    rc = prepare_one(pb, e, &b, names, theta, &pb->sens[e]);
  muskx__free(b.out);
  muskx__free(b.slots);
  muskx__free(b.species);
  muskx__free(names);
  muskx__free(theta);
  if (rc == 0) return MUSKX_OK;
  return muskx__seterr(err, MUSKX_ENOMEM, NULL,
                       "out of memory (the sensitivities of the problem's "
                       "experiments)");
}

void muskx__petab_sens_clear(struct muskx_petab *pb) {
  for (int e = 0; pb->sens != NULL && e < pb->nexp; e++) {
    muskx__free(pb->sens[e].names);
    muskx__free(pb->sens[e].theta);
    muskx__free(pb->sens[e].keep);
    muskx__free(pb->sens[e].why);
  }
  muskx__free(pb->sens);
  pb->sens = NULL;
}

int muskx__petab_sens_entities(const struct muskx_petab *pb, int e,
                               const char **names, int *theta, char *why,
                               size_t whysize) {
  if (pb->sens == NULL || e < 0 || e >= pb->nexp) {
    snprintf(why, whysize, "no sensitivities prepared for experiment %d", e);
    return -1;
  }
  const muskx__petab_sens_list *l = &pb->sens[e];
  if (l->why != NULL) {
    snprintf(why, whysize, "%s", l->why);
    return -1;
  }
  int n = 0;
  for (int j = 0; j < l->n; j++) {
    if (!pb->sens_keep_all && !l->keep[j]) continue;
    names[n] = l->names[j];
    theta[n] = l->theta[j];
    n++;
  }
  return n;
}

void muskx__petab_measurement_derivs(const muskx__petab_observable *o,
                                     double m, double y, double sigma,
                                     double r, const double *dy,
                                     const double *dsigma, int ntheta,
                                     double *dres, double *grad) {
  (void)m; /* the data's own Jacobian term does not depend on theta */
  /* d(transformed y)/dy */
  double dt = o->transform == MUSKX__PETAB_LOG     ? 1.0 / y
              : o->transform == MUSKX__PETAB_LOG10 ? 1.0 / (y * log(10.0))
                                                   : 1.0;
  /* The derivative of |r| at 0 is taken as 0 (a subgradient). */
  double sgn = o->laplace ? (r > 0) - (r < 0) : r;
  for (int k = 0; k < ntheta; k++) {
    double dr = (-dt * dy[k] - r * dsigma[k]) / sigma;
    if (dres) dres[k] = dr;
    /* normal: l = -log(sigma) - r^2/2 - ...; Laplace: -log(2 sigma) - |r| */
    if (grad) grad[k] += -dsigma[k] / sigma - sgn * dr;
  }
}
