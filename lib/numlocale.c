/*
 * numlocale.c -- the C locale for the library's text I/O (see
 * numlocale.h).
 *
 * The whole C locale rather than only its LC_NUMERIC: glibc hands out
 * newlocale(LC_ALL_MASK, "C", 0) as a static object, without allocating
 * and without reading LOCPATH (its newlocale leaks the LOCPATH search list
 * of every call that builds a new object, seen under ASan with glibc
 * 2.36), and the library's messages are English anyway. Nothing in the
 * library depends on the other categories.
 */
#include "numlocale.h"

#include "error.h"

muskx_status muskx__c_numeric_enter(muskx__c_numeric *s, muskx_error *err) {
  s->old = (locale_t)0;
  s->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (s->c == (locale_t)0)
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  s->old = uselocale(s->c);
  return MUSKX_OK;
}

void muskx__c_numeric_leave(muskx__c_numeric *s) {
  if (s->c == (locale_t)0) return;
  uselocale(s->old);
  freelocale(s->c);
  s->c = (locale_t)0;
}
