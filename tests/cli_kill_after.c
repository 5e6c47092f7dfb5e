/*
 * Test-only: build/tests/muskx-kill-after is the muskx CLI (the same
 * objects as build/muskx) linked with -Wl,--wrap=cli_fit_partial_point,
 * so this function runs in place of the profile point writer of
 * muskx fit --profile, for scripts/test-cli.sh. It calls the real writer,
 * and after the Nth point written (read from the environment by this test
 * binary only; the shipped build/muskx has no such switch):
 *   MUSKX_KILL_AFTER_POINTS=N  raises SIGTERM: a kill mid-profile at an
 *                              exact point, without timing;
 *   MUSKX_FULL_AFTER_POINTS=N  points profiles.partial.tsv's descriptor
 *                              at /dev/full, so the real writer's next
 *                              point fails as on a full disk (its callback
 *                              returns 1, the library stops the profiles).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../cli/fit_report.h"

int __real_cli_fit_partial_point(void *ctx, int param, int side, double value,
                                 double nllh);
int __wrap_cli_fit_partial_point(void *ctx, int param, int side, double value,
                                 double nllh);

static long env_long(const char *name) {
  const char *k = getenv(name);
  return k != NULL ? strtol(k, NULL, 10) : 0;
}

int __wrap_cli_fit_partial_point(void *ctx, int param, int side, double value,
                                 double nllh) {
  static long seen; /* the library serialises the callback */
  int rc = __real_cli_fit_partial_point(ctx, param, side, value, nllh);
  if (rc != 0) return rc;
  seen++;
  if (seen == env_long("MUSKX_KILL_AFTER_POINTS")) raise(SIGTERM);
  if (seen == env_long("MUSKX_FULL_AFTER_POINTS")) {
    cli_fit_partial *p = ctx;
    int full = open("/dev/full", O_WRONLY);
    if (full < 0 || dup2(full, fileno(p->fp)) < 0) abort();
    close(full);
  }
  return rc;
}
