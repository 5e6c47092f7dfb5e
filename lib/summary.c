/*
 * summary.c -- per-phase statistics of a scenario run (muskx-scenario(5),
 * SUMMARY): end-of-phase values, peak and trough with their times, the loss
 * at the end of the recovery phase and the time to recover half of it.
 *
 * Everything is computed from the sampled time course alone, so the
 * numbers can be recomputed from the CSV that `muskx run` writes (the test
 * in tests/test_scenario.c does exactly that). A column is first turned
 * into its shown series y (muskx_show: the value, its percent change or its
 * change from the value at t = 0); all statistics are of y.
 *
 * Conventions: the end of a phase is the last sample at or before its end
 * (sample times include every boundary, so it is the boundary itself);
 * a phase's peak and trough look at samples in [start, end]; ties keep the
 * first time. Half recovery: with y_e the shown value at the end of the
 * recovery phase and b the shown baseline, the first time after it at
 * which y is back to b + (y_e - b)/2, interpolated linearly between the
 * two samples around the crossing, in days after the end of the phase.
 * A change within round-off of none (change_floor) has no half recovery:
 * after a steady baseline phase, CTX_pct's 4e-14 % "change" was reported
 * recovered in 0 d, and a flat placebo arm's in 193 d.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "scenario.h"

#define NSTATS_PER_PHASE 5 /* END, PEAK, PEAK_TIME, TROUGH, TROUGH_TIME */

struct muskx_summary {
  int ncols, nphases;
  muskx_show *show;
  double *baseline;   /* raw x0 per column */
  double *per_phase;  /* [col][phase + 1][stat]; phase slot 0 = whole run */
  double *loss, *half;
};

static double shown(muskx_show how, double x, double x0) {
  switch (how) {
  case MUSKX_SHOW_VALUE: return x;
  case MUSKX_SHOW_PCT_CHANGE: return x0 != 0 ? 100.0 * (x - x0) / x0 : NAN;
  case MUSKX_SHOW_CHANGE: return x - x0;
  }
  return NAN;
}

static double *slot(const muskx_summary *s, int col, int phase) {
  return &s->per_phase[((size_t)col * (size_t)(s->nphases + 1) +
                        (size_t)(phase + 1)) * NSTATS_PER_PHASE];
}

/* Peak and trough of y over samples with lo <= t <= hi. */
static void extremes(const double *t, const double *y, size_t n, double lo,
                     double hi, double *out) {
  double eps = 1e-9 * (fabs(hi) + 1);
  out[1] = out[2] = out[3] = out[4] = NAN;
  for (size_t i = 0; i < n; i++) {
    if (t[i] < lo - eps || t[i] > hi + eps || isnan(y[i])) continue;
    if (isnan(out[1]) || y[i] > out[1]) {
      out[1] = y[i];
      out[2] = t[i];
    }
    if (isnan(out[3]) || y[i] < out[3]) {
      out[3] = y[i];
      out[4] = t[i];
    }
  }
}

/* The largest change of shown series y (baseline b, raw value x0 at
   t = 0) that is round-off, not a change: 1e-9 of the column's scale,
   the largest of its excursion from b and 100 % for a percentage; and,
   unless the column is shown as a percent change, |x0| (in the units of
   y then; a percent change is in percent whatever x0 is, and a -1 %
   change of an output of 2e9 is a change). Round-off is some 1e-14 of
   these; a real change is far above 1e-9. */
static double change_floor(const double *y, size_t n, double b, double x0,
                           int percent, int pct_change) {
  double scale = percent ? 100.0 : 0.0;
  if (!pct_change && isfinite(x0) && fabs(x0) > scale) scale = fabs(x0);
  for (size_t i = 0; i < n; i++)
    if (isfinite(y[i]) && fabs(y[i] - b) > scale) scale = fabs(y[i] - b);
  return 1e-9 * scale;
}

static int ends_with_pct(const char *name) {
  size_t n = strlen(name);
  return n >= 4 && strcmp(name + n - 4, "_pct") == 0;
}

/* Index of the last sample at or before t, or -1 when the run stopped
   before reaching t. */
static long sample_at(const double *times, size_t n, double t) {
  double eps = 1e-9 * (fabs(t) + 1);
  if (n == 0 || times[n - 1] < t - eps) return -1;
  long k = -1;
  for (size_t i = 0; i < n && times[i] <= t + eps; i++) k = (long)i;
  return k;
}

muskx_status muskx_summary_compute(const muskx_scenario *sc,
                                   const double *times, const double *values,
                                   size_t nrows, muskx_summary **out) {
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  if (sc == NULL || times == NULL || values == NULL || nrows == 0 ||
      times[0] != 0)
    return MUSKX_EINVAL;
  for (size_t i = 1; i < nrows; i++)
    if (!(times[i] >= times[i - 1])) return MUSKX_EINVAL;
  int nc = sc->nreports, np = sc->nphases;
  muskx_summary *s = muskx__calloc(1, sizeof *s);
  double *y = muskx__calloc(nrows, sizeof *y);
  if (s == NULL || y == NULL) goto nomem;
  s->ncols = nc;
  s->nphases = np;
  s->show = muskx__calloc((size_t)nc, sizeof *s->show);
  s->baseline = muskx__calloc((size_t)nc, sizeof *s->baseline);
  s->loss = muskx__calloc((size_t)nc, sizeof *s->loss);
  s->half = muskx__calloc((size_t)nc, sizeof *s->half);
  s->per_phase = muskx__reallocarray(
      NULL, (size_t)nc * (size_t)(np + 1),
      NSTATS_PER_PHASE * sizeof *s->per_phase);
  if (s->show == NULL || s->baseline == NULL || s->loss == NULL ||
      s->half == NULL || s->per_phase == NULL)
    goto nomem;

  for (int c = 0; c < nc; c++) {
    muskx_show how = sc->reports[c].show;
    double x0 = values[c];
    s->show[c] = how;
    s->baseline[c] = x0;
    for (size_t i = 0; i < nrows; i++)
      y[i] = shown(how, values[i * (size_t)nc + (size_t)c], x0);

    double *whole = slot(s, c, -1);
    whole[0] = y[nrows - 1];
    extremes(times, y, nrows, 0, times[nrows - 1], whole);
    for (int p = 0; p < np; p++) {
      double *ps = slot(s, c, p);
      long k = sample_at(times, nrows, sc->phases[p].end);
      ps[0] = k >= 0 ? y[k] : NAN;
      if (k >= 0)
        extremes(times, y, nrows, sc->phases[p].start, sc->phases[p].end, ps);
      else
        ps[1] = ps[2] = ps[3] = ps[4] = NAN;
    }

    s->loss[c] = s->half[c] = NAN;
    int r = sc->recovery_from;
    long k = r >= 0 ? sample_at(times, nrows, sc->phases[r].end) : -1;
    if (k >= 0) {
      double b = y[0], d = y[k] - b, te = times[k];
      s->loss[c] = d;
      int percent = how == MUSKX_SHOW_PCT_CHANGE ||
                    ends_with_pct(sc->reports[c].name);
      if (isfinite(d) &&
          fabs(d) > change_floor(y, nrows, b, x0, percent,
                                 how == MUSKX_SHOW_PCT_CHANGE)) {
        /* q = remaining fraction of the deviation; half recovered at
           q = 1/2. */
        double qprev = 1.0, tprev = te;
        for (size_t i = (size_t)k + 1; i < nrows; i++) {
          double q = (y[i] - b) / d;
          if (q <= 0.5) {
            double t = qprev == q ? times[i]
                                  : tprev + (qprev - 0.5) / (qprev - q) *
                                                (times[i] - tprev);
            s->half[c] = t - te;
            break;
          }
          qprev = q;
          tprev = times[i];
        }
      }
    }
  }
  muskx__free(y);
  *out = s;
  return MUSKX_OK;
nomem:
  muskx__free(y);
  muskx_summary_free(s);
  return MUSKX_ENOMEM;
}

void muskx_summary_free(muskx_summary *s) {
  if (s == NULL) return;
  muskx__free(s->show);
  muskx__free(s->baseline);
  muskx__free(s->per_phase);
  muskx__free(s->loss);
  muskx__free(s->half);
  muskx__free(s);
}

double muskx_summary_get(const muskx_summary *s, muskx_summary_stat what,
                         int col, int phase) {
  if (s == NULL || col < 0 || col >= s->ncols) return NAN;
  switch (what) {
  case MUSKX_SUMMARY_BASELINE: return s->baseline[col];
  case MUSKX_SUMMARY_LOSS: return s->loss[col];
  case MUSKX_SUMMARY_HALF_RECOVERY: return s->half[col];
  case MUSKX_SUMMARY_END:
  case MUSKX_SUMMARY_PEAK:
  case MUSKX_SUMMARY_PEAK_TIME:
  case MUSKX_SUMMARY_TROUGH:
  case MUSKX_SUMMARY_TROUGH_TIME:
    if (phase < -1 || phase >= s->nphases) return NAN;
    return slot(s, col, phase)[what - MUSKX_SUMMARY_END];
  }
  return NAN;
}

double muskx_summary_shown(const muskx_summary *s, int col, double x) {
  if (s == NULL || col < 0 || col >= s->ncols) return NAN;
  return shown(s->show[col], x, s->baseline[col]);
}
