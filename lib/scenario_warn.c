/*
 * scenario_warn.c -- a warning about a scenario that loads and runs but
 * probably does not do what its author meant (muskx_scenario_warning()).
 *
 * One case so far: `start: defaults` with `set:` values that move the model
 * off its initial values. The initial values of a model are usually its
 * steady state at the default parameters (the shipped crosstalk model's
 * are the healthy adult's); `set: {postmenopausal: 1}` then makes day 0 a
 * point the model leaves at once, so the run opens with a transient (the
 * onset of the condition) that the author may have taken for the effect of
 * the phases or drugs. The library does not print: the warning is kept on
 * the scenario as a "file:line:col: warning: ..." line for the caller
 * (`muskx run` and `muskx compare` print it on stderr; Python's Scenario
 * issues a RuntimeWarning and keeps it in Scenario.warnings).
 *
 * The test: the right-hand side at the initial values (with the species
 * values `set:` gives), per species, relative to the species' scale
 * (below), with the parameter and input values of `set:` and without. The
 * warning is given when some species then changes faster than RATE_MIN of
 * its scale a day and more than RATE_GAIN times the fastest one without
 * the `set:` values (a model whose initial values are no steady state
 * anyway gets no warning: start: defaults there always opens with a
 * transient, as muskx-scenario(5) says). Only `set:` entries that name a
 * parameter or an input count: an initial value set by name is the start
 * the author asked for.
 *
 * A species' scale is its value, but not below atol_i / rtol, the
 * magnitude under which the solver controls its error absolutely
 * (atol_i = atol + rtol typical, muskx-model(5)): 1e-3 in its unit at the
 * default tolerances, about its `typical:` when it has one. Dividing by
 * the value alone (before session 26: by max(|value|, 1e-12)) made a
 * species at 0 that drifts by 1e-14 a day "change by 1 % a day", and a
 * real drift of a species at 0 an astronomic percentage. A species whose
 * value is below its scale is worded by its absolute rate in its unit.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "model.h"
#include "scenario.h"
#include "sim.h"

/* 1e-6 a day: 0.04 % a year, below any effect a scenario reports. */
#define RATE_MIN 1e-6
#define RATE_GAIN 100.0
/* The magnitude a rate of species i is measured against: its value, not
   below atol_i / rtol (see the top). */
static double scale(const muskx_sim *sim, const double *y, int i) {
  return fmax(fabs(y[i]), muskx__sim_atol(sim, i) / sim->rtol);
}

/* The fastest rate relative to the species' scale (per model time unit)
   over the species that can change, at the initial values sim holds; its
   index in *which. */
static double fastest(muskx_sim *sim, double *y, double *f, int *which) {
  int n = sim->m->nspecies;
  double worst = 0;
  *which = -1;
  muskx__sim_load_values(sim, y);
  if (muskx_sim_eval_rhs(sim, 0.0, y, f, NULL) != MUSKX_OK) return NAN;
  for (int i = 0; i < n; i++) {
    if (sim->p->species_fixed[i]) continue;
    double r = fabs(f[i]) / scale(sim, y, i);
    if (!(r <= worst)) {
      worst = r;
      *which = i;
      /* a NaN rate stays the worst: no finite one after it replaces it */
      if (r != r) break;
    }
  }
  return worst;
}

/* "changes by 1.5 % a day there" for species i; for a species whose
   value is below its scale (about 0), its absolute rate in its unit and
   the scale, unsigned as the relative one (review low26 L6): "changes
   by 0.002 mmol a day from 0 there, against its scale of 0.001 mmol, its
   absolute tolerance over rtol". */
static void word_rate(const muskx_sim *sim, const double *y, const double *f,
                      int i, double per_day, char *buf, size_t size) {
  double s = scale(sim, y, i);
  if (fabs(y[i]) >= s) {
    snprintf(buf, size, "changes by %.3g %% a day there",
             100.0 * fabs(f[i]) / s * per_day);
    return;
  }
  const char *unit = sim->m->species[i].unit;
  const char *sp = unit[0] == '\0' || strcmp(unit, "1") == 0 ? "" : " ";
  if (sp[0] == '\0') unit = "";
  snprintf(buf, size,
           "changes by %.3g%s%s a day from %.3g there, against its scale of "
           "%.3g%s%s, its absolute tolerance over rtol",
           fabs(f[i]) * per_day, sp, unit, y[i], s, sp, unit);
}

/* The set: entries that name a parameter or an input (values 1) or the
   others, initial values (values 0), into sim. */
static muskx_status apply_sets(const muskx_scenario *sc, muskx_sim *sim,
                               int values) {
  for (int i = 0; i < sc->nsets; i++) {
    const char *nm = sc->sets[i].name;
    int value = muskx_model_find(sc->model, MUSKX_PARAMETER, nm) >= 0 ||
                muskx_model_find(sc->model, MUSKX_INPUT, nm) >= 0;
    if (value != values) continue;
    muskx_status st = muskx_sim_set(sim, nm, sc->sets[i].value);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* Whether a later set: entry than i names the same thing (a copy from
   muskx_scenario_run_with() / muskx_scenario_start_warning_with() appends
   entries; later ones win). */
static int set_later(const muskx_scenario *sc, int i) {
  for (int j = i + 1; j < sc->nsets; j++)
    if (strcmp(sc->sets[j].name, sc->sets[i].name) == 0) return 1;
  return 0;
}

/*
 * The second case (review rev28u M4): under start: steady (the default) a
 * species' set: value is only where the steady-state search begins; the
 * run starts at the steady state, so `set: {muscle.M: 0.8}` for a
 * deconditioned crew member silently ran as the healthy one (muscle 0.00
 * after 3 months). Warned when the steady state moves the species off its
 * value AND a second search, from another value of it (2 v + 1), ends at
 * the same point: a boundary species or one no reaction changes keeps its
 * value, and one in a conserved total (or with another steady state in
 * reach) ends elsewhere -- its value counts, no warning (review rev28a M1).
 */
/* The steady state sim reaches from sc's set: values, entry `over` (when
   >= 0) replaced by value, into y (n species). */
static muskx_status steady_from(const muskx_scenario *sc, muskx_sim *sim,
                                int over, double value, double *y, int n) {
  muskx_status st;
  if ((st = muskx_sim_reset(sim)) != MUSKX_OK ||
      (st = muskx__sc_set_tolerances(sc, sim)) != MUSKX_OK ||
      (st = apply_sets(sc, sim, 0)) != MUSKX_OK ||
      (st = apply_sets(sc, sim, 1)) != MUSKX_OK ||
      (over >= 0 &&
       (st = muskx_sim_set(sim, sc->sets[over].name, value)) != MUSKX_OK))
    return st;
  return muskx_sim_steady_state(sim, y, (size_t)n);
}

static void check_steady_species(muskx_scenario *sc) {
  const muskx_model *m = sc->model;
  int first = -1;
  for (int i = 0; i < sc->nsets && first < 0; i++)
    if (!set_later(sc, i) &&
        muskx_model_find(m, MUSKX_SPECIES, sc->sets[i].name) >= 0)
      first = i;
  if (first < 0) return;
  int n = m->nspecies;
  muskx_sim *sim = NULL;
  double *y = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *y), *y2 = NULL;
  if (y == NULL || muskx_sim_create(m, &sim) != MUSKX_OK ||
      steady_from(sc, sim, -1, 0, y, n) != MUSKX_OK)
    goto done; /* the run says why */
  for (int i = first; i < sc->nsets; i++) {
    int k = muskx_model_find(m, MUSKX_SPECIES, sc->sets[i].name);
    if (k < 0 || set_later(sc, i)) continue;
    double v = sc->sets[i].value;
    double tol = 1e-6 * fabs(v) + muskx__sim_atol(sim, k);
    if (fabs(y[k] - v) <= tol) continue;
    /* the same steady state from another start of this species, or the
       value counts after all (a conserved total it belongs to, another
       basin: review rev28a M1, A <-> B with set: {A: 5} was warned) */
    if (y2 == NULL &&
        (y2 = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *y2)) == NULL)
      goto done;
    if (steady_from(sc, sim, i, 2 * v + 1, y2, n) != MUSKX_OK ||
        fabs(y2[k] - y[k]) > 1e-6 * fabs(y[k]) + 10 * tol)
      continue;
    const muskx__sc_set *e = &sc->sets[i];
    char where[MUSKX_ERROR_FILE_MAX + 48];
    if (e->line > 0)
      snprintf(where, sizeof where, "%s:%d:%d: warning: set: %s = %g",
               sc->source ? sc->source : "", e->line, e->col, e->name, v);
    else
      snprintf(where, sizeof where, "%s: warning: %s = %g set over the "
               "scenario", sc->source ? sc->source : "", e->name, v);
    snprintf(sc->warning, sizeof sc->warning,
             "%s is only where the steady-state search starts under start: "
             "steady (the default): the run begins at the steady state, "
             "where %s is %g. To begin at %g, write start: defaults (the "
             "other species then start at the model's initial values); to "
             "move the steady state itself, set a parameter",
             where, e->name, y[k], v);
    break;
  }
done:
  muskx_sim_free(sim);
  muskx__free(y);
  muskx__free(y2);
}

void muskx__sc_check_start(muskx_scenario *sc) {
  const muskx_model *m = sc->model;
  char names[MUSKX_ERROR_MESSAGE_MAX / 2];
  size_t len = 0;
  int nmoved = 0;
  sc->warning[0] = '\0';
  if (sc->start_steady) {
    check_steady_species(sc);
    return;
  }
  names[0] = '\0';
  for (int i = 0; i < sc->nsets; i++) {
    const char *nm = sc->sets[i].name;
    if (set_later(sc, i)) continue; /* the later entry's value counts */
    int k = muskx_model_find(m, MUSKX_PARAMETER, nm);
    muskx_kind kind = MUSKX_PARAMETER;
    if (k < 0) {
      k = muskx_model_find(m, MUSKX_INPUT, nm);
      kind = MUSKX_INPUT;
    }
    if (k < 0 || sc->sets[i].value == muskx_model_default(m, kind, k))
      continue;
    if (len < sizeof names) {
      int w = snprintf(names + len, sizeof names - len, "%s%s = %g",
                       nmoved ? ", " : "", nm, sc->sets[i].value);
      if (w > 0) len += (size_t)w;
    }
    nmoved++;
  }
  if (nmoved == 0) return;

  muskx_sim *sim = NULL;
  int n = m->nspecies;
  double *y = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *y);
  double *f = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *f);
  if (y == NULL || f == NULL || n == 0 ||
      muskx_sim_create(m, &sim) != MUSKX_OK)
    goto done;
  /* the scales at the tolerances the scenario runs with (as
     muskx_scenario_apply() sets them) */
  if (muskx__sc_set_tolerances(sc, sim) != MUSKX_OK) goto done;
  /* r0 at the initial values the scenario sets (species entries of
     set:), r1 with its parameters and inputs on top */
  int w0, w1;
  if (apply_sets(sc, sim, 0) != MUSKX_OK) goto done;
  double r0 = fastest(sim, y, f, &w0);
  if (apply_sets(sc, sim, 1) != MUSKX_OK) goto done;
  double r1 = fastest(sim, y, f, &w1);
  double per_day = sc->model_unit_days > 0 ? 1.0 / sc->model_unit_days : 1.0;
  if (w1 < 0 || !(r0 == r0)) goto done;
  /* a NaN rate (the right-hand side fails at the set values) is left to
     the run's own error, not a warning of "nan %" */
  if (!(r1 == r1) || r1 * per_day <= RATE_MIN || r1 <= RATE_GAIN * r0)
    goto done;
  char rate[MUSKX_ERROR_MESSAGE_MAX / 4];
  word_rate(sim, y, f, w1, per_day, rate, sizeof rate);
  snprintf(sc->warning, sizeof sc->warning,
           "%s:%d:%d: warning: start: defaults begins at the model's initial "
           "values, which are not a steady state with set: %s%s (species "
           "'%s' %s): the run opens with a "
           "transient towards the steady state of those values, as at the "
           "onset of the condition, on top of what the phases and drugs do. "
           "Leave out 'start' (start: steady, the default) to begin at that "
           "steady state",
           sc->source ? sc->source : "", sc->start_line, sc->start_col, names,
           len >= sizeof names ? ", ..." : "",
           muskx_model_name_at(m, MUSKX_SPECIES, w1), rate);
done:
  muskx_sim_free(sim);
  muskx__free(y);
  muskx__free(f);
}

int muskx_scenario_warning_count(const muskx_scenario *sc) {
  if (sc == NULL) return 0;
  return (sc->warning[0] != '\0') + (sc->until_warning[0] != '\0') +
         (sc->end_warning[0] != '\0') + (sc->builtin_warning[0] != '\0') +
         (sc->bio_warning[0] != '\0');
}

/* The start warning first, then the until: one, then the last day's, the
   built-in dose's and the long form's bioavailability. */
const char *muskx_scenario_warning(const muskx_scenario *sc, int index) {
  if (sc == NULL || index < 0) return NULL;
  const char *w[5] = {sc->warning, sc->until_warning, sc->end_warning,
                      sc->builtin_warning, sc->bio_warning};
  for (int i = 0; i < 5; i++)
    if (w[i][0] != '\0' && index-- == 0) return w[i];
  return NULL;
}
