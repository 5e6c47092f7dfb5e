/*
 * cmd_compare.c -- `muskx compare A.yaml B.yaml ... [--plot out.png]
 * [-o table.csv]`: run several scenarios and print their summaries side by
 * side, one column per scenario: for each reported output (the union over
 * the scenarios, in order) its value at the end of each phase (matched by
 * phase name), its trough and peak, and its half-recovery time. -o writes
 * the same table as CSV; --plot draws one panel per output with one line
 * per scenario.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_cli.h"

enum {
  OPT_OUTPUT = 1,
  OPT_PLOT,
  OPT_SET,
  OPT_TITLE,
  OPT_BANDS,
  OPT_VARY,
  OPT_PARAMS_CSV,
  OPT_SAMPLES,
  OPT_SEED,
  OPT_THREADS
};

static const cli_option options[] = {
    {OPT_OUTPUT, "output", 'o', "FILE", "write the comparison table as CSV"},
    {OPT_PLOT, "plot", 0, "PNG",
     "draw one panel per output, one line per scenario (needs gnuplot)"},
    {OPT_SET, "set", 0, "NAME=VALUE",
     "override a parameter, initial value or input baseline in every "
     "scenario (repeatable; as run --set: no compartment)"},
    {OPT_TITLE, "title", 0, "TEXT", "title of the plot"},
    {OPT_BANDS, "bands", 0, NULL,
     "90 % prediction bands per scenario from parameter uncertainty "
     "(--vary and/or --params-csv)"},
    {OPT_VARY, "vary", 0, "NAME=DIST(A,B)",
     "for --bands: draw NAME per parameter set: lognormal(median,cv), "
     "normal(mean,sd) or uniform(low,high) (repeatable)"},
    {OPT_PARAMS_CSV, "params-csv", 0, "FILE",
     "for --bands: parameter sets, a header of names and one row per set "
     "(e.g. draws from a fit)"},
    {OPT_SAMPLES, "samples", 'n', "N",
     "for --bands: number of parameter sets (default: the rows of "
     "--params-csv, else 200)"},
    {OPT_SEED, "seed", 0, "S", "for --bands: random seed (default 1)"},
    {OPT_THREADS, "threads", 'j', "K",
     "for --bands: worker threads (default: one per processor)"},
    {0, NULL, 0, NULL, NULL},
};

/* One row of the table: a statistic of an output in one phase. */
typedef enum {
  ROW_END,
  ROW_TROUGH,
  ROW_PEAK,
  ROW_HALF,
  ROW_END_Q05, /* --bands: the band at the end of a phase */
  ROW_END_Q95,
  ROW_DIFF_Q05, /* --bands: the band of the difference from the first */
  ROW_DIFF_Q95  /*   scenario, set by set, at the end of a phase */
} row_kind;

/* Index of report `name` in run r, or -1. */
static int col_of(const cli_srun *r, const char *name) {
  int n = muskx_scenario_report_count(r->sc);
  for (int c = 0; c < n; c++)
    if (strcmp(muskx_scenario_report_name(r->sc, c), name) == 0) return c;
  return -1;
}

static int phase_of(const cli_srun *r, const char *name) {
  int n = muskx_scenario_phase_count(r->sc);
  for (int p = 0; p < n; p++)
    if (strcmp(muskx_scenario_phase_name(r->sc, p), name) == 0) return p;
  return -1;
}

/* The sample at the end of phase `phase` of r (sample times include it),
   where the summary takes its end-of-phase value; -1 without the phase. */
static long end_sample(const cli_srun *r, const char *phase) {
  int p = phase_of(r, phase);
  if (p < 0) return -1;
  double te = muskx_scenario_phase_end(r->sc, p);
  size_t i = 0;
  while (i + 1 < r->nrows && r->times[i + 1] <= te) i++;
  return (long)i;
}

/* --bands: the 5 % or 95 % quantile over parameter sets of run r's value
   minus ref's, set by set (the same sets in both: common random
   numbers), at the end of a phase. NaN when either lacks the output or
   phase, or r is ref. */
static double diff_quantile(const cli_srun *r, const cli_srun *ref,
                            const char *out, row_kind k, const char *phase) {
  int c = col_of(r, out), c0 = col_of(ref, out);
  long i = end_sample(r, phase), i0 = end_sample(ref, phase);
  if (r == ref || c < 0 || c0 < 0 || i < 0 || i0 < 0 ||
      r->band_sets == NULL || ref->band_sets == NULL ||
      r->band_nsets != ref->band_nsets)
    return NAN;
  size_t n = r->band_nsets;
  size_t w = r->nrows * (size_t)muskx_scenario_report_count(r->sc);
  size_t w0 = ref->nrows * (size_t)muskx_scenario_report_count(ref->sc);
  size_t at = (size_t)i * (size_t)muskx_scenario_report_count(r->sc) + (size_t)c;
  size_t at0 =
      (size_t)i0 * (size_t)muskx_scenario_report_count(ref->sc) + (size_t)c0;
  double *d = malloc(n * sizeof *d), q = NAN;
  double p = k == ROW_DIFF_Q05 ? 0.05 : 0.95;
  if (d == NULL) return NAN;
  for (size_t s = 0; s < n; s++)
    d[s] = r->band_sets[s * w + at] - ref->band_sets[s * w0 + at0];
  if (muskx_quantiles(d, n, 1, &p, 1, &q) != MUSKX_OK) q = NAN;
  free(d);
  return q;
}

/* The value of one table cell (NAN when the scenario lacks the output or
   phase). For ROW_HALF the phase is ignored. */
static double value(const cli_srun *r, const char *out, row_kind k,
                    const char *phase) {
  int c = col_of(r, out);
  if (c < 0) return NAN;
  switch (k) {
  case ROW_END: {
    int p = phase_of(r, phase);
    return p < 0 ? NAN : muskx_summary_get(r->summary, MUSKX_SUMMARY_END, c, p);
  }
  case ROW_TROUGH:
    return muskx_summary_get(r->summary, MUSKX_SUMMARY_TROUGH, c, -1);
  case ROW_PEAK:
    return muskx_summary_get(r->summary, MUSKX_SUMMARY_PEAK, c, -1);
  case ROW_HALF:
    return muskx_summary_get(r->summary, MUSKX_SUMMARY_HALF_RECOVERY, c, -1);
  case ROW_END_Q05:
  case ROW_END_Q95: {
    long i = end_sample(r, phase);
    if (i < 0 || r->band_lo == NULL) return NAN;
    size_t at =
        (size_t)i * (size_t)muskx_scenario_report_count(r->sc) + (size_t)c;
    return k == ROW_END_Q05 ? r->band_lo[at] : r->band_hi[at];
  }
  case ROW_DIFF_Q05:
  case ROW_DIFF_Q95: return NAN; /* needs the first run: cell() */
  }
  return NAN;
}

/* The cell of run i of runs. */
static double cell(const cli_srun *runs, int i, const char *out, row_kind k,
                   const char *phase) {
  if (k == ROW_DIFF_Q05 || k == ROW_DIFF_Q95)
    return diff_quantile(&runs[i], &runs[0], out, k, phase);
  return value(&runs[i], out, k, phase);
}

/* A list of distinct names, in order of first appearance. */
typedef struct names {
  const char **v;
  int n;
} names;

static int names_find(const names *s, const char *name) {
  for (int i = 0; i < s->n; i++)
    if (strcmp(s->v[i], name) == 0) return i;
  return -1;
}

/* Adds name (when new) right after `after`; at the start when after is
   NULL, at the end when after is not in the list. So that the phases of scenarios with different
   timelines stay in each one's order. */
static int names_add_after(names *s, const char *name, const char *after) {
  if (names_find(s, name) >= 0) return 0;
  const char **nv = realloc(s->v, (size_t)(s->n + 1) * sizeof *nv);
  if (nv == NULL) return -1;
  s->v = nv;
  int at = 0; /* a scenario's first phase goes first */
  if (after != NULL) {
    int k = names_find(s, after);
    at = k >= 0 ? k + 1 : s->n;
  }
  memmove(s->v + at + 1, s->v + at, (size_t)(s->n - at) * sizeof *s->v);
  s->v[at] = name;
  s->n++;
  return 0;
}

static int names_add(names *s, const char *name) {
  return names_add_after(s, name, s->n > 0 ? s->v[s->n - 1] : NULL);
}

/* Table rows: per output, the end of every phase, trough, peak, half
   recovery. Calls emit() for each; label is what the text table shows. */
typedef void (*row_fn)(void *ctx, const char *out, row_kind k,
                       const char *phase, const char *label);

static void for_rows(const names *outs, const names *phases, int bands,
                     int nruns, row_fn emit, void *ctx) {
  char label[160];
  for (int o = 0; o < outs->n; o++) {
    for (int p = 0; p < phases->n; p++) {
      snprintf(label, sizeof label, "end of %s", phases->v[p]);
      emit(ctx, outs->v[o], ROW_END, phases->v[p], label);
      if (!bands) continue;
      emit(ctx, outs->v[o], ROW_END_Q05, phases->v[p], "  band 5 %");
      emit(ctx, outs->v[o], ROW_END_Q95, phases->v[p], "  band 95 %");
      if (nruns < 2) continue;
      emit(ctx, outs->v[o], ROW_DIFF_Q05, phases->v[p], "  minus first, 5 %");
      emit(ctx, outs->v[o], ROW_DIFF_Q95, phases->v[p], "  minus first, 95 %");
    }
    emit(ctx, outs->v[o], ROW_TROUGH, "", "trough");
    emit(ctx, outs->v[o], ROW_PEAK, "", "peak");
    emit(ctx, outs->v[o], ROW_HALF, "", "half recovery (days)");
  }
}

typedef struct text_ctx {
  FILE *fp;
  const cli_srun *runs;
  int nruns;
  const int *width;
  const char *last_out;
} text_ctx;

/* The unit words of output `out` in the first scenario that reports it. */
static const char *out_unit(const cli_srun *runs, int nruns, const char *out) {
  for (int i = 0; i < nruns; i++) {
    int c = col_of(&runs[i], out);
    if (c < 0) continue;
    int show = muskx_scenario_report_show(runs[i].sc, c);
    size_t n = strlen(out);
    if (show == MUSKX_SHOW_PCT_CHANGE) return "% change from day 0";
    if (show == MUSKX_SHOW_VALUE && n > 4 && strcmp(out + n - 4, "_pct") == 0)
      return "%";
    return cli_show_unit(show);
  }
  return "";
}

static void text_row(void *vctx, const char *out, row_kind k,
                     const char *phase, const char *label) {
  text_ctx *t = vctx;
  char buf[32];
  if (t->last_out == NULL || strcmp(t->last_out, out) != 0) {
    fprintf(t->fp, "%s (%s)\n", out, out_unit(t->runs, t->nruns, out));
    t->last_out = out;
  }
  fprintf(t->fp, "  %-28s", label);
  for (int i = 0; i < t->nruns; i++) {
    double v = cell(t->runs, i, out, k, phase);
    if (isnan(v))
      snprintf(buf, sizeof buf, "-");
    else if (k == ROW_HALF)
      snprintf(buf, sizeof buf, "%.0f", v);
    else
      snprintf(buf, sizeof buf, "%.2f", v + 0.0);
    if (strcmp(buf, "-0.00") == 0) snprintf(buf, sizeof buf, "0.00");
    fprintf(t->fp, " %*s", t->width[i], buf);
  }
  fputc('\n', t->fp);
}

typedef struct csv_ctx {
  FILE *fp;
  const cli_srun *runs;
  int nruns;
} csv_ctx;

static void csv_row(void *vctx, const char *out, row_kind k,
                    const char *phase, const char *label) {
  static const char *const stat[] = {"end", "trough", "peak",
                                     "half_recovery_days", "end_q05",
                                     "end_q95", "end_diff_q05",
                                     "end_diff_q95"};
  csv_ctx *c = vctx;
  char num[CLI_NUMBUF];
  (void)label;
  cli_csv_field(c->fp, out);
  fputc(',', c->fp);
  cli_csv_field(c->fp, out_unit(c->runs, c->nruns, out));
  fprintf(c->fp, ",%s,", stat[k]);
  cli_csv_field(c->fp, phase);
  for (int i = 0; i < c->nruns; i++) {
    double v = cell(c->runs, i, out, k, phase);
    fputc(',', c->fp);
    if (!isnan(v)) fputs(cli_format_double(v, num), c->fp);
  }
  fputc('\n', c->fp);
}

static int write_csv(const char *path, const cli_srun *runs, int nruns,
                     const names *outs, const names *phases, int bands) {
  cli_out o;
  if (cli_out_not_srun_input(path, runs, nruns) != 0 ||
      cli_out_open(&o, path) != 0)
    return -1;
  fputs("output,unit,statistic,phase", o.fp);
  for (int i = 0; i < nruns; i++) {
    fputc(',', o.fp);
    cli_csv_field(o.fp, muskx_scenario_id(runs[i].sc));
  }
  fputc('\n', o.fp);
  csv_ctx c = {o.fp, runs, nruns};
  for_rows(outs, phases, bands, nruns, csv_row, &c);
  return cli_out_commit(&o);
}

/* Column headers: each id wrapped onto as many lines as it needs, broken
   before an underscore where possible, so that four scenarios fit in 100
   columns. */
#define COL_WIDTH 15
static void print_header(FILE *fp, const cli_srun *runs, int nruns,
                         const int *width) {
  const char **rest = calloc((size_t)nruns, sizeof *rest);
  if (rest == NULL) return;
  for (int i = 0; i < nruns; i++) rest[i] = muskx_scenario_id(runs[i].sc);
  for (int line = 0; line < 8; line++) {
    int any = 0;
    for (int i = 0; i < nruns; i++) any |= rest[i][0] != '\0';
    if (!any) break;
    fprintf(fp, "  %-28s", "");
    for (int i = 0; i < nruns; i++) {
      size_t len = strlen(rest[i]), take = len;
      if ((int)len > width[i]) {
        take = (size_t)width[i];
        for (size_t k = (size_t)width[i]; k > 1; k--)
          if (rest[i][k] == '_') {
            take = k;
            break;
          }
      }
      fprintf(fp, " %*.*s", width[i], (int)take, rest[i]);
      rest[i] += take;
    }
    fputc('\n', fp);
  }
  free(rest);
}

static void print_table(FILE *fp, const cli_srun *runs, int nruns,
                        const names *outs, const names *phases,
                        const char *bands_note) {
  int *width = calloc((size_t)nruns, sizeof *width);
  if (width == NULL) return;
  fprintf(fp, "Scenarios compared:\n");
  for (int i = 0; i < nruns; i++) {
    const char *id = muskx_scenario_id(runs[i].sc);
    width[i] = COL_WIDTH;
    fprintf(fp, "  %-26s %s\n", id, cli_srun_title(&runs[i]));
  }
  fprintf(fp,
          "Values at the end of each phase and over the run; half recovery\n"
          "counts days from the end of the phase each scenario recovers from ('%s'\n"
          "in the first) until half the change is undone.\n\n",
          muskx_scenario_recovery_phase(runs[0].sc) >= 0
              ? muskx_scenario_phase_name(
                    runs[0].sc, muskx_scenario_recovery_phase(runs[0].sc))
              : "none");
  if (bands_note != NULL) fprintf(fp, "%s\n", bands_note);
  print_header(fp, runs, nruns, width);
  text_ctx t = {fp, runs, nruns, width, NULL};
  for_rows(outs, phases, bands_note != NULL, nruns, text_row, &t);
  for (int i = 0; i < nruns; i++) {
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s: ", muskx_scenario_id(runs[i].sc));
    cli_srun_pct_notes(fp, &runs[i], prefix);
  }
  free(width);
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  cli_settings settings = {NULL, 0, 0};
  const char *output = NULL, *plot = NULL, *title = NULL;
  const char **paths = NULL;
  cli_srun *runs = NULL;
  names outs = {NULL, 0}, phases = {NULL, 0};
  int npaths = 0, rc = CLI_EXIT_FAIL, k, bands = 0;
  cli_bands bopt;
  char note[4096];
  memset(&bopt, 0, sizeof bopt);
  bopt.seed = 1;
  bopt.settings = &settings;

  paths = calloc((size_t)argc, sizeof *paths);
  if (paths == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAIL;
  }
  cli_parser_init(&p, self, argc, argv);
  while ((k = cli_next(&p)) != CLI_END) {
    switch (k) {
    case CLI_ERROR: rc = CLI_EXIT_USAGE; goto done;
    case CLI_HELP:
      cli_print_help(stdout, self);
      rc = CLI_EXIT_OK;
      goto done;
    case CLI_ARG: paths[npaths++] = p.value; break;
    case OPT_OUTPUT: output = p.value; break;
    case OPT_PLOT:
      if (p.value[0] == '\0' || strcmp(p.value, "-") == 0) {
        rc = cli_usage_error(self, "--plot needs a file name for the PNG");
        goto done;
      }
      plot = p.value;
      break;
    case OPT_TITLE: title = p.value; break;
    case OPT_BANDS: bands = 1; break;
    case OPT_VARY: {
      int bad = cli_bands_add_vary(&bopt, self, p.value);
      if (bad != 0) {
        rc = bad;
        goto done;
      }
      break;
    }
    case OPT_PARAMS_CSV: bopt.params_csv = p.value; break;
    case OPT_SAMPLES:
    case OPT_SEED:
    case OPT_THREADS: {
      double v;
      const char *opt = k == OPT_SAMPLES ? "--samples"
                        : k == OPT_SEED  ? "--seed"
                                         : "--threads";
      if (cli_parse_double(self, opt, p.value, &v)) {
        rc = CLI_EXIT_USAGE;
        goto done;
      }
      /* -n 1 drew "a band" of one set (review rev27u L4) */
      if (!(v == floor(v) && v >= (k == OPT_SAMPLES ? 2 : 0) && v <= 1e8)) {
        rc = cli_usage_error(self, "%s must be a whole number%s, got '%s'",
                             opt, k == OPT_SAMPLES
                                      ? " from 2 to 1e8 (a band needs at "
                                        "least 2 parameter sets)"
                                      : " from 0 to 1e8",
                             p.value);
        goto done;
      }
      if (k == OPT_SAMPLES) bopt.samples = (size_t)v;
      else if (k == OPT_SEED) bopt.seed = (unsigned long long)v;
      else bopt.threads = (long)v;
      break;
    }
    case OPT_SET: {
      int bad = cli_settings_add(&settings, self, p.value);
      if (bad != 0) {
        rc = bad > 0 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
      }
      break;
    }
    default: break;
    }
  }
  if (npaths == 0) {
    rc = cli_usage_error(self, "no SCENARIO given");
    goto done;
  }
  if (bands && bopt.nvary == 0 && bopt.params_csv == NULL) {
    rc = cli_usage_error(self,
                         "--bands needs parameter uncertainty: --vary "
                         "NAME=DIST(A,B) and/or --params-csv FILE");
    goto done;
  }
  if (!bands && (bopt.nvary > 0 || bopt.params_csv != NULL)) {
    rc = cli_usage_error(self, "--vary and --params-csv are for --bands");
    goto done;
  }
  for (size_t i = 0; i < bopt.nvary; i++) {
    char by[512];
    snprintf(by, sizeof by, "--vary '%s'", bopt.vary[i].arg);
    rc = cli_set_vary_clash(&settings, bopt.vary[i].name, by);
    if (rc != 0) goto done;
  }
  const char *const out_opts[] = {"-o", "--plot"};
  const char *const out_paths[] = {output, plot};
  rc = cli_outs_distinct(self, 2, out_opts, out_paths);
  if (rc != 0) goto done;
  rc = CLI_EXIT_FAIL;
  if ((output != NULL && strcmp(output, "-") != 0 && cli_out_probe(output) != 0) ||
      (plot != NULL && cli_out_probe(plot) != 0))
    goto done;
  runs = calloc((size_t)npaths, sizeof *runs);
  if (runs == NULL) {
    cli_error("out of memory");
    goto done;
  }
  for (int i = 0; i < npaths; i++) {
    if (cli_srun_do(&runs[i], paths[i], &settings) != 0) goto done;
    /* the id heads the scenario's column: two alike (a copied scenario
       whose id was not changed, a file given twice) could not be told
       apart in the table or the CSV */
    const char *id = muskx_scenario_id(runs[i].sc);
    for (int j = 0; j < i; j++)
      if (strcmp(id, muskx_scenario_id(runs[j].sc)) == 0) {
        cli_error("%s and %s have the same scenario id '%s': their columns "
                  "could not be told apart (give one another id)",
                  paths[j], paths[i], id);
        goto done;
      }
  }
  if (bands) {
    size_t nsets = 0, worst = 0;
    char used[2048] = "";
    size_t at = 0;
    for (int i = 0; i < npaths; i++) {
      size_t nfail = 0;
      if (cli_bands_compute(&runs[i], &bopt, &nsets, &nfail) != 0) goto done;
      if (nfail > worst) worst = nfail;
      if (at < sizeof used)
        at += (size_t)snprintf(used + at, sizeof used - at, "%s%s %zu",
                               i > 0 ? ", " : "",
                               muskx_scenario_id(runs[i].sc), nsets - nfail);
    }
    /* -n 200 is refused with a --params-csv of fewer rows (review rev24a:
       it was advised anyway) */
    size_t rows = runs[0].band_table_rows;
    const char *more = bopt.params_csv == NULL || rows >= 200
                           ? " (use -n 200 for one)"
                           : " (for one, give --params-csv 200 sets or more)";
    /* with few sets the 5 % and 95 % quantiles (definition 7) lie
       between the two lowest and the two highest sets: say so (session
       24: a "crew of 6" read -n 6 as the crew's range) */
    /* the seed only when something is drawn, sets used per scenario when
       some failed (review rev27u L4, M2) */
    char seed[64] = "";
    if (bopt.nvary > 0) snprintf(seed, sizeof seed, "; seed %llu", bopt.seed);
    snprintf(note, sizeof note,
             "Bands: 5 %% and 95 %% quantiles over %zu parameter sets (the "
             "same in every scenario%s)%s%s%s%s.\n",
             nsets, seed,
             worst > 0 ? "; some sets failed and are left out (why: on "
                         "stderr), sets used: "
                       : "",
             worst > 0 ? used : "",
             nsets - worst <= 20 ? "; with 20 sets or fewer they lie between "
                                   "the two lowest and the two highest sets, "
                                   "not a 90 % band of a population"
                                 : "",
             nsets - worst <= 20 ? more : "");
  }
  for (int i = 0; i < npaths; i++) {
    const muskx_scenario *sc = runs[i].sc;
    for (int c = 0; c < muskx_scenario_report_count(sc); c++)
      if (names_add(&outs, muskx_scenario_report_name(sc, c)) != 0) goto nomem;
    for (int q = 0; q < muskx_scenario_phase_count(sc); q++) {
      /* a scenario's first phase goes just before its first phase the
         list has (a baseline ahead of shared phases), else last (review
         rev28u L2: at the start, so a second scenario with phases of its
         own put them all before the first scenario's) */
      const char *after = q > 0 ? muskx_scenario_phase_name(sc, q - 1) : NULL;
      if (q == 0) {
        int at = -1;
        for (int r = 1; at < 0 && r < muskx_scenario_phase_count(sc); r++)
          at = names_find(&phases, muskx_scenario_phase_name(sc, r));
        after = at > 0 ? phases.v[at - 1] : at == 0 ? NULL : "";
      }
      if (names_add_after(&phases, muskx_scenario_phase_name(sc, q), after) !=
          0)
        goto nomem;
    }
  }
  if (output != NULL &&
      write_csv(output, runs, npaths, &outs, &phases, bands) != 0)
    goto done;
  print_table(output != NULL && strcmp(output, "-") == 0 ? stderr : stdout,
              runs, npaths, &outs, &phases, bands ? note : NULL);
  if (plot != NULL) {
    char t[512];
    if (title == NULL) {
      snprintf(t, sizeof t, "%s", npaths == 1
                                      ? cli_srun_title(&runs[0])
                                      : "Scenario comparison");
      title = t;
    }
    if (cli_plot_runs(runs, npaths, plot, title) < 0) goto done;
  }
  rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
  goto done;
nomem:
  cli_error("out of memory");
done:
  for (int i = 0; runs != NULL && i < npaths; i++) cli_srun_free(&runs[i]);
  free(runs);
  free(paths);
  free(outs.v);
  free(phases.v);
  cli_settings_free(&settings);
  cli_bands_free(&bopt);
  return rc;
}

const cli_command cli_cmd_compare = {
    "compare",
    "SCENARIO... [--plot out.png] [-o table.csv] [--set NAME=VALUE ...]\n"
    "       [--bands (--vary NAME=DIST(A,B) ... | --params-csv FILE) "
    "[-n N] [--seed S]]",
    "run several scenarios and compare their summaries side by side",
    "Runs each SCENARIO (muskx-scenario(5)) and prints one table with a\n"
    "column per scenario: for every reported output, its value at the end\n"
    "of each phase (phases are matched by name; '-' where a scenario has no\n"
    "such phase or output), its trough and peak over the run, and the days\n"
    "after the recovery phase until half of its change is undone. -o writes\n"
    "the table as CSV (output,unit,statistic,phase,<scenario ids>); --plot\n"
    "draws one panel per output with one line per scenario.\n"
    "--bands runs every scenario once per parameter set (--vary draws, the\n"
    "same sets in every scenario for a seed, and/or the rows of\n"
    "--params-csv) and adds the 5 % and 95 % quantiles at the end of each\n"
    "phase to the table (statistics end_q05, end_q95 in the CSV), those of\n"
    "each scenario minus the first, set by set (end_diff_q05,\n"
    "end_diff_q95), and a shaded 90 % band around each line to the plot.",
    options,
    "  muskx compare scenarios/iss_no_countermeasure.yaml "
    "scenarios/iss_exercise*.yaml\n"
    "  muskx compare scenarios/iss_no_countermeasure.yaml "
    "scenarios/iss_exercise.yaml \\\n"
    "      --plot iss.png -o iss.csv\n"
    "  muskx compare scenarios/iss_exercise.yaml "
    "scenarios/iss_exercise_denosumab.yaml \\\n"
    "      --bands --vary 'kappa_R=lognormal(1.31,0.3)' -n 100 --plot b.png\n",
    run,
};
