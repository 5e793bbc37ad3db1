/* The park's A1 poster labels, over the placed boxes (pm_poster_place_labels): coverage,
 * the 6 pt floor, no overlaps between labels or with the furniture, no mid-word breaks. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/project.h"
#include "print/poster.h"

#define PARK_CFG PM_SOURCE_DIR "/build/park/park.json"

static pm_project P;
static pm_diag D;
static pm_scene S;
static pm_text *T;

static void setup(void)
{
    struct stat sb;
    if (stat(PARK_CFG, &sb) != 0) return;
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(PARK_CFG, NULL, &D, &P), PM_OK);
    char *err = NULL;
    cr_assert_eq(pm_scene_build(P.ds, P.cfg->print_crs, &S, &err), PM_OK);
    cr_assert_eq(pm_text_new(P.cfg->font, &T, &err), PM_OK);
}

static void teardown(void)
{
    if (!T) return;
    pm_text_free(T);
    pm_scene_fini(&S);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(poster_labels, .init = setup, .fini = teardown, .timeout = PM_T(120));

static int overlap(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

Test(poster_labels, park_a1_every_committee_clear_of_each_other_and_furniture)
{
    if (!T) cr_skip_test("build/park is absent: `make park` generates it");
    const pm_style *st = NULL;
    for (size_t i = 0; i < P.nstyles; i++)
        if (strcmp(P.styles[i]->id, "service") == 0) st = P.styles[i];
    cr_assert(st);
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(st, &P.an.tab, 2016, &D, &th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 0 };
    double w, h;
    cr_assert(pm_page_size("A1", 1, &w, &h));
    pm_poster_labels pl;
    cr_assert_eq(pm_poster_place_labels(&p, T, w, h, &pl), PM_OK);
    size_t n = pl.sym.n, k = pl.labels.count;
    cr_assert_geq(n, 150);
    cr_expect_geq(100.0 * (double)k / (double)n, 97.0, "labelled %zu of %zu", k, n);
    double (*box)[4] = malloc((k + 1) * sizeof *box);
    for (size_t i = 0; i < k; i++) {
        const pm_label *l = &pl.labels.items[i];
        double x, y;
        pm_label_box(l, &pl.v, &x, &y); /* page points */
        box[i][0] = x; box[i][1] = y; box[i][2] = x + l->w; box[i][3] = y + l->h;
        cr_expect_geq(l->size, 6.0 - 1e-9, "%s at %.2f pt", pl.sym.cands[l->cand].text, l->size);
        /* whole inside the frame */
        cr_expect(x >= pl.v.x && y >= pl.v.y && x + l->w <= pl.v.x + pl.v.w && y + l->h <= pl.v.y + pl.v.h,
                  "%s leaves the frame", pl.sym.cands[l->cand].text);
        for (size_t f = 0; f < pl.nfurniture; f++)
            cr_expect(!overlap(box[i], pl.furniture[f]), "%s under furniture %zu",
                      pl.sym.cands[l->cand].text, f);
        /* broken only before the unit term: the first line is the name up to it */
        char txt[256];
        pm_label_text(&pl.sym.cands[l->cand], l, txt, sizeof txt);
        const char *nl = strchr(txt, '\n');
        if (nl) {
            size_t off = pl.sym.cands[l->cand].unit_off;
            cr_expect(off > 0 && (size_t)(nl - txt) == off, "mid-word break: %s", txt);
        }
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            cr_expect(!overlap(box[i], box[j]), "%s overlaps %s", pl.sym.cands[pl.labels.items[i].cand].text,
                      pl.sym.cands[pl.labels.items[j].cand].text);
    free(box);
    pm_poster_labels_fini(&pl);
    pm_thematic_fini(&th);
}
