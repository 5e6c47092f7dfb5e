/*
 * yamltree.c -- builds the yamltree.h node tree from libyaml's event API.
 *
 * The event API (not yaml_parser_load) is used so that anchors and aliases
 * are refused before anything is expanded, nesting depth is bounded while
 * parsing, and positions of keys are kept. Every node is attached to its
 * parent as soon as it is created, so freeing the root (plus the one key
 * that may be waiting for its value) frees everything on any error path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "alloc.h"
#include "symtab.h"
#include "yamltree.h"

/* Mappings with more keys than this check duplicates through a hash table
   instead of a linear scan, so a 1,000,000-key section stays linear. */
#define LINEAR_DUP_MAX 16

typedef struct frame {
  muskx__yaml_node *node; /* a list or mapping under construction */
  size_t cap;
  muskx__yaml_node *key;  /* mapping: key waiting for its value, or NULL */
  muskx__symtab *seen;    /* mapping: keys, once there are many */
} frame;

typedef struct builder {
  const char *text;
  size_t len;
  const char *file;
  muskx_error *err;
  frame stack[MUSKX__YAML_MAX_DEPTH + 1];
  int depth;
  muskx__yaml_node *root;
  size_t *line_starts; /* byte offset of each line, built on first need */
  size_t nlines;
} builder;

void muskx__yaml_free(muskx__yaml_node *n) {
  if (n == NULL) return;
  for (size_t i = 0; i < n->n; i++) {
    muskx__yaml_free(n->items[i]);
    if (n->keys) muskx__yaml_free(n->keys[i]);
  }
  muskx__free(n->items);
  muskx__free(n->keys);
  muskx__free(n->text);
  muskx__free(n);
}

muskx__yaml_node *muskx__yaml_get(const muskx__yaml_node *map, const char *key,
                                  muskx__yaml_node **keynode) {
  if (keynode) *keynode = NULL;
  if (map == NULL || map->kind != MUSKX__YAML_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->keys[i]->text, key) == 0) {
      if (keynode) *keynode = map->keys[i];
      return map->items[i];
    }
  return NULL;
}

int muskx__yaml_is_null(const muskx__yaml_node *n) {
  if (n == NULL) return 1;
  if (n->kind != MUSKX__YAML_SCALAR || n->style != MUSKX__YAML_PLAIN) return 0;
  return n->len == 0 || strcmp(n->text, "~") == 0 ||
         strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
         strcmp(n->text, "NULL") == 0;
}

static muskx_status nomem(builder *b) {
  return muskx__seterr(b->err, MUSKX_ENOMEM, NULL, "out of memory");
}

static muskx_status fail(builder *b, muskx_status st, int line, int col,
                         const char *fmt, ...) MUSKX__PRINTF(5, 6);

static muskx_status fail(builder *b, muskx_status st, int line, int col,
                         const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  muskx__loc loc = {b->file, line, col};
  return muskx__seterr(b->err, st, &loc, "%s", msg);
}

/* Line number (1-based) of a byte offset, for reader errors that only
   carry an offset. */
static int line_of_offset(const builder *b, size_t off, int *col) {
  int line = 1;
  size_t start = 0;
  for (size_t i = 0; i < off && i < b->len; i++)
    if (b->text[i] == '\n') {
      line++;
      start = i + 1;
    }
  *col = (int)(off - start) + 1;
  return line;
}

static int build_line_starts(builder *b) {
  size_t n = 1;
  for (size_t i = 0; i < b->len; i++)
    if (b->text[i] == '\n') n++;
  b->line_starts = muskx__calloc(n, sizeof *b->line_starts);
  if (b->line_starts == NULL) return -1;
  b->nlines = 0;
  b->line_starts[b->nlines++] = 0;
  for (size_t i = 0; i < b->len; i++)
    if (b->text[i] == '\n') b->line_starts[b->nlines++] = i + 1;
  return 0;
}

/*
 * Position of the first content character of a block scalar whose
 * indicator ('|' or '>') is on 0-based line l0: the first non-blank line
 * after it, at its indentation. libyaml strips that indentation from
 * every line, so columns inside the text line up with it.
 */
static int block_text_pos(builder *b, size_t l0, int *line, int *col) {
  if (b->line_starts == NULL && build_line_starts(b) != 0) return -1;
  for (size_t l = l0 + 1; l < b->nlines; l++) {
    size_t i = b->line_starts[l], end = l + 1 < b->nlines ? b->line_starts[l + 1] : b->len;
    size_t sp = 0;
    while (i + sp < end && b->text[i + sp] == ' ') sp++;
    if (i + sp < end && b->text[i + sp] != '\n' && b->text[i + sp] != '\r') {
      *line = (int)l + 1;
      *col = (int)sp + 1;
      return 0;
    }
  }
  return 0; /* empty block: keep the node's own position */
}

static muskx__yaml_node *node_new(builder *b, muskx__yaml_kind kind,
                                  yaml_mark_t mark) {
  muskx__yaml_node *n = muskx__calloc(1, sizeof *n);
  if (n == NULL) {
    nomem(b);
    return NULL;
  }
  n->kind = kind;
  n->line = (int)mark.line + 1;
  n->col = (int)mark.column + 1;
  n->text_line = n->line;
  n->text_col = n->col;
  return n;
}

static int push_item(frame *f, muskx__yaml_node *key, muskx__yaml_node *val) {
  muskx__yaml_node *p = f->node;
  if (p->n == f->cap) {
    size_t ncap = f->cap ? 2 * f->cap : 4;
    muskx__yaml_node **ni = muskx__reallocarray(p->items, ncap, sizeof *ni);
    if (ni == NULL) return -1;
    p->items = ni;
    if (p->kind == MUSKX__YAML_MAP) {
      muskx__yaml_node **nk = muskx__reallocarray(p->keys, ncap, sizeof *nk);
      if (nk == NULL) return -1;
      p->keys = nk;
    }
    f->cap = ncap;
  }
  p->items[p->n] = val;
  if (p->kind == MUSKX__YAML_MAP) p->keys[p->n] = key;
  p->n++;
  return 0;
}

/* Checks a new key of mapping frame f against the keys already there. */
static muskx_status check_dup(builder *b, frame *f, muskx__yaml_node *key) {
  muskx__yaml_node *m = f->node;
  const muskx__yaml_node *first = NULL;
  if (f->seen == NULL && m->n >= LINEAR_DUP_MAX) {
    if ((f->seen = muskx__symtab_new()) == NULL) return nomem(b);
    for (size_t i = 0; i < m->n; i++) {
      muskx__symbol s = {MUSKX__SYM_NONE, (int)i, {NULL, 0, 0}};
      if (muskx__symtab_add(f->seen, m->keys[i]->text, s, NULL) < 0)
        return nomem(b);
    }
  }
  if (f->seen != NULL) {
    const muskx__symbol *old = NULL;
    muskx__symbol s = {MUSKX__SYM_NONE, (int)m->n, {NULL, 0, 0}};
    int r = muskx__symtab_add(f->seen, key->text, s, &old);
    if (r < 0) return nomem(b);
    if (r == 1) first = m->keys[old->index];
  } else {
    for (size_t i = 0; i < m->n && first == NULL; i++)
      if (strcmp(m->keys[i]->text, key->text) == 0) first = m->keys[i];
  }
  if (first != NULL)
    return fail(b, MUSKX_EMODEL, key->line, key->col,
                "duplicate key '%.200s' (first at line %d)", key->text,
                first->line);
  return MUSKX_OK;
}

/* Attaches a new node to the open list or mapping (or makes it the root). */
static muskx_status attach(builder *b, muskx__yaml_node *n) {
  if (b->depth == 0) {
    b->root = n;
    return MUSKX_OK;
  }
  frame *f = &b->stack[b->depth - 1];
  if (f->node->kind == MUSKX__YAML_SEQ) {
    if (push_item(f, NULL, n) != 0) {
      muskx__yaml_free(n);
      return nomem(b);
    }
    return MUSKX_OK;
  }
  if (f->key == NULL) {
    f->key = n; /* owned by the frame until its value arrives */
    if (n->kind != MUSKX__YAML_SCALAR)
      return fail(b, MUSKX_EUNSUPPORTED, n->line, n->col,
                  "mapping keys must be plain strings, not %s",
                  n->kind == MUSKX__YAML_MAP ? "mappings" : "lists");
    return check_dup(b, f, n);
  }
  muskx__yaml_node *key = f->key;
  if (push_item(f, key, n) != 0) {
    muskx__yaml_free(n);
    return nomem(b);
  }
  f->key = NULL;
  return MUSKX_OK;
}

static muskx_status on_scalar(builder *b, const yaml_event_t *ev) {
  muskx__yaml_node *n = node_new(b, MUSKX__YAML_SCALAR, ev->start_mark);
  if (n == NULL) return MUSKX_ENOMEM;
  size_t len = ev->data.scalar.length;
  const char *v = (const char *)ev->data.scalar.value;
  if (memchr(v, '\0', len) != NULL) {
    muskx__yaml_free(n);
    return fail(b, MUSKX_EMODEL, (int)ev->start_mark.line + 1,
                (int)ev->start_mark.column + 1,
                "NUL characters are not allowed in model text");
  }
  n->text = muskx__strndup(v, len);
  if (n->text == NULL) {
    muskx__yaml_free(n);
    return nomem(b);
  }
  n->len = len;
  switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      n->style = MUSKX__YAML_SINGLE;
      n->text_col++; /* past the quote */
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      n->style = MUSKX__YAML_DOUBLE;
      n->text_col++;
      break;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
      n->style = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE
                     ? MUSKX__YAML_LITERAL
                     : MUSKX__YAML_FOLDED;
      if (block_text_pos(b, ev->start_mark.line, &n->text_line, &n->text_col) != 0) {
        muskx__yaml_free(n);
        return nomem(b);
      }
      break;
    default:
      n->style = MUSKX__YAML_PLAIN;
  }
  return attach(b, n);
}

static muskx_status on_start(builder *b, const yaml_event_t *ev,
                             muskx__yaml_kind kind) {
  if (b->depth >= MUSKX__YAML_MAX_DEPTH)
    return fail(b, MUSKX_ELIMIT, (int)ev->start_mark.line + 1,
                (int)ev->start_mark.column + 1,
                "yaml nested deeper than %d levels", MUSKX__YAML_MAX_DEPTH);
  muskx__yaml_node *n = node_new(b, kind, ev->start_mark);
  if (n == NULL) return MUSKX_ENOMEM;
  muskx_status st = attach(b, n);
  if (st != MUSKX_OK) return st;
  frame *f = &b->stack[b->depth++];
  memset(f, 0, sizeof *f);
  f->node = n;
  return MUSKX_OK;
}

static void pop(builder *b) {
  frame *f = &b->stack[--b->depth];
  muskx__symtab_free(f->seen);
  muskx__yaml_free(f->key); /* only non-NULL on error paths */
  f->seen = NULL;
  f->key = NULL;
}

static muskx_status syntax_error(builder *b, const yaml_parser_t *ps) {
  if (ps->error == YAML_MEMORY_ERROR) return nomem(b);
  const char *problem = ps->problem ? ps->problem : "unknown problem";
  if (ps->error == YAML_READER_ERROR) {
    int col, line = line_of_offset(b, ps->problem_offset, &col);
    return fail(b, MUSKX_ESYNTAX, line, col, "yaml: %s", problem);
  }
  int line = (int)ps->problem_mark.line + 1, col = (int)ps->problem_mark.column + 1;
  if (ps->context != NULL)
    return fail(b, MUSKX_ESYNTAX, line, col, "yaml syntax error: %s %s (line %d)",
                problem, ps->context, (int)ps->context_mark.line + 1);
  return fail(b, MUSKX_ESYNTAX, line, col, "yaml syntax error: %s", problem);
}

static int has_anchor(const yaml_event_t *ev) {
  switch (ev->type) {
    case YAML_SCALAR_EVENT: return ev->data.scalar.anchor != NULL;
    case YAML_SEQUENCE_START_EVENT: return ev->data.sequence_start.anchor != NULL;
    case YAML_MAPPING_START_EVENT: return ev->data.mapping_start.anchor != NULL;
    default: return 0;
  }
}

static muskx_status run(builder *b, yaml_parser_t *ps) {
  int documents = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(ps, &ev)) return syntax_error(b, ps);
    muskx_status st = MUSKX_OK;
    int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
    int done = 0;
    if (ev.type == YAML_ALIAS_EVENT || has_anchor(&ev)) {
      st = fail(b, MUSKX_EUNSUPPORTED, line, col,
                "yaml anchors and aliases are not supported");
    } else {
      switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1)
            st = fail(b, MUSKX_EUNSUPPORTED, line, col,
                      "a file holds one yaml document, found a second");
          break;
        case YAML_SCALAR_EVENT: st = on_scalar(b, &ev); break;
        case YAML_SEQUENCE_START_EVENT: st = on_start(b, &ev, MUSKX__YAML_SEQ); break;
        case YAML_MAPPING_START_EVENT: st = on_start(b, &ev, MUSKX__YAML_MAP); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: pop(b); break;
        case YAML_STREAM_END_EVENT: done = 1; break;
        default: break;
      }
    }
    yaml_event_delete(&ev);
    if (st != MUSKX_OK) return st;
    if (done) break;
  }
  if (b->root == NULL || muskx__yaml_is_null(b->root))
    return fail(b, MUSKX_EMODEL, b->root ? b->root->line : 1,
                b->root ? b->root->col : 1, "empty file (no yaml document)");
  return MUSKX_OK;
}

muskx_status muskx__yaml_parse(const char *text, size_t len, const char *file,
                               muskx__yaml_node **out, muskx_error *err) {
  *out = NULL;
  if (len > MUSKX__YAML_MAX_SIZE) {
    muskx__loc loc = {file, 0, 0};
    return muskx__seterr(err, MUSKX_ELIMIT, &loc,
                         "model text is larger than 16 MiB");
  }
  builder *b = muskx__calloc(1, sizeof *b);
  if (b == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  b->text = text;
  b->len = len;
  b->file = file;
  b->err = err;
  yaml_parser_t ps;
  if (!yaml_parser_initialize(&ps)) {
    muskx__free(b);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
  muskx_status st = run(b, &ps);
  yaml_parser_delete(&ps);
  while (b->depth > 0) pop(b);
  if (st == MUSKX_OK)
    *out = b->root;
  else
    muskx__yaml_free(b->root);
  muskx__free(b->line_starts);
  muskx__free(b);
  return st;
}
