/* api_justice: the justice routes (issue 5, part J1; src/justice): investigations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "stats/release.h"
#include "auth/auth.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "justice/justice_int.h"
#include "justice/stats.h"
#include "justice/victims.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "util/jsonin.h"

struct justice_args {
    int64_t id;
    int64_t version;
    struct investigation_input in;
    struct investigation_filter f;
    struct investigation v;
    struct investigation *list;
    size_t count;
};

static void justice_args_free(struct justice_args *a)
{
    investigation_clear(&a->v);
    investigations_free(a->list, a->count);
}

static void inv_respond(struct http_request *req, enum status st, unsigned ok, struct justice_args *a)
{
    if (st == STATUS_OK) {
        http_response_etag(req, a->v.version);
    }
    api__respond(req, st, ok, st == STATUS_OK ? investigation_to_json(&a->v) : NULL);
    justice_args_free(a);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    return investigation_list(ctx, &a->f, &a->list, &a->count);
}

void api_investigations_list(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    a.f.status = http_request_query(req, "status");
    enum status st = http_request_page(req, &a.f.limit, &a.f.offset);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, investigation_to_json(&a.list[i]));
        }
        o = api__items(arr);
        json_object_set_new(o, "limit", json_integer(a.f.limit));
        json_object_set_new(o, "offset", json_integer(a.f.offset));
    }
    api__respond(req, st, 200, o);
    justice_args_free(&a);
}

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    enum status st = investigation_create(ctx, &a->in, &a->id);
    return st == STATUS_OK ? investigation_get(ctx, a->id, &a->v) : st;
}

void api_investigations_create(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = investigation_input_from_json(&a.in, http_request_json(req));
    if (st == STATUS_OK && a.in.status != NULL) {
        st = err_set_field(STATUS_INVALID, "status", "status: a new investigation is open");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_create, &a);
    }
    inv_respond(req, st, 201, &a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    return investigation_get(ctx, a->id, &a->v);
}

void api_investigation_get(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    inv_respond(req, st, 200, &a);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct justice_args *a = p;
    enum status st = investigation_update(ctx, a->id, a->version, &a->in);
    return st == STATUS_OK ? investigation_get(ctx, a->id, &a->v) : st;
}

void api_investigation_patch(struct http_request *req, void *app)
{
    (void)app;
    struct justice_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = investigation_input_from_json(&a.in, http_request_json(req));
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_update, &a);
    }
    inv_respond(req, st, 200, &a);
}

/* Offences, suspects and charges: one set of handlers over the three kinds. */
enum part_kind { PART_OFFENCE, PART_SUSPECT, PART_CHARGE };

struct part_args {
    enum part_kind kind;
    int64_t inv_id, id, version;
    const json_t *in;
    struct justice_offence *offences;
    struct justice_suspect *suspects;
    struct justice_charge *charges;
    size_t count;
};

static void part_args_free(struct part_args *a)
{
    justice_offences_free(a->offences, a->kind == PART_OFFENCE ? a->count : 0);
    justice_suspects_free(a->suspects, a->kind == PART_SUSPECT ? a->count : 0);
    justice_charges_free(a->charges, a->kind == PART_CHARGE ? a->count : 0);
    a->offences = NULL;
    a->suspects = NULL;
    a->charges = NULL;
    a->count = 0;
}

static enum status op_part_list(const struct auth_ctx *ctx, void *p)
{
    struct part_args *a = p;
    switch (a->kind) {
    case PART_OFFENCE: return justice_offences(ctx, a->inv_id, &a->offences, &a->count);
    case PART_SUSPECT: return justice_suspects(ctx, a->inv_id, &a->suspects, &a->count);
    default: return justice_charges(ctx, a->inv_id, &a->charges, &a->count);
    }
}

/* The list, or (one_id != 0) the one row with that id. */
static json_t *part_json(const struct part_args *a, int64_t one_id)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        int64_t id = a->kind == PART_OFFENCE   ? a->offences[i].id
                     : a->kind == PART_SUSPECT ? a->suspects[i].id
                                               : a->charges[i].id;
        json_t *j = a->kind == PART_OFFENCE   ? justice_offence_to_json(&a->offences[i])
                    : a->kind == PART_SUSPECT ? justice_suspect_to_json(&a->suspects[i])
                                              : justice_charge_to_json(&a->charges[i]);
        if (one_id != 0 && id == one_id) {
            json_decref(arr);
            return j;
        }
        json_array_append_new(arr, j);
    }
    if (one_id != 0) {
        json_decref(arr);
        return NULL;
    }
    return api__items(arr);
}

static enum status op_part_add(const struct auth_ctx *ctx, void *p)
{
    struct part_args *a = p;
    enum status st = a->kind == PART_OFFENCE   ? justice_offence_add(ctx, a->inv_id, a->in, &a->id)
                     : a->kind == PART_SUSPECT ? justice_suspect_add(ctx, a->inv_id, a->in, &a->id)
                                               : justice_charge_add(ctx, a->inv_id, a->in, &a->id);
    return st == STATUS_OK ? op_part_list(ctx, a) : st;
}

static enum status op_part_update(const struct auth_ctx *ctx, void *p)
{
    struct part_args *a = p;
    enum status st = a->kind == PART_OFFENCE   ? justice_offence_update(ctx, a->inv_id, a->id, a->version, a->in)
                     : a->kind == PART_SUSPECT ? justice_suspect_update(ctx, a->inv_id, a->id, a->version, a->in)
                                               : justice_charge_update(ctx, a->inv_id, a->id, a->version, a->in);
    return st == STATUS_OK ? op_part_list(ctx, a) : st;
}

static void part_list(struct http_request *req, enum part_kind kind)
{
    struct part_args a = {.kind = kind};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_part_list, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? part_json(&a, 0) : NULL);
    part_args_free(&a);
}

static void part_add(struct http_request *req, enum part_kind kind)
{
    struct part_args a = {.kind = kind, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_part_add, &a);
    }
    json_t *o = st == STATUS_OK ? part_json(&a, a.id) : NULL;
    if (o != NULL) {
        http_response_etag(req, json_integer_value(json_object_get(o, "version")));
    }
    api__respond(req, st, 201, o);
    part_args_free(&a);
}

static void part_patch(struct http_request *req, enum part_kind kind)
{
    struct part_args a = {.kind = kind, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_part_update, &a);
    }
    json_t *o = st == STATUS_OK ? part_json(&a, a.id) : NULL;
    if (o != NULL) {
        http_response_etag(req, json_integer_value(json_object_get(o, "version")));
    }
    api__respond(req, st, 200, o);
    part_args_free(&a);
}

void api_investigation_offences(struct http_request *req, void *app)
{
    (void)app;
    part_list(req, PART_OFFENCE);
}

void api_investigation_offence_add(struct http_request *req, void *app)
{
    (void)app;
    part_add(req, PART_OFFENCE);
}

void api_investigation_offence_patch(struct http_request *req, void *app)
{
    (void)app;
    part_patch(req, PART_OFFENCE);
}

void api_investigation_suspects(struct http_request *req, void *app)
{
    (void)app;
    part_list(req, PART_SUSPECT);
}

void api_investigation_suspect_add(struct http_request *req, void *app)
{
    (void)app;
    part_add(req, PART_SUSPECT);
}

void api_investigation_suspect_patch(struct http_request *req, void *app)
{
    (void)app;
    part_patch(req, PART_SUSPECT);
}

void api_investigation_charges(struct http_request *req, void *app)
{
    (void)app;
    part_list(req, PART_CHARGE);
}

void api_investigation_charge_add(struct http_request *req, void *app)
{
    (void)app;
    part_add(req, PART_CHARGE);
}

void api_investigation_charge_patch(struct http_request *req, void *app)
{
    (void)app;
    part_patch(req, PART_CHARGE);
}

/* Offender statistics. */
struct offender_stats_args {
    struct justice_stats_query q;
    const char *names[JUSTICE_STATS_KEYS];
    size_t names_count;
    struct justice_stat_row *rows;
    size_t count;
};

static enum status op_offender_stats(const struct auth_ctx *ctx, void *p)
{
    struct offender_stats_args *a = p;
    return justice_stats_offenders(ctx, &a->q, a->names, &a->names_count, &a->rows, &a->count);
}

/* The exact rows for a release (api_stats_release). */
static enum status offender_release_rows(const struct auth_ctx *ctx, void *arg, const char *const **names,
                                         size_t *nnames, struct stats_row **rows, size_t *nrows)
{
    struct offender_stats_args *a = arg;
    justice_stats_free(a->rows, a->count);
    a->rows = NULL;
    a->count = 0;
    enum status st = op_offender_stats(ctx, a);
    if (st != STATUS_OK) {
        return st;
    }
    *rows = xcalloc(a->count ? a->count : 1, sizeof **rows);
    for (size_t i = 0; i < a->count; i++) {
        for (size_t d = 0; d < a->names_count && d < STATS_RELEASE_KEYS; d++) {
            (*rows)[i].keys[d] = a->rows[i].keys[d];
        }
        (*rows)[i].count = a->rows[i].count;
    }
    *nrows = a->count;
    *names = a->names;
    *nnames = a->names_count;
    return STATUS_OK;
}

void api_stats_offenders(struct http_request *req, void *app)
{
    (void)app;
    struct offender_stats_args a;
    memset(&a, 0, sizeof a);
    char by[128];
    const char *q = http_request_query(req, "by");
    snprintf(by, sizeof by, "%s", q ? q : "sex");
    char *save = NULL;
    enum status st = STATUS_OK;
    for (char *t = strtok_r(by, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (a.q.by_count == 3) {
            st = err_set_field(STATUS_INVALID, "by", "by: one to three dimensions");
            break;
        }
        a.q.by[a.q.by_count++] = t;
    }
    a.q.stage = http_request_query(req, "stage");
    const char *from = http_request_query(req, "from"), *to = http_request_query(req, "to");
    if (st == STATUS_OK && from && from[0] && util_time_parse(&a.q.from_ms, from) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "from", "from: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && to && to[0] && util_time_parse_end(&a.q.to_ms, to) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "to", "to: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && api_stats_release_wanted(req)) { /* issue 6 item 4: disclosure control */
        json_t *inputs = json_pack("{s[]ssssss}", "by", "stage", a.q.stage ? a.q.stage : "", "from", from ? from : "",
                                   "to", to ? to : "");
        for (size_t d = 0; d < a.q.by_count; d++) {
            json_array_append_new(json_object_get(inputs, "by"), json_string(a.q.by[d]));
        }
        api_stats_release(req, "offenders", inputs, offender_release_rows, &a);
        justice_stats_free(a.rows, a.count);
        return;
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_offender_stats, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    const char *format = http_request_query(req, "format");
    if (format != NULL && strcmp(format, "csv") == 0) {
        char *csv = justice_stats_csv(a.names, a.names_count, a.rows, a.count);
        http_respond_bytes(req, 200, "text/csv; charset=utf-8", csv, strlen(csv), true);
        free(csv);
    } else {
        json_t *dims = json_array();
        for (size_t d = 0; d < a.names_count; d++) {
            json_array_append_new(dims, json_string(a.names[d]));
        }
        http_respond_json(
            req, 200,
            json_pack("{soso}", "by", dims, "rows", justice_stats_json(a.names, a.names_count, a.rows, a.count)));
    }
    justice_stats_free(a.rows, a.count);
}

/* Victims by reference and protection measures. */
struct victim_args {
    int64_t inv_id, id, version, case_id;
    const char *role;
    const json_t *in;
    char *name;
    struct justice_victim *victims;
    struct justice_protection *prot;
    size_t count;
};

static enum status op_victims(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    return justice_victims(ctx, a->inv_id, &a->victims, &a->count);
}

static json_t *victims_json(const struct victim_args *a, int64_t one_id)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        if (one_id != 0 && a->victims[i].id == one_id) {
            json_decref(arr);
            return justice_victim_to_json(&a->victims[i]);
        }
        json_array_append_new(arr, justice_victim_to_json(&a->victims[i]));
    }
    if (one_id != 0) {
        json_decref(arr);
        return NULL;
    }
    return api__items(arr);
}

void api_investigation_victims(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {0};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_victims, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? victims_json(&a, 0) : NULL);
    free(a.victims);
}

static enum status op_victim_link(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    enum status st = justice_victim_link(ctx, a->inv_id, a->case_id, a->role, &a->id);
    return st == STATUS_OK ? op_victims(ctx, a) : st;
}

void api_investigation_victim_link(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {0};
    const json_t *in = http_request_json(req);
    static const char *const keys[] = {"case_id", "role", NULL};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = justice__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        json_t *c = json_object_get(in, "case_id");
        a.case_id = json_is_integer(c) ? json_integer_value(c) : 0;
        st = util_json_str(in, "role", 16, &a.role);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_victim_link, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? victims_json(&a, a.id) : NULL);
    free(a.victims);
}

static enum status op_victim_identity(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    return justice_victim_identity(ctx, a->inv_id, a->id, &a->case_id, &a->name);
}

void api_investigation_victim_identity(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {0};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_victim_identity, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_pack("{sIss}", "id", (json_int_t)a.id, "name", a.name);
        json_object_set_new(o, "case_id", a.case_id ? json_integer(a.case_id) : json_null());
        http_response_header(req, "Cache-Control", "no-store");
    }
    api__respond(req, st, 200, o);
    if (a.name != NULL) {
        vault_plain_free(a.name, strlen(a.name));
    }
}

static enum status op_prot_list(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    return justice_protections(ctx, a->inv_id, &a->prot, &a->count);
}

static json_t *prot_json(const struct victim_args *a, int64_t one_id)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        if (one_id != 0 && a->prot[i].id == one_id) {
            json_decref(arr);
            return justice_protection_to_json(&a->prot[i]);
        }
        json_array_append_new(arr, justice_protection_to_json(&a->prot[i]));
    }
    if (one_id != 0) {
        json_decref(arr);
        return NULL;
    }
    return api__items(arr);
}

void api_investigation_protection(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {0};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_prot_list, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? prot_json(&a, 0) : NULL);
    free(a.prot);
}

static enum status op_prot_add(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    enum status st = justice_protection_add(ctx, a->inv_id, a->in, &a->id);
    return st == STATUS_OK ? op_prot_list(ctx, a) : st;
}

static enum status op_prot_update(const struct auth_ctx *ctx, void *p)
{
    struct victim_args *a = p;
    enum status st = justice_protection_update(ctx, a->inv_id, a->id, a->version, a->in);
    return st == STATUS_OK ? op_prot_list(ctx, a) : st;
}

void api_investigation_protection_add(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {.in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_prot_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? prot_json(&a, a.id) : NULL);
    free(a.prot);
}

void api_investigation_protection_patch(struct http_request *req, void *app)
{
    (void)app;
    struct victim_args a = {.in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_prot_update, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? prot_json(&a, a.id) : NULL);
    free(a.prot);
}
