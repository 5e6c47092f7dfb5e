/*
 * ens_threshold.c -- the fraction of members crossing a threshold
 * (ens_threshold.h). The interval is Wilson's score interval (Wilson 1927,
 * J Am Stat Assoc 22:209-212), which unlike the normal approximation
 * stays inside [0, 1] and behaves at fractions near 0 or 1 -- the usual
 * case for "how many fall below osteopenia".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ens_threshold.h"

#define Z95 1.959963984540054 /* the 97.5 % point of N(0, 1) */

static const char *op_text(int op) {
  return op == '<' ? "<" : op == '>' ? ">" : op == 'l' ? "<=" : ">=";
}

static int parse_one(cli_ens *job, const cli_command *self, const char *arg,
                     cli_threshold *th) {
  const char *rest;
  int rc = cli_phase_point_parse(self, job->sc, arg, "<>=", &th->at, &rest);
  if (rc != 0) return rc;
  if (rest[0] != '<' && rest[0] != '>')
    return cli_usage_error(self, "--threshold '%s': expected NAME@WHEN<VALUE "
                           "(or >, <=, >=)", arg);
  th->op = rest[0];
  rest++;
  if (rest[0] == '=') {
    th->op = th->op == '<' ? 'l' : 'g';
    rest++;
  }
  char *end;
  th->value = strtod(rest, &end);
  if (end == rest || *end != '\0' || !isfinite(th->value))
    return cli_usage_error(self, "--threshold '%s': '%s' is not a finite "
                           "number", arg, rest);
  th->col = -1;
  for (int c = 0; c < muskx_ensemble_ncols(job->ens); c++)
    if (strcmp(muskx_ensemble_column_name(job->ens, c), th->at.name) == 0)
      th->col = c;
  if (th->col < 0)
    return cli_usage_error(self, "--threshold '%s': '%s' is not a reported "
                           "column (add it with --columns)", arg,
                           th->at.name);
  /* phase ends are sample times; a day between them takes the next one */
  th->row = 0;
  while (th->row + 1 < job->ntimes && job->times[th->row] < th->at.day)
    th->row++;
  return 0;
}

int cli_thresholds_prepare(cli_ens *job, const cli_command *self) {
  if (job->nthresholds == 0) return -1;
  if (job->sc == NULL)
    return cli_usage_error(self, "--threshold needs a scenario (its phases "
                           "say when)");
  job->thresholds = calloc(job->nthresholds, sizeof *job->thresholds);
  if (job->thresholds == NULL) return CLI_EXIT_FAIL;
  for (size_t i = 0; i < job->nthresholds; i++) {
    int rc = parse_one(job, self, job->threshold_args[i], &job->thresholds[i]);
    if (rc != 0) return rc;
  }
  return -1;
}

static int crosses(const cli_threshold *th, double v) {
  switch (th->op) {
    case '<': return v < th->value;
    case '>': return v > th->value;
    case 'l': return v <= th->value;
    default: return v >= th->value;
  }
}

void cli_thresholds_count(cli_ens *job, size_t i, double v) {
  cli_threshold *th = &job->thresholds[i];
  if (isnan(v)) return; /* a member that failed */
  th->n++;
  th->x += (size_t)crosses(th, v);
}

double cli_threshold_value(const cli_ens *job, size_t i, const double *traj) {
  const cli_threshold *th = &job->thresholds[i];
  return traj[th->row * (size_t)muskx_ensemble_ncols(job->ens) +
              (size_t)th->col];
}

void cli_thresholds_report(const cli_ens *job) {
  for (size_t i = 0; i < job->nthresholds; i++) {
    const cli_threshold *th = &job->thresholds[i];
    size_t n = th->n, x = th->x;
    if (n == 0) {
      fprintf(stderr, "%s: threshold %s: no member succeeded\n", job->path,
              th->at.arg);
      continue;
    }
    double p = (double)x / (double)n, z2 = Z95 * Z95, nn = (double)n;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = Z95 / (1 + z2 / nn) *
                  sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    fprintf(stderr,
            "%s: threshold %s@%g d %s %g: %zu of %zu members (%.2f %%; 95 %% "
            "Wilson interval %.2f-%.2f %%)\n",
            job->path, th->at.name, job->times[th->row], op_text(th->op),
            th->value, x, n, 100 * p, 100 * fmax(0, centre - half),
            100 * fmin(1, centre + half));
  }
}

void cli_thresholds_free(cli_ens *job) {
  for (size_t i = 0; job->thresholds != NULL && i < job->nthresholds; i++)
    free(job->thresholds[i].at.name);
  free(job->thresholds);
  free(job->threshold_args);
  job->thresholds = NULL;
  job->threshold_args = NULL;
}
