/*
 * decimal.c -- the decimal number grammar (decimal.h).
 */
#include "decimal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static int digit(char ch) { return ch >= '0' && ch <= '9'; }

size_t muskx__decimal_span(const char *s, size_t len) {
  size_t i = 0, digits = 0;
  while (i < len && digit(s[i])) i++, digits++;
  if (i < len && s[i] == '.') {
    i++;
    while (i < len && digit(s[i])) i++, digits++;
  }
  if (digits == 0) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1, ed = 0;
    if (j < len && (s[j] == '+' || s[j] == '-')) j++;
    while (j < len && digit(s[j])) j++, ed++;
    if (ed == 0) return 0; /* "1e", "1e+" */
    i = j;
  }
  return i;
}

double muskx__decimal_strtod(const char *s, char **end) {
  size_t sign = s[0] == '+' || s[0] == '-';
  size_t n = muskx__decimal_span(s + sign, strlen(s + sign));
  char small[128];
  *end = (char *)s;
  errno = 0;
  if (n == 0) return 0;
  /* a copy of the validated span alone: strtod on s itself would read on
     past it (0x10, 1e5x); a long one (many digits) on the heap */
  char *buf = sign + n < sizeof small ? small : muskx__alloc(sign + n + 1);
  if (buf == NULL) {
    errno = ENOMEM;
    return 0;
  }
  memcpy(buf, s, sign + n);
  buf[sign + n] = '\0';
  errno = 0;
  double v = strtod(buf, NULL);
  int e = errno;
  if (buf != small) muskx__free(buf);
  errno = e;
  *end = (char *)s + sign + n;
  return v;
}

/* Whether the n characters at w are word, in any case. */
static int is_word(const char *w, size_t n, const char *word) {
  if (strlen(word) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)w[i]) != word[i]) return 0;
  return 1;
}

int muskx__decimal_refusal(const char *text, char *why, size_t size) {
  for (const char *p = text; *p != '\0'; p++) {
    /* a word starts after a character that is no letter, digit or '.',
       or after a '.' that follows no digit (YAML's .inf, .nan) */
    if (p > text && (isalnum((unsigned char)p[-1]) ||
                     (p[-1] == '.' && p - 1 > text &&
                      isalnum((unsigned char)p[-2]))))
      continue;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        (isxdigit((unsigned char)p[2]) || p[2] == '.')) {
      char *end;
      errno = 0;
      double v = strtod(p, &end);
      int range = errno == ERANGE || v != v || v - v != 0;
      size_t len = end - p > 2 ? (size_t)(end - p) : 0;
      if (len == 0) /* 0x. : strtod reads the 0 alone */
        while (isalnum((unsigned char)p[len]) || p[len] == '.') len++;
      if (end - p <= 2)
        snprintf(why, size,
                 "'%.*s' is no number: write a decimal number (e.g. 30, 0.5 "
                 "or 1e3)", (int)len, p);
      else if (range)
        snprintf(why, size,
                 "'%.*s' is a hexadecimal number out of the range of a "
                 "double: write a decimal number", (int)len, p);
      else
        snprintf(why, size,
                 "'%.*s' is a hexadecimal number: write it in decimal "
                 "(%.15g)", (int)len, p, v);
      return 1;
    }
    int dot = p[0] == '.';
    size_t n = 0;
    while (isalpha((unsigned char)p[dot + n])) n++;
    if (n > 0 && (is_word(p + dot, n, "inf") ||
                  is_word(p + dot, n, "infinity") ||
                  is_word(p + dot, n, "nan"))) {
      snprintf(why, size,
               "'%.*s' is not a finite number: write a decimal number "
               "(e.g. 30, 0.5 or 1e3)", (int)(dot + n), p);
      return 1;
    }
    if (n > 0) p += n - 1;
  }
  return 0;
}
