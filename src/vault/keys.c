/* keys: the master key file (create, read, where it lives), its passphrase-protected export and
 * import, and rotation of the data keys with re-sealing of every sealed column. */
#include "vault/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault_int.h"

#define KEY_FILE_MAGIC "ctis-master-key-v1"
#define KEY_FILE_BYTES_MAX 256
#define EXPORT_FORMAT "ctis-key-export-v1"
#define EXPORT_BYTES_MAX 65536
#define EXPORT_SALT_BYTES crypto_pwhash_argon2id_SALTBYTES
#define EXPORT_SEALED_BYTES (VAULT_KEY_BYTES + VAULT_TAG_BYTES)
/* An export file names its own Argon2id cost; refuse costs no export of ours would use, so that
 * a crafted file cannot make import allocate without bound. */
#define EXPORT_OPSLIMIT_MAX (4 * crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE)
#define EXPORT_MEMLIMIT_MAX crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE
/* Rotation passes before giving up when values keep changing under it. */
#define ROTATE_PASSES_MAX 16

/* ---- key file --------------------------------------------------------------------------- */

static uint8_t *secret_alloc(size_t n)
{
    uint8_t *p = sodium_malloc(n);
    if (p == NULL) {
        fprintf(stderr, "ctis: out of secure memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

char *vault_key_path_for(const char *db_url)
{
    ASSERT(db_url != NULL);
    const char *env = getenv("CTIS_KEY_FILE");
    if (env != NULL && env[0] != '\0') {
        return xstrdup(env);
    }
    /* The same URL forms as store_url_dialect. */
    if (strncmp(db_url, "postgres://", 11) == 0 || strncmp(db_url, "postgresql://", 13) == 0) {
        return xstrdup("ctis.key");
    }
    const char *path = strncmp(db_url, "sqlite:", 7) == 0 ? db_url + 7 : db_url;
    return xasprintf("%s.key", path);
}

void vault__key_file_text(char **out, size_t *len, const uint8_t master[VAULT_KEY_BYTES])
{
    size_t n = sizeof KEY_FILE_MAGIC - 1 + 1 + 2 * VAULT_KEY_BYTES + 1;
    char *text = (char *)secret_alloc(n + 1);
    memcpy(text, KEY_FILE_MAGIC "\n", sizeof KEY_FILE_MAGIC);
    util_hex_encode(text + sizeof KEY_FILE_MAGIC, master, VAULT_KEY_BYTES);
    text[n - 1] = '\n';
    text[n] = '\0';
    *out = text;
    *len = n;
}

static enum status key_file_write(const char *key_path, const uint8_t master[VAULT_KEY_BYTES])
{
    char *text = NULL;
    size_t len = 0;
    if (util_file_exists(key_path)) {
        return err_set(STATUS_CONFLICT, "key file %s exists already; it is never overwritten", key_path);
    }
    vault__key_file_text(&text, &len, master);
    enum status st = util_file_write_atomic(key_path, text, len, 0600);
    sodium_free(text);
    return st;
}

enum status vault_key_file_create(const char *key_path)
{
    ASSERT(key_path != NULL);
    uint8_t *master = secret_alloc(VAULT_KEY_BYTES);
    randombytes_buf(master, VAULT_KEY_BYTES);
    enum status st = key_file_write(key_path, master);
    sodium_free(master);
    return st;
}

/* Parses the key file text: the magic line, then 64 hex digits, then optional white space. */
enum status vault__key_file_parse(uint8_t out[VAULT_KEY_BYTES], char *text, size_t len, const char *key_path)
{
    size_t magic = sizeof KEY_FILE_MAGIC - 1;
    size_t pos = magic;
    if (len < magic || memcmp(text, KEY_FILE_MAGIC, magic) != 0) {
        goto bad;
    }
    if (pos < len && text[pos] == '\r') {
        pos++;
    }
    if (pos >= len || text[pos] != '\n') {
        goto bad;
    }
    pos++;
    size_t end = len;
    while (end > pos &&
           (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t')) {
        end--;
    }
    text[end] = '\0';
    if (util_hex_decode(out, VAULT_KEY_BYTES, text + pos) != STATUS_OK) {
        goto bad;
    }
    return STATUS_OK;
bad:
    return err_set(STATUS_INVALID, "%s is not a ctis master key file (%s)", key_path, KEY_FILE_MAGIC);
}

enum status vault__key_file_read(uint8_t out[VAULT_KEY_BYTES], const char *key_path)
{
    enum status st = STATUS_OK;
    char *text = (char *)secret_alloc(KEY_FILE_BYTES_MAX + 1);
    size_t len = 0;
    int fd = open(key_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        st = err_set(errno == ENOENT ? STATUS_NOT_FOUND : STATUS_IO, "cannot open key file %s: %s", key_path,
                     strerror(errno));
        goto out;
    }
    /* Checked on the open file itself, so the file read is the file checked. */
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = err_set(STATUS_IO, "cannot stat key file %s: %s", key_path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = err_set(STATUS_INVALID, "key file %s is not a regular file", key_path);
        goto out;
    }
    if ((sb.st_mode & 077) != 0) {
        st = err_set(STATUS_INVALID,
                     "key file %s is readable by group or others (mode %03o); "
                     "run chmod 600 on it",
                     key_path, (unsigned)(sb.st_mode & 0777));
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, text + len, KEY_FILE_BYTES_MAX + 1 - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            st = err_set(STATUS_IO, "cannot read key file %s: %s", key_path, strerror(errno));
            goto out;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
        if (len > KEY_FILE_BYTES_MAX) {
            st = err_set(STATUS_INVALID, "%s is too large to be a ctis master key file", key_path);
            goto out;
        }
    }
    text[len] = '\0';
    st = vault__key_file_parse(out, text, len, key_path);
out:
    if (fd >= 0) {
        close(fd);
    }
    sodium_free(text);
    return st;
}

enum status vault__key_file_replace(const char *next_path, const char *key_path)
{
    if (rename(next_path, key_path) != 0) {
        return err_set(STATUS_IO, "cannot move %s to %s: %s (move it by hand: it holds the new master key)", next_path,
                       key_path, strerror(errno));
    }
    /* The rename is durable once the directory is. */
    char *dir = xstrdup(key_path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
    return STATUS_OK;
}

enum status vault_master_rotate(struct vault *v, struct store *s, const char *key_path)
{
    ASSERT(v != NULL && s != NULL && key_path != NULL);
    char *next = xasprintf("%s.new", key_path);
    uint8_t *master = secret_alloc(VAULT_KEY_BYTES);
    randombytes_buf(master, VAULT_KEY_BYTES);
    enum status st = STATUS_OK;
    if (util_file_exists(next)) {
        st = err_set(STATUS_CONFLICT,
                     "%s exists: an earlier master-key rotation did not finish; any ctis command that opens the "
                     "database finishes it, or remove the file if that command says the key file matches",
                     next);
        goto out;
    }
    /* The new key is on disk before the database depends on it. */
    st = key_file_write(next, master);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault__master_rewrap(v, master, s);
    if (st != STATUS_OK) {
        unlink(next);
        goto out;
    }
    st = vault__key_file_replace(next, key_path);
    if (st == STATUS_OK) {
        log_info("vault: master key rotated; %s holds the new key", key_path);
    }
out:
    free(next);
    sodium_free(master);
    return st;
}

/* ---- export and import ------------------------------------------------------------------ */

static void export_limits(unsigned long long *ops, size_t *mem)
{
    const char *mode = getenv("CTIS_PWHASH");
    if (mode != NULL && strcmp(mode, "fast") == 0) {
        *ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    } else {
        *ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
    }
}

static enum status passphrase_check(const char *passphrase)
{
    if (passphrase == NULL || strlen(passphrase) < VAULT_PASSPHRASE_BYTES_MIN) {
        return err_set(STATUS_INVALID, "the passphrase must be at least %d bytes", VAULT_PASSPHRASE_BYTES_MIN);
    }
    return STATUS_OK;
}

/* The key that protects an export: Argon2id of the passphrase. */
static enum status export_kek(uint8_t kek[VAULT_KEY_BYTES], const char *passphrase,
                              const uint8_t salt[EXPORT_SALT_BYTES], unsigned long long ops, size_t mem)
{
    if (crypto_pwhash(kek, VAULT_KEY_BYTES, passphrase, strlen(passphrase), salt, ops, mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return err_set(STATUS_IO, "Argon2id failed (not enough memory for %zu MiB?)", mem / (1024 * 1024));
    }
    return STATUS_OK;
}

enum status vault_keys_export(struct vault *v, struct store *s, const char *path, const char *passphrase)
{
    ASSERT(v != NULL && s != NULL && path != NULL);
    json_t *doc = NULL;
    char *text = NULL;
    uint8_t *kek = secret_alloc(VAULT_KEY_BYTES);
    enum status st = passphrase_check(passphrase);
    if (st != STATUS_OK) {
        goto out;
    }
    unsigned long long ops;
    size_t mem;
    export_limits(&ops, &mem);
    uint8_t salt[EXPORT_SALT_BYTES], nonce[VAULT_NONCE_BYTES], sealed[EXPORT_SEALED_BYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    st = export_kek(kek, passphrase, salt, ops, mem);
    if (st != STATUS_OK) {
        goto out;
    }
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, &clen, v->secrets->master, VAULT_KEY_BYTES,
                                               (const unsigned char *)EXPORT_FORMAT, strlen(EXPORT_FORMAT), NULL, nonce,
                                               kek);
    ASSERT(clen == sizeof sealed);
    char salt_hex[2 * sizeof salt + 1], nonce_hex[2 * sizeof nonce + 1];
    char sealed_hex[2 * sizeof sealed + 1];
    util_hex_encode(salt_hex, salt, sizeof salt);
    util_hex_encode(nonce_hex, nonce, sizeof nonce);
    util_hex_encode(sealed_hex, sealed, sizeof sealed);
    doc = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "format", EXPORT_FORMAT, "salt", salt_hex, "opslimit",
                    (json_int_t)ops, "memlimit", (json_int_t)mem, "nonce", nonce_hex, "sealed", sealed_hex);
    ASSERT(doc != NULL);
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    ASSERT(text != NULL);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    st = util_file_write_atomic(path, text, len, 0600);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault__meta_set_i64(s, VAULT_META_EXPORTED_AT, util_now_ms());
    if (st == STATUS_OK) {
        log_info("vault: master key exported to %s", path);
    }
out:
    free(text);
    json_decref(doc);
    sodium_free(kek);
    return st;
}

/* A hex string member of exactly len bytes. */
static enum status json_hex(uint8_t *out, size_t len, const json_t *doc, const char *name)
{
    const char *hex = json_string_value(json_object_get(doc, name));
    if (hex == NULL || util_hex_decode(out, len, hex) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, name, "key export: \"%s\" must be %zu bytes of hex", name, len);
    }
    return STATUS_OK;
}

enum status vault__export_parse(struct vault__export *out, const char *text, size_t len, const char *name)
{
    ASSERT(out != NULL && text != NULL && name != NULL);
    memset(out, 0, sizeof *out);
    enum status st = STATUS_OK;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (!json_is_object(doc) || format == NULL || strcmp(format, EXPORT_FORMAT) != 0) {
        st = err_set(STATUS_INVALID, "%s is not a ctis key export (%s)", name, EXPORT_FORMAT);
        goto out;
    }
    json_t *ops_j = json_object_get(doc, "opslimit");
    json_t *mem_j = json_object_get(doc, "memlimit");
    if (!json_is_integer(ops_j) || !json_is_integer(mem_j)) {
        st = err_set(STATUS_INVALID, "key export: opslimit and memlimit must be integers");
        goto out;
    }
    json_int_t ops = json_integer_value(ops_j), mem = json_integer_value(mem_j);
    if (ops < (json_int_t)crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > EXPORT_OPSLIMIT_MAX ||
        mem < (json_int_t)crypto_pwhash_argon2id_MEMLIMIT_MIN || mem > (json_int_t)EXPORT_MEMLIMIT_MAX) {
        st = err_set(STATUS_INVALID, "key export: Argon2id limits out of range");
        goto out;
    }
    out->ops = (unsigned long long)ops;
    out->mem = (size_t)mem;
    if ((st = json_hex(out->salt, sizeof out->salt, doc, "salt")) != STATUS_OK ||
        (st = json_hex(out->nonce, sizeof out->nonce, doc, "nonce")) != STATUS_OK ||
        (st = json_hex(out->sealed, sizeof out->sealed, doc, "sealed")) != STATUS_OK) {
        goto out;
    }
out:
    json_decref(doc);
    return st;
}

enum status vault__export_open(uint8_t master[VAULT_KEY_BYTES], const struct vault__export *e, const char *passphrase)
{
    ASSERT(master != NULL && e != NULL);
    _Static_assert(sizeof e->salt == EXPORT_SALT_BYTES, "salt size");
    _Static_assert(sizeof e->sealed == EXPORT_SEALED_BYTES, "sealed size");
    uint8_t *kek = secret_alloc(VAULT_KEY_BYTES);
    enum status st = passphrase_check(passphrase);
    if (st != STATUS_OK) {
        goto out;
    }
    st = export_kek(kek, passphrase, e->salt, e->ops, e->mem);
    if (st != STATUS_OK) {
        goto out;
    }
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(master, &mlen, NULL, e->sealed, sizeof e->sealed,
                                                   (const unsigned char *)EXPORT_FORMAT, strlen(EXPORT_FORMAT),
                                                   e->nonce, kek) != 0) {
        st = err_set(STATUS_CRYPTO, "wrong passphrase, or the key export is damaged");
        goto out;
    }
    ASSERT(mlen == VAULT_KEY_BYTES);
out:
    sodium_free(kek);
    return st;
}

enum status vault_keys_import(const char *export_path, const char *passphrase, const char *key_path)
{
    ASSERT(export_path != NULL && key_path != NULL);
    char *text = NULL;
    size_t len = 0;
    struct vault__export e;
    uint8_t *master = secret_alloc(VAULT_KEY_BYTES);
    enum status st = passphrase_check(passphrase);
    if (st != STATUS_OK) {
        goto out;
    }
    if (util_file_exists(key_path)) {
        st = err_set(STATUS_CONFLICT, "key file %s exists already; it is never overwritten", key_path);
        goto out;
    }
    st = util_file_read(&text, &len, export_path, EXPORT_BYTES_MAX);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault__export_parse(&e, text, len, export_path);
    if (st == STATUS_OK) {
        st = vault__export_open(master, &e, passphrase);
    }
    if (st == STATUS_OK) {
        st = key_file_write(key_path, master);
    }
out:
    free(text);
    sodium_free(master);
    return st;
}

enum status vault_keys_exported_at(int64_t *out, struct store *s)
{
    return vault__meta_get_i64(s, VAULT_META_EXPORTED_AT, out);
}

/* ---- rotation --------------------------------------------------------------------------- */

/* Picks the rotation target: the key named by rotation_target if it is an active data key
 * (a rotation under way: resume it), otherwise a new data key recorded as the target. */
struct rotate_begin {
    struct vault *v;
    int64_t target;
    bool resumed;
};

static enum status rotate_begin_tx(struct store *s, void *ctx)
{
    struct rotate_begin *b = ctx;
    struct store_rows *r = NULL;
    b->target = 0;
    b->resumed = false;
    int64_t named = 0;
    enum status st = vault__meta_get_i64(s, VAULT_META_ROTATION_TARGET, &named);
    if (st != STATUS_OK) {
        goto out;
    }
    if (named != 0) {
        st = store_exec(s, STMT_VAULT_KEY_LIST, NULL, 0, &r);
        if (st != STATUS_OK) {
            goto out;
        }
        while ((st = store_rows_next(r)) == STATUS_OK) {
            if (store_rows_i64(r, 0) == named && strcmp(store_rows_text(r, 1), "data") == 0 &&
                strcmp(store_rows_text(r, 2), "active") == 0) {
                b->target = named;
                b->resumed = true;
            }
        }
        if (st != STATUS_DONE) {
            goto out;
        }
        st = STATUS_OK;
    }
    if (b->target == 0) {
        st = vault__data_key_insert(b->v, s, &b->target);
        if (st != STATUS_OK) {
            goto out;
        }
        st = vault__meta_set_i64(s, VAULT_META_ROTATION_TARGET, b->target);
    }
out:
    store_rows_free(r);
    return st;
}

/* One batch of one sealed column, in one transaction. Counters are set from scratch on every
 * run, since store_tx_run may run it again. */
struct rotate_batch {
    struct vault *v;
    const struct store_sealed_column *col;
    int64_t target;
    int64_t after;    /* scan rows with id > after */
    int64_t last_id;  /* out: the last id scanned */
    int64_t rows;     /* out: rows scanned */
    int64_t old;      /* out: values found under another key */
    int64_t resealed; /* out: values replaced */
};

static enum status rotate_batch_tx(struct store *s, void *ctx)
{
    struct rotate_batch *b = ctx;
    struct store_rows *r = NULL;
    int64_t *ids = NULL;
    uint8_t **blobs = NULL;
    size_t *lens = NULL;
    size_t count = 0;
    b->last_id = b->after;
    b->rows = b->old = b->resealed = 0;
    /* Copy the batch out first, so that no cursor is open while rows are updated. */
    struct sql_value scan_args[] = {SQLV_I64(b->after), SQLV_I64(DB_COPY_BATCH_ROWS)};
    enum status st = store_exec(s, b->col->scan, scan_args, ARRAY_LEN(scan_args), &r);
    if (st != STATUS_OK) {
        goto out;
    }
    ids = xcalloc(DB_COPY_BATCH_ROWS, sizeof *ids);
    blobs = xcalloc(DB_COPY_BATCH_ROWS, sizeof *blobs);
    lens = xcalloc(DB_COPY_BATCH_ROWS, sizeof *lens);
    while (count < DB_COPY_BATCH_ROWS && (st = store_rows_next(r)) == STATUS_OK) {
        size_t len = 0;
        const uint8_t *blob = store_rows_blob(r, 1, &len);
        ids[count] = store_rows_i64(r, 0);
        blobs[count] = xmalloc(len);
        if (len > 0) {
            memcpy(blobs[count], blob, len);
        }
        lens[count] = len;
        count++;
    }
    if (st != STATUS_OK && st != STATUS_DONE) {
        goto out;
    }
    st = STATUS_OK;
    store_rows_free(r);
    r = NULL;
    for (size_t i = 0; i < count; i++) {
        b->last_id = ids[i];
        b->rows++;
        int64_t key_id = 0;
        if (vault_envelope_key_id(&key_id, blobs[i], lens[i]) != STATUS_OK) {
            st = err_set(STATUS_INVALID, "%s.%s of row %" PRId64 " is not a sealed value", b->col->table,
                         b->col->column, ids[i]);
            goto out;
        }
        if (key_id == b->target) {
            continue;
        }
        b->old++;
        struct vault_ad ad = {b->col->table, b->col->column, ids[i]};
        char *plain = NULL;
        size_t plain_len = 0;
        uint8_t *fresh = NULL;
        size_t fresh_len = 0;
        st = vault_unseal(b->v, &plain, &plain_len, &ad, blobs[i], lens[i]);
        if (st != STATUS_OK) {
            goto out;
        }
        st = vault__seal_with(b->v, b->target, &fresh, &fresh_len, &ad, plain, plain_len);
        vault_plain_free(plain, plain_len);
        if (st != STATUS_OK) {
            goto out;
        }
        /* Replaced only if unchanged since the scan; a value written meanwhile is left for the
         * next pass. */
        struct sql_value set_args[] = {SQLV_I64(ids[i]), SQLV_BLOB(blobs[i], lens[i]), SQLV_BLOB(fresh, fresh_len)};
        st = store_exec(s, b->col->set, set_args, ARRAY_LEN(set_args), NULL);
        free(fresh);
        if (st != STATUS_OK) {
            goto out;
        }
        b->resealed += store_changes(s);
    }
out:
    store_rows_free(r);
    for (size_t i = 0; i < count; i++) {
        free(blobs[i]);
    }
    free(ids);
    free(blobs);
    free(lens);
    return st;
}

/* Retires every active data key but the target and ends the rotation. */
static enum status rotate_finish_tx(struct store *s, void *ctx)
{
    const int64_t *target = ctx;
    struct store_rows *r = NULL;
    int64_t *retire = NULL;
    size_t count = 0, cap = 0;
    enum status st = store_exec(s, STMT_VAULT_KEY_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        goto out;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        int64_t id = store_rows_i64(r, 0);
        if (id != *target && strcmp(store_rows_text(r, 1), "data") == 0 &&
            strcmp(store_rows_text(r, 2), "active") == 0) {
            if (count == cap) {
                cap = cap == 0 ? 4 : cap * 2;
                retire = xrealloc(retire, cap * sizeof *retire);
            }
            retire[count++] = id;
        }
    }
    if (st != STATUS_DONE) {
        goto out;
    }
    store_rows_free(r);
    r = NULL;
    st = STATUS_OK;
    int64_t now = util_now_ms();
    for (size_t i = 0; i < count && st == STATUS_OK; i++) {
        struct sql_value args[] = {SQLV_I64(retire[i]), SQLV_I64(now)};
        st = store_exec(s, STMT_VAULT_KEY_RETIRE, args, ARRAY_LEN(args), NULL);
    }
    if (st == STATUS_OK) {
        st = vault__meta_set_i64(s, VAULT_META_ROTATION_TARGET, 0);
    }
out:
    store_rows_free(r);
    free(retire);
    return st;
}

enum status vault__keys_rotate_batches(struct vault *v, struct store *s, vault_progress_fn progress, void *ctx,
                                       int64_t max_batches)
{
    ASSERT(v != NULL && s != NULL);
    struct rotate_begin begin = {.v = v};
    int64_t batches = 0, done = 0;
    enum status st = vault_reload(v, s);
    if (st != STATUS_OK) {
        goto out;
    }
    st = store_tx_run(s, STORE_TX_WRITE, rotate_begin_tx, &begin);
    if (st != STATUS_OK) {
        goto out;
    }
    /* Loads the new key; while rotation_target is set, it is the key vault_seal uses. */
    st = vault_reload(v, s);
    if (st != STATUS_OK) {
        goto out;
    }
    log_info("vault: rotation to data key %" PRId64 " %s", begin.target, begin.resumed ? "resumed" : "started");
    for (int pass = 0;; pass++) {
        if (pass == ROTATE_PASSES_MAX) {
            st = err_set(STATUS_BUSY, "sealed values kept changing during rotation; run it again");
            goto out;
        }
        int64_t old = 0;
        for (size_t c = 0; c < store_sealed_columns_count; c++) {
            struct rotate_batch b = {.v = v, .col = &store_sealed_columns[c], .target = begin.target, .after = 0};
            for (;;) {
                if (max_batches > 0 && batches >= max_batches) {
                    st = err_set(STATUS_BUSY,
                                 "rotation stopped after %" PRId64 " batches; run "
                                 "it again to resume",
                                 batches);
                    goto out;
                }
                st = store_tx_run(s, STORE_TX_WRITE, rotate_batch_tx, &b);
                if (st != STATUS_OK) {
                    goto out;
                }
                batches++;
                old += b.old;
                done += b.resealed;
                if (progress != NULL) {
                    progress(done, ctx);
                }
                if (b.rows < DB_COPY_BATCH_ROWS) {
                    break;
                }
                b.after = b.last_id;
            }
        }
        if (old == 0) {
            break; /* a whole pass found nothing under an older key */
        }
    }
    st = store_tx_run(s, STORE_TX_WRITE, rotate_finish_tx, &begin.target);
    if (st != STATUS_OK) {
        goto out;
    }
    st = vault_reload(v, s);
    if (st == STATUS_OK) {
        log_info("vault: rotation to data key %" PRId64 " finished: %" PRId64 " values re-sealed", begin.target, done);
    }
out:
    return st;
}

enum status vault_keys_rotate(struct vault *v, struct store *s, vault_progress_fn progress, void *ctx)
{
    return vault__keys_rotate_batches(v, s, progress, ctx, 0);
}
