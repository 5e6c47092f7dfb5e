/*
 * petab_query.c -- per-measurement facts of a loaded PEtab problem that a
 * fit needs besides the residuals (issue 15): the noise distribution
 * (least squares or not), the measured value (the fit plot's data) and
 * the estimated parameter that is the measurement's sigma, if any (what
 * a fit may optimise in closed form, sigma^2 = RSS / n).
 */
#include <math.h>

#include "petab.h"

int muskx_petab_measurement_laplace(const muskx_petab *pb, int i) {
  if (pb == NULL || i < 0 || i >= pb->nmeas) return -1;
  return pb->obs[pb->meas[i].obs].laplace != 0;
}

double muskx_petab_measurement_value(const muskx_petab *pb, int i) {
  if (pb == NULL || i < 0 || i >= pb->nmeas) return NAN;
  return pb->meas[i].value;
}

int muskx_petab_measurement_noise_param(const muskx_petab *pb, int i) {
  if (pb == NULL || i < 0 || i >= pb->nmeas) return -1;
  const muskx__petab_measurement *m = &pb->meas[i];
  /* sigma_is_ph: the noise formula is the bare placeholder, and sigma is
     the row's override; an override naming a parameter of the table is
     that parameter's linear value (petab_eval.c) */
  if (!pb->obs[m->obs].sigma_is_ph || m->sigma.par < 0) return -1;
  return pb->params[m->sigma.par].theta;
}
