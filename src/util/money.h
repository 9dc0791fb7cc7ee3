/* money: amounts of money as integers in a currency's minor units (never floating point), read
 * from and written to decimal text exactly, and exact exchange rates: a rate is a decimal text
 * (up to MONEY_RATE_DECIMALS_MAX fractional digits) converted with 128-bit integer arithmetic and
 * rounded half-even to the target currency's minor unit. Used by the justice assets and the
 * Trust Fund. */
#ifndef CTIS_UTIL_MONEY_H
#define CTIS_UTIL_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/status.h"

#define MONEY_AMOUNT_MAX INT64_C(1000000000000000) /* 10^15 minor units */
#define MONEY_AMOUNT_TEXT_BYTES 32
#define MONEY_RATE_DECIMALS_MAX 12      /* fractional digits of a rate */
#define MONEY_RATE_INTEGER_DIGITS_MAX 6 /* digits before the point: a rate below 10^6 */
#define MONEY_RATE_TEXT_BYTES 24        /* "999999.999999999999" and the NUL */

/* The number of decimals (ISO 4217 minor unit) of an active currency code (upper case): 0 for
 * JPY, 2 for EUR, 3 for KWD, 4 for CLF; -1 when the code is not an ISO 4217 currency. */
int money_currency_exponent(const char *code);
/* Reads a decimal amount in the currency's major units ("12,345.67", "12345.67", "1,000", "0.5")
 * exactly into minor units (no floating point): digits with optional thousands commas in groups
 * of three, and at most the currency's exponent of decimals. Refused (STATUS_INVALID naming
 * field): an unknown currency, a sign, more decimals than the currency has, a malformed group,
 * an amount above MONEY_AMOUNT_MAX minor units. */
enum status money_amount_parse(const char *field, const char *currency, const char *text, int64_t *minor_out);
/* minor units as a decimal in major units ("12345.67"; "1000" for JPY; "-0.05" when negative). */
void money_amount_format(const char *currency, int64_t minor, char out[MONEY_AMOUNT_TEXT_BYTES]);

/* An exact rate: numerator / 10^scale. */
struct money_rate {
    int64_t num;
    int scale; /* 0 .. MONEY_RATE_DECIMALS_MAX */
};
/* Reads a rate ("0.000713267891", "1", "0.92000"): digits, an optional point and at most
 * MONEY_RATE_DECIMALS_MAX decimals, at most MONEY_RATE_INTEGER_DIGITS_MAX digits before the
 * point, greater than zero. Trailing zeros are dropped (the rate is the same). Refused
 * (STATUS_INVALID naming field): a sign, an exponent, other characters, zero, too many digits. */
enum status money_rate_parse(const char *field, const char *text, struct money_rate *out);
/* The rate's canonical text: no trailing zeros after the point, no point when whole. */
void money_rate_format(const struct money_rate *r, char out[MONEY_RATE_TEXT_BYTES]);
/* Converts amount_minor of from_currency into to_currency at rate_text (units of to_currency per
 * one unit of from_currency: for the Trust Fund, US dollars per unit), exactly, rounded
 * half-even to to_currency's minor unit. Refused (STATUS_INVALID): an unknown currency, a
 * negative amount, an amount above MONEY_AMOUNT_MAX, a malformed rate, a result above
 * MONEY_AMOUNT_MAX (overflow). */
enum status money_convert(int64_t amount_minor, const char *from_currency, const char *rate_text,
                          const char *to_currency, int64_t *out_minor);
/* money_convert with a parsed rate. */
enum status money_convert_rate(int64_t amount_minor, const char *from_currency, const struct money_rate *rate,
                               const char *to_currency, int64_t *out_minor);

/* True when date is a real calendar date written YYYY-MM-DD. */
bool money_date_valid(const char *date);

#endif
