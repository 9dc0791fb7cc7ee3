/* test_referral: referrals, record sharing and break-the-glass on SQLite and PostgreSQL. A
 * referral without consent is refused, an emergency override for a child is audited; the
 * receiving agency sees only the shared field groups (case, history, events, comments) and
 * writes nothing; a revoked share ends access at once; a transfer moves ownership; break-the-glass
 * access writes its audit entry and the supervisor's task and expires. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/consent.h"
#include "cases/vocab.h"
#include "referral/referral.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t worker_a, sup_a, sup_b, worker_b, worker_b2;
    int64_t provider_b, provider_out;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Sender agency");
    w->agency_b = test_agency(&w->t, "Shelter agency");
    w->worker_a = test_user(&w->t, "worker-a", w->agency_a, "caseworker", "own");
    w->sup_a = test_user(&w->t, "sup-a", w->agency_a, "case_supervisor", "agency");
    w->sup_b = test_user(&w->t, "sup-b", w->agency_b, "case_supervisor", "agency");
    w->worker_b = test_user(&w->t, "worker-b", w->agency_b, "caseworker", "own");
    w->worker_b2 = test_user(&w->t, "worker-b2", w->agency_b, "caseworker", "own");
    struct provider *p = NULL;
    struct provider_input in = {.name = "Safe House B",
                                .agency_id = w->agency_b,
                                .services = "shelter;psychological",
                                .languages = "en,ar",
                                .areas = "NGA",
                                .places_total = 10,
                                .places_free = 3,
                                .active = 1};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(provider_create(&w->t.ctx, &in, &p), STATUS_OK);
    w->provider_b = p->id;
    assert_string_equal(p->languages, "ar;en");
    provider_free(p);
    struct provider_input out = {.name = "Clinic outside",
                                 .agency_id = 0,
                                 .services = "medical",
                                 .active = 1,
                                 .places_total = -1,
                                 .places_free = -1};
    assert_int_equal(provider_create(&w->t.ctx, &out, &p), STATUS_OK);
    w->provider_out = p->id;
    provider_free(p);
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

struct op {
    int64_t id, version, owner;
    struct case_record in;
    struct case_record *out;
    struct referral_input rin;
    struct referral *ref;
    struct referral **refs;
    size_t n;
    struct case_change *hist;
    struct case_event *events;
    struct case_comment *comments;
    struct consent_change ch[1];
    const char *text;
    int64_t minutes;
    bool keep;
    struct glass_result glass;
    uint64_t mask;
};

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
    return case_update(c, o->id, -1 < o->version ? o->version : 1, &o->in, o->mask, &o->out);
}
static enum status op_consent(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return consent_set(c, o->id, o->ch, 1);
}
static enum status op_refer(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_create(c, o->id, &o->rin, &o->ref);
}
static enum status op_accept(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_accept(c, o->id, -1, o->owner);
}
static enum status op_revoke(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_revoke(c, o->id, -1);
}
static enum status op_reject(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_reject(c, o->id, -1, "no_capacity", "full this week");
}
static enum status op_complete(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_complete(c, o->id, -1, o->keep);
}
static enum status op_history(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_history(c, o->id, &o->hist, &o->n);
}
static enum status op_events(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_events(c, o->id, &o->events, &o->n);
}
static enum status op_event_add(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_event e = {.type = "Exploitation",
                           .country = "NGA",
                           .place = (char *)"MARKER-LOCATION-PLACE",
                           .description = (char *)"MARKER-NARRATIVE-EVENT"};
    int64_t id = 0;
    return case_event_add(c, o->id, &e, &id);
}
static enum status op_comments(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_comments(c, o->id, &o->comments, &o->n);
}
static enum status op_comment_add(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    int64_t id = 0;
    return case_comment_add(c, o->id, o->text, &id);
}
static enum status op_box(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_list_box(c, o->text, "", 0, 0, &o->refs, &o->n);
}
static enum status op_glass(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_glass(c, o->id, o->text, o->minutes, &o->glass);
}

static enum status run(struct world *w, int64_t user, auth_op_fn fn, struct op *o)
{
    if (user == 0) {
        return auth_run(&w->t.ctx, fn, o);
    }
    struct test_as as;
    test_as_user(&w->t, &as, user);
    enum status st = auth_run(&as.ctx, fn, o);
    auth_principal_clear(&as.p);
    return st;
}

/* A case of worker A with marker values in identity, contact and narrative; consent to share
 * given when `consent`; age for a child. */
static int64_t make_case(struct world *w, bool consent, int age)
{
    struct op o = {0};
    case_record_init(&o.in);
    assert_int_equal(case_value_parse(&o.in, CASE_F_given_name, "MARKERIDENTITY"), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_phone, "+2348000000001"), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_narrative, "MARKER-NARRATIVE-CASE"), STATUS_OK);
    char num[8];
    snprintf(num, sizeof num, "%d", age);
    assert_int_equal(case_value_parse(&o.in, CASE_F_age, num), STATUS_OK);
    assert_int_equal(run(w, w->worker_a, op_create, &o), STATUS_OK);
    int64_t id = o.out->id;
    case_record_free(o.out);
    case_record_clear(&o.in);
    if (consent) {
        struct op c = {.id = id};
        c.ch[0] = (struct consent_change){CONSENT_DATA_USE, CONSENT_GIVEN, "", NULL};
        assert_int_equal(run(w, w->worker_a, op_consent, &c), STATUS_OK);
    }
    struct op e = {.id = id};
    assert_int_equal(run(w, w->worker_a, op_event_add, &e), STATUS_OK);
    struct op k = {.id = id, .text = "MARKER-NARRATIVE-COMMENT"};
    assert_int_equal(run(w, w->worker_a, op_comment_add, &k), STATUS_OK);
    return id;
}

static int64_t refer(struct world *w, int64_t case_id, const char *kind, const char *groups, enum status want)
{
    struct op o = {.id = case_id};
    o.rin = (struct referral_input){.provider_id = w->provider_b,
                                    .kind = kind,
                                    .services = "shelter",
                                    .groups = groups,
                                    .reason = "needs a safe place tonight"};
    enum status st = run(w, w->worker_a, op_refer, &o);
    assert_int_equal(st, want);
    int64_t id = o.ref ? o.ref->id : 0;
    referral_free(o.ref);
    return id;
}

static bool task_open(struct world *w, const char *key)
{
    struct sql_value a[] = {sqlv_text(key)};
    struct store_rows *r = NULL;
    store_tx_begin(w->t.store, STORE_TX_READ);
    enum status st = store_exec_one(w->t.store, STMT_TASK_OPEN_BY_KEY, a, 1, &r);
    store_rows_free(r);
    store_tx_commit(w->t.store);
    return st == STATUS_OK;
}

/* The audit entries of a record with this action, and whether one's detail contains `needle`. */
static bool audited(struct world *w, const char *type, int64_t id, const char *action, const char *needle)
{
    struct audit_filter f = {.record_type = type, .record_id = id, .limit = AUDIT_SHOW_ROWS_MAX};
    struct audit_entry *e = NULL;
    size_t n = 0;
    store_tx_begin(w->t.store, STORE_TX_READ);
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    store_tx_commit(w->t.store);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        found = found || (strcmp(e[i].action, action) == 0 && strcmp(e[i].outcome, "ok") == 0 &&
                          (needle == NULL || strstr(e[i].detail, needle) != NULL));
    }
    audit_entries_free(e, n);
    return found;
}

static void test_referral__consent_and_override(void **state)
{
    struct world *w = *state;
    /* An adult without consent: refused, with or without an override. */
    int64_t adult = make_case(w, false, 30);
    refer(w, adult, NULL, "narrative", STATUS_CONFLICT);
    struct op o = {.id = adult};
    o.rin = (struct referral_input){.provider_id = w->provider_b,
                                    .services = "shelter",
                                    .groups = "narrative",
                                    .basis = "child_emergency_override",
                                    .override_reason = "the person is in danger tonight"};
    assert_int_equal(run(w, w->worker_a, op_refer, &o), STATUS_CONFLICT);
    assert_false(audited(w, "case", adult, "referral.override", NULL));
    /* A child without consent: the override needs a reason, then passes and is audited. */
    int64_t child = make_case(w, false, 16);
    o = (struct op){.id = child};
    o.rin = (struct referral_input){.provider_id = w->provider_b,
                                    .services = "shelter",
                                    .groups = "narrative",
                                    .basis = "child_emergency_override"};
    assert_int_equal(run(w, w->worker_a, op_refer, &o), STATUS_INVALID);
    o.rin.override_reason = "unaccompanied child found at the border at night";
    assert_int_equal(run(w, w->worker_a, op_refer, &o), STATUS_OK);
    assert_string_equal(o.ref->basis, "child_emergency_override");
    assert_string_equal(o.ref->override_reason, "unaccompanied child found at the border at night");
    char needle[48];
    snprintf(needle, sizeof needle, "referral %lld", (long long)o.ref->id);
    assert_true(audited(w, "case", child, "referral.override", needle));
    /* The task for the receiving agency's queue. */
    char key[64];
    snprintf(key, sizeof key, "referral_unanswered:%lld", (long long)o.ref->id);
    assert_true(task_open(w, key));
    referral_free(o.ref);
    /* With consent: no override needed. */
    int64_t given = make_case(w, true, 30);
    assert_true(refer(w, given, NULL, "narrative", STATUS_OK) > 0);
    /* One shares only groups one may read; an unknown group is refused. */
    refer(w, given, NULL, "narrative;secrets", STATUS_INVALID);
}

static void test_referral__receiver_sees_only_shared_groups(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, true, 30);
    /* Before any referral the other agency cannot reach the case. */
    struct op g = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_NOT_FOUND);
    int64_t ref = refer(w, id, NULL, "narrative", STATUS_OK);
    /* The case: narrative open, identity and contact withheld. */
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_OK);
    assert_string_equal(g.out->v[CASE_F_narrative].text, "MARKER-NARRATIVE-CASE");
    assert_null(g.out->v[CASE_F_given_name].text);
    assert_true(g.out->withheld[CASE_F_given_name]);
    assert_null(g.out->v[CASE_F_phone].text);
    case_record_free(g.out);
    char via[48];
    snprintf(via, sizeof via, "via referral %lld", (long long)ref);
    assert_true(audited(w, "case", id, "case.read", via));
    /* Events: the description (narrative) shown, the place (location) withheld. */
    struct op e = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_events, &e), STATUS_OK);
    assert_int_equal(e.n, 1);
    assert_null(e.events[0].place);
    assert_string_equal(e.events[0].description, "MARKER-NARRATIVE-EVENT");
    case_events_free(e.events, e.n);
    /* Comments (narrative) shown. */
    struct op c = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_comments, &c), STATUS_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.comments[0].body, "MARKER-NARRATIVE-COMMENT");
    case_comments_free(c.comments, c.n);
    /* History: changes of identity fields are withheld. */
    struct op h = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_history, &h), STATUS_OK);
    for (size_t i = 0; i < h.n; i++) {
        json_t *gn = json_object_get(h.hist[i].changes, "given_name");
        if (gn != NULL) {
            assert_string_equal(json_string_value(gn), "withheld");
        }
    }
    case_history_free(h.hist, h.n);
    /* Read-only: no change through the share. */
    struct op u = {.id = id, .version = -1};
    case_record_init(&u.in);
    assert_int_equal(case_value_parse(&u.in, CASE_F_narrative, "changed"), STATUS_OK);
    u.mask = 1ull << CASE_F_narrative;
    assert_int_not_equal(run(w, w->sup_b, op_update, &u), STATUS_OK);
    case_record_clear(&u.in);
    /* A caseworker of the receiving agency (scope own) reaches it only once named on acceptance. */
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_NOT_FOUND);
    struct op b = {.text = "received"};
    assert_int_equal(run(w, w->sup_b, op_box, &b), STATUS_OK);
    bool listed = false;
    for (size_t i = 0; i < b.n; i++) {
        listed = listed || b.refs[i]->id == ref;
    }
    assert_true(listed);
    referral_list_free(b.refs, b.n);
    struct op a = {.id = ref, .owner = w->worker_b};
    assert_int_equal(run(w, w->sup_b, op_accept, &a), STATUS_OK);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_OK);
    assert_null(g.out->v[CASE_F_given_name].text);
    case_record_free(g.out);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b2, op_get, &g), STATUS_NOT_FOUND);
    char key[64];
    snprintf(key, sizeof key, "referral_unanswered:%lld", (long long)ref);
    assert_false(task_open(w, key));
    /* Completion ends the share (the receiver may not keep it on). */
    struct op k = {.id = ref, .keep = true};
    assert_int_equal(run(w, w->sup_b, op_complete, &k), STATUS_DENIED);
    k.keep = false;
    assert_int_equal(run(w, w->sup_b, op_complete, &k), STATUS_OK);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_NOT_FOUND);
}

static void test_referral__revoke_and_reject_end_access(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, true, 30);
    int64_t ref = refer(w, id, NULL, "identity,narrative", STATUS_OK);
    struct op g = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_OK);
    assert_string_equal(g.out->v[CASE_F_given_name].text, "MARKERIDENTITY");
    case_record_free(g.out);
    /* The receiver cannot revoke; the sender can, and access ends at once. */
    struct op r = {.id = ref};
    assert_int_equal(run(w, w->sup_b, op_revoke, &r), STATUS_DENIED);
    assert_int_equal(run(w, w->worker_a, op_revoke, &r), STATUS_OK);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_NOT_FOUND);
    /* Rejection ends it too, and the sender cannot answer its own referral. */
    ref = refer(w, id, NULL, "narrative", STATUS_OK);
    r = (struct op){.id = ref};
    assert_int_equal(run(w, w->worker_a, op_reject, &r), STATUS_DENIED);
    assert_int_equal(run(w, w->sup_b, op_reject, &r), STATUS_OK);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_NOT_FOUND);
    assert_int_equal(run(w, w->sup_b, op_accept, &r), STATUS_CONFLICT);
}

static void test_referral__transfer_moves_ownership(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, true, 30);
    int64_t ref = refer(w, id, "transfer", "identity,contact,narrative,legal,health,location", STATUS_OK);
    struct op a = {.id = ref};
    assert_int_equal(run(w, w->sup_b, op_accept, &a), STATUS_OK);
    struct op g = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_OK);
    assert_int_equal(g.out->agency_id, w->agency_b);
    assert_int_equal(g.out->owner_id, w->sup_b);
    case_record_free(g.out);
    /* Now the receiver's own: it may change it; the sender keeps nothing. */
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_a, op_get, &g), STATUS_NOT_FOUND);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->sup_a, op_get, &g), STATUS_NOT_FOUND);
    struct op rv = {.id = ref};
    assert_int_equal(run(w, w->worker_a, op_revoke, &rv), STATUS_CONFLICT);
    struct op h = {.id = id};
    assert_int_equal(run(w, w->sup_b, op_history, &h), STATUS_OK);
    assert_string_equal(h.hist[0].action, "transfer");
    case_history_free(h.hist, h.n);
}

static void test_referral__break_glass(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, true, 30);
    struct op g = {.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_NOT_FOUND);
    struct op x = {.id = id, .text = "too short", .minutes = 30};
    assert_int_equal(run(w, w->worker_b, op_glass, &x), STATUS_INVALID);
    x.text = "victim at the hospital, owner unreachable";
    x.minutes = GLASS_MINUTES_MAX + 1;
    assert_int_equal(run(w, w->worker_b, op_glass, &x), STATUS_INVALID);
    x.minutes = 30;
    assert_int_equal(run(w, w->worker_b, op_glass, &x), STATUS_OK);
    assert_true(x.glass.opened);
    /* Audited without the reason; the supervisor of the case's agency has a task. */
    assert_true(audited(w, "case", id, "case.glass", "minutes=30"));
    assert_false(audited(w, "case", id, "case.glass", "hospital"));
    char key[96];
    snprintf(key, sizeof key, "glass_notice:%lld:%lld", (long long)x.glass.access_id, (long long)w->sup_a);
    assert_true(task_open(w, key));
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_OK);
    assert_string_equal(g.out->v[CASE_F_given_name].text, "MARKERIDENTITY");
    case_record_free(g.out);
    char via[64];
    snprintf(via, sizeof via, "via break-the-glass %lld", (long long)x.glass.access_id);
    assert_true(audited(w, "case", id, "case.read", via));
    /* Reading only. */
    struct op u = {.id = id, .version = -1};
    case_record_init(&u.in);
    assert_int_equal(case_value_parse(&u.in, CASE_F_narrative, "changed"), STATUS_OK);
    u.mask = 1ull << CASE_F_narrative;
    assert_int_not_equal(run(w, w->worker_b, op_update, &u), STATUS_OK);
    case_record_clear(&u.in);
    /* Within reach already, or no such case: nothing opened. */
    struct op y = {.id = id, .text = "victim at the hospital, owner unreachable"};
    assert_int_equal(run(w, w->worker_a, op_glass, &y), STATUS_OK);
    assert_false(y.glass.opened);
    y.id = 999999999;
    assert_int_equal(run(w, w->worker_b, op_glass, &y), STATUS_OK);
    assert_false(y.glass.opened);
    /* It expires. */
    util_clock_offset_set(31 * 60 * 1000);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->worker_b, op_get, &g), STATUS_NOT_FOUND);
    util_clock_offset_set(0);
    /* Without case.glass: refused. */
    int64_t analyst = test_user(&w->t, "analyst-b", w->agency_b, "analyst", "all");
    assert_int_equal(run(w, analyst, op_glass, &x), STATUS_DENIED);
}

static enum status op_purge(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    int64_t items = 0;
    enum status st = referral_purge_case(c, o->id, &items);
    o->n = (size_t)items;
    return st;
}
static enum status op_sar(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    json_t *j = NULL;
    enum status st = referral_sar_json(c, o->id, &j);
    o->mask = j != NULL;
    json_decref(j);
    return st;
}
static enum status op_ref_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return referral_get(c, o->owner, &o->ref);
}

/* The purge hook clears the referral texts and ends the shares; the SAR hook lists them. */
static void test_referral__purge_and_sar_hooks(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, true, 30);
    int64_t ref = refer(w, id, NULL, "narrative", STATUS_OK);
    struct op x = {.id = id};
    assert_int_equal(run(w, 0, op_sar, &x), STATUS_OK);
    assert_true(x.mask);
    assert_int_equal(run(w, 0, op_purge, &x), STATUS_OK);
    assert_int_equal(x.n, 2); /* the referral's texts and its share */
    struct op g = {.owner = ref};
    assert_int_equal(run(w, 0, op_ref_get, &g), STATUS_OK);
    assert_null(g.ref->reason);
    referral_free(g.ref);
    g = (struct op){.id = id};
    assert_int_equal(run(w, w->sup_b, op_get, &g), STATUS_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_referral__consent_and_override),
        cmocka_unit_test(test_referral__receiver_sees_only_shared_groups),
        cmocka_unit_test(test_referral__revoke_and_reject_end_access),
        cmocka_unit_test(test_referral__transfer_moves_ownership),
        cmocka_unit_test(test_referral__break_glass),
        cmocka_unit_test(test_referral__purge_and_sar_hooks),
    };
    TEST_RUN_BOTH("referral", tests, setup, teardown);
}
