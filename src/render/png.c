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
    int alpha = fmt == CAIRO_FORMAT_ARGB32 && !is_opaque(px, w, h, stride);
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
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        convert_row((const uint32_t *)(px + (size_t)y * stride), row, w, alpha);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    st = buf.oom ? PM_ENOMEM : PM_OK;
done:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
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
    st = pm_write_atomic(path, data, len, err);
    free(data);
    return st;
}
