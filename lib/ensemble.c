/*
 * ensemble.c -- virtual populations: N simulations of one shared model on a
 * pool of POSIX threads, each sample with values drawn from (seed, sample)
 * by the counter-based generator of rng.c (issue 8).
 *
 * Why the results do not depend on the thread count: a sample's values are
 * a pure function of (seed, sample index, table row); each sample starts
 * from muskx_sim_reset() (or the scenario's full configuration) on its
 * thread's private muskx_sim, so nothing of an earlier sample leaks into
 * it; and each sample writes only its own slots of the result arrays.
 * Threads take the next sample index under a mutex, so which thread runs a
 * sample varies between runs, but what it computes does not.
 *
 * Threading model (include/muskx.h): the model is read-only and shared;
 * the ensemble is written by its workers only in disjoint result slots and
 * in the pool's counters, which the mutex protects. Progress is reported
 * on the calling thread only.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "ensemble.h"
#include "qsketch.h"
#include "rng.h"
#include "scenario.h"
#include "sim.h"
#include "vm_native.h"
#include "pool_wait.h"

muskx_status muskx__ens_err(muskx_ensemble *e, muskx_status st,
                            const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
  va_end(ap);
  return st;
}

static muskx_status ok(muskx_ensemble *e) {
  e->errmsg[0] = '\0';
  return MUSKX_OK;
}

/* The default per-sample configuration: defaults, then the values. */
muskx_status muskx__ens_apply_plain(const muskx_ensemble *e, muskx_sim *sim,
                                    const double *values) {
  muskx_status st = muskx_sim_reset(sim);
  for (int j = 0; st == MUSKX_OK && j < e->nvars; j++)
    st = muskx_sim_set(sim, e->vars[j].name, values[j]);
  return st;
}

muskx_status muskx_ensemble_create(const muskx_model *model,
                                   muskx_ensemble **out) {
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  if (model == NULL) return MUSKX_EINVAL;
  muskx_ensemble *e = muskx__calloc(1, sizeof *e);
  if (e == NULL) return MUSKX_ENOMEM;
  e->m = model;
  e->apply = muskx__ens_apply_plain;
  e->budget = SIZE_MAX;
  e->sketch_k = MUSKX__ENS_DEFAULT_K;
  *out = e;
  return MUSKX_OK;
}

static void results_free(muskx_ensemble *e) {
  for (size_t k = 0; e->msgs != NULL && k < e->count; k++)
    muskx__free(e->msgs[k]);
  muskx__free(e->msgs);
  muskx__free(e->traj);
  muskx__free(e->values);
  muskx__free(e->status);
  e->sketch = NULL; /* its storage, sk_run, stays for the next run */
  e->msgs = NULL;
  e->traj = e->values = NULL;
  e->status = NULL;
  e->first = e->count = e->ntimes = e->nfailed = 0;
}

void muskx_ensemble_free(muskx_ensemble *e) {
  if (e == NULL) return;
  results_free(e);
  for (int j = 0; j < e->nvars; j++) muskx__free(e->vars[j].name);
  muskx__free(e->vars);
  muskx__free(e->table);
  muskx__free(e->cols);
  muskx_qsketch_free(e->sk_run);
  muskx_qsketch_free(e->sk_part);
  muskx__native_free(e->native);
  muskx__free(e);
}

const char *muskx_ensemble_errmsg(const muskx_ensemble *e) {
  return e == NULL ? "no ensemble (NULL handle)" : e->errmsg;
}

/* ---------------------------------------------------------- what varies */

/* Checks that name is something muskx_sim_set() accepts. */
static muskx_status check_settable(muskx_ensemble *e, const char *name) {
  if (muskx_model_find(e->m, MUSKX_PARAMETER, name) >= 0 ||
      muskx_model_find(e->m, MUSKX_COMPARTMENT, name) >= 0 ||
      muskx_model_find(e->m, MUSKX_SPECIES, name) >= 0 ||
      muskx_model_find(e->m, MUSKX_INPUT, name) >= 0)
    return MUSKX_OK;
  /* the name in another case, an input's aka:, or one within two edits
     (session 24: --vary kappa_r for kappa_R got no hint) */
  static const muskx_kind kinds[] = {MUSKX_PARAMETER, MUSKX_COMPARTMENT,
                                     MUSKX_SPECIES, MUSKX_INPUT};
  const char *near = muskx__sc_near_name(e->m, kinds, 4, name);
  char hint[MUSKX_ERROR_MESSAGE_MAX / 4];
  return muskx__ens_err(e, MUSKX_ENOTFOUND,
                        "'%s' is not a parameter, compartment, species or "
                        "input of model '%s'%s", name, muskx_model_id(e->m),
                        muskx__sc_suggest(hint, sizeof hint, name, near,
                                          "names"));
}

static int find_var(const muskx_ensemble *e, const char *name) {
  for (int j = 0; j < e->nvars; j++)
    if (strcmp(e->vars[j].name, name) == 0) return j;
  return -1;
}

/* Appends a var; its name is copied. NULL on ENOMEM (error recorded). */
static muskx__ens_var *add_var(muskx_ensemble *e, const char *name) {
  if (e->nvars == e->cap_vars) {
    int cap = e->cap_vars ? 2 * e->cap_vars : 8;
    muskx__ens_var *v = muskx__reallocarray(e->vars, (size_t)cap, sizeof *v);
    if (v == NULL) return NULL;
    e->vars = v;
    e->cap_vars = cap;
  }
  muskx__ens_var *v = &e->vars[e->nvars];
  memset(v, 0, sizeof *v);
  v->name = muskx__strdup(name);
  if (v->name == NULL) return NULL;
  e->nvars++;
  return v;
}

#define SQRT2 1.4142135623730950488

/* The share of dist(p1, p2)'s draws that falls outside [lo, hi]. */
static double share_outside(muskx_distribution dist, double p1, double p2,
                            double lo, double hi) {
  switch (dist) {
    case MUSKX_DIST_UNIFORM:
      if (p1 >= lo && p2 <= hi) return 0;
      if (p2 == p1) return 1;
      return (fmax(0, fmin(lo, p2) - p1) + fmax(0, p2 - fmax(hi, p1))) /
             (p2 - p1);
    case MUSKX_DIST_NORMAL:
      if (p2 == 0) return p1 < lo || p1 > hi;
      return 0.5 * erfc((p1 - lo) / (p2 * SQRT2)) +
             0.5 * erfc((hi - p1) / (p2 * SQRT2));
    case MUSKX_DIST_LOGNORMAL: {
      double mu = log(p1), sigma = sqrt(log1p(p2 * p2));
      double below = lo <= 0 ? 0
                     : sigma == 0 ? (p1 < lo)
                                  : 0.5 * erfc((mu - log(lo)) / (sigma * SQRT2));
      double above = hi == INFINITY ? 0
                     : hi <= 0      ? 1
                     : sigma == 0   ? (p1 > hi)
                                    : 0.5 * erfc((log(hi) - mu) / (sigma * SQRT2));
      return below + above;
    }
    default: return 0;
  }
}

/* A parameter's or an input's declared min and max (muskx-model(5))
   against the distribution: every draw outside them would fail its sample
   when muskx_sim_set() refuses it, so a distribution of which more than
   0.1 % lies outside is refused up front (review rev27u M2, L10: uniform(0.2,
   1.6) for a bioavailability of at most 1 silently lost the sets above 1
   from the bands; session 28: bedrest, declared in [0, 1], drawn from
   uniform(-1, 1) failed half the members one by one and the run went on
   with the rest). The rarer draws outside still fail alone. */
static muskx_status check_support(muskx_ensemble *e, const char *name,
                                  muskx_distribution dist, double p1,
                                  double p2) {
  double lo, hi;
  const char *kind;
  int i = muskx_model_find(e->m, MUSKX_PARAMETER, name);
  if (i >= 0) {
    lo = e->m->params[i].min;
    hi = e->m->params[i].max;
    kind = "parameter";
  } else if ((i = muskx_model_find(e->m, MUSKX_INPUT, name)) >= 0) {
    const muskx__input *in = &e->m->inputs[i];
    lo = in->has_min ? in->min : -INFINITY;
    hi = in->has_max ? in->max : INFINITY;
    kind = "input";
  } else {
    return MUSKX_OK;
  }
  double out = share_outside(dist, p1, p2, lo, hi);
  if (!(out > 1e-3)) return MUSKX_OK;
  static const char *const dn[] = {"normal", "lognormal", "uniform"};
  return muskx__ens_err(
      e, MUSKX_EINVAL,
      "%s(%g, %g) for '%s': %.3g %% of its draws lie outside the %s's "
      "declared range [%g, %g], and those sets would fail: %s",
      dn[dist], p1, p2, name, 100 * out, kind, lo, hi,
      dist == MUSKX_DIST_UNIFORM
          ? "keep low and high within the range"
          : "narrow the distribution, or use uniform(low,high) within the "
            "range");
}

muskx_status muskx_ensemble_vary(muskx_ensemble *e, const char *name,
                                 muskx_distribution dist, double p1,
                                 double p2) {
  if (e == NULL) return MUSKX_EINVAL;
  if (name == NULL) return muskx__ens_err(e, MUSKX_EINVAL, "no name to vary");
  muskx_status st = check_settable(e, name);
  if (st != MUSKX_OK) return st;
  if (find_var(e, name) >= 0)
    return muskx__ens_err(e, MUSKX_EINVAL, "'%s' is already varied", name);
  if (!isfinite(p1) || !isfinite(p2))
    return muskx__ens_err(e, MUSKX_EINVAL,
                          "distribution of '%s' has a non-finite parameter",
                          name);
  switch (dist) {
    case MUSKX_DIST_NORMAL:
      if (p2 < 0)
        return muskx__ens_err(e, MUSKX_EINVAL,
                              "normal(%g, %g) for '%s': the standard "
                              "deviation must be >= 0", p1, p2, name);
      break;
    case MUSKX_DIST_LOGNORMAL:
      if (!(p1 > 0) || p2 < 0)
        return muskx__ens_err(e, MUSKX_EINVAL,
                              "lognormal(%g, %g) for '%s': the median must "
                              "be > 0 and the cv >= 0", p1, p2, name);
      break;
    case MUSKX_DIST_UNIFORM:
      if (p2 < p1)
        return muskx__ens_err(e, MUSKX_EINVAL,
                              "uniform(%g, %g) for '%s': low must not "
                              "exceed high", p1, p2, name);
      break;
    default:
      return muskx__ens_err(e, MUSKX_EINVAL, "unknown distribution %d for '%s'",
                            (int)dist, name);
  }
  st = check_support(e, name, dist, p1, p2);
  if (st != MUSKX_OK) return st;
  muskx__ens_var *v = add_var(e, name);
  if (v == NULL)
    return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory varying '%s'", name);
  v->dist = dist;
  v->p1 = p1;
  v->p2 = p2;
  if (dist == MUSKX_DIST_LOGNORMAL) {
    /* median m, cv c: log X ~ N(log m, s^2) with c^2 = exp(s^2) - 1 */
    v->mu = log(p1);
    v->sigma = sqrt(log1p(p2 * p2));
  }
  return ok(e);
}

muskx_status muskx_ensemble_set_samples(muskx_ensemble *e,
                                        const double *table, size_t nsamples,
                                        size_t nnames,
                                        const char *const *names) {
  if (e == NULL) return MUSKX_EINVAL;
  if (table == NULL || names == NULL || nsamples == 0 || nnames == 0)
    return muskx__ens_err(e, MUSKX_EINVAL, "the samples table is empty");
  if (nnames > (size_t)(1 << 20))
    return muskx__ens_err(e, MUSKX_ELIMIT, "%zu columns in the samples "
                          "table; at most %d", nnames, 1 << 20);
  for (size_t c = 0; c < nnames; c++) {
    if (names[c] == NULL)
      return muskx__ens_err(e, MUSKX_EINVAL, "column %zu has no name", c);
    muskx_status st = check_settable(e, names[c]);
    if (st != MUSKX_OK) return st;
    for (size_t d = 0; d < c; d++)
      if (strcmp(names[c], names[d]) == 0)
        return muskx__ens_err(e, MUSKX_EINVAL,
                              "'%s' is twice in the samples table", names[c]);
    int j = find_var(e, names[c]);
    if (j >= 0 && !e->vars[j].from_table)
      return muskx__ens_err(e, MUSKX_EINVAL,
                            "'%s' is both varied and in the samples table",
                            names[c]);
  }
  if (nsamples > SIZE_MAX / nnames)
    return muskx__ens_err(e, MUSKX_ENOMEM, "samples table too large");
  for (size_t k = 0; k < nsamples * nnames; k++)
    if (!isfinite(table[k]))
      return muskx__ens_err(e, MUSKX_EINVAL,
                            "samples table row %zu, column '%s': value is not "
                            "finite", k / nnames, names[k % nnames]);
  double *copy = muskx__calloc(nsamples * nnames, sizeof *copy);
  if (copy == NULL)
    return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory copying samples");
  memcpy(copy, table, nsamples * nnames * sizeof *copy);

  /* Drop the vars of an earlier table (keeping the order of the others),
     then add one per column; on ENOMEM nothing has changed but the
     capacity. */
  if (e->cap_vars - e->nvars < (int)nnames) {
    size_t cap = (size_t)e->nvars + nnames;
    muskx__ens_var *v = muskx__reallocarray(e->vars, cap, sizeof *v);
    if (v == NULL) {
      muskx__free(copy);
      return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory");
    }
    e->vars = v;
    e->cap_vars = (int)cap;
  }
  char **dup = muskx__calloc(nnames, sizeof *dup);
  for (size_t c = 0; dup != NULL && c < nnames; c++) {
    dup[c] = muskx__strdup(names[c]);
    if (dup[c] == NULL) {
      for (size_t d = 0; d < c; d++) muskx__free(dup[d]);
      muskx__free(dup);
      dup = NULL;
    }
  }
  if (dup == NULL) {
    muskx__free(copy);
    return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory");
  }
  int n = 0;
  for (int j = 0; j < e->nvars; j++) {
    if (e->vars[j].from_table)
      muskx__free(e->vars[j].name);
    else
      e->vars[n++] = e->vars[j];
  }
  e->nvars = n;
  for (size_t c = 0; c < nnames; c++) {
    muskx__ens_var *v = &e->vars[e->nvars++];
    memset(v, 0, sizeof *v);
    v->name = dup[c];
    v->from_table = 1;
    v->table_col = c;
  }
  muskx__free(dup);
  muskx__free(e->table);
  e->table = copy;
  e->table_rows = nsamples;
  e->ntable = nnames;
  return ok(e);
}

int muskx_ensemble_nvaried(const muskx_ensemble *e) {
  return e == NULL ? -1 : e->nvars;
}

const char *muskx_ensemble_varied_name(const muskx_ensemble *e, int index) {
  if (e == NULL || index < 0 || index >= e->nvars) return NULL;
  return e->vars[index].name;
}

muskx_status muskx_ensemble_set_setup(muskx_ensemble *e,
                                      muskx_ensemble_setup_fn fn, void *ctx) {
  if (e == NULL) return MUSKX_EINVAL;
  e->setup = fn;
  e->setup_ctx = fn != NULL ? ctx : NULL;
  return ok(e);
}

muskx_status muskx_ensemble_set_member_fn(muskx_ensemble *e,
                                          muskx_ensemble_member_fn fn,
                                          void *ctx) {
  if (e == NULL) return MUSKX_EINVAL;
  e->member = fn;
  e->member_ctx = fn != NULL ? ctx : NULL;
  return ok(e);
}

muskx_status muskx_ensemble_set_memory_budget(muskx_ensemble *e,
                                              size_t bytes, int k) {
  if (e == NULL) return MUSKX_EINVAL;
  if (k == 0) k = MUSKX__ENS_DEFAULT_K;
  if (k < 8 || k > 1000000)
    return muskx__ens_err(e, MUSKX_EINVAL, "sketch size k = %d: it must be "
                          "in [8, 1000000]", k);
  e->budget = bytes;
  e->sketch_k = k;
  return ok(e);
}

const muskx_qsketch *muskx_ensemble_sketch(const muskx_ensemble *e) {
  return e == NULL ? NULL : e->sketch;
}

size_t muskx_ensemble_chunk(const muskx_ensemble *e) {
  return e == NULL ? 0 : (size_t)e->sketch_k * MUSKX__ENS_CHUNK_PER_K;
}

/* ---------------------------------------------------------- columns */

static int total_cols(const muskx_model *m) {
  return muskx_model_count(m, MUSKX_SPECIES) +
         muskx_model_count(m, MUSKX_OUTPUT);
}

muskx_status muskx_ensemble_set_columns(muskx_ensemble *e,
                                        const char *const *names, size_t n) {
  if (e == NULL) return MUSKX_EINVAL;
  if (n == 0) {
    muskx__free(e->cols);
    e->cols = NULL;
    e->ncols = 0;
    return ok(e);
  }
  if (names == NULL)
    return muskx__ens_err(e, MUSKX_EINVAL, "no column names");
  if (n > (size_t)total_cols(e->m) * 4 + 16)
    return muskx__ens_err(e, MUSKX_EINVAL, "%zu columns asked of a model "
                          "with %d", n, total_cols(e->m));
  int *cols = muskx__calloc(n, sizeof *cols);
  if (cols == NULL) return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory");
  int ns = muskx_model_count(e->m, MUSKX_SPECIES);
  for (size_t k = 0; k < n; k++) {
    int c = names[k] ? muskx_model_find(e->m, MUSKX_SPECIES, names[k]) : -1;
    if (c < 0 && names[k] != NULL) {
      c = muskx_model_find(e->m, MUSKX_OUTPUT, names[k]);
      if (c >= 0) c += ns;
    }
    if (c < 0) {
      muskx__free(cols);
      return muskx__ens_err(e, MUSKX_ENOTFOUND,
                            "'%s' is not a species or output of model '%s'",
                            names[k] ? names[k] : "(null)",
                            muskx_model_id(e->m));
    }
    cols[k] = c;
  }
  muskx__free(e->cols);
  e->cols = cols;
  e->ncols = (int)n;
  return ok(e);
}

int muskx_ensemble_ncols(const muskx_ensemble *e) {
  if (e == NULL) return -1;
  return e->cols != NULL ? e->ncols : total_cols(e->m);
}

const char *muskx_ensemble_column_name(const muskx_ensemble *e, int index) {
  if (e == NULL || index < 0 || index >= muskx_ensemble_ncols(e)) return NULL;
  int c = e->cols != NULL ? e->cols[index] : index;
  int ns = muskx_model_count(e->m, MUSKX_SPECIES);
  return c < ns ? muskx_model_name_at(e->m, MUSKX_SPECIES, c)
                : muskx_model_name_at(e->m, MUSKX_OUTPUT, c - ns);
}

/* ---------------------------------------------------------- the run */

/* The value of var j for absolute sample i. */
static double draw(const muskx_ensemble *e, int j, uint64_t seed, size_t i) {
  const muskx__ens_var *v = &e->vars[j];
  if (v->from_table) return e->table[i * e->ntable + v->table_col];
  switch (v->dist) {
    case MUSKX_DIST_NORMAL:
      return v->p1 + v->p2 * muskx__rng_normal(seed, i, (uint64_t)j, 0);
    case MUSKX_DIST_LOGNORMAL:
      return exp(v->mu + v->sigma * muskx__rng_normal(seed, i, (uint64_t)j, 0));
    case MUSKX_DIST_UNIFORM:
      return v->p1 +
             (v->p2 - v->p1) * muskx__rng_uniform(seed, i, (uint64_t)j, 0);
  }
  return NAN;
}

typedef struct pool {
  muskx_ensemble *e;
  uint64_t seed;
  const double *times;
  size_t ntimes, ncols_all, block; /* block: ntimes * kept columns */
  muskx_progress_fn progress;      /* inline runs only */
  void *progress_ctx;

  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t next, done; /* relative sample indices */
  int active;        /* workers still running */
  muskx_status fatal; /* a worker could not start (ENOMEM) */
  int threaded;
} pool;

/* Runs absolute sample i with sim into traj (ntimes x kept columns),
   vals (nvars), *status and *msg (a copy of the error, or NULL); buf
   holds ntimes full rows. Shared by the kept and the streamed runs. */
void muskx__ens_run_member(const muskx_ensemble *e, muskx_sim *sim,
                           uint64_t seed, const double *times, size_t ntimes,
                           double *buf, size_t i, double *traj, double *vals,
                           int *status, char **msg) {
  size_t rows = 0, ncols_all = (size_t)total_cols(e->m);
  size_t block = ntimes * (size_t)muskx_ensemble_ncols(e);
  muskx_status st;

  for (int j = 0; j < e->nvars; j++) vals[j] = draw(e, j, seed, i);
  st = e->apply(e, sim, vals);
  if (st == MUSKX_OK && e->setup != NULL) st = e->setup(e->setup_ctx, sim, i);
  if (st == MUSKX_OK) st = muskx_sim_run(sim, times, ntimes, buf, &rows);
  *status = (int)st;
  *msg = NULL;
  if (st != MUSKX_OK) {
    for (size_t r = 0; r < block; r++) traj[r] = NAN;
    /* Out of memory here only costs the message: the status stays. */
    *msg = muskx__strdup(muskx_sim_errmsg(sim));
    return;
  }
  if (e->cols == NULL || sim->ncolumns == e->ncols) {
    /* every column, or rows of the kept columns only (selected below) */
    memcpy(traj, buf, block * sizeof *traj);
  } else {
    for (size_t r = 0; r < ntimes; r++)
      for (int c = 0; c < e->ncols; c++)
        traj[r * (size_t)e->ncols + (size_t)c] =
            buf[r * ncols_all + (size_t)e->cols[c]];
  }
}

/* Runs relative sample k of a kept run into slot k of the results. */
static void run_sample(pool *p, muskx_sim *sim, double *buf, double *vals,
                       size_t k) {
  muskx_ensemble *e = p->e;
  muskx__ens_run_member(e, sim, p->seed, p->times, p->ntimes, buf,
                        e->first + k, e->traj + k * p->block, vals,
                        &e->status[k], &e->msgs[k]);
  memcpy(e->values + k * (size_t)e->nvars, vals,
         (size_t)e->nvars * sizeof *vals);
}

/* A worker's sim is seen by nobody else: it skips the eigenvalues of its
   steady states and evaluates only the kept outputs (issue 19), and at a
   restart inside a member's run (a phase, an event) KLU refactors the
   member's last factor instead of factoring from scratch (crewperf). */
muskx_status muskx__ens_only_what_is_read(const muskx_ensemble *e,
                                          muskx_sim *sim) {
  sim->skip_eigen = 1;
  sim->keep_pivots = 1;
  muskx_status st = MUSKX_OK;
  if (e->cols != NULL) {
    int ns = muskx_model_count(e->m, MUSKX_SPECIES), n = 0;
    int *which = muskx__calloc((size_t)e->ncols + 1, sizeof *which);
    if (which == NULL) return MUSKX_ENOMEM;
    for (int c = 0; c < e->ncols; c++)
      if (e->cols[c] >= ns) which[n++] = e->cols[c] - ns;
    st = muskx__sim_keep_outputs(sim, which, n);
    muskx__free(which);
  }
  /* after the kept outputs, whose native code it may also run */
  if (st == MUSKX_OK) st = muskx__sim_set_native(sim, e->native);
  /* rows of the kept columns only: a member's 580 rows of the crosstalk
     model were 1.6 MB of full rows written to be read 10 columns wide */
  if (st == MUSKX_OK && e->cols != NULL) {
    const char **names = muskx__calloc((size_t)e->ncols + 1, sizeof *names);
    if (names == NULL) return MUSKX_ENOMEM;
    for (int c = 0; c < e->ncols; c++)
      names[c] = muskx_ensemble_column_name(e, c);
    st = muskx_sim_select(sim, names, e->ncols);
    muskx__free(names);
    /* and at sample times only the states those columns read */
    if (st == MUSKX_OK) st = muskx__sim_sample_states(sim);
  }
  return st;
}

/* Takes samples until none is left; each worker owns one simulation. */
static void *worker(void *arg) {
  pool *p = arg;
  muskx_ensemble *e = p->e;
  muskx_sim *sim = NULL;
  double *buf = muskx__calloc(p->ntimes * (p->ncols_all ? p->ncols_all : 1),
                              sizeof *buf);
  double *vals = muskx__calloc((size_t)e->nvars + 1, sizeof *vals);
  int fine = buf != NULL && vals != NULL &&
             muskx_sim_create(e->m, &sim) == MUSKX_OK &&
             muskx__ens_only_what_is_read(e, sim) == MUSKX_OK;

  pthread_mutex_lock(&p->mu);
  if (!fine) p->fatal = MUSKX_ENOMEM;
  for (;;) {
    if (p->fatal != MUSKX_OK || p->next >= e->count) break;
    size_t k = p->next++;
    pthread_mutex_unlock(&p->mu);
    run_sample(p, sim, buf, vals, k);
    pthread_mutex_lock(&p->mu);
    p->done++;
    if (p->threaded) {
      pthread_cond_signal(&p->cv);
    } else if (p->progress != NULL) {
      size_t d = p->done;
      pthread_mutex_unlock(&p->mu);
      p->progress(p->progress_ctx, d, e->count);
      pthread_mutex_lock(&p->mu);
    }
  }
  p->active--;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
  muskx_sim_free(sim);
  muskx__free(buf);
  muskx__free(vals);
  return NULL;
}

static muskx_status check_times(muskx_ensemble *e, const double *times,
                                size_t ntimes) {
  if (times == NULL || ntimes == 0)
    return muskx__ens_err(e, MUSKX_EINVAL, "no output times");
  for (size_t r = 0; r < ntimes; r++) {
    if (!isfinite(times[r]))
      return muskx__ens_err(e, MUSKX_EINVAL, "output time %zu is not finite",
                            r);
    if (r > 0 && times[r] < times[r - 1])
      return muskx__ens_err(e, MUSKX_EINVAL,
                            "output times must be non-decreasing (%g after "
                            "%g)", times[r], times[r - 1]);
  }
  /* A scenario's first phase begins at day 0: runs from a later first
     time started there from the day-0 state, every earlier phase and
     dose left out (B_pct 0 at day 75 instead of -18.8). */
  if (e->scenario != NULL && times[0] != 0)
    return muskx__ens_err(e, MUSKX_EINVAL,
                          "a scenario's runs start at day 0, where its first "
                          "phase begins: the first output time is %g (give 0 "
                          "first and drop that row)", times[0]);
  return MUSKX_OK;
}

/* Allocates the result arrays of a run of count samples. */
static muskx_status results_alloc(muskx_ensemble *e, size_t first,
                                  size_t count, size_t ntimes, size_t ncols) {
  if (ncols != 0 && ntimes > SIZE_MAX / ncols / sizeof(double))
    return muskx__ens_err(e, MUSKX_ENOMEM, "%zu output times are too many",
                          ntimes);
  size_t block = ntimes * ncols;
  double *traj = muskx__calloc(count, block ? block * sizeof(double) : 1);
  double *values = muskx__calloc(count, ((size_t)e->nvars + 1) * sizeof(double));
  int *status = muskx__calloc(count, sizeof *status);
  char **msgs = muskx__calloc(count, sizeof *msgs);
  if (traj == NULL || values == NULL || status == NULL || msgs == NULL) {
    muskx__free(traj);
    muskx__free(values);
    muskx__free(status);
    muskx__free(msgs);
    return muskx__ens_err(e, MUSKX_ENOMEM,
                          "out of memory for %zu samples of %zu times x %zu "
                          "columns", count, ntimes, ncols);
  }
  results_free(e);
  e->traj = traj;
  e->values = values;
  e->status = status;
  e->msgs = msgs;
  e->first = first;
  e->count = count;
  e->ntimes = ntimes;
  for (size_t k = 0; k < count * (size_t)e->nvars; k++) values[k] = NAN;
  return MUSKX_OK;
}

/* An empty sketch of k and width in *sk, reusing the one there. */
static muskx_status sketch_ready(muskx_qsketch **sk, int k, size_t width,
                                 uint64_t stream) {
  if (*sk != NULL && muskx_qsketch_k(*sk) == k &&
      muskx_qsketch_width(*sk) == width) {
    muskx__qsketch_clear(*sk, stream);
    return MUSKX_OK;
  }
  muskx_qsketch_free(*sk);
  *sk = NULL;
  return muskx_qsketch_create(k, width, stream, sk);
}

muskx_status muskx_ensemble_run(muskx_ensemble *e, size_t first, size_t count,
                                unsigned long long seed, int nthreads,
                                const double *times, size_t ntimes,
                                muskx_progress_fn progress, void *ctx) {
  if (e == NULL) return MUSKX_EINVAL;
  if (count == 0)
    return muskx__ens_err(e, MUSKX_EINVAL, "no samples to run");
  if (first > SIZE_MAX - count)
    return muskx__ens_err(e, MUSKX_EINVAL, "sample range overflows");
  if (nthreads < 0)
    return muskx__ens_err(e, MUSKX_EINVAL, "%d threads", nthreads);
  if (e->table != NULL && first + count > e->table_rows)
    return muskx__ens_err(e, MUSKX_EINVAL,
                          "samples %zu..%zu asked, but the samples table has "
                          "%zu rows", first, first + count - 1, e->table_rows);
  muskx_status st = check_times(e, times, ntimes);
  if (st == MUSKX_OK) st = muskx__ens_scenario_clash(e);
  if (st != MUSKX_OK) return st;
  /* a scenario's times are days: the model's own unit for the runs */
  double *model_times = NULL;
  if (e->scenario != NULL &&
      muskx__sc_to_model_time(e->scenario, 1.0) != 1.0) {
    if ((model_times = muskx__calloc(ntimes, sizeof *model_times)) == NULL)
      return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory");
    for (size_t r = 0; r < ntimes; r++)
      model_times[r] = muskx__sc_to_model_time(e->scenario, times[r]);
    times = model_times;
  }
  size_t ncols = (size_t)muskx_ensemble_ncols(e);
  if (nthreads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = n > 0 && n < 1024 ? (int)n : 1;
  }
  if ((size_t)nthreads > count) nthreads = (int)count;
  if (ncols != 0 && (ntimes > SIZE_MAX / ncols / sizeof(double) ||
                     count > e->budget / (ntimes * ncols * sizeof(double)))) {
    /* beyond the memory budget: stream into a sketch */
    results_free(e);
    st = sketch_ready(&e->sk_run, e->sketch_k, ntimes * ncols,
                      first / muskx_ensemble_chunk(e));
    if (st == MUSKX_OK)
      st = sketch_ready(&e->sk_part, e->sketch_k, ntimes * ncols,
                        first / muskx_ensemble_chunk(e));
    if (st == MUSKX_OK) {
      e->sketch = e->sk_run;
      e->first = first;
      e->count = count;
      e->ntimes = ntimes;
      st = muskx__ens_run_streamed(e, first, count, (uint64_t)seed, nthreads,
                                   times, ntimes, progress, ctx);
    } else {
      muskx__ens_err(e, st, "out of memory for a sketch of %zu columns",
                     ntimes * ncols);
    }
    if (st != MUSKX_OK) results_free(e);
    muskx__free(model_times);
    return st == MUSKX_OK ? ok(e) : st;
  }
  st = results_alloc(e, first, count, ntimes, ncols);
  if (st != MUSKX_OK) {
    muskx__free(model_times);
    return st;
  }

  pool p;
  memset(&p, 0, sizeof p);
  p.e = e;
  p.seed = (uint64_t)seed;
  p.times = times;
  p.ntimes = ntimes;
  p.ncols_all = (size_t)total_cols(e->m);
  p.block = ntimes * ncols;
  p.fatal = MUSKX_OK;
  if (pthread_mutex_init(&p.mu, NULL) != 0) {
    muskx__free(model_times);
    return muskx__ens_err(e, MUSKX_ESTATE, "cannot create a mutex");
  }
  if (pthread_cond_init(&p.cv, NULL) != 0) {
    pthread_mutex_destroy(&p.mu);
    muskx__free(model_times);
    return muskx__ens_err(e, MUSKX_ESTATE, "cannot create a condition");
  }

  pthread_t *tid = NULL;
  int started = 0;
  if (nthreads > 1) {
    tid = muskx__calloc((size_t)nthreads, sizeof *tid);
    p.threaded = 1;
    pthread_mutex_lock(&p.mu);
    for (int t = 0; tid != NULL && t < nthreads; t++) {
      if (pthread_create(&tid[t], NULL, worker, &p) != 0) break;
      started++;
      p.active++;
    }
    /* The calling thread reports progress as samples finish. */
    muskx__pool_wait(&p.mu, &p.cv, &p.active, &p.done, progress, ctx, count);
    pthread_mutex_unlock(&p.mu);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    muskx__free(tid);
  }
  if (started == 0) {
    /* One thread asked for, or none could be started: run here. */
    p.threaded = 0;
    p.progress = progress;
    p.progress_ctx = ctx;
    p.active = 1;
    worker(&p);
  }
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  muskx__free(model_times);

  if (p.fatal != MUSKX_OK || p.done != count) {
    results_free(e);
    return muskx__ens_err(e, MUSKX_ENOMEM,
                          "out of memory creating a simulation per thread");
  }
  for (size_t k = 0; k < count; k++)
    if (e->status[k] != MUSKX_OK) e->nfailed++;
  if (progress != NULL && p.threaded) progress(ctx, count, count);
  /* the member hook, in sample order, here */
  size_t block = ntimes * ncols;
  for (size_t k = 0; e->member != NULL && k < count; k++) {
    st = e->member(e->member_ctx, first + k, (muskx_status)e->status[k],
                   muskx_ensemble_sample_errmsg(e, k),
                   e->values + k * (size_t)e->nvars, e->traj + k * block);
    if (st != MUSKX_OK) {
      results_free(e);
      return muskx__ens_err(e, st, "the member hook failed at sample %zu",
                            first + k);
    }
  }
  return ok(e);
}

/* ---------------------------------------------------------- results */

size_t muskx_ensemble_count(const muskx_ensemble *e) {
  return e == NULL ? 0 : e->count;
}

size_t muskx_ensemble_nfailed(const muskx_ensemble *e) {
  return e == NULL ? 0 : e->nfailed;
}

/* Checks a results call: a run exists and n >= need. The result calls
   take a const handle, so they return a status and leave the message. */
static muskx_status check_out(const muskx_ensemble *e, const void *out,
                              size_t n, size_t need) {
  if (e->count == 0 || e->sketch != NULL) return MUSKX_ESTATE;
  if (out == NULL || n < need) return MUSKX_EINVAL;
  return MUSKX_OK;
}

muskx_status muskx_ensemble_trajectories(const muskx_ensemble *e, double *out,
                                         size_t n) {
  if (e == NULL) return MUSKX_EINVAL;
  size_t need = e->count * e->ntimes * (size_t)muskx_ensemble_ncols(e);
  muskx_status st = check_out(e, out, n, need);
  if (st == MUSKX_OK) memcpy(out, e->traj, need * sizeof *out);
  return st;
}

const double *muskx_ensemble_trajectories_view(const muskx_ensemble *e) {
  return e == NULL || e->count == 0 ? NULL : e->traj; /* NULL streamed */
}

muskx_status muskx_ensemble_values(const muskx_ensemble *e, double *out,
                                   size_t n) {
  if (e == NULL) return MUSKX_EINVAL;
  size_t need = e->count * (size_t)e->nvars;
  muskx_status st = check_out(e, out, n, need);
  if (st == MUSKX_OK && need > 0) memcpy(out, e->values, need * sizeof *out);
  return st;
}

muskx_status muskx_ensemble_status(const muskx_ensemble *e, int *out,
                                   size_t n) {
  if (e == NULL) return MUSKX_EINVAL;
  muskx_status st = check_out(e, out, n, e->count);
  if (st == MUSKX_OK) memcpy(out, e->status, e->count * sizeof *out);
  return st;
}

const char *muskx_ensemble_sample_errmsg(const muskx_ensemble *e, size_t k) {
  if (e == NULL || k >= e->count || e->status == NULL) return NULL;
  if (e->status[k] == MUSKX_OK) return "";
  return e->msgs[k] != NULL ? e->msgs[k]
                            : muskx_strerror((muskx_status)e->status[k]);
}

muskx_status muskx_ensemble_quantiles(const muskx_ensemble *e,
                                      const double *probs, size_t nprobs,
                                      double *out, size_t n) {
  if (e == NULL) return MUSKX_EINVAL;
  size_t width = e->ntimes * (size_t)muskx_ensemble_ncols(e);
  if (nprobs != 0 && width > SIZE_MAX / nprobs) return MUSKX_EINVAL;
  if (e->sketch != NULL) {
    if (out == NULL || n < nprobs * width) return MUSKX_EINVAL;
    return muskx_qsketch_quantiles(e->sketch, probs, nprobs, out);
  }
  muskx_status st = check_out(e, out, n, nprobs * width);
  if (st != MUSKX_OK) return st;
  /* Failed samples are all NaN, so muskx_quantiles() skips them. */
  return muskx_quantiles(e->traj, e->count, width, probs, nprobs, out);
}
