/*
 * model.h -- the loaded model: what the YAML file says, validated and with
 * every name resolved, plus the compiled programs (compile.h).
 *
 * Invariants once muskx_model_load_*() returns it:
 *  - every name is unique across all kinds (the format's rule); `t` and
 *    `time` are reserved; the symbol table maps each name to (kind, index);
 *  - every muskx__expr of the model has sym_kind/sym_index/builtin resolved;
 *  - assign_order lists assignments and outputs in dependency order (no
 *    cycles); parameters and species initial values only refer to
 *    parameters and compartments (parameters only to earlier ones);
 *  - the model is never written again: it is shared between threads.
 * Arrays are in file order; counts are exact.
 */
#ifndef MUSKX_MODEL_H
#define MUSKX_MODEL_H

#include <stddef.h>
#include "expr.h"
#include "muskx.h"

/* The text of an expression as written, with its position. */
typedef struct muskx__src {
  char *text;
  muskx__loc loc;
} muskx__src;

typedef struct muskx__param {
  char *name, *unit, *doc; /* unit/doc: "" when absent, never NULL */
  muskx__expr *value;      /* a number or an expression of earlier params */
  double min, max;         /* -INFINITY / INFINITY when absent */
  muskx__loc loc;          /* of the name key */
} muskx__param;

/* Bounds on a species' `typical:` (muskx-model(5)): at most
   MUSKX__MAX_TYPICAL in the species' unit (the loader), and at most
   MUSKX__MAX_TYPICAL_RATIO times the magnitude of its initial value when
   that is not 0 at the parameters' defaults (model.c): beyond either, its
   absolute tolerance atol + rtol * typical at the default rtol 1e-6 is as
   large as the species itself, i.e. no error control. */
#define MUSKX__MAX_TYPICAL 1e12
#define MUSKX__MAX_TYPICAL_RATIO 1e6

typedef struct muskx__species {
  char *name, *unit, *doc;
  muskx__expr *initial;    /* number or expression of params/compartments */
  int compartment;         /* index into compartments, or -1: volume 1 */
  int constant;            /* boundary species: reactions never change it */
  int nonnegative;         /* solver keeps it >= 0 */
  double typical;          /* magnitude its error is measured against when
                              it is smaller (absolute tolerance atol + rtol
                              typical); 0: not given */
  int typical_line, typical_col; /* where `typical:` is written */
  int has_ode;             /* odes: gives its derivative (index in odes) */
  int algebraic;           /* determined by an `algebraic:` equation (index
                              in algebraics + 1; 0: not algebraic) */
  muskx__loc loc;
} muskx__species;

typedef struct muskx__compartment {
  char *name, *unit, *doc;
  muskx__expr *volume;     /* > 0; number or expression of params */
  muskx__loc loc;
} muskx__compartment;

typedef struct muskx__input {
  char *name, *unit, *doc;
  char **aka;              /* `aka:` other names, only to word a hint */
  int naka;
  char **opposite;         /* `opposite:` names of the opposite sense, only
                              to word a hint (microgravity for loading) */
  int nopposite;
  double def;              /* default value (table: values[0]) */
  /* (extension) `min:` / `max:`, the physical range a scenario's value is
     checked against (loading >= 0); has_min/has_max 0 = none declared
     (so a zeroed input, e.g. from SBML import, has no range) */
  double min, max;
  int has_min, has_max;
  size_t n;                /* table length; 0 = constant `def` */
  double *times, *values;  /* strictly increasing times */
  muskx_interp interp;
  muskx__loc loc;
} muskx__input;

/* assignments, outputs and odes: name := expression. */
typedef struct muskx__named_expr {
  char *name, *unit, *doc;
  muskx__expr *expr;
  int target;              /* odes: species index; otherwise -1 */
  muskx__loc loc;
} muskx__named_expr;

typedef struct muskx__stoich {
  int species;
  double coef;             /* > 0, as written (2 B -> coef 2) */
} muskx__stoich;

typedef struct muskx__reaction {
  char *id, *doc;
  char *equation_text;     /* as written */
  char *rate_text;         /* as written */
  int reversible;          /* <-> */
  muskx__stoich *lhs, *rhs;
  int nlhs, nrhs;
  muskx__expr *rate;       /* amount / time (see compartments) */
  muskx__loc loc;          /* of the list item */
  muskx__loc rate_loc;
} muskx__reaction;

typedef struct muskx__function {
  char *name;
  char **argnames;
  int nargs;
  muskx__expr *body;       /* E_NAME args resolve to SYM_FUNARG */
  muskx__loc loc;
} muskx__function;

/* One `set:` entry of an event: target := value. */
typedef struct muskx__event_set {
  muskx__sym_kind target_kind; /* SYM_SPECIES, SYM_PARAM or SYM_COMPARTMENT */
  int target;
  muskx__expr *value;
  muskx__loc loc;
} muskx__event_set;

typedef struct muskx__event {
  char *id, *doc;
  /* Timed: at, optional every, then count (-1: unlimited) or until. */
  muskx__expr *at, *every, *until; /* NULL when absent; params only */
  long count;
  muskx__expr *count_expr; /* count as an expression of parameters (then
                              count is -2), evaluated at each run start */
  /* Conditional: fires when `when` turns from false to true. */
  muskx__expr *when;
  int initial_value;       /* truth of `when` just before the start;
                              default 1 (true at t0 does not fire) */
  int initial_value_given; /* written in the file (model_warnings.c) */
  muskx__expr *delay;      /* optional; NULL = immediate */
  muskx__expr *priority;   /* optional; higher fires first */
  int persistent;          /* default 1 */
  int use_trigger_values;  /* default 1: values computed at trigger time */
  muskx__event_set *sets;
  int nsets;
  muskx__loc loc;
} muskx__event;

/* One route of an `agents:` entry (load_agents.c): where a dose given by
   that route goes and how much of it arrives. */
typedef struct muskx__agent_route {
  char *route;             /* "sc", "oral", ... as declared */
  int depot;               /* species index */
  int f_param;             /* bioavailability parameter, or -1 */
  double f_number;         /* bioavailability when f_param < 0, in (0, 1] */
  double per_dose_unit;    /* depot amount per one dose_unit of the agent */
  muskx__loc loc;          /* of the route key */
} muskx__agent_route;

/* A drug the model knows by name, so a scenario can say what it gives
   ("denosumab 60 mg sc") instead of which species it changes. */
typedef struct muskx__agent {
  char *name, *doc;        /* not prefixed by imports: the drug's name */
  char **brands;           /* `brands:`, only to word a hint */
  int nbrands;
  char *dose_unit;         /* the unit a bare dose number is in */
  double molar_mass;       /* g/mol; 0 when not given */
  muskx__agent_route *routes;
  int nroutes;
  muskx__loc loc;
} muskx__agent;

typedef struct muskx__symtab muskx__symtab; /* symtab.h */
typedef struct muskx__program muskx__program; /* compile.h */

struct muskx_model {
  char *source;            /* path or source name (locations point here) */
  char *id, *name, *description, *time_unit;
  int sbml_level;          /* model.sbml_level: translated from SBML
                              Level 1-2 (0: not) */
  char **references;
  int nreferences;

  muskx__param *params;             int nparams;
  muskx__species *species;          int nspecies;
  muskx__compartment *compartments; int ncompartments;
  muskx__input *inputs;             int ninputs;
  muskx__named_expr *assignments;   int nassignments;
  muskx__named_expr *outputs;       int noutputs;
  muskx__named_expr *odes;          int nodes;
  muskx__reaction *reactions;       int nreactions;
  muskx__function *functions;       int nfunctions;
  muskx__event *events;             int nevents;
  /* `algebraic:` equations 0 = expr; target: the species each determines
     (a structural matching, load_algebraic.c); name: the text as written */
  muskx__named_expr *algebraics;    int nalgebraics;
  /* `agents:` of the top file and its imports, in load order */
  muskx__agent *agents;             int nagents;

  /* Evaluation order of assignments and outputs together: entries are
     (kind, index) with kind SYM_ASSIGNMENT or SYM_OUTPUT. */
  struct { muskx__sym_kind kind; int index; } *assign_order;
  int nassign_order;

  muskx__symtab *symtab;
  char **strings;          /* extra owned strings (e.g. file names) */
  int nstrings;

  muskx__program *program; /* compiled RHS, Jacobian, events, outputs */
  char **warnings;         /* model_warnings.c, for `muskx check` */
  int nwarnings;
};

/* Frees everything a (possibly partly built) model owns. */
void muskx__model_destroy(muskx_model *m);
/* Loads and compiles model text as if read from the file path (imports
   resolve against its directory and are read inside scope, fileaccess.h;
   messages name path): for text derived from a file, such as a PEtab
   problem's model with its observables. */
struct muskx__folders;
muskx_status muskx__model_load_text_at(const char *text, size_t len,
                                      const char *path,
                                      const struct muskx__folders *scope,
                                      muskx_model **out, muskx_error *err);

/* model_warnings.c: fills m->warnings after compiling; -1 out of memory */
int muskx__model_warnings(muskx_model *m);

#endif
