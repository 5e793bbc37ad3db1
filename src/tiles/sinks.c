/* The table of tile sink formats: one row a format. */
#include "tiles/sink.h"

#include <string.h>

static pm_status open_tree(const char *path, const char *suffix, pm_sink **out, char **err)
{
    return pm_sink_dir_new(path, suffix, out, err);
}

static pm_status open_mbtiles(const char *path, const char *suffix, pm_sink **out, char **err)
{
    (void)suffix;
    return pm_sink_mbtiles_new(path, out, err);
}

static pm_status open_pmtiles(const char *path, const char *suffix, pm_sink **out, char **err)
{
    (void)suffix;
    return pm_sink_pmtiles_new(path, out, err);
}

const pm_sinkformat pm_sink_formats[] = {
    { "tree", NULL, 1, NULL, 0, open_tree, NULL },
    { "MBTiles", ".mbtiles", 1, "SQLite format 3", 16, open_mbtiles, pm_sink_mbtiles_read },
    { "PMTiles", ".pmtiles", 0, "PMTiles", 7, open_pmtiles, pm_sink_pmtiles_read },
};

const size_t pm_sink_nformats = sizeof pm_sink_formats / sizeof pm_sink_formats[0];

const pm_sinkformat *pm_sink_format_by_name(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < pm_sink_nformats; i++) {
        const char *e = pm_sink_formats[i].ext;
        size_t m = e ? strlen(e) : 0;
        if (e && n > m && strcmp(path + n - m, e) == 0) return &pm_sink_formats[i];
    }
    return NULL;
}

const pm_sinkformat *pm_sink_format_sniff(const unsigned char *head, size_t n)
{
    for (size_t i = 0; i < pm_sink_nformats; i++) {
        const pm_sinkformat *f = &pm_sink_formats[i];
        if (f->magic && n >= f->magic_len && memcmp(head, f->magic, f->magic_len) == 0) return f;
    }
    return NULL;
}
