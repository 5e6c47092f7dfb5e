/*
 * fit_sigma.h -- noise parameters that `muskx fit` optimises in closed
 * form (cli/fit_sigma.c; issue 15, docs/fitting.md "Noise parameters").
 *
 * A noise group is an estimated parameter k that is, on its linear scale,
 * the sigma of some normal-noise measurements and enters nothing else
 * (not the model, not an observable, not another sigma). Given the other
 * parameters, nllh is smallest at sigma_k^2 = RSS_k / n_k (the residuals
 * unscaled by sigma), clamped to k's bounds: the fit optimises the other
 * parameters on that profile (hierarchical optimisation, Loos et al.
 * 2018), and k follows.
 */
#ifndef CLI_FIT_SIGMA_H
#define CLI_FIT_SIGMA_H

#include "muskx.h"

typedef struct cli_sigma_groups {
  int ngroups;
  int *group;           /* per measurement: its group, or -1 */
  int *param;           /* per group: the estimated parameter */
  int *count;           /* per group: its measurements */
  double *lo, *hi;      /* per group: bounds of sigma (linear) */
  int *scale;           /* per group: the parameter's scale */
  char *is_noise;       /* per estimated parameter: a group's */
} cli_sigma_groups;

/* Finds the groups of pb: a candidate parameter (muskx_petab_measurement_
   noise_param) is kept when, at theta with residuals r, sigmas s and their
   Jacobians dr, ds (m x n, as muskx_petab_jacobian), it moves no
   measurement's unscaled residual r s and no sigma but its own, and all
   its measurements have normal noise. 0, or -1 out of memory. */
int cli_sigma_groups_find(cli_sigma_groups *g, const muskx_petab *pb,
                          const double *r, const double *s, const double *dr,
                          const double *ds);
void cli_sigma_groups_free(cli_sigma_groups *g);

/* The closed-form sigma of each group given residuals r and sigmas s
   (m each): sig (ngroups) receives sqrt(RSS / n) within the bounds;
   rss is scratch of ngroups. */
void cli_sigma_optimal(const cli_sigma_groups *g, int m, const double *r,
                       const double *s, double *rss, double *sig);

/* Writes the groups' sigmas sig into theta, on each parameter's scale. */
void cli_sigma_to_theta(const cli_sigma_groups *g, const double *sig,
                        double *theta);

#endif
