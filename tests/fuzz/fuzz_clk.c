/* fuzz_clk: libFuzzer harness for the linkage exchange file reader and the schema parser (issue 7,
 * part E). Arbitrary bytes go to link_clkfile_decode as a whole .clk file (magic, canonical
 * header, limits, records, signature by the key the header names) and to link_schema_parse as a
 * schema; a parsed schema's features then prepare the input as a value. No input may crash, leak
 * or trip a sanitizer; a decoded file needs a valid Ed25519 signature, which the fuzzer cannot
 * forge, so everything before the signature check is what gets exercised. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "link/clk.h"
#include "link/schema.h"
#include "util/mem.h"
#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ASSERT(vault_library_init() == STATUS_OK);
        ready = true;
    }
    struct link_clkset *set = NULL;
    struct link_clkheader h;
    enum status st = link_clkfile_decode(data, size, &set, &h);
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_CRYPTO || st == STATUS_TOO_LARGE);
    ASSERT((st == STATUS_OK) == (set != NULL));
    link_clkset_free(set);
    struct link_schema *s = NULL;
    st = link_schema_parse(&s, (const char *)data, size, "fuzz.json");
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE);
    ASSERT((st == STATUS_OK) == (s != NULL));
    if (s != NULL) {
        for (size_t i = 0; i < s->count; i++) {
            char *v = NULL;
            st = link_value_prepare(&s->features[i], (const char *)data, size, &v);
            ASSERT(st == STATUS_OK || st == STATUS_INVALID);
            free(v);
        }
        link_schema_free(s);
    }
    return 0;
}
