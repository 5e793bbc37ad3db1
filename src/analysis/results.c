/* Results: classes, ranks and medians of every map and year, built once per run. */
#include "analysis/results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pm_rank_style(const double *v, size_t n, int higher_is_better, int *rank)
{
    if (higher_is_better) { pm_rank_desc(v, n, rank); return; }
    double *neg = malloc((n + 1) * sizeof *neg);
    if (!neg) { /* rank pairwise rather than fail: n is a committee count */
        for (size_t i = 0; i < n; i++) {
            rank[i] = 0;
            if (isnan(v[i])) continue;
            rank[i] = 1;
            for (size_t j = 0; j < n; j++) rank[i] += !isnan(v[j]) && v[j] < v[i];
        }
        return;
    }
    for (size_t i = 0; i < n; i++) neg[i] = -v[i];
    pm_rank_desc(neg, n, rank);
    free(neg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, size_t n, double *buf)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) if (!isnan(v[i])) buf[m++] = v[i];
    if (m == 0) return NAN;
    qsort(buf, m, sizeof *buf, cmp_double);
    return m % 2 ? buf[m / 2] : (buf[m / 2 - 1] + buf[m / 2]) / 2;
}

/* Ranks and medians within each parent: the parent's values ranked apart. */
static pm_status by_parent(const pm_results *r, const pm_style *s, double *buf, pm_mapyear *my)
{
    size_t n = r->ncommittees;
    my->parent_median = calloc(r->nparents + 1, sizeof *my->parent_median);
    double *v = malloc((n + 1) * sizeof *v);
    int *rk = malloc((n + 1) * sizeof *rk);
    if (!my->parent_median || !v || !rk) { free(v); free(rk); return PM_ENOMEM; }
    for (size_t p = 0; p < r->nparents; p++) {
        for (size_t c = 0; c < n; c++) v[c] = r->parent[c] == (long)p ? my->th.value[c] : NAN;
        pm_rank_style(v, n, s->higher_is_better, rk);
        for (size_t c = 0; c < n; c++) if (r->parent[c] == (long)p) my->rank_in_parent[c] = rk[c];
        my->parent_median[p] = median_of(v, n, buf);
    }
    free(v);
    free(rk);
    return PM_OK;
}

static pm_status build_one(const pm_results *r, const pm_style *s, const pm_indtab *tab, int year,
                           pm_diag *diag, double *buf, pm_mapyear *my)
{
    size_t n = tab->ncommittees;
    pm_status st = pm_thematic_build(s, tab, year, diag, &my->th);
    if (st) return st;
    my->rank = calloc(n + 1, sizeof *my->rank);
    my->rank_in_parent = calloc(n + 1, sizeof *my->rank_in_parent);
    if (!my->rank || !my->rank_in_parent) return PM_ENOMEM;
    pm_rank_style(my->th.value, n, s->higher_is_better, my->rank);
    for (size_t c = 0; c < n; c++) my->nvalid += my->rank[c] > 0;
    my->median = median_of(my->th.value, n, buf);
    return r->parent && r->nparents ? by_parent(r, s, buf, my) : PM_OK;
}

pm_status pm_results_build(const pm_style *const *styles, size_t nmaps, const pm_indtab *tab,
                           const long *parent, size_t nparents, pm_diag *diag, pm_results *out)
{
    memset(out, 0, sizeof *out);
    out->parent = nparents ? parent : NULL;
    out->nparents = parent ? nparents : 0;
    out->styles = styles;
    out->nmaps = nmaps;
    out->nyears = tab->nyears;
    out->ncommittees = tab->ncommittees;
    out->years = tab->years;
    out->my = calloc(nmaps * tab->nyears + 1, sizeof *out->my);
    double *buf = malloc((tab->ncommittees + 1) * sizeof *buf);
    pm_status st = out->my && buf ? PM_OK : PM_ENOMEM;
    /* every style, even after one failed: all their problems are reported at once */
    for (size_t m = 0; st != PM_ENOMEM && m < nmaps; m++) {
        for (size_t y = 0; y < tab->nyears; y++) {
            pm_status s2 = build_one(out, styles[m], tab, tab->years[y], diag, buf, &out->my[y * nmaps + m]);
            if (s2 && !st) st = s2;
            if (s2) break; /* the same problem in every year: report it once */
        }
    }
    free(buf);
    if (st) pm_results_fini(out);
    return st;
}

void pm_results_fini(pm_results *r)
{
    if (!r) return;
    for (size_t i = 0; r->my && i < r->nmaps * r->nyears; i++) {
        pm_thematic_fini(&r->my[i].th);
        free(r->my[i].rank);
        free(r->my[i].rank_in_parent);
        free(r->my[i].parent_median);
    }
    free(r->my);
    memset(r, 0, sizeof *r);
}

long pm_results_year(const pm_results *r, int year)
{
    for (size_t y = 0; y < r->nyears; y++)
        if (r->years[y] == year) return (long)y;
    return -1;
}
