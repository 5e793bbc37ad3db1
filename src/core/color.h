/* Colours: the one colour type every layer shares, and its parser. */
#ifndef PM_CORE_COLOR_H
#define PM_CORE_COLOR_H

/* Cairo-style components in 0..1, not premultiplied. */
typedef struct { double r, g, b, a; } pm_rgba;

/* Parses "#rrggbb" or "#rrggbbaa" (hex digits in either case) into *out.  Returns 0
 * on success, -1 (and *out unchanged) otherwise.  Pure. */
int pm_rgba_parse(const char *s, pm_rgba *out);

#endif
