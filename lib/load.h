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
 * Everything the loader needs beyond the model lives in muskx__load_ctx, one
 * per file: imports (issue 4, load_imports.c) load every imported file into
 * the same model, each with its own context and name prefix ("bone."). The
 * declare phase walks the files depth-first (a file's own names, then its
 * imports in order); the later phases run over all files in that same
 * order (functions of every file before anything else, then values,
 * reactions, odes, events), and the order phase once for the whole model.
 * Arrays of the model only ever grow at the end, so a (kind, index) given
 * out by the declare phase stays valid.
 *
 * Symbol table convention: event ids share the namespace but have no
 * muskx__sym_kind of their own; they are stored as MUSKX__SYM_NONE with the
 * event's index (MUSKX__SYM_EVENT in this file).
 */
#ifndef MUSKX_LOAD_H
#define MUSKX_LOAD_H

#include "fileaccess.h"
#include "model.h"
#include "yamltree.h"

#define MUSKX__LOAD_MAX_ITEMS 1000000
#define MUSKX__LOAD_MAX_NAME 255
#define MUSKX__SYM_EVENT MUSKX__SYM_NONE
/* Imports: nesting depth (the top file is depth 0), files in all, and the
   entries of one kind in the whole model (keeps every count an int). */
#define MUSKX__LOAD_MAX_IMPORT_DEPTH 16
#define MUSKX__LOAD_MAX_FILES 4096
#define MUSKX__LOAD_MAX_TOTAL 50000000
/* Longest full name: nested prefixes make "a.b.c.X" longer than one
   identifier; every prefix part and the name itself are identifiers. */
#define MUSKX__LOAD_MAX_FULLNAME \
  ((MUSKX__LOAD_MAX_IMPORT_DEPTH + 1) * (MUSKX__LOAD_MAX_NAME + 1))

/* A whole file read into memory (muskx__load_read_file). */
typedef struct muskx__file_text {
  char *text;                   /* owned by the caller on success */
  size_t len;
  int has_id;                   /* dev/ino identify the file */
  unsigned long long dev, ino;
  int errnum;                   /* EIO: errno, or 0: not a regular file */
  int at_open;                  /* EIO: 1 when opening failed, 0 reading */
} muskx__file_text;

/*
 * Reads the file at path (at most MUSKX__YAML_MAX_SIZE bytes). With
 * regular_only, anything but a regular file (a FIFO, a device) is refused
 * before it is opened, so that an import cannot block or read forever.
 * Returns OK, EIO (see errnum, at_open), ELIMIT (too large) or ENOMEM;
 * fills no muskx_error: the callers word their own messages.
 */
muskx_status muskx__load_read_file(const char *path, int regular_only,
                                   muskx__file_text *out);

/*
 * Loads and validates (but does not compile) a model from len bytes of
 * text; source_name (NULL: "<string>") names it in locations. Imports
 * resolve against the current directory and are read only inside scope's
 * folders (fileaccess.h; NULL: no import is read). On failure *out is
 * NULL and err says what and where.
 */
muskx_status muskx__load(const char *text, size_t len, const char *source_name,
                         const muskx__folders *scope, muskx_model **out,
                         muskx_error *err);
/* Same, for text read from the file path (file->text, file->len): imports
   resolve against the file's directory, and the file takes part in the
   import cycle check. */
muskx_status muskx__load_file_text(const muskx__file_text *file, const char *path,
                                   const muskx__folders *scope, muskx_model **out,
                                   muskx_error *err);

/* What every file's context shares. */
typedef struct muskx__load_shared {
  /* Functions of the whole model: set while resolving bodies, used for
     calls from contexts that may only see parameters (a "pure" function
     uses only its arguments, constants and other pure functions). */
  unsigned char *fn_uses_model; /* per function */
  unsigned char *fn_pure;       /* per function, after the recursion check */
  int fn_checked;               /* fn_pure is valid */
  int nfiles;                   /* files loaded so far, the top one included */
  const muskx__folders *scope;  /* the folders imports may be read from */
  /* Capacities of the model's growing arrays (load.c, muskx__load_grow). */
  int cap[16];
} muskx__load_shared;

/*
 * One `bind:` entry of an import, `inner: outer expression`. The
 * expression belongs to the importing file and is resolved there, when the
 * import is read, before any name of the module is declared; what the
 * inner name becomes is decided then (see load_imports.c):
 *  - a parameter bound to an expression of parameters and numbers stays a
 *    parameter, whose value is the outer expression;
 *  - any other bound parameter, and every bound input, becomes an
 *    assignment whose expression is the outer expression.
 */
typedef struct muskx__load_bind {
  const muskx__yaml_node *key;  /* the inner name, in the importing file */
  muskx__sym_kind inner;        /* SYM_PARAM or SYM_INPUT in the module */
  muskx__sym_kind kind;         /* what it becomes: SYM_PARAM or SYM_ASSIGNMENT */
  muskx__expr *expr;            /* resolved; moved into the model when defined */
} muskx__load_bind;

typedef struct muskx__load_ctx muskx__load_ctx;
struct muskx__load_ctx {
  muskx_model *m;
  const char *file;   /* owned by m (m->source, m->strings): locations */
  const char *prefix; /* prepended to declared names; "" at the top level */
  muskx_error *err;
  muskx__yaml_node *root;
  muskx__load_shared *sh;
  /* Imports. The top file has parent NULL and depth 0. */
  muskx__load_ctx *parent;
  const muskx__yaml_node *as;   /* the parent's `as:` and `file:` values */
  const muskx__yaml_node *from;
  int depth;
  int is_path;                  /* file is a path: imports resolve against
                                   its directory (else: the current one) */
  int has_id;                   /* file identity, for the cycle check */
  unsigned long long dev, ino;
  muskx__load_ctx **imports;    /* owned, in file order */
  int nimports;
  muskx__load_bind *binds;      /* the parent's bindings of this file's names */
  int nbinds;
  muskx__symtab *bound;         /* bound name -> index in binds */
  /* Where this file's entries start in the model's list sections. */
  int fn_base, nfn, rx_base, nrx, ev_base, nev;
  char *owned_prefix;           /* prefix, when not "" */
};

/* Frees what a context owns (not the context itself): its YAML tree, its
   imports' contexts, unused bound expressions. */
void muskx__load_ctx_free(muskx__load_ctx *c);

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
/* Optional key of map: a list of words people write for the owner (an
   agent's brands, an input's other names; only to word a hint), each
   letters, digits, '-', '_' or blanks, at most MUSKX__LOAD_MAX_WORDS of
   them. *out / *n untouched when absent; on error, what was read is
   freed. */
#define MUSKX__LOAD_MAX_WORDS 16
muskx_status muskx__load_words(muskx__load_ctx *c, const muskx__yaml_node *map,
                               const char *key, const char *owner, char ***out,
                               int *n);
void muskx__load_words_free(char **words, int n);
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
/* Makes room for one more entry at the end of *arr (count n, element
   size); the new entry is zeroed. Capacity is tracked in c->sh->cap[slot].
   ELIMIT past MUSKX__LOAD_MAX_TOTAL entries of one kind (what names it). */
muskx_status muskx__load_grow(muskx__load_ctx *c, void **arr, int n, size_t size,
                              int slot, const char *what);
#define MUSKX__LOAD_SLOT_ODES 15 /* slot of m->odes; the others: sym kind */
#define MUSKX__LOAD_SLOT_ALGEBRAIC 14 /* slot of m->algebraics */
/* prefix + name into buf (size >= MUSKX__LOAD_MAX_FULLNAME + 1). */
const char *muskx__load_full(const muskx__load_ctx *c, const char *name,
                             char *buf, size_t size);
/* The declare phase of one file: checks its top level, declares its names
   and reads its imports (which declares theirs). */
muskx_status muskx__load_declare_file(muskx__load_ctx *c);

/* --- load_values.c: functions, parameters, compartments, species,
   inputs, assignments, outputs (define phase), and odes (after reactions,
   whose stoichiometry decides which species may have one) ------------- */

muskx_status muskx__load_define_functions(muskx__load_ctx *c);
muskx_status muskx__load_define_values(muskx__load_ctx *c);
muskx_status muskx__load_define_odes(muskx__load_ctx *c,
                                     const muskx__yaml_node *map,
                                     const muskx__yaml_node *key);
/* For each species, the first reaction whose net stoichiometry changes it
   (-1: none); *out is owned by the caller. */
muskx_status muskx__load_reaction_changers(muskx__load_ctx *c, int **out);
/* --- load_algebraic.c ------------------------------------------------- */
/* Reads c's `algebraic` list (after reactions and odes). */
muskx_status muskx__load_define_algebraic(muskx__load_ctx *c,
                                          const muskx__yaml_node *key,
                                          const muskx__yaml_node *list);
/* Once for the whole model: decides which species each algebraic equation
   determines, refusing a structurally singular system. */
muskx_status muskx__load_check_algebraic(muskx__load_ctx *c);

/* --- load_agents.c ---------------------------------------------------- */
/* Reads c's `agents` section (after everything else is defined). */
muskx_status muskx__load_define_agents(muskx__load_ctx *c);

/* --- load_imports.c --------------------------------------------------- */

/* Reads c's `imports` section: each imported file is read, parsed,
   checked for cycles, its bindings resolved in c, and its names declared
   (recursively). Runs after c's own names are declared. */
muskx_status muskx__load_imports(muskx__load_ctx *c);
/* Calls fn on c and every imported context, depth-first in file order. */
muskx_status muskx__load_each(muskx__load_ctx *c,
                              muskx_status (*fn)(muskx__load_ctx *));
/* The binding of c's own name (as written, without prefix), or NULL. */
muskx__load_bind *muskx__load_bound(const muskx__load_ctx *c, const char *name);
/* The unit of the quantity a bare name e refers to (declared so far), or
   NULL when e is not a name or the quantity has no unit (load_units.c). */
const char *muskx__load_unit_of(const muskx_model *m, const muskx__expr *e);
/* Refuses binding b of module c's parameter or input written as entry
   (its YAML value) when both sides declare units that differ in dimension
   or scale (load_bind_units.c). */
muskx_status muskx__load_bind_unit(muskx__load_ctx *c, const muskx__load_bind *b,
                                   const muskx__yaml_node *entry);
/* For messages about a name that is bound: " ('k1' is bound at
   spaceflight.yaml:12:14 to an expression that is not a parameter
   expression)", or "" when name is not bound. */
const char *muskx__load_bound_note(const muskx__load_ctx *c, const char *name,
                                   char *buf, size_t size);

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
/* load_units.c: a renaming (`a: b`) without a unit takes b's unit. */
muskx_status muskx__load_inherit_units(muskx__load_ctx *c);
/* "a parameter", "a species", ... */
const char *muskx__load_kind_name(muskx__sym_kind k);

#endif
