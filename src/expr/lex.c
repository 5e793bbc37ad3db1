/* Expression tokens, UTF-8, character widths and the messages' small text helpers. */
#include "expr/expr_int.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ex_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0) return 0;
    if (u[0] < 0x80) { *cp = u[0]; return 1; }
    int len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    if (!len || u[0] > 0xf4 || (size_t)len > n) return 0;
    uint32_t c = u[0] & (0x3f >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80) return 0;
        c = c << 6 | (u[i] & 0x3f);
    }
    static const uint32_t lowest[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (c < lowest[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
    *cp = c;
    return len;
}

int ex_cp_width(uint32_t c)
{
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c == 0xfeff) return 0;
    static const uint32_t wide[][2] = {
        { 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
        { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
        { 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
        { 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
    };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (c >= wide[i][0] && c <= wide[i][1]) return 2;
    return 1;
}

/* Cuts s (NUL-terminated) back to a whole code point at most max bytes long. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
    s[n] = '\0';
}

void ex_error(pm_expr_error *err, size_t column, size_t length, const char *fmt, ...)
{
    if (!err) return;
    err->column = column;
    err->length = length;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof err->message) cut_utf8(err->message, sizeof err->message - 1);
}

void ex_clip(char *buf, const char *s, size_t n, size_t max)
{
    size_t k = n <= max ? n : max;
    while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80) k--;
    memcpy(buf, s, k);
    strcpy(buf + k, k < n ? "..." : "");
}

/* ---- did you mean ---- */

enum { SUGGEST_MAX = 64 }; /* code points; longer names get no suggestion */

static size_t fold(const char *s, size_t n, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k <= SUGGEST_MAX;) {
        uint32_t c;
        int l = ex_utf8_decode(s + i, n - i, &c);
        if (!l) return SUGGEST_MAX + 1;
        out[k++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
        i += (size_t)l;
    }
    return k;
}

static size_t distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t row[SUGGEST_MAX + 2];
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *ex_suggest(const char *name, size_t n, const char *const *cands, size_t ncands)
{
    uint32_t a[SUGGEST_MAX + 1], b[SUGGEST_MAX + 1];
    size_t na = fold(name, n, a);
    if (na == 0 || na > SUGGEST_MAX) return NULL;
    size_t limit = (na + 2) / 3 > 3 ? 3 : (na + 2) / 3;
    const char *best = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < ncands; i++) {
        if (!cands[i]) continue;
        size_t nb = fold(cands[i], strlen(cands[i]), b);
        if (nb == 0 || nb > SUGGEST_MAX || (nb > na ? nb - na : na - nb) >= bestd) continue;
        size_t d = distance(a, na, b, nb);
        if (d < bestd) { bestd = d; best = cands[i]; }
    }
    return best;
}

/* ---- tokens ---- */

static int ident_cp(uint32_t c, int first)
{
    if (c < 0x80)
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
               || (!first && c >= '0' && c <= '9');
    if (c == 0xa0 || c == 0xad || c == 0xfeff || (c >= 0x2000 && c <= 0x206f)
        || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff0f)
        || (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40)
        || (c >= 0xff5b && c <= 0xff65))
        return 0;
    return 1;
}

/* Full-width and typographic look-alikes of the language's ASCII punctuation. */
static const struct { uint32_t cp; const char *ascii; } lookalike[] = {
    { 0xff08, "(" }, { 0xff09, ")" }, { 0xff0c, "," }, { 0x3001, "," }, { 0xff0b, "+" },
    { 0xff0d, "-" }, { 0xff0a, "*" }, { 0xff0f, "/" }, { 0xff1c, "<" }, { 0xff1e, ">" },
    { 0xff1d, "=" }, { 0xff05, "%" }, { 0xff02, "\"" }, { 0x201c, "\"" }, { 0x201d, "\"" },
    { 0xff0e, "." }, { 0x3002, "." },
};

static int bad_char(const ex_lexer *lx, size_t pos, size_t col, pm_expr_error *err)
{
    const char *s = lx->src + pos;
    uint32_t c = 0;
    int l = ex_utf8_decode(s, lx->len - pos, &c);
    if (c == 0x3000) {
        ex_error(err, col, 1, "a full-width space: write an ASCII space");
        return 0;
    }
    for (size_t i = 0; i < sizeof lookalike / sizeof lookalike[0]; i++)
        if (lookalike[i].cp == c) {
            ex_error(err, col, 1, "full-width \"%.*s\": write the ASCII \"%s\"", l, s,
                     lookalike[i].ascii);
            return 0;
        }
    switch (c) {
    case '=': ex_error(err, col, 1, "\"=\" is not a comparison: write =="); break;
    case '!': ex_error(err, col, 1, "write not instead of \"!\""); break;
    case '&': ex_error(err, col, s[1] == '&' ? 2 : 1, "write and instead of \"%s\"", s[1] == '&' ? "&&" : "&"); break;
    case '|': ex_error(err, col, s[1] == '|' ? 2 : 1, "write or instead of \"%s\"", s[1] == '|' ? "||" : "|"); break;
    case '^': ex_error(err, col, 1, "there is no power operator: write x * x (or sqrt(x))"); break;
    case '\'': ex_error(err, col, 1, "names are quoted with double quotes (\"服务 得分\"), not single ones"); break;
    default:
        if (c < 0x20 || c == 0x7f) ex_error(err, col, 1, "unexpected control character (code %u)", (unsigned)c);
        else ex_error(err, col, 1, "unexpected character \"%.*s\"", l ? l : 1, s);
    }
    return 0;
}

/* A name's code points from pos: returns the end byte, counting columns into *ncols. */
static size_t scan_ident(const ex_lexer *lx, size_t pos, size_t *ncols)
{
    size_t i = pos;
    for (;;) {
        uint32_t c;
        int l = ex_utf8_decode(lx->src + i, lx->len - i, &c);
        if (!l || !ident_cp(c, 0)) return i;
        i += (size_t)l;
        ++*ncols;
    }
}

static int lex_number(const ex_lexer *lx, ex_tok *t, pm_expr_error *err)
{
    const char *s = lx->src;
    size_t i = t->start;
    while (s[i] >= '0' && s[i] <= '9') i++;
    if (s[i] == '.') for (i++; s[i] >= '0' && s[i] <= '9'; i++) {}
    if ((s[i] == 'e' || s[i] == 'E')
        && ((s[i + 1] >= '0' && s[i + 1] <= '9')
            || ((s[i + 1] == '+' || s[i + 1] == '-') && s[i + 2] >= '0' && s[i + 2] <= '9'))) {
        i += 2;
        while (s[i] >= '0' && s[i] <= '9') i++;
    }
    size_t numend = i;
    t->ncols = i - t->start;
    uint32_t c;
    int l = ex_utf8_decode(s + i, lx->len - i, &c);
    if (l && (ident_cp(c, 0) || c == '.')) { /* 2x, 1.2.3, 2年 */
        for (;;) {
            l = ex_utf8_decode(s + i, lx->len - i, &c);
            if (!l || !(ident_cp(c, 0) || c == '.')) break;
            i += (size_t)l;
            t->ncols++;
        }
        char all[72], num[72], rest[72];
        ex_clip(all, s + t->start, i - t->start, 64);
        ex_clip(num, s + t->start, numend - t->start, 64);
        ex_clip(rest, s + numend, i - numend, 64);
        if (s[numend] == '.' || strspn(s + t->start, "0123456789.") >= i - t->start)
            ex_error(err, t->col, t->ncols, "\"%s\" is not a number", all);
        else
            ex_error(err, t->col, t->ncols, "\"%s\" is not a number: write %s * %s, or quote a "
                     "name that starts with a digit (\"%s\")", all, num, rest, all);
        return 0;
    }
    memcpy(lx->buf, s + t->start, numend - t->start);
    lx->buf[numend - t->start] = '\0';
    const char *dp = localeconv()->decimal_point; /* strtod follows LC_NUMERIC */
    if (dp && dp[0] && dp[0] != '.' && !dp[1])
        for (char *p = lx->buf; *p; p++) if (*p == '.') *p = dp[0];
    t->num = strtod(lx->buf, NULL);
    if (!isfinite(t->num)) {
        ex_error(err, t->col, t->ncols, "the number is too large");
        return 0;
    }
    t->kind = T_NUM;
    t->end = numend;
    return 1;
}

static int lex_quoted(const ex_lexer *lx, ex_tok *t, pm_expr_error *err)
{
    const char *s = lx->src;
    size_t i = t->start + 1, k = 0;
    t->ncols = 1;
    for (;;) {
        if (i >= lx->len) {
            ex_error(err, t->col, 1, "unterminated quoted name: add the closing \"");
            return 0;
        }
        if (s[i] == '"') break;
        if (s[i] == '\\') {
            if (s[i + 1] != '"' && s[i + 1] != '\\') {
                ex_error(err, t->col + t->ncols, 2, "unknown escape in a quoted name "
                         "(only \\\" and \\\\)");
                return 0;
            }
            i++;
            t->ncols++;
        }
        uint32_t c;
        int l = ex_utf8_decode(s + i, lx->len - i, &c);
        if (!l) l = 1;
        memcpy(lx->buf + k, s + i, (size_t)l);
        k += (size_t)l;
        i += (size_t)l;
        t->ncols++;
    }
    t->ncols++;
    if (k == 0) {
        ex_error(err, t->col, 2, "empty quoted name");
        return 0;
    }
    lx->buf[k] = '\0';
    t->kind = T_QUOTED;
    t->end = i + 1;
    t->name = lx->buf;
    t->namelen = k;
    return 1;
}

static int punct(const char *s, ex_tok *t)
{
    static const struct { const char *text; ex_tok_kind kind; } ops[] = {
        { "<=", T_LE }, { ">=", T_GE }, { "==", T_EQ }, { "!=", T_NE }, { "(", T_LPAREN },
        { ")", T_RPAREN }, { ",", T_COMMA }, { "+", T_PLUS }, { "-", T_MINUS },
        { "*", T_STAR }, { "/", T_SLASH }, { "%", T_PERCENT }, { "<", T_LT }, { ">", T_GT },
    };
    if (s[0] == '<' && s[1] == '>') return 0; /* not "<" then ">" */
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s, ops[i].text, n) == 0) {
            t->kind = ops[i].kind;
            t->end = t->start + n;
            t->ncols = n;
            return 1;
        }
    }
    return 0;
}

int ex_lex(const ex_lexer *lx, size_t pos, size_t col, ex_tok *t, pm_expr_error *err)
{
    const char *s = lx->src;
    while (pos < lx->len && strchr(" \t\r\n\f\v", s[pos])) pos++, col++;
    memset(t, 0, sizeof *t);
    t->start = t->end = pos;
    t->col = col;
    if (pos >= lx->len) { t->kind = T_END; return 1; }
    if (s[pos] == '<' && s[pos + 1] == '>') {
        ex_error(err, col, 2, "write != instead of \"<>\"");
        return 0;
    }
    if (punct(s + pos, t)) return 1;
    if ((s[pos] >= '0' && s[pos] <= '9') || (s[pos] == '.' && s[pos + 1] >= '0' && s[pos + 1] <= '9'))
        return lex_number(lx, t, err);
    if (s[pos] == '"') return lex_quoted(lx, t, err);
    uint32_t c;
    int l = ex_utf8_decode(s + pos, lx->len - pos, &c);
    if (l && ident_cp(c, 1)) {
        t->kind = T_IDENT;
        t->end = scan_ident(lx, pos, &t->ncols);
        t->name = s + pos;
        t->namelen = t->end - pos;
        return 1;
    }
    return bad_char(lx, pos, col, err);
}

/* Before parsing: the length limit, UTF-8, and an empty source. */
int ex_check_source(const char *src, size_t *len, pm_expr_error *err)
{
    size_t n = strnlen(src, (size_t)PM_EXPR_MAX_SOURCE + 1);
    if (n > PM_EXPR_MAX_SOURCE) {
        ex_error(err, 0, 0, "the expression is longer than %d bytes", PM_EXPR_MAX_SOURCE);
        return 0;
    }
    size_t col = 1, blank = 1;
    for (size_t i = 0; i < n; col++) {
        uint32_t c;
        int l = ex_utf8_decode(src + i, n - i, &c);
        if (!l) {
            ex_error(err, col, 1, "not valid UTF-8 (byte 0x%02X): save the file as UTF-8",
                     (unsigned)(unsigned char)src[i]);
            return 0;
        }
        blank &= c == ' ' || (c >= '\t' && c <= '\r');
        i += (size_t)l;
    }
    if (blank) {
        ex_error(err, 1, 0, "empty expression");
        return 0;
    }
    *len = n;
    return 1;
}
