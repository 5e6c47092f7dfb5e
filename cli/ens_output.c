/*
 * ens_output.c -- what `muskx ensemble` and muskx-mpi write, member by
 * member (issue 19): no trajectory is needed after its member is done,
 * so a population of any size is written in the memory of one member.
 *
 * A member's record is a row of doubles: sample, status, its varied
 * values, each column's final value, its summaries (--summaries) and its
 * value at each --threshold. It is built where the member ran
 * (cli_ens_record; a muskx-mpi rank sends records, not trajectories) and
 * written in sample order where the files are (cli_ens_consume).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_ensemble.h"
#include "ens_plot.h"
#include "ens_summaries.h"
#include "ens_threshold.h"

#define NPROBS 5
static const double probs[NPROBS] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const prob_names[NPROBS] = {"q05", "q25", "q50", "q75",
                                               "q95"};

const double *cli_ens_probs(size_t *n) {
  *n = NPROBS;
  return probs;
}

static size_t nvar(const cli_ens *job) {
  return (size_t)muskx_ensemble_nvaried(job->ens);
}

static size_t ncols(const cli_ens *job) {
  return (size_t)muskx_ensemble_ncols(job->ens);
}

size_t cli_ens_reclen(const cli_ens *job) {
  return 2 + nvar(job) + ncols(job) + cli_summaries_nstats(job) +
         job->nthresholds;
}

muskx_status cli_ens_record(cli_ens *job, size_t sample, muskx_status st,
                            const char *errmsg, const double *values,
                            const double *traj, double *rec) {
  size_t nv = nvar(job), nc = ncols(job);
  double *p = rec;
  *p++ = (double)sample;
  *p++ = (double)st;
  memcpy(p, values, nv * sizeof *p);
  p += nv;
  memcpy(p, traj + (job->ntimes - 1) * nc, nc * sizeof *p);
  p += nc;
  if (cli_summaries_compute(job, st == MUSKX_OK, traj, p) != 0)
    return MUSKX_ENOMEM;
  p += cli_summaries_nstats(job);
  for (size_t i = 0; i < job->nthresholds; i++)
    *p++ = st == MUSKX_OK ? cli_threshold_value(job, i, traj) : NAN;
  if (st != MUSKX_OK && job->shown < 3) {
    fprintf(stderr, "%s: sample %zu failed: %s\n", job->path, sample,
            errmsg != NULL ? errmsg : muskx_strerror(st));
    job->shown++;
  }
  return MUSKX_OK;
}

int cli_ens_open(cli_ens *job) {
  if (job->samples_out != NULL) {
    if (cli_out_open(&job->samples_fp, job->samples_out) != 0) return -1;
    job->samples_open = 1;
    FILE *fp = job->samples_fp.fp;
    fputs("sample,status", fp);
    for (size_t j = 0; j < nvar(job); j++) {
      fputc(',', fp);
      cli_csv_field(fp, muskx_ensemble_varied_name(job->ens, (int)j));
    }
    for (size_t c = 0; c < ncols(job); c++) {
      char name[600];
      snprintf(name, sizeof name, "%s_end",
               muskx_ensemble_column_name(job->ens, (int)c));
      fputc(',', fp);
      cli_csv_field(fp, name);
    }
    fputc('\n', fp);
  }
  if (job->summaries_out != NULL) {
    if (cli_out_open(&job->summaries_fp, job->summaries_out) != 0) {
      cli_ens_abort(job);
      return -1;
    }
    job->summaries_open = 1;
    cli_summaries_header(job, job->summaries_fp.fp);
  }
  return 0;
}

int cli_ens_consume(cli_ens *job, const double *rec) {
  size_t nv = nvar(job), nc = ncols(job), sample = (size_t)rec[0];
  int status = (int)rec[1];
  const double *vals = rec + 2, *last = vals + nv, *stats = last + nc,
               *thr = stats + cli_summaries_nstats(job);
  char buf[CLI_NUMBUF];
  if (status == MUSKX_OK) job->nok++;
  else job->nfailed++;
  if (job->samples_open) {
    FILE *fp = job->samples_fp.fp;
    fprintf(fp, "%zu,%s", sample,
            status == MUSKX_OK ? "ok"
                               : muskx_status_name((muskx_status)status));
    for (size_t j = 0; j < nv; j++) {
      fputc(',', fp);
      fputs(cli_format_double(vals[j], buf), fp);
    }
    for (size_t c = 0; c < nc; c++) {
      fputc(',', fp);
      fputs(cli_format_double(last[c], buf), fp);
    }
    fputc('\n', fp);
  }
  if (job->summaries_open)
    cli_summaries_row(job, job->summaries_fp.fp, sample, status, stats);
  for (size_t i = 0; i < job->nthresholds; i++)
    cli_thresholds_count(job, i, thr[i]);
  return 0;
}

muskx_status cli_ens_member(void *ctx, size_t sample, muskx_status st,
                            const char *errmsg, const double *values,
                            const double *traj) {
  cli_ens *job = ctx;
  muskx_status r = cli_ens_record(job, sample, st, errmsg, values, traj,
                                  job->rec);
  if (r == MUSKX_OK && cli_ens_consume(job, job->rec) != 0) r = MUSKX_EIO;
  return r;
}

void cli_ens_abort(cli_ens *job) {
  if (job->samples_open) cli_out_abort(&job->samples_fp);
  if (job->summaries_open) cli_out_abort(&job->summaries_fp);
  job->samples_open = job->summaries_open = 0;
}

/* The quantiles CSV: a row per time, C_q05 .. C_q95 per column. */
static int write_quantiles(const cli_ens *job, const double *q) {
  size_t nc = ncols(job), width = job->ntimes * nc;
  char buf[CLI_NUMBUF];
  cli_out out;
  if (cli_out_open(&out, job->output) != 0) return -1;
  fputs("time", out.fp);
  for (size_t c = 0; c < nc; c++)
    for (int k = 0; k < NPROBS; k++) {
      char name[600];
      snprintf(name, sizeof name, "%s_%s",
               muskx_ensemble_column_name(job->ens, (int)c), prob_names[k]);
      fputc(',', out.fp);
      cli_csv_field(out.fp, name);
    }
  fputc('\n', out.fp);
  for (size_t r = 0; r < job->ntimes; r++) {
    fputs(cli_format_double(job->times[r], buf), out.fp);
    for (size_t c = 0; c < nc; c++)
      for (int k = 0; k < NPROBS; k++) {
        fputc(',', out.fp);
        fputs(cli_format_double(q[(size_t)k * width + r * nc + c], buf),
              out.fp);
      }
    fputc('\n', out.fp);
  }
  return cli_out_commit(&out);
}

int cli_ens_finish(cli_ens *job, const double *q,
                   const muskx_qsketch *sketch) {
  cli_thresholds_report(job);
  if (sketch != NULL && !job->quiet)
    fprintf(stderr, "%s: quantiles from a KLL sketch (k = %d; the "
                    "trajectories exceed --memory-budget): each within "
                    "%.2f %% of the members in rank, with 99.9 %% "
                    "confidence\n",
            job->path, muskx_qsketch_k(sketch),
            100 * muskx_qsketch_rank_error(sketch, 1e-3));
  if (write_quantiles(job, q) != 0 || cli_ens_plot(job, q) != 0) {
    cli_ens_abort(job);
    return -1;
  }
  int bad = 0;
  if (job->samples_open) bad |= cli_out_commit(&job->samples_fp) != 0;
  job->samples_open = 0;
  if (job->summaries_open) bad |= cli_out_commit(&job->summaries_fp) != 0;
  job->summaries_open = 0;
  if (bad) cli_ens_abort(job);
  return bad ? -1 : 0;
}
