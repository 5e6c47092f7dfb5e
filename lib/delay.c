/*
 * delay.c -- delayed values: delay(e, tau) is e evaluated at time t - tau
 * on the state of that time (muskx-model(5), DELAYS).
 *
 * The CVODE driver (solver.c) records a history point (t_n, y_n, y'_n) after
 * every accepted step, after the start and after every event. Before any
 * program runs, muskx__sim_eval calls muskx__delay_update, which computes
 * every tau_k on the current (t, y) and puts e_k(t - tau_k, y(t - tau_k))
 * in the register of delay k. The past state is:
 *   - t_d before the first history point (the start, t0): the initial
 *     values, evaluated at time t_d (SBML: the history before the start
 *     is the initial assignments as functions of time); a user-set initial
 *     value is constant;
 *   - t_d inside the history: cubic Hermite interpolation between the two
 *     bracketing points (binary search). At an event time the history has
 *     two points with the same t; t_d equal to it takes the post-event
 *     value (right-continuous), t_d just before takes the pre-event one;
 *   - t_d after the last point (within the current step: tau = 0 or a
 *     state-dependent tau smaller than the step): linear interpolation
 *     between the last point and the current (t, y), exact for tau = 0.
 * With a constant positive tau the driver caps the step at the smallest
 * such tau, so the third case never happens for them.
 *
 * Invariants: history times never decrease; memory is 2n+1 doubles per
 * accepted step (grown geometrically, kept across runs of one sim).
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "vm.h"

void muskx__delay_free(muskx_sim *s) {
  muskx__free(s->hist_t);
  muskx__free(s->hist_y);
  muskx__free(s->hist_yp);
  muskx__free(s->delay_buf);
  s->hist_t = s->hist_y = s->hist_yp = s->delay_buf = NULL;
  s->nhist = s->cap_hist = 0;
}

muskx_status muskx__delay_reset(muskx_sim *s) {
  s->nhist = 0;
  s->bad_delay = -1;
  if (s->delay_buf == NULL) {
    size_t n = (size_t)s->p->ndelays + 2 * (size_t)s->m->nspecies + 1;
    s->delay_buf = muskx__calloc(n, sizeof *s->delay_buf);
    if (s->delay_buf == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (delay history)");
  }
  return MUSKX_OK;
}

muskx_status muskx__delay_push(muskx_sim *s, double t, const double *y,
                               const double *yp) {
  size_t n = (size_t)s->m->nspecies;
  if (s->nhist == s->cap_hist) {
    size_t nc = s->cap_hist ? 2 * s->cap_hist : 256;
    double *nt = muskx__reallocarray(s->hist_t, nc, sizeof *nt);
    if (nt) s->hist_t = nt;
    double *ny = nt ? muskx__reallocarray(s->hist_y, nc * n + 1, sizeof *ny)
                    : NULL;
    if (ny) s->hist_y = ny;
    double *np = ny ? muskx__reallocarray(s->hist_yp, nc * n + 1, sizeof *np)
                    : NULL;
    if (np == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM,
                            "out of memory (delay history, %zu points)",
                            s->nhist);
    s->hist_yp = np;
    s->cap_hist = nc;
  }
  size_t i = s->nhist;
  s->hist_t[i] = t;
  memcpy(s->hist_y + i * n, y, n * sizeof *y);
  if (yp != NULL) {
    memcpy(s->hist_yp + i * n, yp, n * sizeof *yp);
  } else {
    /* the point is visible to the delays of this very evaluation only
       through the before-start or current-state branches */
    const muskx__prog *rhs = &s->p->rhs;
    muskx__sim_eval(s, rhs, t, y);
    for (size_t j = 0; j < n; j++) s->hist_yp[i * n + j] = s->R[rhs->results[j]];
  }
  s->nhist++;
  return MUSKX_OK;
}

/* The state at td into yd; (t, y) is the current point. */
static void past_state(muskx_sim *s, double td, double t, const double *y,
                       double *yd) {
  const muskx__program *p = s->p;
  int n = s->m->nspecies;
  size_t nh = s->nhist;
  if (td >= t) {
    memcpy(yd, y, (size_t)n * sizeof *yd);
    return;
  }
  if (nh == 0 || td < s->hist_t[0]) {
    /* before the start: initial values at time td */
    double *R = s->R;
    R[p->reg_time] = td;
    memcpy(R + p->reg_state0, y, (size_t)n * sizeof *y);
    for (int i = 0; i < n; i++) {
      if (s->init_set[i]) {
        yd[i] = s->init_user[i];
      } else {
        muskx__vm_run(&p->init_species[i], R);
        yd[i] = R[p->init_species[i].results[0]];
      }
    }
    return;
  }
  const double *T = s->hist_t;
  if (td >= T[nh - 1]) {
    const double *yl = s->hist_y + (nh - 1) * (size_t)n;
    double tl = T[nh - 1], w = t > tl ? (td - tl) / (t - tl) : 1.0;
    for (int i = 0; i < n; i++) yd[i] = yl[i] + w * (y[i] - yl[i]);
    return;
  }
  size_t lo = 0, hi = nh - 1; /* T[lo] <= td < T[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (T[mid] <= td) lo = mid; else hi = mid;
  }
  double h = T[hi] - T[lo], th = (td - T[lo]) / h;
  double h00 = (1 + 2 * th) * (1 - th) * (1 - th), h10 = th * (1 - th) * (1 - th);
  double h01 = th * th * (3 - 2 * th), h11 = th * th * (th - 1);
  const double *y0 = s->hist_y + lo * (size_t)n, *y1 = s->hist_y + hi * (size_t)n;
  const double *d0 = s->hist_yp + lo * (size_t)n, *d1 = s->hist_yp + hi * (size_t)n;
  for (int i = 0; i < n; i++)
    yd[i] = h00 * y0[i] + h * h10 * d0[i] + h01 * y1[i] + h * h11 * d1[i];
}

void muskx__delay_update(muskx_sim *s, double t, const double *y) {
  const muskx__program *p = s->p;
  int n = s->m->nspecies, nd = p->ndelays;
  double *R = s->R, *tau = s->delay_buf;
  if (tau == NULL) { /* evaluation outside a run, before any run */
    for (int k = 0; k < nd; k++) R[p->reg_delay0 + k] = NAN;
    return;
  }
  double *ycur = tau + nd, *yd = ycur + n;
  if (y == NULL) y = R + p->reg_state0;
  memcpy(ycur, y, (size_t)n * sizeof *y);
  R[p->reg_time] = t;
  for (int i = 0; i < s->m->ninputs; i++)
    R[p->reg_input0 + i] = s->in_a[i] + s->in_b[i] * t;
  memcpy(R + p->reg_state0, ycur, (size_t)n * sizeof *y);
  muskx__vm_run(&p->delay_tau, R);
  for (int k = 0; k < nd; k++) tau[k] = R[p->delay_tau.results[k]];
  for (int k = 0; k < nd; k++) {
    if (!(tau[k] >= 0)) {
      if (s->bad_delay < 0) {
        s->bad_delay = k;
        s->bad_delay_time = t;
        s->bad_delay_tau = tau[k];
      }
      R[p->reg_delay0 + k] = NAN;
      continue;
    }
    double td = t - tau[k];
    past_state(s, td, t, ycur, yd);
    R[p->reg_time] = td;
    if (!s->autonomous)
      for (int i = 0; i < s->m->ninputs; i++) {
        double a, b;
        muskx__sim_input_coeffs(s, i, td, &a, &b);
        R[p->reg_input0 + i] = a + b * td;
      }
    memcpy(R + p->reg_state0, yd, (size_t)n * sizeof *yd);
    muskx__vm_run(&p->delay_expr[k], R);
    R[p->reg_delay0 + k] = R[p->delay_expr[k].results[0]];
  }
  /* leave the current point in the registers */
  R[p->reg_time] = t;
  for (int i = 0; i < s->m->ninputs; i++)
    R[p->reg_input0 + i] = s->in_a[i] + s->in_b[i] * t;
  memcpy(R + p->reg_state0, ycur, (size_t)n * sizeof *y);
}

double muskx__delay_min_tau(muskx_sim *s) {
  const muskx__program *p = s->p;
  double best = INFINITY;
  if (p->ndelays == 0) return best;
  muskx__vm_run(&p->delay_tau, s->R);
  for (int k = 0; k < p->ndelays; k++) {
    double v = s->R[p->delay_tau.results[k]];
    if (p->delay_tau_const[k] && v > 0 && v < best) best = v;
  }
  return best;
}
