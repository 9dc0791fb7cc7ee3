/* test_protect: the data-protection rights of the case registry on SQLite and PostgreSQL:
 * consent items with their history; each withdrawal's effect (updates refused, left out of
 * statistics, left out of personal exports, sharing refused); retention purges removing exactly
 * the records past their period while statistics still count them, the dry run changing
 * nothing, the audit chain intact and naming no personal data; purge on request; the
 * subject-access export and its permission. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/consent.h"
#include "cases/export.h"
#include "cases/records.h"
#include "cases/protect.h"
#include "cases/vocab.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a;
    int64_t supervisor, worker, admin;
};

static int64_t user(struct world *w, const char *name, const char *role, const char *scope)
{
    return test_user(&w->t, name, w->agency_a, role, scope);
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    struct auth_agency *a = NULL;
    struct auth_agency_input in = {"Agency A", "NGO", "NGA", -1};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_agency_create(&w->t.ctx, &in, &a), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    w->agency_a = a->id;
    auth_agency_free(a);
    w->supervisor = user(w, "sup", "case_supervisor", "agency");
    w->worker = user(w, "worker", "caseworker", "own");
    w->admin = user(w, "admin-a", "administrator", "agency");
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

static void as_user(struct world *w, struct test_as *a, int64_t id)
{
    test_as_user(&w->t, a, id);
}

/* Operations through auth_run. */
struct op {
    int64_t id, version;
    struct case_record in;
    struct case_record *out;
    uint64_t mask;
    struct consent_change ch[4];
    size_t nch;
    struct consent_list cl;
    struct purge_report rep;
    bool dry;
    json_t *sar;
    const char *by[1];
    struct case_stat_row *rows;
    size_t nrows;
    const char *text;
    int64_t new_id;
    enum case_use use;
};

static enum status op_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_create(c, &o->in, &o->out);
}
static enum status op_update(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_update(c, o->id, o->version, &o->in, o->mask, &o->out);
}
static enum status op_consent_set(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return consent_set(c, o->id, o->ch, o->nch);
}
static enum status op_consent_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return consent_get(c, o->id, &o->cl);
}
static enum status op_close(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_close(c, o->id, o->version, "Closed", NULL);
}
static enum status op_comment(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_comment_add(c, o->id, o->text, &o->new_id);
}
static enum status op_event(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_event e = {.type = "Exploitation", .country = "NGA", .place = (char *)"Lagos warehouse 9"};
    return case_event_add(c, o->id, &e, &o->new_id);
}
static enum status op_stats(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    o->by[0] = "gender";
    return case_stats_victims(c, o->by, 1, 0, 0, &o->rows, &o->nrows);
}
static enum status op_purge_due(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return protect_purge_due(c, o->dry, &o->rep);
}
static enum status op_purge_case(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return protect_purge_case(c, o->id, &o->rep);
}
static enum status op_sar(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return protect_sar(c, o->id, &o->sar);
}
static enum status op_share(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_consent_check(c, o->id, o->use);
}
static enum status op_retention(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return retention_set(c, o->text, o->by[0]);
}

static int64_t make_case(struct world *w, const char *given, const char *family, const char *gender)
{
    struct test_as a;
    as_user(w, &a, w->supervisor);
    struct op o = {0};
    case_record_init(&o.in);
    assert_int_equal(case_value_parse(&o.in, CASE_F_given_name, given), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_family_name, family), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_gender, gender), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_phone, "+234 803 555 0101"), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_narrative, "She was recruited at the market"), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_incoming_referral_details, "Sent by the labour inspectorate"),
                     STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_outgoing_referral_details, "Referred to the shelter"), STATUS_OK);
    if (auth_run(&a.ctx, op_create, &o) != STATUS_OK) {
        fail_msg("create: %s", err_last());
    }
    int64_t id = o.out->id;
    case_record_free(o.out);
    case_record_clear(&o.in);
    auth_principal_clear(&a.p);
    return id;
}

static void consent(struct world *w, int64_t id, const char *items)
{
    struct test_as a;
    as_user(w, &a, w->supervisor);
    struct op o = {.id = id};
    char buf[200];
    snprintf(buf, sizeof buf, "%s", items);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        assert_int_equal(consent_item_parse(t, &o.ch[o.nch].item), STATUS_OK);
        assert_int_equal(consent_state_parse(eq + 1, &o.ch[o.nch].state), STATUS_OK);
        o.nch++;
    }
    if (auth_run(&a.ctx, op_consent_set, &o) != STATUS_OK) {
        fail_msg("consent: %s", err_last());
    }
    auth_principal_clear(&a.p);
}

static int64_t count_gender(struct world *w, const char *gender)
{
    struct test_as a;
    auth_principal_operator(&a.p);
    a.ctx = (struct auth_ctx){w->t.store, w->t.vault, &a.p, "test"};
    struct op o = {0};
    assert_int_equal(auth_run(&a.ctx, op_stats, &o), STATUS_OK);
    int64_t n = 0;
    for (size_t i = 0; i < o.nrows; i++) {
        if (strcmp(o.rows[i].keys[0], gender) == 0) {
            n = o.rows[i].count;
        }
    }
    case_stats_free(o.rows, o.nrows);
    return n;
}

static int64_t version_of(struct world *w, int64_t id)
{
    struct case_record *r = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_get(&w->t.ctx, id, &r), STATUS_OK);
    store_tx_commit(w->t.store);
    int64_t v = r->version;
    case_record_free(r);
    return v;
}

static void test_protect__consent_history(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "Amina", "Bello", "Feminine");
    consent(w, id, "interview=given,purpose=given,data_use=given,research=given");
    consent(w, id, "research=withdrawn");
    consent(w, id, "research=given");
    struct test_as a;
    as_user(w, &a, w->supervisor);
    struct op o = {.id = id};
    assert_int_equal(auth_run(&a.ctx, op_consent_get, &o), STATUS_OK);
    assert_int_equal(o.cl.count, 6); /* every change kept */
    assert_int_equal(o.cl.current[CONSENT_RESEARCH].state, CONSENT_GIVEN);
    assert_int_equal(o.cl.current[CONSENT_RIGHTS].state, CONSENT_NOT_ASKED);
    assert_int_equal(o.cl.history[4].state, CONSENT_WITHDRAWN);
    assert_string_equal(o.cl.history[4].actor, "sup");
    assert_true(case_consent_allows(o.cl.flags, CASE_USE_SHARE));
    consent_list_clear(&o.cl);
    /* The same state again records nothing. */
    consent(w, id, "research=given");
    assert_int_equal(auth_run(&a.ctx, op_consent_get, &o), STATUS_OK);
    assert_int_equal(o.cl.count, 6);
    consent_list_clear(&o.cl);
    /* A caseworker out of scope cannot read it (absent). */
    struct test_as wk;
    as_user(w, &wk, w->worker);
    assert_int_equal(auth_run(&wk.ctx, op_consent_get, &o), STATUS_NOT_FOUND);
    auth_principal_clear(&wk.p);
    auth_principal_clear(&a.p);
}

static enum status op_perpetrator(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_perpetrator in = {.age = -1, .gender = "Masculine"};
    return case_perpetrator_add(c, o->id, &in, NULL);
}

static void test_protect__withdrawal_effects(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "Chiamaka", "Obi", "TransgenderFeminine");
    consent(w, id, "interview=given,data_use=given,research=given");
    assert_int_equal(count_gender(w, "TransgenderFeminine"), 1);
    struct test_as a;
    as_user(w, &a, w->supervisor);
    struct op o = {.id = id, .use = CASE_USE_SHARE};
    assert_int_equal(auth_run(&a.ctx, op_share, &o), STATUS_OK);

    /* Research withdrawn: out of statistics, out of exports without personal fields. */
    consent(w, id, "research=withdrawn");
    assert_int_equal(count_gender(w, "TransgenderFeminine"), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(case_export(&a.ctx, "htcds-csv", f, NULL, NULL), STATUS_OK);
    fclose(f);
    assert_null(strstr(buf, "TransgenderFeminine"));
    free(buf);
    /* ... and out of the k-anonymised CTDC release (k = 1 keeps every case released). */
    int64_t without = -1, with = -1;
    struct case_export_options ko = {.k = 1};
    f = open_memstream(&buf, &len);
    assert_int_equal(case_export(&a.ctx, "ctdc-kanon", f, &ko, &without), STATUS_OK);
    fclose(f);
    free(buf);
    consent(w, id, "research=given");
    f = open_memstream(&buf, &len);
    assert_int_equal(case_export(&a.ctx, "ctdc-kanon", f, &ko, &with), STATUS_OK);
    fclose(f);
    free(buf);
    assert_int_equal(with, without + 1);
    consent(w, id, "research=withdrawn");

    /* Data use withdrawn: updates, events and comments refused naming the consent; sharing
     * refused; out of personal exports; consent changes and closing still allowed. */
    consent(w, id, "data_use=withdrawn,research=given");
    assert_int_equal(count_gender(w, "TransgenderFeminine"), 1);
    case_record_init(&o.in);
    o.version = version_of(w, id);
    assert_int_equal(case_value_parse(&o.in, CASE_F_trafficking_status, "ActualVictimOfTrafficking"), STATUS_OK);
    o.mask = (uint64_t)1 << CASE_F_trafficking_status;
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "data_use"));
    case_record_clear(&o.in);
    o.text = "a comment";
    assert_int_equal(auth_run(&a.ctx, op_comment, &o), STATUS_CONFLICT);
    assert_int_equal(auth_run(&a.ctx, op_event, &o), STATUS_CONFLICT);
    assert_int_equal(auth_run(&a.ctx, op_perpetrator, &o), STATUS_CONFLICT); /* records too */
    assert_non_null(strstr(err_last(), "data_use"));
    o.use = CASE_USE_SHARE;
    assert_int_equal(auth_run(&a.ctx, op_share, &o), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "data_use"));
    buf = NULL;
    f = open_memstream(&buf, &len);
    struct case_export_options eo = {.with_personal = true};
    assert_int_equal(case_export(&a.ctx, "htcds-csv", f, &eo, NULL), STATUS_OK);
    fclose(f);
    assert_null(strstr(buf, "Chiamaka"));
    free(buf);
    o.version = version_of(w, id);
    assert_int_equal(auth_run(&a.ctx, op_close, &o), STATUS_OK);

    /* Interview withdrawn alone also stops processing, but not sharing consent given. */
    int64_t id2 = make_case(w, "Efe", "Okon", "Masculine");
    consent(w, id2, "interview=withdrawn,data_use=given");
    struct op o2 = {.id = id2, .text = "x"};
    assert_int_equal(auth_run(&a.ctx, op_comment, &o2), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "interview"));
    o2.use = CASE_USE_SHARE;
    assert_int_equal(auth_run(&a.ctx, op_share, &o2), STATUS_OK);
    /* Not asked: no restriction on processing, but no sharing either. */
    int64_t id3 = make_case(w, "Ada", "Eze", "Feminine");
    struct op o3 = {.id = id3, .text = "ok", .use = CASE_USE_SHARE};
    assert_int_equal(auth_run(&a.ctx, op_comment, &o3), STATUS_OK);
    assert_int_equal(auth_run(&a.ctx, op_share, &o3), STATUS_CONFLICT);
    auth_principal_clear(&a.p);
}

/* True when needle occurs in the file's bytes. */
static bool file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return false;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = xcalloc(1, (size_t)n + 1);
    bool found = fread(b, 1, (size_t)n, f) == (size_t)n && memmem(b, (size_t)n, needle, strlen(needle)) != NULL;
    fclose(f);
    free(b);
    return found;
}

static void test_protect__retention_purge(void **state)
{
    struct world *w = *state;
    int64_t old = make_case(w, "Oluwaseun", "Purgeme", "NonConforming");
    int64_t recent = make_case(w, "Ifeoma", "Keepme", "NonConforming");
    int64_t active = make_case(w, "Ngozi", "Activecase", "NonConforming");
    struct test_as a;
    as_user(w, &a, w->supervisor);
    struct op o = {.id = old, .text = "old comment"};
    assert_int_equal(auth_run(&a.ctx, op_comment, &o), STATUS_OK);
    assert_int_equal(auth_run(&a.ctx, op_event, &o), STATUS_OK);
    o.version = version_of(w, old);
    assert_int_equal(auth_run(&a.ctx, op_close, &o), STATUS_OK);
    /* Six years later the recent one closes; the active one stays active. */
    util_clock_offset_set((int64_t)6 * 366 * 86400 * 1000);
    o.id = recent;
    o.version = version_of(w, recent);
    assert_int_equal(auth_run(&a.ctx, op_close, &o), STATUS_OK);
    util_clock_offset_set((int64_t)7 * 366 * 86400 * 1000);
    assert_int_equal(count_gender(w, "NonConforming"), 3);

    /* A caseworker may not set periods; the supervisor may. */
    struct test_as wk;
    as_user(w, &wk, w->worker);
    o.text = "case-personal";
    o.by[0] = "5y";
    assert_int_equal(auth_run(&wk.ctx, op_retention, &o), STATUS_DENIED);
    auth_principal_clear(&wk.p);
    o.by[0] = "5 years";
    assert_int_equal(auth_run(&a.ctx, op_retention, &o), STATUS_INVALID);
    const char *types[] = {"case-personal", "comments", "events"};
    for (size_t i = 0; i < 3; i++) {
        o.text = types[i];
        o.by[0] = "5y";
        assert_int_equal(auth_run(&a.ctx, op_retention, &o), STATUS_OK);
    }

    /* Dry run: lists the old case only, changes nothing. */
    struct audit_verify_result vr;
    int64_t v_before = version_of(w, old);
    o.dry = true;
    assert_int_equal(auth_run(&a.ctx, op_purge_due, &o), STATUS_OK);
    assert_int_equal(o.rep.cases, 1);
    assert_int_equal(o.rep.count, 3);
    assert_int_equal(o.rep.items[0].case_id, old);
    purge_report_clear(&o.rep);
    assert_int_equal(version_of(w, old), v_before);

    /* The purge. */
    o.dry = false;
    assert_int_equal(auth_run(&a.ctx, op_purge_due, &o), STATUS_OK);
    assert_int_equal(o.rep.cases, 1);
    purge_report_clear(&o.rep);
    /* Again: nothing more is due. */
    assert_int_equal(auth_run(&a.ctx, op_purge_due, &o), STATUS_OK);
    assert_int_equal(o.rep.count, 0);
    purge_report_clear(&o.rep);

    struct case_record *r = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(case_get(&w->t.ctx, old, &r), STATUS_OK);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (case_field_sealed((enum case_field_id)f)) {
            assert_int_equal(r->v[f].state, CASE_NOT_COLLECTED);
        }
    }
    assert_string_equal(r->v[CASE_F_gender].text, "NonConforming"); /* the statistical record stays */
    case_record_free(r);
    struct sql_value key_of[] = {SQLV_I64(old)};
    struct store_rows *kr = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_CASE_NAME_KEY_GET, key_of, 1, &kr), STATUS_NOT_FOUND);
    store_rows_free(kr);
    struct case_comment *cm = NULL;
    size_t n = 0;
    assert_int_equal(case_comments(&w->t.ctx, old, &cm, &n), STATUS_OK);
    assert_int_equal(n, 0);
    case_comments_free(cm, n);
    struct case_event *ev = NULL;
    assert_int_equal(case_events(&w->t.ctx, old, &ev, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_null(ev[0].place);
    assert_string_equal(ev[0].country, "NGA");
    case_events_free(ev, n);
    /* The others keep their data. */
    assert_int_equal(case_get(&w->t.ctx, recent, &r), STATUS_OK);
    assert_string_equal(r->v[CASE_F_given_name].text, "Ifeoma");
    case_record_free(r);
    assert_int_equal(case_get(&w->t.ctx, active, &r), STATUS_OK);
    assert_string_equal(r->v[CASE_F_given_name].text, "Ngozi");
    case_record_free(r);
    store_tx_commit(w->t.store);
    assert_int_equal(count_gender(w, "NonConforming"), 3);

    /* The audit chain verifies; purge entries name the case and the kinds of data only. */
    assert_int_equal(audit_verify(w->t.store, w->t.vault, &vr), STATUS_OK);
    struct audit_entry *e = NULL;
    struct audit_filter af = {.record_type = "case", .record_id = old, .limit = 1000};
    assert_int_equal(audit_list(&e, &n, w->t.store, &af), STATUS_OK);
    int purges = 0;
    for (size_t i = 0; i < n; i++) {
        purges += strcmp(e[i].action, "case.purge") == 0;
        assert_null(strstr(e[i].detail, "Oluwaseun"));
        assert_null(strstr(e[i].detail, "Purgeme"));
    }
    assert_int_equal(purges, 3);
    audit_entries_free(e, n);

    /* SQLite: the plain text is nowhere in the file. */
    if (w->t.pg_name[0] == '\0') {
        store_close(w->t.store);
        char wal[700];
        snprintf(wal, sizeof wal, "%s-wal", w->t.db);
        assert_false(file_has(w->t.db, "Purgeme"));
        assert_false(file_has(wal, "Purgeme"));
        assert_false(file_has(w->t.db, "Oluwaseun"));
        assert_int_equal(store_open(&w->t.store, w->t.db), STATUS_OK);
        vault_close(w->t.vault);
        assert_int_equal(vault_open(&w->t.vault, w->t.key, w->t.store), STATUS_OK);
        w->t.ctx.store = w->t.store;
        w->t.ctx.vault = w->t.vault;
    }
    util_clock_offset_set(0);
    auth_principal_clear(&a.p);
}

static void test_protect__purge_on_request_and_sar(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "Blessing", "Forgetme", "Feminine");
    consent(w, id, "interview=given,rights=given");
    struct test_as sup, wk, adm;
    as_user(w, &sup, w->supervisor);
    as_user(w, &wk, w->worker);
    as_user(w, &adm, w->admin);
    struct op o = {.id = id};

    /* SAR: denied without case.sar (caseworker, administrator); whole for the supervisor. */
    assert_int_equal(auth_run(&wk.ctx, op_sar, &o), STATUS_DENIED);
    assert_int_equal(auth_run(&adm.ctx, op_sar, &o), STATUS_DENIED);
    assert_int_equal(auth_run(&sup.ctx, op_sar, &o), STATUS_OK);
    json_t *fields = json_object_get(json_object_get(o.sar, "case"), "fields");
    assert_string_equal(json_string_value(json_object_get(fields, "given_name")), "Blessing");
    assert_string_equal(json_string_value(json_object_get(fields, "phone")), "+234 803 555 0101");
    json_t *hist = json_object_get(json_object_get(o.sar, "consent"), "history");
    assert_int_equal(json_array_size(hist), 2);
    json_t *audit = json_object_get(o.sar, "audit");
    assert_true(json_array_size(audit) >= 3);
    bool sar_audited = false;
    size_t i;
    json_t *x;
    json_array_foreach(audit, i, x)
    {
        sar_audited = sar_audited || strcmp(json_string_value(json_object_get(x, "action")), "case.sar") == 0;
    }
    assert_true(sar_audited);
    assert_non_null(json_object_get(o.sar, "history"));
    json_decref(o.sar);
    o.sar = NULL;

    /* Purge on request: an active case must be closed first; the caseworker may not. */
    assert_int_equal(auth_run(&sup.ctx, op_purge_case, &o), STATUS_CONFLICT);
    o.version = version_of(w, id);
    assert_int_equal(auth_run(&sup.ctx, op_close, &o), STATUS_OK);
    assert_int_equal(auth_run(&wk.ctx, op_purge_case, &o), STATUS_DENIED);
    int64_t before = count_gender(w, "Feminine");
    assert_int_equal(auth_run(&adm.ctx, op_purge_case, &o), STATUS_OK); /* administrators hold case.purge */
    assert_int_equal(o.rep.count, protect_hooks_count);
    purge_report_clear(&o.rep);
    assert_int_equal(count_gender(w, "Feminine"), before);
    assert_int_equal(auth_run(&sup.ctx, op_sar, &o), STATUS_OK);
    fields = json_object_get(json_object_get(o.sar, "case"), "fields");
    assert_null(json_object_get(fields, "given_name"));
    assert_int_equal(json_array_size(json_object_get(o.sar, "purges")), protect_hooks_count);
    json_decref(o.sar);
    auth_principal_clear(&sup.p);
    auth_principal_clear(&wk.p);
    auth_principal_clear(&adm.p);
}

static void test_protect__periods(void **state)
{
    (void)state;
    assert_int_equal(retention_period_check("5y"), STATUS_OK);
    assert_int_equal(retention_period_check("18m"), STATUS_OK);
    assert_int_equal(retention_period_check("400d"), STATUS_OK);
    assert_int_equal(retention_period_check("never"), STATUS_OK);
    assert_int_equal(retention_period_check("0y"), STATUS_INVALID);
    assert_int_equal(retention_period_check("101y"), STATUS_INVALID);
    assert_int_equal(retention_period_check("y"), STATUS_INVALID);
    int64_t now = 1773014400000; /* 2026-03-09T00:00:00Z */
    char t[32];
    util_time_iso(t, retention_cutoff("5y", now));
    assert_string_equal(t, "2021-03-09T00:00:00.000Z");
    util_time_iso(t, retention_cutoff("3m", now));
    assert_string_equal(t, "2025-12-09T00:00:00.000Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protect__periods),
        cmocka_unit_test(test_protect__retention_purge), /* first: no other closed case is due */
        cmocka_unit_test(test_protect__consent_history),
        cmocka_unit_test(test_protect__withdrawal_effects),
        cmocka_unit_test(test_protect__purge_on_request_and_sar),
    };
    TEST_RUN_BOTH("protect", tests, setup, teardown);
}
