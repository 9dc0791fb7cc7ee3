/* report: the biennial report on patterns and flows (issue 6, item 7; Plan of Action para 60) as a
 * multi-page PDF in one of the six UN languages (Arabic right to left): detected victims by sex
 * and age, by form of exploitation and by citizenship; offenders through the funnel; flows by
 * reach and the main flows; each as a table and a chart, with notes on the sources, the method
 * and the disclosure control.
 *
 * It is a publication: every table goes through disclosure control (stats_release with small-cell
 * suppression and the linear-programming audit, recorded in stats_releases under the dataset
 * "biennial.<table>") and the charts draw the released figures, suppressed cells as 0 with a note.
 * Needs stats.publish (and stats.read for the figures); audited. */
#ifndef CTIS_STATS_REPORT_H
#define CTIS_STATS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

struct report_biennial {
    const char *country; /* the reporting country (ISO 3166): who counts as a national; NULL or "":
                          * the caller's agency's (the operator: the first agency's) */
    int year_from;       /* inclusive */
    int year_to;         /* inclusive, at most SUBMISSION_YEARS_MAX years */
    const char *lang;    /* ar, en, es, fr, ru or zh */
    int64_t threshold;   /* the suppression threshold; 0: 5 */
};

/* Builds the report; *pdf (malloc'd) is the PDF file of *len bytes. Run inside auth_run: the
 * releases are recorded in the caller's transaction. */
enum status report_biennial_pdf(const struct auth_ctx *ctx, const struct report_biennial *r, uint8_t **pdf,
                                size_t *len);

#endif
