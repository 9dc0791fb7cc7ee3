/* api_assets: asset orders against an investigation, their transitions and allocations to
 * compensation claims, and the totals (issue 5, part J5; src/justice/assets.h). */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "justice/assets.h"

struct asset_args {
    int64_t inv_id, id, version, sub;
    const json_t *in;
    const char *from, *to;
    json_t *out;
};

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    return asset_list(ctx, a->inv_id, &a->out);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    return asset_get(ctx, a->inv_id, a->id, &a->out);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    enum status st = asset_add(ctx, a->inv_id, a->in, &a->id);
    return st == STATUS_OK ? asset_get(ctx, a->inv_id, a->id, &a->out) : st;
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    enum status st = asset_update(ctx, a->inv_id, a->id, a->version, a->in);
    return st == STATUS_OK ? asset_get(ctx, a->inv_id, a->id, &a->out) : st;
}

static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    enum status st = asset_status_set(ctx, a->inv_id, a->id, a->version, a->in);
    return st == STATUS_OK ? asset_get(ctx, a->inv_id, a->id, &a->out) : st;
}

static enum status op_allocations(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    return asset_allocations(ctx, a->inv_id, a->id, &a->out);
}

static enum status op_allocate(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    enum status st = asset_allocate(ctx, a->inv_id, a->id, a->in, &a->sub);
    return st == STATUS_OK ? asset_get(ctx, a->inv_id, a->id, &a->out) : st;
}

static enum status op_claim_allocations(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    return asset_claim_allocations(ctx, a->inv_id, a->id, &a->out);
}

static enum status op_totals(const struct auth_ctx *ctx, void *p)
{
    struct asset_args *a = p;
    return asset_totals(ctx, a->from, a->to, &a->out);
}

/* Reads {id}, {sub_id} when want_sub, and If-Match when want_version; runs op. */
static void run(struct http_request *req, bool want_sub, bool want_version, bool items,
                enum status (*op)(const struct auth_ctx *, void *), unsigned ok)
{
    struct asset_args a = {0};
    a.in = http_request_json(req);
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK && want_sub) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK && want_version) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op, &a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        if (items) {
            body = api__items(a.out);
        } else {
            body = a.out;
            http_response_etag(req, json_integer_value(json_object_get(a.out, "version")));
        }
        a.out = NULL;
    }
    json_decref(a.out);
    api__respond(req, st, ok, body);
}

void api_assets_list(struct http_request *req, void *app)
{
    (void)app;
    run(req, false, false, true, op_list, 200);
}

void api_asset_add(struct http_request *req, void *app)
{
    (void)app;
    run(req, false, false, false, op_add, 201);
}

void api_asset_get(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, false, false, op_get, 200);
}

void api_asset_patch(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, true, false, op_update, 200);
}

void api_asset_status(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, false, false, op_status, 200);
}

void api_asset_allocations(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, false, true, op_allocations, 200);
}

void api_asset_allocate(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, false, false, op_allocate, 201);
}

/* GET /api/v1/cases/{id}/legal/compensation/{sub_id}/allocations: the claim side. */
void api_case_claim_allocations(struct http_request *req, void *app)
{
    (void)app;
    run(req, true, false, true, op_claim_allocations, 200);
}

void api_asset_totals(struct http_request *req, void *app)
{
    (void)app;
    struct asset_args a = {0};
    a.from = http_request_query(req, "from");
    a.to = http_request_query(req, "to");
    enum status st = auth_run(api__ctx(req), op_totals, &a);
    json_t *body = NULL;
    if (st == STATUS_OK) {
        body = api__items(a.out);
        a.out = NULL;
    }
    json_decref(a.out);
    api__respond(req, st, 200, body);
}
