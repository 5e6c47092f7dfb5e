/*
 * symtab.h -- name -> (kind, index) map of a model (open addressing).
 * Keys are copied. Lookups are O(1) on average; used at load and by the
 * API's name lookups, never in the solver's hot path.
 */
#ifndef MUSKX_SYMTAB_H
#define MUSKX_SYMTAB_H

#include "expr.h"

typedef struct muskx__symtab muskx__symtab;

typedef struct muskx__symbol {
  muskx__sym_kind kind;
  int index;
  muskx__loc loc; /* where it was defined (for "first defined at ...") */
} muskx__symbol;

muskx__symtab *muskx__symtab_new(void);
void muskx__symtab_free(muskx__symtab *st);
/* Adds name; returns 0, 1 when the name exists (*existing is set), -1 on
   allocation failure. */
int muskx__symtab_add(muskx__symtab *st, const char *name, muskx__symbol sym,
                      const muskx__symbol **existing);
/* NULL when absent. */
const muskx__symbol *muskx__symtab_find(const muskx__symtab *st,
                                        const char *name);
/* A name equal to name but for ASCII case (textcase.h), with its stored
   spelling in *key; NULL when there is none. A scan of the whole table:
   for load-time checks, not lookups. */
const muskx__symbol *muskx__symtab_find_ignoring_case(const muskx__symtab *st,
                                                      const char *name,
                                                      const char **key);

#endif
