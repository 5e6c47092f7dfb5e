/*
 * scenario.c -- the scenario loader: a muskx-scenario(5) YAML file to a
 * checked struct muskx_scenario (scenario.h), and muskx_scenario_set();
 * the read-only accessors are in scenario_query.c.
 *
 * The file is parsed with the model loader's YAML tree (yamltree.h), so
 * every node has a position and every refusal reads "file:line:col:
 * message". The loader checks each rule of the format where it is written:
 * unknown keys, quantities and their units, phase names and order, and
 * every name against the model it loads first ("model 'spaceflight' has no
 * input 'loadng'"). Countermeasures are expanded here, once: exercise
 * protocols into per-phase input values, drug regimens into doses in the
 * target species' unit. What depends on values a `set` may change (input
 * baselines, a bioavailability parameter) is resolved when applied
 * (scenario_expand.c).
 *
 * On failure nothing is returned and nothing leaks: every partial result
 * hangs off the scenario being built, which is freed whole.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "decimal.h"
#include "error.h"
#include "fileaccess.h"
#include "model.h"
#include "numlocale.h"
#include "scenario.h"
#include "sim.h"
#include "textcase.h"
#include "yamltree.h"

/* The most sessions of one exercise type a day a protocol may give. */
#define MAX_SESSIONS_PER_DAY 3

#define SC_MAX_FILE ((size_t)4 * 1024 * 1024)
/* the words before "NAME = V" in a built-in dose's warning or refusal
   (muskx__sc_builtin_rule) for muskx_scenario_set() (the CLI's --set)
   and the extra sets of muskx_scenario_run_with() */
#define SET_OVER "set over the scenario:"
#define SET_FOR_RUN "set for the run:"
#define SC_MAX_PHASES 1000
#define SC_MAX_ITEMS 10000
/* A regimen of more doses than this is a typo (every: 1 h for years). */
#define SC_MAX_DOSES 100000
/* The longest scenario: a century is plenty for a human. */
#define SC_MAX_DAYS (100 * MUSKX__SC_YEAR)
/* The shortest drug interval, every: (1 minute in days): above the
   resolution of a double at 100 years (about 1.5e-11 d) by far. */
#define SC_MIN_EVERY_DAYS (1.0 / 1440)

typedef struct sc_ctx {
  muskx_scenario *sc;
  const char *file;
  muskx_error *err;
  const muskx__folders *scope; /* the folders the model may come from */
} sc_ctx;

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

static muskx_status fail(sc_ctx *c, const muskx__yaml_node *n, muskx_status st,
                         const char *fmt, ...) MUSKX__PRINTF(4, 5);

static muskx_status fail(sc_ctx *c, const muskx__yaml_node *n, muskx_status st,
                         const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  muskx__loc loc = {c->file, n ? n->line : 0, n ? n->col : 0};
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return muskx__seterr(c->err, st, &loc, "%s", msg);
}

static muskx_status nomem(sc_ctx *c) {
  return muskx__seterr(c->err, MUSKX_ENOMEM, NULL, "out of memory");
}

/* "a mapping", "a list", "nothing" or the quoted text, for "got ...". */
static const char *describe(const muskx__yaml_node *n, char *buf, size_t size) {
  if (n == NULL || muskx__yaml_is_null(n)) return "nothing";
  if (n->kind == MUSKX__YAML_MAP) return "a mapping";
  if (n->kind == MUSKX__YAML_SEQ) return "a list";
  if (n->len > 40)
    snprintf(buf, size, "'%.40s...'", n->text);
  else
    snprintf(buf, size, "'%s'", n->text);
  return buf;
}

/* After an unknown key of a phase, drug or exercise that names a model
   input or parameter, or probably means one (calcium: calcium_intake;
   muskx__sc_near_name), where to give it instead; else "". */
static const char *key_is_a_value(const muskx_model *m, const char *k,
                                  char *buf, size_t size) {
  static const muskx_kind kinds[] = {MUSKX_INPUT, MUSKX_PARAMETER};
  if (m == NULL) return "";
  int exact = muskx_model_find(m, MUSKX_INPUT, k) >= 0 ||
              muskx_model_find(m, MUSKX_PARAMETER, k) >= 0;
  const char *near = exact ? k : muskx__sc_near_name(m, kinds, 2, k);
  if (near == NULL) return "";
  int input = muskx_model_find(m, MUSKX_INPUT, near) >= 0;
  int in_case = !exact && muskx__same_ignoring_case(near, k);
  snprintf(buf, size,
           "; %s the model's %s '%s'%s it is given %s {%s: ...}%s",
           exact     ? "that is"
           : in_case ? "names are case-sensitive: write"
                     : "did you mean",
           input ? "input" : "parameter", near,
           exact ? ":" : in_case ? ";" : "? If so,",
           input ? "in a phase's inputs:" : "in set:", near,
           input ? " (its baseline in set:)" : " (or in a phase's inputs:)");
  return buf;
}

/* The key of allowed that an unknown key k probably means, or NULL: a
   word users write for it (frequency: every, reps: repetitions; only
   when that key is allowed here), else the one allowed key within 2
   edits (durtion: duration). */
static const char *near_key(const char *k, const char *const *allowed) {
  static const struct {
    const char *word, *key;
  } words[] = {
      {"interval", "every"},        {"frequency", "every"},
      {"freq", "every"},            {"period", "every"},
      {"dosage", "dose"},           {"amount", "dose"},
      {"doses", "count"},           {"times", "count"},
      {"repeat", "count"},          {"repeats", "count"},
      {"number", "count"},          {"n", "count"},
      {"end", "until"},             {"stop", "until"},
      {"begin", "start"},           {"at", "start"},
      {"from", "start"},            {"on", "start"},
      {"drug", "agent"},            {"name", "agent"},
      {"medication", "agent"},      {"reps", "repetitions"},
      {"cycles", "repetitions"},
      {"sessions", "sessions_per_week"},
      {"frequency", "sessions_per_week"},
      {"load", "intensity"},
      {"length", "duration"},       {"time", "duration"},
      {"input", "inputs"},          {"phase", "phases"},
      {"output", "outputs"},        {"countermeasure", "countermeasures"},
      {NULL, NULL}};
  for (int i = 0; words[i].word != NULL; i++) {
    if (!muskx__same_ignoring_case(k, words[i].word)) continue;
    for (const char *const *a = allowed; *a != NULL; a++)
      if (strcmp(*a, words[i].key) == 0) return *a;
  }
  return muskx__sc_near_word(k, allowed);
}

/* Refuses a key of map that is not in allowed (NULL-terminated); with
   values set, a key that is a model input or parameter is told where
   those go (key_is_a_value). */
static muskx_status check_keys_of(sc_ctx *c, const muskx__yaml_node *map,
                                  const char *const *allowed,
                                  const char *where, int values) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->text;
    int ok = 0;
    for (const char *const *a = allowed; *a != NULL; a++)
      if (strcmp(k, *a) == 0) ok = 1;
    if (!ok) {
      char list[256] = "";
      size_t used = 0;
      for (const char *const *a = allowed; *a != NULL; a++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         a == allowed ? "" : ", ", *a);
        if (w < 0 || (size_t)w >= sizeof list - used) break;
        used += (size_t)w;
      }
      char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
      /* how long a course lasts (session 24: for: 12 months got no hint;
         until: is inclusive, so until: 12 months of monthly doses from
         day 0 gives 13) */
      static const char *const course[] = {"for", "duration", "length",
                                           "course", "months", "weeks",
                                           "years", "days", NULL};
      int has_count = 0, has_until = 0;
      for (const char *const *a = allowed; *a != NULL; a++) {
        has_count |= strcmp(*a, "count") == 0;
        has_until |= strcmp(*a, "until") == 0;
      }
      for (int j = 0; course[j] != NULL && has_count && has_until; j++)
        if (muskx__same_ignoring_case(k, course[j]))
          return fail(c, map->keys[i], MUSKX_EMODEL,
                      "unknown key '%s' in %s (expected one of: %s): a "
                      "course is given as its number of doses, count: (12 "
                      "monthly doses: every: monthly, count: 12), or as "
                      "until: a phase or a time, which is inclusive (a dose "
                      "that falls on it is given)", k, where, list);
      const char *key = near_key(k, allowed);
      if (key != NULL)
        return fail(c, map->keys[i], MUSKX_EMODEL,
                    "unknown key '%s' in %s (expected one of: %s)%s", k,
                    where, list,
                    muskx__sc_suggest(hint, sizeof hint, k, key, "keys"));
      return fail(c, map->keys[i], MUSKX_EMODEL,
                  "unknown key '%s' in %s (expected one of: %s)%s", k, where,
                  list,
                  values ? key_is_a_value(c->sc->model, k, hint, sizeof hint)
                         : "");
    }
  }
  return MUSKX_OK;
}

static muskx_status check_keys(sc_ctx *c, const muskx__yaml_node *map,
                               const char *const *allowed, const char *where) {
  return check_keys_of(c, map, allowed, where, 0);
}

static muskx_status want_map(sc_ctx *c, const muskx__yaml_node *n,
                             const char *what) {
  char buf[64];
  if (n == NULL || n->kind != MUSKX__YAML_MAP)
    return fail(c, n, MUSKX_EMODEL, "%s must be a mapping, got %s", what,
                describe(n, buf, sizeof buf));
  return MUSKX_OK;
}

static muskx_status want_seq(sc_ctx *c, const muskx__yaml_node *n,
                             const char *what) {
  char buf[64];
  if (n == NULL || n->kind != MUSKX__YAML_SEQ)
    return fail(c, n, MUSKX_EMODEL, "%s must be a list, got %s", what,
                describe(n, buf, sizeof buf));
  if (n->n > SC_MAX_ITEMS)
    return fail(c, n, MUSKX_ELIMIT, "%s has %zu items; at most %d are allowed",
                what, n->n, SC_MAX_ITEMS);
  return MUSKX_OK;
}

static muskx_status want_scalar(sc_ctx *c, const muskx__yaml_node *n,
                                const char *what) {
  char buf[64];
  if (n == NULL || n->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(n))
    return fail(c, n, MUSKX_EMODEL, "%s must be a single value, got %s", what,
                describe(n, buf, sizeof buf));
  return MUSKX_OK;
}

static int is_identifier(const char *s) {
  if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
  for (const char *p = s + 1; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.')) return 0;
  return 1;
}

/* text with '_' for each blank and hyphen ("zoledronic acid":
   zoledronic_acid), in buf; NULL when it does not fit. The one place that
   builds that form, for want_name() and want_agent_name(). */
static const char *underscored(const char *text, char *buf, size_t size) {
  size_t len = strlen(text);
  if (len >= size) return NULL;
  for (size_t i = 0; i <= len; i++)
    buf[i] = text[i] == ' ' || text[i] == '-' ? '_' : text[i];
  return buf;
}

static muskx_status want_name(sc_ctx *c, const muskx__yaml_node *n,
                              const char *what) {
  muskx_status st = want_scalar(c, n, what);
  if (st != MUSKX_OK) return st;
  if (!is_identifier(n->text)) {
    /* "zoledronic acid", "romosozumab-aqqg": the name with '_' for its
       blanks and hyphens, when that is one */
    char alt[128];
    if (underscored(n->text, alt, sizeof alt) != NULL && is_identifier(alt))
      return fail(c, n, MUSKX_EMODEL,
                  "%s must be a name ([A-Za-z_][A-Za-z0-9_.]*), got '%s': "
                  "write '%s'", what, n->text, alt);
    return fail(c, n, MUSKX_EMODEL,
                "%s must be a name ([A-Za-z_][A-Za-z0-9_.]*), got '%s'", what,
                n->text);
  }
  return MUSKX_OK;
}

/* A drug entry's agent: "romosozumab-aqqg", "alendronate sodium" were told
   "write 'romosozumab_aqqg'", which no model declares (review rev27u M4):
   a declared agent that is the text's first word is offered instead, and
   the underscore form only when an agent has that name. */
static muskx_status want_agent_name(sc_ctx *c, const muskx__yaml_node *n) {
  muskx_status st = want_scalar(c, n, "drug agent");
  if (st != MUSKX_OK || is_identifier(n->text)) return st;
  const muskx_model *m = c->sc->model;
  size_t len = strlen(n->text);
  for (int a = 0; a < m->nagents; a++) {
    const char *name = m->agents[a].name;
    size_t k = strlen(name), i = 0;
    while (i < k && i < len &&
           muskx__ascii_lower(name[i]) == muskx__ascii_lower(n->text[i]))
      i++;
    if (i == k && k < len && (n->text[k] == ' ' || n->text[k] == '-'))
      return fail(c, n, MUSKX_EMODEL,
                  "drug agent must be a name ([A-Za-z_][A-Za-z0-9_.]*), got "
                  "'%s': write '%s' (the agent the model declares; a brand, "
                  "salt or suffix is not part of it)", n->text, name);
  }
  char alt[128];
  for (int a = 0; underscored(n->text, alt, sizeof alt) != NULL &&
                  a < m->nagents; a++)
    if (muskx__same_ignoring_case(alt, m->agents[a].name))
      return fail(c, n, MUSKX_EMODEL,
                  "drug agent must be a name ([A-Za-z_][A-Za-z0-9_.]*), "
                  "got '%s': write '%s'", n->text, m->agents[a].name);
  char list[MUSKX_ERROR_MESSAGE_MAX / 2] = "";
  size_t used = 0;
  for (int a = 0; a < m->nagents && used + 1 < sizeof list; a++) {
    int w = snprintf(list + used, sizeof list - used, "%s'%s'",
                     a ? ", " : "", m->agents[a].name);
    if (w < 0) break;
    used += (size_t)w;
  }
  return fail(c, n, MUSKX_EMODEL,
              "drug agent must be a name ([A-Za-z_][A-Za-z0-9_.]*), got "
              "'%s'; the model declares %s%s", n->text,
              m->nagents ? "the agents " : "no agent (give the long form: "
                                           "target: and dose:)",
              list);
}

/* ---------------------------------------------------------------------- */
/* Numbers and quantities                                                  */

/* A number strtod() reads and the decimal grammar refuses (0x10, inf,
   nan: decimal.h), with what to write instead. */
static muskx_status refuse_nondecimal(sc_ctx *c, const muskx__yaml_node *n,
                                      const char *what) {
  char why[MUSKX_ERROR_MESSAGE_MAX / 2];
  if (!muskx__decimal_refusal(n->text, why, sizeof why)) return MUSKX_OK;
  return fail(c, n, MUSKX_EMODEL, "%s: %s", what, why);
}

/* A whole scalar as a finite double. */
static muskx_status get_number(sc_ctx *c, const muskx__yaml_node *n,
                               const char *what, double *out) {
  muskx_status st = want_scalar(c, n, what);
  if (st != MUSKX_OK) return st;
  if ((st = refuse_nondecimal(c, n, what)) != MUSKX_OK) return st;
  char *end;
  double v = muskx__decimal_strtod(n->text, &end);
  if (errno == ENOMEM) return nomem(c); /* a long literal's heap copy */
  if (end == n->text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
    /* set: {postmenopausal: true}: a switch is a number here (review
       rev27u M8) */
    static const char *const yes[] = {"true", "yes", "on", NULL};
    static const char *const no[] = {"false", "no", "off", NULL};
    const char *hint = "";
    for (int k = 0; yes[k] != NULL; k++) {
      if (muskx__same_ignoring_case(n->text, yes[k])) hint = ": write 1 (or 0)";
      if (muskx__same_ignoring_case(n->text, no[k])) hint = ": write 0 (or 1)";
    }
    return fail(c, n, MUSKX_EMODEL, "%s must be a finite number, got '%s'%s",
                what, n->text, hint);
  }
  *out = v;
  return MUSKX_OK;
}

/* Why NUMBER of a quantity could not be read, with an example of what
   `what` takes (a dose is not a time: review rev27u M8 had "drug dose must
   be a number with a unit (e.g. '30 d')"). */
static muskx_status bad_quantity(sc_ctx *c, const muskx__yaml_node *n,
                                 const char *what, int out_of_range) {
  const char *example = strcmp(what, "drug dose") == 0 ? "60 mg" : "30 d";
  if (out_of_range)
    return fail(c, n, MUSKX_EMODEL,
                "%s '%s': the number is beyond what a double holds (about "
                "2.2e-308 to 1.8e308 in size); write a number in that range "
                "with a unit (e.g. '%s')", what, n->text, example);
  /* "６０ mg": full-width or other non-ASCII digits */
  const char *ascii = (unsigned char)n->text[0] >= 0x80
                          ? "; write the digits in ASCII (0-9)" : "";
  return fail(c, n, MUSKX_EMODEL,
              "%s must be a number with a unit (e.g. '%s'), got '%s'%s", what,
              example, n->text, ascii);
}

/* Whether the n characters at u, the denominator of a unit "mg/month",
   are a time: an optional count ("2 weeks") and a time unit, in any case
   or a common abbreviation (wk, mo, yr, ...). Only to word a message. */
static int per_time(const char *u, size_t n) {
  static const char *const words[] = {
      "d",   "day", "days", "h",      "hr",    "hrs",  "hour", "hours",
      "wk",  "wks", "week", "weeks",  "mo",    "mos",  "month",
      "months", "y", "yr",  "yrs",    "year",  "years", NULL};
  while (n > 0 && (isdigit((unsigned char)*u) || *u == '.')) u++, n--;
  while (n > 0 && *u == ' ') u++, n--;
  char w[16];
  if (n >= sizeof w) return 0;
  memcpy(w, u, n);
  w[n] = '\0';
  for (int k = 0; words[k] != NULL; k++)
    if (muskx__same_ignoring_case(w, words[k])) return 1;
  return 0;
}

/*
 * A quantity "NUMBER [UNIT]": the number and the unit word (may be empty),
 * for example "180 d", "6 months", "210 mg", "1.5e2". unit gets at most
 * usize - 1 characters.
 */
static muskx_status get_quantity(sc_ctx *c, const muskx__yaml_node *n,
                                 const char *what, double *value, char *unit,
                                 size_t usize) {
  muskx_status st = want_scalar(c, n, what);
  if (st != MUSKX_OK) return st;
  if ((st = refuse_nondecimal(c, n, what)) != MUSKX_OK) return st;
  char *end;
  double v = muskx__decimal_strtod(n->text, &end);
  if (errno == ENOMEM) return nomem(c); /* a long literal's heap copy */
  if (end == n->text || errno == ERANGE || !isfinite(v))
    return bad_quantity(c, n, what, end != n->text);
  while (*end == ' ') end++;
  size_t ul = strlen(end);
  while (ul > 0 && end[ul - 1] == ' ') ul--;
  for (size_t i = 0; i < ul; i++)
    if (!(isalpha((unsigned char)end[i]) || (unsigned char)end[i] >= 0x80)) {
      if (end[i] == '/' && strcmp(what, "drug dose") == 0) {
        const char *den = end + i + 1;
        size_t dl = ul - i - 1;
        while (dl > 0 && *den == ' ') den++, dl--;
        /* "210 mg/month": a rate, where one administration is meant */
        if (per_time(den, dl))
          return fail(c, n, MUSKX_EMODEL,
                      "drug dose is the amount of one administration, got "
                      "'%s': write it per dose ('%.*s') and how often with "
                      "'every:' (e.g. every: 1 month)", n->text,
                      (int)(end + i - n->text), n->text);
        /* "3 mg/kg": per body weight, where one subject's amount is
           meant (writing '3 mg' would be some 70 times too little) */
        double w = dl == 2 && memcmp(den, "kg", 2) == 0   ? 70
                   : dl == 1 && memcmp(den, "g", 1) == 0 ? 70000
                                                         : 0;
        if (w > 0)
          return fail(c, n, MUSKX_EMODEL,
                      "drug dose is the amount of one administration for "
                      "one subject, got '%s', a dose per body weight: "
                      "multiply it by the subject's weight and write the "
                      "amount (e.g. %g %.*s x %g %.*s = %g %.*s for a 70 kg "
                      "subject)", n->text, v, (int)ul, end, w, (int)dl, den,
                      v * w, (int)i, end);
      }
      return fail(c, n, MUSKX_EMODEL, "%s has a malformed unit in '%s'", what,
                  n->text);
    }
  if (ul >= usize)
    return fail(c, n, MUSKX_EMODEL, "%s has an unknown unit in '%s'", what,
                n->text);
  memcpy(unit, end, ul);
  unit[ul] = '\0';
  *value = v;
  return MUSKX_OK;
}

/* A duration or time: "NUMBER UNIT" with a time unit, in days, >= 0
   (> 0 when positive is set). */
static muskx_status get_days(sc_ctx *c, const muskx__yaml_node *n,
                             const char *what, int positive, double *out) {
  char unit[16];
  double v;
  muskx_status st = get_quantity(c, n, what, &v, unit, sizeof unit);
  if (st != MUSKX_OK) return st;
  if (unit[0] == '\0')
    return fail(c, n, MUSKX_EMODEL,
                "%s needs a time unit (d, day, week, month, year or h), as in "
                "'%s d'", what, n->text);
  /* d, week(s), 6 mo, 26 wks, 6 Months: the one table, scenario_every.c */
  double f = muskx__sc_time_word(unit);
  if (f == 0 && (strcmp(unit, "m") == 0 || strcmp(unit, "M") == 0))
    return fail(c, n, MUSKX_EMODEL,
                "'%s' in %s: 'm' is minutes or months; write '%.*s months' "
                "(or hours as h)", n->text, what,
                (int)strcspn(n->text, " mM"), n->text);
  int smaller = 0;
  const char *near =
      f == 0 ? muskx__sc_near_time_word(unit, &smaller) : NULL;
  if (f == 0 && smaller)
    return fail(c, n, MUSKX_EMODEL,
                "'%s' in %s: minutes and seconds are not a scenario time "
                "unit: write hours (1 h = 60 min), e.g. '0.5 h', or d, week, "
                "month or year", n->text, what);
  char hint[64];
  if (f == 0)
    return fail(c, n, MUSKX_EMODEL,
                "unknown time unit '%s' in %s%s (use d, day(s), week(s) "
                "or wk(s), month(s) or mo(s) = 30.4375 d, year(s) or yr(s) = "
                "365.25 d, or h)", unit, what,
                /* NULL: a time unit is read in any case (Months), so near
                   never differs from unit only in case */
                muskx__sc_suggest(hint, sizeof hint, unit, near, NULL));
  v *= f;
  if (positive ? !(v > 0) : !(v >= 0))
    return fail(c, n, MUSKX_EMODEL, "%s must be %s, got '%s'", what,
                positive ? "positive" : "zero or positive", n->text);
  if (v > SC_MAX_DAYS)
    return fail(c, n, MUSKX_ELIMIT, "%s '%s' is longer than 100 years", what,
                n->text);
  *out = v;
  return MUSKX_OK;
}

/* A drug's `every:`: a time as get_days() reads it, else the words of
   muskx-scenario(5)'s table (scenario_every.c). */
static muskx_status get_every(sc_ctx *c, const muskx__yaml_node *n,
                              double *out) {
  const char *what = "drug interval 'every'";
  char why[MUSKX_ERROR_MESSAGE_MAX / 2];
  double d = 0;
  muskx_status st = want_scalar(c, n, what);
  if (st != MUSKX_OK) return st;
  if ((st = refuse_nondecimal(c, n, what)) != MUSKX_OK) return st;
  char *end;
  (void)muskx__decimal_strtod(n->text, &end);
  if (errno == ENOMEM) return nomem(c); /* a long literal's heap copy */
  int words = muskx__sc_every_words(n->text, &d, why, sizeof why);
  if (words < 0) return fail(c, n, MUSKX_EMODEL, "drug interval 'every': %s", why);
  if (words == 0) {
    if (end == n->text)
      return fail(c, n, MUSKX_EMODEL,
                  "drug interval 'every' must be a time (e.g. '6 months', "
                  "'26 weeks') or a prescription's word (daily, weekly, "
                  "monthly, every 2 weeks, twice daily, Q6M; "
                  "muskx-scenario(5)), got '%s'", n->text);
    if ((st = get_days(c, n, what, 1, &d)) != MUSKX_OK) return st;
  } else {
    if (!(d > 0))
      return fail(c, n, MUSKX_EMODEL, "%s must be positive, got '%s'", what,
                  n->text);
    if (d > SC_MAX_DAYS) /* as get_days() */
      return fail(c, n, MUSKX_ELIMIT, "%s '%s' is longer than 100 years",
                  what, n->text);
  }
  /* doses closer than a minute are no schedule, and below about 1e-11 d
     two doses at a time of up to 100 years fall on the same double and
     the solver fails (every: 1e-300 d failed inside CVODE): refused here,
     at its line */
  if (d < SC_MIN_EVERY_DAYS)
    return fail(c, n, MUSKX_EMODEL,
                "%s '%s' is shorter than 1 minute (%.4g d), the shortest "
                "interval between doses a scenario takes: write an interval "
                "of at least 1 minute (e.g. every: 1 h), or give the doses "
                "as one dose of their total amount (count: 1)",
                what, n->text, SC_MIN_EVERY_DAYS);
  *out = d;
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Model names                                                             */

static char *dup_or_nomem(sc_ctx *c, const char *s, muskx_status *st) {
  char *d = muskx__strdup(s);
  if (d == NULL) *st = nomem(c);
  return d;
}

static muskx_status need_name(sc_ctx *c, const muskx__yaml_node *n,
                              muskx_kind kind, const char *kind_word,
                              int *index) {
  int i = muskx_model_find(c->sc->model, kind, n->text);
  if (i < 0)
    return fail(c, n, MUSKX_ENOTFOUND, "model '%s' has no %s '%s'",
                muskx_model_id(c->sc->model), kind_word, n->text);
  *index = i;
  return MUSKX_OK;
}

static int find_phase(const muskx_scenario *sc, const char *name) {
  for (int i = 0; i < sc->nphases; i++)
    if (strcmp(sc->phases[i].name, name) == 0) return i;
  return -1;
}

static const char *phase_name(const void *sc, int i) {
  return ((const muskx_scenario *)sc)->phases[i].name;
}

static muskx_status need_phase(sc_ctx *c, const muskx__yaml_node *n,
                               int *index) {
  muskx_status st = want_name(c, n, "a phase");
  if (st != MUSKX_OK) return st;
  int p = find_phase(c->sc, n->text);
  if (p < 0) {
    /* the phases, for a name guessed from the mission ('landing') */
    char list[400];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; i < c->sc->nphases; i++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                       c->sc->phases[i].name);
      if (w < 0 || (size_t)w >= sizeof list - used) {
        snprintf(list + (used < sizeof list - 4 ? used : sizeof list - 4), 4,
                 "...");
        break;
      }
      used += (size_t)w;
    }
    /* the one phase in another case (PRE, Pre: pre; names are
       case-sensitive), else the one a typo probably means */
    char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
    const char *near = muskx__sc_near_in(n->text, c->sc->nphases,
                                         phase_name, c->sc);
    return fail(c, n, MUSKX_EMODEL,
                "no phase named '%s' in this scenario%s (its phases: %s)",
                n->text,
                muskx__sc_suggest(hint, sizeof hint, n->text, near, "names"),
                list);
  }
  *index = p;
  return MUSKX_OK;
}

/* The n characters at s, blanks around them dropped, as a time "NUMBER
   UNIT" in days (any unit get_days() reads), or -1. Only to word a
   message. */
static double quiet_days(const char *s, size_t n) {
  char buf[64], *end;
  while (n > 0 && *s == ' ') s++, n--;
  while (n > 0 && s[n - 1] == ' ') n--;
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  double v = muskx__decimal_strtod(buf, &end);
  if (end == buf || !(v >= 0) || errno != 0) return -1;
  while (*end == ' ') end++;
  double f = muskx__sc_time_word(end);
  return f > 0 && isfinite(v * f) ? v * f : -1;
}

/* The n characters at s, blanks around them dropped, as the index of a
   phase of the scenario, or -1. */
static int quiet_phase(const muskx_scenario *sc, const char *s, size_t n) {
  char buf[128];
  while (n > 0 && *s == ' ') s++, n--;
  while (n > 0 && s[n - 1] == ' ') n--;
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return find_phase(sc, buf);
}

/* A time written relative to a phase, which a scenario does not read --
   "flight - 14 d", "preflight + 16 d" (the phase as the key reads a
   phase name: its start, or for until: its end), "2 weeks before
   flight" (its start), "3 d after flight" (its end) -- or a negative one
   ("-14 d", meant before a phase): what to write instead, the day, in
   why (session 24: "2 weeks before flight" got "malformed unit",
   "flight - 14 d" a bare "is a phase name or a time"); 1, else 0. */
static int relative_when(const muskx_scenario *sc, const char *text,
                         const char *what, int at_end, char *why,
                         size_t size) {
  const char *t = text + strspn(text, " ");
  if (t[0] == '-' && (isdigit((unsigned char)t[1]) || t[1] == '.') &&
      sc->nphases > 0) {
    char list[300];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; i < sc->nphases && used < sizeof list; i++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s %g",
                       i ? ", " : "", sc->phases[i].name, sc->phases[i].start);
      if (w < 0) break;
      used += (size_t)w;
    }
    snprintf(why, size,
             "%s counts from day 0, the start of the first phase '%s', so "
             "it is never negative, got '%s': write the day (phases start "
             "on days: %s)",
             what, sc->phases[0].name, text, list);
    return 1;
  }
  double q = -1, sign = 0;
  int p = -1, end = at_end; /* a phase's end, else its start */
  const char *mid;
  size_t len = strlen(text);
  if ((mid = strstr(text, " before ")) != NULL ||
      (mid = strstr(text, " after ")) != NULL) {
    int before = mid[1] == 'b';
    size_t w = before ? 8 : 7;
    q = quiet_days(text, (size_t)(mid - text));
    p = quiet_phase(sc, mid + w, len - (size_t)(mid - text) - w);
    sign = before ? -1 : 1;
    end = !before; /* before a phase: its start; after it: its end */
  } else {
    for (const char *x = text + 1; *x != '\0' && p < 0; x++) {
      if (*x != '+' && *x != '-') continue;
      p = quiet_phase(sc, text, (size_t)(x - text));
      q = quiet_days(x + 1, len - (size_t)(x + 1 - text));
      sign = *x == '+' ? 1 : -1;
    }
  }
  if (p < 0 || !(q >= 0)) return 0;
  const muskx__sc_phase *ph = &sc->phases[p];
  double base = end ? ph->end : ph->start, day = base + sign * q;
  const muskx__sc_phase *last = &sc->phases[sc->nphases - 1];
  /* %.10g: the day to write in full (%g wrote 381.688 for 381.6875) */
  if (day < 0)
    snprintf(why, size,
             "%s '%s' is not read (a phase name or a time) and would be day "
             "%.10g, before day 0, the start of the first phase '%s': "
             "lengthen '%s' or give the dose later",
             what, text, day, sc->phases[0].name, sc->phases[0].name);
  else if (day > last->end) /* also past the 100 years of all phases */
    snprintf(why, size,
             "%s '%s' is not read (a phase name or a time, counted from day "
             "0) and would be day %.10g, after the end of the last phase "
             "'%s' (day %.10g): lengthen '%s' or give the dose earlier",
             what, text, day, last->name, last->end, last->name);
  else
    snprintf(why, size,
             "%s '%s' is not read (a phase name or a time, counted from day "
             "0): phase '%s' %s on day %.10g, so write '%.10g d'",
             what, text, ph->name, end ? "ends" : "starts", base, day);
  return 1;
}

/* A point in time: a phase name (its start; its end when at_end) or a
   time with a unit. */
static muskx_status get_when(sc_ctx *c, const muskx__yaml_node *n,
                             const char *what, int at_end, double *out) {
  muskx_status st = want_scalar(c, n, what);
  if (st != MUSKX_OK) return st;
  char why[MUSKX_ERROR_MESSAGE_MAX / 2];
  if (relative_when(c->sc, n->text, what, at_end, why, sizeof why))
    return fail(c, n, MUSKX_EMODEL, "%s", why);
  if (isalpha((unsigned char)n->text[0]) || n->text[0] == '_') {
    int p;
    if (!is_identifier(n->text)) /* "day 30" */
      return fail(c, n, MUSKX_EMODEL,
                  "%s is a phase name or a time (a number, then its unit, "
                  "as in '30 d'), got '%s'", what, n->text);
    if ((st = need_phase(c, n, &p)) != MUSKX_OK) return st;
    *out = at_end ? c->sc->phases[p].end : c->sc->phases[p].start;
    return MUSKX_OK;
  }
  return get_days(c, n, what, 0, out);
}

/* ---------------------------------------------------------------------- */
/* Sections                                                                */

static muskx_status load_header(sc_ctx *c, const muskx__yaml_node *root) {
  static const char *const keys[] = {"id", "name", "description",
                                     "references", NULL};
  muskx_scenario *sc = c->sc;
  muskx__yaml_node *k;
  const muskx__yaml_node *h = muskx__yaml_get(root, "scenario", &k);
  muskx_status st;
  if (h == NULL)
    return fail(c, root, MUSKX_EMODEL, "missing required key 'scenario'");
  if ((st = want_map(c, h, "'scenario'")) != MUSKX_OK ||
      (st = check_keys(c, h, keys, "'scenario'")) != MUSKX_OK)
    return st;
  const muskx__yaml_node *id = muskx__yaml_get(h, "id", NULL);
  if (id == NULL)
    return fail(c, h, MUSKX_EMODEL, "'scenario' needs an 'id'");
  if ((st = want_name(c, id, "scenario id")) != MUSKX_OK) return st;
  const char *texts[2] = {"name", "description"};
  char **dst[2] = {&sc->name, &sc->description};
  if ((sc->id = dup_or_nomem(c, id->text, &st)) == NULL) return st;
  for (int i = 0; i < 2; i++) {
    const muskx__yaml_node *v = muskx__yaml_get(h, texts[i], NULL);
    const char *text = "";
    if (v != NULL && !muskx__yaml_is_null(v)) {
      char what[64];
      snprintf(what, sizeof what, "scenario %s", texts[i]);
      if ((st = want_scalar(c, v, what)) != MUSKX_OK) return st;
      text = v->text;
    }
    if ((*dst[i] = dup_or_nomem(c, text, &st)) == NULL) return st;
  }
  const muskx__yaml_node *refs = muskx__yaml_get(h, "references", NULL);
  if (refs != NULL) {
    if ((st = want_seq(c, refs, "'references'")) != MUSKX_OK) return st;
    sc->refs = muskx__calloc(refs->n ? refs->n : 1, sizeof *sc->refs);
    if (sc->refs == NULL) return nomem(c);
    for (size_t i = 0; i < refs->n; i++) {
      if ((st = want_scalar(c, refs->items[i], "a reference")) != MUSKX_OK)
        return st;
      if ((sc->refs[i] = dup_or_nomem(c, refs->items[i]->text, &st)) == NULL)
        return st;
      sc->nrefs++;
    }
  }
  return MUSKX_OK;
}

/* The directory part of path, with its slash ("" when there is none). */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return muskx__strndup(path, slash ? (size_t)(slash - path + 1) : 0);
}

static muskx_status load_model(sc_ctx *c, const muskx__yaml_node *root) {
  muskx_status st;
  const muskx__yaml_node *mn = muskx__yaml_get(root, "model", NULL);
  if (mn == NULL)
    return fail(c, root, MUSKX_EMODEL, "missing required key 'model'");
  if ((st = want_scalar(c, mn, "'model'")) != MUSKX_OK) return st;
  char *path;
  if (mn->text[0] == '/') {
    path = muskx__strdup(mn->text);
  } else {
    char *dir = dir_of(c->file);
    if (dir == NULL) return nomem(c);
    size_t n = strlen(dir) + strlen(mn->text) + 1;
    path = muskx__alloc(n);
    if (path != NULL) snprintf(path, n, "%s%s", dir, mn->text);
    muskx__free(dir);
  }
  if (path == NULL) return nomem(c);
  char why[512] = "";
  st = muskx__model_load_in_folders(path, c->scope, &c->sc->model, c->err, why,
                                  sizeof why);
  if (st != MUSKX_OK && why[0] != '\0') {
    /* Say which line of the scenario named the refused file. */
    st = fail(c, mn, st, "cannot load the model '%.400s': %s", mn->text, why);
  }
  muskx__free(path);
  if (st != MUSKX_OK) return st;
  const char *tu = muskx_model_time_unit(c->sc->model);
  /* days, or a unit the scenario converts its days to (scenario_units.c) */
  if ((c->sc->model_unit_days = muskx__sc_model_unit_days(tu)) == 0)
    return fail(c, mn, MUSKX_EMODEL,
                "model '%s' has time unit '%s'; scenarios need a model whose "
                "time_unit is a time (s, min, h, d, week, year, msec, 12*h: "
                "man 5 muskx-model, Units)", muskx_model_id(c->sc->model),
                tu);
  return MUSKX_OK;
}

static muskx_status add_set(muskx_scenario *sc, const char *name, double v,
                            int line, int col) {
  for (int i = 0; i < sc->nsets; i++)
    if (strcmp(sc->sets[i].name, name) == 0) {
      sc->sets[i].value = v;
      sc->sets[i].line = line;
      sc->sets[i].col = col;
      return MUSKX_OK;
    }
  if (sc->nsets == sc->cap_sets) {
    int nc = sc->cap_sets ? sc->cap_sets * 2 : 8;
    muskx__sc_set *s = muskx__reallocarray(sc->sets, (size_t)nc, sizeof *s);
    if (s == NULL) return MUSKX_ENOMEM;
    sc->sets = s;
    sc->cap_sets = nc;
  }
  char *d = muskx__strdup(name);
  if (d == NULL) return MUSKX_ENOMEM;
  sc->sets[sc->nsets].name = d;
  sc->sets[sc->nsets].value = v;
  sc->sets[sc->nsets].line = line;
  sc->sets[sc->nsets].col = col;
  sc->nsets++;
  return MUSKX_OK;
}

/* A name muskx_sim_set() accepts: a parameter, a species or an input. */
static int settable(const muskx_model *m, const char *name) {
  return muskx_model_find(m, MUSKX_PARAMETER, name) >= 0 ||
         muskx_model_find(m, MUSKX_SPECIES, name) >= 0 ||
         muskx_model_find(m, MUSKX_INPUT, name) >= 0;
}

/* ": did you mean 'NEAR'?" after a refusal of name (NEAR in another
   case: ": names are case-sensitive: write 'NEAR'"), or "" with no
   suggestion; when NEAR is the input whose `aka:` lists name, also what
   the model calls it and the input's doc. When an input's `opposite:`
   lists name, that it is the opposite sense (whatever NEAR is: unloading
   is also 'loading' by spelling). buf holds the text. */
static const char *did_you_mean(const muskx_model *m, const char *name,
                                const char *near, char *buf, size_t size) {
  int in = muskx__sc_input_opposite(m, name);
  if (in >= 0) {
    const char *doc = m->inputs[in].doc;
    snprintf(buf, size,
             ": '%s' is the opposite sense of the model's input '%s'; set "
             "'%s' with the value inverted%s%.200s%s", name,
             m->inputs[in].name, m->inputs[in].name,
             doc != NULL && doc[0] != '\0' ? " (\"" : "",
             doc != NULL ? doc : "",
             doc != NULL && doc[0] != '\0' ? "\")" : "");
    return buf;
  }
  if (near == NULL) return "";
  in = muskx__sc_input_aka(m, name);
  if (in >= 0 && strcmp(m->inputs[in].name, near) == 0) {
    const char *doc = m->inputs[in].doc;
    snprintf(buf, size,
             ": did you mean '%s'? (the model's input for what '%s' names%s"
             "%.200s%s)", near, name,
             doc != NULL && doc[0] != '\0' ? ", in this sense: \"" : "",
             doc != NULL ? doc : "",
             doc != NULL && doc[0] != '\0' ? "\"" : "");
    return buf;
  }
  return muskx__sc_suggest(buf, size, name, near, "names");
}

/* What an unknown `set:` name probably means (muskx__sc_near_name). */
static const char *near_settable(const muskx_model *m, const char *name) {
  static const muskx_kind kinds[] = {MUSKX_PARAMETER, MUSKX_INPUT,
                                     MUSKX_SPECIES};
  return muskx__sc_near_name(m, kinds, 3, name);
}

static muskx_status load_sets(sc_ctx *c, const muskx__yaml_node *root) {
  const muskx__yaml_node *s = muskx__yaml_get(root, "set", NULL);
  muskx_status st;
  if (s == NULL) return MUSKX_OK;
  if ((st = want_map(c, s, "'set'")) != MUSKX_OK) return st;
  for (size_t i = 0; i < s->n; i++) {
    double v;
    if (!settable(c->sc->model, s->keys[i]->text)) {
      char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
      const char *near = near_settable(c->sc->model, s->keys[i]->text);
      return fail(c, s->keys[i], MUSKX_ENOTFOUND,
                  "model '%s' has no parameter, species or input '%s'%s",
                  muskx_model_id(c->sc->model), s->keys[i]->text,
                  did_you_mean(c->sc->model, s->keys[i]->text, near, hint,
                               sizeof hint));
    }
    if ((st = get_number(c, s->items[i], "a 'set' value", &v)) != MUSKX_OK)
      return st;
    /* a parameter's min/max, checked here too, where the value is
       written (muskx_scenario_apply() would say it without a place) */
    int p = muskx_model_find(c->sc->model, MUSKX_PARAMETER, s->keys[i]->text);
    int in = muskx_model_find(c->sc->model, MUSKX_INPUT, s->keys[i]->text);
    char buf[MUSKX_ERROR_MESSAGE_MAX / 2];
    const char *bad =
        p >= 0    ? muskx__sc_param_check(c->sc, p, v, buf, sizeof buf)
        : in >= 0 ? muskx__sc_input_check(c->sc, in, v, buf, sizeof buf)
                  : NULL;
    if (bad != NULL)
      return fail(c, s->items[i], MUSKX_EINVAL, "'set' value %g of '%s' %s",
                  v, s->keys[i]->text, bad);
    if (add_set(c->sc, s->keys[i]->text, v, s->keys[i]->line,
                s->keys[i]->col) != MUSKX_OK)
      return nomem(c);
  }
  return MUSKX_OK;
}

/* The table of input i, created on first use. */
static muskx__sc_input *input_table(sc_ctx *c, int input) {
  muskx_scenario *sc = c->sc;
  for (int i = 0; i < sc->ninputs; i++)
    if (sc->inputs[i].input == input) return &sc->inputs[i];
  int n = muskx_model_count(sc->model, MUSKX_INPUT);
  if (sc->inputs == NULL) {
    sc->inputs = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *sc->inputs);
    if (sc->inputs == NULL) return NULL;
  }
  muskx__sc_input *t = &sc->inputs[sc->ninputs];
  t->input = input;
  t->values = muskx__calloc((size_t)sc->nphases, sizeof *t->values);
  t->explicit_ = muskx__calloc((size_t)sc->nphases, 1);
  sc->ninputs++; /* counted now, so a failure below still frees both */
  if (t->values == NULL || t->explicit_ == NULL) return NULL;
  return t;
}

static muskx_status load_phases(sc_ctx *c, const muskx__yaml_node *root) {
  static const char *const keys[] = {"name", "duration", "inputs", NULL};
  muskx_scenario *sc = c->sc;
  muskx_status st;
  const muskx__yaml_node *ph = muskx__yaml_get(root, "phases", NULL);
  if (ph == NULL)
    return fail(c, root, MUSKX_EMODEL, "missing required key 'phases'");
  if ((st = want_seq(c, ph, "'phases'")) != MUSKX_OK) return st;
  if (ph->n == 0)
    return fail(c, ph, MUSKX_EMODEL, "'phases' needs at least one phase");
  if (ph->n > SC_MAX_PHASES)
    return fail(c, ph, MUSKX_ELIMIT, "%zu phases; at most %d are allowed",
                ph->n, SC_MAX_PHASES);
  sc->phases = muskx__calloc(ph->n, sizeof *sc->phases);
  if (sc->phases == NULL) return nomem(c);
  double t = 0;
  /* Names and times first, so that inputs may be checked per phase. */
  for (size_t i = 0; i < ph->n; i++) {
    const muskx__yaml_node *p = ph->items[i];
    if ((st = want_map(c, p, "a phase")) != MUSKX_OK ||
        (st = check_keys_of(c, p, keys, "a phase", 1)) != MUSKX_OK)
      return st;
    const muskx__yaml_node *name = muskx__yaml_get(p, "name", NULL);
    const muskx__yaml_node *dur = muskx__yaml_get(p, "duration", NULL);
    if (name == NULL) return fail(c, p, MUSKX_EMODEL, "a phase needs a 'name'");
    if ((st = want_name(c, name, "a phase name")) != MUSKX_OK) return st;
    if (find_phase(sc, name->text) >= 0)
      return fail(c, name, MUSKX_EMODEL,
                  "phase '%s' is defined twice (phase names are unique)",
                  name->text);
    if (dur == NULL)
      return fail(c, p, MUSKX_EMODEL, "phase '%s' needs a 'duration'",
                  name->text);
    double d;
    char what[96];
    snprintf(what, sizeof what, "the duration of phase '%s'", name->text);
    if ((st = get_days(c, dur, what, 1, &d)) != MUSKX_OK) return st;
    if (t + d > SC_MAX_DAYS)
      return fail(c, dur, MUSKX_ELIMIT,
                  "the phases last longer than 100 years in all");
    if ((sc->phases[i].name = dup_or_nomem(c, name->text, &st)) == NULL)
      return st;
    sc->phases[i].start = t;
    t += d;
    sc->phases[i].end = t;
    sc->nphases++;
  }
  for (size_t i = 0; i < ph->n; i++) {
    const muskx__yaml_node *in = muskx__yaml_get(ph->items[i], "inputs", NULL);
    if (in == NULL) continue;
    char what[96];
    snprintf(what, sizeof what, "'inputs' of phase '%s'", sc->phases[i].name);
    if ((st = want_map(c, in, what)) != MUSKX_OK) return st;
    for (size_t k = 0; k < in->n; k++) {
      int idx;
      double v;
      const char *key = in->keys[k]->text;
      int par = muskx_model_find(sc->model, MUSKX_INPUT, key) < 0
                    ? muskx_model_find(sc->model, MUSKX_PARAMETER, key) : -1;
      if (par >= 0) {
        /* a parameter: a step input made on the fly (scenario_params.c) */
        char buf[160];
        const char *bad;
        if ((st = get_number(c, in->items[k], "an input value", &v)) != MUSKX_OK)
          return st;
        if ((bad = muskx__sc_param_check(sc, par, v, buf, sizeof buf)) != NULL)
          return fail(c, in->items[k], MUSKX_EINVAL,
                      "value %g of '%s' in phase '%s' %s", v, key,
                      sc->phases[i].name, bad);
        muskx__sc_input *pt = muskx__sc_param_table(sc, par);
        if (pt == NULL) return nomem(c);
        pt->values[i] = v;
        pt->explicit_[i] = 1;
        continue;
      }
      if (muskx_model_find(sc->model, MUSKX_INPUT, key) < 0) {
        static const muskx_kind in_kinds[] = {MUSKX_INPUT, MUSKX_PARAMETER};
        char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
        const char *near = muskx__sc_near_name(sc->model, in_kinds, 2, key);
        return fail(c, in->keys[k], MUSKX_ENOTFOUND,
                    "model '%s' has no input or parameter '%s'%s",
                    muskx_model_id(sc->model), key,
                    did_you_mean(sc->model, key, near, hint, sizeof hint));
      }
      if ((st = need_name(c, in->keys[k], MUSKX_INPUT, "input", &idx)) !=
              MUSKX_OK ||
          (st = get_number(c, in->items[k], "an input value", &v)) != MUSKX_OK)
        return st;
      char ibuf[MUSKX_ERROR_MESSAGE_MAX / 2];
      const char *ibad = muskx__sc_input_check(sc, idx, v, ibuf, sizeof ibuf);
      if (ibad != NULL)
        return fail(c, in->items[k], MUSKX_EINVAL,
                    "value %g of '%s' in phase '%s' %s", v, key,
                    sc->phases[i].name, ibad);
      muskx__sc_input *tb = input_table(c, idx);
      if (tb == NULL) return nomem(c);
      tb->values[i] = v;
      tb->explicit_[i] = 1;
    }
  }
  return MUSKX_OK;
}

/*
 * exercise: {type, sessions_per_week | sessions_per_day, intensity,
 * repetitions, phases, input}. The daily-averaged dose intensity * sessions
 * per day goes into the input during the listed phases. A phase that
 * already has a value for that input (from the phase or another protocol)
 * is refused, so no value is silently overwritten or added up.
 * How the sessions are spread matters to the body, not only the dose
 * (bone saturates within a session and recovers between sessions, a
 * session keeps muscle protein synthesis raised for a day or two), so the
 * session count also goes into INPUT_sessions and the repetitions into
 * INPUT_cycles when the model declares those inputs; a model without them
 * sees the dose alone, as before.
 */
/* A protocol's value of an input against the input's declared min/max,
   refused at the entry's node in the scenario's words (review rev28a H1:
   repetitions: 1500 loaded, then failed at run time without a place,
   naming an input the author never wrote). */
static muskx_status protocol_in_range(sc_ctx *c, int idx, double v,
                                      const muskx__yaml_node *where,
                                      const char *what) {
  char buf[MUSKX_ERROR_MESSAGE_MAX / 2];
  const char *bad = muskx__sc_input_check(c->sc, idx, v, buf, sizeof buf);
  if (bad == NULL) return MUSKX_OK;
  return fail(c, where, MUSKX_EINVAL, "this exercise gives %s %g, which %s",
              what, v, bad);
}

static muskx_status set_companion(sc_ctx *c, const char *base,
                                  const char *suffix, double value,
                                  const int *phases, size_t nph,
                                  const muskx__yaml_node *where, int required) {
  char name[96];
  int n = snprintf(name, sizeof name, "%s%s", base, suffix);
  int idx = (n > 0 && (size_t)n < sizeof name)
                ? muskx_model_find(c->sc->model, MUSKX_INPUT, name)
                : -1;
  if (idx < 0) {
    if (!required) return MUSKX_OK;
    return fail(c, where, MUSKX_ENOTFOUND,
                "model '%s' has no input '%s%s', so it cannot take the "
                "number of repetitions of this exercise",
                muskx_model_id(c->sc->model), base, suffix);
  }
  muskx_status st = protocol_in_range(
      c, idx, value, where,
      strcmp(suffix, "_cycles") == 0 ? "repetitions (cycles a session)"
                                     : "sessions a day");
  if (st != MUSKX_OK) return st;
  muskx__sc_input *tb = input_table(c, idx);
  if (tb == NULL) return nomem(c);
  for (size_t i = 0; i < nph; i++) {
    if (tb->explicit_[phases[i]])
      return fail(c, where, MUSKX_EMODEL,
                  "input '%s' already has a value in phase '%s' (overlapping "
                  "protocols or phase inputs)",
                  name, c->sc->phases[phases[i]].name);
    tb->values[phases[i]] = value;
    tb->explicit_[phases[i]] = 1;
  }
  return MUSKX_OK;
}

static muskx_status load_exercise(sc_ctx *c, const muskx__yaml_node *e) {
  static const char *const keys[] = {"type",      "sessions_per_week",
                                     "sessions_per_day", "intensity",
                                     "repetitions", "phases", "input", NULL};
  static const char *const types[] = {"resistive", "aerobic", NULL};
  muskx_status st;
  if ((st = want_map(c, e, "'exercise'")) != MUSKX_OK ||
      (st = check_keys_of(c, e, keys, "'exercise'", 1)) != MUSKX_OK)
    return st;
  const muskx__yaml_node *type = muskx__yaml_get(e, "type", NULL);
  if (type == NULL) return fail(c, e, MUSKX_EMODEL, "'exercise' needs a 'type'");
  if ((st = want_scalar(c, type, "exercise type")) != MUSKX_OK) return st;
  int known = 0;
  for (const char *const *t = types; *t; t++)
    if (strcmp(*t, type->text) == 0) known = 1;
  if (!known) {
    /* the devices and words people write for a type (session 24: type:
       ARED got only the two types); a hint, never a type */
    static const struct {
      const char *word, *type, *what;
    } devices[] = {
        {"ARED", "resistive", "the Advanced Resistive Exercise Device"},
        {"iRED", "resistive", "the interim Resistive Exercise Device"},
        {"RED", "resistive", "a Resistive Exercise Device"},
        {"flywheel", "resistive", "flywheel resistance exercise"},
        {"yoyo", "resistive", "a flywheel (YoYo) device"},
        {"resistance", "resistive", "resistance exercise"},
        {"strength", "resistive", "strength training"},
        {"weights", "resistive", "weight training"},
        {"squats", "resistive", "resistance exercise"},
        {"treadmill", "aerobic", "treadmill running"},
        {"T2", "aerobic", "the T2 treadmill"},
        {"TVIS", "aerobic", "the treadmill with vibration isolation"},
        {"CEVIS", "aerobic", "the cycle ergometer with vibration isolation"},
        {"cycle", "aerobic", "cycling"},
        {"cycling", "aerobic", "cycling"},
        {"ergometer", "aerobic", "a cycle ergometer"},
        {"bike", "aerobic", "cycling"},
        {"running", "aerobic", "running"},
        {"endurance", "aerobic", "endurance exercise"},
        {"cardio", "aerobic", "aerobic exercise"},
        {NULL, NULL, NULL}};
    for (int i = 0; devices[i].word != NULL; i++)
      if (muskx__same_ignoring_case(devices[i].word, type->text))
        return fail(c, type, MUSKX_EMODEL,
                    "unknown exercise type '%s' (expected resistive or "
                    "aerobic): '%s' is %s, %s exercise: write type: %s",
                    type->text, type->text, devices[i].what, devices[i].type,
                    devices[i].type);
    return fail(c, type, MUSKX_EMODEL,
                "unknown exercise type '%s' (expected resistive or aerobic)",
                type->text);
  }
  const muskx__yaml_node *spw = muskx__yaml_get(e, "sessions_per_week", NULL);
  const muskx__yaml_node *spd = muskx__yaml_get(e, "sessions_per_day", NULL);
  double per_day;
  if ((spw == NULL) == (spd == NULL))
    return fail(c, spw && spd ? spd : e, MUSKX_EMODEL,
                "'exercise' needs exactly one of 'sessions_per_week' and "
                "'sessions_per_day'");
  if ((st = get_number(c, spw ? spw : spd, spw ? "sessions_per_week"
                                                : "sessions_per_day",
                       &per_day)) != MUSKX_OK)
    return st;
  if (per_day < 0)
    return fail(c, spw ? spw : spd, MUSKX_EMODEL,
                "the number of sessions must not be negative, got %g", per_day);
  if (spw) per_day /= 7.0;
  /* A count this high is a unit mix-up (minutes, repetitions), not a
     protocol: the model's exercise inputs are doses of 0..1 for one
     full program a day. */
  if (per_day > MAX_SESSIONS_PER_DAY)
    return fail(c, spw ? spw : spd, MUSKX_EMODEL,
                "%g sessions a day of one exercise type is more than %d "
                "(%d a week): give the number of sessions, not minutes or "
                "repetitions (repetitions: is the loading cycles of a "
                "session)", per_day, MAX_SESSIONS_PER_DAY,
                7 * MAX_SESSIONS_PER_DAY);
  double intensity = 1.0;
  const muskx__yaml_node *in = muskx__yaml_get(e, "intensity", NULL);
  if (in != NULL) {
    if ((st = get_number(c, in, "exercise intensity", &intensity)) != MUSKX_OK)
      return st;
    if (!(intensity >= 0 && intensity <= 1))
      return fail(c, in, MUSKX_EMODEL,
                  "exercise intensity must be between 0 and 1 (a fraction of "
                  "the full prescription), got %g", intensity);
  }
  char inname[64];
  const muskx__yaml_node *inp = muskx__yaml_get(e, "input", NULL);
  int idx = -1;
  if (inp != NULL) {
    if ((st = want_name(c, inp, "exercise input")) != MUSKX_OK ||
        (st = need_name(c, inp, MUSKX_INPUT, "input", &idx)) != MUSKX_OK)
      return st;
    /* the other type's own input (review rev28u L5: type: resistive with
       input: exercise_aerobic ran as aerobic exercise, its repetitions
       and sessions acting on nothing) */
    for (const char *const *t = types; *t; t++)
      if (strcmp(*t, type->text) != 0 &&
          strncmp(inp->text, "exercise_", 9) == 0 &&
          strcmp(inp->text + 9, *t) == 0) {
        snprintf(inname, sizeof inname, "exercise_%s", type->text);
        int own = muskx_model_find(c->sc->model, MUSKX_INPUT, inname) >= 0;
        return fail(c, inp, MUSKX_EMODEL,
                    "input '%s' is the input of %s exercise, but the entry "
                    "says type: %s: write type: %s%s%s%s",
                    inp->text, *t, type->text, *t,
                    own ? ", or leave out 'input:' (the input of " : "",
                    own ? type->text : "",
                    own ? " exercise is its own default)" : "");
      }
  } else {
    snprintf(inname, sizeof inname, "exercise_%s", type->text);
    idx = muskx_model_find(c->sc->model, MUSKX_INPUT, inname);
    if (idx < 0)
      return fail(c, type, MUSKX_ENOTFOUND,
                  "model '%s' has no input '%s' (the default input of %s "
                  "exercise; name one with 'input:')",
                  muskx_model_id(c->sc->model), inname, type->text);
  }
  const muskx__yaml_node *ph = muskx__yaml_get(e, "phases", NULL);
  if (ph == NULL)
    return fail(c, e, MUSKX_EMODEL,
                "'exercise' needs 'phases' (the phases it is done in)");
  if ((st = want_seq(c, ph, "exercise 'phases'")) != MUSKX_OK) return st;
  if (ph->n == 0)
    return fail(c, ph, MUSKX_EMODEL, "exercise 'phases' is empty");
  double reps = 0;
  const muskx__yaml_node *rp = muskx__yaml_get(e, "repetitions", NULL);
  if (rp != NULL) {
    if ((st = get_number(c, rp, "repetitions", &reps)) != MUSKX_OK) return st;
    if (!(reps >= 1 && reps <= 1e6))
      return fail(c, rp, MUSKX_EMODEL,
                  "'repetitions' (loading cycles per session) must be between "
                  "1 and 1e6, got %g", reps);
  }
  muskx__sc_input *tb = input_table(c, idx);
  if (tb == NULL) return nomem(c);
  if ((st = protocol_in_range(c, idx, intensity * per_day, e,
                              "a daily dose (intensity x sessions a day) of")) !=
      MUSKX_OK)
    return st;
  int *phases = muskx__calloc(ph->n, sizeof *phases);
  if (phases == NULL) return nomem(c);
  for (size_t i = 0; i < ph->n; i++) {
    int p;
    if ((st = need_phase(c, ph->items[i], &p)) != MUSKX_OK) goto done;
    if (tb->explicit_[p]) {
      st = fail(c, ph->items[i], MUSKX_EMODEL,
                "input '%s' already has a value in phase '%s' (overlapping "
                "protocols or phase inputs)",
                muskx_model_name_at(c->sc->model, MUSKX_INPUT, idx),
                c->sc->phases[p].name);
      goto done;
    }
    tb->values[p] = intensity * per_day;
    tb->explicit_[p] = 1;
    phases[i] = p;
  }
  {
    const char *base = muskx_model_name_at(c->sc->model, MUSKX_INPUT, idx);
    /* no sessions: the dose is 0 and the session count irrelevant */
    if (per_day > 0 &&
        (st = set_companion(c, base, "_sessions", per_day, phases, ph->n, e,
                            0)) != MUSKX_OK)
      goto done;
    if (rp != NULL && (st = set_companion(c, base, "_cycles", reps, phases,
                                          ph->n, rp, 1)) != MUSKX_OK)
      goto done;
  }
  st = MUSKX_OK;
done:
  muskx__free(phases);
  return st;
}

/*
 * drug: {agent, dose, route, every, count | until, start, target,
 * bioavailability}. Doses at start + k*every (k = 0 .. count-1, or while
 * <= until), each adding dose * unit factor * F to the target species.
 */
static muskx_status load_drug(sc_ctx *c, const muskx__yaml_node *d) {
  static const char *const keys[] = {"agent", "dose",  "route",
                                     "every", "count", "until",
                                     "start", "target", "bioavailability",
                                     NULL};
  muskx_scenario *sc = c->sc;
  muskx_status st;
  if ((st = want_map(c, d, "'drug'")) != MUSKX_OK ||
      (st = check_keys_of(c, d, keys, "'drug'", 1)) != MUSKX_OK)
    return st;
  const muskx__yaml_node *agent = muskx__yaml_get(d, "agent", NULL);
  if (agent == NULL) return fail(c, d, MUSKX_EMODEL, "'drug' needs an 'agent'");
  if ((st = want_agent_name(c, agent)) != MUSKX_OK) return st;
  const muskx__yaml_node *route = muskx__yaml_get(d, "route", NULL);
  const muskx__yaml_node *target = muskx__yaml_get(d, "target", NULL);
  if ((route != NULL && (st = want_scalar(c, route, "drug route")) != MUSKX_OK) ||
      (target != NULL && (st = want_name(c, target, "drug target")) != MUSKX_OK))
    return st;
  /* Where it goes and how much: the model's agent, or the long form. */
  const muskx__yaml_node *dose = muskx__yaml_get(d, "dose", NULL);
  if (dose == NULL) return fail(c, d, MUSKX_EMODEL, "'drug' needs a 'dose'");
  double amount;
  char unit[16];
  if ((st = get_quantity(c, dose, "drug dose", &amount, unit, sizeof unit)) !=
      MUSKX_OK)
    return st;
  if (!(amount > 0))
    return fail(c, dose, MUSKX_EMODEL, "drug dose must be positive, got '%s'",
                dose->text);
  muskx__sc_drug_dest dest;
  if ((st = muskx__sc_drug_resolve(sc->model, c->file, agent, route, target,
                                dose, amount, unit, &dest, c->err)) !=
      MUSKX_OK)
    return st;
  /* 1e306 mg into a species in ug is 1e309: inf, which the run refused
     only later, without saying where (fuzz_scenario) */
  if (!isfinite(dest.amount))
    return fail(c, dose, MUSKX_EMODEL,
                "drug dose '%s' overflows: in the unit of species '%s' it is "
                "beyond the range of numbers (give a smaller dose)",
                dose->text,
                muskx_model_name_at(sc->model, MUSKX_SPECIES, dest.species));
  const char *tname = muskx_model_name_at(sc->model, MUSKX_SPECIES,
                                          dest.species);
  /* Bioavailability: the entry's number or parameter, else the model's. */
  double fnum = dest.f_number;
  int fpar = dest.f_param;
  const muskx__yaml_node *bio = muskx__yaml_get(d, "bioavailability", NULL);
  if (bio != NULL) {
    if ((st = want_scalar(c, bio, "bioavailability")) != MUSKX_OK) return st;
    fnum = 1.0;
    fpar = -1;
    if (isalpha((unsigned char)bio->text[0]) || bio->text[0] == '_') {
      if ((st = need_name(c, bio, MUSKX_PARAMETER, "parameter", &fpar)) !=
          MUSKX_OK)
        return st;
    } else {
      if ((st = get_number(c, bio, "bioavailability", &fnum)) != MUSKX_OK)
        return st;
      if (!(fnum > 0 && fnum <= 1))
        return fail(c, bio, MUSKX_EMODEL,
                    "bioavailability must be in (0, 1], got %g", fnum);
    }
  }
  /* The long form of a declared agent: the route's bioavailability is not
     applied (documented, but silent: review rev27u L1, 60 mg of denosumab
     with target: dmab.Dmab_depot put 60 there, not 36.6). */
  const char *rname;
  int bp;
  double bn;
  if (target != NULL && bio == NULL && sc->bio_warning[0] == '\0' &&
      muskx__sc_dropped_bioavailability(sc->model, agent->text, dest.species,
                                        &rname, &bp, &bn)) {
    char fb[320];
    if (bp >= 0)
      snprintf(fb, sizeof fb, "%s, %g",
               muskx_model_name_at(sc->model, MUSKX_PARAMETER, bp),
               muskx_model_default(sc->model, MUSKX_PARAMETER, bp));
    else
      snprintf(fb, sizeof fb, "%g", bn);
    /* with a route: already written, replacing target: by another
       route: would make a duplicate key (review rev27c L1) */
    char fix[320];
    if (route != NULL)
      snprintf(fix, sizeof fix, "leave out 'target: %s'", target->text);
    else
      snprintf(fix, sizeof fix, "replace 'target: %s' with 'route: %s'",
               target->text, rname);
    snprintf(sc->bio_warning, sizeof sc->bio_warning,
             "%s:%d:%d: warning: drug '%s' with 'target:' is the long form, "
             "which does not apply the bioavailability of the model's %s "
             "route (%s): the whole '%s' goes into '%s'; to dose as the "
             "model declares, %s (the rest of the entry unchanged); to keep "
             "the long form, write 'bioavailability: %s' (or 1 for the "
             "whole dose)",
             c->file ? c->file : "", target->line, target->col, agent->text,
             rname, fb, dose->text, tname, fix,
             bp >= 0 ? muskx_model_name_at(sc->model, MUSKX_PARAMETER, bp)
                     : fb);
  }
  /* Schedule. */
  double t0 = 0, every = 0, until = 0;
  int count = 1;
  const muskx__yaml_node *start = muskx__yaml_get(d, "start", NULL);
  const muskx__yaml_node *ev = muskx__yaml_get(d, "every", NULL);
  const muskx__yaml_node *cn = muskx__yaml_get(d, "count", NULL);
  const muskx__yaml_node *un = muskx__yaml_get(d, "until", NULL);
  if (start != NULL &&
      (st = get_when(c, start, "drug start", 0, &t0)) != MUSKX_OK)
    return st;
  /* start: 1e-300 d reached CVODE as a stop time "behind" t = 0 and failed
     with its CV_ILL_INPUT (review rev27u M8): a first dose after day 0 is
     at least the shortest interval a scenario takes after it */
  if (t0 > 0 && t0 < SC_MIN_EVERY_DAYS)
    return fail(c, start, MUSKX_EMODEL,
                "drug start '%s' is less than 1 minute (%.4g d) after day 0, "
                "too close to the run's start to be a time of its own: write "
                "0 d for a dose at the start, or a start of at least 1 minute "
                "(e.g. start: 1 h)", start->text, SC_MIN_EVERY_DAYS);
  if (ev != NULL && (st = get_every(c, ev, &every)) != MUSKX_OK) return st;
  if (cn != NULL && un != NULL)
    return fail(c, un, MUSKX_EMODEL, "'drug' has both 'count' and 'until' "
                "(use one)");
  if (ev != NULL && cn == NULL && un == NULL)
    return fail(c, ev, MUSKX_EMODEL,
                "a repeated dose needs 'count' or 'until'");
  if (cn != NULL) {
    double v;
    if ((st = get_number(c, cn, "drug count", &v)) != MUSKX_OK) return st;
    if (!(v >= 1 && v == floor(v) && v <= SC_MAX_DOSES))
      return fail(c, cn, MUSKX_EMODEL,
                  "drug count must be a whole number from 1 to %d, got '%s'",
                  SC_MAX_DOSES, cn->text);
    count = (int)v;
  }
  /* count: 1 is one dose, with or without an interval (low23: a single
     dose written with count: 1 was refused for want of 'every') */
  if (ev == NULL && (un != NULL || count > 1))
    return fail(c, cn ? cn : un, MUSKX_EMODEL,
                "'%s' needs 'every' (the dosing interval, e.g. every: 6 "
                "months); a single dose needs neither 'every' nor '%s'",
                cn ? "count" : "until", cn ? "count" : "until");
  if (un != NULL) {
    if ((st = get_when(c, un, "drug 'until'", 1, &until)) != MUSKX_OK)
      return st;
    if (until < t0)
      return fail(c, un, MUSKX_EMODEL,
                  "drug 'until' (day %g) is before its start (day %g)", until,
                  t0);
    /* Inclusive, as an event's until (muskx-model(5)); the small slack
       keeps a dose that lands on `until` up to rounding. */
    double k = floor((until - t0) / every + 1e-9);
    if (k + 1 > SC_MAX_DOSES)
      return fail(c, un, MUSKX_ELIMIT, "more than %d doses", SC_MAX_DOSES);
    count = (int)k + 1;
    /* a last dose on until: that is also the first day of a later phase
       (until: romo, or until: 12 months, of monthly romosozumab from day
       0: 13 doses, the 13th on the day denosumab begins) is what until:
       says, but seldom what a course "for the phase" means (session 24) */
    double last = t0 + k * every;
    for (int p = 1; p < sc->nphases && count > 1; p++) {
      double b = sc->phases[p].start;
      if (fabs(last - until) > 1e-9 * every ||
          fabs(b - until) > 1e-12 * fmax(1.0, b) ||
          sc->until_warning[0] != '\0')
        continue;
      snprintf(sc->until_warning, sizeof sc->until_warning,
               "%s:%d:%d: warning: drug 'until' is inclusive: the last of "
               "its %d doses falls on day %g, the first day of phase '%s'; "
               "for a course that ends before that phase write count: %d "
               "instead of until",
               c->file ? c->file : "", un->line, un->col, count, last,
               sc->phases[p].name, count - 1);
    }
  }
  double t_end = sc->phases[sc->nphases - 1].end;
  if (t0 >= t_end)
    return fail(c, start, MUSKX_EMODEL,
                "drug start (day %g) is not before the end of the scenario "
                "(day %g)", t0, t_end);
  /* A count whose last dose falls after the end would silently give fewer
     doses than written (`until` is the way to say "to the end"). */
  if (cn != NULL && t0 + (count - 1) * every > t_end * (1 + 1e-12))
    return fail(c, cn, MUSKX_EMODEL,
                "drug count %d every %g d from day %g puts the last dose at "
                "day %g, after the end of the scenario (day %g); give fewer "
                "doses, or 'until: PHASE'", count, every, t0,
                t0 + (count - 1) * every, t_end);
  /* A last dose on the scenario's last day is in the final output row
     (the dose is applied at t_end) but the run ends before it can act:
     `until: post` of a course every 10 d in a 60-d scenario gives a 7th
     dose on day 60 that changes nothing the scenario reports (session 24's
     low). An until: after the end means "to the end", so the doses after
     it are not given and are no warning; the last one given is. A
     course whose first dose is on the last day (k = 0) is refused above
     (its start is not before the end; tests/bad_scenarios/107).
     The same holds, nearly, for a dose less than one output step before
     the end (review rev27u L8: a single dose 0.005 d before the end of a
     run sampled daily had no warning while one on the last day had): only
     the last output row can show it, after a fraction of a step. So the
     rule is: the last dose (a single dose is its own last) warns when
     less than one output step is left after it, it is after day 0, and
     doses are further apart than the output step (a single dose, or a
     weekly course sampled daily). A course at least as frequent as the
     output step (daily doses sampled daily or weekly, to a phase that
     ends 0.25 d after the last one) does not resolve single doses in the
     output anyway, and does not warn. */
  if (sc->end_warning[0] == '\0') {
    double k = ev == NULL ? 0
               : un != NULL ? floor((fmin(until, t_end) - t0) / every + 1e-9)
                            : count - 1;
    double last = t0 + k * every, left = t_end - last;
    int apart = ev == NULL || k < 1 || every > sc->dt * (1 + 1e-9);
    const muskx__yaml_node *at = un != NULL   ? un
                                 : cn != NULL ? cn
                                 : start != NULL ? start : dose;
    if (ev != NULL && k >= 1 && fabs(last - t_end) <= 1e-9 * every) {
      const muskx__yaml_node *at = un != NULL ? un : cn;
      snprintf(sc->end_warning, sizeof sc->end_warning,
               "%s:%d:%d: warning: drug '%s': the last of its %.0f doses "
               "falls on day %g, the last day of the scenario: it is given "
               "as the run ends, so it acts on nothing and shows only in the "
               "dosed species' last value (and what is read from it there); "
               "for a course that ends before, write count: %.0f%s; to see "
               "it act, make the scenario a day longer",
               c->file ? c->file : "", at->line, at->col, agent->text, k + 1,
               last, k,
               un != NULL ? " instead of until (or an until: a day earlier)"
                          : " (one dose fewer)");
    } else if (last > 0 && apart && left < sc->dt * (1 - 1e-9)) {
      char which[64] = "its dose";
      if (k >= 1)
        snprintf(which, sizeof which, "the last of its %.0f doses", k + 1);
      snprintf(sc->end_warning, sizeof sc->end_warning,
               "%s:%d:%d: warning: drug '%s': %s falls on day %g, %g d "
               "before the end of the scenario (day %g), less than one "
               "output step (%g d): only the last output row can show it, "
               "after %g d; to see it act, give it earlier or make the "
               "scenario longer",
               c->file ? c->file : "", at->line, at->col, agent->text, which,
               last, left, t_end, sc->dt, left);
    }
  }
  muskx__sc_dose *nd =
      muskx__reallocarray(sc->doses, (size_t)sc->ndoses + 1, sizeof *nd);
  if (nd == NULL) return nomem(c);
  sc->doses = nd;
  muskx__sc_dose *x = &sc->doses[sc->ndoses];
  memset(x, 0, sizeof *x);
  if ((x->target = dup_or_nomem(c, tname, &st)) == NULL) return st;
  sc->ndoses++;
  x->t0 = t0;
  x->amount = dest.amount;
  x->every = ev ? every : 0;
  x->count = count;
  x->f_number = fnum;
  x->f_param = fpar;
  x->line = dose->line;
  x->col = dose->col;
  snprintf(x->text, sizeof x->text, "%s", dose->text);
  return MUSKX_OK;
}

/*
 * A `set:` of a model's built-in dose parameter (review rev27u H2): the
 * model's own event then doses on its own schedule (denosumab.yaml: from
 * dmab_start, every 182.5 d, dmab_n doses), whatever the phases say, and
 * on top of any `drug:` entry. A warning at the set: entry; refused when a
 * `drug:` entry gives the same agent as well, since the two add up: 60 mg
 * written once was given four times in a year (the review's dd.yaml), and
 * nothing the built-in regimen does needs both (a `drug:` entry says every
 * regimen the event does, at phases). The same for a phase's `inputs:` of
 * that parameter (session 28: the event doses whatever value is in force
 * at its times). The rule and its words: muskx__sc_builtin_rule()
 * (scenario_dosecheck.c), which --set / muskx_scenario_set(),
 * muskx_scenario_run_with() and an ensemble's samples call too.
 */
static muskx_status builtin_rule_at(sc_ctx *c, const muskx__yaml_node *key,
                                    const char *how, double v, int from_set) {
  muskx_scenario *sc = c->sc;
  char msg[sizeof sc->builtin_warning];
  int r = muskx__sc_builtin_rule(sc, key->text, v, how, key->line, key->col,
                                 msg, sizeof msg);
  if (r < 0) return fail(c, key, MUSKX_EMODEL, "%s", msg);
  if (r > 0 && sc->builtin_warning[0] == '\0') {
    snprintf(sc->builtin_warning, sizeof sc->builtin_warning, "%s", msg);
    sc->builtin_param1 =
        from_set ? muskx_model_find(sc->model, MUSKX_PARAMETER, key->text) + 1
                 : -1;
  }
  return MUSKX_OK;
}

static muskx_status check_builtin_doses(sc_ctx *c,
                                        const muskx__yaml_node *root) {
  muskx_scenario *sc = c->sc;
  const muskx_model *m = sc->model;
  muskx_status st;
  const muskx__yaml_node *s = muskx__yaml_get(root, "set", NULL);
  for (size_t i = 0; s != NULL && i < s->n; i++) {
    const char *name = s->keys[i]->text;
    double v = 0;
    for (int k = 0; k < sc->nsets; k++)
      if (strcmp(sc->sets[k].name, name) == 0) v = sc->sets[k].value;
    if ((st = builtin_rule_at(c, s->keys[i], "set:", v, 1)) != MUSKX_OK)
      return st;
  }
  /* a phase's inputs: of a parameter (load_phases checked each one) */
  const muskx__yaml_node *ph = muskx__yaml_get(root, "phases", NULL);
  for (size_t i = 0; ph != NULL && i < ph->n && (int)i < sc->nphases; i++) {
    const muskx__yaml_node *in = muskx__yaml_get(ph->items[i], "inputs", NULL);
    for (size_t k = 0; in != NULL && k < in->n; k++) {
      int p = muskx_model_find(m, MUSKX_PARAMETER, in->keys[k]->text);
      if (p < 0 || muskx_model_find(m, MUSKX_INPUT, in->keys[k]->text) >= 0)
        continue;
      const muskx__sc_input *pt = muskx__sc_param_table(sc, p);
      if (pt == NULL) return nomem(c);
      char how[96];
      snprintf(how, sizeof how, "phase '%s' inputs:", sc->phases[i].name);
      if ((st = builtin_rule_at(c, in->keys[k], how, pt->values[i], 0)) !=
          MUSKX_OK)
        return st;
    }
  }
  return MUSKX_OK;
}

static muskx_status load_countermeasures(sc_ctx *c,
                                         const muskx__yaml_node *root) {
  const muskx__yaml_node *cm = muskx__yaml_get(root, "countermeasures", NULL);
  muskx_status st;
  if (cm == NULL || muskx__yaml_is_null(cm)) return MUSKX_OK;
  if ((st = want_seq(c, cm, "'countermeasures'")) != MUSKX_OK) return st;
  for (size_t i = 0; i < cm->n; i++) {
    const muskx__yaml_node *item = cm->items[i];
    char buf[64];
    if (item->kind != MUSKX__YAML_MAP || item->n != 1)
      return fail(c, item, MUSKX_EMODEL,
                  "a countermeasure is a mapping with one key, 'exercise' or "
                  "'drug', got %s", item->kind == MUSKX__YAML_MAP
                                        ? "a mapping with several keys"
                                        : describe(item, buf, sizeof buf));
    const char *kind = item->keys[0]->text;
    if (strcmp(kind, "exercise") == 0)
      st = load_exercise(c, item->items[0]);
    else if (strcmp(kind, "drug") == 0)
      st = load_drug(c, item->items[0]);
    else
      st = fail(c, item->keys[0], MUSKX_EMODEL,
                "unknown countermeasure '%s' (expected exercise or drug)",
                kind);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static muskx_status add_report(sc_ctx *c, const muskx__yaml_node *name,
                               const muskx__yaml_node *show) {
  muskx_scenario *sc = c->sc;
  const muskx_model *m = sc->model;
  muskx_status st;
  if ((st = want_name(c, name, "a reported output")) != MUSKX_OK) return st;
  int col = muskx_model_find(m, MUSKX_OUTPUT, name->text);
  if (col >= 0) {
    col += muskx_model_count(m, MUSKX_SPECIES);
  } else {
    col = muskx_model_find(m, MUSKX_SPECIES, name->text);
    if (col < 0) {
      /* 'bmd_spine_pct', 'BMD_spine': the one output meant */
      static const muskx_kind out_kinds[] = {MUSKX_OUTPUT, MUSKX_SPECIES};
      const char *near = muskx__sc_near_name(m, out_kinds, 2, name->text);
      char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
      return fail(c, name, MUSKX_ENOTFOUND,
                  "model '%s' has no output or species '%s'%s",
                  muskx_model_id(m), name->text,
                  muskx__sc_suggest(hint, sizeof hint, name->text, near,
                                    "names"));
    }
  }
  for (int i = 0; i < sc->nreports; i++)
    if (strcmp(sc->reports[i].name, name->text) == 0)
      return fail(c, name, MUSKX_EMODEL, "output '%s' is listed twice",
                  name->text);
  /* By default a *_pct output is already a change in percent; anything
     else is shown as its percent change from t = 0. */
  muskx_show how = ends_with(name->text, "_pct") ? MUSKX_SHOW_VALUE
                                                  : MUSKX_SHOW_PCT_CHANGE;
  if (show != NULL) {
    if ((st = want_scalar(c, show, "'show'")) != MUSKX_OK) return st;
    if (strcmp(show->text, "value") == 0)
      how = MUSKX_SHOW_VALUE;
    else if (strcmp(show->text, "pct_change") == 0)
      how = MUSKX_SHOW_PCT_CHANGE;
    else if (strcmp(show->text, "change") == 0)
      how = MUSKX_SHOW_CHANGE;
    else
      return fail(c, show, MUSKX_EMODEL,
                  "unknown 'show' '%s' (expected value, pct_change or change)",
                  show->text);
  }
  muskx__sc_report *r = &sc->reports[sc->nreports];
  if ((r->name = dup_or_nomem(c, name->text, &st)) == NULL) return st;
  r->column = col;
  r->show = how;
  sc->nreports++;
  return MUSKX_OK;
}

static muskx_status load_outputs(sc_ctx *c, const muskx__yaml_node *root) {
  static const char *const keys[] = {"name", "show", NULL};
  muskx_scenario *sc = c->sc;
  muskx_status st;
  const muskx__yaml_node *o = muskx__yaml_get(root, "outputs", NULL);
  if (o == NULL) {
    /* Every model output. */
    int n = muskx_model_count(sc->model, MUSKX_OUTPUT);
    int ns = muskx_model_count(sc->model, MUSKX_SPECIES);
    sc->reports = muskx__calloc((size_t)(n > 0 ? n : 1), sizeof *sc->reports);
    if (sc->reports == NULL) return nomem(c);
    for (int i = 0; i < n; i++) {
      const char *nm = muskx_model_name_at(sc->model, MUSKX_OUTPUT, i);
      if ((sc->reports[i].name = dup_or_nomem(c, nm, &st)) == NULL) return st;
      sc->reports[i].column = ns + i;
      sc->reports[i].show =
          ends_with(nm, "_pct") ? MUSKX_SHOW_VALUE : MUSKX_SHOW_PCT_CHANGE;
      sc->nreports++;
    }
    if (n == 0)
      return fail(c, root, MUSKX_EMODEL,
                  "model '%s' has no outputs; list species under 'outputs'",
                  muskx_model_id(sc->model));
    return MUSKX_OK;
  }
  if ((st = want_seq(c, o, "'outputs'")) != MUSKX_OK) return st;
  if (o->n == 0) return fail(c, o, MUSKX_EMODEL, "'outputs' is empty");
  sc->reports = muskx__calloc(o->n, sizeof *sc->reports);
  if (sc->reports == NULL) return nomem(c);
  for (size_t i = 0; i < o->n; i++) {
    const muskx__yaml_node *it = o->items[i];
    if (it->kind == MUSKX__YAML_MAP) {
      if ((st = check_keys(c, it, keys, "an output")) != MUSKX_OK) return st;
      const muskx__yaml_node *nm = muskx__yaml_get(it, "name", NULL);
      if (nm == NULL) return fail(c, it, MUSKX_EMODEL, "an output needs a 'name'");
      st = add_report(c, nm, muskx__yaml_get(it, "show", NULL));
    } else {
      st = add_report(c, it, NULL);
    }
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* sampling: read before the countermeasures, whose doses near the end are
   judged by the output step (load_drug). */
static muskx_status load_sampling(sc_ctx *c, const muskx__yaml_node *root) {
  muskx_scenario *sc = c->sc;
  muskx_status st;
  const muskx__yaml_node *dt = muskx__yaml_get(root, "sampling", NULL);
  sc->dt = 1.0;
  if (dt != NULL &&
      (st = get_days(c, dt, "'sampling'", 1, &sc->dt)) != MUSKX_OK)
    return st;
  double t_end = sc->phases[sc->nphases - 1].end;
  if (t_end / sc->dt > 1e7)
    return fail(c, dt, MUSKX_ELIMIT,
                "'sampling' gives more than 10 million samples");
  return MUSKX_OK;
}

static muskx_status load_rest(sc_ctx *c, const muskx__yaml_node *root) {
  muskx_scenario *sc = c->sc;
  muskx_status st;
  /* start */
  const muskx__yaml_node *s = muskx__yaml_get(root, "start", NULL);
  sc->start_steady = 1;
  if (s != NULL) {
    if ((st = want_scalar(c, s, "'start'")) != MUSKX_OK) return st;
    sc->start_line = s->line;
    sc->start_col = s->col;
    if (strcmp(s->text, "steady") == 0)
      sc->start_steady = 1;
    else if (strcmp(s->text, "defaults") == 0)
      sc->start_steady = 0;
    else
      return fail(c, s, MUSKX_EMODEL,
                  "'start' must be steady or defaults, got '%s'", s->text);
  }
  /* tolerances */
  const muskx__yaml_node *tol = muskx__yaml_get(root, "tolerances", NULL);
  if (tol != NULL) {
    static const char *const keys[] = {"rtol", "atol", NULL};
    if ((st = want_map(c, tol, "'tolerances'")) != MUSKX_OK ||
        (st = check_keys(c, tol, keys, "'tolerances'")) != MUSKX_OK)
      return st;
    double *dst[2] = {&sc->rtol, &sc->atol};
    for (int i = 0; i < 2; i++) {
      const muskx__yaml_node *v = muskx__yaml_get(tol, keys[i], NULL);
      if (v == NULL) continue;
      if ((st = get_number(c, v, keys[i], dst[i])) != MUSKX_OK) return st;
      if (!(*dst[i] > 0 && *dst[i] < 1))
        return fail(c, v, MUSKX_EMODEL, "%s must be in (0, 1), got %g",
                    keys[i], *dst[i]);
    }
  }
  /* recovery_from */
  const muskx__yaml_node *rf = muskx__yaml_get(root, "recovery_from", NULL);
  sc->recovery_from = sc->nphases >= 2 ? sc->nphases - 2 : -1;
  if (rf != NULL) {
    int p;
    if ((st = need_phase(c, rf, &p)) != MUSKX_OK) return st;
    if (p == sc->nphases - 1)
      return fail(c, rf, MUSKX_EMODEL,
                  "'recovery_from' names the last phase '%s'; recovery is "
                  "measured after it ends, so it needs a later phase",
                  rf->text);
    sc->recovery_from = p;
  }
  return MUSKX_OK;
}

static muskx_status load_root(sc_ctx *c, const muskx__yaml_node *root) {
  static const char *const keys[] = {
      "muskx_scenario", "scenario", "model",   "start",
      "set",            "phases",   "countermeasures", "outputs",
      "sampling",       "tolerances", "recovery_from", NULL};
  muskx_status st;
  if ((st = want_map(c, root, "a scenario file")) != MUSKX_OK) return st;
  const muskx__yaml_node *v = muskx__yaml_get(root, "muskx_scenario", NULL);
  if (v == NULL)
    return fail(c, root, MUSKX_EMODEL,
                "missing required key 'muskx_scenario' (the format version, "
                "1); is this a model file?");
  if (v->kind != MUSKX__YAML_SCALAR || strcmp(v->text, "1") != 0 ||
      v->style != MUSKX__YAML_PLAIN)
    return fail(c, v, MUSKX_EMODEL,
                "unsupported scenario format version %s%s%s (this library "
                "reads version 1)", v->kind == MUSKX__YAML_SCALAR ? "'" : "",
                v->kind == MUSKX__YAML_SCALAR ? v->text : "(not a number)",
                v->kind == MUSKX__YAML_SCALAR ? "'" : "");
  if ((st = check_keys(c, root, keys, "a scenario file")) != MUSKX_OK ||
      (st = load_header(c, root)) != MUSKX_OK ||
      (st = load_model(c, root)) != MUSKX_OK ||
      (st = load_sets(c, root)) != MUSKX_OK ||
      (st = load_phases(c, root)) != MUSKX_OK ||
      (st = load_sampling(c, root)) != MUSKX_OK ||
      (st = load_countermeasures(c, root)) != MUSKX_OK ||
      (st = check_builtin_doses(c, root)) != MUSKX_OK ||
      (st = load_outputs(c, root)) != MUSKX_OK ||
      (st = load_rest(c, root)) != MUSKX_OK)
    return st;
  muskx__sc_check_start(c->sc);
  return MUSKX_OK;
}

static muskx_status read_text(const char *path, char **text, size_t *len,
                              muskx_error *err) {
  muskx__loc loc = {path, 0, 0};
  FILE *f = fopen(path, "rb");
  char msg[256];
  if (f == NULL) {
    int e = errno;
    if (strerror_r(e, msg, sizeof msg) != 0)
      snprintf(msg, sizeof msg, "errno %d", e);
    return muskx__seterr(err, MUSKX_EIO, &loc, "cannot open '%s': %s", path,
                         msg);
  }
  size_t cap = 8192, n = 0;
  char *b = muskx__alloc(cap);
  muskx_status st = MUSKX_OK;
  while (b != NULL) {
    if (n == cap) {
      if (cap > SC_MAX_FILE) {
        st = muskx__seterr(err, MUSKX_ELIMIT, &loc,
                           "scenario file '%s' is larger than 4 MiB", path);
        break;
      }
      char *nb = muskx__realloc(b, cap * 2);
      if (nb == NULL) break;
      b = nb;
      cap *= 2;
    }
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (b == NULL || (st == MUSKX_OK && n == cap))
    st = muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  else if (st == MUSKX_OK && ferror(f)) {
    int e = errno;
    if (strerror_r(e, msg, sizeof msg) != 0)
      snprintf(msg, sizeof msg, "errno %d", e);
    st = muskx__seterr(err, MUSKX_EIO, &loc, "cannot read '%s': %s", path,
                       msg);
  }
  fclose(f);
  if (st != MUSKX_OK) {
    muskx__free(b);
    return st;
  }
  *text = b;
  *len = n;
  return MUSKX_OK;
}

muskx_status muskx_scenario_load_file(const char *path, muskx_scenario **out,
                                      muskx_error *err) {
  return muskx_scenario_load_file_with(path, NULL, out, err);
}

static muskx_status scenario_load(const char *path,
                                  const muskx_access *access,
                                  muskx_scenario **out,
                                  muskx_error *err) {
  muskx__clearerr(err);
  if (out == NULL || path == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "path and out must not be NULL");
  *out = NULL;
  muskx_error local;
  if (err == NULL) err = &local; /* the loader reads its messages back */
  char *text = NULL;
  size_t len = 0;
  muskx_status st = read_text(path, &text, &len, err);
  if (st != MUSKX_OK) return st;
  muskx__yaml_node *root = NULL;
  st = muskx__yaml_parse(text, len, path, &root, err);
  muskx__free(text);
  if (st != MUSKX_OK) return st;
  muskx_scenario *sc = muskx__calloc(1, sizeof *sc);
  if (sc == NULL) {
    muskx__yaml_free(root);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  sc->source = muskx__strdup(path);
  muskx__folders scope;
  st = muskx__folders_open(&scope, access, path, err);
  sc_ctx c = {sc, path, err, &scope};
  if (st == MUSKX_OK)
    st = sc->source == NULL ? nomem(&c) : load_root(&c, root);
  muskx__folders_close(&scope);
  muskx__yaml_free(root);
  if (st != MUSKX_OK) {
    muskx_scenario_free(sc);
    return st;
  }
  *out = sc;
  return MUSKX_OK;
}

muskx_status muskx_scenario_load_file_with(const char *path,
                                           const muskx_access *access,
                                           muskx_scenario **out,
                                           muskx_error *err) {
  muskx__c_numeric num; /* numbers with a '.' point (numlocale.h) */
  if (out != NULL) *out = NULL;
  muskx_status st = muskx__c_numeric_enter(&num, err);
  if (st != MUSKX_OK) return st;
  st = scenario_load(path, access, out, err);
  muskx__c_numeric_leave(&num);
  return st;
}

void muskx_scenario_free(muskx_scenario *sc) {
  if (sc == NULL) return;
  muskx_model_free(sc->model);
  muskx__free(sc->source);
  muskx__free(sc->id);
  muskx__free(sc->name);
  muskx__free(sc->description);
  for (int i = 0; i < sc->nrefs; i++) muskx__free(sc->refs[i]);
  muskx__free(sc->refs);
  for (int i = 0; i < sc->nsets; i++) muskx__free(sc->sets[i].name);
  muskx__free(sc->sets);
  for (int i = 0; i < sc->nphases; i++) muskx__free(sc->phases[i].name);
  muskx__free(sc->phases);
  for (int i = 0; i < sc->ninputs; i++) {
    muskx__free(sc->inputs[i].values);
    muskx__free(sc->inputs[i].explicit_);
  }
  muskx__free(sc->inputs);
  muskx__sc_param_tables_free(sc);
  for (int i = 0; i < sc->ndoses; i++) muskx__free(sc->doses[i].target);
  muskx__free(sc->doses);
  for (int i = 0; i < sc->nreports; i++) muskx__free(sc->reports[i].name);
  muskx__free(sc->reports);
  muskx__free(sc);
}

/* ---------------------------------------------------------------------- */
/* Changing a loaded scenario (its queries are in scenario_query.c)         */

/* A private shallow copy of sc whose `sets` are sc's followed by
   names[i] = values[i] (later entries win, as muskx_scenario_set()
   overrides do, and as the ensemble's samples run, ensemble_scenario.c;
   the phase tables take a name's LAST entry as its baseline too,
   scenario_params.c / scenario_query.c): sc is only read, so a shared
   scenario runs with one caller's values while others run it with theirs
   (session 25: the Python binding's run_scenario(sc, set=) reloaded sc's
   file instead, so a file edited on disk ran edited). Every other array is
   shared with sc, read-only; free the copy with free_copy(). The reason
   for a refusal is written into err. */
static muskx_status copy_with(const muskx_scenario *sc, int n,
                              const char *const *names, const double *values,
                              muskx_scenario **out, char *bwarn, size_t bsize,
                              muskx_error *err) {
  *out = NULL;
  if (sc == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "no scenario (NULL)");
  if (n < 0)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "%d settings: the count must not be negative", n);
  if (n > 0 && names == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "%d settings but no list of names (NULL)", n);
  if (n > 0 && values == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "%d settings but no list of values (NULL)", n);
  for (int i = 0; i < n; i++) {
    if (names[i] == NULL)
      return muskx__seterr(err, MUSKX_EINVAL, NULL, "setting %d has no name",
                           i);
    if (!settable(sc->model, names[i])) {
      char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
      const char *near = near_settable(sc->model, names[i]);
      return muskx__seterr(
          err, MUSKX_ENOTFOUND, NULL, "model '%s' has no parameter, species "
          "or input '%s'%s", muskx_model_id(sc->model), names[i],
          did_you_mean(sc->model, names[i], near, hint, sizeof hint));
    }
    if (!isfinite(values[i]))
      return muskx__seterr(err, MUSKX_EINVAL, NULL,
                           "value of '%s' is not finite", names[i]);
  }
  /* a built-in dose among them: the rule of a scenario's set: (session
     28: Python run_scenario(sc, set={'dmab_dose': 60}) on a denosumab
     scenario added up silently) */
  char why[MUSKX_ERROR_MESSAGE_MAX];
  if (muskx__sc_builtin_rule_sets(sc, n, names, values, SET_FOR_RUN, bwarn,
                                  bsize, why, sizeof why) < 0)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "%s", why);
  size_t total = (size_t)sc->nsets + (size_t)n;
  muskx__sc_set *sets = muskx__calloc(total ? total : 1, sizeof *sets);
  muskx_scenario *copy = muskx__calloc(1, sizeof *copy);
  if (sets == NULL || copy == NULL) {
    muskx__free(sets);
    muskx__free(copy);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  if (sc->nsets > 0) memcpy(sets, sc->sets, (size_t)sc->nsets * sizeof *sets);
  for (int i = 0; i < n; i++) {
    sets[sc->nsets + i].name = (char *)names[i];
    sets[sc->nsets + i].value = values[i];
  }
  *copy = *sc;
  copy->sets = sets;
  copy->nsets = copy->cap_sets = (int)total;
  *out = copy;
  return MUSKX_OK;
}

/* Frees what copy_with() allocated (not the arrays shared with sc). */
static void free_copy(muskx_scenario *copy) {
  if (copy == NULL) return;
  muskx__free(copy->sets);
  muskx__free(copy);
}

muskx_status muskx_scenario_run_with(const muskx_scenario *sc, muskx_sim *sim,
                                     int n, const char *const *names,
                                     const double *values, double *out,
                                     size_t nrows, size_t *rows_done) {
  if (rows_done != NULL) *rows_done = 0;
  if (sim == NULL) return MUSKX_EINVAL;
  muskx_scenario *copy;
  muskx_error err;
  muskx_status st = copy_with(sc, n, names, values, &copy, NULL, 0, &err);
  if (st != MUSKX_OK) return muskx__sim_err(sim, st, "%s", err.message);
  st = muskx_scenario_run(copy, sim, out, nrows, rows_done);
  free_copy(copy);
  return st;
}

muskx_status muskx_scenario_start_warning_with(const muskx_scenario *sc,
                                               int n,
                                               const char *const *names,
                                               const double *values,
                                               char *warning, size_t size,
                                               muskx_error *err) {
  muskx__clearerr(err);
  if (warning != NULL && size > 0) warning[0] = '\0';
  if (warning == NULL && size > 0)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "no buffer (NULL) for a warning of %zu bytes", size);
  muskx_scenario *copy;
  char bwarn[sizeof sc->builtin_warning], why[MUSKX_ERROR_MESSAGE_MAX];
  muskx_status st = copy_with(sc, n, names, values, &copy, NULL, 0, err);
  if (st != MUSKX_OK) return st;
  /* its numbers in the C locale, as muskx_scenario_set() words it */
  muskx__c_numeric num;
  if ((st = muskx__c_numeric_enter(&num, err)) != MUSKX_OK) {
    free_copy(copy);
    return st;
  }
  muskx__sc_check_start(copy);
  muskx__sc_builtin_rule_sets(sc, n, names, values, SET_FOR_RUN, bwarn,
                              sizeof bwarn, why, sizeof why);
  muskx__c_numeric_leave(&num);
  /* the start warning, then a built-in dose's on a line of its own */
  if (size > 0)
    snprintf(warning, size, "%s%s%s", copy->warning,
             copy->warning[0] != '\0' && bwarn[0] != '\0' ? "\n" : "",
             bwarn);
  free_copy(copy);
  return MUSKX_OK;
}

/* After a set of a built-in dose parameter: the warning about one (from
   load or an earlier set) must follow the values now in force: when its
   parameter is set again, it is rewritten for the first one still
   non-zero, or cleared (review rev27c M3: --set dmab_dose=0 kept it). A
   phase's warning stays: no set changes the phase's own value. */
static void builtin_warning_recheck(muskx_scenario *sc, const char *name) {
  const muskx_model *m = sc->model;
  if (sc->builtin_param1 < 0) return;
  if (sc->builtin_param1 > 0 &&
      strcmp(m->params[sc->builtin_param1 - 1].name, name) == 0) {
    sc->builtin_warning[0] = '\0'; /* its value changed: rewritten below */
    sc->builtin_param1 = 0;
  }
  for (int k = 0; k < sc->nsets && sc->builtin_param1 == 0; k++) {
    const char *kname = sc->sets[k].name;
    int later = 0; /* the last entry of a name is the value in force */
    for (int j = k + 1; j < sc->nsets && !later; j++)
      later = strcmp(sc->sets[j].name, kname) == 0;
    if (later ||
        muskx__sc_builtin_rule(sc, kname, sc->sets[k].value, SET_OVER, 0, 0,
                               sc->builtin_warning,
                               sizeof sc->builtin_warning) <= 0)
      continue;
    sc->builtin_param1 = muskx_model_find(m, MUSKX_PARAMETER, kname) + 1;
  }
}

muskx_status muskx_scenario_set(muskx_scenario *sc, const char *name,
                                double value) {
  if (sc == NULL || name == NULL) return MUSKX_EINVAL;
  sc->errmsg[0] = '\0';
  if (!settable(sc->model, name)) {
    char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
    const char *near = near_settable(sc->model, name);
    snprintf(sc->errmsg, sizeof sc->errmsg,
             "model '%s' has no parameter, species or input '%s'%s",
             muskx_model_id(sc->model), name,
             did_you_mean(sc->model, name, near, hint, sizeof hint));
    return MUSKX_ENOTFOUND;
  }
  if (!isfinite(value)) {
    snprintf(sc->errmsg, sizeof sc->errmsg, "value of '%s' is not finite",
             name);
    return MUSKX_EINVAL;
  }
  int in = muskx_model_find(sc->model, MUSKX_INPUT, name);
  char ibuf[MUSKX_ERROR_MESSAGE_MAX / 2];
  const char *ibad =
      in >= 0 ? muskx__sc_input_check(sc, in, value, ibuf, sizeof ibuf) : NULL;
  if (ibad != NULL) {
    snprintf(sc->errmsg, sizeof sc->errmsg, "value %g of '%s' %s", value,
             name, ibad);
    return MUSKX_EINVAL;
  }
  /* as a scenario's set: (check_builtin_doses): a built-in dose next to
     a drug entry of that agent would add up silently (review rev27b M1:
     `muskx run --set dmab_dose=60` on a denosumab scenario) */
  if (muskx__sc_builtin_rule(sc, name, value, SET_OVER, 0, 0, sc->errmsg,
                             sizeof sc->errmsg) < 0)
    return MUSKX_EINVAL;
  sc->errmsg[0] = '\0'; /* a warning only: written by the recheck below */
  int bp = muskx_model_find(sc->model, MUSKX_PARAMETER, name), bev, bdepot;
  int bagent = bp >= 0 ? muskx__sc_builtin_dose(sc->model, bp, &bev, &bdepot)
                       : -1;
  /* the start warning is recomputed below with its numbers in the C
     locale (numlocale.h); when the locale cannot be entered, the value is
     not set and the scenario (its warning too) stays as it was, rather
     than keep a warning that may no longer hold or drop one that does */
  muskx__c_numeric num;
  muskx_error lerr;
  if (muskx__c_numeric_enter(&num, &lerr) != MUSKX_OK) {
    snprintf(sc->errmsg, sizeof sc->errmsg,
             "cannot set '%.200s': %.200s while entering the C locale to "
             "recheck the start warning (the scenario is unchanged)", name,
             lerr.message);
    return lerr.status;
  }
  if (add_set(sc, name, value, 0, 0) != MUSKX_OK) {
    muskx__c_numeric_leave(&num);
    snprintf(sc->errmsg, sizeof sc->errmsg, "out of memory");
    return MUSKX_ENOMEM;
  }
  if (bagent >= 0) builtin_warning_recheck(sc, name);
  muskx__sc_check_start(sc);
  muskx__c_numeric_leave(&num);
  return MUSKX_OK;
}
