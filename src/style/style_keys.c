/* The style keys for point symbols, labels, the outer boundary and the outline width. */
#include "style/style_keys.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"

typedef struct {
    pm_diag *diag;
    const char *file;
    size_t *errors;
    int oom;
} kctx;

#define KERR(c, field, ...) (pm_diag_add((c)->diag, PM_SEV_ERROR, (c)->file, "", (field), __VA_ARGS__), \
                             (*(c)->errors)++)

/* The house symbols: today's look, with a halo where a part would vanish on a dark
 * or a light fill (every part is checked against the class fills at load). */
static const pm_zoomed STAR_SIZE = { 5, { 13, 14, 15, 16, 17 }, { 8, 10, 12, 14, 16 } };
static const pm_zoomed DOT_SIZE = { 4, { 13, 16, 17, 18 }, { 4, 5, 6, 7 } };

static void house_points(pm_style *s)
{
    /* the red star on its white disc, drawn round in ink: white reads on dark fills,
     * ink on the mid tones where both red and white fall under 3:1 */
    s->platforms.base = (pm_symbol){ PM_SYM_STAR, STAR_SIZE, { 0.78, 0.09, 0.11, 1 }, { 0.13, 0.13, 0.15, 1 },
                                     { 1, 1, 1, 1 }, 0.06, 0.08 };
    s->projects.base = (pm_symbol){ PM_SYM_CIRCLE, DOT_SIZE, { 0.10, 0.10, 0.12, 1 }, { 1, 1, 1, 0.9 },
                                    { 0, 0, 0, 0 }, 0.22, 0 };
}

/* Not running: a dark ring on a white halo (was a faint grey ring, 1.3:1 on #08519c). */
static pm_symbol house_other(void)
{
    pm_zoomed z = DOT_SIZE;
    for (int i = 0; i < z.n; i++) z.v[i] *= 0.8;
    return (pm_symbol){ PM_SYM_CIRCLE, z, { 0, 0, 0, 0 }, { 0.22, 0.22, 0.25, 1 },
                        { 1, 1, 1, 0.9 }, 0.25, 0.14 };
}

static int parse_zoomed(kctx *c, json_t *v, const char *field, pm_zoomed *out)
{
    if (json_is_number(v)) {
        *out = (pm_zoomed){ 1, { 0 }, { json_number_value(v) } };
        if (!(out->v[0] >= 0) || out->v[0] > 200) { KERR(c, field, "must be between 0 and 200"); return -1; }
        return 0;
    }
    if (!json_is_object(v) || json_object_size(v) == 0 || json_object_size(v) > PM_ZOOM_STOPS) {
        KERR(c, field, "must be a number or an object of 1 to %d zoom stops such as {\"13\": 8, \"16\": 14}",
             PM_ZOOM_STOPS);
        return -1;
    }
    pm_zoomed z = { 0 };
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) {
        char *end;
        long zz = strtol(key, &end, 10);
        if (*end || end == key || zz < 0 || zz > 30 || !json_is_number(val) ||
            !(json_number_value(val) >= 0) || json_number_value(val) > 200) {
            KERR(c, field, "stop \"%s\": a zoom 0..30 and a number 0..200", key);
            return -1;
        }
        int i = z.n++;
        while (i > 0 && z.z[i - 1] > zz) { z.z[i] = z.z[i - 1]; z.v[i] = z.v[i - 1]; i--; }
        z.z[i] = (int)zz;
        z.v[i] = json_number_value(val);
    }
    *out = z;
    return 0;
}

static void parse_colour(kctx *c, json_t *obj, const char *key, const char *field, pm_rgba *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return;
    if (!json_is_string(v) || pm_rgba_parse(json_string_value(v), out) != 0)
        KERR(c, field, "must be a colour (#rrggbb or #rrggbbaa)");
}

static void parse_number(kctx *c, json_t *obj, const char *key, const char *field, double max,
                         double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return;
    if (!json_is_number(v) || !(json_number_value(v) >= 0) || json_number_value(v) > max)
        KERR(c, field, "must be a number between 0 and %g", max);
    else *out = json_number_value(v);
}

static void unknown_keys(kctx *c, json_t *obj, const char *prefix, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++) ok = strcmp(*k, key) == 0;
        (void)v;
        if (!ok) KERR(c, prefix, "unknown key \"%s\"", key);
    }
}

static const char *const shapes[] = { "", "circle", "square", "star", "triangle", NULL };

/* A symbol object over the symbol it starts from; widths in px at its size. */
static void parse_symbol(kctx *c, json_t *o, const char *field, pm_symbol *sym)
{
    static const char *const known[] = { "symbol", "size", "fill", "stroke", "stroke_width",
                                         "halo", "halo_width", NULL };
    char f[160];
    if (!json_is_object(o)) { KERR(c, field, "must be an object"); return; }
    unknown_keys(c, o, field, known);
    json_t *v = json_object_get(o, "symbol");
    if (v) {
        int k = 0;
        for (int i = 1; shapes[i] && json_is_string(v); i++)
            if (strcmp(shapes[i], json_string_value(v)) == 0) k = i;
        snprintf(f, sizeof f, "%s.symbol", field);
        if (!k) KERR(c, f, "must be circle, square, star or triangle");
        else sym->shape = (pm_symbol_shape)k;
    }
    snprintf(f, sizeof f, "%s.size", field);
    if ((v = json_object_get(o, "size")) != NULL) parse_zoomed(c, v, f, &sym->size);
    snprintf(f, sizeof f, "%s.fill", field);
    parse_colour(c, o, "fill", f, &sym->fill);
    snprintf(f, sizeof f, "%s.stroke", field);
    parse_colour(c, o, "stroke", f, &sym->stroke);
    snprintf(f, sizeof f, "%s.halo", field);
    parse_colour(c, o, "halo", f, &sym->halo);
    double ref = pm_zoomed_at(&sym->size, 16, 5), w = -1;
    snprintf(f, sizeof f, "%s.stroke_width", field);
    parse_number(c, o, "stroke_width", f, 50, &w);
    if (w >= 0) sym->stroke_width = ref > 0 ? w / ref : 0;
    w = -1;
    snprintf(f, sizeof f, "%s.halo_width", field);
    parse_number(c, o, "halo_width", f, 50, &w);
    if (w >= 0) sym->halo_width = ref > 0 ? w / ref : 0;
}

/* "platforms" / "projects": a symbol, optionally "by": a field and "values": {value: symbol}. */
static void parse_layer(kctx *c, json_t *o, const char *name, pm_point_layer *l, int projects)
{
    char f[96];
    snprintf(f, sizeof f, "points.%s", name);
    if (!json_is_object(o)) { KERR(c, f, "must be an object"); return; }
    json_t *sym = json_deep_copy(o);
    if (!sym) { c->oom = 1; return; }
    json_t *by = json_object_get(o, "by"), *vals = json_object_get(o, "values");
    json_object_del(sym, "by");
    json_object_del(sym, "values");
    parse_symbol(c, sym, f, &l->base);
    json_decref(sym);
    if (!by && vals) KERR(c, f, "values need \"by\": \"status\" or \"category\"");
    if (!by) return;
    if (!json_is_string(by) || (strcmp(json_string_value(by), "status") && strcmp(json_string_value(by), "category"))) {
        KERR(c, f, "by must be \"status\" or \"category\"");
        return;
    }
    free(l->field);
    for (size_t i = 0; i < l->ncases; i++) free(l->cases[i].value);
    free(l->cases);
    l->cases = NULL;
    l->ncases = 0;
    if (!(l->field = pm_strdup(json_string_value(by)))) { c->oom = 1; return; }
    if (!vals) return;
    if (!json_is_object(vals)) { KERR(c, f, "values must be an object {value: symbol}"); return; }
    size_t n = json_object_size(vals);
    if (!(l->cases = calloc(n + 1, sizeof *l->cases))) { c->oom = 1; return; }
    const char *key;
    json_t *v;
    json_object_foreach(vals, key, v) {
        pm_symbol_case *k = &l->cases[l->ncases];
        k->sym = l->base;
        if (projects && strcmp(l->field, "status") == 0 && strcmp(key, "running") != 0) k->sym = house_other();
        if (!(k->value = pm_strdup(key))) { c->oom = 1; return; }
        l->ncases++;
        char g[160];
        snprintf(g, sizeof g, "%s.values.%s", f, key);
        parse_symbol(c, v, g, &k->sym);
    }
}

/* The house's project cases by status, when the style gives none. */
static int house_cases(pm_point_layer *l)
{
    static const char *const other[] = { "planned", "finished", "other" };
    if (!(l->field = pm_strdup("status")) || !(l->cases = calloc(3, sizeof *l->cases))) return -1;
    for (int i = 0; i < 3; i++) {
        l->cases[i].sym = house_other();
        if (!(l->cases[i].value = pm_strdup(other[i]))) return -1;
        l->ncases++;
    }
    return 0;
}

static void parse_points(kctx *c, json_t *root, pm_style *s)
{
    json_t *p = json_object_get(root, "points");
    if (!p) return;
    if (json_is_boolean(p)) { s->show_points = json_is_true(p); return; }
    if (!json_is_object(p)) { KERR(c, "points", "must be true, false or an object"); return; }
    static const char *const known[] = { "show", "platforms", "projects", NULL };
    unknown_keys(c, p, "points", known);
    json_t *show = json_object_get(p, "show");
    if (show && !json_is_boolean(show)) KERR(c, "points.show", "must be true or false");
    s->show_points = show ? json_is_true(show) : 1;
    json_t *v;
    if ((v = json_object_get(p, "platforms")) != NULL) parse_layer(c, v, "platforms", &s->platforms, 0);
    if ((v = json_object_get(p, "projects")) != NULL) parse_layer(c, v, "projects", &s->projects, 1);
}

static void parse_text_keys(kctx *c, json_t *root, pm_style *s)
{
    json_t *v = json_object_get(root, "labels");
    if (v && !json_is_object(v)) KERR(c, "labels", "must be an object");
    else if (v) {
        static const char *const known[] = { "size", "halo_width", "halo", NULL };
        unknown_keys(c, v, "labels", known);
        json_t *sz = json_object_get(v, "size");
        if (sz) parse_zoomed(c, sz, "labels.size", &s->label_size);
        parse_number(c, v, "halo_width", "labels.halo_width", 20, &s->label_halo_width);
        parse_colour(c, v, "halo", "labels.halo", &s->label_halo);
    }
    v = json_object_get(root, "boundary");
    if (v && !json_is_object(v)) KERR(c, "boundary", "must be an object {\"width\", \"color\"}");
    else if (v) {
        static const char *const known[] = { "width", "color", NULL };
        unknown_keys(c, v, "boundary", known);
        parse_number(c, v, "width", "boundary.width", 20, &s->boundary_width);
        parse_colour(c, v, "color", "boundary.color", &s->boundary);
    }
    parse_number(c, root, "outline_width", "outline_width", 20, &s->outline_width);
}

static void hex(pm_rgba c, char out[8])
{
    snprintf(out, 8, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
}

/* Points must read on every class: at least 3:1 for some part of each symbol. */
static void check_contrast(kctx *c, const pm_style *s)
{
    if (!s->show_points) return;
    const pm_point_layer *layers[2] = { &s->platforms, &s->projects };
    static const char *const names[2] = { "platforms", "projects" };
    for (int l = 0; l < 2; l++)
        for (size_t k = 0; k <= layers[l]->ncases; k++) {
            const pm_symbol *sym = k ? &layers[l]->cases[k - 1].sym : &layers[l]->base;
            for (size_t i = 0; i < s->ncolors; i++) {
                double r = pm_symbol_contrast(sym, s->colors[i]);
                if (r >= 3) continue;
                char h[8], f[128];
                hex(s->colors[i], h);
                snprintf(f, sizeof f, "points.%s%s%s", names[l], k ? ".values." : "",
                         k ? layers[l]->cases[k - 1].value : "");
                pm_diag_add(c->diag, PM_SEV_WARNING, c->file, "", f,
                            "the %s symbol has a contrast of %.1f:1 on class %zu (%s), below 3:1: "
                            "it vanishes there (give it a stroke or halo)",
                            shapes[sym->shape], r, i + 1, h);
            }
        }
}

int pm_style_parse_keys(void *root, pm_style *s, pm_diag *diag, const char *file, size_t *errors)
{
    kctx c = { diag, file, errors, 0 };
    house_points(s);
    s->label_halo_width = s->boundary_width = s->outline_width = -1;
    if (house_cases(&s->projects) != 0) return -1;
    parse_points(&c, root, s);
    parse_text_keys(&c, root, s);
    if (!c.oom && !*errors) check_contrast(&c, s);
    return c.oom ? -1 : 0;
}

static void layer_free(pm_point_layer *l)
{
    for (size_t i = 0; i < l->ncases; i++) free(l->cases[i].value);
    free(l->cases);
    free(l->field);
    memset(l, 0, sizeof *l);
}

void pm_style_keys_free(pm_style *s)
{
    layer_free(&s->platforms);
    layer_free(&s->projects);
}
