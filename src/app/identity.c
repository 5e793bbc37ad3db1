/* Run identity: the settings and a hash of the inputs of one map's tiles. */
#include "app/identity.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"

#define FNV_OFFSET 0xcbf29ce484222325u
#define FNV_PRIME 0x100000001b3u

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * FNV_PRIME;
    return h;
}

/* Folds role, the file's length and its bytes into *h; a missing file folds in as
 * absent (optional sidecars), other failures are PM_EIO. */
static pm_status hash_file(uint64_t *h, const char *role, const char *path, int optional,
                           char **err)
{
    FILE *f = fopen(path, "rb");
    *h = fnv(*h, role, strlen(role) + 1);
    if (!f && optional && errno == ENOENT) return PM_OK;
    if (!f) {
        if (err) *err = pm_asprintf("%s: cannot read: %s", path, strerror(errno));
        return PM_EIO;
    }
    static const size_t CHUNK = 1 << 16;
    unsigned char *buf = malloc(CHUNK);
    uint64_t len = 0, body = FNV_OFFSET;
    size_t n = 0;
    while (buf && (n = fread(buf, 1, CHUNK, f)) > 0) {
        body = fnv(body, buf, n);
        len += n;
    }
    int oom = !buf, bad = oom || ferror(f);
    fclose(f);
    free(buf);
    if (bad) {
        if (err) *err = pm_asprintf("%s: cannot read: %s", path, oom ? "out of memory" : "read error");
        return oom ? PM_ENOMEM : PM_EIO;
    }
    *h = fnv(*h, &len, sizeof len);
    *h = fnv(*h, &body, sizeof body);
    return PM_OK;
}

/* A source's file, and a shapefile's sidecars beside it. */
static pm_status hash_source(uint64_t *h, const char *role, const pm_source *s, char **err)
{
    if (!s->path) return PM_OK;
    pm_status st = hash_file(h, role, s->path, 0, err);
    size_t n = strlen(s->path);
    if (st || n < 4 || strcasecmp(s->path + n - 4, ".shp")) return st;
    static const char *const side[] = { ".shx", ".dbf", ".prj", ".cpg" };
    for (size_t i = 0; !st && i < sizeof side / sizeof *side; i++) {
        char *p = pm_asprintf("%.*s%s", (int)(n - 4), s->path, side[i]);
        st = p ? hash_file(h, side[i], p, 1, err) : PM_ENOMEM;
        free(p);
    }
    return st;
}

pm_status pm_identity_inputs(const pm_project *p, uint64_t *hash, char **err)
{
    const pm_config *c = p->cfg;
    uint64_t h = FNV_OFFSET;
    pm_status st = c->path ? hash_file(&h, "config", c->path, 0, err) : PM_OK;
    if (!st) st = hash_source(&h, "committees", &c->committees, err);
    if (!st) st = hash_source(&h, "platforms", &c->platforms, err);
    if (!st) st = hash_source(&h, "projects", &c->projects, err);
    if (!st) st = hash_source(&h, "evaluations", &c->evaluations, err);
    for (size_t i = 0; !st && i < c->ncontext; i++) st = hash_source(&h, "context", &c->context[i], err);
    *hash = h;
    return st;
}

pm_status pm_identity_json(const pm_project *p, const pm_style *style, int year, int tile_px,
                           uint64_t inputs, char **out, char **err)
{
    *out = NULL;
    char *path = pm_asprintf("%s/%s.json", p->cfg->styles_dir, style->id), hex[20];
    if (!path) return PM_ENOMEM;
    pm_status st = hash_file(&inputs, "style", path, 0, err);
    free(path);
    if (st) return st;
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)inputs);
    json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:b, s:s}", "map", style->id, "year", year,
                          "tile_px", tile_px, "minzoom", p->cfg->minzoom, "maxzoom", p->cfg->maxzoom,
                          "metatile", p->cfg->metatile, "quantize", p->cfg->quantize != 0,
                          "inputs", hex);
    *out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return *out ? PM_OK : PM_ENOMEM;
}
