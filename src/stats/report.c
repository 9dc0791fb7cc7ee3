/* report: the biennial report on patterns and flows (see report.h).
 *
 * Each section is a table of years (rows) by groups (columns) built from the instance's figures
 * (stats_figures: the questionnaire's rows), released through stats_release (suppression, with
 * row, column and grand totals and the audit), printed as released ("<5", "x") and drawn as a
 * chart of the released numbers. The flows section lists the flows at or above the reporting
 * threshold (never a small cell) and the victims by reach, released as a one-way table. */
#include "stats/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "pdf/chart.h"
#include "pdf/pdf.h"
#include "stats/flows.h"
#include "stats/release.h"
#include "stats/submission.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

#define REPORT_GROUPS_MAX 6
#define REPORT_YEARS_MAX SUBMISSION_YEARS_MAX
#define REPORT_CHART_H 230.0
#define REPORT_FLOWS_LISTED 25

/* A country's name in lang (the registry's labels), else its code. */
static const char *country_label(const char *iso3, const char *lang)
{
    const char *l = vocab_label("country", iso3, lang);
    return l != NULL && l[0] != '\0' ? l : iso3;
}

/* A section's table: which rows of the figures count in which group. */
struct section {
    const char *key;       /* "victims_sex_age": the dataset is "biennial.<key>", i18n "biennial.<key>.*" */
    const char *indicator; /* NULL: the offender funnel (one group per indicator) */
    const char *dimension;
    const char *groups[REPORT_GROUPS_MAX]; /* group codes; labels "biennial.group.<code>" */
    size_t ngroups;
    enum chart_kind chart;
};

static const struct section sections[] = {
    {"victims_sex_age",
     "Detected trafficking victims",
     "Total",
     {"women", "men", "girls", "boys", "other_unknown"},
     5,
     CHART_STACKED},
    {"victims_forms",
     "Detected trafficking victims",
     "by form of exploitation",
     {"sexual_exploitation", "forced_labour", "other_forms", "unknown"},
     4,
     CHART_STACKED},
    {"victims_citizenship",
     "Detected trafficking victims",
     "by citizenship",
     {"nationals", "foreign", "unknown"},
     3,
     CHART_STACKED},
    {"offenders", NULL, "Total", {"contact", "prosecuted", "convicted"}, 3, CHART_LINES},
};

/* The group of a figures row in section s, or NULL when the row is not one of its cells. */
static const char *group_of(const struct section *s, const json_t *row)
{
    const char *ind = json_string_value(json_object_get(row, "indicator"));
    const char *dim = json_string_value(json_object_get(row, "dimension"));
    const char *cat = json_string_value(json_object_get(row, "category"));
    const char *sex = json_string_value(json_object_get(row, "sex"));
    const char *age = json_string_value(json_object_get(row, "age"));
    if (strcmp(dim, s->dimension) != 0) {
        return NULL;
    }
    if (s->indicator == NULL) {
        if (strcmp(cat, "Total") != 0 || strcmp(sex, "Total") != 0 || strcmp(age, "Total") != 0) {
            return NULL;
        }
        return strcmp(ind, "Persons brought into formal contact") == 0 ? "contact"
               : strcmp(ind, "Persons prosecuted") == 0                ? "prosecuted"
               : strcmp(ind, "Persons convicted") == 0                 ? "convicted"
                                                                       : NULL;
    }
    if (strcmp(ind, s->indicator) != 0) {
        return NULL;
    }
    if (strcmp(s->key, "victims_sex_age") == 0) {
        /* The interior of sex x age (not its margins). */
        if (strcmp(sex, "Total") == 0 || strcmp(age, "Total") == 0) {
            return NULL;
        }
        bool adult = strcmp(age, "18 years or over") == 0, child = strcmp(age, "0 to 17 years") == 0;
        if (strcmp(sex, "Female") == 0 && (adult || child)) {
            return adult ? "women" : "girls";
        }
        if (strcmp(sex, "Male") == 0 && (adult || child)) {
            return adult ? "men" : "boys";
        }
        return "other_unknown";
    }
    if (strcmp(sex, "Total") != 0 || strcmp(age, "Total") != 0) {
        return NULL;
    }
    if (strcmp(s->key, "victims_forms") == 0) {
        return strcmp(cat, "Sexual exploitation") == 0 ? "sexual_exploitation"
               : strcmp(cat, "Forced labour") == 0     ? "forced_labour"
               : strcmp(cat, "Unknown") == 0           ? "unknown"
                                                       : "other_forms";
    }
    return strcmp(cat, "Nationals") == 0 ? "nationals" : strcmp(cat, "Unknown") == 0 ? "unknown" : "foreign";
}

struct grid {
    int nyears;
    size_t ngroups;
    int64_t exact[REPORT_YEARS_MAX][REPORT_GROUPS_MAX];
    json_t *released; /* stats_release's answer */
};

static const char *released_text(const json_t *count, char buf[32])
{
    if (json_is_integer(count)) {
        snprintf(buf, 32, "%lld", (long long)json_integer_value(count));
        return buf;
    }
    return json_is_string(count) ? json_string_value(count) : "";
}

static double released_number(const json_t *count)
{
    return json_is_integer(count) ? (double)json_integer_value(count) : 0.0;
}

/* The released cell (year, group), a row margin (group NULL), a column margin (year 0) or the
 * grand total (both). */
static const json_t *released_cell(const json_t *rel, const char *year, const char *group)
{
    const json_t *m = json_object_get(rel, "margins");
    const json_t *list = year != NULL && group != NULL ? json_object_get(rel, "rows")
                         : year != NULL                ? json_object_get(m, "rows")
                         : group != NULL               ? json_object_get(m, "columns")
                                                       : NULL;
    if (list == NULL) {
        return json_object_get(m, "total");
    }
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e)
    {
        const json_t *k = json_object_get(e, "keys");
        const char *y = json_string_value(json_object_get(k, "year"));
        const char *g = json_string_value(json_object_get(k, "group"));
        if ((year == NULL || (y != NULL && strcmp(y, year) == 0)) &&
            (group == NULL || (g != NULL && strcmp(g, group) == 0))) {
            return json_object_get(e, "count");
        }
    }
    return NULL;
}

static enum status section_release(const struct auth_ctx *ctx, const struct report_biennial *r, const struct section *s,
                                   const json_t *figures, struct grid *g)
{
    memset(g, 0, sizeof *g);
    g->nyears = r->year_to - r->year_from + 1;
    g->ngroups = s->ngroups;
    size_t i;
    const json_t *row;
    json_array_foreach(figures, i, row)
    {
        const char *grp = group_of(s, row);
        int y = (int)json_integer_value(json_object_get(row, "year")) - r->year_from;
        if (grp == NULL || y < 0 || y >= g->nyears) {
            continue;
        }
        for (size_t k = 0; k < s->ngroups; k++) {
            if (strcmp(s->groups[k], grp) == 0) {
                g->exact[y][k] += json_integer_value(json_object_get(row, "value"));
            }
        }
    }
    /* Every cell, zeros too, so that the released table is the whole grid. */
    char years[REPORT_YEARS_MAX][8];
    struct stats_row rows[REPORT_YEARS_MAX * REPORT_GROUPS_MAX];
    size_t n = 0;
    for (int y = 0; y < g->nyears; y++) {
        snprintf(years[y], sizeof years[y], "%d", r->year_from + y);
        for (size_t k = 0; k < s->ngroups; k++) {
            rows[n++] = (struct stats_row){{years[y], s->groups[k], NULL, NULL}, g->exact[y][k]};
        }
    }
    static const char *const names[] = {"year", "group"};
    char dataset[64];
    snprintf(dataset, sizeof dataset, "biennial.%s", s->key);
    struct stats_release_spec spec = {"suppress", r->threshold, 0};
    json_t *inputs = json_pack("{sssisiss}", "country", r->country, "year_from", r->year_from, "year_to", r->year_to,
                               "report", "biennial");
    enum status st = stats_release(ctx, dataset, &spec, inputs, names, 2, rows, n, &g->released);
    json_decref(inputs);
    return st;
}

static enum status section_write(struct pdf_doc *d, const char *lang, const struct report_biennial *r,
                                 const struct section *s, struct grid *g)
{
    char key[96];
    snprintf(key, sizeof key, "biennial.%s.title", s->key);
    enum status st = pdf_doc_heading(d, i18n_get(lang, key));
    snprintf(key, sizeof key, "biennial.%s.intro", s->key);
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, key));
    }
    /* The table: year, the groups, the total; the last row the totals. */
    size_t ncols = s->ngroups + 2;
    const char *header[REPORT_GROUPS_MAX + 2];
    header[0] = i18n_get(lang, "biennial.year");
    for (size_t k = 0; k < s->ngroups; k++) {
        snprintf(key, sizeof key, "biennial.group.%s", s->groups[k]);
        header[k + 1] = i18n_get(lang, key);
    }
    header[ncols - 1] = i18n_get(lang, "biennial.total");
    size_t nrows = (size_t)g->nyears + 1;
    char(*text)[32] = calloc(nrows * ncols, sizeof *text);
    const char **cells = calloc(nrows * ncols, sizeof *cells);
    if (text == NULL || cells == NULL) {
        free(text);
        free(cells);
        return err_set(STATUS_IO, "out of memory");
    }
    double values[REPORT_GROUPS_MAX][REPORT_YEARS_MAX];
    char years[REPORT_YEARS_MAX][8];
    const char *cats[REPORT_YEARS_MAX];
    for (int y = 0; y <= g->nyears; y++) {
        const char *year = NULL;
        if (y < g->nyears) {
            snprintf(years[y], sizeof years[y], "%d", r->year_from + y);
            year = years[y];
            cats[y] = years[y];
        }
        size_t base = (size_t)y * ncols;
        cells[base] = year != NULL ? year : i18n_get(lang, "biennial.total");
        for (size_t k = 0; k <= s->ngroups; k++) {
            const char *grp = k < s->ngroups ? s->groups[k] : NULL;
            const json_t *c = released_cell(g->released, year, grp);
            cells[base + k + 1] = released_text(c, text[base + k + 1]);
            if (year != NULL && grp != NULL) {
                values[k][y] = released_number(c);
            }
        }
    }
    if (st == STATUS_OK) {
        st = pdf_doc_table(d, header, ncols, cells, nrows);
    }
    struct chart_series series[REPORT_GROUPS_MAX];
    for (size_t k = 0; k < s->ngroups; k++) {
        series[k] = (struct chart_series){header[k + 1], values[k]};
    }
    snprintf(key, sizeof key, "biennial.%s.chart", s->key);
    char th[24];
    snprintf(th, sizeof th, "%lld", (long long)(r->threshold > 0 ? r->threshold : 5));
    char *note = i18n_format(lang, "biennial.chart_note", "threshold", th, NULL);
    struct chart c = {.kind = s->chart,
                      .lang = lang,
                      .rtl = i18n_is_rtl(lang),
                      .title = i18n_get(lang, key),
                      .note = note,
                      .categories = cats,
                      .ncat = (size_t)g->nyears,
                      .series = series,
                      .nseries = s->ngroups};
    if (st == STATUS_OK) {
        st = pdf_doc_chart(d, &c, REPORT_CHART_H);
    }
    free(note);
    free(text);
    free(cells);
    return st;
}

static enum status flows_write(const struct auth_ctx *ctx, struct pdf_doc *d, const char *lang,
                               const struct report_biennial *r)
{
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", r->year_from);
    snprintf(to, sizeof to, "%04d-12-31", r->year_to);
    struct stats_flows_query q = {0, 0, r->threshold > 0 ? r->threshold : 0};
    if (util_time_parse(&q.from_ms, from) != STATUS_OK || util_time_parse_end(&q.to_ms, to) != STATUS_OK) {
        return err_set(STATUS_INVALID, "report: years");
    }
    struct stats_flows *f = NULL;
    enum status st = stats_flows(ctx, &q, &f);
    if (st != STATUS_OK) {
        return st;
    }
    st = pdf_doc_heading(d, i18n_get(lang, "biennial.flows.title"));
    char *intro = NULL;
    if (st == STATUS_OK) {
        char th[24];
        snprintf(th, sizeof th, "%lld", (long long)f->threshold);
        intro = i18n_format(lang, "biennial.flows.intro", "threshold", th, NULL);
        st = pdf_doc_paragraph(d, intro);
    }
    free(intro);
    /* Victims by reach: a one-way table, released. */
    static const char *const names[] = {"reach"};
    struct stats_row rows[STATS_REACH_COUNT];
    for (int k = 0; k < STATS_REACH_COUNT; k++) {
        rows[k] = (struct stats_row){{stats_reach_name((enum stats_reach)k), NULL, NULL, NULL}, f->reach[k]};
    }
    struct stats_release_spec spec = {"suppress", r->threshold, 0};
    json_t *inputs = json_pack("{sisiss}", "year_from", r->year_from, "year_to", r->year_to, "report", "biennial");
    json_t *rel = NULL;
    if (st == STATUS_OK) {
        st = stats_release(ctx, "biennial.flows_reach", &spec, inputs, names, 1, rows, STATS_REACH_COUNT, &rel);
    }
    json_decref(inputs);
    if (st == STATUS_OK) {
        const char *header[] = {i18n_get(lang, "biennial.reach"), i18n_get(lang, "biennial.victims")};
        const char *cells[2 * (STATS_REACH_COUNT + 1)];
        char text[STATS_REACH_COUNT + 1][32];
        char key[64];
        const json_t *list = json_object_get(rel, "rows");
        for (int k = 0; k < STATS_REACH_COUNT; k++) {
            snprintf(key, sizeof key, "biennial.reach.%s", stats_reach_name((enum stats_reach)k));
            cells[2 * k] = i18n_get(lang, key);
            cells[2 * k + 1] = "";
            size_t i;
            const json_t *e;
            json_array_foreach(list, i, e)
            {
                const char *rk = json_string_value(json_object_get(json_object_get(e, "keys"), "reach"));
                if (rk != NULL && strcmp(rk, stats_reach_name((enum stats_reach)k)) == 0) {
                    cells[2 * k + 1] = released_text(json_object_get(e, "count"), text[k]);
                }
            }
        }
        cells[2 * STATS_REACH_COUNT] = i18n_get(lang, "biennial.total");
        cells[2 * STATS_REACH_COUNT + 1] =
            released_text(json_object_get(json_object_get(rel, "margins"), "total"), text[STATS_REACH_COUNT]);
        st = pdf_doc_table(d, header, 2, cells, STATS_REACH_COUNT + 1);
    }
    json_decref(rel);
    /* The main flows: each at or above the threshold, so no small cell is shown. */
    size_t listed = f->count < REPORT_FLOWS_LISTED ? f->count : REPORT_FLOWS_LISTED;
    if (st == STATUS_OK && listed == 0) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "biennial.flows.none"));
    }
    if (st == STATUS_OK && listed > 0) {
        const char *header[] = {i18n_get(lang, "biennial.origin"), i18n_get(lang, "biennial.destination"),
                                i18n_get(lang, "biennial.reach"), i18n_get(lang, "biennial.victims")};
        const char **cells = calloc(listed * 4, sizeof *cells);
        char(*num)[24] = calloc(listed, sizeof *num);
        char(*reach)[64] = calloc(listed, sizeof *reach);
        struct chart_flow *cf = calloc(listed, sizeof *cf);
        if (cells == NULL || num == NULL || reach == NULL || cf == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        }
        for (size_t i = 0; st == STATUS_OK && i < listed; i++) {
            const struct stats_flow *fl = &f->flows[i];
            const char *o = country_label(fl->origin, lang), *dn = country_label(fl->destination, lang);
            char key[64];
            snprintf(key, sizeof key, "biennial.reach.%s", stats_reach_name(fl->reach));
            snprintf(reach[i], sizeof reach[i], "%s", i18n_get(lang, key));
            snprintf(num[i], sizeof num[i], "%lld", (long long)fl->count);
            cells[4 * i] = o;
            cells[4 * i + 1] = dn;
            cells[4 * i + 2] = reach[i];
            cells[4 * i + 3] = num[i];
            cf[i] = (struct chart_flow){o, dn, (double)fl->count};
        }
        if (st == STATUS_OK) {
            st = pdf_doc_table(d, header, 4, cells, listed);
        }
        if (st == STATUS_OK) {
            struct chart c = {.kind = CHART_FLOWS,
                              .lang = lang,
                              .rtl = i18n_is_rtl(lang),
                              .title = i18n_get(lang, "biennial.flows.chart"),
                              .flows = cf,
                              .nflows = listed};
            st = pdf_doc_chart(d, &c, REPORT_CHART_H + 60);
        }
        free(cells);
        free(num);
        free(reach);
        free(cf);
    }
    stats_flows_free(f);
    return st;
}

/* The reporting country when none is given: the caller's agency's, else (the operator) that of
 * the first agency, the national office `ctis init` creates. */
static enum status default_country(const struct auth_ctx *ctx, char out[8])
{
    int64_t agency = ctx->who->agency_id;
    enum status st = STATUS_OK;
    if (agency <= 0) {
        struct store_rows *rows = NULL;
        st = store_exec_one(ctx->store, STMT_AGENCY_FIRST, NULL, 0, &rows);
        agency = st == STATUS_OK ? store_rows_i64(rows, 0) : 0;
        store_rows_free(rows);
    }
    struct auth_agency *a = NULL;
    if (st == STATUS_OK) {
        st = auth_agency_get(ctx, agency, &a);
    }
    if (st == STATUS_OK && (a->country == NULL || a->country[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "country", "country: the agency has no country; give one");
    }
    if (st == STATUS_OK) {
        snprintf(out, 8, "%s", a->country);
    }
    auth_agency_free(a);
    return st == STATUS_NOT_FOUND ? err_set_field(STATUS_INVALID, "country", "country: required") : st;
}

enum status report_biennial_pdf(const struct auth_ctx *ctx, const struct report_biennial *r_in, uint8_t **pdf,
                                size_t *len)
{
    struct report_biennial rr = *r_in;
    const struct report_biennial *r = &rr;
    char country[8];
    *pdf = NULL;
    *len = 0;
    if (r->lang == NULL || !i18n_lang_valid(r->lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang: ar, en, es, fr, ru or zh");
    }
    if (r->year_to - r->year_from + 1 > REPORT_YEARS_MAX) {
        return err_set_field(STATUS_INVALID, "year_from", "years: at most %d", REPORT_YEARS_MAX);
    }
    enum status st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, false, "biennial report");
    if (st == STATUS_OK && (rr.country == NULL || rr.country[0] == '\0')) {
        st = default_country(ctx, country);
        rr.country = country;
    }
    json_t *figures = NULL;
    if (st == STATUS_OK) {
        struct submission_build b = {r->country, r->year_from, r->year_to};
        st = stats_figures(ctx, &b, &figures);
    }
    if (st != STATUS_OK) {
        return st;
    }
    const char *lang = r->lang;
    struct pdf_doc *d = NULL;
    st = pdf_doc_new(lang, i18n_is_rtl(lang) ? PDF_RTL : PDF_LTR, &d);
    char years[32], threshold[24], produced[32];
    snprintf(years, sizeof years, "\xe2\x81\xa6%d\xe2\x80\x93\xe2\x81\xa0%d\xe2\x81\xa9", r->year_from, r->year_to);
    snprintf(threshold, sizeof threshold, "%lld", (long long)(r->threshold > 0 ? r->threshold : 5));
    util_time_iso(produced, util_now_ms());
    produced[10] = '\0';
    const char *cname = country_label(r->country, lang);
    char *title = i18n_format(lang, "biennial.title", "country", cname, "years", years, NULL);
    char *footer = i18n_format(lang, "biennial.footer", "date", produced, NULL);
    char *method = i18n_format(lang, "biennial.method", "threshold", threshold, NULL);
    if (st == STATUS_OK) {
        st = pdf_doc_meta(d, title, i18n_get(lang, "biennial.subject"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_footer(d, footer);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_title(d, title);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "biennial.about"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_heading(d, i18n_get(lang, "biennial.method_title"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, method);
    }
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(sections); i++) {
        struct grid g;
        st = section_release(ctx, r, &sections[i], figures, &g);
        if (st == STATUS_OK) {
            st = section_write(d, lang, r, &sections[i], &g);
        }
        json_decref(g.released);
    }
    if (st == STATUS_OK) {
        st = flows_write(ctx, d, lang, r);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_heading(d, i18n_get(lang, "biennial.notes_title"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, i18n_get(lang, "biennial.notes"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_finish(d, pdf, len);
    }
    pdf_doc_free(d);
    free(title);
    free(footer);
    free(method);
    json_decref(figures);
    if (st == STATUS_OK) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s %s %s", r->country, years, lang);
        st = auth_audit(ctx, "stats.report.biennial", "report", 0, "ok", detail);
    }
    if (st != STATUS_OK) {
        free(*pdf);
        *pdf = NULL;
        *len = 0;
    }
    return st;
}
