/* The annual workflow end to end: add a made-up 2017 to a copy of the sample and regenerate. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

#define N 35

/* Runs the binary with args (a format); fails the test on a non-zero exit. */
static char *run_ok(const char *fmt, const char *a, const char *b)
{
    char *args = pm_asprintf(fmt, a, b), *cmd = pm_asprintf("'%s' %s", t_bin(), args), *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s exits 0:\n%s", cmd, out ? out : "");
    free(args);
    free(cmd);
    return out;
}

static char *shell(const char *fmt, const char *dir)
{
    char *cmd = pm_asprintf(fmt, dir), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s", cmd);
    free(cmd);
    return out;
}

/* Competition ranking, 1 = highest: computed here independently of the program. */
static void ranks(const double *v, int *r)
{
    for (int i = 0; i < N; i++) {
        r[i] = 1;
        for (int j = 0; j < N; j++) r[i] += v[j] > v[i];
    }
}

static const char *class_of(double v)
{
    return v >= 90 ? "优秀" : v >= 85 ? "良好" : v >= 75 ? "合格" : "待提升";
}

/* 2016's codes and service scores from the copy's evaluation table. */
static void read_2016(const char *csv, char codes[N][16], double *service)
{
    FILE *f = fopen(csv, "r");
    cr_assert(f);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char code[16];
        int year;
        double s;
        if (sscanf(line, "%15[0-9],%d,%lf", code, &year, &s) == 3 && year == 2016) {
            cr_assert_lt(n, N);
            snprintf(codes[n], sizeof codes[n], "%s", code);
            service[n++] = s;
        }
    }
    fclose(f);
    cr_assert_eq(n, N, "35 rows of 2016");
}

static int index_of(char codes[N][16], const char *code)
{
    for (int i = 0; i < N; i++) if (strncmp(codes[i], code, 12) == 0) return i;
    return -1;
}

/* Every committee page of the 2017 atlas names the committee's code and its move. */
static void check_atlas(const char *dir, char codes[N][16], const int *r16, const int *r17)
{
    char *info = shell("pdfinfo '%s/out/2017/atlas.pdf'", dir);
    char *pages = strstr(info, "Pages:");
    cr_assert(pages && atoi(pages + 6) == 2 + N, "37 pages:\n%s", info);
    free(info);
    char *text = shell("pdftotext '%s/out/2017/atlas.pdf' -", dir);
    int seen[N] = { 0 };
    char *p = text;
    for (int k = 1; p && *p; k++) {
        char *e = strchr(p, '\f');
        if (e) *e = '\0';
        char *c = strstr(p, "居民区代码 ");
        if (k >= 3 && c) {
            int i = index_of(codes, c + strlen("居民区代码 "));
            cr_assert_geq(i, 0, "page %d: a known code", k);
            char want[96];
            snprintf(want, sizeof want, "较2016年：第%d名 → 第%d名，", r16[i], r17[i]);
            cr_assert(strstr(p, want), "page %d (%s): \"%s\" in\n%s", k, codes[i], want, p);
            seen[i]++;
        }
        p = e ? e + 1 : NULL;
    }
    for (int i = 0; i < N; i++) cr_assert_eq(seen[i], 1, "one page for %s", codes[i]);
    free(text);
}

static void check_changes(const char *dir, char codes[N][16], const double *s16, const double *s17,
                          const int *r16, const int *r17)
{
    char *path = pm_asprintf("%s/out/2017/changes.csv", dir), *data = NULL, *err = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(path, 1 << 20, &data, &len, &err), PM_OK);
    cr_assert(len > 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0, "UTF-8 BOM for Excel");
    char *save = NULL, *line = strtok_r(data + 3, "\r\n", &save);
    cr_assert_str_eq(line, "code,name,prev_class,class,prev_rank,rank,rank_change,service_change");
    int rows = 0;
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        char code[16], name[64], c0[32], c1[32];
        int p, r, d;
        double ch;
        cr_assert_eq(sscanf(line, "%15[^,],%63[^,],%31[^,],%31[^,],%d,%d,%d,%lf", code, name, c0, c1,
                            &p, &r, &d, &ch), 8, "%s", line);
        int i = index_of(codes, code);
        cr_assert_geq(i, 0);
        cr_assert(p == r16[i] && r == r17[i] && d == r16[i] - r17[i], "%s", line);
        cr_assert_str_eq(c0, class_of(s16[i]), "%s", line);
        cr_assert_str_eq(c1, class_of(s17[i]), "%s", line);
        cr_assert_float_eq(ch, s17[i] - s16[i], 0.051, "%s", line);
        rows++;
    }
    cr_assert_eq(rows, N, "one row per committee");
    free(data);
    free(path);
}

Test(annual, add_2017_regenerate_and_report, .timeout = PM_T(300))
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    /* one tile zoom keeps the tiles (and so the site) quick */
    char *cfg = pm_asprintf("%s/partymap.json", dir), *text = NULL, *err = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(cfg, 1 << 20, &text, &len, &err), PM_OK);
    char *brace = strrchr(text, '}');
    *brace = '\0';
    char *json = pm_asprintf("%s, \"tiles\": { \"minzoom\": 13, \"maxzoom\": 13, \"hidpi\": false } }\n", text);
    cr_assert_eq(pm_write_atomic(cfg, json, strlen(json), &err), PM_OK);
    free(text); free(json);

    free(run_ok("render -c '%s' --out '%s/out' --year all --only print,atlas,tiles,site -q 2>&1", cfg, dir));
    const char *snap = "cd '%s/out' && find 2014 2015 2016 -type f -print0 | sort -z | xargs -0 sha256sum"
                       " && find 2014 2015 2016 -printf '%%p %%T@ %%i\\n' | sort";
    char *before = shell(snap, dir);
    cr_assert(strstr(before, "2016/atlas.pdf") && strstr(before, "2014/print/service.pdf"), "%s", before);

    char *csv = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    char codes[N][16];
    double s16[N], s17[N];
    int r16[N], r17[N];
    read_2016(csv, codes, s16);
    for (int i = 0; i < N; i++) { /* distinct made-up scores 80.0 … 97.0 */
        s17[i] = 80.0 + ((i * 13) % N) * 0.5;
        char row[160];
        snprintf(row, sizeof row, "%s,2017,%.1f,%.1f,%.1f,%d,,\n", codes[i], s17[i],
                 78.0 + ((i * 11) % N) * 0.5, 50.0 + ((i * 17) % N) * 0.8, 90 + i);
        cr_assert_eq(t_append(csv, row), 0);
    }
    ranks(s16, r16);
    ranks(s17, r17);

    char *plan = run_ok("render -c '%s' --out '%s/out' --year 2017 --dry-run 2>/dev/null", cfg, dir);
    cr_assert(strstr(plan, "/out/2017/atlas.pdf") && strstr(plan, "/out/2017/print/progress.pdf"), "%s", plan);
    cr_assert(strstr(plan, "/out/2017/evaluation.xlsx") && strstr(plan, "/out/partymap.gpkg"),
              "the dry run lists the data outputs too: %s", plan);
    free(plan);
    char *y17 = pm_asprintf("%s/out/2017", dir);
    cr_assert_not(pm_path_exists(y17), "--dry-run writes nothing");

    free(run_ok("render -c '%s' --out '%s/out' --year 2017 --only print,atlas,tiles,site -q 2>&1", cfg, dir));
    char *after = shell(snap, dir);
    cr_assert_str_eq(after, before, "2014–2016 outputs byte-identical and untouched");
    char *js = pm_asprintf("%s/out/site/data.js", dir), *data = NULL;
    cr_assert_eq(pm_read_file(js, 1 << 26, &data, &len, &err), PM_OK);
    cr_assert(strstr(data, "2014,2015,2016,2017"), "the site lists 2017");
    free(data); free(js);

    check_atlas(dir, codes, r16, r17);
    char *rep = run_ok("report -c '%s' --out '%s/out' --year 2017", cfg, dir);
    cr_assert(strstr(rep, "2017年度测评变化（与2016年比较）"), "%s", rep);
    cr_assert(strstr(rep, "changes.csv（35行）"), "%s", rep);
    free(rep);
    check_changes(dir, codes, s16, s17, r16, r17);

    free(before); free(after); free(csv); free(y17); free(cfg);
    t_rm_tree(dir);
    free(dir);
}
