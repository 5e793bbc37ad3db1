/* A sixth map from an expression (styles/composite.json) and a derived indicator of
 * the config, with no code: poster, tiles, site layer, atlas rows, spreadsheet and
 * GeoPackage columns, their values checked against the evaluation CSV by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/status.h"

static char *sh(const char *cmd, int want)
{
    char *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, want, "%s exits %d (not %d):\n%s", cmd, want, rc, out ? out : "");
    return out;
}

static int exists(const char *dir, const char *rel)
{
    char *p = pm_asprintf("%s/%s", dir, rel);
    struct stat sb;
    int ok = stat(p, &sb) == 0 && sb.st_size > 0;
    free(p);
    return ok;
}

/* The sample with composite as its sixth map, the config's needs per 1,000
 * households, and tiles of one zoom. */
static char *sample_with_composite(void)
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *cmd = pm_asprintf(
        "cd '%s' && python3 - <<'EOF'\n"
        "import json\n"
        "c = json.load(open('partymap.json'))\n"
        "c['maps'].append('composite')\n"
        "c['indicators']['needs_per_1000_households'] = {'expression': 'needs / households * 1000',\n"
        "    'label': '每千户需求数', 'unit': '条/千户', 'decimals': 1}\n"
        "c['tiles'] = {'minzoom': 14, 'maxzoom': 14, 'hidpi': False}\n"
        "json.dump(c, open('partymap.json', 'w'), ensure_ascii=False)\n"
        "EOF", dir);
    free(sh(cmd, 0));
    free(cmd);
    return dir;
}

/* The value of column header in the row of code, from a CSV written by render. */
static double csv_value(const char *csv, const char *header, const char *code)
{
    char *line = strstr(csv, code);
    cr_assert(line, "row %s in the spreadsheet", code);
    const char *nl = strchr(csv, '\n');
    int col = -1, k = 0;
    for (const char *p = csv; p < nl; k++) {
        const char *end = strpbrk(p, ",\r\n");
        if (!end) break;
        if ((size_t)(end - p) == strlen(header) && !strncmp(p, header, strlen(header))) col = k;
        p = end + 1;
    }
    cr_assert_geq(col, 0, "column %s in the spreadsheet:\n%.400s", header, csv);
    while (line > csv && line[-1] != '\n') line--;
    const char *p = line;
    for (int i = 0; i < col; i++) p = strchr(p, ',') + 1;
    return strtod(p, NULL);
}

Test(composite, a_sixth_map_from_an_expression_renders_everywhere, .timeout = PM_T(300))
{
    t_need_binary();
    char *dir = sample_with_composite();
    char *cmd = pm_asprintf("cd '%s' && SOURCE_DATE_EPOCH=1700000000 '%s' render -c partymap.json "
                            "--year 2016 --out out -q 2>&1", dir, t_bin());
    free(sh(cmd, 0));
    free(cmd);

    /* poster and preview, tiles, the atlas, the site's layer */
    cr_assert(exists(dir, "out/2016/print/composite.pdf"), "the poster");
    cr_assert(exists(dir, "out/2016/print/composite.png"), "its preview");
    cr_assert(exists(dir, "out/2016/tiles/composite/14"), "the tiles");
    cr_assert(exists(dir, "out/2016/tiles/composite.mbtiles"), "the package");
    cmd = pm_asprintf("pdftotext -layout '%s/out/2016/print/composite.pdf' - | tr -d ' '", dir);
    char *txt = sh(cmd, 0);
    cr_assert(strstr(txt, "群众评价综合指数"), "the poster's title:\n%.600s", txt);
    free(txt); free(cmd);
    cmd = pm_asprintf("pdftotext '%s/out/2016/atlas.pdf' - | grep -c 群众评价综合指数", dir);
    txt = sh(cmd, 0);
    cr_assert_geq(atoi(txt), 35, "a row of the composite on every committee's page: %s", txt);
    free(txt); free(cmd);
    cmd = pm_asprintf("cat '%s/out/site/data.js'", dir);
    txt = sh(cmd, 0);
    cr_assert(strstr(txt, "\"id\": \"composite\"") || strstr(txt, "\"id\":\"composite\""),
              "the site's map list has composite");
    cr_assert(strstr(txt, "\"indicator\": \"composite\"") || strstr(txt, "\"indicator\":\"composite\""),
              "and its column");
    cr_assert(strstr(txt, "每千户需求数"), "the config's indicator is a popup row");
    free(txt); free(cmd);

    /* the spreadsheet's columns, against the evaluation CSV by hand (2016):
     *   310107015001  satisfaction 82.8, workforce 54.4: 0.7 * 82.8 + 0.3 * 54.4 = 74.28
     *   310107015002  92.4, 86.5: 64.68 + 25.95 = 90.63
     *   310107015003  84.2, 54.4: 58.94 + 16.32 = 75.26
     * and needs per 1,000 households (needs / households of the committees file):
     *   59 / 989 = 59.66, 105 / 1118 = 93.92, 71 / 863 = 82.27 per 1,000 */
    cmd = pm_asprintf("cat '%s/out/2016/evaluation.csv'", dir);
    char *csv = sh(cmd, 0);
    free(cmd);
    static const struct { const char *code; double comp, per; } row[] = {
        { "310107015001", 74.3, 59.7 }, { "310107015002", 90.6, 93.9 }, { "310107015003", 75.3, 82.3 },
    };
    for (int i = 0; i < 3; i++) {
        cr_expect_float_eq(csv_value(csv, "群众评价综合指数（分）", row[i].code), row[i].comp, 1e-9,
                           "%s composite", row[i].code);
        cr_expect_float_eq(csv_value(csv, "每千户需求数", row[i].code), row[i].per, 1e-9,
                           "%s needs per 1,000 households", row[i].code);
    }
    cr_assert(strstr(csv, "群众评价综合指数分级"), "its classes");
    free(csv);

    /* the GeoPackage: the columns at full precision */
    cmd = pm_asprintf("sqlite3 '%s/out/partymap.gpkg' \"select printf('%%.4f %%.4f', composite_value, "
                      "needs_per_1000_households) from committees where year = 2016 and code = "
                      "'310107015002'\"", dir);
    txt = sh(cmd, 0);
    cr_assert_str_eq(txt, "90.6300 93.9177\n");
    free(txt); free(cmd);
    t_rm_tree(dir);
    free(dir);
}

/* A bad expression in a style leaves that map out with the caret error; the others
 * render.  A bad one in the config stops the run before anything is written. */
Test(composite, expression_errors_name_file_key_and_column, .timeout = PM_T(120))
{
    t_need_binary();
    char *dir = sample_with_composite();
    char *cmd = pm_asprintf("cd '%s' && sed -i 's/0.7 \\* satisfaction/0.7 * satisfactoin/' "
                            "styles/composite.json && '%s' check -c partymap.json 2>&1", dir, t_bin());
    char *out = sh(cmd, 1);
    cr_assert(strstr(out, "styles/composite.json: indicator: column 7: unknown field \"satisfactoin\" "
                          "(did you mean \"satisfaction\"?)\n"
                          "    0.7 * satisfactoin + 0.3 * workforce\n"
                          "          ^^^^^^^^^^^^"), "%s", out);
    free(out); free(cmd);
    cmd = pm_asprintf("cd '%s' && '%s' render -c partymap.json --year 2016 --only print --out out -q 2>&1",
                      dir, t_bin());
    out = sh(cmd, 1);
    free(out); free(cmd);
    cr_assert(exists(dir, "out/2016/print/service.pdf"), "the other maps render");
    cr_assert(!exists(dir, "out/2016/print/composite.pdf"), "not the broken one");

    cmd = pm_asprintf("cd '%s' && rm -rf out && sed -i 's#needs / households#needs / househlds#' "
                      "partymap.json && '%s' render -c partymap.json --year 2016 --only print --out out -q 2>&1",
                      dir, t_bin());
    out = sh(cmd, 1);
    cr_assert(strstr(out, "partymap.json: indicators.needs_per_1000_households: column 9: unknown field "
                          "\"househlds\" (did you mean \"households\"?)"), "%s", out);
    free(out); free(cmd);
    cr_assert(!exists(dir, "out/2016/print/service.pdf"), "a config error writes nothing");
    t_rm_tree(dir);
    free(dir);
}
