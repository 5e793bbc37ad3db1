/* Spreadsheet tables: header detection and empty-row removal on a sheet read cell by cell. */
#include "data/sheet.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_sheet_column_letter(size_t i, char *buf, size_t len)
{
    char tmp[16];
    size_t n = 0;
    for (i++; i > 0 && n < sizeof tmp; i = (i - 1) / 26) tmp[n++] = (char)('A' + (i - 1) % 26);
    size_t k = 0;
    for (; k + 1 < len && n > 0; k++) buf[k] = tmp[--n];
    if (len) buf[k] = '\0';
}

pm_status pm_csv_record_lines(const char *path, long **lines, size_t *n)
{
    *lines = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return PM_EIO;
    size_t cap = 1024;
    long *l = malloc(cap * sizeof *l), line = 1;
    int quoted = 0, empty = 1, c; /* empty: nothing but a CR yet on this record's line */
    long start = 1;
    pm_status st = l ? PM_OK : PM_ENOMEM;
    while (!st && (c = getc(f)) != EOF) {
        if (c == '"') quoted = !quoted;
        if (c == '\n') {
            line++;
            if (quoted) continue;
            if (!empty) {
                if (*n == cap) {
                    long *nl = realloc(l, 2 * cap * sizeof *nl);
                    if (!nl) { st = PM_ENOMEM; break; }
                    l = nl;
                    cap *= 2;
                }
                l[(*n)++] = start;
            }
            empty = 1;
            start = line;
        } else if (c != '\r') {
            empty = 0;
        }
    }
    if (!st && !empty) {
        if (*n == cap) {
            long *nl = realloc(l, (cap + 1) * sizeof *nl);
            if (!nl) st = PM_ENOMEM;
            else l = nl;
        }
        if (!st) l[(*n)++] = start;
    }
    if (!st && ferror(f)) st = PM_EIO;
    fclose(f);
    if (st) { free(l); *n = 0; return st; }
    *lines = l;
    return PM_OK;
}

static int is_number(const char *s)
{
    char *end;
    strtod(s, &end);
    while (isspace((unsigned char)*end)) end++;
    return end != s && *end == '\0';
}

static int is_header_row(const pm_vlayer *l, const pm_vfeature *f)
{
    size_t cells = 0;
    for (size_t j = 0; j < l->nfields; j++) {
        if (!f->attrs[j]) continue;
        if (is_number(f->attrs[j])) return 0;
        cells++;
    }
    return cells >= 2;
}

static int is_empty_row(const pm_vlayer *l, const pm_vfeature *f)
{
    for (size_t j = 0; j < l->nfields; j++) {
        const char *s = f->attrs[j];
        while (s && isspace((unsigned char)*s)) s++;
        if (s && *s) return 0;
    }
    return 1;
}

static void drop_row(const pm_vlayer *l, pm_vfeature *f)
{
    for (size_t j = 0; f->attrs && j < l->nfields; j++) free(f->attrs[j]);
    free(f->attrs);
    pm_geom_fini(&f->geom);
}

/* s without leading and trailing white space (line breaks in header cells), in place. */
static char *trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (a < n && isspace((unsigned char)s[a])) a++;
    while (n > a && isspace((unsigned char)s[n - 1])) n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
    return s;
}

pm_status pm_sheet_promote_header(pm_vlayer *l, pm_diag *diag)
{
    size_t h = 0;
    while (h < l->n && h < PM_SHEET_HEADER_ROWS && !is_header_row(l, &l->feats[h])) h++;
    if (h == l->n || h == PM_SHEET_HEADER_ROWS) {
        pm_diag_add(diag, PM_SEV_ERROR, l->file, "", "", "sheet \"%s\": "
                    "no header row in the first %d rows (a row of column names such as "
                    "code, year, service)", l->sheet ? l->sheet : "?", PM_SHEET_HEADER_ROWS);
        return PM_OK;
    }
    char **names = calloc(l->nfields + 1, sizeof *names);
    if (!names) return PM_ENOMEM;
    for (size_t j = 0; j < l->nfields; j++) {
        char *cell = l->feats[h].attrs[j];
        if (cell && *trim(cell)) {
            names[j] = cell;
            l->feats[h].attrs[j] = NULL;
        } else {
            char letter[16];
            pm_sheet_column_letter(j, letter, sizeof letter);
            if (!(names[j] = pm_strdup(letter))) {
                for (size_t k = 0; k < j; k++) free(names[k]);
                free(names);
                return PM_ENOMEM;
            }
        }
    }
    for (size_t j = 0; j < l->nfields; j++) {
        free(l->fields[j]);
        l->fields[j] = names[j];
    }
    free(names);
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i <= h || is_empty_row(l, &l->feats[i])) drop_row(l, &l->feats[i]);
        else l->feats[kept++] = l->feats[i];
    }
    l->n = kept;
    return PM_OK;
}
