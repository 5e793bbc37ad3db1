/* Evaluation and statistics tables: rows by committee code and year, checked and joined. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"
#include "data/load.h"

/* Derived indicators partymap computes: an evaluation column by such a name would be
 * shadowed (population and households are not here: a yearly column of them is the
 * per-year value). */
static const char *const derived_names[] = { "area_km2", "density", "platforms", "projects",
    "projects_running", "running_per_1000", "running_per_100_needs", NULL };
static const char *const derived_suffix[] = { "_change", "_rank", "_rank_change", NULL };

/* Decides which columns of the table are indicators: the configured mapping, or every
 * column but code, year and text columns. */
static pm_status table_columns(const pm_source *s, pm_diag *d, const pm_vlayer *l, int fc,
                               int fy, char ***cols, size_t *ncols, int **colidx)
{
    static const char *const skip[] = { "name", "note", "remark", "名称", "备注", NULL };
    size_t cap = s->ncols ? s->ncols : l->nfields;
    *cols = calloc(cap + 1, sizeof **cols);
    *colidx = calloc(cap + 1, sizeof **colidx);
    *ncols = 0;
    if (!*cols || !*colidx) return PM_ENOMEM;
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
        (*colidx)[*ncols] = k;
        if (!((*cols)[(*ncols)++] = pm_strdup(ind))) return PM_ENOMEM;
    }
    return PM_OK;
}

/* A column named like a derived indicator: refused, naming both (it would be hidden). */
static void check_clashes(pm_diag *d, const pm_vlayer *l, char **cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *c = cols[i];
        for (const char *const *dn = derived_names; *dn; dn++)
            if (strcmp(c, *dn) == 0)
                pm_diag_add(d, PM_SEV_ERROR, l->file, "", c, "clashes with partymap's derived "
                            "indicator %s (computed from the geometry and the points): rename the "
                            "column, or map it to another name under \"columns\"", c);
        for (size_t j = 0; j < n; j++) {
            size_t k = strlen(cols[j]);
            if (j == i || strncmp(c, cols[j], k) != 0) continue;
            for (const char *const *sf = derived_suffix; *sf; sf++)
                if (strcmp(c + k, *sf) == 0)
                    pm_diag_add(d, PM_SEV_ERROR, l->file, "", c, "clashes with the derived "
                                "indicator %s (computed from the column %s): rename the column, "
                                "or map it to another name under \"columns\"", c, cols[j]);
        }
    }
}

/* Counts are whole and bounded: a million needs in one committee is a typo. */
#define COUNT_MAX 1e8

static void check_value(const pm_config *cfg, pm_diag *d, const pm_vlayer *l,
                        const pm_vfeature *f, const char *code, const char *name, const char *col,
                        const char *text, const char *ind, double *v)
{
    *v = NAN;
    if (!text) return; /* empty cell: no data */
    if (!pm_load_num(text, v)) {
        char *m = pm_asprintf("not a number: \"%s\"", text);
        pm_load_err(d, l, f, code, name, col, m ? m : "not a number");
        free(m);
        *v = NAN;
        return;
    }
    double lo, hi;
    if (pm_config_range(cfg, ind, &lo, &hi)) {
        if (isinf(hi) && lo >= 0) hi = COUNT_MAX;
        if (*v < lo || *v > hi) {
            char *m = pm_asprintf("%g is out of range (%g to %g)", *v, lo, hi);
            pm_load_err(d, l, f, code, name, col, m ? m : "out of range");
            free(m);
        }
    }
}

/* Rows of (committee, year): the slot of each, so duplicates and lookups are not scans
 * (a city has 6,000 committees and their rows each year). */
typedef struct {
    long *row;      /* ncommittees * nyears slots: row index or -1 */
    const int *years;
    size_t nyears, nc;
} rowindex;

static long year_slot(const rowindex *x, int year)
{
    for (size_t y = 0; y < x->nyears; y++)
        if (x->years[y] == year) return (long)y;
    return -1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The distinct years among n ints, ascending, into out (at most n). */
static size_t distinct_years(const int *v, size_t n, int *out)
{
    size_t m = 0;
    if (n == 0) return 0; /* v and out may be NULL */
    memcpy(out, v, n * sizeof *v);
    qsort(out, n, sizeof *out, cmp_int);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || out[m - 1] != out[i]) out[m++] = out[i];
    return m;
}

typedef struct {
    pm_vlayer l;
    int fc, fy;            /* code and year fields (fy -1: the table has no years) */
    char **cols;
    size_t ncols;
    int *colidx;
    long *committee;       /* per row: committee index, -1 if refused */
    int *year;             /* per row: the year, 0 without a year column */
    double *values;        /* nrows * ncols */
} table;

static void table_fini(table *t)
{
    for (size_t i = 0; i < t->ncols; i++) free(t->cols[i]);
    free(t->cols);
    free(t->colidx);
    free(t->committee);
    free(t->year);
    free(t->values);
    pm_vlayer_fini(&t->l);
}

/* Reads a table of rows by code (and year when need_year or when it has one), checks
 * every row and value. */
static pm_status read_table(const pm_config *cfg, const pm_source *s, pm_diag *d,
                            const pm_dataset *ds, int committees_ok, int need_year, table *t)
{
    memset(t, 0, sizeof *t);
    pm_status st = pm_vlayer_read(s, PM_READ_TABLE, d, &t->l);
    if (st == PM_ENOMEM) return st;
    t->fc = pm_load_field(d, &t->l, s, PM_F_CODE, 1);
    t->fy = pm_load_field(d, &t->l, s, PM_F_YEAR, need_year);
    if (t->fc < 0 || (need_year && t->fy < 0)) return PM_OK;
    if ((st = table_columns(s, d, &t->l, t->fc, t->fy, &t->cols, &t->ncols, &t->colidx)) != PM_OK) return st;
    size_t n = t->l.n;
    t->committee = calloc(n + 1, sizeof *t->committee);
    t->year = calloc(n + 1, sizeof *t->year);
    t->values = calloc((n + 1) * (t->ncols + 1), sizeof *t->values);
    if (!t->committee || !t->year || !t->values) return PM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        pm_vfeature *f = &t->l.feats[i];
        char *code = pm_load_code(f->attrs[t->fc]);
        long c = code ? pm_dataset_find(ds, code) : -1;
        const char *name = c >= 0 ? ds->committees[c].name : NULL, *id = code ? code : f->attrs[t->fc];
        double yv = 0;
        t->committee[i] = c;
        if (!code) {
            pm_load_err(d, &t->l, f, NULL, NULL, pm_load_fname(s, PM_F_CODE), pm_load_code_problem(f->attrs[t->fc]));
            t->committee[i] = -1;
        } else if (c < 0 && committees_ok) {
            pm_load_err(d, &t->l, f, id, NULL, pm_load_fname(s, PM_F_CODE),
                        "unknown committee code (not in the committees file)");
        }
        if (t->fy >= 0 && (!pm_load_num(f->attrs[t->fy], &yv) || yv != floor(yv) || yv < 1900 || yv > 2200)) {
            pm_load_err(d, &t->l, f, id, name, pm_load_fname(s, PM_F_YEAR), "not a year (1900-2200)");
            t->committee[i] = -1;
        }
        t->year[i] = (int)yv;
        for (size_t k = 0; k < t->ncols; k++)
            check_value(cfg, d, &t->l, f, id, name, t->l.fields[t->colidx[k]], f->attrs[t->colidx[k]],
                        t->cols[k], &t->values[i * t->ncols + k]);
        free(code);
    }
    check_clashes(d, &t->l, t->cols, t->ncols);
    if (n == 0) pm_diag_add(d, PM_SEV_ERROR, t->l.file, "", "", "the table has no rows");
    if (!committees_ok && n)
        pm_diag_add(d, PM_SEV_ERROR, t->l.file, "", "code", "committee codes not checked: the "
                    "committees file %s has errors", pm_path_basename(cfg->committees.path ? cfg->committees.path : ""));
    return PM_OK;
}

/* A row already seen for the same committee and year (and its key) is refused. */
static void refuse_duplicates(pm_diag *d, const pm_source *s, const pm_dataset *ds, table *t,
                              rowindex *x)
{
    for (size_t i = 0; i < t->l.n; i++) {
        long c = t->committee[i], y = c >= 0 ? year_slot(x, t->year[i]) : -1;
        if (c < 0 || y < 0) continue;
        long *slot = &x->row[(size_t)c * x->nyears + (size_t)y];
        if (*slot < 0) { *slot = (long)i; continue; }
        const pm_vfeature *first = &t->l.feats[*slot];
        char *where = pm_vfeature_where(&t->l, first, NULL);
        char *m = pm_asprintf("duplicate row for this committee%s (first on %s)", t->fy >= 0 ? " and year" : "",
                              where ? where : "an earlier row");
        pm_load_err(d, &t->l, &t->l.feats[i], ds->committees[c].code, ds->committees[c].name,
                    pm_load_fname(s, t->fy >= 0 ? PM_F_YEAR : PM_F_CODE), m ? m : "duplicate row");
        free(m);
        free(where);
        t->committee[i] = -1;
    }
}

/* The statistics table's columns appended to the evaluation table: each evaluation row
 * takes the statistics row of its committee and year, or of its committee when the
 * statistics have no years. */
static pm_status join_statistics(pm_diag *d, const pm_source *s, pm_dataset *ds, table *st_,
                                 const char *eval_file)
{
    pm_evaltable *e = &ds->eval;
    for (size_t k = 0; k < st_->ncols; k++)
        if (pm_evaltable_col(e, st_->cols[k]) >= 0) {
            pm_diag_add(d, PM_SEV_ERROR, st_->l.file, "", st_->cols[k], "also a column of the evaluation "
                        "table %s: give the number in one of the two tables only", eval_file);
            return PM_OK;
        }
    size_t nc = e->ncols + st_->ncols;
    char **cols = realloc(e->cols, (nc + 1) * sizeof *cols);
    if (!cols) return PM_ENOMEM;
    e->cols = cols;
    double *v = malloc((e->nrows + 1) * (nc + 1) * sizeof *v);
    if (!v) return PM_ENOMEM;
    int *years = malloc((st_->l.n + 1) * sizeof *years), *dy = malloc((st_->l.n + 1) * sizeof *dy);
    size_t ny = 0;
    if (!years || !dy) { free(years); free(dy); free(v); return PM_ENOMEM; }
    for (size_t r = 0; r < st_->l.n; r++) if (st_->committee[r] >= 0) years[ny++] = st_->year[r];
    ny = distinct_years(years, ny, dy);
    free(years);
    rowindex x = { calloc(ds->ncommittees * (ny ? ny : 1) + 1, sizeof *x.row), dy, ny ? ny : 1, ds->ncommittees };
    if (!x.row) { free(v); free(dy); return PM_ENOMEM; }
    for (size_t i = 0; i < ds->ncommittees * x.nyears; i++) x.row[i] = -1;
    if (st_->fy < 0) { dy[0] = 0; x.nyears = 1; }
    refuse_duplicates(d, s, ds, st_, &x);
    for (size_t r = 0; r < e->nrows; r++) {
        memcpy(v + r * nc, e->values + r * e->ncols, e->ncols * sizeof *v);
        long y = year_slot(&x, st_->fy >= 0 ? e->year[r] : 0);
        long sr = y >= 0 ? x.row[e->committee[r] * x.nyears + (size_t)y] : -1;
        for (size_t k = 0; k < st_->ncols; k++)
            v[r * nc + e->ncols + k] = sr >= 0 ? st_->values[(size_t)sr * st_->ncols + k] : NAN;
    }
    for (size_t k = 0; k < st_->ncols; k++) {
        e->cols[e->ncols + k] = st_->cols[k];
        st_->cols[k] = NULL;
    }
    free(e->values);
    e->values = v;
    e->ncols = nc;
    free(x.row);
    free(dy);
    return PM_OK;
}

pm_status pm_load_evaluations(const pm_config *cfg, pm_diag *d, pm_dataset *ds, int committees_ok)
{
    const pm_source *s = &cfg->evaluations;
    pm_evaltable *e = &ds->eval;
    table t, stt;
    memset(&stt, 0, sizeof stt);
    pm_status st = read_table(cfg, s, d, ds, committees_ok, 1, &t);
    if (!st) st = pm_load_note_source(ds, "evaluations", s, &t.l);
    if (st || t.fc < 0 || t.fy < 0) goto done;
    int *dy = malloc((t.l.n + 1) * sizeof *dy), *yv = malloc((t.l.n + 1) * sizeof *yv);
    size_t m = 0;
    if (!dy || !yv) { free(dy); free(yv); st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < t.l.n; i++) if (t.committee[i] >= 0) yv[m++] = t.year[i];
    rowindex x = { NULL, dy, distinct_years(yv, m, dy), ds->ncommittees };
    free(yv);
    x.row = malloc((ds->ncommittees * (x.nyears ? x.nyears : 1) + 1) * sizeof *x.row);
    if (!x.row) { free(dy); st = PM_ENOMEM; goto done; }
    for (size_t i = 0; i < ds->ncommittees * x.nyears; i++) x.row[i] = -1;
    refuse_duplicates(d, s, ds, &t, &x);
    e->ncols = t.ncols;
    e->cols = t.cols;
    t.cols = NULL;
    t.ncols = 0;
    e->year = calloc(t.l.n + 1, sizeof *e->year);
    e->committee = calloc(t.l.n + 1, sizeof *e->committee);
    e->values = calloc((t.l.n + 1) * (e->ncols + 1), sizeof *e->values);
    if (!e->year || !e->committee || !e->values) st = PM_ENOMEM;
    for (size_t i = 0; !st && i < t.l.n; i++) {
        if (t.committee[i] < 0) continue;
        size_t r = e->nrows++;
        e->year[r] = t.year[i];
        e->committee[r] = (size_t)t.committee[i];
        memcpy(e->values + r * e->ncols, t.values + i * e->ncols, e->ncols * sizeof *e->values);
    }
    free(x.row);
    free(dy);
    if (!st && cfg->statistics.path) {
        st = read_table(cfg, &cfg->statistics, d, ds, committees_ok, 0, &stt);
        if (!st) st = pm_load_note_source(ds, "statistics", &cfg->statistics, &stt.l);
        if (!st && stt.fc >= 0) st = join_statistics(d, &cfg->statistics, ds, &stt, t.l.file);
    }
done:
    table_fini(&t);
    table_fini(&stt);
    return st;
}

pm_status pm_load_years(const pm_config *cfg, pm_diag *d, pm_dataset *ds)
{
    pm_evaltable *t = &ds->eval;
    ds->years = calloc(t->nrows + 1, sizeof *ds->years);
    if (!ds->years) return PM_ENOMEM;
    ds->nyears = distinct_years(t->year, t->nrows, ds->years);
    unsigned char *has = calloc(ds->ncommittees * ds->nyears + 1, 1);
    if (!has) return PM_ENOMEM;
    for (size_t r = 0; r < t->nrows; r++) {
        long y = pm_dataset_year_index(ds, t->year[r]);
        if (y >= 0) has[t->committee[r] * ds->nyears + (size_t)y] = 1;
    }
    const char *file = pm_path_basename(cfg->evaluations.path ? cfg->evaluations.path : "");
    for (size_t c = 0; c < ds->ncommittees; c++)
        for (size_t y = 0; y < ds->nyears; y++) {
            if (has[c * ds->nyears + y]) continue;
            /* a warning: the committee is drawn hatched as no data and counted under
             * 无数据 in the legend, as evaluations are sometimes incomplete */
            pm_at at = { file, "committee", ds->committees[c].code, ds->committees[c].name };
            pm_diag_at(d, PM_SEV_WARNING, &at, "year", "no evaluation row for %d (drawn as no data)",
                       ds->years[y]);
        }
    free(has);
    return PM_OK;
}
