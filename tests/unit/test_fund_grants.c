/* test_fund_grants: the Trust Fund's grant agreements (issue 8, part G) on SQLite and PostgreSQL:
 * fund_grant_create's checks and numbering, the first tranche released on creation, disbursements
 * with separation of duties (the recorder never approves, even holding fund.certify), the tranche
 * paid, the next tranche released when the report on the previous one is accepted, a grantee
 * seeing only their own organisation's grants and reports, closing a grant and the results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/vocab.h"
#include "fund/grants.h"
#include "fund/ledger.h"
#include "fund/reports.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t fund_agency, ngo_a, ngo_b;
    int64_t mgr1, mgr2, trustee, grantee_a, grantee_b, caseworker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->fund_agency = test_agency(&w->t, "UNODC Trust Fund");
    w->ngo_a = test_agency(&w->t, "Shelter NGO A");
    w->ngo_b = test_agency(&w->t, "Legal NGO B");
    w->mgr1 = test_user(&w->t, "mgr1", w->fund_agency, "fund_manager", "all");
    w->mgr2 = test_user(&w->t, "mgr2", w->fund_agency, "fund_manager", "all");
    w->trustee = test_user(&w->t, "trustee1", w->fund_agency, "trustee", "all");
    w->grantee_a = test_user(&w->t, "grantee_a", w->ngo_a, "grantee", "agency");
    w->grantee_b = test_user(&w->t, "grantee_b", w->ngo_b, "grantee", "agency");
    w->caseworker = test_user(&w->t, "caseworker1", w->ngo_a, "caseworker", "own");
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
    int64_t id, sub, version;
    struct fund_grant_in gin;
    json_t *in, *out;
    const char *text;
};

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_create, fund_grant_create(c, &o->gin, &o->id))
OPFN(op_add, fund_grant_add(c, o->in, &o->id))
OPFN(op_get, fund_grant_get(c, o->id, &o->out))
OPFN(op_list, fund_grant_list(c, NULL, &o->out))
OPFN(op_close, fund_grant_close(c, o->id, o->in))
OPFN(op_record, fund_disbursement_record(c, o->in, &o->sub))
OPFN(op_decide, fund_disbursement_decide(c, o->sub, o->in))
OPFN(op_disb_list, fund_disbursement_list(c, o->id, NULL, &o->out))
OPFN(op_rsave, fund_report_save(c, o->sub, 0, o->in, &o->sub))
OPFN(op_rsubmit, fund_report_submit(c, o->sub, 0))
OPFN(op_rdecide, fund_report_decide(c, o->sub, o->in))
OPFN(op_rget, fund_report_get(c, o->sub, &o->out))
OPFN(op_rlist, fund_report_list(c, 0, NULL, &o->out))
OPFN(op_results, fund_results(c, o->text, &o->out))

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    if (uid == 0) {
        return auth_run(&w->t.ctx, fn, o);
    }
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static enum status call(struct world *w, int64_t uid, auth_op_fn fn, struct op *o, const char *json)
{
    json_decref(o->in);
    json_decref(o->out);
    o->out = NULL;
    o->in = NULL;
    if (json != NULL) {
        json_error_t e;
        o->in = json_loads(json, 0, &e);
        if (o->in == NULL) {
            fail_msg("bad test json: %s", e.text);
        }
    }
    return run_as(w, uid, fn, o);
}

static void op_clear(struct op *o)
{
    json_decref(o->in);
    json_decref(o->out);
    o->in = o->out = NULL;
}

/* The ledger's closing balance of an account (on its normal side). */
static int64_t balance(struct world *w, enum fund_account a)
{
    struct fund_account_sum sums[FUND_ACC__COUNT];
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_READ), STATUS_OK);
    assert_int_equal(fund_ledger_sums(&w->t.ctx, NULL, NULL, sums), STATUS_OK);
    store_tx_rollback(w->t.store);
    return sums[a].closing;
}

/* The open "fund_report_due" tasks of agency. */
static size_t report_tasks(struct world *w, int64_t agency)
{
    struct task **list = NULL;
    size_t n = 0, found = 0;
    struct task_filter f = {.status = "open", .limit = 500};
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    assert_int_equal(task_list(&w->t.ctx, &f, &list, &n), STATUS_OK);
    store_tx_rollback(w->t.store);
    for (size_t i = 0; i < n; i++) {
        found += strcmp(list[i]->kind, "fund_report_due") == 0 && list[i]->agency_id == agency;
    }
    task_list_free(list, n);
    return found;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(null)";
}

static const char *tranche_status(json_t *grant, size_t i)
{
    return str(json_array_get(json_object_get(grant, "tranches"), i), "status");
}

static int64_t tranche_id(json_t *grant, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(json_object_get(grant, "tranches"), i), "id"));
}

static int64_t make_grant(struct world *w, int64_t agency)
{
    struct op o = {0};
    char json[600];
    snprintf(json, sizeof json,
             "{\"agency_id\":%lld,\"country\":\"NGA\",\"programme\":\"medium_term\",\"start_date\":\"2026-01-15\","
             "\"end_date\":\"2027-12-31\",\"amount\":\"50,000.00\",\"tranches\":[{\"due_date\":\"2026-01-15\","
             "\"amount\":\"30,000.00\"},{\"due_date\":\"2026-09-01\",\"amount_cents\":2000000}]}",
             (long long)agency);
    assert_int_equal(call(w, w->mgr1, op_add, &o, json), STATUS_OK);
    op_clear(&o);
    return o.id;
}

static void test_grants__create(void **state)
{
    struct world *w = *state;
    struct fund_tranche_in tr[] = {{"2026-03-01", 1000000}, {"2026-10-01", 500000}};
    struct op o = {0};
    o.gin = (struct fund_grant_in){0, 0, w->ngo_a, "KEN", "immediate", "2026-03-01", "2026-11-30", 1500000, tr, 2};
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "number"), "UNVTF-2026-001");
    assert_string_equal(str(o.out, "status"), "active");
    assert_string_equal(str(o.out, "amount"), "15000.00");
    assert_string_equal(tranche_status(o.out, 0), "released");
    assert_string_equal(tranche_status(o.out, 1), "scheduled");
    /* Sequential per year. */
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "number"), "UNVTF-2026-002");
    /* The checks. */
    o.gin.amount_cents = 1500001;
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "tranches");
    o.gin.amount_cents = 1500000;
    o.gin.end_date = "2026-02-01";
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "end_date");
    o.gin.end_date = "2026-11-30";
    o.gin.agency_id = 987654321;
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "agency_id");
    o.gin.agency_id = w->ngo_a;
    o.gin.amount_cents = 0;
    tr[0].amount_cents = 0;
    tr[1].amount_cents = 0;
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_INVALID);
    tr[0].amount_cents = 1000000;
    tr[1].amount_cents = 500000;
    o.gin.amount_cents = 1500000;
    struct fund_tranche_in swapped[] = {{"2026-10-01", 500000}, {"2026-03-01", 1000000}};
    o.gin.tranches = swapped;
    assert_int_equal(run_as(w, 0, op_create, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "tranches");
    /* Recording a grant needs fund.write: a trustee is refused (403 before 400). */
    assert_int_equal(call(w, w->trustee, op_add, &o, "{}"), STATUS_DENIED);
    assert_int_equal(call(w, w->grantee_a, op_add, &o, "{}"), STATUS_DENIED);
    op_clear(&o);
}

/* Done-when 3: the one who recorded a disbursement cannot approve it. */
static void test_grants__separation_of_duties(void **state)
{
    struct world *w = *state;
    int64_t gid = make_grant(w, w->ngo_a);
    struct op o = {.id = gid};
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    int64_t t1 = tranche_id(o.out, 0), t2 = tranche_id(o.out, 1);
    char json[300];
    /* Not on a scheduled tranche; not above the rest. */
    snprintf(json, sizeof json, "{\"tranche_id\":%lld,\"amount\":\"100.00\",\"bank_reference\":\"TX-1\"}",
             (long long)t2);
    assert_int_equal(call(w, w->mgr1, op_record, &o, json), STATUS_CONFLICT);
    snprintf(json, sizeof json, "{\"tranche_id\":%lld,\"amount\":\"30,000.01\",\"bank_reference\":\"TX-1\"}",
             (long long)t1);
    assert_int_equal(call(w, w->mgr1, op_record, &o, json), STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount");
    /* A trustee cannot record. */
    assert_int_equal(call(w, w->trustee, op_record, &o, json), STATUS_DENIED);
    snprintf(json, sizeof json,
             "{\"tranche_id\":%lld,\"amount\":\"20,000.00\",\"date\":\"2026-01-20\",\"bank_reference\":\"TX-1\"}",
             (long long)t1);
    assert_int_equal(call(w, w->mgr1, op_record, &o, json), STATUS_OK);
    int64_t d1 = o.sub;
    /* mgr1 holds fund.certify, yet recorded it: refused, and audited as a refusal. */
    assert_int_equal(call(w, w->mgr1, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_DENIED);
    assert_non_null(strstr(err_last(), "separation of duties"));
    struct audit_filter f = {.record_type = "fund_disbursement", .record_id = d1, .limit = 100};
    struct audit_entry *list = NULL;
    size_t n = 0, refusals = 0;
    assert_int_equal(audit_list(&list, &n, w->t.store, &f), STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].action, "fund.certify") == 0 && strcmp(list[i].outcome, "denied") == 0 &&
            strstr(list[i].detail, "separation of duties") != NULL) {
            refusals++;
        }
    }
    assert_int_equal(refusals, 1);
    audit_entries_free(list, n);
    /* A trustee has no fund.certify. */
    assert_int_equal(call(w, w->trustee, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_DENIED);
    /* Another fund manager approves. */
    assert_int_equal(call(w, w->mgr2, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_OK);
    assert_int_equal(call(w, w->mgr2, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_CONFLICT);
    /* The rest of the tranche: recorded by mgr2, approved by mgr1; the tranche is then paid. */
    snprintf(json, sizeof json, "{\"tranche_id\":%lld,\"amount\":\"10,000.00\",\"bank_reference\":\"TX-2\"}",
             (long long)t1);
    assert_int_equal(call(w, w->mgr2, op_record, &o, json), STATUS_OK);
    assert_int_equal(call(w, w->mgr2, op_decide, &o, "{\"decision\":\"reject\",\"reason\":\"x\"}"), STATUS_DENIED);
    assert_int_equal(call(w, w->mgr1, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(tranche_status(o.out, 0), "paid");
    assert_string_equal(str(o.out, "paid"), "30000.00");
    /* The ledger: the award (Dr grant_expense / Cr grants_payable) and two approved disbursements
     * (Dr grants_payable / Cr cash); the pending and rejected ones post nothing. */
    assert_true(json_is_integer(json_object_get(o.out, "award_entry_id")));
    assert_int_equal(balance(w, FUND_ACC_GRANT_EXPENSE), 5000000);
    assert_int_equal(balance(w, FUND_ACC_GRANTS_PAYABLE), 2000000);
    assert_int_equal(balance(w, FUND_ACC_CASH), -3000000);
    /* A rejection needs a reason, which is sealed and shown to fund readers. */
    snprintf(json, sizeof json, "{\"tranche_id\":%lld,\"amount\":\"1.00\",\"bank_reference\":\"TX-3\"}", (long long)t1);
    assert_int_equal(call(w, w->mgr1, op_record, &o, json), STATUS_CONFLICT); /* paid */
    assert_int_equal(call(w, w->trustee, op_disb_list, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 2);
    op_clear(&o);
}

static void test_grants__reports_release_tranches(void **state)
{
    struct world *w = *state;
    int64_t gid = make_grant(w, w->ngo_a);
    struct op o = {.id = gid};
    char json[1200];
    snprintf(
        json, sizeof json,
        "{\"grant_id\":%lld,\"period_from\":\"2026-01-15\",\"period_to\":\"2026-08-31\",\"narrative\":\"We "
        "sheltered women\",\"beneficiaries\":[{\"sex\":\"female\",\"age\":\"adult\",\"form\":\"SexualExploitation\","
        "\"count\":12},{\"sex\":\"male\",\"age\":\"child\",\"form\":\"ForcedLabour\",\"count\":3}],"
        "\"services\":[{\"service\":\"shelter\",\"count\":10},{\"service\":\"legal_aid\",\"count\":4}]}",
        (long long)gid);
    /* Another organisation's grantee cannot report on it (it looks absent). */
    o.sub = 0;
    assert_int_equal(call(w, w->grantee_b, op_rsave, &o, json), STATUS_INVALID);
    assert_string_equal(err_last_field(), "grant_id");
    /* A fund manager does not draft reports. */
    o.sub = 0;
    assert_int_equal(call(w, w->mgr1, op_rsave, &o, json), STATUS_DENIED);
    o.sub = 0;
    assert_int_equal(call(w, w->grantee_a, op_rsave, &o, json), STATUS_OK);
    int64_t rid = o.sub;
    /* The draft is saved again in one request (a bad form refused). */
    assert_int_equal(
        call(w, w->grantee_a, op_rsave, &o,
             "{\"beneficiaries\":[{\"sex\":\"x\",\"age\":\"adult\",\"form\":\"ForcedLabour\",\"count\":1}]}"),
        STATUS_INVALID);
    o.sub = rid;
    assert_int_equal(call(w, w->grantee_a, op_rsave, &o, "{\"narrative\":\"We sheltered 12 women and 3 boys\"}"),
                     STATUS_OK);
    o.sub = rid;
    /* Not accepted before it is submitted. */
    assert_int_equal(call(w, w->mgr1, op_rdecide, &o, "{\"decision\":\"accept\"}"), STATUS_CONFLICT);
    o.sub = rid;
    /* Tranche 1's report is due (a task for the grantee organisation) until it is submitted. */
    assert_int_equal(report_tasks(w, w->ngo_a), 1);
    assert_int_equal(call(w, w->grantee_a, op_rsubmit, &o, NULL), STATUS_OK);
    assert_int_equal(report_tasks(w, w->ngo_a), 0);
    /* Returned with a reason, corrected, submitted again, accepted. */
    assert_int_equal(call(w, w->mgr1, op_rdecide, &o, "{\"decision\":\"return\"}"), STATUS_INVALID);
    assert_int_equal(call(w, w->mgr1, op_rdecide, &o, "{\"decision\":\"return\",\"reason\":\"Add services\"}"),
                     STATUS_OK);
    assert_int_equal(call(w, w->grantee_a, op_rget, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "status"), "returned");
    assert_string_equal(str(o.out, "reason"), "Add services");
    assert_string_equal(str(o.out, "narrative"), "We sheltered 12 women and 3 boys");
    assert_int_equal(json_integer_value(json_object_get(o.out, "victims")), 15);
    assert_int_equal(call(w, w->grantee_a, op_rsubmit, &o, NULL), STATUS_OK);
    /* Tranche 2 is still scheduled until the report is accepted. */
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(tranche_status(o.out, 1), "scheduled");
    assert_int_equal(call(w, w->grantee_a, op_rdecide, &o, "{\"decision\":\"accept\"}"), STATUS_DENIED);
    assert_int_equal(call(w, w->mgr1, op_rdecide, &o, "{\"decision\":\"accept\"}"), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(tranche_status(o.out, 1), "released");
    assert_int_equal(report_tasks(w, w->ngo_a), 1); /* the report on tranche 2 is due now */
    /* Results from accepted reports: the year the period ends. */
    o.text = "country,year";
    assert_int_equal(call(w, w->trustee, op_results, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 1);
    assert_string_equal(str(json_array_get(o.out, 0), "country"), "NGA");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(o.out, 0), "year")), 2026);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(o.out, 0), "victims")), 15);
    o.text = "sex,age";
    assert_int_equal(call(w, w->trustee, op_results, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 2);
    o.text = "colour";
    assert_int_equal(call(w, w->trustee, op_results, &o, NULL), STATUS_INVALID);
    op_clear(&o);
}

static void test_grants__grantee_sees_own(void **state)
{
    struct world *w = *state;
    int64_t ga = make_grant(w, w->ngo_a), gb = make_grant(w, w->ngo_b);
    struct op o = {0};
    assert_int_equal(call(w, w->grantee_a, op_list, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(o.out, 0), "id")), ga);
    o.id = gb;
    assert_int_equal(call(w, w->grantee_a, op_get, &o, NULL), STATUS_NOT_FOUND);
    o.id = ga;
    assert_int_equal(call(w, w->grantee_a, op_get, &o, NULL), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_list, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 2);
    /* Disbursements are the fund's books: not for grantees; nothing for a caseworker. */
    assert_int_equal(call(w, w->grantee_a, op_disb_list, &o, NULL), STATUS_DENIED);
    assert_int_equal(call(w, w->caseworker, op_list, &o, NULL), STATUS_DENIED);
    assert_int_equal(call(w, w->caseworker, op_get, &o, NULL), STATUS_DENIED);
    /* Reports: each grantee lists their own. */
    char json[300];
    snprintf(json, sizeof json, "{\"grant_id\":%lld,\"period_from\":\"2026-02-01\",\"period_to\":\"2026-03-01\"}",
             (long long)gb);
    o.sub = 0;
    assert_int_equal(call(w, w->grantee_b, op_rsave, &o, json), STATUS_OK);
    int64_t rb = o.sub;
    assert_int_equal(call(w, w->grantee_a, op_rlist, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 0);
    assert_int_equal(call(w, w->grantee_b, op_rlist, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 1);
    o.sub = rb;
    assert_int_equal(call(w, w->grantee_a, op_rget, &o, NULL), STATUS_NOT_FOUND);
    op_clear(&o);
}

static void test_grants__close(void **state)
{
    struct world *w = *state;
    int64_t gid = make_grant(w, w->ngo_a);
    struct op o = {.id = gid};
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    int64_t t1 = tranche_id(o.out, 0);
    char json[300];
    snprintf(json, sizeof json, "{\"tranche_id\":%lld,\"amount\":\"5,000.00\",\"bank_reference\":\"TX-9\"}",
             (long long)t1);
    assert_int_equal(call(w, w->mgr1, op_record, &o, json), STATUS_OK);
    /* Not while a disbursement is pending; a reason is required; only fund.write. */
    assert_int_equal(call(w, w->mgr1, op_close, &o, "{\"reason\":\"Project ended early\"}"), STATUS_CONFLICT);
    assert_int_equal(call(w, w->mgr2, op_decide, &o, "{\"decision\":\"approve\"}"), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_close, &o, "{}"), STATUS_INVALID);
    assert_int_equal(call(w, w->trustee, op_close, &o, "{\"reason\":\"x\"}"), STATUS_DENIED);
    assert_int_equal(call(w, w->mgr1, op_close, &o, "{\"reason\":\"Project ended early\"}"), STATUS_OK);
    assert_int_equal(call(w, w->mgr1, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "status"), "closed");
    assert_string_equal(str(o.out, "close_reason"), "Project ended early");
    assert_string_equal(tranche_status(o.out, 0), "cancelled");
    assert_string_equal(tranche_status(o.out, 1), "cancelled");
    assert_string_equal(str(o.out, "paid"), "5000.00");
    /* The unpaid remainder went back: Dr grants_payable / Cr grant_expense. */
    assert_int_equal(balance(w, FUND_ACC_GRANTS_PAYABLE), 0);
    assert_int_equal(balance(w, FUND_ACC_GRANT_EXPENSE), 500000);
    assert_int_equal(call(w, w->mgr1, op_close, &o, "{\"reason\":\"again\"}"), STATUS_CONFLICT);
    op_clear(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grants__create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants__separation_of_duties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants__reports_release_tranches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants__grantee_sees_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants__close, setup, teardown),
    };
    TEST_RUN_BOTH("fund grants", tests, NULL, NULL);
}
