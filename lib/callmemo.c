/*
 * callmemo.c -- open-addressing table of inlined user-function calls
 * (callmemo.h). Linear probing, grown at half full.
 */
#include <string.h>

#include "alloc.h"
#include "callmemo.h"

static uint32_t hash_call(int32_t fn, const int32_t *args, int32_t nargs) {
  uint64_t h = 1469598103934665603ull ^ (uint32_t)fn;
  for (int32_t i = 0; i < nargs; i++) {
    h ^= (uint32_t)args[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 29;
  return (uint32_t)h;
}

static int same_call(const muskx__callmemo_entry *e, int32_t fn,
                     const int32_t *args, int32_t nargs) {
  return e->fn == fn && e->nargs == nargs &&
         (nargs == 0 || memcmp(e->args, args, (size_t)nargs * sizeof *args) == 0);
}

int32_t muskx__callmemo_get(const muskx__callmemo *c, int32_t fn,
                            const int32_t *args, int32_t nargs) {
  if (c->cap == 0) return -1;
  for (uint32_t k = hash_call(fn, args, nargs) & (c->cap - 1);;
       k = (k + 1) & (c->cap - 1)) {
    const muskx__callmemo_entry *e = &c->tab[k];
    if (e->fn < 0) return -1;
    if (same_call(e, fn, args, nargs)) return e->node;
  }
}

static void insert(muskx__callmemo *c, muskx__callmemo_entry e) {
  uint32_t k = hash_call(e.fn, e.args, e.nargs) & (c->cap - 1);
  while (c->tab[k].fn >= 0) k = (k + 1) & (c->cap - 1);
  c->tab[k] = e;
  c->count++;
}

static int grow(muskx__callmemo *c) {
  uint32_t ncap = c->cap ? c->cap * 2 : 64;
  if (ncap < c->cap) return -1;
  muskx__callmemo_entry *old = c->tab;
  uint32_t ocap = c->cap;
  c->tab = muskx__calloc(ncap, sizeof *c->tab);
  if (c->tab == NULL) {
    c->tab = old;
    return -1;
  }
  for (uint32_t k = 0; k < ncap; k++) c->tab[k].fn = -1;
  c->cap = ncap;
  c->count = 0;
  for (uint32_t k = 0; k < ocap; k++)
    if (old[k].fn >= 0) insert(c, old[k]);
  muskx__free(old);
  return 0;
}

int muskx__callmemo_put(muskx__callmemo *c, int32_t fn, const int32_t *args,
                        int32_t nargs, int32_t node) {
  if ((c->count + 1) * 2 > c->cap && grow(c) != 0) return -1;
  muskx__callmemo_entry e = {fn, nargs, node, NULL};
  if (nargs > 0) {
    e.args = muskx__calloc((size_t)nargs, sizeof *e.args);
    if (e.args == NULL) return -1;
    memcpy(e.args, args, (size_t)nargs * sizeof *args);
  }
  insert(c, e);
  return 0;
}

void muskx__callmemo_free(muskx__callmemo *c) {
  for (uint32_t k = 0; k < c->cap; k++) muskx__free(c->tab[k].args);
  muskx__free(c->tab);
  memset(c, 0, sizeof *c);
}
