/* The site's per-committee figures, from the same diagnosis the atlas prints. */
#include "site/sitefigs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "print/diagnosis.h"

static int class_change(const pm_diagnosis_index *x, size_t c)
{
    if (x->prev.n == 0 || x->th.cls[c] < 0 || x->prev.cls[c] < 0) return PM_SF_NONE;
    int d = (x->th.cls[c] > x->prev.cls[c]) - (x->th.cls[c] < x->prev.cls[c]);
    return x->th.style->higher_is_better ? d : -d;
}

static pm_status fill(const pm_diagnosis_index *x, size_t n, pm_sitefig *f)
{
    f->cls = calloc(n + 1, sizeof *f->cls);
    f->rank = calloc(n + 1, sizeof *f->rank);
    f->rank_change = calloc(n + 1, sizeof *f->rank_change);
    f->cls_change = calloc(n + 1, sizeof *f->cls_change);
    if (!f->cls || !f->rank || !f->rank_change || !f->cls_change) return PM_ENOMEM;
    for (size_t c = 0; c < n; c++) {
        f->cls[c] = x->th.cls[c];
        f->rank[c] = x->rank[c];
        f->rank_change[c] = x->rank[c] > 0 && x->prev_rank[c] > 0 ? x->prev_rank[c] - x->rank[c] : PM_SF_NONE;
        f->cls_change[c] = class_change(x, c);
    }
    f->nranked = x->nvalid;
    f->median = x->median;
    f->value = x->th.value;
    return PM_OK;
}

pm_status pm_sitefigs_build(const pm_website *w, pm_sitefigs *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    const pm_indtab *tab = &w->an->tab;
    out->nyears = tab->nyears;
    out->nmaps = w->nstyles;
    out->n = tab->ncommittees;
    out->years = tab->years;
    pm_diagnosis *dx = calloc(out->nyears + 1, sizeof *dx);
    out->f = calloc(out->nyears * out->nmaps + 1, sizeof *out->f);
    out->priv = dx;
    pm_status st = dx && out->f ? PM_OK : PM_ENOMEM;
    for (size_t y = 0; !st && y < out->nyears; y++) {
        pm_diag d;
        pm_diag_init(&d);
        st = pm_diagnosis_build(w->styles, w->nstyles, tab, tab->years[y], &d, &dx[y]);
        if (st && d.count) *err = pm_problem_format(&d.items[0]);
        pm_diag_fini(&d);
        for (size_t m = 0; !st && m < out->nmaps; m++)
            st = fill(&dx[y].idx[m], out->n, &out->f[y * out->nmaps + m]);
    }
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: out of memory");
    if (st) pm_sitefigs_fini(out);
    return st;
}

void pm_sitefigs_fini(pm_sitefigs *f)
{
    if (!f) return;
    pm_diagnosis *dx = f->priv;
    for (size_t i = 0; f->f && i < f->nyears * f->nmaps; i++) {
        free(f->f[i].cls);
        free(f->f[i].rank);
        free(f->f[i].rank_change);
        free(f->f[i].cls_change);
    }
    for (size_t y = 0; dx && y < f->nyears; y++) pm_diagnosis_fini(&dx[y]);
    free(dx);
    free(f->f);
    memset(f, 0, sizeof *f);
}

long pm_sitefigs_year(const pm_sitefigs *f, int year)
{
    for (size_t y = 0; y < f->nyears; y++)
        if (f->years[y] == year) return (long)y;
    return -1;
}
