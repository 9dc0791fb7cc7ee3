/* caselaw: court decisions as a case-law collection (issue 5 item 4; Plan of Action paras 43-49).
 * A decision: court name and level, country (ISO 3166 alpha-3), decision date, case number, a
 * summary of the facts, charges (criminal-code article + the Protocol's form), the verdict,
 * sentences per defendant (the label the court published, e.g. "Defendant 1", never a victim's
 * name), victims counted by sex and age group, forms of exploitation, countries involved (origin,
 * transit, destination), the source (URL or citation), the language and an optional
 * investigation id. Published case law is public text: nothing is sealed.
 *
 * JSON of a decision:
 *   {"id":..,"court_name":"..","court_level":"first_instance|appeal|supreme|other",
 *    "country":"ESP","decision_date":"2025-03-14","case_number":"..","summary":"..",
 *    "charges":[{"article":"Art. 177 bis CP","form":"sexual_exploitation"}],
 *    "verdict":"convicted|acquitted|partly|other",
 *    "sentences":[{"defendant":"Defendant 1","imprisonment_months":96,"fine_amount":6000,
 *                  "fine_currency":"EUR","confiscation":true}],
 *    "victims":{"female_child":0,"female_adult":3,"male_child":0,"male_adult":0,"other_child":0,
 *               "other_adult":0},
 *    "forms":["sexual_exploitation"], "countries":[{"country":"NGA","role":"origin"}],
 *    "source":"..","language":"es","investigation_id":null,"version":1,
 *    "created_at_ms":..,"updated_at_ms":..}
 * Forms: sexual_exploitation, forced_labour, slavery, servitude, organ_removal,
 * forced_criminality, forced_begging, forced_marriage, other. Fine amounts are integer minor
 * units of an ISO 4217 currency.
 *
 * Reading and searching need justice.read, recording and updating justice.write; every call is
 * audited. Callers run these inside auth_run. */
#ifndef CTIS_JUSTICE_CASELAW_H
#define CTIS_JUSTICE_CASELAW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The marks around matched words in a search result's snippet (private-use code points, so that
 * no published text collides with them; the web page turns them into <mark>). */
#define CASELAW_MARK_START "\xee\x80\x80" /* U+E000 */
#define CASELAW_MARK_STOP "\xee\x80\x81"  /* U+E001 */

#define CASELAW_SEARCH_ROWS_MAX 500
#define CASELAW_EXPORT_ROWS_MAX 10000

/* Records a decision; *out (may be NULL) is the decision as stored. STATUS_INVALID naming the
 * field when the input is wrong. */
enum status caselaw_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
enum status caselaw_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Replaces the members given; version must be the current one (STATUS_CONFLICT otherwise). */
enum status caselaw_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out);

struct caselaw_query {
    const char *q;            /* words ('' or NULL: no full-text condition, newest first) */
    const char *country;      /* ISO3 or NULL */
    const char *from;         /* decision date from (YYYY-MM-DD) or NULL */
    const char *to;           /* decision date to, inclusive */
    const char *verdict;      /* or NULL */
    int64_t investigation_id; /* 0: any; else the decisions linked to that investigation */
    int64_t limit;            /* 0: 50; at most CASELAW_SEARCH_ROWS_MAX (export: CASELAW_EXPORT_ROWS_MAX) */
    int64_t offset;
};
/* Ranked results, best first: an array of decisions each with "rank" (higher is better) and
 * "snippet" (a fragment with the matches between CASELAW_MARK_START and _STOP; "" without q). */
enum status caselaw_search(const struct auth_ctx *ctx, const struct caselaw_query *q, json_t **out);

/* The collection, or a search, as "csv" or "json" (one array). *out is malloc'd text. */
enum status caselaw_export(const struct auth_ctx *ctx, const struct caselaw_query *q, const char *format, char **out,
                           size_t *len_out);

bool caselaw_form_known(const char *code);

#endif
