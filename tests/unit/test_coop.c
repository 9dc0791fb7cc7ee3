/* test_coop: international cooperation requests on SQLite and PostgreSQL: input checks, the status
 * history and its legal transitions, the deadline task raised before the deadline and resolved at
 * the end, overdue in get and list, scope (another agency's request reads as absent; no
 * justice.read: denied), the sealed person sought, and response-time figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "justice/coop.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "testlib.h"

#define DAY (24LL * 3600 * 1000)

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t inv, inv_b, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency_a = test_agency(&w->t, "Police A");
    w->agency_b = test_agency(&w->t, "Police B");
    w->inv = test_user(&w->t, "inv", w->agency_a, "investigator", "agency");
    w->inv_b = test_user(&w->t, "invb", w->agency_b, "investigator", "agency");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "agency");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    util_clock_offset_set(0);
    test_env_close(&w->t);
    free(w);
    return 0;
}

struct call {
    const json_t *in;
    int64_t id, version;
    json_t *out;
    struct coop_filter f;
};

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return coop_add(ctx, c->in, &c->id);
}
static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return coop_get(ctx, c->id, &c->out);
}
static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return coop_list(ctx, &c->f, &c->out);
}
static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return coop_status_set(ctx, c->id, c->version, c->in);
}
static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return coop_stats(ctx, 0, 0, &c->out);
}

static enum status add(struct test_as *as, json_t *in, int64_t *id)
{
    struct call c = {in, 0, 0, NULL, {0}};
    enum status st = auth_run(&as->ctx, op_add, &c);
    if (getenv("TEST_VERBOSE")) {
        fprintf(stderr, "add: %d %s\n", st, err_last());
    }
    json_decref(in);
    *id = c.id;
    return st;
}

static json_t *get(struct test_as *as, int64_t id, enum status *st)
{
    struct call c = {NULL, id, 0, NULL, {0}};
    *st = auth_run(&as->ctx, op_get, &c);
    return c.out;
}

static enum status status_to(struct test_as *as, int64_t id, const char *to, const char *reason, const char *at)
{
    json_t *in = json_pack("{ss}", "status", to);
    if (reason) {
        json_object_set_new(in, "reason", json_string(reason));
    }
    if (at) {
        json_object_set_new(in, "at", json_string(at));
    }
    struct call c = {in, id, 0, NULL, {0}};
    enum status st = auth_run(&as->ctx, op_status, &c);
    json_decref(in);
    return st;
}

static json_t *extradition(const char *sent, const char *deadline)
{
    json_t *o = json_pack("{ss ss ss ss ss ss ss ss ss s[ss]}", "direction", "outgoing", "kind", "extradition",
                          "requesting_state", "NGA", "requested_state", "GBR", "legal_basis", "untoc_16",
                          "person_sought", "Jane Roe", "our_reference", "EXT-1", "sent_at", sent, "deadline", deadline,
                          "measures", "arrest", "surrender");
    json_object_set_new(o, "documents", json_pack("[{ss ss}]", "title", "Arrest warrant of Jane Roe", "date", sent));
    return o;
}

/* The coop_deadline tasks in `status` the user sees. */
struct tasks_call {
    const char *status;
    size_t found;
    int64_t due;
};

static enum status op_tasks(const struct auth_ctx *ctx, void *p)
{
    struct tasks_call *c = p;
    struct task **list = NULL;
    size_t n = 0;
    struct task_filter f = {0};
    f.status = c->status;
    enum status st = task_list(ctx, &f, &list, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        if (strcmp(list[i]->kind, TASK_KIND_COOP_DEADLINE) == 0) {
            c->found++;
            c->due = list[i]->due_at_ms;
        }
    }
    task_list_free(list, n);
    return st;
}

static size_t deadline_tasks(struct test_as *as, const char *status, int64_t *due)
{
    struct tasks_call c = {status, 0, 0};
    assert_int_equal(auth_run(&as->ctx, op_tasks, &c), STATUS_OK);
    *due = c.due;
    return c.found;
}

static void test_coop__input(void **state)
{
    struct world *w = *state;
    struct test_as inv;
    test_as_user(&w->t, &inv, w->inv);
    int64_t id = 0;
    json_t *o = extradition("2026-01-10", "2026-03-01");
    json_object_set_new(o, "requested_state", json_string("gb"));
    assert_int_equal(add(&inv, o, &id), STATUS_INVALID);
    assert_string_equal(err_last_field(), "requested_state");
    o = extradition("2026-01-10", "2026-03-01");
    json_object_set_new(o, "legal_basis", json_string("bilateral_treaty"));
    assert_int_equal(add(&inv, o, &id), STATUS_INVALID);
    assert_string_equal(err_last_field(), "treaty_name");
    o = extradition("2026-01-10", "2025-03-01");
    assert_int_equal(add(&inv, o, &id), STATUS_INVALID);
    assert_string_equal(err_last_field(), "deadline");
    o = extradition("2026-01-10", "2026-03-01");
    json_object_set_new(o, "measures", json_pack("[s]", "torture"));
    assert_int_equal(add(&inv, o, &id), STATUS_INVALID);
    assert_string_equal(err_last_field(), "measures");
    o = extradition("2026-01-10", "2026-03-01");
    json_object_set_new(o, "owner_id", json_integer(w->inv_b)); /* a user of another agency */
    assert_int_equal(add(&inv, o, &id), STATUS_INVALID);
    assert_string_equal(err_last_field(), "owner_id");
    auth_principal_clear(&inv.p);
}

/* Done when: a request past its deadline shows as overdue, and a task was raised before. */
static void test_coop__deadline_and_overdue(void **state)
{
    struct world *w = *state;
    struct test_as inv;
    test_as_user(&w->t, &inv, w->inv);
    char sent[32], deadline[32];
    int64_t now = util_now_ms();
    util_time_iso(sent, now - 5 * DAY);
    util_time_iso(deadline, now + 30 * DAY);
    int64_t id = 0, due = 0;
    assert_int_equal(add(&inv, extradition(sent, deadline), &id), STATUS_OK);
    /* The task is there at once, due COOP_DEADLINE_NOTICE_DAYS before the deadline. */
    assert_int_equal(deadline_tasks(&inv, "open", &due), 1);
    int64_t dl = 0;
    assert_int_equal(util_time_parse(&dl, deadline), STATUS_OK);
    assert_int_equal(due, dl - COOP_DEADLINE_NOTICE_DAYS * DAY);
    enum status st;
    json_t *o = get(&inv, id, &st);
    assert_int_equal(st, STATUS_OK);
    assert_false(json_is_true(json_object_get(o, "overdue")));
    assert_string_equal(json_string_value(json_object_get(o, "status")), "sent");
    assert_string_equal(json_string_value(json_object_get(o, "person_sought")), "Jane Roe");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "documents"), 0), "title")),
                        "Arrest warrant of Jane Roe");
    json_decref(o);

    /* Past the deadline: overdue in get and in the overdue list. */
    util_clock_offset_set(40 * DAY);
    o = get(&inv, id, &st);
    assert_int_equal(st, STATUS_OK);
    assert_true(json_is_true(json_object_get(o, "overdue")));
    json_decref(o);
    struct call c = {0};
    c.f.overdue = true;
    c.f.limit = 50;
    assert_int_equal(auth_run(&inv.ctx, op_list, &c), STATUS_OK);
    assert_int_equal(json_array_size(c.out), 1);
    assert_true(json_is_true(json_object_get(json_array_get(c.out, 0), "overdue")));
    assert_null(json_object_get(json_array_get(c.out, 0), "person_sought"));
    json_decref(c.out);

    /* Transitions: illegal ones refused; refused needs a reason code; executed ends it. */
    assert_int_equal(status_to(&inv, id, "draft", NULL, NULL), STATUS_CONFLICT);
    assert_int_equal(status_to(&inv, id, "refused", NULL, NULL), STATUS_INVALID);
    assert_int_equal(status_to(&inv, id, "acknowledged", NULL, NULL), STATUS_OK);
    assert_int_equal(status_to(&inv, id, "executed", NULL, NULL), STATUS_OK);
    assert_int_equal(status_to(&inv, id, "in_progress", NULL, NULL), STATUS_CONFLICT);
    o = get(&inv, id, &st);
    assert_false(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_array_size(json_object_get(o, "history")), 3);
    json_decref(o);
    assert_int_equal(deadline_tasks(&inv, "open", &due), 0);
    assert_int_equal(deadline_tasks(&inv, "done", &due), 1);
    util_clock_offset_set(0);
    auth_principal_clear(&inv.p);
}

static void test_coop__scope(void **state)
{
    struct world *w = *state;
    struct test_as inv, inv_b, worker;
    test_as_user(&w->t, &inv, w->inv);
    test_as_user(&w->t, &inv_b, w->inv_b);
    test_as_user(&w->t, &worker, w->worker);
    int64_t id = 0;
    assert_int_equal(add(&inv, extradition("2026-01-10", "2026-12-01"), &id), STATUS_OK);
    enum status st;
    json_t *o = get(&inv_b, id, &st);
    assert_int_equal(st, STATUS_NOT_FOUND);
    assert_null(o);
    o = get(&worker, id, &st);
    assert_int_equal(st, STATUS_DENIED);
    assert_int_equal(add(&worker, extradition("2026-01-10", "2026-12-01"), &id), STATUS_DENIED);
    struct call c = {0};
    c.f.limit = 50;
    assert_int_equal(auth_run(&inv_b.ctx, op_list, &c), STATUS_OK);
    assert_int_equal(json_array_size(c.out), 0);
    json_decref(c.out);
    auth_principal_clear(&inv.p);
    auth_principal_clear(&inv_b.p);
    auth_principal_clear(&worker.p);
}

static void test_coop__stats(void **state)
{
    struct world *w = *state;
    struct test_as inv;
    test_as_user(&w->t, &inv, w->inv_b);
    static const char *const done[] = {"2026-01-11", "2026-01-21", "2026-02-10"}; /* 10, 20, 40 days */
    for (size_t i = 0; i < 3; i++) {
        int64_t id = 0;
        json_t *o = json_pack("{ss ss ss ss ss ss}", "direction", "incoming", "kind", "mla", "requesting_state", "FRA",
                              "requested_state", "NGA", "legal_basis", "untoc_18", "received_at", "2026-01-01");
        assert_int_equal(add(&inv, o, &id), STATUS_OK);
        assert_int_equal(status_to(&inv, id, "executed", NULL, done[i]), STATUS_OK);
    }
    struct call c = {0};
    assert_int_equal(auth_run(&inv.ctx, op_stats, &c), STATUS_OK);
    json_t *groups = json_object_get(c.out, "groups");
    assert_int_equal(json_array_size(groups), 1);
    json_t *g = json_array_get(groups, 0);
    assert_string_equal(json_string_value(json_object_get(g, "direction")), "incoming");
    assert_int_equal(json_integer_value(json_object_get(g, "count")), 3);
    assert_int_equal(json_integer_value(json_object_get(g, "completed")), 3);
    assert_true(json_number_value(json_object_get(g, "median_days")) == 20.0);
    assert_true(json_number_value(json_object_get(g, "p90_days")) == 40.0);
    assert_int_equal(json_integer_value(json_object_get(g, "overdue")), 0);
    json_decref(c.out);
    auth_principal_clear(&inv.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coop__input),
        cmocka_unit_test(test_coop__deadline_and_overdue),
        cmocka_unit_test(test_coop__scope),
        cmocka_unit_test(test_coop__stats),
    };
    TEST_RUN_BOTH("coop", tests, setup, teardown);
}
