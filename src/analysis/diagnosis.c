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
    size_t nb = m < 2 ? m : 2, nw = m - nb < 2 ? m - nb : 2;
    for (size_t k = 0; k < nb; k++) best[k] = order[k];
    for (size_t k = 0; k < nw; k++) worst[k] = order[m - 1 - k];
    *nbest = nb;
    *nworst = nw;
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

/* The verdict; a middle rank (in neither half) is neither upper nor lower half. */
static void conclusion(const pm_terms *t, int strength, double top, double bottom, char *buf, size_t len)
{
    const char *u = t->unit, *m = t->median;
    if (strength) {
        if (top <= 0.10) snprintf(buf, len, "是该%s的突出优势", u);
        else if (top <= 0.30) snprintf(buf, len, "是该%s的优势所在", u);
        else if (top <= 0.50) snprintf(buf, len, "在该%s各项指数中表现较好", u);
        else if (bottom > 0.50) snprintf(buf, len, "在该%s各项指数中表现相对较好", u);
        else snprintf(buf, len, "虽处于%s中下游，但已是该%s各项指数中相对较好的一项", m, u);
        return;
    }
    if (bottom <= 0.10) snprintf(buf, len, "是最需要补齐的短板，建议作为下一年度的工作重点");
    else if (bottom <= 0.30) snprintf(buf, len, "是需要重点提升的短板");
    else if (bottom <= 0.50) snprintf(buf, len, "仍有较大提升空间");
    else if (top > 0.50) snprintf(buf, len, "在该%s各项指数中相对靠后，可进一步提升", u);
    else snprintf(buf, len, "虽处于%s中上游，但在该%s各项指数中相对靠后，可进一步巩固提升", m, u);
}

char *pm_diagnosis_sentence(const pm_diagnosis *d, size_t c, size_t i, int strength)
{
    const pm_diagnosis_index *x = &d->idx[i];
    const pm_style *s = x->th->style;
    double v = x->th->value[c];
    int r = x->rank[c];
    if (isnan(v) || r <= 0) return NULL;
    int signed_ = s->classify.method == PM_CLASSIFY_DIVERGING, tied = 0;
    for (size_t k = 0; k < d->n; k++) tied |= k != c && x->rank[k] == r;
    const pm_terms *t = &d->terms;
    char val[48], dif[48], pos[96], cmp[192], verdict[256];
    pm_thematic_format(x->th, v, signed_, val, sizeof val);
    pm_diagnosis_position(t, r, x->nvalid, pos, sizeof pos);
    double dd = v - x->median;
    pm_thematic_format(x->th, fabs(dd), 0, dif, sizeof dif);
    if (isnan(dd) || fabs(dd) < 0.5 * pow(10, -s->decimals)) snprintf(cmp, sizeof cmp, "与%s中位数持平", t->median);
    else snprintf(cmp, sizeof cmp, "%s%s中位数%s%s", dd > 0 ? "高于" : "低于", t->median, dif, s->unit);
    double top = (double)r / (double)x->nvalid;
    double bottom = (double)(x->nvalid - (size_t)r + 1) / (double)x->nvalid;
    conclusion(t, strength, top, bottom, verdict, sizeof verdict);
    return pm_asprintf("%s为%s%s，%s%s第%d名（共%zu个%s），处于%s，%s，%s。", s->title, val,
                       s->unit, tied ? "并列" : "位列", t->whole, r, x->nvalid, t->unit, pos, cmp, verdict);
}
