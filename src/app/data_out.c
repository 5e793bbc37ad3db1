/* Spreadsheet outputs: one year's evaluation per committee as XLSX and CSV, ranked, with Chinese headers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/thematic.h"
#include "app/outputs.h"
#include "data/vwriter.h"

/* Chinese headers of the sample's evaluation columns; other columns keep their name. */
static const char *const known_headers[][2] = {
    { "service", "服务群众能效得分" }, { "satisfaction", "群众满意度得分" },
    { "workforce", "社区工作者队伍建设得分" }, { "needs", "收集群众需求数" },
    { "questionnaires_key", "重点问卷数" }, { "questionnaires_random", "随机问卷数" },
};

typedef enum { C_NAME, C_CODE, C_EVAL, C_MAPVALUE, C_CLASS, C_RANK, C_RANK_CHANGE,
               C_RUNNING, C_PLATFORMS } col_kind;

typedef struct {
    char *header;     /* owned */
    pm_coltype type;
    col_kind kind;
    size_t idx;       /* C_EVAL: indicator index; C_MAPVALUE, C_CLASS: map index */
} sheet_col;

typedef struct {
    const pm_project *p;
    size_t yi;              /* year index in the indicator table */
    pm_thematic *th;        /* one per map (owned) */
    size_t nth;
    int *rank, *prev_rank;  /* per committee; prev_rank NULL in the first year */
    sheet_col *cols;
    size_t ncols;
} sheet;

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return 1;
    return 0;
}

/* The header of evaluation column ind: the configured source column when it is
 * Chinese (the agency's own header comes back to it), else a known Chinese name. */
static char *eval_header(const pm_config *cfg, const char *ind)
{
    const pm_source *s = &cfg->evaluations;
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->col_ind[i], ind) == 0 && has_non_ascii(s->col_name[i]))
            return pm_strdup(s->col_name[i]);
    for (size_t i = 0; i < sizeof known_headers / sizeof *known_headers; i++)
        if (strcmp(known_headers[i][0], ind) == 0) return pm_strdup(known_headers[i][1]);
    return pm_strdup(ind);
}

static pm_status add_col(sheet *s, char *header, pm_coltype type, col_kind kind, size_t idx)
{
    if (!header) return PM_ENOMEM;
    s->cols[s->ncols++] = (sheet_col){ header, type, kind, idx };
    return PM_OK;
}

static pm_status build_columns(sheet *s)
{
    const pm_project *p = s->p;
    const pm_evaltable *ev = &p->ds->eval;
    const pm_style *first = p->styles[0];
    s->cols = calloc(ev->ncols + 2 * p->nstyles + 8, sizeof *s->cols);
    if (!s->cols) return PM_ENOMEM;
    pm_status st = add_col(s, pm_strdup("名称"), PM_COL_TEXT, C_NAME, 0);
    if (!st) st = add_col(s, pm_strdup("编码"), PM_COL_TEXT, C_CODE, 0);
    for (size_t i = 0; !st && i < ev->ncols; i++) {
        long k = pm_indtab_find(&p->an.tab, ev->cols[i]);
        if (k >= 0) st = add_col(s, eval_header(p->cfg, ev->cols[i]), PM_COL_REAL, C_EVAL, (size_t)k);
    }
    for (size_t m = 0; !st && m < p->nstyles; m++) {
        const pm_style *sty = p->styles[m];
        if (pm_evaltable_col(ev, sty->indicator) >= 0) continue; /* already a column */
        char *h = *sty->unit ? pm_asprintf("%s（%s）", sty->title, sty->unit) : pm_strdup(sty->title);
        st = add_col(s, h, PM_COL_REAL, C_MAPVALUE, m);
    }
    for (size_t m = 0; !st && m < p->nstyles; m++)
        st = add_col(s, pm_asprintf("%s分级", p->styles[m]->title), PM_COL_TEXT, C_CLASS, m);
    if (!st) st = add_col(s, pm_asprintf("%s排名", first->title), PM_COL_INT, C_RANK, 0);
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
    const pm_project *p = s->p;
    pm_cell v = { NULL, NAN };
    const pm_thematic *th = &s->th[col->idx];
    switch (col->kind) {
    case C_NAME: v.text = p->ds->committees[c].name; break;
    case C_CODE: v.text = p->ds->committees[c].code; break;
    case C_EVAL: v.num = pm_indtab_get(&p->an.tab, s->yi, c, col->idx); break;
    case C_MAPVALUE: v.num = round_to(th->value[c], th->style->decimals); break;
    case C_CLASS: v.text = th->cls[c] >= 0 ? th->labels[th->cls[c]] : NULL; break;
    case C_RANK: if (s->rank[c]) v.num = s->rank[c]; break;
    case C_RANK_CHANGE:
        if (s->prev_rank && s->rank[c] && s->prev_rank[c]) v.num = s->prev_rank[c] - s->rank[c];
        break;
    case C_RUNNING: v.num = (double)p->an.n_running[c]; break;
    case C_PLATFORMS: v.num = (double)p->an.n_platforms[c]; break;
    }
    return v;
}

/* Ranks of the first map's values in year index yi (1 = best, 0 = no value). */
static pm_status rank_year(const pm_project *p, size_t yi, int **out)
{
    const pm_indtab *t = &p->an.tab;
    long k = pm_indtab_find(t, p->styles[0]->indicator);
    double *v = calloc(t->ncommittees + 1, sizeof *v);
    *out = calloc(t->ncommittees + 1, sizeof **out);
    if (!v || !*out) { free(v); return PM_ENOMEM; }
    for (size_t c = 0; c < t->ncommittees; c++) v[c] = k >= 0 ? pm_indtab_get(t, yi, c, (size_t)k) : NAN;
    pm_rank_desc(v, t->ncommittees, *out);
    free(v);
    return PM_OK;
}

typedef struct { const sheet *s; size_t c; } row_ref;

static int cmp_rows(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    int rx = x->s->rank[x->c], ry = y->s->rank[y->c];
    if (rx != ry) return !rx ? 1 : !ry ? -1 : (rx > ry) - (rx < ry); /* no value last */
    return strcmp(x->s->p->ds->committees[x->c].code, y->s->p->ds->committees[y->c].code);
}

static pm_status write_sheet(const sheet *s, const char *path, pm_vformat fmt, char **err)
{
    size_t n = s->p->ds->ncommittees;
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

static void sheet_fini(sheet *s)
{
    for (size_t m = 0; s->th && m < s->nth; m++) pm_thematic_fini(&s->th[m]);
    for (size_t i = 0; i < s->ncols; i++) free(s->cols[i].header);
    free(s->th);
    free(s->cols);
    free(s->rank);
    free(s->prev_rank);
}

static pm_status sheet_init(sheet *s, const pm_project *p, int year, FILE *err)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    long yi = pm_indtab_year(&p->an.tab, year);
    if (yi < 0 || p->nstyles == 0) return PM_EINTERNAL;
    s->yi = (size_t)yi;
    s->th = calloc(p->nstyles, sizeof *s->th);
    if (!s->th) return PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t m = 0; !st && m < p->nstyles; m++, s->nth++) {
        pm_diag d;
        pm_diag_init(&d);
        st = pm_thematic_build(p->styles[m], &p->an.tab, year, &d, &s->th[m]);
        pm_diag_print(&d, err);
        pm_diag_fini(&d);
    }
    if (!st) st = rank_year(p, s->yi, &s->rank);
    if (!st && yi > 0) st = rank_year(p, s->yi - 1, &s->prev_rank);
    if (!st) st = build_columns(s);
    return st;
}

pm_status pm_out_data(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                      FILE *err)
{
    double t0 = pm_out_now();
    sheet s;
    char *msg = NULL;
    char *xlsx = pm_asprintf("%s/%d/evaluation.xlsx", out, year);
    char *csv = pm_asprintf("%s/%d/evaluation.csv", out, year);
    pm_status st = xlsx && csv ? sheet_init(&s, p, year, err) : PM_ENOMEM;
    if (!st) st = write_sheet(&s, xlsx, PM_VW_XLSX, &msg);
    if (!st) st = write_sheet(&s, csv, PM_VW_CSV, &msg);
    if (st) fprintf(err, "partymap: data: %s\n", msg ? msg : pm_strerror(st));
    else if (!o->quiet) fprintf(err, "partymap: %d data         %s (+ .csv) %.2f s\n", year, xlsx,
                                pm_out_now() - t0);
    if (xlsx && csv) sheet_fini(&s);
    free(msg);
    free(xlsx);
    free(csv);
    return st;
}
