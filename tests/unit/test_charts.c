/* test_charts: the report's charts as data (issue 6, item 7) on SQLite and PostgreSQL: each
 * chart's series come from the cases and proceedings (3 women and 1 girl in 2024 give those
 * bars), labels are translated (Arabic right to left), a release hides a small cell and needs
 * stats.publish, and the charts draw as SVG and PNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "stats/charts.h"
#include "stats/regions.h"
#include "stats/release.h"
#include "testdata.h"
#include "testlib.h"

struct fix {
    struct test_env t;
    int64_t agency;
    int64_t analyst;
};

/* Two offenders: one contacted, prosecuted and convicted in 2024, one only contacted in 2024. */
static void add_proceedings(struct test_env *t, int64_t agency)
{
    int64_t inv = 0, off = 0, sus = 0, ch = 0;
    test_convicted(t, agency, &inv, &off);
    json_t *o = test_json("{\"kind\":\"natural\",\"sex\":\"female\",\"age\":35,\"citizenship\":\"NGA\"}");
    assert_int_equal(justice_suspect_add(&t->ctx, inv, o, &sus), STATUS_OK);
    json_decref(o);
    o = json_pack("{sIsIss}", "suspect_id", (json_int_t)sus, "offence_id", (json_int_t)off, "contacted", "2024-04-01");
    assert_int_equal(justice_charge_add(&t->ctx, inv, o, &ch), STATUS_OK);
    json_decref(o);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    assert_int_equal(i18n_init(), STATUS_OK);
    test_env_open(&f->t);
    assert_int_equal(vocab_init(f->t.store), STATUS_OK);
    f->agency = test_agency(&f->t, "NAPTIP");
    f->analyst = test_user(&f->t, "ana", f->agency, "analyst", "all");
    store_tx_begin(f->t.store, STORE_TX_WRITE);
    /* 2024: 3 women (sexual exploitation) and 1 girl (forced labour), all Nigerians exploited in
     * Nigeria; 2023: 1 man (forced labour) from Benin exploited in Nigeria. */
    for (int i = 0; i < 3; i++) {
        test_case_add(&f->t, f->agency, "Feminine", "30", "SexualExploitation", "NGA", "NGA", "2024");
    }
    test_case_add(&f->t, f->agency, "Feminine", "16", "ForcedLabour", "NGA", "NGA", "2024");
    test_case_add(&f->t, f->agency, "Masculine", "40", "ForcedLabour", "BEN", "NGA", "2023");
    add_proceedings(&f->t, f->agency);
    assert_int_equal(store_tx_commit(f->t.store), STATUS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    test_env_close(&f->t);
    free(f);
    return 0;
}

static int years_from = 2023, years_to = 2024;

static enum status build(const struct auth_ctx *ctx, const char *name, const char *lang, bool release,
                         struct stats_chart **out)
{
    struct stats_chart_query q = {years_from, years_to, lang, release};
    store_tx_begin(ctx->store, STORE_TX_WRITE);
    enum status st = stats_chart_build(ctx, name, &q, out);
    if (st == STATUS_OK) {
        assert_int_equal(store_tx_commit(ctx->store), STATUS_OK);
    } else {
        store_tx_rollback(ctx->store);
    }
    return st;
}

static void test_sex_age(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    assert_int_equal(build(&f->t.ctx, "victims-sex-age", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.kind, CHART_STACKED);
    assert_int_equal(c->chart.ncat, 2);
    assert_string_equal(c->chart.categories[0], "2023");
    assert_int_equal(c->chart.nseries, 5);
    assert_string_equal(c->chart.series[0].name, "Women");
    assert_string_equal(c->chart.series[2].name, "Girls");
    assert_true(stats_chart_value(c, 0, "2024") == 3); /* women */
    assert_true(stats_chart_value(c, 1, "2024") == 0); /* men */
    assert_true(stats_chart_value(c, 2, "2024") == 1); /* girls */
    assert_true(stats_chart_value(c, 3, "2024") == 0); /* boys */
    assert_true(stats_chart_value(c, 1, "2023") == 1); /* the man in 2023 */
    assert_false(c->released);
    assert_false(c->chart.rtl);
    assert_string_equal(c->chart.note, "Exact figures for internal use.");
    uint8_t *svg = NULL, *png = NULL;
    size_t ns = 0, np = 0;
    assert_int_equal(stats_chart_render(c, CHART_SVG, 0, 0, &svg, &ns), STATUS_OK);
    assert_true(ns > 100 && memmem(svg, ns, "<svg", 4) != NULL);
    assert_int_equal(stats_chart_render(c, CHART_PNG, 400, 300, &png, &np), STATUS_OK);
    assert_true(np > 8 && memcmp(png, "\x89PNG", 4) == 0);
    free(svg);
    free(png);
    stats_chart_free(c);
}

static void test_forms_trends_funnel(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    assert_int_equal(build(&f->t.ctx, "victims-forms", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.nseries, 3);             /* no unknown form */
    assert_true(stats_chart_value(c, 0, "2024") == 3); /* sexual exploitation */
    assert_true(stats_chart_value(c, 1, "2024") == 1); /* forced labour */
    assert_true(stats_chart_value(c, 1, "2023") == 1);
    assert_true(stats_chart_value(c, 2, "2024") == 0);
    stats_chart_free(c);

    assert_int_equal(build(&f->t.ctx, "trends", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.kind, CHART_LINES);
    assert_true(stats_chart_value(c, 0, "2024") == 4);
    assert_true(stats_chart_value(c, 0, "2023") == 1);
    assert_true(stats_chart_value(c, 1, "2024") == 1); /* convicted */
    assert_true(stats_chart_value(c, 1, "2023") == 0);
    stats_chart_free(c);

    assert_int_equal(build(&f->t.ctx, "funnel", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.kind, CHART_BARS);
    assert_string_equal(c->chart.series[0].name, "Brought into formal contact");
    assert_true(stats_chart_value(c, 0, "2024") == 2);
    assert_true(stats_chart_value(c, 1, "2024") == 1);
    assert_true(stats_chart_value(c, 2, "2024") == 1);
    stats_chart_free(c);
}

static void test_flows(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    /* Flows count the cases opened in the years (as stats_flows): these were opened today. */
    years_from = 2000;
    years_to = 2029;
    assert_int_equal(build(&f->t.ctx, "flows-reach", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.ncat, 4);
    assert_string_equal(c->chart.categories[0], "Domestic");
    assert_true(c->chart.series[0].values[0] == 4); /* NGA -> NGA */
    assert_true(c->chart.series[0].values[1] == 1); /* BEN -> NGA: same subregion */
    stats_chart_free(c);

    /* Under the default threshold (5) no pair is listed: the reach bars with a note. */
    assert_int_equal(build(&f->t.ctx, "flows", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.kind, CHART_BARS);
    assert_non_null(strstr(c->chart.note, "No flow reaches"));
    stats_chart_free(c);

    store_tx_begin(f->t.store, STORE_TX_WRITE);
    assert_int_equal(stats_setting_put(&f->t.ctx, "flow_threshold", "1"), STATUS_OK);
    assert_int_equal(store_tx_commit(f->t.store), STATUS_OK);
    assert_int_equal(build(&f->t.ctx, "flows", "en", false, &c), STATUS_OK);
    assert_int_equal(c->chart.kind, CHART_FLOWS);
    assert_int_equal(c->chart.nflows, 2);
    assert_string_equal(c->chart.flows[0].from, "Nigeria");
    assert_true(c->chart.flows[0].value == 4);
    uint8_t *svg = NULL;
    size_t ns = 0;
    assert_int_equal(stats_chart_render(c, CHART_SVG, 0, 0, &svg, &ns), STATUS_OK);
    free(svg);
    stats_chart_free(c);
    store_tx_begin(f->t.store, STORE_TX_WRITE);
    assert_int_equal(stats_setting_put(&f->t.ctx, "flow_threshold", "5"), STATUS_OK);
    assert_int_equal(store_tx_commit(f->t.store), STATUS_OK);
    /* Years before any case was opened: no victim. */
    years_from = 2000;
    years_to = 2001;
    assert_int_equal(build(&f->t.ctx, "flows-reach", "en", false, &c), STATUS_OK);
    assert_true(c->chart.series[0].values[0] == 0);
    stats_chart_free(c);
    years_from = 2023;
    years_to = 2024;
}

static void test_arabic(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    assert_int_equal(build(&f->t.ctx, "victims-sex-age", "ar", false, &c), STATUS_OK);
    assert_true(c->chart.rtl);
    assert_string_equal(c->chart.lang, "ar");
    assert_string_equal(c->chart.title, "الضحايا المكتشفون حسب الجنس والعمر");
    assert_string_equal(c->chart.series[0].name, "النساء");
    assert_string_equal(c->chart.series[2].name, "الفتيات");
    assert_true(stats_chart_value(c, 0, "2024") == 3);
    uint8_t *png = NULL;
    size_t np = 0;
    assert_int_equal(stats_chart_render(c, CHART_PNG, 0, 0, &png, &np), STATUS_OK);
    free(png);
    stats_chart_free(c);
    assert_int_equal(build(&f->t.ctx, "funnel", "zh", false, &c), STATUS_OK);
    assert_false(c->chart.rtl);
    assert_string_equal(c->chart.series[2].name, "被定罪人员");
    stats_chart_free(c);
}

static void test_release(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    assert_int_equal(build(&f->t.ctx, "victims-sex-age", "en", true, &c), STATUS_OK);
    assert_true(c->released);
    assert_true(c->release_id > 0);
    assert_true(c->suppressed > 0);
    assert_true(stats_chart_value(c, 2, "2024") == 0); /* the girl: under 5, hidden */
    assert_true(stats_chart_value(c, 0, "2024") == 0); /* 3 women: under 5 too */
    assert_non_null(strstr(c->chart.note, "<5 suppressed"));
    stats_chart_free(c);

    /* The release was recorded. */
    json_t *list = NULL;
    store_tx_begin(f->t.store, STORE_TX_WRITE);
    assert_int_equal(stats_releases_list(&f->t.ctx, "chart-victims-sex-age", 10, &list), STATUS_OK);
    store_tx_commit(f->t.store);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);

    /* An analyst reads exact figures but may not release. */
    struct test_as a;
    test_as_user(&f->t, &a, f->analyst);
    assert_int_equal(build(&a.ctx, "trends", "en", false, &c), STATUS_OK);
    assert_true(stats_chart_value(c, 0, "2024") == 4);
    stats_chart_free(c);
    assert_int_equal(build(&a.ctx, "trends", "en", true, &c), STATUS_DENIED);
    assert_null(c);
    auth_principal_clear(&a.p);
}

static void test_invalid(void **state)
{
    struct fix *f = *state;
    struct stats_chart *c = NULL;
    assert_int_equal(build(&f->t.ctx, "pie", "en", false, &c), STATUS_INVALID);
    assert_string_equal(err_last_field(), "name");
    assert_int_equal(build(&f->t.ctx, "trends", "de", false, &c), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lang");
    struct stats_chart_query q = {2024, 2023, "en", false};
    assert_int_equal(stats_chart_trends(&f->t.ctx, &q, &c), STATUS_INVALID);
    assert_string_equal(err_last_field(), "year_to");
    q = (struct stats_chart_query){1990, 2024, "en", false};
    assert_int_equal(stats_chart_trends(&f->t.ctx, &q, &c), STATUS_INVALID);
    assert_null(c);
    assert_true(stats_chart_name_valid("flows-reach"));
    assert_false(stats_chart_name_valid("flows-"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sex_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forms_trends_funnel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arabic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
    };
    TEST_RUN_BOTH("charts", tests, NULL, NULL);
}
