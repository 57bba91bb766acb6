/* utf8.h — reading UTF-8 a character at a time. Names are shown (the console's tables, the
 * report's forest plot) and made into folder names by characters, not bytes: "✓" is three
 * bytes, one character, one '_' of a folder name and one column of a terminal. */
#ifndef FS_UTF8_H
#define FS_UTF8_H

#include <stdint.h>

/* What a malformed character reads as (a terminal shows U+FFFD in its place). */
#define UTF8_BAD 0xFFFDu

/* The character at *s (not at its NUL), advancing *s past it: a lead byte and as many
 * continuation bytes (10xxxxxx) as it announces, while they are there. Returns its code point;
 * a malformed one — a stray continuation byte, a sequence cut short, a lead byte 0xC0, 0xC1 or
 * 0xF8 and above, a surrogate, a code point past U+10FFFF — is still one character, returned as
 * UTF8_BAD with *malformed set to 1 (malformed may be NULL; it is left alone otherwise).
 * RFC 3629. */
uint32_t utf8_next(const char **s, int *malformed);

#endif
