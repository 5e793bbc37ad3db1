/* Indicator computation: joins, areas, per-year values, changes, ranks, rates. */
#include "analysis/indicators.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/gcj02.h"
#include "geo/proj.h"
#include "core/fileio.h"

enum { S_POPULATION, S_HOUSEHOLDS, S_AREA, S_DENSITY, S_PLATFORMS, S_PROJECTS, S_RUNNING,
       S_PER_1000, S_PER_100_NEEDS, S_COUNT };
static const char *const static_names[S_COUNT] = {
    "population", "households", "area_km2", "density", "platforms", "projects",
    "projects_running", "running_per_1000", "running_per_100_needs"
};
/* per evaluation column: value, change, rank, rank change */
enum { C_VALUE, C_CHANGE, C_RANK, C_RANK_CHANGE, C_COUNT };
static const char *const col_suffix[C_COUNT] = { "", "_change", "_rank", "_rank_change" };

long pm_join_point(const pm_committee *c, size_t n, pm_pt p)
{
    for (size_t i = 0; i < n; i++) {
        const pm_bbox *b = &c[i].geom.bbox;
        if (p.x < b->minx || p.x > b->maxx || p.y < b->miny || p.y > b->maxy) continue;
        if (pm_geom_contains(&c[i].geom, p)) return (long)i;
    }
    return -1;
}

typedef struct { double v; size_t i; } ranked;

static int by_value_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v) return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

void pm_rank_desc(const double *v, size_t n, int *rank)
{
    /* sorted, not compared pairwise: a city has thousands of committees */
    ranked *r = malloc((n + 1) * sizeof *r);
    if (!r) { /* the quadratic way, without memory */
        for (size_t i = 0; i < n; i++) {
            rank[i] = 0;
            if (isnan(v[i])) continue;
            rank[i] = 1;
            for (size_t j = 0; j < n; j++) rank[i] += !isnan(v[j]) && v[j] > v[i];
        }
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        if (!isnan(v[i])) r[m++] = (ranked){ v[i], i };
    }
    qsort(r, m, sizeof *r, by_value_desc);
    for (size_t k = 0; k < m; k++)
        rank[r[k].i] = k > 0 && r[k].v == r[k - 1].v ? rank[r[k - 1].i] : (int)k + 1;
    free(r);
}

/* A uniform grid over the committees' bboxes, so a point is tested against the
 * few committees near it; candidates stay in index order, so the first match is
 * the same as pm_join_point's. */
typedef struct {
    pm_bbox ext;
    size_t nx, ny;
    uint32_t *start; /* nx * ny + 1 offsets into items */
    uint32_t *items;
} joingrid;

static size_t cell_of(double x, double lo, double hi, size_t n)
{
    double f = (x - lo) / (hi - lo) * (double)n;
    return f <= 0 ? 0 : f >= (double)n ? n - 1 : (size_t)f;
}

static int grid_build(const pm_committee *c, size_t n, joingrid *g)
{
    memset(g, 0, sizeof *g);
    g->ext = pm_bbox_empty();
    for (size_t i = 0; i < n; i++) pm_bbox_union(&g->ext, &c[i].geom.bbox);
    if (n < 2 || !pm_bbox_valid(&g->ext) || n >= UINT32_MAX / 8) return 0;
    g->nx = g->ny = (size_t)sqrt((double)n) + 1;
    if (!(g->ext.maxx > g->ext.minx) || !(g->ext.maxy > g->ext.miny)) return 0;
    size_t cells = g->nx * g->ny;
    g->start = calloc(cells + 1, sizeof *g->start);
    if (!g->start) return 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const pm_bbox *b = &c[i].geom.bbox;
            if (!pm_bbox_valid(b)) continue;
            size_t x0 = cell_of(b->minx, g->ext.minx, g->ext.maxx, g->nx), x1 = cell_of(b->maxx, g->ext.minx, g->ext.maxx, g->nx);
            size_t y0 = cell_of(b->miny, g->ext.miny, g->ext.maxy, g->ny), y1 = cell_of(b->maxy, g->ext.miny, g->ext.maxy, g->ny);
            for (size_t y = y0; y <= y1; y++)
                for (size_t x = x0; x <= x1; x++) {
                    if (pass == 0) g->start[y * g->nx + x + 1]++;
                    else g->items[g->start[y * g->nx + x]++] = (uint32_t)i;
                }
        }
        if (pass == 0) {
            for (size_t k = 0; k < cells; k++) g->start[k + 1] += g->start[k];
            if (!(g->items = malloc(((size_t)g->start[cells] + 1) * sizeof *g->items))) {
                free(g->start);
                return 0;
            }
        } else { /* the fill advanced each start to the next cell's: shift back */
            memmove(g->start + 1, g->start, cells * sizeof *g->start);
            g->start[0] = 0;
        }
    }
    return 1;
}

struct pm_joinindex {
    joingrid g;
    const pm_committee *c;
    size_t n;
};

pm_joinindex *pm_joinindex_new(const pm_committee *c, size_t n)
{
    pm_joinindex *x = malloc(sizeof *x);
    if (!x) return NULL;
    grid_build(c, n, &x->g);
    x->c = c;
    x->n = n;
    return x;
}

void pm_joinindex_free(pm_joinindex *x)
{
    if (!x) return;
    free(x->g.start);
    free(x->g.items);
    free(x);
}

static long grid_join(const joingrid *g, const pm_committee *c, size_t n, pm_pt p);

long pm_joinindex_find(const pm_joinindex *x, pm_pt p)
{
    return grid_join(&x->g, x->c, x->n, p);
}

static long grid_join(const joingrid *g, const pm_committee *c, size_t n, pm_pt p)
{
    if (!g->start) return pm_join_point(c, n, p);
    if (p.x < g->ext.minx || p.x > g->ext.maxx || p.y < g->ext.miny || p.y > g->ext.maxy) return -1;
    size_t k = cell_of(p.y, g->ext.miny, g->ext.maxy, g->ny) * g->nx + cell_of(p.x, g->ext.minx, g->ext.maxx, g->nx);
    for (uint32_t j = g->start[k]; j < g->start[k + 1]; j++) {
        const pm_bbox *b = &c[g->items[j]].geom.bbox;
        if (p.x < b->minx || p.x > b->maxx || p.y < b->miny || p.y > b->maxy) continue;
        if (pm_geom_contains(&c[g->items[j]].geom, p)) return (long)g->items[j];
    }
    return -1;
}

static void join_sites(const pm_dataset *ds, const pm_site *s, size_t n, long *in,
                       size_t *count, size_t *running, const char *what, const pm_source *src,
                       pm_diag *diag)
{
    size_t outside = 0;
    joingrid g;
    grid_build(ds->committees, ds->ncommittees, &g); /* without memory: scans instead */
    for (size_t i = 0; i < n; i++) {
        in[i] = grid_join(&g, ds->committees, ds->ncommittees, s[i].lonlat);
        if (in[i] < 0) { outside++; continue; }
        count[in[i]]++;
        if (running && s[i].status == PM_SITE_RUNNING) running[in[i]]++;
    }
    if (!outside) { free(g.start); free(g.items); return; }
    /* Points outside: would more fall inside as GCJ-02 (Amap/Tencent lon/lat)?  In a
     * dense subdistrict a 500 m shift still lands many points in a (wrong) committee,
     * so the test compares the two shares instead of waiting for most to fall out. */
    size_t inside_gcj = 0;
    if (outside * 50 > n)
        for (size_t i = 0; i < n; i++)
            inside_gcj += grid_join(&g, ds->committees, ds->ncommittees, pm_gcj02_to_wgs84(s[i].lonlat)) >= 0;
    free(g.start);
    free(g.items);
    const char *file = src->path ? pm_path_basename(src->path) : what;
    if (inside_gcj >= n - n / 50 && inside_gcj > (n - outside) + n / 10)
        pm_diag_add(diag, PM_SEV_WARNING, file, "", "", "%zu of %zu points lie outside every "
                    "committee, but %zu would lie inside if their coordinates were GCJ-02 (as "
                    "Amap and Tencent maps give them): the others are probably joined to the "
                    "wrong committee too; set \"datum\": \"gcj02\" for this source",
                    outside, n, inside_gcj);
    else if (outside * 2 > n && !src->allow_outside)
        /* most points outside: a wrong grid, not a few points beyond the boundary */
        pm_diag_add(diag, PM_SEV_ERROR, file, "", "", "%zu of %zu points lie outside every committee: "
                    "is the coordinate system right? (set \"crs\" on sources.%s to the file's real CRS; "
                    "if the points really lie outside, say so with \"allow_outside\": true)",
                    outside, n, what);
    else
        pm_diag_add(diag, PM_SEV_WARNING, file, "", "", "%zu of %zu points lie outside every "
                    "committee and are not counted", outside, n);
}

static pm_status measure_areas(const pm_dataset *ds, const char *crs, pm_diag *diag,
                               double *area_km2)
{
    pm_proj *p = NULL;
    char *err = NULL;
    pm_status st = pm_proj_new("EPSG:4326", crs, &p, &err);
    if (st) {
        pm_diag_add(diag, PM_SEV_ERROR, "", "", "print.crs", "%s", err ? err : "unusable CRS");
        free(err);
        return st;
    }
    for (size_t i = 0; !st && i < ds->ncommittees; i++) {
        pm_geom g;
        st = pm_geom_copy(&g, &ds->committees[i].geom);
        if (st) break;
        if (pm_proj_geom(p, &g) == PM_OK) area_km2[i] = pm_geom_area(&g) / 1e6;
        else area_km2[i] = NAN;
        pm_geom_fini(&g);
    }
    pm_proj_free(p);
    return st;
}

static pm_status alloc_tab(pm_indtab *t, const pm_dataset *ds)
{
    t->ncommittees = ds->ncommittees;
    t->nyears = ds->nyears;
    t->nind = S_COUNT + C_COUNT * ds->eval.ncols;
    t->years = calloc(ds->nyears + 1, sizeof *t->years);
    t->names = calloc(t->nind, sizeof *t->names);
    t->v = malloc((t->nyears * t->ncommittees * t->nind + 1) * sizeof *t->v);
    if (!t->years || !t->names || !t->v) return PM_ENOMEM;
    memcpy(t->years, ds->years, ds->nyears * sizeof *t->years);
    for (size_t i = 0; i < t->nyears * t->ncommittees * t->nind; i++) t->v[i] = NAN;
    for (size_t k = 0; k < S_COUNT; k++)
        if (!(t->names[k] = pm_strdup(static_names[k]))) return PM_ENOMEM;
    for (size_t c = 0; c < ds->eval.ncols; c++)
        for (size_t s = 0; s < C_COUNT; s++)
            if (!(t->names[S_COUNT + c * C_COUNT + s] =
                      pm_asprintf("%s%s", ds->eval.cols[c], col_suffix[s])))
                return PM_ENOMEM;
    return PM_OK;
}

static double *cell(pm_indtab *t, size_t y, size_t c, size_t k)
{
    return &t->v[(y * t->ncommittees + c) * t->nind + k];
}

/* Evaluation values, then changes and ranks against the previous year. */
static pm_status fill_eval(pm_indtab *t, const pm_dataset *ds)
{
    const pm_evaltable *e = &ds->eval;
    for (size_t r = 0; r < e->nrows; r++) {
        long y = pm_dataset_year_index(ds, e->year[r]);
        for (size_t k = 0; y >= 0 && k < e->ncols; k++)
            *cell(t, (size_t)y, e->committee[r], S_COUNT + k * C_COUNT + C_VALUE) = e->values[r * e->ncols + k];
    }
    size_t n = t->ncommittees;
    double *col = malloc((n + 1) * sizeof *col);
    int *rank = malloc((n + 1) * sizeof *rank);
    if (!col || !rank) { free(col); free(rank); return PM_ENOMEM; }
    for (size_t k = 0; k < e->ncols; k++) {
        size_t base = S_COUNT + k * C_COUNT;
        for (size_t y = 0; y < t->nyears; y++) {
            for (size_t c = 0; c < n; c++) col[c] = *cell(t, y, c, base + C_VALUE);
            pm_rank_desc(col, n, rank);
            for (size_t c = 0; c < n; c++) {
                *cell(t, y, c, base + C_RANK) = rank[c] ? rank[c] : NAN;
                if (y == 0) continue;
                *cell(t, y, c, base + C_CHANGE) = col[c] - *cell(t, y - 1, c, base + C_VALUE);
                *cell(t, y, c, base + C_RANK_CHANGE) = *cell(t, y - 1, c, base + C_RANK) - *cell(t, y, c, base + C_RANK);
            }
        }
    }
    free(col);
    free(rank);
    return PM_OK;
}

/* A yearly value of column name (the evaluation table, or the statistics joined to it)
 * where there is one, else fallback (the committees file's). */
static double yearly(pm_indtab *t, long col, size_t y, size_t c, double fallback)
{
    if (col < 0) return fallback;
    double v = *cell(t, y, c, S_COUNT + (size_t)col * C_COUNT + C_VALUE);
    return isfinite(v) ? v : fallback;
}

static void fill_static(pm_indtab *t, const pm_dataset *ds, const pm_analysis *a)
{
    long needs = pm_evaltable_col(&ds->eval, "needs");
    long popc = pm_evaltable_col(&ds->eval, "population"), hhc = pm_evaltable_col(&ds->eval, "households");
    for (size_t y = 0; y < t->nyears; y++)
        for (size_t c = 0; c < t->ncommittees; c++) {
            const pm_committee *cm = &ds->committees[c];
            double run = (double)a->n_running[c];
            double pop = yearly(t, popc, y, c, cm->population);
            *cell(t, y, c, S_POPULATION) = pop;
            *cell(t, y, c, S_HOUSEHOLDS) = yearly(t, hhc, y, c, cm->households);
            *cell(t, y, c, S_AREA) = a->area_km2[c];
            *cell(t, y, c, S_DENSITY) = a->area_km2[c] > 0 ? pop / a->area_km2[c] : NAN;
            *cell(t, y, c, S_PLATFORMS) = (double)a->n_platforms[c];
            *cell(t, y, c, S_PROJECTS) = (double)a->n_projects[c];
            *cell(t, y, c, S_RUNNING) = run;
            *cell(t, y, c, S_PER_1000) = pop > 0 ? run * 1000.0 / pop : NAN;
            double nd = needs >= 0 ? *cell(t, y, c, S_COUNT + (size_t)needs * C_COUNT) : NAN;
            *cell(t, y, c, S_PER_100_NEEDS) = nd > 0 ? run * 100.0 / nd : NAN;
        }
}

pm_status pm_analysis_run(const pm_dataset *ds, const pm_config *cfg, pm_diag *diag,
                          pm_analysis *a)
{
    const char *area_crs = cfg->print_crs;
    memset(a, 0, sizeof *a);
    size_t n = ds->ncommittees;
    a->platform_in = calloc(ds->nplatforms + 1, sizeof *a->platform_in);
    a->project_in = calloc(ds->nprojects + 1, sizeof *a->project_in);
    a->n_platforms = calloc(n + 1, sizeof *a->n_platforms);
    a->n_projects = calloc(n + 1, sizeof *a->n_projects);
    a->n_running = calloc(n + 1, sizeof *a->n_running);
    a->area_km2 = calloc(n + 1, sizeof *a->area_km2);
    pm_status st = PM_ENOMEM;
    if (!a->platform_in || !a->project_in || !a->n_platforms || !a->n_projects
        || !a->n_running || !a->area_km2)
        goto fail;
    join_sites(ds, ds->platforms, ds->nplatforms, a->platform_in, a->n_platforms, NULL,
               "platforms", &cfg->platforms, diag);
    join_sites(ds, ds->projects, ds->nprojects, a->project_in, a->n_projects, a->n_running,
               "projects", &cfg->projects, diag);
    if ((st = measure_areas(ds, area_crs, diag, a->area_km2)) != PM_OK) goto fail;
    if ((st = alloc_tab(&a->tab, ds)) != PM_OK) goto fail;
    if ((st = fill_eval(&a->tab, ds)) != PM_OK) goto fail;
    fill_static(&a->tab, ds, a);
    return PM_OK;
fail:
    pm_analysis_fini(a);
    return st;
}

void pm_analysis_fini(pm_analysis *a)
{
    if (!a) return;
    free(a->platform_in); free(a->project_in); free(a->n_platforms);
    free(a->n_projects); free(a->n_running); free(a->area_km2);
    for (size_t k = 0; a->tab.names && k < a->tab.nind; k++) free(a->tab.names[k]);
    free(a->tab.names); free(a->tab.years); free(a->tab.v);
    memset(a, 0, sizeof *a);
}

long pm_indtab_find(const pm_indtab *t, const char *name)
{
    for (size_t k = 0; k < t->nind; k++)
        if (strcmp(t->names[k], name) == 0) return (long)k;
    return -1;
}

long pm_indtab_year(const pm_indtab *t, int year)
{
    for (size_t y = 0; y < t->nyears; y++)
        if (t->years[y] == year) return (long)y;
    return -1;
}
