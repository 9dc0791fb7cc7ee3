/* entities: investigative entities, their links and transactions (see entities.h). Values are
 * sealed bound to (investigation_entities, value_enc, id), notes to (..., note_enc, id),
 * retraction reasons to (..., retract_reason_enc, id) and transaction references to
 * (investigation_transactions, reference_enc, id). */
#include "justice/entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "cases/vocab.h"
#include "justice/investigation.h"
#include "justice/justice_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define ENTITY_TABLE "investigation_entities"
#define TX_TABLE "investigation_transactions"

static const char *const kinds[] = {"company", "phone",     "email",          "address", "bank_account",
                                    "vehicle", "online_ad", "online_profile", "other",   NULL};
static const char *const relations[] = {"owns",       "uses",         "controls", "advertised_in", "registered_at",
                                        "located_at", "pays_through", "same_as",  "other",         NULL};
static const char *const platforms[] = {"facebook", "instagram",   "telegram", "whatsapp", "vk",
                                        "tiktok",   "classifieds", "website",  "other",    NULL};
static const char *const channels[] = {"bank_transfer", "cash", "money_transfer_service", "crypto", "other", NULL};

bool justice_entity_kind_known(const char *code)
{
    return util_in_list(code, kinds);
}

bool justice_entity_relation_known(const char *code)
{
    return util_in_list(code, relations);
}

bool justice_entity_platform_known(const char *code)
{
    return util_in_list(code, platforms);
}

bool justice_tx_channel_known(const char *code)
{
    return util_in_list(code, channels);
}

/* ---- normalisation ----------------------------------------------------------------------- */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Lower- or upper-cases UTF-8 text (NFC); NULL when not UTF-8. */
static char *u8_case(const char *s, size_t n, bool upper)
{
    if (u8_check((const uint8_t *)s, n) != NULL) {
        return NULL;
    }
    size_t len = 0;
    uint8_t *r = upper ? u8_toupper((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, &len)
                       : u8_tolower((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, &len);
    if (r == NULL) {
        return NULL;
    }
    char *out = xmalloc(len + 1);
    memcpy(out, r, len);
    out[len] = '\0';
    free(r);
    return out;
}

static char *norm_phone(const char *v)
{
    size_t n = strlen(v);
    char *out = xmalloc(n + 2);
    size_t o = 0;
    out[o++] = '+';
    for (size_t i = 0; i < n; i++) {
        if (v[i] >= '0' && v[i] <= '9') {
            out[o++] = v[i];
        }
    }
    out[o] = '\0';
    if (o >= 3 && out[1] == '0' && out[2] == '0') {
        memmove(out + 1, out + 3, o - 2); /* the international prefix 00 */
        o -= 2;
    }
    if (o < 4) {
        free(out);
        return NULL;
    }
    return out;
}

/* Text without surrounding blanks, copied. */
static char *trimmed(const char *v)
{
    while (is_blank((unsigned char)*v)) {
        v++;
    }
    size_t n = strlen(v);
    while (n > 0 && is_blank((unsigned char)v[n - 1])) {
        n--;
    }
    char *out = xmalloc(n + 1);
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

static char *norm_email(const char *v)
{
    char *t = trimmed(v);
    char *out = strchr(t, '@') != NULL && t[0] != '@' ? u8_case(t, strlen(t), false) : NULL;
    free(t);
    return out;
}

static char *norm_account(const char *v)
{
    size_t n = strlen(v), o = 0;
    char *buf = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (!is_blank((unsigned char)v[i])) {
            buf[o++] = v[i];
        }
    }
    char *out = o > 0 ? u8_case(buf, o, true) : NULL;
    free(buf);
    return out;
}

static char *norm_plate(const char *v)
{
    size_t n = strlen(v), o = 0;
    char *buf = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
            buf[o++] = (char)c;
        }
    }
    char *out = o > 0 ? u8_case(buf, o, true) : NULL;
    free(buf);
    return out;
}

static char *norm_url(const char *v)
{
    char *t = trimmed(v);
    const char *s = t;
    const char *sep = strstr(s, "://");
    if (sep != NULL) {
        bool scheme = sep > s;
        for (const char *p = s; p < sep; p++) {
            scheme = scheme && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || strchr("+-.", *p) != NULL);
        }
        if (scheme) {
            s = sep + 3;
        }
    }
    size_t hlen = strcspn(s, "/?#");
    char *host = u8_case(s, hlen, false);
    char *out = NULL;
    if (host != NULL) {
        const char *h = host;
        if (strncmp(h, "www.", 4) == 0) {
            h += 4;
        }
        if (*h == '@') {
            h++;
        }
        size_t n = strlen(h) + strlen(s + hlen);
        out = xmalloc(n + 1);
        snprintf(out, n + 1, "%s%s", h, s + hlen);
        while (n > 0 && out[n - 1] == '/') {
            out[--n] = '\0';
        }
        if (n == 0) {
            free(out);
            out = NULL;
        }
    }
    free(host);
    free(t);
    return out;
}

/* Case-folded, punctuation removed, whitespace collapsed (single spaces, none at the ends). */
static char *norm_text(const char *v)
{
    size_t n = strlen(v), len = 0;
    if (u8_check((const uint8_t *)v, n) != NULL) {
        return NULL;
    }
    uint8_t *f = u8_casefold((const uint8_t *)v, n, NULL, UNINORM_NFC, NULL, &len);
    if (f == NULL) {
        return NULL;
    }
    char *out = xmalloc(len + 1);
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, f + i, len - i);
        if (k <= 0) {
            break;
        }
        if (uc_is_space(uc) || uc == 0xA0 || uc == 0x202F || uc == 0x2007) {
            space = o > 0;
        } else if (!uc_is_general_category(uc, UC_CATEGORY_P)) {
            if (space) {
                out[o++] = ' ';
                space = false;
            }
            memcpy(out + o, f + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    out[o] = '\0';
    free(f);
    if (o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

enum status justice_entity_normalise(const char *kind, const char *value, char **out)
{
    *out = NULL;
    if (!justice_entity_kind_known(kind)) {
        return err_set_field(STATUS_INVALID, "kind", "kind: %s",
                             "company, phone, email, address, bank_account, vehicle, online_ad, online_profile or "
                             "other");
    }
    if (value == NULL || strlen(value) > ENTITY_VALUE_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "value", "value: required, at most %d bytes", ENTITY_VALUE_BYTES_MAX);
    }
    char *n = strcmp(kind, "phone") == 0                                              ? norm_phone(value)
              : strcmp(kind, "email") == 0                                            ? norm_email(value)
              : strcmp(kind, "bank_account") == 0                                     ? norm_account(value)
              : strcmp(kind, "vehicle") == 0                                          ? norm_plate(value)
              : strcmp(kind, "online_ad") == 0 || strcmp(kind, "online_profile") == 0 ? norm_url(value)
                                                                                      : norm_text(value);
    if (n == NULL) {
        const char *what = strcmp(kind, "phone") == 0   ? "a phone number with at least three digits"
                           : strcmp(kind, "email") == 0 ? "an e-mail address"
                                                        : "a value that is not empty";
        return err_set_field(STATUS_INVALID, "value", "value: %s", what);
    }
    *out = n;
    return STATUS_OK;
}

static enum status entity_bidx(const struct auth_ctx *ctx, const char *kind, const char *value,
                               uint8_t bidx[VAULT_BIDX_BYTES])
{
    char *n = NULL;
    enum status st = justice_entity_normalise(kind, value, &n);
    if (st == STATUS_OK) {
        char domain[48];
        snprintf(domain, sizeof domain, "justice.entity.%s", kind);
        st = vault_blind_index(ctx->vault, bidx, domain, n, strlen(n));
        free(n);
    }
    return st;
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* Seals text (NULL or "": a NULL value) bound to (table, col, id). */
static enum status seal(const struct auth_ctx *ctx, const char *table, const char *col, int64_t id, const char *text,
                        uint8_t **buf, struct sql_value *v)
{
    *buf = NULL;
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {table, col, id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

static enum status unseal(const struct auth_ctx *ctx, const char *table, const char *col, int64_t id,
                          struct store_rows *r, int idx, char **out)
{
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, idx, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    struct vault_ad ad = {table, col, id};
    return vault_unseal(ctx->vault, out, &plen, &ad, blob, len);
}

static void plain_free(char *p)
{
    if (p != NULL) {
        vault_plain_free(p, strlen(p));
    }
}

/* Three letters, upper-cased into out. */
static bool currency_parse(const char *s, char out[4])
{
    if (s == NULL || strlen(s) != 3) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
        }
        if (c < 'A' || c > 'Z') {
            return false;
        }
        out[i] = c;
    }
    out[3] = '\0';
    return true;
}

/* ---- entities ---------------------------------------------------------------------------- */

void justice_entity_clear(struct justice_entity *e)
{
    plain_free(e->value);
    plain_free(e->note);
    plain_free(e->retract_reason);
    memset(e, 0, sizeof *e);
}

void justice_entities_free(struct justice_entity *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        justice_entity_clear(&list[i]);
    }
    free(list);
}

/* An ENTITY_COLS row; the sealed members opened when open. */
static enum status entity_row(const struct auth_ctx *ctx, struct store_rows *r, bool open, struct justice_entity *e)
{
    memset(e, 0, sizeof *e);
    e->id = store_rows_i64(r, 0);
    e->investigation_id = store_rows_i64(r, 1);
    snprintf(e->kind, sizeof e->kind, "%s", store_rows_text(r, 2));
    snprintf(e->country, sizeof e->country, "%s", store_rows_text(r, 5));
    snprintf(e->first_seen, sizeof e->first_seen, "%s", store_rows_text(r, 6));
    snprintf(e->last_seen, sizeof e->last_seen, "%s", store_rows_text(r, 7));
    e->suspect_id = store_rows_i64(r, 8);
    snprintf(e->registration, sizeof e->registration, "%s", store_rows_text(r, 9));
    snprintf(e->bank_code, sizeof e->bank_code, "%s", store_rows_text(r, 10));
    snprintf(e->currency, sizeof e->currency, "%s", store_rows_text(r, 11));
    snprintf(e->make_model, sizeof e->make_model, "%s", store_rows_text(r, 12));
    snprintf(e->platform, sizeof e->platform, "%s", store_rows_text(r, 13));
    e->retracted = store_rows_i64(r, 14) != 0;
    e->version = store_rows_i64(r, 16);
    if (!open) {
        e->value_withheld = true;
        return STATUS_OK;
    }
    enum status st = unseal(ctx, ENTITY_TABLE, "value_enc", e->id, r, 3, &e->value);
    if (st == STATUS_OK) {
        st = unseal(ctx, ENTITY_TABLE, "note_enc", e->id, r, 4, &e->note);
    }
    if (st == STATUS_OK) {
        st = unseal(ctx, ENTITY_TABLE, "retract_reason_enc", e->id, r, 15, &e->retract_reason);
    }
    if (st != STATUS_OK) {
        justice_entity_clear(e);
    }
    return st;
}

/* The sealed texts an input sets (borrowed from the JSON; NULL: unchanged; "": cleared). */
struct entity_texts {
    const char *value;
    const char *note;
    const char *reason;
};

/* A clear text member of at most max bytes, one line, into out (absent keeps it). */
static enum status line_member(const json_t *in, const char *key, size_t max, char *out, size_t cap)
{
    const char *v = NULL;
    enum status st = util_json_str(in, key, max, &v);
    if (st != STATUS_OK || v == NULL) {
        return st;
    }
    for (const char *p = v; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            return err_set_field(STATUS_INVALID, key, "%s: one line of text", key);
        }
    }
    snprintf(out, cap, "%s", v);
    return STATUS_OK;
}

/* A kind-specific member: refused for other kinds when set to something. */
static enum status only_for(const json_t *in, const char *key, const struct justice_entity *e, const char *k1,
                            const char *k2)
{
    json_t *v = json_object_get(in, key);
    bool set = v != NULL && !json_is_null(v) && !(json_is_string(v) && json_string_value(v)[0] == '\0');
    if (set && strcmp(e->kind, k1) != 0 && (k2 == NULL || strcmp(e->kind, k2) != 0)) {
        return err_set_field(STATUS_INVALID, key, "%s: only for %s%s%s", key, k1, k2 ? " or " : "", k2 ? k2 : "");
    }
    return STATUS_OK;
}

static enum status entity_apply(const struct auth_ctx *ctx, const json_t *in, bool create, struct justice_entity *e,
                                struct entity_texts *t)
{
    static const char *const keys_new[] = {
        "kind",         "value",     "note",     "country",    "first_seen", "last_seen", "suspect_id",
        "registration", "bank_code", "currency", "make_model", "platform",   NULL};
    static const char *const keys_change[] = {
        "value",     "note",     "country",    "first_seen", "last_seen", "suspect_id",     "registration",
        "bank_code", "currency", "make_model", "platform",   "retracted", "retract_reason", NULL};
    memset(t, 0, sizeof *t);
    enum status st = justice__known_members(in, create ? keys_new : keys_change);
    const char *v = NULL;
    if (st == STATUS_OK && create) {
        st = util_json_str(in, "kind", 32, &v);
        if (st == STATUS_OK && !justice_entity_kind_known(v)) {
            st = err_set_field(STATUS_INVALID, "kind",
                               "kind: company, phone, email, address, bank_account, vehicle, online_ad, "
                               "online_profile or other (required)");
        }
        if (st == STATUS_OK) {
            snprintf(e->kind, sizeof e->kind, "%s", v);
        }
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "value", ENTITY_VALUE_BYTES_MAX, &t->value);
    }
    if (st == STATUS_OK && (create || t->value != NULL)) {
        char *n = NULL;
        st = justice_entity_normalise(e->kind, t->value, &n);
        free(n);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "note", ENTITY_NOTE_BYTES_MAX, &t->note);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "country", 64, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        const char *code = "";
        if (v[0] != '\0' && (vocab_parse("country", v, &code) != STATUS_OK || strlen(code) != 3)) {
            return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 country code");
        }
        snprintf(e->country, sizeof e->country, "%s", code);
    }
    if (st == STATUS_OK) {
        st = justice__date_member(in, "first_seen", e->first_seen);
    }
    if (st == STATUS_OK) {
        st = justice__date_member(in, "last_seen", e->last_seen);
    }
    if (st == STATUS_OK && e->first_seen[0] && e->last_seen[0] && strcmp(e->last_seen, e->first_seen) < 0) {
        st = err_set_field(STATUS_INVALID, "last_seen", "last_seen: not before first_seen");
    }
    json_t *sid = json_object_get(in, "suspect_id");
    if (st == STATUS_OK && sid != NULL) {
        if (json_is_null(sid)) {
            e->suspect_id = 0;
        } else if (!json_is_integer(sid) || json_integer_value(sid) <= 0) {
            return err_set_field(STATUS_INVALID, "suspect_id", "suspect_id: a suspect's id");
        } else {
            struct sql_value k[] = {SQLV_I64(json_integer_value(sid)), SQLV_I64(e->investigation_id)};
            struct store_rows *r = NULL;
            st = store_exec_one(ctx->store, STMT_SUSPECT_GET, k, 2, &r);
            store_rows_free(r);
            if (st == STATUS_NOT_FOUND) {
                return err_set_field(STATUS_INVALID, "suspect_id", "suspect_id: not a suspect of this investigation");
            }
            e->suspect_id = json_integer_value(sid);
        }
    }
    if (st == STATUS_OK) {
        st = only_for(in, "registration", e, "company", NULL);
    }
    if (st == STATUS_OK) {
        st = line_member(in, "registration", sizeof e->registration - 1, e->registration, sizeof e->registration);
    }
    if (st == STATUS_OK) {
        st = only_for(in, "bank_code", e, "bank_account", NULL);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "bank_code", sizeof e->bank_code - 1, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        char *n = v[0] ? norm_account(v) : xstrdup("");
        bool ok = n != NULL;
        for (const char *p = n; ok && *p; p++) {
            ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        }
        if (ok) {
            snprintf(e->bank_code, sizeof e->bank_code, "%s", n);
        }
        free(n);
        if (!ok) {
            return err_set_field(STATUS_INVALID, "bank_code", "bank_code: letters and digits (a BIC or bank code)");
        }
    }
    if (st == STATUS_OK) {
        st = only_for(in, "currency", e, "bank_account", NULL);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "currency", 3, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        if (v[0] == '\0') {
            e->currency[0] = '\0';
        } else if (!currency_parse(v, e->currency)) {
            return err_set_field(STATUS_INVALID, "currency", "currency: an ISO 4217 code of three letters");
        }
    }
    if (st == STATUS_OK) {
        st = only_for(in, "make_model", e, "vehicle", NULL);
    }
    if (st == STATUS_OK) {
        st = line_member(in, "make_model", sizeof e->make_model - 1, e->make_model, sizeof e->make_model);
    }
    if (st == STATUS_OK) {
        st = only_for(in, "platform", e, "online_profile", "online_ad");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "platform", 32, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        if (v[0] != '\0' && !justice_entity_platform_known(v)) {
            return err_set_field(STATUS_INVALID, "platform",
                                 "platform: facebook, instagram, telegram, whatsapp, vk, tiktok, classifieds, "
                                 "website or other");
        }
        snprintf(e->platform, sizeof e->platform, "%s", v);
    }
    json_t *ret = json_object_get(in, "retracted");
    if (st == STATUS_OK && ret != NULL && !json_is_null(ret)) {
        if (!json_is_true(ret)) {
            return err_set_field(STATUS_INVALID, "retracted", "retracted: true (a retraction is final)");
        }
        e->retracted = true;
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "retract_reason", ENTITY_REASON_BYTES_MAX, &t->reason);
    }
    if (st == STATUS_OK && (t->reason != NULL) != (ret != NULL && json_is_true(ret))) {
        st = err_set_field(STATUS_INVALID, "retract_reason", "retract_reason: required with retracted, only with it");
    }
    if (st == STATUS_OK && t->reason != NULL && t->reason[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "retract_reason", "retract_reason: required with retracted");
    }
    return st;
}

enum status justice_entity_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add entity", &rec);
    struct justice_entity e;
    memset(&e, 0, sizeof e);
    e.investigation_id = inv_id;
    struct entity_texts t;
    if (st == STATUS_OK) {
        st = entity_apply(ctx, in, true, &e, &t);
    }
    if (st == STATUS_OK) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "add entity");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *vbuf = NULL, *nbuf = NULL;
    uint8_t bidx[VAULT_BIDX_BYTES];
    struct sql_value venc, nenc;
    st = seal(ctx, ENTITY_TABLE, "value_enc", id, t.value, &vbuf, &venc);
    if (st == STATUS_OK) {
        st = seal(ctx, ENTITY_TABLE, "note_enc", id, t.note, &nbuf, &nenc);
    }
    if (st == STATUS_OK) {
        st = entity_bidx(ctx, e.kind, t.value, bidx);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(inv_id),
                                sqlv_text(e.kind),
                                venc,
                                SQLV_BLOB(bidx, VAULT_BIDX_BYTES),
                                nenc,
                                sqlv_text(e.country),
                                sqlv_text(e.first_seen),
                                sqlv_text(e.last_seen),
                                e.suspect_id ? SQLV_I64(e.suspect_id) : SQLV_NULL,
                                sqlv_text(e.registration),
                                sqlv_text(e.bank_code),
                                sqlv_text(e.currency),
                                sqlv_text(e.make_model),
                                sqlv_text(e.platform),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ENTITY_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(vbuf);
    free(nbuf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.entity.add", "investigation", inv_id, "ok", e.kind);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

/* The blob of column idx of r as a value (NULL when none). */
static struct sql_value blob_of(struct store_rows *r, int idx)
{
    size_t len = 0;
    const uint8_t *b = store_rows_blob(r, idx, &len);
    return b != NULL && len > 0 ? SQLV_BLOB(b, len) : SQLV_NULL;
}

enum status justice_entity_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                  const json_t *in)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change entity", &rec);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL, *br = NULL;
    struct justice_entity e;
    memset(&e, 0, sizeof e);
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_ENTITY_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such entity");
        }
    }
    if (st == STATUS_OK) {
        st = entity_row(ctx, r, false, &e);
    }
    if (st == STATUS_OK && expected_version != 0 && expected_version != e.version) {
        st = err_set(STATUS_CONFLICT, "the entity has changed since it was read");
    }
    if (st == STATUS_OK && e.retracted) {
        st = err_set(STATUS_CONFLICT, "the entity is retracted: it does not change any more");
    }
    struct entity_texts t;
    memset(&t, 0, sizeof t);
    if (st == STATUS_OK) {
        st = entity_apply(ctx, in, false, &e, &t);
    }
    if (st == STATUS_OK && (t.value != NULL || t.note != NULL || t.reason != NULL)) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "change entity");
    }
    uint8_t *vbuf = NULL, *nbuf = NULL, *rbuf = NULL;
    uint8_t bidx[VAULT_BIDX_BYTES];
    struct sql_value venc = SQLV_NULL, idx = SQLV_NULL, nenc = SQLV_NULL, renc = SQLV_NULL;
    if (st == STATUS_OK && t.value != NULL) {
        st = seal(ctx, ENTITY_TABLE, "value_enc", id, t.value, &vbuf, &venc);
        if (st == STATUS_OK) {
            st = entity_bidx(ctx, e.kind, t.value, bidx);
            idx = SQLV_BLOB(bidx, VAULT_BIDX_BYTES);
        }
    } else if (st == STATUS_OK) {
        venc = blob_of(r, 3);
        struct sql_value kb[] = {SQLV_I64(id)};
        st = store_exec_one(ctx->store, STMT_ENTITY_BIDX, kb, 1, &br);
        if (st == STATUS_OK) {
            idx = blob_of(br, 0);
        }
    }
    if (st == STATUS_OK) {
        st = t.note != NULL ? seal(ctx, ENTITY_TABLE, "note_enc", id, t.note, &nbuf, &nenc)
                            : (nenc = blob_of(r, 4), STATUS_OK);
    }
    if (st == STATUS_OK && t.reason != NULL) {
        st = seal(ctx, ENTITY_TABLE, "retract_reason_enc", id, t.reason, &rbuf, &renc);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(e.version),
                                venc,
                                idx,
                                nenc,
                                sqlv_text(e.country),
                                sqlv_text(e.first_seen),
                                sqlv_text(e.last_seen),
                                e.suspect_id ? SQLV_I64(e.suspect_id) : SQLV_NULL,
                                sqlv_text(e.registration),
                                sqlv_text(e.bank_code),
                                sqlv_text(e.currency),
                                sqlv_text(e.make_model),
                                sqlv_text(e.platform),
                                SQLV_BOOL(e.retracted),
                                renc,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ENTITY_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the entity has changed since it was read");
        }
    }
    store_rows_free(r);
    store_rows_free(br);
    free(vbuf);
    free(nbuf);
    free(rbuf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, e.retracted ? "justice.entity.retract" : "justice.entity.update", "investigation", inv_id,
                        "ok", e.kind);
    }
    justice_entity_clear(&e);
    return st;
}

/* Whether the caller opens values of this investigation (fg.legal.read; the opening audited). */
static enum status may_open(const struct auth_ctx *ctx, const struct auth_record *rec, const char *detail, bool *open)
{
    *open = false;
    if (!auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false)) {
        return STATUS_OK;
    }
    enum status st = auth_check(ctx, "justice.read", rec, AUTH_FG_LEGAL, false, detail);
    *open = st == STATUS_OK;
    return st;
}

enum status justice_entity_get(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, struct justice_entity *out)
{
    memset(out, 0, sizeof *out);
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read entity", &rec);
    struct store_rows *r = NULL;
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_ENTITY_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such entity");
        }
    }
    bool open = false;
    if (st == STATUS_OK) {
        st = may_open(ctx, &rec, "read entity", &open);
    }
    if (st == STATUS_OK) {
        st = entity_row(ctx, r, open, out);
    }
    store_rows_free(r);
    return st;
}

static enum status entity_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    return entity_row(ctx, r, *(const bool *)arg, elem);
}

static void entity_free(void *list, size_t n)
{
    justice_entities_free(list, n);
}

enum status justice_entities(const struct auth_ctx *ctx, int64_t inv_id, struct justice_entity **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read entities", &rec);
    bool open = false;
    if (st == STATUS_OK) {
        st = may_open(ctx, &rec, "read entities", &open);
    }
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_ENTITY_LIST, inv_id, sizeof **out, entity_at, &open, entity_free, &list, count_out);
    *out = list;
    return st;
}

json_t *justice_entity_to_json(const struct justice_entity *e)
{
    json_t *o = json_pack("{sIsIss}", "id", (json_int_t)e->id, "investigation_id", (json_int_t)e->investigation_id,
                          "kind", e->kind);
    json_object_set_new(o, "value", e->value ? json_string(e->value) : json_null());
    json_object_set_new(o, "value_withheld", json_boolean(e->value_withheld));
    json_object_set_new(o, "note", e->note ? json_string(e->note) : json_null());
    json_object_set_new(o, "country", e->country[0] ? json_string(e->country) : json_null());
    json_object_set_new(o, "first_seen", e->first_seen[0] ? json_string(e->first_seen) : json_null());
    json_object_set_new(o, "last_seen", e->last_seen[0] ? json_string(e->last_seen) : json_null());
    json_object_set_new(o, "suspect_id", e->suspect_id ? json_integer(e->suspect_id) : json_null());
    json_object_set_new(o, "registration", e->registration[0] ? json_string(e->registration) : json_null());
    json_object_set_new(o, "bank_code", e->bank_code[0] ? json_string(e->bank_code) : json_null());
    json_object_set_new(o, "currency", e->currency[0] ? json_string(e->currency) : json_null());
    json_object_set_new(o, "make_model", e->make_model[0] ? json_string(e->make_model) : json_null());
    json_object_set_new(o, "platform", e->platform[0] ? json_string(e->platform) : json_null());
    json_object_set_new(o, "retracted", json_boolean(e->retracted));
    json_object_set_new(o, "retract_reason", e->retract_reason ? json_string(e->retract_reason) : json_null());
    json_object_set_new(o, "version", json_integer(e->version));
    return o;
}

/* ---- links ------------------------------------------------------------------------------- */

/* Entity id of investigation inv_id (not retracted); *kind_out its kind (may be NULL). */
static enum status entity_of(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, const char *field,
                             char kind_out[16])
{
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_ENTITY_GET, k, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set_field(STATUS_INVALID, field, "%s: not an entity of this investigation", field);
    }
    if (st == STATUS_OK && store_rows_i64(r, 14) != 0) {
        st = err_set_field(STATUS_INVALID, field, "%s: the entity is retracted", field);
    }
    if (st == STATUS_OK && kind_out != NULL) {
        snprintf(kind_out, 16, "%s", store_rows_text(r, 2));
    }
    store_rows_free(r);
    return st;
}

enum status justice_entity_link_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"from_entity", "to_entity", "relation", NULL};
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "link entities", NULL);
    struct justice_entity_link l = {.investigation_id = inv_id};
    const char *rel = NULL;
    if (st == STATUS_OK) {
        st = justice__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "from_entity", &l.from_entity);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "to_entity", &l.to_entity);
    }
    if (st == STATUS_OK && l.from_entity == l.to_entity) {
        st = err_set_field(STATUS_INVALID, "to_entity", "to_entity: another entity than from_entity");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "relation", 32, &rel);
    }
    if (st == STATUS_OK && !justice_entity_relation_known(rel)) {
        st = err_set_field(STATUS_INVALID, "relation",
                           "relation: owns, uses, controls, advertised_in, registered_at, located_at, "
                           "pays_through, same_as or other (required)");
    }
    if (st == STATUS_OK) {
        st = entity_of(ctx, inv_id, l.from_entity, "from_entity", NULL);
    }
    if (st == STATUS_OK) {
        st = entity_of(ctx, inv_id, l.to_entity, "to_entity", NULL);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {
        SQLV_I64(id),           SQLV_I64(inv_id), SQLV_I64(l.from_entity),
        SQLV_I64(l.to_entity),  sqlv_text(rel),   ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
        SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_ENTITY_LINK_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        st = err_set_field(STATUS_CONFLICT, "relation", "the two entities are already linked so");
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.entity.link", "investigation", inv_id, "ok", rel);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static void link_row(struct store_rows *r, struct justice_entity_link *l)
{
    memset(l, 0, sizeof *l);
    l->id = store_rows_i64(r, 0);
    l->investigation_id = store_rows_i64(r, 1);
    l->from_entity = store_rows_i64(r, 2);
    l->to_entity = store_rows_i64(r, 3);
    snprintf(l->relation, sizeof l->relation, "%s", store_rows_text(r, 4));
}

static enum status entity_link_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    (void)ctx;
    (void)arg;
    link_row(r, elem);
    return STATUS_OK;
}

static void entity_link_free(void *list, size_t n)
{
    (void)n;
    free(list);
}

enum status justice_entity_links(const struct auth_ctx *ctx, int64_t inv_id, struct justice_entity_link **out,
                                 size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read entity links", NULL);
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_ENTITY_LINK_LIST, inv_id, sizeof **out, entity_link_at, NULL, entity_link_free,
                          &list, count_out);
    *out = list;
    return st;
}

json_t *justice_entity_link_to_json(const struct justice_entity_link *l)
{
    return json_pack("{sIsIsIsIss}", "id", (json_int_t)l->id, "investigation_id", (json_int_t)l->investigation_id,
                     "from_entity", (json_int_t)l->from_entity, "to_entity", (json_int_t)l->to_entity, "relation",
                     l->relation);
}

/* ---- transactions ------------------------------------------------------------------------ */

void justice_transactions_free(struct justice_transaction *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        plain_free(list[i].reference);
    }
    free(list);
}

enum status justice_transaction_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"from_entity", "to_entity", "date",    "amount_minor",
                                       "currency",    "reference", "channel", NULL};
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add transaction", &rec);
    struct justice_transaction t = {.investigation_id = inv_id};
    const char *v = NULL, *ref = NULL;
    if (st == STATUS_OK) {
        st = justice__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "from_entity", &t.from_entity);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "to_entity", &t.to_entity);
    }
    if (st == STATUS_OK && t.from_entity == t.to_entity) {
        st = err_set_field(STATUS_INVALID, "to_entity", "to_entity: another account than from_entity");
    }
    if (st == STATUS_OK) {
        st = justice__date_member(in, "date", t.date);
    }
    if (st == STATUS_OK && t.date[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "date", "date: the transaction's date, required");
    }
    json_t *amt = json_object_get(in, "amount_minor");
    if (st == STATUS_OK && (amt == NULL || !json_is_integer(amt) || json_integer_value(amt) <= 0)) {
        st = err_set_field(STATUS_INVALID, "amount_minor", "amount_minor: the amount in minor units (cents), above 0");
    }
    if (st == STATUS_OK) {
        t.amount_minor = json_integer_value(amt);
        st = util_json_str(in, "currency", 3, &v);
    }
    if (st == STATUS_OK && !currency_parse(v, t.currency)) {
        st = err_set_field(STATUS_INVALID, "currency", "currency: an ISO 4217 code of three letters, required");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "channel", 32, &v);
    }
    if (st == STATUS_OK) {
        if (v == NULL || v[0] == '\0') {
            v = "bank_transfer";
        }
        if (!justice_tx_channel_known(v)) {
            st = err_set_field(STATUS_INVALID, "channel",
                               "channel: bank_transfer, cash, money_transfer_service, crypto or other");
        } else {
            snprintf(t.channel, sizeof t.channel, "%s", v);
        }
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "reference", ENTITY_TX_REFERENCE_BYTES_MAX, &ref);
    }
    char kind[16];
    if (st == STATUS_OK) {
        st = entity_of(ctx, inv_id, t.from_entity, "from_entity", kind);
        if (st == STATUS_OK && strcmp(kind, "bank_account") != 0) {
            st = err_set_field(STATUS_INVALID, "from_entity", "from_entity: a bank_account entity");
        }
    }
    if (st == STATUS_OK) {
        st = entity_of(ctx, inv_id, t.to_entity, "to_entity", kind);
        if (st == STATUS_OK && strcmp(kind, "bank_account") != 0) {
            st = err_set_field(STATUS_INVALID, "to_entity", "to_entity: a bank_account entity");
        }
    }
    if (st == STATUS_OK && ref != NULL && ref[0] != '\0') {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "add transaction reference");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *buf = NULL;
    struct sql_value renc;
    st = seal(ctx, TX_TABLE, "reference_enc", id, ref, &buf, &renc);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(inv_id),
                                SQLV_I64(t.from_entity),
                                SQLV_I64(t.to_entity),
                                sqlv_text(t.date),
                                SQLV_I64(t.amount_minor),
                                sqlv_text(t.currency),
                                renc,
                                sqlv_text(t.channel),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ENTITY_TX_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.transaction.add", "investigation", inv_id, "ok", t.channel);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status justice_transactions(const struct auth_ctx *ctx, int64_t inv_id, struct justice_transaction **out,
                                 size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read transactions", &rec);
    bool open = false;
    if (st == STATUS_OK) {
        st = may_open(ctx, &rec, "read transactions", &open);
    }
    struct store_rows *r = NULL;
    struct sql_value k[] = {SQLV_I64(inv_id)};
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_ENTITY_TX_LIST, k, 1, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 0;
    struct justice_transaction *list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            list = xrealloc(list, cap * sizeof *list);
        }
        struct justice_transaction *t = &list[n++];
        memset(t, 0, sizeof *t);
        t->id = store_rows_i64(r, 0);
        t->investigation_id = store_rows_i64(r, 1);
        t->from_entity = store_rows_i64(r, 2);
        t->to_entity = store_rows_i64(r, 3);
        snprintf(t->date, sizeof t->date, "%s", store_rows_text(r, 4));
        t->amount_minor = store_rows_i64(r, 5);
        snprintf(t->currency, sizeof t->currency, "%s", store_rows_text(r, 6));
        snprintf(t->channel, sizeof t->channel, "%s", store_rows_text(r, 8));
        size_t len = 0;
        const uint8_t *blob = store_rows_blob(r, 7, &len);
        if (blob != NULL && len > 0 && !open) {
            t->reference_withheld = true;
        } else if (open) {
            st = unseal(ctx, TX_TABLE, "reference_enc", t->id, r, 7, &t->reference);
            if (st != STATUS_OK) {
                break;
            }
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        justice_transactions_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

json_t *justice_transaction_to_json(const struct justice_transaction *t)
{
    json_t *o =
        json_pack("{sIsIsIsIsssIssss}", "id", (json_int_t)t->id, "investigation_id", (json_int_t)t->investigation_id,
                  "from_entity", (json_int_t)t->from_entity, "to_entity", (json_int_t)t->to_entity, "date", t->date,
                  "amount_minor", (json_int_t)t->amount_minor, "currency", t->currency, "channel", t->channel);
    json_object_set_new(o, "reference", t->reference ? json_string(t->reference) : json_null());
    json_object_set_new(o, "reference_withheld", json_boolean(t->reference_withheld));
    return o;
}

/* ---- search and the linkage export ------------------------------------------------------- */

/* The scope filter of the caller: agency (0 any) and owner (0 any), as investigation_list. */
static void scope_of(const struct auth_ctx *ctx, int64_t *agency, int64_t *owner)
{
    bool all = ctx->who->operator|| ctx->who->scope == AUTH_SCOPE_ALL;
    *agency = all ? 0 : ctx->who->agency_id;
    *owner = !all && ctx->who->scope == AUTH_SCOPE_OWN ? ctx->who->user_id : 0;
}

static bool in_scope(const struct auth_ctx *ctx, int64_t inv_id, int64_t agency_id, int64_t owner_id)
{
    struct auth_record rec = {"investigation", inv_id, agency_id, owner_id, AUTH_SENSITIVITY_NORMAL};
    return auth_decide(ctx, "justice.read", &rec, AUTH_FG_NONE, false) == STATUS_OK;
}

enum status justice_entity_search(const struct auth_ctx *ctx, const char *kind, const char *value,
                                  struct justice_entity_hit **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_LEGAL, false, "search entities");
    uint8_t bidx[VAULT_BIDX_BYTES];
    if (st == STATUS_OK) {
        st = entity_bidx(ctx, kind ? kind : "", value, bidx);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency, owner;
    scope_of(ctx, &agency, &owner);
    struct sql_value a[] = {SQLV_BLOB(bidx, VAULT_BIDX_BYTES), sqlv_text(kind), SQLV_I64(agency), SQLV_I64(owner)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_ENTITY_SEARCH, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 0;
    struct justice_entity_hit *list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (!in_scope(ctx, store_rows_i64(r, 1), store_rows_i64(r, 5), store_rows_i64(r, 6))) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            list = xrealloc(list, cap * sizeof *list);
        }
        struct justice_entity_hit *h = &list[n++];
        memset(h, 0, sizeof *h);
        h->entity_id = store_rows_i64(r, 0);
        h->investigation_id = store_rows_i64(r, 1);
        snprintf(h->kind, sizeof h->kind, "%s", store_rows_text(r, 2));
        h->retracted = store_rows_i64(r, 3) != 0;
        snprintf(h->reference, sizeof h->reference, "%s", store_rows_text(r, 4));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(list);
        return st;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%s: %zu found", kind, n);
    st = auth_audit(ctx, "justice.entity.search", "investigation", 0, "ok", detail);
    if (st != STATUS_OK) {
        free(list);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

json_t *justice_entity_hit_to_json(const struct justice_entity_hit *h)
{
    return json_pack("{sIsssIsssb}", "investigation_id", (json_int_t)h->investigation_id, "reference", h->reference,
                     "entity_id", (json_int_t)h->entity_id, "kind", h->kind, "retracted", h->retracted);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

enum status justice_entity_graph(const struct auth_ctx *ctx, struct justice_entity_key **entities_out,
                                 size_t *entity_count, struct justice_entity_link **links_out, size_t *link_count)
{
    *entities_out = NULL;
    *links_out = NULL;
    *entity_count = *link_count = 0;
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "entity graph");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency, owner;
    scope_of(ctx, &agency, &owner);
    struct sql_value a[] = {SQLV_I64(agency), SQLV_I64(owner)};
    struct store_rows *r = NULL;
    size_t ne = 0, ecap = 0, nl = 0, lcap = 0;
    struct justice_entity_key *ents = NULL;
    struct justice_entity_link *links = NULL;
    st = store_exec(ctx->store, STMT_ENTITY_GRAPH_ENTITIES, a, ARRAY_LEN(a), &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (store_rows_i64(r, 4) != 0 ||
            !in_scope(ctx, store_rows_i64(r, 1), store_rows_i64(r, 5), store_rows_i64(r, 6))) {
            continue;
        }
        if (ne == ecap) {
            ecap = ecap ? ecap * 2 : 16;
            ents = xrealloc(ents, ecap * sizeof *ents);
        }
        struct justice_entity_key *k = &ents[ne++];
        memset(k, 0, sizeof *k);
        k->id = store_rows_i64(r, 0);
        k->investigation_id = store_rows_i64(r, 1);
        snprintf(k->kind, sizeof k->kind, "%s", store_rows_text(r, 2));
        size_t len = 0;
        const uint8_t *b = store_rows_blob(r, 3, &len);
        if (b != NULL && len == VAULT_BIDX_BYTES) {
            util_hex_encode(k->bidx_hex, b, len);
        }
    }
    store_rows_free(r);
    r = NULL;
    int64_t *ids = xmalloc((ne ? ne : 1) * sizeof *ids);
    for (size_t i = 0; i < ne; i++) {
        ids[i] = ents[i].id;
    }
    qsort(ids, ne, sizeof *ids, cmp_i64);
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_ENTITY_GRAPH_LINKS, a, ARRAY_LEN(a), &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (!in_scope(ctx, store_rows_i64(r, 1), store_rows_i64(r, 5), store_rows_i64(r, 6))) {
            continue;
        }
        struct justice_entity_link l;
        link_row(r, &l);
        /* Only links whose two ends are listed (not retracted). */
        if (bsearch(&l.from_entity, ids, ne, sizeof *ids, cmp_i64) == NULL ||
            bsearch(&l.to_entity, ids, ne, sizeof *ids, cmp_i64) == NULL) {
            continue;
        }
        if (nl == lcap) {
            lcap = lcap ? lcap * 2 : 16;
            links = xrealloc(links, lcap * sizeof *links);
        }
        links[nl++] = l;
    }
    store_rows_free(r);
    free(ids);
    if (st == STATUS_DONE) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu entities, %zu links", ne, nl);
        st = auth_audit(ctx, "justice.entity.graph", "investigation", 0, "ok", detail);
    }
    if (st != STATUS_OK) {
        free(ents);
        free(links);
        return st;
    }
    *entities_out = ents;
    *entity_count = ne;
    *links_out = links;
    *link_count = nl;
    return STATUS_OK;
}
