/* api_federation: federated reporting (issue 6, item 5): the signed submission of this instance,
 * importing others' (the raw file as the body), the submissions held and the merged figures. The
 * same domain functions as `ctis submission ...` (src/stats/submission.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "http/http.h"
#include "stats/publication.h"
#include "stats/report.h"
#include "stats/submission.h"
#include "util/util.h"

struct fed_args {
    struct submission_build b;
    struct submission_query q;
    const char *data;
    size_t len;
    char *file;
    size_t file_len;
    json_t *out;
};

static enum status year_param(struct http_request *req, const char *name, int *out, bool required)
{
    const char *v = http_request_query(req, name);
    int64_t y = 0;
    *out = 0;
    if ((v == NULL || v[0] == '\0') && !required) {
        return STATUS_OK;
    }
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "%s: a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

/* from_year and to_year. */
static enum status years_params(struct http_request *req, bool required, int *from, int *to)
{
    enum status st = year_param(req, "from_year", from, required);
    return st == STATUS_OK ? year_param(req, "to_year", to, required) : st;
}

static enum status op_build(const struct auth_ctx *ctx, void *p)
{
    struct fed_args *a = p;
    return submission_build(ctx, &a->b, &a->file, &a->file_len);
}

void api_stats_submission_build(struct http_request *req, void *app)
{
    (void)app;
    struct fed_args a = {0};
    a.b.country = http_request_query(req, "country");
    enum status st = years_params(req, true, &a.b.year_from, &a.b.year_to);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_build, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    char cd[96];
    snprintf(cd, sizeof cd, "attachment; filename=\"submission-%.3s-%d-%d.ctis\"", a.b.country, a.b.year_from,
             a.b.year_to);
    http_response_header(req, "Content-Disposition", cd);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, "text/plain; charset=utf-8", a.file, a.file_len, true);
    free(a.file);
}

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct fed_args *a = p;
    return submission_import(ctx, a->data, a->len, &a->out);
}

void api_stats_submission_import(struct http_request *req, void *app)
{
    (void)app;
    struct fed_args a = {0};
    a.data = http_request_body(req, &a.len);
    enum status st = auth_run(api__ctx(req), op_import, &a);
    api__respond(req, st, 201, st == STATUS_OK ? a.out : NULL);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct fed_args *a = p;
    return submission_list(ctx, &a->out);
}

void api_stats_submissions(struct http_request *req, void *app)
{
    (void)app;
    struct fed_args a = {0};
    enum status st = auth_run(api__ctx(req), op_list, &a);
    api__respond(req, st, 200, st == STATUS_OK ? api__items(a.out) : NULL);
}

static enum status op_merged(const struct auth_ctx *ctx, void *p)
{
    struct fed_args *a = p;
    return submission_merged(ctx, &a->q, &a->out);
}

void api_stats_federated(struct http_request *req, void *app)
{
    (void)app;
    struct fed_args a = {0};
    a.q.by = http_request_query(req, "by");
    a.q.indicator = http_request_query(req, "indicator");
    a.q.dimension = http_request_query(req, "dimension");
    enum status st = years_params(req, false, &a.q.year_from, &a.q.year_to);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_merged, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(a.out) : NULL);
}

static enum status op_figures(const struct auth_ctx *ctx, void *p)
{
    struct fed_args *a = p;
    return stats_figures(ctx, &a->b, &a->out);
}

void api_stats_figures(struct http_request *req, void *app)
{
    (void)app;
    struct fed_args a = {0};
    a.b.country = http_request_query(req, "country");
    enum status st = years_params(req, true, &a.b.year_from, &a.b.year_to);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_figures, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(a.out) : NULL);
}

struct report_args {
    struct report_biennial r;
    uint8_t *pdf;
    size_t len;
};

static enum status op_report(const struct auth_ctx *ctx, void *p)
{
    struct report_args *a = p;
    return report_biennial_pdf(ctx, &a->r, &a->pdf, &a->len);
}

void api_stats_report_pdf(struct http_request *req, void *app)
{
    (void)app;
    struct report_args a = {{0}, NULL, 0};
    a.r.country = http_request_query(req, "country");
    a.r.lang = http_request_query(req, "lang") != NULL ? http_request_query(req, "lang") : "en";
    enum status st = years_params(req, true, &a.r.year_from, &a.r.year_to);
    const char *th = http_request_query(req, "threshold");
    if (st == STATUS_OK && th != NULL && (util_parse_i64(&a.r.threshold, th) != STATUS_OK || a.r.threshold < 2)) {
        st = err_set_field(STATUS_INVALID, "threshold", "threshold: a whole number, 2 or more");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_report, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    char cd[96];
    snprintf(cd, sizeof cd, "attachment; filename=\"biennial-report-%d-%d-%s.pdf\"", a.r.year_from, a.r.year_to,
             a.r.lang);
    http_response_header(req, "Content-Disposition", cd);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, "application/pdf", a.pdf, a.len, true);
    free(a.pdf);
}

/* The public dashboard: publishing (stats.publish) and reading (anyone). */
struct dash_args {
    int year_from, year_to;
    size_t charts;
    const char *lang, *chart;
    char *svg;
    size_t len;
    json_t *out;
};

static enum status op_dash_publish(const struct auth_ctx *ctx, void *p)
{
    struct dash_args *a = p;
    return stats_dashboard_publish(ctx, a->year_from, a->year_to, &a->charts);
}

void api_stats_dashboard_publish(struct http_request *req, void *app)
{
    (void)app;
    struct dash_args a = {0};
    const json_t *in = http_request_json(req);
    const json_t *yf = json_object_get(in, "year_from"), *yt = json_object_get(in, "year_to");
    /* Checked by the domain after the permission: a year that is not a whole number reads as 0. */
    a.year_from = json_is_integer(yf) ? (int)json_integer_value(yf) : 0;
    a.year_to = json_is_integer(yt) ? (int)json_integer_value(yt) : 0;
    enum status st = auth_run(api__ctx(req), op_dash_publish, &a);
    api__respond(req, st, 200, st == STATUS_OK ? json_pack("{sI}", "images", (json_int_t)a.charts) : NULL);
}

static enum status op_dash_unpublish(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    return stats_dashboard_unpublish(ctx);
}

void api_stats_dashboard_unpublish(struct http_request *req, void *app)
{
    (void)app;
    enum status st = auth_run(api__ctx(req), op_dash_unpublish, NULL);
    api__respond(req, st, 204, NULL);
}

/* The public principal: no permissions (as the public tip form's). */
static void public_ctx(struct http_request *req, struct auth_principal *pub, struct auth_ctx *ctx)
{
    memset(pub, 0, sizeof *pub);
    snprintf(pub->username, sizeof pub->username, "public");
    *ctx = *api__ctx(req);
    ctx->who = pub;
}

static enum status op_dash_index(const struct auth_ctx *ctx, void *p)
{
    struct dash_args *a = p;
    return stats_dashboard_index(ctx, &a->out);
}

void api_public_dashboard(struct http_request *req, void *app)
{
    (void)app;
    struct dash_args a = {0};
    struct auth_principal pub;
    struct auth_ctx ctx;
    public_ctx(req, &pub, &ctx);
    enum status st = auth_run(&ctx, op_dash_index, &a);
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
}

static enum status op_dash_image(const struct auth_ctx *ctx, void *p)
{
    struct dash_args *a = p;
    return stats_dashboard_image(ctx, a->lang, a->chart, &a->svg, &a->len);
}

void api_public_dashboard_image(struct http_request *req, void *app)
{
    (void)app;
    struct dash_args a = {0};
    a.lang = http_request_param(req, "lang");
    a.chart = http_request_param(req, "chart");
    struct auth_principal pub;
    struct auth_ctx ctx;
    public_ctx(req, &pub, &ctx);
    enum status st = auth_run(&ctx, op_dash_image, &a);
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    http_response_header(req, "Cache-Control", "public, max-age=300");
    http_respond_bytes(req, 200, "image/svg+xml", a.svg, a.len, true);
    free(a.svg);
}
