/* apps_util: the helpers of part A (apps_int.h). */
#include "fund/apps_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/money.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

void fa_add_months(const char *date, int months, char out[11])
{
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > util_month_days(y, m)) {
        d = util_month_days(y, m);
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

bool fa_upper3(const char *s)
{
    return s != NULL && strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

enum status fa_usd(const json_t *o, const char *key, const char *cents_key, bool required, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    const json_t *c = json_object_get(o, cents_key);
    *out = 0;
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_string(v)) {
            return err_set_field(STATUS_INVALID, key, "%s must be a decimal amount in US dollars, as text", key);
        }
        return money_amount_parse(key, "USD", json_string_value(v), out);
    }
    if (c != NULL && !json_is_null(c)) {
        if (!json_is_integer(c) || json_integer_value(c) < 0 || json_integer_value(c) > MONEY_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, cents_key, "%s must be a whole number of cents", cents_key);
        }
        *out = json_integer_value(c);
        return STATUS_OK;
    }
    return required ? err_set_field(STATUS_INVALID, key, "%s is required", key) : STATUS_OK;
}

void fa_usd_format(int64_t cents, char out[32])
{
    char plain[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format("USD", cents, plain);
    /* thousands separators on the whole part */
    const char *dot = strchr(plain, '.');
    size_t whole = dot != NULL ? (size_t)(dot - plain) : strlen(plain);
    size_t o = 0;
    for (size_t i = 0; i < whole && o < 28; i++) {
        if (i > 0 && (whole - i) % 3 == 0) {
            out[o++] = ',';
        }
        out[o++] = plain[i];
    }
    snprintf(out + o, 32 - o, "%s", dot != NULL ? dot : "");
}

enum status fa_setting(const struct auth_ctx *ctx, const char *name, int64_t *out)
{
    int64_t def = strcmp(name, "max_per_group") == 0 ? 1 : 2;
    struct sql_value k[] = {sqlv_text(name)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_APP_SETTING_GET, k, 1, &r);
    *out = def;
    if (st == STATUS_OK) {
        int64_t v = 0;
        if (util_parse_i64(&v, store_rows_text(r, 0)) == STATUS_OK && v >= 1 && v <= 5) {
            *out = v;
        }
    } else if (st == STATUS_NOT_FOUND) {
        st = STATUS_OK;
    }
    store_rows_free(r);
    return st;
}

enum status fa_codes(const json_t *o, const char *key, bool (*ok)(const char *), char **out)
{
    const json_t *a = json_object_get(o, key);
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > FUND_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, key, "%s must be an array of at most %d codes", key, FUND_LIST_MAX);
    }
    struct buf b;
    buf_init(&b, 4096);
    enum status st = STATUS_OK;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || !ok(json_string_value(v))) {
            st = err_set_field(STATUS_INVALID, key, "%s: an unknown code", key);
            break;
        }
        st = buf_printf(&b, "%s%s", i > 0 ? "," : "", json_string_value(v));
        if (st != STATUS_OK) {
            break;
        }
    }
    if (st == STATUS_OK) {
        *out = strdup(buf_str(&b));
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&b);
    return st;
}

json_t *fa_codes_json(const char *csv)
{
    json_t *a = json_array();
    const char *f = csv != NULL ? csv : "";
    while (*f != '\0') {
        const char *end = strchr(f, ',');
        size_t n = end != NULL ? (size_t)(end - f) : strlen(f);
        json_array_append_new(a, json_stringn(f, n));
        f += n + (end != NULL ? 1 : 0);
    }
    return a;
}

enum status fa_trustee_of_user(const struct auth_ctx *ctx, int64_t user_id, const char *date, int64_t *trustee_id)
{
    *trustee_id = 0;
    if (user_id <= 0) {
        return STATUS_OK;
    }
    struct sql_value k[] = {SQLV_I64(user_id), sqlv_text(date)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_TRUSTEE_OF_USER, k, 2, &r);
    if (st == STATUS_OK) {
        *trustee_id = store_rows_i64(r, 0);
    } else if (st == STATUS_NOT_FOUND) {
        st = STATUS_OK;
    }
    store_rows_free(r);
    return st;
}
