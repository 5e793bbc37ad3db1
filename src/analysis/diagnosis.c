/* Diagnosis figures: ranks, medians, standings and the sentences generated from them. */
#include "analysis/diagnosis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pm_status pm_diagnosis_build(const pm_results *r, int year, const pm_terms *terms, pm_diag *diag,
                             pm_diagnosis *out)
{
    memset(out, 0, sizeof *out);
    out->terms = *terms;
    long y = pm_results_year(r, year);
    if (y < 0) {
        pm_diag_add(diag, PM_SEV_ERROR, "", "", "year", "no evaluation data for %d", year);
        return PM_EDATA;
    }
    out->year = year;
    out->r = r;
    out->yi = (size_t)y;
    out->prev_year = y > 0 ? r->years[y - 1] : 0;
    out->n = r->ncommittees;
    out->idx = calloc(r->nmaps + 1, sizeof *out->idx);
    out->zero = calloc(out->n + 1, sizeof *out->zero);
    if (!out->idx || !out->zero) { pm_diagnosis_fini(out); return PM_ENOMEM; }
    out->nidx = r->nmaps;
    for (size_t m = 0; m < r->nmaps; m++) {
        const pm_mapyear *cur = pm_results_at(r, m, (size_t)y);
        const pm_mapyear *prev = y > 0 ? pm_results_at(r, m, (size_t)y - 1) : NULL;
        out->idx[m] = (pm_diagnosis_index){ &cur->th, prev ? &prev->th : NULL, cur->rank,
                                           prev ? prev->rank : out->zero, cur->nvalid, cur->median,
                                           cur->rank_in_parent, cur->parent_median };
    }
    return PM_OK;
}

void pm_diagnosis_fini(pm_diagnosis *d)
{
    if (!d) return;
    free(d->idx);
    free(d->zero);
    memset(d, 0, sizeof *d);
}

const char *pm_diagnosis_class_name(const pm_thematic *th, int k)
{
    if (k < 0 || (size_t)k >= th->classes.n) return "—";
    const pm_style *s = th->style;
    if (s->class_labels && (size_t)k < s->nthresholds + 1 && s->class_labels[k]) return s->class_labels[k];
    return th->ranges[k];
}

size_t pm_diagnosis_count_top(const pm_thematic *th, size_t k)
{
    size_t count = 0;
    for (size_t c = 0; c < th->n; c++)
        count += th->cls[c] >= 0 && (size_t)th->cls[c] + k >= th->classes.n;
    return count;
}

void pm_diagnosis_position(const pm_terms *t, int rank, size_t n, char *buf, size_t len)
{
    double top = n ? (double)rank / (double)n : 1;
    double bottom = n ? (double)(n - (size_t)rank + 1) / (double)n : 1;
    if (top > 0.5 && bottom > 0.5) { snprintf(buf, len, "%s中游", t->median); return; }
    int front = top <= 0.5;
    /* slack for rounding error: 7 of 35 (exactly 20%) stays in the 20% bucket */
    int pct = (int)ceil((front ? top : bottom) * 10 - 1e-9) * 10;
    snprintf(buf, len, "%s%d%%", front ? "前" : "后", pct < 10 ? 10 : pct);
}

size_t pm_diagnosis_parent_count(const pm_diagnosis *d, size_t c, size_t i)
{
    const pm_results *r = d->r;
    if (!r || !r->parent || r->parent[c] < 0) return 0;
    const int *rp = d->idx[i].rank_in_parent;
    size_t n = 0;
    for (size_t k = 0; k < d->n; k++) n += r->parent[k] == r->parent[c] && rp[k] > 0;
    return n;
}

/* +1 top third, -1 bottom third, 0 neither, of rank among n. */
static int third_of(int rank, size_t n)
{
    if (rank <= 0 || n < 3) return 0;
    if ((size_t)rank * 3 <= n) return 1;
    if ((n - (size_t)rank + 1) * 3 <= n) return -1;
    return 0;
}

int pm_diagnosis_third(const pm_diagnosis *d, size_t c, size_t i, int *parent)
{
    const pm_diagnosis_index *x = &d->idx[i];
    if (parent) *parent = 0;
    int t = third_of(x->rank[c], x->nvalid);
    if (t || !x->rank_in_parent || x->rank_in_parent[c] <= 0) return t;
    t = third_of(x->rank_in_parent[c], pm_diagnosis_parent_count(d, c, i));
    if (t && parent) *parent = 1;
    return t;
}

void pm_diagnosis_standing(const pm_diagnosis *d, size_t c, size_t best[2], size_t *nbest,
                           size_t worst[2], size_t *nworst)
{
    size_t order[64], m = 0;
    double share[64];
    for (size_t i = 0; i < d->nidx && m < 64; i++) {
        const pm_diagnosis_index *x = &d->idx[i];
        if (x->rank[c] <= 0 || x->nvalid == 0) continue;
        double s = (double)x->rank[c] / (double)x->nvalid;
        size_t k = m++; /* insertion sort: stable, so ties keep the style order */
        while (k > 0 && share[k - 1] > s) { share[k] = share[k - 1]; order[k] = order[k - 1]; k--; }
        share[k] = s;
        order[k] = i;
    }
    size_t nb = 0, nw = 0;
    for (size_t k = 0; k < m && nb < 2; k++)
        if (pm_diagnosis_third(d, c, order[k], NULL) > 0) best[nb++] = order[k];
    for (size_t k = m; k-- > 0 && nw < 2;)
        if (pm_diagnosis_third(d, c, order[k], NULL) < 0) worst[nw++] = order[k];
    *nbest = nb;
    *nworst = nw;
}

double pm_diagnosis_to_next(const pm_diagnosis *d, size_t c, size_t i, int *next)
{
    const pm_thematic *th = d->idx[i].th;
    int k = th->cls[c];
    double v = th->value[c];
    *next = -1;
    if (k < 0 || isnan(v)) return NAN;
    int up = th->style->higher_is_better;
    int nk = up ? k + 1 : k - 1;
    if (nk < 0 || (size_t)nk >= th->classes.n) return NAN;
    double bound = up ? th->classes.bounds[k + 1] : th->classes.bounds[k];
    if (!isfinite(bound)) return NAN;
    *next = nk;
    return up ? bound - v : v - bound;
}

/* "“合格”" for a named class, else "上一级（+5.0起）" from its lower bound. */
static void class_ref(const pm_thematic *th, int k, char *buf, size_t len)
{
    const pm_style *s = th->style;
    if (s->class_labels && (size_t)k < s->nthresholds + 1 && s->class_labels[k]) {
        snprintf(buf, len, "“%s”", s->class_labels[k]);
        return;
    }
    char b[48];
    int up = s->higher_is_better;
    pm_thematic_format(th, up ? th->classes.bounds[k] : th->classes.bounds[k + 1], s->classify.method == PM_CLASSIFY_DIVERGING, b, sizeof b);
    snprintf(buf, len, "上一级（%s%s%s）", b, s->unit, up ? "起" : "及以下");
}

static const char *third_word(int t)
{
    return t > 0 ? "前三分之一" : t < 0 ? "后三分之一" : "中间三分之一";
}

/* "高于街道中位数4.1分" / "与街道中位数持平" of v against med. */
static void against(const pm_diagnosis *d, const pm_thematic *th, double v, double med, const char *whose,
                    char *buf, size_t len)
{
    const pm_style *s = th->style;
    double dd = v - med;
    char dif[48];
    pm_thematic_format(th, fabs(dd), 0, dif, sizeof dif);
    if (isnan(dd) || fabs(dd) < 0.5 * pow(10, -s->decimals)) snprintf(buf, len, "与%s中位数持平", whose);
    else snprintf(buf, len, "%s%s中位数%s%s", (dd > 0) == (s->higher_is_better != 0) ? "高于" : "低于", whose, dif, s->unit);
    (void)d;
}

char *pm_diagnosis_sentence(const pm_diagnosis *d, size_t c, size_t i, int strength)
{
    const pm_diagnosis_index *x = &d->idx[i];
    const pm_style *s = x->th->style;
    double v = x->th->value[c];
    int r = x->rank[c];
    if (isnan(v) || r <= 0) return NULL;
    int signed_ = s->classify.method == PM_CLASSIFY_DIVERGING, tied = 0, byparent = 0;
    for (size_t k = 0; k < d->n; k++) tied |= k != c && x->rank[k] == r;
    const pm_terms *t = &d->terms;
    int third = pm_diagnosis_third(d, c, i, &byparent);
    char val[48], cmp[192], par[512] = "", nxt[256] = "";
    pm_thematic_format(x->th, v, signed_, val, sizeof val);
    against(d, x->th, v, x->median, t->median, cmp, sizeof cmp);
    size_t np = pm_diagnosis_parent_count(d, c, i);
    if (np && x->rank_in_parent[c] > 0) {
        char pc[160] = "", whose[96];
        snprintf(whose, sizeof whose, "所属%s", t->parent);
        if (x->parent_median) against(d, x->th, v, x->parent_median[d->r->parent[c]], whose, pc, sizeof pc);
        snprintf(par, sizeof par, "，在所属%s%s第%d名（共%zu个，%s）%s%s", t->parent, tied ? "并列" : "",
                 x->rank_in_parent[c], np, third_word(third_of(x->rank_in_parent[c], np)), *pc ? "，" : "", pc);
    }
    int next;
    double gap = pm_diagnosis_to_next(d, c, i, &next);
    if (!isnan(gap)) {
        char g[48], cl[96];
        pm_thematic_format(x->th, gap, 0, g, sizeof g);
        class_ref(x->th, next, cl, sizeof cl);
        if (strength) snprintf(nxt, sizeof nxt, "，再提高%s%s可进入%s", g, s->unit, cl);
        else snprintf(nxt, sizeof nxt, "，距%s还差%s%s", cl, g, s->unit);
    } else if (x->th->cls[c] >= 0 && strength) {
        const pm_style *st = x->th->style;
        int k = x->th->cls[c], named = st->class_labels && (size_t)k < st->nthresholds + 1 && st->class_labels[k];
        snprintf(nxt, sizeof nxt, named ? "，已在最高一级“%s”" : "，已在最高一级（%s）", pm_diagnosis_class_name(x->th, k));
    }
    (void)byparent; (void)third;
    char mv[64] = "";
    int pr = x->prev_rank[c];
    if (pr > 0) snprintf(mv, sizeof mv, pr == r ? "，名次与上年相同" : "，较上年%s%d位", pr > r ? "上升" : "下降", abs(pr - r));
    return pm_asprintf("%s%s%s，%s%s第%d名（共%zu个%s，%s）%s%s，%s%s。", s->title, val, s->unit, t->whole,
                       tied ? "并列" : "", r, x->nvalid, t->unit, third_word(third_of(r, x->nvalid)), mv, par, cmp, nxt);
}

/* The trend of committee c's headline values over the years up to this one. */
static char *trend_of(const pm_diagnosis *d, size_t c)
{
    const pm_results *r = d->r;
    if (!r) return NULL;
    int yrs[64];
    double v[64];
    size_t m = 0;
    for (size_t y = 0; y <= d->yi && y < r->nyears; y++) {
        double x = pm_results_at(r, 0, y)->th.value[c];
        if (isnan(x)) continue;
        if (m == 64) { memmove(yrs, yrs + 1, 63 * sizeof *yrs); memmove(v, v + 1, 63 * sizeof *v); m--; }
        yrs[m] = r->years[y];
        v[m++] = x;
    }
    if (m < 2) return NULL;
    const pm_thematic *th = &pm_results_at(r, 0, d->yi)->th;
    const pm_style *s = th->style;
    double eps = 0.5 * pow(10, -s->decimals);
    size_t from = m > 4 ? m - 4 : 0; /* at most the last four years */
    char hist[512] = "", a[48];
    size_t len = 0;
    for (size_t k = from; k < m && len < sizeof hist - 64; k++) {
        pm_thematic_format(th, v[k], 0, a, sizeof a);
        len += (size_t)snprintf(hist + len, sizeof hist - len, "%s%d年%s", k > from ? "→" : "", yrs[k], a);
    }
    int sg[3] = { 0, 0, 0 };
    size_t nd = 0;
    for (size_t k = m - 1; k > from && nd < 3; k--) { /* most recent first */
        double dv = v[k] - v[k - 1];
        sg[nd++] = fabs(dv) < eps ? 0 : dv > 0 ? 1 : -1;
    }
    size_t run = 1; /* the latest years moving the same way */
    while (run < nd && sg[run] == sg[0]) run++;
    char last[48], total[48], what[256];
    pm_thematic_format(th, fabs(v[m - 1] - v[m - 2]), 0, last, sizeof last);
    pm_thematic_format(th, fabs(v[m - 1] - v[m - 1 - run]), 0, total, sizeof total);
    const char *up = sg[0] > 0 ? "上升" : "下降";
    if (sg[0] == 0) snprintf(what, sizeof what, "今年与上年持平");
    else if (run >= 2)
        snprintf(what, sizeof what, "连续%s年%s，累计%s%s%s", run == 2 ? "两" : "三", up, sg[0] > 0 ? "提高" : "下降",
                 total, s->unit);
    else if (nd >= 3 && sg[1] == -sg[0] && sg[2] == -sg[0])
        snprintf(what, sizeof what, "在连续两年%s之后，今年%s%s%s%s", sg[0] > 0 ? "下降" : "上升",
                 sg[0] > 0 ? "回升" : "回落", last, s->unit, sg[0] > 0 ? "" : "，需警惕下滑");
    else if (nd >= 2 && sg[1] == -sg[0])
        snprintf(what, sizeof what, "上年%s之后今年%s%s%s", sg[0] > 0 ? "下降" : "上升", sg[0] > 0 ? "回升" : "回落",
                 last, s->unit);
    else snprintf(what, sizeof what, "较上年%s%s%s", sg[0] > 0 ? "提高" : "下降", last, s->unit);
    return pm_asprintf("历年走势：%s%s，%s。", hist, s->unit, what);
}

pm_status pm_diagnosis_overall(const pm_diagnosis *d, size_t c, char **overall, char **trend)
{
    *overall = *trend = NULL;
    const pm_diagnosis_index *x = &d->idx[0];
    const pm_thematic *th = x->th;
    const pm_style *s = th->style;
    double v = th->value[c];
    if (isnan(v) || x->rank[c] <= 0) return PM_OK;
    char val[48], cmp[192], nxt[192];
    pm_thematic_format(th, v, s->classify.method == PM_CLASSIFY_DIVERGING, val, sizeof val);
    against(d, th, v, x->median, d->terms.median, cmp, sizeof cmp);
    int next;
    double gap = pm_diagnosis_to_next(d, c, 0, &next);
    if (!isnan(gap)) {
        char g[48], cl[96];
        pm_thematic_format(th, gap, 0, g, sizeof g);
        class_ref(th, next, cl, sizeof cl);
        snprintf(nxt, sizeof nxt, "距%s还差%s%s", cl, g, s->unit);
    } else snprintf(nxt, sizeof nxt, "已处于最高等级");
    /* the rank is beside it in the key figures and in the strengths or weaknesses */
    *overall = pm_asprintf("%d年%s%s%s，评为“%s”，%s，%s。", d->year, s->title, val, s->unit,
                           pm_diagnosis_class_name(th, th->cls[c]), nxt, cmp);
    if (!*overall) return PM_ENOMEM;
    *trend = trend_of(d, c);
    return PM_OK;
}

size_t pm_diagnosis_peers(const pm_diagnosis *d, const double *size, size_t c, size_t k, size_t *out)
{
    const pm_thematic *th = d->idx[0].th;
    if (!size || !(size[c] > 0) || k > 16) return 0;
    double dist[16];
    size_t m = 0;
    for (size_t o = 0; o < d->n; o++) {
        if (o == c || !(size[o] > 0) || isnan(th->value[o])) continue;
        double dd = fabs(log(size[o] / size[c]));
        if (m == k && dd >= dist[m - 1]) continue;
        size_t j = m < k ? m++ : m - 1; /* insertion into the k nearest */
        while (j > 0 && dist[j - 1] > dd) { dist[j] = dist[j - 1]; out[j] = out[j - 1]; j--; }
        dist[j] = dd;
        out[j] = o;
    }
    return m;
}
