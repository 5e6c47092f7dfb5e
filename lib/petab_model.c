/*
 * petab_model.c -- the model of a PEtab problem, with the problem's
 * observables in it.
 *
 * The model file (SBML, through the importer, or a muskx YAML model) is
 * first loaded as it is, so that its own errors keep their positions. Its
 * YAML is then extended: each observable formula and noise formula becomes
 * an output (petab_obs_<id>, petab_sigma_<id>), and each placeholder and
 * each parameter-table id the model lacks becomes a parameter. The engine
 * then computes observables and sigmas with the states (and, with
 * sensitivities, their derivatives) and a simulation sets placeholders as
 * it sets any parameter. Formula names are checked here, before the
 * extended model is loaded, so that a typo is reported in the observable
 * table.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "expr.h"
#include "load.h"
#include "model.h"
#include "petab.h"
#include "sbml.h"
#include "yamltree.h"

#define NOMEM() muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory")

static int model_has(const muskx_model *m, const char *name) {
  for (int k = MUSKX_SPECIES; k <= MUSKX_EVENT; k++)
    if (muskx_model_find(m, (muskx_kind)k, name) >= 0) return 1;
  return 0;
}

static int find_param(const struct muskx_petab *pb, const char *id) {
  for (int i = 0; i < pb->nparams; i++)
    if (strcmp(pb->params[i].id, id) == 0) return i;
  return -1;
}

/* Every name in e must be the base model's, a parameter-table id or one
   of observable o's placeholders. */
static muskx_status check_names(const struct muskx_petab *pb,
                                const muskx_model *base,
                                const muskx__petab_observable *o,
                                const muskx__expr *e, const char *file,
                                muskx_error *err) {
  if (e->kind == MUSKX__E_NAME) {
    const char *n = e->name;
    int ok = model_has(base, n) || find_param(pb, n) >= 0 ||
             strcmp(n, "t") == 0 || strcmp(n, "time") == 0 ||
             strcmp(n, "pi") == 0 || strcmp(n, "e") == 0;
    for (int j = 0; !ok && j < o->n_obs_ph + o->n_noise_ph; j++)
      ok = strcmp(n, pb->ph_names[o->ph_base + j]) == 0;
    if (!ok) {
      muskx__loc loc = {file, e->line, e->col};
      return muskx__seterr(err, MUSKX_ENOTFOUND, &loc,
                           "'%s' in a formula of observable '%s' is not a "
                           "name of the model, a parameter of the parameter "
                           "table or one of the observable's placeholders",
                           n, o->id);
    }
  }
  if (e->kind == MUSKX__E_CALL) { /* built-ins; model functions: loader */
    muskx__builtin f = muskx__builtin_lookup(e->name);
    int want = f == MUSKX__F_NONE ? -3 : muskx__builtin_arity(f);
    if ((want >= 0 && e->nargs != want) || (want == -2 && e->nargs < 2)) {
      muskx__loc loc = {file, e->line, e->col};
      char n[32];
      if (want == -2) snprintf(n, sizeof n, "2 or more");
      else snprintf(n, sizeof n, "%d", want);
      return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                           "'%s' takes %s argument%s, got %d (in a formula of "
                           "observable '%s')", e->name, n,
                           want == 1 ? "" : "s", e->nargs, o->id);
    }
  }
  for (int i = 0; i < e->nargs; i++) {
    muskx_status st = check_names(pb, base, o, e->args[i], file, err);
    if (st != MUSKX_OK) return st;
  }
  return MUSKX_OK;
}

static muskx_status check_formula(const struct muskx_petab *pb,
                                  const muskx_model *base,
                                  const muskx__petab_observable *o,
                                  const char *text, const muskx__tsv *t,
                                  int row, const char *column,
                                  muskx_error *err) {
  int c = muskx__tsv_column(t, column);
  int col = t->col[(size_t)row * (size_t)t->ncols + (size_t)c];
  muskx__expr *e = muskx__expr_parse(text, strlen(text), t->path,
                                     t->line[row], col, err);
  if (e == NULL) return err ? err->status : MUSKX_ESYNTAX;
  muskx_status st = check_names(pb, base, o, e, t->path, err);
  muskx__expr_free(e);
  return st;
}

/* The value of key in the root mapping, made an (empty) mapping when
   absent or null. NULL when out of memory (or not a mapping: extend()
   checks that first). */
static muskx__yaml_node *section(muskx__yaml_node *root, const char *key) {
  muskx__yaml_node *v = muskx__yaml_get(root, key, NULL);
  if (v != NULL && v->kind == MUSKX__YAML_MAP) return v;
  if (v != NULL && !muskx__yaml_is_null(v)) return NULL;
  muskx__yaml_node *map = muskx__yaml_new(MUSKX__YAML_MAP, NULL);
  if (map == NULL) return NULL;
  if (v != NULL) { /* `outputs:` with nothing: replace the null */
    for (size_t i = 0; i < root->n; i++)
      if (root->items[i] == v) {
        muskx__yaml_free(v);
        root->items[i] = map;
      }
    return map;
  }
  muskx__yaml_node *k = muskx__yaml_new(MUSKX__YAML_SCALAR, key);
  if (k == NULL || muskx__yaml_append(root, k, map) != 0) {
    muskx__yaml_free(k);
    muskx__yaml_free(map);
    return NULL;
  }
  k->style = MUSKX__YAML_PLAIN;
  return map;
}

static int add_entry(muskx__yaml_node *map, const char *key,
                     const char *value) {
  muskx__yaml_node *k = muskx__yaml_new(MUSKX__YAML_SCALAR, key);
  muskx__yaml_node *v = muskx__yaml_new(MUSKX__YAML_SCALAR, value);
  if (k == NULL || v == NULL || muskx__yaml_append(map, k, v) != 0) {
    muskx__yaml_free(k);
    muskx__yaml_free(v);
    return -1;
  }
  k->style = MUSKX__YAML_PLAIN;
  return 0;
}

/* "petab_<what>_<id>", with '_' appended until no model name has it. */
static char *output_name(const muskx_model *base, const char *what,
                         const char *id) {
  size_t n = strlen(id) + strlen(what) + 64;
  char *s = muskx__alloc(n);
  if (s == NULL) return NULL;
  snprintf(s, n, "petab_%s_%s", what, id);
  for (size_t len = strlen(s); model_has(base, s) && len + 1 < n; len++) {
    s[len] = '_';
    s[len + 1] = '\0';
  }
  return s;
}

/* Adds the PEtab entries to the model's YAML tree. */
static muskx_status extend(struct muskx_petab *pb, const muskx_model *base,
                           muskx__yaml_node *root, char **names,
                           const char *model_path, muskx_error *err) {
  muskx__loc loc = {model_path, 0, 0};
  static const char *const keys[] = {"parameters", "outputs"};
  for (int q = 0; q < 2; q++) {
    muskx__yaml_node *v = muskx__yaml_get(root, keys[q], NULL);
    if (v != NULL && v->kind != MUSKX__YAML_MAP && !muskx__yaml_is_null(v)) {
      loc.line = v->line;
      loc.col = v->col;
      return muskx__seterr(err, MUSKX_EMODEL, &loc,
                           "cannot add the PEtab observables: the model's "
                           "'%s' must be a mapping", keys[q]);
    }
  }
  muskx__yaml_node *params = section(root, "parameters");
  muskx__yaml_node *outputs = section(root, "outputs");
  if (params == NULL || outputs == NULL) return NOMEM();
  for (int i = 0; i < pb->nparams; i++) {
    const muskx__petab_param *p = &pb->params[i];
    if (muskx_model_find(base, MUSKX_PARAMETER, p->id) >= 0) continue;
    if (model_has(base, p->id))
      return muskx__seterr(err, MUSKX_EMODEL, &loc,
                           "parameter-table id '%s' names something in the "
                           "model that is not a parameter", p->id);
    /* an estimated one without nominalValue: theta always sets it; the
       model's default is then a finite point of its box */
    double d = !isnan(p->nominal) ? p->nominal
               : isfinite(p->lower) ? p->lower
               : isfinite(p->upper) ? p->upper : 0.0;
    char v[64];
    snprintf(v, sizeof v, "%.17g", d);
    if (add_entry(params, p->id, v) != 0) return NOMEM();
  }
  for (int i = 0; i < pb->nph; i++) {
    if (model_has(base, pb->ph_names[i]) || find_param(pb, pb->ph_names[i]) >= 0)
      return muskx__seterr(err, MUSKX_EMODEL, &loc,
                           "placeholder '%s' is also the name of a model "
                           "entity or parameter", pb->ph_names[i]);
    if (add_entry(params, pb->ph_names[i], "0") != 0) return NOMEM();
  }
  for (int k = 0; k < pb->nobs; k++) {
    const muskx__petab_observable *o = &pb->obs[k];
    if ((names[2 * k] = output_name(base, "obs", o->id)) == NULL ||
        (names[2 * k + 1] = output_name(base, "sigma", o->id)) == NULL ||
        add_entry(outputs, names[2 * k], o->formula) != 0 ||
        add_entry(outputs, names[2 * k + 1], o->noise) != 0)
      return NOMEM();
  }
  return MUSKX_OK;
}

/* The model file's YAML text: the SBML translation, or the file itself. */
static muskx_status model_text(const char *path, const muskx__folders *scope,
                               char **text, size_t *len, muskx_error *err) {
  muskx__file_text ft;
  muskx__loc loc = {path, 0, 0};
  char why[512];
  muskx_status st = muskx__folders_read(scope, path, &ft, why, sizeof why);
  if (st != MUSKX_OK)
    return muskx__seterr(err, st, &loc, "cannot read model '%s': %s", path,
                         st == MUSKX_EIO ? why : muskx_strerror(st));
  if (!muskx__sbml_detect(path, ft.text, ft.len)) {
    *text = ft.text;
    *len = ft.len;
    return MUSKX_OK;
  }
  st = muskx__sbml_translate(path, ft.text, ft.len, NULL, text, err);
  muskx__free(ft.text);
  if (st == MUSKX_OK) *len = strlen(*text);
  return st;
}

static muskx_status resolve(struct muskx_petab *pb, char **names,
                            const muskx__tsv *ct, muskx_error *err) {
  const muskx_model *m = pb->model;
  for (int i = 0; i < pb->nparams; i++)
    pb->params[i].model_param =
        muskx_model_find(m, MUSKX_PARAMETER, pb->params[i].id);
  for (int i = 0; i < pb->nph; i++)
    pb->ph_model[i] = muskx_model_find(m, MUSKX_PARAMETER, pb->ph_names[i]);
  for (int k = 0; k < pb->nobs; k++) {
    pb->obs[k].out_obs = muskx_model_find(m, MUSKX_OUTPUT, names[2 * k]);
    pb->obs[k].out_sigma = muskx_model_find(m, MUSKX_OUTPUT, names[2 * k + 1]);
  }
  for (int j = 0; j < pb->ntargets; j++) {
    muskx__petab_target *tg = &pb->targets[j];
    static const struct { muskx_kind kind; muskx__petab_target_kind tk; } ks[] = {
        {MUSKX_PARAMETER, MUSKX__PETAB_TGT_PARAM},
        {MUSKX_COMPARTMENT, MUSKX__PETAB_TGT_COMPARTMENT},
        {MUSKX_SPECIES, MUSKX__PETAB_TGT_SPECIES}};
    tg->index = -1;
    for (int q = 0; q < 3 && tg->index < 0; q++) {
      tg->index = muskx_model_find(m, ks[q].kind, tg->id);
      tg->kind = ks[q].tk;
    }
    if (tg->index < 0 || (tg->kind == MUSKX__PETAB_TGT_PARAM &&
                          find_param(pb, tg->id) >= 0)) {
      int c = muskx__tsv_column(ct, tg->id);
      muskx__loc loc = {ct->path, 1, 1};
      for (int q = 0; q < c; q++) loc.col += (int)strlen(ct->header[q]) + 1;
      return muskx__seterr(err, MUSKX_ENOTFOUND, &loc,
                           tg->index < 0
                               ? "condition column '%s' is not a parameter, "
                                 "compartment or species of the model"
                               : "condition column '%s' is also in the "
                                 "parameter table (PEtab allows one or the "
                                 "other)",
                           tg->id);
    }
  }
  return MUSKX_OK;
}

muskx_status muskx__petab_build_model(struct muskx_petab *pb,
                                      const char *model_path,
                                      const muskx__folders *scope,
                                      const muskx__tsv *ot,
                                      const muskx__tsv *ct,
                                      muskx_error *err) {
  muskx_model *base = NULL;
  muskx__yaml_node *root = NULL;
  char *text = NULL, *ext = NULL;
  size_t len = 0, elen = 0;
  char **names = muskx__calloc(2 * (size_t)pb->nobs + 1, sizeof *names);
  if (names == NULL) return NOMEM();
  char why[512] = "";
  muskx_status st = muskx__model_load_in_folders(model_path, scope, &base, err,
                                                 why, sizeof why);
  if (st != MUSKX_OK && why[0] != '\0') {
    muskx__loc loc = {model_path, 0, 0};
    st = muskx__seterr(err, st, &loc, "cannot read model '%s': %s", model_path,
                       why);
  }
  for (int k = 0; k < pb->nobs && st == MUSKX_OK; k++) {
    st = check_formula(pb, base, &pb->obs[k], pb->obs[k].formula, ot, k,
                       "observableFormula", err);
    if (st == MUSKX_OK)
      st = check_formula(pb, base, &pb->obs[k], pb->obs[k].noise, ot, k,
                         "noiseFormula", err);
  }
  if (st == MUSKX_OK) st = model_text(model_path, scope, &text, &len, err);
  if (st == MUSKX_OK) st = muskx__yaml_parse(text, len, model_path, &root, err);
  if (st == MUSKX_OK) st = extend(pb, base, root, names, model_path, err);
  if (st == MUSKX_OK && muskx__yaml_emit(root, &ext, &elen) != MUSKX_OK)
    st = NOMEM();
  if (st == MUSKX_OK) {
    st = muskx__model_load_text_at(ext, elen, model_path, scope, &pb->model,
                                   err);
    if (st != MUSKX_OK && err != NULL) {
      /* The base model loaded, so the fault is in an observable formula
         (a function called with the wrong arguments, say). */
      char msg[MUSKX_ERROR_MESSAGE_MAX + 64];
      snprintf(msg, sizeof msg, "with the PEtab observables added: %s",
               err->message);
      memcpy(err->message, msg, sizeof err->message - 1);
      err->message[sizeof err->message - 1] = '\0';
      err->line = err->column = 0;
    }
  }
  if (st == MUSKX_OK) st = resolve(pb, names, ct, err);
  for (int k = 0; k < 2 * pb->nobs; k++) muskx__free(names[k]);
  muskx__free(names);
  muskx__free(text);
  muskx__free(ext);
  muskx__yaml_free(root);
  muskx_model_free(base);
  return st;
}
