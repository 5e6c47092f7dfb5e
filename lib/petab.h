/*
 * petab.h -- PEtab version 1 parameter-estimation problems (issue 15).
 *
 * A problem is read once (petab_load.c) into the struct below, every id of
 * its tables resolved to an index; the model is then loaded with the
 * problem's observable and noise formulas added as outputs and their
 * placeholders (observableParameter<n>_<obs>, noiseParameter<n>_<obs>) and
 * the parameter table's ids that the model lacks added as parameters
 * (petab_model.c), so that observables, sigmas and, later, their
 * sensitivities all come from the engine. Evaluation (petab_eval.c)
 * simulates each "experiment": a (pre-equilibration condition, simulation
 * condition, placeholder overrides) combination; measurements of one
 * condition whose overrides differ for the same placeholder go to
 * different experiments.
 *
 * Invariants once loaded: every index is in range; a problem is never
 * written again (evaluation works on caller-owned simulations), so one
 * problem may be shared by threads, each with its own muskx_sim; the one
 * exception, muskx_petab_set_native (petab_native.c), replaces its native
 * code and is called before the problem is shared.
 */
#ifndef MUSKX_PETAB_H
#define MUSKX_PETAB_H

#include <stddef.h>

#include "fileaccess.h"
#include "muskx.h"

/* --- petab_tsv.c: tab-separated tables -------------------------------- */

typedef struct muskx__tsv {
  char *path;      /* for messages */
  int ncols, nrows;
  char **header;   /* ncols names */
  char **cells;    /* nrows * ncols, row-major, blanks trimmed */
  int *line;       /* per row: 1-based line in the file */
  int *col;        /* per cell: 1-based column of its first byte */
} muskx__tsv;

/* Reads a table when scope admits it (fileaccess.h): the first line is
   the header, blank lines are skipped, every row must have as many fields
   as the header. EIO (unreadable, or outside scope), ESYNTAX (with
   file:line:col), ELIMIT (larger than 16 MiB), ENOMEM. */
muskx_status muskx__tsv_read(const char *path, const muskx__folders *scope,
                             muskx__tsv *out, muskx_error *err);
void muskx__tsv_free(muskx__tsv *t);
/* Index of the column named name, or -1. */
int muskx__tsv_column(const muskx__tsv *t, const char *name);
/* The cell (never NULL; "" for an absent column c < 0). */
const char *muskx__tsv_cell(const muskx__tsv *t, int row, int c);
/* Fills err with "path:line:col: message" for cell (row, c) (c < 0: the
   row's first column). Returns status. */
muskx_status muskx__tsv_fail(const muskx__tsv *t, int row, int c,
                             muskx_error *err, muskx_status status,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* --- the problem ------------------------------------------------------- */

typedef enum { MUSKX__PETAB_LIN = 0, MUSKX__PETAB_LOG = 1,
               MUSKX__PETAB_LOG10 = 2 } muskx__petab_scale;

/* A value in a table: a number, or a parameter of the parameter table. */
typedef struct muskx__petab_value {
  int par;      /* >= 0: index in parameters; -1: the number `num` */
  double num;   /* NAN in a condition: "keep the model's / preceding value" */
} muskx__petab_value;

typedef struct muskx__petab_param {
  char *id;
  muskx__petab_scale scale;
  double lower, upper, nominal; /* on the linear scale, as in the table */
  int estimate;
  int theta;        /* index among the estimated ones, or -1 */
  int model_param;  /* index of the model parameter of that id, or -1 */
} muskx__petab_param;

typedef struct muskx__petab_observable {
  char *id;
  char *formula, *noise;      /* as written ("**" already made "^") */
  muskx__petab_scale transform;
  int laplace;                /* noiseDistribution laplace, else normal */
  int n_obs_ph, n_noise_ph;   /* highest placeholder numbers used */
  int sigma_is_ph;            /* the noise formula is just its one noise
                                 placeholder: sigma is the measurement's
                                 override itself, so differing noise
                                 values need no separate simulation */
  int ph_base;                /* its placeholders' first index in
                                 problem placeholders: observable ones,
                                 then noise ones */
  int out_obs, out_sigma;     /* output indices in the model */
  int line;                   /* row of the observable table */
} muskx__petab_observable;

/* A model entity a condition table column sets. */
typedef enum { MUSKX__PETAB_TGT_PARAM, MUSKX__PETAB_TGT_COMPARTMENT,
               MUSKX__PETAB_TGT_SPECIES } muskx__petab_target_kind;

typedef struct muskx__petab_target {
  char *id;
  muskx__petab_target_kind kind;
  int index;                  /* in the model's parameters, compartments
                                 or species */
} muskx__petab_target;

typedef struct muskx__petab_condition {
  char *id;
  muskx__petab_value *values; /* one per target */
} muskx__petab_condition;

typedef struct muskx__petab_measurement {
  int obs;
  int preeq;                  /* condition index, -1: none */
  int cond;
  double time;                /* INFINITY: at steady state */
  double value;
  int exp;                    /* experiment index */
  int row;                    /* its row in the experiment's times, or -1
                                 for time inf */
  int line;
  muskx__petab_value sigma;   /* sigma_is_ph: the override */
  char *obs_text, *noise_text; /* override cells as written (for the
                                  simulations table) */
} muskx__petab_measurement;

/* One simulation: conditions plus the placeholder values it uses. */
typedef struct muskx__petab_experiment {
  int preeq, cond;
  muskx__petab_value *ph;     /* nph entries; par -2 = not used here */
  double *times;              /* ntimes finite times, increasing, from 0 */
  size_t ntimes;
  int has_inf;                /* a measurement at steady state */
} muskx__petab_experiment;

/* The input files of a problem, as muskx_petab_file() numbers them
   after the problem file (0). */
#define MUSKX__PETAB_NFILES 5

/* petab_sens.c: the model values of one experiment that move with theta,
   found once at load (they depend on the tables and the model's
   structure, not on theta): names[j] (pointers into the problem) follows
   theta[j], j < n; keep[j] says whether it can move the outputs the
   experiment measures (sens_reach.h). why, when not NULL, is why the
   experiment's derivatives are refused (then n is 0). */
typedef struct muskx__petab_sens_list {
  int n;
  const char **names;
  int *theta;
  unsigned char *keep;
  char *why;
} muskx__petab_sens_list;

struct muskx_petab {
  char *yaml_path;
  char *files[MUSKX__PETAB_NFILES]; /* parameter, model, observable,
                                       condition, measurement file: paths
                                       as opened (for muskx_petab_file) */
  muskx_model *model;         /* the augmented model (owned) */
  muskx__tsv measurements_table; /* kept for the simulations table */
  muskx__tsv parameters_table;   /* kept for a table of fitted values */
  int nparams, ntheta;
  muskx__petab_param *params;
  int *theta_param;           /* ntheta: parameter index of each */
  int nobs;
  muskx__petab_observable *obs;
  int nph;
  char **ph_names;            /* placeholder model parameter names */
  int *ph_model;              /* their model parameter indices */
  int ntargets;
  muskx__petab_target *targets;
  int nconds;
  muskx__petab_condition *conds;
  int nmeas;
  muskx__petab_measurement *meas;
  int nexp;
  muskx__petab_experiment *exps;
  muskx__petab_sens_list *sens; /* nexp, found at load (petab_sens.c) */
  int sens_keep_all;          /* 1: every experiment gets a sensitivity
                                 for every value theta moves, reaching its
                                 outputs or not (petab_sens.c; tests) */
  struct muskx__native *native; /* the model's rhs and Jacobian as native
                                 code (muskx_petab_set_native, vm_native.h;
                                 owned, immutable, shared by every sim an
                                 evaluation runs), or NULL: the VM */
};

/* petab_load.c: the problem file and its tables (model included), each
   read only inside the problem file's folder and access's folders. */
muskx_status muskx__petab_read(const char *yaml_path,
                               const muskx_access *access,
                               struct muskx_petab *pb, muskx_error *err);
void muskx__petab_clear(struct muskx_petab *pb);

/* petab_model.c: loads the model at model_path (SBML or muskx YAML) with
   the observables, sigmas and placeholders added, checks the names of the
   formulas (positions in obs_table) and resolves every model id of the
   tables (condition columns: positions in cond_table). */
muskx_status muskx__petab_build_model(struct muskx_petab *pb,
                                      const char *model_path,
                                      const muskx__folders *scope,
                                      const muskx__tsv *obs_table,
                                      const muskx__tsv *cond_table,
                                      muskx_error *err);

/* Scale helpers (petab_eval.c): linear value of a scaled one, and back. */
double muskx__petab_unscale(double x, muskx__petab_scale s);
double muskx__petab_toscale(double x, muskx__petab_scale s);

/* What one evaluation fills (petab_eval.c); every pointer may be NULL.
   Per measurement, in table order: sim (untransformed simulated
   observable), res (transformed data minus transformed simulation,
   divided by sigma), sigma, llh_i (log density). Sums: llh, chi2
   (squared residuals). Derivatives with respect to theta, which need
   forward sensitivities, row-major per measurement (nmeas x ntheta):
   dsim, dres, dsigma; and grad (ntheta), d llh / d theta. */
typedef struct muskx__petab_out {
  double *sim, *res, *sigma, *llh_i;
  double *llh, *chi2;
  double *dsim, *dres, *dsigma, *grad;
} muskx__petab_out;

/* d value / d theta of a parameter of linear value p on scale s. */
double muskx__petab_dunscale(double p, muskx__petab_scale s);

/*
 * Evaluates the problem at theta (ntheta values on the parameters'
 * scales) with sim (created from pb->model, tolerances set by the
 * caller). Errors are recorded on sim.
 */
muskx_status muskx__petab_evaluate(const struct muskx_petab *pb,
                                   muskx_sim *sim, const double *theta,
                                   const muskx__petab_out *out);

/* petab_sens.c: fills pb->sens for every experiment (after the model is
   built and the tables read); ENOMEM on failure. Freed by
   muskx__petab_sens_clear (muskx__petab_clear calls it). */
muskx_status muskx__petab_sens_prepare(struct muskx_petab *pb,
                                       muskx_error *err);
void muskx__petab_sens_clear(struct muskx_petab *pb);
/* The model values of experiment e that move with theta, from pb->sens:
   names[j] (model parameter, compartment or species ids, pointers into
   pb) follows theta[j]; arrays of nparams + nph + ntargets. Only the
   values that can move the outputs e measures (sens_reach.h), unless
   pb->sens_keep_all. Returns their number; or -1 with a reason in why (a
   condition column that follows different parameters before and after
   pre-equilibration). */
int muskx__petab_sens_entities(const struct muskx_petab *pb, int e,
                               const char **names, int *theta, char *why,
                               size_t whysize);
/* For one measurement (data m, simulation y, sigma, residual r) and the
   derivatives dy, dsigma of y and sigma (ntheta each): dres (may be NULL)
   receives d r / d theta, grad (may be NULL) is added d llh_i / d theta. */
void muskx__petab_measurement_derivs(const muskx__petab_observable *o,
                                     double m, double y, double sigma,
                                     double r, const double *dy,
                                     const double *dsigma, int ntheta,
                                     double *dres, double *grad);

#endif
