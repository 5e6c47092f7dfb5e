/*
 * sens_events.c -- sensitivities across events. An event at time tau
 * maps the state y- to y+ = h(t, y-, P); differentiating
 * y+(tau(p), p) = h(tau(p), y-(tau(p), p), P(p)) gives
 *    s+ = h_y (s- + f- dtau) + h_P dP + h_t dtau - f+ dtau,
 * where dtau = dtau/dp is 0 at timed stops (fixed times: doses, timed
 * events, input breakpoints) and, at a root of a `when` atom g = 0,
 *    dtau = -(g_y s- + g_P dP) / (g_y f- + g_t + g_u u').
 * So at a root the state sensitivity first becomes the total derivative
 * w = s- + f- dtau (sens_root_begin), every event fired there maps w
 * through its assignment (sens_event_pre/post, several events in a
 * cascade compose), and f+ dtau is taken off at the end
 * (sens_root_end). Parameters assigned by events get new dP rows the
 * same way. Derivatives by inputs u count through u' = their slope.
 */
#include <math.h>
#include <string.h>

#include <cvodes/cvodes.h>

#include "sim.h"
#include "vm.h"

/* Scratch after the right-hand side's (jac values, df/dp): f (nspecies),
   the rows of one event (max_sets * nsens), a numerator (nsens). */
static double *scratch_f(muskx_sim *s) {
  return s->sens_work + s->p->jac_nnz + (size_t)s->m->nspecies * s->nsens;
}
static double *scratch_rows(muskx_sim *s) {
  return scratch_f(s) + s->m->nspecies + 1;
}
static double *scratch_num(muskx_sim *s) {
  return scratch_rows(s) + (size_t)s->max_sets * s->nsens;
}

static void eval_f(muskx_sim *s, double t, const double *y, double *f) {
  const muskx__prog *rhs = &s->p->rhs;
  muskx__sim_eval(s, rhs, t, y);
  for (int32_t i = 0; i < rhs->nresults; i++) f[i] = s->R[rhs->results[i]];
}

/* d/dt of a _tu derivative entry: d/dt itself, or d/du times u'. */
static double time_part(const muskx_sim *s, int32_t col, double v) {
  return col < 0 ? v : v * s->in_b[col];
}

muskx_status muskx__sens_root_begin(muskx_sim *s, double t, const double *y) {
  if (!s->sens_active) return MUSKX_OK;
  const muskx__sens_program *sp = &s->p->sens;
  int n = s->m->nspecies, np = s->nsens, r = -1;
  memcpy(s->sens_prev, s->sens_y, (size_t)n * np * sizeof(double));
  if (CVodeGetRootInfo(s->cvode, s->rootsfound) == CV_SUCCESS)
    for (int32_t q = 0; q < s->p->nroots && r < 0; q++)
      if (s->rootsfound[q] != 0) r = q;
  memset(s->sens_tau, 0, (size_t)np * sizeof(double));
  if (r < 0) return MUSKX_OK;
  double *f = scratch_f(s), *num = scratch_num(s), den = 0.0;
  eval_f(s, t, y, f);
  memset(num, 0, (size_t)np * sizeof *num);
  muskx__sim_eval(s, &sp->root_y.code, t, y);
  for (int32_t e = 0; e < sp->root_y.code.nresults; e++) {
    if (sp->root_y.row[e] != r) continue;
    int j = sp->root_y.col[e];
    double v = s->R[sp->root_y.code.results[e]];
    den += v * f[j];
    for (int k = 0; k < np; k++) num[k] += v * s->sens_y[(size_t)j * np + k];
  }
  muskx__sim_eval(s, &sp->root_p.code, t, y);
  for (int32_t e = 0; e < sp->root_p.code.nresults; e++) {
    int j = sp->root_p.col[e];
    if (sp->root_p.row[e] != r || !s->sens_P_nz[j]) continue;
    double v = s->R[sp->root_p.code.results[e]];
    for (int k = 0; k < np; k++) num[k] += v * s->sens_P[(size_t)j * np + k];
  }
  muskx__sim_eval(s, &sp->root_tu.code, t, y);
  for (int32_t e = 0; e < sp->root_tu.code.nresults; e++)
    if (sp->root_tu.row[e] == r)
      den += time_part(s, sp->root_tu.col[e], s->R[sp->root_tu.code.results[e]]);
  for (int k = 0; k < np; k++) {
    s->sens_tau[k] = -num[k] / den; /* NAN or inf for a tangential root */
    if (!isfinite(s->sens_tau[k])) continue;
    for (int i = 0; i < n; i++)
      s->sens_y[(size_t)i * np + k] += f[i] * s->sens_tau[k];
  }
  return MUSKX_OK;
}

muskx_status muskx__sens_root_end(muskx_sim *s, double t, const double *y,
                                  int changed) {
  if (!s->sens_active) return MUSKX_OK;
  int n = s->m->nspecies, np = s->nsens;
  if (!changed) { /* nothing jumped: s is continuous */
    memcpy(s->sens_y, s->sens_prev, (size_t)n * np * sizeof(double));
    memset(s->sens_tau, 0, (size_t)np * sizeof(double));
    return MUSKX_OK;
  }
  for (int k = 0; k < np; k++)
    if (!isfinite(s->sens_tau[k])) {
      s->fail_time = t;
      return muskx__sim_err(s, MUSKX_ENONFINITE,
                            "t=%g: an event fired where its condition touches "
                            "zero without crossing it (the trigger's time "
                            "derivative is 0), so the sensitivity of the "
                            "event time to '%s' is undefined", t,
                            s->sens_names[k]);
    }
  double *f = scratch_f(s);
  eval_f(s, t, y, f);
  for (int k = 0; k < np; k++)
    for (int i = 0; i < n; i++)
      s->sens_y[(size_t)i * np + k] -= f[i] * s->sens_tau[k];
  memset(s->sens_tau, 0, (size_t)np * sizeof(double));
  return MUSKX_OK;
}

/* rows[k] := h_y w + h_P dP + h_t dtau for set entry k of event e. */
void muskx__sens_event_pre(muskx_sim *s, int e, double t, const double *y) {
  if (!s->sens_active) return;
  const muskx__sens_program *sp = &s->p->sens;
  int np = s->nsens, nsets = s->m->events[e].nsets;
  double *rows = scratch_rows(s);
  memset(rows, 0, (size_t)nsets * np * sizeof *rows);
  const muskx__dprog *dy = &sp->ev_y[e], *dp = &sp->ev_p[e], *dt = &sp->ev_tu[e];
  muskx__sim_eval(s, &dy->code, t, y);
  for (int32_t q = 0; q < dy->code.nresults; q++) {
    double v = s->R[dy->code.results[q]];
    const double *sj = s->sens_y + (size_t)dy->col[q] * np;
    double *rk = rows + (size_t)dy->row[q] * np;
    for (int k = 0; k < np; k++) rk[k] += v * sj[k];
  }
  muskx__sim_eval(s, &dp->code, t, y);
  for (int32_t q = 0; q < dp->code.nresults; q++) {
    int j = dp->col[q];
    if (!s->sens_P_nz[j]) continue;
    double v = s->R[dp->code.results[q]];
    const double *pj = s->sens_P + (size_t)j * np;
    double *rk = rows + (size_t)dp->row[q] * np;
    for (int k = 0; k < np; k++) rk[k] += v * pj[k];
  }
  muskx__sim_eval(s, &dt->code, t, y);
  for (int32_t q = 0; q < dt->code.nresults; q++) {
    double v = time_part(s, dt->col[q], s->R[dt->code.results[q]]);
    double *rk = rows + (size_t)dt->row[q] * np;
    for (int k = 0; k < np; k++)
      if (isfinite(s->sens_tau[k])) rk[k] += v * s->sens_tau[k];
  }
}

void muskx__sens_event_post(muskx_sim *s, int e) {
  if (!s->sens_active) return;
  const muskx__event *ev = &s->m->events[e];
  int np = s->nsens, params = 0;
  const double *rows = scratch_rows(s);
  for (int k = 0; k < ev->nsets; k++) {
    const muskx__event_set *st = &ev->sets[k];
    double *dst;
    switch (st->target_kind) {
      case MUSKX__SYM_SPECIES: dst = s->sens_y + (size_t)st->target * np; break;
      case MUSKX__SYM_PARAM: dst = s->sens_P + (size_t)st->target * np; break;
      case MUSKX__SYM_COMPARTMENT:
        dst = s->sens_P + (size_t)(s->m->nparams + st->target) * np;
        break;
      default: continue;
    }
    params |= st->target_kind != MUSKX__SYM_SPECIES;
    memcpy(dst, rows + (size_t)k * np, (size_t)np * sizeof *dst);
  }
  if (params) muskx__sens_P_update_nz(s);
  s->sens_cache_ok = 0;
}
