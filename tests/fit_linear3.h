/*
 * fit_linear3.h -- the linear least-squares problem of the fit accuracy
 * tests (test_fit_accuracy.c, test_fit_jacobian_accuracy.c): r = A x - b,
 * off by d at the search's accuracy, so the full optimum x* and the
 * search's x_d are known in closed form (lin3_optima).
 */
#ifndef MUSKX_TESTS_FIT_LINEAR3_H
#define MUSKX_TESTS_FIT_LINEAR3_H

static const double A[3][2] = {{1, 2}, {3, -1}, {0.5, 4}};
static const double B[3] = {1, -2, 3};
static const double D[3] = {0.3, -0.2, 0.25};

/* argmin |A x - c| by the normal equations (2 x 2, Cramer) */
static inline void lin3_lsq(const double *c, double *x) {
  double m00 = 0, m01 = 0, m11 = 0, v0 = 0, v1 = 0;
  for (int i = 0; i < 3; i++) {
    m00 += A[i][0] * A[i][0];
    m01 += A[i][0] * A[i][1];
    m11 += A[i][1] * A[i][1];
    v0 += A[i][0] * c[i];
    v1 += A[i][1] * c[i];
  }
  double det = m00 * m11 - m01 * m01;
  x[0] = (m11 * v0 - m01 * v1) / det;
  x[1] = (m00 * v1 - m01 * v0) / det;
}

/* the full optimum x* = argmin |A x - b| and the search's x_d, the
   argmin of the residuals off by d */
static inline void lin3_optima(double *xs, double *xd) {
  double bd[3];
  for (int i = 0; i < 3; i++) bd[i] = B[i] - D[i];
  lin3_lsq(B, xs);
  lin3_lsq(bd, xd);
}

#endif
