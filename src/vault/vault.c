/* vault: keys in memory, field envelopes (seal/unseal), blind indexes, hashing, MACs, HKDF,
 * randomness and tokens, password hashing with a cap on concurrent hashes, Ed25519 signing and
 * the trusted-peer register. Key files, export/import and rotation are in keys.c; text
 * normalisation is in normalise.c. See docs/vault.md for the design. */
#include "vault/vault.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault_int.h"

_Static_assert(VAULT_PWHASH_STR_BYTES == crypto_pwhash_STRBYTES, "password hash string size");
_Static_assert(VAULT_SIG_BYTES == crypto_sign_BYTES, "signature size");
_Static_assert(VAULT_PUBKEY_BYTES == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(VAULT_SIGN_SK_BYTES == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(VAULT_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(VAULT_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag size");
_Static_assert(VAULT_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key size");
_Static_assert(VAULT_HASH_BYTES == crypto_auth_hmacsha256_BYTES, "HKDF hash size");

#define VAULT_AD_BYTES_MAX 256
#define VAULT_ID_MAX ((INT64_C(1) << 53) - 1)
#define HKDF_SALT "ctis-vault-v1"
#define HKDF_INFO_WRAP "ctis|wrap-key|v1"
#define HKDF_INFO_BIDX "ctis|blind-index-key|v1"
#define HKDF_INFO_MAC "ctis|mac-root-key|v1"

/* ---- library, randomness, hashing ------------------------------------------------------- */

enum status vault_library_init(void)
{
    if (sodium_init() < 0) {
        return err_set(STATUS_IO, "cannot initialise libsodium");
    }
    return STATUS_OK;
}

void vault_random(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

int64_t vault_random_id(void)
{
    uint64_t x = 0;
    /* Masking 64 uniform bits to 53 is uniform on [0, 2^53 - 1]; rejecting 0 keeps it uniform
     * on [1, 2^53 - 1]. */
    do {
        randombytes_buf(&x, sizeof x);
        x &= (uint64_t)VAULT_ID_MAX;
    } while (x == 0);
    return (int64_t)x;
}

char *vault_token_new(size_t bytes)
{
    ASSERT(bytes > 0 && bytes <= 1024);
    uint8_t raw[1024];
    randombytes_buf(raw, bytes);
    char *token = util_b64url_encode(raw, bytes);
    sodium_memzero(raw, bytes);
    return token;
}

void vault_hash(uint8_t out[VAULT_HASH_BYTES], const void *data, size_t len)
{
    crypto_generichash(out, VAULT_HASH_BYTES, data, len, NULL, 0);
}

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct vault_sha256), "SHA-256 state fits");
_Static_assert(VAULT_SHA256_BYTES == crypto_hash_sha256_BYTES, "SHA-256 size");

void vault_sha256_init(struct vault_sha256 *h)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->opaque);
}

void vault_sha256_update(struct vault_sha256 *h, const void *data, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->opaque, data, len);
}

void vault_sha256_final(struct vault_sha256 *h, uint8_t out[VAULT_SHA256_BYTES])
{
    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->opaque, out);
}

/* BLAKE2b-256 keyed with `key` over label || 0x00 || data: the NUL ends the label, so distinct
 * (label, data) pairs never give the same input. */
static void keyed_hash(uint8_t out[VAULT_HASH_BYTES], const uint8_t key[VAULT_KEY_BYTES], const char *label,
                       const void *data, size_t len)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, VAULT_KEY_BYTES, VAULT_HASH_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
    crypto_generichash_update(&st, data, len);
    crypto_generichash_final(&st, out, VAULT_HASH_BYTES);
    sodium_memzero(&st, sizeof st);
}

void vault_mac(struct vault *v, uint8_t out[VAULT_HASH_BYTES], const char *purpose, const void *data, size_t len)
{
    ASSERT(v != NULL && purpose != NULL && purpose[0] != '\0');
    keyed_hash(out, v->secrets->mac, purpose, data, len);
}

enum status vault_blind_index(struct vault *v, uint8_t out[VAULT_BIDX_BYTES], const char *domain, const char *text,
                              size_t len)
{
    ASSERT(v != NULL && domain != NULL && domain[0] != '\0');
    char *norm = NULL;
    enum status st = vault_normalise(&norm, text, len);
    if (st != STATUS_OK) {
        goto out;
    }
    size_t norm_len = strlen(norm);
    keyed_hash(out, v->secrets->bidx, domain, norm, norm_len);
    sodium_memzero(norm, norm_len);
out:
    free(norm);
    return st;
}

enum status vault_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                       size_t salt_len, const char *info)
{
    return vault_hkdf_bytes(out, out_len, ikm, ikm_len, salt, salt_len, (const uint8_t *)info,
                            info != NULL ? strlen(info) : 0);
}

enum status vault_hkdf_bytes(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                             size_t salt_len, const uint8_t *info, size_t info_len)
{
    enum status st = STATUS_OK;
    uint8_t zeros[crypto_auth_hmacsha256_BYTES] = {0};
    uint8_t prk[crypto_auth_hmacsha256_BYTES];
    uint8_t t[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    if (out_len == 0 || out_len > 255 * (size_t)crypto_auth_hmacsha256_BYTES) {
        st = err_set(STATUS_INVALID, "HKDF output must be 1 to 8160 bytes");
        goto out;
    }
    /* Extract: PRK = HMAC(salt, IKM); no salt means HashLen zero bytes (RFC 5869 2.2). */
    if (salt == NULL || salt_len == 0) {
        salt = zeros;
        salt_len = sizeof zeros;
    }
    crypto_auth_hmacsha256_init(&h, salt, salt_len);
    crypto_auth_hmacsha256_update(&h, ikm_len > 0 ? ikm : zeros, ikm_len);
    crypto_auth_hmacsha256_final(&h, prk);
    /* Expand: T(i) = HMAC(PRK, T(i-1) | info | i). */
    size_t done = 0;
    for (unsigned i = 1; done < out_len; i++) {
        uint8_t counter = (uint8_t)i;
        crypto_auth_hmacsha256_init(&h, prk, sizeof prk);
        if (i > 1) {
            crypto_auth_hmacsha256_update(&h, t, sizeof t);
        }
        if (info_len > 0) {
            crypto_auth_hmacsha256_update(&h, info, info_len);
        }
        crypto_auth_hmacsha256_update(&h, &counter, 1);
        crypto_auth_hmacsha256_final(&h, t);
        size_t n = out_len - done < sizeof t ? out_len - done : sizeof t;
        memcpy(out + done, t, n);
        done += n;
    }
out:
    sodium_memzero(prk, sizeof prk);
    sodium_memzero(t, sizeof t);
    sodium_memzero(&h, sizeof h);
    return st;
}

void vault_blake2b_keyed(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                         const uint8_t salt[VAULT_BLAKE2B_SALT_BYTES], const uint8_t personal[VAULT_BLAKE2B_SALT_BYTES],
                         const void *data, size_t len)
{
    static const uint8_t zero[VAULT_BLAKE2B_SALT_BYTES];
    ASSERT(out_len >= crypto_generichash_blake2b_BYTES_MIN && out_len <= crypto_generichash_blake2b_BYTES_MAX);
    ASSERT(key_len <= crypto_generichash_blake2b_KEYBYTES_MAX);
    _Static_assert(VAULT_BLAKE2B_SALT_BYTES == crypto_generichash_blake2b_SALTBYTES, "BLAKE2b salt size");
    _Static_assert(VAULT_BLAKE2B_SALT_BYTES == crypto_generichash_blake2b_PERSONALBYTES, "BLAKE2b personal size");
    ASSERT(crypto_generichash_blake2b_salt_personal(out, out_len, data, len, key_len > 0 ? key : NULL, key_len,
                                                    salt != NULL ? salt : zero,
                                                    personal != NULL ? personal : zero) == 0);
}

bool vault_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}

void vault_wipe(void *buf, size_t len)
{
    sodium_memzero(buf, len);
}

/* ---- vault objects and key loading ------------------------------------------------------ */

static uint8_t *secret_alloc(size_t n)
{
    uint8_t *p = sodium_malloc(n);
    if (p == NULL) {
        fprintf(stderr, "ctis: out of secure memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

/* A vault with its master-derived secrets and no data keys yet. */
static struct vault *vault_new(const uint8_t master[VAULT_KEY_BYTES])
{
    struct vault *v = xcalloc(1, sizeof *v);
    int rc = pthread_rwlock_init(&v->lock, NULL);
    ASSERT(rc == 0);
    v->secrets = (struct vault_secrets *)secret_alloc(sizeof *v->secrets);
    struct vault_secrets *k = v->secrets;
    const uint8_t *salt = (const uint8_t *)HKDF_SALT;
    memcpy(k->master, master, VAULT_KEY_BYTES);
    ASSERT(vault_hkdf(k->wrap, VAULT_KEY_BYTES, master, VAULT_KEY_BYTES, salt, strlen(HKDF_SALT), HKDF_INFO_WRAP) ==
           STATUS_OK);
    ASSERT(vault_hkdf(k->bidx, VAULT_KEY_BYTES, master, VAULT_KEY_BYTES, salt, strlen(HKDF_SALT), HKDF_INFO_BIDX) ==
           STATUS_OK);
    ASSERT(vault_hkdf(k->mac, VAULT_KEY_BYTES, master, VAULT_KEY_BYTES, salt, strlen(HKDF_SALT), HKDF_INFO_MAC) ==
           STATUS_OK);
    sodium_mprotect_readonly(v->secrets);
    return v;
}

void vault_close(struct vault *v)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->keys_count; i++) {
        sodium_free(v->keys[i].key);
    }
    free(v->keys);
    if (v->sign_sk != NULL) {
        sodium_free(v->sign_sk);
    }
    sodium_free(v->secrets);
    pthread_rwlock_destroy(&v->lock);
    sodium_memzero(v, sizeof *v);
    free(v);
}

void vault_reloader_set(struct vault *v, vault_reload_fn fn, void *ctx)
{
    pthread_rwlock_wrlock(&v->lock);
    v->reload_fn = fn;
    v->reload_ctx = ctx;
    pthread_rwlock_unlock(&v->lock);
}

static void key_ad(char *buf, size_t size, int64_t id)
{
    int n = snprintf(buf, size, "ctis|key|%" PRId64, id);
    ASSERT(n > 0 && (size_t)n < size);
}

void vault__key_wrap(const struct vault *v, uint8_t *wrapped, int64_t id, const uint8_t *key, size_t key_len)
{
    char ad[64];
    key_ad(ad, sizeof ad, id);
    unsigned long long clen = 0;
    randombytes_buf(wrapped, VAULT_NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + VAULT_NONCE_BYTES, &clen, key, key_len,
                                               (const unsigned char *)ad, strlen(ad), NULL, wrapped, v->secrets->wrap);
    ASSERT(clen == key_len + VAULT_TAG_BYTES);
}

enum status vault__key_unwrap(const struct vault *v, uint8_t *key, size_t key_len, int64_t id, const uint8_t *wrapped,
                              size_t wrapped_len)
{
    char ad[64];
    key_ad(ad, sizeof ad, id);
    unsigned long long klen = 0;
    if (wrapped_len != VAULT_NONCE_BYTES + key_len + VAULT_TAG_BYTES ||
        crypto_aead_xchacha20poly1305_ietf_decrypt(key, &klen, NULL, wrapped + VAULT_NONCE_BYTES,
                                                   wrapped_len - VAULT_NONCE_BYTES, (const unsigned char *)ad,
                                                   strlen(ad), wrapped, v->secrets->wrap) != 0) {
        return err_set(STATUS_CRYPTO, "the key file does not match this database (key %" PRId64 " cannot be unwrapped)",
                       id);
    }
    return STATUS_OK;
}

/* A row of vault_keys, copied out of the store. */
struct key_row {
    int64_t id;
    bool sign;
    bool active;
    int64_t created_at_ms;
    uint8_t *wrapped;
    size_t wrapped_len;
    bool has_pk;
    uint8_t pk[VAULT_PUBKEY_BYTES];
};

static void key_rows_free(struct key_row *rows, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(rows[i].wrapped);
    }
    free(rows);
}

static enum status key_rows_read(struct key_row **out, size_t *count_out, struct store *s)
{
    *out = NULL;
    *count_out = 0;
    struct store_rows *r = NULL;
    struct key_row *rows = NULL;
    size_t count = 0, cap = 0;
    enum status st = store_exec(s, STMT_VAULT_KEY_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        goto out;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (count == cap) {
            cap = cap == 0 ? 8 : cap * 2;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        struct key_row *k = &rows[count++];
        memset(k, 0, sizeof *k);
        k->id = store_rows_i64(r, 0);
        k->sign = strcmp(store_rows_text(r, 1), "sign") == 0;
        k->active = strcmp(store_rows_text(r, 2), "active") == 0;
        size_t len = 0;
        const uint8_t *w = store_rows_blob(r, 3, &len);
        k->wrapped = xmalloc(len);
        if (len > 0) {
            memcpy(k->wrapped, w, len);
        }
        k->wrapped_len = len;
        const uint8_t *pk = store_rows_blob(r, 4, &len);
        if (pk != NULL && len == VAULT_PUBKEY_BYTES) {
            memcpy(k->pk, pk, VAULT_PUBKEY_BYTES);
            k->has_pk = true;
        }
        k->created_at_ms = store_rows_i64(r, 5);
    }
    if (st != STATUS_DONE) {
        goto out;
    }
    st = STATUS_OK;
    *out = rows;
    *count_out = count;
    rows = NULL;
    count = 0;
out:
    store_rows_free(r);
    key_rows_free(rows, count);
    return st;
}

enum status vault__meta_get_i64(struct store *s, const char *name, int64_t *out)
{
    *out = 0;
    struct store_rows *r = NULL;
    struct sql_value arg = sqlv_text(name);
    enum status st = store_exec_one(s, STMT_VAULT_META_GET, &arg, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        st = STATUS_OK;
        goto out;
    }
    if (st != STATUS_OK) {
        goto out;
    }
    const char *text = store_rows_text(r, 0);
    if (text[0] != '\0' && util_parse_i64(out, text) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "vault_meta %s is not a number", name);
    }
out:
    store_rows_free(r);
    return st;
}

enum status vault__meta_set_i64(struct store *s, const char *name, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    struct sql_value args[] = {sqlv_text(name), sqlv_text(text)};
    return store_exec(s, STMT_VAULT_META_SET, args, ARRAY_LEN(args), NULL);
}

static struct vault_data_key *key_find(struct vault *v, int64_t id)
{
    for (size_t i = 0; i < v->keys_count; i++) {
        if (v->keys[i].id == id) {
            return &v->keys[i];
        }
    }
    return NULL;
}

/* Appends a loaded key (the caller holds the write lock); takes ownership of `key`. */
static void key_append(struct vault *v, int64_t id, uint8_t *key, int64_t created_at_ms)
{
    if (v->keys_count == v->keys_cap) {
        v->keys_cap = v->keys_cap == 0 ? 4 : v->keys_cap * 2;
        v->keys = xrealloc(v->keys, v->keys_cap * sizeof *v->keys);
    }
    sodium_mprotect_readonly(key);
    v->keys[v->keys_count++] =
        (struct vault_data_key){.id = id, .created_at_ms = created_at_ms, .active = false, .key = key};
}

enum status vault_reload(struct vault *v, struct store *s)
{
    ASSERT(v != NULL && s != NULL);
    struct key_row *rows = NULL;
    size_t count = 0;
    uint8_t **fresh = NULL; /* unwrapped keys not yet loaded, by row index */
    uint8_t *sign_sk = NULL;
    const struct key_row *sign_row = NULL;
    int64_t target = 0;
    enum status st = key_rows_read(&rows, &count, s);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault__meta_get_i64(s, VAULT_META_ROTATION_TARGET, &target);
    if (st != STATUS_OK) {
        goto out;
    }
    fresh = xcalloc(count, sizeof *fresh);
    /* Unwrap outside the lock: the keys not loaded yet, and the signing key if missing. */
    pthread_rwlock_rdlock(&v->lock);
    bool need_sign = v->sign_sk == NULL;
    bool *known = xcalloc(count, sizeof *known);
    for (size_t i = 0; i < count; i++) {
        known[i] = !rows[i].sign && key_find(v, rows[i].id) != NULL;
    }
    pthread_rwlock_unlock(&v->lock);
    for (size_t i = 0; i < count && st == STATUS_OK; i++) {
        if (rows[i].sign) {
            if (rows[i].active) {
                sign_row = &rows[i]; /* rows are oldest first: keep the newest */
            }
        } else if (!known[i]) {
            fresh[i] = secret_alloc(VAULT_KEY_BYTES);
            st = vault__key_unwrap(v, fresh[i], VAULT_KEY_BYTES, rows[i].id, rows[i].wrapped, rows[i].wrapped_len);
        }
    }
    free(known);
    if (st != STATUS_OK) {
        goto out;
    }
    if (need_sign && sign_row != NULL) {
        sign_sk = secret_alloc(VAULT_SIGN_SK_BYTES);
        st = vault__key_unwrap(v, sign_sk, VAULT_SIGN_SK_BYTES, sign_row->id, sign_row->wrapped, sign_row->wrapped_len);
        if (st != STATUS_OK) {
            goto out;
        }
        /* An Ed25519 secret key in libsodium ends with its public key. */
        if (!sign_row->has_pk ||
            sodium_memcmp(sign_sk + VAULT_SIGN_SK_BYTES - VAULT_PUBKEY_BYTES, sign_row->pk, VAULT_PUBKEY_BYTES) != 0) {
            st = err_set(STATUS_CRYPTO, "the signing key %" PRId64 " does not match its public key", sign_row->id);
            goto out;
        }
    }

    pthread_rwlock_wrlock(&v->lock);
    for (size_t i = 0; i < count; i++) {
        if (fresh[i] != NULL && key_find(v, rows[i].id) == NULL) {
            key_append(v, rows[i].id, fresh[i], rows[i].created_at_ms);
            fresh[i] = NULL;
        }
    }
    for (size_t i = 0; i < v->keys_count; i++) {
        v->keys[i].active = false;
    }
    int64_t active = 0;
    for (size_t i = 0; i < count; i++) {
        struct vault_data_key *k = rows[i].sign ? NULL : key_find(v, rows[i].id);
        if (k != NULL && rows[i].active) {
            k->active = true;
            active = k->id; /* oldest first: the last active one is the newest */
        }
    }
    /* During a rotation the target is the key to seal under, whatever the order says. */
    struct vault_data_key *t = target != 0 ? key_find(v, target) : NULL;
    if (t != NULL && t->active) {
        active = t->id;
    }
    v->active_id = active;
    if (sign_sk != NULL && v->sign_sk == NULL) {
        sodium_mprotect_readonly(sign_sk);
        v->sign_sk = sign_sk;
        v->sign_id = sign_row->id;
        memcpy(v->sign_pk, sign_row->pk, VAULT_PUBKEY_BYTES);
        sign_sk = NULL;
    }
    pthread_rwlock_unlock(&v->lock);
out:
    if (fresh != NULL) {
        for (size_t i = 0; i < count; i++) {
            if (fresh[i] != NULL) {
                sodium_free(fresh[i]);
            }
        }
        free(fresh);
    }
    if (sign_sk != NULL) {
        sodium_free(sign_sk);
    }
    key_rows_free(rows, count);
    return st;
}

enum status vault__data_key_insert(struct vault *v, struct store *s, int64_t *id_out)
{
    struct key_row *rows = NULL;
    size_t count = 0;
    uint8_t *key = NULL;
    enum status st = key_rows_read(&rows, &count, s);
    if (st != STATUS_OK) {
        goto out;
    }
    /* Created strictly after every existing key, so that "newest" is never a tie. */
    int64_t created = util_now_ms();
    for (size_t i = 0; i < count; i++) {
        if (rows[i].created_at_ms >= created) {
            created = rows[i].created_at_ms + 1;
        }
    }
    int64_t id = vault_random_id();
    key = secret_alloc(VAULT_KEY_BYTES);
    randombytes_buf(key, VAULT_KEY_BYTES);
    uint8_t wrapped[VAULT_WRAPPED_DATA_BYTES];
    vault__key_wrap(v, wrapped, id, key, VAULT_KEY_BYTES);
    struct sql_value args[] = {SQLV_I64(id), sqlv_text("data"), sqlv_text("active"), SQLV_BLOB(wrapped, sizeof wrapped),
                               SQLV_NULL,    SQLV_I64(created)};
    st = store_exec(s, STMT_VAULT_KEY_INSERT, args, ARRAY_LEN(args), NULL);
    if (st == STATUS_OK) {
        *id_out = id;
    }
out:
    if (key != NULL) {
        sodium_free(key);
    }
    key_rows_free(rows, count);
    return st;
}

static enum status sign_key_insert(struct vault *v, struct store *s)
{
    uint8_t pk[VAULT_PUBKEY_BYTES];
    uint8_t *sk = secret_alloc(VAULT_SIGN_SK_BYTES);
    uint8_t wrapped[VAULT_WRAPPED_SIGN_BYTES];
    crypto_sign_keypair(pk, sk);
    int64_t id = vault_random_id();
    vault__key_wrap(v, wrapped, id, sk, VAULT_SIGN_SK_BYTES);
    sodium_free(sk);
    struct sql_value args[] = {SQLV_I64(id),
                               sqlv_text("sign"),
                               sqlv_text("active"),
                               SQLV_BLOB(wrapped, sizeof wrapped),
                               SQLV_BLOB(pk, sizeof pk),
                               SQLV_I64(util_now_ms())};
    return store_exec(s, STMT_VAULT_KEY_INSERT, args, ARRAY_LEN(args), NULL);
}

/* In one write transaction: creates the first data key and the signing key pair when missing
 * (looking again inside the transaction, in case another process just made them). */
static enum status keys_create_tx(struct store *s, void *ctx)
{
    struct vault *v = ctx;
    struct key_row *rows = NULL;
    size_t count = 0;
    bool have_data = false, have_sign = false;
    int64_t id = 0;
    enum status st = key_rows_read(&rows, &count, s);
    if (st != STATUS_OK) {
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        have_data = have_data || (!rows[i].sign && rows[i].active);
        have_sign = have_sign || (rows[i].sign && rows[i].active);
    }
    if (!have_data) {
        st = vault__data_key_insert(v, s, &id);
        if (st != STATUS_OK) {
            goto out;
        }
    }
    if (!have_sign) {
        st = sign_key_insert(v, s);
    }
out:
    key_rows_free(rows, count);
    return st;
}

/* ---- sealed columns -------------------------------------------------------------------- */

enum status vault_seal_text(struct vault *v, const char *table, const char *column, int64_t id, const char *text,
                            uint8_t **buf, struct sql_value *out)
{
    *buf = NULL;
    *out = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {table, column, id};
    enum status st = vault_seal(v, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *out = SQLV_BLOB(*buf, len);
    }
    return st;
}

enum status vault_unseal_json(struct vault *v, const char *table, const char *column, int64_t id, const uint8_t *blob,
                              size_t len, json_t **out)
{
    *out = NULL;
    if (blob == NULL || len == 0) {
        *out = json_null();
        return STATUS_OK;
    }
    char *plain = NULL;
    size_t plen = 0;
    struct vault_ad ad = {table, column, id};
    enum status st = vault_unseal(v, &plain, &plen, &ad, blob, len);
    if (st == STATUS_OK) {
        *out = json_stringn(plain, plen);
        vault_plain_free(plain, plen);
    }
    return st;
}

enum status vault_unseal_column_json(struct vault *v, struct store_rows *rs, size_t col, const char *table,
                                     const char *column, int64_t id, json_t **out)
{
    size_t len = 0;
    const uint8_t *blob = store_rows_is_null(rs, col) ? NULL : store_rows_blob(rs, col, &len);
    return vault_unseal_json(v, table, column, id, blob, len, out);
}

/* ---- master-key rotation ---------------------------------------------------------------- */

/* The blind-index and MAC root keys, once a master key has been rotated: kept in vault_meta
 * (VAULT_META_DERIVED), wrapped under the wrap key, so that blind indexes, the audit chain and
 * every MAC stay valid under the new master key. Hex of nonce | ciphertext of bidx | mac | tag. */
#define DERIVED_AD "ctis|derived-keys|v1"
#define DERIVED_BYTES (2 * VAULT_KEY_BYTES)
#define DERIVED_WRAPPED_BYTES (VAULT_NONCE_BYTES + DERIVED_BYTES + VAULT_TAG_BYTES)

static enum status meta_get_text(struct store *s, const char *name, char **out)
{
    *out = NULL;
    struct store_rows *r = NULL;
    struct sql_value arg = sqlv_text(name);
    enum status st = store_exec_one(s, STMT_VAULT_META_GET, &arg, 1, &r);
    if (st == STATUS_OK) {
        *out = xstrdup(store_rows_text(r, 0));
    } else if (st == STATUS_NOT_FOUND) {
        st = STATUS_OK;
    }
    store_rows_free(r);
    return st;
}

/* Loads the kept derived keys into v's secrets, if a rotation left them; else v keeps the keys
 * derived from its master key. */
static enum status derived_load(struct vault *v, struct store *s)
{
    char *hex = NULL;
    uint8_t *plain = secret_alloc(DERIVED_BYTES);
    uint8_t wrapped[DERIVED_WRAPPED_BYTES];
    enum status st = meta_get_text(s, VAULT_META_DERIVED, &hex);
    if (st != STATUS_OK || hex == NULL || hex[0] == '\0') {
        goto out;
    }
    unsigned long long plen = 0;
    if (util_hex_decode(wrapped, sizeof wrapped, hex) != STATUS_OK ||
        crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plen, NULL, wrapped + VAULT_NONCE_BYTES, sizeof wrapped - VAULT_NONCE_BYTES,
            (const unsigned char *)DERIVED_AD, strlen(DERIVED_AD), wrapped, v->secrets->wrap) != 0) {
        st = err_set(STATUS_CRYPTO, "the key file does not match this database (the kept index keys cannot be "
                                    "unwrapped)");
        goto out;
    }
    sodium_mprotect_readwrite(v->secrets);
    memcpy(v->secrets->bidx, plain, VAULT_KEY_BYTES);
    memcpy(v->secrets->mac, plain + VAULT_KEY_BYTES, VAULT_KEY_BYTES);
    sodium_mprotect_readonly(v->secrets);
out:
    free(hex);
    sodium_free(plain);
    return st;
}

struct rewrap {
    const struct vault *from, *to;
};

/* In one transaction: every row of vault_keys unwrapped under from's master key and wrapped
 * under to's; from's blind-index and MAC keys kept, wrapped under to's; the export time cleared
 * (the last export holds the old master key). */
static enum status rewrap_tx(struct store *s, void *p)
{
    const struct rewrap *rw = p;
    struct key_row *rows = NULL;
    size_t count = 0;
    uint8_t *plain = secret_alloc(VAULT_SIGN_SK_BYTES > DERIVED_BYTES ? VAULT_SIGN_SK_BYTES : DERIVED_BYTES);
    enum status st = key_rows_read(&rows, &count, s);
    for (size_t i = 0; i < count && st == STATUS_OK; i++) {
        size_t len = rows[i].sign ? VAULT_SIGN_SK_BYTES : VAULT_KEY_BYTES;
        st = vault__key_unwrap(rw->from, plain, len, rows[i].id, rows[i].wrapped, rows[i].wrapped_len);
        if (st != STATUS_OK) {
            break;
        }
        uint8_t wrapped[VAULT_WRAPPED_SIGN_BYTES];
        vault__key_wrap(rw->to, wrapped, rows[i].id, plain, len);
        struct sql_value a[] = {SQLV_I64(rows[i].id), SQLV_BLOB(wrapped, VAULT_NONCE_BYTES + len + VAULT_TAG_BYTES)};
        st = store_exec(s, STMT_VAULT_KEY_REWRAP, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        memcpy(plain, rw->from->secrets->bidx, VAULT_KEY_BYTES);
        memcpy(plain + VAULT_KEY_BYTES, rw->from->secrets->mac, VAULT_KEY_BYTES);
        uint8_t wrapped[DERIVED_WRAPPED_BYTES];
        char hex[2 * DERIVED_WRAPPED_BYTES + 1];
        unsigned long long clen = 0;
        randombytes_buf(wrapped, VAULT_NONCE_BYTES);
        crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + VAULT_NONCE_BYTES, &clen, plain, DERIVED_BYTES,
                                                   (const unsigned char *)DERIVED_AD, strlen(DERIVED_AD), NULL, wrapped,
                                                   rw->to->secrets->wrap);
        ASSERT(clen == DERIVED_BYTES + VAULT_TAG_BYTES);
        util_hex_encode(hex, wrapped, sizeof wrapped);
        struct sql_value a[] = {sqlv_text(VAULT_META_DERIVED), sqlv_text(hex)};
        st = store_exec(s, STMT_VAULT_META_SET, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        st = vault__meta_set_i64(s, VAULT_META_EXPORTED_AT, 0);
    }
    key_rows_free(rows, count);
    sodium_free(plain);
    return st;
}

enum status vault__master_rewrap(const struct vault *from, const uint8_t new_master[VAULT_KEY_BYTES], struct store *s)
{
    struct vault *to = vault_new(new_master);
    struct rewrap rw = {from, to};
    enum status st = store_tx_run(s, STORE_TX_WRITE, rewrap_tx, &rw);
    vault_close(to);
    return st;
}

enum status vault_open(struct vault **out, const char *key_path, struct store *s)
{
    ASSERT(out != NULL && key_path != NULL && s != NULL);
    *out = NULL;
    struct vault *v = NULL;
    uint8_t *master = secret_alloc(VAULT_KEY_BYTES);
    enum status st = vault__key_file_read(master, key_path);
    if (st != STATUS_OK) {
        goto out;
    }
    v = vault_new(master);
    /* Load (and so check) what exists before writing anything. */
    st = vault_reload(v, s);
    if (st == STATUS_CRYPTO) {
        /* A master-key rotation that committed but did not replace the key file: finish it. */
        char *next = xasprintf("%s.new", key_path);
        if (util_file_exists(next) && vault__key_file_read(master, next) == STATUS_OK) {
            vault_close(v);
            v = vault_new(master);
            st = vault_reload(v, s);
            if (st == STATUS_OK) {
                st = vault__key_file_replace(next, key_path);
            }
            if (st == STATUS_OK) {
                log_warn("vault: finished an interrupted master-key rotation: %s replaced %s", next, key_path);
            }
        }
        free(next);
    }
    if (st == STATUS_OK) {
        st = derived_load(v, s);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    if (v->active_id == 0 || v->sign_sk == NULL) {
        st = store_tx_run(s, STORE_TX_WRITE, keys_create_tx, v);
        if (st != STATUS_OK) {
            goto out;
        }
        st = vault_reload(v, s);
        if (st != STATUS_OK) {
            goto out;
        }
        log_info("vault: created keys (data key %" PRId64 ", signing key %" PRId64 ")", v->active_id, v->sign_id);
    }
    if (v->active_id == 0 || v->sign_sk == NULL) {
        st = err_set(STATUS_IO, "vault keys are missing after creation");
        goto out;
    }
    *out = v;
    v = NULL;
out:
    sodium_free(master);
    vault_close(v);
    return st;
}

enum status vault_key_file_check(const char *key_path, struct store *s)
{
    uint8_t *master = secret_alloc(VAULT_KEY_BYTES);
    enum status st = vault__key_file_read(master, key_path);
    struct vault *v = NULL;
    if (st == STATUS_OK) {
        v = vault_new(master);
        st = vault_reload(v, s); /* unwraps every key: a wrong master key fails here */
    }
    if (st == STATUS_OK) {
        st = derived_load(v, s);
    }
    sodium_free(master);
    vault_close(v);
    return st;
}

enum status vault__open_memory(struct vault **out, const uint8_t master[VAULT_KEY_BYTES])
{
    struct vault *v = vault_new(master);
    uint8_t *key = secret_alloc(VAULT_KEY_BYTES);
    randombytes_buf(key, VAULT_KEY_BYTES);
    pthread_rwlock_wrlock(&v->lock);
    int64_t id = vault_random_id();
    key_append(v, id, key, util_now_ms());
    v->keys[0].active = true;
    v->active_id = id;
    v->sign_sk = secret_alloc(VAULT_SIGN_SK_BYTES);
    crypto_sign_keypair(v->sign_pk, v->sign_sk);
    sodium_mprotect_readonly(v->sign_sk);
    v->sign_id = vault_random_id();
    pthread_rwlock_unlock(&v->lock);
    *out = v;
    return STATUS_OK;
}

int64_t vault_active_key_id(struct vault *v)
{
    pthread_rwlock_rdlock(&v->lock);
    int64_t id = v->active_id;
    pthread_rwlock_unlock(&v->lock);
    return id;
}

/* ---- envelopes -------------------------------------------------------------------------- */

static void ad_format(char buf[VAULT_AD_BYTES_MAX], const struct vault_ad *ad)
{
    ASSERT(ad != NULL && ad->table != NULL && ad->column != NULL);
    ASSERT(strchr(ad->table, '|') == NULL && strchr(ad->column, '|') == NULL);
    int n = snprintf(buf, VAULT_AD_BYTES_MAX, "ctis|%d|%s|%s|%" PRId64, VAULT_ENVELOPE_VERSION, ad->table, ad->column,
                     ad->row_id);
    ASSERT(n > 0 && n < VAULT_AD_BYTES_MAX);
}

static void put_be64(uint8_t *p, uint64_t x)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(x & 0xff);
        x >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        x = x << 8 | p[i];
    }
    return x;
}

enum status vault__seal_with(struct vault *v, int64_t key_id, uint8_t **out, size_t *out_len, const struct vault_ad *ad,
                             const void *plain, size_t plain_len)
{
    ASSERT(v != NULL && out != NULL && out_len != NULL && (plain != NULL || plain_len == 0));
    *out = NULL;
    *out_len = 0;
    char adtext[VAULT_AD_BYTES_MAX];
    ad_format(adtext, ad);
    if (plain_len > VAULT_SEALED_BYTES_MAX) {
        return err_set(STATUS_TOO_LARGE, "value to seal is larger than %d bytes", VAULT_SEALED_BYTES_MAX);
    }
    enum status st = STATUS_OK;
    size_t len = VAULT_ENVELOPE_OVERHEAD + plain_len;
    uint8_t *env = xmalloc(len);
    env[0] = VAULT_ENVELOPE_VERSION;
    put_be64(env + 1, (uint64_t)key_id);
    randombytes_buf(env + 9, VAULT_NONCE_BYTES);
    unsigned long long clen = 0;
    pthread_rwlock_rdlock(&v->lock);
    struct vault_data_key *k = key_find(v, key_id);
    if (k != NULL) {
        crypto_aead_xchacha20poly1305_ietf_encrypt(env + VAULT_HEADER_BYTES, &clen, plain, plain_len,
                                                   (const unsigned char *)adtext, strlen(adtext), NULL, env + 9,
                                                   k->key);
    }
    pthread_rwlock_unlock(&v->lock);
    if (k == NULL) {
        free(env);
        st = err_set(STATUS_NOT_FOUND, "no data key %" PRId64 " to seal with", key_id);
        goto out;
    }
    /* The envelope shape is fixed: a different length here is a bug, not an input error. */
    ASSERT(clen == plain_len + VAULT_TAG_BYTES && env[0] == VAULT_ENVELOPE_VERSION);
    *out = env;
    *out_len = len;
out:
    return st;
}

enum status vault_seal(struct vault *v, uint8_t **out, size_t *out_len, const struct vault_ad *ad, const void *plain,
                       size_t plain_len)
{
    int64_t id = vault_active_key_id(v);
    if (id == 0) {
        *out = NULL;
        *out_len = 0;
        return err_set(STATUS_NOT_FOUND, "no active data key");
    }
    return vault__seal_with(v, id, out, out_len, ad, plain, plain_len);
}

enum status vault_envelope_key_id(int64_t *out, const uint8_t *sealed, size_t sealed_len)
{
    *out = 0;
    if (sealed == NULL || sealed_len < VAULT_ENVELOPE_OVERHEAD) {
        return err_set(STATUS_INVALID, "sealed value is too short");
    }
    if (sealed_len > VAULT_ENVELOPE_OVERHEAD + (size_t)VAULT_SEALED_BYTES_MAX) {
        return err_set(STATUS_INVALID, "sealed value is too long");
    }
    if (sealed[0] != VAULT_ENVELOPE_VERSION) {
        return err_set(STATUS_INVALID, "sealed value has unknown version %u", sealed[0]);
    }
    uint64_t id = get_be64(sealed + 1);
    if (id == 0 || id > (uint64_t)VAULT_ID_MAX) {
        return err_set(STATUS_INVALID, "sealed value names an impossible key id");
    }
    *out = (int64_t)id;
    return STATUS_OK;
}

/* Decrypts under the key if it is loaded: STATUS_NOT_FOUND when it is not. */
static enum status unseal_once(struct vault *v, uint8_t *plain, int64_t key_id, const char *adtext,
                               const uint8_t *sealed, size_t sealed_len)
{
    enum status st = STATUS_OK;
    unsigned long long plen = 0;
    pthread_rwlock_rdlock(&v->lock);
    struct vault_data_key *k = key_find(v, key_id);
    if (k == NULL) {
        st = STATUS_NOT_FOUND;
    } else if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                   plain, &plen, NULL, sealed + VAULT_HEADER_BYTES, sealed_len - VAULT_HEADER_BYTES,
                   (const unsigned char *)adtext, strlen(adtext), sealed + 9, k->key) != 0) {
        st = STATUS_CRYPTO;
    }
    pthread_rwlock_unlock(&v->lock);
    return st;
}

enum status vault_unseal(struct vault *v, char **out, size_t *out_len, const struct vault_ad *ad, const uint8_t *sealed,
                         size_t sealed_len)
{
    ASSERT(v != NULL && out != NULL && out_len != NULL);
    *out = NULL;
    *out_len = 0;
    char adtext[VAULT_AD_BYTES_MAX];
    ad_format(adtext, ad);
    int64_t key_id = 0;
    enum status st = vault_envelope_key_id(&key_id, sealed, sealed_len);
    if (st != STATUS_OK) {
        return st;
    }
    size_t plain_len = sealed_len - VAULT_ENVELOPE_OVERHEAD;
    uint8_t *plain = xmalloc(plain_len + 1);
    st = unseal_once(v, plain, key_id, adtext, sealed, sealed_len);
    if (st == STATUS_NOT_FOUND) {
        /* Perhaps another process rotated: reload once and look again. */
        pthread_rwlock_rdlock(&v->lock);
        vault_reload_fn fn = v->reload_fn;
        void *ctx = v->reload_ctx;
        pthread_rwlock_unlock(&v->lock);
        if (fn != NULL && fn(v, ctx) == STATUS_OK) {
            st = unseal_once(v, plain, key_id, adtext, sealed, sealed_len);
        }
    }
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "sealed value is under unknown key %" PRId64, key_id);
        goto out;
    }
    if (st == STATUS_CRYPTO) {
        st = err_set(STATUS_CRYPTO,
                     "sealed %s.%s of row %" PRId64 " failed authentication "
                     "(altered, or moved from another row or column)",
                     ad->table, ad->column, ad->row_id);
        goto out;
    }
    plain[plain_len] = '\0';
    *out = (char *)plain;
    *out_len = plain_len;
    plain = NULL;
out:
    if (plain != NULL) {
        sodium_memzero(plain, plain_len + 1);
        free(plain);
    }
    return st;
}

void vault_plain_free(char *plain, size_t len)
{
    if (plain != NULL) {
        sodium_memzero(plain, len);
        free(plain);
    }
}

/* ---- passwords -------------------------------------------------------------------------- */

/* A counting semaphore: at most VAULT_PWHASH_CONCURRENT_MAX hashes or verifies at once in the
 * whole process (the cap is about memory, so it is global, not per vault). */
static pthread_mutex_t pw_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cond = PTHREAD_COND_INITIALIZER;
static int pw_in_flight;
static int pw_peak;

static void pw_enter(void)
{
    pthread_mutex_lock(&pw_mutex);
    while (pw_in_flight >= VAULT_PWHASH_CONCURRENT_MAX) {
        pthread_cond_wait(&pw_cond, &pw_mutex);
    }
    pw_in_flight++;
    if (pw_in_flight > pw_peak) {
        pw_peak = pw_in_flight;
    }
    pthread_mutex_unlock(&pw_mutex);
}

static void pw_leave(void)
{
    pthread_mutex_lock(&pw_mutex);
    pw_in_flight--;
    pthread_cond_signal(&pw_cond);
    pthread_mutex_unlock(&pw_mutex);
}

int vault__pwhash_peak(void)
{
    pthread_mutex_lock(&pw_mutex);
    int peak = pw_peak;
    pthread_mutex_unlock(&pw_mutex);
    return peak;
}

void vault__pwhash_peak_reset(void)
{
    pthread_mutex_lock(&pw_mutex);
    pw_peak = pw_in_flight;
    pthread_mutex_unlock(&pw_mutex);
}

static void pw_limits(unsigned long long *ops, size_t *mem)
{
    const char *mode = getenv("CTIS_PWHASH");
    if (mode != NULL && strcmp(mode, "fast") == 0) {
        *ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    } else {
        *ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
    }
}

enum status vault_password_hash(char out[VAULT_PWHASH_STR_BYTES], const char *password, size_t len)
{
    ASSERT(out != NULL && (password != NULL || len == 0));
    out[0] = '\0';
    if (len > PASSWORD_BYTES_MAX) {
        return err_set(STATUS_TOO_LARGE, "password is longer than %d bytes", PASSWORD_BYTES_MAX);
    }
    unsigned long long ops;
    size_t mem;
    pw_limits(&ops, &mem);
    pw_enter();
    int rc = crypto_pwhash_argon2id_str(out, password != NULL ? password : "", len, ops, mem);
    pw_leave();
    if (rc != 0) {
        return err_set(STATUS_IO, "password hashing failed (out of memory?)");
    }
    return STATUS_OK;
}

static bool pw_hash_well_formed(const char *hash)
{
    return hash != NULL && strnlen(hash, VAULT_PWHASH_STR_BYTES) < VAULT_PWHASH_STR_BYTES &&
           (strncmp(hash, "$argon2id$", 10) == 0 || strncmp(hash, "$argon2i$", 9) == 0);
}

enum status vault_password_verify(const char *hash, const char *password, size_t len)
{
    ASSERT(password != NULL || len == 0);
    if (!pw_hash_well_formed(hash)) {
        return err_set(STATUS_INVALID, "not an Argon2 password hash");
    }
    if (len > PASSWORD_BYTES_MAX) {
        return err_set(STATUS_DENIED, "wrong password");
    }
    pw_enter();
    int rc = crypto_pwhash_str_verify(hash, password != NULL ? password : "", len);
    pw_leave();
    if (rc != 0) {
        return err_set(STATUS_DENIED, "wrong password");
    }
    return STATUS_OK;
}

bool vault_password_needs_rehash(const char *hash)
{
    if (!pw_hash_well_formed(hash) || strncmp(hash, "$argon2id$", 10) != 0) {
        return true;
    }
    unsigned long long ops;
    size_t mem;
    pw_limits(&ops, &mem);
    return crypto_pwhash_argon2id_str_needs_rehash(hash, ops, mem) != 0;
}

/* ---- signing ---------------------------------------------------------------------------- */

void vault_public_key(struct vault *v, uint8_t out[VAULT_PUBKEY_BYTES])
{
    pthread_rwlock_rdlock(&v->lock);
    ASSERT(v->sign_sk != NULL);
    memcpy(out, v->sign_pk, VAULT_PUBKEY_BYTES);
    pthread_rwlock_unlock(&v->lock);
}

void vault_sign(struct vault *v, uint8_t sig[VAULT_SIG_BYTES], const void *msg, size_t len)
{
    pthread_rwlock_rdlock(&v->lock);
    ASSERT(v->sign_sk != NULL);
    crypto_sign_detached(sig, NULL, msg, len, v->sign_sk);
    pthread_rwlock_unlock(&v->lock);
}

enum status vault_verify(const uint8_t pk[VAULT_PUBKEY_BYTES], const uint8_t sig[VAULT_SIG_BYTES], const void *msg,
                         size_t len)
{
    if (crypto_sign_verify_detached(sig, msg, len, pk) != 0) {
        return err_set(STATUS_CRYPTO, "signature does not verify");
    }
    return STATUS_OK;
}

/* ---- trusted peers ---------------------------------------------------------------------- */

static enum status peer_name_check(const char *name)
{
    size_t len = name != NULL ? strnlen(name, NAME_BYTES_MAX + 1) : 0;
    if (len == 0) {
        return err_set_field(STATUS_INVALID, "name", "peer name is empty");
    }
    if (len > NAME_BYTES_MAX) {
        return err_set_field(STATUS_TOO_LARGE, "name", "peer name is longer than %d bytes", NAME_BYTES_MAX);
    }
    if (!util_utf8_valid(name, len)) {
        return err_set_field(STATUS_INVALID, "name", "peer name is not valid UTF-8 text");
    }
    return STATUS_OK;
}

struct peer_add_ctx {
    const char *name;
    const uint8_t *pk;
};

static enum status peer_add_tx(struct store *s, void *ctx)
{
    struct peer_add_ctx *c = ctx;
    struct store_rows *r = NULL;
    size_t count = 0;
    enum status st = store_exec(s, STMT_PEER_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        goto out;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        count++;
    }
    if (st != STATUS_DONE) {
        goto out;
    }
    if (count >= VAULT_PEERS_MAX) {
        st = err_set(STATUS_TOO_LARGE, "at most %d trusted peers", VAULT_PEERS_MAX);
        goto out;
    }
    struct sql_value args[] = {SQLV_I64(vault_random_id()), sqlv_text(c->name), SQLV_BLOB(c->pk, VAULT_PUBKEY_BYTES),
                               SQLV_I64(util_now_ms())};
    st = store_exec(s, STMT_PEER_INSERT, args, ARRAY_LEN(args), NULL);
    if (st == STATUS_CONFLICT) {
        st = err_set(STATUS_CONFLICT, "a trusted peer with this name or public key exists");
    }
out:
    store_rows_free(r);
    return st;
}

enum status vault_peer_add(struct store *s, const char *name, const uint8_t pk[VAULT_PUBKEY_BYTES])
{
    ASSERT(s != NULL && pk != NULL);
    enum status st = peer_name_check(name);
    if (st != STATUS_OK) {
        return st;
    }
    if (crypto_core_ed25519_is_valid_point(pk) != 1) {
        return err_set_field(STATUS_INVALID, "public_key", "not a valid Ed25519 public key");
    }
    struct peer_add_ctx c = {name, pk};
    return store_tx_run(s, STORE_TX_WRITE, peer_add_tx, &c);
}

enum status vault_peer_remove(struct store *s, const char *name)
{
    enum status st = peer_name_check(name);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value arg = sqlv_text(name);
    st = store_exec(s, STMT_PEER_DELETE, &arg, 1, NULL);
    if (st == STATUS_OK && store_changes(s) == 0) {
        st = err_set(STATUS_NOT_FOUND, "no trusted peer by that name");
    }
    return st;
}

void vault_peers_free(struct vault_peer *peers, size_t count)
{
    if (peers == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        free(peers[i].name);
    }
    free(peers);
}

/* Copies the current row (id, name, public_key, added_at_ms) into p. */
static enum status peer_from_row(struct vault_peer *p, struct store_rows *r)
{
    size_t len = 0;
    const uint8_t *pk = store_rows_blob(r, 2, &len);
    if (pk == NULL || len != VAULT_PUBKEY_BYTES) {
        return err_set(STATUS_INVALID, "trusted peer %" PRId64 " has a malformed public key", store_rows_i64(r, 0));
    }
    p->id = store_rows_i64(r, 0);
    p->name = xstrdup(store_rows_text(r, 1));
    memcpy(p->public_key, pk, VAULT_PUBKEY_BYTES);
    p->added_at_ms = store_rows_i64(r, 3);
    return STATUS_OK;
}

enum status vault_peer_list(struct vault_peer **out, size_t *count_out, struct store *s)
{
    *out = NULL;
    *count_out = 0;
    struct store_rows *r = NULL;
    struct vault_peer *peers = NULL;
    size_t count = 0, cap = 0;
    enum status st = store_exec(s, STMT_PEER_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        goto out;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (count == cap) {
            cap = cap == 0 ? 8 : cap * 2;
            peers = xrealloc(peers, cap * sizeof *peers);
        }
        st = peer_from_row(&peers[count], r);
        if (st != STATUS_OK) {
            goto out;
        }
        count++;
    }
    if (st != STATUS_DONE) {
        goto out;
    }
    st = STATUS_OK;
    *out = peers;
    *count_out = count;
    peers = NULL;
    count = 0;
out:
    store_rows_free(r);
    vault_peers_free(peers, count);
    return st;
}

enum status vault_peer_verify(struct store *s, const char *name, const uint8_t sig[VAULT_SIG_BYTES], const void *msg,
                              size_t len)
{
    struct store_rows *r = NULL;
    struct vault_peer p = {0};
    enum status st = peer_name_check(name);
    if (st != STATUS_OK) {
        goto out;
    }
    struct sql_value arg = sqlv_text(name);
    st = store_exec_one(s, STMT_PEER_BY_NAME, &arg, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "not a trusted peer");
        goto out;
    }
    if (st != STATUS_OK) {
        goto out;
    }
    st = peer_from_row(&p, r);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault_verify(p.public_key, sig, msg, len);
out:
    free(p.name);
    store_rows_free(r);
    return st;
}
