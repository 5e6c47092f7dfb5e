/*
 * load_bind_units.c -- a binding `inner: outer` of an import whose two
 * names both declare a unit must bind one unit to the same unit (issue 17
 * review, "Units"): "1/d", "1/day" and "d^-1" are one unit; "1/h" bound to
 * a module parameter in "1/d" would make the module 24 times too slow, so
 * it is refused, with both units, the factor, and where each was written.
 * The loader converts nothing by itself: a binding that needs a factor
 * says so in its expression (`k: 24*k_h`), and an expression other than a
 * bare name is not checked (units are not derived, load_units.c); a name
 * that only renames another (`B_pct: bone.B_pct`) has that one's unit.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "load.h"
#include "unit_parse.h"

#define DIM_MAX 160
#define MAX_HOPS 64 /* renamings are not checked for cycles yet here */

/* The unit of what bare name e refers to: declared, or, for an assignment
   or output that only renames another quantity and declares none, that
   quantity's (as load_units.c will give it once the model is loaded). */
static const char *outer_unit(const muskx_model *m, const muskx__expr *e) {
  for (int hop = 0; hop < MAX_HOPS && e != NULL && e->kind == MUSKX__E_NAME; hop++) {
    const char *u = muskx__load_unit_of(m, e);
    if (u != NULL && u[0] != '\0') return u;
    if (e->sym_kind == MUSKX__SYM_ASSIGNMENT) e = m->assignments[e->sym_index].expr;
    else if (e->sym_kind == MUSKX__SYM_OUTPUT) e = m->outputs[e->sym_index].expr;
    else return NULL;
  }
  return NULL;
}

muskx_status muskx__load_bind_unit(muskx__load_ctx *c, const muskx__load_bind *b,
                                   const muskx__yaml_node *entry) {
  const muskx__yaml_node *un =
      entry != NULL && entry->kind == MUSKX__YAML_MAP
          ? muskx__yaml_get(entry, "unit", NULL)
          : NULL;
  const muskx__expr *e = b->expr;
  const char *outer = outer_unit(c->m, e);
  if (un == NULL || un->kind != MUSKX__YAML_SCALAR || un->text[0] == '\0' ||
      outer == NULL || outer[0] == '\0' || strcmp(un->text, outer) == 0)
    return MUSKX_OK;
  const char *inner = un->text, *name = b->key->text, *as = c->as->text;
  muskx__load_ctx *pc = c->parent; /* the binding is written there */
  muskx__unit ui, uo;
  char msg[320];
  if (muskx__unit_parse(inner, &ui, msg, sizeof msg, NULL) != 0 ||
      muskx__unit_parse(outer, &uo, msg, sizeof msg, NULL) != 0)
    return muskx__load_fail_at(
        pc, e->line, e->col, MUSKX_EMODEL,
        "binding of '%.255s' in import '%s': cannot compare its unit '%.100s' "
        "(%s:%d:%d) with the unit '%.100s' of '%.255s': %s (man 5 muskx-model, "
        "Units)",
        name, as, inner, c->file, un->line, un->col, outer, e->name, msg);
  double r;
  if (!muskx__unit_ratio(&uo, &ui, &r)) {
    char di[DIM_MAX], dout[DIM_MAX];
    muskx__unit_dimension(&ui, di, sizeof di);
    muskx__unit_dimension(&uo, dout, sizeof dout);
    /* a word the parser does not know (an SBML unitDefinition id such as
       per_day) only equals itself: say so rather than leave "per_day" vs
       "time^-1" unexplained */
    const char *word = ui.nwords > 0 ? ui.words[0].name
                       : uo.nwords > 0 ? uo.words[0].name
                                       : NULL;
    char note[160] = "";
    if (word != NULL)
      snprintf(note, sizeof note,
               " ('%s' is not a unit muskx knows, so it only equals itself: "
               "man 5 muskx-model, Units)", word);
    return muskx__load_fail_at(
        pc, e->line, e->col, MUSKX_EMODEL,
        "binding of '%.255s' in import '%s': '%.255s' is in '%.100s' (%s) but "
        "its unit '%.100s' (%s:%d:%d) is %s: the units have different "
        "dimensions%s",
        name, as, e->name, outer, dout, inner, c->file, un->line, un->col, di, note);
  }
  /* one part in 1e9: spellings of one unit give the same scale up to
     rounding ("1/(pM*day)" against "pM^-1/d") */
  if (fabs(r - 1) <= 1e-9) return MUSKX_OK;
  return muskx__load_fail_at(
      pc, e->line, e->col, MUSKX_EMODEL,
      "binding of '%.255s' in import '%s': '%.255s' is in '%.100s' but its unit "
      "is '%.100s' (%s:%d:%d): one %s is %.15g %s, and bindings do not convert "
      "(write '%s: %.15g*%s' to convert, or fix one of the units)",
      name, as, e->name, outer, inner, c->file, un->line, un->col, outer, r, inner,
      name, r, e->name);
}
