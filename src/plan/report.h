/* report: the implementation report of the Plan of Action (issue 9, part K; resolution 64/293
 * operative paras 5 and 6). Per pillar and per Plan paragraph, what was done in a period, with
 * figures drawn LIVE from the other modules' statistics functions, so that they equal what
 * `ctis stats` gives for the same period:
 *   - protect: victims identified (case_stats_victims, cases opened in the period);
 *     the Trust Fund's contributions and disbursements (fund_statement) and the victims its grants
 *     reached (fund_results: accepted grantee reports, by the year their period ends);
 *   - prosecute: the offender funnel (justice_stats_offenders: contact, prosecuted, convicted),
 *     cooperation requests (coop_stats);
 *   - follow_up (know): statistics releases recorded in the period (stats_releases_list);
 *   - partner: best practices published (practices.h, by year); cooperation agreements signed and
 *     technical-assistance requests made, delivered and declined (part R's partners.h);
 *   - general: ratifications and signatures dated in the period (part R's ratify.h);
 *   - prevent: campaigns, trainings of officials, identity-document work and supply-chain measures
 *     (part N's plan_prevention_figures); follow_up: national action plans in force, their actions
 *     and progress reports (part N's plan_nap_figures).
 * The report is a list of sections (report.c's `plan_report_sections`), each a function filling
 * rows (and possibly a table under "stats"); a new section is one entry there.
 *
 * With a release spec (stats.publish), the victims and offenders tables go through the statistics
 * module's disclosure control (stats/release.h, datasets "victims" and "offenders", by year) and
 * the report's figures are those of the releases (a suppressed cell is a string such as "<5").
 *
 * JSON: {"from","to","release":null|{..},"sections":[{"code","pillar","rows":[{"key","paragraphs",
 * "value","unit"}]}],"stats":{"victims_by_year":[..],"offenders_by_year":[..]}} where the stats are
 * as `ctis stats victims --by year --json` and `ctis stats offenders --by year --json`; with a
 * comparison period also "compare" (the same for the other period) and "changes"
 * [{"section","key","a","b","change"}] (a: the report's period, b: the compared one, change a - b:
 * how the figure moved since the compared period). Needs plan.read (and what the modules' functions need:
 * stats.read, justice.read, fund.read; stats.publish for a release). Callers run it inside auth_run. */
#ifndef CTIS_PLAN_REPORT_H
#define CTIS_PLAN_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "stats/release.h"
#include "util/status.h"

struct plan_report_query {
    const char *from, *to;                    /* YYYY-MM-DD, required */
    const char *compare_from, *compare_to;    /* the second period, or NULL */
    const struct stats_release_spec *release; /* NULL: exact figures */
};

/* One period's figures, as the sections see it. */
struct plan_report_period {
    const char *from, *to;
    int64_t from_ms, to_ms;
    const struct stats_release_spec *release;
};

/* A section of the report: its code (the i18n key "plan.report.section.CODE" titles it), pillar,
 * and the function that appends its rows ({"key","paragraphs","value","unit"}) to rows, and may
 * put whole tables under stats. */
struct plan_report_section {
    const char *code, *pillar;
    enum status (*fill)(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows, json_t *stats);
};
extern const struct plan_report_section plan_report_sections[];
extern const size_t plan_report_sections_count;

/* Appends {"key","paragraphs","value","unit"} to rows (for sections' fill functions). */
void plan_report_row(json_t *rows, const char *key, const char *paragraphs, json_t *value, const char *unit);

enum status plan_report_build(const struct auth_ctx *ctx, const struct plan_report_query *q, json_t **out);
/* The report as a PDF (lang one of the six UN languages; Arabic right to left) or an XLSX workbook,
 * built from plan_report_build's JSON; *out malloc'd. */
enum status plan_report_pdf(const json_t *report, const char *lang, uint8_t **out, size_t *len);
enum status plan_report_xlsx(const json_t *report, const char *lang, char **out, size_t *len);

#endif
