/* Indicator expressions on a city-sized table: 6,090 committees in 174 subdistricts,
 * 3 years.  Prints the time to compile and to evaluate all years (best of REPS).
 *   make build/bench/expr_bench && build/bench/expr_bench */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "expr/expr.h"

enum { NC = 6090, NY = 3, NPARENT = 174, REPS = 20 };
static const char *const fields[] = { "service", "satisfaction", "workforce", "needs",
                                      "households", "population", "area_km2", "projects_running" };
enum { NF = sizeof fields / sizeof fields[0] };

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint32_t lcg(uint32_t *s) { return *s = *s * 1664525u + 1013904223u; }

static void make_table(double *v, long *parent)
{
    uint32_t s = 20240601u;
    for (size_t c = 0; c < NC; c++) parent[c] = (long)(c % NPARENT);
    for (size_t y = 0; y < NY; y++)
        for (size_t c = 0; c < NC; c++) {
            double *r = v + (y * NC + c) * NF;
            for (size_t f = 0; f < NF; f++) r[f] = 60 + (lcg(&s) >> 8) % 4000 / 100.0;
            r[3] = (lcg(&s) >> 8) % 400;           /* needs */
            r[4] = 500 + (lcg(&s) >> 8) % 3000;    /* households */
            r[5] = r[4] * 2.6;                     /* population */
            r[6] = 0.05 + (lcg(&s) >> 8) % 100 / 100.0;
            r[7] = (lcg(&s) >> 8) % 12;
            if ((lcg(&s) >> 8) % 50 == 0) r[1] = NAN; /* 2% without a survey */
        }
}

static void bench_one(const char *src, const pm_expr_data *d, double *out)
{
    pm_expr_schema s = { fields, NF, 1 };
    double tc = 1e9, te = 1e9;
    for (int k = 0; k < REPS; k++) {
        pm_expr *e = NULL;
        pm_expr_error err;
        double t0 = now_ms();
        if (pm_expr_compile(src, &s, &e, &err)) { fprintf(stderr, "%s: %s\n", src, err.message); exit(1); }
        double t1 = now_ms();
        for (size_t y = 0; y < NY; y++)
            if (pm_expr_eval(e, d, y, out + y * NC)) { fprintf(stderr, "eval failed\n"); exit(1); }
        double t2 = now_ms();
        tc = t1 - t0 < tc ? t1 - t0 : tc;
        te = t2 - t1 < te ? t2 - t1 : te;
        pm_expr_free(e);
    }
    printf("%8.3f ms compile %8.3f ms eval (%d x %d)  %s\n", tc, te, NC, NY, src);
}

static void bench_set(const pm_expr_data *d)
{
    static const char *const names[] = {
        "service_change", "service_rank", "service_rank_change", "satisfaction_change",
        "satisfaction_rank", "satisfaction_rank_change", "workforce_change", "workforce_rank",
        "workforce_rank_change", "needs_change", "needs_rank", "needs_rank_change", "density",
        "running_per_1000", "running_per_100_needs", "composite", "composite_vs_parent",
    };
    static const char *const src[] = {
        "service - prev(service)", "rank(service)", "prev(rank(service)) - rank(service)",
        "satisfaction - prev(satisfaction)", "rank(satisfaction)",
        "prev(rank(satisfaction)) - rank(satisfaction)", "workforce - prev(workforce)",
        "rank(workforce)", "prev(rank(workforce)) - rank(workforce)", "needs - prev(needs)",
        "rank(needs)", "prev(rank(needs)) - rank(needs)", "population / area_km2",
        "projects_running * 1000 / population", "projects_running * 100 / needs",
        "0.7 * satisfaction + 0.3 * workforce", "composite - median_in_parent(composite)",
    };
    enum { N = sizeof names / sizeof names[0] };
    pm_expr_schema base = { fields, NF, 1 };
    double *out = malloc(NY * NC * (NF + N) * sizeof *out), tc = 1e9, te = 1e9;
    for (int k = 0; k < REPS; k++) {
        pm_exprset *s = NULL;
        size_t bad;
        pm_expr_error err;
        double t0 = now_ms();
        if (pm_exprset_compile(names, src, N, &base, &s, &bad, &err)) { fprintf(stderr, "%s\n", err.message); exit(1); }
        double t1 = now_ms();
        if (pm_exprset_eval(s, d, out)) { fprintf(stderr, "set eval failed\n"); exit(1); }
        double t2 = now_ms();
        tc = t1 - t0 < tc ? t1 - t0 : tc;
        te = t2 - t1 < te ? t2 - t1 : te;
        pm_exprset_free(s);
    }
    printf("%8.3f ms compile %8.3f ms eval (%d x %d)  a set of %d definitions (12 built-in "
           "per-column, 3 rates, composite and its distance to the parent median)\n", tc, te, NC, NY, N);
    free(out);
}

int main(void)
{
    double *v = malloc(NY * NC * NF * sizeof *v), *out = malloc(NY * NC * sizeof *out);
    long *parent = malloc(NC * sizeof *parent);
    int years[NY] = { 2015, 2016, 2017 };
    make_table(v, parent);
    pm_expr_data d = { NC, NY, NF, years, v, parent, NPARENT };
    bench_one("0.7 * satisfaction + 0.3 * workforce", &d, out);
    bench_one("satisfaction - median(satisfaction)", &d, out);
    bench_one("satisfaction - median_in_parent(satisfaction)", &d, out);
    bench_one("percentile(0.7 * satisfaction + 0.3 * workforce)", &d, out);
    bench_one("prev(rank(service)) - rank(service)", &d, out);
    bench_one("if(percentile_in_parent(service) < 25 and service - prev(service) < 0, 1, 0)", &d, out);
    bench_set(&d);
    free(v);
    free(out);
    free(parent);
    return 0;
}
