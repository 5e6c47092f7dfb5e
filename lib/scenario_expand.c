/*
 * scenario_expand.c -- a loaded scenario onto a simulation: settings, the
 * baseline steady state, one step table per input, doses; the sample times
 * of a run and the run itself.
 *
 * Order matters and is fixed (muskx-scenario(5), RUNNING): reset, tolerances,
 * `set` values, steady state with every input at its baseline (the
 * pre-mission state: phases apply from t = 0 on), then input tables and
 * doses. Tables are built after the steady state so that it never sees the
 * first phase's values; a flight that starts at t = 0 still starts from
 * the Earth baseline.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "scenario.h"
#include "sim.h"
#include "vm.h"

/*
 * The value parameter p has in sim after the scenario's `set` values: its
 * own set value, or its expression over the parameters before it, which a
 * set may have changed (an imported module's F bound to the outer F).
 * Computed as muskx__sim_load_values does at the start of a run.
 */
static double param_value(muskx_sim *s, int p) {
  const muskx__program *pr = s->p;
  double *R = s->R;
  for (int i = 0; i <= p; i++) {
    double v;
    if (s->param_set[i]) {
      v = s->param_user[i];
    } else {
      muskx__vm_run(&pr->init_param[i], R);
      v = R[pr->init_param[i].results[0]];
    }
    R[pr->reg_param0 + i] = v;
  }
  return R[pr->reg_param0 + p];
}

muskx_status muskx__sc_set_tolerances(const muskx_scenario *sc,
                                      muskx_sim *sim) {
  if (!(sc->rtol > 0 || sc->atol > 0)) return MUSKX_OK;
  return muskx_sim_set_tolerances(sim, sc->rtol > 0 ? sc->rtol : sim->rtol,
                                  sc->atol > 0 ? sc->atol : sim->atol);
}

muskx_status muskx_scenario_apply(const muskx_scenario *sc, muskx_sim *sim) {
  muskx_status st;
  if (sim == NULL) return MUSKX_EINVAL;
  if (sc == NULL)
    return muskx__sim_err(sim, MUSKX_EINVAL, "no scenario given");
  if (sim->m != sc->model)
    return muskx__sim_err(sim, MUSKX_EINVAL,
                          "the simulation is not of scenario '%s''s model "
                          "(create it from muskx_scenario_model())", sc->id);
  if ((st = muskx_sim_reset(sim)) != MUSKX_OK) return st;
  if ((st = muskx__sc_set_tolerances(sc, sim)) != MUSKX_OK) return st;
  for (int i = 0; i < sc->nsets; i++)
    if ((st = muskx_sim_set(sim, sc->sets[i].name, sc->sets[i].value)) !=
        MUSKX_OK)
      return st;
  if (sc->start_steady &&
      (st = muskx_sim_steady_state(sim, NULL, 0)) != MUSKX_OK)
    return st;

  /* One step table per input: a row at each phase start. */
  int n = sc->nphases;
  double *times = muskx__calloc((size_t)n, sizeof *times);
  double *values = muskx__calloc((size_t)n, sizeof *values);
  if (times == NULL || values == NULL) {
    muskx__free(times);
    muskx__free(values);
    return muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
  }
  for (int p = 0; p < n; p++)
    times[p] = muskx__sc_to_model_time(sc, sc->phases[p].start);
  st = MUSKX_OK;
  for (int i = 0; i < sc->ninputs && st == MUSKX_OK; i++) {
    const muskx__sc_input *tb = &sc->inputs[i];
    double base = muskx__sc_input_baseline(sc, tb->input);
    for (int p = 0; p < n; p++)
      values[p] = tb->explicit_[p] ? tb->values[p] : base;
    st = muskx_sim_set_input_table(
        sim, muskx_model_name_at(sc->model, MUSKX_INPUT, tb->input), times,
        values, (size_t)n, MUSKX_INTERP_STEP);
  }
  muskx__free(times);
  muskx__free(values);
  if (st != MUSKX_OK || (st = muskx__sc_apply_params(sc, sim)) != MUSKX_OK)
    return st;

  for (int i = 0; i < sc->ndoses; i++) {
    const muskx__sc_dose *d = &sc->doses[i];
    double f = d->f_param >= 0 ? param_value(sim, d->f_param) : d->f_number;
    if (!(f > 0 && f <= 1))
      return muskx__sim_err(sim, MUSKX_EINVAL,
                            "bioavailability '%s' of the dose of '%s' is %g; "
                            "it must be in (0, 1]",
                            muskx_model_name_at(sc->model, MUSKX_PARAMETER,
                                                d->f_param),
                            d->target, f);
    if ((st = muskx_sim_add_dose(sim, d->target, muskx__sc_to_model_time(sc, d->t0),
                                 d->amount * f, muskx__sc_to_model_time(sc, d->every),
                                 d->count)) != MUSKX_OK)
      return st;
  }
  sim->scenario_start = 1;
  return MUSKX_OK;
}

/*
 * Writes the sample times into t (when not NULL) and returns their number:
 * k*dt for k = 0, 1, ... merged with the phase boundaries. A grid time
 * after 0 within a millionth of dt of a boundary is replaced by the
 * boundary, so that "30 d" sampled every "1 d" gives exactly 31 rows, not
 * 32; time 0 is always the first.
 */
static size_t sample_times(const muskx_scenario *sc, double *t, size_t cap) {
  double dt = sc->dt, eps = 1e-6 * dt;
  double t_end = sc->phases[sc->nphases - 1].end;
  size_t n = 0;
  int p = 0; /* next boundary: the end of phase p */
  for (size_t k = 0;; k++) {
    double g = (double)k * dt;
    /* Boundaries strictly before the grid time go first. */
    while (p < sc->nphases && sc->phases[p].end < g - eps) {
      if (t != NULL && n < cap) t[n] = sc->phases[p].end;
      n++;
      p++;
    }
    if (g > t_end + eps) break;
    /* Never grid time 0 (k = 0): day 0 is always the first sample, also
       when the first phase ends within eps of it (duration: 1e-9 d had
       made the first sample 1e-9, and the run failed at set-up). */
    if (k > 0 && p < sc->nphases && fabs(sc->phases[p].end - g) <= eps) {
      g = sc->phases[p].end;
      p++;
    }
    if (t != NULL && n < cap) t[n] = g;
    n++;
  }
  return n;
}

size_t muskx_scenario_sample_times(const muskx_scenario *sc, double *times,
                                   size_t n) {
  if (sc == NULL) return 0;
  return sample_times(sc, times, times ? n : 0);
}

/*
 * After a run failed in the step after sample done - 1: when one of the
 * scenario's doses is given in that step, adds to the message which one
 * and where it is written (review rev27u M8: dose: 1e308 mg failed with
 * "step size fell to 0" and nothing said it was the dose). times are in
 * the model's unit, as the doses are after muskx__sc_to_model_time().
 */
static void name_dose_in_failed_step(const muskx_scenario *sc, muskx_sim *sim,
                                     muskx_status st, const double *times,
                                     size_t n, size_t done) {
  if (n == 0) return;
  double lo = times[done > 0 ? done - 1 : 0];
  double hi = times[done < n ? done : n - 1];
  for (int i = 0; i < sc->ndoses; i++) {
    const muskx__sc_dose *d = &sc->doses[i];
    double t0 = muskx__sc_to_model_time(sc, d->t0);
    double every = muskx__sc_to_model_time(sc, d->every);
    double k = 0;
    if (d->count > 1 && every > 0 && lo > t0) k = ceil((lo - t0) / every);
    double t = t0 + k * every;
    if (k >= d->count || t < lo || t > hi) continue;
    char msg[MUSKX_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", muskx_sim_errmsg(sim));
    muskx__sim_err(sim, st,
                   "%s; the scenario's dose '%s' (%s:%d:%d, into '%s') is "
                   "given in that step, at day %g: is it the amount meant?",
                   msg, d->text, sc->source ? sc->source : "", d->line, d->col,
                   d->target, d->t0 + k * d->every);
    return;
  }
}

muskx_status muskx_scenario_run(const muskx_scenario *sc, muskx_sim *sim,
                                double *out, size_t nrows, size_t *rows_done) {
  if (rows_done != NULL) *rows_done = 0;
  if (sim == NULL) return MUSKX_EINVAL;
  if (sc == NULL || (out == NULL && nrows > 0))
    return muskx__sim_err(sim, MUSKX_EINVAL, "no scenario or output buffer");
  size_t n = sample_times(sc, NULL, 0);
  if (nrows != n)
    return muskx__sim_err(sim, MUSKX_EINVAL,
                          "scenario '%s' has %zu sample times, not %zu", sc->id,
                          n, nrows);
  muskx_status st = muskx_scenario_apply(sc, sim);
  if (st != MUSKX_OK) return st;
  int ncols = muskx_sim_ncols(sim);
  double *times = muskx__calloc(n, sizeof *times);
  double *rows = muskx__reallocarray(NULL, n, (size_t)ncols * sizeof *rows);
  if (times == NULL || rows == NULL) {
    muskx__free(times);
    muskx__free(rows);
    return muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory");
  }
  sample_times(sc, times, n);
  for (size_t k = 0; k < n; k++) times[k] = muskx__sc_to_model_time(sc, times[k]);
  size_t done = 0;
  st = muskx_sim_run(sim, times, n, rows, &done);
  if (st != MUSKX_OK && st != MUSKX_ENOMEM)
    name_dose_in_failed_step(sc, sim, st, times, n, done);
  /* Copy the reported columns of the rows computed, also after a failure
     (the message stays on sim). */
  for (size_t r = 0; r < done; r++)
    for (int c = 0; c < sc->nreports; c++)
      out[r * (size_t)sc->nreports + (size_t)c] =
          rows[r * (size_t)ncols + (size_t)sc->reports[c].column];
  if (rows_done != NULL) *rows_done = done;
  muskx__free(times);
  muskx__free(rows);
  return st;
}
