/* donors: the Trust Fund's donors, pledges and receipts (issue 8, part L). Each pledge and
 * receipt is converted into US dollars at the rate of its date (rates.h) and posted to the
 * ledger (ledger.h) in the same transaction:
 *   pledge:             Dr pledges_receivable / Cr contributions
 *   receipt of pledge:  Dr cash / Cr pledges_receivable (the part of the pledge's USD value it
 *                       settles) and the difference through fx_difference
 *   unpledged receipt:  Dr cash / Cr contributions
 *   write-off:          Dr contributions / Cr pledges_receivable for the unpaid part
 * Corrections only by reversal: a reversed receipt keeps its number, marked reversed. Every
 * receipt gets a number FUND-YYYY-NNNN (sequential per year of its date, without gaps) and a
 * one-page PDF acknowledgement in the donor's language.
 * Donors: member_state (with its ISO 3166 alpha-3 country), intergovernmental, private_sector,
 * foundation, individual. An individual's name and every contact are sealed; an anonymous
 * donor is "Anonymous donor" to every reader without fund.write.
 * Inputs and outputs are JSON; amounts as decimal text in the currency's major units ("amount")
 * and US cents ("usd_cents", with "usd" as text). Writes need fund.write, reads fund.read. */
#ifndef CTIS_FUND_DONORS_H
#define CTIS_FUND_DONORS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define FUND_DONOR_NAME_BYTES_MAX 200
#define FUND_DONOR_CONTACT_BYTES_MAX 500
#define FUND_EARMARK_BYTES_MAX 64
#define FUND_BANK_REFERENCE_BYTES_MAX 100
#define FUND_LIST_MAX 10000

/* {"kind", "name", "country", "contact", "language", "anonymous"} */
enum status fund_donor_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
enum status fund_donor_list(const struct auth_ctx *ctx, const char *kind, json_t **out);
/* One donor with its pledges and receipts. */
enum status fund_donor_get(const struct auth_ctx *ctx, int64_t id, json_t **out);

/* {"donor_id", "date", "currency", "amount", "earmark", "expected_date"} */
enum status fund_pledge_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
struct fund_list_filter {
    int64_t donor_id, pledge_id; /* 0: any */
    const char *status;          /* pledges: open, partly_paid, paid, written_off (NULL: any) */
    const char *from, *to;       /* NULL: open */
    int64_t limit;               /* 0: FUND_LIST_MAX */
};
enum status fund_pledge_list(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out);
/* Writes off the unpaid part of a pledge: {"date", "reason"}. */
enum status fund_pledge_write_off(const struct auth_ctx *ctx, int64_t id, const json_t *in);

/* {"donor_id", "pledge_id" (optional), "date", "currency", "amount", "earmark", "bank_reference"};
 * a receipt against a pledge is in the pledge's currency and at most its unpaid amount. */
enum status fund_receipt_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
enum status fund_receipt_list(const struct auth_ctx *ctx, const struct fund_list_filter *f, json_t **out);
enum status fund_receipt_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Reverses a receipt: {"date", "reason"} (reason: short, no personal data). */
enum status fund_receipt_reverse(const struct auth_ctx *ctx, int64_t id, const json_t *in);
/* The receipt's one-page acknowledgement in the donor's language (lang NULL) or lang. */
enum status fund_receipt_pdf(const struct auth_ctx *ctx, int64_t id, const char *lang, uint8_t **pdf, size_t *len);

/* The name a reader sees of a donor (for statements): "Anonymous donor" for an anonymous donor
 * unless the reader holds fund.write; an individual's name opened only for fund.write. The
 * caller frees *out. No audit (the caller's read is audited). */
enum status fund_donor_display_name(const struct auth_ctx *ctx, int64_t id, char **out);

/* Input helpers shared by the fund's files. */
enum status fund__known_members(const json_t *in, const char *const *keys);
enum status fund__text_member(const json_t *in, const char *key, size_t max, bool required, const char **out);
enum status fund__id_member(const json_t *in, const char *key, bool required, int64_t *out);
enum status fund__date_member(const json_t *in, const char *key, bool required, const char **out);

#endif
