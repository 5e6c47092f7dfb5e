/*
 * scenario_every.c -- a drug entry's `every:` in the words prescribers
 * write (muskx-scenario(5), the table under Schedule): "weekly", "every 2
 * weeks", "Q6M", "twice daily", "every other day", "6 mo". What reads two
 * ways is refused, with both readings:
 *
 *  - biweekly, bimonthly, biannual(ly), biennial(ly): every 2 weeks /
 *    months / years or twice a week / month / year (dictionaries give
 *    both; biennial is often meant for biannual);
 *  - "2 weekly", "6-monthly": every 2 weeks or twice weekly;
 *  - QD and QOD (and q.d., q.o.d.): on the Joint Commission's official
 *    "Do Not Use" list (2004), because each is misread as the other (and
 *    QD as QID, four times a day);
 *  - "m" after a number: minutes or months (after Q, as in Q6M, it is a
 *    prescription's month for Q1M, Q2M, Q3M, Q4M, Q6M and Q12M; q15m,
 *    q30m are nursing's minutes, so other numbers are refused);
 *  - q.5w: a separator or a bare decimal point.
 *
 * A minus sign before a number is refused (every -2 weeks). Matching is
 * on ASCII letters in any case, with '_' and a '-' that joins two words
 * or a number and a word (twice-weekly, 6-monthly) as blanks and runs of
 * blanks as one; in the Q forms and b.i.d. the dots around letters are
 * dropped (q.6.m.), a decimal point between digits stays (Q1.5D).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "scenario.h"
#include "textcase.h"

#define MONTH MUSKX__SC_MONTH
#define YEAR MUSKX__SC_YEAR

typedef struct every_word {
  const char *word;
  double days;
} every_word;

/* Whole spellings of one interval. */
static const every_word words[] = {
    {"hourly", 1.0 / 24},        {"daily", 1},
    {"weekly", 7},               {"fortnightly", 14},
    {"monthly", MONTH},          {"quarterly", 3 * MONTH},
    {"semiannually", YEAR / 2},  {"semiannual", YEAR / 2},
    {"semi annually", YEAR / 2}, {"semi annual", YEAR / 2},
    {"half yearly", YEAR / 2},
    {"yearly", YEAR},            {"annually", YEAR},
    {"annual", YEAR},            {"bid", 0.5},
    {"tid", 1.0 / 3},            {"qid", 0.25},
    {NULL, 0},
};

/* Per-period words after once / twice / thrice / N times. */
static const every_word periods[] = {
    {"daily", 1},        {"a day", 1},        {"per day", 1},
    {"weekly", 7},       {"a week", 7},       {"per week", 7},
    {"monthly", MONTH},  {"a month", MONTH},  {"per month", MONTH},
    {"yearly", YEAR},    {"a year", YEAR},    {"per year", YEAR},
    {"annually", YEAR},  {NULL, 0},
};

/* Time unit words after "every", a number or Q: the scenario's units and
   the abbreviations prescriptions use. "m" only after Q (see above). */
static const every_word units[] = {
    {"h", 1.0 / 24},    {"hr", 1.0 / 24}, {"hrs", 1.0 / 24},
    {"hour", 1.0 / 24}, {"hours", 1.0 / 24},
    {"d", 1},           {"day", 1},       {"days", 1},
    {"w", 7},           {"wk", 7},        {"wks", 7},
    {"week", 7},        {"weeks", 7},
    {"mo", MONTH},      {"mos", MONTH},   {"month", MONTH},
    {"months", MONTH},
    {"y", YEAR},        {"yr", YEAR},     {"yrs", YEAR},
    {"year", YEAR},     {"years", YEAR},
    {NULL, 0},
};

static double lookup(const every_word *t, const char *w) {
  for (; t->word != NULL; t++)
    if (strcmp(t->word, w) == 0) return t->days;
  return 0;
}

/* "N UNIT" or "UNIT" (N = 1), the whole of s; days or 0. */
static double count_unit(const char *s) {
  double n = 1;
  if (isdigit((unsigned char)*s) || *s == '.') {
    char *end;
    n = muskx__decimal_strtod(s, &end);
    if (end == s || !(n > 0)) return 0;
    s = end;
    while (*s == ' ') s++;
  }
  double u = lookup(units, s);
  return u > 0 ? n * u : 0;
}

double muskx__sc_time_word(const char *unit) {
  char w[16];
  size_t n = strlen(unit);
  if (n == 0 || n >= sizeof w) return 0;
  for (size_t i = 0; i <= n; i++) w[i] = muskx__ascii_lower(unit[i]);
  return lookup(units, w);
}

const char *muskx__sc_near_time_word(const char *unit, int *smaller) {
  /* the spelled words, singular only among the units: with both forms
     'monts' would be as near to month as to months, no suggestion (a
     typo of d, wk or mo is too short to guess from). The decoys are no
     scenario unit (review low26: mints got 'month', 40,000 times too
     long; jours, French days, got 'hour'): one as near as a unit leaves
     no suggestion (mnts: mins and month). The exact ones count only as
     written: secs would tie weks, jour every ?our, with their unit. A
     word of 3 letters is taken within 1 edit (wek: week, dys: day, as
     muskx__sc_near_word() does), a shorter one only when it is one. */
  enum { SMALLER = 5, JOUR = 6 };
  static const struct {
    const char *word;
    int group; /* 0-4: the unit words[group]; SMALLER; JOUR */
    int exact;
  } words[] = {
      {"hour", 0, 0},         {"day", 1, 0},           {"week", 2, 0},
      {"month", 3, 0},        {"year", 4, 0},          {"min", SMALLER, 0},
      {"mins", SMALLER, 0},   {"minute", SMALLER, 0},  {"sec", SMALLER, 0},
      {"second", SMALLER, 0}, {"minutes", SMALLER, 1}, {"secs", SMALLER, 1},
      {"seconds", SMALLER, 1}, {"jour", JOUR, 1},      {"jours", JOUR, 1},
      /* the abbreviations, so that their typos (mons, mths, hirs) are
         not left to the 3-letter decoys (review rev26c) */
      {"hrs", 0, 0},          {"wks", 2, 0},           {"mos", 3, 0},
      {"mon", 3, 0},          {"mons", 3, 0},          {"mth", 3, 0},
      {"mths", 3, 0},         {"yrs", 4, 0},           {"days", 1, 0},
  };
  char w[16];
  size_t n = strlen(unit);
  *smaller = 0;
  if (n == 0 || n >= sizeof w) return NULL;
  for (size_t i = 0; i <= n; i++) w[i] = muskx__ascii_lower(unit[i]);
  int best = 3, group = -1, tie = 0;
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    int d = muskx__sc_edit_distance(w, words[k].word);
    if (d > 0 && (n < 3 || words[k].exact || (n == 3 && d > 1))) continue;
    if (d < best) best = d, group = words[k].group, tie = 0;
    else if (d == best && words[k].group != group) tie = 1;
  }
  if (best > 2 || tie || group == JOUR) return NULL;
  if (group == SMALLER) {
    *smaller = 1;
    return NULL;
  }
  return words[group].word;
}

/* Whether s is a unit word of the Q forms: units[] or m (a month). */
static int q_unit(const char *s) {
  while (*s == ' ') s++;
  return strcmp(s, "m") == 0 || lookup(units, s) > 0;
}

/* After the Q of text (r, lower case, the dots around letters dropped):
   a number strtod() reads and the decimal grammar refuses, which the
   refusal of whole words (decimal.h) does not see glued to the Q --
   Q0x10D, q0X1P3W, QinfD, Qnan W. The same refusal, with the number
   split from its unit (0x10d would be 0x10d = 269 to strtod, but the D
   is the unit), in why; 1, else 0. */
static int q_nondecimal(const char *text, const char *r, char *why,
                        size_t size) {
  static const char *const words[] = {"infinity", "inf", "nan", NULL};
  for (int i = 0; words[i] != NULL; i++) {
    size_t l = strlen(words[i]);
    if (strncmp(r, words[i], l) == 0 && q_unit(r + l)) {
      snprintf(why, size,
               "'%s': '%.*s' is not a finite number: write a decimal number "
               "(e.g. Q2W)", text, (int)l, r);
      return 1;
    }
  }
  if (!(r[0] == '0' && r[1] == 'x')) return 0;
  if (q_unit(r + 2)) { /* Q0xD, Q0x.D, q0x d: the D is the unit, not a
                          hexadecimal digit (review rev24a: '0xd' (13)) */
    snprintf(why, size,
             "'%s': '0x' has no number before the unit (and a hexadecimal "
             "number is refused anyway): write a decimal number and a unit "
             "(e.g. Q2W)",
             text);
    return 1;
  }
  size_t n = strlen(r);
  for (size_t k = 3; k < n; k++) {
    char num[64];
    if (!q_unit(r + k) || k >= sizeof num) continue;
    size_t l = k; /* the number without the blanks before the unit (k
                     itself must not shrink: the loop would not end) */
    memcpy(num, r, l);
    num[l] = '\0';
    while (l > 0 && num[l - 1] == ' ') num[--l] = '\0';
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (end == num || *end != '\0') continue;
    const char *u = r + k + strspn(r + k, " ");
    char unit[2] = {muskx__ascii_upper(u[0]), '\0'};
    if (errno == ERANGE || !isfinite(v))
      snprintf(why, size,
               "'%s': '%s' is a hexadecimal number out of the range of a "
               "double: write a decimal number", text, num);
    else /* Q16D, Q16 days */
      snprintf(why, size,
               "'%s': '%s' is a hexadecimal number: write it in decimal "
               "(%.15g: Q%.15g%s%s)", text, num, v, v,
               u[1] != '\0' ? " " : "", u[1] != '\0' ? u : unit);
    return 1;
  }
  /* no unit after it: the refusal of the number alone */
  return muskx__decimal_refusal(r, why, size);
}

static const char *period_plural(double base) {
  return base == 1 ? "days" : base == 7 ? "weeks" : base == MONTH ? "months"
                                                                  : "years";
}

int muskx__sc_every_words(const char *text, double *days, char *why,
                          size_t size) {
  char w[64], q[64];
  size_t n = 0;
  const char *first = text + strspn(text, " \t");
  if (*first == '-' || *first == '+') return 0; /* a signed number */
  /* lower case, '-' '_' as blanks, runs of blanks as one, trimmed */
  for (const char *p = text; *p != '\0'; p++) {
    char ch = *p;
    if (ch == '-') {
      /* an exponent's sign (1e-3 d) stays; a '-' that joins two words
         (twice-weekly) or a number and a word (6-monthly) is a blank; a
         minus sign before a number is refused (every -2 weeks); any
         other '-' (weekly -) is no word of the table */
      int exponent = p - text >= 2 && (p[-1] == 'e' || p[-1] == 'E') &&
                     isdigit((unsigned char)p[-2]) &&
                     isdigit((unsigned char)p[1]);
      if (!exponent) {
        int number_next = isdigit((unsigned char)p[1]) || p[1] == '.';
        int blank_before = p == text || p[-1] == ' ' || p[-1] == '\t';
        if (number_next && blank_before) {
          snprintf(why, size,
                   "'%s': an interval has no sign (a minus sign before a "
                   "number); write every: with the number alone",
                   text);
          return -1;
        }
        if (number_next && isdigit((unsigned char)p[-1])) {
          snprintf(why, size,
                   "'%s' is a range (N-M); write one interval, e.g. every: "
                   "4 h",
                   text);
          return -1;
        }
        /* a hyphen joining two words (twice-weekly), a number and a word
           (6-monthly) or a word and a number (every-2-weeks) is a blank;
           any other '-' (weekly -) is no word of the table */
        if (!(p > text && isalnum((unsigned char)p[-1]) &&
              (isalpha((unsigned char)p[1]) ||
               (isalpha((unsigned char)p[-1]) && number_next))))
          return 0;
        ch = ' ';
      }
    }
    if (ch == '_' || ch == '\t') ch = ' ';
    if ((unsigned char)ch >= 0x80) return 0;
    if (ch == ' ' && (n == 0 || w[n - 1] == ' ')) continue;
    if (n + 1 >= sizeof w) return 0;
    w[n++] = muskx__ascii_lower(ch);
  }
  while (n > 0 && w[n - 1] == ' ') n--;
  w[n] = '\0';
  /* a number out of the range of a double (1e400 weekly) is refused here:
     the readings below would say "every inf weeks" */
  for (size_t i = 0; i < n; i++) {
    if (!(isdigit((unsigned char)w[i]) || w[i] == '.') ||
        (i > 0 && (isdigit((unsigned char)w[i - 1]) || w[i - 1] == '.')))
      continue;
    char *end;
    (void)muskx__decimal_strtod(w + i, &end);
    if (end != w + i && errno == ERANGE) {
      snprintf(why, size,
               "'%s': the number '%.*s' is out of the range of a double "
               "(about 1e-308 to 1e308); write an interval such as every: "
               "1 week", text, (int)(end - (w + i)), w + i);
      return -1;
    }
  }
  /* two dots in a row are no separator and no decimal point (q1..5d) */
  if (strstr(w, "..") != NULL) return 0;
  /* the same without the dots around letters, for the Q forms and
     b.i.d. (q.6.m.); a decimal point between two digits stays (Q1.5D) */
  size_t k = 0;
  for (size_t i = 0; i <= n; i++)
    if (w[i] != '.' ||
        (i > 0 && isdigit((unsigned char)w[i - 1]) &&
         isdigit((unsigned char)w[i + 1])))
      q[k++] = w[i];

  /* refused: two readings */
  static const struct {
    const char *word, *a, *b, *note;
  } two[] = {
      {"biweekly", "2 weeks", "3.5 d", "twice a week"},
      {"bi weekly", "2 weeks", "3.5 d", "twice a week"},
      {"bimonthly", "2 months", "15.21875 d", "twice a month"},
      {"bi monthly", "2 months", "15.21875 d", "twice a month"},
      {"biannual", "2 years", "6 months", "twice a year"},
      {"biannually", "2 years", "6 months", "twice a year"},
      {"bi annually", "2 years", "6 months", "twice a year"},
      {"bi annual", "2 years", "6 months", "twice a year"},
      {"biennial", "2 years", "6 months", "twice a year"},
      {"biennially", "2 years", "6 months", "twice a year"},
      {NULL, NULL, NULL, NULL},
  };
  for (int i = 0; two[i].word != NULL; i++)
    if (strcmp(w, two[i].word) == 0) {
      snprintf(why, size,
               "'%s' is read both as every %s and as %s (every %s): write "
               "every: %s or every: %s",
               text, two[i].a, two[i].note, two[i].b, two[i].a, two[i].b);
      return -1;
    }
  if (strcmp(q, "qd") == 0 || strcmp(q, "qod") == 0) {
    int od = q[1] == 'o';
    snprintf(why, size,
             "'%s' (every %s) is on the Joint Commission's \"Do Not Use\" "
             "list: QD and QOD are misread as each other (and QD as QID, "
             "four times a day); write every: %s",
             text, od ? "other day" : "day", od ? "2 d" : "1 d (or daily)");
    return -1;
  }
  {
    char *end;
    double v = muskx__decimal_strtod(w, &end);
    if (end != w && v > 0) {
      while (*end == ' ') end++;
      double base = lookup(periods, end);
      if (base > 0 && v == 1 && strncmp(end, "a ", 2) != 0 &&
          strncmp(end, "per ", 4) != 0) {
        /* 1 weekly: both readings are once a week */
        *days = base;
        return 1;
      }
      if (base > 0 && strncmp(end, "a ", 2) != 0 &&
          strncmp(end, "per ", 4) != 0) {
        snprintf(why, size,
                 "'%s' is read both as every %g %s (every: %g d) and as "
                 "%g times %s (every: %g d): write one of those",
                 text, v, period_plural(base), v * base, v, end, base / v);
        return -1;
      }
      if (strcmp(end, "m") == 0) {
        int q_month = v == 1 || v == 2 || v == 3 || v == 4 || v == 6 ||
                      v == 12; /* the Q<N>M forms accepted below */
        if (q_month)
          snprintf(why, size,
                   "'%s': 'm' is minutes or months; write every: %g months "
                   "(or Q%gM, a prescription's month)", text, v, v);
        else
          snprintf(why, size,
                   "'%s': 'm' is minutes or months; write every: %g months "
                   "or every: %g h", text, v, v / 60);
        return -1;
      }
    }
  }

  double d;
  if ((d = lookup(words, w)) > 0 || (d = lookup(words, q)) > 0) {
    *days = d;
    return 1;
  }
  /* every [other] [N] UNIT */
  if (strncmp(w, "every ", 6) == 0) {
    const char *r = w + 6;
    double mult = 1;
    if (strncmp(r, "other ", 6) == 0) {
      mult = 2;
      r += 6;
      if (isdigit((unsigned char)*r) || *r == '.') return 0;
    }
    if ((d = count_unit(r)) > 0) {
      *days = mult * d;
      return 1;
    }
    return 0;
  }
  /* once / twice / thrice / N times / N x, then a period */
  static const struct {
    const char *word;
    double times;
  } mul[] = {{"once ", 1}, {"twice ", 2}, {"thrice ", 3}, {NULL, 0}};
  for (int i = 0; mul[i].word != NULL; i++) {
    size_t l = strlen(mul[i].word);
    if (strncmp(w, mul[i].word, l) == 0 && (d = lookup(periods, w + l)) > 0) {
      *days = d / mul[i].times;
      return 1;
    }
  }
  {
    char *end;
    double v = muskx__decimal_strtod(w, &end);
    if (end != w && v >= 1 && v <= 24 && v == (double)(long)v) {
      const char *r = end;
      while (*r == ' ') r++;
      if (strncmp(r, "times ", 6) == 0)
        r += 6;
      else if (strncmp(r, "x ", 2) == 0)
        r += 2;
      else
        r = NULL;
      if (r != NULL && (d = lookup(periods, r)) > 0) {
        *days = d / v;
        return 1;
      }
    }
  }
  /* Q forms: q [N] UNIT, m = month */
  if (q[0] == 'q' && q[1] != '\0') {
    const char *r = q + 1;
    double v = 1;
    if (q_nondecimal(text, r, why, size)) return -1;
    if (w[1] == '.' && isdigit((unsigned char)w[2]) &&
        w[2 + strspn(w + 2, "0123456789")] != '.') {
      /* q.5w: a separator (q.5.w.) or a bare decimal point */
      snprintf(why, size,
               "'%s': the '.' before the number is read both as a "
               "separator and as a decimal point; write the number with "
               "its leading zero (Q0.5W) or without the dot (Q5W)",
               text);
      return -1;
    }
    if (isdigit((unsigned char)*r)) {
      char *end;
      v = muskx__decimal_strtod(r, &end);
      r = end;
      while (*r == ' ') r++;
    }
    if (strcmp(r, "min") == 0) {
      snprintf(why, size,
               "'%s': a scenario's times are in h or longer; write every: "
               "%g h", text, v / 60);
      return -1;
    }
    if (strcmp(r, "m") == 0 && v != 1 && v != 2 && v != 3 && v != 4 &&
        v != 6 && v != 12) {
      /* Q6M is a prescription's month; nursing's q15m, q30m are minutes */
      snprintf(why, size,
               "'%s' is read both as every %g months and as every %g "
               "minutes (Q%gM is months only for 1, 2, 3, 4, 6 or 12; a "
               "scenario's times are in h or longer): write every: %g "
               "months or every: %g h",
               text, v, v, v, v, v / 60);
      return -1;
    }
    d = strcmp(r, "m") == 0 ? MONTH : lookup(units, r);
    if (d > 0 && v > 0) {
      *days = v * d;
      return 1;
    }
    return 0;
  }
  /* N UNIT with an abbreviation or in another case: 6 mo, 26 Weeks */
  if ((d = count_unit(w)) > 0) {
    *days = d;
    return 1;
  }
  return 0;
}
