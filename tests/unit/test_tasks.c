/* test_tasks: the tasks module on SQLite and PostgreSQL: manual tasks with sealed titles (never in
 * the audit), owners limited to active users of the task's agency, visibility by scope and by the
 * case a task is tied to, changes with versions, complete/cancel/reopen, list filters, my work
 * with its counts, automatic tasks raised and resolved by key, and a case's purge wiping titles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/protect.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "tasks/remind.h"
#include "tasks/tasks.h"
#include "testlib.h"

#define DAY_MS 86400000LL
#define TITLE "Visit Ms Example at the shelter"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t sup, w1, w2, other, analyst, gone;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Agency A");
    w->agency_b = test_agency(&w->t, "Agency B");
    w->sup = test_user(&w->t, "sup", w->agency_a, "case_supervisor", "agency");
    w->w1 = test_user(&w->t, "worker1", w->agency_a, "caseworker", "own");
    w->w2 = test_user(&w->t, "worker2", w->agency_a, "caseworker", "own");
    w->other = test_user(&w->t, "other", w->agency_b, "case_supervisor", "agency");
    w->analyst = test_user(&w->t, "analyst", w->agency_a, "analyst", "all");
    w->gone = test_user(&w->t, "gone", w->agency_a, "caseworker", "own");
    struct auth_user *u = NULL;
    struct auth_user_input in = {.disabled = 1};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct auth_user *cur = NULL;
    assert_int_equal(auth_user_get(&w->t.ctx, w->gone, &cur), STATUS_OK);
    assert_int_equal(auth_user_update(&w->t.ctx, w->gone, cur->version, &in, &u), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_user_free(cur);
    auth_user_free(u);
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

struct op {
    int64_t id, version, case_id;
    struct task_new in;
    struct task_change ch;
    struct task_filter f;
    enum task_status to;
    struct task *t;
    struct task **list;
    size_t count;
    struct task_my_work mw;
    struct case_record *rec;
    struct purge_report rep;
    struct task_raise raise;
    const char *key;
};

static void op_clear(struct op *o)
{
    task_free(o->t);
    task_list_free(o->list, o->count);
    task_my_work_clear(&o->mw);
    case_record_free(o->rec);
    purge_report_clear(&o->rep);
    memset(o, 0, sizeof *o);
}

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_create, task_create(c, &o->in, &o->id))
OPFN(op_get, task_get(c, o->id, &o->t))
OPFN(op_list, task_list(c, &o->f, &o->list, &o->count))
OPFN(op_update, task_update(c, o->id, o->version, &o->ch))
OPFN(op_status, task_set_status(c, o->id, o->version, o->to))
OPFN(op_my_work, task_my_work(c, &o->mw))
OPFN(op_raise, task_raise(c, &o->raise, &o->id))
OPFN(op_resolve, task_resolve(c, o->key, TASK_DONE))
OPFN(op_case_get, case_get(c, o->case_id, &o->rec))
OPFN(op_close, case_close(c, o->case_id, o->version, "Closed", NULL))
OPFN(op_purge, protect_purge_case(c, o->case_id, &o->rep))

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Tasked");
    if (st == STATUS_OK) {
        st = case_create(c, &in, &o->rec);
    }
    case_record_clear(&in);
    return st;
}

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static int64_t make_case(struct world *w, int64_t uid)
{
    struct op o = {0};
    assert_int_equal(run_as(w, uid, op_case_create, &o), STATUS_OK);
    int64_t id = o.rec->id;
    op_clear(&o);
    return id;
}

static int64_t add_task(struct world *w, int64_t uid, const char *title, int64_t case_id, int64_t owner, int64_t due)
{
    struct op o = {0};
    o.in = (struct task_new){title, case_id, owner, due, 0};
    assert_int_equal(run_as(w, uid, op_create, &o), STATUS_OK);
    int64_t id = o.id;
    op_clear(&o);
    return id;
}

static bool listed(struct op *o, int64_t id)
{
    for (size_t i = 0; i < o->count; i++) {
        if (o->list[i]->id == id) {
            return true;
        }
    }
    return false;
}

static void test_tasks__create_sealed_and_audited(void **state)
{
    struct world *w = *state;
    int64_t now = util_now_ms();
    int64_t id = add_task(w, w->w1, TITLE, 0, w->w1, now + 3 * DAY_MS);
    struct op o = {0};
    o.id = id;
    assert_int_equal(run_as(w, w->w1, op_get, &o), STATUS_OK);
    assert_string_equal(o.t->title, TITLE);
    assert_string_equal(o.t->kind, "manual");
    assert_int_equal(o.t->agency_id, w->agency_a);
    assert_int_equal(o.t->owner_id, w->w1);
    assert_int_equal(o.t->status, TASK_OPEN);
    json_t *j = task_to_json(o.t, now);
    assert_string_equal(json_string_value(json_object_get(j, "title")), TITLE);
    assert_false(json_is_true(json_object_get(j, "overdue")));
    json_decref(j);
    op_clear(&o);

    /* At rest the title is sealed. */
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_TASK_GET, k, 1, &r), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 3, &len);
    assert_non_null(blob);
    assert_null(memmem(blob, len, "Example", 7));
    store_rows_free(r);

    /* Read and write are audited; the title is in no audit detail. */
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter f = {.record_type = "task", .record_id = id, .limit = 100};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    bool created = false, read = false;
    for (size_t i = 0; i < n; i++) {
        created = created || strcmp(e[i].action, "task.create") == 0;
        read = read || strcmp(e[i].action, "task.read") == 0;
        assert_null(strstr(e[i].detail, "Example"));
    }
    assert_true(created && read);
    audit_entries_free(e, n);

    /* Input checks: title, owner of another agency, disabled owner. */
    o.in = (struct task_new){"", 0, 0, 0, 0};
    assert_int_equal(run_as(w, w->w1, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "title");
    char long_title[TASK_TITLE_BYTES_MAX + 2];
    memset(long_title, 'x', sizeof long_title - 1);
    long_title[sizeof long_title - 1] = '\0';
    o.in = (struct task_new){long_title, 0, 0, 0, 0};
    assert_int_equal(run_as(w, w->w1, op_create, &o), STATUS_INVALID);
    o.in = (struct task_new){"t", 0, w->other, 0, 0};
    assert_int_equal(run_as(w, w->w1, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "owner_id");
    o.in = (struct task_new){"t", 0, w->gone, 0, 0};
    assert_int_equal(run_as(w, w->w1, op_create, &o), STATUS_INVALID);
    o.in = (struct task_new){"t", 0, 0, 0, w->agency_b};
    assert_int_equal(run_as(w, w->w1, op_create, &o), STATUS_INVALID);
    /* No task.write: the analyst. */
    o.in = (struct task_new){"t", 0, 0, 0, 0};
    assert_int_equal(run_as(w, w->analyst, op_create, &o), STATUS_DENIED);
    o.id = id;
    assert_int_equal(run_as(w, w->analyst, op_get, &o), STATUS_DENIED);
    op_clear(&o);
}

static void test_tasks__visibility(void **state)
{
    struct world *w = *state;
    int64_t case1 = make_case(w, w->w1); /* owned by w1: w2 (scope own) cannot read it */
    int64_t own1 = add_task(w, w->w1, "mine", 0, w->w1, 0);
    int64_t queue = add_task(w, w->sup, "queue", 0, 0, 0);
    int64_t on_case = add_task(w, w->w1, "case work", case1, 0, 0);
    int64_t of_w2 = add_task(w, w->sup, "for w2", 0, w->w2, 0);
    int64_t in_b = add_task(w, w->other, "agency b", 0, 0, 0);

    struct op o = {0};
    o.f.limit = 500;
    assert_int_equal(run_as(w, w->w2, op_list, &o), STATUS_OK);
    assert_true(listed(&o, queue) && listed(&o, of_w2));
    assert_false(listed(&o, own1) || listed(&o, on_case) || listed(&o, in_b));
    op_clear(&o);
    o.f.limit = 500;
    assert_int_equal(run_as(w, w->sup, op_list, &o), STATUS_OK);
    assert_true(listed(&o, queue) && listed(&o, of_w2) && listed(&o, own1) && listed(&o, on_case));
    assert_false(listed(&o, in_b));
    op_clear(&o);

    /* Out of reach reads as absent. */
    o.id = on_case;
    assert_int_equal(run_as(w, w->w2, op_get, &o), STATUS_NOT_FOUND);
    o.id = own1;
    assert_int_equal(run_as(w, w->w2, op_get, &o), STATUS_NOT_FOUND);
    o.id = queue;
    assert_int_equal(run_as(w, w->other, op_get, &o), STATUS_NOT_FOUND);
    o.id = queue;
    assert_int_equal(run_as(w, w->w2, op_get, &o), STATUS_OK);
    op_clear(&o);
    /* A task on a case the creator may not read cannot be made. */
    o.in = (struct task_new){"t", case1, 0, 0, 0};
    assert_int_equal(run_as(w, w->w2, op_create, &o), STATUS_NOT_FOUND);
    /* Filters: a case's tasks, mine, the queue. */
    op_clear(&o);
    o.f.case_id = case1;
    assert_int_equal(run_as(w, w->sup, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.list[0]->id, on_case);
    op_clear(&o);
    o.f.mine = true;
    o.f.limit = 500;
    assert_int_equal(run_as(w, w->w2, op_list, &o), STATUS_OK);
    assert_true(listed(&o, of_w2));
    assert_false(listed(&o, queue));
    op_clear(&o);
    o.f.queue = true;
    o.f.limit = 500;
    assert_int_equal(run_as(w, w->w2, op_list, &o), STATUS_OK);
    assert_true(listed(&o, queue));
    assert_false(listed(&o, of_w2) || listed(&o, in_b));
    op_clear(&o);
}

static void test_tasks__changes(void **state)
{
    struct world *w = *state;
    int64_t id = add_task(w, w->sup, "change me", 0, 0, 0);
    struct op o = {0};
    o.id = id;
    assert_int_equal(run_as(w, w->sup, op_get, &o), STATUS_OK);
    int64_t v = o.t->version;
    op_clear(&o);

    /* Reassign with the version; a stale version conflicts; owners checked. */
    o.id = id;
    o.version = v;
    o.ch = (struct task_change){.set_owner = true, .owner_id = w->w2, .set_due = true, .due_at_ms = util_now_ms()};
    assert_int_equal(run_as(w, w->sup, op_update, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->sup, op_update, &o), STATUS_CONFLICT);
    o.version = v + 1;
    o.ch = (struct task_change){.set_owner = true, .owner_id = w->other};
    assert_int_equal(run_as(w, w->sup, op_update, &o), STATUS_INVALID);
    o.ch = (struct task_change){.title = "renamed"};
    assert_int_equal(run_as(w, w->sup, op_update, &o), STATUS_OK);
    op_clear(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->w2, op_get, &o), STATUS_OK);
    assert_string_equal(o.t->title, "renamed");
    assert_int_equal(o.t->owner_id, w->w2);
    assert_int_equal(o.t->version, v + 2);
    op_clear(&o);
    /* w1 no longer reaches it (owned by w2). */
    o.id = id;
    o.to = TASK_DONE;
    assert_int_equal(run_as(w, w->w1, op_status, &o), STATUS_NOT_FOUND);
    /* Complete, not twice; reopen; cancel. */
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_CONFLICT);
    o.to = TASK_OPEN;
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_CONFLICT);
    o.to = TASK_CANCELLED;
    o.version = 1; /* stale */
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_CONFLICT);
    o.version = 0;
    assert_int_equal(run_as(w, w->w2, op_status, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->w2, op_get, &o), STATUS_OK);
    assert_int_equal(o.t->status, TASK_CANCELLED);
    assert_int_equal(o.t->done_by, w->w2);
    op_clear(&o);
}

static void test_tasks__my_work_and_automatic(void **state)
{
    struct world *w = *state;
    int64_t now = util_now_ms();
    int64_t c = make_case(w, w->w1);
    int64_t late = add_task(w, w->w1, "late", 0, w->w1, now - 2 * DAY_MS);
    int64_t soon = add_task(w, w->w1, "soon", 0, w->w1, now + 2 * DAY_MS);
    int64_t later = add_task(w, w->w1, "later", 0, w->w1, now + 30 * DAY_MS);
    int64_t undated = add_task(w, w->w1, "undated", 0, w->w1, 0);
    /* An automatic task, raised for the case, idempotent by key, then resolved. */
    struct op o = {0};
    o.raise = (struct task_raise){
        TASK_KIND_REFLECTION_ENDING, "reflection_ending:42", c, "", 0, w->agency_a, w->w1, now + DAY_MS};
    assert_int_equal(run_as(w, w->w1, op_raise, &o), STATUS_OK);
    int64_t auto_id = o.id;
    o.raise.due_at_ms = now + 3 * DAY_MS;
    assert_int_equal(run_as(w, w->w1, op_raise, &o), STATUS_OK);
    assert_int_equal(o.id, auto_id);
    op_clear(&o);

    assert_int_equal(run_as(w, w->w1, op_my_work, &o), STATUS_OK);
    /* Mine: dated first by due date (overdue first), undated last. */
    size_t at_late = 99, at_soon = 99, at_later = 99, at_undated = 99, at_auto = 99;
    for (size_t i = 0; i < o.mw.mine_count; i++) {
        int64_t id = o.mw.mine[i]->id;
        at_late = id == late ? i : at_late;
        at_soon = id == soon ? i : at_soon;
        at_later = id == later ? i : at_later;
        at_undated = id == undated ? i : at_undated;
        at_auto = id == auto_id ? i : at_auto;
    }
    assert_true(at_late < at_soon && at_soon < at_auto && at_auto < at_later && at_later < at_undated &&
                at_undated < o.mw.mine_count);
    assert_null(o.mw.mine[at_auto]->title);
    assert_string_equal(o.mw.mine[at_auto]->kind, "reflection_ending");
    assert_int_equal(o.mw.mine[at_auto]->due_at_ms, now + 3 * DAY_MS);
    assert_true(o.mw.overdue >= 1);
    assert_true(o.mw.due_soon >= 2);
    for (size_t i = 0; i < o.mw.queue_count; i++) {
        assert_int_equal(o.mw.queue[i]->owner_id, 0);
        assert_int_equal(o.mw.queue[i]->agency_id, w->agency_a);
    }
    int64_t overdue_before = o.mw.overdue;
    op_clear(&o);
    /* Overdue filter. */
    o.f.overdue = true;
    o.f.mine = true;
    assert_int_equal(run_as(w, w->w1, op_list, &o), STATUS_OK);
    assert_true(listed(&o, late));
    assert_false(listed(&o, soon));
    op_clear(&o);
    /* Completing the late one lowers the overdue count. */
    o.id = late;
    o.to = TASK_DONE;
    assert_int_equal(run_as(w, w->w1, op_status, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(run_as(w, w->w1, op_my_work, &o), STATUS_OK);
    assert_int_equal(o.mw.overdue, overdue_before - 1);
    op_clear(&o);
    /* Resolving the key ends the automatic task; an automatic task has no title to set. */
    o.id = auto_id;
    o.ch.title = "x";
    assert_int_equal(run_as(w, w->w1, op_get, &o), STATUS_OK);
    o.version = o.t->version;
    assert_int_equal(run_as(w, w->w1, op_update, &o), STATUS_INVALID);
    o.key = "reflection_ending:42";
    assert_int_equal(run_as(w, w->w1, op_resolve, &o), STATUS_OK);
    task_free(o.t);
    o.t = NULL;
    assert_int_equal(run_as(w, w->w1, op_get, &o), STATUS_OK);
    assert_int_equal(o.t->status, TASK_DONE);
    op_clear(&o);
}

static void test_tasks__purge_wipes_titles(void **state)
{
    struct world *w = *state;
    int64_t c = make_case(w, w->sup);
    int64_t id = add_task(w, w->sup, TITLE, c, 0, 0);
    struct op o = {0};
    o.case_id = c;
    assert_int_equal(auth_run(&w->t.ctx, op_case_get, &o), STATUS_OK);
    o.version = o.rec->version;
    assert_int_equal(auth_run(&w->t.ctx, op_close, &o), STATUS_OK);
    assert_int_equal(auth_run(&w->t.ctx, op_purge, &o), STATUS_OK);
    op_clear(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->sup, op_get, &o), STATUS_OK);
    assert_null(o.t->title);
    op_clear(&o);
}

static enum status op_remind_set(const struct auth_ctx *c, void *p)
{
    return task_remind_settings_set(c, p);
}

static char *slurp(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (util_file_read(&text, &len, path, 1 << 20) != STATUS_OK) {
        return xstrdup("");
    }
    return text;
}

static void test_tasks__email_reminders(void **state)
{
    struct world *w = *state;
    /* A user with an e-mail address, owning an overdue and a soon task, and a far one. */
    struct auth_user *u = NULL;
    struct auth_user_input in = {.username = "mailed",
                                 .email = "mailed@a.example.org",
                                 .agency_id = w->agency_a,
                                 .role = "caseworker",
                                 .disabled = -1,
                                 .password = "correct horse battery"};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_user_create(&w->t.ctx, &in, &u, NULL), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    int64_t mailed = u->id;
    auth_user_free(u);
    int64_t now = util_now_ms();
    int64_t c = make_case(w, w->sup);
    add_task(w, w->sup, TITLE, c, mailed, now - DAY_MS);
    add_task(w, w->sup, "Zeta call", 0, mailed, now + DAY_MS);
    add_task(w, w->sup, "Omega visit", 0, mailed, now + 30 * DAY_MS);

    char script[300], out[300], bad[300];
    snprintf(out, sizeof out, "%s/mail.out", w->t.dir);
    snprintf(script, sizeof script, "%s/mail.sh", w->t.dir);
    snprintf(bad, sizeof bad, "%s/fail.sh", w->t.dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\ncat >> '%s'\necho \"--- $*\" >> '%s'\n", out, out);
    fclose(f);
    chmod(script, 0755);
    f = fopen(bad, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\ncat > /dev/null\nexit 3\n");
    fclose(f);
    chmod(bad, 0755);

    /* Off by default: nothing is sent. */
    struct task_remind_report rep;
    bool enabled = true;
    assert_int_equal(task_remind_run(&w->t.ctx, false, &enabled, &rep, NULL, NULL), STATUS_OK);
    assert_false(enabled);
    assert_int_equal(rep.sent, 0);
    assert_false(util_file_exists(out));

    /* Settings: the operator only; no shell syntax; an absolute path to an executable. */
    struct task_remind_settings s = {.enabled = true, .days = 3};
    snprintf(s.from, sizeof s.from, "ctis@a.example.org");
    snprintf(s.base_url, sizeof s.base_url, "https://ctis.example.org");
    snprintf(s.mail_command, sizeof s.mail_command, "%s -t; rm -rf /", script);
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_INVALID);
    snprintf(s.mail_command, sizeof s.mail_command, "mail.sh -t");
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_INVALID);
    snprintf(s.mail_command, sizeof s.mail_command, "%s -t", script);
    snprintf(s.from, sizeof s.from, "ctis@a.example.org\nBcc: x@evil.example");
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_INVALID);
    snprintf(s.from, sizeof s.from, "ctis@a.example.org");
    struct test_as sup;
    test_as_user(&w->t, &sup, w->sup);
    assert_int_equal(auth_run(&sup.ctx, op_remind_set, &s), STATUS_DENIED);
    auth_principal_clear(&sup.p);
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_OK);

    /* A dry run sends nothing; the run sends one digest with no title, no name. */
    struct task_remind_digest *d = NULL;
    size_t n = 0;
    assert_int_equal(task_remind_run(&w->t.ctx, true, &enabled, &rep, &d, &n), STATUS_OK);
    assert_true(enabled);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (d[i].user_id == mailed) {
            found = true;
            assert_int_equal(d[i].overdue, 1);
            assert_int_equal(d[i].due_soon, 1);
        }
    }
    assert_true(found);
    task_remind_digests_free(d, n);
    assert_false(util_file_exists(out));
    assert_int_equal(task_remind_run(&w->t.ctx, false, &enabled, &rep, NULL, NULL), STATUS_OK);
    assert_true(rep.sent >= 1);
    assert_int_equal(rep.failed, 0);
    char *mail = slurp(out);
    assert_non_null(strstr(mail, "To: mailed@a.example.org"));
    assert_non_null(strstr(mail, "From: ctis@a.example.org"));
    assert_non_null(strstr(mail, "https://ctis.example.org/#/my-work"));
    char cid[32];
    snprintf(cid, sizeof cid, "case %lld", (long long)c);
    assert_non_null(strstr(mail, cid));
    assert_non_null(strstr(mail, "--- -t"));
    assert_null(strstr(mail, "Example"));
    assert_null(strstr(mail, "Zeta"));
    assert_null(strstr(mail, "Omega"));
    assert_non_null(strstr(mail, "1 overdue, 1 due soon"));
    assert_null(strstr(mail, "Tasked")); /* the case's given name */
    size_t first_len = strlen(mail);
    free(mail);

    /* At most once a day: again today sends nothing; tomorrow again. */
    assert_int_equal(task_remind_run(&w->t.ctx, false, &enabled, &rep, NULL, NULL), STATUS_OK);
    assert_int_equal(rep.sent, 0);
    mail = slurp(out);
    assert_int_equal(strlen(mail), first_len);
    free(mail);
    util_clock_offset_set(DAY_MS);
    /* A failing command is counted, and the user is not marked (tried again next run). */
    snprintf(s.mail_command, sizeof s.mail_command, "%s", bad);
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_OK);
    assert_int_equal(task_remind_run(&w->t.ctx, false, &enabled, &rep, NULL, NULL), STATUS_OK);
    assert_true(rep.failed >= 1);
    assert_int_equal(rep.sent, 0);
    snprintf(s.mail_command, sizeof s.mail_command, "%s", script);
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_OK);
    assert_int_equal(task_remind_run(&w->t.ctx, false, &enabled, &rep, NULL, NULL), STATUS_OK);
    assert_true(rep.sent >= 1);
    util_clock_offset_set(0);
    /* Off again. */
    s.enabled = false;
    assert_int_equal(auth_run(&w->t.ctx, op_remind_set, &s), STATUS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tasks__create_sealed_and_audited),
        cmocka_unit_test(test_tasks__visibility),
        cmocka_unit_test(test_tasks__changes),
        cmocka_unit_test(test_tasks__my_work_and_automatic),
        cmocka_unit_test(test_tasks__purge_wipes_titles),
        cmocka_unit_test(test_tasks__email_reminders),
    };
    TEST_RUN_BOTH("tasks", tests, setup, teardown);
}
