/* test_plan_report: the implementation report of the Plan of Action (issue 9, part K). Its figures
 * equal the statistics functions' for the same period (victims as `ctis stats victims --by year`,
 * offenders per stage as `ctis stats offenders --by year --stage S`), or their releases with a
 * release spec; two periods side by side with the change; plan.read and the modules' permissions;
 * and the Arabic PDF checked as images the way test_report.c does: ink on every page, the title
 * starting on the right, joined letters. On SQLite and PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "justice/stats.h"
#include "pdf/pdf.h"
#include "plan/report.h"
#include "stats/release.h"
#include "pdfcheck.h"
#include "testdata.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/util.h"

struct world {
    struct test_env t;
    int64_t agency, coord, analyst;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    assert_int_equal(i18n_init(), STATUS_OK);
    w->agency = test_agency(&w->t, "NAPTIP");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    w->analyst = test_user(&w->t, "analyst", w->agency, "analyst", "all");
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    for (int i = 0; i < 23; i++) {
        test_case_add(&w->t, w->agency, i % 3 ? "Feminine" : "Masculine", i % 4 ? "30" : "15",
                      i % 5 ? "SexualExploitation" : "ForcedLabour", "NGA", "NGA", i % 2 ? "2024" : "2025");
    }
    int64_t inv = 0, off = 0;
    test_convicted(&w->t, w->agency, &inv, &off);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
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
    struct plan_report_query q;
    const char *lang;
    json_t *out;
    uint8_t *pdf;
    size_t len;
};

static enum status op_report(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    enum status st = plan_report_build(ctx, &o->q, &o->out);
    if (st == STATUS_OK && o->lang != NULL) {
        st = plan_report_pdf(o->out, o->lang, &o->pdf, &o->len);
    }
    return st;
}

struct stats_op {
    int64_t from, to;
    const char *stage;
    int64_t total;
};

static enum status op_victims(const struct auth_ctx *ctx, void *p)
{
    struct stats_op *o = p;
    const char *by[] = {"year"};
    struct case_stat_row *r = NULL;
    size_t n = 0;
    enum status st = case_stats_victims(ctx, by, 1, o->from, o->to, &r, &n);
    for (size_t i = 0; i < n; i++) {
        o->total += r[i].count;
    }
    case_stats_free(r, n);
    return st;
}

static enum status op_offenders(const struct auth_ctx *ctx, void *p)
{
    struct stats_op *o = p;
    struct justice_stats_query q = {
        .by = {"year"}, .by_count = 1, .stage = o->stage, .from_ms = o->from, .to_ms = o->to};
    const char *names[JUSTICE_STATS_KEYS];
    size_t nn = 0, n = 0;
    struct justice_stat_row *r = NULL;
    enum status st = justice_stats_offenders(ctx, &q, names, &nn, &r, &n);
    for (size_t i = 0; i < n; i++) {
        o->total += r[i].count;
    }
    justice_stats_free(r, n);
    return st;
}

static const json_t *row_value(const json_t *report, const char *key)
{
    size_t i, j;
    json_t *s, *r;
    json_array_foreach(json_object_get(report, "sections"), i, s)
    {
        json_array_foreach(json_object_get(s, "rows"), j, r)
        {
            if (strcmp(json_string_value(json_object_get(r, "key")), key) == 0) {
                return json_object_get(r, "value");
            }
        }
    }
    fail_msg("no row %s", key);
    return NULL;
}

static void test_plan_report__figures_equal_stats(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {.q = {.from = "2000-01-01", .to = "2099-12-31"}};
    assert_int_equal(auth_run(&a.ctx, op_report, &o), STATUS_OK);
    struct stats_op v = {0};
    assert_int_equal(util_time_parse(&v.from, "2000-01-01"), STATUS_OK);
    assert_int_equal(util_time_parse_end(&v.to, "2099-12-31"), STATUS_OK);
    assert_int_equal(auth_run(&a.ctx, op_victims, &v), STATUS_OK);
    assert_int_equal(v.total, 23);
    assert_int_equal(json_integer_value(row_value(o.out, "victims_identified")), v.total);
    /* the victims table is the statistics module's own */
    json_t *table = json_object_get(json_object_get(o.out, "stats"), "victims_by_year");
    assert_true(json_array_size(table) >= 1);
    static const char *const stages[] = {"contact", "prosecuted", "convicted"};
    static const char *const keys[] = {"offenders_contact", "offenders_prosecuted", "offenders_convicted"};
    for (size_t k = 0; k < 3; k++) {
        struct stats_op f = {.from = v.from, .to = v.to, .stage = stages[k]};
        assert_int_equal(auth_run(&a.ctx, op_offenders, &f), STATUS_OK);
        assert_int_equal(f.total, 1);
        assert_int_equal(json_integer_value(row_value(o.out, keys[k])), f.total);
    }
    assert_int_equal(json_integer_value(row_value(o.out, "practices_published")), 0);
    assert_true(json_is_null(json_object_get(o.out, "release")));
    json_decref(o.out);
    /* A period before everything: zeros; two periods side by side with the change. */
    struct op c = {
        .q = {.from = "1990-01-01", .to = "1990-12-31", .compare_from = "2000-01-01", .compare_to = "2099-12-31"}};
    assert_int_equal(auth_run(&a.ctx, op_report, &c), STATUS_OK);
    assert_int_equal(json_integer_value(row_value(c.out, "victims_identified")), 0);
    assert_int_equal(json_integer_value(row_value(json_object_get(c.out, "compare"), "victims_identified")), 23);
    size_t i;
    json_t *ch;
    bool seen = false;
    json_array_foreach(json_object_get(c.out, "changes"), i, ch)
    {
        if (strcmp(json_string_value(json_object_get(ch, "key")), "victims_identified") == 0) {
            assert_int_equal(json_integer_value(json_object_get(ch, "change")), -23); /* a - b */
            seen = true;
        }
    }
    assert_true(seen);
    json_decref(c.out);
    /* Bad periods name their field. */
    struct op bad = {.q = {.from = "2025-02-30", .to = "2025-12-31"}};
    assert_int_equal(auth_run(&a.ctx, op_report, &bad), STATUS_INVALID);
    assert_string_equal(err_last_field(), "from");
    bad.q.from = "2025-12-31";
    bad.q.to = "2025-01-01";
    assert_int_equal(auth_run(&a.ctx, op_report, &bad), STATUS_INVALID);
    assert_string_equal(err_last_field(), "to");
    auth_principal_clear(&a.p);
}

static void test_plan_report__release_and_permissions(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct stats_release_spec spec = {"suppress", 5, 0};
    struct op o = {.q = {.from = "2000-01-01", .to = "2099-12-31", .release = &spec}};
    assert_int_equal(auth_run(&a.ctx, op_report, &o), STATUS_OK);
    /* 23 victims stay (above the threshold); one offender per stage is suppressed */
    assert_int_equal(json_integer_value(row_value(o.out, "victims_identified")), 23);
    assert_string_equal(json_string_value(row_value(o.out, "offenders_convicted")), "<5");
    const json_t *rel = json_object_get(json_object_get(o.out, "stats"), "victims_by_year");
    assert_non_null(json_object_get(rel, "release"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(rel, "release"), "dataset")), "victims");
    json_decref(o.out);
    auth_principal_clear(&a.p);
    /* The analyst has no plan.read. */
    test_as_user(&w->t, &a, w->analyst);
    struct op o2 = {.q = {.from = "2000-01-01", .to = "2099-12-31"}};
    assert_int_equal(auth_run(&a.ctx, op_report, &o2), STATUS_DENIED);
    auth_principal_clear(&a.p);
}

static void test_plan_report__arabic_pdf(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {
        .q = {.from = "2024-01-01", .to = "2025-12-31", .compare_from = "2022-01-01", .compare_to = "2023-12-31"},
        .lang = "ar"};
    assert_int_equal(auth_run(&a.ctx, op_report, &o), STATUS_OK);
    assert_memory_equal(o.pdf, "%PDF-", 5);
    char *info = run_on(o.pdf, o.len, "pdfinfo", "", NULL);
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int pages = atoi(p + 6);
    assert_true(pages >= 1);
    free(info);
    /* Every page renders with ink. */
    for (int pg = 1; pg <= pages; pg++) {
        struct image im;
        rasterise(o.pdf, o.len, pg, &im);
        long ink = 0;
        for (long i = 0; i < (long)im.w * im.h; i++) {
            ink += im.px[i] < 128;
        }
        if (ink < 2000) {
            fail_msg("page %d has %ld dark pixels", pg, ink);
        }
        free(im.data);
    }
    /* Page 1: the title, right-aligned, joined. */
    struct image im;
    rasterise(o.pdf, o.len, 1, &im);
    int top = 0, bottom = 0, xmin = 0, xmax = 0;
    title_band(o.pdf, o.len, &top, &bottom);
    int joined = blobs(&im, top, bottom, &xmin, &xmax);
    assert_true(xmax > im.w * 85 / 100); /* the start of a right-to-left line is on the right */
    assert_true(xmin > im.w * 15 / 100); /* and the title does not run across the page */
    free(im.data);
    /* The same title drawn with every letter unjoined. */
    char *apart = unjoined(i18n_get("ar", "plan.report.title"));
    struct pdf_doc *d = NULL;
    assert_int_equal(pdf_doc_new("ar", PDF_RTL, &d), STATUS_OK);
    assert_int_equal(pdf_doc_title(d, apart), STATUS_OK);
    assert_int_equal(pdf_doc_paragraph(d, "."), STATUS_OK);
    uint8_t *ctl = NULL;
    size_t ctl_len = 0;
    assert_int_equal(pdf_doc_finish(d, &ctl, &ctl_len), STATUS_OK);
    pdf_doc_free(d);
    rasterise(ctl, ctl_len, 1, &im);
    title_band(ctl, ctl_len, &top, &bottom);
    int separate = blobs(&im, top, bottom, &xmin, &xmax);
    free(im.data);
    fprintf(stderr, "title blobs: %d joined, %d apart\n", joined, separate);
    if (!(joined * 100 < separate * 80)) {
        fail_msg("the title's letters do not join: %d blobs, %d when forced apart", joined, separate);
    }
    free(ctl);
    free(apart);
    /* The text layer holds the Arabic labels. */
    char *text = run_on(o.pdf, o.len, "pdftotext -q -enc UTF-8", "-", NULL);
    assert_non_null(strstr(text, "تنفيذ خطة العمل"));
    assert_non_null(strstr(text, "الضحايا"));
    free(text);
    free(o.pdf);
    json_decref(o.out);
    /* The other languages render too; an unknown one is refused. */
    static const char *const langs[] = {"en", "fr", "es", "ru", "zh"};
    for (size_t k = 0; k < 5; k++) {
        struct op e = {.q = {.from = "2024-01-01", .to = "2025-12-31"}, .lang = langs[k]};
        assert_int_equal(auth_run(&a.ctx, op_report, &e), STATUS_OK);
        assert_memory_equal(e.pdf, "%PDF-", 5);
        free(e.pdf);
        json_decref(e.out);
    }
    struct op x = {.q = {.from = "2024-01-01", .to = "2025-12-31"}, .lang = "xx"};
    assert_int_equal(auth_run(&a.ctx, op_report, &x), STATUS_INVALID);
    json_decref(x.out);
    auth_principal_clear(&a.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plan_report__figures_equal_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_report__release_and_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_report__arabic_pdf, setup, teardown),
    };
    TEST_RUN_BOTH("plan_report", tests, NULL, NULL);
}
