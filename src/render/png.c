/* PNG encoding through libpng into memory, then an atomic write. */
#include "render/png.h"

#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int oom;
} membuf;

static void write_cb(png_structp png, png_bytep data, png_size_t n)
{
    membuf *b = png_get_io_ptr(png);
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) { b->oom = 1; return; }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void flush_cb(png_structp png) { (void)png; }

static int is_opaque(const unsigned char *px, int w, int h, int stride)
{
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
        for (int x = 0; x < w; x++)
            if ((row[x] >> 24) != 0xff) return 0;
    }
    return 1;
}

/* Converts one row of premultiplied native-endian ARGB32 to RGB(A) bytes. */
static void convert_row(const uint32_t *src, unsigned char *dst, int w, int alpha)
{
    for (int x = 0; x < w; x++) {
        uint32_t p = src[x];
        unsigned a = alpha ? p >> 24 : 255;
        unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        if (a && a != 255) {
            r = (r * 255 + a / 2) / a;
            g = (g * 255 + a / 2) / a;
            b = (b * 255 + a / 2) / a;
        }
        *dst++ = (unsigned char)r;
        *dst++ = (unsigned char)g;
        *dst++ = (unsigned char)b;
        if (alpha) *dst++ = (unsigned char)a;
    }
}

/* An exact palette: at most 256 distinct premultiplied ARGB values, found in one
 * pass with an open-addressed table; entries with alpha < 255 first (so tRNS is
 * short), otherwise in order of first appearance (deterministic). */
typedef struct {
    uint32_t color[256];
    int n;
    uint32_t key[1024];
    int16_t slot[1024];
} palette;

static int pal_index(palette *p, uint32_t c)
{
    uint32_t h = (c * 2654435761u) >> 22;
    for (;;) {
        if (p->slot[h] < 0) {
            if (p->n == 256) return -1;
            p->key[h] = c;
            p->slot[h] = (int16_t)p->n;
            p->color[p->n] = c;
            return p->n++;
        }
        if (p->key[h] == c) return p->slot[h];
        h = (h + 1) & 1023;
    }
}

/* Fills p; returns 0 when the image has more than 256 colours. */
static int find_palette(palette *p, const unsigned char *px, int w, int h, int stride)
{
    memset(p->slot, 0xff, sizeof p->slot);
    p->n = 0;
    uint32_t last = 0;
    int have_last = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            if (have_last && row[x] == last) continue;
            if (pal_index(p, row[x]) < 0) return 0;
            last = row[x];
            have_last = 1;
        }
    }
    return 1;
}

static void unpremultiply(uint32_t c, unsigned char *rgba)
{
    unsigned a = c >> 24, r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
    if (a && a != 255) {
        r = (r * 255 + a / 2) / a;
        g = (g * 255 + a / 2) / a;
        b = (b * 255 + a / 2) / a;
    }
    rgba[0] = (unsigned char)r;
    rgba[1] = (unsigned char)g;
    rgba[2] = (unsigned char)b;
    rgba[3] = (unsigned char)a;
}

static void write_header_palette(png_structp png, png_infop info, palette *p, int w, int h,
                                 int opaque_fmt, uint8_t *remap)
{
    /* translucent entries first, so tRNS lists only those */
    png_color pal[256];
    png_byte trns[256];
    int order = 0, ntrns = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < p->n; i++) {
            int translucent = !opaque_fmt && (p->color[i] >> 24) != 0xff;
            if (translucent != (pass == 0)) continue;
            unsigned char c[4];
            unpremultiply(opaque_fmt ? p->color[i] | 0xff000000u : p->color[i], c);
            pal[order] = (png_color){ c[0], c[1], c[2] };
            if (translucent) trns[ntrns++] = c[3];
            remap[i] = (uint8_t)order++;
        }
    int depth = p->n <= 2 ? 1 : p->n <= 4 ? 2 : p->n <= 16 ? 4 : 8;
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, PNG_COLOR_TYPE_PALETTE,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_PLTE(png, info, pal, p->n);
    if (ntrns) png_set_tRNS(png, info, trns, ntrns, NULL);
}

static void palette_row(palette *p, const uint8_t *remap, const uint32_t *src, unsigned char *dst, int w)
{
    uint32_t last = 0;
    unsigned char idx = 0;
    for (int x = 0; x < w; x++) {
        if (x == 0 || src[x] != last) {
            last = src[x];
            idx = remap[pal_index(p, last)];
        }
        dst[x] = idx;
    }
}

pm_status pm_png_encode(cairo_surface_t *img, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    cairo_surface_flush(img);
    cairo_format_t fmt = cairo_image_surface_get_format(img);
    if (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24) return PM_EINTERNAL;
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *px = cairo_image_surface_get_data(img);
    if (!px || w <= 0 || h <= 0) return PM_EINTERNAL;
    palette *pal = malloc(sizeof *pal);
    if (!pal) return PM_ENOMEM;
    int indexed = find_palette(pal, px, w, h, stride);
    int alpha = !indexed && fmt == CAIRO_FORMAT_ARGB32 && !is_opaque(px, w, h, stride);
    uint8_t remap[256];
    membuf buf = { 0 };
    unsigned char *row = malloc((size_t)w * 4);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    pm_status st = PM_ENOMEM;
    if (!row || !info) goto done;
    if (setjmp(png_jmpbuf(png))) { st = PM_EINTERNAL; goto done; }
    png_set_write_fn(png, &buf, write_cb, flush_cb);
    png_set_compression_level(png, 6);
    png_set_filter(png, 0, PNG_FILTER_NONE);
    if (indexed) {
        write_header_palette(png, info, pal, w, h, fmt == CAIRO_FORMAT_RGB24, remap);
    } else {
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                     alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    if (indexed) png_set_packing(png);
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(px + (size_t)y * stride);
        if (indexed) palette_row(pal, remap, src, row, w);
        else convert_row(src, row, w, alpha);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    st = buf.oom ? PM_ENOMEM : PM_OK;
done:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    free(pal);
    if (st) { free(buf.data); return st; }
    *out = buf.data;
    *out_len = buf.len;
    return PM_OK;
}

pm_status pm_png_write(cairo_surface_t *img, const char *path, char **err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    pm_status st = pm_png_encode(img, &data, &len);
    if (st) {
        if (err) *err = pm_asprintf("%s: cannot encode PNG: %s", path, pm_strerror(st));
        return st;
    }
    st = pm_write_if_changed(path, data, len, NULL, err);
    free(data);
    return st;
}
