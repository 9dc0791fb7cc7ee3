/* api_case_records: the routes of a case's perpetrators, support plans and attachments
 * (src/cases/records.h). An upload is the file itself as the body (route flag
 * HTTP_ROUTE_UPLOAD: up to CASE_ATTACHMENT_BYTES_MAX bytes, this route only), with the kind in
 * the query and the file name, percent-encoded, in the X-File-Name header: a file name is
 * personal data and never travels in a URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "cases/records.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

static bool query_true(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

struct rec_args {
    int64_t case_id;
    int64_t id;
    int64_t version;
    bool with_deleted;
    uint32_t mask;
    struct case_perpetrator perp;
    struct case_support_plan plan;
    struct case_perpetrator *perps;
    struct case_support_plan *plans;
    struct case_attachment *atts;
    size_t count;
    /* Uploads and downloads. */
    const char *kind;
    char *file_name;
    const char *declared_type;
    const void *body;
    size_t body_len;
    struct case_attachment meta;
    uint8_t *data;
    size_t data_len;
    json_t *out;
};

static void rec_args_free(struct rec_args *a)
{
    case_perpetrator_clear(&a->perp);
    case_support_plan_clear(&a->plan);
    case_perpetrators_free(a->perps, a->count);
    case_support_plans_free(a->plans, a->count);
    case_attachments_free(a->atts, a->count);
    case_attachment_clear(&a->meta);
    case_attachment_data_free(a->data, a->data_len);
    free(a->file_name);
}

/* Perpetrators. */

static enum status op_perps(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_perpetrators(ctx, a->case_id, a->with_deleted, &a->perps, &a->count);
}

/* The record a change produced, as the principal now reads it. */
static enum status perp_reread(const struct auth_ctx *ctx, struct rec_args *a)
{
    enum status st = case_perpetrators(ctx, a->case_id, true, &a->perps, &a->count);
    for (size_t i = 0; st == STATUS_OK && i < a->count; i++) {
        if (a->perps[i].id == a->id) {
            a->out = case_perpetrator_to_json(&a->perps[i]);
        }
    }
    return st;
}

void api_case_perpetrators(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    a.perp.age = -1;
    a.with_deleted = query_true(req, "include_deleted");
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_perps, &a);
    }
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, case_perpetrator_to_json(&a.perps[i]));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
    rec_args_free(&a);
}

static enum status op_perp_add(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    enum status st = case_perpetrator_add(ctx, a->case_id, &a->perp, &a->id);
    if (st == STATUS_OK) {
        st = perp_reread(ctx, a);
    }
    return st;
}

void api_case_perpetrator_add(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    a.perp.age = -1;
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = case_perpetrator_from_json(&a.perp, http_request_json(req), false, &a.mask);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_perp_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    rec_args_free(&a);
}

static enum status op_perp_update(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    enum status st = case_perpetrator_update(ctx, a->case_id, a->id, a->version, &a->perp, a->mask);
    if (st == STATUS_OK) {
        st = perp_reread(ctx, a);
    }
    return st;
}

void api_case_perpetrator_patch(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    a.perp.age = -1;
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = case_perpetrator_from_json(&a.perp, http_request_json(req), true, &a.mask);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_perp_update, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    rec_args_free(&a);
}

static enum status op_perp_delete(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_perpetrator_delete(ctx, a->case_id, a->id);
}

void api_case_perpetrator_delete(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_perp_delete, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? json_pack("{sb}", "ok", 1) : NULL);
    rec_args_free(&a);
}

/* Support plans. */

static enum status op_plans(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_support_plans(ctx, a->case_id, &a->plans, &a->count);
}

static enum status plan_reread(const struct auth_ctx *ctx, struct rec_args *a)
{
    enum status st = case_support_plans(ctx, a->case_id, &a->plans, &a->count);
    for (size_t i = 0; st == STATUS_OK && i < a->count; i++) {
        if (a->plans[i].id == a->id) {
            a->out = case_support_plan_to_json(&a->plans[i]);
        }
    }
    return st;
}

void api_case_support_plans(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_plans, &a);
    }
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, case_support_plan_to_json(&a.plans[i]));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
    rec_args_free(&a);
}

static enum status op_plan_add(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    enum status st = case_support_plan_add(ctx, a->case_id, &a->plan, &a->id);
    if (st == STATUS_OK) {
        st = plan_reread(ctx, a);
    }
    return st;
}

void api_case_support_plan_add(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = case_support_plan_from_json(&a.plan, http_request_json(req), false, &a.mask);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_plan_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    rec_args_free(&a);
}

static enum status op_plan_update(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    enum status st = case_support_plan_update(ctx, a->case_id, a->id, a->version, &a->plan, a->mask);
    if (st == STATUS_OK) {
        st = plan_reread(ctx, a);
    }
    return st;
}

void api_case_support_plan_patch(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = case_support_plan_from_json(&a.plan, http_request_json(req), true, &a.mask);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_plan_update, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    rec_args_free(&a);
}

/* Attachments. */

static enum status op_atts(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_attachments(ctx, a->case_id, a->with_deleted, &a->atts, &a->count);
}

void api_case_attachments(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    a.with_deleted = query_true(req, "include_deleted");
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_atts, &a);
    }
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, case_attachment_to_json(&a.atts[i]));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
    rec_args_free(&a);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decodes the X-File-Name header (UTF-8 after decoding); NULL header: no name. */
static enum status file_name_header(const char *h, char **out)
{
    *out = NULL;
    if (h == NULL || h[0] == '\0') {
        return STATUS_OK;
    }
    size_t n = strlen(h);
    if (n > 3 * CASE_ATTACHMENT_NAME_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "X-File-Name", "X-File-Name: too long");
    }
    char *s = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '%' && i + 2 < n + 0 && hexval(h[i + 1]) >= 0 && hexval(h[i + 2]) >= 0) {
            s[k++] = (char)(hexval(h[i + 1]) * 16 + hexval(h[i + 2]));
            i += 2;
        } else if (h[i] == '%') {
            free(s);
            return err_set_field(STATUS_INVALID, "X-File-Name", "X-File-Name: percent-encoded UTF-8");
        } else {
            s[k++] = h[i];
        }
    }
    s[k] = '\0';
    *out = s;
    return STATUS_OK;
}

static enum status op_att_add(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    enum status st =
        case_attachment_add(ctx, a->case_id, a->kind, a->file_name, a->declared_type, a->body, a->body_len, &a->id);
    if (st == STATUS_OK) {
        st = case_attachments(ctx, a->case_id, false, &a->atts, &a->count);
    }
    for (size_t i = 0; st == STATUS_OK && i < a->count; i++) {
        if (a->atts[i].id == a->id) {
            a->out = case_attachment_to_json(&a->atts[i]);
        }
    }
    return st;
}

void api_case_attachment_add(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    a.kind = http_request_query(req, "kind");
    a.declared_type = http_request_header(req, "Content-Type");
    a.body = http_request_body(req, &a.body_len);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK && (a.kind == NULL || case_attachment_group(a.kind) == AUTH_FG_NONE)) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: consent_form, identity_document, medical, legal or other");
    }
    if (st == STATUS_OK) {
        st = file_name_header(http_request_header(req, "X-File-Name"), &a.file_name);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_att_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    rec_args_free(&a);
}

static enum status op_att_get(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_attachment_get(ctx, a->case_id, a->id, &a->meta, &a->data, &a->data_len);
}

void api_case_attachment_get(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_att_get, &a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        rec_args_free(&a);
        return;
    }
    /* The file name as RFC 5987 filename*, every byte outside a safe set percent-encoded. */
    struct {
        char text[3 * CASE_ATTACHMENT_NAME_BYTES_MAX + 64];
    } cd;
    size_t k = (size_t)snprintf(cd.text, sizeof cd.text, "attachment; filename*=UTF-8''");
    const char *name = a.meta.file_name && a.meta.file_name[0] ? a.meta.file_name : "attachment";
    for (const unsigned char *c = (const unsigned char *)name; *c && k + 4 < sizeof cd.text; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
            *c == '-' || *c == '_') {
            cd.text[k++] = (char)*c;
        } else {
            k += (size_t)snprintf(cd.text + k, sizeof cd.text - k, "%%%02X", *c);
        }
    }
    cd.text[k] = '\0';
    http_response_header(req, "Content-Disposition", cd.text);
    http_response_header(req, "X-Content-SHA256", a.meta.sha256);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, a.meta.media_type, a.data, a.data_len, true);
    rec_args_free(&a);
}

static enum status op_att_delete(const struct auth_ctx *ctx, void *p)
{
    struct rec_args *a = p;
    return case_attachment_delete(ctx, a->case_id, a->id);
}

void api_case_attachment_delete(struct http_request *req, void *app)
{
    (void)app;
    struct rec_args a;
    memset(&a, 0, sizeof a);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_att_delete, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? json_pack("{sb}", "ok", 1) : NULL);
    rec_args_free(&a);
}
