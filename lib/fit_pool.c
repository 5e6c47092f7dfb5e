/*
 * fit_pool.c -- the thread pool of a fit: tasks 0 .. ntasks-1 (starts or
 * profiles) taken in order under a mutex by the workers, as in
 * ensemble.c. A task writes only its own result slots, so the results do
 * not depend on which worker ran which task. Each worker has an index
 * below muskx__fit_workers(), passed to the user's callback so it can
 * keep one simulation per worker. Progress is reported on the calling
 * thread only.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "fit.h"
#include "pool_wait.h"

typedef struct pool {
  muskx_fit *f;
  muskx__fit_task_fn task;
  void *arg;
  size_t ntasks;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t next, done;
  int active;
  int threaded;
  muskx_status worst; /* ENOMEM from a task */
} pool;

typedef struct worker_arg {
  pool *p;
  int index;
} worker_arg;

int muskx__fit_workers(const muskx_fit *f, size_t ntasks) {
  int n = f->nthreads;
  if (n == 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    n = c > 0 && c < 1024 ? (int)c : 1;
  }
  if ((size_t)n > ntasks) n = (int)ntasks;
  return n < 1 ? 1 : n;
}

static void *worker(void *varg) {
  worker_arg *wa = varg;
  pool *p = wa->p;
  pthread_mutex_lock(&p->mu);
  while (p->worst == MUSKX_OK && p->next < p->ntasks) {
    size_t k = p->next++;
    pthread_mutex_unlock(&p->mu);
    muskx_status st = p->task(p->arg, wa->index, k);
    pthread_mutex_lock(&p->mu);
    if (st != MUSKX_OK) p->worst = st;
    p->done++;
    if (p->threaded) {
      pthread_cond_signal(&p->cv);
    } else if (p->f->progress != NULL) {
      size_t d = p->done;
      pthread_mutex_unlock(&p->mu);
      p->f->progress(p->f->progress_ctx, d, p->ntasks);
      pthread_mutex_lock(&p->mu);
    }
  }
  p->active--;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

muskx_status muskx__fit_pool(muskx_fit *f, size_t ntasks,
                             muskx__fit_task_fn task, void *arg) {
  int nthreads = muskx__fit_workers(f, ntasks);
  pool p;
  memset(&p, 0, sizeof p);
  p.f = f;
  p.task = task;
  p.arg = arg;
  p.ntasks = ntasks;
  p.worst = MUSKX_OK;
  if (pthread_mutex_init(&p.mu, NULL) != 0)
    return muskx__fit_err(f, MUSKX_ESTATE, "cannot create a mutex");
  if (pthread_cond_init(&p.cv, NULL) != 0) {
    pthread_mutex_destroy(&p.mu);
    return muskx__fit_err(f, MUSKX_ESTATE, "cannot create a condition");
  }
  pthread_t *tid = NULL;
  worker_arg *wa = muskx__calloc((size_t)nthreads, sizeof *wa);
  int started = 0;
  if (nthreads > 1 && wa != NULL) {
    tid = muskx__calloc((size_t)nthreads, sizeof *tid);
    p.threaded = 1;
    pthread_mutex_lock(&p.mu);
    for (int t = 0; tid != NULL && t < nthreads; t++) {
      wa[t].p = &p;
      wa[t].index = t;
      if (pthread_create(&tid[t], NULL, worker, &wa[t]) != 0) break;
      started++;
      p.active++;
    }
    size_t reported = muskx__pool_wait(&p.mu, &p.cv, &p.active, &p.done,
                                       f->progress, f->progress_ctx, ntasks);
    size_t done = p.done;
    pthread_mutex_unlock(&p.mu);
    if (f->progress != NULL && started > 0 && done != reported)
      f->progress(f->progress_ctx, done, ntasks);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    muskx__free(tid);
  }
  if (started == 0 && wa != NULL) { /* one thread, or none could start */
    p.threaded = 0;
    p.active = 1;
    wa[0].p = &p;
    wa[0].index = 0;
    worker(&wa[0]);
  }
  muskx__free(wa);
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  if (wa == NULL || p.worst == MUSKX_ENOMEM)
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory in a local "
                          "optimisation");
  if (p.worst != MUSKX_OK || p.done != ntasks)
    return muskx__fit_err(f, p.worst != MUSKX_OK ? p.worst : MUSKX_ESTATE,
                          "the fit's workers stopped early");
  return MUSKX_OK;
}
