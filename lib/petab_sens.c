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
 * A condition column whose value comes from different estimated
 * parameters (or from one and a constant) before and after
 * pre-equilibration would need two sensitivity parameters for one model
 * value; that is refused (EUNSUPPORTED), naming the column.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "petab.h"

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

int muskx__petab_sens_entities(const struct muskx_petab *pb, int e,
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
