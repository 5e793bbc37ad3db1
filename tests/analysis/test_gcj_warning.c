/* Points given in GCJ-02 fall mostly outside the committees: the join says so and
 * suggests the datum setting, which then puts every point back. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "app/project.h"
#include "core/fileio.h"
#include "geo/gcj02.h"

/* Rewrites the sample's projects.geojson with GCJ-02 coordinates. */
static void to_gcj(const char *path)
{
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert(root, "%s", e.text);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f) {
        json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
        pm_pt p = { json_number_value(json_array_get(c, 0)), json_number_value(json_array_get(c, 1)) };
        pm_pt g = pm_gcj02_from_wgs84(p);
        json_array_set_new(c, 0, json_real(g.x));
        json_array_set_new(c, 1, json_real(g.y));
    }
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
}

Test(gcj_warning, gcj02_points_are_detected_and_converted, .timeout = PM_T(120))
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *pj = pm_asprintf("%s/geodata/changshou/projects.geojson", dir);
    char *cfg = pm_asprintf("%s/partymap.json", dir);
    to_gcj(pj);
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    cr_assert_eq(pm_project_open(cfg, NULL, &d, &p), PM_OK);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "projects", "warning", "GCJ-02", "\"datum\": \"gcj02\"", NULL), "%s", txt);
    free(txt);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    /* with the datum set, every project joins again */
    char *sed = pm_asprintf("sed -i 's|\"projects\": { \"path\": \"geodata/changshou/projects.geojson\" }|"
                            "\"projects\": { \"path\": \"geodata/changshou/projects.geojson\", \"datum\": \"gcj02\" }|' '%s'", cfg);
    cr_assert_eq(system(sed), 0);
    pm_diag_init(&d);
    cr_assert_eq(pm_project_open(cfg, NULL, &d, &p), PM_OK);
    size_t joined = 0;
    for (size_t i = 0; i < p.ds->nprojects; i++) joined += p.an.project_in[i] >= 0;
    cr_assert_eq(joined, 689, "all projects inside their committees after conversion (%zu)", joined);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    t_rm_tree(dir);
    free(dir); free(pj); free(cfg); free(sed);
}
