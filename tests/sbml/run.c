/*
 * run.c -- the SBML Test Suite runner (issue 5): simulates every case of a
 * copy of the suite's semantic/ folder with its settings and compares with
 * the expected results by the suite's rule
 *     |expected - actual| <= absolute + relative * |expected|
 * at every reported time and for every variable.
 *
 *   build/tests/sbml_run [-v] [-r] CASES_DIR OUT_DIR [CASE...]
 *
 * -r (issue 18): each loaded translation is exported to SBML again
 * (OUT_DIR/NNNNN-export.xml), imported back and loaded, and that copy is
 * simulated: export -> import must give the suite's results too.
 * Per case it prints one line, "NNNNN pass", "NNNNN fail <variable> at
 * t=<time> (expected E, got A)" or "NNNNN skip <tag or reason>", and
 * writes OUT_DIR/NNNNN.csv with exactly the header and times of the
 * case's NNNNN-results.csv, so any other program can compare. The last
 * line is "N passed, N failed, N skipped". Exit status 1 if any failed.
 *
 * A case is skipped, never special-cased by number: (1) when its
 * NNNNN-model.m names a test or component tag this engine does not
 * support (UNSUPPORTED_TAGS below), or (2) when the translator refuses a
 * construct with EUNSUPPORTED (the reason is printed). The same code path
 * as `muskx import` + `muskx simulate` runs every model: translation to
 * muskx YAML, the normal loader, CVODE with tolerances far tighter than
 * the suite's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "muskx.h"
#include "sbml.h"

/* Tags whose semantics the engine lacks; a case naming one is skipped
   (see tests/sbml/RESULTS.md and the issue 5 report). */
static const char *const UNSUPPORTED_TAGS[] = {
    "fbc:",            /* flux balance: an LP, not a time course */
    "RandomEventExecution", /* simultaneous events of equal priority must
                               fire in random order; ours fire in file order */
    NULL,
};

#define MAX_COLS 512
#define MAX_LINE 65536

typedef struct settings {
  double start, duration, absolute, relative;
  long steps;
  char *amount, *concentration; /* comma lists, as written */
} settings;

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 4096, n = 0;
  char *s = malloc(cap);
  if (s == NULL) {
    fclose(f);
    return NULL;
  }
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap *= 2;
      char *p = realloc(s, cap);
      if (p == NULL) {
        free(s);
        fclose(f);
        return NULL;
      }
      s = p;
    }
    size_t r = fread(s + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
  }
  fclose(f);
  s[n] = '\0';
  return s;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
  return s;
}

/* The value of "key:" in a settings file ("" when absent). */
static const char *setting(char *text, const char *key, char *buf, size_t size) {
  size_t kl = strlen(key);
  buf[0] = '\0';
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    if (len > kl && strncmp(line, key, kl) == 0 && line[kl] == ':') {
      size_t vl = len - kl - 1;
      if (vl >= size) vl = size - 1;
      memcpy(buf, line + kl + 1, vl);
      buf[vl] = '\0';
      char *t = trim(buf);
      memmove(buf, t, strlen(t) + 1);
      return buf;
    }
    line = nl ? nl + 1 : NULL;
  }
  return buf;
}

/* Is name in the comma-separated list? */
static int in_list(const char *list, const char *name) {
  size_t nl = strlen(name);
  const char *p = list;
  while (*p) {
    while (*p == ' ' || *p == ',') p++;
    const char *q = p;
    while (*q && *q != ',') q++;
    const char *e = q;
    while (e > p && e[-1] == ' ') e--;
    if ((size_t)(e - p) == nl && strncmp(p, name, nl) == 0) return 1;
    p = q;
  }
  return 0;
}

/* The first unsupported tag named in the case's model.m, or NULL. */
static const char *unsupported_tag(const char *mfile, char *buf, size_t size) {
  char *text = slurp(mfile);
  if (text == NULL) return NULL;
  const char *found = NULL;
  static const char *const keys[] = {"componentTags:", "testTags:", "testType:"};
  for (size_t k = 0; k < 3 && !found; k++) {
    char *p = strstr(text, keys[k]);
    if (p == NULL) continue;
    p += strlen(keys[k]);
    char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char line[1024];
    if (len >= sizeof line) len = sizeof line - 1;
    memcpy(line, p, len);
    line[len] = '\0';
    if (k == 2) {
      if (strstr(line, "TimeCourse") == NULL) {
        snprintf(buf, size, "%s", trim(line));
        found = buf;
      }
      continue;
    }
    for (char *tok = strtok(line, ", \t\r"); tok && !found; tok = strtok(NULL, ", \t\r"))
      for (size_t u = 0; UNSUPPORTED_TAGS[u]; u++) {
        size_t ul = strlen(UNSUPPORTED_TAGS[u]);
        int prefix = UNSUPPORTED_TAGS[u][ul - 1] == ':';
        if (prefix ? strncmp(tok, UNSUPPORTED_TAGS[u], ul) == 0
                   : strcmp(tok, UNSUPPORTED_TAGS[u]) == 0) {
          snprintf(buf, size, "%s", tok);
          found = buf;
          break;
        }
      }
  }
  free(text);
  return found;
}

/* l3v2 if present, else the highest level and version. */
static int pick_sbml(const char *dir, const char *id, char *out, size_t size) {
  static const char *const lv[] = {"l3v2", "l3v1", "l2v5", "l2v4", "l2v3",
                                   "l2v2", "l2v1", "l1v2", "l1v1"};
  struct stat st;
  for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++) {
    snprintf(out, size, "%s/%s/%s-sbml-%s.xml", dir, id, id, lv[i]);
    if (stat(out, &st) == 0) return 0;
  }
  return -1;
}

/* Splits a CSV line in place (no quoting in the suite's files). */
static int split(char *line, char **f, int max) {
  int n = 0;
  char *p = trim(line);
  while (n < max) {
    f[n++] = p;
    char *c = strchr(p, ',');
    if (c == NULL) break;
    *c = '\0';
    p = c + 1;
  }
  for (int i = 0; i < n; i++) f[i] = trim(f[i]);
  return n;
}

static double parse_value(const char *s) {
  if (strcasecmp(s, "nan") == 0) return NAN;
  if (strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0) return INFINITY;
  if (strcasecmp(s, "-inf") == 0 || strcasecmp(s, "-infinity") == 0) return -INFINITY;
  return strtod(s, NULL);
}

typedef enum { R_PASS, R_FAIL, R_SKIP } outcome;

/* The round trip of -r: m exported to SBML (OUT_DIR/NNNNN-export.xml),
   translated back without report ids (the report outputs are outputs of
   m, which the export keeps) and loaded; NULL (why says so) on failure. */
static muskx_model *round_trip(const muskx_model *m, const char *outdir,
                               const char *id, char *why, size_t whysize) {
  char path[4096], *yaml = NULL, e[2048];
  muskx_error err;
  muskx_model *copy = NULL;
  snprintf(path, sizeof path, "%s/%s-export.xml", outdir, id);
  if (muskx_model_export_sbml(m, path, NULL, &err) != MUSKX_OK) {
    snprintf(why, whysize, "export: %s", muskx_error_format(&err, e, sizeof e));
    return NULL;
  }
  if (muskx__sbml_translate(path, NULL, 0, NULL, &yaml, &err) != MUSKX_OK) {
    snprintf(why, whysize, "re-import: %s", muskx_error_format(&err, e, sizeof e));
    return NULL;
  }
  if (muskx_model_load_string(yaml, strlen(yaml), path, &copy, &err) != MUSKX_OK)
    snprintf(why, whysize, "re-import does not load: %s (line %d)", err.message, err.line);
  muskx_free_string(yaml);
  return copy;
}

static outcome run_case(const char *dir, const char *outdir, const char *id,
                        int verbose, int roundtrip, char *why, size_t whysize) {
  char path[4096], buf[MAX_LINE];
  snprintf(path, sizeof path, "%s/%s/%s-model.m", dir, id, id);
  char tagbuf[256];
  const char *tag = unsupported_tag(path, tagbuf, sizeof tagbuf);
  if (tag != NULL) {
    snprintf(why, whysize, "%s", tag);
    return R_SKIP;
  }
  snprintf(path, sizeof path, "%s/%s/%s-settings.txt", dir, id, id);
  char *stext = slurp(path);
  if (stext == NULL) {
    snprintf(why, whysize, "no settings file");
    return R_FAIL;
  }
  settings S;
  S.start = strtod(setting(stext, "start", buf, sizeof buf), NULL);
  S.duration = strtod(setting(stext, "duration", buf, sizeof buf), NULL);
  S.steps = strtol(setting(stext, "steps", buf, sizeof buf), NULL, 10);
  S.absolute = strtod(setting(stext, "absolute", buf, sizeof buf), NULL);
  S.relative = strtod(setting(stext, "relative", buf, sizeof buf), NULL);
  S.amount = strdup(setting(stext, "amount", buf, sizeof buf));
  S.concentration = strdup(setting(stext, "concentration", buf, sizeof buf));
  free(stext);

  /* expected results: header and rows */
  snprintf(path, sizeof path, "%s/%s/%s-results.csv", dir, id, id);
  char *rtext = slurp(path);
  char *sbml = malloc(4096);
  char *yaml = NULL;
  char **times_text = NULL;
  double *expected = NULL, *times = NULL, *out = NULL;
  char *cols[MAX_COLS], *header = NULL;
  int ncols = 0;
  size_t nrows = 0;
  muskx_model *m = NULL;
  muskx_sim *sim = NULL;
  outcome res = R_FAIL;
  const char **ids = NULL;
  muskx__sbml_measure *measure = NULL;
  if (rtext == NULL || sbml == NULL || S.amount == NULL || S.concentration == NULL) {
    snprintf(why, whysize, "no results file");
    goto done;
  }
  {
    char *save = NULL;
    char *line = strtok_r(rtext, "\n", &save);
    if (line == NULL) {
      snprintf(why, whysize, "empty results file");
      goto done;
    }
    header = strdup(trim(line));
    char *hcopy = strdup(header);
    ncols = split(hcopy, cols, MAX_COLS);
    for (int c = 0; c < ncols; c++) cols[c] = strdup(cols[c]);
    free(hcopy);
    size_t cap = 64;
    expected = malloc(cap * (size_t)ncols * sizeof *expected);
    times_text = malloc(cap * sizeof *times_text);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
      char *f[MAX_COLS];
      if (trim(line)[0] == '\0') continue;
      int nf = split(line, f, MAX_COLS);
      if (nf != ncols) {
        snprintf(why, whysize, "results row %zu has %d fields, header %d", nrows + 1, nf, ncols);
        goto done;
      }
      if (nrows == cap) {
        cap *= 2;
        expected = realloc(expected, cap * (size_t)ncols * sizeof *expected);
        times_text = realloc(times_text, cap * sizeof *times_text);
      }
      times_text[nrows] = strdup(f[0]);
      for (int c = 0; c < ncols; c++) expected[nrows * (size_t)ncols + (size_t)c] = parse_value(f[c]);
      nrows++;
    }
  }
  if (nrows == 0 || ncols < 1) {
    snprintf(why, whysize, "no expected rows");
    goto done;
  }
  /* the times: start + i * duration / steps, as the settings say */
  times = malloc(nrows * sizeof *times);
  for (size_t i = 0; i < nrows; i++)
    times[i] = S.start + (double)i * S.duration / (double)(S.steps > 0 ? S.steps : 1);

  if (pick_sbml(dir, id, sbml, 4096) != 0) {
    snprintf(why, whysize, "no SBML file");
    goto done;
  }
  int nrep = ncols - 1;
  ids = calloc((size_t)nrep + 1, sizeof *ids);
  measure = calloc((size_t)nrep + 1, sizeof *measure);
  for (int c = 1; c < ncols; c++) {
    ids[c - 1] = cols[c];
    measure[c - 1] = in_list(S.amount, cols[c])          ? MUSKX__SBML_AMOUNT
                     : in_list(S.concentration, cols[c]) ? MUSKX__SBML_CONCENTRATION
                                                         : MUSKX__SBML_NATURAL;
  }
  muskx__sbml_opts opts = {ids, measure, nrep, -1};
  muskx_error err;
  muskx_status st = muskx__sbml_translate(sbml, NULL, 0, &opts, &yaml, &err);
  if (st == MUSKX_EUNSUPPORTED) {
    snprintf(why, whysize, "%s", err.message);
    res = R_SKIP;
    goto done;
  }
  if (st != MUSKX_OK) {
    char e[2048];
    snprintf(why, whysize, "translate: %s", muskx_error_format(&err, e, sizeof e));
    goto done;
  }
  if (verbose) fprintf(stderr, "---- %s\n%s", id, yaml);
  st = muskx_model_load_string(yaml, strlen(yaml), sbml, &m, &err);
  if (st == MUSKX_EUNSUPPORTED) { /* an engine limit, named by the loader */
    snprintf(why, whysize, "%s", err.message);
    res = R_SKIP;
    goto done;
  }
  if (st != MUSKX_OK) {
    snprintf(why, whysize, "load: %s (line %d)", err.message, err.line);
    goto done;
  }
  if (roundtrip) {
    muskx_model *copy = round_trip(m, outdir, id, why, whysize);
    muskx_model_free(m);
    if ((m = copy) == NULL) goto done;
  }
  if ((st = muskx_sim_create(m, &sim)) != MUSKX_OK) {
    snprintf(why, whysize, "sim_create: %s", sim ? muskx_sim_errmsg(sim) : muskx_strerror(st));
    goto done;
  }
  /* Far tighter than the suite's absolute/relative, so only a semantic
     difference can fail a case. */
  muskx_sim_set_tolerances(sim, 1e-10, 1e-14);
  muskx_sim_set_max_steps(sim, 1000000);
  int nsc = muskx_sim_ncols(sim);
  int nsp = muskx_model_count(m, MUSKX_SPECIES);
  out = calloc(nrows * (size_t)nsc + 1, sizeof *out);
  size_t done_rows = 0;
  st = muskx_sim_run(sim, times, nrows, out, &done_rows);
  if (st != MUSKX_OK) {
    snprintf(why, whysize, "run: %s", muskx_sim_errmsg(sim));
  }

  /* write OUT_DIR/NNNNN.csv: the expected header and times */
  snprintf(path, sizeof path, "%s/%s.csv", outdir, id);
  FILE *fo = fopen(path, "w");
  if (fo != NULL) {
    fprintf(fo, "%s\n", header);
    for (size_t i = 0; i < done_rows; i++) {
      fputs(times_text[i], fo);
      for (int c = 1; c < ncols; c++)
        fprintf(fo, ",%.17g", out[i * (size_t)nsc + (size_t)(nsp + c - 1)]);
      fputc('\n', fo);
    }
    fclose(fo);
  }
  if (st != MUSKX_OK) goto done;

  /* compare */
  double worst = 0;
  int wc = -1;
  size_t wr = 0;
  for (size_t i = 0; i < nrows; i++)
    for (int c = 1; c < ncols; c++) {
      double e = expected[i * (size_t)ncols + (size_t)c];
      double a = out[i * (size_t)nsc + (size_t)(nsp + c - 1)];
      double bad;
      if (isnan(e)) bad = isnan(a) ? 0 : INFINITY;
      else if (isinf(e)) bad = a == e ? 0 : INFINITY;
      else if (!isfinite(a)) bad = INFINITY;
      else bad = fabs(e - a) / (S.absolute + S.relative * fabs(e));
      if (bad > 1 && bad > worst) {
        worst = bad;
        wc = c;
        wr = i;
      }
    }
  if (wc < 0) {
    res = R_PASS;
  } else {
    snprintf(why, whysize, "%s at t=%s (expected %.10g, got %.10g)", cols[wc],
             times_text[wr], expected[wr * (size_t)ncols + (size_t)wc],
             out[wr * (size_t)nsc + (size_t)(nsp + wc - 1)]);
  }
done:
  muskx_sim_free(sim);
  muskx_model_free(m);
  muskx_free_string(yaml);
  free(out);
  free(times);
  free(expected);
  for (size_t i = 0; i < nrows && times_text; i++) free(times_text[i]);
  free(times_text);
  for (int c = 0; c < ncols; c++) free(cols[c]);
  free(header);
  free(ids);
  free(measure);
  free(rtext);
  free(sbml);
  free(S.amount);
  free(S.concentration);
  return res;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int verbose = 0, roundtrip = 0, a = 1;
  for (; a < argc && argv[a][0] == '-' && argv[a][1] != '\0'; a++) {
    if (strcmp(argv[a], "-v") == 0) verbose = 1;
    else if (strcmp(argv[a], "-r") == 0) roundtrip = 1;
    else break;
  }
  if (argc - a < 2) {
    fprintf(stderr, "usage: %s [-v] [-r] CASES_DIR OUT_DIR [CASE...]\n", argv[0]);
    return 2;
  }
  const char *dir = argv[a], *outdir = argv[a + 1];
  a += 2;
  if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "cannot create %s: %s\n", outdir, strerror(errno));
    return 2;
  }
  char **cases = NULL;
  size_t n = 0;
  if (a < argc) {
    cases = calloc((size_t)(argc - a), sizeof *cases);
    for (; a < argc; a++) {
      char id[16];
      snprintf(id, sizeof id, "%05ld", strtol(argv[a], NULL, 10));
      cases[n++] = strdup(id);
    }
  } else {
    /* every NNNNN folder */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls '%s'", dir);
    FILE *p = popen(cmd, "r");
    char line[256];
    size_t cap = 0;
    while (p && fgets(line, sizeof line, p)) {
      char *t = trim(line);
      if (strlen(t) != 5 || strspn(t, "0123456789") != 5) continue;
      if (n == cap) {
        cap = cap ? cap * 2 : 1024;
        cases = realloc(cases, cap * sizeof *cases);
      }
      cases[n++] = strdup(t);
    }
    if (p) pclose(p);
    qsort(cases, n, sizeof *cases, cmp_str);
  }
  int passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    char why[2048] = "";
    outcome r = run_case(dir, outdir, cases[i], verbose, roundtrip, why, sizeof why);
    switch (r) {
      case R_PASS: printf("%s pass\n", cases[i]); passed++; break;
      case R_FAIL: printf("%s fail %s\n", cases[i], why); failed++; break;
      case R_SKIP: printf("%s skip %s\n", cases[i], why); skipped++; break;
    }
    fflush(stdout);
    free(cases[i]);
  }
  free(cases);
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
