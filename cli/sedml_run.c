/*
 * sedml_run.c -- runs a checked SED-ML document (sedml_read.c): every task
 * that a data generator uses, then every data generator, then the reports
 * (OUTDIR/<id>.csv) and 2D plots (OUTDIR/<id>.png, gnuplot).
 *
 * A task's columns are its variables' targets, chosen with
 * muskx_sim_select() (species, parameters, reactions' fluxes, ... and
 * time). A repeated task runs its subtask once per range value, from the
 * model's initial state each time (resetModel="true"), after setting the
 * range's quantity; its data sets then have one column (report) or curve
 * (plot) per repeat. Data generators are MathML arithmetic evaluated point
 * by point.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sedml.h"

/* The values of one task's variables: nrep x npts x nnames. */
typedef struct {
  int done, nrep, npts, nnames;
  const char **names;
  double *v;
} task_out;

typedef struct {
  const sed_doc *d;
  task_out *outs;     /* per task */
  double **dg;        /* per data generator: nrep x npts */
  int *dg_rep, *dg_pts;
} run_ctx;

static int find_task(const sed_doc *d, const char *id) {
  for (int i = 0; i < d->ntasks; i++)
    if (strcmp(d->tasks[i].id, id) == 0) return i;
  return -1;
}

static int find_dg(const sed_doc *d, const char *id) {
  for (int i = 0; i < d->ndgs; i++)
    if (strcmp(d->dgs[i].id, id) == 0) return i;
  return -1;
}

/* The distinct targets the data generators read from task t. */
static int collect_names(const sed_doc *d, const char *task, task_out *o) {
  int cap = 1;
  for (int i = 0; i < d->ndgs; i++) cap += d->dgs[i].nvars;
  o->names = calloc((size_t)cap, sizeof *o->names);
  if (o->names == NULL) return -1;
  for (int i = 0; i < d->ndgs; i++)
    for (int k = 0; k < d->dgs[i].nvars; k++) {
      const sed_var *v = &d->dgs[i].vars[k];
      if (strcmp(v->task, task) != 0) continue;
      int seen = 0;
      for (int j = 0; j < o->nnames; j++) seen |= strcmp(o->names[j], v->target) == 0;
      if (!seen) o->names[o->nnames++] = v->target;
    }
  return 0;
}

/* Runs plain task t once (with set_name = set_value when set_name is
   not NULL), writing npts x nnames values into out. */
static int run_once(const sed_doc *d, const sed_task *t, const char *set_name,
                    double set_value, const task_out *o, double *out,
                    int *npts) {
  const sed_model *mod = NULL;
  const sed_sim *sim = NULL;
  for (int k = 0; k < d->nmodels; k++)
    if (strcmp(d->models[k].id, t->model) == 0) mod = &d->models[k];
  for (int k = 0; k < d->nsims; k++)
    if (strcmp(d->sims[k].id, t->sim) == 0) sim = &d->sims[k];
  muskx_model *m = cli_load_model(mod->source);
  if (m == NULL) return -1;
  muskx_sim *s = NULL;
  muskx_status st = muskx_sim_create(m, &s);
  int rc = -1;
  double *times = NULL;
  if (st != MUSKX_OK) {
    cli_sim_error(mod->source, "cannot create a simulation", s, st);
    goto done;
  }
  for (int k = 0; k < mod->nchanges; k++)
    if ((st = muskx_sim_set(s, mod->changes[k].name, mod->changes[k].value)) != MUSKX_OK) {
      fprintf(stderr, "%s: model '%s': changeAttribute of '%s': %s\n", d->path,
              mod->id, mod->changes[k].name, muskx_sim_errmsg(s));
      goto done;
    }
  if (set_name != NULL && (st = muskx_sim_set(s, set_name, set_value)) != MUSKX_OK) {
    fprintf(stderr, "%s: task '%s': setValue of '%s' = %g: %s\n", d->path,
            t->id, set_name, set_value, muskx_sim_errmsg(s));
    goto done;
  }
  if ((st = muskx_sim_set_tolerances(s, 1e-8, 1e-10)) != MUSKX_OK ||
      (st = muskx_sim_select(s, o->names, o->nnames)) != MUSKX_OK) {
    fprintf(stderr, "%s: task '%s' on model '%s': %s\n", d->path, t->id,
            mod->id, muskx_sim_errmsg(s));
    goto done;
  }
  size_t n = sim->kind == SED_TIME_COURSE ? (size_t)sim->steps + 2 : 1, rows = 0;
  times = calloc(n, sizeof *times);
  double *buf = calloc(n * (size_t)(o->nnames ? o->nnames : 1), sizeof *buf);
  if (times == NULL || buf == NULL) {
    free(buf);
    cli_error("out of memory");
    goto done;
  }
  size_t skip = 0;
  if (sim->kind == SED_STEADY_STATE) {
    if ((st = muskx_sim_steady_state(s, NULL, 0)) != MUSKX_OK) {
      fprintf(stderr, "%s: task '%s' (steadyState) on model '%s': %s\n",
              d->path, t->id, mod->id, muskx_sim_errmsg(s));
      free(buf);
      goto done;
    }
  } else {
    /* the run starts at initialTime; outputs from outputStartTime */
    times[0] = sim->t0;
    for (long i = 0; i <= sim->steps; i++)
      times[i + 1] = sim->out_start +
                     (sim->out_end - sim->out_start) * (double)i / (double)sim->steps;
    skip = 1;
  }
  st = muskx_sim_run(s, times, n, buf, &rows);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s: task '%s' on model '%s': %s\n", d->path, t->id,
            mod->id, muskx_sim_errmsg(s));
    free(buf);
    goto done;
  }
  *npts = (int)(n - skip);
  memcpy(out, buf + skip * (size_t)o->nnames,
         (size_t)*npts * (size_t)o->nnames * sizeof *out);
  free(buf);
  rc = 0;
done:
  free(times);
  muskx_sim_free(s);
  muskx_model_free(m);
  return rc;
}

/* Points of plain task t's simulation. */
static int points_of(const sed_doc *d, const sed_task *t) {
  for (int k = 0; k < d->nsims; k++)
    if (strcmp(d->sims[k].id, t->sim) == 0)
      return d->sims[k].kind == SED_TIME_COURSE ? (int)d->sims[k].steps + 1 : 1;
  return 1;
}

static int run_task(run_ctx *c, int ti) {
  const sed_doc *d = c->d;
  task_out *o = &c->outs[ti];
  const sed_task *t = &d->tasks[ti];
  if (o->done) return 0;
  if (collect_names(d, t->id, o) != 0) return cli_error("out of memory"), -1;
  const sed_task *plain = t->repeated ? &d->tasks[find_task(d, t->sub)] : t;
  o->nrep = t->repeated ? t->nvalues : 1;
  o->npts = points_of(d, plain);
  o->v = calloc((size_t)o->nrep * (size_t)o->npts * (size_t)(o->nnames + 1),
                sizeof *o->v);
  if (o->v == NULL) return cli_error("out of memory"), -1;
  for (int r = 0; r < o->nrep; r++) {
    int npts = 0;
    double *dst = o->v + (size_t)r * (size_t)o->npts * (size_t)o->nnames;
    if (run_once(d, plain, t->repeated ? t->set_name : NULL,
                 t->repeated ? t->values[r] : 0.0, o, dst, &npts) != 0)
      return -1;
  }
  o->done = 1;
  return 0;
}

/* ---------------------------------------------------------------- MathML */

/* Why a data generator's math has no value, and the line of the element
   at fault; the first reason wins. */
typedef struct {
  char msg[256];
  long line;
} math_why;

static double refuse(math_why *w, xmlNodePtr at, const char *fmt, ...)
    CLI_PRINTF(3, 4);
static double refuse(math_why *w, xmlNodePtr at, const char *fmt, ...) {
  if (w->msg[0] == '\0') {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    w->line = at != NULL ? xmlGetLineNo(at) : 0;
  }
  return NAN;
}

static double eval_math(const sed_dg *g, const run_ctx *c, xmlNodePtr n,
                        int r, int i, math_why *why);

static xmlNodePtr first_el(xmlNodePtr n) {
  for (n = n ? n->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE) return n;
  return NULL;
}

static xmlNodePtr next_el(xmlNodePtr n) {
  for (n = n ? n->next : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE) return n;
  return NULL;
}

static int name_is(xmlNodePtr n, const char *s) {
  return n != NULL && strcmp((const char *)n->name, s) == 0;
}

/* The trimmed text of n in buf. */
static const char *text_of(xmlNodePtr n, char *buf, size_t size) {
  xmlChar *t = xmlNodeGetContent(n);
  const char *p = t ? (const char *)t : "";
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  snprintf(buf, size, "%s", p);
  size_t k = strlen(buf);
  while (k > 0 && strchr(" \t\r\n", buf[k - 1])) buf[--k] = '\0';
  xmlFree(t);
  return buf;
}

/* s, all of it, as a finite number; 0 or -1. */
static int whole_number(const char *s, double *out) {
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return end != s && *end == '\0' && errno == 0 && isfinite(*out) ? 0 : -1;
}

/* The number in the text node x (the side of a <sep/>); 0 or -1. */
static int sep_side(xmlNodePtr x, double *out) {
  char buf[64];
  if (x == NULL || x->type != XML_TEXT_NODE) return -1;
  return whole_number(text_of(x, buf, sizeof buf), out);
}

/* <cn>: a number, or type="e-notation" m<sep/>e (m 10^e) or
   type="rational" p<sep/>q (p / q). */
static double eval_cn(xmlNodePtr n, math_why *why) {
  char buf[256], *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
  char *base = (char *)xmlGetProp(n, (const xmlChar *)"base");
  xmlNodePtr sep = NULL;
  double v = NAN, a, b;
  for (xmlNodePtr x = n->children; x; x = x->next)
    if (x->type == XML_ELEMENT_NODE && name_is(x, "sep")) sep = x;
  int e_notation = type != NULL && strcmp(type, "e-notation") == 0;
  int rational = type != NULL && strcmp(type, "rational") == 0;
  if (base != NULL && strcmp(base, "10") != 0)
    refuse(why, n, "a <cn> in base %.20s (only base 10 is)", base);
  else if (sep == NULL && (e_notation || rational))
    refuse(why, n, "a <cn type=\"%s\"> without <sep/>", type);
  else if (sep != NULL && !e_notation && !rational)
    refuse(why, n, "a <cn%s%.40s%s> with <sep/> (e-notation and rational "
           "are)", type ? " type=\"" : "", type ? type : "", type ? "\"" : "");
  else if (sep != NULL &&
           (sep_side(sep->prev, &a) != 0 || sep_side(sep->next, &b) != 0 ||
            sep->prev->prev != NULL || sep->next->next != NULL))
    refuse(why, n, "a <cn type=\"%s\"> that is not number<sep/>number", type);
  else if (sep != NULL)
    v = e_notation ? a * pow(10.0, b) : a / b;
  else if (whole_number(text_of(n, buf, sizeof buf), &v) != 0)
    refuse(why, n, "a <cn> that is not a number: '%.60s'", buf);
  xmlFree(type);
  xmlFree(base);
  return v;
}

static double var_value(const sed_dg *g, const run_ctx *c, xmlNodePtr ci,
                        int r, int i, math_why *why) {
  char id[256];
  text_of(ci, id, sizeof id);
  for (int k = 0; k < g->nparams; k++)
    if (strcmp(g->pnames[k], id) == 0) return g->pvalues[k];
  for (int k = 0; k < g->nvars; k++) {
    const sed_var *v = &g->vars[k];
    if (strcmp(v->id, id) != 0) continue;
    const task_out *o = &c->outs[find_task(c->d, v->task)];
    int rr = o->nrep == 1 ? 0 : r, ii = o->npts == 1 ? 0 : i;
    for (int j = 0; j < o->nnames; j++)
      if (strcmp(o->names[j], v->target) == 0)
        return o->v[((size_t)rr * (size_t)o->npts + (size_t)ii) * (size_t)o->nnames + (size_t)j];
  }
  return refuse(why, ci, "'%.60s' is not a variable or parameter of the "
                "data generator", id);
}

static double eval_apply(const sed_dg *g, const run_ctx *c, xmlNodePtr op,
                         int r, int i, math_why *why) {
  double a[8], base = 10, degree = 2;
  int n = 0;
  for (xmlNodePtr x = next_el(op); x != NULL; x = next_el(x)) {
    if (name_is(x, "logbase") || name_is(x, "degree")) {
      /* <log/><logbase>b</logbase>, <root/><degree>n</degree> */
      double q = eval_math(g, c, first_el(x), r, i, why);
      if (name_is(x, "logbase")) base = q;
      else degree = q;
      continue;
    }
    if (n == 8) return refuse(why, x, "an <apply> with more than 8 arguments");
    a[n++] = eval_math(g, c, x, r, i, why);
  }
  const char *o = (const char *)op->name;
  double v = 0;
  if (strcmp(o, "plus") == 0) { for (int k = 0; k < n; k++) v += a[k]; return v; }
  if (strcmp(o, "times") == 0) { v = 1; for (int k = 0; k < n; k++) v *= a[k]; return v; }
  if (n == 1 && strcmp(o, "minus") == 0) return -a[0];
  if (n == 2 && strcmp(o, "minus") == 0) return a[0] - a[1];
  if (n == 2 && strcmp(o, "divide") == 0) return a[0] / a[1];
  if (n == 2 && strcmp(o, "power") == 0) return pow(a[0], a[1]);
  if (n == 1 && strcmp(o, "exp") == 0) return exp(a[0]);
  if (n == 1 && strcmp(o, "ln") == 0) return log(a[0]);
  if (n == 1 && strcmp(o, "log") == 0)
    return base == 10 ? log10(a[0]) : log(a[0]) / log(base);
  if (n == 1 && strcmp(o, "abs") == 0) return fabs(a[0]);
  if (n == 1 && strcmp(o, "root") == 0)
    return degree == 2 ? sqrt(a[0]) : pow(a[0], 1 / degree);
  if (n >= 1 && (strcmp(o, "max") == 0 || strcmp(o, "min") == 0)) {
    v = a[0];
    for (int k = 1; k < n; k++) v = o[1] == 'a' ? fmax(v, a[k]) : fmin(v, a[k]);
    return v;
  }
  static const char *const known[] = {"minus", "divide", "power", "exp", "ln",
                                      "log",   "abs",    "root",  "max", "min"};
  for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
    if (strcmp(o, known[k]) == 0)
      return refuse(why, op, "<%s/> with %d argument%s", o, n, n == 1 ? "" : "s");
  return refuse(why, op, "<%.40s/> is not supported", o);
}

static double eval_math(const sed_dg *g, const run_ctx *c, xmlNodePtr n,
                        int r, int i, math_why *why) {
  if (n == NULL) return refuse(why, NULL, "empty math");
  if (name_is(n, "math") || name_is(n, "semantics"))
    return eval_math(g, c, first_el(n), r, i, why);
  if (name_is(n, "ci")) return var_value(g, c, n, r, i, why);
  if (name_is(n, "cn")) return eval_cn(n, why);
  if (name_is(n, "apply")) {
    xmlNodePtr op = first_el(n);
    if (op == NULL) return refuse(why, n, "an empty <apply>");
    return eval_apply(g, c, op, r, i, why);
  }
  return refuse(why, n, "<%.40s> is not supported", (const char *)n->name);
}

/* Evaluates data generator k (after its tasks ran). */
static int run_dg(run_ctx *c, int k) {
  const sed_dg *g = &c->d->dgs[k];
  int nrep = 1, npts = 1;
  if (c->dg[k] != NULL) return 0;
  for (int v = 0; v < g->nvars; v++) {
    int ti = find_task(c->d, g->vars[v].task);
    if (run_task(c, ti) != 0) return -1;
    const task_out *o = &c->outs[ti];
    if ((o->nrep > 1 && nrep > 1 && o->nrep != nrep) ||
        (o->npts > 1 && npts > 1 && o->npts != npts)) {
      fprintf(stderr, "%s: dataGenerator '%s' combines variables of "
                      "different lengths\n", c->d->path, g->id);
      return -1;
    }
    if (o->nrep > nrep) nrep = o->nrep;
    if (o->npts > npts) npts = o->npts;
  }
  double *out = calloc((size_t)nrep * (size_t)npts, sizeof *out);
  if (out == NULL) return cli_error("out of memory"), -1;
  for (int r = 0; r < nrep; r++)
    for (int i = 0; i < npts; i++) {
      math_why why = {"", 0};
      double v = eval_math(g, c, g->math, r, i, &why);
      if (why.msg[0] != '\0') {
        fprintf(stderr, "%s:%ld: dataGenerator '%s': %s (MathML arithmetic "
                        "over its variables and parameters is supported)\n",
                c->d->path, why.line, g->id, why.msg);
        free(out);
        return -1;
      }
      out[(size_t)r * (size_t)npts + (size_t)i] = v;
    }
  c->dg[k] = out;
  c->dg_rep[k] = nrep;
  c->dg_pts[k] = npts;
  return 0;
}

/* --------------------------------------------------------------- outputs */

static char *out_path(const char *dir, const char *id, const char *ext) {
  size_t n = strlen(dir) + strlen(id) + strlen(ext) + 3;
  char *p = malloc(n);
  if (p != NULL) snprintf(p, n, "%s/%s.%s", dir, id, ext);
  return p;
}

static int write_report(const run_ctx *c, const sed_output *o, const char *dir) {
  char *path = out_path(dir, o->id, "csv");
  cli_out out;
  if (path == NULL || cli_out_open(&out, path) != 0) return free(path), -1;
  int rows = 0;
  for (int k = 0; k < o->nitems; k++) {
    int g = find_dg(c->d, o->items[k].y);
    if (c->dg_pts[g] > rows) rows = c->dg_pts[g];
    for (int r = 0; r < c->dg_rep[g]; r++) {
      if (k || r) fputc(',', out.fp);
      if (c->dg_rep[g] == 1) {
        cli_csv_field(out.fp, o->items[k].label);
      } else {
        char h[512];
        snprintf(h, sizeof h, "%s[%d]", o->items[k].label, r);
        cli_csv_field(out.fp, h);
      }
    }
  }
  fputc('\n', out.fp);
  char num[CLI_NUMBUF];
  for (int i = 0; i < rows; i++) {
    for (int k = 0; k < o->nitems; k++) {
      int g = find_dg(c->d, o->items[k].y);
      for (int r = 0; r < c->dg_rep[g]; r++) {
        if (k || r) fputc(',', out.fp);
        if (i < c->dg_pts[g])
          fputs(cli_format_double(c->dg[g][(size_t)r * (size_t)c->dg_pts[g] + (size_t)i], num), out.fp);
      }
    }
    fputc('\n', out.fp);
  }
  int rc = cli_out_commit(&out);
  if (rc == 0) fprintf(stderr, "report written to %s\n", path);
  free(path);
  return rc;
}

typedef struct {
  const run_ctx *c;
  const sed_output *o;
} plot_job;

static void plot_script(FILE *g, const void *ctx) {
  const plot_job *j = ctx;
  const sed_doc *d = j->c->d;
  char num[CLI_NUMBUF];
  fputs("set terminal pngcairo size 900,600 font 'sans,11' noenhanced\n", g);
  fputs("set title ", g);
  cli_gnuplot_quoted(g, j->o->name ? j->o->name : j->o->id);
  fputs("\nset key outside right\nset grid\n", g);
  if (j->o->logx) fputs("set logscale x\n", g);
  if (j->o->logy) fputs("set logscale y\n", g);
  if (j->o->nitems > 0) {
    fputs("set xlabel ", g);
    cli_gnuplot_quoted(g, j->o->items[0].x);
    fputc('\n', g);
  }
  for (int k = 0; k < j->o->nitems; k++) {
    int gx = find_dg(d, j->o->items[k].x), gy = find_dg(d, j->o->items[k].y);
    int nrep = j->c->dg_rep[gy], npts = j->c->dg_pts[gy];
    for (int r = 0; r < nrep; r++) {
      fprintf(g, "$c%d_%d << EOD\n", k, r);
      for (int i = 0; i < npts; i++) {
        int rx = j->c->dg_rep[gx] == 1 ? 0 : r;
        int ix = j->c->dg_pts[gx] == 1 ? 0 : i;
        fputs(cli_format_double(j->c->dg[gx][(size_t)rx * (size_t)j->c->dg_pts[gx] + (size_t)ix], num), g);
        fputc(' ', g);
        fputs(cli_format_double(j->c->dg[gy][(size_t)r * (size_t)npts + (size_t)i], num), g);
        fputc('\n', g);
      }
      fputs("EOD\n", g);
    }
  }
  fputs("plot ", g);
  for (int k = 0, first = 1; k < j->o->nitems; k++) {
    int gy = find_dg(d, j->o->items[k].y);
    for (int r = 0; r < j->c->dg_rep[gy]; r++, first = 0) {
      char t[512];
      if (j->c->dg_rep[gy] == 1) snprintf(t, sizeof t, "%s", j->o->items[k].label);
      else snprintf(t, sizeof t, "%s[%d]", j->o->items[k].label, r);
      fprintf(g, "%s$c%d_%d using 1:2 with %s title ", first ? "" : ", ", k, r,
              j->c->dg_pts[gy] == 1 ? "points" : "lines");
      cli_gnuplot_quoted(g, t);
    }
  }
  fputc('\n', g);
}

int sed_run(const sed_doc *d, const char *outdir) {
  run_ctx c;
  int rc = -1;
  memset(&c, 0, sizeof c);
  c.d = d;
  if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
    cli_error("cannot create '%s': %s", outdir, strerror(errno));
    return -1;
  }
  c.outs = calloc((size_t)d->ntasks + 1, sizeof *c.outs);
  c.dg = calloc((size_t)d->ndgs + 1, sizeof *c.dg);
  c.dg_rep = calloc((size_t)d->ndgs + 1, sizeof *c.dg_rep);
  c.dg_pts = calloc((size_t)d->ndgs + 1, sizeof *c.dg_pts);
  if (!c.outs || !c.dg || !c.dg_rep || !c.dg_pts) {
    cli_error("out of memory");
    goto done;
  }
  for (int i = 0; i < d->noutputs; i++)
    for (int k = 0; k < d->outputs[i].nitems; k++) {
      const sed_item *it = &d->outputs[i].items[k];
      if (run_dg(&c, find_dg(d, it->y)) != 0 ||
          (it->x != NULL && run_dg(&c, find_dg(d, it->x)) != 0))
        goto done;
    }
  for (int i = 0; i < d->noutputs; i++) {
    const sed_output *o = &d->outputs[i];
    if (o->kind == SED_REPORT) {
      if (write_report(&c, o, outdir) != 0) goto done;
    } else {
      plot_job j = {&c, o};
      char *png = out_path(outdir, o->id, "png");
      int pr = png ? cli_gnuplot_png(png, plot_script, &j) : -1;
      free(png);
      if (pr < 0) goto done;
    }
  }
  rc = 0;
done:
  for (int i = 0; c.outs && i < d->ntasks; i++) {
    free(c.outs[i].names);
    free(c.outs[i].v);
  }
  for (int i = 0; c.dg && i < d->ndgs; i++) free(c.dg[i]);
  free(c.outs);
  free(c.dg);
  free(c.dg_rep);
  free(c.dg_pts);
  return rc;
}
