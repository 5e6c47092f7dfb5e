/*
 * sim_outputs.c -- evaluating only the outputs a caller reads (issue 19:
 * an ensemble reporting 6 of the crosstalk model's 89 outputs spent about
 * a quarter of its time computing the other 83 at every sample time).
 *
 * The outputs program is straight-line register code (opcodes.h: no
 * jumps), so the code for a subset of its results is found by backward
 * liveness: walking from the last instruction, one is kept when it writes
 * a register still needed, which it then no longer is, while its operands
 * become needed. What stays computes each kept result with the very same
 * instructions in the same order, so the values are bit-identical.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

/* The operand count of an opcode: B; B, C; or B, C, D. */
static int noperands(int32_t op) {
  if (op <= MUSKX__OP_SQR) return 1;
  if (op <= MUSKX__OP_OR) return 2;
  return 3;
}

muskx_status muskx__sim_keep_outputs(muskx_sim *s, const int *which, int n) {
  muskx__free(s->out_keep.code);
  muskx__free(s->out_keep.results);
  muskx__free(s->out_keep_idx);
  memset(&s->out_keep, 0, sizeof s->out_keep);
  s->out_keep_idx = NULL;
  s->have_out_keep = 0;
  s->sample_on = 0; /* its states were the old program's */
  s->native_out = 0; /* native code of the old program (sim.c) */
  muskx__sim_columns_link(s);
  if (n < 0) return MUSKX_OK;
  const muskx__prog *src = &s->p->outputs;
  uint8_t *live = muskx__calloc((size_t)s->p->nregs + 1, 1);
  uint8_t *keep = muskx__calloc((size_t)src->ncode + 1, 1);
  s->out_keep.code = muskx__calloc((size_t)src->ncode + 1, sizeof(muskx__instr));
  s->out_keep.results = muskx__calloc((size_t)n + 1, sizeof(int32_t));
  s->out_keep_idx = muskx__calloc((size_t)n + 1, sizeof(int32_t));
  if (!live || !keep || !s->out_keep.code || !s->out_keep.results ||
      !s->out_keep_idx) {
    muskx__free(live);
    muskx__free(keep);
    muskx__sim_keep_outputs(s, NULL, -1);
    return MUSKX_ENOMEM;
  }
  for (int k = 0; k < n; k++) {
    s->out_keep_idx[k] = which[k];
    s->out_keep.results[k] = src->results[which[k]];
    live[src->results[which[k]]] = 1;
  }
  s->out_keep.nresults = n;
  for (int32_t i = src->ncode - 1; i >= 0; i--) {
    const muskx__instr *in = &src->code[i];
    if (!live[in->a]) continue;
    keep[i] = 1;
    live[in->a] = 0;
    int no = noperands(in->op);
    live[in->b] = 1;
    if (no >= 2) live[in->c] = 1;
    if (no >= 3) live[in->d] = 1;
  }
  for (int32_t i = 0; i < src->ncode; i++)
    if (keep[i]) s->out_keep.code[s->out_keep.ncode++] = src->code[i];
  muskx__free(live);
  muskx__free(keep);
  s->have_out_keep = 1;
  muskx__sim_columns_link(s);
  return MUSKX_OK;
}
