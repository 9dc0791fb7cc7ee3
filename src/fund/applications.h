/* applications: grantee organisations' fund profiles, applications to calls with budget lines and
 * their eligibility, trustees' reviews and the fund manager's decisions (issue 8, part A).
 *
 * Organisations. A grantee organisation is an agency of the registry with a fund profile:
 * registration country and date, non-profit status, direct assistance since (date), PSEA measures
 * (yes/no, policy title), a bank account in the organisation's own name (yes/no; the account
 * number sealed). Its grantee users (fund.apply, scope agency) and fund managers (fund.write)
 * edit it; fund users (fund.read) read it, the account number withheld ("account_number_withheld")
 * from those who do not edit it. A profile is versioned (If-Match; 0 for the first).
 *
 * Applications. A grantee (fund.apply) drafts and saves an application of their own
 * organisation to an open call, the whole document in one request (a slow link: one save, no
 * partial requests), versioned for If-Match: title, a sealed summary, country, duration in months,
 * forms of exploitation, planned beneficiaries (women, men, girls, boys) and budget lines
 * (category staff, shelter, medical, legal, material, travel, other; a description; an amount in
 * US dollars as decimal text, parsed exactly) whose total is computed. Submitting checks
 * eligibility on the submission date and refuses an ineligible application (409, the criteria in
 * the error's message; the criteria as JSON in fund_application_get's "eligibility"): registered
 * for at least a year, at least a year of direct assistance, non-profit, PSEA measures, an account
 * in its own name, the total within the call's ceiling, the duration within the call's window. A
 * call is open for submission from opens_on to closes_on inclusive, while its status is "open";
 * after the close date a submission is refused. A grantee sees only its own organisation's
 * applications and profile (another organisation's read as absent: STATUS_NOT_FOUND, audited as
 * a denial); fund users (fund.read) see all.
 *
 * Reviews. A trustee (fund.approve, linked to a serving member of the board through their user
 * account) scores a submitted application once, while its call is open or after it closed (the
 * board may start early): relevance, capacity, budget and reach from 1 to 5, and a sealed
 * comment. A trustee with a declared conflict on the organisation or the application is refused
 * (403 naming the rule, audited as a denial); the application lists its recused trustees, the
 * number of reviews and the average score (of all criteria, two decimals).
 *
 * Decisions. The fund manager (fund.write) records an award (amount, start and end dates, a
 * tranche schedule whose sum is the amount) or a rejection (a sealed reason) of a submitted
 * application once it has at least "min_reviews" reviews (setting, default 2). An award creates
 * the grant agreement through part G (fund_grant_create) in the same transaction. */
#ifndef CTIS_FUND_APPLICATIONS_H
#define CTIS_FUND_APPLICATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

bool fund_budget_category_known(const char *code);

/* The profile of agency_id ({"agency_id", ..., "version": 0} when none yet). */
enum status fund_org_get(const struct auth_ctx *ctx, int64_t agency_id, json_t **out);
/* Sets {"registration_country","registered_on","non_profit","assistance_since","psea",
 * "psea_policy","own_account","account_number"} if the profile still has version (0: new). */
enum status fund_org_set(const struct auth_ctx *ctx, int64_t agency_id, int64_t version, const json_t *in,
                         json_t **out);

/* Saves a draft: id 0 creates one ({"call_id", "agency_id" for the operator only, ...}); else
 * replaces the draft's content if it still has version. *out the application. */
enum status fund_application_save(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in,
                                  json_t **out);
/* Submits a draft (version as for save). */
enum status fund_application_submit(const struct auth_ctx *ctx, int64_t id, int64_t version, json_t **out);
/* One application with "budget", "eligibility" (at submission, or as it would be today for a
 * draft), "eligible"; for fund users also "reviews_count", "average_score", "recused" and
 * "decision". */
enum status fund_application_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* call_id 0: any; status NULL or "": any. A grantee: its organisation's only. */
enum status fund_application_list(const struct auth_ctx *ctx, int64_t call_id, const char *status, json_t **out);

/* A review {"relevance","capacity","budget","reach","comment"} of application app_id by the
 * acting trustee (the operator names "trustee_id"). */
enum status fund_review_add(const struct auth_ctx *ctx, int64_t app_id, const json_t *in, json_t **out);
/* An application's reviews (fund.read): a JSON array with the comments. */
enum status fund_review_list(const struct auth_ctx *ctx, int64_t app_id, json_t **out);
/* The acting trustee's queue: the submitted applications with "reviewed" and "conflict" flags
 * (fund.approve). */
enum status fund_review_queue(const struct auth_ctx *ctx, json_t **out);
/* A decision {"outcome": "award"|"reject", "amount"|"amount_cents", "start_date", "end_date",
 * "tranches": [{"due_date","amount"|"amount_cents"}], "reason"} (fund.write). */
enum status fund_decide(const struct auth_ctx *ctx, int64_t app_id, const json_t *in, json_t **out);

#endif
