/* Evaluation tables as spreadsheets export them: BOM, CRLF, semicolons, codes as
 * floats; each loads to the same values, or fails naming file, line and field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "data/config.h"
#include "data/dataset.h"
#include "data/sheet.h"

/* Loads a copy of the sample whose evaluations.csv was rewritten by a shell filter. */
static pm_status load_with(const char *filter, pm_diag *d, double *sum_service)
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *csv = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    char *cmd = pm_asprintf("f='%s'; ( %s ) < \"$f\" > \"$f.new\" && mv \"$f.new\" \"$f\"", csv, filter);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char *cfgp = pm_asprintf("%s/partymap.json", dir);
    pm_config *cfg = NULL;
    pm_dataset *ds = NULL;
    pm_status st = pm_config_load(cfgp, d, &cfg);
    if (!st) st = pm_dataset_load(cfg, d, &ds);
    if (!st && sum_service) {
        long k = pm_evaltable_col(&ds->eval, "service");
        *sum_service = 0;
        for (size_t r = 0; r < ds->eval.nrows; r++) *sum_service += ds->eval.values[r * ds->eval.ncols + (size_t)k];
    }
    pm_dataset_free(ds);
    pm_config_free(cfg);
    t_rm_tree(dir);
    free(dir); free(csv); free(cmd); free(cfgp);
    return st;
}

static double reference_sum(void)
{
    pm_diag d;
    pm_diag_init(&d);
    double s = 0;
    cr_assert_eq(load_with("cat", &d, &s), PM_OK);
    pm_diag_fini(&d);
    return s;
}

static void loads_same(const char *filter, const char *what)
{
    double want = reference_sum(), got = 0;
    pm_diag d;
    pm_diag_init(&d);
    pm_status st = load_with(filter, &d, &got);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "%s loads:\n%s", what, txt);
    cr_assert_float_eq(got, want, 1e-6, "%s gives the same values", what);
    free(txt);
    pm_diag_fini(&d);
}

Test(tables, bom_and_crlf)
{
    loads_same("(printf '\\357\\273\\277'; sed 's/$/\\r/')", "a UTF-8 BOM and CRLF line ends");
}

Test(tables, semicolon_separator)
{
    loads_same("tr ',' ';'", "semicolon-separated values");
}

Test(tables, codes_as_full_precision_floats)
{
    loads_same("awk -F, -v OFS=, 'NR>1{$1=substr($1,1,1) \".\" substr($1,2) \"E+11\"}1'",
               "codes written as 3.10107015001E+11");
}

Test(tables, codes_that_lost_digits_are_refused_with_a_hint)
{
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(load_with("sed '2s/^310107015001/3.10107E+11/'", &d, NULL), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "evaluations.csv: line 2", "code", "lost digits", "format the column as text", NULL), "%s", txt);
    free(txt);
    pm_diag_fini(&d);
}

Test(tables, stray_total_row_is_named)
{
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(load_with("cat - ; printf '合计,,3000,,,9742,,\\n'", &d, NULL), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "evaluations.csv: line 107", "code", NULL), "%s", txt);
    free(txt);
    pm_diag_fini(&d);
}

/* The physical line of each CSV record, as GDAL counts the records. */
Test(tables, csv_records_start_on_their_physical_lines)
{
    char *dir = t_tmpdir(), *p = pm_asprintf("%s/t.csv", dir), *err = NULL;
    const char *text = "\xEF\xBB\xBF" "a,b\r\n1,\"x\ny\"\r\n\r\n\n2,3\n   \n\"q\"\"\n\",4\n5,6";
    cr_assert_eq(pm_write_atomic(p, text, strlen(text), &err), PM_OK);
    long *lines = NULL;
    size_t n = 0;
    cr_assert_eq(pm_csv_record_lines(p, &lines, &n), PM_OK);
    const long want[] = { 1, 2, 6, 7, 8, 10 };
    cr_assert_eq(n, 6, "%zu records", n);
    for (size_t i = 0; i < n; i++) cr_expect_eq(lines[i], want[i], "record %zu on line %ld", i, lines[i]);
    free(lines);
    t_rm_tree(dir);
    free(p); free(dir);
}
