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
#include "justice/proceedings.h"
#include "justice/stats.h"
#include "justice/victims.h"
#include "cases/cases.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t inv_a, inv_own, pros_a, inv_b, worker, coord, analyst, inv_all, worker_b, clerk;
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
    w->analyst = test_user(&w->t, "analyst", w->agency_a, "analyst", "all");
    w->inv_all = test_user(&w->t, "inv_all", w->agency_a, "investigator", "all");
    w->worker_b = test_user(&w->t, "worker_b", w->agency_b, "caseworker", "own");
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

/* Adds through the domain functions with a JSON literal. */
struct pop {
    int64_t inv, id, version;
    json_t *in;
    int kind; /* 0 offence, 1 suspect, 2 charge */
    struct justice_suspect *suspects;
    size_t count;
    struct justice_stats_query q;
    const char *names[JUSTICE_STATS_KEYS];
    size_t names_count;
    struct justice_stat_row *rows;
};

static enum status op_padd(const struct auth_ctx *c, void *p)
{
    struct pop *o = p;
    return o->kind == 0   ? justice_offence_add(c, o->inv, o->in, &o->id)
           : o->kind == 1 ? justice_suspect_add(c, o->inv, o->in, &o->id)
                          : justice_charge_add(c, o->inv, o->in, &o->id);
}

static enum status op_pupdate(const struct auth_ctx *c, void *p)
{
    struct pop *o = p;
    return o->kind == 0   ? justice_offence_update(c, o->inv, o->id, o->version, o->in)
           : o->kind == 1 ? justice_suspect_update(c, o->inv, o->id, o->version, o->in)
                          : justice_charge_update(c, o->inv, o->id, o->version, o->in);
}

static enum status op_suspects(const struct auth_ctx *c, void *p)
{
    struct pop *o = p;
    return justice_suspects(c, o->inv, &o->suspects, &o->count);
}

static enum status op_stats(const struct auth_ctx *c, void *p)
{
    struct pop *o = p;
    return justice_stats_offenders(c, &o->q, o->names, &o->names_count, &o->rows, &o->count);
}

static int64_t padd(struct world *w, int64_t uid, int64_t inv, int kind, const char *json, enum status want)
{
    struct pop o = {.inv = inv, .kind = kind, .in = json_loads(json, 0, NULL)};
    assert_non_null(o.in);
    enum status st = run_as(w, uid, op_padd, (struct op *)(void *)&o);
    if (st != want) {
        fprintf(stderr, "%s: %s\n", json, err_last());
    }
    assert_int_equal(st, want);
    json_decref(o.in);
    return o.id;
}

static void pupdate(struct world *w, int64_t uid, int64_t inv, int kind, int64_t id, const char *json, enum status want)
{
    struct pop o = {.inv = inv, .kind = kind, .id = id, .in = json_loads(json, 0, NULL)};
    enum status st = run_as(w, uid, op_pupdate, (struct op *)(void *)&o);
    if (st != want) {
        fprintf(stderr, "%s: %s\n", json, err_last());
    }
    assert_int_equal(st, want);
    json_decref(o.in);
}

static int64_t new_inv(struct world *w, int64_t uid, const char *ref, const char *country)
{
    struct op o;
    memset(&o, 0, sizeof o);
    o.in = (struct investigation_input){.reference = ref, .country = country};
    assert_int_equal(run_as(w, uid, op_create, &o), STATUS_OK);
    return o.id;
}

/* Looks up a row's count by its keys (NULL: any). */
static int64_t stat_count(const struct pop *o, const char *k0, const char *k1, const char *k2, const char *k3)
{
    const char *want[4] = {k0, k1, k2, k3};
    for (size_t i = 0; i < o->count; i++) {
        bool ok = true;
        for (size_t k = 0; k < o->names_count; k++) {
            ok = ok && (want[k] == NULL || strcmp(o->rows[i].keys[k], want[k]) == 0);
        }
        if (ok) {
            return o->rows[i].count;
        }
    }
    return 0;
}

static const struct justice_suspect *suspect_by_id(const struct pop *o, int64_t id)
{
    for (size_t i = 0; i < o->count; i++) {
        if (o->suspects[i].id == id) {
            return &o->suspects[i];
        }
    }
    fail_msg("suspect %lld not listed", (long long)id);
    return NULL;
}

static void test_justice__proceedings_and_funnel(void **state)
{
    struct world *w = *state;
    int64_t inv = new_inv(w, w->inv_a, "PF/1", "NGA");
    int64_t off_sex = padd(w, w->inv_a, inv, 0,
                           "{\"article_code\":\"s.11\",\"article_text\":\"Trafficking in persons\","
                           "\"form\":\"sexual_exploitation\",\"modality\":\"organising\",\"organised_group\":true,"
                           "\"linked_crimes\":[\"money_laundering\",\"corruption\"]}",
                           STATUS_OK);
    int64_t off_lab = padd(w, w->inv_a, inv, 0, "{\"article_code\":\"s.13\",\"form\":\"forced_labour\"}", STATUS_OK);
    padd(w, w->inv_a, inv, 0, "{\"article_code\":\"s.13\",\"form\":\"pickpocketing\"}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "form");
    padd(w, w->inv_a, inv, 0, "{\"article_code\":\"s.13\",\"form\":\"other\",\"linked_crimes\":[\"arson\"]}",
         STATUS_INVALID);
    padd(w, w->inv_a, inv, 0, "{\"form\":\"other\"}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "article_code");
    padd(w, w->inv_b, inv, 0, "{\"article_code\":\"x\",\"form\":\"other\"}", STATUS_NOT_FOUND);
    padd(w, w->coord, inv, 0, "{\"article_code\":\"x\",\"form\":\"other\"}", STATUS_DENIED);

    int64_t s1 = padd(w, w->inv_a, inv, 1,
                      "{\"kind\":\"natural\",\"name\":\"Ade Bello\",\"role\":\"RecruiterOrIntermediary\","
                      "\"sex\":\"male\",\"age\":41,\"citizenship\":\"NGA\"}",
                      STATUS_OK);
    int64_t s2 = padd(w, w->inv_a, inv, 1,
                      "{\"kind\":\"natural\",\"name\":\"Mary Kone\",\"sex\":\"female\",\"age_band\":\"30--38\","
                      "\"citizenship\":\"CIV\"}",
                      STATUS_OK);
    int64_t s3 = padd(w, w->inv_a, inv, 1, "{\"kind\":\"legal\",\"name\":\"Harbour Jobs Ltd\",\"citizenship\":\"NGA\"}",
                      STATUS_OK);
    padd(w, w->inv_a, inv, 1, "{\"kind\":\"legal\",\"sex\":\"male\"}", STATUS_INVALID);
    padd(w, w->inv_a, inv, 1, "{\"kind\":\"natural\",\"age\":200}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "age");
    padd(w, w->inv_a, inv, 1, "{\"kind\":\"natural\",\"citizenship\":\"Atlantis\"}", STATUS_INVALID);

    /* The name is sealed; the coordinator (no fg.identity.read) reads suspects without names. */
    struct pop o = {.inv = inv};
    assert_int_equal(run_as(w, w->pros_a, op_suspects, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.count, 3);
    assert_string_equal(suspect_by_id(&o, s1)->name, "Ade Bello");
    assert_string_equal(suspect_by_id(&o, s1)->role, "RecruiterOrIntermediary");
    assert_string_equal(suspect_by_id(&o, s2)->age_band, "30--38");
    justice_suspects_free(o.suspects, o.count);
    memset(&o, 0, sizeof o);
    o.inv = inv;
    assert_int_equal(run_as(w, w->coord, op_suspects, (struct op *)(void *)&o), STATUS_OK);
    assert_null(suspect_by_id(&o, s3)->name);
    assert_true(suspect_by_id(&o, s3)->name_withheld);
    justice_suspects_free(o.suspects, o.count);
    /* A change without the name keeps it (and its blind index). */
    pupdate(w, w->inv_a, inv, 1, s1, "{\"age\":42}", STATUS_OK);
    memset(&o, 0, sizeof o);
    o.inv = inv;
    assert_int_equal(run_as(w, w->pros_a, op_suspects, (struct op *)(void *)&o), STATUS_OK);
    assert_string_equal(suspect_by_id(&o, s1)->name, "Ade Bello");
    assert_int_equal(suspect_by_id(&o, s1)->age, 42);
    assert_int_equal(suspect_by_id(&o, s1)->version, 2);
    justice_suspects_free(o.suspects, o.count);
    pupdate(w, w->inv_a, inv, 1, s1, "{\"age\":43}", STATUS_OK);

    /* The funnel: order of stages checked. */
    char buf[256];
    snprintf(buf, sizeof buf, "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2025-02-01\"}", (long long)s1,
             (long long)off_sex);
    int64_t c1 = padd(w, w->inv_a, inv, 2, buf, STATUS_OK);
    padd(w, w->inv_a, inv, 2, buf, STATUS_CONFLICT);
    snprintf(buf, sizeof buf, "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2025-02-01\"}", (long long)s1,
             (long long)off_lab);
    padd(w, w->inv_a, inv, 2, buf, STATUS_OK);
    snprintf(buf, sizeof buf,
             "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2025-03-01\",\"prosecuted\":\"2025-06-01\"}",
             (long long)s2, (long long)off_sex);
    int64_t c2 = padd(w, w->inv_a, inv, 2, buf, STATUS_OK);
    snprintf(buf, sizeof buf,
             "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2025-03-01\",\"prosecuted\":\"2026-01-10\","
             "\"outcome\":\"convicted\",\"decided\":\"2026-05-02\"}",
             (long long)s3, (long long)off_lab);
    padd(w, w->inv_a, inv, 2, buf, STATUS_OK);
    snprintf(buf, sizeof buf, "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2025-03-01\"}", (long long)s3,
             (long long)12345);
    padd(w, w->inv_a, inv, 2, buf, STATUS_INVALID);
    assert_string_equal(err_last_field(), "offence_id");
    pupdate(w, w->inv_a, inv, 2, c1, "{\"outcome\":\"convicted\",\"decided\":\"2026-01-01\"}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "outcome");
    pupdate(w, w->inv_a, inv, 2, c1, "{\"prosecuted\":\"2025-01-01\"}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "prosecuted");
    pupdate(w, w->inv_a, inv, 2, c1, "{\"prosecuted\":\"2025-09-01\"}", STATUS_OK);
    pupdate(w, w->pros_a, inv, 2, c1, "{\"outcome\":\"convicted\",\"decided\":\"2026-03-03\"}", STATUS_OK);
    pupdate(w, w->pros_a, inv, 2, c2, "{\"outcome\":\"acquitted\"}", STATUS_INVALID);
    assert_string_equal(err_last_field(), "decided");
    pupdate(w, w->pros_a, inv, 2, c2, "{\"outcome\":\"acquitted\",\"decided\":\"2026-02-02\"}", STATUS_OK);
    pupdate(w, w->inv_b, inv, 2, c2, "{\"contacted\":\"2025-03-02\"}", STATUS_NOT_FOUND);

    /* An investigation of agency B: a foreign national contacted in 2026. */
    int64_t inv2 = new_inv(w, w->inv_b, "KE/1", "KEN");
    int64_t off2 = padd(w, w->inv_b, inv2, 0, "{\"article_code\":\"3\",\"form\":\"forced_labour\"}", STATUS_OK);
    int64_t s4 =
        padd(w, w->inv_b, inv2, 1, "{\"kind\":\"natural\",\"sex\":\"male\",\"citizenship\":\"NGA\"}", STATUS_OK);
    snprintf(buf, sizeof buf, "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"2026-04-01\"}", (long long)s4,
             (long long)off2);
    padd(w, w->inv_b, inv2, 2, buf, STATUS_OK);

    /* The funnel per year by sex and citizenship (scope all). */
    memset(&o, 0, sizeof o);
    o.q = (struct justice_stats_query){.by = {"year", "sex", "citizenship"}, .by_count = 3};
    assert_int_equal(run_as(w, w->analyst, op_stats, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.names_count, 4);
    assert_string_equal(o.names[0], "stage");
    /* s1 has two charges contacted in 2025: counted once. */
    assert_int_equal(stat_count(&o, "contact", "2025", "male", "NGA"), 1);
    assert_int_equal(stat_count(&o, "contact", "2025", "female", "CIV"), 1);
    assert_int_equal(stat_count(&o, "contact", "2025", "legal_person", "NGA"), 1);
    assert_int_equal(stat_count(&o, "contact", "2026", "male", "NGA"), 1);
    assert_int_equal(stat_count(&o, "prosecuted", "2025", NULL, NULL), 1); /* s1 2025-09; s2 2025-06 */
    assert_int_equal(stat_count(&o, "prosecuted", "2026", "legal_person", "NGA"), 1);
    assert_int_equal(stat_count(&o, "convicted", "2026", "male", "NGA"), 1);
    assert_int_equal(stat_count(&o, "convicted", "2026", "legal_person", "NGA"), 1);
    assert_int_equal(stat_count(&o, "convicted", NULL, "female", NULL), 0); /* acquitted */
    char *csv = justice_stats_csv(o.names, o.names_count, o.rows, o.count);
    assert_non_null(strstr(csv, "stage,year,sex,citizenship,count\n"));
    assert_null(strstr(csv, "Bello"));
    free(csv);
    justice_stats_free(o.rows, o.count);

    /* One stage, nationals and exploitation; a date range; the agency's scope. */
    memset(&o, 0, sizeof o);
    o.q = (struct justice_stats_query){.by = {"nationals", "exploitation"}, .by_count = 2, .stage = "contact"};
    assert_int_equal(run_as(w, w->analyst, op_stats, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.names_count, 2);
    assert_int_equal(stat_count(&o, "national", "sexual_exploitation", NULL, NULL), 1);
    assert_int_equal(stat_count(&o, "national", "forced_labour", NULL, NULL), 2); /* s1, s3 */
    assert_int_equal(stat_count(&o, "foreign", "sexual_exploitation", NULL, NULL), 1);
    assert_int_equal(stat_count(&o, "foreign", "forced_labour", NULL, NULL), 1); /* s4 in Kenya */
    justice_stats_free(o.rows, o.count);
    memset(&o, 0, sizeof o);
    o.q = (struct justice_stats_query){.by = {"legal_person"}, .by_count = 1, .stage = "contact"};
    assert_int_equal(util_time_parse(&o.q.from_ms, "2026-01-01"), STATUS_OK);
    assert_int_equal(run_as(w, w->analyst, op_stats, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(stat_count(&o, "no", NULL, NULL, NULL), 1);
    justice_stats_free(o.rows, o.count);

    /* Input checks and permission: stats.read only. */
    memset(&o, 0, sizeof o);
    o.q = (struct justice_stats_query){.by = {"name"}, .by_count = 1};
    assert_int_equal(run_as(w, w->analyst, op_stats, (struct op *)(void *)&o), STATUS_INVALID);
    o.q = (struct justice_stats_query){.by = {"sex"}, .by_count = 1, .stage = "arrested"};
    assert_int_equal(run_as(w, w->analyst, op_stats, (struct op *)(void *)&o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "stage");
    o.q = (struct justice_stats_query){.by = {"sex"}, .by_count = 1};
    assert_int_equal(run_as(w, w->inv_a, op_stats, (struct op *)(void *)&o), STATUS_DENIED);
}

struct vop {
    int64_t inv, case_id, id, got_case;
    const char *role;
    char *name;
    struct justice_victim *list;
    size_t count;
    json_t *in;
    struct justice_protection *prot;
    struct case_record rec;
    struct case_record *out;
};

static enum status op_vlink(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return justice_victim_link(c, o->inv, o->case_id, o->role, &o->id);
}

static enum status op_vlist(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return justice_victims(c, o->inv, &o->list, &o->count);
}

static enum status op_vident(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return justice_victim_identity(c, o->inv, o->id, &o->got_case, &o->name);
}

static enum status op_padd_prot(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return justice_protection_add(c, o->inv, o->in, &o->id);
}

static enum status op_plist(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return justice_protections(c, o->inv, &o->prot, &o->count);
}

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct vop *o = p;
    return case_create(c, &o->rec, &o->out);
}

static void test_justice__victims_by_reference(void **state)
{
    struct world *w = *state;
    /* A case of agency B (an NGO); the investigation of agency A. */
    struct vop c = {0};
    case_record_init(&c.rec);
    assert_int_equal(case_value_parse(&c.rec, CASE_F_given_name, "Amina"), STATUS_OK);
    assert_int_equal(case_value_parse(&c.rec, CASE_F_family_name, "Yusuf"), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_b, op_case_create, (struct op *)(void *)&c), STATUS_OK);
    int64_t case_id = c.out->id;
    case_record_free(c.out);
    case_record_clear(&c.rec);
    int64_t inv = new_inv(w, w->inv_a, "PF/9", "NGA");

    /* Linking needs the case to be readable: the agency investigator cannot, the one with scope all can. */
    struct vop o = {.inv = inv, .case_id = case_id};
    assert_int_equal(run_as(w, w->inv_a, op_vlink, (struct op *)(void *)&o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "case_id");
    o.role = "bystander";
    assert_int_equal(run_as(w, w->inv_all, op_vlink, (struct op *)(void *)&o), STATUS_INVALID);
    o.role = NULL;
    assert_int_equal(run_as(w, w->inv_all, op_vlink, (struct op *)(void *)&o), STATUS_OK);
    int64_t vid = o.id;
    assert_int_equal(run_as(w, w->inv_all, op_vlink, (struct op *)(void *)&o), STATUS_CONFLICT);

    /* The prosecutor lists the reference only: no case id, no name. */
    memset(&o, 0, sizeof o);
    o.inv = inv;
    assert_int_equal(run_as(w, w->pros_a, op_vlist, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.count, 1);
    json_t *j = justice_victim_to_json(&o.list[0]);
    char *dump = json_dumps(j, 0);
    assert_null(strstr(dump, "Amina"));
    assert_null(strstr(dump, "case_id"));
    assert_non_null(strstr(dump, "\"reference\": \"V-"));
    free(dump);
    json_decref(j);
    free(o.list);

    /* The identity: denied to the prosecutor and the court clerk, given to the investigator, audited. */
    memset(&o, 0, sizeof o);
    o.inv = inv;
    o.id = vid;
    assert_int_equal(run_as(w, w->pros_a, op_vident, (struct op *)(void *)&o), STATUS_DENIED);
    assert_null(o.name);
    assert_int_equal(run_as(w, w->clerk, op_vident, (struct op *)(void *)&o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->inv_b, op_vident, (struct op *)(void *)&o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->inv_a, op_vident, (struct op *)(void *)&o), STATUS_OK);
    assert_string_equal(o.name, "Amina Yusuf");
    assert_int_equal(o.got_case, case_id);
    free(o.name);
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter f = {.record_type = "case", .record_id = case_id, .limit = 200};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    bool viewed = false;
    for (size_t i = 0; i < n; i++) {
        viewed = viewed || strcmp(e[i].action, "justice.victim_identity") == 0;
        assert_null(strstr(e[i].detail, "Amina"));
    }
    assert_true(viewed);
    audit_entries_free(e, n);

    /* Protection measures against the proceeding, for the victim by reference. */
    memset(&o, 0, sizeof o);
    o.inv = inv;
    char buf[160];
    snprintf(buf, sizeof buf, "{\"type\":\"video_link\",\"victim_id\":%lld,\"start_date\":\"2026-01-05\"}",
             (long long)vid);
    o.in = json_loads(buf, 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_padd_prot, (struct op *)(void *)&o), STATUS_OK);
    json_decref(o.in);
    o.in = json_loads("{\"type\":\"teleport\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_padd_prot, (struct op *)(void *)&o), STATUS_INVALID);
    json_decref(o.in);
    o.in = json_loads("{\"type\":\"screen\",\"start_date\":\"2026-02-01\",\"end_date\":\"2026-01-01\"}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_padd_prot, (struct op *)(void *)&o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "end_date");
    json_decref(o.in);
    o.in = json_loads("{\"type\":\"screen\",\"victim_id\":999}", 0, NULL);
    assert_int_equal(run_as(w, w->pros_a, op_padd_prot, (struct op *)(void *)&o), STATUS_INVALID);
    assert_int_equal(run_as(w, w->clerk, op_padd_prot, (struct op *)(void *)&o), STATUS_DENIED);
    json_decref(o.in);
    memset(&o, 0, sizeof o);
    o.inv = inv;
    assert_int_equal(run_as(w, w->clerk, op_plist, (struct op *)(void *)&o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_string_equal(o.prot[0].type, "video_link");
    assert_int_equal(o.prot[0].victim_id, vid);
    free(o.prot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_justice__investigation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_justice__proceedings_and_funnel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_justice__victims_by_reference, setup, teardown),
    };
    TEST_RUN_BOTH("justice", tests, NULL, NULL);
}
