/*
 * sim_finite.c -- a non-finite value in an output row is an error, not
 * data (issue 16, Medium 7; muskx-model(5) says so): the run stops at the
 * row, naming the time, the column and, for an output, its expression.
 * The rows before it were computed and stay valid. Output times that a
 * solver cannot step to (beyond +-1e250, or a denormal distance from the
 * time before) are refused before the run (Medium 9 and 15). Also the NaN
 * that fills the output columns a run does not evaluate (sim_outputs.c).
 */
#include <math.h>

/* The row scans below are worth vectorizing (issue 19: a crew member
   records 580 rows); GCC's -O2 cost model leaves loops of unknown trip
   count scalar. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

#include "expr.h"
#include "sim.h"
#include "wide.h"

muskx_status muskx__sim_check_times(muskx_sim *s, const double *times,
                                    size_t n) {
  for (size_t k = 0; k < n; k++) {
    double t = times[k];
    if (fabs(t) > MUSKX__MAX_TIME)
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "output time %zu (%g) is beyond +-%g, the largest "
                            "time a run accepts", k, t, MUSKX__MAX_TIME);
    if (k == 0) continue;
    double gap = t - times[k - 1];
    double scale = fabs(t) > 1 ? fabs(t) : 1;
    if (gap > 0 && gap < MUSKX__MIN_TIME_GAP * scale)
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "output time %zu (%g) is only %g after the one "
                            "before: closer than the time resolution of a run "
                            "(%g, relative above 1)", k, t, gap,
                            MUSKX__MIN_TIME_GAP);
  }
  return MUSKX_OK;
}

/* "NaN", "inf" or "-inf" (printf's "-nan" says nothing more). */
static const char *nonfinite_word(double v) {
  return isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf";
}

/* Is any of v[0..n) infinite or NaN? x - x is +0 for a finite x and NaN
   otherwise, so a sum of them is 0 exactly when all are finite, in any
   order: four running sums the compiler turns into one vector add. */
static WIDE int any_nonfinite(const double *v, int n) {
  double acc[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; k++) acc[k] += v[i + k] - v[i + k];
  double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; i++) sum += v[i] - v[i];
  return sum != 0.0;
}

static WIDE void fill_nan(double *v, int n) {
  for (int i = 0; i < n; i++) v[i] = NAN;
}

/* The WIDE kernels stay static: GCC gives a target_clones function's
   resolver default visibility whatever -fvisibility says, so an extern
   one would leak from libmuskx.so (scripts/check-exports.sh). */
int muskx__any_nonfinite(const double *v, int n) { return any_nonfinite(v, n); }

void muskx__sim_fill_nan(double *v, int n) { fill_nan(v, n); }

static muskx_status species_error(muskx_sim *s, double t, int i, double v) {
  s->fail_time = t;
  return muskx__sim_err(s, MUSKX_ENONFINITE, "t=%g: species '%s' is %s (not "
                        "finite)", t, s->m->species[i].name, nonfinite_word(v));
}

static muskx_status output_error(muskx_sim *s, double t, int k, double v) {
  const muskx_model *m = s->m;
  const muskx__named_expr *o = &m->outputs[k];
  char text[256];
  muskx__expr_print(o->expr, text, sizeof text);
  s->fail_time = t;
  return muskx__sim_err(s, MUSKX_ENONFINITE,
                        "t=%g: output '%s' is %s (not finite): %s (%s:%d:%d)",
                        t, o->name, nonfinite_word(v), text,
                        o->loc.file ? o->loc.file : m->source,
                        o->expr ? o->expr->line : o->loc.line,
                        o->expr ? o->expr->col : o->loc.col);
}

/* A row of columns chosen with muskx_sim_select() holds those columns
   only, in their order (sim_columns.c). */
static muskx_status check_selected(muskx_sim *s, double t, const double *row) {
  if (!any_nonfinite(row, s->ncolumns)) return MUSKX_OK;
  for (int j = 0; j < s->ncolumns; j++) {
    if (isfinite(row[j])) continue;
    int index, kind = muskx__sim_column_kind(s, j, &index);
    if (kind == MUSKX_SPECIES) return species_error(s, t, index, row[j]);
    if (kind == MUSKX_OUTPUT) return output_error(s, t, index, row[j]);
    s->fail_time = t;
    return muskx__sim_err(s, MUSKX_ENONFINITE, "t=%g: column '%s' is %s (not "
                          "finite)", t, muskx_sim_column_name(s, j),
                          nonfinite_word(row[j]));
  }
  return MUSKX_OK;
}

muskx_status muskx__sim_check_row(muskx_sim *s, double t, const double *row) {
  if (s->ncolumns > 0) return check_selected(s, t, row);
  const muskx_model *m = s->m;
  int n = m->nspecies;
  /* the species, and the outputs when all were evaluated, at once */
  if (!any_nonfinite(row, s->have_out_keep ? n : n + m->noutputs)) {
    if (!s->have_out_keep) return MUSKX_OK;
    int bad = 0;
    for (int j = 0; j < s->out_keep.nresults; j++)
      bad |= !isfinite(row[n + s->out_keep_idx[j]]);
    if (!bad) return MUSKX_OK;
  }
  /* the slow scan names the first non-finite value */
  for (int i = 0; i < n; i++)
    if (!isfinite(row[i])) return species_error(s, t, i, row[i]);
  /* with only some outputs evaluated (sim_outputs.c), only those: the
     others are NaN by design, not by failure */
  int nk = s->have_out_keep ? s->out_keep.nresults : m->noutputs;
  for (int j = 0; j < nk; j++) {
    int k = s->have_out_keep ? s->out_keep_idx[j] : j;
    if (!isfinite(row[n + k])) return output_error(s, t, k, row[n + k]);
  }
  return MUSKX_OK;
}
