/* Map symbolisation shared by posters, tiles and snapshots. */
#include "render/mapsym.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "20→7" from the rank indicator behind a change indicator (service_change → service_rank). */
static void rank_subs(const pm_thematic *th, const pm_indtab *tab, pm_mapsym *m)
{
    const char *ind = pm_style_column(th->style);
    size_t len = strlen(ind);
    char base[96];
    if (len >= sizeof base || len < 8 || strcmp(ind + len - 7, "_change") != 0) return;
    snprintf(base, sizeof base, "%.*s_rank", (int)(len - 7), ind);
    long k = pm_indtab_find(tab, base), y = pm_indtab_year(tab, th->year);
    if (k < 0 || y <= 0) return;
    for (size_t c = 0; c < m->n; c++) {
        double a = pm_indtab_get(tab, (size_t)y - 1, c, (size_t)k);
        double b = pm_indtab_get(tab, (size_t)y, c, (size_t)k);
        if (isnan(a) || isnan(b)) continue;
        snprintf(m->subs[c], sizeof m->subs[c], "%.0f→%.0f", a, b);
        m->cands[c].sub = m->subs[c];
    }
}

pm_status pm_mapsym_build(const pm_thematic *th, const pm_scene *scene, const pm_dataset *ds,
                          const pm_indtab *tab, pm_mapsym *m)
{
    memset(m, 0, sizeof *m);
    size_t n = scene->ncommittees;
    m->n = n;
    m->fill = calloc(n + 1, sizeof *m->fill);
    m->nodata = calloc(n + 1, 1);
    m->cands = calloc(n + 1, sizeof *m->cands);
    m->subs = calloc(n + 1, sizeof *m->subs);
    m->drawn = calloc(n + scene->nparents + 1, sizeof *m->drawn);
    if (!m->fill || !m->nodata || !m->cands || !m->subs || !m->drawn) {
        pm_mapsym_fini(m);
        return PM_ENOMEM;
    }
    for (size_t c = 0; c < n; c++) {
        int k = th->cls[c];
        m->nodata[c] = k < 0;
        if (k >= 0) m->fill[c] = th->colors[k];
        const char *name = pm_text_name(ds->committees[c].name, &m->drawn[c]);
        m->cands[c] = (pm_label_cand){ name, NULL, scene->centre[c], scene->room[c],
                                       pm_geom_area(&scene->committees[c]), &scene->committees[c],
                                       pm_label_unit_offset(name, NULL) };
    }
    if (th->style->show_rank_change) rank_subs(th, tab, m);
    if (scene->nparents) {
        if (!(m->parent_cands = calloc(scene->nparents, sizeof *m->parent_cands))) {
            pm_mapsym_fini(m);
            return PM_ENOMEM;
        }
        m->nparents = scene->nparents;
        for (size_t p = 0; p < scene->nparents; p++)
            m->parent_cands[p] = (pm_label_cand){ pm_text_name(scene->parent_info[p].name, &m->drawn[n + p]),
                                                  NULL, scene->parent_centre[p], scene->parent_room[p],
                                                  pm_geom_area(&scene->parents[p]), &scene->parents[p], 0 };
    }
    return PM_OK;
}

void pm_mapsym_fini(pm_mapsym *m)
{
    if (!m) return;
    free(m->fill);
    free(m->nodata);
    free(m->cands);
    free(m->subs);
    free(m->parent_cands);
    free(m->drawn);
    memset(m, 0, sizeof *m);
}
