/* rates: the Trust Fund's exchange rates (see rates.h). */
#include "fund/rates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/csv.h"
#include "fund/donors.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"

static enum status rate_store(const struct auth_ctx *ctx, const char *currency, const char *date,
                              const struct money_rate *rate, const char *source)
{
    char text[MONEY_RATE_TEXT_BYTES];
    money_rate_format(rate, text);
    struct sql_value a[] = {sqlv_text(currency),
                            sqlv_text(date),
                            sqlv_text(text),
                            sqlv_text(source ? source : ""),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            SQLV_I64(util_now_ms())};
    return store_exec(ctx->store, STMT_FUND_RATE_SET, a, ARRAY_LEN(a), NULL);
}

/* Checks one rate's fields; prefix ("" or "file:line: ") goes before the field in messages. */
static enum status rate_fields(const char *prefix, const char *currency, const char *date, const char *rate_text,
                               const char *source, struct money_rate *rate)
{
    if (money_currency_exponent(currency) < 0 || strcmp(currency, "USD") == 0) {
        return err_set_field(STATUS_INVALID, "currency",
                             "%scurrency: an ISO 4217 code in upper case other than USD (EUR, JPY, KWD)", prefix);
    }
    if (!money_date_valid(date)) {
        return err_set_field(STATUS_INVALID, "date", "%sdate: a date YYYY-MM-DD", prefix);
    }
    if (source != NULL && strlen(source) > FUND_RATE_SOURCE_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "source", "%ssource: at most %d bytes", prefix,
                             FUND_RATE_SOURCE_BYTES_MAX);
    }
    enum status st = money_rate_parse("rate", rate_text, rate);
    if (st != STATUS_OK) {
        return err_set_field(st, "rate", "%s%s", prefix, err_last());
    }
    return STATUS_OK;
}

enum status fund_rate_set(const struct auth_ctx *ctx, const json_t *in)
{
    static const char *const keys[] = {"currency", "date", "rate", "source", NULL};
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "set exchange rate");
    const char *currency = NULL, *date = NULL, *rate_text = NULL, *source = NULL;
    if (st == STATUS_OK) {
        st = fund__known_members(in, keys);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "currency", 3, true, &currency);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "date", 10, true, &date);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "rate", 40, true, &rate_text);
    }
    if (st == STATUS_OK) {
        st = fund__text_member(in, "source", FUND_RATE_SOURCE_BYTES_MAX, false, &source);
    }
    struct money_rate rate;
    if (st == STATUS_OK) {
        st = rate_fields("", currency, date, rate_text, source, &rate);
    }
    if (st == STATUS_OK) {
        st = rate_store(ctx, currency, date, &rate, source);
    }
    return st;
}

enum status fund_rate_list(const struct auth_ctx *ctx, const char *currency, const char *from, const char *to,
                           int64_t limit, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list exchange rates");
    if (st == STATUS_OK && currency != NULL && currency[0] && money_currency_exponent(currency) < 0) {
        st = err_set_field(STATUS_INVALID, "currency", "currency: an ISO 4217 code in upper case");
    }
    if (st == STATUS_OK &&
        ((from != NULL && from[0] && !money_date_valid(from)) || (to != NULL && to[0] && !money_date_valid(to)))) {
        st = err_set_field(STATUS_INVALID, "from", "from, to: dates YYYY-MM-DD");
    }
    if (st == STATUS_OK && (limit < 0 || limit > FUND_RATE_IMPORT_ROWS_MAX)) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: from 1 to %d", FUND_RATE_IMPORT_ROWS_MAX);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(currency ? currency : ""), sqlv_text(from ? from : ""),
                            sqlv_text(to != NULL && to[0] ? to : "9999-12-31"), SQLV_I64(limit ? limit : 1000)};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_FUND_RATE_LIST, a, ARRAY_LEN(a), &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr,
                              json_pack("{ssssssss}", "currency", store_rows_text(r, 0), "date", store_rows_text(r, 1),
                                        "rate", store_rows_text(r, 2), "source", store_rows_text(r, 3)));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{so}", "items", arr);
    return STATUS_OK;
}

enum status fund_rate_import_csv(const struct auth_ctx *ctx, const char *file_name, const char *text, size_t len,
                                 json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "import exchange rates");
    if (st != STATUS_OK) {
        return st;
    }
    const char *name = file_name != NULL && file_name[0] ? file_name : "rates.csv";
    FILE *f = fmemopen((void *)text, len, "r");
    if (f == NULL || len == 0) {
        if (f != NULL) {
            fclose(f);
        }
        return err_set_field(STATUS_INVALID, "file", "%s: an empty file", name);
    }
    struct csv_reader *r = csv_reader_new(f);
    int col[4] = {-1, -1, -1, -1}; /* currency, date, rate, source */
    static const char *const cols[] = {"currency", "date", "rate", "source"};
    int64_t rows = 0;
    st = csv_reader_next(r);
    if (st == STATUS_OK) {
        for (size_t i = 0; i < csv_reader_count(r); i++) {
            for (int c = 0; c < 4; c++) {
                if (strcmp(csv_reader_field(r, i), cols[c]) == 0) {
                    col[c] = (int)i;
                }
            }
        }
        if (col[0] < 0 || col[1] < 0 || col[2] < 0) {
            st = err_set_field(STATUS_INVALID, "file",
                               "%s:1: a header with the columns currency, date, rate (and "
                               "source)",
                               name);
        }
    } else {
        st = err_set_field(STATUS_INVALID, "file", "%s: %s", name, st == STATUS_DONE ? "an empty file" : err_last());
    }
    while (st == STATUS_OK) {
        st = csv_reader_next(r);
        if (st == STATUS_DONE) {
            break;
        }
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s:%lld: ", name, (long long)csv_reader_line(r));
        if (st != STATUS_OK) {
            st = err_set_field(st, "file", "%s%s", prefix, err_last());
            break;
        }
        if (csv_reader_blank(r)) {
            continue;
        }
        if (++rows > FUND_RATE_IMPORT_ROWS_MAX) {
            st = err_set_field(STATUS_TOO_LARGE, "file", "%sat most %d rates in one file", prefix,
                               FUND_RATE_IMPORT_ROWS_MAX);
            break;
        }
        const char *v[4] = {"", "", "", ""};
        for (int c = 0; c < 4; c++) {
            if (col[c] >= 0 && (size_t)col[c] < csv_reader_count(r)) {
                v[c] = csv_reader_field(r, (size_t)col[c]);
            }
        }
        struct money_rate rate;
        st = rate_fields(prefix, v[0], v[1], v[2], v[3], &rate);
        if (st == STATUS_OK) {
            st = rate_store(ctx, v[0], v[1], &rate, v[3]);
        }
    }
    csv_reader_free(r);
    fclose(f);
    if (st != STATUS_DONE && st != STATUS_OK) {
        return st;
    }
    *out = json_pack("{sIss}", "imported", (json_int_t)rows, "file", name);
    return STATUS_OK;
}

enum status fund_rate_at(const struct auth_ctx *ctx, const char *field, const char *currency, const char *date,
                         char rate_out[MONEY_RATE_TEXT_BYTES], char rate_date_out[11])
{
    rate_out[0] = '\0';
    rate_date_out[0] = '\0';
    if (strcmp(currency, "USD") == 0) {
        snprintf(rate_out, MONEY_RATE_TEXT_BYTES, "1");
        snprintf(rate_date_out, 11, "%s", date);
        return STATUS_OK;
    }
    struct sql_value a[] = {sqlv_text(currency), sqlv_text(date)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_RATE_AT, a, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set_field(STATUS_INVALID, field, "%s: no %s rate on or before %s (fund rate set)", field, currency,
                             date);
    }
    if (st == STATUS_OK) {
        snprintf(rate_out, MONEY_RATE_TEXT_BYTES, "%s", store_rows_text(r, 0));
        snprintf(rate_date_out, 11, "%s", store_rows_text(r, 1));
    }
    store_rows_free(r);
    return st;
}
