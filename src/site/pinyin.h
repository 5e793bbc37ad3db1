/* Pinyin initials of Chinese names, for the site's search ("lwc" finds 两湾城). */
#ifndef PM_SITE_PINYIN_H
#define PM_SITE_PINYIN_H

#include <stddef.h>

/* Initials of the UTF-8 string s: for each CJK unified ideograph (U+4E00-U+9FFF) the
 * first letter of its most common reading (the table is generated from pinyin-pro by
 * tools/pinyin/gen_pinyin_table.mjs), ASCII letters lowercased and digits as they are;
 * other characters (punctuation, ideographs without a reading) are skipped.
 * primary receives those letters; other (may be NULL), position by position, the
 * initial of another reading where the ideograph has one ("长" is chang or zhang:
 * 'c' in primary, 'z' in other), else '.'.  Both are NUL-terminated and hold at most
 * cap - 1 letters (cap >= 1); invalid UTF-8 bytes are skipped.  Returns the number of
 * letters written.  Pure, thread-safe. */
size_t pm_pinyin_initials(const char *s, char *primary, char *other, size_t cap);

#endif
