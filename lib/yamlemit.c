/*
 * yamlemit.c -- extends a yamltree.h tree and writes it back as YAML text,
 * with libyaml's emitter. Used to add entries to a model (PEtab's
 * observables become outputs) without editing its text by hand: scalars
 * keep their quoting style, so a quoted "1" stays a string.
 */
#include <string.h>
#include <yaml.h>

#include "alloc.h"
#include "yamltree.h"

muskx__yaml_node *muskx__yaml_new(muskx__yaml_kind kind, const char *text) {
  muskx__yaml_node *n = muskx__calloc(1, sizeof *n);
  if (n == NULL) return NULL;
  n->kind = kind;
  if (kind == MUSKX__YAML_SCALAR) {
    n->style = MUSKX__YAML_DOUBLE;
    n->text = muskx__strdup(text ? text : "");
    if (n->text == NULL) {
      muskx__free(n);
      return NULL;
    }
    n->len = strlen(n->text);
  }
  return n;
}

int muskx__yaml_append(muskx__yaml_node *coll, muskx__yaml_node *key,
                       muskx__yaml_node *value) {
  muskx__yaml_node **items =
      muskx__reallocarray(coll->items, coll->n + 1, sizeof *items);
  if (items == NULL) return -1;
  coll->items = items;
  if (coll->kind == MUSKX__YAML_MAP) {
    muskx__yaml_node **keys =
        muskx__reallocarray(coll->keys, coll->n + 1, sizeof *keys);
    if (keys == NULL) return -1;
    coll->keys = keys;
    keys[coll->n] = key;
  }
  items[coll->n++] = value;
  return 0;
}

static int write_out(void *data, unsigned char *buf, size_t size) {
  struct { char *p; size_t len, cap; } *o = data;
  if (o->len + size + 1 > o->cap) {
    size_t cap = (o->len + size + 1) * 2;
    char *p = muskx__realloc(o->p, cap);
    if (p == NULL) return 0;
    o->p = p;
    o->cap = cap;
  }
  memcpy(o->p + o->len, buf, size);
  o->len += size;
  o->p[o->len] = '\0';
  return 1;
}

static int emit(yaml_emitter_t *em, const muskx__yaml_node *n) {
  yaml_event_t ev;
  if (n->kind == MUSKX__YAML_SCALAR) {
    static const yaml_scalar_style_t styles[] = {
        YAML_PLAIN_SCALAR_STYLE, YAML_SINGLE_QUOTED_SCALAR_STYLE,
        YAML_DOUBLE_QUOTED_SCALAR_STYLE, YAML_LITERAL_SCALAR_STYLE,
        YAML_FOLDED_SCALAR_STYLE};
    int plain = n->style == MUSKX__YAML_PLAIN;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
                                      (yaml_char_t *)n->text, (int)n->len,
                                      plain, !plain, styles[n->style]))
      return 0;
    return yaml_emitter_emit(em, &ev);
  }
  int map = n->kind == MUSKX__YAML_MAP;
  if (map ? !yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                 YAML_BLOCK_MAPPING_STYLE)
          : !yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                  YAML_BLOCK_SEQUENCE_STYLE))
    return 0;
  if (!yaml_emitter_emit(em, &ev)) return 0;
  for (size_t i = 0; i < n->n; i++) {
    if (map && !emit(em, n->keys[i])) return 0;
    if (!emit(em, n->items[i])) return 0;
  }
  if (map ? !yaml_mapping_end_event_initialize(&ev)
          : !yaml_sequence_end_event_initialize(&ev))
    return 0;
  return yaml_emitter_emit(em, &ev);
}

muskx_status muskx__yaml_emit(const muskx__yaml_node *root, char **out,
                              size_t *len) {
  struct { char *p; size_t len, cap; } o = {NULL, 0, 0};
  yaml_emitter_t em;
  yaml_event_t ev;
  *out = NULL;
  if (!yaml_emitter_initialize(&em)) return MUSKX_ENOMEM;
  yaml_emitter_set_output(&em, write_out, &o);
  yaml_emitter_set_unicode(&em, 1);
  yaml_emitter_set_width(&em, -1); /* never fold long formulas */
  int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
           yaml_emitter_emit(&em, &ev) &&
           yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
           yaml_emitter_emit(&em, &ev) && emit(&em, root) &&
           yaml_document_end_event_initialize(&ev, 1) &&
           yaml_emitter_emit(&em, &ev) &&
           yaml_stream_end_event_initialize(&ev) &&
           yaml_emitter_emit(&em, &ev) && yaml_emitter_flush(&em);
  yaml_emitter_delete(&em);
  if (!ok || o.p == NULL) {
    muskx__free(o.p);
    return MUSKX_ENOMEM;
  }
  *out = o.p;
  *len = o.len;
  return MUSKX_OK;
}
