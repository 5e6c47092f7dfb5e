/*
 * textcase.h -- comparing names as users write them: ASCII letters in any
 * case. Shared by the model loader (an input's aka:/opposite: names,
 * load_values.c) and the scenario readers (agents, routes, hints,
 * scenario*.c), so that a name refused as a duplicate "ignoring case" at
 * load is the same name a scenario's hint search would find.
 */
#ifndef MUSKX_TEXTCASE_H
#define MUSKX_TEXTCASE_H

/* a and b equal but for the case of ASCII letters (not the locale's:
   bytes of 0x80 and above compare as they are). */
int muskx__same_ignoring_case(const char *a, const char *b);
/* c with an ASCII capital made small (upper: the reverse); any other byte,
   0x80 and above too, as it is, whatever the locale (tolower() and
   toupper() follow LC_CTYPE, which a program may have set). */
char muskx__ascii_lower(char c);
char muskx__ascii_upper(char c);

#endif
