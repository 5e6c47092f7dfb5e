/*
 * compile_sens.h -- the symbolic derivatives forward sensitivities need,
 * built on the compiler's DAG (compile.c calls these between building the
 * model's expressions and emitting programs):
 *   df/dP            right-hand side by parameter-like slot (params, then
 *                    compartment volumes)
 *   dg/dy, dg/dP     outputs
 *   dP0/dP, dy0/dP   initial values (derived parameters, species initial
 *                    values written as expressions)
 *   root and event-assignment derivatives by y, P, t and inputs, for the
 *   jumps of sensitivities at events
 * each a sparse list of nonzero entries (row, col, node).
 */
#ifndef MUSKX_COMPILE_SENS_H
#define MUSKX_COMPILE_SENS_H

#include "compile.h"
#include "dag.h"

typedef struct muskx__dentries {
  int32_t *row, *col, *node;
  int32_t n, cap;
} muskx__dentries;

/* The roots of the programs that sensitivities differentiate. */
typedef struct muskx__sens_roots {
  const int32_t *rhs, *outputs, *roots, *init_param, *init_species;
  int32_t nrhs, noutputs, nroots, ninit_param, ninit_species;
  const int32_t *const *event_sets; /* per event: nsets set values first */
  const int32_t *const *event_timing;
  const int32_t *nevent_timing;
} muskx__sens_roots;

typedef struct muskx__sens_build {
  muskx__dentries f_p, out_y, out_p, ip_p, iy_p, root_y, root_p, root_tu;
  muskx__dentries *ev_y, *ev_p, *ev_tu, *tm_p; /* per event */
  int nevents;
} muskx__sens_build;

/* Builds every derivative of r into sb (m gives the sizes). 0, or -1 when
   out of memory. */
int muskx__sens_build_all(muskx__sens_build *sb, muskx__dag *g,
                          const muskx_model *m, const muskx__sens_roots *r);
void muskx__sens_build_free(muskx__sens_build *sb);

/* Emits sb into sp with the compiler's emitter (nslots parameter-like
   slots). 0 or -1. */
typedef int (*muskx__emit_fn)(void *ctx, const int32_t *roots, int32_t n,
                              muskx__prog *out);
int muskx__sens_emit(const muskx__sens_build *sb, muskx__sens_program *sp,
                     int nslots, muskx__emit_fn emit, void *ctx);

/* 1 when p's instruction i writes register p->code[0].a + i for every
   i (straight-line code in single-assignment order; an empty program
   is), else 0. */
int muskx__prog_in_order(const muskx__prog *p);

/* Frees what muskx__sens_emit made (muskx__program_free calls it). */
void muskx__sens_program_free(muskx__sens_program *sp);

#endif
