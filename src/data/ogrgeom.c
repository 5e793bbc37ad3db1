/* Geometry through OGR/GEOS: conversion to OGR and the cascaded union. */
#include "data/ogrgeom.h"

#include <cpl_error.h>
#include <ogr_api.h>

#include "core/fileio.h"

static OGRGeometryH ring_of(const pm_geom *g, size_t r, OGRwkbGeometryType t)
{
    OGRGeometryH h = OGR_G_CreateGeometry(t);
    if (!h) return NULL;
    for (uint32_t i = g->ring_off[r]; i < g->ring_off[r + 1]; i++)
        OGR_G_AddPoint_2D(h, g->pts[i].x, g->pts[i].y);
    if (t == wkbLinearRing) OGR_G_CloseRings(h);
    return h;
}

void *pm_ogr_geometry(const pm_geom *g)
{
    if (g->kind == PM_GEOM_POINT) {
        if (g->npts == 0) return NULL;
        OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
        if (p) OGR_G_SetPoint_2D(p, 0, g->pts[0].x, g->pts[0].y);
        return p;
    }
    int poly = g->kind == PM_GEOM_POLYGON;
    OGRGeometryH multi = OGR_G_CreateGeometry(poly ? wkbMultiPolygon : wkbMultiLineString);
    OGRGeometryH cur = NULL; /* the polygon that holes join; owned by multi */
    for (size_t r = 0; multi && r < g->nrings; r++) {
        OGRGeometryH ring = ring_of(g, r, poly ? wkbLinearRing : wkbLineString);
        OGRErr e = OGRERR_NOT_ENOUGH_MEMORY;
        if (ring && !poly) {
            e = OGR_G_AddGeometryDirectly(multi, ring);
        } else if (ring && (!cur || !g->ring_hole || !g->ring_hole[r])) {
            OGRGeometryH p = OGR_G_CreateGeometry(wkbPolygon);
            if (p && OGR_G_AddGeometryDirectly(p, ring) == OGRERR_NONE) {
                e = OGR_G_AddGeometryDirectly(multi, p);
                cur = OGR_G_GetGeometryRef(multi, OGR_G_GetGeometryCount(multi) - 1);
            } else if (p) {
                OGR_G_DestroyGeometry(p);
            }
        } else if (ring) {
            e = OGR_G_AddGeometryDirectly(cur, ring);
        }
        if (e != OGRERR_NONE) { OGR_G_DestroyGeometry(multi); return NULL; }
    }
    return multi;
}

/* Appends the rings of OGR polygon (or multipolygon) h to out. */
static pm_status add_rings(pm_geom *out, OGRGeometryH h)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
    pm_status st = PM_OK;
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; !st && i < OGR_G_GetGeometryCount(h); i++) st = add_rings(out, OGR_G_GetGeometryRef(h, i));
        return st;
    }
    if (t != wkbPolygon) return PM_OK; /* lines and points of a degenerate union */
    for (int r = 0; !st && r < OGR_G_GetGeometryCount(h); r++) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(h, r);
        st = pm_geom_begin_ring(out, r > 0);
        for (int i = 0; !st && i < OGR_G_GetPointCount(ring); i++)
            st = pm_geom_add_pt(out, (pm_pt){ OGR_G_GetX(ring, i), OGR_G_GetY(ring, i) });
    }
    return st;
}

void *pm_ogr_union(const pm_geom *const *polys, size_t n)
{
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon), u = NULL;
    if (!all) return NULL;
    for (size_t i = 0; i < n; i++) {
        OGRGeometryH g = polys[i]->kind == PM_GEOM_POLYGON ? pm_ogr_geometry(polys[i]) : NULL;
        for (int k = 0; g && k < OGR_G_GetGeometryCount(g); k++)
            OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, k));
        if (g) OGR_G_DestroyGeometry(g);
    }
    u = OGR_G_UnionCascaded(all);
    OGR_G_DestroyGeometry(all);
    return u;
}

pm_status pm_geom_union(const pm_geom *const *polys, size_t n, pm_geom *out, char **err)
{
    pm_geom_init(out, PM_GEOM_POLYGON);
    if (err) *err = NULL;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    pm_status st = PM_OK;
    OGRGeometryH u = pm_ogr_union(polys, n);
    if (!u) {
        st = PM_EDATA;
        if (err) *err = pm_asprintf("cannot union the polygons: %s",
                                    *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "GEOS failed");
    }
    if (!st) st = add_rings(out, u);
    pm_geom_finish(out);
    if (u) OGR_G_DestroyGeometry(u);
    CPLPopErrorHandler();
    return st;
}
