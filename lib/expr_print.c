/*
 * expr_print.c -- an expression as text, for messages that name the
 * expression at fault (issue 16: "t=2: output 'r' is nan: A / A").
 *
 * Names print as written (E_NAME and E_CALL keep their identifier);
 * parentheses are added only where precedence needs them. The text is
 * cut at the buffer's end with "...".
 */
#include <stdio.h>
#include <string.h>

#include "expr.h"

typedef struct out {
  char *buf;
  size_t n, used;
} out;

static void put(out *o, const char *s) {
  size_t k = strlen(s);
  if (o->used + 1 >= o->n) return;
  size_t room = o->n - 1 - o->used;
  if (k > room) k = room;
  memcpy(o->buf + o->used, s, k);
  o->used += k;
  o->buf[o->used] = '\0';
}

static int prec(const muskx__expr *e) {
  switch (e->kind) {
    case MUSKX__E_OR: return 1;
    case MUSKX__E_AND: return 2;
    case MUSKX__E_EQ: case MUSKX__E_NE: case MUSKX__E_LT:
    case MUSKX__E_LE: case MUSKX__E_GT: case MUSKX__E_GE: return 3;
    case MUSKX__E_ADD: case MUSKX__E_SUB: return 4;
    case MUSKX__E_MUL: case MUSKX__E_DIV: return 5;
    case MUSKX__E_NEG: case MUSKX__E_NOT: return 6;
    case MUSKX__E_POW: return 7;
    default: return 8;
  }
}

static const char *op_text(muskx__expr_kind k) {
  static const char *const t[] = {
      [MUSKX__E_ADD] = " + ", [MUSKX__E_SUB] = " - ", [MUSKX__E_MUL] = " * ",
      [MUSKX__E_DIV] = " / ", [MUSKX__E_POW] = "^",   [MUSKX__E_EQ] = " == ",
      [MUSKX__E_NE] = " != ", [MUSKX__E_LT] = " < ",  [MUSKX__E_LE] = " <= ",
      [MUSKX__E_GT] = " > ",  [MUSKX__E_GE] = " >= ", [MUSKX__E_AND] = " && ",
      [MUSKX__E_OR] = " || "};
  return (size_t)k < sizeof t / sizeof t[0] && t[k] ? t[k] : " ? ";
}

static void print(out *o, const muskx__expr *e, int minprec) {
  if (e == NULL) return;
  int p = prec(e);
  if (p < minprec) put(o, "(");
  char num[32];
  switch (e->kind) {
    case MUSKX__E_NUM:
      snprintf(num, sizeof num, "%.15g", e->num);
      put(o, num);
      break;
    case MUSKX__E_NAME: put(o, e->name ? e->name : "?"); break;
    case MUSKX__E_NEG:
    case MUSKX__E_NOT:
      put(o, e->kind == MUSKX__E_NEG ? "-" : "!");
      if (e->nargs > 0) print(o, e->args[0], p);
      break;
    case MUSKX__E_CALL:
      put(o, e->name ? e->name : "?");
      put(o, "(");
      for (int i = 0; i < e->nargs; i++) {
        if (i) put(o, ", ");
        print(o, e->args[i], 0);
      }
      put(o, ")");
      break;
    default:
      if (e->nargs == 2) {
        /* left-associative, except ^ */
        int right = e->kind == MUSKX__E_POW;
        print(o, e->args[0], right ? p + 1 : p);
        put(o, op_text(e->kind));
        print(o, e->args[1], right ? p : p + 1);
      }
      break;
  }
  if (p < minprec) put(o, ")");
}

void muskx__expr_print(const muskx__expr *e, char *buf, size_t n) {
  if (n == 0) return;
  buf[0] = '\0';
  out o = {buf, n, 0};
  print(&o, e, 0);
  if (o.used + 1 >= n && n > 4) memcpy(buf + n - 4, "...", 4);
}

int muskx__nonfinite_word(const char *s, size_t n) {
  static const char *const words[] = {"inf", "infinity", "nan"};
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
    size_t k = strlen(words[w]), i = 0;
    if (k != n) continue;
    while (i < n && (s[i] | 0x20) == words[w][i]) i++;
    if (i == n) return 1;
  }
  return 0;
}
