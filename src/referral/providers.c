/* providers: the directory of service providers that referrals go to. An organisation's name,
 * contact and areas are not personal data: they stay clear. Anyone with referral.read searches
 * it; provider.manage adds and changes entries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/referral.h"
#include "referral/referral_int.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *const referral_services[] = {
    "shelter",        "medical",   "medical_infectious",  "psychological", "legal_aid",
    "interpretation", "education", "vocational_training", "financial",     "family_tracing",
    "other"};
const size_t referral_services_count = ARRAY_LEN(referral_services);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool code_ok(const char *kind, const char *code)
{
    size_t n = strlen(code);
    if (strcmp(kind, "services") == 0) {
        for (size_t i = 0; i < referral_services_count; i++) {
            if (strcmp(referral_services[i], code) == 0) {
                return true;
            }
        }
        return false;
    }
    if (strcmp(kind, "languages") == 0) {
        if (n < 2 || n > 3) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!islower((unsigned char)code[i])) {
                return false;
            }
        }
        return true;
    }
    /* areas: ISO3 or a free area code: letters, digits, '-', '_', '.' */
    if (n == 0 || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return true;
}

enum status referral__codes_normalise(const char *field, const char *text, char **out)
{
    *out = NULL;
    char *copy = xstrdup(text ? text : "");
    char *items[PROVIDER_CODES_MAX];
    size_t n = 0;
    enum status st = STATUS_OK;
    for (char *save = NULL, *tok = strtok_r(copy, ";,", &save); tok != NULL; tok = strtok_r(NULL, ";,", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        size_t len = strlen(tok);
        while (len > 0 && tok[len - 1] == ' ') {
            tok[--len] = '\0';
        }
        if (len == 0) {
            continue;
        }
        if (!code_ok(field, tok)) {
            st = err_set_field(STATUS_INVALID, field, "%s: unknown or malformed code \"%.32s\"", field, tok);
            break;
        }
        if (n == PROVIDER_CODES_MAX) {
            st = err_set_field(STATUS_INVALID, field, "%s: at most %d codes", field, PROVIDER_CODES_MAX);
            break;
        }
        items[n++] = tok;
    }
    if (st == STATUS_OK) {
        qsort(items, n, sizeof *items, cmp_str);
        struct buf b;
        buf_init(&b, FIELD_TEXT_BYTES_MAX);
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && strcmp(items[i], items[i - 1]) == 0) {
                continue;
            }
            buf_printf(&b, "%s%s", b.len ? ";" : "", items[i]);
        }
        *out = buf_take(&b);
    }
    free(copy);
    return st;
}

json_t *referral__codes_json(const char *joined)
{
    json_t *a = json_array();
    char *copy = xstrdup(joined ? joined : "");
    for (char *save = NULL, *tok = strtok_r(copy, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
        json_array_append_new(a, json_string(tok));
    }
    free(copy);
    return a;
}

/* A JSON member given as an array of strings or one string, joined by ';' (caller frees). */
char *referral_json_list(const json_t *v)
{
    if (json_is_string(v)) {
        return xstrdup(json_string_value(v));
    }
    if (!json_is_array(v)) {
        return NULL;
    }
    struct buf b;
    buf_init(&b, FIELD_TEXT_BYTES_MAX);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (json_is_string(x)) {
            buf_printf(&b, "%s%s", b.len ? ";" : "", json_string_value(x));
        }
    }
    return buf_take(&b);
}

static void provider_read(struct store_rows *r, struct provider *p)
{
    p->id = store_rows_i64(r, 0);
    p->name = xstrdup(store_rows_text(r, 1));
    p->agency_id = store_rows_is_null(r, 2) ? 0 : store_rows_i64(r, 2);
    p->services = xstrdup(store_rows_text(r, 3));
    p->languages = xstrdup(store_rows_text(r, 4));
    p->areas = xstrdup(store_rows_text(r, 5));
    p->places_total = store_rows_i64(r, 6);
    p->places_free = store_rows_i64(r, 7);
    p->capacity_updated_at_ms = store_rows_i64(r, 8);
    p->contact = xstrdup(store_rows_text(r, 9));
    p->active = store_rows_i64(r, 10) != 0;
    p->created_at_ms = store_rows_i64(r, 11);
    p->updated_at_ms = store_rows_i64(r, 12);
    p->version = store_rows_i64(r, 13);
}

enum status referral__provider_load(struct store *s, int64_t id, struct provider **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_PROVIDER_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such provider");
    }
    if (st == STATUS_OK) {
        *out = xcalloc(1, sizeof **out);
        provider_read(r, *out);
    }
    store_rows_free(r);
    return st;
}

/* The agency named must exist. */
static enum status agency_check(struct store *s, int64_t agency_id)
{
    if (agency_id <= 0) {
        return STATUS_OK;
    }
    struct sql_value a[] = {SQLV_I64(agency_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_AGENCY_GET, a, 1, &r);
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set_field(STATUS_INVALID, "agency_id", "agency_id: no such agency") : st;
}

/* Fills p (the current entry, or a new one) from in; checks every value. */
static enum status provider_apply(struct provider *p, const struct provider_input *in, bool create)
{
    enum status st = STATUS_OK;
    if (in->name != NULL || create) {
        size_t n = in->name ? strlen(in->name) : 0;
        if (n == 0 || n > NAME_BYTES_MAX) {
            return err_set_field(STATUS_INVALID, "name", "name: 1 to %d bytes", NAME_BYTES_MAX);
        }
        free(p->name);
        p->name = xstrdup(in->name);
    }
    struct {
        const char *field;
        const char *value;
        char **dest;
    } lists[] = {{"services", in->services, &p->services},
                 {"languages", in->languages, &p->languages},
                 {"areas", in->areas, &p->areas}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(lists); i++) {
        if (lists[i].value == NULL && !create) {
            continue;
        }
        char *norm = NULL;
        st = referral__codes_normalise(lists[i].field, lists[i].value, &norm);
        if (st == STATUS_OK) {
            free(*lists[i].dest);
            *lists[i].dest = norm;
        }
    }
    if (st == STATUS_OK && p->services[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "services", "services: at least one service");
    }
    if (st == STATUS_OK && in->contact != NULL) {
        if (strlen(in->contact) > FIELD_TEXT_BYTES_MAX) {
            return err_set_field(STATUS_INVALID, "contact", "contact: too long");
        }
        free(p->contact);
        p->contact = xstrdup(in->contact);
    }
    if (st == STATUS_OK && in->agency_id >= 0) {
        p->agency_id = in->agency_id;
    }
    bool capacity = false;
    if (st == STATUS_OK && in->places_total >= 0) {
        p->places_total = in->places_total;
        capacity = true;
    }
    if (st == STATUS_OK && in->places_free >= 0) {
        p->places_free = in->places_free;
        capacity = true;
    }
    if (st == STATUS_OK && (p->places_free > p->places_total || p->places_total > 1000000)) {
        st = err_set_field(STATUS_INVALID, "places_free", "places_free: between 0 and places_total");
    }
    if (st == STATUS_OK && capacity) {
        p->capacity_updated_at_ms = util_now_ms();
    }
    if (st == STATUS_OK && in->active >= 0) {
        p->active = in->active != 0;
    }
    return st;
}

enum status provider_create(const struct auth_ctx *ctx, const struct provider_input *in, struct provider **out)
{
    *out = NULL;
    struct provider *p = xcalloc(1, sizeof *p);
    p->contact = xstrdup("");
    p->active = true;
    enum status st = provider_apply(p, in, true);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "provider.manage", NULL, AUTH_FG_NONE, true, "create");
    }
    if (st == STATUS_OK) {
        st = agency_check(ctx->store, p->agency_id);
    }
    if (st == STATUS_OK) {
        p->id = vault_random_id();
        int64_t now = util_now_ms();
        struct sql_value a[] = {
            SQLV_I64(p->id),           sqlv_text(p->name),       p->agency_id ? SQLV_I64(p->agency_id) : SQLV_NULL,
            sqlv_text(p->services),    sqlv_text(p->languages),  sqlv_text(p->areas),
            SQLV_I64(p->places_total), SQLV_I64(p->places_free), SQLV_I64(now),
            sqlv_text(p->contact),     SQLV_BOOL(p->active)};
        st = store_exec(ctx->store, STMT_PROVIDER_INSERT, a, ARRAY_LEN(a), NULL);
    }
    if (st == STATUS_OK) {
        st = referral__provider_load(ctx->store, p->id, out);
    }
    provider_free(p);
    return st;
}

enum status provider_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                            const struct provider_input *in, struct provider **out)
{
    *out = NULL;
    struct provider *p = NULL;
    enum status st = referral__provider_load(ctx->store, id, &p);
    if (st == STATUS_OK) {
        struct auth_record rec = {.type = "provider", .id = id, .agency_id = ctx->who->agency_id};
        st = auth_check(ctx, "provider.manage", &rec, AUTH_FG_NONE, true, "update");
    }
    if (st == STATUS_OK) {
        st = provider_apply(p, in, false);
    }
    if (st == STATUS_OK && in->agency_id >= 0) {
        st = agency_check(ctx->store, p->agency_id);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(p->name),
                                p->agency_id ? SQLV_I64(p->agency_id) : SQLV_NULL,
                                sqlv_text(p->services),
                                sqlv_text(p->languages),
                                sqlv_text(p->areas),
                                SQLV_I64(p->places_total),
                                SQLV_I64(p->places_free),
                                SQLV_I64(p->capacity_updated_at_ms),
                                sqlv_text(p->contact),
                                SQLV_BOOL(p->active),
                                SQLV_I64(util_now_ms()),
                                SQLV_I64(expected_version)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_PROVIDER_UPDATE, a, ARRAY_LEN(a), &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the provider was changed by someone else; reload it");
        }
    }
    if (st == STATUS_OK) {
        st = referral__provider_load(ctx->store, id, out);
    }
    provider_free(p);
    return st;
}

/* The directory is read with referral.read, or by those who manage it (provider.manage). */
static const char *read_permission(const struct auth_ctx *ctx)
{
    return !auth_has(ctx->who, "referral.read") && auth_has(ctx->who, "provider.manage") ? "provider.manage"
                                                                                         : "referral.read";
}

enum status provider_get(const struct auth_ctx *ctx, int64_t id, struct provider **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, read_permission(ctx), NULL, AUTH_FG_NONE, false, "provider");
    if (st == STATUS_OK) {
        st = referral__provider_load(ctx->store, id, out);
    }
    return st;
}

enum status provider_search(const struct auth_ctx *ctx, const struct provider_filter *f, struct provider ***out,
                            size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    int64_t limit = f->limit > 0 ? f->limit : PAGE_ROWS_DEFAULT;
    if (limit > PAGE_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "limit", "limit: at most %d", PAGE_ROWS_MAX);
    }
    enum status st = auth_check(ctx, read_permission(ctx), NULL, AUTH_FG_NONE, false, "providers");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(f->include_inactive ? 0 : 1),
                            sqlv_text(f->service ? f->service : ""),
                            sqlv_text(f->language ? f->language : ""),
                            sqlv_text(f->area ? f->area : ""),
                            SQLV_I64(f->with_capacity ? 1 : 0),
                            SQLV_I64(limit),
                            SQLV_I64(f->offset)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_PROVIDER_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct provider **list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n] = xcalloc(1, sizeof *list[n]);
        provider_read(r, list[n++]);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        provider_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

static const char *opt_string(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum status provider_input_from_json(struct provider_input *in, const json_t *o, bool partial)
{
    memset(in, 0, sizeof *in);
    in->agency_id = -1;
    in->places_total = -1;
    in->places_free = -1;
    in->active = -1;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "the body must be a JSON object");
    }
    in->name = opt_string(o, "name");
    in->contact = opt_string(o, "contact");
    const json_t *v = json_object_get(o, "agency_id");
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        in->agency_id = json_integer_value(v);
    } else if (json_is_null(v)) {
        in->agency_id = 0;
    } else if (v != NULL) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: an agency id or null");
    }
    const char *nums[] = {"places_total", "places_free"};
    int64_t *dest[] = {&in->places_total, &in->places_free};
    for (size_t i = 0; i < 2; i++) {
        v = json_object_get(o, nums[i]);
        if (json_is_integer(v) && json_integer_value(v) >= 0) {
            *dest[i] = json_integer_value(v);
        } else if (v != NULL) {
            return err_set_field(STATUS_INVALID, nums[i], "%s: a whole number, 0 or more", nums[i]);
        }
    }
    v = json_object_get(o, "active");
    if (json_is_boolean(v)) {
        in->active = json_is_true(v) ? 1 : 0;
    } else if (v != NULL) {
        return err_set_field(STATUS_INVALID, "active", "active: true or false");
    }
    (void)partial;
    return STATUS_OK;
}

json_t *provider_to_json(const struct provider *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "agency_id", p->agency_id ? json_integer(p->agency_id) : json_null());
    json_object_set_new(o, "services", referral__codes_json(p->services));
    json_object_set_new(o, "languages", referral__codes_json(p->languages));
    json_object_set_new(o, "areas", referral__codes_json(p->areas));
    json_object_set_new(o, "places_total", json_integer(p->places_total));
    json_object_set_new(o, "places_free", json_integer(p->places_free));
    json_object_set_new(o, "capacity_updated_at_ms", json_integer(p->capacity_updated_at_ms));
    json_object_set_new(o, "contact", json_string(p->contact));
    json_object_set_new(o, "active", json_boolean(p->active));
    json_object_set_new(o, "version", json_integer(p->version));
    return o;
}

void provider_free(struct provider *p)
{
    if (p == NULL) {
        return;
    }
    free(p->name);
    free(p->services);
    free(p->languages);
    free(p->areas);
    free(p->contact);
    free(p);
}

void provider_list_free(struct provider **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        provider_free(list[i]);
    }
    free(list);
}
