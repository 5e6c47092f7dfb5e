/*
 * cli.h -- shared pieces of the muskx command-line tool: the subcommand
 * table, option parsing, strict number parsing, error printing, CSV
 * number formatting and atomic file output (cli/util.c).
 *
 * The tool uses only the public API in include/muskx.h. It owns all
 * printing and all exit codes (see muskx(1), EXIT STATUS):
 *   0  success
 *   1  any error: bad model, failed run, unwritable output, no convergence
 *   2  command-line usage error (unknown command or option, bad value)
 * There is no mutable global state; the tables below are const.
 */
#ifndef MUSKX_CLI_H
#define MUSKX_CLI_H

#include <stdio.h>

#include "muskx.h"

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* ------------------------------------------------------------------------
 * Options and subcommands
 * ------------------------------------------------------------------------ */

/* One option of a subcommand; a table ends with an entry whose id is 0. */
typedef struct cli_option {
  int id;                /* > 0, returned by cli_next() */
  const char *long_name; /* without "--", e.g. "t-end" */
  char short_name;       /* e.g. 'o', or 0 */
  const char *metavar;   /* NULL: a flag; otherwise it takes a value */
  const char *help;      /* one line */
} cli_option;

typedef struct cli_command {
  const char *name;
  const char *synopsis; /* after "muskx NAME " */
  const char *summary;  /* one line, for the command list */
  const char *description;
  const cli_option *options;
  const char *examples; /* lines, each a complete shell command */
  int (*run)(const struct cli_command *self, int argc, char **argv);
} cli_command;

extern const cli_command cli_cmd_check;
extern const cli_command cli_cmd_info;
extern const cli_command cli_cmd_simulate;
extern const cli_command cli_cmd_steady;
extern const cli_command cli_cmd_dot;

/* What cli_next() returns besides an option id (> 0). */
enum {
  CLI_ARG = 0,    /* a positional argument, in p->value */
  CLI_END = -1,   /* no more arguments */
  CLI_ERROR = -2, /* usage error, already reported on stderr */
  CLI_HELP = -3   /* -h or --help */
};

/*
 * Parser state; lives on the caller's stack. argv[0] is the subcommand's
 * name and is skipped. Options and positional arguments may be mixed;
 * "--" ends the options; "-" alone is a positional argument. A value is
 * written "--name VALUE", "--name=VALUE", "-o VALUE" or "-oVALUE".
 */
typedef struct cli_parser {
  const cli_command *cmd;
  int argc;
  char **argv;
  int i;               /* next argv index */
  int only_positional; /* after "--" */
  const char *value;   /* the option's value or the positional argument */
  const char *opt;     /* the option as written, for messages */
  unsigned long long seen; /* bit k: options[k] was given (k < 64) */
} cli_parser;

void cli_parser_init(cli_parser *p, const cli_command *cmd, int argc,
                     char **argv);
int cli_next(cli_parser *p);

/* "muskx CMD: <message>" then "Try 'muskx CMD --help'." on stderr;
   returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    CLI_PRINTF(2, 3);
/* Keeps the command's one positional argument, a WHAT ("MODEL"), in *slot;
   a second one is a usage error naming both. Returns 0, or
   CLI_EXIT_USAGE after reporting it. */
int cli_take_one(const cli_command *cmd, const char *what, const char **slot,
                 const char *value);
/* The full help of a command (usage, description, options, examples). */
void cli_print_help(FILE *fp, const cli_command *cmd);

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */

/*
 * Parses a whole string as a finite double: no leading/trailing junk, no
 * NaN or infinity, no overflow. On failure reports a usage error naming
 * the option and returns -1.
 */
int cli_parse_double(const cli_command *cmd, const char *opt, const char *s,
                     double *out);
/* Same for a number that must be > 0 (tolerances, steps, times). */
int cli_parse_positive_double(const cli_command *cmd, const char *opt,
                              const char *s, double *out);
/* Same for a positive integer that fits a long. */
int cli_parse_positive_long(const cli_command *cmd, const char *opt,
                            const char *s, long *out);
/*
 * Appends the comma-separated numbers of s to *times (growing it with
 * realloc; *n and *cap are updated). Returns 0, or -1 after reporting a
 * usage error (or running out of memory: then 1 is returned).
 */
int cli_parse_list(const cli_command *cmd, const char *opt, const char *s,
                   double **times, size_t *n, size_t *cap);

/* One --set NAME=VALUE, kept as pointers into argv. */
typedef struct cli_setting {
  const char *arg; /* as written, for messages */
  const char *name;
  size_t name_len;
  double value;
} cli_setting;

/* A growable list of --set options, applied in command-line order. */
typedef struct cli_settings {
  cli_setting *items;
  size_t n, cap;
} cli_settings;

/* Parses NAME=VALUE into the list. 0, -1 usage error, 1 out of memory. */
int cli_settings_add(cli_settings *s, const cli_command *cmd, const char *arg);
/*
 * Applies every setting with muskx_sim_set(). On failure prints
 * "MODEL: --set ARG: <reason>" and returns -1.
 */
int cli_settings_apply(const cli_settings *s, muskx_sim *sim,
                       const char *model_path);
void cli_settings_free(cli_settings *s);

/*
 * Writes v so that strtod() gives back exactly v, as short as possible
 * (at most 17 significant digits); non-finite values as nan, inf, -inf.
 * buf needs CLI_NUMBUF bytes. Returns buf.
 */
#define CLI_NUMBUF 32
char *cli_format_double(double v, char *buf);
/* Writes s as one CSV field, quoted only when it has to be. */
void cli_csv_field(FILE *fp, const char *s);

/* ------------------------------------------------------------------------
 * Models and errors
 * ------------------------------------------------------------------------ */

/*
 * Loads a model file ("-" reads standard input). On failure prints
 * "file:line:col: message" on stderr and returns NULL.
 */
muskx_model *cli_load_model(const char *path);

/* What cli_data_find() looks for. */
typedef enum { CLI_DATA_MODEL, CLI_DATA_SCENARIO } cli_data_kind;
/*
 * Finds a shipped model or scenario by name (no '/', no such file here) in
 * MUSKX_DATA_PATH, <exe>/../share/muskx and the build's $(PREFIX)/share/muskx
 * (cli/datapath.c; muskx(1), DATA FILES). Returns 1 with the file in out
 * and its data root in root (which loads are then allowed to read), or 0.
 */
int cli_data_find(const char *name, cli_data_kind kind, char *out, size_t n,
                  char *root, size_t root_n);
/* After a failed load of a bare name: says where names were looked up. */
void cli_data_hint(const char *name, cli_data_kind kind);
/* The folders loads may read besides the top file's: MUSKX_ALLOW_PATH,
   which main() extends with every --allow-path (muskx(1), FILE ACCESS).
   On failure err says which folder is wrong. */
muskx_status cli_access(muskx_access **out, muskx_error *err);
/* muskx_scenario_load_file_with() under cli_access(). */
muskx_status cli_scenario_load(const char *path, muskx_scenario **out,
                               muskx_error *err);
/* Prints the scenario's warnings (muskx_scenario_warning()) on stderr:
   call once its --set values are applied. */
void cli_scenario_warnings(const muskx_scenario *sc);
/* muskx_petab_load_with() under cli_access(); NULL after printing why
   (file:line:col for a bad table cell). */
muskx_petab *cli_petab_load(const char *path);
/* "N species, M reactions, ..." (no newline) for check and info: the
   species and reactions always, other kinds only if all or present. */
void cli_print_counts(FILE *fp, const muskx_model *m, int all);
/* "muskx: <message>" on stderr (message gets a newline). */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Reports a failed call on a simulation: "MODEL: <what>: <message>". */
void cli_sim_error(const char *model_path, const char *what,
                   const muskx_sim *sim, muskx_status st);
/*
 * Reports a failed muskx_sim_steady_state(): for ENOTCONV one line
 * "MODEL: WHAT: no steady state found (residual R): <message>", otherwise
 * as cli_sim_error().
 */
void cli_steady_error(const char *model_path, const char *what,
                      const muskx_sim *sim, muskx_status st);
/* Name of a linear solver as the --solver option spells it. */
const char *cli_solver_name(long ls);
/* Parses auto|dense|lapack|klu; -1 after a usage error. */
int cli_parse_solver(const cli_command *cmd, const char *s,
                     muskx_linear_solver *out);

/* ------------------------------------------------------------------------
 * Output: standard output, or a file written atomically
 * ------------------------------------------------------------------------ */

/*
 * With a path other than NULL or "-", output goes to a temporary file
 * PATH.muskx-partial-XXXXXX beside the target (mkstemp), which cli_out_commit() flushes,
 * fsyncs and renames over the target. cli_out_abort() removes the
 * temporary file, so an existing target is never replaced by a partial
 * one. A target that exists but is not a regular file (a FIFO,
 * /dev/stdout) is written directly.
 */
typedef struct cli_out {
  FILE *fp;
  const char *path; /* NULL for standard output */
  char *tmp;        /* temporary path, or NULL when writing directly */
} cli_out;

/* 0, or -1 after printing why. */
int cli_out_open(cli_out *o, const char *path);
/* SIGINT, SIGTERM and SIGHUP remove the temporary files of open outputs
   before the process ends (main() installs it; issue 16). */
void cli_install_signal_cleanup(void);
/*
 * Checks, before a long computation, that cli_out_open(path) can succeed,
 * by creating and removing a temporary file there; so a bad -o fails at
 * once, and an interrupted run leaves no temporary file behind.
 * 0, or -1 after printing why.
 */
int cli_out_probe(const char *path);
/* 0, or -1 after printing why (the temporary file is then removed). */
int cli_out_commit(cli_out *o);
void cli_out_abort(cli_out *o);
/* Writes text to path as cli_out_open()/cli_out_commit() would (atomically
   for a regular file). 0, or -1 after printing why. */
int cli_out_write_text(const char *path, const char *text);
/* Issue 16: -1 (after a message) when path is an existing regular file
   that is input, or a file model m was read from (muskx_model_file()):
   an output must never replace an input of its run. 0 otherwise. */
int cli_out_not_input(const char *path, const char *input, const muskx_model *m);
/* As cli_out_not_input() for a PEtab problem: -1 (after a message) when
   path is the problem file, its model or one of its tables. */
int cli_out_not_petab_input(const char *path, const char *problem,
                            const muskx_petab *pb);
/* CLI_EXIT_USAGE (after a message) when two of the n outputs paths[]
   (given with options opts[]; NULL entries skipped) name the same file, or
   are both "-": the second written would silently replace the first. */
int cli_outs_distinct(const cli_command *cmd, int n, const char *const *opts,
                      const char *const *paths);
/* A name for messages: the path, or "standard output". */
const char *cli_out_name(const cli_out *o);

/*
 * Parses the arguments of a command of the form "CMD MODEL [-o FILE]"
 * (opt_output: the id of its output option). Returns -1 when *model (and
 * *output, NULL if not given) were read; otherwise the exit code the
 * command must return (after --help, or a usage error).
 */
int cli_parse_model_output(const cli_command *self, int argc, char **argv,
                           int opt_output, const char **model,
                           const char **output);

/* ------------------------------------------------------------------------
 * gnuplot (cli/gnuplot.c)
 * ------------------------------------------------------------------------ */

/* Writes a gnuplot script (data inline) whose PNG goes to stdout. */
typedef void (*cli_gnuplot_script_fn)(FILE *g, const void *ctx);
/*
 * Runs gnuplot on script's output and writes the PNG to png_path
 * atomically. 0 on success, 1 when gnuplot is not installed (after saying
 * how to get it), -1 after printing why it failed.
 */
int cli_gnuplot_png(const char *png_path, cli_gnuplot_script_fn script,
                    const void *ctx);
/* s as a gnuplot single-quoted string (newlines become spaces). */
void cli_gnuplot_quoted(FILE *g, const char *s);

#endif /* MUSKX_CLI_H */
