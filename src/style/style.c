/* Style files: JSON text → a validated, immutable pm_style (jansson stays in this module:
 * here and in style_keys.c). */
#include "style/style.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "expr/expr.h"
#include "style/palette.h"
#include "style/style_keys.h"

#define STYLE_MAX_BYTES ((size_t)1 << 20)
#define MAX_THRESHOLDS 11

/* One parse: where problems go, and whether any was an error. */
typedef struct {
    pm_diag *diag;
    const char *file;
    size_t errors;
    int oom;
} ctx;

static void report(ctx *c, pm_severity sev, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(ctx *c, pm_severity sev, const char *field, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pm_diag_add(c->diag, sev, c->file, "", field, "%s", msg);
    if (sev == PM_SEV_ERROR) c->errors++;
}

#define ERR(c, field, ...) report((c), PM_SEV_ERROR, (field), __VA_ARGS__)

typedef enum { W_STRING, W_INTEGER, W_NUMBER, W_BOOL, W_ARRAY, W_OBJECT } want;

static const char *const want_name[] = {
    "a string", "an integer", "a number", "true or false", "an array", "an object",
};

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

static int is_want(const json_t *v, want w)
{
    switch (w) {
    case W_STRING: return json_is_string(v);
    case W_INTEGER: return json_is_integer(v);
    case W_NUMBER: return json_is_number(v);
    case W_BOOL: return json_is_boolean(v);
    case W_ARRAY: return json_is_array(v);
    case W_OBJECT: return json_is_object(v);
    }
    return 0;
}

/* The member key of obj if present and of the wanted type; NULL otherwise (a wrong
 * type, or a missing required key, is reported under field). */
static json_t *get(ctx *c, json_t *obj, const char *key, const char *field, want w,
                   int required)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) ERR(c, field, "is required");
        return NULL;
    }
    if (w == W_INTEGER && json_is_real(v)) {
        ERR(c, field, "must be a whole number, not %g", json_real_value(v));
        return NULL;
    }
    if (!is_want(v, w)) {
        ERR(c, field, "must be %s, not %s", want_name[w], type_name(v));
        return NULL;
    }
    return v;
}

static char *dup_str(ctx *c, const char *s)
{
    char *r = pm_strdup(s);
    if (!r) c->oom = 1;
    return r;
}

/* A string member, copied; dflt (may be NULL) if absent or invalid. */
static char *get_str(ctx *c, json_t *obj, const char *key, int required, const char *dflt)
{
    json_t *v = get(c, obj, key, key, W_STRING, required);
    return v ? dup_str(c, json_string_value(v)) : dflt ? dup_str(c, dflt) : NULL;
}

static int get_bool(ctx *c, json_t *obj, const char *key, int dflt)
{
    json_t *v = get(c, obj, key, key, W_BOOL, 0);
    return v ? json_is_true(v) : dflt;
}

/* 1 if s has 1..maxlen characters, each a-z, 0-9 or in extra. */
static int charset_ok(const char *s, const char *extra, size_t maxlen)
{
    size_t n = strlen(s);
    if (n == 0 || n > maxlen) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(extra, *p)))
            return 0;
    return 1;
}

/* An indicator: a name or an expression (compiled by the project against the data's
 * columns); here only its size and characters. */
static int expression_text_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > PM_EXPR_MAX_SOURCE) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f) return 0;
    return 1;
}

/* Edit distance of two short strings (longer ones count as far apart). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[33];
    if (na > 32 || nb > 32) return 99;
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* Unknown keys are errors: a misspelt optional key would otherwise be silently
 * ignored and the map drawn with a default the author did not want. */
static void check_keys(ctx *c, json_t *obj, const char *prefix, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const char *near = NULL;
        size_t best = 3;
        int found = 0;
        for (size_t i = 0; known[i] && !found; i++) {
            found = strcmp(key, known[i]) == 0;
            size_t d = edit_distance(key, known[i]);
            if (d < best) { best = d; near = known[i]; }
        }
        if (found) continue;
        char field[160];
        snprintf(field, sizeof field, "%s%s", prefix, key);
        if (near) ERR(c, field, "unknown key (typo? did you mean \"%s\"?)", near);
        else ERR(c, field, "unknown key (typo?)");
    }
}

static const struct { const char *name; pm_classify_method m; } methods[] = {
    { "manual", PM_CLASSIFY_MANUAL }, { "quantile", PM_CLASSIFY_QUANTILE },
    { "equal", PM_CLASSIFY_EQUAL }, { "jenks", PM_CLASSIFY_JENKS },
    { "diverging", PM_CLASSIFY_DIVERGING },
};

/* Manual thresholds: 1..11 numbers, strictly ascending.  Returns their count (0 if
 * the count is wrong), so that labels and colours are still checked against it when
 * a threshold is bad; problems are reported. */
static size_t parse_thresholds(ctx *c, json_t *arr, pm_style *s)
{
    size_t n = json_array_size(arr);
    if (n < 1 || n > MAX_THRESHOLDS) {
        ERR(c, "classify.thresholds", "must have 1 to %d numbers (has %zu)", MAX_THRESHOLDS, n);
        return 0;
    }
    s->thresholds = malloc(n * sizeof *s->thresholds);
    if (!s->thresholds) { c->oom = 1; return 0; }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        char field[48];
        snprintf(field, sizeof field, "classify.thresholds[%zu]", i);
        if (!json_is_number(v)) {
            ERR(c, field, "must be a number, not %s", type_name(v));
            s->thresholds[i] = 0;
            continue;
        }
        s->thresholds[i] = json_number_value(v);
        if (i > 0 && json_is_number(json_array_get(arr, i - 1))
            && !(s->thresholds[i] > s->thresholds[i - 1])) {
            ERR(c, field, "must be greater than the previous threshold (%g); thresholds "
                "go from low to high", s->thresholds[i - 1]);
        }
    }
    s->nthresholds = n;
    return n;
}

/* Manual labels: one non-empty string per class. */
static void parse_labels(ctx *c, json_t *arr, size_t nclasses, pm_style *s)
{
    size_t n = json_array_size(arr);
    if (nclasses && n != nclasses) {
        ERR(c, "classify.labels", "has %zu labels but there are %zu classes (one more than "
            "the thresholds)", n, nclasses);
        return;
    }
    s->class_labels = calloc(n + 1, sizeof *s->class_labels);
    if (!s->class_labels) { c->oom = 1; return; }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        char field[48];
        snprintf(field, sizeof field, "classify.labels[%zu]", i);
        if (!json_is_string(v)) ERR(c, field, "must be a string, not %s", type_name(v));
        else if (!*json_string_value(v)) ERR(c, field, "must not be empty");
        else s->class_labels[i] = dup_str(c, json_string_value(v));
    }
    /* A gap would cut the NULL-terminated list short (and leak its tail). */
    int complete = 1;
    for (size_t i = 0; i < n; i++) complete &= s->class_labels[i] != NULL;
    if (complete) return;
    for (size_t i = 0; i < n; i++) free(s->class_labels[i]);
    free(s->class_labels);
    s->class_labels = NULL;
}

/* "classes" for the data-driven and diverging methods. */
static size_t parse_nclasses(ctx *c, json_t *cl, pm_classify_method m, const char *mname)
{
    json_t *v = get(c, cl, "classes", "classify.classes", W_INTEGER, 1);
    if (!v) return 0;
    json_int_t k = json_integer_value(v);
    json_int_t lo = m == PM_CLASSIFY_DIVERGING ? 3 : 2, hi = m == PM_CLASSIFY_DIVERGING ? 11 : 9;
    if (k < lo || k > hi) {
        ERR(c, "classify.classes", "must be between %d and %d for method %s (is %lld)",
            (int)lo, (int)hi, mname, (long long)k);
        return 0;
    }
    return (size_t)k;
}

/* Keys that belong to one method only are errors elsewhere: they would be ignored. */
static void reject_foreign(ctx *c, json_t *cl, pm_classify_method m, const char *mname)
{
    static const struct { const char *key, *field; pm_classify_method owner; } own[] = {
        { "thresholds", "classify.thresholds", PM_CLASSIFY_MANUAL },
        { "labels", "classify.labels", PM_CLASSIFY_MANUAL },
        { "centre", "classify.centre", PM_CLASSIFY_DIVERGING },
    };
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (m != own[i].owner && json_object_get(cl, own[i].key))
            ERR(c, own[i].field, "only used by method %s, not %s",
                own[i].owner == PM_CLASSIFY_MANUAL ? "manual" : "diverging", mname);
}

static void parse_manual(ctx *c, json_t *cl, pm_style *s)
{
    json_t *t = get(c, cl, "thresholds", "classify.thresholds", W_ARRAY, 1);
    size_t n = t ? parse_thresholds(c, t, s) : 0;
    json_t *k = json_object_get(cl, "classes");
    if (k && n && (!json_is_integer(k) || json_integer_value(k) != (json_int_t)n + 1))
        ERR(c, "classify.classes", "must be %zu (one more than the thresholds) for method "
            "manual, or left out", n + 1);
    if (n) s->classify.nclasses = n + 1;
    json_t *l = get(c, cl, "labels", "classify.labels", W_ARRAY, 0);
    if (l) parse_labels(c, l, s->classify.nclasses, s);
}

/* classify.years: "all" (the default: breaks from every year), "each" (per year), or a
 * list of reference years whose values set the breaks. */
static void parse_years(ctx *c, json_t *y, pm_style *s)
{
    if (!y) return;
    if (json_is_string(y) && !strcmp(json_string_value(y), "each")) { s->years_each = 1; return; }
    if (json_is_string(y) && !strcmp(json_string_value(y), "all")) return;
    if (!json_is_array(y) || json_array_size(y) == 0 || json_array_size(y) > 200) {
        ERR(c, "classify.years", "must be \"all\", \"each\" or a list of reference years");
        return;
    }
    s->ref_years = calloc(json_array_size(y), sizeof *s->ref_years);
    if (!s->ref_years) return;
    size_t i;
    json_t *v;
    json_array_foreach(y, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1900 || json_integer_value(v) > 2200)
            ERR(c, "classify.years", "each reference year must be an integer from 1900 to 2200");
        else s->ref_years[s->nref_years++] = (int)json_integer_value(v);
    }
}

static void parse_classify(ctx *c, json_t *cl, pm_style *s)
{
    static const char *const known[] = { "method", "classes", "thresholds", "labels",
                                         "centre", "years", NULL };
    check_keys(c, cl, "classify.", known);
    json_t *mv = get(c, cl, "method", "classify.method", W_STRING, 1);
    if (!mv) return;
    const char *mname = json_string_value(mv);
    size_t mi = 0, nm = sizeof methods / sizeof *methods;
    while (mi < nm && strcmp(methods[mi].name, mname) != 0) mi++;
    if (mi == nm) {
        ERR(c, "classify.method", "unknown method \"%s\" (manual, quantile, equal, jenks or "
            "diverging)", mname);
        return;
    }
    pm_classify_method m = methods[mi].m;
    s->classify.method = m;
    reject_foreign(c, cl, m, mname);
    parse_years(c, json_object_get(cl, "years"), s);
    if (m == PM_CLASSIFY_MANUAL) {
        parse_manual(c, cl, s);
        s->classify.thresholds = s->thresholds;
        return;
    }
    s->classify.nclasses = parse_nclasses(c, cl, m, mname);
    if (m == PM_CLASSIFY_DIVERGING) {
        json_t *cv = get(c, cl, "centre", "classify.centre", W_NUMBER, 0);
        s->classify.centre = cv ? json_number_value(cv) : 0.0;
    }
}

static void parse_color(ctx *c, json_t *obj, const char *key, const char *dflt, pm_rgba *out)
{
    json_t *v = get(c, obj, key, key, W_STRING, 0);
    pm_rgba_parse(dflt, out);
    if (v && pm_rgba_parse(json_string_value(v), out) != 0)
        ERR(c, key, "\"%s\" is not a colour (#rrggbb or #rrggbbaa)", json_string_value(v));
}

/* n colours of a named palette; ColorBrewer starts at 3 classes, so 2 take the ends
 * and 1 the middle of the 3-class scheme. */
static pm_status palette_colors(const char *name, size_t n, pm_rgba *out)
{
    if (n >= 3) return pm_palette_get(name, n, out);
    pm_rgba three[3];
    pm_status st = pm_palette_get(name, 3, three);
    if (st) return st;
    if (n == 1) out[0] = three[1];
    if (n == 2) { out[0] = three[0]; out[1] = three[2]; }
    return n ? PM_OK : PM_EDATA;
}

static void unknown_palette(ctx *c, const char *name)
{
    const char *like = pm_palette_name_like(name);
    for (size_t i = 0, best = 3; !like && pm_palette_name_at(i); i++) {
        size_t d = edit_distance(name, pm_palette_name_at(i));
        if (d < best) { best = d; like = pm_palette_name_at(i); }
    }
    if (like) {
        ERR(c, "palette", "unknown palette \"%s\" (did you mean \"%s\"?)", name, like);
        return;
    }
    char list[512] = "";
    size_t len = 0;
    for (size_t i = 0; pm_palette_name_at(i) && len < sizeof list - 16; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                pm_palette_name_at(i));
    ERR(c, "palette", "unknown palette \"%s\" (ColorBrewer names: %s; or give colors)", name,
        list);
}

static void parse_palette(ctx *c, const char *name, pm_style *s)
{
    size_t n = s->classify.nclasses, max = pm_palette_max_classes(name);
    s->palette_name = dup_str(c, name);
    if (!max) { unknown_palette(c, name); return; }
    if (s->classify.method == PM_CLASSIFY_DIVERGING && !pm_palette_is_diverging(name))
        report(c, PM_SEV_WARNING, "palette", "\"%s\" is sequential: a diverging "
               "classification reads best with a diverging palette (e.g. RdBu, RdYlBu)", name);
    if (!n) return; /* the classification was invalid; already reported */
    if (n > max) {
        ERR(c, "palette", "\"%s\" has at most %zu classes, but the style has %zu (give "
            "colors instead)", name, max, n);
        return;
    }
    s->colors = malloc(n * sizeof *s->colors);
    if (!s->colors) { c->oom = 1; return; }
    palette_colors(name, n, s->colors);
    s->ncolors = n;
}

static void parse_color_list(ctx *c, json_t *arr, pm_style *s)
{
    size_t n = json_array_size(arr), nc = s->classify.nclasses;
    s->palette_name = dup_str(c, "custom");
    if (nc && n != nc)
        ERR(c, "colors", "has %zu colours but there are %zu classes", n, nc);
    s->colors = malloc((n ? n : 1) * sizeof *s->colors);
    if (!s->colors) { c->oom = 1; return; }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        char field[32];
        snprintf(field, sizeof field, "colors[%zu]", i);
        if (!json_is_string(v))
            ERR(c, field, "must be a string (#rrggbb), not %s", type_name(v));
        else if (pm_rgba_parse(json_string_value(v), &s->colors[i]) != 0)
            ERR(c, field, "\"%s\" is not a colour (#rrggbb or #rrggbbaa)",
                json_string_value(v));
    }
    s->ncolors = n;
}

static void parse_fill(ctx *c, json_t *root, pm_style *s)
{
    json_t *pal = get(c, root, "palette", "palette", W_STRING, 0);
    json_t *cols = get(c, root, "colors", "colors", W_ARRAY, 0);
    int has_pal = json_object_get(root, "palette") != NULL;
    int has_cols = json_object_get(root, "colors") != NULL;
    if (has_pal && has_cols)
        ERR(c, "colors", "give either palette or colors, not both");
    else if (!has_pal && !has_cols)
        ERR(c, "palette", "is required (a ColorBrewer name such as \"YlGnBu\"), unless "
            "colors lists one colour per class");
    else if (pal)
        parse_palette(c, json_string_value(pal), s);
    else if (cols)
        parse_color_list(c, cols, s);
    parse_color(c, root, "nodata", "#d9d9d9", &s->nodata);
    parse_color(c, root, "outline", "#ffffff", &s->outline);
}

static void parse_identity(ctx *c, json_t *root, pm_style *s)
{
    s->id = get_str(c, root, "id", 1, NULL);
    if (s->id && !charset_ok(s->id, "_-", 32))
        ERR(c, "id", "\"%s\" must be 1 to 32 characters a-z, 0-9, _ or - (it names the "
            "output files)", s->id);
    s->title = get_str(c, root, "title", 1, NULL);
    if (s->title && !*s->title) ERR(c, "title", "must not be empty");
    s->indicator = get_str(c, root, "indicator", 1, NULL);
    if (s->indicator && !expression_text_ok(s->indicator))
        ERR(c, "indicator", "must be an indicator name or an expression of at most %d bytes "
            "without control characters", (int)PM_EXPR_MAX_SOURCE);
    s->unit = get_str(c, root, "unit", 0, "");
    s->description = get_str(c, root, "description", 0, "");
    s->decimals = 1;
    json_t *d = get(c, root, "decimals", "decimals", W_INTEGER, 0);
    if (d && (json_integer_value(d) < 0 || json_integer_value(d) > 4))
        ERR(c, "decimals", "must be between 0 and 4 (is %lld)", (long long)json_integer_value(d));
    else if (d)
        s->decimals = (int)json_integer_value(d);
    s->higher_is_better = get_bool(c, root, "higher_is_better", 1);
    s->show_rank_change = get_bool(c, root, "rank_change", 0);
}

static void parse_root(ctx *c, json_t *root, pm_style *s)
{
    static const char *const known[] = { "id", "title", "indicator", "unit", "description",
        "decimals", "higher_is_better", "classify", "palette", "colors", "nodata",
        "outline", "points", "rank_change", "labels", "boundary", "outline_width", NULL };
    check_keys(c, root, "", known);
    parse_identity(c, root, s);
    json_t *cl = get(c, root, "classify", "classify", W_OBJECT, 1);
    if (cl) parse_classify(c, cl, s);
    s->classify.decimals = s->decimals;
    parse_fill(c, root, s);
    if (pm_style_parse_keys(root, s, c->diag, c->file, &c->errors) != 0) c->oom = 1;
}

pm_status pm_style_parse(const char *name, const char *json, size_t len, pm_diag *diag,
                         pm_style **out)
{
    *out = NULL;
    ctx c = { diag, name ? name : "", 0, 0 };
    if (len > STYLE_MAX_BYTES) {
        ERR(&c, "", "too large (%zu bytes; a style file is at most 1 MB)", len);
        return PM_EDATA;
    }
    /* Windows editors save UTF-8 with a byte-order mark, which JSON does not allow. */
    if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) { json += 3; len -= 3; }
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char where[64];
        snprintf(where, sizeof where, "line %d, column %d", jerr.line, jerr.column);
        pm_diag_add(diag, PM_SEV_ERROR, c.file, where, "", "invalid JSON: %s", jerr.text);
        return PM_EDATA;
    }
    pm_status st = PM_OK;
    pm_style *s = calloc(1, sizeof *s);
    if (!s) { st = PM_ENOMEM; goto done; }
    if (!json_is_object(root)) ERR(&c, "", "must be a JSON object {...}, not %s", type_name(root));
    else parse_root(&c, root, s);
    st = c.oom ? PM_ENOMEM : c.errors ? PM_EDATA : PM_OK;
done:
    json_decref(root);
    if (st) pm_style_free(s);
    else *out = s;
    return st;
}

pm_status pm_style_load(const char *path, pm_diag *diag, pm_style **out)
{
    *out = NULL;
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    pm_status st = pm_read_file(path, STYLE_MAX_BYTES, &buf, &len, &err);
    if (st) {
        pm_diag_add(diag, PM_SEV_ERROR, "", "", "", "%s", err ? err : pm_strerror(st));
        free(err);
        return st;
    }
    st = pm_style_parse(pm_path_basename(path), buf, len, diag, out);
    free(buf);
    return st;
}

void pm_style_free(pm_style *s)
{
    if (!s) return;
    free(s->id);
    free(s->title);
    free(s->indicator);
    free(s->column);
    free(s->unit);
    free(s->description);
    free(s->thresholds);
    free(s->ref_years);
    for (size_t i = 0; s->class_labels && s->class_labels[i]; i++) free(s->class_labels[i]);
    free(s->class_labels);
    free(s->palette_name);
    free(s->colors);
    pm_style_keys_free(s);
    free(s);
}

pm_status pm_style_class_colors(const pm_style *s, size_t n, pm_rgba *out)
{
    if (n == 0 || n > s->ncolors) return PM_EDATA;
    if (n == s->ncolors) {
        memcpy(out, s->colors, n * sizeof *out);
        return PM_OK;
    }
    if (s->palette_name && pm_palette_known(s->palette_name))
        return palette_colors(s->palette_name, n, out);
    for (size_t i = 0; i < n; i++) {
        size_t k = n == 1 ? s->ncolors / 2 : (i * (s->ncolors - 1) + (n - 1) / 2) / (n - 1);
        out[i] = s->colors[k];
    }
    return PM_OK;
}
