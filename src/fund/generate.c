/* generate: a generated year of the Trust Fund's activity (see generate.h). */
#include "fund/generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/donors.h"
#include "fund/ledger.h"
#include "fund/rates.h"
#include "util/mem.h"
#include "util/money.h"

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int64_t pick(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next(s) % (uint64_t)(hi - lo + 1));
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
}

/* Day of year (0-based) to a date. */
static int year_days(int year);

static void date_of(int year, int doy, char out[11])
{
    if (doy >= year_days(year)) {
        doy = year_days(year) - 1;
    }
    int m = 1;
    while (m < 12 && doy >= days_in_month(year, m)) {
        doy -= days_in_month(year, m);
        m++;
    }
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", year, m, doy + 1);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

static int year_days(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365;
}

struct cur {
    const char *code;
    int64_t num; /* scale 12 */
};

static enum status rates_make(const struct auth_ctx *ctx, int year, uint64_t *s)
{
    struct cur curs[] = {{"EUR", INT64_C(1085000000000)},
                         {"JPY", INT64_C(6700000000)},
                         {"KWD", INT64_C(3254000000000)},
                         {"CHF", INT64_C(1120000000000)}};
    enum status st = STATUS_OK;
    for (int d = 0; st == STATUS_OK && d < year_days(year); d++) {
        char date[11];
        date_of(year, d, date);
        for (size_t c = 0; st == STATUS_OK && c < ARRAY_LEN(curs); c++) {
            /* A random walk of at most 0.3% a day, rounded to 6 significant decimals for the
             * larger rates (12 decimals are kept for JPY). */
            int64_t step = pick(s, -30, 30);
            curs[c].num += curs[c].num / 10000 * step;
            if (curs[c].num > INT64_C(1000000000000)) {
                curs[c].num -= curs[c].num % 1000000;
            }
            struct money_rate r = {curs[c].num, 12};
            char text[MONEY_RATE_TEXT_BYTES];
            money_rate_format(&r, text);
            json_t *in =
                json_pack("{ssssssss}", "currency", curs[c].code, "date", date, "rate", text, "source", "generated");
            st = fund_rate_set(ctx, in);
            json_decref(in);
        }
    }
    return st;
}

static const struct {
    const char *kind, *name, *country, *currency, *language;
    bool anonymous;
} donors[] = {
    {"member_state", "France", "FRA", "EUR", "fr", false},
    {"member_state", "Japan", "JPN", "JPY", "en", false},
    {"member_state", "Kuwait", "KWT", "KWD", "ar", false},
    {"member_state", "Mexico", "MEX", "USD", "es", false},
    {"intergovernmental", "Regional Development Organisation", NULL, "EUR", "en", false},
    {"private_sector", "Northwind Shipping Ltd", NULL, "CHF", "en", false},
    {"private_sector", "Harbour Logistics plc", NULL, "USD", "en", true},
    {"foundation", "Bright Futures Foundation", NULL, "USD", "en", false},
    {"individual", "A. Generous Donor", NULL, "USD", "en", false},
    {"individual", "Z. Quiet Giver", NULL, "EUR", "ru", true},
};

/* A decimal amount text of `units` whole units of a currency (and no fraction, or a few cents). */
static void amount_text(const char *currency, int64_t units, int64_t frac, char out[MONEY_AMOUNT_TEXT_BYTES])
{
    int e = money_currency_exponent(currency);
    int64_t minor = units;
    for (int i = 0; i < e; i++) {
        minor *= 10;
    }
    if (e > 0) {
        minor += frac % 100;
    }
    money_amount_format(currency, minor, out);
}

struct gen {
    const struct auth_ctx *ctx;
    int year;
    uint64_t s;
    int64_t donor_ids[ARRAY_LEN(donors)];
    int64_t pledges, receipts, reversed, written_off, awards, disbursements;
    int64_t receipts_usd, awards_usd, disbursements_usd;
};

static enum status receipt(struct gen *g, size_t d, int64_t pledge_id, const char *date, const char *amount,
                           const char *earmark, int64_t *id_out)
{
    json_t *in = json_pack("{sIssssss}", "donor_id", (json_int_t)g->donor_ids[d], "date", date, "currency",
                           donors[d].currency, "amount", amount);
    if (pledge_id) {
        json_object_set_new(in, "pledge_id", json_integer(pledge_id));
    } else if (earmark != NULL) {
        json_object_set_new(in, "earmark", json_string(earmark));
    }
    char ref[40];
    snprintf(ref, sizeof ref, "GEN-%d-%04lld", g->year, (long long)(g->receipts + 1));
    json_object_set_new(in, "bank_reference", json_string(ref));
    int64_t id = 0;
    enum status st = fund_receipt_add(g->ctx, in, &id);
    json_decref(in);
    if (st == STATUS_OK) {
        g->receipts++;
        json_t *r = NULL;
        st = fund_receipt_get(g->ctx, id, &r);
        if (st == STATUS_OK) {
            g->receipts_usd += json_integer_value(json_object_get(r, "usd_cents"));
        }
        json_decref(r);
    }
    if (id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static enum status reverse(struct gen *g, int64_t id, const char *date)
{
    json_t *r = NULL;
    enum status st = fund_receipt_get(g->ctx, id, &r);
    int64_t usd = st == STATUS_OK ? json_integer_value(json_object_get(r, "usd_cents")) : 0;
    json_decref(r);
    json_t *in = json_pack("{ssss}", "date", date, "reason", "entered twice");
    if (st == STATUS_OK) {
        st = fund_receipt_reverse(g->ctx, id, in);
    }
    json_decref(in);
    if (st == STATUS_OK) {
        g->reversed++;
        g->receipts_usd -= usd;
    }
    return st;
}

static const char *const earmarks[] = {"unearmarked",     "unearmarked", "programme:immediate",  "country:NGA",
                                       "purpose:shelter", "unearmarked", "programme:medium_term"};

static enum status pledges_make(struct gen *g)
{
    enum status st = STATUS_OK;
    int yd = year_days(g->year);
    bool wrote_off = false, reversed_one = false;
    for (size_t d = 0; st == STATUS_OK && d < ARRAY_LEN(donors); d++) {
        int n = (int)pick(&g->s, 1, 2);
        for (int k = 0; st == STATUS_OK && k < n; k++) {
            const char *cur = donors[d].currency;
            int64_t units = strcmp(cur, "JPY") == 0   ? pick(&g->s, 5, 40) * 1000000
                            : strcmp(cur, "KWD") == 0 ? pick(&g->s, 5, 60) * 1000
                                                      : pick(&g->s, 10, 250) * 1000;
            if (strcmp(donors[d].kind, "individual") == 0) {
                units /= 50;
            }
            char amount[MONEY_AMOUNT_TEXT_BYTES], date[11], expected[11];
            amount_text(cur, units, 0, amount);
            int day = (int)pick(&g->s, 0, yd / 2);
            date_of(g->year, day, date);
            date_of(g->year, day + (int)pick(&g->s, 30, 120), expected);
            const char *earmark = earmarks[pick(&g->s, 0, (int64_t)ARRAY_LEN(earmarks) - 1)];
            json_t *in = json_pack("{sIssssssssss}", "donor_id", (json_int_t)g->donor_ids[d], "date", date, "currency",
                                   cur, "amount", amount, "earmark", earmark, "expected_date", expected);
            int64_t pid = 0;
            st = fund_pledge_add(g->ctx, in, &pid);
            json_decref(in);
            if (st != STATUS_OK) {
                break;
            }
            g->pledges++;
            /* Receipts: paid in full at once, in two parts, or in part only. */
            int how = (int)pick(&g->s, 0, 3);
            int rday = day + (int)pick(&g->s, 5, 60);
            char rdate[11], part[MONEY_AMOUNT_TEXT_BYTES];
            date_of(g->year, rday, rdate);
            if (how == 0 || how == 3) {
                int64_t rid = 0;
                st = receipt(g, d, pid, rdate, amount, NULL, &rid);
                /* Once: a receipt entered twice... reversed, and entered again. */
                if (st == STATUS_OK && how == 3 && !reversed_one) {
                    reversed_one = true;
                    char later[11];
                    date_of(g->year, rday + 2, later);
                    st = reverse(g, rid, later);
                    if (st == STATUS_OK) {
                        st = receipt(g, d, pid, later, amount, NULL, NULL);
                    }
                }
            } else {
                amount_text(cur, units / 3, 0, part);
                st = receipt(g, d, pid, rdate, part, NULL, NULL);
                if (st == STATUS_OK && how == 1) {
                    /* The rest later, at another rate: the difference goes to fx_difference. */
                    amount_text(cur, units - units / 3, 0, part);
                    date_of(g->year, rday + (int)pick(&g->s, 20, 90), rdate);
                    st = receipt(g, d, pid, rdate, part, NULL, NULL);
                } else if (st == STATUS_OK && how == 2 && !wrote_off) {
                    /* The unpaid part is written off near the end of the year. */
                    wrote_off = true;
                    char wdate[11];
                    date_of(g->year, yd - 10, wdate);
                    json_t *w = json_pack("{ssss}", "date", wdate, "reason", "donor withdrew the balance");
                    st = fund_pledge_write_off(g->ctx, pid, w);
                    json_decref(w);
                    if (st == STATUS_OK) {
                        g->written_off++;
                    }
                }
            }
        }
    }
    /* Unpledged receipts: gifts that came without a pledge, one reversed. */
    for (int k = 0; st == STATUS_OK && k < 6; k++) {
        size_t d = (size_t)pick(&g->s, 0, (int64_t)ARRAY_LEN(donors) - 1);
        char date[11], amount[MONEY_AMOUNT_TEXT_BYTES];
        date_of(g->year, (int)pick(&g->s, 0, yd - 20), date);
        int64_t units = strcmp(donors[d].currency, "JPY") == 0 ? pick(&g->s, 100, 900) * 1000 : pick(&g->s, 100, 5000);
        amount_text(donors[d].currency, units, pick(&g->s, 0, 99), amount);
        int64_t rid = 0;
        st = receipt(g, d, 0, date, amount, k % 2 ? "purpose:legal_aid" : NULL, &rid);
        if (st == STATUS_OK && k == 4) {
            char later[11];
            date_of(g->year, (int)pick(&g->s, yd - 19, yd - 1), later);
            st = reverse(g, rid, later);
        }
    }
    return st;
}

/* Awards and disbursements, posted directly (the grants part posts them for real grants). */
static enum status grants_make(struct gen *g)
{
    enum status st = STATUS_OK;
    int yd = year_days(g->year);
    /* Disburse at most 60% of what came in, so that the cash stays positive. */
    int64_t budget = g->receipts_usd * 6 / 10;
    for (int k = 0; st == STATUS_OK && k < 6; k++) {
        int64_t amount = pick(&g->s, 20, 60) * 100000; /* USD 20,000-60,000 in cents */
        char date[11];
        int day = (int)pick(&g->s, yd / 4, yd / 2);
        date_of(g->year, day, date);
        struct fund_line award[] = {{"grant_expense", amount, 0}, {"grants_payable", 0, amount}};
        struct fund_posting p = {date, "award", "generated", k + 1, "generated award", award, 2};
        st = fund_ledger_post(g->ctx, &p, NULL);
        if (st != STATUS_OK) {
            break;
        }
        g->awards++;
        g->awards_usd += amount;
        /* Two tranches: 60% soon after, 40% near the end of the year. */
        int64_t tranches[2] = {amount * 6 / 10, amount - amount * 6 / 10};
        int when[2] = {day + (int)pick(&g->s, 10, 40), yd - (int)pick(&g->s, 5, 40)};
        for (int t = 0; st == STATUS_OK && t < 2; t++) {
            if (g->disbursements_usd + tranches[t] > budget) {
                continue;
            }
            date_of(g->year, when[t], date);
            struct fund_line pay[] = {{"grants_payable", tranches[t], 0}, {"cash", 0, tranches[t]}};
            struct fund_posting q = {date, "disbursement", "generated", k + 1, "generated tranche", pay, 2};
            st = fund_ledger_post(g->ctx, &q, NULL);
            if (st == STATUS_OK) {
                g->disbursements++;
                g->disbursements_usd += tranches[t];
            }
        }
    }
    return st;
}

enum status fund_generate(const struct auth_ctx *ctx, int year, uint64_t seed, json_t **summary)
{
    *summary = NULL;
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "generate a year of fund activity");
    if (st == STATUS_OK && (year < 2000 || year > 2100)) {
        st = err_set_field(STATUS_INVALID, "year", "year: from 2000 to 2100");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct gen g = {.ctx = ctx, .year = year, .s = seed ^ (uint64_t)year};
    st = rates_make(ctx, year, &g.s);
    for (size_t d = 0; st == STATUS_OK && d < ARRAY_LEN(donors); d++) {
        json_t *in = json_pack("{sssssssb}", "kind", donors[d].kind, "name", donors[d].name, "language",
                               donors[d].language, "anonymous", donors[d].anonymous);
        if (donors[d].country != NULL) {
            json_object_set_new(in, "country", json_string(donors[d].country));
        }
        st = fund_donor_add(ctx, in, &g.donor_ids[d]);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        st = pledges_make(&g);
    }
    if (st == STATUS_OK) {
        st = grants_make(&g);
    }
    if (st != STATUS_OK) {
        return st;
    }
    *summary = json_pack("{sisIsIsIsIsIsIsIsIs[sssss]}", "year", year, "seed", (json_int_t)seed, "donors",
                         (json_int_t)ARRAY_LEN(donors), "pledges", (json_int_t)g.pledges, "receipts",
                         (json_int_t)g.receipts, "reversed", (json_int_t)g.reversed, "written_off",
                         (json_int_t)g.written_off, "awards", (json_int_t)g.awards, "disbursements",
                         (json_int_t)g.disbursements, "currencies", "USD", "EUR", "JPY", "KWD", "CHF");
    json_object_set_new(*summary, "receipts_usd_cents", json_integer(g.receipts_usd));
    json_object_set_new(*summary, "awards_usd_cents", json_integer(g.awards_usd));
    json_object_set_new(*summary, "disbursements_usd_cents", json_integer(g.disbursements_usd));
    return STATUS_OK;
}
