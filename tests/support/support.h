/* Test support: temporary folders, file copies, problem-list searches, shared data paths. */
#ifndef PM_TEST_SUPPORT_H
#define PM_TEST_SUPPORT_H

#include <cairo.h>
#include <stddef.h>
#include "core/status.h"

/* Test timeouts scale with the build: valgrind runs tens of times slower
 * (the valgrind build sets PM_TIMEOUT_SCALE). */
#ifndef PM_TIMEOUT_SCALE
#define PM_TIMEOUT_SCALE 1
#endif
#define PM_T(seconds) ((seconds) * PM_TIMEOUT_SCALE)

/* A new empty folder under $TMPDIR (caller frees the string; removed by rm_tree). */
char *t_tmpdir(void);
void t_rm_tree(const char *dir);
/* Copies src to dst (bytes); returns 0 on success. */
int t_copy(const char *src, const char *dst);
/* Copies the bundled sample (geodata/changshou, styles, partymap.json) into dir;
 * returns 0 on success.  The copy renders exactly like the original. */
int t_copy_sample(const char *dir);
/* Appends text to a file; returns 0 on success. */
int t_append(const char *path, const char *text);
/* 1 if some problem, formatted as printed, contains every one of the given
 * substrings (NULL-terminated list). */
int t_diag_has(const pm_diag *d, ...);
/* All problems as one string (caller frees), for assertion messages. */
char *t_diag_text(const pm_diag *d);
/* ../shared/realdata beside the checkout, or NULL if absent (a user's clone). */
const char *t_realdata(void);
/* Decodes PNG bytes (through cairo and libpng) into a new image surface (caller
 * destroys); check its status, which is an error one for bytes that do not decode. */
cairo_surface_t *t_png_decode(const unsigned char *png, size_t len);
/* Runs a shell command, captures stdout (caller frees) and returns the exit status. */
int t_run(const char *cmd, char **out);
/* The binary under test: $PM_BIN (the sanitizer and valgrind runs set it) or
 * build/partymap. */
const char *t_bin(void);
/* Skips the calling test when the binary is not built (make builds it first). */
void t_need_binary(void);
/* Runs the binary with args (a shell fragment, e.g. "check --json 2>/dev/null"),
 * captures stdout (caller frees, out may be NULL) and returns the exit status. */
int t_pm(const char *args, char **out);

#endif
