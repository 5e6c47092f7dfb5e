/*
 * sedml.h -- the part of SED-ML Level 1 (Versions 1-4) that `muskx sedml`
 * and `muskx omex` run (issue 20): models with attribute changes, uniform
 * time courses and steady states, tasks and repeated tasks over one range
 * (parameter scans), data generators (MathML arithmetic over variables),
 * reports (CSV) and 2D plots (PNG through gnuplot). Anything else is
 * refused, before any simulation, with its element and line
 * (sedml_read.c); see muskx(1), SED-ML.
 */
#ifndef MUSKX_CLI_SEDML_H
#define MUSKX_CLI_SEDML_H

#include <libxml/tree.h>

#include "cli.h"

typedef struct {
  char *name; /* the model quantity: a parameter, species or compartment */
  double value;
} sed_change;

typedef struct {
  char *id, *source; /* source resolved against the document's folder */
  sed_change *changes;
  int nchanges;
} sed_model;

enum { SED_TIME_COURSE, SED_STEADY_STATE };

typedef struct {
  char *id;
  int kind;
  double t0, out_start, out_end;
  long steps; /* numberOfPoints (L1V1-3) or numberOfSteps (L1V4) */
} sed_sim;

typedef struct {
  char *id;
  char *model, *sim;  /* a plain task */
  int repeated;       /* a repeatedTask: runs sub over values */
  char *sub;          /* its one subTask's task id */
  char *set_name;     /* the model quantity each repeat sets, or NULL */
  double *values;
  int nvalues;
} sed_task;

typedef struct {
  char *id, *task, *target; /* target: a model name or "time" */
} sed_var;

typedef struct {
  char *id;
  sed_var *vars;
  int nvars;
  char **pnames; /* listOfParameters */
  double *pvalues;
  int nparams;
  xmlNodePtr math; /* the <math> element, owned by the document */
} sed_dg;

enum { SED_REPORT, SED_PLOT2D };

typedef struct {
  char *label; /* report: the column's label; plot: the curve's name */
  char *x, *y; /* data generators: report uses y only */
} sed_item;

typedef struct {
  char *id, *name;
  int kind;
  int logx, logy;
  sed_item *items;
  int nitems;
} sed_output;

typedef struct {
  xmlDocPtr doc;
  char *path, *dir;
  sed_model *models; int nmodels;
  sed_sim *sims; int nsims;
  sed_task *tasks; int ntasks;
  sed_dg *dgs; int ndgs;
  sed_output *outputs; int noutputs;
} sed_doc;

/* Reads and checks path; 0, or -1 after printing "path:line: why". */
int sed_read(const char *path, sed_doc *d);
void sed_free(sed_doc *d);
/* Runs every task and writes every output into outdir (created);
   0, or -1 after printing why. */
int sed_run(const sed_doc *d, const char *outdir);

#endif /* MUSKX_CLI_SEDML_H */
