/* schema: the linkage schema, a JSON file in the spirit of clkhash's v3 schema (docs/linkage.md
 * describes it field by field). It says which columns of a person record are encoded and how:
 * the format a value must have, how it is cut into tokens (padded n-grams, positional or not, or
 * the whole value), how many bits of the record's Bloom filter it may set (bitsPerFeature), how
 * the per-field keys are derived from the secret the agencies share (HKDF-SHA256), and the
 * filter's length and hardening (XOR folding; ctis's extensions: salting by a stable field and
 * balancing). Both parties of a linkage must use the same schema: its digest (BLAKE2b-256 of the
 * canonical JSON: compact, sorted keys, ASCII) binds every encoded file to it. */
#ifndef CTIS_LINK_SCHEMA_H
#define CTIS_LINK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define LINK_SCHEMA_BYTES_MAX (256 * 1024) /* a schema file */
#define LINK_FEATURES_MAX 48               /* features (columns) in a schema, ignored ones included */
#define LINK_VALUE_BYTES_MAX 1024          /* one value of a record, before normalisation */
#define LINK_NGRAM_MAX 8                   /* the largest n of an n-gram comparison */
#define LINK_FEATURE_BITS_MAX 4096         /* bitsPerFeature, bitsPerToken x tokens */
#define LINK_L_MAX 65536                   /* the filter before folding: hash indexes are 16 bits */
#define LINK_KEY_BYTES_MAX 64              /* kdf.keySize: a BLAKE2b key */
#define LINK_SCHEMA_DIGEST_BYTES 32

enum link_format { LINK_FORMAT_STRING, LINK_FORMAT_INTEGER, LINK_FORMAT_DATE, LINK_FORMAT_ENUM };
enum link_comparison { LINK_CMP_NGRAM, LINK_CMP_EXACT };

struct link_feature {
    char *identifier; /* the column name */
    bool ignored;     /* in the file but not encoded */
    enum link_format format;
    bool normalise;    /* strings: vault_normalise (NFKC, case fold, accents, spaces); default true */
    size_t min_length; /* strings: in characters after normalisation, 0 = none */
    size_t max_length; /* 0 = none */
    bool has_minimum, has_maximum;
    int64_t minimum, maximum; /* integers */
    char *date_format;        /* dates: "%Y-%m-%d" style (%Y %m %d and literal characters) */
    char **values;            /* enums: the values allowed (after normalisation when normalise) */
    size_t values_count;
    enum link_comparison comparison;
    int n;              /* n-grams */
    bool positional;    /* each n-gram carries its position */
    int bits;           /* bitsPerFeature (k spread over the tokens), or 0 */
    int bits_per_token; /* bitsPerToken (k per token), or 0 */
    char *sentinel;     /* a value meaning "missing" ("" always does) or NULL */
};

struct link_schema {
    unsigned l;         /* the filter's length before folding (a power of two) */
    unsigned xor_folds; /* times the filter is folded in half */
    uint8_t *kdf_salt;
    size_t kdf_salt_len;
    uint8_t *kdf_info;
    size_t kdf_info_len;
    size_t key_size;
    struct link_feature *features;
    size_t count;
    /* ctis extensions (clkConfig.ctis): */
    int salt_feature;   /* index of the feature whose value salts every field key, or -1 */
    size_t salt_prefix; /* characters of it used (4: the year of a date), 0 = all */
    bool balance;       /* append the negated filter, permuted with a key */
    size_t bits;        /* the encoding's length: (l >> xor_folds) x (balance ? 2 : 1) */
    uint8_t digest[LINK_SCHEMA_DIGEST_BYTES];
};

/* Parses a schema from JSON text; `name` (the file name) starts every error message, followed by
 * the JSON pointer of the member at fault, which is also the error's field. STATUS_INVALID,
 * STATUS_TOO_LARGE beyond LINK_SCHEMA_BYTES_MAX. */
enum status link_schema_parse(struct link_schema **out, const char *json, size_t len, const char *name);
/* Reads and parses a schema file (STATUS_NOT_FOUND / STATUS_IO when it cannot be read). */
enum status link_schema_load(struct link_schema **out, const char *path);
void link_schema_free(struct link_schema *s);
/* The feature named identifier, or -1. */
int link_schema_find(const struct link_schema *s, const char *identifier);
/* The digest as lower-case hex (65 bytes with the NUL). */
void link_schema_digest_hex(const struct link_schema *s, char out[2 * LINK_SCHEMA_DIGEST_BYTES + 1]);

/* Checks and canonicalises one value of feature f for encoding: strings normalised (when the
 * feature says so) and length-checked, integers written in decimal without leading zeros, dates
 * as YYYYMMDD (YYYY or YYYYMM when the value gives only a year or a month, as the case registry's
 * approximate dates do), enums checked against their values. *out (caller frees) is NULL when the
 * value is missing (empty, or the sentinel). STATUS_INVALID with a message that names the
 * feature, never the value. */
enum status link_value_prepare(const struct link_feature *f, const char *value, size_t len, char **out);

#endif
