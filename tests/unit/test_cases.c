/* test_cases: the victim case registry on the domain level, on SQLite and PostgreSQL: create,
 * read, update with versions and history, field groups, restricted cases, name search across
 * accents and scripts through blind indexes, events, comments, close and reopen, statistics
 * against a golden file, plain text never at rest, and the case access matrix (each built-in
 * role x scope x target, against a literal table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/dedup.h"
#include "cases/protect.h"
#include "cases/records.h"
#include "cases/vocab.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t worker_a, worker_a2, worker_b, investigator_a, supervisor_a, analyst;
};

static int64_t agency(struct world *w, const char *name)
{
    return test_agency(&w->t, name);
}

static int64_t user(struct world *w, const char *name, int64_t agency_id, const char *role, const char *scope)
{
    return test_user(&w->t, name, agency_id, role, scope);
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = agency(w, "Agency A");
    w->agency_b = agency(w, "Agency B");
    w->worker_a = user(w, "worker-a", w->agency_a, "caseworker", "own");
    w->worker_a2 = user(w, "worker-a2", w->agency_a, "caseworker", "own");
    w->worker_b = user(w, "worker-b", w->agency_b, "caseworker", "own");
    w->investigator_a = user(w, "investigator-a", w->agency_a, "investigator", "agency");
    w->supervisor_a = user(w, "supervisor-a", w->agency_a, "case_supervisor", "agency");
    w->analyst = user(w, "analyst", w->agency_a, "analyst", "all");
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

/* A principal as after a two-factor login. */

static void as_user(struct world *w, struct test_as *a, int64_t id)
{
    test_as_user(&w->t, a, id);
}

struct op {
    struct case_record in;
    struct case_record *out;
    int64_t id, version;
    uint64_t mask;
    struct case_filter f;
    struct case_record **list;
    size_t count;
    struct case_change *history;
    struct case_event ev;
    struct case_event *events;
    struct case_comment *comments;
};

static void op_clear(struct op *o)
{
    case_record_clear(&o->in);
    case_record_free(o->out);
    case_list_free(o->list, o->count);
    memset(o, 0, sizeof *o);
    case_record_init(&o->in);
}

static enum status op_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_create(c, &o->in, &o->out);
}
static enum status op_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_get(c, o->id, &o->out);
}
static enum status op_update(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_update(c, o->id, o->version, &o->in, o->mask, &o->out);
}
static enum status op_list(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_list(c, &o->f, &o->list, &o->count);
}

#define PARSE(o, field, text) assert_int_equal(case_value_parse(&(o)->in, CASE_F_##field, (text)), STATUS_OK)

static int64_t make_case(struct world *w, int64_t as_id, const char *given, const char *family)
{
    struct test_as a;
    as_user(w, &a, as_id);
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    PARSE(&o, given_name, given);
    PARSE(&o, family_name, family);
    PARSE(&o, gender, "female");
    PARSE(&o, birth_date, "1996-03");
    PARSE(&o, citizenship, "NG");
    PARSE(&o, exploitation_types, "ForcedLabour;Sexual Exploitation");
    PARSE(&o, phone, "+234 801 234 5678");
    PARSE(&o, narrative, "Recruited with a promise of work as a hairdresser.");
    enum status st = auth_run(&a.ctx, op_create, &o);
    if (st != STATUS_OK) {
        fail_msg("create: %s", err_last());
    }
    int64_t id = o.out->id;
    op_clear(&o);
    auth_principal_clear(&a.p);
    return id;
}

static void test_cases__create_read_update_history(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, w->worker_a, "José María", "Okafor");
    struct test_as a;
    as_user(w, &a, w->worker_a);
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_OK);
    struct case_record *r = o.out;
    assert_string_equal(r->v[CASE_F_given_name].text, "José María");
    assert_string_equal(r->v[CASE_F_gender].text, "Feminine");
    assert_string_equal(r->v[CASE_F_citizenship].text, "NGA");
    assert_string_equal(r->v[CASE_F_citizenship_region].text, "Africa"); /* derived */
    assert_int_equal(r->v[CASE_F_age].state, CASE_SET);                  /* derived from the birth date */
    assert_true(r->v[CASE_F_age_estimated].i);                           /* from a year and month only */
    assert_string_equal(r->v[CASE_F_majority_status].text, "Adult");
    assert_int_equal(r->version, 1);
    assert_int_equal(r->owner_id, w->worker_a);
    int64_t version = r->version;
    op_clear(&o);

    /* Update two fields; one to "unknown". */
    o.id = id;
    o.version = version;
    PARSE(&o, gender, "Masculine");
    PARSE(&o, primary_language, "unknown");
    o.mask = ((uint64_t)1 << CASE_F_gender) | ((uint64_t)1 << CASE_F_primary_language);
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_OK);
    assert_int_equal(o.out->version, 2);
    assert_string_equal(o.out->v[CASE_F_gender].text, "Masculine");
    assert_int_equal(o.out->v[CASE_F_primary_language].state, CASE_UNKNOWN);
    assert_string_equal(o.out->v[CASE_F_given_name].text, "José María"); /* untouched */
    op_clear(&o);

    /* A stale version is a conflict. */
    o.id = id;
    o.version = version;
    PARSE(&o, gender, "Feminine");
    o.mask = (uint64_t)1 << CASE_F_gender;
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_CONFLICT);
    op_clear(&o);

    struct case_change *h = NULL;
    size_t n = 0;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_history(&a.ctx, id, &h, &n), STATUS_OK);
    store_tx_commit(w->t.store);
    assert_int_equal(n, 2);
    assert_string_equal(h[0].action, "update");
    json_t *g = json_object_get(h[0].changes, "gender");
    assert_string_equal(json_string_value(json_object_get(g, "from")), "Feminine");
    assert_string_equal(json_string_value(json_object_get(g, "to")), "Masculine");
    assert_string_equal(h[1].action, "create");
    assert_string_equal(json_string_value(json_object_get(h[1].changes, "given_name")), "changed");
    case_history_free(h, n);
    auth_principal_clear(&a.p);
}

static void test_cases__field_groups_and_scope(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, w->worker_a, "Amina", "Bello");
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    struct test_as a;
    /* The investigator of the agency reads the identity and narrative groups, not contact. */
    as_user(w, &a, w->investigator_a);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_OK);
    assert_string_equal(o.out->v[CASE_F_given_name].text, "Amina");
    assert_null(o.out->v[CASE_F_phone].text);
    assert_true(o.out->withheld[CASE_F_phone]);
    assert_false(o.out->withheld[CASE_F_narrative]);
    assert_string_equal(o.out->v[CASE_F_narrative].text, "Recruited with a promise of work as a hairdresser.");
    op_clear(&o);
    auth_principal_clear(&a.p);
    /* Another caseworker with scope own, and a caseworker of another agency: not found. */
    as_user(w, &a, w->worker_a2);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    auth_principal_clear(&a.p);
    as_user(w, &a, w->worker_b);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    auth_principal_clear(&a.p);
    /* The analyst has no case.read at all. */
    as_user(w, &a, w->analyst);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_DENIED);
    op_clear(&o);
    auth_principal_clear(&a.p);
}

static void test_cases__restricted(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, w->worker_a, "Restricted", "Person");
    struct test_as a;
    as_user(w, &a, w->worker_a);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_set_restricted(&a.ctx, id, true), STATUS_OK);
    store_tx_commit(w->t.store);
    auth_principal_clear(&a.p);
    /* The supervisor of the agency no longer sees it, in reads or lists, until named. */
    as_user(w, &a, w->supervisor_a);
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    o.f.name = "Restricted";
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 0);
    op_clear(&o);
    /* The owner names the supervisor (case_grant); a user of another agency cannot be named. */
    struct test_as owner;
    as_user(w, &owner, w->worker_a);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_grant(&owner.ctx, id, w->worker_b, true), STATUS_INVALID);
    assert_string_equal(err_last_field(), "user_id");
    assert_int_equal(case_grant(&owner.ctx, id, w->supervisor_a, true), STATUS_OK);
    struct case_grant *gl = NULL;
    size_t ng = 0;
    assert_int_equal(case_grants(&owner.ctx, id, &gl, &ng), STATUS_OK);
    assert_int_equal(ng, 1);
    assert_int_equal(gl[0].user_id, w->supervisor_a);
    free(gl);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_OK);
    op_clear(&o);
    o.f.name = "restricted";
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    op_clear(&o);
    /* Removed again: out of sight; both changes are in the history. */
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_grant(&owner.ctx, id, w->supervisor_a, false), STATUS_OK);
    struct case_change *h = NULL;
    size_t nh = 0;
    assert_int_equal(case_history(&owner.ctx, id, &h, &nh), STATUS_OK);
    assert_string_equal(h[0].action, "revoke");
    assert_string_equal(h[1].action, "grant");
    case_history_free(h, nh);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    o.id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    /* FollowUp: an open status of its own. */
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct case_record *r = NULL;
    assert_int_equal(case_get(&owner.ctx, id, &r), STATUS_OK);
    assert_int_equal(case_follow_up(&owner.ctx, id, r->version + 1), STATUS_CONFLICT);
    assert_int_equal(case_follow_up(&owner.ctx, id, r->version), STATUS_OK);
    case_record_free(r);
    assert_int_equal(case_get(&owner.ctx, id, &r), STATUS_OK);
    assert_string_equal(r->status, "FollowUp");
    assert_int_equal(r->closed_at_ms, 0);
    case_record_free(r);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_principal_clear(&owner.p);
    auth_principal_clear(&a.p);
}

static void test_cases__search_by_name_and_exact_indexes(void **state)
{
    struct world *w = *state;
    int64_t jose = make_case(w, w->supervisor_a, "José", "Hernández");
    int64_t muhammad = make_case(w, w->supervisor_a, "مُحَمَّد", "العلي");
    struct test_as a;
    as_user(w, &a, w->supervisor_a);
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    static const struct {
        const char *query;
        int64_t *want;
    } q[] = {{"jose", NULL}, {"HERNANDEZ", NULL}, {"jose hernandez", NULL}, {"محمد", NULL}, {"مـحـمـد العلي", NULL}};
    int64_t wants[] = {jose, jose, jose, muhammad, muhammad};
    for (size_t i = 0; i < ARRAY_LEN(q); i++) {
        o.f.name = q[i].query;
        assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
        bool found = false;
        for (size_t k = 0; k < o.count; k++) {
            found = found || o.list[k]->id == wants[i];
        }
        if (!found) {
            fail_msg("search \"%s\" did not find the case", q[i].query);
        }
        op_clear(&o);
    }
    o.f.name = "jose okafor"; /* both words must match the same case */
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    for (size_t k = 0; k < o.count; k++) {
        assert_int_not_equal(o.list[k]->id, jose);
    }
    op_clear(&o);
    o.f.phone = "+234 801 234 5678";
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    assert_true(o.count >= 2);
    op_clear(&o);
    o.f.birth_date = "1996-03";
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    assert_true(o.count >= 2);
    op_clear(&o);
    auth_principal_clear(&a.p);
}

static void test_cases__events_comments_close_reopen(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, w->worker_a, "Timeline", "Person");
    struct test_as a;
    as_user(w, &a, w->worker_a);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct case_event e = {.type = "Exploitation", .country = "LBY", .date = "2019-06", .place = "Tripoli"};
    assert_int_equal(case_event_add(&a.ctx, id, &e, NULL), STATUS_OK);
    struct case_event e2 = {.type = "Recruitment", .country = "NG", .date = "2018"};
    assert_int_equal(case_event_add(&a.ctx, id, &e2, NULL), STATUS_OK);
    struct case_event bad = {.type = "Holiday"};
    assert_int_equal(case_event_add(&a.ctx, id, &bad, NULL), STATUS_INVALID);
    assert_int_equal(case_comment_add(&a.ctx, id, "Met at the shelter.", NULL), STATUS_OK);
    struct case_event *ev = NULL;
    size_t n = 0;
    assert_int_equal(case_events(&a.ctx, id, &ev, &n), STATUS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ev[0].type, "Recruitment"); /* ordered by date */
    assert_string_equal(ev[0].country, "NGA");
    assert_string_equal(ev[1].place, "Tripoli");
    case_events_free(ev, n);
    struct case_comment *c = NULL;
    assert_int_equal(case_comments(&a.ctx, id, &c, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].body, "Met at the shelter.");
    case_comments_free(c, n);
    assert_int_equal(case_close(&a.ctx, id, 1, "Closed", "Returned home safely."), STATUS_OK);
    struct case_record *r = NULL;
    assert_int_equal(case_get(&a.ctx, id, &r), STATUS_OK);
    assert_string_equal(r->status, "Closed");
    assert_string_equal(r->v[CASE_F_closure_reason].text, "Returned home safely.");
    assert_int_equal(case_reopen(&a.ctx, id, r->version), STATUS_OK);
    case_record_free(r);
    assert_int_equal(case_get(&a.ctx, id, &r), STATUS_OK);
    assert_string_equal(r->status, "Active");
    case_record_free(r);
    store_tx_commit(w->t.store);
    auth_principal_clear(&a.p);
}

static void test_cases__no_plain_text_at_rest(void **state)
{
    struct world *w = *state;
    if (strcmp(test_engine, "sqlite") != 0) {
        skip(); /* reads the database file */
    }
    make_case(w, w->worker_a, "Zanzibarina", "Quetzalcoatlova");
    store_exec_script(w->t.store, "PRAGMA wal_checkpoint(TRUNCATE)");
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(util_file_read(&data, &len, w->t.db, FILE_BYTES_MAX), STATUS_OK);
    assert_null(memmem(data, len, "Zanzibarina", 11));
    assert_null(memmem(data, len, "Quetzalcoatlova", 15));
    assert_null(memmem(data, len, "hairdresser", 11));
    assert_null(memmem(data, len, "801 234", 7));
    free(data);
}

static enum status op_stats(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    (void)o;
    return STATUS_OK;
}

/* Golden file: a small set of cases with known answers, printed as the CLI prints CSV. */
static void test_cases__stats_golden(void **state)
{
    struct world *w = *state;
    struct test_env fresh;
    test_env_open(&fresh);
    assert_int_equal(vocab_init(fresh.store), STATUS_OK);
    /* No case yet: no row, and no error (an empty table is not sorted). */
    const char *gender_only[] = {"gender"};
    struct case_stat_row *none = NULL;
    size_t nnone = 99;
    store_tx_begin(fresh.store, STORE_TX_WRITE);
    assert_int_equal(case_stats_victims(&fresh.ctx, gender_only, 1, 0, INT64_MAX, &none, &nnone), STATUS_OK);
    assert_int_equal(nnone, 0);
    case_stats_free(none, nnone);
    assert_int_equal(store_tx_commit(fresh.store), STATUS_OK);
    static const char *const rows[][4] = {
        /* gender, age, exploitation, citizenship */
        {"Feminine", "25", "SexualExploitation", "NGA"},
        {"Feminine", "16", "ForcedLabour;SexualExploitation", "NGA"},
        {"Masculine", "34", "ForcedLabour", "UKR"},
        {"Masculine", "", "ForcedLabour", ""},
        {"", "52", "", "MEX"},
        {"Feminine", "", "", "unknown"},
    };
    struct auth_agency *ag = NULL;
    struct auth_agency_input ai = {"Stats Agency", "NGO", "", -1};
    store_tx_begin(fresh.store, STORE_TX_WRITE);
    assert_int_equal(auth_agency_create(&fresh.ctx, &ai, &ag), STATUS_OK);
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct case_record in;
        case_record_init(&in);
        in.agency_id = ag->id;
        assert_int_equal(case_value_parse(&in, CASE_F_gender, rows[i][0]), STATUS_OK);
        assert_int_equal(case_value_parse(&in, CASE_F_age, rows[i][1]), STATUS_OK);
        assert_int_equal(case_value_parse(&in, CASE_F_exploitation_types, rows[i][2]), STATUS_OK);
        assert_int_equal(case_value_parse(&in, CASE_F_citizenship, rows[i][3]), STATUS_OK);
        struct case_record *out = NULL;
        assert_int_equal(case_create(&fresh.ctx, &in, &out), STATUS_OK);
        case_record_free(out);
        case_record_clear(&in);
    }
    store_tx_commit(fresh.store);
    auth_agency_free(ag);
    static const struct {
        const char *by[2];
        size_t n;
        const char *golden;
    } cases[] = {
        {{"gender"}, 1, "gender,count\nFeminine,3\nMasculine,2\nunknown,1\n"},
        {{"majority_status"}, 1, "majority_status,count\nAdult,3\nMinor,1\nunknown,2\n"},
        {{"exploitation"}, 1, "exploitation,count\nForcedLabour,3\nSexualExploitation,2\nunknown,2\n"},
        {{"citizenship_region", "gender"},
         2,
         "citizenship_region,gender,count\nAfrica,Feminine,2\nAmericas,unknown,1\nEurope,Masculine,1\n"
         "unknown,Feminine,1\nunknown,Masculine,1\n"},
        {{"age_group"}, 1, "age_group,count\n9--17,1\n24--26,1\n30--38,1\n48+,1\nunknown,2\n"},
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct case_stat_row *r = NULL;
        size_t n = 0;
        store_tx_begin(fresh.store, STORE_TX_WRITE);
        assert_int_equal(case_stats_victims(&fresh.ctx, cases[c].by, cases[c].n, 0, 0, &r, &n), STATUS_OK);
        store_tx_commit(fresh.store);
        char *got = case_stats_csv(cases[c].by, cases[c].n, r, n); /* what the CLI and API print */
        if (strcmp(got, cases[c].golden) != 0) {
            fail_msg("stats by %s:\n--- got\n%s--- want\n%s", cases[c].by[0], got, cases[c].golden);
        }
        free(got);
        case_stats_free(r, n);
    }
    test_env_close(&fresh);
    (void)w;
    (void)op_stats;
}

/* The case access matrix: which roles may read and write cases, by scope and target. */
static const struct {
    const char *role;
    bool read;
    bool write;
} case_perms[] = {
    {"caseworker", true, true},      {"case_supervisor", true, true}, {"investigator", true, false},
    {"prosecutor", true, false},     {"analyst", false, false},       {"national_coordinator", false, false},
    {"fund_manager", false, false},  {"trustee", false, false},       {"auditor", false, false},
    {"administrator", false, false}, {"court_clerk", false, false},   {"grantee", false, false},
};
/* The data-protection permissions (subject-access export, purge), by role. */
static const struct {
    const char *role;
    bool sar;
    bool purge;
} case_protect_perms[] = {
    {"caseworker", false, false},   {"case_supervisor", true, true}, {"investigator", false, false},
    {"prosecutor", false, false},   {"analyst", false, false},       {"national_coordinator", false, false},
    {"fund_manager", false, false}, {"trustee", false, false},       {"auditor", false, false},
    {"administrator", false, true}, {"court_clerk", false, false},   {"grantee", false, false},
};

static void test_cases__protect_matrix(void **state)
{
    (void)state;
    assert_int_equal(ARRAY_LEN(case_protect_perms), auth_builtin_roles_count);
    for (size_t r = 0; r < auth_builtin_roles_count; r++) {
        const struct auth_builtin_role *b = &auth_builtin_roles[r];
        bool sar = false, purge = false, found = false;
        for (size_t i = 0; b->permissions[i]; i++) {
            sar = sar || strcmp(b->permissions[i], "case.sar") == 0;
            purge = purge || strcmp(b->permissions[i], "case.purge") == 0;
        }
        for (size_t k = 0; k < ARRAY_LEN(case_protect_perms); k++) {
            if (strcmp(case_protect_perms[k].role, b->name) == 0) {
                found = true;
                if (sar != case_protect_perms[k].sar || purge != case_protect_perms[k].purge) {
                    fail_msg("role %s: case.sar %d case.purge %d", b->name, sar, purge);
                }
            }
        }
        assert_true(found);
    }
}

static void test_cases__access_matrix(void **state)
{
    struct world *w = *state;
    int64_t own_case_owner = user(w, "matrix-owner", w->agency_a, "caseworker", "own");
    int64_t case_a = make_case(w, own_case_owner, "Matrix", "A");
    int64_t case_b = make_case(w, w->worker_b, "Matrix", "B");
    static const char *const scopes[] = {"own", "agency", "all"};
    int checks = 0;
    for (size_t r = 0; r < ARRAY_LEN(case_perms); r++) {
        for (size_t s = 0; s < 3; s++) {
            char name[64];
            snprintf(name, sizeof name, "cm-%zu-%zu", r, s);
            int64_t uid = user(w, name, w->agency_a, case_perms[r].role, scopes[s]);
            struct test_as a;
            as_user(w, &a, uid);
            const struct {
                int64_t id;
                bool in_scope;
            } targets[] = {{case_a, s >= 1}, {case_b, s == 2}};
            for (size_t t = 0; t < 2; t++) {
                struct op o;
                memset(&o, 0, sizeof o);
                case_record_init(&o.in);
                o.id = targets[t].id;
                enum status st = auth_run(&a.ctx, op_get, &o);
                enum status want = !case_perms[r].read   ? STATUS_DENIED
                                   : targets[t].in_scope ? STATUS_OK
                                                         : STATUS_NOT_FOUND;
                if (st != want) {
                    fail_msg("%s/%s read case %zu: %s, want %s", case_perms[r].role, scopes[s], t, status_name(st),
                             status_name(want));
                }
                int64_t version = st == STATUS_OK ? o.out->version : 1;
                op_clear(&o);
                o.id = targets[t].id;
                o.version = version;
                assert_int_equal(case_value_parse(&o.in, CASE_F_trafficking_status, "ActualVictimOfTrafficking"),
                                 STATUS_OK);
                o.mask = (uint64_t)1 << CASE_F_trafficking_status;
                st = auth_run(&a.ctx, op_update, &o);
                want = !case_perms[r].write ? STATUS_DENIED : targets[t].in_scope ? STATUS_OK : STATUS_NOT_FOUND;
                if (st != want) {
                    fail_msg("%s/%s update case %zu: %s, want %s (%s)", case_perms[r].role, scopes[s], t,
                             status_name(st), status_name(want), err_last());
                }
                op_clear(&o);
                /* Lists show exactly the cases in scope. */
                o.f.limit = PAGE_ROWS_MAX;
                st = auth_run(&a.ctx, op_list, &o);
                if (!case_perms[r].read) {
                    assert_int_equal(st, STATUS_DENIED);
                } else {
                    assert_int_equal(st, STATUS_OK);
                    bool present = false;
                    for (size_t k = 0; k < o.count; k++) {
                        present = present || o.list[k]->id == targets[t].id;
                    }
                    if (present != targets[t].in_scope) {
                        fail_msg("%s/%s list case %zu: present=%d", case_perms[r].role, scopes[s], t, present);
                    }
                }
                op_clear(&o);
                checks += 3;
            }
            auth_principal_clear(&a.p);
        }
    }
    print_message("case access matrix: %d checks\n", checks);
}

static void test_cases__duplicates(void **state)
{
    struct world *w = *state;
    int64_t first = make_case(w, w->supervisor_a, "Ngozi", "Adeyemi");
    int64_t second = make_case(w, w->supervisor_a, "NGOZI", "Adéyemi");     /* same words, same birth date */
    int64_t other = make_case(w, w->supervisor_a, "Chukwuemeka", "Okafor"); /* same birth date only */
    int64_t other_agency = make_case(w, w->worker_b, "Ngozi", "Adeyemi");   /* out of scope */
    struct test_as a;
    as_user(w, &a, w->supervisor_a);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct case_duplicate *d = NULL;
    size_t n = 0;
    assert_int_equal(case_duplicates(&a.ctx, second, &case_scorer_simple, 50, &d, &n), STATUS_OK);
    bool found_first = false;
    for (size_t i = 0; i < n; i++) {
        found_first = found_first || d[i].id == first;
        assert_int_not_equal(d[i].id, other);        /* birth date, gender, citizenship: 0.5 needs names too */
        assert_int_not_equal(d[i].id, other_agency); /* not shown: the supervisor may not open it */
        assert_true(d[i].score >= DEDUP_SCORE_MIN);
    }
    assert_true(found_first);
    assert_true(d[0].score >= 0.99); /* all words, birth date, citizenship, gender */
    free(d);
    store_tx_commit(w->t.store);
    auth_principal_clear(&a.p);
}

static enum status op_merge(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_merge(c, o->id, o->version, o->ev.id, o->mask, &o->out);
}

static int64_t total_victims(struct world *w)
{
    struct test_as a;
    as_user(w, &a, w->analyst);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    const char *by[] = {"gender"};
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(case_stats_victims(&a.ctx, by, 1, 0, INT64_MAX, &rows, &n), STATUS_OK);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += rows[i].count;
    }
    case_stats_free(rows, n);
    store_tx_commit(w->t.store);
    auth_principal_clear(&a.p);
    return total;
}

/* Merging a duplicate: the kept case takes the fields it lacks and the events and comments; the
 * duplicate keeps its history, leaves lists, duplicates and statistics, and refuses changes. */
static void test_cases__merge(void **state)
{
    struct world *w = *state;
    struct test_as a;
    as_user(w, &a, w->supervisor_a);
    struct op o;
    memset(&o, 0, sizeof o);
    case_record_init(&o.in);
    PARSE(&o, given_name, "Folake");
    PARSE(&o, family_name, "Balogun");
    PARSE(&o, gender, "female");
    assert_int_equal(auth_run(&a.ctx, op_create, &o), STATUS_OK);
    int64_t keep = o.out->id;
    op_clear(&o);
    int64_t dup = make_case(w, w->supervisor_a, "Folake", "Balogun"); /* birth date, phone, narrative */
    int64_t other_agency = make_case(w, w->worker_b, "Folake", "Balogun");
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct case_event e = {.type = "Exploitation", .country = "ITA", .date = "2020", .place = "Castel Volturno"};
    assert_int_equal(case_event_add(&a.ctx, dup, &e, NULL), STATUS_OK);
    assert_int_equal(case_comment_add(&a.ctx, dup, "Second interview.", NULL), STATUS_OK);
    struct case_perpetrator perp = {.age = -1, .name = "Recruiter Name", .gender = "Masculine"};
    assert_int_equal(case_perpetrator_add(&a.ctx, dup, &perp, NULL), STATUS_OK);
    struct case_duplicate *d = NULL;
    size_t n = 0;
    assert_int_equal(case_duplicates(&a.ctx, keep, &case_scorer_simple, 50, &d, &n), STATUS_OK);
    assert_true(n >= 1 && d[0].id == dup);
    free(d);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    int64_t before = total_victims(w);

    /* Refused: a caseworker lacks case.merge; a stale version; the case itself; another agency's. */
    struct test_as cw;
    as_user(w, &cw, w->worker_a);
    o.id = keep, o.version = 1, o.ev.id = dup, o.mask = 1;
    assert_int_equal(auth_run(&cw.ctx, op_merge, &o), STATUS_DENIED);
    auth_principal_clear(&cw.p);
    o.mask = 7; /* the duplicate's version is not 7 */
    assert_int_equal(auth_run(&a.ctx, op_merge, &o), STATUS_CONFLICT);
    o.ev.id = keep;
    assert_int_equal(auth_run(&a.ctx, op_merge, &o), STATUS_INVALID);
    o.ev.id = other_agency, o.mask = 1;
    assert_int_equal(auth_run(&a.ctx, op_merge, &o), STATUS_NOT_FOUND);

    o.ev.id = dup;
    o.mask = 1;
    assert_int_equal(auth_run(&a.ctx, op_merge, &o), STATUS_OK);
    struct case_record *k = o.out;
    assert_string_equal(k->v[CASE_F_birth_date].text, "1996-03"); /* taken from the duplicate */
    assert_string_equal(k->v[CASE_F_phone].text, "+234 801 234 5678");
    assert_string_equal(k->v[CASE_F_given_name].text, "Folake"); /* its own */
    assert_int_equal(k->version, 2);
    o.out = NULL;
    case_record_free(k);
    op_clear(&o);

    store_tx_begin(w->t.store, STORE_TX_WRITE);
    struct case_event *ev = NULL;
    assert_int_equal(case_events(&a.ctx, keep, &ev, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].place, "Castel Volturno");
    case_events_free(ev, n);
    struct case_comment *c = NULL;
    assert_int_equal(case_comments(&a.ctx, keep, &c, &n), STATUS_OK);
    assert_int_equal(n, 1);
    case_comments_free(c, n);
    struct case_perpetrator *perps = NULL;
    assert_int_equal(case_perpetrators(&a.ctx, keep, false, &perps, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(perps[0].name, "Recruiter Name");
    case_perpetrators_free(perps, n);
    /* Both histories, newest first: the merge, then the duplicate's and the case's creation. */
    struct case_change *h = NULL;
    assert_int_equal(case_history(&a.ctx, keep, &h, &n), STATUS_OK);
    bool own_create = false, dup_create = false, merge = false, merged = false;
    for (size_t i = 0; i < n; i++) {
        own_create = own_create || (h[i].case_id == keep && strcmp(h[i].action, "create") == 0);
        dup_create = dup_create || (h[i].case_id == dup && strcmp(h[i].action, "create") == 0);
        merged = merged || (h[i].case_id == dup && strcmp(h[i].action, "merged") == 0);
        if (h[i].case_id == keep && strcmp(h[i].action, "merge") == 0) {
            merge = true;
            assert_int_equal(json_integer_value(json_object_get(h[i].changes, "merged_from")), dup);
            assert_string_equal(json_string_value(json_object_get(h[i].changes, "phone")), "changed");
        }
    }
    assert_true(own_create && dup_create && merge && merged);
    case_history_free(h, n);
    struct case_record *m = NULL;
    assert_int_equal(case_get(&a.ctx, dup, &m), STATUS_OK);
    assert_int_equal(m->merged_into, keep);
    assert_string_equal(m->v[CASE_F_given_name].text, "Folake"); /* its own data stays readable */
    case_record_free(m);
    assert_int_equal(case_duplicates(&a.ctx, keep, &case_scorer_simple, 50, &d, &n), STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(d[i].id, dup);
    }
    free(d);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);

    /* The duplicate refuses changes and a second merge; lists and statistics leave it out. */
    o.id = dup, o.version = 2;
    PARSE(&o, gender, "male");
    o.mask = (uint64_t)1 << CASE_F_gender;
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "merged into"));
    op_clear(&o);
    o.id = keep, o.version = 2, o.ev.id = dup, o.mask = 2;
    assert_int_equal(auth_run(&a.ctx, op_merge, &o), STATUS_CONFLICT);
    op_clear(&o);
    o.f.name = "Folake";
    o.f.limit = 50;
    assert_int_equal(auth_run(&a.ctx, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_int_equal(o.list[0]->id, keep);
    op_clear(&o);
    assert_int_equal(total_victims(w), before - 1);

    /* The person's data in both: the subject-access export holds the merged case, and a purge
     * on request of the kept case purges the merged one too. */
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    json_t *sar = NULL;
    assert_int_equal(protect_sar(&a.ctx, keep, &sar), STATUS_OK);
    json_t *mc = json_object_get(sar, "merged_cases");
    assert_int_equal(json_array_size(mc), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(mc, 0), "case"), "id")), dup);
    json_decref(sar);
    assert_int_equal(case_close(&a.ctx, keep, 2, "Closed", NULL), STATUS_OK);
    struct purge_report pr;
    assert_int_equal(protect_purge_case(&a.ctx, keep, &pr), STATUS_OK);
    bool purged_dup = false, purged_perp = false;
    for (size_t i = 0; i < pr.count; i++) {
        purged_dup = purged_dup || pr.items[i].case_id == dup;
        purged_perp = purged_perp || (pr.items[i].case_id == keep &&
                                      strcmp(pr.items[i].record_type, "perpetrators") == 0 && pr.items[i].items == 1);
    }
    assert_true(purged_dup);
    assert_true(purged_perp); /* the case records are purged through the same hooks */
    assert_int_equal(case_perpetrators(&a.ctx, keep, false, &perps, &n), STATUS_OK);
    assert_null(perps[0].name);
    case_perpetrators_free(perps, n);
    purge_report_clear(&pr);
    assert_int_equal(case_get(&a.ctx, dup, &m), STATUS_OK);
    assert_int_equal(m->v[CASE_F_given_name].state, CASE_NOT_COLLECTED);
    case_record_free(m);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_principal_clear(&a.p);
}

static void test_cases__bad_input_names_the_field(void **state)
{
    struct case_record r;
    case_record_init(&r);
    assert_int_equal(case_value_parse(&r, CASE_F_gender, "Robot"), STATUS_INVALID);
    assert_string_equal(err_last_field(), "gender");
    assert_int_equal(case_value_parse(&r, CASE_F_birth_date, "1996-13-01"), STATUS_INVALID);
    assert_int_equal(case_value_parse(&r, CASE_F_age, "200"), STATUS_INVALID);
    assert_int_equal(case_value_parse(&r, CASE_F_exploitation_types, "ForcedLabour;Juggling"), STATUS_INVALID);
    assert_int_equal(case_value_parse(&r, CASE_F_age, "not applicable"), STATUS_OK);
    assert_int_equal(r.v[CASE_F_age].state, CASE_NOT_APPLICABLE);
    assert_int_equal(case_value_parse(&r, CASE_F_perp_exploiter, "yes"), STATUS_OK);
    assert_int_equal(r.v[CASE_F_perp_exploiter].i, 1);
    json_t *j = json_pack("{s:s, s:[s,s], s:{s:s}, s:i}", "gender", "Masculine", "control_methods", "DebtBondage",
                          "WithholdsDocuments", "citizenship", "missing", "unknown", "age_when_trafficked", 15);
    assert_int_equal(case_record_from_json(&r, j, false), STATUS_OK);
    json_t *back = case_record_to_json(&r);
    json_t *f = json_object_get(back, "fields");
    assert_string_equal(json_string_value(json_object_get(f, "gender")), "Masculine");
    assert_int_equal(json_array_size(json_object_get(f, "control_methods")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(f, "citizenship"), "missing")), "unknown");
    assert_null(json_object_get(f, "age")); /* cleared: not collected */
    json_decref(back);
    json_decref(j);
    j = json_pack("{s:s}", "favourite_colour", "blue");
    assert_int_equal(case_record_from_json(&r, j, true), STATUS_INVALID);
    assert_string_equal(err_last_field(), "favourite_colour");
    json_decref(j);
    case_record_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases__bad_input_names_the_field),
        cmocka_unit_test(test_cases__create_read_update_history),
        cmocka_unit_test(test_cases__field_groups_and_scope),
        cmocka_unit_test(test_cases__restricted),
        cmocka_unit_test(test_cases__search_by_name_and_exact_indexes),
        cmocka_unit_test(test_cases__events_comments_close_reopen),
        cmocka_unit_test(test_cases__no_plain_text_at_rest),
        cmocka_unit_test(test_cases__stats_golden),
        cmocka_unit_test(test_cases__access_matrix),
        cmocka_unit_test(test_cases__protect_matrix),
        cmocka_unit_test(test_cases__duplicates),
        cmocka_unit_test(test_cases__merge),
    };
    TEST_RUN_BOTH("cases", tests, setup, teardown);
}
