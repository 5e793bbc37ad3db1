/* Tile outputs end to end: directory, MBTiles and PMTiles agree tile for tile (read by
 * sqlite3, GDAL and the npm pmtiles reader), reruns rewrite nothing, and a changed
 * value rewrites only the tiles of that committee. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

typedef struct { char path[1400]; char zxy[800]; long mtime_ns; off_t size; } tilefile;

/* Lists out/<year>/tiles/<map>/{z}/{x}/{y}.png (1x only). */
static size_t list_tiles(const char *root, tilefile **out)
{
    size_t n = 0, cap = 1024;
    *out = malloc(cap * sizeof **out);
    DIR *dz = opendir(root);
    cr_assert(dz, "%s exists", root);
    struct dirent *ez, *ex, *ey;
    while ((ez = readdir(dz))) {
        if (ez->d_name[0] == '.') continue;
        char zp[600];
        snprintf(zp, sizeof zp, "%s/%s", root, ez->d_name);
        DIR *dx = opendir(zp);
        while (dx && (ex = readdir(dx))) {
            if (ex->d_name[0] == '.') continue;
            char xp[900];
            snprintf(xp, sizeof xp, "%s/%s", zp, ex->d_name);
            DIR *dy = opendir(xp);
            while (dy && (ey = readdir(dy))) {
                size_t l = strlen(ey->d_name);
                if (l < 5 || strcmp(ey->d_name + l - 4, ".png") || strstr(ey->d_name, "@2x")) continue;
                if (n == cap) *out = realloc(*out, (cap *= 2) * sizeof **out);
                tilefile *t = &(*out)[n++];
                snprintf(t->path, sizeof t->path, "%s/%s", xp, ey->d_name);
                snprintf(t->zxy, sizeof t->zxy, "%s/%s/%.*s", ez->d_name, ex->d_name, (int)(l - 4), ey->d_name);
                struct stat sb;
                stat(t->path, &sb);
                t->mtime_ns = sb.st_mtim.tv_sec * 1000000000L + sb.st_mtim.tv_nsec;
                t->size = sb.st_size;
            }
            if (dy) closedir(dy);
        }
        if (dx) closedir(dx);
    }
    closedir(dz);
    return n;
}

static char *hex_of(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(path, 1 << 24, &data, &len, NULL), PM_OK);
    char *h = malloc(2 * len + 1);
    for (size_t i = 0; i < len; i++) sprintf(h + 2 * i, "%02x", (unsigned char)data[i]);
    free(data);
    return h;
}

static char *render(const char *dir, const char *extra)
{
    char *cmd = pm_asprintf("'%s' render -c '%s/partymap.json' --only tiles --maps service --quiet %s 2>&1",
                            t_bin(), dir, extra), *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s", out);
    free(cmd);
    return out;
}

Test(tiles_cli, packages_agree_with_the_directory_and_reruns_rewrite_nothing, .timeout = PM_T(600))
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    free(render(dir, "--jobs 2"));
    char *root = pm_asprintf("%s/out/2016/tiles/service", dir);
    tilefile *a = NULL;
    size_t n = list_tiles(root, &a);
    cr_assert_gt(n, 100);

    /* MBTiles: same count, read by sqlite3 and opened by GDAL */
    char *cmd = pm_asprintf("sqlite3 '%s.mbtiles' 'select count(*) from tiles'", root), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0);
    cr_assert_eq((size_t)atol(out), n, "MBTiles holds %s tiles, the directory %zu", out, n);
    free(cmd); free(out);
    cmd = pm_asprintf("gdalinfo '%s.mbtiles'", root);
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "Driver: MBTiles"), "%s", out);
    free(cmd); free(out);

    /* PMTiles: the npm reader returns the directory's bytes for every tile */
    if (system("command -v node >/dev/null && test -d " PM_SOURCE_DIR "/tests/tiles/node_modules/pmtiles") == 0) {
        size_t cap = n * 24 + 256, len = 0;
        char *args = malloc(cap);
        len += (size_t)snprintf(args, cap, "node '%s/tests/tiles/pmtiles_read.mjs' '%s.pmtiles'", PM_SOURCE_DIR, root);
        for (size_t i = 0; i < n; i++) len += (size_t)snprintf(args + len, cap - len, " %s", a[i].zxy);
        cr_assert_eq(t_run(args, &out), 0, "%s", out);
        for (size_t i = 0; i < n; i++) {
            char key[820];
            snprintf(key, sizeof key, "\n%s ", a[i].zxy);
            char *line = strstr(out, key);
            cr_assert(line, "pmtiles has %s", a[i].zxy);
            char *hex = strchr(line + strlen(key), ' ') + 1, *want = hex_of(a[i].path);
            cr_assert_eq(strncmp(hex, want, strlen(want)), 0, "pmtiles bytes of %s equal the file", a[i].zxy);
            free(want);
        }
        char addressed[32];
        cr_assert_eq(sscanf(out, "header %*d %*d %31s", addressed), 1);
        cr_assert_eq((size_t)atol(addressed), n, "PMTiles addresses as many tiles as the directory");
        free(args); free(out);
    } else {
        fprintf(stderr, "tiles_cli: node or the pmtiles package is missing: PMTiles bytes not compared\n");
    }

    /* a rerun with unchanged inputs rewrites no tile */
    out = render(dir, "--jobs 1");
    tilefile *b = NULL;
    size_t m = list_tiles(root, &b);
    cr_assert_eq(m, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            if (!strcmp(a[i].zxy, b[j].zxy))
                cr_assert_eq(a[i].mtime_ns, b[j].mtime_ns, "%s rewritten by an unchanged rerun", a[i].zxy);
    free(out);
    free(b);

    /* change one committee's 2016 service score: only some tiles change */
    char *csv = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    char *sed = pm_asprintf("sed -i 's/^\\(310107015001,2016,\\)[0-9.]*,/\\160.0,/' '%s'", csv);
    cr_assert_eq(system(sed), 0);
    out = render(dir, "--jobs 2");
    m = list_tiles(root, &b);
    size_t changed = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            if (!strcmp(a[i].zxy, b[j].zxy) && a[i].mtime_ns != b[j].mtime_ns) changed++;
    cr_assert_gt(changed, 0, "the committee's tiles were rewritten");
    cr_assert_lt(changed * 4, n, "only the tiles it touches: %zu of %zu", changed, n);
    free(out); free(b); free(a); free(sed); free(csv); free(root);
    t_rm_tree(dir);
    free(dir);
}
