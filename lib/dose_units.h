/*
 * dose_units.h -- the mass and amount-of-substance units a drug dose may be
 * written in (g, mg, ug, ng; mol, mmol, umol, nmol, pmol), shared by the
 * model's `agents:` declarations (load_agents.c) and the scenario's drug
 * entries (scenario.c, scenario_drug.c).
 */
#ifndef MUSKX_DOSE_UNITS_H
#define MUSKX_DOSE_UNITS_H

#include <stddef.h>

typedef enum {
  MUSKX__DOSE_NONE = 0, /* not a dose unit */
  MUSKX__DOSE_MASS,     /* grams */
  MUSKX__DOSE_AMOUNT    /* moles */
} muskx__dose_family;

/* The unit's size in grams or moles and its family; 0 and DOSE_NONE for a
   word that is not a dose unit. u need not be NUL-terminated. Besides the
   list below, any mass or amount the unit parser reads (kg, fmol). */
double muskx__dose_unit(const char *u, size_t len, muskx__dose_family *family);

/* The i-th usual spelling of a dose unit (kg, g, mg, ug, µg, μg, mcg, ng,
   mol, mmol, umol, µmol, μmol, nmol, pmol), NULL past the last, and how
   many there are: the candidates of a scenario's "did you mean". */
const char *muskx__dose_unit_word(int i);
int muskx__dose_unit_words(void);

/*
 * How many `to` make one `from`: within a family by the units' sizes,
 * across families through molar_mass (g/mol; 0: unknown, which refuses the
 * crossing). 0 when either word is not a dose unit or they cannot be
 * converted.
 */
double muskx__dose_convert(const char *from, const char *to, double molar_mass);

/* The usual dose units, for messages. */
#define MUSKX__DOSE_UNIT_LIST \
  "g, mg, ug, ng, mol, mmol, umol, nmol, pmol, or another mass or amount"

#endif
