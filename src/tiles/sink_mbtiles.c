/* The MBTiles 1.3 sink: tiles collected, then one SQLite file written in a fixed order
 * (the reader is mbtiles_read.c). */
#include "tiles/sink.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
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

/* SQLite's message for db, attributed to the package path, with the system's reason
 * when there is one ("database or disk is full (No space left on device)"). */
static pm_status db_fail(sqlite3 *db, const char *path, const char *what, char **err)
{
    int e = db ? sqlite3_system_errno(db) : 0;
    if (!e && db && sqlite3_errcode(db) == SQLITE_FULL) e = ENOSPC; /* SQLite keeps no errno then */
    if (err) *err = pm_asprintf("%s: cannot %s: %s%s%s%s", path, what,
                                db ? sqlite3_errmsg(db) : "out of memory", e ? " (" : "",
                                e ? strerror(e) : "", e ? ")" : "");
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
        if (pm_cancelled()) {
            if (err) *err = pm_asprintf("%s: stopped by a signal", path);
            st = PM_ECANCEL;
            break;
        }
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
        {"partymap_run", t.run_id},
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
