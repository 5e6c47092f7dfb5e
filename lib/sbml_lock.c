/*
 * sbml_lock.c -- one mutex around the library's use of libSBML (issue 16,
 * Medium 14).
 *
 * libSBML and the libxml2 under it set up shared state lazily (parser and
 * package registries, namespace tables) without locks, so two threads
 * importing or exporting SBML at once race (ThreadSanitizer shows it).
 * muskx.h promises that loading is thread-safe, so every libSBML call of
 * the library (sbml_import.c, sbml_export.c) runs under this lock. It is
 * the library's one piece of process-wide state; the work it serialises
 * is the translation, not the simulation.
 */
#include <pthread.h>

#include "sbml.h"

static pthread_mutex_t sbml_mutex = PTHREAD_MUTEX_INITIALIZER;

void muskx__sbml_lock(void) { pthread_mutex_lock(&sbml_mutex); }
void muskx__sbml_unlock(void) { pthread_mutex_unlock(&sbml_mutex); }
