/*
 * load_units.c -- an assignment or output that only renames another
 * quantity (`BMD_wb_pct: bone_t.BMD_pct`) and declares no unit takes the
 * unit of what it renames (issue 20: describe() and CSV headers then give
 * "%" where the shipped models say so once, in the module). Any other
 * expression keeps its declared unit or none: units are not derived.
 */
#include <string.h>

#include "alloc.h"
#include "load.h"

const char *muskx__load_unit_of(const muskx_model *m, const muskx__expr *e) {
  if (e == NULL || e->kind != MUSKX__E_NAME) return NULL;
  int i = e->sym_index;
  switch (e->sym_kind) {
    case MUSKX__SYM_SPECIES: return m->species[i].unit;
    case MUSKX__SYM_PARAM: return m->params[i].unit;
    case MUSKX__SYM_COMPARTMENT: return m->compartments[i].unit;
    case MUSKX__SYM_INPUT: return m->inputs[i].unit;
    case MUSKX__SYM_ASSIGNMENT: return m->assignments[i].unit;
    case MUSKX__SYM_OUTPUT: return m->outputs[i].unit;
    default: return NULL;
  }
}

muskx_status muskx__load_inherit_units(muskx__load_ctx *c) {
  muskx_model *m = c->m;
  /* assign_order has every assignment and output after what it uses, so
     a chain of renamings passes its unit along in one sweep */
  for (int k = 0; k < m->nassign_order; k++) {
    int i = m->assign_order[k].index;
    muskx__named_expr *ne = m->assign_order[k].kind == MUSKX__SYM_ASSIGNMENT
                                ? &m->assignments[i]
                                : &m->outputs[i];
    if (ne->unit != NULL && ne->unit[0] != '\0') continue;
    const char *u = muskx__load_unit_of(m, ne->expr);
    if (u == NULL || u[0] == '\0') continue;
    char *copy = muskx__strdup(u);
    if (copy == NULL) return muskx__load_nomem(c);
    muskx__free(ne->unit);
    ne->unit = copy;
  }
  return MUSKX_OK;
}
