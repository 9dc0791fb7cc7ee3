/* api_plan_nap: national action plans and prevention (issue 9, part N; src/plan/nap.h,
 * prevent.h): /api/v1/plan/naps, /naps/{id}, /naps/{id}/actions, /actions/{id}/progress,
 * /naps/{id}/matrix, /campaigns, /trainings, /idwork, /supplychain and /prevention. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "http/http.h"
#include "plan/nap.h"
#include "plan/prevent.h"

enum pn_op {
    PN_NAPS,
    PN_NAP_ADD,
    PN_NAP_GET,
    PN_NAP_PATCH,
    PN_ACTIONS,
    PN_ACTION_ADD,
    PN_PROGRESS,
    PN_PROGRESS_ADD,
    PN_MATRIX,
    PN_PREV_LIST,
    PN_PREV_ADD,
    PN_PREV_FIGURES
};

struct pn_args {
    enum pn_op op;
    int64_t id, version;
    const char *kind, *country, *from, *to, *at, *year;
    const json_t *in;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct pn_args *a = p;
    switch (a->op) {
    case PN_NAPS: return plan_nap_list(ctx, a->country, &a->out);
    case PN_NAP_ADD: return plan_nap_add(ctx, a->in, &a->out);
    case PN_NAP_GET: return plan_nap_get(ctx, a->id, &a->out);
    case PN_NAP_PATCH: return plan_nap_update(ctx, a->id, a->version, a->in, &a->out);
    case PN_ACTIONS: return plan_action_list(ctx, a->id, &a->out);
    case PN_ACTION_ADD: return plan_action_add(ctx, a->id, a->in, &a->out);
    case PN_PROGRESS: return plan_progress_list(ctx, a->id, &a->out);
    case PN_PROGRESS_ADD: return plan_progress_add(ctx, a->id, a->in, &a->out);
    case PN_MATRIX: return plan_nap_matrix(ctx, a->id, a->at, &a->out);
    case PN_PREV_LIST: return plan_prevention_list(ctx, a->kind, a->country, a->from, a->to, &a->out);
    case PN_PREV_ADD: return plan_prevention_add(ctx, a->kind, a->in, &a->out);
    case PN_PREV_FIGURES: {
        char *end = NULL;
        long y = a->year != NULL ? strtol(a->year, &end, 10) : 0;
        if (a->year == NULL || end == a->year || *end != '\0') {
            /* the permission first (403 before 400): plan_prevention_report checks it */
            y = 0;
        }
        return plan_prevention_report(ctx, (int)y, a->country, &a->out);
    }
    }
    return STATUS_INVALID;
}

/* Runs op: path id when with_id, If-Match when if_match; a list answers {items}; a record with a
 * version sends its ETag. */
static void pn_handle(struct http_request *req, enum pn_op op, const char *kind, bool with_id, bool if_match,
                      unsigned ok)
{
    struct pn_args a = {.op = op,
                        .kind = kind,
                        .in = http_request_json(req),
                        .country = http_request_query(req, "country"),
                        .from = http_request_query(req, "from"),
                        .to = http_request_query(req, "to"),
                        .at = http_request_query(req, "at"),
                        .year = http_request_query(req, "year")};
    enum status st = with_id ? api__path_id(req, &a.id) : STATUS_OK;
    if (st == STATUS_OK && if_match) {
        st = api__if_match(req, &a.version);
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

#define HANDLER(name, op, kind, with_id, if_match, ok)                                                                 \
    void name(struct http_request *req, void *app)                                                                     \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        pn_handle(req, op, kind, with_id, if_match, ok);                                                               \
    }
HANDLER(api_plan_naps, PN_NAPS, NULL, false, false, 200)
HANDLER(api_plan_nap_add, PN_NAP_ADD, NULL, false, false, 201)
HANDLER(api_plan_nap_get, PN_NAP_GET, NULL, true, false, 200)
HANDLER(api_plan_nap_patch, PN_NAP_PATCH, NULL, true, true, 200)
HANDLER(api_plan_nap_actions, PN_ACTIONS, NULL, true, false, 200)
HANDLER(api_plan_nap_action_add, PN_ACTION_ADD, NULL, true, false, 201)
HANDLER(api_plan_action_progress, PN_PROGRESS, NULL, true, false, 200)
HANDLER(api_plan_action_progress_add, PN_PROGRESS_ADD, NULL, true, false, 201)
HANDLER(api_plan_nap_matrix, PN_MATRIX, NULL, true, false, 200)
HANDLER(api_plan_campaigns, PN_PREV_LIST, "campaign", false, false, 200)
HANDLER(api_plan_campaign_add, PN_PREV_ADD, "campaign", false, false, 201)
HANDLER(api_plan_trainings, PN_PREV_LIST, "training", false, false, 200)
HANDLER(api_plan_training_add, PN_PREV_ADD, "training", false, false, 201)
HANDLER(api_plan_idwork, PN_PREV_LIST, "idwork", false, false, 200)
HANDLER(api_plan_idwork_add, PN_PREV_ADD, "idwork", false, false, 201)
HANDLER(api_plan_supplychain, PN_PREV_LIST, "supplychain", false, false, 200)
HANDLER(api_plan_supplychain_add, PN_PREV_ADD, "supplychain", false, false, 201)
HANDLER(api_plan_prevention, PN_PREV_FIGURES, NULL, false, false, 200)
