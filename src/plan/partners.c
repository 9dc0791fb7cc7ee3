/* partners: partnerships under the Plan of Action (see partners.h). */
#include "plan/partners.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/vocab.h"
#include "plan/text.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const partner_types[] = {"government",  "ngo",       "international", "private_sector", "media",
                                            "trade_union", "employers", "academia",      "other",          NULL};
static const char *const agreement_kinds[] = {"mou", "agreement", "protocol", "joint_programme", NULL};
static const char *const delivery_kinds[] = {"training", "legislative_advice", "equipment", "expert_mission", "other",
                                             NULL};
static const char *const ta_states[] = {"requested", "accepted", "declined", "delivered", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static void today(char out[11])
{
    time_t t = (time_t)(util_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Days from a to b (dates YYYY-MM-DD already checked). */
static int64_t days_between(const char *a, const char *b)
{
    struct tm ta = {0}, tb = {0};
    sscanf(a, "%d-%d-%d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday);
    sscanf(b, "%d-%d-%d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday);
    ta.tm_year -= 1900;
    tb.tm_year -= 1900;
    ta.tm_mon--;
    tb.tm_mon--;
    return (int64_t)((timegm(&tb) - timegm(&ta)) / 86400);
}

static enum status known_members(const json_t *in, const char *const *keys)
{
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object");
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        if (!in_list(k, keys)) {
            return err_set_field(STATUS_INVALID, k, "%s: not a member of this object", k);
        }
    }
    return STATUS_OK;
}

/* A text member: "" when absent or null. */
static enum status text_member(const json_t *in, const char *key, size_t max, bool required, const char **out)
{
    *out = "";
    json_t *v = json_object_get(in, key);
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_string(v)) {
            return err_set_field(STATUS_INVALID, key, "%s: a string", key);
        }
        if (strlen(json_string_value(v)) > max) {
            return err_set_field(STATUS_INVALID, key, "%s: at most %zu bytes", key, max);
        }
        *out = json_string_value(v);
    }
    if (required && (*out)[0] == '\0') {
        return err_set_field(STATUS_INVALID, key, "%s: required", key);
    }
    return STATUS_OK;
}

static enum status date_member(const json_t *in, const char *key, bool required, const char **out)
{
    enum status st = text_member(in, key, 10, required, out);
    char now[11];
    today(now);
    if (st == STATUS_OK && (*out)[0] != '\0' && !money_date_valid(*out)) {
        st = err_set_field(STATUS_INVALID, key, "%s: a date YYYY-MM-DD", key);
    }
    if (st == STATUS_OK && strcmp(*out, now) > 0) {
        st = err_set_field(STATUS_INVALID, key, "%s: a date in the future", key);
    }
    return st;
}

static enum status id_member(const json_t *in, const char *key, bool required, int64_t *out)
{
    *out = 0;
    json_t *v = json_object_get(in, key);
    if (v == NULL || json_is_null(v)) {
        return required ? err_set_field(STATUS_INVALID, key, "%s: required", key) : STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, key, "%s: a positive id", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

static enum status country_ok(const char *key, const char *code)
{
    if (code[0] != '\0' && (strlen(code) != 3 || vocab_index("country", code) < 0)) {
        return err_set_field(STATUS_INVALID, key, "%s: an ISO 3166-1 alpha-3 code of the country vocabulary", key);
    }
    return STATUS_OK;
}

static bool paragraph_known(const char *id)
{
    size_t n = 0;
    const struct plan_paragraph *p = plan_data_paragraphs(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].id, id) == 0) {
            return true;
        }
    }
    return false;
}

/* An array of codes checked by ok(), joined with commas into *out (the caller frees). */
static enum status codes_member(const json_t *in, const char *key, bool (*ok)(const char *), const char *what,
                                char **out)
{
    *out = xstrdup("");
    json_t *v = json_object_get(in, key), *x;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_array(v) || json_array_size(v) > PLAN_PARAGRAPHS_MAX) {
        return err_set_field(STATUS_INVALID, key, "%s: an array of at most %d %s", key, PLAN_PARAGRAPHS_MAX, what);
    }
    struct buf b = BUF_INIT(4096);
    size_t i;
    json_array_foreach(v, i, x)
    {
        const char *s = json_string_value(x);
        if (s == NULL || !ok(s)) {
            buf_free(&b);
            return err_set_field(STATUS_INVALID, key, "%s: %s", key, what);
        }
        if (i > 0) {
            buf_append(&b, ",", 1);
        }
        buf_append(&b, s, strlen(s));
    }
    free(*out);
    *out = buf_take(&b);
    return STATUS_OK;
}

/* "a,b" as a JSON array. */
static json_t *codes_json(const char *text)
{
    json_t *arr = json_array();
    const char *s = text;
    while (s != NULL && *s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        json_array_append_new(arr, json_stringn(s, n));
        s = comma ? comma + 1 : NULL;
    }
    return arr;
}

static int64_t who(const struct auth_ctx *ctx)
{
    return ctx->who->user_id;
}

/* ---- partners ------------------------------------------------------------------------------- */

static json_t *partner_json(const struct auth_ctx *ctx, struct store_rows *r, bool with_contact)
{
    int64_t id = store_rows_i64(r, 0);
    size_t blen = 0;
    const uint8_t *blob = store_rows_blob(r, 5, &blen);
    json_t *o = json_pack("{sI ss ss ss so sI ss sI}", "id", (json_int_t)id, "name", store_rows_text(r, 1), "type",
                          store_rows_text(r, 2), "country", store_rows_text(r, 3), "areas",
                          codes_json(store_rows_text(r, 4)), "agency_id", (json_int_t)store_rows_i64(r, 6), "agency",
                          store_rows_text(r, 7), "created_at_ms", (json_int_t)store_rows_i64(r, 8));
    if (!with_contact) {
        json_object_set_new(o, "has_contact", json_boolean(blob != NULL && blen > 0));
        return o;
    }
    json_t *contact = json_null();
    if (blob != NULL && blen > 0) {
        char *plain = NULL;
        size_t plen = 0;
        struct vault_ad ad = {"plan_partners", "contact_enc", id};
        if (vault_unseal(ctx->vault, &plain, &plen, &ad, blob, blen) == STATUS_OK) {
            json_t *c = json_loadb(plain, plen, 0, NULL);
            if (c != NULL) {
                json_decref(contact);
                contact = c;
            }
            vault_plain_free(plain, plen);
        }
    }
    json_object_set_new(o, "contact", contact);
    return o;
}

static bool pillar_ok(const char *s)
{
    return plan_pillar_known(s);
}

static enum status partner_fetch(const struct auth_ctx *ctx, int64_t id, bool with_contact, json_t **out);
static enum status ta_full(const struct auth_ctx *ctx, int64_t id, json_t **out);

enum status plan_partner_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out, json_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    static const char *const keys[] = {"name", "type", "country", "areas", "contact", "agency_id", NULL};
    static const char *const ckeys[] = {"person", "email", "phone", NULL};
    *id_out = 0;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "add partner");
    const char *name = "", *type = "", *country = "", *person = "", *email = "", *phone = "";
    char *areas = NULL;
    int64_t agency = 0;
    if (st == STATUS_OK) {
        st = known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "name", PLAN_PARTNER_NAME_BYTES_MAX, true, &name);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "type", 20, true, &type);
    }
    if (st == STATUS_OK && !in_list(type, partner_types)) {
        st = err_set_field(STATUS_INVALID, "type",
                           "type: government, ngo, international, private_sector, media, trade_union, employers, "
                           "academia or other");
    }
    if (st == STATUS_OK) {
        st = text_member(in, "country", 3, false, &country);
    }
    if (st == STATUS_OK) {
        st = country_ok("country", country);
    }
    if (st == STATUS_OK) {
        st = codes_member(in, "areas", pillar_ok,
                          "pillar codes (general, prevent, protect, prosecute, partner, "
                          "follow_up)",
                          &areas);
    }
    json_t *contact = json_object_get(in, "contact");
    if (st == STATUS_OK && contact != NULL && !json_is_null(contact)) {
        st = known_members(contact, ckeys);
        if (st == STATUS_OK) {
            st = text_member(contact, "person", PLAN_PARTNER_CONTACT_BYTES_MAX, false, &person);
        }
        if (st == STATUS_OK) {
            st = text_member(contact, "email", PLAN_PARTNER_CONTACT_BYTES_MAX, false, &email);
        }
        if (st == STATUS_OK && email[0] && strchr(email, '@') == NULL) {
            st = err_set_field(STATUS_INVALID, "email", "email: an e-mail address");
        }
        if (st == STATUS_OK) {
            st = text_member(contact, "phone", PLAN_PARTNER_CONTACT_BYTES_MAX, false, &phone);
        }
    }
    if (st == STATUS_OK) {
        st = id_member(in, "agency_id", false, &agency);
    }
    if (st == STATUS_OK && agency > 0) {
        struct sql_value a[] = {SQLV_I64(agency)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_AGENCY_GET, a, 1, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: no such agency");
        }
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    size_t slen = 0;
    if (st == STATUS_OK && (person[0] || email[0] || phone[0])) {
        json_t *c = json_pack("{ssssss}", "person", person, "email", email, "phone", phone);
        char *text = json_dumps(c, JSON_COMPACT);
        json_decref(c);
        struct vault_ad ad = {"plan_partners", "contact_enc", id};
        st = vault_seal(ctx->vault, &sealed, &slen, &ad, text, strlen(text));
        free(text);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(name),
                                sqlv_text(type),
                                sqlv_text(country),
                                sqlv_text(areas),
                                sealed ? SQLV_BLOB(sealed, slen) : SQLV_NULL,
                                agency ? SQLV_I64(agency) : SQLV_NULL,
                                who(ctx) ? SQLV_I64(who(ctx)) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_PARTNER_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        *id_out = id;
    }
    if (st == STATUS_OK && out != NULL) {
        st = partner_fetch(ctx, id, true, out);
    }
    free(sealed);
    free(areas);
    return st;
}

static enum status partner_fetch(const struct auth_ctx *ctx, int64_t id, bool with_contact, json_t **out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_PARTNER_GET, a, 1, &r);
    if (st == STATUS_OK) {
        *out = partner_json(ctx, r, with_contact);
    } else if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no partner %lld", (long long)id);
    }
    store_rows_free(r);
    return st;
}

enum status plan_partner_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "partner");
    return st == STATUS_OK ? partner_fetch(ctx, id, true, out) : st;
}

enum status plan_partner_list(const struct auth_ctx *ctx, const char *type, const char *country, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "list partners");
    if (st == STATUS_OK && type != NULL && type[0] && !in_list(type, partner_types)) {
        st = err_set_field(STATUS_INVALID, "type", "type: a partner type");
    }
    if (st == STATUS_OK) {
        st = country_ok("country", country ? country : "");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(type ? type : ""), sqlv_text(country ? country : "")};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_PARTNER_LIST, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, partner_json(ctx, r, false));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{so}", "partners", arr);
    return STATUS_OK;
}

static enum status partner_exists(const struct auth_ctx *ctx, const char *field, int64_t id)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_PARTNER_GET, a, 1, &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_INVALID, field, "%s: no partner %lld", field, (long long)id);
    }
    return st;
}

/* ---- agreements ----------------------------------------------------------------------------- */

enum status plan_agreement_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"title", "kind", "signed", "end", "parties", "paragraphs", NULL};
    *id_out = 0;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "add agreement");
    const char *title = "", *kind = "", *signed_date = "", *end = "";
    char *paras = NULL;
    if (st == STATUS_OK) {
        st = known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "title", PLAN_TITLE_BYTES_MAX, true, &title);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "kind", 20, true, &kind);
    }
    if (st == STATUS_OK && !in_list(kind, agreement_kinds)) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: mou, agreement, protocol or joint_programme");
    }
    if (st == STATUS_OK) {
        st = date_member(in, "signed", true, &signed_date);
    }
    if (st == STATUS_OK) { /* an end date may lie ahead */
        st = text_member(in, "end", 10, false, &end);
        if (st == STATUS_OK && end[0] && !money_date_valid(end)) {
            st = err_set_field(STATUS_INVALID, "end", "end: a date YYYY-MM-DD");
        }
        if (st == STATUS_OK && end[0] && strcmp(end, signed_date) < 0) {
            st = err_set_field(STATUS_INVALID, "end", "end: before the signature (%s)", signed_date);
        }
    }
    if (st == STATUS_OK) {
        st = codes_member(in, "paragraphs", paragraph_known, "Plan paragraph ids (op-1..op-7, annex-1..annex-61)",
                          &paras);
    }
    json_t *parties = json_object_get(in, "parties");
    if (st == STATUS_OK &&
        (!json_is_array(parties) || json_array_size(parties) < 2 || json_array_size(parties) > PLAN_PARTIES_MAX)) {
        st = err_set_field(STATUS_INVALID, "parties", "parties: an array of 2 to %d partner ids", PLAN_PARTIES_MAX);
    }
    size_t i, j;
    json_t *p, *q;
    json_array_foreach(st == STATUS_OK ? parties : NULL, i, p)
    {
        if (!json_is_integer(p) || json_integer_value(p) <= 0) {
            st = err_set_field(STATUS_INVALID, "parties", "parties: partner ids");
            break;
        }
        json_array_foreach(parties, j, q)
        {
            if (j < i && json_integer_value(q) == json_integer_value(p)) {
                st = err_set_field(STATUS_INVALID, "parties", "parties: partner %lld twice",
                                   (long long)json_integer_value(p));
            }
        }
        if (st == STATUS_OK) {
            st = partner_exists(ctx, "parties", json_integer_value(p));
        }
        if (st != STATUS_OK) {
            break;
        }
    }
    int64_t id = vault_random_id();
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(title),
                                sqlv_text(kind),
                                sqlv_text(signed_date),
                                sqlv_text(end),
                                sqlv_text(paras),
                                who(ctx) ? SQLV_I64(who(ctx)) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_AGREEMENT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    json_array_foreach(st == STATUS_OK ? parties : NULL, i, p)
    {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(json_integer_value(p))};
        st = store_exec(ctx->store, STMT_PLAN_AGREEMENT_PARTY_ADD, a, 2, NULL);
        if (st != STATUS_OK) {
            break;
        }
    }
    if (st == STATUS_OK) {
        *id_out = id;
    }
    free(paras);
    return st;
}

enum status plan_agreement_list(const struct auth_ctx *ctx, int64_t partner_id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "list agreements");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(partner_id)};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_AGREEMENT_LIST, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, json_pack("{sI ss ss ss ss so so sI}", "id", (json_int_t)store_rows_i64(r, 0),
                                             "title", store_rows_text(r, 1), "kind", store_rows_text(r, 2), "signed",
                                             store_rows_text(r, 3), "end", store_rows_text(r, 4), "paragraphs",
                                             codes_json(store_rows_text(r, 5)), "parties", json_array(),
                                             "created_at_ms", (json_int_t)store_rows_i64(r, 6)));
    }
    store_rows_free(r);
    r = NULL;
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_PLAN_AGREEMENT_PARTIES, NULL, 0, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        size_t i;
        json_t *g;
        json_array_foreach(arr, i, g)
        {
            if (json_integer_value(json_object_get(g, "id")) == store_rows_i64(r, 0)) {
                json_array_append_new(
                    json_object_get(g, "parties"),
                    json_pack("{sIss}", "id", (json_int_t)store_rows_i64(r, 1), "name", store_rows_text(r, 2)));
            }
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{so}", "agreements", arr);
    return STATUS_OK;
}

/* ---- technical assistance -------------------------------------------------------------------- */

static json_t *ta_json(struct store_rows *r)
{
    return json_pack("{sI ss sI ss sI ss ss so ss ss ss ss ss sI sI sI}", "id", (json_int_t)store_rows_i64(r, 0),
                     "requester_state", store_rows_text(r, 1), "requester_partner_id", (json_int_t)store_rows_i64(r, 2),
                     "requester_partner", store_rows_text(r, 12), "provider_partner_id",
                     (json_int_t)store_rows_i64(r, 3), "provider", store_rows_text(r, 13), "topic",
                     store_rows_text(r, 4), "paragraphs", codes_json(store_rows_text(r, 5)), "requested",
                     store_rows_text(r, 6), "status", store_rows_text(r, 7), "accepted", store_rows_text(r, 8),
                     "declined", store_rows_text(r, 9), "delivered", store_rows_text(r, 10), "version",
                     (json_int_t)store_rows_i64(r, 11), "deliveries_count", (json_int_t)store_rows_i64(r, 14),
                     "beneficiaries", (json_int_t)store_rows_i64(r, 15));
}

enum status plan_ta_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out, json_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    static const char *const keys[] = {
        "requester_state", "requester_partner_id", "provider_partner_id", "topic", "paragraphs", "requested", NULL};
    *id_out = 0;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "add assistance request");
    const char *state = "", *topic = "", *requested = "";
    int64_t requester = 0, provider = 0;
    char *paras = NULL;
    if (st == STATUS_OK) {
        st = known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "requester_state", 3, false, &state);
    }
    if (st == STATUS_OK) {
        st = country_ok("requester_state", state);
    }
    if (st == STATUS_OK) {
        st = id_member(in, "requester_partner_id", false, &requester);
    }
    if (st == STATUS_OK && (state[0] == '\0') == (requester == 0)) {
        st = err_set_field(STATUS_INVALID, "requester_state",
                           "requester_state: a requesting state or requester_partner_id (one of them)");
    }
    if (st == STATUS_OK && requester > 0) {
        st = partner_exists(ctx, "requester_partner_id", requester);
    }
    if (st == STATUS_OK) {
        st = id_member(in, "provider_partner_id", true, &provider);
    }
    if (st == STATUS_OK) {
        st = partner_exists(ctx, "provider_partner_id", provider);
    }
    if (st == STATUS_OK && provider == requester) {
        st = err_set_field(STATUS_INVALID, "provider_partner_id", "provider_partner_id: the requester itself");
    }
    if (st == STATUS_OK) {
        st = text_member(in, "topic", PLAN_TITLE_BYTES_MAX, true, &topic);
    }
    if (st == STATUS_OK) {
        st = codes_member(in, "paragraphs", paragraph_known, "Plan paragraph ids (op-1..op-7, annex-1..annex-61)",
                          &paras);
    }
    if (st == STATUS_OK) {
        st = date_member(in, "requested", true, &requested);
    }
    int64_t id = vault_random_id();
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(state),
                                requester ? SQLV_I64(requester) : SQLV_NULL,
                                SQLV_I64(provider),
                                sqlv_text(topic),
                                sqlv_text(paras),
                                sqlv_text(requested),
                                who(ctx) ? SQLV_I64(who(ctx)) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_TA_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        *id_out = id;
    }
    if (st == STATUS_OK && out != NULL) {
        st = ta_full(ctx, id, out);
    }
    free(paras);
    return st;
}

/* The request's row as JSON (no access check). */
static enum status ta_fetch(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_TA_GET, a, 1, &r);
    if (st == STATUS_OK) {
        *out = ta_json(r);
    } else if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no assistance request %lld", (long long)id);
    }
    store_rows_free(r);
    return st;
}

static const char *js(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

enum status plan_ta_status(const struct auth_ctx *ctx, int64_t id, const json_t *in, int64_t version, json_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    static const char *const keys[] = {"status", "date", NULL};
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "assistance request status");
    const char *to = "", *date = "";
    json_t *cur = NULL;
    char now[11];
    today(now);
    if (st == STATUS_OK) {
        st = known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "status", 20, true, &to);
    }
    if (st == STATUS_OK && (!in_list(to, ta_states) || strcmp(to, "requested") == 0)) {
        st = err_set_field(STATUS_INVALID, "status", "status: accepted, declined or delivered");
    }
    if (st == STATUS_OK) {
        st = date_member(in, "date", false, &date);
    }
    if (st == STATUS_OK && date[0] == '\0') {
        date = now;
    }
    if (st == STATUS_OK) {
        st = ta_fetch(ctx, id, &cur);
    }
    if (st == STATUS_OK && version > 0 && json_integer_value(json_object_get(cur, "version")) != version) {
        st = err_set_field(STATUS_PRECONDITION, "If-Match", "the request was changed (version %lld now)",
                           (long long)json_integer_value(json_object_get(cur, "version")));
    }
    const char *from = js(cur, "status");
    if (st == STATUS_OK) {
        bool allowed = strcmp(to, "delivered") == 0 ? strcmp(from, "accepted") == 0 : strcmp(from, "requested") == 0;
        if (!allowed) {
            st = err_set_field(STATUS_CONFLICT, "status", "status: a %s request cannot become %s", from, to);
        }
    }
    if (st == STATUS_OK && strcmp(to, "delivered") == 0 &&
        json_integer_value(json_object_get(cur, "deliveries_count")) == 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "status: record a delivery first (plan ta deliver)");
    }
    const char *after = strcmp(to, "delivered") == 0 ? js(cur, "accepted") : js(cur, "requested");
    if (st == STATUS_OK && strcmp(date, after) < 0) {
        st = err_set_field(STATUS_INVALID, "date", "date: before %s (%s)",
                           strcmp(to, "delivered") == 0 ? "the acceptance" : "the request", after);
    }
    if (st == STATUS_OK) {
        bool acc = strcmp(to, "accepted") == 0, dec = strcmp(to, "declined") == 0, del = strcmp(to, "delivered") == 0;
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(to),
                                sqlv_text(acc ? date : js(cur, "accepted")),
                                sqlv_text(dec ? date : ""),
                                sqlv_text(del ? date : ""),
                                SQLV_I64(util_now_ms()),
                                SQLV_I64(json_integer_value(json_object_get(cur, "version")))};
        st = store_exec(ctx->store, STMT_PLAN_TA_STATUS, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set_field(STATUS_PRECONDITION, "If-Match", "the request was changed meanwhile");
        }
    }
    json_decref(cur);
    if (st == STATUS_OK && out != NULL) {
        st = ta_full(ctx, id, out);
    }
    return st;
}

enum status plan_ta_deliver(const struct auth_ctx *ctx, int64_t id, const json_t *in, int64_t *delivery_id_out,
                            json_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    static const char *const keys[] = {"date", "kind", "beneficiaries", NULL};
    *delivery_id_out = 0;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "assistance delivery");
    const char *date = "", *kind = "";
    json_int_t beneficiaries = 0;
    json_t *cur = NULL;
    if (st == STATUS_OK) {
        st = known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = date_member(in, "date", true, &date);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "kind", 30, true, &kind);
    }
    if (st == STATUS_OK && !in_list(kind, delivery_kinds)) {
        st = err_set_field(STATUS_INVALID, "kind",
                           "kind: training, legislative_advice, equipment, expert_mission or other");
    }
    json_t *b = json_object_get(in, "beneficiaries");
    if (st == STATUS_OK && b != NULL && !json_is_null(b)) {
        if (!json_is_integer(b) || json_integer_value(b) < 0 || json_integer_value(b) > PLAN_BENEFICIARIES_MAX) {
            st = err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: a number from 0 to %d",
                               PLAN_BENEFICIARIES_MAX);
        } else {
            beneficiaries = json_integer_value(b);
        }
    }
    if (st == STATUS_OK) {
        st = ta_fetch(ctx, id, &cur);
    }
    if (st == STATUS_OK && strcmp(js(cur, "status"), "accepted") != 0 && strcmp(js(cur, "status"), "delivered") != 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "status: deliveries need an accepted request (this one is %s)",
                           js(cur, "status"));
    }
    if (st == STATUS_OK && strcmp(date, js(cur, "accepted")) < 0) {
        st = err_set_field(STATUS_INVALID, "date", "date: before the acceptance (%s)", js(cur, "accepted"));
    }
    int64_t did = vault_random_id();
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(did),           SQLV_I64(id),
                                sqlv_text(date),         sqlv_text(kind),
                                SQLV_I64(beneficiaries), who(ctx) ? SQLV_I64(who(ctx)) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_TA_DELIVERY_ADD, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        *delivery_id_out = did;
    }
    json_decref(cur);
    if (st == STATUS_OK && out != NULL) {
        st = ta_full(ctx, id, out);
    }
    return st;
}

enum status plan_ta_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "assistance request");
    return st == STATUS_OK ? ta_full(ctx, id, out) : st;
}

/* The request with its deliveries (no access check). */
static enum status ta_full(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    json_t *o = NULL;
    enum status st = ta_fetch(ctx, id, &o);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_TA_DELIVERIES, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, json_pack("{sI ss ss sI}", "id", (json_int_t)store_rows_i64(r, 0), "date",
                                             store_rows_text(r, 1), "kind", store_rows_text(r, 2), "beneficiaries",
                                             (json_int_t)store_rows_i64(r, 3)));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        json_decref(o);
        return st;
    }
    json_object_set_new(o, "deliveries", arr);
    *out = o;
    return STATUS_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The figures over every request: by status and the median days from request to delivery. */
static enum status ta_figures(const struct auth_ctx *ctx, json_t **out)
{
    json_t *by = json_pack("{sisisisi}", "requested", 0, "accepted", 0, "declined", 0, "delivered", 0);
    int64_t total = 0;
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_PLAN_TA_FIGURES, NULL, 0, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_object_set_new(by, store_rows_text(r, 0), json_integer(store_rows_i64(r, 1)));
        total += store_rows_i64(r, 1);
    }
    store_rows_free(r);
    r = NULL;
    int64_t *days = NULL;
    size_t n = 0, cap = 0;
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_PLAN_TA_DELIVERED_DATES, NULL, 0, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            days = xrealloc(days, cap * sizeof *days);
        }
        days[n++] = days_between(store_rows_text(r, 0), store_rows_text(r, 1));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(days);
        json_decref(by);
        return st;
    }
    json_t *median = json_null();
    if (n > 0) {
        qsort(days, n, sizeof *days, cmp_i64);
        json_decref(median);
        median = n % 2 ? json_integer(days[n / 2]) : json_real((double)(days[n / 2 - 1] + days[n / 2]) / 2.0);
    }
    free(days);
    *out = json_pack("{so sI so}", "by_status", by, "total", (json_int_t)total, "median_days_to_delivery", median);
    return STATUS_OK;
}

enum status plan_ta_list(const struct auth_ctx *ctx, const char *status, const char *state, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "list assistance requests");
    if (st == STATUS_OK && status != NULL && status[0] && !in_list(status, ta_states)) {
        st = err_set_field(STATUS_INVALID, "status", "status: requested, accepted, declined or delivered");
    }
    if (st == STATUS_OK) {
        st = country_ok("state", state ? state : "");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(status ? status : ""), sqlv_text(state ? state : "")};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_TA_LIST, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, ta_json(r));
    }
    store_rows_free(r);
    json_t *figures = NULL;
    if (st == STATUS_DONE) {
        st = ta_figures(ctx, &figures);
    }
    if (st != STATUS_OK) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{soso}", "requests", arr, "figures", figures);
    return STATUS_OK;
}
