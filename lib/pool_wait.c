/* pool_wait.c -- the calling thread waits for a worker pool and reports
   its progress (see pool_wait.h). */
#include "pool_wait.h"

size_t muskx__pool_wait(pthread_mutex_t *mu, pthread_cond_t *cv,
                        const int *active, const size_t *done,
                        muskx_progress_fn progress, void *ctx, size_t total) {
  size_t reported = 0;
  while (*active > 0) {
    if (progress != NULL && *done != reported) {
      reported = *done;
      pthread_mutex_unlock(mu);
      progress(ctx, reported, total);
      pthread_mutex_lock(mu);
      continue;
    }
    pthread_cond_wait(cv, mu);
  }
  return reported;
}
