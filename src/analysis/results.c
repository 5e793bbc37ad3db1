/* Results: classes, ranks and medians of every map and year, built once per run. */
#include "analysis/results.h"
#include "analysis/breaks.h"
#include "core/fileio.h"

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
                           const pm_classes *breaks, const char *note, pm_diag *diag, double *buf,
                           pm_mapyear *my)
{
    size_t n = tab->ncommittees;
    pm_status st = pm_thematic_build_with(s, tab, year, breaks, note, diag, &my->th);
    if (st) return st;
    my->rank = calloc(n + 1, sizeof *my->rank);
    my->rank_in_parent = calloc(n + 1, sizeof *my->rank_in_parent);
    if (!my->rank || !my->rank_in_parent) return PM_ENOMEM;
    pm_rank_style(my->th.value, n, s->higher_is_better, my->rank);
    for (size_t c = 0; c < n; c++) my->nvalid += my->rank[c] > 0;
    my->median = median_of(my->th.value, n, buf);
    return r->parent && r->nparents ? by_parent(r, s, buf, my) : PM_OK;
}

/* The breaks of map m pooled over the years (none for manual or per-year styles), and
 * whether the latest year moved them. */
static pm_status pooled(pm_results *r, size_t m, const pm_indtab *tab, pm_diag *diag, pm_classes *breaks,
                        char **note)
{
    const pm_style *s = r->styles[m];
    long k = pm_indtab_find(tab, pm_style_column(s));
    if (!pm_breaks_pooled(s) || k < 0 || tab->nyears == 0) return PM_OK; /* unknown: reported by thematic */
    pm_status st = pm_breaks_compute(s, tab, (size_t)k, tab->nyears - 1, breaks, note);
    if (st == PM_EDATA)
        pm_diag_add(diag, PM_SEV_ERROR, s->id, "", "classify", "cannot classify: %s", pm_strerror(st));
    if (st || s->nref_years || tab->nyears < 2) return st;
    pm_classes before;
    char *nb = NULL, buf[512];
    if (pm_breaks_compute(s, tab, (size_t)k, tab->nyears - 2, &before, &nb) == PM_OK
        && pm_breaks_differ(&before, breaks, s->decimals, buf, sizeof buf))
        r->moved[m] = pm_strdup(buf);
    pm_classes_fini(&before);
    free(nb);
    return PM_OK;
}

/* Map m in year index y against the year before: each committee's class move, and
 * whether nothing changed at all. */
static pm_status compare_prev(pm_results *r, size_t m, size_t y)
{
    pm_mapyear *my = &r->my[y * r->nmaps + m];
    size_t n = r->ncommittees;
    if (!(my->move = malloc(n + 1))) return PM_ENOMEM;
    const pm_mapyear *pv = y > 0 ? &r->my[(y - 1) * r->nmaps + m] : NULL;
    int dir = r->styles[m]->higher_is_better ? 1 : -1, same = pv != NULL;
    for (size_t c = 0; c < n; c++) {
        int a = pv ? pv->th.cls[c] : -1, b = my->th.cls[c];
        my->move[c] = a < 0 || b < 0 ? PM_MOVE_NONE : (signed char)((b > a) - (b < a)) * dir;
        if (pv) {
            double x = pv->th.value[c], v = my->th.value[c];
            same &= (isnan(x) && isnan(v)) || x == v;
        }
    }
    my->same_as_prev = same && my->nvalid > 0;
    if (my->same_as_prev) { /* the legend says so: a wall of such posters shows nothing new */
        size_t e = y;
        while (e > 0 && r->my[(e - 1) * r->nmaps + m].same_as_prev) e--;
        char *n = pm_asprintf("%s%s与%d年数值相同（数据不分年度）", my->th.note ? my->th.note : "",
                              my->th.note ? "；" : "", r->years[e - 1]);
        if (!n) return PM_ENOMEM;
        free(my->th.note);
        my->th.note = n;
    }
    return PM_OK;
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
    out->moved = calloc(nmaps + 1, sizeof *out->moved);
    if (!out->moved) st = PM_ENOMEM;
    /* every style, even after one failed: all their problems are reported at once */
    for (size_t m = 0; st != PM_ENOMEM && m < nmaps; m++) {
        pm_classes breaks = { 0 };
        char *note = NULL;
        pm_status s2 = pooled(out, m, tab, diag, &breaks, &note);
        if (s2 == PM_ENOMEM) st = s2;
        for (size_t y = 0; !s2 && y < tab->nyears; y++) {
            s2 = build_one(out, styles[m], tab, tab->years[y], breaks.n ? &breaks : NULL, note, diag, buf,
                           &out->my[y * nmaps + m]);
            if (!s2) s2 = compare_prev(out, m, y);
        }
        if (s2 && !st) st = s2; /* the same problem in every year: reported once */
        pm_classes_fini(&breaks);
        free(note);
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
        free(r->my[i].move);
    }
    free(r->my);
    for (size_t m = 0; r->moved && m < r->nmaps; m++) free(r->moved[m]);
    free(r->moved);
    memset(r, 0, sizeof *r);
}

long pm_results_year(const pm_results *r, int year)
{
    for (size_t y = 0; y < r->nyears; y++)
        if (r->years[y] == year) return (long)y;
    return -1;
}
