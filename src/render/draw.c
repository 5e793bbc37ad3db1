/* The drawing core: context layers, choropleth fills, boundaries, points, labels. */
#include "render/draw.h"

#include <math.h>

#include "geo/clip.h"
#include "render/house.h"
#include "render/lines.h"

/* How a layer sets its colours: as given (screen), or opaque over what lies under
 * them and under the veil when veil > 0 (print). */
typedef struct {
    int print;
    double veil;
} paint;

pm_rgba pm_rgba_over(pm_rgba top, pm_rgba under)
{
    double a = top.a;
    return (pm_rgba){ top.r * a + under.r * (1 - a), top.g * a + under.g * (1 - a),
                      top.b * a + under.b * (1 - a), 1 };
}

/* The colour c as the layer prints it over under. */
static pm_rgba shade(const paint *p, pm_rgba c, pm_rgba under)
{
    if (!p->print) return c;
    if (c.a < 1) c = pm_rgba_over(c, under);
    c.a = 1;
    if (p->veil > 0) c = pm_rgba_over((pm_rgba){ PM_WHITE.r, PM_WHITE.g, PM_WHITE.b, p->veil }, c);
    return c;
}

static void ink(cairo_t *cr, const paint *p, pm_rgba c, pm_rgba under)
{
    pm_set_rgba(cr, shade(p, c, under));
}

static void geom_path(cairo_t *cr, const pm_view *v, const pm_geom *g, int close)
{
    for (size_t r = 0; r < g->nrings; r++) {
        for (uint32_t i = g->ring_off[r]; i < g->ring_off[r + 1]; i++) {
            pm_pt d = pm_view_to_dev(v, g->pts[i]);
            if (i == g->ring_off[r]) cairo_move_to(cr, d.x, d.y);
            else cairo_line_to(cr, d.x, d.y);
        }
        if (close) cairo_close_path(cr);
    }
}

static int visible(const pm_view *v, const pm_bbox *b, double margin)
{
    pm_bbox e = v->extent;
    double m = margin / v->scale;
    e.minx -= m; e.miny -= m; e.maxx += m; e.maxy += m;
    return pm_bbox_intersects(&e, b);
}

static void hatch_fill(cairo_t *cr, const paint *p, pm_rgba base, pm_rgba under, double spacing)
{
    double x0, y0, x1, y1;
    pm_rgba b = p->print ? (base.a < 1 ? pm_rgba_over(base, under) : base) : base;
    cairo_save(cr);
    cairo_clip_preserve(cr);
    ink(cr, p, base, under);
    cairo_fill_preserve(cr);
    cairo_fill_extents(cr, &x0, &y0, &x1, &y1);
    cairo_new_path(cr);
    double h = y1 - y0;
    for (double x = x0 - h; x < x1; x += spacing) {
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x + h, y0);
    }
    ink(cr, p, PM_HATCH, b);
    cairo_set_line_width(cr, spacing * 0.18);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void pm_draw_hatch_fill(cairo_t *cr, pm_rgba base, double spacing)
{
    paint p = { 0, 0 };
    hatch_fill(cr, &p, base, PM_WHITE, spacing);
}

void pm_draw_hatch_fill_opaque(cairo_t *cr, pm_rgba base, double spacing)
{
    paint p = { 1, 0 };
    hatch_fill(cr, &p, base, PM_WHITE, spacing);
}

static void context_label(pm_text *t, cairo_t *cr, const pm_view *v, const pm_geom *g,
                          const char *name, double size, pm_rgba color, const paint *pt,
                          pm_rgba under)
{
    if (!name || size <= 0 || g->kind != PM_GEOM_POLYGON) return;
    /* the visual centre of the part in view: neighbours reach far beyond the map */
    pm_geom part;
    if (pm_geom_clip_box(g, v->extent, &part) != PM_OK) return;
    double room = 0;
    pm_pt c = pm_geom_visual_centre(&part, (v->extent.maxx - v->extent.minx) / 400 + 1e-9, &room);
    int empty = part.nrings == 0;
    pm_geom_fini(&part);
    if (empty) return;
    pm_pt d = pm_view_to_dev(v, c);
    pm_textstyle st = { .size = size, .align = PM_ALIGN_CENTER, .color = shade(pt, color, under),
                        .halo = shade(pt, PM_CONTEXT_HALO, under), .halo_width = size * 0.25 };
    double w, h;
    if (pm_text_measure(t, name, &st, &w, &h) != PM_OK || w > 2.2 * room * v->scale) return;
    if (d.x - w / 2 < v->x || d.x + w / 2 > v->x + v->w || d.y - h / 2 < v->y || d.y + h / 2 > v->y + v->h)
        return;
    pm_text_draw(t, cr, name, &st, d.x - w / 2, d.y - h / 2);
}

static void draw_context(cairo_t *cr, pm_text *t, const pm_view *v, const pm_scene *s,
                         const pm_mapdraw *m, const paint *pt, pm_ctx_role role)
{
    for (size_t i = 0; i < s->nctx; i++) {
        const pm_scene_ctx *c = &s->ctx[i];
        if (c->role != role) continue;
        for (size_t k = 0; k < c->n; k++) {
            const pm_geom *g = &c->geoms[k];
            if (!visible(v, &g->bbox, 10)) continue;
            cairo_new_path(cr);
            geom_path(cr, v, g, 1);
            pm_rgba fill = role == PM_CTX_RIVER ? PM_WATER : PM_AREA_FILL;
            ink(cr, pt, fill, PM_WHITE);
            if (role == PM_CTX_RIVER) {
                cairo_fill(cr);
            } else {
                cairo_fill_preserve(cr);
                ink(cr, pt, PM_AREA_EDGE, fill);
                cairo_set_line_width(cr, m->outline_width);
                cairo_stroke(cr);
            }
            context_label(t, cr, v, g, c->names ? c->names[k] : NULL, m->context_label_size,
                          role == PM_CTX_RIVER ? PM_WATER_TEXT : PM_CONTEXT_TEXT, pt, fill);
        }
    }
}

/* Roads: a grey line on a light casing, readable on every class colour and distinct
 * from the white committee boundaries.  All casings first, then all lines, each
 * width class as one path: crossings join cleanly, and under a clip (the committees'
 * outline, thousands of rings) every stroke costs a pass over the clip, so four
 * strokes instead of two per road. */
static void draw_roads(cairo_t *cr, const pm_view *v, const pm_scene *s, const pm_mapdraw *m,
                       const paint *pt, pm_rgba under, const pm_bbox *within)
{
    pm_rgba casing = shade(pt, PM_ROAD_CASING, under);
    pm_rgba under_line = pt->print ? pm_rgba_over(PM_ROAD_CASING, under) : under;
    for (int pass = 0; pass < 4; pass++) {
        int major = pass & 1, line = pass >> 1, any = 0;
        cairo_new_path(cr);
        for (size_t i = 0; i < s->nctx; i++) {
            const pm_scene_ctx *c = &s->ctx[i];
            if (c->role != PM_CTX_ROAD) continue;
            for (size_t k = 0; k < c->n; k++) {
                if ((c->major && c->major[k]) != major || !visible(v, &c->geoms[k].bbox, 10)
                    || (within && !pm_bbox_intersects(within, &c->geoms[k].bbox)))
                    continue;
                geom_path(cr, v, &c->geoms[k], 0);
                any = 1;
            }
        }
        if (!any) continue;
        double w = (major ? 1.9 : 1.2) * m->outline_width;
        /* the line lies on its casing */
        if (line) pm_set_rgba(cr, shade(pt, PM_ROAD, under_line));
        else pm_set_rgba(cr, casing);
        cairo_set_line_width(cr, line ? w : w * 2.2);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

/* Adds the polylines of lines (ring r's bbox in boxes[r]) that come within margin
 * device units of the view, to cr's path or, when l is not NULL, to l. */
static void lines_path(cairo_t *cr, pm_lines *l, const pm_view *v, const pm_geom *lines,
                       const pm_bbox *boxes, double margin)
{
    for (size_t r = 0; r < lines->nrings; r++) {
        if (!visible(v, &boxes[r], margin)) continue;
        for (uint32_t i = lines->ring_off[r]; i < lines->ring_off[r + 1]; i++) {
            pm_pt d = pm_view_to_dev(v, lines->pts[i]);
            int first = i == lines->ring_off[r];
            if (l) (first ? pm_lines_move : pm_lines_line)(l, d);
            else if (first) cairo_move_to(cr, d.x, d.y);
            else cairo_line_to(cr, d.x, d.y);
        }
    }
}

/* The union of the committees near the view as the current path: they tessellate,
 * so under the even-odd rule their rings together are their union. */
static void committees_path(cairo_t *cr, const pm_view *v, const pm_scene *s)
{
    cairo_new_path(cr);
    for (size_t i = 0; i < s->ncommittees; i++)
        if (visible(v, &s->committees[i].bbox, 1)) geom_path(cr, v, &s->committees[i], 1);
}

static size_t visible_committees(const pm_view *v, const pm_scene *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncommittees; i++) n += visible(v, &s->committees[i].bbox, 1);
    return n;
}

/* What committee i's fill prints as: its colour (or no-data base) over the backing. */
static pm_rgba committee_colour(const pm_mapdraw *m, size_t i)
{
    pm_rgba back = m->outline.a < 1 ? pm_rgba_over(m->outline, PM_WHITE) : m->outline;
    pm_rgba c = m->nodata && m->nodata[i] ? m->nodata_fill : m->fill ? m->fill[i] : back;
    return c.a < 1 ? pm_rgba_over(c, back) : (pm_rgba){ c.r, c.g, c.b, 1 };
}

static void draw_committees(cairo_t *cr, const pm_view *v, const pm_scene *s, const pm_mapdraw *m,
                            const paint *pt)
{
    /* The outer boundary: the edges no two committees share, stroked wide; the fills
     * then cover the inner half. */
    cairo_new_path(cr);
    if (m->boundary_width > 0) { /* 0: the style drew none */
        lines_path(cr, NULL, v, &s->edges.outer, s->edges.outer_bbox, 2 * m->boundary_width);
        ink(cr, pt, m->boundary, PM_WHITE);
        cairo_set_line_width(cr, m->boundary_width * 2);
        cairo_stroke(cr);
    }
    /* An opaque backing in the outline colour: where two fills meet, their
     * antialiased rims alone would leave a faintly transparent seam (committees
     * tessellate, so their even-odd path is their union). */
    committees_path(cr, v, s);
    ink(cr, pt, m->outline, PM_WHITE);
    cairo_fill(cr);
    pm_rgba back = pm_rgba_over(m->outline, PM_WHITE);
    for (size_t i = 0; i < s->ncommittees; i++) {
        if (!visible(v, &s->committees[i].bbox, 1)) continue;
        cairo_new_path(cr);
        geom_path(cr, v, &s->committees[i], 1);
        if (m->nodata && m->nodata[i]) hatch_fill(cr, pt, m->nodata_fill, back, 6 * m->outline_width);
        else if (m->fill) { ink(cr, pt, m->fill[i], back); cairo_fill(cr); }
    }
    /* every boundary once: a shared edge stroked twice would get darker rims.  On
     * pixels, drawn by distance (pm_lines_draw): Cairo's stroker took a sixth of
     * a tile's time on these thin lines alone. */
    pm_rgba line = shade(pt, m->outline, back);
    pm_lines net = { 0 };
    lines_path(cr, &net, v, &s->edges.all, s->edges.all_bbox, 2 * m->outline_width);
    if (!pm_lines_draw(cr, &net, m->outline_width, line)) {
        cairo_new_path(cr);
        lines_path(cr, NULL, v, &s->edges.all, s->edges.all_bbox, 2 * m->outline_width);
        pm_set_rgba(cr, line);
        cairo_set_line_width(cr, m->outline_width);
        cairo_stroke(cr);
    }
    pm_lines_fini(&net);
    if (s->nparents && m->parent_width > 0) { /* the level above: over the committees' lines */
        cairo_new_path(cr);
        lines_path(cr, NULL, v, &s->parent_edges.inner, s->parent_edges.inner_bbox, 2 * m->parent_width);
        pm_set_rgba(cr, m->boundary);
        cairo_set_line_width(cr, m->parent_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    }
}

/* Print: roads inside each committee blended against its fill, the rest against the
 * context areas' colour. */
static void print_roads(cairo_t *cr, const pm_view *v, const pm_scene *s, const pm_mapdraw *m,
                        const paint *pt)
{
    for (size_t i = 0; i < s->ncommittees; i++) {
        const pm_bbox *b = &s->committees[i].bbox;
        if (!visible(v, b, 1)) continue;
        cairo_save(cr);
        cairo_new_path(cr);
        geom_path(cr, v, &s->committees[i], 1);
        cairo_clip(cr);
        draw_roads(cr, v, s, m, pt, committee_colour(m, i), b);
        cairo_restore(cr);
    }
    if (m->roads_inside) return;
    cairo_save(cr);
    committees_path(cr, v, s);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h); /* even-odd: the view outside them */
    cairo_clip(cr);
    draw_roads(cr, v, s, m, pt, PM_AREA_FILL, NULL);
    cairo_restore(cr);
}

void pm_draw_platform_symbol(cairo_t *cr, double x, double y, double size)
{
    /* A five-pointed star on a white disc: the party-building platform. */
    cairo_new_path(cr);
    cairo_arc(cr, x, y, size * 0.62, 0, 2 * M_PI);
    pm_set_rgba(cr, PM_WHITE);
    cairo_fill(cr);
    double ro = size * 0.55, ri = ro * 0.42;
    for (int k = 0; k < 10; k++) {
        double a = -M_PI / 2 + k * M_PI / 5, r = k % 2 ? ri : ro;
        if (k == 0) cairo_move_to(cr, x + r * cos(a), y + r * sin(a));
        else cairo_line_to(cr, x + r * cos(a), y + r * sin(a));
    }
    cairo_close_path(cr);
    pm_set_rgba(cr, PM_RED);
    cairo_fill(cr);
}

static void project_symbol(cairo_t *cr, double x, double y, double size, int running,
                           const pm_rgba *under)
{
    cairo_new_path(cr);
    if (running) {
        cairo_arc(cr, x, y, size / 2, 0, 2 * M_PI);
        pm_set_rgba(cr, PM_PROJECT_RUNNING);
        cairo_fill_preserve(cr);
        pm_set_rgba(cr, under ? pm_rgba_over(PM_PROJECT_RING, *under) : PM_PROJECT_RING);
        cairo_set_line_width(cr, size * 0.22);
        cairo_stroke(cr);
    } else {
        cairo_arc(cr, x, y, size * 0.32, 0, 2 * M_PI);
        pm_set_rgba(cr, under ? pm_rgba_over(PM_PROJECT_OTHER, *under) : PM_PROJECT_OTHER);
        cairo_set_line_width(cr, size * 0.18);
        cairo_stroke(cr);
    }
}

void pm_draw_project_symbol(cairo_t *cr, double x, double y, double size, int running)
{
    project_symbol(cr, x, y, size, running, NULL);
}

void pm_draw_project_symbol_on(cairo_t *cr, double x, double y, double size, int running,
                               pm_rgba under)
{
    project_symbol(cr, x, y, size, running, &under);
}

/* What lies under point p after the base layers: the committee's colour (veiled
 * unless highlighted), else the context areas' colour. */
static pm_rgba under_point(const pm_scene *s, const pm_mapdraw *m, pm_pt p)
{
    paint veil = { 1, m->highlight ? PM_VEIL.a : 0 };
    for (size_t i = 0; i < s->ncommittees; i++) {
        const pm_bbox *b = &s->committees[i].bbox;
        if (p.x < b->minx || p.x > b->maxx || p.y < b->miny || p.y > b->maxy
            || !pm_geom_contains(&s->committees[i], p))
            continue;
        paint pv = { 1, m->highlight && m->highlight[i] ? 0 : veil.veil };
        return shade(&pv, committee_colour(m, i), PM_WHITE);
    }
    return shade(&veil, PM_AREA_FILL, PM_WHITE);
}

static void draw_points(cairo_t *cr, const pm_view *v, const pm_scene *s, const pm_mapdraw *m)
{
    double k = m->point_scale > 0 ? m->point_scale : 1;
    for (int pass = 0; pass < 2; pass++) /* not running first, running on top */
        for (size_t i = 0; i < s->nprojects; i++) {
            const pm_site *site = &s->project_sites[i];
            int running = site->status == PM_SITE_RUNNING;
            if (running != pass || (m->project_keep && !m->project_keep[i])) continue;
            pm_pt d = pm_view_to_dev(v, s->projects[i]);
            const pm_symbol *sym = m->project_layer
                ? pm_point_symbol(m->project_layer, pm_site_status_name(site->status), site->category) : NULL;
            double sz = sym ? pm_zoomed_at(&sym->size, m->point_zoom, 5) * k : m->point_size;
            if (d.x < v->x - sz || d.x > v->x + v->w + sz || d.y < v->y - sz || d.y > v->y + v->h + sz)
                continue;
            pm_rgba under = m->print ? under_point(s, m, s->projects[i]) : PM_WHITE;
            if (sym) pm_draw_symbol(cr, sym, d.x, d.y, sz, m->print ? &under : NULL);
            else if (m->print) pm_draw_project_symbol_on(cr, d.x, d.y, sz, running, under);
            else pm_draw_project_symbol(cr, d.x, d.y, sz, running);
        }
    for (size_t i = 0; i < s->nplatforms; i++) {
        if (m->platform_keep && !m->platform_keep[i]) continue;
        pm_pt d = pm_view_to_dev(v, s->platforms[i]);
        const pm_site *site = s->platform_sites ? &s->platform_sites[i] : NULL;
        const pm_symbol *sym = !m->platform_layer ? NULL : !site ? &m->platform_layer->base
            : pm_point_symbol(m->platform_layer, pm_site_status_name(site->status), site->category);
        if (sym) {
            pm_rgba under = m->print ? under_point(s, m, s->platforms[i]) : PM_WHITE;
            pm_draw_symbol(cr, sym, d.x, d.y, pm_zoomed_at(&sym->size, m->point_zoom, 14) * k,
                           m->print ? &under : NULL);
        } else {
            pm_draw_platform_symbol(cr, d.x, d.y, m->point_size * 3.2);
        }
    }
}

/* The veil is the view rectangle with the highlighted committees as even-odd holes
 * (a hole inside a highlighted committee counts three times, so it is veiled too). */
static void draw_highlight(cairo_t *cr, const pm_view *v, const pm_scene *s, const pm_mapdraw *m)
{
    cairo_new_path(cr);
    if (!m->print) { /* print: the layers under it were veiled as they were drawn */
        cairo_rectangle(cr, v->x, v->y, v->w, v->h);
        for (size_t i = 0; i < s->ncommittees; i++)
            if (m->highlight[i]) geom_path(cr, v, &s->committees[i], 1);
        pm_set_rgba(cr, PM_VEIL);
        cairo_fill(cr);
    }
    for (size_t i = 0; i < s->ncommittees; i++)
        if (m->highlight[i]) geom_path(cr, v, &s->committees[i], 1);
    pm_set_rgba(cr, PM_RED);
    cairo_set_line_width(cr, 2 * m->boundary_width);
    cairo_stroke(cr);
}

/* 1 if the view lies wholly inside the committees: no edge of their outline comes
 * near it and its centre is in one of them.  Conservative (0 when unsure). */
static int view_inside(const pm_view *v, const pm_scene *s)
{
    pm_bbox e = v->extent;
    double m = 2 / v->scale;
    e.minx -= m; e.miny -= m; e.maxx += m; e.maxy += m;
    const pm_geom *o = &s->edges.outer;
    for (size_t r = 0; r < o->nrings; r++) {
        if (!pm_bbox_intersects(&e, &s->edges.outer_bbox[r])) continue;
        for (uint32_t i = o->ring_off[r] + 1; i < o->ring_off[r + 1]; i++) {
            pm_bbox seg = pm_bbox_empty();
            pm_bbox_add(&seg, o->pts[i - 1]);
            pm_bbox_add(&seg, o->pts[i]);
            if (pm_bbox_intersects(&e, &seg)) return 0;
        }
    }
    pm_pt c = { (v->extent.minx + v->extent.maxx) / 2, (v->extent.miny + v->extent.maxy) / 2 };
    for (size_t i = 0; i < s->ncommittees; i++) {
        const pm_bbox *b = &s->committees[i].bbox;
        if (c.x >= b->minx && c.x <= b->maxx && c.y >= b->miny && c.y <= b->maxy
            && pm_geom_contains(&s->committees[i], c))
            return 1;
    }
    return 0;
}

/* Labels for print: each halo opaque over its committee's colour as printed. */
static pm_status print_labels(pm_text *t, cairo_t *cr, const pm_view *v, const pm_scene *s,
                              const pm_mapdraw *m)
{
    pm_label_opts lo = *m->label_opts;
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < m->labels->count; i++) {
        pm_labelset one = { &((pm_label *)m->labels->items)[i], 1, m->labels->scale };
        size_t c = one.items->cand;
        pm_rgba under = c < s->ncommittees ? committee_colour(m, c) : PM_AREA_FILL;
        paint pv = { 1, m->highlight && !(c < s->ncommittees && m->highlight[c]) ? PM_VEIL.a : 0 };
        under = shade(&pv, under, PM_WHITE);
        paint op = { 1, 0 };
        lo.text.halo = shade(&op, m->label_opts->text.halo, under);
        lo.text.color = shade(&op, m->label_opts->text.color, under);
        st = pm_labels_draw(t, cr, v, &one, m->cands, &lo);
    }
    return st;
}

/* Everything under the highlight's veil: context, committees, roads. */
static void base_layers(cairo_t *cr, pm_text *t, const pm_view *v, const pm_scene *s,
                        const pm_mapdraw *m, const paint *pt)
{
    if (m->context & PM_CTX_AREAS) draw_context(cr, t, v, s, m, pt, PM_CTX_AREA);
    if (m->context & PM_CTX_RIVERS) draw_context(cr, t, v, s, m, pt, PM_CTX_RIVER);
    draw_committees(cr, v, s, m, pt);
    if (!(m->context & PM_CTX_ROADS)) return;
    if (pt->print) { print_roads(cr, v, s, m, pt); return; }
    if (m->roads_inside && !view_inside(v, s)) {
        /* roads only inside the committees (a view wholly inside needs no mask:
         * most metatiles at large scales).  A clip costs a pass over its rings
         * for each of the four strokes; with thousands of rings in view (a
         * city at small scales) the roads are drawn into a group instead, which
         * the union then masks in one pass, at the price of a surface the size
         * of the view.  Not in a PDF, where the clip stays vector and cheap. */
        int raster = cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE;
        if (raster && visible_committees(v, s) > 500) {
            cairo_push_group(cr);
            draw_roads(cr, v, s, m, pt, PM_WHITE, NULL);
            cairo_pop_group_to_source(cr);
            committees_path(cr, v, s);
            cairo_fill(cr);
        } else {
            cairo_save(cr);
            committees_path(cr, v, s);
            cairo_clip(cr);
            draw_roads(cr, v, s, m, pt, PM_WHITE, NULL);
            cairo_restore(cr);
        }
    } else {
        draw_roads(cr, v, s, m, pt, PM_WHITE, NULL);
    }
}

/* Print with a highlight: the base layers twice, veiled outside the highlighted
 * committees and plain inside them (the same clip as the screen's veil path). */
static void print_highlighted(cairo_t *cr, pm_text *t, const pm_view *v, const pm_scene *s,
                              const pm_mapdraw *m)
{
    for (int inside = 0; inside < 2; inside++) {
        paint pt = { 1, inside ? 0 : PM_VEIL.a };
        cairo_save(cr);
        cairo_new_path(cr);
        if (!inside) cairo_rectangle(cr, v->x, v->y, v->w, v->h);
        for (size_t i = 0; i < s->ncommittees; i++)
            if (m->highlight[i]) geom_path(cr, v, &s->committees[i], 1);
        cairo_clip(cr);
        base_layers(cr, t, v, s, m, &pt);
        cairo_restore(cr);
    }
}

pm_status pm_draw_map(cairo_t *cr, pm_text *t, const pm_view *v, const pm_scene *s,
                      const pm_mapdraw *m)
{
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    paint pt = { m->print, 0 };
    if (m->print && m->highlight) print_highlighted(cr, t, v, s, m);
    else base_layers(cr, t, v, s, m, &pt);
    if (m->highlight) draw_highlight(cr, v, s, m);
    if (m->show_points) draw_points(cr, v, s, m);
    pm_status st = PM_OK;
    if (m->labels && m->print) st = print_labels(t, cr, v, s, m);
    else if (m->labels) st = pm_labels_draw(t, cr, v, m->labels, m->cands, m->label_opts);
    cairo_restore(cr);
    cairo_status_t cs = cairo_status(cr);
    if (cs == CAIRO_STATUS_NO_MEMORY) return PM_ENOMEM;
    if (cs != CAIRO_STATUS_SUCCESS) return PM_EINTERNAL;
    return st;
}
