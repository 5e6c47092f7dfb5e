/*
 * cmd_sedml.c -- `muskx sedml FILE.sedml [-o DIR]` and `muskx omex
 * ARCHIVE.omex -o DIR` (issue 20): run SED-ML simulation experiments,
 * alone or from a COMBINE archive, and write their reports (CSV) and 2D
 * plots (PNG). What SED-ML covers is in sedml.h and muskx(1), SED-ML.
 *
 * An archive is unpacked with libzip into DIR/content/ (entries with an
 * absolute path, "..", or a total size over 1 GiB are refused), its
 * manifest.xml names the SED-ML documents (format ...sed-ml...; without a
 * manifest, every *.sedml file), and the outputs of LOCATION go to
 * DIR/LOCATION/ (BioSimulators' layout: DIR/simulation.sedml/report.csv).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <zip.h>

#include "sedml.h"

#define OMEX_MAX_BYTES ((zip_uint64_t)1 << 30)

enum { OPT_OUTPUT = 1 };

static const cli_option sedml_options[] = {
    {OPT_OUTPUT, "output", 'o', "DIR",
     "write the reports and plots into DIR (default: the current folder)"},
    {0, NULL, 0, NULL, NULL}};

static const cli_option omex_options[] = {
    {OPT_OUTPUT, "output", 'o', "DIR",
     "unpack into DIR/content and write the outputs of each SED-ML "
     "document into DIR/LOCATION/ (required)"},
    {0, NULL, 0, NULL, NULL}};

/* Parses "FILE [-o DIR]"; -1 to go on, or an exit status. */
static int parse(const cli_command *self, int argc, char **argv,
                 const char **file, const char **out) {
  cli_parser p;
  int r;
  cli_parser_init(&p, self, argc, argv);
  while ((r = cli_next(&p)) != CLI_END) {
    switch (r) {
    case CLI_ERROR: return CLI_EXIT_USAGE;
    case CLI_HELP: cli_print_help(stdout, self); return CLI_EXIT_OK;
    case CLI_ARG:
      if (cli_take_one(self, "file", file, p.value) != 0)
        return CLI_EXIT_USAGE;
      break;
    case OPT_OUTPUT: *out = p.value; break;
    default: break;
    }
  }
  if (*file == NULL) return cli_usage_error(self, "no file given");
  return -1;
}

static int run_document(const char *path, const char *outdir) {
  sed_doc d;
  int rc = sed_read(path, &d) == 0 && sed_run(&d, outdir) == 0 ? 0 : -1;
  sed_free(&d);
  return rc;
}

static int run_sedml(const cli_command *self, int argc, char **argv) {
  const char *file = NULL, *out = NULL;
  int r = parse(self, argc, argv, &file, &out);
  if (r >= 0) return r;
  return run_document(file, out ? out : ".") == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* ------------------------------------------------------------------ OMEX */

/* mkdir -p of the folders in path (not its last component). */
static int make_parents(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    int bad = mkdir(path, 0777) != 0 && errno != EEXIST;
    *p = '/';
    if (bad) return -1;
  }
  return 0;
}

static int safe_entry(const char *name) {
  if (name[0] == '/' || name[0] == '\0') return 0;
  for (const char *p = name; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.') return 0;
    p += n + (e != NULL);
  }
  return 1;
}

static int unpack(const char *archive, const char *dest) {
  int err = 0;
  zip_t *z = zip_open(archive, ZIP_RDONLY, &err);
  if (z == NULL) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    fprintf(stderr, "%s: not a readable COMBINE archive (zip): %s\n", archive,
            zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return -1;
  }
  zip_int64_t n = zip_get_num_entries(z, 0);
  zip_uint64_t total = 0;
  int rc = 0;
  for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
    zip_stat_t st;
    if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0) continue;
    size_t len = strlen(st.name);
    if (!safe_entry(st.name)) {
      fprintf(stderr, "%s: entry '%s' would leave the folder: refused\n",
              archive, st.name);
      rc = -1;
      break;
    }
    if (st.name[len - 1] == '/') continue; /* a folder */
    total += st.size;
    if (total > OMEX_MAX_BYTES) {
      fprintf(stderr, "%s: unpacks to more than 1 GiB: refused\n", archive);
      rc = -1;
      break;
    }
    size_t plen = strlen(dest) + len + 2;
    char *path = malloc(plen);
    zip_file_t *f = path ? zip_fopen_index(z, (zip_uint64_t)i, 0) : NULL;
    FILE *fp = NULL;
    if (path) snprintf(path, plen, "%s/%s", dest, st.name);
    if (f == NULL || make_parents(path) != 0 || (fp = fopen(path, "wb")) == NULL) {
      fprintf(stderr, "%s: cannot unpack '%s': %s\n", archive, st.name,
              f ? strerror(errno) : zip_strerror(z));
      rc = -1;
    } else {
      char buf[65536];
      zip_int64_t k;
      while ((k = zip_fread(f, buf, sizeof buf)) > 0)
        if (fwrite(buf, 1, (size_t)k, fp) != (size_t)k) k = -1;
      if (k < 0 || fclose(fp) != 0) {
        fprintf(stderr, "%s: cannot unpack '%s'\n", archive, st.name);
        rc = -1;
      }
      fp = NULL;
    }
    if (f) zip_fclose(f);
    if (fp) fclose(fp);
    free(path);
  }
  zip_discard(z);
  return rc;
}

/* The SED-ML locations of the manifest (n of them, malloc'd). */
static char **manifest_sedml(const char *content, int *n) {
  size_t plen = strlen(content) + 16;
  char *mf = malloc(plen);
  char **out = NULL;
  *n = 0;
  if (mf == NULL) return NULL;
  snprintf(mf, plen, "%s/manifest.xml", content);
  xmlDocPtr doc = xmlReadFile(mf, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                            XML_PARSE_NOWARNING);
  free(mf);
  if (doc == NULL) return NULL;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  int cap = 0;
  for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
    cap += c->type == XML_ELEMENT_NODE;
  out = calloc((size_t)cap + 1, sizeof *out);
  for (xmlNodePtr c = root ? root->children : NULL; out && c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "content") != 0)
      continue;
    xmlChar *fmt = xmlGetProp(c, (const xmlChar *)"format");
    xmlChar *loc = xmlGetProp(c, (const xmlChar *)"location");
    if (fmt && loc && strstr((const char *)fmt, "sed-ml") != NULL) {
      const char *l = (const char *)loc;
      while (l[0] == '.' && l[1] == '/') l += 2;
      out[*n] = malloc(strlen(l) + 1);
      if (out[*n] != NULL) strcpy(out[(*n)++], l);
    }
    xmlFree(fmt);
    xmlFree(loc);
  }
  xmlFreeDoc(doc);
  return out;
}

static int run_omex(const cli_command *self, int argc, char **argv) {
  const char *file = NULL, *out = NULL;
  int r = parse(self, argc, argv, &file, &out), n = 0, rc = CLI_EXIT_FAIL;
  if (r >= 0) return r;
  if (out == NULL) return cli_usage_error(self, "-o DIR is required");
  size_t len = strlen(out) + 16;
  char *content = malloc(len);
  char **docs = NULL;
  if (content == NULL) return cli_error("out of memory"), CLI_EXIT_FAIL;
  snprintf(content, len, "%s/content", out);
  if ((mkdir(out, 0777) != 0 && errno != EEXIST) ||
      (mkdir(content, 0777) != 0 && errno != EEXIST)) {
    cli_error("cannot create '%s': %s", content, strerror(errno));
    goto done;
  }
  if (unpack(file, content) != 0) goto done;
  docs = manifest_sedml(content, &n);
  if (n == 0) {
    fprintf(stderr, "%s: the archive's manifest.xml names no SED-ML document "
                    "(format ...sed-ml...)\n", file);
    goto done;
  }
  rc = CLI_EXIT_OK;
  for (int i = 0; i < n; i++) {
    size_t a = strlen(content) + strlen(docs[i]) + 2;
    size_t b = strlen(out) + strlen(docs[i]) + 2;
    char *src = malloc(a), *dst = malloc(b);
    if (src && dst) {
      snprintf(src, a, "%s/%s", content, docs[i]);
      snprintf(dst, b, "%s/%s", out, docs[i]);
      if (make_parents(dst) != 0 || run_document(src, dst) != 0)
        rc = CLI_EXIT_FAIL;
    } else {
      rc = CLI_EXIT_FAIL;
    }
    free(src);
    free(dst);
  }
done:
  for (int i = 0; docs && i < n; i++) free(docs[i]);
  free(docs);
  free(content);
  return rc;
}

#define SEDML_SUPPORT                                                        \
  "Runs uniformTimeCourse and steadyState simulations, tasks and\n"          \
  "repeatedTasks over one uniformRange or vectorRange (resetModel=\"true\",\n" \
  "a setValue whose math is the range: parameter scans), model\n"            \
  "changeAttribute, data generators (MathML arithmetic over variables of\n"  \
  "species, parameters, compartments, reaction fluxes and time), reports\n"  \
  "(ID.csv, one column per data set and repeat) and plot2D (ID.png, with\n"  \
  "gnuplot). Models are SBML or muskx YAML files next to the document.\n"    \
  "Anything else (computeChange, XML changes, oneStep, nested repeated\n"    \
  "tasks, plot3D, URN model sources...) is refused before any run, with\n"   \
  "its line. KiSAO algorithms are not read: CVODE (BDF) runs everything,\n"  \
  "at rtol 1e-8, atol 1e-10."

const cli_command cli_cmd_sedml = {
    "sedml",
    "FILE.sedml [-o DIR]",
    "run a SED-ML simulation experiment (reports as CSV, plots as PNG)",
    "Runs the SED-ML Level 1 (Versions 1-4) document FILE and writes each\n"
    "report as DIR/ID.csv and each 2D plot as DIR/ID.png.\n" SEDML_SUPPORT,
    sedml_options,
    "  muskx sedml tests/sedml/decay.sedml -o out\n",
    run_sedml};

const cli_command cli_cmd_omex = {
    "omex",
    "ARCHIVE.omex -o DIR",
    "run the SED-ML documents of a COMBINE archive (OMEX)",
    "Unpacks the COMBINE archive into DIR/content, then runs each SED-ML\n"
    "document its manifest.xml names (as muskx sedml does) and writes its\n"
    "outputs into DIR/LOCATION/ (e.g. DIR/simulation.sedml/report.csv).\n"
    SEDML_SUPPORT,
    omex_options,
    "  muskx omex BIOMD0000000148.omex -o out\n",
    run_omex};
