/*
 * main.c -- the muskx command-line tool: subcommand dispatch, --help,
 * --version and `muskx help CMD`. Each subcommand lives in cli/cmd_*.c and
 * describes itself (synopsis, options, examples) in a const cli_command,
 * so the help text and the parser read the same table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_ensemble.h"
#include "scenario_cli.h"

/* SBML in and out (cli/cmd_import.c, cli/cmd_export.c; issue 5). */
extern const cli_command cli_cmd_import;
extern const cli_command cli_cmd_export;
/* PEtab problems (cli/cmd_petab.c; issue 15). */
extern const cli_command cli_cmd_petab;
/* Fitting (cli/cmd_fit.c; issue 15). */
extern const cli_command cli_cmd_fit;
/* Global sensitivity (cli/cmd_gsa.c; issue 19). */
extern const cli_command cli_cmd_gsa;
#ifdef MUSKX_HAVE_SEDML
/* SED-ML and COMBINE archives (cli/cmd_sedml.c; issue 20). */
extern const cli_command cli_cmd_sedml;
extern const cli_command cli_cmd_omex;
#endif

static const cli_command *const commands[] = {
    &cli_cmd_check, &cli_cmd_info, &cli_cmd_simulate, &cli_cmd_steady,
    &cli_cmd_dot,   &cli_cmd_run,  &cli_cmd_compare,  &cli_cmd_ensemble,
    &cli_cmd_gsa,    &cli_cmd_import, &cli_cmd_export, &cli_cmd_petab,
    &cli_cmd_fit,
#ifdef MUSKX_HAVE_SEDML
    &cli_cmd_sedml, &cli_cmd_omex,
#endif
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name) {
  size_t i;
  for (i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0) return commands[i];
  return NULL;
}

static void print_usage(FILE *fp) {
  size_t i;
  fputs("Usage: muskx COMMAND [OPTIONS] MODEL...\n"
        "       muskx help COMMAND | --help | --version\n\n"
        "Loads reaction-network models written in YAML (muskx-model(5)),\n"
        "checks them, describes them, and solves them as stiff ODE systems\n"
        "with SUNDIALS CVODE.\n\n"
        "Commands:\n",
        fp);
  for (i = 0; i < NCOMMANDS; i++)
    fprintf(fp, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
  fputs("\nRun 'muskx COMMAND --help' for the options of a command.\n"
        "A MODEL of '-' is read from standard input.\n"
        "A model's imports and a scenario's model are read only inside the\n"
        "top file's folder and the current directory; --allow-path DIR (any\n"
        "command, repeatable) or MUSKX_ALLOW_PATH=DIR:DIR allows more folders,\n"
        "--strict-paths (or MUSKX_STRICT_PATHS=1) drops the current directory.\n\n"
        "Examples:\n"
        "  muskx check model.yaml\n"
        "  muskx simulate model.yaml --t-end 100 --dt 1 -o run.csv\n"
        "  muskx dot model.yaml | dot -Tpng -o model.png\n\n"
        "Exit status: 0 success, 1 error, 2 usage error. See muskx(1).\n",
        fp);
}

/*
 * --strict-paths sets MUSKX_STRICT_PATHS=1 (cli_access() then leaves the
 * current directory out). --allow-path DIR (or --allow-path=DIR), given
 * anywhere after the command
 * name and before "--", adds DIR to the folders a load may read (issue 16;
 * muskx(1), FILE ACCESS). It is taken out of argv here, so that every
 * command accepts it, and handed to the loads through MUSKX_ALLOW_PATH,
 * a colon-separated list (cli_access() in util.c). Returns 0, or -1 after
 * a usage message.
 */
static int take_allow_paths(int *argc, char **argv) {
  int out = 2;
  for (int i = 2; i < *argc; i++) {
    const char *a = argv[i], *dir = NULL;
    if (strcmp(a, "--") == 0) {
      while (i < *argc) argv[out++] = argv[i++];
      break;
    }
    if (strcmp(a, "--strict-paths") == 0) {
      if (setenv("MUSKX_STRICT_PATHS", "1", 1) != 0) return -1;
      continue;
    }
    if (strcmp(a, "--allow-path") == 0) {
      if (i + 1 >= *argc) {
        fprintf(stderr, "muskx: --allow-path needs a folder\n");
        return -1;
      }
      dir = argv[++i];
    } else if (strncmp(a, "--allow-path=", 13) == 0) {
      dir = a + 13;
    }
    if (dir == NULL) {
      argv[out++] = argv[i];
      continue;
    }
    if (dir[0] == '\0' || strchr(dir, ':') != NULL) {
      fprintf(stderr, "muskx: --allow-path '%s': a folder name, without ':'\n",
              dir);
      return -1;
    }
    const char *old = getenv("MUSKX_ALLOW_PATH");
    size_t n = (old ? strlen(old) + 1 : 0) + strlen(dir) + 1;
    char *v = malloc(n);
    if (v == NULL) return -1;
    snprintf(v, n, "%s%s%s", old && old[0] ? old : "", old && old[0] ? ":" : "",
             dir);
    int bad = setenv("MUSKX_ALLOW_PATH", v, 1);
    free(v);
    if (bad) return -1;
  }
  argv[out] = NULL;
  *argc = out;
  return 0;
}

static int usage_error(const char *what, const char *arg) {
  fprintf(stderr, "muskx: %s '%s'\nTry 'muskx --help'.\n", what, arg);
  return CLI_EXIT_USAGE;
}

/* A command's exit status, made a failure (with a message) when what it
   printed on standard output was not all written (a full disk, a closed
   pipe): `muskx petab ... > out` returned 0 with its llh lost. */
static int stdout_written(int rc) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
  if (rc == CLI_EXIT_OK || rc == CLI_EXIT_USAGE)
    cli_error("cannot write to standard output%s%s", errno ? ": " : "",
              errno ? strerror(errno) : "");
  return rc == CLI_EXIT_OK ? CLI_EXIT_FAIL : rc;
}

int main(int argc, char **argv) {
  const cli_command *cmd;
  const char *name;

  if (argc < 2) {
    print_usage(stderr);
    return CLI_EXIT_USAGE;
  }
  name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    /* a stray word is a mistake to report, not to ignore */
    if (argc > 2) return usage_error("--help takes no argument, not", argv[2]);
    print_usage(stdout);
    return stdout_written(CLI_EXIT_OK);
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
    if (argc > 2)
      return usage_error("--version takes no argument, not", argv[2]);
    printf("muskx %s\n", muskx_version_string());
    return stdout_written(CLI_EXIT_OK);
  }
  if (strcmp(name, "help") == 0) {
    if (argc == 2) {
      print_usage(stdout);
    } else if (argc == 3) {
      cmd = find_command(argv[2]);
      if (cmd == NULL) return usage_error("unknown command", argv[2]);
      cli_print_help(stdout, cmd);
    } else {
      return usage_error("help takes one command name, not", argv[3]);
    }
    return stdout_written(CLI_EXIT_OK);
  }
  if (name[0] == '-') return usage_error("unknown option", name);
  cmd = find_command(name);
  if (cmd == NULL) return usage_error("unknown command", name);
  if (take_allow_paths(&argc, argv) != 0) return CLI_EXIT_USAGE;
  cli_install_signal_cleanup();
  return stdout_written(cmd->run(cmd, argc - 1, argv + 1));
}
