/* money: exact amounts and rates (see money.h). */
#include "util/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/util.h"

/* ISO 4217 active alphabetic codes with their minor unit (list of 2024-2025). */
static const struct {
    char code[4];
    signed char exp;
} currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2},
    {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2},
    {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2},
    {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2},
    {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3},
    {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0},
    {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

int money_currency_exponent(const char *code)
{
    if (code == NULL || strlen(code) != 3) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(currencies); i++) {
        if (strcmp(currencies[i].code, code) == 0) {
            return currencies[i].exp;
        }
    }
    return -1;
}

static const int64_t pow10s[] = {1,
                                 10,
                                 100,
                                 1000,
                                 10000,
                                 100000,
                                 1000000,
                                 10000000,
                                 100000000,
                                 1000000000,
                                 10000000000,
                                 100000000000,
                                 1000000000000,
                                 10000000000000,
                                 100000000000000,
                                 1000000000000000,
                                 10000000000000000,
                                 100000000000000000,
                                 1000000000000000000};

enum status money_amount_parse(const char *field, const char *currency, const char *text, int64_t *minor_out)
{
    *minor_out = 0;
    int exp = money_currency_exponent(currency);
    if (exp < 0) {
        return err_set_field(STATUS_INVALID, "currency", "currency: not an ISO 4217 currency code");
    }
    const char *p = text ? text : "";
    int64_t units = 0;
    size_t digits = 0, group = 0;
    bool grouped = false;
    /* The integer part: digits, optionally in comma groups of three ("12,345"). */
    for (; *p != '\0' && *p != '.'; p++) {
        if (*p == ',') {
            if (digits == 0 || (grouped && group != 3) || (!grouped && group > 3)) {
                return err_set_field(STATUS_INVALID, field, "%s: thousands separators in groups of three", field);
            }
            grouped = true;
            group = 0;
            continue;
        }
        if (*p < '0' || *p > '9') {
            return err_set_field(STATUS_INVALID, field, "%s: a decimal amount such as 12,345.67 (no sign)", field);
        }
        if (units > MONEY_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, field, "%s: at most 10^15 minor units", field);
        }
        units = units * 10 + (*p - '0');
        digits++;
        group++;
    }
    if (digits == 0 || (grouped && group != 3)) {
        return err_set_field(STATUS_INVALID, field, "%s: a decimal amount such as 12,345.67 (no sign)", field);
    }
    int64_t frac = 0;
    int fdigits = 0;
    if (*p == '.') {
        p++;
        if (*p == '\0') {
            return err_set_field(STATUS_INVALID, field, "%s: digits after the decimal point", field);
        }
        for (; *p != '\0'; p++) {
            if (*p < '0' || *p > '9') {
                return err_set_field(STATUS_INVALID, field, "%s: a decimal amount such as 12,345.67 (no sign)", field);
            }
            if (fdigits == exp) {
                return err_set_field(STATUS_INVALID, field, "%s: %s has %d decimal%s", field, currency, exp,
                                     exp == 1 ? "" : "s");
            }
            frac = frac * 10 + (*p - '0');
            fdigits++;
        }
    }
    frac *= pow10s[exp - fdigits];
    if (units > MONEY_AMOUNT_MAX / pow10s[exp] || units * pow10s[exp] + frac > MONEY_AMOUNT_MAX) {
        return err_set_field(STATUS_INVALID, field, "%s: at most 10^15 minor units", field);
    }
    *minor_out = units * pow10s[exp] + frac;
    return STATUS_OK;
}

void money_amount_format(const char *currency, int64_t minor, char out[MONEY_AMOUNT_TEXT_BYTES])
{
    int exp = money_currency_exponent(currency);
    const char *sign = minor < 0 ? "-" : "";
    /* The magnitude as unsigned, so that INT64_MIN is safe. */
    uint64_t m = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    if (exp <= 0) {
        snprintf(out, MONEY_AMOUNT_TEXT_BYTES, "%s%llu", sign, (unsigned long long)m);
        return;
    }
    char frac[5];
    uint64_t f = m % (uint64_t)pow10s[exp];
    for (int i = exp - 1; i >= 0; i--) {
        frac[i] = (char)('0' + f % 10);
        f /= 10;
    }
    frac[exp] = '\0';
    snprintf(out, MONEY_AMOUNT_TEXT_BYTES, "%s%llu.%s", sign, (unsigned long long)(m / (uint64_t)pow10s[exp]), frac);
}

/* 128-bit unsigned integers (GCC and Clang), for exact products of an amount and a rate. */
__extension__ typedef unsigned __int128 u128;

/* ---- rates ------------------------------------------------------------------------------------- */

enum status money_rate_parse(const char *field, const char *text, struct money_rate *out)
{
    out->num = 0;
    out->scale = 0;
    const char *p = text ? text : "";
    int idigits = 0, fdigits = 0;
    int64_t num = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (idigits == 0 && *p == '0' && p[1] >= '0' && p[1] <= '9') {
            continue; /* leading zeros */
        }
        if (++idigits > MONEY_RATE_INTEGER_DIGITS_MAX) {
            return err_set_field(STATUS_INVALID, field, "%s: a rate below 1,000,000", field);
        }
        num = num * 10 + (*p - '0');
    }
    bool any = p != (text ? text : "");
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++fdigits > MONEY_RATE_DECIMALS_MAX) {
                return err_set_field(STATUS_INVALID, field, "%s: at most %d decimals", field, MONEY_RATE_DECIMALS_MAX);
            }
            num = num * 10 + (*p - '0');
            any = true;
        }
        if (fdigits == 0) {
            any = false;
        }
    }
    if (*p != '\0' || !any) {
        return err_set_field(STATUS_INVALID, field, "%s: a decimal rate such as 0.000713267891 (no sign)", field);
    }
    while (fdigits > 0 && num % 10 == 0) {
        num /= 10;
        fdigits--;
    }
    if (num == 0) {
        return err_set_field(STATUS_INVALID, field, "%s: a rate greater than zero", field);
    }
    out->num = num;
    out->scale = fdigits;
    return STATUS_OK;
}

void money_rate_format(const struct money_rate *r, char out[MONEY_RATE_TEXT_BYTES])
{
    if (r->scale <= 0) {
        snprintf(out, MONEY_RATE_TEXT_BYTES, "%lld", (long long)r->num);
        return;
    }
    char frac[MONEY_RATE_DECIMALS_MAX + 1];
    int64_t f = r->num % pow10s[r->scale];
    for (int i = r->scale - 1; i >= 0; i--) {
        frac[i] = (char)('0' + f % 10);
        f /= 10;
    }
    frac[r->scale] = '\0';
    snprintf(out, MONEY_RATE_TEXT_BYTES, "%lld.%s", (long long)(r->num / pow10s[r->scale]), frac);
}

enum status money_convert_rate(int64_t amount_minor, const char *from_currency, const struct money_rate *rate,
                               const char *to_currency, int64_t *out_minor)
{
    *out_minor = 0;
    int ef = money_currency_exponent(from_currency), et = money_currency_exponent(to_currency);
    if (ef < 0) {
        return err_set_field(STATUS_INVALID, "currency", "currency: not an ISO 4217 currency code");
    }
    if (et < 0) {
        return err_set_field(STATUS_INVALID, "to_currency", "to_currency: not an ISO 4217 currency code");
    }
    if (amount_minor < 0) {
        return err_set_field(STATUS_INVALID, "amount", "amount: not negative");
    }
    if (amount_minor > MONEY_AMOUNT_MAX) {
        return err_set_field(STATUS_INVALID, "amount", "amount: at most 10^15 minor units");
    }
    if (rate->num <= 0 || rate->scale < 0 || rate->scale > MONEY_RATE_DECIMALS_MAX ||
        rate->num >= pow10s[MONEY_RATE_INTEGER_DIGITS_MAX + MONEY_RATE_DECIMALS_MAX]) {
        return err_set_field(STATUS_INVALID, "rate", "rate: out of range");
    }
    /* out = amount / 10^ef * num / 10^scale * 10^et, exactly: amount <= 10^15 (< 2^50), num <
     * 10^18 (< 2^60), 10^et <= 10^4 (< 2^14): the product is below 2^124 and fits in 128 bits. */
    u128 n = (u128)amount_minor * (u128)rate->num;
    n *= (u128)pow10s[et];
    u128 d = (u128)pow10s[ef] * (u128)pow10s[rate->scale];
    u128 q = n / d, r = n % d;
    /* Half-even: up when the remainder is above half, or exactly half and q is odd. */
    if (r * 2 > d || (r * 2 == d && (q & 1) != 0)) {
        q++;
    }
    if (q > (u128)MONEY_AMOUNT_MAX) {
        return err_set_field(STATUS_INVALID, "amount", "amount: the converted amount is above 10^15 minor units");
    }
    *out_minor = (int64_t)q;
    return STATUS_OK;
}

enum status money_convert(int64_t amount_minor, const char *from_currency, const char *rate_text,
                          const char *to_currency, int64_t *out_minor)
{
    *out_minor = 0;
    struct money_rate rate;
    enum status st = money_rate_parse("rate", rate_text, &rate);
    if (st != STATUS_OK) {
        return st;
    }
    return money_convert_rate(amount_minor, from_currency, &rate, to_currency, out_minor);
}

bool money_date_valid(const char *date)
{
    if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-') {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9')) {
            return false;
        }
    }
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1) {
        return false;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}
