/*
 * sens_reach.c -- the parameter-like slots and species that can move a
 * set of outputs (sens_reach.h), for skipping sensitivities that are
 * zero by structure.
 *
 * Why a slot left out has zero output sensitivities: let Y be the marked
 * species and Q the marked slots. Y is closed under the structural
 * Jacobian (rhs_i with i in Y reads only species of Y), so the state
 * sensitivities s_Y of a slot k outside Q obey s_Y' = J_YY s_Y + df_Y/dP_k
 * with df_Y/dP_k = 0 (k would be in Q), from s_Y(0) = dy0_Y/dP_k = 0 (the
 * initial values of Y read only slots of Q, and derived parameters of Q
 * only slots of Q): s_Y stays 0. A steady state solves J s = -df/dp,
 * whose rows Y again involve only s_Y and df_Y/dp: 0 (conservation laws
 * with a species in Y put all their species in Y, so the extra equations
 * w^T s = w^T s0 do not mix Y with the rest). An event can move s_Y only
 * when it assigns a species of Y or a slot of Q: the assignments of such
 * targets (and the event's delay and priority) put the species and slots
 * they read into Y and Q (the event's other assignments set values
 * outside Y and Q, whose sensitivities do not matter), and, when it is a
 * `when` event, whose time moves with p, the species and slots of every
 * root function (the roots are not kept per event, so all of them).
 * Events assigning neither leave s_Y as it is (up to rounding in the
 * time-shift terms, s + f dtau - f dtau with the same f on both sides).
 * The outputs' derivatives are dg/dy_Y s_Y + dg/dP_Q dP_Q/dp: 0. Slots
 * that move a timed event's time are kept whatever they reach, so the
 * refusal of moving timed events (sens.c) is unchanged.
 *
 * Every list used is the compiled derivative list the sensitivities
 * themselves are computed from (compile_sens.c), so a derivative the
 * sensitivities would evaluate is never missing here.
 */
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "sens_reach.h"

static int mark(unsigned char *f, int i) {
  if (f[i]) return 0;
  f[i] = 1;
  return 1;
}

/* Marks the cols of d (species or slots) where its row passes. */
static int mark_cols(const muskx__dprog *d, const unsigned char *rows,
                     unsigned char *cols) {
  int changed = 0;
  for (int32_t e = 0; e < d->code.nresults; e++)
    if (rows == NULL || rows[d->row[e]]) changed |= mark(cols, d->col[e]);
  return changed;
}

/* Flags the entries of event e whose values matter: its assignments of
   a marked species or slot, and (when one does) the entries after its
   assignments (delay, priority). Returns 1 when any does. */
static int event_rows(const muskx_model *m, int e, const unsigned char *slots,
                      const unsigned char *species, unsigned char *rows,
                      int nrows) {
  const muskx__event *ev = &m->events[e];
  int any = 0;
  for (int k = 0; k < nrows; k++) rows[k] = 0;
  for (int k = 0; k < ev->nsets; k++) {
    const muskx__event_set *st = &ev->sets[k];
    int t = st->target;
    rows[k] = st->target_kind == MUSKX__SYM_SPECIES       ? species[t]
              : st->target_kind == MUSKX__SYM_PARAM       ? slots[t]
              : st->target_kind == MUSKX__SYM_COMPARTMENT ? slots[m->nparams + t]
                                                          : 1;
    any |= rows[k];
  }
  for (int k = ev->nsets; k < nrows; k++) rows[k] = (unsigned char)any;
  return any;
}

/* One pass of the closure; 1 when something was marked. */
static int pass(const muskx_model *m, unsigned char *slots,
                unsigned char *species, unsigned char *rows, int nrows) {
  const muskx__program *p = m->program;
  const muskx__sens_program *sp = &p->sens;
  int changed = 0, roots = 0;
  for (int j = 0; j < m->nspecies; j++)
    for (int32_t e = p->jac_colptr[j]; e < p->jac_colptr[j + 1]; e++)
      if (species[p->jac_rowind[e]]) changed |= mark(species, j);
  for (int j = 0; j < sp->nslots; j++) {
    const muskx__dprog *d = &sp->f_p[j];
    for (int32_t e = 0; e < d->code.nresults && !slots[j]; e++)
      if (species[d->row[e]]) changed |= mark(slots, j);
  }
  changed |= mark_cols(&sp->iy_p, species, slots);
  changed |= mark_cols(&sp->ip_p, slots, slots);
  for (int e = 0; e < sp->nevents; e++) {
    if (!event_rows(m, e, slots, species, rows, nrows)) continue;
    changed |= mark_cols(&sp->ev_y[e], rows, species);
    changed |= mark_cols(&sp->ev_p[e], rows, slots);
    if (m->events[e].when != NULL) roots = 1;
  }
  if (roots) {
    changed |= mark_cols(&sp->root_y, NULL, species);
    changed |= mark_cols(&sp->root_p, NULL, slots);
  }
  for (int q = 0; q < p->ncons; q++) {
    const double *l = p->cons_L + (size_t)q * (size_t)p->cons_nsp;
    int any = 0;
    for (int j = 0; j < p->cons_nsp && !any; j++)
      any = l[j] != 0 && species[p->cons_sp[j]];
    for (int j = 0; j < p->cons_nsp && any; j++)
      if (l[j] != 0) changed |= mark(species, p->cons_sp[j]);
  }
  return changed;
}

int muskx__sens_reach(const muskx_model *m, const unsigned char *outputs,
                      unsigned char *slots, unsigned char *species) {
  if (m == NULL || m->program == NULL || !m->program->sens.available)
    return -1;
  const muskx__sens_program *sp = &m->program->sens;
  memset(slots, 0, (size_t)m->program->nparamlike);
  memset(species, 0, (size_t)m->nspecies);
  mark_cols(&sp->out_y, outputs, species);
  for (int j = 0; j < sp->nslots; j++)
    for (int32_t e = 0; e < sp->out_p[j].code.nresults; e++)
      if (outputs[sp->out_p[j].row[e]]) slots[j] = 1;
  for (int e = 0; e < sp->nevents; e++)
    mark_cols(&sp->tm_p[e], NULL, slots);
  /* rows of an event's programs: its assignments, delay, priority */
  int nrows = 2;
  for (int e = 0; e < m->nevents; e++)
    if (m->events[e].nsets + 2 > nrows) nrows = m->events[e].nsets + 2;
  unsigned char *rows = muskx__calloc((size_t)nrows, 1);
  if (rows == NULL) return -2;
  while (pass(m, slots, species, rows, nrows)) {
  }
  muskx__free(rows);
  return 0;
}
