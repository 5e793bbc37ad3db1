/* The file layer: atomic writes and the clean-up of what a killed run left behind. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"

/* The pid of a process that has ended: a shell that printed its own pid and was
 * reaped (no fork of the test process itself, which would run its exit-time leak
 * checks under valgrind).  Another process could get the pid only if the system
 * wrapped its pid counter in between. */
static long dead_pid(void)
{
    char *out = NULL;
    cr_assert_eq(t_run("sh -c 'echo $$'", &out), 0);
    long p = atol(out);
    free(out);
    cr_assert_gt(p, 0, "a pid");
    return p;
}

static void touch(const char *dir, const char *name)
{
    char *path = pm_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "create %s", path);
    fputs("half", f);
    fclose(f);
    free(path);
}

static int exists(const char *dir, const char *name)
{
    char *path = pm_asprintf("%s/%s", dir, name);
    int r = pm_path_exists(path);
    free(path);
    return r;
}

Test(fileio, stale_temporaries_of_every_writer_are_removed)
{
    char *dir = t_tmpdir();
    char *sub = pm_asprintf("%s/2016/tiles/service/12", dir);
    char *cmd = pm_asprintf("mkdir -p '%s'", sub);
    cr_assert_eq(t_run(cmd, NULL), 0);
    long dead = dead_pid(), me = (long)getpid();
    /* what each writer names its temporary: plain files, GDAL drivers that need the
     * extension last, SQLite's side files of MBTiles and GeoPackage temporaries */
    const char *const stale[] = {
        "service.pdf.tmp-%ld-0", "book.tmp-%ld-3.xlsx", "service.tmp-%ld-1.csv",
        "partymap.tmp-%ld-2.gpkg", "partymap.tmp-%ld-2.gpkg-journal",
        "tiles.mbtiles.tmp-%ld-7-journal", "tiles.mbtiles.tmp-%ld-7-wal",
    };
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        char *n = pm_asprintf(stale[i], dead);
        touch(dir, n);
        free(n);
    }
    char *deep = pm_asprintf("12.png.tmp-%ld-9", dead);
    touch(sub, deep);
    char *mine = pm_asprintf("live.pdf.tmp-%ld-0", me);
    touch(dir, mine);
    /* names that only look alike are not temporaries */
    const char *const keep[] = { "notes.tmp-x.txt", "a.tmp-12", "b.tmp--3-1", "plain.pdf" };
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) touch(dir, keep[i]);

    size_t removed = 0;
    char *err = NULL;
    cr_assert_eq(pm_clean_stale_tmp(dir, &removed, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(removed, sizeof stale / sizeof *stale + 1, "every stale temporary removed, got %zu", removed);
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        char *n = pm_asprintf(stale[i], dead);
        cr_assert(!exists(dir, n), "%s removed", n);
        free(n);
    }
    cr_assert(!exists(sub, deep), "temporaries deep in the tile tree removed");
    cr_assert(exists(dir, mine), "a live process's temporary is kept");
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        cr_assert(exists(dir, keep[i]), "%s is not a temporary and is kept", keep[i]);
    free(deep); free(mine); free(cmd); free(sub);
    t_rm_tree(dir);
    free(dir);
}

Test(fileio, missing_folder_is_not_an_error)
{
    size_t removed = 5;
    cr_assert_eq(pm_clean_stale_tmp("/nonexistent/partymap-test", &removed, NULL), PM_OK);
    cr_assert_eq(removed, 0);
}

Test(fileio, atomic_write_leaves_only_the_file)
{
    char *dir = t_tmpdir();
    char *path = pm_asprintf("%s/out.txt", dir);
    char *err = NULL;
    cr_assert_eq(pm_write_atomic(path, "hello", 5, &err), PM_OK, "%s", err ? err : "");
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(path, 100, &buf, &len, &err), PM_OK);
    cr_assert_eq(len, 5);
    cr_assert_str_eq(buf, "hello");
    char *n = NULL;
    char *cmd = pm_asprintf("ls -A '%s' | wc -l", dir);
    t_run(cmd, &n);
    cr_assert_eq(atoi(n), 1, "no temporary beside the file");
    free(n); free(cmd); free(buf); free(path);
    t_rm_tree(dir);
    free(dir);
}
