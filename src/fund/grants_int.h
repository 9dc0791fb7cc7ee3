/* grants_int: what grants.c and reports.c share (issue 8, part G). */
#ifndef CTIS_FUND_GRANTS_INT_H
#define CTIS_FUND_GRANTS_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/status.h"
#include "util/jsonin.h"

#define FUND_AMOUNT_TEXT_BYTES 32

struct fund__grant {
    int64_t id, application_id, call_id, agency_id, amount, award_entry, created_by, created_at_ms, version, paid;
    char number[24], country[4], programme[16], start_date[11], end_date[11], status[12], close_date[11];
    char agency_name[256];
};

struct fund__tranche {
    int64_t id, grant_id, seq, amount, paid, pending;
    char due_date[11], status[12], released_date[11];
};

/* The permission that reads the fund for the caller: "fund.read" when held (or the operator),
 * else "fund.apply" (a grantee: their own organisation's records). */
const char *fund__read_perm(const struct auth_ctx *ctx);
/* The agency a grantee's lists are limited to (0: all). */
int64_t fund__agency_filter(const struct auth_ctx *ctx, const char *perm);
/* Loads grant id and decides perm on it (audited with detail). A grantee reaching another
 * organisation's grant gets STATUS_NOT_FOUND (the denial is audited). */
enum status fund__grant_reach(const struct auth_ctx *ctx, int64_t id, const char *perm, bool write, const char *detail,
                              struct fund__grant *g);
/* The record auth_check sees for a grant. */
struct auth_record fund__grant_record(const struct fund__grant *g);
enum status fund__tranche_load(const struct auth_ctx *ctx, int64_t id, struct fund__tranche *t);
/* The tranches of a grant in order: *out (caller frees), *n. */
enum status fund__tranches(const struct auth_ctx *ctx, int64_t grant_id, struct fund__tranche **out, size_t *n);
/* Releases tranche t of g on date (scheduled -> released) and raises the grantee's report task. */
enum status fund__tranche_release(const struct auth_ctx *ctx, const struct fund__grant *g,
                                  const struct fund__tranche *t, const char *date);

/* YYYY-MM-DD (a real date) into out; STATUS_INVALID naming field. */
enum status fund__date(const char *field, const char *text, char out[11]);
/* A positive id member (0 when absent). */
enum status fund__id(const json_t *in, const char *key, int64_t *out);
/* "amount" (USD decimal text) or "amount_cents" (integer); *set false when neither. */
enum status fund__amount(const json_t *in, int64_t *cents, bool *set);
void fund__usd(int64_t cents, char out[FUND_AMOUNT_TEXT_BYTES]);

/* Posts one two-line entry to the fund's ledger (part L's fund_ledger_post): Dr debit, Cr credit,
 * cents. The one place part G posts. */
enum status fund__post(const struct auth_ctx *ctx, const char *date, const char *kind, const char *ref_type,
                       int64_t ref_id, const char *memo, const char *debit, const char *credit, int64_t cents,
                       int64_t *entry_id);

#endif
