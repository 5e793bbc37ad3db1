/* PDF/X-3 through Ghostscript: content preparation, the gs run, a reproducible ID, ink values. */
#include "print/pdfx.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fileio.h"
#include "print/pdfcontent.h"
#include "print/pdfedit.h"

extern char **environ;

/* ---- neutral colours to gray in every content stream ------------------- */

typedef struct {
    const pm_pdf *pdf;
    pm_pdfupd *upd;
    const double *ink;
    long *done;
    size_t ndone, cap;
} prep_ctx;

static int seen(prep_ctx *c, long num)
{
    for (size_t i = 0; i < c->ndone; i++)
        if (c->done[i] == num) return 1;
    if (c->ndone == c->cap && pm_grow((void **)&c->done, &c->cap, c->ndone + 1, sizeof *c->done)) return 1;
    c->done[c->ndone++] = num;
    return 0;
}

static pm_status rewrite_stream(prep_ctx *c, long num, pm_pdfv **dict_out)
{
    pm_pdfv *dict = NULL;
    unsigned char *data = NULL, *gray = NULL;
    size_t len = 0, glen = 0;
    pm_status st = pm_pdf_stream(c->pdf, num, &dict, &data, &len);
    if (!st) st = pm_pdfcontent_gray(data, len, PM_PDFX_NEUTRAL_TOL, c->ink, &gray, &glen, NULL);
    if (!st) st = pm_pdfupd_put_stream(c->upd, num, dict, gray, glen, 1);
    free(data);
    free(gray);
    if (!st && dict_out) *dict_out = dict;
    else pm_pdfv_free(dict);
    return st;
}

static pm_status rewrite_resources(prep_ctx *c, pm_pdfv *res, int depth);

/* Form XObjects and tiling patterns of a resource category hold content streams. */
static pm_status rewrite_category(prep_ctx *c, pm_pdfv *res, const char *cat, int depth)
{
    pm_pdfv *own = NULL, *d = pm_pdf_deref(c->pdf, pm_pdfv_get(res, cat), &own);
    pm_status st = PM_OK;
    for (size_t i = 0; !st && d && d->kind == PM_PDF_DICT && i < d->n; i++) {
        pm_pdfv *r = d->items[i], *sd = NULL;
        if (r->kind != PM_PDF_REF || seen(c, r->ref)) continue;
        pm_pdfv *head = NULL;
        if (pm_pdf_get(c->pdf, r->ref, &head) != PM_OK) continue;
        int content = pm_pdfv_is_name(pm_pdfv_get(head, "Subtype"), "Form")
                   || (pm_pdfv_get(head, "PatternType") && pm_pdfv_get(head, "PatternType")->num == 1);
        pm_pdfv_free(head);
        if (!content) continue;
        st = rewrite_stream(c, r->ref, &sd);
        if (!st) st = rewrite_resources(c, pm_pdfv_get(sd, "Resources"), depth + 1);
        pm_pdfv_free(sd);
    }
    pm_pdfv_free(own);
    return st;
}

static pm_status rewrite_resources(prep_ctx *c, pm_pdfv *res, int depth)
{
    if (!res || depth > 8) return PM_OK;
    pm_pdfv *own = NULL, *r = pm_pdf_deref(c->pdf, res, &own);
    pm_status st = rewrite_category(c, r, "XObject", depth);
    if (!st) st = rewrite_category(c, r, "Pattern", depth);
    pm_pdfv_free(own);
    return st;
}

static pm_status rewrite_page(prep_ctx *c, long page)
{
    pm_pdfv *pd = NULL;
    pm_status st = pm_pdf_get(c->pdf, page, &pd);
    pm_pdfv *cont = st ? NULL : pm_pdfv_get(pd, "Contents");
    if (cont && cont->kind == PM_PDF_REF && !seen(c, cont->ref)) st = rewrite_stream(c, cont->ref, NULL);
    for (size_t i = 0; !st && cont && cont->kind == PM_PDF_ARRAY && i < cont->n; i++)
        if (cont->items[i]->kind == PM_PDF_REF && !seen(c, cont->items[i]->ref))
            st = rewrite_stream(c, cont->items[i]->ref, NULL);
    if (!st) st = rewrite_resources(c, pm_pdfv_get(pd, "Resources"), 0);
    pm_pdfv_free(pd);
    return st;
}

pm_status pm_pdfx_prepare(const unsigned char *pdf, size_t len, const double *ink_rgb,
                          unsigned char **out, size_t *out_len, char **err)
{
    pm_pdf *p = NULL;
    pm_pdfupd u;
    pm_status st = pm_pdf_open(pdf, len, &p, err);
    if (st) return st;
    if ((st = pm_pdfupd_begin(&u, p, pdf, len)) != PM_OK) { pm_pdf_free(p); return st; }
    prep_ctx c = { p, &u, ink_rgb, NULL, 0, 0 };
    for (size_t i = 0; !st && i < pm_pdf_page_count(p); i++) st = rewrite_page(&c, pm_pdf_page(p, i));
    if (!st) st = pm_pdfupd_finish(&u, out, out_len);
    else pm_pdfupd_abort(&u);
    if (st == PM_EDATA && err && !*err) *err = pm_strdup("a content stream cannot be read");
    free(c.done);
    pm_pdf_free(p);
    return st;
}

/* ---- Ghostscript --------------------------------------------------------- */

/* A PostScript string of s: ( ) \ escaped, bytes beyond ASCII as octal. */
static char *ps_string(const char *s)
{
    size_t len = 0, cap = 0;
    char *b = NULL;
    pm_status st = pm_pdfbuf_put(&b, &len, &cap, "(", 1);
    for (const unsigned char *p = (const unsigned char *)s; !st && *p; p++) {
        if (*p == '(' || *p == ')' || *p == '\\') st = pm_pdfbuf_printf(&b, &len, &cap, "\\%c", *p);
        else if (*p < 32 || *p > 126) st = pm_pdfbuf_printf(&b, &len, &cap, "\\%03o", *p);
        else st = pm_pdfbuf_put(&b, &len, &cap, p, 1);
    }
    if (!st) st = pm_pdfbuf_put(&b, &len, &cap, ")", 1);
    if (st) { free(b); return NULL; }
    return b;
}

/* The PDF/X definition gs reads before the document (after Ghostscript's PDFX_def.ps):
 * the X-3 version key, the output intent with the profile embedded. */
static char *pdfx_def(const pm_pdfx_opts *o, const char *icc)
{
    char *icc_s = ps_string(icc), *title = pm_pdf_text_string(o->title ? o->title : "");
    char *def = icc_s && title ? pm_asprintf(
        "%%!PS\n"
        "[ /GTS_PDFXVersion (PDF/X-3:2002) /Title %s /Trapped /False /DOCINFO pdfmark\n"
        "[ /_objdef {icc_PDFX} /type /stream /OBJ pdfmark\n"
        "[ {icc_PDFX} << /N 4 >> /PUT pdfmark\n"
        "[ {icc_PDFX} %s (r) file /PUT pdfmark\n"
        "[ /_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark\n"
        "[ {OutputIntent_PDFX} << /Type /OutputIntent /S /GTS_PDFX\n"
        "  /OutputCondition (SWOP coated \\(Specifications for Web Offset Publications\\))\n"
        "  /OutputConditionIdentifier (CGATS TR 001) /RegistryName (http://www.color.org)\n"
        "  /Info (Artifex CMYK SWOP Profile, Ghostscript default_cmyk.icc)\n"
        "  /DestOutputProfile {icc_PDFX} >> /PUT pdfmark\n"
        "[ {Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark\n",
        title, icc_s) : NULL;
    free(icc_s);
    free(title);
    return def;
}

/* The last lines of gs's messages, for an error. */
static char *log_tail(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (pm_read_file(path, 1 << 20, &text, &len, NULL) != PM_OK) return pm_strdup("");
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' ')) text[--len] = '\0';
    size_t start = len, lines = 0;
    while (start > 0 && lines < 3) if (text[--start] == '\n') lines++;
    for (char *p = text + start; *p; p++) if (*p == '\n') *p = ' ';
    char *tail = pm_strdup(text + start + (text[start] == ' '));
    free(text);
    return tail;
}

/* pdfwrite says when it had to give up PDF/X ("... not permitted in PDF/X, reverting
 * to normal PDF output") but exits 0: that is a failure here. */
static pm_status check_log(const char *log, const char *what, char **err)
{
    char *text = NULL;
    size_t len = 0;
    if (pm_read_file(log, 1 << 20, &text, &len, NULL) != PM_OK) return PM_OK;
    pm_status st = PM_OK;
    char *bad = strstr(text, "reverting to normal PDF");
    if (bad) {
        char *b = bad;
        while (b > text && b[-1] != ':' && bad - b < 160) b--;
        for (char *p = text; *p; p++) if (*p == '\n') *p = ' ';
        if (err) *err = pm_asprintf("%s: Ghostscript could not make PDF/X:%.*s", what,
                                    (int)(bad - b) + 23, b);
        st = PM_EIO;
    }
    free(text);
    return st;
}

/* 1 if an executable name is on $PATH.  Asked before spawning: where posix_spawnp
 * cannot report a failed exec (under valgrind it becomes exit 127), this still knows. */
static int on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *f = pm_asprintf("%.*s/%s", (int)n, n ? p : ".", name);
        int ok = f && access(f, X_OK) == 0;
        free(f);
        if (ok) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static pm_status run_gs(char *const argv[], const char *log, time_t date, const char *what,
                        char **err)
{
    if (!on_path("gs")) {
        if (err) *err = pm_asprintf("%s: Ghostscript (gs) is not installed: it makes the print PDF "
                                    "(Debian package ghostscript; make deps)", what);
        return PM_EIO;
    }
    size_t ne = 0;
    while (environ[ne]) ne++;
    char **envp = calloc(ne + 2, sizeof *envp), sde[64];
    if (!envp) return PM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "SOURCE_DATE_EPOCH=", 18) != 0) envp[k++] = environ[i];
    snprintf(sde, sizeof sde, "SOURCE_DATE_EPOCH=%lld", (long long)date);
    envp[k++] = sde;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, "gs", &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    if (rc) {
        if (err) *err = rc == ENOENT ? pm_asprintf("%s: Ghostscript (gs) is not installed: it makes the "
                                                   "print PDF (Debian package ghostscript; make deps)", what)
                                     : pm_asprintf("%s: cannot run Ghostscript: %s", what, strerror(rc));
        return PM_EIO;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) { status = -1; break; }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return PM_OK;
    char *tail = log_tail(log);
    if (err) {
        if (WIFSIGNALED(status))
            *err = pm_asprintf("%s: Ghostscript was stopped by signal %d", what, WTERMSIG(status));
        else
            *err = pm_asprintf("%s: Ghostscript failed (exit %d): %s", what, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                               tail && *tail ? tail : "no message");
    }
    free(tail);
    return PM_EIO;
}

/* Overwrites the hex digits of the last trailer's /ID with a hash of the rest of the
 * file, in place (same length: no offset moves). */
static void stable_id(unsigned char *d, size_t len)
{
    size_t lo = len > 4096 ? len - 4096 : 0;
    unsigned char *t = NULL;
    for (size_t i = len; i-- > lo + 7;)
        if (memcmp(d + i, "trailer", 7) == 0) { t = d + i; break; }
    unsigned char *id = t ? memmem(t, len - (size_t)(t - d), "/ID", 3) : NULL;
    if (!id) return;
    unsigned char *h[2] = { NULL, NULL }, *e[2] = { NULL, NULL }, *p = id;
    for (int k = 0; k < 2; k++) {
        while (p < d + len && *p != '<' && *p != '>') p++;
        if (p >= d + len || *p != '<') return;
        h[k] = ++p;
        while (p < d + len && *p != '>') p++;
        if (p >= d + len) return;
        e[k] = p++;
    }
    uint64_t a = 1469598103934665603ull, b = 1099511628211ull * 31;
    for (size_t i = 0; i < len; i++) {
        unsigned char *q = d + i;
        if ((q >= h[0] && q < e[0]) || (q >= h[1] && q < e[1])) continue;
        a = (a ^ *q) * 1099511628211ull;
        b = (b ^ *q) * 1099511628211ull + 7;
    }
    for (int k = 0; k < 2; k++)
        for (unsigned char *q = h[k]; q < e[k]; q++) {
            size_t i = (size_t)(q - h[k]) % 32;
            uint64_t w = i < 16 ? a : b;
            *q = (unsigned char)"0123456789ABCDEF"[(w >> (4 * (15 - i % 16))) & 15];
        }
}

pm_status pm_pdfx_convert(const unsigned char *pdf, size_t len, const pm_pdfx_opts *o,
                          unsigned char **out, size_t *out_len, char **err)
{
    *out = NULL;
    const char *icc = o->icc ? o->icc : PM_PDFX_ICC;
    char *in = pm_asprintf("%s.in.pdf", o->work), *ps = pm_asprintf("%s.def.ps", o->work);
    char *res = pm_asprintf("%s.gs.pdf", o->work), *log = pm_asprintf("%s.gs.log", o->work);
    char *permit = pm_asprintf("--permit-file-read=%s", icc), *outarg = pm_asprintf("-sOutputFile=%s", res);
    char *def = pdfx_def(o, icc), *text = NULL;
    pm_status st = in && ps && res && log && permit && outarg && def ? PM_OK : PM_ENOMEM;
    if (!st && !pm_path_exists(icc)) {
        st = PM_EIO;
        if (err) *err = pm_asprintf("%s: the CMYK profile %s is missing (Debian package libgs-common, "
                                    "installed with ghostscript)", o->what, icc);
    }
    if (!st) st = pm_write_replace(in, pdf, len, err);
    if (!st) st = pm_write_replace(ps, def, strlen(def), err);
    char *argv[] = { "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dPDFX",
                     "-sColorConversionStrategy=CMYK", "-sProcessColorModel=DeviceCMYK",
                     "-dAutoRotatePages=/None", "-dEmbedAllFonts=true", "-dSubsetFonts=true",
                     permit, outarg, ps, in, NULL };
    if (!st) st = run_gs(argv, log, o->date, o->what, err);
    if (!st) st = check_log(log, o->what, err);
    size_t n = 0;
    if (!st && (st = pm_read_file(res, (size_t)1 << 31, &text, &n, err)) == PM_OK) {
        stable_id((unsigned char *)text, n);
        *out = (unsigned char *)text;
        *out_len = n;
    }
    const char *tmps[] = { in, ps, res, log };
    for (size_t i = 0; i < 4; i++) if (tmps[i]) unlink(tmps[i]);
    free(in); free(ps); free(res); free(log); free(permit); free(outarg); free(def);
    return st;
}

/* ---- inks of colours ------------------------------------------------------ */

/* A one-page PDF with a 1 pt square of each colour, neutral ones already gray. */
static pm_status swatch_pdf(const pm_rgba *rgb, size_t n, const double *ink, char **pdf, size_t *len)
{
    char *c = NULL, *g = NULL, *b = NULL;
    size_t clen = 0, ccap = 0, glen = 0, blen = 0, bcap = 0, off[5];
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < n; i++)
        st = pm_pdfbuf_printf(&c, &clen, &ccap, "%.6f %.6f %.6f rg %zu 0 1 1 re f\n", rgb[i].r, rgb[i].g,
                              rgb[i].b, 2 * i + 1);
    if (!st) st = pm_pdfcontent_gray((const unsigned char *)(c ? c : ""), clen, PM_PDFX_NEUTRAL_TOL, ink,
                                     (unsigned char **)&g, &glen, NULL);
    if (!st) st = pm_pdfbuf_put(&b, &blen, &bcap, "%PDF-1.4\n", 9);
    off[0] = blen;
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[1] = blen;
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[2] = blen;
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 %zu 2] "
                                   "/Contents 4 0 R /Resources << >> >> endobj\n", 2 * n + 2);
    off[3] = blen;
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "4 0 obj << /Length %zu >> stream\n", glen);
    if (!st) st = pm_pdfbuf_put(&b, &blen, &bcap, g ? g : "", glen);
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "\nendstream endobj\n");
    off[4] = blen;
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 0; !st && i < 4; i++) st = pm_pdfbuf_printf(&b, &blen, &bcap, "%010zu 00000 n \n", off[i]);
    if (!st) st = pm_pdfbuf_printf(&b, &blen, &bcap, "trailer << /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", off[4]);
    free(c);
    free(g);
    if (st) { free(b); return st; }
    *pdf = b;
    *len = blen;
    return PM_OK;
}

typedef struct {
    double cur[4];
    double (*cmyk)[4];
    size_t n, got;
} ink_ctx;

static int ink_op(void *vc, const pm_pdfop *op)
{
    ink_ctx *c = vc;
    if (strcmp(op->op, "k") == 0 && op->nnum >= 4) {
        for (int i = 0; i < 4; i++) c->cur[i] = op->num[op->nnum - 4 + i];
    } else if (strcmp(op->op, "g") == 0 && op->nnum >= 1) {
        c->cur[0] = c->cur[1] = c->cur[2] = 0;
        c->cur[3] = 1 - op->num[op->nnum - 1];
    } else if ((strcmp(op->op, "f") == 0 || strcmp(op->op, "f*") == 0) && c->got < c->n) {
        memcpy(c->cmyk[c->got++], c->cur, sizeof c->cur);
    }
    return 0;
}

static pm_status read_inks(const unsigned char *pdf, size_t len, double (*cmyk)[4], size_t n)
{
    pm_pdf *p = NULL;
    pm_status st = pm_pdf_open(pdf, len, &p, NULL);
    pm_pdfv *page = NULL;
    if (!st) st = pm_pdf_get(p, pm_pdf_page(p, 0), &page);
    ink_ctx c = { { 0, 0, 0, 1 }, cmyk, n, 0 };
    pm_pdfv *cont = st ? NULL : pm_pdfv_get(page, "Contents");
    size_t nc = cont && cont->kind == PM_PDF_ARRAY ? cont->n : 1;
    for (size_t i = 0; !st && cont && i < nc; i++) {
        pm_pdfv *r = cont->kind == PM_PDF_ARRAY ? cont->items[i] : cont, *d = NULL;
        unsigned char *data = NULL;
        size_t dl = 0;
        if (r->kind != PM_PDF_REF) continue;
        st = pm_pdf_stream(p, r->ref, &d, &data, &dl);
        if (!st) st = pm_pdfcontent_scan(data, dl, ink_op, &c);
        pm_pdfv_free(d);
        free(data);
    }
    if (!st && c.got != n) st = PM_EDATA;
    pm_pdfv_free(page);
    pm_pdf_free(p);
    return st;
}

pm_status pm_pdfx_cmyk(const pm_rgba *rgb, size_t n, const double *ink_rgb, double (*cmyk)[4],
                       char **err)
{
    if (n == 0) return PM_OK;
    const char *tmp = getenv("TMPDIR");
    char *dir = pm_strdup(tmp && *tmp ? tmp : "/tmp"), *base = NULL, *pdf = NULL;
    unsigned char *x = NULL;
    size_t len = 0, xlen = 0;
    pm_tmpfile tf = { 0 };
    char *path = dir ? pm_path_join(dir, "partymap-inks.pdf") : NULL;
    pm_status st = path ? pm_tmpfile_begin(&tf, path, err) : PM_ENOMEM;
    if (!st && !(base = pm_strdup(tf.tmp))) st = PM_ENOMEM;
    pm_tmpfile_abort(&tf);
    if (!st) st = swatch_pdf(rgb, n, ink_rgb, &pdf, &len);
    pm_pdfx_opts o = { "inks", NULL, 0, base, "colour conversion" };
    if (!st) st = pm_pdfx_convert((const unsigned char *)pdf, len, &o, &x, &xlen, err);
    if (!st && (st = read_inks(x, xlen, cmyk, n)) != PM_OK && err && !*err)
        *err = pm_strdup("colour conversion: Ghostscript's output has no swatches to read");
    free(dir); free(path); free(base); free(pdf); free(x);
    return st;
}
