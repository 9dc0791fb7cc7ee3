/* test_assets: asset orders on SQLite and PostgreSQL: exact decimal amounts per currency exponent
 * (and their refusals), the status transitions with history, the sealed description by field
 * group, allocations to compensation claims (the cap, the currency, the claim's reach), the claim
 * side, the totals and scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "justice/assets.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "referral/legal.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t pros_a, inv_b, worker, worker_b, coord, clerk;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Police A");
    w->agency_b = test_agency(&w->t, "Police B");
    w->pros_a = test_user(&w->t, "pros_a", w->agency_a, "prosecutor", "agency");
    w->inv_b = test_user(&w->t, "inv_b", w->agency_b, "investigator", "agency");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "agency");
    w->worker_b = test_user(&w->t, "worker_b", w->agency_b, "caseworker", "agency");
    w->coord = test_user(&w->t, "coord", w->agency_a, "national_coordinator", "all");
    w->clerk = test_user(&w->t, "clerk", w->agency_a, "court_clerk", "agency");
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
    int64_t inv, id, version, case_id, sub;
    json_t *in, *out;
    struct investigation_input iin;
    struct case_record *rec;
    const char *from, *to;
};

static void op_clear(struct op *o)
{
    json_decref(o->in);
    json_decref(o->out);
    o->in = o->out = NULL;
}

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_inv_create, investigation_create(c, &o->iin, &o->inv))
OPFN(op_suspect_add, justice_suspect_add(c, o->inv, o->in, &o->id))
OPFN(op_add, asset_add(c, o->inv, o->in, &o->id))
OPFN(op_get, asset_get(c, o->inv, o->id, &o->out))
OPFN(op_list, asset_list(c, o->inv, &o->out))
OPFN(op_update, asset_update(c, o->inv, o->id, o->version, o->in))
OPFN(op_status, asset_status_set(c, o->inv, o->id, o->version, o->in))
OPFN(op_allocate, asset_allocate(c, o->inv, o->id, o->in, &o->sub))
OPFN(op_allocations, asset_allocations(c, o->inv, o->id, &o->out))
OPFN(op_claim_allocations, asset_claim_allocations(c, o->case_id, o->id, &o->out))
OPFN(op_totals, asset_totals(c, o->from, o->to, &o->out))
OPFN(op_claim_add, legal_add(c, LEGAL_CLAIM, o->case_id, 0, o->in, &o->out))

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Compensated");
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

/* Runs fn as uid with o->in = json; returns the status (o->out kept). */
static enum status call(struct world *w, int64_t uid, auth_op_fn fn, struct op *o, const char *json)
{
    json_decref(o->in);
    json_decref(o->out);
    o->out = NULL;
    o->in = json ? js(json) : NULL;
    return run_as(w, uid, fn, o);
}

static int64_t make_investigation(struct world *w, int64_t uid)
{
    struct op o = {0};
    o.iin = (struct investigation_input){.reference = "PF/2026/7", .title = "Operation Ledger", .opened = "2026-01-10"};
    assert_int_equal(run_as(w, uid, op_inv_create, &o), STATUS_OK);
    return o.inv;
}

static int64_t make_claim(struct world *w, int64_t uid, const char *currency)
{
    struct op o = {0};
    assert_int_equal(run_as(w, uid, op_case_create, &o), STATUS_OK);
    o.case_id = o.rec->id;
    case_record_free(o.rec);
    o.rec = NULL;
    char json[160];
    snprintf(json, sizeof json, "{\"kind\":\"criminal_court\",\"currency\":\"%s\",\"amount_claimed\":500000}",
             currency);
    enum status st = call(w, uid, op_claim_add, &o, json);
    if (st != STATUS_OK) {
        fail_msg("claim add: %s", err_last());
    }
    int64_t id = num(o.out, "id");
    op_clear(&o);
    return id;
}

static int64_t claim_case(struct world *w, int64_t claim_id)
{
    struct sql_value k[] = {SQLV_I64(claim_id)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_ASSET_CLAIM_CASE, k, 1, &r), STATUS_OK);
    int64_t id = store_rows_i64(r, 0);
    store_rows_free(r);
    return id;
}

static void parse_ok(const char *cur, const char *text, int64_t want)
{
    int64_t v = -1;
    enum status st = asset_amount_parse("amount", cur, text, &v);
    if (st != STATUS_OK) {
        fail_msg("%s %s: %s", cur, text, err_last());
    }
    if (v != want) {
        fail_msg("%s %s: %lld, want %lld", cur, text, (long long)v, (long long)want);
    }
}

static void parse_bad(const char *cur, const char *text)
{
    int64_t v = -1;
    if (asset_amount_parse("amount", cur, text, &v) == STATUS_OK) {
        fail_msg("%s %s: accepted as %lld", cur, text, (long long)v);
    }
    assert_int_equal(v, 0);
}

static void fmt_is(const char *cur, int64_t minor, const char *want)
{
    char buf[ASSET_AMOUNT_TEXT_BYTES];
    asset_amount_format(cur, minor, buf);
    assert_string_equal(buf, want);
}

static void test_assets__amounts(void **state)
{
    (void)state;
    assert_int_equal(asset_currency_exponent("EUR"), 2);
    assert_int_equal(asset_currency_exponent("JPY"), 0);
    assert_int_equal(asset_currency_exponent("KWD"), 3);
    assert_int_equal(asset_currency_exponent("CLF"), 4);
    assert_int_equal(asset_currency_exponent("XXX"), -1);
    assert_int_equal(asset_currency_exponent("eur"), -1);

    parse_ok("EUR", "12,345.67", 1234567);
    parse_ok("EUR", "12345.67", 1234567);
    parse_ok("EUR", "12345.6", 1234560);
    parse_ok("EUR", "0.5", 50);
    parse_ok("EUR", "0.07", 7);
    parse_ok("EUR", "1,234,567.89", 123456789);
    parse_ok("EUR", "100", 10000);
    parse_ok("USD", "0.1", 10); /* never 9.999.. through a double */
    parse_ok("EUR", "10,000,000,000,000.00", INT64_C(1000000000000000));
    parse_ok("JPY", "12,345", 12345);
    parse_ok("JPY", "0", 0);
    parse_ok("KWD", "1.234", 1234);
    parse_ok("KWD", "1.2", 1200);
    parse_ok("BHD", "0.001", 1);
    parse_ok("CLF", "1.2345", 12345);

    parse_bad("JPY", "1.5");   /* JPY has no decimals */
    parse_bad("JPY", "1.0");   /* not even zeros */
    parse_bad("EUR", "1.234"); /* more decimals than the currency */
    parse_bad("KWD", "1.2345");
    parse_bad("EUR", "1,23"); /* groups of three */
    parse_bad("EUR", "12,3456");
    parse_bad("EUR", "1234,567"); /* the first group at most three */
    parse_bad("EUR", ",123");
    parse_bad("EUR", "1,,234");
    parse_bad("EUR", "-5");
    parse_bad("EUR", "+5");
    parse_bad("EUR", "");
    parse_bad("EUR", "1.");
    parse_bad("EUR", ".5");
    parse_bad("EUR", "1e3");
    parse_bad("EUR", " 5");
    parse_bad("EUR", "10,000,000,000,000.01"); /* above 10^15 minor units */
    parse_bad("JPY", "99999999999999999999999999");
    parse_bad("XXX", "1");
    parse_bad("eur", "1");
    parse_bad("EUR", "x");

    fmt_is("EUR", 1234567, "12345.67");
    fmt_is("EUR", 5, "0.05");
    fmt_is("JPY", 12345, "12345");
    fmt_is("KWD", 5, "0.005");
    fmt_is("CLF", 12345, "1.2345");
}

static void test_assets__transitions(void **state)
{
    (void)state;
    assert_true(asset_transition_allowed("requested", "ordered"));
    assert_true(asset_transition_allowed("requested", "refused"));
    assert_true(asset_transition_allowed("ordered", "executed"));
    assert_true(asset_transition_allowed("executed", "confiscated"));
    assert_true(asset_transition_allowed("executed", "lifted"));
    assert_true(asset_transition_allowed("confiscated", "realised"));
    assert_false(asset_transition_allowed("requested", "executed"));
    assert_false(asset_transition_allowed("refused", "ordered"));
    assert_false(asset_transition_allowed("lifted", "executed"));
    assert_false(asset_transition_allowed("realised", "confiscated"));
    assert_false(asset_transition_allowed("ordered", "realised"));
    assert_false(asset_transition_allowed("executed", "realised"));
}

/* Moves order id of inv to status (with optional extra members). */
static enum status move(struct world *w, struct op *o, const char *status, const char *extra)
{
    char json[256];
    snprintf(json, sizeof json, "{\"status\":\"%s\"%s%s}", status, extra ? "," : "", extra ? extra : "");
    o->version = 0;
    return call(w, w->pros_a, op_status, o, json);
}

static void test_assets__orders_and_history(void **state)
{
    struct world *w = *state;
    int64_t inv = make_investigation(w, w->pros_a);
    struct op o = {.inv = inv};
    assert_int_equal(call(w, w->pros_a, op_suspect_add, &o, "{\"kind\":\"natural\",\"name\":\"Ade Bello\"}"),
                     STATUS_OK);
    int64_t suspect = o.id;

    /* Input checks. */
    assert_int_equal(call(w, w->pros_a, op_add, &o, "{\"kind\":\"freeze\",\"asset_type\":\"cash\"}"), STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");
    assert_int_equal(call(w, w->pros_a, op_add, &o, "{\"kind\":\"freezing\",\"asset_type\":\"boat\"}"), STATUS_INVALID);
    assert_string_equal(err_last_field(), "asset_type");
    assert_int_equal(call(w, w->pros_a, op_add, &o, "{\"kind\":\"freezing\",\"asset_type\":\"cash\",\"amount\":\"5\"}"),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "currency");
    assert_int_equal(call(w, w->pros_a, op_add, &o,
                          "{\"kind\":\"freezing\",\"asset_type\":\"cash\",\"currency\":\"JPY\",\"amount\":\"5.5\"}"),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount");
    assert_int_equal(
        call(w, w->pros_a, op_add, &o, "{\"kind\":\"freezing\",\"asset_type\":\"cash\",\"suspect_id\":99999}"),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "suspect_id");
    assert_int_equal(call(w, w->pros_a, op_add, &o, "{\"kind\":\"freezing\",\"asset_type\":\"cash\",\"colour\":1}"),
                     STATUS_INVALID);

    char json[400];
    snprintf(json, sizeof json,
             "{\"kind\":\"freezing\",\"asset_type\":\"bank_account\",\"description\":\"Account of Ade Bello at "
             "First Bank\",\"suspect_id\":%lld,\"entity_id\":77,\"currency\":\"KWD\",\"amount\":\"12,345.678\","
             "\"authority\":\"High Court\",\"order_date\":\"2026-02-01\",\"court_reference\":\"HC/2026/11\"}",
             (long long)suspect);
    assert_int_equal(call(w, w->pros_a, op_add, &o, json), STATUS_OK);
    int64_t id = o.id;

    /* Sealed at rest. */
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_ASSET_GET, k, 2, &r), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 4, &len);
    assert_non_null(blob);
    assert_null(memmem(blob, len, "Bello", 5));
    assert_int_equal(store_rows_i64(r, 8), 12345678);
    store_rows_free(r);

    o.id = id;
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "amount"), "12345.678");
    assert_int_equal(num(o.out, "amount_minor"), 12345678);
    assert_string_equal(str(o.out, "currency"), "KWD");
    assert_string_equal(str(o.out, "status"), "requested");
    assert_string_equal(str(o.out, "description"), "Account of Ade Bello at First Bank");
    assert_int_equal(num(o.out, "suspect_id"), suspect);
    assert_int_equal(num(o.out, "entity_id"), 77);
    assert_int_equal(json_array_size(json_object_get(o.out, "history")), 1);

    /* The coordinator (justice.read, no fg.legal.read): withheld. */
    assert_int_equal(call(w, w->coord, op_get, &o, NULL), STATUS_OK);
    assert_true(json_is_null(json_object_get(o.out, "description")));
    assert_true(json_is_true(json_object_get(o.out, "description_withheld")));
    char *dump = json_dumps(o.out, 0);
    assert_null(strstr(dump, "Bello"));
    free(dump);

    /* Transitions: illegal ones name from and to; each is in the history with a sealed note. */
    assert_int_equal(move(w, &o, "executed", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "from requested to executed"));
    assert_int_equal(move(w, &o, "ordered", "\"date\":\"2026-02-02\",\"note\":\"Granted in chambers\""), STATUS_OK);
    assert_int_equal(move(w, &o, "ordered", NULL), STATUS_CONFLICT);
    assert_int_equal(move(w, &o, "executed", "\"amount\":\"1\""), STATUS_INVALID); /* no amount here */
    assert_int_equal(move(w, &o, "executed", NULL), STATUS_OK);
    assert_int_equal(move(w, &o, "realised", "\"amount\":\"1\""), STATUS_CONFLICT);
    assert_int_equal(move(w, &o, "confiscated", "\"amount\":\"10,000\""), STATUS_OK);
    assert_int_equal(move(w, &o, "realised", NULL), STATUS_INVALID); /* the proceeds are required */
    assert_string_equal(err_last_field(), "amount");
    assert_int_equal(move(w, &o, "realised", "\"amount\":\"9,500.5\""), STATUS_OK);
    assert_int_equal(move(w, &o, "lifted", NULL), STATUS_CONFLICT);
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "status"), "realised");
    assert_string_equal(str(o.out, "amount"), "10000.000");
    assert_string_equal(str(o.out, "realised_amount"), "9500.500");
    json_t *h = json_object_get(o.out, "history");
    assert_int_equal(json_array_size(h), 5);
    assert_string_equal(str(json_array_get(h, 1), "to"), "ordered");
    assert_string_equal(str(json_array_get(h, 1), "from"), "requested");
    assert_string_equal(str(json_array_get(h, 1), "date"), "2026-02-02");
    assert_string_equal(str(json_array_get(h, 1), "note"), "Granted in chambers");
    assert_int_equal(num(json_array_get(h, 1), "by"), w->pros_a);
    assert_int_equal(call(w, w->coord, op_get, &o, NULL), STATUS_OK);
    h = json_object_get(o.out, "history");
    assert_true(json_is_true(json_object_get(json_array_get(h, 1), "note_withheld")));
    assert_null(json_object_get(json_array_get(h, 1), "note"));

    /* Versioned change; kind cannot change. */
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_OK);
    int64_t v = num(o.out, "version");
    o.version = v - 1;
    assert_int_equal(call(w, w->pros_a, op_update, &o, "{\"authority\":\"Court of Appeal\"}"), STATUS_CONFLICT);
    o.version = v;
    assert_int_equal(call(w, w->pros_a, op_update, &o, "{\"kind\":\"seizure\"}"), STATUS_INVALID);
    assert_int_equal(call(w, w->pros_a, op_update, &o, "{\"currency\":\"EUR\"}"), STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount");
    assert_int_equal(call(w, w->pros_a, op_update, &o, "{\"authority\":\"Court of Appeal\"}"), STATUS_OK);
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_OK);
    assert_string_equal(str(o.out, "authority"), "Court of Appeal");
    assert_string_equal(str(o.out, "description"), "Account of Ade Bello at First Bank"); /* kept */
    op_clear(&o);
}

static void test_assets__allocations(void **state)
{
    struct world *w = *state;
    int64_t inv = make_investigation(w, w->pros_a);
    int64_t claim = make_claim(w, w->worker, "EUR");
    int64_t claim2 = make_claim(w, w->worker, "EUR");
    int64_t claim_jpy = make_claim(w, w->worker, "JPY");
    int64_t claim_b = make_claim(w, w->worker_b, "EUR"); /* another agency's case */
    struct op o = {.inv = inv};
    assert_int_equal(call(w, w->pros_a, op_add, &o,
                          "{\"kind\":\"seizure\",\"asset_type\":\"cash\",\"currency\":\"EUR\",\"amount\":\"1,000.00\","
                          "\"order_date\":\"2026-03-01\"}"),
                     STATUS_OK);
    int64_t id = o.id;
    char json[200];
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"100\"}", (long long)claim);
    /* Not yet confiscated. */
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_CONFLICT);
    assert_int_equal(move(w, &o, "ordered", NULL), STATUS_OK);
    assert_int_equal(move(w, &o, "executed", NULL), STATUS_OK);
    assert_int_equal(move(w, &o, "confiscated", NULL), STATUS_OK);

    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"600.00\",\"date\":\"2026-04-01\"}", (long long)claim);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_OK);
    /* The cap: 600 + 500 > 1000. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"500\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_CONFLICT);
    assert_string_equal(err_last_field(), "amount");
    assert_non_null(strstr(err_last(), "400.00"));
    /* Currency mismatch. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"10\"}", (long long)claim_jpy);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_CONFLICT);
    assert_string_equal(err_last_field(), "currency");
    /* A claim out of reach (another agency's case), an unknown claim. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"10\"}", (long long)claim_b);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_INVALID);
    assert_string_equal(err_last_field(), "claim_id");
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, "{\"claim_id\":12345,\"amount\":\"10\"}"), STATUS_INVALID);
    /* Bad amounts. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"0\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_INVALID);
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"1.001\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_INVALID);
    /* Exactly the rest. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount_minor\":40000}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_OK);
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"0.01\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_CONFLICT);

    /* The amount stays once allocated; the proceeds cannot be below the allocations. */
    o.version = 0;
    assert_int_equal(call(w, w->pros_a, op_update, &o, "{\"amount\":\"2000\"}"), STATUS_CONFLICT);
    assert_int_equal(move(w, &o, "realised", "\"amount\":\"999.99\""), STATUS_CONFLICT);
    assert_int_equal(move(w, &o, "realised", "\"amount\":\"1,200\""), STATUS_OK);
    /* Realised: the cap is now the realised amount. */
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"200.01\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_CONFLICT);
    snprintf(json, sizeof json, "{\"claim_id\":%lld,\"amount\":\"200\"}", (long long)claim2);
    assert_int_equal(call(w, w->pros_a, op_allocate, &o, json), STATUS_OK);

    assert_int_equal(call(w, w->pros_a, op_allocations, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 3);
    assert_string_equal(str(json_array_get(o.out, 0), "amount"), "600.00");
    assert_string_equal(str(json_array_get(o.out, 0), "date"), "2026-04-01");
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_OK);
    assert_int_equal(num(o.out, "allocated_minor"), 120000);

    /* The claim side: the caseworker sees the allocations to the claim of their case. */
    struct op c = {.case_id = claim_case(w, claim2), .id = claim2};
    assert_int_equal(run_as(w, w->worker, op_claim_allocations, &c), STATUS_OK);
    assert_int_equal(json_array_size(c.out), 2);
    assert_int_equal(num(json_array_get(c.out, 0), "amount_minor") + num(json_array_get(c.out, 1), "amount_minor"),
                     60000);
    assert_int_equal(num(json_array_get(c.out, 0), "order_id"), id);
    assert_int_equal(num(json_array_get(c.out, 1), "claim_id"), claim2);
    op_clear(&c);
    /* Another agency's caseworker: absent. */
    c = (struct op){.case_id = claim_case(w, claim2), .id = claim2};
    assert_int_not_equal(run_as(w, w->worker_b, op_claim_allocations, &c), STATUS_OK);
    op_clear(&c);

    /* Totals: per currency and year, in the prosecutor's scope; nothing for the other agency. */
    assert_int_equal(call(w, w->pros_a, op_add, &o,
                          "{\"kind\":\"freezing\",\"asset_type\":\"crypto\",\"currency\":\"EUR\",\"amount\":\"50\","
                          "\"order_date\":\"2025-12-01\"}"),
                     STATUS_OK);
    assert_int_equal(move(w, &o, "ordered", NULL), STATUS_OK);
    assert_int_equal(move(w, &o, "executed", NULL), STATUS_OK);
    assert_int_equal(move(w, &o, "lifted", NULL), STATUS_OK);
    assert_int_equal(call(w, w->pros_a, op_add, &o,
                          "{\"kind\":\"freezing\",\"asset_type\":\"cash\",\"currency\":\"JPY\",\"amount\":\"70,000\","
                          "\"order_date\":\"2026-05-01\"}"),
                     STATUS_OK);
    assert_int_equal(call(w, w->pros_a, op_totals, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 3);
    json_t *e = json_array_get(o.out, 0);
    assert_string_equal(str(e, "currency"), "EUR");
    assert_string_equal(str(e, "year"), "2025");
    assert_int_equal(num(e, "frozen"), 5000);
    e = json_array_get(o.out, 1);
    assert_string_equal(str(e, "year"), "2026");
    assert_int_equal(num(e, "seized"), 100000);
    assert_int_equal(num(e, "confiscated"), 100000);
    assert_int_equal(num(e, "realised"), 120000);
    assert_int_equal(num(e, "allocated"), 120000);
    assert_int_equal(num(e, "frozen"), 0);
    e = json_array_get(o.out, 2);
    assert_string_equal(str(e, "currency"), "JPY");
    assert_int_equal(num(e, "frozen"), 0); /* requested, never executed */
    o.from = "2026-01-01";
    assert_int_equal(call(w, w->pros_a, op_totals, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 2);
    o.from = "2026-13-01";
    assert_int_equal(call(w, w->pros_a, op_totals, &o, NULL), STATUS_INVALID);
    o.from = NULL;
    assert_int_equal(call(w, w->inv_b, op_totals, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 0);
    assert_int_equal(call(w, w->worker, op_totals, &o, NULL), STATUS_DENIED);
    op_clear(&o);
}

static void test_assets__scope(void **state)
{
    struct world *w = *state;
    int64_t inv = make_investigation(w, w->pros_a);
    struct op o = {.inv = inv};
    assert_int_equal(call(w, w->pros_a, op_add, &o, "{\"kind\":\"confiscation\",\"asset_type\":\"vehicle\"}"),
                     STATUS_OK);
    /* Another agency's investigator: absent; a caseworker: denied; a court clerk reads, not writes. */
    assert_int_equal(call(w, w->inv_b, op_list, &o, NULL), STATUS_NOT_FOUND);
    assert_int_equal(call(w, w->inv_b, op_get, &o, NULL), STATUS_NOT_FOUND);
    assert_int_equal(call(w, w->inv_b, op_add, &o, "{\"kind\":\"seizure\",\"asset_type\":\"cash\"}"), STATUS_NOT_FOUND);
    assert_int_equal(call(w, w->worker, op_list, &o, NULL), STATUS_DENIED);
    assert_int_equal(call(w, w->clerk, op_list, &o, NULL), STATUS_OK);
    assert_int_equal(json_array_size(o.out), 1);
    assert_int_equal(call(w, w->clerk, op_add, &o, "{\"kind\":\"seizure\",\"asset_type\":\"cash\"}"), STATUS_DENIED);
    assert_int_equal(move(w, &o, "ordered", NULL), STATUS_OK);
    o.version = 0;
    assert_int_equal(call(w, w->clerk, op_status, &o, "{\"status\":\"executed\"}"), STATUS_DENIED);
    /* An unknown order. */
    o.id = 424242;
    assert_int_equal(call(w, w->pros_a, op_get, &o, NULL), STATUS_NOT_FOUND);
    op_clear(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assets__amounts),
        cmocka_unit_test(test_assets__transitions),
        cmocka_unit_test_setup_teardown(test_assets__orders_and_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__allocations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__scope, setup, teardown),
    };
    TEST_RUN_BOTH("assets", tests, NULL, NULL);
}
