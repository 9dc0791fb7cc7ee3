/* vault: every cryptographic operation of ctis, and the only module that includes sodium.h.
 *
 * Keys. A 32-byte master key lives in a file (mode 0600) created by `ctis init`; it never
 * enters the database. It wraps the data keys (XChaCha20-Poly1305), which are stored in the
 * vault_keys table, one active at a time. From the master key, HKDF-SHA256 derives the keys
 * for blind indexes, for keyed hashes (audit chain, token hashes) and for wrapping. The agency's
 * Ed25519 signing key pair is created on first open and stored wrapped like a data key.
 *
 * Field envelopes: version(1)=1 | key_id(8, big-endian) | nonce(24) | ciphertext+tag(16).
 * The associated data is "ctis|1|<table>|<column>|<row id>", so a sealed value cannot be moved
 * to another row or column. Expected errors: STATUS_CRYPTO when a tag fails, STATUS_INVALID
 * for a malformed envelope, STATUS_NOT_FOUND for an unknown key id.
 *
 * A struct vault is shared by all threads of a server; every function here is thread-safe.
 * Secrets are kept in sodium_malloc memory and wiped on close. */
#ifndef CTIS_VAULT_VAULT_H
#define CTIS_VAULT_VAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct store_rows;
struct sql_value;
struct vault;

#define VAULT_KEY_BYTES 32
#define VAULT_BIDX_BYTES 32
#define VAULT_HASH_BYTES 32
#define VAULT_SIG_BYTES 64
#define VAULT_PUBKEY_BYTES 32
#define VAULT_PWHASH_STR_BYTES 128
#define VAULT_ENVELOPE_OVERHEAD (1 + 8 + 24 + 16)

/* Initialises libsodium; call once at start. STATUS_IO if it cannot. */
enum status vault_library_init(void);

/* Creates a new master key file (mode 0600). STATUS_CONFLICT if the file exists. */
enum status vault_key_file_create(const char *key_path);
/* The key file path for a database URL: CTIS_KEY_FILE when set, otherwise "<db file>.key"
 * beside a SQLite file, or "ctis.key" in the working directory for PostgreSQL. Caller frees. */
char *vault_key_path_for(const char *db_url);

/* Opens the vault: reads the master key file and loads the data keys from the database,
 * creating the first data key and the signing key pair when the database has none (this
 * writes, in its own transaction, so call it outside one). Errors: STATUS_NOT_FOUND (no key
 * file), STATUS_INVALID (key file readable by group or others, or not a key file),
 * STATUS_CRYPTO (the key file does not match this database), STATUS_IO. */
enum status vault_open(struct vault **out, const char *key_path, struct store *s);
void vault_close(struct vault *v);
/* Checks that the key file opens every key held in the database (inside the caller's
 * transaction, if any), writing nothing. STATUS_CRYPTO when it does not, STATUS_NOT_FOUND when
 * there is no key file. */
enum status vault_key_file_check(const char *key_path, struct store *s);
/* Reloads the data keys from the database (after a rotation by another process). */
enum status vault_reload(struct vault *v, struct store *s);
/* vault_unseal has no store, so when it meets an unknown key id it calls this hook once (if
 * set), then looks again. The hook typically takes a connection from the pool, calls
 * vault_reload and gives the connection back. It runs with no vault lock held. fn may be NULL
 * (the default: an unknown key id is STATUS_NOT_FOUND at once). */
typedef enum status (*vault_reload_fn)(struct vault *v, void *ctx);
void vault_reloader_set(struct vault *v, vault_reload_fn fn, void *ctx);

/* Associated data of a sealed value. */
struct vault_ad {
    const char *table;
    const char *column;
    int64_t row_id;
};

/* Seals plaintext under the active data key. *out (caller frees) holds the envelope. */
enum status vault_seal(struct vault *v, uint8_t **out, size_t *out_len, const struct vault_ad *ad, const void *plain,
                       size_t plain_len);
/* Opens an envelope. *out is NUL-terminated (caller frees with vault_plain_free, which wipes). */
enum status vault_unseal(struct vault *v, char **out, size_t *out_len, const struct vault_ad *ad, const uint8_t *sealed,
                         size_t sealed_len);
void vault_plain_free(char *plain, size_t len);
/* The sealed value of column `column` of row `id` of `table`, ready to bind: text NULL or "" is
 * SQL NULL (nothing sealed); else *out points into *buf, the envelope (caller frees *buf once
 * the statement has run). */
enum status vault_seal_text(struct vault *v, const char *table, const char *column, int64_t id, const char *text,
                            uint8_t **buf, struct sql_value *out);
/* An envelope opened into a JSON string; no envelope (NULL or empty) is JSON null. */
enum status vault_unseal_json(struct vault *v, const char *table, const char *column, int64_t id, const uint8_t *blob,
                              size_t len, json_t **out);
/* The same for column col of the current row of rs (SQL NULL is JSON null). */
enum status vault_unseal_column_json(struct vault *v, struct store_rows *rs, size_t col, const char *table,
                                     const char *column, int64_t id, json_t **out);
/* The key id an envelope was sealed under (for rotation). STATUS_INVALID if malformed. */
enum status vault_envelope_key_id(int64_t *out, const uint8_t *sealed, size_t sealed_len);
int64_t vault_active_key_id(struct vault *v);

/* Normalises text for matching: Unicode NFKC, case-folded, Latin accents removed, Arabic
 * diacritics (harakat, U+064B-U+065F, U+0670) and tatweel (U+0640) removed, invisible format
 * marks (zero-width characters, bidi marks, BOM) removed, runs of white space made one space,
 * trimmed. *out is caller-freed. STATUS_INVALID for invalid UTF-8 or an embedded NUL,
 * STATUS_TOO_LARGE beyond JSON_STRING_BYTES_MAX. */
enum status vault_normalise(char **out, const char *text, size_t len);
/* Keyed BLAKE2b of the normalised value, domain-separated by `domain` (e.g. "users.email"),
 * so equal values in different fields give different indexes. */
enum status vault_blind_index(struct vault *v, uint8_t out[VAULT_BIDX_BYTES], const char *domain, const char *text,
                              size_t len);

/* Argon2id password hashing; at most VAULT_PWHASH_CONCURRENT_MAX run at once (each uses
 * 64 MiB), further callers wait. CTIS_PWHASH=fast in the environment selects the minimum
 * cost, for tests only. verify returns STATUS_OK or STATUS_DENIED. */
enum status vault_password_hash(char out[VAULT_PWHASH_STR_BYTES], const char *password, size_t len);
enum status vault_password_verify(const char *hash, const char *password, size_t len);
/* True when the hash was made with weaker parameters than the current ones. */
bool vault_password_needs_rehash(const char *hash);

/* Randomness. */
void vault_random(void *buf, size_t len);
/* A random id in [1, 2^53 - 1], for primary keys. */
int64_t vault_random_id(void);
/* A random token of `bytes` bytes, base64url; caller frees. */
char *vault_token_new(size_t bytes);

/* Hashing. vault_hash is plain BLAKE2b-256; vault_mac is BLAKE2b-256 keyed with the MAC root
 * key (HKDF from the master key) over purpose | 0x00 | data, so each `purpose` (e.g. "audit",
 * "token", "throttle") gives unrelated values. */
void vault_hash(uint8_t out[VAULT_HASH_BYTES], const void *data, size_t len);
void vault_mac(struct vault *v, uint8_t out[VAULT_HASH_BYTES], const char *purpose, const void *data, size_t len);
/* Streaming SHA-256 (file fingerprints, e.g. the source keys of imports). The state is opaque
 * here so that this header does not need sodium.h. */
#define VAULT_SHA256_BYTES 32
struct vault_sha256 {
    _Alignas(16) uint8_t opaque[128];
};
void vault_sha256_init(struct vault_sha256 *h);
void vault_sha256_update(struct vault_sha256 *h, const void *data, size_t len);
void vault_sha256_final(struct vault_sha256 *h, uint8_t out[VAULT_SHA256_BYTES]);
/* HKDF-SHA256 (RFC 5869): extract with salt, expand with info into out_len bytes (<= 8160). */
enum status vault_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                       size_t salt_len, const char *info);
/* As vault_hkdf, with info as bytes (which may hold NUL), for keys a schema file describes
 * (record linkage, src/link). */
enum status vault_hkdf_bytes(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                             size_t salt_len, const uint8_t *info, size_t info_len);
/* BLAKE2b with a key (0 to 64 bytes), the 16-byte salt and personalisation parameters (NULL
 * means zeros) and out_len (16 to 64) bytes of output: clkhash's blakeHash, where the salt is the
 * hash index (record linkage, src/link/clk.c). */
#define VAULT_BLAKE2B_SALT_BYTES 16
void vault_blake2b_keyed(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                         const uint8_t salt[VAULT_BLAKE2B_SALT_BYTES], const uint8_t personal[VAULT_BLAKE2B_SALT_BYTES],
                         const void *data, size_t len);
/* Constant-time comparison. */
bool vault_equal(const void *a, const void *b, size_t len);
void vault_wipe(void *buf, size_t len);

/* Signing with the agency's own Ed25519 key pair, and verification against any public key. */
void vault_public_key(struct vault *v, uint8_t out[VAULT_PUBKEY_BYTES]);
void vault_sign(struct vault *v, uint8_t sig[VAULT_SIG_BYTES], const void *msg, size_t len);
enum status vault_verify(const uint8_t pk[VAULT_PUBKEY_BYTES], const uint8_t sig[VAULT_SIG_BYTES], const void *msg,
                         size_t len);

/* The register of trusted peer agencies' public keys (table trusted_peers). */
struct vault_peer {
    int64_t id;
    char *name;
    uint8_t public_key[VAULT_PUBKEY_BYTES];
    int64_t added_at_ms;
};
enum status vault_peer_add(struct store *s, const char *name, const uint8_t pk[VAULT_PUBKEY_BYTES]);
enum status vault_peer_remove(struct store *s, const char *name);
/* *out is an array of *count_out peers; free with vault_peers_free. */
enum status vault_peer_list(struct vault_peer **out, size_t *count_out, struct store *s);
void vault_peers_free(struct vault_peer *peers, size_t count);
/* Verifies a signature by the named trusted peer. STATUS_NOT_FOUND if not trusted. */
enum status vault_peer_verify(struct store *s, const char *name, const uint8_t sig[VAULT_SIG_BYTES], const void *msg,
                              size_t len);

/* Key safekeeping. export writes the master key to `path`, encrypted under a key derived from
 * the passphrase (Argon2id, sensitive limits), and records the time in vault_meta
 * ("key_exported_at_ms"). import reads such a file back into a new key file. */
enum status vault_keys_export(struct vault *v, struct store *s, const char *path, const char *passphrase);
enum status vault_keys_import(const char *export_path, const char *passphrase, const char *key_path);
/* Epoch ms of the last export, 0 when never exported. */
enum status vault_keys_exported_at(int64_t *out, struct store *s);

/* Rotation: creates a new active data key (unless a rotation is already under way), then
 * re-seals every value of every sealed column (store_sealed_columns) that is under an older
 * key, in batches of DB_COPY_BATCH_ROWS, each batch its own transaction, passing over the
 * columns until a whole pass finds nothing under an older key; finally retires the old keys
 * (their rows stay, so backups remain readable). Interrupted, it loses nothing and a second
 * call resumes. progress(done, ctx) is called after each batch with the number of values
 * re-sealed so far (progress may be NULL). Call it outside a transaction. STATUS_BUSY when
 * values kept changing for 16 passes (run it again). */
typedef void (*vault_progress_fn)(int64_t done, void *ctx);
enum status vault_keys_rotate(struct vault *v, struct store *s, vault_progress_fn progress, void *ctx);

/* Master-key rotation: a new master key; every data key and the signing key re-wrapped under it
 * in one transaction; the blind-index and MAC keys (derived from the old master key) kept in the
 * database, wrapped under the new one, so that indexes, the audit chain and sessions stay valid;
 * the key file replaced (the new key is written to KEY.new first, renamed over KEY after the
 * commit; a vault_open that finds KEY not matching and KEY.new matching finishes the rename).
 * The old key file and its exports no longer open this database (older backups still need them);
 * the export time is cleared. v keeps working with the old keys in memory: close it after.
 * Run with no server on the database. STATUS_CONFLICT when KEY.new exists. */
enum status vault_master_rotate(struct vault *v, struct store *s, const char *key_path);

#endif
