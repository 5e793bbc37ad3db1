/* Scene: the dataset's geometry projected once into one output CRS, ready to draw. */
#ifndef PM_RENDER_SCENE_H
#define PM_RENDER_SCENE_H

#include <stddef.h>
#include "core/status.h"
#include "data/dataset.h"
#include "geo/edges.h"
#include "geo/geom.h"

typedef struct {
    pm_ctx_role role;
    size_t n;
    pm_geom *geoms;      /* projected (owned) */
    const int *major;    /* borrowed from the dataset */
    char *const *names;  /* borrowed from the dataset */
} pm_scene_ctx;

/* Everything the drawing core needs that does not depend on the map or year.
 * Built once per output CRS, then read-only (shared by all rendering threads). */
typedef struct {
    char *crs;              /* owned */
    size_t ncommittees;
    pm_geom *committees;    /* projected (owned) */
    pm_pt *centre;          /* visual centre of each committee (owned) */
    double *room;           /* distance from the centre to the boundary (owned) */
    pm_scene_ctx *ctx;      /* context layers (owned) */
    size_t nctx;
    size_t nplatforms, nprojects;
    pm_pt *platforms, *projects; /* projected (owned) */
    const pm_site *project_sites; /* borrowed: status of each project */
    const pm_site *platform_sites; /* borrowed: status and category of each platform */
    pm_bbox extent;         /* bbox of the committees */
    pm_edges edges;         /* the committees' boundary network, each edge once (owned) */
    size_t nparents;        /* units above the committees (0 without a parent field) */
    pm_geom *parents;       /* their dissolved outlines, projected (owned) */
    pm_pt *parent_centre;   /* visual centre of each (owned) */
    double *parent_room;    /* its distance to the boundary (owned) */
    const pm_parent *parent_info; /* names, borrowed from the dataset */
    pm_edges parent_edges;  /* the parents' boundary network, each edge once (owned) */
} pm_scene;

/* Projects the dataset into crs, finds each committee's visual centre and their
 * shared boundary network.
 * out is initialised; free with pm_scene_fini.  PM_EDATA (with *err, caller frees)
 * if the CRS is unusable. */
pm_status pm_scene_build(const pm_dataset *ds, const char *crs, pm_scene *out, char **err);
void pm_scene_fini(pm_scene *s);

#endif
