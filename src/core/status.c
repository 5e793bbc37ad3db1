/* Status strings and the problem list. */
#include "core/status.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pm_strerror(pm_status st)
{
    switch (st) {
    case PM_OK: return "success";
    case PM_EDATA: return "invalid input data or configuration";
    case PM_EUSAGE: return "usage error";
    case PM_EIO: return "input/output error";
    case PM_ENOMEM: return "out of memory";
    case PM_EINTERNAL: return "internal error";
    case PM_ECANCEL: return "stopped by a signal";
    }
    return "unknown status";
}

pm_status pm_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return PM_OK;
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need) n *= 2;
    if (size && n > SIZE_MAX / size) return PM_ENOMEM;
    void *q = realloc(*p, n * size);
    if (!q) return PM_ENOMEM;
    *p = q;
    *cap = n;
    return PM_OK;
}

char *pm_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *r = malloc(n);
    if (r) memcpy(r, s, n);
    return r;
}

static char *vasprintf_new(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *r = malloc((size_t)n + 1);
    if (r) vsnprintf(r, (size_t)n + 1, fmt, ap);
    return r;
}

char *pm_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = vasprintf_new(fmt, ap);
    va_end(ap);
    return r;
}

void pm_diag_init(pm_diag *d) { memset(d, 0, sizeof *d); }

void pm_diag_fini(pm_diag *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].feature);
        free(d->items[i].field);
        free(d->items[i].message);
        free(d->items[i].code);
        free(d->items[i].name);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

static void add(pm_diag *d, pm_severity sev, const pm_at *at, const char *field, char *msg)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        pm_problem *n = realloc(d->items, cap * sizeof *n);
        if (!n) { d->oom = 1; free(msg); return; }
        d->items = n;
        d->cap = cap;
    }
    const char *code = at->code ? at->code : "", *name = at->name ? at->name : "";
    char *feature = NULL;
    const char *w = at->where ? at->where : "";
    if ((*code || *name) && *w)
        feature = pm_asprintf("%s (%s%s%s)", w, code, *code && *name ? " " : "", name);
    else if (*code || *name)
        feature = pm_asprintf("%s%s%s", code, *code && *name ? " " : "", name);
    else
        feature = pm_strdup(w);
    pm_problem p = { sev, pm_strdup(at->file ? at->file : ""), feature, pm_strdup(field ? field : ""),
                     msg, pm_strdup(code), pm_strdup(name) };
    if (!p.file || !p.feature || !p.field || !p.message || !p.code || !p.name) {
        free(p.file); free(p.feature); free(p.field); free(p.message); free(p.code); free(p.name);
        d->oom = 1;
        return;
    }
    d->items[d->count++] = p;
    if (sev == PM_SEV_ERROR) d->errors++;
}

void pm_diag_add(pm_diag *d, pm_severity sev, const char *file, const char *feature,
                 const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vasprintf_new(fmt, ap);
    va_end(ap);
    pm_at at = { file, feature, NULL, NULL };
    if (!msg) { d->oom = 1; return; }
    add(d, sev, &at, field, msg);
}

void pm_diag_at(pm_diag *d, pm_severity sev, const pm_at *at, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vasprintf_new(fmt, ap);
    va_end(ap);
    if (!msg) { d->oom = 1; return; }
    add(d, sev, at, field, msg);
}

char *pm_problem_format(const pm_problem *p)
{
    const char *sev = p->severity == PM_SEV_WARNING ? "warning: " : "";
    return pm_asprintf("%s%s%s%s%s%s%s%s", p->file, *p->file ? ": " : "", sev,
                       p->feature, *p->feature ? ": " : "", p->field,
                       *p->field ? ": " : "", p->message);
}

/* Same kind: one problem repeated on another feature of the same file. */
static int same_kind(const pm_problem *a, const pm_problem *b)
{
    return a->severity == b->severity && *a->feature && *b->feature && strcmp(a->file, b->file) == 0
           && strcmp(a->field, b->field) == 0 && strcmp(a->message, b->message) == 0;
}

void pm_diag_print(const pm_diag *d, void *stdio_file)
{
    enum { SHOWN = 3 };
    FILE *f = stdio_file;
    unsigned char *done = calloc(d->count + 1, 1);
    for (size_t i = 0; i < d->count; i++) {
        if (done && done[i]) continue;
        char *s = pm_problem_format(&d->items[i]);
        fprintf(f, "%s\n", s ? s : d->items[i].message);
        free(s);
        if (!done) continue;
        size_t shown = 1, more = 0;
        for (size_t j = i + 1; j < d->count; j++) {
            if (done[j] || !same_kind(&d->items[i], &d->items[j])) continue;
            done[j] = 1;
            if (shown++ < SHOWN) {
                s = pm_problem_format(&d->items[j]);
                fprintf(f, "%s\n", s ? s : d->items[j].message);
                free(s);
            } else {
                more++;
            }
        }
        if (more) fprintf(f, "%s: %s%s%s%s: and %zu more feature%s\n", d->items[i].file,
                          d->items[i].severity == PM_SEV_WARNING ? "warning: " : "", d->items[i].field,
                          *d->items[i].field ? ": " : "", d->items[i].message, more, more > 1 ? "s" : "");
    }
    free(done);
    if (d->oom) fprintf(f, "(further problems were lost: out of memory)\n");
}
