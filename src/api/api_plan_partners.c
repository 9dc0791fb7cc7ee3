/* api_plan_partners: partnerships under the Plan (issue 9, part R; src/plan/partners.h):
 * GET, POST /api/v1/plan/partners (?type=&country=), GET /api/v1/plan/partners/{id};
 * GET, POST /api/v1/plan/agreements (?partner_id=); GET, POST /api/v1/plan/assistance
 * (?status=&state=), GET /api/v1/plan/assistance/{id}, POST /api/v1/plan/assistance/{id}/status
 * (If-Match optional), POST /api/v1/plan/assistance/{id}/deliveries. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "http/http.h"
#include "plan/partners.h"

enum pop {
    P_PARTNERS,
    P_PARTNER_ADD,
    P_PARTNER_GET,
    P_AGREEMENTS,
    P_AGREEMENT_ADD,
    P_TA,
    P_TA_ADD,
    P_TA_GET,
    P_TA_STATUS,
    P_TA_DELIVER
};

struct pargs {
    enum pop op;
    int64_t id, version;
    const char *a, *b;
    const json_t *in;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct pargs *x = p;
    enum status st = STATUS_INVALID;
    int64_t sub = 0;
    switch (x->op) {
    case P_PARTNERS: return plan_partner_list(ctx, x->a, x->b, &x->out);
    case P_PARTNER_ADD: return plan_partner_add(ctx, x->in, &x->id, &x->out);
    case P_PARTNER_GET: return plan_partner_get(ctx, x->id, &x->out);
    case P_AGREEMENTS: return plan_agreement_list(ctx, x->id, &x->out);
    case P_AGREEMENT_ADD:
        st = plan_agreement_add(ctx, x->in, &x->id);
        if (st == STATUS_OK) {
            x->out = json_pack("{sI}", "id", (json_int_t)x->id);
        }
        return st;
    case P_TA: return plan_ta_list(ctx, x->a, x->b, &x->out);
    case P_TA_ADD: return plan_ta_add(ctx, x->in, &x->id, &x->out);
    case P_TA_GET: return plan_ta_get(ctx, x->id, &x->out);
    case P_TA_STATUS: return plan_ta_status(ctx, x->id, x->in, x->version, &x->out);
    case P_TA_DELIVER: return plan_ta_deliver(ctx, x->id, x->in, &sub, &x->out);
    }
    return st;
}

static const char *q(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static void finish(struct http_request *req, struct pargs *a, enum status st, unsigned ok)
{
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        body = a->out;
        a->out = NULL;
        json_t *v = json_object_get(body, "version");
        if (json_is_integer(v)) {
            http_response_etag(req, json_integer_value(v));
        }
    }
    json_decref(a->out);
    api__respond(req, st, ok, body);
}

void api_plan_partners(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_PARTNERS, .a = q(req, "type"), .b = q(req, "country")};
    finish(req, &a, STATUS_OK, 200);
}

void api_plan_partner_add(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_PARTNER_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

void api_plan_partner_get(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_PARTNER_GET};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

void api_plan_agreements(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_AGREEMENTS};
    finish(req, &a, api__query_id(req, "partner_id", &a.id), 200);
}

void api_plan_agreement_add(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_AGREEMENT_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

void api_plan_assistance(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_TA, .a = q(req, "status"), .b = q(req, "state")};
    finish(req, &a, STATUS_OK, 200);
}

void api_plan_assistance_add(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_TA_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

void api_plan_assistance_get(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_TA_GET};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

/* If-Match is optional here: given, it must be the version read. */
void api_plan_assistance_status(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_TA_STATUS, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
        if (st == STATUS_PRECONDITION) {
            a.version = 0;
            st = STATUS_OK;
        }
    }
    finish(req, &a, st, 200);
}

void api_plan_assistance_deliver(struct http_request *req, void *app)
{
    (void)app;
    struct pargs a = {.op = P_TA_DELIVER, .in = http_request_json(req)};
    finish(req, &a, api__path_id(req, &a.id), 201);
}
