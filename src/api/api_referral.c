/* api_referral: the routes of the provider directory, referrals and break-the-glass
 * (src/referral/referral.h). Answers to a referral (accept, reject, complete, revoke) take the
 * referral's version in If-Match when the client has it (optional: a stale one is refused with
 * 409). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "referral/referral.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct ref_args {
    int64_t id;
    int64_t version;
    struct provider_input pin;
    struct provider_filter pf;
    struct provider *provider;
    struct provider **providers;
    struct referral_input rin;
    struct referral *referral;
    struct referral **referrals;
    size_t count;
    const char *box, *state, *code, *note, *reason;
    int64_t owner_id, minutes, limit, offset;
    bool keep_access;
    struct glass_result glass;
};

static void ref_args_free(struct ref_args *a)
{
    provider_free(a->provider);
    provider_list_free(a->providers, a->count);
    referral_input_clear(&a->rin);
    referral_free(a->referral);
    referral_list_free(a->referrals, a->count);
}

/* The optional If-Match version: -1 when absent. */
static enum status version_opt(struct http_request *req, int64_t *out)
{
    *out = -1;
    if (http_request_header(req, "If-Match") == NULL) {
        return STATUS_OK;
    }
    return api__if_match(req, out);
}

static bool query_true(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* Providers. */

static enum status op_providers(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return provider_search(ctx, &a->pf, &a->providers, &a->count);
}

void api_providers_search(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    a.pf.service = http_request_query(req, "service");
    a.pf.language = http_request_query(req, "language");
    a.pf.area = http_request_query(req, "area");
    a.pf.with_capacity = query_true(req, "with_capacity");
    a.pf.include_inactive = query_true(req, "include_inactive");
    enum status st = http_request_page(req, &a.pf.limit, &a.pf.offset);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_providers, &a);
    }
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, provider_to_json(a.providers[i]));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
    ref_args_free(&a);
}

static enum status op_provider_create(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return provider_create(ctx, &a->pin, &a->provider);
}

void api_providers_create(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = provider_input_from_json(&a.pin, http_request_json(req), false);
    char *lists[3] = {NULL, NULL, NULL};
    if (st == STATUS_OK) {
        const char *keys[] = {"services", "languages", "areas"};
        for (int i = 0; i < 3; i++) {
            lists[i] = referral_json_list(json_object_get(http_request_json(req), keys[i]));
        }
        a.pin.services = lists[0];
        a.pin.languages = lists[1];
        a.pin.areas = lists[2];
        st = auth_run(api__ctx(req), op_provider_create, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? provider_to_json(a.provider) : NULL);
    for (int i = 0; i < 3; i++) {
        free(lists[i]);
    }
    ref_args_free(&a);
}

static enum status op_provider_get(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return provider_get(ctx, a->id, &a->provider);
}

void api_provider_get(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_provider_get, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? provider_to_json(a.provider) : NULL);
    ref_args_free(&a);
}

static enum status op_provider_update(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return provider_update(ctx, a->id, a->version, &a->pin, &a->provider);
}

void api_provider_patch(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    char *lists[3] = {NULL, NULL, NULL};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = provider_input_from_json(&a.pin, http_request_json(req), true);
    }
    if (st == STATUS_OK) {
        const char *keys[] = {"services", "languages", "areas"};
        for (int i = 0; i < 3; i++) {
            lists[i] = referral_json_list(json_object_get(http_request_json(req), keys[i]));
        }
        a.pin.services = lists[0];
        a.pin.languages = lists[1];
        a.pin.areas = lists[2];
        st = auth_run(api__ctx(req), op_provider_update, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? provider_to_json(a.provider) : NULL);
    for (int i = 0; i < 3; i++) {
        free(lists[i]);
    }
    ref_args_free(&a);
}

/* Referrals. */

static void referrals_respond(struct http_request *req, enum status st, struct ref_args *a)
{
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a->count; i++) {
            json_array_append_new(arr, referral_to_json(a->referrals[i]));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
}

static enum status op_case_referrals(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return referral_list_case(ctx, a->id, &a->referrals, &a->count);
}

void api_case_referrals(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_case_referrals, &a);
    }
    referrals_respond(req, st, &a);
    ref_args_free(&a);
}

static enum status op_referral_create(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return referral_create(ctx, a->id, &a->rin, &a->referral);
}

void api_case_referral_add(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = referral_input_from_json(&a.rin, http_request_json(req));
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_referral_create, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? referral_to_json(a.referral) : NULL);
    ref_args_free(&a);
}

static enum status op_box(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return referral_list_box(ctx, a->box, a->state, a->limit, a->offset, &a->referrals, &a->count);
}

void api_referrals_list(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    a.box = http_request_query(req, "box");
    a.state = http_request_query(req, "state");
    enum status st = http_request_page(req, &a.limit, &a.offset);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_box, &a);
    }
    referrals_respond(req, st, &a);
    ref_args_free(&a);
}

static enum status op_referral_get(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return referral_get(ctx, a->id, &a->referral);
}

void api_referral_get(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_referral_get, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? referral_to_json(a.referral) : NULL);
    ref_args_free(&a);
}

enum answer { ANSWER_ACCEPT, ANSWER_REJECT, ANSWER_COMPLETE, ANSWER_REVOKE };
struct answer_args {
    struct ref_args a;
    enum answer what;
};

static enum status op_answer(const struct auth_ctx *ctx, void *p)
{
    struct answer_args *x = p;
    struct ref_args *a = &x->a;
    enum status st;
    switch (x->what) {
    case ANSWER_ACCEPT: st = referral_accept(ctx, a->id, a->version, a->owner_id); break;
    case ANSWER_REJECT: st = referral_reject(ctx, a->id, a->version, a->code, a->note); break;
    case ANSWER_COMPLETE: st = referral_complete(ctx, a->id, a->version, a->keep_access); break;
    default: st = referral_revoke(ctx, a->id, a->version); break;
    }
    return st == STATUS_OK ? referral_get(ctx, a->id, &a->referral) : st;
}

static void answer(struct http_request *req, enum answer what)
{
    struct answer_args x = {.what = what};
    struct ref_args *a = &x.a;
    enum status st = api__path_id(req, &a->id);
    if (st == STATUS_OK) {
        st = version_opt(req, &a->version);
    }
    const json_t *body = http_request_json(req);
    if (st == STATUS_OK && body != NULL && !json_is_object(body)) {
        st = err_set(STATUS_INVALID, "the body must be a JSON object");
    }
    if (st == STATUS_OK && body != NULL) {
        const json_t *v = json_object_get(body, "owner_id");
        a->owner_id = json_is_integer(v) ? json_integer_value(v) : 0;
        v = json_object_get(body, "code");
        a->code = json_is_string(v) ? json_string_value(v) : NULL;
        v = json_object_get(body, "note");
        a->note = json_is_string(v) ? json_string_value(v) : NULL;
        a->keep_access = json_is_true(json_object_get(body, "keep_access"));
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_answer, &x);
    }
    api__respond(req, st, 200, st == STATUS_OK ? referral_to_json(a->referral) : NULL);
    ref_args_free(a);
}

void api_referral_accept(struct http_request *req, void *app)
{
    (void)app;
    answer(req, ANSWER_ACCEPT);
}

void api_referral_reject(struct http_request *req, void *app)
{
    (void)app;
    answer(req, ANSWER_REJECT);
}

void api_referral_complete(struct http_request *req, void *app)
{
    (void)app;
    answer(req, ANSWER_COMPLETE);
}

void api_referral_revoke(struct http_request *req, void *app)
{
    (void)app;
    answer(req, ANSWER_REVOKE);
}

/* Break-the-glass. */

static enum status op_glass(const struct auth_ctx *ctx, void *p)
{
    struct ref_args *a = p;
    return referral_glass(ctx, a->id, a->reason, a->minutes, &a->glass);
}

void api_case_break_glass(struct http_request *req, void *app)
{
    (void)app;
    struct ref_args a = {0};
    enum status st = api__path_id(req, &a.id);
    const json_t *body = http_request_json(req);
    if (st == STATUS_OK) {
        const json_t *v = json_object_get(body, "reason");
        a.reason = json_is_string(v) ? json_string_value(v) : NULL;
        v = json_object_get(body, "minutes");
        if (json_is_integer(v)) {
            a.minutes = json_integer_value(v);
        } else if (v != NULL && !json_is_null(v)) {
            st = err_set_field(STATUS_INVALID, "minutes", "minutes: a whole number");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_glass, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "opened", json_boolean(a.glass.opened));
        if (a.glass.opened) {
            json_object_set_new(o, "expires_at_ms", json_integer(a.glass.expires_at_ms));
        }
    }
    api__respond(req, st, 200, o);
    ref_args_free(&a);
}
