/* donors: the Trust Fund's donors, pledges and receipts (see donors.h). */
#include "fund/donors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/ledger.h"
#include "fund/rates.h"
#include "i18n/i18n.h"
#include "pdf/pdf.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

/* ---- input helpers ---------------------------------------------------------------------------- */

enum status fund__known_members(const json_t *in, const char *const *keys)
{
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object");
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i] != NULL && !known; i++) {
            known = strcmp(keys[i], k) == 0;
        }
        if (!known) {
            return err_set_field(STATUS_INVALID, k, "%s: not a member of this object", k);
        }
    }
    return STATUS_OK;
}

enum status fund__text_member(const json_t *in, const char *key, size_t max, bool required, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(in, key);
    if (v == NULL || json_is_null(v)) {
        return required ? err_set_field(STATUS_INVALID, key, "%s: required", key) : STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a string", key);
    }
    const char *s = json_string_value(v);
    if (strlen(s) > max) {
        return err_set_field(STATUS_INVALID, key, "%s: at most %zu bytes", key, max);
    }
    if (required && s[0] == '\0') {
        return err_set_field(STATUS_INVALID, key, "%s: required", key);
    }
    *out = s[0] ? s : NULL;
    return STATUS_OK;
}

enum status fund__id_member(const json_t *in, const char *key, bool required, int64_t *out)
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

enum status fund__date_member(const json_t *in, const char *key, bool required, const char **out)
{
    enum status st = fund__text_member(in, key, 10, required, out);
    if (st == STATUS_OK && *out != NULL && !money_date_valid(*out)) {
        st = err_set_field(STATUS_INVALID, key, "%s: a date YYYY-MM-DD", key);
    }
    return st;
}

static enum status amount_member(const json_t *in, const char *currency, int64_t *minor)
{
    *minor = 0;
    json_t *v = json_object_get(in, "amount");
    if (v == NULL || json_is_null(v)) {
        return err_set_field(STATUS_INVALID, "amount", "amount: required");
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, "amount", "amount: a decimal string such as \"12,345.67\"");
    }
    enum status st = money_amount_parse("amount", currency, json_string_value(v), minor);
    if (st == STATUS_OK && *minor == 0) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: above zero");
    }
    return st;
}

static enum status currency_member(const json_t *in, const char **out)
{
    enum status st = fund__text_member(in, "currency", 3, true, out);
    if (st == STATUS_OK && money_currency_exponent(*out) < 0) {
        st = err_set_field(STATUS_INVALID, "currency", "currency: an ISO 4217 code in upper case (USD, EUR, JPY)");
    }
    return st;
}

/* "unearmarked", or purpose:CODE, country:ISO3, programme:CODE (letters, digits, _ and -). */
static bool earmark_valid(const char *e)
{
    if (strcmp(e, "unearmarked") == 0) {
        return true;
    }
    static const char *const prefixes[] = {"purpose:", "country:", "programme:"};
    for (size_t i = 0; i < ARRAY_LEN(prefixes); i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(e, prefixes[i], n) == 0 && e[n] != '\0') {
            for (const char *p = e + n; *p; p++) {
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                      *p == '-')) {
                    return false;
                }
            }
            return true;
        }
    }
    return false;
}

static enum status earmark_member(const json_t *in, const char **out)
{
    enum status st = fund__text_member(in, "earmark", FUND_EARMARK_BYTES_MAX, false, out);
    if (st == STATUS_OK && *out != NULL && !earmark_valid(*out)) {
        st = err_set_field(STATUS_INVALID, "earmark",
                           "earmark: unearmarked, or purpose:CODE, country:ISO3 or programme:CODE");
    }
    return st;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const donor_kinds[] = {"member_state", "intergovernmental", "private_sector",
                                          "foundation",   "individual",        NULL};
static const char *const languages[] = {"ar", "en", "es", "fr", "ru", "zh", NULL};

static enum status seal(const struct auth_ctx *ctx, const char *column, int64_t id, const char *text, uint8_t **buf,
                        struct sql_value *v)
{
    *buf = NULL;
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {"fund_donors", column, id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

static char *unseal(const struct auth_ctx *ctx, struct store_rows *r, size_t col, const char *column, int64_t id)
{
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    if (blob == NULL || len == 0) {
        return NULL;
    }
    char *plain = NULL;
    struct vault_ad ad = {"fund_donors", column, id};
    if (vault_unseal(ctx->vault, &plain, &plen, &ad, blob, len) != STATUS_OK) {
        return NULL;
    }
    char *copy = xstrdup(plain);
    vault_plain_free(plain, plen);
    return copy;
}

static json_t *amount_text(const char *currency, int64_t minor)
{
    char buf[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format(currency, minor, buf);
    return json_string(buf);
}

static void usd_set(json_t *o, const char *key, int64_t cents)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", key);
    json_object_set_new(o, k, json_integer(cents));
    json_object_set_new(o, key, fund_usd_json(cents));
}

static enum status fund__pledges_json(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out);
static enum status fund__receipts_json(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out);

/* ---- donors ----------------------------------------------------------------------------------- */

enum status fund_donor_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"kind", "name", "country", "contact", "language", "anonymous", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "add donor");
    const char *kind = NULL, *name = NULL, *country = NULL, *contact = NULL, *language = NULL;
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "kind", 32, true, &kind);
    }
    if (st == STATUS_OK && !in_list(kind, donor_kinds)) {
        st = err_set_field(STATUS_INVALID, "kind",
                           "kind: member_state, intergovernmental, private_sector, foundation or individual");
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "name", FUND_DONOR_NAME_BYTES_MAX, true, &name);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "country", 3, false, &country);
    }
    if (st == STATUS_OK && country != NULL &&
        (strlen(country) != 3 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z' ||
         country[2] < 'A' || country[2] > 'Z')) {
        st = err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 alpha-3 code (NGA, FRA)");
    }
    if (st == STATUS_OK && country == NULL && strcmp(kind, "member_state") == 0) {
        st = err_set_field(STATUS_INVALID, "country", "country: required for a member state");
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "contact", FUND_DONOR_CONTACT_BYTES_MAX, false, &contact);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "language", 2, false, &language);
    }
    if (st == STATUS_OK && language != NULL && !in_list(language, languages)) {
        st = err_set_field(STATUS_INVALID, "language", "language: ar, en, es, fr, ru or zh");
    }
    json_t *anon = json_object_get(in, "anonymous");
    if (st == STATUS_OK && anon != NULL && !json_is_boolean(anon)) {
        st = err_set_field(STATUS_INVALID, "anonymous", "anonymous: true or false");
    }
    if (st != STATUS_OK) {
        return st;
    }
    bool individual = strcmp(kind, "individual") == 0;
    int64_t id = vault_random_id();
    uint8_t *nbuf = NULL, *cbuf = NULL;
    struct sql_value nv = SQLV_NULL, cv = SQLV_NULL;
    if (individual) {
        st = seal(ctx, "name_enc", id, name, &nbuf, &nv);
    }
    if (st == STATUS_OK) {
        st = seal(ctx, "contact_enc", id, contact, &cbuf, &cv);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(kind),
                                sqlv_text(country ? country : ""),
                                sqlv_text(individual ? "" : name),
                                nv,
                                cv,
                                sqlv_text(language ? language : "en"),
                                SQLV_BOOL(json_is_true(anon)),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_DONOR_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(nbuf);
    free(cbuf);
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

/* The donor row (FUND_DONOR_COLS) as the reader may see it. */
static json_t *donor_json(const struct auth_ctx *ctx, struct store_rows *r)
{
    int64_t id = store_rows_i64(r, 0);
    const char *kind = store_rows_text(r, 1);
    bool anonymous = store_rows_i64(r, 7) != 0, writer = auth_has(ctx->who, "fund.write");
    bool individual = strcmp(kind, "individual") == 0;
    json_t *o = json_pack("{sIssss}", "id", (json_int_t)id, "kind", kind, "language", store_rows_text(r, 6));
    json_object_set_new(o, "country", store_rows_text(r, 2)[0] ? json_string(store_rows_text(r, 2)) : json_null());
    json_object_set_new(o, "anonymous", json_boolean(anonymous));
    char *name = NULL;
    if (anonymous && !writer) {
        name = xstrdup("Anonymous donor");
    } else if (individual) {
        name = writer ? unseal(ctx, r, 4, "name_enc", id) : xstrdup("Individual donor");
    } else {
        name = xstrdup(store_rows_text(r, 3));
    }
    json_object_set_new(o, "name", json_string(name ? name : ""));
    json_object_set_new(o, "name_withheld", json_boolean((anonymous || individual) && !writer));
    free(name);
    if (writer) {
        char *contact = unseal(ctx, r, 5, "contact_enc", id);
        json_object_set_new(o, "contact", contact ? json_string(contact) : json_null());
        free(contact);
    }
    usd_set(o, "pledged_usd", store_rows_i64(r, 9));
    usd_set(o, "received_usd", store_rows_i64(r, 10));
    return o;
}

enum status fund_donor_display_name(const struct auth_ctx *ctx, int64_t id, char **out)
{
    *out = NULL;
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_DONOR_GET, k, 1, &r);
    if (st == STATUS_OK) {
        json_t *d = donor_json(ctx, r);
        *out = xstrdup(json_string_value(json_object_get(d, "name")));
        json_decref(d);
    }
    store_rows_free(r);
    return st;
}

enum status fund_donor_list(const struct auth_ctx *ctx, const char *kind, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list donors");
    if (st == STATUS_OK && kind != NULL && kind[0] && !in_list(kind, donor_kinds)) {
        st = err_set_field(STATUS_INVALID, "kind",
                           "kind: member_state, intergovernmental, private_sector, foundation or individual");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(kind ? kind : ""), SQLV_I64(FUND_LIST_MAX)};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_FUND_DONOR_LIST, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, donor_json(ctx, r));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{so}", "items", arr);
    return STATUS_OK;
}

enum status fund_donor_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "read donor");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_FUND_DONOR_GET, k, 1, &r);
    if (st == STATUS_OK) {
        *out = donor_json(ctx, r);
    }
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such donor");
    }
    json_t *pledges = NULL, *receipts = NULL;
    struct fund_list_filter f = {.donor_id = id};
    if (st == STATUS_OK) {
        st = fund__pledges_json(ctx, &f, &pledges);
    }
    if (st == STATUS_OK) {
        st = fund__receipts_json(ctx, &f, &receipts);
    }
    if (st == STATUS_OK) {
        json_object_set_new(*out, "pledges", pledges);
        json_object_set_new(*out, "receipts", receipts);
    } else {
        json_decref(pledges);
        json_decref(receipts);
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* ---- pledges ---------------------------------------------------------------------------------- */

struct pledge {
    int64_t id, donor_id, amount, usd, entry_id, writeoff_entry_id, paid, cleared;
    char date[11], currency[4], rate[MONEY_RATE_TEXT_BYTES], rate_date[11], earmark[FUND_EARMARK_BYTES_MAX + 1],
        expected[11], status[16], writeoff_date[11];
};

static void pledge_row(struct store_rows *r, struct pledge *p)
{
    memset(p, 0, sizeof *p);
    p->id = store_rows_i64(r, 0);
    p->donor_id = store_rows_i64(r, 1);
    snprintf(p->date, sizeof p->date, "%s", store_rows_text(r, 2));
    snprintf(p->currency, sizeof p->currency, "%s", store_rows_text(r, 3));
    p->amount = store_rows_i64(r, 4);
    snprintf(p->rate, sizeof p->rate, "%s", store_rows_text(r, 5));
    snprintf(p->rate_date, sizeof p->rate_date, "%s", store_rows_text(r, 6));
    p->usd = store_rows_i64(r, 7);
    snprintf(p->earmark, sizeof p->earmark, "%s", store_rows_text(r, 8));
    snprintf(p->expected, sizeof p->expected, "%s", store_rows_text(r, 9));
    snprintf(p->status, sizeof p->status, "%s", store_rows_text(r, 10));
    p->entry_id = store_rows_i64(r, 11);
    p->writeoff_entry_id = store_rows_i64(r, 12);
    snprintf(p->writeoff_date, sizeof p->writeoff_date, "%s", store_rows_text(r, 13));
    p->paid = store_rows_i64(r, 14);
    p->cleared = store_rows_i64(r, 15);
}

static enum status pledge_load(const struct auth_ctx *ctx, int64_t id, bool lock, struct pledge *p)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = STATUS_OK;
    if (lock) {
        st = store_exec_one(ctx->store, STMT_FUND_PLEDGE_LOCK, k, 1, &r);
        store_rows_free(r);
        r = NULL;
    }
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_FUND_PLEDGE_GET, k, 1, &r);
    }
    if (st == STATUS_OK) {
        pledge_row(r, p);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such pledge") : st;
}

/* Display names of donors, cached in names (an object keyed by id). */
static const char *donor_name(const struct auth_ctx *ctx, json_t *names, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *v = json_object_get(names, key);
    if (v == NULL) {
        char *name = NULL;
        fund_donor_display_name(ctx, id, &name);
        v = json_string(name ? name : "");
        json_object_set_new(names, key, v);
        free(name);
    }
    return json_string_value(v);
}

static json_t *pledge_json(const struct pledge *p, const char *donor)
{
    json_t *o = json_pack("{sIsIssssss}", "id", (json_int_t)p->id, "donor_id", (json_int_t)p->donor_id, "donor", donor,
                          "date", p->date, "currency", p->currency);
    json_object_set_new(o, "amount", amount_text(p->currency, p->amount));
    json_object_set_new(o, "amount_minor", json_integer(p->amount));
    json_object_set_new(o, "rate", json_string(p->rate));
    json_object_set_new(o, "rate_date", json_string(p->rate_date));
    usd_set(o, "usd", p->usd);
    json_object_set_new(o, "earmark", json_string(p->earmark));
    json_object_set_new(o, "expected_date", p->expected[0] ? json_string(p->expected) : json_null());
    json_object_set_new(o, "status", json_string(p->status));
    json_object_set_new(o, "paid", amount_text(p->currency, p->paid));
    json_object_set_new(o, "paid_minor", json_integer(p->paid));
    json_object_set_new(o, "unpaid",
                        amount_text(p->currency, strcmp(p->status, "written_off") == 0 ? 0 : p->amount - p->paid));
    json_object_set_new(o, "entry_id", json_integer(p->entry_id));
    json_object_set_new(o, "writeoff_entry_id",
                        p->writeoff_entry_id ? json_integer(p->writeoff_entry_id) : json_null());
    json_object_set_new(o, "writeoff_date", p->writeoff_date[0] ? json_string(p->writeoff_date) : json_null());
    return o;
}

static enum status donor_exists(const struct auth_ctx *ctx, int64_t id)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_DONOR_GET, k, 1, &r);
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set_field(STATUS_INVALID, "donor_id", "donor_id: no such donor") : st;
}

enum status fund_pledge_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"donor_id", "date", "currency", "amount", "earmark", "expected_date", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "add pledge");
    int64_t donor_id = 0, amount = 0, usd = 0;
    const char *date = NULL, *currency = NULL, *earmark = NULL, *expected = NULL;
    char rate[MONEY_RATE_TEXT_BYTES], rate_date[11];
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__id_member(in, "donor_id", true, &donor_id);
    }
    if (st == STATUS_OK) {
        st = fund__date_member(in, "date", true, &date);
    }
    if (st == STATUS_OK) {
        st = currency_member(in, &currency);
    }
    if (st == STATUS_OK) {
        st = amount_member(in, currency, &amount);
    }
    if (st == STATUS_OK) {
        st = earmark_member(in, &earmark);
    }
    if (st == STATUS_OK) {
        st = fund__date_member(in, "expected_date", false, &expected);
    }
    if (st == STATUS_OK) {
        st = donor_exists(ctx, donor_id);
    }
    if (st == STATUS_OK) {
        st = fund_rate_at(ctx, "date", currency, date, rate, rate_date);
    }
    if (st == STATUS_OK) {
        st = money_convert(amount, currency, rate, "USD", &usd);
    }
    if (st == STATUS_OK && usd <= 0) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: worth less than a US cent");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id(), entry = 0;
    struct fund_line lines[] = {{"pledges_receivable", usd, 0}, {"contributions", 0, usd}};
    struct fund_posting p = {date, "pledge", "pledge", id, "pledge", lines, 2};
    st = fund_ledger_post(ctx, &p, &entry);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(donor_id),
                                sqlv_text(date),
                                sqlv_text(currency),
                                SQLV_I64(amount),
                                sqlv_text(rate),
                                sqlv_text(rate_date),
                                SQLV_I64(usd),
                                sqlv_text(earmark ? earmark : "unearmarked"),
                                sqlv_text(expected ? expected : ""),
                                SQLV_I64(entry),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_PLEDGE_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static enum status filter_check(const struct fund_list_filter *f)
{
    if ((f->from != NULL && f->from[0] && !money_date_valid(f->from)) ||
        (f->to != NULL && f->to[0] && !money_date_valid(f->to))) {
        return err_set_field(STATUS_INVALID, "from", "from, to: dates YYYY-MM-DD");
    }
    if (f->limit < 0 || f->limit > FUND_LIST_MAX) {
        return err_set_field(STATUS_INVALID, "limit", "limit: from 1 to %d", FUND_LIST_MAX);
    }
    return STATUS_OK;
}

enum status fund_pledge_list(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list pledges");
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        st = fund__pledges_json(ctx, f, &arr);
    }
    if (st == STATUS_OK) {
        *out = json_pack("{so}", "items", arr);
    }
    return st;
}

static enum status fund__pledges_json(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out)
{
    *out = NULL;
    static const char *const statuses[] = {"open", "partly_paid", "paid", "written_off", NULL};
    enum status st = filter_check(f);
    if (st == STATUS_OK && f->status != NULL && f->status[0] && !in_list(f->status, statuses)) {
        st = err_set_field(STATUS_INVALID, "status", "status: open, partly_paid, paid or written_off");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(f->donor_id), sqlv_text(f->status ? f->status : ""),
                            sqlv_text(f->from ? f->from : ""), sqlv_text(f->to && f->to[0] ? f->to : "9999-12-31"),
                            SQLV_I64(f->limit ? f->limit : FUND_LIST_MAX)};
    struct store_rows *r = NULL;
    json_t *arr = json_array(), *names = json_object();
    st = store_exec(ctx->store, STMT_FUND_PLEDGE_LIST, a, ARRAY_LEN(a), &r);
    /* Rows first (a second statement must not run while these are read on every engine). */
    struct pledge *rows = NULL;
    size_t n = 0, cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        pledge_row(r, &rows[n++]);
    }
    store_rows_free(r);
    for (size_t i = 0; st == STATUS_DONE && i < n; i++) {
        json_array_append_new(arr, pledge_json(&rows[i], donor_name(ctx, names, rows[i].donor_id)));
    }
    free(rows);
    json_decref(names);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status fund_pledge_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "read pledge");
    struct pledge p;
    if (st == STATUS_OK) {
        st = pledge_load(ctx, id, false, &p);
    }
    char *name = NULL;
    if (st == STATUS_OK) {
        st = fund_donor_display_name(ctx, p.donor_id, &name);
    }
    if (st == STATUS_OK) {
        *out = pledge_json(&p, name);
    }
    free(name);
    return st;
}

static enum status pledge_status_refresh(const struct auth_ctx *ctx, int64_t id)
{
    struct pledge p;
    enum status st = pledge_load(ctx, id, false, &p);
    if (st != STATUS_OK || strcmp(p.status, "written_off") == 0) {
        return st;
    }
    const char *status = p.paid == 0 ? "open" : p.paid < p.amount ? "partly_paid" : "paid";
    struct sql_value a[] = {SQLV_I64(id), sqlv_text(status)};
    return store_exec(ctx->store, STMT_FUND_PLEDGE_STATUS_SET, a, 2, NULL);
}

enum status fund_pledge_write_off(const struct auth_ctx *ctx, int64_t id, const json_t *in)
{
    static const char *const keys[] = {"date", "reason", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "write off pledge");
    const char *date = NULL, *reason = NULL;
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__date_member(in, "date", true, &date);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "reason", FUND_LEDGER_MEMO_BYTES_MAX, false, &reason);
    }
    struct pledge p;
    if (st == STATUS_OK) {
        st = pledge_load(ctx, id, true, &p);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(p.status, "written_off") == 0) {
        return err_set(STATUS_CONFLICT, "the pledge is already written off");
    }
    if (p.paid >= p.amount || p.usd - p.cleared <= 0) {
        return err_set(STATUS_CONFLICT, "the pledge is paid: nothing to write off");
    }
    if (strcmp(date, p.date) < 0) {
        return err_set_field(STATUS_INVALID, "date", "date: not before the pledge's date (%s)", p.date);
    }
    int64_t unpaid = p.usd - p.cleared, entry = 0;
    struct fund_line lines[] = {{"contributions", unpaid, 0}, {"pledges_receivable", 0, unpaid}};
    struct fund_posting post = {date,  "reversal", "pledge", id, reason ? reason : "write-off of the unpaid part",
                                lines, 2};
    st = fund_ledger_post(ctx, &post, &entry);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(entry), sqlv_text(date)};
        st = store_exec(ctx->store, STMT_FUND_PLEDGE_WRITEOFF, a, 3, NULL);
    }
    return st;
}

/* ---- receipts --------------------------------------------------------------------------------- */

struct receipt {
    int64_t id, donor_id, pledge_id, amount, usd, receivable, fx, entry_id, reversal_entry_id;
    bool reversed;
    char number[24], date[11], currency[4], rate[MONEY_RATE_TEXT_BYTES], rate_date[11],
        earmark[FUND_EARMARK_BYTES_MAX + 1], bank_reference[FUND_BANK_REFERENCE_BYTES_MAX + 1], reversal_date[11];
};

static void receipt_row(struct store_rows *r, struct receipt *x)
{
    memset(x, 0, sizeof *x);
    x->id = store_rows_i64(r, 0);
    snprintf(x->number, sizeof x->number, "%s", store_rows_text(r, 1));
    x->donor_id = store_rows_i64(r, 2);
    x->pledge_id = store_rows_i64(r, 3);
    snprintf(x->date, sizeof x->date, "%s", store_rows_text(r, 4));
    snprintf(x->currency, sizeof x->currency, "%s", store_rows_text(r, 5));
    x->amount = store_rows_i64(r, 6);
    snprintf(x->rate, sizeof x->rate, "%s", store_rows_text(r, 7));
    snprintf(x->rate_date, sizeof x->rate_date, "%s", store_rows_text(r, 8));
    x->usd = store_rows_i64(r, 9);
    x->receivable = store_rows_i64(r, 10);
    x->fx = store_rows_i64(r, 11);
    snprintf(x->earmark, sizeof x->earmark, "%s", store_rows_text(r, 12));
    snprintf(x->bank_reference, sizeof x->bank_reference, "%s", store_rows_text(r, 13));
    x->entry_id = store_rows_i64(r, 14);
    x->reversed = store_rows_i64(r, 15) != 0;
    x->reversal_entry_id = store_rows_i64(r, 16);
    snprintf(x->reversal_date, sizeof x->reversal_date, "%s", store_rows_text(r, 17));
}

static json_t *receipt_json(const struct receipt *x, const char *donor)
{
    json_t *o = json_pack("{sIsssIssss}", "id", (json_int_t)x->id, "number", x->number, "donor_id",
                          (json_int_t)x->donor_id, "donor", donor, "date", x->date);
    json_object_set_new(o, "pledge_id", x->pledge_id ? json_integer(x->pledge_id) : json_null());
    json_object_set_new(o, "currency", json_string(x->currency));
    json_object_set_new(o, "amount", amount_text(x->currency, x->amount));
    json_object_set_new(o, "amount_minor", json_integer(x->amount));
    json_object_set_new(o, "rate", json_string(x->rate));
    json_object_set_new(o, "rate_date", json_string(x->rate_date));
    usd_set(o, "usd", x->usd);
    usd_set(o, "receivable", x->receivable);
    usd_set(o, "fx", x->fx);
    json_object_set_new(o, "earmark", json_string(x->earmark));
    json_object_set_new(o, "bank_reference", x->bank_reference[0] ? json_string(x->bank_reference) : json_null());
    json_object_set_new(o, "entry_id", json_integer(x->entry_id));
    json_object_set_new(o, "status", json_string(x->reversed ? "reversed" : "valid"));
    json_object_set_new(o, "reversal_entry_id",
                        x->reversal_entry_id ? json_integer(x->reversal_entry_id) : json_null());
    json_object_set_new(o, "reversal_date", x->reversal_date[0] ? json_string(x->reversal_date) : json_null());
    return o;
}

static enum status receipt_load(const struct auth_ctx *ctx, int64_t id, struct receipt *x)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_RECEIPT_GET, k, 1, &r);
    if (st == STATUS_OK) {
        receipt_row(r, x);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such receipt") : st;
}

static enum status receipt_number(const struct auth_ctx *ctx, const char *date, char out[24])
{
    int year = atoi(date);
    struct sql_value a[] = {SQLV_I64(year)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_RECEIPT_NUMBER_NEXT, a, 1, &r);
    if (st == STATUS_OK) {
        snprintf(out, 24, "FUND-%04d-%04lld", year, (long long)store_rows_i64(r, 0));
    }
    store_rows_free(r);
    return st;
}

enum status fund_receipt_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    static const char *const keys[] = {"donor_id", "pledge_id", "date",           "currency",
                                       "amount",   "earmark",   "bank_reference", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "add receipt");
    struct receipt x;
    memset(&x, 0, sizeof x);
    const char *date = NULL, *currency = NULL, *earmark = NULL, *bank = NULL;
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__id_member(in, "donor_id", true, &x.donor_id);
    }
    if (st == STATUS_OK) {
        st = fund__id_member(in, "pledge_id", false, &x.pledge_id);
    }
    if (st == STATUS_OK) {
        st = fund__date_member(in, "date", true, &date);
    }
    if (st == STATUS_OK) {
        st = currency_member(in, &currency);
    }
    if (st == STATUS_OK) {
        st = amount_member(in, currency, &x.amount);
    }
    if (st == STATUS_OK) {
        st = earmark_member(in, &earmark);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "bank_reference", FUND_BANK_REFERENCE_BYTES_MAX, false, &bank);
    }
    if (st == STATUS_OK) {
        st = donor_exists(ctx, x.donor_id);
    }
    struct pledge p;
    memset(&p, 0, sizeof p);
    if (st == STATUS_OK && x.pledge_id) {
        st = pledge_load(ctx, x.pledge_id, true, &p);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "pledge_id", "pledge_id: no such pledge");
        } else if (st == STATUS_OK && p.donor_id != x.donor_id) {
            st = err_set_field(STATUS_INVALID, "pledge_id", "pledge_id: a pledge of another donor");
        } else if (st == STATUS_OK && (strcmp(p.status, "written_off") == 0 || strcmp(p.status, "paid") == 0)) {
            st = err_set_field(STATUS_INVALID, "pledge_id", "pledge_id: the pledge is %s",
                               strcmp(p.status, "paid") == 0 ? "paid" : "written off");
        } else if (st == STATUS_OK && strcmp(p.currency, currency) != 0) {
            st = err_set_field(STATUS_INVALID, "currency", "currency: the pledge's currency (%s)", p.currency);
        } else if (st == STATUS_OK && x.amount > p.amount - p.paid) {
            char left[MONEY_AMOUNT_TEXT_BYTES];
            money_amount_format(p.currency, p.amount - p.paid, left);
            st = err_set_field(STATUS_INVALID, "amount", "amount: at most the pledge's unpaid %s %s", left, p.currency);
        } else if (st == STATUS_OK && earmark != NULL && strcmp(earmark, p.earmark) != 0) {
            st = err_set_field(STATUS_INVALID, "earmark", "earmark: the pledge's (%s)", p.earmark);
        } else if (st == STATUS_OK && strcmp(date, p.date) < 0) {
            st = err_set_field(STATUS_INVALID, "date", "date: not before the pledge's date (%s)", p.date);
        }
    }
    if (st == STATUS_OK) {
        st = fund_rate_at(ctx, "date", currency, date, x.rate, x.rate_date);
    }
    if (st == STATUS_OK) {
        st = money_convert(x.amount, currency, x.rate, "USD", &x.usd);
    }
    if (st == STATUS_OK && x.usd <= 0) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: worth less than a US cent");
    }
    if (st == STATUS_OK && x.pledge_id) {
        /* The part of the pledge's USD value this receipt settles: the pledge's value of all that is
         * paid after it, less what earlier receipts cleared (so the parts add up to the pledge's
         * value to the cent when it is paid in full). */
        int64_t paid_after = p.paid + x.amount, value_after = 0;
        st = money_convert(paid_after, p.currency, p.rate, "USD", &value_after);
        x.receivable = paid_after == p.amount ? p.usd - p.cleared : value_after - p.cleared;
        if (x.receivable < 0) {
            x.receivable = 0;
        }
        if (x.receivable > p.usd - p.cleared) {
            x.receivable = p.usd - p.cleared;
        }
        x.fx = x.usd - x.receivable;
    }
    if (st == STATUS_OK) {
        st = receipt_number(ctx, date, x.number);
    }
    if (st != STATUS_OK) {
        return st;
    }
    x.id = vault_random_id();
    struct fund_line lines[3];
    size_t n = 0;
    lines[n++] = (struct fund_line){"cash", x.usd, 0};
    if (!x.pledge_id) {
        lines[n++] = (struct fund_line){"contributions", 0, x.usd};
    } else {
        if (x.receivable > 0) {
            lines[n++] = (struct fund_line){"pledges_receivable", 0, x.receivable};
        }
        if (x.fx > 0) {
            lines[n++] = (struct fund_line){"fx_difference", 0, x.fx};
        } else if (x.fx < 0) {
            lines[n++] = (struct fund_line){"fx_difference", -x.fx, 0};
        }
    }
    struct fund_posting post = {date, "receipt", "receipt", x.id, x.number, lines, n};
    st = fund_ledger_post(ctx, &post, &x.entry_id);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(x.id),
                                sqlv_text(x.number),
                                SQLV_I64(x.donor_id),
                                x.pledge_id ? SQLV_I64(x.pledge_id) : SQLV_NULL,
                                sqlv_text(date),
                                sqlv_text(currency),
                                SQLV_I64(x.amount),
                                sqlv_text(x.rate),
                                sqlv_text(x.rate_date),
                                SQLV_I64(x.usd),
                                SQLV_I64(x.receivable),
                                SQLV_I64(x.fx),
                                sqlv_text(x.pledge_id ? p.earmark
                                          : earmark   ? earmark
                                                      : "unearmarked"),
                                sqlv_text(bank ? bank : ""),
                                SQLV_I64(x.entry_id),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_RECEIPT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK && x.pledge_id) {
        st = pledge_status_refresh(ctx, x.pledge_id);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = x.id;
    }
    return st;
}

enum status fund_receipt_list(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list receipts");
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        st = fund__receipts_json(ctx, f, &arr);
    }
    if (st == STATUS_OK) {
        *out = json_pack("{so}", "items", arr);
    }
    return st;
}

static enum status fund__receipts_json(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out)
{
    *out = NULL;
    enum status st = filter_check(f);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(f->donor_id), SQLV_I64(f->pledge_id), sqlv_text(f->from ? f->from : ""),
                            sqlv_text(f->to && f->to[0] ? f->to : "9999-12-31"),
                            SQLV_I64(f->limit ? f->limit : FUND_LIST_MAX)};
    struct store_rows *r = NULL;
    json_t *arr = json_array(), *names = json_object();
    struct receipt *rows = NULL;
    size_t n = 0, cap = 0;
    st = store_exec(ctx->store, STMT_FUND_RECEIPT_LIST, a, ARRAY_LEN(a), &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        receipt_row(r, &rows[n++]);
    }
    store_rows_free(r);
    for (size_t i = 0; st == STATUS_DONE && i < n; i++) {
        json_array_append_new(arr, receipt_json(&rows[i], donor_name(ctx, names, rows[i].donor_id)));
    }
    free(rows);
    json_decref(names);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status fund_receipt_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "read receipt");
    struct receipt x;
    if (st == STATUS_OK) {
        st = receipt_load(ctx, id, &x);
    }
    char *name = NULL;
    if (st == STATUS_OK) {
        st = fund_donor_display_name(ctx, x.donor_id, &name);
    }
    if (st == STATUS_OK) {
        *out = receipt_json(&x, name);
    }
    free(name);
    return st;
}

enum status fund_receipt_reverse(const struct auth_ctx *ctx, int64_t id, const json_t *in)
{
    static const char *const keys[] = {"date", "reason", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "reverse receipt");
    const char *date = NULL, *reason = NULL;
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__date_member(in, "date", true, &date);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "reason", FUND_LEDGER_MEMO_BYTES_MAX, false, &reason);
    }
    struct receipt x;
    if (st == STATUS_OK) {
        st = receipt_load(ctx, id, &x);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (x.reversed) {
        return err_set(STATUS_CONFLICT, "receipt %s is already reversed", x.number);
    }
    if (x.pledge_id) {
        struct pledge p;
        st = pledge_load(ctx, x.pledge_id, true, &p);
        if (st == STATUS_OK && strcmp(p.status, "written_off") == 0) {
            st = err_set(STATUS_CONFLICT, "the receipt's pledge is written off");
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    int64_t rev = 0;
    st = fund_ledger_reverse(ctx, x.entry_id, date, reason ? reason : "receipt reversed", &rev);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(rev), sqlv_text(date)};
        st = store_exec(ctx->store, STMT_FUND_RECEIPT_REVERSE, a, 3, NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "receipt %s is already reversed", x.number);
        }
    }
    if (st == STATUS_OK && x.pledge_id) {
        st = pledge_status_refresh(ctx, x.pledge_id);
    }
    return st;
}

/* ---- the acknowledgement ---------------------------------------------------------------------- */

enum status fund_receipt_pdf(const struct auth_ctx *ctx, int64_t id, const char *lang, uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "print receipt");
    if (st == STATUS_OK && lang != NULL && lang[0] && !in_list(lang, languages)) {
        st = err_set_field(STATUS_INVALID, "lang", "lang: ar, en, es, fr, ru or zh");
    }
    struct receipt x;
    if (st == STATUS_OK) {
        st = receipt_load(ctx, id, &x);
    }
    char donor_lang[3] = "en";
    char *name = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(x.donor_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_FUND_DONOR_GET, k, 1, &r);
        if (st == STATUS_OK) {
            snprintf(donor_lang, sizeof donor_lang, "%s", store_rows_text(r, 6));
            json_t *d = donor_json(ctx, r);
            name = xstrdup(json_string_value(json_object_get(d, "name")));
            if (json_is_true(json_object_get(d, "name_withheld"))) {
                free(name);
                name = NULL;
            }
            json_decref(d);
        }
        store_rows_free(r);
    }
    if (st != STATUS_OK) {
        free(name);
        return st;
    }
    const char *L = lang != NULL && lang[0] ? lang : donor_lang;
    struct pdf_doc *d = NULL;
    st = pdf_doc_new(L, i18n_is_rtl(L) ? PDF_RTL : PDF_LTR, &d);
    char amount[MONEY_AMOUNT_TEXT_BYTES + 8], usd[MONEY_AMOUNT_TEXT_BYTES + 8], a1[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format(x.currency, x.amount, a1);
    snprintf(amount, sizeof amount, "%s %s", a1, x.currency);
    money_amount_format("USD", x.usd, a1);
    snprintf(usd, sizeof usd, "%s USD", a1);
    char rate[MONEY_RATE_TEXT_BYTES + 16];
    snprintf(rate, sizeof rate, "%s (%s)", x.rate, x.rate_date);
    const char *donor = name != NULL ? name : i18n_get(L, "trustfund.donor.anonymous");
    const char *earmark = strcmp(x.earmark, "unearmarked") == 0 ? i18n_get(L, "trustfund.earmark.none") : x.earmark;
    if (st == STATUS_OK) {
        st = pdf_doc_meta(d, i18n_get(L, "trustfund.receipt.title"), x.number);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_title(d, i18n_get(L, "trustfund.receipt.title"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(L, "trustfund.name"));
    }
    if (st == STATUS_OK) {
        struct pdf_kv rows[] = {
            {i18n_get(L, "trustfund.receipt.number"), x.number},
            {i18n_get(L, "trustfund.date"), x.date},
            {i18n_get(L, "trustfund.donor"), donor},
            {i18n_get(L, "trustfund.amount"), amount},
            {i18n_get(L, "trustfund.usd"), usd},
            {i18n_get(L, "trustfund.rate"), rate},
            {i18n_get(L, "trustfund.earmark"), earmark},
            {i18n_get(L, "trustfund.bank_reference"), x.bank_reference},
        };
        st = pdf_doc_key_values(d, rows, ARRAY_LEN(rows));
    }
    if (st == STATUS_OK && x.reversed) {
        char *text = i18n_format(L, "trustfund.receipt.reversed", "date", x.reversal_date, NULL);
        st = pdf_doc_heading(d, text ? text : "");
        free(text);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(L, "trustfund.receipt.thanks"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_footer(d, i18n_get(L, "trustfund.name"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_finish(d, pdf, len);
    }
    pdf_doc_free(d);
    free(name);
    return st;
}
