/* Map symbolisation: a thematic map's per-committee fills, no-data flags and label candidates. */
#ifndef PM_RENDER_MAPSYM_H
#define PM_RENDER_MAPSYM_H

#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "data/dataset.h"
#include "render/labels.h"
#include "render/scene.h"

/* What pm_draw_map needs per committee for one map and year, in one place so that
 * posters, tiles and snapshots symbolise a map identically.  Read-only once built. */
typedef struct {
    size_t n;
    pm_rgba *fill;          /* class colour (owned) */
    unsigned char *nodata;  /* 1 = no value: hatched (owned) */
    pm_label_cand *cands;   /* committee name, visual centre, room, priority (owned) */
    char (*subs)[32];       /* sub lines such as "20→7" (owned; cands point into it) */
    size_t nparents;
    pm_label_cand *parent_cands; /* the parents' names at their visual centres (owned) */
    pm_namebuf *drawn;      /* names cut for drawing (text.h; owned; cands point into it) */
} pm_mapsym;

/* Builds the symbolisation of th on scene (names from ds, rank changes from tab
 * when the style asks for them).  out is initialised; free with pm_mapsym_fini. */
pm_status pm_mapsym_build(const pm_thematic *th, const pm_scene *scene, const pm_dataset *ds,
                          const pm_indtab *tab, pm_mapsym *out);
void pm_mapsym_fini(pm_mapsym *m);

#endif
