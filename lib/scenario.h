/*
 * scenario.h -- a loaded scenario (muskx-scenario(5)): the model it runs, its
 * timeline of phases, the input tables and doses its countermeasures expand
 * into, and the columns it reports. Shared by scenario.c (YAML to this
 * struct, with every name checked against the model), scenario_expand.c
 * (this struct onto a muskx_sim: settings, tables, doses, sample times, the
 * run) and summary.c (per-phase statistics of a run).
 *
 * Invariants once loaded: times are in days, converted to the model's time
 * unit where a simulation is driven (scenario_units.c); phases are consecutive from t = 0, each
 * with end > start; every index below is valid for `model`; every input
 * table has one value per phase. Only muskx_scenario_set() changes a loaded
 * scenario, and only its `sets` list.
 */
#ifndef MUSKX_SCENARIO_H
#define MUSKX_SCENARIO_H

#include "muskx.h"

/* One `set:` entry or a muskx_scenario_set() override. */
typedef struct muskx__sc_set {
  char *name;
  double value;
  int line, col; /* of the set: entry's key; 0 for muskx_scenario_set() */
} muskx__sc_set;

typedef struct muskx__sc_phase {
  char *name;
  double start, end; /* days */
} muskx__sc_phase;

/*
 * The table of one input: its value in each phase. explicit_[p] is 0 where
 * neither the phase nor a protocol gives a value; the input's baseline
 * (model default, or its `set` value) is used there, resolved when applied.
 */
typedef struct muskx__sc_input {
  int input; /* index among the model's inputs */
  double *values;
  unsigned char *explicit_;
} muskx__sc_input;

/* One drug regimen, in the target species' amount unit. The amount given
 * is dose * factor * F, with F the number `bioavailability` or, when
 * f_param >= 0, the value of that parameter (resolved when applied, so a
 * `set` of it counts). */
typedef struct muskx__sc_dose {
  char *target;
  double t0, amount, every;
  int count;
  double f_number;
  int f_param; /* parameter index, or -1 */
  /* where the entry's dose: is and what it says, for a run that fails in
     a step holding one of its doses (muskx_scenario_run) */
  int line, col;
  char text[48];
} muskx__sc_dose;

typedef struct muskx__sc_report {
  char *name;
  int column; /* in muskx_sim_run rows: species, then nspecies + output */
  muskx_show show;
} muskx__sc_report;

struct muskx_scenario {
  muskx_model *model;
  char *source; /* the scenario file's path */
  char *id, *name, *description;
  char **refs;
  int nrefs;
  int start_steady;
  int start_line, start_col; /* of `start:` (0 when absent) */
  muskx__sc_set *sets;
  int nsets, cap_sets;
  muskx__sc_phase *phases;
  int nphases;
  int recovery_from; /* phase index, or -1 */
  muskx__sc_input *inputs;
  int ninputs;
  /* parameters a phase drives, as step inputs made on the fly
     (scenario_params.c); `input` is the parameter's index */
  muskx__sc_input *param_tables;
  int nparam_tables;
  double model_unit_days; /* days in one time unit of the model
                             (scenario_units.c) */
  muskx__sc_dose *doses;
  int ndoses;
  muskx__sc_report *reports;
  int nreports;
  double dt;
  double rtol, atol; /* 0: not given */
  char errmsg[MUSKX_ERROR_MESSAGE_MAX];
  /* muskx_scenario_warning(): "" or one "file:line:col: warning: ..."
     line (scenario_warn.c) */
  char warning[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  /* the second kind, set at load and kept: a drug whose inclusive
     until: puts its last dose on the first day of a later phase
     (scenario.c, load_drug); "" or the first such drug's line */
  char until_warning[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  /* the third, set at load: a drug whose last dose given falls on the
     scenario's last day, or less than one output step before its end
     (load_drug); "" or the first one's */
  char end_warning[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  /* the fourth, set at load: a `set:` that switches on a model's own
     dose event (scenario_dosecheck.c); "" or the first one's */
  char builtin_warning[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  int builtin_param1; /* 1 + the parameter builtin_warning is about; 0;
                         -1: a phase's inputs: gave it (no set changes
                         a phase's own value) */
  /* the fifth, set at load: a long-form drug (target:) of a declared
     agent whose route has a bioavailability it does not apply */
  char bio_warning[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
};

/* Where a drug entry's dose goes (scenario_drug.c). */
typedef struct muskx__sc_drug_dest {
  int species;     /* the species the dose is added to */
  double amount;   /* in that species' unit, before bioavailability */
  double f_number; /* the model's bioavailability for the route, when */
  int f_param;     /*   f_param < 0; else that parameter's value */
} muskx__sc_drug_dest;

struct muskx__yaml_node;

/* scenario_dosecheck.c. The agent index whose depot one of m's events adds
   an amount naming parameter p to (not as the route's bioavailability),
   with that event's index and the depot species; -1 when none. */
int muskx__sc_builtin_dose(const muskx_model *m, int p, int *event,
                           int *depot);
/* scenario_query.c. 1 when sc's sets (its set:, muskx_scenario_set()) give
   name, 2 when every one of its phases does (inputs: or a countermeasure;
   a phase without a value takes the baseline, which a draw sets), 0
   otherwise; where gets what gives it, for a message (review rev28u H1: an
   ensemble's draws of such a name would replace the scenario's value or be
   replaced by it). */
int muskx__sc_gives(const muskx_scenario *sc, const char *name, char *where,
                    size_t n);
/* 1 when agent a of m has a route into species. */
int muskx__sc_agent_has_depot(const muskx_model *m, int a, int species);
/* The index of sc's first drug entry that doses agent a (into one of its
   route species), or -1: a built-in dose of a next to it would add up. */
int muskx__sc_dose_of_agent(const muskx_scenario *sc, int a);
/* The built-in dose rule (review rev27u H2, session 28: every path) for
   value v of parameter name given by `how` (the words before "NAME = V":
   "set:", "phase 'a' inputs:", ...), at line:col of sc's file (line 0:
   no position). 0 when name is no built-in dose parameter or v is 0
   (msg ""); 1 when it is allowed with a warning, msg the whole
   "FILE[:LINE:COL]: warning: ..." line; -1 when sc has a drug: entry of
   that agent (the two would add up): refused, msg the reason without a
   position, naming that drug entry at FILE:LINE:COL and what to write. */
int muskx__sc_builtin_rule(const muskx_scenario *sc, const char *name,
                           double v, const char *how, int line, int col,
                           char *msg, size_t size);
/* The rule over n extra sets names[i] = values[i] (later entries of a
   name win: only the last one counts): -1 with why at the first refused
   one, else 0 with the first warning in warning ("" when none). */
int muskx__sc_builtin_rule_sets(const muskx_scenario *sc, int n,
                                const char *const *names,
                                const double *values, const char *how,
                                char *warning, size_t wsize, char *why,
                                size_t size);
/* 1 when m declares agent (in any case) with a route into species that has
   a bioavailability (a parameter, or a number other than 1): the long
   form does not apply it. */
int muskx__sc_dropped_bioavailability(const muskx_model *m, const char *agent,
                                      int species, const char **route,
                                      int *f_param, double *f_number);

/*
 * Resolves a drug entry: agent (its node), route and target (NULL when
 * absent), the dose node with its number and unit word ("" when bare).
 * The long form (target given) and an agent the model does not declare use
 * the fixed routes and AGENT_depot-style species, bioavailability 1; a
 * declared agent uses the model's `agents:` entry. Errors say file:line:col
 * (file names the scenario) and, for an unknown agent, the agents the
 * model knows.
 */
muskx_status muskx__sc_drug_resolve(const muskx_model *m, const char *file,
                                 const struct muskx__yaml_node *agent,
                                 const struct muskx__yaml_node *route,
                                 const struct muskx__yaml_node *target,
                                 const struct muskx__yaml_node *dose,
                                 double value, const char *unit,
                                 muskx__sc_drug_dest *out, muskx_error *err);

/* A scenario's month, the mean Gregorian month (365.25 / 12 d), and year,
   the Julian year, in days. */
#define MUSKX__SC_MONTH 30.4375
#define MUSKX__SC_YEAR 365.25

/* scenario_every.c: a drug's `every:` in words (weekly, every 2 weeks,
   Q6M, twice daily, ...): 1 and *days, 0 when text is none of them, -1
   when it reads two ways (why says both, without a position). */
int muskx__sc_every_words(const char *text, double *days, char *why,
                          size_t size);

/* scenario_near.c: the one name of the given kinds that text probably
   means, for a "did you mean" (NULL when none is, or two are equally
   near): with MUSKX_INPUT among the kinds, the input whose `aka:` lists
   text (gravity: loading); the name in another case; the name that is
   text and a suffix after '_' (BMD_spine: BMD_spine_pct); the name that
   is text with separators left out (kB: k_B); the nearest within 2 edits
   in any case (text of 5 or more characters); else the one name without
   a module prefix that contains text of 6 or more characters within 1
   edit (menopause: postmenopausal). */
const char *muskx__sc_near_name(const muskx_model *m, const muskx_kind *kinds,
                                int nkinds, const char *text);
/* scenario_near.c: the one of count candidates name(ctx, i) that text
   probably means: the one in another case (any length), else the one
   within 1 edit in any case (text of 3 characters) or 2 (4 or more);
   NULL when none is, or two are as near. */
const char *muskx__sc_near_in(const char *text, int count,
                              const char *(*name)(const void *, int),
                              const void *ctx);
/* muskx__sc_near_in() over words (NULL-terminated). */
const char *muskx__sc_near_word(const char *text, const char *const *words);
/* The edit distance of muskx__sc_near_word() between a and b (letters in
   any case), capped at 3 (more than two edits, or a word longer than 64
   characters). */
int muskx__sc_edit_distance(const char *a, const char *b);
/* The words after a refusal of text for which near was found, in buf:
   "" when near is NULL; when near differs from text only in case,
   ": WHAT are case-sensitive: write 'NEAR'" (what: "names", "keys",
   "dose units"); else, or when what is NULL (a lookup that takes any
   case, where near cannot differ from text only in case), ": did you
   mean 'NEAR'?". */
const char *muskx__sc_suggest(char *buf, size_t size, const char *text,
                              const char *near, const char *what);
/* scenario_near.c: the one input whose `aka:` lists text in any case, or
   -1. Only to word a hint: an aka never works as the input's name. */
int muskx__sc_input_aka(const muskx_model *m, const char *text);
/* The one input whose `opposite:` lists text in any case, or -1 (a name of
   the opposite sense: microgravity for loading). Only to word a hint. */
int muskx__sc_input_opposite(const muskx_model *m, const char *text);

/* scenario_every.c: days in a time unit word in any case (d, day(s), h,
   hour(s), week(s), month(s) = MUSKX__SC_MONTH, year(s) = MUSKX__SC_YEAR)
   with the abbreviations prescriptions use (wk, wks, mo, mos, yr, yrs, hr,
   hrs, w, y); 0 for any other word ("m", minutes or months, included).
   The one table of a scenario's time units. */
double muskx__sc_time_word(const char *unit);
/* The one time unit word (hour, day, week, month or year) a typo `unit`
   (in any case) probably means; NULL when none is within the edit
   distance of muskx__sc_near_word(), two are, or a word that is no
   scenario unit (minute, second, French jour) is as near. *smaller is 1
   when unit is, or is nearest to, a minute or second word alone. */
const char *muskx__sc_near_time_word(const char *unit, int *smaller);

/* scenario_expand.c: the scenario's `tolerances:` (each one given) into
   sim, as muskx_scenario_apply() and the start warning run with them. */
muskx_status muskx__sc_set_tolerances(const muskx_scenario *sc,
                                      muskx_sim *sim);

/* The baseline of input i: its `set` value, else the model's default. */
double muskx__sc_input_baseline(const muskx_scenario *sc, int input);

/* scenario_units.c: days in one model time unit named unit (s, min, h,
   d, week, year and long forms); 0 for any other */
double muskx__sc_model_unit_days(const char *unit);
/* A scenario time (days) in the model's time unit. */
double muskx__sc_to_model_time(const muskx_scenario *sc, double days);

/* scenario_warn.c: (re)computes sc->warning after a load or a
   muskx_scenario_set(): start: defaults with `set:` values that move the
   model off its initial state. */
void muskx__sc_check_start(muskx_scenario *sc);

/* scenario_params.c: parameters driven per phase */
/* The table of parameter param, created on first use (NULL: no memory). */
muskx__sc_input *muskx__sc_param_table(muskx_scenario *sc, int param);
/* NULL when value v is within input's declared range (muskx-model(5):
   min/max of an input), else why, written into buf (scenario_params.c). */
const char *muskx__sc_input_check(const muskx_scenario *sc, int input,
                                  double v, char *buf, size_t size);

/* NULL when v is a valid value of parameter param, else why not (in buf
   or a literal). */
const char *muskx__sc_param_check(const muskx_scenario *sc, int param, double v,
                                  char *buf, size_t size);
void muskx__sc_param_tables_free(muskx_scenario *sc);
/* Sets the parameters' steps on sim (muskx_scenario_apply). */
muskx_status muskx__sc_apply_params(const muskx_scenario *sc, muskx_sim *sim);

#endif
