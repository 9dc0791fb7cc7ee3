/* api_plan_report: the best-practices knowledge base and the implementation report (issue 9,
 * part K). GET/POST /api/v1/plan/practices (?q=&lang=&pillar=&paragraph=&country=&status=
 * &limit=&offset=), GET/PUT /api/v1/plan/practices/{id} (PUT with If-Match); GET
 * /api/v1/plan/report, report.pdf and report.xlsx (?from=&to=&lang=&compare=FROM:TO&release=
 * &epsilon=&threshold=). See src/plan/practices.h and src/plan/report.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "http/http.h"
#include "plan/practices.h"
#include "plan/report.h"
#include "stats/release.h"

enum pr_op { PR_SEARCH, PR_ADD, PR_GET, PR_UPDATE, PR_REPORT };

struct pr_args {
    enum pr_op op;
    int64_t id, version;
    const json_t *in;
    struct practice_query q;
    struct plan_report_query rq;
    struct stats_release_spec spec;
    const char *lang, *format; /* format: NULL JSON, "pdf", "xlsx" */
    json_t *out;
    uint8_t *pdf;
    char *xlsx;
    size_t len;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct pr_args *a = p;
    enum status st = STATUS_INVALID;
    switch (a->op) {
    case PR_SEARCH: return practice_search(ctx, &a->q, &a->out);
    case PR_ADD: return practice_add(ctx, a->in, &a->out);
    case PR_GET: return practice_get(ctx, a->id, &a->out);
    case PR_UPDATE: return practice_update(ctx, a->id, a->version, a->in, &a->out);
    case PR_REPORT:
        st = plan_report_build(ctx, &a->rq, &a->out);
        if (st == STATUS_OK && a->format != NULL && strcmp(a->format, "pdf") == 0) {
            st = plan_report_pdf(a->out, a->lang, &a->pdf, &a->len);
        } else if (st == STATUS_OK && a->format != NULL) {
            st = plan_report_xlsx(a->out, a->lang, &a->xlsx, &a->len);
        }
        return st;
    }
    return st;
}

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

static void respond_one(struct http_request *req, enum status st, unsigned ok, struct pr_args *a)
{
    if (st == STATUS_OK && a->out != NULL) {
        http_response_etag(req, json_integer_value(json_object_get(a->out, "version")));
    }
    api__respond(req, st, ok, st == STATUS_OK ? a->out : NULL);
    if (st != STATUS_OK) {
        json_decref(a->out);
    }
}

void api_plan_practices(struct http_request *req, void *app)
{
    (void)app;
    struct pr_args a = {.op = PR_SEARCH,
                        .q = {.q = http_request_query(req, "q"),
                              .lang = http_request_query(req, "lang"),
                              .pillar = http_request_query(req, "pillar"),
                              .paragraph = http_request_query(req, "paragraph"),
                              .country = http_request_query(req, "country"),
                              .status = http_request_query(req, "status")}};
    enum status st = query_count(req, "limit", &a.q.limit);
    if (st == STATUS_OK) {
        st = query_count(req, "offset", &a.q.offset);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(a.out) : NULL);
}

void api_plan_practice_add(struct http_request *req, void *app)
{
    (void)app;
    struct pr_args a = {.op = PR_ADD, .in = http_request_json(req)};
    respond_one(req, auth_run(api__ctx(req), op_run, &a), 201, &a);
}

void api_plan_practice_get(struct http_request *req, void *app)
{
    (void)app;
    struct pr_args a = {.op = PR_GET};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    respond_one(req, st, 200, &a);
}

void api_plan_practice_put(struct http_request *req, void *app)
{
    (void)app;
    struct pr_args a = {.op = PR_UPDATE, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    respond_one(req, st, 200, &a);
}

/* The report's query string; cmp holds the two dates of ?compare=FROM:TO. */
static enum status report_query(struct http_request *req, struct pr_args *a, char cmp[22])
{
    a->rq.from = http_request_query(req, "from");
    a->rq.to = http_request_query(req, "to");
    a->lang = http_request_query(req, "lang") != NULL ? http_request_query(req, "lang") : "en";
    const char *compare = http_request_query(req, "compare");
    if (compare != NULL && compare[0] != '\0') {
        if (strlen(compare) != 21 || compare[10] != ':') {
            return err_set_field(STATUS_INVALID, "compare", "compare must be FROM:TO (YYYY-MM-DD:YYYY-MM-DD)");
        }
        memcpy(cmp, compare, 22);
        cmp[10] = '\0';
        a->rq.compare_from = cmp;
        a->rq.compare_to = cmp + 11;
    }
    bool wanted = false;
    const char *release = http_request_query(req, "release");
    enum status st = stats_release_spec_parse(release != NULL && release[0] != '\0' ? release : NULL,
                                              http_request_query(req, "epsilon"), http_request_query(req, "threshold"),
                                              &a->spec, &wanted);
    if (st == STATUS_OK && wanted) {
        a->rq.release = &a->spec;
    }
    return st;
}

static void report(struct http_request *req, const char *format)
{
    char cmp[22] = {0};
    struct pr_args a = {.op = PR_REPORT, .format = format};
    enum status st = report_query(req, &a, cmp);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    if (st != STATUS_OK || format == NULL) {
        api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
        if (st != STATUS_OK) {
            json_decref(a.out);
        }
        return;
    }
    json_decref(a.out);
    char cd[160];
    snprintf(cd, sizeof cd, "attachment; filename=\"plan-report-%.10s-%.10s-%.2s.%s\"", a.rq.from, a.rq.to, a.lang,
             format);
    for (char *p = cd + 22; *p != '\0' && *p != '"'; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '.')) {
            *p = '_';
        }
    }
    http_response_header(req, "Content-Disposition", cd);
    bool pdf = strcmp(format, "pdf") == 0;
    http_respond_bytes(req, 200,
                       pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       pdf ? (const void *)a.pdf : (const void *)a.xlsx, a.len, true);
    free(a.pdf);
    free(a.xlsx);
}

void api_plan_report(struct http_request *req, void *app)
{
    (void)app;
    report(req, NULL);
}

void api_plan_report_pdf(struct http_request *req, void *app)
{
    (void)app;
    report(req, "pdf");
}

void api_plan_report_xlsx(struct http_request *req, void *app)
{
    (void)app;
    report(req, "xlsx");
}
