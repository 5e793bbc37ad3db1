/* The site's per-committee figures, from the run's results (the same the atlas prints). */
#include "site/sitefigs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/results.h"

static pm_status fill(const pm_mapyear *my, const pm_mapyear *prev, size_t n, pm_sitefig *f)
{
    f->cls = calloc(n + 1, sizeof *f->cls);
    f->rank = calloc(n + 1, sizeof *f->rank);
    f->rank_change = calloc(n + 1, sizeof *f->rank_change);
    f->cls_change = calloc(n + 1, sizeof *f->cls_change);
    if (!f->cls || !f->rank || !f->rank_change || !f->cls_change) return PM_ENOMEM;
    for (size_t c = 0; c < n; c++) {
        f->cls[c] = my->th.cls[c];
        f->rank[c] = my->rank[c];
        int pr = prev ? prev->rank[c] : 0;
        f->rank_change[c] = my->rank[c] > 0 && pr > 0 ? pr - my->rank[c] : PM_SF_NONE;
        f->cls_change[c] = my->move[c] == PM_MOVE_NONE ? PM_SF_NONE : my->move[c];
    }
    f->nranked = my->nvalid;
    f->median = my->median;
    f->value = my->th.value;
    return PM_OK;
}

pm_status pm_sitefigs_build(const pm_website *w, pm_sitefigs *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    const pm_results *r = w->res;
    out->nyears = r->nyears;
    out->nmaps = r->nmaps;
    out->n = r->ncommittees;
    out->years = r->years;
    out->f = calloc(out->nyears * out->nmaps + 1, sizeof *out->f);
    pm_status st = out->f ? PM_OK : PM_ENOMEM;
    for (size_t y = 0; !st && y < out->nyears; y++)
        for (size_t m = 0; !st && m < out->nmaps; m++)
            st = fill(pm_results_at(r, m, y), y ? pm_results_at(r, m, y - 1) : NULL, out->n,
                      &out->f[y * out->nmaps + m]);
    if (st == PM_ENOMEM) *err = pm_strdup("site: out of memory");
    if (st) pm_sitefigs_fini(out);
    return st;
}

void pm_sitefigs_fini(pm_sitefigs *f)
{
    if (!f) return;
    for (size_t i = 0; f->f && i < f->nyears * f->nmaps; i++) {
        free(f->f[i].cls);
        free(f->f[i].rank);
        free(f->f[i].rank_change);
        free(f->f[i].cls_change);
    }
    free(f->f);
    memset(f, 0, sizeof *f);
}

long pm_sitefigs_year(const pm_sitefigs *f, int year)
{
    for (size_t y = 0; y < f->nyears; y++)
        if (f->years[y] == year) return (long)y;
    return -1;
}
