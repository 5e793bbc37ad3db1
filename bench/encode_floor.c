/* The encode floor: partymap's PNG encoder alone on tiles already decoded to pixels. */
/* usage: encode_floor TILEDIR JOBS
 * Decodes every TILEDIR/z/x/y.png into a Cairo ARGB32 image first (untimed), then
 * times pm_png_encode over all of them on JOBS threads (a static split, as even as the
 * tile count allows), best of three passes.  Prints one JSON line: tiles, bytes (of
 * the encodings), seconds (wall of the best pass), cpu_ms_per_tile. */
#include <cairo.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/png.h"

typedef struct {
    cairo_surface_t **img;
    size_t n, cap;
} tileset;

static tileset all;

static int add(const char *path, const struct stat *sb, int type, struct FTW *f)
{
    (void)sb;
    (void)f;
    size_t len = strlen(path);
    if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".png")) return 0;
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "encode_floor: %s: cannot decode\n", path);
        return 1;
    }
    if (all.n == all.cap) {
        all.cap = all.cap ? 2 * all.cap : 1024;
        all.img = realloc(all.img, all.cap * sizeof *all.img);
        if (!all.img) return 1;
    }
    all.img[all.n++] = s;
    return 0;
}

typedef struct {
    size_t first, last, bytes;
    double cpu;
    int failed;
} part;

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *encode(void *arg)
{
    part *p = arg;
    double t0 = now(CLOCK_THREAD_CPUTIME_ID);
    p->bytes = 0;
    for (size_t i = p->first; i < p->last; i++) {
        unsigned char *png = NULL;
        size_t len = 0;
        if (pm_png_encode(all.img[i], &png, &len) != PM_OK) p->failed = 1;
        p->bytes += len;
        free(png);
    }
    p->cpu = now(CLOCK_THREAD_CPUTIME_ID) - t0;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1 || atoi(argv[2]) > 64) {
        fprintf(stderr, "usage: encode_floor TILEDIR JOBS\n");
        return 2;
    }
    if (nftw(argv[1], add, 32, FTW_PHYS) != 0 || all.n == 0) {
        fprintf(stderr, "encode_floor: no tiles read from %s\n", argv[1]);
        return 1;
    }
    size_t jobs = (size_t)atoi(argv[2]);
    part parts[64];
    pthread_t th[64];
    double best = 1e30, cpu = 0;
    size_t bytes = 0;
    for (int pass = 0; pass < 3; pass++) {
        double t0 = now(CLOCK_MONOTONIC), c = 0;
        for (size_t j = 0; j < jobs; j++) {
            parts[j] = (part){ all.n * j / jobs, all.n * (j + 1) / jobs, 0, 0, 0 };
            pthread_create(&th[j], NULL, encode, &parts[j]);
        }
        bytes = 0;
        for (size_t j = 0; j < jobs; j++) {
            pthread_join(th[j], NULL);
            if (parts[j].failed) return 1;
            bytes += parts[j].bytes;
            c += parts[j].cpu;
        }
        double t = now(CLOCK_MONOTONIC) - t0;
        if (t < best) { best = t; cpu = c; }
    }
    printf("{\"tiles\": %zu, \"bytes\": %zu, \"seconds\": %.4f, \"cpu_ms_per_tile\": %.4f}\n",
           all.n, bytes, best, cpu * 1000 / all.n);
    for (size_t i = 0; i < all.n; i++) cairo_surface_destroy(all.img[i]);
    free(all.img);
    return 0;
}
