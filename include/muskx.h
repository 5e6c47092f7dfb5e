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
 *  - Strings returned by the library stay valid until their handle is freed.
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
  XX(ESTATE, 12, "call not valid in the current state")

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
 * directory.
 */
MUSKX_API muskx_status muskx_model_load_string(const char *text, size_t len,
                                               const char *source_name,
                                               muskx_model **out,
                                               muskx_error *err);

MUSKX_API void muskx_model_free(muskx_model *model);

/* model.id, model.name (may be ""), model.time_unit (may be ""). */
MUSKX_API const char *muskx_model_id(const muskx_model *model);
MUSKX_API const char *muskx_model_name(const muskx_model *model);
MUSKX_API const char *muskx_model_time_unit(const muskx_model *model);
/* The path the model was loaded from, or the source_name. */
MUSKX_API const char *muskx_model_source(const muskx_model *model);

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
 * the whole text needs, or -1 for a bad argument. For `muskx info
 * --bytecode` and for people curious about what a model compiles to; the
 * layout may change between versions.
 */
MUSKX_API int muskx_model_bytecode(const muskx_model *model, char *buf,
                                   size_t size);

/* model.references. */
MUSKX_API int muskx_model_reference_count(const muskx_model *model);
MUSKX_API const char *muskx_model_reference(const muskx_model *model,
                                            int index);

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
  MUSKX_LS_KLU = 3     /* SUNDIALS KLU, sparse Jacobian */
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

/* Puts every setting back to the model's defaults (keeps tolerances). */
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
/* Makes an input constant. */
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
 * firings in all (every <= 0 means once), `amount` is added to species
 * `target`. Doses are kept until muskx_sim_clear_doses() or a reset.
 */
MUSKX_API muskx_status muskx_sim_add_dose(muskx_sim *sim, const char *target,
                                          double t0, double amount,
                                          double every, int count);
MUSKX_API muskx_status muskx_sim_clear_doses(muskx_sim *sim);

/* Relative and absolute tolerance of later runs (both > 0). */
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

/* Number of columns a run writes per time: species, then outputs. */
MUSKX_API int muskx_sim_ncols(const muskx_sim *sim);

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
 * Status: ENOTCONV when neither method converged (y still receives the
 * best point).
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
 * Eigenvalues of the Jacobian at the last steady state (LAPACK dgeev).
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

#ifdef __cplusplus
}
#endif
#endif /* MUSKX_H */
