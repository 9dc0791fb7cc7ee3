/* records: perpetrators, support plans and attachments of a case (see records.h). Each
 * operation reaches the case through case__reach (the same scope and audit as every case
 * operation), then checks the field group of each personal value. Sealed values are bound to
 * (table, column, row id); an attachment's content is sealed in chunks of
 * CASE_ATTACHMENT_CHUNK_BYTES, each bound to its chunk row, and the SHA-256 of the whole plain
 * content is checked on every read. Changes go to the case's history (case_versions) with the
 * case's current version: values of coded members, only the names of sealed ones. */
#include "cases/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/cases.h"
#include "cases/cases_int.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define PERP_NAME_DOMAIN "cases.perpetrator_name"
#define PERP_NAME_WORDS_MAX 32

/* Shared helpers. */

/* The sealed text in column col, or NULL: when absent, or when not allowed (then *withheld gets
 * bit). A value that does not open is an integrity failure, not a silent NULL. */
static enum status unseal_col(const struct auth_ctx *ctx, struct store_rows *r, size_t col, const char *table,
                              const char *column, int64_t id, bool allowed, unsigned bit, unsigned *withheld,
                              char **out)
{
    *out = NULL;
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    if (!allowed) {
        *withheld |= bit;
        return STATUS_OK;
    }
    struct vault_ad ad = {table, column, id};
    return vault_unseal(ctx->vault, out, &plen, &ad, blob, len);
}

static void text_free(char *s)
{
    if (s != NULL) {
        vault_plain_free(s, strlen(s));
    }
}

/* Checks text (NULL or "" is none): valid UTF-8 within max bytes; errors name the field. */
static enum status text_check(const char *field, const char *text, size_t max)
{
    if (text == NULL) {
        return STATUS_OK;
    }
    size_t n = strlen(text);
    if (n > max) {
        return err_set_field(STATUS_INVALID, field, "%s: at most %zu bytes", field, max);
    }
    if (!util_utf8_valid(text, n)) {
        return err_set_field(STATUS_INVALID, field, "%s: not valid UTF-8 text", field);
    }
    return STATUS_OK;
}

/* A code of vocab into out ("" stays ""). */
static enum status code_parse(const char *field, const char *vocab, const char *text, char *out, size_t cap)
{
    if (text == NULL || text[0] == '\0') {
        out[0] = '\0';
        return STATUS_OK;
    }
    const char *code = NULL;
    if (strlen(text) > 256 || vocab_parse(vocab, text, &code) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, field, "%s: not a code of %s", field, vocab);
    }
    if (strlen(code) >= cap) {
        return err_set_field(STATUS_INVALID, field, "%s: code too long", field);
    }
    snprintf(out, cap, "%s", code);
    return STATUS_OK;
}

/* Reads a JSON string member: absent leaves *out; null or "" gives "". */
static enum status json_str(const json_t *o, const char *key, const char **out, bool *present)
{
    json_t *v = json_object_get(o, key);
    *present = v != NULL;
    if (v == NULL) {
        return STATUS_OK;
    }
    if (json_is_null(v)) {
        *out = "";
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a text value", key);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

static enum status keys_known(const json_t *o, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++) {
            ok = strcmp(known[i], key) == 0;
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, key, "%s: no such member", key);
        }
    }
    return STATUS_OK;
}

static void set_str(char **dst, const char *src)
{
    text_free(*dst);
    *dst = src && src[0] ? xstrdup(src) : NULL;
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *time_json(int64_t ms)
{
    char t[32];
    util_time_iso(t, ms);
    return json_string(t);
}

/* One history entry on the case: action and changes (names only for sealed values). */
static enum status history(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const char *action,
                           json_t *changes)
{
    char *text = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
    struct sql_value a[] = {SQLV_I64(vault_random_id()),
                            SQLV_I64(case_id),
                            SQLV_I64(version),
                            SQLV_I64(util_now_ms()),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            sqlv_text(ctx->who->username),
                            sqlv_text(action),
                            sqlv_text(text ? text : "{}")};
    enum status st = store_exec(ctx->store, STMT_CASE_VERSION_INSERT, a, ARRAY_LEN(a), NULL);
    free(text);
    json_decref(changes);
    return st;
}

static void diff_add(json_t *changes, const char *prefix, int64_t id, const char *member, const char *from,
                     const char *to)
{
    if (strcmp(from, to) == 0) {
        return;
    }
    char key[160];
    snprintf(key, sizeof key, "%s/%lld/%s", prefix, (long long)id, member);
    json_object_set_new(changes, key, json_pack("{ssss}", "from", from, "to", to));
}

static void diff_sealed(json_t *changes, const char *prefix, int64_t id, const char *member)
{
    char key[160];
    snprintf(key, sizeof key, "%s/%lld/%s", prefix, (long long)id, member);
    json_object_set_new(changes, key, json_string("changed"));
}

/* Checks group gr once per operation (the audit gets one entry per group). */
static enum status group_check(const struct auth_ctx *ctx, const struct auth_record *rec, enum auth_field_group g,
                               bool write, const char *detail, bool done[AUTH_FG__COUNT])
{
    if (done[g]) {
        return STATUS_OK;
    }
    done[g] = true;
    return auth_check(ctx, write ? "case.write" : "case.read", rec, g, write, detail);
}

/* Perpetrators. */

enum {
    P_ROLES = 1u << 0,
    P_ROLE_DETAILS = 1u << 1,
    P_GENDER = 1u << 2,
    P_AGE_BAND = 1u << 3,
    P_AGE = 1u << 4,
    P_CITIZENSHIP = 1u << 5,
    P_RELATION = 1u << 6,
    P_NAME = 1u << 7,
    P_NOTES = 1u << 8,
};

static char *roles_text(uint64_t roles)
{
    struct buf b = BUF_INIT(4096);
    for (size_t i = 0; i < 63; i++) {
        if (roles & ((uint64_t)1 << i)) {
            const char *code = vocab_code("perp_role", i);
            if (code != NULL) {
                buf_printf(&b, "%s%s", b.len ? ";" : "", code);
            }
        }
    }
    return buf_take(&b);
}

void case_perpetrator_clear(struct case_perpetrator *p)
{
    text_free(p->role_details);
    text_free(p->name);
    text_free(p->notes);
    memset(p, 0, sizeof *p);
    p->age = -1;
}

void case_perpetrators_free(struct case_perpetrator *p, size_t count)
{
    for (size_t i = 0; p && i < count; i++) {
        case_perpetrator_clear(&p[i]);
    }
    free(p);
}

enum status case_perpetrator_from_json(struct case_perpetrator *p, const json_t *o, bool partial, uint32_t *mask_out)
{
    static const char *const known[] = {"roles",    "role_details", "gender",     "age_band", "age",     "citizenship",
                                        "relation", "name",         "notes",      "id",       "version", "deleted",
                                        "withheld", "created_at",   "updated_at", NULL};
    uint32_t mask = 0;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a perpetrator is a JSON object");
    }
    if (!partial) {
        case_perpetrator_clear(p);
    }
    enum status st = keys_known(o, known);
    json_t *roles = json_object_get(o, "roles");
    if (st == STATUS_OK && roles != NULL) {
        mask |= P_ROLES;
        p->roles = 0;
        if (!json_is_null(roles) && !json_is_array(roles)) {
            st = err_set_field(STATUS_INVALID, "roles", "roles: an array of codes");
        }
        size_t i;
        json_t *item;
        json_array_foreach(json_is_array(roles) ? roles : NULL, i, item)
        {
            const char *code = NULL;
            if (st != STATUS_OK) {
                break;
            }
            if (!json_is_string(item) || vocab_parse("perp_role", json_string_value(item), &code) != STATUS_OK) {
                st = err_set_field(STATUS_INVALID, "roles", "roles: not a code of perp_role");
                break;
            }
            int idx = vocab_index("perp_role", code);
            if (idx < 0 || idx > 62) {
                st = err_set_field(STATUS_INVALID, "roles", "roles: code out of range");
                break;
            }
            p->roles |= (uint64_t)1 << idx;
        }
    }
    struct {
        const char *key;
        const char *vocab;
        char *out;
        size_t cap;
        uint32_t bit;
    } codes[] = {
        {"gender", "gender", p->gender, sizeof p->gender, P_GENDER},
        {"age_band", "perp_age_band", p->age_band, sizeof p->age_band, P_AGE_BAND},
        {"citizenship", "country", p->citizenship, sizeof p->citizenship, P_CITIZENSHIP},
        {"relation", "relationship", p->relation, sizeof p->relation, P_RELATION},
    };
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(codes); i++) {
        const char *text = NULL;
        bool present = false;
        st = json_str(o, codes[i].key, &text, &present);
        if (st == STATUS_OK && present) {
            mask |= codes[i].bit;
            st = code_parse(codes[i].key, codes[i].vocab, text, codes[i].out, codes[i].cap);
        }
    }
    json_t *age = json_object_get(o, "age");
    if (st == STATUS_OK && age != NULL) {
        mask |= P_AGE;
        if (json_is_null(age)) {
            p->age = -1;
        } else if (!json_is_integer(age) || json_integer_value(age) < 0 || json_integer_value(age) > 130) {
            st = err_set_field(STATUS_INVALID, "age", "age: a whole number from 0 to 130");
        } else {
            p->age = (int)json_integer_value(age);
        }
    }
    struct {
        const char *key;
        char **out;
        size_t max;
        uint32_t bit;
    } texts[] = {
        {"name", &p->name, NAME_BYTES_MAX, P_NAME},
        {"role_details", &p->role_details, CASE_RECORD_TEXT_BYTES_MAX, P_ROLE_DETAILS},
        {"notes", &p->notes, CASE_RECORD_TEXT_BYTES_MAX, P_NOTES},
    };
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(texts); i++) {
        const char *text = NULL;
        bool present = false;
        st = json_str(o, texts[i].key, &text, &present);
        if (st == STATUS_OK && present) {
            mask |= texts[i].bit;
            st = text_check(texts[i].key, text, texts[i].max);
            if (st == STATUS_OK) {
                set_str(texts[i].out, text);
            }
        }
    }
    if (mask_out) {
        *mask_out = mask;
    }
    return st;
}

json_t *case_perpetrator_to_json(const struct case_perpetrator *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_t *roles = json_array();
    for (size_t i = 0; i < 63; i++) {
        if (p->roles & ((uint64_t)1 << i)) {
            const char *code = vocab_code("perp_role", i);
            if (code) {
                json_array_append_new(roles, json_string(code));
            }
        }
    }
    json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "role_details", str_or_null(p->role_details));
    json_object_set_new(o, "gender", str_or_null(p->gender));
    json_object_set_new(o, "age_band", str_or_null(p->age_band));
    json_object_set_new(o, "age", p->age >= 0 ? json_integer(p->age) : json_null());
    json_object_set_new(o, "citizenship", str_or_null(p->citizenship));
    json_object_set_new(o, "relation", str_or_null(p->relation));
    json_object_set_new(o, "name", str_or_null(p->name));
    json_object_set_new(o, "notes", str_or_null(p->notes));
    json_object_set_new(o, "deleted", json_boolean(p->deleted));
    json_object_set_new(o, "created_at", time_json(p->created_at_ms));
    json_object_set_new(o, "updated_at", time_json(p->updated_at_ms));
    json_object_set_new(o, "version", json_integer(p->version));
    json_t *w = json_array();
    if (p->withheld & CASE_REC_WITHHELD_NAME) {
        json_array_append_new(w, json_string("name"));
    }
    if (p->withheld & CASE_REC_WITHHELD_ROLE_DETAILS) {
        json_array_append_new(w, json_string("role_details"));
    }
    if (p->withheld & CASE_REC_WITHHELD_NOTES) {
        json_array_append_new(w, json_string("notes"));
    }
    json_object_set_new(o, "withheld", w);
    return o;
}

static enum status perp_name_index(const struct auth_ctx *ctx, int64_t id, const char *name)
{
    struct sql_value c[] = {SQLV_I64(id)};
    enum status st = store_exec(ctx->store, STMT_CASE_PERP_NAME_CLEAR, c, 1, NULL);
    if (st != STATUS_OK || name == NULL || name[0] == '\0') {
        return st;
    }
    uint8_t(*words)[VAULT_BIDX_BYTES] = xcalloc(PERP_NAME_WORDS_MAX, VAULT_BIDX_BYTES);
    size_t n = 0;
    st = case__name_word_indexes(ctx, PERP_NAME_DOMAIN, name, words, PERP_NAME_WORDS_MAX, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        struct sql_value a[] = {SQLV_BLOB(words[i], VAULT_BIDX_BYTES), SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_CASE_PERP_NAME_INSERT, a, 2, NULL);
    }
    free(words);
    return st;
}

/* Reads a perpetrator row (CASE_PERP_COLS) into p. */
static enum status perp_row(const struct auth_ctx *ctx, struct store_rows *r, int64_t case_id, bool idn, bool nar,
                            struct case_perpetrator *p)
{
    case_perpetrator_clear(p);
    p->id = store_rows_i64(r, 0);
    p->case_id = case_id;
    p->roles = (uint64_t)store_rows_i64(r, 1);
    snprintf(p->gender, sizeof p->gender, "%s", store_rows_text(r, 3));
    snprintf(p->age_band, sizeof p->age_band, "%s", store_rows_text(r, 4));
    p->age = store_rows_is_null(r, 5) ? -1 : (int)store_rows_i64(r, 5);
    snprintf(p->citizenship, sizeof p->citizenship, "%s", store_rows_text(r, 6));
    snprintf(p->relation, sizeof p->relation, "%s", store_rows_text(r, 7));
    p->deleted = store_rows_i64(r, 10) != 0;
    p->created_at_ms = store_rows_i64(r, 11);
    p->updated_at_ms = store_rows_i64(r, 12);
    p->version = store_rows_i64(r, 13);
    enum status st = unseal_col(ctx, r, 2, "case_perpetrators", "role_details_enc", p->id, nar,
                                CASE_REC_WITHHELD_ROLE_DETAILS, &p->withheld, &p->role_details);
    if (st == STATUS_OK) {
        st = unseal_col(ctx, r, 8, "case_perpetrators", "name_enc", p->id, idn, CASE_REC_WITHHELD_NAME, &p->withheld,
                        &p->name);
    }
    if (st == STATUS_OK) {
        st = unseal_col(ctx, r, 9, "case_perpetrators", "notes_enc", p->id, nar, CASE_REC_WITHHELD_NOTES, &p->withheld,
                        &p->notes);
    }
    return st;
}

/* Binds and writes a perpetrator (insert when expected_version is 0, else update). Sealed
 * members not in mask keep their stored envelopes (old_row), unopened. */
struct perp_write {
    uint8_t *sealed[3];
    uint8_t *old[3];
    size_t old_len[3];
};

static void perp_write_free(struct perp_write *w)
{
    for (int i = 0; i < 3; i++) {
        free(w->sealed[i]);
        free(w->old[i]);
    }
}

/* Reaches a case to change its records: case.write, in scope, not merged into another, and its
 * consent allowing processing (consent.h). */
static enum status reach_write(const struct auth_ctx *ctx, int64_t case_id, const char *detail, struct auth_record *rec,
                               int64_t *version)
{
    enum status st = case__reach(ctx, case_id, "case.write", true, detail, rec, version);
    return st == STATUS_OK ? case__consent_require(ctx, case_id, CASE_USE_PROCESS) : st;
}

enum status case_perpetrator_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_perpetrator *in,
                                 int64_t *id_out)
{
    struct auth_record rec;
    int64_t version = 0;
    enum status st = reach_write(ctx, case_id, "add perpetrator", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    bool done[AUTH_FG__COUNT] = {false};
    if (in->name && in->name[0]) {
        st = group_check(ctx, &rec, AUTH_FG_IDENTITY, true, "add perpetrator", done);
    }
    if (st == STATUS_OK && ((in->role_details && in->role_details[0]) || (in->notes && in->notes[0]))) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, true, "add perpetrator", done);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id(), now = util_now_ms();
    struct perp_write w = {0};
    struct sql_value vd, vn, vo;
    st = vault_seal_text(ctx->vault, "case_perpetrators", "role_details_enc", id, in->role_details, &w.sealed[0], &vd);
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "case_perpetrators", "name_enc", id, in->name, &w.sealed[1], &vn);
    }
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "case_perpetrators", "notes_enc", id, in->notes, &w.sealed[2], &vo);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                SQLV_I64((int64_t)in->roles),
                                vd,
                                sqlv_text(in->gender),
                                sqlv_text(in->age_band),
                                in->age >= 0 ? SQLV_I64(in->age) : SQLV_NULL,
                                sqlv_text(in->citizenship),
                                sqlv_text(in->relation),
                                vn,
                                vo,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_CASE_PERP_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        st = perp_name_index(ctx, id, in->name);
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        char *roles = roles_text(in->roles);
        char age[16] = "";
        if (in->age >= 0) {
            snprintf(age, sizeof age, "%d", in->age);
        }
        diff_add(ch, "perpetrators", id, "roles", "", roles);
        diff_add(ch, "perpetrators", id, "gender", "", in->gender);
        diff_add(ch, "perpetrators", id, "age_band", "", in->age_band);
        diff_add(ch, "perpetrators", id, "age", "", age);
        diff_add(ch, "perpetrators", id, "citizenship", "", in->citizenship);
        diff_add(ch, "perpetrators", id, "relation", "", in->relation);
        free(roles);
        if (vn.type != SQL_NULL) {
            diff_sealed(ch, "perpetrators", id, "name");
        }
        if (vd.type != SQL_NULL) {
            diff_sealed(ch, "perpetrators", id, "role_details");
        }
        if (vo.type != SQL_NULL) {
            diff_sealed(ch, "perpetrators", id, "notes");
        }
        char key[64];
        snprintf(key, sizeof key, "perpetrators/%lld", (long long)id);
        json_object_set_new(ch, key, json_string("added"));
        st = history(ctx, case_id, version, "perpetrator.add", ch);
    }
    perp_write_free(&w);
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

enum status case_perpetrators(const struct auth_ctx *ctx, int64_t case_id, bool with_deleted,
                              struct case_perpetrator **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case__reach(ctx, case_id, "case.read", false, "perpetrators", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    bool done[AUTH_FG__COUNT] = {false};
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    bool idn = allowed[AUTH_FG_IDENTITY];
    bool nar = allowed[AUTH_FG_NARRATIVE];
    if (idn) {
        st = group_check(ctx, &rec, AUTH_FG_IDENTITY, false, "perpetrators", done);
    }
    if (st == STATUS_OK && nar) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, false, "perpetrators", done);
    }
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(with_deleted ? 1 : 0)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_PERP_LIST, a, 2, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct case_perpetrator *p = xcalloc(cap, sizeof *p);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            p = xrealloc(p, cap * sizeof *p);
        }
        memset(&p[n], 0, sizeof p[n]);
        st = perp_row(ctx, r, case_id, idn, nar, &p[n]);
        n++;
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_perpetrators_free(p, n);
        return st;
    }
    *out = p;
    *count_out = n;
    return STATUS_OK;
}

static enum status blob_copy(struct store_rows *r, size_t col, uint8_t **out, size_t *len, struct sql_value *v)
{
    const uint8_t *b = store_rows_blob(r, col, len);
    *out = NULL;
    *v = SQLV_NULL;
    if (b != NULL && *len > 0) {
        *out = xmalloc(*len);
        memcpy(*out, b, *len);
        *v = SQLV_BLOB(*out, *len);
    }
    return STATUS_OK;
}

enum status case_perpetrator_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                                    const struct case_perpetrator *in, uint32_t mask)
{
    struct auth_record rec;
    int64_t case_version = 0;
    enum status st = reach_write(ctx, case_id, "update perpetrator", &rec, &case_version);
    if (st != STATUS_OK) {
        return st;
    }
    bool done[AUTH_FG__COUNT] = {false};
    if (mask & P_NAME) {
        st = group_check(ctx, &rec, AUTH_FG_IDENTITY, true, "update perpetrator", done);
    }
    if (st == STATUS_OK && (mask & (P_ROLE_DETAILS | P_NOTES))) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, true, "update perpetrator", done);
    }
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_CASE_PERP_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such perpetrator");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct case_perpetrator cur;
    memset(&cur, 0, sizeof cur);
    st = perp_row(ctx, r, case_id, false, false, &cur); /* coded members only: nothing is opened */
    struct perp_write w = {0};
    struct sql_value old[3];
    static const size_t cols[3] = {2, 8, 9};
    for (int i = 0; i < 3; i++) {
        blob_copy(r, cols[i], &w.old[i], &w.old_len[i], &old[i]);
    }
    store_rows_free(r);
    if (st == STATUS_OK && cur.deleted) {
        st = err_set(STATUS_NOT_FOUND, "no such perpetrator");
    }
    if (st == STATUS_OK && cur.version != expected_version) {
        st = err_set(STATUS_CONFLICT, "the perpetrator was changed by someone else");
    }
    struct case_perpetrator nw = cur;
    nw.role_details = nw.name = nw.notes = NULL;
    if (mask & P_ROLES) {
        nw.roles = in->roles;
    }
    if (mask & P_GENDER) {
        memcpy(nw.gender, in->gender, sizeof nw.gender);
    }
    if (mask & P_AGE_BAND) {
        memcpy(nw.age_band, in->age_band, sizeof nw.age_band);
    }
    if (mask & P_AGE) {
        nw.age = in->age;
    }
    if (mask & P_CITIZENSHIP) {
        memcpy(nw.citizenship, in->citizenship, sizeof nw.citizenship);
    }
    if (mask & P_RELATION) {
        memcpy(nw.relation, in->relation, sizeof nw.relation);
    }
    struct sql_value vd = old[0], vn = old[1], vo = old[2];
    if (st == STATUS_OK && (mask & P_ROLE_DETAILS)) {
        st = vault_seal_text(ctx->vault, "case_perpetrators", "role_details_enc", id, in->role_details, &w.sealed[0],
                             &vd);
    }
    if (st == STATUS_OK && (mask & P_NAME)) {
        st = vault_seal_text(ctx->vault, "case_perpetrators", "name_enc", id, in->name, &w.sealed[1], &vn);
    }
    if (st == STATUS_OK && (mask & P_NOTES)) {
        st = vault_seal_text(ctx->vault, "case_perpetrators", "notes_enc", id, in->notes, &w.sealed[2], &vo);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(expected_version),
                                SQLV_I64((int64_t)nw.roles),
                                vd,
                                sqlv_text(nw.gender),
                                sqlv_text(nw.age_band),
                                nw.age >= 0 ? SQLV_I64(nw.age) : SQLV_NULL,
                                sqlv_text(nw.citizenship),
                                sqlv_text(nw.relation),
                                vn,
                                vo,
                                SQLV_I64(util_now_ms())};
        struct store_rows *u = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_PERP_UPDATE, a, ARRAY_LEN(a), &u);
        store_rows_free(u);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the perpetrator was changed by someone else");
        }
    }
    if (st == STATUS_OK && (mask & P_NAME)) {
        st = perp_name_index(ctx, id, in->name);
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        char *r0 = roles_text(cur.roles), *r1 = roles_text(nw.roles);
        char a0[16] = "", a1[16] = "";
        if (cur.age >= 0) {
            snprintf(a0, sizeof a0, "%d", cur.age);
        }
        if (nw.age >= 0) {
            snprintf(a1, sizeof a1, "%d", nw.age);
        }
        diff_add(ch, "perpetrators", id, "roles", r0, r1);
        diff_add(ch, "perpetrators", id, "gender", cur.gender, nw.gender);
        diff_add(ch, "perpetrators", id, "age_band", cur.age_band, nw.age_band);
        diff_add(ch, "perpetrators", id, "age", a0, a1);
        diff_add(ch, "perpetrators", id, "citizenship", cur.citizenship, nw.citizenship);
        diff_add(ch, "perpetrators", id, "relation", cur.relation, nw.relation);
        free(r0);
        free(r1);
        if (mask & P_NAME) {
            diff_sealed(ch, "perpetrators", id, "name");
        }
        if (mask & P_ROLE_DETAILS) {
            diff_sealed(ch, "perpetrators", id, "role_details");
        }
        if (mask & P_NOTES) {
            diff_sealed(ch, "perpetrators", id, "notes");
        }
        st = history(ctx, case_id, case_version, "perpetrator.update", ch);
    }
    perp_write_free(&w);
    case_perpetrator_clear(&cur);
    return st;
}

enum status case_perpetrator_delete(const struct auth_ctx *ctx, int64_t case_id, int64_t id)
{
    struct auth_record rec;
    int64_t case_version = 0;
    enum status st = reach_write(ctx, case_id, "delete perpetrator", &rec, &case_version);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_CASE_PERP_GET, k, 2, &r);
        store_rows_free(r);
        r = NULL;
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(util_now_ms())};
        st = store_exec_one(ctx->store, STMT_CASE_PERP_DELETE, a, 2, &r);
        store_rows_free(r);
    }
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such perpetrator");
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        char key[64];
        snprintf(key, sizeof key, "perpetrators/%lld", (long long)id);
        json_object_set_new(ch, key, json_string("deleted"));
        st = history(ctx, case_id, case_version, "perpetrator.delete", ch);
    }
    return st;
}

/* Support plans. */

enum {
    S_TYPE = 1u << 0,
    S_OBJECTIVES = 1u << 1,
    S_ACTION_PLAN = 1u << 2,
    S_PLANNED_END = 1u << 3,
    S_ACTUAL_END = 1u << 4,
    S_STATUS = 1u << 5,
    S_PROVIDER = 1u << 6,
};

void case_support_plan_clear(struct case_support_plan *p)
{
    text_free(p->objectives);
    text_free(p->action_plan);
    free(p->provider);
    memset(p, 0, sizeof *p);
}

void case_support_plans_free(struct case_support_plan *p, size_t count)
{
    for (size_t i = 0; p && i < count; i++) {
        case_support_plan_clear(&p[i]);
    }
    free(p);
}

enum status case_support_plan_from_json(struct case_support_plan *p, const json_t *o, bool partial, uint32_t *mask_out)
{
    static const char *const known[] = {
        "type", "objectives", "action_plan", "planned_end_date", "actual_end_date", "status", "provider",
        "id",   "version",    "withheld",    "created_at",       "updated_at",      NULL};
    uint32_t mask = 0;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a support plan is a JSON object");
    }
    if (!partial) {
        case_support_plan_clear(p);
        snprintf(p->status, sizeof p->status, "Planned");
    }
    enum status st = keys_known(o, known);
    const char *text = NULL;
    bool present = false;
    if (st == STATUS_OK) {
        st = json_str(o, "type", &text, &present);
    }
    if (st == STATUS_OK && present) {
        mask |= S_TYPE;
        st = code_parse("type", "support_type", text, p->type, sizeof p->type);
    }
    if (st == STATUS_OK && (!partial || present) && p->type[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "type", "type: required, a code of support_type");
    }
    if (st == STATUS_OK) {
        st = json_str(o, "status", &text, &present);
    }
    if (st == STATUS_OK && present) {
        mask |= S_STATUS;
        st = code_parse("status", "support_status", text, p->status, sizeof p->status);
        if (st == STATUS_OK && p->status[0] == '\0') {
            st = err_set_field(STATUS_INVALID, "status", "status: Planned, InProgress, Completed or Cancelled");
        }
    }
    struct {
        const char *key;
        char *out;
        uint32_t bit;
    } dates[] = {{"planned_end_date", p->planned_end, S_PLANNED_END}, {"actual_end_date", p->actual_end, S_ACTUAL_END}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(dates); i++) {
        st = json_str(o, dates[i].key, &text, &present);
        if (st == STATUS_OK && present) {
            dates[i].out[0] = '\0';
            mask |= dates[i].bit;
            if (text[0] != '\0') {
                st = case__date_check(dates[i].key, text, dates[i].out);
            }
        }
    }
    struct {
        const char *key;
        char **out;
        size_t max;
        uint32_t bit;
    } texts[] = {
        {"objectives", &p->objectives, CASE_RECORD_TEXT_BYTES_MAX, S_OBJECTIVES},
        {"action_plan", &p->action_plan, CASE_RECORD_TEXT_BYTES_MAX, S_ACTION_PLAN},
        {"provider", &p->provider, NAME_BYTES_MAX, S_PROVIDER},
    };
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(texts); i++) {
        st = json_str(o, texts[i].key, &text, &present);
        if (st == STATUS_OK && present) {
            mask |= texts[i].bit;
            st = text_check(texts[i].key, text, texts[i].max);
            if (st == STATUS_OK) {
                set_str(texts[i].out, text);
            }
        }
    }
    if (mask_out) {
        *mask_out = mask;
    }
    return st;
}

json_t *case_support_plan_to_json(const struct case_support_plan *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "type", json_string(p->type));
    json_object_set_new(o, "objectives", str_or_null(p->objectives));
    json_object_set_new(o, "action_plan", str_or_null(p->action_plan));
    json_object_set_new(o, "planned_end_date", str_or_null(p->planned_end));
    json_object_set_new(o, "actual_end_date", str_or_null(p->actual_end));
    json_object_set_new(o, "status", json_string(p->status));
    json_object_set_new(o, "provider", str_or_null(p->provider));
    json_object_set_new(o, "created_at", time_json(p->created_at_ms));
    json_object_set_new(o, "updated_at", time_json(p->updated_at_ms));
    json_object_set_new(o, "version", json_integer(p->version));
    json_t *w = json_array();
    if (p->withheld & CASE_REC_WITHHELD_OBJECTIVES) {
        json_array_append_new(w, json_string("objectives"));
    }
    if (p->withheld & CASE_REC_WITHHELD_ACTION_PLAN) {
        json_array_append_new(w, json_string("action_plan"));
    }
    json_object_set_new(o, "withheld", w);
    return o;
}

static enum status plan_row(const struct auth_ctx *ctx, struct store_rows *r, int64_t case_id, bool nar,
                            struct case_support_plan *p)
{
    case_support_plan_clear(p);
    p->id = store_rows_i64(r, 0);
    p->case_id = case_id;
    snprintf(p->type, sizeof p->type, "%s", store_rows_text(r, 1));
    snprintf(p->planned_end, sizeof p->planned_end, "%s", store_rows_text(r, 4));
    snprintf(p->actual_end, sizeof p->actual_end, "%s", store_rows_text(r, 5));
    snprintf(p->status, sizeof p->status, "%s", store_rows_text(r, 6));
    const char *prov = store_rows_text(r, 7);
    p->provider = prov[0] ? xstrdup(prov) : NULL;
    p->created_at_ms = store_rows_i64(r, 8);
    p->updated_at_ms = store_rows_i64(r, 9);
    p->version = store_rows_i64(r, 10);
    enum status st = unseal_col(ctx, r, 2, "case_support_plans", "objectives_enc", p->id, nar,
                                CASE_REC_WITHHELD_OBJECTIVES, &p->withheld, &p->objectives);
    if (st == STATUS_OK) {
        st = unseal_col(ctx, r, 3, "case_support_plans", "action_plan_enc", p->id, nar, CASE_REC_WITHHELD_ACTION_PLAN,
                        &p->withheld, &p->action_plan);
    }
    return st;
}

enum status case_support_plan_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_support_plan *in,
                                  int64_t *id_out)
{
    if (in->type[0] == '\0' || vocab_index("support_type", in->type) < 0) {
        return err_set_field(STATUS_INVALID, "type", "type: required, a code of support_type");
    }
    if (vocab_index("support_status", in->status) < 0) {
        return err_set_field(STATUS_INVALID, "status", "status: Planned, InProgress, Completed or Cancelled");
    }
    struct auth_record rec;
    int64_t version = 0;
    enum status st = reach_write(ctx, case_id, "add support plan", &rec, &version);
    bool done[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK && ((in->objectives && in->objectives[0]) || (in->action_plan && in->action_plan[0]))) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, true, "add support plan", done);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *b1 = NULL, *b2 = NULL;
    struct sql_value v1, v2;
    st = vault_seal_text(ctx->vault, "case_support_plans", "objectives_enc", id, in->objectives, &b1, &v1);
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "case_support_plans", "action_plan_enc", id, in->action_plan, &b2, &v2);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                sqlv_text(in->type),
                                v1,
                                v2,
                                sqlv_text(in->planned_end),
                                sqlv_text(in->actual_end),
                                sqlv_text(in->status),
                                sqlv_text(in->provider ? in->provider : ""),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_CASE_PLAN_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        diff_add(ch, "support_plans", id, "type", "", in->type);
        diff_add(ch, "support_plans", id, "status", "", in->status);
        diff_add(ch, "support_plans", id, "planned_end_date", "", in->planned_end);
        diff_add(ch, "support_plans", id, "actual_end_date", "", in->actual_end);
        diff_add(ch, "support_plans", id, "provider", "", in->provider ? in->provider : "");
        if (v1.type != SQL_NULL) {
            diff_sealed(ch, "support_plans", id, "objectives");
        }
        if (v2.type != SQL_NULL) {
            diff_sealed(ch, "support_plans", id, "action_plan");
        }
        st = history(ctx, case_id, version, "support_plan.add", ch);
    }
    free(b1);
    free(b2);
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

enum status case_support_plans(const struct auth_ctx *ctx, int64_t case_id, struct case_support_plan **out,
                               size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case__reach(ctx, case_id, "case.read", false, "support plans", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    bool done[AUTH_FG__COUNT] = {false};
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    bool nar = allowed[AUTH_FG_NARRATIVE];
    if (nar) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, false, "support plans", done);
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_PLAN_LIST, a, 1, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct case_support_plan *p = xcalloc(cap, sizeof *p);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            p = xrealloc(p, cap * sizeof *p);
        }
        memset(&p[n], 0, sizeof p[n]);
        st = plan_row(ctx, r, case_id, nar, &p[n]);
        n++;
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_support_plans_free(p, n);
        return st;
    }
    *out = p;
    *count_out = n;
    return STATUS_OK;
}

enum status case_support_plan_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                                     const struct case_support_plan *in, uint32_t mask)
{
    struct auth_record rec;
    int64_t case_version = 0;
    enum status st = reach_write(ctx, case_id, "update support plan", &rec, &case_version);
    bool done[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK && (mask & (S_OBJECTIVES | S_ACTION_PLAN))) {
        st = group_check(ctx, &rec, AUTH_FG_NARRATIVE, true, "update support plan", done);
    }
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_CASE_PLAN_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such support plan");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct case_support_plan cur;
    memset(&cur, 0, sizeof cur);
    st = plan_row(ctx, r, case_id, false, &cur);
    uint8_t *old[2] = {NULL, NULL}, *sealed[2] = {NULL, NULL};
    size_t old_len[2];
    struct sql_value v1, v2;
    blob_copy(r, 2, &old[0], &old_len[0], &v1);
    blob_copy(r, 3, &old[1], &old_len[1], &v2);
    store_rows_free(r);
    if (st == STATUS_OK && cur.version != expected_version) {
        st = err_set(STATUS_CONFLICT, "the support plan was changed by someone else");
    }
    struct case_support_plan nw = cur;
    nw.objectives = nw.action_plan = NULL;
    nw.provider = cur.provider;
    if (mask & S_TYPE) {
        memcpy(nw.type, in->type, sizeof nw.type);
    }
    if (mask & S_STATUS) {
        memcpy(nw.status, in->status, sizeof nw.status);
    }
    if (mask & S_PLANNED_END) {
        memcpy(nw.planned_end, in->planned_end, sizeof nw.planned_end);
    }
    if (mask & S_ACTUAL_END) {
        memcpy(nw.actual_end, in->actual_end, sizeof nw.actual_end);
    }
    if (mask & S_PROVIDER) {
        nw.provider = in->provider;
    }
    if (st == STATUS_OK && (vocab_index("support_type", nw.type) < 0 || vocab_index("support_status", nw.status) < 0)) {
        st = err_set_field(STATUS_INVALID, "type", "type or status: not a code");
    }
    if (st == STATUS_OK && (mask & S_OBJECTIVES)) {
        st = vault_seal_text(ctx->vault, "case_support_plans", "objectives_enc", id, in->objectives, &sealed[0], &v1);
    }
    if (st == STATUS_OK && (mask & S_ACTION_PLAN)) {
        st = vault_seal_text(ctx->vault, "case_support_plans", "action_plan_enc", id, in->action_plan, &sealed[1], &v2);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(expected_version),
                                sqlv_text(nw.type),
                                v1,
                                v2,
                                sqlv_text(nw.planned_end),
                                sqlv_text(nw.actual_end),
                                sqlv_text(nw.status),
                                sqlv_text(nw.provider ? nw.provider : ""),
                                SQLV_I64(util_now_ms())};
        struct store_rows *u = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_PLAN_UPDATE, a, ARRAY_LEN(a), &u);
        store_rows_free(u);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the support plan was changed by someone else");
        }
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        diff_add(ch, "support_plans", id, "type", cur.type, nw.type);
        diff_add(ch, "support_plans", id, "status", cur.status, nw.status);
        diff_add(ch, "support_plans", id, "planned_end_date", cur.planned_end, nw.planned_end);
        diff_add(ch, "support_plans", id, "actual_end_date", cur.actual_end, nw.actual_end);
        diff_add(ch, "support_plans", id, "provider", cur.provider ? cur.provider : "", nw.provider ? nw.provider : "");
        if (mask & S_OBJECTIVES) {
            diff_sealed(ch, "support_plans", id, "objectives");
        }
        if (mask & S_ACTION_PLAN) {
            diff_sealed(ch, "support_plans", id, "action_plan");
        }
        st = history(ctx, case_id, case_version, "support_plan.update", ch);
    }
    for (int i = 0; i < 2; i++) {
        free(old[i]);
        free(sealed[i]);
    }
    case_support_plan_clear(&cur);
    return st;
}

/* Attachments. */

static const struct {
    const char *kind;
    enum auth_field_group group;
} attachment_kinds[] = {
    {"consent_form", AUTH_FG_IDENTITY}, {"identity_document", AUTH_FG_IDENTITY},
    {"medical", AUTH_FG_HEALTH},        {"legal", AUTH_FG_LEGAL},
    {"other", AUTH_FG_NARRATIVE},
};

enum auth_field_group case_attachment_group(const char *kind)
{
    for (size_t i = 0; kind && i < ARRAY_LEN(attachment_kinds); i++) {
        if (strcmp(kind, attachment_kinds[i].kind) == 0) {
            return attachment_kinds[i].group;
        }
    }
    return AUTH_FG_NONE;
}

const char *case_attachment_sniff(const void *data, size_t len)
{
    const uint8_t *d = data;
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0) {
        return "application/pdf";
    }
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        return "image/jpeg";
    }
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        return "image/png";
    }
    if (len >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)) {
        return "image/tiff";
    }
    if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        return "image/webp";
    }
    if (len > 0 && util_utf8_valid(data, len)) {
        return "text/plain";
    }
    return NULL;
}

void case_attachment_clear(struct case_attachment *a)
{
    text_free(a->file_name);
    free(a->author);
    memset(a, 0, sizeof *a);
}

void case_attachments_free(struct case_attachment *a, size_t count)
{
    for (size_t i = 0; a && i < count; i++) {
        case_attachment_clear(&a[i]);
    }
    free(a);
}

void case_attachment_data_free(uint8_t *data, size_t len)
{
    if (data != NULL) {
        vault_wipe(data, len);
        free(data);
    }
}

json_t *case_attachment_to_json(const struct case_attachment *a)
{
    json_t *o = json_pack("{sIsssosssIsssosssbsb}", "id", (json_int_t)a->id, "kind", a->kind, "file_name",
                          str_or_null(a->file_name), "media_type", a->media_type, "size", (json_int_t)a->size, "sha256",
                          a->sha256, "created_at", time_json(a->created_at_ms), "author", a->author ? a->author : "",
                          "deleted", a->deleted, "purged", a->purged);
    json_t *w = json_array();
    if (a->withheld & CASE_REC_WITHHELD_FILE_NAME) {
        json_array_append_new(w, json_string("file_name"));
    }
    json_object_set_new(o, "withheld", w);
    return o;
}

/* The declared type as a bare media type ("image/jpeg; x=y" -> "image/jpeg"), compared with the
 * sniffed one; image/jpg is image/jpeg. */
static bool declared_matches(const char *declared, const char *sniffed)
{
    if (declared == NULL || declared[0] == '\0' || strcasecmp(declared, "application/octet-stream") == 0) {
        return true;
    }
    size_t n = strcspn(declared, "; ");
    if (n == 9 && strncasecmp(declared, "image/jpg", 9) == 0) {
        return strcmp(sniffed, "image/jpeg") == 0;
    }
    return strlen(sniffed) == n && strncasecmp(declared, sniffed, n) == 0;
}

enum status case_attachment_add(const struct auth_ctx *ctx, int64_t case_id, const char *kind, const char *file_name,
                                const char *declared_type, const void *data, size_t len, int64_t *id_out)
{
    enum auth_field_group g = case_attachment_group(kind);
    if (g == AUTH_FG_NONE) {
        return err_set_field(STATUS_INVALID, "kind", "kind: consent_form, identity_document, medical, legal or other");
    }
    if (len == 0) {
        return err_set_field(STATUS_INVALID, "content", "content: the file is empty");
    }
    if (len > CASE_ATTACHMENT_BYTES_MAX) {
        return err_set_field(STATUS_TOO_LARGE, "content", "content: larger than %d bytes", CASE_ATTACHMENT_BYTES_MAX);
    }
    const char *type = case_attachment_sniff(data, len);
    if (type == NULL) {
        return err_set_field(STATUS_INVALID, "content",
                             "content: not a PDF, JPEG, PNG, TIFF, WebP or plain text file (by its first bytes)");
    }
    if (!declared_matches(declared_type, type)) {
        return err_set_field(STATUS_INVALID, "content", "content: the declared type does not match the content (%s)",
                             type);
    }
    enum status st = text_check("file_name", file_name, CASE_ATTACHMENT_NAME_BYTES_MAX);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec;
    int64_t version = 0;
    st = reach_write(ctx, case_id, "add attachment", &rec, &version);
    bool done[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK) {
        st = group_check(ctx, &rec, g, true, "add attachment", done);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t digest[VAULT_SHA256_BYTES];
    struct vault_sha256 h;
    vault_sha256_init(&h);
    vault_sha256_update(&h, data, len);
    vault_sha256_final(&h, digest);
    char hex[65];
    util_hex_encode(hex, digest, sizeof digest);
    size_t chunks = (len + CASE_ATTACHMENT_CHUNK_BYTES - 1) / CASE_ATTACHMENT_CHUNK_BYTES;
    uint8_t *fn = NULL;
    struct sql_value vf;
    st = vault_seal_text(ctx->vault, "case_attachments", "file_name_enc", id, file_name, &fn, &vf);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                sqlv_text(kind),
                                vf,
                                sqlv_text(type),
                                SQLV_I64((int64_t)len),
                                sqlv_text(hex),
                                SQLV_I64((int64_t)chunks),
                                SQLV_I64(util_now_ms()),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(ctx->who->username)};
        st = store_exec(ctx->store, STMT_CASE_ATT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(fn);
    for (size_t i = 0; st == STATUS_OK && i < chunks; i++) {
        size_t off = i * CASE_ATTACHMENT_CHUNK_BYTES;
        size_t n = len - off < CASE_ATTACHMENT_CHUNK_BYTES ? len - off : CASE_ATTACHMENT_CHUNK_BYTES;
        int64_t cid = vault_random_id();
        struct vault_ad ad = {"case_attachment_chunks", "content_enc", cid};
        uint8_t *env = NULL;
        size_t env_len = 0;
        st = vault_seal(ctx->vault, &env, &env_len, &ad, (const uint8_t *)data + off, n);
        if (st == STATUS_OK) {
            struct sql_value a[] = {SQLV_I64(cid), SQLV_I64(id), SQLV_I64((int64_t)i), SQLV_BLOB(env, env_len)};
            st = store_exec(ctx->store, STMT_CASE_ATT_CHUNK_INSERT, a, ARRAY_LEN(a), NULL);
        }
        free(env);
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        diff_add(ch, "attachments", id, "kind", "", kind);
        diff_add(ch, "attachments", id, "media_type", "", type);
        if (vf.type != SQL_NULL) {
            diff_sealed(ch, "attachments", id, "file_name");
        }
        diff_sealed(ch, "attachments", id, "content");
        st = history(ctx, case_id, version, "attachment.add", ch);
    }
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

/* Reads an attachment row (CASE_ATT_COLS); the file name is opened when its group is readable. */
static enum status att_row(const struct auth_ctx *ctx, struct store_rows *r, int64_t case_id,
                           const bool readable[AUTH_FG__COUNT], struct case_attachment *a)
{
    case_attachment_clear(a);
    a->id = store_rows_i64(r, 0);
    a->case_id = case_id;
    snprintf(a->kind, sizeof a->kind, "%s", store_rows_text(r, 1));
    snprintf(a->media_type, sizeof a->media_type, "%s", store_rows_text(r, 3));
    a->size = store_rows_i64(r, 4);
    snprintf(a->sha256, sizeof a->sha256, "%s", store_rows_text(r, 5));
    a->created_at_ms = store_rows_i64(r, 7);
    a->author = xstrdup(store_rows_text(r, 8));
    a->deleted = store_rows_i64(r, 9) != 0;
    a->purged = store_rows_i64(r, 10) != 0;
    return unseal_col(ctx, r, 2, "case_attachments", "file_name_enc", a->id, readable[case_attachment_group(a->kind)],
                      CASE_REC_WITHHELD_FILE_NAME, &a->withheld, &a->file_name);
}

enum status case_attachments(const struct auth_ctx *ctx, int64_t case_id, bool with_deleted,
                             struct case_attachment **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case__reach(ctx, case_id, "case.read", false, "attachments", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    bool readable[AUTH_FG__COUNT] = {false};
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    for (size_t i = 0; i < ARRAY_LEN(attachment_kinds); i++) {
        readable[attachment_kinds[i].group] = allowed[attachment_kinds[i].group];
    }
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(with_deleted ? 1 : 0)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_CASE_ATT_LIST, a, 2, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct case_attachment *list = xcalloc(cap, sizeof *list);
    bool done[AUTH_FG__COUNT] = {false};
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        memset(&list[n], 0, sizeof list[n]);
        st = att_row(ctx, r, case_id, readable, &list[n]);
        if (st == STATUS_OK && list[n].file_name != NULL) {
            /* A file name opened: the group's read is audited once. */
            st = group_check(ctx, &rec, case_attachment_group(list[n].kind), false, "attachments", done);
        }
        n++;
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_attachments_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

/* Opens and joins the chunks of attachment meta, checking the size and the SHA-256. */
static enum status att_content(const struct auth_ctx *ctx, const struct case_attachment *meta, uint8_t **data_out,
                               size_t *len_out)
{
    *data_out = NULL;
    *len_out = 0;
    struct sql_value k[] = {SQLV_I64(meta->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_CASE_ATT_CHUNKS, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = (size_t)meta->size, len = 0;
    uint8_t *data = xmalloc(cap > 0 ? cap : 1);
    int64_t expect = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        int64_t cid = store_rows_i64(r, 0), seq = store_rows_i64(r, 1);
        size_t blen = 0, plen = 0;
        const uint8_t *blob = store_rows_blob(r, 2, &blen);
        struct vault_ad ad = {"case_attachment_chunks", "content_enc", cid};
        char *plain = NULL;
        if (seq != expect++) {
            st = err_set(STATUS_CRYPTO, "attachment %lld: a piece of its content is missing", (long long)meta->id);
            break;
        }
        st = vault_unseal(ctx->vault, &plain, &plen, &ad, blob, blen);
        if (st != STATUS_OK) {
            break;
        }
        if (plen > cap - len) {
            vault_plain_free(plain, plen);
            st = err_set(STATUS_CRYPTO, "attachment %lld: content longer than recorded", (long long)meta->id);
            break;
        }
        memcpy(data + len, plain, plen);
        len += plen;
        vault_plain_free(plain, plen);
    }
    store_rows_free(r);
    if (st == STATUS_DONE) {
        st = STATUS_OK;
        uint8_t digest[VAULT_SHA256_BYTES];
        char hex[65];
        struct vault_sha256 h;
        vault_sha256_init(&h);
        vault_sha256_update(&h, data, len);
        vault_sha256_final(&h, digest);
        util_hex_encode(hex, digest, sizeof digest);
        if (len != (size_t)meta->size || strcmp(hex, meta->sha256) != 0) {
            st = err_set(STATUS_CRYPTO, "attachment %lld: content does not match its SHA-256", (long long)meta->id);
        }
    }
    if (st != STATUS_OK) {
        case_attachment_data_free(data, cap);
        return st;
    }
    *data_out = data;
    *len_out = len;
    return STATUS_OK;
}

enum status case_attachment_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, struct case_attachment *meta,
                                uint8_t **data_out, size_t *len_out)
{
    *data_out = NULL;
    *len_out = 0;
    memset(meta, 0, sizeof *meta);
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case__reach(ctx, case_id, "case.read", false, "download attachment", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_CASE_ATT_GET, k, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such attachment");
    }
    if (st != STATUS_OK) {
        return st;
    }
    bool readable[AUTH_FG__COUNT] = {false};
    enum auth_field_group g = case_attachment_group(store_rows_text(r, 1));
    /* The download is the group's read: checked and audited before anything is opened. */
    bool done[AUTH_FG__COUNT] = {false};
    st = group_check(ctx, &rec, g, false, "download attachment", done);
    readable[g] = st == STATUS_OK;
    if (st == STATUS_OK) {
        st = att_row(ctx, r, case_id, readable, meta);
    }
    store_rows_free(r);
    if (st == STATUS_OK && (meta->deleted || meta->purged)) {
        st = err_set(STATUS_NOT_FOUND, "no such attachment");
    }
    if (st == STATUS_OK) {
        st = att_content(ctx, meta, data_out, len_out);
    }
    if (st != STATUS_OK) {
        case_attachment_clear(meta);
    }
    return st;
}

enum status case_attachment_delete(const struct auth_ctx *ctx, int64_t case_id, int64_t id)
{
    struct auth_record rec;
    int64_t version = 0;
    enum status st = reach_write(ctx, case_id, "delete attachment", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_CASE_ATT_GET, k, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such attachment");
    }
    if (st != STATUS_OK) {
        return st;
    }
    enum auth_field_group g = case_attachment_group(store_rows_text(r, 1));
    store_rows_free(r);
    bool done[AUTH_FG__COUNT] = {false};
    st = group_check(ctx, &rec, g, true, "delete attachment", done);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id)};
        r = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_ATT_DELETE, a, 1, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such attachment");
        }
    }
    if (st == STATUS_OK) {
        json_t *ch = json_object();
        char key[64];
        snprintf(key, sizeof key, "attachments/%lld", (long long)id);
        json_object_set_new(ch, key, json_string("deleted"));
        st = history(ctx, case_id, version, "attachment.delete", ch);
    }
    return st;
}

/* Data protection. */

enum status case_records_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct case_perpetrator *p = NULL;
    struct case_support_plan *s = NULL;
    struct case_attachment *a = NULL;
    size_t np = 0, ns = 0, na = 0;
    json_t *o = NULL;
    enum status st = case_perpetrators(ctx, case_id, true, &p, &np);
    if (st == STATUS_OK) {
        st = case_support_plans(ctx, case_id, &s, &ns);
    }
    if (st == STATUS_OK) {
        st = case_attachments(ctx, case_id, true, &a, &na);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    o = json_object();
    json_t *jp = json_array(), *js = json_array(), *ja = json_array();
    json_object_set_new(o, "perpetrators", jp);
    json_object_set_new(o, "support_plans", js);
    json_object_set_new(o, "attachments", ja);
    for (size_t i = 0; i < np; i++) {
        json_array_append_new(jp, case_perpetrator_to_json(&p[i]));
    }
    for (size_t i = 0; i < ns; i++) {
        json_array_append_new(js, case_support_plan_to_json(&s[i]));
    }
    struct auth_record rec;
    int64_t version = 0;
    bool done[AUTH_FG__COUNT] = {false};
    bool allowed[AUTH_FG__COUNT] = {false};
    if (na > 0) {
        st = case__reach(ctx, case_id, "case.read", false, "subject access export", &rec, &version);
    }
    if (st == STATUS_OK && na > 0) {
        auth_groups_allowed(ctx, &rec, false, allowed);
    }
    for (size_t i = 0; st == STATUS_OK && i < na; i++) {
        json_t *x = case_attachment_to_json(&a[i]);
        json_array_append_new(ja, x);
        enum auth_field_group g = case_attachment_group(a[i].kind);
        if (a[i].purged || !allowed[g]) {
            json_object_set_new(x, "content_base64url", json_null());
            continue;
        }
        st = group_check(ctx, &rec, g, false, "subject access export", done);
        uint8_t *data = NULL;
        size_t len = 0;
        if (st == STATUS_OK) {
            st = att_content(ctx, &a[i], &data, &len);
        }
        if (st == STATUS_OK) {
            char *b64 = util_b64url_encode(data, len);
            json_object_set_new(x, "content_base64url", json_string(b64));
            vault_wipe(b64, strlen(b64));
            free(b64);
        }
        case_attachment_data_free(data, len);
    }
out:
    case_perpetrators_free(p, np);
    case_support_plans_free(s, ns);
    case_attachments_free(a, na);
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}

/* Runs a purge statement (UPDATE ... RETURNING id) and counts the rows. */
static enum status purge_count(const struct auth_ctx *ctx, enum stmt id, int64_t case_id, int64_t *count)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    *count = 0;
    enum status st = store_exec(ctx->store, id, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        (*count)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* The purges of protect_hooks.c: protect.c reached the case (case.purge) and writes the purge log
 * and the audit entries; these only remove and count. */
enum status case_records__purge_perpetrators(const struct auth_ctx *ctx, int64_t case_id, int64_t *items)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_CASE_PERP_NAME_PURGE, a, 1, NULL);
    return st == STATUS_OK ? purge_count(ctx, STMT_CASE_PERP_PURGE, case_id, items) : st;
}

enum status case_records__purge_support_plans(const struct auth_ctx *ctx, int64_t case_id, int64_t *items)
{
    return purge_count(ctx, STMT_CASE_PLAN_PURGE, case_id, items);
}

enum status case_records__purge_attachments(const struct auth_ctx *ctx, int64_t case_id, int64_t *items)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_CASE_ATT_CHUNKS_PURGE, a, 1, NULL);
    return st == STATUS_OK ? purge_count(ctx, STMT_CASE_ATT_PURGE, case_id, items) : st;
}

enum status case_records_purge(const struct auth_ctx *ctx, int64_t case_id)
{
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case__reach(ctx, case_id, "case.write", true, "purge case records", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    /* Every group whose values go: identity and narrative (perpetrators, plans) and the groups of
     * the attachment kinds. */
    bool done[AUTH_FG__COUNT] = {false};
    static const enum auth_field_group groups[] = {AUTH_FG_IDENTITY, AUTH_FG_NARRATIVE, AUTH_FG_HEALTH, AUTH_FG_LEGAL};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(groups); i++) {
        st = group_check(ctx, &rec, groups[i], true, "purge case records", done);
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_PERP_NAME_PURGE, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_ATT_CHUNKS_PURGE, a, 1, NULL);
    }
    static const struct {
        enum stmt stmt;
        const char *type;
    } kinds[] = {{STMT_CASE_PERP_PURGE, "case_perpetrators"},
                 {STMT_CASE_PLAN_PURGE, "case_support_plans"},
                 {STMT_CASE_ATT_PURGE, "case_attachments"}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(kinds); i++) {
        int64_t n = 0;
        st = purge_count(ctx, kinds[i].stmt, case_id, &n);
        if (st == STATUS_OK && n > 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "purged personal data of %lld records", (long long)n);
            st = auth_audit(ctx, "case.purge", kinds[i].type, case_id, "ok", detail);
        }
    }
    return st;
}
