/* Indicator expressions: a small, typed, total language over the evaluation columns. */
#ifndef PM_EXPR_EXPR_H
#define PM_EXPR_EXPR_H

#include <stddef.h>
#include "core/status.h"

/* The language (README "Indicator expressions" is the user's reference):
 *   numbers (1000, 0.7, 1e3), field names (needs, 群众满意度, "服务 得分"), year,
 *   true, false, + - * / % (and unary -), < <= > >= == !=, and or not,
 *   if(c, a, b), coalesce(a, b, ...), min(a, b, ...), max(a, b, ...), abs(x),
 *   round(x, decimals), clamp(x, lo, hi), log(x), sqrt(x), prev(x),
 *   median(x), mean(x), rank(x), percentile(x) over the committees of the year and
 *   median_in_parent, mean_in_parent, rank_in_parent, percentile_in_parent.
 * Two types, number and boolean, checked at compile time.  One NULL rule: a missing
 * value (NAN) in any operand of an operator or function gives no data, and so do
 * division and % by zero, log and sqrt outside their domain and results too large for
 * a double; and/or/not are strict too (no data in, no data out).  Only coalesce
 * chooses, and aggregates skip committees without a value.
 * No loops, recursion, clock, randomness or I/O: evaluation costs one pass over the
 * compiled code per committee and year, plus a sort per aggregate. */

enum {
    PM_EXPR_MAX_SOURCE = 16384, /* bytes of source */
    PM_EXPR_MAX_DEPTH = 64      /* nested parentheses and function calls */
};

/* A compiled expression: immutable, so any number of threads may evaluate it at once. */
typedef struct pm_expr pm_expr;

typedef enum { PM_EXPR_NUMBER = 1, PM_EXPR_BOOL } pm_expr_type;

/* The names an expression may use.  Field i is column i of pm_expr_data.values.
 * Borrowed by pm_expr_compile only for the call. */
typedef struct {
    const char *const *fields;
    size_t nfields;
    int has_parent;   /* the units have parents: the *_in_parent aggregates are allowed */
} pm_expr_schema;

/* Where and what: column is 1-based, in characters (code points) of the source, and
 * 0 when the problem has no place (too long a source, out of memory); length is the
 * span in characters (0 = a point, e.g. the end of the source).  message is UTF-8,
 * without the location. */
typedef struct {
    size_t column, length;
    char message[256];
} pm_expr_error;

/* Parses and type-checks src (UTF-8, NUL-terminated) against the schema.  On success
 * *out is a new expression (free with pm_expr_free) and err is untouched.  On
 * failure *out is NULL, err (if not NULL) says where and what, and the result is
 * PM_EDATA (a bad expression, longer than PM_EXPR_MAX_SOURCE or nested deeper than
 * PM_EXPR_MAX_DEPTH: refused without deep recursion) or PM_ENOMEM. */
pm_status pm_expr_compile(const char *src, const pm_expr_schema *s, pm_expr **out,
                          pm_expr_error *err);
void pm_expr_free(pm_expr *e); /* NULL is fine */

pm_expr_type pm_expr_result_type(const pm_expr *e);

/* The distinct fields e references, ascending: copies the first min(count, cap) into
 * out (which may be NULL when cap is 0) and returns the count. */
size_t pm_expr_field_refs(const pm_expr *e, size_t *out, size_t cap);

/* 1 if e is nothing but a field reference (needs, "服务 得分"), storing its index in
 * *field (may be NULL); else 0. */
int pm_expr_is_field(const pm_expr *e, size_t *field);

/* The table an expression is evaluated on (borrowed, read-only). */
typedef struct {
    size_t ncommittees, nyears, nfields;  /* nfields: the stride; at least the schema's */
    const int *years;      /* nyears, ascending: what year and prev() see */
    const double *values;  /* [(y * ncommittees + c) * nfields + f]; NAN = no data */
    const long *parent;    /* per committee a parent index < nparents, or -1; NULL = no parents */
    size_t nparents;
} pm_expr_data;

/* Evaluates e for every committee of year index y into out[ncommittees]: numbers, or
 * booleans as 1 and 0; NAN = no data; never infinite, never -0.  prev() reads year
 * index y - 1 (the previous year of the data, however far back), and is no data for
 * y = 0.  Allocates its own scratch (O(ncommittees) doubles per level of the deepest
 * operand stack), so calls may run in parallel.  PM_EDATA when d does not fit e (y
 * out of range, a referenced field at or beyond nfields, parents needed but absent or
 * out of range), PM_ENOMEM. */
pm_status pm_expr_eval(const pm_expr *e, const pm_expr_data *d, size_t y, double *out);

/* The error as the user should see it (a new string, caller frees; NULL on OOM):
 *   FILE: KEY: column N: MESSAGE
 *       SOURCE
 *       ^^^^^
 * file and key may be NULL or "" (left out).  Without src or a column only the first
 * line (without "column N: ").  The source is shown on one line (control characters
 * as spaces; a long one cut around the problem with "..."), and the carets sit under
 * the problem in terminal columns (East Asian wide characters take two).  No trailing
 * newline. */
char *pm_expr_error_text(const char *file, const char *key, const char *src,
                         const pm_expr_error *e);

/* name as a quoted name of the language ("服务 得分"; " and \ escaped), so that generated
 * definitions can use any field name.  A new string (caller frees), NULL on OOM. */
char *pm_expr_quote(const char *name);

/* ---- A set of named definitions (the config's "indicators", the built-in ones) ---- */

/* Compiled definitions, each against the base fields plus the other definitions, in
 * an order where every definition comes after those it uses.  Immutable. */
typedef struct pm_exprset pm_exprset;

/* Compiles sources[i] as the definition of names[i] (n of each, UTF-8).  Refused
 * (PM_EDATA, *bad = the index of the definition at fault, err filled; its column is
 * in that definition's source, or 0 for a problem with the name) for: an empty or
 * duplicate name, a name that is also a base field, a compile error, and a cycle of
 * definitions (the message names it: "a -> b -> a", the caret is on the reference
 * that closes it).  PM_ENOMEM.  On success *out is new (pm_exprset_free). */
pm_status pm_exprset_compile(const char *const *names, const char *const *sources, size_t n,
                             const pm_expr_schema *base, pm_exprset **out, size_t *bad,
                             pm_expr_error *err);
void pm_exprset_free(pm_exprset *s); /* NULL is fine */

/* The widened schema: the base fields followed by the n definitions (borrowed from s;
 * has_parent as the base's).  Compile a style's expression against it and evaluate it
 * on the table pm_exprset_eval fills. */
const pm_expr_schema *pm_exprset_schema(const pm_exprset *s);
size_t pm_exprset_count(const pm_exprset *s);
/* Definition i (0 <= i < count), borrowed: its type and references. */
const pm_expr *pm_exprset_expr(const pm_exprset *s, size_t i);
/* The k-th definition in evaluation order. */
size_t pm_exprset_order(const pm_exprset *s, size_t k);

/* Fills out[(y * nc + c) * (nbase + n) + f] (nyears * nc * (nbase + n) doubles, owned by
 * the caller): the base fields copied from base, then every definition for every
 * year, booleans as 1/0, NAN = no data.  base->nfields must be the base schema's
 * nfields.  PM_EDATA when base does not fit (see pm_expr_eval), PM_ENOMEM. */
pm_status pm_exprset_eval(const pm_exprset *s, const pm_expr_data *base, double *out);

#endif
