/* test_entities: investigative entities (issue 5, part J2) on SQLite and PostgreSQL: the
 * normalisation per kind, values sealed at rest and withheld without fg.legal.read, the search
 * by value across the investigations in scope (and not out of it), links, transactions between
 * bank accounts, retraction, versioned changes and the linkage export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/vocab.h"
#include "justice/entities.h"
#include "justice/investigation.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t inv_a, inv_b, inv_all, pros_a, coord, clerk, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Police A");
    w->agency_b = test_agency(&w->t, "Police B");
    w->inv_a = test_user(&w->t, "inv_a", w->agency_a, "investigator", "agency");
    w->inv_b = test_user(&w->t, "inv_b", w->agency_b, "investigator", "agency");
    w->inv_all = test_user(&w->t, "inv_all", w->agency_a, "investigator", "all");
    w->pros_a = test_user(&w->t, "pros_a", w->agency_a, "prosecutor", "agency");
    w->coord = test_user(&w->t, "coord", w->agency_a, "national_coordinator", "all");
    w->clerk = test_user(&w->t, "clerk", w->agency_a, "court_clerk", "agency");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "own");
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
    int64_t inv, id, version;
    json_t *in;
    struct investigation_input ii;
    const char *kind, *value;
    struct justice_entity one;
    struct justice_entity *list;
    struct justice_entity_link *links;
    struct justice_transaction *txs;
    struct justice_entity_hit *hits;
    struct justice_entity_key *keys;
    size_t count, nlinks;
};

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_inv, investigation_create(c, &o->ii, &o->inv))
OPFN(op_add, justice_entity_add(c, o->inv, o->in, &o->id))
OPFN(op_update, justice_entity_update(c, o->inv, o->id, o->version, o->in))
OPFN(op_get, justice_entity_get(c, o->inv, o->id, &o->one))
OPFN(op_list, justice_entities(c, o->inv, &o->list, &o->count))
OPFN(op_link, justice_entity_link_add(c, o->inv, o->in, &o->id))
OPFN(op_links, justice_entity_links(c, o->inv, &o->links, &o->nlinks))
OPFN(op_tx, justice_transaction_add(c, o->inv, o->in, &o->id))
OPFN(op_txs, justice_transactions(c, o->inv, &o->txs, &o->count))
OPFN(op_find, justice_entity_search(c, o->kind, o->value, &o->hits, &o->count))
OPFN(op_graph, justice_entity_graph(c, &o->keys, &o->count, &o->links, &o->nlinks))

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
    json_decref(o->in);
    justice_entity_clear(&o->one);
    justice_entities_free(o->list, o->list ? o->count : 0);
    free(o->links);
    justice_transactions_free(o->txs, o->txs ? o->count : 0);
    free(o->hits);
    free(o->keys);
    memset(o, 0, sizeof *o);
}

static int64_t make_inv(struct world *w, int64_t uid, const char *ref)
{
    struct op o;
    memset(&o, 0, sizeof o);
    o.ii = (struct investigation_input){.reference = ref, .country = "GBR"};
    assert_int_equal(run_as(w, uid, op_inv, &o), STATUS_OK);
    return o.inv;
}

static int64_t add(struct world *w, int64_t uid, int64_t inv, const char *json)
{
    struct op o;
    memset(&o, 0, sizeof o);
    o.inv = inv;
    o.in = json_loads(json, 0, NULL);
    assert_non_null(o.in);
    enum status st = run_as(w, uid, op_add, &o);
    if (st != STATUS_OK) {
        print_error("add %s: %s\n", json, err_last());
    }
    assert_int_equal(st, STATUS_OK);
    int64_t id = o.id;
    op_reset(&o);
    return id;
}

static void norm_is(const char *kind, const char *value, const char *want)
{
    char *n = NULL;
    assert_int_equal(justice_entity_normalise(kind, value, &n), STATUS_OK);
    assert_string_equal(n, want);
    free(n);
}

static void test_entities__normalise(void **state)
{
    (void)state;
    norm_is("phone", "+44 (20) 7946-0958", "+442079460958");
    norm_is("phone", "0044 20 7946 0958", "+442079460958");
    norm_is("phone", "020 7946 0958", "+02079460958");
    norm_is("email", "  Ade.Bello@Example.ORG ", "ade.bello@example.org");
    norm_is("bank_account", "gb29 nwbk 6016 1331 9268 19", "GB29NWBK60161331926819");
    norm_is("vehicle", "ab-12 cde", "AB12CDE");
    norm_is("vehicle", "а 123 вс", "А123ВС");
    norm_is("online_ad", "HTTPS://WWW.Example.com/ads/Room-42/", "example.com/ads/Room-42");
    norm_is("online_profile", "https://t.me/SomeOne", "t.me/SomeOne");
    norm_is("online_profile", "@Night_Club", "night_club");
    norm_is("online_profile", "www.facebook.com/", "facebook.com");
    norm_is("company", "  ACME   Trading, Ltd.  ", "acme trading ltd");
    norm_is("address", "12, Rue de l'Église\n75001  PARIS", "12 rue de léglise 75001 paris");
    norm_is("other", "Straße", "strasse");
    char *n = NULL;
    assert_int_equal(justice_entity_normalise("phone", "no digits", &n), STATUS_INVALID);
    assert_string_equal(err_last_field(), "value");
    assert_int_equal(justice_entity_normalise("email", "nobody", &n), STATUS_INVALID);
    assert_int_equal(justice_entity_normalise("company", " ,.; ", &n), STATUS_INVALID);
    assert_int_equal(justice_entity_normalise("spaceship", "x", &n), STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");
    assert_null(n);
}

static void test_entities__search_scope_and_withheld(void **state)
{
    struct world *w = *state;
    int64_t ia = make_inv(w, w->inv_a, "PF/A/1");
    int64_t ib = make_inv(w, w->inv_b, "PF/B/7");
    int64_t e_a = add(w, w->inv_a, ia,
                      "{\"kind\":\"phone\",\"value\":\"0044 7700 900123\",\"note\":\"Zorblatt handset\","
                      "\"country\":\"GB\",\"first_seen\":\"2026-01-02\",\"last_seen\":\"2026-02-03\"}");
    int64_t e_b = add(w, w->inv_b, ib, "{\"kind\":\"phone\",\"value\":\"+44 7700-900-123\"}");
    add(w, w->inv_b, ib, "{\"kind\":\"other\",\"value\":\"+44 7700 900123\"}");

    /* Found from agency A's investigation only by agency A; both by the investigator with scope all. */
    struct op o;
    memset(&o, 0, sizeof o);
    o.kind = "phone";
    o.value = "+447700900123";
    assert_int_equal(run_as(w, w->inv_a, op_find, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.hits[0].entity_id, e_a);
    assert_int_equal(o.hits[0].investigation_id, ia);
    assert_string_equal(o.hits[0].reference, "PF/A/1");
    free(o.hits);
    o.hits = NULL;
    assert_int_equal(run_as(w, w->inv_b, op_find, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.hits[0].entity_id, e_b);
    free(o.hits);
    o.hits = NULL;
    assert_int_equal(run_as(w, w->inv_all, op_find, &o), STATUS_OK);
    assert_int_equal(o.count, 2);
    free(o.hits);
    o.hits = NULL;
    /* Without fg.legal.read (national coordinator) or justice.read (caseworker): refused. */
    assert_int_equal(run_as(w, w->coord, op_find, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->worker, op_find, &o), STATUS_DENIED);
    o.kind = "email";
    assert_int_equal(run_as(w, w->inv_all, op_find, &o), STATUS_INVALID);
    memset(&o, 0, sizeof o);

    /* The search is audited without the value. */
    struct audit_entry *ae = NULL;
    size_t n = 0;
    struct audit_filter f = {.limit = 500};
    assert_int_equal(audit_list(&ae, &n, w->t.store, &f), STATUS_OK);
    bool searched = false;
    for (size_t i = 0; i < n; i++) {
        searched = searched || strcmp(ae[i].action, "justice.entity.search") == 0;
        assert_null(strstr(ae[i].detail, "7700"));
        assert_null(strstr(ae[i].detail, "Zorblatt"));
    }
    assert_true(searched);
    audit_entries_free(ae, n);

    /* Withheld without fg.legal.read; opened for the court clerk and the prosecutor. */
    o.inv = ia;
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_null(o.list[0].value);
    assert_null(o.list[0].note);
    assert_true(o.list[0].value_withheld);
    assert_string_equal(o.list[0].country, "GBR");
    op_reset(&o);
    o.inv = ia;
    o.id = e_a;
    assert_int_equal(run_as(w, w->clerk, op_get, &o), STATUS_OK);
    assert_string_equal(o.one.value, "0044 7700 900123");
    assert_string_equal(o.one.note, "Zorblatt handset");
    assert_false(o.one.value_withheld);
    op_reset(&o);
    /* Out of scope reads as absent; a court clerk cannot write. */
    o.inv = ia;
    o.id = e_a;
    assert_int_equal(run_as(w, w->inv_b, op_get, &o), STATUS_NOT_FOUND);
    o.in = json_loads("{\"kind\":\"email\",\"value\":\"x@example.org\"}", 0, NULL);
    assert_int_equal(run_as(w, w->clerk, op_add, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->inv_b, op_add, &o), STATUS_NOT_FOUND);
    op_reset(&o);

    /* Sealed at rest: neither the value nor its normalised form nor the note in the file. */
    if (strcmp(test_engine, "sqlite") == 0) {
        store_exec_script(w->t.store, "PRAGMA wal_checkpoint(TRUNCATE)");
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(util_file_read(&data, &len, w->t.db, FILE_BYTES_MAX), STATUS_OK);
        assert_null(memmem(data, len, "7700 900123", 11));
        assert_null(memmem(data, len, "7700900123", 10));
        assert_null(memmem(data, len, "Zorblatt", 8));
        free(data);
    }
}

static void test_entities__links_transactions_retraction(void **state)
{
    struct world *w = *state;
    int64_t ia = make_inv(w, w->inv_a, "PF/A/2");
    int64_t ib = make_inv(w, w->inv_b, "PF/B/2");
    int64_t co =
        add(w, w->pros_a, ia, "{\"kind\":\"company\",\"value\":\"Acme Trading Ltd\",\"registration\":\"0712\"}");
    int64_t acc1 =
        add(w, w->pros_a, ia,
            "{\"kind\":\"bank_account\",\"value\":\"GB29 NWBK 6016 1331 9268 19\",\"bank_code\":\"nwbk gb2l\","
            "\"currency\":\"gbp\"}");
    int64_t acc2 = add(w, w->pros_a, ia, "{\"kind\":\"bank_account\",\"value\":\"DE89370400440532013000\"}");
    int64_t ad =
        add(w, w->pros_a, ia,
            "{\"kind\":\"online_ad\",\"value\":\"https://classifieds.example/ads/1\",\"platform\":\"classifieds\"}");
    int64_t ph = add(w, w->pros_a, ia, "{\"kind\":\"phone\",\"value\":\"+44 7700 900555\"}");
    int64_t other_b = add(w, w->inv_b, ib, "{\"kind\":\"bank_account\",\"value\":\"gb29nwbk60161331926819\"}");

    /* Kind-specific members only for their kind; input checks. */
    struct op o;
    memset(&o, 0, sizeof o);
    o.inv = ia;
    const char *bad[][2] = {
        {"{\"kind\":\"phone\",\"value\":\"+1 555 0100\",\"currency\":\"USD\"}", "currency"},
        {"{\"kind\":\"vehicle\",\"value\":\"AB12CDE\",\"platform\":\"vk\"}", "platform"},
        {"{\"kind\":\"online_profile\",\"value\":\"@x\",\"platform\":\"myspace\"}", "platform"},
        {"{\"kind\":\"bank_account\",\"value\":\"X1\",\"currency\":\"EURO\"}", "currency"},
        {"{\"kind\":\"phone\",\"value\":\"+1 555 0100\",\"first_seen\":\"2026-02-01\",\"last_seen\":\"2026-01-01\"}",
         "last_seen"},
        {"{\"kind\":\"phone\",\"value\":\"+1 555 0100\",\"suspect_id\":12345}", "suspect_id"},
        {"{\"kind\":\"phone\",\"value\":\"+1 555 0100\",\"colour\":\"red\"}", "colour"},
        {"{\"kind\":\"phone\"}", "value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.in = json_loads(bad[i][0], 0, NULL);
        assert_int_equal(run_as(w, w->pros_a, op_add, &o), STATUS_INVALID);
        assert_string_equal(err_last_field(), bad[i][1]);
        json_decref(o.in);
        o.in = NULL;
    }

    /* Links: within the investigation only, once per relation. */
    char buf[300];
    snprintf(buf, sizeof buf, "{\"from_entity\":%lld,\"to_entity\":%lld,\"relation\":\"owns\"}", (long long)co,
             (long long)acc1);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_CONFLICT);
    json_decref(o.in);
    snprintf(buf, sizeof buf, "{\"from_entity\":%lld,\"to_entity\":%lld,\"relation\":\"advertised_in\"}", (long long)ph,
             (long long)ad);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_OK);
    json_decref(o.in);
    snprintf(buf, sizeof buf, "{\"from_entity\":%lld,\"to_entity\":%lld,\"relation\":\"owns\"}", (long long)co,
             (long long)other_b);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "to_entity");
    json_decref(o.in);
    snprintf(buf, sizeof buf, "{\"from_entity\":%lld,\"to_entity\":%lld,\"relation\":\"loves\"}", (long long)co,
             (long long)ph);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_INVALID);
    json_decref(o.in);
    o.in = NULL;
    assert_int_equal(run_as(w, w->clerk, op_links, &o), STATUS_OK);
    assert_int_equal(o.nlinks, 2);
    bool owns = false;
    for (size_t i = 0; i < o.nlinks; i++) { /* same millisecond: the order is the ids' */
        owns = owns || (strcmp(o.links[i].relation, "owns") == 0 && o.links[i].from_entity == co &&
                        o.links[i].to_entity == acc1);
    }
    assert_true(owns);
    free(o.links);
    o.links = NULL;

    /* Transactions: between two bank accounts of the investigation; reference sealed. */
    snprintf(buf, sizeof buf,
             "{\"from_entity\":%lld,\"to_entity\":%lld,\"date\":\"2026-03-04\",\"amount_minor\":125050,"
             "\"currency\":\"eur\",\"reference\":\"Quillfeather rent\",\"channel\":\"money_transfer_service\"}",
             (long long)acc1, (long long)acc2);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_tx, &o), STATUS_OK);
    json_decref(o.in);
    snprintf(
        buf, sizeof buf,
        "{\"from_entity\":%lld,\"to_entity\":%lld,\"date\":\"2026-03-04\",\"amount_minor\":1,\"currency\":\"EUR\"}",
        (long long)acc1, (long long)ph);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_tx, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "to_entity");
    json_decref(o.in);
    snprintf(
        buf, sizeof buf,
        "{\"from_entity\":%lld,\"to_entity\":%lld,\"date\":\"2026-03-04\",\"amount_minor\":-5,\"currency\":\"EUR\"}",
        (long long)acc1, (long long)acc2);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_tx, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "amount_minor");
    json_decref(o.in);
    o.in = NULL;
    assert_int_equal(run_as(w, w->coord, op_txs, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.txs[0].amount_minor, 125050);
    assert_string_equal(o.txs[0].currency, "EUR");
    assert_string_equal(o.txs[0].channel, "money_transfer_service");
    assert_null(o.txs[0].reference);
    assert_true(o.txs[0].reference_withheld);
    justice_transactions_free(o.txs, o.count);
    o.txs = NULL;
    assert_int_equal(run_as(w, w->pros_a, op_txs, &o), STATUS_OK);
    assert_string_equal(o.txs[0].reference, "Quillfeather rent");
    op_reset(&o);

    /* The linkage export: the matching account of both investigations has the same blind index. */
    assert_int_equal(run_as(w, w->inv_all, op_graph, &o), STATUS_OK);
    char hex1[65] = "", hex_b[65] = "";
    for (size_t i = 0; i < o.count; i++) {
        assert_int_equal(strlen(o.keys[i].bidx_hex), 64);
        if (o.keys[i].id == acc1) {
            snprintf(hex1, sizeof hex1, "%s", o.keys[i].bidx_hex);
        }
        if (o.keys[i].id == other_b) {
            snprintf(hex_b, sizeof hex_b, "%s", o.keys[i].bidx_hex);
        }
    }
    assert_int_equal(o.count, 6);
    assert_int_equal(o.nlinks, 2);
    assert_string_equal(hex1, hex_b);
    op_reset(&o);
    assert_int_equal(run_as(w, w->inv_a, op_graph, &o), STATUS_OK);
    assert_int_equal(o.count, 5); /* agency A's only */
    op_reset(&o);

    /* A versioned change: the value re-indexed; a stale version refused. */
    o.inv = ia;
    o.id = ph;
    o.version = 1;
    o.in = json_loads("{\"value\":\"+44 7700 900556\",\"note\":\"second handset\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_CONFLICT);
    json_decref(o.in);
    o.in = NULL;
    o.kind = "phone";
    o.value = "00447700900556";
    assert_int_equal(run_as(w, w->pros_a, op_find, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.hits[0].entity_id, ph);
    free(o.hits);
    o.hits = NULL;
    /* A change of codes only keeps the value and its index. */
    o.version = 2;
    o.in = json_loads("{\"country\":\"FRA\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_OK);
    json_decref(o.in);
    o.in = NULL;
    assert_int_equal(run_as(w, w->pros_a, op_find, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    free(o.hits);
    o.hits = NULL;

    /* Retraction: with a reason, final; a retracted entity links no more and leaves the export. */
    o.version = 3;
    o.in = json_loads("{\"retracted\":true}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "retract_reason");
    json_decref(o.in);
    o.in = json_loads("{\"retracted\":true,\"retract_reason\":\"wrong number\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_OK);
    json_decref(o.in);
    o.version = 0;
    o.in = json_loads("{\"country\":\"DEU\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_update, &o), STATUS_CONFLICT);
    json_decref(o.in);
    o.in = NULL;
    assert_int_equal(run_as(w, w->pros_a, op_get, &o), STATUS_OK);
    assert_true(o.one.retracted);
    assert_string_equal(o.one.retract_reason, "wrong number");
    assert_string_equal(o.one.value, "+44 7700 900556");
    justice_entity_clear(&o.one);
    snprintf(buf, sizeof buf, "{\"from_entity\":%lld,\"to_entity\":%lld,\"relation\":\"uses\"}", (long long)co,
             (long long)ph);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_link, &o), STATUS_INVALID);
    op_reset(&o);
    assert_int_equal(run_as(w, w->inv_all, op_graph, &o), STATUS_OK);
    assert_int_equal(o.count, 5);
    assert_int_equal(o.nlinks, 1); /* the phone's link left with it */
    op_reset(&o);

    if (strcmp(test_engine, "sqlite") == 0) {
        store_exec_script(w->t.store, "PRAGMA wal_checkpoint(TRUNCATE)");
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(util_file_read(&data, &len, w->t.db, FILE_BYTES_MAX), STATUS_OK);
        assert_null(memmem(data, len, "Quillfeather", 12));
        assert_null(memmem(data, len, "60161331", 8));
        assert_null(memmem(data, len, "Acme Trading", 12));
        assert_null(memmem(data, len, "wrong number", 12));
        free(data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entities__normalise),
        cmocka_unit_test_setup_teardown(test_entities__search_scope_and_withheld, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entities__links_transactions_retraction, setup, teardown),
    };
    TEST_RUN_BOTH("entities", tests, NULL, NULL);
}
