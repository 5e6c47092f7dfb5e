/*
 * testdoses.h -- the dose table a scenario puts on a simulation, checked
 * against a want-table worked out by hand (test_agents.c,
 * test_scenario.c). Header-only, like testutil.h; needs check.h, muskx.h
 * and sim.h (muskx__dose) included first.
 *
 * A row says where a dose goes (species), when (t0, days of the model's
 * time unit), how much (amount, in the species' unit, bioavailability
 * included) and how often (every, checked only when count > 1; count, not
 * checked when 0). Tolerances: t_tol absolute on t0 and every; amount_rel
 * relative on the amount (absolute below 1).
 */
#ifndef MUSKX_TESTDOSES_H
#define MUSKX_TESTDOSES_H

#include <math.h>

typedef struct tu_dose_want {
  const char *species;
  double t0, amount, every;
  int count;
} tu_dose_want;

static inline void tu_check_dose(const muskx_model *m, const muskx__dose *d,
                                 const tu_dose_want *w, double t_tol,
                          double amount_rel, const char *what, int row) {
  ck_assert_msg(d->species == muskx_model_find(m, MUSKX_SPECIES, w->species),
                "%s row %d: dose into species %d, want %s", what, row,
                d->species, w->species);
  ck_assert_msg(fabs(d->t0 - w->t0) <= t_tol, "%s row %d: t0 %.17g, want %.17g",
                what, row, d->t0, w->t0);
  ck_assert_msg(fabs(d->amount - w->amount) <=
                    amount_rel * fmax(1.0, fabs(w->amount)),
                "%s row %d: amount %.17g, want %.17g", what, row, d->amount,
                w->amount);
  if (w->count > 0)
    ck_assert_msg(d->count == w->count, "%s row %d: count %ld, want %d", what,
                  row, d->count, w->count);
  if (w->count > 1)
    ck_assert_msg(fabs(d->every - w->every) <= t_tol,
                  "%s row %d: every %.17g, want %.17g", what, row, d->every,
                  w->every);
}

/* sim's doses are exactly want[0 .. n-1], in order. */
static inline void tu_check_doses(const muskx_sim *sim, const muskx_model *m,
                           const tu_dose_want *want, int n, double t_tol,
                           double amount_rel, const char *what) {
  ck_assert_msg(sim->ndoses == n, "%s: %d dose entries, want %d", what,
                sim->ndoses, n);
  for (int i = 0; i < n; i++)
    tu_check_dose(m, &sim->doses[i], &want[i], t_tol, amount_rel, what, i);
}

/* Exactly one of sim's dose entries goes into want->species, and it is
   want (a scenario with doses into other species too). */
static inline void tu_check_dose_into(const muskx_sim *sim, const muskx_model *m,
                               const tu_dose_want *want, double t_tol,
                               double amount_rel, const char *what) {
  int sp = muskx_model_find(m, MUSKX_SPECIES, want->species), found = 0;
  ck_assert_msg(sp >= 0, "%s: no species %s", what, want->species);
  for (int k = 0; k < sim->ndoses; k++)
    if (sim->doses[k].species == sp) {
      found++;
      tu_check_dose(m, &sim->doses[k], want, t_tol, amount_rel, what, k);
    }
  ck_assert_msg(found == 1, "%s: %d dose entries into %s", what, found,
                want->species);
}

#endif
