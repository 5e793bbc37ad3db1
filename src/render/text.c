/* Text: Pango/fontconfig behind partymap's own text calls (the only file that uses them). */
#include "render/text.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stddef.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* Two contexts on one font map: layouts bound to a cairo_t pick up its matrix and
 * surface font options, so measuring on a context that is never bound keeps
 * pm_text_measure independent of whatever was drawn last. */
struct pm_text {
    PangoFontMap *fontmap;
    PangoContext *measure_ctx;
    PangoContext *draw_ctx;
    PangoLayout *measure_layout;
    PangoLayout *draw_layout;
    PangoFontDescription *font;
    pm_status sticky;   /* the first failure of pm_text_put since pm_text_clear_error */
};

/* Sizes beyond this overflow Pango's int units long before they make sense. */
#define MAX_SIZE 100000.0

/* fontconfig always returns *some* font; the family is only installed if the best
 * match really carries that name (fonts have several, e.g. localised, names). */
static int family_installed(const char *family)
{
    FcPattern *pat = FcPatternCreate();
    if (!pat) return 0;
    int found = 0;
    FcPattern *match = NULL;
    if (!FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family)) goto done;
    if (!FcConfigSubstitute(NULL, pat, FcMatchPattern)) goto done;
    FcDefaultSubstitute(pat);
    FcResult res;
    match = FcFontMatch(NULL, pat, &res);
    if (!match) goto done;
    FcChar8 *name;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &name) == FcResultMatch; i++)
        if (FcStrCmpIgnoreCase(name, (const FcChar8 *)family) == 0) { found = 1; break; }
done:
    if (match) FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return found;
}

/* Unhinted metrics and unrounded positions: advances then scale linearly with the
 * size and do not depend on the surface type or the current transformation. */
static PangoContext *new_context(PangoFontMap *fm)
{
    PangoContext *ctx = pango_font_map_create_context(fm);
    cairo_font_options_t *fo = cairo_font_options_create();
    if (cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
        cairo_font_options_destroy(fo);
        g_object_unref(ctx);
        return NULL;
    }
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_DEFAULT);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    return ctx;
}

pm_status pm_text_new(const char *family, pm_text **out, char **err)
{
    *out = NULL;
    if (err) *err = NULL;
    if (!family || !*family || !family_installed(family)) {
        if (err) {
            int cjk = family && strstr(family, "CJK");
            *err = pm_asprintf("font \"%s\" is not installed (%s)", family ? family : "",
                               cjk ? "install fonts-noto-cjk"
                                   : "fc-list : family lists the installed families");
        }
        return PM_EDATA;
    }
    pm_text *t = calloc(1, sizeof *t);
    if (!t) goto nomem;
    t->fontmap = pango_cairo_font_map_new();
    if (!t->fontmap) goto nomem;
    t->measure_ctx = new_context(t->fontmap);
    t->draw_ctx = new_context(t->fontmap);
    if (!t->measure_ctx || !t->draw_ctx) goto nomem;
    t->measure_layout = pango_layout_new(t->measure_ctx);
    t->draw_layout = pango_layout_new(t->draw_ctx);
    t->font = pango_font_description_new();
    pango_font_description_set_family(t->font, family);
    *out = t;
    return PM_OK;
nomem:
    pm_text_free(t);
    if (err) *err = pm_strdup("out of memory creating the text engine");
    return PM_ENOMEM;
}

void pm_text_free(pm_text *t)
{
    if (!t) return;
    if (t->font) pango_font_description_free(t->font);
    if (t->draw_layout) g_object_unref(t->draw_layout);
    if (t->measure_layout) g_object_unref(t->measure_layout);
    if (t->draw_ctx) g_object_unref(t->draw_ctx);
    if (t->measure_ctx) g_object_unref(t->measure_ctx);
    if (t->fontmap) g_object_unref(t->fontmap);
    free(t);
}

static pm_status check_args(const char *utf8, const pm_textstyle *st)
{
    if (!utf8 || !st) return PM_EINTERNAL;
    if (!isfinite(st->size) || st->size <= 0 || st->size > MAX_SIZE) return PM_EDATA;
    if (!isfinite(st->max_width) || st->max_width < 0 || st->max_width > MAX_SIZE * 100)
        return PM_EDATA;
    if (!g_utf8_validate(utf8, -1, NULL)) return PM_EDATA;
    return PM_OK;
}

/* Sets everything that determines the layout; Pango skips re-shaping when nothing
 * changed since the previous call. */
static pm_status configure(pm_text *t, PangoLayout *lay, const char *utf8,
                           const pm_textstyle *st)
{
    pm_status s = check_args(utf8, st);
    if (s) return s;
    pango_font_description_set_absolute_size(t->font, st->size * PANGO_SCALE);
    pango_font_description_set_weight(t->font, st->bold ? PANGO_WEIGHT_BOLD
                                                        : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, t->font);
    pango_layout_set_text(lay, utf8, -1);
    if (st->max_width > 0) {
        pango_layout_set_width(lay, (int)lround(st->max_width * PANGO_SCALE));
        pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    } else {
        pango_layout_set_width(lay, -1);
    }
    PangoAlignment al = st->align == PM_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                      : st->align == PM_ALIGN_RIGHT  ? PANGO_ALIGN_RIGHT
                                                     : PANGO_ALIGN_LEFT;
    pango_layout_set_alignment(lay, al);
    return PM_OK;
}

pm_status pm_text_measure(pm_text *t, const char *utf8, const pm_textstyle *st,
                          double *w, double *h)
{
    *w = *h = 0;
    pm_status s = configure(t, t->measure_layout, utf8, st);
    if (s) return s;
    PangoRectangle logical;
    pango_layout_get_extents(t->measure_layout, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    return PM_OK;
}

static pm_status cairo_to_status(cairo_status_t cs)
{
    if (cs == CAIRO_STATUS_SUCCESS) return PM_OK;
    if (cs == CAIRO_STATUS_NO_MEMORY) return PM_ENOMEM;
    if (cs == CAIRO_STATUS_WRITE_ERROR || cs == CAIRO_STATUS_TEMP_FILE_ERROR) return PM_EIO;
    return PM_EINTERNAL;
}

/* Binds the draw layout to cr, so shaping matches the target (and PDF output
 * refers to real fonts rather than paths). */
static pm_status bind_layout(pm_text *t, cairo_t *cr, const char *utf8,
                             const pm_textstyle *st, PangoRectangle *logical)
{
    pm_status s = cairo_to_status(cairo_status(cr));
    if (s) return s;
    s = configure(t, t->draw_layout, utf8, st);
    if (s) return s;
    pango_cairo_update_layout(cr, t->draw_layout);
    pango_layout_get_extents(t->draw_layout, NULL, logical);
    return PM_OK;
}

pm_status pm_text_measure_on(pm_text *t, cairo_t *cr, const char *utf8,
                             const pm_textstyle *st, double *w, double *h)
{
    *w = *h = 0;
    PangoRectangle logical;
    pm_status s = bind_layout(t, cr, utf8, st, &logical);
    if (s) return s;
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    return PM_OK;
}

static void set_source(cairo_t *cr, pm_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* A halo on a pixel target, without stroking glyph outlines (costly for CJK): the
 * glyphs are rasterised once into an A8 mask (from cairo's glyph cache), the mask is
 * dilated by a disc of radius halo_width / 2 with an antialiased rim, and both masks
 * are painted.  The stroke covers the same ground: glyphs grown by half its width.
 * The mask keeps the text's sub-pixel position, so a label drawn across two
 * metatiles gives the same pixels in both. */

/* Largest halo mask side drawn this way (px); beyond it, the stroke. */
#define HALO_MAX_SIDE 2048

static int pixel_target(cairo_t *cr)
{
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE) return 0;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    return m.xx == 1 && m.yy == 1 && m.xy == 0 && m.yx == 0;
}

/* dst = max over the disc of src × rim weight; both a8 images of the same size.
 * A pixel at least half covered counts as inside: thin CJK strokes rarely cover a
 * whole pixel, and a halo grown from their partial coverage would be see-through.
 * Each covered source pixel stamps the disc (symmetric, so the same max): most of a
 * label's box is empty, and is then skipped.  0 when out of memory. */
static int dilate(const unsigned char *src, unsigned char *dst, int w, int h, int stride, double r)
{
    int R = (int)ceil(r + 1), n = 0;
    size_t side = (size_t)(2 * R + 1);
    struct stamp { ptrdiff_t off; int i, j; unsigned k; } *disc = malloc(sizeof *disc * side * side);
    if (!disc) return 0;
    for (int j = -R; j <= R; j++)
        for (int i = -R; i <= R; i++) {
            double wgt = r + 1 - sqrt((double)(i * i + j * j));
            if (wgt > 0)
                disc[n++] = (struct stamp){ (ptrdiff_t)j * stride + i, i, j, wgt >= 1 ? 256 : (unsigned)(wgt * 256) };
        }
    memset(dst, 0, (size_t)stride * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned s = src[(size_t)y * stride + x];
            if (!s) continue;
            unsigned c = s >= 128 ? 255 : s * 2u; /* half-covered = inside */
            int inner = x >= R && x < w - R && y >= R && y < h - R;
            unsigned char *d = dst + (size_t)y * stride + x;
            for (int e = 0; e < n; e++) {
                int tx = x + disc[e].i, ty = y + disc[e].j;
                if (!inner && (tx < 0 || tx >= w || ty < 0 || ty >= h)) continue;
                unsigned v = (c * disc[e].k) >> 8;
                if (v > d[disc[e].off]) d[disc[e].off] = (unsigned char)v;
            }
        }
    free(disc);
    return 1;
}

/* Draws layout (origin ox, oy in user space) with its halo through masks; returns 0
 * when this target or size is not for masks (the caller strokes instead). */
static int draw_masked(pm_text *t, cairo_t *cr, const pm_textstyle *st, double ox, double oy)
{
    if (!pixel_target(cr)) return 0;
    PangoRectangle ink;
    pango_layout_get_extents(t->draw_layout, &ink, NULL);
    double r = st->halo_width / 2, dx = ox, dy = oy;
    cairo_user_to_device(cr, &dx, &dy);
    int pad = (int)ceil(r) + 2;
    double ix0 = dx + (double)ink.x / PANGO_SCALE, iy0 = dy + (double)ink.y / PANGO_SCALE;
    double ix1 = ix0 + (double)ink.width / PANGO_SCALE, iy1 = iy0 + (double)ink.height / PANGO_SCALE;
    if (!(ix1 - ix0 < HALO_MAX_SIDE && iy1 - iy0 < HALO_MAX_SIDE)) return 0;
    if (ink.width <= 0 || ink.height <= 0) return 1; /* nothing to draw */
    int mx = (int)floor(ix0) - pad, my = (int)floor(iy0) - pad;
    int mw = (int)ceil(ix1) + pad - mx, mh = (int)ceil(iy1) + pad - my;
    cairo_surface_t *glyphs = cairo_image_surface_create(CAIRO_FORMAT_A8, mw, mh);
    cairo_surface_t *halo = cairo_image_surface_create(CAIRO_FORMAT_A8, mw, mh);
    int ok = cairo_surface_status(glyphs) == CAIRO_STATUS_SUCCESS
          && cairo_surface_status(halo) == CAIRO_STATUS_SUCCESS;
    if (ok) {
        cairo_t *g = cairo_create(glyphs);
        cairo_move_to(g, dx - mx, dy - my);
        pango_cairo_show_layout(g, t->draw_layout);
        ok = cairo_status(g) == CAIRO_STATUS_SUCCESS;
        cairo_destroy(g);
    }
    if (ok) {
        cairo_surface_flush(glyphs);
        cairo_surface_flush(halo);
        ok = dilate(cairo_image_surface_get_data(glyphs), cairo_image_surface_get_data(halo), mw,
                    mh, cairo_image_surface_get_stride(glyphs), r);
        cairo_surface_mark_dirty(halo);
    }
    if (ok) {
        cairo_save(cr);
        cairo_identity_matrix(cr);
        set_source(cr, st->halo);
        cairo_mask_surface(cr, halo, mx, my);
        set_source(cr, st->color);
        cairo_mask_surface(cr, glyphs, mx, my);
        cairo_restore(cr);
    }
    cairo_surface_destroy(glyphs);
    cairo_surface_destroy(halo);
    if (!ok) return 0;
    return 1;
}

pm_status pm_text_draw(pm_text *t, cairo_t *cr, const char *utf8, const pm_textstyle *st,
                       double x, double y)
{
    PangoRectangle logical;
    pm_status s = bind_layout(t, cr, utf8, st, &logical);
    if (s) return s;
    /* The logical rectangle may start off the layout origin (alignment within a
     * wrap width): shift so that the box, not the layout, lands on (x, y). */
    double ox = x - (double)logical.x / PANGO_SCALE;
    double oy = y - (double)logical.y / PANGO_SCALE;
    if (st->halo.a > 0 && st->halo_width > 0 && draw_masked(t, cr, st, ox, oy))
        return cairo_to_status(cairo_status(cr));
    cairo_save(cr);
    if (st->halo.a > 0 && st->halo_width > 0) {
        cairo_new_path(cr);
        cairo_move_to(cr, ox, oy);
        pango_cairo_layout_path(cr, t->draw_layout);
        set_source(cr, st->halo);
        cairo_set_line_width(cr, st->halo_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_move_to(cr, ox, oy);
    set_source(cr, st->color);
    pango_cairo_show_layout(cr, t->draw_layout);
    cairo_new_path(cr);
    cairo_restore(cr);
    return cairo_to_status(cairo_status(cr));
}

double pm_text_baseline(pm_text *t, const char *utf8, const pm_textstyle *st)
{
    if (configure(t, t->measure_layout, utf8, st)) return 0;
    PangoRectangle logical;
    pango_layout_get_extents(t->measure_layout, NULL, &logical);
    return (double)(pango_layout_get_baseline(t->measure_layout) - logical.y) / PANGO_SCALE;
}

double pm_text_put(pm_text *t, cairo_t *cr, const char *s, const pm_textstyle *st, double x, double y)
{
    double w = 0, h = 0;
    pm_status r = pm_text_measure(t, s, st, &w, &h);
    if (!r) {
        double x0 = st->align == PM_ALIGN_RIGHT ? x - w : st->align == PM_ALIGN_CENTER ? x - w / 2 : x;
        r = pm_text_draw(t, cr, s, st, x0, y);
    }
    if (r && !t->sticky) t->sticky = r;
    return r ? 0 : w;
}

pm_status pm_text_error(const pm_text *t)
{
    return t->sticky;
}

void pm_text_clear_error(pm_text *t)
{
    t->sticky = PM_OK;
}

const char *pm_text_name(const char *name, pm_namebuf *buf)
{
    if (!name) return name;
    size_t chars = 0, cut = 0; /* cut: the byte length of the first PM_NAME_DRAWN - 1 */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p & 0xC0) == 0x80) continue; /* a continuation byte */
        if (++chars == PM_NAME_DRAWN) cut = (size_t)((const char *)p - name);
        if (chars > PM_NAME_DRAWN) {
            memcpy(buf->s, name, cut);
            memcpy(buf->s + cut, "\xE2\x80\xA6", 4); /* "…" and the NUL */
            return buf->s;
        }
    }
    return name;
}
