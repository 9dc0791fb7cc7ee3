/* api_tasks: the task routes (src/tasks/tasks.h): list and create, read, change (If-Match),
 * complete, cancel, reopen, a case's tasks and "my work". A task's title appears only in the
 * bodies of these responses, never in a URL, log or audit detail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "tasks/tasks.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct task_args {
    int64_t id;
    int64_t version;
    struct task_filter f;
    struct task_new in;
    struct task_change ch;
    enum task_status to;
    struct task *t;
    struct task **list;
    size_t count;
    struct task_my_work w;
};

static void task_args_free(struct task_args *a)
{
    task_free(a->t);
    task_list_free(a->list, a->count);
    task_my_work_clear(&a->w);
}

static json_t *list_json(struct task **list, size_t n)
{
    int64_t now = util_now_ms();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, task_to_json(list[i], now));
    }
    return arr;
}

/* Responds with the task a has read (ETag: its version). */
static void task_respond(struct http_request *req, enum status st, unsigned ok_status, struct task_args *a)
{
    if (st == STATUS_OK && a->t != NULL) {
        http_response_etag(req, a->t->version);
    }
    api__respond(req, st, ok_status, st == STATUS_OK && a->t ? task_to_json(a->t, util_now_ms()) : NULL);
    task_args_free(a);
}

/* A date or date-time query value or JSON member: "" or null clears (0). */
static enum status due_parse(const char *field, const char *text, int64_t *out)
{
    if (text == NULL || text[0] == '\0') {
        *out = 0;
        return STATUS_OK;
    }
    if (strlen(text) > 40 || util_time_parse(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, field, "%s: a date (YYYY-MM-DD) or date-time", field);
    }
    return STATUS_OK;
}

static bool query_true(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    return task_list(ctx, &a->f, &a->list, &a->count);
}

static void list_respond(struct http_request *req, struct task_args *a)
{
    enum status st = http_request_page(req, &a->f.limit, &a->f.offset);
    if (st == STATUS_OK) {
        a->f.status = http_request_query(req, "status");
        a->f.mine = query_true(req, "mine");
        a->f.queue = query_true(req, "queue");
        a->f.overdue = query_true(req, "overdue");
        st = due_parse("due_before", http_request_query(req, "due_before"), &a->f.due_before_ms);
    }
    const char *c = http_request_query(req, "case_id");
    if (st == STATUS_OK && a->f.case_id == 0 && c != NULL &&
        (util_parse_i64(&a->f.case_id, c) != STATUS_OK || a->f.case_id <= 0)) {
        st = err_set_field(STATUS_INVALID, "case_id", "case_id: a case id");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = api__items(list_json(a->list, a->count));
        json_object_set_new(o, "limit", json_integer(a->f.limit));
        json_object_set_new(o, "offset", json_integer(a->f.offset));
    }
    api__respond(req, st, 200, o);
    task_args_free(a);
}

void api_tasks_list(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    list_respond(req, &a);
}

void api_case_tasks(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    enum status st = api__path_id(req, &a.f.case_id);
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    list_respond(req, &a);
}

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    enum status st = task_create(ctx, &a->in, &a->id);
    return st == STATUS_OK ? task_get(ctx, a->id, &a->t) : st;
}

/* An id member: absent leaves *out, null gives 0. */
static enum status id_member(const json_t *b, const char *key, int64_t *out, bool *present)
{
    json_t *v = json_object_get(b, key);
    *present = v != NULL;
    if (v == NULL) {
        return STATUS_OK;
    }
    if (json_is_null(v)) {
        *out = 0;
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, key, "%s: an id or null", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

/* due_at: absent leaves it; null or "" clears. */
static enum status due_member(const json_t *b, int64_t *out, bool *present)
{
    json_t *v = json_object_get(b, "due_at");
    *present = v != NULL;
    if (v == NULL || json_is_null(v)) {
        *out = 0;
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, "due_at", "due_at: a date (YYYY-MM-DD) or null");
    }
    return due_parse("due_at", json_string_value(v), out);
}

static enum status known_members(const json_t *b, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)b, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i] != NULL && !ok; i++) {
            ok = strcmp(key, known[i]) == 0;
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, key, "%s: no such member", key);
        }
    }
    return STATUS_OK;
}

void api_tasks_create(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    const json_t *b = http_request_json(req);
    static const char *const known[] = {"title", "case_id", "owner_id", "due_at", "agency_id", NULL};
    bool present = false;
    enum status st = known_members(b, known);
    if (st == STATUS_OK) {
        st = http_json_string(b, "title", true, TASK_TITLE_BYTES_MAX, &a.in.title);
    }
    if (st == STATUS_OK) {
        st = id_member(b, "case_id", &a.in.case_id, &present);
    }
    if (st == STATUS_OK) {
        st = id_member(b, "owner_id", &a.in.owner_id, &present);
    }
    if (st == STATUS_OK) {
        st = id_member(b, "agency_id", &a.in.agency_id, &present);
    }
    if (st == STATUS_OK) {
        st = due_member(b, &a.in.due_at_ms, &present);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_create, &a);
    }
    task_respond(req, st, 201, &a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    return task_get(ctx, a->id, &a->t);
}

void api_task_get(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    task_respond(req, st, 200, &a);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    enum status st = task_update(ctx, a->id, a->version, &a->ch);
    return st == STATUS_OK ? task_get(ctx, a->id, &a->t) : st;
}

void api_task_patch(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    const json_t *b = http_request_json(req);
    static const char *const known[] = {"title", "owner_id", "due_at", NULL};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = known_members(b, known);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "title", false, TASK_TITLE_BYTES_MAX, &a.ch.title);
    }
    if (st == STATUS_OK) {
        st = id_member(b, "owner_id", &a.ch.owner_id, &a.ch.set_owner);
    }
    if (st == STATUS_OK) {
        st = due_member(b, &a.ch.due_at_ms, &a.ch.set_due);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_update, &a);
    }
    task_respond(req, st, 200, &a);
}

static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    enum status st = task_set_status(ctx, a->id, a->version, a->to);
    return st == STATUS_OK ? task_get(ctx, a->id, &a->t) : st;
}

/* If-Match is optional on these: when given it must be the current version. */
static void status_route(struct http_request *req, enum task_status to)
{
    struct task_args a = {0};
    a.to = to;
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK && http_request_header(req, "If-Match") != NULL) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_status, &a);
    }
    task_respond(req, st, 200, &a);
}

void api_task_complete(struct http_request *req, void *app)
{
    (void)app;
    status_route(req, TASK_DONE);
}

void api_task_cancel(struct http_request *req, void *app)
{
    (void)app;
    status_route(req, TASK_CANCELLED);
}

void api_task_reopen(struct http_request *req, void *app)
{
    (void)app;
    status_route(req, TASK_OPEN);
}

static enum status op_my_work(const struct auth_ctx *ctx, void *p)
{
    struct task_args *a = p;
    return task_my_work(ctx, &a->w);
}

void api_my_work(struct http_request *req, void *app)
{
    (void)app;
    struct task_args a = {0};
    enum status st = auth_run(api__ctx(req), op_my_work, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "mine", list_json(a.w.mine, a.w.mine_count));
        json_object_set_new(o, "queue", list_json(a.w.queue, a.w.queue_count));
        json_object_set_new(o, "counts",
                            json_pack("{sIsIsIsI}", "overdue", (json_int_t)a.w.overdue, "due_this_week",
                                      (json_int_t)a.w.due_soon, "mine", (json_int_t)a.w.mine_count, "queue",
                                      (json_int_t)a.w.queue_count));
    }
    api__respond(req, st, 200, o);
    task_args_free(&a);
}
