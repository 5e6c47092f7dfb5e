/*
 * petab_load.c -- reads a PEtab version 1 problem: the problem YAML file,
 * then the parameter, observable, condition and measurement tables, into
 * struct muskx_petab (petab.h), checking every cell on the way so that a
 * bad value is reported at its file:line:col. The model is loaded by
 * petab_model.c once the observables are known; the experiments (what to
 * simulate) are formed last.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "petab.h"
#include "yamltree.h"
#include "load.h"
#include "vm_native.h"

#define NOMEM() muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory")

/* ---------------------------------------------------------------------- */
/* Cells                                                                   */

/* A whole cell as a number (inf, nan accepted); 0 when it is not one. */
static int parse_number(const char *s, double *out) {
  if (*s == '\0') return 0;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end != '\0' || errno == ERANGE) return 0;
  *out = v;
  return 1;
}

static int is_ident(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (s++; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
  return 1;
}

static int find_param(const struct muskx_petab *pb, const char *id) {
  for (int i = 0; i < pb->nparams; i++)
    if (strcmp(pb->params[i].id, id) == 0) return i;
  return -1;
}

/* A cell of a table that is a number or a parameter id of the parameter
   table (what condition values and overrides may be). */
static muskx_status parse_value(const struct muskx_petab *pb,
                                const muskx__tsv *t, int row, int c,
                                const char *s, muskx__petab_value *v,
                                muskx_error *err) {
  v->par = -1;
  v->num = NAN;
  if (parse_number(s, &v->num)) return MUSKX_OK;
  v->par = find_param(pb, s);
  if (v->par >= 0) return MUSKX_OK;
  return muskx__tsv_fail(t, row, c, err, MUSKX_ENOTFOUND,
                         "'%s' in column '%s' is neither a number nor a "
                         "parameter of the parameter table", s,
                         t->header[c]);
}

/* Column index of a required column. */
static muskx_status need_col(const muskx__tsv *t, const char *name, int *c,
                             muskx_error *err) {
  *c = muskx__tsv_column(t, name);
  if (*c >= 0) return MUSKX_OK;
  muskx__loc loc = {t->path, 1, 1};
  return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                       "the table has no column '%s' (required by PEtab)",
                       name);
}

static muskx_status parse_scale(const muskx__tsv *t, int row, int c,
                                muskx__petab_scale *s, muskx_error *err) {
  const char *v = muskx__tsv_cell(t, row, c);
  if (c < 0 || *v == '\0' || strcmp(v, "lin") == 0) *s = MUSKX__PETAB_LIN;
  else if (strcmp(v, "log") == 0) *s = MUSKX__PETAB_LOG;
  else if (strcmp(v, "log10") == 0) *s = MUSKX__PETAB_LOG10;
  else
    return muskx__tsv_fail(t, row, c, err, MUSKX_ESYNTAX,
                           "'%s' is not a scale: use lin, log or log10", v);
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Parameter table                                                         */

static muskx_status read_params(struct muskx_petab *pb, const muskx__tsv *t,
                                muskx_error *err) {
  int cid, cscale, clo, chi, cnom, cest;
  muskx_status st;
  if ((st = need_col(t, "parameterId", &cid, err)) ||
      (st = need_col(t, "parameterScale", &cscale, err)) ||
      (st = need_col(t, "lowerBound", &clo, err)) ||
      (st = need_col(t, "upperBound", &chi, err)) ||
      (st = need_col(t, "nominalValue", &cnom, err)) ||
      (st = need_col(t, "estimate", &cest, err)))
    return st;
  pb->params = muskx__calloc((size_t)t->nrows + 1, sizeof *pb->params);
  pb->theta_param = muskx__calloc((size_t)t->nrows + 1, sizeof(int));
  if (pb->params == NULL || pb->theta_param == NULL) return NOMEM();
  for (int r = 0; r < t->nrows; r++) {
    muskx__petab_param *p = &pb->params[r];
    const char *id = muskx__tsv_cell(t, r, cid);
    if (!is_ident(id))
      return muskx__tsv_fail(t, r, cid, err, MUSKX_ESYNTAX,
                             "parameterId '%s' is not an identifier "
                             "([A-Za-z_][A-Za-z0-9_]*)", id);
    if (find_param(pb, id) >= 0)
      return muskx__tsv_fail(t, r, cid, err, MUSKX_EMODEL,
                             "parameter '%s' is listed twice", id);
    if ((p->id = muskx__strdup(id)) == NULL) return NOMEM();
    p->theta = -1;
    p->model_param = -1;
    pb->nparams++;
    if ((st = parse_scale(t, r, cscale, &p->scale, err))) return st;
    const char *e = muskx__tsv_cell(t, r, cest);
    if (strcmp(e, "0") != 0 && strcmp(e, "1") != 0)
      return muskx__tsv_fail(t, r, cest, err, MUSKX_ESYNTAX,
                             "estimate must be 0 or 1, got '%s'", e);
    p->estimate = e[0] == '1';
    const char *nom = muskx__tsv_cell(t, r, cnom);
    /* PEtab v1: "Optional, unless estimate==0"; an estimated parameter
       without one has no nominal point (NAN), only its bounds */
    if (*nom == '\0' && p->estimate)
      p->nominal = NAN;
    else if (!parse_number(nom, &p->nominal) || !isfinite(p->nominal))
      return muskx__tsv_fail(t, r, cnom, err, MUSKX_ESYNTAX,
                             "nominalValue of '%s' must be a finite number, "
                             "got '%s'", id, nom);
    p->lower = -INFINITY;
    p->upper = INFINITY;
    const char *lo = muskx__tsv_cell(t, r, clo), *hi = muskx__tsv_cell(t, r, chi);
    if ((*lo || p->estimate) && !parse_number(lo, &p->lower))
      return muskx__tsv_fail(t, r, clo, err, MUSKX_ESYNTAX,
                             "lowerBound of '%s' must be a number, got '%s'",
                             id, lo);
    if ((*hi || p->estimate) && !parse_number(hi, &p->upper))
      return muskx__tsv_fail(t, r, chi, err, MUSKX_ESYNTAX,
                             "upperBound of '%s' must be a number, got '%s'",
                             id, hi);
    if (!p->estimate) continue;
    /* the numbers as written: %g would print 0.020000000000000004 as
       0.02, the bound it is above */
    if (!(p->lower <= p->upper))
      return muskx__tsv_fail(t, r, clo, err, MUSKX_EMODEL,
                             "lowerBound %s of '%s' is above its upperBound "
                             "%s", lo, id, hi);
    if (p->scale != MUSKX__PETAB_LIN && !(p->lower > 0))
      return muskx__tsv_fail(t, r, clo, err, MUSKX_EMODEL,
                             "'%s' is estimated on a log scale, so its "
                             "lowerBound must be > 0, got %g", id, p->lower);
    if (!isnan(p->nominal) && (p->nominal < p->lower || p->nominal > p->upper))
      return muskx__tsv_fail(t, r, cnom, err, MUSKX_EMODEL,
                             "nominalValue %s of '%s' is outside its bounds "
                             "[%s, %s]", nom, id, lo, hi);
    p->theta = pb->ntheta;
    pb->theta_param[pb->ntheta++] = r;
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Observable table                                                        */

/* The highest n of "<prefix><n>_<obs>" identifiers in formula (0: none). */
static int count_placeholders(const char *formula, const char *prefix,
                              const char *obs) {
  int most = 0;
  size_t np = strlen(prefix), no = strlen(obs);
  for (const char *p = formula; *p;) {
    if (isdigit((unsigned char)*p) || *p == '.') { /* a number, 1.5e-3 too */
      while (isdigit((unsigned char)*p) || *p == '.') p++;
      if ((*p == 'e' || *p == 'E') &&
          (isdigit((unsigned char)p[1]) ||
           ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2]))))
        for (p += 2; isdigit((unsigned char)*p); p++) {}
      continue;
    }
    if (!(isalpha((unsigned char)*p) || *p == '_')) {
      p++;
      continue;
    }
    const char *s = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    size_t len = (size_t)(p - s);
    if (len > np + 1 + no && strncmp(s, prefix, np) == 0 &&
        isdigit((unsigned char)s[np])) {
      char *end;
      long n = strtol(s + np, &end, 10);
      if (end < p && *end == '_' && (size_t)(p - end - 1) == no &&
          strncmp(end + 1, obs, no) == 0 && n > most && n < 10000)
        most = (int)n;
    }
  }
  return most;
}

static muskx_status copy_formula(const char *s, char **out, muskx_error *err) {
  /* PEtab formulas are SymPy's: "**" is "^" (two characters, so that
     columns in messages still match the table). */
  char *f = muskx__strdup(s);
  if (f == NULL) return NOMEM();
  for (char *p = f; (p = strstr(p, "**")) != NULL;) {
    p[0] = '^';
    p[1] = ' ';
  }
  *out = f;
  return MUSKX_OK;
}

static muskx_status read_observables(struct muskx_petab *pb,
                                     const muskx__tsv *t, muskx_error *err) {
  int cid, cform, cnoise;
  muskx_status st;
  if ((st = need_col(t, "observableId", &cid, err)) ||
      (st = need_col(t, "observableFormula", &cform, err)) ||
      (st = need_col(t, "noiseFormula", &cnoise, err)))
    return st;
  int ctr = muskx__tsv_column(t, "observableTransformation");
  int cdist = muskx__tsv_column(t, "noiseDistribution");
  pb->obs = muskx__calloc((size_t)t->nrows + 1, sizeof *pb->obs);
  if (pb->obs == NULL) return NOMEM();
  for (int r = 0; r < t->nrows; r++) {
    muskx__petab_observable *o = &pb->obs[r];
    const char *id = muskx__tsv_cell(t, r, cid);
    if (!is_ident(id))
      return muskx__tsv_fail(t, r, cid, err, MUSKX_ESYNTAX,
                             "observableId '%s' is not an identifier", id);
    for (int k = 0; k < pb->nobs; k++)
      if (strcmp(pb->obs[k].id, id) == 0)
        return muskx__tsv_fail(t, r, cid, err, MUSKX_EMODEL,
                               "observable '%s' is defined twice", id);
    if ((o->id = muskx__strdup(id)) == NULL) return NOMEM();
    o->line = t->line[r];
    pb->nobs++;
    if ((st = copy_formula(muskx__tsv_cell(t, r, cform), &o->formula, err)) ||
        (st = copy_formula(muskx__tsv_cell(t, r, cnoise), &o->noise, err)))
      return st;
    if (o->formula[0] == '\0')
      return muskx__tsv_fail(t, r, cform, err, MUSKX_ESYNTAX,
                             "observable '%s' has an empty observableFormula",
                             id);
    if (o->noise[0] == '\0')
      return muskx__tsv_fail(t, r, cnoise, err, MUSKX_ESYNTAX,
                             "observable '%s' has an empty noiseFormula", id);
    if ((st = parse_scale(t, r, ctr, &o->transform, err))) return st;
    const char *d = muskx__tsv_cell(t, r, cdist);
    if (strcmp(d, "laplace") == 0) o->laplace = 1;
    else if (*d != '\0' && strcmp(d, "normal") != 0)
      return muskx__tsv_fail(t, r, cdist, err, MUSKX_ESYNTAX,
                             "noiseDistribution '%s' is not normal or laplace",
                             d);
    /* Noise formulas may use the observable's placeholders too (relative
       noise written with the observable's scaling, say). */
    o->n_obs_ph = count_placeholders(o->formula, "observableParameter", id);
    int in_noise = count_placeholders(o->noise, "observableParameter", id);
    if (in_noise > o->n_obs_ph) o->n_obs_ph = in_noise;
    o->n_noise_ph = count_placeholders(o->noise, "noiseParameter", id);
    o->ph_base = pb->nph;
    pb->nph += o->n_obs_ph + o->n_noise_ph;
    char only[300];
    snprintf(only, sizeof only, "noiseParameter1_%s", id);
    o->sigma_is_ph = o->n_noise_ph == 1 && strcmp(o->noise, only) == 0;
  }
  pb->ph_names = muskx__calloc((size_t)pb->nph + 1, sizeof *pb->ph_names);
  pb->ph_model = muskx__calloc((size_t)pb->nph + 1, sizeof *pb->ph_model);
  if (pb->ph_names == NULL || pb->ph_model == NULL) return NOMEM();
  for (int k = 0; k < pb->nobs; k++) {
    const muskx__petab_observable *o = &pb->obs[k];
    for (int j = 0; j < o->n_obs_ph + o->n_noise_ph; j++) {
      int noise = j >= o->n_obs_ph;
      size_t n = strlen(o->id) + 40;
      char *name = muskx__alloc(n);
      if (name == NULL) return NOMEM();
      snprintf(name, n, "%sParameter%d_%s", noise ? "noise" : "observable",
               noise ? j - o->n_obs_ph + 1 : j + 1, o->id);
      pb->ph_names[o->ph_base + j] = name;
    }
  }
  return MUSKX_OK;
}

/* ---------------------------------------------------------------------- */
/* Condition table (targets are resolved against the model later)         */

static muskx_status read_conditions(struct muskx_petab *pb,
                                    const muskx__tsv *t, muskx_error *err) {
  int cid;
  muskx_status st = need_col(t, "conditionId", &cid, err);
  if (st) return st;
  int cname = muskx__tsv_column(t, "conditionName");
  pb->targets = muskx__calloc((size_t)t->ncols, sizeof *pb->targets);
  pb->conds = muskx__calloc((size_t)t->nrows + 1, sizeof *pb->conds);
  if (pb->targets == NULL || pb->conds == NULL) return NOMEM();
  int *colof = muskx__calloc((size_t)t->ncols, sizeof *colof);
  if (colof == NULL) return NOMEM();
  for (int c = 0; c < t->ncols; c++) {
    if (c == cid || c == cname) continue;
    if (!is_ident(t->header[c])) {
      muskx__free(colof);
      return muskx__tsv_fail(t, -1, c, err, MUSKX_ESYNTAX,
                             "condition column '%s' is not an identifier",
                             t->header[c]);
    }
    if ((pb->targets[pb->ntargets].id = muskx__strdup(t->header[c])) == NULL) {
      muskx__free(colof);
      return NOMEM();
    }
    colof[pb->ntargets++] = c;
  }
  for (int r = 0; r < t->nrows && st == MUSKX_OK; r++) {
    muskx__petab_condition *cd = &pb->conds[r];
    const char *id = muskx__tsv_cell(t, r, cid);
    for (int k = 0; k < pb->nconds && st == MUSKX_OK; k++)
      if (strcmp(pb->conds[k].id, id) == 0)
        st = muskx__tsv_fail(t, r, cid, err, MUSKX_EMODEL,
                             "condition '%s' is defined twice", id);
    if (st != MUSKX_OK) break;
    if (*id == '\0') {
      st = muskx__tsv_fail(t, r, cid, err, MUSKX_ESYNTAX, "empty conditionId");
      break;
    }
    pb->nconds++; /* first: a half-made condition is freed with the rest */
    cd->id = muskx__strdup(id);
    cd->values = muskx__calloc((size_t)pb->ntargets + 1, sizeof *cd->values);
    if (cd->id == NULL || cd->values == NULL) {
      st = NOMEM();
      break;
    }
    for (int k = 0; k < pb->ntargets && st == MUSKX_OK; k++) {
      const char *v = muskx__tsv_cell(t, r, colof[k]);
      /* An empty cell is NaN, as in pandas: the value is not changed. */
      cd->values[k].par = -1;
      cd->values[k].num = NAN;
      if (*v != '\0') st = parse_value(pb, t, r, colof[k], v, &cd->values[k], err);
    }
  }
  muskx__free(colof);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Measurement table                                                       */

static int find_cond(const struct muskx_petab *pb, const char *id) {
  for (int k = 0; k < pb->nconds; k++)
    if (strcmp(pb->conds[k].id, id) == 0) return k;
  return -1;
}

static int find_obs(const struct muskx_petab *pb, const char *id) {
  for (int k = 0; k < pb->nobs; k++)
    if (strcmp(pb->obs[k].id, id) == 0) return k;
  return -1;
}

/* Parses an override cell ("a;1.5;b") into vals[0..n). */
static muskx_status parse_overrides(const struct muskx_petab *pb,
                                    const muskx__tsv *t, int r, int c, int n,
                                    const char *what, muskx__petab_value *vals,
                                    muskx_error *err) {
  const char *s = muskx__tsv_cell(t, r, c);
  int given = *s != '\0';
  for (const char *p = s; *p; p++) given += *p == ';';
  if (given != n)
    return muskx__tsv_fail(t, r, c, err, MUSKX_EMODEL,
                           "the observable's formulas have %d %s "
                           "placeholder%s, but this row gives %d value%s "
                           "('%s')", n, what, n == 1 ? "" : "s", given,
                           given == 1 ? "" : "s", s);
  char part[512];
  const char *p = s;
  for (int k = 0; k < n; k++) {
    const char *e = strchr(p, ';');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    while (len > 0 && p[len - 1] == ' ') len--;
    while (len > 0 && *p == ' ') p++, len--;
    if (len >= sizeof part)
      return muskx__tsv_fail(t, r, c, err, MUSKX_ELIMIT, "override too long");
    memcpy(part, p, len);
    part[len] = '\0';
    muskx_status st = parse_value(pb, t, r, c, part, &vals[k], err);
    if (st != MUSKX_OK) return st;
    if (vals[k].par < 0 && !isfinite(vals[k].num))
      return muskx__tsv_fail(t, r, c, err, MUSKX_ESYNTAX,
                             "%s override %d is not finite", what, k + 1);
    if (e != NULL) p = e + 1;
  }
  return MUSKX_OK;
}

static int same_value(muskx__petab_value a, muskx__petab_value b) {
  return a.par == b.par && (a.par >= 0 || a.num == b.num);
}

/* The experiment of measurement m with placeholder values vals (entries
   with par -2 unused): an existing one that agrees, or a new one. */
static int experiment_for(struct muskx_petab *pb, int preeq, int cond,
                          const muskx__petab_value *vals) {
  for (int e = 0; e < pb->nexp; e++) {
    muskx__petab_experiment *x = &pb->exps[e];
    if (x->preeq != preeq || x->cond != cond) continue;
    int ok = 1;
    for (int k = 0; k < pb->nph && ok; k++)
      if (vals[k].par != -2 && x->ph[k].par != -2 &&
          !same_value(vals[k], x->ph[k]))
        ok = 0;
    if (!ok) continue;
    for (int k = 0; k < pb->nph; k++)
      if (vals[k].par != -2) x->ph[k] = vals[k];
    return e;
  }
  muskx__petab_experiment *x = &pb->exps[pb->nexp];
  x->preeq = preeq;
  x->cond = cond;
  x->ph = muskx__calloc((size_t)pb->nph + 1, sizeof *x->ph);
  if (x->ph == NULL) return -1;
  memcpy(x->ph, vals, (size_t)pb->nph * sizeof *vals);
  return pb->nexp++;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorted distinct finite times of each experiment, from 0; row of each
   measurement. */
static muskx_status experiment_times(struct muskx_petab *pb,
                                     muskx_error *err) {
  for (int e = 0; e < pb->nexp; e++) {
    muskx__petab_experiment *x = &pb->exps[e];
    size_t n = 1;
    for (int i = 0; i < pb->nmeas; i++) n += pb->meas[i].exp == e;
    x->times = muskx__calloc(n, sizeof *x->times);
    if (x->times == NULL) return NOMEM();
    x->times[0] = 0.0;
    x->ntimes = 1;
    for (int i = 0; i < pb->nmeas; i++)
      if (pb->meas[i].exp == e) {
        if (isinf(pb->meas[i].time)) x->has_inf = 1;
        else x->times[x->ntimes++] = pb->meas[i].time;
      }
    qsort(x->times, x->ntimes, sizeof *x->times, cmp_double);
    size_t u = 1;
    for (size_t k = 1; k < x->ntimes; k++)
      if (x->times[k] != x->times[u - 1]) x->times[u++] = x->times[k];
    x->ntimes = u;
    for (int i = 0; i < pb->nmeas; i++) {
      muskx__petab_measurement *m = &pb->meas[i];
      if (m->exp != e) continue;
      m->row = -1;
      for (size_t k = 0; k < x->ntimes && !isinf(m->time); k++)
        if (x->times[k] == m->time) m->row = (int)k;
    }
  }
  return MUSKX_OK;
}

static muskx_status read_measurements(struct muskx_petab *pb,
                                      const muskx__tsv *t, muskx_error *err) {
  int cobs, ccond, cval, ctime;
  muskx_status st;
  if ((st = need_col(t, "observableId", &cobs, err)) ||
      (st = need_col(t, "simulationConditionId", &ccond, err)) ||
      (st = need_col(t, "measurement", &cval, err)) ||
      (st = need_col(t, "time", &ctime, err)))
    return st;
  int cpre = muskx__tsv_column(t, "preequilibrationConditionId");
  int cop = muskx__tsv_column(t, "observableParameters");
  int cnp = muskx__tsv_column(t, "noiseParameters");
  if (t->nrows == 0)
    return muskx__tsv_fail(t, -1, 0, err, MUSKX_EMODEL,
                           "the measurement table has no measurements");
  pb->meas = muskx__calloc((size_t)t->nrows, sizeof *pb->meas);
  pb->exps = muskx__calloc((size_t)t->nrows, sizeof *pb->exps);
  muskx__petab_value *vals =
      muskx__calloc((size_t)pb->nph + 1, sizeof *vals);
  if (pb->meas == NULL || pb->exps == NULL || vals == NULL) {
    muskx__free(vals);
    return NOMEM();
  }
  for (int r = 0; r < t->nrows && st == MUSKX_OK; r++) {
    muskx__petab_measurement *m = &pb->meas[r];
    m->line = t->line[r];
    const char *s = muskx__tsv_cell(t, r, cobs);
    if ((m->obs = find_obs(pb, s)) < 0) {
      st = muskx__tsv_fail(t, r, cobs, err, MUSKX_ENOTFOUND,
                           "unknown observable '%s' (not in the observable "
                           "table)", s);
      break;
    }
    s = muskx__tsv_cell(t, r, ccond);
    if ((m->cond = find_cond(pb, s)) < 0) {
      st = muskx__tsv_fail(t, r, ccond, err, MUSKX_ENOTFOUND,
                           "unknown simulation condition '%s' (not in the "
                           "condition table)", s);
      break;
    }
    s = muskx__tsv_cell(t, r, cpre);
    m->preeq = -1;
    if (*s != '\0' && (m->preeq = find_cond(pb, s)) < 0) {
      st = muskx__tsv_fail(t, r, cpre, err, MUSKX_ENOTFOUND,
                           "unknown pre-equilibration condition '%s' (not in "
                           "the condition table)", s);
      break;
    }
    s = muskx__tsv_cell(t, r, cval);
    if (!parse_number(s, &m->value) || !isfinite(m->value)) {
      st = muskx__tsv_fail(t, r, cval, err, MUSKX_ESYNTAX,
                           "measurement '%s' is not a finite number", s);
      break;
    }
    const muskx__petab_observable *o = &pb->obs[m->obs];
    if (o->transform != MUSKX__PETAB_LIN && !(m->value > 0)) {
      st = muskx__tsv_fail(t, r, cval, err, MUSKX_EMODEL,
                           "measurement %g of log-transformed observable "
                           "'%s' must be > 0", m->value, o->id);
      break;
    }
    s = muskx__tsv_cell(t, r, ctime);
    if (!parse_number(s, &m->time) || isnan(m->time) ||
        m->time < 0) {
      st = muskx__tsv_fail(t, r, ctime, err, MUSKX_ESYNTAX,
                           "time '%s' is not a number >= 0 or inf", s);
      break;
    }
    for (int k = 0; k < pb->nph; k++) vals[k].par = -2;
    if ((st = parse_overrides(pb, t, r, cop, o->n_obs_ph, "observableParameter",
                              vals + o->ph_base, err)) ||
        (st = parse_overrides(pb, t, r, cnp, o->n_noise_ph, "noiseParameter",
                              vals + o->ph_base + o->n_obs_ph, err)))
      break;
    if (o->sigma_is_ph) { /* sigma comes from the row, not the model */
      m->sigma = vals[o->ph_base + o->n_obs_ph];
      /* a written sigma <= 0 made the llh NaN with exit status 0 */
      if (m->sigma.par == -1 && !(m->sigma.num > 0)) {
        st = muskx__tsv_fail(t, r, cnp, err, MUSKX_EMODEL,
                             "noise parameter %g of observable '%s' is "
                             "its noise scale (sigma): it must be > 0",
                             m->sigma.num, o->id);
        break;
      }
      vals[o->ph_base + o->n_obs_ph].par = -2;
    }
    pb->nmeas++;
    m->obs_text = muskx__strdup(muskx__tsv_cell(t, r, cop));
    m->noise_text = muskx__strdup(muskx__tsv_cell(t, r, cnp));
    if (m->obs_text == NULL || m->noise_text == NULL) {
      st = NOMEM();
      break;
    }
    if ((m->exp = experiment_for(pb, m->preeq, m->cond, vals)) < 0) st = NOMEM();
  }
  muskx__free(vals);
  if (st != MUSKX_OK) return st;
  return experiment_times(pb, err);
}

/* ---------------------------------------------------------------------- */
/* Problem file                                                            */

/* The one path of a list key of the problem, relative to dir. */
static muskx_status one_file(const muskx__yaml_node *map, const char *key,
                             const char *yaml_path, const char *dir,
                             char **out, muskx_error *err) {
  muskx__yaml_node *k = NULL, *v = muskx__yaml_get(map, key, &k);
  muskx__loc loc = {yaml_path, map->line, map->col};
  if (v == NULL)
    return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                         "the problem has no '%s'", key);
  if (v->kind == MUSKX__YAML_SEQ) {
    loc.line = v->line;
    loc.col = v->col;
    if (v->n != 1)
      return muskx__seterr(err, MUSKX_EUNSUPPORTED, &loc,
                           "'%s' lists %zu files; this version reads exactly "
                           "one", key, v->n);
    v = v->items[0];
  }
  if (v->kind != MUSKX__YAML_SCALAR || v->text[0] == '\0') {
    loc.line = v->line;
    loc.col = v->col;
    return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                         "'%s' must be a file name", key);
  }
  size_t n = strlen(dir) + strlen(v->text) + 2;
  if ((*out = muskx__alloc(n)) == NULL) return NOMEM();
  if (v->text[0] == '/' || dir[0] == '\0') snprintf(*out, n, "%s", v->text);
  else snprintf(*out, n, "%s/%s", dir, v->text);
  return MUSKX_OK;
}

muskx_status muskx__petab_read(const char *yaml_path,
                               const muskx_access *access,
                               struct muskx_petab *pb, muskx_error *err) {
  muskx__file_text ft;
  muskx__loc loc = {yaml_path, 0, 0};
  muskx__yaml_node *root = NULL;
  muskx__tsv *tp = &pb->parameters_table, to = {0}, tc = {0};
  char **files = pb->files; /* kept for muskx_petab_file() */
  char *dir = NULL;
  muskx__folders scope = {NULL, 0};
  if ((pb->yaml_path = muskx__strdup(yaml_path)) == NULL) return NOMEM();
  muskx_status st = muskx__load_read_file(yaml_path, 1, &ft);
  if (st != MUSKX_OK) {
    char msg[256] = "not a regular file";
    if (ft.errnum != 0 && strerror_r(ft.errnum, msg, sizeof msg) != 0)
      snprintf(msg, sizeof msg, "errno %d", ft.errnum);
    return muskx__seterr(err, st, &loc, "cannot read PEtab problem '%s': %s",
                         yaml_path, st == MUSKX_EIO ? msg : muskx_strerror(st));
  }
  st = muskx__yaml_parse(ft.text, ft.len, pb->yaml_path, &root, err);
  muskx__free(ft.text);
  if (st != MUSKX_OK) return st;
  /* The files the problem names are read only inside its folder and
     access's folders (fileaccess.h), as a model's imports are. */
  if ((st = muskx__folders_open(&scope, access, yaml_path, err)) != MUSKX_OK)
    goto done;
  if (root->kind != MUSKX__YAML_MAP) {
    loc.line = root->line;
    loc.col = root->col;
    st = muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                       "a PEtab problem file is a mapping");
    goto done;
  }
  muskx__yaml_node *fv = muskx__yaml_get(root, "format_version", NULL);
  if (fv == NULL || fv->kind != MUSKX__YAML_SCALAR ||
      (strcmp(fv->text, "1") != 0 && strncmp(fv->text, "1.", 2) != 0)) {
    loc.line = fv ? fv->line : root->line;
    loc.col = fv ? fv->col : root->col;
    st = muskx__seterr(err, MUSKX_EUNSUPPORTED, &loc,
                       "format_version must be 1 (PEtab version 1)");
    goto done;
  }
  const char *slash = strrchr(yaml_path, '/');
  /* "/p.yaml" keeps "/" as its directory. */
  dir = muskx__strndup(yaml_path, slash == NULL ? 0
                                  : slash == yaml_path ? 1
                                  : (size_t)(slash - yaml_path));
  if (dir == NULL) {
    st = NOMEM();
    goto done;
  }
  muskx__yaml_node *probs = muskx__yaml_get(root, "problems", NULL);
  if (probs == NULL || probs->kind != MUSKX__YAML_SEQ || probs->n != 1 ||
      probs->items[0]->kind != MUSKX__YAML_MAP) {
    loc.line = probs ? probs->line : root->line;
    loc.col = probs ? probs->col : root->col;
    st = muskx__seterr(err, probs && probs->kind == MUSKX__YAML_SEQ &&
                                probs->n > 1 ? MUSKX_EUNSUPPORTED
                                             : MUSKX_ESYNTAX, &loc,
                       "'problems' must be a list of exactly one mapping");
    goto done;
  }
  const muskx__yaml_node *pm = probs->items[0];
  if ((st = one_file(root, "parameter_file", yaml_path, dir, &files[0], err)) ||
      (st = one_file(pm, "sbml_files", yaml_path, dir, &files[1], err)) ||
      (st = one_file(pm, "observable_files", yaml_path, dir, &files[2], err)) ||
      (st = one_file(pm, "condition_files", yaml_path, dir, &files[3], err)) ||
      (st = one_file(pm, "measurement_files", yaml_path, dir, &files[4], err)))
    goto done;
  if ((st = muskx__tsv_read(files[0], &scope, tp, err)) ||
      (st = read_params(pb, tp, err)) ||
      (st = muskx__tsv_read(files[2], &scope, &to, err)) ||
      (st = read_observables(pb, &to, err)) ||
      (st = muskx__tsv_read(files[3], &scope, &tc, err)) ||
      (st = read_conditions(pb, &tc, err)) ||
      (st = muskx__tsv_read(files[4], &scope, &pb->measurements_table, err)) ||
      (st = read_measurements(pb, &pb->measurements_table, err)))
    goto done;
  st = muskx__petab_build_model(pb, files[1], &scope, &to, &tc, err);
  if (st == MUSKX_OK) st = muskx__petab_sens_prepare(pb, err);
done:
  muskx__folders_close(&scope);
  muskx__yaml_free(root);
  muskx__tsv_free(&to);
  muskx__tsv_free(&tc);
  muskx__free(dir);
  return st;
}

void muskx__petab_clear(struct muskx_petab *pb) {
  muskx__native_free(pb->native);
  muskx__petab_sens_clear(pb); /* before the model and tables it points into */
  muskx_model_free(pb->model);
  muskx__tsv_free(&pb->measurements_table);
  muskx__tsv_free(&pb->parameters_table);
  for (int i = 0; i < pb->nparams; i++) muskx__free(pb->params[i].id);
  for (int i = 0; i < pb->nobs; i++) {
    muskx__free(pb->obs[i].id);
    muskx__free(pb->obs[i].formula);
    muskx__free(pb->obs[i].noise);
  }
  for (int i = 0; i < pb->nph; i++) muskx__free(pb->ph_names ? pb->ph_names[i] : NULL);
  for (int i = 0; i < pb->ntargets; i++) muskx__free(pb->targets[i].id);
  for (int i = 0; i < pb->nconds; i++) {
    muskx__free(pb->conds[i].id);
    muskx__free(pb->conds[i].values);
  }
  for (int i = 0; i < pb->nmeas; i++) {
    muskx__free(pb->meas[i].obs_text);
    muskx__free(pb->meas[i].noise_text);
  }
  for (int i = 0; i < pb->nexp; i++) {
    muskx__free(pb->exps[i].ph);
    muskx__free(pb->exps[i].times);
  }
  muskx__free(pb->yaml_path);
  for (int k = 0; k < MUSKX__PETAB_NFILES; k++) muskx__free(pb->files[k]);
  muskx__free(pb->params);
  muskx__free(pb->theta_param);
  muskx__free(pb->obs);
  muskx__free(pb->ph_names);
  muskx__free(pb->ph_model);
  muskx__free(pb->targets);
  muskx__free(pb->conds);
  muskx__free(pb->meas);
  muskx__free(pb->exps);
  memset(pb, 0, sizeof *pb);
}
