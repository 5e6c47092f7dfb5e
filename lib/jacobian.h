/*
 * jacobian.h -- symbolic differentiation on the DAG.
 */
#ifndef MUSKX_JACOBIAN_H
#define MUSKX_JACOBIAN_H

#include "dag.h"

typedef struct muskx__diff muskx__diff;

/* A differentiation context: memoises d(node)/d(state j) across calls so a
   subexpression shared by several right-hand sides is differentiated once. */
muskx__diff *muskx__diff_new(muskx__dag *g);
void muskx__diff_free(muskx__diff *d);

/* d(node)/d(state j) as a DAG node; -1 when out of memory. */
int32_t muskx__diff_wrt_state(muskx__diff *d, int32_t node, int32_t j);

/* The same for another leaf kind (D_PARAM, D_TIME with j = -1, D_INPUT):
   the sensitivity compiler's df/dp, dg/dt... (compile_sens.c). */
muskx__diff *muskx__diff_new_wrt(muskx__dag *g, muskx__dop leaf);
int32_t muskx__diff_wrt(muskx__diff *d, int32_t node, int32_t j);

/* Like muskx__dag_state_deps for any leaf kind (time: one entry, -1);
   out needs room for every leaf of that kind. */
int muskx__dag_leaf_deps(const muskx__dag *g, int32_t node, muskx__dop leaf,
                         int32_t *out, int32_t *stack, uint32_t *visited,
                         uint32_t stamp);

/*
 * The states node depends on, in increasing order, written to out (room for
 * nstates) using mark (nstates ints, all < stamp on entry) and a visited
 * buffer; returns the count. Used for the sparsity pattern.
 */
int muskx__dag_state_deps(const muskx__dag *g, int32_t node, int32_t *out,
                          int32_t *stack, uint32_t *visited, uint32_t stamp);

#endif
