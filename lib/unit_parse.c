/*
 * unit_parse.c -- unit strings to dimension and scale (unit_parse.h).
 * UDUNITS-2 was measured for this and not used: its parser keeps its state
 * in globals (utin, uttext, utlval: two threads loading models would
 * race), its error handler is process-wide and prints to stderr by
 * default, and it does not know pM, mM, M or count words (cells) that the
 * shipped models use. The grammar here is small enough to read whole.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "unit_parse.h"

typedef struct named_unit {
  const char *name;
  double scale;
  int dim[MUSKX__UNIT_NBASE]; /* time, mass, amount, length */
  int prefixable;
} named_unit;

#define DAY 86400.0
/* keeps nested powers ((d^9)^9)^9... far from int overflow */
#define MAX_POWER 99
static const named_unit named[] = {
    {"s", 1, {1, 0, 0, 0}, 1},          {"sec", 1, {1, 0, 0, 0}, 0},
    {"second", 1, {1, 0, 0, 0}, 0},     {"seconds", 1, {1, 0, 0, 0}, 0},
    {"secs", 1, {1, 0, 0, 0}, 0},       {"msec", 1e-3, {1, 0, 0, 0}, 0},
    {"millisecond", 1e-3, {1, 0, 0, 0}, 0},
    {"milliseconds", 1e-3, {1, 0, 0, 0}, 0},
    {"min", 60, {1, 0, 0, 0}, 0},       {"mins", 60, {1, 0, 0, 0}, 0},       {"minute", 60, {1, 0, 0, 0}, 0},
    {"minutes", 60, {1, 0, 0, 0}, 0},   {"h", 3600, {1, 0, 0, 0}, 0},
    {"hr", 3600, {1, 0, 0, 0}, 0},      {"hrs", 3600, {1, 0, 0, 0}, 0},      {"hour", 3600, {1, 0, 0, 0}, 0},
    {"hours", 3600, {1, 0, 0, 0}, 0},   {"d", DAY, {1, 0, 0, 0}, 0},
    {"day", DAY, {1, 0, 0, 0}, 0},      {"days", DAY, {1, 0, 0, 0}, 0},
    {"wk", 7 * DAY, {1, 0, 0, 0}, 0},   {"wks", 7 * DAY, {1, 0, 0, 0}, 0},   {"week", 7 * DAY, {1, 0, 0, 0}, 0},
    {"weeks", 7 * DAY, {1, 0, 0, 0}, 0},
    /* a month is 365.25/12 days and a year 365.25 days, as in scenarios
       (scenario.c) and time_unit (scenario_units.c) */
    {"month", 30.4375 * DAY, {1, 0, 0, 0}, 0},
    {"months", 30.4375 * DAY, {1, 0, 0, 0}, 0},
    {"yr", 365.25 * DAY, {1, 0, 0, 0}, 0},
    {"yrs", 365.25 * DAY, {1, 0, 0, 0}, 0},
    {"year", 365.25 * DAY, {1, 0, 0, 0}, 0},
    {"years", 365.25 * DAY, {1, 0, 0, 0}, 0},
    {"g", 1, {0, 1, 0, 0}, 1},          {"mcg", 1e-6, {0, 1, 0, 0}, 0},
    {"mol", 1, {0, 0, 1, 0}, 1},        {"m", 1, {0, 0, 0, 1}, 1},
    {"L", 1e-3, {0, 0, 0, 3}, 1},       {"l", 1e-3, {0, 0, 0, 3}, 1},
    /* SBML's unit kinds, which imported models may carry (sbml_import) */
    {"gram", 1, {0, 1, 0, 0}, 0},       {"mole", 1, {0, 0, 1, 0}, 0},
    {"metre", 1, {0, 0, 0, 1}, 0},      {"meter", 1, {0, 0, 0, 1}, 0},
    {"litre", 1e-3, {0, 0, 0, 3}, 0},   {"liter", 1e-3, {0, 0, 0, 3}, 0},
    {"M", 1e3, {0, 0, 1, -3}, 1}, /* molar: mol/L */
    {"N", 1e3, {-2, 1, 0, 1}, 1}, /* newton: kg m / s^2 */
    {"%", 0.01, {0, 0, 0, 0}, 0},       {"percent", 0.01, {0, 0, 0, 0}, 0},
    {"dimensionless", 1, {0, 0, 0, 0}, 0},
};

static const struct {
  const char *name;
  double scale;
} prefixes[] = {{"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9},      {"u", 1e-6},
                {"\xc2\xb5", 1e-6},         {"m", 1e-3},      {"c", 1e-2},
                {"d", 1e-1},  {"k", 1e3}};

typedef struct parser {
  const char *s, *p;
  char *msg;
  size_t size;
  int failed;
} parser;

static int fail(parser *ps, const char *what) {
  if (!ps->failed && ps->msg != NULL && ps->size > 0)
    snprintf(ps->msg, ps->size, "%s at column %d of unit '%.200s'", what,
             (int)(ps->p - ps->s) + 1, ps->s);
  ps->failed = 1;
  return -1;
}

static void skip_space(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static const named_unit *find(const char *w, size_t n) {
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
    if (strlen(named[i].name) == n && memcmp(named[i].name, w, n) == 0)
      return &named[i];
  return NULL;
}

static void set_named(muskx__unit *u, const named_unit *nu, double prefix) {
  memset(u, 0, sizeof *u);
  u->scale = nu->scale * prefix;
  memcpy(u->dim, nu->dim, sizeof u->dim);
}

/* A word: a named unit, a prefixed one, or a count of its own kind. */
static int word(parser *ps, muskx__unit *u) {
  const char *w = ps->p;
  while (*ps->p == '%' || *ps->p == '_' || (unsigned char)*ps->p >= 0x80 ||
         (*ps->p >= 'a' && *ps->p <= 'z') || (*ps->p >= 'A' && *ps->p <= 'Z'))
    ps->p++;
  size_t n = (size_t)(ps->p - w);
  if (n == 0) return fail(ps, "expected a unit");
  const named_unit *nu = find(w, n);
  if (nu != NULL) {
    set_named(u, nu, 1);
    return 0;
  }
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t pl = strlen(prefixes[i].name);
    if (pl < n && memcmp(prefixes[i].name, w, pl) == 0 &&
        (nu = find(w + pl, n - pl)) != NULL && nu->prefixable) {
      set_named(u, nu, prefixes[i].scale);
      return 0;
    }
  }
  if (memchr(w, '%', n) != NULL) return fail(ps, "'%' inside a word");
  /* "cells" is "cell": a plural of a count word */
  if (n > 3 && w[n - 1] == 's') n--;
  if (n >= MUSKX__UNIT_WORD_MAX) return fail(ps, "word too long");
  memset(u, 0, sizeof *u);
  u->scale = 1;
  u->nwords = 1;
  memcpy(u->words[0].name, w, n);
  u->words[0].exp = 1;
  return 0;
}

/* A positive number: digits, a fraction, an exponent ("1e3"). Read by
   hand: strtod would follow the host program's locale (decimal comma). */
static int number(parser *ps, muskx__unit *u) {
  double x = 0, place = 1;
  int digits = 0, seen_point = 0;
  for (;; ps->p++) {
    if (*ps->p >= '0' && *ps->p <= '9') {
      digits++;
      if (seen_point) x += (place /= 10) * (*ps->p - '0');
      else x = 10 * x + (*ps->p - '0');
    } else if (*ps->p == '.' && !seen_point) {
      seen_point = 1;
    } else {
      break;
    }
  }
  if (digits == 0) return fail(ps, "bad number");
  if ((*ps->p == 'e' || *ps->p == 'E') &&
      ((ps->p[1] >= '0' && ps->p[1] <= '9') ||
       ((ps->p[1] == '-' || ps->p[1] == '+') && ps->p[2] >= '0' && ps->p[2] <= '9'))) {
    ps->p++;
    int sign = *ps->p == '-' ? -1 : 1, e = 0;
    if (*ps->p == '-' || *ps->p == '+') ps->p++;
    while (*ps->p >= '0' && *ps->p <= '9' && e < 400) e = 10 * e + (*ps->p++ - '0');
    if (*ps->p >= '0' && *ps->p <= '9') return fail(ps, "exponent too large");
    x *= pow(10, sign * e);
  }
  if (!isfinite(x)) return fail(ps, "number too large");
  if (!(x > 0)) return fail(ps, "a unit's number must be positive (0, or below 1e-308)");
  memset(u, 0, sizeof *u);
  u->scale = x;
  return 0;
}

/* u := u * v^sign */
static int combine(parser *ps, muskx__unit *u, const muskx__unit *v, int sign) {
  u->scale = sign > 0 ? u->scale * v->scale : u->scale / v->scale;
  for (int i = 0; i < MUSKX__UNIT_NBASE; i++) u->dim[i] += sign * v->dim[i];
  for (int j = 0; j < v->nwords; j++) {
    int k = 0;
    while (k < u->nwords && strcmp(u->words[k].name, v->words[j].name) != 0) k++;
    if (k == u->nwords) {
      if (k == MUSKX__UNIT_MAX_WORDS) return fail(ps, "too many count words");
      memcpy(u->words[k].name, v->words[j].name, sizeof u->words[k].name);
      u->words[k].exp = 0;
      u->nwords++;
    }
    u->words[k].exp += sign * v->words[j].exp;
  }
  int kept = 0; /* drop words whose exponent became 0 */
  for (int k = 0; k < u->nwords; k++) {
    if (u->words[k].exp > MAX_POWER || u->words[k].exp < -MAX_POWER)
      return fail(ps, "power too large");
    if (u->words[k].exp != 0) u->words[kept++] = u->words[k];
  }
  u->nwords = kept;
  for (int i = 0; i < MUSKX__UNIT_NBASE; i++)
    if (u->dim[i] > MAX_POWER || u->dim[i] < -MAX_POWER)
      return fail(ps, "power too large");
  /* within 1e-300..1e300, so that converting it (to days, to grams...)
     stays in normal doubles and keeps its 16 digits; no real unit is
     near either end */
  if (!(u->scale >= 1e-300 && u->scale <= 1e300)) return fail(ps, "unit too large or small");
  return 0;
}

static int product(parser *ps, muskx__unit *u, int depth);

static int factor(parser *ps, muskx__unit *u, int depth) {
  skip_space(ps);
  int st;
  if (*ps->p == '(') {
    if (depth > 16) return fail(ps, "parentheses nested too deep");
    ps->p++;
    if ((st = product(ps, u, depth + 1)) != 0) return st;
    skip_space(ps);
    if (*ps->p != ')') return fail(ps, "expected ')'");
    ps->p++;
  } else if ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.') {
    if ((st = number(ps, u)) != 0) return st;
  } else if ((st = word(ps, u)) != 0) {
    return st;
  }
  skip_space(ps);
  if (*ps->p != '^') return 0;
  ps->p++;
  int sign = 1;
  if (*ps->p == '-' || *ps->p == '+') sign = *ps->p++ == '-' ? -1 : 1;
  if (!(*ps->p >= '1' && *ps->p <= '9') || (ps->p[1] >= '0' && ps->p[1] <= '9'))
    return fail(ps, "expected a power 1..9 after '^'");
  int e = sign * (*ps->p++ - '0');
  muskx__unit base = *u;
  memset(u, 0, sizeof *u);
  u->scale = 1;
  for (int i = 0; i < (e < 0 ? -e : e); i++)
    if ((st = combine(ps, u, &base, e < 0 ? -1 : 1)) != 0) return st;
  return 0;
}

static int product(parser *ps, muskx__unit *u, int depth) {
  int st;
  if ((st = factor(ps, u, depth)) != 0) return st;
  for (;;) {
    skip_space(ps);
    if (*ps->p != '*' && *ps->p != '/') return 0;
    int sign = *ps->p++ == '*' ? 1 : -1;
    muskx__unit v;
    if ((st = factor(ps, &v, depth)) != 0 || (st = combine(ps, u, &v, sign)) != 0)
      return st;
  }
}

int muskx__unit_parse(const char *text, muskx__unit *u, char *msg, size_t size,
                      int *col) {
  if (text == NULL) text = ""; /* refused below as "expected a unit" */
  parser ps = {text, text, msg, size, 0};
  int st = product(&ps, u, 0);
  skip_space(&ps);
  if (st == 0 && *ps.p != '\0')
    st = fail(&ps, *ps.p == '-' ? "a power needs '^' (d^-1, not d-1)"
                                : "unexpected character");
  if (col != NULL) *col = (int)(ps.p - text);
  return st;
}

int muskx__unit_ratio(const muskx__unit *a, const muskx__unit *b, double *ratio) {
  if (memcmp(a->dim, b->dim, sizeof a->dim) != 0 || a->nwords != b->nwords)
    return 0;
  for (int j = 0; j < a->nwords; j++) {
    int k = 0;
    while (k < b->nwords && strcmp(a->words[j].name, b->words[k].name) != 0) k++;
    if (k == b->nwords || a->words[j].exp != b->words[k].exp) return 0;
  }
  *ratio = a->scale / b->scale;
  return 1;
}

void muskx__unit_dimension(const muskx__unit *u, char *buf, size_t size) {
  static const char *const base[] = {"time", "mass", "amount", "length"};
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < MUSKX__UNIT_NBASE + u->nwords; i++) {
    const char *name = i < MUSKX__UNIT_NBASE ? base[i]
                                             : u->words[i - MUSKX__UNIT_NBASE].name;
    int e = i < MUSKX__UNIT_NBASE ? u->dim[i] : u->words[i - MUSKX__UNIT_NBASE].exp;
    if (e == 0 || used >= size) continue;
    int n = e == 1 ? snprintf(buf + used, size - used, "%s%s", used ? " " : "", name)
                   : snprintf(buf + used, size - used, "%s%s^%d", used ? " " : "",
                              name, e);
    if (n > 0) used += (size_t)n;
  }
  if (used == 0) snprintf(buf, size, "1");
}

double muskx__unit_scale_as(const char *text, size_t len,
                            const int want[MUSKX__UNIT_NBASE]) {
  char buf[256], msg[8];
  muskx__unit u;
  if (text == NULL || len >= sizeof buf || memchr(text, '\0', len) != NULL)
    return 0;
  memcpy(buf, text, len);
  buf[len] = '\0';
  if (muskx__unit_parse(buf, &u, msg, sizeof msg, NULL) != 0 || u.nwords != 0 ||
      memcmp(u.dim, want, sizeof u.dim) != 0)
    return 0;
  return u.scale;
}
