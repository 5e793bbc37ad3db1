/* Loading helpers of the data module: field lookup, numbers, codes, located problems. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "data/load.h"

static const char *const default_field[PM_F_COUNT] = {
    "code", "name", "households", "population", "parent", "category", "partner", "status", "year"
};

const char *pm_load_fname(const pm_source *s, pm_field_role r)
{
    return s->field[r] ? s->field[r] : default_field[r];
}

void pm_load_err(pm_diag *d, const pm_vlayer *l, const pm_vfeature *f, const char *code,
                 const char *name, const char *field, const char *msg)
{
    char *where = f ? pm_vfeature_where(l, f, NULL) : NULL;
    pm_at at = { f ? pm_vfeature_file(l, f) : l->file, where, code, name };
    pm_diag_at(d, PM_SEV_ERROR, &at, field, "%s", msg);
    free(where);
}

int pm_load_field(pm_diag *d, const pm_vlayer *l, const pm_source *s, pm_field_role r,
                  int required)
{
    int i = pm_vlayer_field(l, pm_load_fname(s, r));
    if (i < 0 && (required || s->field[r])) {
        char list[512] = "";
        for (size_t k = 0; k < l->nfields && strlen(list) < 400; k++) {
            strcat(list, k ? ", " : "");
            strncat(list, l->fields[k], 64);
        }
        pm_diag_add(d, PM_SEV_ERROR, l->file, "", pm_load_fname(s, r), "no such field (the file has: "
                    "%s)%s", list, s->field[r] ? "; the config maps it under \"fields\": is the name "
                    "right?" : "; map it under \"fields\" in the config");
    }
    return i;
}

int pm_load_num(const char *text, double *v)
{
    if (!text) return 0;
    char *end;
    while (isspace((unsigned char)*text)) text++;
    *v = strtod(text, &end);
    while (isspace((unsigned char)*end)) end++;
    return end != text && *end == '\0' && isfinite(*v);
}

/* A code written in scientific notation by a spreadsheet ("3.10107015001E+11"): its
 * 12 digits if the mantissa kept them all, else NULL (the digits are lost). */
static char *sci_code(const char *t)
{
    size_t digits = 0;
    const char *p = t;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (*p != '.') return NULL;
    }
    double v;
    if (!*p || digits < 12 || !pm_load_num(t, &v) || v < 1e11 || v >= 1e12 || v != floor(v)) return NULL;
    return pm_asprintf("%.0f", v);
}

char *pm_load_code(const char *t)
{
    if (!t) return NULL;
    while (isspace((unsigned char)*t)) t++;
    if (strpbrk(t, "eE")) return sci_code(t);
    size_t n = 0;
    while (isdigit((unsigned char)t[n])) n++;
    const char *rest = t + n;
    if (*rest == '.') { rest++; while (*rest == '0') rest++; }
    while (isspace((unsigned char)*rest)) rest++;
    if (n != 12 || *rest) return NULL;
    char *c = malloc(13);
    if (c) { memcpy(c, t, 12); c[12] = '\0'; }
    return c;
}

const char *pm_load_code_problem(const char *t)
{
    if (!t) return "missing committee code";
    if (strpbrk(t, "eE")) return "not a 12-digit committee code: a spreadsheet stored it as a "
                                 "number and lost digits (format the column as text)";
    size_t n = 0;
    for (const char *p = t; *p; p++) n += isdigit((unsigned char)*p) != 0;
    if (n == 11) return "not a 12-digit committee code: 11 digits (a leading zero lost? "
                        "format the column as text)";
    return "not a 12-digit committee code";
}

pm_status pm_load_note_source(pm_dataset *ds, const char *role, const pm_source *s,
                              const pm_vlayer *l)
{
    pm_sourceinfo *n = realloc(ds->sources, (ds->nsources + 1) * sizeof *n);
    if (!n) return PM_ENOMEM;
    ds->sources = n;
    pm_sourceinfo *i = &ds->sources[ds->nsources];
    memset(i, 0, sizeof *i);
    i->role = pm_strdup(role);
    i->files = s->npaths <= 1 ? pm_strdup(l->file ? l->file : "")
             : s->path_spec ? pm_asprintf("%s (%zu files)", s->path_spec, s->npaths)
             : pm_asprintf("%s and %zu more files", l->file ? l->file : "", s->npaths - 1);
    i->crs = l->crs ? pm_strdup(l->crs) : NULL;
    i->crs_origin = l->crs ? l->crs_origin : NULL;
    i->extent = l->crs ? l->extent : pm_bbox_empty();
    i->features = l->n;
    ds->nsources++;
    return i->role && i->files && (!l->crs || i->crs) ? PM_OK : PM_ENOMEM;
}

