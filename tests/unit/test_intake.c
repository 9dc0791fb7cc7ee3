/* test_intake: public tips and the helpline on SQLite and PostgreSQL: the form token's age and
 * signature, the honeypot (nothing stored), the rate limit per client address (keyed, not the
 * address), input checks; sealed values at rest and by field group; triage limited to
 * intake.triage and the tip's agency; dismissal reasons; conversion into a case; and the public
 * path never handing back anything but a reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "referral/intake.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t worker, sup, other, analyst, investigator;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Hotline A");
    w->agency_b = test_agency(&w->t, "Agency B");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "own");
    w->sup = test_user(&w->t, "supervisor", w->agency_a, "case_supervisor", "agency");
    w->other = test_user(&w->t, "other", w->agency_b, "case_supervisor", "agency");
    w->analyst = test_user(&w->t, "analyst", w->agency_a, "analyst", "all");
    w->investigator = test_user(&w->t, "investigator", w->agency_a, "investigator", "agency");
    /* The receiving agency (the two agencies may share a creation millisecond). */
    struct intake_settings s = {w->agency_a, "+234 800 000 0000"};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(intake_settings_set(&w->t.ctx, &s), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
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

static json_t *tip_json(struct world *w, const char *account, const char *honeypot)
{
    char token[INTAKE_TOKEN_BYTES];
    intake_form_token(w->t.vault, util_now_ms() - 10000, token);
    json_t *o = json_pack("{sssssssssssb}", "form_token", token, "account", account, "location", "Near the port",
                          "country", "NG", "exploitation", "labour", "immediate_danger", 1);
    json_object_set_new(o, "contact", json_string("+234 801 000 0000"));
    if (honeypot) {
        json_object_set_new(o, "website", json_string(honeypot));
    }
    return o;
}

static enum status submit(struct world *w, const char *client, json_t *o, char ref[INTAKE_REFERENCE_BYTES])
{
    struct auth_principal pub;
    memset(&pub, 0, sizeof pub);
    snprintf(pub.username, sizeof pub.username, "public");
    struct auth_ctx ctx = {w->t.store, w->t.vault, &pub, client};
    struct intake_input in;
    enum status st = intake_input_from_json(&in, o, true);
    if (st == STATUS_OK) {
        st = intake_submit_public(&ctx, &in, ref);
    }
    json_decref(o);
    return st;
}

static int64_t count_tips(struct world *w)
{
    struct intake_tip *l = NULL;
    size_t n = 0;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(intake_tip_list(&w->t.ctx, NULL, PAGE_ROWS_MAX, 0, &l, &n), STATUS_OK);
    store_tx_commit(w->t.store);
    intake_tips_free(l, n);
    return (int64_t)n;
}

struct op {
    int64_t id, case_id;
    const char *reason;
    const char *state;
    struct intake_input in;
    struct intake_tip tip;
    struct intake_tip *list;
    size_t count;
};

static void op_clear(struct op *o)
{
    intake_tip_clear(&o->tip);
    intake_tips_free(o->list, o->count);
    memset(o, 0, sizeof *o);
}

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_get, intake_tip_get(c, o->id, &o->tip))
OPFN(op_list, intake_tip_list(c, o->state, 100, 0, &o->list, &o->count))
OPFN(op_triage, intake_tip_triage(c, o->id))
OPFN(op_dismiss, intake_tip_dismiss(c, o->id, o->reason))
OPFN(op_convert, intake_tip_convert(c, o->id, &o->case_id))
OPFN(op_record, intake_tip_record(c, &o->in, &o->id))

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void test_intake__form_token(void **state)
{
    struct world *w = *state;
    char token[INTAKE_TOKEN_BYTES];
    int64_t now = util_now_ms();
    intake_form_token(w->t.vault, now, token);
    assert_int_equal(intake_form_token_check(w->t.vault, token, now + 1000), STATUS_INVALID); /* too quick */
    assert_string_equal(err_last_field(), "form_token");
    assert_int_equal(intake_form_token_check(w->t.vault, token, now + 3000), STATUS_OK);
    assert_int_equal(intake_form_token_check(w->t.vault, token, now + 7200 * 1000), STATUS_OK);
    assert_int_equal(intake_form_token_check(w->t.vault, token, now + 7200 * 1000 + 1), STATUS_INVALID); /* too old */
    /* Forged: another time with the same MAC, a changed MAC, garbage. */
    char forged[INTAKE_TOKEN_BYTES];
    snprintf(forged, sizeof forged, "%lld%s", (long long)(now - 60000), strchr(token, '.'));
    assert_int_equal(intake_form_token_check(w->t.vault, forged, now), STATUS_INVALID);
    token[strlen(token) - 1] = token[strlen(token) - 1] == 'A' ? 'B' : 'A';
    assert_int_equal(intake_form_token_check(w->t.vault, token, now + 5000), STATUS_INVALID);
    assert_int_equal(intake_form_token_check(w->t.vault, "12345", now), STATUS_INVALID);
    assert_int_equal(intake_form_token_check(w->t.vault, NULL, now), STATUS_INVALID);
}

static void test_intake__public_tips(void **state)
{
    struct world *w = *state;
    char ref[INTAKE_REFERENCE_BYTES];
    int64_t before = count_tips(w);
    /* A good tip: a reference of the form T-XXXX-XXXX, stored for the first agency. */
    assert_int_equal(submit(w, "198.51.100.7", tip_json(w, "Men kept on a fishing boat", NULL), ref), STATUS_OK);
    assert_int_equal(strlen(ref), 11);
    assert_true(ref[0] == 'T' && ref[1] == '-' && ref[6] == '-');
    assert_int_equal(count_tips(w), before + 1);
    /* The honeypot: a success-looking reference, nothing stored. */
    assert_int_equal(submit(w, "198.51.100.8", tip_json(w, "spam", "http://spam.example"), ref), STATUS_OK);
    assert_int_equal(count_tips(w), before + 1);
    /* Input checks. */
    json_t *o = tip_json(w, "x", NULL);
    json_object_set_new(o, "anonymous", json_true());
    assert_int_equal(submit(w, "198.51.100.9", o, ref), STATUS_INVALID);
    assert_string_equal(err_last_field(), "contact");
    o = tip_json(w, "x", NULL);
    json_object_set_new(o, "channel", json_string("helpline_call"));
    assert_int_equal(submit(w, "198.51.100.9", o, ref), STATUS_INVALID);
    o = tip_json(w, "x", NULL);
    json_object_del(o, "account");
    assert_int_equal(submit(w, "198.51.100.9", o, ref), STATUS_INVALID);
    assert_string_equal(err_last_field(), "account");
    o = tip_json(w, "x", NULL);
    json_object_set_new(o, "country", json_string("Atlantis"));
    assert_int_equal(submit(w, "198.51.100.9", o, ref), STATUS_INVALID);
    o = tip_json(w, "x", NULL);
    json_object_set_new(o, "case_id", json_integer(1));
    assert_int_equal(submit(w, "198.51.100.9", o, ref), STATUS_INVALID);
    o = tip_json(w, "x", NULL);
    char token[INTAKE_TOKEN_BYTES];
    intake_form_token(w->t.vault, util_now_ms(), token); /* just served: too quick */
    json_object_set_new(o, "form_token", json_string(token));
    assert_int_equal(submit(w, "198.51.100.10", o, ref), STATUS_INVALID);
    assert_string_equal(err_last_field(), "form_token");

    /* The rate limit: 5 tips per address per window; the 6th refused; another address is free;
     * after the window the address may send again. The throttle table holds no address. */
    for (int i = 0; i < INTAKE_TIPS_PER_WINDOW; i++) {
        assert_int_equal(submit(w, "203.0.113.5", tip_json(w, "again", NULL), ref), STATUS_OK);
    }
    assert_int_equal(submit(w, "203.0.113.5", tip_json(w, "again", NULL), ref), STATUS_THROTTLED);
    assert_int_equal(submit(w, "203.0.113.6", tip_json(w, "other address", NULL), ref), STATUS_OK);
    util_clock_offset_set((int64_t)INTAKE_WINDOW_S * 1000 + 1000);
    assert_int_equal(submit(w, "203.0.113.5", tip_json(w, "later", NULL), ref), STATUS_OK);
    util_clock_offset_set(0);
}

static void test_intake__triage_and_conversion(void **state)
{
    struct world *w = *state;
    char ref[INTAKE_REFERENCE_BYTES];
    assert_int_equal(submit(w, "192.0.2.1", tip_json(w, "Workers locked in at Farm Zeta", NULL), ref), STATUS_OK);
    struct op o = {0};
    o.state = "new";
    assert_int_equal(run_as(w, w->worker, op_list, &o), STATUS_OK);
    int64_t id = 0;
    for (size_t i = 0; i < o.count; i++) {
        if (strcmp(o.list[i].reference, ref) == 0) {
            id = o.list[i].id;
            /* Lists never open sealed values. */
            assert_null(o.list[i].account);
            assert_true(o.list[i].withheld & INTAKE_WITHHELD_ACCOUNT);
        }
    }
    assert_true(id != 0);
    op_clear(&o);
    /* Sealed at rest. */
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_INTAKE_TIP_GET, k, 1, &r), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 7, &len);
    assert_non_null(blob);
    assert_null(memmem(blob, len, "Zeta", 4));
    store_rows_free(r);

    /* Reading: the caseworker opens everything; without intake.triage (investigator, analyst):
     * denied; another agency: absent. */
    o.id = id;
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_string_equal(o.tip.account, "Workers locked in at Farm Zeta");
    assert_string_equal(o.tip.contact, "+234 801 000 0000");
    assert_string_equal(o.tip.location, "Near the port");
    assert_string_equal(o.tip.country, "NGA");
    assert_string_equal(o.tip.channel, "web_form");
    assert_true(o.tip.immediate_danger);
    assert_int_equal(o.tip.agency_id, w->agency_a);
    op_clear(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->investigator, op_get, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->analyst, op_get, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->other, op_get, &o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->other, op_triage, &o), STATUS_NOT_FOUND);
    o.state = NULL;
    assert_int_equal(run_as(w, w->other, op_list, &o), STATUS_OK);
    for (size_t i = 0; i < o.count; i++) {
        assert_int_equal(o.list[i].agency_id, w->agency_b);
    }
    op_clear(&o);

    /* Triage, not twice; dismissal needs a known reason; conversion makes a case. */
    o.id = id;
    assert_int_equal(run_as(w, w->worker, op_triage, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->worker, op_triage, &o), STATUS_CONFLICT);
    o.reason = "boring";
    assert_int_equal(run_as(w, w->worker, op_dismiss, &o), STATUS_INVALID);
    assert_int_equal(run_as(w, w->worker, op_convert, &o), STATUS_OK);
    assert_true(o.case_id != 0);
    int64_t case_id = o.case_id;
    o.reason = "spam";
    assert_int_equal(run_as(w, w->worker, op_dismiss, &o), STATUS_CONFLICT);
    assert_int_equal(run_as(w, w->worker, op_convert, &o), STATUS_CONFLICT);
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_string_equal(o.tip.state, "converted");
    assert_int_equal(o.tip.case_id, case_id);
    op_clear(&o);
    /* The case holds the account as its narrative and the codes. */
    struct case_record *c = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_get(&w->t.ctx, case_id, &c), STATUS_OK);
    store_tx_commit(w->t.store);
    char *narrative = case_value_format(c, CASE_F_narrative);
    assert_string_equal(narrative, "Workers locked in at Farm Zeta");
    free(narrative);
    char *country = case_value_format(c, CASE_F_exploitation_country);
    assert_string_equal(country, "NGA");
    free(country);
    char *types = case_value_format(c, CASE_F_exploitation_types);
    assert_string_equal(types, "ForcedLabour");
    free(types);
    assert_int_equal(c->agency_id, w->agency_a);
    case_record_free(c);

    /* A dismissal. */
    assert_int_equal(submit(w, "192.0.2.2", tip_json(w, "nonsense", NULL), ref), STATUS_OK);
    o.state = "new";
    assert_int_equal(run_as(w, w->sup, op_list, &o), STATUS_OK);
    int64_t id2 = 0;
    for (size_t i = 0; i < o.count; i++) {
        id2 = strcmp(o.list[i].reference, ref) == 0 ? o.list[i].id : id2;
    }
    op_clear(&o);
    o.id = id2;
    o.reason = "spam";
    assert_int_equal(run_as(w, w->sup, op_dismiss, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->sup, op_get, &o), STATUS_OK);
    assert_string_equal(o.tip.state, "dismissed");
    assert_string_equal(o.tip.dismiss_reason, "spam");
    op_clear(&o);
}

static void test_intake__helpline_record(void **state)
{
    struct world *w = *state;
    struct op o = {0};
    json_t *j =
        json_pack("{sssssb}", "channel", "helpline_call", "account", "Caller says a girl is held", "anonymous", 1);
    assert_int_equal(intake_input_from_json(&o.in, j, false), STATUS_OK);
    assert_int_equal(run_as(w, w->analyst, op_record, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->worker, op_record, &o), STATUS_OK);
    json_decref(j);
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_string_equal(o.tip.channel, "helpline_call");
    assert_true(o.tip.anonymous);
    assert_int_equal(o.tip.created_by, w->worker);
    op_clear(&o);
    /* Staff input has no form token or honeypot. */
    j = json_pack("{ssss}", "account", "x", "form_token", "1.2");
    assert_int_equal(intake_input_from_json(&o.in, j, false), STATUS_INVALID);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intake__form_token),
        cmocka_unit_test(test_intake__public_tips),
        cmocka_unit_test(test_intake__triage_and_conversion),
        cmocka_unit_test(test_intake__helpline_record),
    };
    TEST_RUN_BOTH("intake", tests, setup, teardown);
}
