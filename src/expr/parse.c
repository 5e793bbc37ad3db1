/* Expression parser and type checker: source to postorder code in one pass, no tree. */
#include "expr/expr_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Recursion is bounded: each level of parentheses or call costs one pass through
 * the eight precedence functions, and there are at most PM_EXPR_MAX_DEPTH levels;
 * chains (a + b + ..., - - x, not not x) are loops. */
typedef struct {
    ex_lexer lx;
    ex_tok cur, last;          /* the current and the last consumed token */
    const pm_expr_schema *schema;
    pm_expr_error *err;
    ex_ins *code;
    size_t ncode, cap, sp, maxsp;
    ex_ref *refs;              /* every reference, in source order */
    size_t nrefs, refcap;
    unsigned depth, back;
    int uses_parent, oom;
} parser;

typedef struct {
    pm_expr_type type;
    size_t col, end;           /* columns [col, end) */
    int is_const;
    double k;
} val;

typedef struct {
    const char *name;
    ex_op op;
    int min, max;              /* arguments; max -1 = any number */
    const char *params;
} ex_func;

static const ex_func funcs[] = {
    { "if", OP_IF, 3, 3, "condition, then, else" },
    { "coalesce", OP_COALESCE, 2, -1, "x, fallback, ..." },
    { "min", OP_MIN, 2, -1, "a, b, ..." },
    { "max", OP_MAX, 2, -1, "a, b, ..." },
    { "abs", OP_ABS, 1, 1, "x" },
    { "round", OP_ROUND, 2, 2, "x, decimals" },
    { "clamp", OP_CLAMP, 3, 3, "x, lo, hi" },
    { "log", OP_LOG, 1, 1, "x" },
    { "sqrt", OP_SQRT, 1, 1, "x" },
    { "prev", OP_PREV, 1, 1, "x" },
    { "median", OP_MEDIAN, 1, 1, "x" },
    { "mean", OP_MEAN, 1, 1, "x" },
    { "rank", OP_RANK, 1, 1, "x" },
    { "percentile", OP_PERCENTILE, 1, 1, "x" },
    { "median_in_parent", OP_MEDIAN_P, 1, 1, "x" },
    { "mean_in_parent", OP_MEAN_P, 1, 1, "x" },
    { "rank_in_parent", OP_RANK_P, 1, 1, "x" },
    { "percentile_in_parent", OP_PERCENTILE_P, 1, 1, "x" },
};
enum { NFUNCS = sizeof funcs / sizeof funcs[0] };

/* Names from other languages, and what to write instead. */
static const struct { const char *name, *hint; } aliases[] = {
    { "avg", "did you mean \"mean\"?" }, { "average", "did you mean \"mean\"?" },
    { "ln", "did you mean \"log\"?" }, { "ifnull", "did you mean \"coalesce\"?" },
    { "nvl", "did you mean \"coalesce\"?" }, { "iif", "did you mean \"if\"?" },
    { "pow", "there is no power function: write x * x" },
    { "power", "there is no power function: write x * x" },
    { "sum", "aggregates are median, mean, rank and percentile" },
    { "count", "aggregates are median, mean, rank and percentile" },
    { "floor", "did you mean \"round\"?" }, { "ceil", "did you mean \"round\"?" },
};

static const char *type_name(pm_expr_type t)
{
    return t == PM_EXPR_BOOL ? "a boolean (a comparison or logical expression)" : "a number";
}

static int fail_oom(parser *p)
{
    p->oom = 1;
    ex_error(p->err, 0, 0, "out of memory");
    return 0;
}

static int emit(parser *p, ex_op op, uint32_t field, double k)
{
    if (p->ncode == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        ex_ins *c = realloc(p->code, cap * sizeof *c);
        if (!c) return fail_oom(p);
        p->code = c;
        p->cap = cap;
    }
    p->code[p->ncode++] = (ex_ins){ (uint8_t)op, (uint8_t)p->back, field, k };
    p->sp = p->sp + 1 - (size_t)ex_arity(op);
    if (p->sp > p->maxsp) p->maxsp = p->sp;
    return 1;
}

static int advance(parser *p)
{
    p->last = p->cur;
    return ex_lex(&p->lx, p->cur.end, p->cur.col + p->cur.ncols, &p->cur, p->err);
}

static int is_word(const ex_tok *t, const char *w)
{
    return t->kind == T_IDENT && t->namelen == strlen(w) && memcmp(t->name, w, t->namelen) == 0;
}

/* The token's source text, for messages. */
static const char *text(const parser *p, const ex_tok *t, char buf[56])
{
    if (t->kind == T_END) return "the end of the expression";
    buf[0] = '"';
    ex_clip(buf + 1, p->lx.src + t->start, t->end - t->start, 40);
    strcat(buf, "\"");
    return buf;
}

static int need(parser *p, const val *v, pm_expr_type want, const char *what)
{
    if (v->type == want) return 1;
    ex_error(p->err, v->col, v->end - v->col, "%s, got %s", what, type_name(v->type));
    return 0;
}

static int parse_or(parser *p, val *v);

/* ---- names ---- */

static const ex_func *find_func(const char *name, size_t n)
{
    for (size_t i = 0; i < NFUNCS; i++)
        if (strlen(funcs[i].name) == n && memcmp(funcs[i].name, name, n) == 0) return &funcs[i];
    return NULL;
}

static long find_field(const parser *p, const char *name, size_t n)
{
    for (size_t i = 0; p->schema && i < p->schema->nfields; i++) {
        const char *f = p->schema->fields[i];
        if (f && strlen(f) == n && memcmp(f, name, n) == 0) return (long)i;
    }
    return -1;
}

static int unknown_field(parser *p, const ex_tok *t)
{
    char q[72];
    ex_clip(q, t->name, t->namelen, 64);
    static const char *const words[] = { "and", "or", "not", "year", "true", "false" };
    if (t->kind == T_IDENT) {
        if (find_func(t->name, t->namelen)) {
            ex_error(p->err, t->col, t->ncols, "%s is a function: write %s(...)", q, q);
            return 0;
        }
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (t->namelen == strlen(words[i]) && strncasecmp(t->name, words[i], t->namelen) == 0) {
                ex_error(p->err, t->col, t->ncols, "unknown field \"%s\" (keywords are lower "
                         "case: %s)", q, words[i]);
                return 0;
            }
    }
    const char *s = p->schema ? ex_suggest(t->name, t->namelen, p->schema->fields,
                                           p->schema->nfields) : NULL;
    if (s) {
        char sq[72];
        ex_clip(sq, s, strlen(s), 64);
        ex_error(p->err, t->col, t->ncols, "unknown field \"%s\" (did you mean \"%s\"?)", q, sq);
    } else {
        ex_error(p->err, t->col, t->ncols, "unknown field \"%s\"", q);
    }
    return 0;
}

static int field_ref(parser *p, val *v)
{
    const ex_tok *t = &p->cur;
    long f = find_field(p, t->name, t->namelen);
    if (f < 0) return unknown_field(p, t);
    if (p->nrefs == p->refcap) {
        size_t cap = p->refcap ? p->refcap * 2 : 16;
        ex_ref *r = realloc(p->refs, cap * sizeof *r);
        if (!r) return fail_oom(p);
        p->refs = r;
        p->refcap = cap;
    }
    p->refs[p->nrefs++] = (ex_ref){ (size_t)f, t->col, t->ncols };
    *v = (val){ PM_EXPR_NUMBER, t->col, t->col + t->ncols, 0, 0 };
    return emit(p, OP_FIELD, (uint32_t)f, 0) && advance(p);
}

static int unknown_func(parser *p, const ex_tok *t)
{
    char q[72];
    ex_clip(q, t->name, t->namelen, 64);
    if (find_field(p, t->name, t->namelen) >= 0) {
        ex_error(p->err, t->col, t->ncols, "\"%s\" is a field, not a function (write %s * (...) "
                 "to multiply)", q, q);
        return 0;
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (t->namelen == strlen(aliases[i].name)
            && strncasecmp(t->name, aliases[i].name, t->namelen) == 0) {
            ex_error(p->err, t->col, t->ncols, "unknown function \"%s\" (%s)", q, aliases[i].hint);
            return 0;
        }
    const char *names[NFUNCS];
    for (size_t i = 0; i < NFUNCS; i++) names[i] = funcs[i].name;
    const char *s = ex_suggest(t->name, t->namelen, names, NFUNCS);
    if (s) ex_error(p->err, t->col, t->ncols, "unknown function \"%s\" (did you mean \"%s\"?)", q, s);
    else ex_error(p->err, t->col, t->ncols, "unknown function \"%s\"", q);
    return 0;
}

/* ---- calls ---- */

/* Checks argument i (0-based) of f as it arrives; emits the fold of n-ary functions. */
static int call_arg(parser *p, const ex_func *f, int i, const val *a, const val *first)
{
    char what[96];
    switch (f->op) {
    case OP_IF:
        if (i == 0) return need(p, a, PM_EXPR_BOOL, "if: the condition must be a comparison or a logical expression");
        if (i == 2 && a->type != first[1].type) {
            ex_error(p->err, a->col, a->end - a->col, "if: both branches must have the same "
                     "type, got %s and %s", type_name(first[1].type), type_name(a->type));
            return 0;
        }
        return 1;
    case OP_COALESCE:
        if (i > 0 && a->type != first[0].type) {
            ex_error(p->err, a->col, a->end - a->col, "coalesce: the arguments must have the "
                     "same type, got %s and %s", type_name(first[0].type), type_name(a->type));
            return 0;
        }
        return i == 0 || emit(p, OP_COALESCE, 0, 0);
    case OP_PREV:
        return 1;
    case OP_MIN: case OP_MAX:
        snprintf(what, sizeof what, "%s: the arguments must be numbers", f->name);
        return need(p, a, PM_EXPR_NUMBER, what) && (i == 0 || emit(p, f->op, 0, 0));
    default: {
        const char *ps = f->params;
        for (int k = 0; k < i && ps; k++) if ((ps = strchr(ps, ','))) ps += 2;
        size_t pl = ps ? strcspn(ps, ",") : 0;
        snprintf(what, sizeof what, "%s: %.*s must be a number", f->name, (int)pl, ps ? ps : "");
        return need(p, a, PM_EXPR_NUMBER, what);
    }
    }
}

static int call_finish(parser *p, const ex_func *f, int nargs, const val *a, size_t col,
                       size_t end, val *v)
{
    if (nargs < f->min || (f->max >= 0 && nargs > f->max)) {
        ex_error(p->err, col, end - col, "%s takes %s%d argument%s (%s), got %d", f->name,
                 f->max < 0 ? "at least " : "", f->min, f->min == 1 ? "" : "s", f->params, nargs);
        return 0;
    }
    if (f->op == OP_ROUND && a[1].is_const
        && (a[1].k != floor(a[1].k) || a[1].k < -15 || a[1].k > 15)) {
        ex_error(p->err, a[1].col, a[1].end - a[1].col, "round: decimals must be a whole "
                 "number from -15 to 15, got %g", a[1].k);
        return 0;
    }
    pm_expr_type t = f->op == OP_IF ? a[1].type : f->op == OP_COALESCE || f->op == OP_PREV
                     ? a[0].type : PM_EXPR_NUMBER;
    *v = (val){ t, col, end, 0, 0 };
    if (f->op == OP_COALESCE || f->op == OP_MIN || f->op == OP_MAX) return 1; /* folded */
    return emit(p, f->op, 0, 0);
}

static int parse_call(parser *p, const ex_func *f, val *v)
{
    ex_tok name = p->cur;
    if (!advance(p)) return 0;
    ex_tok open = p->cur;
    if (++p->depth > PM_EXPR_MAX_DEPTH) {
        ex_error(p->err, open.col, 1, "nested deeper than %d levels (parentheses and "
                 "function calls): split the expression", PM_EXPR_MAX_DEPTH);
        return 0;
    }
    if (f->op >= OP_MEDIAN_P && !(p->schema && p->schema->has_parent)) {
        ex_error(p->err, name.col, name.ncols, "%s: the units have no parent (the data "
                 "names no parent field)", f->name);
        return 0;
    }
    p->uses_parent |= f->op >= OP_MEDIAN_P;
    p->back += f->op == OP_PREV;
    if (!advance(p)) return 0;
    val a[3] = { 0 };
    int nargs = 0;
    while (p->cur.kind != T_RPAREN || nargs > 0) {
        val x;
        if (!parse_or(p, &x)) return 0;
        if (nargs < 3) a[nargs] = x;
        if ((f->max < 0 || nargs < f->max) && !call_arg(p, f, nargs, &x, a)) return 0;
        nargs++;
        if (p->cur.kind == T_RPAREN) break;
        if (p->cur.kind == T_COMMA) { if (!advance(p)) return 0; continue; }
        char b[56];
        if (p->cur.kind == T_END)
            ex_error(p->err, open.col, 1, "unbalanced \"(\" of %s: missing \")\"", f->name);
        else
            ex_error(p->err, p->cur.col, p->cur.ncols, "expected \",\" or \")\" in the call of "
                     "%s, got %s", f->name, text(p, &p->cur, b));
        return 0;
    }
    size_t end = p->cur.col + p->cur.ncols;
    p->back -= f->op == OP_PREV;
    p->depth--;
    return call_finish(p, f, nargs, a, name.col, end, v) && advance(p);
}

/* ---- values and operators ---- */

static int expected_value(parser *p)
{
    char b[56], l[56];
    const ex_tok *t = &p->cur;
    if (p->last.kind != T_END)
        ex_error(p->err, t->col, t->ncols, "expected a value after %s, got %s",
                 text(p, &p->last, l), text(p, t, b));
    else
        ex_error(p->err, t->col, t->ncols, "expected a value, got %s", text(p, t, b));
    return 0;
}

static int parse_paren(parser *p, val *v)
{
    ex_tok open = p->cur;
    if (++p->depth > PM_EXPR_MAX_DEPTH) {
        ex_error(p->err, open.col, 1, "nested deeper than %d levels (parentheses and "
                 "function calls): split the expression", PM_EXPR_MAX_DEPTH);
        return 0;
    }
    if (!advance(p) || !parse_or(p, v)) return 0;
    if (p->cur.kind != T_RPAREN) {
        char b[56];
        if (p->cur.kind == T_END) ex_error(p->err, open.col, 1, "unbalanced \"(\": missing \")\"");
        else ex_error(p->err, p->cur.col, p->cur.ncols, "expected \")\" or an operator, got %s",
                      text(p, &p->cur, b));
        return 0;
    }
    p->depth--;
    v->col = open.col;
    v->end = p->cur.col + p->cur.ncols;
    return advance(p);
}

static int parse_primary(parser *p, val *v)
{
    ex_tok t = p->cur;
    if (t.kind == T_NUM) {
        *v = (val){ PM_EXPR_NUMBER, t.col, t.col + t.ncols, 1, t.num };
        return emit(p, OP_CONST, 0, t.num) && advance(p);
    }
    if (t.kind == T_QUOTED) return field_ref(p, v);
    if (t.kind == T_LPAREN) return parse_paren(p, v);
    if (t.kind != T_IDENT) return expected_value(p);
    if (is_word(&t, "and") || is_word(&t, "or")) return expected_value(p);
    if (is_word(&t, "not")) {
        ex_error(p->err, t.col, t.ncols, "not needs parentheses here: (not ...)");
        return 0;
    }
    int yr = is_word(&t, "year"), tr = is_word(&t, "true"), fa = is_word(&t, "false");
    if (yr || tr || fa) {
        *v = (val){ yr ? PM_EXPR_NUMBER : PM_EXPR_BOOL, t.col, t.col + t.ncols, !yr, tr };
        return emit(p, yr ? OP_YEAR : OP_CONST, 0, tr) && advance(p);
    }
    ex_tok next;
    if (!ex_lex(&p->lx, t.end, t.col + t.ncols, &next, p->err)) return 0;
    if (next.kind != T_LPAREN) return field_ref(p, v);
    const ex_func *f = find_func(t.name, t.namelen);
    return f ? parse_call(p, f, v) : unknown_func(p, &t);
}

static int parse_unary(parser *p, val *v)
{
    ex_tok minus = p->cur;
    size_t n = 0;
    while (p->cur.kind == T_MINUS) {
        if (!advance(p)) return 0;
        n++;
    }
    if (!parse_primary(p, v)) return 0;
    if (!n) return 1;
    if (!need(p, v, PM_EXPR_NUMBER, "\"-\" needs a number")) return 0;
    v->col = minus.col;
    if (n % 2 == 0) return 1;
    if (v->is_const) { /* fold, so that round(x, -1) sees a constant */
        v->k = -v->k;
        p->code[p->ncode - 1].k = v->k;
        return 1;
    }
    return emit(p, OP_NEG, 0, 0);
}

/* One left-associative level of arithmetic: ops[i] is the token for code[i]. */
static int parse_arith(parser *p, val *v, int mul)
{
    static const ex_tok_kind addk[] = { T_PLUS, T_MINUS }, mulk[] = { T_STAR, T_SLASH, T_PERCENT };
    static const ex_op addo[] = { OP_ADD, OP_SUB }, mulo[] = { OP_MUL, OP_DIV, OP_MOD };
    if (!(mul ? parse_unary(p, v) : parse_arith(p, v, 1))) return 0;
    for (;;) {
        int k = -1;
        for (int i = 0; i < (mul ? 3 : 2); i++)
            if (p->cur.kind == (mul ? mulk : addk)[i]) k = i;
        if (k < 0) return 1;
        char what[48], b[56];
        snprintf(what, sizeof what, "%s needs numbers", text(p, &p->cur, b));
        val r;
        if (!need(p, v, PM_EXPR_NUMBER, what) || !advance(p)) return 0;
        if (!(mul ? parse_unary(p, &r) : parse_arith(p, &r, 1))) return 0;
        if (!need(p, &r, PM_EXPR_NUMBER, what)) return 0;
        if (!emit(p, (mul ? mulo : addo)[k], 0, 0)) return 0;
        *v = (val){ PM_EXPR_NUMBER, v->col, r.end, 0, 0 };
    }
}

static int cmp_op(ex_tok_kind k, ex_op *op)
{
    static const ex_tok_kind tk[] = { T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE };
    static const ex_op ops[] = { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };
    for (int i = 0; i < 6; i++) if (k == tk[i]) { *op = ops[i]; return 1; }
    return 0;
}

static int parse_cmp(parser *p, val *v)
{
    if (!parse_arith(p, v, 0)) return 0;
    ex_op op;
    if (!cmp_op(p->cur.kind, &op)) return 1;
    ex_tok o = p->cur;
    char what[64], b[56];
    val r;
    if (!advance(p) || !parse_arith(p, &r, 0)) return 0;
    if (op == OP_EQ || op == OP_NE) {
        if (v->type != r.type) {
            ex_error(p->err, v->col, r.end - v->col, "%s compares values of the same type, got "
                     "%s and %s", text(p, &o, b), type_name(v->type), type_name(r.type));
            return 0;
        }
    } else {
        snprintf(what, sizeof what, "%s compares numbers", text(p, &o, b));
        if (!need(p, v, PM_EXPR_NUMBER, what) || !need(p, &r, PM_EXPR_NUMBER, what)) return 0;
    }
    if (cmp_op(p->cur.kind, &op)) {
        ex_error(p->err, p->cur.col, p->cur.ncols, "comparisons do not chain: write a < b and b < c");
        return 0;
    }
    *v = (val){ PM_EXPR_BOOL, v->col, r.end, 0, 0 };
    return emit(p, op, 0, 0);
}

static int parse_not(parser *p, val *v)
{
    ex_tok first = p->cur;
    size_t n = 0;
    while (is_word(&p->cur, "not")) {
        if (!advance(p)) return 0;
        n++;
    }
    if (!parse_cmp(p, v)) return 0;
    if (!n) return 1;
    if (!need(p, v, PM_EXPR_BOOL, "not needs a comparison or a logical expression")) return 0;
    *v = (val){ PM_EXPR_BOOL, first.col, v->end, 0, 0 };
    return n % 2 == 0 || emit(p, OP_NOT, 0, 0);
}

/* and (or = 0) binds tighter than or (or = 1). */
static int parse_logic(parser *p, val *v, int or)
{
    const char *word = or ? "or" : "and";
    char what[64];
    snprintf(what, sizeof what, "%s needs a comparison or a logical expression on each side", word);
    if (!(or ? parse_logic(p, v, 0) : parse_not(p, v))) return 0;
    while (is_word(&p->cur, word)) {
        val r;
        if (!need(p, v, PM_EXPR_BOOL, what) || !advance(p)) return 0;
        if (!(or ? parse_logic(p, &r, 0) : parse_not(p, &r))) return 0;
        if (!need(p, &r, PM_EXPR_BOOL, what) || !emit(p, or ? OP_OR : OP_AND, 0, 0)) return 0;
        *v = (val){ PM_EXPR_BOOL, v->col, r.end, 0, 0 };
    }
    return 1;
}

static int parse_or(parser *p, val *v) { return parse_logic(p, v, 1); }

/* ---- the whole expression ---- */

static int trailing(parser *p)
{
    char b[56];
    const ex_tok *t = &p->cur;
    if (t->kind == T_RPAREN) ex_error(p->err, t->col, 1, "unbalanced \")\": there is no \"(\" to close");
    else if (t->kind == T_COMMA) ex_error(p->err, t->col, 1, "\",\" outside a function call");
    else if (t->kind == T_LPAREN) ex_error(p->err, t->col, 1, "expected an operator before \"(\" (write * to multiply)");
    else {
        const char *kw = t->kind != T_IDENT ? NULL : t->namelen == 3 && !strncasecmp(t->name, "and", 3)
                         ? "and" : t->namelen == 2 && !strncasecmp(t->name, "or", 2) ? "or" : NULL;
        char hint[48] = "";
        if (kw) snprintf(hint, sizeof hint, " (keywords are lower case: %s)", kw);
        ex_error(p->err, t->col, t->ncols, "expected an operator or the end of the expression, "
                 "got %s%s", text(p, t, b), hint);
    }
    return 0;
}

static int by_field_col(const void *a, const void *b)
{
    const ex_ref *x = a, *y = b;
    if (x->field != y->field) return x->field < y->field ? -1 : 1;
    return x->column < y->column ? -1 : x->column > y->column;
}

static pm_status finish(parser *p, pm_expr_type type, pm_expr **out)
{
    pm_expr *e = calloc(1, sizeof *e);
    if (!e) return PM_ENOMEM;
    if (p->nrefs) qsort(p->refs, p->nrefs, sizeof *p->refs, by_field_col);
    size_t n = 0;
    for (size_t i = 0; i < p->nrefs; i++)
        if (n == 0 || p->refs[n - 1].field != p->refs[i].field) p->refs[n++] = p->refs[i];
    e->code = p->code;
    e->ncode = p->ncode;
    e->maxstack = p->maxsp;
    e->type = type;
    e->refs = p->refs;
    e->nrefs = n;
    e->uses_parent = p->uses_parent;
    p->code = NULL;
    p->refs = NULL;
    *out = e;
    return PM_OK;
}

pm_status pm_expr_compile(const char *src, const pm_expr_schema *s, pm_expr **out,
                          pm_expr_error *err)
{
    *out = NULL;
    size_t len;
    if (!src) src = "";
    if (!ex_check_source(src, &len, err)) return PM_EDATA;
    if (s && s->nfields > UINT32_MAX) {
        ex_error(err, 0, 0, "too many fields");
        return PM_EDATA;
    }
    parser p = { .schema = s, .err = err };
    p.lx.src = src;
    p.lx.len = len;
    if (!(p.lx.buf = malloc(len + 1))) {
        ex_error(err, 0, 0, "out of memory");
        return PM_ENOMEM;
    }
    pm_status st = PM_EDATA;
    val v;
    p.cur.col = 1;
    p.last.kind = T_END;
    if (ex_lex(&p.lx, 0, 1, &p.cur, err) && parse_or(&p, &v)) {
        if (p.cur.kind == T_END) st = finish(&p, v.type, out);
        else trailing(&p);
    }
    if (p.oom) st = PM_ENOMEM;
    if (st == PM_ENOMEM) ex_error(err, 0, 0, "out of memory");
    free(p.lx.buf);
    free(p.code);
    free(p.refs);
    return st;
}
