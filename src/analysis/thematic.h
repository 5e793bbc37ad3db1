/* Thematic map data: one style's indicator for one year, classified, with display labels. */
#ifndef PM_ANALYSIS_THEMATIC_H
#define PM_ANALYSIS_THEMATIC_H

#include <stddef.h>
#include "analysis/classify.h"
#include "analysis/indicators.h"
#include "core/status.h"
#include "style/style.h"

/* Immutable once built: rendering threads only read it. */
typedef struct {
    const pm_style *style; /* borrowed */
    int year;
    size_t n;              /* committees */
    double *value;         /* per committee, NAN = no data (owned) */
    int *cls;              /* per committee: class index or -1 (owned) */
    pm_classes classes;
    char **labels;         /* per class: "优秀 (≥ 90)" or "85.0 – 89.9" (owned) */
    char **ranges;         /* per class: the numeric range alone, e.g. "≥ 90.0" (owned) */
    pm_rgba *colors;       /* per class: fill colour, lowest class first (owned) */
    int fixed;             /* classes from breaks computed over several years (labels
                            * from the bounds, which are the same every year) */
    int merged;            /* fewer classes than the style asks for: ties or too few
                            * distinct values merged some */
    char *note;            /* the legend's note on the breaks, e.g.
                            * "分级以2014–2016年全部数据为准" (owned; NULL: none) */
} pm_thematic;

/* Classifies style->indicator for year.  PM_EDATA (recorded in diag, naming the style
 * and the indicators available) if the indicator or year is unknown.  out is
 * initialised; free with pm_thematic_fini. */
pm_status pm_thematic_build(const pm_style *style, const pm_indtab *tab, int year,
                            pm_diag *diag, pm_thematic *out);
/* The same with given breaks (NULL: classified from this year's values): the year's
 * values in breaks' classes, labelled by the bounds, with note (copied; may be NULL). */
pm_status pm_thematic_build_with(const pm_style *style, const pm_indtab *tab, int year,
                                 const pm_classes *breaks, const char *note, pm_diag *diag,
                                 pm_thematic *out);
void pm_thematic_fini(pm_thematic *t);

/* Formats v with the style's decimals into buf (sign for changes when signed). */
void pm_thematic_format(const pm_thematic *t, double v, int signed_, char *buf, size_t len);

#endif
