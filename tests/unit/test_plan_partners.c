/* test_plan_partners: partnerships under the Plan (issue 9, part R) on SQLite and PostgreSQL: the
 * partner directory (types, pillars, countries, the contact sealed in the database and shown only
 * on one partner, an agency link), agreements (two parties or more, Plan paragraphs, dates), and
 * technical-assistance requests through their flow (requested -> accepted -> deliveries ->
 * delivered; declined; moves the flow refuses) with the figures (by status, median days to
 * delivery); who may read and write (403 before 400). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan/partners.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency, coord, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "Ministry");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
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

enum kind {
    K_PARTNER,
    K_AGREEMENT,
    K_TA,
    K_STATUS,
    K_DELIVER,
    K_PARTNER_GET,
    K_PARTNERS,
    K_AGREEMENTS,
    K_TA_GET,
    K_TA_LIST
};

struct op {
    enum kind k;
    json_t *in;
    int64_t id, version;
    const char *a;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    int64_t sub = 0;
    switch (o->k) {
    case K_PARTNER: return plan_partner_add(ctx, o->in, &o->id, NULL);
    case K_AGREEMENT: return plan_agreement_add(ctx, o->in, &o->id);
    case K_TA: return plan_ta_add(ctx, o->in, &o->id, &o->out);
    case K_STATUS: return plan_ta_status(ctx, o->id, o->in, o->version, &o->out);
    case K_DELIVER: return plan_ta_deliver(ctx, o->id, o->in, &sub, &o->out);
    case K_PARTNER_GET: return plan_partner_get(ctx, o->id, &o->out);
    case K_PARTNERS: return plan_partner_list(ctx, o->a, NULL, &o->out);
    case K_AGREEMENTS: return plan_agreement_list(ctx, o->id, &o->out);
    case K_TA_GET: return plan_ta_get(ctx, o->id, &o->out);
    case K_TA_LIST: return plan_ta_list(ctx, o->a, NULL, &o->out);
    }
    return STATUS_INVALID;
}

/* Runs k as user with the JSON text (NULL: none); *id in and out. */
static enum status run(struct world *w, int64_t user, enum kind k, const char *json, int64_t *id, json_t **out)
{
    struct op o = {.k = k, .id = id ? *id : 0};
    if (json != NULL) {
        o.in = json_loads(json, 0, NULL);
        assert_non_null(o.in);
    }
    struct test_as a;
    test_as_user(&w->t, &a, user);
    enum status st = auth_run(&a.ctx, op_run, &o);
    auth_principal_clear(&a.p);
    json_decref(o.in);
    if (id != NULL && (k == K_PARTNER || k == K_AGREEMENT || k == K_TA)) {
        *id = o.id;
    }
    if (out != NULL) {
        *out = o.out;
    } else {
        json_decref(o.out);
    }
    return st;
}

/* The number of audit entries so far. */
static int64_t audit_count(struct world *w)
{
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_AUDIT_COUNT, NULL, 0, &r), STATUS_OK);
    int64_t n = store_rows_i64(r, 0);
    store_rows_free(r);
    return n;
}

static const char *field(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void test_partners__directory_and_agreements(void **state)
{
    struct world *w = *state;
    int64_t ngo = 0, iom = 0, ministry = 0;
    char buf[400];
    snprintf(buf, sizeof buf,
             "{\"name\":\"Ministry of Labour\",\"type\":\"government\",\"country\":\"NGA\",\"areas\":[\"prevent\"],"
             "\"agency_id\":%lld}",
             (long long)w->agency);
    assert_int_equal(run(w, w->coord, K_PARTNER, buf, &ministry, NULL), STATUS_OK);
    assert_int_equal(run(w, w->coord, K_PARTNER,
                         "{\"name\":\"Safe Haven\",\"type\":\"ngo\",\"country\":\"NGA\",\"areas\":[\"protect\","
                         "\"prevent\"],\"contact\":{\"person\":\"Ada Okafor\",\"email\":\"ada@example.org\","
                         "\"phone\":\"+234 1 555 0100\"}}",
                         &ngo, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"IOM\",\"type\":\"international\"}", &iom, NULL),
                     STATUS_OK);
    /* The contact is sealed: the person's name is nowhere in clear in the database file. */
    bool clear_name = strcmp(test_engine, "sqlite") != 0;
    for (int i = 0; i < 2 && strcmp(test_engine, "sqlite") == 0; i++) { /* the file and its write-ahead log */
        char path[700];
        snprintf(path, sizeof path, "%s%s", w->t.db, i ? "-wal" : "");
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            continue;
        }
        char *data = xcalloc(1, 8 << 20);
        size_t n = fread(data, 1, (8 << 20) - 1, f);
        fclose(f);
        assert_null(memmem(data, n, "Ada Okafor", 10));
        clear_name = clear_name || memmem(data, n, "Safe Haven", 10) != NULL;
        free(data);
    }
    assert_true(clear_name); /* the organisation's name is in clear: the search above can find text */
    json_t *out = NULL;
    int64_t id = ngo;
    assert_int_equal(run(w, w->coord, K_PARTNER_GET, NULL, &id, &out), STATUS_OK);
    assert_string_equal(field(json_object_get(out, "contact"), "person"), "Ada Okafor");
    assert_int_equal(json_array_size(json_object_get(out, "areas")), 2);
    json_decref(out);
    id = ministry;
    assert_int_equal(run(w, w->coord, K_PARTNER_GET, NULL, &id, &out), STATUS_OK);
    assert_string_equal(field(out, "agency"), "Ministry");
    assert_true(json_is_null(json_object_get(out, "contact")));
    json_decref(out);
    assert_int_equal(run(w, w->coord, K_PARTNERS, NULL, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "partners")), 3);
    json_t *first = json_array_get(json_object_get(out, "partners"), 0);
    assert_null(json_object_get(first, "contact"));
    assert_non_null(json_object_get(first, "has_contact"));
    json_decref(out);
    /* Refused partners. */
    int64_t none = 0;
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"X\",\"type\":\"club\"}", &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "type");
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"X\",\"type\":\"ngo\",\"country\":\"XXX\"}", &none, NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    assert_int_equal(
        run(w, w->coord, K_PARTNER, "{\"name\":\"X\",\"type\":\"ngo\",\"areas\":[\"sports\"]}", &none, NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "areas");
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"X\",\"type\":\"ngo\",\"agency_id\":99}", &none, NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "agency_id");
    assert_int_equal(
        run(w, w->coord, K_PARTNER, "{\"name\":\"X\",\"type\":\"ngo\",\"contact\":{\"email\":\"nope\"}}", &none, NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "email");

    /* Agreements. */
    int64_t ag = 0;
    snprintf(buf, sizeof buf,
             "{\"title\":\"Referral of victims\",\"kind\":\"mou\",\"signed\":\"2025-03-01\",\"end\":\"2028-02-28\","
             "\"parties\":[%lld,%lld],\"paragraphs\":[\"annex-33\",\"annex-56\"]}",
             (long long)ministry, (long long)ngo);
    assert_int_equal(run(w, w->coord, K_AGREEMENT, buf, &ag, NULL), STATUS_OK);
    snprintf(buf, sizeof buf, "{\"title\":\"T\",\"kind\":\"mou\",\"signed\":\"2025-03-01\",\"parties\":[%lld]}",
             (long long)ngo);
    assert_int_equal(run(w, w->coord, K_AGREEMENT, buf, &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "parties");
    snprintf(buf, sizeof buf,
             "{\"title\":\"T\",\"kind\":\"mou\",\"signed\":\"2025-03-01\",\"parties\":[%lld,%lld],\"paragraphs\":"
             "[\"annex-99\"]}",
             (long long)ngo, (long long)iom);
    assert_int_equal(run(w, w->coord, K_AGREEMENT, buf, &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "paragraphs");
    snprintf(buf, sizeof buf,
             "{\"title\":\"T\",\"kind\":\"mou\",\"signed\":\"2025-03-01\",\"end\":\"2024-01-01\",\"parties\":[%lld,"
             "%lld]}",
             (long long)ngo, (long long)iom);
    assert_int_equal(run(w, w->coord, K_AGREEMENT, buf, &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "end");
    id = ngo;
    assert_int_equal(run(w, w->coord, K_AGREEMENTS, NULL, &id, &out), STATUS_OK);
    json_t *g = json_array_get(json_object_get(out, "agreements"), 0);
    assert_string_equal(field(g, "title"), "Referral of victims");
    assert_int_equal(json_array_size(json_object_get(g, "parties")), 2);
    assert_int_equal(json_array_size(json_object_get(g, "paragraphs")), 2);
    json_decref(out);
    id = iom;
    assert_int_equal(run(w, w->coord, K_AGREEMENTS, NULL, &id, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "agreements")), 0);
    json_decref(out);

    /* Access: 403 before 400. */
    assert_int_equal(run(w, w->worker, K_PARTNER, "{\"type\":\"club\"}", &none, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, K_PARTNERS, NULL, NULL, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, K_AGREEMENT, "{}", &none, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, K_TA, "{}", &none, NULL), STATUS_DENIED);
    id = ngo;
    assert_int_equal(run(w, w->worker, K_PARTNER_GET, NULL, &id, NULL), STATUS_DENIED);
}

static void test_partners__assistance_flow(void **state)
{
    struct world *w = *state;
    int64_t unodc = 0, ngo = 0;
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"UNODC\",\"type\":\"international\"}", &unodc, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_PARTNER, "{\"name\":\"Safe Haven\",\"type\":\"ngo\"}", &ngo, NULL), STATUS_OK);
    char buf[400];
    int64_t r1 = 0, r2 = 0, r3 = 0, none = 0;
    snprintf(buf, sizeof buf,
             "{\"requester_state\":\"NGA\",\"provider_partner_id\":%lld,\"topic\":\"Training of labour "
             "inspectors\",\"paragraphs\":[\"annex-57\"],\"requested\":\"2025-01-10\"}",
             (long long)unodc);
    int64_t before = audit_count(w);
    json_t *made = NULL;
    assert_int_equal(run(w, w->coord, K_TA, buf, &r1, &made), STATUS_OK);
    assert_int_equal(audit_count(w), before + 1); /* the write and its answer: one entry */
    assert_string_equal(field(made, "status"), "requested");
    json_decref(made);
    snprintf(buf, sizeof buf,
             "{\"requester_partner_id\":%lld,\"provider_partner_id\":%lld,\"topic\":\"Shelter equipment\","
             "\"requested\":\"2025-02-01\"}",
             (long long)ngo, (long long)unodc);
    assert_int_equal(run(w, w->coord, K_TA, buf, &r2, NULL), STATUS_OK);
    snprintf(buf, sizeof buf,
             "{\"requester_state\":\"GHA\",\"provider_partner_id\":%lld,\"topic\":\"Law review\","
             "\"requested\":\"2025-03-01\"}",
             (long long)unodc);
    assert_int_equal(run(w, w->coord, K_TA, buf, &r3, NULL), STATUS_OK);
    /* Refused requests: neither or both requesters, a future date, an unknown provider. */
    snprintf(buf, sizeof buf, "{\"provider_partner_id\":%lld,\"topic\":\"x\",\"requested\":\"2025-01-10\"}",
             (long long)unodc);
    assert_int_equal(run(w, w->coord, K_TA, buf, &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "requester_state");
    snprintf(buf, sizeof buf,
             "{\"requester_state\":\"NGA\",\"provider_partner_id\":%lld,\"topic\":\"x\",\"requested\":"
             "\"2999-01-10\"}",
             (long long)unodc);
    assert_int_equal(run(w, w->coord, K_TA, buf, &none, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "requested");
    assert_int_equal(run(w, w->coord, K_TA,
                         "{\"requester_state\":\"NGA\",\"provider_partner_id\":5,\"topic\":\"x\",\"requested\":"
                         "\"2025-01-10\"}",
                         &none, NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "provider_partner_id");

    /* r1: accepted, two deliveries, delivered after 50 days. */
    int64_t id = r1;
    assert_int_equal(
        run(w, w->coord, K_DELIVER, "{\"date\":\"2025-02-01\",\"kind\":\"training\",\"beneficiaries\":30}", &id, NULL),
        STATUS_CONFLICT); /* not accepted yet */
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"delivered\",\"date\":\"2025-02-01\"}", &id, NULL),
                     STATUS_CONFLICT);
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"accepted\",\"date\":\"2025-01-01\"}", &id, NULL),
                     STATUS_INVALID); /* before the request */
    assert_string_equal(err_last_field(), "date");
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"accepted\",\"date\":\"2025-01-20\"}", &id, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"delivered\",\"date\":\"2025-02-01\"}", &id, NULL),
                     STATUS_CONFLICT); /* no delivery yet */
    assert_int_equal(
        run(w, w->coord, K_DELIVER, "{\"date\":\"2025-02-01\",\"kind\":\"training\",\"beneficiaries\":30}", &id, NULL),
        STATUS_OK);
    assert_int_equal(run(w, w->coord, K_DELIVER, "{\"date\":\"2025-02-10\",\"kind\":\"cake\"}", &id, NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");
    assert_int_equal(run(w, w->coord, K_DELIVER,
                         "{\"date\":\"2025-02-20\",\"kind\":\"expert_mission\",\"beneficiaries\":5}", &id, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"delivered\",\"date\":\"2025-03-01\"}", &id, NULL),
                     STATUS_OK); /* 2025-01-10 -> 2025-03-01: 50 days */
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"declined\"}", &id, NULL), STATUS_CONFLICT);
    json_t *out = NULL;
    assert_int_equal(run(w, w->coord, K_TA_GET, NULL, &id, &out), STATUS_OK);
    assert_string_equal(field(out, "status"), "delivered");
    assert_int_equal(json_array_size(json_object_get(out, "deliveries")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "beneficiaries")), 35);
    assert_string_equal(field(out, "provider"), "UNODC");
    json_decref(out);
    /* r2: accepted, delivered after 30 days. r3: declined. */
    id = r2;
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"accepted\",\"date\":\"2025-02-05\"}", &id, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_DELIVER, "{\"date\":\"2025-03-01\",\"kind\":\"equipment\"}", &id, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"delivered\",\"date\":\"2025-03-03\"}", &id, NULL),
                     STATUS_OK);
    id = r3;
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"declined\",\"date\":\"2025-03-02\"}", &id, NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, K_STATUS, "{\"status\":\"accepted\"}", &id, NULL), STATUS_CONFLICT);
    /* A stale version. */
    struct op o = {.k = K_STATUS, .id = r3, .version = 1, .in = json_pack("{ss}", "status", "accepted")};
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    assert_int_equal(auth_run(&a.ctx, op_run, &o), STATUS_PRECONDITION);
    auth_principal_clear(&a.p);
    json_decref(o.in);

    /* Figures: 2 delivered (50 and 30 days: median 40), 1 declined. */
    assert_int_equal(run(w, w->coord, K_TA_LIST, NULL, NULL, &out), STATUS_OK);
    json_t *f = json_object_get(out, "figures");
    assert_int_equal(json_integer_value(json_object_get(f, "total")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "by_status"), "delivered")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "by_status"), "declined")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "by_status"), "requested")), 0);
    assert_true(json_number_value(json_object_get(f, "median_days_to_delivery")) == 40.0);
    assert_int_equal(json_array_size(json_object_get(out, "requests")), 3);
    json_decref(out);
    struct op lo = {.k = K_TA_LIST, .a = "declined"};
    test_as_user(&w->t, &a, w->coord);
    assert_int_equal(auth_run(&a.ctx, op_run, &lo), STATUS_OK);
    auth_principal_clear(&a.p);
    assert_int_equal(json_array_size(json_object_get(lo.out, "requests")), 1);
    json_decref(lo.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partners__directory_and_agreements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partners__assistance_flow, setup, teardown),
    };
    TEST_RUN_BOTH("plan_partners", tests, NULL, NULL);
}
