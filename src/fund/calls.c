/* calls: calls for proposals and their tasks (see calls.h). */
#include "fund/calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/apps_int.h"
#include "justice/caselaw.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const programmes[] = {"immediate", "medium_term", NULL};

bool fund_programme_known(const char *code)
{
    return util_in_list(code, programmes);
}

bool fund_form_known(const char *code)
{
    return caselaw_form_known(code);
}

static bool country_known(const char *code)
{
    return fa_upper3(code);
}

static json_t *call_json(struct store_rows *rs)
{
    char min[32], max[32];
    fa_usd_format(store_rows_i64(rs, 6), min);
    fa_usd_format(store_rows_i64(rs, 7), max);
    return json_pack("{sI ss ss sI ss ss sI sI ss ss so so ss sI sI}", "id", (json_int_t)store_rows_i64(rs, 0), "title",
                     store_rows_text(rs, 1), "programme", store_rows_text(rs, 2), "window_months",
                     (json_int_t)store_rows_i64(rs, 3), "opens_on", store_rows_text(rs, 4), "closes_on",
                     store_rows_text(rs, 5), "ceiling_min_cents", (json_int_t)store_rows_i64(rs, 6),
                     "ceiling_max_cents", (json_int_t)store_rows_i64(rs, 7), "ceiling_min", min, "ceiling_max", max,
                     "priority_forms", fa_codes_json(store_rows_text(rs, 8)), "priority_countries",
                     fa_codes_json(store_rows_text(rs, 9)), "status", store_rows_text(rs, 10), "agency_id",
                     (json_int_t)store_rows_i64(rs, 11), "version", (json_int_t)store_rows_i64(rs, 14));
}

enum status fund_call_load(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_CALL_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such call");
    }
    if (st == STATUS_OK) {
        *out = call_json(rs);
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    store_rows_free(rs);
    return st;
}

/* Reading: fund.read, or fund.apply (open and closed calls only). */
static enum status read_check(const struct auth_ctx *ctx, const char *detail, bool *all)
{
    *all = auth_has(ctx->who, "fund.read");
    return auth_check(ctx, *all ? "fund.read" : "fund.apply", NULL, AUTH_FG_NONE, false, detail);
}

enum status fund_call_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "add call");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a call must be a JSON object");
    }
    const char *title, *programme, *opens, *closes;
    int64_t window = 0, cmin = 0, cmax = 0, agency_id = ctx->who->agency_id;
    char *forms = NULL, *countries = NULL;
    st = util_json_text(in, "title", FUND_TEXT_MAX, true, &title);
    if (st == STATUS_OK) {
        st = util_json_text(in, "programme", 20, true, &programme);
    }
    if (st == STATUS_OK && !fund_programme_known(programme)) {
        st = err_set_field(STATUS_INVALID, "programme", "programme must be immediate or medium_term");
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "window_months", 1, 60, strcmp(programme, "immediate") == 0 ? 9 : 24, &window);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "opens_on", 10, true, &opens);
    }
    if (st == STATUS_OK && !util_date_valid(opens)) {
        st = err_set_field(STATUS_INVALID, "opens_on", "opens_on must be a date YYYY-MM-DD");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "closes_on", 10, true, &closes);
    }
    if (st == STATUS_OK && (!util_date_valid(closes) || strcmp(closes, opens) < 0)) {
        st = err_set_field(STATUS_INVALID, "closes_on", "closes_on must be a date YYYY-MM-DD, not before opens_on");
    }
    if (st == STATUS_OK) {
        st = fa_usd(in, "ceiling_min", "ceiling_min_cents", true, &cmin);
    }
    if (st == STATUS_OK) {
        st = fa_usd(in, "ceiling_max", "ceiling_max_cents", true, &cmax);
    }
    if (st == STATUS_OK && (cmax <= 0 || cmin > cmax)) {
        st = err_set_field(STATUS_INVALID, "ceiling_max",
                           "the ceiling's maximum must be positive and not below its minimum");
    }
    if (st == STATUS_OK) {
        st = fa_codes(in, "priority_forms", fund_form_known, &forms);
    }
    if (st == STATUS_OK) {
        st = fa_codes(in, "priority_countries", country_known, &countries);
    }
    if (st == STATUS_OK && ctx->who->operator) {
        st = util_json_int(in, "agency_id", 0, INT64_MAX, 0, &agency_id);
    }
    int64_t id = vault_random_id();
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id),           sqlv_text(title),
                                sqlv_text(programme),   SQLV_I64(window),
                                sqlv_text(opens),       sqlv_text(closes),
                                SQLV_I64(cmin),         SQLV_I64(cmax),
                                sqlv_text(forms),       sqlv_text(countries),
                                SQLV_I64(agency_id),    ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_CALL_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(forms);
    free(countries);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.call.add", "fund_call", id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = fund_call_load(ctx, id, out);
    }
    return st;
}

enum status fund_call_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    char detail[48];
    snprintf(detail, sizeof detail, "read call %lld", (long long)id);
    bool all = false;
    enum status st = read_check(ctx, detail, &all);
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, id, out);
    }
    if (st == STATUS_OK && !all && strcmp(json_string_value(json_object_get(*out, "status")), "draft") == 0) {
        json_decref(*out);
        *out = NULL;
        st = err_set(STATUS_NOT_FOUND, "no such call");
    }
    return st;
}

enum status fund_call_list(const struct auth_ctx *ctx, json_t **out)
{
    bool all = false;
    enum status st = read_check(ctx, "list calls", &all);
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(all ? 1 : 0)};
        st = store_exec(ctx->store, STMT_FUND_CALL_LIST, k, 1, &rs);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_array_append_new(arr, call_json(rs));
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

static int64_t date_ms(const char *date, bool end_of_day)
{
    int64_t ms = 0;
    if (util_time_parse(&ms, date) != STATUS_OK) {
        return 0;
    }
    return end_of_day ? ms + 86400000 - 1 : ms;
}

static enum status set_status(const struct auth_ctx *ctx, int64_t id, const char *from, const char *to, json_t **cur)
{
    char detail[48];
    snprintf(detail, sizeof detail, "%s call %lld", strcmp(to, "open") == 0 ? "open" : "close", (long long)id);
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, detail);
    if (st == STATUS_OK) {
        st = fund_call_load(ctx, id, cur);
    }
    if (st == STATUS_OK && strcmp(json_string_value(json_object_get(*cur, "status")), from) != 0) {
        st = err_set_field(STATUS_CONFLICT, "status", "the call is %s: only a %s call can be %s",
                           json_string_value(json_object_get(*cur, "status")), from,
                           strcmp(to, "open") == 0 ? "opened" : "closed");
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id), sqlv_text(to), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_CALL_STATUS, v, ARRAY_LEN(v), NULL);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, strcmp(to, "open") == 0 ? "fund.call.open" : "fund.call.close", "fund_call", id, "ok", "");
    }
    return st;
}

enum status fund_call_open(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    json_t *cur = NULL;
    enum status st = set_status(ctx, id, "draft", "open", &cur);
    int64_t agency = st == STATUS_OK ? json_integer_value(json_object_get(cur, "agency_id")) : 0;
    if (st == STATUS_OK && agency > 0) {
        char key[TASK_KEY_BYTES];
        snprintf(key, sizeof key, "%s:%lld", FUND_TASK_CALL_CLOSING, (long long)id);
        struct task_raise t = {.kind = FUND_TASK_CALL_CLOSING,
                               .key = key,
                               .record_type = "fund_call",
                               .record_id = id,
                               .agency_id = agency,
                               .due_at_ms = date_ms(json_string_value(json_object_get(cur, "closes_on")), true)};
        st = task_raise(ctx, &t, NULL);
    }
    json_decref(cur);
    if (st == STATUS_OK && out != NULL) {
        st = fund_call_load(ctx, id, out);
    }
    return st;
}

enum status fund_call_close(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    json_t *cur = NULL;
    enum status st = set_status(ctx, id, "open", "closed", &cur);
    json_decref(cur);
    char key[TASK_KEY_BYTES];
    snprintf(key, sizeof key, "%s:%lld", FUND_TASK_CALL_CLOSING, (long long)id);
    if (st == STATUS_OK) {
        st = task_resolve(ctx, key, TASK_DONE);
    }
    /* A review task for each trustee serving today with a user account. */
    char today[11];
    util_today(today);
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_FUND_TRUSTEE_LIST, NULL, 0, &rs);
    }
    int64_t due = util_now_ms() + (int64_t)FUND_REVIEW_DAYS * 86400000;
    struct {
        int64_t trustee, user;
    } who[64]; /* the serving trustees: five at most by the board's rule */
    size_t n = 0;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        const char *ended = store_rows_text(rs, 7);
        const char *end = ended[0] != '\0' ? ended : store_rows_text(rs, 6);
        if (store_rows_i64(rs, 4) > 0 && strcmp(store_rows_text(rs, 5), today) <= 0 && strcmp(today, end) < 0 &&
            n < ARRAY_LEN(who)) {
            who[n].trustee = store_rows_i64(rs, 0);
            who[n++].user = store_rows_i64(rs, 4);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        struct sql_value k[] = {SQLV_I64(who[i].user)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_FUND_USER_AGENCY, k, 1, &r);
        int64_t agency = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = STATUS_OK;
            continue;
        }
        if (st == STATUS_OK && agency > 0) {
            snprintf(key, sizeof key, "%s:%lld:%lld", FUND_TASK_REVIEW_DUE, (long long)id, (long long)who[i].trustee);
            struct task_raise t = {.kind = FUND_TASK_REVIEW_DUE,
                                   .key = key,
                                   .record_type = "fund_call",
                                   .record_id = id,
                                   .agency_id = agency,
                                   .owner_id = who[i].user,
                                   .due_at_ms = due};
            st = task_raise(ctx, &t, NULL);
        }
        if (st == STATUS_OK) {
            st = fa_review_task_check(ctx, id, who[i].trustee);
        }
    }
    if (st == STATUS_OK && out != NULL) {
        st = fund_call_load(ctx, id, out);
    }
    return st;
}
