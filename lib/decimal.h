/*
 * decimal.h -- the one grammar of a number in the library's text: a
 * decimal number, digits [. digits] [(e|E) [+-] digits] or . digits
 * [...]. strtod() alone also reads hexadecimal ("0x10" is 16, "0x1p3"
 * is 8), "inf", "infinity" and "nan" in any case; a model or scenario
 * that wrote those would run on a number its author may not have meant,
 * so they are refused where user text is read (expr.c, load_reactions.c,
 * the scenario readers in scenario*.c).
 */
#ifndef MUSKX_DECIMAL_H
#define MUSKX_DECIMAL_H

#include <stddef.h>

/* Length of the decimal number the len characters at s start with (no
   sign), or 0 when they start none ("1e", ".", "x"). */
size_t muskx__decimal_span(const char *s, size_t len);

/* strtod() of the decimal number at s, with an optional sign: *end just
   after it, or s when s starts no decimal number (then 0). errno is
   ERANGE on overflow, as strtod's. In the C locale (numlocale.h). */
double muskx__decimal_strtod(const char *s, char **end);

/* When text holds a number strtod() reads and the grammar refuses -- a
   hexadecimal one (0x10, 0x1p3), inf, infinity or nan, as a word of its
   own -- what to write instead, in why ("'0x10' is a hexadecimal
   number: write it in decimal (16)"), and 1; else 0. */
int muskx__decimal_refusal(const char *text, char *why, size_t size);

#endif
