/* Indicator computation: joins, areas, per-year values, changes, ranks, rates. */
#include "analysis/indicators.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/gcj02.h"
#include "geo/proj.h"
#include "core/fileio.h"
#include "expr/expr.h"

/* The base fields, measured by partymap (then the evaluation columns follow). */
enum { B_POPULATION, B_HOUSEHOLDS, B_AREA, B_PLATFORMS, B_PROJECTS, B_RUNNING, B_COUNT };
static const char *const base_names[B_COUNT] = {
    "population", "households", "area_km2", "platforms", "projects", "projects_running"
};

/* The built-in derived indicators, defined in the language of expr/expr.h: per
 * evaluation column X the first four with X for %1$s, then the rates. */
static const char *const per_column[][2] = {
    { "%s_change", "%s - prev(%s)" },
    { "%s_rank", "rank(%s)" },
    { "%s_rank_change", "prev(%s_rank) - %s_rank" },
};
static const char *const rates[][2] = {
    { "density", "population / area_km2" },
    { "running_per_1000", "projects_running * 1000 / population" },
    { "running_per_100_needs", "projects_running * 100 / needs" }, /* where there are needs */
};

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

/* An evaluation column that is a base field or the source of one (population and
 * households: the yearly figures, see yearly()). */
static int is_base_name(const char *name)
{
    for (size_t k = 0; k < B_COUNT; k++)
        if (strcmp(base_names[k], name) == 0) return 1;
    return 0;
}

/* The evaluation column k's value of committee c in year index y, or NAN. */
static double eval_value(const pm_dataset *ds, const long *row_of, size_t y, size_t c, size_t k)
{
    long r = row_of[y * ds->ncommittees + c];
    return r < 0 ? NAN : ds->eval.values[(size_t)r * ds->eval.ncols + k];
}

/* The base table: the measured fields, then the evaluation columns (those not named
 * like a measured field), for every year and committee. */
static pm_status build_base(pm_analysis *a, const pm_dataset *ds)
{
    const pm_evaltable *e = &ds->eval;
    size_t nc = ds->ncommittees, ny = ds->nyears;
    a->base_names = calloc(B_COUNT + e->ncols + 1, sizeof *a->base_names);
    a->base_col = calloc(B_COUNT + e->ncols + 1, sizeof *a->base_col);
    long *row_of = malloc((ny * nc + 1) * sizeof *row_of);
    if (!a->base_names || !a->base_col || !row_of) { free(row_of); return PM_ENOMEM; }
    for (size_t k = 0; k < B_COUNT; k++) {
        if (!(a->base_names[k] = pm_strdup(base_names[k]))) { free(row_of); return PM_ENOMEM; }
        a->base_col[k] = -1;
    }
    a->nbase = B_COUNT;
    for (size_t k = 0; k < e->ncols; k++) {
        if (is_base_name(e->cols[k])) continue;
        if (!(a->base_names[a->nbase] = pm_strdup(e->cols[k]))) { free(row_of); return PM_ENOMEM; }
        a->base_col[a->nbase++] = (long)k;
    }
    for (size_t i = 0; i < ny * nc; i++) row_of[i] = -1;
    for (size_t r = 0; r < e->nrows; r++) {
        long y = pm_dataset_year_index(ds, e->year[r]);
        if (y >= 0) row_of[(size_t)y * nc + e->committee[r]] = (long)r;
    }
    a->base = malloc((ny * nc * a->nbase + 1) * sizeof *a->base);
    if (!a->base) { free(row_of); return PM_ENOMEM; }
    long popc = pm_evaltable_col(e, "population"), hhc = pm_evaltable_col(e, "households");
    for (size_t y = 0; y < ny; y++)
        for (size_t c = 0; c < nc; c++) {
            double *v = &a->base[(y * nc + c) * a->nbase];
            const pm_committee *cm = &ds->committees[c];
            /* population and households: the year's figure (the evaluation table or the
             * statistics joined to it) where there is one, else the committees file's */
            double pop = popc >= 0 ? eval_value(ds, row_of, y, c, (size_t)popc) : NAN;
            double hh = hhc >= 0 ? eval_value(ds, row_of, y, c, (size_t)hhc) : NAN;
            v[B_POPULATION] = isfinite(pop) ? pop : cm->population;
            v[B_HOUSEHOLDS] = isfinite(hh) ? hh : cm->households;
            v[B_AREA] = a->area_km2[c];
            v[B_PLATFORMS] = (double)a->n_platforms[c];
            v[B_PROJECTS] = (double)a->n_projects[c];
            v[B_RUNNING] = (double)a->n_running[c];
            for (size_t k = B_COUNT; k < a->nbase; k++)
                v[k] = eval_value(ds, row_of, y, c, (size_t)a->base_col[k]);
        }
    free(row_of);
    return PM_OK;
}

static pm_status add_def(pm_analysis *a, char *name, char *src, const char *file, const char *key)
{
    if (!name || !src) { free(name); free(src); return PM_ENOMEM; }
    size_t n = a->ndefs;
    char **nn = realloc(a->def_names, (n + 1) * sizeof *nn);
    if (nn) a->def_names = nn;
    char **ns = nn ? realloc(a->def_srcs, (n + 1) * sizeof *ns) : NULL;
    if (ns) a->def_srcs = ns;
    char **nf = ns ? realloc(a->def_files, (n + 1) * sizeof *nf) : NULL;
    if (nf) a->def_files = nf;
    char **nk = nf ? realloc(a->def_keys, (n + 1) * sizeof *nk) : NULL;
    if (nk) a->def_keys = nk;
    char *f = nk ? pm_strdup(file ? file : "") : NULL, *k = f ? pm_strdup(key ? key : "") : NULL;
    if (!k) { free(name); free(src); free(f); return PM_ENOMEM; }
    a->def_names[n] = name;
    a->def_srcs[n] = src;
    a->def_files[n] = f;
    a->def_keys[n] = k;
    a->ndefs++;
    return PM_OK;
}

/* name as the language writes it: bare when it is a plain ASCII name, else quoted. */
static char *name_ref(const char *name)
{
    static const char *const kw[] = { "and", "or", "not", "year", "true", "false", NULL };
    int plain = (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_';
    for (const char *p = name; plain && *p; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
    for (const char *const *k = kw; plain && *k; k++) plain = strcmp(name, *k) != 0;
    return plain ? pm_strdup(name) : pm_expr_quote(name);
}

/* The built-in definitions, then the config's indicators with an expression. */
static pm_status builtin_defs(pm_analysis *a, const pm_config *cfg)
{
    pm_status st = PM_OK;
    for (size_t k = B_COUNT; !st && k < a->nbase; k++) {
        char *q = name_ref(a->base_names[k]);
        if (!q) return PM_ENOMEM;
        for (size_t d = 0; !st && d < sizeof per_column / sizeof *per_column; d++) {
            char *name = pm_asprintf(per_column[d][0], a->base_names[k]);
            char *qr = d == 2 ? pm_asprintf("%s_rank", a->base_names[k]) : NULL;
            char *qq = qr ? name_ref(qr) : NULL;
            char *src = d == 0 ? pm_asprintf(per_column[d][1], q, q)
                      : d == 1 ? pm_asprintf(per_column[d][1], q)
                      : qq ? pm_asprintf("prev(%s) - %s", qq, qq) : NULL;
            st = add_def(a, name, src, "", "");
            free(qr);
            free(qq);
        }
        free(q);
    }
    int needs = 0;
    for (size_t k = B_COUNT; k < a->nbase; k++) needs |= strcmp(a->base_names[k], "needs") == 0;
    for (size_t d = 0; !st && d < sizeof rates / sizeof *rates; d++)
        if (d < 2 || needs) st = add_def(a, pm_strdup(rates[d][0]), pm_strdup(rates[d][1]), "", "");
    a->nbuiltin = a->ndefs;
    const char *file = cfg && cfg->path ? pm_path_basename(cfg->path) : "";
    for (size_t i = 0; !st && cfg && i < cfg->nindicators; i++) {
        const pm_indicator_def *d = &cfg->indicators[i];
        if (!d->expression) continue;
        char *key = pm_asprintf("indicators.%s", d->name);
        st = key ? add_def(a, pm_strdup(d->name), pm_strdup(d->expression), file, key) : PM_ENOMEM;
        free(key);
    }
    return st;
}

/* A name taken twice: an evaluation column named like a built-in indicator (service_rank,
 * density), or a config indicator named like a column or another indicator. */
static int clashes(const pm_analysis *a, const pm_dataset *ds, pm_diag *diag)
{
    int bad = 0;
    for (size_t i = 0; i < a->ndefs; i++) {
        const char *name = a->def_names[i];
        for (size_t k = B_COUNT; k < a->nbase; k++)
            if (strcmp(a->base_names[k], name) == 0) {
                pm_diag_add(diag, PM_SEV_ERROR, i < a->nbuiltin ? "" : a->def_files[i],
                            "", i < a->nbuiltin ? "sources.evaluations" : a->def_keys[i],
                            i < a->nbuiltin
                            ? "the evaluation column \"%s\" has the name of partymap's derived indicator "
                              "%s (computed from the column it names): rename the column "
                              "(sources.evaluations.columns) so that neither hides the other"
                            : "\"%s\" is already an evaluation column: name the indicator %s "
                              "differently", name, name);
                bad = 1;
            }
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->def_names[j], name) == 0 && i >= a->nbuiltin) {
                pm_diag_add(diag, PM_SEV_ERROR, a->def_files[i], "", a->def_keys[i],
                            "\"%s\" is %s: choose another name", name,
                            j < a->nbuiltin ? "one of partymap's derived indicators" : "defined twice");
                bad = 1;
            }
    }
    (void)ds;
    return bad;
}

/* Compiles the definitions (errors into diag with the definition's file and key) and
 * evaluates them into a->tab. */
static pm_status compute(pm_analysis *a, pm_diag *diag)
{
    pm_expr_schema base = { (const char *const *)a->base_names, a->nbase, a->parent != NULL };
    pm_exprset *set = NULL;
    size_t bad = 0;
    pm_expr_error err;
    pm_status st = pm_exprset_compile((const char *const *)a->def_names,
                                      (const char *const *)a->def_srcs, a->ndefs, &base, &set,
                                      &bad, &err);
    if (st == PM_EDATA) {
        char *txt = pm_expr_error_text(NULL, NULL, err.column ? a->def_srcs[bad] : NULL, &err);
        pm_diag_add(diag, PM_SEV_ERROR, a->def_files[bad], "", *a->def_keys[bad] ? a->def_keys[bad]
                    : a->def_names[bad], "%s", txt ? txt : err.message);
        free(txt);
    }
    if (st) return st;
    size_t nc = a->tab.ncommittees, ny = a->tab.nyears, nind = a->nbase + a->ndefs;
    double *v = malloc((ny * nc * nind + 1) * sizeof *v);
    char **names = calloc(nind + 1, sizeof *names);
    if (!v || !names) st = PM_ENOMEM;
    for (size_t k = 0; !st && k < nind; k++)
        if (!(names[k] = pm_strdup(k < a->nbase ? a->base_names[k] : a->def_names[k - a->nbase])))
            st = PM_ENOMEM;
    pm_expr_data d = { nc, ny, a->nbase, a->tab.years, a->base, a->parent, a->nparents };
    if (!st) st = pm_exprset_eval(set, &d, v);
    if (st) {
        for (size_t k = 0; names && k < nind; k++) free(names[k]);
        free(names);
        free(v);
        pm_exprset_free(set);
        return st;
    }
    for (size_t k = 0; a->tab.names && k < a->tab.nind; k++) free(a->tab.names[k]);
    free(a->tab.names);
    free(a->tab.v);
    pm_exprset_free(a->defs);
    a->tab.names = names;
    a->tab.v = v;
    a->tab.nind = nind;
    a->defs = set;
    return PM_OK;
}

const pm_expr_schema *pm_analysis_schema(const pm_analysis *a)
{
    return a->defs ? pm_exprset_schema(a->defs) : NULL;
}

const char *pm_analysis_source(const pm_analysis *a, const char *name)
{
    for (size_t i = 0; i < a->ndefs; i++)
        if (strcmp(a->def_names[i], name) == 0) return a->def_srcs[i];
    return NULL;
}

/* Marks in seen[] column k and, through the definitions, every column it uses. */
static void mark_inputs(const pm_analysis *a, size_t k, unsigned char *seen)
{
    if (seen[k]) return;
    seen[k] = 1;
    if (k < a->nbase) return;
    const pm_expr *e = pm_exprset_expr(a->defs, k - a->nbase);
    size_t refs[64], n = pm_expr_field_refs(e, refs, 64);
    for (size_t i = 0; i < n && i < 64; i++) mark_inputs(a, refs[i], seen); /* acyclic */
}

size_t pm_analysis_missing_inputs(const pm_analysis *a, size_t k, size_t *out, size_t cap)
{
    size_t nind = a->tab.nind, m = 0;
    unsigned char *seen = calloc(nind + 1, 1);
    if (!seen || k >= nind || !a->defs) { free(seen); return 0; }
    mark_inputs(a, k, seen);
    for (size_t f = 0; f < a->nbase; f++) {
        if (!seen[f]) continue;
        int any = 0;
        for (size_t i = 0; !any && i < a->tab.nyears * a->tab.ncommittees; i++)
            any = !isnan(a->base[i * a->nbase + f]);
        if (!any && m < cap) out[m++] = f;
    }
    free(seen);
    return m;
}

pm_status pm_analysis_define(pm_analysis *a, const char *const *names, const char *const *srcs,
                             const char *const *files, size_t n, pm_diag *diag)
{
    if (n == 0) return PM_OK;
    size_t keep = a->ndefs;
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < n; i++)
        st = add_def(a, pm_strdup(names[i]), pm_strdup(srcs[i]), files ? files[i] : "", "indicator");
    if (!st) st = compute(a, diag);
    if (st) { /* back to the definitions before the call */
        for (size_t i = keep; i < a->ndefs; i++) {
            free(a->def_names[i]); free(a->def_srcs[i]); free(a->def_files[i]); free(a->def_keys[i]);
        }
        a->ndefs = keep;
    }
    return st;
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
    a->tab.ncommittees = n;
    a->tab.nyears = ds->nyears;
    a->parent = ds->nparents ? ds->parent_of : NULL;
    a->nparents = ds->nparents;
    st = PM_ENOMEM;
    if (!(a->tab.years = calloc(ds->nyears + 1, sizeof *a->tab.years))) goto fail;
    memcpy(a->tab.years, ds->years, ds->nyears * sizeof *a->tab.years);
    if ((st = build_base(a, ds)) != PM_OK) goto fail;
    if ((st = builtin_defs(a, cfg)) != PM_OK) goto fail;
    if (clashes(a, ds, diag)) { st = PM_EDATA; goto fail; }
    if ((st = compute(a, diag)) != PM_OK) goto fail;
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
    for (size_t k = 0; a->base_names && k < a->nbase; k++) free(a->base_names[k]);
    free(a->base_names); free(a->base_col); free(a->base);
    for (size_t i = 0; i < a->ndefs; i++) {
        free(a->def_names[i]); free(a->def_srcs[i]); free(a->def_files[i]); free(a->def_keys[i]);
    }
    free(a->def_names); free(a->def_srcs); free(a->def_files); free(a->def_keys);
    pm_exprset_free(a->defs);
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
