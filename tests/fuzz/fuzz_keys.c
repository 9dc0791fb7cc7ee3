/* fuzz_keys: libFuzzer harness for the two key files an operator hands to ctis (issue 10, part F):
 * the master key file (vault__key_file_parse, read by every command) and the passphrase-protected
 * key export (vault__export_parse and vault__export_open, read by `ctis keys import` and the
 * restore drill). The first byte of the input picks the reader; the rest is the file.
 *   - A key file that parses writes back (vault__key_file_text) to a text that parses to the same
 *     key.
 *   - An export that parses names an Argon2id cost within the limits. When that cost is cheap (the
 *     derivation a real export costs would allow a few runs a second), the harness opens it with
 *     its passphrase: the master key (the seed made with that passphrase) or STATUS_CRYPTO, nothing
 *     else.
 * Any other status than OK or INVALID, an error without a message, a crash or a sanitizer report
 * is a finding. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/status.h"
#include "vault/vault.h"
#include "vault/vault_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The passphrase of the seed tests/fuzz/corpus/fuzz_keys/export-fast. */
#define FUZZ_PASSPHRASE "fuzz-passphrase-0123"
#define CHEAP_OPS 3ULL
#define CHEAP_MEM (64u * 1024u)

static void key_file(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    uint8_t key[VAULT_KEY_BYTES];
    enum status st = vault__key_file_parse(key, text, size, "fuzz.key");
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    ASSERT(st == STATUS_OK || err_last()[0] != '\0');
    if (st == STATUS_OK) {
        char *again = NULL;
        size_t again_len = 0;
        vault__key_file_text(&again, &again_len, key);
        uint8_t key2[VAULT_KEY_BYTES];
        ASSERT(vault__key_file_parse(key2, again, again_len, "again.key") == STATUS_OK);
        ASSERT(memcmp(key, key2, sizeof key) == 0);
        sodium_free(again);
    }
    free(text);
}

static void key_export(const uint8_t *data, size_t size)
{
    struct vault__export e;
    enum status st = vault__export_parse(&e, (const char *)data, size, "fuzz.export");
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    ASSERT(st == STATUS_OK || err_last()[0] != '\0');
    if (st != STATUS_OK) {
        return;
    }
    ASSERT(e.ops >= crypto_pwhash_argon2id_OPSLIMIT_MIN && e.ops <= 4ULL * crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
    ASSERT(e.mem >= crypto_pwhash_argon2id_MEMLIMIT_MIN && e.mem <= crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
    if (e.ops <= CHEAP_OPS && e.mem <= CHEAP_MEM) {
        uint8_t *master = sodium_malloc(VAULT_KEY_BYTES);
        ASSERT(master != NULL);
        st = vault__export_open(master, &e, FUZZ_PASSPHRASE);
        ASSERT(st == STATUS_OK || st == STATUS_CRYPTO);
        ASSERT(st == STATUS_OK || err_last()[0] != '\0');
        /* A short passphrase is refused before any derivation. */
        ASSERT(vault__export_open(master, &e, "short") == STATUS_INVALID);
        sodium_free(master);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ASSERT(vault_library_init() == STATUS_OK);
        ready = true;
    }
    if (size == 0) {
        return 0;
    }
    if (data[0] & 1) {
        key_export(data + 1, size - 1);
    } else {
        key_file(data + 1, size - 1);
    }
    return 0;
}
