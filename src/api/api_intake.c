/* api_intake: the public tip routes (no login: the form's token, and a tip answered only by its
 * reference) and the helpline and triage routes (intake.triage). See src/referral/intake.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "referral/intake.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct intake_args {
    int64_t id;
    int64_t case_id;
    struct intake_input in;
    struct intake_settings settings;
    char token[INTAKE_TOKEN_BYTES];
    char reference[INTAKE_REFERENCE_BYTES];
    const char *state;
    const char *reason;
    int64_t limit, offset;
    struct intake_tip tip;
    struct intake_tip *list;
    size_t count;
};

static void intake_args_free(struct intake_args *a)
{
    intake_tip_clear(&a->tip);
    intake_tips_free(a->list, a->count);
}

/* Public. */

static enum status op_settings(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    return intake_settings_get(ctx, &a->settings);
}

/* The public principal: no permissions; named "public" in the audit. */
static void public_ctx(struct http_request *req, struct auth_principal *pub, struct auth_ctx *ctx)
{
    memset(pub, 0, sizeof *pub);
    snprintf(pub->username, sizeof pub->username, "public");
    *ctx = *api__ctx(req);
    ctx->who = pub;
}

void api_public_tip_form(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    struct auth_principal pub;
    struct auth_ctx ctx;
    public_ctx(req, &pub, &ctx);
    enum status st = auth_run(&ctx, op_settings, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        intake_form_token(ctx.vault, util_now_ms(), a.token);
        o = json_pack("{ssss}", "form_token", a.token, "helpline", a.settings.helpline);
        http_response_header(req, "Cache-Control", "no-store");
    }
    api__respond(req, st, 200, o);
}

void api_public_tip_submit(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    struct auth_principal pub;
    struct auth_ctx ctx;
    public_ctx(req, &pub, &ctx);
    enum status st = intake_input_from_json(&a.in, http_request_json(req), true);
    if (st == STATUS_OK) {
        st = intake_submit_public(&ctx, &a.in, a.reference);
    }
    /* Only the reference: never an id, a state or another record. */
    api__respond(req, st, 201, st == STATUS_OK ? json_pack("{ss}", "reference", a.reference) : NULL);
}

/* Helpline and triage. */

static enum status op_record(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    enum status st = intake_tip_record(ctx, &a->in, &a->id);
    return st == STATUS_OK ? intake_tip_get(ctx, a->id, &a->tip) : st;
}

static void tip_respond(struct http_request *req, enum status st, unsigned ok, struct intake_args *a)
{
    if (st == STATUS_OK) {
        http_response_etag(req, a->tip.version);
    }
    api__respond(req, st, ok, st == STATUS_OK ? intake_tip_to_json(&a->tip) : NULL);
    intake_args_free(a);
}

void api_intake_tip_record(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    enum status st = intake_input_from_json(&a.in, http_request_json(req), false);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_record, &a);
    }
    tip_respond(req, st, 201, &a);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    return intake_tip_list(ctx, a->state, a->limit, a->offset, &a->list, &a->count);
}

void api_intake_tips(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    a.state = http_request_query(req, "state");
    enum status st = http_request_page(req, &a.limit, &a.offset);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, intake_tip_to_json(&a.list[i]));
        }
        o = api__items(arr);
        json_object_set_new(o, "limit", json_integer(a.limit));
        json_object_set_new(o, "offset", json_integer(a.offset));
    }
    api__respond(req, st, 200, o);
    intake_args_free(&a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    return intake_tip_get(ctx, a->id, &a->tip);
}

void api_intake_tip_get(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    tip_respond(req, st, 200, &a);
}

static enum status op_triage(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    enum status st = intake_tip_triage(ctx, a->id);
    return st == STATUS_OK ? intake_tip_get(ctx, a->id, &a->tip) : st;
}

void api_intake_tip_triage(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_triage, &a);
    }
    tip_respond(req, st, 200, &a);
}

static enum status op_dismiss(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    enum status st = intake_tip_dismiss(ctx, a->id, a->reason);
    return st == STATUS_OK ? intake_tip_get(ctx, a->id, &a->tip) : st;
}

void api_intake_tip_dismiss(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = http_json_string(http_request_json(req), "reason", true, 64, &a.reason);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_dismiss, &a);
    }
    tip_respond(req, st, 200, &a);
}

static enum status op_convert(const struct auth_ctx *ctx, void *p)
{
    struct intake_args *a = p;
    enum status st = intake_tip_convert(ctx, a->id, &a->case_id);
    return st == STATUS_OK ? intake_tip_get(ctx, a->id, &a->tip) : st;
}

void api_intake_tip_convert(struct http_request *req, void *app)
{
    (void)app;
    struct intake_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_convert, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "case_id", json_integer(a.case_id));
        json_object_set_new(o, "tip", intake_tip_to_json(&a.tip));
    }
    api__respond(req, st, 201, o);
    intake_args_free(&a);
}
