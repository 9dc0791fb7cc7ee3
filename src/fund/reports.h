/* reports: grantee reports on Trust Fund grants and the fund's results (issue 8, part G).
 *
 * A report covers a period (from, to) of a grant and one of its released (or paid) tranches (by
 * default the latest one). A grantee of the grant's organisation (fund.apply; scope agency)
 * drafts it (one request saves the whole draft: a slow link), then submits it; a fund manager
 * (fund.write) accepts it or returns it with a sealed reason (returned reports can be edited and
 * submitted again). Accepting the report on tranche N releases tranche N+1. Submitting resolves
 * the "fund_report_due" task of the tranche.
 *
 * Content: beneficiaries assisted, counts by sex (female, male, other, unknown) x age (adult,
 * child) x form of exploitation (the registry's exploitation_type codes, src/cases/vocab.h);
 * services delivered, counts by the referral module's service types (vocabulary service_type,
 * src/referral/assist.h); the country (ISO alpha-3, default the grant's); a sealed narrative.
 *
 * JSON in: {"grant_id","tranche_id","period_from","period_to","country","narrative",
 *  "beneficiaries":[{"sex","age","form","count"}],"services":[{"service","count"}]}
 * (on update, beneficiaries and services replace the stored ones when given).
 *
 * Results: victims reached, from ACCEPTED reports only, summed over beneficiaries; a report
 * counts in the year its period ENDS. Grouped by any of country, year, sex, age, form. */
#ifndef CTIS_FUND_REPORTS_H
#define CTIS_FUND_REPORTS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define FUND_NARRATIVE_BYTES_MAX 20000
#define FUND_REPORT_ROWS_MAX 200

/* Creates (id 0) or updates (id, version: 0 skips the check) a draft; *id_out its id. */
enum status fund_report_save(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in,
                             int64_t *id_out);
enum status fund_report_submit(const struct auth_ctx *ctx, int64_t id, int64_t version);
/* {"decision":"accept"|"return","reason" (sealed; required to return)} by fund.write. */
enum status fund_report_decide(const struct auth_ctx *ctx, int64_t id, const json_t *in);
enum status fund_report_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Reports (of grant_id, 0: all; status NULL or "": any) the caller may read, without content. */
enum status fund_report_list(const struct auth_ctx *ctx, int64_t grant_id, const char *status, json_t **out);
/* by: comma-separated dimensions among country, year, sex, age, form (NULL or "": country,year).
 * A JSON array of {<dims>..., "victims"} sorted by the dimensions. fund.read (a grantee: their
 * organisation's reports). */
enum status fund_results(const struct auth_ctx *ctx, const char *by, json_t **out);

#endif
