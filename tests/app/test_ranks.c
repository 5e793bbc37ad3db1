/* One rank everywhere: a lower-is-better headline map ranks a committee alike in check
 * --json, the CSV, the XLSX, the GeoPackage and the atlas (the spreadsheets and the
 * GeoPackage once ranked every map descending, whatever its style said). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "core/fileio.h"

#define NC 35

typedef struct {
    char code[NC][16];
    int rank[NC];
    size_t n;
} ranks;

static int find(const ranks *r, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->code[i], code) == 0) return r->rank[i];
    return -1;
}

static void add(ranks *r, const char *code, int rank)
{
    cr_assert_lt(r->n, NC, "more rows than committees");
    snprintf(r->code[r->n], sizeof r->code[0], "%s", code);
    r->rank[r->n++] = rank;
}

/* Splits one CSV line into at most max fields (quotes honoured, in place). */
static size_t csv_split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        f[n++] = p;
        int q = *p == '"';
        if (q) p++;
        for (;; p++) {
            if (q && *p == '"' && p[1] == '"') { *out++ = '"'; p++; continue; }
            if (q && *p == '"') { q = 0; continue; }
            if (!q && (*p == ',' || *p == '\0' || *p == '\r' || *p == '\n')) break;
            *out++ = *p;
        }
        char end = *p;
        *out = '\0';
        if (end != ',') break;
        p++;
    }
    return n;
}

/* The codes and ranks of a CSV text with a header (a UTF-8 BOM allowed). */
static void from_csv(char *text, const char *code_col, const char *rank_col, ranks *r)
{
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3;
    char *save = NULL, *f[64];
    long ci = -1, ri = -1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = csv_split(line, f, 64);
        if (ci < 0) {
            for (size_t i = 0; i < n; i++) {
                if (strcmp(f[i], code_col) == 0) ci = (long)i;
                if (strcmp(f[i], rank_col) == 0) ri = (long)i;
            }
            cr_assert(ci >= 0 && ri >= 0, "no %s or %s column", code_col, rank_col);
            continue;
        }
        if ((size_t)ci < n && (size_t)ri < n) add(r, f[ci], atoi(f[ri]));
    }
}

/* Each committee page of the atlas: its code and the headline rank "全街道第N名". */
static void from_atlas(char *text, ranks *r)
{
    char *save = NULL;
    for (char *page = strtok_r(text, "\f", &save); page; page = strtok_r(NULL, "\f", &save)) {
        char *c = strstr(page, "居民区代码 "), *k = strstr(page, "全街道第");
        if (!c || !k) continue;
        char code[16] = "";
        sscanf(c + strlen("居民区代码 "), "%15[0-9]", code);
        add(r, code, atoi(k + strlen("全街道第")));
    }
}

Test(ranks, lower_is_better_ranks_agree_everywhere, .timeout = PM_T(240))
{
    t_need_binary();
    char *dir = t_tmpdir(), *out = NULL, *cmd = NULL;
    cr_assert_eq(t_copy_sample(dir), 0);
    cmd = pm_asprintf("sed -i 's/\"higher_is_better\": true/\"higher_is_better\": false/' '%s/styles/service.json'", dir);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    cmd = pm_asprintf("render -c '%s/partymap.json' --only data,atlas --year 2016 --out '%s/out' --quiet", dir, dir);
    cr_assert_eq(t_pm(cmd, NULL), 0, "render");
    free(cmd);

    ranks check = { 0 }, csv = { 0 }, xlsx = { 0 }, gpkg = { 0 }, atlas = { 0 };
    cmd = pm_asprintf("check -c '%s/partymap.json' --json", dir);
    cr_assert_eq(t_pm(cmd, &out), 0);
    free(cmd);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert(root, "check --json: %s", je.text);
    const char *code;
    json_t *v;
    json_object_foreach(json_object_get(json_object_get(root, "ranks"), "2016"), code, v)
        add(&check, code, (int)json_integer_value(v));
    json_decref(root);
    free(out);

    cmd = pm_asprintf("cat '%s/out/2016/evaluation.csv'", dir);
    cr_assert_eq(t_run(cmd, &out), 0);
    from_csv(out, "编码", "服务群众能效指数排名", &csv);
    free(out);
    free(cmd);
    cmd = pm_asprintf("ogr2ogr -f CSV /vsistdout/ '%s/out/2016/evaluation.xlsx'", dir);
    cr_assert_eq(t_run(cmd, &out), 0);
    from_csv(out, "编码", "服务群众能效指数排名", &xlsx);
    free(out);
    free(cmd);
    cmd = pm_asprintf("sqlite3 -csv -header '%s/out/partymap.gpkg' "
                      "'SELECT code, service_rank FROM committees WHERE year = 2016'", dir);
    cr_assert_eq(t_run(cmd, &out), 0);
    from_csv(out, "code", "service_rank", &gpkg);
    free(out);
    free(cmd);
    cmd = pm_asprintf("pdftotext '%s/out/2016/atlas.pdf' -", dir);
    cr_assert_eq(t_run(cmd, &out), 0);
    from_atlas(out, &atlas);
    free(out);
    free(cmd);

    const ranks *all[] = { &csv, &xlsx, &gpkg, &atlas };
    const char *names[] = { "CSV", "XLSX", "GeoPackage", "atlas" };
    cr_assert_eq(check.n, NC);
    int firsts = 0;
    for (size_t i = 0; i < check.n; i++) {
        firsts += check.rank[i] == 1;
        for (size_t k = 0; k < 4; k++)
            cr_expect_eq(find(all[k], check.code[i]), check.rank[i], "%s: %s ranks %d in check --json, %d in the %s",
                         names[k], check.code[i], check.rank[i], find(all[k], check.code[i]), names[k]);
    }
    cr_assert_geq(firsts, 1);
    /* lower is better: the first is the committee with the lowest 2016 service score */
    cmd = pm_asprintf("sqlite3 '%s/out/partymap.gpkg' 'SELECT service_rank FROM committees WHERE year = 2016 "
                      "ORDER BY service LIMIT 1'", dir);
    cr_assert_eq(t_run(cmd, &out), 0);
    cr_assert_eq(atoi(out), 1, "the lowest score ranks first");
    free(out);
    free(cmd);
    t_rm_tree(dir);
    free(dir);
}
