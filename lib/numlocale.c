/*
 * numlocale.c -- the C numeric conventions for the library's text I/O
 * (see numlocale.h).
 */
#include "numlocale.h"

#include "error.h"

muskx_status muskx__c_numeric_enter(muskx__c_numeric *s, muskx_error *err) {
  s->c = (locale_t)0;
  s->old = (locale_t)0;
  /* A copy of the thread's locale (the global one unless the host called
     uselocale), so that only LC_NUMERIC changes: newlocale() takes over
     the copy it is given. */
  locale_t base = duplocale(uselocale((locale_t)0));
  if (base == (locale_t)0)
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  locale_t c = newlocale(LC_NUMERIC_MASK, "C", base);
  if (c == (locale_t)0) {
    freelocale(base);
    return muskx__seterr(err, MUSKX_ENOMEM, NULL, "out of memory");
  }
  s->c = c;
  s->old = uselocale(c);
  return MUSKX_OK;
}

void muskx__c_numeric_leave(muskx__c_numeric *s) {
  if (s->c == (locale_t)0) return;
  uselocale(s->old);
  freelocale(s->c);
  s->c = (locale_t)0;
}
