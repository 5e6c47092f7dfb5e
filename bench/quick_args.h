/*
 * quick_args.h -- the command line shared by bench_dosing and bench_crew:
 *
 *   PROG [--quick] [--tsv FILE]
 *
 * --quick: the short runs (each program says which); --tsv FILE: also
 * write the results as a table to FILE. Anything else prints the usage
 * line to stderr.
 */
#ifndef BENCH_QUICK_ARGS_H
#define BENCH_QUICK_ARGS_H

#include <stdio.h>
#include <string.h>

/* Parses argv into *quick (0 or 1) and *tsv (NULL when not given).
   Returns 0, or 2 (the exit status) after printing the usage of prog. */
static inline int bench_quick_args(int argc, char **argv, const char *prog,
                                   int *quick, const char **tsv) {
  *quick = 0;
  *tsv = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) *quick = 1;
    else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc) *tsv = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--quick] [--tsv FILE]\n", prog);
      return 2;
    }
  }
  return 0;
}

#endif
