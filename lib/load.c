/*
 * load.c -- the model loader's entry point: the top level, the `model`
 * section, the declaration phase (every name into the symbol table) and
 * the helpers the other load_*.c files share. See load.h for the phases.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "load.h"
#include "scenario.h" /* muskx__sc_model_unit_days */
#include "symtab.h"

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                          */

muskx__loc muskx__load_loc(const muskx__load_ctx *c, const muskx__yaml_node *n) {
  muskx__loc loc = {c->file, n ? n->line : 0, n ? n->col : 0};
  return loc;
}

static muskx_status vfail(muskx__load_ctx *c, int line, int col,
                          muskx_status st, const char *fmt, va_list ap)
    MUSKX__PRINTF(5, 0);

static muskx_status vfail(muskx__load_ctx *c, int line, int col,
                          muskx_status st, const char *fmt, va_list ap) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  vsnprintf(msg, sizeof msg, fmt, ap);
  muskx__loc loc = {c->file, line, col};
  return muskx__seterr(c->err, st, &loc, "%s", msg);
}

muskx_status muskx__load_fail(muskx__load_ctx *c, const muskx__yaml_node *n,
                              muskx_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  muskx_status r = vfail(c, n ? n->line : 0, n ? n->col : 0, st, fmt, ap);
  va_end(ap);
  return r;
}

muskx_status muskx__load_fail_at(muskx__load_ctx *c, int line, int col,
                                 muskx_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  muskx_status r = vfail(c, line, col, st, fmt, ap);
  va_end(ap);
  return r;
}

muskx_status muskx__load_nomem(muskx__load_ctx *c) {
  return muskx__seterr(c->err, MUSKX_ENOMEM, NULL, "out of memory");
}

const char *muskx__load_describe(const muskx__yaml_node *n, char *buf,
                                 size_t size) {
  if (n == NULL || muskx__yaml_is_null(n)) return "nothing";
  if (n->kind == MUSKX__YAML_MAP) return "a mapping";
  if (n->kind == MUSKX__YAML_SEQ) return "a list";
  if (n->len > 40)
    snprintf(buf, size, "'%.40s...'", n->text);
  else
    snprintf(buf, size, "'%s'", n->text);
  return buf;
}

muskx_status muskx__load_check_keys(muskx__load_ctx *c,
                                    const muskx__yaml_node *map,
                                    const char *const *allowed,
                                    const char *what) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->text;
    int ok = 0;
    for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, k) == 0;
    if (ok) continue;
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (const char *const *a = allowed; *a; a++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s",
                       a == allowed ? "" : ", ", *a);
      if (w < 0 || (size_t)w >= sizeof list - used) break;
      used += (size_t)w;
    }
    return muskx__load_fail(c, map->keys[i], MUSKX_EMODEL,
                            "unknown key '%.200s' %s (expected one of: %s)", k,
                            what, list);
  }
  return MUSKX_OK;
}

muskx_status muskx__load_string(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *what, char **out) {
  char buf[64];
  if (n != NULL && n->kind != MUSKX__YAML_SCALAR)
    return muskx__load_fail(c, n, MUSKX_EMODEL, "expected a string for %s, got %s",
                            what, muskx__load_describe(n, buf, sizeof buf));
  char *s = muskx__strdup(n == NULL || muskx__yaml_is_null(n) ? "" : n->text);
  if (s == NULL) return muskx__load_nomem(c);
  *out = s;
  return MUSKX_OK;
}

muskx_status muskx__load_opt_string(muskx__load_ctx *c,
                                    const muskx__yaml_node *map,
                                    const char *key, const char *owner,
                                    char **out) {
  char what[400];
  snprintf(what, sizeof what, "'%s' of %s", key, owner);
  return muskx__load_string(c, muskx__yaml_get(map, key, NULL), what, out);
}

void muskx__load_words_free(char **words, int n) {
  for (int i = 0; i < n; i++) muskx__free(words[i]);
  muskx__free(words);
}

muskx_status muskx__load_words(muskx__load_ctx *c, const muskx__yaml_node *map,
                               const char *key, const char *owner, char ***out,
                               int *n) {
  const muskx__yaml_node *v = muskx__yaml_get(map, key, NULL);
  char buf[64];
  if (v == NULL) return MUSKX_OK;
  if (v->kind != MUSKX__YAML_SEQ || v->n == 0 || v->n > MUSKX__LOAD_MAX_WORDS)
    return muskx__load_fail(c, v, MUSKX_EMODEL,
                            "'%s' of %s must be a list of 1 to %d names, got "
                            "%s", key, owner, MUSKX__LOAD_MAX_WORDS,
                            muskx__load_describe(v, buf, sizeof buf));
  char **w = muskx__calloc(v->n, sizeof *w);
  if (w == NULL) return muskx__load_nomem(c);
  for (size_t i = 0; i < v->n; i++) {
    const muskx__yaml_node *it = v->items[i];
    int ok = it->kind == MUSKX__YAML_SCALAR && it->len > 0 && it->len <= 64;
    for (size_t k = 0; ok && k < it->len; k++) {
      char ch = it->text[k];
      ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == ' ';
    }
    if (!ok) {
      muskx__load_words_free(w, (int)v->n);
      return muskx__load_fail(c, it, MUSKX_EMODEL,
                              "'%s' of %s: each must be a name of letters, "
                              "digits, '-', '_' or blanks (at most 64), got %s",
                              key, owner,
                              muskx__load_describe(it, buf, sizeof buf));
    }
    if ((w[i] = muskx__strdup(it->text)) == NULL) {
      muskx__load_words_free(w, (int)v->n);
      return muskx__load_nomem(c);
    }
  }
  *out = w;
  *n = (int)v->n;
  return MUSKX_OK;
}

muskx_status muskx__load_bool(muskx__load_ctx *c, const muskx__yaml_node *n,
                              const char *what, int *out) {
  static const char *const yes[] = {"true", "True", "TRUE", NULL};
  static const char *const no[] = {"false", "False", "FALSE", NULL};
  if (n->kind == MUSKX__YAML_SCALAR && n->style == MUSKX__YAML_PLAIN) {
    for (int i = 0; yes[i]; i++)
      if (strcmp(n->text, yes[i]) == 0) return *out = 1, MUSKX_OK;
    for (int i = 0; no[i]; i++)
      if (strcmp(n->text, no[i]) == 0) return *out = 0, MUSKX_OK;
  }
  char buf[64];
  return muskx__load_fail(c, n, MUSKX_EMODEL,
                          "expected true or false for %s, got %s", what,
                          muskx__load_describe(n, buf, sizeof buf));
}

/* YAML's spellings of infinities and NaN (1.1 and 1.2 core schema). */
static int is_yaml_nonfinite(const muskx__yaml_node *n) {
  if (n->kind != MUSKX__YAML_SCALAR || n->style != MUSKX__YAML_PLAIN) return 0;
  const char *s = n->text;
  if (*s == '+' || *s == '-') s++;
  static const char *const words[] = {".inf", ".Inf", ".INF", ".nan",
                                      ".NaN", ".NAN", NULL};
  for (int i = 0; words[i]; i++)
    if (strcmp(s, words[i]) == 0) return 1;
  return 0;
}

/* Appends " (what)" to a message the expression parser filled, so that
   "unexpected ')' in expression" also says which expression. */
static void add_context(muskx__load_ctx *c, const char *what) {
  size_t l = strlen(c->err->message);
  if (l < sizeof c->err->message - 1)
    snprintf(c->err->message + l, sizeof c->err->message - l, " (%s)", what);
}

muskx_status muskx__load_expr(muskx__load_ctx *c, const muskx__yaml_node *n,
                              const char *what, muskx__expr **out) {
  char buf[64];
  if (n == NULL || n->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(n))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "expected a number or an expression for %s, got %s",
                            what, muskx__load_describe(n, buf, sizeof buf));
  if (is_yaml_nonfinite(n))
    return muskx__load_fail(c, n, MUSKX_EMODEL,
                            "non-finite value '%s' for %s", n->text, what);
  muskx__expr *e = muskx__expr_parse(n->text, n->len, c->file, n->text_line,
                                     n->text_col, c->err);
  if (e == NULL) {
    if (c->err->status != MUSKX_ENOMEM) add_context(c, what);
    return c->err->status;
  }
  *out = e;
  return MUSKX_OK;
}

muskx_status muskx__load_number(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *what, double *out) {
  char buf[64];
  if (n->kind == MUSKX__YAML_SCALAR && is_yaml_nonfinite(n))
    return muskx__load_fail(c, n, MUSKX_EMODEL, "non-finite value '%s' for %s",
                            n->text, what);
  if (n->kind == MUSKX__YAML_SCALAR && n->style == MUSKX__YAML_PLAIN &&
      n->len > 0) {
    /* The expression parser is the one strict number lexer; a literal
       (with its sign folded in) is exactly a number. Its error is thrown
       away: the message below says what was expected instead. */
    muskx_error scratch;
    muskx__expr *e = muskx__expr_parse(n->text, n->len, c->file, n->text_line,
                                       n->text_col, &scratch);
    if (e == NULL && scratch.status == MUSKX_ENOMEM) return muskx__load_nomem(c);
    if (e != NULL && e->kind == MUSKX__E_NUM) {
      *out = e->num;
      muskx__expr_free(e);
      return MUSKX_OK;
    }
    muskx__expr_free(e);
  }
  return muskx__load_fail(c, n, MUSKX_EMODEL, "expected a number for %s, got %s",
                          what, muskx__load_describe(n, buf, sizeof buf));
}

muskx_status muskx__load_check_ident(muskx__load_ctx *c, const char *name,
                                     int line, int col, const char *what) {
  size_t len = strlen(name);
  int ok = len > 0;
  for (size_t i = 0; i < len && ok; i++) {
    char ch = name[i];
    int alpha = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
    int digit = ch >= '0' && ch <= '9';
    ok = alpha || (i > 0 && digit);
  }
  if (!ok)
    return muskx__load_fail_at(
        c, line, col, MUSKX_EMODEL,
        "bad %s name '%.200s' (a name is letters, digits and '_', not "
        "starting with a digit)",
        what, name);
  if (len > MUSKX__LOAD_MAX_NAME)
    return muskx__load_fail_at(c, line, col, MUSKX_ELIMIT,
                               "%s name '%.40s...' is longer than %d characters",
                               what, name, MUSKX__LOAD_MAX_NAME);
  return MUSKX_OK;
}

static const char *kind_noun(muskx__sym_kind k) {
  switch (k) {
    case MUSKX__SYM_PARAM: return "parameter";
    case MUSKX__SYM_SPECIES: return "species";
    case MUSKX__SYM_COMPARTMENT: return "compartment";
    case MUSKX__SYM_INPUT: return "input";
    case MUSKX__SYM_ASSIGNMENT: return "assignment";
    case MUSKX__SYM_OUTPUT: return "output";
    case MUSKX__SYM_REACTION: return "reaction";
    case MUSKX__SYM_FUNCTION: return "function";
    case MUSKX__SYM_EVENT: return "event";
    default: return "thing";
  }
}

muskx_status muskx__load_declare(muskx__load_ctx *c, const muskx__yaml_node *at,
                                 const char *name, muskx__sym_kind kind,
                                 int index, char **full) {
  muskx_status st = muskx__load_check_ident(c, name, at->line, at->col,
                                            kind_noun(kind));
  if (st != MUSKX_OK) return st;
  if (strcmp(name, "t") == 0 || strcmp(name, "time") == 0)
    return muskx__load_fail(c, at, MUSKX_EMODEL,
                            "'%s' is reserved (the current time)", name);
  if (muskx__builtin_lookup(name) != MUSKX__F_NONE)
    return muskx__load_fail(c, at, MUSKX_EMODEL,
                            "'%s' is a built-in function and cannot be used as "
                            "a name",
                            name);
  size_t pl = strlen(c->prefix), nl = strlen(name);
  char *s = muskx__alloc(pl + nl + 1);
  if (s == NULL) return muskx__load_nomem(c);
  memcpy(s, c->prefix, pl);
  memcpy(s + pl, name, nl + 1);
  muskx__symbol sym = {kind, index, muskx__load_loc(c, at)};
  const muskx__symbol *old = NULL;
  int r = muskx__symtab_add(c->m->symtab, s, sym, &old);
  if (r < 0) {
    muskx__free(s);
    return muskx__load_nomem(c);
  }
  if (r == 1) {
    muskx__free(s);
    return muskx__load_fail(c, at, MUSKX_EMODEL,
                            "duplicate name '%s' (first defined at line %d:%d)",
                            name, old->loc.line, old->loc.col);
  }
  *full = s;
  return MUSKX_OK;
}

muskx_status muskx__load_grow(muskx__load_ctx *c, void **arr, int n, size_t size,
                              int slot, const char *what) {
  int *cap = &c->sh->cap[slot];
  if (n >= MUSKX__LOAD_MAX_TOTAL)
    return muskx__seterr(c->err, MUSKX_ELIMIT, NULL,
                         "too many %s in the model and its imports (more than %d)",
                         what, MUSKX__LOAD_MAX_TOTAL);
  if (n >= *cap) {
    /* Doubling keeps appending linear; a section of n entries of one file
       would otherwise reallocate n times. */
    int ncap = *cap ? (*cap > MUSKX__LOAD_MAX_TOTAL / 2 ? MUSKX__LOAD_MAX_TOTAL : 2 * *cap)
                    : 8;
    void *na = muskx__reallocarray(*arr, (size_t)ncap, size);
    if (na == NULL) return muskx__load_nomem(c);
    *arr = na;
    *cap = ncap;
  }
  memset((char *)*arr + (size_t)n * size, 0, size);
  return MUSKX_OK;
}

const char *muskx__load_full(const muskx__load_ctx *c, const char *name,
                             char *buf, size_t size) {
  snprintf(buf, size, "%s%s", c->prefix, name);
  return buf;
}

muskx_status muskx__load_section(muskx__load_ctx *c, const muskx__yaml_node *key,
                                 const muskx__yaml_node *val,
                                 muskx__yaml_kind want, size_t *n) {
  char buf[64];
  *n = 0;
  if (muskx__yaml_is_null(val)) return MUSKX_OK; /* "species:" alone */
  if (val->kind != want)
    return muskx__load_fail(c, val, MUSKX_EMODEL, "expected %s for '%s', got %s",
                            want == MUSKX__YAML_MAP ? "a mapping" : "a list",
                            key->text, muskx__load_describe(val, buf, sizeof buf));
  if (val->n > MUSKX__LOAD_MAX_ITEMS)
    return muskx__load_fail(c, key, MUSKX_ELIMIT,
                            "too many entries in '%s' (more than %d)", key->text,
                            MUSKX__LOAD_MAX_ITEMS);
  *n = val->n;
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* The `model` section                                                     */

/* Reads the `model` section into m: the loaded model for the top file,
   a scratch one for an imported file (checked, then thrown away). */
static muskx_status load_model_info(muskx__load_ctx *c, muskx_model *m,
                                    const muskx__yaml_node *key,
                                    const muskx__yaml_node *v) {
  static const char *const keys[] = {"id", "name", "description", "time_unit",
                                     "references", "sbml_level", NULL};
  char buf[64];
  if (v->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, v, MUSKX_EMODEL, "expected a mapping for 'model', got %s",
                            muskx__load_describe(v, buf, sizeof buf));
  muskx_status st = muskx__load_check_keys(c, v, keys, "in model");
  if (st != MUSKX_OK) return st;
  muskx__yaml_node *id = muskx__yaml_get(v, "id", NULL);
  if (id == NULL)
    return muskx__load_fail(c, key, MUSKX_EMODEL, "missing required key 'id' in model");
  if (id->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(id))
    return muskx__load_fail(c, id, MUSKX_EMODEL,
                            "expected a name for 'id' of model, got %s",
                            muskx__load_describe(id, buf, sizeof buf));
  if ((st = muskx__load_check_ident(c, id->text, id->line, id->col, "model")) != MUSKX_OK)
    return st;
  if ((st = muskx__load_string(c, id, "'id' of model", &m->id)) != MUSKX_OK ||
      (st = muskx__load_opt_string(c, v, "name", "model", &m->name)) != MUSKX_OK ||
      (st = muskx__load_opt_string(c, v, "description", "model",
                                   &m->description)) != MUSKX_OK ||
      (st = muskx__load_opt_string(c, v, "time_unit", "model", &m->time_unit)) !=
          MUSKX_OK)
    return st;
  const muskx__yaml_node *lv = muskx__yaml_get(v, "sbml_level", NULL);
  if (lv != NULL) {
    /* provenance of `muskx import` (extension): Level 1-2 events true at
       the start get a warning (model_warnings.c) */
    if (lv->kind != MUSKX__YAML_SCALAR ||
        !(strcmp(lv->text, "1") == 0 || strcmp(lv->text, "2") == 0 ||
          strcmp(lv->text, "3") == 0))
      return muskx__load_fail(c, lv, MUSKX_EMODEL,
                              "expected 1, 2 or 3 for 'sbml_level' of model, "
                              "got %s", muskx__load_describe(lv, buf, sizeof buf));
    m->sbml_level = lv->text[0] - '0';
  }
  const muskx__yaml_node *refs = muskx__yaml_get(v, "references", NULL);
  if (refs == NULL || muskx__yaml_is_null(refs)) return MUSKX_OK;
  if (refs->kind != MUSKX__YAML_SEQ)
    return muskx__load_fail(c, refs, MUSKX_EMODEL,
                            "expected a list of strings for 'references' of model, got %s",
                            muskx__load_describe(refs, buf, sizeof buf));
  if (refs->n > MUSKX__LOAD_MAX_ITEMS)
    return muskx__load_fail(c, refs, MUSKX_ELIMIT,
                            "too many entries in 'references' (more than %d)",
                            MUSKX__LOAD_MAX_ITEMS);
  m->references = muskx__calloc(refs->n, sizeof *m->references);
  if (m->references == NULL) return muskx__load_nomem(c);
  for (size_t i = 0; i < refs->n; i++) {
    const muskx__yaml_node *r = refs->items[i];
    if (r->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(r))
      return muskx__load_fail(c, r, MUSKX_EMODEL,
                              "expected a string in 'references' of model, got %s",
                              muskx__load_describe(r, buf, sizeof buf));
    if ((m->references[i] = muskx__strdup(r->text)) == NULL) return muskx__load_nomem(c);
    m->nreferences++;
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Declarations                                                            */

/*
 * Parses a function key "name(a, b)": *name and the argument names are
 * owned copies. Errors point at the offending character of the key.
 */
static muskx_status parse_signature(muskx__load_ctx *c, const muskx__yaml_node *k,
                                    muskx__function *f, char **name) {
  const char *s = k->text;
  size_t len = k->len, i = 0;
  int line = k->text_line, col0 = k->text_col;
#define AT(off) muskx__load_fail_at(c, line, col0 + (int)(off), MUSKX_EMODEL,
  while (i < len && s[i] != '(' && s[i] != ' ') i++;
  size_t nend = i;
  while (i < len && s[i] == ' ') i++;
  if (i >= len || s[i] != '(')
    return AT(i) "expected '(' after the name in function '%.200s' (write "
                 "'name(arg1, arg2)')", s);
  if (nend == 0) return AT(0) "missing name in function '%.200s'", s);
  if ((*name = muskx__strndup(s, nend)) == NULL) return muskx__load_nomem(c);
  i++; /* '(' */
  for (;;) {
    while (i < len && s[i] == ' ') i++;
    if (i < len && s[i] == ')' && f->nargs == 0) break;
    size_t a0 = i;
    while (i < len && s[i] != ',' && s[i] != ')' && s[i] != ' ') i++;
    if (i == a0)
      return AT(i) "expected an argument name in function '%.200s'", s);
    char *arg = muskx__strndup(s + a0, i - a0);
    if (arg == NULL) return muskx__load_nomem(c);
    char **na = muskx__reallocarray(f->argnames, (size_t)f->nargs + 1, sizeof *na);
    if (na == NULL) {
      muskx__free(arg);
      return muskx__load_nomem(c);
    }
    f->argnames = na;
    f->argnames[f->nargs++] = arg;
    muskx_status st = muskx__load_check_ident(c, arg, line, col0 + (int)a0, "argument");
    if (st != MUSKX_OK) return st;
    if (strcmp(arg, "t") == 0 || strcmp(arg, "time") == 0)
      return AT(a0) "'%s' is reserved (the current time)", arg);
    if (muskx__builtin_lookup(arg) != MUSKX__F_NONE)
      return AT(a0) "'%s' is a built-in function and cannot be used as a name", arg);
    for (int j = 0; j < f->nargs - 1; j++)
      if (strcmp(f->argnames[j], arg) == 0)
        return AT(a0) "duplicate argument '%s' in function '%s'", arg, *name);
    while (i < len && s[i] == ' ') i++;
    if (i < len && s[i] == ',') {
      i++;
      continue;
    }
    if (i < len && s[i] == ')') break;
    return AT(i) "expected ',' or ')' in function '%.200s'", s);
  }
  i++; /* ')' */
  while (i < len && s[i] == ' ') i++;
  if (i < len) return AT(i) "unexpected '%c' after ')' in function '%.200s'", s[i], s);
#undef AT
  return MUSKX_OK;
}

static muskx_status declare_functions(muskx__load_ctx *c, const muskx__yaml_node *key,
                                      const muskx__yaml_node *v) {
  size_t n;
  muskx_status st = muskx__load_section(c, key, v, MUSKX__YAML_MAP, &n);
  if (st != MUSKX_OK || n == 0) return st;
  muskx_model *m = c->m;
  c->fn_base = m->nfunctions;
  for (size_t i = 0; i < n; i++) {
    if ((st = muskx__load_grow(c, (void **)&m->functions, m->nfunctions,
                               sizeof *m->functions, MUSKX__SYM_FUNCTION,
                               "functions")) != MUSKX_OK)
      return st;
    int index = m->nfunctions;
    muskx__function *f = &m->functions[m->nfunctions++];
    c->nfn++;
    const muskx__yaml_node *k = v->keys[i];
    f->loc = muskx__load_loc(c, k);
    char *name = NULL;
    st = parse_signature(c, k, f, &name);
    if (st == MUSKX_OK) {
      muskx__yaml_node at = *k; /* name position: the key's text */
      at.line = k->text_line;
      at.col = k->text_col;
      st = muskx__load_declare(c, &at, name, MUSKX__SYM_FUNCTION, index, &f->name);
    }
    muskx__free(name);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* Mapping sections whose keys are names: parameters, species, ... Each
   entry is appended to its array; a parameter or input that the importing
   file binds to an assignment (load_imports.c) is appended to the
   assignments instead, keeping its name. */
static muskx_status declare_names(muskx__load_ctx *c, const muskx__yaml_node *key,
                                  const muskx__yaml_node *v, muskx__sym_kind kind) {
  size_t n;
  muskx_status st = muskx__load_section(c, key, v, MUSKX__YAML_MAP, &n);
  if (st != MUSKX_OK || n == 0) return st;
  muskx_model *m = c->m;
  for (size_t i = 0; i < n; i++) {
    const muskx__yaml_node *k = v->keys[i];
    muskx__loc loc = muskx__load_loc(c, k);
    muskx__sym_kind as = kind;
    const muskx__load_bind *b = NULL;
    if (kind == MUSKX__SYM_PARAM || kind == MUSKX__SYM_INPUT) {
      b = muskx__load_bound(c, k->text);
      if (b != NULL) as = b->kind;
    }
    void **arr;
    int *count;
    size_t size;
    const char *what;
    switch (as) {
      case MUSKX__SYM_PARAM:
        arr = (void **)&m->params, count = &m->nparams, size = sizeof *m->params;
        what = "parameters";
        break;
      case MUSKX__SYM_SPECIES:
        arr = (void **)&m->species, count = &m->nspecies, size = sizeof *m->species;
        what = "species";
        break;
      case MUSKX__SYM_COMPARTMENT:
        arr = (void **)&m->compartments, count = &m->ncompartments,
        size = sizeof *m->compartments, what = "compartments";
        break;
      case MUSKX__SYM_INPUT:
        arr = (void **)&m->inputs, count = &m->ninputs, size = sizeof *m->inputs;
        what = "inputs";
        break;
      case MUSKX__SYM_ASSIGNMENT:
        arr = (void **)&m->assignments, count = &m->nassignments,
        size = sizeof *m->assignments, what = "assignments";
        break;
      default:
        arr = (void **)&m->outputs, count = &m->noutputs, size = sizeof *m->outputs;
        what = "outputs";
    }
    if ((st = muskx__load_grow(c, arr, *count, size, (int)as, what)) != MUSKX_OK)
      return st;
    int index = *count;
    char **name;
    switch (as) {
      case MUSKX__SYM_PARAM: {
        muskx__param *p = &m->params[index];
        p->loc = loc, name = &p->name, p->min = -INFINITY, p->max = INFINITY;
        break;
      }
      case MUSKX__SYM_SPECIES: {
        muskx__species *s = &m->species[index];
        s->loc = loc, name = &s->name, s->compartment = -1;
        break;
      }
      case MUSKX__SYM_COMPARTMENT:
        m->compartments[index].loc = loc, name = &m->compartments[index].name;
        break;
      case MUSKX__SYM_INPUT:
        m->inputs[index].loc = loc, name = &m->inputs[index].name;
        break;
      case MUSKX__SYM_ASSIGNMENT:
        /* A bound name's expression is written at the binding. */
        m->assignments[index].loc =
            b != NULL ? muskx__load_loc(c->parent, b->key) : loc;
        name = &m->assignments[index].name;
        m->assignments[index].target = -1;
        break;
      default:
        m->outputs[index].loc = loc, name = &m->outputs[index].name;
        m->outputs[index].target = -1;
    }
    (*count)++;
    st = muskx__load_declare(c, k, k->text, as, index, name);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Entry                                                                   */

static const char *const top_keys[] = {
    "muskx",  "model",       "parameters", "species", "compartments",
    "functions", "inputs",   "assignments", "reactions", "odes",
    "events", "outputs",     "imports",    "algebraic", "agents", NULL};

static muskx_status check_version(muskx__load_ctx *c, const muskx__yaml_node *v) {
  char buf[64];
  if (v->kind == MUSKX__YAML_SCALAR && v->style == MUSKX__YAML_PLAIN) {
    const char *s = v->text;
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9') i++;
    if (i > 0 && s[i] == '\0') {
      if (strcmp(s, "1") == 0) return MUSKX_OK;
      return muskx__load_fail(c, v, MUSKX_EUNSUPPORTED,
                              "unsupported format version %.20s (this library "
                              "reads version 1)",
                              s);
    }
  }
  return muskx__load_fail(c, v, MUSKX_EMODEL,
                          "expected the integer 1 for 'muskx' (the format "
                          "version), got %s",
                          muskx__load_describe(v, buf, sizeof buf));
}

static muskx_status declare_all(muskx__load_ctx *c) {
  const muskx__yaml_node *root = c->root;
  for (size_t i = 0; i < root->n; i++) {
    const muskx__yaml_node *k = root->keys[i], *v = root->items[i];
    const char *s = k->text;
    muskx_status st = MUSKX_OK;
    if (strcmp(s, "parameters") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_PARAM);
    else if (strcmp(s, "species") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_SPECIES);
    else if (strcmp(s, "compartments") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_COMPARTMENT);
    else if (strcmp(s, "inputs") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_INPUT);
    else if (strcmp(s, "assignments") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_ASSIGNMENT);
    else if (strcmp(s, "outputs") == 0)
      st = declare_names(c, k, v, MUSKX__SYM_OUTPUT);
    else if (strcmp(s, "functions") == 0)
      st = declare_functions(c, k, v);
    else if (strcmp(s, "reactions") == 0)
      st = muskx__load_declare_reactions(c, k, v);
    else if (strcmp(s, "events") == 0)
      st = muskx__load_declare_events(c, k, v);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

/* A module counts time in its model's unit, or the rates and times it
   was written with are read in another (a module in h imported into a
   model in d: every rate 24 times too slow). Only two units that both
   are given and differ are refused, at the import; two spellings of one
   unit (h, hours, hr; 1/1000 s and msec) are one unit, as the unit parser
   reads them (unit_parse.c). */
static muskx_status same_time_unit(muskx__load_ctx *c,
                                   const muskx__yaml_node *node,
                                   const char *unit) {
  const char *top = c->m->time_unit;
  if (node == NULL || unit == NULL || unit[0] == '\0' || top == NULL ||
      top[0] == '\0' || strcmp(unit, top) == 0)
    return MUSKX_OK;
  double a = muskx__sc_model_unit_days(unit);
  double b = muskx__sc_model_unit_days(top);
  /* one part in 1e9: two spellings give one scale up to rounding */
  if (a > 0 && b > 0 && fabs(a / b - 1) <= 1e-9) return MUSKX_OK;
  char why[200] = "";
  if (a > 0 && b > 0)
    snprintf(why, sizeof why, " (one %.60s is %.15g %.60s)", unit, a / b, top);
  else
    snprintf(why, sizeof why, " ('%.60s' is not a time unit muskx reads: man 5 "
             "muskx-model, Units)", a > 0 ? top : unit);
  return muskx__load_fail(
      c->parent, c->from, MUSKX_EMODEL,
      "module '%s' counts time in '%s' (%s:%d:%d), the model in '%s'%s: its "
      "rates and times would be read per %s; write the module in %s, or "
      "import it into a model in %s",
      c->from->text, unit, c->file, node->line, node->col, top, why, top, top,
      unit);
}

/* Frees the strings load_model_info put into a scratch model. */
static void free_info(muskx_model *m) {
  muskx__free(m->id);
  muskx__free(m->name);
  muskx__free(m->description);
  muskx__free(m->time_unit);
  for (int i = 0; i < m->nreferences; i++) muskx__free(m->references[i]);
  muskx__free(m->references);
}

muskx_status muskx__load_declare_file(muskx__load_ctx *c) {
  const muskx__yaml_node *root = c->root;
  char buf[64];
  if (root->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, root, MUSKX_EMODEL,
                            "the top level of a model must be a mapping, got %s",
                            muskx__load_describe(root, buf, sizeof buf));
  /* The other YAML files of the project, named as such rather than as a
     model with an unknown key (a first-use mix-up). */
  muskx__yaml_node *k;
  if (muskx__yaml_get(root, "muskx_scenario", &k) != NULL)
    return muskx__load_fail(c, k, MUSKX_EMODEL,
                            "this is a scenario (muskx_scenario, muskx-scenario(5)), "
                            "not a model: load it as a scenario (muskx run, "
                            "muskx_scenario_load())");
  if (muskx__yaml_get(root, "format_version", &k) != NULL &&
      muskx__yaml_get(root, "muskx", NULL) == NULL)
    return muskx__load_fail(c, k, MUSKX_EMODEL,
                            "this looks like a PEtab problem (format_version), not "
                            "a model: load it as one (muskx petab, muskx_petab_load())");
  muskx_status st = muskx__load_check_keys(c, root, top_keys, "at the top level");
  if (st != MUSKX_OK) return st;
  const muskx__yaml_node *v = muskx__yaml_get(root, "muskx", NULL);
  if (v == NULL)
    return muskx__load_fail(c, root, MUSKX_EMODEL,
                            "missing required key 'muskx' (the format version, 1)");
  if ((st = check_version(c, v)) != MUSKX_OK) return st;
  v = muskx__yaml_get(root, "model", &k);
  if (v == NULL)
    return muskx__load_fail(c, root, MUSKX_EMODEL, "missing required key 'model'");
  if (c->parent == NULL) {
    st = load_model_info(c, c->m, k, v);
  } else {
    /* An imported file is a model of its own (runnable alone): its model
       section must be right, but the id, name and references that count
       are the top file's. */
    muskx_model scratch;
    memset(&scratch, 0, sizeof scratch);
    st = load_model_info(c, &scratch, k, v);
    if (st == MUSKX_OK)
      st = same_time_unit(c, muskx__yaml_get(v, "time_unit", NULL),
                          scratch.time_unit);
    free_info(&scratch);
  }
  if (st != MUSKX_OK) return st;
  if ((st = declare_all(c)) != MUSKX_OK) return st;
  return muskx__load_imports(c);
}

static muskx_status define_reactions(muskx__load_ctx *c) {
  return muskx__load_define_reactions(c, muskx__yaml_get(c->root, "reactions", NULL));
}

static muskx_status define_odes(muskx__load_ctx *c) {
  muskx__yaml_node *k;
  const muskx__yaml_node *v = muskx__yaml_get(c->root, "odes", &k);
  return muskx__load_define_odes(c, v, k);
}

static muskx_status define_events(muskx__load_ctx *c) {
  return muskx__load_define_events(c, muskx__yaml_get(c->root, "events", NULL));
}

static muskx_status define_algebraic(muskx__load_ctx *c) {
  muskx__yaml_node *k;
  const muskx__yaml_node *v = muskx__yaml_get(c->root, "algebraic", &k);
  return muskx__load_define_algebraic(c, k, v);
}

/* The phases of load.h over the top file and everything it imports. */
static muskx_status load_root(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  muskx_status st;
  if ((st = muskx__load_declare_file(c)) != MUSKX_OK) return st;
  /* Functions first, of every file: their purity decides where they may
     be called. */
  if (m->nfunctions > 0) {
    c->sh->fn_uses_model = muskx__calloc((size_t)m->nfunctions, 1);
    if (c->sh->fn_uses_model == NULL) return muskx__load_nomem(c);
    if ((st = muskx__load_each(c, muskx__load_define_functions)) != MUSKX_OK ||
        (st = muskx__load_check_functions(c)) != MUSKX_OK)
      return st;
  }
  if ((st = muskx__load_each(c, muskx__load_define_values)) != MUSKX_OK ||
      (st = muskx__load_each(c, define_reactions)) != MUSKX_OK ||
      (st = muskx__load_each(c, define_odes)) != MUSKX_OK ||
      (st = muskx__load_each(c, define_events)) != MUSKX_OK ||
      (st = muskx__load_each(c, define_algebraic)) != MUSKX_OK)
    return st;
  if ((st = muskx__load_order(c)) != MUSKX_OK ||
      (st = muskx__load_inherit_units(c)) != MUSKX_OK ||
      (st = muskx__load_check_algebraic(c)) != MUSKX_OK)
    return st;
  /* Last: an agent's depot may not be algebraic, which is decided above. */
  return muskx__load_each(c, muskx__load_define_agents);
}

/* Strings the header promises are never NULL get "" when never set (the
   model section fills id; a missing optional key already gave ""). */
static muskx_status fill_empty(char **s) {
  if (*s == NULL && (*s = muskx__strdup("")) == NULL) return MUSKX_ENOMEM;
  return MUSKX_OK;
}

static muskx_status load(const char *text, size_t len, const char *source_name,
                         const muskx__file_text *file, const muskx__folders *scope,
                         muskx_model **out, muskx_error *err) {
  muskx_error local;
  if (err == NULL) err = &local;
  muskx__clearerr(err);
  *out = NULL;
  if (text == NULL && len > 0)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "model text is NULL");
  muskx__load_ctx c;
  muskx__load_shared sh;
  memset(&c, 0, sizeof c);
  memset(&sh, 0, sizeof sh);
  c.err = err;
  c.prefix = "";
  c.sh = &sh;
  sh.nfiles = 1;
  sh.scope = scope;
  c.is_path = file != NULL;
  if (file != NULL && file->has_id) {
    c.has_id = 1;
    c.dev = file->dev;
    c.ino = file->ino;
  }
  muskx_model *m = muskx__calloc(1, sizeof *m);
  if (m == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  c.m = m;
  m->source = muskx__strdup(source_name ? source_name : "<string>");
  m->symtab = muskx__symtab_new();
  muskx_status st;
  if (m->source == NULL || m->symtab == NULL) {
    st = muskx__load_nomem(&c);
    goto done;
  }
  c.file = m->source;
  st = muskx__yaml_parse(text ? text : "", len, m->source, &c.root, err);
  if (st != MUSKX_OK) goto done;
  st = load_root(&c);
  if (st == MUSKX_OK &&
      (fill_empty(&m->name) != MUSKX_OK || fill_empty(&m->description) != MUSKX_OK ||
       fill_empty(&m->time_unit) != MUSKX_OK))
    st = muskx__load_nomem(&c);
done:
  muskx__load_ctx_free(&c);
  muskx__free(sh.fn_uses_model);
  muskx__free(sh.fn_pure);
  if (st != MUSKX_OK) {
    muskx__model_destroy(m);
    return st;
  }
  *out = m;
  return MUSKX_OK;
}

muskx_status muskx__load(const char *text, size_t len, const char *source_name,
                         const muskx__folders *scope, muskx_model **out,
                         muskx_error *err) {
  return load(text, len, source_name, NULL, scope, out, err);
}

muskx_status muskx__load_file_text(const muskx__file_text *file, const char *path,
                                   const muskx__folders *scope, muskx_model **out,
                                   muskx_error *err) {
  return load(file->text, file->len, path, file, scope, out, err);
}
