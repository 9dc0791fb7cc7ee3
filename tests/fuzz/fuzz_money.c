/* fuzz_money: libFuzzer harness for the Trust Fund's money parsers (issue 8): amounts
 * (money_amount_parse), exact rates (money_rate_parse) and the conversion (money_convert_rate).
 * The input is split at its first two NUL bytes into a currency code, an amount text and a rate
 * text. No input may crash or trip a sanitizer, and what parses keeps its invariants:
 * - an amount read back from its own formatting is the same number of minor units;
 * - a rate read back from its canonical text is the same rate;
 * - a converted amount is exact: |amount * num - out * 10^(scale + e_from - e_to)| is at most half
 *   of one unit of the result, checked in 128-bit integers, and a tie rounds to even. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/money.h"
#include "util/status.h"

#include "fuzz_part.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static __int128 pow10_128(int n)
{
    __int128 v = 1;
    for (int i = 0; i < n; i++) {
        v *= 10;
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *currency = part(&p, end), *amount = part(&p, end), *rate = part(&p, end);

    int64_t minor = 0;
    enum status st = money_amount_parse("amount", currency, amount, &minor);
    ASSERT(st == STATUS_OK || st == STATUS_INVALID);
    if (st == STATUS_OK) {
        ASSERT(minor >= 0);
        char text[MONEY_AMOUNT_TEXT_BYTES];
        money_amount_format(currency, minor, text);
        int64_t again = -1;
        ASSERT(money_amount_parse("amount", currency, text, &again) == STATUS_OK);
        ASSERT(again == minor);
    }

    struct money_rate r;
    enum status rs = money_rate_parse("rate", rate, &r);
    ASSERT(rs == STATUS_OK || rs == STATUS_INVALID);
    if (rs == STATUS_OK) {
        ASSERT(r.num > 0 && r.scale >= 0 && r.scale <= MONEY_RATE_DECIMALS_MAX);
        char text[MONEY_RATE_TEXT_BYTES];
        money_rate_format(&r, text);
        struct money_rate r2;
        ASSERT(money_rate_parse("rate", text, &r2) == STATUS_OK);
        ASSERT(r2.num == r.num && r2.scale == r.scale);
    }

    if (st == STATUS_OK && rs == STATUS_OK) {
        int64_t usd = -1;
        enum status cs = money_convert_rate(minor, currency, &r, "USD", &usd);
        ASSERT(cs == STATUS_OK || cs == STATUS_INVALID);
        if (cs == STATUS_OK) {
            /* exact = minor * num / 10^(scale + e_from - 2), in cents; compare scaled by the
             * denominator: 2 * |minor * num - usd * D| <= D, and = D only with usd even. */
            int shift = r.scale + money_currency_exponent(currency) - 2;
            __int128 lhs = (__int128)minor * r.num;
            __int128 d = shift >= 0 ? pow10_128(shift) : 1;
            if (shift < 0) {
                lhs *= pow10_128(-shift);
            }
            __int128 diff = lhs - (__int128)usd * d;
            __int128 twice = diff < 0 ? -2 * diff : 2 * diff;
            ASSERT(twice <= d);
            ASSERT(twice < d || usd % 2 == 0);
        }
    }
    free(currency);
    free(amount);
    free(rate);
    return 0;
}
