/* investigation: the justice record (see investigation.h). The title is sealed, bound to
 * (investigations, title_enc, id). */
#include "justice/investigation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/vocab.h"
#include "justice/justice_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* Helpers (justice_int.h). */

enum status justice__collect(const struct auth_ctx *ctx, enum stmt stmt, int64_t id, size_t elem_size,
                             justice_row_fn row, void *arg, justice_free_fn free_list, void **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct store_rows *r = NULL;
    struct sql_value k[] = {SQLV_I64(id)};
    enum status st = store_exec(ctx->store, stmt, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 0;
    unsigned char *list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            list = xrealloc(list, cap * elem_size);
        }
        void *elem = list + n * elem_size;
        memset(elem, 0, elem_size);
        st = row(ctx, r, arg, elem);
        if (st != STATUS_OK) {
            break;
        }
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free_list(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status justice__date_check(const char *field, const char *date)
{
    int y = 0, m = 0, d = 0;
    char tail = 0;
    bool ok = date != NULL && strlen(date) == 10 && date[4] == '-' && date[7] == '-' &&
              sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y >= 1900 && y <= 9999 && m >= 1 && m <= 12 &&
              d >= 1 && d <= 31;
    if (ok) {
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
        time_t t = timegm(&tm);
        struct tm back;
        gmtime_r(&t, &back);
        ok = back.tm_mday == d && back.tm_mon == m - 1;
    }
    return ok ? STATUS_OK : err_set_field(STATUS_INVALID, field, "%s: a date YYYY-MM-DD", field);
}

enum status justice__date_member(const json_t *o, const char *key, char out[11])
{
    json_t *j = json_object_get(o, key);
    if (j == NULL) {
        return STATUS_OK;
    }
    if (json_is_null(j)) {
        out[0] = '\0';
        return STATUS_OK;
    }
    const char *v = NULL;
    enum status st = util_json_str(o, key, 10, &v);
    if (st == STATUS_OK && v[0] != '\0') {
        st = justice__date_check(key, v);
    }
    if (st == STATUS_OK) {
        snprintf(out, 11, "%s", v);
    }
    return st;
}

enum status justice__id_member(const json_t *in, const char *key, int64_t *out)
{
    json_t *v = json_object_get(in, key);
    if (v == NULL || !json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, key, "%s: required, an id", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

enum status justice__known_members(const json_t *o, const char *const *keys)
{
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "the body must be a JSON object");
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        (void)v;
        if (!util_in_list(key, keys)) {
            return err_set_field(STATUS_INVALID, key, "%s: not a known member", key);
        }
    }
    return STATUS_OK;
}

/* Input. */

static const char *const statuses[] = {"open", "referred_to_prosecution", "closed", NULL};

enum status investigation_input_from_json(struct investigation_input *in, const json_t *o)
{
    memset(in, 0, sizeof *in);
    static const char *const keys[] = {"reference", "title", "opened", "status", "country", "agency_id", NULL};
    enum status st = justice__known_members(o, keys);
    if (st == STATUS_OK) {
        st = util_json_str(o, "reference", INVESTIGATION_REFERENCE_BYTES_MAX, &in->reference);
    }
    if (st == STATUS_OK) {
        st = util_json_str(o, "title", INVESTIGATION_TITLE_BYTES_MAX, &in->title);
    }
    if (st == STATUS_OK) {
        st = util_json_str(o, "opened", 10, &in->opened);
    }
    if (st == STATUS_OK) {
        st = util_json_str(o, "status", 32, &in->status);
    }
    if (st == STATUS_OK) {
        st = util_json_str(o, "country", 64, &in->country);
    }
    json_t *a = json_object_get(o, "agency_id");
    if (st == STATUS_OK && a != NULL && !json_is_null(a)) {
        if (!json_is_integer(a) || json_integer_value(a) <= 0) {
            st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: an agency id");
        } else {
            in->agency_id = json_integer_value(a);
        }
    }
    return st;
}

/* The checked, canonical values of an input over the current ones (cur NULL on create). */
struct values {
    char reference[INVESTIGATION_REFERENCE_BYTES_MAX + 1];
    const char *title; /* borrowed; NULL: none */
    bool title_set;
    char opened[11];
    char status[32];
    char country[4];
};

static enum status values_check(const struct investigation_input *in, const struct investigation *cur, struct values *v)
{
    memset(v, 0, sizeof *v);
    if (cur != NULL) {
        snprintf(v->reference, sizeof v->reference, "%s", cur->reference);
        snprintf(v->opened, sizeof v->opened, "%s", cur->opened);
        snprintf(v->status, sizeof v->status, "%s", cur->status);
        snprintf(v->country, sizeof v->country, "%s", cur->country);
    } else {
        util_today(v->opened);
        snprintf(v->status, sizeof v->status, "open");
    }
    if (in->reference != NULL || cur == NULL) {
        const char *r = in->reference ? in->reference : "";
        size_t n = strlen(r);
        if (n == 0 || n > INVESTIGATION_REFERENCE_BYTES_MAX) {
            return err_set_field(STATUS_INVALID, "reference", "reference: required, at most %d bytes",
                                 INVESTIGATION_REFERENCE_BYTES_MAX);
        }
        for (size_t i = 0; i < n; i++) {
            if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f) {
                return err_set_field(STATUS_INVALID, "reference", "reference: one line of text");
            }
        }
        snprintf(v->reference, sizeof v->reference, "%s", r);
    }
    if (in->title != NULL) {
        if (strlen(in->title) > INVESTIGATION_TITLE_BYTES_MAX || !util_utf8_valid(in->title, strlen(in->title))) {
            return err_set_field(STATUS_INVALID, "title", "title: at most %d bytes of text",
                                 INVESTIGATION_TITLE_BYTES_MAX);
        }
        v->title = in->title[0] ? in->title : NULL;
        v->title_set = true;
    }
    if (in->opened != NULL && in->opened[0] != '\0') {
        enum status st = justice__date_check("opened", in->opened);
        if (st != STATUS_OK) {
            return st;
        }
        snprintf(v->opened, sizeof v->opened, "%s", in->opened);
    }
    if (in->status != NULL) {
        if (cur == NULL && strcmp(in->status, "open") != 0) {
            return err_set_field(STATUS_INVALID, "status", "status: a new investigation is open");
        }
        if (!util_in_list(in->status, statuses)) {
            return err_set_field(STATUS_INVALID, "status", "status: open, referred_to_prosecution or closed");
        }
        snprintf(v->status, sizeof v->status, "%s", in->status);
    }
    if (in->country != NULL) {
        v->country[0] = '\0';
        if (in->country[0] != '\0') {
            const char *code = NULL;
            if (vocab_parse("country", in->country, &code) != STATUS_OK || strlen(code) != 3) {
                return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 country code");
            }
            snprintf(v->country, sizeof v->country, "%s", code);
        }
    }
    return STATUS_OK;
}

static enum status seal_title(const struct auth_ctx *ctx, int64_t id, const char *title, uint8_t **buf,
                              struct sql_value *v)
{
    *buf = NULL;
    *v = SQLV_NULL;
    if (title == NULL) {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {"investigations", "title_enc", id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, title, strlen(title));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

enum status investigation_create(const struct auth_ctx *ctx, const struct investigation_input *in, int64_t *id_out)
{
    enum status st = auth_check(ctx, "justice.write", NULL, AUTH_FG_NONE, true, "create investigation");
    int64_t agency = ctx->who->agency_id;
    if (st == STATUS_OK && in->agency_id != 0 && in->agency_id != agency) {
        if (!ctx->who->operator) {
            st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: only your own agency");
        } else {
            agency = in->agency_id;
        }
    }
    if (st == STATUS_OK && agency == 0) {
        st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: required for the operator");
    }
    struct values v;
    if (st == STATUS_OK) {
        st = values_check(in, NULL, &v);
    }
    if (st == STATUS_OK && v.title != NULL && !auth_field_allowed(ctx->who, AUTH_FG_LEGAL, true)) {
        st = auth_check(ctx, "justice.write", NULL, AUTH_FG_LEGAL, true, "create investigation");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *buf = NULL;
    struct sql_value title;
    st = seal_title(ctx, id, v.title, &buf, &title);
    if (st == STATUS_OK) {
        int64_t now = util_now_ms();
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(agency),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(v.reference),
                                title,
                                sqlv_text(v.opened),
                                sqlv_text(v.country),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_INVESTIGATION_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.investigation.create", "investigation", id, "ok", NULL);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

/* Reading. */

void investigation_clear(struct investigation *v)
{
    if (v->title != NULL) {
        vault_plain_free(v->title, strlen(v->title));
    }
    memset(v, 0, sizeof *v);
}

void investigations_free(struct investigation *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        investigation_clear(&list[i]);
    }
    free(list);
}

/* An INVESTIGATION_COLS row; the title opened when open. */
static enum status inv_row(const struct auth_ctx *ctx, struct store_rows *r, bool open, struct investigation *v)
{
    memset(v, 0, sizeof *v);
    v->id = store_rows_i64(r, 0);
    v->agency_id = store_rows_i64(r, 1);
    v->owner_id = store_rows_i64(r, 2);
    snprintf(v->reference, sizeof v->reference, "%s", store_rows_text(r, 3));
    snprintf(v->opened, sizeof v->opened, "%s", store_rows_text(r, 5));
    snprintf(v->status, sizeof v->status, "%s", store_rows_text(r, 6));
    snprintf(v->country, sizeof v->country, "%s", store_rows_text(r, 7));
    v->created_by = store_rows_i64(r, 8);
    v->created_at_ms = store_rows_i64(r, 9);
    v->updated_at_ms = store_rows_i64(r, 10);
    v->version = store_rows_i64(r, 11);
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, 4, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    if (!open) {
        v->title_withheld = true;
        return STATUS_OK;
    }
    struct vault_ad ad = {"investigations", "title_enc", v->id};
    enum status st = vault_unseal(ctx->vault, &v->title, &plen, &ad, blob, len);
    if (st != STATUS_OK) {
        investigation_clear(v);
    }
    return st;
}

static enum status inv_load(const struct auth_ctx *ctx, int64_t id, bool open, struct investigation *v)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_INVESTIGATION_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such investigation");
    }
    if (st == STATUS_OK) {
        st = inv_row(ctx, r, open, v);
    }
    store_rows_free(r);
    return st;
}

static struct auth_record inv_record(const struct investigation *v)
{
    return (struct auth_record){"investigation", v->id, v->agency_id, v->owner_id, AUTH_SENSITIVITY_NORMAL};
}

/* auth_check on an investigation; a holder of the permission out of scope reads it as absent. */
static enum status inv_check(const struct auth_ctx *ctx, const struct auth_record *rec, const char *perm,
                             enum auth_field_group fg, bool write, const char *detail)
{
    enum status st = auth_check(ctx, perm, rec, fg, write, detail);
    if (st == STATUS_DENIED && fg == AUTH_FG_NONE && auth_has(ctx->who, perm)) {
        st = err_set(STATUS_NOT_FOUND, "no such investigation");
    }
    return st;
}

enum status investigation_reach(const struct auth_ctx *ctx, int64_t id, const char *perm, bool write,
                                const char *detail, struct auth_record *rec_out)
{
    struct investigation v;
    enum status st = inv_load(ctx, id, false, &v);
    if (st != STATUS_OK) {
        /* Absent and out of reach read alike; the caller's right to ask is checked first. */
        enum status st2 = auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
        return st2 != STATUS_OK ? st2 : st;
    }
    struct auth_record rec = inv_record(&v);
    investigation_clear(&v);
    st = inv_check(ctx, &rec, perm, AUTH_FG_NONE, write, detail);
    if (st == STATUS_OK && rec_out != NULL) {
        *rec_out = rec;
    }
    return st;
}

enum status investigation_link_check(const struct auth_ctx *ctx, int64_t id, const char *detail)
{
    enum status st = investigation_reach(ctx, id, "justice.read", false, detail, NULL);
    if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_INVALID, "investigation_id", "investigation_id: no investigation %lld in your reach",
                           (long long)id);
    }
    return st;
}

enum status investigation_get(const struct auth_ctx *ctx, int64_t id, struct investigation *out)
{
    memset(out, 0, sizeof *out);
    enum status st = inv_load(ctx, id, false, out);
    if (st != STATUS_OK) {
        enum status st2 = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "read investigation");
        return st2 != STATUS_OK ? st2 : st;
    }
    struct auth_record rec = inv_record(out);
    st = inv_check(ctx, &rec, "justice.read", AUTH_FG_NONE, false, "read investigation");
    if (st == STATUS_OK && out->title_withheld && auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false)) {
        st = auth_check(ctx, "justice.read", &rec, AUTH_FG_LEGAL, false, "read investigation title");
        if (st == STATUS_OK) {
            investigation_clear(out);
            st = inv_load(ctx, id, true, out);
        }
    }
    if (st != STATUS_OK) {
        investigation_clear(out);
    }
    return st;
}

enum status investigation_list(const struct auth_ctx *ctx, const struct investigation_filter *f,
                               struct investigation **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (f->status != NULL && f->status[0] != '\0' && !util_in_list(f->status, statuses)) {
        return err_set_field(STATUS_INVALID, "status", "status: open, referred_to_prosecution or closed");
    }
    int64_t limit = f->limit ? f->limit : PAGE_ROWS_DEFAULT;
    if (limit < 1 || limit > PAGE_ROWS_MAX || f->offset < 0) {
        return err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "list investigations");
    if (st != STATUS_OK) {
        return st;
    }
    bool all = ctx->who->operator|| ctx->who->scope == AUTH_SCOPE_ALL;
    int64_t owner = !all && ctx->who->scope == AUTH_SCOPE_OWN ? ctx->who->user_id : 0;
    struct sql_value a[] = {SQLV_I64(all ? 0 : ctx->who->agency_id), SQLV_I64(owner),
                            sqlv_text(f->status ? f->status : ""), SQLV_I64(limit), SQLV_I64(f->offset)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_INVESTIGATION_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 0;
    struct investigation *list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        st = inv_row(ctx, r, false, &list[n]);
        if (st != STATUS_OK) {
            break;
        }
        struct auth_record rec = inv_record(&list[n]);
        n++;
        if (auth_decide(ctx, "justice.read", &rec, AUTH_FG_NONE, false) != STATUS_OK) {
            investigation_clear(&list[--n]);
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        investigations_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status investigation_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                                 const struct investigation_input *in)
{
    struct investigation cur;
    memset(&cur, 0, sizeof cur);
    enum status st = inv_load(ctx, id, false, &cur);
    if (st != STATUS_OK) {
        enum status st2 = auth_check(ctx, "justice.write", NULL, AUTH_FG_NONE, true, "change investigation");
        return st2 != STATUS_OK ? st2 : st;
    }
    struct auth_record rec = inv_record(&cur);
    struct values v;
    uint8_t *buf = NULL;
    struct sql_value title = SQLV_NULL;
    struct store_rows *r = NULL;
    st = inv_check(ctx, &rec, "justice.write", AUTH_FG_NONE, true, "change investigation");
    if (st == STATUS_OK && in->agency_id != 0 && in->agency_id != cur.agency_id) {
        st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: an investigation keeps its agency");
    }
    if (st == STATUS_OK) {
        st = values_check(in, &cur, &v);
    }
    if (st == STATUS_OK && expected_version != 0 && expected_version != cur.version) {
        st = err_set(STATUS_CONFLICT, "the investigation has changed since it was read");
    }
    if (st == STATUS_OK && v.title_set) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "change investigation title");
        if (st == STATUS_OK) {
            st = seal_title(ctx, id, v.title, &buf, &title);
        }
    } else if (st == STATUS_OK) {
        /* The sealed title stays as it is: copy its bytes. */
        struct sql_value k[] = {SQLV_I64(id)};
        st = store_exec_one(ctx->store, STMT_INVESTIGATION_GET, k, 1, &r);
        size_t len = 0;
        const uint8_t *blob = st == STATUS_OK ? store_rows_blob(r, 4, &len) : NULL;
        if (blob != NULL && len > 0) {
            title = SQLV_BLOB(blob, len);
        }
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),           SQLV_I64(cur.version),
                                sqlv_text(v.reference), title,
                                sqlv_text(v.opened),    sqlv_text(v.status),
                                sqlv_text(v.country),   cur.owner_id ? SQLV_I64(cur.owner_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_INVESTIGATION_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the investigation has changed since it was read");
        }
    }
    store_rows_free(r);
    free(buf);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.investigation.update", "investigation", id, "ok",
                        strcmp(v.status, cur.status) != 0 ? v.status : NULL);
    }
    investigation_clear(&cur);
    return st;
}

json_t *investigation_to_json(const struct investigation *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(v->id));
    json_object_set_new(o, "agency_id", json_integer(v->agency_id));
    json_object_set_new(o, "owner_id", v->owner_id ? json_integer(v->owner_id) : json_null());
    json_object_set_new(o, "reference", json_string(v->reference));
    json_object_set_new(o, "title", v->title ? json_string(v->title) : json_null());
    json_object_set_new(o, "title_withheld", json_boolean(v->title_withheld));
    json_object_set_new(o, "opened", v->opened[0] ? json_string(v->opened) : json_null());
    json_object_set_new(o, "status", json_string(v->status));
    json_object_set_new(o, "country", v->country[0] ? json_string(v->country) : json_null());
    json_object_set_new(o, "created_by", v->created_by ? json_integer(v->created_by) : json_null());
    char when[32];
    util_time_iso(when, v->created_at_ms);
    json_object_set_new(o, "created_at", json_string(when));
    util_time_iso(when, v->updated_at_ms);
    json_object_set_new(o, "updated_at", json_string(when));
    json_object_set_new(o, "version", json_integer(v->version));
    return o;
}
