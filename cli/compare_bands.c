/*
 * compare_bands.c -- 90 % prediction bands for `muskx compare --bands`
 * (issue 17, item 6): each arm is run once per parameter set, and the 5 %
 * and 95 % quantiles over the sets of every reported column, at every
 * sample time, become a band around the arm's line.
 *
 * Parameter sets come from --vary distributions (drawn per set from
 * (seed, set index), so set i is the same in every arm: common random
 * numbers, which makes arms comparable set by set) and/or a --params-csv
 * table, one set per row, e.g. draws from a fit's posterior. Each set's
 * values act as the scenario's last `set` entries, before its steady
 * state (muskx_ensemble_set_scenario).
 *
 * Bands are in the same shown units as the table and the plot; a percent
 * change is taken from each set's own day 0, so the band is the spread of
 * the predicted change, not of the baseline.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_cli.h"

#define DEFAULT_SETS 200

static const double probs[2] = {0.05, 0.95};

int cli_bands_add_vary(cli_bands *b, const cli_command *self,
                       const char *arg) {
  cli_vary *v = realloc(b->vary, (b->nvary + 1) * sizeof *v);
  if (v == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAIL;
  }
  b->vary = v;
  memset(&v[b->nvary], 0, sizeof *v);
  b->nvary++; /* counted now, so its name is freed whatever happens */
  return cli_vary_parse(self, arg, &v[b->nvary - 1]);
}

void cli_bands_free(cli_bands *b) {
  for (size_t i = 0; i < b->nvary; i++) free(b->vary[i].name);
  free(b->vary);
  b->vary = NULL;
  b->nvary = 0;
}

/* The ensemble of r's scenario with b's parameter sets; *n is the number
   of sets. 0, or -1 after printing why. */
static int prepare(cli_srun *r, const cli_bands *b, muskx_ensemble **out,
                   size_t *n) {
  muskx_ensemble *ens = NULL;
  muskx_status st = muskx_ensemble_create(muskx_scenario_model(r->sc), &ens);
  if (st != MUSKX_OK) {
    cli_error("out of memory");
    return -1;
  }
  *out = ens;
  st = muskx_ensemble_set_scenario(ens, r->sc);
  for (size_t i = 0; st == MUSKX_OK && i < b->nvary; i++) {
    st = muskx_ensemble_vary(ens, b->vary[i].name, b->vary[i].dist,
                             b->vary[i].p1, b->vary[i].p2);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: --vary %s: %s\n", r->path, b->vary[i].arg,
              muskx_ensemble_errmsg(ens));
      return -1;
    }
  }
  *n = b->samples > 0 ? b->samples : DEFAULT_SETS;
  if (b->params_csv != NULL) {
    cli_param_table t;
    if (cli_param_table_read(b->params_csv, &t) != 0) return -1;
    r->band_table_rows = t.rows;
    if (b->samples == 0) *n = t.rows;
    if (*n < 2) { /* review rev27u L4: "a band" of one set */
      fprintf(stderr, "%s: 1 parameter set; a band needs at least 2 (give "
                      "more rows, or --vary)\n", b->params_csv);
      cli_param_table_free(&t);
      return -1;
    }
    /* the header's unknown names and too few rows, all at file:line:col */
    int bad = cli_param_table_fits(&t, b->params_csv,
                                   muskx_scenario_model(r->sc), ens, *n);
    for (size_t c = 0; !bad && b->settings != NULL && c < t.nnames; c++) {
      char by[512];
      snprintf(by, sizeof by, "the column '%s' of --params-csv %s",
               t.names[c], b->params_csv);
      bad = cli_set_vary_clash(b->settings, t.names[c], by);
    }
    if (!bad)
      bad = cli_param_table_check(&t, b->params_csv,
                                  muskx_scenario_model(r->sc), *n);
    if (bad) {
      cli_param_table_free(&t);
      return -1;
    }
    st = muskx_ensemble_set_samples(ens, t.values, t.rows, t.nnames,
                                    (const char *const *)t.names);
    cli_param_table_free(&t);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: %s: %s\n", r->path, b->params_csv,
              muskx_ensemble_errmsg(ens));
      return -1;
    }
  }
  int nc = muskx_scenario_report_count(r->sc);
  const char **names = malloc((size_t)(nc > 0 ? nc : 1) * sizeof *names);
  if (names == NULL) {
    cli_error("out of memory");
    return -1;
  }
  for (int c = 0; c < nc; c++) names[c] = muskx_scenario_report_name(r->sc, c);
  st = muskx_ensemble_set_columns(ens, names, (size_t)nc);
  free(names);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: %s\n", r->path, muskx_ensemble_errmsg(ens));
    return -1;
  }
  return 0;
}

/* y in the column's shown units, from the set's own day-0 value y0 (as
   muskx_summary_shown does for the run itself). */
static double shown(int how, double y, double y0) {
  switch (how) {
  case MUSKX_SHOW_PCT_CHANGE: return y0 != 0 ? 100.0 * (y - y0) / y0 : NAN;
  case MUSKX_SHOW_CHANGE: return y - y0;
  default: return y;
  }
}

int cli_bands_compute(cli_srun *r, const cli_bands *b, size_t *nsets,
                      size_t *nfailed) {
  muskx_ensemble *ens = NULL;
  double *traj = NULL, *q = NULL;
  size_t n = 0;
  int rc = -1, nc = muskx_scenario_report_count(r->sc);
  size_t width = r->nrows * (size_t)nc;

  if (prepare(r, b, &ens, &n) != 0) goto done;
  if (muskx_ensemble_run(ens, 0, n, b->seed, (int)b->threads, r->times,
                         r->nrows, NULL, NULL) != MUSKX_OK) {
    fprintf(stderr, "%s: bands: %s\n", r->path, muskx_ensemble_errmsg(ens));
    goto done;
  }
  *nsets = n;
  *nfailed = muskx_ensemble_nfailed(ens);
  if (*nfailed == n) {
    fprintf(stderr, "%s: bands: every parameter set failed; the first: %s\n",
            r->path, muskx_ensemble_sample_errmsg(ens, 0));
    goto done;
  }
  if (*nfailed > 0) {
    /* review rev27u M2: the band was silently drawn over the others */
    size_t k = 0;
    while (k + 1 < n && muskx_ensemble_sample_errmsg(ens, k)[0] == '\0') k++;
    fprintf(stderr, "warning: %s: bands: %zu of %zu parameter sets failed "
            "and are left out (the bands of this scenario use %zu); the "
            "first, set %zu: %s\n", r->path, *nfailed, n, n - *nfailed,
            k + 1, muskx_ensemble_sample_errmsg(ens, k));
  }
  traj = malloc(n * width * sizeof *traj);
  q = malloc(2 * width * sizeof *q);
  if (traj == NULL || q == NULL) {
    cli_error("out of memory");
    goto done;
  }
  if (muskx_ensemble_trajectories(ens, traj, n * width) != MUSKX_OK) goto done;
  for (size_t s = 0; s < n; s++) {
    double *blk = traj + s * width;
    for (int c = 0; c < nc; c++) {
      int how = muskx_scenario_report_show(r->sc, c);
      double y0 = blk[c];
      /* Row 0 last: it is every later row's baseline. */
      for (size_t k = r->nrows; k-- > 0;)
        blk[k * (size_t)nc + (size_t)c] =
            shown(how, blk[k * (size_t)nc + (size_t)c], y0);
    }
  }
  if (muskx_quantiles(traj, n, width, probs, 2, q) != MUSKX_OK) {
    cli_error("out of memory");
    goto done;
  }
  r->band_lo = malloc(width * sizeof *r->band_lo);
  r->band_hi = malloc(width * sizeof *r->band_hi);
  if (r->band_lo == NULL || r->band_hi == NULL) {
    cli_error("out of memory");
    goto done;
  }
  memcpy(r->band_lo, q, width * sizeof *q);
  memcpy(r->band_hi, q + width, width * sizeof *q);
  r->band_sets = traj; /* kept for differences between scenarios */
  r->band_nsets = n;
  traj = NULL;
  rc = 0;
done:
  free(traj);
  free(q);
  muskx_ensemble_free(ens);
  return rc;
}
