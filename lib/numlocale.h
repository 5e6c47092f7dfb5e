/*
 * numlocale.h -- numbers in the library's text are read and written in
 * the C locale, whatever locale the host program chose.
 *
 * Model, scenario, SBML and PEtab text write numbers with a '.' decimal
 * point. strtod() and printf("%g") follow the calling thread's LC_NUMERIC,
 * so in a host that called setlocale(LC_ALL, "") under a comma locale
 * (de_DE, fr_FR, ...) "k: 0.5" would load as k = 0 without a word, and
 * exported SBML would say value="0,5". Each public call that reads or
 * writes such text therefore runs between muskx__c_numeric_enter() and
 * muskx__c_numeric_leave(), which switch the calling thread alone
 * (uselocale, POSIX.1-2008) to the C locale and back; the process locale
 * and other threads are untouched. Calls nest.
 */
#ifndef MUSKX_NUMLOCALE_H
#define MUSKX_NUMLOCALE_H

#include <locale.h>

#include "muskx.h"

typedef struct muskx__c_numeric {
  locale_t c;   /* the C locale while switched, or 0 */
  locale_t old; /* what uselocale() returned, restored on leave */
} muskx__c_numeric;

/* Switches the calling thread; MUSKX_ENOMEM (err filled) if the locale
   cannot be built, and then nothing was switched. */
muskx_status muskx__c_numeric_enter(muskx__c_numeric *s, muskx_error *err);
/* Restores the thread's locale of before the matching enter. */
void muskx__c_numeric_leave(muskx__c_numeric *s);

#endif
