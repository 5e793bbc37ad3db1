/* The MBTiles 1.3 sink: tiles collected, then one SQLite file written in a fixed order. */
#include "tiles/sink.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "tiles/package.h"
#include "tiles/tilemeta.h"

/* Tables as the spec names them; the index comes after the rows (faster, same file). */
static const char schema_sql[] =
    "PRAGMA page_size=4096; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
    "CREATE TABLE metadata (name text, value text);"
    "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,"
    " tile_data blob);"
    "BEGIN;";
static const char index_sql[] =
    "CREATE UNIQUE INDEX tile_index on tiles (zoom_level, tile_column, tile_row);";

/* SQLite's message for db, attributed to the package path. */
static pm_status db_fail(sqlite3 *db, const char *path, const char *what, char **err)
{
    if (err) *err = pm_asprintf("%s: cannot %s: %s", path, what,
                                db ? sqlite3_errmsg(db) : "out of memory");
    return PM_EIO;
}

static pm_status put_tiles(sqlite3 *db, pm_tilebuf *b, const pm_tileref *refs, size_t n,
                           const char *path, char **err)
{
    sqlite3_stmt *ins = NULL;
    unsigned char *data = NULL;
    size_t cap = 0;
    pm_status st = PM_OK;
    if (sqlite3_prepare_v2(db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL))
        return db_fail(db, path, "prepare the tiles table", err);
    for (size_t i = 0; !st && i < n; i++) {
        const pm_tileref *r = &refs[i];
        size_t len = pm_tilebuf_blob_len(b, r->blob);
        if (len > cap) {
            free(data);
            data = malloc(cap = len);
            if (!data) { st = PM_ENOMEM; break; }
        }
        st = pm_tilebuf_read(b, r->blob, data, err);
        if (st) break;
        uint32_t tms_row = (uint32_t)((((uint64_t)1 << r->z) - 1) - r->y);
        sqlite3_bind_int(ins, 1, r->z);
        sqlite3_bind_int64(ins, 2, r->x);
        sqlite3_bind_int64(ins, 3, tms_row);
        sqlite3_bind_blob(ins, 4, data, (int)len, SQLITE_STATIC);
        if (len > INT32_MAX || sqlite3_step(ins) != SQLITE_DONE)
            st = db_fail(db, path, "insert a tile", err);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    free(data);
    return st;
}

/* The metadata rows in a fixed order; NULL values are left out. */
static pm_status put_meta(sqlite3 *db, const pm_tilemeta *m, int minz, int maxz,
                          const char *json, const char *path, char **err)
{
    pm_metatext t;
    pm_status st = pm_metatext_init(&t, m, minz, maxz);
    if (st) return st;
    const char *rows[][2] = {
        {"name", t.name}, {"format", t.format}, {"bounds", t.bounds}, {"center", t.center},
        {"minzoom", t.minzoom}, {"maxzoom", t.maxzoom}, {"attribution", t.attribution},
        {"description", t.description}, {"type", t.type}, {"version", "1.3"}, {"json", json},
    };
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO metadata VALUES (?1, ?2)", -1, &ins, NULL))
        st = db_fail(db, path, "prepare the metadata table", err);
    for (size_t i = 0; !st && i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i][1]) continue;
        sqlite3_bind_text(ins, 1, rows[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, rows[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) st = db_fail(db, path, "write metadata", err);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    pm_metatext_fini(&t);
    return st;
}

/* Writes the whole database to file (a new, empty name). */
static pm_status write_db(pm_tilebuf *buf, const char *path, const char *file,
                          const pm_tilemeta *m,
                          const pm_tileref *refs, size_t n, char **err)
{
    int minz, maxz;
    pm_package_zooms(m, refs, n, &minz, &maxz);
    char *json = NULL;
    pm_status st = pm_tilemeta_json(m, minz, maxz, 0, &json, err);
    if (st) return st;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ||
        sqlite3_exec(db, schema_sql, NULL, NULL, NULL))
        st = db_fail(db, path, "create the database", err);
    if (!st) st = put_tiles(db, buf, refs, n, path, err);
    if (!st && sqlite3_exec(db, index_sql, NULL, NULL, NULL))
        st = db_fail(db, path, "index the tiles", err);
    if (!st) st = put_meta(db, m, minz, maxz, json, path, err);
    if (!st && sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL))
        st = db_fail(db, path, "commit", err);
    if (sqlite3_close(db) != SQLITE_OK && !st) st = db_fail(db, path, "close", err);
    free(json);
    return st;
}

static const pm_package_format mbtiles_format = { write_db, NULL, NULL };

pm_status pm_sink_mbtiles_new(const char *path, pm_sink **out, char **err)
{
    return pm_sink_package_new(path, &mbtiles_format, out, err);
}

/* Reading back. */

/* Copies a metadata row's value into the field it belongs to. */
static int take_meta(pm_sinkinfo *info, const char *key, const char *value, char **json,
                     int *have)
{
    pm_tilemeta *m = &info->meta;
    char **dst = !strcmp(key, "name") ? &info->name
                 : !strcmp(key, "description") ? &info->description
                 : !strcmp(key, "attribution") ? &info->attribution
                 : !strcmp(key, "json") ? json : NULL;
    if (dst) {
        free(*dst);
        *dst = pm_strdup(value);
        return *dst ? 0 : -1;
    }
    double z;
    if (!strcmp(key, "bounds")) return pm_tilemeta_parse_nums(value, m->bounds, 4) ? -1 : (*have |= 1, 0);
    if (!strcmp(key, "center")) return pm_tilemeta_parse_nums(value, m->center, 3) ? -1 : (*have |= 2, 0);
    if (strcmp(key, "minzoom") && strcmp(key, "maxzoom")) return 0;
    if (pm_tilemeta_parse_nums(value, &z, 1) || z < 0 || z > PM_TILE_MAXZOOM || z != (int)z) return -1;
    if (key[1] == 'i') m->minzoom = (int)z, *have |= 4;
    else m->maxzoom = (int)z, *have |= 8;
    return 0;
}

static pm_status read_meta(sqlite3 *db, const char *path, pm_sinkinfo *info, char **err)
{
    sqlite3_stmt *q = NULL;
    char *json = NULL, *bad = NULL;
    int have = 0, rc;
    /* a file that is no database, or one without the table, is not a package */
    if (sqlite3_prepare_v2(db, "SELECT name, value FROM metadata", -1, &q, NULL)) {
        db_fail(db, path, "read the metadata table", err);
        return PM_EDATA;
    }
    while (!bad && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 0), *v = (const char *)sqlite3_column_text(q, 1);
        if (k && v && take_meta(info, k, v, &json, &have)) bad = pm_strdup(k);
    }
    pm_status st = PM_OK;
    if (!bad && rc != SQLITE_DONE) st = db_fail(db, path, "read the metadata table", err);
    else if (bad || (have & 15) != 15) {
        if (err) *err = pm_asprintf("%s: metadata %s %s", path, bad ? bad : "bounds, center, minzoom or maxzoom",
                                    bad ? "is not valid" : "missing");
        st = PM_EDATA;
    }
    sqlite3_finalize(q);
    if (!st && json) st = pm_tilemeta_parse(json, strlen(json), 0, path, info, err);
    pm_sinkinfo_link(info);
    free(json);
    free(bad);
    return st;
}

static pm_status read_tiles(sqlite3 *db, const char *path, pm_tile_fn fn, void *ctx, char **err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles",
                           -1, &q, NULL)) {
        db_fail(db, path, "read the tiles table", err);
        return PM_EDATA;
    }
    pm_status st = PM_OK;
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 z = sqlite3_column_int64(q, 0), x = sqlite3_column_int64(q, 1);
        sqlite3_int64 row = sqlite3_column_int64(q, 2);
        const unsigned char *data = sqlite3_column_blob(q, 3);
        int len = sqlite3_column_bytes(q, 3);
        if (z < 0 || z > PM_TILE_MAXZOOM || x < 0 || x >> z || row < 0 || row >> z || !data || len <= 0) {
            if (err) *err = pm_asprintf("%s: tile %lld/%lld/%lld (TMS): outside the grid or empty",
                                        path, (long long)z, (long long)x, (long long)row);
            st = PM_EDATA;
            break;
        }
        uint32_t y = (uint32_t)((((sqlite3_int64)1 << z) - 1) - row);
        st = fn(ctx, (int)z, (uint32_t)x, y, data, (size_t)len);
    }
    if (!st && rc != SQLITE_DONE) st = db_fail(db, path, "read the tiles table", err);
    sqlite3_finalize(q);
    return st;
}

pm_status pm_sink_mbtiles_read(const char *path, pm_sinkinfo *info, pm_tile_fn fn, void *ctx,
                               char **err)
{
    memset(info, 0, sizeof *info);
    sqlite3 *db = NULL;
    pm_status st = PM_OK;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        st = db_fail(db, path, "open", err);
    if (!st) st = read_meta(db, path, info, err);
    if (!st) st = read_tiles(db, path, fn, ctx, err);
    sqlite3_close(db);
    return st;
}
