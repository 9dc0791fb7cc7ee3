/* api_link_review: the saved linkage runs and the review queue (issue 7, item 3;
 * src/link/review.h). All routes need link.run; the domain narrows to the caller's agency.
 *   GET  /api/v1/link/runs                      the runs, newest first
 *   POST /api/v1/link/runs                      {"a","b" (.clk files, base64url), "threshold",
 *                                               "review_from"}: match and save (201, the run)
 *   GET  /api/v1/link/runs/{id}                 one run
 *   GET  /api/v1/link/runs/{id}/pairs           ?band=match|review&undecided=1 (the queue)
 *   POST /api/v1/link/pairs/{id}/decision       {"decision": "match"|"nonmatch"}, If-Match */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "link/review.h"
#include "util/util.h"

struct review_args {
    int64_t id;
    int64_t version;
    const char *band;
    bool undecided;
    const char *decision;
    json_t *out;
};

static enum status op_runs(const struct auth_ctx *ctx, void *p)
{
    struct review_args *a = p;
    struct link_run *runs = NULL;
    size_t n = 0;
    enum status st = link_runs(ctx, &runs, &n);
    if (st == STATUS_OK) {
        a->out = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(a->out, link_run_to_json(&runs[i]));
        }
    }
    free(runs);
    return st;
}

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct review_args *a = p;
    struct link_run run;
    enum status st = link_run_get(ctx, a->id, &run);
    if (st == STATUS_OK) {
        a->out = link_run_to_json(&run);
    }
    return st;
}

static enum status op_pairs(const struct auth_ctx *ctx, void *p)
{
    struct review_args *a = p;
    struct link_run_pair *pairs = NULL;
    size_t n = 0;
    enum status st = link_run_pairs(ctx, a->id, a->band, a->undecided, &pairs, &n);
    if (st == STATUS_OK) {
        a->out = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(a->out, link_run_pair_to_json(&pairs[i]));
        }
    }
    free(pairs);
    return st;
}

static enum status op_decide(const struct auth_ctx *ctx, void *p)
{
    struct review_args *a = p;
    enum status st = link_pair_decide(ctx, a->id, a->decision, a->version);
    if (st == STATUS_OK) {
        a->out = json_pack("{sIss}", "id", (json_int_t)a->id, "decision", a->decision);
    }
    return st;
}

/* A member holding a .clk file in base64url. */
static enum status file_member(const json_t *in, const char *name, uint8_t **out, size_t *len)
{
    const json_t *v = json_object_get(in, name);
    if (!json_is_string(v) || json_string_length(v) == 0) {
        return err_set_field(STATUS_INVALID, name, "%s: required, an encoded file (.clk) in base64url", name);
    }
    if (util_b64url_decode(out, len, json_string_value(v), json_string_length(v)) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, name, "%s: not base64url", name);
    }
    return STATUS_OK;
}

static enum status number_member(const json_t *in, const char *name, bool required, double *out)
{
    const json_t *v = json_object_get(in, name);
    if (v == NULL && !required) {
        *out = 0;
        return STATUS_OK;
    }
    if (!json_is_number(v)) {
        return err_set_field(STATUS_INVALID, name, "%s: a similarity in (0, 1]", name);
    }
    *out = json_number_value(v);
    return STATUS_OK;
}

struct upload_args {
    const json_t *body;
    json_t *out;
};

/* The permission first (a refusal is a 403 whatever the body), then the body, then the match. */
static enum status op_upload(const struct auth_ctx *ctx, void *p)
{
    struct upload_args *u = p;
    if (auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, true) != STATUS_OK) {
        return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, true, "match upload");
    }
    struct link_run_upload in = {0};
    uint8_t *a = NULL, *b = NULL;
    enum status st = file_member(u->body, "a", &a, &in.a_len);
    if (st == STATUS_OK) {
        st = file_member(u->body, "b", &b, &in.b_len);
    }
    if (st == STATUS_OK) {
        st = number_member(u->body, "threshold", true, &in.threshold);
    }
    if (st == STATUS_OK) {
        st = number_member(u->body, "review_from", false, &in.review_from);
    }
    in.a = a;
    in.b = b;
    struct link_run run;
    if (st == STATUS_OK) {
        st = link_run_match(ctx, &in, &run);
    }
    free(a);
    free(b);
    if (st == STATUS_OK) {
        u->out = link_run_to_json(&run);
    }
    return st;
}

/* POST /api/v1/link/runs. */
void api_link_run_create(struct http_request *req, void *app)
{
    (void)app;
    struct upload_args u = {.body = http_request_json(req)};
    enum status st = auth_run(api__ctx(req), op_upload, &u);
    api__respond(req, st, 201, st == STATUS_OK ? u.out : NULL);
    if (st != STATUS_OK) {
        json_decref(u.out);
    }
}

void api_link_runs(struct http_request *req, void *app)
{
    (void)app;
    struct review_args a = {0};
    enum status st = auth_run(api__ctx(req), op_runs, &a);
    json_t *body = st == STATUS_OK ? api__items(a.out) : NULL;
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    api__respond(req, st, 200, body);
}

void api_link_run(struct http_request *req, void *app)
{
    (void)app;
    struct review_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
}

void api_link_run_pairs(struct http_request *req, void *app)
{
    (void)app;
    struct review_args a = {0};
    const char *band = http_request_query(req, "band"), *undecided = http_request_query(req, "undecided");
    a.band = band != NULL && band[0] != '\0' ? band : NULL;
    a.undecided = undecided != NULL && (strcmp(undecided, "1") == 0 || strcmp(undecided, "true") == 0);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_pairs, &a);
    }
    json_t *body = st == STATUS_OK ? api__items(a.out) : NULL;
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
    api__respond(req, st, 200, body);
}

void api_link_pair_decide(struct http_request *req, void *app)
{
    (void)app;
    struct review_args a = {0};
    enum status st = api__path_id(req, &a.id);
    const json_t *in = http_request_json(req);
    const json_t *d = json_object_get(in, "decision");
    a.decision = json_is_string(d) ? json_string_value(d) : NULL;
    /* The permission before the version: a principal without link.run gets 403, not 428. */
    if (st == STATUS_OK && auth_decide(api__ctx(req), "link.run", NULL, AUTH_FG_NONE, true) != STATUS_OK) {
        a.version = 0;
        st = auth_run(api__ctx(req), op_decide, &a);
    } else if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
        if (st == STATUS_OK) {
            st = auth_run(api__ctx(req), op_decide, &a);
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.out : NULL);
    if (st != STATUS_OK) {
        json_decref(a.out);
    }
}
