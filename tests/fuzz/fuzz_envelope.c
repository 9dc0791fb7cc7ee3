/* fuzz_envelope: libFuzzer harness for the envelope parser. Arbitrary bytes go to
 * vault_envelope_key_id and vault_unseal as they are, and again with the key id replaced by the
 * vault's active key so that the input reaches the AEAD check. Any result other than a clean
 * status (a crash, a sanitizer report, or an input that opens) is a finding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/status.h"
#include "vault/vault.h"
#include "vault/vault_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vault *fuzz_vault;

static void fuzz_init(void)
{
    uint8_t master[VAULT_KEY_BYTES];
    memset(master, 0x5a, sizeof master);
    ASSERT(vault_library_init() == STATUS_OK);
    ASSERT(vault__open_memory(&fuzz_vault, master) == STATUS_OK);
}

static void fuzz_one(const uint8_t *data, size_t size, bool forged_id)
{
    int64_t key_id = 0;
    enum status st = vault_envelope_key_id(&key_id, data, size);
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    ASSERT(st != STATUS_OK || (key_id >= 1 && key_id <= (INT64_C(1) << 53) - 1));
    struct vault_ad ad = {"users", "email_enc", 1};
    char *plain = NULL;
    size_t plain_len = 0;
    st = vault_unseal(fuzz_vault, &plain, &plain_len, &ad, data, size);
    ASSERT(st == STATUS_INVALID || st == STATUS_NOT_FOUND || st == STATUS_CRYPTO);
    ASSERT(plain == NULL && plain_len == 0);
    /* With a random key id the tag check fails, so only a forged id can reach it. */
    ASSERT(!forged_id || st != STATUS_NOT_FOUND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_vault == NULL) {
        fuzz_init();
    }
    fuzz_one(data, size, false);
    if (size >= 9 && size <= VAULT_ENVELOPE_OVERHEAD + 4096 && data[0] == 1) {
        uint8_t *copy = xmalloc(size);
        memcpy(copy, data, size);
        uint64_t id = (uint64_t)vault_active_key_id(fuzz_vault);
        for (int i = 8; i >= 1; i--) {
            copy[i] = (uint8_t)(id & 0xff);
            id >>= 8;
        }
        fuzz_one(copy, size, size >= VAULT_ENVELOPE_OVERHEAD);
        free(copy);
    }
    return 0;
}
