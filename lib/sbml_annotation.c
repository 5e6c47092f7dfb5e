/*
 * sbml_annotation.c -- the muskx annotation of exported SBML elements and
 * the declared time unit (sbml_annotation.h; issue 18).
 */
#ifdef MUSKX_HAVE_SBML
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sbml_annotation.h"

/* s with XML's special characters escaped, appended to buf at *k (buf
   is large enough: 6 bytes per input byte). */
static void escape(char *buf, size_t *k, const char *s) {
  for (; s && *s; s++) {
    const char *r = NULL;
    switch (*s) {
      case '&': r = "&amp;"; break;
      case '<': r = "&lt;"; break;
      case '>': r = "&gt;"; break;
      case '"': r = "&quot;"; break;
      /* XML normalises white space in attributes: our own escapes */
      case '\\': r = "\\\\"; break;
      case '\n': r = "\\n"; break;
      case '\t': r = "\\t"; break;
      case '\r': r = "\\r"; break;
      default: break;
    }
    if (r != NULL) {
      size_t n = strlen(r);
      memcpy(buf + *k, r, n);
      *k += n;
    } else {
      buf[(*k)++] = *s;
    }
  }
}

int muskx__sbml_annotate(SBase_t *el, const char *element,
                         const muskx__sbml_kv *kv, int nkv,
                         char *const *refs, int nref) {
  size_t len = 256 + strlen(element) * 2 + strlen(MUSKX__SBML_NS);
  for (int i = 0; i < nkv; i++)
    len += strlen(kv[i].key) + 6 * strlen(kv[i].value ? kv[i].value : "") + 8;
  for (int i = 0; i < nref; i++) len += 6 * strlen(refs[i]) + 48;
  char *buf = muskx__alloc(len);
  if (buf == NULL) return -1;
  size_t k = (size_t)sprintf(buf, "<annotation><muskx:%s xmlns:muskx=\"%s\"",
                             element, MUSKX__SBML_NS);
  for (int i = 0; i < nkv; i++) {
    if (kv[i].value == NULL || kv[i].value[0] == '\0') continue;
    k += (size_t)sprintf(buf + k, " %s=\"", kv[i].key);
    escape(buf, &k, kv[i].value);
    buf[k++] = '"';
  }
  if (nref == 0) {
    k += (size_t)sprintf(buf + k, "/>");
  } else {
    buf[k++] = '>';
    for (int i = 0; i < nref; i++) {
      k += (size_t)sprintf(buf + k, "<muskx:reference text=\"");
      escape(buf, &k, refs[i]);
      k += (size_t)sprintf(buf + k, "\"/>");
    }
    k += (size_t)sprintf(buf + k, "</muskx:%s>", element);
  }
  k += (size_t)sprintf(buf + k, "</annotation>");
  buf[k] = '\0';
  int rc = SBase_appendAnnotationString(el, buf) == LIBSBML_OPERATION_SUCCESS ? 0 : -1;
  muskx__free(buf);
  return rc;
}

/* The muskx element of el's annotation, or NULL. */
static const XMLNode_t *ours(SBase_t *el) {
  const XMLNode_t *a = SBase_getAnnotation(el);
  for (unsigned i = 0; a != NULL && i < XMLNode_getNumChildren(a); i++) {
    const XMLNode_t *c = XMLNode_getChild(a, (int)i);
    const char *uri = XMLNode_getURI(c);
    if (uri != NULL && strcmp(uri, MUSKX__SBML_NS) == 0) return c;
  }
  return NULL;
}

/* A libSBML-allocated attribute value as our own string, escapes undone
   (NULL if empty). */
static char *own(char *v) {
  char *r = v != NULL && v[0] ? muskx__strdup(v) : NULL;
  free(v); /* libSBML's */
  if (r == NULL) return NULL;
  size_t k = 0;
  for (size_t i = 0; r[i]; i++) {
    if (r[i] == '\\' && r[i + 1]) {
      char c = r[++i];
      r[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
    } else {
      r[k++] = r[i];
    }
  }
  r[k] = '\0';
  return r;
}

char *muskx__sbml_annotation(SBase_t *el, const char *key) {
  const XMLNode_t *n = ours(el);
  return n ? own(XMLNode_getAttrValueByName(n, key)) : NULL;
}

char **muskx__sbml_annotation_refs(SBase_t *el, int *nout) {
  *nout = 0;
  const XMLNode_t *n = ours(el);
  unsigned nc = n ? XMLNode_getNumChildren(n) : 0;
  if (nc == 0) return NULL;
  char **out = muskx__calloc(nc, sizeof *out);
  if (out == NULL) return NULL;
  for (unsigned i = 0; i < nc; i++) {
    const XMLNode_t *c = XMLNode_getChild(n, (int)i);
    const char *nm = XMLNode_getName(c);
    if (nm == NULL || strcmp(nm, "reference") != 0) continue;
    char *t = own(XMLNode_getAttrValueByName(c, "text"));
    if (t != NULL) out[(*nout)++] = t;
  }
  return out;
}

void muskx__sbml_export_time_unit(Model_t *sm, const char *tu) {
  static const struct {
    const char *names[6];
    const char *id; /* a unit definition id, or "second" */
    double seconds;
  } known[] = {
      {{"s", "sec", "second", "seconds"}, "second", 1},
      {{"min", "minute", "minutes"}, "minute", 60},
      {{"h", "hr", "hour", "hours"}, "hour", 3600},
      {{"d", "day", "days"}, "day", 86400},
      {{"week", "weeks", "wk"}, "week", 604800},
      {{"year", "years", "yr", "a"}, "year", 31557600},
  };
  for (size_t i = 0; tu != NULL && i < sizeof known / sizeof known[0]; i++)
    for (int j = 0; j < 6 && known[i].names[j]; j++) {
      if (strcmp(tu, known[i].names[j]) != 0) continue;
      if (known[i].seconds != 1) {
        UnitDefinition_t *ud = Model_createUnitDefinition(sm);
        Unit_t *u = ud ? UnitDefinition_createUnit(ud) : NULL;
        if (u == NULL) return;
        UnitDefinition_setId(ud, known[i].id);
        Unit_setKind(u, UNIT_KIND_SECOND);
        Unit_setExponent(u, 1);
        Unit_setScale(u, 0);
        Unit_setMultiplier(u, known[i].seconds);
      }
      Model_setTimeUnits(sm, known[i].id);
      return;
    }
}
#else
typedef int muskx__sbml_annotation_unused; /* ISO C: no empty unit */
#endif
