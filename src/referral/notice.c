/* notice: the rights notice (see notice.h). The words come from the message catalogues
 * (keys "notice.*", one set per language), the layout from src/pdf. Nothing about the person
 * is read: the case is reached only for its number and the agency that holds it. */
#include "referral/notice.h"

#include "referral/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "i18n/i18n.h"
#include "pdf/pdf.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

#define CASE_REF_BYTES_MAX 40
#define REFLECTION_DAYS_MAX 3650
/* The value of a row to be filled in by hand when the fact is not known. */
#define FILL_IN "........................................"

/* A date YYYY-MM-DD (a real day of the Gregorian calendar). */
static bool date_parse(const char *s, int *y, int *m, int *d)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
            return false;
        }
    }
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days[*m - 1]) {
        return false;
    }
    bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    return !(*m == 2 && *d == 29 && !leap);
}

/* "28 November 2026 (2026-11-28)" in the notice's language; the caller frees. */
static char *date_format(const char *lang, const char *iso)
{
    int y = 0, m = 0, d = 0;
    ASSERT(date_parse(iso, &y, &m, &d));
    char day[8], year[8], key[24];
    /* The first of the month has a form of its own in some languages (French "1er"). */
    if (d == 1) {
        snprintf(day, sizeof day, "%s", i18n_get(lang, "notice.day_one"));
    } else {
        snprintf(day, sizeof day, "%d", d);
    }
    snprintf(year, sizeof year, "%d", y);
    snprintf(key, sizeof key, "notice.month.%d", m);
    char *local = i18n_format(lang, "notice.date", "day", day, "month", i18n_get(lang, key), "year", year, NULL);
    /* In Arabic the ISO date is isolated left to right (LRI ... PDI), else its numbers would
     * be read as Arabic numbers and laid out from the right: 28-11-2026. */
    char *out =
        i18n_is_rtl(lang) ? xasprintf("%s (\xe2\x81\xa6%s\xe2\x81\xa9)", local, iso) : xasprintf("%s (%s)", local, iso);
    free(local);
    return out;
}

static enum status date_check(const char *field, const char *s)
{
    int y, m, d;
    if (s != NULL && !date_parse(s, &y, &m, &d)) {
        return err_set_field(STATUS_INVALID, field, "%s: not a date (YYYY-MM-DD)", field);
    }
    return STATUS_OK;
}

static enum status text_check(const char *field, const char *s)
{
    if (s == NULL) {
        return STATUS_OK;
    }
    size_t n = strlen(s);
    if (n > FIELD_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_TOO_LARGE, field, "%s: longer than %d bytes", field, FIELD_TEXT_BYTES_MAX);
    }
    if (!util_utf8_valid(s, n)) {
        return err_set_field(STATUS_INVALID, field, "%s: not valid UTF-8", field);
    }
    return STATUS_OK;
}

static enum status facts_check(const struct notice_facts *f)
{
    if (f->lang == NULL || !i18n_lang_valid(f->lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang: one of ar, en, es, fr, ru, zh");
    }
    /* A number, so that no name can ever be printed as the reference. */
    size_t n = f->case_ref ? strlen(f->case_ref) : 0;
    bool ok = n > 0 && n <= CASE_REF_BYTES_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        char c = f->case_ref[i];
        ok = (c >= '0' && c <= '9') || c == '-' || c == '/';
    }
    if (!ok) {
        return err_set_field(STATUS_INVALID, "case_ref", "case_ref: digits, '-' or '/' only (a case number)");
    }
    enum status st = date_check("reflection_end", f->reflection_end);
    if (st == STATUS_OK) {
        st = date_check("reflection_start", f->reflection_start);
    }
    if (st == STATUS_OK) {
        st = date_check("issued_on", f->issued_on);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (f->reflection_start != NULL && f->reflection_end == NULL) {
        return err_set_field(STATUS_INVALID, "reflection_end", "reflection_end: required with reflection_start");
    }
    if (f->reflection_start != NULL && strcmp(f->reflection_start, f->reflection_end) > 0) {
        return err_set_field(STATUS_INVALID, "reflection_end", "reflection_end: before reflection_start");
    }
    if (f->reflection_days < 0 || f->reflection_days > REFLECTION_DAYS_MAX) {
        return err_set_field(STATUS_INVALID, "reflection_days", "reflection_days: from 0 to %d", REFLECTION_DAYS_MAX);
    }
    st = text_check("agency_name", f->agency_name);
    if (st == STATUS_OK) {
        st = text_check("agency_contact", f->agency_contact);
    }
    if (st == STATUS_OK) {
        st = text_check("helpline", f->helpline);
    }
    return st;
}

/* Text that is set and not blank, else NULL. */
static const char *given(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The reflection section's first paragraph; the caller frees. */
static char *reflection_text(const struct notice_facts *f)
{
    const char *lang = f->lang;
    if (f->reflection_end == NULL) {
        return xstrdup(i18n_get(lang, "notice.reflection.unset"));
    }
    char *end = date_format(lang, f->reflection_end);
    char *out = NULL;
    if (f->reflection_start != NULL && f->reflection_days > 0) {
        char *start = date_format(lang, f->reflection_start);
        char days[16];
        snprintf(days, sizeof days, "%d", f->reflection_days);
        out = i18n_format(lang, "notice.reflection.period", "days", days, "start", start, "end", end, NULL);
        free(start);
    } else {
        out = i18n_format(lang, "notice.reflection.until", "end", end, NULL);
    }
    free(end);
    return out;
}

/* A heading and a paragraph, both from the catalogue. */
static enum status section(struct pdf_doc *d, const char *lang, const char *heading_key, const char *text_key)
{
    enum status st = pdf_doc_heading(d, i18n_get(lang, heading_key));
    return st == STATUS_OK ? pdf_doc_paragraph(d, i18n_get(lang, text_key)) : st;
}

enum status notice_rights_render(const struct notice_facts *f, uint8_t **pdf_out, size_t *len_out)
{
    *pdf_out = NULL;
    *len_out = 0;
    enum status st = facts_check(f);
    if (st != STATUS_OK) {
        return st;
    }
    const char *lang = f->lang;
    char today[32];
    util_time_iso(today, util_now_ms());
    today[10] = '\0';
    char *issued = date_format(lang, f->issued_on ? f->issued_on : today);
    char *footer = i18n_format(lang, "notice.footer", "ref", f->case_ref, NULL);
    char *reflection = reflection_text(f);
    struct pdf_doc *d = NULL;

    st = pdf_doc_new(lang, i18n_is_rtl(lang) ? PDF_RTL : PDF_LTR, &d);
    if (st == STATUS_OK) {
        st = pdf_doc_meta(d, i18n_get(lang, "notice.title"), i18n_get(lang, "notice.subject"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_footer(d, footer);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_title(d, i18n_get(lang, "notice.title"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "notice.intro"));
    }
    if (st == STATUS_OK) {
        struct pdf_kv rows[3];
        size_t n = 0;
        rows[n++] = (struct pdf_kv){i18n_get(lang, "notice.case_ref"), f->case_ref};
        rows[n++] = (struct pdf_kv){i18n_get(lang, "notice.issued_on"), issued};
        if (given(f->agency_name)) {
            rows[n++] = (struct pdf_kv){i18n_get(lang, "notice.agency"), f->agency_name};
        }
        st = pdf_doc_key_values(d, rows, n);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_heading(d, i18n_get(lang, "notice.reflection.heading"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, reflection);
    }
    if (st == STATUS_OK && f->reflection_end != NULL && f->no_removal) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "notice.reflection.no_removal"));
    }
    if (st == STATUS_OK) {
        st = section(d, lang, "notice.assist.heading", "notice.assist.intro");
    }
    if (st == STATUS_OK) {
        static const char *const keys[] = {"notice.assist.accommodation", "notice.assist.medical",
                                           "notice.assist.psychological", "notice.assist.interpretation",
                                           "notice.assist.legal",         "notice.assist.proceedings",
                                           "notice.assist.education"};
        const char *items[ARRAY_LEN(keys)];
        for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
            items[i] = i18n_get(lang, keys[i]);
        }
        st = pdf_doc_bullets(d, items, ARRAY_LEN(items));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "notice.assist.no_testify"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "notice.assist.consent"));
    }
    static const char *const sections[][2] = {
        {"notice.nonpunish.heading", "notice.nonpunish.text"},
        {"notice.privacy.heading", "notice.privacy.text"},
        {"notice.residence.heading", "notice.residence.text"},
        {"notice.compensation.heading", "notice.compensation.text"},
        {"notice.return.heading", "notice.return.text"},
        {"notice.contact.heading", "notice.contact.text"},
    };
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(sections); i++) {
        st = section(d, lang, sections[i][0], sections[i][1]);
    }
    /* The ways to reach help close the notice, under "Who to contact". */
    if (st == STATUS_OK) {
        const char *contact = given(f->agency_contact);
        const char *helpline = given(f->helpline);
        struct pdf_kv rows[] = {
            {i18n_get(lang, "notice.agency_contact"), contact ? contact : FILL_IN},
            {i18n_get(lang, "notice.helpline"), helpline ? helpline : FILL_IN},
        };
        st = pdf_doc_key_values(d, rows, ARRAY_LEN(rows));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_finish(d, pdf_out, len_out);
    }
    pdf_doc_free(d);
    free(issued);
    free(footer);
    free(reflection);
    return st;
}

static enum status lang_check(const char *lang)
{
    if (lang == NULL || !i18n_lang_valid(lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang: one of ar, en, es, fr, ru, zh");
    }
    return STATUS_OK;
}

enum status notice_case_read(const struct auth_ctx *ctx, int64_t case_id, struct notice_case *out)
{
    memset(out, 0, sizeof *out);
    struct auth_record rec;
    int64_t version = 0;
    enum status st = case_reach(ctx, case_id, "case.read", false, "rights-notice", &rec, &version);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(rec.agency_id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_AGENCY_GET, a, ARRAY_LEN(a), &r);
    if (st == STATUS_OK) {
        snprintf(out->agency_name, sizeof out->agency_name, "%s", store_rows_text(r, 1));
        store_rows_free(r);
    } else if (st != STATUS_NOT_FOUND) {
        return st;
    }
    /* The helpline the public tip form shows (intake settings): public, not personal. */
    struct intake_settings is;
    st = intake_settings_get(ctx, &is);
    if (st != STATUS_OK) {
        return st;
    }
    snprintf(out->helpline, sizeof out->helpline, "%s", is.helpline);
    snprintf(out->case_ref, sizeof out->case_ref, "%lld", (long long)case_id);
    return STATUS_OK;
}

enum status notice_rights_render_case(const struct notice_case *c, const char *lang,
                                      const struct notice_reflection_in *refl, uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    enum status st = lang_check(lang);
    if (st != STATUS_OK) {
        return st;
    }
    if (refl != NULL && refl->end == NULL) {
        return err_set_field(STATUS_INVALID, "reflection_end", "reflection_end: required");
    }
    struct notice_facts f = {
        .lang = lang,
        .case_ref = c->case_ref,
        .reflection_end = refl ? refl->end : NULL,
        .reflection_start = refl ? refl->start : NULL,
        .reflection_days = refl ? refl->days : 0,
        .no_removal = refl ? refl->no_removal : false,
        .agency_name = c->agency_name[0] ? c->agency_name : NULL,
        .helpline = c->helpline[0] ? c->helpline : NULL,
    };
    return notice_rights_render(&f, pdf, len);
}

enum status notice_rights_for_case(const struct auth_ctx *ctx, int64_t case_id, const char *lang,
                                   const struct notice_reflection_in *refl, uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    struct notice_case c;
    enum status st = lang_check(lang);
    if (st == STATUS_OK) {
        st = notice_case_read(ctx, case_id, &c);
    }
    return st == STATUS_OK ? notice_rights_render_case(&c, lang, refl, pdf, len) : st;
}
