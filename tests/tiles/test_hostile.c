/* Hostile packages (tests/fuzz/gen_packages.py): each refused by the readers with its
 * reason, by merge within 10 s and 500 MB; merge stops on SIGTERM with exit 130. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "tiles/merge.h"
#include "tiles/sink.h"

#define GEN "/usr/bin/python3 " PM_SOURCE_DIR "/tests/fuzz/gen_packages.py"

/* Each hostile case and the reason it is refused for. */
static const struct { const char *file, *why; } CASES[] = {
    { "run_4294967295.pmtiles", "addresses more than 10000000 tiles" },
    { "run_4294967295_stated.pmtiles", "addresses 4294967295 tiles, more than 10000000" },
    { "run_beyond_its_zooms.pmtiles", "a run of 4294967295 tiles from tile id 0 goes outside the zoom range" },
    { "leaf_tree_1000_pow_4.pmtiles", "leaf directories overlap" },
    { "directory_bomb.pmtiles", "a directory inflates beyond 16 MiB" },
    { "metadata_bomb_1000MiB.pmtiles", "the metadata inflates beyond 1 MiB" },
    { "metadata_bomb_64MiB.pmtiles", "the metadata inflates beyond 1 MiB" },
    { "recursive_view.mbtiles", "tiles is a view, not a table" },
    { "recursive_metadata_view.mbtiles", "metadata is a view, not a table" },
    { "tiles_view.mbtiles", "tiles is a view, not a table" },
    { "text_columns.mbtiles", "column zoom_level of tiles is declared \"TEXT\", not integer" },
    { "text_values.mbtiles", "tile 0/0/0 (TMS): tile_data is text, not a blob" },
    { "text_coordinates.mbtiles", "a tile's zoom_level is text, not an integer" },
    { "generated_column.mbtiles", "column tile_data of tiles is generated" },
};
#define NCASES (sizeof CASES / sizeof CASES[0])

static char *dir;

static void setup(void)
{
    if (t_run("/usr/bin/python3 -c 'import sqlite3, zlib' 2>/dev/null", NULL) != 0) return;
    dir = t_tmpdir();
    char *cmd = pm_asprintf(GEN " '%s' 2>&1", dir), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    free(cmd);
    free(out);
}

static void teardown(void)
{
    t_rm_tree(dir);
    free(dir);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = PM_T(300));

static void need_packages(void)
{
    if (!dir) cr_skip_test("the generator needs /usr/bin/python3 with sqlite3 and zlib");
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static pm_status count_tile(void *ctx, int z, uint32_t x, uint32_t y, const unsigned char *d, size_t len)
{
    (void)z; (void)x; (void)y; (void)d; (void)len;
    (*(size_t *)ctx)++;
    return PM_OK;
}

/* The reader of a file's format, by its first bytes as merge tells them apart. */
static const pm_sinkformat *format_of(const char *path)
{
    size_t len;
    char *head = NULL;
    cr_assert_eq(pm_read_file(path, 1u << 30, &head, &len, NULL), PM_OK, "%s", path);
    const pm_sinkformat *f = pm_sink_format_sniff((unsigned char *)head, len);
    free(head);
    cr_assert(f && f->read, "%s: a package format", path);
    return f;
}

/* In process (so the sanitizers and valgrind see the readers): every case is
 * refused with its reason before a single tile reaches the caller, in well under a
 * second each. */
Test(hostile, readers_refuse_each_case_with_its_reason)
{
    need_packages();
    for (size_t i = 0; i < NCASES; i++) {
        char *path = pm_asprintf("%s/%s", dir, CASES[i].file), *err = NULL;
        const pm_sinkformat *f = format_of(path);
        pm_sinkinfo info;
        size_t tiles = 0;
        double t0 = now();
        pm_status st = f->read(path, NULL, &info, count_tile, &tiles, &err);
        double dt = now() - t0;
        cr_expect_eq(st, PM_EDATA, "%s: %s", CASES[i].file, err ? err : "(accepted)");
        cr_expect(err && strstr(err, CASES[i].why) && strstr(err, path), "%s: %s", CASES[i].file,
                  err ? err : "(no message)");
        cr_expect_eq(tiles, 0, "%s: %zu tiles given before the refusal", CASES[i].file, tiles);
        cr_expect_lt(dt, 5.0, "%s took %.2f s", CASES[i].file, dt);
        pm_sink_info_fini(&info);
        free(err);
        free(path);
    }
}

/* The valid ones among them read back whole: a run, the normalised MBTiles schema
 * (map and images tables behind a tiles view). */
Test(hostile, valid_packages_of_other_writers_still_read)
{
    need_packages();
    static const struct { const char *file; size_t tiles; } ok[] = {
        { "valid.pmtiles", 3 }, { "valid.mbtiles", 2 }, { "valid_map_images.mbtiles", 2 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *path = pm_asprintf("%s/%s", dir, ok[i].file), *err = NULL;
        pm_sinkinfo info;
        size_t tiles = 0;
        cr_assert_eq(format_of(path)->read(path, NULL, &info, count_tile, &tiles, &err), PM_OK,
                     "%s: %s", ok[i].file, err ? err : "");
        cr_assert_eq(tiles, ok[i].tiles, "%s", ok[i].file);
        pm_sink_info_fini(&info);
        free(path);
    }
}

/* The tile limit: per package, and over all the inputs of a merge together. */
Test(hostile, max_tiles_bounds_each_input_and_their_sum)
{
    need_packages();
    char *pmt = pm_asprintf("%s/valid.pmtiles", dir), *mb = pm_asprintf("%s/valid.mbtiles", dir);
    char *out = pm_asprintf("%s/merged.mbtiles", dir), *err = NULL;
    const char *one[] = { pmt };
    cr_assert_eq(pm_merge_packages(out, one, 1, 2, NULL, &err), PM_EDATA);
    cr_assert(err && strstr(err, "addresses 3 tiles, more than 2"), "%s", err ? err : "");
    free(err);
    err = NULL;
    pm_readlimits lim = { 1 };
    pm_sinkinfo info;
    size_t tiles = 0;
    cr_assert_eq(pm_sink_mbtiles_read(mb, &lim, &info, count_tile, &tiles, &err), PM_EDATA);
    cr_assert(err && strstr(err, "holds more than 1 tiles"), "%s", err ? err : "");
    pm_sink_info_fini(&info);
    free(err);
    err = NULL;
    /* z1 of the PMTiles and z0 of the MBTiles do not overlap: 5 tiles in all */
    char *a = pm_asprintf("%s/a.mbtiles", dir);
    cr_assert_eq(t_copy(mb, a), 0);
    const char *two[] = { pmt, mb };
    cr_assert_eq(pm_merge_packages(out, two, 2, 4, NULL, &err), PM_EDATA);
    cr_assert(err && strstr(err, "the inputs together hold more than 4 tiles"), "%s", err ? err : "");
    cr_assert(!pm_path_exists(out));
    free(err);
    free(a); free(pmt); free(mb); free(out);
}

/* A sanitizer build reserves terabytes of address space: no address-space limit. */
static int asan_binary(void)
{
    char *cmd = pm_asprintf("ldd '%s' 2>/dev/null | grep -q libasan", t_bin());
    int r = t_run(cmd, NULL) == 0;
    free(cmd);
    return r;
}

/* The command line, each case alone: exit 1 with the reason, within 10 s of wall
 * time and 500 MB of address space (ulimit -v), where the old merge ran for minutes
 * and to gigabytes, or accepted text as a tile. */
Test(hostile, merge_refuses_each_within_10_s_and_500_MB)
{
    need_packages();
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    int asan = asan_binary();
    if (asan) cr_log_info("sanitizer build: time bound only (ASan cannot run under ulimit -v)");
    for (size_t i = 0; i < NCASES; i++) {
        char *cmd = pm_asprintf("%s timeout -s KILL 10 '%s' merge -o '%s/out.mbtiles' '%s/%s' 2>&1",
                                asan ? "" : "ulimit -v 512000;", t_bin(), dir, dir, CASES[i].file), *out = NULL;
        double t0 = now();
        int rc = t_run(cmd, &out);
        double dt = now() - t0;
        cr_expect_eq(rc, 1, "%s: exit %d after %.1f s:\n%s", CASES[i].file, rc, dt, out);
        cr_expect(strstr(out, CASES[i].why), "%s:\n%s", CASES[i].file, out);
        cr_expect_lt(dt, 10.0, "%s: %.1f s", CASES[i].file, dt);
        free(out);
        free(cmd);
        char *o = pm_asprintf("%s/out.mbtiles", dir);
        cr_expect(!pm_path_exists(o), "%s: an output was written", CASES[i].file);
        free(o);
    }
}

/* SIGTERM 0.4 s into a slow merge (800,000 tiles, over a second of work): exit 130 within a
 * second or so, nothing written, no temporary left.  The old merge ignored it. */
Test(hostile, merge_stops_on_sigterm_with_exit_130, .timeout = PM_T(300))
{
    need_packages();
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *big = t_tmpdir(), *cmd = pm_asprintf(GEN " --big '%s' 800000", big), *out = NULL;
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    for (int k = 0; k < 2; k++) { /* into either format */
        const char *ext = k ? "mbtiles" : "pmtiles";
        cmd = pm_asprintf("timeout --preserve-status -s TERM 0.4 '%s' merge -o '%s/out.%s' '%s/big.mbtiles' 2>&1; "
                          "echo rc=$?", t_bin(), big, ext, big);
        double t0 = now();
        t_run(cmd, &out);
        double dt = now() - t0;
        char *rc = strstr(out, "rc=");
        cr_assert(rc, "%s", out);
        cr_expect_eq(atoi(rc + 3), 130, "merge to %s stops with exit 130:\n%s", ext, out);
        cr_expect(strstr(out, "stopped by a signal"), "%s", out);
        cr_expect_lt(dt, 2.5, "stopped promptly (%.1f s after the start, the signal at 0.4 s)", dt);
        free(out);
        free(cmd);
    }
    char *left = NULL;
    cmd = pm_asprintf("cd '%s' && ls -A", big);
    t_run(cmd, &left);
    cr_assert_str_eq(left, "big.mbtiles\n", "no output, no temporary left");
    free(left); free(cmd);
    t_rm_tree(big);
    free(big);
}

/* merge --max-tiles: a strict whole number, and the limit it sets is the readers'. */
Test(hostile, merge_max_tiles_option)
{
    need_packages();
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    static const struct { const char *arg; int rc; const char *msg; } cases[] = {
        { "2", 1, "addresses 3 tiles, more than 2" }, { "3", 0, "3 tiles" },
        { "0", 2, "expected a whole number" }, { "5x", 2, "expected a whole number" },
        { "-1", 2, "expected a whole number" }, { "99999999999999999999", 2, "expected a whole number" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *cmd = pm_asprintf("'%s' merge --max-tiles '%s' -o '%s/m.mbtiles' '%s/valid.pmtiles' 2>&1",
                                t_bin(), cases[i].arg, dir, dir), *out = NULL;
        cr_expect_eq(t_run(cmd, &out), cases[i].rc, "--max-tiles %s: %s", cases[i].arg, out);
        cr_expect(strstr(out, cases[i].msg), "--max-tiles %s: %s", cases[i].arg, out);
        free(out);
        free(cmd);
    }
}
