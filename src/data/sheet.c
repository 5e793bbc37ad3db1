/* Spreadsheet tables: header detection and empty-row removal on a sheet read cell by cell. */
#include "data/sheet.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

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

/* Where the next element named tag ("<c") starts in s, skipping longer names ("<col"). */
static const char *find_tag(const char *s, const char *tag)
{
    size_t n = strlen(tag);
    for (const char *p = strstr(s, tag); p; p = strstr(p + 1, tag))
        if (p[n] == ' ' || p[n] == '>' || p[n] == '/' || p[n] == '\t' || p[n] == '\n' || p[n] == '\r')
            return p;
    return NULL;
}

/* The value of attribute attr in the tag starting at tag (up to its '>'), into buf. */
static int attr_of(const char *tag, const char *attr, char *buf, size_t len)
{
    const char *end = strchr(tag, '>');
    size_t n = strlen(attr);
    for (const char *p = strstr(tag, attr); p && (!end || p < end); p = strstr(p + 1, attr)) {
        if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r') || p[n] != '=') continue;
        char q = p[n + 1];
        const char *v = p + n + 2, *e = (q == '"' || q == '\'') ? strchr(v, q) : NULL;
        if (!e || (size_t)(e - v) >= len) return 0;
        memcpy(buf, v, (size_t)(e - v));
        buf[e - v] = '\0';
        return 1;
    }
    return 0;
}

/* 1 if an element named tag ("<f", not "<foo") starts in [s, end): bounded, so a
 * sheet of many cells is scanned once, not once per cell. */
static int has_tag(const char *s, const char *end, const char *tag)
{
    size_t n = strlen(tag);
    for (const char *p = s; p + n < end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + n >= end) return 0;
        if (memcmp(p, tag, n) == 0 && strchr(" >/\t\n\r", p[n])) return 1;
    }
    return 0;
}

size_t pm_sheet_uncached_formulas(const char *xml, char first[16])
{
    size_t n = 0;
    if (first) first[0] = '\0';
    for (const char *c = find_tag(xml, "<c"); c; ) {
        const char *gt = strchr(c, '>');
        if (!gt) break;
        if (gt[-1] == '/') { c = find_tag(gt, "<c"); continue; } /* <c .../>: empty */
        const char *end = strstr(gt, "</c>");
        if (!end) break;
        if (has_tag(gt, end, "<f") && !has_tag(gt, end, "<v")) {
            if (!n && first && !attr_of(c, "r", first, 16)) first[0] = '\0';
            n++;
        }
        c = find_tag(end, "<c");
    }
    return n;
}

/* The whole part name of the zip at path ("xl/workbook.xml"), NUL-terminated (caller
 * frees); NULL if absent, unreadable or over 256 MiB. */
static char *zip_part(const char *path, const char *part)
{
    char *name = pm_asprintf("/vsizip/{%s}/%s", path, part);
    GByte *data = NULL;
    vsi_l_offset len = 0;
    int ok = name && VSIIngestFile(NULL, name, &data, &len, (GIntBig)256 << 20);
    free(name);
    if (!ok) { VSIFree(data); return NULL; }
    char *s = malloc((size_t)len + 1);
    if (s) { memcpy(s, data, (size_t)len); s[len] = '\0'; }
    VSIFree(data);
    return s;
}

/* The worksheet part of the index-th sheet: workbook.xml's <sheet r:id>, then its
 * Target in the workbook's relationships (new string, caller frees; NULL if none). */
static char *sheet_part(const char *path, int index)
{
    char *wb = zip_part(path, "xl/workbook.xml"), *rels = NULL, *part = NULL;
    char rid[64], target[512];
    const char *s = wb ? find_tag(wb, "<sheet") : NULL;
    for (int i = 0; s && i < index; i++) s = find_tag(s + 1, "<sheet");
    if (!s || !attr_of(s, "r:id", rid, sizeof rid)) goto done;
    if (!(rels = zip_part(path, "xl/_rels/workbook.xml.rels"))) goto done;
    for (const char *r = find_tag(rels, "<Relationship"); r; r = find_tag(r + 1, "<Relationship")) {
        char id[64];
        if (!attr_of(r, "Id", id, sizeof id) || strcmp(id, rid) != 0) continue;
        if (attr_of(r, "Target", target, sizeof target))
            part = target[0] == '/' ? pm_strdup(target + 1) : pm_asprintf("xl/%s", target);
        break;
    }
done:
    free(wb);
    free(rels);
    return part;
}

pm_status pm_sheet_check_formulas(const char *path, int index, const char *name, const char *file,
                                  pm_diag *diag)
{
    char *part = sheet_part(path, index), *xml = part ? zip_part(path, part) : NULL;
    char first[16];
    size_t n = xml ? pm_sheet_uncached_formulas(xml, first) : 0;
    if (n) {
        size_t k = 0;
        while (isalpha((unsigned char)first[k])) k++;
        char col[16];
        memcpy(col, first, k);
        col[k] = '\0';
        char *more = n > 1 ? pm_asprintf(" (and %zu more cells like it)", n - 1) : pm_strdup("");
        if (!more) { free(part); free(xml); return PM_ENOMEM; }
        pm_diag_add(diag, PM_SEV_ERROR, file, "", "", "sheet %s row %s column %s: a formula without "
                    "a stored value%s: the workbook was saved by a program that does not calculate "
                    "formulas, and partymap would read them as empty (no data); open and save it in "
                    "Excel or LibreOffice, which store the values", name, first + k, col, more);
        free(more);
    }
    free(part);
    free(xml);
    return PM_OK;
}
