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
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_ensemble.h"
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
  OPT_COLUMNS,
  OPT_SAMPLES_OUT,
  OPT_QUIET,
  OPT_OUTPUT
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
     "set a value in every sample (repeatable)"},
    {OPT_RTOL, "rtol", 0, "R", "relative tolerance (models only)"},
    {OPT_ATOL, "atol", 0, "A", "absolute tolerance (models only)"},
    {OPT_SOLVER, "solver", 0, "NAME",
     "linear solver: auto, dense, lapack, klu or spgmr"},
    {OPT_COLUMNS, "columns", 0, "LIST",
     "comma-separated species or outputs to report (default: all, or the "
     "scenario's)"},
    {OPT_SAMPLES_OUT, "samples-out", 0, "FILE",
     "write one row per sample: values, status, final values"},
    {OPT_QUIET, "quiet", 'q', NULL, "no progress bar and no summary line"},
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the quantiles CSV to FILE, atomically (default: stdout)"},
    {0, NULL, 0, NULL, NULL},
};

#define NPROBS 5
static const double probs[NPROBS] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const prob_names[NPROBS] = {"q05", "q25", "q50", "q75",
                                               "q95"};
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
      case OPT_VARY: {
        cli_vary *v = realloc(o->vary, (o->nvary + 1) * sizeof *v);
        if (v == NULL) return CLI_EXIT_FAIL;
        o->vary = v;
        memset(&v[o->nvary], 0, sizeof *v);
        r = cli_vary_parse(self, p.value, &v[o->nvary]);
        o->nvary++;
        if (r != 0) return r;
        break;
      }
      case OPT_PARAMS_CSV: o->params_csv = p.value; break;
      case OPT_SEED: {
        char *end;
        errno = 0;
        if (p.value[0] < '0' || p.value[0] > '9')
          return cli_usage_error(self, "--seed must be an integer >= 0, not "
                                 "'%s'", p.value);
        job->seed = strtoull(p.value, &end, 10);
        if (errno != 0 || *end != '\0')
          return cli_usage_error(self, "--seed must be an integer >= 0, not "
                                 "'%s'", p.value);
        break;
      }
      case OPT_THREADS:
        bad = cli_parse_positive_long(self, p.opt, p.value, &job->threads);
        if (!bad && job->threads > 1024)
          return cli_usage_error(self, "--threads %ld: at most 1024",
                                 job->threads);
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
      case OPT_OUTPUT: job->output = p.value; break;
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
  if (job->nsamples > t.rows) {
    fprintf(stderr, "%s: --samples %zu, but the file has %zu parameter "
                    "sets\n", o->params_csv, job->nsamples, t.rows);
    rc = CLI_EXIT_USAGE;
  } else if (muskx_ensemble_set_samples(job->ens, t.values, t.rows, t.nnames,
                                        (const char *const *)t.names) !=
             MUSKX_OK) {
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
    muskx_error err;
    char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
    size_t n;
    if (o->have_t_end || o->have_dt || o->have_rtol || o->have_atol)
      return cli_usage_error(self, "--t-end, --dt, --rtol and --atol are "
                             "the scenario's own; they apply to models only");
    memset(&err, 0, sizeof err);
    if (cli_scenario_load(job->path, &job->sc, &err) != MUSKX_OK) {
      fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
      return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < o->settings.n; i++) {
      const cli_setting *it = &o->settings.items[i];
      char name[512];
      if (it->name_len >= sizeof name) return CLI_EXIT_USAGE;
      memcpy(name, it->name, it->name_len);
      name[it->name_len] = '\0';
      if (muskx_scenario_set(job->sc, name, it->value) != MUSKX_OK) {
        fprintf(stderr, "%s: --set %s: %s\n", job->path, it->arg,
                muskx_scenario_errmsg(job->sc));
        return CLI_EXIT_FAIL;
      }
    }
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
  if (muskx_ensemble_create(job->m, &job->ens) != MUSKX_OK) {
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
  rc = parse_args(job, o, self, argc, argv);
  if (rc >= 0) return rc;
  rc = setup(job, o, self);
  if (rc >= 0) return rc;
  /* A bad -o or --samples-out fails before the (possibly long) run. */
  if (cli_out_not_input(job->output, job->path, job->m) != 0 ||
      cli_out_not_input(job->samples_out, job->path, job->m) != 0 ||
      cli_out_probe(job->output) != 0)
    return CLI_EXIT_FAIL;
  if (job->samples_out != NULL && cli_out_probe(job->samples_out) != 0)
    return CLI_EXIT_FAIL;
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

void cli_ens_report_failures(const cli_ens *job) {
  size_t count = muskx_ensemble_count(job->ens), shown = 0;
  for (size_t k = 0; k < count && shown < 3; k++) {
    const char *msg = muskx_ensemble_sample_errmsg(job->ens, k);
    if (msg != NULL && msg[0] != '\0') {
      fprintf(stderr, "%s: sample %zu failed: %s\n", job->path,
              job->first + k, msg);
      shown++;
    }
  }
}

/* ------------------------------------------------------------ output */

int cli_ens_write(const cli_ens *job, const double *traj,
                  const double *values, const int *status, size_t count) {
  int ncols = muskx_ensemble_ncols(job->ens);
  int nvar = muskx_ensemble_nvaried(job->ens);
  size_t width = job->ntimes * (size_t)ncols;
  double *q = malloc((width > 0 ? NPROBS * width : 1) * sizeof *q);
  char buf[CLI_NUMBUF];
  cli_out out;

  if (q == NULL) {
    cli_error("out of memory for the quantiles");
    return -1;
  }
  if (muskx_quantiles(traj, count, width, probs, NPROBS, q) != MUSKX_OK) {
    cli_error("out of memory for the quantiles");
    free(q);
    return -1;
  }
  if (cli_out_open(&out, job->output) != 0) {
    free(q);
    return -1;
  }
  fputs("time", out.fp);
  for (int c = 0; c < ncols; c++)
    for (int k = 0; k < NPROBS; k++) {
      char name[600];
      snprintf(name, sizeof name, "%s_%s",
               muskx_ensemble_column_name(job->ens, c), prob_names[k]);
      fputc(',', out.fp);
      cli_csv_field(out.fp, name);
    }
  fputc('\n', out.fp);
  for (size_t r = 0; r < job->ntimes; r++) {
    fputs(cli_format_double(job->times[r], buf), out.fp);
    for (int c = 0; c < ncols; c++)
      for (int k = 0; k < NPROBS; k++) {
        fputc(',', out.fp);
        fputs(cli_format_double(q[(size_t)k * width + r * (size_t)ncols +
                                  (size_t)c],
                                buf),
              out.fp);
      }
    fputc('\n', out.fp);
  }
  free(q);
  if (cli_out_commit(&out) != 0) return -1;

  if (job->samples_out == NULL) return 0;
  if (cli_out_open(&out, job->samples_out) != 0) return -1;
  fputs("sample,status", out.fp);
  for (int j = 0; j < nvar; j++) {
    fputc(',', out.fp);
    cli_csv_field(out.fp, muskx_ensemble_varied_name(job->ens, j));
  }
  for (int c = 0; c < ncols; c++) {
    char name[600];
    snprintf(name, sizeof name, "%s_end",
             muskx_ensemble_column_name(job->ens, c));
    fputc(',', out.fp);
    cli_csv_field(out.fp, name);
  }
  fputc('\n', out.fp);
  for (size_t s = 0; s < count; s++) {
    const double *last = traj + s * width + (job->ntimes - 1) * (size_t)ncols;
    fprintf(out.fp, "%zu,%s", s,
            status[s] == MUSKX_OK ? "ok"
                                  : muskx_status_name((muskx_status)status[s]));
    for (int j = 0; j < nvar; j++) {
      fputc(',', out.fp);
      fputs(cli_format_double(values[s * (size_t)nvar + (size_t)j], buf),
            out.fp);
    }
    for (int c = 0; c < ncols; c++) {
      fputc(',', out.fp);
      fputs(cli_format_double(last[c], buf), out.fp);
    }
    fputc('\n', out.fp);
  }
  return cli_out_commit(&out);
}

/* ------------------------------------------------------------ command */

static int run(const cli_command *self, int argc, char **argv) {
  cli_ens job;
  int rc = cli_ens_prepare(&job, self, argc, argv);
  double *traj = NULL, *vals = NULL;
  int *status = NULL;
  size_t count, nfailed, ntraj, nvals;
  muskx_status st;

  if (rc >= 0) goto done;
  rc = CLI_EXIT_FAIL;
  st = muskx_ensemble_run(job.ens, 0, job.nsamples, job.seed,
                          (int)job.threads, job.times, job.ntimes,
                          cli_ens_progress, &job);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: ensemble: %s\n", job.path,
            muskx_ensemble_errmsg(job.ens));
    goto done;
  }
  count = muskx_ensemble_count(job.ens);
  nfailed = muskx_ensemble_nfailed(job.ens);
  ntraj = count * job.ntimes * (size_t)muskx_ensemble_ncols(job.ens);
  nvals = count * (size_t)muskx_ensemble_nvaried(job.ens);
  traj = malloc((ntraj ? ntraj : 1) * sizeof *traj);
  vals = malloc((nvals ? nvals : 1) * sizeof *vals);
  status = malloc(count * sizeof *status);
  if (traj == NULL || vals == NULL || status == NULL ||
      muskx_ensemble_trajectories(job.ens, traj, ntraj) != MUSKX_OK ||
      muskx_ensemble_values(job.ens, vals, nvals) != MUSKX_OK ||
      muskx_ensemble_status(job.ens, status, count) != MUSKX_OK) {
    cli_error("out of memory for the results of %zu samples", count);
    goto done;
  }
  cli_ens_report_failures(&job);
  if (!job.quiet)
    fprintf(stderr, "%s: %zu samples, %zu failed\n", job.path, count,
            nfailed);
  if (nfailed == count) {
    fprintf(stderr, "%s: every sample failed; nothing written\n", job.path);
    goto done;
  }
  if (cli_ens_write(&job, traj, vals, status, count) != 0) goto done;
  rc = CLI_EXIT_OK;
done:
  free(traj);
  free(vals);
  free(status);
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
    "      --vary 'kappa_R=lognormal(0.28,0.3)' --seed 7 -o crew.csv\n"
    "  muskx ensemble tests/models/decay.yaml --t-end 5 -n 500 \\\n"
    "      --vary 'k=uniform(0.5,1)' --threads 2 --samples-out s.csv\n",
    run,
};
