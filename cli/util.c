/*
 * util.c -- helpers shared by the muskx subcommands: option parsing,
 * strict number parsing, --set lists, round-trip number formatting, model
 * loading with "file:line:col: message" errors, and atomic file output.
 *
 * Invariant of the output helpers: a target file is either left as it was
 * or replaced by a complete, fsynced file -- never by a partial one.
 */
#include <errno.h>
#include <float.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "scenario_cli.h"

/* The format's limit on a model file (muskx-model(5), LIMITS); standard
   input is read up to one byte past it so the message can say so. */
#define CLI_MODEL_MAX ((size_t)16 * 1024 * 1024)

/* ------------------------------------------------------------------------
 * Errors and help
 * ------------------------------------------------------------------------ */

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("muskx: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "muskx %s: ", cmd->name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'muskx %s --help'.\n", cmd->name);
  return CLI_EXIT_USAGE;
}

int cli_take_one(const cli_command *cmd, const char *what, const char **slot,
                 const char *value) {
  if (*slot != NULL)
    return cli_usage_error(cmd, "one %s only (got '%s' and '%s')", what, *slot,
                           value);
  *slot = value;
  return 0;
}

void cli_print_counts(FILE *fp, const muskx_model *m, int all) {
  static const struct {
    muskx_kind kind;
    const char *one, *many;
  } kinds[] = {
      {MUSKX_SPECIES, "species", "species"},
      {MUSKX_REACTION, "reaction", "reactions"},
      {MUSKX_PARAMETER, "parameter", "parameters"},
      {MUSKX_INPUT, "input", "inputs"},
      {MUSKX_ASSIGNMENT, "assignment", "assignments"},
      {MUSKX_OUTPUT, "output", "outputs"},
      {MUSKX_EVENT, "event", "events"},
      {MUSKX_COMPARTMENT, "compartment", "compartments"},
  };
  const char *sep = "";
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    int n = muskx_model_count(m, kinds[i].kind);
    if (n == 0 && !all && kinds[i].kind != MUSKX_SPECIES &&
        kinds[i].kind != MUSKX_REACTION)
      continue;
    fprintf(fp, "%s%d %s", sep, n, n == 1 ? kinds[i].one : kinds[i].many);
    sep = ", ";
  }
}

void cli_sim_error(const char *model_path, const char *what,
                   const muskx_sim *sim, muskx_status st) {
  const char *msg = sim != NULL ? muskx_sim_errmsg(sim) : NULL;
  if (msg == NULL || msg[0] == '\0') msg = muskx_strerror(st);
  if (what != NULL)
    fprintf(stderr, "%s: %s: %s\n", model_path, what, msg);
  else
    fprintf(stderr, "%s: %s\n", model_path, msg);
}

void cli_steady_error(const char *model_path, const char *what,
                      const muskx_sim *sim, muskx_status st) {
  char buf[CLI_NUMBUF];
  const char *msg;
  if (st != MUSKX_ENOTCONV) {
    cli_sim_error(model_path, what, sim, st);
    return;
  }
  msg = muskx_sim_errmsg(sim);
  fprintf(stderr, "%s: %s: no steady state found (residual %s)%s%s\n",
          model_path, what,
          cli_format_double(muskx_sim_steady_residual(sim), buf),
          msg != NULL && msg[0] != '\0' ? ": " : "",
          msg != NULL ? msg : "");
}

void cli_print_help(FILE *fp, const cli_command *cmd) {
  const cli_option *o;
  size_t width = 0;

  fprintf(fp, "Usage: muskx %s %s\n\n%s\n", cmd->name, cmd->synopsis,
          cmd->description);
  for (o = cmd->options; o->id != 0; o++) {
    size_t w = strlen(o->long_name) + 6; /* "-x, --" */
    if (o->metavar != NULL) w += strlen(o->metavar) + 1;
    if (w > width) width = w;
  }
  if (width < 10) width = 10;
  fputs("\nOptions:\n", fp);
  for (o = cmd->options; o->id != 0; o++) {
    char left[128];
    if (o->short_name != 0)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name,
               o->long_name, o->metavar ? " " : "",
               o->metavar ? o->metavar : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->long_name,
               o->metavar ? " " : "", o->metavar ? o->metavar : "");
    fprintf(fp, "  %-*s  %s\n", (int)width, left, o->help);
  }
  fprintf(fp, "  %-*s  %s\n", (int)width, "-h, --help",
          "show this help and exit");
  fprintf(fp, "\nExamples:\n%s", cmd->examples);
  fputs("\nExit status: 0 success, 1 error, 2 usage error."
        " See muskx(1).\n",
        fp);
}

/* ------------------------------------------------------------------------
 * Option parsing
 * ------------------------------------------------------------------------ */

void cli_parser_init(cli_parser *p, const cli_command *cmd, int argc,
                     char **argv) {
  p->cmd = cmd;
  p->argc = argc;
  p->argv = argv;
  p->i = 1;
  p->only_positional = 0;
  p->value = NULL;
  p->opt = NULL;
  p->seen = 0;
}

/* The option's value: after '=' or in the next argument. An option whose
   help does not say "repeatable" takes one value: a second one (a typo,
   or a script's default and an override) is an error rather than the
   first being dropped without a word. */
static int take_value(cli_parser *p, const cli_option *o, const char *inline_value) {
  unsigned k = (unsigned)(o - p->cmd->options);
  if (k < 64 && (p->seen >> k & 1) &&
      (o->help == NULL || strstr(o->help, "repeatable") == NULL)) {
    cli_usage_error(p->cmd, "option '--%s' given twice: give it once",
                    o->long_name);
    return CLI_ERROR;
  }
  if (k < 64) p->seen |= 1ULL << k;
  if (inline_value != NULL) {
    p->value = inline_value;
    return o->id;
  }
  if (p->i >= p->argc) {
    cli_usage_error(p->cmd, "option '%s' needs a value (%s)", p->opt,
                    o->metavar);
    return CLI_ERROR;
  }
  p->value = p->argv[p->i++];
  return o->id;
}

int cli_next(cli_parser *p) {
  const cli_option *o;
  const char *arg;

  p->value = NULL;
  p->opt = NULL;
  if (p->i >= p->argc) return CLI_END;
  arg = p->argv[p->i++];
  if (p->only_positional || arg[0] != '-' || arg[1] == '\0') {
    p->value = arg;
    return CLI_ARG;
  }
  p->opt = arg;
  if (strcmp(arg, "--") == 0) {
    p->only_positional = 1;
    return cli_next(p);
  }
  if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) return CLI_HELP;

  if (arg[1] == '-') {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    for (o = p->cmd->options; o->id != 0; o++) {
      if (strlen(o->long_name) != len || strncmp(o->long_name, name, len) != 0)
        continue;
      if (o->metavar == NULL) {
        if (eq != NULL) {
          cli_usage_error(p->cmd, "option '--%s' takes no value",
                          o->long_name);
          return CLI_ERROR;
        }
        return o->id;
      }
      return take_value(p, o, eq != NULL ? eq + 1 : NULL);
    }
    cli_usage_error(p->cmd, "unknown option '%.*s'", (int)(len + 2), arg);
    return CLI_ERROR;
  }

  for (o = p->cmd->options; o->id != 0; o++) {
    if (o->short_name == 0 || o->short_name != arg[1]) continue;
    if (o->metavar == NULL) {
      if (arg[2] != '\0') {
        cli_usage_error(p->cmd,
                        "option '-%c' takes no value (write options "
                        "separately: '-%c -%c')",
                        arg[1], arg[1], arg[2]);
        return CLI_ERROR;
      }
      return o->id;
    }
    return take_value(p, o, arg[2] != '\0' ? arg + 2 : NULL);
  }
  cli_usage_error(p->cmd, "unknown option '%s'", arg);
  return CLI_ERROR;
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------ */

/* strtod on exactly [s, s+len); 0 ok, or a reason. */
static const char *parse_double_span(const char *s, size_t len, double *out) {
  char buf[128];
  char *end;
  double v;
  size_t i;

  if (len == 0) return "is empty";
  if (len >= sizeof buf) return "is too long to be a number";
  memcpy(buf, s, len);
  buf[len] = '\0';
  /* strtod would skip leading space and accept "nan", "inf" and hex;
     we take only plain decimal numbers. */
  for (i = 0; i < len; i++) {
    char c = buf[i];
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
          c == '+' || c == '-'))
      return (c == 'n' || c == 'N' || c == 'i' || c == 'I')
                 ? "is not a finite number"
                 : "is not a number";
  }
  errno = 0;
  v = strtod(buf, &end);
  if (end == buf || *end != '\0') return "is not a number";
  if (errno == ERANGE && fabs(v) > 1.0) return "is out of range";
  /* 1e-400 read as 0 (or a denormal) would be a silent change (issue 16) */
  if ((errno == ERANGE && fabs(v) <= 1.0) || (v != 0 && fabs(v) < DBL_MIN))
    return "is too small to represent (below 2.2e-308 in magnitude)";
  if (!isfinite(v)) return "is not a finite number";
  *out = v;
  return NULL;
}

int cli_parse_double(const cli_command *cmd, const char *opt, const char *s,
                     double *out) {
  const char *why = parse_double_span(s, strlen(s), out);
  if (why == NULL) return 0;
  cli_usage_error(cmd, "%s: '%s' %s", opt, s, why);
  return -1;
}

int cli_parse_positive_double(const cli_command *cmd, const char *opt,
                              const char *s, double *out) {
  if (cli_parse_double(cmd, opt, s, out) != 0) return -1;
  if (*out > 0) return 0;
  cli_usage_error(cmd, "%s must be positive, not '%s'", opt, s);
  return -1;
}

int cli_parse_positive_long(const cli_command *cmd, const char *opt,
                            const char *s, long *out) {
  char *end;
  long v;
  if (s[0] < '0' || s[0] > '9') {
    cli_usage_error(cmd, "%s: '%s' is not a positive integer", opt, s);
    return -1;
  }
  errno = 0;
  v = strtol(s, &end, 10);
  if (*end != '\0' || v <= 0) {
    cli_usage_error(cmd, "%s: '%s' is not a positive integer", opt, s);
    return -1;
  }
  if (errno == ERANGE) {
    cli_usage_error(cmd, "%s: '%s' is out of range", opt, s);
    return -1;
  }
  *out = v;
  return 0;
}

int cli_parse_list(const cli_command *cmd, const char *opt, const char *s,
                   double **times, size_t *n, size_t *cap) {
  const char *p = s;
  for (;;) {
    const char *comma = strchr(p, ',');
    const char *end = comma != NULL ? comma : p + strlen(p);
    const char *a = p, *b = end;
    const char *why;
    double v;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    why = parse_double_span(a, (size_t)(b - a), &v);
    if (why != NULL) {
      cli_usage_error(cmd, "%s: item %zu ('%.*s') %s", opt, *n + 1,
                      (int)(end - p), p, why);
      return -1;
    }
    if (*n == *cap) {
      size_t nc = *cap ? *cap * 2 : 16;
      double *t = realloc(*times, nc * sizeof **times);
      if (t == NULL) {
        cli_error("out of memory");
        return 1;
      }
      *times = t;
      *cap = nc;
    }
    (*times)[(*n)++] = v;
    if (comma == NULL) return 0;
    p = comma + 1;
  }
}

char *cli_format_double(double v, char *buf) {
  int prec;
  if (isnan(v)) return strcpy(buf, "nan");
  if (isinf(v)) return strcpy(buf, v > 0 ? "inf" : "-inf");
  /* %.17g always round-trips (IEEE double); shorter forms are tried first
     so that 0.1 prints as 0.1 and not 0.10000000000000001. */
  for (prec = 15; prec <= 17; prec++) {
    snprintf(buf, CLI_NUMBUF, "%.*g", prec, v);
    if (prec == 17 || strtod(buf, NULL) == v) break;
  }
  return buf;
}

void cli_csv_field(FILE *fp, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp);
  for (; *s; s++) {
    if (*s == '"') fputc('"', fp);
    fputc(*s, fp);
  }
  fputc('"', fp);
}

/* ------------------------------------------------------------------------
 * --set NAME=VALUE
 * ------------------------------------------------------------------------ */

int cli_settings_add(cli_settings *s, const cli_command *cmd, const char *arg) {
  const char *eq = strchr(arg, '=');
  const char *why;
  cli_setting it;

  if (eq == NULL || eq == arg) {
    cli_usage_error(cmd, "--set: expected NAME=VALUE, got '%s'", arg);
    return -1;
  }
  why = parse_double_span(eq + 1, strlen(eq + 1), &it.value);
  if (why != NULL) {
    cli_usage_error(cmd, "--set %s: value '%s' %s", arg, eq + 1, why);
    return -1;
  }
  it.arg = arg;
  it.name = arg;
  it.name_len = (size_t)(eq - arg);
  /* one value per name, as an option that is not repeatable takes one
     (take_value): a repeated name (a script's default and an override)
     was checked at its first value, which did not count (session 28:
     --set dmab_dose=60 --set dmab_dose=0 on a denosumab scenario was
     refused for the 60) */
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].name_len == it.name_len &&
        memcmp(s->items[i].name, it.name, it.name_len) == 0) {
      cli_usage_error(cmd, "--set %.*s given twice (%s, then %s): give it "
                      "once", (int)it.name_len, it.name, s->items[i].arg,
                      arg);
      return -1;
    }
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 8;
    cli_setting *p = realloc(s->items, nc * sizeof *p);
    if (p == NULL) {
      cli_error("out of memory");
      return 1;
    }
    s->items = p;
    s->cap = nc;
  }
  s->items[s->n++] = it;
  return 0;
}

int cli_settings_apply(const cli_settings *s, muskx_sim *sim,
                       const char *model_path) {
  size_t i;
  for (i = 0; i < s->n; i++) {
    const cli_setting *it = &s->items[i];
    char name[512];
    char what[600];
    muskx_status st;
    if (it->name_len >= sizeof name) {
      fprintf(stderr, "%s: --set: name too long\n", model_path);
      return -1;
    }
    memcpy(name, it->name, it->name_len);
    name[it->name_len] = '\0';
    st = muskx_sim_set(sim, name, it->value);
    if (st != MUSKX_OK) {
      snprintf(what, sizeof what, "--set %s", it->arg);
      if (st == MUSKX_ENOTFOUND)
        fprintf(stderr,
                "%s: %s: no parameter, compartment, species or input named '%s'\n",
                model_path, what, name);
      else
        cli_sim_error(model_path, what, sim, st);
      return -1;
    }
  }
  return 0;
}

void cli_settings_free(cli_settings *s) {
  free(s->items);
  s->items = NULL;
  s->n = s->cap = 0;
}

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------ */

static void print_load_error(const muskx_error *err, const char *path) {
  char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 64];
  muskx_error_format(err, buf, sizeof buf);
  if (buf[0] == '\0')
    fprintf(stderr, "%s: %s\n", path, muskx_strerror(err->status));
  else if (err->file[0] == '\0')
    fprintf(stderr, "%s: %s\n", path, buf); /* keep the file: prefix */
  else
    fprintf(stderr, "%s\n", buf);
}

static muskx_model *load_stdin(const muskx_access *a) {
  static const char name[] = "<stdin>";
  size_t n = 0, cap = 65536;
  char *text = malloc(cap);
  muskx_model *m = NULL;
  muskx_error err;

  if (text == NULL) {
    cli_error("out of memory");
    return NULL;
  }
  for (;;) {
    size_t got;
    if (n == cap) {
      char *t;
      if (cap > CLI_MODEL_MAX) break;
      cap *= 2;
      t = realloc(text, cap);
      if (t == NULL) {
        free(text);
        cli_error("out of memory");
        return NULL;
      }
      text = t;
    }
    got = fread(text + n, 1, cap - n, stdin);
    n += got;
    if (got == 0) break;
  }
  if (ferror(stdin)) {
    fprintf(stderr, "%s: cannot read: %s\n", name, strerror(errno));
    free(text);
    return NULL;
  }
  if (n > CLI_MODEL_MAX) {
    fprintf(stderr, "%s: model text is larger than 16 MiB (the limit)\n",
            name);
    free(text);
    return NULL;
  }
  memset(&err, 0, sizeof err);
  if (muskx_model_load_string_with(text, n, name, a, &m, &err) != MUSKX_OK) {
    print_load_error(&err, name);
    m = NULL;
  }
  free(text);
  return m;
}

muskx_status cli_access(muskx_access **out, muskx_error *err) {
  *out = muskx_access_new();
  if (*out == NULL) {
    snprintf(err->message, sizeof err->message, "out of memory");
    return err->status = MUSKX_ENOMEM;
  }
  const char *env = getenv("MUSKX_ALLOW_PATH");
  while (env != NULL && *env != '\0') {
    const char *colon = strchr(env, ':');
    size_t n = colon ? (size_t)(colon - env) : strlen(env);
    char dir[4096];
    if (n > 0 && n < sizeof dir) {
      memcpy(dir, env, n);
      dir[n] = '\0';
      muskx_status st = muskx_access_allow(*out, dir, err);
      if (st != MUSKX_OK) {
        muskx_access_free(*out);
        *out = NULL;
        return st;
      }
    }
    env = colon ? colon + 1 : NULL;
  }
  /* The folder the user runs the tool from is theirs: a scenario in
     scenarios/ may name ../models/ when run from the project's root.
     Never "/" (that would allow everything); --strict-paths (or
     MUSKX_STRICT_PATHS=1) leaves only the top file's folder and the
     allowed ones, for a service that runs the tool on untrusted files. */
  const char *strict = getenv("MUSKX_STRICT_PATHS");
  char cwd[4096];
  if ((strict == NULL || strict[0] == '\0' || strcmp(strict, "0") == 0) &&
      getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") != 0) {
    muskx_error ignored;
    /* a folder that cannot be allowed (removed meanwhile) is not an error
       of the run: it only allows less */
    (void)muskx_access_allow(*out, cwd, &ignored);
  }
  return MUSKX_OK;
}

muskx_status cli_scenario_load(const char *path, muskx_scenario **out,
                               muskx_error *err) {
  muskx_access *a = NULL;
  *out = NULL;
  char found[4096], root[4096];
  muskx_status st = cli_access(&a, err);
  if (st != MUSKX_OK) return st;
  if (cli_data_find(path, CLI_DATA_SCENARIO, found, sizeof found, root,
                    sizeof root)) {
    path = found;
    st = muskx_access_allow(a, root, err);
  }
  if (st == MUSKX_OK) st = muskx_scenario_load_file_with(path, a, out, err);
  if (st == MUSKX_EIO) cli_data_hint(path, CLI_DATA_SCENARIO);
  muskx_access_free(a);
  return st;
}

void cli_scenario_warnings(const muskx_scenario *sc) {
  for (int w = 0; w < muskx_scenario_warning_count(sc); w++)
    fprintf(stderr, "%s\n", muskx_scenario_warning(sc, w));
}

muskx_petab *cli_petab_load(const char *path) {
  muskx_petab *pb = NULL;
  muskx_access *access = NULL;
  muskx_error err;
  muskx_status st = cli_access(&access, &err);
  if (st == MUSKX_OK) st = muskx_petab_load_with(path, access, &pb, &err);
  muskx_access_free(access);
  if (st != MUSKX_OK) {
    char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 32];
    fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
    return NULL;
  }
  return pb;
}

muskx_model *cli_load_model(const char *path) {
  muskx_model *m = NULL;
  muskx_error err;
  muskx_access *a = NULL;
  char found[4096], root[4096];
  memset(&err, 0, sizeof err);
  if (cli_access(&a, &err) != MUSKX_OK) {
    print_load_error(&err, path);
    return NULL;
  }
  if (cli_data_find(path, CLI_DATA_MODEL, found, sizeof found, root,
                    sizeof root)) {
    path = found;
    if (muskx_access_allow(a, root, &err) != MUSKX_OK) {
      print_load_error(&err, path);
      muskx_access_free(a);
      return NULL;
    }
  }
  if (strcmp(path, "-") == 0) {
    m = load_stdin(a);
  } else if (muskx_model_load_file_with(path, a, &m, &err) != MUSKX_OK) {
    print_load_error(&err, path);
    if (err.status == MUSKX_EIO) cli_data_hint(path, CLI_DATA_MODEL);
    m = NULL;
  }
  muskx_access_free(a);
  return m;
}

const char *cli_solver_name(long ls) {
  switch (ls) {
  case MUSKX_LS_AUTO: return "auto";
  case MUSKX_LS_DENSE: return "dense";
  case MUSKX_LS_LAPACK: return "lapack";
  case MUSKX_LS_KLU: return "klu";
  case MUSKX_LS_SPGMR: return "spgmr";
  default: return "unknown";
  }
}

int cli_parse_solver(const cli_command *cmd, const char *s,
                     muskx_linear_solver *out) {
  static const muskx_linear_solver all[] = {MUSKX_LS_AUTO, MUSKX_LS_DENSE,
                                            MUSKX_LS_LAPACK, MUSKX_LS_KLU,
                                            MUSKX_LS_SPGMR};
  size_t i;
  for (i = 0; i < sizeof all / sizeof all[0]; i++)
    if (strcmp(s, cli_solver_name(all[i])) == 0) {
      *out = all[i];
      return 0;
    }
  cli_usage_error(cmd, "--solver: '%s' is not one of auto, dense, lapack, klu, spgmr",
                  s);
  return -1;
}

/* ------------------------------------------------------------------------
 * Atomic output
 * ------------------------------------------------------------------------ */

const char *cli_out_name(const cli_out *o) {
  return o->path != NULL ? o->path : "standard output";
}

/*
 * Temporary files on signals (issue 16). SIGINT, SIGTERM and SIGHUP
 * remove the temporary files being written, then end the process as the
 * signal would. A signal handler can only reach them through static
 * storage: this table is the tool's one piece of mutable global state,
 * written only by cli_out_open/commit/abort with the signals blocked.
 * (SIGKILL cannot be caught: a leftover then carries the name
 * FILE.muskx-partial-XXXXXX, visible next to FILE.)
 */
#define CLI_MAX_TMP 8
static char *volatile cli_tmp_files[CLI_MAX_TMP];

static void on_fatal_signal(int sig) {
  for (int i = 0; i < CLI_MAX_TMP; i++)
    if (cli_tmp_files[i] != NULL) unlink(cli_tmp_files[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

void cli_install_signal_cleanup(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

/* Adds (tmp != NULL, slot -1) or removes (slot >= 0) a temporary file. */
static int track_tmp(char *tmp, int slot) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  int r = -1;
  if (slot >= 0) {
    cli_tmp_files[slot] = NULL;
  } else {
    for (int i = 0; i < CLI_MAX_TMP && r < 0; i++)
      if (cli_tmp_files[i] == NULL) {
        cli_tmp_files[i] = tmp;
        r = i;
      }
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return r;
}

static void untrack_tmp(const char *tmp) {
  for (int i = 0; tmp != NULL && i < CLI_MAX_TMP; i++)
    if (cli_tmp_files[i] == tmp) track_tmp(NULL, i);
}

/* Mode for a new file: 0666 less the umask, as open(2) would give. */
static mode_t new_file_mode(void) {
  mode_t mask = umask(0);
  umask(mask);
  return (mode_t)(0666 & ~mask);
}

int cli_out_open(cli_out *o, const char *path) {
  struct stat sb;
  size_t len;
  mode_t mode;
  int fd;

  o->fp = NULL;
  o->path = NULL;
  o->tmp = NULL;
  if (path == NULL || strcmp(path, "-") == 0) {
    o->fp = stdout;
    return 0;
  }
  o->path = path;
  if (path[0] == '\0') {
    cli_error("output file name is empty");
    return -1;
  }
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) {
      cli_error("cannot write '%s': is a directory", path);
      return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
      /* A FIFO or a device: renaming over it would be wrong. */
      o->fp = fopen(path, "w");
      if (o->fp == NULL) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        return -1;
      }
      return 0;
    }
    mode = sb.st_mode & 07777;
  } else {
    mode = new_file_mode();
  }

  /* PATH.muskx-partial-XXXXXX: same directory, so rename() is atomic;
     not hidden, so a leftover (after SIGKILL) is obvious. */
  len = strlen(path);
  o->tmp = malloc(len + 32);
  if (o->tmp == NULL) {
    cli_error("out of memory");
    return -1;
  }
  snprintf(o->tmp, len + 32, "%s.muskx-partial-XXXXXX", path);
  track_tmp(o->tmp, -1); /* before it exists: a signal may come at once */
  fd = mkstemp(o->tmp);
  if (fd < 0) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    untrack_tmp(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  if (fchmod(fd, mode) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    close(fd);
    unlink(o->tmp);
    untrack_tmp(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  return 0;
}

int cli_out_probe(const char *path) {
  cli_out o;
  struct stat sb;
  if (path == NULL || strcmp(path, "-") == 0) return 0;
  /* Opening a FIFO would wait for a reader: leave it to cli_out_open(). */
  if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
    return 0;
  if (cli_out_open(&o, path) != 0) return -1;
  cli_out_abort(&o);
  return 0;
}

int cli_out_write_text(const char *path, const char *text) {
  cli_out o;
  if (cli_out_open(&o, path) != 0) return -1;
  fputs(text, o.fp);
  return cli_out_commit(&o);
}

void cli_out_abort(cli_out *o) {
  if (o->fp != NULL && o->fp != stdout) fclose(o->fp);
  o->fp = NULL;
  if (o->tmp != NULL) {
    unlink(o->tmp);
    untrack_tmp(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
  }
}

/* Makes the rename itself durable; failure here loses nothing. */
static void sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX];
  int fd;
  if (slash == NULL)
    strcpy(dir, ".");
  else if (slash == path)
    strcpy(dir, "/");
  else if ((size_t)(slash - path) < sizeof dir)
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  else
    return;
  fd = open(dir, O_RDONLY);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

int cli_out_commit(cli_out *o) {
  int failed = 0;
  int saved = 0;

  if (o->fp == stdout) {
    o->fp = NULL;
    if (fflush(stdout) != 0 || ferror(stdout)) {
      cli_error("cannot write to standard output: %s", strerror(errno));
      return -1;
    }
    return 0;
  }
  if (fflush(o->fp) != 0 || ferror(o->fp)) {
    failed = 1;
    saved = errno;
  } else if (o->tmp != NULL && fsync(fileno(o->fp)) != 0) {
    failed = 1;
    saved = errno;
  }
  if (fclose(o->fp) != 0 && !failed) {
    failed = 1;
    saved = errno;
  }
  o->fp = NULL;
  if (!failed && o->tmp != NULL && rename(o->tmp, o->path) != 0) {
    failed = 1;
    saved = errno;
  }
  if (failed) {
    cli_error("cannot write '%s': %s", o->path, strerror(saved));
    cli_out_abort(o);
    return -1;
  }
  if (o->tmp != NULL) {
    untrack_tmp(o->tmp);
    sync_dir(o->path);
    free(o->tmp);
    o->tmp = NULL;
  }
  return 0;
}

int cli_parse_model_output(const cli_command *self, int argc, char **argv,
                           int opt_output, const char **model,
                           const char **output) {
  cli_parser p;
  int r;
  *model = NULL;
  *output = NULL;
  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    if (r == CLI_ERROR) return CLI_EXIT_USAGE;
    if (r == CLI_HELP) {
      cli_print_help(stdout, self);
      return CLI_EXIT_OK;
    }
    if (r == opt_output) *output = p.value;
    if (r == CLI_ARG) {
      if (*model != NULL)
        return cli_usage_error(self, "only one MODEL, not '%s'", p.value);
      *model = p.value;
    }
  }
  if (*model == NULL) return cli_usage_error(self, "no MODEL given");
  return -1;
}
