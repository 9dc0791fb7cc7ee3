/* api_plan_ratify: the ratification register (issue 9, part R; src/plan/ratify.h):
 * GET /api/v1/plan/ratifications (?state=&instrument=), GET and PUT (If-Match)
 * /api/v1/plan/ratifications/{state}/{instrument}, POST /api/v1/plan/ratifications/import
 * (?name=FILE.csv, the CSV file as the body), GET /api/v1/plan/coverage (?instrument=&by=). */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "http/http.h"
#include "plan/ratify.h"

enum rop { R_LIST, R_GET, R_SET, R_IMPORT, R_COVERAGE };

struct rargs {
    enum rop op;
    const char *state, *instrument, *by, *name, *text;
    size_t len;
    const json_t *in;
    int64_t version;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct rargs *a = p;
    switch (a->op) {
    case R_LIST: return plan_ratify_list(ctx, a->state, a->instrument, &a->out);
    case R_GET: return plan_ratify_get(ctx, a->state, a->instrument, &a->out);
    case R_SET: return plan_ratify_set(ctx, a->state, a->instrument, a->in, a->version, &a->out);
    case R_IMPORT: return plan_ratify_import_csv(ctx, a->name, a->text, a->len, &a->out);
    case R_COVERAGE: return plan_ratify_coverage(ctx, a->instrument, a->by, &a->out);
    }
    return STATUS_INVALID;
}

static const char *q(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static void finish(struct http_request *req, struct rargs *a, enum status st, unsigned ok)
{
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        body = a->out;
        a->out = NULL;
        json_t *v = json_object_get(body, "version");
        if (a->op != R_LIST && json_is_integer(v)) {
            http_response_etag(req, json_integer_value(v));
        }
    }
    json_decref(a->out);
    api__respond(req, st, ok, body);
}

void api_plan_ratifications(struct http_request *req, void *app)
{
    (void)app;
    struct rargs a = {.op = R_LIST, .state = q(req, "state"), .instrument = q(req, "instrument")};
    finish(req, &a, STATUS_OK, 200);
}

void api_plan_ratification_get(struct http_request *req, void *app)
{
    (void)app;
    struct rargs a = {
        .op = R_GET, .state = http_request_param(req, "state"), .instrument = http_request_param(req, "instrument")};
    finish(req, &a, STATUS_OK, 200);
}

/* PUT: without If-Match the entry must be new (412 when it exists); with it, the version read. */
void api_plan_ratification_put(struct http_request *req, void *app)
{
    (void)app;
    struct rargs a = {.op = R_SET,
                      .state = http_request_param(req, "state"),
                      .instrument = http_request_param(req, "instrument"),
                      .in = http_request_json(req)};
    enum status st = api__if_match(req, &a.version);
    if (st == STATUS_PRECONDITION) {
        a.version = 0;
        st = STATUS_OK;
    }
    finish(req, &a, st, 200);
}

/* POST /api/v1/plan/ratifications/import?name=ratifications.csv with the CSV file as the body. */
void api_plan_ratification_import(struct http_request *req, void *app)
{
    (void)app;
    struct rargs a = {.op = R_IMPORT, .name = q(req, "name")};
    a.text = http_request_body(req, &a.len);
    enum status st = STATUS_OK;
    if (a.name != NULL && (strlen(a.name) > 100 || strchr(a.name, '/') != NULL)) {
        st = err_set_field(STATUS_INVALID, "name", "name: a file name of at most 100 bytes, without '/'");
    }
    if (st == STATUS_OK && (a.text == NULL || a.len == 0)) {
        st = err_set(STATUS_INVALID, "the body must be the CSV file");
    }
    finish(req, &a, st, 201);
}

void api_plan_coverage(struct http_request *req, void *app)
{
    (void)app;
    struct rargs a = {.op = R_COVERAGE, .instrument = q(req, "instrument"), .by = q(req, "by")};
    finish(req, &a, STATUS_OK, 200);
}
