/* Classification of indicator values: manual, quantile, equal interval, Fisher–Jenks, diverging. */
#include "analysis/classify.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLASSES 12
#define JENKS_MAX_N 20000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double round_to(double v, int decimals)
{
    double f = pow(10.0, decimals);
    return round(v * f) / f;
}

static size_t count_distinct(const double *xs, size_t m)
{
    size_t d = m ? 1 : 0;
    for (size_t i = 1; i < m; i++)
        if (xs[i] > xs[i - 1]) d++;
    return d;
}

/* The split position j (xs[j-1] < xs[j]) after `after` that lies nearest to the
 * ideal position t; 0 if none.  Splitting only between distinct values keeps ties
 * in one class; a later split never reuses an earlier one, so classes stay
 * non-empty. */
static size_t nearest_split(const double *xs, size_t m, double t, size_t after)
{
    size_t lo = 0, hi = 0;
    size_t start = (size_t)floor(t);
    if (start >= m) start = m - 1;
    for (size_t j = start; j > after; j--)
        if (xs[j - 1] < xs[j]) { lo = j; break; }
    for (size_t j = start + 1 > after + 1 ? start + 1 : after + 1; j < m; j++)
        if (xs[j - 1] < xs[j]) { hi = j; break; }
    if (lo && (!hi || t - (double)lo <= (double)hi - t)) return lo;
    return hi;
}

static size_t quantile_bounds(const double *xs, size_t m, size_t k, double *b)
{
    size_t n = 0, prev = 0;
    b[0] = xs[0];
    for (size_t i = 1; i < k; i++) {
        size_t j = nearest_split(xs, m, (double)i * (double)m / (double)k, prev);
        if (j == 0) break;
        b[++n] = xs[j];
        prev = j;
    }
    b[n + 1] = xs[m - 1];
    return n + 1;
}

static size_t equal_bounds(const double *xs, size_t m, size_t k, int decimals, double *b)
{
    double lo = xs[0], hi = xs[m - 1];
    size_t d = count_distinct(xs, m), n = 0;
    if (k > d) k = d;
    b[0] = lo;
    for (size_t i = 1; i < k; i++) {
        double v = round_to(lo + (hi - lo) * (double)i / (double)k, decimals);
        /* Rounding may collapse or push a bound onto an end: drop it. */
        if (v > b[n] && v < hi) b[++n] = v;
    }
    b[n + 1] = hi;
    return n + 1;
}

static pm_status jenks_bounds(const double *xs, size_t m, size_t k, double *b, size_t *nout)
{
    size_t d = count_distinct(xs, m);
    if (k > d) k = d;
    pm_status st = pm_jenks_breaks(xs, m, k, b + 1);
    if (st) return st;
    b[0] = xs[0];
    b[k] = xs[m - 1];
    *nout = k;
    return PM_OK;
}

/* The smallest of 1, 2, 2.5, 5 × 10^e that is >= x; *exp10 receives e. */
static double nice_width(double x, int *exp10)
{
    static const double mant[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
    if (!(x > 0)) { *exp10 = 0; return 1.0; }
    int e = (int)floor(log10(x));
    double p = pow(10.0, e);
    for (size_t i = 0; i < sizeof mant / sizeof *mant; i++) {
        /* The tolerance keeps 2m/k == 2.0000000001 (floating noise) at 2. */
        if (x <= mant[i] * p * (1 + 1e-9)) {
            if (i == 4) e++;
            *exp10 = e;
            return i == 4 ? pow(10.0, e) : (e < 0 ? mant[i] / pow(10.0, -e) : mant[i] * p);
        }
    }
    *exp10 = e + 1;
    return 10.0 * p;
}

static size_t diverging_bounds(const double *xs, size_t m, size_t k, double centre, double *b)
{
    double dev = 0;
    for (size_t i = 0; i < m; i++)
        if (fabs(xs[i] - centre) > dev) dev = fabs(xs[i] - centre);
    int e;
    double w = nice_width(2.0 * dev / (double)k, &e);
    /* Half-widths of 2.5×10^e need two more decimals than 10^e. */
    int places = e < 2 ? 2 - e : 0;
    /* A round centre gives round bounds; any other centre is kept exactly. */
    int round_centre = round_to(centre, places) == centre;
    for (size_t i = 1; i < k; i++) {
        double off = round_to(((double)i - (double)k / 2.0) * w, places);
        b[i] = round_centre ? round_to(centre + off, places) : centre + off;
    }
    b[0] = -INFINITY;
    b[k] = INFINITY;
    return k;
}

static pm_status check_spec(const pm_classify_spec *spec)
{
    if (!spec || spec->nclasses == 0 || spec->nclasses > MAX_CLASSES) return PM_EDATA;
    switch (spec->method) {
    case PM_CLASSIFY_MANUAL:
        if (spec->nclasses > 1 && !spec->thresholds) return PM_EDATA;
        for (size_t i = 0; i + 1 < spec->nclasses; i++) {
            if (!isfinite(spec->thresholds[i])) return PM_EDATA;
            if (i > 0 && !(spec->thresholds[i] > spec->thresholds[i - 1])) return PM_EDATA;
        }
        return PM_OK;
    case PM_CLASSIFY_DIVERGING:
        return isfinite(spec->centre) ? PM_OK : PM_EDATA;
    case PM_CLASSIFY_QUANTILE:
    case PM_CLASSIFY_EQUAL:
    case PM_CLASSIFY_JENKS:
        return PM_OK;
    }
    return PM_EDATA;
}

/* Bounds for the finite sorted values xs[0..m-1] into b (MAX_CLASSES + 1 slots). */
static pm_status compute_bounds(const pm_classify_spec *spec, const double *xs, size_t m,
                                double *b, size_t *n)
{
    size_t k = spec->nclasses;
    int dec = spec->decimals < 0 ? 0 : spec->decimals > 10 ? 10 : spec->decimals;
    if (spec->method == PM_CLASSIFY_MANUAL) {
        b[0] = -INFINITY;
        for (size_t i = 1; i < k; i++) b[i] = spec->thresholds[i - 1];
        b[k] = INFINITY;
        *n = k;
        return PM_OK;
    }
    if (spec->method == PM_CLASSIFY_DIVERGING) {
        *n = diverging_bounds(xs, m, k, spec->centre, b);
        return PM_OK;
    }
    if (m == 0) { /* no data: one open class, so the legend still has a row */
        b[0] = -INFINITY;
        b[1] = INFINITY;
        *n = 1;
        return PM_OK;
    }
    switch (spec->method) {
    case PM_CLASSIFY_QUANTILE: *n = quantile_bounds(xs, m, k, b); return PM_OK;
    case PM_CLASSIFY_EQUAL: *n = equal_bounds(xs, m, k, dec, b); return PM_OK;
    case PM_CLASSIFY_JENKS: return jenks_bounds(xs, m, k, b, n);
    default: return PM_EDATA;
    }
}

static void tally(pm_classes *c, const double *values, size_t n)
{
    for (size_t i = 0; i < c->n; i++) {
        c->vmin[i] = NAN;
        c->vmax[i] = NAN;
        c->counts[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        int k = pm_classes_find(c, values[i]);
        if (k < 0) { c->nodata++; continue; }
        double v = values[i];
        if (!c->counts[k] || v < c->vmin[k]) c->vmin[k] = v;
        if (!c->counts[k] || v > c->vmax[k]) c->vmax[k] = v;
        c->counts[k]++;
    }
}

pm_status pm_classify(const pm_classify_spec *spec, const double *values, size_t n,
                      pm_classes *out)
{
    memset(out, 0, sizeof *out);
    pm_status st = check_spec(spec);
    if (st) return st;
    double b[MAX_CLASSES + 1];
    size_t m = 0, nc = 0;
    double *xs = malloc((n ? n : 1) * sizeof *xs);
    if (!xs) return PM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (isfinite(values[i])) xs[m++] = values[i];
    qsort(xs, m, sizeof *xs, cmp_double);
    st = compute_bounds(spec, xs, m, b, &nc);
    if (st) goto fail;
    out->n = nc;
    out->bounds = malloc((nc + 1) * sizeof *out->bounds);
    out->vmin = malloc(nc * sizeof *out->vmin);
    out->vmax = malloc(nc * sizeof *out->vmax);
    out->counts = malloc(nc * sizeof *out->counts);
    if (!out->bounds || !out->vmin || !out->vmax || !out->counts) {
        st = PM_ENOMEM;
        goto fail;
    }
    memcpy(out->bounds, b, (nc + 1) * sizeof *b);
    tally(out, values, n);
    free(xs);
    return PM_OK;
fail:
    free(xs);
    pm_classes_fini(out);
    return st;
}

pm_status pm_classes_apply(const pm_classes *breaks, const double *values, size_t n, pm_classes *out)
{
    memset(out, 0, sizeof *out);
    size_t nc = breaks->n;
    out->n = nc;
    out->bounds = malloc((nc + 1) * sizeof *out->bounds);
    out->vmin = malloc((nc + 1) * sizeof *out->vmin);
    out->vmax = malloc((nc + 1) * sizeof *out->vmax);
    out->counts = malloc((nc + 1) * sizeof *out->counts);
    if (!out->bounds || !out->vmin || !out->vmax || !out->counts) {
        pm_classes_fini(out);
        return PM_ENOMEM;
    }
    memcpy(out->bounds, breaks->bounds, (nc + 1) * sizeof *out->bounds);
    tally(out, values, n);
    return PM_OK;
}

void pm_classes_fini(pm_classes *c)
{
    if (!c) return;
    free(c->bounds);
    free(c->vmin);
    free(c->vmax);
    free(c->counts);
    memset(c, 0, sizeof *c);
}

int pm_classes_find(const pm_classes *c, double v)
{
    if (!isfinite(v) || c->n == 0) return -1;
    /* The number of inner bounds bounds[1..n-1] that are <= v is the class. */
    size_t lo = 1, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->bounds[mid] <= v) lo = mid + 1;
        else hi = mid;
    }
    return (int)(lo - 1);
}

/* Fisher's dynamic programme over the d distinct values v (with multiplicities w):
 * cost[c][j] is the least within-class sum of squares of v[0..j] in c+1 classes and
 * from[c][j] the first index of the last of them.  Working on distinct values means a
 * break can only fall between different values, so ties stay together. */
static void jenks_dp(const double *v, const double *w, size_t d, size_t k, double *cost,
                     uint32_t *from)
{
    for (size_t j = 0; j < d; j++) {
        for (size_t c = 0; c < k; c++) cost[c * d + j] = INFINITY;
        double wsum = 0, mean = 0, m2 = 0;
        for (size_t i = j + 1; i-- > 0;) {
            /* Weighted Welford update: stable where sum-of-squares prefix sums cancel. */
            double wn = wsum + w[i], delta = v[i] - mean;
            mean += delta * w[i] / wn;
            m2 += w[i] * delta * (v[i] - mean);
            wsum = wn;
            if (i == 0) {
                cost[j] = m2;
                from[j] = 0;
                continue;
            }
            for (size_t c = 1; c < k && c <= i; c++) {
                double cand = cost[(c - 1) * d + i - 1] + m2;
                if (cand < cost[c * d + j]) {
                    cost[c * d + j] = cand;
                    from[c * d + j] = (uint32_t)i;
                }
            }
        }
    }
}

pm_status pm_jenks_breaks(const double *sorted, size_t n, size_t k, double *breaks)
{
    if (n == 0 || k == 0 || n > JENKS_MAX_N) return PM_EDATA;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(sorted[i]) || (i && sorted[i] < sorted[i - 1])) return PM_EDATA;
    size_t d = count_distinct(sorted, n);
    if (k > d) return PM_EDATA;
    if (k == 1) return PM_OK;
    pm_status st = PM_ENOMEM;
    double *v = malloc(d * sizeof *v), *w = malloc(d * sizeof *w);
    double *cost = malloc(k * d * sizeof *cost);
    uint32_t *from = malloc(k * d * sizeof *from);
    if (!v || !w || !cost || !from) goto done;
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && sorted[i] == sorted[i - 1]) { w[nd - 1] += 1; continue; }
        v[nd] = sorted[i];
        w[nd++] = 1;
    }
    jenks_dp(v, w, d, k, cost, from);
    size_t j = d - 1;
    for (size_t c = k - 1; c >= 1; c--) {
        size_t i = from[c * d + j];
        breaks[c - 1] = v[i];
        j = i - 1;
    }
    st = PM_OK;
done:
    free(from);
    free(cost);
    free(w);
    free(v);
    return st;
}
