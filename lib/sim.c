/*
 * sim.c -- simulation handles: creation, settings by name or index, and
 * the evaluation helpers the solver and steady-state code share.
 *
 * Invariant: settings are only ever read at the start of a run or a
 * steady-state computation, so changing them between runs is always safe,
 * and a failed setter leaves every setting as it was.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "vm_native.h"
#include "vm.h"

muskx_status muskx__sim_err(muskx_sim *s, muskx_status st, const char *fmt,
                            ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
  return st;
}

static muskx_status ok(muskx_sim *s) {
  s->errmsg[0] = '\0';
  return MUSKX_OK;
}

static void table_free(muskx__table *t) {
  muskx__free(t->times);
  muskx__free(t->values);
  memset(t, 0, sizeof *t);
}

/* Copies a table; returns 0 or -1 on allocation failure. */
static int table_set(muskx__table *t, const double *times,
                     const double *values, size_t n, muskx_interp interp) {
  muskx__table nt = {n, NULL, NULL, interp};
  if (n > 0) {
    nt.times = muskx__calloc(n, sizeof *nt.times);
    nt.values = muskx__calloc(n, sizeof *nt.values);
    if (nt.times == NULL || nt.values == NULL) {
      table_free(&nt);
      return -1;
    }
    memcpy(nt.times, times, n * sizeof *times);
    memcpy(nt.values, values, n * sizeof *values);
  }
  table_free(t);
  *t = nt;
  return 0;
}

static int settings_defaults(muskx_sim *s) {
  const muskx_model *m = s->m;
  int np = s->p->nparamlike;
  memset(s->param_set, 0, (size_t)np + 1);
  memset(s->init_set, 0, (size_t)m->nspecies + 1);
  memset(s->init_ss, 0, (size_t)m->nspecies + 1);
  for (int i = 0; i < m->nspecies; i++) s->atol_species[i] = NAN;
  for (int i = 0; i < m->ninputs; i++) {
    const muskx__input *in = &m->inputs[i];
    s->input_const[i] = in->def;
    if (table_set(&s->inputs[i], in->times, in->values, in->n, in->interp))
      return -1;
  }
  s->ndoses = 0;
  s->continuing = 0;
  s->scenario_start = 0;
  muskx__param_steps_clear(s);
  return 0;
}

muskx_status muskx_sim_create(const muskx_model *m, muskx_sim **out) {
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  if (m == NULL || m->program == NULL) return MUSKX_EINVAL;
  muskx_sim *s = muskx__calloc(1, sizeof *s);
  if (s == NULL) return MUSKX_ENOMEM;
  const muskx__program *p = m->program;
  size_t ns = (size_t)m->nspecies + 1, np = (size_t)p->nparamlike + 1;
  size_t ni = (size_t)m->ninputs + 1, ne = (size_t)m->nevents + 1;
  int maxsets = 0;
  for (int e = 0; e < m->nevents; e++)
    if (m->events[e].nsets > maxsets) maxsets = m->events[e].nsets;
  s->m = m;
  s->p = p;
  s->ls_built = -1;
  s->dae_ls_built = -1;
  s->rtol = 1e-6;
  s->atol = 1e-9;
  s->max_steps = 100000;
  s->stability = MUSKX_UNKNOWN;
  s->steady_resid = NAN;
  s->fail_time = NAN;
  s->R = muskx__calloc((size_t)p->nregs + 1, sizeof *s->R);
  s->param_user = muskx__calloc(np, sizeof(double));
  s->param_set = muskx__calloc(np, 1);
  s->init_user = muskx__calloc(ns, sizeof(double));
  s->init_set = muskx__calloc(ns, 1);
  s->init_ss = muskx__calloc(ns, 1);
  s->inputs = muskx__calloc(ni, sizeof *s->inputs);
  s->input_const = muskx__calloc(ni, sizeof(double));
  s->atol_species = muskx__calloc(ns, sizeof(double));
  s->in_a = muskx__calloc(ni, sizeof(double));
  s->in_b = muskx__calloc(ni, sizeof(double));
  s->prev_trigger = muskx__calloc(ne, 1);
  s->ev_next = muskx__calloc(ne, sizeof(double));
  s->ev_left = muskx__calloc(ne, sizeof(long));
  s->ev_every = muskx__calloc(ne, sizeof(double));
  s->ev_until = muskx__calloc(ne, sizeof(double));
  s->max_sets = maxsets + 2; /* set values, delay, priority */
  s->scratch = muskx__calloc(2 * ns + (size_t)s->max_sets, sizeof(double));
  s->rootsfound = muskx__calloc((size_t)p->nroots + 1, sizeof(int));
  if (!s->R || !s->param_user || !s->param_set || !s->init_user ||
      !s->init_set || !s->init_ss || !s->inputs || !s->input_const || !s->atol_species ||
      !s->in_a || !s->in_b || !s->prev_trigger || !s->ev_next ||
      !s->ev_left || !s->ev_every || !s->ev_until || !s->scratch ||
      !s->rootsfound || SUNContext_Create(NULL, &s->ctx) != 0) {
    muskx_sim_free(s);
    return MUSKX_ENOMEM;
  }
  memcpy(s->R, p->consts, (size_t)p->nconst * sizeof *s->R);
  if (settings_defaults(s) != 0 ||
      (p->ndelays > 0 && muskx__delay_reset(s) != MUSKX_OK)) {
    muskx_sim_free(s);
    return MUSKX_ENOMEM;
  }
  *out = s;
  return MUSKX_OK;
}

void muskx_sim_free(muskx_sim *s) {
  if (s == NULL) return;
  muskx__dae_free(s);
  muskx__sens_free(s);
  muskx__solver_free(s);
  muskx__delay_free(s);
  muskx__param_steps_clear(s);
  muskx__sim_columns_free(s);
  muskx__sim_keep_outputs(s, NULL, -1);
  if (s->ctx) SUNContext_Free(&s->ctx);
  for (int i = 0; s->inputs && i < s->m->ninputs; i++)
    table_free(&s->inputs[i]);
  for (int i = 0; i < s->npending; i++) muskx__free(s->pending[i].values);
  void *arrays[] = {s->R, s->param_user, s->param_set, s->init_user,
                    s->init_set, s->init_ss, s->inputs, s->input_const, s->atol_species,
                    s->in_a, s->in_b, s->prev_trigger, s->ev_next,
                    s->ev_left, s->ev_every, s->ev_until, s->scratch,
                    s->rootsfound, s->doses, s->pending, s->dose_left,
                    s->dose_next, s->root_time, s->cons_a, s->cons_ipiv, s->eig_re, s->eig_im,
                    s->ev_inert, s->native_cache};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
    muskx__free(arrays[i]);
  muskx__free(s);
}

const char *muskx_sim_errmsg(const muskx_sim *s) {
  return s == NULL ? "no simulation (NULL handle)" : s->errmsg;
}

double muskx_sim_fail_time(const muskx_sim *s) {
  return s == NULL ? NAN : s->fail_time;
}

muskx_status muskx_sim_reset(muskx_sim *s) {
  if (s == NULL) return MUSKX_EINVAL;
  if (settings_defaults(s) != 0)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory resetting inputs");
  s->fail_time = NAN;
  return ok(s);
}

static muskx_status check_value(muskx_sim *s, const char *what,
                                const char *name, double v) {
  if (!isfinite(v))
    return muskx__sim_err(s, MUSKX_EINVAL, "value for %s '%s' is not finite",
                          what, name);
  return MUSKX_OK;
}

muskx_status muskx_sim_set_param_index(muskx_sim *s, int i, double v) {
  if (s == NULL) return MUSKX_EINVAL;
  if (i < 0 || i >= s->p->nparamlike)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no parameter with index %d", i);
  const char *name = i < s->m->nparams ? s->m->params[i].name
                                       : s->m->compartments[i - s->m->nparams].name;
  muskx_status st = check_value(s, "parameter", name, v);
  if (st != MUSKX_OK) return st;
  if (i < s->m->nparams) {
    const muskx__param *pa = &s->m->params[i];
    if (v < pa->min || v > pa->max)
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "value %g for parameter '%s' is outside its range "
                            "[%g, %g]", v, name, pa->min, pa->max);
  } else if (v <= 0) {
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "volume of compartment '%s' must be > 0, got %g",
                          name, v);
  }
  s->param_user[i] = v;
  s->param_set[i] = 1;
  return ok(s);
}

muskx_status muskx_sim_set_param(muskx_sim *s, const char *name, double v) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  int i = muskx_model_find(s->m, MUSKX_PARAMETER, name);
  if (i < 0) {
    int c = muskx_model_find(s->m, MUSKX_COMPARTMENT, name);
    if (c < 0)
      return muskx__sim_err(s, MUSKX_ENOTFOUND, "no parameter named '%s'",
                            name);
    i = s->m->nparams + c;
  }
  return muskx_sim_set_param_index(s, i, v);
}

muskx_status muskx_sim_set_initial_index(muskx_sim *s, int i, double v) {
  if (s == NULL) return MUSKX_EINVAL;
  if (i < 0 || i >= s->m->nspecies)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no species with index %d", i);
  muskx_status st = check_value(s, "species", s->m->species[i].name, v);
  if (st != MUSKX_OK) return st;
  if (s->m->species[i].nonnegative && v < 0)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "initial value %g of nonnegative species '%s' is "
                          "negative", v, s->m->species[i].name);
  s->init_user[i] = v;
  s->init_set[i] = 1;
  s->init_ss[i] = 0;
  return ok(s);
}

muskx_status muskx_sim_set_initial(muskx_sim *s, const char *name, double v) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  int i = muskx_model_find(s->m, MUSKX_SPECIES, name);
  if (i < 0)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no species named '%s'", name);
  return muskx_sim_set_initial_index(s, i, v);
}

/* An input's declared min/max (muskx-model(5)): a scenario checks its
   values at load; this catches the rest (--vary draws, --params-csv
   columns, muskx simulate --set), which ran silently outside it. */
static muskx_status check_input_range(muskx_sim *s, int i, double v) {
  const muskx__input *in = &s->m->inputs[i];
  if ((in->has_min && v < in->min) || (in->has_max && v > in->max))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "value %g of input '%s' lies outside the range "
                          "[%g, %g] the model declares for it", v, in->name,
                          in->has_min ? in->min : -HUGE_VAL,
                          in->has_max ? in->max : HUGE_VAL);
  return MUSKX_OK;
}

muskx_status muskx_sim_set_input(muskx_sim *s, const char *name, double v) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  int i = muskx_model_find(s->m, MUSKX_INPUT, name);
  if (i < 0)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no input named '%s'", name);
  muskx_status st = check_value(s, "input", name, v);
  if (st != MUSKX_OK) return st;
  if ((st = check_input_range(s, i, v)) != MUSKX_OK) return st;
  table_free(&s->inputs[i]);
  s->input_const[i] = v;
  return ok(s);
}

muskx_status muskx_sim_set_input_table(muskx_sim *s, const char *name,
                                       const double *times,
                                       const double *values, size_t n,
                                       muskx_interp interp) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  int i = muskx_model_find(s->m, MUSKX_INPUT, name);
  if (i < 0)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no input named '%s'", name);
  if (n == 0 || times == NULL || values == NULL)
    return muskx__sim_err(s, MUSKX_EINVAL, "table for input '%s' is empty",
                          name);
  if (interp != MUSKX_INTERP_STEP && interp != MUSKX_INTERP_LINEAR)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "unknown interpolation %d for input '%s'",
                          (int)interp, name);
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(times[k]) || !isfinite(values[k]))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "table for input '%s' has a non-finite entry at "
                            "row %zu", name, k);
    if (k > 0 && !(times[k] > times[k - 1]))
      return muskx__sim_err(s, MUSKX_EINVAL,
                            "table times for input '%s' must increase "
                            "strictly (row %zu: %g after %g)",
                            name, k, times[k], times[k - 1]);
    muskx_status st = check_input_range(s, i, values[k]);
    if (st != MUSKX_OK) return st;
  }
  if (table_set(&s->inputs[i], times, values, n, interp))
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory copying table");
  s->input_const[i] = values[0];
  return ok(s);
}

muskx_status muskx_sim_set(muskx_sim *s, const char *name, double v) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  if (muskx_model_find(s->m, MUSKX_PARAMETER, name) >= 0 ||
      muskx_model_find(s->m, MUSKX_COMPARTMENT, name) >= 0)
    return muskx_sim_set_param(s, name, v);
  if (muskx_model_find(s->m, MUSKX_SPECIES, name) >= 0)
    return muskx_sim_set_initial(s, name, v);
  if (muskx_model_find(s->m, MUSKX_INPUT, name) >= 0)
    return muskx_sim_set_input(s, name, v);
  return muskx__sim_err(s, MUSKX_ENOTFOUND,
                        "'%s' is not a parameter, compartment, species or "
                        "input of model '%s'", name, s->m->id);
}

muskx_status muskx_sim_add_dose(muskx_sim *s, const char *target, double t0,
                                double amount, double every, int count) {
  if (s == NULL || target == NULL) return MUSKX_EINVAL;
  int sp = muskx_model_find(s->m, MUSKX_SPECIES, target);
  if (sp < 0)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no species named '%s' to dose",
                          target);
  if (!isfinite(t0) || !isfinite(amount) || !isfinite(every))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "dose of '%s' has a non-finite time, amount or "
                          "interval", target);
  if (every > 0 && count < 1)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "repeated dose of '%s' needs count >= 1, got %d",
                          target, count);
  /* every -1 with count 3 gave one dose without a word */
  if (every < 0 || (every == 0 && count != 1))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "dose of '%s': every %g with count %d (a single "
                          "dose is every 0 and count 1, a repeated one "
                          "every > 0)", target, every, count);
  if (s->ndoses == s->cap_doses) {
    int nc = s->cap_doses ? s->cap_doses * 2 : 8;
    muskx__dose *d = muskx__reallocarray(s->doses, (size_t)nc, sizeof *d);
    if (d == NULL) return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory");
    s->doses = d;
    s->cap_doses = nc;
  }
  muskx__dose d = {sp, t0, amount, every, every > 0 ? count : 1};
  s->doses[s->ndoses++] = d;
  return ok(s);
}

muskx_status muskx_sim_set_continuing(muskx_sim *s, int continuing) {
  if (s == NULL) return MUSKX_EINVAL;
  s->continuing = continuing != 0;
  return ok(s);
}

muskx_status muskx_sim_clear_doses(muskx_sim *s) {
  if (s == NULL) return MUSKX_EINVAL;
  s->ndoses = 0;
  return ok(s);
}

/* The loosest relative tolerance accepted (see muskx_sim_set_tolerances). */
#define MUSKX__MAX_RTOL 1e-2

muskx_status muskx_sim_set_tolerances(muskx_sim *s, double rtol, double atol) {
  if (s == NULL) return MUSKX_EINVAL;
  if (!(rtol > 0) || !(atol > 0) || !isfinite(rtol) || !isfinite(atol))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "tolerances must be finite with rtol > 0 and "
                          "atol > 0 (got rtol=%g, atol=%g)", rtol, atol);
  /* Looser than this, CVODE's error control no longer keeps a stiff
     problem's answer meaningful: Robertson's problem at rtol 0.1 returns
     A + B + C far from 1 with status OK (issue 9). Refuse rather than
     return silently wrong numbers; the CVODE guide advises rtol <= 1e-3. */
  if (rtol > MUSKX__MAX_RTOL)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "rtol %g is too loose for reliable results (at "
                          "most %g; 1e-6 is the default, 1e-3 the loosest "
                          "the CVODE guide advises)", rtol, MUSKX__MAX_RTOL);
  s->rtol = rtol;
  s->atol = atol;
  return ok(s);
}

muskx_status muskx_sim_set_atol_species(muskx_sim *s, const char *name,
                                        double atol) {
  if (s == NULL || name == NULL) return MUSKX_EINVAL;
  int i = muskx_model_find(s->m, MUSKX_SPECIES, name);
  if (i < 0)
    return muskx__sim_err(s, MUSKX_ENOTFOUND, "no species named '%s'", name);
  if (!(atol > 0) || !isfinite(atol))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "absolute tolerance for '%s' must be > 0, got %g",
                          name, atol);
  s->atol_species[i] = atol;
  return ok(s);
}

muskx_status muskx_sim_set_linear_solver(muskx_sim *s, muskx_linear_solver ls) {
  if (s == NULL) return MUSKX_EINVAL;
  if (ls < MUSKX_LS_AUTO || ls > MUSKX_LS_SPGMR)
    return muskx__sim_err(s, MUSKX_EINVAL, "unknown linear solver %d", (int)ls);
  s->ls = ls;
  return ok(s);
}

muskx_status muskx_sim_set_max_steps(muskx_sim *s, long steps) {
  if (s == NULL) return MUSKX_EINVAL;
  if (steps < 1)
    return muskx__sim_err(s, MUSKX_EINVAL, "max steps must be >= 1, got %ld",
                          steps);
  s->max_steps = steps;
  return ok(s);
}

muskx_status muskx_sim_set_max_step(muskx_sim *s, double hmax) {
  if (s == NULL) return MUSKX_EINVAL;
  if (!(hmax >= 0) || !isfinite(hmax))
    return muskx__sim_err(s, MUSKX_EINVAL, "max step must be >= 0, got %g",
                          hmax);
  s->hmax = hmax;
  return ok(s);
}

long muskx_sim_stat(const muskx_sim *s, muskx_stat which) {
  if (s == NULL || (int)which < 0 || (int)which >= MUSKX__NSTATS) return -1;
  return s->stats[which];
}

void muskx__sim_load_values(muskx_sim *s, double *y0) {
  const muskx__program *p = s->p;
  double *R = s->R;
  for (int i = 0; i < p->nparamlike; i++) {
    double v;
    if (s->param_set[i]) {
      v = s->param_user[i];
    } else {
      muskx__vm_run(&p->init_param[i], R);
      v = R[p->init_param[i].results[0]];
    }
    R[p->reg_param0 + i] = v;
  }
  muskx__sim_inputs_at(s, s->t_start);
  R[p->reg_time] = s->t_start;
  for (int i = 0; i < s->m->nspecies; i++) {
    double v;
    if (s->init_set[i]) {
      v = s->init_user[i];
    } else {
      muskx__vm_run(&p->init_species[i], R);
      v = R[p->init_species[i].results[0]];
    }
    R[p->reg_state0 + i] = v;
    y0[i] = v;
  }
}

void muskx__sim_input_coeffs(const muskx_sim *s, int i, double t, double *ap,
                             double *bp) {
  const muskx__table *tb = &s->inputs[i];
  double a = s->input_const[i], b = 0.0;
  if (tb->n > 0) {
    /* Last table time <= t (binary search); flat outside the table. */
    size_t lo = 0, hi = tb->n;
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (tb->times[mid] <= t) lo = mid; else hi = mid;
    }
    if (t < tb->times[0]) {
      a = tb->values[0];
    } else if (tb->interp == MUSKX_INTERP_LINEAR && lo + 1 < tb->n) {
      double slope = (tb->values[lo + 1] - tb->values[lo]) /
                     (tb->times[lo + 1] - tb->times[lo]);
      a = tb->values[lo] - slope * tb->times[lo];
      b = slope;
    } else {
      a = tb->values[lo];
    }
  }
  *ap = a;
  *bp = b;
}

void muskx__sim_inputs_at(muskx_sim *s, double t) {
  for (int i = 0; i < s->m->ninputs; i++) {
    muskx__sim_input_coeffs(s, i, t, &s->in_a[i], &s->in_b[i]);
    s->R[s->p->reg_input0 + i] = s->in_a[i] + s->in_b[i] * t;
  }
}

/* prog on the register file: its native code when the sim has some. */
muskx_status muskx__sim_set_native(muskx_sim *s, const muskx__native *n) {
  double *c = n != NULL ? muskx__calloc((size_t)n->ncache + 1, sizeof *c)
                        : NULL;
  if (n != NULL && c == NULL) return MUSKX_ENOMEM;
  muskx__free(s->native_cache);
  s->native_cache = c;
  s->native = n;
  s->native_checked = 0;
  if (s->LS != NULL) muskx__klu_ls_set_gen(s->LS, n != NULL ? n->klu : NULL);
  /* the kept outputs too, when they are the very program n compiled */
  const muskx__prog *k = n != NULL ? &n->kept : NULL, *o = &s->out_keep;
  s->native_out =
      k != NULL && n->out != NULL && s->have_out_keep &&
      k->ncode == o->ncode && k->nresults == o->nresults &&
      memcmp(k->code, o->code, (size_t)o->ncode * sizeof *o->code) == 0 &&
      memcmp(k->results, o->results,
             (size_t)o->nresults * sizeof *o->results) == 0;
  return MUSKX_OK;
}

static void run_prog(const muskx_sim *s, const muskx__prog *prog) {
  if (s->native != NULL && prog == &s->p->rhs)
    s->native->rhs(s->R, s->native_cache);
  else if (s->native != NULL && prog == &s->p->jac)
    s->native->jac(s->R, s->native_cache);
  else if (s->native_out && prog == &s->out_keep)
    s->native->out(s->R, s->native_cache);
  else
    muskx__vm_run(prog, s->R);
}

void muskx__sim_eval(muskx_sim *s, const muskx__prog *prog, double t,
                     const double *y) {
  const muskx__program *p = s->p;
  double *R = s->R;
  if (p->ndelays > 0) { /* leaves (t, inputs, y) in the registers */
    muskx__delay_update(s, t, y);
    run_prog(s, prog);
    return;
  }
  R[p->reg_time] = t;
  for (int i = 0; i < s->m->ninputs; i++)
    R[p->reg_input0 + i] = s->in_a[i] + s->in_b[i] * t;
  if (y != NULL)
    memcpy(R + p->reg_state0, y, (size_t)s->m->nspecies * sizeof *y);
  run_prog(s, prog);
}

int muskx__sim_eval_rhs_to(muskx_sim *s, double t, const double *y,
                           double *dy) {
  const muskx__program *p = s->p;
  if (s->native == NULL || s->native->rhs_dy == NULL ||
      s->native->rhs_dy_cached == NULL || p->ndelays > 0)
    return 0;
  double *R = s->R;
  R[p->reg_time] = t;
  for (int i = 0; i < s->m->ninputs; i++)
    R[p->reg_input0 + i] = s->in_a[i] + s->in_b[i] * t;
  memcpy(R + p->reg_state0, y, (size_t)s->m->nspecies * sizeof *y);
  /* During a run parameters change only where events fire (events,
     phases, doses, parameter steps: muskx__events_fire_due, which clears
     native_checked, as the run's start does; the API acts between runs),
     so after one checked call the cached part stays valid until then, and
     the other calls skip comparing the parameters it read (346 on the ISS
     crew model, 2 % of a member's instructions). */
  if (s->native_checked) {
    s->native->rhs_dy_cached(R, s->native_cache, dy);
  } else {
    s->native->rhs_dy(R, s->native_cache, dy);
    s->native_checked = 1;
  }
  return 1;
}

muskx_status muskx_sim_eval_rhs(muskx_sim *s, double t, const double *y,
                                double *dydt, double *jac) {
  if (s == NULL || y == NULL || dydt == NULL) return MUSKX_EINVAL;
  const muskx__program *p = s->p;
  int n = s->m->nspecies;
  double *y0 = s->scratch;
  muskx__sim_load_values(s, y0);
  muskx__sim_inputs_at(s, t);
  muskx__sim_eval(s, &p->rhs, t, y);
  for (int i = 0; i < n; i++) dydt[i] = s->R[p->rhs.results[i]];
  if (jac != NULL) {
    muskx__sim_eval(s, &p->jac, t, y);
    memset(jac, 0, (size_t)n * (size_t)n * sizeof *jac);
    for (int j = 0; j < n; j++)
      for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++)
        jac[(size_t)j * (size_t)n + (size_t)p->jac_rowind[k]] =
            s->R[p->jac.results[k]];
  }
  return ok(s);
}

/* A species' absolute tolerance: muskx_sim_set_atol_species()'s, else the
   run's atol, plus rtol times the magnitude the model declares typical of
   it (`typical:`, muskx-model(5)), so that a species that is small next to
   that magnitude (a signal that decays towards 0, a damage index) is not
   resolved far beyond the accuracy of what it acts on; it tightens with
   rtol. Without `typical:` exactly atol, as before. */
double muskx__sim_atol(const muskx_sim *s, int i) {
  if (!isnan(s->atol_species[i])) return s->atol_species[i];
  double typ = s->m->species[i].typical;
  return typ > 0 ? s->atol + s->rtol * typ : s->atol;
}

muskx_status muskx__sim_tolerance_vectors(muskx_sim *s, int n, int *any_nonneg) {
  const muskx_model *m = s->m;
  double *at = N_VGetArrayPointer(s->abstol);
  *any_nonneg = 0;
  at[0] = s->atol; /* the placeholder state when there are no species */
  for (int i = 0; i < m->nspecies; i++) {
    at[i] = muskx__sim_atol(s, i);
    *any_nonneg |= m->species[i].nonnegative;
  }
  if (*any_nonneg && s->constraints == NULL) {
    s->constraints = muskx__nvector_new(n, s->ctx);
    if (s->constraints == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (constraints)");
    double *c = N_VGetArrayPointer(s->constraints);
    for (int i = 0; i < m->nspecies; i++)
      c[i] = m->species[i].nonnegative ? 1.0 : 0.0;
  }
  return MUSKX_OK;
}
