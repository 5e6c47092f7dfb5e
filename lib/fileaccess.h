/*
 * fileaccess.h -- which files a load may read (issue 16).
 *
 * A load reads its top file, named by the caller, and the files that file
 * names: `imports:`, a scenario's `model:`, SBML comp external model
 * definitions. Those are read only when they are regular files inside one
 * of the scope's folders: the top file's folder (the current directory
 * for text held in memory) and the folders of the caller's muskx_access.
 * The check runs before the file is opened, on the path with every
 * symbolic link resolved, so neither `../`, an absolute path nor a link
 * leads outside; a refused file is never read, so no message can quote it.
 */
#ifndef MUSKX_FILEACCESS_H
#define MUSKX_FILEACCESS_H

#include <stddef.h>

#include "muskx.h"

/* The folders one load may read (canonical, without a trailing '/'
   except for "/" itself). */
typedef struct muskx__folders {
  char **dirs;
  int n;
} muskx__folders;

/*
 * Fills s with the folder of top_path (the current directory when
 * top_path is NULL) and access's folders (access may be NULL). EIO when
 * the folder of top_path cannot be resolved, ENOMEM.
 */
muskx_status muskx__folders_open(muskx__folders *s, const muskx_access *access,
                               const char *top_path, muskx_error *err);
void muskx__folders_close(muskx__folders *s);

/* A file admitted by muskx__folders_check(). */
typedef struct muskx__folders_file {
  char *real;                  /* canonical path (muskx__alloc'd) */
  unsigned long long dev, ino; /* its identity when checked */
} muskx__folders_file;

/*
 * Admits path when it resolves to a regular file inside s. Returns OK
 * (fills *f; free f->real), EIO with a reason in why ("is outside the
 * folders this load may read (...)", "is not a regular file", or the
 * system's reason), or ENOMEM. Never opens a refused file.
 */
muskx_status muskx__folders_check(const muskx__folders *s, const char *path,
                                muskx__folders_file *f, char *why,
                                size_t whysize);



struct muskx__file_text;
/*
 * muskx__folders_check() then muskx__load_read_file() of the admitted file,
 * which must still be the file that was checked (a file swapped between
 * the check and the open is refused). Returns what those return; on EIO
 * why says why.
 */
muskx_status muskx__folders_read(const muskx__folders *s, const char *path,
                               struct muskx__file_text *ft, char *why,
                               size_t whysize);

/*
 * Loads and compiles the model file at path (YAML or SBML; model.c) when
 * scope admits it, reading its imports under the same scope: a scenario's
 * `model:`. When the file itself is refused or unreadable, returns EIO
 * (or ELIMIT) with the reason in why and err untouched, so the caller
 * words the message at its own line; any other failure fills err.
 */
muskx_status muskx__model_load_in_folders(const char *path,
                                        const muskx__folders *scope,
                                        muskx_model **out, muskx_error *err,
                                        char *why, size_t whysize);

#endif
