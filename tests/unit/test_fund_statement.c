/* test_fund_statement: the Trust Fund's rates, donors, pledges, receipts and statements on SQLite
 * and PostgreSQL: rates of a date (the latest on or before it) and their CSV import (all or
 * nothing, errors naming file, line and field); donors (sealed individuals, anonymous donors);
 * pledges and receipts converted at their date's rate and posted to the ledger (partial payment,
 * exchange differences, numbering without gaps, reversal, write-off); statements (identities,
 * CSV, XLSX, PDF); and a generated year in five currencies: every monthly statement and the
 * year's balance, the year is the sum of its months, and the cash equals the receipts less the
 * disbursements computed from the source rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fund/donors.h"
#include "fund/generate.h"
#include "fund/ledger.h"
#include "fund/rates.h"
#include "fund/statement.h"
#include "i18n/i18n.h"
#include "store/store.h"
#include "testlib.h"
#include "util/money.h"

struct world {
    struct test_env t;
    int64_t agency, manager, trustee, auditor, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "UNODC");
    w->manager = test_user(&w->t, "manager", w->agency, "fund_manager", "all");
    w->trustee = test_user(&w->t, "trustee", w->agency, "trustee", "all");
    w->auditor = test_user(&w->t, "auditor", w->agency, "auditor", "all");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "agency");
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
    const char *text, *from, *to, *lang, *name;
    json_t *in, *out;
    int64_t id;
    struct fund_list_filter f;
    int year;
    char *csv;
    uint8_t *bytes;
    size_t len;
};

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_rate_set, fund_rate_set(c, o->in))
OPFN(op_rate_list, fund_rate_list(c, o->text, o->from, o->to, 0, &o->out))
OPFN(op_rate_import, fund_rate_import_csv(c, o->name, o->text, strlen(o->text), &o->out))
OPFN(op_donor_add, fund_donor_add(c, o->in, &o->id))
OPFN(op_donor_list, fund_donor_list(c, NULL, &o->out))
OPFN(op_donor_get, fund_donor_get(c, o->id, &o->out))
OPFN(op_pledge_add, fund_pledge_add(c, o->in, &o->id))
OPFN(op_pledge_list, fund_pledge_list(c, &o->f, &o->out))
OPFN(op_write_off, fund_pledge_write_off(c, o->id, o->in))
OPFN(op_receipt_add, fund_receipt_add(c, o->in, &o->id))
OPFN(op_receipt_get, fund_receipt_get(c, o->id, &o->out))
OPFN(op_receipt_list, fund_receipt_list(c, &o->f, &o->out))
OPFN(op_receipt_reverse, fund_receipt_reverse(c, o->id, o->in))
OPFN(op_receipt_pdf, fund_receipt_pdf(c, o->id, o->lang, &o->bytes, &o->len))
OPFN(op_statement, fund_statement(c, o->from, o->to, &o->out))
OPFN(op_statement_csv, fund_statement_csv(c, o->from, o->to, o->lang, &o->csv))
OPFN(op_statement_xlsx, fund_statement_xlsx(c, o->from, o->to, o->lang, (char **)&o->bytes, &o->len))
OPFN(op_statement_pdf, fund_statement_pdf(c, o->from, o->to, o->lang, &o->bytes, &o->len))
OPFN(op_generate, fund_generate(c, o->year, 42, &o->out))
OPFN(op_balances, fund_ledger_balances(c, o->from, o->to, &o->out))

/* Runs fn as user with in parsed from json (NULL: none); frees the previous in/out. */
static enum status call(struct world *w, int64_t user, auth_op_fn fn, struct op *o, const char *json)
{
    json_decref(o->in);
    json_decref(o->out);
    o->in = o->out = NULL;
    if (json != NULL) {
        o->in = json_loads(json, 0, NULL);
        assert_non_null(o->in);
    }
    struct test_as a;
    test_as_user(&w->t, &a, user);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void op_clear(struct op *o)
{
    json_decref(o->in);
    json_decref(o->out);
    free(o->csv);
    free(o->bytes);
    memset(o, 0, sizeof *o);
}

static int64_t jint(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (v == NULL) {
        fail_msg("no member %s", k);
    }
    return json_integer_value(v);
}

static const char *jstr(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v)) {
        fail_msg("no string member %s", k);
    }
    return json_string_value(v);
}

static void rate(struct world *w, const char *cur, const char *date, const char *r)
{
    struct op o = {0};
    char in[200];
    snprintf(in, sizeof in, "{\"currency\":\"%s\",\"date\":\"%s\",\"rate\":\"%s\",\"source\":\"test\"}", cur, date, r);
    assert_int_equal(call(w, w->manager, op_rate_set, &o, in), STATUS_OK);
    op_clear(&o);
}

static int64_t donor(struct world *w, const char *json)
{
    struct op o = {0};
    enum status st = call(w, w->manager, op_donor_add, &o, json);
    if (st != STATUS_OK) {
        fail_msg("donor: %s", err_last());
    }
    int64_t id = o.id;
    op_clear(&o);
    return id;
}

static void test_rates(void **state)
{
    struct world *w = *state;
    rate(w, "EUR", "2026-01-01", "1.0850");
    rate(w, "EUR", "2026-01-05", "1.09");
    rate(w, "JPY", "2026-01-01", "0.000713267891");
    struct op o = {0};
    assert_int_equal(
        call(w, w->manager, op_rate_set, &o, "{\"currency\":\"USD\",\"date\":\"2026-01-01\",\"rate\":\"1\"}"),
        STATUS_INVALID);
    assert_int_equal(
        call(w, w->manager, op_rate_set, &o, "{\"currency\":\"EUR\",\"date\":\"2026-01-01\",\"rate\":\"1.0e1\"}"),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "rate");
    assert_int_equal(
        call(w, w->trustee, op_rate_set, &o, "{\"currency\":\"EUR\",\"date\":\"2026-01-01\",\"rate\":\"1\"}"),
        STATUS_DENIED);
    /* The list, with trailing zeros dropped. */
    o.text = "EUR";
    assert_int_equal(call(w, w->auditor, op_rate_list, &o, NULL), STATUS_OK);
    json_t *rates = json_object_get(o.out, "items");
    assert_int_equal(json_array_size(rates), 2);
    assert_string_equal(jstr(json_array_get(rates, 0), "rate"), "1.085");
    assert_int_equal(call(w, w->worker, op_rate_list, &o, NULL), STATUS_DENIED);
    op_clear(&o);
    /* Import: all or nothing; the error names file, line and field. */
    o.name = "ecb.csv";
    o.text = "currency,date,rate,source\nKWD,2026-01-01,3.25,ECB\nKWD,2026-01-02,3.26,ECB\nKWD,2026-01-03,-3.2,ECB\n";
    assert_int_equal(call(w, w->manager, op_rate_import, &o, NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "ecb.csv:4: rate"));
    assert_string_equal(err_last_field(), "rate");
    o.text = "KWD";
    o.from = NULL;
    assert_int_equal(call(w, w->manager, op_rate_list, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "items")), 0);
    o.name = "ecb.csv";
    o.text = "date,currency,rate\r\n2026-01-01,KWD,3.25\r\n2026-01-02,KWD,\"3.260\"\r\n\r\n2026-01-03,CHF,1.12\r\n";
    assert_int_equal(call(w, w->manager, op_rate_import, &o, NULL), STATUS_OK);
    assert_int_equal(jint(o.out, "imported"), 3);
    o.text = "currency,rate\nKWD,3\n";
    assert_int_equal(call(w, w->manager, op_rate_import, &o, NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "ecb.csv:1"));
    op_clear(&o);
}

static void test_contributions(void **state)
{
    struct world *w = *state;
    rate(w, "EUR", "2026-01-01", "1.10");
    rate(w, "EUR", "2026-03-01", "1.05");
    rate(w, "KWD", "2026-01-01", "3.25");
    int64_t fra = donor(w, "{\"kind\":\"member_state\",\"name\":\"France\",\"country\":\"FRA\",\"language\":\"fr\"}");
    int64_t kwt = donor(w, "{\"kind\":\"member_state\",\"name\":\"Kuwait\",\"country\":\"KWT\",\"language\":\"ar\"}");
    int64_t anon = donor(w, "{\"kind\":\"private_sector\",\"name\":\"Secret Corp\",\"anonymous\":true}");
    int64_t ind = donor(w, "{\"kind\":\"individual\",\"name\":\"Jane Giver\",\"contact\":\"jane@example.org\"}");
    struct op o = {0};
    assert_int_equal(call(w, w->manager, op_donor_add, &o, "{\"kind\":\"member_state\",\"name\":\"X\"}"),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    assert_int_equal(call(w, w->manager, op_donor_add, &o, "{\"kind\":\"church\",\"name\":\"X\"}"), STATUS_INVALID);
    assert_int_equal(call(w, w->trustee, op_donor_add, &o, "{\"kind\":\"church\",\"name\":\"X\"}"), STATUS_DENIED);
    /* The individual's name is sealed at rest; the anonymous donor is anonymous to readers. */
    struct store_rows *r = NULL;
    struct sql_value k[] = {SQLV_I64(ind)};
    assert_int_equal(store_exec_one(w->t.store, STMT_FUND_DONOR_GET, k, 1, &r), STATUS_OK);
    assert_string_equal(store_rows_text(r, 3), "");
    assert_false(store_rows_is_null(r, 4));
    store_rows_free(r);
    assert_int_equal(call(w, w->trustee, op_donor_list, &o, NULL), STATUS_OK);
    json_t *e;
    size_t i;
    int seen = 0;
    json_array_foreach(json_object_get(o.out, "items"), i, e)
    {
        if (jint(e, "id") == anon) {
            assert_string_equal(jstr(e, "name"), "Anonymous donor");
            seen++;
        }
        if (jint(e, "id") == ind) {
            assert_string_equal(jstr(e, "name"), "Individual donor");
            assert_null(json_object_get(e, "contact"));
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    assert_int_equal(call(w, w->manager, op_donor_list, &o, NULL), STATUS_OK);
    json_array_foreach(json_object_get(o.out, "items"), i, e)
    {
        if (jint(e, "id") == anon) {
            assert_string_equal(jstr(e, "name"), "Secret Corp");
        }
        if (jint(e, "id") == ind) {
            assert_string_equal(jstr(e, "name"), "Jane Giver");
            assert_string_equal(jstr(e, "contact"), "jane@example.org");
        }
    }

    /* A pledge of EUR 100,000.00 on 2026-02-10 at 1.10 (the rate of 01-01): USD 110,000.00. */
    char in[400];
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"date\":\"2026-02-10\",\"currency\":\"EUR\",\"amount\":\"100,000.00\","
             "\"earmark\":\"country:NGA\",\"expected_date\":\"2026-06-30\"}",
             (long long)fra);
    assert_int_equal(call(w, w->manager, op_pledge_add, &o, in), STATUS_OK);
    int64_t pledge = o.id;
    /* No rate before the date: a clear error. */
    snprintf(in, sizeof in, "{\"donor_id\":%lld,\"date\":\"2025-12-31\",\"currency\":\"EUR\",\"amount\":\"5\"}",
             (long long)fra);
    assert_int_equal(call(w, w->manager, op_pledge_add, &o, in), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "no EUR rate on or before 2025-12-31"));
    snprintf(in, sizeof in, "{\"donor_id\":%lld,\"date\":\"2026-02-10\",\"currency\":\"GBP\",\"amount\":\"5\"}",
             (long long)fra);
    assert_int_equal(call(w, w->manager, op_pledge_add, &o, in), STATUS_INVALID);
    /* A first receipt of EUR 40,000 on 02-20 at 1.10: USD 44,000, no difference. */
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-02-20\",\"currency\":\"EUR\",\"amount\":\"40000\","
             "\"bank_reference\":\"BNP-1\"}",
             (long long)fra, (long long)pledge);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_OK);
    int64_t r1 = o.id;
    o.id = r1;
    assert_int_equal(call(w, w->auditor, op_receipt_get, &o, NULL), STATUS_OK);
    assert_string_equal(jstr(o.out, "number"), "FUND-2026-0001");
    assert_int_equal(jint(o.out, "usd_cents"), 4400000);
    assert_int_equal(jint(o.out, "fx_cents"), 0);
    assert_string_equal(jstr(o.out, "earmark"), "country:NGA");
    /* Too much, another currency, or before the pledge: refused. */
    snprintf(
        in, sizeof in,
        "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-03-20\",\"currency\":\"EUR\",\"amount\":\"60000.01\"}",
        (long long)fra, (long long)pledge);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount");
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-03-20\",\"currency\":\"KWD\",\"amount\":\"6\"}",
             (long long)fra, (long long)pledge);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_INVALID);
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-03-20\",\"currency\":\"EUR\",\"amount\":\"6\"}",
             (long long)kwt, (long long)pledge);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_INVALID);
    assert_string_equal(err_last_field(), "pledge_id");
    o.f = (struct fund_list_filter){.donor_id = fra};
    assert_int_equal(call(w, w->trustee, op_pledge_list, &o, NULL), STATUS_OK);
    assert_string_equal(jstr(json_array_get(json_object_get(o.out, "items"), 0), "status"), "partly_paid");
    assert_string_equal(jstr(json_array_get(json_object_get(o.out, "items"), 0), "unpaid"), "60000.00");
    /* The rest, EUR 60,000 on 03-15 at 1.05: USD 63,000 for a receivable of USD 66,000: a loss of
     * USD 3,000 in fx_difference. */
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-03-15\",\"currency\":\"EUR\",\"amount\":\"60000\"}",
             (long long)fra, (long long)pledge);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_OK);
    o.id = o.id;
    assert_int_equal(call(w, w->manager, op_receipt_get, &o, NULL), STATUS_OK);
    assert_string_equal(jstr(o.out, "number"), "FUND-2026-0002");
    assert_int_equal(jint(o.out, "usd_cents"), 6300000);
    assert_int_equal(jint(o.out, "receivable_cents"), 6600000);
    assert_int_equal(jint(o.out, "fx_cents"), -300000);
    assert_string_equal(jstr(o.out, "rate"), "1.05");
    assert_string_equal(jstr(o.out, "rate_date"), "2026-03-01");
    o.f = (struct fund_list_filter){.donor_id = fra};
    assert_int_equal(call(w, w->trustee, op_pledge_list, &o, NULL), STATUS_OK);
    assert_string_equal(jstr(json_array_get(json_object_get(o.out, "items"), 0), "status"), "paid");

    /* Kuwait: a pledge of KWD 10,000.000 paid in part (KWD 2,500.125), then written off. */
    snprintf(in, sizeof in, "{\"donor_id\":%lld,\"date\":\"2026-04-01\",\"currency\":\"KWD\",\"amount\":\"10000\"}",
             (long long)kwt);
    assert_int_equal(call(w, w->manager, op_pledge_add, &o, in), STATUS_OK);
    int64_t kp = o.id;
    snprintf(
        in, sizeof in,
        "{\"donor_id\":%lld,\"pledge_id\":%lld,\"date\":\"2026-04-10\",\"currency\":\"KWD\",\"amount\":\"2500.125\"}",
        (long long)kwt, (long long)kp);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_OK);
    o.id = kp;
    assert_int_equal(call(w, w->manager, op_write_off, &o, "{\"date\":\"2026-04-01\",\"reason\":\"withdrawn\"}"),
                     STATUS_OK);
    assert_int_equal(call(w, w->manager, op_write_off, &o, "{\"date\":\"2026-04-30\"}"), STATUS_CONFLICT);
    /* Gifts without pledge: USD from the anonymous donor, EUR from the individual, one reversed. */
    snprintf(in, sizeof in, "{\"donor_id\":%lld,\"date\":\"2026-05-02\",\"currency\":\"USD\",\"amount\":\"1234.56\"}",
             (long long)anon);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_OK);
    snprintf(in, sizeof in,
             "{\"donor_id\":%lld,\"date\":\"2026-05-03\",\"currency\":\"EUR\",\"amount\":\"0.01\",\"earmark\":"
             "\"purpose:shelter\"}",
             (long long)ind);
    assert_int_equal(call(w, w->manager, op_receipt_add, &o, in), STATUS_OK);
    int64_t tiny = o.id;
    o.id = tiny;
    assert_int_equal(call(w, w->manager, op_receipt_get, &o, NULL), STATUS_OK);
    assert_int_equal(jint(o.out, "usd_cents"), 1); /* EUR 0.01 at 1.05 = 0.0105 -> 0.01 */
    o.id = tiny;
    assert_int_equal(call(w, w->auditor, op_receipt_reverse, &o, "{\"date\":\"2026-05-04\"}"), STATUS_DENIED);
    assert_int_equal(call(w, w->manager, op_receipt_reverse, &o, "{\"date\":\"2026-05-02\"}"), STATUS_INVALID);
    assert_int_equal(call(w, w->manager, op_receipt_reverse, &o, "{\"date\":\"2026-05-04\",\"reason\":\"test\"}"),
                     STATUS_OK);
    assert_int_equal(call(w, w->manager, op_receipt_reverse, &o, "{\"date\":\"2026-05-04\"}"), STATUS_CONFLICT);
    assert_int_equal(call(w, w->manager, op_receipt_get, &o, NULL), STATUS_OK);
    assert_string_equal(jstr(o.out, "status"), "reversed");
    assert_string_equal(jstr(o.out, "number"), "FUND-2026-0005");
    /* Numbers are sequential without gaps, even after refusals. */
    o.f = (struct fund_list_filter){0};
    assert_int_equal(call(w, w->manager, op_receipt_list, &o, NULL), STATUS_OK);
    json_t *rs = json_object_get(o.out, "items");
    assert_int_equal(json_array_size(rs), 5);
    for (i = 0; i < 5; i++) {
        char want[24];
        snprintf(want, sizeof want, "FUND-2026-%04zu", i + 1);
        assert_string_equal(jstr(json_array_get(rs, i), "number"), want);
    }

    o.id = fra;
    assert_int_equal(call(w, w->trustee, op_donor_get, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "receipts")), 2);
    assert_int_equal(jint(o.out, "received_usd_cents"), 4400000 + 6300000);
    /* The statement of the first half year. */
    o.from = "2026-01-01";
    o.to = "2026-06-30";
    assert_int_equal(call(w, w->auditor, op_statement, &o, NULL), STATUS_OK);
    json_t *s = o.out;
    if (!json_is_true(json_object_get(s, "balanced"))) {
        fail_msg("not balanced: %s", json_dumps(s, JSON_INDENT(1)));
    }
    int64_t kwd_pledge = 0, kwd_paid = 0;
    assert_int_equal(money_convert(10000000, "KWD", "3.25", "USD", &kwd_pledge), STATUS_OK);
    assert_int_equal(money_convert(2500125, "KWD", "3.25", "USD", &kwd_paid), STATUS_OK);
    /* Contributions: France 110,000 + Kuwait's paid part + the anonymous 1,234.56 (the reversed
     * gift is gone). */
    assert_int_equal(jint(s, "contributions_cents"), 11000000 + kwd_paid + 123456);
    assert_int_equal(jint(s, "fx_differences_cents"), -300000);
    assert_int_equal(jint(s, "receipts_cents"), 4400000 + 6300000 + kwd_paid + 123456);
    assert_int_equal(jint(s, "cash_closing_cents"), 4400000 + 6300000 + kwd_paid + 123456);
    assert_int_equal(jint(s, "disbursements_cents"), 0);
    assert_int_equal(jint(s, "pledges_receivable_closing_cents"), 0);
    assert_int_equal(jint(s, "opening_balance_cents"), 0);
    assert_int_equal(jint(s, "closing_balance_cents"), jint(s, "cash_closing_cents"));
    assert_int_equal(jint(s, "contributions_earmarked_cents"), 11000000);
    /* The anonymous donor is anonymous in the statement too. */
    bool anon_seen = false;
    json_array_foreach(json_object_get(s, "contributions_by_donor"), i, e)
    {
        if (jint(e, "donor_id") == anon) {
            assert_string_equal(jstr(e, "donor"), "Anonymous donor");
            anon_seen = true;
        }
    }
    assert_true(anon_seen);
    /* Statement outputs. */
    o.lang = "fr";
    assert_int_equal(call(w, w->trustee, op_statement_csv, &o, NULL), STATUS_OK);
    assert_non_null(strstr(o.csv, "cents"));
    o.lang = "ar";
    assert_int_equal(call(w, w->trustee, op_statement_xlsx, &o, NULL), STATUS_OK);
    assert_true(o.len > 100 && memcmp(o.bytes, "PK", 2) == 0);
    free(o.bytes);
    o.bytes = NULL;
    assert_int_equal(call(w, w->trustee, op_statement_pdf, &o, NULL), STATUS_OK);
    assert_true(o.len > 100 && memcmp(o.bytes, "%PDF", 4) == 0);
    free(o.bytes);
    o.bytes = NULL;
    assert_int_equal(call(w, w->worker, op_statement, &o, NULL), STATUS_DENIED);
    o.from = "2026-07-01";
    assert_int_equal(call(w, w->trustee, op_statement, &o, NULL), STATUS_INVALID);
    /* The receipt's acknowledgement, in the donor's language (French) and in Arabic. */
    o.id = r1;
    o.lang = NULL;
    assert_int_equal(call(w, w->manager, op_receipt_pdf, &o, NULL), STATUS_OK);
    assert_true(o.len > 100 && memcmp(o.bytes, "%PDF", 4) == 0);
    free(o.bytes);
    o.bytes = NULL;
    o.lang = "ar";
    assert_int_equal(call(w, w->auditor, op_receipt_pdf, &o, NULL), STATUS_OK);
    free(o.bytes);
    o.bytes = NULL;
    assert_int_equal(call(w, w->worker, op_receipt_pdf, &o, NULL), STATUS_DENIED);
    op_clear(&o);
}

static void test_generated_year(void **state)
{
    struct world *w = *state;
    struct op o = {.year = 2025};
    assert_int_equal(call(w, w->trustee, op_generate, &o, NULL), STATUS_DENIED);
    o.year = 2025;
    enum status st = call(w, w->manager, op_generate, &o, NULL);
    if (st != STATUS_OK) {
        fail_msg("generate: %s", err_last());
    }
    json_t *sum = json_incref(o.out);
    assert_true(jint(sum, "pledges") >= 10);
    assert_true(jint(sum, "receipts") >= 15);
    assert_true(jint(sum, "reversed") >= 2);
    assert_int_equal(jint(sum, "written_off"), 1);
    assert_true(jint(sum, "disbursements") >= 4);
    /* Every month balances; the months add up to the year; each month opens where the last closed. */
    static const char *const members[] = {"contributions_cents", "grant_expense_cents", "fx_differences_cents",
                                          "receipts_cents",      "disbursements_cents", "other_cash_cents"};
    int64_t totals[6] = {0}, prev_close = 0, prev_cash = 0;
    for (int m = 1; m <= 12; m++) {
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        char from[11], to[11];
        snprintf(from, sizeof from, "2025-%02d-01", m);
        snprintf(to, sizeof to, "2025-%02d-%02d", m, days[m - 1]);
        o.from = from;
        o.to = to;
        assert_int_equal(call(w, w->auditor, op_statement, &o, NULL), STATUS_OK);
        if (!json_is_true(json_object_get(o.out, "balanced"))) {
            fail_msg("month %d does not balance: %s", m, json_dumps(json_object_get(o.out, "checks"), 0));
        }
        assert_true(json_is_true(json_object_get(json_object_get(o.out, "trial_balance"), "balanced")));
        assert_int_equal(jint(o.out, "opening_balance_cents"), prev_close);
        assert_int_equal(jint(o.out, "cash_opening_cents"), prev_cash);
        prev_close = jint(o.out, "closing_balance_cents");
        prev_cash = jint(o.out, "cash_closing_cents");
        for (int k = 0; k < 6; k++) {
            totals[k] += jint(o.out, members[k]);
        }
    }
    o.from = "2025-01-01";
    o.to = "2025-12-31";
    assert_int_equal(call(w, w->auditor, op_statement, &o, NULL), STATUS_OK);
    json_t *year = json_incref(o.out);
    assert_true(json_is_true(json_object_get(year, "balanced")));
    for (int k = 0; k < 6; k++) {
        assert_int_equal(jint(year, members[k]), totals[k]);
    }
    assert_int_equal(jint(year, "closing_balance_cents"), prev_close);
    assert_int_equal(jint(year, "cash_closing_cents"), prev_cash);
    assert_int_equal(jint(year, "grant_expense_cents"), jint(sum, "awards_usd_cents"));
    /* The ledger's cash = the receipts' USD amounts (not reversed, from the receipts' own rows)
     * less the disbursements (as the generator made them), to the cent. */
    o.f = (struct fund_list_filter){.from = "2025-01-01", .to = "2025-12-31"};
    assert_int_equal(call(w, w->auditor, op_receipt_list, &o, NULL), STATUS_OK);
    int64_t received = 0;
    json_t *e;
    size_t i;
    bool currencies[5] = {false};
    static const char *const curs[] = {"USD", "EUR", "JPY", "KWD", "CHF"};
    json_array_foreach(json_object_get(o.out, "items"), i, e)
    {
        if (strcmp(jstr(e, "status"), "valid") == 0) {
            received += jint(e, "usd_cents");
        }
        for (int c = 0; c < 5; c++) {
            currencies[c] |= strcmp(jstr(e, "currency"), curs[c]) == 0;
        }
    }
    for (int c = 0; c < 5; c++) {
        assert_true(currencies[c]);
    }
    assert_int_equal(received, jint(sum, "receipts_usd_cents"));
    assert_int_equal(jint(year, "cash_closing_cents"), received - jint(sum, "disbursements_usd_cents"));
    assert_int_equal(jint(year, "receipts_cents"), received);
    assert_int_equal(jint(year, "disbursements_cents"), jint(sum, "disbursements_usd_cents"));
    /* And the balances agree. */
    o.from = NULL;
    o.to = NULL;
    assert_int_equal(call(w, w->auditor, op_balances, &o, NULL), STATUS_OK);
    assert_true(json_is_true(json_object_get(o.out, "balanced")));
    json_decref(year);
    json_decref(sum);
    op_clear(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return i18n_init() == STATUS_OK ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contributions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generated_year, setup, teardown),
    };
    TEST_RUN_BOTH("fund_statement", tests, group_setup, NULL);
}
