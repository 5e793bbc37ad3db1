/* Tile sinks: bytes, counts, stale files; read back by sqlite3, gdalinfo and npm pmtiles. */
#include <criterion/criterion.h>

#include <cairo.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "render/png.h"
#include "tiles/sink.h"
#include "tiles/tilebuf.h"
#include "tiles/tilemeta.h"
#include "tiles/pmtiles.h"
#include <math.h>

#define OLD_TIME 978307200 /* 2001-01-01: an mtime no rewrite can keep */

typedef struct {
    int z;
    uint32_t x, y;
    int content; /* index into contents[] */
} tile;

/* Four contents, six tiles over zooms 1..3: A three times (two of them neighbours on
 * the Hilbert curve: ids 75 and 76), tile ids 4, 18, 73..76. */
static const tile TILES[] = {
    {3, 4, 2, 0}, {1, 1, 0, 0}, {3, 5, 3, 3}, {2, 2, 1, 1}, {3, 5, 2, 0}, {3, 4, 3, 2},
};
#define NTILES (sizeof TILES / sizeof TILES[0])

static unsigned char *contents[4];
static size_t content_len[4];
static char *dir;

/* A solid 256 px PNG tile, so that GDAL can decode what it reads. */
static void make_png(double r, double g, double b, unsigned char **out, size_t *len)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 256, 256);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_paint(cr);
    cairo_destroy(cr);
    cr_assert_eq(pm_png_encode(s, out, len), PM_OK);
    cairo_surface_destroy(s);
}

static void setup(void)
{
    make_png(0.8, 0.1, 0.1, &contents[0], &content_len[0]);
    make_png(0.1, 0.8, 0.1, &contents[1], &content_len[1]);
    make_png(0.1, 0.1, 0.8, &contents[2], &content_len[2]);
    make_png(0.9, 0.9, 0.2, &contents[3], &content_len[3]);
    dir = t_tmpdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    for (int i = 0; i < 4; i++) free(contents[i]);
    t_rm_tree(dir);
    free(dir);
}

TestSuite(sinks, .init = setup, .fini = teardown, .timeout = PM_T(120));

static const pm_tilemeta META = {
    .name = "长寿路街道 服务群众能效指数 2016", .description = "test tiles",
    .attribution = "partymap test",
    .legend_json = "{\"classes\":[{\"label\":\"低\",\"color\":\"#fee5d9\"}]}",
    .bounds = {0, 0, 90, 66.5132604}, .center = {45, 40, 2}, .minzoom = 1, .maxzoom = 3,
    .tile_px = 256,
};

typedef struct {
    pm_sink *sink;
    const tile *tiles;
    size_t n;
    int parity, reverse;
    pm_status st;
} worker;

static void *put_some(void *arg)
{
    worker *w = arg;
    for (size_t k = 0; k < w->n; k++) {
        size_t i = w->reverse ? w->n - 1 - k : k;
        if ((int)(i % 2) != w->parity) continue;
        const tile *t = &w->tiles[i];
        pm_status st = pm_sink_put(w->sink, t->z, t->x, t->y, contents[t->content],
                                   content_len[t->content]);
        if (st && !w->st) w->st = st;
    }
    return NULL;
}

/* Puts tiles from two threads (each half, in forward or reverse order). */
static void put_all(pm_sink *s, const tile *tiles, size_t n, int reverse)
{
    worker w[2] = {{s, tiles, n, 0, reverse, PM_OK}, {s, tiles, n, 1, !reverse, PM_OK}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) cr_assert_eq(pthread_create(&th[i], NULL, put_some, &w[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    cr_assert_eq(w[0].st, PM_OK);
    cr_assert_eq(w[1].st, PM_OK);
}

typedef pm_status (*opener)(const char *path, pm_sink **out, char **err);

/* Writes TILES to path with a package sink; returns the stats. */
static pm_sinkstats write_package(opener open, const char *path, int reverse)
{
    pm_sink *s = NULL;
    char *err = NULL;
    cr_assert_eq(open(path, &s, &err), PM_OK, "%s", err ? err : "");
    put_all(s, TILES, NTILES, reverse);
    pm_sinkstats st = {0};
    cr_assert_eq(pm_sink_finish(s, &META, &st, &err), PM_OK, "%s", err ? err : "");
    pm_sink_free(s);
    return st;
}

static char *hex(const unsigned char *p, size_t n, int upper)
{
    char *h = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) sprintf(h + 2 * i, upper ? "%02X" : "%02x", p[i]);
    h[2 * n] = '\0';
    return h;
}

static char *read_all(const char *path, size_t *len)
{
    char *data = NULL, *err = NULL;
    cr_assert_eq(pm_read_file(path, 1u << 28, &data, len, &err), PM_OK, "%s", err ? err : "");
    return data;
}

static void set_old_mtime(const char *path)
{
    struct timespec ts[2] = {{OLD_TIME, 0}, {OLD_TIME, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static time_t mtime(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "%s missing", path);
    return sb.st_mtime;
}

/* Asserts that folder d holds no leftover temporary or spool file. */
static void assert_no_temporaries(const char *d)
{
    DIR *dh = opendir(d);
    cr_assert_not_null(dh);
    for (struct dirent *de; (de = readdir(dh)) != NULL;)
        cr_expect(!strstr(de->d_name, ".tmp-") && !strstr(de->d_name, "spool"),
                  "leftover %s/%s", d, de->d_name);
    closedir(dh);
}

static int same_files(const char *a, const char *b)
{
    size_t la, lb;
    char *da = read_all(a, &la), *db = read_all(b, &lb);
    int same = la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

Test(sinks, tile_ids_follow_the_pmtiles_hilbert_curve)
{
    /* z1 by hand: the curve visits (0,0) (0,1) (1,1) (1,0) after the single z0 tile;
     * z2, z3 worked through the rotations by hand; (2,1,3), (3,3,0) as pmtiles-rs. */
    static const struct { int z; uint32_t x, y; uint64_t id; } want[] = {
        {0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 1, 3, 11},
        {3, 3, 0, 26}, {2, 2, 1, 18}, {3, 5, 3, 73}, {3, 4, 3, 74}, {3, 4, 2, 75}, {3, 5, 2, 76},
        {20, 0, 0, 366503875925u}, /* after all (4^20 - 1) / 3 lower tiles */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(pm_tile_id(want[i].z, want[i].x, want[i].y), want[i].id, "%d/%u/%u",
                     want[i].z, want[i].x, want[i].y);
}

/* --- directory sink --- */

static pm_sinkstats write_dir(const char *d, const tile *tiles, size_t n, const char *suffix)
{
    pm_sink *s = NULL;
    char *err = NULL;
    cr_assert_eq(pm_sink_dir_new(d, suffix, &s, &err), PM_OK, "%s", err ? err : "");
    put_all(s, tiles, n, 0);
    pm_sinkstats st = {0};
    cr_assert_eq(pm_sink_finish(s, &META, &st, &err), PM_OK, "%s", err ? err : "");
    pm_sink_free(s);
    return st;
}

Test(sinks, dir_writes_skips_identical_and_removes_stale)
{
    char *tiles = pm_asprintf("%s/tiles", dir);
    pm_sinkstats st = write_dir(tiles, TILES, NTILES, "");
    cr_assert_eq(st.written, 6);
    cr_assert_eq(st.unchanged, 0);
    cr_assert_eq(st.tiles, 6);
    cr_assert_eq(st.unique, 4);
    cr_assert_eq(st.removed, 0);
    for (size_t i = 0; i < NTILES; i++) {
        char *p = pm_asprintf("%s/%d/%u/%u.png", tiles, TILES[i].z, TILES[i].x, TILES[i].y);
        size_t len;
        char *data = read_all(p, &len);
        cr_assert_eq(len, content_len[TILES[i].content]);
        cr_assert_eq(memcmp(data, contents[TILES[i].content], len), 0, "%s", p);
        free(data);
        set_old_mtime(p);
        free(p);
    }
    /* Leftovers the sweep must respect: other suffixes and foreign files. */
    char *other = pm_asprintf("%s/3/4/9@2x.png", tiles);
    char *note = pm_asprintf("%s/2/2/notes.txt", tiles);
    cr_assert_eq(t_append(other, "x"), 0);
    cr_assert_eq(t_append(note, "x"), 0);

    /* Same tiles again: nothing rewritten, mtimes kept. */
    st = write_dir(tiles, TILES, NTILES, "");
    cr_assert_eq(st.written, 0);
    cr_assert_eq(st.unchanged, 6);
    char *p42 = pm_asprintf("%s/3/4/2.png", tiles);
    cr_assert_eq(mtime(p42), OLD_TIME);

    /* Tile 1/1/0 dropped and 3/4/2 changed: one written, 1/1/0 and its folders gone. */
    tile fewer[NTILES];
    size_t nf = 0;
    for (size_t i = 0; i < NTILES; i++)
        if (TILES[i].z != 1) fewer[nf++] = TILES[i];
    fewer[0].content = 3; /* 3/4/2 becomes D */
    st = write_dir(tiles, fewer, nf, "");
    cr_assert_eq(st.written, 1);
    cr_assert_eq(st.unchanged, 4);
    cr_assert_eq(st.tiles, 5);
    cr_assert_eq(st.removed, 1);
    cr_assert_neq(mtime(p42), OLD_TIME);
    char *z1 = pm_asprintf("%s/1", tiles);
    cr_assert(!pm_path_exists(z1), "empty zoom folder %s not removed", z1);
    cr_assert(pm_path_exists(other) && pm_path_exists(note));
    assert_no_temporaries(tiles);
    char *x4 = pm_asprintf("%s/3/4", tiles);
    assert_no_temporaries(x4);
    free(x4);
    free(z1);
    free(p42);
    free(other);
    free(note);
    free(tiles);
}

Test(sinks, dir_rejects_bad_tiles_and_repeats)
{
    char *tiles = pm_asprintf("%s/t", dir);
    pm_sink *s = NULL;
    char *err = NULL;
    cr_assert_eq(pm_sink_dir_new(tiles, "@2x", &s, &err), PM_OK);
    cr_assert_eq(pm_sink_put(s, 2, 4, 0, contents[0], content_len[0]), PM_EINTERNAL);
    /* Sticky: a valid tile after the failure fails the same way and is not written. */
    cr_assert_eq(pm_sink_put(s, 2, 1, 0, contents[0], content_len[0]), PM_EINTERNAL);
    cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EINTERNAL);
    cr_assert(err && strstr(err, "2/4/0") && strstr(err, "outside"), "%s", err ? err : "");
    free(err);
    err = NULL;
    char *p = pm_asprintf("%s/2/1/0@2x.png", tiles);
    cr_assert(!pm_path_exists(p));
    pm_sink_free(s);

    cr_assert_eq(pm_sink_dir_new(tiles, "@2x", &s, &err), PM_OK);
    cr_assert_eq(pm_sink_put(s, 2, 1, 0, contents[0], content_len[0]), PM_OK);
    cr_assert_eq(pm_sink_put(s, 2, 1, 0, contents[1], content_len[1]), PM_OK);
    cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EINTERNAL);
    cr_assert(err && strstr(err, "twice"), "%s", err ? err : "");
    free(err);
    pm_sink_free(s);
    free(p);
    free(tiles);
}

/* --- packages --- */

Test(sinks, unwritable_paths_fail_clearly)
{
    char *file = pm_asprintf("%s/plain", dir);
    cr_assert_eq(t_append(file, "not a folder"), 0);
    char *under = pm_asprintf("%s/plain/out/map.x", dir);
    opener opens[] = {pm_sink_mbtiles_new, pm_sink_pmtiles_new};
    for (int i = 0; i < 2; i++) {
        pm_sink *s = (pm_sink *)1;
        char *err = NULL;
        cr_assert_eq(opens[i](under, &s, &err), PM_EIO);
        cr_assert_null(s);
        cr_assert(err && strstr(err, "plain") && strstr(err, "Not a directory"), "%s",
                  err ? err : "(no message)");
        free(err);
    }
    pm_sink *s = (pm_sink *)1;
    char *err = NULL;
    cr_assert_eq(pm_sink_dir_new(under, "", &s, &err), PM_EIO);
    cr_assert(err && strstr(err, "Not a directory"), "%s", err ? err : "(no message)");
    free(err);
    free(under);
    free(file);
}

Test(sinks, failed_packages_leave_no_temporary)
{
    opener opens[] = {pm_sink_mbtiles_new, pm_sink_pmtiles_new};
    for (int i = 0; i < 2; i++) {
        /* The target is a folder: everything works until the rename. */
        char *sub = pm_asprintf("%s/case%d", dir, i), *target = pm_asprintf("%s/pkg", sub);
        cr_assert_eq(pm_mkdirs(target, NULL), PM_OK);
        pm_sink *s = NULL;
        char *err = NULL;
        cr_assert_eq(opens[i](target, &s, &err), PM_OK);
        put_all(s, TILES, NTILES, 0);
        cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EIO);
        cr_assert(err && strstr(err, "pkg"), "%s", err ? err : "");
        free(err);
        err = NULL;
        cr_assert_eq(pm_sink_put(s, 1, 0, 0, contents[0], content_len[0]), PM_EINTERNAL);
        pm_sink_free(s);
        assert_no_temporaries(sub);

        /* A bad tile: sticky, finish reports it and writes nothing. */
        char *path = pm_asprintf("%s/bad.pkg", sub);
        cr_assert_eq(opens[i](path, &s, &err), PM_OK);
        cr_assert_eq(pm_sink_put(s, 31, 0, 0, contents[0], content_len[0]), PM_EINTERNAL);
        cr_assert_eq(pm_sink_put(s, 1, 0, 0, contents[0], content_len[0]), PM_EINTERNAL);
        cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EINTERNAL);
        cr_assert(err && strstr(err, "31/0/0"), "%s", err ? err : "");
        free(err);
        err = NULL;
        pm_sink_free(s);
        /* A tile put twice is a caller bug, found at finish. */
        cr_assert_eq(opens[i](path, &s, &err), PM_OK);
        cr_assert_eq(pm_sink_put(s, 1, 0, 0, contents[0], content_len[0]), PM_OK);
        cr_assert_eq(pm_sink_put(s, 1, 0, 0, contents[0], content_len[0]), PM_OK);
        cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EINTERNAL);
        cr_assert(err && strstr(err, "1/0/0 was put twice"), "%s", err ? err : "");
        free(err);
        pm_sink_free(s);
        cr_assert(!pm_path_exists(path));
        assert_no_temporaries(sub);
        free(path);
        free(target);
        free(sub);
    }
}

Test(sinks, mbtiles_read_back_with_sqlite3)
{
    char *path = pm_asprintf("%s/map.mbtiles", dir);
    pm_sinkstats st = write_package(pm_sink_mbtiles_new, path, 0);
    cr_assert_eq(st.written, 6);
    cr_assert_eq(st.tiles, 6);
    cr_assert_eq(st.unique, 4);
    assert_no_temporaries(dir);

    char *out = NULL;
    char *cmd = pm_asprintf("sqlite3 -batch -noheader -separator ' ' '%s' "
                            "'SELECT zoom_level, tile_column, tile_row, hex(tile_data) FROM tiles "
                            "ORDER BY zoom_level, tile_column, tile_row'", path);
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    /* TMS rows: 2^z - 1 - y. */
    struct { int z, x, row, content; } want[] = {
        {1, 1, 1, 0}, {2, 2, 2, 1}, {3, 4, 4, 2}, {3, 4, 5, 0}, {3, 5, 4, 3}, {3, 5, 5, 0},
    };
    size_t off = 0;
    for (size_t i = 0; i < 6; i++) {
        char *h = hex(contents[want[i].content], content_len[want[i].content], 1);
        char *line = pm_asprintf("%d %d %d %s\n", want[i].z, want[i].x, want[i].row, h);
        cr_assert_eq(strncmp(out + off, line, strlen(line)), 0, "row %zu of:\n%.300s", i, out + off);
        off += strlen(line);
        free(line);
        free(h);
    }
    cr_assert_eq(out[off], '\0');
    free(out);
    free(cmd);

    cmd = pm_asprintf("sqlite3 -batch -noheader -separator '=' '%s' 'SELECT name, value FROM metadata;"
                      " PRAGMA page_size; PRAGMA integrity_check;"
                      " SELECT name FROM sqlite_master WHERE type = \"index\"'", path);
    cr_assert_eq(t_run(cmd, &out), 0);
    const char *expect =
        "name=长寿路街道 服务群众能效指数 2016\nformat=png\nbounds=0,0,90,66.5132604\n"
        "center=45,40,2\nminzoom=1\nmaxzoom=3\nattribution=partymap test\n"
        "description=test tiles\ntype=overlay\nversion=1.3\n"
        "json={\"legend\":{\"classes\":[{\"label\":\"低\",\"color\":\"#fee5d9\"}]}}\n"
        "4096\nok\ntile_index\n";
    cr_assert_str_eq(out, expect);
    free(out);
    free(cmd);
    free(path);
}

Test(sinks, mbtiles_opens_in_gdal)
{
    char *path = pm_asprintf("%s/map.mbtiles", dir);
    write_package(pm_sink_mbtiles_new, path, 1);
    char *cmd = pm_asprintf("gdalinfo '%s' 2>&1", path), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    /* z3 over lon 0..90, lat 0..66.51: 2 × 2 tiles of 256 px; z2 and z1 as overviews. */
    cr_assert(strstr(out, "Driver: MBTiles/MBTiles"), "%s", out);
    cr_assert(strstr(out, "Size is 512, 512"), "%s", out);
    cr_assert(strstr(out, "Overviews: 256x256, 128x128"), "%s", out);
    cr_assert(strstr(out, "ZOOM_LEVEL=3"), "%s", out);
    cr_assert(strstr(out, "minzoom=1") && strstr(out, "maxzoom=3"), "%s", out);
    free(out);
    free(cmd);
    /* Pixels of the z3 tiles where TMS rows put them: 4/2 is A (top left), 5/3 is D. */
    cmd = pm_asprintf("gdallocationinfo -valonly '%s' 10 10 && gdallocationinfo -valonly '%s' 500 500",
                      path, path);
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    /* RGBA of A (0.8, 0.1, 0.1) and D (0.9, 0.9, 0.2) as cairo rounds them to bytes. */
    cr_assert_str_eq(out, "204\n25\n25\n255\n230\n230\n51\n255\n");
    free(out);
    free(cmd);
    free(path);
}

/* Determinism and the keep-identical rule, for either package. */
static void check_deterministic(opener open, const char *ext)
{
    char *a = pm_asprintf("%s/a.%s", dir, ext), *b = pm_asprintf("%s/b.%s", dir, ext);
    write_package(open, a, 0);
    write_package(open, b, 1);
    cr_assert(same_files(a, b), "put order changed the bytes of %s", ext);

    set_old_mtime(a);
    pm_sinkstats st = write_package(open, a, 1);
    cr_assert_eq(st.unchanged, 6);
    cr_assert_eq(st.written, 0);
    cr_assert_eq(mtime(a), OLD_TIME, "an identical %s was rewritten", ext);

    /* Different content: replaced, and the stats say so. */
    pm_sink *s = NULL;
    cr_assert_eq(open(a, &s, NULL), PM_OK);
    put_all(s, TILES, NTILES - 1, 0);
    cr_assert_eq(pm_sink_finish(s, &META, &st, NULL), PM_OK);
    pm_sink_free(s);
    cr_assert_eq(st.written, 5);
    cr_assert_neq(mtime(a), OLD_TIME);
    cr_assert(!same_files(a, b));
    assert_no_temporaries(dir);
    free(a);
    free(b);
}

Test(sinks, mbtiles_deterministic_and_kept_when_identical)
{
    check_deterministic(pm_sink_mbtiles_new, "mbtiles");
}

Test(sinks, pmtiles_deterministic_and_kept_when_identical)
{
    check_deterministic(pm_sink_pmtiles_new, "pmtiles");
}

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

Test(sinks, pmtiles_header_by_hand)
{
    char *path = pm_asprintf("%s/map.pmtiles", dir);
    pm_sinkstats st = write_package(pm_sink_pmtiles_new, path, 0);
    cr_assert_eq(st.tiles, 6);
    cr_assert_eq(st.unique, 4);
    size_t len;
    unsigned char *h = (unsigned char *)read_all(path, &len);
    cr_assert_eq(memcmp(h, "PMTiles\x03", 8), 0);
    cr_assert_eq(le(h + 8, 8), 127);                     /* root right after the header */
    cr_assert_eq(le(h + 24, 8), 127 + le(h + 16, 8));    /* then the metadata */
    cr_assert_eq(le(h + 48, 8), 0);                      /* no leaves */
    uint64_t data = content_len[0] + content_len[1] + content_len[2] + content_len[3];
    cr_assert_eq(le(h + 64, 8), data);                   /* each content once */
    cr_assert_eq(le(h + 56, 8) + data, len);
    cr_assert_eq(le(h + 72, 8), 6);                      /* addressed tiles */
    cr_assert_eq(le(h + 80, 8), 5);                      /* ids 75, 76 are one run of A */
    cr_assert_eq(le(h + 88, 8), 4);                      /* contents */
    cr_assert_eq(h[96], 1);
    cr_assert_eq(h[97], 2);
    cr_assert_eq(h[98], 1);
    cr_assert_eq(h[99], 2);
    cr_assert_eq(h[100], 1);
    cr_assert_eq(h[101], 3);
    cr_assert_eq(le(h + 102, 4), 0);
    cr_assert_eq(le(h + 110, 4), 900000000);
    cr_assert_eq(le(h + 114, 4), 665132604);
    cr_assert_eq(h[118], 2);
    cr_assert_eq(le(h + 119, 4), 450000000);
    cr_assert_eq(le(h + 123, 4), 400000000);
    /* Clustered: the data section starts with A (tile id 4), then B (18), D (73). */
    cr_assert_eq(memcmp(h + le(h + 56, 8), contents[0], content_len[0]), 0);
    cr_assert_eq(memcmp(h + le(h + 56, 8) + content_len[0], contents[1], content_len[1]), 0);
    free(h);
    free(path);
}

static int have_node_reader(void)
{
    return t_run("command -v node >/dev/null 2>&1", NULL) == 0 &&
           pm_path_exists(PM_SOURCE_DIR "/tests/tiles/node_modules/pmtiles/package.json");
}

/* Runs the pmtiles npm reader on path for the given "z/x/y" list. */
static char *node_read(const char *path, const char *zxy)
{
    char *cmd = pm_asprintf("node '%s/tests/tiles/pmtiles_read.mjs' '%s' %s 2>&1", PM_SOURCE_DIR,
                            path, zxy), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    free(cmd);
    return out;
}

static void assert_tile_line(const char *out, int z, uint32_t x, uint32_t y,
                             const unsigned char *data, size_t len)
{
    char *h = hex(data, len, 0);
    char *line = pm_asprintf("\n%d/%u/%u %zu %s\n", z, x, y, len, h);
    cr_assert(strstr(out, line), "pmtiles reader disagrees on %d/%u/%u", z, x, y);
    free(line);
    free(h);
}

Test(sinks, pmtiles_read_by_the_npm_reader)
{
    if (!have_node_reader())
        cr_skip_test("node or tests/tiles/node_modules/pmtiles missing (make test installs it)");
    char *path = pm_asprintf("%s/map.pmtiles", dir);
    write_package(pm_sink_pmtiles_new, path, 1);
    char *out = node_read(path, "3/4/2 1/1/0 3/5/3 2/2/1 3/5/2 3/4/3 3/0/0 2/2/2");
    cr_assert(strncmp(out, "header 1 3 6 5 4 1\n", 19) == 0, "%s", out);
    for (size_t i = 0; i < NTILES; i++)
        assert_tile_line(out, TILES[i].z, TILES[i].x, TILES[i].y, contents[TILES[i].content],
                         content_len[TILES[i].content]);
    cr_assert(strstr(out, "\n3/0/0 none\n") && strstr(out, "\n2/2/2 none\n"), "%s", out);
    cr_assert(strstr(out, "\"name\":\"长寿路街道 服务群众能效指数 2016\""), "%.400s", out);
    cr_assert(strstr(out, "\"legend\":{\"classes\":[{\"label\":\"低\""), "%.400s", out);
    cr_assert(strstr(out, "\"bounds\":\"0,0,90,66.5132604\""), "%.400s", out);
    free(out);
    free(path);
}

/* Tile i's content: 8 .. 127 bytes, distinct for each i. */
static size_t scattered_content(size_t i, unsigned char buf[128])
{
    size_t len = 8 + (size_t)(pm_tilebuf_hash((unsigned char *)&i, sizeof i) % 120);
    for (size_t k = 0; k < len; k++) buf[k] = (unsigned char)((i >> (8 * (k % 4))) ^ k);
    return len;
}

/* Many small distinct tiles at z9, scattered: the root no longer fits 16 KiB. */
Test(sinks, pmtiles_leaf_directories)
{
    enum { N = 1 << 18 };
    tile *many = malloc(N * sizeof *many);
    size_t n = 0;
    uint32_t r = 12345;
    for (uint32_t i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        if ((r >> 16) % 8 == 0) many[n++] = (tile){9, i >> 9, i & 511, 0};
    }
    char *path = pm_asprintf("%s/many.pmtiles", dir);
    pm_sink *s = NULL;
    cr_assert_eq(pm_sink_pmtiles_new(path, &s, NULL), PM_OK);
    unsigned char buf[128];
    for (size_t i = 0; i < n; i++) {
        size_t len = scattered_content(i, buf);
        cr_assert_eq(pm_sink_put(s, 9, many[i].x, many[i].y, buf, len), PM_OK);
    }
    pm_sinkstats st;
    pm_tilemeta m = META;
    m.minzoom = m.maxzoom = 9;
    cr_assert_eq(pm_sink_finish(s, &m, &st, NULL), PM_OK);
    pm_sink_free(s);
    cr_assert_eq(st.tiles, n);
    cr_assert_eq(st.unique, n);
    size_t flen;
    unsigned char *h = (unsigned char *)read_all(path, &flen);
    cr_assert_gt(le(h + 48, 8), 0, "expected leaf directories for %zu tiles", n);
    cr_assert_leq(127 + le(h + 16, 8), 16384);
    cr_assert_eq(le(h + 80, 8), n);
    free(h);
    if (!have_node_reader()) {
        free(many);
        free(path);
        cr_skip_test("node or tests/tiles/node_modules/pmtiles missing (make test installs it)");
    }
    char list[64 * 24] = "";
    for (size_t i = 0; i < n; i += n / 60) {
        char one[24];
        snprintf(one, sizeof one, "9/%u/%u ", many[i].x, many[i].y);
        strcat(list, one);
    }
    char *out = node_read(path, list);
    for (size_t i = 0; i < n; i += n / 60) {
        size_t len = scattered_content(i, buf);
        assert_tile_line(out, 9, many[i].x, many[i].y, buf, len);
    }
    free(out);
    free(many);
    free(path);
}

Test(sinks, pmtiles_without_tiles_is_an_error)
{
    char *path = pm_asprintf("%s/empty.pmtiles", dir);
    pm_sink *s = NULL;
    char *err = NULL;
    cr_assert_eq(pm_sink_pmtiles_new(path, &s, &err), PM_OK);
    cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EDATA);
    cr_assert(err && strstr(err, "no tiles"), "%s", err ? err : "");
    free(err);
    pm_sink_free(s);
    cr_assert(!pm_path_exists(path));
    assert_no_temporaries(dir);
    free(path);
}

/* Content k of the spool test: len bytes from a seed, so each is checkable. */
static size_t spool_content(uint32_t k, unsigned char *buf)
{
    size_t len = k == 7 ? (size_t)3 << 20 : 1000 + (size_t)(k * 2654435761u % 30000);
    uint32_t r = k * 7919u + 1;
    for (size_t i = 0; i < len; i++) {
        r = r * 1103515245u + 12345u;
        buf[i] = (unsigned char)(r >> 16);
    }
    return len;
}

/* The spool holds its last megabyte in memory, the rest in the file: tiles
 * on either side of a flush, one larger than the buffer, and repeats (equal bytes
 * found whether in memory or in the file) all read back as put. */
Test(sinks, spool_reads_back_across_its_buffer)
{
    enum { N = 400, DISTINCT = 300 };
    char *path = pm_asprintf("%s/spool.mbtiles", dir);
    pm_tilebuf *b = NULL;
    char *err = NULL;
    cr_assert_eq(pm_tilebuf_new(path, &b, &err), PM_OK, "%s", err ? err : "");
    unsigned char *buf = malloc((size_t)4 << 20), *back = malloc((size_t)4 << 20);
    for (uint32_t i = 0; i < N; i++) { /* contents 0..299, then 100 repeats of early ones */
        uint32_t k = i < DISTINCT ? i : (i - DISTINCT) * 3 % DISTINCT;
        size_t len = spool_content(k, buf);
        cr_assert_eq(pm_tilebuf_put(b, 9, i, 0, buf, len), PM_OK);
    }
    cr_assert_eq(pm_tilebuf_nblobs(b), DISTINCT);
    const pm_tileref *refs;
    size_t n;
    cr_assert_eq(pm_tilebuf_sort(b, NULL, &refs, &n, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(n, N);
    for (size_t j = 0; j < n; j++) {
        uint32_t i = refs[j].x, k = i < DISTINCT ? i : (i - DISTINCT) * 3 % DISTINCT;
        size_t len = spool_content(k, buf);
        cr_assert_eq(pm_tilebuf_blob_len(b, refs[j].blob), len, "tile %u", i);
        cr_assert_eq(pm_tilebuf_read(b, refs[j].blob, back, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(memcmp(back, buf, len), 0, "tile %u (content %u) read back wrong", i, k);
    }
    pm_tilebuf_free(b);
    assert_no_temporaries(dir);
    free(buf);
    free(back);
    free(path);
}

/* The sink table: every package format is found by its name's ending and by its
 * first bytes, and the one that cannot be empty says so (tiles_out.c and merge go
 * by these rows, not by positions). */
Test(sinks, format_table_finds_packages_by_name_and_bytes)
{
    size_t packages = 0;
    for (size_t i = 0; i < pm_sink_nformats; i++) {
        const pm_sinkformat *f = &pm_sink_formats[i];
        cr_assert(f->open, "%s opens", f->name);
        if (!f->ext) { cr_assert_null(f->read, "the tree is not read back"); continue; }
        packages++;
        char *p = pm_asprintf("%s/x%s", dir, f->ext);
        cr_assert_eq(pm_sink_format_by_name(p), f, "%s by name", f->name);
        pm_sink *s = NULL;
        char *err = NULL;
        cr_assert_eq(f->open(p, "", &s, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(pm_sink_put(s, 1, 0, 1, contents[0], content_len[0]), PM_OK);
        cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_OK, "%s", err ? err : "");
        pm_sink_free(s);
        size_t len;
        char *bytes = read_all(p, &len);
        cr_assert_eq(pm_sink_format_sniff((unsigned char *)bytes, len), f, "%s by its bytes", f->name);
        free(bytes);
        if (!f->may_be_empty) { /* finish without tiles fails */
            cr_assert_eq(f->open(p, "", &s, &err), PM_OK);
            cr_assert_eq(pm_sink_finish(s, &META, NULL, &err), PM_EDATA, "%s cannot be empty", f->name);
            free(err);
            pm_sink_free(s);
        }
        free(p);
    }
    cr_assert_eq(packages, 2);
    cr_assert_null(pm_sink_format_by_name("service.png"));
    cr_assert_null(pm_sink_format_by_name(".mbtiles"), "a bare ending is no name");
    cr_assert_null(pm_sink_format_sniff((const unsigned char *)"PMTile", 6));
}

/* Symlinks planted at every name the old code gave this process's temporaries
 * ("NAME.tmp-PID-N", SQLite's "-journal" beside) and at the final names: neither the
 * packages nor the tree write through them, and every output is a regular file.
 * The final tile's link points at a file with the tile's own bytes, which must still
 * be replaced (an "unchanged" link would keep the output a link). */
Test(sinks, no_sink_writes_through_a_planted_symlink)
{
    char *victim = pm_asprintf("%s/victim.png", dir), *tree = pm_asprintf("%s/tree", dir);
    cr_assert_eq(pm_write_atomic(victim, contents[0], content_len[0], NULL), PM_OK);
    long pid = (long)getpid();
    for (int n = 0; n < 32; n++) {
        char *cmd = pm_asprintf("cd '%s' && mkdir -p tree/3/4 && "
                                "ln -s '%s' p.mbtiles.tmp-%ld-%d && ln -s '%s' p.mbtiles.tmp-%ld-%d-journal && "
                                "ln -s '%s' p.pmtiles.tmp-%ld-%d && ln -s '%s' tree/3/4/3.png.tmp-%ld-%d",
                                dir, victim, pid, n, victim, pid, n, victim, pid, n, victim, pid, n);
        cr_assert_eq(t_run(cmd, NULL), 0);
        free(cmd);
    }
    char *cmd = pm_asprintf("cd '%s' && ln -s '%s' p.mbtiles && ln -s '%s' p.pmtiles && ln -s '%s' tree/3/4/2.png",
                            dir, victim, victim, victim);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    char *mb = pm_asprintf("%s/p.mbtiles", dir), *pmt = pm_asprintf("%s/p.pmtiles", dir);
    write_package(pm_sink_mbtiles_new, mb, 0);
    write_package(pm_sink_pmtiles_new, pmt, 0);
    write_dir(tree, TILES, NTILES, "");
    char *tile = pm_asprintf("%s/3/4/2.png", tree); /* TILES[0]: content 0, the victim's bytes */
    const char *outs[] = { mb, pmt, tile };
    for (int i = 0; i < 3; i++) {
        struct stat sb;
        cr_assert_eq(lstat(outs[i], &sb), 0);
        cr_assert(S_ISREG(sb.st_mode), "%s is a regular file, not a link", outs[i]);
    }
    size_t len;
    char *v = read_all(victim, &len);
    cr_assert(len == content_len[0] && memcmp(v, contents[0], len) == 0, "the links' target is untouched");
    free(v); free(tile); free(mb); free(pmt); free(victim); free(tree);
}

/* The listing of a tree: every entry with its size, sorted. */
static char *tree_state(const char *d)
{
    char *cmd = pm_asprintf("cd '%s' && find . -printf '%%p %%y %%s\\n' | sort", d), *out = NULL;
    t_run(cmd, &out);
    free(cmd);
    return out;
}

/* Nothing of a tree is visible before commit, and a sink freed after prepare (another
 * sink of the set failed) leaves the tree as it was.  A commit that cannot rename a
 * new tile into place (here a folder stands at its name) takes back the new tiles it
 * renamed, before any old one is replaced, and fails with the path and the reason. */
Test(sinks, dir_commit_is_all_or_nothing)
{
    char *tiles = pm_asprintf("%s/tiles", dir);
    tile old[3] = { TILES[0], TILES[1], TILES[2] };
    write_dir(tiles, old, 3, "");
    char *before = tree_state(tiles);
    tile next[NTILES];
    memcpy(next, TILES, sizeof next);
    next[0].content = 3; /* changed; TILES[3..5] are new */
    for (int attempt = 0; attempt < 2; attempt++) {
        pm_sink *s = NULL;
        char *err = NULL;
        cr_assert_eq(pm_sink_dir_new(tiles, "", &s, &err), PM_OK, "%s", err ? err : "");
        put_all(s, next, NTILES, 0);
        cr_assert_eq(pm_sink_prepare(s, &META, NULL, &err), PM_OK, "%s", err ? err : "");
        char *staged = tree_state(tiles);
        cr_assert(strstr(staged, ".tmp-pm-"), "staged in a private folder");
        if (attempt == 1) { /* a folder where a new tile goes: 3/4/3, the second by id */
            char *cmd = pm_asprintf("mkdir -p '%s/3/4/3.png/x'", tiles);
            cr_assert_eq(t_run(cmd, NULL), 0);
            free(cmd);
            cr_assert_eq(pm_sink_commit(s, &err), PM_EIO);
            cr_assert(err && strstr(err, "/3/4/3.png: cannot rename into place: "), "%s", err ? err : "");
            free(err);
        }
        pm_sink_free(s); /* attempt 0: freed after prepare, never committed */
        char *after = tree_state(tiles);
        if (attempt == 1) { /* all as before but the planted folder */
            char *cmd = pm_asprintf("rm -r '%s/3/4/3.png'", tiles);
            cr_assert_eq(t_run(cmd, NULL), 0);
            free(cmd);
            free(after);
            after = tree_state(tiles);
        }
        cr_assert_str_eq(after, before, "attempt %d: the tree is as it was", attempt);
        free(after);
        free(staged);
    }
    pm_sinkstats st = write_dir(tiles, next, NTILES, "");
    cr_assert_eq(st.written, 4, "then the new set: one changed, three new");
    assert_no_temporaries(tiles);
    free(before);
    free(tiles);
}

/* The MBTiles text and the PMTiles header say the same number for every value, the
 * halves included: a PMTiles merged from MBTiles shards (which keep bounds and centre
 * as text) must equal the single run's, whose header was written from the double.
 * 121.43750005 is one the old "%.7f" rounded up and lround(v * 1e7) down. */
Test(sinks, metadata_text_and_pmtiles_header_round_alike)
{
    unsigned s = 12345;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        s = s * 1103515245u + 12345u;
        double v = (double)(s >> 8) / (double)(1u << 24) * 360.0 - 180.0;
        if (i % 2) v = floor(v * 1e7) / 1e7 + 0.5e-7; /* at a half */
        char buf[40];
        double back = strtod(pm_tilemeta_num(v, buf), NULL);
        if (pm_pmt_e7(back) != pm_pmt_e7(v)) {
            if (!bad++) cr_log_error("%.17g: text %s, header %d, text's %d", v, buf, pm_pmt_e7(v), pm_pmt_e7(back));
        }
    }
    cr_expect_eq(bad, 0, "%d values whose text and header disagree", bad);
    char buf[40];
    cr_expect_str_eq(pm_tilemeta_num(-0.00000001, buf), "0");
    cr_expect_str_eq(pm_tilemeta_num(121.4213, buf), "121.4213");
    cr_expect_str_eq(pm_tilemeta_num(-31.5, buf), "-31.5");
    cr_expect_str_eq(pm_tilemeta_num(NAN, buf), "0");
}
