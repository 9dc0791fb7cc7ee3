/* jsonin: the members of a JSON input and calendar dates (jsonin.h). */
#include "util/jsonin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/util.h"

int util_month_days(int y, int m)
{
    ASSERT(m >= 1 && m <= 12);
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

bool util_date_valid(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= util_month_days(y, m);
}

void util_today(char out[11])
{
    char iso[32];
    util_time_iso(iso, util_now_ms());
    snprintf(out, 11, "%.10s", iso);
}

bool util_in_list(const char *code, const char *const *list)
{
    for (size_t i = 0; code != NULL && list[i] != NULL; i++) {
        if (strcmp(code, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

enum status util_json_text(const json_t *o, const char *key, size_t max, bool required, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = "";
    if (v == NULL || json_is_null(v)) {
        return required ? err_set_field(STATUS_INVALID, key, "%s is required", key) : STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s must be a string", key);
    }
    *out = json_string_value(v);
    if (strlen(*out) > max) {
        return err_set_field(STATUS_INVALID, key, "%s is longer than %zu bytes", key, max);
    }
    if (required && (*out)[0] == '\0') {
        return err_set_field(STATUS_INVALID, key, "%s is required", key);
    }
    return STATUS_OK;
}

enum status util_json_int(const json_t *o, const char *key, int64_t min, int64_t max, int64_t def, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    *out = def;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        return err_set_field(STATUS_INVALID, key, "%s must be a whole number from %lld to %lld", key, (long long)min,
                             (long long)max);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

enum status util_json_bool(const json_t *o, const char *key, bool def, bool *out)
{
    const json_t *v = json_object_get(o, key);
    *out = def;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return STATUS_OK;
    }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = json_integer_value(v) == 1;
        return STATUS_OK;
    }
    return err_set_field(STATUS_INVALID, key, "%s must be true or false", key);
}

enum status util_json_date(const json_t *o, const char *key, bool required, const char **out)
{
    enum status st = util_json_text(o, key, 10, required, out);
    if (st == STATUS_OK && (*out)[0] != '\0' && !util_date_valid(*out)) {
        st = err_set_field(STATUS_INVALID, key, "%s must be a date YYYY-MM-DD", key);
    }
    return st;
}

enum status util_json_str(const json_t *o, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a text value", key);
    }
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    if (n > max) {
        return err_set_field(STATUS_INVALID, key, "%s: at most %zu bytes", key, max);
    }
    if (!util_utf8_valid(s, n)) {
        return err_set_field(STATUS_INVALID, key, "%s: not valid UTF-8 text", key);
    }
    *out = s;
    return STATUS_OK;
}
