/*
 * events_inert.c -- timed events that change nothing this run (issue 19).
 * The drug modules dose by events like `Dmab_depot: Dmab_depot +
 * F_dmab*dmab_dose` every 182.5 d; with the drug off (dose 0, the
 * spaceflight default) each occurrence still stopped the integrator, and
 * the 99 stops of an 18-month mission cost about 18 % of a run. Such an
 * occurrence is found here, before the run reaches it, so that
 * muskx__events_next_stop() does not stop there.
 *
 * Sound by construction, not by sampling: an event is inert when it is
 * timed, immediate (no delay), and every `set` is `X + E`, `E + X` or
 * `X - E` with X its own target and E a product or quotient that has a
 * factor exactly 0 (a literal, or a parameter or compartment now 0) and
 * only finite other factors -- so E is +-0 in any evaluation order, and
 * X + E == X. Never with forward sensitivities on: the jump of dX/dp for
 * the dose parameter is not 0 even when the dose is. Parameters can
 * change during a run (phase steps, event sets), so the flags are
 * recomputed after every change (events.c).
 */
#include <math.h>

#include "alloc.h"
#include "sim.h"

/* The value of a parameters-only expression, NaN when it is not one of
   the simple forms handled here. */
static double value(const muskx_sim *s, const muskx__expr *x) {
  const muskx__program *p = s->p;
  switch (x->kind) {
    case MUSKX__E_NUM: return x->num;
    case MUSKX__E_NAME:
      switch (x->sym_kind) {
        case MUSKX__SYM_CONST: return x->num;
        case MUSKX__SYM_PARAM: return s->R[p->reg_param0 + x->sym_index];
        case MUSKX__SYM_COMPARTMENT:
          return s->R[p->reg_param0 + s->m->nparams + x->sym_index];
        default: return NAN;
      }
    case MUSKX__E_NEG: return -value(s, x->args[0]);
    case MUSKX__E_ADD: return value(s, x->args[0]) + value(s, x->args[1]);
    case MUSKX__E_SUB: return value(s, x->args[0]) - value(s, x->args[1]);
    case MUSKX__E_MUL: return value(s, x->args[0]) * value(s, x->args[1]);
    case MUSKX__E_DIV: return value(s, x->args[0]) / value(s, x->args[1]);
    default: return NAN;
  }
}

/* 1 when x is exactly +-0 however its products are ordered. */
static int exactly_zero(const muskx_sim *s, const muskx__expr *x) {
  switch (x->kind) {
    case MUSKX__E_NUM:
    case MUSKX__E_NAME: return value(s, x) == 0.0;
    case MUSKX__E_NEG: return exactly_zero(s, x->args[0]);
    case MUSKX__E_MUL:
      return (exactly_zero(s, x->args[0]) && isfinite(value(s, x->args[1]))) ||
             (exactly_zero(s, x->args[1]) && isfinite(value(s, x->args[0])));
    case MUSKX__E_DIV: {
      double d = value(s, x->args[1]);
      return exactly_zero(s, x->args[0]) && isfinite(d) && d != 0.0;
    }
    default: return 0;
  }
}

static int is_target(const muskx__event_set *st, const muskx__expr *x) {
  return x->kind == MUSKX__E_NAME && x->sym_kind == st->target_kind &&
         x->sym_index == st->target;
}

static int set_is_inert(const muskx_sim *s, const muskx__event_set *st) {
  const muskx__expr *v = st->value;
  if (v->kind == MUSKX__E_ADD)
    return (is_target(st, v->args[0]) && exactly_zero(s, v->args[1])) ||
           (is_target(st, v->args[1]) && exactly_zero(s, v->args[0]));
  if (v->kind == MUSKX__E_SUB)
    return is_target(st, v->args[0]) && exactly_zero(s, v->args[1]);
  return 0;
}

muskx_status muskx__events_find_inert(muskx_sim *s) {
  const muskx_model *m = s->m;
  if (m->nevents == 0) return MUSKX_OK;
  if (s->ev_inert == NULL &&
      (s->ev_inert = muskx__calloc((size_t)m->nevents, 1)) == NULL)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
  for (int e = 0; e < m->nevents; e++) {
    const muskx__event *ev = &m->events[e];
    int inert = s->nsens == 0 && ev->when == NULL && ev->delay == NULL &&
                ev->nsets > 0;
    for (int k = 0; inert && k < ev->nsets; k++)
      inert = set_is_inert(s, &ev->sets[k]);
    s->ev_inert[e] = (uint8_t)inert;
  }
  return MUSKX_OK;
}
