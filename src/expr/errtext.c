/* The user's view of an expression error: location line, source line, caret line. */
#include "expr/expr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WINDOW = 90, BEFORE = 30, SHORT = 100 }; /* terminal columns of the source line */

typedef struct { size_t off; uint8_t len, width, shown; } cpinfo; /* shown: 0 bytes, 1 ' ', 2 '?' */

typedef struct { char *s; size_t n, cap; int oom; } sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->s, cap);
        if (!p) { b->oom = 1; return; }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void repeat(sbuf *b, char c, size_t n)
{
    char chunk[64];
    memset(chunk, c, sizeof chunk);
    for (; n > 0; n -= n < sizeof chunk ? n : sizeof chunk) put(b, chunk, n < sizeof chunk ? n : sizeof chunk);
}

static cpinfo *decode(const char *src, size_t *ncp)
{
    size_t len = strlen(src), n = 0;
    cpinfo *cp = malloc((len + 1) * sizeof *cp);
    if (!cp) return NULL;
    for (size_t i = 0; i < len; n++) {
        uint32_t c;
        int l = ex_utf8_decode(src + i, len - i, &c);
        if (!l) cp[n] = (cpinfo){ i, 1, 1, 2 };
        else if (c < 0x20 || c == 0x7f) cp[n] = (cpinfo){ i, 1, 1, 1 };
        else cp[n] = (cpinfo){ i, (uint8_t)l, (uint8_t)ex_cp_width(c), 0 };
        i += l ? (size_t)l : 1;
    }
    *ncp = n;
    return cp;
}

static size_t width(const cpinfo *cp, size_t a, size_t b)
{
    size_t w = 0;
    for (size_t i = a; i < b; i++) w += cp[i].width;
    return w;
}

/* The source line and the caret line under [s0, s1). */
static void show(sbuf *b, const char *src, const cpinfo *cp, size_t ncp, size_t s0, size_t s1)
{
    size_t a = 0, z = ncp;
    if (width(cp, 0, ncp) > SHORT) { /* a window around the problem */
        size_t w = 0;
        for (a = s0; a > 0 && w + cp[a - 1].width <= BEFORE; a--) w += cp[a - 1].width;
        for (z = a, w = 0; z < ncp && w + cp[z].width <= WINDOW; z++) w += cp[z].width;
    }
    puts_(b, "\n    ");
    if (a > 0) puts_(b, "...");
    for (size_t i = a; i < z; i++)
        put(b, cp[i].shown == 1 ? " " : cp[i].shown == 2 ? "?" : src + cp[i].off,
            cp[i].shown ? 1 : cp[i].len);
    if (z < ncp) puts_(b, "...");
    puts_(b, "\n    ");
    repeat(b, ' ', (a > 0 ? 3 : 0) + width(cp, a, s0 < z ? s0 : z));
    size_t w = s0 < z ? width(cp, s0, s1 < z ? s1 : z) : 0;
    repeat(b, '^', w ? w : 1);
}

char *pm_expr_error_text(const char *file, const char *key, const char *src,
                         const pm_expr_error *e)
{
    sbuf b = { 0 };
    if (file && *file) { puts_(&b, file); puts_(&b, ": "); }
    if (key && *key) { puts_(&b, key); puts_(&b, ": "); }
    char col[48] = "";
    if (src && e->column) snprintf(col, sizeof col, "column %zu: ", e->column);
    puts_(&b, col);
    puts_(&b, e->message);
    if (src && e->column) {
        size_t ncp;
        cpinfo *cp = decode(src, &ncp);
        if (!cp) b.oom = 1;
        else {
            size_t s0 = e->column - 1 < ncp ? e->column - 1 : ncp;
            size_t s1 = s0 + (e->length < ncp - s0 ? e->length : ncp - s0);
            show(&b, src, cp, ncp, s0, s1);
        }
        free(cp);
    }
    if (b.oom || !b.s) { free(b.s); return NULL; }
    return b.s;
}
