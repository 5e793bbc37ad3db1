/* PNG encoding with libpng: the one place partymap calls libpng. */
#ifndef PM_RENDER_PNG_H
#define PM_RENDER_PNG_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>
#include "core/status.h"

/* The deflate level (libdeflate's scale, 1..12).  5: on the city bench tiles 0.6 % more
 * bytes than 6 for 15 % less deflate time; 4 and below lose 7 % in bytes. */
#define PM_PNG_LEVEL 5

/* Encodes a Cairo ARGB32 or RGB24 image surface as PNG into a new buffer (*out,
 * caller frees).  An image of at most 256 distinct colours becomes an exact palette
 * PNG (1, 2, 4 or 8 bits, tRNS for translucent entries: lossless); others are RGB
 * when opaque, RGBA otherwise (premultiplied alpha undone).  Fixed settings
 * (PM_PNG_LEVEL, no filter, one IDAT, no time chunk), so equal pixels give equal
 * bytes.  Thread-safe. */
pm_status pm_png_encode(cairo_surface_t *img, unsigned char **out, size_t *out_len);

/* An encoder's reusable state (compressor, buffers): for many encodings on one
 * thread, pm_png_encode_with saves allocating them each time.  Same bytes as
 * pm_png_encode.  One encoder per thread; NULL from _new when out of memory. */
typedef struct pm_png_enc pm_png_enc;
pm_png_enc *pm_png_enc_new(void);
void pm_png_enc_free(pm_png_enc *e);
/* e may be NULL (then as pm_png_encode). */
pm_status pm_png_encode_with(pm_png_enc *e, cairo_surface_t *img, unsigned char **out, size_t *out_len);

/* Encodes the w × h ARGB32 image whose pixel i is colors[idx[i]] (premultiplied;
 * n ≤ 256 distinct colours in order of first appearance, row-major, as
 * pm_reduce_index gives them): the same bytes as pm_png_encode of that image,
 * without searching its palette again.  e must not be NULL; PM_EINTERNAL for n out of
 * 1 .. 256 or an empty image. */
pm_status pm_png_encode_indexed(pm_png_enc *e, const uint32_t *colors, int n, const uint8_t *idx,
                                int w, int h, unsigned char **out, size_t *out_len);

/* Encodes and writes atomically to path, unless it already holds these bytes (then
 * the file is left as it is); *err set on failure (caller frees). */
pm_status pm_png_write(cairo_surface_t *img, const char *path, char **err);

#endif
