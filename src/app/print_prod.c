/* Print production: the screen and print PDFs of posters and the atlas, and their preflight. */
#include "app/print_prod.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/fileio.h"
#include "print/preflight.h"
#include "render/house.h"
#include "style/cbsafe.h"

static double file_mb(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
}

/* ---- preflight ---------------------------------------------------------------- */

typedef struct {
    FILE *err;        /* print "partymap: preflight: WHAT: msg" (may be NULL) */
    const char *what;
    pm_diag *diag;    /* or record warnings (may be NULL) */
    const char *file;
    json_t *list;     /* and collect the messages (may be NULL) */
} report_ctx;

static void report(void *vc, const char *topic, const char *msg)
{
    report_ctx *c = vc;
    if (c->err) fprintf(c->err, "partymap: preflight: %s: %s\n", c->what, msg);
    if (c->diag) pm_diag_add(c->diag, PM_SEV_WARNING, c->file, "preflight", topic, "%s", msg);
    if (c->list) json_array_append_new(c->list, json_string(msg));
}

/* Measures doc's bytes and the maps drawn on it; pf initialised (pm_preflight_fini). */
static pm_status preflight(const pm_pdfdoc *doc, const pm_thematic *const *maps, size_t nmaps,
                           pm_preflight *pf, char **err)
{
    const double ink[3] = { PM_INK.r, PM_INK.g, PM_INK.b };
    size_t len = 0;
    const unsigned char *b = pm_pdfdoc_bytes(doc, &len);
    pm_preflight_init(pf);
    pm_status st = pm_preflight_pdf(pf, b, len, err);
    for (size_t i = 0; !st && i < nmaps; i++) st = pm_preflight_map(pf, maps[i]);
    if (!st) st = pm_preflight_inks(pf, ink);
    return st;
}

static json_t *num(double v, int decimals)
{
    if (!isfinite(v)) return json_null();
    double k = pow(10, decimals);
    return json_real(round(v * k) / k);
}

static json_t *hex_json(pm_rgba c)
{
    char h[8];
    snprintf(h, sizeof h, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
    return json_string(h);
}

static json_t *preflight_json(const pm_preflight *pf, const char *file, int year, size_t pages)
{
    json_t *o = json_object(), *fonts = json_array(), *classes = json_array(), *pal = json_array();
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "pages", json_integer((json_int_t)pages));
    json_object_set_new(o, "min_text_pt", num(pf->min_text_pt, 2));
    json_object_set_new(o, "min_text_page", json_integer((json_int_t)pf->min_text_page));
    json_object_set_new(o, "min_line_pt", num(pf->min_line_pt, 3));
    json_object_set_new(o, "min_line_page", json_integer((json_int_t)pf->min_line_page));
    json_object_set_new(o, "fonts", json_integer((json_int_t)pf->nfonts));
    for (size_t i = 0; i < pf->nnot_embedded; i++) json_array_append_new(fonts, json_string(pf->not_embedded[i]));
    json_object_set_new(o, "fonts_not_embedded", fonts);
    json_object_set_new(o, "max_ink_pct", pf->inks_known ? num(pf->max_ink, 1) : json_null());
    json_object_set_new(o, "max_ink_color", pf->inks_known ? hex_json(pf->max_ink_rgb) : json_null());
    json_object_set_new(o, "lightest_tint_pct", pf->inks_known ? num(pf->min_tint, 1) : json_null());
    json_object_set_new(o, "lightest_tint_class", pf->inks_known && pf->nclasses
                        ? json_string(pf->classes[pf->min_tint_class].what) : json_null());
    if (pf->inks_error) json_object_set_new(o, "inks_error", json_string(pf->inks_error));
    for (size_t i = 0; i < pf->nclasses; i++) {
        const pm_preflight_class *c = &pf->classes[i];
        json_t *cm = json_array();
        for (int k = 0; pf->inks_known && k < 4; k++) json_array_append_new(cm, num(c->cmyk[k] * 100, 1));
        json_array_append_new(classes, json_pack("{s:s, s:o, s:o}", "class", c->what, "color", hex_json(c->rgb),
                                                 "cmyk_pct", pf->inks_known ? cm : json_null()));
        if (!pf->inks_known) json_decref(cm);
    }
    json_object_set_new(o, "classes", classes);
    for (size_t i = 0; i < pf->npalettes; i++) {
        const pm_preflight_palette *p = &pf->palettes[i];
        json_array_append_new(pal, json_pack("{s:s, s:s, s:I, s:s}", "map", p->map, "palette", p->palette,
                                             "classes", (json_int_t)p->classes, "colorblind",
                                             pm_cb_rating_text((pm_cb_rating)p->rating)));
    }
    json_object_set_new(o, "palettes", pal);
    json_t *problems = json_array();
    report_ctx rc = { NULL, NULL, NULL, NULL, problems };
    size_t n = pm_preflight_problems(pf, report, &rc);
    json_object_set_new(o, "problems", problems);
    json_object_set_new(o, "ok", json_boolean(n == 0));
    return o;
}

/* ---- render --------------------------------------------------------------------- */

static void warn(const pm_preflight *pf, const char *what, const pm_runopts *o, FILE *err)
{
    if (o->quiet) return;
    report_ctx rc = { err, what, NULL, NULL, NULL };
    pm_preflight_problems(pf, report, &rc);
    if (pf->inks_error) fprintf(err, "partymap: preflight: %s: inks not checked: %s\n", what, pf->inks_error);
}

/* Preflight of doc for what, warnings on err; a preflight that cannot run is reported
 * and skipped (it never stops the outputs). */
static void check_doc(const pm_pdfdoc *doc, const pm_thematic *const *maps, size_t nmaps,
                      const char *what, const pm_runopts *o, FILE *err)
{
    pm_preflight pf;
    char *msg = NULL;
    if (preflight(doc, maps, nmaps, &pf, &msg) == PM_OK) warn(&pf, what, o, err);
    else if (!o->quiet) fprintf(err, "partymap: preflight: %s: %s\n", what, msg ? msg : "failed");
    free(msg);
    pm_preflight_fini(&pf);
}

static pm_status write_print(pm_pdfdoc *doc, const char *path, const char *what, double t0,
                             const pm_runopts *o, FILE *err)
{
    char *msg = NULL;
    int same = 0;
    pm_status st = pm_pdfdoc_write(doc, path, &same, &msg);
    if (st) fprintf(err, "partymap: %s\n", msg ? msg : pm_strerror(st));
    else if (!o->quiet)
        fprintf(err, "partymap: %s %s (PDF/X-3, CMYK, %.1f MB%s) %.2f s\n", what, path, file_mb(path),
                same ? ", unchanged" : "", pm_clock_now() - t0);
    free(msg);
    return st;
}

pm_status pm_prod_poster(const pm_runctx *rc, const pm_poster *poster, pm_text *t,
                         const pm_prod_paths *to, FILE *err)
{
    const pm_project *p = rc->p;
    const pm_runopts *o = &rc->o;
    const char *pdf = to->pdf, *png = to->png;
    double t0 = pm_clock_now();
    int prod = o->production;
    const pm_thematic *maps[1] = { poster->th };
    char what[64], *msg = NULL;
    snprintf(what, sizeof what, "%d %-12s", poster->th->year, poster->th->style->id);
    pm_pdfdoc doc;
    pm_status st = pm_poster_render(poster, t, NULL, &doc, &msg);
    if (st) {
        fprintf(err, "partymap: %s: %s\n", pdf, msg ? msg : pm_strerror(st));
        free(msg);
        return st;
    }
    if (!prod) check_doc(&doc, maps, 1, what, o, err);
    if ((st = pm_pdfdoc_write(&doc, pdf, NULL, &msg)) == PM_OK) st = pm_poster_preview(poster, t, png, &msg);
    if (st) fprintf(err, "partymap: %s\n", msg ? msg : pm_strerror(st));
    else if (!o->quiet) fprintf(err, "partymap: %s %s (+ .png) %.2f s\n", what, pdf, pm_clock_now() - t0);
    free(msg);
    msg = NULL;
    if (st || !prod) return st;
    t0 = pm_clock_now();
    pm_poster pp = *poster;
    pp.print = 1;
    pm_printbox pb = pm_printbox_make(p->cfg->bleed_mm, p->cfg->crop_marks);
    const char *path = to->print_pdf;
    st = pm_poster_render(&pp, t, &pb, &doc, &msg);
    if (st) fprintf(err, "partymap: %s: %s\n", path, msg ? msg : pm_strerror(st));
    free(msg);
    if (!st) check_doc(&doc, maps, 1, what, o, err);
    if (!st) st = write_print(&doc, path, what, t0, o, err);
    return st;
}

/* The thematic maps of every map for year (the atlas shows them all), from the results. */
static size_t atlas_maps(const pm_project *p, int year, const pm_thematic **ptr)
{
    long y = pm_results_year(&p->res, year);
    size_t n = 0;
    for (size_t i = 0; y >= 0 && i < p->res.nmaps; i++) ptr[n++] = &pm_results_at(&p->res, i, (size_t)y)->th;
    return n;
}

static void atlas_check(const pm_project *p, const pm_atlas *a, const pm_pdfdoc *doc,
                        const pm_runopts *o, FILE *err)
{
    const pm_thematic **ptr = calloc(p->res.nmaps + 1, sizeof *ptr);
    char what[64];
    snprintf(what, sizeof what, "%d atlas       ", a->year);
    if (ptr) check_doc(doc, ptr, atlas_maps(p, a->year, ptr), what, o, err);
    free(ptr);
}

pm_status pm_prod_atlas(const pm_runctx *rc, const pm_atlas *a, pm_text *t, const pm_prod_paths *to,
                        int *unchanged, char **msg, FILE *err)
{
    const pm_project *p = rc->p;
    const pm_runopts *o = &rc->o;
    const char *path = to->pdf;
    int prod = o->production;
    pm_pdfdoc doc;
    char *m = NULL;
    pm_status st = pm_atlas_render(a, t, NULL, &doc, &m);
    if (st) {
        *msg = pm_asprintf("%s: %s", path, m ? m : pm_strerror(st));
        free(m);
        return st;
    }
    if (!prod) atlas_check(p, a, &doc, o, err);
    if ((st = pm_pdfdoc_write(&doc, path, unchanged, msg)) != PM_OK || !prod) return st;
    double t0 = pm_clock_now();
    pm_atlas pa = *a;
    pa.print = 1;
    pm_printbox pb = pm_printbox_make(p->cfg->bleed_mm, p->cfg->crop_marks);
    const char *pp = to->print_pdf;
    char what[64];
    snprintf(what, sizeof what, "%d atlas       ", a->year);
    st = pm_atlas_render(&pa, t, &pb, &doc, &m);
    if (st) *msg = pm_asprintf("%s: %s", pp, m ? m : pm_strerror(st));
    free(m);
    if (!st) atlas_check(p, &pa, &doc, o, err);
    int same = 0;
    if (!st && (st = pm_pdfdoc_write(&doc, pp, &same, msg)) == PM_OK && !o->quiet)
        fprintf(err, "partymap: %s %s (PDF/X-3, CMYK, %zu pages, %.1f MB%s) %.2f s\n", what, pp,
                pm_atlas_page_count(a), file_mb(pp), same ? ", unchanged" : "", pm_clock_now() - t0);
    return st;
}

/* ---- check ------------------------------------------------------------------ */

static void check_one(const pm_pdfdoc *doc, const pm_thematic *const *maps, size_t nmaps,
                      const char *key, const char *file, int year, size_t pages, json_t *obj,
                      pm_diag *d, FILE *err)
{
    pm_preflight pf;
    char *msg = NULL;
    if (preflight(doc, maps, nmaps, &pf, &msg) == PM_OK) {
        if (obj) json_object_set_new(obj, key, preflight_json(&pf, file, year, pages));
        report_ctx rc = { NULL, NULL, d, file, NULL };
        pm_preflight_problems(&pf, report, &rc);
        if (pf.inks_error && err) fprintf(err, "partymap: preflight: %s: inks not checked: %s\n", file, pf.inks_error);
    } else {
        pm_diag_add(d, PM_SEV_WARNING, file, "preflight", "", "cannot measure the PDF: %s", msg ? msg : "?");
    }
    free(msg);
    pm_preflight_fini(&pf);
}

pm_status pm_prod_check(const pm_project *p, json_t *root, pm_diag *d, FILE *err)
{
    pm_scene scene;
    pm_text *text = NULL;
    char *why = NULL;
    if (pm_scene_build(p->ds, p->cfg->print_crs, &scene, &why) != PM_OK) { free(why); return PM_OK; }
    if (pm_text_new(p->cfg->font, &text, &why) != PM_OK) { /* check reports fonts elsewhere */
        free(why);
        pm_scene_fini(&scene);
        return PM_OK;
    }
    pm_status st = PM_OK;
    int year = p->ds->years[p->ds->nyears - 1];
    json_t *obj = root ? json_object() : NULL;
    pm_printbox pb = pm_printbox_make(p->cfg->bleed_mm, p->cfg->crop_marks);
    const pm_thematic **ptr = calloc(p->res.nmaps + 1, sizeof *ptr);
    size_t n = ptr ? atlas_maps(p, year, ptr) : 0;
    if (!ptr) st = PM_ENOMEM;
    for (size_t k = 0; !st && k < p->nsel; k++) {
        const pm_thematic *tm = NULL;
        for (size_t i = 0; i < n; i++) if (ptr[i]->style == p->styles[p->sel[k]]) tm = ptr[i];
        if (!tm) continue;
        pm_poster poster = { p->cfg, p->ds, &p->an, &scene, tm, "", 1 };
        pm_pdfdoc doc;
        char *file = pm_asprintf("%d/print/%s.print.pdf", year, tm->style->id), *msg = NULL;
        if (file && pm_poster_render(&poster, text, &pb, &doc, &msg) == PM_OK) {
            check_one(&doc, &tm, 1, tm->style->id, file, year, 1, obj, d, err);
            pm_pdfdoc_abort(&doc);
        }
        free(file);
        free(msg);
    }
    pm_atlas a = { p->cfg, p->ds, &p->an, &scene, &p->res, year, 1 };
    pm_pdfdoc doc;
    char *msg = NULL, file[64];
    snprintf(file, sizeof file, "%d/atlas.print.pdf", year);
    if (!st && n && pm_atlas_render(&a, text, &pb, &doc, &msg) == PM_OK) {
        check_one(&doc, ptr, n, "atlas", file, year, pm_atlas_page_count(&a), obj, d, err);
        pm_pdfdoc_abort(&doc);
    }
    free(msg);
    if (!p->cfg->approval_number)
        pm_diag_add(d, PM_SEV_WARNING, pm_path_basename(p->cfg->path ? p->cfg->path : "partymap.json"), "",
                    "approval.number", "no map approval number (审图号): published maps in China must carry one");
    if (obj) json_object_set_new(root, "preflight", obj);
    free(ptr);
    pm_text_free(text);
    pm_scene_fini(&scene);
    return st;
}
