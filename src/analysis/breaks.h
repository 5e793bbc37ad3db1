/* Breaks across years: a map's classes computed once from several years' values, so that a
 * colour means the same value in every year of the series and on every poster of a wall. */
#ifndef PM_ANALYSIS_BREAKS_H
#define PM_ANALYSIS_BREAKS_H

#include <stddef.h>
#include "analysis/classify.h"
#include "analysis/indicators.h"
#include "core/status.h"
#include "style/style.h"

/* 1 if style s classifies from the data across years: a data-driven method (quantile,
 * equal, jenks, diverging) whose classify.years is not "each".  Manual thresholds are
 * the same every year already.  Pure. */
int pm_breaks_pooled(const pm_style *s);

/* The breaks of s from the values of its indicator (column k of tab) in the reference
 * years (s->ref_years) or in every year of tab up to year index last (inclusive), with
 * open ends (the first class takes every lower value, the last every higher one, so a
 * year outside the reference range still has a class).  *note (caller frees) says
 * which years, for the legend: "分级以2014–2016年全部数据为准".  out is initialised;
 * free with pm_classes_fini.  PM_EDATA if the classification fails, PM_ENOMEM. */
pm_status pm_breaks_compute(const pm_style *s, const pm_indtab *tab, size_t k, size_t last,
                            pm_classes *out, char **note);

/* 1 if a and b have different bounds; then a description of the inner bounds of each,
 * "87.1 / 91.2 → 87.5 / 91.6", into buf (decimals places). */
int pm_breaks_differ(const pm_classes *a, const pm_classes *b, int decimals, char *buf, size_t len);

#endif
