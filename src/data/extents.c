/* Extent checks across sources: layers far from the committees, stray vertices. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/load.h"

#define KM_PER_DEG 111.32

/* Distance in km between two lon/lat boxes (0 if they meet). */
static double box_km(const pm_bbox *a, const pm_bbox *b)
{
    double dx = fmax(0, fmax(a->minx - b->maxx, b->minx - a->maxx));
    double dy = fmax(0, fmax(a->miny - b->maxy, b->miny - a->maxy));
    double lat = (fmax(a->miny, b->miny) + fmin(a->maxy, b->maxy)) / 2;
    dx *= cos(lat * M_PI / 180);
    return KM_PER_DEG * sqrt(dx * dx + dy * dy);
}

static double diag_km(const pm_bbox *b)
{
    pm_bbox p = { b->minx, b->miny, b->minx, b->miny }, q = { b->maxx, b->maxy, b->maxx, b->maxy };
    return box_km(&p, &q);
}

/* The config key of a source role ("context[2]" is sources.context[2]). */
static void key_of(const char *role, char *buf, size_t len)
{
    snprintf(buf, len, "sources.%s", role);
}

/* Every layer with geometry must overlap the committees, or lie close: a context
 * layer or points in another grid land hundreds of km away. */
static void check_layers(pm_diag *d, const pm_dataset *ds, const pm_bbox *com)
{
    double tol = fmax(5, 0.5 * diag_km(com));
    for (size_t i = 0; i < ds->nsources; i++) {
        const pm_sourceinfo *s = &ds->sources[i];
        if (!s->crs || strcmp(s->role, "committees") == 0 || !pm_bbox_valid(&s->extent)) continue;
        double km = box_km(&s->extent, com);
        if (km <= tol) continue;
        char key[64];
        key_of(s->role, key, sizeof key);
        pm_diag_add(d, PM_SEV_ERROR, s->files, "", "", "lies %.0f km from the committees (its extent: "
                    "longitude %.4f to %.4f, latitude %.4f to %.4f; the committees': %.4f to %.4f, %.4f "
                    "to %.4f): wrong CRS? set \"crs\" on %s to the file's real CRS", km, s->extent.minx,
                    s->extent.maxx, s->extent.miny, s->extent.maxy, com->minx, com->maxx, com->miny,
                    com->maxy, key);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double km_between(pm_pt a, pm_pt b)
{
    double dx = (a.x - b.x) * cos((a.y + b.y) / 2 * M_PI / 180), dy = a.y - b.y;
    return KM_PER_DEG * sqrt(dx * dx + dy * dy);
}

/* A vertex far from every other committee (a digitising slip at (0, 0), a part in
 * another grid) would stretch the map and the tile pyramid over a continent. */
static void check_strays(pm_diag *d, const pm_dataset *ds)
{
    size_t n = ds->ncommittees;
    if (n < 3) return;
    double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys), *r = malloc(n * sizeof *r);
    if (!xs || !ys || !r) goto done;
    for (size_t c = 0; c < n; c++) {
        const pm_bbox *b = &ds->committees[c].geom.bbox;
        xs[c] = (b->minx + b->maxx) / 2;
        ys[c] = (b->miny + b->maxy) / 2;
    }
    qsort(xs, n, sizeof *xs, cmp_double);
    qsort(ys, n, sizeof *ys, cmp_double);
    pm_pt mid = { xs[n / 2], ys[n / 2] };
    /* the committees' own spread: a centre too far off is itself a stray */
    for (size_t c = 0; c < n; c++) {
        pm_pt p = ds->committees[c].geom.npts ? ds->committees[c].geom.pts[0] : mid;
        r[c] = km_between(p, mid);
    }
    qsort(r, n, sizeof *r, cmp_double);
    double limit = fmax(50, 5 * r[(n * 9) / 10]);
    for (size_t c = 0; c < n; c++) {
        const pm_geom *g = &ds->committees[c].geom;
        double worst = 0;
        pm_pt at = mid;
        for (size_t i = 0; i < g->npts; i++) {
            double k = km_between(g->pts[i], mid);
            if (k > worst) { worst = k; at = g->pts[i]; }
        }
        if (worst <= limit) continue;
        char *where = pm_dataset_where(ds, c);
        char *colon = where ? strstr(where, ": ") : NULL;
        if (colon) *colon = '\0';
        pm_at a = { where, colon ? colon + 2 : NULL, NULL, NULL };
        pm_diag_at(d, PM_SEV_ERROR, &a, "geometry", "a vertex at (%.5f, %.5f) lies %.0f km from the "
                   "centre of the committees (the others lie within %.0f km): a stray point, or a "
                   "feature in another coordinate system", at.x, at.y, worst, r[(n * 9) / 10]);
        free(where);
    }
done:
    free(xs);
    free(ys);
    free(r);
}

void pm_load_check_extents(const pm_config *cfg, pm_diag *d, const pm_dataset *ds)
{
    (void)cfg;
    pm_bbox com = pm_bbox_empty();
    for (size_t c = 0; c < ds->ncommittees; c++) pm_bbox_union(&com, &ds->committees[c].geom.bbox);
    if (!pm_bbox_valid(&com)) return;
    check_strays(d, ds);
    check_layers(d, ds, &com);
}
