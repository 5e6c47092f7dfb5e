/*
 * petab_tsv.c -- PEtab's tab-separated tables: a header line, then rows of
 * exactly as many fields. Every cell keeps its line and column, so that a
 * bad value anywhere can be reported as file:line:col.
 *
 * Blank lines are skipped (files often end with one), "\r\n" line ends are
 * accepted, and blanks around a field are trimmed. Quoting is not part of
 * PEtab's tables and is not interpreted.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "load.h"
#include "petab.h"

void muskx__tsv_free(muskx__tsv *t) {
  if (t == NULL) return;
  /* Also a table whose reading stopped half way (out of memory). */
  for (int c = 0; t->header != NULL && c < t->ncols; c++) muskx__free(t->header[c]);
  for (long k = 0; t->cells != NULL && k < (long)t->nrows * t->ncols; k++)
    muskx__free(t->cells[k]);
  muskx__free(t->header);
  muskx__free(t->cells);
  muskx__free(t->line);
  muskx__free(t->col);
  muskx__free(t->path);
  memset(t, 0, sizeof *t);
}

int muskx__tsv_column(const muskx__tsv *t, const char *name) {
  for (int c = 0; c < t->ncols; c++)
    if (strcmp(t->header[c], name) == 0) return c;
  return -1;
}

const char *muskx__tsv_cell(const muskx__tsv *t, int row, int c) {
  if (c < 0 || c >= t->ncols || row < 0 || row >= t->nrows) return "";
  return t->cells[(size_t)row * (size_t)t->ncols + (size_t)c];
}

muskx_status muskx__tsv_fail(const muskx__tsv *t, int row, int c,
                             muskx_error *err, muskx_status status,
                             const char *fmt, ...) {
  char msg[MUSKX_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  muskx__loc loc = {t->path, 0, 0};
  if (row >= 0 && row < t->nrows) {
    loc.line = t->line[row];
    loc.col = t->col[(size_t)row * (size_t)t->ncols + (size_t)(c < 0 ? 0 : c)];
  } else if (row == -1 && c >= 0) { /* a header cell */
    loc.line = 1;
    loc.col = 1;
  }
  return muskx__seterr(err, status, &loc, "%s", msg);
}

/* Splits one line [s, e) into fields; fills cells (owned strings) and
   their columns. Returns the number of fields, or -1 on ENOMEM. With
   cells NULL only counts. */
static int split(const char *s, const char *e, char **cells, int *cols,
                 int max) {
  int n = 0;
  const char *f = s;
  for (const char *p = s;; p++) {
    if (p == e || *p == '\t') {
      if (cells != NULL && n < max) {
        const char *a = f, *b = p;
        while (a < b && (*a == ' ' || *a == '\r')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\r')) b--;
        cells[n] = muskx__strndup(a, (size_t)(b - a));
        if (cells[n] == NULL) return -1;
        cols[n] = (int)(f - s) + 1;
      }
      n++;
      if (p == e) break;
      f = p + 1;
    }
  }
  return n;
}

static int blank(const char *s, const char *e) {
  for (; s < e; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r') return 0;
  return 1;
}

static muskx_status parse(muskx__tsv *t, const char *text, size_t len,
                          muskx_error *err) {
  muskx__loc loc = {t->path, 1, 1};
  const char *end = text + len, *s = text;
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3; /* a UTF-8 BOM */
  if (memchr(text, '\0', len) != NULL)
    return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                         "the table contains a NUL byte (not a text file?)");
  /* Header. */
  const char *e = memchr(s, '\n', (size_t)(end - s));
  if (e == NULL) e = end;
  if (blank(s, e))
    return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                         "the table is empty: the first line must be the "
                         "header (column names separated by tabs)");
  t->ncols = split(s, e, NULL, NULL, 0);
  t->header = muskx__calloc((size_t)t->ncols, sizeof *t->header);
  int *hcols = muskx__calloc((size_t)t->ncols, sizeof *hcols);
  if (t->header == NULL || hcols == NULL ||
      split(s, e, t->header, hcols, t->ncols) < 0) {
    muskx__free(hcols);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  for (int c = 0; c < t->ncols; c++) {
    loc.col = hcols[c];
    if (t->header[c][0] == '\0') {
      muskx__free(hcols);
      /* the tab that makes an empty last column cannot be seen */
      if (c == t->ncols - 1 && c > 0)
        return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                             "the header ends with a tab after '%s': column "
                             "%d has no name (remove the trailing tab)",
                             t->header[c - 1], c + 1);
      return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                           "column %d of the header has no name (two tabs "
                           "in a row, or a tab at its start)", c + 1);
    }
    for (int d = 0; d < c; d++)
      if (strcmp(t->header[c], t->header[d]) == 0) {
        muskx__free(hcols);
        return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                             "column '%s' appears twice in the header",
                             t->header[c]);
      }
  }
  muskx__free(hcols);
  /* Rows: the arrays grow by doubling as rows come (not newlines x
     header columns up front: a small file of many newlines under a wide
     header would reserve terabytes); every row holds ncols - 1 tabs, so
     the cells stay within the file's size. */
  size_t cap = 0;
  int lineno = 1;
  while (e < end) {
    s = e + 1;
    lineno++;
    e = memchr(s, '\n', (size_t)(end - s));
    if (e == NULL) e = end;
    if (blank(s, e)) continue;
    int n = split(s, e, NULL, NULL, 0);
    loc.line = lineno;
    if (n != t->ncols) {
      loc.col = 1;
      return muskx__seterr(err, MUSKX_ESYNTAX, &loc,
                           "malformed row: %d field%s, but the header has %d "
                           "columns (fields are separated by single tabs)",
                           n, n == 1 ? "" : "s", t->ncols);
    }
    if ((size_t)t->nrows == cap) {
      size_t nc = cap ? 2 * cap : 16;
      if (nc > (size_t)INT_MAX || nc > SIZE_MAX / (size_t)t->ncols)
        return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
      size_t ncells = nc * (size_t)t->ncols;
      char **cells = muskx__reallocarray(t->cells, ncells, sizeof *cells);
      if (cells == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
      t->cells = cells;
      int *col = muskx__reallocarray(t->col, ncells, sizeof *col);
      if (col == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
      t->col = col;
      int *line = muskx__reallocarray(t->line, nc, sizeof *line);
      if (line == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
      t->line = line;
      cap = nc;
    }
    size_t base = (size_t)t->nrows * (size_t)t->ncols;
    t->line[t->nrows] = lineno;
    /* cells of a row split stops in (out of memory) must be NULL */
    memset(t->cells + base, 0, (size_t)t->ncols * sizeof *t->cells);
    t->nrows++; /* before split: a partial row is freed with the table */
    if (split(s, e, t->cells + base, t->col + base, t->ncols) < 0)
      return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  return MUSKX_OK;
}

muskx_status muskx__tsv_read(const char *path, const muskx__folders *scope,
                             muskx__tsv *t, muskx_error *err) {
  memset(t, 0, sizeof *t);
  t->path = muskx__strdup(path);
  if (t->path == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  muskx__file_text ft;
  muskx__loc loc = {path, 0, 0};
  char why[512];
  muskx_status st = muskx__folders_read(scope, path, &ft, why, sizeof why);
  if (st == MUSKX_ENOMEM) return muskx__seterr(err, st, NULL, "out of memory");
  if (st == MUSKX_ELIMIT)
    return muskx__seterr(err, st, &loc, "table '%s' is larger than 16 MiB", path);
  if (st != MUSKX_OK)
    return muskx__seterr(err, st, &loc, "cannot read table '%s': %s", path, why);
  st = parse(t, ft.text, ft.len, err);
  muskx__free(ft.text);
  return st;
}
