/*
 * callmemo.h -- the DAG node of each user-function call already inlined,
 * keyed by the function and its argument nodes (issue 16, High 4).
 *
 * A function body depends only on its arguments (and on model names,
 * which are the same at every call), and the DAG is hash-consed, so two
 * calls with the same argument nodes build the same node. Remembering it
 * makes inlining cost one build per distinct call instead of one per
 * call path: f_k(x) = f_{k-1}(x) * f_{k-1}(x) was exponential, is linear.
 */
#ifndef MUSKX_CALLMEMO_H
#define MUSKX_CALLMEMO_H

#include <stdint.h>

typedef struct muskx__callmemo_entry {
  int32_t fn, nargs, node;
  int32_t *args; /* owned; NULL for an empty slot (fn < 0) */
} muskx__callmemo_entry;

typedef struct muskx__callmemo {
  muskx__callmemo_entry *tab;
  uint32_t cap, count;
} muskx__callmemo;

/* The node of fn(args), or -1 when not built yet. */
int32_t muskx__callmemo_get(const muskx__callmemo *c, int32_t fn,
                            const int32_t *args, int32_t nargs);
/* Remembers node for fn(args); -1 when out of memory. */
int muskx__callmemo_put(muskx__callmemo *c, int32_t fn, const int32_t *args,
                        int32_t nargs, int32_t node);
void muskx__callmemo_free(muskx__callmemo *c);

#endif
