/* bench_vault: seals and opens per second of vault_seal/vault_unseal on 64-byte and 1 KiB values,
 * against the bare crypto_aead_xchacha20poly1305_ietf_encrypt/decrypt call on the same data in
 * the same run, and the ratio (vault / bare). The vault's extra cost is its random nonce, the
 * envelope allocation, the associated-data string and the read lock on the key list. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"
#include "util/status.h"
#include "vault/vault.h"
#include "vault/vault_int.h"

#define BENCH_SECONDS 0.5
#define BENCH_CHUNK 256

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum op { OP_VAULT_SEAL, OP_VAULT_UNSEAL, OP_BARE_ENCRYPT, OP_BARE_DECRYPT };

struct bench {
    struct vault *v;
    struct vault_ad ad;
    const char *ad_text;
    uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    uint8_t *plain;
    size_t len;
    uint8_t *env; /* a vault envelope of plain */
    size_t env_len;
    uint8_t *ct;  /* bare ciphertext of plain */
    uint8_t *out; /* scratch */
};

static volatile uint64_t sink;

static void run_op(struct bench *b, enum op op)
{
    unsigned long long n = 0;
    switch (op) {
    case OP_VAULT_SEAL: {
        uint8_t *env = NULL;
        size_t env_len = 0;
        ASSERT(vault_seal(b->v, &env, &env_len, &b->ad, b->plain, b->len) == STATUS_OK);
        sink += env[env_len - 1];
        free(env);
        break;
    }
    case OP_VAULT_UNSEAL: {
        char *plain = NULL;
        size_t plain_len = 0;
        ASSERT(vault_unseal(b->v, &plain, &plain_len, &b->ad, b->env, b->env_len) == STATUS_OK);
        sink += (uint8_t)plain[0];
        vault_plain_free(plain, plain_len);
        break;
    }
    case OP_BARE_ENCRYPT:
        crypto_aead_xchacha20poly1305_ietf_encrypt(b->out, &n, b->plain, b->len, (const uint8_t *)b->ad_text,
                                                   strlen(b->ad_text), NULL, b->nonce, b->key);
        sink += b->out[n - 1];
        break;
    case OP_BARE_DECRYPT:
        ASSERT(crypto_aead_xchacha20poly1305_ietf_decrypt(
                   b->out, &n, NULL, b->ct, b->len + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                   (const uint8_t *)b->ad_text, strlen(b->ad_text), b->nonce, b->key) == 0);
        sink += b->out[0];
        break;
    }
}

static double ops_per_second(struct bench *b, enum op op)
{
    for (int i = 0; i < BENCH_CHUNK; i++) {
        run_op(b, op); /* warm up */
    }
    uint64_t ops = 0;
    double start = now_s(), elapsed = 0;
    do {
        for (int i = 0; i < BENCH_CHUNK; i++) {
            run_op(b, op);
        }
        ops += BENCH_CHUNK;
        elapsed = now_s() - start;
    } while (elapsed < BENCH_SECONDS);
    return (double)ops / elapsed;
}

static void bench_size(struct vault *v, size_t len, const char *label)
{
    struct bench b = {.v = v, .ad = {"users", "email_enc", 123456789}, .len = len};
    b.ad_text = "ctis|1|users|email_enc|123456789"; /* the AD vault_seal builds for b.ad */
    randombytes_buf(b.key, sizeof b.key);
    randombytes_buf(b.nonce, sizeof b.nonce);
    b.plain = xmalloc(len);
    randombytes_buf(b.plain, len);
    b.out = xmalloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    b.ct = xmalloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long n = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(b.ct, &n, b.plain, len, (const uint8_t *)b.ad_text, strlen(b.ad_text),
                                               NULL, b.nonce, b.key);
    ASSERT(vault_seal(v, &b.env, &b.env_len, &b.ad, b.plain, len) == STATUS_OK);

    double seal = ops_per_second(&b, OP_VAULT_SEAL);
    double enc = ops_per_second(&b, OP_BARE_ENCRYPT);
    printf("vault_seal %s: %.0f ops/s, bare: %.0f ops/s, ratio %.2f\n", label, seal, enc, seal / enc);
    double unseal = ops_per_second(&b, OP_VAULT_UNSEAL);
    double dec = ops_per_second(&b, OP_BARE_DECRYPT);
    printf("vault_unseal %s: %.0f ops/s, bare: %.0f ops/s, ratio %.2f\n", label, unseal, dec, unseal / dec);
    free(b.plain);
    free(b.out);
    free(b.ct);
    free(b.env);
}

int main(void)
{
    if (vault_library_init() != STATUS_OK) {
        fprintf(stderr, "bench_vault: %s\n", err_last());
        return 1;
    }
    uint8_t master[VAULT_KEY_BYTES];
    randombytes_buf(master, sizeof master);
    struct vault *v = NULL;
    ASSERT(vault__open_memory(&v, master) == STATUS_OK);
    sodium_memzero(master, sizeof master);
    bench_size(v, 64, "64B");
    bench_size(v, 1024, "1KiB");
    vault_close(v);
    return sink == 0xffffffffffffffffULL ? 2 : 0;
}
