/* clk: the CLK encoder and the CSV encoding (clk.h, docs/linkage.md). */
#include "link/clk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/csv.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define HASH_BYTES 64  /* BLAKE2b-512: 32 indexes of 16 bits */
#define TOKEN_BYTES 64 /* "<position> " and an n-gram of at most 8 code points */
#define THREADS_MAX 16
#define BALANCE_INFO "ctis-link-balance"

struct link_encoder {
    const struct link_schema *schema;
    uint8_t *keys;  /* count x key_size: the first key of each feature */
    uint32_t *perm; /* balance: bit j of [filter, ~filter] goes to bit perm[j] */
    size_t folded;  /* l >> xor_folds */
};

static void perm_draw(struct link_encoder *e, const uint8_t seed[32], size_t n)
{
    e->perm = xmalloc(n * sizeof *e->perm);
    for (size_t i = 0; i < n; i++) {
        e->perm[i] = (uint32_t)i;
    }
    uint8_t block[HASH_BYTES];
    size_t used = sizeof block;
    uint64_t counter = 0;
    for (size_t i = n - 1; i > 0; i--) {
        if (used + 4 > sizeof block) {
            uint8_t salt[VAULT_BLAKE2B_SALT_BYTES] = {0};
            memcpy(salt, &counter, sizeof counter);
            counter++;
            vault_blake2b_keyed(block, sizeof block, seed, 32, salt, NULL, "perm", 4);
            used = 0;
        }
        uint32_t r;
        memcpy(&r, block + used, 4);
        used += 4;
        size_t j = (size_t)(r % (uint32_t)(i + 1));
        uint32_t t = e->perm[i];
        e->perm[i] = e->perm[j];
        e->perm[j] = t;
    }
    vault_wipe(block, sizeof block);
}

enum status link_encoder_new(struct link_encoder **out, const struct link_schema *schema, const uint8_t *secret,
                             size_t secret_len)
{
    *out = NULL;
    if (secret_len < LINK_SECRET_BYTES_MIN || secret_len > LINK_SECRET_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "secret", "the shared secret has %d to %d bytes", LINK_SECRET_BYTES_MIN,
                             LINK_SECRET_BYTES_MAX);
    }
    struct link_encoder *e = xcalloc(1, sizeof *e);
    e->schema = schema;
    e->folded = schema->l >> schema->xor_folds;
    /* clkhash's layout: two keys per feature, ignored ones included, in order. */
    size_t all = schema->count * 2 * schema->key_size;
    uint8_t *keys = xmalloc(all);
    enum status st = vault_hkdf_bytes(keys, all, secret, secret_len, schema->kdf_salt, schema->kdf_salt_len,
                                      schema->kdf_info, schema->kdf_info_len);
    if (st == STATUS_OK) {
        e->keys = xmalloc(schema->count * schema->key_size);
        for (size_t i = 0; i < schema->count; i++) {
            memcpy(e->keys + i * schema->key_size, keys + i * 2 * schema->key_size, schema->key_size);
        }
    }
    vault_wipe(keys, all);
    free(keys);
    if (st == STATUS_OK && schema->balance) {
        uint8_t seed[32];
        st = vault_hkdf_bytes(seed, sizeof seed, secret, secret_len, schema->kdf_salt, schema->kdf_salt_len,
                              (const uint8_t *)BALANCE_INFO, strlen(BALANCE_INFO));
        if (st == STATUS_OK) {
            perm_draw(e, seed, 2 * e->folded);
        }
        vault_wipe(seed, sizeof seed);
    }
    if (st != STATUS_OK) {
        link_encoder_free(e);
        return st;
    }
    *out = e;
    return STATUS_OK;
}

void link_encoder_free(struct link_encoder *e)
{
    if (e == NULL) {
        return;
    }
    if (e->keys != NULL) {
        vault_wipe(e->keys, e->schema->count * e->schema->key_size);
        free(e->keys);
    }
    free(e->perm);
    free(e);
}

const struct link_schema *link_encoder_schema(const struct link_encoder *e)
{
    return e->schema;
}

enum status link_secret_load(uint8_t **out, size_t *len_out, const char *path)
{
    *out = NULL;
    *len_out = 0;
    char *data = NULL;
    size_t len = 0;
    enum status st = util_file_read(&data, &len, path, LINK_SECRET_BYTES_MAX + 2);
    if (st != STATUS_OK) {
        return err_set_field(st, "secret-file", "%s: cannot read the secret: %s", path, err_last());
    }
    if (len > 0 && data[len - 1] == '\n') {
        len--;
        if (len > 0 && data[len - 1] == '\r') {
            len--;
        }
    }
    if (len < LINK_SECRET_BYTES_MIN || len > LINK_SECRET_BYTES_MAX) {
        vault_wipe(data, len);
        free(data);
        return err_set_field(STATUS_INVALID, "secret-file", "%s: the shared secret has %d to %d bytes", path,
                             LINK_SECRET_BYTES_MIN, LINK_SECRET_BYTES_MAX);
    }
    *out = (uint8_t *)data;
    *len_out = len;
    return STATUS_OK;
}

/* Sets k bits of filter (l bits) for one token (clkhash's blakeHash). */
static void token_bits(uint64_t *filter, unsigned l, const uint8_t *key, size_t key_len, const uint8_t *personal,
                       const char *token, size_t len, int k)
{
    uint8_t h[HASH_BYTES];
    for (int i = 0; i * 32 < k; i++) {
        uint8_t salt[VAULT_BLAKE2B_SALT_BYTES] = {0};
        snprintf((char *)salt, sizeof salt, "%d", i);
        vault_blake2b_keyed(h, sizeof h, key, key_len, salt, personal, token, len);
        int take = k - i * 32 < 32 ? k - i * 32 : 32;
        for (int j = 0; j < take; j++) {
            unsigned idx = ((unsigned)h[2 * j] | (unsigned)h[2 * j + 1] << 8) & (l - 1);
            filter[idx / 64] |= UINT64_C(1) << (idx % 64);
        }
    }
}

/* The byte offsets of the code points of s (len bytes, valid UTF-8); returns their count. */
static size_t code_points(const char *s, size_t len, size_t *offs)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            offs[n++] = i;
        }
    }
    offs[n] = len;
    return n;
}

/* Encodes one prepared value of feature f into filter. */
static void feature_bits(const struct link_encoder *e, size_t fi, const char *v, const uint8_t *personal,
                         uint64_t *filter)
{
    const struct link_feature *f = &e->schema->features[fi];
    const uint8_t *key = e->keys + fi * e->schema->key_size;
    size_t key_len = e->schema->key_size;
    unsigned l = e->schema->l;
    size_t vlen = strlen(v);
    if (f->comparison == LINK_CMP_EXACT) {
        int k = f->bits > 0 ? f->bits : f->bits_per_token;
        token_bits(filter, l, key, key_len, personal, v, vlen, k);
        return;
    }
    int pad = f->n - 1;
    size_t plen = vlen + 2 * (size_t)pad;
    char *p = xmalloc(plen + 1);
    memset(p, ' ', (size_t)pad);
    memcpy(p + pad, v, vlen);
    memset(p + pad + vlen, ' ', (size_t)pad);
    p[plen] = '\0';
    size_t *offs = xmalloc((plen + 1) * sizeof *offs);
    size_t cps = code_points(p, plen, offs);
    size_t ntok = cps >= (size_t)f->n ? cps - (size_t)f->n + 1 : 0;
    for (size_t t = 0; t < ntok; t++) {
        int k = f->bits_per_token;
        if (f->bits > 0) {
            k = f->bits / (int)ntok + ((int)t < f->bits % (int)ntok ? 1 : 0);
        }
        if (k == 0) {
            continue;
        }
        char tok[TOKEN_BYTES + 16];
        size_t glen = offs[t + (size_t)f->n] - offs[t];
        size_t tl = 0;
        if (f->positional) {
            tl = (size_t)snprintf(tok, sizeof tok, "%zu ", t + 1);
        }
        if (tl + glen > TOKEN_BYTES) {
            glen = TOKEN_BYTES - tl; /* cannot happen with n <= 8 code points of 4 bytes */
        }
        memcpy(tok + tl, p + offs[t], glen);
        token_bits(filter, l, key, key_len, personal, tok, tl + glen, k);
    }
    vault_wipe(p, plen);
    free(p);
    free(offs);
}

enum status link_encode_record(const struct link_encoder *e, const char *const *values, const size_t *lens,
                               uint64_t *row)
{
    const struct link_schema *s = e->schema;
    size_t lwords = s->l / 64;
    uint64_t stackbuf[1024];
    uint64_t *filter = lwords <= 1024 ? stackbuf : xmalloc(lwords * sizeof *filter);
    memset(filter, 0, lwords * sizeof *filter);
    enum status st = STATUS_OK;
    uint8_t personal[VAULT_BLAKE2B_SALT_BYTES] = {0};
    const uint8_t *pers = NULL;
    if (s->salt_feature >= 0) {
        size_t i = (size_t)s->salt_feature;
        char *sv = NULL;
        st = link_value_prepare(&s->features[i], values[i] != NULL ? values[i] : "", values[i] != NULL ? lens[i] : 0,
                                &sv);
        if (st == STATUS_OK && sv != NULL) {
            size_t svlen = strlen(sv);
            if (s->salt_prefix > 0) {
                size_t *offs = xmalloc((svlen + 1) * sizeof *offs);
                size_t cps = code_points(sv, svlen, offs);
                if (cps > s->salt_prefix) {
                    svlen = offs[s->salt_prefix];
                }
                free(offs);
            }
            if (svlen <= sizeof personal) {
                memcpy(personal, sv, svlen);
            } else {
                vault_blake2b_keyed(personal, sizeof personal, NULL, 0, NULL, NULL, sv, svlen);
            }
            pers = personal;
        }
        free(sv);
    }
    for (size_t i = 0; st == STATUS_OK && i < s->count; i++) {
        if (s->features[i].ignored) {
            continue;
        }
        char *v = NULL;
        st = link_value_prepare(&s->features[i], values[i] != NULL ? values[i] : "", values[i] != NULL ? lens[i] : 0,
                                &v);
        if (st == STATUS_OK && v != NULL) {
            feature_bits(e, i, v, pers, filter);
        }
        if (v != NULL) {
            vault_wipe(v, strlen(v));
            free(v);
        }
    }
    /* XOR folding: the second half onto the first, xor_folds times. */
    size_t words = lwords;
    for (unsigned f = 0; f < s->xor_folds; f++) {
        words /= 2;
        for (size_t w = 0; w < words; w++) {
            filter[w] ^= filter[w + words];
        }
    }
    size_t out_words = s->bits / 64;
    memset(row, 0, out_words * sizeof *row);
    if (st == STATUS_OK && s->balance) {
        size_t n = e->folded;
        for (size_t j = 0; j < 2 * n; j++) {
            bool bit = j < n ? (filter[j / 64] >> (j % 64)) & 1 : !((filter[(j - n) / 64] >> ((j - n) % 64)) & 1);
            if (bit) {
                row[e->perm[j] / 64] |= UINT64_C(1) << (e->perm[j] % 64);
            }
        }
    } else if (st == STATUS_OK) {
        memcpy(row, filter, out_words * sizeof *row);
    }
    vault_wipe(filter, lwords * sizeof *filter);
    vault_wipe(personal, sizeof personal);
    if (filter != stackbuf) {
        free(filter);
    }
    return st;
}

/* ---- CSV ------------------------------------------------------------------------------- */

/* The cells a CSV row contributes: feature values and the id, as offsets into one buffer. */
struct csv_rows {
    char *buf;
    size_t len, cap;
    size_t *off; /* rows x (count + 1) (offset, length) pairs */
    size_t *lens;
    int64_t *line;
    size_t rows, rows_cap;
    size_t per; /* count + 1 */
};

static size_t rows_append(struct csv_rows *r, const char *s, size_t len)
{
    if (r->len + len + 1 > r->cap) {
        r->cap = (r->len + len + 1) * 2;
        r->buf = xrealloc(r->buf, r->cap);
    }
    size_t at = r->len;
    memcpy(r->buf + at, s, len);
    r->buf[at + len] = '\0';
    r->len += len + 1;
    return at;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
        (*len)--;
    }
}

struct enc_job {
    const struct link_encoder *e;
    const struct csv_rows *rows;
    struct link_clkset *set;
    atomic_size_t next;
    atomic_size_t done;
    atomic_size_t failed_row; /* SIZE_MAX: none */
    pthread_mutex_t lock;
    char message[256];
    char field[80];
    enum status status;
    const struct link_csv_options *o;
};

#define CHUNK 256

static void *enc_worker(void *arg)
{
    struct enc_job *j = arg;
    size_t count = j->e->schema->count;
    const char **vals = xcalloc(count, sizeof *vals);
    size_t *lens = xcalloc(count, sizeof *lens);
    for (;;) {
        size_t start = atomic_fetch_add(&j->next, CHUNK);
        if (start >= j->rows->rows || atomic_load(&j->failed_row) != SIZE_MAX) {
            break;
        }
        size_t end = start + CHUNK < j->rows->rows ? start + CHUNK : j->rows->rows;
        for (size_t i = start; i < end; i++) {
            for (size_t f = 0; f < count; f++) {
                vals[f] = j->rows->buf + j->rows->off[i * j->rows->per + f];
                lens[f] = j->rows->lens[i * j->rows->per + f];
            }
            enum status st = link_encode_record(j->e, vals, lens, link_clkset_row(j->set, i));
            if (st != STATUS_OK) {
                pthread_mutex_lock(&j->lock);
                if (atomic_load(&j->failed_row) == SIZE_MAX || i < atomic_load(&j->failed_row)) {
                    atomic_store(&j->failed_row, i);
                    j->status = st;
                    snprintf(j->message, sizeof j->message, "%s", err_last());
                    snprintf(j->field, sizeof j->field, "%s", err_last_field());
                }
                pthread_mutex_unlock(&j->lock);
                break;
            }
        }
        size_t done = atomic_fetch_add(&j->done, end - start) + (end - start);
        if (j->o->progress != NULL && start % (CHUNK * 16) == 0) {
            pthread_mutex_lock(&j->lock);
            j->o->progress(done, j->rows->rows, j->o->progress_arg);
            pthread_mutex_unlock(&j->lock);
        }
    }
    free(vals);
    free(lens);
    return NULL;
}

static unsigned thread_count(const struct link_csv_options *o, size_t rows)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned t = o->threads > 0 ? o->threads : (cpus > 0 ? (unsigned)cpus : 1);
    if (t > THREADS_MAX) {
        t = THREADS_MAX;
    }
    size_t useful = rows / CHUNK + 1;
    return t > useful ? (unsigned)useful : t;
}

/* Reads the header row: which column holds each feature and the id. */
static enum status csv_header(struct csv_reader *r, const char *name, const struct link_schema *s,
                              const char *id_column, int *col, int *id_col)
{
    enum status st = csv_reader_next(r);
    if (st == STATUS_DONE) {
        return err_set(STATUS_INVALID, "%s: empty: a header row expected", name);
    }
    if (st != STATUS_OK) {
        return err_set(st, "%s: %s", name, err_last());
    }
    for (size_t i = 0; i < s->count; i++) {
        col[i] = -1;
    }
    *id_col = -1;
    for (size_t c = 0; c < csv_reader_count(r); c++) {
        const char *cell = csv_reader_field(r, c);
        size_t len = csv_reader_field_len(r, c);
        trim(&cell, &len);
        char h[128];
        if (len >= sizeof h) {
            continue;
        }
        memcpy(h, cell, len);
        h[len] = '\0';
        if (strcmp(h, id_column) == 0) {
            *id_col = (int)c;
        }
        int f = link_schema_find(s, h);
        if (f >= 0 && col[f] < 0) {
            col[f] = (int)c;
        }
    }
    if (*id_col < 0) {
        return err_set_field(STATUS_INVALID, "id-column", "%s: line 1: no column \"%s\" for the ids", name, id_column);
    }
    for (size_t i = 0; i < s->count; i++) {
        if (!s->features[i].ignored && col[i] < 0) {
            return err_set_field(STATUS_INVALID, s->features[i].identifier,
                                 "%s: line 1: no column \"%s\", which the schema encodes", name,
                                 s->features[i].identifier);
        }
    }
    return STATUS_OK;
}

static const struct link_clkset *sort_set; /* qsort has no context argument */

static int by_id(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(sort_set->ids[a], sort_set->ids[b]);
    return c != 0 ? c : (a > b) - (a < b);
}

/* Each id once: the matches name records by id. */
static enum status ids_unique(const struct link_clkset *set, const int64_t *line, const char *name,
                              const char *id_column)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    size_t *idx = xmalloc(set->count * sizeof *idx);
    for (size_t i = 0; i < set->count; i++) {
        idx[i] = i;
    }
    pthread_mutex_lock(&lock);
    sort_set = set;
    qsort(idx, set->count, sizeof *idx, by_id);
    pthread_mutex_unlock(&lock);
    enum status st = STATUS_OK;
    for (size_t i = 1; i < set->count; i++) {
        if (strcmp(set->ids[idx[i - 1]], set->ids[idx[i]]) == 0) {
            st = err_set_field(STATUS_INVALID, id_column, "%s: line %lld, column %s: the same id as line %lld", name,
                               (long long)line[idx[i]], id_column, (long long)line[idx[i - 1]]);
            break;
        }
    }
    free(idx);
    return st;
}

enum status link_encode_csv(const struct link_encoder *e, FILE *in, const char *name, const struct link_csv_options *o,
                            struct link_clkset **out)
{
    *out = NULL;
    const struct link_schema *s = e->schema;
    struct csv_reader *r = csv_reader_new(in);
    int col[LINK_FEATURES_MAX], id_col = -1;
    struct csv_rows rows = {.per = s->count + 1};
    struct link_clkset *set = NULL;
    enum status st = csv_header(r, name, s, o->id_column, col, &id_col);
    while (st == STATUS_OK) {
        st = csv_reader_next(r);
        if (st == STATUS_DONE) {
            st = STATUS_OK;
            break;
        }
        if (st != STATUS_OK) {
            st = err_set(st, "%s: %s", name, err_last());
            break;
        }
        if (csv_reader_blank(r)) {
            continue;
        }
        if (rows.rows == LINK_RECORDS_MAX) {
            st = err_set(STATUS_TOO_LARGE, "%s: more than %u records", name, LINK_RECORDS_MAX);
            break;
        }
        if (rows.rows == rows.rows_cap) {
            rows.rows_cap = rows.rows_cap == 0 ? 1024 : rows.rows_cap * 2;
            rows.off = xrealloc(rows.off, rows.rows_cap * rows.per * sizeof *rows.off);
            rows.lens = xrealloc(rows.lens, rows.rows_cap * rows.per * sizeof *rows.lens);
            rows.line = xrealloc(rows.line, rows.rows_cap * sizeof *rows.line);
        }
        size_t n = csv_reader_count(r);
        for (size_t f = 0; f <= s->count; f++) {
            int c = f < s->count ? col[f] : id_col;
            const char *cell = "";
            size_t len = 0;
            if (c >= 0 && (size_t)c < n) {
                cell = csv_reader_field(r, (size_t)c);
                len = csv_reader_field_len(r, (size_t)c);
                trim(&cell, &len);
            }
            rows.off[rows.rows * rows.per + f] = rows_append(&rows, cell, len);
            rows.lens[rows.rows * rows.per + f] = len;
        }
        rows.line[rows.rows] = csv_reader_line(r);
        rows.rows++;
    }
    csv_reader_free(r);
    if (st == STATUS_OK) {
        st = link_clkset_new(&set, rows.rows, s->bits);
    }
    for (size_t i = 0; st == STATUS_OK && i < rows.rows; i++) {
        const char *id = rows.buf + rows.off[i * rows.per + s->count];
        st = link_clkset_id_set(set, i, id);
        if (st != STATUS_OK) {
            st = err_set_field(st, o->id_column, "%s: line %lld, column %s: %s", name, (long long)rows.line[i],
                               o->id_column, err_last());
        }
    }
    if (st == STATUS_OK && rows.rows > 1) {
        st = ids_unique(set, rows.line, name, o->id_column);
    }
    if (st == STATUS_OK && rows.rows > 0) {
        struct enc_job job = {.e = e, .rows = &rows, .set = set, .status = STATUS_OK, .o = o};
        atomic_init(&job.next, 0);
        atomic_init(&job.done, 0);
        atomic_init(&job.failed_row, SIZE_MAX);
        pthread_mutex_init(&job.lock, NULL);
        unsigned t = thread_count(o, rows.rows);
        pthread_t th[THREADS_MAX];
        unsigned started = 0;
        for (unsigned i = 1; i < t; i++) {
            if (pthread_create(&th[started], NULL, enc_worker, &job) == 0) {
                started++;
            }
        }
        enc_worker(&job);
        for (unsigned i = 0; i < started; i++) {
            pthread_join(th[i], NULL);
        }
        pthread_mutex_destroy(&job.lock);
        size_t bad = atomic_load(&job.failed_row);
        if (bad != SIZE_MAX) {
            st = err_set_field(job.status, job.field, "%s: line %lld, column %s", name, (long long)rows.line[bad],
                               job.message);
        } else if (o->progress != NULL) {
            o->progress(rows.rows, rows.rows, o->progress_arg);
        }
    }
    if (rows.buf != NULL) {
        vault_wipe(rows.buf, rows.len);
    }
    free(rows.buf);
    free(rows.off);
    free(rows.lens);
    free(rows.line);
    if (st != STATUS_OK) {
        link_clkset_free(set);
        return st;
    }
    link_clkset_popcounts(set);
    *out = set;
    return STATUS_OK;
}

bool link_project_valid(const char *project)
{
    size_t n = project != NULL ? strlen(project) : 0;
    if (n == 0 || n > LINK_PROJECT_BYTES_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = project[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-')) {
            return false;
        }
    }
    return true;
}
