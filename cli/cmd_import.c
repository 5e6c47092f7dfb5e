/*
 * cmd_import.c -- `muskx import MODEL.xml [-o MODEL.yaml]`: translates an
 * SBML model into the equivalent muskx model text (muskx-model(5)), the
 * same text muskx_model_load_file() loads for an SBML file, so the result
 * can be read, edited and versioned like any hand-written model. The
 * translation is loaded once before it is written: a model that does not
 * load is an error, and nothing is written.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_OUTPUT = 1, OPT_L2_TRIGGER };

static const cli_option options[] = {
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the YAML to FILE, atomically (default: stdout)"},
    {OPT_L2_TRIGGER, "l2-initial-trigger", 0, "false|true",
     "SBML Level 1-2 events: a trigger already true at t0 fires at the start "
     "(false: it was false just before) or not (true); default: not, with a "
     "warning naming each such event"},
    {0, NULL, 0, NULL, NULL},
};

static void print_error(const muskx_error *err, const char *path) {
  char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 64];
  muskx_error_format(err, buf, sizeof buf);
  if (err->file[0] == '\0')
    fprintf(stderr, "%s: %s\n", path, buf[0] ? buf : muskx_strerror(err->status));
  else
    fprintf(stderr, "%s\n", buf);
}

static int run(const cli_command *self, int argc, char **argv) {
  const char *model, *output;
  char *yaml = NULL;
  muskx_error err;
  muskx_model *m = NULL;
  int status = CLI_EXIT_FAIL;

  int l2 = -1;
  cli_parser p;
  model = output = NULL;
  cli_parser_init(&p, self, argc, argv);
  for (int r; (r = cli_next(&p)) != CLI_END;) {
    if (r == CLI_ERROR) return CLI_EXIT_USAGE;
    if (r == CLI_HELP) {
      cli_print_help(stdout, self);
      return CLI_EXIT_OK;
    }
    if (r == OPT_OUTPUT) output = p.value;
    if (r == OPT_L2_TRIGGER) {
      if (strcmp(p.value, "false") != 0 && strcmp(p.value, "true") != 0)
        return cli_usage_error(self, "--l2-initial-trigger takes false or "
                               "true, not '%s'", p.value);
      l2 = strcmp(p.value, "true") == 0;
    }
    if (r == CLI_ARG) {
      if (model != NULL)
        return cli_usage_error(self, "only one MODEL, not '%s'", p.value);
      model = p.value;
    }
  }
  if (model == NULL) return cli_usage_error(self, "no MODEL given");
  memset(&err, 0, sizeof err);
  muskx_access *access = NULL;
  muskx_status st = cli_access(&access, &err);
  if (st == MUSKX_OK) st = muskx_sbml_to_yaml_with(model, access, l2, &yaml, &err);
  muskx_access_free(access);
  if (st != MUSKX_OK) {
    print_error(&err, model);
    return CLI_EXIT_FAIL;
  }
  /* the translation must load: never hand out a model that does not */
  if (muskx_model_load_string(yaml, strlen(yaml), model, &m, &err) != MUSKX_OK) {
    fprintf(stderr, "%s: the translation does not load (line %d:%d of it): %s\n",
            model, err.line, err.column, err.message);
    goto done;
  }
  for (int w = 0; w < muskx_model_warning_count(m); w++)
    fprintf(stderr, "%s\n", muskx_model_warning(m, w));
  if (cli_out_not_input(output, model, m) != 0 ||
      cli_out_write_text(output, yaml) != 0)
    goto done;
  status = CLI_EXIT_OK;
done:
  muskx_model_free(m);
  muskx_free_string(yaml);
  return status;
}

const cli_command cli_cmd_import = {
    "import",
    "MODEL.xml [-o FILE] [--l2-initial-trigger false|true]",
    "translate an SBML model into a muskx model",
    "Translates an SBML Level 1-3 model (core, and hierarchical comp models,\n"
    "which are flattened) into an equivalent muskx model and writes its\n"
    "YAML: SBML ids become names (a clash with t, time or a built-in\n"
    "function gets a '_' suffix), SBML names, ids and units are kept in\n"
    "doc and unit. Every command also reads .xml/.sbml files directly,\n"
    "through this same translation. Algebraic rules and fast reactions\n"
    "become `algebraic:` equations (solved with SUNDIALS IDA), csymbol delay\n"
    "becomes delay(x, tau). Constructs the engine cannot represent (rateOf\n"
    "inside delay or of expressions, nested delays, flux balance) are\n"
    "refused with their line. The time unit comes from\n"
    "Level 3 timeUnits or a Level 1-2 redefinition of 'time' (s, min, h,\n"
    "d, week or year when it is a multiple of the second; Level 1-2 default\n"
    "s). Level 1-2 leave open whether an event whose trigger is already\n"
    "true at t0 fires at the start: by default it does not (libSBML's\n"
    "Level 3 reading) and each such event gets a warning on stderr;\n"
    "--l2-initial-trigger false fires them, true keeps the default\n"
    "without the warning.",
    options,
    "  muskx import BIOMD0000000001.xml -o model.yaml\n"
    "  muskx simulate BIOMD0000000001.xml --t-end 100\n",
    run,
};
