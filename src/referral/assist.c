/* assist: services delivered (see assist.h), on the record engine of assist_int.h. */
#include "referral/assist.h"

#include <string.h>

#include "referral/assist_int.h"
#include "util/mem.h"
#include "util/util.h"

static const struct arec_field service_fields[] = {
    {"type", AF_CODE, "service_type", true, NULL},
    {"provider", AF_TEXT, NULL, false, NULL},
    {"provider_id", AF_ID, NULL, false, NULL},
    {"support_plan_id", AF_ID, NULL, false, NULL},
    {"start_date", AF_DATE, NULL, false, NULL},
    {"end_date", AF_DATE, NULL, false, NULL},
    {"status", AF_CODE, "service_status", true, "planned"},
    {"outcome", AF_CODE, "service_outcome", false, NULL},
    {"notes", AF_SEALED, NULL, false, NULL},
};

enum auth_field_group assist_service_row_group(const char *type)
{
    static const char *const health[] = {"medical", "medical_infectious", "psychological"};
    for (size_t i = 0; type && i < ARRAY_LEN(health); i++) {
        if (strcmp(type, health[i]) == 0) {
            return AUTH_FG_HEALTH;
        }
    }
    return AUTH_FG_NONE;
}

enum auth_field_group assist_service_notes_group(const char *type)
{
    if (assist_service_row_group(type) == AUTH_FG_HEALTH) {
        return AUTH_FG_HEALTH;
    }
    if (type && strcmp(type, "shelter") == 0) {
        return AUTH_FG_LOCATION;
    }
    if (type && strcmp(type, "legal_aid") == 0) {
        return AUTH_FG_LEGAL;
    }
    return AUTH_FG_NONE;
}

static enum auth_field_group service_row_group(const struct arec *r)
{
    return assist_service_row_group(arec_str(r, "type"));
}

static enum auth_field_group service_notes_group(const struct arec *r)
{
    return assist_service_notes_group(arec_str(r, "type"));
}

static enum status service_check(const struct arec *r)
{
    const char *start = arec_str(r, "start_date"), *end = arec_str(r, "end_date");
    if (start[0] && end[0] && strcmp(end, start) < 0) {
        return err_set_field(STATUS_INVALID, "end_date", "end_date: before start_date");
    }
    return STATUS_OK;
}

/* The support plan a service serves must be one of the case's (after the case was reached). */
static enum status service_after(const struct auth_ctx *ctx, const struct auth_record *rec, const struct arec *old,
                                 const struct arec *r)
{
    (void)rec;
    int i = arec_field_index(r->type, "support_plan_id");
    const struct arec_value *plan = &r->v[i];
    if (!plan->set || (old && old->v[i].set && old->v[i].n == plan->n)) {
        return STATUS_OK;
    }
    struct sql_value k[] = {SQLV_I64(plan->n), SQLV_I64(r->case_id)};
    struct store_rows *rows = NULL;
    enum status st = store_exec_one(ctx->store, STMT_ASSIST_PLAN_OF_CASE, k, 2, &rows);
    store_rows_free(rows);
    if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_INVALID, "support_plan_id", "support_plan_id: not a support plan of this case");
    }
    return st;
}

static const struct arec_type service_type = {
    .name = "service",
    .table = "case_services",
    .prefix = "services",
    .fields = service_fields,
    .nfields = ARRAY_LEN(service_fields),
    .group = AUTH_FG_NONE,
    .ins = STMT_ASSIST_SERVICE_INSERT,
    .list = STMT_ASSIST_SERVICE_LIST,
    .get = STMT_ASSIST_SERVICE_GET,
    .upd = STMT_ASSIST_SERVICE_UPDATE,
    .row_group = service_row_group,
    .sealed_group = service_notes_group,
    .check = service_check,
    .after = service_after,
};

const struct arec_type *assist__type(size_t i)
{
    return i == 0 ? &service_type : NULL;
}

enum status assist_services(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct arec *r = NULL;
    size_t n = 0;
    enum status st = arec_list(ctx, &service_type, case_id, 0, &r, &n);
    if (st == STATUS_OK) {
        *out = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(*out, arec_to_json(&r[i]));
        }
    }
    arecs_free(r, n);
    return st;
}

enum status assist_service_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, json_t **out)
{
    *out = NULL;
    struct arec r;
    enum status st = arec_get(ctx, &service_type, case_id, id, &r);
    if (st == STATUS_OK) {
        *out = arec_to_json(&r);
    }
    arec_clear(&r);
    return st;
}

enum status assist_service_add(const struct auth_ctx *ctx, int64_t case_id, const json_t *in, json_t **out)
{
    if (out) {
        *out = NULL;
    }
    struct arec r;
    arec_init(&r, &service_type);
    int64_t id = 0;
    enum status st = arec_from_json(&r, in, false);
    if (st == STATUS_OK) {
        st = arec_add(ctx, case_id, 0, &r, &id);
    }
    if (st == STATUS_OK && out) {
        st = assist_service_get(ctx, case_id, id, out);
    }
    arec_clear(&r);
    return st;
}

enum status assist_service_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t version,
                                  const json_t *in, json_t **out)
{
    if (out) {
        *out = NULL;
    }
    struct arec r;
    arec_init(&r, &service_type);
    enum status st = arec_from_json(&r, in, true);
    if (st == STATUS_OK) {
        st = arec_update(ctx, case_id, id, version, &r);
    }
    if (st == STATUS_OK && out) {
        st = assist_service_get(ctx, case_id, id, out);
    }
    arec_clear(&r);
    return st;
}

enum status assist_service_cancel(const struct auth_ctx *ctx, int64_t case_id, int64_t id, json_t **out)
{
    struct arec cur;
    enum status st = arec_get(ctx, &service_type, case_id, id, &cur);
    json_t *in = json_pack("{ss}", "status", "cancelled");
    if (st == STATUS_OK) {
        st = assist_service_update(ctx, case_id, id, cur.version, in, out);
    }
    json_decref(in);
    arec_clear(&cur);
    return st;
}

enum status assist_purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    return arec_purge(ctx, STMT_ASSIST_SERVICE_PURGE, case_id, items_out);
}

enum status assist_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    json_t *arr = NULL;
    enum status st = assist_services(ctx, case_id, &arr);
    *out = st == STATUS_OK ? json_pack("{so}", "services", arr) : NULL;
    return st;
}
