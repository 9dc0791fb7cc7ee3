/* naputil: the helpers of part N (napint.h). */
#include "plan/napint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "plan/text.h"
#include "util/buf.h"
#include "util/util.h"
#include "vault/vault.h"

bool pn_country_ok(const char *s)
{
    return s != NULL && strlen(s) == 3 && isupper((unsigned char)s[0]) && vocab_index("country", s) >= 0;
}

bool pn_paragraph_ok(const char *id)
{
    size_t n = 0;
    const struct plan_paragraph *p = plan_data_paragraphs(&n);
    for (size_t i = 0; id != NULL && i < n; i++) {
        if (strcmp(p[i].id, id) == 0) {
            return true;
        }
    }
    return false;
}

enum status pn_period(const json_t *o, const char *from_key, const char *to_key, const char **from, const char **to)
{
    enum status st = util_json_date(o, from_key, true, from);
    if (st == STATUS_OK) {
        st = util_json_date(o, to_key, true, to);
    }
    if (st == STATUS_OK && strcmp(*to, *from) < 0) {
        st = err_set_field(STATUS_INVALID, to_key, "%s must not be before %s", to_key, from_key);
    }
    return st;
}

enum status pn_codes(const json_t *o, const char *key, const char *const *list, bool (*okf)(const char *),
                     bool required, char **out)
{
    const json_t *a = json_object_get(o, key);
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > PN_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, key, "%s must be an array of at most %d codes", key, PN_LIST_MAX);
    }
    if (required && json_array_size(a) == 0) {
        return err_set_field(STATUS_INVALID, key, "%s: at least one is required", key);
    }
    struct buf b;
    buf_init(&b, 4096);
    enum status st = STATUS_OK;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        const char *c = json_string_value(v);
        if (c == NULL || (list != NULL && !util_in_list(c, list)) || (okf != NULL && !okf(c))) {
            st = err_set_field(STATUS_INVALID, key, "%s: unknown code \"%.40s\"", key, c != NULL ? c : "");
            break;
        }
        if (c[0] == '\0' || strchr(c, ',') != NULL) {
            st = err_set_field(STATUS_INVALID, key, "%s: a code without commas", key);
            break;
        }
        st = buf_printf(&b, "%s%s", i > 0 ? "," : "", c);
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

json_t *pn_codes_json(const char *csv)
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

enum status pn_ids(const json_t *o, const char *key, char **out)
{
    const json_t *a = json_object_get(o, key);
    *out = NULL;
    if (a != NULL && !json_is_null(a) && (!json_is_array(a) || json_array_size(a) > PN_LIST_MAX)) {
        return err_set_field(STATUS_INVALID, key, "%s must be an array of at most %d ids", key, PN_LIST_MAX);
    }
    struct buf b;
    buf_init(&b, 1024);
    enum status st = STATUS_OK;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            st = err_set_field(STATUS_INVALID, key, "%s must hold positive ids", key);
            break;
        }
        st = buf_printf(&b, "%s%lld", i > 0 ? "," : "", (long long)json_integer_value(v));
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

enum status pn_agency_ids(const struct auth_ctx *ctx, const json_t *o, const char *key, char **out)
{
    enum status st = pn_ids(o, key, out);
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(o, key), i, v)
    {
        if (st != STATUS_OK) {
            break;
        }
        struct sql_value k[] = {SQLV_I64(json_integer_value(v))};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_PLAN_AGENCY_EXISTS, k, 1, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, key, "%s: no agency %lld", key, (long long)json_integer_value(v));
        }
    }
    if (st != STATUS_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

json_t *pn_ids_json(const char *csv)
{
    json_t *a = json_array();
    const char *f = csv != NULL ? csv : "";
    while (*f != '\0') {
        char *end = NULL;
        long long v = strtoll(f, &end, 10);
        if (end == f) {
            break;
        }
        json_array_append_new(a, json_integer(v));
        f = *end == ',' ? end + 1 : end;
    }
    return a;
}
