/* clk: the CLK encoder and the signed exchange file (issue 7, items 1 and 2; docs/linkage.md).
 *
 * Encoder. From the secret the participating agencies share, HKDF-SHA256 (the schema's kdf salt
 * and info) derives two keys of keySize bytes per feature (clkhash's layout; the first is used).
 * Each value is prepared (schema.h: link_value_prepare), cut into tokens (padded n-grams,
 * positional ones prefixed "<position> ", or the whole value), and each token sets k bits of the
 * feature's filter: for i in 0..ceil(k/32)-1, BLAKE2b-512(token, key = the feature's key,
 * salt = the decimal digits of i, personal = the record's salt or zeros) read as 32 little-endian
 * 16-bit integers, the first k of them mod l (clkhash's blakeHash). With bitsPerFeature B, the
 * feature's B insertions are spread over its tokens (B / tokens each, the first B % tokens one
 * more). The record's filter is the OR of its features', folded in half with XOR xorFolds times,
 * and with balance followed by its negation, the 2L bits permuted by a permutation drawn from the
 * secret. Salting: the value of the salt feature (its first `prefix` characters, e.g. the year of
 * a YYYYMMDD date) is the BLAKE2b personalisation of every hash of the record, so records with
 * different salts share no bits by construction.
 *
 * Exchange file (.clk): the line "ctis-clk/1", a line of canonical JSON (compact, sorted keys,
 * ASCII) {bits, count, created, format, project, public_key, schema, signer, software}, then
 * `count` records, each an id length byte, the id, and bits/8 bytes of encoding (64-bit words,
 * little-endian), then a 64-byte Ed25519 signature over everything before it. No name or value
 * goes in: the ids are the CSV's id column or opaque per-project tokens of the case registry. */
#ifndef CTIS_LINK_CLK_H
#define CTIS_LINK_CLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "auth/auth.h"
#include "link/link.h"
#include "link/schema.h"
#include "util/status.h"

#define LINK_SECRET_BYTES_MIN 16 /* the shared secret */
#define LINK_SECRET_BYTES_MAX 4096
#define LINK_PROJECT_BYTES_MAX 64 /* a project id: letters, digits, '.', '_', '-' */
#define LINK_SIGNER_BYTES_MAX 200 /* the signer's name in a file header */
#define LINK_CLK_MAGIC "ctis-clk/1\n"
#define LINK_CLK_FORMAT "ctis-clk/1"
#define LINK_CLK_HEADER_BYTES_MAX 4096
#define LINK_TOKEN_PURPOSE "link.token" /* vault_mac purpose of the registry's per-project ids */

struct link_encoder;
struct vault;
struct store;

/* Derives the keys for a schema from the shared secret (which the encoder copies and wipes on
 * free). STATUS_INVALID for a secret outside LINK_SECRET_BYTES_MIN..MAX. The schema must outlive
 * the encoder. The encoder is read-only after creation: threads may share it. */
enum status link_encoder_new(struct link_encoder **out, const struct link_schema *schema, const uint8_t *secret,
                             size_t secret_len);
void link_encoder_free(struct link_encoder *e);
const struct link_schema *link_encoder_schema(const struct link_encoder *e);
/* Reads a secret file: its bytes, less one trailing line end. Caller wipes and frees. */
enum status link_secret_load(uint8_t **out, size_t *len_out, const char *path);

/* Encodes one record into row (schema->bits / 64 words, overwritten). values[i] is feature i's
 * value (NULL or "" when missing; ignored features are not read); lens[i] its length. Errors name
 * the feature (STATUS_INVALID), never the value. */
enum status link_encode_record(const struct link_encoder *e, const char *const *values, const size_t *lens,
                               uint64_t *row);

/* Progress: done of total records. */
typedef void (*link_encode_progress_fn)(size_t done, size_t total, void *arg);

/* Encodes a CSV file with a header row (cells trimmed of surrounding spaces, as FEBRL writes
 * them): every encoded feature of the schema must be a column, id_column gives the ids. Errors
 * name the file, line and column. `threads` 0 means one per CPU. */
struct link_csv_options {
    const char *id_column;
    unsigned threads;
    link_encode_progress_fn progress;
    void *progress_arg;
};
enum status link_encode_csv(const struct link_encoder *e, FILE *in, const char *name, const struct link_csv_options *o,
                            struct link_clkset **out);

/* Encodes the registry's persons for `project`: every case the principal may read, with the
 * identity field group, whose consent allows sharing (link.run is checked first). The features
 * are looked up by the case fields' names (given_name, family_name, birth_date, gender, ...;
 * docs/linkage.md); the id of each is the opaque token link_token(project, case id), kept in
 * link_tokens so that this agency can find its case again. One audit entry with the count. Runs
 * in the caller's write transaction (auth_run). */
enum status link_encode_persons(const struct auth_ctx *ctx, const struct link_encoder *e, const char *project,
                                link_encode_progress_fn progress, void *progress_arg, struct link_clkset **out);
/* The opaque id of a case in a project: hex of the first 16 bytes of vault_mac("link.token",
 * project | 0x00 | case id as decimal). */
void link_token(struct vault *v, const char *project, int64_t case_id, char out[33]);
/* The case behind a token of this agency's own file (link.run; STATUS_NOT_FOUND when unknown). */
enum status link_token_case(const struct auth_ctx *ctx, const char *project, const char *token, int64_t *case_id);

/* A project id: 1 to LINK_PROJECT_BYTES_MAX letters, digits, '.', '_' or '-'. */
bool link_project_valid(const char *project);

/* The header of a .clk file. */
struct link_clkheader {
    char project[LINK_PROJECT_BYTES_MAX + 1];
    char schema[2 * LINK_SCHEMA_DIGEST_BYTES + 1]; /* hex */
    size_t bits;
    size_t count;
    char signer[LINK_SIGNER_BYTES_MAX + 1];
    uint8_t public_key[32];
    char created[40];
    char software[64];
    char trusted_as[LINK_SIGNER_BYTES_MAX + 1]; /* after link_clkfile_read: "self" or the peer's name */
};

/* Writes set as a signed .clk file (atomically, mode 0644) for project and schema, signed with
 * this instance's key, signer naming the agency. Every id must be set. */
enum status link_clkfile_write(struct vault *v, const char *path, const struct link_clkset *set, const char *project,
                               const struct link_schema *schema, const char *signer);
/* The same, into memory (*out caller-freed). */
enum status link_clkfile_encode(struct vault *v, const struct link_clkset *set, const char *project,
                                const struct link_schema *schema, const char *signer, uint8_t **out, size_t *len_out);
/* Decodes a .clk file in memory: the magic, the header, the limits (LINK_RECORDS_MAX,
 * LINK_ID_BYTES_MAX, LINK_BITS_MAX), the records and the signature by the key the header names.
 * Does not decide whether that key is trusted. STATUS_CRYPTO when the signature fails (a changed
 * byte), STATUS_INVALID when the form is broken before it can be checked. set and header may be
 * NULL. */
enum status link_clkfile_decode(const uint8_t *data, size_t len, struct link_clkset **set,
                                struct link_clkheader *header);
/* Reads and checks a .clk file: decode, then the signer must be this instance (vault's key) or a
 * trusted peer (vault_peer_list; STATUS_DENIED otherwise), the project must be expected_project
 * (unless NULL) and the schema digest must equal schema_digest (LINK_SCHEMA_DIGEST_BYTES; unless
 * NULL) (STATUS_CONFLICT otherwise). header->trusted_as says who signed ("self" or the peer's
 * name). Needs no permission itself (the caller checks link.run) and reads the register of peers
 * inside or outside a transaction. header may be NULL. */
/* As link_clkfile_read, for a file already in memory; name names it in errors ("a", "upload"). */
enum status link_clkfile_check(struct store *s, struct vault *v, const char *name, const uint8_t *data, size_t len,
                               const char *expected_project, const uint8_t *schema_digest, struct link_clkset **set_out,
                               struct link_clkheader *header);
enum status link_clkfile_read(struct store *s, struct vault *v, const char *path, const char *expected_project,
                              const uint8_t *schema_digest, struct link_clkset **set, struct link_clkheader *header);

#endif
