/* The poster's ranking panel: a layout chosen by the count, bars from zero or a dot plot. */
#ifndef PM_PRINT_RANKING_H
#define PM_PRINT_RANKING_H

#include <cairo.h>
#include <stddef.h>
#include "print/panels.h"
#include "print/poster.h"

/* How the committees are listed, chosen by the count against the panel:
 *   ONE:        every committee in one column;
 *   COLUMNS:    every committee, in as few columns as keep the text at the floor;
 *   TOP_BOTTOM: the best and the worst N (as many as fit at the floor), a gap row
 *               saying how many are left out, and a note that the full table is in
 *               the atlas and the spreadsheet. */
typedef enum { PM_RANKING_ONE, PM_RANKING_COLUMNS, PM_RANKING_TOP_BOTTOM } pm_ranking_mode;

#define PM_RANKING_MAX_COLS 6

/* The panel as drawn (page points): enough to find every row, the axis and the
 * value-to-x mapping again (tests, and whoever wants to annotate the panel). */
typedef struct {
    pm_ranking_mode mode;
    size_t ncols, rows_per_col; /* slots per column (a gap row counts as one) */
    size_t shown;               /* committees listed */
    size_t top, bottom;         /* TOP_BOTTOM: how many from each end; else shown, 0 */
    double size;                /* the text size of every row, tick and note */
    int dots;                   /* 1: a dot plot on a labelled axis (the values sit far from
                                 * zero, e.g. scores 70–97), 0: bars from zero */
    double lo, hi, step;        /* the axis: its ends and tick step (lo = 0 or below for bars) */
    double col_x[PM_RANKING_MAX_COLS]; /* each column's left edge */
    double plot_dx, plot_w;     /* the plot area of a column: col_x + plot_dx, plot_w wide */
    double name_dx;             /* names start at col_x + name_dx and end before the plot */
    double value_dx;            /* the values' right edge: col_x + value_dx */
    double rows_y, row_h;       /* the first row's top, and the row pitch */
} pm_ranking_layout;

/* The smallest ranking text on a page of w × h points: 7 pt on A1, scaled with the
 * page's linear size (7 pt × √(page area / A1 area): 3.5 pt on A3, 9.9 pt on A0), as
 * the whole poster is scaled, so that the same poster printed on another size reads
 * at the same distance-to-size ratio.  Pure. */
double pm_ranking_min_size(double w, double h);

/* Draws the ranking of p->th (best first in the style's direction, ties sharing a
 * rank as in pm_rank_style; no data last)
 * into r with no text smaller than min_size, and fills *out (may be NULL).  Names
 * are never covered: the plot starts after the widest name shown.  PM_ENOMEM,
 * PM_EINTERNAL (Cairo in an error state); text failures stay in t.  Thread-safe given
 * its own t and cr. */
pm_status pm_ranking_draw(const pm_poster *p, pm_text *t, cairo_t *cr, pm_rect r, double min_size,
                          pm_ranking_layout *out);

/* The x of value v on column col's axis. */
double pm_ranking_x(const pm_ranking_layout *l, size_t col, double v);

#endif
