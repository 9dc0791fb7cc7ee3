/* test_plan_nap: national action plans and prevention (issue 9, part N) on SQLite and
 * PostgreSQL: plans (country of the vocabulary, period, status, If-Match version), actions mapped
 * to the Plan's paragraphs (an unknown id refused naming "paragraphs"), indicators, progress
 * reports per period (within the plan, one per period, values of known indicators, the narrative
 * sealed); the progress matrix at two dates (statuses, indicators met in both directions, an
 * action counted once per pillar, the gaps); the prevention kinds with their codes; the figures
 * by year and country; the figures for the implementation report without an audit entry; access
 * (plan.read / plan.write, 403 before 400, one audit entry per call). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "plan/nap.h"
#include "plan/prevent.h"
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
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
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
    NAP_ADD,
    NAP_UPDATE,
    NAP_LIST,
    NAP_GET,
    ACTION_ADD,
    ACTION_LIST,
    PROGRESS_ADD,
    PROGRESS_LIST,
    MATRIX,
    PREV_ADD,
    PREV_LIST,
    PREV_REPORT,
    NAP_FIGURES,
    PREV_FIGURES
};

struct op {
    enum opk k;
    int64_t id, version;
    const char *text, *text2;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    switch (o->k) {
    case NAP_ADD: return plan_nap_add(ctx, o->in, &o->out);
    case NAP_UPDATE: return plan_nap_update(ctx, o->id, o->version, o->in, &o->out);
    case NAP_LIST: return plan_nap_list(ctx, o->text, &o->out);
    case NAP_GET: return plan_nap_get(ctx, o->id, &o->out);
    case ACTION_ADD: return plan_action_add(ctx, o->id, o->in, &o->out);
    case ACTION_LIST: return plan_action_list(ctx, o->id, &o->out);
    case PROGRESS_ADD: return plan_progress_add(ctx, o->id, o->in, &o->out);
    case PROGRESS_LIST: return plan_progress_list(ctx, o->id, &o->out);
    case MATRIX: return plan_nap_matrix(ctx, o->id, o->text, &o->out);
    case PREV_ADD: return plan_prevention_add(ctx, o->text, o->in, &o->out);
    case PREV_LIST: return plan_prevention_list(ctx, o->text, o->text2, NULL, NULL, &o->out);
    case PREV_REPORT: return plan_prevention_report(ctx, (int)o->id, o->text, &o->out);
    case NAP_FIGURES: return plan_nap_figures(ctx, o->text, o->text2, &o->out);
    case PREV_FIGURES: return plan_prevention_figures(ctx, o->text, o->text2, NULL, &o->out);
    }
    return STATUS_INVALID;
}

/* Runs one operation as user; *out replaced (when out is not NULL). */
static enum status run(struct world *w, int64_t user, struct op o, const char *in, json_t **out)
{
    if (in != NULL) {
        o.in = json_loads(in, 0, NULL);
        assert_non_null(o.in);
    }
    struct test_as a;
    test_as_user(&w->t, &a, user);
    enum status st = auth_run(&a.ctx, op_run, &o);
    auth_principal_clear(&a.p);
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
static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static size_t audit_count(struct world *w)
{
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter f = {.limit = 1000};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    audit_entries_free(e, n);
    return n;
}

static const json_t *pillar(const json_t *m, const char *code)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(m, "pillars"), i, p)
    {
        if (strcmp(jstr(p, "pillar"), code) == 0) {
            return p;
        }
    }
    fail_msg("no pillar %s", code);
    return NULL;
}

static int64_t by_status(const json_t *m, const char *code, const char *status)
{
    return jint(json_object_get(pillar(m, code), "by_status"), status);
}

static bool in_array(const json_t *a, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (strcmp(json_string_value(v), s) == 0) {
            return true;
        }
    }
    return false;
}

static const char *plan_json = "{\"country\":\"GHA\",\"title\":\"National Plan of Action 2031-2034\","
                               "\"period_from\":\"2031-01-01\",\"period_to\":\"2034-12-31\","
                               "\"adopted_by\":\"Cabinet\",\"status\":\"adopted\"}";

static void test_plan_nap__plans_and_actions(void **state)
{
    struct world *w = *state;
    json_t *out = NULL;
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_ADD}, plan_json, &out), STATUS_OK);
    int64_t nap = jint(out, "id");
    assert_int_equal(jint(out, "version"), 1);
    assert_string_equal(jstr(out, "status"), "adopted");
    /* the country from the vocabulary, the period in order, the status known */
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_ADD},
            "{\"country\":\"XYZ\",\"title\":\"t\",\"period_from\":\"2031-01-01\",\"period_to\":\"2032-01-01\"}", NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_ADD},
            "{\"country\":\"GHA\",\"title\":\"t\",\"period_from\":\"2031-01-01\",\"period_to\":\"2030-01-01\"}", NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "period_to");
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_ADD},
            "{\"country\":\"GHA\",\"title\":\"t\",\"period_from\":\"2031-01-01\",\"period_to\":\"2032-01-01\","
            "\"status\":\"void\"}",
            NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "status");
    /* the update needs the stored version */
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_UPDATE, .id = nap, .version = 7}, "{\"status\":\"ended\"}", NULL),
        STATUS_CONFLICT);
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_UPDATE, .id = nap, .version = 1}, "{\"status\":\"ended\"}", &out),
        STATUS_OK);
    assert_int_equal(jint(out, "version"), 2);
    assert_string_equal(jstr(out, "status"), "ended");
    assert_string_equal(jstr(out, "title"), "National Plan of Action 2031-2034");
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_LIST, .text = "GHA"}, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(out), 1);
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_LIST, .text = "NGA"}, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(out), 0);

    /* actions: paragraphs from the Plan (unknown refused naming the field), indicators */
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
                         "{\"title\":\"x\",\"paragraphs\":[\"annex-12\",\"annex-62\"]}", NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "paragraphs");
    assert_int_equal(
        run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap}, "{\"title\":\"x\",\"paragraphs\":[]}", NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "paragraphs");
    assert_int_equal(
        run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
            "{\"title\":\"x\",\"paragraphs\":[\"annex-12\"],\"indicators\":[{\"name\":\"n\",\"target\":\"many\"}]}",
            NULL),
        STATUS_INVALID);
    assert_string_equal(err_last_field(), "target");
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
                         "{\"title\":\"x\",\"paragraphs\":[\"annex-12\"],\"agency_ids\":[424242]}", NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "agency_ids");
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = 12345},
                         "{\"title\":\"x\",\"paragraphs\":[\"annex-12\"]}", NULL),
                     STATUS_NOT_FOUND);
    char in[512];
    snprintf(in, sizeof in,
             "{\"title\":\"Train labour inspectors\",\"paragraphs\":[\"annex-23\",\"annex-21\"],"
             "\"bodies\":[\"Labour Department\"],\"agency_ids\":[%lld],"
             "\"indicators\":[{\"name\":\"inspectors trained\",\"unit\":\"people\",\"baseline\":0,\"target\":200}]}",
             (long long)w->agency);
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap}, in, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "paragraphs")), 2);
    assert_int_equal(jint(json_array_get(json_object_get(out, "indicators"), 0), "seq"), 1);
    assert_string_equal(jstr(json_array_get(json_object_get(out, "indicators"), 0), "direction"), "increase");
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_GET, .id = nap}, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "actions")), 1);
    assert_string_equal(jstr(json_array_get(json_object_get(out, "actions"), 0), "latest_status"), "no_report");
    json_decref(out);
}

static void test_plan_nap__progress_and_matrix(void **state)
{
    struct world *w = *state;
    json_t *out = NULL;
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_ADD}, plan_json, &out), STATUS_OK);
    int64_t nap = jint(out, "id");
    /* A: prevention twice (one pillar, counted once) and protection; B: prosecution, a decreasing
     * indicator; C: partnership, no report */
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
                         "{\"title\":\"A\",\"paragraphs\":[\"annex-16\",\"annex-17\",\"annex-29\"],"
                         "\"indicators\":[{\"name\":\"people reached\",\"target\":1000}]}",
                         &out),
                     STATUS_OK);
    int64_t a = jint(out, "id");
    assert_int_equal(
        run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
            "{\"title\":\"B\",\"paragraphs\":[\"annex-44\"],\"indicators\":[{\"name\":\"backlog\","
            "\"baseline\":300,\"target\":100,\"direction\":\"decrease\"},{\"name\":\"judges\",\"target\":5}]}",
            &out),
        STATUS_OK);
    int64_t b = jint(out, "id");
    assert_int_equal(run(w, w->coord, (struct op){.k = ACTION_ADD, .id = nap},
                         "{\"title\":\"C\",\"paragraphs\":[\"annex-57\"]}", NULL),
                     STATUS_OK);

    /* period within the plan; known status; known indicators; one report per period */
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2030-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"on_track\"}", NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "period_from");
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2031-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"fine\"}", NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "status");
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2031-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"on_track\","
                         "\"values\":[{\"indicator\":2,\"value\":1,\"measured_on\":\"2031-12-01\"}]}",
                         NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "indicator");
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2031-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"on_track\","
                         "\"values\":[{\"indicator\":1,\"value\":400,\"measured_on\":\"2031-12-01\"}],"
                         "\"narrative\":\"Secret narrative words\"}",
                         &out),
                     STATUS_OK);
    assert_string_equal(jstr(out, "narrative"), "Secret narrative words");
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2031-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"delayed\"}", NULL),
                     STATUS_CONFLICT);
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = a},
                         "{\"period_from\":\"2032-01-01\",\"period_to\":\"2032-12-31\",\"status\":\"completed\","
                         "\"values\":[{\"indicator\":1,\"value\":1200.5,\"measured_on\":\"2032-11-30\"}]}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = b},
                         "{\"period_from\":\"2031-01-01\",\"period_to\":\"2031-12-31\",\"status\":\"delayed\","
                         "\"values\":[{\"indicator\":1,\"value\":250,\"measured_on\":\"2031-12-01\"},"
                         "{\"indicator\":2,\"value\":5,\"measured_on\":\"2031-12-01\"}]}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_ADD, .id = b},
                         "{\"period_from\":\"2032-01-01\",\"period_to\":\"2032-12-31\",\"status\":\"on_track\","
                         "\"values\":[{\"indicator\":1,\"value\":90,\"measured_on\":\"2032-12-01\"}]}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PROGRESS_LIST, .id = a}, NULL, &out), STATUS_OK);
    assert_int_equal(json_array_size(out), 2);
    assert_string_equal(jstr(json_array_get(out, 0), "period_to"), "2031-12-31");

    /* the narrative is sealed: not in clear in the database */
    struct store_rows *rs = NULL;
    struct sql_value k[] = {SQLV_I64(a)};
    assert_int_equal(store_exec(w->t.store, STMT_PLAN_PROGRESS_LIST, k, 1, &rs), STATUS_OK);
    assert_int_equal(store_rows_next(rs), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(rs, 6, &len);
    assert_true(len > 0);
    assert_null(memmem(blob, len, "Secret", 6));
    store_rows_free(rs);

    /* the matrix at the end of the first period */
    assert_int_equal(run(w, w->coord, (struct op){.k = MATRIX, .id = nap, .text = "2031-12-31"}, NULL, &out),
                     STATUS_OK);
    assert_int_equal(jint(pillar(out, "prevent"), "actions"), 1); /* annex-16 and 17: once */
    assert_int_equal(by_status(out, "prevent", "on_track"), 1);
    assert_int_equal(jint(pillar(out, "prevent"), "indicators_met"), 0);
    assert_int_equal(jint(pillar(out, "protect"), "actions"), 1);
    assert_int_equal(by_status(out, "prosecute", "delayed"), 1);
    assert_int_equal(jint(pillar(out, "prosecute"), "indicators"), 2);
    assert_int_equal(jint(pillar(out, "prosecute"), "indicators_met"), 1); /* judges 5 >= 5; backlog 250 > 100 */
    assert_int_equal(by_status(out, "partner", "no_report"), 1);
    assert_int_equal(jint(pillar(out, "general"), "actions"), 0);
    const json_t *gaps = json_object_get(out, "gaps");
    assert_true(in_array(gaps, "annex-12"));
    assert_true(in_array(gaps, "op-1"));
    assert_false(in_array(gaps, "annex-16"));
    assert_false(in_array(gaps, "annex-57"));
    assert_int_equal(json_array_size(gaps), 68 - 5);
    /* before any report: every action has none */
    assert_int_equal(run(w, w->coord, (struct op){.k = MATRIX, .id = nap, .text = "2031-06-30"}, NULL, &out),
                     STATUS_OK);
    assert_int_equal(by_status(out, "prevent", "no_report"), 1);
    /* at the end of the second period: A completed and met, B's backlog met (90 <= 100) */
    assert_int_equal(run(w, w->coord, (struct op){.k = MATRIX, .id = nap, .text = "2032-12-31"}, NULL, &out),
                     STATUS_OK);
    assert_int_equal(by_status(out, "prevent", "completed"), 1);
    assert_int_equal(jint(pillar(out, "prevent"), "indicators_met"), 1);
    assert_true(json_number_value(json_object_get(pillar(out, "prevent"), "share_completed")) > 0.999);
    assert_int_equal(jint(pillar(out, "prosecute"), "indicators_met"), 2);
    assert_int_equal(jint(json_object_get(json_object_get(out, "total"), "by_status"), "completed"), 1);
    assert_int_equal(jint(json_object_get(out, "total"), "actions"), 3);
    assert_int_equal(run(w, w->coord, (struct op){.k = MATRIX, .id = nap, .text = "2032-13-01"}, NULL, NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "at");

    /* the figures for the implementation report: no audit entry of their own */
    size_t before = audit_count(w);
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_FIGURES, .text = "2032-01-01", .text2 = "2032-12-31"}, NULL, &out),
        STATUS_OK);
    assert_int_equal(audit_count(w), before);
    assert_int_equal(jint(out, "plans"), 1);
    assert_int_equal(jint(out, "actions"), 3);
    assert_int_equal(jint(out, "reports"), 2);
    assert_int_equal(jint(json_object_get(out, "reports_by_status"), "completed"), 1);
    assert_int_equal(jint(out, "paragraphs_covered"), 5);
    assert_int_equal(
        run(w, w->coord, (struct op){.k = NAP_FIGURES, .text = "2040-01-01", .text2 = "2040-12-31"}, NULL, &out),
        STATUS_OK);
    assert_int_equal(jint(out, "plans"), 0);
    json_decref(out);
}

static void test_plan_nap__prevention(void **state)
{
    struct world *w = *state;
    json_t *out = NULL;
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "campaign"},
                         "{\"country\":\"GHA\",\"title\":\"Safe work abroad\",\"audiences\":[\"migrants\"],"
                         "\"channels\":[\"radio\",\"schools\"],\"languages\":[\"eng\",\"twi\"],\"period_from\":"
                         "\"2031-11-01\",\"period_to\":\"2032-02-28\",\"reach\":50000,\"paragraphs\":[\"annex-16\"],"
                         "\"note\":\"Contact Ama\"}",
                         &out),
                     STATUS_OK);
    assert_string_equal(jstr(out, "note"), "Contact Ama");
    assert_string_equal(jstr(out, "reach_kind"), "estimated");
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "campaign"},
                         "{\"country\":\"GHA\",\"title\":\"t\",\"audiences\":[\"aliens\"],\"channels\":[\"radio\"],"
                         "\"period_from\":\"2032-01-01\",\"period_to\":\"2032-02-01\"}",
                         NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "audiences");
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "campaign"},
                         "{\"country\":\"GHA\",\"title\":\"t\",\"audiences\":[\"migrants\"],\"channels\":[\"radio\"],"
                         "\"languages\":[\"zz9\"],\"period_from\":\"2032-01-01\",\"period_to\":\"2032-02-01\"}",
                         NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "languages");
    char in[512];
    snprintf(in, sizeof in,
             "{\"country\":\"GHA\",\"date\":\"2032-03-10\",\"audience\":\"labour_inspectors\",\"participants\":"
             "{\"women\":7,\"men\":9,\"other\":1},\"topics\":[\"labour_exploitation\",\"identification\"],"
             "\"organiser_agency_id\":%lld,\"hours\":12}",
             (long long)w->agency);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "training"}, in, &out), STATUS_OK);
    assert_int_equal(jint(json_object_get(out, "participants"), "total"), 17);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "training"},
                         "{\"country\":\"GHA\",\"date\":\"2032-03-10\",\"audience\":\"police\",\"participants\":{},"
                         "\"topics\":[\"identification\"]}",
                         NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "participants");
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "training"},
                         "{\"country\":\"GHA\",\"date\":\"2032-03-10\",\"audience\":\"police\",\"participants\":"
                         "{\"men\":3},\"topics\":[\"identification\"]}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "idwork"},
                         "{\"country\":\"GHA\",\"activity\":\"Mobile birth registration\",\"period_from\":"
                         "\"2032-01-01\",\"period_to\":\"2032-06-30\",\"people\":3100}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "supplychain"},
                         "{\"country\":\"CIV\",\"company\":\"Cocoa sector\",\"measure\":\"audit\",\"date\":"
                         "\"2032-05-01\",\"coverage\":12,\"coverage_kind\":\"companies\"}",
                         NULL),
                     STATUS_OK);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "supplychain"},
                         "{\"country\":\"CIV\",\"company\":\"x\",\"measure\":\"boycott\",\"date\":\"2032-05-01\"}",
                         NULL),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "measure");
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_ADD, .text = "leaflet"}, "{}", NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_LIST, .text = "training", .text2 = "GHA"}, NULL, &out),
                     STATUS_OK);
    assert_int_equal(json_array_size(out), 2);

    /* the figures of 2032: the campaign overlaps the year, counted whole */
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_REPORT, .id = 2032}, NULL, &out), STATUS_OK);
    const json_t *t = json_object_get(out, "total");
    assert_int_equal(jint(t, "campaigns"), 1);
    assert_int_equal(jint(t, "people_reached"), 50000);
    assert_int_equal(jint(t, "officials_trained"), 20);
    assert_int_equal(jint(json_object_get(json_object_get(t, "officials_by_audience"), "labour_inspectors"), "women"),
                     7);
    assert_int_equal(jint(json_object_get(json_object_get(t, "officials_by_audience"), "police"), "men"), 3);
    assert_int_equal(jint(t, "people_registered"), 3100);
    assert_int_equal(jint(t, "supplychain_measures"), 1);
    assert_int_equal(jint(t, "companies_covered"), 12);
    assert_int_equal(jint(json_object_get(t, "measures_by_kind"), "audit"), 1);
    assert_int_equal(json_array_size(json_object_get(out, "countries")), 2);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_REPORT, .id = 2032, .text = "CIV"}, NULL, &out), STATUS_OK);
    assert_int_equal(jint(json_object_get(out, "total"), "people_reached"), 0);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_REPORT, .id = 2033}, NULL, &out), STATUS_OK);
    assert_int_equal(jint(json_object_get(out, "total"), "campaigns"), 0);
    assert_int_equal(run(w, w->coord, (struct op){.k = PREV_REPORT, .id = 2031}, NULL, &out), STATUS_OK);
    assert_int_equal(jint(json_object_get(out, "total"), "campaigns"), 1);
    /* for part K: no audit entry */
    size_t before = audit_count(w);
    assert_int_equal(
        run(w, w->coord, (struct op){.k = PREV_FIGURES, .text = "2032-03-01", .text2 = "2032-03-31"}, NULL, &out),
        STATUS_OK);
    assert_int_equal(audit_count(w), before);
    assert_int_equal(jint(json_object_get(out, "total"), "trainings"), 2);
    assert_int_equal(jint(json_object_get(out, "total"), "people_registered"), 3100);
    json_decref(out);
}

static void test_plan_nap__access(void **state)
{
    struct world *w = *state;
    size_t before = audit_count(w);
    /* denied before the input is looked at (403 before 400), audited once each */
    assert_int_equal(run(w, w->worker, (struct op){.k = NAP_ADD}, "{\"country\":\"nope\"}", NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, (struct op){.k = NAP_LIST, .text = "nope"}, NULL, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, (struct op){.k = MATRIX, .id = 1, .text = "bad"}, NULL, NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, (struct op){.k = PREV_ADD, .text = "leaflet"}, "{}", NULL), STATUS_DENIED);
    assert_int_equal(run(w, w->worker, (struct op){.k = PREV_REPORT, .id = 1}, NULL, NULL), STATUS_DENIED);
    assert_int_equal(audit_count(w), before + 5);
    /* one entry per call for the coordinator */
    before = audit_count(w);
    json_t *out = NULL;
    assert_int_equal(run(w, w->coord, (struct op){.k = NAP_ADD}, plan_json, &out), STATUS_OK);
    assert_int_equal(audit_count(w), before + 1);
    assert_int_equal(run(w, w->coord, (struct op){.k = MATRIX, .id = jint(out, "id")}, NULL, NULL), STATUS_OK);
    assert_int_equal(audit_count(w), before + 2);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plan_nap__plans_and_actions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_nap__progress_and_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_nap__prevention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_nap__access, setup, teardown),
    };
    TEST_RUN_BOTH("plan_nap", tests, NULL, NULL);
}
