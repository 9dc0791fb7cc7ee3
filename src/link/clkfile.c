/* clkfile: the signed exchange file of encodings (.clk; clk.h, docs/linkage.md). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "link/clk.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define CANON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
#define SIG_BYTES VAULT_SIG_BYTES
#define FILE_BYTES_MAX                                                                                                 \
    ((size_t)LINK_CLK_HEADER_BYTES_MAX + (size_t)LINK_RECORDS_MAX * (LINK_ID_BYTES_MAX + LINK_BITS_MAX / 8) + SIG_BYTES)

static bool text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n > 0 && n <= max && util_utf8_valid(s, n) && strpbrk(s, "\r\n") == NULL;
}

enum status link_clkfile_encode(struct vault *v, const struct link_clkset *set, const char *project,
                                const struct link_schema *schema, const char *signer, uint8_t **out, size_t *len_out)
{
    *out = NULL;
    *len_out = 0;
    if (!link_project_valid(project)) {
        return err_set_field(STATUS_INVALID, "project",
                             "project: 1 to %d letters, digits, '.', '_' or '-' (the id both parties agreed)",
                             LINK_PROJECT_BYTES_MAX);
    }
    if (signer == NULL || !text_ok(signer, LINK_SIGNER_BYTES_MAX)) {
        return err_set_field(STATUS_INVALID, "signer", "signer: the agency's name, 1 to %d bytes on one line",
                             LINK_SIGNER_BYTES_MAX);
    }
    if (set->words * 64 != schema->bits) {
        return err_set(STATUS_INVALID, "the encodings have %zu bits, the schema %zu", set->words * 64, schema->bits);
    }
    for (size_t i = 0; i < set->count; i++) {
        if (set->ids[i] == NULL) {
            return err_set(STATUS_INVALID, "record %zu has no id", i + 1);
        }
    }
    uint8_t pk[VAULT_PUBKEY_BYTES];
    vault_public_key(v, pk);
    char pk_hex[2 * VAULT_PUBKEY_BYTES + 1], digest[2 * LINK_SCHEMA_DIGEST_BYTES + 1], created[32];
    util_hex_encode(pk_hex, pk, sizeof pk);
    link_schema_digest_hex(schema, digest);
    util_time_iso(created, util_now_ms());
    json_t *h = json_pack("{sssssisIssssssssss}", "format", LINK_CLK_FORMAT, "project", project, "bits",
                          (int)schema->bits, "count", (json_int_t)set->count, "signer", signer, "public_key", pk_hex,
                          "schema", digest, "created", created, "software", "ctis " CTIS_VERSION);
    char *hdr = h != NULL ? json_dumps(h, CANON_FLAGS) : NULL;
    json_decref(h);
    if (hdr == NULL || strlen(hdr) + 1 > LINK_CLK_HEADER_BYTES_MAX) {
        free(hdr);
        return err_set(STATUS_INVALID, "the header is too long");
    }
    size_t magic = strlen(LINK_CLK_MAGIC), hlen = strlen(hdr);
    size_t total = magic + hlen + 1 + SIG_BYTES;
    for (size_t i = 0; i < set->count; i++) {
        total += 1 + strlen(set->ids[i]) + set->words * 8;
    }
    uint8_t *buf = xmalloc(total);
    size_t at = 0;
    memcpy(buf, LINK_CLK_MAGIC, magic);
    at += magic;
    memcpy(buf + at, hdr, hlen);
    at += hlen;
    buf[at++] = '\n';
    free(hdr);
    for (size_t i = 0; i < set->count; i++) {
        size_t idl = strlen(set->ids[i]);
        buf[at++] = (uint8_t)idl;
        memcpy(buf + at, set->ids[i], idl);
        at += idl;
        const uint64_t *row = link_clkset_row(set, i);
        for (size_t w = 0; w < set->words; w++) {
            for (int b = 0; b < 8; b++) {
                buf[at++] = (uint8_t)(row[w] >> (8 * b));
            }
        }
    }
    vault_sign(v, buf + at, buf, at);
    at += SIG_BYTES;
    ASSERT(at == total);
    *out = buf;
    *len_out = total;
    return STATUS_OK;
}

enum status link_clkfile_write(struct vault *v, const char *path, const struct link_clkset *set, const char *project,
                               const struct link_schema *schema, const char *signer)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    enum status st = link_clkfile_encode(v, set, project, schema, signer, &buf, &len);
    if (st == STATUS_OK) {
        st = util_file_write_atomic(path, buf, len, 0644);
        if (st != STATUS_OK) {
            st = err_set(st, "%s: cannot write: %s", path, err_last());
        }
    }
    free(buf);
    return st;
}

static bool hex_member(const json_t *h, const char *name, uint8_t *out, size_t bytes)
{
    const char *s = json_string_value(json_object_get(h, name));
    if (s == NULL || strlen(s) != 2 * bytes) {
        return false;
    }
    for (const char *c = s; *c != '\0'; c++) {
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) {
            return false;
        }
    }
    return util_hex_decode(out, bytes, s) == STATUS_OK;
}

static bool copy_member(const json_t *h, const char *name, char *out, size_t size)
{
    const char *s = json_string_value(json_object_get(h, name));
    if (s == NULL || !text_ok(s, size - 1)) {
        return false;
    }
    memcpy(out, s, strlen(s) + 1);
    return true;
}

/* The header line (len bytes, no newline) into hd. */
static enum status parse_header(const char *line, size_t len, struct link_clkheader *hd)
{
    json_error_t je;
    json_t *h = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    enum status st = STATUS_OK;
    if (!json_is_object(h) || json_object_size(h) != 9) {
        st = err_set(STATUS_INVALID, "line 2: a header object of 9 members expected");
    }
    if (st == STATUS_OK) {
        char *again = json_dumps(h, CANON_FLAGS);
        if (again == NULL || strlen(again) != len || memcmp(again, line, len) != 0) {
            st = err_set(STATUS_INVALID, "line 2: the header is not in canonical form");
        }
        free(again);
    }
    const char *format = json_string_value(json_object_get(h, "format"));
    if (st == STATUS_OK && (format == NULL || strcmp(format, LINK_CLK_FORMAT) != 0)) {
        st = err_set_field(STATUS_INVALID, "format", "header: format %s expected", LINK_CLK_FORMAT);
    }
    json_t *bits = json_object_get(h, "bits"), *count = json_object_get(h, "count");
    if (st == STATUS_OK && (!json_is_integer(bits) || json_integer_value(bits) < 64 ||
                            json_integer_value(bits) > LINK_BITS_MAX || json_integer_value(bits) % 64 != 0)) {
        st = err_set_field(STATUS_INVALID, "bits", "header: bits: a multiple of 64 up to %d", LINK_BITS_MAX);
    }
    if (st == STATUS_OK &&
        (!json_is_integer(count) || json_integer_value(count) < 0 || json_integer_value(count) > LINK_RECORDS_MAX)) {
        st = err_set_field(STATUS_INVALID, "count", "header: count: 0 to %u records", LINK_RECORDS_MAX);
    }
    if (st == STATUS_OK) {
        hd->bits = (size_t)json_integer_value(bits);
        hd->count = (size_t)json_integer_value(count);
    }
    uint8_t digest[LINK_SCHEMA_DIGEST_BYTES];
    if (st == STATUS_OK &&
        (!copy_member(h, "project", hd->project, sizeof hd->project) || !link_project_valid(hd->project))) {
        st = err_set_field(STATUS_INVALID, "project", "header: project: not a project id");
    }
    if (st == STATUS_OK &&
        (!hex_member(h, "schema", digest, sizeof digest) || !copy_member(h, "schema", hd->schema, sizeof hd->schema))) {
        st = err_set_field(STATUS_INVALID, "schema", "header: schema: a digest in hexadecimal expected");
    }
    if (st == STATUS_OK && !hex_member(h, "public_key", hd->public_key, sizeof hd->public_key)) {
        st = err_set_field(STATUS_INVALID, "public_key", "header: public_key: a key in hexadecimal expected");
    }
    if (st == STATUS_OK && (!copy_member(h, "signer", hd->signer, sizeof hd->signer) ||
                            !copy_member(h, "created", hd->created, sizeof hd->created) ||
                            !copy_member(h, "software", hd->software, sizeof hd->software))) {
        st = err_set(STATUS_INVALID, "header: signer, created and software: short text expected");
    }
    json_decref(h);
    return st;
}

enum status link_clkfile_decode(const uint8_t *data, size_t len, struct link_clkset **set_out,
                                struct link_clkheader *header)
{
    if (set_out != NULL) {
        *set_out = NULL;
    }
    struct link_clkheader hd;
    memset(&hd, 0, sizeof hd);
    size_t magic = strlen(LINK_CLK_MAGIC);
    if (len < magic || memcmp(data, LINK_CLK_MAGIC, magic) != 0) {
        return err_set(STATUS_INVALID, "not a ctis encoded file (%s expected on line 1)", LINK_CLK_FORMAT);
    }
    size_t room = len - magic < LINK_CLK_HEADER_BYTES_MAX ? len - magic : LINK_CLK_HEADER_BYTES_MAX;
    const uint8_t *nl = memchr(data + magic, '\n', room);
    if (nl == NULL) {
        return err_set(STATUS_INVALID, "line 2: a header of at most %d bytes expected", LINK_CLK_HEADER_BYTES_MAX);
    }
    size_t hlen = (size_t)(nl - (data + magic));
    enum status st = parse_header((const char *)data + magic, hlen, &hd);
    if (st != STATUS_OK) {
        return st;
    }
    size_t at = magic + hlen + 1;
    if (len < at + SIG_BYTES) {
        return err_set(STATUS_INVALID, "the file is cut short: no signature");
    }
    size_t end = len - SIG_BYTES;
    size_t bytes = hd.bits / 8;
    if (hd.count > (end - at) / (2 + bytes)) {
        return err_set(STATUS_INVALID, "the file is cut short: fewer records than its header says");
    }
    struct link_clkset *set = NULL;
    st = link_clkset_new(&set, hd.count, hd.bits);
    for (size_t i = 0; st == STATUS_OK && i < hd.count; i++) {
        size_t idl = at < end ? data[at] : 0;
        if (idl == 0 || idl >= LINK_ID_BYTES_MAX || end - at < 1 + idl + bytes) {
            st = err_set(STATUS_INVALID, "record %zu: damaged", i + 1);
            break;
        }
        char id[LINK_ID_BYTES_MAX];
        memcpy(id, data + at + 1, idl);
        id[idl] = '\0';
        if (memchr(id, '\0', idl) != NULL || !util_utf8_valid(id, idl) || link_clkset_id_set(set, i, id) != STATUS_OK) {
            st = err_set(STATUS_INVALID, "record %zu: damaged id", i + 1);
            break;
        }
        at += 1 + idl;
        uint64_t *row = link_clkset_row(set, i);
        for (size_t w = 0; w < set->words; w++) {
            uint64_t x = 0;
            for (int b = 0; b < 8; b++) {
                x |= (uint64_t)data[at + w * 8 + (size_t)b] << (8 * b);
            }
            row[w] = x;
        }
        at += bytes;
    }
    if (st == STATUS_OK && at != end) {
        st = err_set(STATUS_INVALID, "the file holds more than its header says");
    }
    if (st == STATUS_OK && vault_verify(hd.public_key, data + end, data, end) != STATUS_OK) {
        st = err_set(STATUS_CRYPTO, "the signature does not match: the file was changed or damaged");
    }
    if (st != STATUS_OK) {
        link_clkset_free(set);
        return st;
    }
    link_clkset_popcounts(set);
    if (header != NULL) {
        *header = hd;
    }
    if (set_out != NULL) {
        *set_out = set;
    } else {
        link_clkset_free(set);
    }
    return STATUS_OK;
}

enum status link_clkfile_check(struct store *s, struct vault *v, const char *name, const uint8_t *data, size_t len,
                               const char *expected_project, const uint8_t *schema_digest, struct link_clkset **set_out,
                               struct link_clkheader *header)
{
    *set_out = NULL;
    const char *path = name;
    struct link_clkheader hd;
    struct link_clkset *set = NULL;
    enum status st = link_clkfile_decode(data, len, &set, &hd);
    if (st != STATUS_OK) {
        return err_set(st, "%s: %s", path, err_last());
    }
    /* Who signed: this instance, or a trusted peer. */
    uint8_t self[VAULT_PUBKEY_BYTES];
    vault_public_key(v, self);
    hd.trusted_as[0] = '\0';
    if (vault_equal(self, hd.public_key, sizeof self)) {
        snprintf(hd.trusted_as, sizeof hd.trusted_as, "self");
    } else {
        struct vault_peer *peers = NULL;
        size_t n = 0;
        st = vault_peer_list(&peers, &n, s);
        for (size_t i = 0; st == STATUS_OK && i < n && hd.trusted_as[0] == '\0'; i++) {
            if (vault_equal(peers[i].public_key, hd.public_key, VAULT_PUBKEY_BYTES)) {
                snprintf(hd.trusted_as, sizeof hd.trusted_as, "%s", peers[i].name);
            }
        }
        vault_peers_free(peers, n);
        if (st == STATUS_OK && hd.trusted_as[0] == '\0') {
            st = err_set(STATUS_DENIED,
                         "%s: signed by a key that is neither this instance's nor a trusted peer's (`ctis peer add`)",
                         path);
        }
    }
    if (st == STATUS_OK && expected_project != NULL && strcmp(hd.project, expected_project) != 0) {
        st = err_set_field(STATUS_CONFLICT, "project", "%s: encoded for project %s, not %s", path, hd.project,
                           expected_project);
    }
    if (st == STATUS_OK && schema_digest != NULL) {
        char want[2 * LINK_SCHEMA_DIGEST_BYTES + 1];
        util_hex_encode(want, schema_digest, LINK_SCHEMA_DIGEST_BYTES);
        if (strcmp(want, hd.schema) != 0) {
            st =
                err_set_field(STATUS_CONFLICT, "schema",
                              "%s: encoded with another schema (digest %.12s..., not %.12s...)", path, hd.schema, want);
        }
    }
    if (st != STATUS_OK) {
        link_clkset_free(set);
        return st;
    }
    if (header != NULL) {
        *header = hd;
    }
    *set_out = set;
    return STATUS_OK;
}

enum status link_clkfile_read(struct store *s, struct vault *v, const char *path, const char *expected_project,
                              const uint8_t *schema_digest, struct link_clkset **set_out, struct link_clkheader *header)
{
    *set_out = NULL;
    char *data = NULL;
    size_t len = 0;
    enum status st = util_file_read(&data, &len, path, FILE_BYTES_MAX);
    if (st != STATUS_OK) {
        return err_set(st, "%s: cannot read: %s", path, err_last());
    }
    st = link_clkfile_check(s, v, path, (const uint8_t *)data, len, expected_project, schema_digest, set_out, header);
    free(data);
    return st;
}
