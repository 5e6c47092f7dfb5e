/*
 * main.c -- the muskx command-line tool: subcommand dispatch, --help,
 * --version and `muskx help CMD`. Each subcommand lives in cli/cmd_*.c and
 * describes itself (synopsis, options, examples) in a const cli_command,
 * so the help text and the parser read the same table.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_ensemble.h"
#include "scenario_cli.h"

/* SBML in and out (cli/cmd_import.c, cli/cmd_export.c; issue 5). */
extern const cli_command cli_cmd_import;
extern const cli_command cli_cmd_export;
/* PEtab problems (cli/cmd_petab.c; issue 15). */
extern const cli_command cli_cmd_petab;

static const cli_command *const commands[] = {
    &cli_cmd_check, &cli_cmd_info, &cli_cmd_simulate, &cli_cmd_steady,
    &cli_cmd_dot,   &cli_cmd_run,  &cli_cmd_compare,  &cli_cmd_ensemble,
    &cli_cmd_import, &cli_cmd_export, &cli_cmd_petab,
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
        "A MODEL of '-' is read from standard input.\n\n"
        "Examples:\n"
        "  muskx check model.yaml\n"
        "  muskx simulate model.yaml --t-end 100 --dt 1 -o run.csv\n"
        "  muskx dot model.yaml | dot -Tpng -o model.png\n\n"
        "Exit status: 0 success, 1 error, 2 usage error. See muskx(1).\n",
        fp);
}

static int usage_error(const char *what, const char *arg) {
  fprintf(stderr, "muskx: %s '%s'\nTry 'muskx --help'.\n", what, arg);
  return CLI_EXIT_USAGE;
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
    print_usage(stdout);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
    printf("muskx %s\n", muskx_version_string());
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
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
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
  }
  if (name[0] == '-') return usage_error("unknown option", name);
  cmd = find_command(name);
  if (cmd == NULL) return usage_error("unknown command", name);
  return cmd->run(cmd, argc - 1, argv + 1);
}
