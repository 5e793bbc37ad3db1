/* Label placement: collision-free committee labels inside their polygons, shrinking to a
 * floor, broken before the unit term or without it, clear of furniture and boundaries. */
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
    const pm_geom *poly; /* the polygon labelled (borrowed, may be NULL): positions all
                          * over it are tried, and a box wholly inside it is preferred */
    size_t unit_off;   /* byte offset of the unit term that ends text (社区 of 枫情水岸社区,
                        * see pm_label_unit_offset); 0: none.  The only place a name
                        * without spaces breaks, and what is dropped when space is short */
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
    const pm_bbox *keepout; /* CRS rectangles no label box may touch: map furniture (north
                             * arrow, scale bar, legend, inset); may be NULL */
    size_t nkeepout;
    int framed;             /* 1: every box, padding included, lies inside frame (CRS) */
    pm_bbox frame;
    const pm_geom *barrier; /* lines no box comes within padding of (the outer boundary;
                             * borrowed, may be NULL); barrier_bbox: one per polyline */
    const pm_bbox *barrier_bbox;
    double min_room;        /* device units: a candidate whose room circle is narrower
                             * (2 room scale < min_room) gets no label; 0: every one */
    double spill;           /* how far a box may leave the room circle, in room radii
                             * (per axis, beyond the radius); 0 means 1 */
    int last_resort;        /* 1: a last pass with twice the spill (posters: a name
                             * over its neighbours' edges beats no name) */
} pm_label_opts;

/* A placed label: the text box in device-independent form, so one placement serves
 * every surface that draws the map at the same scale (a poster page, its preview at
 * another resolution via Cairo scaling, or the tiles of one zoom level). */
typedef struct {
    size_t cand;       /* index of the candidate */
    pm_pt anchor;      /* CRS point the box is centred on */
    double size;       /* chosen font size (device units at the placement scale) */
    double w, h;       /* box size (device units at the placement scale), text + sub */
    int wrapped;       /* 1 if the main text was broken onto two lines */
    int stem;          /* 1 if the unit term was dropped (the text ends at unit_off) */
    int inside;        /* 1 if the box lies wholly inside the candidate's polygon */
    double w1, h1, w2; /* the main text's box and the sub line's width: drawing needs
                        * them, and measuring again costs a Pango layout a label */
} pm_label;

typedef struct {
    pm_label *items;   /* owned */
    size_t count;
    double scale;      /* device units per CRS unit used for placement */
} pm_labelset;

/* Places labels greedily by priority.  Each candidate tries, in order: (1) boxes
 * wholly inside its polygon (when poly is set): at each size from size down to
 * min_size (10% steps), the text on one line, then broken in two; then, at each
 * size, the text without its unit term; (2) the same forms with the box allowed to
 * leave the polygon (centre inside it) and its room circle by spill room radii;
 * (3) with last_resort, the same with twice the spill.
 * Positions are the anchor, rings at 0.25 and 0.5 room around it and a 7 × 7 grid of
 * points inside the polygon, nearest the anchor first.  A box is refused when it,
 * grown by padding (and by 0.35 size more sideways, so that neighbours never read as
 * one name), touches a placed box, an obstacle square, a keep-out rectangle, comes
 * within padding of a barrier line or leaves the frame.  A name breaks only before
 * its unit term (unit_off) or at the space nearest the middle, never inside a word;
 * a name with neither stays on one line.  Candidates without text, with a non-finite
 * anchor or narrower than min_room are skipped; room <= 0 means unknown (points):
 * anchor only, no room test.  Equal priorities go by index.  Items are in placement
 * order.  opts->text's size, max_width and align are overridden.  Deterministic;
 * thread-safe given its own t.  out is initialised (free with pm_labelset_fini).
 * Errors: PM_EDATA (scale or opts out of range, invalid UTF-8 in a label),
 * PM_ENOMEM; out is then empty. */
pm_status pm_labels_place(pm_text *t, const pm_label_cand *cands, size_t n,
                          double scale, const pm_label_opts *opts, pm_labelset *out);
void pm_labelset_fini(pm_labelset *ls);

/* The byte offset where name's unit term begins (社区, 居委会, 居民区, 村委会, 委员会,
 * and term when not NULL), if at least two characters come before it; else 0.  A
 * single 村 is not a term here: 新村 is part of an estate's name.  Pure. */
size_t pm_label_unit_offset(const char *name, const char *term);

/* The text label l shows for candidate c (broken with a newline, or without its unit
 * term), into buf (truncated to len).  Pure. */
void pm_label_text(const pm_label_cand *c, const pm_label *l, char *buf, size_t len);

/* The box of a placed label in placement space (CRS × scale, y down), without
 * padding: x0, y0, x1, y1.  For tests and for callers that check furniture. */
void pm_label_rect(const pm_labelset *ls, const pm_label *l, double r[4]);

/* Device-space box of a placed label in view v (v->scale must equal ls->scale). */
void pm_label_box(const pm_label *l, const pm_view *v, double *x, double *y);

/* Draws the placed labels that intersect the device rectangle of v: each label
 * whole, centred on its anchor, with halo.  Used by posters and (later) tiles.
 * cands and opts must be those given to pm_labels_place.  Errors as pm_text_draw. */
pm_status pm_labels_draw(pm_text *t, cairo_t *cr, const pm_view *v, const pm_labelset *ls,
                         const pm_label_cand *cands, const pm_label_opts *opts);

#endif
