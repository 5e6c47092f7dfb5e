/*
 * muskx.h -- the public API of libmuskx.
 *
 * libmuskx loads reaction networks written in YAML (see muskx-model(5)),
 * compiles them into stiff ODE systems with an exact symbolic Jacobian and
 * solves them with SUNDIALS CVODE.
 *
 * Contract, for every function below unless its comment says otherwise:
 *  - A fallible function returns muskx_status; MUSKX_OK (0) is success.
 *  - Loading fills a caller-owned muskx_error, because a failed load has no
 *    handle to ask. Every other call records its error on its handle,
 *    readable with muskx_sim_errmsg() until the next call on that handle.
 *  - On failure nothing is half built: no handle is returned, nothing leaks.
 *  - A muskx_model is immutable once loaded and may be shared by any number
 *    of threads. A muskx_sim belongs to one thread at a time.
 *  - Every *_free(NULL) is a no-op.
 *  - The library never prints, never exits and reads no environment.
 *  - Strings returned by the library stay valid until their handle is freed
 *    (a scenario's warnings and error message: until its next
 *    muskx_scenario_set() or free).
 *  - Only opaque pointers, scalars and caller-owned arrays cross this API
 *    (plus muskx_error, a plain fixed-size struct), so FFI callers such as
 *    Python ctypes can use it directly.
 *
 * First version of every function here: 0.1.
 */
#ifndef MUSKX_H
#define MUSKX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MUSKX_BUILDING) && defined(__GNUC__)
#define MUSKX_API __attribute__((visibility("default")))
#else
#define MUSKX_API
#endif

#define MUSKX_VERSION_MAJOR 0
#define MUSKX_VERSION_MINOR 1
#define MUSKX_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH". */
MUSKX_API const char *muskx_version_string(void);

/* ------------------------------------------------------------------------
 * Status codes: one list, from which the enum, muskx_strerror() and
 * muskx_status_name() are generated.
 * ------------------------------------------------------------------------ */
#define MUSKX_STATUS_MAP(XX)                                                  \
  XX(OK, 0, "success")                                                        \
  XX(EINVAL, 1, "invalid argument")                                           \
  XX(ENOMEM, 2, "out of memory")                                              \
  XX(EIO, 3, "cannot read or write a file")                                   \
  XX(ESYNTAX, 4, "syntax error in model text")                                \
  XX(EMODEL, 5, "invalid model")                                              \
  XX(ENOTFOUND, 6, "no such name")                                            \
  XX(ESOLVER, 7, "the ODE solver failed")                                     \
  XX(ENONFINITE, 8, "a non-finite value was computed")                        \
  XX(ELIMIT, 9, "a documented limit was exceeded")                            \
  XX(ENOTCONV, 10, "did not converge")                                        \
  XX(EUNSUPPORTED, 11, "not supported")                                       \
  XX(ESTATE, 12, "call not valid in the current state")                      \
  XX(ESTOPPED, 13, "stopped by the caller's callback")

typedef enum {
#define MUSKX__STATUS_ENUM(name, code, text) MUSKX_##name = code,
  MUSKX_STATUS_MAP(MUSKX__STATUS_ENUM)
#undef MUSKX__STATUS_ENUM
} muskx_status;

/* A short fixed sentence for a status ("invalid model"); never NULL. */
MUSKX_API const char *muskx_strerror(muskx_status status);
/* The status's name without prefix ("EMODEL"); never NULL. */
MUSKX_API const char *muskx_status_name(muskx_status status);

#define MUSKX_ERROR_MESSAGE_MAX 1024
#define MUSKX_ERROR_FILE_MAX 512

/*
 * Details of a failed load. line and column are 1-based; both are 0 when
 * the error has no source position (for example an unreadable file).
 * message holds the sentence only; muskx_error_format() renders the
 * conventional "file:line:col: message".
 */
typedef struct muskx_error {
  muskx_status status;
  int line;
  int column;
  char file[MUSKX_ERROR_FILE_MAX];
  char message[MUSKX_ERROR_MESSAGE_MAX];
} muskx_error;

/*
 * Writes "file:line:col: message" (or "file: message" without a position)
 * into buf, truncating to size. Returns buf.
 */
MUSKX_API char *muskx_error_format(const muskx_error *err, char *buf,
                                   size_t size);

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------ */
typedef struct muskx_model muskx_model;
typedef struct muskx_sim muskx_sim;

/* The kinds of named things in a model, for listing and lookup. */
typedef enum {
  MUSKX_SPECIES = 0,   /* state variables, in file order */
  MUSKX_PARAMETER = 1, /* constants, settable per simulation */
  MUSKX_INPUT = 2,     /* time-varying signals */
  MUSKX_OUTPUT = 3,    /* reported expressions */
  MUSKX_COMPARTMENT = 4,
  MUSKX_REACTION = 5,
  MUSKX_ASSIGNMENT = 6,
  MUSKX_EVENT = 7
} muskx_kind;

/*
 * Loads, validates and compiles a model file. On success *out owns a new
 * model; on failure *out is NULL and err (if not NULL) says what and where.
 * Imports are read only inside the model file's folder (see File access
 * below, and muskx_model_load_file_with()).
 * Status: EIO (unreadable), ESYNTAX (YAML or expression syntax), EMODEL
 * (a rule of the format is broken), ELIMIT, ENOMEM.
 */
MUSKX_API muskx_status muskx_model_load_file(const char *path,
                                             muskx_model **out,
                                             muskx_error *err);

/*
 * Same as muskx_model_load_file() on text held in memory (len bytes; text
 * need not be NUL-terminated). source_name is used in error messages and
 * may be NULL ("<string>"). Relative imports resolve against the current
 * directory, and only files inside it may be imported (see File access).
 */
MUSKX_API muskx_status muskx_model_load_string(const char *text, size_t len,
                                               const char *source_name,
                                               muskx_model **out,
                                               muskx_error *err);

MUSKX_API void muskx_model_free(muskx_model *model);

/*
 * File access (issue 16). A load reads its top file, which the caller
 * names, and the files that file names: `imports:`, a scenario's `model:`,
 * SBML comp external model definitions. Those are read only when they are
 * regular files inside an allowed folder: the folder of the top file (the
 * current directory for muskx_model_load_string()) and the folders added
 * to a muskx_access. The check resolves `..` and symbolic links before
 * the file is opened; a refused file is never read, so no message quotes
 * it (status EIO, naming the path as written and the allowed folder).
 * A muskx_access is only read by loads: once set up, it may be shared by
 * threads. muskx_access_new() returns NULL when out of memory.
 * muskx_access_allow() adds a folder (resolved now; EIO when it is not an
 * existing folder); "/" allows every file.
 */
typedef struct muskx_access muskx_access;
MUSKX_API muskx_access *muskx_access_new(void);
MUSKX_API muskx_status muskx_access_allow(muskx_access *access,
                                          const char *dir, muskx_error *err);
MUSKX_API void muskx_access_free(muskx_access *access);

/* muskx_model_load_file() and muskx_model_load_string() that may also read
   the folders of access (NULL: only the default folder). */
MUSKX_API muskx_status muskx_model_load_file_with(const char *path,
                                                  const muskx_access *access,
                                                  muskx_model **out,
                                                  muskx_error *err);
MUSKX_API muskx_status muskx_model_load_string_with(
    const char *text, size_t len, const char *source_name,
    const muskx_access *access, muskx_model **out, muskx_error *err);

/* model.id, model.name (may be ""), model.time_unit (may be ""). */
MUSKX_API const char *muskx_model_id(const muskx_model *model);
MUSKX_API const char *muskx_model_name(const muskx_model *model);
MUSKX_API const char *muskx_model_time_unit(const muskx_model *model);
/* The path the model was loaded from, or the source_name. */
MUSKX_API const char *muskx_model_source(const muskx_model *model);
/* The files the model was read from: index 0 is muskx_model_source(),
   then every imported file in load order (paths as they were opened). So
   a tool can refuse to write its output over one of them (issue 16).
   count: -1 for NULL; file: NULL out of range. */
MUSKX_API int muskx_model_file_count(const muskx_model *model);
MUSKX_API const char *muskx_model_file(const muskx_model *model, int index);

/* Number of things of a kind; -1 for a bad argument. */
MUSKX_API int muskx_model_count(const muskx_model *model, muskx_kind kind);
/* Name of the index-th thing of a kind, or NULL when out of range. */
MUSKX_API const char *muskx_model_name_at(const muskx_model *model,
                                          muskx_kind kind, int index);
/* Index of a name among its kind, or -1. */
MUSKX_API int muskx_model_find(const muskx_model *model, muskx_kind kind,
                               const char *name);
/* unit and doc strings of a thing ("" when absent, NULL when out of range). */
MUSKX_API const char *muskx_model_unit(const muskx_model *model,
                                       muskx_kind kind, int index);
MUSKX_API const char *muskx_model_doc(const muskx_model *model,
                                      muskx_kind kind, int index);
/*
 * Default value of a parameter (its value), a species (initial value), an
 * input (default, or the first table value) or a compartment (volume), with
 * expressions evaluated from the defaults. NAN for other kinds.
 */
MUSKX_API double muskx_model_default(const muskx_model *model,
                                     muskx_kind kind, int index);

/* model.description ("" when absent). */
MUSKX_API const char *muskx_model_description(const muskx_model *model);

/* Flags of a species, a bitwise OR of these (-1 for a bad argument). */
#define MUSKX_SPECIES_CONSTANT 1    /* constant: true (boundary species) */
#define MUSKX_SPECIES_NONNEGATIVE 2 /* nonnegative: true */
#define MUSKX_SPECIES_ODE 4         /* its derivative is given in `odes` */
#define MUSKX_SPECIES_FIXED 8       /* nothing changes it: dy/dt == 0 */
MUSKX_API int muskx_model_species_flags(const muskx_model *model, int index);
/* Compartment index of a species, or -1 (default compartment, volume 1). */
MUSKX_API int muskx_model_species_compartment(const muskx_model *model,
                                              int index);
/* 1 if reaction r is written with <->, 0 if not, -1 for a bad argument. */
MUSKX_API int muskx_model_reaction_reversible(const muskx_model *model,
                                              int r);

/*
 * The compiled programs (right-hand side, Jacobian, outputs, rates, event
 * roots) as text in the register notation of the VM, snprintf-style: writes
 * at most size bytes (NUL-terminated when size > 0) and returns the length
 * the whole text needs, or -1 for a bad argument or when out of memory.
 * For `muskx info --bytecode` and for people curious about what a model
 * compiles to; the layout may change between versions.
 */
MUSKX_API int muskx_model_bytecode(const muskx_model *model, char *buf,
                                   size_t size);

/* model.references. */
/* Warnings about a model that loads but is probably not what its author
   meant (an event condition that can never turn true), each a
   "file:line:col: warning: ..." line; `muskx check` prints them. */
MUSKX_API int muskx_model_warning_count(const muskx_model *model);
MUSKX_API const char *muskx_model_warning(const muskx_model *model, int index);
MUSKX_API int muskx_model_reference_count(const muskx_model *model);
MUSKX_API const char *muskx_model_reference(const muskx_model *model,
                                            int index);

/*
 * Drugs the model declares by name (`agents:`, muskx-model(5)), imports
 * included: their number (-1 for NULL), and the index-th's name and dose
 * unit (NULL when out of range).
 */
MUSKX_API int muskx_model_agent_count(const muskx_model *model);
MUSKX_API const char *muskx_model_agent_name(const muskx_model *model,
                                             int agent);
MUSKX_API const char *muskx_model_agent_dose_unit(const muskx_model *model,
                                                  int agent);
/* Number of routes of an agent, -1 when out of range. */
MUSKX_API int muskx_model_agent_route_count(const muskx_model *model,
                                            int agent);
/*
 * Route `route` of an agent: returns its name ("sc", ...; NULL when out of
 * range) and, through the pointers that are not NULL, the species index a
 * dose goes into, the bioavailability parameter's index (-1 when it is
 * the number *f_number) and the depot amount per one dose unit.
 */
MUSKX_API const char *muskx_model_agent_route(const muskx_model *model,
                                              int agent, int route,
                                              int *depot, int *f_param,
                                              double *f_number,
                                              double *per_dose_unit);

/*
 * Reaction structure, for drawing networks. Writes up to max (species,
 * net stoichiometric coefficient) pairs of reaction r and returns how many
 * there are in all (-1 for a bad argument). Reactants have negative
 * coefficients. Species that appear in the rate but not in the equation
 * (modifiers) are listed by muskx_model_reaction_modifiers().
 */
MUSKX_API int muskx_model_reaction_stoich(const muskx_model *model, int r,
                                          int *species, double *coef,
                                          int max);
MUSKX_API int muskx_model_reaction_modifiers(const muskx_model *model, int r,
                                             int *species, int max);
/* The reaction's equation and rate as written in the file. */
MUSKX_API const char *muskx_model_reaction_equation(const muskx_model *model,
                                                    int r);
MUSKX_API const char *muskx_model_reaction_rate(const muskx_model *model,
                                                int r);

/*
 * Structural Jacobian of the right-hand side: number of structural
 * nonzeros, and (if rows/cols are not NULL, each with room for nnz)
 * their positions in column-major order.
 */
MUSKX_API int muskx_model_jacobian_nnz(const muskx_model *model);
MUSKX_API int muskx_model_jacobian_pattern(const muskx_model *model,
                                           int *rows, int *cols);

/* ------------------------------------------------------------------------
 * Simulations
 * ------------------------------------------------------------------------ */

/* Linear solver choice for CVODE's Newton iteration. */
typedef enum {
  MUSKX_LS_AUTO = 0,   /* by size and sparsity (see muskx(3)) */
  MUSKX_LS_DENSE = 1,  /* SUNDIALS dense */
  MUSKX_LS_LAPACK = 2, /* LAPACK dgetrf/dgetrs (OpenBLAS) */
  MUSKX_LS_KLU = 3,    /* SUNDIALS KLU, sparse Jacobian */
  MUSKX_LS_SPGMR = 4   /* SUNDIALS SPGMR (GMRES), Jacobi preconditioner */
} muskx_linear_solver;

typedef enum {
  MUSKX_INTERP_STEP = 0,  /* value holds until the next table time */
  MUSKX_INTERP_LINEAR = 1 /* linear between table times, flat outside */
} muskx_interp;

/* Solver statistics of the last run, read with muskx_sim_stat(). */
typedef enum {
  MUSKX_STAT_STEPS = 0,
  MUSKX_STAT_RHS_EVALS = 1,
  MUSKX_STAT_JAC_EVALS = 2,
  MUSKX_STAT_LIN_SETUPS = 3,
  MUSKX_STAT_ERR_TEST_FAILS = 4,
  MUSKX_STAT_NONLIN_ITERS = 5,
  MUSKX_STAT_CONV_FAILS = 6,
  MUSKX_STAT_ROOT_EVALS = 7,
  MUSKX_STAT_EVENTS_FIRED = 8,
  MUSKX_STAT_REINITS = 9,
  MUSKX_STAT_LINEAR_SOLVER = 10 /* the muskx_linear_solver used */
} muskx_stat;

/*
 * Creates a simulation of a model, with every parameter, initial value and
 * input at its default, rtol 1e-6, atol 1e-9 and the automatic linear
 * solver. The model must outlive the simulation.
 */
MUSKX_API muskx_status muskx_sim_create(const muskx_model *model,
                                        muskx_sim **out);
MUSKX_API void muskx_sim_free(muskx_sim *sim);

/* The last error on this simulation ("" after a success). */
MUSKX_API const char *muskx_sim_errmsg(const muskx_sim *sim);
/* Time at which the last run failed (NAN when it did not fail). */
MUSKX_API double muskx_sim_fail_time(const muskx_sim *sim);

/* Puts every setting back to the model's defaults (keeps tolerances and
   the sensitivity parameters; forgets a steady state's sensitivities). */
MUSKX_API muskx_status muskx_sim_reset(muskx_sim *sim);

/*
 * Changes a parameter, an initial value or an input for later runs.
 * Expressions that depend on the changed value (derived parameters,
 * initial values written as expressions) follow it.
 * ENOTFOUND for an unknown name, EINVAL for a non-finite value.
 */
MUSKX_API muskx_status muskx_sim_set_param(muskx_sim *sim, const char *name,
                                           double value);
MUSKX_API muskx_status muskx_sim_set_param_index(muskx_sim *sim, int index,
                                                 double value);
MUSKX_API muskx_status muskx_sim_set_initial(muskx_sim *sim,
                                             const char *name, double value);
MUSKX_API muskx_status muskx_sim_set_initial_index(muskx_sim *sim, int index,
                                                   double value);
/* Makes an input constant. EINVAL for a value outside the input's declared
   min/max (muskx-model(5)); muskx_sim_set_input_table() checks each value
   likewise. */
MUSKX_API muskx_status muskx_sim_set_input(muskx_sim *sim, const char *name,
                                           double value);
/*
 * Replaces an input by a table (n >= 1, times strictly increasing). The
 * table's times become solver stops. The arrays are copied.
 */
MUSKX_API muskx_status muskx_sim_set_input_table(muskx_sim *sim,
                                                 const char *name,
                                                 const double *times,
                                                 const double *values,
                                                 size_t n,
                                                 muskx_interp interp);
/*
 * Sets "name" (a parameter, a species' initial value or an input's
 * default) -- the meaning of the CLI's --set NAME=VALUE.
 */
MUSKX_API muskx_status muskx_sim_set(muskx_sim *sim, const char *name,
                                     double value);

/*
 * Adds a dose: at time t0, and then every `every` time units for `count`
 * firings in all (every == 0 with count 1 means once; a negative every, or
 * every 0 with another count, is EINVAL), `amount` is added to species
 * `target`. Doses are kept until muskx_sim_clear_doses() or a reset.
 */
MUSKX_API muskx_status muskx_sim_add_dose(muskx_sim *sim, const char *target,
                                          double t0, double amount,
                                          double every, int count);
MUSKX_API muskx_status muskx_sim_clear_doses(muskx_sim *sim);
/*
 * A run gives the doses and fires the model's timed events that fall at or
 * after its start (times[0]); a repeating schedule that began earlier
 * goes on from its first time in the run. One wholly before the start
 * would be silently lost, so the run fails with EINVAL naming it -- unless
 * the runs continue an earlier one (continuing != 0: the initial values
 * are that run's end state, which includes those firings), when they are
 * skipped. Off by default and after muskx_sim_reset(). First version: 0.1.
 */
MUSKX_API muskx_status muskx_sim_set_continuing(muskx_sim *sim,
                                                int continuing);

/*
 * Relative and absolute tolerance of later runs (both > 0). EINVAL for
 * rtol > 1e-2: looser control gives silently wrong answers on stiff
 * problems (the CVODE guide advises rtol <= 1e-3).
 */
MUSKX_API muskx_status muskx_sim_set_tolerances(muskx_sim *sim, double rtol,
                                                double atol);
/* Per-species absolute tolerance (overrides the scalar one). */
MUSKX_API muskx_status muskx_sim_set_atol_species(muskx_sim *sim,
                                                  const char *name,
                                                  double atol);
MUSKX_API muskx_status muskx_sim_set_linear_solver(muskx_sim *sim,
                                                   muskx_linear_solver ls);
/* Maximum internal steps between two outputs (default 100000). */
MUSKX_API muskx_status muskx_sim_set_max_steps(muskx_sim *sim, long steps);
/* Largest step the solver may take (0: no limit, the default). */
MUSKX_API muskx_status muskx_sim_set_max_step(muskx_sim *sim, double hmax);

/* Number of columns a run writes per time: species, then outputs, or
   the columns chosen with muskx_sim_select(). */
MUSKX_API int muskx_sim_ncols(const muskx_sim *sim);
/*
 * Chooses the columns of later runs (issue 20): each name is a species,
 * an output, an assignment, a reaction (its flux, the value of its rate
 * expression), a parameter or compartment (its value, as events and
 * muskx_sim_set() leave it), an input, or "time"; a name may appear more
 * than once. n == 0 restores the default columns (species, then outputs).
 * The selection survives runs and muskx_sim_reset(). Not with
 * sensitivities (muskx_sim_run_sens() then fails with ESTATE).
 * Status: ENOTFOUND naming the first unknown name (nothing is changed),
 * EINVAL for n < 0 or a NULL name. First version: 0.1.
 */
MUSKX_API muskx_status muskx_sim_select(muskx_sim *sim,
                                        const char *const *names, int n);
/* Name and unit ("" when the model gives none; a flux is its first
   species' unit per time unit) of column j of a run, 0 <= j <
   muskx_sim_ncols(); NULL out of range. Valid until the next
   muskx_sim_select() or muskx_sim_free(). */
MUSKX_API const char *muskx_sim_column_name(const muskx_sim *sim, int j);
MUSKX_API const char *muskx_sim_column_unit(const muskx_sim *sim, int j);

/*
 * Integrates from times[0], starting at the current initial values, and
 * writes one row per requested time into out (row-major, ntimes rows of
 * muskx_sim_ncols() values: species in file order, then outputs in file
 * order). times must be non-decreasing. Events and input breakpoints are
 * solver stops; a value at an event time is the value after the event.
 * *rows_done (may be NULL) receives the number of rows written, also on
 * failure, so the samples computed before a failure are kept.
 * Status: ESOLVER or ENONFINITE with a message naming the time and the
 * worst species; EINVAL for bad times.
 */
MUSKX_API muskx_status muskx_sim_run(muskx_sim *sim, const double *times,
                                     size_t ntimes, double *out,
                                     size_t *rows_done);

/* Statistics of the last run (-1 for a bad argument). */
MUSKX_API long muskx_sim_stat(const muskx_sim *sim, muskx_stat which);

/*
 * Finds a steady state f(y) = 0 near the current initial values: Newton
 * with LAPACK, falling back to integration until the derivatives vanish.
 * On success the steady state becomes the initial values of later runs
 * (species that no equation changes keep theirs) and, if y is not NULL,
 * is written to y (n >= number of species).
 * Inputs are held at their values at t = 0 (a table's value there).
 * Status: ENOTCONV when neither method converged (y still receives the
 * best point); the message names the species that still moves (its
 * derivative and value), why integration stopped if it did, and the input
 * values held.
 */
MUSKX_API muskx_status muskx_sim_steady_state(muskx_sim *sim, double *y,
                                              size_t n);
/* Max-norm of f at the last steady state (NAN before one). */
MUSKX_API double muskx_sim_steady_residual(const muskx_sim *sim);

typedef enum {
  MUSKX_STABLE = 0,      /* all eigenvalues have negative real parts */
  MUSKX_UNSTABLE = 1,    /* a real eigenvalue is positive */
  MUSKX_OSCILLATORY = 2, /* a complex pair has positive real part */
  MUSKX_MARGINAL = 3,    /* the largest real part is zero (to tolerance):
                            a centre, a conserved quantity (closed
                            networks such as A <-> B) or a bifurcation */
  MUSKX_UNKNOWN = 4      /* no steady state computed yet */
} muskx_stability;

/*
 * Eigenvalues of the Jacobian at the last steady state (LAPACK dgeev), over
 * the species that can change. States that nothing depends on (pure
 * accumulators such as a bone mass integrating cell activity) contribute a
 * zero eigenvalue each; they are listed last and do not count towards
 * muskx_sim_stability(), which judges the states that feed back.
 * Writes up to n real and imaginary parts; returns how many there are in
 * all, or -1 before a steady state was computed.
 */
MUSKX_API int muskx_sim_eigenvalues(const muskx_sim *sim, double *re,
                                    double *im, size_t n);
MUSKX_API muskx_stability muskx_sim_stability(const muskx_sim *sim);

/*
 * Evaluates the right-hand side f(t, y) and (if jac is not NULL) the dense
 * Jacobian df/dy, column-major n*n, at the current parameter and input
 * settings. For tests and for tools that linearise a model.
 */
MUSKX_API muskx_status muskx_sim_eval_rhs(muskx_sim *sim, double t,
                                          const double *y, double *dydt,
                                          double *jac);

/* ------------------------------------------------------------------------
 * Forward sensitivities (issue 15): d(state)/dp and d(output)/dp along a
 * run, by SUNDIALS CVODES (staggered corrector) with the compiled
 * symbolic Jacobian and a compiled symbolic df/dp -- no finite
 * differences. They follow events (state and parameter resets, with the
 * jump of the event time when a `when` condition depends on the state or
 * a chosen parameter), doses and steady states (J s = -df/dp).
 * Not supported (EUNSUPPORTED, with the reason): models with algebraic
 * equations (IDA) or delay(), events with a `delay`, and timed events
 * whose at/every/until depend on a chosen parameter.
 * First version: 0.1.
 * ------------------------------------------------------------------------ */

/*
 * Chooses the sensitivity parameters p_0 .. p_{n-1}. As in muskx_sim_set(),
 * a name is first looked up as a parameter or compartment (then p is its
 * value, or volume), then as a species (then p is its initial value).
 * Derived values follow: a parameter or initial value written as an
 * expression of p (and not set explicitly) moves with p; a parameter set
 * with muskx_sim_set_param() or an initial value set with
 * muskx_sim_set_initial() does not; a chosen name is itself independent
 * (choosing both k and a parameter defined as k gives the partial
 * derivatives, each holding the other fixed). n = 0 (names may be NULL) turns
 * sensitivities off. A failure keeps the previous choice.
 * Status: ENOTFOUND (the message names the bad name; inputs are not
 * sensitivity parameters), EINVAL (a name twice, n < 0, NULL names),
 * EUNSUPPORTED (see above), ENOMEM.
 */
MUSKX_API muskx_status muskx_sim_set_sens_params(muskx_sim *sim,
                                                 const char *const *names,
                                                 int n);
/* Number of sensitivity parameters (0: off; -1 for NULL). */
MUSKX_API int muskx_sim_sens_count(const muskx_sim *sim);
/* Name of sensitivity parameter k as given (NULL when out of range). */
MUSKX_API const char *muskx_sim_sens_name(const muskx_sim *sim, int k);

/*
 * Like muskx_sim_run() (same times, same `out` layout and columns), and
 * also fills sens[(i * ncols + c) * np + k] = d out[i][c] / d p_k for
 * every sample time i, every output column c (ncols = muskx_sim_ncols():
 * species, then outputs) and sensitivity parameter k (np =
 * muskx_sim_sens_count(), which must be >= 1). sens holds ntimes * ncols
 * * np doubles. Error control includes the sensitivities (scaled by
 * |p_k|), so they are as accurate as the states.
 * When the initial values come from muskx_sim_steady_state_sens() the
 * run starts from its sensitivities (pre-equilibration); after a plain
 * muskx_sim_steady_state() it fails with ESTATE.
 * Status: as muskx_sim_run(), plus ESTATE (no sensitivity parameters, or
 * see above), EUNSUPPORTED.
 */
MUSKX_API muskx_status muskx_sim_run_sens(muskx_sim *sim, const double *times,
                                          int ntimes, double *out,
                                          double *sens);

/*
 * Steady state and its sensitivities, for pre-equilibration: the same as
 * muskx_sim_steady_state() (y, if not NULL, receives the nspecies values)
 * and, if sens is not NULL, sens[i * np + k] = d y_i / d p_k for every
 * species i, from J s = -df/dp over the species that can change (LAPACK
 * dgetrf/dgetrs); species that nothing changes keep the sensitivity of
 * their initial value. The sensitivities become those of the initial
 * values of later muskx_sim_run_sens() runs (until muskx_sim_reset(),
 * a new choice of parameters, or muskx_sim_set_initial() of that
 * species). For output columns at the steady state, run
 * muskx_sim_run_sens() with the single time 0 (no events then).
 * When J is singular because of conservation laws (w^T f = 0, so that
 * w^T y keeps its initial value), the sensitivities solve
 * [J; W^T] s = [-df/dp; W^T s0] instead (W from LAPACK dgesvd, then
 * dgels), s0 being the initial values' sensitivities.
 * Status: as muskx_sim_steady_state(), plus ESTATE (no sensitivity
 * parameters), ENOTCONV when J is singular other than by conservation
 * laws (a bifurcation: that system has no solution), EUNSUPPORTED.
 */
MUSKX_API muskx_status muskx_sim_steady_state_sens(muskx_sim *sim, double *y,
                                                   double *sens);

/* ------------------------------------------------------------------------
 * Scenarios (muskx-scenario(5)): a model, a timeline of phases with input
 * values, countermeasures (exercise protocols, drug regimens) that expand
 * into input tables and doses, and the columns to report. Times are in
 * days (a scenario's model must use days). First version: 0.1.
 * ------------------------------------------------------------------------ */
typedef struct muskx_scenario muskx_scenario;
typedef struct muskx_summary muskx_summary;

/* How a reported column is shown in summaries and plots, relative to its
   value x0 at t = 0. */
typedef enum {
  MUSKX_SHOW_VALUE = 0,      /* x itself (outputs already in %, *_pct) */
  MUSKX_SHOW_PCT_CHANGE = 1, /* 100 (x - x0) / x0 */
  MUSKX_SHOW_CHANGE = 2      /* x - x0 */
} muskx_show;

/*
 * Loads a scenario file and the model it names (a path relative to the
 * scenario file, inside the scenario's folder: see File access and
 * muskx_scenario_load_file_with()), and checks every name, unit, time and phase against the
 * format and the model. On success *out owns a new scenario (and its
 * model); on failure *out is NULL and err says "file:line:col: message"
 * (the model's own file and position when the model is at fault).
 * Status: EIO, ESYNTAX, EMODEL (a rule of muskx-scenario(5) is broken),
 * ENOTFOUND (a name the model lacks), ELIMIT, ENOMEM, EINVAL (NULL args).
 */
MUSKX_API muskx_status muskx_scenario_load_file(const char *path,
                                                muskx_scenario **out,
                                                muskx_error *err);
/* muskx_scenario_load_file() that may also read the folders of access
   (NULL: only the scenario's folder); its model's imports are read under
   the same folders. */
MUSKX_API muskx_status muskx_scenario_load_file_with(const char *path,
                                                     const muskx_access *access,
                                                     muskx_scenario **out,
                                                     muskx_error *err);
MUSKX_API void muskx_scenario_free(muskx_scenario *sc);

/* The scenario's model, owned by the scenario (never NULL). */
MUSKX_API const muskx_model *muskx_scenario_model(const muskx_scenario *sc);
/* scenario.id, .name and .description ("" when absent), the file path. */
MUSKX_API const char *muskx_scenario_id(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_name(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_description(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_source(const muskx_scenario *sc);
/* scenario.references. */
MUSKX_API int muskx_scenario_reference_count(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_reference(const muskx_scenario *sc,
                                               int index);
/* The last error of muskx_scenario_set() ("" after a success). */
MUSKX_API const char *muskx_scenario_errmsg(const muskx_scenario *sc);

/*
 * Warnings about a scenario that loads and runs but probably does not do
 * what its author meant, each a "file:line:col: warning: ..." line; the
 * library does not print them (`muskx run` and `muskx compare` do, on
 * stderr). Five kinds, in this order: `start: defaults` with `set:`
 * parameter or input values at which the model's initial values (with
 * the species values `set:` gives) are not a steady state (the run then
 * opens with a transient; muskx-scenario(5), start), or, under `start:
 * steady`, a species' `set:` value that the steady state replaces (it is
 * only where the search starts; at the set: entry, or worded "set over
 * the scenario" for muskx_scenario_set()), either recomputed by
 * muskx_scenario_set(); a drug whose inclusive `until:` puts its last
 * dose on the first day of a later phase; a repeated drug whose last
 * dose given falls on the scenario's last day, or a last dose less than
 * one output step before the end when doses are further apart than that
 * step (a single dose too), where only the last row can show it (its
 * `until:`, `count:` or `start:`); a `set:` or a phase's `inputs:` of a
 * parameter with which one of the model's own events doses a drug (a
 * built-in regimen such as dmab_dose; with a `drug:` entry of that agent
 * the scenario is refused instead, naming that entry at file:line:col);
 * and a long-form drug entry (with `target:`) of a declared
 * agent whose route has a bioavailability the long form does not apply.
 * The last four are set at load, for the first such entry each (the
 * built-in dose one also by muskx_scenario_set(), for the value in
 * force). NULL for
 * an index out of range. The text stays valid until the
 * next muskx_scenario_set() or muskx_scenario_free().
 */
MUSKX_API int muskx_scenario_warning_count(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_warning(const muskx_scenario *sc,
                                             int index);

/*
 * Overrides (or adds) a `set:` entry: a parameter, a species' initial value
 * or an input's baseline, as the CLI's --set NAME=VALUE. It takes effect
 * at the next muskx_scenario_apply(), before the steady state. Changes the
 * scenario: do not call it while another thread uses the scenario.
 * Status: ENOTFOUND (no such parameter, species or input), EINVAL
 * (non-finite value, an input outside its declared min/max, or a
 * non-zero built-in dose parameter such as dmab_dose when the scenario
 * has a drug: entry of that agent, the message naming that entry at
 * file:line:col -- without one it is set, with a warning in the words of
 * a set: entry's), ENOMEM (also when the C locale its warning is
 * written in cannot be entered: then nothing is set and the warnings stay
 * as they were); the message is in muskx_scenario_errmsg().
 * Recomputes muskx_scenario_warning() (the texts returned before are then
 * invalid).
 */
MUSKX_API muskx_status muskx_scenario_set(muskx_scenario *sc,
                                          const char *name, double value);

/* Phases, in time order: name, start and end (days; phase i ends where
   i + 1 starts). NULL / NAN for an index out of range. */
MUSKX_API int muskx_scenario_phase_count(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_phase_name(const muskx_scenario *sc,
                                                int index);
MUSKX_API double muskx_scenario_phase_start(const muskx_scenario *sc,
                                            int index);
MUSKX_API double muskx_scenario_phase_end(const muskx_scenario *sc,
                                          int index);
/* The phase whose end starts recovery (`recovery_from`, by default the
   phase before the last), or -1 when there is none. */
MUSKX_API int muskx_scenario_recovery_phase(const muskx_scenario *sc);
/* End of the last phase, and the sampling interval (days). */
MUSKX_API double muskx_scenario_t_end(const muskx_scenario *sc);
MUSKX_API double muskx_scenario_dt(const muskx_scenario *sc);

/* The reported columns (`outputs`): model outputs or species, in order,
   and how each is shown. NULL / -1 for an index out of range. */
MUSKX_API int muskx_scenario_report_count(const muskx_scenario *sc);
MUSKX_API const char *muskx_scenario_report_name(const muskx_scenario *sc,
                                                 int index);
MUSKX_API int muskx_scenario_report_show(const muskx_scenario *sc,
                                         int index);

/*
 * Sample times of a run: 0, dt, 2 dt, ... up to the end, plus every phase
 * boundary and the end itself, increasing. Writes up to n of them into
 * times (may be NULL when n is 0) and returns how many there are in all.
 */
MUSKX_API size_t muskx_scenario_sample_times(const muskx_scenario *sc,
                                             double *times, size_t n);

/*
 * Configures sim (created from muskx_scenario_model(sc)) for the scenario:
 * muskx_sim_reset(), tolerances, every `set` value, then (start: steady,
 * the default) the steady state with the inputs at their baselines, then
 * one step table per input the phases or exercise protocols set, and the
 * drug doses. Until the next muskx_sim_reset(), a run of sim must start at
 * time 0, where the first phase begins (EINVAL otherwise, unless it
 * continues an earlier one: muskx_sim_set_continuing()). Errors are
 * recorded on sim: EINVAL (sim of another model), ENOTCONV (no steady
 * state), ENOMEM.
 */
MUSKX_API muskx_status muskx_scenario_apply(const muskx_scenario *sc,
                                            muskx_sim *sim);
/*
 * Applies the scenario to sim and runs it at the sample times
 * (muskx_scenario_sample_times()), writing nrows rows of
 * muskx_scenario_report_count() raw values (row-major) into out; nrows must
 * be the number of sample times. *rows_done (may be NULL) as in
 * muskx_sim_run(). Errors are recorded on sim.
 */
MUSKX_API muskx_status muskx_scenario_run(const muskx_scenario *sc,
                                          muskx_sim *sim, double *out,
                                          size_t nrows, size_t *rows_done);
/*
 * As muskx_scenario_run(), with n more `set:` entries, names[i] =
 * values[i], applied after the scenario's own (later entries win, as
 * muskx_scenario_set() overrides do: also for the baseline of a parameter
 * or input the phases step, and among repeated names in names[]), without
 * changing sc: it is only read, so threads may run one scenario each with
 * its own values. The scenario's warnings are not recomputed for these
 * values; muskx_scenario_start_warning_with() gives the start warning
 * and the built-in dose warning they would raise. Errors are recorded on
 * sim: ENOTFOUND (no parameter, species or input of that name), EINVAL
 * (sc NULL, n < 0, names or values NULL with n > 0, a NULL names[i], a
 * non-finite value, a non-zero built-in dose parameter such as dmab_dose
 * -- the last value of a name repeated in names -- when sc has a drug:
 * entry of that agent, as muskx_scenario_set()), and those of
 * muskx_scenario_run().
 */
MUSKX_API muskx_status muskx_scenario_run_with(const muskx_scenario *sc,
                                               muskx_sim *sim, int n,
                                               const char *const *names,
                                               const double *values,
                                               double *out, size_t nrows,
                                               size_t *rows_done);
/*
 * The start warning (muskx_scenario_warning(): start: defaults with
 * values that move the steady state) that sc with the n more `set:`
 * entries of muskx_scenario_run_with() would have, then on a line of its
 * own the built-in dose warning of the first non-zero built-in dose
 * parameter among them ("FILE: warning: set for the run: ..."), written
 * into warning
 * (size bytes, truncated; "" when there is none), without changing sc:
 * safe while other threads run or query it. warning may be NULL when size
 * is 0. Status: OK; ENOTFOUND, EINVAL as muskx_scenario_run_with() (and
 * a NULL warning with size > 0); ENOMEM (also when the C locale the
 * warning is written in cannot be entered). The message is in err (may
 * be NULL), without a source position.
 */
MUSKX_API muskx_status muskx_scenario_start_warning_with(
    const muskx_scenario *sc, int n, const char *const *names,
    const double *values, char *warning, size_t size, muskx_error *err);

/* What muskx_summary_get() reports about a column (see muskx-scenario(5),
   SUMMARY). Values are in the column's shown units (muskx_show), times in
   days. */
typedef enum {
  MUSKX_SUMMARY_BASELINE = 0,    /* raw value at t = 0 */
  MUSKX_SUMMARY_END = 1,         /* shown value at the end of the phase (the
                                    boundary sample, after the next phase's
                                    doses and input steps) */
  MUSKX_SUMMARY_PEAK = 2,        /* largest shown value in the phase */
  MUSKX_SUMMARY_PEAK_TIME = 3,   /* its first time */
  MUSKX_SUMMARY_TROUGH = 4,      /* smallest shown value in the phase */
  MUSKX_SUMMARY_TROUGH_TIME = 5, /* its first time */
  MUSKX_SUMMARY_LOSS = 6,        /* shown value at the end of the phase
                                    recovered from (recovery_from) minus
                                    the shown baseline */
  MUSKX_SUMMARY_HALF_RECOVERY = 7 /* days after the end of the recovery
                                     phase until the shown value is back
                                     half way to baseline (linear between
                                     samples); NAN when not in the run */
} muskx_summary_stat;

/*
 * Computes the summary of a run of sc: times (nrows, increasing, the first
 * 0) and values (nrows rows of muskx_scenario_report_count() raw values,
 * as muskx_scenario_run() writes them). Runs cut short are allowed: phases
 * the run did not reach get NAN. Status: EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_summary_compute(const muskx_scenario *sc,
                                             const double *times,
                                             const double *values,
                                             size_t nrows,
                                             muskx_summary **out);
MUSKX_API void muskx_summary_free(muskx_summary *summary);
/*
 * One statistic of reported column `column`. phase is a phase index, or -1
 * for the whole run (PEAK/TROUGH and their times); BASELINE, LOSS and
 * HALF_RECOVERY ignore it. NAN for a bad argument or a phase not reached.
 */
MUSKX_API double muskx_summary_get(const muskx_summary *summary,
                                   muskx_summary_stat what, int column,
                                   int phase);
/* The shown value (muskx_show) of raw value x of a column. */
MUSKX_API double muskx_summary_shown(const muskx_summary *summary,
                                     int column, double x);

/* ------------------------------------------------------------------------
 * Ensembles (virtual populations): N simulations of one model, each with
 * its own parameter values drawn from distributions or read from a table,
 * run on a pool of threads; per-time quantiles and per-sample results.
 *
 * Reproducible: the values of sample i are a pure function of (seed, i)
 * (a counter-based generator, see lib/rng.h), so the results of a seed
 * are identical whatever the thread count, and the samples of one big run
 * can be split over processes (muskx-mpi) by running ranges of it.
 * The model is shared by the threads; each thread has its own muskx_sim.
 * An ensemble itself belongs to one thread at a time.
 * Memory of a run: count * ntimes * ncols doubles for the trajectories
 * while they fit the memory budget, else a quantile sketch whose size does
 * not depend on count (muskx_ensemble_set_memory_budget()); plus one
 * simulation per thread (see muskx_ensemble_set_columns()).
 * First version: 0.1.
 * ------------------------------------------------------------------------ */
typedef struct muskx_ensemble muskx_ensemble;
typedef struct muskx_qsketch muskx_qsketch; /* see "Quantile sketches" */

/* The distribution of a varied value; p1 and p2 mean: */
typedef enum {
  MUSKX_DIST_NORMAL = 0,    /* mean, standard deviation (>= 0) */
  MUSKX_DIST_LOGNORMAL = 1, /* median (> 0), coefficient of variation
                               (>= 0): log-sd sqrt(log(1 + cv^2)) */
  MUSKX_DIST_UNIFORM = 2    /* low, high (low <= high) */
} muskx_distribution;

/*
 * Called once per sample on the thread that runs it, after the sample's
 * values are applied and just before the run: the place for settings
 * every sample shares (tolerances, --set values, a steady start). It runs
 * concurrently on several threads, each with its own sim, so it must not
 * touch shared state without locking. The ensemble chooses the sim's
 * columns itself (muskx_sim_select()): the hook must not change them. A
 * non-OK return fails the sample (the sim's message is kept).
 */
typedef muskx_status (*muskx_ensemble_setup_fn)(void *ctx, muskx_sim *sim,
                                                size_t sample);
/*
 * Progress of a run: `done` of `total` samples finished. Called on the
 * thread that called muskx_ensemble_run(), never concurrently, at least
 * once at the end (done == total).
 */
typedef void (*muskx_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * Creates an empty ensemble of a model (nothing varied, every column
 * kept). The model must outlive the ensemble. Status: EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_ensemble_create(const muskx_model *model,
                                             muskx_ensemble **out);
MUSKX_API void muskx_ensemble_free(muskx_ensemble *ens);
/* The last error on this ensemble ("" after a success). */
MUSKX_API const char *muskx_ensemble_errmsg(const muskx_ensemble *ens);

/*
 * Varies `name` (a parameter, compartment, species' initial value or
 * constant input, as muskx_sim_set()) with a distribution. Varied names
 * are numbered in the order they are added, table columns included.
 * A distribution of which more than 0.1 % lies outside a parameter's or
 * an input's declared min and max is refused; a rarer drawn value that
 * the model rejects (a negative normal draw for a parameter with min 0)
 * fails that sample, not the run.
 * Status: ENOTFOUND (no such name), EINVAL (bad distribution parameters,
 * more than 0.1 % of draws outside the parameter's or input's min and
 * max, or the name is already varied), ENOMEM.
 */
MUSKX_API muskx_status muskx_ensemble_vary(muskx_ensemble *ens,
                                           const char *name,
                                           muskx_distribution dist,
                                           double p1, double p2);
/*
 * Gives explicit parameter sets: table is nsamples rows of nnames values
 * (row-major), column j for names[j]; sample i uses row i, so a run may
 * not go past row nsamples - 1. Copied. Replaces an earlier table.
 * Status: ENOTFOUND, EINVAL (a name twice or already varied, a non-finite
 * value, nsamples or nnames 0), ENOMEM.
 */
MUSKX_API muskx_status muskx_ensemble_set_samples(muskx_ensemble *ens,
                                                  const double *table,
                                                  size_t nsamples,
                                                  size_t nnames,
                                                  const char *const *names);
/* Number of varied names, and the index-th (NULL when out of range). */
MUSKX_API int muskx_ensemble_nvaried(const muskx_ensemble *ens);
MUSKX_API const char *muskx_ensemble_varied_name(const muskx_ensemble *ens,
                                                 int index);

/* Sets (or, with fn NULL, removes) the per-sample setup hook. */
MUSKX_API muskx_status muskx_ensemble_set_setup(muskx_ensemble *ens,
                                                muskx_ensemble_setup_fn fn,
                                                void *ctx);
/*
 * Runs every sample as scenario sc (which must outlive the ensemble and
 * whose model must be the ensemble's): the sample's values are applied as
 * the scenario's last `set` entries, so they act before its steady state,
 * as muskx_scenario_set() would. A sample's non-zero value of a built-in
 * dose parameter (dmab_dose) next to a drug: entry of that agent in sc
 * fails the sample (EINVAL, the message naming that entry at
 * file:line:col), as muskx_scenario_set() refuses it. NULL returns to
 * plain simulations. Status: EINVAL (a scenario of another model).
 */
MUSKX_API muskx_status muskx_ensemble_set_scenario(muskx_ensemble *ens,
                                                   const muskx_scenario *sc);

/*
 * Keeps only these columns (species or outputs, in this order) of each
 * run; n == 0 keeps all (species, then outputs, as muskx_sim_run()).
 * Status: ENOTFOUND, EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_ensemble_set_columns(muskx_ensemble *ens,
                                                  const char *const *names,
                                                  size_t n);
/* Number of kept columns, and the index-th's name (NULL out of range). */
MUSKX_API int muskx_ensemble_ncols(const muskx_ensemble *ens);
MUSKX_API const char *muskx_ensemble_column_name(const muskx_ensemble *ens,
                                                 int index);

/*
 * Called once per sample of a run, in sample order, one call at a time:
 * sample is the absolute sample number, status its muskx_status (errmsg
 * why it failed, else ""), values its nvaried values, traj its ntimes x
 * ncols values (NaN when it failed). For a run that keeps its
 * trajectories it is called on the calling thread after the run; for a
 * streamed run (see muskx_ensemble_set_memory_budget()) on a worker
 * thread as the samples finish -- so it must not call into the ensemble.
 * A non-OK return stops the run, which then fails with that status.
 */
typedef muskx_status (*muskx_ensemble_member_fn)(void *ctx, size_t sample,
                                                 muskx_status status,
                                                 const char *errmsg,
                                                 const double *values,
                                                 const double *traj);
MUSKX_API muskx_status muskx_ensemble_set_member_fn(muskx_ensemble *ens,
                                                    muskx_ensemble_member_fn fn,
                                                    void *ctx);
/*
 * Bounds the memory of a run (issue 19). A run whose trajectories, count
 * x ntimes x ncols doubles, fit in `bytes` keeps them: exact quantiles,
 * and the per-sample result calls work. A larger run keeps none: each
 * sample goes to the member hook and into a quantile sketch of size k
 * (muskx_qsketch; 0 takes 200), so its memory does not grow with count;
 * muskx_ensemble_quantiles() answers from the sketch, with the rank error
 * muskx_ensemble_sketch() states, and the per-sample calls (trajectories,
 * values, status, sample_errmsg) fail with ESTATE. The default keeps
 * everything (SIZE_MAX); muskx ensemble uses 64 MiB. Samples are fed to
 * the sketch in sample order and chunk by chunk (16 k samples, at
 * absolute multiples), so the answers are the same for any thread count
 * and for runs split at chunk boundaries and merged in order.
 * Status: EINVAL (k outside [8, 1000000]).
 */
MUSKX_API muskx_status muskx_ensemble_set_memory_budget(muskx_ensemble *ens,
                                                        size_t bytes, int k);
/*
 * Runs the members' right-hand side and Jacobian as native code (about
 * 1.75 times the members per CPU-second of the default register VM on the
 * ISS crew; results identical bit for bit): C generated from the compiled
 * model, with the instructions that read only parameters computed once per
 * simulation (again when a parameter they read changes), is compiled once
 * with the C compiler cc (a command such as "cc", run without a shell;
 * needs a C compiler and libm's headers) and loaded. With cache_dir (an existing folder owned by
 * the user and writable by no one else, e.g. ~/.cache/muskx, mode 0700;
 * another folder is refused, and a cached file is loaded only if it is
 * the user's and writable by no one else) the shared object is kept there, named after a hash of
 * its source and command, and reused by later runs; NULL builds in a
 * temporary folder each time (about a second). cc NULL drops native code.
 * On failure (no compiler, a compiler error, a compiler still running
 * after 300 s, which is then killed, a model over 400,000 instructions)
 * the ensemble keeps running on the VM and the status says why.
 * Status: EUNSUPPORTED (the message names the cause), ENOMEM, EINVAL.
 */
MUSKX_API muskx_status muskx_ensemble_set_native(muskx_ensemble *ens,
                                                 const char *cc,
                                                 const char *cache_dir);
/* The sketch of the last run when it kept no trajectories, else NULL. */
MUSKX_API const muskx_qsketch *muskx_ensemble_sketch(
    const muskx_ensemble *ens);
/* Members per sketch chunk of this ensemble (16 k). */
MUSKX_API size_t muskx_ensemble_chunk(const muskx_ensemble *ens);

/*
 * Runs samples first .. first + count - 1 at the given output times (as
 * muskx_sim_run(); times[0] is the start, and must be 0 with a scenario,
 * whose first phase begins there: EINVAL otherwise; EINVAL too when the
 * scenario's set entries, or all its phases, give a name the samples vary, as one
 * would replace the other -- a table column with one value in every row
 * is an override, allowed) on nthreads threads
 * (0: one per online processor; never more than count). Sample i's values
 * come from (seed, i) and table row i. progress may be NULL. Results of an earlier
 * run are replaced. A sample that fails is recorded (status, message, NaN
 * rows) and the others go on; the run itself fails only for bad
 * arguments, ENOMEM, or when it cannot start its threads (ESTATE).
 */
MUSKX_API muskx_status muskx_ensemble_run(muskx_ensemble *ens, size_t first,
                                          size_t count,
                                          unsigned long long seed,
                                          int nthreads, const double *times,
                                          size_t ntimes,
                                          muskx_progress_fn progress,
                                          void *ctx);

/* Samples in the last run, and how many of them failed. */
MUSKX_API size_t muskx_ensemble_count(const muskx_ensemble *ens);
MUSKX_API size_t muskx_ensemble_nfailed(const muskx_ensemble *ens);

/*
 * Results of the last run, into caller buffers of n values (EINVAL when
 * n is too small), sample k meaning sample first + k:
 *  - trajectories: count blocks of ntimes rows of ncols values; a failed
 *    sample's block is all NaN;
 *  - values: count rows of nvaried values actually used (NaN where a
 *    sample failed before its value was drawn);
 *  - status: count muskx_status codes (MUSKX_OK for a success).
 */
MUSKX_API muskx_status muskx_ensemble_trajectories(const muskx_ensemble *ens,
                                                   double *out, size_t n);
MUSKX_API muskx_status muskx_ensemble_values(const muskx_ensemble *ens,
                                             double *out, size_t n);
MUSKX_API muskx_status muskx_ensemble_status(const muskx_ensemble *ens,
                                             int *out, size_t n);
/* Why sample first + k failed ("" when it did not; NULL out of range). */
/*
 * The trajectories of the last run in place, laid out as
 * muskx_ensemble_trajectories() copies them: no second copy of a large
 * population. The pointer is the ensemble's, valid until its next run or
 * free; NULL before any run.
 */
MUSKX_API const double *muskx_ensemble_trajectories_view(
    const muskx_ensemble *ens);
MUSKX_API const char *muskx_ensemble_sample_errmsg(
    const muskx_ensemble *ens, size_t k);

/*
 * Per-time quantiles of every kept column over the successful samples of
 * the last run: out receives nprobs blocks of ntimes rows of ncols values,
 * block q for probability probs[q] (in [0, 1]); NaN where no sample
 * succeeded. Same definition as muskx_quantiles().
 */
MUSKX_API muskx_status muskx_ensemble_quantiles(const muskx_ensemble *ens,
                                                const double *probs,
                                                size_t nprobs, double *out,
                                                size_t n);

/*
 * Quantiles over sets: values holds nsets blocks of width numbers; out
 * receives nprobs blocks of width numbers, out[q * width + j] being the
 * probs[q] quantile of { values[s * width + j] : s < nsets, not NaN } by
 * linear interpolation between order statistics (Hyndman & Fan 1996,
 * definition 7: R's and numpy's default), NaN when there is none.
 * Selection, not sorting; over a million values, columns are split over
 * up to one thread per processor (at most 8), with the same answers.
 * Status: EINVAL (a probability outside [0, 1], NULL arrays), ENOMEM.
 */
MUSKX_API muskx_status muskx_quantiles(const double *values, size_t nsets,
                                       size_t width, const double *probs,
                                       size_t nprobs, double *out);

/* ------------------------------------------------------------------------
 * Quantile sketches (issue 19): a KLL sketch (Karnin, Lang & Liberty
 * 2016) of `width` columns, one value per column per member, in memory
 * independent of the number of members: under 3k + 2 log2(n) values per
 * column. What an ensemble keeps when its trajectories do not fit its
 * memory budget, and what muskx-mpi ranks send instead of trajectories.
 *
 * Deterministic: the coins are a hash of (stream, compaction number), so
 * the same rows added, and sketches merged, in the same order give the
 * same bytes on any thread or process. Merging into an empty sketch makes
 * a copy. Rank error (lib/qsketch.c derives it): for any value x, the
 * sketch's count of members <= x is within t = sqrt(2 V ln(2/delta)) of
 * the true count with probability >= 1 - delta, V being the sum of 4^h
 * over its compactions at levels h; a quantile query returns a value
 * whose true rank is within t of p n. A sketch that never compacted
 * (n < k) is exact and answers as muskx_quantiles().
 * First version: 0.2.
 * ------------------------------------------------------------------------ */

/* k in [8, 1000000] sets accuracy (t/n ~ 1/k) and size; stream picks
   the coins. Status: EINVAL, ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_create(int k, size_t width,
                                            unsigned long long stream,
                                            muskx_qsketch **out);
MUSKX_API void muskx_qsketch_free(muskx_qsketch *sk);
/* Adds one member: width values, none NaN (EINVAL). ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_add(muskx_qsketch *sk,
                                         const double *row);
/* Adds src's members to dst (same k and width, else EINVAL). ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_merge(muskx_qsketch *dst,
                                           const muskx_qsketch *src);
MUSKX_API size_t muskx_qsketch_count(const muskx_qsketch *sk);
MUSKX_API size_t muskx_qsketch_width(const muskx_qsketch *sk);
MUSKX_API int muskx_qsketch_k(const muskx_qsketch *sk);
/* out: nprobs blocks of width values, as muskx_quantiles(); NaN when
   empty. Status: EINVAL, ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_quantiles(const muskx_qsketch *sk,
                                               const double *probs,
                                               size_t nprobs, double *out);
/* t / n for a confidence 1 - delta (0 < delta < 1): 0 while exact; NaN
   when empty or delta is out of range. */
MUSKX_API double muskx_qsketch_rank_error(const muskx_qsketch *sk,
                                          double delta);
/* Writes the sketch into buf when n is enough; returns the bytes it
   needs (so buf NULL asks the size). Same machine layout only. */
MUSKX_API size_t muskx_qsketch_serialize(const muskx_qsketch *sk, void *buf,
                                         size_t n);
/* Reads what muskx_qsketch_serialize() wrote. Status: EINVAL (not a
   sketch, truncated), ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_deserialize(const void *buf, size_t n,
                                                 muskx_qsketch **out);
/* Merges the sketch whose bytes are buf into dst, as
   muskx_qsketch_merge() would, without building it (buf 8-byte aligned,
   as malloc gives). Status: EINVAL (as deserialize, or k or width
   differ), ENOMEM. */
MUSKX_API muskx_status muskx_qsketch_merge_serialized(muskx_qsketch *dst,
                                                      const void *buf,
                                                      size_t n);

/* ------------------------------------------------------------------------
 * Global sensitivity (issue 19): first-order and total Sobol indices of
 * one scalar result with respect to k independent inputs, by Saltelli
 * sampling and Jansen's estimators, with percentile-bootstrap confidence
 * intervals (lib/gsa.c gives the formulas and references). The caller
 * evaluates the design's rows -- for a model, as an ensemble with
 * muskx_ensemble_set_samples() -- and passes the results back.
 * First version: 0.1.
 * ------------------------------------------------------------------------ */

/* The indices of one input: point estimates and the CI bounds. */
typedef struct muskx_sobol {
  double first, first_lo, first_hi; /* S_i */
  double total, total_lo, total_hi; /* ST_i */
  size_t n;                         /* base samples used (no NaN) */
} muskx_sobol;

/*
 * Writes the Saltelli design of n base samples of k inputs (input i drawn
 * from dist[i] with parameters p1[i], p2[i], as muskx_ensemble_vary()):
 * n blocks of k + 2 rows of k values, row-major -- per base sample j the
 * rows A_j, B_j, then AB_1j .. AB_kj (A_j with input i from B_j). out
 * holds n (k + 2) k values. A Sobol' sequence when 2k <= 40, else
 * pseudo-random draws of seed. Status: EINVAL, ELIMIT, ENOMEM.
 */
MUSKX_API muskx_status muskx_sobol_design(int k,
                                          const muskx_distribution *dist,
                                          const double *p1, const double *p2,
                                          size_t n, unsigned long long seed,
                                          double *out);
/*
 * Sobol indices from y, the n (k + 2) results of the design's rows in
 * design order; out receives k entries. Base samples with a NaN result are
 * left out; with fewer than 2 left, or zero variance, the indices are NaN.
 * nboot bootstrap resamples (0: no CI; the bounds are NaN) drawn from
 * seed give the central `level` (e.g. 0.95) percentile interval.
 * Status: EINVAL, ELIMIT, ENOMEM.
 */
MUSKX_API muskx_status muskx_sobol_indices(const double *y, size_t n, int k,
                                           size_t nboot,
                                           unsigned long long seed,
                                           double level, muskx_sobol *out);

/* ------------------------------------------------------------------------
 * Fitting (issue 15): multi-start local minimisation of a negative
 * log-likelihood nllh(theta) over a box lower <= theta <= upper, and
 * profile likelihoods around the best optimum.
 *
 * The problem comes as a callback, in one of two forms:
 *  - residuals (least squares, Gaussian noise): nllh = offset + 1/2 sum
 *    r_i(theta)^2, with the exact Jacobian dr_i/dtheta_k; minimised by
 *    a rectangular trust-region dogleg (LAPACK), parameters that reach a
 *    bound held on it while the gradient pushes outward; the callback is
 *    only called inside the closed box;
 *  - a general objective (e.g. Laplace noise): nllh and its gradient;
 *    minimised by NLopt's SLSQP (bounds kept).
 * docs/fitting.md gives the measurements behind this choice.
 *
 * Starts are a Latin hypercube over the box drawn from a seed (or a
 * caller's table); each start and each profile runs on a pool of threads,
 * and a start's result is a pure function of (seed, start index), so the
 * results of a seed are identical whatever the thread count, provided the
 * callback is a pure function of theta.
 * A fit belongs to one thread at a time; its callback is called
 * concurrently from its worker threads (see muskx_fit_residual_fn).
 * First version: 0.1.
 * ------------------------------------------------------------------------ */
typedef struct muskx_fit muskx_fit;

/*
 * Residuals at theta (nparams values): fills res[0 .. nres-1] and, when
 * jac is not NULL, jac[i * nparams + k] = d res[i] / d theta[k]. worker
 * (0 .. threads-1) names the calling thread, so the callback can keep one
 * simulation per worker; calls with the same worker never overlap, calls
 * with different workers do. Returns 0 on success, anything else when it
 * cannot evaluate there (a failed simulation): the optimiser then treats
 * the point as infinitely bad and steps back.
 */
typedef int (*muskx_fit_residual_fn)(void *ctx, int worker,
                                     const double *theta, double *res,
                                     double *jac);
/* nllh at theta and, when grad is not NULL, its gradient (nparams
   values). Same threading and return convention as the residuals. */
typedef int (*muskx_fit_objective_fn)(void *ctx, int worker,
                                      const double *theta, double *nllh,
                                      double *grad);

/* Why a local optimisation stopped. */
typedef enum {
  MUSKX_FIT_XTOL = 0,       /* the step fell below xtol (relative) */
  MUSKX_FIT_GTOL = 1,       /* the scaled gradient fell below gtol */
  MUSKX_FIT_FTOL = 2,       /* nllh changed by less than ftol (relative) */
  MUSKX_FIT_MAXITER = 3,    /* the iteration limit was reached */
  MUSKX_FIT_NOPROGRESS = 4, /* no step decreased nllh any further */
  MUSKX_FIT_FAILED = 5,     /* the callback failed at the start point or
                               at an accepted point's Jacobian */
  MUSKX_FIT_GNGAIN = 6      /* the Gauss-Newton model promised a decrease
                               of nllh below the gain tolerance */
} muskx_fit_exit;

/* "xtol", "gtol", "ftol", "maxiter", "noprogress", "failed", "gngain";
   "?" for another value. */
MUSKX_API const char *muskx_fit_exit_name(muskx_fit_exit reason);

/*
 * A fit of nparams parameters (1 .. 100000) with no problem yet, unbounded,
 * seed 0, one thread per online processor, xtol 1e-8, gtol 1e-8, ftol 0,
 * at most 1000 iterations per start, method MUSKX_FIT_HYBRID, 1 restart
 * per start of radius 0.3. Status: EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_fit_create(int nparams, muskx_fit **out);
MUSKX_API void muskx_fit_free(muskx_fit *fit);
/* The last error on this fit ("" after a success). */
MUSKX_API const char *muskx_fit_errmsg(const muskx_fit *fit);
MUSKX_API int muskx_fit_nparams(const muskx_fit *fit);

/* The least-squares form: nres residuals (>= 1), nllh = offset + 1/2
   |r|^2. Replaces an earlier problem. Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_residuals(muskx_fit *fit, size_t nres,
                                               double offset,
                                               muskx_fit_residual_fn fn,
                                               void *ctx);
/* The general form. Replaces an earlier problem. Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_objective(muskx_fit *fit,
                                               muskx_fit_objective_fn fn,
                                               void *ctx);
/* Bounds (nparams values each, copied); -INFINITY / INFINITY for none.
   Status: EINVAL (lower > upper, NaN). */
MUSKX_API muskx_status muskx_fit_set_bounds(muskx_fit *fit,
                                            const double *lower,
                                            const double *upper);
/* Explicit starts: nstarts rows of nparams values (copied), inside the
   bounds; NULL returns to drawn starts. Status: EINVAL, ENOMEM. */
MUSKX_API muskx_status muskx_fit_set_starts(muskx_fit *fit,
                                            const double *table,
                                            size_t nstarts);
/* A start of the caller's (nparams values, copied, inside the bounds) run
   as start 0 of drawn starts -- the nominal point, say -- with a Latin
   hypercube of the other nstarts - 1; NULL: all starts drawn. Ignored
   when a starts table is set. Status: EINVAL (outside the bounds),
   ENOMEM. */
MUSKX_API muskx_status muskx_fit_set_first_start(muskx_fit *fit,
                                                 const double *x);
MUSKX_API muskx_status muskx_fit_set_seed(muskx_fit *fit,
                                          unsigned long long seed);
/* Worker threads (0: one per online processor). Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_threads(muskx_fit *fit, int nthreads);
/* The most workers a run will use: callbacks see worker indices below
   this (for one simulation per worker). */
MUSKX_API int muskx_fit_threads(const muskx_fit *fit);
/* Stopping tests (each >= 0; 0 switches that test off; see
   muskx_fit_exit). Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_tolerances(muskx_fit *fit, double xtol,
                                                double gtol, double ftol);
MUSKX_API muskx_status muskx_fit_set_max_iterations(muskx_fit *fit,
                                                    int maxiter);
/* The local method of the least-squares form (the general form always
   uses SLSQP); docs/fitting.md compares them on eight benchmarks. */
typedef enum {
  MUSKX_FIT_DOGBOX = 0, /* rectangular trust-region dogleg */
  MUSKX_FIT_LM = 1,     /* projected Levenberg-Marquardt */
  MUSKX_FIT_HYBRID = 2, /* the dogleg until it stalls, then the LM; no
                           gradient test (default) */
  MUSKX_FIT_FIDES = 3   /* trust region after Fides (2-D subspace): Gauss-Newton
                           plus a secant term when it stalls; no gradient
                           test */
} muskx_fit_method;
/* Status: EINVAL (not a muskx_fit_method). */
MUSKX_API muskx_status muskx_fit_set_method(muskx_fit *fit,
                                            muskx_fit_method method);
/* The hybrid's convergence test on the starts (not on profiles): a local
   optimisation ends (MUSKX_FIT_GNGAIN) where the Gauss-Newton model
   promises to lower nllh by less than gntol over the free parameters.
   Invariant to the parameters' scaling, unlike gtol. 0 (the default)
   switches it off; muskx fit uses 1e-3, a thousandth of a likelihood
   unit (docs/fitting.md, "Restarts"). Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_gain_tolerance(muskx_fit *fit,
                                                    double gntol);
/* Restarts within each start (monotonic basin hopping, docs/fitting.md
   "Restarts"): after its local optimisation a start runs up to
   `restarts` more (0 .. 1000), each from its best point so far moved
   uniformly by up to radius (0 < radius <= 1) times each parameter's box
   width, keeping a result only when it is lower; the start's iterations
   (the maximum included), evaluations and result cover all of them.
   Restarts run in rounds after all starts, and a round skips the starts
   within 0.1 of the best start's nllh (the best start itself restarts).
   Drawn from (seed, start, restart): the same whatever the thread count.
   Profiles do not restart. Default: 1 restart, radius 0.3.
   Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_set_restarts(muskx_fit *fit, int restarts,
                                              double radius);
/* Two accuracies (docs/fitting.md, "Search accuracy"): the starts' local
   searches run at a cheaper accuracy, their results at the caller's full
   one. On each worker the fit calls fn(ctx, worker, 0) before a start's
   search (restarts included) and fn(ctx, worker, 1) after it; then it
   evaluates the start's end point again (the nllh reported; NaN when
   the callback fails there), and polishes the best start at the full
   accuracy even without a gain tolerance. The callback switches what it
   evaluates with, e.g. its simulations' tolerances; a run therefore
   leaves every worker it used at the full accuracy, which profiles use.
   fn NULL (the default): one accuracy throughout. Status: EINVAL. */
typedef void (*muskx_fit_accuracy_fn)(void *ctx, int worker, int full);
MUSKX_API muskx_status muskx_fit_set_accuracy(muskx_fit *fit,
                                              muskx_fit_accuracy_fn fn,
                                              void *ctx);
/* A third accuracy, for the Jacobians of a least-squares search
   (docs/fitting.md, "The search's Jacobian"): with on = 1 and an accuracy
   callback, the fit calls fn(ctx, worker, MUSKX_FIT_ACCURACY_JACOBIAN)
   before each Jacobian evaluation of a start's search and fn(ctx, worker,
   0) after it. The residuals of such a call are not used: the search
   steps with the residuals of a plain call at the search's accuracy (the
   accepted trial point's, or at a start the check's call), so only the
   step's direction sees the Jacobian's accuracy, never a cost the search
   compares. A loose call that fails is made again at the search's
   accuracy. Each local search checks the loose Jacobian at its first
   point and every 10 accepted steps against one at the search's accuracy
   and, where a column differs by more than 0.1 of its norm (or the loose
   call fails), takes its Jacobians at the search's accuracy from then
   on. Objective fits, profiles and the polish are unaffected.
   Default 0 (off). Status: EINVAL. */
#define MUSKX_FIT_ACCURACY_JACOBIAN 2
MUSKX_API muskx_status muskx_fit_set_jacobian_accuracy(muskx_fit *fit, int on);
/* Progress of runs and profiles, as for ensembles, on the calling
   thread: done of total local optimisations of a run (starts x (1 +
   restarts); a start a restart round skips counts as done) or of
   profiles. fn NULL removes it. */
MUSKX_API muskx_status muskx_fit_set_progress(muskx_fit *fit,
                                              muskx_progress_fn fn,
                                              void *ctx);

/*
 * Runs nstarts local optimisations (with explicit starts: at most as many
 * as the table has rows). Drawn starts need finite bounds: start k's
 * coordinate j lies in stratum perm_j(k) of nstarts equal slices of
 * [lower_j, upper_j], the permutations and the place within the stratum
 * drawn from (seed, j, k). A start whose callback fails is recorded
 * (MUSKX_FIT_FAILED, nllh NaN) and the others go on. Results of an earlier
 * run and its profiles are replaced.
 * Status: EINVAL (no problem, nstarts 0, infinite bounds without a table),
 * ESTATE (cannot start threads), ENOMEM, ENOTCONV (every start failed).
 */
MUSKX_API muskx_status muskx_fit_run(muskx_fit *fit, size_t nstarts);

/* Starts of the last run; the index of the one with the lowest nllh
   (ties: the lower index), or (size_t)-1 when none succeeded. */
MUSKX_API size_t muskx_fit_nstarts(const muskx_fit *fit);
MUSKX_API size_t muskx_fit_best(const muskx_fit *fit);
/* Start k's starting point and result (nparams values each; either
   pointer may be NULL). Status: EINVAL (k out of range). */
MUSKX_API muskx_status muskx_fit_result(const muskx_fit *fit, size_t k,
                                        double *start, double *theta);
/* Start k's final nllh (NaN when it failed or k is out of range),
   iterations, callback evaluations (residuals or objective, with or
   without derivatives) and exit reason (-1 when k is out of range). */
MUSKX_API double muskx_fit_nllh(const muskx_fit *fit, size_t k);
MUSKX_API int muskx_fit_iterations(const muskx_fit *fit, size_t k);
MUSKX_API int muskx_fit_evaluations(const muskx_fit *fit, size_t k);
MUSKX_API int muskx_fit_exit_reason(const muskx_fit *fit, size_t k);

/*
 * Profile likelihoods around the best start of the last run: for each
 * parameter j, theta_j is stepped away from its optimum on each side
 * (steps from the Gauss-Newton standard error, adapted to the rise of the
 * profile) and the others are re-optimised from the previous point (moved
 * along a first-order prediction of the path: see
 * muskx_fit_set_profile_predictor()), until
 * the profile rises by more than the threshold, reaches a bound, or
 * max_points points were taken on that side. The threshold is
 * chi2_1(level)/2 (1.92 for level 0.95); where the profile crosses it, the
 * crossing is refined by bisection to 1e-3 of the last step. Profiles run
 * on the pool, one parameter per task, and do not depend on the thread
 * count. A profile that finds a lower nllh than the best start keeps going
 * from the original optimum (the report says so: see
 * muskx_fit_profile_min()).
 * Status: ESTATE (no successful run), EINVAL (level outside (0, 1),
 * max_points < 1), ENOMEM, ESTOPPED (the profile callback stopped it:
 * the points so far are kept, see muskx_fit_set_profile_callback()).
 */
MUSKX_API muskx_status muskx_fit_profile(muskx_fit *fit, double level,
                                         int max_points);
/* Which parameters muskx_fit_profile() profiles: the nparams indices in
   params (NULL or 0: all, the default). The others keep no profile
   (muskx_fit_profile_npoints() 0, muskx_fit_profile_ci() -1) but are
   re-optimised at every profile point as before. A large problem can so be
   profiled a few parameters per run. Status: EINVAL (an index outside
   0..nparams-1, nparams < 0), ENOMEM. */
MUSKX_API muskx_status muskx_fit_set_profile_params(muskx_fit *fit,
                                                    const int *params,
                                                    int nparams);
/* How a profile point's other parameters are started (default 1):
   1 first-order -- at the first point along the tangent of the profile
   path at the optimum, C[:, j] / C[j, j] for the Gauss-Newton covariance
   C, later along the secant through the last two solutions, and inside a
   bracketed crossing by interpolation between its ends' solutions, with
   a fall-back to the zeroth-order start where the predicted start's
   inner fit fails or ends above the zeroth-order start's nllh; 0
   zeroth-order -- the previous solution with only theta_j moved (the
   method before issue 17's predictor). Status: EINVAL (fit NULL). */
MUSKX_API muskx_status muskx_fit_set_profile_predictor(muskx_fit *fit, int on);
/* The work of parameter j's profile in the last muskx_fit_profile(): the
   inner optimisations run, their iterations and residual/objective
   evaluations (including the predictor's test evaluations), and the
   points re-run from the zeroth-order start. Any pointer may be NULL.
   Returns 0, or -1 when there is no profile of j. */
MUSKX_API int muskx_fit_profile_work(const muskx_fit *fit, int j, int *fits,
                                     int *iters, int *evals, int *fallbacks);
/* How often parameter j's profile in the last muskx_fit_profile() checked
   a crossing. A point at or above the threshold is re-optimised from its
   own end point before it may end the side or bound the crossing's
   bracket and, when that lowers its nllh, also from the previous point's
   solution with theta_j moved (the zeroth-order start); the lowest
   counts. A refinement that closed on the bracket's upper end without a
   point above re-checks that end from its own end point and always from
   the refined solution next to it (the zeroth-order start). *rechecks:
   those
   re-optimisations (also counted as inner fits by
   muskx_fit_profile_work()); *cleared: the crossings they refuted (the
   point's nllh was below the threshold after all; the side walked on).
   Any pointer may be NULL. Returns 0, or -1 when there is no profile of
   j. */
MUSKX_API int muskx_fit_profile_rechecks(const muskx_fit *fit, int j,
                                         int *rechecks, int *cleared);
/* Points of parameter j's profile, sorted by value (0 when none). */
MUSKX_API size_t muskx_fit_profile_npoints(const muskx_fit *fit, int j);
/* Copies them: values[i] of theta_j, nllh[i] (NaN where the
   re-optimisation failed); n is the buffers' length. Status: EINVAL. */
MUSKX_API muskx_status muskx_fit_profile_points(const muskx_fit *fit, int j,
                                                double *values, double *nllh,
                                                size_t n);
/*
 * Confidence interval of parameter j at the level of muskx_fit_profile():
 * *lower and *upper where the profile crosses the threshold, NaN on a side
 * where it does not: practically non-identifiable on that side when the
 * bound came first, not finished when max_points, a failed point or the
 * profile callback's stop came first (muskx_fit_profile_side_end() says
 * which). Returns 1 when both sides cross, 0 when not, -1 when there is
 * no profile of j.
 */
MUSKX_API int muskx_fit_profile_ci(const muskx_fit *fit, int j,
                                   double *lower, double *upper);
/* The lowest nllh any profile point of any parameter reached (NaN
   without profiles): below muskx_fit_nllh() of the best start means the
   multi-start missed a better optimum. */
MUSKX_API double muskx_fit_profile_min(const muskx_fit *fit);

/*
 * A profile point as soon as it is taken (issue 17: a long profile keeps
 * its work): fn(ctx, j, side, value, nllh) for parameter j's point at
 * theta_j = value (on the parameter's scale, as muskx_fit_profile_points()
 * gives it) with its nllh (NaN where the re-optimisation failed). side 0
 * is the optimum itself (value the best start's theta_j, nllh its nllh),
 * passed for every profiled parameter, in index order, on the calling
 * thread before any side is walked; side -1 and +1 are the points below
 * and above it, crossing refinements included, in the order the side
 * takes them, each when its own re-checks are done. A bracket end (the
 * point above the threshold that ends a crossing's bracket) is passed
 * when confirmed, so a run stopped or killed during the refinement keeps
 * it, and again if the refinement's closing re-check lowers its nllh
 * (muskx_fit_profile_rechecks()): the later call counts. A run stopped
 * before that re-check ends keeps the nllh first passed, above the
 * threshold, though the re-check might have refuted the crossing: such a
 * side ends MUSKX_FIT_SIDE_STOPPED, its bracket is not an interval
 * (calibrate.py --profiles prints it "not refined"). Every point
 * muskx_fit_profile_points() returns afterwards is passed, with its
 * nllh in the last call for its value, and no other, when
 * muskx_fit_profile() returns MUSKX_OK or MUSKX_ESTOPPED (after another
 * status the profiles are freed: the points passed are all there is).
 *
 * Threads: the sides are walked on the fit's workers, and fn is called on
 * the worker that took the point, serialised under a mutex of the
 * profile run: never two calls at once, each call sees the previous
 * calls' effects. fn must not call muskx_fit_* on this fit:
 * muskx_fit_profile() and muskx_fit_run() called from it return
 * MUSKX_ESTATE (the run's lists would be freed under it) and the
 * profiles go on.
 *
 * fn returns 0 to go on. Anything else stops the profiles cleanly after
 * that point: it is kept, no later point is accepted (a point another
 * worker is computing is dropped, not passed to fn), every side ends at
 * its next point and muskx_fit_profile() returns MUSKX_ESTOPPED, with the
 * points so far readable as after a finished profile (a parameter the
 * stop came before, optimum included, has none) and the unfinished
 * sides' ends MUSKX_FIT_SIDE_STOPPED with a NaN interval end (see
 * muskx_fit_profile_side_end()). A point's inner optimisation is not
 * interrupted: the stop takes effect when the workers' current points
 * are done. fn NULL (the default) removes it. Status: EINVAL (fit NULL).
 */
typedef int (*muskx_fit_profile_fn)(void *ctx, int param, int side,
                                    double value, double nllh);
MUSKX_API muskx_status muskx_fit_set_profile_callback(muskx_fit *fit,
                                                      muskx_fit_profile_fn fn,
                                                      void *ctx);
/* How side (-1 below, +1 above the optimum) of parameter j's profile
   ended in the last muskx_fit_profile(). Only CROSSED gives that side's
   interval end; the others leave it NaN, and only BOUND means the data do
   not bound the parameter on that side within its box. */
typedef enum {
  MUSKX_FIT_SIDE_CROSSED = 0,   /* crossed the threshold (refined) */
  MUSKX_FIT_SIDE_BOUND = 1,     /* reached the bound below the threshold
                                   (its last allowed point included):
                                   not identifiable on that side */
  MUSKX_FIT_SIDE_MAXPOINTS = 2, /* max_points came first: not finished */
  MUSKX_FIT_SIDE_FAILED = 3,    /* a point's re-optimisation failed */
  MUSKX_FIT_SIDE_STOPPED = 4    /* the profile callback stopped the run
                                   first */
} muskx_fit_side_end;
/* "crossed", "bound", "max_points", "failed", "stopped"; "?" otherwise. */
MUSKX_API const char *muskx_fit_side_end_name(muskx_fit_side_end end);
/* The muskx_fit_side_end of that side, or -1 when there is no profile of
   j or side is not -1 or +1. */
MUSKX_API int muskx_fit_profile_side_end(const muskx_fit *fit, int j,
                                         int side);

/* ------------------------------------------------------------------------
 * SBML (issue 5). Import translates an SBML Level 1-3 core document into
 * muskx model YAML (muskx-model(5)) that the ordinary loader then loads, so
 * muskx_model_load_file() also accepts .xml/.sbml files (a name ending so,
 * or text starting with "<?xml" or "<sbml"). Export writes SBML Level 3
 * Version 2. Both need a library built with libSBML; otherwise they fail
 * with EUNSUPPORTED ("built without libSBML"). First version: 0.1.
 * ------------------------------------------------------------------------ */

/*
 * Translates the SBML file at sbml_path into the text of an equivalent,
 * readable muskx model: SBML ids become names (renamed with a '_' suffix
 * only when one clashes with t, time or a built-in function), SBML ids,
 * names and units are kept in `doc` and `unit`. On success *yaml_out owns
 * the NUL-terminated text; free it with muskx_free_string(). On failure
 * *yaml_out is NULL and err says what and where (the SBML file's line).
 * Thread-safe: the library serialises its libSBML calls with one lock
 * (libSBML and libxml2 are not thread-safe; issue 16).
 * Status: EINVAL (NULL arguments), EIO (unreadable), ESYNTAX (malformed
 * XML), EMODEL (invalid SBML), EUNSUPPORTED (a construct the engine cannot
 * represent, named with its line: rateOf inside delay or of
 * expressions; nested delays; delays with algebraic rules; fast
 * reactions switched off by events; SBML packages other than comp),
 * ENOMEM.
 */
MUSKX_API muskx_status muskx_sbml_to_yaml(const char *sbml_path,
                                          char **yaml_out, muskx_error *err);
/*
 * As muskx_sbml_to_yaml(), choosing how Level 1-2 events are read at the
 * start. Level 1-2 do not say whether a trigger that is already true at
 * t0 counts as having turned true: -1 is the default reading (it does not
 * fire, as libSBML's Level 3 conversion reads it; the model then warns,
 * muskx_model_warning(), of each event true at t0), 0 reads the trigger as
 * false just before t0 (such an event fires at the start), 1 as true (the
 * default reading, chosen explicitly: no warning). Level 3 says it
 * (initialValue); the choice is ignored there. Status as
 * muskx_sbml_to_yaml(), and EINVAL for another value.
 */
MUSKX_API muskx_status muskx_sbml_to_yaml_opt(const char *sbml_path,
                                              int l2_initial_trigger,
                                              char **yaml_out,
                                              muskx_error *err);
/* muskx_sbml_to_yaml_opt() that may also read comp external model
   definitions from the folders of access (NULL: only the document's folder;
   see File access). */
MUSKX_API muskx_status muskx_sbml_to_yaml_with(const char *sbml_path,
                                               const muskx_access *access,
                                               int l2_initial_trigger,
                                               char **yaml_out,
                                               muskx_error *err);

/* Frees a string the library returned to the caller; NULL is a no-op. */
MUSKX_API void muskx_free_string(char *s);

/*
 * Writes model m as SBML Level 3 Version 2: to the file path_or_NULL when
 * it is not NULL, and (when xml_out is not NULL) into *xml_out, a new
 * string to free with muskx_free_string(). Species become concentration
 * species of their compartment (a default compartment of size 1 when the
 * model has none), reactions keep their rate laws (amount per time),
 * assignments become assignment rules, odes rate rules, inputs parameters
 * (constant inputs) or piecewise assignment rules (tables), events SBML
 * events with the same trigger, delay, priority and flags; outputs become
 * assignment rules. m is only read, so this may run while other threads
 * use m. On failure nothing is written and err says why.
 * Status: EINVAL (NULL model, or both path_or_NULL and xml_out NULL), EIO,
 * EUNSUPPORTED (a construct SBML cannot hold, named), ENOMEM.
 */
MUSKX_API muskx_status muskx_model_export_sbml(const muskx_model *m,
                                               const char *path_or_NULL,
                                               char **xml_out,
                                               muskx_error *err);


/* ------------------------------------------------------------------------
 * PEtab problems (issue 15): parameter-estimation problems in the PEtab
 * version 1 format -- a problem YAML file naming an SBML model (or a muskx
 * YAML model) and the parameter, observable, condition and measurement
 * tables. First version: 0.1.
 *
 * Estimated parameters (estimate = 1 in the parameter table) form the
 * vector theta, in table order, each on its own parameterScale (lin, log
 * or log10): theta_k = log10(value) for a log10 parameter. The others stay
 * at their nominal values. A problem is immutable once loaded (except for
 * muskx_petab_set_native(), called before sharing) and may be shared by
 * threads; each thread evaluates it with its own muskx_sim made from
 * muskx_petab_model().
 * ------------------------------------------------------------------------ */
typedef struct muskx_petab muskx_petab;

/* Parameter scales of PEtab. */
typedef enum {
  MUSKX_PETAB_LIN = 0,
  MUSKX_PETAB_LOG = 1,  /* natural log */
  MUSKX_PETAB_LOG10 = 2
} muskx_petab_scale;

/*
 * Loads the problem file and everything it names (paths relative to it),
 * checks every table cell, and loads the model with each observable and
 * noise formula added as outputs (petab_obs_<id>, petab_sigma_<id>) and
 * each placeholder (observableParameter<n>_<id>, noiseParameter<n>_<id>)
 * and parameter-table id the model lacks as a parameter. On failure *out
 * is NULL and err names the file, line and column.
 * Status: EIO (unreadable file), ESYNTAX (malformed YAML, malformed table
 * row, a cell that is not a number where one is needed), ENOTFOUND (an
 * unknown observable, condition, parameter or model id), EMODEL (a rule
 * of PEtab broken: a nominal value outside its bounds, override counts),
 * EUNSUPPORTED (several models or tables per problem), ENOMEM; and the
 * model's own load errors.
 */
MUSKX_API muskx_status muskx_petab_load(const char *yaml_path,
                                        muskx_petab **out, muskx_error *err);
/*
 * Same, reading the tables and the model (and its imports) only inside
 * the problem file's folder and access's folders (muskx_access above);
 * muskx_petab_load() is this with access NULL. A file outside is refused
 * with EIO, unread.
 */
MUSKX_API muskx_status muskx_petab_load_with(const char *yaml_path,
                                             const muskx_access *access,
                                             muskx_petab **out,
                                             muskx_error *err);
MUSKX_API void muskx_petab_free(muskx_petab *pb);

/* The problem's model (with the PEtab outputs), owned by the problem. */
MUSKX_API const muskx_model *muskx_petab_model(const muskx_petab *pb);

/* Number of estimated parameters (the length of theta); -1 for NULL. */
MUSKX_API int muskx_petab_nparams(const muskx_petab *pb);
/* parameterId of estimated parameter k (NULL when out of range). */
MUSKX_API const char *muskx_petab_param_id(const muskx_petab *pb, int k);
/* Its scale (-1 when out of range). */
MUSKX_API int muskx_petab_param_scale(const muskx_petab *pb, int k);
/*
 * Its bounds and nominal value on its scale (each pointer may be NULL).
 * The nominal value is NaN when the parameter table leaves it empty,
 * which PEtab allows for an estimated parameter. EINVAL when k is out of
 * range.
 */
MUSKX_API muskx_status muskx_petab_param_info(const muskx_petab *pb, int k,
                                              double *lower, double *upper,
                                              double *nominal);
/*
 * The nominal point: theta[k] = the nominal value of estimated parameter
 * k on its scale (theta holds muskx_petab_nparams() values). MUSKX_EMODEL,
 * with err naming the parameter table's file:line:col, when an estimated
 * parameter has no nominalValue; such a problem can be fitted (its starts
 * are drawn within the bounds) but not evaluated at a nominal point. err
 * may be NULL.
 */
MUSKX_API muskx_status muskx_petab_nominal(const muskx_petab *pb,
                                           double *theta, muskx_error *err);
/* Number of measurements (rows of the measurement table); -1 for NULL. */
MUSKX_API int muskx_petab_nmeasurements(const muskx_petab *pb);
/* The files the problem was read from: index 0 is the problem file, then
   its parameter, model, observable, condition and measurement files (paths
   as opened, resolved against the problem's folder), so that a tool can
   refuse to write its output over one of them. NULL out of range. */
MUSKX_API const char *muskx_petab_file(const muskx_petab *pb, int index);

/*
 * Runs the problem's simulations (muskx_petab_llh(), _evaluate(),
 * _gradient(), _jacobian(); their forward sensitivities' Jacobian too)
 * with the model's right-hand side and Jacobian as native code, as
 * muskx_ensemble_set_native() does (same cc, cache_dir, limits and
 * results identical bit for bit to the VM's): compiled once per problem,
 * immutable afterwards and shared by every simulation an evaluation is
 * given, from any number of threads; each evaluation attaches it to its
 * sim and detaches it again, so sims never point at code dropped later.
 * Call it before the problem is shared by threads (it replaces the
 * problem's code). cc NULL drops native code (MUSKX_OK). On failure (no
 * compiler, a compiler error, ...) the problem keeps the VM, results are
 * unchanged, and err says why; the library prints nothing.
 * Status: EUNSUPPORTED (err names the cause), EINVAL (pb NULL).
 */
MUSKX_API muskx_status muskx_petab_set_native(muskx_petab *pb, const char *cc,
                                              const char *cache_dir,
                                              muskx_error *err);
/* 1 when the problem's simulations run native code
   (muskx_petab_set_native()), 0 when the VM runs them or pb is NULL. */
MUSKX_API int muskx_petab_native(const muskx_petab *pb);
/*
 * Evaluates the problem at theta (muskx_petab_nparams() values on the
 * parameters' scales) with sim, a simulation of muskx_petab_model(pb)
 * whose tolerances the caller chose (the runs reset every other setting).
 * llh: the log-likelihood, the sum over measurements of the log density
 * of their noise model (normal or Laplace, on the observable's lin, log
 * or log10 scale, normalisation included); chi2: the sum of squared
 * residuals. Either may be NULL. A sigma <= 0 or a non-positive
 * simulation of a log-transformed observable gives NAN.
 * Errors are recorded on sim (muskx_sim_errmsg): EINVAL (NULL arguments,
 * a sim of another model, a value a parameter refuses), ESOLVER or
 * ENOTCONV naming the condition, ENOMEM.
 */
MUSKX_API muskx_status muskx_petab_llh(const muskx_petab *pb, muskx_sim *sim,
                                       const double *theta, double *llh,
                                       double *chi2);
/*
 * Same evaluation, also per measurement (arrays of
 * muskx_petab_nmeasurements() values, in table order; every pointer may be
 * NULL): the simulated observable (untransformed), the residual
 * (transformed measurement minus transformed simulation, divided by
 * sigma) and sigma.
 */
MUSKX_API muskx_status muskx_petab_evaluate(const muskx_petab *pb,
                                            muskx_sim *sim,
                                            const double *theta,
                                            double *simulation,
                                            double *residual, double *sigma,
                                            double *llh, double *chi2);
/*
 * The log-likelihood at theta and its gradient: grad (muskx_petab_nparams()
 * values) receives d llh / d theta_k on the parameters' scales, exact up to
 * the solver's tolerances: from forward sensitivities (muskx_sim_run_sens(),
 * muskx_sim_steady_state_sens()) of the model values each estimated
 * parameter sets -- the model parameter of its id, placeholders and
 * condition-table cells that name it -- in each experiment whose measured
 * outputs the value can reach by the model's structure (the others'
 * derivatives there are 0 by construction). llh may be NULL. For Laplace noise
 * the derivative of |r| at r = 0 is taken as 0. The sim's own sensitivity
 * parameters are switched off afterwards.
 * Status: as muskx_petab_llh(), plus EUNSUPPORTED (what the sensitivities
 * do not support, named: see muskx_sim_set_sens_params(); a condition
 * column that follows different estimated parameters before and after
 * pre-equilibration), ENOTCONV (a pre-equilibration whose Jacobian is
 * singular, see muskx_sim_steady_state_sens()), EINVAL (grad NULL).
 */
MUSKX_API muskx_status muskx_petab_gradient(const muskx_petab *pb,
                                            muskx_sim *sim,
                                            const double *theta, double *llh,
                                            double *grad);
/*
 * For least squares: per measurement i (table order) the residual and
 * sigma (as muskx_petab_evaluate(), each may be NULL) and their
 * derivatives, row-major nmeasurements x nparams:
 * dresidual[i * nparams + k] = d residual_i / d theta_k, and the same for
 * dsigma (either may be NULL, not both). Status as muskx_petab_gradient().
 */
MUSKX_API muskx_status muskx_petab_jacobian(const muskx_petab *pb,
                                            muskx_sim *sim,
                                            const double *theta,
                                            double *residual, double *sigma,
                                            double *dresidual,
                                            double *dsigma);
/*
 * The simulations table as text: the measurement table's columns and rows,
 * with the column `measurement` renamed `simulation` and holding
 * simulation[i] (%.17g; muskx_petab_nmeasurements() values). *text_out is
 * a new string to free with muskx_free_string(). Status: EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_petab_simulations_table(const muskx_petab *pb,
                                                     const double *simulation,
                                                     char **text_out);
/*
 * The parameter table as text, with the nominalValue of every estimated
 * parameter replaced by theta's value on the linear scale (%.17g): the
 * table of a fit's result, loadable as the parameter table of the same
 * problem (a theta within its bounds on a log scale is written within
 * them: on a bound, the bound itself, not pow(10, log10(bound)), which
 * may round past it). Other rows and columns are as read. *text_out as
 * above.
 * Status: EINVAL, ENOMEM.
 */
MUSKX_API muskx_status muskx_petab_parameters_table(const muskx_petab *pb,
                                                    const double *theta,
                                                    char **text_out);
/* 1 when measurement i (table order) has Laplace noise, 0 for normal,
   -1 when i is out of range. */
MUSKX_API int muskx_petab_measurement_laplace(const muskx_petab *pb, int i);
/* The measured value of measurement i (NaN when out of range). */
MUSKX_API double muskx_petab_measurement_value(const muskx_petab *pb, int i);
/*
 * The estimated parameter k whose linear value is measurement i's sigma
 * itself (its observable's noise formula is the bare placeholder
 * noiseParameter1_<obs> and the row's noiseParameters names parameter k);
 * -1 when sigma is anything else, or i is out of range. Whether k also
 * enters the model or the observables is not checked here.
 */
MUSKX_API int muskx_petab_measurement_noise_param(const muskx_petab *pb,
                                                  int i);

#ifdef __cplusplus
}
#endif
#endif /* MUSKX_H */
