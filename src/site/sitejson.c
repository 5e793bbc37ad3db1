/* JSON helpers of the site's writers (jansson). */
#include "site/sitejson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
#include "core/fileio.h"

void pm_sj_put(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!o || json_object_set_new(o, key, v) != 0) *bad = 1;
}

void pm_sj_push(json_t *a, json_t *v, int *bad)
{
    if (!a || json_array_append_new(a, v) != 0) *bad = 1;
}

json_t *pm_sj_num(double v)
{
    if (!isfinite(v)) return json_null();
    if (v == floor(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

json_t *pm_sj_coord(pm_pt p)
{
    return json_pack("[ff]", round(p.x * 1e6) / 1e6, round(p.y * 1e6) / 1e6);
}

json_t *pm_sj_hex(pm_rgba c)
{
    char buf[8];
    int r = (int)lround(fmin(fmax(c.r, 0), 1) * 255), g = (int)lround(fmin(fmax(c.g, 0), 1) * 255);
    int b = (int)lround(fmin(fmax(c.b, 0), 1) * 255);
    snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return json_string(buf);
}

json_t *pm_sj_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *pm_sj_script(const char *prefix, const json_t *root, const char *suffix, size_t *len)
{
    char *json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (!json) return NULL;
    size_t n = strlen(json), extra = 0, np = strlen(prefix), ns = strlen(suffix);
    for (size_t i = 0; i < n; i++)
        extra += json[i] == '<' || json[i] == '>' || json[i] == '&' ? 5 : (unsigned char)json[i] == 0xE2 ? 3 : 0;
    char *out = malloc(np + n + extra + ns + 1);
    if (!out) { free(json); return NULL; }
    memcpy(out, prefix, np);
    char *o = out + np;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)json[i];
        if (ch == '<' || ch == '>' || ch == '&') {
            o += sprintf(o, "\\u%04x", ch);
        } else if (ch == 0xE2 && i + 2 < n && (unsigned char)json[i + 1] == 0x80 &&
                   ((unsigned char)json[i + 2] == 0xA8 || (unsigned char)json[i + 2] == 0xA9)) {
            o += sprintf(o, "\\u%04x", 0x2000 + ((unsigned char)json[i + 2] - 0x80));
            i += 2;
        } else {
            *o++ = (char)ch;
        }
    }
    memcpy(o, suffix, ns + 1);
    *len = (size_t)(o - out) + ns;
    free(json);
    return out;
}

pm_status pm_sj_write_script(const char *site_dir, const char *key, const json_t *root, pm_pathset *written,
                             char **err)
{
    char *prefix = pm_asprintf("PARTYMAP_LOAD(\"%s\", ", key), *rel = pm_asprintf("%s.js", key);
    char *path = rel ? pm_path_join(site_dir, rel) : NULL, *dir = path ? pm_path_dirname(path) : NULL, *text = NULL;
    size_t len = 0;
    pm_status st = prefix && rel && path && dir ? PM_OK : PM_ENOMEM;
    if (!st && pm_cancelled()) st = PM_ECANCEL; /* a signal: stop at this file boundary */
    if (!st && !(text = pm_sj_script(prefix, root, ");\n", &len))) st = PM_ENOMEM;
    if (!st) st = pm_mkdirs(dir, err);
    if (!st) st = pm_write_if_changed(path, text, len, NULL, err);
    if (!st) st = pm_pathset_add(written, rel);
    free(text);
    free(dir);
    free(path);
    free(rel);
    free(prefix);
    return st;
}
