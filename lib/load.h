/*
 * load.h -- the model loader: YAML text to a validated, name-resolved
 * struct muskx_model (model.h). Shared between load.c (entry, top level,
 * declarations, value sections), load_reactions.c (reactions, events) and
 * load_resolve.c (name resolution, function recursion, assignment order).
 *
 * The loader works in three phases over one YAML tree:
 *  1. declare: every named thing of every section, in file order, goes into
 *     the symbol table (so duplicates report the earlier definition and any
 *     expression may refer to names defined further down);
 *  2. define: each section's values are checked, parsed and resolved;
 *     functions go first (their purity decides where they may be called);
 *  3. order: assignments and outputs are sorted by their dependencies.
 *
 * Everything the loader needs beyond the model lives in muskx__load_ctx, so
 * that imports (issue 4) can load a second file into the same model with a
 * name prefix ("bone.") by running the same phases with another context.
 *
 * Symbol table convention: event ids share the namespace but have no
 * muskx__sym_kind of their own; they are stored as MUSKX__SYM_NONE with the
 * event's index (MUSKX__SYM_EVENT in this file).
 */
#ifndef MUSKX_LOAD_H
#define MUSKX_LOAD_H

#include "model.h"
#include "yamltree.h"

#define MUSKX__LOAD_MAX_ITEMS 1000000
#define MUSKX__LOAD_MAX_NAME 255
#define MUSKX__SYM_EVENT MUSKX__SYM_NONE

/*
 * Loads and validates (but does not compile) a model from len bytes of
 * text; source_name (NULL: "<string>") names it in locations. On failure
 * *out is NULL and err says what and where.
 */
muskx_status muskx__load(const char *text, size_t len, const char *source_name,
                         muskx_model **out, muskx_error *err);

typedef struct muskx__load_ctx {
  muskx_model *m;
  const char *file;   /* m->source: every location points here */
  const char *prefix; /* prepended to declared names; "" at the top level */
  muskx_error *err;
  muskx__yaml_node *root;
  /* Functions: set while resolving bodies, used for calls from contexts
     that may only see parameters (a "pure" function uses only its
     arguments, constants and other pure functions). */
  unsigned char *fn_uses_model; /* per function */
  unsigned char *fn_pure;       /* per function, after the recursion check */
  int fn_checked;               /* fn_pure is valid */
} muskx__load_ctx;

/* A resolution scope: what an expression may refer to, and how to say
   where it is in messages. */
typedef struct muskx__scope {
  const char *where; /* "rate of reaction 'r1'" */
  unsigned allowed;  /* bit (1u << muskx__sym_kind) per allowed kind */
  const char *rule;  /* "may only refer to parameters" (when restricted) */
  int param_limit;   /* >= 0: only parameters with a smaller index */
  int self_param;    /* >= 0: the parameter being defined */
  int fn;            /* >= 0: resolving the body of this function */
} muskx__scope;

#define MUSKX__ALLOW(k) (1u << (unsigned)(k))
#define MUSKX__ALLOW_ALL 0xffffffffu

/* --- load.c: helpers shared by the loader files ----------------------- */

muskx__loc muskx__load_loc(const muskx__load_ctx *c, const muskx__yaml_node *n);
muskx_status muskx__load_fail(muskx__load_ctx *c, const muskx__yaml_node *n,
                              muskx_status st, const char *fmt, ...)
    MUSKX__PRINTF(4, 5);
muskx_status muskx__load_fail_at(muskx__load_ctx *c, int line, int col,
                                 muskx_status st, const char *fmt, ...)
    MUSKX__PRINTF(5, 6);
muskx_status muskx__load_nomem(muskx__load_ctx *c);
/* "a mapping", "a list", "nothing", "'text'" -- for "got ..." messages. */
const char *muskx__load_describe(const muskx__yaml_node *n, char *buf,
                                 size_t size);
/* Refuses keys of map not in the NULL-terminated list allowed. */
muskx_status muskx__load_check_keys(muskx__load_ctx *c,
                                    const muskx__yaml_node *map,
                                    const char *const *allowed,
                                    const char *what);
/* Scalar as an owned string ("" for null; *out untouched on error). */
muskx_status muskx__load_string(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *what, char **out);
/* Optional string key of map: "" when absent. */
muskx_status muskx__load_opt_string(muskx__load_ctx *c,
                                    const muskx__yaml_node *map,
                                    const char *key, const char *owner,
                                    char **out);
muskx_status muskx__load_bool(muskx__load_ctx *c, const muskx__yaml_node *n,
                              const char *what, int *out);
/* A finite number literal (plain scalar, optional sign). */
muskx_status muskx__load_number(muskx__load_ctx *c, const muskx__yaml_node *n,
                                const char *what, double *out);
/* A number or an expression string, parsed (not resolved). */
muskx_status muskx__load_expr(muskx__load_ctx *c, const muskx__yaml_node *n,
                              const char *what, muskx__expr **out);
/* Declares a name: checks its form, reserved words, builtins, duplicates;
   adds prefix+name to the symbol table; *full receives the owned name. */
muskx_status muskx__load_declare(muskx__load_ctx *c, const muskx__yaml_node *at,
                                 const char *name, muskx__sym_kind kind,
                                 int index, char **full);
/* Checks the identifier rule; fills err at (line, col). */
muskx_status muskx__load_check_ident(muskx__load_ctx *c, const char *name,
                                     int line, int col, const char *what);
/* The section's items count, refusing more than MUSKX__LOAD_MAX_ITEMS. */
muskx_status muskx__load_section(muskx__load_ctx *c, const muskx__yaml_node *key,
                                 const muskx__yaml_node *val,
                                 muskx__yaml_kind want, size_t *n);

/* --- load_values.c: functions, parameters, compartments, species,
   inputs, assignments, outputs (define phase), and odes (after reactions,
   whose stoichiometry decides which species may have one) ------------- */

muskx_status muskx__load_define_values(muskx__load_ctx *c);
muskx_status muskx__load_define_odes(muskx__load_ctx *c,
                                     const muskx__yaml_node *map,
                                     const muskx__yaml_node *key);

/* --- load_reactions.c ------------------------------------------------- */

muskx_status muskx__load_declare_reactions(muskx__load_ctx *c,
                                           const muskx__yaml_node *key,
                                           const muskx__yaml_node *list);
muskx_status muskx__load_define_reactions(muskx__load_ctx *c,
                                          const muskx__yaml_node *list);
muskx_status muskx__load_declare_events(muskx__load_ctx *c,
                                        const muskx__yaml_node *key,
                                        const muskx__yaml_node *list);
muskx_status muskx__load_define_events(muskx__load_ctx *c,
                                       const muskx__yaml_node *list);

/* --- load_resolve.c --------------------------------------------------- */

/* Resolves every name and call of e in scope sc. */
muskx_status muskx__load_resolve(muskx__load_ctx *c, muskx__expr *e,
                                 const muskx__scope *sc);
/* After all function bodies are resolved: refuses recursion, computes
   purity. */
muskx_status muskx__load_check_functions(muskx__load_ctx *c);
/* After everything is resolved: m->assign_order, refusing cycles. */
muskx_status muskx__load_order(muskx__load_ctx *c);
/* "a parameter", "a species", ... */
const char *muskx__load_kind_name(muskx__sym_kind k);

#endif
