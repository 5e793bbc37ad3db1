/* The check command: validation report, as text or as one JSON object. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/thematic.h"
#include "app/commands.h"
#include "app/stage.h"
#include "app/print_prod.h"
#include "app/project.h"

static json_t *problems_json(const pm_diag *d)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < d->count; i++) {
        const pm_problem *p = &d->items[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
            "severity", p->severity == PM_SEV_ERROR ? "error" : "warning", "file", p->file,
            "feature", p->feature, "code", p->code, "name", p->name, "field", p->field,
            "message", p->message));
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
    json_t *o = json_pack("{s:o, s:I}", "classes", cl, "nodata", (json_int_t)th->classes.nodata);
    /* where the breaks come from: every year's values, reference years, or this year's */
    json_object_set_new(o, "breaks", json_string(th->note ? th->note : th->fixed ? "" :
                                                 th->style->classify.method == PM_CLASSIFY_MANUAL ? "manual" : "this year"));
    json_object_set_new(o, "merged", json_boolean(th->merged));
    return o;
}

/* ranks (by the first map, as every output ranks) and summary (the selected maps'
 * classes) of year index y, from the run's results. */
static void year_json(const pm_project *p, size_t y, json_t *ranks, json_t *in_parent, json_t *summary)
{
    const pm_results *res = &p->res;
    char key[16];
    snprintf(key, sizeof key, "%d", res->years[y]);
    json_t *r = json_object();
    for (size_t c = 0; res->nmaps && c < res->ncommittees; c++) {
        int rank = pm_results_at(res, 0, y)->rank[c];
        json_object_set_new(r, p->ds->committees[c].code, rank ? json_integer(rank) : json_null());
    }
    json_object_set_new(ranks, key, r);
    if (in_parent && res->nmaps) {
        json_t *rp = json_object();
        for (size_t c = 0; c < res->ncommittees; c++) {
            int rank = pm_results_at(res, 0, y)->rank_in_parent[c];
            json_object_set_new(rp, p->ds->committees[c].code, rank ? json_integer(rank) : json_null());
        }
        json_object_set_new(in_parent, key, rp);
    }
    json_t *s = json_object();
    for (size_t k = 0; k < p->nsel; k++)
        json_object_set_new(s, p->styles[p->sel[k]]->id, classes_json(&pm_results_at(res, p->sel[k], y)->th));
    json_object_set_new(summary, key, s);
}

/* What was read of each source: files, features, the CRS and where it came from, the
 * extent in WGS 84.  Printed also when the data have errors: a wrong CRS shows here. */
static void print_sources(const pm_project *p, FILE *out)
{
    for (size_t i = 0; i < p->nsources; i++) {
        const pm_sourceinfo *s = &p->sources[i];
        fprintf(out, "  %-12s %s: %zu %s", s->role, s->files, s->features, s->crs ? "features" : "rows");
        if (s->crs) {
            fprintf(out, ", CRS %s (%s)", s->crs, s->crs_origin ? s->crs_origin : "?");
            if (pm_bbox_valid(&s->extent))
                fprintf(out, ", extent %.5f to %.5f E, %.5f to %.5f N", s->extent.minx, s->extent.maxx,
                        s->extent.miny, s->extent.maxy);
        }
        fputc('\n', out);
    }
}

static json_t *sources_json(const pm_project *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nsources; i++) {
        const pm_sourceinfo *s = &p->sources[i];
        json_t *o = json_pack("{s:s, s:s, s:I}", "role", s->role, "files", s->files, "features",
                              (json_int_t)s->features);
        if (o && s->crs) {
            json_object_set_new(o, "crs", json_string(s->crs));
            json_object_set_new(o, "crs_origin", json_string(s->crs_origin ? s->crs_origin : ""));
            if (pm_bbox_valid(&s->extent))
                json_object_set_new(o, "extent", json_pack("[f, f, f, f]", s->extent.minx, s->extent.miny,
                                                           s->extent.maxx, s->extent.maxy));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static void print_text(const pm_project *p, pm_status st, FILE *out)
{
    fprintf(out, "%s: %zu committees", p->cfg->name, p->ds->ncommittees);
    if (p->ds->nparents) fprintf(out, " in %zu %s", p->ds->nparents, p->cfg->term_parent);
    fprintf(out, ", %zu platforms, %zu projects, years", p->ds->nplatforms, p->ds->nprojects);
    for (size_t y = 0; y < p->ds->nyears; y++) fprintf(out, " %d", p->ds->years[y]);
    fprintf(out, ", %zu maps: %s\n", p->nsel, st ? "problems above" : "OK");
}

pm_status pm_cmd_check(const pm_cmd_opts *o, FILE *out, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    pm_overrides ov = { o->f_committees, o->f_platforms, o->f_projects, o->f_evaluations,
                        o->encoding, o->assume_crs, o->crs };
    pm_status st = pm_project_open_ex(o->config, o->maps, &ov, &d, &p);
    if (!st && p.ndropped) st = PM_EDATA; /* the other maps are fine, but one cannot be drawn */
    if (!st) st = pm_stage_tiles_check_plan(&p, &d); /* as render refuses it */
    if (!o->json) {
        if (!st) pm_prod_check(&p, NULL, &d, err); /* the posters' and atlas's preflight */
        pm_diag_print(&d, err);
        if (p.ds) print_text(&p, st, out);
        print_sources(&p, out);
        pm_project_fini(&p);
        pm_diag_fini(&d);
        return st;
    }
    json_t *root = json_object(), *names = json_object(), *years = json_array();
    json_t *ranks = json_object(), *summary = json_object();
    json_t *in_parent = p.ds && p.ds->nparents ? json_object() : NULL, *parents = NULL;
    if (in_parent) {
        parents = json_object();
        for (size_t c = 0; c < p.ds->ncommittees; c++) {
            long k = p.ds->committees[c].parent;
            json_object_set_new(parents, p.ds->committees[c].code, k >= 0 ? json_string(p.ds->parents[k].name) : json_null());
        }
    }
    if (p.ds) {
        for (size_t c = 0; c < p.ds->ncommittees; c++)
            json_object_set_new(names, p.ds->committees[c].code, json_string(p.ds->committees[c].name));
        for (size_t y = 0; y < p.ds->nyears; y++) json_array_append_new(years, json_integer(p.ds->years[y]));
    }
    if (p.ds && p.res.my)
        for (size_t y = 0; y < p.res.nyears; y++) year_json(&p, y, ranks, in_parent, summary);
    if (!st) pm_prod_check(&p, root, &d, err); /* the posters' and atlas's preflight */
    if (!st && d.errors) st = PM_EDATA;
    json_object_set_new(root, "committees", json_integer(p.ds ? (json_int_t)p.ds->ncommittees : 0));
    json_object_set_new(root, "years", years);
    json_object_set_new(root, "names", names);
    json_object_set_new(root, "ranks", ranks);
    if (in_parent) { /* only where there is a parent level */
        json_object_set_new(root, "parents", parents);
        json_object_set_new(root, "rank_in_parent", in_parent);
    }
    json_object_set_new(root, "summary", summary);
    json_object_set_new(root, "sources", sources_json(&p));
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
