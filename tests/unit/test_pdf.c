/* test_pdf: documents in the six UN languages come out as PDF files with the expected pages and
 * text (read back with pdftotext from poppler-utils), long text breaks across pages, and bad
 * input and limits are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pdf/pdf.h"
#include "pdfcheck.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

static char *pdf_text(const uint8_t *pdf, size_t len)
{
    return run_on(pdf, len, "pdftotext -q -enc UTF-8", "-", NULL);
}

static int pdf_page_count(const uint8_t *pdf, size_t len)
{
    char *info = run_on(pdf, len, "pdfinfo", "", NULL);
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int pages = atoi(p + 6);
    free(info);
    return pages;
}

/* pdftotext may join or split lines differently from the source: compare without spaces. */
static char *squeeze(const char *s)
{
    char *o = xmalloc(strlen(s) + 1);
    size_t j = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\f' && s[i] != '\r') {
            o[j++] = s[i];
        }
    }
    o[j] = '\0';
    return o;
}

static void assert_contains(const char *text, const char *word)
{
    char *a = squeeze(text), *b = squeeze(word);
    if (strstr(a, b) == NULL) {
        fail_msg("\"%s\" not found in the text:\n%s", word, text);
    }
    free(a);
    free(b);
}

struct sample {
    const char *lang;
    enum pdf_dir dir;
    const char *title;
    const char *heading;
    const char *paragraph;
    const char *item;
    const char *key;
    const char *value;
};

static const struct sample samples[] = {
    {"en", PDF_LTR, "Your rights", "Assistance", "You may stay in the country while you recover.", "Medical care",
     "Case reference", "12345"},
    {"fr", PDF_LTR, "Vos droits", "Assistance", "Vous pouvez rester dans le pays pendant votre rétablissement.",
     "Soins médicaux", "Référence du dossier", "12345"},
    {"es", PDF_LTR, "Sus derechos", "Asistencia", "Puede permanecer en el país mientras se recupera.",
     "Atención médica", "Referencia del caso", "12345"},
    {"ru", PDF_LTR, "Ваши права", "Помощь", "Вы можете оставаться в стране, пока восстанавливаетесь.",
     "Медицинская помощь", "Номер дела", "12345"},
    {"ar", PDF_RTL, "حقوقك", "المساعدة", "يمكنك البقاء في البلد أثناء تعافيك.", "الرعاية الطبية", "رقم الملف", "12345"},
    {"zh", PDF_LTR, "您的权利", "援助", "在您康复期间，您可以留在该国。", "医疗护理", "案件编号", "12345"},
};

static void test_pdf__six_languages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const struct sample *s = &samples[i];
        struct pdf_doc *d = NULL;
        assert_int_equal(pdf_doc_new(s->lang, s->dir, &d), STATUS_OK);
        assert_int_equal(pdf_doc_meta(d, s->title, NULL), STATUS_OK);
        assert_int_equal(pdf_doc_title(d, s->title), STATUS_OK);
        assert_int_equal(pdf_doc_heading(d, s->heading), STATUS_OK);
        assert_int_equal(pdf_doc_paragraph(d, s->paragraph), STATUS_OK);
        const char *items[] = {s->item, "2026-12-31"};
        assert_int_equal(pdf_doc_bullets(d, items, 2), STATUS_OK);
        struct pdf_kv kv[] = {{s->key, s->value}};
        assert_int_equal(pdf_doc_key_values(d, kv, 1), STATUS_OK);
        assert_int_equal(pdf_doc_footer(d, "ctis"), STATUS_OK);
        assert_int_equal(pdf_doc_pages(d), 1);
        uint8_t *pdf = NULL;
        size_t len = 0;
        assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
        pdf_doc_free(d);
        assert_true(len > 100);
        assert_memory_equal(pdf, "%PDF-", 5);
        assert_int_equal(pdf_page_count(pdf, len), 1);
        char *text = pdf_text(pdf, len);
        assert_contains(text, s->title);
        assert_contains(text, s->heading);
        assert_contains(text, s->item);
        assert_contains(text, s->key);
        assert_contains(text, s->value);
        assert_contains(text, "2026-12-31");
        if (strcmp(s->lang, "ar") != 0) { /* pdftotext may reorder Arabic words within a line */
            assert_contains(text, s->paragraph);
        } else {
            assert_contains(text, "البقاء");
            assert_contains(text, "تعافيك");
        }
        /* The metadata holds the title given, and the file names its fonts (embedded subsets). */
        char *info = run_on(pdf, len, "pdfinfo", "", NULL);
        assert_non_null(strstr(info, s->title));
        free(info);
        char *fonts = run_on(pdf, len, "pdffonts", "", NULL);
        if (strcmp(s->lang, "zh") == 0) {
            assert_non_null(strstr(fonts, "WenQuanYi"));
        }
        if (strcmp(s->lang, "ar") == 0) {
            assert_non_null(strstr(fonts, "Arabic"));
        }
        free(fonts);
        free(text);
        free(pdf);
    }
}

/* A right-to-left document puts its text on the right: pdftotext -bbox gives the x of words. */
static void test_pdf__rtl_aligns_right(void **state)
{
    (void)state;
    for (int rtl = 0; rtl <= 1; rtl++) {
        struct pdf_doc *d = NULL;
        assert_int_equal(pdf_doc_new(rtl ? "ar" : "en", rtl ? PDF_RTL : PDF_LTR, &d), STATUS_OK);
        assert_int_equal(pdf_doc_paragraph(d, rtl ? "حقوقك" : "Rights"), STATUS_OK);
        uint8_t *pdf = NULL;
        size_t len = 0;
        assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
        pdf_doc_free(d);
        char *bbox = run_on(pdf, len, "pdftotext -q -bbox", "-", NULL);
        const char *w = strstr(bbox, "<word xMin=\"");
        assert_non_null(w);
        double xmin = atof(w + strlen("<word xMin=\""));
        if (rtl) {
            assert_true(xmin > 595.0 / 2);
        } else {
            assert_true(xmin < 100.0);
        }
        free(bbox);
        free(pdf);
    }
}

/* Dark pixels of page 1 rendered in grey at 72 dpi (pdftoppm's PGM on its standard output). */
static long ink(const uint8_t *pdf, size_t len)
{
    char *pgm = run_on(pdf, len, "pdftoppm -gray -r 72 -f 1 -l 1", "", NULL);
    int w = 0, h = 0, max = 0, off = 0;
    assert_int_equal(sscanf(pgm, "P5 %d %d %d%n", &w, &h, &max, &off), 3);
    const unsigned char *px = (const unsigned char *)pgm + off + 1;
    long dark = 0;
    for (long i = 0; i < (long)w * h; i++) {
        dark += px[i] < 128;
    }
    free(pgm);
    return dark;
}

static long ink_of(const char *lang, const char *text)
{
    struct pdf_doc *d = NULL;
    assert_int_equal(pdf_doc_new(lang, PDF_LTR, &d), STATUS_OK);
    if (text != NULL) {
        assert_int_equal(pdf_doc_paragraph(d, text), STATUS_OK);
    }
    uint8_t *pdf = NULL;
    size_t len = 0;
    assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
    pdf_doc_free(d);
    long n = ink(pdf, len);
    free(pdf);
    return n;
}

/* Every character is drawn, not only named in the text layer: cairo 1.16 once embedded Noto
 * Sans CJK with U+5982 (如) blank. Twenty of a character must add ink to an empty page. */
static void test_pdf__glyphs_drawn(void **state)
{
    (void)state;
    long empty = ink_of("en", NULL);
    static const struct {
        const char *lang, *text;
    } chars[] = {
        {"zh", "如如如如如如如如如如如如如如如如如如如如"},
        {"zh", "权权权权权权权权权权权权权权权权权权权权"},
        {"ar", "ححححححححححححححححححح"},
        {"ru", "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ"},
        {"en", "WWWWWWWWWWWWWWWWWWWW"},
    };
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++) {
        long n = ink_of(chars[i].lang, chars[i].text);
        if (n - empty < 150) {
            fail_msg("%s: %s adds %ld dark pixels", chars[i].lang, chars[i].text, n - empty);
        }
    }
}

/* Long text flows onto further pages, and every page has its footer's page number. */
static void test_pdf__page_breaks(void **state)
{
    (void)state;
    struct buf text = BUF_INIT(PDF_TEXT_BYTES_MAX);
    for (int i = 0; i < 600; i++) {
        assert_int_equal(buf_printf(&text, "Sentence number %d of a long account that goes on. ", i), STATUS_OK);
    }
    assert_int_equal(buf_puts(&text, "THEEND"), STATUS_OK);
    struct pdf_doc *d = NULL;
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    assert_int_equal(pdf_doc_title(d, "A long report"), STATUS_OK);
    assert_int_equal(pdf_doc_paragraph(d, buf_str(&text)), STATUS_OK);
    const char *items[40];
    for (int i = 0; i < 40; i++) {
        items[i] =
            "An item of a list that is long enough to wrap onto a second line on an A4 page in eleven point type.";
    }
    assert_int_equal(pdf_doc_bullets(d, items, 40), STATUS_OK);
    struct pdf_kv rows[60];
    for (int i = 0; i < 60; i++) {
        rows[i] = (struct pdf_kv){"Label", "Value"};
    }
    assert_int_equal(pdf_doc_key_values(d, rows, 60), STATUS_OK);
    int pages = pdf_doc_pages(d);
    assert_true(pages >= 4);
    uint8_t *pdf = NULL;
    size_t len = 0;
    assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
    pdf_doc_free(d);
    assert_int_equal(pdf_page_count(pdf, len), pages);
    char *out = pdf_text(pdf, len);
    assert_contains(out, "Sentence number 0 of");
    assert_contains(out, "Sentence number 599 of");
    assert_contains(out, "THEEND");
    /* Each page ends with its number in the footer (pages are separated by form feeds). */
    char last[16];
    snprintf(last, sizeof last, "%d", pages);
    assert_non_null(strstr(out, last));
    free(out);
    free(pdf);
    buf_free(&text);
}

static void test_pdf__refusals(void **state)
{
    (void)state;
    struct pdf_doc *d = NULL;
    assert_int_equal(pdf_doc_new("", PDF_LTR, &d), STATUS_INVALID);
    assert_null(d);
    assert_int_equal(pdf_doc_new("en;x", PDF_LTR, &d), STATUS_INVALID);
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    assert_int_equal(pdf_doc_paragraph(d, "bad \xff utf-8"), STATUS_INVALID);
    /* A failed document stays failed. */
    assert_int_equal(pdf_doc_paragraph(d, "fine"), STATUS_INVALID);
    uint8_t *pdf = NULL;
    size_t len = 0;
    assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_INVALID);
    assert_null(pdf);
    pdf_doc_free(d);

    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    char *big = xmalloc(PDF_TEXT_BYTES_MAX + 2);
    memset(big, 'a', PDF_TEXT_BYTES_MAX + 1);
    big[PDF_TEXT_BYTES_MAX + 1] = '\0';
    assert_int_equal(pdf_doc_paragraph(d, big), STATUS_TOO_LARGE);
    pdf_doc_free(d);
    free(big);

    /* More than PDF_PAGES_MAX pages. */
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    enum status st = STATUS_OK;
    for (int i = 0; st == STATUS_OK && i < PDF_PAGES_MAX + 1; i++) {
        st = pdf_doc_heading(d, "A page");
        const char *items[50];
        for (int j = 0; j < 50; j++) {
            items[j] = "line";
        }
        if (st == STATUS_OK) {
            st = pdf_doc_bullets(d, items, 50);
        }
    }
    assert_int_equal(st, STATUS_TOO_LARGE);
    assert_int_equal(pdf_doc_pages(d), PDF_PAGES_MAX);
    pdf_doc_free(d);

    /* Metadata is bounded; a finished document takes nothing more. */
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    char meta[PDF_META_BYTES_MAX + 2];
    memset(meta, 'm', sizeof meta - 1);
    meta[sizeof meta - 1] = '\0';
    assert_int_equal(pdf_doc_meta(d, meta, NULL), STATUS_TOO_LARGE);
    pdf_doc_free(d);
    assert_int_equal(pdf_doc_new("en", PDF_LTR, &d), STATUS_OK);
    assert_int_equal(pdf_doc_finish(d, &pdf, &len), STATUS_OK);
    assert_int_equal(pdf_page_count(pdf, len), 1);
    assert_int_equal(pdf_doc_paragraph(d, "late"), STATUS_INVALID);
    pdf_doc_free(d);
    free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf__six_languages), cmocka_unit_test(test_pdf__rtl_aligns_right),
        cmocka_unit_test(test_pdf__glyphs_drawn),  cmocka_unit_test(test_pdf__page_breaks),
        cmocka_unit_test(test_pdf__refusals),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc;
}
