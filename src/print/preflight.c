/* Preflight: text sizes, line widths, fonts and colours of a PDF's pages; class tints, inks
 * and palette ratings. */
#include "print/preflight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/pdfcontent.h"
#include "print/pdfedit.h"
#include "print/pdfx.h"
#include "style/cbsafe.h"

#define MAX_STACK 64

void pm_preflight_init(pm_preflight *pf)
{
    memset(pf, 0, sizeof *pf);
    pf->min_text_pt = pf->min_line_pt = INFINITY;
    pf->max_ink = pf->min_tint = NAN;
}

void pm_preflight_fini(pm_preflight *pf)
{
    for (size_t i = 0; i < pf->nnot_embedded; i++) free(pf->not_embedded[i]);
    free(pf->not_embedded);
    free(pf->colors);
    free(pf->cmyk);
    for (size_t i = 0; i < pf->nclasses; i++) free(pf->classes[i].what);
    free(pf->classes);
    for (size_t i = 0; i < pf->npalettes; i++) {
        free(pf->palettes[i].map);
        free(pf->palettes[i].palette);
        free(pf->palettes[i].worst_pair);
    }
    free(pf->palettes);
    free(pf->inks_error);
    memset(pf, 0, sizeof *pf);
}

static pm_status add_color(pm_preflight *pf, pm_rgba c)
{
    for (size_t i = 0; i < pf->ncolors; i++)
        if (fabs(pf->colors[i].r - c.r) < 5e-4 && fabs(pf->colors[i].g - c.g) < 5e-4
            && fabs(pf->colors[i].b - c.b) < 5e-4)
            return PM_OK;
    if (pf->ncolors == pf->ccap && pm_grow((void **)&pf->colors, &pf->ccap, pf->ncolors + 1, sizeof *pf->colors))
        return PM_ENOMEM;
    c.a = 1;
    pf->colors[pf->ncolors++] = c;
    return PM_OK;
}

/* ---- content streams ------------------------------------------------------ */

typedef struct {
    double ctm[6];
    double lw, tfs;
    pm_rgba fill, stroke;
} gstate;

typedef struct {
    pm_preflight *pf;
    const pm_pdf *pdf;
    pm_pdfv *res;        /* resources of the stream (borrowed) */
    size_t page;
    int depth;
    gstate gs[MAX_STACK];
    int top;
    double tm[6];
    int nre, nother;     /* the current path: rectangles and other segments */
    double re_w, re_h;
    pm_status st;
} scan_ctx;

static void mul(const double a[6], const double b[6], double out[6])
{
    double r[6] = { a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                    a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
                    a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5] };
    memcpy(out, r, sizeof r);
}

static double scale_of(const double m[6])
{
    return sqrt(fabs(m[0] * m[3] - m[1] * m[2]));
}

static void note_line(scan_ctx *c, double w)
{
    if (w < c->pf->min_line_pt) { c->pf->min_line_pt = w; c->pf->min_line_page = c->page; }
}

static pm_status scan_stream(scan_ctx *c, const unsigned char *data, size_t len);

/* A form XObject drawn with Do: its content with its matrix and resources. */
static void draw_form(scan_ctx *c, const char *name)
{
    pm_pdfv *own = NULL, *xo = pm_pdf_deref(c->pdf, pm_pdfv_get(c->res, "XObject"), &own);
    pm_pdfv *ref = pm_pdfv_get(xo, name);
    if (ref && ref->kind == PM_PDF_REF && c->depth < 8) {
        pm_pdfv *d = NULL;
        unsigned char *data = NULL;
        size_t len = 0;
        if (pm_pdf_stream(c->pdf, ref->ref, &d, &data, &len) == PM_OK
            && pm_pdfv_is_name(pm_pdfv_get(d, "Subtype"), "Form")) {
            scan_ctx sub = *c;
            pm_pdfv *m = pm_pdfv_get(d, "Matrix");
            double fm[6] = { 1, 0, 0, 1, 0, 0 };
            for (size_t i = 0; m && m->kind == PM_PDF_ARRAY && m->n == 6 && i < 6; i++) fm[i] = m->items[i]->num;
            sub.top = 0;
            sub.gs[0] = c->gs[c->top];
            mul(fm, c->gs[c->top].ctm, sub.gs[0].ctm);
            sub.depth = c->depth + 1;
            pm_pdfv *r = pm_pdfv_get(d, "Resources");
            pm_pdfv *rown = NULL;
            if (r) sub.res = pm_pdf_deref(c->pdf, r, &rown);
            c->st = scan_stream(&sub, data, len);
            pm_pdfv_free(rown);
        }
        pm_pdfv_free(d);
        free(data);
    }
    pm_pdfv_free(own);
}

static int op_is(const pm_pdfop *op, const char *s) { return strcmp(op->op, s) == 0; }

static void paint(scan_ctx *c, int fill, int stroke)
{
    gstate *g = &c->gs[c->top];
    double k = scale_of(g->ctm);
    if (stroke) { note_line(c, g->lw * k); c->st = add_color(c->pf, g->stroke); }
    if (fill && !c->st) {
        c->st = add_color(c->pf, g->fill);
        double t = fmin(fabs(c->re_w), fabs(c->re_h)) * k, l = fmax(fabs(c->re_w), fabs(c->re_h)) * k;
        if (c->nre == 1 && c->nother == 0 && t > 0 && t < 1 && l >= 4 * t) note_line(c, t); /* a rule */
    }
    c->nre = c->nother = 0;
}

static int scan_op(void *vc, const pm_pdfop *op)
{
    scan_ctx *c = vc;
    gstate *g = &c->gs[c->top];
    const double *n = op->num;
    size_t k = op->nnum;
    if (op_is(op, "q")) {
        if (c->top + 1 < MAX_STACK) { c->gs[c->top + 1] = *g; c->top++; }
    } else if (op_is(op, "Q")) {
        if (c->top > 0) c->top--;
    } else if (op_is(op, "cm") && k >= 6) {
        mul(n + k - 6, g->ctm, g->ctm);
    } else if (op_is(op, "w") && k >= 1) {
        g->lw = n[k - 1];
    } else if ((op_is(op, "rg") || op_is(op, "RG")) && k >= 3) {
        pm_rgba col = { n[k - 3], n[k - 2], n[k - 1], 1 };
        if (op->op[0] == 'r') g->fill = col; else g->stroke = col;
    } else if ((op_is(op, "g") || op_is(op, "G")) && k >= 1) {
        pm_rgba col = { n[k - 1], n[k - 1], n[k - 1], 1 };
        if (op->op[0] == 'g') g->fill = col; else g->stroke = col;
    } else if (op_is(op, "BT")) {
        double id[6] = { 1, 0, 0, 1, 0, 0 };
        memcpy(c->tm, id, sizeof id);
    } else if (op_is(op, "Tm") && k >= 6) {
        memcpy(c->tm, n + k - 6, 6 * sizeof *n);
    } else if (op_is(op, "Tf") && k >= 1) {
        g->tfs = n[k - 1];
    } else if ((op_is(op, "Tj") || op_is(op, "TJ") || op_is(op, "'") || op_is(op, "\"")) && op->shows_text) {
        double m[6];
        mul(c->tm, g->ctm, m);
        double size = fabs(g->tfs) * sqrt(m[2] * m[2] + m[3] * m[3]);
        if (size < c->pf->min_text_pt) { c->pf->min_text_pt = size; c->pf->min_text_page = c->page; }
        c->st = add_color(c->pf, g->fill);
    } else if (op_is(op, "re") && k >= 4) {
        c->nre++;
        c->re_w = n[k - 2];
        c->re_h = n[k - 1];
    } else if (op_is(op, "m") || op_is(op, "l") || op_is(op, "c") || op_is(op, "v") || op_is(op, "y")) {
        c->nother++;
    } else if (op_is(op, "S") || op_is(op, "s")) {
        paint(c, 0, 1);
    } else if (op_is(op, "f") || op_is(op, "F") || op_is(op, "f*")) {
        paint(c, 1, 0);
    } else if (op_is(op, "B") || op_is(op, "B*") || op_is(op, "b") || op_is(op, "b*")) {
        paint(c, 1, 1);
    } else if (op_is(op, "n")) {
        c->nre = c->nother = 0;
    } else if (op_is(op, "Do") && op->nargs == 1) {
        char name[128];
        const unsigned char *s = op->start + 1;
        size_t len = 0;
        while (s + len < op->end && len < sizeof name - 1 && !strchr(" \t\r\n/", s[len])) len++;
        memcpy(name, s, len);
        name[len] = '\0';
        draw_form(c, name);
    }
    return c->st != PM_OK;
}

static pm_status scan_stream(scan_ctx *c, const unsigned char *data, size_t len)
{
    pm_status st = pm_pdfcontent_scan(data, len, scan_op, c);
    return st == PM_ECANCEL ? c->st : st;
}

/* ---- fonts ------------------------------------------------------------------ */

static int has_font_file(const pm_pdf *p, pm_pdfv *font)
{
    pm_pdfv *own = NULL, *own2 = NULL;
    if (pm_pdfv_is_name(pm_pdfv_get(font, "Subtype"), "Type3")) return 1;
    pm_pdfv *desc = NULL, *f = font;
    pm_pdfv *kids = pm_pdf_deref(p, pm_pdfv_get(font, "DescendantFonts"), &own);
    if (kids && kids->kind == PM_PDF_ARRAY && kids->n) f = kids->items[0];
    pm_pdfv *fown = NULL, *fd = pm_pdf_deref(p, f, &fown);
    desc = pm_pdf_deref(p, pm_pdfv_get(fd, "FontDescriptor"), &own2);
    int emb = desc && (pm_pdfv_get(desc, "FontFile") || pm_pdfv_get(desc, "FontFile2") || pm_pdfv_get(desc, "FontFile3"));
    pm_pdfv_free(own);
    pm_pdfv_free(own2);
    pm_pdfv_free(fown);
    return emb;
}

static pm_status scan_fonts(pm_preflight *pf, const pm_pdf *p, pm_pdfv *res, long *seen, size_t *nseen)
{
    pm_pdfv *own = NULL, *fonts = pm_pdf_deref(p, pm_pdfv_get(res, "Font"), &own);
    pm_status st = PM_OK;
    for (size_t i = 0; !st && fonts && fonts->kind == PM_PDF_DICT && i < fonts->n; i++) {
        pm_pdfv *r = fonts->items[i];
        int dup = 0;
        for (size_t j = 0; r->kind == PM_PDF_REF && j < *nseen; j++) dup |= seen[j] == r->ref;
        if (dup || *nseen >= 256) continue;
        if (r->kind == PM_PDF_REF) seen[(*nseen)++] = r->ref;
        pm_pdfv *fown = NULL, *font = pm_pdf_deref(p, r, &fown);
        pf->nfonts++;
        if (font && !has_font_file(p, font)) {
            pm_pdfv *bf = pm_pdfv_get(font, "BaseFont");
            char **n = realloc(pf->not_embedded, (pf->nnot_embedded + 1) * sizeof *n);
            if (!n) st = PM_ENOMEM;
            else {
                pf->not_embedded = n;
                if (!(n[pf->nnot_embedded] = pm_strdup(bf && bf->kind == PM_PDF_NAME ? bf->s : "(unnamed)"))) st = PM_ENOMEM;
                else pf->nnot_embedded++;
            }
        }
        pm_pdfv_free(fown);
    }
    pm_pdfv_free(own);
    return st;
}

static pm_status scan_page(pm_preflight *pf, const pm_pdf *p, size_t i, long *seen, size_t *nseen)
{
    pm_pdfv *page = NULL;
    pm_status st = pm_pdf_get(p, pm_pdf_page(p, i), &page);
    if (st) return st;
    pm_pdfv *rown = NULL, *res = pm_pdf_deref(p, pm_pdfv_get(page, "Resources"), &rown);
    scan_ctx c;
    memset(&c, 0, sizeof c);
    c.pf = pf;
    c.pdf = p;
    c.res = res;
    c.page = i + 1;
    c.gs[0] = (gstate){ { 1, 0, 0, 1, 0, 0 }, 1, 0, { 0, 0, 0, 1 }, { 0, 0, 0, 1 } };
    pm_pdfv *cont = pm_pdfv_get(page, "Contents");
    size_t nc = cont && cont->kind == PM_PDF_ARRAY ? cont->n : 1;
    for (size_t k = 0; !st && cont && k < nc; k++) {
        pm_pdfv *r = cont->kind == PM_PDF_ARRAY ? cont->items[k] : cont, *d = NULL;
        unsigned char *data = NULL;
        size_t len = 0;
        if (r->kind != PM_PDF_REF) continue;
        st = pm_pdf_stream(p, r->ref, &d, &data, &len);
        if (!st) st = scan_stream(&c, data, len);
        pm_pdfv_free(d);
        free(data);
    }
    if (!st) st = scan_fonts(pf, p, res, seen, nseen);
    pm_pdfv *xo = NULL, *xd = pm_pdf_deref(p, pm_pdfv_get(res, "XObject"), &xo);
    for (size_t k = 0; !st && xd && xd->kind == PM_PDF_DICT && k < xd->n; k++) {
        pm_pdfv *fo = NULL, *form = pm_pdf_deref(p, xd->items[k], &fo), *fro = NULL;
        pm_pdfv *fres = form ? pm_pdf_deref(p, pm_pdfv_get(form, "Resources"), &fro) : NULL;
        if (fres) st = scan_fonts(pf, p, fres, seen, nseen);
        pm_pdfv_free(fro);
        pm_pdfv_free(fo);
    }
    pm_pdfv_free(xo);
    pm_pdfv_free(rown);
    pm_pdfv_free(page);
    return st;
}

pm_status pm_preflight_pdf(pm_preflight *pf, const unsigned char *pdf, size_t len, char **err)
{
    pm_pdf *p = NULL;
    pm_status st = pm_pdf_open(pdf, len, &p, err);
    long seen[256];
    size_t nseen = 0;
    for (size_t i = 0; !st && i < pm_pdf_page_count(p); i++) st = scan_page(pf, p, i, seen, &nseen);
    if (st == PM_EDATA && err && !*err) *err = pm_strdup("a page of the PDF cannot be read");
    pm_pdf_free(p);
    return st;
}

/* ---- classes, palettes, inks ----------------------------------------------- */

pm_status pm_preflight_map(pm_preflight *pf, const pm_thematic *th)
{
    const pm_style *s = th->style;
    size_t n = th->classes.n;
    pm_preflight_class *cl = realloc(pf->classes, (pf->nclasses + n + 1) * sizeof *cl);
    if (!cl) return PM_ENOMEM;
    pf->classes = cl;
    for (size_t k = 0; k < n; k++) {
        pm_preflight_class *c = &pf->classes[pf->nclasses];
        c->rgb = th->colors[k];
        c->rgb.a = 1;
        for (int i = 0; i < 4; i++) c->cmyk[i] = NAN;
        if (!(c->what = pm_asprintf("%s %s", s->id, th->labels[k]))) return PM_ENOMEM;
        pf->nclasses++;
    }
    pm_preflight_palette *pl = realloc(pf->palettes, (pf->npalettes + 1) * sizeof *pl);
    if (!pl) return PM_ENOMEM;
    pf->palettes = pl;
    pm_preflight_palette *p = &pf->palettes[pf->npalettes];
    memset(p, 0, sizeof *p);
    p->worst_delta = NAN;
    p->classes = n;
    p->map = pm_strdup(s->id);
    p->palette = pm_strdup(s->palette_name ? s->palette_name : "custom");
    if (!p->map || !p->palette) { free(p->map); free(p->palette); return PM_ENOMEM; }
    p->rating = pm_palette_cb_rating(p->palette, n);
    if (p->rating == PM_CB_UNRATED && n >= 2) {
        double seen = 0, normal = 0;
        int confused = pm_palette_cvd_confusion(th->colors, n, &p->worst_a, &p->worst_b, &seen, &normal);
        p->worst_delta = seen;
        p->rating = confused ? PM_CB_UNSAFE : PM_CB_UNRATED;
        p->worst_pair = pm_asprintf("%s / %s", th->labels[p->worst_a], th->labels[p->worst_b]);
    }
    pf->npalettes++;
    return PM_OK;
}

static double total(const double c[4]) { return 100 * (c[0] + c[1] + c[2] + c[3]); }
static double tint(const double c[4]) { return 100 * fmax(fmax(c[0], c[1]), fmax(c[2], c[3])); }

pm_status pm_preflight_inks(pm_preflight *pf, const double *ink_rgb)
{
    size_t n = pf->ncolors + pf->nclasses;
    pm_rgba *all = malloc((n + 1) * sizeof *all);
    double (*cmyk)[4] = malloc((n + 1) * sizeof *cmyk);
    if (!all || !cmyk) { free(all); free(cmyk); return PM_ENOMEM; }
    memcpy(all, pf->colors, pf->ncolors * sizeof *all);
    for (size_t i = 0; i < pf->nclasses; i++) all[pf->ncolors + i] = pf->classes[i].rgb;
    char *err = NULL;
    pm_status st = pm_pdfx_cmyk(all, n, ink_rgb, cmyk, &err);
    free(all);
    if (st == PM_ENOMEM) { free(cmyk); free(err); return st; }
    if (st) {
        free(cmyk);
        free(pf->inks_error);
        pf->inks_error = err ? err : pm_strdup(pm_strerror(st));
        return PM_OK;
    }
    free(err);
    free(pf->cmyk);
    pf->cmyk = cmyk;
    pf->inks_known = 1;
    pf->max_ink = 0;
    for (size_t i = 0; i < pf->ncolors; i++)
        if (total(cmyk[i]) > pf->max_ink) { pf->max_ink = total(cmyk[i]); pf->max_ink_rgb = pf->colors[i]; }
    pf->min_tint = NAN;
    for (size_t i = 0; i < pf->nclasses; i++) {
        memcpy(pf->classes[i].cmyk, cmyk[pf->ncolors + i], sizeof pf->classes[i].cmyk);
        double t = tint(pf->classes[i].cmyk);
        if (isnan(pf->min_tint) || t < pf->min_tint) { pf->min_tint = t; pf->min_tint_class = i; }
        if (total(pf->classes[i].cmyk) > pf->max_ink) { pf->max_ink = total(pf->classes[i].cmyk); pf->max_ink_rgb = pf->classes[i].rgb; }
    }
    return PM_OK;
}

static void hex(pm_rgba c, char buf[8])
{
    snprintf(buf, 8, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
}

size_t pm_preflight_problems(const pm_preflight *pf, pm_preflight_fn fn, void *ctx)
{
    char msg[512], h[8];
    size_t n = 0;
    if (pf->min_text_pt < PM_PREFLIGHT_MIN_TEXT_PT) {
        snprintf(msg, sizeof msg, "text of %.1f pt on page %zu (smaller than %g pt prints badly)",
                 pf->min_text_pt, pf->min_text_page, PM_PREFLIGHT_MIN_TEXT_PT);
        fn(ctx, "text size", msg), n++;
    }
    if (pf->min_line_pt < PM_PREFLIGHT_MIN_LINE_PT) {
        snprintf(msg, sizeof msg, "a line of %.2f pt on page %zu (thinner than %g pt breaks up in print)",
                 pf->min_line_pt, pf->min_line_page, PM_PREFLIGHT_MIN_LINE_PT);
        fn(ctx, "line width", msg), n++;
    }
    for (size_t i = 0; i < pf->nnot_embedded; i++) {
        snprintf(msg, sizeof msg, "font %s is not embedded (the shop may not have it)", pf->not_embedded[i]);
        fn(ctx, "fonts", msg), n++;
    }
    for (size_t i = 0; pf->inks_known && i < pf->nclasses; i++) {
        const pm_preflight_class *c = &pf->classes[i];
        double t = tint(c->cmyk);
        if (t >= PM_PREFLIGHT_MIN_TINT) continue;
        hex(c->rgb, h);
        snprintf(msg, sizeof msg, "class %s (%s) prints as a %.0f %% tint (C%.0f M%.0f Y%.0f K%.0f; under %g %% "
                 "it can hardly be told from paper)", c->what, h, t, c->cmyk[0] * 100, c->cmyk[1] * 100,
                 c->cmyk[2] * 100, c->cmyk[3] * 100, PM_PREFLIGHT_MIN_TINT);
        fn(ctx, "tint", msg), n++;
    }
    if (pf->inks_known && pf->max_ink > PM_PREFLIGHT_MAX_INK) {
        hex(pf->max_ink_rgb, h);
        snprintf(msg, sizeof msg, "colour %s needs %.0f %% total ink (more than %g %% smears)", h, pf->max_ink,
                 PM_PREFLIGHT_MAX_INK);
        fn(ctx, "total ink", msg), n++;
    }
    for (size_t i = 0; i < pf->npalettes; i++) {
        const pm_preflight_palette *p = &pf->palettes[i];
        if (p->rating == PM_CB_SAFE || p->rating == PM_CB_UNRATED) continue;
        if (isnan(p->worst_delta))
            snprintf(msg, sizeof msg, "map %s: palette %s with %zu classes: ColorBrewer rates it %s",
                     p->map, p->palette, p->classes, pm_cb_rating_text((pm_cb_rating)p->rating));
        else
            snprintf(msg, sizeof msg, "map %s: custom colours: classes %s look alike to red-green "
                     "colour-blind readers (CIE76 difference %.1f as they see it)", p->map,
                     p->worst_pair ? p->worst_pair : "?", p->worst_delta);
        fn(ctx, "colour-blind safety", msg), n++;
    }
    return n;
}
