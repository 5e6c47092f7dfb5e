/*
 * sbml_import_guard.c -- bounds on an SBML document before libSBML works
 * on it (issue 16, High 2 and 6, Low "comp external references").
 *
 * libSBML parses XML and MathML recursively and flattens comp models by
 * copying every submodel instance, so a small hostile file can overflow
 * the stack (10,000 nested <apply>) or allocate gigabytes (16 levels of 2
 * submodels). Before libSBML sees a document:
 *  - its text is scanned for element nesting (MUSKX__SBML_MAX_DEPTH), and
 *    a <!DOCTYPE> (DTD, entities), an XML declaration anywhere but at
 *    the start, and a second <math> in one element or inside another
 *    (outside annotations and notes) are refused;
 * and before a comp model is flattened:
 *  - the number of elements the flat model would hold is computed from
 *    the submodel tree, each definition's size once (MUSKX__SBML_MAX_FLAT);
 *  - every external model definition must be a regular file inside the
 *    load's folders (fileaccess.h); each is read, scanned and counted the
 *    same way, at most MUSKX__SBML_MAX_EXTERNAL deep.
 */
#include "sbml_import.h"

#include <sbml/packages/comp/common/compfwd.h>
#include <sbml/packages/comp/extension/CompModelPlugin.h>
#include <sbml/packages/comp/extension/CompSBMLDocumentPlugin.h>
#include <sbml/packages/comp/sbml/ExternalModelDefinition.h>
#include <sbml/packages/comp/sbml/ModelDefinition.h>
#include <sbml/packages/comp/sbml/Submodel.h>

#include "load.h"

/* ---------------------------------------------------------------------- */
/* Nesting of the XML text                                                 */

/* Skips from p to just after the first occurrence of end (or to e). */
static const char *skip_past(const char *p, const char *e, const char *end,
                             int *line) {
  size_t k = strlen(end);
  for (; p + k <= e; p++) {
    if (memcmp(p, end, k) == 0) return p + k;
    if (*p == '\n') (*line)++;
  }
  return e;
}

muskx_status muskx__sbml_prescan(const char *path, const char *text,
                                 size_t len, muskx_error *err) {
  const char *p = text, *e = text + len;
  int depth = 0, line = 1;
  /* per open element: has it a <math> child yet (outside annotations and
     notes, which may hold any XML); annot: depth of the open annotation
     or notes, 0 when none */
  unsigned char math_seen[MUSKX__SBML_MAX_DEPTH + 2] = {0};
  int annot = 0, in_math = 0; /* in_math: depth of the open <math>, or 0 */
  while (p < e) {
    if (*p == '\n') line++;
    if (*p != '<') {
      p++;
      continue;
    }
    if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
      p = skip_past(p + 4, e, "-->", &line);
    } else if (e - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
      p = skip_past(p + 9, e, "]]>", &line);
    } else if (e - p >= 2 && p[1] == '?') {
      /* XML 1.0 section 2.8: the declaration <?xml ...?> (target "xml" in
         any case) may only open the document; libSBML 5.19 reports one
         further in but leaks the MathML it was reading (fuzz smoke). */
      int bom = p == text + 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0;
      if (p != text && !bom && e - p >= 6 && (p[2] | 0x20) == 'x' &&
          (p[3] | 0x20) == 'm' && (p[4] | 0x20) == 'l' &&
          (p[5] == ' ' || p[5] == '\t' || p[5] == '\r' || p[5] == '\n' ||
           p[5] == '?')) {
        muskx__loc loc = {path, line, 1};
        return muskx__seterr(err, MUSKX_EMODEL, &loc,
                             "an XML declaration (<?xml ...?>) inside the "
                             "document: it may only stand at its very start "
                             "(XML 1.0, section 2.8); is this two files "
                             "pasted together?");
      }
      p = skip_past(p + 2, e, "?>", &line);
    } else if (e - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
      /* SBML needs no DTD; entities are a classic attack surface, and
         libxml2 under libSBML leaks a document's internal subset. */
      muskx__loc loc = {path, line, 1};
      return muskx__seterr(err, MUSKX_EUNSUPPORTED, &loc,
                           "SBML with a <!DOCTYPE> (a DTD or entities) is not "
                           "accepted");
    } else if (e - p >= 2 && p[1] == '!') {
      /* other declarations */
      int brackets = 0;
      for (p += 2; p < e; p++) {
        if (*p == '\n') line++;
        else if (*p == '[') brackets++;
        else if (*p == ']') brackets--;
        else if (*p == '>' && brackets <= 0) break;
      }
      if (p < e) p++;
    } else if (e - p >= 2 && p[1] == '/') {
      if (depth == annot) annot = 0;
      if (depth == in_math) in_math = 0;
      depth--;
      p = skip_past(p + 2, e, ">", &line);
    } else {
      /* a start tag: attribute values may hold '>' */
      char quote = 0;
      const char *q = p + 1;
      for (; q < e; q++) {
        if (*q == '\n') line++;
        if (quote) {
          if (*q == quote) quote = 0;
        } else if (*q == '"' || *q == '\'') {
          quote = *q;
        } else if (*q == '>') {
          break;
        }
      }
      /* the tag's local name (after a namespace prefix) */
      const char *n = p + 1, *ne = n;
      while (ne < q && *ne != ' ' && *ne != '\t' && *ne != '\r' &&
             *ne != '\n' && *ne != '/' && *ne != '>')
        ne++;
      for (const char *c = n; c < ne; c++)
        if (*c == ':') n = c + 1;
      size_t nl = (size_t)(ne - n);
      /* Every SBML element holds at most one <math>, and MathML has no
         <math> inside <math>; libSBML 5.19 reads a second over the first
         and leaks it (fuzz_sbml). */
      if (annot == 0 && nl == 4 && memcmp(n, "math", 4) == 0 && depth >= 0 &&
          depth <= MUSKX__SBML_MAX_DEPTH) {
        if (in_math) {
          muskx__loc loc = {path, line, 1};
          return muskx__seterr(err, MUSKX_EMODEL, &loc,
                               "a <math> inside another <math> (is a closing "
                               "</math> missing?)");
        }
        if (q < e && q[-1] != '/') in_math = depth + 1;
        if (math_seen[depth]) {
          muskx__loc loc = {path, line, 1};
          return muskx__seterr(err, MUSKX_EMODEL, &loc,
                               "a second <math> in one SBML element (each "
                               "rule, assignment, kinetic law, trigger, ... "
                               "holds one formula)");
        }
        math_seen[depth] = 1;
      }
      if (q < e && q[-1] != '/' && depth + 1 >= 0 &&
          depth + 1 <= MUSKX__SBML_MAX_DEPTH) {
        math_seen[depth + 1] = 0;
        if (annot == 0 && ((nl == 10 && memcmp(n, "annotation", 10) == 0) ||
                           (nl == 5 && memcmp(n, "notes", 5) == 0)))
          annot = depth + 1;
      }
      if (q < e && q[-1] != '/' && ++depth > MUSKX__SBML_MAX_DEPTH) {
        muskx__loc loc = {path, line, 1};
        return muskx__seterr(err, MUSKX_ELIMIT, &loc,
                             "SBML elements nested deeper than %d levels (the "
                             "limit on SBML nesting, MathML and annotations "
                             "included)", MUSKX__SBML_MAX_DEPTH);
      }
      p = q < e ? q + 1 : e;
    }
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* The size of the flattened comp model                                    */

/* One document of the comp tree: the top one or an external one. */
typedef struct cdoc {
  SBMLDocument_t *doc;
  CompSBMLDocumentPlugin_t *plug; /* NULL without comp */
  char *folder;                   /* for its external sources */
} cdoc;

typedef struct csize {
  tr *T;
  int depth;  /* external documents open */
  int opened; /* external documents read in all */
} csize;

static double model_size(csize *C, cdoc *d, Model_t *m, int level);

static double own_elements(Model_t *m) {
  return 1.0 + Model_getNumCompartments(m) + Model_getNumSpecies(m) +
         Model_getNumParameters(m) + Model_getNumReactions(m) +
         Model_getNumRules(m) + Model_getNumEvents(m) +
         Model_getNumInitialAssignments(m) + Model_getNumConstraints(m) +
         Model_getNumFunctionDefinitions(m);
}

static void free_cdoc(cdoc *d) {
  if (d->doc) SBMLDocument_free(d->doc);
  muskx__free(d->folder);
}

/* Opens the external document src (relative to d's folder) when the
   load's folders admit it. */
static int open_source(csize *C, cdoc *d, ExternalModelDefinition_t *x,
                       const char *src, const char *id, cdoc *out);

static int open_external(csize *C, cdoc *d, ExternalModelDefinition_t *x,
                         cdoc *out) {
  memset(out, 0, sizeof *out);
  /* the comp getters return copies (libSBML's safe_strdup): freed here */
  char *owned = ExternalModelDefinition_getSource(x);
  char *id = ExternalModelDefinition_getId(x);
  int r = open_source(C, d, x, owned, str_or(id, "?"), out);
  free(owned);
  free(id);
  return r;
}

static int open_source(csize *C, cdoc *d, ExternalModelDefinition_t *x,
                       const char *src, const char *id, cdoc *out) {
  tr *T = C->T;
  if (src == NULL || src[0] == '\0') {
    fail(T, MUSKX_EMODEL, x, "external model definition '%s' has no source", id);
    return -1;
  }
  if (strncmp(src, "file:", 5) == 0) src += 5;
  if (strstr(src, "://") != NULL) {
    fail(T, MUSKX_EUNSUPPORTED, x,
         "external model definition '%s': only local files are read, not '%.300s'",
         id, src);
    return -1;
  }
  if (++C->opened > MUSKX__SBML_MAX_EXTERNAL_READS) {
    fail(T, MUSKX_ELIMIT, x, "more than %d external model documents to read "
         "(at '%.300s')", MUSKX__SBML_MAX_EXTERNAL_READS, src);
    return -1;
  }
  if (C->depth >= MUSKX__SBML_MAX_EXTERNAL) {
    fail(T, MUSKX_ELIMIT, x,
         "external model definitions nested more than %d deep (at '%.300s')",
         MUSKX__SBML_MAX_EXTERNAL, src);
    return -1;
  }
  size_t n = strlen(d->folder) + strlen(src) + 2;
  char *path = muskx__alloc(n);
  if (path == NULL) return nomem(T), -1;
  if (src[0] == '/') snprintf(path, n, "%s", src);
  else snprintf(path, n, "%s/%s", d->folder, src);
  muskx__file_text ft;
  char why[512];
  muskx_status st = muskx__folders_read(T->scope, path, &ft, why, sizeof why);
  if (st == MUSKX_ENOMEM) {
    muskx__free(path);
    return nomem(T), -1;
  }
  if (st != MUSKX_OK) {
    if (st == MUSKX_ELIMIT) snprintf(why, sizeof why, "it is larger than 16 MiB");
    fail(T, st, x, "cannot open external model '%.300s': %s", src, why);
    muskx__free(path);
    return -1;
  }
  muskx_error e2;
  if (muskx__sbml_prescan(path, ft.text, ft.len, &e2) != MUSKX_OK) {
    fail(T, e2.status, x, "external model '%.300s': line %d: %s", src, e2.line,
         e2.message);
    muskx__free(ft.text);
    muskx__free(path);
    return -1;
  }
  char *z = muskx__realloc(ft.text, ft.len + 1);
  if (z == NULL) {
    muskx__free(ft.text);
    muskx__free(path);
    return nomem(T), -1;
  }
  z[ft.len] = '\0';
  out->doc = readSBMLFromString(z);
  muskx__free(z);
  const char *slash = strrchr(path, '/');
  out->folder = slash ? muskx__strndup(path, (size_t)(slash - path)) : muskx__strdup(".");
  muskx__free(path);
  if (out->doc == NULL || out->folder == NULL) {
    free_cdoc(out);
    return nomem(T), -1;
  }
  out->plug = (CompSBMLDocumentPlugin_t *)SBase_getPlugin((SBase_t *)out->doc, "comp");
  return 0;
}

/* The model that modelRef names in d: a model definition, an external
   one (opened), or d's main model; its size. */
static double ref_size(csize *C, cdoc *d, const char *ref, int level) {
  Model_t *main = SBMLDocument_getModel(d->doc);
  if (main != NULL && ref != NULL && Model_isSetId(main) &&
      strcmp(Model_getId(main), ref) == 0)
    return model_size(C, d, main, level);
  unsigned nd = d->plug ? CompSBMLDocumentPlugin_getNumModelDefinitions(d->plug) : 0;
  for (unsigned i = 0; i < nd; i++) {
    Model_t *md = (Model_t *)CompSBMLDocumentPlugin_getModelDefinition(d->plug, i);
    if (ref != NULL && Model_isSetId(md) && strcmp(Model_getId(md), ref) == 0)
      return model_size(C, d, md, level);
  }
  unsigned nx = d->plug ? CompSBMLDocumentPlugin_getNumExternalModelDefinitions(d->plug) : 0;
  for (unsigned i = 0; i < nx; i++) {
    ExternalModelDefinition_t *x =
        CompSBMLDocumentPlugin_getExternalModelDefinition(d->plug, i);
    char *id = ExternalModelDefinition_getId(x); /* a copy, freed below */
    int match = ref != NULL && id != NULL && strcmp(id, ref) == 0;
    free(id);
    if (!match) continue;
    cdoc ext;
    if (open_external(C, d, x, &ext) != 0) return -1;
    C->depth++;
    char *inner = ExternalModelDefinition_getModelRef(x);
    double s;
    if (inner == NULL || inner[0] == '\0') {
      Model_t *em = SBMLDocument_getModel(ext.doc);
      s = em ? model_size(C, &ext, em, level) : 1;
    } else {
      s = ref_size(C, &ext, inner, level);
    }
    free(inner);
    C->depth--;
    free_cdoc(&ext);
    return s;
  }
  return 1; /* libSBML reports the unknown reference itself */
}

static double model_size(csize *C, cdoc *d, Model_t *m, int level) {
  tr *T = C->T;
  if (T->st != MUSKX_OK) return -1;
  if (level > MUSKX__SBML_MAX_SUBMODEL_DEPTH) {
    fail(T, MUSKX_ELIMIT, m, "submodels nested more than %d deep (a cycle of "
         "submodels?)", MUSKX__SBML_MAX_SUBMODEL_DEPTH);
    return -1;
  }
  double s = own_elements(m);
  CompModelPlugin_t *mp = (CompModelPlugin_t *)SBase_getPlugin((SBase_t *)m, "comp");
  unsigned ns = mp ? CompModelPlugin_getNumSubmodels(mp) : 0;
  /* Submodels of the same definition cost the same: count each once. */
  if (ns == 0) return s;
  /* the refs, copies from libSBML (safe_strdup), freed below */
  char **refs = muskx__calloc(ns, sizeof *refs);
  if (refs == NULL) return nomem(T), -1;
  for (unsigned i = 0; i < ns; i++)
    refs[i] = Submodel_getModelRef(CompModelPlugin_getSubmodel(mp, i));
  for (unsigned i = 0; i < ns && s <= MUSKX__SBML_MAX_FLAT; i++) {
    unsigned same = 1;
    int seen = 0;
    for (unsigned j = 0; j < i && !seen; j++)
      seen = strcmp(str_or(refs[j], ""), str_or(refs[i], "")) == 0;
    if (seen) continue;
    for (unsigned j = i + 1; j < ns; j++)
      same += strcmp(str_or(refs[j], ""), str_or(refs[i], "")) == 0;
    double sub = ref_size(C, d, refs[i], level + 1);
    if (sub < 0) {
      s = -1;
      break;
    }
    s += (double)same * sub;
  }
  for (unsigned i = 0; i < ns; i++) free(refs[i]);
  muskx__free(refs);
  return s;
}

muskx_status muskx__sbml_comp_check(tr *T) {
  csize C = {T, 0, 0};
  cdoc top = {T->doc, (CompSBMLDocumentPlugin_t *)SBase_getPlugin((SBase_t *)T->doc, "comp"),
              NULL};
  const char *slash = strrchr(T->path, '/');
  top.folder = slash ? muskx__strndup(T->path, (size_t)(slash - T->path))
                     : muskx__strdup(".");
  if (top.folder == NULL) return nomem(T);
  double s = model_size(&C, &top, T->m, 0);
  muskx__free(top.folder);
  if (T->st != MUSKX_OK) return T->st;
  if (s > MUSKX__SBML_MAX_FLAT) {
    muskx__loc loc = {T->path, 0, 0};
    return T->st = muskx__seterr(T->err, MUSKX_ELIMIT, &loc,
                                 "the flattened hierarchical (comp) model would "
                                 "hold more than %d elements (the limit on comp "
                                 "flattening; at least %.0f)",
                                 MUSKX__SBML_MAX_FLAT, s);
  }
  return MUSKX_OK;
}
