/* api_glotip: UNODC's published national data over HTTP (issue 6, item 6; docs/glotip.md):
 * GET /api/v1/stats/glotip (stats.read) and POST /api/v1/imports/glotip (case.write, the
 * permission of `ctis import`): the file's bytes as the body, its name in ?name=. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "stats/glotip.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct glotip_import_args {
    char name[NAME_BYTES_MAX + 1];
    const char *data;
    size_t len;
    struct glotip_summary sum;
};

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct glotip_import_args *a = p;
    return glotip_import(ctx, a->name, a->data, a->len, &a->sum);
}

void api_glotip_import(struct http_request *req, void *app)
{
    (void)app;
    struct glotip_import_args a;
    memset(&a, 0, sizeof a);
    enum status st = STATUS_OK;
    const char *name = http_request_query(req, "name");
    if (name == NULL || name[0] == '\0') {
        name = "glotip-upload";
    }
    if (strlen(name) > NAME_BYTES_MAX || !util_utf8_valid(name, strlen(name)) || strchr(name, '/') != NULL) {
        st =
            err_set_field(STATUS_INVALID, "name", "name: a file name of at most %d bytes, without '/'", NAME_BYTES_MAX);
    }
    snprintf(a.name, sizeof a.name, "%s", name);
    a.data = http_request_body(req, &a.len);
    if (st == STATUS_OK && (a.data == NULL || a.len == 0)) {
        st = err_set(STATUS_INVALID, "the body must be the file (.xlsx or .csv)");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_import, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? glotip_summary_json(&a.sum) : NULL);
    glotip_summary_clear(&a.sum);
}

struct glotip_stats_args {
    struct glotip_query q;
    struct glotip_stat_row *rows;
    size_t count;
    int64_t import_id;
};

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct glotip_stats_args *a = p;
    return glotip_stats(ctx, &a->q, &a->rows, &a->count, &a->import_id);
}

static enum status year_param(struct http_request *req, const char *name, int64_t *out)
{
    const char *v = http_request_query(req, name);
    if (v != NULL && v[0] != '\0' && (util_parse_i64(out, v) != STATUS_OK || *out < 1900 || *out > 2100)) {
        return err_set_field(STATUS_INVALID, name, "%s: a year", name);
    }
    return STATUS_OK;
}

void api_stats_glotip(struct http_request *req, void *app)
{
    (void)app;
    struct glotip_stats_args a;
    memset(&a, 0, sizeof a);
    enum status st = STATUS_OK;
    a.q.indicator = http_request_query(req, "indicator");
    a.q.dimension = http_request_query(req, "dimension");
    if (a.q.dimension != NULL && a.q.dimension[0] == '\0') {
        a.q.dimension = NULL;
    }
    const char *compare = http_request_query(req, "compare");
    a.q.compare = compare != NULL && (strcmp(compare, "true") == 0 || strcmp(compare, "1") == 0);
    char by[128];
    const char *q = http_request_query(req, "by");
    snprintf(by, sizeof by, "%s", q && q[0] ? q : "year");
    char *save = NULL;
    for (char *t = strtok_r(by, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (a.q.by_count == GLOTIP_BY_MAX) {
            st = err_set_field(STATUS_INVALID, "by", "by: one to four fields");
            break;
        }
        a.q.by[a.q.by_count++] = t;
    }
    if (st == STATUS_OK) {
        st = year_param(req, "year_from", &a.q.year_from);
    }
    if (st == STATUS_OK) {
        st = year_param(req, "year_to", &a.q.year_to);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_stats, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    const char *format = http_request_query(req, "format");
    if (format != NULL && strcmp(format, "csv") == 0) {
        char *csv = glotip_stats_csv(&a.q, a.rows, a.count);
        http_respond_bytes(req, 200, "text/csv; charset=utf-8", csv, strlen(csv), true);
        free(csv);
    } else {
        json_t *fields = json_array();
        for (size_t i = 0; i < a.q.by_count; i++) {
            json_array_append_new(fields, json_string(a.q.by[i]));
        }
        json_t *j = glotip_stats_json(&a.q, a.rows, a.count, a.import_id);
        json_object_set_new(j, "by", fields);
        http_respond_json(req, 200, j);
    }
    glotip_stats_free(a.rows, a.count);
}
