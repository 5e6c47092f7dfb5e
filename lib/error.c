/*
 * error.c -- status names and messages (generated from MUSKX_STATUS_MAP)
 * and the internal error-recording helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

const char *muskx_version_string(void) {
#define MUSKX__STR2(x) #x
#define MUSKX__STR(x) MUSKX__STR2(x)
  return MUSKX__STR(MUSKX_VERSION_MAJOR) "." MUSKX__STR(
      MUSKX_VERSION_MINOR) "." MUSKX__STR(MUSKX_VERSION_PATCH);
}

const char *muskx_strerror(muskx_status status) {
  switch (status) {
#define MUSKX__STATUS_TEXT(name, code, text) \
  case MUSKX_##name:                         \
    return text;
    MUSKX_STATUS_MAP(MUSKX__STATUS_TEXT)
#undef MUSKX__STATUS_TEXT
  }
  return "unknown status";
}

const char *muskx_status_name(muskx_status status) {
  switch (status) {
#define MUSKX__STATUS_NAME(name, code, text) \
  case MUSKX_##name:                         \
    return #name;
    MUSKX_STATUS_MAP(MUSKX__STATUS_NAME)
#undef MUSKX__STATUS_NAME
  }
  return "UNKNOWN";
}

char *muskx_error_format(const muskx_error *err, char *buf, size_t size) {
  if (buf == NULL || size == 0) return buf;
  if (err == NULL) {
    buf[0] = '\0';
    return buf;
  }
  const char *file = err->file[0] ? err->file : "<unknown>";
  if (err->line > 0)
    snprintf(buf, size, "%s:%d:%d: %s", file, err->line, err->column,
             err->message);
  else if (err->file[0])
    snprintf(buf, size, "%s: %s", file, err->message);
  else
    snprintf(buf, size, "%s", err->message);
  return buf;
}

void muskx__clearerr(muskx_error *err) {
  if (err == NULL) return;
  memset(err, 0, sizeof *err);
}

muskx_status muskx__seterr(muskx_error *err, muskx_status status,
                           const muskx__loc *loc, const char *fmt, ...) {
  if (err == NULL) return status;
  err->status = status;
  err->line = 0;
  err->column = 0;
  err->file[0] = '\0';
  if (loc != NULL) {
    if (loc->file != NULL) snprintf(err->file, sizeof err->file, "%s", loc->file);
    err->line = loc->line;
    err->column = loc->col;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return status;
}
