/* nap: national action plans, their actions, progress reports and the progress matrix (see
 * nap.h). */
#include "plan/nap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/napint.h"
#include "plan/text.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *const plan_nap_statuses[] = {"draft", "adopted", "ended", NULL};
const char *const plan_progress_statuses[] = {"not_started", "on_track", "delayed", "completed", "cancelled", NULL};
/* The matrix's columns: the statuses and "no_report". */
#define NSTATUS 6
static const char *const matrix_statuses[NSTATUS] = {"not_started", "on_track",  "delayed",
                                                     "completed",   "cancelled", "no_report"};

static int status_index(const char *s)
{
    for (int i = 0; i < NSTATUS; i++) {
        if (strcmp(s, matrix_statuses[i]) == 0) {
            return i;
        }
    }
    return NSTATUS - 1;
}

static enum status rows_done(enum status st)
{
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* ---- plans ---- */

static json_t *nap_json(struct store_rows *rs)
{
    return json_pack("{sI ss ss ss ss ss ss sI}", "id", (json_int_t)store_rows_i64(rs, 0), "country",
                     store_rows_text(rs, 1), "title", store_rows_text(rs, 2), "period_from", store_rows_text(rs, 3),
                     "period_to", store_rows_text(rs, 4), "adopted_by", store_rows_text(rs, 5), "status",
                     store_rows_text(rs, 6), "version", (json_int_t)store_rows_i64(rs, 9));
}

static enum status nap_load(const struct auth_ctx *ctx, int64_t id, const char *field, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_NAP_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = field != NULL ? err_set_field(STATUS_INVALID, field, "no such national action plan")
                           : err_set(STATUS_NOT_FOUND, "no such national action plan");
    }
    if (st == STATUS_OK) {
        *out = nap_json(rs);
    }
    store_rows_free(rs);
    return st;
}

/* Validates the plan's members of in over cur (the stored plan, or NULL for a new one) and
 * writes them into v[1..6]. */
static enum status nap_fields(const json_t *in, const json_t *cur, struct sql_value v[7])
{
    const char *country, *title, *from, *to, *by, *status;
#define MEMBER(key) (json_object_get(in, key) != NULL || cur == NULL ? in : cur)
    enum status st = util_json_text(MEMBER("country"), "country", 3, true, &country);
    if (st == STATUS_OK && !pn_country_ok(country)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166-1 alpha-3 code of the vocabulary");
    }
    if (st == STATUS_OK) {
        st = util_json_text(MEMBER("title"), "title", PN_TEXT_MAX, true, &title);
    }
    if (st == STATUS_OK) {
        st = util_json_date(MEMBER("period_from"), "period_from", true, &from);
    }
    if (st == STATUS_OK) {
        st = util_json_date(MEMBER("period_to"), "period_to", true, &to);
    }
    if (st == STATUS_OK && strcmp(to, from) < 0) {
        st = err_set_field(STATUS_INVALID, "period_to", "period_to must not be before period_from");
    }
    if (st == STATUS_OK) {
        st = util_json_text(MEMBER("adopted_by"), "adopted_by", PN_TEXT_MAX, false, &by);
    }
    if (st == STATUS_OK) {
        st = util_json_text(MEMBER("status"), "status", 16, false, &status);
    }
#undef MEMBER
    if (st == STATUS_OK && status[0] == '\0') {
        status = "draft";
    }
    if (st == STATUS_OK && !util_in_list(status, plan_nap_statuses)) {
        st = err_set_field(STATUS_INVALID, "status", "status must be draft, adopted or ended");
    }
    if (st == STATUS_OK) {
        v[1] = sqlv_text(country);
        v[2] = sqlv_text(title);
        v[3] = sqlv_text(from);
        v[4] = sqlv_text(to);
        v[5] = sqlv_text(by);
        v[6] = sqlv_text(status);
    }
    return st;
}

enum status plan_nap_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "add national action plan");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a national action plan must be a JSON object");
    }
    struct sql_value v[9];
    st = nap_fields(in, NULL, v);
    int64_t id = vault_random_id();
    if (st == STATUS_OK) {
        v[0] = SQLV_I64(id);
        v[7] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[8] = SQLV_I64(util_now_ms());
        st = store_exec(ctx->store, STMT_PLAN_NAP_INSERT, v, 9, NULL);
    }
    if (st == STATUS_OK && out != NULL) {
        st = nap_load(ctx, id, NULL, out);
    }
    return st;
}

enum status plan_nap_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "update national action plan %lld", (long long)id);
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, detail);
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a national action plan must be a JSON object");
    }
    json_t *cur = NULL;
    st = nap_load(ctx, id, NULL, &cur);
    struct sql_value v[9];
    if (st == STATUS_OK) {
        st = nap_fields(in, cur, v);
    }
    if (st == STATUS_OK && version != json_integer_value(json_object_get(cur, "version"))) {
        st = err_set(STATUS_CONFLICT, "the plan was changed meanwhile (version %lld, not %lld)",
                     (long long)json_integer_value(json_object_get(cur, "version")), (long long)version);
    }
    if (st == STATUS_OK) {
        struct sql_value u[] = {SQLV_I64(id), SQLV_I64(version),      v[1], v[2], v[3], v[4], v[5],
                                v[6],         SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_NAP_UPDATE, u, ARRAY_LEN(u), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) == 0) {
            st = err_set(STATUS_CONFLICT, "the plan was changed meanwhile");
        }
    }
    json_decref(cur);
    if (st == STATUS_OK && out != NULL) {
        st = nap_load(ctx, id, NULL, out);
    }
    return st;
}

enum status plan_nap_list(const struct auth_ctx *ctx, const char *country, json_t **out)
{
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "list national action plans");
    if (st != STATUS_OK) {
        return st;
    }
    const char *c = country != NULL ? country : "";
    if (c[0] != '\0' && !pn_country_ok(c)) {
        return err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166-1 alpha-3 code of the vocabulary");
    }
    struct sql_value k[] = {sqlv_text(c)};
    struct store_rows *rs = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_NAP_LIST, k, 1, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_array_append_new(arr, nap_json(rs));
    }
    st = rows_done(st);
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

/* ---- actions ---- */

static json_t *action_json(struct store_rows *rs)
{
    json_error_t e;
    json_t *bodies = json_loads(store_rows_text(rs, 4), 0, &e), *ind = json_loads(store_rows_text(rs, 7), 0, &e);
    return json_pack("{sI sI ss so so so so so}", "id", (json_int_t)store_rows_i64(rs, 0), "nap_id",
                     (json_int_t)store_rows_i64(rs, 1), "title", store_rows_text(rs, 2), "paragraphs",
                     pn_codes_json(store_rows_text(rs, 3)), "bodies", bodies != NULL ? bodies : json_array(),
                     "agency_ids", pn_ids_json(store_rows_text(rs, 5)), "partner_ids",
                     pn_ids_json(store_rows_text(rs, 6)), "indicators", ind != NULL ? ind : json_array());
}

static enum status action_load(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_ACTION_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such action");
    }
    if (st == STATUS_OK) {
        *out = action_json(rs);
    }
    store_rows_free(rs);
    return st;
}

static enum status indicators(const json_t *in, char **out)
{
    const json_t *a = json_object_get(in, "indicators");
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > PN_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, "indicators", "indicators must be an array of at most %d", PN_LIST_MAX);
    }
    json_t *res = json_array();
    enum status st = STATUS_OK;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        const char *name = "", *unit = "", *dir = "", *date = "";
        const json_t *base = json_object_get(v, "baseline"), *target = json_object_get(v, "target");
        if (!json_is_object(v)) {
            st = err_set_field(STATUS_INVALID, "indicators", "indicators[%zu] must be an object", i);
        }
        if (st == STATUS_OK) {
            st = util_json_text(v, "name", PN_TEXT_MAX, true, &name);
        }
        if (st == STATUS_OK) {
            st = util_json_text(v, "unit", PN_TEXT_MAX, false, &unit);
        }
        if (st == STATUS_OK) {
            st = util_json_text(v, "direction", 16, false, &dir);
        }
        if (st == STATUS_OK) {
            st = util_json_date(v, "target_date", false, &date);
        }
        if (st == STATUS_OK && dir[0] == '\0') {
            dir = "increase";
        }
        if (st == STATUS_OK && strcmp(dir, "increase") != 0 && strcmp(dir, "decrease") != 0) {
            st = err_set_field(STATUS_INVALID, "direction", "direction must be increase or decrease");
        }
        if (st == STATUS_OK && !json_is_number(target)) {
            st = err_set_field(STATUS_INVALID, "target", "target must be a number");
        }
        if (st == STATUS_OK && base != NULL && !json_is_null(base) && !json_is_number(base)) {
            st = err_set_field(STATUS_INVALID, "baseline", "baseline must be a number");
        }
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(res, json_pack("{sI ss ss sO sO ss ss}", "seq", (json_int_t)(i + 1), "name", name, "unit",
                                             unit, "baseline", base != NULL ? base : json_null(), "target", target,
                                             "direction", dir, "target_date", date));
    }
    if (st == STATUS_OK) {
        *out = json_dumps(res, JSON_COMPACT);
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    json_decref(res);
    return st;
}

static enum status bodies(const json_t *in, char **out)
{
    const json_t *a = json_object_get(in, "bodies");
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > PN_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, "bodies", "bodies must be an array of at most %d names", PN_LIST_MAX);
    }
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > PN_TEXT_MAX) {
            return err_set_field(STATUS_INVALID, "bodies", "bodies must be names of 1 to %d bytes", PN_TEXT_MAX);
        }
    }
    *out = a != NULL && !json_is_null(a) ? json_dumps(a, JSON_COMPACT) : strdup("[]");
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

enum status plan_action_add(const struct auth_ctx *ctx, int64_t nap_id, const json_t *in, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "add action to plan %lld", (long long)nap_id);
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, detail);
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "an action must be a JSON object");
    }
    json_t *nap = NULL;
    const char *title = "";
    char *paras = NULL, *bod = NULL, *agencies = NULL, *partners = NULL, *ind = NULL;
    st = nap_load(ctx, nap_id, NULL, &nap);
    json_decref(nap);
    if (st == STATUS_OK) {
        st = util_json_text(in, "title", PN_TEXT_MAX, true, &title);
    }
    if (st == STATUS_OK) {
        st = pn_codes(in, "paragraphs", NULL, pn_paragraph_ok, true, &paras);
    }
    if (st == STATUS_OK) {
        st = bodies(in, &bod);
    }
    if (st == STATUS_OK) {
        st = pn_agency_ids(ctx, in, "agency_ids", &agencies);
    }
    if (st == STATUS_OK) {
        st = pn_ids(in, "partner_ids", &partners);
    }
    if (st == STATUS_OK) {
        st = indicators(in, &ind);
    }
    int64_t id = vault_random_id();
    if (st == STATUS_OK) {
        struct sql_value v[] = {
            SQLV_I64(id),           SQLV_I64(nap_id), sqlv_text(title),
            sqlv_text(paras),       sqlv_text(bod),   sqlv_text(agencies),
            sqlv_text(partners),    sqlv_text(ind),   ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
            SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_PLAN_ACTION_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(paras);
    free(bod);
    free(agencies);
    free(partners);
    free(ind);
    if (st == STATUS_OK && out != NULL) {
        st = action_load(ctx, id, out);
    }
    return st;
}

/* The latest report of every action of plan nap_id with its period ending on or before at (""
 * : any): sets "latest_status" and "latest_period_to" on the actions of arr (objects with "id"). */
static enum status latest_statuses(const struct auth_ctx *ctx, int64_t nap_id, const char *at, json_t *arr)
{
    struct sql_value k[] = {SQLV_I64(nap_id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec(ctx->store, STMT_PLAN_PROGRESS_OF_NAP, k, 1, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        if (at[0] != '\0' && strcmp(store_rows_text(rs, 3), at) > 0) {
            continue;
        }
        size_t i;
        json_t *a;
        json_array_foreach(arr, i, a)
        {
            if (json_integer_value(json_object_get(a, "id")) == store_rows_i64(rs, 1)) {
                /* ordered by period end: the last one seen is the latest */
                json_object_set_new(a, "latest_status", json_string(store_rows_text(rs, 4)));
                json_object_set_new(a, "latest_period_to", json_string(store_rows_text(rs, 3)));
            }
        }
    }
    st = rows_done(st);
    store_rows_free(rs);
    size_t i;
    json_t *a;
    json_array_foreach(arr, i, a)
    {
        if (json_object_get(a, "latest_status") == NULL) {
            json_object_set_new(a, "latest_status", json_string("no_report"));
            json_object_set_new(a, "latest_period_to", json_null());
        }
    }
    return st;
}

static enum status actions_of(const struct auth_ctx *ctx, int64_t nap_id, const char *at, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(nap_id)};
    struct store_rows *rs = NULL;
    json_t *arr = json_array();
    enum status st = store_exec(ctx->store, STMT_PLAN_ACTION_LIST, k, 1, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_array_append_new(arr, action_json(rs));
    }
    st = rows_done(st);
    store_rows_free(rs);
    if (st == STATUS_OK) {
        st = latest_statuses(ctx, nap_id, at, arr);
    }
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status plan_action_list(const struct auth_ctx *ctx, int64_t nap_id, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "actions of plan %lld", (long long)nap_id);
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    json_t *nap = NULL;
    if (st == STATUS_OK) {
        st = nap_load(ctx, nap_id, NULL, &nap);
    }
    json_decref(nap);
    return st == STATUS_OK ? actions_of(ctx, nap_id, "", out) : st;
}

enum status plan_nap_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "national action plan %lld", (long long)id);
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    json_t *nap = NULL, *acts = NULL;
    if (st == STATUS_OK) {
        st = nap_load(ctx, id, NULL, &nap);
    }
    if (st == STATUS_OK) {
        st = actions_of(ctx, id, "", &acts);
    }
    if (st == STATUS_OK) {
        json_object_set_new(nap, "actions", acts);
        *out = nap;
    } else {
        json_decref(nap);
    }
    return st;
}

/* ---- progress ---- */

static enum status values(const json_t *in, const json_t *inds, char **out)
{
    const json_t *a = json_object_get(in, "values");
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > PN_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, "values", "values must be an array of at most %d", PN_LIST_MAX);
    }
    json_t *res = json_array();
    enum status st = STATUS_OK;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        int64_t seq = 0;
        const char *date = "";
        const json_t *value = json_object_get(v, "value");
        st = json_is_object(v) ? util_json_int(v, "indicator", 1, PN_LIST_MAX, 0, &seq)
                               : err_set_field(STATUS_INVALID, "values", "values[%zu] must be an object", i);
        if (st == STATUS_OK && (seq == 0 || (size_t)seq > json_array_size(inds))) {
            st = err_set_field(STATUS_INVALID, "indicator", "values[%zu]: the action has no indicator %lld", i,
                               (long long)seq);
        }
        if (st == STATUS_OK && !json_is_number(value)) {
            st = err_set_field(STATUS_INVALID, "value", "values[%zu]: value must be a number", i);
        }
        if (st == STATUS_OK) {
            st = util_json_date(v, "measured_on", true, &date);
        }
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(
            res, json_pack("{sI sO ss}", "indicator", (json_int_t)seq, "value", value, "measured_on", date));
    }
    if (st == STATUS_OK) {
        *out = json_dumps(res, JSON_COMPACT);
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    json_decref(res);
    return st;
}

static enum status progress_rows(const struct auth_ctx *ctx, int64_t action_id, int64_t only, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(action_id)};
    struct store_rows *rs = NULL;
    json_t *arr = json_array();
    enum status st = store_exec(ctx->store, STMT_PLAN_PROGRESS_LIST, k, 1, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        int64_t id = store_rows_i64(rs, 0);
        if (only != 0 && id != only) {
            continue;
        }
        json_t *narrative = NULL;
        st = vault_unseal_column_json(ctx->vault, rs, 6, "plan_nap_progress", "narrative_enc", id, &narrative);
        if (st != STATUS_OK) {
            break;
        }
        json_error_t e;
        json_t *vals = json_loads(store_rows_text(rs, 5), 0, &e);
        json_array_append_new(arr, json_pack("{sI sI ss ss ss so so}", "id", (json_int_t)id, "action_id",
                                             (json_int_t)action_id, "period_from", store_rows_text(rs, 2), "period_to",
                                             store_rows_text(rs, 3), "status", store_rows_text(rs, 4), "values",
                                             vals != NULL ? vals : json_array(), "narrative", narrative));
    }
    st = rows_done(st);
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status plan_progress_add(const struct auth_ctx *ctx, int64_t action_id, const json_t *in, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "progress report of action %lld", (long long)action_id);
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, detail);
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a progress report must be a JSON object");
    }
    json_t *action = NULL, *nap = NULL;
    const char *from = "", *to = "", *status = "", *narrative = "";
    char *vals = NULL;
    st = action_load(ctx, action_id, &action);
    if (st == STATUS_OK) {
        st = nap_load(ctx, json_integer_value(json_object_get(action, "nap_id")), NULL, &nap);
    }
    if (st == STATUS_OK) {
        st = pn_period(in, "period_from", "period_to", &from, &to);
    }
    if (st == STATUS_OK && (strcmp(from, json_string_value(json_object_get(nap, "period_from"))) < 0 ||
                            strcmp(to, json_string_value(json_object_get(nap, "period_to"))) > 0)) {
        st = err_set_field(STATUS_INVALID, "period_from", "the period must lie within the plan's period (%s to %s)",
                           json_string_value(json_object_get(nap, "period_from")),
                           json_string_value(json_object_get(nap, "period_to")));
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "status", 16, true, &status);
    }
    if (st == STATUS_OK && !util_in_list(status, plan_progress_statuses)) {
        st = err_set_field(STATUS_INVALID, "status",
                           "status must be not_started, on_track, delayed, completed or cancelled");
    }
    if (st == STATUS_OK) {
        st = values(in, json_object_get(action, "indicators"), &vals);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "narrative", PN_NOTE_MAX, false, &narrative);
    }
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(action_id), sqlv_text(from), sqlv_text(to)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_PLAN_PROGRESS_DUP, k, 3, &r);
        store_rows_free(r);
        st = st == STATUS_OK          ? err_set_field(STATUS_CONFLICT, "period_from",
                                                      "the action already has a report for %s to %s", from, to)
             : st == STATUS_NOT_FOUND ? STATUS_OK
                                      : st;
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value v[9];
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "plan_nap_progress", "narrative_enc", id, narrative, &sealed, &v[6]);
    }
    if (st == STATUS_OK) {
        v[0] = SQLV_I64(id);
        v[1] = SQLV_I64(action_id);
        v[2] = sqlv_text(from);
        v[3] = sqlv_text(to);
        v[4] = sqlv_text(status);
        v[5] = sqlv_text(vals);
        v[7] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[8] = SQLV_I64(util_now_ms());
        st = store_exec(ctx->store, STMT_PLAN_PROGRESS_INSERT, v, 9, NULL);
    }
    free(sealed);
    free(vals);
    json_decref(action);
    json_decref(nap);
    json_t *arr = NULL;
    if (st == STATUS_OK && out != NULL) {
        st = progress_rows(ctx, action_id, id, &arr);
    }
    if (st == STATUS_OK && out != NULL) {
        *out = json_incref(json_array_get(arr, 0));
    }
    json_decref(arr);
    return st;
}

enum status plan_progress_list(const struct auth_ctx *ctx, int64_t action_id, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "progress reports of action %lld", (long long)action_id);
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    json_t *action = NULL;
    if (st == STATUS_OK) {
        st = action_load(ctx, action_id, &action);
    }
    json_decref(action);
    return st == STATUS_OK ? progress_rows(ctx, action_id, 0, out) : st;
}

/* ---- the matrix ---- */

struct pillar_row {
    int64_t actions, by_status[NSTATUS], indicators, met;
};

/* The pillar index of a paragraph id (in plan_pillars order), -1 when unknown; the paragraph's
 * index in the data through *pi. */
static int pillar_of(const char *pid, size_t *pi)
{
    size_t n = 0, np = 0;
    const struct plan_paragraph *p = plan_data_paragraphs(&n);
    const char *const *pillars = plan_pillars(&np);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].id, pid) == 0) {
            *pi = i;
            for (size_t k = 0; k < np; k++) {
                if (strcmp(pillars[k], p[i].pillar) == 0) {
                    return (int)k;
                }
            }
        }
    }
    return -1;
}

/* Is the indicator met by the latest value measured on or before at among the reports of the
 * action (reports: the plan's progress rows as JSON {action_id, values})? */
static bool indicator_met(const json_t *ind, const json_t *reports, int64_t action_id, const char *at, json_t **latest)
{
    int64_t seq = json_integer_value(json_object_get(ind, "seq"));
    const char *best = NULL;
    double value = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(reports, i, r)
    {
        if (json_integer_value(json_object_get(r, "action_id")) != action_id) {
            continue;
        }
        size_t j;
        const json_t *v;
        json_array_foreach(json_object_get(r, "values"), j, v)
        {
            const char *d = json_string_value(json_object_get(v, "measured_on"));
            if (json_integer_value(json_object_get(v, "indicator")) == seq && d != NULL && strcmp(d, at) <= 0 &&
                (best == NULL || strcmp(d, best) >= 0)) {
                best = d;
                value = json_number_value(json_object_get(v, "value"));
            }
        }
    }
    *latest = best != NULL ? json_real(value) : json_null();
    if (best == NULL) {
        return false;
    }
    double target = json_number_value(json_object_get(ind, "target"));
    const char *dir = json_string_value(json_object_get(ind, "direction"));
    return dir != NULL && strcmp(dir, "decrease") == 0 ? value <= target : value >= target;
}

/* The matrix of one plan at date at, without a check: rows per pillar (np of them) and actions
 * per paragraph (n of them) are added to. */
static enum status matrix_compute(const struct auth_ctx *ctx, int64_t nap_id, const char *at, struct pillar_row *rows,
                                  int64_t *per_para, json_t **actions_out)
{
    json_t *acts = NULL, *reports = json_array();
    enum status st = actions_of(ctx, nap_id, at, &acts);
    struct sql_value k[] = {SQLV_I64(nap_id)};
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PLAN_PROGRESS_OF_NAP, k, 1, &rs);
    }
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_error_t e;
        json_t *vals = json_loads(store_rows_text(rs, 5), 0, &e);
        json_array_append_new(reports, json_pack("{sI so}", "action_id", (json_int_t)store_rows_i64(rs, 1), "values",
                                                 vals != NULL ? vals : json_array()));
    }
    st = rows_done(st);
    store_rows_free(rs);
    size_t i;
    json_t *a;
    json_array_foreach(acts, i, a)
    {
        if (st != STATUS_OK) {
            break;
        }
        int s = status_index(json_string_value(json_object_get(a, "latest_status")));
        int64_t n_ind = 0, n_met = 0;
        size_t j;
        json_t *ind;
        json_array_foreach(json_object_get(a, "indicators"), j, ind)
        {
            json_t *latest = NULL;
            bool met = indicator_met(ind, reports, json_integer_value(json_object_get(a, "id")), at, &latest);
            json_object_set_new(ind, "latest_value", latest);
            json_object_set_new(ind, "met", json_boolean(met));
            n_ind++;
            n_met += met;
        }
        bool seen[8] = {false};
        json_t *p;
        json_array_foreach(json_object_get(a, "paragraphs"), j, p)
        {
            size_t pi = 0;
            int k2 = pillar_of(json_string_value(p), &pi);
            if (k2 < 0 || k2 >= 8) {
                continue;
            }
            per_para[pi]++;
            if (!seen[k2]) {
                seen[k2] = true;
                rows[k2].actions++;
                rows[k2].by_status[s]++;
                rows[k2].indicators += n_ind;
                rows[k2].met += n_met;
            }
        }
    }
    json_decref(reports);
    if (st == STATUS_OK && actions_out != NULL) {
        *actions_out = acts;
    } else {
        json_decref(acts);
    }
    return st;
}

static json_t *pillar_json(const char *pillar, const struct pillar_row *r)
{
    json_t *by = json_object();
    for (int s = 0; s < NSTATUS; s++) {
        json_object_set_new(by, matrix_statuses[s], json_integer(r->by_status[s]));
    }
    double share = r->actions > 0 ? round(1000.0 * (double)r->by_status[3] / (double)r->actions) / 1000.0 : 0.0;
    return json_pack("{ss sI so sI sI sf}", "pillar", pillar, "actions", (json_int_t)r->actions, "by_status", by,
                     "indicators", (json_int_t)r->indicators, "indicators_met", (json_int_t)r->met, "share_completed",
                     share);
}

enum status plan_nap_matrix(const struct auth_ctx *ctx, int64_t nap_id, const char *at, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "progress matrix of plan %lld", (long long)nap_id);
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    const char *d = at != NULL && at[0] != '\0' ? at : today;
    if (!util_date_valid(d)) {
        return err_set_field(STATUS_INVALID, "at", "at must be a date YYYY-MM-DD");
    }
    json_t *nap = NULL, *acts = NULL;
    st = nap_load(ctx, nap_id, NULL, &nap);
    size_t n = 0, np = 0;
    const struct plan_paragraph *paras = plan_data_paragraphs(&n);
    const char *const *pillars = plan_pillars(&np);
    struct pillar_row rows[8] = {0};
    int64_t *per_para = calloc(n > 0 ? n : 1, sizeof *per_para);
    if (st == STATUS_OK && per_para == NULL) {
        st = err_set(STATUS_IO, "out of memory");
    }
    if (st == STATUS_OK) {
        st = matrix_compute(ctx, nap_id, d, rows, per_para, &acts);
    }
    if (st == STATUS_OK) {
        json_t *pl = json_array(), *pp = json_array(), *gaps = json_array(), *sts = json_array();
        struct pillar_row total = {0};
        for (size_t k = 0; k < np && k < 8; k++) {
            json_array_append_new(pl, pillar_json(pillars[k], &rows[k]));
        }
        for (int s = 0; s < NSTATUS; s++) {
            json_array_append_new(sts, json_string(matrix_statuses[s]));
        }
        size_t i;
        json_t *a;
        json_array_foreach(acts, i, a)
        {
            total.actions++;
            total.by_status[status_index(json_string_value(json_object_get(a, "latest_status")))]++;
            size_t j;
            json_t *ind;
            json_array_foreach(json_object_get(a, "indicators"), j, ind)
            {
                total.indicators++;
                total.met += json_is_true(json_object_get(ind, "met"));
            }
        }
        for (size_t i2 = 0; i2 < n; i2++) {
            json_array_append_new(pp,
                                  json_pack("{ss ss sI sI}", "id", paras[i2].id, "pillar", paras[i2].pillar, "number",
                                            (json_int_t)paras[i2].number, "actions", (json_int_t)per_para[i2]));
            if (per_para[i2] == 0) {
                json_array_append_new(gaps, json_string(paras[i2].id));
            }
        }
        json_object_set_new(nap, "at", json_string(d));
        json_object_set_new(nap, "statuses", sts);
        json_object_set_new(nap, "pillars", pl);
        json_object_set_new(nap, "total", pillar_json("all", &total));
        json_object_set_new(nap, "paragraphs", pp);
        json_object_set_new(nap, "gaps", gaps);
        json_object_set_new(nap, "actions", acts);
        acts = NULL;
        *out = nap;
        nap = NULL;
    }
    json_decref(acts);
    json_decref(nap);
    free(per_para);
    return st;
}

enum status plan_nap_figures(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out)
{
    if (!util_date_valid(from) || !util_date_valid(to) || strcmp(to, from) < 0) {
        return err_set_field(STATUS_INVALID, "from", "from and to must be dates YYYY-MM-DD, to not before from");
    }
    size_t n = 0, np = 0;
    const struct plan_paragraph *paras = plan_data_paragraphs(&n);
    const char *const *pillars = plan_pillars(&np);
    struct pillar_row rows[8] = {0};
    int64_t *per_para = calloc(n > 0 ? n : 1, sizeof *per_para);
    if (per_para == NULL) {
        return err_set(STATUS_IO, "out of memory");
    }
    struct sql_value k[] = {sqlv_text(from), sqlv_text(to)};
    struct store_rows *rs = NULL;
    int64_t *ids = NULL;
    size_t nids = 0, cap = 0;
    json_t *countries = json_array(), *by = json_object();
    enum status st = store_exec(ctx->store, STMT_PLAN_NAP_OVERLAP, k, 2, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        if (nids == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *t = realloc(ids, cap * sizeof *t);
            if (t == NULL) {
                st = err_set(STATUS_IO, "out of memory");
                break;
            }
            ids = t;
        }
        ids[nids++] = store_rows_i64(rs, 0);
        const char *c = store_rows_text(rs, 1);
        bool seen = false;
        size_t i;
        json_t *v;
        json_array_foreach(countries, i, v)
        {
            seen = seen || strcmp(json_string_value(v), c) == 0;
        }
        if (!seen) {
            json_array_append_new(countries, json_string(c));
        }
    }
    st = rows_done(st);
    store_rows_free(rs);
    rs = NULL;
    for (size_t i = 0; st == STATUS_OK && i < nids; i++) {
        st = matrix_compute(ctx, ids[i], to, rows, per_para, NULL);
    }
    int64_t reports = 0;
    for (int s = 0; s < NSTATUS - 1; s++) {
        json_object_set_new(by, matrix_statuses[s], json_integer(0));
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PLAN_PROGRESS_IN_PERIOD, k, 2, &rs);
    }
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        const char *s = store_rows_text(rs, 1);
        json_object_set_new(by, s, json_integer(json_integer_value(json_object_get(by, s)) + 1));
        reports++;
    }
    st = rows_done(st);
    store_rows_free(rs);
    if (st == STATUS_OK) {
        json_t *pl = json_array(), *gaps = json_array();
        int64_t actions = 0, covered = 0;
        for (size_t p = 0; p < np && p < 8; p++) {
            json_array_append_new(
                pl, json_pack("{ss sI sI sI sI}", "pillar", pillars[p], "actions", (json_int_t)rows[p].actions,
                              "completed", (json_int_t)rows[p].by_status[3], "indicators",
                              (json_int_t)rows[p].indicators, "indicators_met", (json_int_t)rows[p].met));
        }
        for (size_t i = 0; i < n; i++) {
            if (per_para[i] > 0) {
                covered++;
            } else {
                json_array_append_new(gaps, json_string(paras[i].id));
            }
        }
        for (size_t i = 0; i < nids; i++) {
            struct sql_value a[] = {SQLV_I64(ids[i])};
            struct store_rows *r2 = NULL;
            st = store_exec(ctx->store, STMT_PLAN_ACTION_LIST, a, 1, &r2);
            while (st == STATUS_OK && (st = store_rows_next(r2)) == STATUS_OK) {
                actions++;
            }
            st = rows_done(st);
            store_rows_free(r2);
            if (st != STATUS_OK) {
                break;
            }
        }
        *out =
            json_pack("{ss ss sI sO sI sI sO so sI so}", "from", from, "to", to, "plans", (json_int_t)nids, "countries",
                      countries, "actions", (json_int_t)actions, "reports", (json_int_t)reports, "reports_by_status",
                      by, "pillars", pl, "paragraphs_covered", (json_int_t)covered, "gaps", gaps);
        if (st != STATUS_OK) {
            json_decref(*out);
            *out = NULL;
        }
    }
    json_decref(countries);
    json_decref(by);
    free(ids);
    free(per_para);
    return st;
}
