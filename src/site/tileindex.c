/* Tile index: walks a {z}/{x}/{y}[@2x].png tree and keeps runs of consecutive rows. */
#include "site/tileindex.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    pm_tilerun *v; /* single tiles (y0 == y1) while scanning */
    size_t n, cap;
} tilevec;

static pm_status vec_add(tilevec *t, int z, uint32_t x, uint32_t y)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        pm_tilerun *v = realloc(t->v, cap * sizeof *v);
        if (!v) return PM_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (pm_tilerun){ z, x, y, y };
    return PM_OK;
}

/* A decimal number below limit followed by tail exactly; 1 if name matches. */
static int parse_num(const char *name, const char *tail, unsigned long limit, uint32_t *out)
{
    if (*name < '0' || *name > '9') return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(name, &end, 10);
    if (errno || v >= limit || strcmp(end, tail) != 0) return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Opens path; a missing or non-folder entry is skipped (*d NULL, PM_OK). */
static pm_status open_dir(const char *path, DIR **d, char **err)
{
    *d = opendir(path);
    if (*d || errno == ENOENT || errno == ENOTDIR) return PM_OK;
    *err = pm_asprintf("%s: cannot read folder: %s", path, strerror(errno));
    return PM_EIO;
}

static pm_status scan_column(const char *path, int z, uint32_t x, tilevec vec[2], char **err)
{
    DIR *d;
    pm_status st = open_dir(path, &d, err);
    uint32_t lim = (uint32_t)1 << z, y;
    for (struct dirent *e; !st && d && (e = readdir(d)) != NULL;) {
        if (parse_num(e->d_name, ".png", lim, &y)) st = vec_add(&vec[0], z, x, y);
        else if (parse_num(e->d_name, "@2x.png", lim, &y)) st = vec_add(&vec[1], z, x, y);
    }
    if (d) closedir(d);
    return st;
}

static pm_status scan_zoom(const char *path, int z, tilevec vec[2], char **err)
{
    DIR *d;
    pm_status st = open_dir(path, &d, err);
    uint32_t x;
    for (struct dirent *e; !st && d && (e = readdir(d)) != NULL;) {
        if (!parse_num(e->d_name, "", (unsigned long)1 << z, &x)) continue;
        char *col = pm_asprintf("%s/%s", path, e->d_name);
        st = col ? scan_column(col, z, x, vec, err) : PM_ENOMEM;
        free(col);
    }
    if (d) closedir(d);
    return st;
}

static int cmp_tile(const void *a, const void *b)
{
    const pm_tilerun *p = a, *q = b;
    if (p->z != q->z) return p->z < q->z ? -1 : 1;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return p->y0 < q->y0 ? -1 : p->y0 > q->y0;
}

/* Sorts the single tiles and merges consecutive rows of a column in place. */
static void to_runs(tilevec *t, pm_tileindex *out)
{
    if (t->n) qsort(t->v, t->n, sizeof *t->v, cmp_tile); /* v may be NULL when empty */
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        pm_tilerun *last = n ? &t->v[n - 1] : NULL;
        if (last && last->z == t->v[i].z && last->x == t->v[i].x && last->y1 + 1 == t->v[i].y0)
            last->y1 = t->v[i].y0;
        else
            t->v[n++] = t->v[i];
    }
    out->runs = t->v;
    out->n = n;
    out->tiles = t->n;
    t->v = NULL;
}

pm_status pm_tileindex_scan(const char *dir, pm_tileindex idx[2], char **err)
{
    *err = NULL;
    memset(idx, 0, 2 * sizeof *idx);
    tilevec vec[2] = { { 0 }, { 0 } };
    DIR *d;
    uint32_t z;
    pm_status st = open_dir(dir, &d, err);
    for (struct dirent *e; !st && d && (e = readdir(d)) != NULL;) {
        if (!parse_num(e->d_name, "", 31, &z)) continue;
        char *path = pm_asprintf("%s/%s", dir, e->d_name);
        st = path ? scan_zoom(path, (int)z, vec, err) : PM_ENOMEM;
        free(path);
    }
    if (d) closedir(d);
    for (int k = 0; !st && k < 2; k++) to_runs(&vec[k], &idx[k]);
    free(vec[0].v);
    free(vec[1].v);
    if (st == PM_ENOMEM && !*err) *err = pm_asprintf("%s: out of memory", dir);
    return st;
}

void pm_tileindex_fini(pm_tileindex *t)
{
    if (!t) return;
    free(t->runs);
    memset(t, 0, sizeof *t);
}
