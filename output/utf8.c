/* Reading UTF-8 a character at a time (utf8.h). */
#include "utf8.h"

uint32_t utf8_next(const char **s, int *malformed) {
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = *p++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0, want = more;
    int bad = (c >= 0x80 && c < 0xC2) || c >= 0xF8; /* stray, overlong lead, no such lead */
    uint32_t cp = more ? c & (0x3Fu >> more) : c;
    for (; more > 0 && (*p & 0xC0) == 0x80; more--) cp = cp << 6 | (*p++ & 0x3Fu);
    bad |= more > 0 || (want && (cp >= 0xD800 && cp <= 0xDFFF)) || cp > 0x10FFFF;
    *s = (const char *)p;
    if (bad && malformed) *malformed = 1;
    return bad ? UTF8_BAD : cp;
}
