/* Label placement: collision-free committee labels at each polygon's visual centre. */
#ifndef PM_RENDER_LABELS_H
#define PM_RENDER_LABELS_H

#include <stddef.h>
#include "core/status.h"
#include "geo/geom.h"
#include "render/text.h"
#include "render/view.h"

/* A label that would like to be placed. */
typedef struct {
    const char *text;  /* UTF-8 (borrowed) */
    const char *sub;   /* optional second line in a smaller size, e.g. "20→7" (borrowed, may be NULL) */
    pm_pt anchor;      /* CRS coordinates, usually the polygon's visual centre */
    double room;       /* radius (CRS units) of the largest circle inside the polygon */
    double priority;   /* higher is placed first (e.g. polygon area) */
} pm_label_cand;

typedef struct {
    double size;       /* preferred font size (device units) */
    double min_size;   /* smallest size tried before giving up on a label */
    double sub_ratio;  /* size of the sub line relative to size (e.g. 0.8) */
    double padding;    /* free space kept around each label box (device units) */
    pm_textstyle text; /* colour, halo; size is overridden */
    const pm_pt *obstacles; /* symbols labels must not cover (CRS points; may be NULL) */
    size_t nobstacles;
    double obstacle_size;   /* side of the square kept free around each (device units) */
} pm_label_opts;

/* A placed label: the text box in device-independent form, so one placement serves
 * every surface that draws the map at the same scale (a poster page, its preview at
 * another resolution via Cairo scaling, or the tiles of one zoom level). */
typedef struct {
    size_t cand;       /* index of the candidate */
    pm_pt anchor;      /* CRS point the box is centred on */
    double size;       /* chosen font size (device units at the placement scale) */
    double w, h;       /* box size (device units at the placement scale), text + sub */
    int wrapped;       /* 1 if the main text was wrapped onto two lines */
    double w1, h1, w2; /* the main text's box and the sub line's width: drawing needs
                        * them, and measuring again costs a Pango layout a label */
} pm_label;

typedef struct {
    pm_label *items;   /* owned */
    size_t count;
    double scale;      /* device units per CRS unit used for placement */
} pm_labelset;

/* Places labels greedily by priority: each candidate tries its anchor at the
 * preferred size, then nearby positions within its polygon room, then smaller sizes
 * down to min_size, then wrapping; a label whose box would overlap a placed one (or
 * leave its polygon room by far) is dropped.  Deterministic for equal inputs.
 * out is initialised (free with pm_labelset_fini).  Thread-safe given its own t.
 * Details: positions are the anchor and 8 directions at 0.25 and 0.5 room; sizes
 * step by 10% down to min_size; wrapping (at min_size) splits the text in two at
 * the space nearest the middle, else after ceil(n/2) characters.  A box may stick
 * out of the room circle by at most one room radius on each axis.  room <= 0 means
 * unknown (e.g. points): anchor only, no room test.  Equal priorities go by index;
 * candidates without text or with a non-finite anchor are skipped.  Items are in
 * placement order.  opts->text's size, max_width and align are overridden.
 * Errors: PM_EDATA (scale or opts out of range, invalid UTF-8 in a label),
 * PM_ENOMEM; out is then empty. */
pm_status pm_labels_place(pm_text *t, const pm_label_cand *cands, size_t n,
                          double scale, const pm_label_opts *opts, pm_labelset *out);
void pm_labelset_fini(pm_labelset *ls);

/* Device-space box of a placed label in view v (v->scale must equal ls->scale). */
void pm_label_box(const pm_label *l, const pm_view *v, double *x, double *y);

/* Draws the placed labels that intersect the device rectangle of v: each label
 * whole, centred on its anchor, with halo.  Used by posters and (later) tiles.
 * cands and opts must be those given to pm_labels_place.  Errors as pm_text_draw. */
pm_status pm_labels_draw(pm_text *t, cairo_t *cr, const pm_view *v, const pm_labelset *ls,
                         const pm_label_cand *cands, const pm_label_opts *opts);

#endif
