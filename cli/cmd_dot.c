/*
 * cmd_dot.c -- `muskx dot MODEL`: the reaction network as a Graphviz
 * digraph. Species are ellipses, reactions small boxes; an edge goes from
 * each consumed species to its reaction and from the reaction to each
 * produced species, labelled with the net coefficient when it is not 1.
 * Modifiers (species in the rate but not in the equation) and species
 * whose net coefficient is 0 (catalysts such as C in B + C -> A + C) are
 * dashed edges into the reaction. Reversible reactions (<->) draw their
 * edges with arrowheads at both ends.
 *
 * With --influence, species only: j -> i for each structural nonzero of
 * the Jacobian off the diagonal.
 *
 * Node ids are "s:NAME" and "r:ID", so a species and a reaction can never
 * collide, and every id and label is a quoted DOT string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_OUTPUT = 1, OPT_LR, OPT_INFLUENCE };

static const cli_option options[] = {
    {OPT_LR, "lr", 0, NULL, "lay the graph out left to right"},
    {OPT_INFLUENCE, "influence", 0, NULL,
     "species only: j -> i when dy_i/dt depends on y_j"},
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the graph to FILE, atomically (default: stdout)"},
    {0, NULL, 0, NULL, NULL},
};

/* A DOT double-quoted string: backslash and quote are escaped; control
   characters become spaces (a newline would end a label line). */
static void quoted(FILE *fp, const char *prefix, const char *s) {
  fputc('"', fp);
  fputs(prefix, fp);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fputc('\\', fp);
    fputc(c < 0x20 ? ' ' : (int)c, fp);
  }
  fputc('"', fp);
}

static void edge(FILE *fp, const char *from_prefix, const char *from,
                 const char *to_prefix, const char *to, double coef,
                 int dashed, int both) {
  int first = 1;
  fputs("  ", fp);
  quoted(fp, from_prefix, from);
  fputs(" -> ", fp);
  quoted(fp, to_prefix, to);
  if (coef != 1.0 || dashed || both) {
    fputs(" [", fp);
    if (coef != 1.0) {
      char buf[CLI_NUMBUF];
      fprintf(fp, "label=\"%s\"", cli_format_double(coef, buf));
      first = 0;
    }
    if (dashed) {
      fprintf(fp, "%sstyle=dashed, arrowhead=odot", first ? "" : ", ");
      first = 0;
    }
    if (both) fprintf(fp, "%sdir=both", first ? "" : ", ");
    fputc(']', fp);
  }
  fputs(";\n", fp);
}

static int ident_start(char c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int ident_char(char c) {
  return ident_start(c) || c == '.' || (c >= '0' && c <= '9');
}

/*
 * Species named in the equation text whose net coefficient is 0 (a
 * catalyst: C in "B + C -> A + C"). muskx_model_reaction_stoich() lists
 * net coefficients only and leaves such species out, and they are not
 * modifiers either (they are in the equation), so the text is scanned for
 * names that are species. drawn[0..*n) holds the species already drawn for
 * this reaction (room for every species); each catalyst is added to it and
 * drawn once, as a dashed edge. Coefficients (2, 0.5, 1e-3) are skipped.
 */
static void catalysts(FILE *fp, const muskx_model *m, const char *id,
                      const char *eq, int *drawn, int *n, int cap) {
  const char *p = eq;
  while (*p != '\0') {
    if ((*p >= '0' && *p <= '9') || *p == '.') {
      while ((*p >= '0' && *p <= '9') || *p == '.') p++;
      if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        while (*p >= '0' && *p <= '9') p++;
      }
    } else if (ident_start(*p)) {
      const char *start = p;
      char name[256];
      int idx, k;
      while (ident_char(*p)) p++;
      if ((size_t)(p - start) >= sizeof name) continue;
      memcpy(name, start, (size_t)(p - start));
      name[p - start] = '\0';
      idx = muskx_model_find(m, MUSKX_SPECIES, name);
      if (idx < 0) continue;
      for (k = 0; k < *n && drawn[k] != idx; k++) continue;
      if (k < *n || *n >= cap) continue;
      drawn[(*n)++] = idx;
      edge(fp, "s:", name, "r:", id, 1.0, 1, 0);
    } else {
      p++;
    }
  }
}

/*
 * The influence graph: an edge j -> i for each structural nonzero
 * df_i/dy_j off the diagonal. Shows the coupling of models written with
 * odes and assignments, which have few or no reactions to draw.
 */
static int write_influence(FILE *fp, const muskx_model *m) {
  int nnz = muskx_model_jacobian_nnz(m);
  int *rows, *cols, k;
  if (nnz < 0) {
    cli_error("the model has no Jacobian pattern");
    return -1;
  }
  rows = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *rows);
  cols = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *cols);
  if (rows == NULL || cols == NULL) {
    free(rows);
    free(cols);
    cli_error("out of memory");
    return -1;
  }
  if (nnz > 0 && muskx_model_jacobian_pattern(m, rows, cols) < 0) {
    free(rows);
    free(cols);
    cli_error("cannot read the Jacobian pattern");
    return -1;
  }
  for (k = 0; k < nnz; k++) {
    const char *from = muskx_model_name_at(m, MUSKX_SPECIES, cols[k]);
    const char *to = muskx_model_name_at(m, MUSKX_SPECIES, rows[k]);
    if (from != NULL && to != NULL && rows[k] != cols[k])
      edge(fp, "s:", from, "s:", to, 1.0, 0, 0);
  }
  free(rows);
  free(cols);
  return 0;
}

static int write_dot(FILE *fp, const muskx_model *m, int lr, int influence) {
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int nr = muskx_model_count(m, MUSKX_REACTION);
  size_t cap = (size_t)(ns > 0 ? ns : 1);
  int *sp = malloc(cap * sizeof *sp);
  double *coef = malloc(cap * sizeof *coef);
  int i, k;

  if (sp == NULL || coef == NULL) {
    free(sp);
    free(coef);
    cli_error("out of memory");
    return -1;
  }
  fputs("digraph ", fp);
  quoted(fp, "", muskx_model_id(m));
  fputs(" {\n", fp);
  if (muskx_model_name(m)[0] != '\0') {
    fputs("  label=", fp);
    quoted(fp, "", muskx_model_name(m));
    fputs(";\n  labelloc=t;\n", fp);
  }
  if (lr) fputs("  rankdir=LR;\n", fp);
  fputs("  node [shape=ellipse];\n", fp);
  for (i = 0; i < ns; i++) {
    const char *name = muskx_model_name_at(m, MUSKX_SPECIES, i);
    fputs("  ", fp);
    quoted(fp, "s:", name);
    fputs(" [label=", fp);
    quoted(fp, "", name);
    fputs("];\n", fp);
  }
  if (influence) {
    free(sp);
    free(coef);
    if (write_influence(fp, m) != 0) return -1;
    fputs("}\n", fp);
    return 0;
  }
  for (i = 0; i < nr; i++) {
    const char *id = muskx_model_name_at(m, MUSKX_REACTION, i);
    const char *eq = muskx_model_reaction_equation(m, i);
    int both = eq != NULL && strstr(eq, "<->") != NULL;
    int n;

    fputs("  ", fp);
    quoted(fp, "r:", id);
    fputs(" [shape=box, style=filled, fillcolor=lightgrey, fontsize=10, "
          "label=",
          fp);
    quoted(fp, "", id);
    if (eq != NULL) {
      fputs(", tooltip=", fp);
      quoted(fp, "", eq);
    }
    fputs("];\n", fp);

    n = muskx_model_reaction_stoich(m, i, sp, coef, (int)cap);
    if (n > (int)cap) { /* never more than the species, but be safe */
      int *s2 = realloc(sp, (size_t)n * sizeof *sp);
      double *c2 = s2 != NULL ? realloc(coef, (size_t)n * sizeof *coef) : NULL;
      if (s2 != NULL) sp = s2;
      if (c2 != NULL) coef = c2;
      if (s2 == NULL || c2 == NULL) {
        free(sp);
        free(coef);
        cli_error("out of memory");
        return -1;
      }
      cap = (size_t)n;
      n = muskx_model_reaction_stoich(m, i, sp, coef, (int)cap);
    }
    for (k = 0; k < n && (size_t)k < cap; k++) {
      const char *s = muskx_model_name_at(m, MUSKX_SPECIES, sp[k]);
      if (s == NULL) continue;
      if (coef[k] < 0)
        edge(fp, "s:", s, "r:", id, -coef[k], 0, both);
      else if (coef[k] > 0)
        edge(fp, "r:", id, "s:", s, coef[k], 0, both);
      else
        edge(fp, "s:", s, "r:", id, 1.0, 1, 0);
    }
    if (eq != NULL && n >= 0) {
      int drawn = n < (int)cap ? n : (int)cap;
      catalysts(fp, m, id, eq, sp, &drawn, (int)cap);
    }
    n = muskx_model_reaction_modifiers(m, i, sp, (int)cap);
    for (k = 0; k < n && (size_t)k < cap; k++) {
      const char *s = muskx_model_name_at(m, MUSKX_SPECIES, sp[k]);
      if (s != NULL) edge(fp, "s:", s, "r:", id, 1.0, 1, 0);
    }
  }
  fputs("}\n", fp);
  free(sp);
  free(coef);
  return 0;
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  cli_out out;
  const char *model_path = NULL, *output = NULL;
  muskx_model *m;
  int r, lr = 0, influence = 0;

  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case CLI_ARG:
      if (cli_take_one(self, "MODEL", &model_path, p.value) != 0)
        return CLI_EXIT_USAGE;
      break;
    case OPT_LR: lr = 1; break;
    case OPT_INFLUENCE: influence = 1; break;
    case OPT_OUTPUT: output = p.value; break;
    default: break;
    }
  }
  if (model_path == NULL) return cli_usage_error(self, "no MODEL given");
  m = cli_load_model(model_path);
  if (m == NULL) return CLI_EXIT_FAIL;
  if (cli_out_not_input(output, model_path, m) != 0 ||
      cli_out_open(&out, output) != 0) {
    muskx_model_free(m);
    return CLI_EXIT_FAIL;
  }
  if (write_dot(out.fp, m, lr, influence) != 0) {
    cli_out_abort(&out);
    muskx_model_free(m);
    return CLI_EXIT_FAIL;
  }
  muskx_model_free(m);
  return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

const cli_command cli_cmd_dot = {
    "dot",
    "MODEL [--lr] [--influence] [-o FILE]",
    "draw the reaction network as Graphviz DOT",
    "Writes the reaction network of MODEL as a Graphviz digraph: species\n"
    "are ellipses, reactions small grey boxes. Edges run from consumed\n"
    "species to the reaction and on to produced species, labelled with\n"
    "the net stoichiometric coefficient when it is not 1. Modifiers\n"
    "(species in the rate but not in the equation) and catalysts (net\n"
    "coefficient 0) are dashed edges into the reaction; a reversible\n"
    "reaction's edges have arrowheads at both ends. With --influence the\n"
    "graph has the species only, with an edge j -> i wherever the\n"
    "Jacobian has a structural nonzero d(dy_i/dt)/dy_j (i != j): the\n"
    "coupling of models written with odes and assignments.",
    options,
    "  muskx dot robertson.yaml | dot -Tpng -o robertson.png\n"
    "  muskx dot --lr bone.yaml -o bone.dot && dot -Tsvg bone.dot > bone.svg\n"
    "  muskx dot --influence spaceflight.yaml | dot -Tsvg > coupling.svg\n",
    run,
};
