/* applications: organisations' fund profiles, applications, budget lines and eligibility (see
 * applications.h). Reviews and decisions are in reviews.c. */
#include "fund/applications.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/apps_int.h"
#include "fund/calls.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const categories[] = {"staff", "shelter", "medical", "legal", "material", "travel", "other", NULL};

bool fund_budget_category_known(const char *code)
{
    return util_in_list(code, categories);
}

/* ---- organisations ---- */

static enum status agency_exists(const struct auth_ctx *ctx, int64_t agency_id)
{
    struct sql_value k[] = {SQLV_I64(agency_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_AGENCY_GET, k, 1, &r);
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such agency") : st;
}

/* The profile as JSON; no row: an empty profile of version 0. */
static enum status org_load(const struct auth_ctx *ctx, int64_t agency_id, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(agency_id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_ORG_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        *out = json_pack("{sI ss ss sb ss sb ss sb sn sI}", "agency_id", (json_int_t)agency_id, "registration_country",
                         "", "registered_on", "", "non_profit", 0, "assistance_since", "", "psea", 0, "psea_policy", "",
                         "own_account", 0, "account_number", "version", (json_int_t)0);
        return STATUS_OK;
    }
    json_t *account = NULL;
    if (st == STATUS_OK) {
        st = vault_unseal_column_json(ctx->vault, rs, 8, "fund_orgs", "account_enc", agency_id, &account);
    }
    if (st == STATUS_OK) {
        *out = json_pack("{sI ss ss sb ss sb ss sb so sI}", "agency_id", (json_int_t)agency_id, "registration_country",
                         store_rows_text(rs, 1), "registered_on", store_rows_text(rs, 2), "non_profit",
                         store_rows_i64(rs, 3) != 0, "assistance_since", store_rows_text(rs, 4), "psea",
                         store_rows_i64(rs, 5) != 0, "psea_policy", store_rows_text(rs, 6), "own_account",
                         store_rows_i64(rs, 7) != 0, "account_number", account, "version",
                         (json_int_t)store_rows_i64(rs, 10));
    }
    store_rows_free(rs);
    return st;
}

/* Access to an organisation's profile: fund users read (fund.read) and managers write
 * (fund.write) any; a grantee (fund.apply) its own agency's. */
static enum status org_check(const struct auth_ctx *ctx, int64_t agency_id, bool write)
{
    const char *perm = write ? (auth_has(ctx->who, "fund.write") ? "fund.write" : "fund.apply")
                             : (auth_has(ctx->who, "fund.read") ? "fund.read" : "fund.apply");
    struct auth_record rec = {.type = "agency", .id = agency_id, .agency_id = agency_id};
    const char *detail = write ? "set fund profile" : "read fund profile";
    if (auth_decide(ctx, perm, NULL, AUTH_FG_NONE, write) != STATUS_OK) {
        return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail); /* 403: no such permission */
    }
    enum status st = auth_check(ctx, perm, &rec, AUTH_FG_NONE, write, detail);
    /* another organisation's profile reads as absent (audited as a denial) */
    return st == STATUS_DENIED ? err_set(STATUS_NOT_FOUND, "no such agency") : st;
}

enum status fund_org_get(const struct auth_ctx *ctx, int64_t agency_id, json_t **out)
{
    enum status st = org_check(ctx, agency_id, false);
    if (st == STATUS_OK) {
        st = agency_exists(ctx, agency_id);
    }
    if (st == STATUS_OK) {
        st = org_load(ctx, agency_id, out);
    }
    /* The account number: for those who edit the profile (fund managers, the organisation's own
     * grantees); other readers see that it is withheld. */
    bool editor =
        auth_has(ctx->who, "fund.write") || (auth_has(ctx->who, "fund.apply") && ctx->who->agency_id == agency_id);
    if (st == STATUS_OK && !editor) {
        json_object_del(*out, "account_number");
        json_object_set_new(*out, "account_number_withheld", json_true());
    }
    return st;
}

enum status fund_org_set(const struct auth_ctx *ctx, int64_t agency_id, int64_t version, const json_t *in, json_t **out)
{
    enum status st = org_check(ctx, agency_id, true);
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "a fund profile must be a JSON object");
    }
    if (st == STATUS_OK) {
        st = agency_exists(ctx, agency_id);
    }
    const char *country = "", *registered = "", *since = "", *policy = "", *account = "";
    bool non_profit = false, psea = false, own = false;
    if (st == STATUS_OK) {
        st = util_json_text(in, "registration_country", 3, false, &country);
    }
    if (st == STATUS_OK && country[0] != '\0' && !fa_upper3(country)) {
        st = err_set_field(STATUS_INVALID, "registration_country", "registration_country must be ISO 3166 alpha-3");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "registered_on", 10, false, &registered);
    }
    if (st == STATUS_OK && registered[0] != '\0' && !util_date_valid(registered)) {
        st = err_set_field(STATUS_INVALID, "registered_on", "registered_on must be a date YYYY-MM-DD");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "assistance_since", 10, false, &since);
    }
    if (st == STATUS_OK && since[0] != '\0' && !util_date_valid(since)) {
        st = err_set_field(STATUS_INVALID, "assistance_since", "assistance_since must be a date YYYY-MM-DD");
    }
    if (st == STATUS_OK) {
        st = util_json_bool(in, "non_profit", false, &non_profit);
    }
    if (st == STATUS_OK) {
        st = util_json_bool(in, "psea", false, &psea);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "psea_policy", FUND_TEXT_MAX, false, &policy);
    }
    if (st == STATUS_OK) {
        st = util_json_bool(in, "own_account", false, &own);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "account_number", 64, false, &account);
    }
    json_t *cur = NULL;
    if (st == STATUS_OK) {
        st = org_load(ctx, agency_id, &cur);
    }
    int64_t have = st == STATUS_OK ? json_integer_value(json_object_get(cur, "version")) : 0;
    json_decref(cur);
    if (st == STATUS_OK && have != version) {
        st = err_set(STATUS_CONFLICT, "the fund profile changed since it was read (version)");
    }
    uint8_t *sealed = NULL;
    struct sql_value v[12];
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "fund_orgs", "account_enc", agency_id, account, &sealed, &v[8]);
    }
    if (st == STATUS_OK) {
        v[0] = SQLV_I64(agency_id);
        v[1] = sqlv_text(country);
        v[2] = sqlv_text(registered);
        v[3] = SQLV_BOOL(non_profit);
        v[4] = sqlv_text(since);
        v[5] = SQLV_BOOL(psea);
        v[6] = sqlv_text(policy);
        v[7] = SQLV_BOOL(own);
        v[9] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[10] = SQLV_I64(util_now_ms());
        v[11] = SQLV_I64(version);
        st = store_exec(ctx->store, version == 0 ? STMT_FUND_ORG_INSERT : STMT_FUND_ORG_UPDATE, v,
                        version == 0 ? 11 : 12, NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the fund profile changed since it was read (version)");
        }
    }
    free(sealed);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.org.set", "agency", agency_id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = org_load(ctx, agency_id, out);
    }
    return st;
}

/* ---- applications ---- */

struct app_in {
    int64_t call_id, agency_id;
    const char *title, *summary, *country;
    int64_t duration, people[4], total;
    char *forms;
    struct {
        const char *category, *description;
        int64_t cents;
    } lines[FUND_LIST_MAX];
    size_t n_lines;
};

static const char *const people_keys[] = {"women", "men", "girls", "boys"};

static enum status app_from_json(const json_t *in, struct app_in *a)
{
    enum status st = util_json_text(in, "title", FUND_TEXT_MAX, false, &a->title);
    if (st == STATUS_OK) {
        st = util_json_text(in, "summary", FUND_NOTE_MAX, false, &a->summary);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "country", 3, false, &a->country);
    }
    if (st == STATUS_OK && a->country[0] != '\0' && !fa_upper3(a->country)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166 alpha-3 code");
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "duration_months", 0, 120, 0, &a->duration);
    }
    if (st == STATUS_OK) {
        st = fa_codes(in, "forms", fund_form_known, &a->forms);
    }
    const json_t *b = json_object_get(in, "beneficiaries");
    if (st == STATUS_OK && b != NULL && !json_is_null(b) && !json_is_object(b)) {
        st = err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries must be {women, men, girls, boys}");
    }
    for (size_t i = 0; st == STATUS_OK && i < 4; i++) {
        st = util_json_int(b, people_keys[i], 0, FUND_PEOPLE_MAX, 0, &a->people[i]);
    }
    const json_t *lines = json_object_get(in, "budget");
    if (st == STATUS_OK && lines != NULL && !json_is_null(lines) &&
        (!json_is_array(lines) || json_array_size(lines) > FUND_LIST_MAX)) {
        st = err_set_field(STATUS_INVALID, "budget", "budget must be an array of at most %d lines", FUND_LIST_MAX);
    }
    size_t i;
    const json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (st != STATUS_OK) {
            break;
        }
        if (!json_is_object(l)) {
            st = err_set_field(STATUS_INVALID, "budget", "each budget line must be an object");
            break;
        }
        st = util_json_text(l, "category", 20, true, &a->lines[i].category);
        if (st == STATUS_OK && !fund_budget_category_known(a->lines[i].category)) {
            st = err_set_field(STATUS_INVALID, "budget",
                               "a budget line's category is staff, shelter, medical, legal, material, travel or other");
        }
        if (st == STATUS_OK) {
            st = util_json_text(l, "description", FUND_TEXT_MAX, false, &a->lines[i].description);
        }
        if (st == STATUS_OK) {
            st = fa_usd(l, "amount", "amount_cents", true, &a->lines[i].cents);
        }
        if (st == STATUS_OK && a->lines[i].cents <= 0) {
            st = err_set_field(STATUS_INVALID, "amount", "a budget line's amount must be positive");
        }
        if (st != STATUS_OK) {
            err_set_field(st, "budget", "budget line %zu: %s", i + 1, err_last());
            break;
        }
        a->total += a->lines[i].cents;
        a->n_lines = i + 1;
    }
    return st;
}

static json_t *app_json(const struct auth_ctx *ctx, struct store_rows *rs, enum status *st)
{
    int64_t id = store_rows_i64(rs, 0);
    json_t *summary = NULL;
    *st = vault_unseal_column_json(ctx->vault, rs, 4, "fund_applications", "summary_enc", id, &summary);
    if (*st != STATUS_OK) {
        return NULL;
    }
    char total[32];
    fa_usd_format(store_rows_i64(rs, 12), total);
    json_t *elig = json_loads(store_rows_text(rs, 14), 0, NULL);
    json_t *o =
        json_pack("{sI sI sI ss ss so ss sI so s{sIsIsIsI} sI ss ss so sI sI}", "id", (json_int_t)id, "call_id",
                  (json_int_t)store_rows_i64(rs, 1), "agency_id", (json_int_t)store_rows_i64(rs, 2), "agency_name",
                  store_rows_text(rs, 19), "title", store_rows_text(rs, 3), "summary", summary, "country",
                  store_rows_text(rs, 5), "duration_months", (json_int_t)store_rows_i64(rs, 6), "forms",
                  fa_codes_json(store_rows_text(rs, 7)), "beneficiaries", "women", (json_int_t)store_rows_i64(rs, 8),
                  "men", (json_int_t)store_rows_i64(rs, 9), "girls", (json_int_t)store_rows_i64(rs, 10), "boys",
                  (json_int_t)store_rows_i64(rs, 11), "total_cents", (json_int_t)store_rows_i64(rs, 12), "total", total,
                  "status", store_rows_text(rs, 13), "eligibility", elig != NULL ? elig : json_null(),
                  "submitted_at_ms", (json_int_t)store_rows_i64(rs, 15), "version", (json_int_t)store_rows_i64(rs, 18));
    if (o == NULL) {
        *st = err_set(STATUS_IO, "out of memory");
    }
    return o;
}

/* The application's row, no permission check. */
static enum status app_load(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_APP_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such application");
    }
    if (st == STATUS_OK) {
        *out = app_json(ctx, rs, &st);
    }
    store_rows_free(rs);
    return st;
}

static enum status budget_load(const struct auth_ctx *ctx, int64_t id, json_t *app)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_BUDGET_LIST, k, 1, &rs);
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        char amount[32];
        fa_usd_format(store_rows_i64(rs, 3), amount);
        json_array_append_new(arr, json_pack("{sI ss ss sI ss}", "line", (json_int_t)store_rows_i64(rs, 0), "category",
                                             store_rows_text(rs, 1), "description", store_rows_text(rs, 2),
                                             "amount_cents", (json_int_t)store_rows_i64(rs, 3), "amount", amount));
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    json_object_set_new(app, "budget", arr);
    return st;
}

/* Reaching an application: the permission first (403 before anything is looked up), then the
 * record (scope: a grantee's own agency), audited. */
static enum status app_reach(const struct auth_ctx *ctx, int64_t id, bool write, const char *verb, json_t **out,
                             bool *fund_user)
{
    *fund_user = !write && auth_has(ctx->who, "fund.read");
    const char *perm = write ? "fund.apply" : (*fund_user ? "fund.read" : "fund.apply");
    char detail[64];
    snprintf(detail, sizeof detail, "%s application %lld", verb, (long long)id);
    if (auth_decide(ctx, perm, NULL, AUTH_FG_NONE, write) != STATUS_OK) {
        return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
    }
    enum status st = app_load(ctx, id, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = {
        .type = "fund_application", .id = id, .agency_id = json_integer_value(json_object_get(*out, "agency_id"))};
    st = auth_check(ctx, perm, &rec, AUTH_FG_NONE, write, detail);
    if (st != STATUS_OK) {
        json_decref(*out);
        *out = NULL;
    }
    /* another organisation's application reads as absent (audited as a denial) */
    return st == STATUS_DENIED ? err_set(STATUS_NOT_FOUND, "no such application") : st;
}

/* Eligibility on date: the criteria of applications.h, each {criterion, met, why}. */
static json_t *criterion(json_t *arr, const char *code, bool met, const char *why, bool *all)
{
    json_array_append_new(arr, json_pack("{sssbss}", "criterion", code, "met", met, "why", why));
    *all = *all && met;
    return arr;
}

static enum status eligibility(const struct auth_ctx *ctx, const json_t *app, const char *date, json_t **out, bool *all)
{
    json_t *org = NULL, *call = NULL;
    int64_t agency = json_integer_value(json_object_get(app, "agency_id"));
    enum status st = org_load(ctx, agency, &org);
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, json_integer_value(json_object_get(app, "call_id")), &call);
    }
    if (st != STATUS_OK) {
        json_decref(org);
        return st;
    }
    char year_ago[11], why[200];
    fa_add_months(date, -12, year_ago);
    json_t *arr = json_array();
    *all = true;
    const char *reg = json_string_value(json_object_get(org, "registered_on"));
    if (reg[0] == '\0') {
        snprintf(why, sizeof why, "no registration date in the organisation's profile");
    } else {
        snprintf(why, sizeof why, "registered on %s; needed on or before %s", reg, year_ago);
    }
    criterion(arr, "registered_1_year", reg[0] != '\0' && strcmp(reg, year_ago) <= 0, why, all);
    const char *since = json_string_value(json_object_get(org, "assistance_since"));
    if (since[0] == '\0') {
        snprintf(why, sizeof why, "no date of the first direct assistance in the organisation's profile");
    } else {
        snprintf(why, sizeof why, "direct assistance since %s; needed on or before %s", since, year_ago);
    }
    criterion(arr, "assistance_1_year", since[0] != '\0' && strcmp(since, year_ago) <= 0, why, all);
    bool np = json_is_true(json_object_get(org, "non_profit"));
    criterion(arr, "non_profit", np, np ? "a non-profit organisation" : "not recorded as non-profit", all);
    bool psea = json_is_true(json_object_get(org, "psea"));
    criterion(arr, "psea", psea, psea ? "PSEA measures in place" : "no PSEA measures recorded", all);
    bool own = json_is_true(json_object_get(org, "own_account"));
    criterion(arr, "own_account", own,
              own ? "a bank account in the organisation's own name"
                  : "no bank account in the organisation's own name recorded",
              all);
    int64_t total = json_integer_value(json_object_get(app, "total_cents"));
    int64_t cmin = json_integer_value(json_object_get(call, "ceiling_min_cents"));
    int64_t cmax = json_integer_value(json_object_get(call, "ceiling_max_cents"));
    char t[32], lo[32], hi[32];
    fa_usd_format(total, t);
    fa_usd_format(cmin, lo);
    fa_usd_format(cmax, hi);
    snprintf(why, sizeof why, "USD %s requested; the call's ceiling is USD %s to %s", t, lo, hi);
    criterion(arr, "amount_in_ceiling", total >= cmin && total <= cmax && total > 0, why, all);
    int64_t months = json_integer_value(json_object_get(app, "duration_months"));
    int64_t window = json_integer_value(json_object_get(call, "window_months"));
    snprintf(why, sizeof why, "%lld months; the call's window is up to %lld months", (long long)months,
             (long long)window);
    criterion(arr, "duration_in_window", months >= 1 && months <= window, why, all);
    json_decref(org);
    json_decref(call);
    *out = arr;
    return STATUS_OK;
}

static enum status app_write(const struct auth_ctx *ctx, int64_t id, int64_t version, bool create,
                             const struct app_in *a)
{
    uint8_t *sealed = NULL;
    struct sql_value sv;
    enum status st = vault_seal_text(ctx->vault, "fund_applications", "summary_enc", id, a->summary, &sealed, &sv);
    int64_t now = util_now_ms();
    if (st == STATUS_OK && create) {
        struct sql_value v[] = {SQLV_I64(id),
                                SQLV_I64(a->call_id),
                                SQLV_I64(a->agency_id),
                                sqlv_text(a->title),
                                sv,
                                sqlv_text(a->country),
                                SQLV_I64(a->duration),
                                sqlv_text(a->forms),
                                SQLV_I64(a->people[0]),
                                SQLV_I64(a->people[1]),
                                SQLV_I64(a->people[2]),
                                SQLV_I64(a->people[3]),
                                SQLV_I64(a->total),
                                ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_FUND_APP_INSERT, v, ARRAY_LEN(v), NULL);
    } else if (st == STATUS_OK) {
        struct sql_value v[] = {
            SQLV_I64(id),           SQLV_I64(version),      sqlv_text(a->title),    sv,
            sqlv_text(a->country),  SQLV_I64(a->duration),  sqlv_text(a->forms),    SQLV_I64(a->people[0]),
            SQLV_I64(a->people[1]), SQLV_I64(a->people[2]), SQLV_I64(a->people[3]), SQLV_I64(a->total),
            SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_FUND_APP_UPDATE, v, ARRAY_LEN(v), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the application changed since it was read (version)");
        }
    }
    free(sealed);
    struct sql_value k[] = {SQLV_I64(id)};
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_FUND_BUDGET_DELETE, k, 1, NULL);
    }
    for (size_t i = 0; st == STATUS_OK && i < a->n_lines; i++) {
        struct sql_value v[] = {SQLV_I64(vault_random_id()),        SQLV_I64(id),
                                SQLV_I64((int64_t)i + 1),           sqlv_text(a->lines[i].category),
                                sqlv_text(a->lines[i].description), SQLV_I64(a->lines[i].cents)};
        st = store_exec(ctx->store, STMT_FUND_BUDGET_INSERT, v, ARRAY_LEN(v), NULL);
    }
    return st;
}

enum status fund_application_save(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in,
                                  json_t **out)
{
    json_t *cur = NULL, *call = NULL;
    bool fund_user = false;
    enum status st = STATUS_OK;
    struct app_in a;
    memset(&a, 0, sizeof a);
    if (id == 0) {
        a.agency_id = ctx->who->agency_id;
        st = auth_decide(ctx, "fund.apply", NULL, AUTH_FG_NONE, true) == STATUS_OK
                 ? STATUS_OK
                 : auth_check(ctx, "fund.apply", NULL, AUTH_FG_NONE, true, "draft application");
        if (st == STATUS_OK && !json_is_object(in)) {
            st = err_set(STATUS_INVALID, "an application must be a JSON object");
        }
        if (st == STATUS_OK) {
            st = util_json_int(in, "call_id", 1, INT64_MAX, 0, &a.call_id);
        }
        if (st == STATUS_OK && a.call_id == 0) {
            st = err_set_field(STATUS_INVALID, "call_id", "call_id is required");
        }
        if (st == STATUS_OK && ctx->who->operator) {
            st = util_json_int(in, "agency_id", 1, INT64_MAX, 0, &a.agency_id);
        }
        if (st == STATUS_OK && a.agency_id <= 0) {
            st = err_set_field(STATUS_INVALID, "agency_id", "the application needs the applying organisation");
        }
        if (st == STATUS_OK) {
            st = agency_exists(ctx, a.agency_id);
        }
        if (st == STATUS_OK) {
            id = vault_random_id();
            struct auth_record rec = {.type = "fund_application", .id = id, .agency_id = a.agency_id};
            st = auth_check(ctx, "fund.apply", &rec, AUTH_FG_NONE, true, "draft application");
        }
    } else {
        st = app_reach(ctx, id, true, "save", &cur, &fund_user);
        if (st == STATUS_OK && !json_is_object(in)) {
            st = err_set(STATUS_INVALID, "an application must be a JSON object");
        }
        if (st == STATUS_OK && strcmp(json_string_value(json_object_get(cur, "status")), "draft") != 0) {
            st = err_set_field(STATUS_CONFLICT, "status", "the application was submitted: it can no longer change");
        }
        if (st == STATUS_OK && json_integer_value(json_object_get(cur, "version")) != version) {
            st = err_set(STATUS_CONFLICT, "the application changed since it was read (version)");
        }
        if (st == STATUS_OK) {
            a.call_id = json_integer_value(json_object_get(cur, "call_id"));
            a.agency_id = json_integer_value(json_object_get(cur, "agency_id"));
        }
    }
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, a.call_id, &call);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "call_id", "no such call");
        }
    }
    if (st == STATUS_OK && strcmp(json_string_value(json_object_get(call, "status")), "open") != 0) {
        st = err_set_field(STATUS_CONFLICT, "call_id", "the call is not open for applications");
    }
    if (st == STATUS_OK) {
        st = app_from_json(in, &a);
    }
    if (st == STATUS_OK) {
        st = app_write(ctx, id, version, cur == NULL, &a);
    }
    free(a.forms);
    json_decref(cur);
    json_decref(call);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.application.save", "fund_application", id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = app_load(ctx, id, out);
        if (st == STATUS_OK) {
            st = budget_load(ctx, id, *out);
        }
    }
    return st;
}

static enum status criteria_text(const json_t *crit, char *out, size_t size)
{
    size_t len = 0, i;
    const json_t *c;
    out[0] = '\0';
    json_array_foreach(crit, i, c)
    {
        if (!json_is_true(json_object_get(c, "met")) && len < size) {
            int n = snprintf(out + len, size - len, "%s%s (%s)", len ? "; " : "",
                             json_string_value(json_object_get(c, "criterion")),
                             json_string_value(json_object_get(c, "why")));
            len += n > 0 ? (size_t)n : 0;
        }
    }
    return STATUS_OK;
}

enum status fund_application_submit(const struct auth_ctx *ctx, int64_t id, int64_t version, json_t **out)
{
    json_t *cur = NULL, *call = NULL, *crit = NULL;
    bool fund_user = false, all = false;
    char today[11];
    util_today(today);
    enum status st = app_reach(ctx, id, true, "submit", &cur, &fund_user);
    if (st == STATUS_OK && strcmp(json_string_value(json_object_get(cur, "status")), "draft") != 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "the application was already submitted");
    }
    if (st == STATUS_OK && version != 0 && json_integer_value(json_object_get(cur, "version")) != version) {
        st = err_set(STATUS_CONFLICT, "the application changed since it was read (version)");
    }
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, json_integer_value(json_object_get(cur, "call_id")), &call);
    }
    if (st == STATUS_OK) {
        const char *cs = json_string_value(json_object_get(call, "status"));
        const char *opens = json_string_value(json_object_get(call, "opens_on"));
        const char *closes = json_string_value(json_object_get(call, "closes_on"));
        if (strcmp(cs, "open") != 0 || strcmp(today, closes) > 0) {
            st = err_set_field(STATUS_CONFLICT, "call_id", "the call closed on %s: submissions are refused", closes);
        } else if (strcmp(today, opens) < 0) {
            st = err_set_field(STATUS_CONFLICT, "call_id", "the call opens on %s", opens);
        }
    }
    if (st == STATUS_OK) {
        st = eligibility(ctx, cur, today, &crit, &all);
    }
    if (st == STATUS_OK && !all) {
        char text[1500];
        criteria_text(crit, text, sizeof text);
        st = err_set_field(STATUS_CONFLICT, "eligibility", "the application is not eligible: %s", text);
    }
    char *elig = st == STATUS_OK ? json_dumps(crit, JSON_COMPACT) : NULL;
    if (st == STATUS_OK && elig == NULL) {
        st = err_set(STATUS_IO, "out of memory");
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id), SQLV_I64(json_integer_value(json_object_get(cur, "version"))),
                                sqlv_text(elig), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_APP_SUBMIT, v, ARRAY_LEN(v), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the application changed since it was read (version)");
        }
    }
    free(elig);
    json_decref(crit);
    json_decref(call);
    json_decref(cur);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.application.submit", "fund_application", id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = app_load(ctx, id, out);
        if (st == STATUS_OK) {
            st = budget_load(ctx, id, *out);
        }
    }
    return st;
}

enum status fund_application_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    bool fund_user = false;
    enum status st = app_reach(ctx, id, false, "read", out, &fund_user);
    if (st == STATUS_OK) {
        st = budget_load(ctx, id, *out);
    }
    if (st == STATUS_OK && json_is_null(json_object_get(*out, "eligibility"))) {
        char today[11];
        util_today(today);
        json_t *crit = NULL;
        bool all = false;
        st = eligibility(ctx, *out, today, &crit, &all);
        if (st == STATUS_OK) {
            json_object_set_new(*out, "eligibility", crit);
        }
    }
    if (st == STATUS_OK) {
        bool all = true;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(*out, "eligibility"), i, c)
        {
            all = all && json_is_true(json_object_get(c, "met"));
        }
        json_object_set_new(*out, "eligible", json_boolean(all));
    }
    if (st == STATUS_OK && fund_user) {
        st = fa_review_summary(ctx, *out);
    }
    if (st != STATUS_OK && *out != NULL) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

enum status fund_application_list(const struct auth_ctx *ctx, int64_t call_id, const char *status, json_t **out)
{
    bool fund_user = auth_has(ctx->who, "fund.read");
    enum status st =
        auth_check(ctx, fund_user ? "fund.read" : "fund.apply", NULL, AUTH_FG_NONE, false, "list applications");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = fund_user ? 0 : ctx->who->agency_id;
    if (!fund_user && agency <= 0) {
        *out = json_array();
        return STATUS_OK;
    }
    static const char *const statuses[] = {"draft", "submitted", "awarded", "rejected", NULL};
    if (status != NULL && status[0] != '\0' && !util_in_list(status, statuses)) {
        return err_set_field(STATUS_INVALID, "status", "status is draft, submitted, awarded or rejected");
    }
    struct store_rows *rs = NULL;
    struct sql_value k[] = {SQLV_I64(call_id), SQLV_I64(agency), sqlv_text(status != NULL ? status : "")};
    st = store_exec(ctx->store, STMT_FUND_APP_LIST, k, ARRAY_LEN(k), &rs);
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_t *o = app_json(ctx, rs, &st);
        if (o != NULL) {
            json_object_del(o, "summary");
            json_array_append_new(arr, o);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        if (st == STATUS_OK && fund_user) {
            st = fa_review_summary(ctx, o);
        }
    }
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}
