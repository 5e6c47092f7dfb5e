/*
 * dose_units.c -- dose units and their conversion (dose_units.h). The
 * table holds the usual spellings; any other is read by the unit parser
 * (kg, fmol, 1e-3 mg), which also gives its exact size. Both micro
 * characters are doses here (muskx-scenario(5) lists them): the micro
 * sign U+00B5, which the unit parser also reads as a prefix, and the
 * Greek mu U+03BC (Greek keyboards, NFKC), which it keeps as a word.
 */
#include <string.h>

#include "dose_units.h"
#include "unit_parse.h"

typedef struct dose_unit {
  const char *name;
  double size; /* in g or mol */
  muskx__dose_family family;
} dose_unit;

static const dose_unit units[] = {
    {"kg", 1e3, MUSKX__DOSE_MASS},
    {"g", 1.0, MUSKX__DOSE_MASS},
    {"mg", 1e-3, MUSKX__DOSE_MASS},
    {"ug", 1e-6, MUSKX__DOSE_MASS},
    {"\xc2\xb5g", 1e-6, MUSKX__DOSE_MASS}, /* µg, micro sign U+00B5 */
    {"\xce\xbcg", 1e-6, MUSKX__DOSE_MASS}, /* μg, Greek mu U+03BC */
    {"mcg", 1e-6, MUSKX__DOSE_MASS},
    {"ng", 1e-9, MUSKX__DOSE_MASS},
    {"mol", 1.0, MUSKX__DOSE_AMOUNT},
    {"mmol", 1e-3, MUSKX__DOSE_AMOUNT},
    {"umol", 1e-6, MUSKX__DOSE_AMOUNT},
    {"\xc2\xb5mol", 1e-6, MUSKX__DOSE_AMOUNT}, /* µmol */
    {"\xce\xbcmol", 1e-6, MUSKX__DOSE_AMOUNT}, /* μmol, Greek mu */
    {"nmol", 1e-9, MUSKX__DOSE_AMOUNT},
    {"pmol", 1e-12, MUSKX__DOSE_AMOUNT},
};

double muskx__dose_unit(const char *u, size_t len, muskx__dose_family *family) {
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0) {
      if (family != NULL) *family = units[i].family;
      return units[i].size;
    }
  static const int mass[MUSKX__UNIT_NBASE] = {0, 1, 0, 0};
  static const int amount[MUSKX__UNIT_NBASE] = {0, 0, 1, 0};
  double size = muskx__unit_scale_as(u, len, mass);
  muskx__dose_family f = MUSKX__DOSE_MASS;
  if (size == 0) {
    size = muskx__unit_scale_as(u, len, amount);
    f = size > 0 ? MUSKX__DOSE_AMOUNT : MUSKX__DOSE_NONE;
  }
  if (family != NULL) *family = f;
  return size;
}

const char *muskx__dose_unit_word(int i) {
  int n = (int)(sizeof units / sizeof units[0]);
  return i >= 0 && i < n ? units[i].name : NULL;
}

int muskx__dose_unit_words(void) {
  return (int)(sizeof units / sizeof units[0]);
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
