/* The GDAL writers' temporaries: in a private folder, never through a planted link. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "data/vwriter.h"

static void sh_ok(const char *cmd)
{
    char *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s: %s", cmd, out ? out : "");
    free(out);
}

/* The old code named a GDAL temporary "book.tmp-PID-N.xlsx" (the extension last, for
 * the drivers) and SQLite added "-journal": symlinks planted at every such name of
 * this process, and at the final names, are not written through; each output comes
 * out a regular file and nothing but the outputs and the links is left. */
Test(vwriter, temporaries_never_follow_a_planted_symlink, .timeout = PM_T(60))
{
    char *dir = t_tmpdir();
    char *victim = pm_asprintf("%s/victim.txt", dir);
    cr_assert_eq(pm_write_atomic(victim, "keep", 4, NULL), PM_OK);
    static const char *const stems[] = { "data", "book", "table" };
    static const char *const exts[] = { "gpkg", "xlsx", "csv" };
    long pid = (long)getpid();
    for (int n = 0; n < 16; n++)
        for (int f = 0; f < 3; f++) {
            char *cmd = pm_asprintf("cd '%s' && ln -s '%s' '%s.tmp-%ld-%d.%s' && ln -s '%s' '%s.tmp-%ld-%d.%s-journal'",
                                    dir, victim, stems[f], pid, n, exts[f], victim, stems[f], pid, n, exts[f]);
            sh_ok(cmd);
            free(cmd);
        }
    char *cmd = pm_asprintf("cd '%s' && ln -s '%s' data.gpkg && ln -s '%s' book.xlsx && ln -s '%s' table.csv",
                            dir, victim, victim, victim);
    sh_ok(cmd);
    free(cmd);
    for (int f = 0; f < 3; f++) {
        char *path = pm_asprintf("%s/%s.%s", dir, stems[f], exts[f]), *err = NULL;
        pm_vwriter *w = NULL;
        pm_column col = { "name", PM_COL_TEXT };
        pm_cell cell = { "长寿路", 0 };
        cr_assert_eq(pm_vwriter_open(path, (pm_vformat)f, &w, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(pm_vwriter_layer(w, "t", 0, &col, 1, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(pm_vwriter_row(w, &cell, NULL, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(pm_vwriter_commit(w, &err), PM_OK, "%s", err ? err : "");
        struct stat sb;
        cr_assert_eq(lstat(path, &sb), 0);
        cr_assert(S_ISREG(sb.st_mode) && sb.st_size > 10, "%s is a regular file", path);
        free(path);
    }
    char *v = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(victim, 100, &v, &len, NULL), PM_OK);
    cr_assert_str_eq(v, "keep", "the links' target is untouched");
    char *left = NULL;
    cmd = pm_asprintf("cd '%s' && find . -mindepth 1 ! -type l | sort | tr '\\n' ' '", dir);
    t_run(cmd, &left);
    cr_assert_str_eq(left, "./book.xlsx ./data.gpkg ./table.csv ./victim.txt ", "no temporary is left");
    free(left); free(cmd); free(v); free(victim);
    t_rm_tree(dir);
    free(dir);
}

/* The OWASP CSV-injection rule, with arithmetic-only text left readable. */
Test(vwriter, formula_prefixes_are_neutralised)
{
    static const struct { const char *in, *out; } c[] = {
        { "=1+1", "'=1+1" }, { "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")" }, { "@SUM(A1)", "'@SUM(A1)" },
        { "\tx", "'\tx" }, { "\rx", "'\rx" }, { "+A1", "'+A1" }, { "-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0" },
        { "-1+cmd|x", "'-1+cmd|x" }, { "+(1)", "'+(1)" },
        { "-12", "-12" }, { "+3", "+3" }, { "-2.5 – +2.5", "-2.5 – +2.5" }, { "-", "-" },
        { "长寿路", "长寿路" }, { "a=b", "a=b" }, { "", "" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *s = pm_vwriter_safe_text(c[i].in);
        cr_expect_str_eq(s, c[i].out, "\"%s\"", c[i].in);
        free(s);
    }
}

/* A commit of the same bytes keeps the file (inode and modification time). */
Test(vwriter, an_unchanged_file_is_kept, .timeout = PM_T(60))
{
    char *dir = t_tmpdir(), *path = pm_asprintf("%s/t.csv", dir), *err = NULL;
    pm_column col = { "名称", PM_COL_TEXT };
    struct stat a, b;
    for (int round = 0; round < 3; round++) {
        pm_vwriter *w;
        cr_assert_eq(pm_vwriter_open(path, PM_VW_CSV, &w, &err), PM_OK, "%s", err);
        cr_assert_eq(pm_vwriter_layer(w, "t", 0, &col, 1, &err), PM_OK);
        pm_cell cell = { round < 2 ? "江宁" : "玉佛城", 0 };
        cr_assert_eq(pm_vwriter_row(w, &cell, NULL, &err), PM_OK);
        cr_assert_eq(pm_vwriter_commit(w, &err), PM_OK, "%s", err);
        cr_assert_eq(stat(path, round ? &b : &a), 0);
        if (round == 1) cr_expect(a.st_ino == b.st_ino && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec, "kept");
        if (round == 2) cr_expect_neq(a.st_ino, b.st_ino, "new bytes: a new file");
        usleep(20000);
    }
    t_rm_tree(dir);
    free(path); free(dir);
}
