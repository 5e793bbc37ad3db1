/* The GeoPackage: layers and counts through ogrinfo, QGIS styles checked as XML against partymap's classes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/context.h"
#include "app/project.h"
#include "core/fileio.h"
#include "data/vwriter.h"
#include "export/export.h"

/* Writes p's GeoPackage as a render does (the recorded time: SOURCE_DATE_EPOCH or the data's). */
static pm_status write_gpkg(const pm_project *p, const char *path)
{
    pm_export_src src = { p->cfg, p->ds, &p->an, &p->res, pm_runctx_source_time(p->cfg) };
    char *err = NULL;
    pm_status st = pm_export_gpkg(&src, path, &err);
    if (st) fprintf(stderr, "gpkg: %s\n", err ? err : pm_strerror(st));
    free(err);
    return st;
}

/* The sample's project and its GeoPackage written into a new folder. */
typedef struct {
    pm_project p;
    char *dir, *gpkg;
} fixture;

static void fixture_open(fixture *f)
{
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_project_open(NULL, NULL, &d, &f->p), PM_OK);
    pm_diag_fini(&d);
    f->dir = t_tmpdir();
    cr_assert(f->dir);
    f->gpkg = pm_asprintf("%s/partymap.gpkg", f->dir);
    cr_assert_eq(write_gpkg(&f->p, f->gpkg), PM_OK);
}

static void fixture_close(fixture *f)
{
    pm_project_fini(&f->p);
    t_rm_tree(f->dir);
    free(f->dir);
    free(f->gpkg);
}

/* Output of a shell command (caller frees); asserts it exits 0. */
static char *run_ok(const char *cmd)
{
    char *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s\n-> exit %d: %s", cmd, rc, out ? out : "");
    return out;
}

/* "Feature Count: N" of a layer, as ogrinfo reports it (-1 if the layer is absent). */
static long feature_count(const char *gpkg, const char *layer)
{
    char *cmd = pm_asprintf("ogrinfo -ro -so '%s' %s", gpkg, layer);
    char *out = run_ok(cmd), *want = pm_asprintf("Layer name: %s\n", layer);
    char *at = strstr(out, want), *count = at ? strstr(at, "Feature Count: ") : NULL;
    long n = count ? strtol(count + strlen("Feature Count: "), NULL, 10) : -1;
    free(want);
    free(cmd);
    free(out);
    return n;
}

/* One value of an SQL query on the GeoPackage, by the sqlite3 shell (new string). */
static char *sql_value(const char *gpkg, const char *sql)
{
    char *cmd = pm_asprintf("sqlite3 '%s' \"%s\"", gpkg, sql);
    char *out = run_ok(cmd);
    out[strcspn(out, "\n")] = '\0';
    free(cmd);
    return out;
}

Test(gpkg, layers_and_counts, .timeout = PM_T(300))
{
    fixture f;
    fixture_open(&f);
    char *cmd = pm_asprintf("ogrinfo -ro -q '%s'", f.gpkg);
    char *out = run_ok(cmd);
    const char *layers[] = { "committees (Multi Polygon)", "platforms (Point)", "projects (Point)",
                             "outline (Multi Polygon)", "class_breaks (None)", "layer_styles (None)" };
    for (int i = 0; i < 6; i++) cr_assert(strstr(out, layers[i]), "ogrinfo lists %s:\n%s", layers[i], out);
    cr_assert_eq(feature_count(f.gpkg, "committees"), 35 * 3);
    cr_assert_eq(feature_count(f.gpkg, "platforms"), 14);
    cr_assert_eq(feature_count(f.gpkg, "projects"), 689);
    cr_assert_eq(feature_count(f.gpkg, "outline"), 1);
    /* class_breaks: one row per class of every map and year; service has its 4 tiers each year */
    long want = 0;
    for (size_t m = 0; m < f.p.nstyles; m++)
        for (size_t y = 0; y < f.p.ds->nyears; y++) /* the run's classes, pooled over the years */
            want += (long)pm_results_at(&f.p.res, m, y)->th.classes.n;
    cr_assert_eq(feature_count(f.gpkg, "class_breaks"), want);
    char *v = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM class_breaks WHERE map = 'service'");
    cr_assert_str_eq(v, "12");
    free(v);
    free(out);
    free(cmd);
    fixture_close(&f);
}

Test(gpkg, published_figures_and_joins, .timeout = PM_T(300))
{
    fixture f;
    fixture_open(&f);
    /* 玉佛城 moved from rank 20 (2015) to rank 7 (2016) */
    char *r15 = sql_value(f.gpkg, "SELECT service_rank AS v FROM committees WHERE name = '玉佛城' AND year = 2015");
    char *r16 = sql_value(f.gpkg, "SELECT service_rank AS v FROM committees WHERE name = '玉佛城' AND year = 2016");
    cr_assert_str_eq(r15, "20");
    cr_assert_str_eq(r16, "7");
    /* excellent or good: 18 in 2015, 28 in 2016 (service classes 3 and 4) */
    char *g15 = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM committees WHERE year = 2015 AND service_class >= 3");
    char *g16 = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM committees WHERE year = 2016 AND service_class >= 3");
    cr_assert_str_eq(g15, "18");
    cr_assert_str_eq(g16, "28");
    /* 217 running projects; every point joined to the committee the analysis found */
    char *run = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM projects WHERE status = 'running'");
    cr_assert_str_eq(run, "217");
    size_t outside = 0;
    for (size_t i = 0; i < f.p.ds->nprojects; i++) outside += f.p.an.project_in[i] < 0;
    char *nul = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM projects WHERE committee_code IS NULL");
    cr_assert_eq(strtol(nul, NULL, 10), (long)outside);
    char *sum = sql_value(f.gpkg, "SELECT SUM(projects_running) AS v FROM committees WHERE year = 2016");
    char *joined = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM projects WHERE status = 'running' AND committee_code IS NOT NULL");
    cr_assert_str_eq(sum, joined, "per-committee counts match the joined points");
    /* the outline covers the committees: its area is theirs (shared edges dissolve) */
    char *cmd = pm_asprintf("ogrinfo -ro -q '%s' -sql \"SELECT ST_Area(o.geom) / (SELECT SUM(ST_Area(geom)) "
                            "FROM committees WHERE year = 2016) AS v FROM outline o\"", f.gpkg);
    char *ratio = run_ok(cmd), *v = strstr(ratio, "v (Real) = ");
    cr_assert(v, "%s", ratio);
    cr_assert_float_eq(strtod(v + strlen("v (Real) = "), NULL), 1.0, 1e-6, "outline / committees area: %s", ratio);
    free(cmd);
    free(r15); free(r16); free(g15); free(g16); free(run); free(nul); free(sum); free(joined); free(ratio);
    fixture_close(&f);
}

/* xmllint's answer to an XPath expression on file (new string, no trailing newline). */
static char *xpath(const char *file, const char *expr)
{
    char *cmd = pm_asprintf("xmllint --xpath \"%s\" '%s'", expr, file);
    char *out = run_ok(cmd);
    out[strcspn(out, "\n")] = '\0';
    free(cmd);
    return out;
}

static char *qml_file(const fixture *f, const char *map)
{
    char *file = pm_asprintf("%s/%s.qml", f->dir, map);
    char *cmd = pm_asprintf("sqlite3 '%s' \"SELECT styleQML FROM layer_styles WHERE styleName = '%s' "
                            "AND f_table_name = 'committees'\" > '%s' && xmllint --noout '%s'",
                            f->gpkg, map, file, file);
    free(run_ok(cmd));
    free(cmd);
    return file;
}

/* The stored style of a map names the thematic's breaks, labels and colours. */
static void check_style(const fixture *f, const pm_thematic *th)
{
    char *file = qml_file(f, th->style->id), *want_attr = pm_asprintf("%s_value", th->style->id);
    char *type = xpath(file, "string(/qgis/renderer-v2/@type)");
    char *attr = xpath(file, "string(/qgis/renderer-v2/@attr)");
    char *font = xpath(file, "string(/qgis/labeling/settings/text-style/@fontFamily)");
    char *field = xpath(file, "string(/qgis/labeling/settings/text-style/@fieldName)");
    char *on = xpath(file, "string(/qgis/@labelsEnabled)");
    char *n = xpath(file, "count(/qgis/renderer-v2/ranges/range)");
    cr_assert_str_eq(type, "graduatedSymbol");
    cr_assert_str_eq(attr, want_attr);
    cr_assert_str_eq(font, "Noto Sans CJK SC");
    cr_assert_str_eq(field, "name");
    cr_assert_str_eq(on, "1");
    cr_assert_eq(strtol(n, NULL, 10), (long)th->classes.n, "%s: %s ranges", th->style->id, n);
    double prev_upper = NAN;
    for (size_t i = 0; i < th->classes.n; i++) {
        /* one xmllint call per range and one per symbol: lower|upper|symbol|label */
        char *e = pm_asprintf("concat(/qgis/renderer-v2/ranges/range[%zu]/@lower, '|', "
                              "/qgis/renderer-v2/ranges/range[%zu]/@upper, '|', "
                              "/qgis/renderer-v2/ranges/range[%zu]/@symbol, '|', "
                              "/qgis/renderer-v2/ranges/range[%zu]/@label)", i + 1, i + 1, i + 1, i + 1);
        char *r = xpath(file, e);
        free(e);
        char *lo = r, *hi = strchr(lo, '|');
        cr_assert(hi, "%s", r);
        *hi++ = '\0';
        char *sym = strchr(hi, '|');
        cr_assert(sym, "%s", r);
        *sym++ = '\0';
        char *label = strchr(sym, '|');
        cr_assert(label, "%s", r);
        *label++ = '\0';
        e = pm_asprintf("concat(/qgis/renderer-v2/symbols/symbol[@name='%s']/layer/Option/Option[@name='color']/@value, '|', "
                        "/qgis/renderer-v2/symbols/symbol[@name='%s']/layer/Option/Option[@name='outline_color']/@value)", sym, sym);
        char *color = xpath(file, e);
        free(e);
        char *outline = strchr(color, '|');
        cr_assert(outline, "%s", color);
        *outline++ = '\0';
        char want[48];
        pm_rgba c = th->colors[i];
        snprintf(want, sizeof want, "%ld,%ld,%ld,255", lround(c.r * 255), lround(c.g * 255), lround(c.b * 255));
        cr_assert_str_eq(color, want, "%s class %zu colour", th->style->id, i);
        cr_assert_str_eq(outline, "255,255,255,255", "white outlines");
        cr_assert_str_eq(label, th->labels[i]);
        if (i > 0) { /* an inner break: the lower class stops just below it */
            cr_assert_eq(strtod(lo, NULL), th->classes.bounds[i], "%s break %zu: %s", th->style->id, i, lo);
            cr_assert_eq(prev_upper, nextafter(th->classes.bounds[i], -INFINITY), "%s upper %zu", th->style->id, i - 1);
        }
        prev_upper = strtod(hi, NULL);
        cr_assert_leq(strtod(lo, NULL), prev_upper);
        free(r); free(color);
    }
    free(type); free(attr); free(font); free(field); free(on); free(n); free(want_attr);
    free(file);
}

Test(gpkg, qgis_styles_match_classes, .timeout = PM_T(600))
{
    fixture f;
    fixture_open(&f);
    char *n = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM layer_styles WHERE f_table_name = 'committees'");
    char *def = sql_value(f.gpkg, "SELECT styleName AS v FROM layer_styles WHERE useAsDefault = 1");
    char *ndef = sql_value(f.gpkg, "SELECT COUNT(*) AS v FROM layer_styles WHERE useAsDefault = 1");
    cr_assert_eq(strtol(n, NULL, 10), (long)f.p.nstyles, "a style per map");
    cr_assert_str_eq(def, "service", "the service map is the default style");
    cr_assert_str_eq(ndef, "1");
    int latest = f.p.ds->years[f.p.ds->nyears - 1];
    long yl = pm_results_year(&f.p.res, latest);
    cr_assert_geq(yl, 0);
    for (size_t m = 0; m < f.p.nstyles; m++) check_style(&f, &pm_results_at(&f.p.res, m, (size_t)yl)->th);
    /* by hand: the service tiers at 75 / 85 / 90 in ColorBrewer YlGnBu, 4 classes */
    char *file = qml_file(&f, "service");
    const char *lower[] = { "75", "85", "90" };
    const char *colors[] = { "255,255,204,255", "161,218,180,255", "65,182,196,255", "34,94,168,255" };
    for (int i = 0; i < 4; i++) {
        char *e = pm_asprintf("string(/qgis/renderer-v2/symbols/symbol[@name='%d']/layer/Option/Option[@name='color']/@value)", i);
        char *c = xpath(file, e);
        cr_assert_str_eq(c, colors[i]);
        free(c); free(e);
        if (i == 0) continue;
        e = pm_asprintf("string(/qgis/renderer-v2/ranges/range[%d]/@lower)", i + 1);
        char *lo = xpath(file, e);
        cr_assert_str_eq(lo, lower[i - 1]);
        free(lo); free(e);
    }
    char *first = xpath(file, "string(/qgis/renderer-v2/ranges/range[1]/@label)");
    cr_assert_str_eq(first, "待提升（< 75.0）");
    free(first); free(file); free(n); free(def); free(ndef);
    fixture_close(&f);
}

/* The names in dir, sorted, each followed by a space (new string). */
static char *listing(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    cr_assert_geq(n, 0);
    char *s = pm_strdup("");
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char *t = pm_asprintf("%s%s ", s, names[i]->d_name);
            free(s);
            s = t;
        }
        free(names[i]);
    }
    free(names);
    return s;
}

/* A run replaces the file whole (no appended rows) and leaves no temporaries. */
Test(gpkg, rebuilt_atomically, .timeout = PM_T(300))
{
    fixture f;
    fixture_open(&f);
    cr_assert_eq(write_gpkg(&f.p, f.gpkg), PM_OK);
    cr_assert_eq(feature_count(f.gpkg, "committees"), 105);
    char *ls = listing(f.dir);
    cr_assert_str_eq(ls, "partymap.gpkg ", "only the GeoPackage: %s", ls);
    free(ls);
    /* an abandoned writer leaves the old file as it was */
    pm_vwriter *w = NULL;
    char *err = NULL;
    cr_assert_eq(pm_vwriter_open(f.gpkg, PM_VW_GPKG, &w, &err), PM_OK, "%s", err);
    pm_column col = { "x", PM_COL_INT };
    cr_assert_eq(pm_vwriter_layer(w, "committees", 0, &col, 1, &err), PM_OK);
    pm_vwriter_abort(w);
    cr_assert_eq(feature_count(f.gpkg, "committees"), 105);
    ls = listing(f.dir);
    cr_assert_str_eq(ls, "partymap.gpkg ", "no temporary left: %s", ls);
    free(ls);
    fixture_close(&f);
}

/* Rewriting on unchanged data gives the same bytes: the recorded times are the data's
 * (SOURCE_DATE_EPOCH here), not the clock's, so a published copy need not change. */
Test(gpkg, same_data_same_bytes, .timeout = PM_T(300))
{
    setenv("SOURCE_DATE_EPOCH", "1500000000", 1);
    fixture f;
    fixture_open(&f);
    char *first = NULL, *again = NULL, *err = NULL;
    size_t n1 = 0, n2 = 0;
    cr_assert_eq(pm_read_file(f.gpkg, 1 << 28, &first, &n1, &err), PM_OK, "%s", err);
    struct timespec pause = { 0, 20 * 1000 * 1000 }; /* the clock's milliseconds move on */
    nanosleep(&pause, NULL);
    cr_assert_eq(write_gpkg(&f.p, f.gpkg), PM_OK);
    cr_assert_eq(pm_read_file(f.gpkg, 1 << 28, &again, &n2, &err), PM_OK, "%s", err);
    cr_assert(n1 == n2 && memcmp(first, again, n1) == 0, "two writes of the same data differ");
    char *lc = sql_value(f.gpkg, "SELECT group_concat(DISTINCT last_change) FROM gpkg_contents");
    cr_assert_str_eq(lc, "2017-07-14T02:40:00.000Z");
    char *ut = sql_value(f.gpkg, "SELECT group_concat(DISTINCT update_time) FROM layer_styles");
    cr_assert_str_eq(ut, "2017-07-14T02:40:00.000Z");
    free(lc); free(ut); free(first); free(again);
    fixture_close(&f);
    unsetenv("SOURCE_DATE_EPOCH");
}

/* The binary writes the data kind: spreadsheets of the year and the GeoPackage. */
Test(gpkg, cli_only_data, .timeout = PM_T(300))
{
    const char *bin = getenv("PM_BIN") && *getenv("PM_BIN") ? getenv("PM_BIN") : PM_SOURCE_DIR "/build/partymap";
    struct stat sb;
    if (stat(bin, &sb) != 0) cr_skip_test("build/partymap not built (make builds it before the tests)");
    char *dir = t_tmpdir();
    char *cmd = pm_asprintf("'%s' render --only data --year 2015 --quiet --out '%s' 2>&1", bin, dir);
    free(run_ok(cmd));
    const char *files[] = { "partymap.gpkg", "2015/evaluation.xlsx", "2015/evaluation.csv" };
    for (int i = 0; i < 3; i++) {
        char *p = pm_asprintf("%s/%s", dir, files[i]);
        cr_assert(pm_path_exists(p), "%s written", files[i]);
        free(p);
    }
    char *other = pm_asprintf("%s/2016", dir), *print = pm_asprintf("%s/2015/print", dir);
    cr_assert_not(pm_path_exists(other), "only the year asked for");
    cr_assert_not(pm_path_exists(print), "only the data kind");
    char *gpkg = pm_asprintf("%s/partymap.gpkg", dir);
    cr_assert_eq(feature_count(gpkg, "committees"), 105, "the GeoPackage holds every year");
    free(gpkg); free(other); free(print); free(cmd);
    t_rm_tree(dir);
    free(dir);
}
