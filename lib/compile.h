/*
 * compile.h -- turns a loaded, resolved model into programs for the VM:
 * the right-hand side, the exact Jacobian (symbolic differentiation), the
 * outputs, event conditions and event assignments, and the initial values.
 *
 * Invariant: a program only reads registers of the layout in opcodes.h and
 * only writes temporaries, so any program may run at any time on a
 * simulation's register file.
 */
#ifndef MUSKX_COMPILE_H
#define MUSKX_COMPILE_H

#include "model.h"
#include "opcodes.h"

/* A sparse derivative: entry k is d(row k)/d(col k), in register
   code.results[k] after running code. */
typedef struct muskx__dprog {
  muskx__prog code;
  int32_t *row, *col; /* code.nresults each */
} muskx__dprog;

/* Derivatives for forward sensitivities (compile_sens.c, sens*.c). P is
   the parameter-like slot (parameters, then compartment volumes). In the
   _tu programs col -1 means d/dt and col j >= 0 d/d(input j). Built only
   when `available` (not for models with algebraic equations or delays). */
typedef struct muskx__sens_program {
  int available;
  /* d rhs_i / d P_j and d output_c / d P_j, one program per slot j (the
     run evaluates only the slots the chosen parameters move; f_p's are
     read for their structure, sens_reach.c, the run uses f_all below) */
  muskx__dprog *f_p, *out_p;   /* nslots each */
  int nslots;
  /* d rhs_i / d P_j of every slot in one program, the subexpressions the
     slots share computed once; entries sorted by slot, slot j's are
     f_all_ptr[j] .. f_all_ptr[j + 1] - 1. The run executes the part the
     slots its parameters move need (sens.c, muskx__sens_P_update_nz). */
  muskx__dprog f_all;
  int32_t *f_all_ptr;          /* nslots + 1 */
  /* 1 when f_all's instruction i writes register code[0].a + i, the
     emitter's layout, by which the run finds the instruction an operand
     comes from; 0 (another emitter): the run executes all of f_all */
  int f_all_in_order;
  muskx__dprog out_y;          /* d output_c / d y_j */
  muskx__dprog ip_p;           /* d (value of P_i) / d P_j */
  muskx__dprog iy_p;           /* d (initial value of y_i) / d P_j */
  muskx__dprog root_y, root_p, root_tu; /* root functions */
  muskx__dprog *ev_y, *ev_p, *ev_tu;    /* per event: its set values */
  muskx__dprog *tm_p;          /* per event: its at, every, until */
  int nevents;
} muskx__sens_program;

/* muskx__program.when_static[e] */
enum {
  MUSKX__WHEN_DYNAMIC = 0, /* depends on time, a state or an input */
  MUSKX__WHEN_FALSE,       /* always false: never fires */
  MUSKX__WHEN_TRUE,        /* always true: fires at most at the start */
  MUSKX__WHEN_FIXED        /* parameters only, and no event sets one */
};

/* Bounded work of inlining (issue 16; muskx-model(5), LIMITS): nesting of
   function calls and assignments as they are inlined (each level is a few
   C stack frames here and in the differentiation), and expression nodes
   built in all (distinct calls are built once, callmemo.h). */
#define MUSKX__COMPILE_MAX_DEPTH 4000
#define MUSKX__COMPILE_MAX_WORK 1000000
#define MUSKX__CSTR2(x) #x
#define MUSKX__STR_OF(x) MUSKX__CSTR2(x)

struct muskx__program {
  int32_t nregs;      /* size of a simulation's register file */
  int32_t nconst;     /* literal constants, registers [0, nconst) */
  double *consts;
  int32_t reg_time, reg_param0, reg_input0, reg_state0, reg_delay0,
      reg_instant0, reg_temp0;
  int32_t nparamlike; /* nparams + ncompartments */

  muskx__prog rhs;      /* results: dy/dt per species */
  muskx__prog jac;      /* results: Jacobian nonzeros, column-major (CSC) */
  int32_t jac_nnz;
  int32_t *jac_colptr;  /* nspecies + 1 */
  int32_t *jac_rowind;  /* jac_nnz */
  muskx__prog outputs;  /* results: outputs in file order */
  muskx__prog rates;    /* results: reaction rates (error diagnostics,
                           selected columns) */
  muskx__prog assigns;  /* results: assignments in file order (selected
                           columns, sim_columns.c) */
  muskx__prog roots;    /* results: root functions for conditional events */
  int32_t nroots;
  muskx__prog triggers; /* results: `when` value per event (0 for timed) */
  /* Equalities in `when` (issue 18): `a == b` is compiled as
     (a == b) || instant_k, where the register reg_instant0 + k is 1 only
     while events.c judges the conditions at a located root instant_root[k]
     (a - b) = 0, so the condition is true at that instant. */
  int32_t ninstants;
  int32_t *instant_root;
  /* Conserved moieties (conservation.c): ncons rows of cons_L over the
     cons_nsp species cons_sp, sum_j L_qj V_j y_j constant */
  int ncons, cons_nsp;
  int *cons_sp;
  double *cons_L;
  /* per event: what its `when` can do (model_warnings.c warns) */
  uint8_t *when_static;
  /* results: per root, the time of its zero when the root function is
     t - X or X - t with X of parameters only (scheduled exactly, as a
     stop), else NaN */
  muskx__prog root_times;
  muskx__prog *event_sets;   /* per event: set values, [delay], [priority] */
  muskx__prog *event_timing; /* per event: [at, every, until, count] as
                                present */
  muskx__prog *init_param;   /* per param-like slot: its value */
  muskx__prog *init_species; /* per species: its initial value */
  int nevents, nparamlike_progs, nspecies;

  uint8_t *species_fixed;    /* dy/dt is identically 0 (never an
                                algebraic species) */

  /* Algebraic equations 0 = g_k(t, y) (muskx-model(5) `algebraic:`); nalg
     is 0 for an ODE model. With them the model is the semi-explicit DAE
        y_i' = rhs_i(y)  (differential species),  0 = g_k(y)  (k < nalg),
     where g_k determines species alg_species[k] (whose rhs is 0), solved
     by IDA (dae.c) with residual F = (y' - rhs, g) and iteration matrix
     dF/dy + cj dF/dy' built from jac and alg_jac. */
  int32_t nalg;
  int32_t *alg_species;      /* nalg */
  muskx__prog alg;           /* results: g_k */
  muskx__prog alg_jac;       /* results: dg_k/dy_j nonzeros, by row */
  int32_t alg_jac_nnz;
  int32_t *alg_jac_row, *alg_jac_col; /* alg_jac_nnz: (k, j) */
  /* Delays (muskx-model(5), delay(e, tau)): occurrence k is the register
     reg_delay0 + k, filled before any other program runs (delay.c) with
     e evaluated at time t - tau and the state of that time. delay_tau
     gives every tau_k on the current (t, y); delay_expr[k] gives e_k on
     the registers set to the past time and state. tau_const[k]: tau_k
     depends on parameters and literals only (bounds the step size). */
  int32_t ndelays;
  muskx__prog delay_tau;     /* results: tau_k */
  muskx__prog *delay_expr;   /* per delay: e_k */
  uint8_t *delay_tau_const;
  int32_t *delay_pos;        /* per delay: line, col of its first use */
  int32_t *mod_ptr;          /* nreactions + 1 offsets into mod_species */
  int32_t *mod_species;      /* species in a rate but not its equation */
  muskx__sens_program sens;
};

/*
 * Compiles m (fully loaded and resolved) and stores the result in
 * m->program. Errors name the model location (e.g. an expression too
 * complex). Leaves m->program NULL on failure.
 */
muskx_status muskx__compile(muskx_model *m, muskx_error *err);
void muskx__program_free(muskx__program *p);
/* conservation.c: fills p->ncons, cons_nsp, cons_sp, cons_L; -1 no memory */
int muskx__conservation_laws(const muskx_model *m, muskx__program *p);

/* Evaluates every parameter, compartment volume and species initial value
   at the defaults into R (a register file of m->program->nregs doubles),
   at t = 0 (model_query.c). */
void muskx__model_eval_defaults(const muskx_model *m, double *R);

#endif
