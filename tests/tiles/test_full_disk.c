/* A full disk during tiles: the run names the path and the system's reason, and the tile
 * tree with its packages stays the old set; with room again, the new set is complete. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"

static char *sh(const char *fmt, const char *a, const char *b)
{
    char *cmd = pm_asprintf(fmt, a, b), *out = NULL;
    t_run(cmd, &out);
    free(cmd);
    return out;
}

static long avail(const char *mnt)
{
    char *out = sh("df --output=avail -B1 '%s' %s| tail -1", mnt, "");
    long v = atol(out);
    free(out);
    return v;
}

/* Every entry under mnt but the filler, with its checksum for files. */
static char *state(const char *mnt)
{
    return sh("cd '%s' && { find . ! -name filler -type f -exec md5sum {} + ; find . -type d; } %s| sort",
              mnt, "");
}

/* The sample's service map, z12-16 in 256 px, rendered into a 4 MB tmpfs; then,
 * with its outline colour changed (every tile and both packages change), rendered
 * again with only part of the room the new set needs, at several fill levels: each
 * run fails with exit 3 naming a file under the output and "No space left on
 * device", and leaves the tree and packages exactly as the first run wrote them (no
 * new tile, folder or temporary).  The old binary failed here with new tiles beside
 * the old packages. */
Test(full_disk, tiles_keep_the_old_set_when_the_disk_fills, .timeout = PM_T(900))
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    if (geteuid() != 0) cr_skip_test("mounting a small tmpfs needs root: run the suite as root for this test");
    char *base = t_tmpdir(), *out = NULL;
    char *mnt = pm_asprintf("%s/mnt", base), *cfg = pm_asprintf("%s/partymap.json", base);
    cr_assert_eq(t_copy_sample(base), 0);
    char *cmd = pm_asprintf("mkdir '%s' && mount -t tmpfs -o size=4m partymap-test '%s'", mnt, mnt);
    if (t_run(cmd, NULL) != 0) {
        free(cmd);
        t_rm_tree(base);
        cr_skip_test("cannot mount a tmpfs here");
    }
    free(cmd);
    cmd = pm_asprintf("sed -i 's/^  \"maps\":/  \"tiles\": { \"maxzoom\": 16, \"hidpi\": false },\\n  \"maps\":/' '%s'", cfg);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    char *render = pm_asprintf("'%s' render -c '%s' --only tiles --maps service --year 2016 --quiet --out '%s' 2>&1",
                               t_bin(), cfg, mnt);
    long room = avail(mnt);
    cr_assert_eq(t_run(render, &out), 0, "%s", out);
    free(out);
    long set = room - avail(mnt); /* what the outputs take */
    cr_assert_gt(set, 50000, "the tiles and packages take room (%ld bytes)", set);
    char *before = state(mnt);
    cmd = pm_asprintf("sed -i 's/\"outline\": \"#ffffff\"/\"outline\": \"#000000\"/' '%s/styles/service.json'", base);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    static const int percent[] = { 5, 20, 40, 60, 80, 95, 120 };
    for (size_t i = 0; i < sizeof percent / sizeof *percent; i++) {
        /* leave percent[i] % of the set's size free (the run needs more: staged tiles,
         * two spools and two package temporaries besides the old set) */
        long fill = avail(mnt) - set * percent[i] / 100;
        cmd = pm_asprintf("fallocate -l %ld '%s/filler'", fill, mnt);
        cr_assert_eq(fill > 0 && t_run(cmd, NULL) == 0, 1, "%s", cmd);
        free(cmd);
        int rc = t_run(render, &out);
        char *now = state(mnt);
        char *rm = pm_asprintf("rm -f '%s/filler'", mnt);
        t_run(rm, NULL);
        free(rm);
        if (rc == 0) { /* enough room after all: the new set, complete */
            cr_log_info("%d %% of the set's size free was enough", percent[i]);
            free(now); free(out);
            break;
        }
        cr_log_info("%d %% free: %s", percent[i], out);
        cr_expect_eq(rc, 3, "%d %% free: an I/O failure exits 3:\n%s", percent[i], out);
        cr_expect(strstr(out, mnt) && strstr(out, "No space left on device"),
                  "%d %% free: the message names the file and the reason:\n%s", percent[i], out);
        cr_expect_str_eq(now, before, "%d %% free: the old tree and packages are left as they were", percent[i]);
        free(now); free(out);
    }
    /* with room, the new set: every tile differs and the packages hold the tree's tiles */
    cr_assert_eq(t_run(render, &out), 0, "%s", out);
    free(out);
    char *after = state(mnt);
    cr_assert_str_neq(after, before);
    char *n = sh("find '%s' -name '*.tmp-*' %s| wc -l", mnt, "");
    cr_assert_eq(atoi(n), 0, "no temporary left");
    free(n);
    cmd = pm_asprintf("cd '%s/2016/tiles' && for t in $(find service -name '*.png' | head -20); do "
                      "z=$(echo $t | cut -d/ -f2); x=$(echo $t | cut -d/ -f3); y=$(basename $t .png); "
                      "r=$(( (1 << z) - 1 - y )); a=$(sqlite3 service.mbtiles \"SELECT hex(tile_data) FROM tiles "
                      "WHERE zoom_level=$z AND tile_column=$x AND tile_row=$r\"); "
                      "b=$(od -An -v -tx1 $t | tr -d ' \\n' | tr a-f A-F); [ -n \"$a\" ] && [ \"$a\" = \"$b\" ] "
                      "|| echo MISMATCH $t; done", mnt);
    t_run(cmd, &out);
    cr_assert_eq(strstr(out, "MISMATCH"), NULL, "the MBTiles holds the tree's tiles: %s", out);
    free(out); free(cmd);
    cmd = pm_asprintf("umount '%s'", mnt);
    t_run(cmd, NULL);
    free(cmd);
    free(after); free(before); free(render); free(cfg); free(mnt);
    t_rm_tree(base);
    free(base);
}
