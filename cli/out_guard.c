/*
 * out_guard.c -- which files an output of a run may not replace: an input
 * of the run (the model and the files it imports, the scenario, a PEtab
 * problem and its tables) or another output of the same run. The atomic
 * writing itself is in util.c (cli_out_open/commit).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath() */
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "scenario_cli.h"

/* 1 when a and b name the same file (both exist). */
static int same_file(const struct stat *a, const char *b) {
  struct stat sb;
  return b != NULL && stat(b, &sb) == 0 && sb.st_dev == a->st_dev &&
         sb.st_ino == a->st_ino;
}

int cli_out_not_input(const char *path, const char *input, const muskx_model *m) {
  struct stat out;
  if (path == NULL || strcmp(path, "-") == 0 || stat(path, &out) != 0 ||
      !S_ISREG(out.st_mode))
    return 0;
  const char *hit = same_file(&out, input) ? input : NULL;
  for (int i = 0; hit == NULL && m != NULL && i < muskx_model_file_count(m); i++)
    if (same_file(&out, muskx_model_file(m, i))) hit = muskx_model_file(m, i);
  if (hit == NULL) return 0;
  cli_error("refusing to write '%s': it is '%s', an input of this run", path, hit);
  return -1;
}

/* 1 when the outputs a and b are one file: the same file when both
   exist, else the same folder (realpath) and the same base name. */
static int same_target(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
  ba = ba != NULL ? ba + 1 : a;
  bb = bb != NULL ? bb + 1 : b;
  if (strcmp(ba, bb) != 0) return 0;
  char da[PATH_MAX], db[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
  snprintf(da, sizeof da, "%.*s", ba == a ? 1 : (int)(ba - a), ba == a ? "." : a);
  snprintf(db, sizeof db, "%.*s", bb == b ? 1 : (int)(bb - b), bb == b ? "." : b);
  if (realpath(da, ra) == NULL || realpath(db, rb) == NULL)
    return strcmp(a, b) == 0;
  return strcmp(ra, rb) == 0;
}

int cli_outs_distinct(const cli_command *cmd, int n, const char *const *opts,
                      const char *const *paths) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      const char *a = paths[i], *b = paths[j];
      if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0') continue;
      int out_a = strcmp(a, "-") == 0, out_b = strcmp(b, "-") == 0;
      if (out_a != out_b) continue;
      if (out_a ? 1 : same_target(a, b))
        return cli_usage_error(cmd, "%s '%s' and %s '%s' are the same file: "
                               "one would replace the other", opts[i], a,
                               opts[j], b);
    }
  return 0;
}

int cli_out_not_petab_input(const char *path, const char *problem,
                            const muskx_petab *pb) {
  struct stat out;
  if (cli_out_not_input(path, problem, muskx_petab_model(pb)) != 0) return -1;
  if (path == NULL || strcmp(path, "-") == 0 || stat(path, &out) != 0 ||
      !S_ISREG(out.st_mode))
    return 0;
  /* the tables (muskx_petab_file 1, 3, 4, 5; the model, 2, was checked
     above with every file it imports), named as the problem names them */
  const char *slash = strrchr(problem, '/');
  size_t dirlen = slash == NULL ? 0 : (size_t)(slash - problem) + 1;
  for (int i = 1; muskx_petab_file(pb, i) != NULL; i++) {
    const char *table = muskx_petab_file(pb, i);
    if (i == 2 || !same_file(&out, table)) continue;
    if (dirlen > 0 && strncmp(table, problem, dirlen) == 0) table += dirlen;
    cli_error("refusing to write '%s': it is the PEtab table '%s' of '%s', "
              "an input of this run", path, table, problem);
    return -1;
  }
  return 0;
}

int cli_out_not_srun_input(const char *path, const cli_srun *runs, int nruns) {
  for (int i = 0; i < nruns; i++)
    if (cli_out_not_input(path, runs[i].path,
                          runs[i].sc ? muskx_scenario_model(runs[i].sc) : NULL) != 0)
      return -1;
  return 0;
}
