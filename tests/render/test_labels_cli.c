/* Labels and point styles through the command line: the park's A1 poster as pdftotext
 * reads it, z13 tiles of the sample, the style keys of issue 22 and their warning. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

#define PARK PM_SOURCE_DIR "/build/park"

TestSuite(labels_cli, .timeout = PM_T(300));

typedef struct { double x0, y0, x1, y1; char t[96]; } word;

/* The words of the A1 landscape poster's map frame (page points; the frame spans
 * x 59.6–1692.7, y 248.9–1557.5 on the 2383.9 × 1683.8 page). */
static size_t map_words(const char *pdf, word **out)
{
    char cmd[1024], *txt = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", pdf);
    cr_assert_eq(t_run(cmd, &txt), 0);
    size_t n = 0, cap = 64;
    word *w = malloc(cap * sizeof *w);
    for (char *p = strstr(txt, "<word "); p; p = strstr(p + 1, "<word ")) {
        word x;
        int len = 0;
        if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%n", &x.x0, &x.y0, &x.x1,
                   &x.y1, &len) != 4 || !len)
            continue;
        char *e = strstr(p + len, "</word>");
        size_t tl = e ? (size_t)(e - p - len) : 0;
        if (!e || tl >= sizeof x.t) continue;
        memcpy(x.t, p + len, tl);
        x.t[tl] = 0;
        if (!(x.x1 < 1692.7 && x.y0 > 248.9 && x.y1 < 1557.5)) continue;
        if (n == cap) w = realloc(w, (cap *= 2) * sizeof *w);
        w[n++] = x;
    }
    free(txt);
    *out = w;
    return n;
}

static const char *const units[] = { "社区", "居委会", "居民区", "村委会" };

/* 1 if name shows on the map: as a word, as two stacked words, or without its unit term. */
static int shown(const word *w, size_t n, const char *name)
{
    char stem[128];
    snprintf(stem, sizeof stem, "%s", name);
    for (size_t u = 0; u < 4; u++) {
        size_t a = strlen(name), b = strlen(units[u]);
        if (a > b + 3 && strcmp(name + a - b, units[u]) == 0) stem[a - b] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(w[i].t, name) == 0 || strcmp(w[i].t, stem) == 0) return 1;
        for (size_t j = 0; j < n; j++) {
            if (i == j || fabs(w[j].y0 - w[i].y1) > 2 ||
                fabs((w[i].x0 + w[i].x1) / 2 - (w[j].x0 + w[j].x1) / 2) > 3)
                continue;
            char two[200];
            snprintf(two, sizeof two, "%s%s", w[i].t, w[j].t);
            if (strcmp(two, name) == 0) return 1;
        }
    }
    return 0;
}

Test(labels_cli, park_a1_poster_labels_97_percent_at_6pt_or_more)
{
    t_need_binary();
    struct stat sb;
    if (stat(PARK "/park.json", &sb) != 0) cr_skip_test("build/park is absent: `make park`");
    char *dir = t_tmpdir(), args[1024], *out = NULL;
    snprintf(args, sizeof args, "render -c %s/park.json --only print --maps service --out %s --jobs 2 2>&1",
             PARK, dir);
    cr_assert_eq(t_pm(args, &out), 0, "%s", out);
    cr_expect(strstr(out, "labels ") && strstr(out, "/180 ("), "no coverage in the summary:\n%s", out);
    char pdf[600];
    snprintf(pdf, sizeof pdf, "%s/2016/print/service.pdf", dir);
    word *w;
    size_t n = map_words(pdf, &w);
    /* the names, from the committees' files via the poster's ranking panel text */
    char cmd[1200], *names = NULL;
    snprintf(cmd, sizeof cmd, "python3 -c \"import json,glob\nfor f in sorted(glob.glob('%s/committees/*.geojson')):\n"
             "  [print(x['properties']['社区名称']) for x in json.load(open(f))['features']]\"", PARK);
    cr_assert_eq(t_run(cmd, &names), 0);
    size_t total = 0, found = 0;
    char missing[2048] = "";
    for (char *s = strtok(names, "\n"); s; s = strtok(NULL, "\n")) {
        total++;
        if (shown(w, n, s)) found++;
        else if (strlen(missing) + strlen(s) + 2 < sizeof missing) { strcat(missing, s); strcat(missing, " "); }
    }
    cr_assert_geq(total, 150);
    cr_expect_geq(100.0 * (double)found / (double)total, 97.0, "%zu of %zu names on the map; missing %s",
                  found, total, missing);
    /* Noto Sans CJK's line box is 1.448 em: pdftotext's word height over it is the size */
    double minpt = INFINITY;
    for (size_t i = 0; i < n; i++) minpt = fmin(minpt, (w[i].y1 - w[i].y0) / 1.448);
    cr_expect_geq(minpt, 6.0 - 0.01, "label text of %.2f pt", minpt);
    free(w);
    free(names);
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* Ink-coloured pixels (label text) in the z13 tiles of a map. */
static long ink_pixels(const char *dir)
{
    char cmd[900], *list = NULL;
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.png' ! -name '*@2x*'", dir);
    cr_assert_eq(t_run(cmd, &list), 0);
    long ink = 0;
    for (char *f = strtok(list, "\n"); f; f = strtok(NULL, "\n")) {
        char *buf = NULL, *err = NULL;
        size_t len = 0;
        cr_assert_eq(pm_read_file(f, 1 << 24, &buf, &len, &err), PM_OK);
        cairo_surface_t *s = t_png_decode((unsigned char *)buf, len);
        cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
        const unsigned char *px = cairo_image_surface_get_data(s);
        int st = cairo_image_surface_get_stride(s), W = cairo_image_surface_get_width(s),
            H = cairo_image_surface_get_height(s);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const unsigned char *p = px + y * st + 4 * x; /* BGRA premultiplied */
                /* dark and neutral: text (ink 33,33,38), not the brown boundary */
                int b = p[0], g = p[1], r = p[2];
                if (p[3] == 255 && r < 90 && g < 90 && b < 95 && abs(r - g) < 12 && abs(g - b) < 14) ink++;
            }
        cairo_surface_destroy(s);
        free(buf);
    }
    free(list);
    return ink;
}

Test(labels_cli, sample_z13_tiles_have_names)
{
    t_need_binary();
    char *dir = t_tmpdir(), args[1024], *out = NULL;
    snprintf(args, sizeof args, "render --only tiles --maps service --out %s --jobs 2 2>&1", dir);
    cr_assert_eq(t_pm(args, &out), 0, "%s", out);
    char z[700];
    snprintf(z, sizeof z, "%s/2016/tiles/service/13", dir);
    long ink = ink_pixels(z);
    cr_expect_gt(ink, 100, "z13 tiles have %ld text pixels: no names", ink);
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* A copy of the sample whose resources style is text. */
static char *sample_with_style(const char *style)
{
    char *dir = t_tmpdir(), path[700];
    cr_assert_eq(t_copy_sample(dir), 0);
    snprintf(path, sizeof path, "%s/styles/resources.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(style, f);
    fclose(f);
    return dir;
}

Test(labels_cli, contrast_warning_names_class_and_symbol)
{
    t_need_binary();
    char *dir = sample_with_style(
        "{\"id\": \"resources\", \"title\": \"区域化党建资源指数\", \"indicator\": \"running_per_1000\","
        " \"classify\": {\"method\": \"quantile\", \"classes\": 5}, \"palette\": \"Blues\","
        " \"points\": {\"projects\": {\"by\": \"status\", \"values\": {\"planned\": {\"symbol\": \"circle\","
        " \"fill\": \"#00000000\", \"stroke\": \"#40404780\", \"stroke_width\": 1, \"halo_width\": 0}}}}}");
    char args[900], *out = NULL;
    snprintf(args, sizeof args, "check -c %s/partymap.json 2>&1", dir);
    t_pm(args, &out);
    cr_expect(strstr(out, "points.projects.values.planned") && strstr(out, "contrast") &&
              strstr(out, "(#08519c)") && strstr(out, "circle"), "%s", out);
    cr_expect(!strstr(out, "points.platforms"), "the house star must pass:\n%s", out);
    free(out);
    t_rm_tree(dir);
    free(dir);
}

Test(labels_cli, style_with_every_new_key_renders)
{
    t_need_binary();
    char *dir = sample_with_style(
        "{\"id\": \"resources\", \"title\": \"区域化党建资源指数\", \"indicator\": \"running_per_1000\","
        " \"unit\": \"个/千人\", \"decimals\": 2, \"classify\": {\"method\": \"quantile\", \"classes\": 5},"
        " \"palette\": \"OrRd\", \"outline_width\": 0.8,"
        " \"labels\": {\"size\": {\"13\": 10, \"16\": 13}, \"halo_width\": 2, \"halo\": \"#fffffff0\"},"
        " \"boundary\": {\"width\": 0, \"color\": \"#333333\"},"
        " \"points\": {\"platforms\": {\"symbol\": \"square\", \"size\": {\"13\": 6, \"16\": 10}, \"fill\": \"#2b8cbe\","
        "   \"stroke\": \"#ffffff\", \"stroke_width\": 1.5, \"halo\": \"#000000\", \"halo_width\": 1,"
        "   \"by\": \"category\", \"values\": {\"党群服务中心\": {\"symbol\": \"triangle\"}}},"
        "  \"projects\": {\"symbol\": \"circle\", \"size\": 5, \"fill\": \"#111111\", \"stroke\": \"#ffffff\","
        "   \"stroke_width\": 1, \"by\": \"status\", \"values\": {\"running\": {\"symbol\": \"star\", \"size\": 7},"
        "   \"planned\": {\"symbol\": \"triangle\", \"fill\": \"#ffffff\", \"stroke\": \"#222222\"}}}}}");
    char args[900], *out = NULL;
    snprintf(args, sizeof args, "render -c %s/partymap.json --only print,tiles --maps resources --out %s/out "
             "--jobs 2 2>&1", dir, dir);
    cr_assert_eq(t_pm(args, &out), 0, "%s", out);
    char p[800];
    struct stat sb;
    snprintf(p, sizeof p, "%s/out/2016/print/resources.pdf", dir);
    cr_expect_eq(stat(p, &sb), 0, "no poster: %s", out);
    snprintf(p, sizeof p, "%s/out/2016/tiles/resources/16", dir);
    cr_expect_eq(stat(p, &sb), 0, "no z16 tiles: %s", out);
    free(out);
    t_rm_tree(dir);
    free(dir);
}
