/*
 * cmd_simulate.c -- `muskx simulate MODEL --t-end T ...`: integrate a
 * model and write CSV with the header time,<species>,<outputs> (both in
 * file order) and one row per output time, the first at --t-start.
 *
 * Output times are t0 + i*dt (computed from i, so they do not drift) up
 * to t_end, and t_end itself always; or t0 followed by the --times list.
 * Every number is printed so that it reads back to the same double.
 *
 * With --sensitivities P1,P2,... the CSV gains, after those columns, one
 * column "d(C)/d(P)" per column C (species, then outputs) and parameter P,
 * C-major (all of C's before the next C's): forward sensitivities by
 * muskx_sim_run_sens(); with --steady-start from the steady state's.
 *
 * On a failure nothing is written unless --partial is given, so a target
 * file is never replaced by a partial one behind the user's back; the
 * rows done are then written as a complete CSV (atomically with -o).
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
  OPT_T_END = 1,
  OPT_T_START,
  OPT_DT,
  OPT_TIMES,
  OPT_SET,
  OPT_RTOL,
  OPT_ATOL,
  OPT_STEADY_START,
  OPT_SOLVER,
  OPT_MAX_STEPS,
  OPT_H_MAX,
  OPT_STATS,
  OPT_PARTIAL,
  OPT_SENS,
  OPT_SELECT,
  OPT_UNITS,
  OPT_OUTPUT
};

static const cli_option options[] = {
    {OPT_T_END, "t-end", 0, "T", "last output time (required unless --times)"},
    {OPT_T_START, "t-start", 0, "T0", "start time, the first row (default 0)"},
    {OPT_DT, "dt", 0, "D",
     "output every D time units (default: (T - T0)/100)"},
    {OPT_TIMES, "times", 0, "LIST",
     "output at these comma-separated, non-decreasing times (repeatable: the lists are joined)"},
    {OPT_SET, "set", 0, "NAME=VALUE",
     "set a parameter, compartment, initial value or input "
     "(repeatable)"},
    {OPT_RTOL, "rtol", 0, "R", "relative tolerance (default 1e-6)"},
    {OPT_ATOL, "atol", 0, "A", "absolute tolerance (default 1e-9)"},
    {OPT_STEADY_START, "steady-start", 0, NULL,
     "start from the steady state (computed after --set)"},
    {OPT_SOLVER, "solver", 0, "NAME",
     "linear solver: auto, dense, lapack, klu or spgmr (default auto)"},
    {OPT_MAX_STEPS, "max-steps", 0, "N",
     "most solver steps between output times (default 100000)"},
    {OPT_H_MAX, "h-max", 0, "H", "largest solver step (default: no limit)"},
    {OPT_STATS, "stats", 0, NULL, "print solver statistics on stderr"},
    {OPT_PARTIAL, "partial", 0, NULL,
     "after a solver failure, write the rows computed"},
    {OPT_SENS, "sensitivities", 0, "LIST",
     "also write d(column)/d(p) for these comma-separated parameters, "
     "compartments or species (initial values)"},
    {OPT_SELECT, "select", 0, "LIST",
     "write these comma-separated columns: species, outputs, assignments, "
     "reactions (flux), parameters, inputs, time"},
    {OPT_UNITS, "units", 0, NULL,
     "write each header as \"name [unit]\" (pandas and R read it as is)"},
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the CSV to FILE, atomically (default: stdout)"},
    {0, NULL, 0, NULL, NULL},
};

/* The defaults of muskx_sim_create() (include/muskx.h), needed when only
   one of --rtol/--atol is given. */
#define DEFAULT_RTOL 1e-6
#define DEFAULT_ATOL 1e-9
/* More rows than this is almost certainly a mistake in --dt. */
#define MAX_ROWS 100000000.0

typedef struct sim_args {
  const char *model;
  double t_start, t_end, dt, rtol, atol, h_max;
  int have_t_end, have_dt, have_times, have_rtol, have_atol, have_h_max;
  int steady_start, stats, partial, have_solver;
  muskx_linear_solver solver;
  long max_steps; /* 0: the default */
  double *times;
  size_t ntimes, cap;
  cli_settings settings;
  const char *output;
  char *sens_text;     /* --sensitivities, split in place into sens */
  const char **sens;
  int nsens;
  char *select_text;   /* --select, split in place into select */
  const char **select;
  int nselect;
  int units;           /* --units */
} sim_args;

/* Splits v at commas into a copy *text and the names *list (*n of them);
   0, or an exit status. */
static int split_names(const cli_command *self, const char *opt,
                       const char *v, char **text, const char ***list,
                       int *n) {
  free(*text);
  free(*list);
  *n = 0;
  *list = NULL;
  *text = malloc(strlen(v) + 1);
  *list = malloc((strlen(v) / 2 + 1) * sizeof **list);
  if (*text == NULL || *list == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAIL;
  }
  strcpy(*text, v);
  for (char *p = *text, *q; p != NULL; p = q) {
    q = strchr(p, ',');
    if (q != NULL) *q++ = '\0';
    if (*p == '\0')
      return cli_usage_error(self, "%s: an empty name in '%s'", opt, v);
    (*list)[(*n)++] = p;
  }
  return 0;
}

static int split_sens(const cli_command *self, sim_args *a, const char *v) {
  return split_names(self, "--sensitivities", v, &a->sens_text, &a->sens,
                     &a->nsens);
}

/* Parses argv into a; returns -1 (continue), or an exit status. */
static int parse_args(const cli_command *self, int argc, char **argv,
                      sim_args *a) {
  cli_parser p;
  int r;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    int bad = 0;
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case CLI_ARG:
      if (cli_take_one(self, "MODEL", &a->model, p.value) != 0)
        return CLI_EXIT_USAGE;
      break;
    case OPT_T_END:
      bad = cli_parse_double(self, p.opt, p.value, &a->t_end);
      a->have_t_end = 1;
      break;
    case OPT_T_START:
      bad = cli_parse_double(self, p.opt, p.value, &a->t_start);
      break;
    case OPT_DT:
      bad = cli_parse_positive_double(self, p.opt, p.value, &a->dt);
      a->have_dt = 1;
      break;
    case OPT_TIMES:
      bad = cli_parse_list(self, "--times", p.value, &a->times, &a->ntimes,
                           &a->cap);
      if (bad > 0) return CLI_EXIT_FAIL; /* out of memory */
      a->have_times = 1;
      break;
    case OPT_SET:
      bad = cli_settings_add(&a->settings, self, p.value);
      if (bad > 0) return CLI_EXIT_FAIL;
      break;
    case OPT_RTOL:
      bad = cli_parse_positive_double(self, p.opt, p.value, &a->rtol);
      a->have_rtol = 1;
      break;
    case OPT_ATOL:
      bad = cli_parse_positive_double(self, p.opt, p.value, &a->atol);
      a->have_atol = 1;
      break;
    case OPT_STEADY_START: a->steady_start = 1; break;
    case OPT_SOLVER:
      bad = cli_parse_solver(self, p.value, &a->solver);
      a->have_solver = 1;
      break;
    case OPT_MAX_STEPS:
      bad = cli_parse_positive_long(self, p.opt, p.value, &a->max_steps);
      break;
    case OPT_H_MAX:
      bad = cli_parse_positive_double(self, p.opt, p.value, &a->h_max);
      a->have_h_max = 1;
      break;
    case OPT_STATS: a->stats = 1; break;
    case OPT_PARTIAL: a->partial = 1; break;
    case OPT_SENS:
      if ((r = split_sens(self, a, p.value)) != 0) return r;
      break;
    case OPT_SELECT:
      if ((r = split_names(self, "--select", p.value, &a->select_text,
                           &a->select, &a->nselect)) != 0)
        return r;
      for (int k = 0; k < a->nselect; k++)
        if (strcmp(a->select[k], "time") == 0)
          return cli_usage_error(self, "--select: time is always the first "
                                       "column; list the others");
      break;
    case OPT_UNITS: a->units = 1; break;
    case OPT_OUTPUT: a->output = p.value; break;
    default: break;
    }
    if (bad) return CLI_EXIT_USAGE;
  }
  if (a->model == NULL) return cli_usage_error(self, "no MODEL given");
  if (a->nsens > 0 && a->nselect > 0)
    return cli_usage_error(self, "--select is not available with "
                                 "--sensitivities (they follow the default "
                                 "columns)");
  if (a->nsens > 0 && a->partial)
    return cli_usage_error(self, "--partial is not available with "
                                 "--sensitivities");
  if (a->have_dt && a->have_times)
    return cli_usage_error(self, "give either --dt or --times, not both");
  if (!a->have_t_end && !a->have_times)
    return cli_usage_error(self, "--t-end is required (or give --times)");
  if (a->have_t_end && a->t_end < a->t_start)
    return cli_usage_error(self, "--t-end (%g) is before --t-start (%g)",
                           a->t_end, a->t_start);
  return -1;
}

/*
 * The double nearest to t's 15-significant-digit decimal form, when that is
 * within 2 ulps of t: 0 + 3*0.1 is 0.30000000000000004, which snaps to 0.3,
 * so the row is at the time a user expects and prints as such. A time that
 * is not close to a short decimal (0 + 1*(1/3.)) is left alone.
 */
static double snap(double t) {
  char buf[32];
  double s;
  snprintf(buf, sizeof buf, "%.15g", t);
  s = strtod(buf, NULL);
  return fabs(s - t) <= 2 * DBL_EPSILON * fabs(t) ? s : t;
}

/*
 * Fills a->times with the output times. With --dt: t0 + i*dt while that
 * is clearly before t_end, then t_end exactly. With --times: t0 first
 * (unless the list starts there), the list, and t_end if it is later.
 */
static int build_times(const cli_command *self, sim_args *a) {
  if (a->have_times) {
    size_t i;
    double *t;
    int prepend;
    if (a->ntimes == 0) return cli_usage_error(self, "--times is empty");
    for (i = 0; i < a->ntimes; i++) {
      if (a->times[i] < a->t_start)
        return cli_usage_error(self,
                               "--times: %g is before the start time %g",
                               a->times[i], a->t_start);
      if (i > 0 && a->times[i] < a->times[i - 1])
        return cli_usage_error(self,
                               "--times must be non-decreasing (%g after %g)",
                               a->times[i], a->times[i - 1]);
      if (a->have_t_end && a->times[i] > a->t_end)
        return cli_usage_error(self, "--times: %g is after --t-end %g",
                               a->times[i], a->t_end);
    }
    prepend = a->times[0] > a->t_start;
    t = malloc((a->ntimes + 2) * sizeof *t);
    if (t == NULL) {
      cli_error("out of memory");
      return CLI_EXIT_FAIL;
    }
    i = 0;
    if (prepend) t[i++] = a->t_start;
    memcpy(t + i, a->times, a->ntimes * sizeof *t);
    i += a->ntimes;
    if (a->have_t_end && a->t_end > t[i - 1]) t[i++] = a->t_end;
    free(a->times);
    a->times = t;
    a->ntimes = i;
    a->cap = a->ntimes;
    return -1;
  } else {
    double t0 = a->t_start, t1 = a->t_end, dt, steps, tol;
    size_t i, n, k;
    if (!a->have_dt)
      a->dt = t1 > t0 ? (t1 - t0) / 100.0 : 1.0;
    dt = a->dt;
    steps = (t1 - t0) / dt;
    if (!(steps <= MAX_ROWS)) /* also catches NaN from inf/inf */
      return cli_usage_error(self,
                             "--dt %g gives %.3g rows; at most %.0f are "
                             "allowed (use a larger --dt or --times)",
                             dt, steps, MAX_ROWS);
    if (t1 > t0 && t0 + dt == t0)
      return cli_usage_error(self, "--dt %g is too small to advance from %g",
                             dt, t0);
    /* A grid point within rounding of t_end is t_end. */
    tol = 1e-9 * dt + 8 * DBL_EPSILON * fabs(t1);
    k = (size_t)floor(steps) + 1;
    a->times = malloc((k + 2) * sizeof *a->times);
    if (a->times == NULL) {
      cli_error("out of memory");
      return CLI_EXIT_FAIL;
    }
    n = 0;
    a->times[n++] = t0;
    for (i = 1; i <= k; i++) {
      double t = snap(t0 + (double)i * dt);
      if (t >= t1 - tol) break;
      if (t <= a->times[n - 1]) continue; /* D below rounding of T0 */
      a->times[n++] = t;
    }
    if (t1 > t0) a->times[n++] = t1;
    a->ntimes = n;
    a->cap = k + 2;
    return -1;
  }
}

static void print_stats(const muskx_sim *sim, int steady) {
  static const struct {
    muskx_stat which;
    const char *name;
  } stats[] = {
      {MUSKX_STAT_STEPS, "steps"},
      {MUSKX_STAT_RHS_EVALS, "rhs_evals"},
      {MUSKX_STAT_JAC_EVALS, "jac_evals"},
      {MUSKX_STAT_LIN_SETUPS, "lin_setups"},
      {MUSKX_STAT_ERR_TEST_FAILS, "err_test_fails"},
      {MUSKX_STAT_NONLIN_ITERS, "nonlin_iters"},
      {MUSKX_STAT_CONV_FAILS, "conv_fails"},
      {MUSKX_STAT_ROOT_EVALS, "root_evals"},
      {MUSKX_STAT_EVENTS_FIRED, "events_fired"},
      {MUSKX_STAT_REINITS, "reinits"},
  };
  size_t i;
  for (i = 0; i < sizeof stats / sizeof stats[0]; i++)
    fprintf(stderr, "%-16s %ld\n", stats[i].name,
            muskx_sim_stat(sim, stats[i].which));
  fprintf(stderr, "%-16s %s\n", "linear_solver",
          cli_solver_name(muskx_sim_stat(sim, MUSKX_STAT_LINEAR_SOLVER)));
  if (steady) {
    char buf[CLI_NUMBUF];
    fprintf(stderr, "%-16s %s\n", "steady_residual",
            cli_format_double(muskx_sim_steady_residual(sim), buf));
  }
}

/* A header cell: the name, with --units "name [unit]" when it has one. */
static void header_field(FILE *fp, const char *name, const char *unit,
                         int units) {
  if (!units || unit == NULL || unit[0] == '\0') {
    cli_csv_field(fp, name);
    return;
  }
  size_t len = strlen(name) + strlen(unit) + 4;
  char *h = malloc(len);
  if (h == NULL) {
    cli_csv_field(fp, name);
    return;
  }
  snprintf(h, len, "%s [%s]", name, unit);
  cli_csv_field(fp, h);
  free(h);
}

/* The CSV: time, the columns, then (sens not NULL) d(column)/d(p) for
   each column and each of the a->nsens parameters. */
static void write_csv(FILE *fp, const muskx_model *m, const muskx_sim *sim,
                      const sim_args *a, const double *vals,
                      const double *sens, size_t nrows, int ncols) {
  char buf[CLI_NUMBUF];
  int j, k, np = sens != NULL ? a->nsens : 0;
  size_t i;

  header_field(fp, "time", muskx_model_time_unit(m), a->units);
  for (j = 0; j < ncols; j++) {
    fputc(',', fp);
    header_field(fp, muskx_sim_column_name(sim, j),
                 muskx_sim_column_unit(sim, j), a->units);
  }
  for (j = 0; j < ncols; j++)
    for (k = 0; k < np; k++) {
      const char *c = muskx_sim_column_name(sim, j);
      size_t len = strlen(c) + strlen(a->sens[k]) + 8;
      char *h = malloc(len);
      fputc(',', fp);
      if (h != NULL) {
        snprintf(h, len, "d(%s)/d(%s)", c, a->sens[k]);
        cli_csv_field(fp, h);
        free(h);
      }
    }
  fputc('\n', fp);
  for (i = 0; i < nrows; i++) {
    const double *row = vals + i * (size_t)ncols;
    fputs(cli_format_double(a->times[i], buf), fp);
    for (j = 0; j < ncols; j++) {
      fputc(',', fp);
      fputs(cli_format_double(row[j], buf), fp);
    }
    for (j = 0; j < ncols * np; j++) {
      fputc(',', fp);
      fputs(cli_format_double(sens[i * (size_t)ncols * np + j], buf), fp);
    }
    fputc('\n', fp);
  }
}

/* Applies the solver settings; 0 or -1 after reporting. */
static int configure(const sim_args *a, muskx_sim *sim) {
  muskx_status st = MUSKX_OK;
  const char *what = NULL;
  if (a->have_rtol || a->have_atol) {
    what = "tolerances";
    st = muskx_sim_set_tolerances(sim, a->have_rtol ? a->rtol : DEFAULT_RTOL,
                                  a->have_atol ? a->atol : DEFAULT_ATOL);
  }
  if (st == MUSKX_OK && a->have_solver) {
    what = "--solver";
    st = muskx_sim_set_linear_solver(sim, a->solver);
  }
  if (st == MUSKX_OK && a->max_steps > 0) {
    what = "--max-steps";
    st = muskx_sim_set_max_steps(sim, a->max_steps);
  }
  if (st == MUSKX_OK && a->have_h_max) {
    what = "--h-max";
    st = muskx_sim_set_max_step(sim, a->h_max);
  }
  if (st != MUSKX_OK) {
    cli_sim_error(a->model, what, sim, st);
    return -1;
  }
  if (cli_settings_apply(&a->settings, sim, a->model) != 0) return -1;
  return 0;
}

static int run(const cli_command *self, int argc, char **argv) {
  sim_args a;
  muskx_model *m = NULL;
  muskx_sim *sim = NULL;
  double *vals = NULL, *sens = NULL;
  size_t rows_done = 0;
  cli_out out;
  int rc, ncols, ns, no;
  muskx_status st;

  memset(&a, 0, sizeof a);
  rc = parse_args(self, argc, argv, &a);
  if (rc < 0) rc = build_times(self, &a);
  if (rc >= 0) goto done;
  rc = CLI_EXIT_FAIL;

  m = cli_load_model(a.model);
  if (m == NULL) goto done;
  st = muskx_sim_create(m, &sim);
  if (st != MUSKX_OK) {
    cli_sim_error(a.model, "cannot create a simulation", sim, st);
    goto done;
  }
  if (configure(&a, sim) != 0) goto done;
  if (a.nselect > 0 &&
      (st = muskx_sim_select(sim, a.select, a.nselect)) != MUSKX_OK) {
    cli_sim_error(a.model, NULL, sim, st); /* the message names select */
    goto done;
  }

  ncols = muskx_sim_ncols(sim);
  ns = muskx_model_count(m, MUSKX_SPECIES);
  no = muskx_model_count(m, MUSKX_OUTPUT);
  if (ncols < 0 || (a.nselect == 0 && ncols != ns + no)) {
    fprintf(stderr, "%s: internal error: %d columns for %d species and %d "
                    "outputs\n",
            a.model, ncols, ns, no);
    goto done;
  }
  if (ncols > 0 && a.ntimes > (size_t)-1 / sizeof(double) / (size_t)ncols) {
    cli_error("out of memory (%zu rows of %d columns)", a.ntimes, ncols);
    goto done;
  }
  vals = malloc(a.ntimes * (size_t)(ncols > 0 ? ncols : 1) * sizeof *vals);
  if (vals == NULL) {
    cli_error("out of memory (%zu rows of %d columns)", a.ntimes, ncols);
    goto done;
  }

  if (a.nsens > 0) {
    size_t per = (size_t)(ncols > 0 ? ncols : 1) * (size_t)a.nsens;
    if (a.ntimes > (size_t)-1 / sizeof(double) / per ||
        (sens = malloc(a.ntimes * per * sizeof *sens)) == NULL) {
      cli_error("out of memory (%zu rows of %zu sensitivities)", a.ntimes,
                per);
      goto done;
    }
    st = muskx_sim_set_sens_params(sim, a.sens, a.nsens);
    if (st != MUSKX_OK) {
      cli_sim_error(a.model, "--sensitivities", sim, st);
      goto done;
    }
    if (a.ntimes > (size_t)INT_MAX) {
      cli_error("too many rows for --sensitivities (%zu)", a.ntimes);
      goto done;
    }
  }

  /* A bad -o fails before the (possibly long) run. */
  if (cli_out_not_input(a.output, a.model, m) != 0 || cli_out_probe(a.output) != 0)
    goto done;

  if (a.steady_start) {
    st = sens != NULL ? muskx_sim_steady_state_sens(sim, NULL, NULL)
                      : muskx_sim_steady_state(sim, NULL, 0);
    if (st != MUSKX_OK) {
      cli_steady_error(a.model, "--steady-start", sim, st);
      goto done;
    }
  }

  if (sens != NULL) {
    st = muskx_sim_run_sens(sim, a.times, (int)a.ntimes, vals, sens);
    rows_done = st == MUSKX_OK ? a.ntimes : 0;
  } else {
    st = muskx_sim_run(sim, a.times, a.ntimes, vals, &rows_done);
  }
  if (rows_done > a.ntimes) rows_done = a.ntimes; /* defensive */
  if (a.stats) print_stats(sim, a.steady_start);
  if (st != MUSKX_OK) {
    char buf[CLI_NUMBUF];
    cli_sim_error(a.model, NULL, sim, st);
    if (a.partial && rows_done > 0) {
      if (cli_out_open(&out, a.output) != 0) goto done;
      write_csv(out.fp, m, sim, &a, vals, NULL, rows_done, ncols);
      if (cli_out_commit(&out) == 0)
        fprintf(stderr, "%s: wrote the %zu rows computed (of %zu, up to t=%s) "
                        "to %s\n",
                a.model, rows_done, a.ntimes,
                cli_format_double(a.times[rows_done - 1], buf),
                cli_out_name(&out));
    } else if (rows_done > 0) {
      /* with no row, "--partial writes them" would promise nothing */
      fprintf(stderr, "%s: %zu of %zu rows computed; nothing written to %s "
                      "(--partial writes them)\n",
              a.model, rows_done, a.ntimes,
              a.output != NULL && strcmp(a.output, "-") != 0
                  ? a.output
                  : "standard output");
    }
    goto done;
  }

  if (cli_out_open(&out, a.output) != 0) goto done;
  write_csv(out.fp, m, sim, &a, vals, sens, rows_done, ncols);
  if (cli_out_commit(&out) != 0) goto done;
  rc = CLI_EXIT_OK;

done:
  free(vals);
  free(sens);
  free(a.sens);
  free(a.sens_text);
  free(a.select);
  free(a.select_text);
  muskx_sim_free(sim);
  muskx_model_free(m);
  free(a.times);
  cli_settings_free(&a.settings);
  return rc;
}

const cli_command cli_cmd_simulate = {
    "simulate",
    "MODEL --t-end T [--dt D | --times LIST] [OPTIONS]",
    "integrate a model and write CSV",
    "Integrates MODEL from --t-start (default 0) and writes CSV with the\n"
    "header \"time,<species>,<outputs>\" (each in file order) and one row\n"
    "per output time; the first row is at the start time. With --dt the\n"
    "rows are at T0, T0+D, T0+2D, ... and at T exactly; with --times at T0\n"
    "and the listed times (and T, if given and later). --set options are\n"
    "applied in order, before --steady-start. Numbers are printed so that\n"
    "they read back exactly. On any error the message goes to stderr, the\n"
    "exit status is 1 and nothing is written (see --partial); -o FILE is\n"
    "replaced only by a complete file. --sensitivities P1,P2 adds, after\n"
    "those, the columns \"d(C)/d(P)\" for every column C and each P in\n"
    "turn (all of C's, then the next C's): forward sensitivities (CVODES,\n"
    "exact derivatives; a species P means its initial value). --select\n"
    "A,r1,k writes those columns instead of the species and outputs: any\n"
    "species, output, assignment, reaction id (its flux), parameter,\n"
    "compartment, input or time. --units writes each header cell as\n"
    "\"name [unit]\" (\"time [d]\", \"BMD_wb_pct [%]\"; a name without a\n"
    "unit stays bare): one header line, so pandas.read_csv and R's\n"
    "read.csv read it with no extra argument (R turns the brackets into\n"
    "dots unless check.names = FALSE).",
    options,
    "  muskx simulate robertson.yaml --times 0.4,4,40,400,4e4,4e6,4e10\n"
    "  muskx simulate bone.yaml --t-end 180 --dt 1 --set loading=0 -o hu.csv\n"
    "  muskx simulate decay.yaml --t-end 10 --select time,A,decay,k --units\n"
    "  muskx simulate bone.yaml --t-end 360 --steady-start --stats\n"
    "  muskx simulate decay.yaml --t-end 10 --sensitivities k,A\n",
    run,
};
