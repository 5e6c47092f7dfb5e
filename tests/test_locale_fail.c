/*
 * test_locale_fail.c -- muskx_scenario_set() when the C locale cannot be
 * entered (low23, review 22's Low finding).
 *
 * The scenario's start warning is recomputed by muskx_scenario_set() with
 * its numbers in the C locale (lib/numlocale.c: newlocale + uselocale).
 * When newlocale() failed, the warning used to be cleared and the call
 * returned MUSKX_OK: a scenario whose start: defaults opens with a
 * transient then said nothing. Now the call fails with ENOMEM and a
 * message, sets nothing, and the warning stays.
 *
 * newlocale() is made to fail by defining it here: the test binary links
 * libmuskx.a statically, so lib/numlocale.c calls this definition, which
 * forwards to the C library's (dlsym RTLD_NEXT) until fail_newlocale is
 * set.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define SCN(f) "tests/scenarios/" f

static int fail_newlocale; /* this test's own switch, one thread */

locale_t newlocale(int mask, const char *name, locale_t base) {
  if (fail_newlocale) {
    errno = ENOMEM;
    return (locale_t)0;
  }
  locale_t (*real)(int, const char *, locale_t);
  *(void **)&real = dlsym(RTLD_NEXT, "newlocale");
  return real != NULL ? real(mask, name, base) : (locale_t)0;
}

/* start_defaults_set.yaml warns (set: shift = 0.1, 0.5 % a day: see
   test_scenario.c); a set that fails to enter the locale keeps it. */
START_TEST(a_set_that_cannot_enter_the_c_locale_fails_and_keeps_the_warning) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_set.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  fail_newlocale = 1;
  muskx_status st = muskx_scenario_set(sc, "shift", 0.2);
  fail_newlocale = 0;
  ck_assert_int_eq(st, MUSKX_ENOMEM);
  const char *msg = muskx_scenario_errmsg(sc);
  ck_assert_msg(strstr(msg, "cannot set 'shift'") != NULL &&
                    strstr(msg, "C locale") != NULL &&
                    strstr(msg, "unchanged") != NULL,
                "message: %s", msg);
  /* the warning of before, for shift = 0.1, and no shift = 0.2 */
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "set: shift = 0.1 ("));
  /* the locale back: the same call succeeds and rewarns for 0.2; at the
     default (0) the warning goes, as test_scenario.c checks */
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 0.2), MUSKX_OK);
  ck_assert_str_eq(muskx_scenario_errmsg(sc), "");
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "set: shift = 0.2 ("));
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  /* a failed set of 0.3 now leaves no warning behind either: unchanged */
  fail_newlocale = 1;
  st = muskx_scenario_set(sc, "shift", 0.3);
  fail_newlocale = 0;
  ck_assert_int_eq(st, MUSKX_ENOMEM);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  muskx_scenario_free(sc);
}
END_TEST

int main(void) {
  Suite *s = suite_create("locale_fail");
  TCase *tc = tcase_create("scenario_set");
  tcase_add_test(tc, a_set_that_cannot_enter_the_c_locale_fails_and_keeps_the_warning);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
