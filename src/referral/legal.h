/* legal: a person's rights and legal status (Plan of Action paras 30, 33, 34, 39; CoE arts 14,
 * 15, 16, 26): the non-punishment flag (one per case: applies, reason code, sealed reason note,
 * decision date, deciding authority, recorded by), residence permit applications and decisions,
 * voluntary return plans with their risk assessment and reintegration follow-ups, and
 * compensation claims with amounts in integer minor units of an ISO 4217 currency.
 *
 * Every legal-status record is field group `legal` as a whole: reading needs fg.legal.read (a
 * reader without it is refused, and the refusal audited), writing fg.legal.write, on top of
 * case.read or case.write on the case (and, to write, the consent to processing). Records are
 * never deleted: a permit is withdrawn, a return cancelled, a claim withdrawn.
 *
 * JSON members are the field names of legal.c's tables (docs/assistance.md lists them); codes
 * come from the vocabularies non_punishment_reason, permit_kind, permit_decision,
 * return_risk_level, return_status, reintegration_outcome, compensation_kind,
 * compensation_against and compensation_status. */
#ifndef CTIS_REFERRAL_LEGAL_H
#define CTIS_REFERRAL_LEGAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Automatic tasks (src/tasks/tasks.h). A granted permit with an end date raises
 * "permit_expiring" (key "permit_expiry:<permit id>", record type "residence_permit") due
 * LEGAL_PERMIT_NOTICE_DAYS before it ends; a renewal recorded (renewal_of) resolves it as done,
 * a refusal or withdrawal cancels it. A return that becomes completed raises "follow_up_due"
 * (key "return_follow_up:<return id>", record type "return") due LEGAL_RETURN_FOLLOW_UP_DAYS after
 * the travel date; the first follow-up resolves it, cancelling the return cancels it. */
#define LEGAL_TASK_PERMIT_EXPIRING "permit_expiring"
#define LEGAL_PERMIT_NOTICE_DAYS 60
#define LEGAL_RETURN_FOLLOW_UP_DAYS 90

enum legal_kind {
    LEGAL_PERMIT,    /* residence permit application and decision */
    LEGAL_RETURN,    /* voluntary return plan with its risk assessment */
    LEGAL_FOLLOW_UP, /* reintegration follow-up of a return (parent: the return) */
    LEGAL_CLAIM,     /* compensation claim */
};

/* Everything: {"non_punishment":{..}|null,"residence_permits":[..],"returns":[{..,"follow_ups":
 * [..]}],"compensation":[..]}. */
enum status legal_all(const struct auth_ctx *ctx, int64_t case_id, json_t **out);

/* The non-punishment record ({"applies":true,"reason":"compelled_offence","reason_note":"..",
 * "decided_date":"2026-04-02","decided_by":"Public prosecutor"}); *out is JSON null when none. */
enum status legal_non_punishment_get(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
/* Creates it (version 0: there must be none yet) or replaces the members given (version: the
 * current one); STATUS_CONFLICT otherwise. recorded_by is the principal. A reason is required
 * when applies is true. */
enum status legal_non_punishment_put(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const json_t *in,
                                     json_t **out);

/* Records of one kind: a JSON array; for LEGAL_FOLLOW_UP those of return parent_id (0: all). */
enum status legal_list(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t parent_id,
                       json_t **out);
enum status legal_get(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t id, json_t **out);
/* Adds one (LEGAL_FOLLOW_UP: to the case's return parent_id); *out as now read (may be NULL). */
enum status legal_add(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t parent_id,
                      const json_t *in, json_t **out);
enum status legal_update(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t id, int64_t version,
                         const json_t *in, json_t **out);

/* The child safeguard of a return (para 37): moving a return to "approved" or "completed" needs
 * a best-interests determination when the person is a child. bid_ok is the answer of
 * child_bid_recorded(ctx, case_id, "return", &ok) (src/referral/child.h; true for an adult).
 * STATUS_CONFLICT naming "status" when refused. */
enum status legal_return_bid_check(const char *status, bool bid_ok);

/* Data protection hooks (run in the caller's transaction on a case already reached): empties the
 * sealed reason note, risk summaries and follow-up notes; the export of everything legal the
 * principal may read ({"withheld":true} without fg.legal.read). */
enum status legal_purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status legal_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out);

/* Statistics (issue 6: victims by country of repatriation): the victims whose return is
 * completed, counted once per case, grouped by the country they were exploited in, the year of
 * travel and their citizenship; the same cases as `ctis stats victims` (scope, not merged, no
 * refusal of research use). Needs stats.read; no sealed column is read. */
struct legal_repatriation_row {
    char exploited_in[4]; /* ISO3, "" when unknown */
    int year;
    char citizenship[4]; /* ISO3, "" when unknown */
    int64_t count;
};
enum status legal_stats_repatriations(const struct auth_ctx *ctx, struct legal_repatriation_row **out,
                                      size_t *count_out);

#endif
