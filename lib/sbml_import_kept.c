/*
 * sbml_import_kept.c -- reading back what a muskx export kept in its
 * annotations (sbml_annotation.h; issue 18: export -> import gives the
 * same model): outputs and inputs (not assignments and parameters), the
 * exact doc, unit, bounds and nonnegative flag of each element, and the
 * model's time unit, description and references. A document without
 * these annotations imports as before.
 */
#include "sbml_annotation.h"
#include "sbml_import.h"

int muskx__sbml_kept_role(const sv *v, const char *role) {
  char *r = muskx__sbml_annotation(v->el, "role");
  int is = r != NULL && strcmp(r, role) == 0;
  muskx__free(r);
  return is;
}

/* ", key: "value"" for an annotation value, when there is one. */
static void kept_field(sb *o, SBase_t *el, const char *ann, const char *key, int quote) {
  char *v = muskx__sbml_annotation(el, ann);
  if (v == NULL) return;
  sb_printf(o, ", %s: ", key);
  if (quote) sb_quoted(o, v);
  else sb_puts(o, v);
  muskx__free(v);
}

int muskx__sbml_kept_fields(SBase_t *el, sb *o, int bounds) {
  char *doc = muskx__sbml_annotation(el, "doc");
  char *unit = muskx__sbml_annotation(el, "unit");
  char *nonneg = muskx__sbml_annotation(el, "nonnegative");
  char *typical = muskx__sbml_annotation(el, "typical");
  char *role = muskx__sbml_annotation(el, "role");
  char *mn = muskx__sbml_annotation(el, "min"), *mx = muskx__sbml_annotation(el, "max");
  int any = doc || unit || nonneg || typical || role || mn || mx;
  /* an exported element carries at least an empty annotation element */
  if (!any) {
    const XMLNode_t *a = SBase_getAnnotation(el);
    for (unsigned i = 0; a && i < XMLNode_getNumChildren(a); i++) {
      const char *uri = XMLNode_getURI(XMLNode_getChild(a, (int)i));
      any |= uri != NULL && strcmp(uri, MUSKX__SBML_NS) == 0;
    }
  }
  muskx__free(doc);
  muskx__free(unit);
  muskx__free(nonneg);
  muskx__free(typical);
  muskx__free(role);
  muskx__free(mn);
  muskx__free(mx);
  if (!any) return 0;
  kept_field(o, el, "unit", "unit", 1);
  kept_field(o, el, "doc", "doc", 1);
  kept_field(o, el, "nonnegative", "nonnegative", 0);
  kept_field(o, el, "typical", "typical", 0);
  if (bounds) {
    kept_field(o, el, "min", "min", 0);
    kept_field(o, el, "max", "max", 0);
  }
  return 1;
}

char *muskx__sbml_kept_doc(SBase_t *el) { return muskx__sbml_annotation(el, "doc"); }

char *muskx__sbml_kept_doc_key(SBase_t *el, const char *key) {
  return muskx__sbml_annotation(el, key);
}

/* "[a, b, c]" of a kept "a b c". */
static void list_of(sb *o, const char *s) {
  sb_putn(o, "[", 1);
  for (int first = 1; s && *s;) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    if (e == s) break;
    if (!first) sb_puts(o, ", ");
    sb_putn(o, s, (size_t)(e - s));
    first = 0;
    s = e;
  }
  sb_putn(o, "]", 1);
}

void muskx__sbml_write_inputs(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if ((v->kind != V_PARAM && v->kind != V_ASSIGN) || !muskx__sbml_kept_role(v, "input"))
      continue;
    if (!any) sb_puts(o, "\ninputs:\n");
    any = 1;
    char *times = muskx__sbml_annotation(v->el, "times");
    char *values = muskx__sbml_annotation(v->el, "values");
    char *def = muskx__sbml_annotation(v->el, "default");
    sb_printf(o, "  %s: {", v->name);
    if (times != NULL && values != NULL) {
      sb_puts(o, "times: ");
      list_of(o, times);
      sb_puts(o, ", values: ");
      list_of(o, values);
      kept_field(o, v->el, "interp", "interp", 0);
    } else {
      sb_puts(o, "default: ");
      sb_puts(o, def ? def : "0");
    }
    kept_field(o, v->el, "unit", "unit", 1);
    kept_field(o, v->el, "doc", "doc", 1);
    sb_puts(o, "}\n");
    muskx__free(times);
    muskx__free(values);
    muskx__free(def);
  }
}

int muskx__sbml_write_kept_outputs(tr *T, sb *o, int header) {
  for (int i = 0; i < T->nv && T->st == MUSKX_OK; i++) {
    sv *v = &T->v[i];
    if (v->kind != V_ASSIGN || !muskx__sbml_kept_role(v, "output")) continue;
    if (!header) sb_puts(o, "\noutputs:\n");
    header = 1;
    ctx c = run_ctx();
    sb_printf(o, "  %s: {expr: ", v->name);
    muskx__sbml_qexpr(T, o, v->rule, &c);
    muskx__sbml_kept_fields(v->el, o, 0);
    sb_puts(o, "}\n");
  }
  return header;
}

const char *muskx__sbml_write_kept_model(tr *T, sb *o, const char *time_unit) {
  SBase_t *el = (SBase_t *)T->m;
  char *tu = muskx__sbml_annotation(el, "time_unit");
  char *desc = muskx__sbml_annotation(el, "description");
  int nref = 0;
  char **refs = muskx__sbml_annotation_refs(el, &nref);
  if (tu != NULL || time_unit != NULL) {
    sb_puts(o, "\n  time_unit: ");
    sb_quoted(o, tu ? tu : time_unit);
  }
  if (desc != NULL) {
    sb_puts(o, "\n  description: ");
    sb_quoted(o, desc);
  }
  if (nref > 0) {
    sb_puts(o, "\n  references:");
    for (int i = 0; i < nref; i++) {
      sb_puts(o, "\n    - ");
      sb_quoted(o, refs[i]);
    }
  }
  for (int i = 0; i < nref; i++) muskx__free(refs[i]);
  muskx__free(refs);
  muskx__free(tu);
  muskx__free(desc);
  return NULL;
}
