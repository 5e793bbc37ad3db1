/* Spreadsheets in and out: XLSX evaluation tables load like the CSV; the per-year XLSX/CSV outputs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "export/export.h"
#include "app/context.h"
#include "app/project.h"
#include "core/fileio.h"
#include "data/config.h"
#include "data/dataset.h"
#include "data/sheet.h"
#include "data/vector.h"

/* Output of a shell command (caller frees); asserts it exits 0. */
static char *run_ok(const char *cmd)
{
    char *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s\n-> exit %d: %s", cmd, rc, out ? out : "");
    return out;
}

/* Writes text as csv, then converts it with ogr2ogr to the sheet 测评 of xlsx.  With
 * raw, every CSV line becomes a sheet row of text cells (titles, blank rows and the
 * header included); otherwise the CSV header is the header and numbers are numbers. */
static void make_xlsx(const char *dir, const char *text, const char *xlsx, int raw)
{
    char *csv = pm_asprintf("%s/src.csv", dir), *err = NULL;
    cr_assert_eq(pm_write_atomic(csv, text, strlen(text), &err), PM_OK);
    char sel[512] = "";
    size_t ncols = 1;
    for (const char *c = text; *c && *c != '\n'; c++) ncols += *c == ',';
    for (size_t i = 1; i <= ncols && strlen(sel) < 400; i++)
        snprintf(sel + strlen(sel), sizeof sel - strlen(sel), "%sfield_%zu AS Field%zu", i > 1 ? ", " : "", i, i);
    /* columns named Field1..N make the XLSX driver write no header row of its own */
    char *cmd = raw
        ? pm_asprintf("ogr2ogr -f XLSX '%s' '%s' -oo HEADERS=NO -oo AUTODETECT_TYPE=NO -nln 测评 "
                      "-sql 'SELECT %s FROM src' 2>&1", xlsx, csv, sel)
        : pm_asprintf("ogr2ogr -f XLSX '%s' '%s' -oo AUTODETECT_TYPE=YES -nln 测评 2>&1", xlsx, csv);
    free(run_ok(cmd));
    free(cmd);
    free(csv);
}

/* The sample's evaluations with Chinese column names, the sample rows unchanged. */
static const char *const zh_header = "编码,年份,服务群众能效得分,群众满意度,队伍建设,群众需求,重点问卷,随机问卷\n";

static char *sample_rows(void)
{
    char *text = NULL, *err = NULL;
    cr_assert_eq(pm_read_file(PM_SOURCE_DIR "/geodata/changshou/evaluations.csv", 1 << 20, &text,
                              NULL, &err), PM_OK);
    char *rows = pm_strdup(strchr(text, '\n') + 1);
    free(text);
    return rows;
}

/* A copy of dir's partymap.json whose evaluations are xlsx with the Chinese columns. */
static char *xlsx_config(const char *dir, const char *xlsx)
{
    char *path = pm_asprintf("%s/partymap.json", dir), *out = pm_asprintf("%s/partymap_xlsx.json", dir);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert(root, "%s", e.text);
    json_t *ev = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s}}", "path", xlsx,
                           "fields", "code", "编码", "year", "年份",
                           "columns", "service", "服务群众能效得分", "satisfaction", "群众满意度",
                           "workforce", "队伍建设", "needs", "群众需求",
                           "questionnaires_key", "重点问卷", "questionnaires_random", "随机问卷");
    json_object_set_new(json_object_get(root, "sources"), "evaluations", ev);
    cr_assert_eq(json_dump_file(root, out, JSON_INDENT(2)), 0);
    json_decref(root);
    free(path);
    return out;
}

static pm_status load(const char *cfgpath, pm_diag *d, pm_dataset **ds)
{
    pm_config *cfg = NULL;
    pm_status st = pm_config_load(cfgpath, d, &cfg);
    if (!st) st = pm_dataset_load(cfg, d, ds);
    pm_config_free(cfg);
    return st;
}

static const double *row_of(const pm_evaltable *t, size_t committee, int year)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (t->committee[r] == committee && t->year[r] == year) return &t->values[r * t->ncols];
    return NULL;
}

Test(xlsx, loads_like_the_csv, .timeout = PM_T(300))
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *rows = sample_rows(), *text = pm_asprintf("%s%s", zh_header, rows);
    char *xlsx = pm_asprintf("%s/evaluations.xlsx", dir);
    make_xlsx(dir, text, xlsx, 0);
    /* the codes are number cells in the workbook, as typed into Excel */
    char *cmd = pm_asprintf("ogrinfo -ro -so '%s' 测评", xlsx), *info = run_ok(cmd);
    cr_assert(strstr(info, "\n编码: Integer64"), "code cells are numbers: %s", info);
    char *cfg = xlsx_config(dir, xlsx);
    pm_diag d;
    pm_diag_init(&d);
    pm_dataset *a = NULL, *b = NULL;
    cr_assert_eq(load(pm_config_default_path(), &d, &a), PM_OK);
    pm_status st = load(cfg, &d, &b);
    char *problems = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "%s", problems);
    cr_assert_eq(b->eval.nrows, 105);
    cr_assert_eq(b->eval.ncols, a->eval.ncols);
    size_t compared = 0;
    for (size_t k = 0; k < a->eval.ncols; k++) {
        long kb = pm_evaltable_col(&b->eval, a->eval.cols[k]);
        cr_assert(kb >= 0, "indicator %s from the xlsx", a->eval.cols[k]);
        for (size_t r = 0; r < a->eval.nrows; r++) {
            double va = a->eval.values[r * a->eval.ncols + k];
            const double *rb = row_of(&b->eval, a->eval.committee[r], a->eval.year[r]);
            cr_assert(rb);
            double vb = rb[kb];
            cr_assert(isnan(va) ? isnan(vb) : fabs(va - vb) <= 1e-9 * fmax(1, fabs(va)),
                      "%s %s %d: csv %.17g xlsx %.17g", a->eval.cols[k],
                      a->committees[a->eval.committee[r]].code, a->eval.year[r], va, vb);
            compared += !isnan(va);
        }
    }
    cr_assert_gt(compared, 400);
    /* the reader itself: a 12-digit number cell comes back as its digits, in row 2 */
    pm_source src = { .path = xlsx };
    pm_vlayer l;
    cr_assert_eq(pm_vlayer_read(&src, PM_READ_TABLE, &d, &l), PM_OK);
    cr_assert_str_eq(l.sheet, "测评");
    cr_assert_str_eq(l.fields[0], "编码");
    cr_assert_str_eq(l.feats[0].attrs[0], "310107015001");
    cr_assert_eq(l.feats[0].line, 2);
    cr_assert_eq(l.n, 105);
    pm_vlayer_fini(&l);
    pm_dataset_free(a);
    pm_dataset_free(b);
    pm_diag_fini(&d);
    free(problems); free(cfg); free(info); free(cmd); free(xlsx); free(text); free(rows);
    t_rm_tree(dir);
    free(dir);
}

Test(xlsx, title_rows_text_codes_and_row_numbers, .timeout = PM_T(300))
{
    char *dir = t_tmpdir(), *xlsx = pm_asprintf("%s/t.xlsx", dir);
    make_xlsx(dir, "长寿路街道居民区测评结果（示例）,,,\n,,,\n编码, 年份 ,服务得分,\n"
                   "012345678901,2016,81.5,\n310107015001,2016,abc,\n,,,\n310107015002,2016,79.0,x\n",
              xlsx, 1);
    pm_source src = { .path = xlsx };
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer l;
    cr_assert_eq(pm_vlayer_read(&src, PM_READ_TABLE, &d, &l), PM_OK);
    cr_assert_eq(l.nfields, 4);
    cr_assert_str_eq(l.fields[0], "编码");
    cr_assert_str_eq(l.fields[1], "年份", "header cells are trimmed");
    cr_assert_str_eq(l.fields[2], "服务得分");
    cr_assert_str_eq(l.fields[3], "D", "a column without a header is named by its letter");
    cr_assert_eq(l.n, 3, "title, blank and header rows dropped");
    cr_assert_str_eq(l.feats[0].attrs[0], "012345678901", "text codes keep their leading zero");
    cr_assert_eq(l.feats[0].line, 4);
    cr_assert_eq(l.feats[1].line, 5);
    cr_assert_eq(l.feats[2].line, 7, "rows keep the sheet's numbers across the blank row");
    char *where = pm_vfeature_where(&l, &l.feats[1], "310107015001");
    cr_assert_str_eq(where, "sheet 测评 row 5 (310107015001)");
    free(where);
    pm_vlayer_fini(&l);
    /* a sheet of numbers only has no header row */
    make_xlsx(dir, "1,2\n3,4\n", xlsx, 1);
    cr_assert_eq(pm_vlayer_read(&src, PM_READ_TABLE, &d, &l), PM_EDATA);
    cr_assert(t_diag_has(&d, "t.xlsx", "sheet \"测评\": no header row", NULL));
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
    free(xlsx);
    t_rm_tree(dir);
    free(dir);
}

Test(xlsx, error_names_sheet_row_and_column, .timeout = PM_T(300))
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    /* a title row and a blank row above the header: the first data row is row 4 */
    char *rows = sample_rows();
    char *first = strstr(rows, "310107015001,2014,81.7");
    cr_assert(first, "the sample's first row");
    memcpy(first + strlen("310107015001,2014,"), "abc4", 4); /* 81.7 -> abc4 */
    char *text = pm_asprintf("长寿路街道居民区服务群众能效测评,,,,,,,\n,,,,,,,\n%s%s", zh_header, rows);
    char *xlsx = pm_asprintf("%s/evaluations.xlsx", dir);
    make_xlsx(dir, text, xlsx, 1);
    char *cfg = xlsx_config(dir, xlsx);
    pm_diag d;
    pm_diag_init(&d);
    pm_dataset *ds = NULL;
    cr_assert_eq(load(cfg, &d, &ds), PM_EDATA);
    char *problems = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "evaluations.xlsx", "sheet 测评 row 4 (310107015001 宜昌)", "服务群众能效得分",
                         "not a number: \"abc4\"", NULL), "%s", problems);
    cr_assert_eq(d.errors, 1, "only that cell: %s", problems);
    pm_diag_fini(&d);
    free(problems); free(cfg); free(xlsx); free(text); free(rows);
    t_rm_tree(dir);
    free(dir);
}

/* A column of a spreadsheet read back with partymap's reader (text cells). */
static int col(const pm_vlayer *l, const char *name)
{
    int k = pm_vlayer_field(l, name);
    cr_assert(k >= 0, "column %s", name);
    return k;
}

static void check_year(const char *dir, int year)
{
    char *xlsx = pm_asprintf("%s/%d/evaluation.xlsx", dir, year);
    char *csv = pm_asprintf("%s/%d/evaluation.csv", dir, year);
    pm_diag d;
    pm_diag_init(&d);
    const char *files[] = { xlsx, csv };
    for (int i = 0; i < 2; i++) {
        pm_source src = { .path = (char *)files[i] };
        pm_vlayer l;
        cr_assert_eq(pm_vlayer_read(&src, PM_READ_TABLE, &d, &l), PM_OK, "%s", files[i]);
        cr_assert_eq(l.n, 35, "%s: 35 committees", files[i]);
        cr_assert_str_eq(l.fields[0], "名称");
        cr_assert_str_eq(l.fields[1], "编码");
        int rk = col(&l, "服务群众能效指数排名"), ch = col(&l, "较上年排名变化");
        col(&l, "服务群众能效指数分级");
        col(&l, "运行中共建项目");
        col(&l, "党建平台");
        long prev = 0;
        for (size_t r = 0; r < l.n; r++) {
            long rank = strtol(l.feats[r].attrs[rk], NULL, 10);
            cr_assert_geq(rank, prev, "sorted by rank");
            prev = rank;
            cr_assert_eq(strlen(l.feats[r].attrs[1]), 12, "codes as text");
            if (strcmp(l.feats[r].attrs[0], "玉佛城") == 0 && year == 2016) {
                cr_assert_eq(rank, 7);
                cr_assert_str_eq(l.feats[r].attrs[ch], "13", "玉佛城: from 20 to 7");
            }
            if (year == 2014) cr_assert_null(l.feats[r].attrs[ch], "no change in the first year");
        }
        pm_vlayer_fini(&l);
    }
    char *bom = NULL, *err = NULL;
    cr_assert_eq(pm_read_file(csv, 1 << 20, &bom, NULL, &err), PM_OK);
    cr_assert_eq(memcmp(bom, "\xEF\xBB\xBF名称,编码,", strlen("\xEF\xBB\xBF名称,编码,")), 0, "BOM and header");
    free(bom);
    char *cmd = pm_asprintf("ogrinfo -ro -so '%s' 测评结果", xlsx), *info = run_ok(cmd);
    cr_assert(strstr(info, "\n编码: String"), "codes are text cells in the workbook: %s", info);
    free(info); free(cmd);
    pm_diag_fini(&d);
    free(xlsx);
    free(csv);
}

Test(xlsx, spreadsheets_out, .timeout = PM_T(300))
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    cr_assert_eq(pm_project_open(NULL, NULL, &d, &p), PM_OK);
    char *dir = t_tmpdir();
    pm_export_src src = { p.cfg, p.ds, &p.an, &p.res, pm_runctx_source_time(p.cfg) };
    for (size_t y = 0; y < p.ds->nyears; y++) {
        char *xlsx = pm_asprintf("%s/%d/evaluation.xlsx", dir, p.ds->years[y]);
        char *csv = pm_asprintf("%s/%d/evaluation.csv", dir, p.ds->years[y]), *err = NULL;
        cr_assert_eq(pm_export_sheets(&src, p.ds->years[y], xlsx, csv, &err), PM_OK, "%s", err ? err : "");
        free(xlsx);
        free(csv);
        check_year(dir, p.ds->years[y]);
    }
    pm_project_fini(&p);
    pm_diag_fini(&d);
    t_rm_tree(dir);
    free(dir);
}

/* Formulas without a stored value in worksheet XML: shared ones too; a cached value,
 * an inline string or an empty cell is fine; <col> elements are not cells. */
Test(xlsx, formulas_without_values_are_found)
{
    char first[16];
    const char *xml = "<cols><col min=\"1\"/></cols><sheetData><row r=\"1\">"
                      "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"/>"
                      "<c r=\"C1\"><f>A1*2</f><v>4</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>x</t></is></c>"
                      "</row><row r=\"2\"><c r=\"AB12\" s=\"1\"><f>SUM(A1:A2)</f></c>"
                      "<c r=\"AC12\"><f t=\"shared\" si=\"0\"/></c></row></sheetData>";
    cr_expect_eq(pm_sheet_uncached_formulas(xml, first), 2);
    cr_expect_str_eq(first, "AB12");
    cr_expect_eq(pm_sheet_uncached_formulas("<sheetData><c r=\"A1\"><f>1</f><v></v></c></sheetData>", first), 0);
    cr_expect_eq(pm_sheet_uncached_formulas("", NULL), 0);
}
