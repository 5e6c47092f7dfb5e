/*
 * scenario_run.c -- what `muskx run` and `muskx compare` share: load a
 * scenario, apply --set to it, run it through the library
 * (muskx_scenario_run), summarise it (muskx_summary_compute), and write
 * its time course as CSV.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_cli.h"

static int load(cli_srun *r, const char *path) {
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  memset(&err, 0, sizeof err);
  if (cli_scenario_load(path, &r->sc, &err) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
    return -1;
  }
  return 0;
}

static int apply_settings(cli_srun *r, const cli_settings *s) {
  for (size_t i = 0; s != NULL && i < s->n; i++) {
    const cli_setting *it = &s->items[i];
    char name[512];
    if (it->name_len >= sizeof name) {
      fprintf(stderr, "%s: --set: name too long\n", r->path);
      return -1;
    }
    memcpy(name, it->name, it->name_len);
    name[it->name_len] = '\0';
    if (muskx_scenario_set(r->sc, name, it->value) != MUSKX_OK) {
      fprintf(stderr, "%s: --set %s: %s\n", r->path, it->arg,
              muskx_scenario_errmsg(r->sc));
      return -1;
    }
  }
  return 0;
}

int cli_srun_do(cli_srun *r, const char *path, const cli_settings *settings) {
  muskx_sim *sim = NULL;
  muskx_status st;
  size_t done = 0;
  int ncols;

  memset(r, 0, sizeof *r);
  r->path = path;
  if (load(r, path) != 0 || apply_settings(r, settings) != 0) return -1;
  cli_scenario_warnings(r->sc);
  ncols = muskx_scenario_report_count(r->sc);
  r->nrows = muskx_scenario_sample_times(r->sc, NULL, 0);
  r->times = malloc(r->nrows * sizeof *r->times);
  r->values = malloc(r->nrows * (size_t)ncols * sizeof *r->values);
  if (r->times == NULL || r->values == NULL) {
    cli_error("out of memory");
    return -1;
  }
  muskx_scenario_sample_times(r->sc, r->times, r->nrows);
  st = muskx_sim_create(muskx_scenario_model(r->sc), &sim);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: cannot create a simulation: %s\n", path,
            muskx_strerror(st));
    return -1;
  }
  st = muskx_scenario_run(r->sc, sim, r->values, r->nrows, &done);
  if (st != MUSKX_OK) {
    cli_sim_error(path, done == 0 ? "setting up the run" : "run", sim, st);
    muskx_sim_free(sim);
    return -1;
  }
  muskx_sim_free(sim);
  st = muskx_summary_compute(r->sc, r->times, r->values, r->nrows,
                             &r->summary);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: summary: %s\n", path, muskx_strerror(st));
    return -1;
  }
  return 0;
}

void cli_srun_free(cli_srun *r) {
  muskx_summary_free(r->summary);
  muskx_scenario_free(r->sc);
  free(r->times);
  free(r->values);
  free(r->band_lo);
  free(r->band_hi);
  free(r->band_sets);
  memset(r, 0, sizeof *r);
}

/* "name [unit]" with units and a unit, else the name. */
static void header_cell(FILE *fp, const char *name, const char *unit,
                        int units) {
  char cell[640];
  if (units && unit != NULL && unit[0] != '\0' &&
      snprintf(cell, sizeof cell, "%s [%s]", name, unit) < (int)sizeof cell)
    cli_csv_field(fp, cell);
  else
    cli_csv_field(fp, name);
}

/* The model's unit of a reported column (an output, else a species). */
static const char *report_unit(const muskx_scenario *sc, int c) {
  const muskx_model *m = muskx_scenario_model(sc);
  const char *name = muskx_scenario_report_name(sc, c);
  int i = muskx_model_find(m, MUSKX_OUTPUT, name);
  if (i >= 0) return muskx_model_unit(m, MUSKX_OUTPUT, i);
  i = muskx_model_find(m, MUSKX_SPECIES, name);
  return i >= 0 ? muskx_model_unit(m, MUSKX_SPECIES, i) : "";
}

int cli_srun_write_csv(const cli_srun *r, const char *path, int units) {
  cli_out o;
  char num[CLI_NUMBUF];
  int nc = muskx_scenario_report_count(r->sc);

  if (cli_out_not_srun_input(path, r, 1) != 0 || cli_out_open(&o, path) != 0)
    return -1;
  header_cell(o.fp, "time",
              muskx_model_time_unit(muskx_scenario_model(r->sc)), units);
  for (int c = 0; c < nc; c++) {
    fputc(',', o.fp);
    header_cell(o.fp, muskx_scenario_report_name(r->sc, c),
                report_unit(r->sc, c), units);
  }
  fputc('\n', o.fp);
  for (size_t i = 0; i < r->nrows; i++) {
    fputs(cli_format_double(r->times[i], num), o.fp);
    for (int c = 0; c < nc; c++) {
      fputc(',', o.fp);
      fputs(cli_format_double(r->values[i * (size_t)nc + (size_t)c], num),
            o.fp);
    }
    fputc('\n', o.fp);
  }
  return cli_out_commit(&o);
}

const char *cli_srun_title(const cli_srun *r) {
  const char *name = muskx_scenario_name(r->sc);
  if (name != NULL && name[0] != '\0') return name;
  const char *slash = strrchr(r->path, '/');
  return slash != NULL ? slash + 1 : r->path;
}

int cli_srun_pct_offset(const cli_srun *r, int c) {
  if (r == NULL || r->summary == NULL || c < 0 ||
      c >= muskx_scenario_report_count(r->sc) ||
      muskx_scenario_report_show(r->sc, c) != MUSKX_SHOW_VALUE)
    return 0;
  const char *name = muskx_scenario_report_name(r->sc, c);
  size_t n = strlen(name);
  if (n <= 4 || strcmp(name + n - 4, "_pct") != 0) return 0;
  double x0 = muskx_summary_get(r->summary, MUSKX_SUMMARY_BASELINE, c, -1);
  return isfinite(x0) && fabs(x0) >= 0.005;
}

int cli_srun_pct_notes(FILE *fp, const cli_srun *r, const char *prefix) {
  int n = 0;
  for (int c = 0; r != NULL && c < muskx_scenario_report_count(r->sc); c++) {
    if (!cli_srun_pct_offset(r, c)) continue;
    double x0 = muskx_summary_get(r->summary, MUSKX_SUMMARY_BASELINE, c, -1);
    fprintf(fp,
            "%snote: %s is %.2f %% at day 0: it is relative to the model's "
            "own reference (the healthy baseline), not to day 0\n",
            prefix, muskx_scenario_report_name(r->sc, c), x0);
    n++;
  }
  return n;
}

const char *cli_show_unit(int show) {
  switch (show) {
  case MUSKX_SHOW_VALUE: return "value";
  case MUSKX_SHOW_PCT_CHANGE: return "% change";
  case MUSKX_SHOW_CHANGE: return "change";
  default: return "?";
  }
}
