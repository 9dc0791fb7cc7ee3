/* calls: the Trust Fund's calls for proposals (issue 8, part A). A call has a title, a sub-grant
 * programme ("immediate": activities within 9 months; "medium_term": up to 24 months; the window
 * in months is a field, defaulting to the programme's), open and close dates, a ceiling (minimum
 * and maximum in US cents, e.g. 20,000-60,000 dollars), priority forms of exploitation and
 * countries, and a status: draft -> open -> closed.
 *
 * Tasks (src/tasks): opening a call raises "fund_call_closing" (key fund_call_closing:<call>) for
 * the call's agency (the fund managers'; default the creator's) due at the close date; closing
 * it resolves that task and raises "fund_review_due" (key fund_review_due:<call>:<trustee>) for
 * each trustee serving with a user account, owned by that user in their agency, due 30 days on;
 * a review task is resolved when the trustee has reviewed every submitted application of the call
 * that they may review (reviews.c).
 *
 * Fund users read every call (fund.read); grantees (fund.apply) see the open and closed ones;
 * adding, opening and closing need fund.write. */
#ifndef CTIS_FUND_CALLS_H
#define CTIS_FUND_CALLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define FUND_TASK_CALL_CLOSING "fund_call_closing"
#define FUND_TASK_REVIEW_DUE "fund_review_due"
#define FUND_REVIEW_DAYS 30

bool fund_programme_known(const char *code); /* immediate, medium_term */
bool fund_form_known(const char *code);      /* the forms of exploitation of the case-law vocabulary */

/* A new draft call from {"title","programme","window_months","opens_on","closes_on",
 * "ceiling_min"|"ceiling_min_cents","ceiling_max"|"ceiling_max_cents" (dollars as decimal text,
 * or cents),"priority_forms":[...],"priority_countries":[...],"agency_id" (operator only)}. */
enum status fund_call_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
enum status fund_call_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
enum status fund_call_list(const struct auth_ctx *ctx, json_t **out);
/* draft -> open; open -> closed (any other: STATUS_CONFLICT). */
enum status fund_call_open(const struct auth_ctx *ctx, int64_t id, json_t **out);
enum status fund_call_close(const struct auth_ctx *ctx, int64_t id, json_t **out);

/* For applications.c and reviews.c: a call's row as JSON, no permission check. */
enum status fund_call_load(const struct auth_ctx *ctx, int64_t id, json_t **out);

#endif
