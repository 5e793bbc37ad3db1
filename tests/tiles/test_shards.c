/* Shards and merging: packages read back, merge refusals, and three shards of a run
 * merged into exactly the bytes of the single run's MBTiles and PMTiles. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "tiles/merge.h"
#include "tiles/sink.h"
#include "tiles/tilebuf.h"

static const pm_tilemeta META = {
    .name = "长寿路街道 服务群众能效指数 2016", .description = "shard test",
    .attribution = "partymap test",
    .legend_json = "{\"map\":\"service\",\"classes\":[{\"label\":\"优秀\",\"color\":\"#253494\",\"count\":3}]}",
    .bounds = {121.4213457, 31.2303336, 121.4497801, 31.2498765}, .center = {121.4355629, 31.2401051, 15},
    .minzoom = 9, .maxzoom = 9, .tile_px = 256,
};

/* Distinct small contents: tile i's bytes. */
static size_t content(size_t i, unsigned char buf[32])
{
    size_t len = 8 + i % 17;
    for (size_t k = 0; k < len; k++) buf[k] = k < 4 ? (unsigned char)(i >> (8 * k)) : (unsigned char)(i * 31 + k * 7);
    return len;
}

/* Writes tiles 9/x/y for every i in [first, last) with i % step == rem (content i,
 * equal contents for i % 5 == 0, so runs and deduplication are exercised). */
static void write_pkg(const char *path, int pmtiles, size_t first, size_t last, size_t step,
                      size_t rem, const pm_tilemeta *m)
{
    pm_sink *s = NULL;
    char *err = NULL;
    cr_assert_eq((pmtiles ? pm_sink_pmtiles_new : pm_sink_mbtiles_new)(path, &s, &err), PM_OK);
    unsigned char buf[32];
    for (size_t i = first; i < last; i++) {
        if (i % step != rem) continue;
        size_t len = content(i % 5 ? i : 0, buf);
        cr_assert_eq(pm_sink_put(s, 9, (uint32_t)(i >> 9), (uint32_t)(i & 511), buf, len), PM_OK);
    }
    cr_assert_eq(pm_sink_finish(s, m, NULL, &err), PM_OK, "%s", err ? err : "");
    pm_sink_free(s);
}

typedef struct { size_t n, bad; } counter;

static pm_status check_tile(void *ctx, int z, uint32_t x, uint32_t y, const unsigned char *d, size_t len)
{
    counter *c = ctx;
    unsigned char buf[32];
    size_t i = ((size_t)x << 9) | y, want = content(i % 5 ? i : 0, buf);
    c->n++;
    c->bad += z != 9 || len != want || memcmp(d, buf, len) != 0;
    return PM_OK;
}

static char *slurp(const char *path, size_t *len)
{
    char *data = NULL, *err = NULL;
    cr_assert_eq(pm_read_file(path, 1u << 30, &data, len, &err), PM_OK, "%s", err ? err : "");
    return data;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *pa = slurp(a, &la), *pb = slurp(b, &lb);
    cr_assert_eq(la, lb, "%s: %zu bytes, %s: %zu bytes", a, la, b, lb);
    cr_assert_eq(memcmp(pa, pb, la), 0, "%s and %s differ", a, b);
    free(pa);
    free(pb);
}

Test(shards, tile_ids_map_back_to_tiles)
{
    /* the hand-checked ids of sinks/tile_ids_follow_the_pmtiles_hilbert_curve */
    static const struct { int z; uint32_t x, y; uint64_t id; } want[] = {
        {0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 1, 3, 11},
        {3, 3, 0, 26}, {2, 2, 1, 18}, {3, 5, 3, 73}, {3, 4, 3, 74}, {20, 0, 0, 366503875925u},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int z = -1;
        uint32_t x = 99, y = 99;
        cr_assert_eq(pm_tile_from_id(want[i].id, &z, &x, &y), 0);
        cr_assert(z == want[i].z && x == want[i].x && y == want[i].y, "id %lu: %d/%u/%u",
                  (unsigned long)want[i].id, z, x, y);
    }
    for (int z = 0; z <= 7; z++)
        for (uint32_t x = 0; x < (1u << z); x++)
            for (uint32_t y = 0; y < (1u << z); y++) {
                int zz;
                uint32_t xx, yy;
                cr_assert_eq(pm_tile_from_id(pm_tile_id(z, x, y), &zz, &xx, &yy), 0);
                cr_assert(zz == z && xx == x && yy == y, "%d/%u/%u", z, x, y);
            }
    uint64_t beyond = ((((uint64_t)1 << 62) - 1) / 3); /* the first id of zoom 31 */
    int z;
    uint32_t x, y;
    cr_assert_eq(pm_tile_from_id(beyond - 1, &z, &x, &y), 0);
    cr_assert_eq(z, 30);
    cr_assert_eq(pm_tile_from_id(beyond, &z, &x, &y), -1);
}

/* 40,000 tiles: the PMTiles archive needs leaf directories, as a city's does. */
Test(shards, packages_read_back_whole_and_merge_of_one_is_identity, .timeout = PM_T(120))
{
    char *dir = t_tmpdir();
    for (int pm = 0; pm <= 1; pm++) {
        char *path = pm_asprintf("%s/all.%s", dir, pm ? "pmtiles" : "mbtiles");
        char *copy = pm_asprintf("%s/copy.%s", dir, pm ? "pmtiles" : "mbtiles");
        write_pkg(path, pm, 0, 40000, 1, 0, &META);
        pm_sinkinfo info;
        counter c = {0, 0};
        char *err = NULL;
        pm_status st = (pm ? pm_sink_pmtiles_read : pm_sink_mbtiles_read)(path, NULL, &info, check_tile, &c, &err);
        cr_assert_eq(st, PM_OK, "%s", err ? err : "");
        cr_assert_eq(c.n, 40000);
        cr_assert_eq(c.bad, 0);
        cr_assert_str_eq(info.meta.name, META.name);
        cr_assert_str_eq(info.meta.legend_json, META.legend_json);
        cr_assert_eq(info.meta.bounds[2], 121.4497801);
        cr_assert_eq(info.meta.center[2], 15);
        cr_assert_eq(info.meta.minzoom, 9);
        pm_sink_info_fini(&info);
        const char *in[1] = { path };
        pm_mergestats ms;
        cr_assert_eq(pm_merge_packages(copy, in, 1, 0, &ms, &err), PM_OK, "%s", err ? err : "");
        cr_assert_eq(ms.tiles, 40000);
        cr_assert_eq(ms.unique, 40000 - 40000 / 5 + 1);
        assert_same_file(path, copy);
        free(path);
        free(copy);
    }
    t_rm_tree(dir);
    free(dir);
}

Test(shards, merge_refuses_inputs_of_other_runs, .timeout = PM_T(60))
{
    char *dir = t_tmpdir();
    char *a = pm_asprintf("%s/a.mbtiles", dir), *b = pm_asprintf("%s/b.mbtiles", dir);
    char *c = pm_asprintf("%s/c.pmtiles", dir), *out = pm_asprintf("%s/out.pmtiles", dir);
    char *junk = pm_asprintf("%s/junk.mbtiles", dir), *cut = pm_asprintf("%s/cut.pmtiles", dir);
    pm_tilemeta other = META;
    other.name = "长寿路街道 群众满意度指数 2016";
    write_pkg(a, 0, 0, 100, 2, 0, &META);
    write_pkg(b, 0, 0, 100, 2, 1, &other);
    write_pkg(c, 1, 0, 100, 2, 1, &META);
    cr_assert_eq(t_append(junk, "not a package at all, just text\n"), 0);
    size_t len;
    char *bytes = slurp(c, &len);
    cr_assert_eq(pm_write_atomic(cut, bytes, len - 40, NULL), PM_OK);
    free(bytes);
    struct { const char *in[2]; pm_status st; const char *msg; } cases[] = {
        { { a, b }, PM_EDATA, "its name differs" },
        { { a, a }, PM_EDATA, "is in two of the inputs" },
        { { a, junk }, PM_EDATA, "neither an MBTiles nor a PMTiles" },
        { { cut, a }, PM_EDATA, "not a valid PMTiles v3 archive" },
        { { a, out }, PM_EUSAGE, "also an input" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = NULL;
        cr_assert_eq(pm_merge_packages(out, cases[i].in, 2, 0, NULL, &err), cases[i].st, "case %zu", i);
        cr_assert(err && strstr(err, cases[i].msg), "case %zu: %s", i, err ? err : "(none)");
        free(err);
        cr_assert(!pm_path_exists(out), "case %zu left an output", i);
    }
    /* a and c (other format, the other half) are shards of one run */
    const char *ok[2] = { c, a };
    char *err = NULL;
    cr_assert_eq(pm_merge_packages(out, ok, 2, 0, NULL, &err), PM_OK, "%s", err ? err : "");
    pm_sinkinfo info;
    counter cnt = {0, 0};
    cr_assert_eq(pm_sink_pmtiles_read(out, NULL, &info, check_tile, &cnt, NULL), PM_OK);
    cr_assert_eq(cnt.n, 100);
    cr_assert_eq(cnt.bad, 0);
    pm_sink_info_fini(&info);
    free(a); free(b); free(c); free(out); free(junk); free(cut);
    t_rm_tree(dir);
    free(dir);
}

static void run_ok(const char *cmd)
{
    char *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s\n%s", cmd, out);
    free(out);
}

/* The command rendering the service map of 2016 with cfg's tiles into dir/sub, with
 * the options opts (caller frees). */
static char *render_cmd(const char *cfg, const char *dir, const char *sub, const char *opts)
{
    return pm_asprintf("'%s' render -c '%s' --only tiles --maps service --year 2016 --out '%s/%s' %s 2>&1",
                       t_bin(), cfg, dir, sub, opts);
}

/* A new folder (*dir) holding the sample with the "tiles" settings tiles (JSON
 * members) and its single run's tiles in single/; returns the config's path.  Skips
 * the test when the binary is not built. */
static char *sample_and_single_run(const char *tiles, char **dir)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(*dir), 0);
    char *cfg = pm_asprintf("%s/partymap.json", *dir);
    char *sed = pm_asprintf("sed -i 's/^  \"maps\":/  \"tiles\": { %s },\\n  \"maps\":/' '%s'", tiles, cfg);
    cr_assert_eq(system(sed), 0);
    free(sed);
    char *cmd = render_cmd(cfg, *dir, "single", "--quiet --jobs 2");
    run_ok(cmd);
    free(cmd);
    return cfg;
}

Test(shards, three_shards_merge_into_the_single_runs_packages, .timeout = PM_T(900))
{
    /* z12-16, 256 px only: the same metatile grid as the defaults, smaller */
    char *dir = NULL, *cmd = NULL;
    char *cfg = sample_and_single_run("\"maxzoom\": 16, \"hidpi\": false", &dir);
    for (int k = 1; k <= 3; k++) {
        char shard[48];
        snprintf(shard, sizeof shard, "--quiet --jobs 2 --shard %d/3", k);
        cmd = render_cmd(cfg, dir, "shards", shard);
        run_ok(cmd);
        free(cmd);
    }
    char *single = pm_asprintf("%s/single/2016/tiles/service", dir);
    char *shards = pm_asprintf("%s/shards/2016/tiles/service", dir);
    char *tree = pm_asprintf("%s/shards/2016/tiles/service/12", dir);
    cr_assert(!pm_path_exists(tree), "shards write packages only");
    free(tree);
    size_t total = 0;
    for (int pm = 0; pm <= 1; pm++) {
        const char *ext = pm ? "pmtiles" : "mbtiles";
        for (int k = 1; k <= 3; k++) { /* every shard holds a share of the tiles */
            char *p = pm_asprintf("%s.shard-%d-of-3.%s", shards, k, ext);
            pm_sinkinfo info;
            counter c = {0, 0};
            cr_assert_eq((pm ? pm_sink_pmtiles_read : pm_sink_mbtiles_read)(p, NULL, &info, check_tile, &c, NULL), PM_OK);
            cr_assert_gt(c.n, 0, "shard %d holds tiles", k);
            total += c.n;
            pm_sink_info_fini(&info);
            free(p);
        }
        /* shards given out of order: the output does not depend on it */
        char *merged = pm_asprintf("%s/merged/service.%s", dir, ext);
        cmd = pm_asprintf("'%s' merge -o '%s' '%s.shard-3-of-3.%s' '%s.shard-1-of-3.%s' '%s.shard-2-of-3.%s' 2>&1",
                          t_bin(), merged, shards, ext, shards, ext, shards, ext);
        run_ok(cmd);
        free(cmd);
        char *want = pm_asprintf("%s.%s", single, ext);
        assert_same_file(want, merged);
        /* an incomplete set is refused */
        cmd = pm_asprintf("'%s' merge -o '%s/merged/part.%s' '%s.shard-1-of-3.%s' '%s.shard-3-of-3.%s' 2>&1",
                          t_bin(), dir, ext, shards, ext, shards, ext);
        char *out = NULL;
        cr_assert_eq(t_run(cmd, &out), 2, "%s", out);
        cr_assert(strstr(out, "shard 2 of 3 is missing"), "%s", out);
        free(out);
        free(cmd);
        free(want);
        free(merged);
    }
    /* the single run's tiles, counted the same way, twice (both formats) */
    size_t whole = 0;
    for (int pm = 0; pm <= 1; pm++) {
        char *p = pm_asprintf("%s.%s", single, pm ? "pmtiles" : "mbtiles");
        pm_sinkinfo info;
        counter c = {0, 0};
        cr_assert_eq((pm ? pm_sink_pmtiles_read : pm_sink_mbtiles_read)(p, NULL, &info, check_tile, &c, NULL), PM_OK);
        whole += c.n;
        pm_sink_info_fini(&info);
        free(p);
    }
    cr_assert_gt(whole, 2 * 40, "z12-16 of the sample: about 50 tiles");
    cr_assert_eq(total, whole, "the shards hold the run's tiles once each");
    free(single); free(shards); free(cfg);
    t_rm_tree(dir);
    free(dir);
}

/* More shards than the run has metatiles with tiles (z12-14 of the sample: a handful):
 * the empty ones succeed with an MBTiles of no tiles and no PMTiles (which cannot be
 * empty), say so, and the .mbtiles shards still merge into the single run's packages. */
Test(shards, empty_shards_write_mbtiles_only_and_still_merge, .timeout = PM_T(900))
{
    char *dir = NULL, *cmd = NULL;
    char *cfg = sample_and_single_run("\"minzoom\": 12, \"maxzoom\": 14, \"hidpi\": false", &dir);
    enum { N = 12 };
    int empty = 0;
    char *shards = pm_asprintf("%s/shards/2016/tiles/service", dir);
    for (int k = 1; k <= N; k++) {
        char shard[48];
        snprintf(shard, sizeof shard, "--jobs 1 --shard %d/%d", k, N); /* not quiet: the note */
        cmd = render_cmd(cfg, dir, "shards", shard);
        char *out = NULL;
        cr_assert_eq(t_run(cmd, &out), 0, "%s\n%s", cmd, out);
        char *mb = pm_asprintf("%s.shard-%d-of-%d.mbtiles", shards, k, N);
        char *pmt = pm_asprintf("%s.shard-%d-of-%d.pmtiles", shards, k, N);
        pm_sinkinfo info;
        counter c = {0, 0};
        cr_assert_eq(pm_sink_mbtiles_read(mb, NULL, &info, check_tile, &c, NULL), PM_OK, "%s", mb);
        pm_sink_info_fini(&info);
        if (c.n == 0) {
            empty++;
            cr_expect(!pm_path_exists(pmt), "shard %d has no tiles, yet a PMTiles", k);
            cr_expect(strstr(out, "has no tiles"), "shard %d: %s", k, out);
        } else {
            cr_expect(pm_path_exists(pmt), "shard %d has tiles but no PMTiles", k);
        }
        free(out); free(mb); free(pmt); free(cmd);
    }
    cr_assert_gt(empty, 0, "no empty shard among %d: the test needs more", N);
    for (int pm = 0; pm <= 1; pm++) { /* from the MBTiles shards, into either format */
        const char *ext = pm ? "pmtiles" : "mbtiles";
        char *merged = pm_asprintf("%s/merged/service.%s", dir, ext);
        cmd = pm_asprintf("cd '%s/shards/2016/tiles' && '%s' merge -o '%s' service.shard-*-of-%d.mbtiles 2>&1",
                          dir, t_bin(), merged, N);
        run_ok(cmd);
        char *want = pm_asprintf("%s/single/2016/tiles/service.%s", dir, ext);
        assert_same_file(want, merged);
        free(cmd); free(want); free(merged);
    }
    free(shards); free(cfg);
    t_rm_tree(dir);
    free(dir);
}

/* A shard's run identity with one member changed. */
static char *run_id(int px, int maxzoom, const char *inputs)
{
    return pm_asprintf("{\"map\":\"service\",\"year\":2016,\"tile_px\":%d,\"minzoom\":9,\"maxzoom\":%d,"
                       "\"metatile\":4,\"quantize\":false,\"inputs\":\"%s\"}", px, maxzoom, inputs);
}

/* Packages carrying run identities: merge names the odd one and what differs
 * (before reading a tile), and a matching set merges into the package a single run
 * writes (no identity in it). */
Test(shards, merge_names_the_shard_of_another_run, .timeout = PM_T(60))
{
    char *dir = t_tmpdir();
    char *ids[] = { run_id(256, 9, "00000000000000aa"), run_id(512, 9, "00000000000000aa"),
                    run_id(256, 9, "00000000000000bb"), run_id(256, 10, "00000000000000aa") };
    static const char *const names[] = { "a.mbtiles", "b.pmtiles", "px.mbtiles", "data.mbtiles",
                                         "zoom.mbtiles", "none.mbtiles" };
    char *p[6];
    for (int i = 0; i < 6; i++) {
        p[i] = pm_asprintf("%s/%s", dir, names[i]);
        pm_tilemeta m = META;
        m.run_id = i < 2 ? ids[0] : i < 5 ? ids[i - 1] : NULL;
        write_pkg(p[i], strstr(names[i], ".pmtiles") != NULL, 0, 100, 2, i == 1, &m);
    }
    char *out = pm_asprintf("%s/out.mbtiles", dir), *want = pm_asprintf("%s/want.mbtiles", dir);
    struct { int in[3]; const char *msg; } cases[] = {
        { { 0, 2, 1 }, "/px.mbtiles: 512 px tiles, the others 256 px" },
        { { 3, 0, 1 }, "/data.mbtiles: rendered from other data than " },
        { { 0, 4, 1 }, "/zoom.mbtiles: maxzoom 10, the others 9" },
        { { 0, 1, 5 }, "/none.mbtiles: has no run identity and the others have one" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *in[3] = { p[cases[k].in[0]], p[cases[k].in[1]], p[cases[k].in[2]] };
        char *err = NULL;
        cr_assert_eq(pm_merge_packages(out, in, 3, 0, NULL, &err), PM_EDATA, "case %zu", k);
        cr_assert(err && strstr(err, cases[k].msg), "case %zu: %s", k, err ? err : "");
        if (k == 1) cr_assert(strstr(err, "/a.mbtiles (input hash 00000000000000bb, not 00000000000000aa"), "%s", err);
        free(err);
        cr_assert(!pm_path_exists(out));
    }
    const char *ok[2] = { p[1], p[0] };
    char *err = NULL;
    cr_assert_eq(pm_merge_packages(out, ok, 2, 0, NULL, &err), PM_OK, "%s", err ? err : "");
    write_pkg(want, 0, 0, 100, 1, 0, &META);
    assert_same_file(want, out);
    pm_sinkinfo info;
    cr_assert_eq(pm_sink_mbtiles_read(p[0], NULL, &info, NULL, NULL, NULL), PM_OK);
    cr_assert_str_eq(info.run_id, ids[0], "the identity reads back as written");
    pm_sink_info_fini(&info);
    cr_assert_eq(pm_sink_pmtiles_read(p[1], NULL, &info, NULL, NULL, NULL), PM_OK);
    cr_assert_str_eq(info.run_id, ids[0]);
    pm_sink_info_fini(&info);
    for (int i = 0; i < 6; i++) free(p[i]);
    for (int i = 0; i < 4; i++) free(ids[i]);
    free(out); free(want);
    t_rm_tree(dir);
    free(dir);
}

/* Real shards of different runs: a @2x shard with a 256 px one, a shard of other data
 * (one 2016 needs figure changed: the service map's legend stays the same) and one
 * rendered to another maxzoom (z15 and z16: the same centre zoom).  Each mixed set is refused, naming the odd shard; the
 * old merge took all three. */
Test(shards, merge_refuses_real_shards_of_other_runs, .timeout = PM_T(900))
{
    char *dir = NULL, *cmd = NULL, *out = NULL;
    char *cfg = sample_and_single_run("\"maxzoom\": 16, \"hidpi\": true", &dir);
    for (int k = 1; k <= 2; k++) {
        char shard[48];
        snprintf(shard, sizeof shard, "--quiet --jobs 2 --shard %d/2", k);
        cmd = render_cmd(cfg, dir, "a", shard);
        run_ok(cmd);
        free(cmd);
    }
    /* the same project, other data; and the same data to z13 */
    char *other = pm_asprintf("%s/other.json", dir), *low = pm_asprintf("%s/low.json", dir);
    cmd = pm_asprintf("cd '%s' && cp -r geodata geodata2 && sed -i 's/^310107015001,2016,\\([^,]*,[^,]*,[^,]*\\),\\([0-9]*\\),/310107015001,2016,\\1,1\\2,/' "
                      "geodata2/changshou/evaluations.csv && ! cmp -s geodata/changshou/evaluations.csv "
                      "geodata2/changshou/evaluations.csv && sed 's#geodata/#geodata2/#g' partymap.json > other.json && "
                      "sed 's/\"maxzoom\": 16/\"maxzoom\": 15/' partymap.json > low.json", dir);
    run_ok(cmd);
    free(cmd);
    cmd = render_cmd(other, dir, "b", "--quiet --shard 2/2");
    run_ok(cmd);
    free(cmd);
    cmd = render_cmd(low, dir, "c", "--quiet --shard 2/2");
    run_ok(cmd);
    free(cmd);
    static const struct { const char *second, *msg; } cases[] = {
        { "a/2016/tiles/service@2x.shard-2-of-2.mbtiles", "service@2x.shard-2-of-2.mbtiles: 512 px tiles, the others 256 px" },
        { "b/2016/tiles/service.shard-2-of-2.mbtiles", "b/2016/tiles/service.shard-2-of-2.mbtiles: rendered from other data than" },
        { "c/2016/tiles/service.shard-2-of-2.mbtiles", "c/2016/tiles/service.shard-2-of-2.mbtiles: maxzoom 15, the others 16" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cmd = pm_asprintf("cd '%s' && '%s' merge -o merged.mbtiles a/2016/tiles/service.shard-1-of-2.mbtiles '%s' 2>&1",
                          dir, t_bin(), cases[i].second);
        cr_assert_eq(t_run(cmd, &out), 1, "case %zu: %s", i, out);
        cr_assert(strstr(out, cases[i].msg), "case %zu: %s", i, out);
        free(out); free(cmd);
    }
    /* the matching pair still merges into the single run's package */
    cmd = pm_asprintf("cd '%s' && '%s' merge -o merged.pmtiles a/2016/tiles/service.shard-2-of-2.mbtiles "
                      "a/2016/tiles/service.shard-1-of-2.pmtiles 2>&1", dir, t_bin());
    run_ok(cmd);
    free(cmd);
    char *merged = pm_asprintf("%s/merged.pmtiles", dir), *single = pm_asprintf("%s/single/2016/tiles/service.pmtiles", dir);
    assert_same_file(single, merged);
    free(merged); free(single); free(other); free(low); free(cfg);
    t_rm_tree(dir);
    free(dir);
}
