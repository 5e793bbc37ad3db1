/* PNG encoding: libpng writes the chunks, libdeflate compresses the scanlines (about
 * twice as fast as zlib at the same level, and a little smaller). */
#include "render/png.h"

#include <libdeflate.h>
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

/* Fills p and idx (w × h entry numbers, row-major) in one pass; returns 0 when the
 * image has more than 256 colours. */
static int find_palette(palette *p, const unsigned char *px, int w, int h, int stride,
                        uint8_t *idx)
{
    memset(p->slot, 0xff, sizeof p->slot);
    p->n = 0;
    uint32_t last = ~*(const uint32_t *)px;
    int e = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
        uint8_t *out = idx + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            if (row[x] != last) {
                last = row[x];
                if ((e = pal_index(p, last)) < 0) return 0;
            }
            out[x] = (uint8_t)e;
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

/* Packs one row of entry numbers, remapped to palette order, at depth bits a pixel
 * (MSB first, as PNG wants). */
static void palette_row(const uint8_t *remap, int identity, const uint8_t *src, unsigned char *dst,
                        int w, int depth)
{
    if (depth == 8 && identity) { /* no translucent entry moved ahead: most tiles */
        memcpy(dst, src, (size_t)w);
        return;
    }
    if (depth == 8) {
        for (int x = 0; x < w; x++) dst[x] = remap[src[x]];
        return;
    }
    int per = 8 / depth;
    memset(dst, 0, (size_t)(w * depth + 7) / 8);
    for (int x = 0; x < w; x++)
        dst[x / per] |= (unsigned char)(remap[src[x]] << (8 - depth * (x % per + 1)));
}

struct pm_png_enc {
    struct libdeflate_compressor *z;
    palette pal;
    unsigned char *raw, *zbuf;
    uint8_t *idx;             /* a palette entry per pixel */
    size_t raw_cap, zbuf_cap, idx_cap;
};

pm_png_enc *pm_png_enc_new(void)
{
    pm_png_enc *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->z = libdeflate_alloc_compressor(PM_PNG_LEVEL);
    if (!e->z) { free(e); return NULL; }
    return e;
}

void pm_png_enc_free(pm_png_enc *e)
{
    if (!e) return;
    libdeflate_free_compressor(e->z);
    free(e->raw);
    free(e->zbuf);
    free(e->idx);
    free(e);
}

/* Writes the PNG of w × h pixels: palette entries idx (e->pal the palette) or, when
 * idx is NULL, the truecolour pixels px.  Const locals: libpng's longjmp. */
static pm_status write_png(pm_png_enc *const e, const uint8_t *const idx, const unsigned char *const px,
                           const int stride, const int w, const int h, const int opaque_fmt,
                           const int alpha, unsigned char **const out, size_t *const out_len)
{
    palette *const pal = &e->pal;
    const int depth = !idx ? 8 : pal->n <= 2 ? 1 : pal->n <= 4 ? 2 : pal->n <= 16 ? 4 : 8;
    const size_t rowbytes = idx ? ((size_t)w * depth + 7) / 8 : (size_t)w * (alpha ? 4 : 3);
    const size_t rawlen = (rowbytes + 1) * (size_t)h;
    uint8_t remap[256];
    volatile int identity = 1; /* set after setjmp */
    membuf buf = { 0 };
    png_structp png = NULL;
    png_infop info = NULL;
    pm_status st = PM_ENOMEM;
    if (pm_grow((void **)&e->raw, &e->raw_cap, rawlen, 1)) goto done;
    size_t bound = libdeflate_zlib_compress_bound(e->z, rawlen);
    if (pm_grow((void **)&e->zbuf, &e->zbuf_cap, bound, 1)) goto done;
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png ? png_create_info_struct(png) : NULL;
    if (!info) goto done;
    if (setjmp(png_jmpbuf(png))) { st = PM_EINTERNAL; goto done; }
    png_set_write_fn(png, &buf, write_cb, flush_cb);
    if (idx) {
        write_header_palette(png, info, pal, w, h, opaque_fmt, remap);
        for (int i = 0; i < pal->n; i++) identity &= remap[i] == i;
    } else {
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                     alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    /* scanlines with filter type 0 (none), deflated in one call, one IDAT */
    for (int y = 0; y < h; y++) {
        unsigned char *row = e->raw + (size_t)y * (rowbytes + 1);
        row[0] = 0;
        if (idx) palette_row(remap, identity, idx + (size_t)y * w, row + 1, w, depth);
        else convert_row((const uint32_t *)(px + (size_t)y * stride), row + 1, w, alpha);
    }
    size_t zlen = libdeflate_zlib_compress(e->z, e->raw, rawlen, e->zbuf, e->zbuf_cap);
    if (!zlen) { st = PM_EINTERNAL; goto done; }
    png_write_chunk(png, (png_const_bytep)"IDAT", e->zbuf, zlen);
    png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
    st = buf.oom ? PM_ENOMEM : PM_OK;
done:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    if (st) { free(buf.data); return st; }
    *out = buf.data;
    *out_len = buf.len;
    return PM_OK;
}

/* The encoding proper, with an encoder. */
static pm_status encode(pm_png_enc *e, cairo_surface_t *img, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    cairo_surface_flush(img);
    cairo_format_t fmt = cairo_image_surface_get_format(img);
    if (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24) return PM_EINTERNAL;
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *px = cairo_image_surface_get_data(img);
    if (!px || w <= 0 || h <= 0) return PM_EINTERNAL;
    if (pm_grow((void **)&e->idx, &e->idx_cap, (size_t)w * h, 1)) return PM_ENOMEM;
    int indexed = find_palette(&e->pal, px, w, h, stride, e->idx);
    int alpha = !indexed && fmt == CAIRO_FORMAT_ARGB32 && !is_opaque(px, w, h, stride);
    return write_png(e, indexed ? e->idx : NULL, px, stride, w, h, fmt == CAIRO_FORMAT_RGB24,
                     alpha, out, out_len);
}

pm_status pm_png_encode_indexed(pm_png_enc *e, const uint32_t *colors, int n, const uint8_t *idx,
                                int w, int h, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    if (!e || n < 1 || n > 256 || w <= 0 || h <= 0) return PM_EINTERNAL;
    memcpy(e->pal.color, colors, (size_t)n * sizeof *colors);
    e->pal.n = n;
    return write_png(e, idx, NULL, 0, w, h, 0, 0, out, out_len);
}

pm_status pm_png_encode_with(pm_png_enc *e, cairo_surface_t *img, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    if (e) return encode(e, img, out, out_len);
    pm_png_enc *own = pm_png_enc_new();
    if (!own) return PM_ENOMEM;
    pm_status st = encode(own, img, out, out_len);
    pm_png_enc_free(own);
    return st;
}

pm_status pm_png_encode(cairo_surface_t *img, unsigned char **out, size_t *out_len)
{
    return pm_png_encode_with(NULL, img, out, out_len);
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
