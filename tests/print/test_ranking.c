/* The ranking panel: bars from zero and dots where they should be, and no text under 7 pt on the park's A1 posters. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "app/project.h"
#include "print/poster.h"
#include "print/ranking.h"

#define PARK PM_SOURCE_DIR "/build/park"

static pm_project P;
static pm_diag D;
static pm_scene S;
static pm_text *T;

static void open_place(const char *config)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(config, NULL, &D, &P), PM_OK);
    char *err = NULL;
    cr_assert_eq(pm_scene_build(P.ds, P.cfg->print_crs, &S, &err), PM_OK);
    cr_assert_eq(pm_text_new(P.cfg->font, &T, &err), PM_OK);
}

static void setup(void) { open_place(NULL); }

static void teardown(void)
{
    pm_text_free(T);
    pm_scene_fini(&S);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(ranking, .init = setup, .fini = teardown, .timeout = PM_T(120));

static const pm_thematic *map_of(const char *id, int year)
{
    for (size_t m = 0; m < P.res.nmaps; m++)
        if (strcmp(P.styles[m]->id, id) == 0) return &pm_results_at(&P.res, m, (size_t)pm_results_year(&P.res, year))->th;
    cr_assert_fail("no map %s", id);
    return NULL;
}

typedef struct { size_t c; double v; } row;

static int desc(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return x->v != y->v ? (x->v > y->v ? -1 : 1) : (x->c > y->c) - (x->c < y->c);
}

/* The panel drawn at 1 px per point; every committee's row (best first) checked at its
 * value's x: inside the bar or on the dot of its class colour, past the bar's end
 * paper or shade. */
static void check_marks(const char *id, int want_dots)
{
    const pm_thematic *th = map_of(id, 2016);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, th, "2026-01-01", 0 };
    int W = 600, H = 1000;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    pm_ranking_layout l;
    cr_assert_eq(pm_ranking_draw(&p, T, cr, (pm_rect){ 0, 0, 596, 1000 }, 7, &l), PM_OK);
    cairo_surface_flush(img);
    cr_assert_eq(l.mode, PM_RANKING_ONE, "35 committees in one column");
    cr_assert_eq(l.dots, want_dots, "%s: dots %d", id, l.dots);
    if (!want_dots) cr_assert_float_eq(l.lo, 0, 1e-12, "bars start at zero");
    size_t n = th->n;
    row *rows = malloc(n * sizeof *rows);
    double mn = INFINITY;
    for (size_t c = 0; c < n; c++) { rows[c] = (row){ c, th->value[c] }; mn = fmin(mn, th->value[c]); }
    if (want_dots) cr_assert(l.lo > 0 && l.lo <= mn, "the dot plot's axis starts below the smallest value (%g, %g)", l.lo, mn);
    qsort(rows, n, sizeof *rows, desc);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (size_t i = 0; i < n; i++) {
        pm_rgba col = th->colors[th->cls[rows[i].c]];
        int y = (int)(l.rows_y + ((double)i + 0.5) * l.row_h);
        double xv = pm_ranking_x(&l, 0, rows[i].v), x0 = pm_ranking_x(&l, 0, 0);
        int probes[2] = { want_dots ? (int)xv : (int)(xv - 3), want_dots ? (int)xv : (int)(x0 + 3) };
        for (int k = 0; k < 2; k++) {
            unsigned char *q = px + y * stride + 4 * probes[k];
            cr_assert(fabs(q[2] - col.r * 255) < 12 && fabs(q[1] - col.g * 255) < 12 && fabs(q[0] - col.b * 255) < 12,
                      "%s row %zu (%.2f) at x %d: (%d,%d,%d) is not its class colour", id, i + 1, rows[i].v, probes[k],
                      q[2], q[1], q[0]);
        }
        if (!want_dots) { /* the bar ends at the value: x(v) is proportional to v from zero */
            unsigned char *q = px + y * stride + 4 * (int)(xv + 3);
            cr_assert(q[2] > 235 && q[1] > 235 && q[0] > 235, "%s row %zu: the bar runs past its value", id, i + 1);
        }
    }
    free(rows);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
}

/* The sample's 2016 running projects per 1,000 residents (0.59 to 7.24): bars from zero. */
Test(ranking, sample_bars_start_at_zero_and_end_at_the_value)
{
    check_marks("resources", 0);
}

/* The sample's 2016 service scores (71.4 to 96.3): zero would make every bar look the
 * same (the old panel drew the 71.4 bar at 0.31 of the 96.3 one); dots on an axis. */
Test(ranking, sample_scores_are_a_dot_plot_on_a_labelled_axis)
{
    check_marks("service", 1);
}

/* The park's 180 communities on A1: every name in the panel, no ranking word under 7 pt.
 * pdftotext -bbox gives each word's box: Noto Sans CJK's box is 1.448 sizes high
 * (ascent 1.16 + descent 0.288; checked on the panel's title, drawn at 31.15 pt). */
TestSuite(ranking_park, .timeout = PM_T(300));

Test(ranking_park, a1_posters_no_ranking_text_under_7pt, .fini = teardown)
{
    struct stat sb;
    if (stat(PARK "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
    open_place(PARK "/park.json");
    cr_assert_str_eq(P.cfg->page, "A1");
    char *dir = t_tmpdir(), *err = NULL;
    for (size_t m = 0; m < P.res.nmaps; m++) {
        const pm_thematic *th = map_of(P.styles[m]->id, 2016);
        pm_poster p = { P.cfg, P.ds, &P.an, &S, th, "2026-01-01", 0 };
        char *pdf = pm_asprintf("%s/%s.pdf", dir, P.styles[m]->id);
        cr_assert_eq(pm_poster_write(&p, T, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
        char *cmd = pm_asprintf("pdftotext -bbox '%s' -", pdf), *out = NULL;
        cr_assert_eq(t_run(cmd, &out), 0);
        /* the panel: right of the title 排名's left edge, below it */
        char *title = strstr(out, ">排名</word>");
        cr_assert(title, "%s: the ranking's title", P.styles[m]->id);
        const char *w = title;
        while (w > out && strncmp(w, "<word", 5) != 0) w--;
        double tx0, ty0, tx1, ty1;
        cr_assert_eq(sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &tx0, &ty0, &tx1, &ty1), 4);
        cr_assert_float_eq((ty1 - ty0) / 1.448, 2383.94 / 22 * 1.15 / 4, 0.05 * 31, "calibration: the title's size");
        size_t words = 0, named = 0;
        double smallest = INFINITY;
        unsigned char *seen = calloc(P.ds->ncommittees, 1);
        size_t ranked = 0;
        const char *prev = NULL;
        for (const char *q = strstr(out, "<word "); q; prev = q, q = strstr(q + 1, "<word ")) {
            double x0, y0, x1, y1;
            if (sscanf(q, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1) != 4) continue;
            if (x0 < tx0 - 0.5 || y0 < ty1) continue;
            words++;
            smallest = fmin(smallest, (y1 - y0) / 1.448);
            const char *a = strchr(q, '>') + 1, *e = strstr(a, "</word>");
            for (size_t c = 0; c < P.ds->ncommittees; c++)
                if (!seen[c] && strlen(P.ds->committees[c].name) == (size_t)(e - a)
                    && strncmp(a, P.ds->committees[c].name, (size_t)(e - a)) == 0) {
                    seen[c] = 1;
                    named++;
                    /* the word before is its rank: 1 + the committees with a better value (ties share it) */
                    int rank = prev ? atoi(strchr(prev, '>') + 1) : 0, up = th->style->higher_is_better, ok = 0;
                    size_t want = 0;
                    for (size_t h = 0; h < P.ds->ncommittees; h++) { /* names repeat across parents */
                        if (strcmp(P.ds->committees[h].name, P.ds->committees[c].name) != 0) continue;
                        want = 1;
                        for (size_t o = 0; o < P.ds->ncommittees; o++)
                            want += up ? th->value[o] > th->value[h] : th->value[o] < th->value[h];
                        ok |= (size_t)rank == want;
                    }
                    if (rank > 0) {
                        cr_assert(ok, "%s: %s ranked %d, want %zu", P.styles[m]->id, P.ds->committees[c].name, rank, want);
                        ranked++;
                    }
                }
        }
        cr_assert_gt(words, 3 * P.ds->ncommittees, "%s: %zu words in the panel", P.styles[m]->id, words);
        cr_assert_geq(smallest, 6.97, "%s: the smallest ranking text is %.2f pt", P.styles[m]->id, smallest);
        cr_assert_eq(named, P.ds->ncommittees, "%s: %zu of %zu names in the panel", P.styles[m]->id, named,
                     P.ds->ncommittees);
        cr_assert_geq(ranked * 10, named * 9, "%s: the ranks of %zu of %zu names read", P.styles[m]->id, ranked, named);
        fprintf(stderr, "ranking: park %s, %zu words, smallest %.2f pt\n", P.styles[m]->id, words, smallest);
        if (m == 0) { /* past what fits at the floor (a panel a third as high): the best and the worst */
            cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
            cairo_t *cr = cairo_create(rec);
            pm_ranking_layout l;
            cr_assert_eq(pm_ranking_draw(&p, T, cr, (pm_rect){ 0, 0, 596, 330 }, 7, &l), PM_OK);
            cr_assert_eq(l.mode, PM_RANKING_TOP_BOTTOM);
            cr_assert_float_eq(l.size, 7, 1e-9, "at the floor");
            cr_assert(l.top == l.bottom && l.top >= 10 && l.shown == 2 * l.top && l.shown < P.ds->ncommittees,
                      "top %zu, bottom %zu", l.top, l.bottom);
            cr_assert_leq(l.top + l.bottom + 1, l.ncols * l.rows_per_col, "the rows and the gap row fit");
            cr_assert_leq(l.rows_y + (double)l.rows_per_col * l.row_h, 330 + 1e-6, "inside the panel");
            cairo_destroy(cr);
            cairo_surface_destroy(rec);
        }
        free(seen);
        free(cmd); free(out); free(pdf);
    }
    t_rm_tree(dir);
    free(dir);
}
