/* Expression evaluation: the compiled code over whole columns, one year at a time. */
#include "expr/expr_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ex_arity(ex_op op)
{
    if (op <= OP_YEAR) return 0;
    if (op <= OP_SQRT) return 1;
    if (op <= OP_ROUND) return 2;
    if (op <= OP_CLAMP) return 3;
    return 1; /* prev, aggregates */
}

/* A result that is not a finite number is no data. */
static double fin(double r) { return isfinite(r) ? r : NAN; }

static double round_to(double x, double n)
{
    static const double p10[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                    1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    if (n != floor(n) || n < -15 || n > 15) return NAN;
    double p = p10[(int)fabs(n)];
    double s = n >= 0 ? x * p : x / p;
    if (fabs(s) >= 4503599627370496.0) return n >= 0 ? x : fin(round(s) * p); /* 2^52: whole */
    return n >= 0 ? round(s) / p : fin(round(s) * p);
}

static double unop(ex_op op, double a)
{
    if (isnan(a)) return NAN;
    switch (op) {
    case OP_NEG: return -a;
    case OP_NOT: return a == 0;
    case OP_ABS: return fabs(a);
    case OP_LOG: return a > 0 ? log(a) : NAN;
    case OP_SQRT: return a >= 0 ? sqrt(a) : NAN;
    default: return NAN;
    }
}

static double binop(ex_op op, double a, double b)
{
    if (op == OP_COALESCE) return isnan(a) ? b : a;
    if (isnan(a) || isnan(b)) return NAN;
    switch (op) {
    case OP_ADD: return fin(a + b);
    case OP_SUB: return fin(a - b);
    case OP_MUL: return fin(a * b);
    case OP_DIV: return b == 0 ? NAN : fin(a / b);
    case OP_MOD: return b == 0 ? NAN : fmod(a, b);
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_AND: return a != 0 && b != 0;
    case OP_OR: return a != 0 || b != 0;
    case OP_MIN: return b < a ? b : a;
    case OP_MAX: return b > a ? b : a;
    case OP_ROUND: return round_to(a, b);
    default: return NAN;
    }
}

static double ternop(ex_op op, double a, double b, double c)
{
    if (op == OP_IF) return isnan(a) ? NAN : a != 0 ? b : c;
    if (isnan(a) || isnan(b) || isnan(c) || b > c) return NAN; /* clamp */
    return a < b ? b : a > c ? c : a;
}

static void fill(double *v, size_t n, double x)
{
    for (size_t c = 0; c < n; c++) v[c] = x;
}

/* The checks of pm_expr_eval's contract. */
static int fits(const pm_expr *e, const pm_expr_data *d, size_t y)
{
    if (y >= d->nyears) return 0;
    if (e->nrefs && (e->refs[e->nrefs - 1].field >= d->nfields || !d->values)) return 0;
    for (size_t i = 0; i < e->ncode; i++)
        if (e->code[i].op == OP_YEAR && !d->years) return 0;
    if (!e->uses_parent) return 1;
    if (!d->parent) return 0;
    for (size_t c = 0; c < d->ncommittees; c++)
        if (d->parent[c] < -1 || (d->parent[c] >= 0 && (size_t)d->parent[c] >= d->nparents)) return 0;
    return 1;
}

static void load(const ex_ins *in, const pm_expr_data *d, size_t y, double *v)
{
    size_t n = d->ncommittees;
    if (y < in->back) { fill(v, n, NAN); return; }
    size_t yy = y - in->back;
    if (in->op == OP_YEAR) { fill(v, n, (double)d->years[yy]); return; }
    const double *src = d->values + yy * n * d->nfields + in->field;
    for (size_t c = 0; c < n; c++) {
        double x = src[c * d->nfields];
        v[c] = isfinite(x) ? x : NAN;
    }
}

static void run(const pm_expr *e, const pm_expr_data *d, size_t y, double **stk, ex_scratch *s)
{
    size_t n = d->ncommittees, sp = 0;
    for (size_t i = 0; i < e->ncode; i++) {
        const ex_ins *in = &e->code[i];
        ex_op op = (ex_op)in->op;
        int arity = ex_arity(op);
        double *a = arity ? stk[sp - (size_t)arity] : stk[sp];
        if (op == OP_CONST) fill(a, n, in->k);
        else if (op == OP_FIELD || op == OP_YEAR) load(in, d, y, a);
        else if (op == OP_PREV) { if (y < (size_t)in->back + 1) fill(a, n, NAN); }
        else if (op >= OP_MEDIAN) ex_aggregate(op, a, n, d->parent, d->nparents, s);
        else if (arity == 1) for (size_t c = 0; c < n; c++) a[c] = unop(op, a[c]);
        else if (arity == 2) {
            const double *b = stk[sp - 1];
            for (size_t c = 0; c < n; c++) a[c] = binop(op, a[c], b[c]);
        } else {
            const double *b = stk[sp - 2], *x = stk[sp - 1];
            for (size_t c = 0; c < n; c++) a[c] = ternop(op, a[c], b[c], x[c]);
        }
        sp = sp + 1 - (size_t)arity;
    }
}

pm_status pm_expr_eval(const pm_expr *e, const pm_expr_data *d, size_t y, double *out)
{
    if (!fits(e, d, y)) return PM_EDATA;
    size_t n = d->ncommittees;
    if (n == 0) return PM_OK;
    int agg = 0;
    for (size_t i = 0; i < e->ncode; i++) agg |= e->code[i].op >= OP_MEDIAN;
    double **stk = malloc(e->maxstack * sizeof *stk);
    double *mem = e->maxstack > 1 ? malloc((e->maxstack - 1) * n * sizeof *mem) : NULL;
    ex_scratch s = { 0 };
    if (agg) {
        s.items = malloc(n * sizeof *s.items);
        s.sum = malloc((2 * d->nparents + 1) * sizeof *s.sum);
        s.cnt = s.sum + d->nparents;
    }
    pm_status st = PM_ENOMEM;
    if (!stk || (e->maxstack > 1 && !mem) || (agg && (!s.items || !s.sum))) goto done;
    stk[0] = out;
    for (size_t i = 1; i < e->maxstack; i++) stk[i] = mem + (i - 1) * n;
    run(e, d, y, stk, &s);
    for (size_t c = 0; c < n; c++)
        if (out[c] == 0) out[c] = 0; /* no -0 */
    st = PM_OK;
done:
    free(stk);
    free(mem);
    free(s.items);
    free(s.sum);
    return st;
}

void pm_expr_free(pm_expr *e)
{
    if (!e) return;
    free(e->code);
    free(e->refs);
    free(e);
}

pm_expr_type pm_expr_result_type(const pm_expr *e) { return e->type; }

size_t pm_expr_field_refs(const pm_expr *e, size_t *out, size_t cap)
{
    for (size_t i = 0; i < e->nrefs && i < cap; i++) out[i] = e->refs[i].field;
    return e->nrefs;
}

int pm_expr_is_field(const pm_expr *e, size_t *field)
{
    if (e->ncode != 1 || e->code[0].op != OP_FIELD) return 0;
    if (field) *field = e->code[0].field;
    return 1;
}
