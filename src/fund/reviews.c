/* reviews: trustees' reviews with the conflict-of-interest rule, the review tasks, and the fund
 * manager's decisions (see applications.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/applications.h"
#include "fund/apps_int.h"
#include "fund/calls.h"
#include "fund/grants.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* The few columns of an application that reviews and decisions need (FUND_APP_COLS). */
struct app_row {
    int64_t id, call_id, agency_id, total;
    char status[16], country[4];
};

static enum status app_row_load(const struct auth_ctx *ctx, int64_t id, struct app_row *a)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_APP_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such application");
    }
    if (st == STATUS_OK) {
        a->id = id;
        a->call_id = store_rows_i64(rs, 1);
        a->agency_id = store_rows_i64(rs, 2);
        a->total = store_rows_i64(rs, 12);
        snprintf(a->status, sizeof a->status, "%s", store_rows_text(rs, 13));
        snprintf(a->country, sizeof a->country, "%s", store_rows_text(rs, 5));
    }
    store_rows_free(rs);
    return st;
}

/* The permission alone first: a caller without it is refused (403) before any lookup. */
static enum status perm_first(const struct auth_ctx *ctx, const char *perm, bool write, const char *detail)
{
    if (auth_decide(ctx, perm, NULL, AUTH_FG_NONE, write) == STATUS_OK) {
        return STATUS_OK;
    }
    return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
}

/* True when trustee declared a conflict on agency or application. */
static enum status conflicted(const struct auth_ctx *ctx, int64_t trustee, int64_t agency, int64_t app, bool *out)
{
    struct sql_value k[] = {SQLV_I64(agency), SQLV_I64(app)};
    struct store_rows *rs = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_CONFLICT_TRUSTEES, k, 2, &rs);
    *out = false;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        *out = *out || store_rows_i64(rs, 0) == trustee;
    }
    store_rows_free(rs);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status reviewed(const struct auth_ctx *ctx, int64_t app, int64_t trustee, bool *out)
{
    struct sql_value k[] = {SQLV_I64(app), SQLV_I64(trustee)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_REVIEW_EXISTS, k, 2, &r);
    store_rows_free(r);
    *out = st == STATUS_OK;
    return st == STATUS_NOT_FOUND ? STATUS_OK : st;
}

enum status fa_review_task_check(const struct auth_ctx *ctx, int64_t call_id, int64_t trustee_id)
{
    struct sql_value k[] = {SQLV_I64(call_id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_APP_SUBMITTED_OF_CALL, k, 1, &rs);
    int64_t *apps = NULL; /* pairs: id, agency */
    size_t n = 0, cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            apps = xrealloc(apps, cap * 2 * sizeof *apps);
        }
        apps[2 * n] = store_rows_i64(rs, 0);
        apps[2 * n + 1] = store_rows_i64(rs, 1);
        n++;
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    bool left = false;
    for (size_t i = 0; st == STATUS_OK && i < n && !left; i++) {
        bool c = false, r = false;
        st = conflicted(ctx, trustee_id, apps[2 * i + 1], apps[2 * i], &c);
        if (st == STATUS_OK && !c) {
            st = reviewed(ctx, apps[2 * i], trustee_id, &r);
            left = st == STATUS_OK && !r;
        }
    }
    free(apps);
    if (st == STATUS_OK && !left) {
        char key[TASK_KEY_BYTES];
        snprintf(key, sizeof key, "%s:%lld:%lld", FUND_TASK_REVIEW_DUE, (long long)call_id, (long long)trustee_id);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    return st;
}

static void average_text(int64_t sum, int64_t count, char out[48])
{
    /* sum of four criteria per review: the mean in hundredths, rounded half up */
    int64_t h = (sum * 100 * 2 + 4 * count) / (4 * count * 2);
    snprintf(out, 48, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

enum status fa_review_summary(const struct auth_ctx *ctx, json_t *app)
{
    int64_t id = json_integer_value(json_object_get(app, "id"));
    int64_t agency = json_integer_value(json_object_get(app, "agency_id"));
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_REVIEW_COUNT, k, 1, &rs);
    if (st == STATUS_OK) {
        int64_t count = store_rows_i64(rs, 0), sum = store_rows_i64(rs, 1);
        json_object_set_new(app, "reviews_count", json_integer(count));
        if (count > 0) {
            char avg[48];
            average_text(sum, count, avg);
            json_object_set_new(app, "average_score", json_string(avg));
        } else {
            json_object_set_new(app, "average_score", json_null());
        }
    }
    store_rows_free(rs);
    rs = NULL;
    json_t *recused = json_array();
    if (st == STATUS_OK) {
        struct sql_value c[] = {SQLV_I64(agency), SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_FUND_CONFLICT_TRUSTEES, c, 2, &rs);
    }
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_array_append_new(recused, json_integer(store_rows_i64(rs, 0)));
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    json_object_set_new(app, "recused", recused);
    rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_FUND_DECISION_GET, k, 1, &rs);
        if (st == STATUS_NOT_FOUND) {
            json_object_set_new(app, "decision", json_null());
            st = STATUS_OK;
        } else if (st == STATUS_OK) {
            int64_t did = store_rows_i64(rs, 0);
            json_t *reason = NULL;
            st = vault_unseal_column_json(ctx->vault, rs, 6, "fund_decisions", "reason_enc", did, &reason);
            if (st == STATUS_OK) {
                char amount[32];
                fa_usd_format(store_rows_i64(rs, 2), amount);
                json_t *tr = json_loads(store_rows_text(rs, 5), 0, NULL);
                json_object_set_new(app, "decision",
                                    json_pack("{sI ss sI ss ss ss so so sI sI}", "id", (json_int_t)did, "outcome",
                                              store_rows_text(rs, 1), "amount_cents", (json_int_t)store_rows_i64(rs, 2),
                                              "amount", amount, "start_date", store_rows_text(rs, 3), "end_date",
                                              store_rows_text(rs, 4), "tranches", tr != NULL ? tr : json_array(),
                                              "reason", reason, "grant_id", (json_int_t)store_rows_i64(rs, 7),
                                              "decided_at_ms", (json_int_t)store_rows_i64(rs, 8)));
            }
        }
        store_rows_free(rs);
    }
    return st;
}

static const char *const score_keys[] = {"relevance", "capacity", "budget", "reach"};

enum status fund_review_add(const struct auth_ctx *ctx, int64_t app_id, const json_t *in, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "review application %lld", (long long)app_id);
    enum status st = perm_first(ctx, "fund.approve", true, detail);
    struct app_row a;
    if (st == STATUS_OK) {
        st = app_row_load(ctx, app_id, &a);
    }
    struct auth_record rec = {.type = "fund_application", .id = app_id, .agency_id = st == STATUS_OK ? a.agency_id : 0};
    if (st == STATUS_OK) {
        st = auth_check(ctx, "fund.approve", &rec, AUTH_FG_NONE, true, detail);
    }
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "a review must be a JSON object");
    }
    char today[11];
    util_today(today);
    int64_t trustee = 0;
    if (st == STATUS_OK && ctx->who->operator) {
        st = util_json_int(in, "trustee_id", 1, INT64_MAX, 0, &trustee);
        if (st == STATUS_OK && trustee == 0) {
            st = err_set_field(STATUS_INVALID, "trustee_id", "the operator names the reviewing trustee_id");
        }
    } else if (st == STATUS_OK) {
        st = fa_trustee_of_user(ctx, ctx->who->user_id, today, &trustee);
        if (st == STATUS_OK && trustee == 0) {
            st = auth_refuse(ctx, "fund.approve", &rec, "not a serving trustee",
                             "only a serving trustee linked to this user account reviews applications");
        }
    }
    bool c = false;
    if (st == STATUS_OK) {
        st = conflicted(ctx, trustee, a.agency_id, app_id, &c);
    }
    if (st == STATUS_OK && c) {
        char d[96];
        snprintf(d, sizeof d, "conflict of interest: trustee %lld", (long long)trustee);
        st = auth_refuse(ctx, "fund.approve", &rec, d,
                         "conflict of interest: the trustee declared a conflict on this organisation or application "
                         "and cannot review it");
    }
    if (st == STATUS_OK && strcmp(a.status, "draft") == 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "only a submitted application is reviewed");
    }
    bool done = false;
    if (st == STATUS_OK) {
        st = reviewed(ctx, app_id, trustee, &done);
    }
    if (st == STATUS_OK && done) {
        st = err_set(STATUS_CONFLICT, "the trustee has already reviewed this application (one review each)");
    }
    int64_t score[4] = {0};
    for (size_t i = 0; st == STATUS_OK && i < 4; i++) {
        st = util_json_int(in, score_keys[i], 1, 5, 0, &score[i]);
        if (st == STATUS_OK && score[i] == 0) {
            st = err_set_field(STATUS_INVALID, score_keys[i], "%s is required: a score from 1 to 5", score_keys[i]);
        }
    }
    const char *comment = "";
    if (st == STATUS_OK) {
        st = util_json_text(in, "comment", FUND_NOTE_MAX, false, &comment);
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value sv;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "fund_reviews", "comment_enc", id, comment, &sealed, &sv);
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id),
                                SQLV_I64(app_id),
                                SQLV_I64(trustee),
                                SQLV_I64(score[0]),
                                SQLV_I64(score[1]),
                                SQLV_I64(score[2]),
                                SQLV_I64(score[3]),
                                sv,
                                ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_REVIEW_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(sealed);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.review.add", "fund_review", id, "ok", detail);
    }
    if (st == STATUS_OK) {
        st = fa_review_task_check(ctx, a.call_id, trustee);
    }
    if (st == STATUS_OK && out != NULL) {
        *out = json_pack("{sIsIsIsIsIsIsI}", "id", (json_int_t)id, "application_id", (json_int_t)app_id, "trustee_id",
                         (json_int_t)trustee, "relevance", (json_int_t)score[0], "capacity", (json_int_t)score[1],
                         "budget", (json_int_t)score[2], "reach", (json_int_t)score[3]);
    }
    return st;
}

enum status fund_review_list(const struct auth_ctx *ctx, int64_t app_id, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "read reviews of application %lld", (long long)app_id);
    enum status st = perm_first(ctx, "fund.read", false, detail);
    struct app_row a;
    if (st == STATUS_OK) {
        st = app_row_load(ctx, app_id, &a);
    }
    if (st == STATUS_OK) {
        struct auth_record rec = {.type = "fund_application", .id = app_id, .agency_id = a.agency_id};
        st = auth_check(ctx, "fund.read", &rec, AUTH_FG_NONE, false, detail);
    }
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(app_id)};
        st = store_exec(ctx->store, STMT_FUND_REVIEW_LIST, k, 1, &rs);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        int64_t id = store_rows_i64(rs, 0);
        json_t *comment = NULL;
        st = vault_unseal_column_json(ctx->vault, rs, 7, "fund_reviews", "comment_enc", id, &comment);
        if (st == STATUS_OK) {
            json_array_append_new(
                arr,
                json_pack("{sI sI sI sI sI sI sI so sI}", "id", (json_int_t)id, "application_id",
                          (json_int_t)store_rows_i64(rs, 1), "trustee_id", (json_int_t)store_rows_i64(rs, 2),
                          "relevance", (json_int_t)store_rows_i64(rs, 3), "capacity", (json_int_t)store_rows_i64(rs, 4),
                          "budget", (json_int_t)store_rows_i64(rs, 5), "reach", (json_int_t)store_rows_i64(rs, 6),
                          "comment", comment, "created_at_ms", (json_int_t)store_rows_i64(rs, 8)));
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status fund_review_queue(const struct auth_ctx *ctx, json_t **out)
{
    enum status st = auth_check(ctx, "fund.approve", NULL, AUTH_FG_NONE, false, "review queue");
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    int64_t trustee = 0;
    st = fa_trustee_of_user(ctx, ctx->who->user_id, today, &trustee);
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(0), SQLV_I64(0), sqlv_text("submitted")};
        st = store_exec(ctx->store, STMT_FUND_APP_LIST, k, ARRAY_LEN(k), &rs);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        char total[32];
        fa_usd_format(store_rows_i64(rs, 12), total);
        json_array_append_new(arr, json_pack("{sI sI sI ss ss ss ss}", "id", (json_int_t)store_rows_i64(rs, 0),
                                             "call_id", (json_int_t)store_rows_i64(rs, 1), "agency_id",
                                             (json_int_t)store_rows_i64(rs, 2), "agency_name", store_rows_text(rs, 19),
                                             "title", store_rows_text(rs, 3), "country", store_rows_text(rs, 5),
                                             "total", total));
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        bool c = false, r = false;
        int64_t id = json_integer_value(json_object_get(o, "id"));
        if (st == STATUS_OK && trustee > 0) {
            st = conflicted(ctx, trustee, json_integer_value(json_object_get(o, "agency_id")), id, &c);
        }
        if (st == STATUS_OK && trustee > 0) {
            st = reviewed(ctx, id, trustee, &r);
        }
        json_object_set_new(o, "conflict", json_boolean(c));
        json_object_set_new(o, "reviewed", json_boolean(r));
        if (st == STATUS_OK) {
            st = fa_review_summary(ctx, o);
        }
    }
    if (st == STATUS_OK) {
        *out = json_pack("{sIso}", "trustee_id", (json_int_t)trustee, "items", arr);
    } else {
        json_decref(arr);
    }
    return st;
}

/* The award's grant agreement (part G's fund_grant_create), in the decision's transaction: the
 * application's call, organisation, country (or the decision's "country") and programme. */
static enum status grant_create(const struct auth_ctx *ctx, const struct app_row *a, const json_t *call,
                                const char *country, int64_t amount, const char *start, const char *end,
                                const json_t *tranches, int64_t *grant_id)
{
    struct fund_tranche_in tr[FUND_TRANCHES_MAX];
    size_t n = json_array_size(tranches);
    if (n > FUND_TRANCHES_MAX) {
        return err_set_field(STATUS_INVALID, "tranches", "at most %d tranches", FUND_TRANCHES_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(tranches, i);
        tr[i].due_date = json_string_value(json_object_get(t, "due_date"));
        tr[i].amount_cents = json_integer_value(json_object_get(t, "amount_cents"));
    }
    struct fund_grant_in in = {.application_id = a->id,
                               .call_id = a->call_id,
                               .agency_id = a->agency_id,
                               .country = country,
                               .programme = json_string_value(json_object_get(call, "programme")),
                               .start_date = start,
                               .end_date = end,
                               .amount_cents = amount,
                               .tranches = tr,
                               .n_tranches = n};
    return fund_grant_create(ctx, &in, grant_id);
}

enum status fund_decide(const struct auth_ctx *ctx, int64_t app_id, const json_t *in, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "decide application %lld", (long long)app_id);
    enum status st = perm_first(ctx, "fund.write", true, detail);
    struct app_row a;
    if (st == STATUS_OK) {
        st = app_row_load(ctx, app_id, &a);
    }
    if (st == STATUS_OK) {
        struct auth_record rec = {.type = "fund_application", .id = app_id, .agency_id = a.agency_id};
        st = auth_check(ctx, "fund.write", &rec, AUTH_FG_NONE, true, detail);
    }
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "a decision must be a JSON object");
    }
    if (st == STATUS_OK && strcmp(a.status, "submitted") != 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "the application is %s: only a submitted one is decided",
                           a.status);
    }
    int64_t need = 2, have = 0;
    if (st == STATUS_OK) {
        st = fa_setting(ctx, "min_reviews", &need);
    }
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(app_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_FUND_REVIEW_COUNT, k, 1, &r);
        have = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
        store_rows_free(r);
    }
    if (st == STATUS_OK && have < need) {
        st = err_set_field(STATUS_CONFLICT, "reviews",
                           "a decision needs at least %lld reviews (setting min_reviews); the application has %lld",
                           (long long)need, (long long)have);
    }
    const char *outcome = "", *start = "", *end = "", *reason = "";
    int64_t amount = 0, sum = 0;
    json_t *tranches = json_array();
    if (st == STATUS_OK) {
        st = util_json_text(in, "outcome", 10, true, &outcome);
    }
    bool award = st == STATUS_OK && strcmp(outcome, "award") == 0;
    if (st == STATUS_OK && !award && strcmp(outcome, "reject") != 0) {
        st = err_set_field(STATUS_INVALID, "outcome", "outcome is award or reject");
    }
    if (st == STATUS_OK && award) {
        st = fa_usd(in, "amount", "amount_cents", true, &amount);
        if (st == STATUS_OK && amount <= 0) {
            st = err_set_field(STATUS_INVALID, "amount", "the amount awarded must be positive");
        }
        if (st == STATUS_OK) {
            st = util_json_text(in, "start_date", 10, true, &start);
        }
        if (st == STATUS_OK && !util_date_valid(start)) {
            st = err_set_field(STATUS_INVALID, "start_date", "start_date must be a date YYYY-MM-DD");
        }
        if (st == STATUS_OK) {
            st = util_json_text(in, "end_date", 10, true, &end);
        }
        if (st == STATUS_OK && (!util_date_valid(end) || strcmp(end, start) <= 0)) {
            st = err_set_field(STATUS_INVALID, "end_date", "end_date must be a date YYYY-MM-DD after start_date");
        }
        const json_t *tr = json_object_get(in, "tranches");
        if (st == STATUS_OK &&
            (!json_is_array(tr) || json_array_size(tr) == 0 || json_array_size(tr) > FUND_LIST_MAX)) {
            st = err_set_field(STATUS_INVALID, "tranches", "an award needs a schedule of 1 to %d tranches",
                               FUND_LIST_MAX);
        }
        size_t i;
        const json_t *t;
        json_array_foreach(tr, i, t)
        {
            const char *due = "";
            int64_t cents = 0;
            if (st == STATUS_OK && !json_is_object(t)) {
                st = err_set_field(STATUS_INVALID, "tranches", "each tranche is {due_date, amount}");
            }
            if (st == STATUS_OK) {
                st = util_json_text(t, "due_date", 10, true, &due);
            }
            if (st == STATUS_OK && !util_date_valid(due)) {
                st = err_set_field(STATUS_INVALID, "tranches", "tranche %zu: due_date must be YYYY-MM-DD", i + 1);
            }
            if (st == STATUS_OK) {
                st = fa_usd(t, "amount", "amount_cents", true, &cents);
            }
            if (st == STATUS_OK && cents <= 0) {
                st = err_set_field(STATUS_INVALID, "tranches", "tranche %zu: the amount must be positive", i + 1);
            }
            if (st != STATUS_OK) {
                break;
            }
            sum += cents;
            json_array_append_new(tranches, json_pack("{sssI}", "due_date", due, "amount_cents", (json_int_t)cents));
        }
        if (st == STATUS_OK && sum != amount) {
            st = err_set_field(STATUS_INVALID, "tranches", "the tranches must add up to the amount awarded");
        }
    } else if (st == STATUS_OK) {
        st = util_json_text(in, "reason", FUND_NOTE_MAX, true, &reason);
    }
    json_t *call = NULL;
    int64_t grant_id = 0;
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, a.call_id, &call);
    }
    if (st == STATUS_OK && award) {
        const char *country = "";
        st = util_json_text(in, "country", 3, false, &country);
        if (st == STATUS_OK && country[0] == '\0') {
            country = a.country;
        }
        if (st == STATUS_OK && !fa_upper3(country)) {
            st = err_set_field(STATUS_INVALID, "country",
                               "the grant needs the country of the project (the application's, or \"country\")");
        }
        if (st == STATUS_OK) {
            st = grant_create(ctx, &a, call, country, amount, start, end, tranches, &grant_id);
        }
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value sv;
    char *tr_text = NULL;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "fund_decisions", "reason_enc", id, reason, &sealed, &sv);
    }
    if (st == STATUS_OK) {
        tr_text = json_dumps(tranches, JSON_COMPACT);
        st = tr_text != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id),
                                SQLV_I64(app_id),
                                sqlv_text(outcome),
                                SQLV_I64(amount),
                                sqlv_text(start),
                                sqlv_text(end),
                                sqlv_text(tr_text),
                                sv,
                                grant_id > 0 ? SQLV_I64(grant_id) : SQLV_NULL,
                                ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_DECISION_INSERT, v, ARRAY_LEN(v), NULL);
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(app_id), sqlv_text(award ? "awarded" : "rejected"), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_APP_STATUS, v, ARRAY_LEN(v), NULL);
    }
    free(sealed);
    free(tr_text);
    json_decref(tranches);
    json_decref(call);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, award ? "fund.decide.award" : "fund.decide.reject", "fund_application", app_id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        *out = json_pack("{sIsIsssIsI}", "id", (json_int_t)id, "application_id", (json_int_t)app_id, "outcome", outcome,
                         "amount_cents", (json_int_t)amount, "grant_id", (json_int_t)grant_id);
    }
    return st;
}
