/*
 * gnuplot.c -- runs gnuplot to make one PNG (cli/plot.c, cli/fit_plot.c).
 *
 * The script (written by the caller's function, data inline as
 * datablocks) goes to gnuplot on a pipe and the PNG comes back on
 * gnuplot's standard output, which is the temporary file of
 * cli_out_open(): so no temporary files of our own, and the target is
 * replaced atomically or not at all. gnuplot is run with execvp (no
 * shell), so file names need no quoting; strings written into a script
 * go through cli_gnuplot_quoted().
 *
 * A missing gnuplot is not an error: the command has done its job, and
 * the message says how to get plots.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Is there an executable `gnuplot` on PATH? */
static int have_gnuplot(void) {
  const char *path = getenv("PATH");
  char buf[4096];
  if (path == NULL) path = "/usr/bin:/bin";
  while (*path) {
    const char *colon = strchr(path, ':');
    size_t n = colon ? (size_t)(colon - path) : strlen(path);
    if (n > 0 && n + sizeof "/gnuplot" < sizeof buf) {
      struct stat sb;
      memcpy(buf, path, n);
      memcpy(buf + n, "/gnuplot", sizeof "/gnuplot");
      if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) &&
          access(buf, X_OK) == 0)
        return 1;
    }
    path += n;
    if (*path == ':') path++;
  }
  return 0;
}

void cli_gnuplot_quoted(FILE *g, const char *s) {
  fputc('\'', g);
  for (; *s; s++) {
    if (*s == '\'') fputc('\'', g);
    if (*s == '\n') {
      fputc(' ', g);
      continue;
    }
    fputc(*s, g);
  }
  fputc('\'', g);
}

int cli_gnuplot_png(const char *png_path, cli_gnuplot_script_fn script,
                    const void *ctx) {
  cli_out o;
  int fds[2];
  pid_t pid;
  int status = 0;
  struct sigaction ign, old;

  if (!have_gnuplot()) {
    fprintf(stderr, "plot skipped: gnuplot not found "
                    "(apt-get install gnuplot-nox)\n");
    return 1;
  }
  if (cli_out_open(&o, png_path) != 0) return -1;
  fflush(o.fp);
  fflush(stdout);
  if (pipe(fds) != 0) {
    cli_error("cannot start gnuplot: %s", strerror(errno));
    cli_out_abort(&o);
    return -1;
  }
  pid = fork();
  if (pid < 0) {
    cli_error("cannot start gnuplot: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    cli_out_abort(&o);
    return -1;
  }
  if (pid == 0) {
    char *argv[] = {"gnuplot", NULL};
    if (dup2(fds[0], 0) < 0 || dup2(fileno(o.fp), 1) < 0) _exit(127);
    close(fds[0]);
    close(fds[1]);
    execvp("gnuplot", argv);
    _exit(127);
  }
  close(fds[0]);
  /* A gnuplot that dies early must not kill us with SIGPIPE. */
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  FILE *g = fdopen(fds[1], "w");
  if (g != NULL) {
    script(g, ctx);
    fclose(g);
  } else {
    close(fds[1]);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGPIPE, &old, NULL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    cli_error("plot failed: gnuplot %s %d", WIFEXITED(status)
                                                 ? "exited with status"
                                                 : "was killed by signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    cli_out_abort(&o);
    return -1;
  }
  if (cli_out_commit(&o) != 0) return -1;
  if (o.path != NULL) {
    fflush(stdout);
    fprintf(stderr, "plot written to %s\n", png_path);
  }
  return 0;
}
