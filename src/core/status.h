/* Status codes and the problem list: how every fallible partymap call reports failure. */
#ifndef PM_CORE_STATUS_H
#define PM_CORE_STATUS_H

#include <stddef.h>

/* Every fallible function returns one of these (0 = OK) and passes results through
 * out parameters.  The values map onto the process exit status in app/. */
typedef enum {
    PM_OK = 0,
    PM_EDATA,    /* invalid input data or config: exit 1 */
    PM_EUSAGE,   /* bad command line: exit 2 */
    PM_EIO,      /* file system or library I/O failure */
    PM_ENOMEM,   /* allocation failed */
    PM_EINTERNAL, /* a bug or an unexpected library failure */
    PM_ECANCEL    /* stopped by SIGINT or SIGTERM: exit 130 */
} pm_status;

/* Static, never NULL. Thread-safe. */
const char *pm_strerror(pm_status st);

typedef enum { PM_SEV_ERROR, PM_SEV_WARNING } pm_severity;

/* One problem found in the input: where (file, feature or line, field) and what. */
typedef struct {
    pm_severity severity;
    char *file;    /* base name of the source file, or "" */
    char *feature; /* "feature 12 (310107015012)", "line 7", or "" */
    char *field;   /* field or key, or "" */
    char *message; /* the problem, with a hint where one helps */
    char *code;    /* the feature's code (committee code), or "" */
    char *name;    /* the feature's name, or "" */
} pm_problem;

/* Where a problem is: its file, the feature's place in it ("feature 12", "line 7",
 * "sheet 测评 row 4"), and the feature's code and name when known.  All borrowed, any
 * may be NULL. */
typedef struct {
    const char *file, *where, *code, *name;
} pm_at;

/* An append-only list of problems, owned by the caller (one per run or per worker:
 * never shared between threads without a lock).  Loading and validation record every
 * problem they find, not just the first, and report PM_EDATA at the end. */
typedef struct {
    pm_problem *items;
    size_t count, cap;
    size_t errors;     /* number of PM_SEV_ERROR items */
    int oom;           /* set if a problem could not be recorded */
} pm_diag;

void pm_diag_init(pm_diag *d);
void pm_diag_fini(pm_diag *d);
/* Records a problem; file/feature/field may be NULL.  printf-style message.
 * Never fails visibly: on allocation failure it sets d->oom. */
void pm_diag_add(pm_diag *d, pm_severity sev, const char *file, const char *feature,
                 const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Records a problem about a feature: printed as "file: feature 12 (code name): field:
 * message", kept with code and name apart for check --json. */
void pm_diag_at(pm_diag *d, pm_severity sev, const pm_at *at, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Prints every problem as "file: feature: field: message" (one line each).  Problems
 * of one kind in one file (same severity, file, field and message, on different
 * features) are summarised: the first three, then "and N more features". */
void pm_diag_print(const pm_diag *d, void *stdio_file);
/* Formats one problem into a newly allocated string (caller frees), NULL on OOM. */
char *pm_problem_format(const pm_problem *p);

/* strdup / printf into a new string; NULL on allocation failure.  Caller frees. */
char *pm_strdup(const char *s);
char *pm_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Makes the array *p (of *cap elements of size bytes) hold at least need elements,
 * doubling from 256: PM_OK, or PM_ENOMEM with *p and *cap unchanged. */
pm_status pm_grow(void **p, size_t *cap, size_t need, size_t size);

#endif
