/* generate: a generated year of the Trust Fund's activity (issue 8, part L), for the demo and the
 * tests: daily exchange rates of EUR, JPY, KWD and CHF (US dollars are the fund's own), donors of
 * every kind (one anonymous, individuals sealed), pledges in five currencies, receipts (some
 * partial, some at rates other than the pledge's, so with exchange differences), two reversals,
 * a write-off, and awards and disbursements posted straight to the ledger (kind "award" and
 * "disbursement", ref_type "generated") so that the statements cover grants without the grants
 * part. Deterministic for a seed. Runs inside the caller's transaction; needs fund.write. */
#ifndef CTIS_FUND_GENERATE_H
#define CTIS_FUND_GENERATE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* year 2000..2100. *summary: {year, seed, donors, pledges, receipts, reversed, written_off,
 * awards, disbursements, currencies, receipts_usd_cents (the USD of the receipts not reversed,
 * from the generator's own records), awards_usd_cents, disbursements_usd_cents}. */
enum status fund_generate(const struct auth_ctx *ctx, int year, uint64_t seed, json_t **summary);

#endif
