/* normalise: text normalisation for blind indexes and matching (vault_normalise), with
 * libunistring. Compatibility caseless form (NFKD of the case fold, twice, as Unicode's
 * compatibility caseless matching does), then Latin combining accents, Arabic harakat, tatweel
 * and invisible format marks removed, white space collapsed and trimmed, then NFKC. */
#include "vault/vault.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "util/limits.h"
#include "util/mem.h"

/* Code points removed after decomposition: they change how a name is written, not which name
 * it is. */
static bool dropped(ucs4_t c)
{
    return (c >= 0x0300 && c <= 0x036f) || /* combining diacritical marks (Latin accents) */
           (c >= 0x064b && c <= 0x065f) || /* Arabic harakat: tanwin, fatha .. sukun, etc. */
           c == 0x0670 ||                  /* Arabic superscript alef */
           c == 0x0640 ||                  /* Arabic tatweel (kashida) */
           (c >= 0x200b && c <= 0x200f) || /* zero-width space, ZWNJ, ZWJ, LRM, RLM */
           (c >= 0x202a && c <= 0x202e) || /* bidirectional embeddings and overrides */
           (c >= 0x2060 && c <= 0x2064) || /* word joiner, invisible operators */
           c == 0xfeff;                    /* byte order mark, zero-width no-break space */
}

enum status vault_normalise(char **out, const char *text, size_t len)
{
    ASSERT(out != NULL && (text != NULL || len == 0));
    *out = NULL;
    enum status st = STATUS_OK;
    uint8_t *once = NULL, *folded = NULL, *stripped = NULL, *nfkc = NULL;
    const uint8_t *s = (const uint8_t *)(text != NULL ? text : "");
    if (len > JSON_STRING_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "text to normalise is longer than %d bytes", JSON_STRING_BYTES_MAX);
        goto out;
    }
    if (u8_check(s, len) != NULL || memchr(s, '\0', len) != NULL) {
        st = err_set(STATUS_INVALID, "text is not valid UTF-8");
        goto out;
    }
    if (len == 0) {
        *out = xstrdup("");
        goto out;
    }
    size_t once_len = 0, folded_len = 0, nfkc_len = 0;
    once = u8_casefold(s, len, NULL, UNINORM_NFKD, NULL, &once_len);
    if (once != NULL) {
        folded = u8_casefold(once, once_len, NULL, UNINORM_NFKD, NULL, &folded_len);
    }
    if (folded == NULL) {
        st = err_set(STATUS_IO, "cannot case-fold text");
        goto out;
    }
    stripped = xmalloc(folded_len + 1);
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < folded_len;) {
        ucs4_t c = 0;
        int n = u8_mbtouc(&c, folded + i, folded_len - i);
        ASSERT(n > 0);
        if (dropped(c)) {
            /* nothing */
        } else if (uc_is_property_white_space(c)) {
            space = o > 0;
        } else {
            if (space) {
                stripped[o++] = ' ';
                space = false;
            }
            memcpy(stripped + o, folded + i, (size_t)n);
            o += (size_t)n;
        }
        i += (size_t)n;
    }
    if (o == 0) {
        *out = xstrdup("");
        goto out;
    }
    nfkc = u8_normalize(UNINORM_NFKC, stripped, o, NULL, &nfkc_len);
    if (nfkc == NULL) {
        st = err_set(STATUS_IO, "cannot normalise text");
        goto out;
    }
    *out = xstrndup((const char *)nfkc, nfkc_len);
out:
    free(once);
    free(folded);
    free(stripped);
    free(nfkc);
    return st;
}
