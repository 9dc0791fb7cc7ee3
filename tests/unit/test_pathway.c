/* test_pathway: the referral pathway (src/referral/pathway.h) and the children's safeguards
 * (src/referral/child.h) on SQLite and PostgreSQL: the transition graph and illegal moves; a full
 * adult path with the facts each stage needs and the case's HTCDS status; the reflection period's
 * end raising task reflection_ending (due = end - lead days) and its extension re-raising it; the
 * not-a-victim exit; country settings (minimum 30 days, permission pathway.settings); a child's case
 * refused return without a best-interests determination recommending return, and let through with
 * one; the presumption of minority and its lifting; stale versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/consent.h"
#include "cases/records.h"
#include "cases/vocab.h"
#include "referral/child.h"
#include "referral/pathway.h"
#include "tasks/tasks.h"
#include "testlib.h"

#define DAY_MS ((int64_t)86400000)

struct world {
    struct test_env t;
    int64_t agency, worker, coordinator, investigator;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency = test_agency(&w->t, "Agency A"); /* country NGA */
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "agency");
    w->coordinator = test_user(&w->t, "coordinator", w->agency, "national_coordinator", "all");
    w->investigator = test_user(&w->t, "investigator", w->agency, "investigator", "agency");
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

/* One operation's arguments and results. */
struct op {
    int64_t case_id, version, id;
    const char *age;
    struct pathway_move move;
    struct pathway_not_victim nv;
    struct pathway *p;
    struct pathway_reflection refl;
    struct child_flags flags;
    struct child_info *child;
    struct case_record *rec;
    const char *s1, *s2, *s3, *s4;
    int days, lead;
    bool b;
};

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

#define OPFN(name, expr)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        (void)o;                                                                                                       \
        return (expr);                                                                                                 \
    }
OPFN(op_get, pathway_get(c, o->case_id, &o->p))
OPFN(op_move, pathway_move(c, o->case_id, o->version, &o->move))
OPFN(op_not_victim, pathway_not_victim(c, o->case_id, o->version, &o->nv))
OPFN(op_extend, pathway_reflection_extend(c, o->case_id, o->version, o->days, o->s1))
OPFN(op_refl, pathway_reflection_get(c, o->case_id, &o->refl))
OPFN(op_settings_put, pathway_settings_put(c, o->s1, o->days, o->lead, false))
OPFN(op_case_get, case_get(c, o->case_id, &o->rec))
OPFN(op_flags, child_flags_set(c, o->case_id, &o->flags))
OPFN(op_child, child_get(c, o->case_id, &o->child))
OPFN(op_bid, child_bid_add(c, o->case_id, o->s1, "2026-01-10", "Best-interests panel", o->s2, o->s3, &o->id))
OPFN(op_bid_recorded, child_bid_recorded(c, o->case_id, o->s2, &o->b))
OPFN(op_withdraw,
     consent_set(c, o->case_id, &(struct consent_change){CONSENT_DATA_USE, CONSENT_WITHDRAWN, "2026-01-01", NULL}, 1))
OPFN(op_guardian, child_guardian_add(c, o->case_id, o->s1, o->s2, "2026-01-05", &o->id))

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Pathway");
    if (st == STATUS_OK && o->age) {
        st = case_value_parse(&in, CASE_F_age, o->age);
    }
    if (st == STATUS_OK) {
        st = case_create(c, &in, &o->rec);
    }
    case_record_clear(&in);
    return st;
}

static enum status op_plan(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_support_plan plan;
    memset(&plan, 0, sizeof plan);
    snprintf(plan.type, sizeof plan.type, "%s", vocab_code("support_type", 0));
    snprintf(plan.status, sizeof plan.status, "Planned");
    return case_support_plan_add(c, o->case_id, &plan, &o->id);
}

static void op_clear(struct op *o)
{
    pathway_free(o->p);
    child_info_free(o->child);
    case_record_free(o->rec);
    memset(o, 0, sizeof *o);
}

static int64_t make_case(struct world *w, const char *age)
{
    struct op o = {.age = age};
    assert_int_equal(run_as(w, w->worker, op_case_create, &o), STATUS_OK);
    int64_t id = o.rec->id;
    op_clear(&o);
    return id;
}

static int64_t version_of(struct world *w, int64_t case_id, char stage[24])
{
    struct op o = {.case_id = case_id};
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    int64_t v = o.p->version;
    if (stage) {
        snprintf(stage, 24, "%s", pathway_stage_name(o.p->stage));
    }
    op_clear(&o);
    return v;
}

/* Moves case_id to `to` with the facts in m (m->to and reason are filled in). */
static enum status move(struct world *w, int64_t case_id, const char *to, struct pathway_move *m)
{
    struct op o = {.case_id = case_id};
    if (m != NULL) {
        o.move = *m;
    } else {
        o.move.no_removal = -1;
    }
    o.move.to = to;
    o.move.reason = o.move.reason ? o.move.reason : "a reason that names the person: Amina";
    o.version = version_of(w, case_id, NULL);
    enum status st = run_as(w, w->worker, op_move, &o);
    op_clear(&o);
    return st;
}

/* The latest automatic task of key: status, due, owner. */
static bool task_of(struct world *w, const char *key, char status[16], int64_t *due, int64_t *owner)
{
    struct sql_value a[] = {sqlv_text(key)};
    struct store_rows *r = NULL;
    if (store_exec_one(w->t.store, STMT_PATHWAY_TASK_BY_KEY, a, 1, &r) != STATUS_OK) {
        err_clear();
        return false;
    }
    snprintf(status, 16, "%s", store_rows_text(r, 1));
    *due = store_rows_i64(r, 2);
    *owner = store_rows_i64(r, 3);
    store_rows_free(r);
    return true;
}

static void test_pathway__graph(void **state)
{
    (void)state;
    assert_true(pathway_transition_allowed(PW_FIRST_CONTACT, PW_SCREENING));
    assert_true(pathway_transition_allowed(PW_ASSISTANCE, PW_RETURN));
    assert_true(pathway_transition_allowed(PW_FOLLOW_UP, PW_CLOSED));
    assert_false(pathway_transition_allowed(PW_FIRST_CONTACT, PW_IDENTIFIED));
    assert_false(pathway_transition_allowed(PW_SCREENING, PW_REFLECTION));
    assert_false(pathway_transition_allowed(PW_CLOSED, PW_ASSISTANCE));
    assert_false(pathway_transition_allowed(PW_RETURN, PW_RESIDENCE));
    enum pathway_stage next[PW__COUNT];
    assert_int_equal(pathway_next(PW_ASSISTANCE, next), 3);
    assert_int_equal(pathway_next(PW_PROCEEDINGS, next), 1);
    assert_int_equal(next[0], PW_CLOSED);
    assert_true(pathway_not_victim_allowed(PW_REFLECTION));
    assert_false(pathway_not_victim_allowed(PW_IDENTIFIED));
    enum pathway_stage s;
    assert_int_equal(pathway_stage_parse("follow_up", &s), STATUS_OK);
    assert_int_equal(s, PW_FOLLOW_UP);
    assert_int_equal(pathway_stage_parse("FollowUp", &s), STATUS_INVALID);
    char d[11];
    assert_int_equal(pathway__date_add("2026-01-20", 30, d), STATUS_OK);
    assert_string_equal(d, "2026-02-19");
    assert_int_equal(pathway__date_add("2024-02-28", 1, d), STATUS_OK);
    assert_string_equal(d, "2024-02-29");
    assert_int_equal(pathway__date_check("x", "2026-02-30"), STATUS_INVALID);
}

static void test_pathway__illegal(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "30");
    char stage[24];
    assert_int_equal(version_of(w, id, stage), 0);
    assert_string_equal(stage, "first_contact");
    assert_int_equal(move(w, id, "identified", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "from first_contact to identified"));
    assert_int_equal(move(w, id, "screening", NULL), STATUS_OK);
    assert_int_equal(move(w, id, "screening", NULL), STATUS_CONFLICT);
    assert_int_equal(move(w, id, "closed", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "from screening to closed"));
    assert_int_equal(move(w, id, "nowhere", NULL), STATUS_INVALID);
    /* A reason is required. */
    struct pathway_move m = {.no_removal = -1, .reason = ""};
    assert_int_equal(move(w, id, "reasonable_grounds", &m), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reason");
    /* A stale version. */
    struct op o = {.case_id = id, .version = 0};
    o.move.to = "reasonable_grounds";
    o.move.reason = "grounds";
    assert_int_equal(run_as(w, w->worker, op_move, &o), STATUS_CONFLICT);
    op_clear(&o);
    /* Out of scope and without case.write. */
    o.case_id = id;
    o.version = 1;
    o.move.to = "reasonable_grounds";
    o.move.reason = "grounds";
    assert_int_equal(run_as(w, w->investigator, op_move, &o), STATUS_DENIED);
    op_clear(&o);
    char st[24];
    assert_int_equal(version_of(w, id, st), 1);
    assert_string_equal(st, "screening");
    /* Consent to data use withdrawn: no further steps. */
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_withdraw, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(move(w, id, "reasonable_grounds", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "data_use"));
    o = (struct op){.case_id = id, .s1 = "Guardian", .s2 = "Office"};
    assert_int_equal(run_as(w, w->worker, op_guardian, &o), STATUS_CONFLICT);
    op_clear(&o);
}

static void test_pathway__adult_path(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "30");
    assert_int_equal(move(w, id, "screening", NULL), STATUS_OK);
    struct pathway_move m = {.no_removal = -1, .decision_date = "2026-01-20", .screening_id = 77};
    assert_int_equal(move(w, id, "reasonable_grounds", &m), STATUS_OK);
    struct op o = {.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_case_get, &o), STATUS_OK);
    assert_string_equal(o.rec->v[CASE_F_trafficking_status].text, "PossibleVictimOfTrafficking");
    op_clear(&o);
    /* No reflection period yet. */
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_refl, &o), STATUS_NOT_FOUND);
    op_clear(&o);

    assert_int_equal(move(w, id, "reflection", NULL), STATUS_OK);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_refl, &o), STATUS_OK);
    assert_string_equal(o.refl.start, "2026-01-20");
    assert_string_equal(o.refl.end, "2026-02-19");
    assert_int_equal(o.refl.days, 30);
    assert_true(o.refl.no_removal);
    assert_true(o.refl.active);
    op_clear(&o);
    /* The task: due 7 days before the end, owned by the case owner. */
    char key[64], status[16];
    int64_t due = 0, owner = 0, end_ms = 0;
    snprintf(key, sizeof key, "reflection_ending:%lld", (long long)id);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "open");
    assert_int_equal(pathway__date_ms("2026-02-19", &end_ms), STATUS_OK);
    assert_int_equal(due, end_ms - 7 * DAY_MS);
    assert_int_equal(owner, w->worker);
    assert_true(due < end_ms);

    /* Extension: the end and the task move. */
    o.case_id = id;
    o.version = version_of(w, id, NULL);
    o.days = 10;
    o.s1 = "the person asked for more time";
    assert_int_equal(run_as(w, w->worker, op_extend, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = id;
    o.days = 0;
    o.version = version_of(w, id, NULL);
    o.s1 = "no days";
    assert_int_equal(run_as(w, w->worker, op_extend, &o), STATUS_INVALID);
    op_clear(&o);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_refl, &o), STATUS_OK);
    assert_string_equal(o.refl.end, "2026-03-01");
    assert_int_equal(o.refl.days, 40);
    assert_int_equal(o.refl.extensions, 1);
    op_clear(&o);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_int_equal(pathway__date_ms("2026-03-01", &end_ms), STATUS_OK);
    assert_int_equal(due, end_ms - 7 * DAY_MS);

    /* Identification needs the deciding organisation. */
    assert_int_equal(move(w, id, "identified", NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "decided_by");
    m = (struct pathway_move){.no_removal = -1, .decided_by = "court", .decision_date = "2026-02-25"};
    assert_int_equal(move(w, id, "identified", &m), STATUS_OK);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_case_get, &o), STATUS_OK);
    assert_string_equal(o.rec->v[CASE_F_trafficking_status].text, "ActualVictimOfTrafficking");
    assert_string_equal(o.rec->v[CASE_F_status_decided_by].text, "CourtOrProsecution");
    op_clear(&o);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "done");
    /* An adult: no determination task. */
    snprintf(key, sizeof key, "determination_pending:%lld", (long long)id);
    assert_false(task_of(w, key, status, &due, &owner));

    /* Assistance needs a support plan. */
    assert_int_equal(move(w, id, "assistance", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "support plan"));
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_plan, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(move(w, id, "assistance", NULL), STATUS_OK);

    /* Return: voluntary and a risk assessment. */
    m = (struct pathway_move){.no_removal = -1, .risk_level = "low", .risk_date = "2026-03-10"};
    assert_int_equal(move(w, id, "return", &m), STATUS_INVALID);
    assert_string_equal(err_last_field(), "voluntary");
    m.voluntary = true;
    m.risk_level = "none";
    assert_int_equal(move(w, id, "return", &m), STATUS_INVALID);
    assert_string_equal(err_last_field(), "risk_level");
    m.risk_level = "medium";
    assert_int_equal(move(w, id, "return", &m), STATUS_OK);
    assert_int_equal(move(w, id, "proceedings", NULL), STATUS_OK);
    assert_int_equal(move(w, id, "closed", NULL), STATUS_OK);
    m = (struct pathway_move){.no_removal = -1};
    assert_int_equal(move(w, id, "follow_up", &m), STATUS_INVALID);
    m.follow_up_date = "2026-09-01";
    assert_int_equal(move(w, id, "follow_up", &m), STATUS_OK);
    snprintf(key, sizeof key, "follow_up_due:%lld", (long long)id);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "open");
    assert_int_equal(pathway__date_ms("2026-09-01", &end_ms), STATUS_OK);
    assert_int_equal(due, end_ms);
    assert_int_equal(move(w, id, "closed", NULL), STATUS_OK);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "done");

    /* The log: every step with who and why (the reason opened for a reader with the narrative
     * group), facts as data. */
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_int_equal(o.p->log_count, 11); /* 10 moves and one extension */
    assert_string_equal(o.p->log[0].to, "screening");
    assert_string_equal(o.p->log[0].actor, "worker");
    assert_string_equal(o.p->log[0].reason, "a reason that names the person: Amina");
    assert_string_equal(o.p->log[3].action, "extend");
    assert_int_equal(json_integer_value(json_object_get(o.p->log[3].data, "days")), 10);
    assert_string_equal(json_string_value(json_object_get(o.p->log[3].data, "end")), "2026-03-01");
    json_t *j = pathway_to_json(o.p);
    assert_string_equal(json_string_value(json_object_get(j, "stage")), "closed");
    assert_int_equal(json_array_size(json_object_get(j, "next")), 1);
    json_t *rg = json_object_get(json_array_get(json_object_get(j, "log"), 1), "data");
    assert_int_equal(json_integer_value(json_object_get(rg, "screening_id")), 77);
    json_decref(j);
    op_clear(&o);
    /* The investigator (no narrative write, reads narratives) sees the log with reasons; sealed at rest is
     * covered by the purge: after it no reason is left. */
    struct test_as a;
    test_as_user(&w->t, &a, w->investigator);
    o.case_id = id;
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_OK);
    assert_non_null(o.p->log[0].reason);
    op_clear(&o);
    auth_principal_clear(&a.p);
    int64_t items = 0;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(pathway__purge(&w->t.ctx, id, &items), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    assert_int_equal(items, 11);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_null(o.p->log[0].reason);
    assert_string_equal(o.p->log[0].to, "screening");
    op_clear(&o);
}

static void test_pathway__not_victim(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "25");
    struct op o = {.case_id = id};
    o.nv = (struct pathway_not_victim){"Police", "2026-02-01", "no indicators after interview", "Migrant Aid Centre",
                                       "AdditionalServicesRequired"};
    assert_int_equal(run_as(w, w->worker, op_not_victim, &o), STATUS_CONFLICT); /* from first_contact */
    op_clear(&o);
    assert_int_equal(move(w, id, "screening", NULL), STATUS_OK);
    o.case_id = id;
    o.version = 1;
    o.nv = (struct pathway_not_victim){"Police", "2026-02-01", "no indicators after interview", "", "Other"};
    assert_int_equal(run_as(w, w->worker, op_not_victim, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "referred_to");
    op_clear(&o);
    o.case_id = id;
    o.version = 1;
    o.nv = (struct pathway_not_victim){"Police", "2026-02-01", "no indicators after interview", "Migrant Aid Centre",
                                       "AdditionalServicesRequired"};
    assert_int_equal(run_as(w, w->worker, op_not_victim, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    assert_int_equal(o.p->stage, PW_CLOSED);
    assert_string_equal(o.p->exit, "not_victim");
    assert_string_equal(o.p->identification, "NotAVictimOfTrafficking");
    assert_string_equal(o.p->referred_to, "Migrant Aid Centre");
    assert_string_equal(o.p->log[1].action, "not_victim");
    op_clear(&o);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_case_get, &o), STATUS_OK);
    assert_string_equal(o.rec->v[CASE_F_trafficking_status].text, "NotAVictimOfTrafficking");
    assert_string_equal(o.rec->v[CASE_F_status_decided_by].text, "Police");
    op_clear(&o);
}

static void test_pathway__settings(void **state)
{
    struct world *w = *state;
    struct op o = {.s1 = "NGA", .days = 29, .lead = 10};
    assert_int_equal(run_as(w, w->coordinator, op_settings_put, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reflection_days");
    o.days = 45;
    assert_int_equal(run_as(w, w->worker, op_settings_put, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->coordinator, op_settings_put, &o), STATUS_OK);
    int64_t id = make_case(w, "40");
    assert_int_equal(move(w, id, "screening", NULL), STATUS_OK);
    struct pathway_move m = {.no_removal = -1, .decision_date = "2026-01-01"};
    assert_int_equal(move(w, id, "reasonable_grounds", &m), STATUS_OK);
    m = (struct pathway_move){.no_removal = 0};
    assert_int_equal(move(w, id, "reflection", &m), STATUS_INVALID);
    assert_string_equal(err_last_field(), "no_removal_reason");
    m.no_removal_reason = "the person returns home of their own wish";
    assert_int_equal(move(w, id, "reflection", &m), STATUS_OK);
    o = (struct op){.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_refl, &o), STATUS_OK);
    assert_string_equal(o.refl.end, "2026-02-15");
    assert_int_equal(o.refl.days, 45);
    assert_false(o.refl.no_removal);
    op_clear(&o);
    char key[64], status[16];
    int64_t due = 0, owner = 0, end_ms = 0;
    snprintf(key, sizeof key, "reflection_ending:%lld", (long long)id);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_int_equal(pathway__date_ms("2026-02-15", &end_ms), STATUS_OK);
    assert_int_equal(due, end_ms - 10 * DAY_MS);
    /* Leaving by the not-a-victim exit cancels the task. */
    o.case_id = id;
    o.version = version_of(w, id, NULL);
    o.nv = (struct pathway_not_victim){"NGO", NULL, "decided", "Legal aid clinic", "Other"};
    assert_int_equal(run_as(w, w->worker, op_not_victim, &o), STATUS_OK);
    op_clear(&o);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "cancelled");
    /* Back to the defaults for the other tests. */
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(pathway_settings_put(&w->t.ctx, "NGA", 0, 0, true), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
}

/* Walks a case to assistance (identified on the way). */
static void to_assistance(struct world *w, int64_t id)
{
    assert_int_equal(move(w, id, "screening", NULL), STATUS_OK);
    assert_int_equal(move(w, id, "reasonable_grounds", NULL), STATUS_OK);
    assert_int_equal(move(w, id, "reflection", NULL), STATUS_OK);
    struct pathway_move m = {.no_removal = -1, .decided_by = "NonPoliceGovernmentalOrganization"};
    assert_int_equal(move(w, id, "identified", &m), STATUS_OK);
    struct op o = {.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_plan, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(move(w, id, "assistance", NULL), STATUS_OK);
}

static void test_pathway__child_return(void **state)
{
    struct world *w = *state;
    int64_t id = make_case(w, "16");
    to_assistance(w, id);
    char key[64], status[16];
    int64_t due = 0, owner = 0;
    snprintf(key, sizeof key, "determination_pending:%lld", (long long)id);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "open");
    assert_int_equal(owner, w->worker);

    struct pathway_move m = {.no_removal = -1, .voluntary = true, .risk_level = "low", .risk_date = "2026-04-01"};
    assert_int_equal(move(w, id, "return", &m), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "best-interests determination"));
    assert_int_equal(move(w, id, "residence", NULL), STATUS_CONFLICT);
    /* An assessment is not a determination. */
    struct op o = {.case_id = id, .s1 = "assessment", .s2 = "return", .s3 = "family traced"};
    assert_int_equal(run_as(w, w->worker, op_bid, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(move(w, id, "return", &m), STATUS_CONFLICT);
    o = (struct op){.case_id = id, .s2 = NULL};
    assert_int_equal(run_as(w, w->worker, op_bid_recorded, &o), STATUS_OK);
    assert_false(o.b);
    op_clear(&o);
    /* A determination for local integration opens residence, not return. */
    o = (struct op){.case_id = id, .s1 = "determination", .s2 = "local_integration", .s3 = "note"};
    assert_int_equal(run_as(w, w->worker, op_bid, &o), STATUS_OK);
    op_clear(&o);
    assert_true(task_of(w, key, status, &due, &owner));
    assert_string_equal(status, "done");
    assert_int_equal(move(w, id, "return", &m), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "recommends return"));
    o = (struct op){.case_id = id, .s2 = "return"};
    assert_int_equal(run_as(w, w->worker, op_bid_recorded, &o), STATUS_OK);
    assert_false(o.b);
    op_clear(&o);
    /* A determination recommending return lets the return through. */
    o = (struct op){.case_id = id, .s1 = "determination", .s2 = "return", .s3 = NULL};
    assert_int_equal(run_as(w, w->worker, op_bid, &o), STATUS_OK);
    op_clear(&o);
    /* A determination needs its solution; a wrong kind is refused. */
    o = (struct op){.case_id = id, .s1 = "determination", .s2 = NULL};
    assert_int_equal(run_as(w, w->worker, op_bid, &o), STATUS_INVALID);
    op_clear(&o);
    o = (struct op){.case_id = id, .s1 = "decision", .s2 = "return"};
    assert_int_equal(run_as(w, w->worker, op_bid, &o), STATUS_INVALID);
    op_clear(&o);
    o = (struct op){.case_id = id, .s2 = "return"};
    assert_int_equal(run_as(w, w->worker, op_bid_recorded, &o), STATUS_OK);
    assert_true(o.b);
    op_clear(&o);
    assert_int_equal(move(w, id, "return", &m), STATUS_OK);
    /* The child view. */
    o = (struct op){.case_id = id, .s1 = "Guardian Name", .s2 = "Child Protection Office"};
    assert_int_equal(run_as(w, w->worker, op_guardian, &o), STATUS_OK);
    op_clear(&o);
    o = (struct op){.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_child, &o), STATUS_OK);
    assert_true(o.child->is_child);
    assert_int_equal(o.child->guardians_count, 1);
    assert_string_equal(o.child->guardians[0].name, "Guardian Name");
    assert_int_equal(o.child->bids_count, 3);
    size_t assessments = 0;
    for (size_t i = 0; i < o.child->bids_count; i++) {
        if (strcmp(o.child->bids[i].kind, "assessment") == 0) {
            assert_string_equal(o.child->bids[i].note, "family traced");
            assessments++;
        }
    }
    assert_int_equal(assessments, 1);
    op_clear(&o);
    /* A reader without the identity group sees the guardian without the name; BIDs need legal. */
    static const char *const perms[] = {"case.read", NULL};
    struct auth_role *role = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_role_create(&w->t.ctx, "reader_plain", "test", false, perms, 1, NULL, 0, &role), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_role_free(role);
    int64_t reader = test_user(&w->t, "reader-plain", w->agency, "reader_plain", "agency");
    o = (struct op){.case_id = id};
    assert_int_equal(run_as(w, reader, op_child, &o), STATUS_OK);
    assert_null(o.child->guardians[0].name);
    assert_true(o.child->guardians[0].withheld);
    assert_true(o.child->bids_withheld);
    assert_int_equal(o.child->bids_count, 0);
    op_clear(&o);
    /* Subject access: the guardian's name, the notes and the reasons of the steps. */
    json_t *sar = NULL;
    store_tx_begin(w->t.store, STORE_TX_READ);
    assert_int_equal(child__sar(&w->t.ctx, id, &sar), STATUS_OK);
    json_t *g0 = json_array_get(json_object_get(json_object_get(sar, "child_safeguards"), "guardians"), 0);
    assert_string_equal(json_string_value(json_object_get(g0, "name")), "Guardian Name");
    json_decref(sar);
    assert_int_equal(pathway__sar(&w->t.ctx, id, &sar), STATUS_OK);
    json_t *l0 = json_array_get(json_object_get(json_object_get(sar, "pathway"), "log"), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "reason")), "a reason that names the person: Amina");
    json_decref(sar);
    store_tx_rollback(w->t.store);
    /* Purge: the guardian's name and the notes go. */
    int64_t items = 0;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(child__purge(&w->t.ctx, id, &items), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    assert_int_equal(items, 3);
}

static void test_pathway__adult_return_unhindered_and_presumption(void **state)
{
    struct world *w = *state;
    /* Age unknown: an adult's rules, until minority is presumed. */
    int64_t id = make_case(w, NULL);
    to_assistance(w, id);
    struct op o = {.case_id = id};
    o.flags = (struct child_flags){.presume_minor = 1, .child_friendly_interview = -1, .reason = "looks young"};
    assert_int_equal(run_as(w, w->worker, op_flags, &o), STATUS_OK);
    op_clear(&o);
    o.case_id = id;
    assert_int_equal(run_as(w, w->worker, op_case_get, &o), STATUS_OK);
    assert_string_equal(o.rec->v[CASE_F_majority_status].text, "Minor");
    op_clear(&o);
    struct pathway_move m = {.no_removal = -1, .voluntary = true, .risk_level = "high", .risk_date = "2026-04-01"};
    assert_int_equal(move(w, id, "return", &m), STATUS_CONFLICT);
    assert_int_equal(move(w, id, "inclusion", NULL), STATUS_CONFLICT);
    /* Presumption cannot be lifted by hand, only by an age assessment. */
    o = (struct op){.case_id = id};
    o.flags = (struct child_flags){.presume_minor = 0, .child_friendly_interview = -1, .reason = "x"};
    assert_int_equal(run_as(w, w->worker, op_flags, &o), STATUS_INVALID);
    op_clear(&o);
    o = (struct op){.case_id = id};
    o.flags = (struct child_flags){.presume_minor = -1,
                                   .age_assessment = "adult",
                                   .age_assessment_date = "2026-03-01",
                                   .child_friendly_interview = 1,
                                   .interview_date = "2026-02-01",
                                   .reason = "medical age assessment"};
    assert_int_equal(run_as(w, w->worker, op_flags, &o), STATUS_OK);
    op_clear(&o);
    o = (struct op){.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_child, &o), STATUS_OK);
    assert_false(o.child->is_child);
    assert_false(o.child->presumed_minor);
    assert_string_equal(o.child->majority_status, "Adult");
    assert_string_equal(o.child->age_assessment, "adult");
    assert_true(o.child->child_friendly_interview);
    assert_string_equal(o.child->interview_date, "2026-02-01");
    op_clear(&o);
    assert_int_equal(move(w, id, "return", &m), STATUS_OK);
    o = (struct op){.case_id = id};
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_OK);
    bool found = false;
    for (size_t i = 0; i < o.p->log_count; i++) {
        if (strcmp(o.p->log[i].action, "age_assessment") == 0) {
            found = json_is_true(json_object_get(o.p->log[i].data, "presumption_lifted"));
        }
    }
    assert_true(found);
    op_clear(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pathway__graph),
        cmocka_unit_test(test_pathway__illegal),
        cmocka_unit_test(test_pathway__adult_path),
        cmocka_unit_test(test_pathway__not_victim),
        cmocka_unit_test(test_pathway__settings),
        cmocka_unit_test(test_pathway__child_return),
        cmocka_unit_test(test_pathway__adult_return_unhindered_and_presumption),
    };
    TEST_RUN_BOTH("pathway", tests, setup, teardown);
}
