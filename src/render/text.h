/* Text: the one place partymap calls Pango.  Shaping, measuring and drawing UTF-8 text. */
#ifndef PM_RENDER_TEXT_H
#define PM_RENDER_TEXT_H

#include <cairo.h>
#include "core/status.h"
#include "style/style.h"

/* A text engine: a Pango font map and context of its own, so each thread creates
 * one and uses it alone.  Layout is computed with hinting off, so the same text
 * measures the same on PDF and image surfaces (posters and their previews match). */
typedef struct pm_text pm_text;

/* family: a fontconfig family ("Noto Sans CJK SC"); fontconfig falls back for
 * missing glyphs.  PM_EDATA with *err (caller frees) if no font of the family is
 * installed (checked by matching, not guessed). */
pm_status pm_text_new(const char *family, pm_text **out, char **err);
void pm_text_free(pm_text *t);

typedef enum { PM_ALIGN_LEFT, PM_ALIGN_CENTER, PM_ALIGN_RIGHT } pm_align;

typedef struct {
    double size;         /* font size in device units (pt on PDF, px on images) */
    int bold;
    pm_align align;      /* alignment of the lines within the text box */
    double max_width;    /* wrap at this width (device units); 0 = no wrapping */
    pm_rgba color;
    pm_rgba halo;        /* halo colour (a = 0: no halo) */
    double halo_width;   /* total halo stroke width in device units */
} pm_textstyle;

/* Size of the laid-out text box (device units); ink-independent logical extents.
 * Fails with PM_EDATA for a size outside (0, 1e5], a negative max_width or invalid
 * UTF-8 (w, h then 0).  Colours are cairo-style components in 0..1. */
pm_status pm_text_measure(pm_text *t, const char *utf8, const pm_textstyle *st,
                          double *w, double *h);

/* The same box as laid out for drawing on cr (user space of cr's current matrix);
 * equal to pm_text_measure on any surface type and scale, which the tests check.
 * Errors: PM_EDATA (bad size or UTF-8), or cr's status if cr is in error. */
pm_status pm_text_measure_on(pm_text *t, cairo_t *cr, const char *utf8,
                             const pm_textstyle *st, double *w, double *h);

/* Draws the text box with its top-left corner at (x, y).  On vector targets (PDF)
 * and scaled contexts the halo is stroked as a path under the glyphs, and the glyphs
 * are shown as text, so PDF output stays searchable and selectable.  On a pixel
 * surface without scaling (tiles) the halo is grown from the glyphs' mask instead,
 * covering the same ground at a fraction of the cost of stroking CJK outlines.
 * cr's state (source, path, line width) is kept.
 * Errors as pm_text_measure, or cr's status mapped (PM_ENOMEM, PM_EIO, PM_EINTERNAL). */
pm_status pm_text_draw(pm_text *t, cairo_t *cr, const char *utf8, const pm_textstyle *st,
                       double x, double y);

/* One line of text anchored at x by st->align (the box's left edge, centre or right
 * edge) with its top at y: measured, drawn, and its width returned.  A failure (bad
 * UTF-8 or size, Cairo in an error state) returns 0 and is kept in t: the first one
 * since pm_text_clear_error is pm_text_error's, so a page of many texts checks once,
 * at its end, instead of dropping statuses.  The one text helper of the outputs. */
double pm_text_put(pm_text *t, cairo_t *cr, const char *s, const pm_textstyle *st, double x, double y);
pm_status pm_text_error(const pm_text *t);
void pm_text_clear_error(pm_text *t);

/* Names from the data (committees, parents, platforms) are drawn at most
 * PM_NAME_DRAWN characters long: a longer one is cut to PM_NAME_DRAWN - 1 characters
 * and "…" (a 10,000-character name ran off the poster and broke the atlas); the
 * data outputs keep it whole. */
#define PM_NAME_DRAWN 40
typedef struct { char s[PM_NAME_DRAWN * 4 + 4]; } pm_namebuf;

/* name as drawn: name itself (borrowed) when it is short enough, else its cut copy
 * in *buf (valid while buf is).  The cut falls between UTF-8 characters.  Pure. */
const char *pm_text_name(const char *name, pm_namebuf *buf);

/* Baseline offset of the first line from the box top, for aligning text runs
 * (0 for arguments pm_text_measure rejects). */
double pm_text_baseline(pm_text *t, const char *utf8, const pm_textstyle *st);

#endif
