/* api_fund_grants: the Trust Fund's grants, tranches, disbursements, grantee reports and results
 * (issue 8, part G; src/fund/grants.h, src/fund/reports.h). */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "fund/grants.h"
#include "fund/reports.h"

enum gop {
    G_GRANTS,
    G_GRANT_ADD,
    G_GRANT,
    G_TRANCHES,
    G_CLOSE,
    G_DISBS,
    G_DISB_ADD,
    G_DISB,
    G_DISB_DECIDE,
    G_REPORTS,
    G_REPORT_ADD,
    G_REPORT,
    G_REPORT_PUT,
    G_REPORT_SUBMIT,
    G_REPORT_DECIDE,
    G_RESULTS
};

struct gargs {
    enum gop op;
    int64_t id, version, grant_id;
    const json_t *in;
    const char *status, *by;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct gargs *a = p;
    enum status st = STATUS_OK;
    switch (a->op) {
    case G_GRANTS: return fund_grant_list(ctx, a->status, &a->out);
    case G_GRANT_ADD:
        st = fund_grant_add(ctx, a->in, &a->id);
        return st == STATUS_OK ? fund_grant_get(ctx, a->id, &a->out) : st;
    case G_GRANT: return fund_grant_get(ctx, a->id, &a->out);
    case G_TRANCHES: return fund_grant_tranches(ctx, a->id, &a->out);
    case G_CLOSE:
        st = fund_grant_close(ctx, a->id, a->in);
        return st == STATUS_OK ? fund_grant_get(ctx, a->id, &a->out) : st;
    case G_DISBS: return fund_disbursement_list(ctx, a->grant_id, a->status, &a->out);
    case G_DISB_ADD:
        st = fund_disbursement_record(ctx, a->in, &a->id);
        return st == STATUS_OK ? fund_disbursement_get(ctx, a->id, &a->out) : st;
    case G_DISB: return fund_disbursement_get(ctx, a->id, &a->out);
    case G_DISB_DECIDE:
        st = fund_disbursement_decide(ctx, a->id, a->in);
        return st == STATUS_OK ? fund_disbursement_get(ctx, a->id, &a->out) : st;
    case G_REPORTS: return fund_report_list(ctx, a->grant_id, a->status, &a->out);
    case G_REPORT_ADD:
        st = fund_report_save(ctx, 0, 0, a->in, &a->id);
        return st == STATUS_OK ? fund_report_get(ctx, a->id, &a->out) : st;
    case G_REPORT: return fund_report_get(ctx, a->id, &a->out);
    case G_REPORT_PUT:
        st = fund_report_save(ctx, a->id, a->version, a->in, &a->id);
        return st == STATUS_OK ? fund_report_get(ctx, a->id, &a->out) : st;
    case G_REPORT_SUBMIT:
        st = fund_report_submit(ctx, a->id, a->version);
        return st == STATUS_OK ? fund_report_get(ctx, a->id, &a->out) : st;
    case G_REPORT_DECIDE:
        st = fund_report_decide(ctx, a->id, a->in);
        return st == STATUS_OK ? fund_report_get(ctx, a->id, &a->out) : st;
    case G_RESULTS: return fund_results(ctx, a->by, &a->out);
    }
    return STATUS_INVALID;
}

/* Runs op: {id} from the path when with_id; an optional If-Match; lists as {"items": [...]}. */
static void run(struct http_request *req, enum gop op, bool with_id, bool items, unsigned ok)
{
    struct gargs a = {.op = op};
    a.in = http_request_json(req);
    a.status = http_request_query(req, "status");
    a.by = http_request_query(req, "by");
    enum status st = with_id ? api__path_id(req, &a.id) : STATUS_OK;
    if (st == STATUS_OK && items) {
        st = api__query_id(req, "grant_id", &a.grant_id);
    }
    bool malformed = false;
    if (st == STATUS_OK && !http_request_if_match(req, &a.version, &malformed)) {
        a.version = 0;
        if (malformed) {
            st = err_set_field(STATUS_INVALID, "If-Match", "If-Match: must be the record's version (ETag)");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        if (items) {
            body = api__items(a.out);
        } else {
            body = a.out;
            json_t *v = json_object_get(a.out, "version");
            if (json_is_integer(v)) {
                http_response_etag(req, json_integer_value(v));
            }
        }
        a.out = NULL;
    }
    json_decref(a.out);
    api__respond(req, st, ok, body);
}

#define HANDLER(name, op, with_id, items, ok)                                                                          \
    void name(struct http_request *req, void *app)                                                                     \
    {                                                                                                                  \
        (void)app;                                                                                                     \
        run(req, op, with_id, items, ok);                                                                              \
    }
HANDLER(api_fund_grants_list, G_GRANTS, false, true, 200)
HANDLER(api_fund_grant_add, G_GRANT_ADD, false, false, 201)
HANDLER(api_fund_grant_get, G_GRANT, true, false, 200)
HANDLER(api_fund_grant_tranches, G_TRANCHES, true, true, 200)
HANDLER(api_fund_grant_close, G_CLOSE, true, false, 200)
HANDLER(api_fund_disbursements_list, G_DISBS, false, true, 200)
HANDLER(api_fund_disbursement_add, G_DISB_ADD, false, false, 201)
HANDLER(api_fund_disbursement_get, G_DISB, true, false, 200)
HANDLER(api_fund_disbursement_approval, G_DISB_DECIDE, true, false, 200)
HANDLER(api_fund_reports_list, G_REPORTS, false, true, 200)
HANDLER(api_fund_report_add, G_REPORT_ADD, false, false, 201)
HANDLER(api_fund_report_get, G_REPORT, true, false, 200)
HANDLER(api_fund_report_put, G_REPORT_PUT, true, false, 200)
HANDLER(api_fund_report_submit, G_REPORT_SUBMIT, true, false, 200)
HANDLER(api_fund_report_decision, G_REPORT_DECIDE, true, false, 200)
HANDLER(api_fund_results, G_RESULTS, false, true, 200)
