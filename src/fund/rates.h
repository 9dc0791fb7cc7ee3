/* rates: the Trust Fund's exchange rates (issue 8, part L): per currency and date, the US dollars
 * one unit is worth, as an exact decimal text (util/money.h), never a double. A transaction is
 * converted at the rate of its date: the latest rate on or before it (the answer says which).
 * US dollars need no rate. No revaluation: a recorded USD amount never changes. */
#ifndef CTIS_FUND_RATES_H
#define CTIS_FUND_RATES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/money.h"
#include "util/status.h"

#define FUND_RATE_SOURCE_BYTES_MAX 100
#define FUND_RATE_IMPORT_ROWS_MAX 200000

/* Sets the rate of {"currency", "date", "rate", "source"} (replacing that day's). Needs fund.write. */
enum status fund_rate_set(const struct auth_ctx *ctx, const json_t *in);
/* Rates, optionally of one currency (NULL: all) and within [from, to] (NULL: open), at most
 * limit (0: 1000) rows: {"rates": [{currency, date, rate, source}]}. Needs fund.read. */
enum status fund_rate_list(const struct auth_ctx *ctx, const char *currency, const char *from, const char *to,
                           int64_t limit, json_t **out);
/* Imports a CSV file (header currency,date,rate[,source]) in one transaction (the caller's): every
 * row or none. Errors name the file, the line and the field ("rates.csv:12: rate: ...").
 * *out: {"imported": n}. Needs fund.write. */
enum status fund_rate_import_csv(const struct auth_ctx *ctx, const char *file_name, const char *text, size_t len,
                                 json_t **out);
/* The rate of a transaction in currency on date: the latest on or before it. USD: "1" on that
 * date. STATUS_INVALID naming field when there is none ("no EUR rate on or before 2026-01-03").
 * No access check (for operations that decided theirs). */
enum status fund_rate_at(const struct auth_ctx *ctx, const char *field, const char *currency, const char *date,
                         char rate_out[MONEY_RATE_TEXT_BYTES], char rate_date_out[11]);

#endif
