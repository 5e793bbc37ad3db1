/* Thin round-ended lines rasterised by distance into a coverage mask, then blended once. */
#include "render/lines.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void pm_lines_move(pm_lines *l, pm_pt p)
{
    if (l->oom || pm_grow((void **)&l->starts, &l->scap, l->nstarts + 1, sizeof *l->starts)) {
        l->oom = 1;
        return;
    }
    l->starts[l->nstarts++] = l->npts;
    pm_lines_line(l, p);
}

void pm_lines_line(pm_lines *l, pm_pt p)
{
    if (l->oom || !l->nstarts || pm_grow((void **)&l->pts, &l->cap, l->npts + 1, sizeof *l->pts)) {
        l->oom = 1;
        return;
    }
    l->pts[l->npts++] = p;
}

void pm_lines_fini(pm_lines *l)
{
    free(l->pts);
    free(l->starts);
    *l = (pm_lines){ 0 };
}

/* Coverage of the clip rectangle (w × h), a byte a pixel, valid (zeroed before
 * use) in each row's span lo .. hi only: zeroing is paid where lines pass. */
typedef struct {
    unsigned char *cov;
    int *lo, *hi;
    int w, h;
} mask;

/* Makes row y's span cover x0 .. x1, zeroing what it adds. */
static void touch(mask *mk, int y, int x0, int x1)
{
    unsigned char *row = mk->cov + (size_t)y * mk->w;
    if (mk->hi[y] < mk->lo[y]) {
        memset(row + x0, 0, (size_t)(x1 - x0 + 1));
        mk->lo[y] = x0;
        mk->hi[y] = x1;
        return;
    }
    if (x0 < mk->lo[y]) { memset(row + x0, 0, (size_t)(mk->lo[y] - x0)); mk->lo[y] = x0; }
    if (x1 > mk->hi[y]) { memset(row + mk->hi[y] + 1, 0, (size_t)(x1 - mk->hi[y])); mk->hi[y] = x1; }
}

/* v as an int within lo .. hi; NaN gives lo (coordinates far off the surface, or
 * broken ones, must not overflow the conversion). */
static int clampi(double v, int lo, int hi)
{
    return v >= hi ? hi : v > lo ? (int)v : lo;
}

/* The smaller and the larger of two numbers, inline (fmin and fmax are calls into
 * libm here, in the per-pixel loop); no NaN reaches them. */
static inline double lo2(double a, double b)
{
    return a < b ? a : b;
}

static inline double hi2(double a, double b)
{
    return a > b ? a : b;
}

/* Overlap of a pixel (1 wide, centre at distance d) with a line hw either side. */
static inline double overlap(double d, double hw)
{
    double o = lo2(d + 0.5, hw) - hi2(d - 0.5, -hw);
    return o < 0 ? 0 : o > 1 ? 1 : o;
}

/* Adds segment a-b (mask coordinates) to the mask: each pixel keeps its largest
 * coverage, so meeting segments give their union, not a double coat. */
static void segment(mask *mk, pm_pt a, pm_pt b, double hw)
{
    double r = hw + 0.5, r2 = r * r, vx = b.x - a.x, vy = b.y - a.y, len2 = vx * vx + vy * vy;
    double inv = len2 > 0 ? 1 / len2 : 0, dt = vx * inv; /* t along the segment, per pixel */
    double fy0 = floor(lo2(a.y, b.y) - r), fy1 = ceil(hi2(a.y, b.y) + r);
    if (!(fy0 <= fy1) || fy1 < 0 || fy0 >= mk->h || !isfinite(a.x) || !isfinite(b.x)
        || !isfinite(a.y) || !isfinite(b.y))
        return;
    int y0 = clampi(fy0, 0, mk->h - 1), y1 = clampi(fy1, 0, mk->h - 1);
    for (int y = y0; y <= y1; y++) {
        double yc = y + 0.5, xa = lo2(a.x, b.x), xb = hi2(a.x, b.x);
        if (fabs(vy) > 1e-9) { /* the part of the segment within r of this row */
            double t0 = (yc - r - a.y) / vy, t1 = (yc + r - a.y) / vy;
            if (t0 > t1) { double t = t0; t0 = t1; t1 = t; }
            t0 = hi2(t0, 0);
            t1 = lo2(t1, 1);
            if (t0 > t1) continue;
            xa = lo2(a.x + vx * t0, a.x + vx * t1);
            xb = hi2(a.x + vx * t0, a.x + vx * t1);
        }
        if (ceil(xb + r) < 0 || floor(xa - r) >= mk->w) continue;
        int x0 = clampi(floor(xa - r), 0, mk->w - 1), x1 = clampi(ceil(xb + r), 0, mk->w - 1);
        if (x0 < mk->lo[y] || x1 > mk->hi[y]) touch(mk, y, x0, x1);
        unsigned char *row = mk->cov + (size_t)y * mk->w;
        double t0 = ((x0 + 0.5 - a.x) * vx + (yc - a.y) * vy) * inv;
        double c0 = (x0 + 0.5 - a.x) * vy - (yc - a.y) * vx; /* cross product, per pixel vy */
        for (int x = x0; x <= x1; x++) {
            double t = t0 + (x - x0) * dt, d2;
            if (t > 0 && t < 1) { /* beside the segment: its distance to the line, exact */
                double c = c0 + (x - x0) * vy;
                d2 = c * c * inv;
            } else { /* beyond an end: to that end */
                double dx = (t <= 0 ? a.x : b.x) - (x + 0.5), dy = (t <= 0 ? a.y : b.y) - yc;
                d2 = dx * dx + dy * dy;
            }
            if (d2 >= r2) continue;
            unsigned v = (unsigned)(overlap(sqrt(d2), hw) * 255 + 0.5);
            if (v > row[x]) row[x] = (unsigned char)v;
        }
    }
}

/* Blends colour c (straight alpha) through the mask into the premultiplied pixels. */
static void blend(const mask *mk, unsigned char *data, int stride, pm_rgba c)
{
    uint32_t sa = (uint32_t)lround(c.a * 255);
    uint32_t s[3] = { (uint32_t)lround(c.r * c.a * 255), (uint32_t)lround(c.g * c.a * 255),
                      (uint32_t)lround(c.b * c.a * 255) };
    uint32_t full = sa << 24 | s[0] << 16 | s[1] << 8 | s[2];
    for (int y = 0; y < mk->h; y++) {
        uint32_t *row = (uint32_t *)(data + (size_t)y * stride);
        const unsigned char *cov = mk->cov + (size_t)y * mk->w;
        if (y + 2 < mk->h) { /* the pixels two rows on, a stride away: fetched ahead */
            const unsigned char *ahead = data + (size_t)(y + 2) * stride;
            for (int x = mk->lo[y + 2] & ~15; x <= mk->hi[y + 2]; x += 16)
                __builtin_prefetch(ahead + (size_t)x * 4, 1);
        }
        for (int x = mk->lo[y]; x <= mk->hi[y]; x++) {
            uint64_t eight;
            if (x + 8 <= mk->hi[y] + 1 && (memcpy(&eight, cov + x, 8), !eight)) { /* gaps */
                x += 7;
                continue;
            }
            uint32_t k = cov[x];
            if (!k) continue;
            if (k == 255 && sa == 255) { row[x] = full; continue; }
            uint32_t inv = 65025 - sa * k, d = row[x];
            uint32_t a = (sa * k * 255 + (d >> 24) * inv + 32512) / 65025;
            uint32_t r = (s[0] * k * 255 + (d >> 16 & 255) * inv + 32512) / 65025;
            uint32_t g = (s[1] * k * 255 + (d >> 8 & 255) * inv + 32512) / 65025;
            uint32_t b = (s[2] * k * 255 + (d & 255) * inv + 32512) / 65025;
            row[x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
}

/* The device rectangle to draw in: the clip, which must be one rectangle, within
 * the surface.  0 if the target is not for pm_lines_draw. */
static int target_rect(cairo_t *cr, int *x, int *y, int *w, int *h, double *ox, double *oy)
{
    cairo_surface_t *s = cairo_get_target(cr);
    if (cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE
        || cairo_image_surface_get_format(s) != CAIRO_FORMAT_ARGB32)
        return 0;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    double dx, dy;
    cairo_surface_get_device_offset(s, &dx, &dy);
    if (m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 || dx != 0 || dy != 0) return 0;
    cairo_rectangle_list_t *rl = cairo_copy_clip_rectangle_list(cr);
    int ok = rl->status == CAIRO_STATUS_SUCCESS && rl->num_rectangles == 1;
    if (ok) {
        cairo_rectangle_t r = rl->rectangles[0];
        int x0 = (int)floor(r.x + m.x0), y0 = (int)floor(r.y + m.y0);
        int x1 = (int)ceil(r.x + r.width + m.x0), y1 = (int)ceil(r.y + r.height + m.y0);
        x0 = x0 < 0 ? 0 : x0;
        y0 = y0 < 0 ? 0 : y0;
        x1 = x1 > cairo_image_surface_get_width(s) ? cairo_image_surface_get_width(s) : x1;
        y1 = y1 > cairo_image_surface_get_height(s) ? cairo_image_surface_get_height(s) : y1;
        *x = x0, *y = y0, *w = x1 - x0, *h = y1 - y0;
        *ox = m.x0 - x0, *oy = m.y0 - y0; /* user space to mask coordinates */
    }
    cairo_rectangle_list_destroy(rl);
    return ok;
}

int pm_lines_draw(cairo_t *cr, const pm_lines *l, double width, pm_rgba c)
{
    int x, y, w, h;
    double ox, oy;
    if (l->oom || !target_rect(cr, &x, &y, &w, &h, &ox, &oy)) return 0;
    if (!l->nstarts || width <= 0 || c.a <= 0) return 1;
    /* the mask covers the lines' extent within the clip only: at large scales a
     * metatile holds a few lines, and clearing the whole would dominate */
    pm_bbox e = pm_bbox_empty();
    for (size_t i = 0; i < l->npts; i++) pm_bbox_add(&e, l->pts[i]);
    double r = width / 2 + 1;
    if (!(e.minx <= e.maxx && e.miny <= e.maxy)) return 1; /* no finite point */
    int ex0 = clampi(floor(e.minx + ox - r), 0, w), ey0 = clampi(floor(e.miny + oy - r), 0, h);
    int ex1 = clampi(ceil(e.maxx + ox + r), 0, w), ey1 = clampi(ceil(e.maxy + oy + r), 0, h);
    w = ex1 - ex0;
    h = ey1 - ey0;
    if (w <= 0 || h <= 0) return 1;
    x += ex0, y += ey0, ox -= ex0, oy -= ey0;
    mask mk = { malloc((size_t)w * h), malloc(sizeof(int) * (size_t)h),
                malloc(sizeof(int) * (size_t)h), w, h };
    int ok = mk.cov && mk.lo && mk.hi;
    if (ok) {
        for (int i = 0; i < h; i++) mk.lo[i] = w, mk.hi[i] = -1;
        for (size_t k = 0; k < l->nstarts; k++) {
            size_t end = k + 1 < l->nstarts ? l->starts[k + 1] : l->npts;
            for (size_t i = l->starts[k]; i < end; i++) {
                pm_pt a = { l->pts[i].x + ox, l->pts[i].y + oy };
                pm_pt b = i + 1 < end ? (pm_pt){ l->pts[i + 1].x + ox, l->pts[i + 1].y + oy } : a;
                if (i + 1 < end || end - l->starts[k] == 1) segment(&mk, a, b, width / 2);
            }
        }
        cairo_surface_t *s = cairo_get_target(cr);
        cairo_surface_flush(s);
        int stride = cairo_image_surface_get_stride(s);
        blend(&mk, cairo_image_surface_get_data(s) + (size_t)y * stride + (size_t)x * 4, stride, c);
        cairo_surface_mark_dirty_rectangle(s, x, y, w, h);
    }
    free(mk.cov);
    free(mk.lo);
    free(mk.hi);
    return ok;
}
