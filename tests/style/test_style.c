/* Tests of style files, palettes and colours: the shipped styles load, bad ones name the key. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "style/palette.h"
#include "style/style.h"
#include "../support/support.h"

#define C(v) ((v) / 255.0)

static void expect_rgb(pm_rgba c, unsigned hex)
{
    cr_expect(fabs(c.r - C(hex >> 16)) < 1e-9 && fabs(c.g - C((hex >> 8) & 255)) < 1e-9
              && fabs(c.b - C(hex & 255)) < 1e-9 && c.a == 1.0,
              "expected #%06x, got (%g, %g, %g, %g)", hex, c.r * 255, c.g * 255, c.b * 255, c.a);
}

static pm_style *load_ok(const char *path)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    pm_status st = pm_style_load(path, &d, &s);
    if (st) pm_diag_print(&d, stderr);
    cr_assert_eq(st, PM_OK, "%s did not load", path);
    cr_expect_eq(d.errors, 0);
    pm_diag_fini(&d);
    return s;
}

Test(style, service_manual_tiers)
{
    pm_style *s = load_ok("styles/service.json");
    cr_expect_str_eq(s->id, "service");
    cr_expect_str_eq(s->title, "服务群众能效指数");
    cr_expect_str_eq(s->indicator, "service");
    cr_expect_str_eq(s->unit, "分");
    cr_expect_eq(s->classify.method, PM_CLASSIFY_MANUAL);
    cr_assert_eq(s->classify.nclasses, 4);
    cr_assert_eq(s->nthresholds, 3);
    cr_expect(s->classify.thresholds == s->thresholds);
    cr_expect_float_eq(s->thresholds[0], 75, 1e-12);
    cr_expect_float_eq(s->thresholds[1], 85, 1e-12);
    cr_expect_float_eq(s->thresholds[2], 90, 1e-12);
    cr_assert_not_null(s->class_labels);
    const char *labels[] = { "待提升", "合格", "良好", "优秀" };
    for (size_t i = 0; i < 4; i++) cr_expect_str_eq(s->class_labels[i], labels[i]);
    cr_expect_null(s->class_labels[4]);
    cr_assert_eq(s->ncolors, 4); /* YlGnBu 4 */
    unsigned want[] = { 0xffffcc, 0xa1dab4, 0x41b6c4, 0x225ea8 };
    for (size_t i = 0; i < 4; i++) expect_rgb(s->colors[i], want[i]);
    expect_rgb(s->nodata, 0xd9d9d9);
    expect_rgb(s->outline, 0xffffff);
    cr_expect_eq(s->decimals, 1);
    cr_expect_eq(s->higher_is_better, 1);
    cr_expect_eq(s->show_points, 0);
    pm_style_free(s);
}

Test(style, the_other_four_styles)
{
    pm_style *s = load_ok("styles/satisfaction.json");
    cr_expect_eq(s->classify.method, PM_CLASSIFY_QUANTILE);
    cr_expect_eq(s->classify.nclasses, 5);
    cr_expect_str_eq(s->palette_name, "PuBuGn");
    cr_expect_null(s->class_labels);
    pm_style_free(s);

    s = load_ok("styles/workforce.json");
    cr_expect_str_eq(s->title, "社区工作者队伍建设指数");
    cr_expect_eq(s->classify.method, PM_CLASSIFY_JENKS);
    cr_expect_eq(s->ncolors, 5);
    pm_style_free(s);

    s = load_ok("styles/progress.json");
    cr_expect_str_eq(s->indicator, "service_change");
    cr_expect_eq(s->classify.method, PM_CLASSIFY_DIVERGING);
    cr_expect_eq(s->classify.nclasses, 5);
    cr_expect_float_eq(s->classify.centre, 0, 1e-12);
    cr_expect_eq(s->show_rank_change, 1);
    cr_assert_eq(s->ncolors, 5);
    cr_expect(s->colors[0].r > s->colors[0].b, "the lowest (falling) class is red");
    cr_expect(s->colors[4].b > s->colors[4].r, "the highest (rising) class is blue");
    pm_style_free(s);

    s = load_ok("styles/resources.json");
    cr_expect_str_eq(s->indicator, "running_per_1000");
    cr_expect_str_eq(s->unit, "个/千人");
    cr_expect_eq(s->decimals, 2);
    cr_expect_eq(s->classify.decimals, 2);
    cr_expect_eq(s->show_points, 1);
    cr_expect_eq(s->classify.method, PM_CLASSIFY_QUANTILE);
    pm_style_free(s);
}

/* Parses json, expects PM_EDATA and a problem on field whose message contains text. */
static void expect_problem(const char *json, const char *field, const char *text)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = (pm_style *)1;
    cr_assert_eq(pm_style_parse("bad.json", json, strlen(json), &d, &s), PM_EDATA,
                 "accepted: %s", json);
    cr_expect_null(s);
    int found = 0;
    for (size_t i = 0; i < d.count; i++) {
        cr_expect_str_eq(d.items[i].file, "bad.json");
        if (strcmp(d.items[i].field, field) == 0 && strstr(d.items[i].message, text)) found = 1;
    }
    if (!found) pm_diag_print(&d, stderr);
    cr_expect(found, "no problem on \"%s\" containing \"%s\"", field, text);
    pm_diag_fini(&d);
}

#define HEAD "{\"id\":\"t\",\"title\":\"测试\",\"indicator\":\"service\","
#define MANUAL "\"classify\":{\"method\":\"manual\",\"thresholds\":[75,85,90]},"

Test(style, unknown_keys_are_errors)
{
    expect_problem(HEAD MANUAL "\"palete\":\"YlGnBu\"}", "palete",
                   "unknown key (typo? did you mean \"palette\"?)");
    expect_problem(HEAD "\"classify\":{\"method\":\"diverging\",\"classes\":5,\"center\":0},"
                   "\"palette\":\"RdBu\"}", "classify.center", "did you mean \"centre\"?");
    expect_problem(HEAD MANUAL "\"palette\":\"YlGnBu\",\"zzzzzzzz\":1}", "zzzzzzzz",
                   "unknown key (typo?)");
}

Test(style, thresholds_must_ascend)
{
    expect_problem(HEAD "\"classify\":{\"method\":\"manual\",\"thresholds\":[75,90,85]},"
                   "\"palette\":\"YlGnBu\"}", "classify.thresholds[2]",
                   "must be greater than the previous threshold (90)");
    expect_problem(HEAD "\"classify\":{\"method\":\"manual\",\"thresholds\":[75,\"85\"]},"
                   "\"palette\":\"YlGnBu\"}", "classify.thresholds[1]",
                   "must be a number, not a string");
    expect_problem(HEAD "\"classify\":{\"method\":\"manual\",\"thresholds\":[]},"
                   "\"palette\":\"YlGnBu\"}", "classify.thresholds", "must have 1 to 11");
}

Test(style, labels_must_match_classes)
{
    expect_problem(HEAD "\"classify\":{\"method\":\"manual\",\"thresholds\":[75,85,90],"
                   "\"labels\":[\"a\",\"b\",\"c\"]},\"palette\":\"YlGnBu\"}",
                   "classify.labels", "has 3 labels but there are 4 classes");
    expect_problem(HEAD "\"classify\":{\"method\":\"quantile\",\"classes\":4,"
                   "\"labels\":[\"a\",\"b\",\"c\",\"d\"]},\"palette\":\"YlGnBu\"}",
                   "classify.labels", "only used by method manual");
}

Test(style, palettes_and_colours)
{
    expect_problem(HEAD MANUAL "\"palette\":\"Viridis\"}", "palette",
                   "unknown palette \"Viridis\" (ColorBrewer names: YlGn, YlGnBu,");
    expect_problem(HEAD MANUAL "\"palette\":\"YlGnBuu\"}", "palette",
                   "unknown palette \"YlGnBuu\" (did you mean \"YlGnBu\"?)");
    expect_problem(HEAD MANUAL "\"palette\":\"ylgnbu\"}", "palette",
                   "did you mean \"YlGnBu\"?");
    expect_problem(HEAD MANUAL "\"palette\":\"YlGnBu\",\"nodata\":\"#12345\"}", "nodata",
                   "\"#12345\" is not a colour (#rrggbb or #rrggbbaa)");
    expect_problem(HEAD MANUAL "\"colors\":[\"#ffffff\",\"red\",\"#000000\",\"#123456\"]}",
                   "colors[1]", "\"red\" is not a colour");
    expect_problem(HEAD MANUAL "\"colors\":[\"#ffffff\",\"#000000\"]}", "colors",
                   "has 2 colours but there are 4 classes");
    expect_problem(HEAD MANUAL "\"palette\":\"YlGnBu\",\"colors\":[\"#ffffff\"]}", "colors",
                   "either palette or colors");
    expect_problem(HEAD MANUAL "\"nodata\":\"#ffffff\"}", "palette", "is required");
}

Test(style, syntax_error_gives_line_and_column)
{
    const char *json = "{\n  \"id\": \"t\",\n  \"title\": \"t\"\n  \"indicator\": \"x\"\n}\n";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("bad.json", json, strlen(json), &d, &s), PM_EDATA);
    cr_assert_eq(d.count, 1);
    cr_expect(strncmp(d.items[0].feature, "line 4, column ", 15) == 0, "feature: %s",
              d.items[0].feature);
    cr_expect(strstr(d.items[0].message, "invalid JSON") != NULL);
    pm_diag_fini(&d);
}

Test(style, types_and_required_keys)
{
    expect_problem("{\"title\":\"t\",\"indicator\":\"service\"," MANUAL "\"palette\":\"Blues\"}",
                   "id", "is required");
    expect_problem(HEAD MANUAL "\"palette\":\"Blues\",\"decimals\":\"2\"}", "decimals",
                   "must be an integer, not a string");
    expect_problem(HEAD MANUAL "\"palette\":\"Blues\",\"decimals\":7}", "decimals",
                   "between 0 and 4");
    expect_problem(HEAD MANUAL "\"palette\":\"Blues\",\"points\":1}", "points",
                   "must be true, false or an object");
    expect_problem("{\"id\":\"Bad Id\",\"title\":\"t\",\"indicator\":\"service\"," MANUAL
                   "\"palette\":\"Blues\"}", "id", "a-z, 0-9, _ or -");
    expect_problem(HEAD "\"classify\":{\"method\":\"natural\"},\"palette\":\"Blues\"}",
                   "classify.method", "unknown method \"natural\"");
    expect_problem(HEAD "\"classify\":{\"method\":\"quantile\",\"classes\":10},"
                   "\"palette\":\"Blues\"}", "classify.classes", "between 2 and 9");
    expect_problem(HEAD "\"classify\":{\"method\":\"diverging\",\"classes\":12},"
                   "\"palette\":\"RdBu\"}", "classify.classes", "between 3 and 11");
    expect_problem(HEAD "\"classify\":{\"method\":\"jenks\",\"classes\":5,\"centre\":1},"
                   "\"palette\":\"Blues\"}", "classify.centre", "only used by method diverging");
    expect_problem("[1,2]", "", "must be a JSON object");
}

Test(style, every_problem_is_reported)
{
    const char *json = "{\"id\":\"X\",\"title\":\"\",\"indicator\":\"service\",\"colour\":1,"
                       "\"classify\":{\"method\":\"manual\",\"thresholds\":[3,2,1]},"
                       "\"palette\":\"Nope\"}";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("bad.json", json, strlen(json), &d, &s), PM_EDATA);
    /* colour, id, title, thresholds[1], thresholds[2], palette */
    cr_expect_eq(d.errors, 6);
    pm_diag_fini(&d);
}

Test(style, large_files_refused)
{
    size_t n = ((size_t)1 << 20) + 1;
    char *big = malloc(n);
    cr_assert_not_null(big);
    memset(big, ' ', n);
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_expect_eq(pm_style_parse("big.json", big, n, &d, &s), PM_EDATA);
    cr_assert_eq(d.count, 1);
    cr_expect(strstr(d.items[0].message, "at most 1 MB") != NULL);
    free(big);
    pm_diag_fini(&d);
}

Test(style, missing_file)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_expect_eq(pm_style_load("styles/no-such-style.json", &d, &s), PM_EDATA);
    cr_assert_eq(d.count, 1);
    cr_expect(strstr(d.items[0].message, "no-such-style.json: cannot open") != NULL);
    pm_diag_fini(&d);
}

Test(style, bom_accepted_and_sequential_diverging_warns)
{
    const char *json = "\xEF\xBB\xBF" HEAD "\"classify\":{\"method\":\"diverging\","
                       "\"classes\":3},\"palette\":\"Blues\"}";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("w.json", json, strlen(json), &d, &s), PM_OK);
    cr_expect_eq(d.errors, 0);
    cr_assert_eq(d.count, 1);
    cr_expect_eq(d.items[0].severity, PM_SEV_WARNING);
    cr_expect_str_eq(d.items[0].field, "palette");
    pm_style_free(s);
    pm_diag_fini(&d);
}

Test(style, two_classes_take_the_ends_of_three)
{
    const char *json = HEAD "\"classify\":{\"method\":\"manual\",\"thresholds\":[80]},"
                       "\"palette\":\"RdBu\"}";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("two.json", json, strlen(json), &d, &s), PM_OK);
    cr_assert_eq(s->ncolors, 2);
    expect_rgb(s->colors[0], 0xef8a62); /* RdBu 3 */
    expect_rgb(s->colors[1], 0x67a9cf);
    pm_style_free(s);
    pm_diag_fini(&d);
}

Test(style, class_colors_for_fewer_classes)
{
    pm_style *s = load_ok("styles/satisfaction.json"); /* PuBuGn 5 */
    pm_rgba c[5];
    cr_assert_eq(pm_style_class_colors(s, 3, c), PM_OK);
    expect_rgb(c[0], 0xece2f0); /* PuBuGn 3 */
    expect_rgb(c[1], 0xa6bddb);
    expect_rgb(c[2], 0x1c9099);
    cr_expect_eq(pm_style_class_colors(s, 6, c), PM_EDATA);
    cr_expect_eq(pm_style_class_colors(s, 0, c), PM_EDATA);
    pm_style_free(s);
    const char *json = HEAD "\"classify\":{\"method\":\"quantile\",\"classes\":5},"
        "\"colors\":[\"#000001\",\"#000002\",\"#000003\",\"#000004\",\"#000005\"]}";
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_style_parse("c.json", json, strlen(json), &d, &s), PM_OK);
    cr_expect_str_eq(s->palette_name, "custom");
    cr_assert_eq(pm_style_class_colors(s, 3, c), PM_OK);
    expect_rgb(c[0], 0x000001);
    expect_rgb(c[1], 0x000003);
    expect_rgb(c[2], 0x000005);
    pm_style_free(s);
    pm_diag_fini(&d);
}

Test(palette, published_values)
{
    pm_rgba c[11];
    cr_assert_eq(pm_palette_get("YlGnBu", 5, c), PM_OK);
    unsigned ylgnbu5[] = { 0xffffcc, 0xa1dab4, 0x41b6c4, 0x2c7fb8, 0x253494 };
    for (size_t i = 0; i < 5; i++) expect_rgb(c[i], ylgnbu5[i]);
    cr_assert_eq(pm_palette_get("RdBu", 5, c), PM_OK);
    unsigned rdbu5[] = { 0xca0020, 0xf4a582, 0xf7f7f7, 0x92c5de, 0x0571b0 };
    for (size_t i = 0; i < 5; i++) expect_rgb(c[i], rdbu5[i]);
    cr_assert_eq(pm_palette_get("Blues", 9, c), PM_OK);
    unsigned blues9[] = { 0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6,
                          0x2171b5, 0x08519c, 0x08306b };
    for (size_t i = 0; i < 9; i++) expect_rgb(c[i], blues9[i]);
    cr_assert_eq(pm_palette_get("RdYlBu", 11, c), PM_OK);
    expect_rgb(c[0], 0xa50026);
    expect_rgb(c[5], 0xffffbf);
    expect_rgb(c[10], 0x313695);
    cr_assert_eq(pm_palette_get("Oranges", 4, c), PM_OK);
    expect_rgb(c[3], 0xd94701); /* the published odd one out (7 classes: #d94801) */
    cr_assert_eq(pm_palette_get("YlOrRd", 3, c), PM_OK);
    expect_rgb(c[0], 0xffeda0);
    expect_rgb(c[1], 0xfeb24c);
    expect_rgb(c[2], 0xf03b20);
}

Test(palette, ranges_and_names)
{
    pm_rgba c[12];
    cr_expect_eq(pm_palette_get("YlGnBu", 2, c), PM_EDATA);
    cr_expect_eq(pm_palette_get("YlGnBu", 10, c), PM_EDATA);
    cr_expect_eq(pm_palette_get("RdBu", 11, c), PM_OK);
    cr_expect_eq(pm_palette_get("RdBu", 12, c), PM_EDATA);
    cr_expect_eq(pm_palette_get("Viridis", 5, c), PM_EDATA);
    const char *need[] = { "YlGnBu", "YlOrRd", "YlOrBr", "OrRd", "PuBuGn", "PuBu", "BuGn",
                           "GnBu", "Greens", "Blues", "Purples", "Oranges", "Reds", "RdBu",
                           "RdYlGn", "RdYlBu", "PuOr", "BrBG", "PiYG" };
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        cr_expect(pm_palette_known(need[i]), "%s missing", need[i]);
    cr_expect_eq(pm_palette_max_classes("PiYG"), 11);
    cr_expect_eq(pm_palette_max_classes("Reds"), 9);
    cr_expect_str_eq(pm_palette_name_like("rdylgn"), "RdYlGn");
    cr_expect_not(pm_palette_known("ylgnbu"));
}

Test(palette, rgba_parse)
{
    pm_rgba c;
    cr_assert_eq(pm_rgba_parse("#ff8000", &c), 0);
    cr_expect(c.r == 1.0 && fabs(c.g - C(128)) < 1e-12 && c.b == 0.0 && c.a == 1.0);
    cr_assert_eq(pm_rgba_parse("#FF800080", &c), 0);
    cr_expect(fabs(c.a - C(128)) < 1e-12 && c.r == 1.0);
    cr_expect_neq(pm_rgba_parse("ff8000", &c), 0);
    cr_expect_neq(pm_rgba_parse("#ff80", &c), 0);
    cr_expect_neq(pm_rgba_parse("#gg0000", &c), 0);
    cr_expect_neq(pm_rgba_parse("#ff80001", &c), 0);
    cr_expect_neq(pm_rgba_parse(NULL, &c), 0);
}

/* Issue 22's keys: points as an object (by status), labels, boundary, outline width. */
Test(style, point_label_and_boundary_keys)
{
    const char *json = HEAD MANUAL "\"palette\":\"Blues\",\"outline_width\":0.5,"
        "\"labels\":{\"size\":{\"16\":15,\"13\":9},\"halo_width\":1.5,\"halo\":\"#ffff00\"},"
        "\"boundary\":{\"width\":0,\"color\":\"#112233\"},"
        "\"points\":{\"projects\":{\"symbol\":\"square\",\"size\":6,\"by\":\"status\","
        "\"values\":{\"planned\":{\"symbol\":\"triangle\",\"stroke\":\"#000000\"}}}}}";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("t.json", json, strlen(json), &d, &s), PM_OK);
    cr_expect_eq(s->show_points, 1);
    cr_expect_eq(s->label_size.n, 2);
    cr_expect_eq(pm_zoomed_at(&s->label_size, 12, 0), 9);
    cr_expect_eq(pm_zoomed_at(&s->label_size, 15, 0), 9);
    cr_expect_eq(pm_zoomed_at(&s->label_size, 18, 0), 15);
    cr_expect_eq(s->label_halo_width, 1.5);
    cr_expect_eq(s->boundary_width, 0);
    cr_expect_eq(s->outline_width, 0.5);
    cr_expect_eq(s->projects.base.shape, PM_SYM_SQUARE);
    cr_expect_eq(pm_point_symbol(&s->projects, "planned", "")->shape, PM_SYM_TRIANGLE);
    cr_expect_eq(pm_point_symbol(&s->projects, "running", "")->shape, PM_SYM_SQUARE);
    cr_expect_eq(s->platforms.base.shape, PM_SYM_STAR); /* the house's where not given */
    pm_style_free(s);
    pm_diag_fini(&d);
}

/* The house symbols read on every class of every bundled palette's darkest and
 * lightest ends; a faint ring on #08519c is what the warning is for. */
Test(style, house_points_contrast_and_faint_ring_warns)
{
    const char *json = HEAD MANUAL "\"palette\":\"Blues\",\"points\":true}";
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    cr_assert_eq(pm_style_parse("t.json", json, strlen(json), &d, &s), PM_OK);
    cr_expect_eq(d.count, 0, "house symbols warned");
    pm_rgba dark = { 8 / 255.0, 81 / 255.0, 156 / 255.0, 1 };
    cr_expect_geq(pm_symbol_contrast(pm_point_symbol(&s->projects, "planned", ""), dark), 3);
    pm_symbol faint = { PM_SYM_CIRCLE, { 0 }, { 0, 0, 0, 0 }, { 0.25, 0.25, 0.28, 0.75 }, { 0, 0, 0, 0 }, 0.18, 0 };
    cr_expect_lt(pm_symbol_contrast(&faint, dark), 1.5);
    pm_style_free(s);
    pm_diag_fini(&d);
    const char *bad = HEAD MANUAL "\"palette\":\"Blues\",\"points\":{\"projects\":{\"by\":\"status\","
        "\"values\":{\"finished\":{\"fill\":\"#00000000\",\"stroke\":\"#40404780\",\"halo_width\":0}}}}}";
    pm_diag_init(&d);
    cr_assert_eq(pm_style_parse("t.json", bad, strlen(bad), &d, &s), PM_OK);
    cr_expect(t_diag_has(&d, "points.projects.values.finished", "circle", "class 4 (#2171b5)", "below 3:1", NULL));
    pm_style_free(s);
    pm_diag_fini(&d);
}
