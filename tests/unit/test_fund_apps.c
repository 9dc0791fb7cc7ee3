/* test_fund_apps: the Trust Fund's board, calls, applications, reviews and decisions (issue 8,
 * part A) on SQLite and PostgreSQL: the UN regional groups; five trustees at most and one per
 * group (a sixth, or a second of a group, refused; the setting); eligibility explained and an
 * ineligible application refused; a grantee sees only its own organisation's applications; a
 * submission after the close date refused; a trustee with a declared conflict cannot score (403,
 * audited) and is listed as recused; one review per trustee; a decision needs the reviews; the
 * call's tasks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "fund/applications.h"
#include "fund/apps_int.h"
#include "fund/board.h"
#include "fund/calls.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "testlib.h"
#include "util/jsonin.h"

struct world {
    struct test_env t;
    int64_t ngo_a, ngo_b, unodc;
    int64_t grantee_a, grantee_b, manager, trustee_u[5], caseworker;
    char today[11];
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->ngo_a = test_agency(&w->t, "NGO A");
    w->ngo_b = test_agency(&w->t, "NGO B");
    w->unodc = test_agency(&w->t, "UNODC");
    w->grantee_a = test_user(&w->t, "grantee_a", w->ngo_a, "grantee", "agency");
    w->grantee_b = test_user(&w->t, "grantee_b", w->ngo_b, "grantee", "agency");
    w->manager = test_user(&w->t, "manager", w->unodc, "fund_manager", "all");
    w->caseworker = test_user(&w->t, "worker", w->ngo_a, "caseworker", "agency");
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "trustee%d", i);
        w->trustee_u[i] = test_user(&w->t, name, w->unodc, "trustee", "all");
    }
    util_today(w->today);
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

enum opk {
    ADD_TRUSTEE,
    END_TRUSTEE,
    CONFLICT,
    SETTING,
    CALL_ADD,
    CALL_OPEN,
    CALL_CLOSE,
    ORG_SET,
    ORG_GET,
    SAVE,
    SUBMIT,
    GET,
    LIST,
    REVIEW,
    DECIDE,
    QUEUE
};

struct op {
    enum opk k;
    int64_t id, version;
    json_t *in, *out;
    const char *text;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    switch (o->k) {
    case ADD_TRUSTEE: return fund_trustee_add(ctx, o->in, &o->out);
    case END_TRUSTEE: return fund_trustee_end(ctx, o->id, o->text, &o->out);
    case CONFLICT: return fund_conflict_add(ctx, o->in, &o->out);
    case SETTING: return fund_app_setting_put(ctx, o->text, o->id);
    case CALL_ADD: return fund_call_add(ctx, o->in, &o->out);
    case CALL_OPEN: return fund_call_open(ctx, o->id, &o->out);
    case CALL_CLOSE: return fund_call_close(ctx, o->id, &o->out);
    case ORG_SET: return fund_org_set(ctx, o->id, o->version, o->in, &o->out);
    case ORG_GET: return fund_org_get(ctx, o->id, &o->out);
    case SAVE: return fund_application_save(ctx, o->id, o->version, o->in, &o->out);
    case SUBMIT: return fund_application_submit(ctx, o->id, o->version, &o->out);
    case GET: return fund_application_get(ctx, o->id, &o->out);
    case LIST: return fund_application_list(ctx, 0, NULL, &o->out);
    case REVIEW: return fund_review_add(ctx, o->id, o->in, &o->out);
    case DECIDE: return fund_decide(ctx, o->id, o->in, &o->out);
    case QUEUE: return fund_review_queue(ctx, &o->out);
    }
    return STATUS_INVALID;
}

/* Runs one operation as user (0: the operator); *out replaced. */
static enum status run(struct world *w, int64_t user, enum opk k, int64_t id, int64_t version, const char *in,
                       json_t **out)
{
    struct op o = {.k = k, .id = id, .version = version};
    if (in != NULL) {
        if (k == END_TRUSTEE || k == SETTING) {
            o.text = in;
        } else {
            o.in = json_loads(in, 0, NULL);
            assert_non_null(o.in);
        }
    }
    enum status st;
    if (user == 0) {
        st = auth_run(&w->t.ctx, op_run, &o);
    } else {
        struct test_as a;
        test_as_user(&w->t, &a, user);
        st = auth_run(&a.ctx, op_run, &o);
        auth_principal_clear(&a.p);
    }
    json_decref(o.in);
    if (out != NULL) {
        json_decref(*out);
        *out = o.out;
    } else {
        json_decref(o.out);
    }
    return st;
}

static int64_t jint(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static enum status trustee(struct world *w, const char *country, const char *from, int64_t user, int64_t *id)
{
    char in[256];
    snprintf(in, sizeof in, "{\"name\":\"Trustee %s\",\"country\":\"%s\",\"appointed_on\":\"%s\",\"user_id\":%lld}",
             country, country, from, (long long)user);
    json_t *out = NULL;
    enum status st = run(w, w->manager, ADD_TRUSTEE, 0, 0, in, &out);
    if (id != NULL) {
        *id = st == STATUS_OK ? jint(out, "id") : 0;
    }
    json_decref(out);
    return st;
}

static void test_fund_apps__groups(void **state)
{
    (void)state;
    assert_string_equal(fund_un_group("NGA"), "african");
    assert_string_equal(fund_un_group("PHL"), "asia_pacific");
    assert_string_equal(fund_un_group("POL"), "eastern_european");
    assert_string_equal(fund_un_group("BRA"), "latin_american_caribbean");
    assert_string_equal(fund_un_group("TUR"), "western_european_others");
    assert_null(fund_un_group("XKX"));
    assert_null(fund_un_group("nga"));
    char d[11];
    fa_add_months("2024-02-29", 12, d);
    assert_string_equal(d, "2025-02-28");
    fa_add_months("2024-01-31", -13, d);
    assert_string_equal(d, "2022-12-31");
}

/* Done when 2: a sixth trustee, or a second from the same group, is refused. */
static void test_fund_apps__board(void **state)
{
    struct world *w = *state;
    static const char *const five[] = {"NGA", "PHL", "POL", "BRA", "DEU"};
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        assert_int_equal(trustee(w, five[i], "2025-01-01", w->trustee_u[i], &ids[i]), STATUS_OK);
    }
    /* A sixth, from any group, is refused naming the rule. */
    assert_int_equal(trustee(w, "KEN", "2025-06-01", 0, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "at most 5"));
    /* A term that starts after the others end is fine. */
    assert_int_equal(trustee(w, "KEN", "2028-01-01", 0, NULL), STATUS_OK);
    /* One ends early: a second African is still refused (one per group), a Japanese accepted? no:
     * Asia-Pacific is taken too; after ending the Polish trustee, a Czech one is accepted. */
    assert_int_equal(run(w, w->manager, END_TRUSTEE, ids[2], 0, "2025-12-31", NULL), STATUS_OK);
    assert_int_equal(trustee(w, "GHA", "2026-01-01", 0, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "per regional group"));
    assert_string_equal(err_last_field(), "country");
    assert_int_equal(trustee(w, "CZE", "2026-01-01", 0, NULL), STATUS_OK);
    /* Two per group when the setting says so; still five at most. */
    assert_int_equal(run(w, w->manager, SETTING, 2, 0, "max_per_group", NULL), STATUS_OK);
    assert_int_equal(trustee(w, "GHA", "2026-01-01", 0, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "at most 5"));
    /* Validation and permissions. */
    assert_int_equal(trustee(w, "XKX", "2026-01-01", 0, NULL), STATUS_INVALID);
    assert_int_equal(run(w, w->trustee_u[0], ADD_TRUSTEE, 0, 0, "{}", NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->grantee_a, ADD_TRUSTEE, 0, 0, "{}", NULL), STATUS_DENIED);
    json_t *list = NULL;
    struct test_as a;
    test_as_user(&w->t, &a, w->trustee_u[1]);
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    assert_int_equal(fund_trustee_list(&a.ctx, &list), STATUS_OK);
    store_tx_rollback(w->t.store);
    auth_principal_clear(&a.p);
    assert_int_equal(json_array_size(list), 7);
    size_t i;
    json_t *t;
    int found = 0;
    json_array_foreach(list, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "country")), "NGA") == 0) {
            found++;
            assert_string_equal(json_string_value(json_object_get(t, "name")), "Trustee NGA");
            assert_string_equal(json_string_value(json_object_get(t, "term_end")), "2028-01-01");
            assert_string_equal(json_string_value(json_object_get(t, "regional_group")), "african");
        }
    }
    assert_int_equal(found, 1);
    json_decref(list);
}

struct cycle {
    int64_t call, closed_call, app_a, app_b, trustees[5];
};

static void board_and_call(struct world *w, struct cycle *c)
{
    static const char *const five[] = {"NGA", "PHL", "POL", "BRA", "DEU"};
    char from[11];
    fa_add_months(w->today, -1, from);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(trustee(w, five[i], from, w->trustee_u[i], &c->trustees[i]), STATUS_OK);
    }
    char opens[11], closes[11], in[512];
    fa_add_months(w->today, -1, opens);
    fa_add_months(w->today, 1, closes);
    snprintf(in, sizeof in,
             "{\"title\":\"Call 2026\",\"programme\":\"immediate\",\"opens_on\":\"%s\",\"closes_on\":\"%s\","
             "\"ceiling_min\":\"20,000\",\"ceiling_max\":\"60,000.00\",\"priority_forms\":[\"forced_labour\"],"
             "\"priority_countries\":[\"NGA\"]}",
             opens, closes);
    json_t *out = NULL;
    assert_int_equal(run(w, w->manager, CALL_ADD, 0, 0, in, &out), STATUS_OK);
    c->call = jint(out, "id");
    assert_int_equal(jint(out, "window_months"), 9);
    assert_int_equal(jint(out, "ceiling_min_cents"), 2000000);
    /* A draft call takes no application; the grantee does not see it. */
    assert_int_equal(run(w, w->grantee_a, SAVE, 0, 0, "{\"call_id\":1}", NULL), STATUS_INVALID);
    assert_int_equal(run(w, w->manager, CALL_OPEN, c->call, 0, NULL, &out), STATUS_OK);
    assert_int_equal(run(w, w->manager, CALL_OPEN, c->call, 0, NULL, NULL), STATUS_CONFLICT);
    /* A call whose close date is past but still open: a draft saves, a submission is refused. */
    fa_add_months(w->today, -2, opens);
    char yesterday_month[11];
    fa_add_months(w->today, -1, yesterday_month);
    snprintf(in, sizeof in,
             "{\"title\":\"Old call\",\"programme\":\"medium_term\",\"opens_on\":\"%s\",\"closes_on\":\"%s\","
             "\"ceiling_min_cents\":100,\"ceiling_max_cents\":9000000}",
             opens, yesterday_month);
    assert_int_equal(run(w, w->manager, CALL_ADD, 0, 0, in, &out), STATUS_OK);
    c->closed_call = jint(out, "id");
    assert_int_equal(jint(out, "window_months"), 24);
    assert_int_equal(run(w, w->manager, CALL_OPEN, c->closed_call, 0, NULL, NULL), STATUS_OK);
    json_decref(out);
}

static const char *app_text(char *buf, size_t size, int64_t call, const char *amount, int months)
{
    snprintf(buf, size,
             "{\"call_id\":%lld,\"title\":\"Shelter\",\"summary\":\"Safe house for 40 women\",\"country\":\"NGA\","
             "\"duration_months\":%d,\"forms\":[\"sexual_exploitation\"],\"beneficiaries\":{\"women\":30,"
             "\"girls\":10},\"budget\":[{\"category\":\"shelter\",\"description\":\"rent\",\"amount\":\"%s\"},"
             "{\"category\":\"medical\",\"description\":\"care\",\"amount_cents\":500000}]}",
             (long long)call, months, amount);
    return buf;
}

static const char *criterion_met(const json_t *app, const char *code)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(app, "eligibility"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "criterion")), code) == 0) {
            return json_is_true(json_object_get(c, "met")) ? "met" : "not met";
        }
    }
    return "absent";
}

static void test_fund_apps__applications(void **state)
{
    struct world *w = *state;
    struct cycle c;
    board_and_call(w, &c);
    char buf[1024];
    json_t *out = NULL;
    /* A caseworker cannot apply; the grantee drafts for its own organisation. */
    assert_int_equal(run(w, w->caseworker, SAVE, 0, 0, app_text(buf, sizeof buf, c.call, "25,000", 8), NULL),
                     STATUS_DENIED);
    assert_int_equal(run(w, w->grantee_a, SAVE, 0, 0, app_text(buf, sizeof buf, c.call, "25,000", 8), &out), STATUS_OK);
    c.app_a = jint(out, "id");
    assert_int_equal(jint(out, "agency_id"), w->ngo_a);
    assert_int_equal(jint(out, "total_cents"), 3000000);
    assert_string_equal(json_string_value(json_object_get(out, "total")), "30,000.00");
    assert_int_equal(json_array_size(json_object_get(out, "budget")), 2);
    int64_t version = jint(out, "version");
    /* A bad line is refused naming it; a stale version too. */
    assert_int_equal(
        run(w, w->grantee_a, SAVE, c.app_a, version, app_text(buf, sizeof buf, c.call, "25,000.001", 8), NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "budget");
    assert_int_equal(run(w, w->grantee_a, SAVE, c.app_a, version + 5, app_text(buf, sizeof buf, c.call, "1", 8), NULL),
                     STATUS_CONFLICT);
    /* Grantee B sees nothing of A's: not the application, not in the list. */
    assert_int_equal(run(w, w->grantee_b, GET, c.app_a, 0, NULL, NULL), STATUS_NOT_FOUND);
    assert_int_equal(run(w, w->grantee_b, SAVE, c.app_a, version, app_text(buf, sizeof buf, c.call, "1", 8), NULL),
                     STATUS_NOT_FOUND);
    assert_int_equal(run(w, w->grantee_b, SAVE, 0, 0, app_text(buf, sizeof buf, c.call, "70,000", 12), &out),
                     STATUS_OK);
    c.app_b = jint(out, "id");
    assert_int_equal(run(w, w->grantee_b, LIST, 0, 0, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(out), 1);
    assert_int_equal(jint(json_array_get(out, 0), "id"), c.app_b);
    assert_int_equal(run(w, w->manager, LIST, 0, 0, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(out), 2);
    /* No profile yet: every organisational criterion unmet, explained; submission refused (409). */
    assert_int_equal(run(w, w->grantee_a, GET, c.app_a, 0, NULL, &out), STATUS_OK);
    assert_false(json_is_true(json_object_get(out, "eligible")));
    assert_string_equal(criterion_met(out, "registered_1_year"), "not met");
    assert_string_equal(criterion_met(out, "psea"), "not met");
    assert_string_equal(criterion_met(out, "amount_in_ceiling"), "met");
    assert_string_equal(criterion_met(out, "duration_in_window"), "met");
    assert_null(json_object_get(out, "reviews_count")); /* not for a grantee */
    assert_int_equal(run(w, w->grantee_a, SUBMIT, c.app_a, 0, NULL, NULL), STATUS_CONFLICT);
    assert_string_equal(err_last_field(), "eligibility");
    assert_non_null(strstr(err_last(), "registered_1_year"));
    /* The profile: registered 11 months ago fails the year; two years ago passes. */
    char months11[11], years2[11], in[512];
    fa_add_months(w->today, -11, months11);
    fa_add_months(w->today, -24, years2);
    snprintf(in, sizeof in,
             "{\"registration_country\":\"NGA\",\"registered_on\":\"%s\",\"non_profit\":true,"
             "\"assistance_since\":\"%s\",\"psea\":true,\"psea_policy\":\"PSEA policy 2023\",\"own_account\":true,"
             "\"account_number\":\"NG12 3456\"}",
             months11, years2);
    assert_int_equal(run(w, w->grantee_b, ORG_SET, w->ngo_a, 0, in, NULL), STATUS_NOT_FOUND);
    assert_int_equal(run(w, w->grantee_a, ORG_SET, w->ngo_a, 0, in, &out), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(out, "account_number")), "NG12 3456");
    assert_int_equal(run(w, w->grantee_a, SUBMIT, c.app_a, 0, NULL, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "registered_1_year"));
    assert_null(strstr(err_last(), "psea"));
    /* The account number: for the organisation and the fund managers, withheld from trustees. */
    assert_int_equal(run(w, w->manager, ORG_GET, w->ngo_a, 0, NULL, &out), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(out, "account_number")), "NG12 3456");
    assert_int_equal(run(w, w->trustee_u[0], ORG_GET, w->ngo_a, 0, NULL, &out), STATUS_OK);
    assert_null(json_object_get(out, "account_number"));
    assert_true(json_is_true(json_object_get(out, "account_number_withheld")));
    assert_int_equal(run(w, w->grantee_b, ORG_GET, w->ngo_a, 0, NULL, NULL), STATUS_NOT_FOUND);
    snprintf(in, sizeof in,
             "{\"registration_country\":\"NGA\",\"registered_on\":\"%s\",\"non_profit\":true,"
             "\"assistance_since\":\"%s\",\"psea\":true,\"own_account\":true}",
             years2, years2);
    assert_int_equal(run(w, w->manager, ORG_SET, w->ngo_a, 1, in, NULL), STATUS_OK);
    assert_int_equal(run(w, w->manager, ORG_SET, w->ngo_b, 0, in, NULL), STATUS_OK);
    assert_int_equal(run(w, w->grantee_a, SUBMIT, c.app_a, 0, NULL, &out), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "submitted");
    assert_int_equal(
        run(w, w->grantee_a, SAVE, c.app_a, jint(out, "version"), app_text(buf, sizeof buf, c.call, "1", 8), NULL),
        STATUS_CONFLICT);
    /* B asks above the ceiling (75,000) and for 12 months of a 9-month window. */
    assert_int_equal(run(w, w->grantee_b, SUBMIT, c.app_b, 0, NULL, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "amount_in_ceiling"));
    assert_non_null(strstr(err_last(), "duration_in_window"));
    /* After the close date: refused, whatever the eligibility. */
    assert_int_equal(run(w, w->grantee_a, SAVE, 0, 0, app_text(buf, sizeof buf, c.closed_call, "25,000", 8), &out),
                     STATUS_OK);
    assert_int_equal(run(w, w->grantee_a, SUBMIT, jint(out, "id"), 0, NULL, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "closed"));
    json_decref(out);
}

static int64_t count_denied(struct world *w, int64_t app)
{
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter f = {.record_type = "fund_application", .record_id = app, .limit = 1000};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    int64_t denied = 0;
    for (size_t i = 0; i < n; i++) {
        denied += strcmp(e[i].outcome, "denied") == 0 && strcmp(e[i].action, "fund.approve") == 0;
    }
    audit_entries_free(e, n);
    return denied;
}

static int64_t open_tasks(struct world *w, const char *kind)
{
    struct task **list = NULL;
    size_t n = 0;
    struct task_filter f = {.status = "open", .limit = 500};
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    assert_int_equal(task_list(&w->t.ctx, &f, &list, &n), STATUS_OK);
    store_tx_rollback(w->t.store);
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        count += strcmp(list[i]->kind, kind) == 0;
    }
    task_list_free(list, n);
    return count;
}

/* Done when 2: a trustee cannot score an application they declared a conflict on. */
static void test_fund_apps__reviews(void **state)
{
    struct world *w = *state;
    struct cycle c;
    board_and_call(w, &c);
    assert_int_equal(open_tasks(w, FUND_TASK_CALL_CLOSING), 2);
    char buf[1024], in[512], years2[11];
    fa_add_months(w->today, -24, years2);
    snprintf(in, sizeof in,
             "{\"registered_on\":\"%s\",\"non_profit\":true,\"assistance_since\":\"%s\",\"psea\":true,"
             "\"own_account\":true}",
             years2, years2);
    assert_int_equal(run(w, w->grantee_a, ORG_SET, w->ngo_a, 0, in, NULL), STATUS_OK);
    json_t *out = NULL;
    assert_int_equal(run(w, w->grantee_a, SAVE, 0, 0, app_text(buf, sizeof buf, c.call, "25,000", 8), &out), STATUS_OK);
    c.app_a = jint(out, "id");
    /* No review of a draft. */
    assert_int_equal(run(w, w->trustee_u[0], REVIEW, c.app_a, 0,
                         "{\"relevance\":4,\"capacity\":4,\"budget\":4,"
                         "\"reach\":4}",
                         NULL),
                     STATUS_CONFLICT);
    assert_int_equal(run(w, w->grantee_a, SUBMIT, c.app_a, 0, NULL, NULL), STATUS_OK);
    /* Trustee 1 declares a conflict on NGO A (their own declaration); trustee 2 cannot declare
     * one for trustee 1. */
    snprintf(in, sizeof in, "{\"trustee_id\":%lld,\"agency_id\":%lld,\"note\":\"board member of NGO A\"}",
             (long long)c.trustees[1], (long long)w->ngo_a);
    assert_int_equal(run(w, w->trustee_u[2], CONFLICT, 0, 0, in, NULL), STATUS_INVALID);
    assert_int_equal(run(w, w->grantee_a, CONFLICT, 0, 0, in, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->trustee_u[1], CONFLICT, 0, 0, in, NULL), STATUS_OK);
    /* The conflicted trustee is refused (403 naming the rule), and the refusal is audited. */
    int64_t before = count_denied(w, c.app_a);
    const char *score = "{\"relevance\":5,\"capacity\":4,\"budget\":3,\"reach\":4,\"comment\":\"strong\"}";
    assert_int_equal(run(w, w->trustee_u[1], REVIEW, c.app_a, 0, score, NULL), STATUS_DENIED);
    assert_non_null(strstr(err_last(), "conflict of interest"));
    assert_int_equal(count_denied(w, c.app_a), before + 1);
    /* A conflict on the application alone works the same. */
    snprintf(in, sizeof in, "{\"trustee_id\":%lld,\"application_id\":%lld}", (long long)c.trustees[3],
             (long long)c.app_a);
    assert_int_equal(run(w, w->manager, CONFLICT, 0, 0, in, NULL), STATUS_OK);
    assert_int_equal(run(w, w->trustee_u[3], REVIEW, c.app_a, 0, score, NULL), STATUS_DENIED);
    /* Others score, once each; not a grantee or a manager. */
    assert_int_equal(run(w, w->grantee_a, REVIEW, c.app_a, 0, score, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->manager, REVIEW, c.app_a, 0, score, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->trustee_u[0], REVIEW, c.app_a, 0,
                         "{\"relevance\":6,\"capacity\":4,\"budget\":3,"
                         "\"reach\":4}",
                         NULL),
                     STATUS_INVALID);
    assert_int_equal(run(w, w->trustee_u[0], REVIEW, c.app_a, 0, score, NULL), STATUS_OK);
    /* A trustee whose term ended today no longer reviews. */
    assert_int_equal(run(w, w->manager, END_TRUSTEE, c.trustees[4], 0, w->today, NULL), STATUS_OK);
    assert_int_equal(run(w, w->trustee_u[4], REVIEW, c.app_a, 0, score, NULL), STATUS_DENIED);
    assert_non_null(strstr(err_last(), "serving trustee"));
    /* A decision needs two reviews. */
    const char *award = "{\"outcome\":\"award\",\"amount\":\"30,000\",\"start_date\":\"2026-01-01\","
                        "\"end_date\":\"2026-09-30\",\"tranches\":[{\"due_date\":\"2026-01-15\",\"amount\":\"20,000\"},"
                        "{\"due_date\":\"2026-06-15\",\"amount\":\"10,000\"}]}";
    assert_int_equal(run(w, w->manager, DECIDE, c.app_a, 0, award, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "min_reviews"));
    assert_int_equal(run(w, w->trustee_u[0], REVIEW, c.app_a, 0, score, NULL), STATUS_CONFLICT);
    /* The close: review tasks for the four trustees still serving with accounts; trustee 1 and 3
     * have nothing left to review (recused), trustee 0 has reviewed: their tasks are done at once;
     * trustee 4's term has ended. */
    assert_int_equal(run(w, w->manager, CALL_CLOSE, c.call, 0, NULL, NULL), STATUS_OK);
    assert_int_equal(open_tasks(w, FUND_TASK_CALL_CLOSING), 1);
    assert_int_equal(open_tasks(w, FUND_TASK_REVIEW_DUE), 1);
    assert_int_equal(
        run(w, w->trustee_u[2], REVIEW, c.app_a, 0, "{\"relevance\":3,\"capacity\":3,\"budget\":3,\"reach\":4}", NULL),
        STATUS_OK);
    assert_int_equal(open_tasks(w, FUND_TASK_REVIEW_DUE), 0);
    assert_int_equal(run(w, w->trustee_u[2], QUEUE, 0, 0, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(out, "items"), 0), "reviewed")));
    assert_int_equal(run(w, w->trustee_u[1], QUEUE, 0, 0, NULL, &out), STATUS_OK);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(out, "items"), 0), "conflict")));
    /* The application as fund users see it: two reviews, the average, the recused. */
    assert_int_equal(run(w, w->manager, GET, c.app_a, 0, NULL, &out), STATUS_OK);
    assert_int_equal(jint(out, "reviews_count"), 2);
    assert_string_equal(json_string_value(json_object_get(out, "average_score")), "3.63"); /* 29/8 = 3.625 */
    assert_int_equal(json_array_size(json_object_get(out, "recused")), 2);
    /* Award: the trustees cannot decide; the tranches must add up; then awarded once. */
    assert_int_equal(run(w, w->trustee_u[0], DECIDE, c.app_a, 0, award, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->manager, DECIDE, c.app_a, 0,
                         "{\"outcome\":\"award\",\"amount\":\"30,000\",\"start_date\":\"2026-01-01\","
                         "\"end_date\":\"2026-09-30\",\"tranches\":[{\"due_date\":\"2026-01-15\",\"amount\":\"1\"}]}",
                         NULL),
                     STATUS_INVALID);
    assert_int_equal(run(w, w->manager, DECIDE, c.app_a, 0, award, &out), STATUS_OK);
    assert_int_equal(jint(out, "amount_cents"), 3000000);
    assert_true(jint(out, "grant_id") > 0); /* part G's grant agreement, in the same transaction */
    assert_int_equal(run(w, w->manager, DECIDE, c.app_a, 0, award, NULL), STATUS_CONFLICT);
    assert_int_equal(run(w, w->manager, GET, c.app_a, 0, NULL, &out), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "awarded");
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "decision"), "outcome")), "award");
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fund_apps__groups),
        cmocka_unit_test_setup_teardown(test_fund_apps__board, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fund_apps__applications, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fund_apps__reviews, setup, teardown),
    };
    TEST_RUN_BOTH("fund_apps", tests, NULL, NULL);
}
