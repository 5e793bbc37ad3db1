/* Scene building: projection of every layer and visual centres, done once per CRS. */
#include "render/scene.h"

#include <stdlib.h>
#include <string.h>

#include "geo/proj.h"

static pm_status project_copy(pm_proj *p, const pm_geom *src, pm_geom *dst)
{
    pm_status st = pm_geom_copy(dst, src);
    if (!st) st = pm_proj_geom(p, dst);
    return st;
}

static pm_status build_ctx(pm_proj *p, const pm_dataset *ds, pm_scene *s)
{
    s->ctx = calloc(ds->ncontext + 1, sizeof *s->ctx);
    if (!s->ctx) return PM_ENOMEM;
    for (size_t i = 0; i < ds->ncontext; i++, s->nctx++) {
        const pm_ctxlayer *l = &ds->context[i];
        pm_scene_ctx *c = &s->ctx[i];
        c->role = l->role;
        c->major = l->major;
        c->names = l->names;
        c->geoms = calloc(l->n + 1, sizeof *c->geoms);
        if (!c->geoms) return PM_ENOMEM;
        for (; c->n < l->n; c->n++) {
            pm_status st = project_copy(p, &l->geoms[c->n], &c->geoms[c->n]);
            if (st) { c->n++; return st; }
        }
    }
    return PM_OK;
}

/* The parents' dissolved outlines, their visual centres and boundary network. */
static pm_status build_parents(pm_proj *p, const pm_dataset *ds, pm_scene *s)
{
    if (!ds->nparents) return PM_OK;
    s->parents = calloc(ds->nparents, sizeof *s->parents);
    s->parent_centre = calloc(ds->nparents, sizeof *s->parent_centre);
    s->parent_room = calloc(ds->nparents, sizeof *s->parent_room);
    if (!s->parents || !s->parent_centre || !s->parent_room) return PM_ENOMEM;
    s->parent_info = ds->parents;
    for (; s->nparents < ds->nparents; s->nparents++) {
        size_t i = s->nparents;
        pm_status st = project_copy(p, &ds->parents[i].geom, &s->parents[i]);
        if (st) { s->nparents++; return st; }
        const pm_bbox *b = &s->parents[i].bbox;
        double prec = (b->maxx - b->minx + b->maxy - b->miny) / 400;
        s->parent_centre[i] = pm_geom_visual_centre(&s->parents[i], prec > 0 ? prec : 1e-9, &s->parent_room[i]);
    }
    return pm_edges_build(s->parents, s->nparents, &s->parent_edges);
}

static pm_status build_points(pm_proj *p, const pm_site *src, size_t n, pm_pt **out)
{
    *out = malloc((n + 1) * sizeof **out);
    if (!*out) return PM_ENOMEM;
    for (size_t i = 0; i < n; i++) (*out)[i] = src[i].lonlat;
    return n ? pm_proj_points(p, *out, n) : PM_OK;
}

pm_status pm_scene_build(const pm_dataset *ds, const char *crs, pm_scene *s, char **err)
{
    memset(s, 0, sizeof *s);
    pm_proj *p = NULL;
    pm_status st = pm_proj_new("EPSG:4326", crs, &p, err);
    if (st) return st;
    s->crs = pm_strdup(crs);
    size_t n = ds->ncommittees;
    s->committees = calloc(n + 1, sizeof *s->committees);
    s->centre = calloc(n + 1, sizeof *s->centre);
    s->room = calloc(n + 1, sizeof *s->room);
    st = PM_ENOMEM;
    if (!s->crs || !s->committees || !s->centre || !s->room) goto fail;
    s->extent = pm_bbox_empty();
    for (; s->ncommittees < n; s->ncommittees++) {
        size_t i = s->ncommittees;
        if ((st = project_copy(p, &ds->committees[i].geom, &s->committees[i])) != PM_OK) {
            s->ncommittees++;
            goto fail;
        }
        pm_bbox_union(&s->extent, &s->committees[i].bbox);
        const pm_bbox *b = &s->committees[i].bbox;
        double prec = (b->maxx - b->minx + b->maxy - b->miny) / 400;
        s->centre[i] = pm_geom_visual_centre(&s->committees[i], prec > 0 ? prec : 1e-9, &s->room[i]);
    }
    if ((st = pm_edges_build(s->committees, s->ncommittees, &s->edges)) != PM_OK) goto fail;
    if ((st = build_parents(p, ds, s)) != PM_OK) goto fail;
    if ((st = build_ctx(p, ds, s)) != PM_OK) goto fail;
    s->nplatforms = ds->nplatforms;
    s->nprojects = ds->nprojects;
    s->project_sites = ds->projects;
    s->platform_sites = ds->platforms;
    if ((st = build_points(p, ds->platforms, ds->nplatforms, &s->platforms)) != PM_OK) goto fail;
    if ((st = build_points(p, ds->projects, ds->nprojects, &s->projects)) != PM_OK) goto fail;
    pm_proj_free(p);
    return PM_OK;
fail:
    if (err && !*err && st == PM_EDATA) *err = pm_asprintf("cannot project the data into %s", crs);
    pm_proj_free(p);
    pm_scene_fini(s);
    return st;
}

void pm_scene_fini(pm_scene *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->ncommittees; i++) pm_geom_fini(&s->committees[i]);
    for (size_t i = 0; i < s->nctx; i++) {
        for (size_t k = 0; k < s->ctx[i].n; k++) pm_geom_fini(&s->ctx[i].geoms[k]);
        free(s->ctx[i].geoms);
    }
    free(s->ctx);
    pm_edges_fini(&s->edges);
    for (size_t i = 0; i < s->nparents; i++) pm_geom_fini(&s->parents[i]);
    if (s->parents) pm_edges_fini(&s->parent_edges);
    free(s->parents); free(s->parent_centre); free(s->parent_room);
    free(s->committees); free(s->centre); free(s->room);
    free(s->platforms); free(s->projects); free(s->crs);
    memset(s, 0, sizeof *s);
}
