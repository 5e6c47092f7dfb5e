/*
 * ens_args.h -- what `muskx ensemble` (cmd_ensemble.c) and `muskx gsa`
 * (cmd_gsa.c) read the same way: a --vary list, --seed, --threads, and a
 * scenario loaded with --set applied to it.
 */
#ifndef MUSKX_ENS_ARGS_H
#define MUSKX_ENS_ARGS_H

#include <stddef.h>

#include "cli.h"
#include "param_draws.h"

/* Appends one --vary NAME=DIST(A,B) to *list (*n grows even on a parse
   error, so that cli_vary's name is freed with the list). 0, or an exit
   status. */
int cli_vary_add(const cli_command *self, const char *arg, cli_vary **list,
                 size_t *n);
/* --seed S: an integer >= 0. 0, or an exit status after a usage error. */
int cli_parse_seed(const cli_command *self, const char *s,
                   unsigned long long *seed);
/* --threads K: 1 to 1024. 0, or an exit status after a usage error. */
int cli_parse_threads(const cli_command *self, const char *opt, const char *s,
                      long *threads);
/* Loads the scenario at path into *sc and applies each --set to it. -1 to
   go on, or an exit status after printing why. */
int cli_scenario_load_set(const char *path, const cli_settings *settings,
                          muskx_scenario **sc);
/* --native CC|auto|off: native code for the members (muskx_ensemble_set_
   native) with the compiler CC, cached in $XDG_CACHE_HOME/muskx or
   ~/.cache/muskx (created, mode 0700). "auto" (NULL) means "cc" from
   AUTO_NATIVE_MIN members on, where the compiler's one-off second (then
   cached) is paid back. Never fails: without native code the VM runs the
   members, and unless quiet a note says why. */
#define AUTO_NATIVE_MIN 500
void cli_ens_native(muskx_ensemble *ens, const char *arg, size_t members,
                    int quiet);
/* $XDG_CACHE_HOME/muskx or $HOME/.cache/muskx, created; 0 or -1. */
int cli_native_cache_dir(char *dir, size_t n);
/* --native CC|auto|off for a PEtab problem (muskx_petab_set_native), cached
   as above; "auto" (NULL) is "cc" when by_default, else off. Never fails:
   without native code the VM runs the simulations (same results), and a
   note on stderr says why. */
void cli_petab_native(muskx_petab *pb, const char *arg, int by_default);

#endif
