/* PDF files: cross-reference tables, object lookup, stream decoding, incremental updates. */
#include "print/pdfedit.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_SECTIONS 32
#define MAX_PAGES 100000
#define MAX_STREAM (512u << 20)

typedef struct { long num; size_t off; int used; } xref_entry;

struct pm_pdf {
    const unsigned char *data;
    size_t len;
    size_t *off;        /* per object number; 0 = free or absent */
    long nobj;
    pm_pdfv *trailer;   /* the newest trailer */
    size_t startxref;
    long *pages;
    size_t npages, pcap;
};

static pm_status fail(char **err, const char *what)
{
    if (err && !*err) *err = pm_strdup(what);
    return PM_EDATA;
}

static int tok_eq(const unsigned char *s, size_t n, const char *w)
{
    return n == strlen(w) && memcmp(s, w, n) == 0;
}

static int tok_long(const unsigned char *s, size_t n, long *v)
{
    if (n == 0 || n > 18) return 0;
    long r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        r = r * 10 + (s[i] - '0');
    }
    *v = r;
    return 1;
}

static int find_startxref(const unsigned char *d, size_t len, size_t *pos)
{
    static const char key[] = "startxref";
    size_t k = sizeof key - 1, lo = len > 2048 ? len - 2048 : 0;
    for (size_t i = len >= k ? len - k : 0; i + 1 > lo; i--) {
        if (memcmp(d + i, key, k) == 0) {
            pm_pdflex x = { d + i + k, d + len };
            const unsigned char *s;
            size_t n;
            long v;
            if (!pm_pdflex_token(&x, &s, &n) || !tok_long(s, n, &v) || (size_t)v >= len) return 0;
            *pos = (size_t)v;
            return 1;
        }
        if (i == 0) break;
    }
    return 0;
}

/* One cross-reference section at off: entries appended to *e, its trailer returned. */
static pm_status read_section(pm_pdf *p, size_t off, xref_entry **e, size_t *ne, size_t *cap,
                              pm_pdfv **trailer, char **err)
{
    pm_pdflex x = { p->data + off, p->data + p->len };
    const unsigned char *s;
    size_t n;
    if (!pm_pdflex_token(&x, &s, &n)) return fail(err, "no cross-reference table at startxref");
    if (!tok_eq(s, n, "xref"))
        return fail(err, "a cross-reference stream (PDF 1.5 compressed objects) is not supported");
    for (;;) {
        long first, count;
        if (!pm_pdflex_token(&x, &s, &n)) return fail(err, "cross-reference table ends early");
        if (tok_eq(s, n, "trailer")) break;
        if (!tok_long(s, n, &first) || !pm_pdflex_token(&x, &s, &n) || !tok_long(s, n, &count)
            || count > 10000000)
            return fail(err, "malformed cross-reference subsection");
        for (long i = 0; i < count; i++) {
            long o, g;
            const unsigned char *t;
            size_t tn;
            if (!pm_pdflex_token(&x, &s, &n) || !tok_long(s, n, &o) || !pm_pdflex_token(&x, &t, &tn)
                || !tok_long(t, tn, &g) || !pm_pdflex_token(&x, &t, &tn) || tn != 1)
                return fail(err, "malformed cross-reference entry");
            if (*ne == *cap && pm_grow((void **)e, cap, *ne + 1, sizeof **e)) return PM_ENOMEM;
            (*e)[(*ne)++] = (xref_entry){ first + i, t[0] == 'n' ? (size_t)o : 0, 1 };
        }
    }
    pm_status st = pm_pdfv_parse(&x, trailer);
    if (st == PM_EDATA || (!st && (*trailer)->kind != PM_PDF_DICT)) {
        pm_pdfv_free(*trailer);
        *trailer = NULL;
        return fail(err, "malformed trailer");
    }
    return st;
}

static pm_status read_xref(pm_pdf *p, char **err)
{
    xref_entry *e = NULL;
    size_t ne = 0, cap = 0, off = p->startxref, seen[MAX_SECTIONS];
    pm_status st = PM_OK;
    for (int k = 0; !st; k++) {
        if (k == MAX_SECTIONS) { st = fail(err, "too many cross-reference sections"); break; }
        for (int j = 0; j < k; j++)
            if (seen[j] == off) st = fail(err, "cross-reference sections form a loop");
        if (st) break;
        seen[k] = off;
        pm_pdfv *tr = NULL;
        if ((st = read_section(p, off, &e, &ne, &cap, &tr, err)) != PM_OK) break;
        pm_pdfv *prev = pm_pdfv_get(tr, "Prev");
        int more = prev && prev->kind == PM_PDF_NUM && prev->num >= 0 && prev->num < (double)p->len;
        if (more) off = (size_t)prev->num;
        if (!p->trailer) p->trailer = tr;
        else pm_pdfv_free(tr);
        if (!more) break;
    }
    long maxn = -1;
    for (size_t i = 0; !st && i < ne; i++) if (e[i].num > maxn) maxn = e[i].num;
    if (!st && !(p->off = calloc((size_t)maxn + 2, sizeof *p->off))) st = PM_ENOMEM;
    if (!st) {
        p->nobj = maxn + 1;
        unsigned char *done = calloc((size_t)maxn + 2, 1);
        if (!done) st = PM_ENOMEM;
        for (size_t i = 0; done && i < ne; i++) /* newest section first: it wins */
            if (!done[e[i].num]) { done[e[i].num] = 1; p->off[e[i].num] = e[i].off; }
        free(done);
    }
    free(e);
    return st;
}

/* Lexer positioned after "num gen obj" of object num. */
static pm_status object_at(const pm_pdf *p, long num, pm_pdflex *x)
{
    if (num <= 0 || num >= p->nobj || !p->off[num] || p->off[num] >= p->len) return PM_EDATA;
    *x = (pm_pdflex){ p->data + p->off[num], p->data + p->len };
    const unsigned char *s;
    size_t n;
    long v;
    if (!pm_pdflex_token(x, &s, &n) || !tok_long(s, n, &v) || v != num) return PM_EDATA;
    if (!pm_pdflex_token(x, &s, &n) || !tok_long(s, n, &v)) return PM_EDATA;
    if (!pm_pdflex_token(x, &s, &n) || !tok_eq(s, n, "obj")) return PM_EDATA;
    return PM_OK;
}

pm_status pm_pdf_get(const pm_pdf *p, long num, pm_pdfv **out)
{
    *out = NULL;
    pm_pdflex x;
    pm_status st = object_at(p, num, &x);
    return st ? st : pm_pdfv_parse(&x, out);
}

pm_pdfv *pm_pdf_deref(const pm_pdf *p, pm_pdfv *v, pm_pdfv **owned)
{
    *owned = NULL;
    if (!v || v->kind != PM_PDF_REF) return v;
    if (pm_pdf_get(p, v->ref, owned) != PM_OK) return NULL;
    return *owned;
}

static pm_status inflate_all(const unsigned char *in, size_t n, unsigned char **out, size_t *len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return PM_ENOMEM;
    size_t cap = n * 4 + 1024, used = 0;
    unsigned char *buf = malloc(cap);
    pm_status st = buf ? PM_OK : PM_ENOMEM;
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    while (!st) {
        if (used == cap) {
            unsigned char *b = cap < MAX_STREAM ? realloc(buf, cap * 2) : NULL;
            if (!b) { st = cap < MAX_STREAM ? PM_ENOMEM : PM_EDATA; break; }
            buf = b;
            cap *= 2;
        }
        z.next_out = buf + used;
        z.avail_out = (uInt)(cap - used);
        int r = inflate(&z, Z_NO_FLUSH);
        used = cap - z.avail_out;
        if (r == Z_STREAM_END) break;
        if (r == Z_BUF_ERROR && z.avail_in == 0) break; /* truncated but usable */
        if (r != Z_OK && r != Z_BUF_ERROR) st = PM_EDATA;
    }
    inflateEnd(&z);
    if (st) { free(buf); return st; }
    *out = buf;
    *len = used;
    return PM_OK;
}

pm_status pm_pdf_stream(const pm_pdf *p, long num, pm_pdfv **dict, unsigned char **data, size_t *len)
{
    *dict = NULL;
    *data = NULL;
    pm_pdflex x;
    pm_status st = object_at(p, num, &x);
    if (!st) st = pm_pdfv_parse(&x, dict);
    if (st) return st;
    const unsigned char *s;
    size_t n;
    pm_pdfv *own = NULL, *lv = pm_pdf_deref(p, pm_pdfv_get(*dict, "Length"), &own);
    double slen = lv && lv->kind == PM_PDF_NUM ? lv->num : -1;
    pm_pdfv_free(own);
    if ((*dict)->kind != PM_PDF_DICT || !pm_pdflex_token(&x, &s, &n) || !tok_eq(s, n, "stream") || slen < 0)
        st = PM_EDATA;
    const unsigned char *b = x.p;
    if (!st && b < x.end && *b == '\r') b++;
    if (!st && b < x.end && *b == '\n') b++;
    if (!st && (size_t)(x.end - b) < (size_t)slen) st = PM_EDATA;
    pm_pdfv *f = pm_pdfv_get(*dict, "Filter");
    if (f && f->kind == PM_PDF_ARRAY && f->n == 1) f = f->items[0];
    if (!st && pm_pdfv_get(*dict, "DecodeParms")) st = PM_EDATA;
    if (!st && !f) {
        if (!(*data = malloc((size_t)slen + 1))) st = PM_ENOMEM;
        else { memcpy(*data, b, (size_t)slen); *len = (size_t)slen; }
    } else if (!st) {
        st = pm_pdfv_is_name(f, "FlateDecode") ? inflate_all(b, (size_t)slen, data, len) : PM_EDATA;
    }
    if (st) { pm_pdfv_free(*dict); *dict = NULL; }
    return st;
}

static pm_status walk_pages(pm_pdf *p, long num, int depth, char **err)
{
    if (depth > 32) return fail(err, "page tree too deep");
    pm_pdfv *node = NULL;
    if (pm_pdf_get(p, num, &node) != PM_OK || node->kind != PM_PDF_DICT) {
        pm_pdfv_free(node);
        return fail(err, "page tree: an object is missing or not a dictionary");
    }
    pm_pdfv *kids = pm_pdfv_get(node, "Kids");
    pm_status st = PM_OK;
    if (pm_pdfv_is_name(pm_pdfv_get(node, "Type"), "Pages") || kids) {
        for (size_t i = 0; !st && kids && kids->kind == PM_PDF_ARRAY && i < kids->n; i++)
            st = kids->items[i]->kind == PM_PDF_REF ? walk_pages(p, kids->items[i]->ref, depth + 1, err)
                                                   : fail(err, "page tree: a kid is not a reference");
    } else if (p->npages >= MAX_PAGES) {
        st = fail(err, "too many pages");
    } else if (p->npages == p->pcap && pm_grow((void **)&p->pages, &p->pcap, p->npages + 1, sizeof *p->pages)) {
        st = PM_ENOMEM;
    } else {
        p->pages[p->npages++] = num;
    }
    pm_pdfv_free(node);
    return st;
}

pm_status pm_pdf_open(const unsigned char *data, size_t len, pm_pdf **out, char **err)
{
    *out = NULL;
    if (len < 16 || memcmp(data, "%PDF-", 5) != 0) return fail(err, "not a PDF file");
    pm_pdf *p = calloc(1, sizeof *p);
    if (!p) return PM_ENOMEM;
    p->data = data;
    p->len = len;
    pm_status st = find_startxref(data, len, &p->startxref) ? read_xref(p, err)
                                                          : fail(err, "no startxref at the end of the file");
    if (!st) {
        pm_pdfv *root = NULL, *rv = pm_pdfv_get(p->trailer, "Root");
        pm_pdfv *cat = pm_pdf_deref(p, rv, &root);
        pm_pdfv *pages = pm_pdfv_get(cat, "Pages");
        st = pages && pages->kind == PM_PDF_REF ? walk_pages(p, pages->ref, 0, err)
                                                : fail(err, "the catalog has no page tree");
        pm_pdfv_free(root);
    }
    if (st) { pm_pdf_free(p); return st; }
    *out = p;
    return PM_OK;
}

void pm_pdf_free(pm_pdf *p)
{
    if (!p) return;
    free(p->off);
    free(p->pages);
    pm_pdfv_free(p->trailer);
    free(p);
}

size_t pm_pdf_page_count(const pm_pdf *p) { return p->npages; }
long pm_pdf_page(const pm_pdf *p, size_t i) { return i < p->npages ? p->pages[i] : -1; }
const pm_pdfv *pm_pdf_trailer(const pm_pdf *p) { return p->trailer; }

/* ---- incremental update ---------------------------------------------- */

pm_status pm_pdfupd_begin(pm_pdfupd *u, const pm_pdf *src, const unsigned char *data, size_t len)
{
    memset(u, 0, sizeof *u);
    u->src = src;
    pm_pdfv *size = pm_pdfv_get(src->trailer, "Size");
    u->next = size && size->kind == PM_PDF_NUM && size->num > src->nobj ? (long)size->num : src->nobj;
    if (u->next < 1) u->next = 1;
    pm_status st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, data, len);
    if (!st && len && data[len - 1] != '\n') st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, "\n", 1);
    if (st) pm_pdfupd_abort(u);
    return st;
}

long pm_pdfupd_alloc(pm_pdfupd *u) { return u->next++; }

static pm_status note_object(pm_pdfupd *u, long num)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->nums[i] == num) { u->offs[i] = u->len; return PM_OK; }
    if (u->n == u->ncap) {
        size_t c = u->ncap;
        if (pm_grow((void **)&u->nums, &c, u->n + 1, sizeof *u->nums)) return PM_ENOMEM;
        c = u->ncap;
        if (pm_grow((void **)&u->offs, &c, u->n + 1, sizeof *u->offs)) return PM_ENOMEM;
        u->ncap = c;
    }
    u->nums[u->n] = num;
    u->offs[u->n++] = u->len;
    if (num >= u->next) u->next = num + 1;
    return PM_OK;
}

pm_status pm_pdfupd_put(pm_pdfupd *u, long num, const pm_pdfv *value)
{
    pm_status st = note_object(u, num);
    if (!st) st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, "%ld 0 obj\n", num);
    if (!st) st = pm_pdfv_write(value, &u->buf, &u->len, &u->cap);
    if (!st) st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, "\nendobj\n", 8);
    return st;
}

pm_status pm_pdfupd_put_stream(pm_pdfupd *u, long num, pm_pdfv *dict, const unsigned char *data,
                               size_t len, int compress)
{
    unsigned char *z = NULL;
    uLongf zlen = 0;
    if (compress) {
        zlen = compressBound((uLong)len);
        if (!(z = malloc(zlen))) return PM_ENOMEM;
        if (compress2(z, &zlen, data, (uLong)len, 6) != Z_OK) { free(z); return PM_EINTERNAL; }
    }
    pm_pdfv_del(dict, "DecodeParms");
    pm_pdfv_del(dict, "Filter");
    pm_status st = pm_pdfv_set(dict, "Length", pm_pdfv_number(compress ? (double)zlen : (double)len));
    if (!st && compress) st = pm_pdfv_set(dict, "Filter", pm_pdfv_raw("/FlateDecode"));
    if (!st) st = note_object(u, num);
    if (!st) st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, "%ld 0 obj\n", num);
    if (!st) st = pm_pdfv_write(dict, &u->buf, &u->len, &u->cap);
    if (!st) st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, "\nstream\n", 8);
    if (!st) st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, compress ? z : data, compress ? zlen : len);
    if (!st) st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, "\nendstream\nendobj\n", 18);
    free(z);
    return st;
}

static int by_num(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static pm_status trailer_copy(pm_pdfupd *u, const char *key)
{
    const pm_pdfv *v = pm_pdfv_get(u->src->trailer, key);
    if (!v) return PM_OK;
    pm_status st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, " /%s ", key);
    return st ? st : pm_pdfv_write(v, &u->buf, &u->len, &u->cap);
}

pm_status pm_pdfupd_finish(pm_pdfupd *u, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    size_t xref = u->len;
    long *order = malloc((u->n + 1) * 2 * sizeof *order);
    pm_status st = order ? PM_OK : PM_ENOMEM;
    for (size_t i = 0; !st && i < u->n; i++) { order[2 * i] = u->nums[i]; order[2 * i + 1] = (long)u->offs[i]; }
    if (!st) qsort(order, u->n, 2 * sizeof *order, by_num);
    if (!st) st = pm_pdfbuf_put(&u->buf, &u->len, &u->cap, "xref\n", 5);
    for (size_t i = 0; !st && i < u->n;) {
        size_t j = i;
        while (j + 1 < u->n && order[2 * (j + 1)] == order[2 * j] + 1) j++;
        st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, "%ld %zu\n", order[2 * i], j - i + 1);
        for (size_t k = i; !st && k <= j; k++)
            st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, "%010ld 00000 n \n", order[2 * k + 1]);
        i = j + 1;
    }
    if (!st) st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, "trailer\n<< /Size %ld", u->next);
    if (!st) st = trailer_copy(u, "Root");
    if (!st) st = trailer_copy(u, "Info");
    if (!st) st = trailer_copy(u, "ID");
    if (!st) st = pm_pdfbuf_printf(&u->buf, &u->len, &u->cap, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                                   u->src->startxref, xref);
    free(order);
    if (!st) {
        *out = (unsigned char *)u->buf;
        *out_len = u->len;
        u->buf = NULL;
    }
    pm_pdfupd_abort(u);
    return st;
}

void pm_pdfupd_abort(pm_pdfupd *u)
{
    free(u->buf);
    free(u->nums);
    free(u->offs);
    memset(u, 0, sizeof *u);
}

pm_status pm_pdf_set_page_keys(const unsigned char *pdf, size_t len, const pm_pdfpage_key *keys,
                               size_t n, unsigned char **out, size_t *out_len, char **err)
{
    pm_pdf *p = NULL;
    pm_pdfupd u;
    pm_status st = pm_pdf_open(pdf, len, &p, err);
    if (st) return st;
    if ((st = pm_pdfupd_begin(&u, p, pdf, len)) != PM_OK) { pm_pdf_free(p); return st; }
    for (size_t page = 0; !st && page < pm_pdf_page_count(p); page++) {
        pm_pdfv *d = NULL;
        for (size_t i = 0; !st && i < n; i++) {
            if (keys[i].page != page) continue;
            if (!d && (st = pm_pdf_get(p, pm_pdf_page(p, page), &d)) != PM_OK) break;
            st = pm_pdfv_set(d, keys[i].key, pm_pdfv_raw(keys[i].value));
        }
        if (!st && d) st = pm_pdfupd_put(&u, pm_pdf_page(p, page), d);
        pm_pdfv_free(d);
    }
    for (size_t i = 0; !st && i < n; i++)
        if (keys[i].page >= pm_pdf_page_count(p)) st = fail(err, "a page to update does not exist");
    if (!st) st = pm_pdfupd_finish(&u, out, out_len);
    else pm_pdfupd_abort(&u);
    pm_pdf_free(p);
    return st;
}
