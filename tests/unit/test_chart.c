/* test_chart: charts as PNG and SVG and in a PDF: bars are as tall as their values (read back
 * from the pixels), stacked bars add up, a right-to-left chart starts from the right, flows draw
 * bands, bad data is refused. The PNGs are left in the build folder (chart-*.png) to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/chart.h"
#include "pdf/pdf.h"

struct reader {
    const uint8_t *p;
    size_t len, at;
};

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int length)
{
    struct reader *r = closure;
    if (r->at + length > r->len) {
        return CAIRO_STATUS_READ_ERROR;
    }
    memcpy(data, r->p + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *png_of(const struct chart *c, int w, int h, const char *save_as)
{
    uint8_t *png = NULL;
    size_t len = 0;
    assert_int_equal(chart_render(c, CHART_PNG, w, h, &png, &len), STATUS_OK);
    assert_true(len > 8);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    /* Kept for a look only when asked for: CTIS_TEST_ARTIFACTS names a directory. */
    const char *dir = getenv("CTIS_TEST_ARTIFACTS");
    if (dir != NULL && *dir != '\0') {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, save_as);
        FILE *f = fopen(path, "wb");
        if (f != NULL) {
            fwrite(png, 1, len, f);
            fclose(f);
        }
    }
    struct reader r = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_png, &r);
    free(png);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    return s;
}

/* Is the pixel at (x, y) the palette's first colour (blue, 0x0072b2)? */
static bool blue_at(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const uint8_t *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t px = *(const uint32_t *)(d + y * stride + x * 4);
    int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    return abs(r - 0x00) < 8 && abs(g - 0x72) < 8 && abs(b - 0xb2) < 8;
}

/* The height in pixels of the blue run in column x, scanning up from y0. */
static int blue_height(cairo_surface_t *s, int x, int y0)
{
    int h = 0;
    for (int y = y0; y > 0; y--) {
        if (blue_at(s, x, y)) {
            h++;
        } else if (h > 0) {
            break;
        }
    }
    return h;
}

/* The lowest row in column x with a blue pixel, or -1. */
static int blue_bottom(cairo_surface_t *s, int x)
{
    for (int y = cairo_image_surface_get_height(s) - 1; y >= 0; y--) {
        if (blue_at(s, x, y)) {
            return y;
        }
    }
    return -1;
}

/* Finds the x of the first blue column from the left (or from the right). */
static int first_blue_x(cairo_surface_t *s, bool from_right)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    for (int i = 0; i < w; i++) {
        int x = from_right ? w - 1 - i : i;
        for (int y = 0; y < h; y++) {
            if (blue_at(s, x, y)) {
                return x;
            }
        }
    }
    return -1;
}

static void test_chart_bars_heights(void **state)
{
    (void)state;
    static const char *const cats[] = {"2021", "2022", "2023", "2024"};
    static const double v[] = {10, 40, 20, 30};
    struct chart_series s = {"Detected victims", v};
    struct chart c = {.kind = CHART_BARS,
                      .lang = "en",
                      .title = "Detected victims by year",
                      .categories = cats,
                      .ncat = 4,
                      .series = &s,
                      .nseries = 1};
    cairo_surface_t *png = png_of(&c, 600, 360, "chart-bars-en.png");
    /* Each bar's blue height is proportional to its value: measure the centre of each slot. */
    int heights[4];
    int left = first_blue_x(png, false), right = first_blue_x(png, true);
    assert_true(left > 0 && right > left);
    /* Four bars of equal width and gaps: sample each bar's middle. */
    double slot = (right - left) / (4 - 0.3) * 1.0;
    for (int i = 0; i < 4; i++) {
        int x = left + (int)(slot * i + slot * 0.35);
        int bottom = blue_bottom(png, x);
        assert_true(bottom > 0);
        heights[i] = blue_height(png, x, bottom);
    }
    for (int i = 0; i < 4; i++) {
        double expect = (double)heights[1] * v[i] / v[1];
        assert_true(fabs(heights[i] - expect) <= 2.0);
    }
    assert_true(heights[1] > 150); /* the tallest bar uses most of the plot */
    cairo_surface_destroy(png);
    /* SVG too. */
    uint8_t *svg = NULL;
    size_t len = 0;
    assert_int_equal(chart_render(&c, CHART_SVG, 600, 360, &svg, &len), STATUS_OK);
    assert_non_null(strstr((const char *)svg, "<svg"));
    free(svg);
}

static void test_chart_rtl_and_stacked(void **state)
{
    (void)state;
    static const char *const cats[] = {"٢٠٢٣", "٢٠٢٤"};
    static const double women[] = {30, 0}, girls[] = {10, 40};
    struct chart_series s[] = {{"نساء", women}, {"فتيات", girls}};
    struct chart c = {.kind = CHART_STACKED,
                      .lang = "ar",
                      .rtl = true,
                      .title = "الضحايا المكتشفون حسب السنة",
                      .note = "المصدر: بيانات تجريبية",
                      .categories = cats,
                      .ncat = 2,
                      .series = s,
                      .nseries = 2};
    cairo_surface_t *png = png_of(&c, 500, 320, "chart-stacked-ar.png");
    /* Right to left: the first category (blue 30 on top of nothing) is the bar on the right, and
     * the second, whose first series is 0, has no blue at all: the first blue from the left is
     * right of the middle. */
    int left = first_blue_x(png, false);
    assert_true(left > 250);
    cairo_surface_destroy(png);
    c.rtl = false;
    c.lang = "en";
    png = png_of(&c, 500, 320, "chart-stacked-en.png");
    assert_true(first_blue_x(png, true) < 250);
    cairo_surface_destroy(png);
}

static void test_chart_lines_and_flows(void **state)
{
    (void)state;
    static const char *const cats[] = {"2019", "2020", "2021", "2022", "2023"};
    static const double a[] = {5, 9, 4, 12, 15}, b[] = {2, 3, 3, 6, 4};
    struct chart_series s[] = {{"Sexual exploitation", a}, {"Forced labour", b}};
    struct chart c = {.kind = CHART_LINES,
                      .lang = "fr",
                      .title = "Victimes détectées",
                      .categories = cats,
                      .ncat = 5,
                      .series = s,
                      .nseries = 2};
    cairo_surface_t *png = png_of(&c, 600, 300, "chart-lines-fr.png");
    assert_true(first_blue_x(png, false) > 0);
    cairo_surface_destroy(png);
    static const struct chart_flow f[] = {{"Western Africa", "Western Europe", 120},
                                          {"Western Africa", "Northern Africa", 40},
                                          {"South Asia", "Gulf states", 80},
                                          {"Eastern Europe", "Western Europe", 60}};
    struct chart fc = {.kind = CHART_FLOWS, .lang = "en", .title = "Main flows", .flows = f, .nflows = 4};
    png = png_of(&fc, 640, 360, "chart-flows-en.png");
    /* The largest origin (Western Africa, 160) takes the first colour. */
    assert_true(first_blue_x(png, false) > 0);
    cairo_surface_destroy(png);
    fc.rtl = true;
    fc.lang = "zh";
    png = png_of(&fc, 640, 360, "chart-flows-rtl.png");
    assert_true(first_blue_x(png, true) > 320); /* origins on the right */
    cairo_surface_destroy(png);
}

static void test_chart_refused_and_in_pdf(void **state)
{
    (void)state;
    static const char *const cats[] = {"a"};
    static const double neg[] = {-1}, nan_v[] = {NAN}, ok[] = {3};
    struct chart_series s = {"x", neg};
    struct chart c = {.kind = CHART_BARS, .lang = "en", .categories = cats, .ncat = 1, .series = &s, .nseries = 1};
    uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(chart_render(&c, CHART_PNG, 300, 200, &out, &len), STATUS_INVALID);
    s.values = nan_v;
    assert_int_equal(chart_render(&c, CHART_PNG, 300, 200, &out, &len), STATUS_INVALID);
    s.values = ok;
    assert_int_equal(chart_render(&c, CHART_PNG, 30, 200, &out, &len), STATUS_INVALID);
    c.ncat = 0;
    assert_int_equal(chart_render(&c, CHART_SVG, 300, 200, &out, &len), STATUS_INVALID);
    c.ncat = 1;
    static const char *const bad[] = {"\xff\xfe"};
    c.categories = bad;
    assert_int_equal(chart_render(&c, CHART_SVG, 300, 200, &out, &len), STATUS_INVALID);
    c.categories = cats;
    /* In a PDF, between paragraphs, in Arabic. */
    struct pdf_doc *d = NULL;
    assert_int_equal(pdf_doc_new("ar", PDF_RTL, &d), STATUS_OK);
    assert_int_equal(pdf_doc_paragraph(d, "نص قبل الرسم البياني."), STATUS_OK);
    c.lang = "ar";
    c.rtl = true;
    assert_int_equal(pdf_doc_chart(d, &c, 200), STATUS_OK);
    assert_int_equal(pdf_doc_chart(d, &c, 10), STATUS_INVALID); /* too low: the document fails */
    uint8_t *pdf = NULL;
    assert_int_not_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
    pdf_doc_free(d);
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(pdf_doc_chart(d, &c, 300), STATUS_OK); /* 5 x 300 points: three pages */
    }
    assert_int_equal(pdf_doc_pages(d), 3);
    assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
    pdf_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_bars_heights),
        cmocka_unit_test(test_chart_rtl_and_stacked),
        cmocka_unit_test(test_chart_lines_and_flows),
        cmocka_unit_test(test_chart_refused_and_in_pdf),
    };
    return cmocka_run_group_tests_name("chart", tests, NULL, NULL);
}
