/* ledger: the Trust Fund's double-entry ledger (issue 8, part L). All amounts are in US cents
 * (int64_t, never floating point). Every entry balances: the sum of its debits equals the sum of
 * its credits and is above zero; each line is on one side only; accounts come from the fixed
 * chart below. Entries are never updated or deleted: a mistake is corrected by a reversal (the
 * mirror entry, linked both ways; an entry is reversed at most once). Statements for any period
 * come from it (statement.h). */
#ifndef CTIS_FUND_LEDGER_H
#define CTIS_FUND_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Chart of accounts (codes are stable strings): "cash" (asset: bank, USD), "pledges_receivable"
 * (asset), "grants_payable" (liability), "contributions" (revenue), "grant_expense" (expense),
 * "fx_difference" (revenue/expense; for a receipt that differs from its pledge in USD).
 * All amounts in US cents (int64_t). */
struct fund_line {
    const char *account;
    int64_t debit;
    int64_t credit;
};
struct fund_posting {
    const char *date;     /* YYYY-MM-DD, the transaction date */
    const char *kind;     /* "pledge", "receipt", "award", "disbursement", "reversal", "adjustment" */
    const char *ref_type; /* "contribution", "grant", "tranche", ... (no personal data) */
    int64_t ref_id;
    const char *memo; /* short, no personal data; may be NULL */
    const struct fund_line *lines;
    size_t n_lines;
};
/* Posts one balanced entry (sum of debits == sum of credits > 0, each line one side only,
 * accounts known) inside the caller's transaction. Called from domain operations that have
 * already decided access (needs the caller to hold fund.write or fund.approve); records
 * ctx's user as the poster. Never updated or deleted afterwards. Refused: STATUS_DENIED without
 * those permissions; STATUS_INVALID (naming the field: date, kind, ref_type, memo, lines,
 * lines[i].account, lines[i]) for a malformed or unbalanced entry. */
enum status fund_ledger_post(const struct auth_ctx *ctx, const struct fund_posting *p, int64_t *entry_id);
/* Posts the mirror entry of entry_id dated date, linked both ways; an entry is reversed once.
 * Refused: STATUS_NOT_FOUND (no such entry), STATUS_CONFLICT (already reversed, or a reversal
 * itself), STATUS_INVALID (date malformed or before the entry's date; reason too long). */
enum status fund_ledger_reverse(const struct auth_ctx *ctx, int64_t entry_id, const char *date, const char *reason,
                                int64_t *reversal_id);

/* The chart of accounts, in statement order. */
enum fund_account {
    FUND_ACC_CASH,
    FUND_ACC_PLEDGES_RECEIVABLE,
    FUND_ACC_GRANTS_PAYABLE,
    FUND_ACC_CONTRIBUTIONS,
    FUND_ACC_GRANT_EXPENSE,
    FUND_ACC_FX_DIFFERENCE,
    FUND_ACC__COUNT
};
const char *fund_account_code(enum fund_account a);
const char *fund_account_kind(enum fund_account a);  /* asset, liability, revenue, expense */
bool fund_account_debit_normal(enum fund_account a); /* assets and expenses */
int fund_account_find(const char *code);             /* the enum value, or -1 */

/* One account over a period: the balance before it, its movements, the balance after; balances
 * are on the account's normal side (debits minus credits for assets and expenses, credits minus
 * debits for the others). */
struct fund_account_sum {
    int64_t opening, debits, credits, closing;
};
/* The sums of every account over [from, to] (either may be NULL or "": open), without access
 * check or audit: for callers that decided access (statements). */
enum status fund_ledger_sums(const struct auth_ctx *ctx, const char *from, const char *to,
                             struct fund_account_sum out[FUND_ACC__COUNT]);

/* Per account: opening, debits, credits, closing over [from, to] (NULL: open), with the totals
 * and whether debits equal credits ("balanced"). Needs fund.read; audited. */
enum status fund_ledger_balances(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out);

struct fund_ledger_filter {
    const char *from, *to; /* entry dates, inclusive (NULL: open) */
    const char *account;   /* entries with a line on it (NULL: any) */
    const char *kind;      /* NULL: any */
    const char *ref_type;  /* NULL: any */
    int64_t ref_id;        /* 0: any */
    int64_t limit, offset; /* limit 0: FUND_LEDGER_LIST_DEFAULT; at most FUND_LEDGER_LIST_MAX */
};
/* The entries with their lines, in date order, as a JSON object {"entries": [...], "count": n}.
 * Needs fund.read; audited once. */
enum status fund_ledger_entries(const struct auth_ctx *ctx, const struct fund_ledger_filter *f, json_t **out);
/* The same without access check or audit (for callers that decided access: statements). */
enum status fund_ledger_entries_build(const struct auth_ctx *ctx, const struct fund_ledger_filter *f, json_t **out);

/* Amount helpers for the fund's JSON: US cents as text ("1234.56", "-0.05"). */
json_t *fund_usd_json(int64_t cents);

#endif
