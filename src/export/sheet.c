/* Spreadsheet export: one year's evaluation per committee as XLSX and CSV, ranked, with Chinese headers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indmeta.h"
#include "data/vwriter.h"
#include "export/export.h"

typedef enum { C_NAME, C_CODE, C_PARENT, C_EVAL, C_DERIVED, C_MAPVALUE, C_CLASS, C_RANK, C_RANK_IN_PARENT,
               C_RANK_CHANGE, C_RUNNING, C_PLATFORMS } col_kind;

typedef struct {
    char *header;     /* owned */
    pm_coltype type;
    col_kind kind;
    size_t idx;       /* C_EVAL, C_DERIVED: indicator index; C_MAPVALUE, C_CLASS: map index */
    int decimals;     /* C_DERIVED: rounding */
} sheet_col;

typedef struct {
    const pm_export_src *s;
    size_t yi;                  /* year index of the results and the indicator table */
    const pm_mapyear *head;     /* the first map this year: the ranking */
    const pm_mapyear *prev;     /* the same the year before; NULL in the first year */
    sheet_col *cols;
    size_t ncols;
} sheet;

/* The header of indicator column ind (analysis/indmeta.h: the config's label, the
 * agency's own Chinese header, partymap's name). */
static char *eval_header(const pm_export_src *x, const char *ind)
{
    pm_indmeta m;
    pm_indmeta_of(x->cfg, x->res->styles, x->res->nmaps, ind, &m);
    return pm_strdup(m.label);
}

static pm_status add_col(sheet *s, char *header, pm_coltype type, col_kind kind, size_t idx)
{
    if (!header) return PM_ENOMEM;
    s->cols[s->ncols++] = (sheet_col){ header, type, kind, idx, 0 };
    return PM_OK;
}

static pm_status build_columns(sheet *s)
{
    const pm_export_src *x = s->s;
    const pm_evaltable *ev = &x->ds->eval;
    const pm_results *r = x->res;
    s->cols = calloc(ev->ncols + x->cfg->nindicators + 2 * r->nmaps + 10, sizeof *s->cols);
    if (!s->cols) return PM_ENOMEM;
    pm_status st = add_col(s, pm_strdup("名称"), PM_COL_TEXT, C_NAME, 0);
    if (!st) st = add_col(s, pm_strdup("编码"), PM_COL_TEXT, C_CODE, 0);
    if (!st && x->ds->nparents) st = add_col(s, pm_asprintf("所属%s", x->cfg->term_parent), PM_COL_TEXT, C_PARENT, 0);
    for (size_t i = 0; !st && i < ev->ncols; i++) {
        long k = pm_indtab_find(&x->an->tab, ev->cols[i]);
        if (k >= 0) st = add_col(s, eval_header(x, ev->cols[i]), PM_COL_REAL, C_EVAL, (size_t)k);
    }
    /* the config's derived indicators, like evaluation columns (a map's own come below) */
    for (size_t i = 0; !st && i < x->cfg->nindicators; i++) {
        const pm_indicator_def *d = &x->cfg->indicators[i];
        long k = d->expression ? pm_indtab_find(&x->an->tab, d->name) : -1;
        if (k < 0) continue;
        int drawn = 0;
        for (size_t m = 0; m < r->nmaps; m++) drawn |= !strcmp(pm_style_column(r->styles[m]), d->name);
        if (drawn) continue;
        pm_indmeta m;
        pm_indmeta_of(x->cfg, r->styles, r->nmaps, d->name, &m);
        st = add_col(s, eval_header(x, d->name), PM_COL_REAL, C_DERIVED, (size_t)k);
        if (!st) s->cols[s->ncols - 1].decimals = m.decimals;
    }
    for (size_t m = 0; !st && m < r->nmaps; m++) {
        const pm_style *sty = r->styles[m];
        if (pm_evaltable_col(ev, pm_style_column(sty)) >= 0) continue; /* already a column */
        char *h = *sty->unit ? pm_asprintf("%s（%s）", sty->title, sty->unit) : pm_strdup(sty->title);
        st = add_col(s, h, PM_COL_REAL, C_MAPVALUE, m);
    }
    for (size_t m = 0; !st && m < r->nmaps; m++)
        st = add_col(s, pm_asprintf("%s分级", r->styles[m]->title), PM_COL_TEXT, C_CLASS, m);
    if (!st) st = add_col(s, pm_asprintf("%s排名", r->styles[0]->title), PM_COL_INT, C_RANK, 0);
    if (!st && x->ds->nparents)
        st = add_col(s, pm_asprintf("%s内排名", x->cfg->term_parent), PM_COL_INT, C_RANK_IN_PARENT, 0);
    if (!st) st = add_col(s, pm_strdup("较上年排名变化"), PM_COL_INT, C_RANK_CHANGE, 0);
    if (!st) st = add_col(s, pm_strdup("运行中共建项目"), PM_COL_INT, C_RUNNING, 0);
    if (!st) st = add_col(s, pm_strdup("党建平台"), PM_COL_INT, C_PLATFORMS, 0);
    return st;
}

static double round_to(double v, int decimals)
{
    double f = pow(10, decimals);
    return isfinite(v) ? round(v * f) / f : v;
}

static pm_cell cell_of(const sheet *s, const sheet_col *col, size_t c)
{
    const pm_export_src *x = s->s;
    pm_cell v = { NULL, NAN };
    const pm_thematic *th = &pm_results_at(x->res, col->idx, s->yi)->th;
    int r = s->head->rank[c], pr = s->prev ? s->prev->rank[c] : 0;
    switch (col->kind) {
    case C_NAME: v.text = x->ds->committees[c].name; break;
    case C_CODE: v.text = x->ds->committees[c].code; break;
    case C_PARENT: {
        long p = x->ds->committees[c].parent;
        v.text = p >= 0 ? x->ds->parents[p].name : NULL;
        break;
    }
    case C_RANK_IN_PARENT: if (s->head->rank_in_parent[c]) v.num = s->head->rank_in_parent[c]; break;
    case C_EVAL: v.num = pm_indtab_get(&x->an->tab, s->yi, c, col->idx); break;
    case C_DERIVED: v.num = round_to(pm_indtab_get(&x->an->tab, s->yi, c, col->idx), col->decimals); break;
    case C_MAPVALUE: v.num = round_to(th->value[c], th->style->decimals); break;
    case C_CLASS: v.text = th->cls[c] >= 0 ? th->labels[th->cls[c]] : NULL; break;
    case C_RANK: if (r) v.num = r; break;
    case C_RANK_CHANGE: if (r && pr) v.num = pr - r; break;
    case C_RUNNING: v.num = (double)x->an->n_running[c]; break;
    case C_PLATFORMS: v.num = (double)x->an->n_platforms[c]; break;
    }
    return v;
}

typedef struct { const sheet *s; size_t c; } row_ref;

static int cmp_rows(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    int rx = x->s->head->rank[x->c], ry = y->s->head->rank[y->c];
    if (rx != ry) return !rx ? 1 : !ry ? -1 : (rx > ry) - (rx < ry); /* no value last */
    return strcmp(x->s->s->ds->committees[x->c].code, y->s->s->ds->committees[y->c].code);
}

static pm_status write_sheet(const sheet *s, const char *path, pm_vformat fmt, char **err)
{
    size_t n = s->s->ds->ncommittees;
    pm_column *cols = calloc(s->ncols, sizeof *cols);
    pm_cell *cells = calloc(s->ncols, sizeof *cells);
    row_ref *order = calloc(n + 1, sizeof *order);
    pm_vwriter *w;
    pm_status st = cols && cells && order ? PM_OK : PM_ENOMEM;
    if (st) goto done;
    for (size_t i = 0; i < s->ncols; i++) cols[i] = (pm_column){ s->cols[i].header, s->cols[i].type };
    for (size_t c = 0; c < n; c++) order[c] = (row_ref){ s, c };
    qsort(order, n, sizeof *order, cmp_rows);
    if ((st = pm_vwriter_open(path, fmt, &w, err)) != PM_OK) goto done;
    st = pm_vwriter_layer(w, "测评结果", 0, cols, s->ncols, err);
    for (size_t r = 0; !st && r < n; r++) {
        for (size_t i = 0; i < s->ncols; i++) cells[i] = cell_of(s, &s->cols[i], order[r].c);
        st = pm_vwriter_row(w, cells, NULL, err);
    }
    if (!st) st = pm_vwriter_commit(w, err); /* frees w either way */
    else pm_vwriter_abort(w);
done:
    free(order);
    free(cells);
    free(cols);
    return st;
}

pm_status pm_export_sheets(const pm_export_src *x, int year, const char *xlsx, const char *csv,
                           char **err)
{
    sheet s = { .s = x };
    long yi = pm_results_year(x->res, year);
    if (yi < 0 || x->res->nmaps == 0) return PM_EINTERNAL;
    s.yi = (size_t)yi;
    s.head = pm_results_at(x->res, 0, s.yi);
    s.prev = yi > 0 ? pm_results_at(x->res, 0, s.yi - 1) : NULL;
    pm_status st = build_columns(&s);
    if (!st && xlsx) st = write_sheet(&s, xlsx, PM_VW_XLSX, err);
    if (!st && csv) st = write_sheet(&s, csv, PM_VW_CSV, err);
    for (size_t i = 0; i < s.ncols; i++) free(s.cols[i].header);
    free(s.cols);
    return st;
}
