/* Thematic map data: indicator values for a year, classes, legend labels. */
#include "analysis/thematic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_thematic_format(const pm_thematic *t, double v, int signed_, char *buf, size_t len)
{
    if (isnan(v)) { snprintf(buf, len, "—"); return; }
    int d = t->style->decimals;
    if (fabs(v) < 0.5 * pow(10, -d)) v = 0; /* no "-0.0" */
    snprintf(buf, len, signed_ && v > 0 ? "+%.*f" : "%.*f", d, v);
}

/* Range text for class i: open ends as ≥ / <, else "lo – hi" of the bounds
 * (manual, diverging) or of the members (data-driven). */
static char *range_text(const pm_thematic *t, size_t i)
{
    const pm_classes *c = &t->classes;
    int signed_ = t->style->classify.method == PM_CLASSIFY_DIVERGING;
    char a[64], b[64];
    int data_driven = !t->fixed && (t->style->classify.method == PM_CLASSIFY_QUANTILE
                                    || t->style->classify.method == PM_CLASSIFY_EQUAL
                                    || t->style->classify.method == PM_CLASSIFY_JENKS);
    double lo = data_driven ? c->vmin[i] : c->bounds[i];
    double hi = data_driven ? c->vmax[i] : c->bounds[i + 1];
    if (data_driven && isnan(lo)) { lo = c->bounds[i]; hi = c->bounds[i + 1]; }
    if (isinf(lo) && isinf(hi)) return pm_strdup("全部");
    if (isinf(lo)) { pm_thematic_format(t, hi, signed_, b, sizeof b); return pm_asprintf("< %s", b); }
    pm_thematic_format(t, lo, signed_, a, sizeof a);
    if (isinf(hi)) return pm_asprintf("≥ %s", a);
    pm_thematic_format(t, hi, signed_, b, sizeof b);
    return pm_asprintf("%s – %s", a, b);
}

pm_status pm_thematic_build(const pm_style *style, const pm_indtab *tab, int year,
                            pm_diag *diag, pm_thematic *out)
{
    return pm_thematic_build_with(style, tab, year, NULL, NULL, diag, out);
}

pm_status pm_thematic_build_with(const pm_style *style, const pm_indtab *tab, int year,
                                 const pm_classes *breaks, const char *note, pm_diag *diag,
                                 pm_thematic *out)
{
    memset(out, 0, sizeof *out);
    out->fixed = breaks != NULL;
    if (note && !(out->note = pm_strdup(note))) return PM_ENOMEM;
    out->style = style;
    out->year = year;
    long k = pm_indtab_find(tab, pm_style_column(style));
    long y = pm_indtab_year(tab, year);
    if (k < 0) {
        pm_diag_add(diag, PM_SEV_ERROR, style->id, "", "indicator", "unknown indicator \"%s\" "
                    "(e.g. service, satisfaction, workforce, service_change, running_per_1000; "
                    "any evaluation column X, X_change, X_rank, X_rank_change)", style->indicator);
        return PM_EDATA;
    }
    if (y < 0) {
        pm_diag_add(diag, PM_SEV_ERROR, "", "", "year", "no evaluation data for %d", year);
        return PM_EDATA;
    }
    size_t n = tab->ncommittees;
    out->n = n;
    out->value = malloc((n + 1) * sizeof *out->value);
    out->cls = malloc((n + 1) * sizeof *out->cls);
    if (!out->value || !out->cls) goto oom;
    for (size_t c = 0; c < n; c++) out->value[c] = pm_indtab_get(tab, (size_t)y, c, (size_t)k);
    pm_status st = breaks ? pm_classes_apply(breaks, out->value, n, &out->classes)
                          : pm_classify(&style->classify, out->value, n, &out->classes);
    if (st) {
        pm_diag_add(diag, PM_SEV_ERROR, style->id, "", "classify", "cannot classify: %s", pm_strerror(st));
        pm_thematic_fini(out);
        return st;
    }
    for (size_t c = 0; c < n; c++) out->cls[c] = pm_classes_find(&out->classes, out->value[c]);
    size_t nc = out->classes.n;
    out->merged = nc < style->classify.nclasses;
    out->colors = calloc(nc, sizeof *out->colors);
    if (!out->colors) goto oom;
    if ((st = pm_style_class_colors(style, nc, out->colors)) != PM_OK) {
        pm_diag_add(diag, PM_SEV_ERROR, style->id, "", "palette", "no colours for %zu classes", nc);
        pm_thematic_fini(out);
        return st;
    }
    out->labels = calloc(nc, sizeof *out->labels);
    out->ranges = calloc(nc, sizeof *out->ranges);
    if (!out->labels || !out->ranges) goto oom;
    for (size_t i = 0; i < nc; i++) {
        out->ranges[i] = range_text(out, i);
        const char *name = style->class_labels && i < style->nthresholds + 1 ? style->class_labels[i] : NULL;
        out->labels[i] = name ? pm_asprintf("%s（%s）", name, out->ranges[i]) : pm_strdup(out->ranges[i]);
        if (!out->ranges[i] || !out->labels[i]) goto oom;
    }
    return PM_OK;
oom:
    pm_thematic_fini(out);
    return PM_ENOMEM;
}

void pm_thematic_fini(pm_thematic *t)
{
    if (!t) return;
    for (size_t i = 0; t->labels && i < t->classes.n; i++) free(t->labels[i]);
    for (size_t i = 0; t->ranges && i < t->classes.n; i++) free(t->ranges[i]);
    free(t->labels);
    free(t->ranges);
    free(t->note);
    free(t->colors);
    free(t->value);
    free(t->cls);
    pm_classes_fini(&t->classes);
    memset(t, 0, sizeof *t);
}
