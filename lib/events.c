/*
 * events.c -- what happens between integrator steps, shared by the ODE
 * (solver.c, CVODE) and DAE (dae.c, IDA) drivers: timed, conditional and
 * delayed events, doses and input breakpoints, in the order and with the
 * semantics of muskx-model(5) EVENTS, and the rows written at output
 * times. The integrators only integrate: they stop where
 * muskx__events_next_stop says, report roots of the `when` atoms, and call
 * muskx__events_fire_due there; it says whether anything the right-hand
 * side sees changed (the integrator then restarts).
 *
 * Invariant: nothing here calls an integrator; the state y is the caller's
 * array, and the probe (a state just past a root, muskx__events_probe_set)
 * lives in s->yprobe.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "vm.h"

/* Largest number of event firings at one time point before we call it a
   runaway cascade (an event that keeps re-triggering itself). */
#define MAX_CASCADE 100000

/* Most event and dose firings in one run (muskx-model(5) LIMITS): an event
   that repeats faster than the run can follow (every: 1e-12 over years, or
   an interval below the time resolution at t, where it would fire at the
   same t forever) is an error, not a hang. Issue 9. */
#define MAX_FIRINGS 1000000

static void probe_follow(muskx_sim *s, double t, const double *y);

/* Values of event e's set program at (t, y): sets, [delay], [priority]. */
static const double *event_values(muskx_sim *s, int e, double t,
                                  const double *y) {
  const muskx__prog *pr = &s->p->event_sets[e];
  muskx__sim_eval(s, pr, t, y);
  double *v = s->scratch + s->m->nspecies;
  for (int32_t k = 0; k < pr->nresults; k++) v[k] = s->R[pr->results[k]];
  return v;
}

static int push_pending(muskx_sim *s, double time, int e, const double *vals,
                        int nvals) {
  if (s->npending == s->cap_pending) {
    int nc = s->cap_pending ? s->cap_pending * 2 : 8;
    muskx__pending *p = muskx__reallocarray(s->pending, (size_t)nc, sizeof *p);
    if (p == NULL) return -1;
    s->pending = p;
    s->cap_pending = nc;
  }
  muskx__pending *pe = &s->pending[s->npending];
  pe->time = time;
  pe->event = e;
  pe->has_values = vals != NULL;
  pe->values = NULL;
  if (vals != NULL && nvals > 0) {
    pe->values = muskx__calloc((size_t)nvals, sizeof *vals);
    if (pe->values == NULL) return -1;
    memcpy(pe->values, vals, (size_t)nvals * sizeof *vals);
  }
  s->npending++;
  return 0;
}

static void drop_pending(muskx_sim *s, int k) {
  muskx__free(s->pending[k].values);
  memmove(&s->pending[k], &s->pending[k + 1],
          (size_t)(s->npending - k - 1) * sizeof *s->pending);
  s->npending--;
}

static double event_priority(muskx_sim *s, int e, double t, const double *y) {
  const muskx__event *ev = &s->m->events[e];
  if (ev->priority == NULL) return 0.0;
  const double *v = event_values(s, e, t, y);
  return v[ev->nsets + (ev->delay != NULL)];
}

/* Event e triggers at t: schedule it after its delay (values computed now
   when use_values_from_trigger_time). */
static muskx_status trigger(muskx_sim *s, int e, double t, const double *y) {
  const muskx__event *ev = &s->m->events[e];
  const double *v = event_values(s, e, t, y);
  double delay = ev->delay ? v[ev->nsets] : 0.0;
  if (!isfinite(delay) || delay < 0)
    return muskx__sim_err(s, MUSKX_ENONFINITE,
                          "t=%g: delay of event '%s' is %g (must be finite "
                          "and >= 0)", t, ev->id, delay);
  if (push_pending(s, t + delay, e, ev->use_trigger_values ? v : NULL,
                   ev->nsets))
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory scheduling event");
  return MUSKX_OK;
}

/* Compares each conditional event's `when` with its previous truth: a
   false->true change triggers it; a true->false change cancels pending
   firings of a non-persistent event. */
static muskx_status check_transitions(muskx_sim *s, double t, const double *y) {
  const muskx_model *m = s->m;
  if (m->nevents == 0 || s->autonomous) return MUSKX_OK;
  double te = s->probe_y ? s->probe_t : t;
  const double *ye = s->probe_y ? s->probe_y : y;
  muskx__sim_eval(s, &s->p->triggers, te, ye);
  for (int e = 0; e < m->nevents; e++) {
    if (m->events[e].when == NULL) continue;
    int cur = s->R[s->p->triggers.results[e]] != 0.0;
    int prev = s->prev_trigger[e];
    s->prev_trigger[e] = (uint8_t)cur;
    if (!prev && cur) {
      muskx_status st = trigger(s, e, t, y);
      if (st != MUSKX_OK) return st;
      /* trigger() ran other programs: reload triggers for the rest */
      muskx__sim_eval(s, &s->p->triggers, te, ye);
    } else if (prev && !cur && !m->events[e].persistent) {
      for (int k = s->npending - 1; k >= 0; k--)
        if (s->pending[k].event == e) drop_pending(s, k);
    }
  }
  return MUSKX_OK;
}

/* At the start, each `when` is judged at t0 itself before anything is
   judged just past t0 (muskx__events_fire_due probes t0+ for roots at t0):
   a condition false at t0 and true just after it, like SBML's
   `time > 0`, then changes false->true at t0 and fires there, whatever
   its initial_value. Judged only just past t0, it looked true "already at
   the start" and an event with initial_value true never fired. */
muskx_status muskx__events_start(muskx_sim *s, double t, const double *y) {
  for (int e = 0; e < s->m->nevents; e++)
    s->prev_trigger[e] = (uint8_t)s->m->events[e].initial_value;
  s->probe_y = NULL;
  return check_transitions(s, t, y);
}

/* Assigns one `set` target; returns 1 when its value actually changed (an
   event that changes nothing, like a zero dose, needs no solver restart). */
static int apply_set(muskx_sim *s, const muskx__event_set *st, double v,
                     double *y) {
  double *slot;
  switch (st->target_kind) {
    case MUSKX__SYM_SPECIES: slot = &y[st->target]; break;
    case MUSKX__SYM_PARAM: slot = &s->R[s->p->reg_param0 + st->target]; break;
    case MUSKX__SYM_COMPARTMENT:
      slot = &s->R[s->p->reg_param0 + s->m->nparams + st->target];
      break;
    default: return 0;
  }
  /* memcmp, not ==: NaN to NaN is no change, -0 to +0 is one */
  int differs = memcmp(slot, &v, sizeof v) != 0;
  *slot = v;
  return differs;
}

/* Counts one firing against MAX_FIRINGS; what/name name it ("event",
   "kick") in the error. */
static muskx_status count_firing(muskx_sim *s, double t, const char *what,
                                 const char *name) {
  if (++s->stats[MUSKX_STAT_EVENTS_FIRED] <= MAX_FIRINGS) return MUSKX_OK;
  return muskx__sim_err(s, MUSKX_ELIMIT,
                        "t=%g: more than %d event firings in one run (%s '%s' "
                        "repeats too often)", t, MAX_FIRINGS, what, name);
}

/* Roots whose function is t - X (compile.h root_times) at their exact
   zero: X, recomputed after every event (X may use parameters). */
static void refresh_root_times(muskx_sim *s, double t) {
  const muskx__prog *pr = &s->p->root_times;
  if (pr->nresults == 0) return;
  muskx__sim_eval(s, pr, t, NULL);
  for (int32_t r = 0; r < pr->nresults; r++) s->root_time[r] = s->R[pr->results[r]];
}

/* Sets the probe to the new trajectory just past t (see probe_follow). */
static void probe_ahead(muskx_sim *s, double t, const double *y) {
  double *pd = s->scratch + s->m->nspecies + s->max_sets;
  memset(pd, 0, (size_t)s->m->nspecies * sizeof *pd);
  s->probe_t = t + 1e4 * DBL_EPSILON * (fabs(t) > 0 ? fabs(t) : 1.0);
  s->probe_y = N_VGetArrayPointer(s->yprobe);
  probe_follow(s, t, y);
}

/* Before the conditions are judged at t: which roots are located here.
   At a root return (probe set) the integrator filled s->rootsfound; at a
   stop, the roots t - X with X == t are (a time scheduled exactly), and
   conditions are judged just past t as at a root. Each equality on a
   located root counts as true (its instant register). Returns 0: none,
   1: some, 2: some, with a probe set here (to be cleared); -1 out of
   memory. */
static int locate_instants(muskx_sim *s, double t, const double *y) {
  const muskx__program *p = s->p;
  int nr = p->nroots, any = 0, own_probe = 0;
  if (nr == 0 || s->m->nevents == 0) return 0;
  double *handled = s->root_time + nr;
  for (int r = 0; r < nr; r++) {
    double x = s->root_time[r];
    if (s->probe_y == NULL && x == t) s->rootsfound[r] = 1;
    if (s->rootsfound[r] == 0) continue;
    any = 1;
    /* found by the integrator within its tolerance of a scheduled time, or
       at it: that zero is done, no stop there again */
    if (isfinite(x) && fabs(x - t) <= 1e-8 * (fabs(t) + 1)) handled[r] = x;
  }
  if (!any) return 0;
  if (s->probe_y == NULL) {
    if (s->yprobe == NULL && (s->yprobe = N_VClone(s->y)) == NULL) return -1;
    probe_ahead(s, t, y);
    own_probe = 1;
  }
  for (int32_t k = 0; k < p->ninstants; k++) {
    int32_t r = p->instant_root[k];
    s->R[p->reg_instant0 + k] = r >= 0 && s->rootsfound[r] != 0;
  }
  return own_probe ? 2 : 1;
}

/* After the events at t: equalities false again, nothing located. */
static void clear_instants(muskx_sim *s) {
  const muskx__program *p = s->p;
  for (int32_t k = 0; k < p->ninstants; k++) s->R[p->reg_instant0 + k] = 0.0;
  memset(s->rootsfound, 0, (size_t)p->nroots * sizeof *s->rootsfound);
}

/* Moves inert event e (events_inert.c) past t, counting the occurrences
   it had by then as firings that changed nothing. Next times are summed
   as a firing would sum them, so they stay the same should the event stop
   being inert. */
static muskx_status skip_inert(muskx_sim *s, int e, double t) {
  while (s->ev_left[e] != 0 && s->ev_next[e] <= t) {
    muskx_status st = count_firing(s, t, "event", s->m->events[e].id);
    if (st != MUSKX_OK) return st;
    if (s->ev_left[e] > 0) s->ev_left[e]--;
    double next = s->ev_every[e] > 0 ? s->ev_next[e] + s->ev_every[e] : INFINITY;
    if (next > s->ev_until[e] || s->ev_left[e] == 0) next = INFINITY;
    if (!(next > s->ev_next[e]))
      return muskx__sim_err(s, MUSKX_ELIMIT,
                            "t=%g: event '%s' repeats every %g, too little "
                            "to move time on", t, s->m->events[e].id,
                            s->ev_every[e]);
    s->ev_next[e] = next;
  }
  return MUSKX_OK;
}

/* Everything due at time t: doses, timed events, delayed events, and any
   cascade of conditional events they cause. *changed is set when a state or
   parameter changed (the integrator must restart). */
muskx_status muskx__events_fire_due(muskx_sim *s, double t, double *y, int *changed) {
  const muskx_model *m = s->m;
  muskx_status st;
  /* events and parameter steps may set parameters: the native rhs checks
     its cached part against them again at its next call (sim.c,
     muskx__sim_eval_rhs_to) -- whether or not they report a change, as
     -0.0 for +0.0 is none to them but is one to the cache's bits */
  s->native_checked = 0;
  if (s->autonomous) return MUSKX_OK;
  if (s->npsteps > 0) {
    int ps = muskx__param_steps_apply(s, t);
    if (ps < 0) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory stepping parameters");
    *changed |= ps;
    /* before the timed events: one due now sees the new values */
    if (ps > 0 && (st = muskx__events_find_inert(s)) != MUSKX_OK) return st;
  }
  for (int d = 0; d < s->ndoses; d++) {
    /* a zero dose did not stop the integrator: its times passed by */
    while (s->doses[d].amount == 0.0 && s->dose_left[d] > 0 &&
           s->dose_next[d] < t) {
      s->dose_left[d]--;
      s->dose_next[d] = s->doses[d].every > 0 && s->dose_left[d] > 0
                            ? s->doses[d].t0 + s->doses[d].every *
                                  (double)(s->doses[d].count - s->dose_left[d])
                            : INFINITY;
      st = count_firing(s, t, "dose of", m->species[s->doses[d].species].name);
      if (st != MUSKX_OK) return st;
    }
    if (s->dose_left[d] > 0 && s->dose_next[d] <= t) {
      y[s->doses[d].species] += s->doses[d].amount;
      *changed |= s->doses[d].amount != 0.0;
      s->dose_left[d]--;
      s->dose_next[d] = s->doses[d].every > 0 && s->dose_left[d] > 0
                            ? s->doses[d].t0 + s->doses[d].every *
                                  (double)(s->doses[d].count - s->dose_left[d])
                            : INFINITY;
      st = count_firing(s, t, "dose of", m->species[s->doses[d].species].name);
      if (st != MUSKX_OK) return st;
      if (s->dose_next[d] <= t)
        return muskx__sim_err(s, MUSKX_ELIMIT,
                              "t=%g: dose of '%s' repeats every %g, too little "
                              "to move time on from t", t,
                              m->species[s->doses[d].species].name,
                              s->doses[d].every);
    }
  }
  for (int e = 0; e < m->nevents; e++) {
    if (m->events[e].when != NULL || s->ev_left[e] == 0 || s->ev_next[e] > t)
      continue;
    if (s->ev_inert != NULL && s->ev_inert[e]) {
      /* occurrences passed without a stop: they changed nothing */
      if ((st = skip_inert(s, e, t)) != MUSKX_OK) return st;
      continue;
    }
    if ((st = trigger(s, e, t, y)) != MUSKX_OK) return st;
    if (s->ev_left[e] > 0) s->ev_left[e]--;
    double next = s->ev_every[e] > 0 ? s->ev_next[e] + s->ev_every[e] : INFINITY;
    if (next > s->ev_until[e] || s->ev_left[e] == 0) next = INFINITY;
    /* an interval below the time resolution at t would fire at t forever */
    if (next <= t)
      return muskx__sim_err(s, MUSKX_ELIMIT,
                            "t=%g: event '%s' repeats every %g, too little "
                            "to move time on from t", t, m->events[e].id,
                            s->ev_every[e]);
    s->ev_next[e] = next;
  }
  int instants = locate_instants(s, t, y);
  if (instants < 0) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory judging events");
  /* doses, timed events or an input breakpoint may have flipped a `when` */
  if ((st = check_transitions(s, t, y)) != MUSKX_OK) return st;
  for (long fired = 0;; fired++) {
    /* the due firing with the highest priority; ties in schedule order */
    int best = -1;
    double best_pri = -INFINITY;
    for (int k = 0; k < s->npending; k++) {
      /* a delayed firing a few ulps after t is due now: the integrator
         cannot step that little (CV_TOO_CLOSE) */
      if (s->pending[k].time > t + 4 * DBL_EPSILON * fabs(t)) continue;
      double pri = event_priority(s, s->pending[k].event, t, y);
      if (best < 0 || pri > best_pri) {
        best = k;
        best_pri = pri;
      }
    }
    if (best < 0) break;
    if (fired >= MAX_CASCADE)
      return muskx__sim_err(s, MUSKX_ELIMIT,
                            "t=%g: events did not settle after %d firings "
                            "(event '%s' keeps re-triggering)", t, MAX_CASCADE,
                            m->events[s->pending[best].event].id);
    int e = s->pending[best].event;
    const muskx__event *ev = &m->events[e];
    int cancelled = 0;
    if (ev->when != NULL && !ev->persistent) {
      muskx__sim_eval(s, &s->p->triggers, s->probe_y ? s->probe_t : t,
                      s->probe_y ? s->probe_y : y);
      cancelled = s->R[s->p->triggers.results[e]] == 0.0;
    }
    if (!cancelled) {
      const double *v = s->pending[best].has_values
                            ? s->pending[best].values
                            : event_values(s, e, t, y);
      /* all right-hand sides are computed before any assignment is made */
      double local[16];
      double *vals = ev->nsets <= 16 ? local : muskx__calloc((size_t)ev->nsets, sizeof *vals);
      if (vals == NULL) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
      memcpy(vals, v, (size_t)ev->nsets * sizeof *vals);
      muskx__sens_event_pre(s, e, t, y); /* from the state before */
      for (int k = 0; k < ev->nsets; k++)
        *changed |= apply_set(s, &ev->sets[k], vals[k], y);
      muskx__sens_event_post(s, e);
      if (s->probe_y != NULL) probe_follow(s, t, y);
      if (vals != local) muskx__free(vals);
      if ((st = count_firing(s, t, "event", ev->id)) != MUSKX_OK) return st;
    }
    drop_pending(s, best);
    if (!cancelled && (st = check_transitions(s, t, y)) != MUSKX_OK) return st;
  }
  if (instants) {
    /* the instant is over: an equality is false just past it, so it can
       turn true again later (a cancelled non-persistent delayed event
       with an equality trigger is SBML's reading too) */
    clear_instants(s);
    if ((st = check_transitions(s, t, y)) != MUSKX_OK) return st;
    if (instants == 2) s->probe_y = NULL;
    /* a firing this caused waits for the next stop */
  }
  refresh_root_times(s, t);
  /* a parameter a dose expression reads may have changed */
  if (*changed && (st = muskx__events_find_inert(s)) != MUSKX_OK) return st;
  return MUSKX_OK;
}

/* Earliest discontinuity strictly after t. */
double muskx__events_next_stop(const muskx_sim *s, double t) {
  double next = INFINITY;
  if (s->autonomous) return next;
  for (int e = 0; e < s->m->nevents; e++)
    if (s->m->events[e].when == NULL && s->ev_left[e] != 0 &&
        s->ev_next[e] < next && !(s->ev_inert != NULL && s->ev_inert[e]))
      next = s->ev_next[e];
  for (int d = 0; d < s->ndoses; d++)
    if (s->dose_left[d] > 0 && s->dose_next[d] < next &&
        s->doses[d].amount != 0.0)
      next = s->dose_next[d];
  for (int k = 0; k < s->npending; k++)
    if (s->pending[k].time < next) next = s->pending[k].time;
  if (s->npsteps > 0) {
    double ps = muskx__param_steps_next(s, t);
    if (ps < next) next = ps;
  }
  for (int32_t r = 0; r < s->p->root_times.nresults; r++) {
    double x = s->root_time[r];
    if (x > t && x < next && x != s->root_time[s->p->nroots + r]) next = x;
  }
  for (int i = 0; i < s->m->ninputs; i++) {
    const muskx__table *tb = &s->inputs[i];
    for (size_t k = 0; k < tb->n; k++)
      if (tb->times[k] > t) {
        if (tb->times[k] < next) next = tb->times[k];
        break;
      }
  }
  return next;
}

/* Timed events and doses: first firing at or after t0. */
muskx_status muskx__events_schedule(muskx_sim *s, double t0) {
  const muskx_model *m = s->m;
  /* From a later time a scenario's run began there from the day-0 state,
     every earlier phase and dose left out (B_pct 0 at day 75, not -18.8) */
  if (s->scenario_start && t0 != 0 && !s->continuing)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "this simulation is set up by a scenario, whose "
                          "first phase begins at time 0: a run from t=%g "
                          "would leave out all before it (start the run at "
                          "0, or see muskx_sim_set_continuing())", t0);
  for (int e = 0; e < m->nevents; e++) {
    const muskx__event *ev = &m->events[e];
    s->ev_left[e] = 0;
    if (ev->when != NULL) continue;
    const muskx__prog *pr = &s->p->event_timing[e];
    muskx__sim_eval(s, pr, t0, NULL);
    int k = 0;
    double at = s->R[pr->results[k++]];
    double every = ev->every ? s->R[pr->results[k++]] : 0.0;
    double until = ev->until ? s->R[pr->results[k++]] : INFINITY;
    double count = ev->count_expr ? s->R[pr->results[k++]] : (double)ev->count;
    if (!isfinite(at) || !isfinite(every) || (ev->every && !(every > 0)))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "event '%s' has at=%g, every=%g: 'at' must be "
                            "finite and 'every' > 0", ev->id, at, every);
    if (ev->count_expr && !(count >= 1 && count <= INT_MAX && count == floor(count)))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "'count' of event '%s' is %g (%s:%d:%d): it must "
                            "be a whole number >= 1", ev->id, count, m->source,
                            ev->count_expr->line, ev->count_expr->col);
    if (ev->until && !(until >= at))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "event '%s' (%s:%d:%d) has until=%g before "
                            "at=%g, so it would never fire",
                            ev->id, ev->loc.file ? ev->loc.file : m->source,
                            ev->loc.line, ev->loc.col, until, at);
    long left = ev->every ? (long)count : 1;
    double next = at;
    if (next < t0) {
      if (every > 0) {
        double skip = ceil((t0 - at) / every);
        next = at + skip * every;
        /* compared as doubles: skip can exceed any long (at: -1e300) */
        if (left > 0) left = (double)left > skip ? left - (long)skip : 0;
      } else {
        left = 0;
      }
      /* Every firing lies before the run: the event would silently never
         happen. A repeating one that reaches into the run fires from
         there on (muskx-model(5) EVENTS). */
      if (!s->continuing && (left == 0 || next > until))
        return muskx__sim_err(s, MUSKX_EINVAL,
                              "event '%s' (%s:%d:%d) fires %s t=%g, before "
                              "the run starts at t=%g, so it would never "
                              "fire: start the run at or before t=%g",
                              ev->id, ev->loc.file ? ev->loc.file : m->source,
                              ev->loc.line, ev->loc.col,
                              ev->every ? "only from" : "at", at, t0, at);
    }
    if (next > until) left = 0;
    s->ev_next[e] = next;
    s->ev_left[e] = left; /* -1: unlimited */
    s->ev_every[e] = every;
    s->ev_until[e] = until;
  }
  muskx__free(s->dose_left);
  muskx__free(s->dose_next);
  s->dose_left = muskx__calloc((size_t)s->ndoses + 1, sizeof(long));
  s->dose_next = muskx__calloc((size_t)s->ndoses + 1, sizeof(double));
  if (!s->dose_left || !s->dose_next)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory scheduling doses");
  for (int d = 0; d < s->ndoses; d++) {
    const muskx__dose *ds = &s->doses[d];
    long left = ds->count;
    double next = ds->t0;
    if (next < t0) {
      if (ds->every > 0) {
        double skip = ceil((t0 - ds->t0) / ds->every);
        next = ds->t0 + skip * ds->every;
        left = (double)left > skip ? left - (long)skip : 0;
      } else {
        left = 0;
      }
      /* A dose (or a whole schedule) before the run would silently never
         be given; a schedule that reaches into the run is given from there
         on (muskx(3) muskx_sim_add_dose). */
      if (left == 0 && !s->continuing) {
        if (ds->every > 0)
          return muskx__sim_err(s, MUSKX_EINVAL,
                                "the %ld doses of '%s' every %g from t=%g "
                                "all fall before the run starts at t=%g, so "
                                "none would be given: start the run at or "
                                "before t=%g, or clear the doses",
                                ds->count, m->species[ds->species].name,
                                ds->every, ds->t0, t0, ds->t0);
        return muskx__sim_err(s, MUSKX_EINVAL,
                              "the dose of '%s' at t=%g is before the run "
                              "starts at t=%g, so it would never be given: "
                              "start the run at or before t=%g, or clear "
                              "the doses", m->species[ds->species].name,
                              ds->t0, t0, ds->t0);
      }
    }
    s->dose_left[d] = left;
    s->dose_next[d] = next;
  }
  for (int k = s->npending - 1; k >= 0; k--) drop_pending(s, k);
  int nr = s->p->nroots;
  if (s->root_time == NULL &&
      (s->root_time = muskx__calloc(2 * (size_t)nr + 1, sizeof(double))) == NULL)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory scheduling events");
  for (int r = 0; r < 2 * nr; r++) s->root_time[r] = NAN;
  memset(s->rootsfound, 0, (size_t)nr * sizeof *s->rootsfound);
  refresh_root_times(s, t0);
  return muskx__events_find_inert(s);
}

/* Moves the inputs to the interval starting at t; 1 when any input's value
   at t or slope differs from the previous interval's (a table that repeats
   a value changes nothing, and needs no restart). */
int muskx__events_inputs_changed_at(muskx_sim *s, double t) {
  int changed = 0;
  for (int i = 0; i < s->m->ninputs; i++) {
    double a, b;
    muskx__sim_input_coeffs(s, i, t, &a, &b);
    if (a + b * t != s->in_a[i] + s->in_b[i] * t || b != s->in_b[i])
      changed = 1;
    s->in_a[i] = a;
    s->in_b[i] = b;
    s->R[s->p->reg_input0 + i] = a + b * t;
  }
  return changed;
}

/* The integrator has put the state at tp, just past a root at which the
   state is s->y, into s->yprobe: conditions are judged there. */
void muskx__events_probe_set(muskx_sim *s, double tp) {
  s->probe_t = tp;
  s->probe_y = N_VGetArrayPointer(s->yprobe);
  /* remember how far the probe is from the root state, so that after an
     event jumps the state the probe can follow it (probe_follow) */
  const double *y = N_VGetArrayPointer(s->y);
  double *pd = s->scratch + s->m->nspecies + s->max_sets;
  for (int i = 0; i < s->m->nspecies; i++) pd[i] = s->probe_y[i] - y[i];
}

/* After an event assignment at a root (time t), the state just past the
   root lies on the new trajectory: y + (tp - t) f(t, y), with the
   right-hand side f after the assignments. Judging conditions there (not
   at y itself, where some g may be exactly 0) keeps a condition that is
   already true from being seen false and re-firing. The new slope, not the
   old probe's offset, decides: a ball reset to h = 0 moving up is above
   the floor just after, so `h < 0` is false again and the next fall is a
   new crossing (issue 16). Algebraic variables (DAE) keep their offset. */
static void probe_follow(muskx_sim *s, double t, const double *y) {
  double *p = N_VGetArrayPointer(s->yprobe);
  const double *pd = s->scratch + s->m->nspecies + s->max_sets;
  const muskx__prog *f = &s->p->rhs;
  double dt = s->probe_t - t;
  muskx__sim_eval(s, f, t, y);
  for (int i = 0; i < s->m->nspecies; i++)
    p[i] = s->m->species[i].algebraic || i >= f->nresults
               ? y[i] + pd[i]
               : y[i] + dt * s->R[f->results[i]];
}

void muskx__events_record(muskx_sim *s, double t, const double *y,
                          double *row) {
  int n = s->m->nspecies;
  if (s->ncolumns > 0) {
    muskx__sim_record_selected(s, t, y, row);
    return;
  }
  memcpy(row, y, (size_t)n * sizeof *y);
  if (s->have_out_keep) {
    /* only the outputs asked for (sim_outputs.c); the rest NaN */
    muskx__sim_fill_nan(row + n, s->m->noutputs);
    const muskx__prog *o = &s->out_keep;
    muskx__sim_eval(s, o, t, y);
    for (int32_t k = 0; k < o->nresults; k++)
      row[n + s->out_keep_idx[k]] = s->R[o->results[k]];
  } else if (s->m->noutputs > 0) {
    const muskx__prog *o = &s->p->outputs;
    muskx__sim_eval(s, o, t, y);
    for (int32_t k = 0; k < o->nresults; k++) row[n + k] = s->R[o->results[k]];
  }
}

/* ---- failure reports ---------------------------------------------------- */

muskx_status muskx__events_nonfinite_error(muskx_sim *s, const char *flagname) {
  const muskx_model *m = s->m;
  int sp = s->bad_result;
  s->fail_time = s->bad_time;
  /* find the reaction whose rate is not finite, for a precise message */
  muskx__sim_eval(s, &s->p->rates, s->bad_time, N_VGetArrayPointer(s->y));
  int32_t r = muskx__vm_first_nonfinite(&s->p->rates, s->R);
  if (r >= 0) {
    const muskx__reaction *rx = &m->reactions[r];
    return muskx__sim_err(s, MUSKX_ENONFINITE,
                          "t=%g: rate of reaction '%s' is not finite "
                          "(%s:%d:%d); d(%s)/dt could not be computed (%s)",
                          s->bad_time, rx->id,
                          rx->rate_loc.file ? rx->rate_loc.file : m->source,
                          rx->rate_loc.line, rx->rate_loc.col,
                          m->species[sp].name, flagname);
  }
  return muskx__sim_err(s, MUSKX_ENONFINITE, "t=%g: d(%s)/dt is not finite (%s)",
                        s->bad_time, m->species[sp].name, flagname);
}

const char *muskx__events_worst_species(const muskx_sim *s, const double *ele,
                                        const double *ewt) {
  const char *worst = "?";
  /* Only a positive, finite weighted error ranks: after a convergence
     failure at the smallest step CVODE's estimates are all 0, and "the
     first species" (a constant switch, say) would be a false lead. */
  double best = 0;
  for (int i = 0; ele != NULL && ewt != NULL && i < s->m->nspecies; i++)
    if (fabs(ele[i] * ewt[i]) > best && isfinite(ele[i] * ewt[i])) {
      best = fabs(ele[i] * ewt[i]);
      worst = s->m->species[i].name;
    }
  return worst;
}
