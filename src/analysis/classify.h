/* Classification: values → classes (manual, quantile, equal interval, Jenks, diverging). Pure functions. */
#ifndef PM_ANALYSIS_CLASSIFY_H
#define PM_ANALYSIS_CLASSIFY_H

#include <stddef.h>
#include "core/status.h"
#include "style/style.h"

/* The result.  Class i holds values v with bounds[i] <= v < bounds[i+1]; the last
 * class also holds v == bounds[n].  bounds[0] may be -INFINITY and bounds[n]
 * +INFINITY for manual and diverging classes (open-ended first/last class).
 * Data-driven methods put each inner bound at the smallest value of the upper class,
 * so grouping the sorted data is exact. */
typedef struct {
    size_t n;        /* number of classes (>= 1) */
    double *bounds;  /* n + 1 entries (owned) */
    double *vmin, *vmax; /* per class: smallest/largest member value, NAN if empty (owned) */
    size_t *counts;  /* per class: number of members (owned) */
    size_t nodata;   /* values that were NAN */
} pm_classes;

/* Computes classes of the n values (NAN or ±INF = no data, counted in nodata,
 * ignored otherwise).  When there are fewer distinct values than classes, data-driven
 * methods return fewer classes (never empty ones).  Quantile: each inner split is the
 * split between distinct values nearest to i·m/k (m finite values), after the previous
 * one, so heavy ties can also merge classes.  Equal: bounds rounded to decimals; a
 * middle class may be empty.  Diverging: width w = smallest 1, 2, 2.5 or 5 × 10^e >=
 * 2·max|v - centre| / k, bounds centre + (i - k/2)·w, ends open.  No finite values:
 * data-driven methods give one class (-INF, +INF).  out is initialised by the call;
 * free with pm_classes_fini.  Fails with PM_EDATA on an invalid spec (thresholds not
 * ascending, nclasses 0 or > 12), PM_ENOMEM.  Thread-safe. */
pm_status pm_classify(const pm_classify_spec *spec, const double *values, size_t n,
                      pm_classes *out);
void pm_classes_fini(pm_classes *c);

/* The classes of breaks (their bounds) with the counts and member ranges of the n
 * values: a year classified with breaks computed once from every year.  out is
 * initialised; free with pm_classes_fini.  PM_ENOMEM.  Thread-safe. */
pm_status pm_classes_apply(const pm_classes *breaks, const double *values, size_t n, pm_classes *out);

/* Index of the class holding v, or -1 for NAN or ±INF.  Values outside [bounds[0],
 * bounds[n]] go to the first/last class. */
int pm_classes_find(const pm_classes *c, double v);

/* Fisher–Jenks on sorted values: writes k-1 inner breaks (smallest value of classes
 * 1..k-1) into breaks.  Exposed for tests.  O(k n^2) time, O(k n) memory; refuses
 * n > 20000 with PM_EDATA. */
pm_status pm_jenks_breaks(const double *sorted, size_t n, size_t k, double *breaks);

#endif
