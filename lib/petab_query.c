/*
 * petab_query.c -- per-measurement facts of a loaded PEtab problem that a
 * fit needs besides the residuals (issue 15): the noise distribution
 * (least squares or not) and the measured value (the fit plot's data).
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
