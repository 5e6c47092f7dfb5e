/*
 * bench_fit_optimisers.c -- the measurement behind the fitting optimiser
 * (issue 15, docs/fitting.md): GSL's gsl_multifit_nlinear trust-region
 * methods against NLopt's gradient-based and derivative-free methods on
 * three small least-squares problems, each from the same starts:
 *
 *   rosenbrock  r = (10 (x2 - x1^2), 1 - x1) from 20 starts in [-5, 5]^2
 *   decay       y = A exp(-k t) + c, 25 points with fixed noise, bounds
 *               A in [0.1, 20], k in [0.01, 10], c in [-5, 5]; 20 starts
 *   ode         A -> B -> C with k1, k2 on log10 scale in [-3, 1], data
 *               of A and B at 12 times with fixed noise; the residuals and
 *               their exact Jacobian from the forward-sensitivity ODEs
 *               (gsl_odeiv2, rk8pd, rtol 1e-10)
 *
 * GSL has no bounds; it runs through the same sine transform as
 * lib/fit_local.c. NLopt minimises 1/2 |r|^2 with gradient J^T r (one
 * residual + Jacobian evaluation per call) and keeps the bounds itself.
 * Per method and problem: starts reaching the best cost (within 1e-6
 * relative + 1e-10), the median residual and Jacobian evaluations per
 * start, and the total time. Prints a table; `--tsv PATH` writes it too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_odeiv2.h>
#include <nlopt.h>

#define NSTARTS 20
#define MAXP 3
#define MAXR 32

typedef struct problem {
  const char *name;
  int np, nr;
  double lo[MAXP], hi[MAXP];
  /* residuals, and the Jacobian (nr x np, row-major) when J != NULL;
     returns 0 on success */
  int (*res)(const double *x, double *r, double *J);
} problem;

/* ------------------------------------------------------------ problems */

static int rosen(const double *x, double *r, double *J) {
  r[0] = 10 * (x[1] - x[0] * x[0]);
  r[1] = 1 - x[0];
  if (J) {
    J[0] = -20 * x[0];
    J[1] = 10;
    J[2] = -1;
    J[3] = 0;
  }
  return 0;
}

static const double decay_noise[25] = {
    0.05, -0.03, 0.02, -0.06, 0.01, 0.04, -0.02, 0.03, -0.05, 0.00,
    0.02, -0.01, 0.06, -0.04, 0.01, -0.02, 0.03, 0.05, -0.03, 0.02,
    -0.01, 0.04, -0.06, 0.01, 0.00};

static int decay(const double *x, double *r, double *J) {
  for (int i = 0; i < 25; i++) {
    double t = 0.4 * i, e = exp(-x[1] * t);
    double y = 5 * exp(-0.9 * t) + 1 + decay_noise[i];
    r[i] = (x[0] * e + x[2] - y) / 0.05;
    if (J) {
      J[3 * i] = e / 0.05;
      J[3 * i + 1] = -x[0] * t * e / 0.05;
      J[3 * i + 2] = 1 / 0.05;
    }
  }
  return 0;
}

/* A -> B -> C with sensitivities: y = A, B, dA/dk1, dA/dk2, dB/dk1,
   dB/dk2. */
static int abc_rhs(double t, const double y[], double dy[], void *params) {
  (void)t;
  const double *k = params;
  dy[0] = -k[0] * y[0];
  dy[1] = k[0] * y[0] - k[1] * y[1];
  dy[2] = -y[0] - k[0] * y[2];
  dy[3] = -k[0] * y[3];
  dy[4] = y[0] + k[0] * y[2] - k[1] * y[4];
  dy[5] = k[0] * y[3] - y[1] - k[1] * y[5];
  return GSL_SUCCESS;
}

static const double ode_noise[24] = {
    0.01, -0.02, 0.015, 0.0, -0.01, 0.02, -0.005, 0.01, 0.0, -0.015,
    0.02, -0.01, 0.005, 0.01, -0.02, 0.0, 0.015, -0.005, 0.01, -0.01,
    0.0, 0.02, -0.015, 0.005};

static int ode_solve(const double *k, double out[12][6]) {
  double kk[2] = {k[0], k[1]};
  gsl_odeiv2_system sys = {abc_rhs, NULL, 6, kk};
  gsl_odeiv2_driver *d =
      gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12,
                                    1e-10);
  double y[6] = {1, 0, 0, 0, 0, 0}, t = 0;
  int st = 0;
  for (int i = 0; i < 12 && st == 0; i++) {
    st = gsl_odeiv2_driver_apply(d, &t, 1.0 + i, y);
    memcpy(out[i], y, sizeof y);
  }
  gsl_odeiv2_driver_free(d);
  return st;
}

static int ode(const double *x, double *r, double *J) {
  static const double ktrue[2] = {0.8, 0.3};
  double k[2] = {pow(10, x[0]), pow(10, x[1])}, sim[12][6], dat[12][6];
  if (ode_solve(k, sim) != 0 || ode_solve(ktrue, dat) != 0) return -1;
  for (int i = 0; i < 12; i++)
    for (int o = 0; o < 2; o++) {
      int row = 2 * i + o;
      r[row] = (sim[i][o] - dat[i][o] - ode_noise[row]) / 0.01;
      if (J)
        for (int p = 0; p < 2; p++) /* d/dlog10 k = k ln 10 d/dk */
          J[row * 2 + p] = sim[i][2 + 2 * o + p] * k[p] * M_LN10 / 0.01;
    }
  return 0;
}

static const problem problems[] = {
    {"rosenbrock", 2, 2, {-5, -5}, {5, 5}, rosen},
    {"decay", 3, 25, {0.1, 0.01, -5}, {20, 10, 5}, decay},
    {"ode", 2, 24, {-3, -3}, {1, 1}, ode},
};

/* ------------------------------------------------------------ counters */

typedef struct run {
  const problem *p;
  int nf, nj;
} run;

/* ------------------------------------------------------------ GSL */

static double tr(double u, double lo, double hi, double *d) {
  *d = 0.5 * (hi - lo) * cos(u);
  return lo + 0.5 * (hi - lo) * (1 + sin(u));
}

static int g_f(const gsl_vector *u, void *arg, gsl_vector *r) {
  run *R = arg;
  double x[MAXP], d;
  for (int j = 0; j < R->p->np; j++)
    x[j] = tr(u->data[j], R->p->lo[j], R->p->hi[j], &d);
  R->nf++;
  if (R->p->res(x, r->data, NULL) != 0)
    for (int i = 0; i < R->p->nr; i++) r->data[i] = 1e100;
  return GSL_SUCCESS;
}

static int g_df(const gsl_vector *u, void *arg, gsl_matrix *J) {
  run *R = arg;
  double x[MAXP], d[MAXP], r[MAXR], Jx[MAXR * MAXP];
  int np = R->p->np;
  for (int j = 0; j < np; j++)
    x[j] = tr(u->data[j], R->p->lo[j], R->p->hi[j], &d[j]);
  R->nj++;
  if (R->p->res(x, r, Jx) != 0) return GSL_EBADFUNC;
  for (int i = 0; i < R->p->nr; i++)
    for (int j = 0; j < np; j++)
      gsl_matrix_set(J, (size_t)i, (size_t)j, Jx[i * np + j] * d[j]);
  return GSL_SUCCESS;
}

static double gsl_fit(const problem *p, const gsl_multifit_nlinear_trs *trs,
                      const double *x0, run *R) {
  gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
  par.trs = trs;
  par.solver = gsl_multifit_nlinear_solver_svd;
  gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(
      gsl_multifit_nlinear_trust, &par, (size_t)p->nr, (size_t)p->np);
  gsl_multifit_nlinear_fdf fdf = {g_f, g_df, NULL, (size_t)p->nr,
                                  (size_t)p->np, R, 0, 0, 0};
  double u[MAXP];
  for (int j = 0; j < p->np; j++) {
    double s = 2 * (x0[j] - p->lo[j]) / (p->hi[j] - p->lo[j]) - 1;
    u[j] = asin(fmax(-1 + 1e-8, fmin(1 - 1e-8, s)));
  }
  gsl_vector_view v = gsl_vector_view_array(u, (size_t)p->np);
  double cost = INFINITY;
  if (gsl_multifit_nlinear_init(&v.vector, &fdf, w) == GSL_SUCCESS) {
    for (int it = 0; it < 1000; it++) {
      int info;
      if (gsl_multifit_nlinear_iterate(w) != GSL_SUCCESS) break;
      if (gsl_multifit_nlinear_test(1e-8, 1e-8, 0, &info, w) == GSL_SUCCESS)
        break;
    }
    double s = 0;
    for (int i = 0; i < p->nr; i++) s += w->f->data[i] * w->f->data[i];
    cost = 0.5 * s;
  }
  gsl_multifit_nlinear_free(w);
  return cost;
}

/* ------------------------------------------------------------ NLopt */

static double nl_obj(unsigned n, const double *x, double *g, void *arg) {
  run *R = arg;
  double r[MAXR], J[MAXR * MAXP];
  if (g) R->nj++;
  else R->nf++;
  if (R->p->res(x, r, g ? J : NULL) != 0) {
    if (g) memset(g, 0, n * sizeof *g);
    return HUGE_VAL;
  }
  double s = 0;
  for (int i = 0; i < R->p->nr; i++) s += r[i] * r[i];
  if (g)
    for (unsigned j = 0; j < n; j++) {
      g[j] = 0;
      for (int i = 0; i < R->p->nr; i++) g[j] += J[i * (int)n + (int)j] * r[i];
    }
  return 0.5 * s;
}

static double nlopt_fit(const problem *p, nlopt_algorithm alg,
                        const double *x0, run *R) {
  nlopt_opt o = nlopt_create(alg, (unsigned)p->np);
  nlopt_set_lower_bounds(o, p->lo);
  nlopt_set_upper_bounds(o, p->hi);
  nlopt_set_min_objective(o, nl_obj, R);
  nlopt_set_xtol_rel(o, 1e-8);
  nlopt_set_ftol_rel(o, 1e-14);
  nlopt_set_maxeval(o, 20000);
  double x[MAXP], v = INFINITY;
  memcpy(x, x0, (size_t)p->np * sizeof *x);
  nlopt_optimize(o, x, &v);
  nlopt_destroy(o);
  return v;
}

/* ------------------------------------------------------------ driver */

typedef struct method {
  const char *name;
  const gsl_multifit_nlinear_trs **trs; /* GSL, or NULL */
  nlopt_algorithm alg;
} method;

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv) {
  FILE *tsv = NULL;
  if (argc == 3 && strcmp(argv[1], "--tsv") == 0) tsv = fopen(argv[2], "w");
  const method methods[] = {
      {"gsl-lm", &gsl_multifit_nlinear_trs_lm, NLOPT_LD_LBFGS},
      {"gsl-lmaccel", &gsl_multifit_nlinear_trs_lmaccel, NLOPT_LD_LBFGS},
      {"gsl-dogleg", &gsl_multifit_nlinear_trs_dogleg, NLOPT_LD_LBFGS},
      {"gsl-ddogleg", &gsl_multifit_nlinear_trs_ddogleg, NLOPT_LD_LBFGS},
      {"gsl-subspace2D", &gsl_multifit_nlinear_trs_subspace2D, NLOPT_LD_LBFGS},
      {"nlopt-lbfgs", NULL, NLOPT_LD_LBFGS},
      {"nlopt-slsqp", NULL, NLOPT_LD_SLSQP},
      {"nlopt-tnewton", NULL, NLOPT_LD_TNEWTON_PRECOND_RESTART},
      {"nlopt-bobyqa", NULL, NLOPT_LN_BOBYQA},
  };
  const int nm = (int)(sizeof methods / sizeof methods[0]);
  printf("%-11s %-15s %8s %8s %8s %10s\n", "problem", "method", "reached",
         "med_f", "med_J", "time_ms");
  if (tsv) fprintf(tsv, "problem\tmethod\treached\tmed_f\tmed_J\ttime_ms\n");
  for (size_t pi = 0; pi < sizeof problems / sizeof problems[0]; pi++) {
    const problem *p = &problems[pi];
    /* the same Latin-hypercube starts for every method (LCG draws) */
    double starts[NSTARTS][MAXP];
    unsigned long long s = 88172645463325252ULL + pi;
    for (int j = 0; j < p->np; j++) {
      int perm[NSTARTS];
      for (int k = 0; k < NSTARTS; k++) perm[k] = k;
      for (int k = NSTARTS - 1; k > 0; k--) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int r = (int)((s >> 33) % (unsigned long long)(k + 1)), t = perm[k];
        perm[k] = perm[r];
        perm[r] = t;
      }
      for (int k = 0; k < NSTARTS; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(s >> 11) / 9007199254740992.0;
        starts[k][j] = p->lo[j] + (p->hi[j] - p->lo[j]) * (perm[k] + u) / NSTARTS;
      }
    }
    double cost[16][NSTARTS], best = INFINITY, ms[16];
    int nf[16][NSTARTS], nj[16][NSTARTS];
    for (int m = 0; m < nm; m++) {
      struct timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      for (int k = 0; k < NSTARTS; k++) {
        run R = {p, 0, 0};
        cost[m][k] = methods[m].trs ? gsl_fit(p, *methods[m].trs, starts[k], &R)
                                    : nlopt_fit(p, methods[m].alg, starts[k], &R);
        nf[m][k] = R.nf;
        nj[m][k] = R.nj;
        if (cost[m][k] < best) best = cost[m][k];
      }
      clock_gettime(CLOCK_MONOTONIC, &t1);
      ms[m] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
              (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
    for (int m = 0; m < nm; m++) {
      int reached = 0;
      for (int k = 0; k < NSTARTS; k++)
        reached += cost[m][k] <= best * (1 + 1e-6) + 1e-10;
      qsort(nf[m], NSTARTS, sizeof(int), cmp_int);
      qsort(nj[m], NSTARTS, sizeof(int), cmp_int);
      printf("%-11s %-15s %5d/%-2d %8d %8d %10.2f\n", p->name, methods[m].name,
             reached, NSTARTS, nf[m][NSTARTS / 2], nj[m][NSTARTS / 2], ms[m]);
      if (tsv)
        fprintf(tsv, "%s\t%s\t%d\t%d\t%d\t%.3f\n", p->name, methods[m].name,
                reached, nf[m][NSTARTS / 2], nj[m][NSTARTS / 2], ms[m]);
    }
    printf("%-11s best cost 1/2|r|^2 = %.10g\n", p->name, best);
  }
  if (tsv) fclose(tsv);
  return 0;
}
