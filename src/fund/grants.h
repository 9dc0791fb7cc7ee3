/* grants: the Trust Fund's grant agreements, their tranches and disbursements (issue 8, part G).
 *
 * A grant agreement (number UNVTF-YYYY-NNN, sequential per year of its start date) gives an
 * organisation of the registry (an agency, the grantee) an amount in US cents for a project in a
 * country between two dates, paid in tranches whose amounts sum to it. Its status is active,
 * closed or cancelled. A tranche is scheduled, released, paid or cancelled: the first is released
 * when the grant is created, each later one when the grantee's report on the previous tranche is
 * accepted (src/fund/reports.h); it is paid once approved disbursements reach its amount.
 *
 * A disbursement is recorded by a fund user (fund.write) against a released tranche (at most the
 * tranche's rest: its amount less approved and pending disbursements), then approved or rejected
 * by ANOTHER user holding fund.certify: the recorder is refused (STATUS_DENIED naming the rule,
 * audited as a refusal) even when they hold fund.certify.
 *
 * The ledger (src/fund/ledger.h, part L): creating a grant posts the award (Dr grant_expense /
 * Cr grants_payable), approving a disbursement Dr grants_payable / Cr cash, closing or cancelling
 * a grant the unpaid remainder Dr grants_payable / Cr grant_expense.
 *
 * Reading: fund.read (the whole fund) or fund.apply (a grantee: the grants of their own
 * organisation only). Every read and write is audited (record type "fund_grant"). */
#ifndef CTIS_FUND_GRANTS_H
#define CTIS_FUND_GRANTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define FUND_TRANCHES_MAX 24
#define FUND_BANK_REFERENCE_BYTES_MAX 100
#define FUND_REASON_BYTES_MAX 2000

/* ---- the grant contract (part A calls fund_grant_create on an award) ---- */
struct fund_tranche_in {
    const char *due_date;
    int64_t amount_cents;
}; /* USD cents */
struct fund_grant_in {
    int64_t application_id;            /* 0 for a grant recorded without an application in ctis */
    int64_t call_id;                   /* 0 likewise */
    int64_t agency_id;                 /* the grantee organisation (an agency of the registry) */
    const char *country;               /* ISO alpha-3 where the project runs */
    const char *programme;             /* "immediate" | "medium_term" | "other" */
    const char *start_date, *end_date; /* YYYY-MM-DD */
    int64_t amount_cents;              /* == the sum of the tranches */
    const struct fund_tranche_in *tranches;
    size_t n_tranches;
};
/* Creates the grant agreement (number UNVTF-YYYY-NNN), its tranches, posts the award to the
 * ledger; inside the caller's transaction, after the caller decided access (fund.write). Checks:
 * amount > 0, each tranche > 0 and the tranches sum to the amount, start <= end, due dates in
 * order and not after the end, the agency exists, a known country and programme
 * (STATUS_INVALID naming the field). Releases the first tranche (raising the grantee's
 * "fund_report_due" task) and writes an audit entry "fund.grant.create". The award is dated the
 * earlier of today and the start date. */
enum status fund_grant_create(const struct auth_ctx *ctx, const struct fund_grant_in *in, int64_t *grant_id);

/* Records a grant directly (fund.write): JSON {"agency_id","country","programme","start_date",
 * "end_date","amount" (USD decimal text) | "amount_cents","application_id","call_id",
 * "tranches":[{"due_date","amount"|"amount_cents"}]}; through fund_grant_create. */
enum status fund_grant_add(const struct auth_ctx *ctx, const json_t *in, int64_t *grant_id);
/* One grant with its tranches (and paid/unpaid totals). */
enum status fund_grant_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* The grants the caller may read, newest first; status NULL or "" for any. */
enum status fund_grant_list(const struct auth_ctx *ctx, const char *status, json_t **out);
/* A grant's tranches: a JSON array. */
enum status fund_grant_tranches(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Closes (or cancels) an active grant (fund.write): {"status":"closed"|"cancelled" (default
 * closed),"reason" (required, sealed),"date" (default today)}. Refused while a disbursement is
 * pending. Unpaid tranches are cancelled and the unpaid remainder posted back. */
enum status fund_grant_close(const struct auth_ctx *ctx, int64_t id, const json_t *in);

/* Records a disbursement (fund.write): {"tranche_id","amount"|"amount_cents","date" (default
 * today),"bank_reference"}; status pending. */
enum status fund_disbursement_record(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
/* Approves or rejects a pending disbursement (fund.certify; never the one who recorded it):
 * {"decision":"approve"|"reject","reason" (sealed; required to reject)}. */
enum status fund_disbursement_decide(const struct auth_ctx *ctx, int64_t id, const json_t *in);
enum status fund_disbursement_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Disbursements (of grant_id, 0: all; status NULL or "": any), newest first. */
enum status fund_disbursement_list(const struct auth_ctx *ctx, int64_t grant_id, const char *status, json_t **out);

#endif
