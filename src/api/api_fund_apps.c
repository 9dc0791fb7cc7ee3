/* api_fund_apps: the Trust Fund's board, conflicts, calls, organisations, applications, reviews
 * and decisions (issue 8, part A). See src/fund/board.h, calls.h and applications.h. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "fund/applications.h"
#include "fund/board.h"
#include "fund/calls.h"

enum fa_op {
    FA_BOARD,
    FA_BOARD_ADD,
    FA_BOARD_END,
    FA_SETTINGS,
    FA_SETTINGS_SET,
    FA_CONFLICTS,
    FA_CONFLICT_ADD,
    FA_CALLS,
    FA_CALL_ADD,
    FA_CALL_GET,
    FA_CALL_OPEN,
    FA_CALL_CLOSE,
    FA_ORG_GET,
    FA_ORG_SET,
    FA_APPS,
    FA_APP_ADD,
    FA_APP_GET,
    FA_APP_SAVE,
    FA_APP_SUBMIT,
    FA_REVIEWS,
    FA_REVIEW_ADD,
    FA_QUEUE,
    FA_DECIDE
};

struct fa_args {
    enum fa_op op;
    int64_t id, version, q_id;
    const json_t *in;
    const char *text;
    json_t *out;
};

static enum status settings_set(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    /* the permission before the input (403 before 400) */
    enum status st = STATUS_OK;
    const char *key;
    json_t *v;
    bool any = false;
    json_object_foreach((json_t *)in, key, v)
    {
        if (st == STATUS_OK) {
            st = fund_app_setting_put(ctx, key, json_is_integer(v) ? json_integer_value(v) : -1);
            any = true;
        }
    }
    if (st == STATUS_OK && !any) {
        st = fund_app_setting_put(ctx, "", 0);
    }
    return st == STATUS_OK ? fund_app_settings(ctx, out) : st;
}

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct fa_args *a = p;
    switch (a->op) {
    case FA_BOARD: return fund_trustee_list(ctx, &a->out);
    case FA_BOARD_ADD: return fund_trustee_add(ctx, a->in, &a->out);
    case FA_BOARD_END: return fund_trustee_end(ctx, a->id, json_string_value(json_object_get(a->in, "date")), &a->out);
    case FA_SETTINGS: return fund_app_settings(ctx, &a->out);
    case FA_SETTINGS_SET: return settings_set(ctx, a->in, &a->out);
    case FA_CONFLICTS: return fund_conflict_list(ctx, a->q_id, &a->out);
    case FA_CONFLICT_ADD: return fund_conflict_add(ctx, a->in, &a->out);
    case FA_CALLS: return fund_call_list(ctx, &a->out);
    case FA_CALL_ADD: return fund_call_add(ctx, a->in, &a->out);
    case FA_CALL_GET: return fund_call_get(ctx, a->id, &a->out);
    case FA_CALL_OPEN: return fund_call_open(ctx, a->id, &a->out);
    case FA_CALL_CLOSE: return fund_call_close(ctx, a->id, &a->out);
    case FA_ORG_GET: return fund_org_get(ctx, a->id, &a->out);
    case FA_ORG_SET: return fund_org_set(ctx, a->id, a->version, a->in, &a->out);
    case FA_APPS: return fund_application_list(ctx, a->q_id, a->text, &a->out);
    case FA_APP_ADD: return fund_application_save(ctx, 0, 0, a->in, &a->out);
    case FA_APP_GET: return fund_application_get(ctx, a->id, &a->out);
    case FA_APP_SAVE: return fund_application_save(ctx, a->id, a->version, a->in, &a->out);
    case FA_APP_SUBMIT: return fund_application_submit(ctx, a->id, a->version, &a->out);
    case FA_REVIEWS: return fund_review_list(ctx, a->id, &a->out);
    case FA_REVIEW_ADD: return fund_review_add(ctx, a->id, a->in, &a->out);
    case FA_QUEUE: return fund_review_queue(ctx, &a->out);
    case FA_DECIDE: return fund_decide(ctx, a->id, a->in, &a->out);
    }
    return STATUS_INVALID;
}

/* Runs op: path id when with_id, If-Match when if_match; a list answers {items}; a record with a
 * version sends its ETag. */
static void fa_handle(struct http_request *req, enum fa_op op, bool with_id, bool if_match, unsigned ok)
{
    struct fa_args a = {.op = op, .in = http_request_json(req)};
    enum status st = with_id ? api__path_id(req, &a.id) : STATUS_OK;
    if (st == STATUS_OK && if_match) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK && (op == FA_CONFLICTS || op == FA_APPS)) {
        st = api__query_id(req, op == FA_CONFLICTS ? "trustee_id" : "call_id", &a.q_id);
        a.text = http_request_query(req, "status");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    if (st == STATUS_OK && json_is_array(a.out)) {
        a.out = api__items(a.out);
    } else if (st == STATUS_OK && json_is_integer(json_object_get(a.out, "version"))) {
        http_response_etag(req, json_integer_value(json_object_get(a.out, "version")));
    }
    api__respond(req, st, ok, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
}

void api_fund_board(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_BOARD, false, false, 200);
}
void api_fund_board_add(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_BOARD_ADD, false, false, 201);
}
void api_fund_board_end(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_BOARD_END, true, false, 200);
}
void api_fund_board_settings(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_SETTINGS, false, false, 200);
}
void api_fund_board_settings_set(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_SETTINGS_SET, false, false, 200);
}
void api_fund_conflicts(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CONFLICTS, false, false, 200);
}
void api_fund_conflict_add(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CONFLICT_ADD, false, false, 201);
}
void api_fund_calls(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CALLS, false, false, 200);
}
void api_fund_call_add(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CALL_ADD, false, false, 201);
}
void api_fund_call_get(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CALL_GET, true, false, 200);
}
void api_fund_call_open(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CALL_OPEN, true, false, 200);
}
void api_fund_call_close(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_CALL_CLOSE, true, false, 200);
}
void api_fund_org_get(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_ORG_GET, true, false, 200);
}
void api_fund_org_put(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_ORG_SET, true, true, 200);
}
void api_fund_applications(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_APPS, false, false, 200);
}
void api_fund_application_add(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_APP_ADD, false, false, 201);
}
void api_fund_application_get(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_APP_GET, true, false, 200);
}
void api_fund_application_put(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_APP_SAVE, true, true, 200);
}
void api_fund_application_submit(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_APP_SUBMIT, true, true, 200);
}
void api_fund_application_reviews(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_REVIEWS, true, false, 200);
}
void api_fund_application_review_add(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_REVIEW_ADD, true, false, 201);
}
void api_fund_review_queue(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_QUEUE, false, false, 200);
}
void api_fund_application_decision(struct http_request *req, void *app)
{
    (void)app;
    fa_handle(req, FA_DECIDE, true, false, 201);
}
