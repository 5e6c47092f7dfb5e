/* pool_wait.h -- the calling thread's side of a worker pool: wait for the
   workers while reporting progress. Shared by the ensemble, the streamed
   ensemble and the fit's start pool. */
#ifndef MUSKX_POOL_WAIT_H
#define MUSKX_POOL_WAIT_H

#include <pthread.h>
#include <stddef.h>

#include "muskx.h"

/* Called with mu held; returns with mu still held, once *active (the
   workers still running, decremented under mu with a signal on cv) is 0.
   Whenever *done has moved, progress (may be NULL) gets it, with mu
   released so workers are not held up by the callback. Returns the last
   count reported (0 if none). */
size_t muskx__pool_wait(pthread_mutex_t *mu, pthread_cond_t *cv,
                        const int *active, const size_t *done,
                        muskx_progress_fn progress, void *ctx, size_t total);

#endif
