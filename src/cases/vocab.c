/* vocab: the vocabularies are read once from the embedded TSV files under data/vocab/
 * (countries.tsv, languages.tsv, htcds.tsv, ctdc.tsv; see the comments at their top). Each
 * vocabulary keeps its entries in file order and two open-addressing hash tables: the exact code,
 * and the lookup key (lower case, without spaces, '-' and '_') of the code, its aliases and its
 * labels, added in that priority (a later key that is taken already is dropped). The built-in
 * tables are never written after loading, so lookups in them take no lock; the extensions of
 * table vocab_extensions sit in tables of their own behind a rwlock and are rebuilt whole on
 * reload. Every string lives in an arena that is only freed by vocab_shutdown, so the codes and
 * labels handed out stay valid across reloads. */
#include "cases/vocab.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unistr.h>
#include <uninorm.h>

#include "store/store.h"
#include "util/assets.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

#define VOCAB_LANGS 6
#define VOCAB_EN 1
#define VOCAB_KEY_BYTES_MAX 512   /* a normalised value: the longest label is ~400 bytes */
#define VOCAB_CODE_BYTES_MAX 64   /* an extension code */
#define VOCAB_LABEL_BYTES_MAX 400 /* an extension label */
#define VOCAB_LABELS_JSON_BYTES_MAX 4096
#define VOCAB_BITSET_CODES_MAX 64 /* a multi-select value is a 64-bit set over the codes */
#define VOCAB_EXT_ROWS_MAX 10000  /* extensions in the database: a few per country */
#define VOCAB_COLUMNS_MAX 16
#define VOCAB_ARENA_CHUNK 65536

static const char *const vocab_lang_codes[VOCAB_LANGS] = {"ar", "en", "es", "fr", "ru", "zh"};

/* The embedded files, in the order their vocabularies are listed. */
static const char *const vocab_files[] = {"vocab/countries.tsv", "vocab/languages.tsv", "vocab/htcds.tsv",
                                          "vocab/ctdc.tsv",      "vocab/ctis.tsv",      "vocab/assist.tsv"};

/* M49 sub-regions whose intermediate regions are the usual statistical sub-regions. */
static const char *const vocab_m49_split[] = {"Sub-Saharan Africa", "Latin America and the Caribbean"};

struct vocab_entry {
    const char *code;
    const char *label[VOCAB_LANGS]; /* "" when none */
};

/* The ISO and M49 columns of a built-in country ("" when none). */
struct vocab_geo {
    const char *alpha2;
    const char *numeric;
    const char *region;
    const char *subregion;
    const char *intermediate;
};

struct vocab_slot {
    const char *key; /* NULL: empty */
    uint32_t hash;
    uint32_t len;
    int32_t index;
};

struct vocab_map {
    struct vocab_slot *slots;
    size_t mask; /* slot count - 1 (a power of two) */
    size_t used;
};

/* The extensions of one vocabulary: positions builtin, builtin + 1, ... */
struct vocab_ext {
    struct vocab_entry *entries;
    size_t count;
    struct vocab_map exact;
    struct vocab_map keys;
};

struct vocab {
    const char *name;
    const char *version;
    bool bitset; /* small list, used by multi-select fields */
    /* Built-in: immutable after loading, read without the lock. */
    struct vocab_entry *entries;
    size_t count;
    size_t cap;
    struct vocab_geo *geo; /* NULL unless the file has M49 columns */
    struct vocab_map exact;
    struct vocab_map keys;
    /* Extensions: under vocab_rwlock. */
    struct vocab_ext ext;
};

struct vocab_chunk {
    struct vocab_chunk *next;
    size_t used;
    size_t cap;
    char data[];
};

static struct vocab *vocab_table;
static size_t vocab_count;
static const char **vocab_name_list;
static struct vocab_map vocab_by_name;
static struct vocab_chunk *vocab_arena;
static atomic_bool vocab_loaded;
static bool vocab_load_failed;
static int64_t vocab_ext_last_ms; /* added_at_ms of the last vocab_extend of this process */
static pthread_mutex_t vocab_mutex = PTHREAD_MUTEX_INITIALIZER;    /* loading, extensions, the arena */
static pthread_rwlock_t vocab_rwlock = PTHREAD_RWLOCK_INITIALIZER; /* struct vocab_ext of every vocabulary */

/* ---- arena ---- */

static char *vocab_arena_alloc(size_t n)
{
    if (vocab_arena == NULL || vocab_arena->cap - vocab_arena->used < n) {
        size_t cap = n > VOCAB_ARENA_CHUNK ? n : VOCAB_ARENA_CHUNK;
        struct vocab_chunk *c = xmalloc(sizeof *c + cap);
        c->used = 0;
        c->cap = cap;
        if (vocab_arena != NULL && n > VOCAB_ARENA_CHUNK) {
            /* A big block gets a chunk of its own behind the current one. */
            c->next = vocab_arena->next;
            vocab_arena->next = c;
        } else {
            c->next = vocab_arena;
            vocab_arena = c;
        }
        c->used = n;
        return c->data;
    }
    char *p = vocab_arena->data + vocab_arena->used;
    vocab_arena->used += n;
    return p;
}

static const char *vocab_arena_strndup(const char *s, size_t n)
{
    char *p = vocab_arena_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void vocab_arena_free(void)
{
    while (vocab_arena != NULL) {
        struct vocab_chunk *next = vocab_arena->next;
        free(vocab_arena);
        vocab_arena = next;
    }
}

/* ---- keys and hash tables ---- */

static uint32_t vocab_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Writes the lookup key of s[0..n) into out (VOCAB_KEY_BYTES_MAX bytes): without spaces, tabs,
 * line ends, '-', '_', no-break spaces and en or em dashes, lower-cased (ASCII directly, other
 * scripts by the Unicode rules, in NFC). Returns its length; 0 when it is empty, too long or
 * not UTF-8. Allocates nothing unless the text is not ASCII and grows when lower-cased. */
static size_t vocab_key(char *out, const char *s, size_t n)
{
    uint8_t tmp[VOCAB_KEY_BYTES_MAX];
    size_t o = 0;
    bool ascii = true;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-' || c == '_') {
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++; /* U+00A0 no-break space */
            continue;
        }
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
            i += 2; /* U+2013 en dash, U+2014 em dash */
            continue;
        }
        if (c >= 0x80) {
            ascii = false;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        if (o + 1 >= VOCAB_KEY_BYTES_MAX) {
            return 0;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (ascii) {
        return o;
    }
    memcpy(tmp, out, o);
    if (u8_check(tmp, o) != NULL) {
        return 0;
    }
    size_t len = VOCAB_KEY_BYTES_MAX - 1;
    uint8_t *r = u8_tolower(tmp, o, NULL, UNINORM_NFC, (uint8_t *)out, &len);
    if (r == NULL) {
        return 0;
    }
    if (r != (uint8_t *)out) {
        free(r); /* longer than the buffer */
        return 0;
    }
    out[len] = '\0';
    return len;
}

static void vocab_map_init(struct vocab_map *m, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2) {
        cap *= 2;
    }
    m->slots = xcalloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    m->used = 0;
}

static void vocab_map_free(struct vocab_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->mask = 0;
    m->used = 0;
}

/* The index stored under key[0..n), or -1. */
static int32_t vocab_map_get(const struct vocab_map *m, const char *key, size_t n, uint32_t h)
{
    if (m->slots == NULL) {
        return -1;
    }
    for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
        const struct vocab_slot *slot = &m->slots[i];
        if (slot->key == NULL) {
            return -1;
        }
        if (slot->hash == h && slot->len == n && memcmp(slot->key, key, n) == 0) {
            return slot->index;
        }
    }
}

static void vocab_map_insert(struct vocab_map *m, const char *key, uint32_t h, uint32_t len, int32_t index)
{
    size_t i = h & m->mask;
    while (m->slots[i].key != NULL) {
        i = (i + 1) & m->mask;
    }
    m->slots[i] = (struct vocab_slot){key, h, len, index};
    m->used++;
}

/* Adds key[0..n) -> index unless the key is there already (the first one stays); the key is
 * copied into the arena. Returns the index the key now names. */
static int32_t vocab_map_put(struct vocab_map *m, const char *key, size_t n, int32_t index)
{
    uint32_t h = vocab_hash(key, n);
    int32_t old = vocab_map_get(m, key, n, h);
    if (old >= 0) {
        return old;
    }
    if ((m->used + 1) * 2 > m->mask + 1) {
        struct vocab_map bigger;
        vocab_map_init(&bigger, (m->mask + 1));
        for (size_t i = 0; i <= m->mask; i++) {
            if (m->slots[i].key != NULL) {
                vocab_map_insert(&bigger, m->slots[i].key, m->slots[i].hash, m->slots[i].len, m->slots[i].index);
            }
        }
        vocab_map_free(m);
        *m = bigger;
    }
    vocab_map_insert(m, vocab_arena_strndup(key, n), h, (uint32_t)n, index);
    return index;
}

/* Adds the lookup key of text to m for index, unless some value has it already. Returns the index
 * the key names, or -1 when the text has no key. */
static int32_t vocab_key_put(struct vocab_map *m, const char *text, size_t n, int32_t index)
{
    char key[VOCAB_KEY_BYTES_MAX];
    size_t kn = vocab_key(key, text, n);
    if (kn == 0) {
        return -1;
    }
    return vocab_map_put(m, key, kn, index);
}

/* The index of the value whose key is the key of text in m, or -1. */
static int32_t vocab_key_get(const struct vocab_map *m, const char *text)
{
    char key[VOCAB_KEY_BYTES_MAX];
    size_t kn = vocab_key(key, text, strlen(text));
    if (kn == 0) {
        return -1;
    }
    return vocab_map_get(m, key, kn, vocab_hash(key, kn));
}

static int32_t vocab_exact_get(const struct vocab_map *m, const char *code)
{
    size_t n = strlen(code);
    return vocab_map_get(m, code, n, vocab_hash(code, n));
}

static int vocab_lang_index(const char *lang)
{
    if (lang == NULL) {
        return -1;
    }
    for (int i = 0; i < VOCAB_LANGS; i++) {
        const char *c = vocab_lang_codes[i];
        if (lang[0] == c[0] && lang[1] == c[1] && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_')) {
            return i;
        }
    }
    return -1;
}

/* ---- loading the built-in files ---- */

enum vocab_col {
    COL_CODE,
    COL_LABEL, /* + language */
    COL_ALIASES,
    COL_ALPHA2,
    COL_NUMERIC,
    COL_BIBLIOGRAPHIC,
    COL_REGION,
    COL_SUBREGION,
    COL_INTERMEDIATE,
};

struct vocab_column {
    enum vocab_col role;
    int lang;
};

/* What a built-in entry has besides its code and labels, while its vocabulary is read. */
struct vocab_raw {
    const char *aliases; /* '|'-separated */
    const char *alpha2;
    const char *numeric;
    const char *bibliographic;
};

struct vocab_reader {
    const char *file;
    int line;
    struct vocab_column cols[VOCAB_COLUMNS_MAX];
    size_t ncols;
    bool geo;
    struct vocab *v; /* the vocabulary being read */
    struct vocab_raw *raw;
};

static enum status vocab_columns_parse(struct vocab_reader *rd, char **fields, size_t n)
{
    static const struct {
        const char *name;
        enum vocab_col role;
    } names[] = {
        {"code", COL_CODE},
        {"aliases", COL_ALIASES},
        {"alpha2", COL_ALPHA2},
        {"numeric", COL_NUMERIC},
        {"bibliographic", COL_BIBLIOGRAPHIC},
        {"region", COL_REGION},
        {"subregion", COL_SUBREGION},
        {"intermediate", COL_INTERMEDIATE},
    };
    bool has_code = false;

    rd->ncols = 0;
    rd->geo = false;
    for (size_t i = 1; i < n; i++) {
        struct vocab_column col = {COL_LABEL, vocab_lang_index(fields[i])};
        if (col.lang < 0 || strlen(fields[i]) != 2) {
            size_t k = 0;
            while (k < ARRAY_LEN(names) && strcmp(names[k].name, fields[i]) != 0) {
                k++;
            }
            if (k == ARRAY_LEN(names)) {
                return err_set(STATUS_INVALID, "%s:%d: unknown column %s", rd->file, rd->line, fields[i]);
            }
            col = (struct vocab_column){names[k].role, -1};
        }
        has_code = has_code || col.role == COL_CODE;
        rd->geo = rd->geo || col.role == COL_REGION || col.role == COL_SUBREGION || col.role == COL_INTERMEDIATE;
        rd->cols[rd->ncols++] = col;
    }
    if (!has_code) {
        return err_set(STATUS_INVALID, "%s:%d: no code column", rd->file, rd->line);
    }
    return STATUS_OK;
}

/* Adds every key of a finished built-in vocabulary: codes, then aliases, English labels, and
 * labels in the other languages. Two codes with one key are an error; other clashes keep the
 * first. */
static enum status vocab_keys_build(struct vocab_reader *rd)
{
    struct vocab *v = rd->v;

    vocab_map_init(&v->exact, v->count);
    vocab_map_init(&v->keys, v->count * 3);
    for (size_t i = 0; i < v->count; i++) {
        const char *code = v->entries[i].code;
        if (vocab_exact_get(&v->exact, code) >= 0 ||
            vocab_key_put(&v->keys, code, strlen(code), (int32_t)i) != (int32_t)i) {
            return err_set(STATUS_INVALID, "%s: vocabulary %s: code %s twice or unreadable", rd->file, v->name, code);
        }
        vocab_map_put(&v->exact, code, strlen(code), (int32_t)i);
    }
    for (size_t i = 0; i < v->count; i++) {
        const struct vocab_raw *raw = &rd->raw[i];
        const char *single[] = {raw->alpha2, raw->numeric, raw->bibliographic};
        for (size_t k = 0; k < ARRAY_LEN(single); k++) {
            if (single[k] != NULL) {
                vocab_key_put(&v->keys, single[k], strlen(single[k]), (int32_t)i);
            }
        }
        if (raw->numeric != NULL) {
            const char *p = raw->numeric;
            while (p[0] == '0' && p[1] != '\0') {
                p++; /* "004" is also "4" */
            }
            vocab_key_put(&v->keys, p, strlen(p), (int32_t)i);
        }
        for (const char *a = raw->aliases; a != NULL && *a != '\0';) {
            const char *bar = strchr(a, '|');
            size_t n = bar != NULL ? (size_t)(bar - a) : strlen(a);
            vocab_key_put(&v->keys, a, n, (int32_t)i);
            a = bar != NULL ? bar + 1 : a + n;
        }
    }
    for (size_t i = 0; i < v->count; i++) {
        const char *en = v->entries[i].label[VOCAB_EN];
        vocab_key_put(&v->keys, en, strlen(en), (int32_t)i);
    }
    for (int l = 0; l < VOCAB_LANGS; l++) {
        for (size_t i = 0; l != VOCAB_EN && i < v->count; i++) {
            const char *label = v->entries[i].label[l];
            vocab_key_put(&v->keys, label, strlen(label), (int32_t)i);
        }
    }
    if (v->bitset && v->count > VOCAB_BITSET_CODES_MAX) {
        return err_set(STATUS_INVALID, "%s: vocabulary %s has more than %d codes", rd->file, v->name,
                       VOCAB_BITSET_CODES_MAX);
    }
    return STATUS_OK;
}

static enum status vocab_finish(struct vocab_reader *rd)
{
    enum status st = STATUS_OK;
    if (rd->v != NULL) {
        if (rd->v->count == 0) {
            st = err_set(STATUS_INVALID, "%s: vocabulary %s has no codes", rd->file, rd->v->name);
        } else {
            st = vocab_keys_build(rd);
        }
    }
    free(rd->raw);
    rd->raw = NULL;
    rd->v = NULL;
    return st;
}

static enum status vocab_begin(struct vocab_reader *rd, char **fields, size_t n)
{
    enum status st = vocab_finish(rd);
    if (st != STATUS_OK) {
        return st;
    }
    if (n != 3 || fields[1][0] == '\0' || fields[2][0] == '\0') {
        return err_set(STATUS_INVALID, "%s:%d: @vocab needs a name and a version", rd->file, rd->line);
    }
    for (size_t i = 0; i < vocab_count; i++) {
        if (strcmp(vocab_table[i].name, fields[1]) == 0) {
            return err_set(STATUS_INVALID, "%s:%d: vocabulary %s twice", rd->file, rd->line, fields[1]);
        }
    }
    vocab_table = xrealloc(vocab_table, (vocab_count + 1) * sizeof *vocab_table);
    struct vocab *v = &vocab_table[vocab_count++];
    memset(v, 0, sizeof *v);
    v->name = fields[1];
    v->version = fields[2];
    v->bitset = strcmp(v->name, "country") != 0 && strcmp(v->name, "language") != 0;
    rd->v = v;
    return STATUS_OK;
}

static enum status vocab_row(struct vocab_reader *rd, char **fields, size_t n)
{
    struct vocab *v = rd->v;

    if (v == NULL || rd->ncols == 0) {
        return err_set(STATUS_INVALID, "%s:%d: a code before @columns and @vocab", rd->file, rd->line);
    }
    if (n != rd->ncols) {
        return err_set(STATUS_INVALID, "%s:%d: %zu columns, expected %zu", rd->file, rd->line, n, rd->ncols);
    }
    if (v->count == v->cap) {
        v->cap = v->cap == 0 ? 16 : v->cap * 2;
        v->entries = xrealloc(v->entries, v->cap * sizeof *v->entries);
        rd->raw = xrealloc(rd->raw, v->cap * sizeof *rd->raw);
        if (rd->geo) {
            v->geo = xrealloc(v->geo, v->cap * sizeof *v->geo);
        }
    }
    struct vocab_entry *e = &v->entries[v->count];
    struct vocab_raw *raw = &rd->raw[v->count];
    struct vocab_geo geo = {"", "", "", "", ""};
    memset(e, 0, sizeof *e);
    memset(raw, 0, sizeof *raw);
    for (int l = 0; l < VOCAB_LANGS; l++) {
        e->label[l] = "";
    }
    for (size_t i = 0; i < n; i++) {
        char *f = fields[i];
        switch (rd->cols[i].role) {
        case COL_CODE: e->code = f; break;
        case COL_LABEL: e->label[rd->cols[i].lang] = f; break;
        case COL_ALIASES: raw->aliases = f; break;
        case COL_ALPHA2:
            raw->alpha2 = f;
            geo.alpha2 = f;
            break;
        case COL_NUMERIC:
            raw->numeric = f;
            geo.numeric = f;
            break;
        case COL_BIBLIOGRAPHIC: raw->bibliographic = f; break;
        case COL_REGION: geo.region = f; break;
        case COL_SUBREGION: geo.subregion = f; break;
        case COL_INTERMEDIATE: geo.intermediate = f; break;
        }
    }
    if (e->code == NULL || e->code[0] == '\0') {
        return err_set(STATUS_INVALID, "%s:%d: empty code", rd->file, rd->line);
    }
    if (rd->geo) {
        v->geo[v->count] = geo;
    }
    v->count++;
    return STATUS_OK;
}

/* Reads one embedded file; its text is copied into the arena and cut in place. */
static enum status vocab_file_load(const char *path)
{
    enum status st = STATUS_OK;
    struct vocab_reader rd = {.file = path};
    const struct asset *a = asset_find(path);

    if (a == NULL) {
        return err_set(STATUS_NOT_FOUND, "%s is not embedded", path);
    }
    if (!util_utf8_valid(a->data, a->len)) {
        return err_set(STATUS_INVALID, "%s is not UTF-8 text", path);
    }
    char *text = (char *)vocab_arena_strndup(a->data, a->len);
    char *line = text;
    while (line != NULL && *line != '\0') {
        char *fields[VOCAB_COLUMNS_MAX];
        size_t n = 0;
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r') {
            line[len - 1] = '\0';
        }
        rd.line++;
        if (line[0] != '\0' && line[0] != '#') {
            for (char *f = line; f != NULL;) {
                if (n == VOCAB_COLUMNS_MAX) {
                    st = err_set(STATUS_INVALID, "%s:%d: too many columns", path, rd.line);
                    goto out;
                }
                fields[n++] = f;
                f = strchr(f, '\t');
                if (f != NULL) {
                    *f++ = '\0';
                }
            }
            if (strcmp(fields[0], "@columns") == 0) {
                st = vocab_columns_parse(&rd, fields, n);
            } else if (strcmp(fields[0], "@vocab") == 0) {
                st = vocab_begin(&rd, fields, n);
            } else if (fields[0][0] == '@') {
                st = err_set(STATUS_INVALID, "%s:%d: unknown directive %s", path, rd.line, fields[0]);
            } else {
                st = vocab_row(&rd, fields, n);
            }
            if (st != STATUS_OK) {
                goto out;
            }
        }
        line = end != NULL ? end + 1 : NULL;
    }
    st = vocab_finish(&rd);

out:
    free(rd.raw);
    return st;
}

static void vocab_ext_free(struct vocab_ext *x)
{
    free(x->entries);
    vocab_map_free(&x->exact);
    vocab_map_free(&x->keys);
    memset(x, 0, sizeof *x);
}

/* Frees every table; the caller holds vocab_mutex and no reader runs. */
static void vocab_free_all(void)
{
    for (size_t i = 0; i < vocab_count; i++) {
        struct vocab *v = &vocab_table[i];
        free(v->entries);
        free(v->geo);
        vocab_map_free(&v->exact);
        vocab_map_free(&v->keys);
        vocab_ext_free(&v->ext);
    }
    free(vocab_table);
    vocab_table = NULL;
    vocab_count = 0;
    free(vocab_name_list);
    vocab_name_list = NULL;
    vocab_map_free(&vocab_by_name);
    vocab_arena_free();
}

/* Loads the built-in vocabularies once. */
static enum status vocab_builtin_load(void)
{
    enum status st = STATUS_OK;

    if (atomic_load_explicit(&vocab_loaded, memory_order_acquire)) {
        return STATUS_OK;
    }
    pthread_mutex_lock(&vocab_mutex);
    if (atomic_load_explicit(&vocab_loaded, memory_order_relaxed)) {
        goto out;
    }
    if (vocab_load_failed) {
        st = err_set(STATUS_INVALID, "the built-in vocabularies did not load");
        goto out;
    }
    for (size_t i = 0; i < ARRAY_LEN(vocab_files); i++) {
        st = vocab_file_load(vocab_files[i]);
        if (st != STATUS_OK) {
            goto out;
        }
    }
    vocab_name_list = xcalloc(vocab_count + 1, sizeof *vocab_name_list);
    vocab_map_init(&vocab_by_name, vocab_count);
    for (size_t i = 0; i < vocab_count; i++) {
        vocab_name_list[i] = vocab_table[i].name;
        vocab_map_put(&vocab_by_name, vocab_table[i].name, strlen(vocab_table[i].name), (int32_t)i);
    }
    atomic_store_explicit(&vocab_loaded, true, memory_order_release);

out:
    if (st != STATUS_OK && !atomic_load_explicit(&vocab_loaded, memory_order_relaxed)) {
        log_error("vocab: %s", err_last());
        vocab_free_all();
        vocab_load_failed = true;
    }
    pthread_mutex_unlock(&vocab_mutex);
    return st;
}

/* The vocabulary named name (loading the built-in ones first), or NULL. */
static struct vocab *vocab_find(const char *name)
{
    if (name == NULL || vocab_builtin_load() != STATUS_OK) {
        return NULL;
    }
    size_t n = strlen(name);
    int32_t i = vocab_map_get(&vocab_by_name, name, n, vocab_hash(name, n));
    return i >= 0 ? &vocab_table[i] : NULL;
}

/* ---- extensions ---- */

struct vocab_ext_row {
    char *vocab;
    char *code;
    char *labels;
};

static void vocab_ext_rows_free(struct vocab_ext_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].vocab);
        free(rows[i].code);
        free(rows[i].labels);
    }
    free(rows);
}

/* Reads every stored extension in table order (vocabulary, time added, code), inside the
 * caller's transaction or a read transaction of its own. */
static enum status vocab_ext_read(struct store *s, struct vocab_ext_row **out, size_t *count_out)
{
    enum status st;
    struct store_rows *r = NULL;
    struct vocab_ext_row *rows = NULL;
    size_t n = 0;
    size_t cap = 0;
    bool own_tx = !store_tx_active(s);

    *out = NULL;
    *count_out = 0;
    if (own_tx) {
        st = store_tx_begin(s, STORE_TX_READ);
        if (st != STATUS_OK) {
            return st;
        }
    }
    st = store_exec(s, STMT_VOCAB_EXT_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        goto out;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == VOCAB_EXT_ROWS_MAX) {
            st = err_set(STATUS_TOO_LARGE, "more than %d vocabulary extensions", VOCAB_EXT_ROWS_MAX);
            goto out;
        }
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        rows[n].vocab = xstrdup(store_rows_text(r, 0));
        rows[n].code = xstrdup(store_rows_text(r, 1));
        rows[n].labels = xstrdup(store_rows_text(r, 2));
        n++;
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }

out:
    store_rows_free(r);
    if (own_tx) {
        if (st == STATUS_OK) {
            st = store_tx_commit(s);
        } else {
            store_tx_rollback(s);
        }
    }
    if (st != STATUS_OK) {
        vocab_ext_rows_free(rows, n);
        return st;
    }
    *out = rows;
    *count_out = n;
    return STATUS_OK;
}

/* Reads the labels of a stored extension into e (arena copies); unreadable ones are skipped. */
static void vocab_ext_labels(struct vocab_entry *e, const char *labels_json)
{
    json_error_t jerr;
    json_t *root = json_loads(labels_json, 0, &jerr);
    const char *lang;
    json_t *value;

    for (int l = 0; l < VOCAB_LANGS; l++) {
        e->label[l] = "";
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return;
    }
    json_object_foreach(root, lang, value)
    {
        int l = vocab_lang_index(lang);
        if (l >= 0 && strlen(lang) == 2 && json_is_string(value)) {
            e->label[l] = vocab_arena_strndup(json_string_value(value), json_string_length(value));
        }
    }
    json_decref(root);
}

/* Builds the extension tables from the stored rows and puts them in place of the old ones. A
 * stored code that a built-in value reads as already (a later release added it) keeps its
 * position, so that stored sets still mean the same, but parses as the built-in value. The
 * caller holds vocab_mutex. */
static void vocab_ext_install(const struct vocab_ext_row *rows, size_t n)
{
    struct vocab_ext *fresh = xcalloc(vocab_count + 1, sizeof *fresh);

    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(rows[i].vocab);
        int32_t vi = vocab_map_get(&vocab_by_name, rows[i].vocab, len, vocab_hash(rows[i].vocab, len));
        if (vi < 0) {
            log_warn("vocab: an extension of unknown vocabulary %s is ignored", rows[i].vocab);
            continue;
        }
        struct vocab *v = &vocab_table[vi];
        struct vocab_ext *x = &fresh[vi];
        const char *code = rows[i].code;
        if (code[0] == '\0' || strlen(code) > VOCAB_CODE_BYTES_MAX) {
            log_warn("vocab: an extension of %s with an empty or long code is ignored", v->name);
            continue;
        }
        if (v->bitset && v->count + x->count >= VOCAB_BITSET_CODES_MAX) {
            log_warn("vocab: %s holds %d codes at most; an extension is ignored", v->name, VOCAB_BITSET_CODES_MAX);
            continue;
        }
        if (x->exact.slots == NULL) {
            vocab_map_init(&x->exact, 4);
            vocab_map_init(&x->keys, 16);
        }
        x->entries = xrealloc(x->entries, (x->count + 1) * sizeof *x->entries);
        struct vocab_entry *e = &x->entries[x->count];
        e->code = vocab_arena_strndup(code, strlen(code));
        vocab_ext_labels(e, rows[i].labels);
        vocab_map_put(&x->exact, e->code, strlen(e->code), (int32_t)x->count);
        if (vocab_key_get(&v->keys, code) >= 0 ||
            vocab_key_put(&x->keys, code, strlen(code), (int32_t)x->count) != (int32_t)x->count) {
            log_warn("vocab: an extension of %s reads as a value known already", v->name);
        }
        x->count++;
    }
    /* Labels read as their code, unless some value (built-in or extension) reads so already. */
    for (size_t vi = 0; vi < vocab_count; vi++) {
        struct vocab_ext *x = &fresh[vi];
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < x->count; i++) {
                for (int l = 0; l < VOCAB_LANGS; l++) {
                    const char *label = x->entries[i].label[l];
                    if ((pass == 0) != (l == VOCAB_EN) || label[0] == '\0' ||
                        vocab_key_get(&vocab_table[vi].keys, label) >= 0) {
                        continue;
                    }
                    vocab_key_put(&x->keys, label, strlen(label), (int32_t)i);
                }
            }
        }
    }

    pthread_rwlock_wrlock(&vocab_rwlock);
    for (size_t vi = 0; vi < vocab_count; vi++) {
        struct vocab_ext old = vocab_table[vi].ext;
        vocab_table[vi].ext = fresh[vi];
        fresh[vi] = old;
    }
    pthread_rwlock_unlock(&vocab_rwlock);
    for (size_t vi = 0; vi < vocab_count; vi++) {
        vocab_ext_free(&fresh[vi]);
    }
    free(fresh);
}

enum status vocab_init(struct store *s)
{
    enum status st = vocab_builtin_load();
    struct vocab_ext_row *rows = NULL;
    size_t n = 0;

    if (st != STATUS_OK) {
        return st;
    }
    if (s != NULL) {
        st = vocab_ext_read(s, &rows, &n);
        if (st != STATUS_OK) {
            return st;
        }
    }
    pthread_mutex_lock(&vocab_mutex);
    vocab_ext_install(rows, n);
    pthread_mutex_unlock(&vocab_mutex);
    vocab_ext_rows_free(rows, n);
    return STATUS_OK;
}

void vocab_shutdown(void)
{
    pthread_mutex_lock(&vocab_mutex);
    pthread_rwlock_wrlock(&vocab_rwlock);
    vocab_free_all();
    atomic_store_explicit(&vocab_loaded, false, memory_order_release);
    vocab_load_failed = false;
    pthread_rwlock_unlock(&vocab_rwlock);
    pthread_mutex_unlock(&vocab_mutex);
}

/* ---- readers ---- */

const char *const *vocab_names(size_t *count)
{
    if (vocab_builtin_load() != STATUS_OK) {
        static const char *const none[] = {NULL};
        *count = 0;
        return none;
    }
    *count = vocab_count;
    return vocab_name_list;
}

bool vocab_exists(const char *vocab)
{
    return vocab_find(vocab) != NULL;
}

const char *vocab_version(const char *vocab)
{
    const struct vocab *v = vocab_find(vocab);
    return v != NULL ? v->version : NULL;
}

size_t vocab_size(const char *vocab)
{
    const struct vocab *v = vocab_find(vocab);
    if (v == NULL) {
        return 0;
    }
    pthread_rwlock_rdlock(&vocab_rwlock);
    size_t n = v->count + v->ext.count;
    pthread_rwlock_unlock(&vocab_rwlock);
    return n;
}

size_t vocab_builtin_size(const char *vocab)
{
    const struct vocab *v = vocab_find(vocab);
    return v != NULL ? v->count : 0;
}

const char *vocab_code(const char *vocab, size_t i)
{
    const struct vocab *v = vocab_find(vocab);
    const char *code = NULL;
    if (v == NULL) {
        return NULL;
    }
    if (i < v->count) {
        return v->entries[i].code;
    }
    pthread_rwlock_rdlock(&vocab_rwlock);
    if (i - v->count < v->ext.count) {
        code = v->ext.entries[i - v->count].code;
    }
    pthread_rwlock_unlock(&vocab_rwlock);
    return code;
}

int vocab_index(const char *vocab, const char *code)
{
    const struct vocab *v = vocab_find(vocab);
    if (v == NULL || code == NULL) {
        return -1;
    }
    int32_t i = vocab_exact_get(&v->exact, code);
    if (i >= 0) {
        return i;
    }
    pthread_rwlock_rdlock(&vocab_rwlock);
    i = vocab_exact_get(&v->ext.exact, code);
    if (i >= 0) {
        i += (int32_t)v->count;
    }
    pthread_rwlock_unlock(&vocab_rwlock);
    return i;
}

enum status vocab_parse(const char *vocab, const char *text, const char **code_out)
{
    const struct vocab *v = vocab_find(vocab);
    char key[VOCAB_KEY_BYTES_MAX];
    size_t n = 0;

    ASSERT(code_out != NULL);
    *code_out = NULL;
    if (v == NULL) {
        return err_set(STATUS_NOT_FOUND, "no vocabulary %s", vocab != NULL ? vocab : "(null)");
    }
    if (text != NULL) {
        n = vocab_key(key, text, strlen(text));
    }
    if (n > 0) {
        uint32_t h = vocab_hash(key, n);
        int32_t i = vocab_map_get(&v->keys, key, n, h);
        if (i >= 0) {
            *code_out = v->entries[i].code;
            return STATUS_OK;
        }
        pthread_rwlock_rdlock(&vocab_rwlock);
        i = vocab_map_get(&v->ext.keys, key, n, h);
        if (i >= 0) {
            *code_out = v->ext.entries[i].code;
        }
        pthread_rwlock_unlock(&vocab_rwlock);
        if (*code_out != NULL) {
            return STATUS_OK;
        }
    }
    return err_set(STATUS_INVALID, "not a value of vocabulary %s", v->name);
}

static const char *vocab_entry_label(const struct vocab_entry *e, int lang)
{
    if (lang >= 0 && e->label[lang][0] != '\0') {
        return e->label[lang];
    }
    if (e->label[VOCAB_EN][0] != '\0') {
        return e->label[VOCAB_EN];
    }
    return e->code;
}

const char *vocab_label(const char *vocab, const char *code, const char *lang)
{
    const struct vocab *v = vocab_find(vocab);
    const char *label = NULL;
    int l = vocab_lang_index(lang);

    if (code == NULL) {
        return "";
    }
    if (v == NULL) {
        return code;
    }
    int32_t i = vocab_exact_get(&v->exact, code);
    if (i < 0) {
        i = vocab_key_get(&v->keys, code);
    }
    if (i >= 0) {
        return vocab_entry_label(&v->entries[i], l);
    }
    pthread_rwlock_rdlock(&vocab_rwlock);
    i = vocab_exact_get(&v->ext.exact, code);
    if (i < 0) {
        i = vocab_key_get(&v->ext.keys, code);
    }
    if (i >= 0) {
        label = vocab_entry_label(&v->ext.entries[i], l);
    }
    pthread_rwlock_unlock(&vocab_rwlock);
    return label != NULL ? label : code;
}

/* The M49 and ISO columns of a built-in country (alpha-3 in any case), or NULL. */
static const struct vocab_geo *vocab_geo_of(const char *iso3)
{
    const struct vocab *v = vocab_find("country");
    if (v == NULL || v->geo == NULL || iso3 == NULL) {
        return NULL;
    }
    int32_t i = vocab_exact_get(&v->exact, iso3);
    if (i < 0) {
        char upper[4];
        size_t n = strlen(iso3);
        if (n != 3) {
            return NULL;
        }
        for (size_t k = 0; k < 3; k++) {
            upper[k] = (iso3[k] >= 'a' && iso3[k] <= 'z') ? (char)(iso3[k] - 'a' + 'A') : iso3[k];
        }
        upper[3] = '\0';
        i = vocab_exact_get(&v->exact, upper);
    }
    return i >= 0 ? &v->geo[i] : NULL;
}

static const char *vocab_nonempty(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

const char *vocab_country_region(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    return g != NULL ? vocab_nonempty(g->region) : NULL;
}

const char *vocab_country_subregion(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    if (g == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < ARRAY_LEN(vocab_m49_split); i++) {
        if (strcmp(g->subregion, vocab_m49_split[i]) == 0 && g->intermediate[0] != '\0') {
            return g->intermediate;
        }
    }
    return vocab_nonempty(g->subregion);
}

const char *vocab_country_m49_subregion(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    return g != NULL ? vocab_nonempty(g->subregion) : NULL;
}

const char *vocab_country_m49_intermediate(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    return g != NULL ? vocab_nonempty(g->intermediate) : NULL;
}

const char *vocab_country_alpha2(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    return g != NULL ? vocab_nonempty(g->alpha2) : NULL;
}

const char *vocab_country_numeric(const char *iso3)
{
    const struct vocab_geo *g = vocab_geo_of(iso3);
    return g != NULL ? vocab_nonempty(g->numeric) : NULL;
}

/* ---- vocab_extend ---- */

/* An extension code: 1 to 64 of [A-Za-z0-9_+.-], starting with a letter or digit; ISO-shaped
 * for countries (three capitals) and languages (three small letters). */
static bool vocab_code_valid(const struct vocab *v, const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > VOCAB_CODE_BYTES_MAX) {
        return false;
    }
    bool country = strcmp(v->name, "country") == 0;
    bool language = strcmp(v->name, "language") == 0;
    if ((country || language) && n != 3) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        bool upper = c >= 'A' && c <= 'Z';
        bool lower = c >= 'a' && c <= 'z';
        bool digit = c >= '0' && c <= '9';
        if (country ? !upper : language ? !lower : !(upper || lower || digit || (i > 0 && strchr("_+.-", c)))) {
            return false;
        }
    }
    return true;
}

/* Checks labels_json and writes its canonical form (sorted, compact) to *out (caller frees). */
static enum status vocab_labels_check(const char *labels_json, char **out)
{
    enum status st = STATUS_OK;
    json_error_t jerr;
    json_t *root = NULL;
    const char *lang;
    json_t *value;

    *out = NULL;
    if (labels_json == NULL || labels_json[0] == '\0') {
        labels_json = "{}";
    }
    if (strlen(labels_json) > VOCAB_LABELS_JSON_BYTES_MAX) {
        return err_set(STATUS_TOO_LARGE, "labels longer than %d bytes", VOCAB_LABELS_JSON_BYTES_MAX);
    }
    root = json_loads(labels_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        st = err_set(STATUS_INVALID, "labels must be a JSON object of language: label");
        goto out;
    }
    json_object_foreach(root, lang, value)
    {
        if (vocab_lang_index(lang) < 0 || strlen(lang) != 2) {
            st = err_set(STATUS_INVALID, "labels: %s is not one of ar, en, es, fr, ru, zh",
                         strlen(lang) <= 8 ? lang : "a key");
            goto out;
        }
        const char *text = json_string_value(value);
        size_t n = json_string_length(value);
        if (text == NULL || n == 0 || n > VOCAB_LABEL_BYTES_MAX || !util_utf8_valid(text, n) ||
            strpbrk(text, "\t\r\n") != NULL) {
            st = err_set(STATUS_INVALID, "labels: the %s label must be one line of 1 to %d bytes", lang,
                         VOCAB_LABEL_BYTES_MAX);
            goto out;
        }
    }
    *out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT(*out != NULL);

out:
    json_decref(root);
    return st;
}

enum status vocab_extend(struct store *s, const char *vocab, const char *code, const char *labels_json)
{
    enum status st = STATUS_OK;
    const struct vocab *v = vocab_find(vocab);
    char *labels = NULL;
    struct vocab_ext_row *rows = NULL;
    size_t n = 0;
    bool known;

    ASSERT(s != NULL && store_tx_active(s));
    if (v == NULL) {
        return err_set(STATUS_NOT_FOUND, "no vocabulary %s", vocab != NULL ? vocab : "(null)");
    }
    if (code == NULL || !vocab_code_valid(v, code)) {
        return err_set(STATUS_INVALID, "a code of %s is %s", v->name,
                       strcmp(v->name, "country") == 0    ? "three capital letters (ISO 3166 alpha-3)"
                       : strcmp(v->name, "language") == 0 ? "three small letters (ISO 639-3)"
                                                          : "1 to 64 letters, digits, '_', '-', '+' or '.'");
    }
    st = vocab_labels_check(labels_json, &labels);
    if (st != STATUS_OK) {
        return st;
    }
    pthread_rwlock_rdlock(&vocab_rwlock);
    known = vocab_key_get(&v->keys, code) >= 0 || vocab_key_get(&v->ext.keys, code) >= 0;
    size_t size = v->count + v->ext.count;
    pthread_rwlock_unlock(&vocab_rwlock);
    if (known) {
        st = err_set(STATUS_CONFLICT, "the code exists in vocabulary %s", v->name);
        goto out;
    }
    if (v->bitset && size >= VOCAB_BITSET_CODES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "vocabulary %s holds %d codes at most", v->name, VOCAB_BITSET_CODES_MAX);
        goto out;
    }
    /* Strictly increasing times within this process keep the table order the order of calls. */
    pthread_mutex_lock(&vocab_mutex);
    int64_t now = util_now_ms();
    vocab_ext_last_ms = now > vocab_ext_last_ms ? now : vocab_ext_last_ms + 1;
    now = vocab_ext_last_ms;
    pthread_mutex_unlock(&vocab_mutex);
    struct sql_value a[] = {sqlv_text(v->name), sqlv_text(code), sqlv_text(labels), SQLV_I64(now)};
    st = store_exec(s, STMT_VOCAB_EXT_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        st = err_set(STATUS_CONFLICT, "the code exists in vocabulary %s", v->name);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    /* The positions are those of the table order; the new code must come last in its vocabulary
     * (it does not when another process added one in the same millisecond with a later code). */
    st = vocab_ext_read(s, &rows, &n);
    if (st != STATUS_OK) {
        goto out;
    }
    const struct vocab_ext_row *last = NULL;
    char key[VOCAB_KEY_BYTES_MAX];
    char other[VOCAB_KEY_BYTES_MAX];
    size_t kn = vocab_key(key, code, strlen(code));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].vocab, v->name) != 0) {
            continue;
        }
        last = &rows[i];
        if (strcmp(rows[i].code, code) != 0 && vocab_key(other, rows[i].code, strlen(rows[i].code)) == kn &&
            memcmp(key, other, kn) == 0) {
            /* Another connection added the same code in another case since this one looked. */
            st = err_set(STATUS_CONFLICT, "the code exists in vocabulary %s", v->name);
            goto out;
        }
    }
    if (last == NULL || strcmp(last->code, code) != 0) {
        st = err_set(STATUS_BUSY, "another code of vocabulary %s was added at the same time; retry", v->name);
        goto out;
    }
    pthread_mutex_lock(&vocab_mutex);
    vocab_ext_install(rows, n);
    pthread_mutex_unlock(&vocab_mutex);

out:
    vocab_ext_rows_free(rows, n);
    free(labels);
    return st;
}
