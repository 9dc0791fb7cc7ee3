/* test_report: the biennial report (issue 6, "Done when": the PDF report renders, checked as
 * images, with connected right-to-left Arabic text). The Arabic report of a small instance is
 * rasterised with pdftoppm: every page has ink; the title sits on the right; and its letters are
 * joined: the title has far fewer connected blobs of ink than the same title drawn with a
 * zero-width non-joiner after every letter (which forces the unjoined forms). Also: the English
 * report, the releases it records, and who may build it. On SQLite and PostgreSQL. */
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
#include "pdf/pdf.h"
#include "stats/release.h"
#include "stats/report.h"
#include "pdfcheck.h"
#include "testdata.h"
#include "testlib.h"
#include "util/buf.h"

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
    for (int i = 0; i < 40; i++) {
        const char *year = i % 2 ? "2024" : "2025";
        test_case_add(&w->t, w->agency, i % 3 ? "Feminine" : "Masculine", i % 4 ? "30" : "15",
                      i % 5 ? "SexualExploitation" : "ForcedLabour", i % 6 ? "NGA" : "BEN", i % 7 ? "NGA" : "GBR",
                      year);
    }
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
    struct report_biennial r;
    uint8_t *pdf;
    size_t len;
};

static enum status op_report(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return report_biennial_pdf(ctx, &o->r, &o->pdf, &o->len);
}

static void test_report__arabic_rendered_connected_rtl(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {{"NGA", 2024, 2025, "ar", 0}, NULL, 0};
    assert_int_equal(auth_run(&a.ctx, op_report, &o), STATUS_OK);
    assert_memory_equal(o.pdf, "%PDF-", 5);
    char *info = run_on(o.pdf, o.len, "pdfinfo", "", NULL);
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int pages = atoi(p + 6);
    assert_true(pages >= 3);
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
    free(im.data);
    /* The same title drawn with every letter unjoined. */
    char years[32];
    snprintf(years, sizeof years, "\xe2\x81\xa6%d\xe2\x80\x93\xe2\x81\xa0%d\xe2\x81\xa9", 2024, 2025);
    const char *country = vocab_label("country", "NGA", "ar");
    char *title = i18n_format("ar", "biennial.title", "country", country, "years", years, NULL);
    char *apart = unjoined(title);
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
    free(title);
    /* The text layer holds the Arabic words (in logical order, whatever pdftotext makes of lines). */
    char *text = run_on(o.pdf, o.len, "pdftotext -q -enc UTF-8", "-", NULL);
    assert_non_null(strstr(text, "التدفقات"));
    free(text);
    free(o.pdf);
    auth_principal_clear(&a.p);
}

static enum status op_count(const struct auth_ctx *ctx, void *p)
{
    json_t **out = p;
    return stats_releases_list(ctx, NULL, 100, out);
}

static void test_report__english_releases_and_permissions(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {{NULL, 2024, 2025, "en", 0}, NULL, 0}; /* the country of the coordinator's agency */
    assert_int_equal(auth_run(&a.ctx, op_report, &o), STATUS_OK);
    char *text = run_on(o.pdf, o.len, "pdftotext -q -enc UTF-8", "-", NULL);
    assert_non_null(strstr(text, "Detected victims by sex and age"));
    assert_non_null(strstr(text, "Flows"));
    assert_non_null(strstr(text, "<5")); /* small cells are suppressed */
    free(text);
    free(o.pdf);
    /* Each table was released and recorded. */
    json_t *list = NULL;
    assert_int_equal(auth_run(&a.ctx, op_count, &list), STATUS_OK);
    size_t i, report = 0;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        report += strncmp(json_string_value(json_object_get(r, "dataset")), "biennial.", 9) == 0;
    }
    assert_true(report >= 5);
    json_decref(list);
    auth_principal_clear(&a.p);
    /* The analyst reads figures but does not publish. */
    test_as_user(&w->t, &a, w->analyst);
    struct op o2 = {{"NGA", 2024, 2025, "en", 0}, NULL, 0};
    assert_int_equal(auth_run(&a.ctx, op_report, &o2), STATUS_DENIED);
    o2.r.lang = "xx";
    assert_int_equal(auth_run(&a.ctx, op_report, &o2), STATUS_INVALID);
    auth_principal_clear(&a.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report__arabic_rendered_connected_rtl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__english_releases_and_permissions, setup, teardown),
    };
    TEST_RUN_BOTH("report", tests, NULL, NULL);
}
