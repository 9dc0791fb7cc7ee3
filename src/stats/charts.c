/* charts: the report's charts as data from the domain functions (charts.h). */
#include "stats/charts.h"
#include "stats/submission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "justice/stats.h"
#include "stats/flows.h"
#include "stats/release.h"
#include "util/mem.h"
#include "util/util.h"

static const char *const names[] = {"victims-sex-age", "victims-forms", "trends", "funnel", "flows-reach", "flows"};

const char *const *stats_chart_names(size_t *count)
{
    *count = ARRAY_LEN(names);
    return names;
}

bool stats_chart_name_valid(const char *name)
{
    for (size_t i = 0; name != NULL && i < ARRAY_LEN(names); i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static enum status query_check(const struct stats_chart_query *q)
{
    if (q->year_from < 1900 || q->year_from > 9999) {
        return err_set_field(STATUS_INVALID, "year_from", "year_from: a year (YYYY)");
    }
    if (q->year_to < q->year_from || q->year_to > 9999 || q->year_to - q->year_from >= STATS_CHART_YEARS_MAX) {
        return err_set_field(STATUS_INVALID, "year_to", "year_to: a year from year_from, at most %d years",
                             STATS_CHART_YEARS_MAX);
    }
    if (q->lang != NULL && !i18n_lang_valid(q->lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang: one of ar, en, es, fr, ru, zh");
    }
    return STATUS_OK;
}

static const char *lang_of(const struct stats_chart_query *q)
{
    return q->lang != NULL ? q->lang : "en";
}

static const char *tr(const struct stats_chart_query *q, const char *key)
{
    return i18n_get(lang_of(q), key);
}

/* A new chart of ncat categories and nseries series, values zero. Years charts: categories are
 * the years (years true). */
static struct stats_chart *chart_new(const char *name, const struct stats_chart_query *q, enum chart_kind kind,
                                     size_t ncat, size_t nseries, bool years)
{
    struct stats_chart *c = xcalloc(1, sizeof *c);
    c->name = name;
    c->chart.kind = kind;
    c->chart.lang = lang_of(q);
    c->chart.rtl = i18n_is_rtl(lang_of(q));
    char key[64];
    snprintf(key, sizeof key, "charts.title.%s", name);
    c->chart.title = tr(q, key);
    c->cat_text = xcalloc(ncat ? ncat : 1, sizeof *c->cat_text);
    c->cats = xcalloc(ncat ? ncat : 1, sizeof *c->cats);
    c->values = xcalloc((ncat ? ncat : 1) * (nseries ? nseries : 1), sizeof *c->values);
    c->series = xcalloc(nseries ? nseries : 1, sizeof *c->series);
    for (size_t i = 0; i < ncat; i++) {
        if (years) {
            snprintf(c->cat_text[i], sizeof c->cat_text[i], "%d", q->year_from + (int)i);
        }
        c->cats[i] = c->cat_text[i];
    }
    for (size_t s = 0; s < nseries; s++) {
        c->series[s].values = c->values + s * ncat;
    }
    c->chart.categories = c->cats;
    c->chart.ncat = ncat;
    c->chart.series = c->series;
    c->chart.nseries = nseries;
    return c;
}

void stats_chart_free(struct stats_chart *c)
{
    if (c == NULL) {
        return;
    }
    free(c->cat_text);
    free(c->cats);
    free(c->values);
    free(c->series);
    free(c->flows);
    free(c->note);
    free(c);
}

static int year_of(const char *s)
{
    int64_t y = 0;
    return s != NULL && util_parse_i64(&y, s) == STATUS_OK && y > 0 && y < 10000 ? (int)y : 0;
}

/* Adds n to series s at year (ignored outside the chart's years). */
static void add_year(struct stats_chart *c, const struct stats_chart_query *q, size_t s, const char *year, int64_t n)
{
    int y = year_of(year);
    if (y >= q->year_from && y <= q->year_to && s < c->chart.nseries) {
        c->values[s * c->chart.ncat + (size_t)(y - q->year_from)] += (double)n;
    }
}

static void range_ms(const struct stats_chart_query *q, int64_t *from, int64_t *to)
{
    char a[16], b[16];
    snprintf(a, sizeof a, "%04d-01-01", q->year_from);
    snprintf(b, sizeof b, "%04d-12-31", q->year_to);
    if (util_time_parse(from, a) != STATUS_OK || util_time_parse_end(to, b) != STATUS_OK) {
        *from = 0;
        *to = 0;
    }
}

/* Notes: the method note, and the disclosure control note when released. */
static void note_set(struct stats_chart *c, const struct stats_chart_query *q, const char *extra_key)
{
    const char *base = tr(q, c->released ? "charts.note.released" : "charts.note.exact");
    free(c->note);
    c->note = extra_key != NULL ? xasprintf("%s %s", tr(q, extra_key), base) : xstrdup(base);
    c->chart.note = c->note;
}

/* The cells of a release: keys (k[1] NULL for a one-way table) and where the value lives. */
struct rel_cell {
    const char *k[2];
    double *value;
};

/* Releases the cells through small-cell suppression and writes back what is published:
 * suppressed cells become 0. */
static enum status release_cells(const struct auth_ctx *ctx, struct stats_chart *c, const struct stats_chart_query *q,
                                 const char *const *dims, size_t ndims, struct rel_cell *cells, size_t n)
{
    c->released = true;
    if (n == 0) {
        return STATUS_OK;
    }
    struct stats_row *rows = xcalloc(n, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        rows[i].keys[0] = cells[i].k[0];
        rows[i].keys[1] = ndims > 1 ? cells[i].k[1] : NULL;
        rows[i].count = (int64_t)cells[i].value[0];
    }
    char dataset[64];
    snprintf(dataset, sizeof dataset, "chart-%s", c->name);
    struct stats_release_spec spec = {.method = "suppress", .threshold = STATS_CHART_RELEASE_THRESHOLD};
    json_t *inputs = json_pack("{sssisi}", "chart", c->name, "year_from", q->year_from, "year_to", q->year_to);
    json_t *out = NULL;
    enum status st = stats_release(ctx, dataset, &spec, inputs, dims, ndims, rows, n, &out);
    json_decref(inputs);
    free(rows);
    if (st != STATUS_OK) {
        return st;
    }
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(out, "rows"), i, e)
    {
        json_t *keys = json_object_get(e, "keys");
        if (json_object_size(keys) != ndims) {
            continue; /* a margin */
        }
        const char *k0 = json_string_value(json_object_get(keys, dims[0]));
        const char *k1 = ndims > 1 ? json_string_value(json_object_get(keys, dims[1])) : NULL;
        json_t *count = json_object_get(e, "count");
        for (size_t j = 0; k0 != NULL && j < n; j++) {
            if (strcmp(cells[j].k[0], k0) == 0 && (ndims < 2 || (k1 != NULL && strcmp(cells[j].k[1], k1) == 0))) {
                if (!json_is_integer(count)) {
                    cells[j].value[0] = 0;
                    c->suppressed++;
                }
                break;
            }
        }
    }
    c->release_id = (int64_t)json_integer_value(json_object_get(json_object_get(out, "release"), "id"));
    json_decref(out);
    return STATUS_OK;
}

/* Releases a years x series chart (two-way: year, series code). */
static enum status release_grid(const struct auth_ctx *ctx, struct stats_chart *c, const struct stats_chart_query *q,
                                const char *const *codes)
{
    size_t n = c->chart.ncat * c->chart.nseries;
    struct rel_cell *cells = xcalloc(n ? n : 1, sizeof *cells);
    for (size_t s = 0; s < c->chart.nseries; s++) {
        for (size_t i = 0; i < c->chart.ncat; i++) {
            cells[s * c->chart.ncat + i] = (struct rel_cell){{c->cats[i], codes[s]}, &c->values[s * c->chart.ncat + i]};
        }
    }
    static const char *const dims[] = {"year", "series"};
    enum status st = release_cells(ctx, c, q, dims, 2, cells, n);
    free(cells);
    return st;
}

/* Names the series from i18n keys "charts.series.CODE". */
static void series_name(struct stats_chart *c, const struct stats_chart_query *q, const char *const *codes)
{
    for (size_t s = 0; s < c->chart.nseries; s++) {
        char key[64];
        snprintf(key, sizeof key, "charts.series.%s", codes[s]);
        c->series[s].name = tr(q, key);
    }
}

static enum status finish(const struct auth_ctx *ctx, struct stats_chart *c, const struct stats_chart_query *q,
                          const char *const *codes, enum status st, struct stats_chart **out)
{
    if (st == STATUS_OK && q->release) {
        st = release_grid(ctx, c, q, codes);
    }
    if (st != STATUS_OK) {
        stats_chart_free(c);
        return st;
    }
    series_name(c, q, codes);
    note_set(c, q, NULL);
    *out = c;
    return STATUS_OK;
}

static enum status start(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out)
{
    *out = NULL;
    enum status st = query_check(q);
    if (st == STATUS_OK) {
        st = auth_check(ctx, q->release ? "stats.publish" : "stats.read", NULL, AUTH_FG_NONE, false, "charts");
    }
    return st;
}

static size_t years_of(const struct stats_chart_query *q)
{
    return (size_t)(q->year_to - q->year_from + 1);
}

/* Sex x age: women, men, girls, boys, other/unknown. */
enum status stats_chart_victims_sex_age(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                        struct stats_chart **out)
{
    static const char *const codes[] = {"women", "men", "girls", "boys", "other"};
    enum status st = start(ctx, q, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_chart *c = chart_new("victims-sex-age", q, CHART_STACKED, years_of(q), ARRAY_LEN(codes), true);
    const char *by[] = {"year", "gender", "majority_status"};
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    st = case_stats_victims(ctx, by, 3, 0, 0, &rows, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        const char *g = rows[i].keys[1], *m = rows[i].keys[2];
        bool female = strcmp(stats_sex_of_gender(g), "Female") == 0, male = strcmp(stats_sex_of_gender(g), "Male") == 0;
        bool adult = strcmp(stats_age_of_majority(m), "18 years or over") == 0;
        bool minor = strcmp(stats_age_of_majority(m), "0 to 17 years") == 0;
        size_t s = female && adult ? 0 : male && adult ? 1 : female && minor ? 2 : male && minor ? 3 : 4;
        add_year(c, q, s, rows[i].keys[0], rows[i].count);
    }
    case_stats_free(rows, n);
    return finish(ctx, c, q, codes, st, out);
}

/* The Global Report's three groups (stats_form_group) as the chart's series index. */
static size_t form_group(const char *code)
{
    const char *g = stats_form_group(code);
    return strcmp(g, "Sexual exploitation") == 0 ? 0
           : strcmp(g, "Forced labour") == 0     ? 1
           : strcmp(g, "Unknown") == 0           ? 3
                                                 : 2;
}

enum status stats_chart_victims_forms(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                      struct stats_chart **out)
{
    static const char *const codes[] = {"sexual", "forced_labour", "other_forms", "unknown"};
    enum status st = start(ctx, q, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_chart *c = chart_new("victims-forms", q, CHART_STACKED, years_of(q), ARRAY_LEN(codes), true);
    const char *by[] = {"year", "exploitation"};
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    st = case_stats_victims(ctx, by, 2, 0, 0, &rows, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        add_year(c, q, form_group(rows[i].keys[1]), rows[i].keys[0], rows[i].count);
    }
    case_stats_free(rows, n);
    /* "unknown" only when there is any. */
    bool unknown = false;
    for (size_t i = 0; i < c->chart.ncat; i++) {
        unknown = unknown || c->series[3].values[i] > 0;
    }
    if (!unknown) {
        c->chart.nseries = 3;
    }
    return finish(ctx, c, q, codes, st, out);
}

/* Offenders by stage and year, into series s of the stages named in stages. */
static enum status offenders(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart *c,
                             const char *const *stages, size_t nstages, size_t first)
{
    struct justice_stats_query jq = {{"year", NULL, NULL}, 1, NULL, 0, 0};
    range_ms(q, &jq.from_ms, &jq.to_ms);
    const char *dn[JUSTICE_STATS_KEYS];
    size_t nn = 0;
    struct justice_stat_row *rows = NULL;
    size_t n = 0;
    enum status st = justice_stats_offenders(ctx, &jq, dn, &nn, &rows, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        for (size_t s = 0; s < nstages; s++) {
            if (strcmp(rows[i].keys[0], stages[s]) == 0) {
                add_year(c, q, first + s, rows[i].keys[1], rows[i].count);
            }
        }
    }
    justice_stats_free(rows, n);
    return st;
}

enum status stats_chart_trends(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out)
{
    static const char *const codes[] = {"victims", "convicted"};
    enum status st = start(ctx, q, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_chart *c = chart_new("trends", q, CHART_LINES, years_of(q), ARRAY_LEN(codes), true);
    const char *by[] = {"year"};
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    st = case_stats_victims(ctx, by, 1, 0, 0, &rows, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        add_year(c, q, 0, rows[i].keys[0], rows[i].count);
    }
    case_stats_free(rows, n);
    static const char *const stage[] = {"convicted"};
    if (st == STATUS_OK) {
        st = offenders(ctx, q, c, stage, 1, 1);
    }
    return finish(ctx, c, q, codes, st, out);
}

enum status stats_chart_funnel(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out)
{
    static const char *const codes[] = {"contact", "prosecuted", "convicted"};
    enum status st = start(ctx, q, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_chart *c = chart_new("funnel", q, CHART_BARS, years_of(q), ARRAY_LEN(codes), true);
    st = offenders(ctx, q, c, codes, ARRAY_LEN(codes), 0);
    return finish(ctx, c, q, codes, st, out);
}

static enum status flows_of(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_flows **f)
{
    struct stats_flows_query fq = {0};
    range_ms(q, &fq.from_ms, &fq.to_ms);
    return stats_flows(ctx, &fq, f);
}

/* The reach bars of f into a new chart. */
static enum status reach_chart(const struct auth_ctx *ctx, const struct stats_chart_query *q, const char *name,
                               const struct stats_flows *f, struct stats_chart **out)
{
    struct stats_chart *c = chart_new(name, q, CHART_BARS, STATS_REACH_COUNT, 1, false);
    struct rel_cell cells[STATS_REACH_COUNT];
    for (size_t r = 0; r < STATS_REACH_COUNT; r++) {
        char key[64];
        snprintf(key, sizeof key, "flows.reach.%s", stats_reach_name((enum stats_reach)r));
        c->cats[r] = tr(q, key);
        c->values[r] = (double)f->reach[r];
        cells[r] = (struct rel_cell){{stats_reach_name((enum stats_reach)r), NULL}, &c->values[r]};
    }
    c->series[0].name = tr(q, "charts.series.victims");
    enum status st = STATUS_OK;
    if (q->release) {
        static const char *const dims[] = {"reach"};
        st = release_cells(ctx, c, q, dims, 1, cells, STATS_REACH_COUNT);
    }
    if (st != STATUS_OK) {
        stats_chart_free(c);
        return st;
    }
    *out = c;
    return STATUS_OK;
}

enum status stats_chart_flows_reach(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                    struct stats_chart **out)
{
    enum status st = start(ctx, q, out);
    struct stats_flows *f = NULL;
    if (st == STATUS_OK) {
        st = flows_of(ctx, q, &f);
    }
    if (st == STATUS_OK) {
        st = reach_chart(ctx, q, "flows-reach", f, out);
    }
    if (st == STATUS_OK) {
        note_set(*out, q, NULL);
    }
    stats_flows_free(f);
    return st;
}

enum status stats_chart_flows(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out)
{
    enum status st = start(ctx, q, out);
    struct stats_flows *f = NULL;
    if (st == STATUS_OK) {
        st = flows_of(ctx, q, &f);
    }
    if (st != STATUS_OK) {
        stats_flows_free(f);
        return st;
    }
    size_t n = f->count < STATS_CHART_FLOWS ? f->count : STATS_CHART_FLOWS;
    if (n == 0) {
        /* Nothing to draw as flows: the reach bars, titled as the flow diagram, with a note. */
        st = reach_chart(ctx, q, "flows", f, out);
        if (st == STATUS_OK) {
            note_set(*out, q, "charts.note.no_flows");
        }
        stats_flows_free(f);
        return st;
    }
    struct stats_chart *c = chart_new("flows", q, CHART_FLOWS, 0, 0, false);
    c->chart.ncat = 0;
    c->chart.nseries = 0;
    c->chart.categories = NULL;
    c->chart.series = NULL;
    c->flows = xcalloc(n, sizeof *c->flows);
    double *vals = xcalloc(n, sizeof *vals);
    struct rel_cell *cells = xcalloc(n, sizeof *cells);
    for (size_t i = 0; i < n; i++) {
        vals[i] = (double)f->flows[i].count;
        cells[i] = (struct rel_cell){{f->flows[i].origin, f->flows[i].destination}, &vals[i]};
    }
    if (q->release) {
        static const char *const dims[] = {"origin", "destination"};
        st = release_cells(ctx, c, q, dims, 2, cells, n);
    }
    size_t m = 0;
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        if (vals[i] > 0) { /* a suppressed flow is not drawn */
            c->flows[m++] = (struct chart_flow){vocab_label("country", f->flows[i].origin, lang_of(q)),
                                                vocab_label("country", f->flows[i].destination, lang_of(q)), vals[i]};
        }
    }
    c->chart.flows = c->flows;
    c->chart.nflows = m;
    free(cells);
    free(vals);
    if (st == STATUS_OK && m == 0) {
        stats_chart_free(c);
        c = NULL;
        st = reach_chart(ctx, q, "flows", f, &c);
        if (st == STATUS_OK) {
            c->released = q->release;
            note_set(c, q, "charts.note.no_flows");
        }
    } else if (st == STATUS_OK) {
        note_set(c, q, NULL);
    }
    stats_flows_free(f);
    if (st != STATUS_OK) {
        stats_chart_free(c);
        return st;
    }
    *out = c;
    return STATUS_OK;
}

enum status stats_chart_build(const struct auth_ctx *ctx, const char *name, const struct stats_chart_query *q,
                              struct stats_chart **out)
{
    static const struct {
        const char *name;
        enum status (*fn)(const struct auth_ctx *, const struct stats_chart_query *, struct stats_chart **);
    } fns[] = {{"victims-sex-age", stats_chart_victims_sex_age},
               {"victims-forms", stats_chart_victims_forms},
               {"trends", stats_chart_trends},
               {"funnel", stats_chart_funnel},
               {"flows-reach", stats_chart_flows_reach},
               {"flows", stats_chart_flows}};
    *out = NULL;
    for (size_t i = 0; name != NULL && i < ARRAY_LEN(fns); i++) {
        if (strcmp(name, fns[i].name) == 0) {
            return fns[i].fn(ctx, q, out);
        }
    }
    return err_set_field(STATUS_INVALID, "name",
                         "name: one of victims-sex-age, victims-forms, trends, funnel, flows-reach, flows");
}

enum status stats_chart_render(const struct stats_chart *c, enum chart_format f, double width, double height,
                               uint8_t **out, size_t *len_out)
{
    return chart_render(&c->chart, f, width > 0 ? width : STATS_CHART_WIDTH, height > 0 ? height : STATS_CHART_HEIGHT,
                        out, len_out);
}

double stats_chart_value(const struct stats_chart *c, size_t s, const char *cat)
{
    if (c->chart.kind == CHART_FLOWS || s >= c->chart.nseries) {
        return -1;
    }
    for (size_t i = 0; i < c->chart.ncat; i++) {
        if (strcmp(c->chart.categories[i], cat) == 0) {
            return c->chart.series[s].values[i];
        }
    }
    return -1;
}
