/* Content streams: operator scanning and the neutral-to-gray rewrite for print. */
#include "print/pdfcontent.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/pdfobj.h"

static int as_number(const unsigned char *s, size_t n, double *v)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.", s[i])) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return *end == '\0' && isfinite(*v);
}

/* "()" and "<>" (and their spaced forms) show nothing. */
static int nonempty_string(const unsigned char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (!strchr(" \t\r\n", s[i])) return 1;
    return 0;
}

/* Past an array or dictionary operand whose opening token was just read. */
static int skip_nested(pm_pdflex *x, int *text)
{
    int depth = 1;
    const unsigned char *s;
    size_t n;
    while (depth > 0) {
        if (!pm_pdflex_token(x, &s, &n)) return 0;
        if ((n == 1 && s[0] == '[') || (n == 2 && s[0] == '<' && s[1] == '<')) depth++;
        else if ((n == 1 && s[0] == ']') || (n == 2 && s[0] == '>' && s[1] == '>')) depth--;
        else if ((s[0] == '(' || (s[0] == '<' && n >= 2)) && nonempty_string(s, n)) *text = 1;
    }
    return 1;
}

/* Past the data of an inline image: from after "ID" to after "EI". */
static int skip_inline_image(pm_pdflex *x)
{
    const unsigned char *p = x->p;
    while (p + 2 < x->end) {
        if ((p[0] == ' ' || p[0] == '\n' || p[0] == '\r' || p[0] == '\t') && p[1] == 'E' && p[2] == 'I'
            && (p + 3 == x->end || strchr(" \t\r\n", p[3]))) {
            x->p = p + 3;
            return 1;
        }
        p++;
    }
    return 0;
}

pm_status pm_pdfcontent_scan(const unsigned char *data, size_t len, pm_pdfop_fn fn, void *ctx)
{
    pm_pdflex x = { data, data + len };
    pm_pdfop op;
    memset(&op, 0, sizeof op);
    op.all_numbers = 1;
    const unsigned char *s;
    size_t n;
    for (;;) {
        pm_pdflex_skip(&x);
        if (x.p >= x.end) break;
        const unsigned char *at = x.p;
        if (!pm_pdflex_token(&x, &s, &n)) return PM_EDATA;
        if (op.nargs == 0) op.start = at;
        double v;
        int text = 0;
        if (as_number(s, n, &v)) {
            if (op.nnum == PM_PDFOP_MAXNUM) memmove(op.num, op.num + 1, (PM_PDFOP_MAXNUM - 1) * sizeof *op.num);
            op.num[op.nnum < PM_PDFOP_MAXNUM ? op.nnum++ : PM_PDFOP_MAXNUM - 1] = v;
            op.nargs++;
            continue;
        }
        if (s[0] == '/' || s[0] == '(' || (s[0] == '<' && !(n == 2 && s[1] == '<'))) {
            if (s[0] != '/' && nonempty_string(s, n)) op.shows_text = 1;
        } else if ((n == 1 && s[0] == '[') || (n == 2 && s[0] == '<' && s[1] == '<')) {
            if (!skip_nested(&x, &text)) return PM_EDATA;
            if (text && n == 1) op.shows_text = 1;
        } else if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))
                   || (n == 4 && !memcmp(s, "null", 4))) {
            /* an operand */
        } else if ((n == 1 && (s[0] == ']' || s[0] == '{' || s[0] == '}')) || (n == 2 && s[0] == '>')) {
            return PM_EDATA;
        } else { /* an operator */
            size_t k = n < sizeof op.op - 1 ? n : sizeof op.op - 1;
            memcpy(op.op, s, k);
            op.op[k] = '\0';
            op.end = x.p;
            if (op.nargs == 0) op.start = at;
            if (strcmp(op.op, "ID") == 0 && !skip_inline_image(&x)) return PM_EDATA;
            if (fn(ctx, &op)) return PM_ECANCEL;
            memset(&op, 0, sizeof op);
            op.all_numbers = 1;
            continue;
        }
        op.nargs++;
        op.all_numbers = 0;
    }
    return PM_OK;
}

typedef struct {
    const unsigned char *data;
    const unsigned char *copied; /* bytes before this are in out */
    double tol;
    const double *black;
    char *out;
    size_t len, cap, changed;
    pm_status st;
} gray_ctx;

static int gray_op(void *vc, const pm_pdfop *op)
{
    gray_ctx *c = vc;
    int stroke = strcmp(op->op, "RG") == 0;
    if ((!stroke && strcmp(op->op, "rg") != 0) || op->nargs != 3 || !op->all_numbers) return 0;
    double r = op->num[0], g = op->num[1], b = op->num[2];
    double lo = fmin(r, fmin(g, b)), hi = fmax(r, fmax(g, b)), y;
    if (c->black && fabs(r - c->black[0]) <= c->tol && fabs(g - c->black[1]) <= c->tol
        && fabs(b - c->black[2]) <= c->tol)
        y = 0;
    else if (hi - lo <= c->tol)
        y = (r + g + b) / 3;
    else
        return 0;
    char num[48], rep[64];
    pm_pdf_num(y, 4, num, sizeof num);
    int k = snprintf(rep, sizeof rep, "%s %s", num, stroke ? "G" : "g");
    c->st = pm_pdfbuf_put(&c->out, &c->len, &c->cap, c->copied, (size_t)(op->start - c->copied));
    if (!c->st) c->st = pm_pdfbuf_put(&c->out, &c->len, &c->cap, rep, (size_t)k);
    c->copied = op->end;
    c->changed++;
    return c->st != PM_OK;
}

pm_status pm_pdfcontent_gray(const unsigned char *data, size_t len, double tol,
                             const double *black_rgb, unsigned char **out, size_t *out_len,
                             size_t *changed)
{
    gray_ctx c = { data, data, tol, black_rgb, NULL, 0, 0, 0, PM_OK };
    *out = NULL;
    pm_status st = pm_pdfcontent_scan(data, len, gray_op, &c);
    if (st == PM_ECANCEL) st = c.st;
    if (!st) st = pm_pdfbuf_put(&c.out, &c.len, &c.cap, c.copied, (size_t)(data + len - c.copied));
    if (st) { free(c.out); return st; }
    *out = (unsigned char *)c.out;
    *out_len = c.len;
    if (changed) *changed = c.changed;
    return PM_OK;
}
