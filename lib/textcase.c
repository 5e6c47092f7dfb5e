/*
 * textcase.c -- names compared ignoring ASCII case (textcase.h).
 */
#include "textcase.h"

int muskx__same_ignoring_case(const char *a, const char *b) {
  for (;; a++, b++) {
    unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
    if (x != y) return 0;
    if (x == '\0') return 1;
  }
}
