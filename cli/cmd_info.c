/*
 * cmd_info.c -- `muskx info MODEL`: what a model contains, for a person to
 * read: identity, references, counts, the Jacobian's sparsity, and one
 * table per kind of thing (species, parameters, inputs, assignments,
 * outputs, reactions, events, compartments). Empty tables are left out.
 * Control characters in docs are shown as spaces so a table stays a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_BYTECODE = 1 };

static const cli_option options[] = {
    {OPT_BYTECODE, "bytecode", 0, NULL,
     "print the compiled VM programs instead of the tables"},
    {0, NULL, 0, NULL, NULL},
};

/* The compiled programs, sized by a first call (snprintf-style API). */
static int print_bytecode(const muskx_model *m) {
  int n = muskx_model_bytecode(m, NULL, 0);
  char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (text == NULL) {
    cli_error("out of memory");
    return -1;
  }
  muskx_model_bytecode(m, text, (size_t)n + 1);
  fputs(text, stdout);
  free(text);
  return 0;
}

/* A table of owned strings, printed with aligned columns. */
#define MAX_COLS 6
typedef struct table {
  int ncols;
  const char *head[MAX_COLS];
  char **cells; /* nrows * ncols */
  size_t nrows, cap;
  int failed;   /* an allocation failed */
} table;

static char *dup_clean(const char *s) {
  size_t n = strlen(s), i;
  char *d = malloc(n + 1);
  if (d == NULL) return NULL;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    d[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
  }
  d[n] = '\0';
  return d;
}

/* Adds a row of ncols strings (NULL is shown as ""). */
static void table_row(table *t, const char *const *vals) {
  int j;
  if (t->failed) return;
  if (t->nrows == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 16;
    char **c = realloc(t->cells, nc * (size_t)t->ncols * sizeof *c);
    if (c == NULL) {
      t->failed = 1;
      return;
    }
    t->cells = c;
    t->cap = nc;
  }
  for (j = 0; j < t->ncols; j++) {
    char *d = dup_clean(vals[j] != NULL ? vals[j] : "");
    if (d == NULL) {
      while (j-- > 0) free(t->cells[t->nrows * (size_t)t->ncols + (size_t)j]);
      t->failed = 1;
      return;
    }
    t->cells[t->nrows * (size_t)t->ncols + (size_t)j] = d;
  }
  t->nrows++;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

static void print_cell(const char *s, size_t w, int last) {
  fputs(s, stdout);
  if (!last)
    for (w -= width(s); w > 0; w--) fputc(' ', stdout);
}

static void table_print(const table *t, const char *title) {
  size_t w[MAX_COLS];
  size_t i;
  int j, last;

  if (t->nrows == 0) return;
  /* The last column that has any text is not padded. */
  for (last = t->ncols - 1; last > 0; last--) {
    for (i = 0; i < t->nrows; i++)
      if (t->cells[i * (size_t)t->ncols + (size_t)last][0] != '\0') break;
    if (i < t->nrows) break;
  }
  for (j = 0; j <= last; j++) {
    w[j] = width(t->head[j]);
    for (i = 0; i < t->nrows; i++) {
      size_t cw = width(t->cells[i * (size_t)t->ncols + (size_t)j]);
      if (cw > w[j]) w[j] = cw;
    }
  }
  printf("\n%s (%zu)\n", title, t->nrows);
  fputs("  ", stdout);
  for (j = 0; j <= last; j++) {
    print_cell(t->head[j], w[j], j == last);
    if (j < last) fputs("  ", stdout);
  }
  fputc('\n', stdout);
  for (i = 0; i < t->nrows; i++) {
    const char *const *row = (const char *const *)&t->cells[i * (size_t)t->ncols];
    int end = last;
    /* No trailing blanks when the rest of this row is empty. */
    while (end > 0 && row[end][0] == '\0') end--;
    fputs("  ", stdout);
    for (j = 0; j <= end; j++) {
      print_cell(row[j], w[j], j == end);
      if (j < end) fputs("  ", stdout);
    }
    fputc('\n', stdout);
  }
}

static void table_free(table *t) {
  size_t i;
  for (i = 0; i < t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
  free(t->cells);
}

static void table_init(table *t, int ncols, const char *const *head) {
  int j;
  memset(t, 0, sizeof *t);
  t->ncols = ncols;
  for (j = 0; j < ncols; j++) t->head[j] = head[j];
}

/*
 * One table for a kind: name, [default value], unit, doc. Returns -1 if
 * memory ran out.
 */
static int kind_table(const muskx_model *m, muskx_kind kind,
                      const char *title, const char *value_head) {
  table t;
  int n = muskx_model_count(m, kind), i, failed;
  const char *head[4];
  int nc = 0;

  head[nc++] = kind == MUSKX_EVENT ? "id" : "name";
  if (value_head != NULL) head[nc++] = value_head;
  if (kind != MUSKX_EVENT) head[nc++] = "unit";
  head[nc++] = "doc";
  table_init(&t, nc, head);
  for (i = 0; i < n; i++) {
    char num[CLI_NUMBUF];
    const char *row[4];
    int k = 0;
    row[k++] = muskx_model_name_at(m, kind, i);
    if (value_head != NULL)
      row[k++] = cli_format_double(muskx_model_default(m, kind, i), num);
    if (kind != MUSKX_EVENT) row[k++] = muskx_model_unit(m, kind, i);
    row[k++] = muskx_model_doc(m, kind, i);
    table_row(&t, row);
  }
  table_print(&t, title);
  failed = t.failed;
  table_free(&t);
  return failed ? -1 : 0;
}

static int reaction_table(const muskx_model *m) {
  static const char *const head[] = {"id", "equation", "rate", "doc"};
  table t;
  int n = muskx_model_count(m, MUSKX_REACTION), i, failed;
  table_init(&t, 4, head);
  for (i = 0; i < n; i++) {
    const char *row[4];
    row[0] = muskx_model_name_at(m, MUSKX_REACTION, i);
    row[1] = muskx_model_reaction_equation(m, i);
    row[2] = muskx_model_reaction_rate(m, i);
    row[3] = muskx_model_doc(m, MUSKX_REACTION, i);
    table_row(&t, row);
  }
  table_print(&t, "reactions");
  failed = t.failed;
  table_free(&t);
  return failed ? -1 : 0;
}

/* The drugs the model knows by name (`agents:`): one row per route. */
static int agent_table(const muskx_model *m) {
  static const char *const head[] = {"agent", "route", "depot",
                                     "bioavailability", "per dose unit"};
  table t;
  int failed;
  table_init(&t, 5, head);
  for (int a = 0; a < muskx_model_agent_count(m); a++)
    for (int r = 0; r < muskx_model_agent_route_count(m, a); r++) {
      char f[CLI_NUMBUF], per[CLI_NUMBUF + 16];
      int depot, fp;
      double fn, pdu;
      const char *row[5];
      row[1] = muskx_model_agent_route(m, a, r, &depot, &fp, &fn, &pdu);
      row[0] = muskx_model_agent_name(m, a);
      row[2] = muskx_model_name_at(m, MUSKX_SPECIES, depot);
      row[3] = fp >= 0 ? muskx_model_name_at(m, MUSKX_PARAMETER, fp)
                       : cli_format_double(fn, f);
      snprintf(per, sizeof per, "%.6g per %s", pdu,
               muskx_model_agent_dose_unit(m, a));
      row[4] = per;
      table_row(&t, row);
    }
  table_print(&t, "agents");
  failed = t.failed;
  table_free(&t);
  return failed ? -1 : 0;
}

static void print_field(const char *label, const char *value) {
  char *clean;
  if (value == NULL || value[0] == '\0') return;
  clean = dup_clean(value);
  printf("%-11s %s\n", label, clean != NULL ? clean : value);
  free(clean);
}

static int describe(const muskx_model *m) {
  int nrefs = muskx_model_reference_count(m), i, failed = 0;
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int nnz = muskx_model_jacobian_nnz(m);

  print_field("model:", muskx_model_id(m));
  print_field("name:", muskx_model_name(m));
  print_field("source:", muskx_model_source(m));
  print_field("time unit:", muskx_model_time_unit(m));
  for (i = 0; i < nrefs; i++)
    print_field(i == 0 ? "references:" : "", muskx_model_reference(m, i));
  fputs("size:       ", stdout);
  cli_print_counts(stdout, m, 1);
  fputc('\n', stdout);
  if (nnz >= 0) {
    double dens = ns > 0 ? 100.0 * nnz / ((double)ns * ns) : 0.0;
    printf("jacobian:   %d x %d, %d structural nonzeros (%.1f%% dense)\n", ns,
           ns, nnz, dens);
  }

  failed |= kind_table(m, MUSKX_SPECIES, "species", "initial");
  failed |= kind_table(m, MUSKX_COMPARTMENT, "compartments", "volume");
  failed |= kind_table(m, MUSKX_PARAMETER, "parameters", "value");
  failed |= kind_table(m, MUSKX_INPUT, "inputs", "default");
  failed |= kind_table(m, MUSKX_ASSIGNMENT, "assignments", NULL);
  failed |= reaction_table(m);
  failed |= kind_table(m, MUSKX_OUTPUT, "outputs", NULL);
  failed |= kind_table(m, MUSKX_EVENT, "events", NULL);
  failed |= agent_table(m);
  if (failed) cli_error("out of memory");
  return failed ? -1 : 0;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  const char *model_path = NULL;
  muskx_model *m;
  int r, rc, bytecode = 0;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case OPT_BYTECODE: bytecode = 1; break;
    case CLI_ARG:
      if (cli_take_one(self, "MODEL", &model_path, p.value) != 0)
        return CLI_EXIT_USAGE;
      break;
    default: break;
    }
  }
  if (model_path == NULL) return cli_usage_error(self, "no MODEL given");
  m = cli_load_model(model_path);
  if (m == NULL) return CLI_EXIT_FAIL;
  rc = (bytecode ? print_bytecode(m) : describe(m)) == 0 ? CLI_EXIT_OK
                                                         : CLI_EXIT_FAIL;
  muskx_model_free(m);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("cannot write to standard output");
    rc = CLI_EXIT_FAIL;
  }
  return rc;
}

const cli_command cli_cmd_info = {
    "info",
    "MODEL",
    "describe a model: names, sizes, sparsity",
    "Prints what MODEL contains: its id, name, source, time unit and\n"
    "references; how many species, reactions, parameters, inputs,\n"
    "assignments, outputs, events and compartments it has; the size and\n"
    "sparsity of its Jacobian; and a table of each kind (values are the\n"
    "defaults, with expressions evaluated), the drugs it knows by name\n"
    "(agents: route, depot, bioavailability). The layout is for people and\n"
    "may change; scripts should use the C API.",
    options,
    "  muskx info robertson.yaml\n"
    "  muskx info --bytecode robertson.yaml\n"
    "  muskx info bone.yaml | less\n",
    run,
};
