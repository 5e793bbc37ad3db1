/* GeoPackage export: the evaluation database for QGIS (committees per year, points, outline, breaks, styles). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/vwriter.h"
#include "export/export.h"
#include "export/qml.h"

typedef enum { F_CODE, F_NAME, F_PARENT, F_YEAR, F_IND, F_VALUE, F_CLASS, F_LABEL, F_RANK,
               F_RANK_IN_PARENT } field_kind;

typedef struct {
    char *name;       /* owned */
    pm_coltype type;
    field_kind kind;
    size_t idx;       /* F_IND: indicator index; F_VALUE..F_RANK: map index */
} db_field;

/* The run's results and the fields of the committees layer. */
typedef struct {
    const pm_export_src *p;
    size_t ny, nm, nc;
    db_field *fields;
    size_t nfields;
} db;

static const pm_thematic *th_at(const db *d, size_t y, size_t m)
{
    return &pm_results_at(d->p->res, m, y)->th;
}

static const char *const status_names[] = { "running", "planned", "finished", "other" };

/* 1 if name is taken by an earlier field or by a map's fields (which win). */
static int field_taken(const db *d, const char *name)
{
    static const char *const suffix[] = { "_value", "_class", "_label", "_rank", "_rank_in_parent" };
    for (size_t i = 0; i < d->nfields; i++)
        if (strcasecmp(d->fields[i].name, name) == 0) return 1;
    for (size_t m = 0; m < d->nm; m++) {
        const char *id = d->p->res->styles[m]->id;
        size_t n = strlen(id);
        for (int k = 0; k < 5; k++)
            if (strncasecmp(name, id, n) == 0 && strcasecmp(name + n, suffix[k]) == 0) return 1;
    }
    return 0;
}

static pm_status add_field(db *d, char *name, pm_coltype type, field_kind kind, size_t idx)
{
    if (!name) return PM_ENOMEM;
    if (kind == F_IND && field_taken(d, name)) { free(name); return PM_OK; }
    d->fields[d->nfields++] = (db_field){ name, type, kind, idx };
    return PM_OK;
}

/* X_change, X_rank and X_rank_change of an evaluation column X: the maps' own
 * values and ranks say it for the maps, the spreadsheets for the rest. */
static int derived(const pm_evaltable *ev, const char *name)
{
    static const char *const suffix[] = { "_change", "_rank", "_rank_change" };
    for (size_t i = 0; i < ev->ncols; i++) {
        size_t n = strlen(ev->cols[i]);
        if (strncmp(name, ev->cols[i], n) != 0) continue;
        for (int s = 0; s < 3; s++)
            if (strcmp(name + n, suffix[s]) == 0) return 1;
    }
    return 0;
}

/* Integer when every value of the indicator is (needs, counts), else real. */
static pm_coltype ind_type(const pm_indtab *t, size_t k)
{
    for (size_t y = 0; y < t->nyears; y++)
        for (size_t c = 0; c < t->ncommittees; c++) {
            double v = pm_indtab_get(t, y, c, k);
            if (isfinite(v) && (v != floor(v) || fabs(v) > 2e9)) return PM_COL_REAL;
        }
    return PM_COL_INT;
}

static pm_status build_fields(db *d)
{
    const pm_indtab *t = &d->p->an->tab;
    /* the measured ones first, in the order they have always had */
    static const char *const lead[] = { "population", "households", "area_km2", "density",
                                        "platforms", "projects", "projects_running",
                                        "running_per_1000", "running_per_100_needs" };
    d->fields = calloc(t->nind + 5 * d->nm + 9, sizeof *d->fields);
    if (!d->fields) return PM_ENOMEM;
    pm_status st = add_field(d, pm_strdup("code"), PM_COL_TEXT, F_CODE, 0);
    if (!st) st = add_field(d, pm_strdup("name"), PM_COL_TEXT, F_NAME, 0);
    if (!st && d->p->ds->nparents) st = add_field(d, pm_strdup("parent"), PM_COL_TEXT, F_PARENT, 0);
    if (!st) st = add_field(d, pm_strdup("year"), PM_COL_INT, F_YEAR, 0);
    for (size_t i = 0; !st && i < sizeof lead / sizeof *lead; i++) {
        long k = pm_indtab_find(t, lead[i]);
        if (k >= 0) st = add_field(d, pm_strdup(lead[i]), ind_type(t, (size_t)k), F_IND, (size_t)k);
    }
    for (size_t k = 0; !st && k < t->nind; k++)
        if (!derived(&d->p->ds->eval, t->names[k]))
            st = add_field(d, pm_strdup(t->names[k]), ind_type(t, k), F_IND, k);
    for (size_t m = 0; !st && m < d->nm; m++) {
        const char *id = d->p->res->styles[m]->id;
        st = add_field(d, pm_asprintf("%s_value", id), PM_COL_REAL, F_VALUE, m);
        if (!st) st = add_field(d, pm_asprintf("%s_class", id), PM_COL_INT, F_CLASS, m);
        if (!st) st = add_field(d, pm_asprintf("%s_label", id), PM_COL_TEXT, F_LABEL, m);
        if (!st) st = add_field(d, pm_asprintf("%s_rank", id), PM_COL_INT, F_RANK, m);
        if (!st && d->p->ds->nparents)
            st = add_field(d, pm_asprintf("%s_rank_in_parent", id), PM_COL_INT, F_RANK_IN_PARENT, m);
    }
    return st;
}

static pm_cell field_cell(const db *d, const db_field *f, size_t y, size_t c)
{
    pm_cell v = { NULL, NAN };
    const pm_thematic *th = th_at(d, y, f->idx);
    switch (f->kind) {
    case F_CODE: v.text = d->p->ds->committees[c].code; break;
    case F_NAME: v.text = d->p->ds->committees[c].name; break;
    case F_PARENT: {
        long p = d->p->ds->committees[c].parent;
        v.text = p >= 0 ? d->p->ds->parents[p].name : NULL;
        break;
    }
    case F_RANK_IN_PARENT: {
        int r = pm_results_at(d->p->res, f->idx, y)->rank_in_parent[c];
        if (r) v.num = r;
        break;
    }
    case F_YEAR: v.num = d->p->an->tab.years[y]; break;
    case F_IND: v.num = pm_indtab_get(&d->p->an->tab, y, c, f->idx); break;
    case F_VALUE: v.num = th->value[c]; break;
    case F_CLASS: if (th->cls[c] >= 0) v.num = th->cls[c] + 1; break;
    case F_LABEL: v.text = th->cls[c] >= 0 ? th->labels[th->cls[c]] : NULL; break;
    case F_RANK: {
        int r = pm_results_at(d->p->res, f->idx, y)->rank[c];
        if (r) v.num = r;
        break;
    }
    }
    return v;
}

static pm_status write_committees(const db *d, pm_vwriter *w, char **err)
{
    pm_column *cols = calloc(d->nfields, sizeof *cols);
    pm_cell *cells = calloc(d->nfields, sizeof *cells);
    pm_status st = cols && cells ? PM_OK : PM_ENOMEM;
    for (size_t i = 0; !st && i < d->nfields; i++) cols[i] = (pm_column){ d->fields[i].name, d->fields[i].type };
    if (!st) st = pm_vwriter_layer(w, "committees", PM_GEOM_POLYGON, cols, d->nfields, err);
    /* years ascending: QGIS draws later rows on top, so the latest year shows unfiltered */
    for (size_t y = 0; !st && y < d->ny; y++)
        for (size_t c = 0; !st && c < d->nc; c++) {
            for (size_t i = 0; i < d->nfields; i++) cells[i] = field_cell(d, &d->fields[i], y, c);
            st = pm_vwriter_row(w, cells, &d->p->ds->committees[c].geom, err);
        }
    free(cols);
    free(cells);
    return st;
}

static pm_status write_sites(const db *d, pm_vwriter *w, const char *layer, const pm_site *s,
                             size_t n, const long *in, char **err)
{
    static const pm_column cols[] = {
        { "name", PM_COL_TEXT }, { "category", PM_COL_TEXT }, { "partner", PM_COL_TEXT },
        { "status", PM_COL_TEXT }, { "committee_code", PM_COL_TEXT }, { "committee_name", PM_COL_TEXT },
    };
    pm_status st = pm_vwriter_layer(w, layer, PM_GEOM_POINT, cols, 6, err);
    for (size_t i = 0; !st && i < n; i++) {
        const pm_committee *c = in[i] >= 0 ? &d->p->ds->committees[in[i]] : NULL;
        pm_pt pt = s[i].lonlat;
        uint32_t off[2] = { 0, 1 };
        pm_geom g = { .kind = PM_GEOM_POINT, .npts = 1, .nrings = 1, .pts = &pt, .ring_off = off };
        pm_cell cells[6] = {
            { s[i].name, NAN }, { s[i].category, NAN }, { s[i].partner, NAN },
            { status_names[s[i].status], NAN }, { c ? c->code : NULL, NAN }, { c ? c->name : NULL, NAN },
        };
        st = pm_vwriter_row(w, cells, &g, err);
    }
    return st;
}

static pm_status write_outline(const db *d, pm_vwriter *w, char **err)
{
    static const pm_column cols[] = { { "name", PM_COL_TEXT }, { "committees", PM_COL_INT } };
    const pm_geom **polys = calloc(d->nc + 1, sizeof *polys);
    if (!polys) return PM_ENOMEM;
    for (size_t c = 0; c < d->nc; c++) polys[c] = &d->p->ds->committees[c].geom;
    pm_cell cells[2] = { { d->p->cfg->name, NAN }, { NULL, (double)d->nc } };
    pm_status st = pm_vwriter_layer(w, "outline", PM_GEOM_POLYGON, cols, 2, err);
    if (!st) st = pm_vwriter_row_union(w, cells, polys, d->nc, err);
    free(polys);
    return st;
}

static pm_status write_breaks(const db *d, pm_vwriter *w, char **err)
{
    static const pm_column cols[] = {
        { "map", PM_COL_TEXT }, { "year", PM_COL_INT }, { "class", PM_COL_INT },
        { "lower", PM_COL_REAL }, { "upper", PM_COL_REAL }, { "label", PM_COL_TEXT },
        { "color", PM_COL_TEXT }, { "count", PM_COL_INT },
    };
    pm_status st = pm_vwriter_layer(w, "class_breaks", 0, cols, 8, err);
    for (size_t m = 0; !st && m < d->nm; m++)
        for (size_t y = 0; !st && y < d->ny; y++) {
            const pm_thematic *th = th_at(d, y, m);
            for (size_t k = 0; !st && k < th->classes.n; k++) {
                char hex[8];
                pm_rgba c = th->colors[k];
                snprintf(hex, sizeof hex, "#%02x%02x%02x", (int)lround(c.r * 255),
                         (int)lround(c.g * 255), (int)lround(c.b * 255));
                pm_cell cells[8] = {   /* open ends (±INF) are written as null */
                    { th->style->id, NAN }, { NULL, th->year }, { NULL, (double)k + 1 },
                    { NULL, th->classes.bounds[k] }, { NULL, th->classes.bounds[k + 1] },
                    { th->labels[k], NAN }, { hex, NAN }, { NULL, (double)th->classes.counts[k] },
                };
                st = pm_vwriter_row(w, cells, NULL, err);
            }
        }
    return st;
}

/* One style per map: the latest year's classes, widened to every year's values. */
static pm_status write_styles(const db *d, pm_vwriter *w, char **err)
{
    pm_qgis_style *styles = calloc(d->nm, sizeof *styles);
    char **bufs = calloc(3 * d->nm + 1, sizeof *bufs);
    pm_status st = styles && bufs ? PM_OK : PM_ENOMEM;
    for (size_t m = 0; !st && m < d->nm; m++) {
        const pm_thematic *th = th_at(d, d->ny - 1, m);
        pm_qml_spec q = { th, NULL, "name", d->p->cfg->font, "year", NAN, NAN };
        for (size_t y = 0; y < d->ny; y++)
            for (size_t c = 0; c < d->nc; c++) {
                double v = th_at(d, y, m)->value[c];
                if (isfinite(v)) { q.vmin = fmin(isnan(q.vmin) ? v : q.vmin, v); q.vmax = fmax(isnan(q.vmax) ? v : q.vmax, v); }
            }
        char **b = &bufs[3 * m];
        b[0] = pm_asprintf("%s_value", th->style->id);
        q.attr = b[0];
        b[1] = b[0] ? pm_qml_graduated(&q) : NULL;
        b[2] = pm_asprintf("%s（%d年分级）：%s", th->style->title, th->year, th->style->description);
        styles[m] = (pm_qgis_style){ "committees", "geom", th->style->id, b[2], b[1], m == 0 };
        if (!b[0] || !b[1] || !b[2]) st = PM_ENOMEM;
    }
    if (!st) st = pm_vwriter_qgis_styles(w, styles, d->nm, err);
    for (size_t i = 0; bufs && i < 3 * d->nm; i++) free(bufs[i]);
    free(bufs);
    free(styles);
    return st;
}

static void db_fini(db *d)
{
    for (size_t i = 0; i < d->nfields; i++) free(d->fields[i].name);
    free(d->fields);
}

pm_status pm_export_gpkg(const pm_export_src *p, const char *path, char **err)
{
    db d = { .p = p, .ny = p->res->nyears, .nm = p->res->nmaps, .nc = p->ds->ncommittees };
    pm_vwriter *w = NULL;
    if (d.ny == 0 || d.nm == 0) return PM_EINTERNAL;
    pm_status st = build_fields(&d);
    if (!st) st = pm_vwriter_open(path, PM_VW_GPKG, &w, err);
    if (!st) pm_vwriter_set_time(w, p->source_time);
    if (!st) st = write_committees(&d, w, err);
    if (!st) st = write_sites(&d, w, "platforms", p->ds->platforms, p->ds->nplatforms, p->an->platform_in, err);
    if (!st) st = write_sites(&d, w, "projects", p->ds->projects, p->ds->nprojects, p->an->project_in, err);
    if (!st) st = write_outline(&d, w, err);
    if (!st) st = write_breaks(&d, w, err);
    if (!st) st = write_styles(&d, w, err);
    if (!st) st = pm_vwriter_commit(w, err); /* frees w either way */
    else pm_vwriter_abort(w);
    db_fini(&d);
    return st;
}
