/*
 * sbml_import.c -- SBML Level 1-3 core to muskx model YAML (issue 5).
 *
 * The translator writes the text a person would write: SBML ids become
 * muskx names (renamed with a '_' suffix only when they clash with t, time
 * or a built-in function; the SBML id is then kept in `doc`), units go to
 * `unit`, and the normal loader loads the result. The semantics follow the
 * SBML Level 3 Version 2 core specification (sections 4.6-4.12):
 *
 *  - An SBML species has an amount n. Its symbol in math is n/V (a
 *    concentration) unless hasOnlySubstanceUnits, and a reaction's kinetic
 *    law is an amount per time, dn/dt = sum stoich * rate. A muskx species
 *    in a compartment of volume V changes by stoich * rate / V, so:
 *      * a concentration species in a compartment of fixed size becomes a
 *        muskx species in that compartment holding the concentration;
 *      * an amount species (hasOnlySubstanceUnits, or a 0-D compartment)
 *        becomes a muskx species without compartment holding the amount;
 *      * a concentration species in a compartment whose size varies (rule
 *        or event) holds its amount, and every use of its symbol is
 *        written (S / V): amounts, not concentrations, are conserved when
 *        V changes (SBML L3V2 4.6.4 and 4.12).
 *  - boundaryCondition or constant species are muskx `constant: true`
 *    (reactions never change them); one with a rate rule gets an ode and
 *    stays out of reaction equations instead.
 *  - Assignment rules become assignments; rate rules become odes, and a
 *    parameter, compartment or species reference with a rate rule becomes
 *    a muskx species (a state) with that ode.
 *  - A species whose stoichiometry varies (stoichiometryMath, a species
 *    reference changed by a rule, an initial assignment or an event) or
 *    that has a conversion factor gets an ode summing its reactions' rates
 *    (a reaction id names its rate), instead of appearing in equations.
 *  - Initial values: the loader lets a parameter refer only to earlier
 *    parameters and a species' initial value only to parameters and
 *    compartments. An SBML initial value (initial assignment, or the value
 *    at t0 of an assignment rule) may refer to anything, so a reference
 *    to anything else is replaced by that thing's own initial value,
 *    recursively (exact: they are all evaluated once, at t0), and the
 *    parameters are written in dependency order.
 *  - Local parameters become parameters named <reaction>_<parameter>.
 *  - Events keep trigger, delay, priority, persistent, initialValue and
 *    useValuesFromTriggerTime (muskx-model(5), EVENTS).
 *
 *  - csymbol rateOf(x) is written out: x's rate rule, or its reactions'
 *    sum (0 for a constant); in an initial value, with the kinetic laws
 *    themselves written out at the start.
 *
 *  - Algebraic rules become `algebraic:` equations; the variable each
 *    determines (find_unknowns) becomes a muskx species without dynamics,
 *    and IDA solves the DAE (dae.c).
 *
 *  - Fast reactions are held at equilibrium: their conserved moieties
 *    become states that only slow reactions change, and the equilibrium
 *    and the moieties' definitions `algebraic:` equations
 *    (fast_subsystem).
 *
 *  - csymbol delay becomes delay(x, tau) (lib/delay.c keeps the history;
 *    before the start it is the initial values as functions of time).
 *
 * Not translated (EUNSUPPORTED, naming the element and its line): rateOf
 * inside delay or of an assigned variable, nested
 * delays, delays with algebraic rules, infinity/NaN literals and SBML
 * packages other than comp (flattened first).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath() */
#endif
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "expr.h"
#include "numlocale.h"
#include "sbml.h"

/* ---------------------------------------------------------------------- */
/* Detection and the public entry points (also without libSBML)            */

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char a = s[n - k + i], b = suf[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

int muskx__sbml_detect(const char *path, const char *text, size_t len) {
  if (path != NULL && (has_suffix(path, ".xml") || has_suffix(path, ".sbml")))
    return 1;
  if (text == NULL) return 0;
  size_t i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF &&
      (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
    i = 3; /* UTF-8 byte order mark */
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                     text[i] == '\n'))
    i++;
  return (len - i >= 5 && memcmp(text + i, "<?xml", 5) == 0) ||
         (len - i >= 5 && memcmp(text + i, "<sbml", 5) == 0);
}

void muskx_free_string(char *s) { muskx__free(s); }

muskx_status muskx_sbml_to_yaml(const char *sbml_path, char **yaml_out,
                                muskx_error *err) {
  muskx__clearerr(err);
  if (yaml_out != NULL) *yaml_out = NULL;
  if (sbml_path == NULL || yaml_out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "sbml_path and yaml_out must not be NULL");
  return muskx__sbml_translate(sbml_path, NULL, 0, NULL, yaml_out, err);
}

/* The public translations share this: the Level 1-2 reading of triggers
   true at t0, and the folders comp external definitions may come from. */
static muskx_status to_yaml(const char *sbml_path, const muskx_access *access,
                            int l2_initial_trigger, char **yaml_out,
                            muskx_error *err) {
  muskx__clearerr(err);
  if (yaml_out != NULL) *yaml_out = NULL;
  if (sbml_path == NULL || yaml_out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "sbml_path and yaml_out must not be NULL");
  if (l2_initial_trigger < -1 || l2_initial_trigger > 1)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "l2_initial_trigger must be -1 (default), 0 or 1, "
                         "got %d", l2_initial_trigger);
  muskx__sbml_opts opts = {NULL, NULL, 0, l2_initial_trigger};
  muskx__folders scope;
  muskx_status st = muskx__folders_open(&scope, access, sbml_path, err);
  if (st != MUSKX_OK) return st;
  st = muskx__sbml_translate_in(sbml_path, NULL, 0, &opts, &scope, yaml_out, err);
  muskx__folders_close(&scope);
  return st;
}

muskx_status muskx_sbml_to_yaml_opt(const char *sbml_path, int l2_initial_trigger,
                                    char **yaml_out, muskx_error *err) {
  return to_yaml(sbml_path, NULL, l2_initial_trigger, yaml_out, err);
}

muskx_status muskx_sbml_to_yaml_with(const char *sbml_path,
                                     const muskx_access *access,
                                     int l2_initial_trigger,
                                     char **yaml_out, muskx_error *err) {
  return to_yaml(sbml_path, access, l2_initial_trigger, yaml_out, err);
}

muskx_status muskx__sbml_load_hook(const char *path, const char *text,
                                   size_t len, const muskx__folders *scope,
                                   muskx_model **out, muskx_error *err) {
  char *yaml = NULL;
  muskx_status st = muskx__sbml_translate_in(path, text, len, NULL, scope,
                                             &yaml, err);
  if (st != MUSKX_OK || yaml == NULL) return st != MUSKX_OK ? st : MUSKX_ENOMEM;
  st = muskx_model_load_string(yaml, strlen(yaml), path, out, err);
  if (st != MUSKX_OK && err != NULL && err->line > 0) {
    /* The position is in the translation, not in the XML: say so, so the
       reader looks at `muskx import` output rather than the SBML file. */
    char msg[MUSKX_ERROR_MESSAGE_MAX + 128];
    snprintf(msg, sizeof msg, "%s (at line %d:%d of the muskx translation; "
             "see 'muskx import')", err->message, err->line, err->column);
    memcpy(err->message, msg, sizeof err->message - 1);
    err->message[sizeof err->message - 1] = '\0';
    err->line = 0;
    err->column = 0;
  }
  muskx__free(yaml);
  return st;
}

#ifndef MUSKX_HAVE_SBML

muskx_status muskx__sbml_translate(const char *path, const char *text,
                                   size_t len, const muskx__sbml_opts *opts,
                                   char **yaml_out, muskx_error *err) {
  return muskx__sbml_translate_in(path, text, len, opts, NULL, yaml_out, err);
}

muskx_status muskx__sbml_translate_in(const char *path, const char *text,
                                      size_t len, const muskx__sbml_opts *opts,
                                      const muskx__folders *scope,
                                      char **yaml_out, muskx_error *err) {
  (void)text, (void)len, (void)opts, (void)scope;
  if (yaml_out != NULL) *yaml_out = NULL;
  muskx__loc loc = {path, 0, 0};
  return muskx__seterr(err, MUSKX_EUNSUPPORTED, path ? &loc : NULL,
                       "cannot read SBML: libmuskx was built without libSBML");
}

#else /* MUSKX_HAVE_SBML */

#include "load.h"
#include "sbml_import.h"
#include "symtab.h"

/* ---------------------------------------------------------------------- */
/* Reads the document and reports its first error (with its line). The
   text is scanned for nesting before libSBML parses it (issue 16). */
static muskx_status read_document(tr *T, const char *text, size_t len) {
  muskx__file_text ft = {0};
  if (text == NULL) {
    muskx_status st = muskx__load_read_file(T->path, 0, &ft);
    muskx__loc loc = {T->path, 0, 0};
    if (st == MUSKX_ENOMEM) return nomem(T);
    if (st == MUSKX_ELIMIT)
      return T->st = muskx__seterr(T->err, st, &loc,
                                   "SBML file is larger than 16 MiB (the limit "
                                   "on model files)");
    if (st != MUSKX_OK) {
      char why[256];
      if (strerror_r(ft.errnum, why, sizeof why) != 0)
        snprintf(why, sizeof why, "errno %d", ft.errnum);
      return T->st = muskx__seterr(T->err, MUSKX_EIO, &loc,
                                   "cannot open SBML file: %s", why);
    }
    text = ft.text;
    len = ft.len;
  } else if (len > MUSKX__YAML_MAX_SIZE) {
    muskx__loc loc = {T->path, 0, 0};
    return T->st = muskx__seterr(T->err, MUSKX_ELIMIT, &loc,
                                 "SBML text is larger than 16 MiB (the limit "
                                 "on model files)");
  }
  if ((T->st = muskx__sbml_prescan(T->path, text, len, T->err)) != MUSKX_OK) {
    muskx__free(ft.text);
    return T->st;
  }
  char *z = muskx__alloc(len + 1);
  if (z == NULL) {
    muskx__free(ft.text);
    return nomem(T);
  }
  memcpy(z, text, len);
  z[len] = '\0';
  muskx__free(ft.text);
  T->doc = readSBMLFromString(z);
  muskx__free(z);
  /* comp's external model definitions resolve against the document's
     location (libSBML cannot know it for text) */
  char *abs = realpath(T->path, NULL);
  if (T->doc != NULL && abs != NULL) {
    size_t n = strlen(abs) + 6;
    char *uri = muskx__alloc(n);
    if (uri != NULL) {
      snprintf(uri, n, "file:%s", abs);
      SBMLDocument_setLocationURI(T->doc, uri);
      muskx__free(uri);
    }
  }
  free(abs); /* from realpath, not muskx__alloc */
  if (T->doc == NULL) return nomem(T);
  unsigned ne = SBMLDocument_getNumErrors(T->doc);
  for (unsigned i = 0; i < ne; i++) {
    const SBMLError_t *e = SBMLDocument_getError(T->doc, i);
    if (!XMLError_isError((const XMLError_t *)e) && !XMLError_isFatal((const XMLError_t *)e))
      continue;
    unsigned id = XMLError_getErrorId((const XMLError_t *)e);
    /* XML-level problems (ids below 10000, libSBML's XMLErrorCode_t) are
       syntax; the rest break an SBML rule. */
    muskx_status st = id < 10000 ? MUSKX_ESYNTAX : MUSKX_EMODEL;
    muskx__loc loc = {T->path, (int)XMLError_getLine((const XMLError_t *)e),
                      (int)XMLError_getColumn((const XMLError_t *)e)};
    if (loc.line <= 0) loc.line = loc.col = 0;
    else if (loc.col <= 0) loc.col = 1;
    const char *msg = XMLError_getMessage((const XMLError_t *)e);
    char clean[600];
    size_t k = 0;
    for (const char *p = msg ? msg : ""; *p && k + 1 < sizeof clean; p++)
      clean[k++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
    while (k > 0 && clean[k - 1] == ' ') k--;
    clean[k] = '\0';
    return T->st = muskx__seterr(T->err, st, &loc, "invalid SBML: %s", clean);
  }
  T->m = SBMLDocument_getModel(T->doc);
  if (T->m == NULL) {
    muskx__loc loc = {T->path, 0, 0};
    return T->st = muskx__seterr(T->err, MUSKX_EMODEL, &loc, "SBML document has no model");
  }
  T->level = SBMLDocument_getLevel(T->doc);
  /* Hierarchical models (comp) are flattened into one core model. */
  if (SBMLDocument_isSetPackageRequired(T->doc, "comp") ||
      SBase_getPlugin((SBase_t *)T->m, "comp") != NULL) {
    if (muskx__sbml_comp_check(T) != MUSKX_OK) return T->st;
    ConversionProperties_t *props = ConversionProperties_create();
    ConversionOption_t *opt = ConversionOption_create("flatten comp");
    if (props == NULL || opt == NULL) return nomem(T);
    ConversionOption_setBoolValue(opt, 1);
    ConversionProperties_addOption(props, opt);
    /* libSBML validates the comp document before flattening it, and that
       validation (5.19: UnitReplacementCheck -> UnitFormulaFormatter)
       dereferences NULL on a <divide/> without arguments (fuzz_sbml,
       session 14). The flat model's math is checked here after the
       flattening anyway, so libSBML's validation is off. */
    ConversionOption_t *noval = ConversionOption_create("performValidation");
    if (noval == NULL) {
      ConversionOption_free(opt);
      ConversionProperties_free(props);
      return nomem(T);
    }
    ConversionOption_setBoolValue(noval, 0);
    ConversionProperties_addOption(props, noval);
    int r = SBMLDocument_convert(T->doc, props);
    ConversionOption_free(noval);
    ConversionOption_free(opt);
    ConversionProperties_free(props);
    if (r != LIBSBML_OPERATION_SUCCESS) {
      /* say why: libSBML's first error from the conversion (issue 16) */
      const char *why = "libSBML gave no reason";
      muskx__loc loc = {T->path, 0, 0};
      unsigned ne = SBMLDocument_getNumErrors(T->doc);
      for (unsigned i = 0; i < ne; i++) {
        const XMLError_t *e = (const XMLError_t *)SBMLDocument_getError(T->doc, i);
        if (!XMLError_isError(e) && !XMLError_isFatal(e)) continue;
        why = str_or(XMLError_getMessage(e), why);
        loc.line = (int)XMLError_getLine(e);
        loc.col = loc.line > 0 ? 1 : 0;
        break;
      }
      char clean[600];
      size_t k = 0;
      for (const char *p = why; *p && k + 1 < sizeof clean; p++)
        clean[k++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
      while (k > 0 && clean[k - 1] == ' ') k--;
      clean[k] = '\0';
      return T->st = muskx__seterr(T->err, MUSKX_EUNSUPPORTED, &loc,
                                   "cannot flatten this hierarchical (comp) "
                                   "model: %s", clean);
    }
    T->m = SBMLDocument_getModel(T->doc);
  }
  /* Other packages change the meaning of a model: refuse them. */
  const char *pk[] = {"fbc", "qual", "multi", "spatial", "distrib", "arrays"};
  for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
    if (SBase_getPlugin((SBase_t *)T->m, pk[i]) != NULL ||
        SBMLDocument_isSetPackageRequired(T->doc, pk[i])) {
      muskx__loc loc = {T->path, 0, 0};
      return T->st = muskx__seterr(T->err, MUSKX_EUNSUPPORTED, &loc,
                                   "SBML package '%s' is not supported", pk[i]);
    }
  return MUSKX_OK;
}

static void free_tr(tr *T) {
  for (int i = 0; i < T->nnames; i++) muskx__free(T->names[i].name);
  muskx__free(T->names);
  muskx__symtab_free(T->by_name);
  muskx__symtab_free(T->by_id);
  for (int i = 0; i < T->nrx && T->rx; i++) {
    muskx__free(T->rx[i].local_ids);
    muskx__free(T->rx[i].local_names);
  }
  muskx__free(T->rx);
  muskx__free(T->fns);
  muskx__free(T->ev_names);
  muskx__free(T->v);
  muskx__free(T->alg);
  for (size_t k = 0; T->N && k < (size_t)T->nfr * (size_t)T->nfs; k++) muskx__sbml_fx_free(&T->N[k]);
  for (size_t k = 0; T->mo && k < (size_t)T->nmo * (size_t)T->nfs; k++) muskx__sbml_fx_free(&T->mo[k]);
  muskx__free(T->N);
  muskx__free(T->mo);
  muskx__free(T->mo_names); /* the names are the name table's */
  muskx__free(T->fs);
  muskx__free(T->frx);
  muskx__free(T->fpiv);
  muskx__free(T->atoms);
  muskx__free(T->sw); /* the names are the name table's */
  if (T->doc) SBMLDocument_free(T->doc);
}

muskx_status muskx__sbml_translate_in(const char *path, const char *text,
                                      size_t len, const muskx__sbml_opts *opts,
                                      const muskx__folders *scope,
                                      char **yaml_out, muskx_error *err) {
  muskx__clearerr(err);
  if (yaml_out == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "yaml_out must not be NULL");
  *yaml_out = NULL;
  tr T;
  memset(&T, 0, sizeof T);
  T.path = path ? path : "<sbml>";
  T.err = err;
  T.model_conv = -1;
  T.l2_initial_trigger = opts ? opts->l2_initial_trigger : -1;
  muskx__folders own;
  memset(&own, 0, sizeof own);
  if (scope == NULL) {
    /* the document's own folder */
    muskx_status st = muskx__folders_open(&own, NULL, path, err);
    if (st != MUSKX_OK) return st;
    scope = &own;
  }
  T.scope = scope;
  muskx__c_numeric num; /* the numbers of SBML and YAML text (numlocale.h) */
  muskx_status st = muskx__c_numeric_enter(&num, err);
  if (st != MUSKX_OK) {
    muskx__folders_close(&own);
    return st;
  }
  sb o = {0};
  muskx__sbml_lock(); /* libSBML is not thread-safe (sbml_lock.c) */
  if (read_document(&T, text, len) == MUSKX_OK) {
    muskx__sbml_read_variables(&T);
    if (T.st == MUSKX_OK) muskx__sbml_read_structure(&T);
    if (T.st == MUSKX_OK) muskx__sbml_register_names(&T);
    if (T.st == MUSKX_OK) muskx__sbml_read_rules(&T);
    if (T.st == MUSKX_OK) muskx__sbml_classify(&T);
    if (T.st == MUSKX_OK) muskx__sbml_write_model(&T, &o, opts);
    if (T.st == MUSKX_OK && o.oom) nomem(&T);
  }
  st = T.st;
  free_tr(&T);
  muskx__sbml_unlock();
  muskx__c_numeric_leave(&num);
  muskx__folders_close(&own);
  if (st != MUSKX_OK) {
    sb_free(&o);
    return st;
  }
  *yaml_out = o.s;
  return MUSKX_OK;
}

muskx_status muskx__sbml_translate(const char *path, const char *text,
                                   size_t len, const muskx__sbml_opts *opts,
                                   char **yaml_out, muskx_error *err) {
  return muskx__sbml_translate_in(path, text, len, opts, NULL, yaml_out, err);
}

#endif /* MUSKX_HAVE_SBML */
