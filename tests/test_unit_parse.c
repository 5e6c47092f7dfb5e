/*
 * test_unit_parse.c -- the unit parser (lib/unit_parse.c) on input meant
 * to break it: long strings, deep parentheses, huge powers and numbers,
 * non-ASCII bytes. Each is read to the exact unit (SI and calendar facts:
 * a day is 86400 s, a microgram 1e-6 g) or refused with the limit it hit
 * at the column where it hit it; none crashes or takes long (a megabyte
 * is one pass).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unit_parse.h"

/* text reads as dimension dim with scale (in s, g, mol, m). */
static void reads_as(const char *text, const char *dim, double scale) {
  muskx__unit u;
  char msg[320], d[160];
  ck_assert_msg(muskx__unit_parse(text, &u, msg, sizeof msg, NULL) == 0,
                "'%.60s': %s", text, msg);
  muskx__unit_dimension(&u, d, sizeof d);
  ck_assert_msg(strcmp(d, dim) == 0, "'%.60s' is %s, want %s", text, d, dim);
  ck_assert_msg(fabs(u.scale - scale) <= 1e-12 * scale,
                "'%.60s' has scale %.17g, want %.17g", text, u.scale, scale);
}

/* text is refused with a message starting with why, at 1-based column. */
static void refused(const char *text, const char *why, int column) {
  muskx__unit u;
  char msg[320];
  int col = -1;
  ck_assert_msg(muskx__unit_parse(text, &u, msg, sizeof msg, &col) != 0,
                "'%.60s' was read", text);
  ck_assert_msg(strncmp(msg, why, strlen(why)) == 0, "'%.60s': %s", text, msg);
  char at[40];
  snprintf(at, sizeof at, " at column %d of unit", column);
  ck_assert_msg(strstr(msg, at) != NULL, "'%.60s': %s (want column %d)", text,
                msg, column);
}

static char *repeat(const char *head, const char *unit, size_t n,
                    const char *tail) {
  size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
  char *s = malloc(hl + n * ul + tl + 1);
  ck_assert_ptr_nonnull(s);
  memcpy(s, head, hl);
  for (size_t i = 0; i < n; i++) memcpy(s + hl + i * ul, unit, ul);
  memcpy(s + hl + n * ul, tail, tl + 1);
  return s;
}

START_TEST(a_megabyte_of_unit_is_read_in_one_pass) {
  /* 250,000 "d/d*" then d: one day */
  char *s = repeat("", "d/d*", 250000, "d");
  reads_as(s, "time", 86400);
  free(s);
  /* a megabyte of spaces around one unit */
  s = repeat("", " ", 1000000, "mg / L");
  reads_as(s, "mass length^-3", 1);
  free(s);
  /* a 100-fold power of s is beyond the limit of 99 (and of d overflows
     a double first, at d^63) */
  s = repeat("", "s*", 99, "s");
  refused(s, "power too large", 200);
  free(s);
}
END_TEST

START_TEST(parentheses_nest_17_deep_and_no_deeper) {
  char *s = repeat("", "(", 17, "");
  char *t = repeat(s, "d", 1, "");
  char *ok = repeat(t, ")", 17, "");
  reads_as(ok, "time", 86400);
  free(s);
  free(t);
  free(ok);
  s = repeat("", "(", 10000, "d");
  refused(s, "parentheses nested too deep", 18);
  free(s);
  refused("((d)", "expected ')'", 5);
  refused("d)", "unexpected character", 2);
}
END_TEST

START_TEST(huge_powers_and_numbers_are_refused_not_wrapped) {
  reads_as("((s^9)^9)", "time^81", 1);
  refused("(((s^9)^9)^9)", "power too large", 13);
  refused("((d^9)^9)", "unit too large or small", 9); /* 86400^81 > 1e308 */
  refused("d^10", "expected a power 1..9", 3);
  refused("d^-0", "expected a power 1..9", 4);
  refused("d-1", "a power needs '^'", 2);
  reads_as("1e3*g", "mass", 1000);
  reads_as("2.5e-3*mol", "amount", 2.5e-3);
  refused("1e400*g", "number too large", 6);
  refused("1e99999*g", "exponent too large", 6);
  refused("1e-400*g", "a unit's number must be positive", 7);
  refused("0*g", "a unit's number must be positive", 2);
  char *big = repeat("", "9", 400, "*g");
  refused(big, "number too large", 401);
  free(big);
  /* within the exponent of a double, but the product is not */
  refused("1e300*1e300*g", "unit too large or small", 12);
  refused("(pg^9)^9", "unit too large or small", 9);
  /* a subnormal scale (1/1.08e308 s) would lose digits when converted
     to days: refused at 1e-300 (fuzz_units, session 17) */
  refused("second/30/3/3e305/4", "unit too large or small", 18);
  refused("1e-301*s", "unit too large or small", 9);
  reads_as("1e-299*s", "time", 1e-299);
}
END_TEST

START_TEST(non_ascii_words_are_read_or_counted_never_misread) {
  reads_as("\xc2\xb5g", "mass", 1e-6);          /* µg, U+00B5 */
  reads_as("\xc2\xb5mol/L", "amount length^-3", 1e-3);
  /* any other bytes form a word that only equals itself */
  reads_as("\xc2\xb0" "C", "\xc2\xb0" "C", 1);  /* °C */
  reads_as("\xff\xfe", "\xff\xfe", 1);
  refused("\xce\xbcg*%x", "'%' inside a word", 7); /* Greek mu is a word */
  char *w = repeat("", "\xc3\xa9", 16, "");      /* 32 bytes */
  refused(w, "word too long", 33);
  free(w);
  refused("w*x*y*z*q", "too many count words", 10); /* 4 at most */
  refused("", "expected a unit", 1);
  refused("   ", "expected a unit", 4);
  refused(NULL, "expected a unit", 1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("unit_parse");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, a_megabyte_of_unit_is_read_in_one_pass);
  tcase_add_test(tc, parentheses_nest_17_deep_and_no_deeper);
  tcase_add_test(tc, huge_powers_and_numbers_are_refused_not_wrapped);
  tcase_add_test(tc, non_ascii_words_are_read_or_counted_never_misread);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
