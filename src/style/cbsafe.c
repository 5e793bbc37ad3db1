/* ColorBrewer's colour-blind ratings (colorbrewer_schema.js, "blind": 1 safe, 2 maybe, 0 no;
 * Apache-2.0 data of Cynthia Brewer) and a CVD simulation for custom palettes. */
#include "style/cbsafe.h"

#include <math.h>
#include <string.h>

/* Ratings from 3 classes up (3..9 sequential, 3..11 diverging); one entry: all counts.
 * Every sequential scheme is rated safe at every count. */
typedef struct { const char *name; unsigned char n; unsigned char r[9]; } rating;

enum { S = PM_CB_SAFE, M = PM_CB_MAYBE, U = PM_CB_UNSAFE };

static const rating ratings[] = {
    { "YlGn", 1, { S } }, { "YlGnBu", 1, { S } }, { "GnBu", 1, { S } }, { "BuGn", 1, { S } },
    { "PuBuGn", 1, { S } }, { "PuBu", 1, { S } }, { "BuPu", 1, { S } }, { "RdPu", 1, { S } },
    { "PuRd", 1, { S } }, { "OrRd", 1, { S } }, { "YlOrRd", 1, { S } }, { "YlOrBr", 1, { S } },
    { "Purples", 1, { S } }, { "Blues", 1, { S } }, { "Greens", 1, { S } }, { "Oranges", 1, { S } },
    { "Reds", 1, { S } }, { "Greys", 1, { S } },
    { "BrBG", 1, { S } }, { "PiYG", 1, { S } }, { "PRGn", 1, { S } }, { "PuOr", 1, { S } },
    { "RdBu", 1, { S } }, { "RdYlBu", 1, { S } }, { "RdGy", 1, { M } },
    { "RdYlGn", 9, { M, M, M, U, U, U, U, U, U } },
    { "Spectral", 9, { M, M, M, U, U, U, U, U, U } },
};

pm_cb_rating pm_palette_cb_rating(const char *name, size_t n)
{
    if (!name) return PM_CB_UNRATED;
    for (size_t i = 0; i < sizeof ratings / sizeof *ratings; i++) {
        if (strcmp(ratings[i].name, name) != 0) continue;
        size_t k = n < 3 ? 0 : n - 3;
        if (k >= ratings[i].n) k = ratings[i].n - 1;
        return (pm_cb_rating)ratings[i].r[k];
    }
    return PM_CB_UNRATED;
}

const char *pm_cb_rating_text(pm_cb_rating r)
{
    switch (r) {
    case PM_CB_SAFE: return "colour-blind safe";
    case PM_CB_MAYBE: return "not rated colour-blind safe";
    case PM_CB_UNSAFE: return "not colour-blind safe";
    default: return "unrated";
    }
}

static double to_linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lab_f(double t)
{
    return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
}

/* CIE L*a*b* (D65) of a linear sRGB colour. */
static void lab(const double lin[3], double out[3])
{
    double x = 0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2];
    double y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2];
    double z = 0.0193339 * lin[0] + 0.1191920 * lin[1] + 0.9503041 * lin[2];
    double fx = lab_f(x / 0.95047), fy = lab_f(y), fz = lab_f(z / 1.08883);
    out[0] = 116 * fy - 16;
    out[1] = 500 * (fx - fy);
    out[2] = 200 * (fy - fz);
}

/* Machado et al. 2009, severity 1.0. */
static const double CVD[2][3][3] = {
    { { 0.152286, 1.052583, -0.204868 }, { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } },
    { { 0.367322, 0.860646, -0.227968 }, { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } },
};

static void seen_as(pm_rgba c, int kind, double out[3])
{
    double lin[3] = { to_linear(c.r), to_linear(c.g), to_linear(c.b) }, s[3];
    for (int i = 0; i < 3; i++) {
        s[i] = CVD[kind][i][0] * lin[0] + CVD[kind][i][1] * lin[1] + CVD[kind][i][2] * lin[2];
        s[i] = fmin(1, fmax(0, s[i]));
    }
    lab(s, out);
}

static double delta(const double p[3], const double q[3])
{
    return sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

int pm_palette_cvd_confusion(const pm_rgba *c, size_t n, size_t *a, size_t *b, double *seen,
                             double *normal)
{
    double worst = INFINITY;
    *a = *b = 0;
    *seen = *normal = INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double li[3] = { to_linear(c[i].r), to_linear(c[i].g), to_linear(c[i].b) }, p[3], q[3];
            double lj[3] = { to_linear(c[j].r), to_linear(c[j].g), to_linear(c[j].b) };
            lab(li, p);
            lab(lj, q);
            double dn = delta(p, q);
            for (int k = 0; k < 2; k++) {
                seen_as(c[i], k, p);
                seen_as(c[j], k, q);
                double d = delta(p, q);
                /* lost to colour blindness: most of the difference, or all but a trace of
                 * one that was clear (a pair close in normal vision too is not a CVD
                 * problem but a palette with too many classes) */
                double score = d / (dn + 1e-9) / 0.35;
                if (dn >= 2 * d) score = fmin(score, d / PM_CVD_MIN_DELTA);
                if (score < worst) { worst = score; *a = i; *b = j; *seen = d; *normal = dn; }
            }
        }
    return worst < 1;
}
