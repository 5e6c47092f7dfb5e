/*
 * fuzz_units.c -- libFuzzer harness for unit strings (lib/unit_parse.c)
 * and the fixed-kind readers built on it (time units, scenario_units.c;
 * dose units, dose_units.c). The input is one unit string, any bytes.
 *
 * Contracts checked (a broken one traps): a refusal leaves a non-empty
 * message and a column inside the text; a unit read has a positive finite
 * scale, powers within +-99, at most MUSKX__UNIT_MAX_WORDS count words,
 * each named and with a non-zero power; it equals itself (ratio 1) and
 * reads the same twice; the time and dose readers agree with the parser.
 *
 * A crash found here becomes a file in tests/fuzz-regressions/units/.
 */
#include <stdio.h>

#include "dose_units.h"
#include "fuzz_common.h"
#include "scenario.h"
#include "unit_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_unit(const muskx__unit *a, const muskx__unit *b) {
  double r = 0;
  return muskx__unit_ratio(a, b, &r) && r == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (text == NULL) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  size_t len = strlen(text); /* the parser stops at the first NUL */
  muskx__unit u, again;
  char msg[320], dim[160];
  int col = -1;
  msg[0] = '\0';
  if (muskx__unit_parse(text, &u, msg, sizeof msg, &col) != 0) {
    FUZZ_REQUIRE(msg[0] != '\0' && memchr(msg, '\0', sizeof msg) != NULL);
    FUZZ_REQUIRE(col >= 0 && (size_t)col <= len);
  } else {
    FUZZ_REQUIRE(u.scale > 0 && isfinite(u.scale));
    for (int i = 0; i < MUSKX__UNIT_NBASE; i++)
      FUZZ_REQUIRE(u.dim[i] >= -99 && u.dim[i] <= 99);
    FUZZ_REQUIRE(u.nwords >= 0 && u.nwords <= MUSKX__UNIT_MAX_WORDS);
    for (int j = 0; j < u.nwords; j++) {
      FUZZ_REQUIRE(memchr(u.words[j].name, '\0', MUSKX__UNIT_WORD_MAX) != NULL);
      FUZZ_REQUIRE(u.words[j].name[0] != '\0' && u.words[j].exp != 0);
    }
    FUZZ_REQUIRE(same_unit(&u, &u));
    FUZZ_REQUIRE(muskx__unit_parse(text, &again, msg, sizeof msg, NULL) == 0);
    FUZZ_REQUIRE(same_unit(&u, &again) && same_unit(&again, &u));
    muskx__unit_dimension(&u, dim, sizeof dim);
    FUZZ_REQUIRE(dim[0] != '\0' && memchr(dim, '\0', sizeof dim) != NULL);
  }
  /* a time unit in days: the parser's scale over 86400 unless the name
     is in the short table (whose values are exact, so within rounding) */
  double days = muskx__sc_model_unit_days(text);
  FUZZ_REQUIRE(days >= 0 && isfinite(days));
  static const int time_dim[MUSKX__UNIT_NBASE] = {1, 0, 0, 0};
  double parsed = len < 256 ? muskx__unit_scale_as(text, len, time_dim) : 0;
  if (parsed > 0) FUZZ_REQUIRE(fabs(days * 86400 / parsed - 1) <= 1e-12);
  /* the dose readers take any bytes with a length, NUL or not */
  muskx__dose_family fam;
  double dose = muskx__dose_unit((const char *)data, size, &fam);
  FUZZ_REQUIRE(dose >= 0 && isfinite(dose));
  FUZZ_REQUIRE((dose == 0) == (fam == MUSKX__DOSE_NONE));
  if (dose > 0) {
    FUZZ_REQUIRE(fabs(muskx__dose_convert(text, text, 0) - 1) <= 1e-12 ||
                 len != size);
    FUZZ_REQUIRE(muskx__dose_convert(text, "g", 180.16) > 0 || len != size);
  }
  free(text);
  return 0;
}
