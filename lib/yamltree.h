/*
 * yamltree.h -- YAML text to a small tree of scalars, lists and mappings,
 * every node with its 1-based source position.
 *
 * Only the subset a model needs is accepted: one document, no anchors or
 * aliases (which also rules out "billion laughs" alias bombs), nesting at
 * most MUSKX__YAML_MAX_DEPTH, scalar mapping keys, no duplicate keys, no
 * NUL characters in scalars. Tags are ignored.
 */
#ifndef MUSKX_YAMLTREE_H
#define MUSKX_YAMLTREE_H

#include <stddef.h>

#include "error.h"

#define MUSKX__YAML_MAX_DEPTH 64
#define MUSKX__YAML_MAX_SIZE ((size_t)16 * 1024 * 1024)

typedef enum {
  MUSKX__YAML_SCALAR,
  MUSKX__YAML_SEQ,
  MUSKX__YAML_MAP
} muskx__yaml_kind;

typedef enum {
  MUSKX__YAML_PLAIN,
  MUSKX__YAML_SINGLE,  /* 'quoted' */
  MUSKX__YAML_DOUBLE,  /* "quoted" */
  MUSKX__YAML_LITERAL, /* | block */
  MUSKX__YAML_FOLDED   /* > block */
} muskx__yaml_style;

typedef struct muskx__yaml_node {
  muskx__yaml_kind kind;
  int line, col; /* start of the node (a quote or block indicator included) */
  /* Scalars: */
  muskx__yaml_style style;
  char *text;    /* NUL-terminated value, no embedded NULs */
  size_t len;
  int text_line, text_col; /* position of text[0] in the file (best effort
                              for block scalars: their first content line) */
  /* Lists (items) and mappings (keys[i]: items[i]), in file order: */
  size_t n;
  struct muskx__yaml_node **items;
  struct muskx__yaml_node **keys; /* mappings only; always scalars */
} muskx__yaml_node;

/*
 * Parses len bytes of text. On success *out owns the root (never an empty
 * document). Errors: ESYNTAX (libyaml's problem text at its position),
 * EUNSUPPORTED (anchors, aliases, several documents, non-scalar keys),
 * EMODEL (duplicate keys, empty file), ELIMIT (size, depth), ENOMEM.
 */
muskx_status muskx__yaml_parse(const char *text, size_t len, const char *file,
                               muskx__yaml_node **out, muskx_error *err);

void muskx__yaml_free(muskx__yaml_node *n);

/* Value of the key in a mapping (NULL when absent or n is not a mapping);
   *key (may be NULL) receives the key node. */
muskx__yaml_node *muskx__yaml_get(const muskx__yaml_node *map, const char *key,
                                  muskx__yaml_node **keynode);

/* A plain scalar that YAML reads as null: "", "~", "null", "Null", "NULL". */
int muskx__yaml_is_null(const muskx__yaml_node *n);

/* --- yamlemit.c: extending a tree and writing it back ----------------- */

/* A new empty list or mapping, or a double-quoted scalar holding a copy of
   text; NULL when out of memory. Position 0:0. */
muskx__yaml_node *muskx__yaml_new(muskx__yaml_kind kind, const char *text);
/* Appends value (and, to a mapping, key) to coll, which takes ownership
   on success. -1 when out of memory (nothing taken). */
int muskx__yaml_append(muskx__yaml_node *coll, muskx__yaml_node *key,
                       muskx__yaml_node *value);
/* Writes the tree as block-style YAML; *out (muskx__free) holds *len
   bytes, NUL-terminated. ENOMEM. */
muskx_status muskx__yaml_emit(const muskx__yaml_node *root, char **out,
                              size_t *len);

#endif
