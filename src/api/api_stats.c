/* api_stats: releases with disclosure control (issue 6 item 4; src/stats/release.h). The
 * statistics routes (GET /api/v1/stats/victims, /api/v1/stats/offenders) hand requests with
 * release= to api_stats_release; GET /api/v1/stats/releases lists what was released. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "http/http.h"
#include "stats/release.h"
#include "util/mem.h"
#include "util/util.h"

bool api_stats_release_wanted(const struct http_request *req)
{
    return http_request_query(req, "release") != NULL || http_request_query(req, "epsilon") != NULL ||
           http_request_query(req, "threshold") != NULL;
}

struct release_run {
    api_stats_rows_fn fn;
    void *arg;
    const char *dataset;
    struct stats_release_spec spec;
    json_t *inputs;
    json_t *out;
};

static enum status op_release(const struct auth_ctx *ctx, void *p)
{
    struct release_run *r = p;
    json_decref(r->out);
    r->out = NULL;
    const char *const *names = NULL;
    size_t nnames = 0, nrows = 0;
    struct stats_row *rows = NULL;
    enum status st = r->fn(ctx, r->arg, &names, &nnames, &rows, &nrows);
    if (st == STATUS_OK) {
        st = stats_release(ctx, r->dataset, &r->spec, r->inputs, names, nnames, rows, nrows, &r->out);
    }
    free(rows);
    return st;
}

void api_stats_release(struct http_request *req, const char *dataset, json_t *inputs, api_stats_rows_fn fn, void *arg)
{
    struct release_run r = {.fn = fn, .arg = arg, .dataset = dataset, .inputs = inputs};
    bool wanted = false;
    enum status st = stats_release_spec_parse(http_request_query(req, "release"), http_request_query(req, "epsilon"),
                                              http_request_query(req, "threshold"), &r.spec, &wanted);
    if (st == STATUS_OK && !wanted) {
        st = err_set_field(STATUS_INVALID, "release", "release: one of suppress, round, dp");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_release, &r);
    }
    json_decref(inputs);
    if (st != STATUS_OK) {
        json_decref(r.out);
        api__respond(req, st, 200, NULL);
        return;
    }
    const char *format = http_request_query(req, "format");
    if (format != NULL && strcmp(format, "csv") == 0) {
        char *csv = stats_release_csv(r.out);
        http_respond_bytes(req, 200, "text/csv; charset=utf-8", csv, strlen(csv), true);
        free(csv);
        json_decref(r.out);
    } else {
        http_respond_json(req, 200, r.out);
    }
}

/* GET /api/v1/stats/releases?dataset=&limit= */
struct list_args {
    const char *dataset;
    int64_t limit;
    json_t *out;
};

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct list_args *a = p;
    json_decref(a->out);
    a->out = NULL;
    return stats_releases_list(ctx, a->dataset, a->limit, &a->out);
}

void api_stats_releases(struct http_request *req, void *app)
{
    (void)app;
    struct list_args a = {.dataset = http_request_query(req, "dataset"), .limit = 50};
    enum status st = STATUS_OK;
    const char *limit = http_request_query(req, "limit");
    if (limit != NULL && util_parse_i64(&a.limit, limit) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: 1 to 1000");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? json_pack("{so}", "releases", a.out) : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
}
