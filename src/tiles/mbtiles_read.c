/* Reading MBTiles back (for merging): tables only, types checked, every value bounded. */
#include "tiles/sink.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cancel.h"
#include "tiles/tilemath.h"
#include "tiles/tilemeta.h"

typedef struct {
    const char *path;
    sqlite3 *db;
    uint64_t max_tiles;
    char **err;
} mbreader;

/* st, with "PATH: " and the message as the first failure's (later ones keep it). */
__attribute__((format(printf, 3, 4)))
static pm_status refuse(mbreader *r, pm_status st, const char *fmt, ...)
{
    if (r->err && !*r->err) {
        char *what = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&what, fmt, ap) < 0) what = NULL;
        va_end(ap);
        *r->err = pm_asprintf("%s: %s", r->path, what ? what : "not a valid MBTiles package");
        free(what);
    }
    return st;
}

/* A failed SQLite call: SIGINT/SIGTERM (the progress handler), a value over the
 * length limit, or a file that is no database. */
static pm_status db_fail(mbreader *r, const char *what)
{
    int rc = sqlite3_errcode(r->db);
    if (rc == SQLITE_INTERRUPT) return refuse(r, PM_ECANCEL, "reading stopped by a signal");
    if (rc == SQLITE_NOMEM) return PM_ENOMEM;
    pm_status st = rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN ? PM_EIO : PM_EDATA;
    return refuse(r, st, "cannot %s: %s", what, r->db ? sqlite3_errmsg(r->db) : "out of memory");
}

static int on_progress(void *ctx)
{
    (void)ctx;
    return pm_cancelled() != 0;
}

/* "file:" URI of path with immutable=1: SQLite takes no lock and consults no journal
 * or WAL file beside it (a planted one cannot change what is read). */
static char *file_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = malloc(3 * n + 32), *o = u;
    if (!u) return NULL;
    o += sprintf(o, path[0] == '/' ? "file://" : "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    strcpy(o, "?immutable=1");
    return u;
}

/* Opened read-only, with what a hostile schema could use switched off: views,
 * triggers, untrusted functions in the schema; values over the tile limit fail. */
static pm_status open_db(mbreader *r)
{
    char *uri = file_uri(r->path);
    if (!uri) return PM_ENOMEM;
    int rc = sqlite3_open_v2(uri, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK) return db_fail(r, "open");
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_limit(r->db, SQLITE_LIMIT_LENGTH, (int)PM_READ_MAX_TILE);
    sqlite3_progress_handler(r->db, 4096, on_progress, NULL);
    return PM_OK;
}

/* The type ("table", "view", ...) of the schema object name into kind (empty: no
 * such object), and whether it is a virtual table. */
static pm_status object_kind(mbreader *r, const char *name, char kind[16], int *virt)
{
    sqlite3_stmt *q = NULL;
    kind[0] = '\0';
    *virt = 0;
    if (sqlite3_prepare_v2(r->db, "SELECT type, sql FROM sqlite_master WHERE name = ?1 COLLATE NOCASE",
                           -1, &q, NULL))
        return db_fail(r, "read the schema");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0), *sql = (const char *)sqlite3_column_text(q, 1);
        snprintf(kind, 16, "%s", t ? t : "?");
        *virt = sql && strncasecmp(sql, "CREATE VIRTUAL", 14) == 0;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PM_OK : db_fail(r, "read the schema");
}

/* 1 if a declared column type has the affinity wanted: 'i' integer, 'b' blob, 't' text. */
static int affinity_is(const char *decl, char want)
{
    char up[64];
    size_t i = 0;
    for (; decl && decl[i] && i < sizeof up - 1; i++) up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
    up[i] = '\0';
    int integer = strstr(up, "INT") != NULL;
    int text = !integer && (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"));
    int blob = !integer && !text && (up[0] == '\0' || strstr(up, "BLOB"));
    return want == 'i' ? integer : want == 't' ? text : blob;
}

/* PM_OK if name is a plain table holding the columns cols (NULL-terminated), each of
 * the affinity in types ("iiib": integer, integer, integer, blob), none generated. */
static pm_status check_table(mbreader *r, const char *name, const char *const *cols, const char *types)
{
    char kind[16];
    int virt;
    pm_status st = object_kind(r, name, kind, &virt);
    if (st) return st;
    if (!kind[0]) return refuse(r, PM_EDATA, "no table %s", name);
    if (strcmp(kind, "table"))
        return refuse(r, PM_EDATA, "%s is a %s, not a table (partymap reads MBTiles tables only)", name, kind);
    if (virt) return refuse(r, PM_EDATA, "%s is a virtual table (partymap reads plain tables only)", name);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT name, type, hidden FROM pragma_table_xinfo(?1)", -1, &q, NULL))
        return db_fail(r, "read the schema");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    unsigned found = 0;
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(q, 0), *decl = (const char *)sqlite3_column_text(q, 1);
        for (int k = 0; !st && c && cols[k]; k++) {
            if (strcasecmp(c, cols[k])) continue;
            found |= 1u << k;
            const char *want = types[k] == 'i' ? "integer" : types[k] == 'b' ? "blob" : "text";
            if (sqlite3_column_int(q, 2) != 0)
                st = refuse(r, PM_EDATA, "column %s of %s is generated or hidden (partymap reads "
                            "stored values only)", c, name);
            else if (!affinity_is(decl, types[k]))
                st = refuse(r, PM_EDATA, "column %s of %s is declared \"%s\", not %s", c, name,
                            decl ? decl : "", want);
        }
    }
    if (!st && rc != SQLITE_DONE) st = db_fail(r, "read the schema");
    sqlite3_finalize(q);
    for (int k = 0; !st && cols[k]; k++)
        if (!(found & (1u << k))) st = refuse(r, PM_EDATA, "table %s has no column %s", name, cols[k]);
    return st;
}

/* Copies a metadata row's value into the field it belongs to; -1 if it is invalid. */
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
    if (!strcmp(key, "partymap_run")) { /* stored compact; anything else is not ours */
        free(info->run_id);
        info->run_id = pm_tilemeta_compact(value, strlen(value));
        return info->run_id && !strcmp(info->run_id, value) ? 0 : -1;
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

static pm_status read_meta(mbreader *r, pm_sinkinfo *info)
{
    static const char *const cols[] = { "name", "value", NULL };
    pm_status st = check_table(r, "metadata", cols, "tt");
    sqlite3_stmt *q = NULL;
    if (!st && sqlite3_prepare_v2(r->db, "SELECT name, value FROM metadata", -1, &q, NULL))
        st = db_fail(r, "read the metadata table");
    char *json = NULL;
    int have = 0, rc = SQLITE_DONE;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 0);
        int vt = sqlite3_column_type(q, 1);
        if (vt == SQLITE_NULL || !k) continue;
        const char *v = (const char *)sqlite3_column_text(q, 1);
        if (vt == SQLITE_BLOB || !v) st = refuse(r, PM_EDATA, "metadata %s is a blob, not text", k);
        else if ((!strcmp(k, "json") || !strcmp(k, "partymap_run")) &&
                 (size_t)sqlite3_column_bytes(q, 1) > PM_READ_MAX_META)
            st = refuse(r, PM_EDATA, "metadata %s is larger than %zu MiB", k, PM_READ_MAX_META >> 20);
        else if (take_meta(info, k, v, &json, &have)) st = refuse(r, PM_EDATA, "metadata %s is not valid", k);
    }
    if (!st && rc != SQLITE_DONE) st = db_fail(r, "read the metadata table");
    if (!st && (have & 15) != 15)
        st = refuse(r, PM_EDATA, "metadata bounds, center, minzoom or maxzoom missing");
    sqlite3_finalize(q);
    if (!st && json) st = pm_tilemeta_parse(json, strlen(json), 0, r->path, info, r->err);
    pm_sinkinfo_link(info);
    free(json);
    return st;
}

/* The query giving every tile: from the table tiles, or (tiles being a view, as in
 * the normalised MBTiles schema) from the tables map and images it would join. */
static pm_status tiles_query(mbreader *r, const char **sql)
{
    static const char *const tcols[] = { "zoom_level", "tile_column", "tile_row", "tile_data", NULL };
    static const char *const mcols[] = { "zoom_level", "tile_column", "tile_row", "tile_id", NULL };
    static const char *const icols[] = { "tile_data", "tile_id", NULL };
    char kind[16];
    int virt;
    pm_status st = object_kind(r, "tiles", kind, &virt);
    if (st) return st;
    *sql = "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles";
    if (strcmp(kind, "view")) return check_table(r, "tiles", tcols, "iiib");
    char mk[16], ik[16];
    if ((st = object_kind(r, "map", mk, &virt)) || (st = object_kind(r, "images", ik, &virt))) return st;
    if (!mk[0] || !ik[0])
        return refuse(r, PM_EDATA, "tiles is a view, not a table, and there are no tables map and "
                      "images for it to join (partymap reads tables only)");
    st = check_table(r, "map", mcols, "iiit");
    if (!st) st = check_table(r, "images", icols, "bt");
    *sql = "SELECT map.zoom_level, map.tile_column, map.tile_row, images.tile_data "
           "FROM map JOIN images ON images.tile_id = map.tile_id";
    return st;
}

/* One row's tile: integer coordinates inside the grid, blob data. */
static pm_status take_tile(mbreader *r, sqlite3_stmt *q, pm_tile_fn fn, void *ctx)
{
    for (int c = 0; c < 3; c++)
        if (sqlite3_column_type(q, c) != SQLITE_INTEGER)
            return refuse(r, PM_EDATA, "a tile's %s is %s, not an integer", sqlite3_column_name(q, c),
                          sqlite3_column_type(q, c) == SQLITE_TEXT ? "text" : "not a number");
    sqlite3_int64 z = sqlite3_column_int64(q, 0), x = sqlite3_column_int64(q, 1);
    sqlite3_int64 row = sqlite3_column_int64(q, 2);
    char where[96];
    snprintf(where, sizeof where, "%lld/%lld/%lld", (long long)z, (long long)x, (long long)row);
    if (sqlite3_column_type(q, 3) != SQLITE_BLOB)
        return refuse(r, PM_EDATA, "tile %s (TMS): tile_data is %s, not a blob", where,
                      sqlite3_column_type(q, 3) == SQLITE_TEXT ? "text" : "not bytes");
    const unsigned char *data = sqlite3_column_blob(q, 3);
    int len = sqlite3_column_bytes(q, 3);
    if (z < 0 || z > PM_TILE_MAXZOOM || x < 0 || x >> z || row < 0 || row >> z || !data || len <= 0)
        return refuse(r, PM_EDATA, "tile %s (TMS): outside the grid or empty", where);
    uint32_t y = (uint32_t)((((sqlite3_int64)1 << z) - 1) - row);
    return fn(ctx, (int)z, (uint32_t)x, y, data, (size_t)len);
}

static pm_status read_tiles(mbreader *r, pm_tile_fn fn, void *ctx)
{
    const char *sql = NULL;
    pm_status st = tiles_query(r, &sql);
    sqlite3_stmt *q = NULL;
    if (!st && sqlite3_prepare_v2(r->db, sql, -1, &q, NULL)) st = db_fail(r, "read the tiles");
    uint64_t n = 0;
    int rc = SQLITE_DONE;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (++n > r->max_tiles) {
            st = refuse(r, PM_EDATA, "holds more than %" PRIu64 " tiles (merge --max-tiles N raises "
                        "the limit)", r->max_tiles);
        } else if (pm_cancelled()) {
            st = refuse(r, PM_ECANCEL, "reading stopped by a signal");
        } else {
            st = take_tile(r, q, fn, ctx);
        }
    }
    if (!st && rc != SQLITE_DONE) st = db_fail(r, "read the tiles");
    sqlite3_finalize(q);
    return st;
}

pm_status pm_sink_mbtiles_read(const char *path, const pm_readlimits *lim, pm_sinkinfo *info,
                               pm_tile_fn fn, void *ctx, char **err)
{
    memset(info, 0, sizeof *info);
    mbreader r = { path, NULL, lim && lim->max_tiles ? lim->max_tiles : PM_READ_MAX_TILES, err };
    pm_status st = open_db(&r);
    if (!st) st = read_meta(&r, info);
    if (!st && fn) st = read_tiles(&r, fn, ctx);
    sqlite3_close(r.db);
    return st;
}
