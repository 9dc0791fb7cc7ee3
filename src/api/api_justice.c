/* api_justice: the justice routes (issue 5, part J1; src/justice): investigations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "justice/investigation.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct justice_args {
    int64_t id;
    int64_t version;
    struct investigation_input in;
    struct investigation_filter f;
    struct investigation v;
    struct investigation *list;
    size_t count;
};

static void justice_args_free(struct justice_args *a)
{
    investigation_clear(&a->v);
    investigations_free(a->list, a->count);
}

static void inv_respond(struct http_request *req, enum status st, unsigned ok, struct justice_args *a)
{
    if (st == STATUS_OK) {
        http_response_etag(req, a->v.version);
    }
    api__respond(req, st, ok, st == STATUS_OK ? investigation_to_json(&a->v) : NULL);
    justice_args_free(a);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    return investigation_list(ctx, &a->f, &a->list, &a->count);
}

void api_investigations_list(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    a.f.status = http_request_query(req, "status");
    enum status st = http_request_page(req, &a.f.limit, &a.f.offset);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, investigation_to_json(&a.list[i]));
        }
        o = api__items(arr);
        json_object_set_new(o, "limit", json_integer(a.f.limit));
        json_object_set_new(o, "offset", json_integer(a.f.offset));
    }
    api__respond(req, st, 200, o);
    justice_args_free(&a);
}

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    enum status st = investigation_create(ctx, &a->in, &a->id);
    return st == STATUS_OK ? investigation_get(ctx, a->id, &a->v) : st;
}

void api_investigations_create(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = investigation_input_from_json(&a.in, http_request_json(req));
    if (st == STATUS_OK && a.in.status != NULL) {
        st = err_set_field(STATUS_INVALID, "status", "status: a new investigation is open");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_create, &a);
    }
    inv_respond(req, st, 201, &a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    return investigation_get(ctx, a->id, &a->v);
}

void api_investigation_get(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    inv_respond(req, st, 200, &a);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    enum status st = investigation_update(ctx, a->id, a->version, &a->in);
    return st == STATUS_OK ? investigation_get(ctx, a->id, &a->v) : st;
}

void api_investigation_patch(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = investigation_input_from_json(&a.in, http_request_json(req));
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_update, &a);
    }
    inv_respond(req, st, 200, &a);
}
