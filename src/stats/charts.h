/* charts: the statistical report's charts as data (issue 6, item 7), for the dashboard
 * (GET /api/v1/stats/charts/{name}, web #/statistics), `ctis stats chart` and the biennial
 * report (pdf_doc_chart). Each chart is filled from the domain functions (case_stats_victims,
 * justice_stats_offenders, stats_flows), never from SQL of its own, for the calendar years
 * [year_from, year_to], with its title, series, legend and note in one of the six languages
 * (i18n keys "charts.*"; Arabic right to left: chart.rtl).
 *
 * The charts (stats_chart_names gives the names in this order):
 * - victims-sex-age: detected victims per year (of registration), stacked: women, men, girls,
 *   boys, other/unknown (sex from gender, age from majority status);
 * - victims-forms: victims per year by the Global Report's three groups of forms (sexual
 *   exploitation, forced labour, other forms), stacked, with "unknown" when there is any; a
 *   victim with several forms counts once in each group;
 * - trends: victims per year and persons convicted per year (lines);
 * - funnel: persons per year brought into formal contact, prosecuted and convicted (bars);
 * - flows-reach: victims by reach (domestic, subregional, intraregional, transregional; bars)
 *   among the cases OPENED in the years (as stats_flows and `ctis stats flows`);
 * - flows: the main flows origin -> destination (at most STATS_CHART_FLOWS, at or above the
 *   reporting threshold) as a flow diagram; without any, the reach bars with a note.
 *
 * Figures: exact (stats.read), or, with q->release, released through disclosure control
 * (stats_release with small-cell suppression at threshold 5; needs stats.publish; recorded in
 * stats_releases as dataset "chart-NAME", in the caller's auth_run transaction): suppressed
 * cells ("<5" and their complements "x") are drawn as 0 and the note says so.
 *
 * Usage: inside auth_run, stats_chart_build(ctx, "trends", &q, &c); then, outside the
 * transaction if you like, stats_chart_render(c, CHART_SVG, 0, 0, &bytes, &len) or
 * pdf_doc_chart(doc, &c->chart, ...); stats_chart_free(c). */
#ifndef CTIS_STATS_CHARTS_H
#define CTIS_STATS_CHARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "pdf/chart.h"
#include "util/status.h"

#define STATS_CHART_YEARS_MAX 30 /* years on one chart */
#define STATS_CHART_FLOWS 12     /* flows on the flow diagram */
#define STATS_CHART_WIDTH 800.0  /* stats_chart_render's default size */
#define STATS_CHART_HEIGHT 450.0
#define STATS_CHART_RELEASE_THRESHOLD 5

struct stats_chart_query {
    int year_from;    /* inclusive, 1900..9999 */
    int year_to;      /* inclusive, at most STATS_CHART_YEARS_MAX years */
    const char *lang; /* ar, en, es, fr, ru, zh; NULL: en */
    bool release;     /* true: through disclosure control (stats.publish) */
};

/* A built chart: `chart` is ready to draw and everything it points to belongs to this object. */
struct stats_chart {
    struct chart chart;
    const char *name;   /* static: "trends" */
    bool released;      /* drawn from a release */
    int64_t release_id; /* the stats_releases row when released, else 0 */
    size_t suppressed;  /* cells drawn as 0 because they were suppressed */
    /* Storage (private). */
    char (*cat_text)[16];
    const char **cats;
    double *values;
    struct chart_series *series;
    struct chart_flow *flows;
    char *note; /* owned */
};

/* The names in their order; *count is set. */
const char *const *stats_chart_names(size_t *count);
/* True for a known name. */
bool stats_chart_name_valid(const char *name);

/* Builds one chart; STATUS_INVALID naming "name", "year_from", "year_to" or "lang"; the
 * permission as above (STATUS_DENIED). *out is the caller's (stats_chart_free). */
enum status stats_chart_build(const struct auth_ctx *ctx, const char *name, const struct stats_chart_query *q,
                              struct stats_chart **out);
void stats_chart_free(struct stats_chart *c);

/* One function per chart (stats_chart_build calls them by name). */
enum status stats_chart_victims_sex_age(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                        struct stats_chart **out);
enum status stats_chart_victims_forms(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                      struct stats_chart **out);
enum status stats_chart_trends(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out);
enum status stats_chart_funnel(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out);
enum status stats_chart_flows_reach(const struct auth_ctx *ctx, const struct stats_chart_query *q,
                                    struct stats_chart **out);
enum status stats_chart_flows(const struct auth_ctx *ctx, const struct stats_chart_query *q, struct stats_chart **out);

/* chart_render at width x height (0: STATS_CHART_WIDTH x STATS_CHART_HEIGHT). */
enum status stats_chart_render(const struct stats_chart *c, enum chart_format f, double width, double height,
                               uint8_t **out, size_t *len_out);

/* The value of series s (its index) at category text cat ("2024"), or -1 when absent (tests). */
double stats_chart_value(const struct stats_chart *c, size_t s, const char *cat);

#endif
