/* The init command: a first config from a folder of the files an agency sends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/commands.h"
#include "app/init_plan.h"
#include "core/fileio.h"
#include "data/probe.h"

#define STYLE_MAX_BYTES (1u << 20)

typedef struct {
    pm_probe *probes;
    size_t n;
} probes;

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* path without the leading "dir/" it was listed with. */
static const char *below(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* Probes every data file under dir but the config; files that are no data are listed. */
static pm_status probe_all(const char *dir, const char *config, probes *ps, FILE *out, FILE *err)
{
    char **paths = NULL, *e = NULL;
    size_t n = 0;
    pm_status st = pm_probe_list(dir, &paths, &n, &e);
    if (st) {
        fprintf(err, "partymap: %s\n", e ? e : pm_strerror(st));
        free(e);
        return st;
    }
    ps->probes = calloc(n + 1, sizeof *ps->probes);
    if (!ps->probes) st = PM_ENOMEM;
    for (size_t i = 0; !st && i < n; i++) {
        if (same_file(paths[i], config)) continue;
        char *why = NULL;
        pm_status ps_st = pm_probe_file(paths[i], &ps->probes[ps->n], &why);
        if (ps_st == PM_OK) ps->n++;
        else {
            pm_probe_fini(&ps->probes[ps->n]);
            if (ps_st == PM_ENOMEM) st = ps_st;
            else fprintf(out, "  %s: skipped: %s\n", below(dir, paths[i]), why ? why : pm_strerror(ps_st));
        }
        free(why);
    }
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    return st;
}

/* Copies the styles of the config's maps beside it; a style already there is kept
 * (it may have been edited).  Counts what was copied and kept. */
static pm_status copy_styles(const pm_init_plan *plan, const char *config_dir, size_t *copied,
                             size_t *kept, FILE *err)
{
    char *sdir = pm_path_join(config_dir, "styles"), *e = NULL;
    pm_status st = sdir ? pm_mkdirs(sdir, &e) : PM_ENOMEM;
    for (size_t i = 0; !st && i < plan->nmaps; i++) {
        char *name = pm_asprintf("%s.json", plan->maps[i]);
        char *dst = name ? pm_path_join(sdir, name) : NULL;
        char *src = name ? pm_asprintf("%s/styles/%s", PM_SOURCE_DIR, name) : NULL;
        char *text = NULL;
        size_t len = 0;
        if (!dst || !src) st = PM_ENOMEM;
        else if (pm_path_exists(dst)) (*kept)++;
        else if ((st = pm_read_file(src, STYLE_MAX_BYTES, &text, &len, &e)) == PM_OK
                 && (st = pm_write_atomic(dst, text, len, &e)) == PM_OK)
            (*copied)++;
        free(text);
        free(src);
        free(dst);
        free(name);
    }
    if (st) fprintf(err, "partymap: styles: %s\n", e ? e : pm_strerror(st));
    free(e);
    free(sdir);
    return st;
}

static pm_status write_config(const char *config, const pm_init_plan *plan, FILE *err)
{
    char *text = pm_asprintf("%s\n", plan->config), *e = NULL;
    pm_status st = text ? pm_write_atomic(config, text, strlen(text), &e) : PM_ENOMEM;
    if (st) fprintf(err, "partymap: %s: %s\n", config, e ? e : pm_strerror(st));
    free(e);
    free(text);
    return st;
}

static void print_todo(const pm_init_plan *plan, const char *config, pm_status check, FILE *out)
{
    if (!plan->ntodo) {
        fprintf(out, "\n%s\n", check == PM_OK ? "nothing left to do / 配置完成" : "fix the problems above");
    } else {
        fprintf(out, "\nstill to do (also in the config's \"_todo\") / 尚需完成：\n");
        for (size_t i = 0; i < plan->ntodo; i++) fprintf(out, "  %zu. %s\n", i + 1, plan->todo[i]);
    }
    fprintf(out, "then: partymap check -c %s && partymap render -c %s\n", config, config);
}

static pm_status run_init(const char *dir, const char *config, FILE *out, FILE *err)
{
    char *config_dir = pm_path_dirname(config), *e = NULL;
    if (!config_dir) return PM_ENOMEM;
    pm_status st = pm_mkdirs(config_dir, &e);
    if (st) fprintf(err, "partymap: %s: %s\n", config_dir, e ? e : pm_strerror(st));
    free(e);
    probes ps = { 0 };
    pm_init_plan plan = { 0 };
    fprintf(out, "partymap init: reading %s\n", dir);
    if (!st) st = probe_all(dir, config, &ps, out, err);
    if (!st && !ps.n) {
        fprintf(err, "partymap: %s: no vector files or tables found (shapefiles, GeoJSON, "
                "GeoPackage, CSV, XLSX)\n", dir);
        st = PM_EDATA;
    }
    if (!st) st = pm_init_guess(ps.probes, ps.n, config_dir, dir, &plan);
    for (size_t i = 0; !st && i < plan.nfound; i++) fprintf(out, "  %s\n", plan.found[i]);
    if (!st) st = write_config(config, &plan, err);
    size_t copied = 0, kept = 0;
    if (!st) st = copy_styles(&plan, config_dir, &copied, &kept, err);
    if (!st) {
        fprintf(out, "wrote %s (%zu to do) and %zu styles in %s/styles (%zu kept as they were)\n",
                config, plan.ntodo, copied, config_dir, kept);
        fprintf(out, "\ncheck (partymap check -c %s):\n", config);
        fflush(out);
        pm_cmd_opts o = { 0 };
        o.config = config;
        pm_status cst = pm_cmd_check(&o, out, err);
        fflush(err);
        print_todo(&plan, config, cst, out);
        st = cst;
    }
    pm_init_plan_fini(&plan);
    for (size_t i = 0; i < ps.n; i++) pm_probe_fini(&ps.probes[i]);
    free(ps.probes);
    free(config_dir);
    return st;
}

pm_status pm_cmd_init(const char *dir, const char *config, int force, FILE *out, FILE *err)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(err, "partymap: init: %s: %s\n", dir, stat(dir, &sb) ? strerror(errno) : "not a folder");
        return PM_EUSAGE;
    }
    char *def = config ? NULL : pm_path_join(dir, "partymap.json");
    const char *path = config ? config : def;
    pm_status st = path ? PM_OK : PM_ENOMEM;
    if (!st && pm_path_exists(path) && !force) {
        fprintf(err, "partymap: init: %s exists: give another name with -o, or --force to replace "
                "it\n", path);
        st = PM_EUSAGE;
    }
    if (!st) st = run_init(dir, path, out, err);
    free(def);
    return st;
}
