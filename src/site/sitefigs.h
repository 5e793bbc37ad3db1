/* Figures the site shows per committee: class, rank of N, changes since last year, medians. */
#ifndef PM_SITE_SITEFIGS_H
#define PM_SITE_SITEFIGS_H

#include <limits.h>
#include <stddef.h>
#include "core/status.h"
#include "site/site.h"

enum { PM_SF_NONE = INT_MIN }; /* no rank change / no class change (first year, no value) */

/* One map in one year of the data. */
typedef struct {
    int *cls;          /* per committee: class index (0 = lowest value) or -1 */
    int *rank;         /* per committee: 1 = best in the style's direction, 0 = no value */
    int *rank_change;  /* previous rank minus this rank (positive = moved up), or PM_SF_NONE */
    int *cls_change;   /* +1 a better class than the year before, 0 the same, -1 a worse
                        * one (for lower-is-better maps a lower class is better), or PM_SF_NONE */
    size_t nranked;    /* committees with a value: the N of "第7名 / 共N个" */
    double median;     /* of the values; NAN without any */
    double *value;     /* per committee (borrowed from the thematic data below) */
} pm_sitefig;

/* Every map in every year of the data (ds->years, not only the years with tiles). */
typedef struct {
    size_t nyears, nmaps, n;
    const int *years;  /* borrowed: the results' years */
    pm_sitefig *f;     /* f[y * nmaps + m] (owned) */
} pm_sitefigs;

/* Ranks and classes from the run's results (w->res), as every output gives them
 * (competition ranking in the style's direction; classes pooled across years).
 * PM_ENOMEM with *err.  out is initialised; free with pm_sitefigs_fini.  Thread-safe. */
pm_status pm_sitefigs_build(const pm_website *w, pm_sitefigs *out, char **err);
void pm_sitefigs_fini(pm_sitefigs *f);

/* The figures of map m in data year index y. */
static inline const pm_sitefig *pm_sitefigs_at(const pm_sitefigs *f, size_t y, size_t m)
{
    return &f->f[y * f->nmaps + m];
}

/* Index of year in the data years, or -1. */
long pm_sitefigs_year(const pm_sitefigs *f, int year);

#endif
