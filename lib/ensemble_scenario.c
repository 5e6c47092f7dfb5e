/*
 * ensemble_scenario.c -- running each sample of an ensemble as a scenario
 * (muskx_ensemble_set_scenario): a virtual crew member flies the same
 * mission with their own parameters.
 *
 * A sample's values must act where the scenario's own `set` entries act --
 * after muskx_sim_reset() and before the steady state that starts the
 * mission -- or each crew member would start from the default person's
 * baseline. muskx_scenario_set() would do that but changes the shared
 * scenario, so instead each sample applies a private shallow copy of it
 * whose `sets` list is the scenario's followed by the sample's values
 * (later entries win, as muskx_scenario_set() overrides do; the phases'
 * step tables take a name's last entry as their baseline too, session 25:
 * they took the first, so a sample's value of a name the file's set:
 * gives and a phase steps was ignored on the phases without one). The copy
 * shares every other array with the original, read-only: sound because
 * muskx_scenario_apply() only reads its scenario (it takes it const), and
 * the copy is never freed or changed. A sample's non-zero value of a
 * built-in dose parameter (dmab_dose) with a drug entry of that agent is
 * refused, with the reason, as the scenario's set: is.
 */
#include <string.h>

#include "alloc.h"
#include "ensemble.h"
#include "scenario.h"
#include "sim.h"

static muskx_status apply_scenario(const muskx_ensemble *e, muskx_sim *sim,
                                   const double *values) {
  const muskx_scenario *sc = e->scenario;
  /* a built-in dose next to a drug entry of that agent adds up, as in a
     scenario's set: (muskx__sc_builtin_rule; session 28: --vary
     dmab_dose over a denosumab scenario ran every sample double dosed) */
  for (int j = 0; j < e->nvars; j++) {
    char why[MUSKX_ERROR_MESSAGE_MAX];
    if (muskx__sc_builtin_rule(sc, e->vars[j].name, values[j],
                               "an ensemble sample's", 0, 0, why,
                               sizeof why) < 0)
      return muskx__sim_err(sim, MUSKX_EINVAL, "%s", why);
  }
  size_t n = (size_t)sc->nsets + (size_t)e->nvars;
  muskx__sc_set *sets = muskx__calloc(n ? n : 1, sizeof *sets);
  if (sets == NULL)
    return muskx__sim_err(sim, MUSKX_ENOMEM, "out of memory for the sample's "
                          "scenario settings");
  if (sc->nsets > 0) memcpy(sets, sc->sets, (size_t)sc->nsets * sizeof *sets);
  for (int j = 0; j < e->nvars; j++) {
    sets[sc->nsets + j].name = e->vars[j].name;
    sets[sc->nsets + j].value = values[j];
  }
  muskx_scenario copy = *sc;
  copy.sets = sets;
  copy.nsets = (int)n;
  copy.cap_sets = (int)n;
  muskx_status st = muskx_scenario_apply(&copy, sim);
  muskx__free(sets);
  return st;
}

muskx_status muskx_ensemble_set_scenario(muskx_ensemble *e,
                                         const muskx_scenario *sc) {
  if (e == NULL) return MUSKX_EINVAL;
  if (sc == NULL) {
    e->scenario = NULL;
    e->apply = muskx__ens_apply_plain;
  } else {
    if (muskx_scenario_model(sc) != e->m)
      return muskx__ens_err(e, MUSKX_EINVAL,
                            "scenario '%s' is not of the ensemble's model "
                            "(create the ensemble from muskx_scenario_model())",
                            muskx_scenario_id(sc));
    e->scenario = sc;
    e->apply = apply_scenario;
  }
  e->errmsg[0] = '\0';
  return MUSKX_OK;
}

/* 1 when the samples give var v more than one value. */
static int var_varies(const muskx_ensemble *e, const muskx__ens_var *v) {
  if (v->from_table) {
    for (size_t r = 1; r < e->table_rows; r++)
      if (e->table[r * e->ntable + v->table_col] != e->table[v->table_col])
        return 1;
    return 0;
  }
  if (v->dist == MUSKX_DIST_UNIFORM) return v->p2 > v->p1;
  return v->p2 > 0;
}

/* A varied name the scenario also gives (review rev28u H1): a draw would
   replace the scenario's set: value, so the runs would not be of the
   scenario written (a compare line would lie outside its own band), or
   every phase's value would replace the draw (the band collapses onto the
   line; a phase without a value takes the draw as its baseline). A name
   every sample gives the same value is an override, as
   muskx_scenario_set() is: allowed. */
muskx_status muskx__ens_scenario_clash(muskx_ensemble *e) {
  if (e->scenario == NULL) return MUSKX_OK;
  for (int j = 0; j < e->nvars; j++) {
    const muskx__ens_var *v = &e->vars[j];
    char where[256];
    int k;
    if (!var_varies(e, v) ||
        (k = muskx__sc_gives(e->scenario, v->name, where, sizeof where)) == 0)
      continue;
    return muskx__ens_err(
        e, MUSKX_EINVAL,
        "'%s' is varied, but scenario '%s' %s: %s. %s '%s' %s, or stop "
        "varying it",
        v->name, muskx_scenario_id(e->scenario), where,
        k == 1 ? "each sample's value would replace the scenario's, so the "
                 "runs would not be of the scenario as written"
               : "the phases' values replace the samples', which would act "
                 "nowhere",
        k == 1 ? "Drop" : "Leave", v->name,
        k == 1 ? "from the scenario's set: to let it vary"
               : "out of the inputs: of the phases where it should vary");
  }
  return MUSKX_OK;
}
