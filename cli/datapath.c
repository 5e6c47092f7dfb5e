/*
 * datapath.c -- finds shipped models and scenarios by name, so that
 * `muskx run iss_exercise` or `muskx check spaceflight` works after
 * `make install` from any folder (muskx(1), DATA FILES).
 *
 * A name is looked up only when it has no '/' and no file of that name
 * exists: a path the user wrote always means that path. The data roots,
 * in order:
 *   1. each folder of MUSKX_DATA_PATH (colon-separated);
 *   2. <folder of the muskx executable>/../share/muskx (a moved prefix);
 *   3. MUSKX_DATADIR, fixed at build time ($(PREFIX)/share/muskx);
 *   4. <folder of the muskx executable>/.. (build/muskx in a checkout).
 * In a root R, a scenario NAME is R/scenarios/NAME.yaml and a model NAME is
 * R/models/NAME.yaml or R/models/<group>/NAME.yaml (.xml for SBML); the
 * name may already end in .yaml or .xml.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef MUSKX_DATADIR
#define MUSKX_DATADIR "/usr/local/share/muskx"
#endif

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* DIR/NAME, DIR/NAME.yaml, DIR/NAME.xml (the first that is a file). */
static int try_in(const char *dir, const char *name, char *out, size_t n) {
  static const char *const ext[] = {"", ".yaml", ".xml"};
  int bare = has_suffix(name, ".yaml") || has_suffix(name, ".xml");
  size_t i;
  for (i = 0; i < (bare ? 1u : 3u); i++) {
    int k = snprintf(out, n, "%s/%s%s", dir, name, ext[i]);
    if (k > 0 && (size_t)k < n && is_file(out)) return 1;
  }
  return 0;
}

/* R/models/NAME or R/models/<group>/NAME, groups in name order. */
static int try_models(const char *root, const char *name, char *out,
                      size_t n) {
  char dir[4096];
  struct dirent **list = NULL;
  int k, count, found = 0;
  if (snprintf(dir, sizeof dir, "%s/models", root) >= (int)sizeof dir)
    return 0;
  if (try_in(dir, name, out, n)) return 1;
  count = scandir(dir, &list, NULL, alphasort);
  for (k = 0; k < count; k++) {
    char sub[4096];
    if (!found && list[k]->d_name[0] != '.' &&
        snprintf(sub, sizeof sub, "%s/%s", dir, list[k]->d_name) <
            (int)sizeof sub &&
        is_dir(sub) && try_in(sub, name, out, n))
      found = 1;
    free(list[k]);
  }
  free(list);
  return found;
}

static int try_root(const char *root, const char *name, cli_data_kind kind,
                    char *out, size_t n) {
  char dir[4096];
  if (!is_dir(root)) return 0;
  if (snprintf(dir, sizeof dir, "%s/scenarios", root) >= (int)sizeof dir)
    return 0;
  if (kind == CLI_DATA_SCENARIO) return try_in(dir, name, out, n);
  return try_models(root, name, out, n);
}

/* <folder of /proc/self/exe>/<rel>, or "" when unknown. */
static void exe_relative(const char *rel, char *out, size_t n) {
  char exe[4096];
  ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
  char *slash;
  out[0] = '\0';
  if (k <= 0) return;
  exe[k] = '\0';
  slash = strrchr(exe, '/');
  if (slash == NULL) return;
  *slash = '\0';
  if (snprintf(out, n, "%s/%s", exe, rel) >= (int)n) out[0] = '\0';
}

static void exe_root(char *out, size_t n) {
  exe_relative("../share/muskx", out, n);
}

int cli_data_find(const char *name, cli_data_kind kind, char *out, size_t n,
                  char *root, size_t root_n) {
  char exe[4096];
  const char *env = getenv("MUSKX_DATA_PATH");
  if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
      strcmp(name, "-") == 0 || is_file(name))
    return 0;
  while (env != NULL && *env != '\0') {
    const char *colon = strchr(env, ':');
    size_t len = colon ? (size_t)(colon - env) : strlen(env);
    if (len > 0 && len < root_n) {
      memcpy(root, env, len);
      root[len] = '\0';
      if (try_root(root, name, kind, out, n)) return 1;
    }
    env = colon ? colon + 1 : NULL;
  }
  exe_root(exe, sizeof exe);
  if (exe[0] != '\0' && snprintf(root, root_n, "%s", exe) < (int)root_n &&
      try_root(root, name, kind, out, n))
    return 1;
  if (snprintf(root, root_n, "%s", MUSKX_DATADIR) < (int)root_n &&
      try_root(root, name, kind, out, n))
    return 1;
  exe_relative("..", exe, sizeof exe);
  if (exe[0] != '\0' && snprintf(root, root_n, "%s", exe) < (int)root_n &&
      try_root(root, name, kind, out, n))
    return 1;
  return 0;
}

void cli_data_hint(const char *name, cli_data_kind kind) {
  char exe[4096];
  const char *env = getenv("MUSKX_DATA_PATH");
  if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
      strcmp(name, "-") == 0 || is_file(name) || is_dir(name))
    return; /* a folder is here: the error about it is enough */
  exe_root(exe, sizeof exe);
  fprintf(stderr,
          "muskx: '%s' is no file here, nor a shipped %s of that name in "
          "MUSKX_DATA_PATH (%s), %s, %s or the source tree\n",
          name, kind == CLI_DATA_SCENARIO ? "scenario" : "model",
          env && *env ? env : "unset", exe[0] ? exe : "<exe>/../share/muskx",
          MUSKX_DATADIR);
}
