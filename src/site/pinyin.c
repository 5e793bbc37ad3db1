/* Pinyin initials from a table generated once from pinyin-pro (pinyin_table.inc). */
#include "site/pinyin.h"

#include <stdint.h>

#include "site/pinyin_table.inc"

enum { FIRST_CP = 0x4e00, LAST_CP = 0x9fff };

/* Decodes one UTF-8 sequence at s; returns its length (1 for an invalid byte, with
 * *cp = 0xFFFD so that it is skipped). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0) { *cp = 0xfffd; return 1; }
    uint32_t v = n == 1 ? c : c & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) { *cp = 0xfffd; return 1; }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

static char other_of(uint32_t cp)
{
    size_t lo = 0, hi = sizeof other_initials / sizeof other_initials[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (other_initials[mid].cp == cp) return other_initials[mid].other;
        if (other_initials[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    return '.';
}

size_t pm_pinyin_initials(const char *s, char *primary, char *other, size_t cap)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n + 1 < cap) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        char first = 0, alt = '.';
        if (cp >= 'A' && cp <= 'Z') first = (char)(cp - 'A' + 'a');
        else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) first = (char)cp;
        else if (cp >= FIRST_CP && cp <= LAST_CP && first_initial[cp - FIRST_CP] != '.') {
            first = first_initial[cp - FIRST_CP];
            alt = other_of(cp);
        }
        if (!first) continue;
        primary[n] = first;
        if (other) other[n] = alt;
        n++;
    }
    primary[n] = '\0';
    if (other) other[n] = '\0';
    return n;
}
