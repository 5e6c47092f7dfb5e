/*
 * scenario_near.c -- what a refused name or word probably means, for the
 * "did you mean" of the scenario readers (scenario.c, scenario_drug.c,
 * scenario_every.c) and the ensembles' name checks (ensemble.c): the one
 * place that decides when a suggestion is made, so that every lookup
 * treats another case and a short typo alike (session 27).
 *
 * A candidate that differs from the text only in case is taken first, at
 * any length (PRE: pre, MG: mg, Dose: dose); two such leave no
 * suggestion. Else the one candidate nearest in letters of any case:
 * within 1 edit for a text of 3 characters (mgs: mg), within 2 for a
 * longer one; none for 1 or 2 characters (x, iu), and none when two
 * candidates are as near (a suggestion would then be a guess).
 *
 * A model's names are compounds, so for them (muskx__sc_near_name) two
 * more rules look at the parts (session 28: `set: {menopause: 1}` got no
 * hint toward postmenopausal, many edits away): the one name that is the
 * text when separators (_ - . and blanks) are left out on both sides
 * (Post_Meno_Pausal, calcium-intake), and, when no name is near as a
 * whole, the one name that contains the text, of 6 characters or more,
 * within 1 edit (menopausal, menopause: postmenopausal; an imported
 * module's prefixed copies, bone_t.postmenopausal, only for a text with a
 * '.'). A text contained in two names (exercise: exercise_aerobic,
 * exercise_resistive) gets none.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "scenario.h"
#include "textcase.h"

/* Edit distance between a and b (insertions, deletions, substitutions,
   adjacent transpositions), ASCII letters compared in any case, or
   NEAR_MAX + 1 when it exceeds NEAR_MAX or a name is longer than
   NEAR_LEN. */
#define NEAR_MAX 2
#define NEAR_LEN 64
static int same_letter(char a, char b) {
  return muskx__ascii_lower(a) == muskx__ascii_lower(b);
}

static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > NEAR_LEN || lb > NEAR_LEN) return NEAR_MAX + 1;
  if ((la > lb ? la - lb : lb - la) > NEAR_MAX) return NEAR_MAX + 1;
  int d[NEAR_LEN + 1][NEAR_LEN + 1];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int cost = !same_letter(a[i - 1], b[j - 1]);
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) &&
          same_letter(a[i - 2], b[j - 1]) && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb] > NEAR_MAX ? NEAR_MAX + 1 : d[la][lb];
}

/* Edit distance between text and the nearest substring of name (the same
   edits as edit_distance(); a name longer than NEAR_LEN is cut there). */
static int contained_distance(const char *text, const char *name) {
  size_t la = strlen(text), lb = strlen(name);
  if (la > NEAR_LEN) return NEAR_MAX + 1;
  if (lb > NEAR_LEN) lb = NEAR_LEN;
  int d[NEAR_LEN + 1][NEAR_LEN + 1];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = 0; /* start anywhere in name */
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int cost = !same_letter(text[i - 1], name[j - 1]);
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && same_letter(text[i - 1], name[j - 2]) &&
          same_letter(text[i - 2], name[j - 1]) && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  int best = d[la][0];
  for (size_t j = 1; j <= lb; j++) /* end anywhere in name */
    if (d[la][j] < best) best = d[la][j];
  return best;
}

static int is_separator(char c) {
  return c == '_' || c == '-' || c == '.' || c == ' ' || c == '\t';
}

/* a and b are the same with separators left out, letters in any case */
static int same_without_separators(const char *a, const char *b) {
  for (;;) {
    while (is_separator(*a)) a++;
    while (is_separator(*b)) b++;
    if (*a == '\0' || *b == '\0') return *a == *b;
    if (!same_letter(*a++, *b++)) return 0;
  }
}

int muskx__sc_edit_distance(const char *a, const char *b) {
  return edit_distance(a, b);
}

/* The candidates given to near_add() (the same name twice counts once):
   the ones that differ from text only in case, and the nearest others. */
typedef struct {
  const char *text;
  const char *hit; /* the nearest within NEAR_MAX */
  int best, nhit;
  const char *in_case; /* the first that differs only in case */
  int ncase;
} nearest;

static nearest near_start(const char *text) {
  nearest n = {text, NULL, NEAR_MAX + 1, 0, NULL, 0};
  return n;
}

static void near_add(nearest *n, const char *name) {
  if (name == NULL || strcmp(name, n->text) == 0) return;
  if (muskx__same_ignoring_case(name, n->text)) {
    if (n->ncase == 0 || strcmp(name, n->in_case) != 0) n->ncase++;
    if (n->in_case == NULL) n->in_case = name;
    return;
  }
  int dist = edit_distance(n->text, name);
  if (dist < n->best) {
    n->best = dist;
    n->hit = name;
    n->nhit = 1;
  } else if (dist == n->best && dist <= NEAR_MAX && strcmp(name, n->hit) != 0) {
    n->nhit++;
  }
}

/* The one candidate in another case; else, for a text of at least
   `from` characters (and never below 3), the one nearest within 1 edit
   (3 characters) or 2 (more); NULL otherwise. *case_tie is set when two
   differ from text only in case (no typo is then looked for). */
static const char *near_result(const nearest *n, size_t from, int *case_tie) {
  size_t tl = strlen(n->text);
  *case_tie = n->ncase > 1;
  if (n->ncase == 1) return n->in_case;
  if (n->ncase > 1 || tl < 3 || tl < from) return NULL;
  int most = tl == 3 ? 1 : NEAR_MAX;
  return n->best <= most && n->nhit == 1 ? n->hit : NULL;
}

/* The one input of m that lists text (in any case) in its `aka:`
   (opposite 0) or its `opposite:` (opposite 1), or -1. */
static int input_word(const muskx_model *m, const char *text, int opposite) {
  int which = -1;
  for (int i = 0; i < m->ninputs; i++) {
    char **w = opposite ? m->inputs[i].opposite : m->inputs[i].aka;
    int n = opposite ? m->inputs[i].nopposite : m->inputs[i].naka;
    for (int k = 0; k < n; k++)
      if (muskx__same_ignoring_case(w[k], text)) {
        if (which >= 0 && which != i) return -1;
        which = i;
      }
  }
  return which;
}

int muskx__sc_input_aka(const muskx_model *m, const char *text) {
  return input_word(m, text, 0);
}

int muskx__sc_input_opposite(const muskx_model *m, const char *text) {
  return input_word(m, text, 1);
}

const char *muskx__sc_near_name(const muskx_model *m, const muskx_kind *kinds,
                                int nkinds, const char *text) {
  size_t tl = strlen(text);
  /* 0: another name of an input (its `aka:`: gravity for loading) */
  for (int k = 0; k < nkinds; k++)
    if (kinds[k] == MUSKX_INPUT) {
      int in = muskx__sc_input_aka(m, text);
      if (in >= 0) return m->inputs[in].name;
    }
  /* 1: the one name in another case (near_result) */
  nearest n = near_start(text);
  for (int k = 0; k < nkinds; k++)
    for (int i = 0; i < muskx_model_count(m, kinds[k]); i++)
      near_add(&n, muskx_model_name_at(m, kinds[k], i));
  int case_tie;
  if (n.ncase > 0) return near_result(&n, 0, &case_tie);
  /* 2: the one name that is text and a suffix (BMD_spine: BMD_spine_pct) */
  const char *hit = NULL;
  int nhit = 0;
  for (int k = 0; k < nkinds && tl >= 4; k++)
    for (int i = 0; i < muskx_model_count(m, kinds[k]); i++) {
      const char *o = muskx_model_name_at(m, kinds[k], i);
      if (o != NULL && strncmp(o, text, tl) == 0 && o[tl] == '_')
        hit = o, nhit++;
    }
  if (nhit == 1) return hit;
  if (nhit > 1) return NULL;
  /* 3: the one name that is text with separators left out on both sides
     (Post_Meno_Pausal: postmenopausal) */
  hit = NULL;
  for (int k = 0; k < nkinds; k++)
    for (int i = 0; i < muskx_model_count(m, kinds[k]); i++) {
      const char *o = muskx_model_name_at(m, kinds[k], i);
      if (o != NULL && strcmp(o, text) != 0 &&
          (hit == NULL || strcmp(o, hit) != 0) &&
          same_without_separators(o, text))
        hit = o, nhit++;
    }
  if (nhit == 1) return hit;
  if (nhit > 1) return NULL;
  /* 4: the one name nearest, from 5 characters on (a model has many
     short names: a 3- or 4-letter typo would too often find one) */
  const char *near = near_result(&n, 5, &case_tie);
  if (near != NULL || n.best <= NEAR_MAX) return near;
  /* 5: when none is near as a whole, the one name that contains text of
     6 characters or more within 1 edit (menopause: postmenopausal); an
     imported module's copies (bone_t.postmenopausal, prefixed by its
     import) only for a text with a '.' itself */
  hit = NULL;
  int dotted = strchr(text, '.') != NULL;
  for (int k = 0; k < nkinds && tl >= 6; k++)
    for (int i = 0; i < muskx_model_count(m, kinds[k]); i++) {
      const char *o = muskx_model_name_at(m, kinds[k], i);
      if (o != NULL && strcmp(o, text) != 0 &&
          (dotted || strchr(o, '.') == NULL) &&
          (hit == NULL || strcmp(o, hit) != 0) &&
          contained_distance(text, o) <= 1)
        hit = o, nhit++;
    }
  return nhit == 1 ? hit : NULL;
}

const char *muskx__sc_near_in(const char *text, int count,
                              const char *(*name)(const void *, int),
                              const void *ctx) {
  nearest n = near_start(text);
  int case_tie;
  for (int i = 0; i < count; i++) near_add(&n, name(ctx, i));
  return near_result(&n, 3, &case_tie);
}

static const char *word_at(const void *words, int i) {
  return ((const char *const *)words)[i];
}

const char *muskx__sc_near_word(const char *text, const char *const *words) {
  int count = 0;
  while (words[count] != NULL) count++;
  return muskx__sc_near_in(text, count, word_at, words);
}

const char *muskx__sc_suggest(char *buf, size_t size, const char *text,
                              const char *near, const char *what) {
  if (near == NULL)
    snprintf(buf, size, "%s", "");
  else if (what != NULL && muskx__same_ignoring_case(near, text))
    snprintf(buf, size, ": %s are case-sensitive: write '%s'", what, near);
  else
    snprintf(buf, size, ": did you mean '%s'?", near);
  return buf;
}
