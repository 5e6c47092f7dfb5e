/*
 * model.c -- the model handle: loading from a file or a string (load, then
 * compile), freeing, and the read-only queries of the public API.
 *
 * A loaded model is immutable; every query here only reads it, so they are
 * safe from any number of threads. Queries return NULL / -1 for bad
 * arguments rather than failing loudly: they have no handle to record an
 * error on.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "expr.h"
#include "fileaccess.h"
#include "load.h"
#include "numlocale.h"
#include "sbml.h"
#include "symtab.h"

/* ---------------------------------------------------------------------- */
/* Destruction                                                             */

static void free_named(muskx__named_expr *a, int n) {
  for (int i = 0; i < n; i++) {
    muskx__free(a[i].name);
    muskx__free(a[i].unit);
    muskx__free(a[i].doc);
    muskx__expr_free(a[i].expr);
  }
  muskx__free(a);
}

void muskx__model_destroy(muskx_model *m) {
  if (m == NULL) return;
  muskx__program_free(m->program);
  for (int i = 0; i < m->nwarnings; i++) muskx__free(m->warnings[i]);
  muskx__free(m->warnings);
  for (int i = 0; i < m->nparams; i++) {
    muskx__free(m->params[i].name);
    muskx__free(m->params[i].unit);
    muskx__free(m->params[i].doc);
    muskx__expr_free(m->params[i].value);
  }
  muskx__free(m->params);
  for (int i = 0; i < m->nspecies; i++) {
    muskx__free(m->species[i].name);
    muskx__free(m->species[i].unit);
    muskx__free(m->species[i].doc);
    muskx__expr_free(m->species[i].initial);
  }
  muskx__free(m->species);
  for (int i = 0; i < m->ncompartments; i++) {
    muskx__free(m->compartments[i].name);
    muskx__free(m->compartments[i].unit);
    muskx__free(m->compartments[i].doc);
    muskx__expr_free(m->compartments[i].volume);
  }
  muskx__free(m->compartments);
  for (int i = 0; i < m->ninputs; i++) {
    muskx__free(m->inputs[i].name);
    muskx__free(m->inputs[i].unit);
    muskx__free(m->inputs[i].doc);
    muskx__load_words_free(m->inputs[i].aka, m->inputs[i].naka);
    muskx__load_words_free(m->inputs[i].opposite, m->inputs[i].nopposite);
    muskx__free(m->inputs[i].times);
    muskx__free(m->inputs[i].values);
  }
  muskx__free(m->inputs);
  free_named(m->assignments, m->nassignments);
  free_named(m->outputs, m->noutputs);
  free_named(m->odes, m->nodes);
  free_named(m->algebraics, m->nalgebraics);
  for (int i = 0; i < m->nagents; i++) {
    muskx__agent *a = &m->agents[i];
    muskx__free(a->name);
    muskx__free(a->doc);
    muskx__load_words_free(a->brands, a->nbrands);
    muskx__free(a->dose_unit);
    for (int r = 0; r < a->nroutes; r++) muskx__free(a->routes[r].route);
    muskx__free(a->routes);
  }
  muskx__free(m->agents);
  for (int i = 0; i < m->nreactions; i++) {
    muskx__reaction *r = &m->reactions[i];
    muskx__free(r->id);
    muskx__free(r->doc);
    muskx__free(r->equation_text);
    muskx__free(r->rate_text);
    muskx__free(r->lhs);
    muskx__free(r->rhs);
    muskx__expr_free(r->rate);
  }
  muskx__free(m->reactions);
  for (int i = 0; i < m->nfunctions; i++) {
    muskx__function *f = &m->functions[i];
    muskx__free(f->name);
    for (int j = 0; j < f->nargs; j++) muskx__free(f->argnames[j]);
    muskx__free(f->argnames);
    muskx__expr_free(f->body);
  }
  muskx__free(m->functions);
  for (int i = 0; i < m->nevents; i++) {
    muskx__event *e = &m->events[i];
    muskx__free(e->id);
    muskx__free(e->doc);
    muskx__expr_free(e->at);
    muskx__expr_free(e->every);
    muskx__expr_free(e->until);
    muskx__expr_free(e->count_expr);
    muskx__expr_free(e->when);
    muskx__expr_free(e->delay);
    muskx__expr_free(e->priority);
    for (int j = 0; j < e->nsets; j++) muskx__expr_free(e->sets[j].value);
    muskx__free(e->sets);
  }
  muskx__free(m->events);
  muskx__free(m->assign_order);
  muskx__symtab_free(m->symtab);
  for (int i = 0; i < m->nstrings; i++) muskx__free(m->strings[i]);
  muskx__free(m->strings);
  for (int i = 0; i < m->nreferences; i++) muskx__free(m->references[i]);
  muskx__free(m->references);
  muskx__free(m->id);
  muskx__free(m->name);
  muskx__free(m->description);
  muskx__free(m->time_unit);
  muskx__free(m->source);
  muskx__free(m);
}

void muskx_model_free(muskx_model *model) { muskx__model_destroy(model); }

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

/* Volumes written as expressions can only be checked once they can be
   evaluated: at the parameters' default values, right after compiling (a
   literal volume is checked by the loader); so can a species' `typical:`
   against its initial value. */
static muskx_status check_volumes(const muskx_model *m, muskx_error *err) {
  const muskx__program *p = m->program;
  double *R = muskx__calloc((size_t)p->nregs + 1, sizeof *R);
  if (R == NULL)
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory checking volumes");
  muskx__model_eval_defaults(m, R);
  /* A parameter that evaluates to NaN or an infinity (1e308*1e308) is an
     error, not a value (issue 16). */
  for (int i = 0; i < m->nparams; i++) {
    double v = R[p->reg_param0 + i];
    if (isfinite(v)) continue;
    muskx__free(R);
    const muskx__param *pa = &m->params[i];
    char text[256];
    muskx__expr_print(pa->value, text, sizeof text);
    muskx__loc at = {pa->loc.file ? pa->loc.file : m->source,
                     pa->value ? pa->value->line : pa->loc.line,
                     pa->value ? pa->value->col : pa->loc.col};
    return muskx__seterr(err, MUSKX_EMODEL, &at,
                         "parameter '%s' is %s (not finite) at its default "
                         "value: %s", pa->name,
                         isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf", text);
  }
  for (int i = 0; i < m->ncompartments; i++) {
    double v = R[p->reg_param0 + m->nparams + i];
    if (v > 0 && isfinite(v)) continue;
    muskx__free(R);
    const muskx__compartment *cp = &m->compartments[i];
    muskx__loc at = {cp->loc.file ? cp->loc.file : m->source,
                     cp->volume ? cp->volume->line : cp->loc.line,
                     cp->volume ? cp->volume->col : cp->loc.col};
    return muskx__seterr(err, MUSKX_EMODEL, &at,
                         "volume of compartment '%s' must be positive, got %g "
                         "at the parameters' default values", cp->name, v);
  }
  /* A species' `typical:` more than MUSKX__MAX_TYPICAL_RATIO times its
     initial value: at the default rtol 1e-6 its absolute tolerance is at
     least that initial value, so an error as large as the species itself
     passes the error test (issue 17's reliability item: typical 1e300 was
     accepted and switched the species' error control off). An initial 0
     gives no scale; the loader's absolute bound still applies. */
  for (int i = 0; i < m->nspecies; i++) {
    const muskx__species *sp = &m->species[i];
    double init = R[p->reg_state0 + i], x0 = fabs(init);
    if (!(sp->typical > 0) || !(x0 > 0) || !isfinite(x0) ||
        sp->typical <= MUSKX__MAX_TYPICAL_RATIO * x0)
      continue;
    muskx__free(R);
    muskx__loc at = {sp->loc.file ? sp->loc.file : m->source, sp->typical_line,
                     sp->typical_col};
    return muskx__seterr(err, MUSKX_EMODEL, &at,
                         "'typical' of species '%s' is %g, more than %g times "
                         "its initial value %g (at the parameters' default "
                         "values): its absolute tolerance atol + rtol * "
                         "typical would be at least that initial value at the "
                         "default rtol 1e-6, so an error as large as the "
                         "species itself would pass; give the magnitude it "
                         "takes while it is small (at most %g)",
                         sp->name, sp->typical, MUSKX__MAX_TYPICAL_RATIO,
                         init, MUSKX__MAX_TYPICAL_RATIO * x0);
  }
  muskx__free(R);
  return MUSKX_OK;
}

/* Compiles a loaded model; on failure frees it. */
static muskx_status finish(muskx_model *m, muskx_model **out, muskx_error *err) {
  muskx_status st = muskx__compile(m, err);
  if (st == MUSKX_OK) st = check_volumes(m, err);
  if (st == MUSKX_OK && muskx__model_warnings(m) != 0)
    st = muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  if (st != MUSKX_OK) {
    muskx__model_destroy(m);
    return st;
  }
  *out = m;
  return MUSKX_OK;
}

static muskx_status load_string_with(const char *text, size_t len,
                                     const char *source_name,
                                     const muskx_access *access,
                                     muskx_model **out, muskx_error *err) {
  muskx__clearerr(err);
  if (out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "out must not be NULL");
  *out = NULL;
  muskx__folders scope;
  muskx_status st = muskx__folders_open(&scope, access, NULL, err);
  if (st != MUSKX_OK) return st;
  if (text != NULL && muskx__sbml_detect(NULL, text, len)) {
    /* SBML text (issue 16: the SBML reader is on the public load path) */
    st = muskx__sbml_load_hook(source_name ? source_name : "<string>", text,
                               len, &scope, out, err);
    muskx__folders_close(&scope);
    return st;
  }
  muskx_model *m = NULL;
  st = muskx__load(text, len, source_name, &scope, &m, err);
  muskx__folders_close(&scope);
  if (st != MUSKX_OK) return st;
  return finish(m, out, err);
}

/* Loads the text of a model file, YAML or SBML, under scope. */
static muskx_status load_text(muskx__file_text *ft, const char *path,
                              const muskx__folders *scope, muskx_model **out,
                              muskx_error *err) {
  muskx_status st;
  if (muskx__sbml_detect(path, ft->text, ft->len)) { /* SBML: translate (issue 5) */
    st = muskx__sbml_load_hook(path, ft->text, ft->len, scope, out, err);
    muskx__free(ft->text);
    return st;
  }
  /* Imports resolve against the file's directory (load_imports.c). */
  muskx_model *m = NULL;
  st = muskx__load_file_text(ft, path, scope, &m, err);
  muskx__free(ft->text);
  if (st != MUSKX_OK) return st;
  return finish(m, out, err);
}

static muskx_status load_file_with(const char *path,
                                   const muskx_access *access,
                                   muskx_model **out, muskx_error *err) {
  muskx__clearerr(err);
  if (out == NULL || path == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "path and out must not be NULL");
  *out = NULL;
  muskx__file_text ft;
  muskx__loc loc = {path, 0, 0};
  muskx_status st = muskx__load_read_file(path, 0, &ft);
  if (st == MUSKX_ENOMEM) return muskx__seterr(err, st, NULL, "out of memory");
  if (st == MUSKX_ELIMIT)
    return muskx__seterr(err, st, &loc, "model file '%s' is larger than 16 MiB", path);
  if (st != MUSKX_OK) {
    char msg[256];
    if (strerror_r(ft.errnum, msg, sizeof msg) != 0)
      snprintf(msg, sizeof msg, "errno %d", ft.errnum);
    return muskx__seterr(err, st, &loc, "cannot %s '%s': %s",
                         ft.at_open ? "open" : "read", path, msg);
  }
  muskx__folders scope;
  st = muskx__folders_open(&scope, access, path, err);
  if (st != MUSKX_OK) {
    muskx__free(ft.text);
    return st;
  }
  st = load_text(&ft, path, &scope, out, err);
  muskx__folders_close(&scope);
  return st;
}

/* What the public loads share: the file at src (from_file) or the text
   [src, src + len) named source_name, read with a '.' decimal point
   whatever the caller's locale (numlocale.h). */
static muskx_status load_in_c_numeric(int from_file, const char *src, size_t len,
                                      const char *source_name,
                                      const muskx_access *access,
                                      muskx_model **out, muskx_error *err) {
  muskx__c_numeric num;
  if (out != NULL) *out = NULL;
  muskx_status st = muskx__c_numeric_enter(&num, err);
  if (st != MUSKX_OK) return st;
  st = from_file ? load_file_with(src, access, out, err)
                 : load_string_with(src, len, source_name, access, out, err);
  muskx__c_numeric_leave(&num);
  return st;
}

muskx_status muskx_model_load_file_with(const char *path,
                                        const muskx_access *access,
                                        muskx_model **out, muskx_error *err) {
  return load_in_c_numeric(1, path, 0, NULL, access, out, err);
}

muskx_status muskx_model_load_file(const char *path, muskx_model **out,
                                   muskx_error *err) {
  return muskx_model_load_file_with(path, NULL, out, err);
}

muskx_status muskx_model_load_string_with(const char *text, size_t len,
                                          const char *source_name,
                                          const muskx_access *access,
                                          muskx_model **out, muskx_error *err) {
  return load_in_c_numeric(0, text, len, source_name, access, out, err);
}

muskx_status muskx_model_load_string(const char *text, size_t len,
                                     const char *source_name, muskx_model **out,
                                     muskx_error *err) {
  return muskx_model_load_string_with(text, len, source_name, NULL, out, err);
}

muskx_status muskx__model_load_in_folders(const char *path,
                                        const muskx__folders *scope,
                                        muskx_model **out, muskx_error *err,
                                        char *why, size_t whysize) {
  *out = NULL;
  muskx__file_text ft;
  muskx_status st = muskx__folders_read(scope, path, &ft, why, whysize);
  if (st == MUSKX_ENOMEM) return muskx__seterr(err, st, NULL, "out of memory");
  if (st == MUSKX_ELIMIT)
    snprintf(why, whysize, "it is larger than 16 MiB");
  if (st != MUSKX_OK) return st;
  why[0] = '\0';
  return load_text(&ft, path, scope, out, err);
}

muskx_status muskx__model_load_text_at(const char *text, size_t len,
                                      const char *path,
                                      const muskx__folders *scope,
                                      muskx_model **out, muskx_error *err) {
  muskx__clearerr(err);
  *out = NULL;
  muskx__file_text ft = {(char *)text, len, 0, 0, 0, 0, 0};
  muskx_model *m = NULL;
  muskx_status st = muskx__load_file_text(&ft, path, scope, &m, err);
  if (st != MUSKX_OK) return st;
  return finish(m, out, err);
}

/* ---------------------------------------------------------------------- */
/* Queries                                                                 */

const char *muskx_model_id(const muskx_model *m) { return m ? m->id : NULL; }
const char *muskx_model_name(const muskx_model *m) { return m ? m->name : NULL; }
const char *muskx_model_time_unit(const muskx_model *m) {
  return m ? m->time_unit : NULL;
}
const char *muskx_model_source(const muskx_model *m) { return m ? m->source : NULL; }
/* m->strings holds exactly the paths of the imported files (load_imports.c). */
int muskx_model_file_count(const muskx_model *m) { return m ? 1 + m->nstrings : -1; }
const char *muskx_model_file(const muskx_model *m, int i) {
  if (m == NULL || i < 0 || i > m->nstrings) return NULL;
  return i == 0 ? m->source : m->strings[i - 1];
}

int muskx_model_count(const muskx_model *m, muskx_kind kind) {
  if (m == NULL) return -1;
  switch (kind) {
    case MUSKX_SPECIES: return m->nspecies;
    case MUSKX_PARAMETER: return m->nparams;
    case MUSKX_INPUT: return m->ninputs;
    case MUSKX_OUTPUT: return m->noutputs;
    case MUSKX_COMPARTMENT: return m->ncompartments;
    case MUSKX_REACTION: return m->nreactions;
    case MUSKX_ASSIGNMENT: return m->nassignments;
    case MUSKX_EVENT: return m->nevents;
  }
  return -1;
}

/* name, unit and doc of one thing; 0 when out of range. unit or doc may be
   NULL for kinds that have none (reactions, events have no unit). */
typedef struct thing {
  const char *name, *unit, *doc;
} thing;

static int thing_at(const muskx_model *m, muskx_kind kind, int i, thing *t) {
  int n = muskx_model_count(m, kind);
  if (n < 0 || i < 0 || i >= n) return 0;
  t->unit = "";
  t->doc = "";
  switch (kind) {
    case MUSKX_SPECIES:
      t->name = m->species[i].name, t->unit = m->species[i].unit,
      t->doc = m->species[i].doc;
      break;
    case MUSKX_PARAMETER:
      t->name = m->params[i].name, t->unit = m->params[i].unit,
      t->doc = m->params[i].doc;
      break;
    case MUSKX_INPUT:
      t->name = m->inputs[i].name, t->unit = m->inputs[i].unit,
      t->doc = m->inputs[i].doc;
      break;
    case MUSKX_OUTPUT:
      t->name = m->outputs[i].name, t->unit = m->outputs[i].unit,
      t->doc = m->outputs[i].doc;
      break;
    case MUSKX_COMPARTMENT:
      t->name = m->compartments[i].name, t->unit = m->compartments[i].unit,
      t->doc = m->compartments[i].doc;
      break;
    case MUSKX_REACTION:
      t->name = m->reactions[i].id, t->doc = m->reactions[i].doc;
      break;
    case MUSKX_ASSIGNMENT:
      t->name = m->assignments[i].name, t->unit = m->assignments[i].unit,
      t->doc = m->assignments[i].doc;
      break;
    case MUSKX_EVENT:
      t->name = m->events[i].id, t->doc = m->events[i].doc;
      break;
  }
  return 1;
}

const char *muskx_model_name_at(const muskx_model *m, muskx_kind kind, int index) {
  thing t;
  return thing_at(m, kind, index, &t) ? t.name : NULL;
}

const char *muskx_model_unit(const muskx_model *m, muskx_kind kind, int index) {
  thing t;
  return thing_at(m, kind, index, &t) ? t.unit : NULL;
}

const char *muskx_model_doc(const muskx_model *m, muskx_kind kind, int index) {
  thing t;
  return thing_at(m, kind, index, &t) ? t.doc : NULL;
}

int muskx_model_find(const muskx_model *m, muskx_kind kind, const char *name) {
  if (m == NULL || name == NULL) return -1;
  const muskx__symbol *s = muskx__symtab_find(m->symtab, name);
  if (s == NULL) return -1;
  muskx__sym_kind want;
  switch (kind) {
    case MUSKX_SPECIES: want = MUSKX__SYM_SPECIES; break;
    case MUSKX_PARAMETER: want = MUSKX__SYM_PARAM; break;
    case MUSKX_INPUT: want = MUSKX__SYM_INPUT; break;
    case MUSKX_OUTPUT: want = MUSKX__SYM_OUTPUT; break;
    case MUSKX_COMPARTMENT: want = MUSKX__SYM_COMPARTMENT; break;
    case MUSKX_REACTION: want = MUSKX__SYM_REACTION; break;
    case MUSKX_ASSIGNMENT: want = MUSKX__SYM_ASSIGNMENT; break;
    case MUSKX_EVENT: want = MUSKX__SYM_EVENT; break;
    default: return -1;
  }
  return s->kind == want ? s->index : -1;
}

int muskx_model_reference_count(const muskx_model *m) {
  return m ? m->nreferences : -1;
}

const char *muskx_model_reference(const muskx_model *m, int index) {
  if (m == NULL || index < 0 || index >= m->nreferences) return NULL;
  return m->references[index];
}

int muskx_model_reaction_stoich(const muskx_model *m, int r, int *species,
                                double *coef, int max) {
  if (m == NULL || r < 0 || r >= m->nreactions || max < 0 ||
      (max > 0 && (species == NULL || coef == NULL)))
    return -1;
  const muskx__reaction *rx = &m->reactions[r];
  int total = 0;
  /* Species in order of first appearance (reactants, then products); each
     side lists a species once (the loader merges repeats), so the net is
     the product coefficient minus the reactant one. */
  for (int side = 0; side < 2; side++) {
    const muskx__stoich *a = side ? rx->rhs : rx->lhs;
    int n = side ? rx->nrhs : rx->nlhs;
    for (int j = 0; j < n; j++) {
      int s = a[j].species;
      int seen = 0;
      for (int k = 0; side == 1 && k < rx->nlhs && !seen; k++)
        seen = rx->lhs[k].species == s;
      if (seen) continue; /* counted with the reactants */
      double net = 0;
      for (int k = 0; k < rx->nlhs; k++)
        if (rx->lhs[k].species == s) net -= rx->lhs[k].coef;
      for (int k = 0; k < rx->nrhs; k++)
        if (rx->rhs[k].species == s) net += rx->rhs[k].coef;
      if (net == 0) continue;
      if (total < max) {
        species[total] = s;
        coef[total] = net;
      }
      total++;
    }
  }
  return total;
}

const char *muskx_model_reaction_equation(const muskx_model *m, int r) {
  if (m == NULL || r < 0 || r >= m->nreactions) return NULL;
  return m->reactions[r].equation_text;
}

const char *muskx_model_reaction_rate(const muskx_model *m, int r) {
  if (m == NULL || r < 0 || r >= m->nreactions) return NULL;
  return m->reactions[r].rate_text;
}
