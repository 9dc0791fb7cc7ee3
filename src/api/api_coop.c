/* api_coop: international cooperation requests (justice.read / justice.write). See
 * src/justice/coop.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "justice/coop.h"
#include "util/limits.h"
#include "util/util.h"

struct coop_args {
    int64_t id, version, from, to;
    const json_t *in;
    struct coop_filter f;
    json_t *out;
};

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    return coop_get(ctx, a->id, &a->out);
}

static void respond_one(struct http_request *req, enum status st, unsigned ok, struct coop_args *a)
{
    if (st == STATUS_OK) {
        http_response_etag(req, json_integer_value(json_object_get(a->out, "version")));
    }
    api__respond(req, st, ok, st == STATUS_OK ? a->out : NULL);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    enum status st = coop_add(ctx, a->in, &a->id);
    return st == STATUS_OK ? coop_get(ctx, a->id, &a->out) : st;
}

void api_coop_create(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    a.in = http_request_json(req);
    enum status st = auth_run(api__ctx(req), op_add, &a);
    respond_one(req, st, 201, &a);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    return coop_list(ctx, &a->f, &a->out);
}

void api_coop_list(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    a.f.direction = http_request_query(req, "direction");
    a.f.kind = http_request_query(req, "kind");
    a.f.status = http_request_query(req, "status");
    const char *ov = http_request_query(req, "overdue");
    a.f.overdue = ov != NULL && (strcmp(ov, "1") == 0 || strcmp(ov, "true") == 0);
    enum status st = http_request_page(req, &a.f.limit, &a.f.offset);
    if (st == STATUS_OK) {
        st = api__query_id(req, "investigation_id", &a.f.investigation_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = api__items(a.out);
        json_object_set_new(o, "limit", json_integer(a.f.limit));
        json_object_set_new(o, "offset", json_integer(a.f.offset));
    }
    api__respond(req, st, 200, o);
}

void api_coop_get(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    respond_one(req, st, 200, &a);
}

static enum status op_patch(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    enum status st = coop_update(ctx, a->id, a->version, a->in);
    return st == STATUS_OK ? coop_get(ctx, a->id, &a->out) : st;
}

void api_coop_patch(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    a.in = http_request_json(req);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_patch, &a);
    }
    respond_one(req, st, 200, &a);
}

static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    enum status st = coop_status_set(ctx, a->id, a->version, a->in);
    return st == STATUS_OK ? coop_get(ctx, a->id, &a->out) : st;
}

void api_coop_status(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    a.in = http_request_json(req);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK && http_request_header(req, "If-Match") != NULL) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_status, &a);
    }
    respond_one(req, st, 200, &a);
}

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct coop_args *a = p;
    return coop_stats(ctx, a->from, a->to, &a->out);
}

void api_coop_stats(struct http_request *req, void *app)
{
    (void)app;
    struct coop_args a = {0};
    enum status st = STATUS_OK;
    const char *from = http_request_query(req, "from"), *to = http_request_query(req, "to");
    if (from != NULL && from[0] != '\0' && util_time_parse(&a.from, from) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "from", "from: a date (YYYY-MM-DD)");
    }
    if (st == STATUS_OK && to != NULL && to[0] != '\0' && util_time_parse_end(&a.to, to) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "to", "to: a date (YYYY-MM-DD)");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_stats, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
}
