/*
 * cmd_export.c -- `muskx export MODEL [-o MODEL.xml]`: writes a model as
 * SBML Level 3 Version 2, for COPASI, libRoadRunner, Tellurium and the
 * other tools that read SBML (see muskx_model_export_sbml() in muskx.h for
 * the mapping).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_OUTPUT = 1 };

static const cli_option options[] = {
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the SBML to FILE, atomically (default: stdout)"},
    {0, NULL, 0, NULL, NULL},
};

static int run(const cli_command *self, int argc, char **argv) {
  const char *model, *output;
  char *xml = NULL;
  muskx_error err;
  muskx_model *m = NULL;
  int status = CLI_EXIT_FAIL;

  int r = cli_parse_model_output(self, argc, argv, OPT_OUTPUT, &model, &output);
  if (r >= 0) return r;
  if ((m = cli_load_model(model)) == NULL) return CLI_EXIT_FAIL;
  memset(&err, 0, sizeof err);
  if (muskx_model_export_sbml(m, NULL, &xml, &err) != MUSKX_OK) {
    fprintf(stderr, "%s: cannot export to SBML: %s\n", model, err.message);
    goto done;
  }
  if (cli_out_not_input(output, model, m) != 0 ||
      cli_out_write_text(output, xml) != 0)
    goto done;
  status = CLI_EXIT_OK;
done:
  muskx_free_string(xml);
  muskx_model_free(m);
  return status;
}

const cli_command cli_cmd_export = {
    "export",
    "MODEL [-o FILE.xml]",
    "write a model as SBML Level 3 Version 2",
    "Loads MODEL and writes it as SBML Level 3 Version 2. Species become\n"
    "concentration species of their compartment (a default compartment of\n"
    "size 1 when they have none), assignments and outputs assignment\n"
    "rules, odes rate rules, input tables piecewise functions of time, and\n"
    "timed events conditional events on time. Units and docs go to notes.",
    options,
    "  muskx export models/bone/komarova.yaml -o komarova.xml\n",
    run,
};
