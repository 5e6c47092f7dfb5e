/*
 * cmd_steady.c -- `muskx steady MODEL [--set ...]`: the steady state of a
 * model (muskx_sim_steady_state: Newton, then integration) as CSV
 * "name,value", one row per species in file order. Standard output stays
 * a clean CSV; the residual, the stability verdict and (with --eigen) the
 * Jacobian's eigenvalues are reported on standard error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
  OPT_SET = 1,
  OPT_RTOL,
  OPT_ATOL,
  OPT_SOLVER,
  OPT_MAX_STEPS,
  OPT_EIGEN,
  OPT_QUIET,
  OPT_OUTPUT
};

static const cli_option options[] = {
    {OPT_SET, "set", 0, "NAME=VALUE",
     "set a parameter, compartment, initial value or input "
     "(repeatable)"},
    {OPT_RTOL, "rtol", 0, "R",
     "relative tolerance of the fallback (default 1e-6)"},
    {OPT_ATOL, "atol", 0, "A",
     "absolute tolerance of the fallback (default 1e-9)"},
    {OPT_SOLVER, "solver", 0, "NAME",
     "linear solver: auto, dense, lapack, klu or spgmr (default auto)"},
    {OPT_MAX_STEPS, "max-steps", 0, "N",
     "most solver steps of the fallback integration"},
    {OPT_EIGEN, "eigen", 0, NULL,
     "also list the Jacobian's eigenvalues on stderr"},
    {OPT_QUIET, "quiet", 'q', NULL,
     "no report on stderr (errors are still printed)"},
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the CSV to FILE, atomically (default: stdout)"},
    {0, NULL, 0, NULL, NULL},
};

static const char *stability_name(muskx_stability s) {
  switch (s) {
  case MUSKX_STABLE: return "stable";
  case MUSKX_UNSTABLE: return "unstable";
  case MUSKX_OSCILLATORY: return "oscillatory (unstable, complex pair)";
  case MUSKX_MARGINAL: return "marginal";
  case MUSKX_UNKNOWN: return "unknown";
  }
  return "unknown";
}

/*
 * Residual, stability and (with --eigen) eigenvalues on stderr. The
 * verdict is the library's, which knows about zero eigenvalues that come
 * from conservation laws; the eigenvalues are the raw ones. 0, or -1.
 */
static int report(const muskx_sim *sim, int ns, int eigen) {
  char b1[CLI_NUMBUF], b2[CLI_NUMBUF];
  size_t cap = (size_t)(ns > 0 ? ns : 1);
  double *re = malloc(cap * sizeof *re), *im = malloc(cap * sizeof *im);
  int n, i;

  if (re == NULL || im == NULL) {
    free(re);
    free(im);
    cli_error("out of memory");
    return -1;
  }
  fprintf(stderr, "steady state: converged, residual %s (max-norm of f)\n",
          cli_format_double(muskx_sim_steady_residual(sim), b1));
  n = muskx_sim_eigenvalues(sim, re, im, cap);
  if (n > (int)cap) { /* more than the species: take them all */
    double *r2 = realloc(re, (size_t)n * sizeof *re);
    double *i2 = r2 != NULL ? realloc(im, (size_t)n * sizeof *im) : NULL;
    if (r2 != NULL) re = r2;
    if (i2 != NULL) im = i2;
    if (r2 == NULL || i2 == NULL) {
      free(re);
      free(im);
      cli_error("out of memory");
      return -1;
    }
    cap = (size_t)n;
    n = muskx_sim_eigenvalues(sim, re, im, cap);
  }
  fprintf(stderr, "stability: %s\n", stability_name(muskx_sim_stability(sim)));
  if (eigen && n < 0) fputs("eigenvalues: not available\n", stderr);
  if (eigen && n >= 0) {
    fprintf(stderr, "eigenvalues (%d, re im):\n", n);
    for (i = 0; i < n && (size_t)i < cap; i++)
      fprintf(stderr, "  %s %s\n", cli_format_double(re[i], b1),
              cli_format_double(im[i], b2));
  }
  free(re);
  free(im);
  return 0;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  cli_settings settings = {NULL, 0, 0};
  cli_out out;
  const char *model_path = NULL, *output = NULL;
  double rtol = 1e-6, atol = 1e-9; /* muskx_sim_create()'s defaults */
  int have_tol = 0, have_solver = 0, eigen = 0, quiet = 0, out_open = 0;
  muskx_linear_solver solver = MUSKX_LS_AUTO;
  long max_steps = 0;
  muskx_model *m = NULL;
  muskx_sim *sim = NULL;
  double *y = NULL;
  int r, rc = CLI_EXIT_FAIL, ns, i;
  muskx_status st;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
    case CLI_ERROR: rc = CLI_EXIT_USAGE; goto done;
    case CLI_HELP:
      cli_print_help(stdout, self);
      rc = CLI_EXIT_OK;
      goto done;
    case CLI_ARG:
      if (cli_take_one(self, "MODEL", &model_path, p.value) != 0) {
        rc = CLI_EXIT_USAGE;
        goto done;
      }
      break;
    case OPT_SET:
      bad = cli_settings_add(&settings, self, p.value);
      if (bad > 0) goto done;
      break;
    case OPT_RTOL:
    case OPT_ATOL: {
      bad = cli_parse_positive_double(self, p.opt, p.value,
                                      r == OPT_RTOL ? &rtol : &atol);
      have_tol = 1;
      break;
    }
    case OPT_SOLVER:
      bad = cli_parse_solver(self, p.value, &solver);
      have_solver = 1;
      break;
    case OPT_MAX_STEPS:
      bad = cli_parse_positive_long(self, p.opt, p.value, &max_steps);
      break;
    case OPT_EIGEN: eigen = 1; break;
    case OPT_QUIET: quiet = 1; break;
    case OPT_OUTPUT: output = p.value; break;
    default: break;
    }
    if (bad) {
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  if (model_path == NULL) {
    rc = cli_usage_error(self, "no MODEL given");
    goto done;
  }

  m = cli_load_model(model_path);
  if (m == NULL) goto done;
  st = muskx_sim_create(m, &sim);
  if (st != MUSKX_OK) {
    cli_sim_error(model_path, "cannot create a simulation", sim, st);
    goto done;
  }
  st = MUSKX_OK;
  if (have_tol) st = muskx_sim_set_tolerances(sim, rtol, atol);
  if (st == MUSKX_OK && have_solver)
    st = muskx_sim_set_linear_solver(sim, solver);
  if (st == MUSKX_OK && max_steps > 0)
    st = muskx_sim_set_max_steps(sim, max_steps);
  if (st != MUSKX_OK) {
    cli_sim_error(model_path, NULL, sim, st);
    goto done;
  }
  if (cli_settings_apply(&settings, sim, model_path) != 0) goto done;

  ns = muskx_model_count(m, MUSKX_SPECIES);
  y = malloc((size_t)(ns > 0 ? ns : 1) * sizeof *y);
  if (y == NULL) {
    cli_error("out of memory");
    goto done;
  }
  if (cli_out_not_input(output, model_path, m) != 0 ||
      cli_out_open(&out, output) != 0)
    goto done;
  out_open = 1;

  st = muskx_sim_steady_state(sim, y, (size_t)ns);
  if (st != MUSKX_OK) {
    cli_steady_error(model_path, "steady", sim, st);
    goto done;
  }

  fputs("name,value\n", out.fp);
  for (i = 0; i < ns; i++) {
    char buf[CLI_NUMBUF];
    cli_csv_field(out.fp, muskx_model_name_at(m, MUSKX_SPECIES, i));
    fprintf(out.fp, ",%s\n", cli_format_double(y[i], buf));
  }
  out_open = 0;
  if (cli_out_commit(&out) != 0) goto done;
  if (!quiet && report(sim, ns, eigen) != 0) goto done;
  rc = CLI_EXIT_OK;

done:
  if (out_open) cli_out_abort(&out);
  free(y);
  muskx_sim_free(sim);
  muskx_model_free(m);
  cli_settings_free(&settings);
  return rc;
}

const cli_command cli_cmd_steady = {
    "steady",
    "MODEL [--set NAME=VALUE ...] [OPTIONS]",
    "find the steady state and its stability",
    "Finds a steady state f(y) = 0 of MODEL near its initial values (Newton\n"
    "with LAPACK, falling back to integration until the derivatives\n"
    "vanish) and writes it as CSV \"name,value\", one row per species in\n"
    "file order. The residual and the stability (from the eigenvalues of\n"
    "the Jacobian there) are reported on stderr. Exit status 1, and\n"
    "nothing written, if no steady state is found.",
    options,
    "  muskx steady bone.yaml\n"
    "  muskx steady bone.yaml --set loading=0 --eigen -o unloaded.csv\n",
    run,
};
