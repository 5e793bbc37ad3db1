/* Sets of named definitions: compile against each other, order, evaluate into one table. */
#include "expr/expr_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pm_exprset {
    size_t nbase, n;
    char **fields;          /* nbase + n owned names: the widened schema */
    pm_expr_schema schema;
    pm_expr **defs;         /* n */
    size_t *order;          /* n: evaluation order */
};

void pm_exprset_free(pm_exprset *s)
{
    if (!s) return;
    for (size_t i = 0; s->fields && i < s->nbase + s->n; i++) free(s->fields[i]);
    for (size_t i = 0; s->defs && i < s->n; i++) pm_expr_free(s->defs[i]);
    free(s->fields);
    free(s->defs);
    free(s->order);
    free(s);
}

static int valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int l = ex_utf8_decode(s + i, n - i, &c);
        if (!l) return 0;
        i += (size_t)l;
    }
    return 1;
}

/* The name of definition i is usable: not empty, UTF-8, new. */
static int check_name(const pm_exprset *s, size_t i, pm_expr_error *err)
{
    const char *name = s->fields[s->nbase + i];
    char q[72];
    if (!*name) { ex_error(err, 0, 0, "a definition needs a name"); return 0; }
    if (!valid_utf8(name)) { ex_error(err, 0, 0, "the name is not valid UTF-8"); return 0; }
    ex_clip(q, name, strlen(name), 64);
    for (size_t j = 0; j < s->nbase + i; j++)
        if (strcmp(s->fields[j], name) == 0) {
            if (j < s->nbase)
                ex_error(err, 0, 0, "\"%s\" is already a field of the data: a definition "
                         "cannot replace it", q);
            else
                ex_error(err, 0, 0, "\"%s\" is defined twice", q);
            return 0;
        }
    return 1;
}

/* The k-th reference of definition i to another definition, or -1 when done. */
static long dep(const pm_exprset *s, size_t i, size_t *k, const ex_ref **where)
{
    const pm_expr *e = s->defs[i];
    for (; *k < e->nrefs; ++*k)
        if (e->refs[*k].field >= s->nbase) {
            *where = &e->refs[*k];
            return (long)(e->refs[(*k)++].field - s->nbase);
        }
    return -1;
}

static void name_cycle(const pm_exprset *s, const size_t *stack, size_t from, size_t top,
                       const ex_ref *where, pm_expr_error *err)
{
    char list[1024] = "", q[56];
    const char *closer = s->fields[s->nbase + stack[top]];
    if (from == top) {
        ex_clip(q, closer, strlen(closer), 48);
        ex_error(err, where->column, where->length, "\"%s\" refers to itself", q);
        return;
    }
    /* from the definition whose reference closes the cycle: t -> d -> ... -> t */
    for (size_t k = 0; k <= top - from + 1; k++) {
        size_t i = k == 0 ? stack[top] : stack[from + k - 1];
        const char *nm = s->fields[s->nbase + i];
        ex_clip(q, nm, strlen(nm), 48);
        if (strlen(list) + strlen(q) + 8 >= sizeof list) break;
        if (k) strcat(list, " -> ");
        strcat(list, q);
    }
    ex_error(err, where->column, where->length, "a cycle of definitions: %s", list);
}

/* Depth-first, without recursion: every definition after those it uses. */
static pm_status order_defs(pm_exprset *s, size_t *bad, pm_expr_error *err)
{
    size_t n = s->n, norder = 0;
    unsigned char *state = calloc(n + 1, 1);    /* 0 new, 1 on the stack, 2 done */
    size_t *stack = malloc((n + 1) * sizeof *stack), *next = calloc(n + 1, sizeof *next);
    pm_status st = PM_ENOMEM;
    if (!state || !stack || !next) goto done;
    st = PM_OK;
    for (size_t r = 0; r < n && !st; r++) {
        if (state[r]) continue;
        size_t top = 0;
        stack[0] = r;
        state[r] = 1;
        for (;;) {
            size_t t = stack[top];
            const ex_ref *where = NULL;
            long d = dep(s, t, &next[t], &where);
            if (d < 0) {
                state[t] = 2;
                s->order[norder++] = t;
                if (top-- == 0) break;
            } else if (state[d] == 0) {
                stack[++top] = (size_t)d;
                state[d] = 1;
            } else if (state[d] == 1) {
                size_t from = top;
                while (stack[from] != (size_t)d) from--;
                name_cycle(s, stack, from, top, where, err);
                if (bad) *bad = t;
                st = PM_EDATA;
                break;
            }
        }
    }
done:
    if (st == PM_ENOMEM) ex_error(err, 0, 0, "out of memory");
    free(state);
    free(stack);
    free(next);
    return st;
}

static pm_status alloc_set(pm_exprset *s, const char *const *names, const pm_expr_schema *base)
{
    s->fields = calloc(s->nbase + s->n + 1, sizeof *s->fields);
    s->defs = calloc(s->n + 1, sizeof *s->defs);
    s->order = calloc(s->n + 1, sizeof *s->order);
    if (!s->fields || !s->defs || !s->order) return PM_ENOMEM;
    for (size_t i = 0; i < s->nbase + s->n; i++) {
        const char *f = i < s->nbase ? base->fields[i] : names[i - s->nbase];
        if (!(s->fields[i] = pm_strdup(f ? f : ""))) return PM_ENOMEM;
    }
    s->schema = (pm_expr_schema){ (const char *const *)s->fields, s->nbase + s->n,
                                  base ? base->has_parent : 0 };
    return PM_OK;
}

pm_status pm_exprset_compile(const char *const *names, const char *const *sources, size_t n,
                             const pm_expr_schema *base, pm_exprset **out, size_t *bad,
                             pm_expr_error *err)
{
    *out = NULL;
    if (bad) *bad = 0;
    pm_exprset *s = calloc(1, sizeof *s);
    if (!s) { ex_error(err, 0, 0, "out of memory"); return PM_ENOMEM; }
    s->nbase = base ? base->nfields : 0;
    s->n = n;
    pm_status st = alloc_set(s, names, base);
    if (st) { ex_error(err, 0, 0, "out of memory"); goto fail; }
    for (size_t i = 0; i < n; i++) {
        if (bad) *bad = i;
        if (!check_name(s, i, err)) { st = PM_EDATA; goto fail; }
    }
    for (size_t i = 0; i < n; i++) {
        if (bad) *bad = i;
        if ((st = pm_expr_compile(sources[i], &s->schema, &s->defs[i], err)) != PM_OK) goto fail;
    }
    if ((st = order_defs(s, bad, err)) != PM_OK) goto fail;
    if (bad) *bad = 0;
    *out = s;
    return PM_OK;
fail:
    pm_exprset_free(s);
    return st;
}

char *pm_expr_quote(const char *name)
{
    size_t n = 3;
    for (const char *p = name; *p; p++) n += 1 + (*p == '"' || *p == '\\');
    char *q = malloc(n), *o = q;
    if (!q) return NULL;
    *o++ = '"';
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\') *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return q;
}

const pm_expr_schema *pm_exprset_schema(const pm_exprset *s) { return &s->schema; }
size_t pm_exprset_count(const pm_exprset *s) { return s->n; }
const pm_expr *pm_exprset_expr(const pm_exprset *s, size_t i) { return s->defs[i]; }
size_t pm_exprset_order(const pm_exprset *s, size_t k) { return s->order[k]; }

pm_status pm_exprset_eval(const pm_exprset *s, const pm_expr_data *base, double *out)
{
    size_t nc = base->ncommittees, ny = base->nyears, w = s->nbase + s->n;
    if (base->nfields != s->nbase || (s->nbase && nc && ny && !base->values)) return PM_EDATA;
    for (size_t r = 0; r < ny * nc; r++) {
        for (size_t f = 0; f < s->nbase; f++) out[r * w + f] = base->values[r * s->nbase + f];
        for (size_t f = s->nbase; f < w; f++) out[r * w + f] = NAN;
    }
    if (nc == 0 || ny == 0) return PM_OK;
    pm_expr_data d = *base;
    d.nfields = w;
    d.values = out;
    double *col = malloc(nc * sizeof *col);
    if (!col) return PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t k = 0; k < s->n && !st; k++) {
        size_t i = s->order[k];
        for (size_t y = 0; y < ny && !st; y++) {
            if ((st = pm_expr_eval(s->defs[i], &d, y, col)) != PM_OK) break;
            for (size_t c = 0; c < nc; c++) out[(y * nc + c) * w + s->nbase + i] = col[c];
        }
    }
    free(col);
    return st;
}
