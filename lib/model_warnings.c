/*
 * model_warnings.c -- what `muskx check` warns about in a model that loads
 * and compiles: things that are legal but almost surely not what the
 * author meant. Computed once after compiling (the model stays immutable)
 * and read with muskx_model_warning_count() / muskx_model_warning().
 *
 * Today: event conditions that can never turn from false to true (issue
 * 18), from the compiler's analysis (compile.h, when_static).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "model.h"

static int add(muskx_model *m, const char *text) {
  char **w = muskx__reallocarray(m->warnings, (size_t)m->nwarnings + 1, sizeof *w);
  if (w == NULL) return -1;
  m->warnings = w;
  if ((w[m->nwarnings] = muskx__strdup(text)) == NULL) return -1;
  m->nwarnings++;
  return 0;
}

int muskx__model_warnings(muskx_model *m) {
  const muskx__program *p = m->program;
  char buf[1024];
  for (int e = 0; p != NULL && e < m->nevents; e++) {
    const muskx__event *ev = &m->events[e];
    const char *why = NULL;
    if (ev->when == NULL) continue;
    switch (p->when_static[e]) {
      case MUSKX__WHEN_FALSE:
        why = "is always false: the event never fires";
        break;
      case MUSKX__WHEN_TRUE:
        why = ev->initial_value
                  ? "is always true: it never turns from false to true, so "
                    "the event never fires (initial_value: false would "
                    "fire it once, at the start)"
                  : "is always true: the event fires once, at the start";
        break;
      case MUSKX__WHEN_FIXED:
        why = "uses no time, species or input, and no event sets a "
              "parameter: it never changes, so the event fires at most "
              "once, at the start (when initial_value is false)";
        break;
      default: continue;
    }
    snprintf(buf, sizeof buf, "%s:%d:%d: warning: the condition of event "
             "'%s' %s", m->source, ev->when->line, ev->when->col, ev->id, why);
    if (add(m, buf)) return -1;
  }
  return 0;
}

int muskx_model_warning_count(const muskx_model *m) {
  return m == NULL ? 0 : m->nwarnings;
}

const char *muskx_model_warning(const muskx_model *m, int index) {
  if (m == NULL || index < 0 || index >= m->nwarnings) return NULL;
  return m->warnings[index];
}
