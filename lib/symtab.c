/*
 * symtab.c -- the model's name -> (kind, index) map: open addressing with
 * linear probing, FNV-1a hashing, power-of-two capacity.
 *
 * Invariants: the table is never more than 70% full (so probes end at an
 * empty slot); keys are owned copies; entries are never removed (a model's
 * names only grow while it loads), so no tombstones are needed.
 */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "symtab.h"
#include "textcase.h"

typedef struct slot {
  char *key; /* NULL: empty */
  muskx__symbol sym;
} slot;

struct muskx__symtab {
  slot *slots;
  size_t cap;   /* power of two */
  size_t count;
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

muskx__symtab *muskx__symtab_new(void) {
  muskx__symtab *st = muskx__alloc(sizeof *st);
  if (st == NULL) return NULL;
  st->cap = 16;
  st->count = 0;
  st->slots = muskx__calloc(st->cap, sizeof *st->slots);
  if (st->slots == NULL) {
    muskx__free(st);
    return NULL;
  }
  return st;
}

void muskx__symtab_free(muskx__symtab *st) {
  if (st == NULL) return;
  for (size_t i = 0; i < st->cap; i++) muskx__free(st->slots[i].key);
  muskx__free(st->slots);
  muskx__free(st);
}

/* The slot holding name, or the empty slot where it would go. */
static slot *probe(slot *slots, size_t cap, const char *name) {
  size_t i = (size_t)hash(name) & (cap - 1);
  while (slots[i].key != NULL && strcmp(slots[i].key, name) != 0)
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(muskx__symtab *st) {
  if (st->cap > SIZE_MAX / 2 / sizeof(slot)) return -1;
  size_t ncap = st->cap * 2;
  slot *ns = muskx__calloc(ncap, sizeof *ns);
  if (ns == NULL) return -1;
  for (size_t i = 0; i < st->cap; i++)
    if (st->slots[i].key != NULL) *probe(ns, ncap, st->slots[i].key) = st->slots[i];
  muskx__free(st->slots);
  st->slots = ns;
  st->cap = ncap;
  return 0;
}

int muskx__symtab_add(muskx__symtab *st, const char *name, muskx__symbol sym,
                      const muskx__symbol **existing) {
  slot *s = probe(st->slots, st->cap, name);
  if (s->key != NULL) {
    if (existing != NULL) *existing = &s->sym;
    return 1;
  }
  /* Keep the load factor under 0.7 after this insertion. */
  if ((st->count + 1) * 10 > st->cap * 7) {
    if (grow(st) != 0) return -1;
    s = probe(st->slots, st->cap, name);
  }
  char *key = muskx__strdup(name);
  if (key == NULL) return -1;
  s->key = key;
  s->sym = sym;
  st->count++;
  return 0;
}

const muskx__symbol *muskx__symtab_find(const muskx__symtab *st,
                                        const char *name) {
  if (st == NULL || name == NULL) return NULL;
  const slot *s = probe(st->slots, st->cap, name);
  return s->key != NULL ? &s->sym : NULL;
}

const muskx__symbol *muskx__symtab_find_ignoring_case(const muskx__symtab *st,
                                                      const char *name,
                                                      const char **key) {
  if (st == NULL || name == NULL) return NULL;
  for (size_t i = 0; i < st->cap; i++)
    if (st->slots[i].key != NULL &&
        muskx__same_ignoring_case(st->slots[i].key, name)) {
      if (key != NULL) *key = st->slots[i].key;
      return &st->slots[i].sym;
    }
  return NULL;
}
