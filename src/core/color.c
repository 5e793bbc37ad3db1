/* Colours: parsing the "#rrggbb[aa]" notation of styles and configs. */
#include "core/color.h"

#include <string.h>

int pm_rgba_parse(const char *s, pm_rgba *out)
{
    if (!s || s[0] != '#') return -1;
    size_t n = strlen(s + 1);
    if (n != 6 && n != 8) return -1;
    unsigned v[4] = { 0, 0, 0, 255 };
    for (size_t i = 0; i < n; i++) {
        char ch = s[1 + i];
        unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                   : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                   : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 16u;
        if (d > 15) return -1;
        v[i / 2] = (i % 2 ? v[i / 2] : 0) * 16 + d;
    }
    *out = (pm_rgba){ v[0] / 255.0, v[1] / 255.0, v[2] / 255.0, v[3] / 255.0 };
    return 0;
}
