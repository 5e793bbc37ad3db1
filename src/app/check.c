/* The check command: validation report, as text or as one JSON object. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/thematic.h"
#include "app/commands.h"
#include "app/print_prod.h"
#include "app/project.h"

static json_t *problems_json(const pm_diag *d)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < d->count; i++) {
        const pm_problem *p = &d->items[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
            "severity", p->severity == PM_SEV_ERROR ? "error" : "warning", "file", p->file,
            "feature", p->feature, "field", p->field, "message", p->message));
    }
    return a;
}

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *classes_json(const pm_thematic *th)
{
    json_t *cl = json_array();
    for (size_t k = 0; k < th->classes.n; k++) {
        const pm_classes *c = &th->classes;
        double lo = isfinite(c->bounds[k]) ? c->bounds[k] : c->vmin[k];
        double hi = isfinite(c->bounds[k + 1]) ? c->bounds[k + 1] : c->vmax[k];
        json_array_append_new(cl, json_pack("{s:s, s:o, s:o, s:I}", "label", th->labels[k],
                                            "lower", num_or_null(lo), "upper", num_or_null(hi),
                                            "count", (json_int_t)c->counts[k]));
    }
    return json_pack("{s:o, s:I}", "classes", cl, "nodata", (json_int_t)th->classes.nodata);
}

/* ranks and summary per year; style problems (unknown indicator) go to diag. */
static void year_json(const pm_project *p, size_t y, json_t *ranks, json_t *summary, pm_diag *d)
{
    const pm_indtab *tab = &p->an.tab;
    char key[16];
    snprintf(key, sizeof key, "%d", tab->years[y]);
    long rk = pm_indtab_find(tab, "service_rank");
    json_t *r = json_object();
    for (size_t c = 0; rk >= 0 && c < tab->ncommittees; c++) {
        double v = pm_indtab_get(tab, y, c, (size_t)rk);
        json_object_set_new(r, p->ds->committees[c].code, isnan(v) ? json_null() : json_integer((json_int_t)v));
    }
    json_object_set_new(ranks, key, r);
    json_t *s = json_object();
    for (size_t k = 0; k < p->nsel; k++) {
        const pm_style *sty = p->styles[p->sel[k]];
        pm_thematic th;
        if (pm_thematic_build(sty, tab, tab->years[y], d, &th) == PM_OK)
            json_object_set_new(s, sty->id, classes_json(&th));
        pm_thematic_fini(&th);
    }
    json_object_set_new(summary, key, s);
}

static void print_text(const pm_project *p, FILE *out)
{
    fprintf(out, "%s: %zu committees, %zu platforms, %zu projects, years",
            p->cfg->name, p->ds->ncommittees, p->ds->nplatforms, p->ds->nprojects);
    for (size_t y = 0; y < p->ds->nyears; y++) fprintf(out, " %d", p->ds->years[y]);
    fprintf(out, ", %zu maps: OK\n", p->nsel);
}

pm_status pm_cmd_check(const pm_cmd_opts *o, FILE *out, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    pm_overrides ov = { o->f_committees, o->f_platforms, o->f_projects, o->f_evaluations,
                        o->encoding, o->assume_crs };
    pm_status st = pm_project_open_ex(o->config, o->maps, &ov, &d, &p);
    if (!o->json) {
        if (!st) pm_prod_check(&p, NULL, &d, err); /* the posters' and atlas's preflight */
        pm_diag_print(&d, err);
        if (!st) print_text(&p, out);
        pm_project_fini(&p);
        pm_diag_fini(&d);
        return st;
    }
    json_t *root = json_object(), *names = json_object(), *years = json_array();
    json_t *ranks = json_object(), *summary = json_object();
    if (p.ds) {
        for (size_t c = 0; c < p.ds->ncommittees; c++)
            json_object_set_new(names, p.ds->committees[c].code, json_string(p.ds->committees[c].name));
        for (size_t y = 0; y < p.ds->nyears; y++) json_array_append_new(years, json_integer(p.ds->years[y]));
    }
    if (!st)
        for (size_t y = 0; y < p.an.tab.nyears; y++) year_json(&p, y, ranks, summary, &d);
    if (!st) pm_prod_check(&p, root, &d, err); /* the posters' and atlas's preflight */
    if (!st && d.errors) st = PM_EDATA;
    json_object_set_new(root, "committees", json_integer(p.ds ? (json_int_t)p.ds->ncommittees : 0));
    json_object_set_new(root, "years", years);
    json_object_set_new(root, "names", names);
    json_object_set_new(root, "ranks", ranks);
    json_object_set_new(root, "summary", summary);
    json_object_set_new(root, "problems", problems_json(&d));
    json_object_set_new(root, "ok", json_boolean(st == PM_OK));
    if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0)
        st = st ? st : PM_EIO;
    fputc('\n', out);
    json_decref(root);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    return st;
}
