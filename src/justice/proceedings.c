/* proceedings: offences, suspects and charges of an investigation (see proceedings.h). A
 * suspect's name is sealed, bound to (investigation_suspects, name_enc, id), with a blind index
 * in the domain "justice.suspect_name". */
#include "justice/proceedings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/vocab.h"
#include "justice/investigation.h"
#include "justice/justice_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define SUSPECT_NAME_DOMAIN "justice.suspect_name"

static const char *const forms[] = {
    "sexual_exploitation", "forced_labour",  "slavery",         "servitude", "organ_removal",
    "forced_criminality",  "forced_begging", "forced_marriage", "other",     NULL};
static const char *const modalities[] = {"commission", "attempt", "participation", "organising", NULL};
static const char *const linked[] = {
    "money_laundering", "migrant_smuggling", "document_fraud", "corruption", "other", NULL};

bool justice_form_known(const char *code)
{
    return util_in_list(code, forms);
}

bool justice_modality_known(const char *code)
{
    return util_in_list(code, modalities);
}

bool justice_linked_known(const char *code)
{
    return util_in_list(code, linked);
}

/* A code member: absent keeps *out; must be in list (or "" when empty_ok). */
static enum status code_member(const json_t *o, const char *key, const char *const *list, bool empty_ok, char *out,
                               size_t cap, const char *what)
{
    const char *v = NULL;
    enum status st = util_json_str(o, key, 64, &v);
    if (st != STATUS_OK || v == NULL) {
        return st;
    }
    if (!((empty_ok && v[0] == '\0') || util_in_list(v, list))) {
        return err_set_field(STATUS_INVALID, key, "%s: %s", key, what);
    }
    snprintf(out, cap, "%s", v);
    return STATUS_OK;
}

static enum status bool_member(const json_t *o, const char *key, bool *out)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_boolean(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: true or false", key);
    }
    *out = json_is_true(v);
    return STATUS_OK;
}

/* A date member: absent keeps *out; "" or null clears. */
static enum status version_check(int64_t expected, int64_t current, const char *what)
{
    if (expected != 0 && expected != current) {
        return err_set(STATUS_CONFLICT, "the %s has changed since it was read", what);
    }
    return STATUS_OK;
}

/* ---- offences ---------------------------------------------------------------------------- */

void justice_offences_free(struct justice_offence *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        free(list[i].article_text);
    }
    free(list);
}

static void offence_row(struct store_rows *r, struct justice_offence *o)
{
    memset(o, 0, sizeof *o);
    o->id = store_rows_i64(r, 0);
    o->investigation_id = store_rows_i64(r, 1);
    snprintf(o->article_code, sizeof o->article_code, "%s", store_rows_text(r, 2));
    o->article_text = xstrdup(store_rows_text(r, 3));
    snprintf(o->form, sizeof o->form, "%s", store_rows_text(r, 4));
    snprintf(o->modality, sizeof o->modality, "%s", store_rows_text(r, 5));
    o->organised_group = store_rows_i64(r, 6) != 0;
    o->official_involved = store_rows_i64(r, 7) != 0;
    snprintf(o->linked_crimes, sizeof o->linked_crimes, "%s", store_rows_text(r, 8));
    o->version = store_rows_i64(r, 9);
}

/* Applies a JSON input to o (create: o zeroed with defaults). text_out borrows the article text. */
static enum status offence_apply(const json_t *in, bool create, struct justice_offence *o, const char **text_out)
{
    static const char *const keys[] = {"article_code",    "article_text",      "form",          "modality",
                                       "organised_group", "official_involved", "linked_crimes", NULL};
    enum status st = justice__known_members(in, keys);
    const char *code = NULL;
    *text_out = o->article_text ? o->article_text : "";
    if (st == STATUS_OK) {
        st = util_json_str(in, "article_code", JUSTICE_ARTICLE_CODE_BYTES_MAX, &code);
    }
    if (st == STATUS_OK && code != NULL) {
        snprintf(o->article_code, sizeof o->article_code, "%s", code);
    }
    if (st == STATUS_OK && o->article_code[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "article_code", "article_code: the criminal-code article, required");
    }
    const char *text = NULL;
    if (st == STATUS_OK) {
        st = util_json_str(in, "article_text", JUSTICE_ARTICLE_TEXT_BYTES_MAX, &text);
    }
    if (st == STATUS_OK && text != NULL) {
        *text_out = text;
    }
    if (st == STATUS_OK) {
        st = code_member(in, "form", forms, false, o->form, sizeof o->form,
                         "sexual_exploitation, forced_labour, slavery, servitude, organ_removal, "
                         "forced_criminality, forced_begging, forced_marriage or other");
    }
    if (st == STATUS_OK && create && o->form[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "form", "form: the form of exploitation, required");
    }
    if (st == STATUS_OK) {
        st = code_member(in, "modality", modalities, false, o->modality, sizeof o->modality,
                         "commission, attempt, participation or organising");
    }
    if (st == STATUS_OK) {
        st = bool_member(in, "organised_group", &o->organised_group);
    }
    if (st == STATUS_OK) {
        st = bool_member(in, "official_involved", &o->official_involved);
    }
    json_t *l = json_object_get(in, "linked_crimes");
    if (st == STATUS_OK && l != NULL && !json_is_null(l)) {
        if (!json_is_array(l)) {
            return err_set_field(STATUS_INVALID, "linked_crimes", "linked_crimes: an array of codes");
        }
        /* Kept in catalogue order, each once. */
        char buf[128] = "";
        for (size_t k = 0; linked[k] != NULL; k++) {
            size_t i;
            json_t *item;
            bool have = false;
            json_array_foreach(l, i, item)
            {
                have = have || (json_is_string(item) && strcmp(json_string_value(item), linked[k]) == 0);
            }
            if (have) {
                size_t n = strlen(buf);
                snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", linked[k]);
            }
        }
        size_t i;
        json_t *item;
        json_array_foreach(l, i, item)
        {
            if (!json_is_string(item) || !justice_linked_known(json_string_value(item))) {
                return err_set_field(STATUS_INVALID, "linked_crimes",
                                     "linked_crimes: money_laundering, migrant_smuggling, document_fraud, "
                                     "corruption or other");
            }
        }
        snprintf(o->linked_crimes, sizeof o->linked_crimes, "%s", buf);
    }
    return st;
}

enum status justice_offence_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add offence", NULL);
    struct justice_offence o;
    memset(&o, 0, sizeof o);
    snprintf(o.modality, sizeof o.modality, "commission");
    const char *text = "";
    if (st == STATUS_OK) {
        st = offence_apply(in, true, &o, &text);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {SQLV_I64(id),
                            SQLV_I64(inv_id),
                            sqlv_text(o.article_code),
                            sqlv_text(text),
                            sqlv_text(o.form),
                            sqlv_text(o.modality),
                            SQLV_BOOL(o.organised_group),
                            SQLV_BOOL(o.official_involved),
                            sqlv_text(o.linked_crimes),
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_OFFENCE_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.offence.add", "investigation", inv_id, "ok", o.form);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status justice_offence_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                   const json_t *in)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change offence", NULL);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    struct justice_offence o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_OFFENCE_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such offence");
        }
    }
    if (st == STATUS_OK) {
        offence_row(r, &o);
        st = version_check(expected_version, o.version, "offence");
    }
    store_rows_free(r);
    const char *text = "";
    if (st == STATUS_OK) {
        st = offence_apply(in, false, &o, &text);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(o.version),
                                sqlv_text(o.article_code),
                                sqlv_text(text),
                                sqlv_text(o.form),
                                sqlv_text(o.modality),
                                SQLV_BOOL(o.organised_group),
                                SQLV_BOOL(o.official_involved),
                                sqlv_text(o.linked_crimes),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_OFFENCE_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the offence has changed since it was read");
        }
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.offence.update", "investigation", inv_id, "ok", o.form);
    }
    free(o.article_text);
    return st;
}

static enum status offence_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    (void)ctx;
    (void)arg;
    offence_row(r, elem);
    return STATUS_OK;
}

static void offence_free(void *list, size_t n)
{
    justice_offences_free(list, n);
}

enum status justice_offences(const struct auth_ctx *ctx, int64_t inv_id, struct justice_offence **out,
                             size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read offences", NULL);
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_OFFENCE_LIST, inv_id, sizeof **out, offence_at, NULL, offence_free, &list,
                          count_out);
    *out = list;
    return st;
}

json_t *justice_offence_to_json(const struct justice_offence *o)
{
    json_t *l = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", o->linked_crimes);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        json_array_append_new(l, json_string(t));
    }
    return json_pack("{sIsIsssssssssbsbsosI}", "id", (json_int_t)o->id, "investigation_id",
                     (json_int_t)o->investigation_id, "article_code", o->article_code, "article_text",
                     o->article_text ? o->article_text : "", "form", o->form, "modality", o->modality,
                     "organised_group", o->organised_group, "official_involved", o->official_involved, "linked_crimes",
                     l, "version", (json_int_t)o->version);
}

/* ---- suspects ---------------------------------------------------------------------------- */

void justice_suspects_free(struct justice_suspect *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        if (list[i].name != NULL) {
            vault_plain_free(list[i].name, strlen(list[i].name));
        }
    }
    free(list);
}

/* A SUSPECT_COLS row; the name opened when open. */
static enum status suspect_row(const struct auth_ctx *ctx, struct store_rows *r, bool open, struct justice_suspect *s)
{
    memset(s, 0, sizeof *s);
    s->id = store_rows_i64(r, 0);
    s->investigation_id = store_rows_i64(r, 1);
    snprintf(s->kind, sizeof s->kind, "%s", store_rows_text(r, 2));
    snprintf(s->role, sizeof s->role, "%s", store_rows_text(r, 4));
    snprintf(s->sex, sizeof s->sex, "%s", store_rows_text(r, 5));
    s->age = (int)store_rows_i64(r, 6);
    snprintf(s->age_band, sizeof s->age_band, "%s", store_rows_text(r, 7));
    snprintf(s->citizenship, sizeof s->citizenship, "%s", store_rows_text(r, 8));
    s->version = store_rows_i64(r, 9);
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, 3, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    if (!open) {
        s->name_withheld = true;
        return STATUS_OK;
    }
    struct vault_ad ad = {"investigation_suspects", "name_enc", s->id};
    return vault_unseal(ctx->vault, &s->name, &plen, &ad, blob, len);
}

static const char *const sexes[] = {"female", "male", "unknown", NULL};
static const char *const kinds[] = {"natural", "legal", NULL};

/* Applies a JSON input to s; *name_set / *name_out: a new name ("" clears). */
static enum status suspect_apply(const json_t *in, struct justice_suspect *s, bool *name_set, const char **name_out)
{
    static const char *const keys[] = {"kind", "name", "role", "sex", "age", "age_band", "citizenship", NULL};
    enum status st = justice__known_members(in, keys);
    if (st == STATUS_OK) {
        st = code_member(in, "kind", kinds, false, s->kind, sizeof s->kind, "natural or legal");
    }
    if (st == STATUS_OK && s->kind[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "kind", "kind: natural or legal, required");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "name", JUSTICE_NAME_BYTES_MAX, name_out);
        *name_set = *name_out != NULL;
    }
    const char *v = NULL;
    if (st == STATUS_OK) {
        st = util_json_str(in, "role", 64, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        const char *code = "";
        if (v[0] != '\0' && (vocab_parse("perp_role", v, &code) != STATUS_OK || strlen(code) >= sizeof s->role)) {
            return err_set_field(STATUS_INVALID, "role", "role: a code of perp_role (HTCDS)");
        }
        snprintf(s->role, sizeof s->role, "%s", code);
    }
    if (st == STATUS_OK) {
        st = code_member(in, "sex", sexes, true, s->sex, sizeof s->sex, "female, male or unknown");
    }
    json_t *age = json_object_get(in, "age");
    if (st == STATUS_OK && age != NULL) {
        if (json_is_null(age)) {
            s->age = -1;
        } else if (!json_is_integer(age) || json_integer_value(age) < 0 || json_integer_value(age) > 130) {
            return err_set_field(STATUS_INVALID, "age", "age: 0 to 130 years");
        } else {
            s->age = (int)json_integer_value(age);
        }
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "age_band", 32, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        const char *code = "";
        if (v[0] != '\0' &&
            (vocab_parse("perp_age_band", v, &code) != STATUS_OK || strlen(code) >= sizeof s->age_band)) {
            return err_set_field(STATUS_INVALID, "age_band", "age_band: a code of perp_age_band");
        }
        snprintf(s->age_band, sizeof s->age_band, "%s", code);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "citizenship", 64, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        const char *code = "";
        if (v[0] != '\0' && (vocab_parse("country", v, &code) != STATUS_OK || strlen(code) != 3)) {
            return err_set_field(STATUS_INVALID, "citizenship", "citizenship: an ISO 3166-1 country code");
        }
        snprintf(s->citizenship, sizeof s->citizenship, "%s", code);
    }
    if (st == STATUS_OK && strcmp(s->kind, "legal") == 0 && (s->sex[0] || s->age >= 0 || s->age_band[0])) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: a legal person has no sex or age");
    }
    return st;
}

/* The sealed name and its blind index as values (NULLs when name is NULL or ""). */
static enum status seal_name(const struct auth_ctx *ctx, int64_t id, const char *name, uint8_t **buf,
                             uint8_t bidx[VAULT_BIDX_BYTES], struct sql_value *enc, struct sql_value *idx)
{
    *buf = NULL;
    *enc = SQLV_NULL;
    *idx = SQLV_NULL;
    if (name == NULL || name[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {"investigation_suspects", "name_enc", id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, name, strlen(name));
    if (st == STATUS_OK) {
        st = vault_blind_index(ctx->vault, bidx, SUSPECT_NAME_DOMAIN, name, strlen(name));
    }
    if (st == STATUS_OK) {
        *enc = SQLV_BLOB(*buf, len);
        *idx = SQLV_BLOB(bidx, VAULT_BIDX_BYTES);
    }
    return st;
}

enum status justice_suspect_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add suspect", &rec);
    struct justice_suspect s;
    memset(&s, 0, sizeof s);
    s.age = -1;
    bool name_set = false;
    const char *name = NULL;
    if (st == STATUS_OK) {
        st = suspect_apply(in, &s, &name_set, &name);
    }
    if (st == STATUS_OK && name != NULL && name[0] != '\0') {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "add suspect name");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *buf = NULL;
    uint8_t bidx[VAULT_BIDX_BYTES];
    struct sql_value enc, idx;
    st = seal_name(ctx, id, name, &buf, bidx, &enc, &idx);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(inv_id),
                                sqlv_text(s.kind),
                                enc,
                                idx,
                                sqlv_text(s.role),
                                sqlv_text(s.sex),
                                s.age >= 0 ? SQLV_I64(s.age) : SQLV_NULL,
                                sqlv_text(s.age_band),
                                sqlv_text(s.citizenship),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_SUSPECT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.suspect.add", "investigation", inv_id, "ok", s.kind);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status justice_suspect_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                   const json_t *in)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change suspect", &rec);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    struct justice_suspect s;
    memset(&s, 0, sizeof s);
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_SUSPECT_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such suspect");
        }
    }
    if (st == STATUS_OK) {
        st = suspect_row(ctx, r, false, &s);
    }
    if (st == STATUS_OK) {
        st = version_check(expected_version, s.version, "suspect");
    }
    bool name_set = false;
    const char *name = NULL;
    if (st == STATUS_OK) {
        st = suspect_apply(in, &s, &name_set, &name);
    }
    uint8_t *buf = NULL;
    uint8_t bidx[VAULT_BIDX_BYTES];
    struct sql_value enc = SQLV_NULL, idx = SQLV_NULL;
    if (st == STATUS_OK && name_set) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "change suspect name");
        if (st == STATUS_OK) {
            st = seal_name(ctx, id, name, &buf, bidx, &enc, &idx);
        }
    } else if (st == STATUS_OK && s.name_withheld) {
        /* The name stays: its sealed bytes and blind index, read again. */
        size_t len = 0;
        const uint8_t *blob = store_rows_blob(r, 3, &len);
        enc = SQLV_BLOB(blob, len);
        char *opened = NULL;
        size_t plen = 0;
        struct vault_ad ad = {"investigation_suspects", "name_enc", id};
        st = vault_unseal(ctx->vault, &opened, &plen, &ad, blob, len);
        if (st == STATUS_OK) {
            st = vault_blind_index(ctx->vault, bidx, SUSPECT_NAME_DOMAIN, opened, plen);
            vault_plain_free(opened, plen);
            idx = SQLV_BLOB(bidx, VAULT_BIDX_BYTES);
        }
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(s.version),
                                sqlv_text(s.kind),
                                enc,
                                idx,
                                sqlv_text(s.role),
                                sqlv_text(s.sex),
                                s.age >= 0 ? SQLV_I64(s.age) : SQLV_NULL,
                                sqlv_text(s.age_band),
                                sqlv_text(s.citizenship),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_SUSPECT_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the suspect has changed since it was read");
        }
    }
    store_rows_free(r);
    free(buf);
    if (s.name != NULL) {
        vault_plain_free(s.name, strlen(s.name));
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.suspect.update", "investigation", inv_id, "ok", s.kind);
    }
    return st;
}

static enum status suspect_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    return suspect_row(ctx, r, *(const bool *)arg, elem);
}

static void suspect_free(void *list, size_t n)
{
    justice_suspects_free(list, n);
}

enum status justice_suspects(const struct auth_ctx *ctx, int64_t inv_id, struct justice_suspect **out,
                             size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read suspects", &rec);
    bool open = false;
    if (st == STATUS_OK && auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false)) {
        st = auth_check(ctx, "justice.read", &rec, AUTH_FG_LEGAL, false, "read suspects");
        open = st == STATUS_OK;
    }
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_SUSPECT_LIST, inv_id, sizeof **out, suspect_at, &open, suspect_free, &list,
                          count_out);
    *out = list;
    return st;
}

json_t *justice_suspect_to_json(const struct justice_suspect *s)
{
    json_t *o = json_pack("{sIsIss}", "id", (json_int_t)s->id, "investigation_id", (json_int_t)s->investigation_id,
                          "kind", s->kind);
    json_object_set_new(o, "name", s->name ? json_string(s->name) : json_null());
    json_object_set_new(o, "name_withheld", json_boolean(s->name_withheld));
    json_object_set_new(o, "role", s->role[0] ? json_string(s->role) : json_null());
    json_object_set_new(o, "sex", s->sex[0] ? json_string(s->sex) : json_null());
    json_object_set_new(o, "age", s->age >= 0 ? json_integer(s->age) : json_null());
    json_object_set_new(o, "age_band", s->age_band[0] ? json_string(s->age_band) : json_null());
    json_object_set_new(o, "citizenship", s->citizenship[0] ? json_string(s->citizenship) : json_null());
    json_object_set_new(o, "version", json_integer(s->version));
    return o;
}

/* ---- charges: the funnel ----------------------------------------------------------------- */

void justice_charges_free(struct justice_charge *list, size_t count)
{
    (void)count;
    free(list);
}

static void charge_row(struct store_rows *r, struct justice_charge *c)
{
    memset(c, 0, sizeof *c);
    c->id = store_rows_i64(r, 0);
    c->investigation_id = store_rows_i64(r, 1);
    c->suspect_id = store_rows_i64(r, 2);
    c->offence_id = store_rows_i64(r, 3);
    snprintf(c->contacted, sizeof c->contacted, "%s", store_rows_text(r, 4));
    snprintf(c->prosecuted, sizeof c->prosecuted, "%s", store_rows_text(r, 5));
    snprintf(c->outcome, sizeof c->outcome, "%s", store_rows_text(r, 6));
    snprintf(c->decided, sizeof c->decided, "%s", store_rows_text(r, 7));
    c->version = store_rows_i64(r, 8);
}

static const char *const outcomes[] = {"convicted", "acquitted", NULL};

/* Applies the funnel members and checks the order: contact, then prosecution, then a decision. */
static enum status charge_apply(const json_t *in, bool create, struct justice_charge *c)
{
    static const char *const keys_new[] = {"suspect_id", "offence_id", "contacted", "prosecuted",
                                           "outcome",    "decided",    NULL};
    static const char *const keys_change[] = {"contacted", "prosecuted", "outcome", "decided", NULL};
    enum status st = justice__known_members(in, create ? keys_new : keys_change);
    if (st == STATUS_OK) {
        st = justice__date_member(in, "contacted", c->contacted);
    }
    if (st == STATUS_OK) {
        st = justice__date_member(in, "prosecuted", c->prosecuted);
    }
    if (st == STATUS_OK) {
        json_t *o = json_object_get(in, "outcome");
        if (o != NULL && json_is_null(o)) {
            c->outcome[0] = '\0';
        } else {
            st = code_member(in, "outcome", outcomes, true, c->outcome, sizeof c->outcome, "convicted or acquitted");
        }
    }
    if (st == STATUS_OK) {
        st = justice__date_member(in, "decided", c->decided);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (c->contacted[0] == '\0') {
        return err_set_field(STATUS_INVALID, "contacted", "contacted: the date of formal contact, required");
    }
    if (c->prosecuted[0] != '\0' && strcmp(c->prosecuted, c->contacted) < 0) {
        return err_set_field(STATUS_INVALID, "prosecuted", "prosecuted: not before the formal contact");
    }
    if (c->outcome[0] != '\0' && c->prosecuted[0] == '\0') {
        return err_set_field(STATUS_INVALID, "outcome", "outcome: only after a prosecution");
    }
    if ((c->outcome[0] != '\0') != (c->decided[0] != '\0')) {
        return err_set_field(STATUS_INVALID, "decided", "decided: the decision's date, with an outcome only");
    }
    if (c->decided[0] != '\0' && strcmp(c->decided, c->prosecuted) < 0) {
        return err_set_field(STATUS_INVALID, "decided", "decided: not before the prosecution");
    }
    return STATUS_OK;
}

enum status justice_charge_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add charge", NULL);
    struct justice_charge c;
    memset(&c, 0, sizeof c);
    if (st == STATUS_OK) {
        st = charge_apply(in, true, &c);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "suspect_id", &c.suspect_id);
    }
    if (st == STATUS_OK) {
        st = justice__id_member(in, "offence_id", &c.offence_id);
    }
    /* Both of this investigation. */
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(c.suspect_id), SQLV_I64(inv_id)};
        st = store_exec_one(ctx->store, STMT_SUSPECT_GET, k, 2, &r);
        store_rows_free(r);
        r = NULL;
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "suspect_id", "suspect_id: not a suspect of this investigation");
        }
    }
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(c.offence_id), SQLV_I64(inv_id)};
        st = store_exec_one(ctx->store, STMT_OFFENCE_GET, k, 2, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "offence_id", "offence_id: not an offence of this investigation");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {SQLV_I64(id),           SQLV_I64(inv_id),       SQLV_I64(c.suspect_id),
                            SQLV_I64(c.offence_id), sqlv_text(c.contacted), sqlv_text(c.prosecuted),
                            sqlv_text(c.outcome),   sqlv_text(c.decided),   SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_CHARGE_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        st = err_set_field(STATUS_CONFLICT, "offence_id", "the suspect is already charged with this offence");
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.charge.add", "investigation", inv_id, "ok", NULL);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status justice_charge_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                  const json_t *in)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change charge", NULL);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    struct justice_charge c;
    memset(&c, 0, sizeof c);
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_CHARGE_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such charge");
        }
    }
    if (st == STATUS_OK) {
        charge_row(r, &c);
        st = version_check(expected_version, c.version, "charge");
    }
    store_rows_free(r);
    if (st == STATUS_OK) {
        st = charge_apply(in, false, &c);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {
            SQLV_I64(id),         SQLV_I64(c.version),  sqlv_text(c.contacted), sqlv_text(c.prosecuted),
            sqlv_text(c.outcome), sqlv_text(c.decided), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_CHARGE_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the charge has changed since it was read");
        }
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.charge.update", "investigation", inv_id, "ok",
                        c.outcome[0] ? c.outcome : (c.prosecuted[0] ? "prosecuted" : "contact"));
    }
    return st;
}

static enum status charge_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    (void)ctx;
    (void)arg;
    charge_row(r, elem);
    return STATUS_OK;
}

static void charge_free(void *list, size_t n)
{
    justice_charges_free(list, n);
}

enum status justice_charges(const struct auth_ctx *ctx, int64_t inv_id, struct justice_charge **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read charges", NULL);
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_CHARGE_LIST, inv_id, sizeof **out, charge_at, NULL, charge_free, &list, count_out);
    *out = list;
    return st;
}

json_t *justice_charge_to_json(const struct justice_charge *c)
{
    json_t *o = json_pack("{sIsIsIsI}", "id", (json_int_t)c->id, "investigation_id", (json_int_t)c->investigation_id,
                          "suspect_id", (json_int_t)c->suspect_id, "offence_id", (json_int_t)c->offence_id);
    json_object_set_new(o, "contacted", c->contacted[0] ? json_string(c->contacted) : json_null());
    json_object_set_new(o, "prosecuted", c->prosecuted[0] ? json_string(c->prosecuted) : json_null());
    json_object_set_new(o, "outcome", c->outcome[0] ? json_string(c->outcome) : json_null());
    json_object_set_new(o, "decided", c->decided[0] ? json_string(c->decided) : json_null());
    const char *stage = c->outcome[0] ? c->outcome : c->prosecuted[0] ? "prosecuted" : "contact";
    json_object_set_new(o, "stage", json_string(stage));
    json_object_set_new(o, "version", json_integer(c->version));
    return o;
}

/* ---- Issue 7, part F: suspects' coded profiles for entity resolution ---- */

/* The UTC year of a time in milliseconds. */
static int year_of_ms(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

enum status justice_suspect_profiles(const struct auth_ctx *ctx, const char *detail,
                                     struct justice_suspect_profile **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = detail != NULL ? auth_check(ctx, "justice.read", NULL, AUTH_FG_LEGAL, false, detail)
                                    : auth_decide(ctx, "justice.read", NULL, AUTH_FG_LEGAL, false);
    if (st == STATUS_DENIED && detail == NULL) {
        st = auth_check(ctx, "justice.read", NULL, AUTH_FG_LEGAL, false, "suspect profiles");
    }
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_SUSPECT_PROFILES_ALL, NULL, 0, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct justice_suspect_profile *p = NULL;
    size_t n = 0, cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct auth_record rec = {"investigation", store_rows_i64(r, 1), store_rows_i64(r, 9),
                                  store_rows_is_null(r, 10) ? 0 : store_rows_i64(r, 10), AUTH_SENSITIVITY_NORMAL};
        if (auth_decide(ctx, "justice.read", &rec, AUTH_FG_NONE, false) != STATUS_OK) {
            continue;
        }
        bool allowed[AUTH_FG__COUNT];
        auth_groups_allowed(ctx, &rec, false, allowed);
        if (!allowed[AUTH_FG_LEGAL]) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            p = xrealloc(p, cap * sizeof *p);
        }
        struct justice_suspect_profile *s = &p[n++];
        memset(s, 0, sizeof *s);
        s->id = store_rows_i64(r, 0);
        s->investigation_id = rec.id;
        size_t len = 0;
        const uint8_t *b = store_rows_blob(r, 2, &len);
        if (b != NULL && len == sizeof s->name_bidx) {
            memcpy(s->name_bidx, b, len);
            s->has_name = true;
        }
        snprintf(s->kind, sizeof s->kind, "%s", store_rows_text(r, 3));
        snprintf(s->sex, sizeof s->sex, "%s", store_rows_text(r, 4));
        s->age = (int)store_rows_i64(r, 5);
        snprintf(s->age_band, sizeof s->age_band, "%s", store_rows_text(r, 6));
        snprintf(s->citizenship, sizeof s->citizenship, "%s", store_rows_text(r, 7));
        s->birth_year = s->age >= 0 ? year_of_ms(store_rows_i64(r, 8)) - s->age : -1;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(p);
        return st;
    }
    *out = p;
    *count_out = n;
    return STATUS_OK;
}
