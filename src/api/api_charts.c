/* api_charts: the report's charts as images (issue 6, item 7; stats/charts.h).
 * GET /api/v1/stats/charts/{name}?from_year=&to_year=&lang=&format=svg|png[&release=suppress]:
 * stats.read (the route); release=suppress draws the figures released through disclosure control
 * and needs stats.publish (the domain checks, and records the release). The image is drawn after
 * the transaction. Cache-Control: no-store (exact figures are not to linger in caches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "stats/charts.h"
#include "util/util.h"

struct chart_args {
    const char *name;
    struct stats_chart_query q;
    struct stats_chart *chart;
};

static enum status op_chart(const struct auth_ctx *ctx, void *p)
{
    struct chart_args *a = p;
    return stats_chart_build(ctx, a->name, &a->q, &a->chart);
}

static enum status year_param(struct http_request *req, const char *name, int *out)
{
    const char *v = http_request_query(req, name);
    int64_t y = 0;
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "%s: required, a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

void api_stats_chart(struct http_request *req, void *app)
{
    (void)app;
    struct chart_args a = {0};
    a.name = http_request_param(req, "name");
    const char *format = http_request_query(req, "format");
    const char *release = http_request_query(req, "release");
    enum chart_format f = CHART_SVG;
    enum status st = STATUS_OK;
    if (!stats_chart_name_valid(a.name)) {
        st = err_set(STATUS_NOT_FOUND, "no such chart");
    }
    if (st == STATUS_OK) {
        st = year_param(req, "from_year", &a.q.year_from);
    }
    if (st == STATUS_OK) {
        st = year_param(req, "to_year", &a.q.year_to);
    }
    if (st == STATUS_OK) {
        const char *lang = http_request_query(req, "lang");
        a.q.lang = lang != NULL && lang[0] != '\0' ? lang : "en";
    }
    if (st == STATUS_OK && format != NULL && format[0] != '\0' && strcmp(format, "svg") != 0) {
        if (strcmp(format, "png") == 0) {
            f = CHART_PNG;
        } else {
            st = err_set_field(STATUS_INVALID, "format", "format: svg or png");
        }
    }
    if (st == STATUS_OK && release != NULL && release[0] != '\0') {
        if (strcmp(release, "suppress") == 0) {
            a.q.release = true;
        } else {
            st = err_set_field(STATUS_INVALID, "release", "release: suppress (or none for exact figures)");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_chart, &a);
    }
    uint8_t *img = NULL;
    size_t len = 0;
    if (st == STATUS_OK) {
        st = stats_chart_render(a.chart, f, 0, 0, &img, &len);
    }
    stats_chart_free(a.chart);
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    char cd[128];
    snprintf(cd, sizeof cd, "inline; filename=\"%s-%d-%d-%s.%s\"", a.name, a.q.year_from, a.q.year_to, a.q.lang,
             f == CHART_PNG ? "png" : "svg");
    http_response_header(req, "Content-Disposition", cd);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, f == CHART_PNG ? "image/png" : "image/svg+xml", img, len, true);
    free(img);
}
