/*
 * cmd_check.c -- `muskx check MODEL...`: load (validate and compile) each
 * model and create a simulation of it; print one "MODEL: ok (...)" line
 * per good model on stdout and "file:line:col: message" per bad one on
 * stderr. Every model is checked even after a failure; the exit status is
 * 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_QUIET = 1 };

static const cli_option options[] = {
    {OPT_QUIET, "quiet", 'q', NULL,
     "print nothing for good models (errors are still printed)"},
    {0, NULL, 0, NULL, NULL},
};

static int check_one(const char *path, int quiet) {
  muskx_model *m = cli_load_model(path);
  muskx_sim *sim = NULL;
  muskx_status st;

  if (m == NULL) return -1;
  /* A simulation is what every other command needs; creating one
     evaluates the initial values. */
  st = muskx_sim_create(m, &sim);
  if (st != MUSKX_OK) {
    cli_sim_error(path, "cannot create a simulation", sim, st);
    muskx_model_free(m);
    return -1;
  }
  /* The start of a run evaluates what only a run can: event schedules,
     e.g. a `count` expression that is not a whole number. */
  double t0 = 0, row0[1];
  double *row = muskx_sim_ncols(sim) <= 1 ? row0 : NULL;
  if (row == NULL &&
      (row = calloc((size_t)muskx_sim_ncols(sim), sizeof *row)) == NULL) {
    cli_error("out of memory");
    muskx_sim_free(sim);
    muskx_model_free(m);
    return -1;
  }
  st = muskx_sim_run(sim, &t0, 1, row, NULL);
  if (row != row0) free(row);
  if (st != MUSKX_OK) {
    cli_sim_error(path, "cannot start a run", sim, st);
    muskx_sim_free(sim);
    muskx_model_free(m);
    return -1;
  }
  for (int w = 0; w < muskx_model_warning_count(m); w++)
    fprintf(stderr, "%s\n", muskx_model_warning(m, w));
  if (!quiet) {
    printf("%s: ok (", strcmp(path, "-") == 0 ? "<stdin>" : path);
    cli_print_counts(stdout, m, 0);
    fputs(")\n", stdout);
  }
  muskx_sim_free(sim);
  muskx_model_free(m);
  return 0;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  int r, quiet = 0, nmodels = 0, failed = 0;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case OPT_QUIET: quiet = 1; break;
    case CLI_ARG: nmodels++; break;
    default: break;
    }
  }
  if (nmodels == 0) return cli_usage_error(self, "no MODEL given");

  /* Second pass: the models, in order (options may be anywhere). */
  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    if (r != CLI_ARG) continue;
    if (check_one(p.value, quiet) != 0) failed++;
    if (fflush(stdout) != 0) {
      cli_error("cannot write to standard output");
      return CLI_EXIT_FAIL;
    }
  }
  return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const cli_command cli_cmd_check = {
    "check",
    "[-q] MODEL...",
    "validate model files",
    "Loads, validates and compiles each MODEL and reports either\n"
    "\"MODEL: ok (N species, M reactions, ...)\" on standard output or\n"
    "its first problem as \"file:line:col: message\" on standard error.\n"
    "The start of a run is tried (event schedules, e.g. a 'count'\n"
    "expression). Warnings (\"file:line:col: warning: ...\", e.g. an event\n"
    "condition that can never turn true) go to standard error and do\n"
    "not change the exit status.\n"
    "All models are checked; the exit status is 1 if any of them is bad.",
    options,
    "  muskx check model.yaml\n"
    "  muskx check -q models/*.yaml && echo all good\n",
    run,
};
