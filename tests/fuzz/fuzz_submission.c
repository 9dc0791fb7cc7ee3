/* fuzz_submission: libFuzzer harness for the federated submission decoder. Arbitrary bytes go
 * to submission_decode as a whole file (form, hex, signature by the key it names, canonical
 * payload) and to submission_payload_parse as a payload line (so that the payload checks are
 * reached without a signature). No input may crash, leak or trip a sanitizer; a decoded file
 * needs a valid Ed25519 signature, which the fuzzer cannot forge. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "stats/submission.h"
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
    uint8_t pk[32];
    json_t *doc = NULL;
    enum status st = submission_decode((const char *)data, size, pk, &doc);
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    ASSERT((st == STATUS_OK) == (doc != NULL));
    json_decref(doc);
    doc = NULL;
    st = submission_payload_parse((const char *)data, size, &doc);
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    ASSERT((st == STATUS_OK) == (doc != NULL));
    json_decref(doc);
    return 0;
}
