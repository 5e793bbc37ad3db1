/* Dataset loading: interpret the OGR layers as committees, sites, evaluations, context. */
#include "data/dataset.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"
#include "data/vector.h"

static const char *const default_field[PM_F_COUNT] = {
    "code", "name", "households", "population", "parent", "category", "partner", "status", "year"
};

static const char *fname(const pm_source *s, pm_field_role r)
{
    return s->field[r] ? s->field[r] : default_field[r];
}

static void err_at(pm_diag *d, const pm_vlayer *l, const pm_vfeature *f, const char *id,
                   const char *field, const char *msg)
{
    char *where = f ? pm_vfeature_where(l, f, id) : NULL;
    pm_diag_add(d, PM_SEV_ERROR, l->file, where, field, "%s", msg);
    free(where);
}

/* Looks up a required field; records a problem naming the available ones if absent. */
static int need_field(pm_diag *d, const pm_vlayer *l, const pm_source *s, pm_field_role r)
{
    int i = pm_vlayer_field(l, fname(s, r));
    if (i < 0) {
        char list[512] = "";
        for (size_t k = 0; k < l->nfields && strlen(list) < 400; k++) {
            strcat(list, k ? ", " : "");
            strncat(list, l->fields[k], 64);
        }
        pm_diag_add(d, PM_SEV_ERROR, l->file, "", fname(s, r), "no such field (the file has: "
                    "%s); map it under \"fields\" in the config", list);
    }
    return i;
}

/* Parses a number; 0 if text is not one. */
static int parse_num(const char *text, double *v)
{
    if (!text) return 0;
    char *end;
    while (isspace((unsigned char)*text)) text++;
    *v = strtod(text, &end);
    while (isspace((unsigned char)*end)) end++;
    return end != text && *end == '\0' && isfinite(*v);
}

/* Normalises a committee code: digits only, trailing ".0" from float columns dropped.
 * Returns a new string, or NULL if the text is not a 12-digit code. */
/* A code written in scientific notation by a spreadsheet ("3.10107015001E+11"): its
 * 12 digits if the mantissa kept them all, else NULL (the digits are lost). */
static char *sci_code(const char *t)
{
    size_t digits = 0;
    const char *p = t;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (*p != '.') return NULL;
    }
    double v;
    if (!*p || digits < 12 || !parse_num(t, &v) || v < 1e11 || v >= 1e12 || v != floor(v)) return NULL;
    return pm_asprintf("%.0f", v);
}

static char *norm_code(const char *t)
{
    if (!t) return NULL;
    while (isspace((unsigned char)*t)) t++;
    if (strpbrk(t, "eE")) return sci_code(t);
    size_t n = 0;
    while (isdigit((unsigned char)t[n])) n++;
    const char *rest = t + n;
    if (*rest == '.') { rest++; while (*rest == '0') rest++; }
    while (isspace((unsigned char)*rest)) rest++;
    if (n != 12 || *rest) return NULL;
    char *c = malloc(13);
    if (c) { memcpy(c, t, 12); c[12] = '\0'; }
    return c;
}

/* Why text is not a code, with a hint for what spreadsheets do to long numbers. */
static const char *code_problem(const char *t)
{
    if (!t) return "missing committee code";
    if (strpbrk(t, "eE")) return "not a 12-digit committee code: a spreadsheet stored it as a "
                                 "number and lost digits (format the column as text)";
    size_t n = 0;
    for (const char *p = t; *p; p++) n += isdigit((unsigned char)*p) != 0;
    if (n == 11) return "not a 12-digit committee code: 11 digits (a leading zero lost? "
                        "format the column as text)";
    return "not a 12-digit committee code";
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

static pm_status load_committees(const pm_config *cfg, pm_diag *d, pm_dataset *ds)
{
    const pm_source *s = &cfg->committees;
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    int fc = -1, fn = -1, fh = -1, fp = -1;
    if (st == PM_OK || (st == PM_EDATA && l.n > 0)) {
        fc = need_field(d, &l, s, PM_F_CODE);
        fn = need_field(d, &l, s, PM_F_NAME);
        fh = need_field(d, &l, s, PM_F_HOUSEHOLDS);
        fp = need_field(d, &l, s, PM_F_POPULATION);
    }
    if (st == PM_ENOMEM || fc < 0 || fn < 0 || fh < 0 || fp < 0) goto done;
    if (l.n == 0) { pm_diag_add(d, PM_SEV_ERROR, l.file, "", "", "no committees in the file"); goto done; }
    ds->committees = calloc(l.n, sizeof *ds->committees);
    if (!ds->committees) { st = PM_ENOMEM; goto done; }
    ds->ncode_slots = 16; /* at most half full */
    while (ds->ncode_slots < 2 * l.n) ds->ncode_slots *= 2;
    ds->code_slot = calloc(ds->ncode_slots, sizeof *ds->code_slot);
    if (!ds->code_slot) { ds->ncode_slots = 0; st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.n; i++) {
        pm_vfeature *f = &l.feats[i];
        char *code = norm_code(f->attrs[fc]);
        const char *id = code ? code : f->attrs[fc];
        if (!code) err_at(d, &l, f, NULL, fname(s, PM_F_CODE), code_problem(f->attrs[fc]));
        size_t *slot = code ? code_slot(ds, code) : NULL;
        if (slot && *slot) err_at(d, &l, f, id, fname(s, PM_F_CODE), "duplicate committee code");
        if (!f->attrs[fn]) err_at(d, &l, f, id, fname(s, PM_F_NAME), "missing name");
        double hh = NAN, pop = NAN;
        if (!parse_num(f->attrs[fh], &hh) || hh < 0)
            err_at(d, &l, f, id, fname(s, PM_F_HOUSEHOLDS), "not a non-negative number");
        if (!parse_num(f->attrs[fp], &pop) || pop < 0)
            err_at(d, &l, f, id, fname(s, PM_F_POPULATION), "not a non-negative number");
        if (f->geom.kind != PM_GEOM_POLYGON || f->geom.nrings == 0)
            err_at(d, &l, f, id, "geometry", f->geom.kind ? "not a polygon" : "empty or missing geometry");
        pm_committee *c = &ds->committees[ds->ncommittees++];
        c->code = code;
        if (slot && !*slot) *slot = ds->ncommittees; /* the first with this code */
        c->name = pm_strdup(f->attrs[fn] ? f->attrs[fn] : "");
        c->households = hh;
        c->population = pop;
        c->geom = f->geom; /* take ownership */
        memset(&f->geom, 0, sizeof f->geom);
        if (!c->name) { st = PM_ENOMEM; break; }
    }
done:
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

static pm_status load_sites(const pm_source *s, pm_diag *d, pm_site **out, size_t *nout)
{
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    int fn = st == PM_ENOMEM ? -1 : need_field(d, &l, s, PM_F_NAME);
    int fcat = pm_vlayer_field(&l, fname(s, PM_F_CATEGORY));
    if (fcat < 0) fcat = pm_vlayer_field(&l, "type");
    int fpart = pm_vlayer_field(&l, fname(s, PM_F_PARTNER));
    int fstat = pm_vlayer_field(&l, fname(s, PM_F_STATUS));
    if (fn < 0) goto done;
    *out = calloc(l.n + 1, sizeof **out);
    if (!*out) { st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.n; i++) {
        pm_vfeature *f = &l.feats[i];
        if (f->geom.kind != PM_GEOM_POINT || f->geom.npts == 0) {
            err_at(d, &l, f, f->attrs[fn], "geometry", f->geom.kind ? "not a point" : "empty or missing geometry");
            continue;
        }
        pm_site *p = &(*out)[(*nout)++];
        int known = 1;
        p->status = fstat >= 0 ? parse_status(f->attrs[fstat], &known) : PM_SITE_RUNNING;
        if (!known) {
            char *where = pm_vfeature_where(&l, f, f->attrs[fn]);
            pm_diag_add(d, PM_SEV_WARNING, l.file, where, fname(s, PM_F_STATUS), "unknown status "
                        "\"%s\" (expected running, planned or finished): counted as not running",
                        f->attrs[fstat] ? f->attrs[fstat] : "");
            free(where);
        }
        p->name = pm_strdup(f->attrs[fn] ? f->attrs[fn] : "");
        p->category = pm_strdup(fcat >= 0 && f->attrs[fcat] ? f->attrs[fcat] : "");
        p->partner = pm_strdup(fpart >= 0 && f->attrs[fpart] ? f->attrs[fpart] : "");
        p->lonlat = f->geom.pts[0];
        if (!p->name || !p->category || !p->partner) { st = PM_ENOMEM; break; }
    }
done:
    pm_vlayer_fini(&l);
    return st == PM_ENOMEM ? st : PM_OK;
}

/* Decides which columns of the table are indicators: the configured mapping, or every
 * column but code, year and text columns. */
static pm_status eval_columns(const pm_source *s, pm_diag *d, const pm_vlayer *l, int fc,
                              int fy, pm_evaltable *t, int **colidx)
{
    static const char *const skip[] = { "name", "note", "remark", "名称", "备注", NULL };
    size_t cap = s->ncols ? s->ncols : l->nfields;
    t->cols = calloc(cap + 1, sizeof *t->cols);
    *colidx = calloc(cap + 1, sizeof **colidx);
    if (!t->cols || !*colidx) return PM_ENOMEM;
    for (size_t i = 0; i < cap; i++) {
        const char *ind;
        int k;
        if (s->ncols) {
            ind = s->col_ind[i];
            k = pm_vlayer_field(l, s->col_name[i]);
            if (k < 0) {
                pm_diag_add(d, PM_SEV_ERROR, l->file, "", s->col_name[i], "no such column "
                            "(mapped to indicator \"%s\" in the config)", ind);
                continue;
            }
        } else {
            k = (int)i;
            ind = l->fields[i];
            int skipped = k == fc || k == fy;
            for (const char *const *sk = skip; *sk; sk++)
                if (strcasecmp(*sk, ind) == 0) skipped = 1;
            if (skipped) continue;
        }
        (*colidx)[t->ncols] = k;
        if (!(t->cols[t->ncols++] = pm_strdup(ind))) return PM_ENOMEM;
    }
    return PM_OK;
}

static void check_value(const pm_config *cfg, pm_diag *d, const pm_vlayer *l,
                        const pm_vfeature *f, const char *id, const char *col,
                        const char *text, const char *ind, double *v)
{
    *v = NAN;
    if (!text) return; /* empty cell: no data */
    if (!parse_num(text, v)) {
        char *m = pm_asprintf("not a number: \"%s\"", text);
        err_at(d, l, f, id, col, m ? m : "not a number");
        free(m);
        *v = NAN;
        return;
    }
    double lo, hi;
    if (pm_config_range(cfg, ind, &lo, &hi) && (*v < lo || *v > hi)) {
        char *m = isinf(hi) ? pm_asprintf("%g is out of range (must be at least %g)", *v, lo)
                            : pm_asprintf("%g is out of range (%g to %g)", *v, lo, hi);
        err_at(d, l, f, id, col, m ? m : "out of range");
        free(m);
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Reads the evaluation rows; records unknown codes, bad years, duplicates, bad values. */
static pm_status load_evals(const pm_config *cfg, pm_diag *d, pm_dataset *ds, int committees_ok)
{
    const pm_source *s = &cfg->evaluations;
    pm_evaltable *t = &ds->eval;
    pm_vlayer l;
    int *colidx = NULL;
    long *seen = NULL;
    pm_status st = pm_vlayer_read(s, PM_READ_TABLE, d, &l);
    int fc = st == PM_ENOMEM ? -1 : need_field(d, &l, s, PM_F_CODE);
    int fy = st == PM_ENOMEM ? -1 : need_field(d, &l, s, PM_F_YEAR);
    if (fc < 0 || fy < 0) goto done;
    if ((st = eval_columns(s, d, &l, fc, fy, t, &colidx)) != PM_OK) goto done;
    t->year = calloc(l.n + 1, sizeof *t->year);
    t->committee = calloc(l.n + 1, sizeof *t->committee);
    t->values = calloc((l.n + 1) * (t->ncols + 1), sizeof *t->values);
    seen = calloc(l.n + 1, sizeof *seen);
    if (!t->year || !t->committee || !t->values || !seen) { st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < l.n; i++) {
        pm_vfeature *f = &l.feats[i];
        char *code = norm_code(f->attrs[fc]);
        const char *id = code ? code : f->attrs[fc];
        long c = code ? pm_dataset_find(ds, code) : -1;
        double yv;
        int ok = 1;
        if (!code) { err_at(d, &l, f, NULL, fname(s, PM_F_CODE), code_problem(f->attrs[fc])); ok = 0; }
        else if (c < 0) {
            /* against a committees file that failed to load, every code is unknown:
             * one line says so instead of one per row */
            if (committees_ok) err_at(d, &l, f, id, fname(s, PM_F_CODE), "unknown committee code (not in the committees file)");
            ok = 0;
        }
        if (!parse_num(f->attrs[fy], &yv) || yv != floor(yv) || yv < 1900 || yv > 2200) {
            err_at(d, &l, f, id, fname(s, PM_F_YEAR), "not a year (1900-2200)");
            ok = 0;
        }
        for (size_t r = 0; ok && r < t->nrows; r++)
            if (t->committee[r] == (size_t)c && t->year[r] == (int)yv) {
                char *m = pm_asprintf("duplicate row for this committee and year (first on %s %ld)",
                                      l.feats[seen[r]].line ? "line" : "feature",
                                      l.feats[seen[r]].line ? l.feats[seen[r]].line : l.feats[seen[r]].fid);
                err_at(d, &l, f, id, fname(s, PM_F_YEAR), m ? m : "duplicate row");
                free(m);
                ok = 0;
            }
        /* values are checked on every row, kept only for valid ones */
        size_t r = t->nrows;
        for (size_t k = 0; k < t->ncols; k++)
            check_value(cfg, d, &l, f, id, l.fields[colidx[k]], f->attrs[colidx[k]],
                        t->cols[k], &t->values[r * t->ncols + k]);
        if (ok) {
            t->nrows++;
            seen[r] = (long)i;
            t->committee[r] = (size_t)c;
            t->year[r] = (int)yv;
        }
        free(code);
    }
    if (l.n == 0) pm_diag_add(d, PM_SEV_ERROR, l.file, "", "", "the table has no rows");
    if (!committees_ok && l.n)
        pm_diag_add(d, PM_SEV_ERROR, l.file, "", "code", "committee codes not checked: the "
                    "committees file has errors (see above)");
done:
    free(colidx);
    free(seen);
    pm_vlayer_fini(&l);
    return st == PM_ENOMEM ? st : PM_OK;
}

/* Distinct years, and a problem for every committee that lacks one of them. */
static pm_status check_years(const pm_config *cfg, pm_diag *d, pm_dataset *ds)
{
    pm_evaltable *t = &ds->eval;
    ds->years = calloc(t->nrows + 1, sizeof *ds->years);
    if (!ds->years) return PM_ENOMEM;
    for (size_t r = 0; r < t->nrows; r++) {
        int dup = 0;
        for (size_t k = 0; k < ds->nyears; k++) dup |= ds->years[k] == t->year[r];
        if (!dup) ds->years[ds->nyears++] = t->year[r];
    }
    qsort(ds->years, ds->nyears, sizeof *ds->years, cmp_int);
    const char *file = pm_path_basename(cfg->evaluations.path ? cfg->evaluations.path : "");
    for (size_t c = 0; c < ds->ncommittees; c++)
        for (size_t y = 0; y < ds->nyears; y++) {
            int found = 0;
            for (size_t r = 0; r < t->nrows && !found; r++)
                found = t->committee[r] == c && t->year[r] == ds->years[y];
            if (!found) {
                char *who = pm_asprintf("committee %s (%s)", ds->committees[c].code, ds->committees[c].name);
                /* a warning: the committee is drawn hatched as no data and counted
                 * under 无数据 in the legend, as evaluations are sometimes incomplete */
                pm_diag_add(d, PM_SEV_WARNING, file, who, "year", "no evaluation row for %d "
                            "(drawn as no data)", ds->years[y]);
                free(who);
            }
        }
    return PM_OK;
}

static pm_status load_context(const pm_source *s, pm_diag *d, pm_ctxlayer *cl)
{
    pm_vlayer l;
    pm_status st = pm_vlayer_read(s, PM_READ_GEOM, d, &l);
    cl->role = !strcmp(s->role, "river") ? PM_CTX_RIVER : !strcmp(s->role, "road") ? PM_CTX_ROAD : PM_CTX_AREA;
    int fn = pm_vlayer_field(&l, fname(s, PM_F_NAME));
    int fcl = pm_vlayer_field(&l, "class");
    cl->geoms = calloc(l.n + 1, sizeof *cl->geoms);
    cl->names = calloc(l.n + 1, sizeof *cl->names);
    cl->major = calloc(l.n + 1, sizeof *cl->major);
    if (!cl->geoms || !cl->names || !cl->major) { st = PM_ENOMEM; goto done; }
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
    *out = NULL;
    pm_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return PM_ENOMEM;
    size_t errors0 = d->errors;
    pm_status st = load_committees(cfg, d, ds);
    int committees_ok = d->errors == errors0;
    if (!st) st = load_sites(&cfg->platforms, d, &ds->platforms, &ds->nplatforms);
    if (!st) st = load_sites(&cfg->projects, d, &ds->projects, &ds->nprojects);
    if (!st) st = load_evals(cfg, d, ds, committees_ok);
    if (!st && committees_ok) st = check_years(cfg, d, ds);
    if (!st && cfg->ncontext) {
        ds->context = calloc(cfg->ncontext, sizeof *ds->context);
        if (!ds->context) st = PM_ENOMEM;
        for (size_t i = 0; !st && i < cfg->ncontext; i++, ds->ncontext++)
            st = load_context(&cfg->context[i], d, &ds->context[i]);
    }
    if (!st && d->errors > errors0) st = PM_EDATA;
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
    free(ds);
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
