/* fuzz_part.h: an input cut into NUL-separated parts, for the harnesses that feed several
 * strings to one parser (fuzz_text, fuzz_money). Included by one harness each (a static
 * function). */
#ifndef CTIS_TESTS_FUZZ_PART_H
#define CTIS_TESTS_FUZZ_PART_H

#include <stdint.h>
#include <string.h>

#include "util/mem.h"

/* The next NUL-terminated part of the input (a copy), advancing *p. */
static char *part(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
    size_t n = z != NULL ? (size_t)(z - *p) : (size_t)(end - *p);
    char *s = xmalloc(n + 1);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = z != NULL ? z + 1 : end;
    return s;
}

#endif
