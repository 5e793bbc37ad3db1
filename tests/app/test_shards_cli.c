/* A whole year in shards, as a batch engine runs them: every map and scale of the year
 * in one set of shards, merge --all over the year's folder (every package of a single
 * run, byte for byte; incomplete or mixed sets refused with nothing merged), and shards
 * on several hosts sharing the folder (one host's cleaning never removes another's
 * temporaries). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "core/tmpfile.h"

static const char *const MAPS[] = { "service", "satisfaction", "workforce", "progress", "resources" };
enum { NMAPS = 5, N = 4 };

/* Runs cmd (a shell line, stderr captured too) and returns its status; *out (caller
 * frees) holds what it printed. */
static int sh(char **out, const char *fmt, const char *a, const char *b)
{
    char *cmd = pm_asprintf(fmt, a, b);
    int rc = t_run(cmd, out);
    free(cmd);
    return rc;
}

/* A copy of the sample with tiles z12-14 (256 px and @2x: three metatiles with tiles,
 * so the 4th of 4 shards is empty) in a new folder, its single run of 2016 in
 * single/ and the N shards of that run in shards/; returns the folder. */
static char *year_in_shards(void)
{
    t_need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    cr_assert_eq(t_copy_sample(dir), 0);
    cr_assert_eq(sh(&out, "sed -i 's/^  \"maps\":/  \"tiles\": { \"maxzoom\": 14 },\\n  \"maps\":/' "
                    "'%s/partymap.json'%s", dir, ""), 0, "%s", out);
    free(out);
    char *render = pm_asprintf("'%s' render -c '%s/partymap.json' --only tiles --year 2016 --jobs 2 --quiet",
                               t_bin(), dir);
    cr_assert_eq(sh(&out, "%s --out '%s/single' 2>&1", render, dir), 0, "%s", out);
    free(out);
    for (int k = 1; k <= N; k++) {
        char *shard = pm_asprintf("%s --shard %d/4", render, k);
        cr_assert_eq(sh(&out, "%s --out '%s/shards' 2>&1", shard, dir), 0, "%s", out);
        free(out);
        free(shard);
    }
    free(render);
    return dir;
}

static void assert_same_file(const char *a, const char *b)
{
    char *pa = NULL, *pb = NULL;
    size_t la = 0, lb = 0;
    cr_assert_eq(pm_read_file(a, 1u << 28, &pa, &la, NULL), PM_OK, "%s", a);
    cr_assert_eq(pm_read_file(b, 1u << 28, &pb, &lb, NULL), PM_OK, "%s", b);
    cr_assert(la == lb && memcmp(pa, pb, la) == 0, "%s (%zu bytes) and %s (%zu bytes) differ", a, la, b, lb);
    free(pa);
    free(pb);
}

static size_t count_lines(const char *text, const char *with)
{
    size_t n = 0;
    for (const char *p = strstr(text, with); p; p = strstr(p + 1, with)) n++;
    return n;
}

Test(shards_cli, merge_all_writes_every_package_of_the_single_run, .timeout = 900)
{
    char *dir = year_in_shards(), *out = NULL;
    char *tiles = pm_asprintf("%s/shards/2016/tiles", dir);
    /* a killed attempt's temporary beside the shards is not taken for one */
    char *junk = pm_asprintf("%s/service.shard-1-of-4.mbtiles.tmp-999999-1", tiles);
    FILE *f = fopen(junk, "w");
    cr_assert(f);
    fputs("half a package", f);
    fclose(f);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' 2>&1", t_bin(), tiles), 0, "%s", out);
    cr_expect_eq(count_lines(out, "4 packages merged"), 2 * 2 * NMAPS, "%s", out);
    cr_expect(strstr(out, "20 packages of 10 shard sets merged"), "%s", out);
    for (int m = 0; m < NMAPS; m++)
        for (int s = 0; s < 4; s++) {
            const char *scale = s & 1 ? "@2x" : "", *ext = s & 2 ? "pmtiles" : "mbtiles";
            char *want = pm_asprintf("%s/single/2016/tiles/%s%s.%s", dir, MAPS[m], scale, ext);
            char *got = pm_asprintf("%s/%s%s.%s", tiles, MAPS[m], scale, ext);
            assert_same_file(want, got);
            free(want);
            free(got);
        }
    free(out);
    /* again: every package already holds these bytes */
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' 2>&1", t_bin(), tiles), 0, "%s", out);
    cr_expect_eq(count_lines(out, "unchanged"), 2 * 2 * NMAPS, "%s", out);
    free(out);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' --quiet 2>&1", t_bin(), tiles), 0, "%s", out);
    cr_expect_str_empty(out);
    free(out);
    free(junk);
    free(tiles);
    t_rm_tree(dir);
    free(dir);
}

/* 1 if dir holds a package that is not a shard (a merge's output). */
static int has_merged(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d, "%s", dir);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL)
        found |= !strstr(e->d_name, ".shard-") && (strstr(e->d_name, ".mbtiles") || strstr(e->d_name, ".pmtiles"));
    closedir(d);
    return found;
}

Test(shards_cli, merge_all_refuses_incomplete_or_mixed_sets_and_merges_nothing, .timeout = 900)
{
    char *dir = year_in_shards(), *out = NULL;
    char *tiles = pm_asprintf("%s/shards/2016/tiles", dir);
    /* shard 2 of one scale of one map lost: both of its packages */
    char *lost = pm_asprintf("%s/workforce@2x.shard-2-of-4", tiles);
    char *cmd = pm_asprintf("mv '%s.mbtiles' '%s.mbtiles.away' && rm '%s.pmtiles'", lost, lost, lost);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' 2>&1", t_bin(), tiles), 2, "%s", out);
    cr_expect(strstr(out, "workforce@2x: shard 2 of 4 is missing"), "%s", out);
    cr_expect(strstr(out, "nothing was merged"), "%s", out);
    cr_expect(!strstr(out, "service"), "only the incomplete set is named: %s", out);
    cr_expect(!has_merged(tiles), "a refused merge wrote a package");
    free(out);
    /* its PMTiles alone stands in for a shard's MBTiles */
    cmd = pm_asprintf("mv '%s.mbtiles.away' '%s.mbtiles'", lost, lost);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    /* a shard of another run's set of 8 */
    cr_assert_eq(sh(&out, "cp '%s/service.shard-1-of-4.mbtiles' '%s/service.shard-3-of-8.mbtiles'", tiles, tiles), 0);
    free(out);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' 2>&1", t_bin(), tiles), 2, "%s", out);
    cr_expect(strstr(out, "service: shards of 4 and of 8"), "%s", out);
    cr_expect(!has_merged(tiles), "a refused merge wrote a package");
    free(out);
    /* no shards at all, no such folder, a folder with -o */
    cr_assert_eq(sh(&out, "'%s' merge --all '%s/single/2016/tiles' 2>&1", t_bin(), dir), 2, "%s", out);
    cr_expect(strstr(out, "no shard packages"), "%s", out);
    free(out);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s/nowhere' 2>&1", t_bin(), dir), 2, "%s", out);
    cr_expect(strstr(out, "nowhere: No such file or directory"), "%s", out);
    free(out);
    cr_assert_eq(sh(&out, "'%s' merge --all '%s' -o x.mbtiles 2>&1", t_bin(), tiles), 2, "%s", out);
    cr_expect(strstr(out, "without -o"), "%s", out);
    free(out);
    free(lost);
    free(tiles);
    t_rm_tree(dir);
    free(dir);
}

/* Shards on two hosts writing into one shared folder, the second host played by a new
 * PID namespace (where this process's pid does not exist, as on another machine): the
 * shard starting there removes the temporary a killed attempt left (its lock free), but
 * not shard 1's, whose writer is alive "on the other host" and holds its lock. */
Test(shards_cli, a_shard_leaves_the_temporaries_of_shards_on_other_hosts, .timeout = 300)
{
    t_need_binary();
    char *out = NULL;
    if (t_run("unshare --pid --fork --mount-proc true 2>&1", &out) != 0)
        cr_skip_test("unshare --pid needs root: %s", out);
    free(out);
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    cr_assert_eq(sh(&out, "sed -i 's/^  \"maps\":/  \"tiles\": { \"maxzoom\": 13, \"hidpi\": false },\\n  \"maps\":/' "
                    "'%s/partymap.json'%s", dir, ""), 0, "%s", out);
    free(out);
    char *tiles = pm_asprintf("%s/out/2016/tiles", dir);
    char *err = NULL;
    /* a live writer's temporary: this process holds its lock on "host A" */
    pm_tmpfd live = { 0 }, own = { 0 };
    char *livepath = pm_asprintf("%s/service.shard-1-of-2.mbtiles", tiles);
    char *ownpath = pm_asprintf("%s/service.shard-2-of-2.mbtiles", tiles);
    cr_assert_eq(pm_tmpfd_create(&live, livepath, &err), PM_OK, "%s", err ? err : "");
    /* shard 2's own, from an attempt killed outright: its lock went with its process */
    cr_assert_eq(pm_tmpfd_create(&own, ownpath, &err), PM_OK, "%s", err ? err : "");
    cr_assert(write(live.fd, "in progress", 11) == 11 && write(own.fd, "in progress", 11) == 11);
    close(own.fd);
    char *ownstale = own.tmp;
    char *render = pm_asprintf("unshare --pid --fork --mount-proc '%s' render -c '%s/partymap.json'", t_bin(), dir);
    cr_assert_eq(sh(&out, "%s --only tiles --year 2016 --maps service --shard 2/2 --out '%s/out' 2>&1", render, dir),
                 0, "%s", out);
    cr_expect(pm_path_exists(live.tmp), "shard 2 removed shard 1's temporary, in progress on another host: %s", out);
    cr_expect(!pm_path_exists(ownstale), "shard 2 kept its own killed attempt's temporary: %s", out);
    cr_expect(strstr(out, "removed 1 temporary file"), "%s", out);
    free(out);
    free(render);
    pm_tmpfd_abort(&live);
    free(own.tmp);
    free(own.path);
    free(livepath);
    free(ownpath);
    free(tiles);
    t_rm_tree(dir);
    free(dir);
}
