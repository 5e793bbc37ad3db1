/* The render command: the pipeline from a loaded project to the requested outputs. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analysis/thematic.h"
#include "app/commands.h"
#include "app/outputs.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/poster.h"
#include "render/scene.h"
#include "render/text.h"

double pm_out_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

time_t pm_out_source_time(const pm_config *c)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = 0;
    if (sde && *sde) {
        t = (time_t)strtoll(sde, NULL, 10);
    } else {
        const pm_source *src[] = { &c->committees, &c->platforms, &c->projects, &c->evaluations };
        struct stat sb;
        for (size_t i = 0; i < sizeof src / sizeof *src; i++)
            if (src[i]->path && stat(src[i]->path, &sb) == 0 && sb.st_mtime > t) t = sb.st_mtime;
        if (!t) t = time(NULL);
    }
    return t;
}

/* The date printed in credits: the day of pm_out_source_time. */
static void made_date(const pm_config *c, char *buf, size_t len)
{
    time_t t = pm_out_source_time(c);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

pm_status pm_out_print_tools(const pm_project *p, pm_scene *scene, pm_text **text, FILE *err)
{
    char *msg = NULL;
    *text = NULL;
    pm_status st = pm_scene_build(p->ds, p->cfg->print_crs, scene, &msg);
    if (st) {
        fprintf(err, "partymap: print.crs: %s\n", msg ? msg : pm_strerror(st));
        free(msg);
        return st;
    }
    if ((st = pm_text_new(p->cfg->font, text, &msg)) != PM_OK) {
        fprintf(err, "partymap: font: %s\n", msg ? msg : pm_strerror(st));
        free(msg);
        pm_scene_fini(scene);
    }
    return st;
}

pm_status pm_out_print(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err)
{
    int quiet = o->quiet;
    pm_scene scene;
    pm_text *text = NULL;
    char *msg = NULL, made[32];
    made_date(p->cfg, made, sizeof made);
    pm_status st = pm_out_print_tools(p, &scene, &text, err);
    if (st) return st;
    for (size_t k = 0; !st && k < p->nsel; k++) {
        size_t i = p->sel[k];
        double t0 = pm_out_now();
        pm_diag d;
        pm_diag_init(&d);
        pm_thematic th;
        st = pm_thematic_build(p->styles[i], &p->an.tab, year, &d, &th);
        pm_diag_print(&d, err);
        pm_diag_fini(&d);
        if (st) break;
        char *pdf = pm_asprintf("%s/%d/print/%s.pdf", out, year, p->styles[i]->id);
        char *png = pm_asprintf("%s/%d/print/%s.png", out, year, p->styles[i]->id);
        pm_poster poster = { p->cfg, p->ds, &p->an, &scene, &th, made };
        st = pdf && png ? pm_poster_write(&poster, text, pdf, png, &msg) : PM_ENOMEM;
        if (st) fprintf(err, "partymap: %s\n", msg ? msg : pm_strerror(st));
        else if (!quiet) fprintf(err, "partymap: %d %-12s %s (+ .png) %.2f s\n", year,
                                 p->styles[i]->id, pdf, pm_out_now() - t0);
        free(msg);
        msg = NULL;
        free(pdf);
        free(png);
        pm_thematic_fini(&th);
    }
    free(msg);
    pm_text_free(text);
    pm_scene_fini(&scene);
    return st;
}

pm_status pm_cmd_render(const pm_cmd_opts *o, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    double t0 = pm_out_now();
    pm_status st = pm_project_open(o->config, o->maps, &d, &p);
    pm_diag_print(&d, err);
    if (st) {
        if (st == PM_EDATA) fprintf(err, "partymap: %zu problem(s) in the input; nothing was written\n", d.errors);
        goto done;
    }
    /* --year all (-1): every year of the data; no --year: the latest */
    size_t y0 = p.ds->nyears - 1, y1 = p.ds->nyears - 1;
    if (o->year == -1) y0 = 0;
    else if (o->year) {
        long yi = pm_dataset_year_index(p.ds, o->year);
        if (yi < 0) {
            fprintf(err, "partymap: --year %d: the evaluations have no rows for that year\n", o->year);
            st = PM_EUSAGE;
            goto done;
        }
        y0 = y1 = (size_t)yi;
    }
    const char *out = o->out ? o->out : p.cfg->output;
    size_t stale = 0;
    char *msg = NULL;
    if (!o->dry_run && pm_clean_stale_tmp(out, &stale, &msg) != PM_OK) { /* a dry run removes nothing */
        fprintf(err, "partymap: %s\n", msg);
        free(msg);
    } else if (stale && !o->quiet) {
        fprintf(err, "partymap: removed %zu temporary file(s) left by an interrupted run\n", stale);
    }
    unsigned kinds = o->kinds ? o->kinds : PM_KIND_PRINT | PM_KIND_TILES | PM_KIND_SITE | PM_KIND_ATLAS
                                         | PM_KIND_DATA;
    if (o->shard_n > 1) kinds &= PM_KIND_TILES; /* a shard only renders its tiles */
    for (size_t y = y0; !st && y <= y1; y++) {
        int year = p.ds->years[y];
        if (o->dry_run) { st = pm_out_plan(&p, year, out, kinds, o, stdout); continue; }
        if (kinds & PM_KIND_PRINT) st = pm_out_print(&p, year, out, o, err);
        if (!st && (kinds & PM_KIND_ATLAS)) st = pm_out_atlas(&p, year, out, o, err);
        if (!st && (kinds & PM_KIND_TILES)) st = pm_out_tiles(&p, year, out, o, err);
        if (!st && (kinds & PM_KIND_DATA)) st = pm_out_data(&p, year, out, o, err);
    }
    if (!st && (kinds & PM_KIND_DATA))
        st = o->dry_run ? pm_out_plan_gpkg(out, stdout) : pm_out_gpkg(&p, out, o, err);
    if (!st && (kinds & PM_KIND_SITE))
        st = o->dry_run ? pm_out_plan_site(&p, out, stdout) : pm_out_site(&p, out, o, err);
    if (!st && !o->quiet) fprintf(err, "partymap: done in %.2f s\n", pm_out_now() - t0);
done:
    pm_project_fini(&p);
    pm_diag_fini(&d);
    return st;
}
