/*
 * param_steps.c -- parameters driven as step functions of time (issue 18:
 * a scenario phase may set any parameter of a model, e.g. a RANKL infusion
 * rate of an SBML model that declares no inputs). Each driven parameter
 * has a table (time, value): at the run start it takes the value of the
 * last row at or before the start, and at each later row time the solver
 * stops (muskx__events_next_stop) and it takes that row's value, like an
 * event that sets it; in between an event may still set it. Parameters
 * computed from a driven one (k2: 2*k) follow it at each step.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "vm.h"

void muskx__param_steps_clear(muskx_sim *s) {
  for (int i = 0; i < s->npsteps; i++) {
    muskx__free(s->psteps[i].times);
    muskx__free(s->psteps[i].values);
  }
  muskx__free(s->psteps);
  muskx__free(s->pstep_param);
  s->psteps = NULL;
  s->pstep_param = NULL;
  s->npsteps = 0;
}

muskx_status muskx__sim_param_steps(muskx_sim *s, int param, const double *times,
                                    const double *values, size_t n) {
  if (param < 0 || param >= s->p->nparamlike || n == 0)
    return muskx__sim_err(s, MUSKX_EINVAL, "no parameter %d or no steps", param);
  for (size_t k = 0; k < n; k++)
    if (!isfinite(times[k]) || !isfinite(values[k]) ||
        (k > 0 && !(times[k] > times[k - 1])))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "steps of a parameter need finite values at "
                            "increasing times (row %zu)", k);
  int i = 0;
  while (i < s->npsteps && s->pstep_param[i] != param) i++;
  if (i == s->npsteps) {
    muskx__table *t = muskx__reallocarray(s->psteps, (size_t)i + 1, sizeof *t);
    if (t != NULL) s->psteps = t;
    int *pp = t ? muskx__reallocarray(s->pstep_param, (size_t)i + 1, sizeof *pp) : NULL;
    if (pp == NULL) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
    s->pstep_param = pp;
    memset(&s->psteps[i], 0, sizeof s->psteps[i]);
    s->pstep_param[i] = param;
    s->npsteps++;
  }
  muskx__table *tb = &s->psteps[i];
  double *tt = muskx__calloc(n, sizeof *tt), *vv = muskx__calloc(n, sizeof *vv);
  if (tt == NULL || vv == NULL) {
    muskx__free(tt);
    muskx__free(vv);
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
  }
  memcpy(tt, times, n * sizeof *tt);
  memcpy(vv, values, n * sizeof *vv);
  muskx__free(tb->times);
  muskx__free(tb->values);
  tb->times = tt;
  tb->values = vv;
  tb->n = n;
  tb->interp = MUSKX_INTERP_STEP;
  return MUSKX_OK;
}

/* Row of the last time <= t, or -1 before the first. */
static long row_at(const muskx__table *tb, double t) {
  long lo = -1, hi = (long)tb->n;
  while (hi - lo > 1) {
    long mid = (lo + hi) / 2;
    if (tb->times[mid] <= t) lo = mid; else hi = mid;
  }
  return lo;
}

double muskx__param_steps_next(const muskx_sim *s, double t) {
  double next = INFINITY;
  for (int i = 0; i < s->npsteps; i++) {
    const muskx__table *tb = &s->psteps[i];
    long r = row_at(tb, t) + 1;
    if (r < (long)tb->n && tb->times[r] < next) next = tb->times[r];
  }
  return next;
}

/* Does program pr read register reg? */
static int reads(const muskx__prog *pr, int32_t reg) {
  for (int32_t k = 0; k < pr->ncode; k++) {
    const muskx__instr *in = &pr->code[k];
    if (in->b == reg || in->c == reg || in->d == reg) return 1;
  }
  return pr->nresults > 0 && pr->results[0] == reg;
}

int muskx__param_steps_apply(muskx_sim *s, double t) {
  const muskx__program *p = s->p;
  int changed = 0, any = 0;
  for (int i = 0; i < s->npsteps; i++) {
    const muskx__table *tb = &s->psteps[i];
    long r = row_at(tb, t);
    /* at the start, the value in force; later only at a row's own time,
       so that an event's assignment in between is not undone */
    if (r < 0 || (t != s->t_start && tb->times[r] != t)) continue;
    double *slot = &s->R[p->reg_param0 + s->pstep_param[i]];
    changed |= *slot != tb->values[r];
    *slot = tb->values[r];
    any = 1;
  }
  if (!any) return 0;
  /* parameters computed from a driven one follow it, in the order the
     start computes them (muskx__sim_load_values) */
  uint8_t *dirty = muskx__calloc((size_t)p->nparamlike + 1, 1);
  if (dirty == NULL) return -1;
  for (int i = 0; i < s->npsteps; i++) dirty[s->pstep_param[i]] = 1;
  for (int i = 0; i < p->nparamlike; i++) {
    if (dirty[i] || s->param_set[i]) continue;
    const muskx__prog *pr = &p->init_param[i];
    int depends = 0;
    for (int j = 0; j < p->nparamlike && !depends; j++)
      depends = dirty[j] && reads(pr, p->reg_param0 + j);
    if (!depends) continue;
    muskx__vm_run(pr, s->R);
    double v = s->R[pr->results[0]];
    changed |= s->R[p->reg_param0 + i] != v;
    s->R[p->reg_param0 + i] = v;
    dirty[i] = 1;
  }
  muskx__free(dirty);
  return changed;
}
