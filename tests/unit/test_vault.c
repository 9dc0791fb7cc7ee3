/* test_vault: unit tests of the vault module: HKDF vectors, envelopes and their associated data,
 * normalisation and blind indexes, passwords and the concurrency cap, signing, key files,
 * and (on a SQLite database in a temporary directory) key creation, peers, export/import and
 * rotation with an interruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/status.h"
#include "util/util.h"
#include "vault/vault.h"
#include "vault/vault_int.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static struct vault *memory_vault(uint8_t seed)
{
    uint8_t master[VAULT_KEY_BYTES];
    memset(master, seed, sizeof master);
    struct vault *v = NULL;
    assert_int_equal(vault__open_memory(&v, master), STATUS_OK);
    return v;
}

static void hex_to(uint8_t *out, size_t len, const char *hex)
{
    assert_int_equal(util_hex_decode(out, len, hex), STATUS_OK);
}

/* A temporary directory with a migrated SQLite database and a key file beside it. */
struct db {
    char dir[64];
    char *db_path;
    char *key_path;
    struct store *s;
};

static void db_open(struct db *d)
{
    snprintf(d->dir, sizeof d->dir, "/tmp/ctis-test-vault-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    d->db_path = xasprintf("%s/ctis.db", d->dir);
    d->key_path = vault_key_path_for(d->db_path);
    assert_int_equal(vault_key_file_create(d->key_path), STATUS_OK);
    assert_int_equal(store_open(&d->s, d->db_path), STATUS_OK);
    assert_int_equal(store_migrate(d->s, NULL), STATUS_OK);
}

static void db_close(struct db *d)
{
    store_close(d->s);
    DIR *dir = opendir(d->dir);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char *p = xasprintf("%s/%s", d->dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(dir);
    rmdir(d->dir);
    free(d->db_path);
    free(d->key_path);
}

static struct vault *db_vault(struct db *d)
{
    struct vault *v = NULL;
    assert_int_equal(vault_open(&v, d->key_path, d->s), STATUS_OK);
    return v;
}

static void seal_ok(struct vault *v, uint8_t **env, size_t *len, const char *table, const char *col, int64_t row,
                    const char *text)
{
    struct vault_ad ad = {table, col, row};
    assert_int_equal(vault_seal(v, env, len, &ad, text, strlen(text)), STATUS_OK);
}

static void unseal_expect(struct vault *v, const char *table, const char *col, int64_t row, const uint8_t *env,
                          size_t len, const char *want)
{
    struct vault_ad ad = {table, col, row};
    char *plain = NULL;
    size_t plain_len = 0;
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, len), STATUS_OK);
    assert_int_equal(plain_len, strlen(want));
    assert_string_equal(plain, want);
    vault_plain_free(plain, plain_len);
}

static void norm_expect(const char *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(vault_normalise(&out, in, strlen(in)), STATUS_OK);
    assert_string_equal(out, want);
    free(out);
}

static void norm_same(const char *a, const char *b)
{
    char *na = NULL, *nb = NULL;
    assert_int_equal(vault_normalise(&na, a, strlen(a)), STATUS_OK);
    assert_int_equal(vault_normalise(&nb, b, strlen(b)), STATUS_OK);
    assert_string_equal(na, nb);
    free(na);
    free(nb);
}

/* ---- HKDF, randomness, hashing ---------------------------------------------------------- */

static void test_hkdf_rfc5869(void **state)
{
    (void)state;
    /* RFC 5869 A.1: basic test case with SHA-256. */
    uint8_t ikm[22], salt[13], okm[42], want[42];
    memset(ikm, 0x0b, sizeof ikm);
    hex_to(salt, sizeof salt, "000102030405060708090a0b0c");
    const char info[] = "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9";
    hex_to(want, sizeof want, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    assert_int_equal(vault_hkdf(okm, sizeof okm, ikm, sizeof ikm, salt, sizeof salt, info), STATUS_OK);
    assert_memory_equal(okm, want, sizeof want);
    /* RFC 5869 A.3: zero-length salt and info. */
    hex_to(want, sizeof want, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    assert_int_equal(vault_hkdf(okm, sizeof okm, ikm, sizeof ikm, NULL, 0, NULL), STATUS_OK);
    assert_memory_equal(okm, want, sizeof want);
    /* Output length limits. */
    uint8_t big[8161];
    assert_int_equal(vault_hkdf(big, 8160, ikm, sizeof ikm, NULL, 0, "x"), STATUS_OK);
    assert_int_equal(vault_hkdf(big, 8161, ikm, sizeof ikm, NULL, 0, "x"), STATUS_INVALID);
    assert_int_equal(vault_hkdf(big, 0, ikm, sizeof ikm, NULL, 0, "x"), STATUS_INVALID);
}

static void test_random_and_tokens(void **state)
{
    (void)state;
    for (int i = 0; i < 10000; i++) {
        int64_t id = vault_random_id();
        assert_true(id >= 1 && id <= (INT64_C(1) << 53) - 1);
    }
    assert_true(vault_random_id() != vault_random_id());
    char *a = vault_token_new(32), *b = vault_token_new(32);
    assert_int_equal(strlen(a), 43); /* 32 bytes in unpadded base64url */
    assert_string_not_equal(a, b);
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const char *p = a; *p; p++) {
        assert_non_null(strchr(alphabet, *p));
    }
    free(a);
    free(b);
}

static void test_hash_and_mac(void **state)
{
    (void)state;
    struct vault *v1 = memory_vault(1), *v2 = memory_vault(2), *v1b = memory_vault(1);
    uint8_t h1[32], h2[32], m1[32], m2[32], m3[32], m4[32];
    vault_hash(h1, "abc", 3);
    /* BLAKE2b-256("abc") */
    hex_to(h2, sizeof h2, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    assert_memory_equal(h1, h2, 32);
    vault_mac(v1, m1, "audit", "data", 4);
    vault_mac(v1, m2, "token", "data", 4);
    vault_mac(v2, m3, "audit", "data", 4);
    vault_mac(v1b, m4, "audit", "data", 4);
    assert_memory_not_equal(m1, m2, 32); /* purposes are separated */
    assert_memory_not_equal(m1, m3, 32); /* keyed by the master key */
    assert_memory_equal(m1, m4, 32);     /* deterministic */
    assert_true(vault_equal(m1, m4, 32));
    assert_false(vault_equal(m1, m2, 32));
    /* "a" + "bc" must not collide with "ab" + "c" across purpose and data. */
    vault_mac(v1, m1, "a", "bc", 2);
    vault_mac(v1, m2, "ab", "c", 1);
    assert_memory_not_equal(m1, m2, 32);
    vault_wipe(m1, sizeof m1);
    uint8_t zero[32] = {0};
    assert_memory_equal(m1, zero, 32);
    vault_close(v1);
    vault_close(v2);
    vault_close(v1b);
}

/* ---- normalisation and blind indexes ---------------------------------------------------- */

static void test_normalise(void **state)
{
    (void)state;
    norm_same("José", "jose");
    norm_same("JOSÉ", "jose");
    norm_expect("José", "jose");
    norm_expect("ＡＢＣ", "abc");     /* fullwidth */
    norm_expect("Straße", "strasse"); /* full case folding */
    norm_same("مُحَمَّد", "محمد");        /* harakat and shadda */
    norm_same("مـحـمـد", "محمد");     /* tatweel */
    norm_expect("مُحَمَّد", "محمد");
    norm_expect("  Anna \t\n  Maria  ", "anna maria");             /* white space collapsed, trimmed */
    norm_expect("Anna\xc2\xa0Maria", "anna maria");                /* no-break space */
    norm_expect("\xef\xac\x81le", "file");                         /* ligature fi */
    norm_expect("\xe2\x84\x8c", "h");                              /* black-letter H: NFKD then fold */
    norm_expect("Ana\xe2\x80\x8b Lopez\xe2\x80\x8f", "ana lopez"); /* zero-width, RLM */
    norm_expect("", "");
    norm_expect("   ", "");
    norm_same("أحمد", "احمد"); /* hamza above decomposes away */
    norm_same("Zoë", "ZOE");
    norm_same("Ñandú", "nandu");
    /* Invalid UTF-8 and embedded NUL. */
    char *out = (char *)1;
    assert_int_equal(vault_normalise(&out, "\xc3\x28", 2), STATUS_INVALID);
    assert_null(out);
    assert_int_equal(vault_normalise(&out, "a\0b", 3), STATUS_INVALID);
    assert_int_equal(vault_normalise(&out, "\xed\xa0\x80", 3), STATUS_INVALID); /* surrogate */
}

static void test_blind_index(void **state)
{
    (void)state;
    struct vault *v = memory_vault(3), *w = memory_vault(4);
    uint8_t a[32], b[32], c[32], d[32];
    const char *e1 = "José@Example.org", *e2 = " jose@example.ORG ", *e3 = "jose@example.org";
    assert_int_equal(vault_blind_index(v, a, "users.email", e1, strlen(e1)), STATUS_OK);
    assert_int_equal(vault_blind_index(v, b, "users.email", e2, strlen(e2)), STATUS_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(vault_blind_index(v, c, "people.name", e3, strlen(e3)), STATUS_OK);
    assert_memory_not_equal(a, c, 32); /* domains separated */
    assert_int_equal(vault_blind_index(v, c, "users.email", e3, strlen(e3)), STATUS_OK);
    assert_memory_equal(a, c, 32);
    assert_int_equal(vault_blind_index(w, d, "users.email", e3, strlen(e3)), STATUS_OK);
    assert_memory_not_equal(a, d, 32); /* keyed */
    const char *m1 = "مُحَمَّد", *m2 = "مـحـمـد";
    assert_int_equal(vault_blind_index(v, a, "people.name", m1, strlen(m1)), STATUS_OK);
    assert_int_equal(vault_blind_index(v, b, "people.name", m2, strlen(m2)), STATUS_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(vault_blind_index(v, a, "people.name", "\xff", 1), STATUS_INVALID);
    vault_close(v);
    vault_close(w);
}

/* ---- envelopes -------------------------------------------------------------------------- */

static void test_seal_round_trip(void **state)
{
    (void)state;
    struct vault *v = memory_vault(5);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 42, "ana@example.org");
    assert_int_equal(len, VAULT_ENVELOPE_OVERHEAD + 15);
    assert_int_equal(env[0], 1);
    int64_t kid = 0;
    assert_int_equal(vault_envelope_key_id(&kid, env, len), STATUS_OK);
    assert_int_equal(kid, vault_active_key_id(v));
    /* Big-endian key id in bytes 1..8. */
    uint64_t be = 0;
    for (int i = 1; i <= 8; i++) {
        be = be << 8 | env[i];
    }
    assert_int_equal((int64_t)be, kid);
    unseal_expect(v, "users", "email_enc", 42, env, len, "ana@example.org");
    /* Two seals of the same value differ (random nonce). */
    uint8_t *env2 = NULL;
    size_t len2 = 0;
    seal_ok(v, &env2, &len2, "users", "email_enc", 42, "ana@example.org");
    assert_memory_not_equal(env + 9, env2 + 9, 24);
    free(env);
    free(env2);
    /* Empty and maximal values; one byte over the maximum is refused. */
    seal_ok(v, &env, &len, "t", "c", 1, "");
    unseal_expect(v, "t", "c", 1, env, len, "");
    free(env);
    char *big = xmalloc(VAULT_SEALED_BYTES_MAX + 2);
    memset(big, 'x', VAULT_SEALED_BYTES_MAX + 1);
    big[VAULT_SEALED_BYTES_MAX + 1] = '\0';
    struct vault_ad ad = {"t", "c", 1};
    assert_int_equal(vault_seal(v, &env, &len, &ad, big, VAULT_SEALED_BYTES_MAX + 1), STATUS_TOO_LARGE);
    assert_null(env);
    big[VAULT_SEALED_BYTES_MAX] = '\0';
    assert_int_equal(vault_seal(v, &env, &len, &ad, big, VAULT_SEALED_BYTES_MAX), STATUS_OK);
    unseal_expect(v, "t", "c", 1, env, len, big);
    free(env);
    free(big);
    vault_close(v);
}

static void test_seal_ad_binding(void **state)
{
    (void)state;
    struct vault *v = memory_vault(6);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 1, "secret");
    char *plain = NULL;
    size_t plain_len = 0;
    struct vault_ad other_row = {"users", "email_enc", 2};
    struct vault_ad other_col = {"users", "display_name_enc", 1};
    struct vault_ad other_table = {"people", "email_enc", 1};
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &other_row, env, len), STATUS_CRYPTO);
    assert_null(plain);
    assert_null(strstr(err_last(), "secret"));
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &other_col, env, len), STATUS_CRYPTO);
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &other_table, env, len), STATUS_CRYPTO);
    /* Another vault (other master key, other data key) does not know the key id. */
    struct vault *w = memory_vault(7);
    struct vault_ad same = {"users", "email_enc", 1};
    assert_int_equal(vault_unseal(w, &plain, &plain_len, &same, env, len), STATUS_NOT_FOUND);
    unseal_expect(v, "users", "email_enc", 1, env, len, "secret");
    free(env);
    vault_close(v);
    vault_close(w);
}

static void test_seal_tamper(void **state)
{
    (void)state;
    struct vault *v = memory_vault(8);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 9, "tamper me");
    struct vault_ad ad = {"users", "email_enc", 9};
    char *plain = NULL;
    size_t plain_len = 0;
    /* Every byte of nonce, ciphertext and tag is covered by the tag. */
    for (size_t i = 9; i < len; i++) {
        env[i] ^= 0x01;
        assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, len), STATUS_CRYPTO);
        env[i] ^= 0x01;
    }
    /* Version byte. */
    env[0] = 2;
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, len), STATUS_INVALID);
    env[0] = 1;
    /* Key id: another (unknown) key. */
    env[8] ^= 0x01;
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, len), STATUS_NOT_FOUND);
    env[8] ^= 0x01;
    /* Lengths. */
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, VAULT_ENVELOPE_OVERHEAD - 1), STATUS_INVALID);
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, 0), STATUS_INVALID);
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, env, len - 1), STATUS_CRYPTO);
    assert_int_equal(
        vault_unseal(v, &plain, &plain_len, &ad, env, VAULT_ENVELOPE_OVERHEAD + VAULT_SEALED_BYTES_MAX + 1),
        STATUS_INVALID);
    int64_t kid = 0;
    assert_int_equal(vault_envelope_key_id(&kid, env, 10), STATUS_INVALID);
    uint8_t zero_id[VAULT_ENVELOPE_OVERHEAD] = {1};
    assert_int_equal(vault_envelope_key_id(&kid, zero_id, sizeof zero_id), STATUS_INVALID);
    assert_null(plain);
    unseal_expect(v, "users", "email_enc", 9, env, len, "tamper me");
    free(env);
    vault_close(v);
}

/* ---- passwords -------------------------------------------------------------------------- */

static void test_password(void **state)
{
    (void)state;
    char hash[VAULT_PWHASH_STR_BYTES];
    const char *pw = "correct horse battery staple";
    assert_int_equal(vault_password_hash(hash, pw, strlen(pw)), STATUS_OK);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_int_equal(vault_password_verify(hash, pw, strlen(pw)), STATUS_OK);
    assert_int_equal(vault_password_verify(hash, "correct horse battery stapl", 27), STATUS_DENIED);
    assert_string_equal(err_last(), "wrong password");
    assert_int_equal(vault_password_verify(hash, "", 0), STATUS_DENIED);
    assert_false(vault_password_needs_rehash(hash));
    assert_true(vault_password_needs_rehash("$argon2id$v=19$m=8,t=1,p=1$bad"));
    assert_true(vault_password_needs_rehash("plain"));
    assert_int_equal(vault_password_verify("not a hash", pw, strlen(pw)), STATUS_INVALID);
    /* Two hashes of one password differ (random salt) and both verify. */
    char hash2[VAULT_PWHASH_STR_BYTES];
    assert_int_equal(vault_password_hash(hash2, pw, strlen(pw)), STATUS_OK);
    assert_string_not_equal(hash, hash2);
    assert_int_equal(vault_password_verify(hash2, pw, strlen(pw)), STATUS_OK);
    /* Hashed with fast (minimum) limits, a hash needs rehashing under the real limits. */
    unsetenv("CTIS_PWHASH");
    assert_true(vault_password_needs_rehash(hash));
    setenv("CTIS_PWHASH", "fast", 1);
    char *longpw = xmalloc(PASSWORD_BYTES_MAX + 1);
    memset(longpw, 'a', PASSWORD_BYTES_MAX + 1);
    assert_int_equal(vault_password_hash(hash2, longpw, PASSWORD_BYTES_MAX + 1), STATUS_TOO_LARGE);
    free(longpw);
}

#define PW_THREADS 6

static void *pw_thread(void *arg)
{
    int *ok = arg;
    char hash[VAULT_PWHASH_STR_BYTES];
    *ok = 0;
    for (int i = 0; i < 4; i++) {
        char pw[32];
        snprintf(pw, sizeof pw, "password-%d-%p", i, arg);
        if (vault_password_hash(hash, pw, strlen(pw)) != STATUS_OK ||
            vault_password_verify(hash, pw, strlen(pw)) != STATUS_OK ||
            vault_password_verify(hash, "wrong password", 14) != STATUS_DENIED) {
            return NULL;
        }
    }
    *ok = 1;
    return NULL;
}

static void test_password_concurrency_cap(void **state)
{
    (void)state;
    /* Interactive limits (64 MiB each) make hashes slow enough to overlap. */
    unsetenv("CTIS_PWHASH");
    vault__pwhash_peak_reset();
    pthread_t t[PW_THREADS];
    int ok[PW_THREADS];
    for (int i = 0; i < PW_THREADS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, pw_thread, &ok[i]), 0);
    }
    for (int i = 0; i < PW_THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(ok[i], 1);
    }
    setenv("CTIS_PWHASH", "fast", 1);
    /* Six threads wanted in at once; the cap let exactly VAULT_PWHASH_CONCURRENT_MAX run. */
    int peak = vault__pwhash_peak();
    assert_int_equal(peak, VAULT_PWHASH_CONCURRENT_MAX);
}

/* ---- signing ---------------------------------------------------------------------------- */

static void test_sign_verify(void **state)
{
    (void)state;
    struct vault *v = memory_vault(9), *w = memory_vault(10);
    uint8_t pk[VAULT_PUBKEY_BYTES], pk2[VAULT_PUBKEY_BYTES], sig[VAULT_SIG_BYTES];
    vault_public_key(v, pk);
    vault_public_key(w, pk2);
    assert_memory_not_equal(pk, pk2, sizeof pk);
    const char msg[] = "case bundle 17";
    vault_sign(v, sig, msg, sizeof msg);
    assert_int_equal(vault_verify(pk, sig, msg, sizeof msg), STATUS_OK);
    assert_int_equal(vault_verify(pk2, sig, msg, sizeof msg), STATUS_CRYPTO);
    assert_int_equal(vault_verify(pk, sig, "case bundle 18", sizeof msg), STATUS_CRYPTO);
    sig[10] ^= 0x40;
    assert_int_equal(vault_verify(pk, sig, msg, sizeof msg), STATUS_CRYPTO);
    vault_close(v);
    vault_close(w);
}

/* ---- key files -------------------------------------------------------------------------- */

static void test_key_path_for(void **state)
{
    (void)state;
    unsetenv("CTIS_KEY_FILE");
    char *p = vault_key_path_for("/var/lib/ctis/ctis.db");
    assert_string_equal(p, "/var/lib/ctis/ctis.db.key");
    free(p);
    p = vault_key_path_for("sqlite:data/x.db");
    assert_string_equal(p, "data/x.db.key");
    free(p);
    p = vault_key_path_for("postgresql://ctis@db/ctis");
    assert_string_equal(p, "ctis.key");
    free(p);
    p = vault_key_path_for("postgres://ctis:pw@db/ctis");
    assert_string_equal(p, "ctis.key");
    free(p);
    setenv("CTIS_KEY_FILE", "/etc/ctis/master.key", 1);
    p = vault_key_path_for("sqlite:data/x.db");
    assert_string_equal(p, "/etc/ctis/master.key");
    free(p);
    unsetenv("CTIS_KEY_FILE");
}

static void test_key_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctis-test-key-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/k.key", dir);
    assert_int_equal(vault_key_file_create(path), STATUS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(vault_key_file_create(path), STATUS_CONFLICT);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(util_file_read(&text, &len, path, 4096), STATUS_OK);
    assert_int_equal(len, 19 + 64 + 1);
    assert_memory_equal(text, "ctis-master-key-v1\n", 19);
    free(text);
    uint8_t k1[VAULT_KEY_BYTES], k2[VAULT_KEY_BYTES];
    assert_int_equal(vault__key_file_read(k1, path), STATUS_OK);
    assert_int_equal(vault__key_file_read(k2, path), STATUS_OK);
    assert_memory_equal(k1, k2, sizeof k1);
    /* Group- or other-readable: refused. */
    chmod(path, 0640);
    assert_int_equal(vault__key_file_read(k1, path), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "chmod 600"));
    chmod(path, 0604);
    assert_int_equal(vault__key_file_read(k1, path), STATUS_INVALID);
    chmod(path, 0400);
    assert_int_equal(vault__key_file_read(k1, path), STATUS_OK);
    unlink(path);
    /* Missing, and not a key file. */
    assert_int_equal(vault__key_file_read(k1, path), STATUS_NOT_FOUND);
    assert_int_equal(util_file_write_atomic(path, "hello\n", 6, 0600), STATUS_OK);
    assert_int_equal(vault__key_file_read(k1, path), STATUS_INVALID);
    const char *short_key = "ctis-master-key-v1\nabcd\n";
    assert_int_equal(util_file_write_atomic(path, short_key, strlen(short_key), 0600), STATUS_OK);
    assert_int_equal(vault__key_file_read(k1, path), STATUS_INVALID);
    unlink(path);
    free(path);
    rmdir(dir);
}

/* ---- store-backed ----------------------------------------------------------------------- */

static void test_open_creates_keys(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    int64_t active = vault_active_key_id(v);
    assert_true(active > 0);
    uint8_t pk[VAULT_PUBKEY_BYTES], pk2[VAULT_PUBKEY_BYTES];
    vault_public_key(v, pk);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 5, "kept across opens");
    uint8_t sig[VAULT_SIG_BYTES];
    vault_sign(v, sig, "m", 1);
    vault_close(v);
    /* Reopening finds the same keys and creates nothing. */
    v = db_vault(&d);
    assert_int_equal(vault_active_key_id(v), active);
    vault_public_key(v, pk2);
    assert_memory_equal(pk, pk2, sizeof pk);
    assert_int_equal(vault_verify(pk2, sig, "m", 1), STATUS_OK);
    unseal_expect(v, "users", "email_enc", 5, env, len, "kept across opens");
    struct store_rows *r = NULL;
    assert_int_equal(store_exec(d.s, STMT_VAULT_KEY_LIST, NULL, 0, &r), STATUS_OK);
    int rows = 0;
    while (store_rows_next(r) == STATUS_OK) {
        rows++;
    }
    store_rows_free(r);
    assert_int_equal(rows, 2); /* one data key, one signing key */
    vault_close(v);
    free(env);
    db_close(&d);
}

static void test_open_wrong_key(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    vault_close(v);
    char *other = xasprintf("%s/other.key", d.dir);
    assert_int_equal(vault_key_file_create(other), STATUS_OK);
    assert_int_equal(vault_open(&v, other, d.s), STATUS_CRYPTO);
    assert_null(v);
    assert_non_null(strstr(err_last(), "the key file does not match this database"));
    char *missing = xasprintf("%s/missing.key", d.dir);
    assert_int_equal(vault_open(&v, missing, d.s), STATUS_NOT_FOUND);
    chmod(d.key_path, 0644);
    assert_int_equal(vault_open(&v, d.key_path, d.s), STATUS_INVALID);
    chmod(d.key_path, 0600);
    free(other);
    free(missing);
    db_close(&d);
}

static void test_peers(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *a = memory_vault(11), *b = memory_vault(12);
    uint8_t pka[VAULT_PUBKEY_BYTES], pkb[VAULT_PUBKEY_BYTES], sig[VAULT_SIG_BYTES];
    vault_public_key(a, pka);
    vault_public_key(b, pkb);
    assert_int_equal(vault_peer_add(d.s, "Agency A", pka), STATUS_OK);
    assert_int_equal(vault_peer_add(d.s, "وكالة ب", pkb), STATUS_OK);
    assert_int_equal(vault_peer_add(d.s, "Agency A", pkb), STATUS_CONFLICT); /* name */
    assert_int_equal(vault_peer_add(d.s, "Agency C", pka), STATUS_CONFLICT); /* key */
    assert_int_equal(vault_peer_add(d.s, "", pka), STATUS_INVALID);
    char longname[NAME_BYTES_MAX + 2];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(vault_peer_add(d.s, longname, pka), STATUS_TOO_LARGE);
    longname[NAME_BYTES_MAX] = '\0';
    uint8_t bad[VAULT_PUBKEY_BYTES] = {0};
    assert_int_equal(vault_peer_add(d.s, longname, bad), STATUS_INVALID); /* not a point */
    assert_int_equal(vault_peer_add(d.s, "bad\xff", pka), STATUS_INVALID);
    struct vault_peer *peers = NULL;
    size_t n = 0;
    assert_int_equal(vault_peer_list(&peers, &n, d.s), STATUS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(peers[0].name, "Agency A");
    assert_memory_equal(peers[0].public_key, pka, sizeof pka);
    assert_true(peers[0].id > 0 && peers[0].added_at_ms > 0);
    assert_string_equal(peers[1].name, "وكالة ب");
    vault_peers_free(peers, n);
    const char msg[] = "referral 2024-17";
    vault_sign(b, sig, msg, sizeof msg);
    assert_int_equal(vault_peer_verify(d.s, "وكالة ب", sig, msg, sizeof msg), STATUS_OK);
    assert_int_equal(vault_peer_verify(d.s, "Agency A", sig, msg, sizeof msg), STATUS_CRYPTO);
    assert_int_equal(vault_peer_verify(d.s, "Agency Z", sig, msg, sizeof msg), STATUS_NOT_FOUND);
    assert_int_equal(vault_peer_remove(d.s, "وكالة ب"), STATUS_OK);
    assert_int_equal(vault_peer_remove(d.s, "وكالة ب"), STATUS_NOT_FOUND);
    assert_int_equal(vault_peer_verify(d.s, "وكالة ب", sig, msg, sizeof msg), STATUS_NOT_FOUND);
    assert_int_equal(vault_peer_list(&peers, &n, d.s), STATUS_OK);
    assert_int_equal(n, 1);
    vault_peers_free(peers, n);
    vault_close(a);
    vault_close(b);
    db_close(&d);
}

static void test_export_import(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 3, "survives export");
    int64_t at = -1;
    assert_int_equal(vault_keys_exported_at(&at, d.s), STATUS_OK);
    assert_int_equal(at, 0);
    char *exp = xasprintf("%s/export.json", d.dir);
    const char *pass = "a long enough passphrase";
    assert_int_equal(vault_keys_export(v, d.s, exp, "short"), STATUS_INVALID);
    int64_t before = util_now_ms();
    assert_int_equal(vault_keys_export(v, d.s, exp, pass), STATUS_OK);
    assert_int_equal(vault_keys_exported_at(&at, d.s), STATUS_OK);
    assert_true(at >= before && at <= util_now_ms());
    struct stat sb;
    assert_int_equal(stat(exp, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* The file is JSON with the documented members, and does not hold the key in clear. */
    char *text = NULL;
    assert_int_equal(util_file_read(&text, NULL, exp, 65536), STATUS_OK);
    assert_non_null(strstr(text, "\"format\": \"ctis-key-export-v1\""));
    assert_non_null(strstr(text, "\"salt\""));
    assert_non_null(strstr(text, "\"opslimit\""));
    assert_non_null(strstr(text, "\"memlimit\""));
    assert_non_null(strstr(text, "\"nonce\""));
    assert_non_null(strstr(text, "\"sealed\""));
    char *keytext = NULL;
    assert_int_equal(util_file_read(&keytext, NULL, d.key_path, 4096), STATUS_OK);
    keytext[19 + 64] = '\0';
    assert_null(strstr(text, keytext + 19));
    free(keytext);
    free(text);

    char *imported = xasprintf("%s/imported.key", d.dir);
    assert_int_equal(vault_keys_import(exp, "a long enough passphrasE", imported), STATUS_CRYPTO);
    assert_false(util_file_exists(imported));
    assert_int_equal(vault_keys_import(exp, "short", imported), STATUS_INVALID);
    assert_int_equal(vault_keys_import(exp, pass, imported), STATUS_OK);
    assert_int_equal(stat(imported, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(vault_keys_import(exp, pass, imported), STATUS_CONFLICT);
    assert_int_equal(vault_keys_import(exp, pass, d.key_path), STATUS_CONFLICT);
    uint8_t k1[VAULT_KEY_BYTES], k2[VAULT_KEY_BYTES];
    assert_int_equal(vault__key_file_read(k1, d.key_path), STATUS_OK);
    assert_int_equal(vault__key_file_read(k2, imported), STATUS_OK);
    assert_memory_equal(k1, k2, sizeof k1);
    /* The imported key opens the database and its values. */
    vault_close(v);
    assert_int_equal(vault_open(&v, imported, d.s), STATUS_OK);
    unseal_expect(v, "users", "email_enc", 3, env, len, "survives export");
    /* A damaged export is refused. */
    char *bad = xasprintf("%s/bad.json", d.dir);
    assert_int_equal(util_file_write_atomic(bad, "{\"format\":\"other\"}", 18, 0600), STATUS_OK);
    char *imported2 = xasprintf("%s/imported2.key", d.dir);
    assert_int_equal(vault_keys_import(bad, pass, imported2), STATUS_INVALID);
    assert_int_equal(util_file_write_atomic(bad, "not json", 8, 0600), STATUS_OK);
    assert_int_equal(vault_keys_import(bad, pass, imported2), STATUS_INVALID);
    assert_false(util_file_exists(imported2));
    vault_close(v);
    free(env);
    free(exp);
    free(imported);
    free(imported2);
    free(bad);
    db_close(&d);
}

/* Rotation fixture: users rows with all three sealed columns filled. */
#define ROT_USERS 1200
#define ROT_AGENCY 7
#define ROT_ROLE 8
_Static_assert(DB_COPY_BATCH_ROWS < ROT_USERS && ROT_USERS < 2 * DB_COPY_BATCH_ROWS,
               "the rotation tests expect two batches per column");

static void rot_value(char *buf, size_t size, const char *col, int64_t id)
{
    snprintf(buf, size, "%s of user %lld", col, (long long)id);
}

static void rot_users_insert(struct vault *v, struct store *s)
{
    int64_t now = util_now_ms();
    assert_int_equal(store_tx_begin(s, STORE_TX_WRITE), STATUS_OK);
    struct sql_value ag[] = {SQLV_I64(ROT_AGENCY), sqlv_text("Agency"), sqlv_text("NGO"), sqlv_text("GB"),
                             SQLV_I64(now)};
    assert_int_equal(store_exec(s, STMT_AGENCY_INSERT, ag, ARRAY_LEN(ag), NULL), STATUS_OK);
    struct sql_value ro[] = {SQLV_I64(ROT_ROLE), sqlv_text("role"), sqlv_text(""),
                             SQLV_I64(0),        SQLV_I64(0),       SQLV_I64(now)};
    assert_int_equal(store_exec(s, STMT_ROLE_INSERT, ro, ARRAY_LEN(ro), NULL), STATUS_OK);
    for (int64_t id = 1; id <= ROT_USERS; id++) {
        char name[64], email[64], totp[64], username[32];
        uint8_t *e1, *e2, *e3;
        size_t l1, l2, l3;
        rot_value(name, sizeof name, "display_name_enc", id);
        rot_value(email, sizeof email, "email_enc", id);
        rot_value(totp, sizeof totp, "totp_secret_enc", id);
        snprintf(username, sizeof username, "user%lld", (long long)id);
        seal_ok(v, &e1, &l1, "users", "display_name_enc", id, name);
        seal_ok(v, &e2, &l2, "users", "email_enc", id, email);
        seal_ok(v, &e3, &l3, "users", "totp_secret_enc", id, totp);
        struct sql_value u[] = {
            SQLV_I64(id),   SQLV_I64(ROT_AGENCY), sqlv_text(username), SQLV_BLOB(e1, l1), SQLV_BLOB(e2, l2), SQLV_NULL,
            sqlv_text("x"), SQLV_I64(ROT_ROLE),   sqlv_text("own"),    SQLV_I64(0),       SQLV_I64(now)};
        assert_int_equal(store_exec(s, STMT_USER_INSERT, u, ARRAY_LEN(u), NULL), STATUS_OK);
        struct sql_value t[] = {SQLV_I64(id), SQLV_BLOB(e3, l3), SQLV_I64(1), SQLV_I64(now)};
        assert_int_equal(store_exec(s, STMT_USER_SET_TOTP, t, ARRAY_LEN(t), NULL), STATUS_OK);
        free(e1);
        free(e2);
        free(e3);
    }
    assert_int_equal(store_tx_commit(s), STATUS_OK);
}

/* Reads every sealed value back: all must open; counts those under key `key_id`. */
static int64_t rot_check_all(struct vault *v, struct store *s, int64_t key_id)
{
    int64_t under = 0, total = 0;
    for (size_t c = 0; c < store_sealed_columns_count; c++) {
        const struct store_sealed_column *col = &store_sealed_columns[c];
        int64_t after = 0;
        for (;;) {
            struct store_rows *r = NULL;
            struct sql_value args[] = {SQLV_I64(after), SQLV_I64(500)};
            assert_int_equal(store_exec(s, col->scan, args, 2, &r), STATUS_OK);
            int rows = 0;
            while (store_rows_next(r) == STATUS_OK) {
                int64_t id = store_rows_i64(r, 0);
                size_t len = 0;
                const uint8_t *env = store_rows_blob(r, 1, &len);
                char want[64];
                rot_value(want, sizeof want, col->column, id);
                unseal_expect(v, col->table, col->column, id, env, len, want);
                int64_t kid = 0;
                assert_int_equal(vault_envelope_key_id(&kid, env, len), STATUS_OK);
                under += kid == key_id;
                total++;
                after = id;
                rows++;
            }
            store_rows_free(r);
            if (rows < 500) {
                break;
            }
        }
    }
    assert_int_equal(total, ROT_USERS * 3);
    return under;
}

static void rot_progress(int64_t done, void *ctx)
{
    int64_t *calls = ctx;
    (void)done;
    (*calls)++;
}

/* States of the data keys: counts of active and retired. */
static void rot_key_states(struct store *s, int *active, int *retired)
{
    *active = *retired = 0;
    struct store_rows *r = NULL;
    assert_int_equal(store_exec(s, STMT_VAULT_KEY_LIST, NULL, 0, &r), STATUS_OK);
    while (store_rows_next(r) == STATUS_OK) {
        if (strcmp(store_rows_text(r, 1), "data") == 0) {
            *active += strcmp(store_rows_text(r, 2), "active") == 0;
            *retired += strcmp(store_rows_text(r, 2), "retired") == 0;
        }
    }
    store_rows_free(r);
}

struct hook_ctx {
    struct store *s;
    int calls;
};

static enum status reload_hook(struct vault *v, void *ctx)
{
    struct hook_ctx *h = ctx;
    h->calls++;
    return vault_reload(v, h->s);
}

static void test_rotation_interrupted_and_resumed(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    int64_t old_key = vault_active_key_id(v);
    rot_users_insert(v, d.s);
    assert_int_equal(rot_check_all(v, d.s, old_key), ROT_USERS * 3);

    /* A second process's vault, opened before the rotation. */
    struct store *s2 = NULL;
    assert_int_equal(store_open(&s2, d.db_path), STATUS_OK);
    struct vault *stale = NULL;
    assert_int_equal(vault_open(&stale, d.key_path, s2), STATUS_OK);

    /* Interrupted after three batches: display names (a full batch, then the rest), then
     * one full batch of e-mail addresses. */
    int64_t calls = 0;
    assert_int_equal(vault__keys_rotate_batches(v, d.s, rot_progress, &calls, 3), STATUS_BUSY);
    assert_int_equal(calls, 3);
    int64_t new_key = vault_active_key_id(v);
    assert_true(new_key != old_key && new_key > 0);
    int64_t target = 0;
    assert_int_equal(vault__meta_get_i64(d.s, VAULT_META_ROTATION_TARGET, &target), STATUS_OK);
    assert_int_equal(target, new_key);
    int64_t moved = rot_check_all(v, d.s, new_key);
    assert_int_equal(moved, ROT_USERS + DB_COPY_BATCH_ROWS);
    int active = 0, retired = 0;
    rot_key_states(d.s, &active, &retired);
    assert_int_equal(active, 2);
    assert_int_equal(retired, 0);
    /* New values are sealed under the target while the rotation is under way. */
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "users", "email_enc", 99999, "during");
    int64_t kid = 0;
    assert_int_equal(vault_envelope_key_id(&kid, env, len), STATUS_OK);
    assert_int_equal(kid, new_key);

    /* The stale vault meets the new key: without a reloader it does not know it; with one it
     * reloads once and opens the value. */
    struct vault_ad ad = {"users", "email_enc", 99999};
    char *plain = NULL;
    size_t plain_len = 0;
    assert_int_equal(vault_unseal(stale, &plain, &plain_len, &ad, env, len), STATUS_NOT_FOUND);
    struct hook_ctx hook = {s2, 0};
    vault_reloader_set(stale, reload_hook, &hook);
    assert_int_equal(vault_unseal(stale, &plain, &plain_len, &ad, env, len), STATUS_OK);
    assert_string_equal(plain, "during");
    assert_int_equal(hook.calls, 1);
    vault_plain_free(plain, plain_len);
    /* A key id nobody has: one reload, then not found. */
    env[8] ^= 0x01;
    assert_int_equal(vault_unseal(stale, &plain, &plain_len, &ad, env, len), STATUS_NOT_FOUND);
    assert_int_equal(hook.calls, 2);
    env[8] ^= 0x01;
    assert_int_equal(vault_active_key_id(stale), new_key);
    free(env);

    /* A second call resumes with the same target and finishes. */
    calls = 0;
    assert_int_equal(vault_keys_rotate(v, d.s, rot_progress, &calls), STATUS_OK);
    assert_true(calls > 0);
    assert_int_equal(vault_active_key_id(v), new_key);
    assert_int_equal(rot_check_all(v, d.s, new_key), ROT_USERS * 3);
    rot_key_states(d.s, &active, &retired);
    assert_int_equal(active, 1);
    assert_int_equal(retired, 1);
    assert_int_equal(vault__meta_get_i64(d.s, VAULT_META_ROTATION_TARGET, &target), STATUS_OK);
    assert_int_equal(target, 0);

    /* The retired key still opens old values (from a backup, say). */
    uint8_t *old_env = NULL;
    size_t old_len = 0;
    assert_int_equal(vault__seal_with(v, old_key, &old_env, &old_len, &ad, "old", 3), STATUS_OK);
    assert_int_equal(vault_unseal(v, &plain, &plain_len, &ad, old_env, old_len), STATUS_OK);
    vault_plain_free(plain, plain_len);
    free(old_env);

    /* A fresh vault on the rotated database seals under the new key; a further rotation makes a
     * third key. */
    vault_close(v);
    v = db_vault(&d);
    assert_int_equal(vault_active_key_id(v), new_key);
    assert_int_equal(vault_keys_rotate(v, d.s, NULL, NULL), STATUS_OK);
    int64_t third = vault_active_key_id(v);
    assert_true(third != new_key && third != old_key);
    assert_int_equal(rot_check_all(v, d.s, third), ROT_USERS * 3);
    rot_key_states(d.s, &active, &retired);
    assert_int_equal(active, 1);
    assert_int_equal(retired, 2);

    vault_close(stale);
    store_close(s2);
    vault_close(v);
    db_close(&d);
}

/* During a rotation, a process that has not reloaded rewrites user 1's display name under the
 * old key, after the rotation has passed over it (from the progress callback, between two
 * batches). */
struct rewrite_ctx {
    struct vault *stale;
    struct store *s2;
    int64_t calls;
    int64_t rewrite_at;
};

static void rewrite_progress(int64_t done, void *ctx)
{
    struct rewrite_ctx *c = ctx;
    (void)done;
    if (++c->calls != c->rewrite_at) {
        return;
    }
    char want[64];
    rot_value(want, sizeof want, "display_name_enc", 1);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(c->stale, &env, &len, "users", "display_name_enc", 1, want);
    struct store_rows *r = NULL;
    struct sql_value scan[] = {SQLV_I64(0), SQLV_I64(1)};
    assert_int_equal(store_exec(c->s2, STMT_SEALED_SCAN_USERS_DISPLAY_NAME, scan, 2, &r), STATUS_OK);
    assert_int_equal(store_rows_next(r), STATUS_OK);
    size_t cur_len = 0;
    const uint8_t *cur = store_rows_blob(r, 1, &cur_len);
    uint8_t *cur_copy = xmalloc(cur_len);
    memcpy(cur_copy, cur, cur_len);
    store_rows_free(r);
    struct sql_value set[] = {SQLV_I64(1), SQLV_BLOB(cur_copy, cur_len), SQLV_BLOB(env, len)};
    assert_int_equal(store_exec(c->s2, STMT_SEALED_SET_USERS_DISPLAY_NAME, set, 3, NULL), STATUS_OK);
    assert_int_equal(store_changes(c->s2), 1);
    free(cur_copy);
    free(env);
}

static void test_rotation_picks_up_rewritten_values(void **state)
{
    (void)state;
    /* The rotation loops until a whole pass finds nothing under an older key, so the value
     * rewritten behind it is moved by a second pass of the same call. */
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    rot_users_insert(v, d.s);
    struct rewrite_ctx c = {.rewrite_at = 2};
    assert_int_equal(store_open(&c.s2, d.db_path), STATUS_OK);
    assert_int_equal(vault_open(&c.stale, d.key_path, c.s2), STATUS_OK);
    int64_t old_key = vault_active_key_id(c.stale);
    assert_int_equal(vault_keys_rotate(v, d.s, rewrite_progress, &c), STATUS_OK);
    int64_t new_key = vault_active_key_id(v);
    assert_true(new_key != old_key);
    /* Three passes (pass 2 finds user 1 again; pass 3 finds nothing). Each pass: 2 batches for each
     * of the 3 user columns, 1 for each other (empty) sealed column. */
    assert_int_equal(c.calls, 3 * (2 * 3 + ((int64_t)store_sealed_columns_count - 3)));
    assert_int_equal(rot_check_all(v, d.s, new_key), ROT_USERS * 3);
    vault_close(c.stale);
    store_close(c.s2);
    vault_close(v);
    db_close(&d);
}

/* Threads share one vault: sealing and opening go on while the main thread rotates, which
 * reloads keys (growing the key array and switching the active key). */
#define SEAL_THREADS 4

struct seal_thread {
    struct vault *v;
    int index;
    _Atomic int *stop;
    int failures;
    int64_t rounds;
};

static void *seal_thread_main(void *arg)
{
    struct seal_thread *t = arg;
    char text[64];
    while (!*t->stop || t->rounds < 100) {
        snprintf(text, sizeof text, "thread %d round %lld", t->index, (long long)t->rounds);
        struct vault_ad ad = {"users", "email_enc", t->index * 1000000 + t->rounds};
        uint8_t *env = NULL;
        size_t len = 0;
        char *plain = NULL;
        size_t plain_len = 0;
        if (vault_seal(t->v, &env, &len, &ad, text, strlen(text)) != STATUS_OK ||
            vault_unseal(t->v, &plain, &plain_len, &ad, env, len) != STATUS_OK || strcmp(plain, text) != 0) {
            t->failures++;
        }
        vault_plain_free(plain, plain_len);
        free(env);
        t->rounds++;
    }
    return NULL;
}

static void test_threads_during_rotation(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    rot_users_insert(v, d.s);
    _Atomic int stop = 0;
    pthread_t th[SEAL_THREADS];
    struct seal_thread t[SEAL_THREADS];
    for (int i = 0; i < SEAL_THREADS; i++) {
        t[i] = (struct seal_thread){.v = v, .index = i, .stop = &stop};
        assert_int_equal(pthread_create(&th[i], NULL, seal_thread_main, &t[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vault_keys_rotate(v, d.s, NULL, NULL), STATUS_OK);
    }
    stop = 1;
    for (int i = 0; i < SEAL_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(t[i].failures, 0);
    }
    assert_int_equal(rot_check_all(v, d.s, vault_active_key_id(v)), ROT_USERS * 3);
    vault_close(v);
    db_close(&d);
}

static int group_setup(void **state)
{
    (void)state;
    setenv("CTIS_PWHASH", "fast", 1);
    unsetenv("CTIS_KEY_FILE");
    return vault_library_init() == STATUS_OK ? 0 : -1;
}

/* Master-key rotation: a new key file; everything sealed before opens after, blind indexes, MACs
 * and the signing key are unchanged; the old key file no longer opens the database; an
 * interruption after the commit (KEY.new not yet renamed) is finished by the next open. */
static void rotate_master_check(struct db *d, const uint8_t *env, size_t len, const uint8_t bidx[VAULT_BIDX_BYTES],
                                const uint8_t mac[VAULT_HASH_BYTES], const uint8_t pk[VAULT_PUBKEY_BYTES])
{
    struct vault *v = db_vault(d);
    unseal_expect(v, "cases", "given_name_enc", 42, env, len, "Amina");
    uint8_t b2[VAULT_BIDX_BYTES], m2[VAULT_HASH_BYTES], pk2[VAULT_PUBKEY_BYTES];
    assert_int_equal(vault_blind_index(v, b2, "cases.given_name", "amina", 5), STATUS_OK);
    assert_memory_equal(b2, bidx, sizeof b2);
    vault_mac(v, m2, "audit", "entry", 5);
    assert_memory_equal(m2, mac, sizeof m2);
    vault_public_key(v, pk2);
    assert_memory_equal(pk2, pk, sizeof pk2);
    vault_close(v);
}

static void test_master_rotation(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    struct vault *v = db_vault(&d);
    uint8_t *env = NULL;
    size_t len = 0;
    seal_ok(v, &env, &len, "cases", "given_name_enc", 42, "Amina");
    uint8_t bidx[VAULT_BIDX_BYTES], mac[VAULT_HASH_BYTES], pk[VAULT_PUBKEY_BYTES];
    assert_int_equal(vault_blind_index(v, bidx, "cases.given_name", "Amina", 5), STATUS_OK);
    vault_mac(v, mac, "audit", "entry", 5);
    vault_public_key(v, pk);
    assert_int_equal(vault__meta_set_i64(d.s, VAULT_META_EXPORTED_AT, 12345), STATUS_OK);

    char *old_key = NULL, *new_key = NULL;
    size_t old_len = 0, new_len = 0;
    assert_int_equal(util_file_read(&old_key, &old_len, d.key_path, 4096), STATUS_OK);
    assert_int_equal(vault_master_rotate(v, d.s, d.key_path), STATUS_OK);
    vault_close(v);
    assert_int_equal(util_file_read(&new_key, &new_len, d.key_path, 4096), STATUS_OK);
    assert_true(old_len != new_len || memcmp(old_key, new_key, old_len) != 0);
    char *next = xasprintf("%s.new", d.key_path);
    assert_false(util_file_exists(next));
    struct stat sb;
    assert_int_equal(stat(d.key_path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    int64_t exported = -1;
    assert_int_equal(vault_keys_exported_at(&exported, d.s), STATUS_OK);
    assert_int_equal(exported, 0);
    rotate_master_check(&d, env, len, bidx, mac, pk);

    /* The old key file opens nothing any more. */
    char *old_path = xasprintf("%s/old.key", d.dir);
    assert_int_equal(util_file_write_atomic(old_path, old_key, old_len, 0600), STATUS_OK);
    struct vault *bad = NULL;
    assert_int_equal(vault_open(&bad, old_path, d.s), STATUS_CRYPTO);
    assert_null(bad);
    assert_int_equal(vault_key_file_check(old_path, d.s), STATUS_CRYPTO);

    /* A second rotation, and data keys rotated in between: all still opens. */
    v = db_vault(&d);
    assert_int_equal(vault_keys_rotate(v, d.s, NULL, NULL), STATUS_OK);
    vault_close(v);
    v = db_vault(&d);
    assert_int_equal(vault_master_rotate(v, d.s, d.key_path), STATUS_OK);
    vault_close(v);
    rotate_master_check(&d, env, len, bidx, mac, pk);

    /* Interrupted after the commit: the database is under a new master key that is only in
     * KEY.new. The next open finishes the rename. */
    v = db_vault(&d);
    uint8_t *master = sodium_malloc(VAULT_KEY_BYTES);
    assert_non_null(master);
    vault_random(master, VAULT_KEY_BYTES);
    char *text = NULL;
    size_t text_len = 0;
    vault__key_file_text(&text, &text_len, master);
    assert_int_equal(util_file_write_atomic(next, text, text_len, 0600), STATUS_OK);
    sodium_free(text);
    assert_int_equal(vault__master_rewrap(v, master, d.s), STATUS_OK);
    vault_close(v);
    assert_true(util_file_exists(next));
    rotate_master_check(&d, env, len, bidx, mac, pk);
    assert_false(util_file_exists(next));
    assert_int_equal(vault_key_file_check(d.key_path, d.s), STATUS_OK);

    /* A leftover KEY.new stops a new rotation before anything changes. */
    assert_int_equal(util_file_write_atomic(next, "x", 1, 0600), STATUS_OK);
    v = db_vault(&d);
    assert_int_equal(vault_master_rotate(v, d.s, d.key_path), STATUS_CONFLICT);
    vault_close(v);
    unlink(next);
    rotate_master_check(&d, env, len, bidx, mac, pk);

    sodium_free(master);
    free(next);
    free(old_path);
    free(old_key);
    free(new_key);
    free(env);
    db_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hkdf_rfc5869),
        cmocka_unit_test(test_random_and_tokens),
        cmocka_unit_test(test_hash_and_mac),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_blind_index),
        cmocka_unit_test(test_seal_round_trip),
        cmocka_unit_test(test_seal_ad_binding),
        cmocka_unit_test(test_seal_tamper),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_password_concurrency_cap),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_key_path_for),
        cmocka_unit_test(test_key_file),
        cmocka_unit_test(test_open_creates_keys),
        cmocka_unit_test(test_open_wrong_key),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_export_import),
        cmocka_unit_test(test_rotation_interrupted_and_resumed),
        cmocka_unit_test(test_rotation_picks_up_rewritten_values),
        cmocka_unit_test(test_threads_during_rotation),
        cmocka_unit_test(test_master_rotation),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
