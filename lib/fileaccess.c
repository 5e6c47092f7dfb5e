/*
 * fileaccess.c -- the folders a load may read (issue 16): the public
 * muskx_access set of folders and the per-load scope (fileaccess.h).
 *
 * Paths are compared after realpath(): every symbolic link, `.` and `..`
 * resolved, so a path is inside a folder exactly when its canonical text
 * starts with the folder's canonical text and a '/'. A file that does not
 * exist is judged by its lexically normalised absolute path, so whether a
 * file outside the folders exists is not revealed either.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath() */
#endif
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "fileaccess.h"
#include "load.h"

struct muskx_access {
  char **dirs; /* canonical folders */
  int n;
};

/* ---------------------------------------------------------------------- */
/* Paths                                                                   */

/* The system's reason for errno e (strerror() is not thread-safe). */
static void reason(int e, char *buf, size_t n) {
  if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "errno %d", e);
}

/* realpath() into a muskx__alloc'd copy; NULL with errno set. */
static char *canonical(const char *path) {
  char *r = realpath(path, NULL);
  if (r == NULL) return NULL;
  char *c = muskx__strdup(r);
  free(r); /* from realpath, not muskx__alloc */
  if (c == NULL) errno = ENOMEM;
  return c;
}

/* The folder part of path ("." when it has none), muskx__alloc'd. */
static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL) return muskx__strdup(".");
  if (slash == path) return muskx__strdup("/");
  return muskx__strndup(path, (size_t)(slash - path));
}

/* path made absolute (against the current directory) with `.`, `..` and
   repeated slashes removed, without looking at the file system. */
static char *lexical(const char *path) {
  char cwd[PATH_MAX];
  const char *base = "";
  if (path[0] != '/') {
    if (getcwd(cwd, sizeof cwd) == NULL) return NULL;
    base = cwd;
  }
  size_t bl = strlen(base), pl = strlen(path);
  char *in = muskx__alloc(bl + pl + 2);
  char *out = muskx__alloc(bl + pl + 2);
  if (in == NULL || out == NULL) {
    muskx__free(in);
    muskx__free(out);
    return NULL;
  }
  snprintf(in, bl + pl + 2, "%s/%s", base, path);
  size_t n = 0;
  for (char *p = in; *p;) {
    while (*p == '/') p++;
    char *e = p;
    while (*e && *e != '/') e++;
    size_t k = (size_t)(e - p);
    if (k == 0 || (k == 1 && p[0] == '.')) {
      /* nothing */
    } else if (k == 2 && p[0] == '.' && p[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--; /* the slash; ".." of "/" is "/" */
    } else {
      out[n++] = '/';
      memcpy(out + n, p, k);
      n += k;
    }
    p = e;
  }
  if (n == 0) out[n++] = '/';
  out[n] = '\0';
  muskx__free(in);
  return out;
}

static int inside(const char *path, const char *dir) {
  size_t dl = strlen(dir);
  if (dl == 1 && dir[0] == '/') return path[0] == '/';
  return strncmp(path, dir, dl) == 0 && (path[dl] == '/' || path[dl] == '\0');
}

static int inside_any(const muskx__folders *s, const char *path) {
  for (int i = 0; i < s->n; i++)
    if (inside(path, s->dirs[i])) return 1;
  return 0;
}

static int add_dir(char ***dirs, int *n, char *dir) {
  char **p = muskx__reallocarray(*dirs, (size_t)*n + 1, sizeof *p);
  if (p == NULL) return -1;
  *dirs = p;
  p[(*n)++] = dir;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* The public set of folders                                               */

muskx_access *muskx_access_new(void) {
  return muskx__calloc(1, sizeof(muskx_access));
}

muskx_status muskx_access_allow(muskx_access *a, const char *dir,
                                muskx_error *err) {
  muskx__clearerr(err);
  if (a == NULL || dir == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL,
                         "access and dir must not be NULL");
  muskx__loc loc = {dir, 0, 0};
  char *c = canonical(dir);
  if (c == NULL) {
    if (errno == ENOMEM)
      return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
    char why[128];
    reason(errno, why, sizeof why);
    return muskx__seterr(err, MUSKX_EIO, &loc, "cannot allow folder '%s': %s",
                         dir, why);
  }
  struct stat st;
  if (stat(c, &st) != 0 || !S_ISDIR(st.st_mode)) {
    muskx__free(c);
    return muskx__seterr(err, MUSKX_EIO, &loc,
                         "cannot allow '%s': not a folder", dir);
  }
  if (add_dir(&a->dirs, &a->n, c) != 0) {
    muskx__free(c);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  return MUSKX_OK;
}

void muskx_access_free(muskx_access *a) {
  if (a == NULL) return;
  for (int i = 0; i < a->n; i++) muskx__free(a->dirs[i]);
  muskx__free(a->dirs);
  muskx__free(a);
}

/* ---------------------------------------------------------------------- */
/* One load's scope                                                        */

muskx_status muskx__folders_open(muskx__folders *s, const muskx_access *a,
                               const char *top_path, muskx_error *err) {
  memset(s, 0, sizeof *s);
  char *folder = top_path ? folder_of(top_path) : muskx__strdup(".");
  if (folder == NULL) return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  char *c = canonical(folder);
  int e = errno;
  if (c == NULL) {
    muskx__loc loc = {top_path ? top_path : ".", 0, 0};
    char why[128];
    reason(e, why, sizeof why);
    muskx_status st = e == ENOMEM
        ? muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory")
        : muskx__seterr(err, MUSKX_EIO, &loc, "cannot resolve folder '%s': %s",
                        folder, why);
    muskx__free(folder);
    return st;
  }
  muskx__free(folder);
  if (add_dir(&s->dirs, &s->n, c) != 0) {
    muskx__free(c);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  for (int i = 0; a != NULL && i < a->n; i++) {
    char *d = muskx__strdup(a->dirs[i]);
    if (d == NULL || add_dir(&s->dirs, &s->n, d) != 0) {
      muskx__free(d);
      muskx__folders_close(s);
      return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
    }
  }
  return MUSKX_OK;
}

void muskx__folders_close(muskx__folders *s) {
  for (int i = 0; i < s->n; i++) muskx__free(s->dirs[i]);
  muskx__free(s->dirs);
  memset(s, 0, sizeof *s);
}

static void outside(const muskx__folders *s, char *why, size_t n) {
  if (s->n > 1)
    snprintf(why, n, "it is outside the folders this load may read ('%.300s' "
             "and %d more); allow its folder with --allow-path DIR "
             "(muskx_access_allow())", s->dirs[0], s->n - 1);
  else
    snprintf(why, n, "it is outside the folder this load may read ('%.300s'); "
             "allow its folder with --allow-path DIR (muskx_access_allow())",
             s->n ? s->dirs[0] : "");
}

muskx_status muskx__folders_check(const muskx__folders *s, const char *path,
                                muskx__folders_file *f, char *why, size_t n) {
  memset(f, 0, sizeof *f);
  char *real = canonical(path);
  if (real == NULL) {
    int e = errno;
    if (e == ENOMEM) return MUSKX_ENOMEM;
    /* Only say why a file inside the folders cannot be resolved. */
    char *lex = lexical(path);
    if (lex == NULL) return MUSKX_ENOMEM;
    if (inside_any(s, lex)) reason(e, why, n);
    else outside(s, why, n);
    muskx__free(lex);
    return MUSKX_EIO;
  }
  if (!inside_any(s, real)) {
    muskx__free(real);
    outside(s, why, n);
    return MUSKX_EIO;
  }
  struct stat st;
  if (stat(real, &st) != 0) {
    reason(errno, why, n);
    muskx__free(real);
    return MUSKX_EIO;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(why, n, "it is not a regular file");
    muskx__free(real);
    return MUSKX_EIO;
  }
  f->real = real;
  f->dev = (unsigned long long)st.st_dev;
  f->ino = (unsigned long long)st.st_ino;
  return MUSKX_OK;
}

muskx_status muskx__folders_read(const muskx__folders *s, const char *path,
                               muskx__file_text *ft, char *why, size_t n) {
  memset(ft, 0, sizeof *ft);
  muskx__folders_file f;
  muskx_status st = muskx__folders_check(s, path, &f, why, n);
  if (st != MUSKX_OK) return st;
  st = muskx__load_read_file(f.real, 1, ft);
  muskx__free(f.real);
  if (st == MUSKX_EIO) {
    if (ft->errnum == 0) snprintf(why, n, "it is not a regular file");
    else reason(ft->errnum, why, n);
    return st;
  }
  if (st != MUSKX_OK) return st;
  if (!ft->has_id || ft->dev != f.dev || ft->ino != f.ino) {
    muskx__free(ft->text);
    memset(ft, 0, sizeof *ft);
    snprintf(why, n, "it changed while it was being opened");
    return MUSKX_EIO;
  }
  return MUSKX_OK;
}
