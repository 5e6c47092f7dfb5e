/*
 * muskx_mpi.c -- muskx-mpi, the ensemble of `muskx ensemble` spread over
 * MPI ranks (issue 8): `mpirun -np K muskx-mpi ensemble ARGS...` takes the
 * same arguments, and writes the same files, byte for byte, as `muskx
 * ensemble ARGS...` with the same --seed. `muskx-mpi gsa ARGS...` does the
 * same for `muskx gsa` (issue 19; run_gsa below).
 *
 * Why identical: sample i's values depend only on (seed, i) and table row
 * i (lib/rng.h), so a rank running samples [a, b) with
 * muskx_ensemble_run(a, b - a) gets exactly what the single process
 * computes for them. Each member becomes a record where it ran (its
 * values, final values, summaries, threshold values: cli_ens_record in
 * cli/ens_output.c), and rank 0 writes the records in sample order with
 * the very writer muskx uses (cli_ens_consume, cli_ens_finish).
 *
 * The quantiles, two ways, as muskx decides (issue 19):
 *  - trajectories within --memory-budget: rank r runs the contiguous
 *    block [N r / K, N (r + 1) / K); rank 0 gathers the trajectories (at
 *    most the budget) and computes the exact quantiles with
 *    muskx_quantiles(), as the library does;
 *  - beyond it, no rank keeps or sends a trajectory: chunk j of the
 *    sketch (muskx_ensemble_chunk() samples) is run by rank j mod K, which
 *    sends rank 0 the chunk's sketch and its member records; rank 0 merges
 *    the sketches in chunk order, which is what muskx_ensemble_run() does
 *    inside one process, so the merged sketch is the same bytes. Round
 *    robin keeps every rank busy while rank 0 merges in order, and each
 *    rank holds one chunk's sketch and records: memory per rank does not
 *    grow with N.
 *
 * Each rank runs --threads worker threads (default 1 under MPI: one rank
 * per core is the usual layout). Only rank 0 prints usage errors, the
 * progress bar (of its own block) and the summary; every rank reports the
 * failed samples of its block. MPI is used from the main thread only
 * (MPI_THREAD_FUNNELED is not even needed: workers never call MPI).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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

/* Collects the records of the samples this rank runs (the member hook). */
typedef struct collector {
  cli_ens *job;
  double *recs;
  size_t first, n, cap, reclen;
} collector;

static muskx_status collect(void *ctx, size_t sample, muskx_status st,
                            const char *errmsg, const double *values,
                            const double *traj) {
  collector *c = ctx;
  size_t k = sample - c->first;
  if (k >= c->cap) return MUSKX_ESTATE;
  muskx_status r = cli_ens_record(c->job, sample, st, errmsg, values, traj,
                                  c->recs + k * c->reclen);
  if (r == MUSKX_OK) c->n = k + 1;
  return r;
}

/* Runs samples [first, first + count) into the collector. 0 or -1. */
static int run_range(cli_ens *job, collector *c, size_t first, size_t count,
                     int rank, int with_progress) {
  c->first = first;
  c->n = 0;
  if (count == 0) return 0;
  muskx_status st = muskx_ensemble_run(
      job->ens, first, count, job->seed,
      job->threads > 0 ? (int)job->threads : 1, job->times, job->ntimes,
      with_progress ? cli_ens_progress : NULL, job);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: rank %d: ensemble: %s\n", job->path, rank,
            muskx_ensemble_errmsg(job->ens));
    return -1;
  }
  return c->n == count ? 0 : -1;
}

/* Within the budget: contiguous blocks, the trajectories (at most the
   budget) and records gathered at rank 0, exact quantiles there. */
static int run_exact(cli_ens *job, collector *c, int rank, int size,
                     double **q) {
  size_t n = job->nsamples;
  size_t width = job->ntimes * (size_t)muskx_ensemble_ncols(job->ens);
  size_t first = n * (size_t)rank / (size_t)size;
  size_t count = n * (size_t)(rank + 1) / (size_t)size - first;
  size_t *counts = calloc((size_t)size, sizeof *counts), nprobs;
  const double *probs = cli_ens_probs(&nprobs);
  double *all_traj = NULL, *all_recs = NULL, none = 0;
  int rc = CLI_EXIT_OK, any;

  c->cap = count;
  c->recs = malloc((count ? count : 1) * c->reclen * sizeof *c->recs);
  if (counts == NULL || c->recs == NULL ||
      run_range(job, c, first, count, rank, rank == 0) != 0)
    rc = CLI_EXIT_FAIL;
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any != CLI_EXIT_OK) {
    free(counts);
    return any;
  }
  for (int r = 0; r < size; r++)
    counts[r] = n * (size_t)(r + 1) / (size_t)size -
                n * (size_t)r / (size_t)size;
  const double *traj = count > 0 ? muskx_ensemble_trajectories_view(job->ens)
                                 : &none;
  if (gather(traj, count, width, MPI_DOUBLE, sizeof(double),
             (void **)&all_traj, rank, size, counts) ||
      gather(c->recs, count, c->reclen, MPI_DOUBLE, sizeof(double),
             (void **)&all_recs, rank, size, counts)) {
    if (rank == 0)
      fprintf(stderr, "%s: cannot gather the results (out of memory, or "
                      "more than %d values from one rank)\n",
              job->path, INT_MAX);
    rc = CLI_EXIT_FAIL;
  }
  if (rc == CLI_EXIT_OK && rank == 0) {
    for (size_t s = 0; s < n; s++)
      cli_ens_consume(job, all_recs + s * c->reclen);
    *q = malloc((width ? nprobs * width : 1) * sizeof **q);
    if (*q == NULL ||
        muskx_quantiles(all_traj, n, width, probs, nprobs, *q) != MUSKX_OK) {
      fprintf(stderr, "%s: out of memory for the quantiles\n", job->path);
      rc = CLI_EXIT_FAIL;
    }
  }
  free(counts);
  free(all_traj);
  free(all_recs);
  return rc;
}

/* Beyond the budget: chunk j on rank j mod K; each sends rank 0 the
   chunk's sketch and records, which rank 0 merges and writes in chunk
   order. A rank that failed sends an empty header (0 bytes) for each of
   its remaining chunks, so nobody waits forever. */
static int run_sketched(cli_ens *job, collector *c, int rank, int size,
                        muskx_qsketch **acc) {
  size_t n = job->nsamples, chunk = muskx_ensemble_chunk(job->ens);
  size_t nchunks = (n + chunk - 1) / chunk;
  size_t width = job->ntimes * (size_t)muskx_ensemble_ncols(job->ens);
  int rc = CLI_EXIT_OK;
  unsigned char *bytes = NULL;
  size_t nbytes = 0;

  c->cap = chunk;
  c->recs = malloc(chunk * c->reclen * sizeof *c->recs);
  /* every chunk streams, whatever its size */
  if (c->recs == NULL ||
      muskx_ensemble_set_memory_budget(job->ens, 0, job->sketch_k) !=
          MUSKX_OK ||
      (rank == 0 && muskx_qsketch_create(job->sketch_k, width, 0, acc) !=
                        MUSKX_OK))
    rc = CLI_EXIT_FAIL;
  for (size_t j = 0; j < nchunks; j++) {
    int owner = (int)(j % (size_t)size);
    size_t first = j * chunk, count = n - first < chunk ? n - first : chunk;
    if (owner == rank) {
      const muskx_qsketch *sk = NULL;
      uint64_t head[2] = {0, 0};
      if (rc == CLI_EXIT_OK &&
          run_range(job, c, first, count, rank, 0) == 0 &&
          (sk = muskx_ensemble_sketch(job->ens)) != NULL) {
        size_t need = muskx_qsketch_serialize(sk, NULL, 0);
        if (rank != 0 && need > nbytes) {
          unsigned char *b = realloc(bytes, need);
          if (b != NULL) bytes = b, nbytes = need;
        }
        if (rank != 0 && need <= nbytes && need <= INT_MAX &&
            muskx_qsketch_serialize(sk, bytes, nbytes) == need) {
          head[0] = need;
          head[1] = count;
        }
        if (rank == 0 && muskx_qsketch_merge(*acc, sk) == MUSKX_OK)
          head[1] = count;
      }
      if (head[1] == 0) rc = CLI_EXIT_FAIL;
      if (rank != 0) {
        MPI_Send(head, 2, MPI_UINT64_T, 0, 1, MPI_COMM_WORLD);
        if (head[0] > 0) {
          MPI_Send(bytes, (int)head[0], MPI_BYTE, 0, 2, MPI_COMM_WORLD);
          MPI_Send(c->recs, (int)(count * c->reclen), MPI_DOUBLE, 0, 3,
                   MPI_COMM_WORLD);
        }
      } else if (rc == CLI_EXIT_OK) {
        for (size_t s = 0; s < count; s++)
          cli_ens_consume(job, c->recs + s * c->reclen);
      }
    } else if (rank == 0) {
      uint64_t head[2];
      MPI_Recv(head, 2, MPI_UINT64_T, owner, 1, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      if (head[0] == 0) {
        rc = CLI_EXIT_FAIL;
        continue;
      }
      /* one receive buffer, grown to the largest chunk sketch */
      if (head[0] > nbytes) {
        unsigned char *nb = realloc(bytes, (size_t)head[0]);
        if (nb != NULL) bytes = nb, nbytes = (size_t)head[0];
      }
      unsigned char *b = head[0] <= nbytes ? bytes : NULL;
      MPI_Recv(b, b != NULL ? (int)head[0] : 0, MPI_BYTE, owner, 2,
               MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Recv(c->recs, (int)(count * c->reclen), MPI_DOUBLE, owner, 3,
               MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (b == NULL ||
          muskx_qsketch_merge_serialized(*acc, b, (size_t)head[0]) !=
              MUSKX_OK) {
        fprintf(stderr, "%s: chunk %zu from rank %d: bad sketch or out of "
                        "memory\n", job->path, j, owner);
        rc = CLI_EXIT_FAIL;
      } else if (rc == CLI_EXIT_OK) {
        for (size_t s = 0; s < count; s++)
          cli_ens_consume(job, c->recs + s * c->reclen);
      }
    }
  }
  free(bytes);
  return rc;
}

/* `muskx-mpi ensemble ARGS...` */
static int run_ensemble(int argc, char **argv, int rank, int size) {
  cli_ens job;
  collector c;
  int rc, any, out_fd = -1, err_fd = -1;
  double *q = NULL;
  muskx_qsketch *acc = NULL;

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
    return rc >= 0 ? rc : CLI_EXIT_FAIL;
  }
  memset(&c, 0, sizeof c);
  c.job = &job;
  c.reclen = job.reclen;
  rc = CLI_EXIT_OK;
  if (muskx_ensemble_set_member_fn(job.ens, collect, &c) != MUSKX_OK ||
      (rank == 0 && cli_ens_open(&job) != 0))
    rc = CLI_EXIT_FAIL;
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any != CLI_EXIT_OK) goto done;

  /* the decision muskx_ensemble_run() makes for the whole population */
  size_t width = job.ntimes * (size_t)muskx_ensemble_ncols(job.ens);
  int exact = width == 0 ||
              job.nsamples <= job.budget / (width * sizeof(double));
  rc = exact ? run_exact(&job, &c, rank, size, &q)
             : run_sketched(&job, &c, rank, size, &acc);
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any != CLI_EXIT_OK || rank != 0) goto done;

  if (!job.quiet)
    fprintf(stderr, "%s: %zu samples on %d ranks, %zu failed\n", job.path,
            job.nsamples, size, job.nfailed);
  if (job.nok == 0) {
    fprintf(stderr, "%s: every sample failed; nothing written\n", job.path);
    rc = CLI_EXIT_FAIL;
  } else if (!exact) {
    size_t nprobs;
    const double *probs = cli_ens_probs(&nprobs);
    q = malloc(nprobs * width * sizeof *q);
    if (q == NULL ||
        muskx_qsketch_quantiles(acc, probs, nprobs, q) != MUSKX_OK) {
      fprintf(stderr, "%s: out of memory for the quantiles\n", job.path);
      rc = CLI_EXIT_FAIL;
    }
  }
  if (rc == CLI_EXIT_OK && cli_ens_finish(&job, q, exact ? NULL : acc) != 0)
    rc = CLI_EXIT_FAIL;
done:
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  free(q);
  free(c.recs);
  muskx_qsketch_free(acc);
  cli_ens_free(&job);
  return rc != CLI_EXIT_OK ? rc : any;
}

int main(int argc, char **argv) {
  int rank = 0, size = 1, rc;

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc >= 2 && strcmp(argv[1], "gsa") == 0) {
    rc = run_gsa(argc, argv, rank, size);
  } else if (argc >= 2 && strcmp(argv[1], "ensemble") == 0) {
    rc = run_ensemble(argc, argv, rank, size);
  } else {
    if (rank == 0)
      fprintf(stderr, "usage: mpirun -np K %s ensemble SCENARIO_OR_MODEL "
                      "[OPTIONS]\n       mpirun -np K %s gsa SCENARIO "
                      "[OPTIONS]\n(the options of 'muskx ensemble --help', "
                      "'muskx gsa --help')\n",
              argv[0], argv[0]);
    rc = CLI_EXIT_USAGE;
  }
  MPI_Finalize();
  return rc;
}
