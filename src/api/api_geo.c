/* api_geo: the statistics reference data and flows (issue 6, part S1):
 * GET /api/v1/stats/flows, GET|PUT /api/v1/stats/regions, GET|POST /api/v1/stats/population,
 * GET|PUT /api/v1/stats/settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "stats/flows.h"
#include "stats/regions.h"
#include "util/mem.h"
#include "util/util.h"

struct geo_args {
    const json_t *body;
    const char *country, *region, *subregion, *name, *csv;
    char value[32];
    bool reset;
    size_t rows;
    struct stats_region_row *regions;
    struct stats_population_row *pop;
    size_t count;
    struct stats_flows_query q;
    struct stats_flows *flows;
    json_t *settings;
};

static const char *body_text(const json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Flows. */

static enum status op_flows(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    return stats_flows(ctx, &a->q, &a->flows);
}

void api_stats_flows(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    enum status st = STATUS_OK;
    const char *from = http_request_query(req, "from"), *to = http_request_query(req, "to");
    const char *threshold = http_request_query(req, "threshold");
    if (from && from[0] && util_time_parse(&a.q.from_ms, from) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "from", "from: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && to && to[0] && util_time_parse_end(&a.q.to_ms, to) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "to", "to: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && threshold && threshold[0]) {
        char *end = NULL;
        long v = strtol(threshold, &end, 10);
        if (end == threshold || *end != '\0' || v < 1 || v > STATS_FLOW_THRESHOLD_MAX) {
            st = err_set_field(STATUS_INVALID, "threshold", "threshold: a whole number from 1 to %d",
                               STATS_FLOW_THRESHOLD_MAX);
        }
        a.q.threshold = v;
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_flows, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    const char *format = http_request_query(req, "format");
    if (format != NULL && strcmp(format, "csv") == 0) {
        char *csv = stats_flows_csv(a.flows);
        http_respond_bytes(req, 200, "text/csv; charset=utf-8", csv, strlen(csv), true);
        free(csv);
    } else {
        http_respond_json(req, 200, stats_flows_json(a.flows));
    }
    stats_flows_free(a.flows);
}

/* Regions. */

static enum status op_regions(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    return stats_regions_list(ctx, &a->regions, &a->count);
}

static json_t *regions_body(struct geo_args *a)
{
    size_t nr, ns;
    const char *const *rc = stats_regions_codes(&nr);
    const char *const *sc = stats_subregions_codes(&ns);
    json_t *regions = json_array();
    for (size_t i = 0; i < nr; i++) {
        json_t *subs = json_array();
        for (size_t k = 0; k < ns; k++) {
            if (strcmp(stats_subregion_region(sc[k]), rc[i]) == 0) {
                json_array_append_new(subs, json_pack("{ssss}", "code", sc[k], "name", stats_region_name(sc[k])));
            }
        }
        json_array_append_new(
            regions, json_pack("{ssssso}", "code", rc[i], "name", stats_region_name(rc[i]), "subregions", subs));
    }
    return json_pack("{sssoso}", "version", stats_regions_version(), "regions", regions, "countries",
                     stats_regions_json(a->regions, a->count));
}

void api_stats_regions(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    enum status st = auth_run(api__ctx(req), op_regions, &a);
    api__respond(req, st, 200, st == STATUS_OK ? regions_body(&a) : NULL);
    free(a.regions);
}

static enum status op_region_put(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    enum status st =
        a->reset ? stats_region_clear(ctx, a->country) : stats_region_set(ctx, a->country, a->region, a->subregion);
    return st == STATUS_OK ? stats_regions_list(ctx, &a->regions, &a->count) : st;
}

void api_stats_regions_put(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    a.body = http_request_json(req);
    enum status st = STATUS_OK;
    if (!json_is_object(a.body)) {
        st = err_set(STATUS_INVALID, "the body must be a JSON object");
    } else {
        a.country = body_text(a.body, "country");
        a.subregion = body_text(a.body, "subregion");
        a.region = body_text(a.body, "region");
        a.reset = json_is_true(json_object_get(a.body, "reset"));
        if (a.country == NULL) {
            st = err_set_field(STATUS_INVALID, "country", "country: required (ISO alpha-3)");
        } else if (!a.reset && a.subregion == NULL) {
            st = err_set_field(STATUS_INVALID, "subregion", "subregion: required (or \"reset\": true)");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_region_put, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? regions_body(&a) : NULL);
    free(a.regions);
}

/* Population. */

static enum status op_population(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    return stats_population_list(ctx, a->country, &a->pop, &a->count);
}

static json_t *population_body(struct geo_args *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        json_array_append_new(arr, json_pack("{sssisI}", "country", a->pop[i].country, "year", a->pop[i].year,
                                             "population", (json_int_t)a->pop[i].population));
    }
    return api__items(arr);
}

void api_stats_population(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    a.country = http_request_query(req, "country");
    enum status st = auth_run(api__ctx(req), op_population, &a);
    api__respond(req, st, 200, st == STATUS_OK ? population_body(&a) : NULL);
    free(a.pop);
}

static enum status op_population_import(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    return stats_population_import(ctx, a->name, a->csv, strlen(a->csv), &a->rows);
}

void api_stats_population_import(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    a.body = http_request_json(req);
    enum status st = STATUS_OK;
    a.csv = body_text(a.body, "csv");
    a.name = body_text(a.body, "name");
    if (!json_is_object(a.body) || a.csv == NULL) {
        st = err_set_field(STATUS_INVALID, "csv", "csv: the file's text (header country,year,population)");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_population_import, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? json_pack("{sI}", "rows", (json_int_t)a.rows) : NULL);
}

/* Settings. */

static enum status op_settings(const struct auth_ctx *ctx, void *p)
{
    struct geo_args *a = p;
    enum status st = a->value[0] ? stats_setting_put(ctx, "flow_threshold", a->value) : STATUS_OK;
    return st == STATUS_OK ? stats_settings_json(ctx, &a->settings) : st;
}

void api_stats_settings(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    enum status st = auth_run(api__ctx(req), op_settings, &a);
    api__respond(req, st, 200, st == STATUS_OK ? a.settings : NULL);
}

void api_stats_settings_put(struct http_request *req, void *app)
{
    (void)app;
    struct geo_args a;
    memset(&a, 0, sizeof a);
    a.body = http_request_json(req);
    const json_t *v = json_object_get(a.body, "flow_threshold");
    enum status st = STATUS_OK;
    if (!json_is_integer(v)) {
        st = err_set_field(STATUS_INVALID, "flow_threshold", "flow_threshold: a whole number from 1 to %d",
                           STATS_FLOW_THRESHOLD_MAX);
    } else {
        snprintf(a.value, sizeof a.value, "%lld", (long long)json_integer_value(v));
        if (json_integer_value(v) < 0) {
            snprintf(a.value, sizeof a.value, "x"); /* refused with the range by stats_setting_put */
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_settings, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.settings : NULL);
}
