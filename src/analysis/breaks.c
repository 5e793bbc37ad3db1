/* Breaks across years: pooled classification of several years' values. */
#include "analysis/breaks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"

int pm_breaks_pooled(const pm_style *s)
{
    return s->classify.method != PM_CLASSIFY_MANUAL && !s->years_each;
}

static int is_ref(const pm_style *s, int year)
{
    for (size_t i = 0; i < s->nref_years; i++)
        if (s->ref_years[i] == year) return 1;
    return 0;
}

/* "2014–2016年全部数据", "2014、2016年数据", "2016年数据" */
static char *years_note(const pm_style *s, const pm_indtab *tab, size_t last)
{
    char buf[512] = "";
    size_t n = 0, used = 0;
    if (!s->nref_years) {
        if (last == 0) return pm_asprintf("分级以%d年数据为准", tab->years[0]);
        return pm_asprintf("分级以%d–%d年全部数据为准", tab->years[0], tab->years[last]);
    }
    for (size_t y = 0; y < tab->nyears && used + 16 < sizeof buf; y++)
        if (is_ref(s, tab->years[y])) used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%d", n++ ? "、" : "", tab->years[y]);
    return pm_asprintf("分级以%s年数据为准", buf);
}

pm_status pm_breaks_compute(const pm_style *s, const pm_indtab *tab, size_t k, size_t last,
                            pm_classes *out, char **note)
{
    memset(out, 0, sizeof *out);
    *note = NULL;
    size_t n = tab->ncommittees, m = 0;
    double *v = malloc((n * tab->nyears + 1) * sizeof *v);
    if (!v) return PM_ENOMEM;
    for (size_t y = 0; y < tab->nyears; y++) {
        if (s->nref_years ? !is_ref(s, tab->years[y]) : y > last) continue;
        for (size_t c = 0; c < n; c++) v[m++] = pm_indtab_get(tab, y, c, k);
    }
    pm_status st = pm_classify(&s->classify, v, m, out);
    free(v);
    if (st) return st;
    out->bounds[0] = -INFINITY;
    out->bounds[out->n] = INFINITY;
    if (!(*note = years_note(s, tab, last))) { pm_classes_fini(out); return PM_ENOMEM; }
    return PM_OK;
}

static void inner(const pm_classes *c, int decimals, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 1; i < c->n && used + 24 < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%.*f", i > 1 ? " / " : "", decimals, c->bounds[i]);
    if (c->n <= 1) snprintf(buf, len, "一个分级");
}

int pm_breaks_differ(const pm_classes *a, const pm_classes *b, int decimals, char *buf, size_t len)
{
    int differ = a->n != b->n;
    for (size_t i = 1; !differ && i < a->n; i++) differ = a->bounds[i] != b->bounds[i];
    if (!differ) return 0;
    char x[160], y[160];
    inner(a, decimals, x, sizeof x);
    inner(b, decimals, y, sizeof y);
    snprintf(buf, len, "%s → %s", x, y);
    return 1;
}
