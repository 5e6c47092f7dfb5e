/*
 * unit_parse.h -- reading the unit strings of a model (`unit:` of
 * parameters, species, inputs, ...) so that two spellings of one unit
 * compare equal ("1/d", "1/day", "d^-1") and two different units do not
 * ("1/h" against "1/d": same dimension, 24 times apart).
 *
 * Grammar (the format's `unit:` values; man5 "Units"):
 *   unit    := factor (('*' | '/') factor)*
 *   factor  := atom ('^' ['-' | '+'] digits)?
 *   atom    := number | word | '(' unit ')'
 * Words: s, min, h, d, wk, month, yr (their long names and plurals, hr,
 * hrs, sec, msec), g, mol, m, L, M
 * (mol/L), N, with the prefixes f p n u µ m c d k on g, mol, m, L, M, N,
 * s; '%' and "percent" (0.01); "dimensionless"; SBML's kinds gram, mole,
 * metre, litre (and -er). Any other word (cells,
 * heartbeat) is a count of its own kind, a trailing plural 's' dropped, so
 * "cells" and "cell" are one unit and neither is "mg".
 */
#ifndef MUSKX_UNIT_PARSE_H
#define MUSKX_UNIT_PARSE_H

#include <stddef.h>

enum { MUSKX__UNIT_TIME, MUSKX__UNIT_MASS, MUSKX__UNIT_AMOUNT,
       MUSKX__UNIT_LENGTH, MUSKX__UNIT_NBASE };
#define MUSKX__UNIT_MAX_WORDS 4
#define MUSKX__UNIT_WORD_MAX 32

typedef struct muskx__unit {
  double scale;                  /* in s, g, mol, m */
  int dim[MUSKX__UNIT_NBASE];    /* exponents of the base dimensions */
  int nwords;                    /* counts of their own kind ("cell") */
  struct {
    char name[MUSKX__UNIT_WORD_MAX];
    int exp;
  } words[MUSKX__UNIT_MAX_WORDS];
} muskx__unit;

/* Reads text into *u. 0 on success; -1 with a sentence in msg (and the
   0-based column of the problem in *col) otherwise. */
int muskx__unit_parse(const char *text, muskx__unit *u, char *msg, size_t size,
                      int *col);

/* 1 when a and b have one dimension; then *ratio is how many b make one
   a (24 for a = 1/h, b = 1/d). 0 otherwise. */
int muskx__unit_ratio(const muskx__unit *a, const muskx__unit *b, double *ratio);

/* The dimension of u for messages: "time^-1", "amount length^-3",
   "cell time^-1"; "1" when dimensionless. */
void muskx__unit_dimension(const muskx__unit *u, char *buf, size_t size);

/* The scale of the unit in the first len bytes of text (need not be
   NUL-terminated) when it has exactly the dimension want (time, mass,
   amount, length exponents) and no count words: 86400 for "d" with want
   {1,0,0,0}, 1e-6 for "ug" with {0,1,0,0}. 0 when it does not read or has
   another dimension. For the fixed-kind units (time_unit, dose units). */
double muskx__unit_scale_as(const char *text, size_t len,
                            const int want[MUSKX__UNIT_NBASE]);

#endif
