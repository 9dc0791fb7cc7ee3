/* api_caselaw: the case-law collection of court decisions (issue 5 part J3): search with
 * filters, record, read, update with If-Match, and export as CSV or JSON. See
 * src/justice/caselaw.h; justice.read to read and search, justice.write to record. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "justice/caselaw.h"

enum caselaw_op { CL_SEARCH, CL_ADD, CL_GET, CL_UPDATE, CL_EXPORT };

struct caselaw_args {
    enum caselaw_op op;
    int64_t id, version;
    const json_t *in;
    struct caselaw_query q;
    const char *format;
    json_t *out;
    char *text;
    size_t len;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_args *a = p;
    switch (a->op) {
    case CL_SEARCH: return caselaw_search(ctx, &a->q, &a->out);
    case CL_ADD: return caselaw_add(ctx, a->in, &a->out);
    case CL_GET: return caselaw_get(ctx, a->id, &a->out);
    case CL_UPDATE: return caselaw_update(ctx, a->id, a->version, a->in, &a->out);
    case CL_EXPORT: return caselaw_export(ctx, &a->q, a->format, &a->text, &a->len);
    }
    return STATUS_INVALID;
}

/* A non-negative whole number from the query string (absent: 0). */
static enum status query_count(struct http_request *req, const char *name, int64_t *out)
{
    const char *v = http_request_query(req, name);
    *out = 0;
    if (v == NULL || v[0] == '\0') {
        return STATUS_OK;
    }
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000) {
        return err_set_field(STATUS_INVALID, name, "%s must be a whole number", name);
    }
    *out = n;
    return STATUS_OK;
}

static enum status query_of(struct http_request *req, struct caselaw_query *q)
{
    q->q = http_request_query(req, "q");
    q->country = http_request_query(req, "country");
    q->from = http_request_query(req, "from");
    q->to = http_request_query(req, "to");
    q->verdict = http_request_query(req, "verdict");
    enum status st = api__query_id(req, "investigation_id", &q->investigation_id);
    if (st == STATUS_OK) {
        st = query_count(req, "limit", &q->limit);
    }
    return st == STATUS_OK ? query_count(req, "offset", &q->offset) : st;
}

static void respond_one(struct http_request *req, enum status st, unsigned ok, struct caselaw_args *a)
{
    if (st == STATUS_OK && a->out != NULL) {
        http_response_etag(req, json_integer_value(json_object_get(a->out, "version")));
    }
    api__respond(req, st, ok, st == STATUS_OK ? a->out : NULL);
    if (st != STATUS_OK) {
        json_decref(a->out);
    }
}

void api_court_decisions_search(struct http_request *req, void *app)
{
    (void)app;
    struct caselaw_args a = {.op = CL_SEARCH};
    enum status st = query_of(req, &a.q);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(a.out) : NULL);
}

void api_court_decision_add(struct http_request *req, void *app)
{
    (void)app;
    struct caselaw_args a = {.op = CL_ADD, .in = http_request_json(req)};
    respond_one(req, auth_run(api__ctx(req), op_run, &a), 201, &a);
}

void api_court_decision_get(struct http_request *req, void *app)
{
    (void)app;
    struct caselaw_args a = {.op = CL_GET};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    respond_one(req, st, 200, &a);
}

void api_court_decision_patch(struct http_request *req, void *app)
{
    (void)app;
    struct caselaw_args a = {.op = CL_UPDATE, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    respond_one(req, st, 200, &a);
}

void api_court_decisions_export(struct http_request *req, void *app)
{
    (void)app;
    struct caselaw_args a = {.op = CL_EXPORT, .format = http_request_query(req, "format")};
    if (a.format == NULL) {
        a.format = "json";
    }
    enum status st = query_of(req, &a.q);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    bool csv = strcmp(a.format, "csv") == 0;
    http_response_header(req, "Content-Disposition",
                         csv ? "attachment; filename=\"court-decisions.csv\""
                             : "attachment; filename=\"court-decisions.json\"");
    http_respond_bytes(req, 200, csv ? "text/csv; charset=utf-8" : "application/json", a.text, a.len, true);
    free(a.text);
}
