/* test_fund_ledger: the Trust Fund's ledger on SQLite and PostgreSQL: a balanced posting is
 * accepted; an unbalanced one, a line on both sides, a zero line, an unknown account, a bad date
 * or kind are refused; a reversal mirrors the entry once only; balances by account over a
 * period; listing with lines; who may post and read. And the exact money functions (util/money):
 * parsing, formatting, rates, half-even conversion, overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fund/ledger.h"
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

/* ---- money ---------------------------------------------------------------------------------- */

static int64_t conv(int64_t minor, const char *from, const char *rate, const char *to)
{
    int64_t out = -1;
    enum status st = money_convert(minor, from, rate, to, &out);
    if (st != STATUS_OK) {
        fprintf(stderr, "convert: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    return out;
}

static void test_money__convert(void **state)
{
    (void)state;
    /* Half-even ties to the cent: 0.125 -> 0.12, 0.135 -> 0.14 (KWD has 3 decimals). */
    assert_int_equal(conv(125, "KWD", "1", "USD"), 12);
    assert_int_equal(conv(135, "KWD", "1", "USD"), 14);
    assert_int_equal(conv(145, "KWD", "1", "USD"), 14);
    assert_int_equal(conv(146, "KWD", "1", "USD"), 15);
    assert_int_equal(conv(124, "BHD", "1", "USD"), 12);
    /* KWD 1,000.000 at 3.25 USD */
    assert_int_equal(conv(1000000, "KWD", "3.25", "USD"), 325000);
    /* JPY (no decimals): 1,000,000 yen at 0.006512 USD = 6,512.00 USD */
    assert_int_equal(conv(1000000, "JPY", "0.006512", "USD"), 651200);
    /* 12 decimals: 1 yen at 0.000713267891 = 0.000713... -> 0.00 */
    assert_int_equal(conv(1, "JPY", "0.000713267891", "USD"), 0);
    assert_int_equal(conv(10000000, "JPY", "0.000713267891", "USD"), 713268); /* 7132.67891 -> 7132.68 */
    /* USD to JPY: 1.00 USD at 150.5 JPY = 150.5 -> 150 (half-even), 3.00 -> 451.5 -> 452 */
    assert_int_equal(conv(100, "USD", "150.5", "JPY"), 150);
    assert_int_equal(conv(300, "USD", "150.5", "JPY"), 452);
    /* Trailing zeros change nothing. */
    assert_int_equal(conv(123456, "EUR", "1.0850", "USD"), conv(123456, "EUR", "1.085", "USD"));
    assert_int_equal(conv(123456, "EUR", "1.085000000000", "USD"), 133950); /* 1339.49760 -> 1339.50 */
    assert_int_equal(conv(0, "EUR", "1.08", "USD"), 0);
    /* The largest amount at the largest rate: refused as overflow, not wrapped. */
    int64_t out = 0;
    assert_int_equal(money_convert(MONEY_AMOUNT_MAX, "USD", "999999.999999999999", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(MONEY_AMOUNT_MAX + 1, "USD", "1", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(MONEY_AMOUNT_MAX, "JPY", "1", "KWD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(MONEY_AMOUNT_MAX, "KWD", "1", "JPY", &out), STATUS_OK);
    assert_int_equal(out, MONEY_AMOUNT_MAX / 1000);
    /* Refused: negative amount, negative, zero or malformed rates, unknown currencies. */
    assert_int_equal(money_convert(-1, "EUR", "1.08", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "-1.08", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "0", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "0.000", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "1e3", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "1.", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "0.0000000000001", "USD", &out), STATUS_INVALID); /* 13 decimals */
    assert_int_equal(money_convert(100, "EUR", "1000000", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "XXX", "1", "USD", &out), STATUS_INVALID);
    assert_int_equal(money_convert(100, "EUR", "1", "usd", &out), STATUS_INVALID);
}

static void test_money__rates_and_amounts(void **state)
{
    (void)state;
    struct money_rate r;
    char buf[MONEY_RATE_TEXT_BYTES];
    assert_int_equal(money_rate_parse("rate", "0.000713267891", &r), STATUS_OK);
    assert_int_equal(r.num, 713267891);
    assert_int_equal(r.scale, 12);
    money_rate_format(&r, buf);
    assert_string_equal(buf, "0.000713267891");
    assert_int_equal(money_rate_parse("rate", "1.0850000", &r), STATUS_OK);
    money_rate_format(&r, buf);
    assert_string_equal(buf, "1.085");
    assert_int_equal(money_rate_parse("rate", "0003.000", &r), STATUS_OK);
    money_rate_format(&r, buf);
    assert_string_equal(buf, "3");
    assert_int_equal(money_rate_parse("rate", ".5", &r), STATUS_OK);
    money_rate_format(&r, buf);
    assert_string_equal(buf, "0.5");
    assert_int_equal(money_rate_parse("rate", "999999.999999999999", &r), STATUS_OK);
    assert_int_equal(money_rate_parse("rate", "+1", &r), STATUS_INVALID);
    assert_int_equal(money_rate_parse("rate", "1,5", &r), STATUS_INVALID);
    assert_int_equal(money_rate_parse("rate", ".", &r), STATUS_INVALID);

    char a[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format("USD", -5, a);
    assert_string_equal(a, "-0.05");
    money_amount_format("USD", -123456, a);
    assert_string_equal(a, "-1234.56");
    money_amount_format("KWD", 1234567, a);
    assert_string_equal(a, "1234.567");
    money_amount_format("JPY", 1000, a);
    assert_string_equal(a, "1000");
    int64_t v = 0;
    assert_int_equal(money_amount_parse("amount", "KWD", "1,234.567", &v), STATUS_OK);
    assert_int_equal(v, 1234567);
    assert_int_equal(money_amount_parse("amount", "JPY", "1.5", &v), STATUS_INVALID);
    assert_int_equal(money_currency_exponent("BHD"), 3);
    assert_int_equal(money_currency_exponent("JPY"), 0);
    assert_true(money_date_valid("2024-02-29"));
    assert_false(money_date_valid("2023-02-29"));
    assert_false(money_date_valid("2023-13-01"));
    assert_false(money_date_valid("2023-1-01"));
}

/* ---- the ledger ----------------------------------------------------------------------------- */

struct op {
    struct fund_posting p;
    int64_t id, rev_id;
    const char *date, *reason, *from, *to;
    struct fund_ledger_filter f;
    json_t *out;
};

static enum status op_post(const struct auth_ctx *c, void *arg)
{
    struct op *o = arg;
    return fund_ledger_post(c, &o->p, &o->id);
}

static enum status op_reverse(const struct auth_ctx *c, void *arg)
{
    struct op *o = arg;
    return fund_ledger_reverse(c, o->id, o->date, o->reason, &o->rev_id);
}

static enum status op_balances(const struct auth_ctx *c, void *arg)
{
    struct op *o = arg;
    return fund_ledger_balances(c, o->from, o->to, &o->out);
}

static enum status op_entries(const struct auth_ctx *c, void *arg)
{
    struct op *o = arg;
    return fund_ledger_entries(c, &o->f, &o->out);
}

static enum status as(struct world *w, int64_t user, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, user);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static enum status post(struct world *w, int64_t user, const char *date, const char *kind, const struct fund_line *l,
                        size_t n, int64_t *id)
{
    struct op o = {.p = {date, kind, "contribution", 7, "test", l, n}};
    enum status st = as(w, user, op_post, &o);
    if (id != NULL) {
        *id = o.id;
    }
    return st;
}

static json_t *account(json_t *bal, const char *code)
{
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(bal, "accounts"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "account")), code) == 0) {
            return e;
        }
    }
    fail_msg("no account %s", code);
    return NULL;
}

static int64_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_non_null(v);
    return json_integer_value(v);
}

static void test_ledger__post_and_refuse(void **state)
{
    struct world *w = *state;
    int64_t id = 0;
    /* A pledge: Dr pledges_receivable / Cr contributions. */
    struct fund_line pledge[] = {{"pledges_receivable", 100000, 0}, {"contributions", 0, 100000}};
    assert_int_equal(post(w, w->manager, "2026-01-10", "pledge", pledge, 2, &id), STATUS_OK);
    assert_true(id != 0);
    /* Three lines: a receipt below its pledge's value, the difference through fx_difference. */
    struct fund_line receipt[] = {{"cash", 99000, 0}, {"fx_difference", 1000, 0}, {"pledges_receivable", 0, 100000}};
    assert_int_equal(post(w, w->manager, "2026-02-01", "receipt", receipt, 3, NULL), STATUS_OK);
    /* Trustees (fund.approve) may post too; an auditor (read only) or a caseworker may not. */
    struct fund_line award[] = {{"grant_expense", 50000, 0}, {"grants_payable", 0, 50000}};
    assert_int_equal(post(w, w->trustee, "2026-03-01", "award", award, 2, NULL), STATUS_OK);
    assert_int_equal(post(w, w->auditor, "2026-03-01", "award", award, 2, NULL), STATUS_DENIED);
    assert_int_equal(post(w, w->worker, "2026-03-01", "award", award, 2, NULL), STATUS_DENIED);

    /* Refused: unbalanced, both sides on one line, a zero line, no debit at all, an unknown
     * account, a negative amount, one line, a bad date or kind. */
    struct fund_line unbalanced[] = {{"cash", 100, 0}, {"contributions", 0, 99}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", unbalanced, 2, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lines");
    struct fund_line both[] = {{"cash", 100, 100}, {"contributions", 0, 100}, {"cash", 100, 0}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", both, 3, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lines[0]");
    struct fund_line zero[] = {{"cash", 0, 0}, {"contributions", 0, 0}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", zero, 2, NULL), STATUS_INVALID);
    struct fund_line one_side[] = {{"cash", 100, 0}, {"contributions", 100, 0}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", one_side, 2, NULL), STATUS_INVALID);
    struct fund_line unknown[] = {{"cash", 100, 0}, {"petty_cash", 0, 100}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", unknown, 2, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lines[1].account");
    struct fund_line negative[] = {{"cash", -100, 0}, {"contributions", 0, -100}};
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", negative, 2, NULL), STATUS_INVALID);
    assert_int_equal(post(w, w->manager, "2026-03-02", "receipt", pledge, 1, NULL), STATUS_INVALID);
    assert_int_equal(post(w, w->manager, "2026-02-30", "pledge", pledge, 2, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "date");
    assert_int_equal(post(w, w->manager, "2026-03-02", "gift", pledge, 2, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");

    /* Nothing refused was kept: three entries. */
    struct op o = {0};
    assert_int_equal(as(w, w->auditor, op_entries, &o), STATUS_OK);
    assert_int_equal(jint(o.out, "count"), 3);
    json_t *first = json_array_get(json_object_get(o.out, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "kind")), "pledge");
    assert_int_equal(json_array_size(json_object_get(first, "lines")), 2);
    assert_int_equal(jint(first, "total_cents"), 100000);
    assert_string_equal(json_string_value(json_object_get(first, "total")), "1000.00");
    json_decref(o.out);
    /* Filters: by account, kind, period. */
    o = (struct op){.f = {.account = "fx_difference"}};
    assert_int_equal(as(w, w->trustee, op_entries, &o), STATUS_OK);
    assert_int_equal(jint(o.out, "count"), 1);
    json_decref(o.out);
    o = (struct op){.f = {.from = "2026-02-01", .to = "2026-02-28"}};
    assert_int_equal(as(w, w->manager, op_entries, &o), STATUS_OK);
    assert_int_equal(jint(o.out, "count"), 1);
    json_decref(o.out);
    o = (struct op){.f = {.kind = "award", .limit = 1}};
    assert_int_equal(as(w, w->manager, op_entries, &o), STATUS_OK);
    assert_int_equal(jint(o.out, "count"), 1);
    json_decref(o.out);
    o = (struct op){.f = {.account = "bank"}};
    assert_int_equal(as(w, w->manager, op_entries, &o), STATUS_INVALID);
    o = (struct op){0};
    assert_int_equal(as(w, w->worker, op_entries, &o), STATUS_DENIED);
    assert_int_equal(as(w, w->worker, op_balances, &o), STATUS_DENIED);
}

static void test_ledger__reverse_once(void **state)
{
    struct world *w = *state;
    int64_t id = 0;
    struct fund_line receipt[] = {{"cash", 250075, 0}, {"contributions", 0, 250075}};
    assert_int_equal(post(w, w->manager, "2026-04-05", "receipt", receipt, 2, &id), STATUS_OK);
    struct op o = {.id = id, .date = "2026-04-04", .reason = "entered twice"};
    assert_int_equal(as(w, w->manager, op_reverse, &o), STATUS_INVALID); /* before the entry */
    assert_int_equal(as(w, w->auditor, op_reverse, &o), STATUS_DENIED);
    o.date = "2026-04-06";
    assert_int_equal(as(w, w->manager, op_reverse, &o), STATUS_OK);
    int64_t rev = o.rev_id;
    assert_true(rev != 0 && rev != id);
    /* Once only; a reversal is not reversed; an unknown entry. */
    assert_int_equal(as(w, w->manager, op_reverse, &o), STATUS_CONFLICT);
    o.id = rev;
    assert_int_equal(as(w, w->manager, op_reverse, &o), STATUS_CONFLICT);
    o.id = 4242;
    assert_int_equal(as(w, w->manager, op_reverse, &o), STATUS_NOT_FOUND);
    /* Linked both ways, the mirror's lines swapped. */
    o = (struct op){.f = {.ref_type = "contribution", .ref_id = 7}};
    assert_int_equal(as(w, w->manager, op_entries, &o), STATUS_OK);
    assert_int_equal(jint(o.out, "count"), 2);
    json_t *a = json_array_get(json_object_get(o.out, "items"), 0);
    json_t *b = json_array_get(json_object_get(o.out, "items"), 1);
    assert_int_equal(jint(a, "id"), id);
    assert_int_equal(jint(a, "reversed_by"), rev);
    assert_int_equal(jint(b, "reverses_id"), id);
    assert_string_equal(json_string_value(json_object_get(b, "kind")), "reversal");
    assert_string_equal(json_string_value(json_object_get(b, "reason")), "entered twice");
    json_t *l0 = json_array_get(json_object_get(b, "lines"), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "account")), "cash");
    assert_int_equal(jint(l0, "credit_cents"), 250075);
    assert_int_equal(jint(l0, "debit_cents"), 0);
    json_decref(o.out);
    /* The cash is back to zero after the reversal, and was 2,500.75 between. */
    o = (struct op){.from = "2026-04-05", .to = "2026-04-05"};
    assert_int_equal(as(w, w->auditor, op_balances, &o), STATUS_OK);
    assert_int_equal(jint(account(o.out, "cash"), "closing_cents"), 250075);
    json_decref(o.out);
    o = (struct op){.from = "2026-04-06", .to = "2026-04-30"};
    assert_int_equal(as(w, w->auditor, op_balances, &o), STATUS_OK);
    assert_int_equal(jint(account(o.out, "cash"), "opening_cents"), 250075);
    assert_int_equal(jint(account(o.out, "cash"), "credits_cents"), 250075);
    assert_int_equal(jint(account(o.out, "cash"), "closing_cents"), 0);
    assert_int_equal(jint(account(o.out, "contributions"), "closing_cents"), 0);
    assert_true(json_is_true(json_object_get(o.out, "balanced")));
    json_decref(o.out);
}

static void test_ledger__balances(void **state)
{
    struct world *w = *state;
    struct fund_line pledge[] = {{"pledges_receivable", 500000, 0}, {"contributions", 0, 500000}};
    struct fund_line receipt[] = {{"cash", 510000, 0}, {"pledges_receivable", 0, 500000}, {"fx_difference", 0, 10000}};
    struct fund_line award[] = {{"grant_expense", 300000, 0}, {"grants_payable", 0, 300000}};
    struct fund_line pay[] = {{"grants_payable", 0 + 120000, 0}, {"cash", 0, 120000}};
    assert_int_equal(post(w, w->manager, "2025-12-20", "pledge", pledge, 2, NULL), STATUS_OK);
    assert_int_equal(post(w, w->manager, "2026-01-15", "receipt", receipt, 3, NULL), STATUS_OK);
    assert_int_equal(post(w, w->manager, "2026-02-01", "award", award, 2, NULL), STATUS_OK);
    assert_int_equal(post(w, w->manager, "2026-03-01", "disbursement", pay, 2, NULL), STATUS_OK);
    struct op o = {.from = "2026-01-01", .to = "2026-12-31"};
    assert_int_equal(as(w, w->trustee, op_balances, &o), STATUS_OK);
    json_t *b = o.out;
    assert_true(json_is_true(json_object_get(b, "balanced")));
    assert_int_equal(jint(b, "debits_cents"), jint(b, "credits_cents"));
    assert_int_equal(jint(account(b, "pledges_receivable"), "opening_cents"), 500000);
    assert_int_equal(jint(account(b, "pledges_receivable"), "closing_cents"), 0);
    assert_int_equal(jint(account(b, "contributions"), "opening_cents"), 500000);
    assert_int_equal(jint(account(b, "contributions"), "credits_cents"), 0);
    assert_int_equal(jint(account(b, "cash"), "debits_cents"), 510000);
    assert_int_equal(jint(account(b, "cash"), "credits_cents"), 120000);
    assert_int_equal(jint(account(b, "cash"), "closing_cents"), 390000);
    assert_int_equal(jint(account(b, "grants_payable"), "closing_cents"), 180000);
    assert_int_equal(jint(account(b, "grant_expense"), "closing_cents"), 300000);
    assert_int_equal(jint(account(b, "fx_difference"), "closing_cents"), 10000);
    json_decref(b);
    /* Open-ended: everything; a bad period is refused. */
    o = (struct op){0};
    assert_int_equal(as(w, w->manager, op_balances, &o), STATUS_OK);
    assert_int_equal(jint(account(o.out, "cash"), "opening_cents"), 0);
    assert_int_equal(jint(account(o.out, "cash"), "closing_cents"), 390000);
    json_decref(o.out);
    o = (struct op){.from = "2026-02-01", .to = "2026-01-01"};
    assert_int_equal(as(w, w->manager, op_balances, &o), STATUS_INVALID);
    o = (struct op){.from = "2026-13-01"};
    assert_int_equal(as(w, w->manager, op_balances, &o), STATUS_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money__convert),
        cmocka_unit_test(test_money__rates_and_amounts),
        cmocka_unit_test_setup_teardown(test_ledger__post_and_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger__reverse_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger__balances, setup, teardown),
    };
    TEST_RUN_BOTH("fund_ledger", tests, NULL, NULL);
}
