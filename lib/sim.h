/*
 * sim.h -- the simulation object: one model's settings, register file,
 * CVODE workspace, event state and results of the last run. Owned by one
 * thread; the model it points to is shared and read-only.
 */
#ifndef MUSKX_SIM_H
#define MUSKX_SIM_H

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include "compile.h"
#include "model.h"

#define MUSKX__NSTATS 11

/* The automatic linear solver uses SUNDIALS' dense LU up to this many
   states and LAPACK (OpenBLAS dgetrf/dgetrs) above, for CVODE and IDA.
   Measured 2026-11-25 (median run time, same run, OPENBLAS_NUM_THREADS=1,
   random mass-action networks of bench/gen_network.py): LAPACK/dense time
   1.13 at 3 states (Robertson), 0.96 at 10, 0.88 at 20 (POLLU 0.86), 0.66
   at 40, 0.40 at 160; callgrind instruction counts agree. */
#define MUSKX__DENSE_MAX 9

typedef struct muskx__table {
  size_t n;
  double *times, *values; /* owned copies */
  muskx_interp interp;
} muskx__table;

typedef struct muskx__dose {
  int species;
  double t0, amount, every;
  long count;
} muskx__dose;

/* A scheduled firing: timed events, doses and delayed events. */
typedef struct muskx__pending {
  double time;
  int event;        /* event index */
  int has_values;   /* values computed at trigger time */
  double *values;   /* nsets values when has_values */
} muskx__pending;

struct muskx_sim {
  const muskx_model *m;
  const muskx__program *p;
  double *R; /* register file */
  /* native code of p->rhs and p->jac (vm_native.h), owned by whoever set
     it (an ensemble for its workers' sims); NULL: the VM runs them */
  const struct muskx__native *native;
  double *native_cache; /* its per-simulation cache (vm_native.h) */
  int native_checked;   /* the rhs's cached part was checked against the
                           parameters since they last could change
                           (muskx__sim_eval_rhs_to; cleared at a run's
                           start and by muskx__events_fire_due) */
  int native_out;       /* out_keep is native->kept: run native->out */

  /* settings (survive runs; muskx_sim_reset restores defaults) */
  double *param_user; uint8_t *param_set;
  double *init_user; uint8_t *init_set;
  muskx__table *inputs; /* per input: n == 0 means constant def */
  double *input_const;
  muskx__dose *doses; int ndoses, cap_doses;
  /* runs continue an earlier one (muskx_sim_set_continuing): firings
     before the start happened in it and are not an error */
  int continuing;
  /* set up by muskx_scenario_apply: runs start at day 0, where the
     scenario's first phase begins */
  int scenario_start;
  /* parameters driven as step functions of time (param_steps.c) */
  muskx__table *psteps; int *pstep_param; int npsteps;
  double rtol, atol;
  double *atol_species; /* NAN = use atol */
  muskx_linear_solver ls;
  long max_steps;
  double hmax;

  /* IDA workspace (dae.c), for models with algebraic equations; y, abstol
     and constraints below are shared with CVODE (a model uses one or the
     other) */
  void *ida;
  N_Vector yp, id;
  SUNMatrix dae_A;
  SUNLinearSolver dae_LS;
  int dae_ls_built;   /* muskx_linear_solver in dae_A/dae_LS, -1 none */
  int ida_ready;      /* IDAInit done */

  /* CVODE workspace, created lazily for the chosen linear solver */
  SUNContext ctx;
  void *cvode;
  N_Vector y, abstol, constraints;
  SUNMatrix A;
  SUNLinearSolver LS;
  int ls_built;       /* muskx_linear_solver in A/LS, -1 none */
  int cvode_ready;    /* CVodeInit done */
  int32_t *klu_map;   /* per Jacobian entry: position in the KLU matrix */
  int32_t *klu_colptr, *klu_rowind; int32_t klu_nnz;
  /* KLU's linear system (solver.c, linsys_klu): per column the position
     of its diagonal entry in the pattern (n), CVODE's saved Jacobian as
     values in that pattern (klu_nnz), and whether they are set */
  int32_t *klu_diag;
  double *jsaved;
  int jsaved_ok;
  int klu_cvode_linsys; /* 1: CVODE's own cvLsLinSys instead (tests: the
                           reference linsys_klu is checked against) */
  /* SPGMR (MUSKX_LS_SPGMR): the Jacobian's values in the order of
     p->jac (jac_nnz), its diagonal and 1 / (1 - gamma J_ii), n each */
  double *it_jval, *it_jdiag, *it_pinv;

  /* per-run state */
  double *in_a, *in_b;  /* input value = a + b t on the current interval */
  uint8_t *prev_trigger; /* truth of each event's `when` */
  double *ev_next; long *ev_left; double *ev_every, *ev_until;
  long *dose_left; double *dose_next;
  muskx__pending *pending; int npending, cap_pending;
  double *scratch;      /* nspecies + max_sets, then nspecies (probe) */
  int max_sets;         /* largest event `set` list (+ delay, priority) */
  /* conservation.c: A, totals and work space; dgesv pivots */
  double *cons_a; int *cons_ipiv;
  int *rootsfound;      /* per root: located at this root/stop (events.c
                           zeroes it after judging) */
  /* per root: the exact time of its zero when it is t - X (compile.h
     root_times), then per root the last such time handled (events.c) */
  double *root_time;
  double bad_time; int bad_result; /* last non-finite RHS result */
  /* Newton matrix I - gamma J (issue 16): the largest |J| entry of the
     last Jacobian, and the time and gamma at which gamma |J| overflowed */
  double jac_maxabs, newton_time, newton_gamma;
  /* After a root return, `when` conditions are judged just past the root
     (CVODE may stop exactly on g == 0, where `A < 0.5` is still false);
     event assignments still use the state at the root. */
  N_Vector yprobe;
  const double *probe_y; /* NULL: judge at the current state */
  double probe_t;
  double t_start;       /* start time of the run being set up: species
                           initial values that use t are taken there */
  int autonomous;       /* steady-state integration: no events, inputs
                           frozen at their t = 0 values */

  /* Delay history (delay.c), for models with delay(): one point (t, y,
     y') per accepted CVODE step, after the start and after every event
     (a second point at the same t, so an event's jump is kept). Grown
     geometrically; kept across runs, emptied at each start. */
  double *hist_t, *hist_y, *hist_yp;
  size_t nhist, cap_hist;
  double *delay_buf;    /* ndelays taus, then nspecies + nspecies scratch */
  int bad_delay;        /* delay with a negative tau (-1: none) */
  double bad_delay_time, bad_delay_tau;
  double root_pending;  /* a root CVODE returned past the requested time
                           (CV_ONE_STEP), reported at the next call; NAN */

  long stats[MUSKX__NSTATS];
  double fail_time;
  char errmsg[MUSKX_ERROR_MESSAGE_MAX];

  /* Forward sensitivities (sens.c, sens_events.c, sens_steady.c). Row-
     major by state: sens_y[i * nsens + k] = d y_i / d p_k. */
  int nsens;             /* chosen parameters, 0: off */
  int *sens_slot;        /* per p_k: parameter-like slot, or -1 */
  int *sens_species;     /* per p_k: species (initial value), or -1 */
  char **sens_names;     /* as given */
  int sens_active;       /* the current run integrates sensitivities */
  int sens_built;        /* CVodeSensInit done for sens_nvec vectors */
  int sens_nvec;
  N_Vector *yS;          /* sens_nvec vectors for CVODES */
  double *sens_y;        /* nspecies * nsens: the state's now */
  double *sens_P;        /* nparamlike * nsens: the parameters' now */
  uint8_t *sens_P_nz;    /* per parameter-like slot: a nonzero row */
  int *sens_P_one;       /* per slot: the row's only nonzero column, or -1 */
  muskx__instr *sens_fcode; /* the instructions of sens.f_all the slots
                               with sens_P_nz need, in order */
  int32_t sens_nfcode;
  uint8_t *sens_fneed;   /* per instruction of sens.f_all: needed */
  double *sens_work;     /* jac_nnz + 3 * nspecies * nsens + more */
  double *sens_pbar;     /* nsens scales for error control */
  double *sens_ss;       /* nspecies * nsens from the last steady state */
  uint8_t *init_ss;      /* per species: initial value from a steady state:
                            1 without, 2 with sensitivities (sens_ss) */
  double *sens_tau;      /* nsens: d(root time)/d p_k, NAN when unknown */
  double *sens_prev;     /* nspecies * nsens: s before a root's events */
  double *sens_out;      /* rows of output sensitivities, NULL: none */
  int *sens_dyn;         /* the sens_ndyn parameters CVODES integrates (the
                            others cannot move the state: theirs stay 0) */
  int sens_ndyn;
  double *sens_pbar_dyn; /* sens_pbar of those, in CVODES' order */
  double *sens_cache_y;  /* the (t, y) of the J and df/dp in sens_work */
  double sens_cache_t;
  int sens_cache_ok;

  /* columns chosen with muskx_sim_select() (sim_columns.c); 0: species
     then outputs */
  struct muskx__column *columns;
  int ncolumns;

  /* last steady state */
  double steady_resid;
  double *eig_re, *eig_im; int neig;
  muskx_stability stability;

  /* Work only asked for (issue 19; set by ensembles, whose sims nobody
     else sees): no eigenvalues after a steady state, and at sample times
     only the outputs out_keep[0..n_out_keep-1] (a pruned copy of
     p->outputs; the other output columns of a row are NaN). */
  int skip_eigen;
  /* restarts inside a run refactor the last factor (KLU: a factorisation
     from scratch only at a run's start; muskx__klu_ls_reuse) */
  int keep_pivots;
  /* sample times interpolate only the states sample_idx[0..sample_n-1]
     (the ones the selected columns read; sample_on, set by
     muskx__sim_sample_states) into ysample (muskx__nvector_new_sampled) */
  int sample_on;
  int32_t *sample_idx;
  int32_t sample_n;
  N_Vector ysample;
  /* per event: its occurrences change nothing now (events_inert.c), so
     the integrator does not stop for them */
  uint8_t *ev_inert;
  int have_out_keep;
  muskx__prog out_keep;
  int32_t *out_keep_idx;
};

/* sim_columns.c: the selected columns of one row at (t, y) */
void muskx__sim_record_selected(muskx_sim *s, double t, const double *y,
                                double *row);
void muskx__sim_columns_free(muskx_sim *s);
/* Sample rows need only some states: the states the selected columns'
   programs read (the kept outputs or all outputs) and the selected
   species. Sets s->sample_idx and turns sample_on on when every selected
   column is of a kind recorded from those (not assignments or rates);
   MUSKX_ENOMEM when out of memory. A new selection turns it off. */
muskx_status muskx__sim_sample_states(muskx_sim *s);
/* The kind (a muskx_kind, or -1 for time) and index within it of
   selected column j. */
int muskx__sim_column_kind(const muskx_sim *s, int j, int *index);

/* sim.c */
muskx_status muskx__sim_err(muskx_sim *s, muskx_status st, const char *fmt,
                            ...) MUSKX__PRINTF(3, 4);
/* Loads parameters and initial values (defaults or overrides) into R and
   y0 (nspecies). */
void muskx__sim_load_values(muskx_sim *s, double *y0);
/* Input coefficients for the interval that starts at t. */
void muskx__sim_inputs_at(muskx_sim *s, double t);
/* Input i on the interval that starts at t is a + b*t. */
void muskx__sim_input_coeffs(const muskx_sim *s, int i, double t, double *a,
                             double *b);
/* Absolute tolerance of species i: its own if set, else the scalar one. */
double muskx__sim_atol(const muskx_sim *s, int i);
/* The integrators' common setup: fills abstol (n >= 1 entries; a model
   without species has one placeholder state) and, when a species is
   nonnegative, creates s->constraints once (1 = ">= 0"). Returns MUSKX_OK
   and sets *any_nonneg, or ENOMEM. */
muskx_status muskx__sim_tolerance_vectors(muskx_sim *s, int n, int *any_nonneg);
/* events_inert.c: recomputes s->ev_inert from the current parameters.
   MUSKX_OK or ENOMEM. */
muskx_status muskx__events_find_inert(muskx_sim *s);
/* Evaluates only `which` (n output indices) at sample times from now on
   (see out_keep); n < 0 returns to every output. MUSKX_OK or ENOMEM. */
muskx_status muskx__sim_keep_outputs(muskx_sim *s, const int *which, int n);
/* The right-hand side at (t, y) into dy (the rhs program's results in
   order, as muskx__sim_eval and a gather of them give, bit for bit) by
   the native code's muskx_native_rhs_dy (and _cached); 0 (nothing done)
   without native code, native code lacking either, or for a model with
   delays, 1 when done. */
int muskx__sim_eval_rhs_to(muskx_sim *s, double t, const double *y,
                           double *dy);
/* Evaluates program p at (t, y) with the current parameters/inputs. */
void muskx__sim_eval(muskx_sim *s, const muskx__prog *p, double t,
                     const double *y);

/* solver.c */
/* Integrates from (t0, y0) writing rows at times[]; the engine of run. */
muskx_status muskx__solver_run(muskx_sim *s, const double *y0,
                               const double *times, size_t ntimes,
                               double *out, size_t *rows_done,
                               double *yfinal);
void muskx__solver_free(muskx_sim *s);

/* events.c: the event machinery both integrators share */
/* Timed events and doses: first firing at or after t0; clears pending. */
muskx_status muskx__events_schedule(muskx_sim *s, double t0);
/* Failure reports shared by the CVODE and IDA drivers. The message for a
   non-finite right-hand side at s->bad_time: the reaction whose rate is
   not finite (with its file:line:col) or else the species; sets
   fail_time. flagname is the integrator's flag, for the reader. */
muskx_status muskx__events_nonfinite_error(muskx_sim *s, const char *flagname);
/* The species with the largest weighted local error |ele_i * ewt_i| (> 0
   and finite), or "?" when the integrator could not give them (ele/ewt
   NULL) or all are 0. With ele the state's time derivative instead: the
   species changing fastest relative to its error weight. */
const char *muskx__events_worst_species(const muskx_sim *s, const double *ele,
                                        const double *ewt);
/* Conditional events' truth at t0 (from their initial_value), judged at
   t0 itself; fires those that turn true there. Call before the first
   muskx__events_fire_due. */
muskx_status muskx__events_start(muskx_sim *s, double t, const double *y);
/* Everything due at t: doses, timed events, delayed events, and any
   cascade of conditional events they cause. *changed is set when a state
   or parameter changed (the integrator must restart). */
muskx_status muskx__events_fire_due(muskx_sim *s, double t, double *y,
                                    int *changed);
/* Earliest discontinuity strictly after t (INFINITY: none). */
double muskx__events_next_stop(const muskx_sim *s, double t);
/* Moves the inputs to the interval starting at t; 1 when any changed. */
int muskx__events_inputs_changed_at(muskx_sim *s, double t);
/* s->yprobe holds the state at tp just past a root (state s->y): judge
   `when` conditions there until s->probe_y is reset to NULL. */
void muskx__events_probe_set(muskx_sim *s, double tp);
/* One output row (species, then outputs, or the selected columns) at
   (t, y). */
void muskx__events_record(muskx_sim *s, double t, const double *y,
                          double *row);
/* sim_finite.c: ENONFINITE naming the time, column and expression when a
   recorded row holds NaN or an infinity (issue 16). */
muskx_status muskx__sim_check_row(muskx_sim *s, double t, const double *row);
/* sim_columns.c: where each selected output column is among the kept
   outputs; after muskx_sim_select() and muskx__sim_keep_outputs(). */
void muskx__sim_columns_link(muskx_sim *s);
/* sim_columns.c: the output that selected column j is, or -1. */
int muskx__sim_column_output(const muskx_sim *s, int j);
/* 1 when any of v[0..n) is infinite or NaN, else 0 (vectorized; rows
   and right-hand sides, where the answer is almost always 0). */
int muskx__any_nonfinite(const double *v, int n);
/* v[0..n) = NaN (the columns of a row not evaluated). */
void muskx__sim_fill_nan(double *v, int n);
/* EINVAL for output times a solver cannot reach: |t| > MUSKX__MAX_TIME
   (CVODE's step arithmetic overflows near 1e301 and never returns) or a
   positive gap below MUSKX__MIN_TIME_GAP (x max(1, |t|)), where the first
   step underflows to 0 (1e-320 gave NaN). */
#define MUSKX__MAX_TIME 1e250
#define MUSKX__MIN_TIME_GAP 1e-100
muskx_status muskx__sim_check_times(muskx_sim *s, const double *times,
                                    size_t n);

/* conservation.c: the moieties' totals from y (after a (re)start) and
   CVODE's projection onto them (a CVProjFn), every MUSKX__CONS_EVERY
   steps. A step leaves a drift of about a rounding, so a thousand steps
   leave about sqrt(1000) roundings (< 1e-15 on a total of 1), which the
   projection then removes; projecting every step costs bench_robertson
   +28 % (each projection perturbs CVODE's history), every 1000 steps
   nothing measurable there (507 steps) and about 2 % on long runs. */
#define MUSKX__CONS_EVERY 1000
muskx_status muskx__cons_reset(muskx_sim *s, const double *y);
int muskx__cons_project(double t, N_Vector ycur, N_Vector corr, double eps,
                        N_Vector err, void *ud);

/* param_steps.c: parameters driven as step functions of time */
/* Sets (replaces) the steps of parameter-like slot param: value values[k]
   from times[k] (increasing) on. */
muskx_status muskx__sim_param_steps(muskx_sim *s, int param, const double *times,
                                    const double *values, size_t n);
void muskx__param_steps_clear(muskx_sim *s);
/* The first step time strictly after t (INFINITY: none). */
double muskx__param_steps_next(const muskx_sim *s, double t);
/* Applies the steps due at t (all at the run start); 1 when a value
   changed, -1 out of memory. */
int muskx__param_steps_apply(muskx_sim *s, double t);

/* delay.c: history and delayed values for models with delay() */
/* Empties the history (and allocates the scratch on first use). */
muskx_status muskx__delay_reset(muskx_sim *s);
/* Appends (t, y, yp); yp NULL: computed from the right-hand side. */
muskx_status muskx__delay_push(muskx_sim *s, double t, const double *y,
                               const double *yp);
/* Fills the delay registers for the current (t, y) (y NULL: the state
   registers); run by muskx__sim_eval before every program. */
void muskx__delay_update(muskx_sim *s, double t, const double *y);
/* Smallest positive constant tau (INFINITY: none). */
double muskx__delay_min_tau(muskx_sim *s);
void muskx__delay_free(muskx_sim *s);

/* dae.c: the IDA driver, used by muskx__solver_run when p->nalg > 0 */
muskx_status muskx__dae_run(muskx_sim *s, const double *y0,
                            const double *times, size_t ntimes, double *out,
                            size_t *rows_done, double *yfinal);
void muskx__dae_free(muskx_sim *s);

/* sunmatrix_fast.c: SUNSparseMatrix() whose zero, copy, scale-add-identity
   and clone are the library's optimised, bit-identical copies. */
SUNMatrix muskx__sparse_matrix_new(sunindextype rows, sunindextype cols,
                                   sunindextype nnz, int type,
                                   SUNContext ctx);
/* ax = I + c J for a CSC pattern holding every diagonal entry: ax[i] =
   c jx[i] for i < nnz, then ax[diag[j]] = 1 + ax[diag[j]] for j < n --
   what SUNMatCopy of J into A and then SUNMatScaleAddI(c, A) leave in
   A's values, bit for bit (solver.c's linsys_klu). */
void muskx__sparse_identity_minus(double c, const double *restrict jx,
                                  int32_t nnz, const int32_t *diag, int n,
                                  double *restrict ax);
/* sunmatrix_dense_fast.c: SUNDenseMatrix() whose zero, copy,
   scale-add-identity and clone are the library's optimised, bit-identical
   copies. */
SUNMatrix muskx__dense_matrix_new(sunindextype rows, sunindextype cols,
                                  SUNContext ctx);
/* nvector_fast.c: a serial vector whose hot operations are the library's
   optimised copies of SUNDIALS' own (bit-identical results but for the
   weighted RMS norm's summation order); NULL when out of memory. Every vector the integrators clone from is made here. */
N_Vector muskx__nvector_new(int n, SUNContext ctx);
/* nvector_fast_arrays.c: such a vector whose linear combination (CVODE's
   interpolation to an output time, CVodeGetDky) computes only the nidx
   elements idx[] (a copy is kept), each bit-identical to the full
   operation's, when the full one would take its one-pass case; the
   other elements keep their values (0 at first). For CVode's yout at
   sample times only; its clones are plain muskx__nvector_new vectors.
   NULL when out of memory. */
N_Vector muskx__nvector_new_sampled(int n, SUNContext ctx, const int32_t *idx,
                                    int32_t nidx);
/* nvector_fast_arrays.c: installs the vector-array operations (linear
   sums, scale-add-multi, linear combinations of arrays) in v's table,
   bit-identical to SUNDIALS' per-vector fallback; muskx__nvector_new
   calls it. */
void muskx__nvector_fast_arrays(N_Vector v);
/* sunlinsol_dense_fast.c: SUNLinSol_Dense() whose LU factorisation and
   solve are the library's optimised, bit-identical copies; NULL when out
   of memory. */
SUNLinearSolver muskx__dense_ls_new(N_Vector y, SUNMatrix A, SUNContext ctx);
/* sunlinsol_klu_fast.c: SUNLinSol_KLU() that keeps its symbolic analysis
   across reinitialisations while the pattern stays the same (bit-identical
   results); NULL when out of memory. */
SUNLinearSolver muskx__klu_ls_new(N_Vector y, SUNMatrix A, SUNContext ctx);
/* Its solves run code generated by g (klu_gen.h; NULL: klu_l_solve only)
   from the next factorisation on; S of another kind is left alone. */
struct muskx__klu_gen;
void muskx__klu_ls_set_gen(SUNLinearSolver S, struct muskx__klu_gen *g);
/* How many of S's solves ran generated code (tests, measurements). */
long muskx__klu_ls_gen_solves(SUNLinearSolver S);
/* How many of S's refactorisations ran generated code. */
long muskx__klu_ls_gen_refactors(SUNLinearSolver S);
/* on: the first setup after the next CVodeReInit refactors the factor of
   the last setup (its pivots) instead of factoring from scratch, while
   rcond stays >= 1e-8; 0: from scratch (SUNDIALS' way). Used once. */
void muskx__klu_ls_reuse(SUNLinearSolver S, int on);
/* How many restarts refactored the kept factor (tests, measurements). */
long muskx__klu_ls_kept(SUNLinearSolver S);

/* sens.c, sens_events.c: forward sensitivities in the CVODE driver */
/* The run integrates sensitivities: CVodeSensInit/ReInit from sens_y,
   or (sens_active 0) switches them off. Called after each CVodeReInit. */
muskx_status muskx__sens_reinit(muskx_sim *s, double t);
/* After CVode returned at t: sens_y := the sensitivities at t. */
muskx_status muskx__sens_fetch(muskx_sim *s, double t);
/* Output sensitivities of the row at (t, y) into row (ncols * nsens). */
void muskx__sens_record(muskx_sim *s, double t, const double *y,
                        double *row);
/* Around the events at a root at t: before (s- and the jump of the event
   time) and after (changed: something jumped). */
muskx_status muskx__sens_root_begin(muskx_sim *s, double t, const double *y);
muskx_status muskx__sens_root_end(muskx_sim *s, double t, const double *y,
                                  int changed);
/* Event e's assignments are about to be applied at (t, y): their
   sensitivities are computed first (pre), then stored (post). */
void muskx__sens_event_pre(muskx_sim *s, int e, double t, const double *y);
void muskx__sens_event_post(muskx_sim *s, int e);
/* EUNSUPPORTED (with the reason) for what sensitivities cannot follow. */
muskx_status muskx__sens_unsupported(muskx_sim *s);
/* Before a run from y0 (values just loaded): checks, initial
   sensitivities, error-control scales. */
muskx_status muskx__sens_prepare(muskx_sim *s, const double *y0);
/* Parameter-sensitivity rows after parameters changed. */
void muskx__sens_P_update_nz(muskx_sim *s);
/* Initial sensitivities: sens_P = dP/dp and sens_y = dy0/dp for the
   values muskx__sim_load_values just loaded into the registers. */
void muskx__sens_initial(muskx_sim *s);
/* The CVODES sensitivity right-hand side and its parts (sens_steady.c
   uses them): fp := df/dp (nspecies * nsens) at (t, y). */
void muskx__sens_dfdp(muskx_sim *s, double t, const double *y, double *fp);
void muskx__sens_free(muskx_sim *s);

/* lapack_ls.c */
SUNLinearSolver muskx__lapack_ls(N_Vector y, SUNMatrix A, SUNContext ctx);

/* Runs the sim's rhs and jac with native code n (NULL: the VM again),
   with a fresh cache, and its kept outputs when they are n->kept (call
   after muskx__sim_keep_outputs); n must outlive the sim's use of it. */
muskx_status muskx__sim_set_native(muskx_sim *s, const struct muskx__native *n);

#endif
