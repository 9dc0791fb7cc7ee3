/* statement: the Trust Fund's financial statement for any period [from, to] (issue 8, part L),
 * computed from the ledger (ledger.h), in US cents:
 *   opening fund balance + contributions - grant expense + exchange differences = closing fund
 *   balance (the fund balance is cash + pledges receivable - grants payable);
 *   cash opening + receipts - disbursements (+ other cash movements) = cash closing;
 *   contributions by kind of donor and by donor, earmarked and not;
 *   pledges receivable and grants payable (opening and closing);
 *   a trial balance (closing balances: debits = credits).
 * Every identity is checked in code; "balanced" is true only when all hold.
 * Outputs: JSON, CSV, XLSX (sheets: statement, trial balance, contributions, ledger entries;
 * right to left in Arabic) and PDF, labelled in one of the six UN languages. Needs fund.read;
 * each output is audited once. */
#ifndef CTIS_FUND_STATEMENT_H
#define CTIS_FUND_STATEMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The statement as JSON (from and to required, YYYY-MM-DD, from <= to). */
enum status fund_statement(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out);
/* The same, built without access check or audit (for callers that decided access). */
enum status fund_statement_build(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out);
/* CSV (section, item, USD, cents) labelled in lang (NULL: English); caller frees *out. */
enum status fund_statement_csv(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                               char **out);
/* An .xlsx workbook in memory; caller frees *data. */
enum status fund_statement_xlsx(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                                char **data, size_t *len);
/* A PDF; caller frees *pdf. */
enum status fund_statement_pdf(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                               uint8_t **pdf, size_t *len);

#endif
