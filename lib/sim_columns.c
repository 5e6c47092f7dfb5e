/*
 * sim_columns.c -- the columns a run writes (issue 20): by default species
 * then outputs; muskx_sim_select() chooses any species, output,
 * assignment, reaction (its flux), parameter, compartment or input, and
 * "time". muskx_sim_column_name()/_unit() say what each column is.
 *
 * A selected column is computed at the sample from the same compiled
 * programs the solver uses (outputs, assignments, rates), so it is the
 * value the model had at that instant, events and input steps included.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

/* The kind of the "time" column. */
#define TIME_COLUMN (-1)

struct muskx__column {
  int kind;  /* muskx_kind, or TIME_COLUMN */
  int index; /* within its kind */
  int kept;  /* an output's position among the kept outputs, or -1 */
  char *unit;
};

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = muskx__alloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

void muskx__sim_columns_free(muskx_sim *s) {
  for (int j = 0; j < s->ncolumns; j++) muskx__free(s->columns[j].unit);
  muskx__free(s->columns);
  s->columns = NULL;
  s->ncolumns = 0;
  /* the sampled states were those of the old selection */
  s->sample_on = 0;
  muskx__free(s->sample_idx);
  s->sample_idx = NULL;
  s->sample_n = 0;
  if (s->ysample != NULL) N_VDestroy(s->ysample);
  s->ysample = NULL;
}

/* marks in need[] the states program q reads (any operand, or a result,
   in the state registers) */
static void mark_states(const muskx_sim *s, const muskx__prog *q,
                        uint8_t *need) {
  int32_t lo = s->p->reg_state0, n = s->m->nspecies;
  for (int32_t i = 0; i < q->ncode; i++) {
    const muskx__instr *in = &q->code[i];
    int32_t ops[3] = {in->b, in->c, in->d};
    for (int o = 0; o < 3; o++)
      if (ops[o] >= lo && ops[o] - lo < n) need[ops[o] - lo] = 1;
  }
  for (int32_t k = 0; k < q->nresults; k++)
    if (q->results[k] >= lo && q->results[k] - lo < n)
      need[q->results[k] - lo] = 1;
}

muskx_status muskx__sim_sample_states(muskx_sim *s) {
  int n = s->m->nspecies;
  s->sample_on = 0;
  /* Not with root functions: CVode uses its yout as the work vector of
     root finding (cv_y, interpolated there by CVodeGetDky), so the roots
     would see the unsampled states. Nor for full rows, delays (their own
     stepping) or algebraic equations (IDA). */
  if (s->ncolumns == 0 || n == 0 || s->p->nroots > 0 || s->p->ndelays > 0 ||
      s->p->nalg > 0)
    return MUSKX_OK;
  for (int j = 0; j < s->ncolumns; j++) {
    int k = s->columns[j].kind;
    if (k == MUSKX_ASSIGNMENT || k == MUSKX_REACTION) return MUSKX_OK;
  }
  uint8_t *need = muskx__calloc((size_t)n, 1);
  if (need == NULL) return MUSKX_ENOMEM;
  /* the kept outputs' program, and all outputs' when a column is an
     output not kept (muskx__sim_record_selected runs both then) */
  int all_outputs = !s->have_out_keep;
  for (int j = 0; j < s->ncolumns; j++)
    if (s->columns[j].kind == MUSKX_OUTPUT && s->columns[j].kept < 0)
      all_outputs = 1;
  if (s->have_out_keep) mark_states(s, &s->out_keep, need);
  if (all_outputs) mark_states(s, &s->p->outputs, need);
  for (int j = 0; j < s->ncolumns; j++)
    if (s->columns[j].kind == MUSKX_SPECIES) need[s->columns[j].index] = 1;
  int32_t cnt = 0;
  for (int i = 0; i < n; i++) cnt += need[i];
  int32_t *idx = muskx__calloc((size_t)cnt + 1, sizeof *idx);
  if (idx == NULL) {
    muskx__free(need);
    return MUSKX_ENOMEM;
  }
  cnt = 0;
  for (int i = 0; i < n; i++)
    if (need[i]) idx[cnt++] = i;
  muskx__free(need);
  muskx__free(s->sample_idx);
  if (s->ysample != NULL) N_VDestroy(s->ysample);
  s->ysample = NULL;
  s->sample_idx = idx;
  s->sample_n = cnt;
  s->sample_on = 1;
  return MUSKX_OK;
}

/* The unit of a reaction's flux: its first species' unit per time unit,
   "" when either is unknown. */
static char *flux_unit(const muskx_model *m, int r) {
  const muskx__reaction *rx = &m->reactions[r];
  const char *su = NULL;
  if (rx->nlhs > 0) su = m->species[rx->lhs[0].species].unit;
  else if (rx->nrhs > 0) su = m->species[rx->rhs[0].species].unit;
  const char *tu = m->time_unit ? m->time_unit : "";
  if (su == NULL || su[0] == '\0' || tu[0] == '\0') return dup_string("");
  size_t n = strlen(su) + strlen(tu) + 8;
  char *u = muskx__alloc(n);
  if (u != NULL) snprintf(u, n, "(%s)/%s", su, tu);
  return u;
}

/* Finds name among the kinds a column may be, in the order of
   muskx_kind; fills *col. 0 found, -1 not. */
static int find_column(const muskx_model *m, const char *name,
                       struct muskx__column *col) {
  static const muskx_kind kinds[] = {MUSKX_SPECIES,     MUSKX_OUTPUT,
                                     MUSKX_ASSIGNMENT,  MUSKX_REACTION,
                                     MUSKX_PARAMETER,   MUSKX_COMPARTMENT,
                                     MUSKX_INPUT};
  if (strcmp(name, "time") == 0 || strcmp(name, "t") == 0) {
    col->kind = TIME_COLUMN;
    col->index = 0;
    col->unit = dup_string(m->time_unit ? m->time_unit : "");
    return 0;
  }
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    int i = muskx_model_find(m, kinds[k], name);
    if (i < 0) continue;
    col->kind = (int)kinds[k];
    col->index = i;
    col->unit = kinds[k] == MUSKX_REACTION
                    ? flux_unit(m, i)
                    : dup_string(muskx_model_unit(m, kinds[k], i));
    return 0;
  }
  return -1;
}

muskx_status muskx_sim_select(muskx_sim *s, const char *const *names, int n) {
  if (s == NULL) return MUSKX_EINVAL;
  if (n < 0 || (n > 0 && names == NULL))
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "select: %d names and %s list", n,
                          names ? "a" : "no");
  if (s->nsens > 0 && n > 0)
    return muskx__sim_err(s, MUSKX_ESTATE,
                          "select: columns cannot be chosen while "
                          "sensitivities are on (they follow the default "
                          "columns)");
  struct muskx__column *cols =
      n > 0 ? muskx__calloc((size_t)n, sizeof *cols) : NULL;
  if (n > 0 && cols == NULL)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (select)");
  for (int j = 0; j < n; j++) {
    if (names[j] == NULL || find_column(s->m, names[j], &cols[j]) != 0) {
      for (int q = 0; q < j; q++) muskx__free(cols[q].unit);
      muskx__free(cols);
      if (names[j] == NULL)
        return muskx__sim_err(s, MUSKX_EINVAL, "select: name %d is NULL", j);
      return muskx__sim_err(s, MUSKX_ENOTFOUND,
                            "select: no species, output, assignment, "
                            "reaction, parameter, compartment or input "
                            "'%s' in model '%s'",
                            names[j], s->m->id);
    }
    if (cols[j].unit == NULL) {
      for (int q = 0; q < j; q++) muskx__free(cols[q].unit);
      muskx__free(cols);
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (select)");
    }
  }
  muskx__sim_columns_free(s);
  s->columns = cols;
  s->ncolumns = n;
  muskx__sim_columns_link(s);
  s->errmsg[0] = '\0';
  return MUSKX_OK;
}

int muskx_sim_ncols(const muskx_sim *s) {
  if (s == NULL) return -1;
  return s->ncolumns > 0 ? s->ncolumns : s->m->nspecies + s->m->noutputs;
}

const char *muskx_sim_column_name(const muskx_sim *s, int j) {
  if (s == NULL || j < 0 || j >= muskx_sim_ncols(s)) return NULL;
  if (s->ncolumns == 0)
    return j < s->m->nspecies
               ? muskx_model_name_at(s->m, MUSKX_SPECIES, j)
               : muskx_model_name_at(s->m, MUSKX_OUTPUT, j - s->m->nspecies);
  const struct muskx__column *c = &s->columns[j];
  return c->kind == TIME_COLUMN
             ? "time"
             : muskx_model_name_at(s->m, (muskx_kind)c->kind, c->index);
}

const char *muskx_sim_column_unit(const muskx_sim *s, int j) {
  if (s == NULL || j < 0 || j >= muskx_sim_ncols(s)) return NULL;
  if (s->ncolumns == 0)
    return j < s->m->nspecies
               ? muskx_model_unit(s->m, MUSKX_SPECIES, j)
               : muskx_model_unit(s->m, MUSKX_OUTPUT, j - s->m->nspecies);
  return s->columns[j].unit;
}

int muskx__sim_column_kind(const muskx_sim *s, int j, int *index) {
  *index = s->columns[j].index;
  return s->columns[j].kind;
}

/* Runs prog at (t, y) once per row when a column needs it. */
static void eval_once(muskx_sim *s, const muskx__prog *prog, double t,
                      const double *y, int *done) {
  if (!*done) muskx__sim_eval(s, prog, t, y);
  *done = 1;
}

int muskx__sim_column_output(const muskx_sim *s, int j) {
  if (j < 0 || j >= s->ncolumns) return -1;
  return s->columns[j].kind == MUSKX_OUTPUT ? s->columns[j].index : -1;
}

/* Where output `output` is among the kept outputs (sim_outputs.c), or -1. */
static int kept_position(const muskx_sim *s, int output) {
  if (!s->have_out_keep) return -1;
  for (int32_t k = 0; k < s->out_keep.nresults; k++)
    if (s->out_keep_idx[k] == output) return (int)k;
  return -1;
}

void muskx__sim_columns_link(muskx_sim *s) {
  for (int j = 0; j < s->ncolumns; j++) {
    struct muskx__column *c = &s->columns[j];
    c->kept = c->kind == MUSKX_OUTPUT ? kept_position(s, c->index) : -1;
  }
}

void muskx__sim_record_selected(muskx_sim *s, double t, const double *y,
                                double *row) {
  const muskx__program *p = s->p;
  /* One program at a time: each evaluation overwrites the temporaries,
     so the columns of one program are read right after it runs. The
     first is the kept outputs when there are (an ensemble member's
     columns, issue 19), else all outputs. */
  const muskx__prog *progs[] = {&p->outputs, &p->assigns, &p->rates};
  const int kinds[] = {MUSKX_OUTPUT, MUSKX_ASSIGNMENT, MUSKX_REACTION};
  const muskx__prog *first = s->have_out_keep ? &s->out_keep : &p->outputs;
  muskx__sim_eval(s, first, t, y); /* sets time, inputs, states */
  for (int j = 0; j < s->ncolumns; j++) {
    const struct muskx__column *c = &s->columns[j];
    switch (c->kind) {
      case TIME_COLUMN: row[j] = t; break;
      case MUSKX_SPECIES: row[j] = y[c->index]; break;
      case MUSKX_PARAMETER:
        row[j] = s->R[p->reg_param0 + c->index];
        break;
      case MUSKX_COMPARTMENT:
        row[j] = s->R[p->reg_param0 + s->m->nparams + c->index];
        break;
      case MUSKX_INPUT: row[j] = s->R[p->reg_input0 + c->index]; break;
      case MUSKX_OUTPUT:
        if (c->kept >= 0) row[j] = s->R[s->out_keep.results[c->kept]];
        break;
      default: break;
    }
  }
  for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++) {
    int done = k == 0 && !s->have_out_keep; /* all outputs ran first */
    for (int j = 0; j < s->ncolumns; j++) {
      const struct muskx__column *c = &s->columns[j];
      if (c->kind != kinds[k]) continue;
      if (kinds[k] == MUSKX_OUTPUT && c->kept >= 0) continue; /* read above */
      eval_once(s, progs[k], t, y, &done);
      row[j] = s->R[progs[k]->results[c->index]];
    }
  }
}
