/* Atlas output: the diagnosis atlas of a year into out/YEAR/atlas.pdf. */
#include <stdlib.h>
#include <sys/stat.h>

#include "app/outputs.h"
#include "app/print_prod.h"
#include "print/atlas.h"
#include "render/scene.h"
#include "render/text.h"

pm_status pm_out_atlas(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err)
{
    double t0 = pm_out_now();
    pm_scene scene;
    pm_text *text = NULL;
    char *msg = NULL, *path = NULL;
    pm_status st = pm_out_print_tools(p, &scene, &text, err);
    if (st) return st;
    pm_atlas a = { p->cfg, p->ds, &p->an, &scene, (const pm_style *const *)p->styles, p->nstyles, year, 0 };
    int same = 0;
    path = pm_asprintf("%s/%d/atlas.pdf", out, year);
    /* the screen PDF, its preflight, the print PDF with production */
    st = path ? pm_prod_atlas(p, &a, text, path, &same, o, &msg, err) : PM_ENOMEM;
    if (st) {
        fprintf(err, "partymap: atlas: %s\n", msg ? msg : pm_strerror(st));
    } else if (!o->quiet) {
        struct stat sb;
        double mb = stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
        fprintf(err, "partymap: %d atlas        %s (%zu pages, %.1f MB%s) %.2f s\n", year, path,
                pm_atlas_page_count(&a), mb, same ? ", unchanged" : "", pm_out_now() - t0);
    }
    free(path);
    free(msg);
    pm_text_free(text);
    pm_scene_fini(&scene);
    return st;
}
