/*
 * cmd_ensemble.c -- `muskx ensemble SCENARIO_OR_MODEL --samples N --vary
 * NAME=lognormal(median,cv) ...`: a virtual population (issue 8). Runs N
 * simulations on a thread pool through the library's ensemble API and
 * writes the per-time quantiles (5, 25, 50, 75, 95 %) of every reported
 * column, and optionally one row per sample (its values, status and final
 * values).
 *
 * A scenario file (top-level key `muskx_scenario:`) is run as the scenario
 * -- its phases, countermeasures, sample times and reported columns --
 * with each sample's values acting before its steady state. A model file
 * is simulated from 0 to --t-end.
 *
 * The steps are public to cli/ (cmd_ensemble.h) so that muskx-mpi runs the
 * very same set-up and writer, only splitting the samples over ranks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_ensemble.h"
#include "ens_args.h"
#include "ens_plot.h"
#include "ens_summaries.h"
#include "ens_threshold.h"
#include "param_draws.h"

enum {
  OPT_SAMPLES = 1,
  OPT_VARY,
  OPT_PARAMS_CSV,
  OPT_SEED,
  OPT_THREADS,
  OPT_T_END,
  OPT_DT,
  OPT_SET,
  OPT_RTOL,
  OPT_ATOL,
  OPT_SOLVER,
  OPT_NATIVE,
  OPT_COLUMNS,
  OPT_SAMPLES_OUT,
  OPT_QUIET,
  OPT_OUTPUT,
  OPT_THRESHOLD,
  OPT_SUMMARIES,
  OPT_PLOT,
  OPT_BUDGET,
  OPT_SKETCH_K
};

static const cli_option options[] = {
    {OPT_SAMPLES, "samples", 'n', "N",
     "number of samples (default: the rows of --params-csv)"},
    {OPT_VARY, "vary", 0, "NAME=DIST(A,B)",
     "draw NAME per sample: lognormal(median,cv), normal(mean,sd) or "
     "uniform(low,high) (repeatable)"},
    {OPT_PARAMS_CSV, "params-csv", 0, "FILE",
     "explicit parameter sets: a header of names, one row per sample"},
    {OPT_SEED, "seed", 0, "S", "random seed, an integer >= 0 (default 1)"},
    {OPT_THREADS, "threads", 'j', "K",
     "worker threads (default: one per processor)"},
    {OPT_T_END, "t-end", 0, "T", "last output time (models only; required)"},
    {OPT_DT, "dt", 0, "D", "output every D (models only; default T/100)"},
    {OPT_SET, "set", 0, "NAME=VALUE",
     "set a value in every sample (repeatable; on a model a "
     "compartment too)"},
    {OPT_RTOL, "rtol", 0, "R", "relative tolerance (models only)"},
    {OPT_ATOL, "atol", 0, "A", "absolute tolerance (models only)"},
    {OPT_SOLVER, "solver", 0, "NAME",
     "linear solver: auto, dense, lapack, klu or spgmr"},
    {OPT_NATIVE, "native", 0, "CC",
     "run the members as native code compiled with the C compiler CC "
     "(cached in ~/.cache/muskx), 'off' for the VM, 'auto' (default): cc "
     "from 500 samples on"},
    {OPT_COLUMNS, "columns", 0, "LIST",
     "comma-separated species or outputs to report (default: all, or the "
     "scenario's)"},
    {OPT_SAMPLES_OUT, "samples-out", 0, "FILE",
     "write one row per sample: values, status, final values"},
    {OPT_QUIET, "quiet", 'q', NULL, "no progress bar and no summary line"},
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the quantiles CSV to FILE, atomically (default: stdout)"},
    {OPT_THRESHOLD, "threshold", 0, "NAME@WHEN<V",
     "report the fraction of members with NAME below (or >, <=, >= V) at "
     "WHEN: a phase's end, landing, end or a day (repeatable)"},
    {OPT_PLOT, "plot", 0, "PNG",
     "draw the 5-95 %, 25-75 % bands and the median of every column "
     "(gnuplot)"},
    {OPT_SUMMARIES, "summaries", 0, "FILE",
     "write one row per member: each column's landing loss, trough, trough "
     "day and half-recovery days (scenarios)"},
    {OPT_BUDGET, "memory-budget", 0, "BYTES",
     "keep the trajectories (exact quantiles) while they fit in BYTES "
     "(suffix K, M or G; default 64M); beyond, stream them into a quantile "
     "sketch"},
    {OPT_SKETCH_K, "sketch-k", 0, "K",
     "size of that sketch (default 200; rank error about 1/K)"},
    {0, NULL, 0, NULL, NULL},
};

#define DEFAULT_BUDGET ((size_t)64 << 20)

/* BYTES with an optional K, M or G (powers of 1024). 0, or usage error. */
static int parse_bytes(const cli_command *self, const char *s, size_t *out) {
  char *end;
  double v = strtod(s, &end), mult = 1;
  if (end != s && (*end == 'K' || *end == 'k')) mult = 1024.0, end++;
  else if (end != s && (*end == 'M' || *end == 'm')) mult = 1048576.0, end++;
  else if (end != s && (*end == 'G' || *end == 'g'))
    mult = 1073741824.0, end++;
  if (end == s || *end != '\0' || !(v >= 0) || v * mult > 1e18)
    return cli_usage_error(self, "--memory-budget '%s': expected a number "
                           "of bytes >= 0, optionally with K, M or G", s);
  *out = (size_t)(v * mult);
  return 0;
}
/* More samples or rows than this is almost certainly a typo. */
#define MAX_SAMPLES 100000000L
#define MAX_ROWS 10000000.0

/* Options the per-sample setup hook applies (models only). */
typedef struct ens_opts {
  cli_settings settings;
  double rtol, atol;
  int have_rtol, have_atol, have_solver;
  muskx_linear_solver solver;
  double t_end, dt;
  int have_t_end, have_dt;
  char **columns; /* NUL-terminated copies */
  size_t ncolumns;
  cli_vary *vary;
  size_t nvary;
  const char *params_csv;
  int have_samples;
} ens_opts;

/* ------------------------------------------------------------ parsing */

static int parse_columns(const char *s, ens_opts *o) {
  const char *p = s;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char **c = realloc(o->columns, (o->ncolumns + 1) * sizeof *c);
    if (c == NULL) return -1;
    o->columns = c;
    c[o->ncolumns] = malloc(len + 1);
    if (c[o->ncolumns] == NULL) return -1;
    memcpy(c[o->ncolumns], p, len);
    c[o->ncolumns][len] = '\0';
    o->ncolumns++;
    if (comma == NULL) return 0;
    p = comma + 1;
  }
}

static int parse_args(cli_ens *job, ens_opts *o, const cli_command *self,
                      int argc, char **argv) {
  cli_parser p;
  int r;
  long n;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
      case CLI_ERROR: return CLI_EXIT_USAGE;
      case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
      case CLI_ARG:
        if (job->path != NULL)
          return cli_usage_error(self, "one SCENARIO_OR_MODEL only (got '%s' "
                                 "and '%s')", job->path, p.value);
        job->path = p.value;
        break;
      case OPT_SAMPLES:
        bad = cli_parse_positive_long(self, p.opt, p.value, &n);
        if (!bad && n > MAX_SAMPLES)
          return cli_usage_error(self, "--samples %ld: at most %ld", n,
                                 MAX_SAMPLES);
        job->nsamples = (size_t)n;
        o->have_samples = 1;
        break;
      case OPT_VARY:
        r = cli_vary_add(self, p.value, &o->vary, &o->nvary);
        if (r != 0) return r;
        break;
      case OPT_PARAMS_CSV: o->params_csv = p.value; break;
      case OPT_SEED:
        r = cli_parse_seed(self, p.value, &job->seed);
        if (r != 0) return r;
        break;
      case OPT_THREADS:
        r = cli_parse_threads(self, p.opt, p.value, &job->threads);
        if (r != 0) return r;
        break;
      case OPT_T_END:
        bad = cli_parse_positive_double(self, p.opt, p.value, &o->t_end);
        o->have_t_end = 1;
        break;
      case OPT_DT:
        bad = cli_parse_positive_double(self, p.opt, p.value, &o->dt);
        o->have_dt = 1;
        break;
      case OPT_SET:
        bad = cli_settings_add(&o->settings, self, p.value);
        if (bad > 0) return CLI_EXIT_FAIL;
        break;
      case OPT_RTOL:
        bad = cli_parse_positive_double(self, p.opt, p.value, &o->rtol);
        o->have_rtol = 1;
        break;
      case OPT_ATOL:
        bad = cli_parse_positive_double(self, p.opt, p.value, &o->atol);
        o->have_atol = 1;
        break;
      case OPT_SOLVER:
        bad = cli_parse_solver(self, p.value, &o->solver);
        o->have_solver = 1;
        break;
      case OPT_COLUMNS:
        if (parse_columns(p.value, o) != 0) return CLI_EXIT_FAIL;
        break;
      case OPT_SAMPLES_OUT: job->samples_out = p.value; break;
      case OPT_QUIET: job->quiet = 1; break;
      case OPT_NATIVE: job->native = p.value; break;
      case OPT_OUTPUT: job->output = p.value; break;
      case OPT_SUMMARIES: job->summaries_out = p.value; break;
      case OPT_PLOT: job->plot = p.value; break;
      case OPT_BUDGET:
        r = parse_bytes(self, p.value, &job->budget);
        if (r != 0) return r;
        break;
      case OPT_SKETCH_K:
        bad = cli_parse_positive_long(self, p.opt, p.value, &n);
        if (!bad && (n < 8 || n > 1000000))
          return cli_usage_error(self, "--sketch-k %ld: it must be in [8, "
                                 "1000000]", n);
        job->sketch_k = (int)n;
        break;
      case OPT_THRESHOLD: {
        const char **t = realloc(job->threshold_args,
                                 (job->nthresholds + 1) * sizeof *t);
        if (t == NULL) return CLI_EXIT_FAIL;
        job->threshold_args = t;
        t[job->nthresholds++] = p.value;
        break;
      }
      default: break;
    }
    if (bad) return CLI_EXIT_USAGE;
  }
  if (job->path == NULL)
    return cli_usage_error(self, "no SCENARIO_OR_MODEL given");
  if (o->nvary == 0 && o->params_csv == NULL)
    return cli_usage_error(self, "nothing varies: give --vary or "
                           "--params-csv");
  if (!o->have_samples && o->params_csv == NULL)
    return cli_usage_error(self, "--samples is required (or give "
                           "--params-csv)");
  for (size_t i = 0; i < o->nvary; i++) {
    char by[512];
    snprintf(by, sizeof by, "--vary '%s'", o->vary[i].arg);
    int bad = cli_set_vary_clash(&o->settings, o->vary[i].name, by);
    if (bad != 0) return bad;
  }
  return -1;
}

/* ------------------------------------------------------------ set-up */

/* 1 when the file's first top-level key is `muskx_scenario:`. */
static int is_scenario_file(const char *path) {
  char line[512];
  FILE *fp;
  int found = 0;
  if (strcmp(path, "-") == 0) return 0;
  fp = fopen(path, "r");
  if (fp == NULL) return 0; /* the model loader reports it */
  while (fgets(line, sizeof line, fp) != NULL) {
    if (line[0] == '#' || line[0] == '\n' || line[0] == ' ' ||
        line[0] == '\r' || strncmp(line, "---", 3) == 0)
      continue;
    found = strncmp(line, "muskx_scenario:", 15) == 0;
    break;
  }
  fclose(fp);
  return found;
}

/* Times 0, dt, 2 dt, ... up to t_end, and t_end itself. */
static int model_times(cli_ens *job, const ens_opts *o,
                       const cli_command *self) {
  double dt = o->have_dt ? o->dt : o->t_end / 100.0, steps = o->t_end / dt;
  size_t k, n = 0;
  if (!(steps <= MAX_ROWS))
    return cli_usage_error(self, "--dt %g gives %.3g rows; at most %.0f",
                           dt, steps, MAX_ROWS);
  k = (size_t)floor(steps) + 2;
  job->times = malloc(k * sizeof *job->times);
  if (job->times == NULL) return CLI_EXIT_FAIL;
  job->times[n++] = 0.0;
  for (size_t i = 1; i < k; i++) {
    double t = (double)i * dt;
    if (t >= o->t_end - 1e-9 * dt) break;
    job->times[n++] = t;
  }
  job->times[n++] = o->t_end;
  job->ntimes = n;
  return -1;
}

/* The per-sample hook of a plain model: tolerances, solver, --set. Runs
   on worker threads; only reads the options. */
static muskx_status setup_model(void *ctx, muskx_sim *sim, size_t sample) {
  const ens_opts *o = ctx;
  muskx_status st = MUSKX_OK;
  (void)sample;
  if (o->have_rtol || o->have_atol)
    st = muskx_sim_set_tolerances(sim, o->have_rtol ? o->rtol : 1e-6,
                                  o->have_atol ? o->atol : 1e-9);
  if (st == MUSKX_OK && o->have_solver)
    st = muskx_sim_set_linear_solver(sim, o->solver);
  for (size_t i = 0; st == MUSKX_OK && i < o->settings.n; i++) {
    const cli_setting *it = &o->settings.items[i];
    char name[512];
    if (it->name_len >= sizeof name) return MUSKX_EINVAL;
    memcpy(name, it->name, it->name_len);
    name[it->name_len] = '\0';
    st = muskx_sim_set(sim, name, it->value);
  }
  return st;
}

/* The hook of a scenario: only the solver choice (the rest is the
   scenario's, and --set went into the scenario). */
static muskx_status setup_scenario(void *ctx, muskx_sim *sim, size_t sample) {
  const ens_opts *o = ctx;
  (void)sample;
  return o->have_solver ? muskx_sim_set_linear_solver(sim, o->solver)
                        : MUSKX_OK;
}

/* Reads --params-csv into the ensemble. 0, or an exit status. */
static int load_params_csv(cli_ens *job, const ens_opts *o) {
  cli_param_table t;
  int rc = cli_param_table_read(o->params_csv, &t);
  if (rc != 0) return rc;
  if (!o->have_samples) job->nsamples = t.rows;
  /* the header's unknown names and too few rows, all at file:line:col
     (session 28: one at a time, without a place) */
  rc = cli_param_table_fits(&t, o->params_csv, job->m, job->ens,
                            job->nsamples);
  /* a --set name in the table would be replaced by it (review rev27u M1) */
  for (size_t c = 0; rc == 0 && c < t.nnames; c++) {
    char by[512];
    snprintf(by, sizeof by, "the column '%s' of --params-csv %s", t.names[c],
             o->params_csv);
    rc = cli_set_vary_clash(&o->settings, t.names[c], by);
  }
  /* a value outside its parameter's range: file:line:col now, not a
     failed sample later (review rev27u M2) */
  if (rc == 0)
    rc = cli_param_table_check(&t, o->params_csv, job->m, job->nsamples);
  if (rc == 0 &&
      muskx_ensemble_set_samples(job->ens, t.values, t.rows, t.nnames,
                                 (const char *const *)t.names) != MUSKX_OK) {
    fprintf(stderr, "%s: %s\n", o->params_csv,
            muskx_ensemble_errmsg(job->ens));
    rc = CLI_EXIT_FAIL;
  }
  cli_param_table_free(&t);
  return rc;
}

/* Loads the scenario or model and sets up the ensemble. */
static int setup(cli_ens *job, ens_opts *o, const cli_command *self) {
  muskx_status st;
  if (is_scenario_file(job->path)) {
    size_t n;
    int rc;
    if (o->have_t_end || o->have_dt || o->have_rtol || o->have_atol)
      return cli_usage_error(self, "--t-end, --dt, --rtol and --atol are "
                             "the scenario's own; they apply to models only");
    rc = cli_scenario_load_set(job->path, &o->settings, &job->sc);
    if (rc >= 0) return rc;
    job->m = muskx_scenario_model(job->sc);
    n = muskx_scenario_sample_times(job->sc, NULL, 0);
    job->times = malloc((n ? n : 1) * sizeof *job->times);
    if (job->times == NULL) return CLI_EXIT_FAIL;
    job->ntimes = muskx_scenario_sample_times(job->sc, job->times, n);
  } else {
    if (!o->have_t_end)
      return cli_usage_error(self, "--t-end is required for a model");
    job->own = cli_load_model(job->path);
    if (job->own == NULL) return CLI_EXIT_FAIL;
    job->m = job->own;
    int rc = model_times(job, o, self);
    if (rc >= 0) return rc;
  }
  if (muskx_ensemble_create(job->m, &job->ens) != MUSKX_OK ||
      muskx_ensemble_set_memory_budget(job->ens, job->budget,
                                       job->sketch_k) != MUSKX_OK) {
    cli_error("out of memory");
    return CLI_EXIT_FAIL;
  }
  if (job->sc != NULL) {
    st = muskx_ensemble_set_scenario(job->ens, job->sc);
    if (st == MUSKX_OK)
      st = muskx_ensemble_set_setup(job->ens, setup_scenario, o);
  } else {
    st = muskx_ensemble_set_setup(job->ens, setup_model, o);
  }
  for (size_t i = 0; st == MUSKX_OK && i < o->nvary; i++) {
    st = muskx_ensemble_vary(job->ens, o->vary[i].name, o->vary[i].dist,
                             o->vary[i].p1, o->vary[i].p2);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: --vary %s: %s\n", job->path, o->vary[i].arg,
              muskx_ensemble_errmsg(job->ens));
      return st == MUSKX_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
  }
  if (st == MUSKX_OK && o->params_csv != NULL) {
    int rc = load_params_csv(job, o);
    if (rc != 0) return rc;
  }
  if (st == MUSKX_OK && o->ncolumns > 0) {
    st = muskx_ensemble_set_columns(job->ens, (const char *const *)o->columns,
                                    o->ncolumns);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: --columns: %s\n", job->path,
              muskx_ensemble_errmsg(job->ens));
      return CLI_EXIT_USAGE;
    }
  } else if (st == MUSKX_OK && job->sc != NULL) {
    int nr = muskx_scenario_report_count(job->sc);
    const char **names = malloc((size_t)(nr > 0 ? nr : 1) * sizeof *names);
    if (names == NULL) return CLI_EXIT_FAIL;
    for (int c = 0; c < nr; c++)
      names[c] = muskx_scenario_report_name(job->sc, c);
    st = muskx_ensemble_set_columns(job->ens, names, (size_t)nr);
    free(names);
  }
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: %s\n", job->path, muskx_ensemble_errmsg(job->ens));
    return CLI_EXIT_FAIL;
  }
  /* A bad --set on a model fails here, once, rather than in every sample. */
  if (job->sc == NULL && o->settings.n > 0) {
    muskx_sim *sim = NULL;
    int bad;
    if (muskx_sim_create(job->m, &sim) != MUSKX_OK) return CLI_EXIT_FAIL;
    bad = cli_settings_apply(&o->settings, sim, job->path);
    muskx_sim_free(sim);
    if (bad) return CLI_EXIT_FAIL;
  }
  cli_ens_native(job->ens, job->native, job->nsamples, job->quiet);
  return -1;
}

int cli_ens_prepare(cli_ens *job, const cli_command *self, int argc,
                    char **argv) {
  ens_opts *o = calloc(1, sizeof *o);
  int rc;
  memset(job, 0, sizeof *job);
  if (o == NULL) return CLI_EXIT_FAIL;
  job->priv = o;
  job->seed = 1;
  job->budget = DEFAULT_BUDGET;
  job->sketch_k = 200;
  rc = parse_args(job, o, self, argc, argv);
  if (rc >= 0) return rc;
  rc = setup(job, o, self);
  if (rc >= 0) return rc;
  rc = cli_thresholds_prepare(job, self);
  if (rc >= 0) return rc;
  rc = cli_summaries_check(job, self);
  if (rc >= 0) return rc;
  job->reclen = cli_ens_reclen(job);
  job->rec = malloc(job->reclen * sizeof *job->rec);
  if (job->rec == NULL) return CLI_EXIT_FAIL;
  /* A bad output fails before the (possibly long) run: none may replace
     an input or another output of the run. */
  const char *const opts[] = {"-o", "--samples-out", "--summaries", "--plot"};
  const char *const outs[] = {job->output, job->samples_out,
                              job->summaries_out, job->plot};
  rc = cli_outs_distinct(self, 4, opts, outs);
  if (rc != 0) return rc;
  for (int i = 0; i < 4; i++)
    if (cli_out_not_input(outs[i], job->path, job->m) != 0) return CLI_EXIT_FAIL;
  for (int i = 0; i < 4; i++)
    if (outs[i] != NULL && cli_out_probe(outs[i]) != 0) return CLI_EXIT_FAIL;
  return -1;
}

void cli_ens_free(cli_ens *job) {
  ens_opts *o = job->priv;
  if (o != NULL) {
    for (size_t i = 0; i < o->nvary; i++) free(o->vary[i].name);
    free(o->vary);
    for (size_t i = 0; i < o->ncolumns; i++) free(o->columns[i]);
    free(o->columns);
    cli_settings_free(&o->settings);
    free(o);
  }
  cli_thresholds_free(job);
  cli_ens_abort(job);
  free(job->rec);
  muskx_ensemble_free(job->ens);
  muskx_scenario_free(job->sc);
  muskx_model_free(job->own);
  free(job->times);
  memset(job, 0, sizeof *job);
}

/* ------------------------------------------------------------ running */

void cli_ens_progress(void *ctx, size_t done, size_t total) {
  const cli_ens *job = ctx;
  enum { WIDTH = 40 };
  char bar[WIDTH + 1];
  size_t fill = total ? done * WIDTH / total : WIDTH;
  if (job->quiet || !isatty(STDERR_FILENO)) return;
  /* Redraw only when the bar or the percentage moves (at most ~100
     times a run), never from a worker thread. */
  if (done != total && total >= 100 && (done * 100 / total) ==
                                           ((done - 1) * 100 / total))
    return;
  memset(bar, '#', fill);
  memset(bar + fill, '.', WIDTH - fill);
  bar[WIDTH] = '\0';
  fprintf(stderr, "\r[%s] %zu/%zu samples", bar, done, total);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

/* ------------------------------------------------------------ command */

static int run(const cli_command *self, int argc, char **argv) {
  cli_ens job;
  int rc = cli_ens_prepare(&job, self, argc, argv);
  double *q = NULL;
  size_t nprobs, count, width;
  const double *probs = cli_ens_probs(&nprobs);
  muskx_status st;

  if (rc >= 0) goto done;
  rc = CLI_EXIT_FAIL;
  if (cli_ens_open(&job) != 0 ||
      muskx_ensemble_set_member_fn(job.ens, cli_ens_member, &job) !=
          MUSKX_OK)
    goto done;
  st = muskx_ensemble_run(job.ens, 0, job.nsamples, job.seed,
                          (int)job.threads, job.times, job.ntimes,
                          cli_ens_progress, &job);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: ensemble: %s\n", job.path,
            muskx_ensemble_errmsg(job.ens));
    goto done;
  }
  count = muskx_ensemble_count(job.ens);
  if (!job.quiet)
    fprintf(stderr, "%s: %zu samples, %zu failed\n", job.path, count,
            job.nfailed);
  if (job.nfailed == count) {
    fprintf(stderr, "%s: every sample failed; nothing written\n", job.path);
    goto done;
  }
  width = job.ntimes * (size_t)muskx_ensemble_ncols(job.ens);
  q = malloc((width > 0 ? nprobs * width : 1) * sizeof *q);
  if (q == NULL || muskx_ensemble_quantiles(job.ens, probs, nprobs, q,
                                            nprobs * width) != MUSKX_OK) {
    cli_error("out of memory for the quantiles");
    goto done;
  }
  if (cli_ens_finish(&job, q, muskx_ensemble_sketch(job.ens)) != 0)
    goto done;
  rc = CLI_EXIT_OK;
done:
  free(q);
  cli_ens_free(&job);
  return rc;
}

const cli_command cli_cmd_ensemble = {
    "ensemble",
    "SCENARIO_OR_MODEL --samples N --vary NAME=DIST(A,B)... [OPTIONS]",
    "run a virtual population and write per-time quantiles",
    "Runs N simulations of a scenario or a model, each with its own values\n"
    "of the --vary names (drawn from the distribution for sample i and\n"
    "--seed, so the result of a seed is the same whatever --threads) or of\n"
    "the columns of --params-csv (row i for sample i). With a scenario\n"
    "(muskx-scenario(5)) the values act before its steady state, and its\n"
    "sample times and reported columns are used; with a model, the run\n"
    "goes from 0 to --t-end. Writes CSV with a row per time and, for each\n"
    "column C, C_q05, C_q25, C_q50, C_q75 and C_q95: the 5, 25, 50, 75 and\n"
    "95 % quantiles over the samples that succeeded. --samples-out writes\n"
    "one row per sample: sample, status, the values used and each column's\n"
    "final value (C_end). A progress bar is drawn on a terminal. Samples\n"
    "that fail are counted and the first messages printed; only when all\n"
    "fail is the exit status 1.",
    options,
    "  muskx ensemble scenarios/iss_exercise.yaml --samples 1000 \\\n"
    "      --vary 'kappa_R=lognormal(1.31,0.3)' --seed 7 -o crew.csv\n"
    "  muskx ensemble tests/models/decay.yaml --t-end 5 -n 500 \\\n"
    "      --vary 'k=uniform(0.5,1)' --threads 2 --samples-out s.csv\n",
    run,
};
