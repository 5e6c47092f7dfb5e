/*
 * fit_lsq.c -- the pieces the local least-squares methods share (the
 * dogleg of fit_dogbox.c, the projected LM of fit_plm.c and the trust
 * region of fit_fides.c): the start clamped into the box, evaluating the
 * residuals and Jacobian over the free parameters, and the norms and
 * gradient of the cost 0.5 |r|^2.
 */
#include <math.h>

#include "fit.h"

static int finite_all(const double *a, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(a[i])) return 0;
  return 1;
}

int muskx__lsq_call(const muskx_fit *f, int worker, const int *idx, int n,
                    size_t m, double *full, double *jfull, const double *x,
                    double *r, double *J) {
  for (int k = 0; k < n; k++) full[idx[k]] = x[k];
  if (f->resid(f->ctx, worker, full, r, J ? jfull : NULL) != 0 ||
      !finite_all(r, m))
    return -1;
  if (J == NULL) return 0;
  size_t nf = (size_t)f->n;
  for (size_t i = 0; i < m; i++)
    for (int k = 0; k < n; k++) {
      double a = jfull[i * nf + (size_t)idx[k]];
      if (!isfinite(a)) return -1;
      J[i * (size_t)n + (size_t)k] = a;
    }
  return 0;
}

double muskx__lsq_half_sq(const double *r, size_t m) {
  double s = 0;
  for (size_t i = 0; i < m; i++) s += r[i] * r[i];
  return 0.5 * s;
}

double muskx__lsq_norm2(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * a[i];
  return sqrt(s);
}

void muskx__lsq_gradient(const double *J, const double *r, size_t m, int n,
                         double *g) {
  for (int k = 0; k < n; k++) {
    double a = 0;
    for (size_t i = 0; i < m; i++) a += J[i * (size_t)n + (size_t)k] * r[i];
    g[k] = a;
  }
}

void muskx__lsq_box_start(const muskx_fit *f, const int *idx, int n,
                          const double *full, double *lo, double *hi,
                          double *x, int *onb) {
  for (int k = 0; k < n; k++) {
    lo[k] = f->lower[idx[k]];
    hi[k] = f->upper[idx[k]];
    x[k] = fmin(fmax(full[idx[k]], lo[k]), hi[k]);
    onb[k] = x[k] <= lo[k] ? -1 : x[k] >= hi[k] ? 1 : 0;
  }
}
