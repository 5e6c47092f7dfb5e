/*
 * ens_args.c -- the command-line pieces `muskx ensemble` and `muskx gsa`
 * share (ens_args.h), so that both read them, and fail, alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ens_args.h"

int cli_vary_add(const cli_command *self, const char *arg, cli_vary **list,
                 size_t *n) {
  cli_vary *v = realloc(*list, (*n + 1) * sizeof *v);
  int r;
  if (v == NULL) return CLI_EXIT_FAIL;
  *list = v;
  memset(&v[*n], 0, sizeof *v);
  r = cli_vary_parse(self, arg, &v[*n]);
  (*n)++;
  return r;
}

int cli_parse_seed(const cli_command *self, const char *s,
                   unsigned long long *seed) {
  char *end;
  errno = 0;
  if (s[0] < '0' || s[0] > '9')
    return cli_usage_error(self, "--seed must be an integer >= 0, not '%s'",
                           s);
  *seed = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return cli_usage_error(self, "--seed must be an integer >= 0, not '%s'",
                           s);
  return 0;
}

int cli_parse_threads(const cli_command *self, const char *opt, const char *s,
                      long *threads) {
  if (cli_parse_positive_long(self, opt, s, threads) != 0)
    return CLI_EXIT_USAGE;
  if (*threads > 1024)
    return cli_usage_error(self, "--threads %ld: at most 1024", *threads);
  return 0;
}

int cli_scenario_load_set(const char *path, const cli_settings *settings,
                          muskx_scenario **sc) {
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  memset(&err, 0, sizeof err);
  if (cli_scenario_load(path, sc, &err) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
    return CLI_EXIT_FAIL;
  }
  for (size_t i = 0; i < settings->n; i++) {
    const cli_setting *it = &settings->items[i];
    char name[512];
    if (it->name_len >= sizeof name) return CLI_EXIT_USAGE;
    memcpy(name, it->name, it->name_len);
    name[it->name_len] = '\0';
    if (muskx_scenario_set(*sc, name, it->value) != MUSKX_OK) {
      fprintf(stderr, "%s: --set %s: %s\n", path, it->arg,
              muskx_scenario_errmsg(*sc));
      return CLI_EXIT_FAIL;
    }
  }
  cli_scenario_warnings(*sc);
  return -1;
}

int cli_native_cache_dir(char *dir, size_t n) {
  const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
  char parent[4096];
  if (x != NULL && x[0] == '/')
    snprintf(parent, sizeof parent, "%s", x);
  else if (h != NULL && h[0] == '/')
    snprintf(parent, sizeof parent, "%s/.cache", h);
  else
    return -1;
  if ((size_t)snprintf(dir, n, "%s/muskx", parent) >= n) return -1;
  mkdir(parent, 0700);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

void cli_ens_native(muskx_ensemble *ens, const char *arg, size_t members,
                    int quiet) {
  if (arg != NULL && strcmp(arg, "off") == 0) return;
  if (arg == NULL || strcmp(arg, "auto") == 0) {
    if (members < AUTO_NATIVE_MIN) return;
    arg = "cc";
  }
  char dir[4200];
  int cached = cli_native_cache_dir(dir, sizeof dir) == 0;
  if (muskx_ensemble_set_native(ens, arg, cached ? dir : NULL) != MUSKX_OK &&
      !quiet)
    fprintf(stderr, "muskx: note: %s\n", muskx_ensemble_errmsg(ens));
}

void cli_petab_native(muskx_petab *pb, const char *arg, int by_default) {
  if (arg != NULL && strcmp(arg, "off") == 0) return;
  if (arg == NULL || strcmp(arg, "auto") == 0) {
    if (!by_default) return;
    arg = "cc";
  }
  char dir[4200];
  int cached = cli_native_cache_dir(dir, sizeof dir) == 0;
  muskx_error err;
  if (muskx_petab_set_native(pb, arg, cached ? dir : NULL, &err) != MUSKX_OK)
    fprintf(stderr, "muskx: note: %s\n", err.message);
}
