/*
 * model_warnings.c -- what `muskx check` warns about in a model that loads
 * and compiles: things that are legal but almost surely not what the
 * author meant. Computed once after compiling (the model stays immutable)
 * and read with muskx_model_warning_count() / muskx_model_warning().
 *
 * Today (issue 18): event conditions that can never turn from false to
 * true, from the compiler's analysis (compile.h, when_static), and events
 * of a model translated from SBML Level 1-2 that are true at the start.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "model.h"
#include "vm.h"

static int add(muskx_model *m, const char *text) {
  char **w = muskx__reallocarray(m->warnings, (size_t)m->nwarnings + 1, sizeof *w);
  if (w == NULL) return -1;
  m->warnings = w;
  if ((w[m->nwarnings] = muskx__strdup(text)) == NULL) return -1;
  m->nwarnings++;
  return 0;
}

/* Translated from SBML Level 1-2 with the default reading: each event
   whose `when` is true at t = 0 (defaults) does not fire at the start, a
   reading Level 2 leaves open (issue 18: Komarova 2003's switches). */
static int sbml_l2_true_at_start(muskx_model *m) {
  const muskx__program *p = m->program;
  if (m->sbml_level == 0 || m->sbml_level >= 3 || m->nevents == 0) return 0;
  double *R = muskx__calloc((size_t)p->nregs + 1, sizeof *R);
  if (R == NULL) return -1;
  muskx__model_eval_defaults(m, R);
  R[p->reg_time] = 0.0;
  /* a delayed value has no history yet: NaN, so nothing counts as true */
  for (int32_t k = 0; k < p->ndelays; k++) R[p->reg_delay0 + k] = NAN;
  muskx__vm_run(&p->triggers, R);
  int rc = 0;
  char buf[1024];
  for (int e = 0; e < m->nevents && rc == 0; e++) {
    const muskx__event *ev = &m->events[e];
    if (ev->when == NULL || ev->initial_value_given || !ev->initial_value ||
        R[p->triggers.results[e]] == 0.0)
      continue;
    snprintf(buf, sizeof buf,
             "%s: warning: SBML Level %d event '%s' is true at the start "
             "(t = 0); Level %d does not say whether it fires then: read as "
             "not firing (libSBML's Level 3 reading); import with "
             "--l2-initial-trigger false (muskx_sbml_to_yaml_opt) to fire it "
             "at the start, or true to keep this reading without a warning",
             m->source, m->sbml_level, ev->id, m->sbml_level);
    rc = add(m, buf);
  }
  muskx__free(R);
  return rc;
}

int muskx__model_warnings(muskx_model *m) {
  const muskx__program *p = m->program;
  char buf[1024];
  if (sbml_l2_true_at_start(m) != 0) return -1;
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
