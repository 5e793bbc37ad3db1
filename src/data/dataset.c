/* Dataset loading: interpret the OGR layers as committees, sites, evaluations, context. */
#include "data/dataset.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"
#include "data/load.h"
#include "data/ogrgeom.h"
#include "data/vector.h"

/* A committee has at most this many households or residents (a city has 25 million). */
#define COUNT_LIMIT 1e7

/* A name that cannot be printed as it is: control characters (ESC sequences, tabs,
 * line breaks) would garble posters and spreadsheets and can drive terminals. */
static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 1;
    return 0;
}

/* Replaces each control character of s by a space, in place; 1 if there was one. */
static int blank_controls(char *s)
{
    int n = 0;
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) { *p = ' '; n = 1; }
    return n;
}

static size_t code_hash(const char *code)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) h = (h ^ *p) * 0x100000001b3u;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of code in ds's table: the committee holding it, or the free slot where
 * it would go.  A city has thousands of committees and an evaluation row or a
 * duplicate check per committee and year: a scan each was quadratic. */
static size_t *code_slot(const pm_dataset *ds, const char *code)
{
    size_t mask = ds->ncode_slots - 1, i = code_hash(code) & mask;
    while (ds->code_slot[i] && strcmp(ds->committees[ds->code_slot[i] - 1].code, code) != 0)
        i = (i + 1) & mask;
    return &ds->code_slot[i];
}

/* The parent of each committee (a name), the parents in the order of their first
 * committee by code, and each parent's polygon dissolved from its committees. */
static pm_status build_parents(pm_diag *d, pm_dataset *ds, char **parent_of, const char *file)
{
    size_t n = ds->ncommittees;
    size_t *order = malloc((n + 1) * sizeof *order);
    ds->parents = calloc(n + 1, sizeof *ds->parents);
    if (!order || !ds->parents) { free(order); return PM_ENOMEM; }
    for (size_t c = 0; c < n; c++) order[c] = c;
    for (size_t i = 1; i < n; i++) { /* by code: committees files come in any order */
        size_t v = order[i], j = i;
        while (j > 0 && strcmp(ds->committees[order[j - 1]].code, ds->committees[v].code) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = order[i];
        if (!parent_of[c]) continue;
        long k = -1;
        for (size_t p = 0; p < ds->nparents && k < 0; p++) if (strcmp(ds->parents[p].name, parent_of[c]) == 0) k = (long)p;
        if (k < 0) {
            k = (long)ds->nparents++;
            ds->parents[k].name = parent_of[c];
            parent_of[c] = NULL;
        }
        ds->committees[c].parent = k;
        ds->parents[k].ncommittees++;
    }
    free(order);
    if (!(ds->parent_of = calloc(n + 1, sizeof *ds->parent_of))) return PM_ENOMEM;
    for (size_t c = 0; c < n; c++) ds->parent_of[c] = ds->committees[c].parent;
    const pm_geom **polys = calloc(n + 1, sizeof *polys);
    if (!polys) return PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t p = 0; !st && p < ds->nparents; p++) {
        size_t m = 0;
        for (size_t c = 0; c < n; c++) if (ds->committees[c].parent == (long)p) polys[m++] = &ds->committees[c].geom;
        char *err = NULL;
        st = pm_geom_union(polys, m, &ds->parents[p].geom, &err);
        if (st == PM_EDATA) {
            pm_diag_add(d, PM_SEV_ERROR, file, "", "parent", "%s: the committees cannot be dissolved "
                        "into one outline: %s", ds->parents[p].name, err ? err : "GEOS failed");
            st = PM_OK;
        }
        free(err);
    }
    free(polys);
    return st;
}

/* One committee from feature f: code, name and numbers checked; problems name both
 * features of a duplicate code. */
static pm_status committee_of(pm_diag *d, const pm_source *s, pm_vlayer *l, pm_vfeature *f,
                              const int fld[5], pm_dataset *ds, const size_t *first_feat)
{
    char *code = pm_load_code(f->attrs[fld[0]]);
    const char *id = code ? code : f->attrs[fld[0]], *name = f->attrs[fld[1]];
    if (!code) pm_load_err(d, l, f, NULL, name, pm_load_fname(s, PM_F_CODE), pm_load_code_problem(f->attrs[fld[0]]));
    size_t *slot = code ? code_slot(ds, code) : NULL;
    if (slot && *slot) {
        const pm_committee *o = &ds->committees[*slot - 1];
        const pm_vfeature *of = &l->feats[first_feat[*slot - 1]];
        char *where = pm_vfeature_where(l, of, NULL);
        char *m = pm_asprintf("duplicate committee code: also %s (%s %s) in %s", where ? where : "another feature",
                              o->code, o->name, pm_vfeature_file(l, of));
        pm_load_err(d, l, f, id, name, pm_load_fname(s, PM_F_CODE), m ? m : "duplicate committee code");
        free(m);
        free(where);
    }
    if (!name) pm_load_err(d, l, f, id, NULL, pm_load_fname(s, PM_F_NAME), "missing name");
    else if (has_control(name))
        pm_load_err(d, l, f, id, NULL, pm_load_fname(s, PM_F_NAME), "the name holds control characters "
                    "(line breaks, tabs or escape codes): correct it in the file");
    double hh = NAN, pop = NAN;
    if (fld[2] >= 0 && f->attrs[fld[2]] && (!pm_load_num(f->attrs[fld[2]], &hh) || hh < 0 || hh > COUNT_LIMIT))
        pm_load_err(d, l, f, id, name, pm_load_fname(s, PM_F_HOUSEHOLDS), "not a number of households");
    if (fld[3] >= 0 && f->attrs[fld[3]] && (!pm_load_num(f->attrs[fld[3]], &pop) || pop < 0 || pop > COUNT_LIMIT))
        pm_load_err(d, l, f, id, name, pm_load_fname(s, PM_F_POPULATION), "not a number of residents");
    if (f->geom.kind != PM_GEOM_POLYGON || f->geom.nrings == 0) {
        char *m = f->geom.kind ? pm_strdup("not a polygon")
                : pm_asprintf("empty or missing geometry%s%s", l->lost_cause ? ": " : "",
                              l->lost_cause ? l->lost_cause : "");
        pm_load_err(d, l, f, id, name, "geometry", m ? m : "no geometry");
        free(m);
    }
    pm_committee *c = &ds->committees[ds->ncommittees++];
    c->code = code;
    c->parent = -1;
    if (slot && !*slot) *slot = ds->ncommittees; /* the first with this code */
    c->name = pm_strdup(name ? name : "");
    c->households = isnan(hh) ? NAN : hh;
    c->population = isnan(pop) ? NAN : pop;
    c->geom = f->geom; /* take ownership */
    c->file = f->file;
    c->fid = f->fid;
    memset(&f->geom, 0, sizeof f->geom);
    return c->name ? PM_OK : PM_ENOMEM;
}

static pm_status load_committees(const pm_config *cfg, pm_diag *d, pm_dataset *ds)
{
    const pm_source *s = &cfg->committees;
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    int fld[5] = { -1, -1, -1, -1, -1 };
    size_t *first_feat = NULL;
    char **parent_of = NULL;
    if (st == PM_OK || (st == PM_EDATA && l.n > 0)) {
        fld[0] = pm_load_field(d, &l, s, PM_F_CODE, 1);
        fld[1] = pm_load_field(d, &l, s, PM_F_NAME, 1);
        fld[2] = pm_load_field(d, &l, s, PM_F_HOUSEHOLDS, 0); /* optional: statistics may give them */
        fld[3] = pm_load_field(d, &l, s, PM_F_POPULATION, 0);
        fld[4] = pm_load_field(d, &l, s, PM_F_PARENT, 0);
    }
    if (st != PM_ENOMEM && pm_load_note_source(ds, "committees", s, &l) != PM_OK) st = PM_ENOMEM;
    if (st == PM_ENOMEM || fld[0] < 0 || fld[1] < 0 || (s->field[PM_F_HOUSEHOLDS] && fld[2] < 0)
        || (s->field[PM_F_POPULATION] && fld[3] < 0) || (s->field[PM_F_PARENT] && fld[4] < 0))
        goto done;
    if (l.n == 0) { pm_diag_add(d, PM_SEV_ERROR, l.file, "", "", "no committees in the file"); goto done; }
    ds->committees = calloc(l.n, sizeof *ds->committees);
    first_feat = calloc(l.n, sizeof *first_feat);
    parent_of = calloc(l.n, sizeof *parent_of);
    ds->committee_files = calloc(l.nfiles + 1, sizeof *ds->committee_files);
    if (!ds->committees || !first_feat || !parent_of || !ds->committee_files) { st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.nfiles; i++)
        if (!(ds->committee_files[ds->ncommittee_files++] = pm_strdup(l.files[i]))) { st = PM_ENOMEM; goto done; }
    ds->ncode_slots = 16; /* at most half full */
    while (ds->ncode_slots < 2 * l.n) ds->ncode_slots *= 2;
    ds->code_slot = calloc(ds->ncode_slots, sizeof *ds->code_slot);
    if (!ds->code_slot) { ds->ncode_slots = 0; st = PM_ENOMEM; goto done; }
    for (size_t i = 0; !st && i < l.n; i++) {
        first_feat[ds->ncommittees] = i;
        if (fld[4] >= 0 && l.feats[i].attrs[fld[4]] && has_control(l.feats[i].attrs[fld[4]]))
            pm_load_err(d, &l, &l.feats[i], l.feats[i].attrs[fld[0]], l.feats[i].attrs[fld[1]],
                        pm_load_fname(s, PM_F_PARENT), "the parent's name holds control characters (line "
                        "breaks, tabs or escape codes): correct it in the file");
        if (fld[4] >= 0 && l.feats[i].attrs[fld[4]]) parent_of[ds->ncommittees] = pm_strdup(l.feats[i].attrs[fld[4]]);
        else if (fld[4] >= 0)
            pm_load_err(d, &l, &l.feats[i], l.feats[i].attrs[fld[0]], l.feats[i].attrs[fld[1]],
                        pm_load_fname(s, PM_F_PARENT), "missing parent (every committee needs one once the "
                        "config names a parent field)");
        st = committee_of(d, s, &l, &l.feats[i], fld, ds, first_feat);
    }
    if (!st && fld[4] >= 0) st = build_parents(d, ds, parent_of, l.file);
done:
    for (size_t i = 0; parent_of && i < l.n; i++) free(parent_of[i]);
    free(parent_of);
    free(first_feat);
    pm_vlayer_fini(&l);
    return st == PM_ENOMEM ? st : PM_OK;
}

static pm_site_status parse_status(const char *t, int *known)
{
    static const struct { const char *word; pm_site_status st; } words[] = {
        { "running", PM_SITE_RUNNING }, { "active", PM_SITE_RUNNING }, { "运行中", PM_SITE_RUNNING },
        { "进行中", PM_SITE_RUNNING }, { "实施中", PM_SITE_RUNNING }, { "开放", PM_SITE_RUNNING },
        { "planned", PM_SITE_PLANNED }, { "计划", PM_SITE_PLANNED }, { "筹备中", PM_SITE_PLANNED },
        { "finished", PM_SITE_FINISHED }, { "completed", PM_SITE_FINISHED },
        { "已完成", PM_SITE_FINISHED }, { "已结束", PM_SITE_FINISHED },
    };
    *known = 1;
    for (size_t i = 0; t && i < sizeof words / sizeof *words; i++)
        if (strcasecmp(t, words[i].word) == 0) return words[i].st;
    *known = 0;
    return PM_SITE_OTHER;
}

static pm_status load_sites(const char *role, const pm_source *s, pm_diag *d, pm_dataset *ds,
                            pm_site **out, size_t *nout)
{
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    int fn = st == PM_ENOMEM ? -1 : pm_load_field(d, &l, s, PM_F_NAME, 1);
    int fcat = pm_vlayer_field(&l, pm_load_fname(s, PM_F_CATEGORY));
    if (fcat < 0) fcat = pm_vlayer_field(&l, "type");
    int fpart = pm_vlayer_field(&l, pm_load_fname(s, PM_F_PARTNER));
    int fstat = pm_vlayer_field(&l, pm_load_fname(s, PM_F_STATUS));
    if (st != PM_ENOMEM && pm_load_note_source(ds, role, s, &l) != PM_OK) st = PM_ENOMEM;
    if (fn < 0 || st == PM_ENOMEM) goto done;
    *out = calloc(l.n + 1, sizeof **out);
    if (!*out) { st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.n; i++) {
        pm_vfeature *f = &l.feats[i];
        if (f->geom.kind != PM_GEOM_POINT || f->geom.npts == 0) {
            char *m = f->geom.kind ? pm_strdup("not a point")
                    : pm_asprintf("empty or missing geometry%s%s", l.lost_cause ? ": " : "", l.lost_cause ? l.lost_cause : "");
            pm_load_err(d, &l, f, NULL, f->attrs[fn], "geometry", m ? m : "no geometry");
            free(m);
            continue;
        }
        pm_site *p = &(*out)[(*nout)++];
        int known = 1;
        p->status = fstat >= 0 ? parse_status(f->attrs[fstat], &known) : PM_SITE_RUNNING;
        if (!known) {
            char *where = pm_vfeature_where(&l, f, NULL);
            pm_at at = { pm_vfeature_file(&l, f), where, NULL, f->attrs[fn] };
            pm_diag_at(d, PM_SEV_WARNING, &at, pm_load_fname(s, PM_F_STATUS), "unknown status "
                       "\"%s\" (expected running, planned or finished): counted as not running",
                       f->attrs[fstat] ? f->attrs[fstat] : "");
            free(where);
        }
        p->name = pm_strdup(f->attrs[fn] ? f->attrs[fn] : "");
        p->category = pm_strdup(fcat >= 0 && f->attrs[fcat] ? f->attrs[fcat] : "");
        p->partner = pm_strdup(fpart >= 0 && f->attrs[fpart] ? f->attrs[fpart] : "");
        p->lonlat = f->geom.pts[0];
        if (!p->name || !p->category || !p->partner) { st = PM_ENOMEM; break; }
        /* a line break typed into a spreadsheet cell is common in these lists: each
         * control character becomes a space, with a warning naming the feature */
        int fixed = blank_controls(p->name) | blank_controls(p->category) | blank_controls(p->partner);
        if (fixed) {
            char *where = pm_vfeature_where(&l, f, NULL);
            pm_at at = { pm_vfeature_file(&l, f), where, NULL, p->name };
            pm_diag_at(d, PM_SEV_WARNING, &at, pm_load_fname(s, PM_F_NAME), "control characters (line "
                       "breaks, tabs or escape codes) in the name, category or partner: each drawn and "
                       "written as a space");
            free(where);
        }
    }
done:
    pm_vlayer_fini(&l);
    return st == PM_ENOMEM ? st : PM_OK;
}

static pm_status load_context(const pm_source *s, size_t idx, pm_diag *d, pm_dataset *ds,
                              pm_ctxlayer *cl)
{
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    cl->role = !strcmp(s->role, "river") ? PM_CTX_RIVER : !strcmp(s->role, "road") ? PM_CTX_ROAD : PM_CTX_AREA;
    int fn = pm_vlayer_field(&l, pm_load_fname(s, PM_F_NAME));
    int fcl = pm_vlayer_field(&l, "class");
    char role[32];
    snprintf(role, sizeof role, "context[%zu]", idx);
    if (st != PM_ENOMEM && pm_load_note_source(ds, role, s, &l) != PM_OK) st = PM_ENOMEM;
    cl->geoms = calloc(l.n + 1, sizeof *cl->geoms);
    cl->names = calloc(l.n + 1, sizeof *cl->names);
    cl->major = calloc(l.n + 1, sizeof *cl->major);
    if (st == PM_ENOMEM || !cl->geoms || !cl->names || !cl->major) { st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.n; i++) {
        pm_vfeature *f = &l.feats[i];
        if (!f->geom.kind) continue;
        size_t k = cl->n++;
        cl->geoms[k] = f->geom;
        memset(&f->geom, 0, sizeof f->geom);
        cl->names[k] = fn >= 0 && f->attrs[fn] ? pm_strdup(f->attrs[fn]) : NULL;
        cl->major[k] = fcl >= 0 && f->attrs[fcl] && !strcmp(f->attrs[fcl], "primary");
    }
done:
    pm_vlayer_fini(&l);
    return st == PM_ENOMEM ? st : PM_OK;
}

pm_status pm_dataset_load(const pm_config *cfg, pm_diag *d, pm_dataset **out)
{
    return pm_dataset_load_ex(cfg, d, out, NULL, NULL);
}

void pm_sourceinfo_free(pm_sourceinfo *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) { free(s[i].role); free(s[i].files); free(s[i].crs); }
    free(s);
}

pm_status pm_dataset_load_ex(const pm_config *cfg, pm_diag *d, pm_dataset **out,
                             pm_sourceinfo **sources, size_t *nsources)
{
    *out = NULL;
    if (sources) { *sources = NULL; *nsources = 0; }
    pm_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return PM_ENOMEM;
    size_t errors0 = d->errors;
    pm_status st = load_committees(cfg, d, ds);
    int committees_ok = d->errors == errors0;
    if (!st) st = load_sites("platforms", &cfg->platforms, d, ds, &ds->platforms, &ds->nplatforms);
    if (!st) st = load_sites("projects", &cfg->projects, d, ds, &ds->projects, &ds->nprojects);
    if (!st) st = pm_load_evaluations(cfg, d, ds, committees_ok);
    if (!st && committees_ok) st = pm_load_years(cfg, d, ds);
    if (!st && cfg->ncontext) {
        ds->context = calloc(cfg->ncontext, sizeof *ds->context);
        if (!ds->context) st = PM_ENOMEM;
        for (size_t i = 0; !st && i < cfg->ncontext; i++, ds->ncontext++)
            st = load_context(&cfg->context[i], i, d, ds, &ds->context[i]);
    }
    if (!st && committees_ok) pm_load_check_extents(cfg, d, ds);
    if (!st && d->errors > errors0) st = PM_EDATA;
    if (sources) { /* the caller's, also when the data have errors: check reports them */
        *sources = ds->sources;
        *nsources = ds->nsources;
        ds->sources = NULL;
        ds->nsources = 0;
    }
    if (st) { pm_dataset_free(ds); return st; }
    *out = ds;
    return PM_OK;
}

static void free_sites(pm_site *s, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(s[i].name); free(s[i].category); free(s[i].partner); }
    free(s);
}

void pm_dataset_free(pm_dataset *ds)
{
    if (!ds) return;
    for (size_t i = 0; i < ds->ncommittees; i++) {
        free(ds->committees[i].code);
        free(ds->committees[i].name);
        pm_geom_fini(&ds->committees[i].geom);
    }
    free(ds->committees);
    free(ds->code_slot);
    free_sites(ds->platforms, ds->nplatforms);
    free_sites(ds->projects, ds->nprojects);
    for (size_t k = 0; k < ds->eval.ncols; k++) free(ds->eval.cols[k]);
    free(ds->eval.cols); free(ds->eval.year); free(ds->eval.committee); free(ds->eval.values);
    for (size_t i = 0; i < ds->ncontext; i++) {
        pm_ctxlayer *c = &ds->context[i];
        for (size_t k = 0; k < c->n; k++) { pm_geom_fini(&c->geoms[k]); free(c->names[k]); }
        free(c->geoms); free(c->names); free(c->major);
    }
    free(ds->context);
    free(ds->years);
    for (size_t i = 0; i < ds->nparents; i++) { free(ds->parents[i].name); pm_geom_fini(&ds->parents[i].geom); }
    free(ds->parents);
    free(ds->parent_of);
    pm_sourceinfo_free(ds->sources, ds->nsources);
    for (size_t i = 0; i < ds->ncommittee_files; i++) free(ds->committee_files[i]);
    free(ds->committee_files);
    free(ds);
}

char *pm_dataset_where(const pm_dataset *d, size_t c)
{
    const pm_committee *cm = &d->committees[c];
    const char *file = cm->file < d->ncommittee_files ? d->committee_files[cm->file] : "";
    return pm_asprintf("%s: feature %ld (%s %s)", file, cm->fid, cm->code, cm->name);
}

long pm_dataset_find(const pm_dataset *d, const char *code)
{
    if (!d->ncode_slots) return -1; /* no committees were loaded */
    size_t k = *code_slot(d, code);
    return k ? (long)(k - 1) : -1;
}

long pm_dataset_year_index(const pm_dataset *d, int year)
{
    for (size_t i = 0; i < d->nyears; i++)
        if (d->years[i] == year) return (long)i;
    return -1;
}

long pm_evaltable_col(const pm_evaltable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0) return (long)i;
    return -1;
}
