/*
 * load_imports.c -- module composition: the `imports` section of the
 * format (spec "Imports (module composition)", issue 4), and reading
 * model files.
 *
 *   imports:
 *     - file: ../bone/rankl_opg.yaml   # relative to the importing file
 *       as: bone                       # its names become bone.OCa, ...
 *       bind: {loading: loading, k1: 2*kx}
 *
 * Representation. An import adds entries to the one model and nothing
 * else: the module's parameters, species, compartments, inputs,
 * assignments, outputs, odes, functions, reactions and events are appended
 * to the model's arrays under prefixed names ("bone.OCa", reaction
 * "bone.r1"); nested imports compose the prefixes ("outer.inner.X"). The
 * compiler never learns that there were several files. Locations point
 * into the file they came from, whose path the model owns (m->strings).
 * Inside a module, names are written without the prefix; the importing
 * file writes them with it.
 *
 * Bindings. `inner: outer expression` replaces the module's definition of
 * one of its parameters or inputs by an expression written, and resolved,
 * in the importing file. What the inner name becomes:
 *  - a parameter whose outer expression uses only numbers, the constants,
 *    built-in functions and parameters stays a parameter, with the outer
 *    expression as its value: the module's parameters and initial values
 *    that use it still see a parameter, and muskx_sim_set_param() can
 *    still set it. Parameter values are computed in index order
 *    (compile.c), and every parameter the outer expression can name (the
 *    importing file's, earlier imports') comes before the module's, which
 *    keeps the model's rule "parameters refer to earlier parameters";
 *  - any other bound parameter (its expression uses a species, an input,
 *    an assignment, an output, a reaction rate, a compartment, the time or
 *    a user function) and every bound input becomes an assignment with the
 *    outer expression, so the module's rates see the outer value at every
 *    time. The module's parameters, initial values and event times cannot
 *    use such a name, being computed before the run; the loader says so
 *    and points at the binding.
 * A bound input is no longer an input; an unbound one stays an input of
 * the whole model ("bone.loading"), so a scenario can still drive it.
 *
 * Order. The bindings of an import are resolved when that import is read:
 * after the importing file's own names and the earlier imports (with
 * everything they import) are declared, and before the module's own names.
 * So a binding may use the importing file's names and those of earlier
 * imports, not the module's names nor a later import's.
 *
 * Errors: a missing or unreadable file (at the `file:` value), an import
 * cycle (with the chain of files), nesting deeper than 16, more than 4096
 * files, a binding of a name the module lacks or that is not one of its
 * inputs or parameters (at the bind key), a duplicate `as`, an `as` that is
 * a name of the importing file. An error inside an imported file carries
 * that file's path, line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "load.h"
#include "symtab.h"

#define OWNER_MAX 320

/* ---------------------------------------------------------------------- */
/* Reading files                                                           */

muskx_status muskx__load_read_file(const char *path, int regular_only,
                                   muskx__file_text *out) {
  memset(out, 0, sizeof *out);
  out->at_open = 1;
  if (regular_only) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
      out->errnum = errno;
      return MUSKX_EIO;
    }
    if (!S_ISREG(sb.st_mode)) return MUSKX_EIO; /* errnum 0 */
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    out->errnum = errno;
    return MUSKX_EIO;
  }
  out->at_open = 0;
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0) {
    out->has_id = 1;
    out->dev = (unsigned long long)sb.st_dev;
    out->ino = (unsigned long long)sb.st_ino;
  }
  /* Read in chunks: a size from fstat can lie for pipes and /proc files. */
  size_t cap = 65536, n = 0;
  char *b = muskx__alloc(cap);
  muskx_status st = MUSKX_OK;
  if (b == NULL) {
    st = MUSKX_ENOMEM;
    goto done;
  }
  for (;;) {
    if (n == cap) {
      if (cap > MUSKX__YAML_MAX_SIZE) {
        st = MUSKX_ELIMIT;
        goto done;
      }
      /* Never hold more than one byte past the limit: enough to know it
         was exceeded. */
      size_t ncap = cap * 2 > MUSKX__YAML_MAX_SIZE + 1 ? MUSKX__YAML_MAX_SIZE + 1 : cap * 2;
      char *nb = muskx__realloc(b, ncap);
      if (nb == NULL) {
        st = MUSKX_ENOMEM;
        goto done;
      }
      b = nb;
      cap = ncap;
    }
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    out->errnum = errno;
    st = MUSKX_EIO;
  } else if (n > MUSKX__YAML_MAX_SIZE) {
    st = MUSKX_ELIMIT;
  }
done:
  fclose(f);
  if (st != MUSKX_OK) {
    muskx__free(b);
    return st;
  }
  out->text = b;
  out->len = n;
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Contexts                                                                */

void muskx__load_ctx_free(muskx__load_ctx *c) {
  for (int i = 0; i < c->nimports; i++) {
    muskx__load_ctx_free(c->imports[i]);
    muskx__free(c->imports[i]);
  }
  muskx__free(c->imports);
  muskx__yaml_free(c->root);
  for (int i = 0; i < c->nbinds; i++) muskx__expr_free(c->binds[i].expr);
  muskx__free(c->binds);
  muskx__symtab_free(c->bound);
  muskx__free(c->owned_prefix);
}

muskx_status muskx__load_each(muskx__load_ctx *c,
                              muskx_status (*fn)(muskx__load_ctx *)) {
  muskx_status st = fn(c);
  /* Recursion depth is bounded by MUSKX__LOAD_MAX_IMPORT_DEPTH. */
  for (int i = 0; i < c->nimports && st == MUSKX_OK; i++)
    st = muskx__load_each(c->imports[i], fn);
  return st;
}

muskx__load_bind *muskx__load_bound(const muskx__load_ctx *c, const char *name) {
  if (c->bound == NULL) return NULL;
  const muskx__symbol *s = muskx__symtab_find(c->bound, name);
  return s ? &c->binds[s->index] : NULL;
}

const char *muskx__load_bound_note(const muskx__load_ctx *c, const char *name,
                                   char *buf, size_t size) {
  const muskx__load_bind *b = muskx__load_bound(c, name);
  if (b == NULL || b->kind != MUSKX__SYM_ASSIGNMENT) return "";
  snprintf(buf, size,
           " ('%.255s' is bound by the import at %s:%d:%d, which makes it an "
           "assignment)",
           name, c->parent->file, b->key->line, b->key->col);
  return buf;
}

/* Hands s to the model (m->strings), or frees it. */
static muskx_status own_string(muskx__load_ctx *c, char *s) {
  muskx_model *m = c->m;
  char **na = muskx__reallocarray(m->strings, (size_t)m->nstrings + 1, sizeof *na);
  if (na == NULL) {
    muskx__free(s);
    return muskx__load_nomem(c);
  }
  m->strings = na;
  m->strings[m->nstrings++] = s;
  return MUSKX_OK;
}

/* The imported file's path: `written` relative to the importing file's
   directory (the current directory for a model loaded from a string). */
static char *join_path(const muskx__load_ctx *c, const char *written) {
  size_t dl = 0, wl = strlen(written);
  if (written[0] != '/' && c->is_path) {
    const char *slash = strrchr(c->file, '/');
    if (slash != NULL) dl = (size_t)(slash - c->file) + 1;
  }
  char *p = muskx__alloc(dl + wl + 1);
  if (p == NULL) return NULL;
  memcpy(p, c->file, dl);
  memcpy(p + dl, written, wl + 1);
  return p;
}

/* ---------------------------------------------------------------------- */
/* Bindings                                                                */

/* The module's own names by kind, from its sections as written (the
   module is not declared yet when its bindings are read). Functions are
   left out: their keys are signatures. */
static muskx_status module_names(muskx__load_ctx *c, const muskx__yaml_node *root,
                                 muskx__symtab **out) {
  static const struct {
    const char *key;
    muskx__sym_kind kind;
  } sections[] = {{"parameters", MUSKX__SYM_PARAM},
                  {"inputs", MUSKX__SYM_INPUT},
                  {"species", MUSKX__SYM_SPECIES},
                  {"compartments", MUSKX__SYM_COMPARTMENT},
                  {"assignments", MUSKX__SYM_ASSIGNMENT},
                  {"outputs", MUSKX__SYM_OUTPUT}};
  muskx__symtab *t = muskx__symtab_new();
  if (t == NULL) return muskx__load_nomem(c);
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    const muskx__yaml_node *v = muskx__yaml_get(root, sections[i].key, NULL);
    if (v == NULL || v->kind != MUSKX__YAML_MAP) continue;
    for (size_t j = 0; j < v->n; j++) {
      muskx__symbol sym = {sections[i].kind, (int)j, {NULL, 0, 0}};
      const muskx__symbol *old;
      /* A duplicate (1) is the module's error, reported when it is
         declared; the first one wins here. */
      if (muskx__symtab_add(t, v->keys[j]->text, sym, &old) < 0) {
        muskx__symtab_free(t);
        return muskx__load_nomem(c);
      }
    }
  }
  *out = t;
  return MUSKX_OK;
}

/* The `as` text of import j of list, or NULL when it has none (yet). */
static const char *as_of(const muskx__yaml_node *list, size_t j) {
  const muskx__yaml_node *a = muskx__yaml_get(list->items[j], "as", NULL);
  return a != NULL && a->kind == MUSKX__YAML_SCALAR ? a->text : NULL;
}

/* A binding of import i of list may not name the module itself nor a later
   import: they are not declared yet. Finds such a name in e. */
static const muskx__expr *too_early(const muskx__expr *e, const muskx__yaml_node *list,
                                    size_t i) {
  if (e == NULL) return NULL;
  if ((e->kind == MUSKX__E_NAME || e->kind == MUSKX__E_CALL) && e->name != NULL) {
    const char *dot = strchr(e->name, '.');
    for (size_t j = i; dot != NULL && j < list->n; j++) {
      const char *a = as_of(list, j);
      if (a != NULL && strlen(a) == (size_t)(dot - e->name) &&
          strncmp(a, e->name, (size_t)(dot - e->name)) == 0)
        return e;
    }
  }
  for (int k = 0; k < e->nargs; k++) {
    const muskx__expr *f = too_early(e->args[k], list, i);
    if (f != NULL) return f;
  }
  return NULL;
}

/* 1 when a resolved e can be a parameter's value: numbers, constants,
   parameters and built-in functions only (see the banner). */
static int parameter_expr(const muskx__expr *e) {
  if (e->kind == MUSKX__E_NAME && e->sym_kind != MUSKX__SYM_PARAM &&
      e->sym_kind != MUSKX__SYM_CONST)
    return 0;
  if (e->kind == MUSKX__E_CALL && e->builtin == MUSKX__F_NONE) return 0;
  for (int k = 0; k < e->nargs; k++)
    if (!parameter_expr(e->args[k])) return 0;
  return 1;
}

/* Reads `bind:` of import i (of list) of c into child->binds. */
static muskx_status read_binds(muskx__load_ctx *c, muskx__load_ctx *child,
                               const muskx__yaml_node *list, size_t i,
                               const muskx__yaml_node *bind) {
  const char *as = child->as->text, *written = child->from->text;
  char buf[64];
  if (bind == NULL || muskx__yaml_is_null(bind)) return MUSKX_OK;
  if (bind->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, bind, MUSKX_EMODEL,
                            "expected a mapping 'inner: outer expression' for 'bind' "
                            "of import '%s', got %s",
                            as, muskx__load_describe(bind, buf, sizeof buf));
  if (bind->n == 0) return MUSKX_OK;
  if (bind->n > MUSKX__LOAD_MAX_ITEMS)
    return muskx__load_fail(c, bind, MUSKX_ELIMIT,
                            "too many entries in 'bind' of import '%s' (more than %d)",
                            as, MUSKX__LOAD_MAX_ITEMS);
  muskx__symtab *names = NULL;
  muskx_status st = module_names(c, child->root, &names);
  if (st != MUSKX_OK) return st;
  child->binds = muskx__calloc(bind->n, sizeof *child->binds);
  child->bound = muskx__symtab_new();
  if (child->binds == NULL || child->bound == NULL) {
    st = muskx__load_nomem(c);
    goto done;
  }
  for (size_t j = 0; j < bind->n && st == MUSKX_OK; j++) {
    const muskx__yaml_node *k = bind->keys[j];
    const muskx__symbol *inner = muskx__symtab_find(names, k->text);
    if (inner == NULL || (inner->kind != MUSKX__SYM_PARAM &&
                          inner->kind != MUSKX__SYM_INPUT)) {
      char what[300] = "";
      if (inner != NULL)
        snprintf(what, sizeof what, " ('%.200s' is %s)", k->text,
                 muskx__load_kind_name(inner->kind));
      st = muskx__load_fail(c, k, MUSKX_EMODEL,
                            "module '%s' (%.400s) has no input or parameter '%.255s'%s",
                            as, written, k->text, what);
      break;
    }
    muskx__load_bind *b = &child->binds[child->nbinds++];
    b->key = k;
    b->inner = inner->kind;
    muskx__symbol sym = {MUSKX__SYM_NONE, (int)j, muskx__load_loc(c, k)};
    const muskx__symbol *old;
    if (muskx__symtab_add(child->bound, k->text, sym, &old) < 0) {
      st = muskx__load_nomem(c);
      break;
    }
    char what[OWNER_MAX];
    snprintf(what, sizeof what, "binding of '%.255s' in import '%s'", k->text, as);
    if ((st = muskx__load_expr(c, bind->items[j], what, &b->expr)) != MUSKX_OK) break;
    const muskx__expr *early = too_early(b->expr, list, i);
    if (early != NULL) {
      st = muskx__load_fail_at(c, early->line, early->col, MUSKX_EMODEL,
                               "%s cannot use '%s': a binding may only use names of "
                               "this file and of modules imported before this one",
                               what, early->name);
      break;
    }
    muskx__scope sc = {what, MUSKX__ALLOW_ALL, "", -1, -1, -1};
    if ((st = muskx__load_resolve(c, b->expr, &sc)) != MUSKX_OK) break;
    b->kind = b->inner == MUSKX__SYM_PARAM && parameter_expr(b->expr)
                  ? MUSKX__SYM_PARAM
                  : MUSKX__SYM_ASSIGNMENT;
  }
done:
  muskx__symtab_free(names);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Imports                                                                 */

static muskx_status check_prefix(muskx__load_ctx *c, const muskx__yaml_node *list,
                                 size_t i, const muskx__yaml_node *asn) {
  char buf[64];
  if (asn->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(asn))
    return muskx__load_fail(c, asn, MUSKX_EMODEL,
                            "expected a name for 'as' of import %zu, got %s", i + 1,
                            muskx__load_describe(asn, buf, sizeof buf));
  const char *as = asn->text;
  muskx_status st = muskx__load_check_ident(c, as, asn->line, asn->col, "import prefix");
  if (st != MUSKX_OK) return st;
  if (strcmp(as, "t") == 0 || strcmp(as, "time") == 0)
    return muskx__load_fail(c, asn, MUSKX_EMODEL, "'%s' is reserved (the current time)",
                            as);
  if (muskx__builtin_lookup(as) != MUSKX__F_NONE)
    return muskx__load_fail(c, asn, MUSKX_EMODEL,
                            "'%s' is a built-in function and cannot be used as an "
                            "import prefix",
                            as);
  for (size_t j = 0; j < i; j++) {
    const muskx__yaml_node *other = muskx__yaml_get(list->items[j], "as", NULL);
    if (other != NULL && strcmp(other->text, as) == 0)
      return muskx__load_fail(c, asn, MUSKX_EMODEL,
                              "duplicate import prefix '%s' (first used at line %d:%d)",
                              as, other->line, other->col);
  }
  /* "bone" and "bone.OCa" side by side would read as one thing. */
  char full[MUSKX__LOAD_MAX_FULLNAME + 1];
  const muskx__symbol *sym =
      muskx__symtab_find(c->m->symtab, muskx__load_full(c, as, full, sizeof full));
  if (sym != NULL)
    return muskx__load_fail(c, asn, MUSKX_EMODEL,
                            "import prefix '%s' is already the name of %s (line %d:%d)",
                            as, muskx__load_kind_name(sym->kind), sym->loc.line,
                            sym->loc.col);
  return MUSKX_OK;
}

/* "a.yaml -> b.yaml -> a.yaml": from ancestor `from` down to c, then path. */
static void cycle_text(const muskx__load_ctx *c, const muskx__load_ctx *from,
                       const char *path, char *buf, size_t size) {
  const muskx__load_ctx *chain[MUSKX__LOAD_MAX_IMPORT_DEPTH + 1];
  int n = 0;
  for (const muskx__load_ctx *a = c; a != NULL && n <= MUSKX__LOAD_MAX_IMPORT_DEPTH;
       a = a->parent) {
    chain[n++] = a;
    if (a == from) break;
  }
  size_t used = 0;
  buf[0] = '\0';
  for (int k = n; k >= 0; k--) {
    const char *s = k > 0 ? chain[k - 1]->file : path;
    int w = snprintf(buf + used, size - used, "%s%s", k == n ? "" : " -> ", s);
    if (w < 0 || (size_t)w >= size - used) {
      if (size > 4) memcpy(buf + size - 4, "...", 4);
      return;
    }
    used += (size_t)w;
  }
}

static muskx_status import_one(muskx__load_ctx *c, const muskx__yaml_node *list,
                               size_t i) {
  static const char *const keys[] = {"file", "as", "bind", NULL};
  const muskx__yaml_node *item = list->items[i];
  char buf[64], what[64];
  if (item->kind != MUSKX__YAML_MAP)
    return muskx__load_fail(c, item, MUSKX_EMODEL,
                            "expected a mapping {file, as, bind} for import %zu, got %s",
                            i + 1, muskx__load_describe(item, buf, sizeof buf));
  snprintf(what, sizeof what, "in import %zu", i + 1);
  muskx_status st = muskx__load_check_keys(c, item, keys, what);
  if (st != MUSKX_OK) return st;
  const muskx__yaml_node *filen = muskx__yaml_get(item, "file", NULL);
  const muskx__yaml_node *asn = muskx__yaml_get(item, "as", NULL);
  const muskx__yaml_node *bind = muskx__yaml_get(item, "bind", NULL);
  if (filen == NULL)
    return muskx__load_fail(c, item, MUSKX_EMODEL, "missing 'file' in import %zu",
                            i + 1);
  if (filen->kind != MUSKX__YAML_SCALAR || muskx__yaml_is_null(filen))
    return muskx__load_fail(c, filen, MUSKX_EMODEL,
                            "expected a file path for 'file' of import %zu, got %s",
                            i + 1, muskx__load_describe(filen, buf, sizeof buf));
  if (asn == NULL)
    return muskx__load_fail(c, item, MUSKX_EMODEL,
                            "missing 'as' in import %zu (the prefix of the module's "
                            "names)",
                            i + 1);
  if ((st = check_prefix(c, list, i, asn)) != MUSKX_OK) return st;
  const char *written = filen->text;
  if (c->depth >= MUSKX__LOAD_MAX_IMPORT_DEPTH)
    return muskx__load_fail(c, filen, MUSKX_ELIMIT,
                            "imports nested more than %d deep (importing '%.400s')",
                            MUSKX__LOAD_MAX_IMPORT_DEPTH, written);
  if (c->sh->nfiles >= MUSKX__LOAD_MAX_FILES)
    return muskx__load_fail(c, filen, MUSKX_ELIMIT,
                            "more than %d model files in all (importing '%.400s')",
                            MUSKX__LOAD_MAX_FILES, written);
  char *path = join_path(c, written);
  if (path == NULL) return muskx__load_nomem(c);
  if ((st = own_string(c, path)) != MUSKX_OK) return st;

  /* Only regular files inside the load's folders are read, so a refused
     file's content never reaches a message (issue 16). */
  muskx__file_text ft;
  char why[512];
  st = muskx__folders_read(c->sh->scope, path, &ft, why, sizeof why);
  if (st == MUSKX_ENOMEM) return muskx__load_nomem(c);
  if (st == MUSKX_ELIMIT)
    return muskx__load_fail(c, filen, st, "import '%.400s' is larger than 16 MiB",
                            written);
  if (st != MUSKX_OK)
    return muskx__load_fail(c, filen, st, "cannot open import '%.400s': %s", written,
                            why);
  for (const muskx__load_ctx *a = c; a != NULL && ft.has_id; a = a->parent)
    if (a->has_id && a->dev == ft.dev && a->ino == ft.ino) {
      char chain[MUSKX_ERROR_MESSAGE_MAX];
      cycle_text(c, a, path, chain, sizeof chain);
      muskx__free(ft.text);
      return muskx__load_fail(c, filen, MUSKX_EMODEL, "import cycle: %s", chain);
    }

  muskx__load_ctx *child = muskx__calloc(1, sizeof *child);
  if (child == NULL) {
    muskx__free(ft.text);
    return muskx__load_nomem(c);
  }
  c->imports[c->nimports++] = child; /* owned from here */
  child->m = c->m;
  child->file = path;
  child->err = c->err;
  child->sh = c->sh;
  child->parent = c;
  child->as = asn;
  child->from = filen;
  child->depth = c->depth + 1;
  child->is_path = 1;
  child->has_id = ft.has_id;
  child->dev = ft.dev;
  child->ino = ft.ino;
  c->sh->nfiles++;
  size_t pl = strlen(c->prefix), al = strlen(asn->text);
  child->owned_prefix = muskx__alloc(pl + al + 2);
  if (child->owned_prefix == NULL) {
    muskx__free(ft.text);
    return muskx__load_nomem(c);
  }
  memcpy(child->owned_prefix, c->prefix, pl);
  memcpy(child->owned_prefix + pl, asn->text, al);
  memcpy(child->owned_prefix + pl + al, ".", 2);
  child->prefix = child->owned_prefix;
  st = muskx__yaml_parse(ft.text, ft.len, path, &child->root, c->err);
  muskx__free(ft.text);
  if (st != MUSKX_OK) return st;
  /* A module whose top level is not a mapping is refused by its own
     declare phase, before its bindings could mean anything. */
  if (child->root->kind == MUSKX__YAML_MAP &&
      (st = read_binds(c, child, list, i, bind)) != MUSKX_OK)
    return st;
  return muskx__load_declare_file(child);
}

muskx_status muskx__load_imports(muskx__load_ctx *c) {
  muskx__yaml_node *key;
  const muskx__yaml_node *list = muskx__yaml_get(c->root, "imports", &key);
  if (list == NULL) return MUSKX_OK;
  size_t n;
  muskx_status st = muskx__load_section(c, key, list, MUSKX__YAML_SEQ, &n);
  if (st != MUSKX_OK || n == 0) return st;
  if ((c->imports = muskx__calloc(n, sizeof *c->imports)) == NULL)
    return muskx__load_nomem(c);
  for (size_t i = 0; i < n && st == MUSKX_OK; i++) st = import_one(c, list, i);
  return st;
}
