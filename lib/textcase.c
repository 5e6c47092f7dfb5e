/*
 * textcase.c -- names compared ignoring ASCII case (textcase.h).
 */
#include "textcase.h"

char muskx__ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

char muskx__ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int muskx__same_ignoring_case(const char *a, const char *b) {
  for (;; a++, b++) {
    char x = muskx__ascii_lower(*a), y = muskx__ascii_lower(*b);
    if (x != y) return 0;
    if (x == '\0') return 1;
  }
}
