/*
 * sbml_annotation.h -- what SBML cannot hold of a muskx model, kept in a
 * muskx annotation on each exported element (issue 18: export -> import
 * without loss). Export (sbml_export.c) writes, on an element,
 *
 *   <annotation><muskx:NAME xmlns:muskx="NS" key="value" .../></annotation>
 *
 * and import (sbml_import_*.c) reads the values back; a document from any
 * other tool has no such annotation and imports as before. Keys: role
 * (output, input, assignment), doc, unit, min, max, nonnegative, default,
 * times, values, interp (inputs), time_unit, description (the model), and
 * the model's references as <muskx:reference text="..."/> children.
 * Only built with libSBML.
 */
#ifndef MUSKX_SBML_ANNOTATION_H
#define MUSKX_SBML_ANNOTATION_H

#include <sbml/SBMLTypes.h>

#define MUSKX__SBML_NS "https://github.com/libmuskx/sbml-annotation/1"

typedef struct muskx__sbml_kv {
  const char *key, *value; /* value NULL or "": not written */
} muskx__sbml_kv;

/* Appends <muskx:element key="value"...> with the references texts as
   <muskx:reference text="..."/> children (nref may be 0) to el's
   annotation. 0, or -1 out of memory. */
int muskx__sbml_annotate(SBase_t *el, const char *element,
                         const muskx__sbml_kv *kv, int nkv,
                         char *const *refs, int nref);

/* The value of key in el's muskx annotation (any element name), as a
   muskx__alloc'd string; NULL when there is none. */
char *muskx__sbml_annotation(SBase_t *el, const char *key);

/* The texts of the <muskx:reference> children of el's muskx annotation:
   a muskx__alloc'd array of n muskx__alloc'd strings (NULL, *n = 0 when
   none). */
char **muskx__sbml_annotation_refs(SBase_t *el, int *n);

/* Declares the model's time unit (muskx name) as timeUnits with a unit
   definition when it is s, min, h, d, week or year (or long forms). */
void muskx__sbml_export_time_unit(Model_t *sm, const char *time_unit);

#endif
