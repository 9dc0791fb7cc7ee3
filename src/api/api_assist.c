/* api_assist: the routes of a case's services delivered (src/referral/assist.h) and of its
 * rights and legal status (src/referral/legal.h): non-punishment, residence permits, voluntary
 * returns with their follow-ups, compensation claims. Updates carry the record's version in
 * If-Match; the non-punishment PUT creates without If-Match and replaces with it. */
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "referral/assist.h"
#include "referral/legal.h"

enum assist_op {
    SVC_LIST,
    SVC_GET,
    SVC_ADD,
    SVC_UPDATE,
    SVC_CANCEL,
    LEGAL_ALL,
    LEGAL_NP_PUT,
    LEGAL_LIST,
    LEGAL_GET,
    LEGAL_ADD,
    LEGAL_UPDATE,
};

struct assist_args {
    enum assist_op op;
    enum legal_kind kind;
    int64_t case_id;
    int64_t id;
    int64_t version;
    const json_t *in;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct assist_args *a = p;
    switch (a->op) {
    case SVC_LIST: return assist_services(ctx, a->case_id, &a->out);
    case SVC_GET: return assist_service_get(ctx, a->case_id, a->id, &a->out);
    case SVC_ADD: return assist_service_add(ctx, a->case_id, a->in, &a->out);
    case SVC_UPDATE: return assist_service_update(ctx, a->case_id, a->id, a->version, a->in, &a->out);
    case SVC_CANCEL: return assist_service_cancel(ctx, a->case_id, a->id, &a->out);
    case LEGAL_ALL: return legal_all(ctx, a->case_id, &a->out);
    case LEGAL_NP_PUT: return legal_non_punishment_put(ctx, a->case_id, a->version, a->in, &a->out);
    case LEGAL_LIST: return legal_list(ctx, a->kind, a->case_id, a->id, &a->out);
    case LEGAL_GET: return legal_get(ctx, a->kind, a->case_id, a->id, &a->out);
    case LEGAL_ADD: return legal_add(ctx, a->kind, a->case_id, a->id, a->in, &a->out);
    case LEGAL_UPDATE: return legal_update(ctx, a->kind, a->case_id, a->id, a->version, a->in, &a->out);
    }
    return STATUS_INVALID;
}

/* What a route reads from the request. */
enum {
    NEED_SUB = 1,   /* {sub_id} */
    NEED_MATCH = 2, /* If-Match */
    NEED_BODY = 4,  /* the JSON body */
    MAY_MATCH = 8,  /* If-Match when given (0 otherwise) */
    AS_ITEMS = 16,  /* the result is an array: {"items": [...]} */
};

static void serve(struct http_request *req, enum assist_op op, enum legal_kind kind, unsigned needs, unsigned ok)
{
    struct assist_args a;
    memset(&a, 0, sizeof a);
    a.op = op;
    a.kind = kind;
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK && (needs & NEED_SUB)) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK && (needs & NEED_MATCH)) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK && (needs & MAY_MATCH)) {
        st = api__if_match(req, &a.version);
        if (st == STATUS_PRECONDITION) {
            a.version = 0;
            st = STATUS_OK;
        }
    }
    if (st == STATUS_OK && (needs & NEED_BODY)) {
        a.in = http_request_json(req);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        body = (needs & AS_ITEMS) ? api__items(a.out) : a.out;
        a.out = NULL;
    }
    api__respond(req, st, ok, body);
    json_decref(a.out);
}

/* Services. */

void api_case_services(struct http_request *req, void *app)
{
    (void)app;
    serve(req, SVC_LIST, LEGAL_PERMIT, AS_ITEMS, 200);
}

void api_case_service_add(struct http_request *req, void *app)
{
    (void)app;
    serve(req, SVC_ADD, LEGAL_PERMIT, NEED_BODY, 201);
}

void api_case_service_get(struct http_request *req, void *app)
{
    (void)app;
    serve(req, SVC_GET, LEGAL_PERMIT, NEED_SUB, 200);
}

void api_case_service_patch(struct http_request *req, void *app)
{
    (void)app;
    serve(req, SVC_UPDATE, LEGAL_PERMIT, NEED_SUB | NEED_MATCH | NEED_BODY, 200);
}

void api_case_service_delete(struct http_request *req, void *app)
{
    (void)app;
    serve(req, SVC_CANCEL, LEGAL_PERMIT, NEED_SUB, 200);
}

/* Legal status. */

void api_case_legal(struct http_request *req, void *app)
{
    (void)app;
    serve(req, LEGAL_ALL, LEGAL_PERMIT, 0, 200);
}

void api_case_non_punishment_put(struct http_request *req, void *app)
{
    (void)app;
    serve(req, LEGAL_NP_PUT, LEGAL_PERMIT, MAY_MATCH | NEED_BODY, 200);
}

#define LEGAL_ROUTES(stem, KIND)                                                                                       \
    void api_case_##stem##s(struct http_request *req, void *app)                                                       \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        serve(req, LEGAL_LIST, KIND, AS_ITEMS, 200);                                                                   \
    }                                                                                                                  \
    void api_case_##stem##_add(struct http_request *req, void *app)                                                    \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        serve(req, LEGAL_ADD, KIND, NEED_BODY, 201);                                                                   \
    }                                                                                                                  \
    void api_case_##stem##_get(struct http_request *req, void *app)                                                    \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        serve(req, LEGAL_GET, KIND, NEED_SUB, 200);                                                                    \
    }                                                                                                                  \
    void api_case_##stem##_patch(struct http_request *req, void *app)                                                  \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        serve(req, LEGAL_UPDATE, KIND, NEED_SUB | NEED_MATCH | NEED_BODY, 200);                                        \
    }

LEGAL_ROUTES(permit, LEGAL_PERMIT)
LEGAL_ROUTES(return, LEGAL_RETURN)
LEGAL_ROUTES(claim, LEGAL_CLAIM)

void api_case_return_follow_ups(struct http_request *req, void *app)
{
    (void)app;
    serve(req, LEGAL_LIST, LEGAL_FOLLOW_UP, NEED_SUB | AS_ITEMS, 200);
}

void api_case_return_follow_up_add(struct http_request *req, void *app)
{
    (void)app;
    serve(req, LEGAL_ADD, LEGAL_FOLLOW_UP, NEED_SUB | NEED_BODY, 201);
}
