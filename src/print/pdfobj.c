/* PDF values: lexer, recursive-descent parser, dictionary edits and serialisation. */
#include "print/pdfobj.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

static int is_white(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0;
}

static int is_delim(int c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{'
        || c == '}' || c == '/' || c == '%';
}

void pm_pdflex_skip(pm_pdflex *x)
{
    while (x->p < x->end) {
        if (is_white(*x->p)) x->p++;
        else if (*x->p == '%') while (x->p < x->end && *x->p != '\n' && *x->p != '\r') x->p++;
        else break;
    }
}

/* Past a literal string starting at '(' (balanced parentheses, backslash escapes). */
static int skip_string(pm_pdflex *x)
{
    int depth = 0;
    while (x->p < x->end) {
        unsigned char c = *x->p++;
        if (c == '\\') { if (x->p < x->end) x->p++; }
        else if (c == '(') depth++;
        else if (c == ')' && --depth == 0) return 1;
    }
    return 0;
}

int pm_pdflex_token(pm_pdflex *x, const unsigned char **s, size_t *len)
{
    pm_pdflex_skip(x);
    if (x->p >= x->end) return 0;
    const unsigned char *b = x->p;
    unsigned char c = *x->p;
    if (c == '(') {
        if (!skip_string(x)) return 0;
    } else if (c == '<' && x->p + 1 < x->end && x->p[1] == '<') {
        x->p += 2;
    } else if (c == '>' && x->p + 1 < x->end && x->p[1] == '>') {
        x->p += 2;
    } else if (c == '<') {
        while (x->p < x->end && *x->p != '>') x->p++;
        if (x->p >= x->end) return 0;
        x->p++;
    } else if (c == '[' || c == ']' || c == '{' || c == '}') {
        x->p++;
    } else if (c == '/') {
        x->p++;
        while (x->p < x->end && !is_white(*x->p) && !is_delim(*x->p)) x->p++;
    } else if (c == ')' || c == '>') {
        return 0;
    } else {
        while (x->p < x->end && !is_white(*x->p) && !is_delim(*x->p)) x->p++;
    }
    *s = b;
    *len = (size_t)(x->p - b);
    return 1;
}

static int tok_is(const unsigned char *s, size_t n, const char *w)
{
    return n == strlen(w) && memcmp(s, w, n) == 0;
}

static int tok_number(const unsigned char *s, size_t n, double *v)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.", buf[i])) return 0;
    char *end;
    *v = strtod(buf, &end);
    return *end == '\0' && isfinite(*v);
}

static pm_pdfv *new_value(pm_pdfv_kind k)
{
    pm_pdfv *v = calloc(1, sizeof *v);
    if (v) v->kind = k;
    return v;
}

static char *dup_n(const unsigned char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) { memcpy(d, s, n); d[n] = '\0'; }
    return d;
}

/* "12 0 R" after a number: consumes the rest and returns 1. */
static int ref_follows(pm_pdflex *x)
{
    pm_pdflex y = *x;
    const unsigned char *s;
    size_t n;
    double g;
    if (!pm_pdflex_token(&y, &s, &n) || !tok_number(s, n, &g)) return 0;
    if (!pm_pdflex_token(&y, &s, &n) || !tok_is(s, n, "R")) return 0;
    *x = y;
    return 1;
}

static pm_status append_item(pm_pdfv *a, char *key, pm_pdfv *item)
{
    pm_pdfv **it = realloc(a->items, (a->n + 1) * sizeof *it);
    if (!it) return PM_ENOMEM;
    a->items = it;
    if (a->kind == PM_PDF_DICT) {
        char **k = realloc(a->keys, (a->n + 1) * sizeof *k);
        if (!k) return PM_ENOMEM;
        a->keys = k;
        a->keys[a->n] = key;
    }
    a->items[a->n++] = item;
    return PM_OK;
}

static pm_status parse_at(pm_pdflex *x, int depth, pm_pdfv **out);

static pm_status parse_container(pm_pdflex *x, int depth, int dict, pm_pdfv **out)
{
    pm_pdfv *c = new_value(dict ? PM_PDF_DICT : PM_PDF_ARRAY);
    if (!c) return PM_ENOMEM;
    for (;;) {
        pm_pdflex_skip(x);
        if (x->p >= x->end) { pm_pdfv_free(c); return PM_EDATA; }
        if (!dict && *x->p == ']') { x->p++; break; }
        if (dict && x->p + 1 < x->end && x->p[0] == '>' && x->p[1] == '>') { x->p += 2; break; }
        char *key = NULL;
        if (dict) {
            const unsigned char *s;
            size_t n;
            if (!pm_pdflex_token(x, &s, &n) || s[0] != '/') { pm_pdfv_free(c); return PM_EDATA; }
            if (!(key = dup_n(s + 1, n - 1))) { pm_pdfv_free(c); return PM_ENOMEM; }
        }
        pm_pdfv *item = NULL;
        pm_status st = parse_at(x, depth + 1, &item);
        if (!st) st = append_item(c, key, item);
        if (st) { free(key); pm_pdfv_free(item); pm_pdfv_free(c); return st; }
    }
    *out = c;
    return PM_OK;
}

static pm_status parse_at(pm_pdflex *x, int depth, pm_pdfv **out)
{
    *out = NULL;
    if (depth > MAX_DEPTH) return PM_EDATA;
    const unsigned char *s;
    size_t n;
    if (!pm_pdflex_token(x, &s, &n)) return PM_EDATA;
    if (tok_is(s, n, "<<")) return parse_container(x, depth, 1, out);
    if (tok_is(s, n, "[")) return parse_container(x, depth, 0, out);
    pm_pdfv *v = NULL;
    double num;
    if (s[0] == '/') {
        if ((v = new_value(PM_PDF_NAME)) && !(v->s = dup_n(s + 1, n - 1))) { free(v); v = NULL; }
    } else if (s[0] == '(' || s[0] == '<') {
        if ((v = new_value(PM_PDF_STR)) && !(v->s = dup_n(s, n))) { free(v); v = NULL; }
    } else if (tok_is(s, n, "true") || tok_is(s, n, "false")) {
        if ((v = new_value(PM_PDF_BOOL))) v->num = s[0] == 't';
    } else if (tok_is(s, n, "null")) {
        v = new_value(PM_PDF_NULL);
    } else if (tok_number(s, n, &num)) {
        int ref = num >= 0 && num == floor(num) && ref_follows(x);
        if ((v = new_value(ref ? PM_PDF_REF : PM_PDF_NUM))) {
            v->num = num;
            v->ref = (long)num;
        }
    } else {
        return PM_EDATA;
    }
    if (!v) return PM_ENOMEM;
    *out = v;
    return PM_OK;
}

pm_status pm_pdfv_parse(pm_pdflex *x, pm_pdfv **out)
{
    return parse_at(x, 0, out);
}

void pm_pdfv_free(pm_pdfv *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys) free(v->keys[i]);
        pm_pdfv_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->s);
    free(v);
}

static long find_key(const pm_pdfv *d, const char *key)
{
    if (!d || d->kind != PM_PDF_DICT) return -1;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->keys[i], key) == 0) return (long)i;
    return -1;
}

pm_pdfv *pm_pdfv_get(const pm_pdfv *d, const char *key)
{
    long i = find_key(d, key);
    return i < 0 ? NULL : d->items[i];
}

pm_status pm_pdfv_set(pm_pdfv *d, const char *key, pm_pdfv *v)
{
    if (!v) return PM_ENOMEM; /* the value could not be made */
    if (!d || d->kind != PM_PDF_DICT) { pm_pdfv_free(v); return PM_EINTERNAL; }
    long i = find_key(d, key);
    if (i >= 0) {
        pm_pdfv_free(d->items[i]);
        d->items[i] = v;
        return PM_OK;
    }
    char *k = pm_strdup(key);
    pm_status st = k ? append_item(d, k, v) : PM_ENOMEM;
    if (st) { free(k); pm_pdfv_free(v); }
    return st;
}

void pm_pdfv_del(pm_pdfv *d, const char *key)
{
    long i = find_key(d, key);
    if (i < 0) return;
    free(d->keys[i]);
    pm_pdfv_free(d->items[i]);
    memmove(d->keys + i, d->keys + i + 1, (d->n - (size_t)i - 1) * sizeof *d->keys);
    memmove(d->items + i, d->items + i + 1, (d->n - (size_t)i - 1) * sizeof *d->items);
    d->n--;
}

pm_pdfv *pm_pdfv_raw(const char *text)
{
    pm_pdfv *v = new_value(PM_PDF_RAW);
    if (v && !(v->s = pm_strdup(text))) { free(v); v = NULL; }
    return v;
}

pm_pdfv *pm_pdfv_number(double num)
{
    pm_pdfv *v = new_value(PM_PDF_NUM);
    if (v) v->num = num;
    return v;
}

int pm_pdfv_is_name(const pm_pdfv *v, const char *s)
{
    return v && v->kind == PM_PDF_NAME && strcmp(v->s, s) == 0;
}

pm_status pm_pdfbuf_put(char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n + 1) c *= 2;
        char *b = realloc(*buf, c);
        if (!b) return PM_ENOMEM;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return PM_OK;
}

pm_status pm_pdfbuf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) return PM_ENOMEM;
    pm_status st = pm_pdfbuf_put(buf, len, cap, s, (size_t)n);
    free(s);
    return st;
}

void pm_pdf_num(double v, int decimals, char *buf, size_t len)
{
    if (!isfinite(v)) v = 0;
    snprintf(buf, len, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0') *e-- = '\0';
        if (e == dot) *e = '\0';
    }
    if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
}

pm_status pm_pdfv_write(const pm_pdfv *v, char **buf, size_t *len, size_t *cap)
{
    char num[64];
    pm_status st = PM_OK;
    switch (v->kind) {
    case PM_PDF_NULL: return pm_pdfbuf_put(buf, len, cap, "null", 4);
    case PM_PDF_BOOL: return pm_pdfbuf_printf(buf, len, cap, "%s", v->num ? "true" : "false");
    case PM_PDF_NUM:
        pm_pdf_num(v->num, 6, num, sizeof num);
        return pm_pdfbuf_printf(buf, len, cap, "%s", num);
    case PM_PDF_REF: return pm_pdfbuf_printf(buf, len, cap, "%ld 0 R", v->ref);
    case PM_PDF_NAME: return pm_pdfbuf_printf(buf, len, cap, "/%s", v->s);
    case PM_PDF_STR:
    case PM_PDF_RAW: return pm_pdfbuf_printf(buf, len, cap, "%s", v->s);
    case PM_PDF_ARRAY:
    case PM_PDF_DICT:
        st = pm_pdfbuf_put(buf, len, cap, v->kind == PM_PDF_DICT ? "<<" : "[", v->kind == PM_PDF_DICT ? 2 : 1);
        for (size_t i = 0; !st && i < v->n; i++) {
            if (v->kind == PM_PDF_DICT) st = pm_pdfbuf_printf(buf, len, cap, " /%s", v->keys[i]);
            if (!st) st = pm_pdfbuf_put(buf, len, cap, " ", 1);
            if (!st) st = pm_pdfv_write(v->items[i], buf, len, cap);
        }
        if (!st) st = pm_pdfbuf_put(buf, len, cap, v->kind == PM_PDF_DICT ? " >>" : " ]", v->kind == PM_PDF_DICT ? 3 : 2);
        return st;
    }
    return PM_EINTERNAL;
}

static int utf8_next(const unsigned char **p, unsigned *cp)
{
    const unsigned char *s = *p;
    unsigned c = s[0], n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (n == 9) return 0;
    unsigned v = n ? c & (0x3F >> n) : c;
    for (unsigned i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    *p = s + n + 1;
    return v <= 0x10FFFF;
}

char *pm_pdf_text_string(const char *utf8)
{
    size_t n = strlen(utf8), len = 0, cap = 0;
    char *out = NULL;
    if (pm_pdfbuf_put(&out, &len, &cap, "<FEFF", 5)) return NULL;
    const unsigned char *p = (const unsigned char *)utf8, *end = p + n;
    while (p < end) {
        unsigned cp;
        if (!utf8_next(&p, &cp)) { free(out); return NULL; }
        pm_status st;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            st = pm_pdfbuf_printf(&out, &len, &cap, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            st = pm_pdfbuf_printf(&out, &len, &cap, "%04X", cp);
        }
        if (st) { free(out); return NULL; }
    }
    if (pm_pdfbuf_put(&out, &len, &cap, ">", 1)) { free(out); return NULL; }
    return out;
}

char *pm_pdf_literal(const char *s)
{
    size_t len = 0, cap = 0;
    char *out = NULL;
    pm_status st = pm_pdfbuf_put(&out, &len, &cap, "(", 1);
    for (; !st && *s; s++) {
        if (*s == '(' || *s == ')' || *s == '\\') st = pm_pdfbuf_put(&out, &len, &cap, "\\", 1);
        if (!st) st = pm_pdfbuf_put(&out, &len, &cap, s, 1);
    }
    if (!st) st = pm_pdfbuf_put(&out, &len, &cap, ")", 1);
    if (st) { free(out); return NULL; }
    return out;
}
