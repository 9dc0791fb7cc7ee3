/* test_assist: services delivered and legal-status records (src/referral/assist.h, legal.h) on
 * SQLite and PostgreSQL: validation with errors naming the member, versions and conflicts,
 * field-group withholding (health services hidden, shelter notes withheld, legal records refused
 * without fg.legal.read), amounts in minor units, the return's consent, risk and child checks,
 * the non-punishment record, follow-ups, the purge of sealed values and the history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/protect.h"
#include "cases/vocab.h"
#include "referral/assist.h"
#include "referral/assist_int.h"
#include "referral/child.h"
#include "referral/legal.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a;
    int64_t worker, investigator, nolegal, supervisor;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Agency A");
    w->worker = test_user(&w->t, "worker-a", w->agency_a, "caseworker", "agency");
    w->investigator = test_user(&w->t, "investigator-a", w->agency_a, "investigator", "agency");
    w->supervisor = test_user(&w->t, "supervisor-a", w->agency_a, "case_supervisor", "agency");
    /* Writes cases, health and location, but no legal group. */
    static const char *const perms[] = {"case.read",        "case.write",       "fg.health.read",
                                        "fg.health.write",  "fg.location.read", "fg.location.write",
                                        "fg.identity.read", "fg.identity.write"};
    struct auth_role *role = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_role_create(&w->t.ctx, "nolegal", "test", false, perms, ARRAY_LEN(perms), NULL, 0, &role),
                     STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_role_free(role);
    w->nolegal = test_user(&w->t, "nolegal-a", w->agency_a, "nolegal", "agency");
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

/* One operation's arguments and results. */
struct op {
    int64_t case_id, id, parent, version;
    enum legal_kind kind;
    json_t *in;
    json_t *out;
    struct case_record *rec;
    struct case_change *history;
    size_t count;
    int64_t items;
};

static void op_clear(struct op *o)
{
    json_decref(o->in);
    json_decref(o->out);
    case_record_free(o->rec);
    case_history_free(o->history, o->history ? o->count : 0);
    int64_t case_id = o->case_id;
    memset(o, 0, sizeof *o);
    o->case_id = case_id;
}

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_svc_add, assist_service_add(c, o->case_id, o->in, &o->out))
OPFN(op_svc_list, assist_services(c, o->case_id, &o->out))
OPFN(op_svc_get, assist_service_get(c, o->case_id, o->id, &o->out))
OPFN(op_svc_update, assist_service_update(c, o->case_id, o->id, o->version, o->in, &o->out))
OPFN(op_svc_cancel, assist_service_cancel(c, o->case_id, o->id, &o->out))
OPFN(op_legal_all, legal_all(c, o->case_id, &o->out))
OPFN(op_legal_add, legal_add(c, o->kind, o->case_id, o->parent, o->in, &o->out))
OPFN(op_legal_update, legal_update(c, o->kind, o->case_id, o->id, o->version, o->in, &o->out))
OPFN(op_legal_list, legal_list(c, o->kind, o->case_id, o->parent, &o->out))
OPFN(op_np_put, legal_non_punishment_put(c, o->case_id, o->version, o->in, &o->out))
OPFN(op_history, case_history(c, o->case_id, &o->history, &o->count))

static enum status op_purge(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    int64_t a = 0, b = 0;
    enum status st = assist_purge(c, o->case_id, &a);
    if (st == STATUS_OK) {
        st = legal_purge(c, o->case_id, &b);
    }
    o->items = a + b;
    return st;
}

/* Records a best-interests determination recommending return for o->case_id. */
static enum status op_bid_return(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return child_bid_add(c, o->case_id, "determination", "2026-05-01", "Child protection panel", "return", NULL, NULL);
}

static bool make_child; /* op_case_create makes a 15-year-old */

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Assisted");
    if (st == STATUS_OK && make_child) {
        st = case_value_parse(&in, CASE_F_age, "15");
    }
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

static int64_t make_case(struct world *w)
{
    struct op o = {0};
    assert_int_equal(run_as(w, w->worker, op_case_create, &o), STATUS_OK);
    int64_t id = o.rec->id;
    op_clear(&o);
    return id;
}

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL) {
        fail_msg("bad test json: %s", e.text);
    }
    return j;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(null)";
}

static int64_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static bool withheld(const json_t *o, const char *member)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "withheld"), i, v)
    {
        if (strcmp(json_string_value(v), member) == 0) {
            return true;
        }
    }
    return false;
}

/* Adds a service as the worker; returns its id. */
static int64_t svc_add(struct world *w, int64_t cid, const char *json)
{
    struct op o = {.case_id = cid, .in = js(json)};
    enum status st = run_as(w, w->worker, op_svc_add, &o);
    if (st != STATUS_OK) {
        fail_msg("service add: %s", err_last());
    }
    int64_t id = num(o.out, "id");
    op_clear(&o);
    return id;
}

static void expect_invalid(struct world *w, auth_op_fn fn, struct op *o, const char *json, const char *field)
{
    o->in = js(json);
    assert_int_equal(run_as(w, w->worker, fn, o), STATUS_INVALID);
    assert_string_equal(err_last_field(), field);
    json_decref(o->in);
    o->in = NULL;
}

static void test_assist__services(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    int64_t sid = svc_add(w, cid,
                          "{\"type\":\"Shelter\",\"provider\":\"Safe House North\",\"provider_id\":77,"
                          "\"start_date\":\"2026-05-01\",\"notes\":\"Room 4, Harbour Street\"}");
    struct op o = {.case_id = cid, .id = sid};
    assert_int_equal(run_as(w, w->worker, op_svc_get, &o), STATUS_OK);
    assert_string_equal(str(o.out, "type"), "shelter");
    assert_string_equal(str(o.out, "status"), "planned");
    assert_string_equal(str(o.out, "notes"), "Room 4, Harbour Street");
    assert_int_equal(num(o.out, "provider_id"), 77);
    assert_int_equal(num(o.out, "version"), 1);
    op_clear(&o);

    /* Update with the version; a stale one conflicts. */
    o.id = sid;
    o.version = 1;
    o.in = js("{\"status\":\"ongoing\",\"outcome\":\"partly\",\"end_date\":\"2026-06-30\"}");
    assert_int_equal(run_as(w, w->worker, op_svc_update, &o), STATUS_OK);
    assert_string_equal(str(o.out, "status"), "ongoing");
    assert_string_equal(str(o.out, "notes"), "Room 4, Harbour Street");
    assert_int_equal(num(o.out, "version"), 2);
    op_clear(&o);
    o.id = sid;
    o.version = 1;
    o.in = js("{\"status\":\"completed\"}");
    assert_int_equal(run_as(w, w->worker, op_svc_update, &o), STATUS_CONFLICT);
    op_clear(&o);

    /* Validation names the member. */
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"spa\"}", "type");
    expect_invalid(w, op_svc_add, &o, "{\"provider\":\"x\"}", "type");
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"medical\",\"colour\":\"red\"}", "colour");
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"education\",\"start_date\":\"2026-02-30\"}", "start_date");
    expect_invalid(w, op_svc_add, &o,
                   "{\"type\":\"education\",\"start_date\":\"2026-05-02\",\"end_date\":\"2026-05-01\"}", "end_date");
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"education\",\"provider_id\":-3}", "provider_id");
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"education\",\"status\":\"maybe\"}", "status");
    expect_invalid(w, op_svc_add, &o, "{\"type\":\"education\",\"support_plan_id\":99}", "support_plan_id");

    /* Cancel (the DELETE of the API). */
    o.id = sid;
    assert_int_equal(run_as(w, w->worker, op_svc_cancel, &o), STATUS_OK);
    assert_string_equal(str(o.out, "status"), "cancelled");
    assert_int_equal(num(o.out, "version"), 3);
    op_clear(&o);

    /* The history names sealed members, never their values. */
    assert_int_equal(run_as(w, w->worker, op_history, &o), STATUS_OK);
    bool seen = false;
    for (size_t i = 0; i < o.count; i++) {
        char *t = json_dumps(o.history[i].changes, 0);
        assert_null(strstr(t, "Harbour"));
        seen = seen || strstr(t, "services/") != NULL;
        free(t);
    }
    assert_true(seen);
    op_clear(&o);
}

static void test_assist__health_and_location(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    int64_t shelter = svc_add(w, cid, "{\"type\":\"shelter\",\"notes\":\"Hidden address\"}");
    int64_t hiv = svc_add(w, cid, "{\"type\":\"HIV\",\"provider\":\"Clinic\",\"notes\":\"Treatment plan\"}");
    int64_t legal = svc_add(w, cid, "{\"type\":\"legal_aid\",\"notes\":\"Lawyer assigned\"}");
    /* The worker sees all three. */
    struct op o = {.case_id = cid};
    assert_int_equal(run_as(w, w->worker, op_svc_list, &o), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 3);
    op_clear(&o);
    /* The investigator (legal, no health, no location) sees no health row and no shelter notes. */
    assert_int_equal(run_as(w, w->investigator, op_svc_list, &o), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 2);
    size_t i;
    json_t *s;
    json_array_foreach(o.out, i, s)
    {
        assert_int_not_equal(num(s, "id"), hiv);
        if (num(s, "id") == shelter) {
            assert_true(json_is_null(json_object_get(s, "notes")));
            assert_true(withheld(s, "notes"));
        } else {
            assert_int_equal(num(s, "id"), legal);
            assert_string_equal(str(s, "notes"), "Lawyer assigned");
        }
    }
    op_clear(&o);
    o.id = hiv;
    assert_int_equal(run_as(w, w->investigator, op_svc_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    /* The no-legal writer reads the health service but not the legal-aid notes. */
    o.id = hiv;
    assert_int_equal(run_as(w, w->nolegal, op_svc_get, &o), STATUS_OK);
    assert_string_equal(str(o.out, "notes"), "Treatment plan");
    op_clear(&o);
    o.id = legal;
    assert_int_equal(run_as(w, w->nolegal, op_svc_get, &o), STATUS_OK);
    assert_true(withheld(o.out, "notes"));
    op_clear(&o);
    /* Nor may it write legal-aid notes. */
    o.id = legal;
    o.version = 1;
    o.in = js("{\"notes\":\"changed\"}");
    assert_int_equal(run_as(w, w->nolegal, op_svc_update, &o), STATUS_DENIED);
    op_clear(&o);
}

static int64_t legal_add_ok(struct world *w, int64_t cid, enum legal_kind kind, int64_t parent, const char *json,
                            json_t **out)
{
    struct op o = {.case_id = cid, .kind = kind, .parent = parent, .in = js(json)};
    enum status st = run_as(w, w->worker, op_legal_add, &o);
    if (st != STATUS_OK) {
        fail_msg("legal add: %s", err_last());
    }
    int64_t id = num(o.out, "id");
    if (out) {
        *out = json_incref(o.out);
    }
    op_clear(&o);
    return id;
}

static void test_assist__permits(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    int64_t p1 = legal_add_ok(w, cid, LEGAL_PERMIT, 0,
                              "{\"kind\":\"temporary_victim\",\"applied_date\":\"2026-03-01\",\"authority\":"
                              "\"Immigration Office\"}",
                              NULL);
    struct op o = {.case_id = cid, .kind = LEGAL_PERMIT, .id = p1, .version = 1};
    o.in = js("{\"decision\":\"granted\",\"decision_date\":\"2026-03-20\",\"valid_from\":\"2026-03-20\","
              "\"valid_until\":\"2027-03-19\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_OK);
    assert_string_equal(str(o.out, "decision"), "granted");
    assert_int_equal(num(o.out, "version"), 2);
    op_clear(&o);
    o.kind = LEGAL_PERMIT;
    o.id = p1;
    o.version = 1;
    o.in = js("{\"decision\":\"refused\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_CONFLICT);
    op_clear(&o);
    /* A renewal refers to a permit of the same case. */
    char json[200];
    snprintf(json, sizeof json, "{\"kind\":\"temporary_victim\",\"renewal_of\":%lld}", (long long)p1);
    int64_t p2 = legal_add_ok(w, cid, LEGAL_PERMIT, 0, json, NULL);
    assert_true(p2 > 0);
    o.kind = LEGAL_PERMIT;
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"humanitarian\",\"renewal_of\":12345}", "renewal_of");
    expect_invalid(w, op_legal_add, &o,
                   "{\"kind\":\"humanitarian\",\"valid_from\":\"2026-05-01\",\"valid_until\":\"2026-04-01\"}",
                   "valid_until");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"humanitarian\",\"decision_date\":\"2026-05-01\"}",
                   "decision_date");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"golden_visa\"}", "kind");

    /* Without fg.legal.read: refused (and the case alone does not help); the investigator reads. */
    assert_int_equal(run_as(w, w->nolegal, op_legal_all, &o), STATUS_DENIED);
    op_clear(&o);
    o.kind = LEGAL_PERMIT;
    assert_int_equal(run_as(w, w->nolegal, op_legal_list, &o), STATUS_DENIED);
    op_clear(&o);
    assert_int_equal(run_as(w, w->investigator, op_legal_all, &o), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "residence_permits")), 2);
    assert_true(json_is_null(json_object_get(o.out, "non_punishment")));
    op_clear(&o);
    /* The investigator has no case.write. */
    o.kind = LEGAL_PERMIT;
    o.in = js("{\"kind\":\"other\"}");
    assert_int_equal(run_as(w, w->investigator, op_legal_add, &o), STATUS_DENIED);
    op_clear(&o);
}

static void test_assist__compensation(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    json_t *out = NULL;
    int64_t c1 = legal_add_ok(w, cid, LEGAL_CLAIM, 0,
                              "{\"kind\":\"labour_claim\",\"against\":\"employer\",\"currency\":\"eur\","
                              "\"amount_claimed\":123456789012,\"legal_aid\":true,\"filed_date\":\"2026-04-01\"}",
                              &out);
    assert_string_equal(str(out, "currency"), "EUR");
    assert_int_equal(num(out, "amount_claimed"), 123456789012LL);
    assert_true(json_is_null(json_object_get(out, "amount_awarded")));
    assert_true(json_is_true(json_object_get(out, "legal_aid")));
    assert_string_equal(str(out, "status"), "preparing");
    json_decref(out);
    struct op o = {.case_id = cid, .kind = LEGAL_CLAIM, .id = c1, .version = 1};
    o.in = js("{\"status\":\"partly_paid\",\"amount_awarded\":500000,\"amount_paid\":120000}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_OK);
    assert_int_equal(num(o.out, "amount_paid"), 120000);
    op_clear(&o);
    o.kind = LEGAL_CLAIM;
    o.id = c1;
    o.version = 2;
    o.in = js("{\"amount_paid\":600000}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount_paid");
    op_clear(&o);
    o.kind = LEGAL_CLAIM;
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"civil\",\"amount_claimed\":100}", "currency");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"civil\",\"currency\":\"EU\"}", "currency");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"civil\",\"currency\":\"EUR\",\"amount_claimed\":-1}",
                   "amount_claimed");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"civil\",\"currency\":\"EUR\",\"amount_claimed\":1.5}",
                   "amount_claimed");
    expect_invalid(w, op_legal_add, &o, "{\"kind\":\"civil\",\"status\":\"paid\"}", "amount_paid");
}

static void test_assist__returns(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    json_t *out = NULL;
    int64_t r1 = legal_add_ok(w, cid, LEGAL_RETURN, 0,
                              "{\"destination\":\"NG\",\"risk_level\":\"medium\",\"risk_date\":\"2026-05-02\","
                              "\"risk_assessed_by\":\"IOM\",\"risk_summary\":\"Recruiter lives in home village\","
                              "\"planned_date\":\"2026-06-01\",\"receiving_org\":\"NAPTIP shelter\"}",
                              &out);
    assert_string_equal(str(out, "destination"), "NGA");
    assert_string_equal(str(out, "status"), "planning");
    assert_string_equal(str(out, "risk_summary"), "Recruiter lives in home village");
    json_decref(out);
    /* A return is voluntary: no approval without the person's consent. */
    struct op o = {.case_id = cid, .kind = LEGAL_RETURN, .id = r1, .version = 1};
    o.in = js("{\"status\":\"approved\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "consent_confirmed");
    op_clear(&o);
    o.kind = LEGAL_RETURN;
    o.id = r1;
    o.version = 1;
    o.in = js("{\"status\":\"approved\",\"consent_confirmed\":true,\"consent_date\":\"2026-05-03\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_OK);
    op_clear(&o);
    o.kind = LEGAL_RETURN;
    expect_invalid(w, op_legal_add, &o, "{\"destination\":\"Atlantis\"}", "destination");
    expect_invalid(w, op_legal_add, &o, "{\"destination\":\"GHA\",\"status\":\"approved\",\"consent_confirmed\":true}",
                   "risk_level");
    /* The child safeguard. */
    assert_int_equal(legal_return_bid_check("approved", false), STATUS_CONFLICT);
    assert_int_equal(legal_return_bid_check("completed", false), STATUS_CONFLICT);
    assert_int_equal(legal_return_bid_check("planning", false), STATUS_OK);
    assert_int_equal(legal_return_bid_check("approved", true), STATUS_OK);
    /* ... wired to the child safeguards: a child's return is not approved without a recorded
     * best-interests determination recommending return. */
    make_child = true;
    int64_t child = make_case(w);
    make_child = false;
    const char *approved = "{\"destination\":\"GHA\",\"status\":\"approved\",\"consent_confirmed\":true,"
                           "\"consent_date\":\"2026-05-03\",\"risk_level\":\"low\",\"risk_date\":\"2026-05-02\"}";
    o.case_id = child;
    o.in = js(approved);
    assert_int_equal(run_as(w, w->worker, op_legal_add, &o), STATUS_CONFLICT);
    op_clear(&o);
    o.case_id = child;
    assert_int_equal(run_as(w, w->worker, op_bid_return, &o), STATUS_OK);
    o.kind = LEGAL_RETURN;
    o.in = js(approved);
    assert_int_equal(run_as(w, w->worker, op_legal_add, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = cid;
    o.kind = LEGAL_RETURN;

    /* Follow-ups hang on a return of the case. */
    legal_add_ok(w, cid, LEGAL_FOLLOW_UP, r1,
                 "{\"follow_up_date\":\"2026-09-01\",\"contact_made\":true,\"outcome\":\"stable\",\"notes\":"
                 "\"Working at a bakery\"}",
                 NULL);
    o.kind = LEGAL_FOLLOW_UP;
    o.parent = 999;
    o.in = js("{\"follow_up_date\":\"2026-09-01\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_add, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    o.kind = LEGAL_FOLLOW_UP;
    o.parent = r1;
    expect_invalid(w, op_legal_add, &o, "{\"contact_made\":true}", "follow_up_date");
    assert_int_equal(run_as(w, w->investigator, op_legal_all, &o), STATUS_OK);
    json_t *ret = json_array_get(json_object_get(o.out, "returns"), 0);
    assert_int_equal(json_array_size(json_object_get(ret, "follow_ups")), 1);
    assert_string_equal(str(json_array_get(json_object_get(ret, "follow_ups"), 0), "notes"), "Working at a bakery");
    op_clear(&o);
}

static void test_assist__non_punishment_and_purge(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    struct op o = {.case_id = cid};
    o.in = js("{\"applies\":true,\"decided_date\":\"2026-04-02\"}");
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reason");
    op_clear(&o);
    o.in = js("{\"applies\":true,\"reason\":\"compelled_offence\",\"reason_note\":\"Forced to carry drugs\","
              "\"decided_date\":\"2026-04-02\",\"decided_by\":\"Public prosecutor\"}");
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_OK);
    assert_string_equal(str(o.out, "recorded_by"), "worker-a");
    assert_string_equal(str(o.out, "reason_note"), "Forced to carry drugs");
    op_clear(&o);
    /* A second create conflicts; a change names the version. */
    o.in = js("{\"applies\":false}");
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_CONFLICT);
    op_clear(&o);
    o.version = 1;
    o.in = js("{\"decided_by\":\"Court of appeal\"}");
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_OK);
    assert_string_equal(str(o.out, "decided_by"), "Court of appeal");
    assert_string_equal(str(o.out, "reason"), "compelled_offence");
    assert_int_equal(num(o.out, "version"), 2);
    op_clear(&o);
    o.in = js("{\"applies\":false}");
    assert_int_equal(run_as(w, w->nolegal, op_np_put, &o), STATUS_DENIED);
    op_clear(&o);

    /* The purge empties the sealed values and keeps the codes. */
    svc_add(w, cid, "{\"type\":\"psychological\",\"notes\":\"Weekly sessions\"}");
    assert_int_equal(run_as(w, w->worker, op_purge, &o), STATUS_OK);
    assert_int_equal(o.items, 2);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker, op_legal_all, &o), STATUS_OK);
    json_t *np = json_object_get(o.out, "non_punishment");
    assert_true(json_is_null(json_object_get(np, "reason_note")));
    assert_string_equal(str(np, "reason"), "compelled_offence");
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker, op_svc_list, &o), STATUS_OK);
    assert_true(json_is_null(json_object_get(json_array_get(o.out, 0), "notes")));
    assert_string_equal(str(json_array_get(o.out, 0), "type"), "psychological");
    op_clear(&o);
}

static enum status op_merge(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_merge(c, o->case_id, 1, o->id, 1, &o->rec);
}

/* Merging cases moves the records; the kept case's non-punishment record wins. */
static void test_assist__merge(void **state)
{
    struct world *w = *state;
    int64_t keep = make_case(w), dup = make_case(w);
    svc_add(w, dup, "{\"type\":\"education\"}");
    legal_add_ok(w, dup, LEGAL_CLAIM, 0, "{\"kind\":\"civil\"}", NULL);
    struct op o = {.case_id = keep, .in = js("{\"applies\":true,\"reason\":\"other\"}")};
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = dup;
    o.in = js("{\"applies\":false}");
    assert_int_equal(run_as(w, w->worker, op_np_put, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = keep;
    o.id = dup;
    if (run_as(w, w->supervisor, op_merge, &o) != STATUS_OK) {
        fail_msg("merge: %s", err_last());
    }
    op_clear(&o);
    o.case_id = keep;
    assert_int_equal(run_as(w, w->worker, op_svc_list, &o), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 1);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker, op_legal_all, &o), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "compensation")), 1);
    assert_true(json_is_true(json_object_get(json_object_get(o.out, "non_punishment"), "applies")));
    op_clear(&o);
}

/* True when an automatic task with this key is open. */
static bool task_open(struct world *w, const char *prefix, int64_t id)
{
    char key[96];
    snprintf(key, sizeof key, "%s:%lld", prefix, (long long)id);
    struct sql_value k[] = {sqlv_text(key)};
    struct store_rows *r = NULL;
    store_tx_begin(w->t.store, STORE_TX_READ);
    enum status st = store_exec_one(w->t.store, STMT_TASK_OPEN_BY_KEY, k, 1, &r);
    store_rows_free(r);
    store_tx_rollback(w->t.store);
    assert_true(st == STATUS_OK || st == STATUS_NOT_FOUND);
    return st == STATUS_OK;
}

/* Automatic tasks: a granted permit's expiry until renewed; a completed return's follow-up. */
static void test_assist__tasks(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w);
    int64_t p1 = legal_add_ok(w, cid, LEGAL_PERMIT, 0,
                              "{\"kind\":\"temporary_victim\",\"decision\":\"granted\",\"decision_date\":"
                              "\"2026-03-20\",\"valid_from\":\"2026-03-20\",\"valid_until\":\"2027-03-19\"}",
                              NULL);
    assert_true(task_open(w, "permit_expiry", p1));
    char json[160];
    snprintf(json, sizeof json, "{\"kind\":\"temporary_victim\",\"renewal_of\":%lld}", (long long)p1);
    int64_t p2 = legal_add_ok(w, cid, LEGAL_PERMIT, 0, json, NULL);
    assert_false(task_open(w, "permit_expiry", p1));
    assert_false(task_open(w, "permit_expiry", p2)); /* pending: nothing to expire */

    int64_t r1 = legal_add_ok(w, cid, LEGAL_RETURN, 0, "{\"destination\":\"GHA\",\"risk_level\":\"low\"}", NULL);
    assert_false(task_open(w, "return_follow_up", r1));
    struct op o = {.case_id = cid, .kind = LEGAL_RETURN, .id = r1, .version = 1};
    o.in = js("{\"status\":\"completed\",\"consent_confirmed\":true,\"travel_date\":\"2026-07-01\"}");
    assert_int_equal(run_as(w, w->worker, op_legal_update, &o), STATUS_OK);
    op_clear(&o);
    assert_true(task_open(w, "return_follow_up", r1));
    legal_add_ok(w, cid, LEGAL_FOLLOW_UP, r1, "{\"follow_up_date\":\"2026-10-01\",\"outcome\":\"stable\"}", NULL);
    assert_false(task_open(w, "return_follow_up", r1));
    assert_int_equal(arec_date_ms("1970-01-02"), 86400000LL);
}

/* The hooks are listed for retention purges and subject-access exports. */
static void test_assist__hooks(void **state)
{
    (void)state;
    bool services = false, legal = false;
    for (size_t i = 0; i < protect_hooks_count; i++) {
        services = services || (strcmp(protect_hooks[i].record_type, "services") == 0 &&
                                protect_hooks[i].purge == assist_purge && protect_hooks[i].sar == assist_sar_json);
        legal = legal || (strcmp(protect_hooks[i].record_type, "legal-status") == 0 &&
                          protect_hooks[i].purge == legal_purge && protect_hooks[i].sar == legal_sar_json);
    }
    assert_true(services);
    assert_true(legal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assist__services), cmocka_unit_test(test_assist__health_and_location),
        cmocka_unit_test(test_assist__permits),  cmocka_unit_test(test_assist__compensation),
        cmocka_unit_test(test_assist__returns),  cmocka_unit_test(test_assist__non_punishment_and_purge),
        cmocka_unit_test(test_assist__merge),    cmocka_unit_test(test_assist__tasks),
        cmocka_unit_test(test_assist__hooks),
    };
    TEST_RUN_BOTH("assist", tests, setup, teardown);
}
