/* The package sinks' tile collection: tiles spooled to an anonymous file, deduplicated by content. */
#ifndef PM_TILES_TILEBUF_H
#define PM_TILES_TILEBUF_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"
#include "tiles/sink.h"
#include "tiles/tilemath.h"

/* PM_OK if z/x/y is a valid tile and len fits a package (1 .. UINT32_MAX bytes);
 * else PM_EINTERNAL (a caller bug) with *err set (caller frees). */
pm_status pm_tilebuf_check(int z, uint32_t x, uint32_t y, size_t len, char **err);

/* A 64-bit hash of the bytes (FNV-1a over 8-byte words, mixed): the content key for
 * deduplication, never stored in a file.  Pure. */
uint64_t pm_tilebuf_hash(const unsigned char *p, size_t len);

/* One tile of a collection. */
typedef struct {
    uint64_t key;  /* sort key from pm_tilebuf_sort's key function (0 without one) */
    uint32_t x, y;
    int z;
    uint32_t blob; /* index of its content (equal bytes share one blob) */
} pm_tileref;

/* Tiles collected by a package sink until finish.  Contents go to an anonymous
 * temporary file beside the package (nothing of it outlives the process), stored
 * once per distinct content, a megabyte at a time; only a small index and that
 * megabyte stay in memory. */
typedef struct pm_tilebuf pm_tilebuf;

/* A collection whose spool lives in the folder of path (created if missing).
 * PM_EIO with *err (caller frees) if that folder cannot take files. */
pm_status pm_tilebuf_new(const char *path, pm_tilebuf **out, char **err);
void pm_tilebuf_free(pm_tilebuf *b); /* accepts NULL */

/* Adds a tile.  Thread-safe.  The first failure is kept: it and every later put
 * return it, and pm_tilebuf_error reports it with its message. */
pm_status pm_tilebuf_put(pm_tilebuf *b, int z, uint32_t x, uint32_t y,
                         const unsigned char *data, size_t len);
/* The kept failure (PM_OK if none); *err gets a copy of its message (caller frees). */
pm_status pm_tilebuf_error(pm_tilebuf *b, char **err);

/* After the last put: sets each tile's key with keyfn (may be NULL) and sorts by
 * (key, z, x, y), so the order never depends on put order.  *refs is borrowed from b
 * (valid until the next put or free).  A z/x/y put twice fails with PM_EINTERNAL. */
pm_status pm_tilebuf_sort(pm_tilebuf *b, uint64_t (*keyfn)(int z, uint32_t x, uint32_t y),
                          const pm_tileref **refs, size_t *n, char **err);

/* Distinct contents, and one content's length. */
size_t pm_tilebuf_nblobs(const pm_tilebuf *b);
size_t pm_tilebuf_blob_len(const pm_tilebuf *b, uint32_t blob);
/* Copies a content into dst (pm_tilebuf_blob_len bytes).  Not thread-safe with put. */
pm_status pm_tilebuf_read(pm_tilebuf *b, uint32_t blob, unsigned char *dst, char **err);

#endif
