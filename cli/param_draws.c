/*
 * param_draws.c -- --vary and --params-csv (param_draws.h). Moved out of
 * cmd_ensemble.c unchanged, so that `muskx compare --bands` reads
 * parameter uncertainty exactly as `muskx ensemble` does.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "param_draws.h"

int cli_vary_parse(const cli_command *self, const char *arg, cli_vary *v) {
  static const struct {
    const char *name;
    muskx_distribution dist;
  } dists[] = {{"lognormal", MUSKX_DIST_LOGNORMAL},
               {"normal", MUSKX_DIST_NORMAL},
               {"uniform", MUSKX_DIST_UNIFORM}};
  const char *eq = strchr(arg, '='), *open, *comma, *close;
  size_t k;
  char num[64];

  v->arg = arg;
  if (eq == NULL || eq == arg)
    return cli_usage_error(self, "--vary '%s': expected NAME=DIST(A,B)", arg);
  open = strchr(eq, '(');
  comma = open ? strchr(open, ',') : NULL;
  close = comma ? strchr(comma, ')') : NULL;
  if (open == NULL || comma == NULL || close == NULL || close[1] != '\0')
    return cli_usage_error(self,
                           "--vary '%s': expected NAME=DIST(A,B), e.g. "
                           "k=lognormal(0.7,0.3)", arg);
  for (k = 0; k < sizeof dists / sizeof dists[0]; k++)
    if ((size_t)(open - eq - 1) == strlen(dists[k].name) &&
        strncmp(eq + 1, dists[k].name, strlen(dists[k].name)) == 0)
      break;
  if (k == sizeof dists / sizeof dists[0])
    return cli_usage_error(self,
                           "--vary '%s': unknown distribution '%.*s' (use "
                           "lognormal, normal or uniform)",
                           arg, (int)(open - eq - 1), eq + 1);
  v->dist = dists[k].dist;
  v->name = malloc((size_t)(eq - arg) + 1);
  if (v->name == NULL) return CLI_EXIT_FAIL;
  memcpy(v->name, arg, (size_t)(eq - arg));
  v->name[eq - arg] = '\0';
  if ((size_t)(comma - open - 1) >= sizeof num ||
      (size_t)(close - comma - 1) >= sizeof num)
    return cli_usage_error(self, "--vary '%s': number too long", arg);
  memcpy(num, open + 1, (size_t)(comma - open - 1));
  num[comma - open - 1] = '\0';
  if (cli_parse_double(self, "--vary", num, &v->p1)) return CLI_EXIT_USAGE;
  memcpy(num, comma + 1, (size_t)(close - comma - 1));
  num[close - comma - 1] = '\0';
  if (cli_parse_double(self, "--vary", num, &v->p2)) return CLI_EXIT_USAGE;
  return 0;
}

/* The next comma-separated field of *s (cut off in place, blanks around
   it trimmed and one pair of double quotes, as spreadsheets write, taken
   off; empty fields are kept, unlike strtok's), or NULL at the end of the
   line. A comma inside quotes is not supported: the value is a number. */
static char *next_field(char **s) {
  char *f = *s, *comma;
  if (f == NULL) return NULL;
  comma = strchr(f, ',');
  if (comma != NULL) {
    *comma = '\0';
    *s = comma + 1;
  } else {
    *s = NULL;
  }
  while (*f == ' ' || *f == '\t') f++;
  size_t n = strlen(f);
  while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t')) f[--n] = '\0';
  if (n >= 2 && f[0] == '"' && f[n - 1] == '"') {
    f[n - 1] = '\0';
    f++;
  }
  return f;
}

int cli_param_table_read(const char *path, cli_param_table *out) {
  FILE *fp = fopen(path, "r");
  char *line = NULL, **names = NULL;
  size_t cap = 0, nnames = 0, rows = 0, tcap = 0;
  double *table = NULL;
  long *lines = NULL, *cols = NULL, *name_cols = NULL, name_line = 0;
  ssize_t len;
  int rc = CLI_EXIT_FAIL;
  long lineno = 0;

  memset(out, 0, sizeof *out);
  if (fp == NULL) {
    fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  while ((len = getline(&line, &cap, fp)) >= 0) {
    char *s = line, *tok;
    size_t col = 0;
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    /* The UTF-8 byte order mark some spreadsheets put first is no part of
       the first column's name. */
    if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
      memmove(line, line + 3, (size_t)len - 2);
      len -= 3;
    }
    if (len == 0 || line[0] == '#') continue;
    if (names == NULL) {
      while ((tok = next_field(&s)) != NULL) {
        char **nn = realloc(names, (nnames + 1) * sizeof *nn);
        if (nn == NULL) goto done;
        names = nn;
        long *nc = realloc(name_cols, (nnames + 1) * sizeof *nc);
        if (nc == NULL) goto done;
        name_cols = nc;
        name_cols[nnames] = (long)(tok - line) + 1;
        name_line = lineno;
        if (strchr(tok, '\t') != NULL) {
          fprintf(stderr, "%s:%ld:%ld: a tab inside a column name: the file "
                  "must be comma-separated (CSV), not tab-separated\n", path,
                  lineno, (long)(strchr(tok, '\t') - line) + 1);
          goto done;
        }
        if (tok[0] == '\0') {
          fprintf(stderr, "%s:%ld:%ld: column %zu of the header has no name\n",
                  path, lineno, (long)(tok - line) + 1, nnames + 1);
          goto done;
        }
        for (size_t k = 0; k < nnames; k++)
          if (strcmp(names[k], tok) == 0) {
            fprintf(stderr, "%s:%ld:%ld: column '%s' is named twice\n", path,
                    lineno, (long)(tok - line) + 1, tok);
            goto done;
          }
        names[nnames] = strdup(tok);
        if (names[nnames++] == NULL) goto done;
      }
      continue;
    }
    if ((rows + 1) * nnames > tcap) {
      size_t nc = tcap ? 2 * tcap : 64 * nnames;
      double *t = realloc(table, nc * sizeof *t);
      if (t == NULL) goto done;
      table = t;
      long *l = realloc(lines, nc * sizeof *l);
      if (l == NULL) goto done;
      lines = l;
      long *c = realloc(cols, nc * sizeof *c);
      if (c == NULL) goto done;
      cols = c;
      tcap = nc;
    }
    while ((tok = next_field(&s)) != NULL) {
      char *end;
      double v;
      long at = (long)(tok - line) + 1;
      if (col >= nnames) {
        fprintf(stderr, "%s:%ld:%ld: more fields than the header's %zu "
                "names\n", path, lineno, at, nnames);
        goto done;
      }
      errno = 0;
      v = strtod(tok, &end);
      if (tok[0] == '\0') {
        fprintf(stderr, "%s:%ld:%ld: the value of '%s' is empty\n", path,
                lineno, at, names[col]);
        goto done;
      }
      if (end == tok || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        fprintf(stderr, "%s:%ld:%ld: the value of '%s' is not a finite "
                "number: '%s'\n", path, lineno, at, names[col], tok);
        goto done;
      }
      lines[rows * nnames + col] = lineno;
      cols[rows * nnames + col] = at;
      table[rows * nnames + col++] = v;
    }
    if (col != nnames) {
      fprintf(stderr, "%s:%ld:%ld: %zu fields, the header has %zu\n",
              path, lineno, (long)len + 1, col, nnames);
      goto done;
    }
    rows++;
  }
  if (rows == 0) {
    fprintf(stderr, "%s: no parameter sets\n", path);
    goto done;
  }
  out->names = names;
  out->nnames = nnames;
  out->values = table;
  out->line = lines;
  out->col = cols;
  out->rows = rows;
  out->name_line = name_line;
  out->name_col = name_cols;
  names = NULL;
  nnames = 0;
  table = NULL;
  lines = cols = name_cols = NULL;
  rc = 0;
done:
  for (size_t i = 0; i < nnames; i++) free(names[i]);
  free(names);
  free(table);
  free(lines);
  free(cols);
  free(name_cols);
  free(line);
  fclose(fp);
  return rc;
}

void cli_param_table_free(cli_param_table *t) {
  for (size_t i = 0; i < t->nnames; i++) free(t->names[i]);
  free(t->names);
  free(t->values);
  free(t->line);
  free(t->col);
  free(t->name_col);
  memset(t, 0, sizeof *t);
}

int cli_param_table_fits(const cli_param_table *t, const char *path,
                         const muskx_model *m, muskx_ensemble *ens,
                         size_t nsets) {
  int rc = 0;
  for (size_t c = 0; c < t->nnames; c++) {
    const char *name = t->names[c];
    const double v = 0;
    if (muskx_model_find(m, MUSKX_PARAMETER, name) >= 0 ||
        muskx_model_find(m, MUSKX_COMPARTMENT, name) >= 0 ||
        muskx_model_find(m, MUSKX_SPECIES, name) >= 0 ||
        muskx_model_find(m, MUSKX_INPUT, name) >= 0)
      continue;
    /* the library's words and hint for the name: a table of that column
       alone is refused for it before the ensemble changes */
    if (muskx_ensemble_set_samples(ens, &v, 1, 1, &name) == MUSKX_OK)
      continue;
    fprintf(stderr, "%s:%ld:%ld: column %zu of the header names nothing "
            "the sets can give (rename it to a name of the model, which "
            "muskx info lists, or drop the column): %s\n", path,
            t->name_line, t->name_col[c], c + 1, muskx_ensemble_errmsg(ens));
    rc = CLI_EXIT_FAIL;
  }
  if (nsets > t->rows) {
    size_t last = (t->rows - 1) * t->nnames;
    fprintf(stderr, "%s:%ld:%ld: the file ends after %zu parameter set%s, "
            "but -n/--samples asks for %zu: give -n %zu or less (without "
            "-n every set runs once), or add %zu row%s\n", path,
            t->line[last], t->col[last], t->rows, t->rows == 1 ? "" : "s",
            nsets, t->rows, nsets - t->rows,
            nsets - t->rows == 1 ? "" : "s");
    if (rc == 0) rc = CLI_EXIT_USAGE;
  }
  return rc;
}

int cli_param_table_check(const cli_param_table *t, const char *path,
                          const muskx_model *m, size_t max_rows) {
  muskx_sim *sim = NULL;
  int rc = 0;
  if (muskx_sim_create(m, &sim) != MUSKX_OK) {
    cli_error("out of memory");
    return CLI_EXIT_FAIL;
  }
  size_t rows = t->rows < max_rows ? t->rows : max_rows;
  for (size_t k = 0; rc == 0 && k < rows * t->nnames; k++) {
    const char *name = t->names[k % t->nnames];
    if (muskx_model_find(m, MUSKX_PARAMETER, name) < 0 &&
        muskx_model_find(m, MUSKX_COMPARTMENT, name) < 0 &&
        muskx_model_find(m, MUSKX_INPUT, name) < 0)
      continue; /* species: the run says why, if it fails */
    if (muskx_sim_set(sim, name, t->values[k]) != MUSKX_OK) {
      fprintf(stderr, "%s:%ld:%ld: parameter set %zu: %s; the set would "
              "fail (fix or drop the row)\n", path, t->line[k], t->col[k],
              k / t->nnames + 1, muskx_sim_errmsg(sim));
      rc = CLI_EXIT_FAIL;
    }
  }
  muskx_sim_free(sim);
  return rc;
}

int cli_set_vary_clash(const cli_settings *s, const char *name,
                       const char *by) {
  for (size_t i = 0; i < s->n; i++) {
    const cli_setting *it = &s->items[i];
    if (strlen(name) != it->name_len ||
        strncmp(it->name, name, it->name_len) != 0)
      continue;
    cli_error("--set %s and %s both give '%s': every parameter set would "
              "replace the --set value, so the sets would not describe the "
              "--set model (a compare line would lie outside its own band). "
              "Drop the --set to let '%s' vary (to centre it on %g, make "
              "that the distribution's median or mean), or drop '%s' from "
              "the sets to keep it fixed",
              it->arg, by, name, name, it->value, name);
    return CLI_EXIT_USAGE;
  }
  return 0;
}
