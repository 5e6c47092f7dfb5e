/*
 * sbml.h -- SBML import (sbml_import.c) and export (sbml_export.c), issue 5.
 *
 * Import is a translator: an SBML document becomes muskx model YAML text
 * (muskx-model(5)), which the ordinary loader then loads, so SBML models and
 * YAML models share one semantic path. Export walks a loaded model and
 * writes SBML Level 3 Version 2.
 *
 * Both need libSBML; without MUSKX_HAVE_SBML they fail with EUNSUPPORTED
 * ("built without libSBML"), so the library still builds without it.
 */
#ifndef MUSKX_SBML_H
#define MUSKX_SBML_H

#include <stddef.h>

#include "fileaccess.h"
#include "muskx.h"

/* What a report column of the translation gives for an SBML species. */
typedef enum {
  MUSKX__SBML_NATURAL = 0,    /* the symbol's value: concentration unless
                                 hasOnlySubstanceUnits */
  MUSKX__SBML_AMOUNT = 1,     /* amount: concentration x compartment size */
  MUSKX__SBML_CONCENTRATION = 2
} muskx__sbml_measure;

/*
 * Extra outputs the translation appends, for tools that need SBML values
 * by SBML id (the test-suite runner): output k of the translated model is
 * the value of report_ids[k] (a compartment, species, parameter, species
 * reference or reaction id) measured as measure[k]. They are the first
 * outputs, in this order, so a run's column nspecies + k holds output k.
 */
typedef struct muskx__sbml_opts {
  const char *const *report_ids;
  const muskx__sbml_measure *measure; /* NULL: all natural */
  int nreport;
  /* Level 1-2 events: the truth of a trigger just before t0 (they do not
     say; muskx_sbml_to_yaml_opt): -1 the default reading (true: an event
     true at t0 does not fire, as libSBML's Level 3 conversion reads it,
     and the loader warns of such events), 0 false (it fires at t0), 1
     true, said explicitly (no warning) */
  int l2_initial_trigger;
} muskx__sbml_opts;

/*
 * Translates the SBML file at path (or, when text is not NULL, len bytes
 * of SBML held in memory, named path in messages) into muskx YAML.
 * *yaml_out (muskx__alloc'd, NUL-terminated) on success. EIO unreadable,
 * ESYNTAX malformed XML, EMODEL invalid SBML, EUNSUPPORTED a construct
 * the engine cannot represent (the message names it and its line),
 * ENOMEM.
 */
muskx_status muskx__sbml_translate(const char *path, const char *text,
                                   size_t len, const muskx__sbml_opts *opts,
                                   char **yaml_out, muskx_error *err);
/* Same, reading comp external model definitions only inside scope's
   folders (NULL: the document's folder; fileaccess.h). */
muskx_status muskx__sbml_translate_in(const char *path, const char *text,
                                      size_t len, const muskx__sbml_opts *opts,
                                      const muskx__folders *scope,
                                      char **yaml_out, muskx_error *err);

/*
 * True when a file looks like SBML: its name ends in .xml or .sbml, or its
 * text starts (after blanks) with "<?xml" or "<sbml".
 */
int muskx__sbml_detect(const char *path, const char *text, size_t len);

/*
 * muskx_model_load_file()'s hook for SBML files: translates text (the
 * file's len bytes) and loads the translation under the name path.
 */
muskx_status muskx__sbml_load_hook(const char *path, const char *text,
                                   size_t len, const muskx__folders *scope,
                                   muskx_model **out, muskx_error *err);

/* sbml_lock.c: held around every use of libSBML (not thread-safe). */
void muskx__sbml_lock(void);
void muskx__sbml_unlock(void);

#endif
