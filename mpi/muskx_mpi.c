/*
 * muskx_mpi.c -- muskx-mpi, the ensemble of `muskx ensemble` spread over
 * MPI ranks (issue 8): `mpirun -np K muskx-mpi ensemble ARGS...` takes the
 * same arguments, and writes the same files, byte for byte, as `muskx
 * ensemble ARGS...` with the same --seed. `muskx-mpi gsa ARGS...` does the
 * same for `muskx gsa` (issue 19; run_gsa below).
 *
 * Why identical: sample i's values depend only on (seed, i) and table row
 * i (lib/rng.h), so rank r can run the contiguous block of samples
 * [N r / K, N (r + 1) / K) with muskx_ensemble_run(first, count) and get
 * exactly what the single process computes for them; rank 0 gathers the
 * blocks in rank order, which is sample order, and hands them to the very
 * writer muskx uses (cli_ens_write in cli/cmd_ensemble.c), which computes
 * the quantiles with muskx_quantiles() as the library does.
 *
 * Each rank runs --threads worker threads (default 1 under MPI: one rank
 * per core is the usual layout). Only rank 0 prints usage errors, the
 * progress bar (of its own block) and the summary; every rank reports the
 * failed samples of its block. MPI is used from the main thread only
 * (MPI_THREAD_FUNNELED is not even needed: workers never call MPI).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "cmd_ensemble.h"
#include "cmd_gsa.h"

/* Points fd at /dev/null; returns a dup of the original to restore, or -1. */
static int silence(int fd) {
  int saved, null;
  fflush(fd == STDOUT_FILENO ? stdout : stderr);
  saved = dup(fd);
  null = open("/dev/null", O_WRONLY);
  if (null >= 0) {
    dup2(null, fd);
    close(null);
  }
  return saved;
}

static void restore(int fd, int saved) {
  if (saved < 0) return;
  fflush(fd == STDOUT_FILENO ? stdout : stderr);
  dup2(saved, fd);
  close(saved);
}

/* Gathers count_r * per values of every rank at rank 0, in rank order.
   MPI counts are ints: fails (returns -1) beyond INT_MAX values. */
static int gather(const void *mine, size_t count, size_t per,
                  MPI_Datatype type, size_t esize, void **all, int rank,
                  int size, const size_t *counts) {
  int *rc = NULL, *disp = NULL, ok = 1;
  size_t total = 0;
  if (rank == 0) {
    rc = calloc((size_t)size, sizeof *rc);
    disp = calloc((size_t)size, sizeof *disp);
    ok = rc != NULL && disp != NULL;
    for (int r = 0; ok && r < size; r++) {
      size_t n = counts[r] * per;
      if (n > INT_MAX || total > INT_MAX) ok = 0;
      else {
        rc[r] = (int)n;
        disp[r] = (int)total;
        total += n;
      }
    }
    *all = ok ? malloc((total ? total : 1) * esize) : NULL;
    ok = ok && *all != NULL;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!ok) {
    free(rc);
    free(disp);
    return -1;
  }
  MPI_Gatherv(mine, (int)(count * per), type, rank == 0 ? *all : NULL, rc,
              disp, type, 0, MPI_COMM_WORLD);
  free(rc);
  free(disp);
  return 0;
}

/*
 * `muskx-mpi gsa ARGS...`: the design's rows split in contiguous blocks
 * over the ranks, each run with muskx_ensemble_run(first, count); rank 0
 * gathers the results in rank order -- row order -- and writes the
 * indices with the very writer of `muskx gsa`, so the files are the same
 * bytes. Every rank holds the design (rows x k doubles) and its block's
 * results only.
 */
static int run_gsa(int argc, char **argv, int rank, int size) {
  cli_gsa job;
  int out_fd = -1, err_fd = -1, rc, any;
  double *y = NULL, *all = NULL;
  size_t *counts = NULL;
  if (rank != 0) {
    out_fd = silence(STDOUT_FILENO);
    err_fd = silence(STDERR_FILENO);
  }
  rc = cli_gsa_prepare(&job, &cli_cmd_gsa, argc - 1, argv + 1);
  if (rank != 0) {
    restore(STDOUT_FILENO, out_fd);
    restore(STDERR_FILENO, err_fd);
  }
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any >= 0) {
    cli_gsa_free(&job);
    return rc >= 0 ? rc : CLI_EXIT_FAIL;
  }
  if (job.threads == 0) job.threads = 1; /* one rank per core */
  size_t first = job.rows * (size_t)rank / (size_t)size;
  size_t count = job.rows * (size_t)(rank + 1) / (size_t)size - first;
  y = malloc((count > 0 ? count * job.nout : 1) * sizeof *y);
  counts = calloc((size_t)size, sizeof *counts);
  rc = y == NULL || counts == NULL ? CLI_EXIT_FAIL : CLI_EXIT_OK;
  if (rc == CLI_EXIT_OK && count > 0)
    rc = cli_gsa_run(&job, first, count, rank == 0, y);
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any != CLI_EXIT_OK) goto done;
  for (int r = 0; r < size; r++)
    counts[r] = job.rows * (size_t)(r + 1) / (size_t)size -
                job.rows * (size_t)r / (size_t)size;
  if (gather(y, count, job.nout, MPI_DOUBLE, sizeof(double), (void **)&all,
             rank, size, counts)) {
    if (rank == 0)
      fprintf(stderr, "%s: cannot gather the results\n", job.path);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  if (rank == 0) rc = cli_gsa_write(&job, all);
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
done:
  free(y);
  free(all);
  free(counts);
  cli_gsa_free(&job);
  return rc != CLI_EXIT_OK ? rc : any;
}

int main(int argc, char **argv) {
  int rank = 0, size = 1, rc, any, out_fd = -1, err_fd = -1;
  cli_ens job;
  size_t first, count, width, nvar, *counts = NULL;
  double *traj = NULL, *vals = NULL, *all_traj = NULL, *all_vals = NULL;
  int *status = NULL, *all_status = NULL;

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  if (argc >= 2 && strcmp(argv[1], "gsa") == 0) {
    rc = run_gsa(argc, argv, rank, size);
    MPI_Finalize();
    return rc;
  }
  if (argc < 2 || strcmp(argv[1], "ensemble") != 0) {
    if (rank == 0)
      fprintf(stderr, "usage: mpirun -np K %s ensemble SCENARIO_OR_MODEL "
                      "[OPTIONS]\n       mpirun -np K %s gsa SCENARIO "
                      "[OPTIONS]\n(the options of 'muskx ensemble --help', "
                      "'muskx gsa --help')\n",
              argv[0], argv[0]);
    MPI_Finalize();
    return CLI_EXIT_USAGE;
  }
  /* Every rank parses and loads; only rank 0 speaks. */
  if (rank != 0) {
    out_fd = silence(STDOUT_FILENO);
    err_fd = silence(STDERR_FILENO);
  }
  rc = cli_ens_prepare(&job, &cli_cmd_ensemble, argc - 1, argv + 1);
  if (rank != 0) {
    restore(STDOUT_FILENO, out_fd);
    restore(STDERR_FILENO, err_fd);
  }
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any >= 0) {
    cli_ens_free(&job);
    MPI_Finalize();
    return rc >= 0 ? rc : CLI_EXIT_FAIL;
  }

  first = job.nsamples * (size_t)rank / (size_t)size;
  count = job.nsamples * (size_t)(rank + 1) / (size_t)size - first;
  job.first = first;
  rc = CLI_EXIT_OK;
  if (count > 0) {
    muskx_status st = muskx_ensemble_run(
        job.ens, first, count, job.seed, job.threads > 0 ? (int)job.threads : 1,
        job.times, job.ntimes, rank == 0 ? cli_ens_progress : NULL, &job);
    if (st != MUSKX_OK) {
      fprintf(stderr, "%s: rank %d: ensemble: %s\n", job.path, rank,
              muskx_ensemble_errmsg(job.ens));
      rc = CLI_EXIT_FAIL;
    }
  }
  width = job.ntimes * (size_t)muskx_ensemble_ncols(job.ens);
  nvar = (size_t)muskx_ensemble_nvaried(job.ens);
  if (rc == CLI_EXIT_OK) {
    traj = malloc((count > 0 && width > 0 ? count * width : 1) * sizeof *traj);
    vals = malloc((count > 0 && nvar > 0 ? count * nvar : 1) * sizeof *vals);
    status = malloc((count ? count : 1) * sizeof *status);
    if (traj == NULL || vals == NULL || status == NULL ||
        (count > 0 &&
         (muskx_ensemble_trajectories(job.ens, traj, count * width) ||
          muskx_ensemble_values(job.ens, vals, count * nvar) ||
          muskx_ensemble_status(job.ens, status, count)))) {
      fprintf(stderr, "%s: rank %d: out of memory for the results\n",
              job.path, rank);
      rc = CLI_EXIT_FAIL;
    }
  }
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any != CLI_EXIT_OK) goto done;
  if (count > 0) cli_ens_report_failures(&job);

  counts = calloc((size_t)size, sizeof *counts);
  for (int r = 0; counts != NULL && r < size; r++)
    counts[r] = job.nsamples * (size_t)(r + 1) / (size_t)size -
                job.nsamples * (size_t)r / (size_t)size;
  if (counts == NULL ||
      gather(traj, count, width, MPI_DOUBLE, sizeof(double),
             (void **)&all_traj, rank, size, counts) ||
      gather(vals, count, nvar, MPI_DOUBLE, sizeof(double),
             (void **)&all_vals, rank, size, counts) ||
      gather(status, count, 1, MPI_INT, sizeof(int), (void **)&all_status,
             rank, size, counts)) {
    if (rank == 0)
      fprintf(stderr, "%s: cannot gather the results (out of memory, or "
                      "more than %d values from one rank)\n",
              job.path, INT_MAX);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  if (rank == 0) {
    size_t nfailed = 0;
    for (size_t s = 0; s < job.nsamples; s++)
      nfailed += all_status[s] != MUSKX_OK;
    if (!job.quiet)
      fprintf(stderr, "%s: %zu samples on %d ranks, %zu failed\n", job.path,
              job.nsamples, size, nfailed);
    if (nfailed == job.nsamples) {
      fprintf(stderr, "%s: every sample failed; nothing written\n", job.path);
      rc = CLI_EXIT_FAIL;
    } else if (cli_ens_write(&job, all_traj, all_vals, all_status,
                             job.nsamples) != 0) {
      rc = CLI_EXIT_FAIL;
    }
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);

done:
  free(counts);
  free(traj), free(vals), free(status);
  free(all_traj), free(all_vals), free(all_status);
  cli_ens_free(&job);
  MPI_Finalize();
  return rc != CLI_EXIT_OK ? rc : (any != CLI_EXIT_OK ? any : CLI_EXIT_OK);
}
