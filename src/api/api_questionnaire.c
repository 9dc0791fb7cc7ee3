/* api_questionnaire: GET /api/v1/stats/questionnaire.xlsx, the instance's figures as the UNODC
 * questionnaire's tables (issue 6, item 7; src/stats/questionnaire.h). Exact figures need
 * stats.read; release=suppress (or round) needs stats.publish and records the releases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "http/http.h"
#include "stats/questionnaire.h"
#include "util/util.h"

struct q_args {
    struct questionnaire_spec q;
    char *data;
    size_t len;
};

static enum status year_param(struct http_request *req, const char *name, int *out)
{
    const char *v = http_request_query(req, name);
    int64_t y = 0;
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "%s: a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

static const char *nonempty(const char *v)
{
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static enum status op_questionnaire(const struct auth_ctx *ctx, void *p)
{
    struct q_args *a = p;
    return stats_questionnaire(ctx, &a->q, NULL, &a->data, &a->len, NULL);
}

void api_stats_questionnaire(struct http_request *req, void *app)
{
    (void)app;
    struct q_args a = {0};
    a.q.country = http_request_query(req, "country");
    a.q.lang = nonempty(http_request_query(req, "lang"));
    a.q.release = nonempty(http_request_query(req, "release"));
    a.q.threshold = nonempty(http_request_query(req, "threshold"));
    enum status st = year_param(req, "from_year", &a.q.year_from);
    if (st == STATUS_OK) {
        st = year_param(req, "to_year", &a.q.year_to);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_questionnaire, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    char cd[128];
    snprintf(cd, sizeof cd, "attachment; filename=\"questionnaire-%.3s-%d-%d%s.xlsx\"", a.q.country, a.q.year_from,
             a.q.year_to, a.q.release != NULL ? "-released" : "");
    http_response_header(req, "Content-Disposition", cd);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, QUESTIONNAIRE_CONTENT_TYPE, a.data, a.len, true);
    free(a.data);
}
