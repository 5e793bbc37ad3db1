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

/* A number by zoom: the value of the highest stop at or below the zoom, the first
 * stop's below it ({"13": 8, "16": 14} in a style, or one number for every zoom). */
#define PM_ZOOM_STOPS 8
typedef struct {
    int n;                   /* 0: not set (the house default applies) */
    int z[PM_ZOOM_STOPS];    /* ascending */
    double v[PM_ZOOM_STOPS];
} pm_zoomed;

typedef enum { PM_SYM_CIRCLE = 1, PM_SYM_SQUARE, PM_SYM_STAR, PM_SYM_TRIANGLE } pm_symbol_shape;

/* A point symbol: a shape of size px across (on tiles at a zoom; posters and the
 * atlas scale the z16 size to the page) filled, stroked (stroke_width px at size),
 * on a halo halo_width px wide around it.  Alpha 0 draws nothing of a part. */
typedef struct {
    pm_symbol_shape shape;
    pm_zoomed size;
    pm_rgba fill, stroke, halo;
    double stroke_width, halo_width; /* as fractions of size */
} pm_symbol;

typedef struct { char *value; pm_symbol sym; } pm_symbol_case;

/* The symbols of one point layer: base, or the case whose value equals the point's
 * field (status: running / planned / finished / other; category: the data's text). */
typedef struct {
    pm_symbol base;
    char *field;             /* "status", "category" or NULL (owned) */
    pm_symbol_case *cases;   /* owned */
    size_t ncases;
} pm_point_layer;

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

    int show_points;      /* resources: draw platforms and projects ("points": true, or
                           * a "points" object) */
    pm_point_layer platforms, projects; /* "points": {"platforms": {...}, "projects":
                           * {...}}; the house symbols where not given */
    pm_zoomed label_size;   /* "labels": {"size"}: px on tiles by zoom (n 0: house) */
    double label_halo_width; /* "labels": {"halo_width"} px at z16; < 0: house */
    pm_rgba label_halo;     /* "labels": {"halo"}; a 0: house */
    double boundary_width;  /* "boundary": {"width"} px (0: none); < 0: house */
    pm_rgba boundary;       /* "boundary": {"color"}; a 0: house */
    double outline_width;   /* "outline_width" px at z15+; < 0: house */
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

/* The value of z at zoom (dflt when unset).  Pure. */
double pm_zoomed_at(const pm_zoomed *z, int zoom, double dflt);

/* The symbol of a point layer for a point with the given status and category. */
const pm_symbol *pm_point_symbol(const pm_point_layer *l, const char *status, const char *category);

/* WCAG contrast ratio of two colours (alpha composited over white first), 1..21. */
double pm_rgba_contrast(pm_rgba a, pm_rgba b);

/* The best contrast any visible part (fill, stroke, halo) of sym has on bg. */
double pm_symbol_contrast(const pm_symbol *sym, pm_rgba bg);

#endif
