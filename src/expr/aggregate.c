/* Aggregates over the committees of a year: median, mean, rank, percentile, per parent. */
#include "expr/expr_int.h"

#include <math.h>
#include <stdlib.h>

/* By group, then value descending, then committee: a total order, so the sort and
 * every result are deterministic. */
static int by_group_value(const void *pa, const void *pb)
{
    const ex_item *a = pa, *b = pb;
    if (a->g != b->g) return a->g < b->g ? -1 : 1;
    if (a->v != b->v) return a->v > b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static double mid(double a, double b) { return a / 2 + b / 2; }

/* Mean per group, summed in committee order (no sort, so no order effects). */
static void means(double *v, size_t n, const long *parent, size_t ngroups, ex_scratch *s, int grouped)
{
    for (size_t g = 0; g < ngroups; g++) s->sum[g] = s->cnt[g] = 0;
    for (size_t c = 0; c < n; c++) {
        long g = grouped ? parent[c] : 0;
        if (isnan(v[c]) || g < 0) continue;
        s->sum[g] += v[c];
        s->cnt[g] += 1;
    }
    for (size_t c = 0; c < n; c++) {
        long g = grouped ? parent[c] : 0;
        double m = g >= 0 && s->cnt[g] > 0 ? s->sum[g] / s->cnt[g] : NAN;
        v[c] = isfinite(m) ? m : NAN;
    }
}

void ex_aggregate(ex_op op, double *v, size_t n, const long *parent, size_t nparents,
                  ex_scratch *s)
{
    int grouped = op >= OP_MEDIAN_P;
    double one_sum[2];
    size_t ngroups = grouped ? nparents : 1;
    ex_scratch whole = { s->items, one_sum, one_sum + 1 };
    if (!grouped) s = &whole;
    if (op == OP_MEAN || op == OP_MEAN_P) { means(v, n, parent, ngroups, s, grouped); return; }
    size_t m = 0;
    for (size_t c = 0; c < n; c++) {
        long g = grouped ? parent[c] : 0;
        if (!isnan(v[c]) && g >= 0) s->items[m++] = (ex_item){ v[c], c, g };
    }
    qsort(s->items, m, sizeof *s->items, by_group_value);
    if (op == OP_MEDIAN || op == OP_MEDIAN_P) {
        for (size_t g = 0; g < ngroups; g++) s->sum[g] = NAN;
        for (size_t a = 0, b; a < m; a = b) {
            for (b = a; b < m && s->items[b].g == s->items[a].g; b++) {}
            size_t k = b - a;
            const ex_item *it = s->items + a;
            s->sum[it->g] = k % 2 ? it[k / 2].v : mid(it[k / 2 - 1].v, it[k / 2].v);
        }
        for (size_t c = 0; c < n; c++) {
            long g = grouped ? parent[c] : 0;
            v[c] = g >= 0 ? s->sum[g] : NAN;
        }
        return;
    }
    /* rank (competition, 1 = highest) and percentile: 100 * (values <= v) / count */
    for (size_t c = 0; c < n; c++) v[c] = NAN;
    for (size_t a = 0, b; a < m; a = b) {
        for (b = a; b < m && s->items[b].g == s->items[a].g; b++) {}
        size_t rank = 1;
        for (size_t j = a; j < b; j++) {
            if (j > a && s->items[j].v != s->items[j - 1].v) rank = j - a + 1;
            v[s->items[j].i] = op == OP_RANK || op == OP_RANK_P
                               ? (double)rank : 100.0 * (double)(b - a - rank + 1) / (double)(b - a);
        }
    }
}
