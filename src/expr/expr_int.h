/* Inside the expression module: the compiled form, the lexer and shared helpers. */
#ifndef PM_EXPR_EXPR_INT_H
#define PM_EXPR_EXPR_INT_H

#include <stddef.h>
#include <stdint.h>
#include "expr/expr.h"

/* The compiled form is postorder code for a stack machine whose values are whole
 * columns (one double per committee).  Every instruction runs at year y - back,
 * back being the number of prev() around it. */
typedef enum {
    OP_CONST, OP_FIELD, OP_YEAR,
    OP_NEG, OP_NOT, OP_ABS, OP_LOG, OP_SQRT,          /* one operand */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,           /* two */
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
    OP_AND, OP_OR, OP_MIN, OP_MAX, OP_COALESCE, OP_ROUND,
    OP_IF, OP_CLAMP,                                  /* three */
    OP_PREV,                                          /* one: no data when y < back + 1 */
    OP_MEDIAN, OP_MEAN, OP_RANK, OP_PERCENTILE,       /* aggregates over the year */
    OP_MEDIAN_P, OP_MEAN_P, OP_RANK_P, OP_PERCENTILE_P /* ... within each parent */
} ex_op;

typedef struct {
    uint8_t op;      /* ex_op */
    uint8_t back;    /* enclosing prev()s, at most PM_EXPR_MAX_DEPTH */
    uint32_t field;  /* OP_FIELD */
    double k;        /* OP_CONST */
} ex_ins;

/* Where a field is first referenced, for the set's cycle messages. */
typedef struct { size_t field, column, length; } ex_ref;

struct pm_expr {
    ex_ins *code;
    size_t ncode, maxstack;
    pm_expr_type type;
    ex_ref *refs;    /* distinct fields, ascending */
    size_t nrefs;
    int uses_parent;
};

/* Operands taken by op (0 to 3); the stack effect is 1 - that. */
int ex_arity(ex_op op);

/* ---- UTF-8 and text ---- */

/* Decodes one code point at s (n bytes left): its length (1 to 4), or 0 if the bytes
 * there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
int ex_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Terminal columns of a code point: 2 for East Asian wide and fullwidth, 0 for
 * combining marks, else 1. */
int ex_cp_width(uint32_t cp);
/* Sets err (if not NULL) to a printf-style message at [column, column + length),
 * cut to the buffer on a UTF-8 boundary. */
void ex_error(pm_expr_error *err, size_t column, size_t length, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Copies at most max bytes of s[0..n) into buf (size > max + 3) on a code point
 * boundary, "..." appended when cut: for quoting names in messages. */
void ex_clip(char *buf, const char *s, size_t n, size_t max);
/* The candidate nearest to name (n bytes) by edit distance over code points,
 * ignoring ASCII case, if near enough to be a likely typo; else NULL. */
const char *ex_suggest(const char *name, size_t n, const char *const *cands, size_t ncands);

/* ---- Tokens ---- */

typedef enum {
    T_END, T_NUM, T_IDENT, T_QUOTED, T_LPAREN, T_RPAREN, T_COMMA,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT,
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE
} ex_tok_kind;

typedef struct {
    ex_tok_kind kind;
    size_t start, end;     /* bytes of the source */
    size_t col, ncols;     /* 1-based column and length in code points */
    double num;            /* T_NUM */
    const char *name;      /* T_IDENT (into the source) or T_QUOTED (unescaped, into lexer buf) */
    size_t namelen;
} ex_tok;

typedef struct {
    const char *src;
    size_t len;
    char *buf;             /* len + 1 bytes: the unescaped text of the last quoted name */
} ex_lexer;

/* The checks before parsing: the length limit, UTF-8, an empty source.  1 with *len
 * the source's length in bytes, or 0 with err set. */
int ex_check_source(const char *src, size_t *len, pm_expr_error *err);
/* Lexes the token at byte pos (column col): 1, or 0 with err set. */
int ex_lex(const ex_lexer *lx, size_t pos, size_t col, ex_tok *t, pm_expr_error *err);

/* ---- Aggregates (aggregate.c) ---- */

typedef struct ex_item { double v; size_t i; long g; } ex_item;

typedef struct {
    ex_item *items;          /* ncommittees */
    double *sum, *cnt;       /* nparents each */
} ex_scratch;

/* Replaces v[0..n) by the aggregate op (OP_MEDIAN ... OP_PERCENTILE_P) of v: the
 * per-parent forms group by parent[] (entries -1 or < nparents, checked by the
 * caller). */
void ex_aggregate(ex_op op, double *v, size_t n, const long *parent, size_t nparents,
                  ex_scratch *s);

#endif
