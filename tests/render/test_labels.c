/* Tests for label placement: priorities, collisions, room, shrinking, wrapping, drawing. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/labels.h"

static pm_text *T;

static void setup(void)
{
    char *err = NULL;
    pm_status s = pm_text_new("Noto Sans CJK SC", &T, &err);
    cr_assert_eq(s, PM_OK, "%s", err ? err : "?");
}

static void teardown(void) { pm_text_free(T); }

TestSuite(labels, .init = setup, .fini = teardown);

static pm_label_opts opts(void)
{
    pm_label_opts o = { .size = 12, .min_size = 8, .sub_ratio = 0.8, .padding = 2 };
    o.text = (pm_textstyle){ .color = { 0, 0, 0, 1 }, .halo = { 1, 1, 1, 1 }, .halo_width = 2 };
    return o;
}

static pm_label_cand cand(const char *text, double x, double y, double room, double prio)
{
    pm_label_cand c = { text, NULL, { x, y }, room, prio, NULL, 0 };
    return c;
}

/* Box in placement space (CRS scaled, y down), as pm_labels_place tests it. */
static void box_of(const pm_labelset *ls, const pm_label *l, double b[4])
{
    b[0] = l->anchor.x * ls->scale - l->w / 2;
    b[1] = -l->anchor.y * ls->scale - l->h / 2;
    b[2] = b[0] + l->w;
    b[3] = b[1] + l->h;
}

/* 1 if the boxes come closer than pad (allowing rounding). */
static int too_close(const double a[4], const double b[4], double pad)
{
    double e = pad - 1e-9;
    return a[0] - e < b[2] && b[0] - e < a[2] && a[1] - e < b[3] && b[1] - e < a[3];
}

static double text_w(const char *s, double size)
{
    pm_textstyle st = { .size = size };
    double w, h;
    cr_assert_eq(pm_text_measure(T, s, &st, &w, &h), PM_OK);
    return w;
}

static double text_h(const char *s, double size)
{
    pm_textstyle st = { .size = size };
    double w, h;
    cr_assert_eq(pm_text_measure(T, s, &st, &w, &h), PM_OK);
    return h;
}

Test(labels, same_anchor_lower_priority_moves)
{
    pm_label_cand c[2] = { cand("长寿路", 100, 100, 50, 1), cand("玉佛城", 100, 100, 50, 2) };
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 2, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 2);
    cr_expect_eq(ls.items[0].cand, 1);
    cr_expect(ls.items[0].anchor.x == 100 && ls.items[0].anchor.y == 100);
    cr_expect_eq(ls.items[0].size, 12);
    /* 36 x 17.4 boxes: a quarter-room move (12.5) is not enough, half (25) north is. */
    cr_expect_eq(ls.items[1].cand, 0);
    cr_expect(ls.items[1].anchor.x == 100 && ls.items[1].anchor.y == 125,
              "moved to %g %g", ls.items[1].anchor.x, ls.items[1].anchor.y);
    double a[4], b[4];
    box_of(&ls, &ls.items[0], a);
    box_of(&ls, &ls.items[1], b);
    cr_expect(!too_close(a, b, o.padding));
    pm_labelset_fini(&ls);
    cr_expect_null(ls.items);
}

Test(labels, same_anchor_without_room_is_dropped)
{
    pm_label_cand c[2] = { cand("长寿路", 100, 100, 0, 1), cand("玉佛城", 100, 100, 0, 2) };
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 2, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    cr_expect_eq(ls.items[0].cand, 1);
    pm_labelset_fini(&ls);
}

Test(labels, equal_priority_ties_break_by_index)
{
    pm_label_cand c[2] = { cand("长寿路", 100, 100, 0, 5), cand("玉佛城", 100, 100, 0, 5) };
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 2, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    cr_expect_eq(ls.items[0].cand, 0);
    pm_labelset_fini(&ls);
}

Test(labels, far_apart_all_at_anchor)
{
    pm_label_cand c[5];
    for (int i = 0; i < 5; i++) c[i] = cand("普陀区长寿路", i * 200.0, 50, 60, i);
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 5, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 5);
    for (size_t i = 0; i < 5; i++) {
        const pm_label *l = &ls.items[i];
        cr_expect_eq(l->cand, 4 - i);
        cr_expect(l->anchor.x == c[l->cand].anchor.x && l->anchor.y == 50);
        cr_expect_eq(l->size, 12);
        cr_expect_eq(l->wrapped, 0);
        cr_expect(fabs(l->w - 72) < 0.01, "w %g", l->w);
    }
    pm_labelset_fini(&ls);
}

Test(labels, sub_line_stacks_under_main_text)
{
    pm_label_cand c = cand("玉佛城", 0, 0, 40, 1);
    c.sub = "20→7";
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    double wm = text_w("玉佛城", 12), ws = text_w("20→7", 9.6);
    cr_expect(fabs(ls.items[0].w - fmax(wm, ws)) < 1e-9);
    cr_expect(fabs(ls.items[0].h - text_h("玉佛城", 12) - text_h("20→7", 9.6)) < 1e-9);
    pm_labelset_fini(&ls);
}

/* Room rule: the box may overhang the room circle by at most one radius. */
Test(labels, long_name_in_small_room_shrinks)
{
    pm_label_cand c = cand("长寿路街道第一居民委员", 0, 0, 30, 1); /* 11 ideographs */
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    /* 11 * s / 2 <= 60 first holds at s = 12 * 0.9^1 = 10.8 (59.4). */
    cr_expect(fabs(ls.items[0].size - 10.8) < 1e-9, "size %g", ls.items[0].size);
    cr_expect_eq(ls.items[0].wrapped, 0);
    cr_expect(fabs(ls.items[0].w - 11 * 10.8) < 0.01);
    pm_labelset_fini(&ls);
}

Test(labels, long_name_in_tiny_room_wraps_before_unit_term)
{
    const char *name = "长寿路街道第一居民委员会"; /* 12 ideographs */
    pm_label_cand c = cand(name, 0, 0, 20, 1);
    pm_label_opts o = opts();
    pm_labelset ls;
    /* no unit term known: a name is never broken inside a word, so it does not fit */
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0);
    pm_labelset_fini(&ls);
    c.unit_off = pm_label_unit_offset(name, NULL);
    cr_assert_eq(c.unit_off, strlen("长寿路街道第一"));
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    cr_expect_eq(ls.items[0].wrapped, 1);
    cr_expect(fabs(ls.items[0].w - 7 * ls.items[0].size) < 0.01, "w %g", ls.items[0].w);
    cr_expect(fabs(ls.items[0].h - 2 * text_h("长", ls.items[0].size)) < 0.01, "h %g", ls.items[0].h);
    char buf[128];
    pm_label_text(&c, &ls.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "长寿路街道第一\n居民委员会");
    pm_labelset_fini(&ls);
}

Test(labels, unit_offsets)
{
    cr_expect_eq(pm_label_unit_offset("兰亭社区", NULL), strlen("兰亭"));
    cr_expect_eq(pm_label_unit_offset("港务新村居委会", NULL), strlen("港务新村"));
    cr_expect_eq(pm_label_unit_offset("曹杨新村居民区", "居民区"), strlen("曹杨新村"));
    cr_expect_eq(pm_label_unit_offset("冯家坝村", "村"), 0); /* 新村, 坝村: part of the name */
    cr_expect_eq(pm_label_unit_offset("社区", NULL), 0);
    cr_expect_eq(pm_label_unit_offset("玉社区", NULL), 0); /* one character left: keep whole */
    cr_expect_eq(pm_label_unit_offset("长安苑", NULL), 0);
    cr_expect_eq(pm_label_unit_offset("湖心园区", "园区"), strlen("湖心"));
}

/* Never inside a word: names without a unit term or a space stay on one line. */
Test(labels, wrap_only_at_unit_term_or_space)
{
    pm_label_opts o = opts();
    pm_label_cand c = cand("长寿路居委", 0, 0, 8, 1);
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0, "长寿路居委 was broken inside the name");
    pm_labelset_fini(&ls);

    double wl = fmax(text_w("A玉", 8), text_w("B佛", 8)), h2 = 2 * text_h("玉", 8);
    double room = (fmax(wl, h2) / 2 + 0.1) / 2;
    c = cand("A玉B佛", 0, 0, room, 1);
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0);
    pm_labelset_fini(&ls);

    /* Words: at the space nearest the middle (first one on a tie). */
    wl = fmax(text_w("Yufo", 8), text_w("Cheng Road", 8));
    c = cand("Yufo Cheng Road", 0, 0, (wl / 2 + 0.5) / 2, 1);
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    cr_expect_eq(ls.items[0].wrapped, 1);
    cr_expect(fabs(ls.items[0].w - wl) < 1e-9, "w %g, expected %g", ls.items[0].w, wl);
    pm_labelset_fini(&ls);
}

/* Short of space even on two lines: the unit term is dropped. */
Test(labels, unit_term_dropped_when_short)
{
    pm_label_opts o = opts();
    const char *name = "枫情水岸社区";
    pm_label_cand c = cand(name, 0, 0, 0, 1);
    c.unit_off = pm_label_unit_offset(name, NULL);
    /* a frame with room for 枫情水岸 at 8 on one line, not for two lines or six
     * characters (the box grows by padding, and 0.35 size more sideways) */
    double w4 = text_w("枫情水岸", 8), h1 = text_h("枫", 8);
    double sx = o.padding + 0.35 * 8, sy = o.padding;
    o.framed = 1;
    o.frame = (pm_bbox){ -w4 / 2 - sx - 0.01, -h1 / 2 - sy - 0.01, w4 / 2 + sx + 0.01, h1 / 2 + sy + 0.01 };
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    cr_expect_eq(ls.items[0].stem, 1);
    cr_expect_eq(ls.items[0].wrapped, 0);
    char buf[64];
    pm_label_text(&c, &ls.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "枫情水岸");
    pm_labelset_fini(&ls);
}

Test(labels, too_small_room_drops_label)
{
    pm_label_cand c[2] = { cand("长寿路街道第一居民委员会", 0, 0, 2, 1), cand("玉", 0, 0, 0.5, 1) };
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 2, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0);
    pm_labelset_fini(&ls);
}

Test(labels, scale_applies_to_room_and_offsets)
{
    /* At scale 0.5 a 100-unit room is 50 device units: same answer as the first test. */
    pm_label_cand c[2] = { cand("长寿路", 200, 200, 100, 1), cand("玉佛城", 200, 200, 100, 2) };
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, 2, 0.5, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 2);
    cr_expect_eq(ls.scale, 0.5);
    cr_expect(ls.items[1].anchor.x == 200 && ls.items[1].anchor.y == 250);
    pm_labelset_fini(&ls);
}

Test(labels, bad_options_and_empty_input)
{
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_expect_eq(pm_labels_place(T, NULL, 0, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0);
    pm_labelset_fini(&ls);
    pm_label_cand c[3] = { cand("", 0, 0, 10, 1), cand(NULL, 0, 0, 10, 1),
                           cand("玉", NAN, 0, 10, 1) };
    cr_expect_eq(pm_labels_place(T, c, 3, 1.0, &o, &ls), PM_OK);
    cr_expect_eq(ls.count, 0);
    pm_labelset_fini(&ls);
    cr_expect_eq(pm_labels_place(T, c, 3, 0, &o, &ls), PM_EDATA);
    o.size = 0;
    cr_expect_eq(pm_labels_place(T, c, 3, 1.0, &o, &ls), PM_EDATA);
    cr_expect_eq(ls.count, 0);
    cr_expect_null(ls.items);
    o = opts();
    c[0] = cand("bad \xff", 0, 0, 10, 1);
    cr_expect_eq(pm_labels_place(T, c, 1, 1.0, &o, &ls), PM_EDATA);
    cr_expect_null(ls.items);
}

static const char *names[] = {
    "玉佛城", "长寿路", "普陀", "西康路居委会", "叶家宅", "常德路第一", "Yufo", "大",
    "长寿新村", "沪西工人文化宫居民区", "胶州路 West",
};

static uint64_t rng;
static double rnd(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void random_cands(pm_label_cand *c, size_t n)
{
    rng = 20160314;
    for (size_t i = 0; i < n; i++) {
        c[i] = cand(names[(size_t)(rnd() * 11)], rnd() * 1000, rnd() * 1000,
                    5 + rnd() * 55, floor(rnd() * 20));
        c[i].sub = rnd() < 0.3 ? "20→7" : NULL;
    }
}

Test(labels, random_200_never_overlap)
{
    enum { N = 200 };
    pm_label_cand c[N];
    random_cands(c, N);
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, c, N, 0.8, &o, &ls), PM_OK);
    cr_expect(ls.count > 40 && ls.count < N, "%zu placed", ls.count);
    int seen[N] = { 0 }, wrapped = 0, shrunk = 0;
    pm_view v = pm_view_at(-100, 1100, 0.8, 0, 0, 960, 960);
    for (size_t i = 0; i < ls.count; i++) {
        const pm_label *l = &ls.items[i], *k;
        cr_assert(l->cand < N && !seen[l->cand]++);
        if (i) cr_expect(c[ls.items[i - 1].cand].priority >= c[l->cand].priority);
        double r = 2 * c[l->cand].room * 0.8;
        cr_expect(fabs(l->anchor.x - c[l->cand].anchor.x) * 0.8 + l->w / 2 <= r + 1e-9);
        cr_expect(fabs(l->anchor.y - c[l->cand].anchor.y) * 0.8 + l->h / 2 <= r + 1e-9);
        cr_expect(l->size >= 8 && l->size <= 12);
        wrapped += l->wrapped;
        shrunk += l->size < 12;
        double a[4], x, y;
        pm_label_box(l, &v, &x, &y);
        double da[4] = { x, y, x + l->w, y + l->h };
        box_of(&ls, l, a);
        for (size_t j = 0; j < i; j++) {
            k = &ls.items[j];
            double b[4];
            box_of(&ls, k, b);
            cr_expect(!too_close(a, b, o.padding), "labels %zu and %zu overlap", l->cand, k->cand);
            pm_label_box(k, &v, &x, &y);
            double db[4] = { x, y, x + k->w, y + k->h };
            cr_expect(!too_close(da, db, o.padding - 1e-6));
        }
    }
    cr_expect(wrapped > 0 && shrunk > 0, "wrapped %d shrunk %d", wrapped, shrunk);
    pm_labelset_fini(&ls);
}

Test(labels, deterministic)
{
    enum { N = 200 };
    pm_label_cand c[N];
    random_cands(c, N);
    pm_label_opts o = opts();
    pm_labelset a, b;
    cr_assert_eq(pm_labels_place(T, c, N, 0.8, &o, &a), PM_OK);
    cr_assert_eq(pm_labels_place(T, c, N, 0.8, &o, &b), PM_OK);
    cr_assert_eq(a.count, b.count);
    for (size_t i = 0; i < a.count; i++) {
        const pm_label *x = &a.items[i], *y = &b.items[i];
        cr_expect(x->cand == y->cand && x->anchor.x == y->anchor.x &&
                  x->anchor.y == y->anchor.y && x->size == y->size && x->w == y->w &&
                  x->h == y->h && x->wrapped == y->wrapped, "label %zu differs", i);
    }
    pm_labelset_fini(&a);
    pm_labelset_fini(&b);
}

static long ink(cairo_surface_t *s)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    long n = 0;
    for (int y = 0; y < cairo_image_surface_get_height(s); y++)
        for (int x = 0; x < cairo_image_surface_get_width(s); x++)
            n += d[y * cairo_image_surface_get_stride(s) + 4 * x + 3] != 0;
    return n;
}

/* Renders the labels of ls in view v onto a fresh w x h image; returns its ink. */
static long render(const pm_labelset *ls, const pm_label_cand *c, const pm_view *v)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)v->w, (int)v->h);
    cairo_t *cr = cairo_create(s);
    pm_label_opts o = opts();
    cr_assert_eq(pm_labels_draw(T, cr, v, ls, c, &o), PM_OK);
    long n = ink(s);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return n;
}

Test(labels, draw_whole_label_in_every_tile_it_touches)
{
    pm_label_cand c = cand("玉佛城", 256, 100, 40, 1);
    c.sub = "20→7";
    pm_label_opts o = opts();
    pm_labelset ls;
    cr_assert_eq(pm_labels_place(T, &c, 1, 1.0, &o, &ls), PM_OK);
    cr_assert_eq(ls.count, 1);
    /* Whole map, and two 256-px tiles split through the label's middle. */
    pm_view whole = pm_view_at(0, 256, 1.0, 0, 0, 512, 256);
    pm_view left = pm_view_at(0, 256, 1.0, 0, 0, 256, 256);
    pm_view right = pm_view_at(256, 256, 1.0, 0, 0, 256, 256);
    pm_view far = pm_view_at(1024, 256, 1.0, 0, 0, 256, 256);
    long all = render(&ls, &c, &whole), l = render(&ls, &c, &left), r = render(&ls, &c, &right);
    cr_expect(all > 100);
    cr_expect(l > 0 && r > 0);
    cr_expect(labs(l + r - all) <= 8, "left %ld + right %ld vs whole %ld", l, r, all);
    cr_expect_eq(render(&ls, &c, &far), 0);

    /* Ink stays inside the label box widened by half the halo. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 512, 256);
    cairo_t *cr = cairo_create(s);
    cr_assert_eq(pm_labels_draw(T, cr, &whole, &ls, &c, &o), PM_OK);
    double x, y;
    pm_label_box(&ls.items[0], &whole, &x, &y);
    cr_expect(fabs(x - (256 - ls.items[0].w / 2)) < 1e-9 && fabs(y - (156 - ls.items[0].h / 2)) < 1e-9);
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_rectangle(cr, x - 2, y - 2, ls.items[0].w + 4, ls.items[0].h + 4);
    cairo_fill(cr);
    cr_expect_eq(ink(s), 0, "ink outside the label box");
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    pm_labelset_fini(&ls);
}
