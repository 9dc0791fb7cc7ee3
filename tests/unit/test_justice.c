/* test_justice: investigations on SQLite and PostgreSQL: creation and input checks, the sealed
 * title at rest and by field group, scope (agency, own) with out-of-reach reading as absent,
 * permissions (justice.read / justice.write), versioned changes and the audit trail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/vocab.h"
#include "justice/investigation.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t inv_a, inv_own, pros_a, inv_b, worker, coord;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Police A");
    w->agency_b = test_agency(&w->t, "Police B");
    w->inv_a = test_user(&w->t, "inv_a", w->agency_a, "investigator", "agency");
    w->inv_own = test_user(&w->t, "inv_own", w->agency_a, "investigator", "own");
    w->pros_a = test_user(&w->t, "pros_a", w->agency_a, "prosecutor", "agency");
    w->inv_b = test_user(&w->t, "inv_b", w->agency_b, "investigator", "agency");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "own");
    w->coord = test_user(&w->t, "coord", w->agency_a, "national_coordinator", "all");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

struct op {
    int64_t id;
    int64_t version;
    struct investigation_input in;
    struct investigation_filter f;
    struct investigation v;
    struct investigation *list;
    size_t count;
};

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_create, investigation_create(c, &o->in, &o->id))
OPFN(op_get, investigation_get(c, o->id, &o->v))
OPFN(op_list, investigation_list(c, &o->f, &o->list, &o->count))
OPFN(op_update, investigation_update(c, o->id, o->version, &o->in))

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void op_reset(struct op *o)
{
    investigation_clear(&o->v);
    investigations_free(o->list, o->count);
    memset(o, 0, sizeof *o);
}

static void test_justice__investigation(void **state)
{
    struct world *w = *state;
    struct op o;
    memset(&o, 0, sizeof o);
    o.in = (struct investigation_input){
        .reference = "PF/2026/0042", .title = "Operation Harbour: Ade Bello", .opened = "2026-03-01", .country = "NG"};
    assert_int_equal(run_as(w, w->inv_a, op_create, &o), STATUS_OK);
    int64_t id = o.id;

    /* At rest the title is sealed. */
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_INVESTIGATION_GET, k, 1, &r), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 4, &len);
    assert_non_null(blob);
    assert_null(memmem(blob, len, "Bello", 5));
    assert_string_equal(store_rows_text(r, 3), "PF/2026/0042");
    store_rows_free(r);

    /* Read back by the creator and a prosecutor of the agency. */
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->pros_a, op_get, &o), STATUS_OK);
    assert_string_equal(o.v.title, "Operation Harbour: Ade Bello");
    assert_string_equal(o.v.status, "open");
    assert_string_equal(o.v.country, "NGA");
    assert_string_equal(o.v.opened, "2026-03-01");
    assert_int_equal(o.v.owner_id, w->inv_a);
    assert_int_equal(o.v.version, 1);

    /* The coordinator (justice.read, scope all, no fg.legal.read) sees it with the title withheld. */
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->coord, op_get, &o), STATUS_OK);
    assert_null(o.v.title);
    assert_true(o.v.title_withheld);
    json_t *j = investigation_to_json(&o.v);
    char *dump = json_dumps(j, 0);
    assert_null(strstr(dump, "Bello"));
    free(dump);
    json_decref(j);

    /* Another agency's investigator: absent. A caseworker (no justice.read): denied. */
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->inv_b, op_get, &o), STATUS_NOT_FOUND);
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_DENIED);
    /* Scope own: not the owner, absent; absent ids read alike. */
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->inv_own, op_get, &o), STATUS_NOT_FOUND);
    op_reset(&o);
    o.id = 12345;
    assert_int_equal(run_as(w, w->inv_a, op_get, &o), STATUS_NOT_FOUND);

    /* Lists: the agency's, nothing from another agency, denied without justice.read. */
    op_reset(&o);
    o.in = (struct investigation_input){.reference = "PB/7"};
    assert_int_equal(run_as(w, w->inv_b, op_create, &o), STATUS_OK);
    op_reset(&o);
    assert_int_equal(run_as(w, w->inv_a, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.list[0].id, id);
    assert_null(o.list[0].title);
    op_reset(&o);
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 2);
    op_reset(&o);
    assert_int_equal(run_as(w, w->inv_own, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 0);
    op_reset(&o);
    assert_int_equal(run_as(w, w->worker, op_list, &o), STATUS_DENIED);
    op_reset(&o);
    o.f.status = "pending";
    assert_int_equal(run_as(w, w->inv_a, op_list, &o), STATUS_INVALID);

    /* Changes: versioned; the status; the title kept unless given. */
    op_reset(&o);
    o.id = id;
    o.version = 1;
    o.in = (struct investigation_input){.status = "referred_to_prosecution"};
    assert_int_equal(run_as(w, w->inv_a, op_update, &o), STATUS_OK);
    o.in = (struct investigation_input){.status = "closed"};
    assert_int_equal(run_as(w, w->inv_a, op_update, &o), STATUS_CONFLICT);
    o.in = (struct investigation_input){.status = "shelved"};
    o.version = 2;
    assert_int_equal(run_as(w, w->inv_a, op_update, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "status");
    o.in = (struct investigation_input){.status = "closed"};
    assert_int_equal(run_as(w, w->inv_b, op_update, &o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->coord, op_update, &o), STATUS_DENIED);
    op_reset(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->pros_a, op_get, &o), STATUS_OK);
    assert_string_equal(o.v.status, "referred_to_prosecution");
    assert_string_equal(o.v.title, "Operation Harbour: Ade Bello");
    assert_int_equal(o.v.version, 2);

    /* Input checks. */
    op_reset(&o);
    assert_int_equal(run_as(w, w->inv_a, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reference");
    o.in = (struct investigation_input){.reference = "X", .opened = "2026-02-30"};
    assert_int_equal(run_as(w, w->inv_a, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "opened");
    o.in = (struct investigation_input){.reference = "X", .country = "Atlantis"};
    assert_int_equal(run_as(w, w->inv_a, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    o.in = (struct investigation_input){.reference = "X", .agency_id = w->agency_b};
    assert_int_equal(run_as(w, w->inv_a, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "agency_id");
    o.in = (struct investigation_input){.reference = "X"};
    assert_int_equal(run_as(w, w->worker, op_create, &o), STATUS_DENIED);

    /* Audited: the creation and the reads; the title in no audit detail. */
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter f = {.record_type = "investigation", .record_id = id, .limit = 200};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    bool created = false, read = false, denied = false;
    for (size_t i = 0; i < n; i++) {
        created = created || strcmp(e[i].action, "justice.investigation.create") == 0;
        read = read || strcmp(e[i].action, "justice.read") == 0;
        denied = denied || strcmp(e[i].outcome, "denied") == 0;
        assert_null(strstr(e[i].detail, "Bello"));
    }
    assert_true(created && read && denied);
    audit_entries_free(e, n);
    op_reset(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_justice__investigation, setup, teardown),
    };
    TEST_RUN_BOTH("justice", tests, NULL, NULL);
}
