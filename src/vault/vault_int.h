/* vault_int: what vault.c and keys.c share inside the vault module (the struct vault, key
 * loading and wrapping, sealing under a given key), plus hooks for tests, the benchmark and the
 * fuzz harness. Nothing outside src/vault, tests/, bench/ includes this header. */
#ifndef CTIS_VAULT_INT_H
#define CTIS_VAULT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vault/vault.h"

#define VAULT_ENVELOPE_VERSION 1
#define VAULT_NONCE_BYTES 24
#define VAULT_TAG_BYTES 16
#define VAULT_HEADER_BYTES (1 + 8 + VAULT_NONCE_BYTES)
#define VAULT_SIGN_SK_BYTES 64
/* A wrapped key: nonce | ciphertext | tag. */
#define VAULT_WRAPPED_DATA_BYTES (VAULT_NONCE_BYTES + VAULT_KEY_BYTES + VAULT_TAG_BYTES)
#define VAULT_WRAPPED_SIGN_BYTES (VAULT_NONCE_BYTES + VAULT_SIGN_SK_BYTES + VAULT_TAG_BYTES)
/* vault_meta names. */
#define VAULT_META_ROTATION_TARGET "rotation_target"
#define VAULT_META_EXPORTED_AT "key_exported_at_ms"
#define VAULT_META_DERIVED "derived_keys" /* the blind-index and MAC keys, kept by a master-key rotation */

_Static_assert(VAULT_ENVELOPE_OVERHEAD == VAULT_HEADER_BYTES + VAULT_TAG_BYTES, "envelope layout");

/* One data key. `key` is its own sodium_malloc region, read-only once written; it stays valid
 * until vault_close even when the array of keys grows. */
struct vault_data_key {
    int64_t id;
    int64_t created_at_ms;
    bool active;  /* state 'active' in vault_keys */
    uint8_t *key; /* VAULT_KEY_BYTES */
};

/* Secrets derived from the master key: one sodium_malloc region, read-only after open. */
struct vault_secrets {
    uint8_t master[VAULT_KEY_BYTES];
    uint8_t wrap[VAULT_KEY_BYTES]; /* wraps data keys and the signing key */
    uint8_t bidx[VAULT_KEY_BYTES]; /* blind indexes */
    uint8_t mac[VAULT_KEY_BYTES];  /* root of vault_mac */
};

struct vault {
    pthread_rwlock_t lock;         /* guards everything below except `secrets` */
    struct vault_secrets *secrets; /* immutable after open: read without the lock */
    struct vault_data_key *keys;   /* every data key ever loaded, active or retired */
    size_t keys_count;
    size_t keys_cap;
    int64_t active_id; /* the key new values are sealed under; 0 = none */
    int64_t sign_id;   /* 0 until the signing key is loaded */
    uint8_t *sign_sk;  /* VAULT_SIGN_SK_BYTES, sodium_malloc, read-only */
    uint8_t sign_pk[VAULT_PUBKEY_BYTES];
    vault_reload_fn reload_fn;
    void *reload_ctx;
};

/* Reads and checks a master key file into out (a sodium_malloc region of VAULT_KEY_BYTES). */
enum status vault__key_file_read(uint8_t out[VAULT_KEY_BYTES], const char *key_path);
/* Parses a key file's text (len bytes, text[len] writable: it is NUL-terminated in place); errors
 * name key_path. */
enum status vault__key_file_parse(uint8_t out[VAULT_KEY_BYTES], char *text, size_t len, const char *key_path);

/* Master-key rotation. rewrap: in one transaction, every vault_keys row re-wrapped from `from`'s
 * master key to new_master, `from`'s blind-index and MAC keys kept in vault_meta under it, the
 * export time cleared. replace: renames the new key file over the old one, durably. */
enum status vault__master_rewrap(const struct vault *from, const uint8_t new_master[VAULT_KEY_BYTES], struct store *s);
enum status vault__key_file_replace(const char *next_path, const char *key_path);

/* A key export file (vault_keys_import): the Argon2id cost it names, checked against the limits,
 * and the sealed master key. */
struct vault__export {
    uint8_t salt[16]; /* crypto_pwhash_argon2id_SALTBYTES */
    uint8_t nonce[VAULT_NONCE_BYTES];
    uint8_t sealed[VAULT_KEY_BYTES + VAULT_TAG_BYTES];
    unsigned long long ops;
    size_t mem;
};
/* Parses an export's text; errors name the file (name). */
enum status vault__export_parse(struct vault__export *out, const char *text, size_t len, const char *name);
/* Opens a parsed export with the passphrase: the master key, or STATUS_CRYPTO (wrong passphrase
 * or a damaged file). */
enum status vault__export_open(uint8_t master[VAULT_KEY_BYTES], const struct vault__export *e, const char *passphrase);
/* Encodes a master key as the key file text; *out is a sodium_malloc region of *len bytes,
 * freed with sodium_free by the caller. */
void vault__key_file_text(char **out, size_t *len, const uint8_t master[VAULT_KEY_BYTES]);

/* Wraps and unwraps a key under the wrap key, with AD "ctis|key|<id>". wrapped holds
 * VAULT_NONCE_BYTES + key_len + VAULT_TAG_BYTES bytes. */
void vault__key_wrap(const struct vault *v, uint8_t *wrapped, int64_t id, const uint8_t *key, size_t key_len);
enum status vault__key_unwrap(const struct vault *v, uint8_t *key, size_t key_len, int64_t id, const uint8_t *wrapped,
                              size_t wrapped_len);

/* vault_meta values that are whole numbers: get gives 0 when absent or empty. */
enum status vault__meta_get_i64(struct store *s, const char *name, int64_t *out);
enum status vault__meta_set_i64(struct store *s, const char *name, int64_t value);

/* Seals under the given data key (which must be loaded). */
enum status vault__seal_with(struct vault *v, int64_t key_id, uint8_t **out, size_t *out_len, const struct vault_ad *ad,
                             const void *plain, size_t plain_len);
/* Inserts a new active data key row (created after every existing key) inside the caller's
 * transaction; *id_out is its id. */
enum status vault__data_key_insert(struct vault *v, struct store *s, int64_t *id_out);

/* Opens a vault that lives only in memory: keys derived from `master`, one data key and a
 * signing key pair, no database (tests, benchmark, fuzz harness). */
enum status vault__open_memory(struct vault **out, const uint8_t master[VAULT_KEY_BYTES]);

/* Rotation, stopping with STATUS_BUSY after max_batches batches when max_batches > 0 (tests
 * simulate an interruption with it). vault_keys_rotate is this with max_batches 0. */
enum status vault__keys_rotate_batches(struct vault *v, struct store *s, vault_progress_fn progress, void *ctx,
                                       int64_t max_batches);

/* Tests: the most password hashes ever in flight at once, and resetting that figure. */
int vault__pwhash_peak(void);
void vault__pwhash_peak_reset(void);

#endif
