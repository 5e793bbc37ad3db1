/* The report command: a year's changes against the year before, as CSV and a Chinese summary. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/project.h"
#include "core/fileio.h"
#include "data/vwriter.h"
#include "analysis/diagnosis.h"
#include "app/layout.h"

/* A growable text buffer; oom is sticky. */
typedef struct { char *s; size_t len, cap; int oom; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->oom = 1; return; }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = 1; return; }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A CSV field, quoted when it holds a separator, quote or line break; a formula
 * prefix neutralised (pm_vwriter_safe_text). */
static void csv_field(sbuf *b, const char *text, int last)
{
    char *s = pm_vwriter_safe_text(text);
    if (!s) { b->oom = 1; return; }
    if (strpbrk(s, ",\"\r\n")) {
        sb_printf(b, "\"");
        for (const char *p = s; *p; p++) sb_printf(b, *p == '"' ? "\"\"" : "%c", *p);
        sb_printf(b, "\"");
    } else {
        sb_printf(b, "%s", s);
    }
    sb_printf(b, last ? "\r\n" : ",");
    free(s);
}

static double change_of(const pm_project *p, const pm_thematic *th, size_t c)
{
    char name[128];
    snprintf(name, sizeof name, "%s_change", pm_style_column(th->style));
    long k = pm_indtab_find(&p->an.tab, name), y = pm_indtab_year(&p->an.tab, th->year);
    return k < 0 || y < 0 ? NAN : pm_indtab_get(&p->an.tab, (size_t)y, c, (size_t)k);
}

static pm_status write_csv(const pm_project *p, const pm_diagnosis *d, const char *path, char **err)
{
    const pm_diagnosis_index *x = &d->idx[0];
    sbuf b = { 0 };
    /* the BOM makes Excel read the file as UTF-8 */
    sb_printf(&b, "\xEF\xBB\xBF" "code,name,prev_class,class,prev_rank,rank,rank_change,%s_change\r\n",
              pm_style_column(x->th->style));
    for (size_t c = 0; c < d->n; c++) {
        char buf[64];
        int pr = x->prev_rank[c], r = x->rank[c];
        csv_field(&b, p->ds->committees[c].code, 0);
        csv_field(&b, p->ds->committees[c].name, 0);
        csv_field(&b, d->prev_year && pr > 0 ? pm_diagnosis_class_name(x->prev, x->prev->cls[c]) : "", 0);
        csv_field(&b, r > 0 ? pm_diagnosis_class_name(x->th, x->th->cls[c]) : "", 0);
        if (pr > 0) snprintf(buf, sizeof buf, "%d", pr); else buf[0] = '\0';
        csv_field(&b, buf, 0);
        if (r > 0) snprintf(buf, sizeof buf, "%d", r); else buf[0] = '\0';
        csv_field(&b, buf, 0);
        if (pr > 0 && r > 0) snprintf(buf, sizeof buf, "%d", pr - r); else buf[0] = '\0';
        csv_field(&b, buf, 0);
        double ch = change_of(p, x->th, c);
        if (isnan(ch)) buf[0] = '\0';
        else snprintf(buf, sizeof buf, "%.*f", x->th->style->decimals, ch);
        csv_field(&b, buf, 1);
    }
    pm_status st = b.oom ? PM_ENOMEM : pm_write_atomic(path, b.s, b.len, err);
    free(b.s);
    return st;
}

/* The k biggest rank moves up (dir 1) or down (-1), ties in code order. */
static void movers(const pm_project *p, const pm_diagnosis_index *x, size_t n, int dir, FILE *out)
{
    unsigned char *used = calloc(n + 1, 1);
    size_t shown = 0;
    for (size_t k = 0; k < 3 && used; k++) {
        long best = -1;
        int bd = 0;
        for (size_t c = 0; c < n; c++) {
            if (used[c] || x->prev_rank[c] <= 0 || x->rank[c] <= 0) continue;
            int dl = (x->prev_rank[c] - x->rank[c]) * dir;
            if (dl > bd) { bd = dl; best = (long)c; }
        }
        if (best < 0) break;
        used[best] = 1;
        fprintf(out, "  %s：第%d名 → 第%d名（%s%d位）\n", p->ds->committees[best].name,
                x->prev_rank[best], x->rank[best], dir > 0 ? "上升" : "下降", bd);
        shown++;
    }
    if (!shown) fprintf(out, "  无\n");
    free(used);
}

static void class_changes(const pm_project *p, const pm_diagnosis_index *x, size_t n, FILE *out)
{
    size_t count = 0;
    for (size_t c = 0; c < n; c++) count += x->prev->cls[c] >= 0 && x->th->cls[c] >= 0 && x->prev->cls[c] != x->th->cls[c];
    fprintf(out, "%s分级发生变化的%s：%zu个\n", x->th->style->title, p->cfg->term_unit, count);
    char a[48], b[48];
    for (int up = 1; up >= 0; up--)
        for (size_t c = 0; c < n; c++) {
            int k0 = x->prev->cls[c], k1 = x->th->cls[c];
            if (k0 < 0 || k1 < 0 || k0 == k1 || (k1 > k0) != up) continue;
            pm_thematic_format(x->prev, x->prev->value[c], 0, a, sizeof a);
            pm_thematic_format(x->th, x->th->value[c], 0, b, sizeof b);
            fprintf(out, "  %s %s：%s → %s（%s → %s%s）\n", up ? "升级" : "降级", p->ds->committees[c].name,
                    pm_diagnosis_class_name(x->prev, k0), pm_diagnosis_class_name(x->th, k1), a, b,
                    x->th->style->unit);
        }
}

static void summary(const pm_project *p, const pm_diagnosis *d, const char *csv, FILE *out)
{
    const pm_diagnosis_index *x = &d->idx[0];
    size_t n = d->n, by[4] = { 0 };
    if (!d->prev_year) {
        fprintf(out, "%s %d年度：数据中的首个测评年度，没有可比较的上一年。\n", p->cfg->name, d->year);
    } else {
        fprintf(out, "%s %d年度测评变化（与%d年比较）\n\n", p->cfg->name, d->year, d->prev_year);
        size_t top = pm_diagnosis_count_top(x->th, 2), top0 = pm_diagnosis_count_top(x->prev, 2);
        fprintf(out, "%s最高两档（%s、%s）：%zu个，%d年%zu个（%+ld）\n\n", x->th->style->title,
                pm_diagnosis_class_name(x->th, (int)x->th->classes.n - 1),
                pm_diagnosis_class_name(x->th, (int)x->th->classes.n - 2), top, d->prev_year, top0,
                (long)top - (long)top0);
        class_changes(p, x, n, out);
        fprintf(out, "\n排名上升最多：\n");
        movers(p, x, n, 1, out);
        fprintf(out, "排名下降最多：\n");
        movers(p, x, n, -1, out);
    }
    for (size_t i = 0; i < p->ds->nprojects; i++) by[p->ds->projects[i].status]++;
    fprintf(out, "\n共建项目（按状态）：在推进%zu个，计划中%zu个，已完成%zu个%s", by[PM_SITE_RUNNING],
            by[PM_SITE_PLANNED], by[PM_SITE_FINISHED], by[PM_SITE_OTHER] ? "，" : "\n");
    if (by[PM_SITE_OTHER]) fprintf(out, "其他%zu个\n", by[PM_SITE_OTHER]);
    fprintf(out, "  项目文件不分年度，只记录当前状态；逐年比较新增和已完成的项目需要每年一份项目文件。\n");
    int head = 0;
    for (size_t m = 0; m < p->res.nmaps; m++) /* a new year can move breaks pooled over every year */
        if (p->res.moved[m] && p->ds->years[p->ds->nyears - 1] == d->year) {
            if (!head++) fprintf(out, "\n分级变化（分级以全部年度数据为准，新增年度使分级界限移动，往年图件需以--year all重新生成才可比较）：\n");
            fprintf(out, "  %s：%s（如需保持往年图件不变，可在样式中以\"classify\": {\"years\": [...]}指定参考年度）\n",
                    p->styles[m]->title, p->res.moved[m]);
        }
    fprintf(out, "\n已写入 %s（%zu行）\n", csv, n);
}

pm_status pm_cmd_report(const pm_cmd_opts *o, FILE *out, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    pm_diagnosis dx = { 0 };
    char *csv = NULL, *msg = NULL;
    pm_status st = pm_project_open(o->config, NULL, &d, &p);
    pm_diag_print(&d, err);
    if (st) goto done;
    int year = o->year ? o->year : p.ds->years[p.ds->nyears - 1];
    if (pm_dataset_year_index(p.ds, year) < 0) {
        fprintf(err, "partymap: --year %d: the evaluations have no rows for that year\n", year);
        st = PM_EUSAGE;
        goto done;
    }
    pm_diag_fini(&d);
    pm_diag_init(&d);
    pm_terms terms = pm_config_terms(p.cfg, p.ds->nparents > 0);
    st = pm_diagnosis_build(&p.res, year, &terms, &d, &dx);
    pm_diag_print(&d, err);
    if (!st && dx.nidx == 0) {
        fprintf(err, "partymap: report: the config has no maps\n");
        st = PM_EDATA;
    }
    if (st) goto done;
    csv = pm_layout_changes(o->out ? o->out : p.cfg->output, year);
    st = csv ? write_csv(&p, &dx, csv, &msg) : PM_ENOMEM;
    if (st) fprintf(err, "partymap: report: %s\n", msg ? msg : pm_strerror(st));
    else summary(&p, &dx, csv, out);
done:
    free(msg);
    free(csv);
    pm_diagnosis_fini(&dx);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    return st;
}
