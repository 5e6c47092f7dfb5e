/*
 * fit_sigma.c -- noise parameters optimised in closed form (see
 * fit_sigma.h). Why: with sigma a free parameter, Gauss-Newton on the
 * joint problem can shrink a sigma early and then crawl with huge scaled
 * residuals (Boehm: starts ending at nllh 1e8 after 1000 iterations);
 * optimising sigma exactly at every point removes those parameters from
 * the search and keeps the scaled residuals of order one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_sigma.h"

void cli_sigma_groups_free(cli_sigma_groups *g) {
  free(g->group);
  free(g->param);
  free(g->count);
  free(g->lo);
  free(g->hi);
  free(g->scale);
  free(g->is_noise);
  memset(g, 0, sizeof *g);
}

static double unscale(double x, int scale) {
  return scale == MUSKX_PETAB_LOG10 ? pow(10, x)
         : scale == MUSKX_PETAB_LOG ? exp(x)
                                    : x;
}

static double toscale(double x, int scale) {
  return scale == MUSKX_PETAB_LOG10 ? log10(x)
         : scale == MUSKX_PETAB_LOG ? log(x)
                                    : x;
}

/* Does parameter k move nothing but the sigma of its own measurements?
   Exactly zero derivatives: an entity the parameter does not reach gets
   structural zeros from the sensitivities. */
static int only_sigma(const muskx_petab *pb, int k, const double *r,
                      const double *s, const double *dr, const double *ds) {
  int m = muskx_petab_nmeasurements(pb), n = muskx_petab_nparams(pb);
  for (int i = 0; i < m; i++) {
    size_t at = (size_t)i * (size_t)n + (size_t)k;
    if (muskx_petab_measurement_noise_param(pb, i) == k) {
      if (muskx_petab_measurement_laplace(pb, i) != 0) return 0;
      /* r = e / s with e free of k: d(r s)/dk = dr s + r ds = 0 */
      double de = dr[at] * s[i] + r[i] * ds[at];
      if (!(fabs(de) <= 1e-9 * (fabs(r[i] * ds[at]) + 1e-300))) return 0;
    } else if (dr[at] != 0 || ds[at] != 0) {
      return 0;
    }
  }
  return 1;
}

int cli_sigma_groups_find(cli_sigma_groups *g, const muskx_petab *pb,
                          const double *r, const double *s, const double *dr,
                          const double *ds) {
  int m = muskx_petab_nmeasurements(pb), n = muskx_petab_nparams(pb);
  memset(g, 0, sizeof *g);
  g->group = malloc((size_t)m * sizeof *g->group);
  g->param = malloc((size_t)n * sizeof *g->param);
  g->count = calloc((size_t)n, sizeof *g->count);
  g->lo = malloc((size_t)n * sizeof *g->lo);
  g->hi = malloc((size_t)n * sizeof *g->hi);
  g->scale = malloc((size_t)n * sizeof *g->scale);
  g->is_noise = calloc((size_t)n, 1);
  int *slot = malloc((size_t)n * sizeof *slot);
  if (!g->group || !g->param || !g->count || !g->lo || !g->hi || !g->scale ||
      !g->is_noise || !slot) {
    free(slot);
    cli_sigma_groups_free(g);
    return -1;
  }
  for (int k = 0; k < n; k++) slot[k] = -2; /* not looked at yet */
  for (int i = 0; i < m; i++) {
    int k = muskx_petab_measurement_noise_param(pb, i);
    g->group[i] = -1;
    if (k < 0) continue;
    if (slot[k] == -2) {
      slot[k] = -1;
      if (only_sigma(pb, k, r, s, dr, ds)) {
        double lo, hi;
        muskx_petab_param_info(pb, k, &lo, &hi, NULL);
        int sc = muskx_petab_param_scale(pb, k);
        slot[k] = g->ngroups;
        g->param[g->ngroups] = k;
        g->scale[g->ngroups] = sc;
        g->lo[g->ngroups] = unscale(lo, sc);
        g->hi[g->ngroups] = unscale(hi, sc);
        g->is_noise[k] = 1;
        g->ngroups++;
      }
    }
    if (slot[k] >= 0) {
      g->group[i] = slot[k];
      g->count[slot[k]]++;
    }
  }
  free(slot);
  return 0;
}

void cli_sigma_optimal(const cli_sigma_groups *g, int m, const double *r,
                       const double *s, double *rss, double *sig) {
  for (int q = 0; q < g->ngroups; q++) rss[q] = 0;
  for (int i = 0; i < m; i++)
    if (g->group[i] >= 0) {
      double e = r[i] * s[i];
      rss[g->group[i]] += e * e;
    }
  for (int q = 0; q < g->ngroups; q++) {
    double v = sqrt(rss[q] / g->count[q]);
    sig[q] = fmin(fmax(v, g->lo[q]), g->hi[q]);
  }
}

void cli_sigma_to_theta(const cli_sigma_groups *g, const double *sig,
                        double *theta) {
  for (int q = 0; q < g->ngroups; q++)
    theta[g->param[q]] = toscale(sig[q], g->scale[q]);
}
