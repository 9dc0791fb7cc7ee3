/* assets: asset orders, their status history and allocations to compensation claims (see
 * assets.h). */
#include "justice/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "justice/investigation.h"
#include "justice/justice_int.h"
#include "referral/legal.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

/* ---- currencies and amounts ------------------------------------------------------------- */

/* The currencies and amounts are platform functions now (util/money.h); these names stay for
 * the justice module's callers. */
int asset_currency_exponent(const char *code)
{
    return money_currency_exponent(code);
}

enum status asset_amount_parse(const char *field, const char *currency, const char *text, int64_t *minor_out)
{
    return money_amount_parse(field, currency, text, minor_out);
}

void asset_amount_format(const char *currency, int64_t minor, char out[ASSET_AMOUNT_TEXT_BYTES])
{
    money_amount_format(currency, minor, out);
}

/* ---- codes and transitions ----------------------------------------------------------------- */

static const char *const kinds[] = {"freezing", "seizure", "confiscation", NULL};
static const char *const types[] = {"cash",   "bank_account", "real_estate", "vehicle", "business",
                                    "crypto", "valuables",    "other",       NULL};
static const char *const statuses[] = {"requested",   "ordered",  "executed", "lifted",
                                       "confiscated", "realised", "refused",  NULL};

bool asset_kind_known(const char *code)
{
    return code != NULL && util_in_list(code, kinds);
}

bool asset_type_known(const char *code)
{
    return code != NULL && util_in_list(code, types);
}

bool asset_status_known(const char *code)
{
    return code != NULL && util_in_list(code, statuses);
}

bool asset_transition_allowed(const char *from, const char *to)
{
    static const struct {
        const char *from, *to;
    } moves[] = {
        {"requested", "ordered"}, {"requested", "refused"},    {"ordered", "executed"},     {"ordered", "lifted"},
        {"executed", "lifted"},   {"executed", "confiscated"}, {"confiscated", "realised"},
    };
    for (size_t i = 0; i < ARRAY_LEN(moves); i++) {
        if (strcmp(moves[i].from, from) == 0 && strcmp(moves[i].to, to) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- rows ---------------------------------------------------------------------------------- */

struct order {
    int64_t id, investigation_id, suspect_id, entity_id, created_by, created_at_ms, updated_at_ms, version;
    char kind[16], asset_type[16], currency[4], status[16], status_date[11], order_date[11];
    char authority[ASSET_TEXT_BYTES_MAX + 1], court_reference[ASSET_TEXT_BYTES_MAX + 1];
    bool has_amount, has_realised;
    int64_t amount, realised, allocated;
    char *description; /* opened, or NULL */
    bool description_withheld, has_description;
};

static void order_clear(struct order *o)
{
    if (o->description != NULL) {
        vault_plain_free(o->description, strlen(o->description));
    }
    o->description = NULL;
}

static enum status order_row(const struct auth_ctx *ctx, struct store_rows *r, bool open, struct order *o)
{
    memset(o, 0, sizeof *o);
    o->id = store_rows_i64(r, 0);
    o->investigation_id = store_rows_i64(r, 1);
    snprintf(o->kind, sizeof o->kind, "%s", store_rows_text(r, 2));
    snprintf(o->asset_type, sizeof o->asset_type, "%s", store_rows_text(r, 3));
    o->suspect_id = store_rows_i64(r, 5);
    o->entity_id = store_rows_i64(r, 6);
    snprintf(o->currency, sizeof o->currency, "%s", store_rows_text(r, 7));
    o->has_amount = !store_rows_is_null(r, 8);
    o->amount = o->has_amount ? store_rows_i64(r, 8) : 0;
    o->has_realised = !store_rows_is_null(r, 9);
    o->realised = o->has_realised ? store_rows_i64(r, 9) : 0;
    snprintf(o->authority, sizeof o->authority, "%s", store_rows_text(r, 10));
    snprintf(o->order_date, sizeof o->order_date, "%s", store_rows_text(r, 11));
    snprintf(o->court_reference, sizeof o->court_reference, "%s", store_rows_text(r, 12));
    snprintf(o->status, sizeof o->status, "%s", store_rows_text(r, 13));
    snprintf(o->status_date, sizeof o->status_date, "%s", store_rows_text(r, 14));
    o->created_by = store_rows_i64(r, 15);
    o->created_at_ms = store_rows_i64(r, 16);
    o->updated_at_ms = store_rows_i64(r, 17);
    o->version = store_rows_i64(r, 18);
    o->allocated = store_rows_i64(r, 19);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 4, &len);
    o->has_description = blob != NULL && len > 0;
    if (!o->has_description) {
        return STATUS_OK;
    }
    if (!open) {
        o->description_withheld = true;
        return STATUS_OK;
    }
    size_t plen = 0;
    struct vault_ad ad = {"asset_orders", "description_enc", o->id};
    return vault_unseal(ctx->vault, &o->description, &plen, &ad, blob, len);
}

static json_t *amount_json(const char *currency, bool has, int64_t minor)
{
    if (!has) {
        return json_null();
    }
    char buf[ASSET_AMOUNT_TEXT_BYTES];
    asset_amount_format(currency, minor, buf);
    return json_string(buf);
}

static json_t *id_or_null(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

static json_t *order_json(const struct order *o)
{
    json_t *j = json_pack("{sIsIssss}", "id", (json_int_t)o->id, "investigation_id", (json_int_t)o->investigation_id,
                          "kind", o->kind, "asset_type", o->asset_type);
    if (o->description != NULL) {
        json_object_set_new(j, "description", json_string(o->description));
    } else {
        json_object_set_new(j, "description", json_null());
    }
    json_object_set_new(j, "description_withheld", json_boolean(o->description_withheld));
    json_object_set_new(j, "suspect_id", id_or_null(o->suspect_id));
    json_object_set_new(j, "entity_id", id_or_null(o->entity_id));
    json_object_set_new(j, "currency", str_or_null(o->currency));
    json_object_set_new(j, "amount", amount_json(o->currency, o->has_amount, o->amount));
    json_object_set_new(j, "amount_minor", o->has_amount ? json_integer(o->amount) : json_null());
    json_object_set_new(j, "realised_amount", amount_json(o->currency, o->has_realised, o->realised));
    json_object_set_new(j, "realised_amount_minor", o->has_realised ? json_integer(o->realised) : json_null());
    json_object_set_new(j, "allocated", amount_json(o->currency, true, o->allocated));
    json_object_set_new(j, "allocated_minor", json_integer(o->allocated));
    json_object_set_new(j, "authority", str_or_null(o->authority));
    json_object_set_new(j, "order_date", str_or_null(o->order_date));
    json_object_set_new(j, "court_reference", str_or_null(o->court_reference));
    json_object_set_new(j, "status", json_string(o->status));
    json_object_set_new(j, "status_date", str_or_null(o->status_date));
    json_object_set_new(j, "created_by", id_or_null(o->created_by));
    json_object_set_new(j, "version", json_integer(o->version));
    return j;
}

/* May the caller open the legal field group on this investigation? (audited when so) */
static enum status legal_open(const struct auth_ctx *ctx, struct auth_record *rec, const char *detail, bool *open)
{
    *open = false;
    if (!auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false)) {
        return STATUS_OK;
    }
    enum status st = auth_check(ctx, "justice.read", rec, AUTH_FG_LEGAL, false, detail);
    *open = st == STATUS_OK;
    return st;
}

static enum status order_load(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, bool open, struct order *o)
{
    memset(o, 0, sizeof *o);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_ASSET_GET, k, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such asset order");
    }
    if (st == STATUS_OK) {
        st = order_row(ctx, r, open, o);
    }
    store_rows_free(r);
    return st;
}

/* ---- input ---------------------------------------------------------------------------------- */

struct order_in {
    const char *kind, *asset_type, *description, *currency, *amount_text, *authority, *order_date, *court_reference;
    int64_t suspect_id, entity_id, amount_minor;
    bool suspect_set, entity_set, amount_minor_set, amount_null;
};

static enum status id_member(const json_t *in, const char *key, int64_t *out, bool *set)
{
    json_t *v = json_object_get(in, key);
    *set = v != NULL;
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, key, "%s: a positive id", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

/* The amount members: "amount" (decimal text) or "amount_minor" (integer); null clears. */
static enum status amount_members(const json_t *in, const char **text, int64_t *minor, bool *minor_set, bool *null_out)
{
    *text = NULL;
    *minor = 0;
    *minor_set = false;
    *null_out = false;
    json_t *a = json_object_get(in, "amount"), *m = json_object_get(in, "amount_minor");
    if (a != NULL && m != NULL && !json_is_null(a) && !json_is_null(m)) {
        return err_set_field(STATUS_INVALID, "amount", "amount: give amount or amount_minor, not both");
    }
    if ((a != NULL && json_is_null(a) && (m == NULL || json_is_null(m))) ||
        (a == NULL && m != NULL && json_is_null(m))) {
        *null_out = true;
        return STATUS_OK;
    }
    if (a != NULL && !json_is_null(a)) {
        if (!json_is_string(a)) {
            return err_set_field(STATUS_INVALID, "amount", "amount: a decimal string such as \"12,345.67\"");
        }
        *text = json_string_value(a);
        return STATUS_OK;
    }
    if (m != NULL && !json_is_null(m)) {
        if (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > ASSET_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, "amount_minor", "amount_minor: an integer from 0 to 10^15");
        }
        *minor = json_integer_value(m);
        *minor_set = true;
    }
    return STATUS_OK;
}

static enum status order_in_read(const json_t *in, bool create, struct order_in *o)
{
    static const char *const keys_new[] = {"kind",      "asset_type", "description",     "suspect_id",
                                           "entity_id", "currency",   "amount",          "amount_minor",
                                           "authority", "order_date", "court_reference", NULL};
    memset(o, 0, sizeof *o);
    enum status st = justice__known_members(in, create ? keys_new : keys_new + 1);
    if (st == STATUS_OK && !create && json_object_get(in, "kind") != NULL) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: cannot change");
    }
    if (st == STATUS_OK && create) {
        st = util_json_str(in, "kind", 16, &o->kind);
        if (st == STATUS_OK && !asset_kind_known(o->kind)) {
            st = err_set_field(STATUS_INVALID, "kind", "kind: freezing, seizure or confiscation");
        }
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "asset_type", 16, &o->asset_type);
    }
    if (st == STATUS_OK && (create || o->asset_type != NULL) && !asset_type_known(o->asset_type)) {
        st = err_set_field(STATUS_INVALID, "asset_type",
                           "asset_type: cash, bank_account, real_estate, vehicle, business, crypto, valuables or "
                           "other");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "description", ASSET_DESCRIPTION_BYTES_MAX, &o->description);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "currency", 3, &o->currency);
    }
    if (st == STATUS_OK && o->currency != NULL && o->currency[0] != '\0' && asset_currency_exponent(o->currency) < 0) {
        st = err_set_field(STATUS_INVALID, "currency", "currency: an ISO 4217 code in upper case (EUR, JPY, KWD)");
    }
    if (st == STATUS_OK) {
        st = amount_members(in, &o->amount_text, &o->amount_minor, &o->amount_minor_set, &o->amount_null);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "authority", ASSET_TEXT_BYTES_MAX, &o->authority);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "court_reference", ASSET_TEXT_BYTES_MAX, &o->court_reference);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "order_date", 10, &o->order_date);
    }
    if (st == STATUS_OK && o->order_date != NULL && o->order_date[0] != '\0') {
        st = justice__date_check("order_date", o->order_date);
    }
    if (st == STATUS_OK) {
        st = id_member(in, "suspect_id", &o->suspect_id, &o->suspect_set);
    }
    if (st == STATUS_OK) {
        st = id_member(in, "entity_id", &o->entity_id, &o->entity_set);
    }
    return st;
}

/* Applies the input's amount to (currency, amount) of o. */
static enum status order_amount_apply(const struct order_in *in, struct order *o)
{
    if (in->currency != NULL) {
        snprintf(o->currency, sizeof o->currency, "%s", in->currency);
    }
    if (in->amount_null) {
        o->has_amount = false;
        o->amount = 0;
    } else if (in->amount_text != NULL) {
        if (o->currency[0] == '\0') {
            return err_set_field(STATUS_INVALID, "currency", "currency: required with an amount");
        }
        enum status st = asset_amount_parse("amount", o->currency, in->amount_text, &o->amount);
        if (st != STATUS_OK) {
            return st;
        }
        o->has_amount = true;
    } else if (in->amount_minor_set) {
        o->amount = in->amount_minor;
        o->has_amount = true;
    }
    if (o->has_amount && o->currency[0] == '\0') {
        return err_set_field(STATUS_INVALID, "currency", "currency: required with an amount");
    }
    return STATUS_OK;
}

static enum status seal(const struct auth_ctx *ctx, const char *table, const char *column, int64_t id, const char *text,
                        uint8_t **buf, struct sql_value *v)
{
    *buf = NULL;
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {table, column, id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

static enum status suspect_check(const struct auth_ctx *ctx, int64_t inv_id, int64_t suspect_id)
{
    if (suspect_id == 0) {
        return STATUS_OK;
    }
    struct sql_value k[] = {SQLV_I64(suspect_id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_ASSET_SUSPECT_OF, k, 2, &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_INVALID, "suspect_id", "suspect_id: not a suspect of this investigation");
    }
    return st;
}

static enum status log_add(const struct auth_ctx *ctx, int64_t order_id, const char *from, const char *to,
                           const char *date, bool has_amount, int64_t amount, const char *note)
{
    int64_t id = vault_random_id();
    uint8_t *buf = NULL;
    struct sql_value nv;
    enum status st = seal(ctx, "asset_status_log", "note_enc", id, note, &buf, &nv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(order_id),
                                sqlv_text(from),
                                sqlv_text(to),
                                sqlv_text(date),
                                has_amount ? SQLV_I64(amount) : SQLV_NULL,
                                nv,
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ASSET_LOG_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    return st;
}

/* ---- operations ---------------------------------------------------------------------------- */

enum status asset_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add asset order", &rec);
    struct order_in oi;
    struct order o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = order_in_read(in, true, &oi);
    }
    if (st == STATUS_OK && oi.description != NULL && oi.description[0] != '\0') {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "add asset description");
    }
    if (st == STATUS_OK) {
        st = order_amount_apply(&oi, &o);
    }
    if (st == STATUS_OK) {
        st = suspect_check(ctx, inv_id, oi.suspect_id);
    }
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    const char *date = oi.order_date != NULL && oi.order_date[0] ? oi.order_date : today;
    int64_t id = vault_random_id();
    uint8_t *buf = NULL;
    struct sql_value dv;
    st = seal(ctx, "asset_orders", "description_enc", id, oi.description, &buf, &dv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(inv_id),
                                sqlv_text(oi.kind),
                                sqlv_text(oi.asset_type),
                                dv,
                                oi.suspect_id ? SQLV_I64(oi.suspect_id) : SQLV_NULL,
                                oi.entity_id ? SQLV_I64(oi.entity_id) : SQLV_NULL,
                                sqlv_text(o.currency),
                                o.has_amount ? SQLV_I64(o.amount) : SQLV_NULL,
                                sqlv_text(oi.authority ? oi.authority : ""),
                                sqlv_text(date),
                                sqlv_text(oi.court_reference ? oi.court_reference : ""),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ASSET_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = log_add(ctx, id, "", "requested", date, o.has_amount, o.amount, NULL);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.asset.add", "investigation", inv_id, "ok", oi.kind);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static enum status allocations_json(const struct auth_ctx *ctx, enum stmt stmt, int64_t key, json_t **out)
{
    *out = NULL;
    struct sql_value k[] = {SQLV_I64(key)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, stmt, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        const char *cur = store_rows_text(r, 3);
        int64_t minor = store_rows_i64(r, 4);
        json_t *e =
            json_pack("{sIsI}", "id", (json_int_t)store_rows_i64(r, 0), "order_id", (json_int_t)store_rows_i64(r, 1));
        json_object_set_new(e, "claim_id", id_or_null(store_rows_i64(r, 2)));
        json_object_set_new(e, "currency", json_string(cur));
        json_object_set_new(e, "amount", amount_json(cur, true, minor));
        json_object_set_new(e, "amount_minor", json_integer(minor));
        json_object_set_new(e, "date", str_or_null(store_rows_text(r, 5)));
        json_array_append_new(arr, e);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

static enum status history_json(const struct auth_ctx *ctx, const struct order *o, bool open, json_t **out)
{
    *out = NULL;
    struct sql_value k[] = {SQLV_I64(o->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_ASSET_LOG_LIST, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t id = store_rows_i64(r, 0);
        json_t *e = json_pack("{sI}", "id", (json_int_t)id);
        json_object_set_new(e, "from", str_or_null(store_rows_text(r, 1)));
        json_object_set_new(e, "to", json_string(store_rows_text(r, 2)));
        json_object_set_new(e, "date", str_or_null(store_rows_text(r, 3)));
        bool has = !store_rows_is_null(r, 4);
        json_object_set_new(e, "amount", amount_json(o->currency, has, has ? store_rows_i64(r, 4) : 0));
        json_object_set_new(e, "by", id_or_null(store_rows_i64(r, 6)));
        char at[32];
        util_time_iso(at, store_rows_i64(r, 7));
        json_object_set_new(e, "at", json_string(at));
        size_t len = 0;
        const uint8_t *blob = store_rows_blob(r, 5, &len);
        if (blob != NULL && len > 0) {
            if (open) {
                char *plain = NULL;
                size_t plen = 0;
                struct vault_ad ad = {"asset_status_log", "note_enc", id};
                st = vault_unseal(ctx->vault, &plain, &plen, &ad, blob, len);
                if (st == STATUS_OK) {
                    json_object_set_new(e, "note", json_stringn(plain, plen));
                    vault_plain_free(plain, plen);
                }
            } else {
                json_object_set_new(e, "note_withheld", json_true());
            }
        }
        json_array_append_new(arr, e);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status asset_get(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, json_t **out)
{
    *out = NULL;
    struct auth_record rec;
    bool open = false;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read asset order", &rec);
    if (st == STATUS_OK) {
        st = legal_open(ctx, &rec, "read asset order", &open);
    }
    struct order o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = order_load(ctx, inv_id, id, open, &o);
    }
    json_t *h = NULL, *al = NULL;
    if (st == STATUS_OK) {
        st = history_json(ctx, &o, open, &h);
    }
    if (st == STATUS_OK) {
        st = allocations_json(ctx, STMT_ASSET_ALLOC_LIST, id, &al);
    }
    if (st == STATUS_OK) {
        json_t *j = order_json(&o);
        json_object_set_new(j, "history", h);
        json_object_set_new(j, "allocations", al);
        *out = j;
        h = al = NULL;
    }
    json_decref(h);
    json_decref(al);
    order_clear(&o);
    return st;
}

enum status asset_list(const struct auth_ctx *ctx, int64_t inv_id, json_t **out)
{
    *out = NULL;
    struct auth_record rec;
    bool open = false;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read asset orders", &rec);
    if (st == STATUS_OK) {
        st = legal_open(ctx, &rec, "read asset orders", &open);
    }
    struct sql_value k[] = {SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_ASSET_LIST, k, 1, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        struct order o;
        st = order_row(ctx, r, open, &o);
        if (st == STATUS_OK) {
            json_array_append_new(arr, order_json(&o));
        }
        order_clear(&o);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status asset_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t version, const json_t *in)
{
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change asset order", &rec);
    struct order_in oi;
    struct order o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = order_in_read(in, false, &oi);
    }
    if (st == STATUS_OK && oi.description != NULL) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "change asset description");
    }
    if (st == STATUS_OK) {
        st = order_load(ctx, inv_id, id, false, &o);
    }
    if (st == STATUS_OK && version != 0 && version != o.version) {
        st = err_set(STATUS_CONFLICT, "the asset order has changed since it was read");
    }
    bool money = oi.currency != NULL || oi.amount_text != NULL || oi.amount_minor_set || oi.amount_null;
    if (st == STATUS_OK && money && o.allocated > 0) {
        st = err_set_field(STATUS_CONFLICT, "amount", "amount: the order has allocations; currency and amount stay");
    }
    /* A new currency changes what the minor units mean: the amount must come with it. */
    if (st == STATUS_OK && oi.currency != NULL && strcmp(oi.currency, o.currency) != 0 && o.has_amount &&
        oi.amount_text == NULL && !oi.amount_minor_set && !oi.amount_null) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: give the amount again with the new currency");
    }
    if (st == STATUS_OK) {
        st = order_amount_apply(&oi, &o);
    }
    if (st == STATUS_OK && oi.suspect_set) {
        st = suspect_check(ctx, inv_id, oi.suspect_id);
        o.suspect_id = oi.suspect_id;
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (oi.entity_set) {
        o.entity_id = oi.entity_id;
    }
    if (oi.asset_type != NULL) {
        snprintf(o.asset_type, sizeof o.asset_type, "%s", oi.asset_type);
    }
    if (oi.authority != NULL) {
        snprintf(o.authority, sizeof o.authority, "%s", oi.authority);
    }
    if (oi.court_reference != NULL) {
        snprintf(o.court_reference, sizeof o.court_reference, "%s", oi.court_reference);
    }
    if (oi.order_date != NULL && oi.order_date[0] != '\0') {
        snprintf(o.order_date, sizeof o.order_date, "%s", oi.order_date);
    }
    /* The description: the new one, or the sealed one kept as it is. */
    uint8_t *buf = NULL;
    struct sql_value dv = SQLV_NULL;
    struct store_rows *r = NULL;
    if (oi.description != NULL) {
        st = seal(ctx, "asset_orders", "description_enc", id, oi.description, &buf, &dv);
    } else {
        struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
        st = store_exec_one(ctx->store, STMT_ASSET_GET, k, 2, &r);
        if (st == STATUS_OK) {
            size_t len = 0;
            const uint8_t *blob = store_rows_blob(r, 4, &len);
            if (blob != NULL && len > 0) {
                dv = SQLV_BLOB(blob, len);
            }
        }
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(o.version),
                                sqlv_text(o.asset_type),
                                dv,
                                o.suspect_id ? SQLV_I64(o.suspect_id) : SQLV_NULL,
                                o.entity_id ? SQLV_I64(o.entity_id) : SQLV_NULL,
                                sqlv_text(o.currency),
                                o.has_amount ? SQLV_I64(o.amount) : SQLV_NULL,
                                sqlv_text(o.authority),
                                sqlv_text(o.order_date),
                                sqlv_text(o.court_reference),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_ASSET_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the asset order has changed since it was read");
        }
    }
    store_rows_free(r);
    free(buf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.asset.update", "investigation", inv_id, "ok", o.kind);
    }
    return st;
}

enum status asset_status_set(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t version, const json_t *in)
{
    static const char *const keys[] = {"status", "date", "note", "amount", "amount_minor", NULL};
    struct auth_record rec;
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change asset order status", &rec);
    const char *to = NULL, *date = NULL, *note = NULL, *text = NULL;
    int64_t minor = 0;
    bool minor_set = false, amount_null = false;
    if (st == STATUS_OK) {
        st = justice__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "status", 16, &to);
    }
    if (st == STATUS_OK && !asset_status_known(to)) {
        st = err_set_field(STATUS_INVALID, "status",
                           "status: requested, ordered, executed, lifted, confiscated, realised or refused");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "date", 10, &date);
    }
    if (st == STATUS_OK && date != NULL && date[0] != '\0') {
        st = justice__date_check("date", date);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "note", ASSET_NOTE_BYTES_MAX, &note);
    }
    if (st == STATUS_OK && note != NULL && note[0] != '\0') {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "asset status note");
    }
    if (st == STATUS_OK) {
        st = amount_members(in, &text, &minor, &minor_set, &amount_null);
    }
    struct order o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = order_load(ctx, inv_id, id, false, &o);
    }
    if (st == STATUS_OK && version != 0 && version != o.version) {
        st = err_set(STATUS_CONFLICT, "the asset order has changed since it was read");
    }
    if (st == STATUS_OK && !asset_transition_allowed(o.status, to)) {
        st = err_set_field(STATUS_CONFLICT, "status", "status: an asset order cannot go from %s to %s", o.status, to);
    }
    bool has = false;
    int64_t amount = 0;
    if (st == STATUS_OK && (text != NULL || minor_set)) {
        if (strcmp(to, "realised") != 0 && strcmp(to, "confiscated") != 0) {
            st = err_set_field(STATUS_INVALID, "amount", "amount: only when confiscated or realised");
        } else if (o.currency[0] == '\0') {
            st = err_set_field(STATUS_INVALID, "currency", "currency: the order has none; set it first");
        } else if (text != NULL) {
            st = asset_amount_parse("amount", o.currency, text, &amount);
        } else {
            amount = minor;
        }
        has = st == STATUS_OK;
    }
    if (st == STATUS_OK && strcmp(to, "realised") == 0) {
        if (!has) {
            st = err_set_field(STATUS_INVALID, "amount", "amount: the realised amount is required");
        } else if (amount < o.allocated) {
            st = err_set_field(STATUS_CONFLICT, "amount", "amount: below the %s already allocated", "amount");
        } else {
            o.has_realised = true;
            o.realised = amount;
        }
    }
    if (st == STATUS_OK && strcmp(to, "confiscated") == 0 && has) {
        o.has_amount = true;
        o.amount = amount;
    }
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    const char *when = date != NULL && date[0] ? date : today;
    struct sql_value a[] = {SQLV_I64(id),
                            SQLV_I64(o.version),
                            sqlv_text(to),
                            sqlv_text(when),
                            o.has_amount ? SQLV_I64(o.amount) : SQLV_NULL,
                            o.has_realised ? SQLV_I64(o.realised) : SQLV_NULL,
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_ASSET_STATUS_SET, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        st = err_set(STATUS_CONFLICT, "the asset order has changed since it was read");
    }
    if (st == STATUS_OK) {
        st = log_add(ctx, id, o.status, to, when, has, amount, note);
    }
    if (st == STATUS_OK) {
        char detail[48];
        snprintf(detail, sizeof detail, "%s -> %s", o.status, to);
        st = auth_audit(ctx, "justice.asset.status", "investigation", inv_id, "ok", detail);
    }
    return st;
}

enum status asset_allocate(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, const json_t *in,
                           int64_t *alloc_id_out)
{
    static const char *const keys[] = {"claim_id", "amount", "amount_minor", "date", NULL};
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "allocate asset order", NULL);
    int64_t claim_id = 0, minor = 0, amount = 0;
    bool claim_set = false, minor_set = false, amount_null = false;
    const char *text = NULL, *date = NULL;
    if (st == STATUS_OK) {
        st = justice__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = id_member(in, "claim_id", &claim_id, &claim_set);
    }
    if (st == STATUS_OK && claim_id == 0) {
        st = err_set_field(STATUS_INVALID, "claim_id", "claim_id: required, a compensation claim's id");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "date", 10, &date);
    }
    if (st == STATUS_OK && date != NULL && date[0] != '\0') {
        st = justice__date_check("date", date);
    }
    if (st == STATUS_OK) {
        st = amount_members(in, &text, &minor, &minor_set, &amount_null);
    }
    if (st == STATUS_OK && text == NULL && !minor_set) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: required");
    }
    struct order o;
    memset(&o, 0, sizeof o);
    if (st == STATUS_OK) {
        st = order_load(ctx, inv_id, id, false, &o);
    }
    if (st == STATUS_OK && strcmp(o.status, "confiscated") != 0 && strcmp(o.status, "realised") != 0) {
        st = err_set_field(STATUS_CONFLICT, "status",
                           "status: only a confiscated or realised order is allocated (this one is %s)", o.status);
    }
    if (st == STATUS_OK) {
        if (text != NULL) {
            st = asset_amount_parse("amount", o.currency, text, &amount);
        } else {
            amount = minor;
        }
    }
    if (st == STATUS_OK && amount <= 0) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: more than zero");
    }
    /* The claim: its case must be readable with the legal field group (legal_get checks). */
    int64_t case_id = 0;
    json_t *claim = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(claim_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_ASSET_CLAIM_CASE, k, 1, &r);
        if (st == STATUS_OK) {
            case_id = store_rows_i64(r, 0);
        }
        store_rows_free(r);
        if (st == STATUS_OK) {
            st = legal_get(ctx, LEGAL_CLAIM, case_id, claim_id, &claim);
        }
        if (st == STATUS_NOT_FOUND || st == STATUS_DENIED) {
            st = err_set_field(STATUS_INVALID, "claim_id", "claim_id: not a compensation claim you may read");
        }
    }
    if (st == STATUS_OK) {
        const char *cur = json_string_value(json_object_get(claim, "currency"));
        if (cur == NULL || strcmp(cur, o.currency) != 0) {
            st = err_set_field(STATUS_CONFLICT, "currency", "currency: the claim is in %s, the order in %s",
                               cur && cur[0] ? cur : "no currency", o.currency[0] ? o.currency : "no currency");
        }
    }
    json_decref(claim);
    if (st == STATUS_OK) {
        bool realised = strcmp(o.status, "realised") == 0;
        int64_t cap = realised ? o.realised : (o.has_amount ? o.amount : 0);
        if (amount > cap - o.allocated) {
            char c[ASSET_AMOUNT_TEXT_BYTES], al[ASSET_AMOUNT_TEXT_BYTES], left[ASSET_AMOUNT_TEXT_BYTES];
            asset_amount_format(o.currency, cap, c);
            asset_amount_format(o.currency, o.allocated, al);
            asset_amount_format(o.currency, cap - o.allocated, left);
            st = err_set_field(STATUS_CONFLICT, "amount",
                               "amount: the allocations would exceed the %s amount %s %s (%s allocated, %s left)",
                               realised ? "realised" : "confiscated", c, o.currency, al, left);
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    int64_t aid = vault_random_id();
    struct sql_value a[] = {SQLV_I64(aid),
                            SQLV_I64(id),
                            SQLV_I64(claim_id),
                            sqlv_text(o.currency),
                            SQLV_I64(amount),
                            sqlv_text(date != NULL && date[0] ? date : today),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_ASSET_ALLOC_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.asset.allocate", "investigation", inv_id, "ok", o.currency);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.asset.allocate", "case", case_id, "ok", o.currency);
    }
    if (st == STATUS_OK && alloc_id_out != NULL) {
        *alloc_id_out = aid;
    }
    return st;
}

enum status asset_allocations(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read asset allocations", NULL);
    struct order o;
    if (st == STATUS_OK) {
        st = order_load(ctx, inv_id, id, false, &o);
    }
    return st == STATUS_OK ? allocations_json(ctx, STMT_ASSET_ALLOC_LIST, id, out) : st;
}

enum status asset_claim_allocations(const struct auth_ctx *ctx, int64_t case_id, int64_t claim_id, json_t **out)
{
    *out = NULL;
    json_t *claim = NULL;
    enum status st = legal_get(ctx, LEGAL_CLAIM, case_id, claim_id, &claim);
    json_decref(claim);
    return st == STATUS_OK ? allocations_json(ctx, STMT_ASSET_ALLOC_OF_CLAIM, claim_id, out) : st;
}

/* ---- totals -------------------------------------------------------------------------------- */

struct totals {
    char currency[4], year[5];
    int64_t frozen, seized, confiscated, realised, allocated;
};

static void add_sat(int64_t *sum, int64_t v)
{
    if (__builtin_add_overflow(*sum, v, sum)) {
        *sum = INT64_MAX;
    }
}

static json_t *totals_json(const struct totals *t)
{
    return json_pack("{sssssIsIsIsIsI}", "currency", t->currency, "year", t->year, "frozen", (json_int_t)t->frozen,
                     "seized", (json_int_t)t->seized, "confiscated", (json_int_t)t->confiscated, "realised",
                     (json_int_t)t->realised, "allocated", (json_int_t)t->allocated);
}

enum status asset_totals(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    enum status st = STATUS_OK;
    if (from != NULL && from[0] != '\0') {
        st = justice__date_check("from", from);
    }
    if (st == STATUS_OK && to != NULL && to[0] != '\0') {
        st = justice__date_check("to", to);
    }
    if (st == STATUS_OK) {
        st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "asset totals");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    auth_scope_filter(ctx->who, &agency, &owner);
    struct sql_value a[] = {SQLV_I64(agency), SQLV_I64(owner), sqlv_text(from ? from : ""), sqlv_text(to ? to : "")};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_ASSET_TOTALS_SCAN, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    struct totals t;
    memset(&t, 0, sizeof t);
    bool any = false;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        const char *kind = store_rows_text(r, 0), *status = store_rows_text(r, 1), *cur = store_rows_text(r, 2);
        const char *date = store_rows_text(r, 5);
        if (cur[0] == '\0') {
            continue; /* no amount to count */
        }
        char year[5];
        snprintf(year, sizeof year, "%.4s", date[0] ? date : "----");
        if (any && (strcmp(t.currency, cur) != 0 || strcmp(t.year, year) != 0)) {
            json_array_append_new(arr, totals_json(&t));
            any = false;
        }
        if (!any) {
            memset(&t, 0, sizeof t);
            snprintf(t.currency, sizeof t.currency, "%s", cur);
            snprintf(t.year, sizeof t.year, "%s", year);
            any = true;
        }
        int64_t amount = store_rows_i64(r, 3);
        bool executed = store_rows_i64(r, 7) != 0; /* the order was executed at some point */
        bool confiscated = strcmp(status, "confiscated") == 0 || strcmp(status, "realised") == 0;
        if (executed && strcmp(kind, "freezing") == 0) {
            add_sat(&t.frozen, amount);
        }
        if (executed && strcmp(kind, "seizure") == 0) {
            add_sat(&t.seized, amount);
        }
        if (confiscated) {
            add_sat(&t.confiscated, amount);
        }
        if (strcmp(status, "realised") == 0) {
            add_sat(&t.realised, store_rows_i64(r, 4));
        }
        add_sat(&t.allocated, store_rows_i64(r, 6));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    if (any) {
        json_array_append_new(arr, totals_json(&t));
    }
    *out = arr;
    return STATUS_OK;
}
