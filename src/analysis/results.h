/* Results: every map of a run classified and ranked for every year, once. */
#ifndef PM_ANALYSIS_RESULTS_H
#define PM_ANALYSIS_RESULTS_H

#include <stddef.h>
#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "style/style.h"

/* One map in one year. */
typedef struct {
    pm_thematic th;  /* values, classes, labels, colours (owned) */
    int *rank;       /* per committee: 1 = best in the style's direction (pm_rank_style),
                      * 0 = no value (owned) */
    size_t nvalid;   /* committees with a value */
    double median;   /* of the values; NAN if there are none */
    int *rank_in_parent;    /* per committee: the rank among its parent's committees, 0 =
                             * no value or no parent (owned; all 0 without parents) */
    signed char *move;      /* per committee: its class against the year before, 1 better,
                             * -1 worse, 0 the same (in the style's direction), PM_MOVE_NONE
                             * without a class in either year or in the first year (owned) */
    int same_as_prev;       /* every value equals the year before's (e.g. projects without
                             * years): drawing it again shows nothing new */
    double *parent_median;  /* per parent: the median of its committees' values (owned;
                             * NULL without parents) */
} pm_mapyear;

/* Every (map, year) of a run.  Immutable once built: stages and rendering threads only
 * read it, and every output takes its classes and ranks from here, so a committee has
 * the same class and rank on a poster, in the atlas, the spreadsheets, the GeoPackage,
 * the site and check --json. */
enum { PM_MOVE_NONE = -128 };

typedef struct {
    const pm_style *const *styles; /* borrowed, nmaps */
    size_t nmaps, nyears, ncommittees;
    const int *years;              /* borrowed from the indicator table, ascending */
    const long *parent;            /* per committee: parent index or -1 (borrowed; NULL
                                    * without parents) */
    size_t nparents;
    pm_mapyear *my;                /* nyears * nmaps, [y * nmaps + m] (owned) */
    char **moved;                  /* per map: with breaks pooled over every year, how the
                                    * latest year moved them ("87.1 / 91.2 → 87.5 / 91.6"),
                                    * or NULL (owned): earlier years' outputs change too */
} pm_results;

/* Builds the results of every style for every year of tab; with parent (per committee,
 * NULL without parents) also the ranks and medians within each parent.  Every problem (a style's
 * unknown indicator, a classification that fails) goes to diag, all of them, and the
 * call returns PM_EDATA; PM_ENOMEM.  out is initialised; free with pm_results_fini.
 * styles and tab must outlive out.  Thread-safe given its own out. */
pm_status pm_results_build(const pm_style *const *styles, size_t nmaps, const pm_indtab *tab,
                           const long *parent, size_t nparents, pm_diag *diag, pm_results *out);
void pm_results_fini(pm_results *r);

/* Map m in year index y (both in range). */
static inline const pm_mapyear *pm_results_at(const pm_results *r, size_t m, size_t y)
{
    return &r->my[y * r->nmaps + m];
}

/* Index of year in the results, or -1. */
long pm_results_year(const pm_results *r, int year);

/* The one ranking of a map's values: competition ranking ("1224", ties share a rank),
 * 1 = best; higher values are better unless higher_is_better is 0, then lower ones
 * are.  NAN values get rank 0.  Pure. */
void pm_rank_style(const double *v, size_t n, int higher_is_better, int *rank);

#endif
