/*
 * cmd_petab.c -- `muskx petab PROBLEM.yaml [--simulations FILE]`: evaluates
 * a PEtab version 1 problem at the nominal values of its parameters and
 * prints exactly two lines, "llh = <value>" and "chi2 = <value>" (%.17g),
 * and optionally writes the simulations table (muskx_petab_*).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ens_args.h"

enum { OPT_SIMULATIONS = 1, OPT_RTOL, OPT_ATOL, OPT_SOLVER, OPT_MAX_STEPS,
       OPT_GRADIENT, OPT_NATIVE };

static const cli_option options[] = {
    {OPT_SIMULATIONS, "simulations", 's', "FILE",
     "write the simulations table (PEtab format) to FILE, atomically"},
    {OPT_RTOL, "rtol", 0, "R", "relative tolerance (default 1e-8)"},
    {OPT_ATOL, "atol", 0, "A", "absolute tolerance (default 1e-8)"},
    {OPT_SOLVER, "solver", 0, "NAME",
     "linear solver: auto, dense, lapack, klu or spgmr (default auto)"},
    {OPT_MAX_STEPS, "max-steps", 0, "N",
     "most solver steps between two output times (default 100000)"},
    {OPT_GRADIENT, "gradient", 0, NULL,
     "then print 'd llh / d ID = VALUE' per estimated parameter (its scale)"},
    {OPT_NATIVE, "native", 0, "CC",
     "run the simulations as native code compiled with the C compiler CC "
     "(cached in ~/.cache/muskx; same numbers), 'off' (default) or 'auto' "
     "(cc)"},
    {0, NULL, 0, NULL, NULL},
};

/* Evaluates pb at its nominal values; prints, and writes the table. */
static int evaluate(const char *path, const muskx_petab *pb, double rtol,
                    double atol, int have_solver, muskx_linear_solver solver,
                    long max_steps, const char *sim_path, int gradient) {
  int n = muskx_petab_nparams(pb), nm = muskx_petab_nmeasurements(pb);
  int rc = CLI_EXIT_FAIL;
  double *theta = malloc((size_t)(n > 0 ? n : 1) * sizeof *theta);
  double *simv = malloc((size_t)(nm > 0 ? nm : 1) * sizeof *simv);
  double *grad = malloc((size_t)(n > 0 ? n : 1) * sizeof *grad);
  char *table = NULL;
  muskx_sim *sim = NULL;
  double llh = 0, chi2 = 0;
  muskx_status st;
  if (theta == NULL || simv == NULL || grad == NULL) {
    cli_error("out of memory");
    goto done;
  }
  muskx_error err;
  if (muskx_petab_nominal(pb, theta, &err) != MUSKX_OK) {
    char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 32];
    fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
    goto done;
  }
  st = muskx_sim_create(muskx_petab_model(pb), &sim);
  if (st == MUSKX_OK) st = muskx_sim_set_tolerances(sim, rtol, atol);
  if (st == MUSKX_OK && have_solver) st = muskx_sim_set_linear_solver(sim, solver);
  if (st == MUSKX_OK && max_steps > 0) st = muskx_sim_set_max_steps(sim, max_steps);
  if (st == MUSKX_OK)
    st = muskx_petab_evaluate(pb, sim, theta, simv, NULL, NULL, &llh, &chi2);
  if (st == MUSKX_OK && gradient)
    st = muskx_petab_gradient(pb, sim, theta, NULL, grad);
  if (st != MUSKX_OK) {
    cli_sim_error(path, NULL, sim, st);
    goto done;
  }
  if (sim_path != NULL) {
    if (muskx_petab_simulations_table(pb, simv, &table) != MUSKX_OK) {
      cli_error("out of memory");
      goto done;
    }
    if (cli_out_write_text(sim_path, table) != 0) goto done;
  }
  printf("llh = %.17g\nchi2 = %.17g\n", llh, chi2);
  for (int k = 0; gradient && k < n; k++)
    printf("d llh / d %s = %.17g\n", muskx_petab_param_id(pb, k), grad[k]);
  rc = CLI_EXIT_OK;
done:
  muskx_free_string(table);
  muskx_sim_free(sim);
  free(theta);
  free(simv);
  free(grad);
  return rc;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  const char *path = NULL, *sim_path = NULL;
  double rtol = 1e-8, atol = 1e-8;
  int have_solver = 0, gradient = 0, r;
  muskx_linear_solver solver = MUSKX_LS_AUTO;
  long max_steps = 0;
  const char *native = NULL;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case CLI_ARG:
      if (cli_take_one(self, "PROBLEM", &path, p.value) != 0)
        return CLI_EXIT_USAGE;
      break;
    case OPT_SIMULATIONS: sim_path = p.value; break;
    case OPT_GRADIENT: gradient = 1; break;
    case OPT_NATIVE: native = p.value; break;
    case OPT_RTOL: bad = cli_parse_positive_double(self, p.opt, p.value, &rtol); break;
    case OPT_ATOL: bad = cli_parse_positive_double(self, p.opt, p.value, &atol); break;
    case OPT_SOLVER:
      bad = cli_parse_solver(self, p.value, &solver);
      have_solver = 1;
      break;
    case OPT_MAX_STEPS:
      bad = cli_parse_positive_long(self, p.opt, p.value, &max_steps);
      break;
    default: break;
    }
    if (bad) return CLI_EXIT_USAGE;
  }
  if (path == NULL) return cli_usage_error(self, "no PROBLEM given");
  if (sim_path != NULL && cli_out_probe(sim_path) != 0) return CLI_EXIT_FAIL;

  muskx_petab *pb = cli_petab_load(path);
  if (pb == NULL) return CLI_EXIT_FAIL;
  if (cli_out_not_petab_input(sim_path, path, pb) != 0) {
    muskx_petab_free(pb);
    return CLI_EXIT_FAIL;
  }
  cli_petab_native(pb, native, 0);
  int rc = evaluate(path, pb, rtol, atol, have_solver, solver, max_steps,
                    sim_path, gradient);
  muskx_petab_free(pb);
  return rc;
}

const cli_command cli_cmd_petab = {
    "petab",
    "PROBLEM.yaml [--simulations FILE] [--gradient] [--rtol R --atol A]",
    "evaluate a PEtab parameter-estimation problem",
    "Loads a PEtab (version 1) problem -- the problem YAML file, its SBML\n"
    "or muskx YAML model and its parameter, observable, condition and\n"
    "measurement tables -- and evaluates it at the nominal values of the\n"
    "parameters: one simulation per condition (after a steady state under\n"
    "the pre-equilibration condition, when there is one). Prints exactly\n"
    "two lines, \"llh = <value>\" (the log-likelihood, the sum of the log\n"
    "densities of the measurements' noise models) and \"chi2 = <value>\"\n"
    "(the sum of squared normalised residuals), at full precision. With\n"
    "--simulations, writes the simulated observables as a PEtab\n"
    "simulations table. With --gradient, also the gradient of llh on the\n"
    "parameters' scales, from forward sensitivities, one line per\n"
    "estimated parameter. A bad table cell is reported as file:line:col.",
    options,
    "  muskx petab Boehm_JProteomeRes2014.yaml\n"
    "  muskx petab problem.yaml --simulations sim.tsv --rtol 1e-10 --atol 1e-10\n",
    run,
};
