/* api_pathway: the routes of a case's referral pathway (src/referral/pathway.h), the pathway
 * settings per country, and a case's child safeguards (src/referral/child.h). Changes to the
 * pathway take If-Match with the pathway's version (0 for a case still at first_contact); a stale
 * version answers 412. Each change answers with the pathway (or child view) as it now reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "referral/child.h"
#include "referral/pathway.h"
#include "util/mem.h"
#include "util/util.h"

struct pw_args {
    int64_t case_id;
    int64_t sub_id;
    int64_t version;
    const json_t *body;
    struct pathway_move move;
    struct pathway_not_victim nv;
    struct child_flags flags;
    int days;
    bool flag;
    const char *s1, *s2, *s3, *s4, *s5;
    struct pathway *p;
    struct child_info *child;
    struct pathway_setting *settings;
    size_t count;
    int64_t id;
};

static void pw_args_free(struct pw_args *a)
{
    pathway_free(a->p);
    child_info_free(a->child);
    free(a->settings);
}

static enum status reread(const struct auth_ctx *ctx, struct pw_args *a)
{
    return pathway_get(ctx, a->case_id, &a->p);
}

static void pw_respond(struct http_request *req, enum status st, struct pw_args *a)
{
    if (st == STATUS_CONFLICT && (strstr(err_last(), "is stale") != NULL || strstr(err_last(), "someone else"))) {
        st = STATUS_PRECONDITION;
    }
    if (st == STATUS_OK && a->p != NULL) {
        http_response_etag(req, a->p->version);
    }
    api__respond(req, st, 200, st == STATUS_OK && a->p ? pathway_to_json(a->p) : NULL);
    pw_args_free(a);
}

/* {id} and If-Match. */
static enum status pw_begin(struct http_request *req, struct pw_args *a, bool versioned)
{
    memset(a, 0, sizeof *a);
    enum status st = api__path_id(req, &a->case_id);
    if (st == STATUS_OK && versioned) {
        st = api__if_match(req, &a->version);
    }
    a->body = http_request_json(req);
    return st;
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    return reread(ctx, p);
}

void api_pathway_get(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    pw_respond(req, st, &a);
}

static enum status op_move(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = pathway_move(ctx, a->case_id, a->version, &a->move);
    return st == STATUS_OK ? reread(ctx, a) : st;
}

void api_pathway_transition(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, true);
    if (st == STATUS_OK) {
        st = pathway_move_from_json(&a.move, a.body);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_move, &a);
    }
    pw_respond(req, st, &a);
}

static enum status op_not_victim(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = pathway_not_victim(ctx, a->case_id, a->version, &a->nv);
    return st == STATUS_OK ? reread(ctx, a) : st;
}

void api_pathway_not_victim(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, true);
    if (st == STATUS_OK) {
        st = pathway_not_victim_from_json(&a.nv, a.body);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_not_victim, &a);
    }
    pw_respond(req, st, &a);
}

static enum status op_extend(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = pathway_reflection_extend(ctx, a->case_id, a->version, a->days, a->s1);
    return st == STATUS_OK ? reread(ctx, a) : st;
}

static enum status body_str(const json_t *o, const char *key, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a text value", key);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

static enum status body_int(const json_t *o, const char *key, int *out, bool required)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        return required ? err_set_field(STATUS_INVALID, key, "%s: required, a whole number", key) : STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < -100000 || json_integer_value(v) > 100000) {
        return err_set_field(STATUS_INVALID, key, "%s: a whole number", key);
    }
    *out = (int)json_integer_value(v);
    return STATUS_OK;
}

static enum status body_object(const json_t *o)
{
    return json_is_object(o) ? STATUS_OK : err_set(STATUS_INVALID, "a JSON object is expected");
}

void api_pathway_extend(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, true);
    if (st == STATUS_OK) {
        st = body_object(a.body);
    }
    if (st == STATUS_OK) {
        st = body_int(a.body, "days", &a.days, true);
    }
    if (st == STATUS_OK) {
        st = body_str(a.body, "reason", &a.s1);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_extend, &a);
    }
    pw_respond(req, st, &a);
}

static enum status op_no_removal(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = pathway_no_removal_set(ctx, a->case_id, a->version, a->flag, a->s1);
    return st == STATUS_OK ? reread(ctx, a) : st;
}

void api_pathway_no_removal(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, true);
    if (st == STATUS_OK) {
        st = body_object(a.body);
    }
    json_t *v = st == STATUS_OK ? json_object_get(a.body, "no_removal") : NULL;
    if (st == STATUS_OK && !json_is_boolean(v)) {
        st = err_set_field(STATUS_INVALID, "no_removal", "no_removal: required, true or false");
    }
    if (st == STATUS_OK) {
        a.flag = json_is_true(v);
        st = body_str(a.body, "reason", &a.s1);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_no_removal, &a);
    }
    pw_respond(req, st, &a);
}

/* Settings. */

static json_t *settings_json(const struct pw_args *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        const struct pathway_setting *s = &a->settings[i];
        json_t *o = json_pack("{sssisiso}", "country", s->country, "reflection_days", s->reflection_days,
                              "task_lead_days", s->task_lead_days, "updated_at", api__time(s->updated_at_ms));
        json_object_set_new(o, "actor", json_string(s->actor));
        json_array_append_new(arr, o);
    }
    json_t *out = api__items(arr);
    json_object_set_new(out, "defaults",
                        json_pack("{sisisi}", "reflection_days", PATHWAY_REFLECTION_DAYS_DEFAULT, "task_lead_days",
                                  PATHWAY_LEAD_DAYS_DEFAULT, "minimum_reflection_days", PATHWAY_REFLECTION_DAYS_MIN));
    return out;
}

static enum status op_settings(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    return pathway_settings_list(ctx, &a->settings, &a->count);
}

void api_pathway_settings_get(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    memset(&a, 0, sizeof a);
    enum status st = auth_run(api__ctx(req), op_settings, &a);
    api__respond(req, st, 200, st == STATUS_OK ? settings_json(&a) : NULL);
    pw_args_free(&a);
}

static enum status op_settings_put(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = pathway_settings_put(ctx, a->s1, a->days, (int)a->id, a->flag);
    return st == STATUS_OK ? pathway_settings_list(ctx, &a->settings, &a->count) : st;
}

void api_pathway_settings_put(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    memset(&a, 0, sizeof a);
    a.body = http_request_json(req);
    int lead = PATHWAY_LEAD_DAYS_DEFAULT;
    enum status st = body_object(a.body);
    if (st == STATUS_OK) {
        st = body_str(a.body, "country", &a.s1);
    }
    json_t *reset = st == STATUS_OK ? json_object_get(a.body, "reset") : NULL;
    a.flag = json_is_true(reset);
    if (st == STATUS_OK && !a.flag) {
        st = body_int(a.body, "reflection_days", &a.days, true);
    }
    if (st == STATUS_OK && !a.flag) {
        st = body_int(a.body, "task_lead_days", &lead, false);
    }
    a.id = lead;
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_settings_put, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? settings_json(&a) : NULL);
    pw_args_free(&a);
}

/* Children. */

static enum status child_reread(const struct auth_ctx *ctx, struct pw_args *a)
{
    return child_get(ctx, a->case_id, &a->child);
}

static void child_respond(struct http_request *req, enum status st, unsigned ok, struct pw_args *a)
{
    json_t *body = NULL;
    if (st == STATUS_OK && a->child) {
        body = child_info_to_json(a->child);
        if (a->id) {
            json_object_set_new(body, "created_id", json_integer(a->id));
        }
    }
    api__respond(req, st, ok, body);
    pw_args_free(a);
}

static enum status op_child_get(const struct auth_ctx *ctx, void *p)
{
    return child_reread(ctx, p);
}

void api_child_get(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_child_get, &a);
    }
    child_respond(req, st, 200, &a);
}

static enum status op_child_put(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = child_flags_set(ctx, a->case_id, &a->flags);
    return st == STATUS_OK ? child_reread(ctx, a) : st;
}

void api_child_put(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = child_flags_from_json(&a.flags, a.body);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_child_put, &a);
    }
    child_respond(req, st, 200, &a);
}

static enum status op_guardian_add(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = child_guardian_add(ctx, a->case_id, a->s1, a->s2, a->s3, &a->id);
    return st == STATUS_OK ? child_reread(ctx, a) : st;
}

void api_child_guardian_add(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = body_object(a.body);
    }
    if (st == STATUS_OK) {
        st = body_str(a.body, "name", &a.s1);
    }
    if (st == STATUS_OK) {
        st = body_str(a.body, "organisation", &a.s2);
    }
    if (st == STATUS_OK) {
        st = body_str(a.body, "appointed", &a.s3);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_guardian_add, &a);
    }
    child_respond(req, st, 201, &a);
}

static enum status op_guardian_end(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = child_guardian_end(ctx, a->case_id, a->sub_id, a->s1);
    return st == STATUS_OK ? child_reread(ctx, a) : st;
}

void api_child_guardian_end(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.sub_id);
    }
    if (st == STATUS_OK && a.body != NULL) {
        st = body_object(a.body);
        if (st == STATUS_OK) {
            st = body_str(a.body, "ended", &a.s1);
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_guardian_end, &a);
    }
    child_respond(req, st, 200, &a);
}

static enum status op_bid_add(const struct auth_ctx *ctx, void *p)
{
    struct pw_args *a = p;
    enum status st = child_bid_add(ctx, a->case_id, a->s1, a->s2, a->s3, a->s4, a->s5, &a->id);
    return st == STATUS_OK ? child_reread(ctx, a) : st;
}

void api_child_bid_add(struct http_request *req, void *app)
{
    (void)app;
    struct pw_args a;
    enum status st = pw_begin(req, &a, false);
    if (st == STATUS_OK) {
        st = body_object(a.body);
    }
    static const char *const keys[] = {"kind", "date", "deciding_body", "solution", "note"};
    const char **dst[] = {&a.s1, &a.s2, &a.s3, &a.s4, &a.s5};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(keys); i++) {
        st = body_str(a.body, keys[i], dst[i]);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_bid_add, &a);
    }
    child_respond(req, st, 201, &a);
}
