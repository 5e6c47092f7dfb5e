/*
 * ensemble_stream.c -- a run beyond the memory budget (issue 19): no
 * trajectory is kept; each member goes to the member hook and into a
 * quantile sketch (lib/qsketch.c), so memory does not grow with the
 * number of members.
 *
 * Why the answers do not depend on the thread count: workers take fixed
 * blocks of BLOCK members in order and run them into one of a few slots;
 * finished blocks are fed -- hook, then sketch -- strictly in block order,
 * by whichever worker finishes the block that is next, one feeder at a
 * time. So the sketch sees the members in sample order whatever ran
 * them. Chunks: the members of each chunk (muskx_ensemble_chunk(), at
 * absolute multiples) go into a sketch started empty with the chunk's own
 * coins, which is then merged into the run's sketch; a run split over
 * processes at chunk boundaries and merged in chunk order
 * (mpi/muskx_mpi.c) is therefore the same bytes.
 *
 * Memory: NSLOT blocks of trajectories (at most 2 per thread + 2: a
 * worker waits for a free slot when the feeder is behind), one
 * simulation per thread, the chunk sketch and the run's sketch.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "ensemble.h"
#include "qsketch.h"
#include "pool_wait.h"

#define BLOCK 8

typedef struct slot {
  int state; /* 0 free, 1 running, 2 finished */
  size_t block;
  double *traj, *vals;
  int *status;
  char **msgs;
} slot;

typedef struct stream {
  muskx_ensemble *e;
  uint64_t seed;
  const double *times;
  size_t ntimes, width, first, count, nblocks, chunk;
  muskx_qsketch *part; /* the current chunk's sketch */

  pthread_mutex_t mu;
  pthread_cond_t cv;
  slot *slots;
  int nslots;
  size_t next;      /* next block to run */
  size_t fed;       /* next block to feed */
  size_t done;      /* members finished */
  int feeding, active, threaded;
  muskx_status fatal;
  muskx_progress_fn progress; /* inline runs only */
  void *progress_ctx;
} stream;

static size_t block_size(const stream *p, size_t b) {
  size_t lo = b * BLOCK, hi = lo + BLOCK;
  return (hi > p->count ? p->count : hi) - lo;
}

/* Feeds slot s (hook, sketches); called by one thread at a time. */
static muskx_status feed(stream *p, slot *s) {
  muskx_ensemble *e = p->e;
  size_t nb = block_size(p, s->block);
  muskx_status st = MUSKX_OK;
  for (size_t m = 0; m < nb && st == MUSKX_OK; m++) {
    size_t i = p->first + s->block * BLOCK + m;
    const double *traj = s->traj + m * p->width;
    if (e->member != NULL) {
      st = e->member(e->member_ctx, i, (muskx_status)s->status[m],
                     s->msgs[m] != NULL ? s->msgs[m]
                     : s->status[m] != MUSKX_OK
                         ? muskx_strerror((muskx_status)s->status[m])
                         : "",
                     s->vals + m * (size_t)e->nvars, traj);
      if (st != MUSKX_OK) {
        muskx__ens_err(e, st, "the member hook failed at sample %zu", i);
        break;
      }
    }
    if (s->status[m] != MUSKX_OK) {
      e->nfailed++;
    } else {
      st = muskx_qsketch_add(p->part, traj);
      if (st == MUSKX_EINVAL) { /* cannot happen: non-finite fails a run */
        e->nfailed++;
        st = MUSKX_OK;
      }
    }
    /* the chunk ends here, or the run does: merge it, start the next */
    if (st == MUSKX_OK && ((i + 1) % p->chunk == 0 || i + 1 == p->first +
                                                             p->count)) {
      st = muskx_qsketch_merge(e->sketch, p->part);
      muskx__qsketch_clear(p->part, (i + 1) / p->chunk);
    }
  }
  for (size_t m = 0; m < nb; m++) {
    muskx__free(s->msgs[m]);
    s->msgs[m] = NULL;
  }
  return st;
}

/* Feeds the finished blocks that are next, in order. Holds mu on entry
   and exit. */
static void feed_ready(stream *p) {
  if (p->feeding) return;
  p->feeding = 1;
  for (;;) {
    slot *s = NULL;
    for (int k = 0; k < p->nslots; k++)
      if (p->slots[k].state == 2 && p->slots[k].block == p->fed)
        s = &p->slots[k];
    if (s == NULL || p->fatal != MUSKX_OK) break;
    pthread_mutex_unlock(&p->mu);
    muskx_status st = feed(p, s);
    pthread_mutex_lock(&p->mu);
    if (st != MUSKX_OK && p->fatal == MUSKX_OK) p->fatal = st;
    s->state = 0;
    p->fed++;
    pthread_cond_broadcast(&p->cv);
  }
  p->feeding = 0;
}

static void *worker(void *arg) {
  stream *p = arg;
  muskx_ensemble *e = p->e;
  muskx_sim *sim = NULL;
  size_t ncols_all = (size_t)(muskx_model_count(e->m, MUSKX_SPECIES) +
                              muskx_model_count(e->m, MUSKX_OUTPUT));
  double *buf = muskx__calloc(p->ntimes * (ncols_all ? ncols_all : 1),
                              sizeof *buf);
  int fine = buf != NULL && muskx_sim_create(e->m, &sim) == MUSKX_OK &&
             muskx__ens_only_what_is_read(e, sim) == MUSKX_OK;

  pthread_mutex_lock(&p->mu);
  if (!fine) {
    p->fatal = MUSKX_ENOMEM;
    muskx__ens_err(e, MUSKX_ENOMEM, "out of memory creating a simulation "
                   "per thread");
  }
  for (;;) {
    if (p->fatal != MUSKX_OK || p->next >= p->nblocks) break;
    slot *s = NULL;
    for (int k = 0; k < p->nslots && s == NULL; k++)
      if (p->slots[k].state == 0) s = &p->slots[k];
    if (s == NULL) { /* the feeder is behind: wait for a slot */
      pthread_cond_wait(&p->cv, &p->mu);
      continue;
    }
    s->state = 1;
    s->block = p->next++;
    pthread_mutex_unlock(&p->mu);
    size_t nb = block_size(p, s->block);
    for (size_t m = 0; m < nb; m++)
      muskx__ens_run_member(e, sim, p->seed, p->times, p->ntimes, buf,
                            p->first + s->block * BLOCK + m,
                            s->traj + m * p->width,
                            s->vals + m * (size_t)e->nvars, &s->status[m],
                            &s->msgs[m]);
    pthread_mutex_lock(&p->mu);
    s->state = 2;
    p->done += nb;
    feed_ready(p);
    if (p->threaded) {
      pthread_cond_broadcast(&p->cv);
    } else if (p->progress != NULL) {
      size_t d = p->done;
      pthread_mutex_unlock(&p->mu);
      p->progress(p->progress_ctx, d, p->count);
      pthread_mutex_lock(&p->mu);
    }
  }
  p->active--;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  muskx_sim_free(sim);
  muskx__free(buf);
  return NULL;
}

static void slots_free(stream *p) {
  for (int k = 0; p->slots != NULL && k < p->nslots; k++) {
    slot *s = &p->slots[k];
    for (size_t m = 0; s->msgs != NULL && m < BLOCK; m++)
      muskx__free(s->msgs[m]);
    muskx__free(s->traj);
    muskx__free(s->vals);
    muskx__free(s->status);
    muskx__free(s->msgs);
  }
  muskx__free(p->slots);
}

static muskx_status slots_alloc(stream *p, int n) {
  p->slots = muskx__calloc((size_t)n, sizeof *p->slots);
  if (p->slots == NULL) return MUSKX_ENOMEM;
  p->nslots = n;
  for (int k = 0; k < n; k++) {
    slot *s = &p->slots[k];
    s->traj = muskx__calloc(BLOCK, p->width * sizeof *s->traj);
    s->vals = muskx__calloc(BLOCK * ((size_t)p->e->nvars + 1),
                            sizeof *s->vals);
    s->status = muskx__calloc(BLOCK, sizeof *s->status);
    s->msgs = muskx__calloc(BLOCK, sizeof *s->msgs);
    if (s->traj == NULL || s->vals == NULL || s->status == NULL ||
        s->msgs == NULL)
      return MUSKX_ENOMEM;
  }
  return MUSKX_OK;
}

muskx_status muskx__ens_run_streamed(muskx_ensemble *e, size_t first,
                                     size_t count, uint64_t seed,
                                     int nthreads, const double *times,
                                     size_t ntimes, muskx_progress_fn progress,
                                     void *ctx) {
  stream p;
  memset(&p, 0, sizeof p);
  p.e = e;
  p.seed = seed;
  p.times = times;
  p.ntimes = ntimes;
  p.width = ntimes * (size_t)muskx_ensemble_ncols(e);
  p.first = first;
  p.count = count;
  p.nblocks = (count + BLOCK - 1) / BLOCK;
  p.chunk = muskx_ensemble_chunk(e);
  p.fatal = MUSKX_OK;
  if ((size_t)nthreads > p.nblocks) nthreads = (int)p.nblocks;
  if (nthreads < 1) nthreads = 1;
  p.part = e->sk_part;
  if (slots_alloc(&p, 2 * nthreads + 2) != MUSKX_OK) {
    slots_free(&p);
    return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory for the blocks "
                          "of a streamed run (%zu values a member)", p.width);
  }
  if (pthread_mutex_init(&p.mu, NULL) != 0) {
    slots_free(&p);
    return muskx__ens_err(e, MUSKX_ESTATE, "cannot create a mutex");
  }
  if (pthread_cond_init(&p.cv, NULL) != 0) {
    pthread_mutex_destroy(&p.mu);
    slots_free(&p);
    return muskx__ens_err(e, MUSKX_ESTATE, "cannot create a condition");
  }
  e->nfailed = 0;
  e->errmsg[0] = '\0';

  pthread_t tid[64];
  int started = 0;
  if (nthreads > 64) nthreads = 64;
  if (nthreads > 1) {
    p.threaded = 1;
    pthread_mutex_lock(&p.mu);
    for (int t = 0; t < nthreads; t++) {
      if (pthread_create(&tid[t], NULL, worker, &p) != 0) break;
      started++;
      p.active++;
    }
    muskx__pool_wait(&p.mu, &p.cv, &p.active, &p.done, progress, ctx, count);
    pthread_mutex_unlock(&p.mu);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
  }
  if (started == 0) {
    p.threaded = 0;
    p.progress = progress;
    p.progress_ctx = ctx;
    p.active = 1;
    worker(&p);
  }
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  slots_free(&p);
  if (p.fatal != MUSKX_OK) {
    if (e->errmsg[0] == '\0')
      muskx__ens_err(e, p.fatal, "out of memory feeding the sketch");
    return p.fatal;
  }
  if (p.fed != p.nblocks)
    return muskx__ens_err(e, MUSKX_ESTATE, "a streamed run stopped early");
  if (progress != NULL && p.threaded) progress(ctx, count, count);
  return MUSKX_OK;
}
