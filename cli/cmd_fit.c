/*
 * cmd_fit.c -- `muskx fit PROBLEM.yaml [--starts N] [--seed S] [--threads K]
 * [--profile] -o DIR`: multi-start maximum-likelihood fit of a PEtab
 * problem (issue 15) with muskx_fit_* on muskx_petab_jacobian()'s exact
 * residual Jacobian (muskx_petab_gradient() for Laplace noise).
 *
 * Normal noise everywhere: least squares. nllh = sum r_i^2 / 2 + sum log
 * sigma_i + C; the log sigma terms become residuals q_i = sqrt(2 log
 * sigma_i + K) (the usual device of AMICI/pyPESTO), so that noise
 * parameters are fitted with the others by Gauss-Newton; K makes q real
 * for sigma down to 1e-6 of the smallest nominal sigma, and a point with
 * a smaller sigma counts as failed. Any Laplace noise: the general form,
 * nllh and its gradient. The constant is fixed once, at the nominal
 * parameters, so the printed llh is PEtab's. A noise parameter that is
 * its measurements' sigma and moves nothing else is not searched but set
 * in closed form at every point (fit_sigma.h; --joint-sigma searches it):
 * a 20-start fit of Boehm_JProteomeRes2014 then takes 2-3 s of CPU, not 25
 * (docs/fitting.md).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ens_args.h"
#include "fit_report.h"
#include "fit_sigma.h"

enum { OPT_STARTS = 1, OPT_SEED, OPT_THREADS, OPT_PROFILE, OPT_OUTPUT,
       OPT_RTOL, OPT_ATOL, OPT_MAXITER, OPT_MAXSTEPS, OPT_JOINT_SIGMA,
       OPT_NOMINAL, OPT_FTOL, OPT_METHOD, OPT_RESTARTS, OPT_RADIUS,
       OPT_GNTOL, OPT_SEARCHTOL, OPT_JACTOL, OPT_PROFILE_PARAMS,
       OPT_PROFILE_START, OPT_PROFILE_POINTS, OPT_NATIVE };

/* --profile-points: points per side (default 30, as before issue 17's
   option); at most 1000, far beyond any profile of docs/fitting.md's
   benchmarks (a quadratic profile needs 2-3 a side, Boehm's flattest
   under 30) and a bound on a run's work (a point of the spaceflight
   problem takes minutes). */
#define PROFILE_POINTS_DEFAULT 30
#define PROFILE_POINTS_MAX 1000

/* The fit's step budget per output interval: 5x what the slowest
   published benchmark (Brannmark, Crauste: under 2000) needs at its
   nominal point, 10x below a plain simulation's 100000, so a trial point
   where the model blows up fails in a fraction of a second. */
#define FIT_MAX_STEPS 10000

/* --jacobian-tolerance: a search's Jacobian only chooses the direction of
   its next step, and each search checks the loose one against its own
   accuracy (lib/fit_lsq_jacobian.c; docs/fitting.md, "The search's
   Jacobian": without that check 1e-4 cost Elowitz_Nature2000 its best
   optima) */
#define JACTOL_DEFAULT 1e-4
/* A loose Jacobian run's step budget per output interval: such a run is
   only worth it when cheap, and at 1e-4 Elowitz_Nature2000's sensitivity
   runs could take minutes where the search's took milliseconds (states
   near zero inside the absolute tolerance); over budget it fails and the
   search takes that Jacobian at its own accuracy. */
#define JAC_MAX_STEPS 500
#define JACTOL_DEFAULT_S "1e-4"

static const cli_option options[] = {
    {OPT_STARTS, "starts", 'n', "N", "local optimisations (default 20)"},
    {OPT_SEED, "seed", 0, "S", "seed of the Latin-hypercube starts (default 0)"},
    {OPT_THREADS, "threads", 'j', "K", "worker threads (default: one per processor)"},
    {OPT_NOMINAL, "nominal-start", 0, NULL,
     "start 0 at the nominal values, N - 1 drawn starts"},
    {OPT_PROFILE, "profile", 0, NULL, "profile likelihoods and 95 % intervals"},
    {OPT_PROFILE_PARAMS, "profile-params", 0, "P1,P2,...",
     "profile only these estimated parameters (implies --profile)"},
    {OPT_PROFILE_POINTS, "profile-points", 0, "N",
     "profile points per side before a side stops unfinished (default 30, "
     "1..1000)"},
    {OPT_PROFILE_START, "profile-start", 0, "first|zeroth",
     "start a profile point's other parameters along the path's tangent or "
     "secant (first, default) or at the previous point's solution (zeroth)"},
    {OPT_OUTPUT, "output", 'o', "DIR", "directory for the results (created)"},
    {OPT_RTOL, "rtol", 0, "R", "relative tolerance (default 1e-8)"},
    {OPT_ATOL, "atol", 0, "A", "absolute tolerance (default 1e-8)"},
    {OPT_MAXITER, "max-iterations", 0, "N", "per start (default 1000)"},
    {OPT_FTOL, "ftol", 0, "F",
     "stop a local fit when a step lowers the cost by less than F "
     "relative (default 0: off)"},
    {OPT_MAXSTEPS, "max-steps", 0, "N",
     "solver steps between two outputs (default 10000)"},
    {OPT_METHOD, "method", 0, "M",
     "local least-squares method: hybrid (default: dogbox until it "
     "stalls, then lm), dogbox (trust-region dogleg), lm (projected "
     "Levenberg-Marquardt) or fides (2-D subspace trust region, "
     "Gauss-Newton plus a secant term once it stalls)"},
    {OPT_RESTARTS, "restarts", 0, "N",
     "restarts per start from its best point, perturbed (default 1)"},
    {OPT_RADIUS, "restart-radius", 0, "R",
     "a restart's move, share of each parameter's range (default 0.3)"},
    {OPT_GNTOL, "gain-tolerance", 0, "G",
     "end a start's local fit where the Gauss-Newton model promises a gain "
     "in nllh below G (default 1e-3; 0: off)"},
    {OPT_SEARCHTOL, "search-tolerance", 0, "T",
     "rtol and atol of the starts' local searches (default 1e-6; never "
     "tighter than --rtol/--atol); each start's result is evaluated, and "
     "the best polished, at --rtol/--atol; 0: one accuracy throughout"},
    {OPT_JACTOL, "jacobian-tolerance", 0, "J",
     "rtol and atol of the searches' Jacobian (sensitivity) runs (default "
     JACTOL_DEFAULT_S "; never tighter than the search's; 0: the search "
     "tolerance), checked against it where each search starts and every "
     "10 steps; the searches step and compare costs with residuals at "
     "the search tolerance"},
    {OPT_JOINT_SIGMA, "joint-sigma", 0, NULL,
     "fit noise parameters with the others, not in closed form"},
    {OPT_NATIVE, "native", 0, "CC",
     "run the simulations as native code compiled with the C compiler CC "
     "(cached in ~/.cache/muskx; same numbers), 'off' for the VM, 'auto' "
     "(default): cc, the VM with a note when it fails"},
    {0, NULL, 0, NULL, NULL},
};

typedef struct job {
  const muskx_petab *pb;
  int n, m, laplace, nworkers;
  double K;         /* sigma-residual offset */
  muskx_sim **sims; /* one per worker */
  double **buf;     /* per worker: r, sigma, dr, dsigma */
  cli_sigma_groups sg; /* noise parameters in closed form (fit_sigma.h) */
  int hier;            /* use them (else every parameter is searched) */
  double **hbuf;       /* per worker: rss, sigma of each group */
  muskx_fit_method method; /* --method */
  long restarts;           /* --restarts, -1: the library's default */
  double radius;           /* --restart-radius */
  double gntol;            /* --gain-tolerance */
  double rtol, atol;       /* the full accuracy (--rtol, --atol) */
  double srtol, satol;     /* the searches' (--search-tolerance) */
  double jrtol, jatol;     /* their Jacobians' (--jacobian-tolerance) */
  long maxsteps;           /* --max-steps (the loose Jacobians': fewer) */
  const char *profile_only; /* --profile-params: comma-separated ids */
  int profile_zeroth;       /* --profile-start zeroth */
  long profile_points;      /* --profile-points */
  int *memo_kind; /* per worker: what buf holds for its last theta (eval) */
} job;

/* muskx_fit_accuracy_fn: worker w's simulation at the search's or the
   full tolerances (set once already, so this cannot fail). */
static void accuracy_fn(void *ctx, int w, int full) {
  job *j = ctx;
  int loose = full == MUSKX_FIT_ACCURACY_JACOBIAN;
  if (loose)
    muskx_sim_set_tolerances(j->sims[w], j->jrtol, j->jatol);
  else
    muskx_sim_set_tolerances(j->sims[w], full ? j->rtol : j->srtol,
                             full ? j->atol : j->satol);
  muskx_sim_set_max_steps(j->sims[w], loose && j->maxsteps > JAC_MAX_STEPS
                                          ? JAC_MAX_STEPS
                                          : j->maxsteps);
  j->memo_kind[w] = 0;
}

/* Residuals and sigmas (kind 1), with their Jacobians (kind 2), at theta
   on worker w, into the worker's buffers; 0 or -1. The optimisers ask
   again for a point they just had (a restart or the polish from a start's
   best point: 31 sensitivity runs of a 20-start Boehm fit), so the last
   result is kept with its theta and reused for the same kind at the same
   tolerances (accuracy_fn forgets it). Kinds are not mixed: a plain run
   takes other solver steps than a sensitivity run, and its residuals
   differ at the solver's tolerance (docs/fitting.md, "solver noise"). */
static int eval(job *j, int w, const double *theta, int kind) {
  size_t m = (size_t)j->m, n = (size_t)j->n;
  double *r = j->buf[w], *s = r + m, *dr = s + m, *ds = dr + m * n,
         *last = ds + m * n;
  if (j->memo_kind[w] == kind && memcmp(last, theta, n * sizeof *theta) == 0)
    return 0;
  j->memo_kind[w] = 0;
  muskx_status st =
      kind == 2 ? muskx_petab_jacobian(j->pb, j->sims[w], theta, r, s, dr, ds)
                : muskx_petab_evaluate(j->pb, j->sims[w], theta, NULL, r, s,
                                       NULL, NULL);
  if (st != MUSKX_OK) return -1;
  memcpy(last, theta, n * sizeof *theta);
  j->memo_kind[w] = kind;
  return 0;
}

/* The residuals with every noise group at its closed-form sigma: the same
   residuals and constant as the joint form, so the cost is nllh at
   (theta, optimal sigma). The Jacobian holds sigma fixed: its gradient
   J'r is then the exact gradient of that profile (the sigma derivative
   vanishes at the optimum, or the bound holds it), and J'J the usual
   Gauss-Newton matrix; the noise parameters' columns are zero, so the
   optimiser leaves them alone. */
static int resid_hier(job *j, int w, const double *r, const double *s,
                      const double *dr, const double *ds, double *res,
                      double *jac) {
  size_t m = (size_t)j->m, n = (size_t)j->n;
  const cli_sigma_groups *g = &j->sg;
  double *rss = j->hbuf[w], *sig = rss + g->ngroups;
  cli_sigma_optimal(g, j->m, r, s, rss, sig);
  for (size_t i = 0; i < m; i++) {
    int q = g->group[i];
    double sd = q >= 0 ? sig[q] : s[i], a = 2 * log(sd) + j->K;
    if (!(a > 0) || !(sd > 0)) return -1;
    double scale = s[i] / sd; /* e / sd = r s / sd */
    res[i] = r[i] * scale;
    res[m + i] = sqrt(a);
    if (jac == NULL) continue;
    for (size_t k = 0; k < n; k++) {
      double *jr = &jac[i * n + k], *jq = &jac[(m + i) * n + k];
      if (g->is_noise[k]) {
        *jr = *jq = 0;
      } else if (q >= 0) { /* sigma does not move with k: de = dr s */
        *jr = dr[i * n + k] * scale;
        *jq = 0;
      } else {
        *jr = dr[i * n + k];
        *jq = ds[i * n + k] / (s[i] * res[m + i]);
      }
    }
  }
  return 0;
}

static int resid_fn(void *ctx, int w, const double *theta, double *res,
                    double *jac) {
  job *j = ctx;
  size_t m = (size_t)j->m, n = (size_t)j->n;
  /* residuals only: no sensitivities needed */
  if (eval(j, w, theta, jac == NULL ? 1 : 2) != 0) return -1;
  const double *r = j->buf[w], *s = r + m, *dr = s + m, *ds = dr + m * n;
  if (j->hier) return resid_hier(j, w, r, s, dr, ds, res, jac);
  for (size_t i = 0; i < m; i++) {
    double a = 2 * log(s[i]) + j->K;
    if (!(a > 0)) return -1;
    res[i] = r[i];
    res[m + i] = sqrt(a);
    if (jac != NULL)
      for (size_t k = 0; k < n; k++) {
        jac[i * n + k] = dr[i * n + k];
        jac[(m + i) * n + k] = ds[i * n + k] / (s[i] * res[m + i]);
      }
  }
  return 0;
}

static int obj_fn(void *ctx, int w, const double *theta, double *v,
                  double *grad) {
  job *j = ctx;
  double llh;
  muskx_status st =
      grad != NULL
          ? muskx_petab_gradient(j->pb, j->sims[w], theta, &llh, grad)
          : muskx_petab_llh(j->pb, j->sims[w], theta, &llh, NULL);
  if (st != MUSKX_OK || !isfinite(llh)) return -1;
  *v = -llh;
  if (grad != NULL)
    for (int k = 0; k < j->n; k++) grad[k] = -grad[k];
  return 0;
}

static int make_dir(const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return 0;
  if (mkdir(dir, 0777) == 0) return 0;
  cli_error("cannot create the output directory %s: %s", dir, strerror(errno));
  return -1;
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p != NULL) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* The parameter table with the best estimates (muskx_petab_parameters_table). */
static int write_params(const muskx_petab *pb, const double *theta,
                        const char *path) {
  char *text = NULL;
  if (muskx_petab_parameters_table(pb, theta, &text) != MUSKX_OK) {
    cli_error("out of memory writing %s", path);
    return -1;
  }
  int rc = cli_out_write_text(path, text);
  muskx_free_string(text);
  return rc;
}

/* The noise groups of the problem at the nominal parameters th, and a
   scratch buffer per worker for them. 0, or -1 after saying why. */
static int find_groups(const char *path, job *j, const double *th) {
  if (eval(j, 0, th, 2) != 0) {
    cli_sim_error(path, "sensitivities at the nominal parameters", j->sims[0],
                  MUSKX_ESOLVER);
    return -1;
  }
  size_t m = (size_t)j->m, n = (size_t)j->n;
  const double *r = j->buf[0], *s = r + m, *dr = s + m, *ds = dr + m * n;
  if (cli_sigma_groups_find(&j->sg, j->pb, r, s, dr, ds) != 0) {
    cli_error("out of memory");
    return -1;
  }
  j->hier = j->sg.ngroups > 0;
  for (int w = 0; j->hier && w < j->nworkers; w++)
    if ((j->hbuf[w] = calloc(2 * (size_t)j->sg.ngroups, sizeof(double))) == NULL) {
      cli_error("out of memory");
      return -1;
    }
  return 0;
}

/* Every start's result with its noise groups' sigmas filled in
   (nstarts x n; the optimiser left them at the start values). A start
   whose residuals cannot be evaluated keeps them. NULL out of memory. */
static double *results_with_sigmas(job *j, const muskx_fit *f) {
  size_t ns = muskx_fit_nstarts(f), n = (size_t)j->n;
  double *all = calloc(ns * n + 1, sizeof *all);
  double *res = calloc(2 * (size_t)j->m + 1, sizeof *res);
  if (all == NULL || res == NULL) {
    free(all);
    free(res);
    return NULL;
  }
  for (size_t k = 0; k < ns; k++) {
    double *x = all + k * n;
    muskx_fit_result(f, k, NULL, x);
    if (!j->hier || isnan(muskx_fit_nllh(f, k))) continue;
    if (resid_fn(j, 0, x, res, NULL) == 0)
      cli_sigma_to_theta(&j->sg, j->hbuf[0] + j->sg.ngroups, x);
  }
  free(res);
  return all;
}

/* Profiles need every parameter searched: the best point (sigmas filled
   in) is refined jointly on a second fit, one start from it, and profiled
   there. The caller frees *out. */
static muskx_status joint_fit_at(job *j, const double *lo, const double *hi,
                                 double offset, long maxiter, double ftol,
                                 const double *best, muskx_fit **out) {
  muskx_fit *g = NULL;
  j->hier = 0;
  muskx_status st = muskx_fit_create(j->n, &g);
  if (st == MUSKX_OK) st = muskx_fit_set_bounds(g, lo, hi);
  if (st == MUSKX_OK) st = muskx_fit_set_threads(g, j->nworkers);
  if (st == MUSKX_OK) st = muskx_fit_set_method(g, j->method);
  /* a refinement of the best point, not a search */
  if (st == MUSKX_OK) st = muskx_fit_set_restarts(g, 0, j->radius);
  if (st == MUSKX_OK && maxiter > 0)
    st = muskx_fit_set_max_iterations(g, (int)(maxiter > 1000000 ? 1000000 : maxiter));
  if (st == MUSKX_OK && ftol > 0) st = muskx_fit_set_tolerances(g, 1e-8, 1e-8, ftol);
  if (st == MUSKX_OK)
    st = muskx_fit_set_residuals(g, 2 * (size_t)j->m, offset, resid_fn, j);
  if (st == MUSKX_OK) st = muskx_fit_set_starts(g, best, 1);
  if (st == MUSKX_OK) st = muskx_fit_run(g, 1);
  *out = g;
  return st;
}

/* --profile-params: the indices of the named estimated parameters, or
   NULL (an unknown or repeated name is reported with the known ids). */
static int *profile_selection(const char *path, const job *j,
                              const char **names, int *nsel) {
  int *sel = calloc((size_t)j->n, sizeof *sel);
  char *list = strdup(j->profile_only);
  if (sel == NULL || list == NULL) {
    cli_error("out of memory");
    goto fail;
  }
  *nsel = 0;
  for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL;
       t = strtok_r(NULL, ",", &save)) {
    int k = 0;
    while (k < j->n && strcmp(names[k], t) != 0) k++;
    if (k == j->n) {
      cli_error("%s: --profile-params '%s': not an estimated parameter; the "
                "estimated ones are:", path, t);
      for (int i = 0; i < j->n; i++) fprintf(stderr, " %s", names[i]);
      fputc('\n', stderr);
      goto fail;
    }
    for (int i = 0; i < *nsel; i++)
      if (sel[i] == k) {
        cli_error("%s: --profile-params names '%s' twice", path, t);
        goto fail;
      }
    sel[(*nsel)++] = k;
  }
  if (*nsel == 0) {
    cli_error("%s: --profile-params '%s' names no parameter", path,
              j->profile_only);
    goto fail;
  }
  free(list);
  return sel;
fail:
  free(list);
  free(sel);
  return NULL;
}

static int fit_problem(const char *path, const muskx_petab *pb, job *j,
                       long starts, unsigned long long seed, long threads,
                       int profile, long maxiter, int joint, int nominal,
                       double ftol,
                       const char *dir) {
  int rc = CLI_EXIT_FAIL, n = j->n;
  muskx_fit *f = NULL, *pf = NULL;
  double *thetas = NULL;
  double *lo = calloc((size_t)n, sizeof *lo), *hi = calloc((size_t)n, sizeof *hi);
  double *th = calloc((size_t)n, sizeof *th);
  const char **names = calloc((size_t)n, sizeof *names);
  char *p1 = NULL, *p2 = NULL;
  int *sel = NULL, nsel = 0;
  if (!lo || !hi || !th || !names || muskx_fit_create(n, &f) != MUSKX_OK) {
    cli_error("out of memory");
    goto done;
  }
  for (int k = 0; k < n; k++) {
    muskx_petab_param_info(pb, k, &lo[k], &hi[k], &th[k]);
    names[k] = muskx_petab_param_id(pb, k);
  }
  if (j->profile_only != NULL && (sel = profile_selection(path, j, names, &nsel)) == NULL)
    goto done;
  muskx_error err;
  if (muskx_petab_nominal(pb, th, &err) != MUSKX_OK) {
    /* PEtab lets an estimated parameter go without a nominalValue: the
       reference point (nllh's constant, the noise groups) is then the
       middle of its box on its scale; --nominal-start has no point */
    if (nominal) {
      char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 32];
      fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
      goto done;
    }
    for (int k = 0; k < n; k++)
      if (isnan(th[k])) th[k] = 0.5 * (lo[k] + hi[k]);
  }
  muskx_status st = muskx_fit_set_bounds(f, lo, hi);
  if (st == MUSKX_OK) st = muskx_fit_set_threads(f, (int)threads);
  if (st == MUSKX_OK) st = muskx_fit_set_seed(f, seed);
  if (st == MUSKX_OK) st = muskx_fit_set_method(f, j->method);
  if (st == MUSKX_OK) st = muskx_fit_set_gain_tolerance(f, j->gntol);
  if (st == MUSKX_OK && j->restarts >= 0)
    st = muskx_fit_set_restarts(f, (int)j->restarts, j->radius);
  if (st == MUSKX_OK && nominal) st = muskx_fit_set_first_start(f, th);
  if (st == MUSKX_OK && ftol > 0) st = muskx_fit_set_tolerances(f, 1e-8, 1e-8, ftol);
  if (st == MUSKX_OK && maxiter > 0)
    st = muskx_fit_set_max_iterations(f, (int)(maxiter > 1000000 ? 1000000 : maxiter));
  if (st != MUSKX_OK) {
    cli_error("%s", muskx_fit_errmsg(f));
    goto done;
  }
  /* the constant of nllh, from the nominal parameters (worker 0) */
  double llh0;
  if (muskx_petab_evaluate(pb, j->sims[0], th, NULL, j->buf[0],
                           j->buf[0] + j->m, &llh0, NULL) != MUSKX_OK) {
    cli_sim_error(path, "evaluating at the nominal parameters", j->sims[0],
                  MUSKX_ESOLVER);
    goto done;
  }
  const double *r0 = j->buf[0], *s0 = r0 + j->m;
  double smin = INFINITY, half = 0;
  for (int i = 0; i < j->m; i++) smin = fmin(smin, s0[i]);
  j->K = 2 * log(1e6) - 2 * log(smin);
  if (j->K < 1) j->K = 1;
  for (int i = 0; i < j->m; i++)
    half += 0.5 * r0[i] * r0[i] + 0.5 * (2 * log(s0[i]) + j->K);
  if (!j->laplace && !joint && find_groups(path, j, th) != 0) goto done;
  st = j->laplace ? muskx_fit_set_objective(f, obj_fn, j)
                  : muskx_fit_set_residuals(f, 2 * (size_t)j->m, -llh0 - half,
                                            resid_fn, j);
  int jac = j->jrtol != j->srtol || j->jatol != j->satol;
  if (st == MUSKX_OK && (j->srtol != j->rtol || j->satol != j->atol || jac))
    st = muskx_fit_set_accuracy(f, accuracy_fn, j);
  if (st == MUSKX_OK && jac) st = muskx_fit_set_jacobian_accuracy(f, 1);
  if (st == MUSKX_OK)
    st = muskx_fit_set_progress(f, cli_fit_progress, (void *)"local fits");
  if (st == MUSKX_OK) st = muskx_fit_run(f, (size_t)starts);
  if (st != MUSKX_OK) {
    cli_error("%s: %s", path, muskx_fit_errmsg(f));
    goto done;
  }
  size_t b = muskx_fit_best(f);
  double nllh = muskx_fit_nllh(f, b);
  if ((thetas = results_with_sigmas(j, f)) == NULL) {
    cli_error("out of memory");
    goto done;
  }
  memcpy(th, thetas + b * (size_t)n, (size_t)n * sizeof *th);
  if (make_dir(dir) != 0) goto done;
  /* An earlier run's profiles belong to an earlier optimum: removed before
     this run's parameters.tsv is written, so that a run stopped at any
     point never leaves them beside its own files (a stopped --profile run
     leaves profiles.partial.tsv only; with --profile that file is
     truncated when the profiles start, without it removed too). */
  static const char *const stale[] = {"profiles.tsv", "profile_ci.tsv",
                                      "profiles.png", "profiles.partial.tsv"};
  for (size_t i = 0; i < sizeof stale / sizeof stale[0] - (profile != 0); i++) {
    char *q = join(dir, stale[i]);
    int gone = q != NULL && (unlink(q) == 0 || errno == ENOENT);
    if (!gone) cli_error("cannot remove %s: %s", q ? q : stale[i],
                         q ? strerror(errno) : "out of memory");
    free(q);
    if (!gone) goto done;
  }
  if (!(p1 = join(dir, "parameters.tsv")) || write_params(pb, th, p1) != 0)
    goto done;
  free(p1);
  if (!(p1 = join(dir, "starts.tsv")) ||
      cli_fit_write_starts(f, names, thetas, p1) != 0)
    goto done;
  free(p1);
  if (!(p1 = join(dir, "waterfall.png")) ||
      cli_fit_plot_waterfall(f, 0.1, p1, path) < 0)
    goto done;
  free(p1);
  p1 = NULL;
  if (!(p1 = join(dir, "fit.png")) ||
      cli_fit_plot_observables(pb, j->sims[0], th, p1, path) < 0)
    goto done;
  size_t reached = 0;
  for (size_t k = 0; k < muskx_fit_nstarts(f); k++)
    reached += muskx_fit_nllh(f, k) - nllh <= 0.1;
  printf("best llh = %.17g\n", -nllh);
  printf("AIC = %.17g\nBIC = %.17g\n", cli_fit_aic(nllh, n),
         cli_fit_bic(nllh, n, j->m));
  printf("starts within 0.1 of the best: %zu of %zu\n", reached,
         muskx_fit_nstarts(f));
  /* the summary before the profiles, which may be killed hours later
     (stdout into a file is block-buffered and a SIGTERM would lose it) */
  fflush(stdout);
  if (profile) {
    if (j->hier) {
      st = joint_fit_at(j, lo, hi, -llh0 - half, maxiter, ftol, th, &pf);
      if (st != MUSKX_OK) {
        cli_error("%s: refining the best start with the noise parameters: %s",
                  path, muskx_fit_errmsg(pf));
        goto done;
      }
      muskx_fit_free(f);
      f = pf;
      pf = NULL;
    }
    free(p1);
    if (!(p1 = join(dir, "profiles.partial.tsv"))) {
      cli_error("out of memory");
      goto done;
    }
    cli_fit_partial part;
    if (cli_fit_partial_open(&part, p1, names,
                             muskx_fit_nllh(f, muskx_fit_best(f))) != 0)
      goto done;
    st = muskx_fit_set_progress(f, cli_fit_progress, (void *)"profiles");
    if (st == MUSKX_OK) st = muskx_fit_set_profile_params(f, sel, nsel);
    if (st == MUSKX_OK)
      st = muskx_fit_set_profile_predictor(f, !j->profile_zeroth);
    if (st == MUSKX_OK)
      st = muskx_fit_set_profile_callback(f, cli_fit_partial_point, &part);
    if (st == MUSKX_OK) st = muskx_fit_profile(f, 0.95, (int)j->profile_points);
    muskx_fit_set_profile_callback(f, NULL, NULL);
    if (cli_fit_partial_close(&part) != 0) goto done; /* says why */
    if (st != MUSKX_OK) {
      cli_error("%s: profiles: %s", path, muskx_fit_errmsg(f));
      goto done;
    }
    free(p1);
    p1 = join(dir, "profiles.tsv");
    p2 = join(dir, "profile_ci.tsv");
    if (!p1 || !p2 || cli_fit_write_profiles(f, names, p1, p2) != 0) goto done;
    free(p1);
    if (!(p1 = join(dir, "profiles.png")) ||
        cli_fit_plot_profiles(f, names, 1.920729410347062, p1, path) < 0)
      goto done;
    cli_fit_print_profiles(stdout, f, names);
    int fits = 0, iters = 0, evals = 0, falls = 0, checks = 0, cleared = 0;
    for (int k = 0; k < muskx_fit_nparams(f); k++) {
      int a, b, c, d;
      if (muskx_fit_profile_work(f, k, &a, &b, &c, &d) == 0)
        fits += a, iters += b, evals += c, falls += d;
      if (muskx_fit_profile_rechecks(f, k, &a, &b) == 0)
        checks += a, cleared += b;
    }
    printf("profile work (%s-order starts): %d inner fits, %d iterations, "
           "%d evaluations, %d re-run from the zeroth-order start; %d of "
           "the fits re-checked crossings, %d refuted\n",
           j->profile_zeroth ? "zeroth" : "first", fits, iters, evals, falls,
           checks, cleared);
    if (muskx_fit_profile_min(f) < nllh - 1e-6)
      printf("note: a profile reached llh = %.17g, above the best start: "
             "more starts may find a better optimum\n",
             -muskx_fit_profile_min(f));
  }
  rc = CLI_EXIT_OK;
done:
  muskx_fit_free(f);
  muskx_fit_free(pf);
  free(thetas);
  free(lo);
  free(hi);
  free(th);
  free(names);
  free(p1);
  free(p2);
  free(sel);
  return rc;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  const char *path = NULL, *dir = NULL;
  double rtol = 1e-8, atol = 1e-8, ftol = 0;
  long starts = 20, threads = 0, maxiter = 0, seed = 0;
  long maxsteps = FIT_MAX_STEPS;
  int profile = 0, joint = 0, nominal = 0, r;
  const char *profile_only = NULL;
  int profile_zeroth = 0;
  long profile_points = PROFILE_POINTS_DEFAULT;
  int profile_points_given = 0;
  muskx_fit_method method = MUSKX_FIT_HYBRID;
  long restarts = -1;
  double radius = 0.3, gntol = 1e-3, stol = 1e-6, jtol = JACTOL_DEFAULT;
  int radius_given = 0;
  const char *native = NULL;
  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case CLI_ARG:
      if (path != NULL)
        return cli_usage_error(self, "one PROBLEM only (got '%s' and '%s')",
                               path, p.value);
      path = p.value;
      break;
    case OPT_STARTS: bad = cli_parse_positive_long(self, p.opt, p.value, &starts); break;
    case OPT_SEED:
      if (strcmp(p.value, "0") == 0) seed = 0;
      else bad = cli_parse_positive_long(self, p.opt, p.value, &seed);
      break;
    case OPT_THREADS: bad = cli_parse_positive_long(self, p.opt, p.value, &threads); break;
    case OPT_PROFILE: profile = 1; break;
    case OPT_PROFILE_PARAMS:
      profile = 1;
      profile_only = p.value;
      break;
    case OPT_PROFILE_START:
      if (strcmp(p.value, "first") == 0) profile_zeroth = 0;
      else if (strcmp(p.value, "zeroth") == 0) profile_zeroth = 1;
      else
        return cli_usage_error(self, "--profile-start '%s': first or zeroth",
                               p.value);
      break;
    case OPT_PROFILE_POINTS:
      bad = cli_parse_positive_long(self, p.opt, p.value, &profile_points);
      if (!bad && profile_points > PROFILE_POINTS_MAX)
        return cli_usage_error(self, "--profile-points %ld: at most %d points "
                               "per side", profile_points, PROFILE_POINTS_MAX);
      profile_points_given = 1;
      break;
    case OPT_JOINT_SIGMA: joint = 1; break;
    case OPT_NATIVE: native = p.value; break;
    case OPT_NOMINAL: nominal = 1; break;
    case OPT_METHOD:
      if (strcmp(p.value, "dogbox") == 0) method = MUSKX_FIT_DOGBOX;
      else if (strcmp(p.value, "lm") == 0) method = MUSKX_FIT_LM;
      else if (strcmp(p.value, "hybrid") == 0) method = MUSKX_FIT_HYBRID;
      else if (strcmp(p.value, "fides") == 0) method = MUSKX_FIT_FIDES;
      else
        return cli_usage_error(self, "--method '%s': dogbox, lm, hybrid or fides",
                               p.value);
      break;
    case OPT_RESTARTS:
      if (strcmp(p.value, "0") == 0) restarts = 0;
      else bad = cli_parse_positive_long(self, p.opt, p.value, &restarts);
      if (!bad && restarts > 1000)
        return cli_usage_error(self, "--restarts %ld: at most 1000", restarts);
      break;
    case OPT_RADIUS:
      bad = cli_parse_positive_double(self, p.opt, p.value, &radius);
      if (!bad && radius > 1)
        return cli_usage_error(self, "--restart-radius %g: a share of the "
                               "range, at most 1", radius);
      if (!bad && restarts < 0) restarts = 1;
      radius_given = 1;
      break;
    case OPT_GNTOL:
      if (strcmp(p.value, "0") == 0) gntol = 0;
      else bad = cli_parse_positive_double(self, p.opt, p.value, &gntol);
      break;
    case OPT_SEARCHTOL:
      if (strcmp(p.value, "0") == 0) stol = 0;
      else bad = cli_parse_positive_double(self, p.opt, p.value, &stol);
      if (!bad && stol > 1e-3)
        return cli_usage_error(self, "--search-tolerance %g: at most 1e-3 "
                               "(0: off)", stol);
      break;
    case OPT_JACTOL:
      if (strcmp(p.value, "0") == 0) jtol = 0;
      else bad = cli_parse_positive_double(self, p.opt, p.value, &jtol);
      if (!bad && jtol > 1e-2)
        return cli_usage_error(self, "--jacobian-tolerance %g: at most 1e-2 "
                               "(0: the search tolerance)", jtol);
      break;
    case OPT_FTOL: bad = cli_parse_positive_double(self, p.opt, p.value, &ftol); break;
    case OPT_OUTPUT: dir = p.value; break;
    case OPT_RTOL: bad = cli_parse_positive_double(self, p.opt, p.value, &rtol); break;
    case OPT_ATOL: bad = cli_parse_positive_double(self, p.opt, p.value, &atol); break;
    case OPT_MAXITER: bad = cli_parse_positive_long(self, p.opt, p.value, &maxiter); break;
    case OPT_MAXSTEPS: bad = cli_parse_positive_long(self, p.opt, p.value, &maxsteps); break;
    default: break;
    }
    if (bad) return CLI_EXIT_USAGE;
  }
  if (path == NULL) return cli_usage_error(self, "no PROBLEM given");
  if (dir == NULL) return cli_usage_error(self, "no output directory (-o DIR)");
  if (threads > 1024) return cli_usage_error(self, "--threads %ld: at most 1024", threads);
  if (starts > 1000000) return cli_usage_error(self, "--starts %ld: at most 1000000", starts);
  if (profile_points_given && !profile)
    return cli_usage_error(self, "--profile-points has no effect without "
                           "--profile or --profile-params");
  if (radius_given && restarts == 0)
    return cli_usage_error(self, "--restart-radius has no effect with "
                           "--restarts 0");

  muskx_petab *pb = cli_petab_load(path);
  if (pb == NULL) return CLI_EXIT_FAIL;
  int rc = CLI_EXIT_FAIL;
  job j;
  memset(&j, 0, sizeof j);
  j.pb = pb;
  j.method = method;
  j.restarts = restarts;
  j.radius = radius;
  j.gntol = gntol;
  j.rtol = rtol;
  j.atol = atol;
  j.srtol = fmax(rtol, stol);
  j.satol = fmax(atol, stol);
  j.jrtol = fmax(j.srtol, jtol);
  j.jatol = fmax(j.satol, jtol);
  j.maxsteps = maxsteps;
  j.profile_only = profile_only;
  j.profile_zeroth = profile_zeroth;
  j.profile_points = profile_points;
  j.n = muskx_petab_nparams(pb);
  j.m = muskx_petab_nmeasurements(pb);
  if (j.n < 1) {
    cli_error("%s: no parameter is estimated (estimate = 1)", path);
    muskx_petab_free(pb);
    return CLI_EXIT_FAIL;
  }
  /* What the fit writes must not replace the problem's own files (-o the
     problem's folder would have put the estimates over parameters.tsv). */
  static const char *const written[] = {"parameters.tsv", "starts.tsv",
      "waterfall.png", "fit.png", "profiles.tsv", "profile_ci.tsv", "profiles.png",
      "profiles.partial.tsv"};
  for (size_t i = 0; i < sizeof written / sizeof written[0]; i++) {
    char *out = join(dir, written[i]);
    int bad = out == NULL || cli_out_not_petab_input(out, path, pb) != 0;
    /* the folder, and a file in it, before the fit rather than after */
    if (!bad && i == 0) bad = make_dir(dir) != 0 || cli_out_probe(out) != 0;
    free(out);
    if (bad) {
      muskx_petab_free(pb);
      return CLI_EXIT_FAIL;
    }
  }
  /* once, before the workers share the problem (bit-identical results) */
  cli_petab_native(pb, native, 1);
  for (int i = 0; i < j.m; i++) j.laplace |= muskx_petab_measurement_laplace(pb, i) == 1;
  /* one simulation and buffer per worker: as many as the fit may use */
  j.nworkers = threads > 0 ? (int)threads : 1024;
  {
    muskx_fit *probe = NULL;
    if (muskx_fit_create(1, &probe) == MUSKX_OK &&
        muskx_fit_set_threads(probe, (int)threads) == MUSKX_OK)
      j.nworkers = muskx_fit_threads(probe);
    muskx_fit_free(probe);
  }
  j.sims = calloc((size_t)j.nworkers, sizeof *j.sims);
  j.buf = calloc((size_t)j.nworkers, sizeof *j.buf);
  j.hbuf = calloc((size_t)j.nworkers, sizeof *j.hbuf);
  j.memo_kind = calloc((size_t)j.nworkers, sizeof *j.memo_kind);
  if (j.sims == NULL || j.buf == NULL || j.hbuf == NULL || j.memo_kind == NULL) {
    cli_error("out of memory");
    goto done;
  }
  for (int w = 0; w < j.nworkers; w++) {
    /* r, sigma, dr, dsigma and the theta they belong to (eval) */
    j.buf[w] = calloc((size_t)j.m * (2 + 2 * (size_t)j.n) + (size_t)j.n + 1,
                      sizeof(double));
    muskx_status st = j.buf[w] ? muskx_sim_create(muskx_petab_model(pb), &j.sims[w])
                  : MUSKX_ENOMEM;
    if (st == MUSKX_OK) st = muskx_sim_set_tolerances(j.sims[w], rtol, atol);
    if (st == MUSKX_OK) st = muskx_sim_set_max_steps(j.sims[w], maxsteps);
    if (st != MUSKX_OK) {
      cli_sim_error(path, NULL, j.sims[w], st);
      goto done;
    }
  }
  rc = fit_problem(path, pb, &j, starts, (unsigned long long)seed, threads,
                   profile, maxiter, joint, nominal, ftol, dir);
done:
  for (int w = 0; j.sims != NULL && w < j.nworkers; w++) {
    muskx_sim_free(j.sims[w]);
    free(j.buf[w]);
    if (j.hbuf != NULL) free(j.hbuf[w]);
  }
  free(j.sims);
  free(j.buf);
  free(j.hbuf);
  free(j.memo_kind);
  cli_sigma_groups_free(&j.sg);
  muskx_petab_free(pb);
  return rc;
}

const cli_command cli_cmd_fit = {
    "fit",
    "PROBLEM.yaml -o DIR [--starts N] [--seed S] [--threads K] [--profile]",
    "fit a PEtab problem: multi-start maximum likelihood, profiles",
    "Fits the estimated parameters of a PEtab (version 1) problem by\n"
    "maximum likelihood: N local optimisations (default 20) from a Latin\n"
    "hypercube of starts within the parameters' bounds, on their scales,\n"
    "drawn from the seed, run on K threads (the results depend on the seed,\n"
    "not on K); with --nominal-start, start 0 is the parameter table's\n"
    "nominal values and N - 1 starts are drawn. Normal noise: a rectangular\n"
    "trust-region dogleg on the exact residual Jacobian from forward\n"
    "sensitivities; Laplace noise:\n"
    "SLSQP (NLopt) on the exact gradient. Writes to DIR: parameters.tsv (the\n"
    "best parameters as a PEtab parameter table), starts.tsv\n"
    "(every start's result), waterfall.png, fit.png (each observable and its\n"
    "data); with --profile also profiles.tsv, profile_ci.tsv and\n"
    "profiles.png (--profile-params P1,P2: of those parameters only, the\n"
    "others still re-optimised at each point), and profiles.partial.tsv,\n"
    "written point by point as the profiles go (kept; a run killed\n"
    "mid-profile keeps its finished points there, without profile_ci.tsv).\n"
    "Prints the best llh, AIC, BIC, how many starts reached\n"
    "it, and with --profile each parameter's 95 % interval or the side on\n"
    "which it is not identifiable. A progress line on a terminal.",
    options,
    "  muskx fit Boehm_JProteomeRes2014.yaml --starts 20 --seed 1 -o boehm-fit\n"
    "  muskx fit problem.yaml -o out --profile --threads 2\n",
    run,
};
