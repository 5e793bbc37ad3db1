/* merge --all: every map's and scale's shard set in one folder merged into its packages. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "core/cancel.h"
#include "core/fileio.h"

/* One shard set: the packages named BASE.shard-K-of-N.{mbtiles,pmtiles}. */
typedef struct {
    char *base;     /* "service", "service@2x" (owned) */
    unsigned n;     /* N of the first shard seen */
    unsigned other; /* another N seen for this base (0: none) */
    char **path;    /* path[2 (k - 1) + f]: shard k's MBTiles (f 0) or PMTiles (f 1), NULL if
                     * absent (owned) */
} shardset;

typedef struct {
    shardset *s;
    size_t n, cap;
} shardsets;

/* Reads a decimal without sign or leading zero from *p; 0 if there is none. */
static unsigned read_count(const char **p)
{
    unsigned long v = 0;
    const char *s = *p;
    if (*s < '1' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9' && v <= 100000000ul) v = v * 10 + (unsigned long)(*s++ - '0');
    *p = s;
    return v > 100000000ul ? 0 : (unsigned)v;
}

/* 1 if name is exactly BASE.shard-K-of-N.mbtiles or .pmtiles with 1 <= K <= N, N >= 2
 * (temporaries, "NAME.tmp-pm-..." after it, are not); the base's length, K, N and whether
 * it is a PMTiles name. */
static int shard_name(const char *name, size_t *baselen, unsigned *k, unsigned *n, int *pmtiles)
{
    const char *part = NULL;
    for (const char *s = strstr(name, ".shard-"); s; s = strstr(s + 1, ".shard-")) part = s;
    if (!part || part == name) return 0;
    const char *p = part + 7;
    *k = read_count(&p);
    if (!*k || strncmp(p, "-of-", 4) != 0) return 0;
    p += 4;
    *n = read_count(&p);
    if (!*n || *n < 2 || *k > *n) return 0;
    if (!strcmp(p, ".mbtiles")) *pmtiles = 0;
    else if (!strcmp(p, ".pmtiles")) *pmtiles = 1;
    else return 0;
    *baselen = (size_t)(part - name);
    return 1;
}

static shardset *set_of(shardsets *ss, const char *name, size_t len, unsigned n)
{
    for (size_t i = 0; i < ss->n; i++)
        if (strlen(ss->s[i].base) == len && !strncmp(ss->s[i].base, name, len)) return &ss->s[i];
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? 2 * ss->cap : 16;
        shardset *s = realloc(ss->s, cap * sizeof *s);
        if (!s) return NULL;
        ss->s = s;
        ss->cap = cap;
    }
    shardset *s = &ss->s[ss->n];
    *s = (shardset){ strndup(name, len), n, 0, calloc(2 * (size_t)n, sizeof(char *)) };
    if (!s->base || !s->path) { free(s->base); free(s->path); return NULL; }
    ss->n++;
    return s;
}

/* Files the shard name into its set. */
static pm_status add_file(shardsets *ss, const char *dir, const char *name)
{
    size_t len;
    unsigned k, n;
    int pmt;
    if (!shard_name(name, &len, &k, &n, &pmt)) return PM_OK;
    shardset *s = set_of(ss, name, len, n);
    if (!s) return PM_ENOMEM;
    if (n != s->n) {
        if (!s->other || n < s->other) s->other = n;
        return PM_OK;
    }
    return (s->path[2 * (k - 1) + (unsigned)pmt] = pm_path_join(dir, name)) ? PM_OK : PM_ENOMEM;
}

static void sets_free(shardsets *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        for (unsigned k = 0; k < 2 * ss->s[i].n; k++) free(ss->s[i].path[k]);
        free(ss->s[i].path);
        free(ss->s[i].base);
    }
    free(ss->s);
}

static int by_base(const void *a, const void *b)
{
    return strcmp(((const shardset *)a)->base, ((const shardset *)b)->base);
}

static pm_status scan(const char *dir, shardsets *ss, FILE *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(err, "partymap: merge: %s: %s\n", dir, strerror(errno));
        return errno == ENOENT || errno == ENOTDIR ? PM_EUSAGE : PM_EIO;
    }
    pm_status st = PM_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) st = add_file(ss, dir, e->d_name);
    closedir(d);
    if (st == PM_ENOMEM) fprintf(err, "partymap: merge: out of memory\n");
    if (!st && ss->n > 1) qsort(ss->s, ss->n, sizeof *ss->s, by_base);
    return st;
}

/* How many shards of s are missing, and their numbers ("2, 3, 7", cut short with "...")
 * into buf. */
static unsigned missing_list(const shardset *s, char *buf, size_t len)
{
    unsigned missing = 0;
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned k = 1; k <= s->n; k++) {
        if (s->path[2 * (k - 1)] || s->path[2 * (k - 1) + 1]) continue;
        if (used + 16 < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%u", missing ? ", " : "", k);
        else if (used + 4 < len && !strstr(buf, "..."))
            used += (size_t)snprintf(buf + used, len - used, ", ...");
        missing++;
    }
    return missing;
}

/* Every set whole and of one N, else each problem on err and PM_EUSAGE: nothing is
 * merged from a folder with a set that would leave holes. */
static pm_status check_sets(const char *dir, const shardsets *ss, FILE *err)
{
    pm_status st = PM_OK;
    if (ss->n == 0) {
        fprintf(err, "partymap: merge: %s: no shard packages (MAP.shard-K-of-N.mbtiles or "
                ".pmtiles, as render --shard writes them)\n", dir);
        return PM_EUSAGE;
    }
    for (size_t i = 0; i < ss->n; i++) {
        const shardset *s = &ss->s[i];
        if (s->other) {
            fprintf(err, "partymap: merge: %s: shards of %u and of %u in %s (remove the set of "
                    "the other run)\n", s->base, s->n, s->other, dir);
            st = PM_EUSAGE;
        }
        char list[96];
        unsigned missing = missing_list(s, list, sizeof list);
        if (missing == 1)
            fprintf(err, "partymap: merge: %s: shard %s of %u is missing (the map would have "
                    "holes)\n", s->base, list, s->n);
        else if (missing)
            fprintf(err, "partymap: merge: %s: %u shards of %u are missing: %s (the map would "
                    "have holes)\n", s->base, missing, s->n, list);
        if (missing) st = PM_EUSAGE;
    }
    if (st) fprintf(err, "partymap: merge: nothing was merged\n");
    return st;
}

/* The inputs of s for an output in format f (0 MBTiles, 1 PMTiles) into in: the shards
 * of that format, written as the output will be (the MBTiles' metadata holds bounds and
 * centre as 7-decimal text, the PMTiles header as integers), and a shard's other
 * package where it lacks one of that format (a shard without tiles has no PMTiles). */
static void inputs_for(const shardset *s, int f, const char **in)
{
    int all = 1;
    for (unsigned k = 0; k < s->n; k++) all &= s->path[2 * k + (unsigned)f] != NULL;
    for (unsigned k = 0; k < s->n; k++) {
        const char *same = s->path[2 * k + (unsigned)f], *other = s->path[2 * k + (unsigned)!f];
        in[k] = all ? same : f ? (other ? other : same) : (same ? same : other);
    }
}

pm_status pm_cmd_merge_all(const char *dir, uint64_t max_tiles, int quiet, FILE *err)
{
    static const char *const exts[] = { "mbtiles", "pmtiles" };
    shardsets ss = { 0 };
    pm_status st = scan(dir, &ss, err);
    if (!st) st = check_sets(dir, &ss, err);
    size_t done = 0;
    for (size_t i = 0; !st && i < ss.n; i++)
        for (int e = 0; !st && e < 2; e++) {
            if (pm_cancelled()) { st = PM_ECANCEL; break; }
            char *base = pm_path_join(dir, ss.s[i].base);
            char *out = base ? pm_asprintf("%s.%s", base, exts[e]) : NULL;
            const char **in = calloc(ss.s[i].n, sizeof *in);
            if (in) inputs_for(&ss.s[i], e, in);
            st = out && in ? pm_cmd_merge(out, in, ss.s[i].n, max_tiles, quiet, err) : PM_ENOMEM;
            done += !st;
            free(in);
            free(out);
            free(base);
        }
    if (!st && !quiet)
        fprintf(err, "partymap: %s: %zu packages of %zu shard sets merged\n", dir, done, ss.n);
    else if (st && done)
        fprintf(err, "partymap: merge: stopped after %zu of %zu packages\n", done, 2 * ss.n);
    sets_free(&ss);
    return st;
}
