/*
 * cmd_gsa.c -- `muskx gsa SCENARIO --vary NAME=DIST(A,B)... --samples N
 * --output NAME@WHEN...`: variance-based global sensitivity (issue 19).
 * Which crew traits drive bone and muscle loss: first-order and total
 * Sobol indices of each --output with respect to each --vary, with
 * bootstrap confidence intervals.
 *
 * The Saltelli design (muskx_sobol_design) of N base samples is N (k + 2)
 * parameter sets; they run as one ensemble (the thread pool, each set as
 * the scenario with its values acting before the steady state), sampled
 * only at the times the outputs need; muskx_sobol_indices turns the
 * results into the indices. Reproducible: the design is a Sobol'
 * sequence and the bootstrap draws depend only on --seed, so the answer
 * is the same whatever --threads.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_ensemble.h"
#include "cmd_gsa.h"
#include "ens_args.h"

enum {
  OPT_SAMPLES = 1,
  OPT_VARY,
  OPT_OUTPUT,
  OPT_BOOTSTRAP,
  OPT_LEVEL,
  OPT_SEED,
  OPT_THREADS,
  OPT_SET,
  OPT_FILE,
  OPT_QUIET,
  OPT_NATIVE
};

static const cli_option options[] = {
    {OPT_SAMPLES, "samples", 'n', "N",
     "base samples; N (k + 2) simulations for k varied names"},
    {OPT_VARY, "vary", 0, "NAME=DIST(A,B)",
     "an input: lognormal(median,cv), normal(mean,sd) or uniform(low,high) "
     "(repeatable)"},
    {OPT_OUTPUT, "output", 0, "NAME@WHEN",
     "a result: column NAME at the end of phase WHEN, at landing, at the "
     "end, or on a day (repeatable)"},
    {OPT_BOOTSTRAP, "bootstrap", 0, "B",
     "bootstrap resamples for the intervals (default 500; 0: none)"},
    {OPT_LEVEL, "level", 0, "L", "confidence level (default 0.95)"},
    {OPT_SEED, "seed", 0, "S", "seed of the bootstrap (default 1)"},
    {OPT_THREADS, "threads", 'j', "K",
     "worker threads (default: one per processor)"},
    {OPT_SET, "set", 0, "NAME=VALUE",
     "set a parameter, initial value or input baseline in every "
     "simulation (repeatable; as run --set: no compartment)"},
    {OPT_FILE, "out", 'o', "FILE", "write the CSV to FILE (default: stdout)"},
    {OPT_QUIET, "quiet", 'q', NULL, "no progress bar and no summary line"},
    {OPT_NATIVE, "native", 0, "CC",
     "run the simulations as native code compiled with the C compiler CC "
     "(cached in ~/.cache/muskx), 'off' for the VM, 'auto' (default): cc "
     "from 500 simulations on"},
    {0, NULL, 0, NULL, NULL},
};

#define MAX_BASE 10000000L



static int parse(cli_gsa *j, const cli_command *self, int argc, char **argv) {
  cli_parser p;
  int r;
  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
      case CLI_ERROR: return CLI_EXIT_USAGE;
      case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
      case CLI_ARG:
        if (cli_take_one(self, "SCENARIO", &j->path, p.value) != 0)
          return CLI_EXIT_USAGE;
        break;
      case OPT_SAMPLES:
        bad = cli_parse_positive_long(self, p.opt, p.value, &j->samples);
        if (!bad && j->samples > MAX_BASE)
          return cli_usage_error(self, "--samples %ld: at most %ld",
                                 j->samples, MAX_BASE);
        break;
      case OPT_VARY:
        r = cli_vary_add(self, p.value, &j->vary, &j->nvary);
        if (r != 0) return r;
        break;
      case OPT_OUTPUT: {
        const char **o = realloc(j->out_args, (j->nout + 1) * sizeof *o);
        if (o == NULL) return CLI_EXIT_FAIL;
        j->out_args = o;
        o[j->nout++] = p.value;
        break;
      }
      case OPT_BOOTSTRAP: {
        char *end;
        errno = 0;
        j->boot = strtol(p.value, &end, 10);
        if (errno != 0 || end == p.value || *end != '\0' || j->boot < 0 ||
            j->boot > 100000)
          return cli_usage_error(self, "--bootstrap must be an integer in "
                                 "[0, 100000], not '%s'", p.value);
        break;
      }
      case OPT_LEVEL:
        bad = cli_parse_positive_double(self, p.opt, p.value, &j->level);
        if (!bad && !(j->level < 1))
          return cli_usage_error(self, "--level %s: must be in (0, 1)",
                                 p.value);
        break;
      case OPT_SEED:
        r = cli_parse_seed(self, p.value, &j->seed);
        if (r != 0) return r;
        break;
      case OPT_THREADS:
        r = cli_parse_threads(self, p.opt, p.value, &j->threads);
        if (r != 0) return r;
        break;
      case OPT_SET:
        bad = cli_settings_add(&j->settings, self, p.value);
        if (bad > 0) return CLI_EXIT_FAIL;
        break;
      case OPT_FILE: j->file = p.value; break;
      case OPT_QUIET: j->quiet = 1; break;
      case OPT_NATIVE: j->native = p.value; break;
      default: break;
    }
    if (bad) return CLI_EXIT_USAGE;
  }
  if (j->path == NULL) return cli_usage_error(self, "no SCENARIO given");
  if (j->nvary == 0) return cli_usage_error(self, "nothing varies: give --vary");
  for (size_t i = 0; i < j->nvary; i++) { /* review rev27u M1 */
    char by[512];
    snprintf(by, sizeof by, "--vary '%s'", j->vary[i].arg);
    int bad = cli_set_vary_clash(&j->settings, j->vary[i].name, by);
    if (bad != 0) return bad;
  }
  if (j->samples == 0) return cli_usage_error(self, "--samples is required");
  if (j->nout == 0)
    return cli_usage_error(self, "no result: give --output NAME@WHEN");
  return -1;
}

/* Loads the scenario, applies --set, resolves the outputs. */
static int load(cli_gsa *j, const cli_command *self) {
  int rc = cli_scenario_load_set(j->path, &j->settings, &j->sc);
  if (rc >= 0) return rc;
  j->points = calloc(j->nout, sizeof *j->points);
  if (j->points == NULL) return CLI_EXIT_FAIL;
  for (size_t i = 0; i < j->nout; i++) {
    const char *rest;
    int rc = cli_phase_point_parse(self, j->sc, j->out_args[i], "", &j->points[i],
                                   &rest);
    if (rc != 0) return rc;
  }
  return -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sets up the ensemble of the design's rows, sampled at the days the
   outputs need. 0, or an exit status. */
static int setup_ensemble(cli_gsa *j) {
  const muskx_model *m = muskx_scenario_model(j->sc);
  size_t k = j->nvary;
  muskx_status st;
  j->names = calloc(k + j->nout, sizeof *j->names);
  j->times = calloc(j->nout + 1, sizeof *j->times);
  if (j->names == NULL || j->times == NULL) return CLI_EXIT_FAIL;
  /* the run starts at the first time: day 0, then the needed days */
  j->ntimes = 0;
  j->times[j->ntimes++] = 0.0;
  for (size_t i = 0; i < j->nout; i++) j->times[j->ntimes++] = j->points[i].day;
  qsort(j->times, j->ntimes, sizeof *j->times, cmp_double);
  /* each --vary as muskx ensemble takes it (the distribution, and its
     share outside a parameter's or input's declared min/max: session 28,
     the design's rows outside failed one by one and the indices came from
     the rest), on an ensemble of its own: this one gets the design as a
     table */
  muskx_ensemble *chk = NULL;
  if (muskx_ensemble_create(m, &chk) != MUSKX_OK) return CLI_EXIT_FAIL;
  for (size_t i = 0; i < k; i++) {
    st = muskx_ensemble_vary(chk, j->vary[i].name, j->vary[i].dist,
                             j->vary[i].p1, j->vary[i].p2);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: --vary %s: %s\n", j->path, j->vary[i].arg,
              muskx_ensemble_errmsg(chk));
      muskx_ensemble_free(chk);
      return st == MUSKX_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
  }
  muskx_ensemble_free(chk);
  if (muskx_ensemble_create(m, &j->ens) != MUSKX_OK) return CLI_EXIT_FAIL;
  for (size_t i = 0; i < k; i++) j->names[i] = j->vary[i].name;
  st = muskx_ensemble_set_scenario(j->ens, j->sc);
  if (st == MUSKX_OK)
    st = muskx_ensemble_set_samples(j->ens, j->design, j->rows, k, j->names);
  /* the kept columns: each output's name once */
  j->ncols = 0;
  for (size_t i = 0; i < j->nout; i++) {
    size_t c = 0;
    while (c < j->ncols && strcmp(j->names[k + c], j->points[i].name) != 0)
      c++;
    if (c == j->ncols) j->names[k + j->ncols++] = j->points[i].name;
  }
  if (st == MUSKX_OK)
    st = muskx_ensemble_set_columns(j->ens, j->names + k, j->ncols);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: %s\n", j->path, muskx_ensemble_errmsg(j->ens));
    return st == MUSKX_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
  }
  cli_ens_native(j->ens, j->native, j->rows, j->quiet);
  return 0;
}

int cli_gsa_run(cli_gsa *j, size_t first, size_t count, int progress,
                double *y) {
  double *traj = NULL;
  int rc = CLI_EXIT_FAIL;
  size_t k = j->nvary, nc = j->ncols, nt = j->ntimes;
  cli_ens bar;
  memset(&bar, 0, sizeof bar);
  bar.quiet = j->quiet || !progress;
  muskx_status st = muskx_ensemble_run(j->ens, first, count, j->seed,
                                       (int)j->threads, j->times, nt,
                                       cli_ens_progress, &bar);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: gsa: %s\n", j->path, muskx_ensemble_errmsg(j->ens));
    goto done;
  }
  for (size_t r = 0, shown = 0; r < count && shown < 3; r++) {
    const char *msg = muskx_ensemble_sample_errmsg(j->ens, r);
    if (msg != NULL && msg[0] != '\0') {
      fprintf(stderr, "%s: simulation %zu failed: %s\n", j->path, first + r,
              msg);
      shown++;
    }
  }
  size_t block = nt * nc;
  traj = malloc((count > 0 && block > 0 ? count * block : 1) * sizeof *traj);
  if (traj == NULL ||
      muskx_ensemble_trajectories(j->ens, traj, count * block) != MUSKX_OK) {
    cli_error("out of memory for %zu results", count);
    goto done;
  }
  for (size_t i = 0; i < j->nout; i++) {
    size_t ti = 0, ci = 0;
    while (j->times[ti] != j->points[i].day) ti++;
    while (strcmp(j->names[k + ci], j->points[i].name) != 0) ci++;
    for (size_t r = 0; r < count; r++)
      y[r * j->nout + i] = traj[r * block + ti * nc + ci];
  }
  rc = 0;
done:
  free(traj);
  return rc;
}

int cli_gsa_write(const cli_gsa *j, const double *y) {
  cli_out out;
  size_t k = j->nvary, rows = j->rows;
  muskx_sobol *s = calloc(k, sizeof *s);
  double *col = malloc(rows * sizeof *col);
  char b[6][CLI_NUMBUF];
  size_t nfailed = 0;
  for (size_t r = 0; r < rows; r++) {
    int bad = 0;
    for (size_t i = 0; i < j->nout; i++) bad |= isnan(y[r * j->nout + i]);
    nfailed += (size_t)bad;
  }
  if (!j->quiet)
    fprintf(stderr, "%s: %zu simulations (%ld base samples x %zu), %zu "
            "failed\n", j->path, rows, j->samples, k + 2, nfailed);
  if (s == NULL || col == NULL || cli_out_open(&out, j->file) != 0) {
    free(s);
    free(col);
    return CLI_EXIT_FAIL;
  }
  fputs("output,name,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,n\n", out.fp);
  for (size_t i = 0; i < j->nout; i++) {
    for (size_t r = 0; r < rows; r++) col[r] = y[r * j->nout + i];
    if (muskx_sobol_indices(col, (size_t)j->samples, (int)k, (size_t)j->boot,
                            j->seed, j->level, s) != MUSKX_OK) {
      cli_error("out of memory for the indices");
      cli_out_abort(&out);
      free(s);
      free(col);
      return CLI_EXIT_FAIL;
    }
    for (size_t v = 0; v < k; v++) {
      cli_csv_field(out.fp, j->points[i].arg);
      fputc(',', out.fp);
      cli_csv_field(out.fp, j->vary[v].name);
      fprintf(out.fp, ",%s,%s,%s,%s,%s,%s,%zu\n",
              cli_format_double(s[v].first, b[0]),
              cli_format_double(s[v].first_lo, b[1]),
              cli_format_double(s[v].first_hi, b[2]),
              cli_format_double(s[v].total, b[3]),
              cli_format_double(s[v].total_lo, b[4]),
              cli_format_double(s[v].total_hi, b[5]), s[v].n);
    }
  }
  free(s);
  free(col);
  return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cli_gsa_prepare(cli_gsa *j, const cli_command *self, int argc,
                    char **argv) {
  memset(j, 0, sizeof *j);
  j->boot = 500;
  j->level = 0.95;
  j->seed = 1;
  int rc = parse(j, self, argc, argv);
  if (rc < 0) rc = load(j, self);
  /* The CSV must not replace the scenario or its model (cli_out_not_input). */
  if (rc < 0 && j->file != NULL && strcmp(j->file, "-") != 0 &&
      (cli_out_not_input(j->file, j->path, muskx_scenario_model(j->sc)) != 0 ||
       cli_out_probe(j->file) != 0))
    rc = CLI_EXIT_FAIL;
  if (rc >= 0) return rc;
  size_t k = j->nvary, n = (size_t)j->samples;
  j->rows = n * (k + 2);
  muskx_distribution *dist = calloc(k, sizeof *dist);
  double *p = calloc(2 * k, sizeof *p);
  j->design = malloc(j->rows * k * sizeof *j->design);
  if (dist == NULL || p == NULL || j->design == NULL) {
    free(dist);
    free(p);
    cli_error("out of memory for %zu simulations", j->rows);
    return CLI_EXIT_FAIL;
  }
  for (size_t i = 0; i < k; i++) {
    dist[i] = j->vary[i].dist;
    p[i] = j->vary[i].p1;
    p[k + i] = j->vary[i].p2;
  }
  muskx_status st =
      muskx_sobol_design((int)k, dist, p, p + k, n, j->seed, j->design);
  free(dist);
  free(p);
  if (st != MUSKX_OK) {
    cli_error("the sampling design: %s", muskx_strerror(st));
    return CLI_EXIT_FAIL;
  }
  rc = setup_ensemble(j);
  return rc == 0 ? -1 : rc;
}

void cli_gsa_free(cli_gsa *j) {
  free(j->design);
  free(j->names);
  free(j->times);
  for (size_t i = 0; i < j->nvary; i++) free(j->vary[i].name);
  free(j->vary);
  for (size_t i = 0; j->points != NULL && i < j->nout; i++)
    free(j->points[i].name);
  free(j->points);
  free(j->out_args);
  cli_settings_free(&j->settings);
  muskx_ensemble_free(j->ens);
  muskx_scenario_free(j->sc);
  memset(j, 0, sizeof *j);
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_gsa j;
  double *y = NULL;
  int rc = cli_gsa_prepare(&j, self, argc, argv);
  if (rc >= 0) goto done;
  rc = CLI_EXIT_FAIL;
  y = malloc((j.rows > 0 && j.nout > 0 ? j.rows * j.nout : 1) * sizeof *y);
  if (y == NULL) {
    cli_error("out of memory for %zu results", j.rows);
    goto done;
  }
  rc = cli_gsa_run(&j, 0, j.rows, 1, y);
  if (rc == 0) rc = cli_gsa_write(&j, y);
done:
  free(y);
  cli_gsa_free(&j);
  return rc;
}

const cli_command cli_cmd_gsa = {
    "gsa",
    "SCENARIO --vary NAME=DIST(A,B)... --samples N --output NAME@WHEN... "
    "[OPTIONS]",
    "variance-based global sensitivity (Sobol indices) of scenario results",
    "Computes, for each --output (a reported column at the end of a phase,\n"
    "at landing, at the end, or on a day), the first-order (S1) and total\n"
    "(ST) Sobol indices with respect to each --vary name: the share of the\n"
    "output's variance due to that input alone, and due to it with all its\n"
    "interactions. Saltelli sampling on a Sobol' sequence, N (k + 2)\n"
    "simulations run on the thread pool as an ensemble (the values act\n"
    "before the scenario's steady state), Jansen's estimators, and\n"
    "percentile bootstrap intervals (--bootstrap, --level). Writes CSV:\n"
    "output, name, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi, n (the base samples\n"
    "whose simulations all succeeded). The result is the same for any\n"
    "--threads.",
    options,
    "  muskx --allow-path models gsa scenarios/iss_exercise.yaml -n 256 \\\n"
    "      --vary 'kappa_R=lognormal(1.31,0.3)' \\\n"
    "      --vary 'w_res=uniform(0.1,0.4)' --output BMD_wb_pct@landing\n",
    run,
};
