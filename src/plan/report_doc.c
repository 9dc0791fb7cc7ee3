/* report_doc: the implementation report (report.h) as a PDF (src/pdf, in the six UN languages,
 * Arabic right to left) and as an XLSX workbook, both built from plan_report_build's JSON and
 * labelled through the message catalogues (plan.report.* keys). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "pdf/chart.h"
#include "pdf/pdf.h"
#include "plan/report.h"
#include "xlsx/xlsx_write.h"

#define CELL 64

static const char *label(const char *lang, const char *prefix, const char *code, char *key, size_t size)
{
    snprintf(key, size, "%s%s", prefix, code);
    return i18n_get(lang, key);
}

/* A figure as text: counts as they are, US cents as dollars, released strings ("<5") as given. */
static void value_text(const json_t *v, const char *unit, char *out, size_t size)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (strcmp(unit, "usd_cents") == 0) {
            json_int_t a = n < 0 ? -n : n;
            snprintf(out, size, "%s%lld.%02lld USD", n < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
        } else {
            snprintf(out, size, "%lld", (long long)n);
        }
    } else if (json_is_string(v)) {
        snprintf(out, size, "%s", json_string_value(v));
    } else {
        snprintf(out, size, "-");
    }
}

/* "annex-17 annex-28 op-4" as "17, 28, op. 4" (the Annex's numbers, the resolution's marked). */
static void paragraphs_text(const json_t *paras, const char *lang, char *out, size_t size)
{
    size_t i, used = 0;
    json_t *p;
    out[0] = '\0';
    json_array_foreach(paras, i, p)
    {
        const char *id = json_string_value(p);
        const char *num = strchr(id, '-') != NULL ? strchr(id, '-') + 1 : id;
        int n = snprintf(out + used, size - used, "%s%s%s", i ? ", " : "",
                         strncmp(id, "op-", 3) == 0 ? i18n_get(lang, "plan.report.op") : "", num);
        if (n < 0 || (size_t)n >= size - used) {
            break;
        }
        used += (size_t)n;
    }
}

static const json_t *change_of(const json_t *report, const char *section, const char *key)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(report, "changes"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "section")), section) == 0 &&
            strcmp(json_string_value(json_object_get(c, "key")), key) == 0) {
            return c;
        }
    }
    return NULL;
}

/* The rows of one section as cells: figure, paragraphs, value (and, compared, the other period's
 * value and the change). */
static size_t section_cells(const json_t *report, const json_t *sec, const char *lang, size_t ncols, char (*text)[CELL],
                            const char **cells)
{
    size_t i, n = 0;
    json_t *r;
    char key[128];
    const char *code = json_string_value(json_object_get(sec, "code"));
    json_array_foreach(json_object_get(sec, "rows"), i, r)
    {
        const char *rk = json_string_value(json_object_get(r, "key"));
        const char *unit = json_string_value(json_object_get(r, "unit"));
        size_t base = n * ncols;
        cells[base] = label(lang, "plan.report.row.", rk, key, sizeof key);
        paragraphs_text(json_object_get(r, "paragraphs"), lang, text[base + 1], CELL);
        cells[base + 1] = text[base + 1];
        value_text(json_object_get(r, "value"), unit, text[base + 2], CELL);
        cells[base + 2] = text[base + 2];
        if (ncols == 5) {
            const json_t *c = change_of(report, code, rk);
            value_text(json_object_get(c, "b"), unit, text[base + 3], CELL);
            cells[base + 3] = text[base + 3];
            const json_t *ch = json_object_get(c, "change");
            if (json_is_integer(ch) && json_integer_value(ch) > 0) {
                char v[CELL - 2];
                value_text(ch, unit, v, sizeof v);
                snprintf(text[base + 4], CELL, "+%s", v);
            } else {
                value_text(ch, unit, text[base + 4], CELL);
            }
            cells[base + 4] = text[base + 4];
        }
        n++;
    }
    return n;
}

#define YEARS_MAX 64

/* The charts under two sections, drawn when their figures are counts (not released strings):
 * victims identified by year (the statistics module's table), and the offender funnel (with the
 * compared period as a second series). */
static enum status section_chart(struct pdf_doc *d, const json_t *report, const json_t *sec, const char *lang)
{
    const char *code = json_string_value(json_object_get(sec, "code"));
    bool rtl = i18n_is_rtl(lang);
    if (strcmp(code, "protect_victims") == 0) {
        const json_t *t = json_object_get(json_object_get(report, "stats"), "victims_by_year");
        if (!json_is_array(t) || json_array_size(t) == 0 || json_array_size(t) > YEARS_MAX) {
            return STATUS_OK;
        }
        const char *cats[YEARS_MAX];
        double vals[YEARS_MAX];
        size_t i, n = 0;
        json_t *r;
        json_array_foreach(t, i, r)
        {
            const json_t *c = json_object_get(r, "count");
            const char *y = json_string_value(json_object_get(json_object_get(r, "keys"), "year"));
            if (!json_is_integer(c) || y == NULL) {
                return STATUS_OK;
            }
            cats[n] = y;
            vals[n++] = (double)json_integer_value(c);
        }
        struct chart_series ser = {i18n_get(lang, "plan.report.chart.persons"), vals};
        struct chart c = {.kind = CHART_BARS,
                          .lang = lang,
                          .rtl = rtl,
                          .title = i18n_get(lang, "plan.report.chart.victims"),
                          .categories = cats,
                          .ncat = n,
                          .series = &ser,
                          .nseries = 1};
        return pdf_doc_chart(d, &c, 170);
    }
    if (strcmp(code, "prosecute") == 0) {
        static const char *const keys[] = {"offenders_contact", "offenders_prosecuted", "offenders_convicted"};
        const json_t *cmp = json_object_get(report, "compare");
        const char *cats[3];
        double a[3], b[3];
        char key[96];
        for (size_t k = 0; k < 3; k++) {
            const json_t *va = NULL, *vb = NULL;
            size_t i;
            json_t *r;
            json_array_foreach(json_object_get(sec, "rows"), i, r)
            {
                if (strcmp(json_string_value(json_object_get(r, "key")), keys[k]) == 0) {
                    va = json_object_get(r, "value");
                }
            }
            const json_t *c = cmp != NULL ? change_of(report, code, keys[k]) : NULL;
            vb = c != NULL ? json_object_get(c, "b") : NULL;
            if (!json_is_integer(va) || (cmp != NULL && !json_is_integer(vb))) {
                return STATUS_OK;
            }
            a[k] = (double)json_integer_value(va);
            b[k] = vb != NULL ? (double)json_integer_value(vb) : 0;
            snprintf(key, sizeof key, "plan.report.row.%s", keys[k]);
            cats[k] = i18n_get(lang, key);
        }
        struct chart_series ser[2] = {{i18n_get(lang, "plan.report.col.value"), a},
                                      {i18n_get(lang, "plan.report.col.compare"), b}};
        struct chart c = {.kind = CHART_BARS,
                          .lang = lang,
                          .rtl = rtl,
                          .title = i18n_get(lang, "plan.report.chart.funnel"),
                          .categories = cats,
                          .ncat = 3,
                          .series = ser,
                          .nseries = cmp != NULL ? 2 : 1};
        return pdf_doc_chart(d, &c, 170);
    }
    return STATUS_OK;
}

static void period_line(const json_t *report, const char *lang, char *out, size_t size)
{
    const json_t *cmp = json_object_get(report, "compare");
    if (cmp != NULL) {
        snprintf(out, size, "%s: %s – %s; %s: %s – %s", i18n_get(lang, "plan.report.period"),
                 json_string_value(json_object_get(report, "from")), json_string_value(json_object_get(report, "to")),
                 i18n_get(lang, "plan.report.compare"), json_string_value(json_object_get(cmp, "from")),
                 json_string_value(json_object_get(cmp, "to")));
    } else {
        snprintf(out, size, "%s: %s – %s", i18n_get(lang, "plan.report.period"),
                 json_string_value(json_object_get(report, "from")), json_string_value(json_object_get(report, "to")));
    }
}

enum status plan_report_pdf(const json_t *report, const char *lang, uint8_t **out, size_t *len)
{
    if (lang == NULL || !i18n_lang_valid(lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang must be ar, en, es, fr, ru or zh");
    }
    struct pdf_doc *d = NULL;
    enum status st = pdf_doc_new(lang, i18n_is_rtl(lang) ? PDF_RTL : PDF_LTR, &d);
    const char *title = i18n_get(lang, "plan.report.title");
    char line[256];
    period_line(report, lang, line, sizeof line);
    if (st == STATUS_OK) {
        st = pdf_doc_meta(d, title, line);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_footer(d, i18n_get(lang, "plan.report.footer"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_title(d, title);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, line);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, json_is_object(json_object_get(report, "release"))
                                                     ? "plan.report.intro_release"
                                                     : "plan.report.intro"));
    }
    bool compare = json_object_get(report, "compare") != NULL;
    size_t ncols = compare ? 5 : 3;
    const char *header[5] = {i18n_get(lang, "plan.report.col.figure"), i18n_get(lang, "plan.report.col.paragraphs"),
                             i18n_get(lang, "plan.report.col.value"), i18n_get(lang, "plan.report.col.compare"),
                             i18n_get(lang, "plan.report.col.change")};
    const char *pillar = "";
    size_t i;
    json_t *sec;
    char key[128];
    json_array_foreach(json_object_get(report, "sections"), i, sec)
    {
        if (st != STATUS_OK) {
            break;
        }
        const char *pl = json_string_value(json_object_get(sec, "pillar"));
        if (strcmp(pl, pillar) != 0) {
            pillar = pl;
            st = pdf_doc_heading(d, label(lang, "plan.pillar.", pl, key, sizeof key));
        }
        if (st == STATUS_OK) {
            st = pdf_doc_paragraph(d, label(lang, "plan.report.section.",
                                            json_string_value(json_object_get(sec, "code")), key, sizeof key));
        }
        size_t nrows = json_array_size(json_object_get(sec, "rows"));
        char(*text)[CELL] = calloc(nrows * ncols + 1, sizeof *text);
        const char **cells = calloc(nrows * ncols + 1, sizeof *cells);
        if (text == NULL || cells == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        }
        if (st == STATUS_OK && nrows > 0) {
            size_t n = section_cells(report, sec, lang, ncols, text, cells);
            st = pdf_doc_table(d, header, ncols, cells, n);
        }
        free(text);
        free(cells);
        if (st == STATUS_OK) {
            st = section_chart(d, report, sec, lang);
        }
    }
    if (st == STATUS_OK) {
        st = pdf_doc_finish(d, out, len);
    }
    pdf_doc_free(d);
    return st;
}

enum status plan_report_xlsx(const json_t *report, const char *lang, char **out, size_t *len)
{
    if (lang == NULL || !i18n_lang_valid(lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang must be ar, en, es, fr, ru or zh");
    }
    struct xlsx_book *b = NULL;
    struct xlsx_sheet *sh = NULL;
    enum status st = xlsx_book_new(NULL, &b);
    if (st != STATUS_OK) {
        return st;
    }
    st = xlsx_sheet_add(b, i18n_get(lang, "plan.report.sheet"), i18n_is_rtl(lang), &sh);
    bool compare = json_object_get(report, "compare") != NULL;
    size_t ncols = compare ? 5 : 3;
    char line[256];
    period_line(report, lang, line, sizeof line);
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, 0, 0, i18n_get(lang, "plan.report.title"), true);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, 1, 0, line, false);
    }
    const char *header[6] = {i18n_get(lang, "plan.report.col.pillar"),     i18n_get(lang, "plan.report.col.figure"),
                             i18n_get(lang, "plan.report.col.paragraphs"), i18n_get(lang, "plan.report.col.value"),
                             i18n_get(lang, "plan.report.col.compare"),    i18n_get(lang, "plan.report.col.change")};
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(sh, 3, header, ncols + 1);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(sh, 0, 2, 36);
    }
    uint32_t row = 4;
    size_t i;
    json_t *sec;
    char key[128];
    json_array_foreach(json_object_get(report, "sections"), i, sec)
    {
        size_t nrows = json_array_size(json_object_get(sec, "rows"));
        char(*text)[CELL] = calloc(nrows * ncols + 1, sizeof *text);
        const char **cells = calloc(nrows * ncols + 1, sizeof *cells);
        if (st == STATUS_OK && (text == NULL || cells == NULL)) {
            st = err_set(STATUS_IO, "out of memory");
        }
        size_t n = st == STATUS_OK ? section_cells(report, sec, lang, ncols, text, cells) : 0;
        const char *pillar =
            label(lang, "plan.pillar.", json_string_value(json_object_get(sec, "pillar")), key, sizeof key);
        for (size_t r = 0; r < n && st == STATUS_OK; r++, row++) {
            st = xlsx_sheet_text(sh, row, 0, pillar, false);
            json_t *jr = json_array_get(json_object_get(sec, "rows"), r);
            json_t *v = json_object_get(jr, "value");
            for (size_t c = 0; c < ncols && st == STATUS_OK; c++) {
                /* counts as numbers, so that a spreadsheet can sum them */
                if (c == 2 && json_is_integer(v) &&
                    strcmp(json_string_value(json_object_get(jr, "unit")), "usd_cents") != 0) {
                    st = xlsx_sheet_int(sh, row, 3, json_integer_value(v));
                } else {
                    st = xlsx_sheet_text(sh, row, (uint32_t)c + 1, cells[r * ncols + c], false);
                }
            }
        }
        free(text);
        free(cells);
    }
    return xlsx_book_finish(b, st, out, len);
}
