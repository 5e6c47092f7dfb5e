/*
 * dose_units.c -- dose units and their conversion (dose_units.h).
 */
#include <string.h>

#include "dose_units.h"

typedef struct dose_unit {
  const char *name;
  double size; /* in g or mol */
  muskx__dose_family family;
} dose_unit;

static const dose_unit units[] = {
    {"g", 1.0, MUSKX__DOSE_MASS},
    {"mg", 1e-3, MUSKX__DOSE_MASS},
    {"ug", 1e-6, MUSKX__DOSE_MASS},
    {"\xc2\xb5g", 1e-6, MUSKX__DOSE_MASS}, /* µg */
    {"mcg", 1e-6, MUSKX__DOSE_MASS},
    {"ng", 1e-9, MUSKX__DOSE_MASS},
    {"mol", 1.0, MUSKX__DOSE_AMOUNT},
    {"mmol", 1e-3, MUSKX__DOSE_AMOUNT},
    {"umol", 1e-6, MUSKX__DOSE_AMOUNT},
    {"\xc2\xb5mol", 1e-6, MUSKX__DOSE_AMOUNT}, /* µmol */
    {"nmol", 1e-9, MUSKX__DOSE_AMOUNT},
    {"pmol", 1e-12, MUSKX__DOSE_AMOUNT},
};

double muskx__dose_unit(const char *u, size_t len, muskx__dose_family *family) {
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0) {
      if (family != NULL) *family = units[i].family;
      return units[i].size;
    }
  if (family != NULL) *family = MUSKX__DOSE_NONE;
  return 0;
}

double muskx__dose_convert(const char *from, const char *to,
                           double molar_mass) {
  muskx__dose_family ff, tf;
  double fs = muskx__dose_unit(from, strlen(from), &ff);
  double ts = muskx__dose_unit(to, strlen(to), &tf);
  if (fs == 0 || ts == 0) return 0;
  if (ff == tf) return fs / ts;
  if (!(molar_mass > 0)) return 0;
  /* grams / (g/mol) = mol; mol * (g/mol) = g */
  return ff == MUSKX__DOSE_MASS ? fs / molar_mass / ts : fs * molar_mass / ts;
}
