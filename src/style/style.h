/* Styles: one JSON file per map in styles/ → an immutable pm_style. */
#ifndef PM_STYLE_STYLE_H
#define PM_STYLE_STYLE_H

#include <stddef.h>
#include "core/color.h"
#include "core/status.h"

/* How a map's values are classified: the part of a style that analysis/classify
 * computes from. */
typedef enum {
    PM_CLASSIFY_MANUAL = 1, /* thresholds given by the style */
    PM_CLASSIFY_QUANTILE,   /* equal counts */
    PM_CLASSIFY_EQUAL,      /* equal intervals between min and max */
    PM_CLASSIFY_JENKS,      /* Fisher–Jenks optimal natural breaks (exact) */
    PM_CLASSIFY_DIVERGING   /* symmetric classes around a centre */
} pm_classify_method;

/* What a style asks for. */
typedef struct {
    pm_classify_method method;
    size_t nclasses;        /* wanted number of classes (manual: nthresholds + 1) */
    const double *thresholds; /* manual: ascending inner thresholds (nclasses - 1) */
    double centre;          /* diverging: the neutral value (usually 0) */
    int decimals;           /* rounding of computed breaks for display and stability */
} pm_classify_spec;

/* A parsed, validated map style.  Immutable after loading; safe to share between
 * threads.  All strings and arrays are owned by the style. */
typedef struct {
    char *id;          /* "service": [a-z0-9_-]{1,32}; also the output file name */
    char *title;       /* "服务群众能效指数" */
    char *indicator;   /* what the map shows: an indicator name ("service",
                        * "service_change") or an expression of expr/expr.h
                        * ("0.7 * satisfaction + 0.3 * workforce"), checked by the
                        * project against the data's columns */
    char *column;      /* the indicator table's column drawn, set by the project once
                        * the indicator is compiled (NULL until then: pm_style_column
                        * falls back to indicator) */
    char *unit;        /* "分", "个/千人", or "" */
    char *description; /* one sentence for the legend/credits, or "" */
    int decimals;      /* decimals shown for values (0..4) */
    int higher_is_better; /* ranking panel order: 1 = descending */

    pm_classify_spec classify; /* classify.thresholds points into thresholds */
    double *thresholds;
    size_t nthresholds;
    char **class_labels; /* manual: one label per class (e.g. 优秀), then a NULL
                          * terminator; NULL when the style gives no labels */
    int years_each;      /* classify.years "each": data-driven breaks per year; else (the
                          * default, "all") the breaks come once from the values of every
                          * year, or of ref_years, so a colour means the same value in
                          * every year of the series */
    int *ref_years;      /* classify.years as a list: the reference years (owned) */
    size_t nref_years;

    char *palette_name;  /* ColorBrewer name ("YlGnBu", "RdBu") or "custom" */
    pm_rgba *colors;     /* nclasses colours, lowest class first */
    size_t ncolors;
    pm_rgba nodata;      /* fill for committees without a value (drawn hatched) */
    pm_rgba outline;     /* committee boundary colour */

    int show_points;      /* resources: draw platforms and projects */
    int show_rank_change; /* progress: label committees with rank changes */
} pm_style;

/* Parses and validates the style file at path.  Every problem is recorded in diag as
 * "<file>: <key>: <problem>"; returns PM_EDATA if any.  *out is owned by the caller
 * (pm_style_free).  Unknown keys are errors (catches typos).  Thread-safe. */
pm_status pm_style_load(const char *path, pm_diag *diag, pm_style **out);
/* Same from a JSON text; name is used in messages. */
pm_status pm_style_parse(const char *name, const char *json, size_t len, pm_diag *diag,
                         pm_style **out);
void pm_style_free(pm_style *s);

/* Colours for n actual classes, lowest first, into out[0..n-1]: a data-driven
 * classification may return fewer classes than the style asks for (few distinct
 * values).  n == ncolors copies colors; a named palette gives its n-class scheme (2
 * classes: the ends of the 3-class scheme, 1: its middle); explicit colours are
 * sampled evenly, keeping both ends.  PM_EDATA if n is 0 or > ncolors.  Thread-safe. */
pm_status pm_style_class_colors(const pm_style *s, size_t n, pm_rgba *out);

/* The column of the indicator table this style's map draws. */
static inline const char *pm_style_column(const pm_style *s)
{
    return s->column ? s->column : s->indicator;
}

#endif
