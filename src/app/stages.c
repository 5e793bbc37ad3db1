/* The stage table: a render's outputs in the order they are written. */
#include "app/stage.h"

#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"

const pm_stage *const pm_stages[] = {
    /* per year: the posters first, so a wall of posters is there even if tiles fail */
    &pm_stage_print, &pm_stage_atlas, &pm_stage_tiles, &pm_stage_sheets,
    /* once, covering every year */
    &pm_stage_gpkg, &pm_stage_site,
};
const size_t pm_nstages = sizeof pm_stages / sizeof *pm_stages;

/* Index of kind among the distinct kinds in table order, or -1. */
static long kind_index(const char *kind, size_t len)
{
    long k = 0;
    for (size_t i = 0; i < pm_nstages; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) seen = strcmp(pm_stages[j]->kind, pm_stages[i]->kind) == 0;
        if (seen) continue;
        if (strlen(pm_stages[i]->kind) == len && strncmp(pm_stages[i]->kind, kind, len) == 0) return k;
        k++;
    }
    return -1;
}

unsigned pm_stage_kind_bit(const char *kind, size_t len)
{
    long k = kind_index(kind, len);
    return k < 0 ? 0 : 1u << k;
}

unsigned pm_stage_all_kinds(void)
{
    unsigned all = 0;
    for (size_t i = 0; i < pm_nstages; i++) all |= pm_stage_kind_bit(pm_stages[i]->kind, strlen(pm_stages[i]->kind));
    return all;
}

void pm_stage_kind_list(char *buf, size_t len)
{
    size_t n = 0;
    if (len) buf[0] = '\0';
    for (size_t i = 0; i < pm_nstages; i++) {
        const char *k = pm_stages[i]->kind;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) seen = strcmp(pm_stages[j]->kind, k) == 0;
        if (seen || n + strlen(k) + 3 > len) continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", k);
    }
}

pm_status pm_stage_cancelled(void)
{
    return pm_cancelled() ? PM_ECANCEL : PM_OK;
}

void pm_plan_add(pm_plan *pl, char *path, const char *note)
{
    if (!path) { pl->oom = 1; return; }
    if (note) fprintf(pl->f, "%s\t%s\n", path, note);
    else fprintf(pl->f, "%s\n", path);
    free(path);
}
