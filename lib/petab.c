/*
 * petab.c -- the public muskx_petab_* API: loading, the estimated
 * parameters, evaluation and the simulations table. The work is done in
 * petab_load.c, petab_model.c and petab_eval.c.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "numlocale.h"
#include "petab.h"

static muskx_status petab_load(const char *yaml_path,
                               const muskx_access *access,
                               muskx_petab **out, muskx_error *err) {
  muskx__clearerr(err);
  if (out == NULL || yaml_path == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "yaml_path and out must not be NULL");
  *out = NULL;
  muskx_petab *pb = muskx__calloc(1, sizeof *pb);
  if (pb == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  muskx_status st = muskx__petab_read(yaml_path, access, pb, err);
  if (st != MUSKX_OK) {
    muskx_petab_free(pb);
    return st;
  }
  *out = pb;
  return MUSKX_OK;
}

muskx_status muskx_petab_load_with(const char *yaml_path,
                                   const muskx_access *access,
                                   muskx_petab **out, muskx_error *err) {
  muskx__c_numeric num; /* numbers with a '.' point (numlocale.h) */
  if (out != NULL) *out = NULL;
  muskx_status st = muskx__c_numeric_enter(&num, err);
  if (st != MUSKX_OK) return st;
  st = petab_load(yaml_path, access, out, err);
  muskx__c_numeric_leave(&num);
  return st;
}

muskx_status muskx_petab_load(const char *yaml_path, muskx_petab **out,
                              muskx_error *err) {
  return muskx_petab_load_with(yaml_path, NULL, out, err);
}

void muskx_petab_free(muskx_petab *pb) {
  if (pb == NULL) return;
  muskx__petab_clear(pb);
  muskx__free(pb);
}

const muskx_model *muskx_petab_model(const muskx_petab *pb) {
  return pb ? pb->model : NULL;
}

int muskx_petab_nparams(const muskx_petab *pb) { return pb ? pb->ntheta : -1; }

int muskx_petab_nmeasurements(const muskx_petab *pb) {
  return pb ? pb->nmeas : -1;
}

const char *muskx_petab_file(const muskx_petab *pb, int index) {
  if (pb == NULL || index < 0 || index > MUSKX__PETAB_NFILES) return NULL;
  return index == 0 ? pb->yaml_path : pb->files[index - 1];
}

static const muskx__petab_param *theta_param(const muskx_petab *pb, int k) {
  if (pb == NULL || k < 0 || k >= pb->ntheta) return NULL;
  return &pb->params[pb->theta_param[k]];
}

const char *muskx_petab_param_id(const muskx_petab *pb, int k) {
  const muskx__petab_param *p = theta_param(pb, k);
  return p ? p->id : NULL;
}

int muskx_petab_param_scale(const muskx_petab *pb, int k) {
  const muskx__petab_param *p = theta_param(pb, k);
  return p ? (int)p->scale : -1;
}

muskx_status muskx_petab_param_info(const muskx_petab *pb, int k,
                                    double *lower, double *upper,
                                    double *nominal) {
  const muskx__petab_param *p = theta_param(pb, k);
  if (p == NULL) return MUSKX_EINVAL;
  if (lower) *lower = muskx__petab_toscale(p->lower, p->scale);
  if (upper) *upper = muskx__petab_toscale(p->upper, p->scale);
  if (nominal) *nominal = muskx__petab_toscale(p->nominal, p->scale);
  return MUSKX_OK;
}

muskx_status muskx_petab_nominal(const muskx_petab *pb, double *theta,
                                 muskx_error *err) {
  if (pb == NULL || (theta == NULL && pb->ntheta > 0)) return MUSKX_EINVAL;
  for (int k = 0; k < pb->ntheta; k++) {
    int r = pb->theta_param[k]; /* its row of the parameter table */
    const muskx__petab_param *p = &pb->params[r];
    if (isnan(p->nominal)) {
      const muskx__tsv *t = &pb->parameters_table;
      return muskx__tsv_fail(t, r, muskx__tsv_column(t, "nominalValue"), err,
                             MUSKX_EMODEL,
                             "'%s' has no nominalValue, so the problem has no "
                             "nominal point; give one, or fit it (muskx fit "
                             "draws its starts within the bounds)", p->id);
    }
    theta[k] = muskx__petab_toscale(p->nominal, p->scale);
  }
  return MUSKX_OK;
}

muskx_status muskx_petab_llh(const muskx_petab *pb, muskx_sim *sim,
                             const double *theta, double *llh, double *chi2) {
  muskx__petab_out o = {0};
  o.llh = llh;
  o.chi2 = chi2;
  return muskx__petab_evaluate(pb, sim, theta, &o);
}

muskx_status muskx_petab_evaluate(const muskx_petab *pb, muskx_sim *sim,
                                  const double *theta, double *simulation,
                                  double *residual, double *sigma,
                                  double *llh, double *chi2) {
  muskx__petab_out o = {0};
  o.sim = simulation;
  o.res = residual;
  o.sigma = sigma;
  o.llh = llh;
  o.chi2 = chi2;
  return muskx__petab_evaluate(pb, sim, theta, &o);
}

muskx_status muskx_petab_gradient(const muskx_petab *pb, muskx_sim *sim,
                                  const double *theta, double *llh,
                                  double *grad) {
  if (grad == NULL) return MUSKX_EINVAL;
  muskx__petab_out o = {0};
  o.llh = llh;
  o.grad = grad;
  return muskx__petab_evaluate(pb, sim, theta, &o);
}

muskx_status muskx_petab_jacobian(const muskx_petab *pb, muskx_sim *sim,
                                  const double *theta, double *residual,
                                  double *sigma, double *dresidual,
                                  double *dsigma) {
  if (dresidual == NULL && dsigma == NULL) return MUSKX_EINVAL;
  muskx__petab_out o = {0};
  o.res = residual;
  o.sigma = sigma;
  o.dres = dresidual;
  o.dsigma = dsigma;
  return muskx__petab_evaluate(pb, sim, theta, &o);
}

/* Appends to a growing string; -1 when out of memory. */
typedef struct { char *p; size_t len, cap; } strbuf;
static int put(strbuf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *p = muskx__realloc(b->p, cap);
    if (p == NULL) return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n + 1);
  b->len += n;
  return 0;
}

static muskx_status parameters_table(const muskx_petab *pb,
                                     const double *theta,
                                     char **text_out) {
  if (text_out != NULL) *text_out = NULL;
  if (pb == NULL || text_out == NULL || (theta == NULL && pb->ntheta > 0))
    return MUSKX_EINVAL;
  const muskx__tsv *t = &pb->parameters_table;
  int cn = muskx__tsv_column(t, "nominalValue");
  strbuf b = {NULL, 0, 0};
  int bad = 0;
  for (int c = 0; c < t->ncols; c++) {
    bad |= put(&b, c ? "\t" : "");
    bad |= put(&b, t->header[c]);
  }
  bad |= put(&b, "\n");
  for (int r = 0; r < t->nrows && !bad; r++) {
    const muskx__petab_param *p = &pb->params[r]; /* one per row */
    for (int c = 0; c < t->ncols; c++) {
      char num[40];
      const char *cell = muskx__tsv_cell(t, r, c);
      if (c == cn && p->theta >= 0) {
        /* theta within its bounds on its scale is within them on the
           linear scale too: pow(10, log10(b)) may round past b (0.02 ->
           0.020000000000000004), and the table, written for a fit that
           ended on its bound, would not load again (fuzz_petab) */
        double th = theta[p->theta];
        double v = muskx__petab_unscale(th, p->scale);
        if (th <= muskx__petab_toscale(p->upper, p->scale) && v > p->upper)
          v = p->upper;
        if (th >= muskx__petab_toscale(p->lower, p->scale) && v < p->lower)
          v = p->lower;
        if (isinf(v) && isfinite(th)) v = v > 0 ? DBL_MAX : -DBL_MAX;
        snprintf(num, sizeof num, "%.17g", v);
        cell = num;
      }
      bad |= put(&b, c ? "\t" : "");
      bad |= put(&b, cell);
    }
    bad |= put(&b, "\n");
  }
  if (bad) {
    muskx__free(b.p);
    return MUSKX_ENOMEM;
  }
  *text_out = b.p;
  return MUSKX_OK;
}

muskx_status muskx_petab_parameters_table(const muskx_petab *pb,
                                          const double *theta,
                                          char **text_out) {
  muskx__c_numeric num; /* numbers with a '.' point (numlocale.h) */
  if (text_out != NULL) *text_out = NULL;
  if (muskx__c_numeric_enter(&num, NULL) != MUSKX_OK) return MUSKX_ENOMEM;
  muskx_status st = parameters_table(pb, theta, text_out);
  muskx__c_numeric_leave(&num);
  return st;
}

static muskx_status simulations_table(const muskx_petab *pb,
                                      const double *simulation,
                                      char **text_out) {
  if (text_out != NULL) *text_out = NULL;
  if (pb == NULL || simulation == NULL || text_out == NULL) return MUSKX_EINVAL;
  const muskx__tsv *t = &pb->measurements_table;
  int cm = muskx__tsv_column(t, "measurement");
  strbuf b = {NULL, 0, 0};
  int bad = 0;
  for (int c = 0; c < t->ncols; c++) {
    bad |= put(&b, c ? "\t" : "");
    bad |= put(&b, c == cm ? "simulation" : t->header[c]);
  }
  bad |= put(&b, "\n");
  for (int r = 0; r < t->nrows && !bad; r++) {
    for (int c = 0; c < t->ncols; c++) {
      char num[40];
      snprintf(num, sizeof num, "%.17g", simulation[r]);
      bad |= put(&b, c ? "\t" : "");
      bad |= put(&b, c == cm ? num : muskx__tsv_cell(t, r, c));
    }
    bad |= put(&b, "\n");
  }
  if (bad) {
    muskx__free(b.p);
    return MUSKX_ENOMEM;
  }
  *text_out = b.p;
  return MUSKX_OK;
}

muskx_status muskx_petab_simulations_table(const muskx_petab *pb,
                                           const double *simulation,
                                           char **text_out) {
  muskx__c_numeric num; /* numbers with a '.' point (numlocale.h) */
  if (text_out != NULL) *text_out = NULL;
  if (muskx__c_numeric_enter(&num, NULL) != MUSKX_OK) return MUSKX_ENOMEM;
  muskx_status st = simulations_table(pb, simulation, text_out);
  muskx__c_numeric_leave(&num);
  return st;
}
