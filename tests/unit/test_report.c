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

static char *run_on(const uint8_t *pdf, size_t len, const char *cmd, const char *tail, size_t *out_len)
{
    char path[] = "/tmp/ctis-test-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    char line[512];
    snprintf(line, sizeof line, "%s %s %s", cmd, path, tail);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    struct buf out = BUF_INIT(64 * 1024 * 1024);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        assert_int_equal(buf_append(&out, chunk, n), STATUS_OK);
    }
    assert_int_equal(pclose(p), 0);
    unlink(path);
    if (out_len != NULL) {
        *out_len = out.len;
    }
    return buf_take(&out);
}

struct image {
    char *data;
    int w, h;
    const unsigned char *px;
};

/* Page `page` in grey at 100 dpi. */
static void rasterise(const uint8_t *pdf, size_t len, int page, struct image *im)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "pdftoppm -gray -r 100 -f %d -l %d", page, page);
    im->data = run_on(pdf, len, cmd, "", NULL);
    int max = 0, off = 0;
    assert_int_equal(sscanf(im->data, "P5 %d %d %d%n", &im->w, &im->h, &max, &off), 3);
    im->px = (const unsigned char *)im->data + off + 1;
}

static bool dark(const struct image *im, int x, int y)
{
    return im->px[(long)y * im->w + x] < 128;
}

/* The title's rows on page 1, in pixels at 100 dpi: the words of the largest size (the title
 * is 20 points, headings 13.5, the body 11) as pdftotext -bbox places them. */
static void title_band(const uint8_t *pdf, size_t len, int *top, int *bottom)
{
    char *bbox = run_on(pdf, len, "pdftotext -q -f 1 -l 1 -bbox", "-", NULL);
    double hmax = 0, ymin = 1e9, ymax = -1;
    for (int pass = 0; pass < 2; pass++) {
        for (const char *w = strstr(bbox, "<word "); w != NULL; w = strstr(w + 1, "<word ")) {
            double x0, y0, x1, y1;
            if (sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1) != 4) {
                continue;
            }
            if (pass == 0) {
                hmax = y1 - y0 > hmax ? y1 - y0 : hmax;
            } else if (y1 - y0 > hmax * 0.85) { /* the title's size, not the body's or a heading's */
                ymin = y0 < ymin ? y0 : ymin;
                ymax = y1 > ymax ? y1 : ymax;
            }
        }
    }
    free(bbox);
    assert_true(ymax > ymin);
    *top = (int)(ymin * 100 / 72) - 2;
    *bottom = (int)(ymax * 100 / 72) + 2;
}

/* Connected blobs of ink (8-connected) in rows [top, bottom]; the ink's horizontal extent out. */
static int blobs(const struct image *im, int top, int bottom, int *xmin, int *xmax)
{
    int w = im->w, hh = bottom - top + 1;
    unsigned char *seen = calloc((size_t)w * (size_t)hh, 1);
    int *stack = malloc(sizeof(int) * 2 * (size_t)w * (size_t)hh);
    int n = 0;
    *xmin = w;
    *xmax = -1;
    for (int y = top; y <= bottom; y++) {
        for (int x = 0; x < w; x++) {
            if (!dark(im, x, y) || seen[(y - top) * w + x]) {
                continue;
            }
            n++;
            int sp = 0;
            stack[sp++] = x;
            stack[sp++] = y;
            seen[(y - top) * w + x] = 1;
            while (sp > 0) {
                int cy = stack[--sp], cx = stack[--sp];
                *xmin = cx < *xmin ? cx : *xmin;
                *xmax = cx > *xmax ? cx : *xmax;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = cx + dx, ny = cy + dy;
                        if (nx < 0 || nx >= w || ny < top || ny > bottom || seen[(ny - top) * w + nx] ||
                            !dark(im, nx, ny)) {
                            continue;
                        }
                        seen[(ny - top) * w + nx] = 1;
                        stack[sp++] = nx;
                        stack[sp++] = ny;
                    }
                }
            }
        }
    }
    free(seen);
    free(stack);
    return n;
}

/* The text with U+200C (zero-width non-joiner) after every Arabic letter. */
static char *unjoined(const char *s)
{
    struct buf b = BUF_INIT(64 * 1024);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        assert_int_equal(buf_append(&b, p, n), STATUS_OK);
        if (n == 2 && (p[0] == 0xd8 || p[0] == 0xd9)) { /* U+0600..U+067F: Arabic letters */
            assert_int_equal(buf_puts(&b, "\xe2\x80\x8c"), STATUS_OK);
        }
        p += n;
    }
    return buf_take(&b);
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
