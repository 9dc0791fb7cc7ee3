/* assist_rec: the record engine of assistance and legal status (see assist_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "referral/assist_int.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static void text_free(char *s)
{
    if (s != NULL) {
        vault_plain_free(s, strlen(s));
    }
}

static void value_clear(struct arec_value *v)
{
    text_free(v->s);
    free(v->blob);
    memset(v, 0, sizeof *v);
}

void arec_init(struct arec *r, const struct arec_type *t)
{
    memset(r, 0, sizeof *r);
    r->type = t;
}

void arec_clear(struct arec *r)
{
    const struct arec_type *t = r->type;
    for (size_t i = 0; i < AREC_FIELDS_MAX; i++) {
        value_clear(&r->v[i]);
    }
    arec_init(r, t);
}

void arecs_free(struct arec *r, size_t count)
{
    for (size_t i = 0; r && i < count; i++) {
        arec_clear(&r[i]);
    }
    free(r);
}

int arec_field_index(const struct arec_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++) {
        if (strcmp(t->fields[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *arec_str(const struct arec *r, const char *name)
{
    int i = arec_field_index(r->type, name);
    return i >= 0 && r->v[i].s ? r->v[i].s : "";
}

bool arec_date_valid(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
            return false;
        }
    }
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) {
        return false;
    }
    int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

int64_t arec_date_ms(const char *s)
{
    /* Days from the civil date (H. Hinnant's algorithm). */
    int64_t y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400000LL;
}

static bool is_meta(const struct arec_type *t, const char *key)
{
    static const char *const meta[] = {"id", "case_id", "version", "withheld", "created_at", "updated_at", NULL};
    for (size_t i = 0; meta[i]; i++) {
        if (strcmp(meta[i], key) == 0) {
            return true;
        }
    }
    return t->parent != NULL && strcmp(t->parent, key) == 0;
}

/* Parses one member into v. */
static enum status value_parse(const struct arec_field *f, const json_t *j, struct arec_value *v)
{
    const char *name = f->name;
    value_clear(v);
    if (json_is_null(j)) {
        return STATUS_OK;
    }
    switch (f->kind) {
    case AF_BOOL:
        if (!json_is_boolean(j)) {
            return err_set_field(STATUS_INVALID, name, "%s: true or false", name);
        }
        v->n = json_is_true(j);
        return STATUS_OK;
    case AF_ID:
    case AF_MONEY: {
        if (!json_is_integer(j)) {
            return err_set_field(STATUS_INVALID, name, "%s: %s", name,
                                 f->kind == AF_MONEY ? "an integer amount in minor units" : "a record id");
        }
        json_int_t n = json_integer_value(j);
        if (f->kind == AF_ID ? n <= 0 : (n < 0 || n > AREC_MONEY_MAX)) {
            return err_set_field(STATUS_INVALID, name, "%s: %s", name,
                                 f->kind == AF_MONEY ? "an amount from 0 to 10^15 minor units" : "a positive id");
        }
        v->n = n;
        v->set = true;
        return STATUS_OK;
    }
    default: break;
    }
    if (!json_is_string(j)) {
        return err_set_field(STATUS_INVALID, name, "%s: a text value", name);
    }
    const char *s = json_string_value(j);
    size_t n = strlen(s);
    if (n == 0) {
        return STATUS_OK;
    }
    size_t max = f->kind == AF_SEALED ? CASE_RECORD_TEXT_BYTES_MAX : f->kind == AF_TEXT ? NAME_BYTES_MAX : 256;
    if (n > max) {
        return err_set_field(STATUS_INVALID, name, "%s: at most %zu bytes", name, max);
    }
    if (!util_utf8_valid(s, n)) {
        return err_set_field(STATUS_INVALID, name, "%s: not valid UTF-8 text", name);
    }
    const char *code = NULL;
    char cur[4];
    switch (f->kind) {
    case AF_CODE:
    case AF_COUNTRY: {
        const char *vocab = f->kind == AF_CODE ? f->vocab : "country";
        if (vocab_parse(vocab, s, &code) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, name, "%s: not a code of %s", name, vocab);
        }
        v->s = xstrdup(code);
        return STATUS_OK;
    }
    case AF_DATE:
        if (!arec_date_valid(s)) {
            return err_set_field(STATUS_INVALID, name, "%s: a date YYYY-MM-DD", name);
        }
        break;
    case AF_CURRENCY:
        if (n != 3) {
            return err_set_field(STATUS_INVALID, name, "%s: an ISO 4217 code of three letters", name);
        }
        for (int i = 0; i < 3; i++) {
            char c = s[i];
            if (c >= 'a' && c <= 'z') {
                c = (char)(c - 'a' + 'A');
            }
            if (c < 'A' || c > 'Z') {
                return err_set_field(STATUS_INVALID, name, "%s: an ISO 4217 code of three letters", name);
            }
            cur[i] = c;
        }
        cur[3] = '\0';
        s = cur;
        break;
    default: break;
    }
    v->s = xstrdup(s);
    return STATUS_OK;
}

static bool value_empty(const struct arec_field *f, const struct arec_value *v)
{
    return (f->kind == AF_ID || f->kind == AF_MONEY) ? !v->set : f->kind == AF_BOOL ? false : v->s == NULL;
}

enum status arec_from_json(struct arec *r, const json_t *o, bool partial)
{
    const struct arec_type *t = r->type;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a %s is a JSON object", t->name);
    }
    if (!partial) {
        arec_clear(r);
    }
    r->mask = 0;
    const char *key;
    json_t *j;
    json_object_foreach((json_t *)o, key, j)
    {
        int i = arec_field_index(t, key);
        if (i < 0) {
            if (is_meta(t, key)) {
                continue;
            }
            return err_set_field(STATUS_INVALID, key, "%s: no such member", key);
        }
        enum status st = value_parse(&t->fields[i], j, &r->v[i]);
        if (st != STATUS_OK) {
            return st;
        }
        r->mask |= 1u << i;
    }
    for (size_t i = 0; i < t->nfields; i++) {
        const struct arec_field *f = &t->fields[i];
        if (!partial && f->dflt && r->v[i].s == NULL) {
            r->v[i].s = xstrdup(f->dflt);
        }
        bool given = !partial || (r->mask & (1u << i));
        if (given && f->required && value_empty(f, &r->v[i])) {
            return err_set_field(STATUS_INVALID, f->name, "%s: required%s%s", f->name, f->vocab ? ", a code of " : "",
                                 f->vocab ? f->vocab : "");
        }
    }
    return STATUS_OK;
}

json_t *arec_to_json(const struct arec *r)
{
    const struct arec_type *t = r->type;
    json_t *o = json_object();
    char ts[32];
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "case_id", json_integer(r->case_id));
    if (t->parent) {
        json_object_set_new(o, t->parent, json_integer(r->parent_id));
    }
    json_t *w = json_array();
    for (size_t i = 0; i < t->nfields; i++) {
        const struct arec_field *f = &t->fields[i];
        const struct arec_value *v = &r->v[i];
        json_t *j;
        if (f->kind == AF_BOOL) {
            j = json_boolean(v->n);
        } else if (f->kind == AF_ID || f->kind == AF_MONEY) {
            j = v->set ? json_integer(v->n) : json_null();
        } else {
            j = v->s ? json_string(v->s) : json_null();
        }
        json_object_set_new(o, f->name, j);
        if (r->withheld & (1u << i)) {
            json_array_append_new(w, json_string(f->name));
        }
    }
    util_time_iso(ts, r->created_at_ms);
    json_object_set_new(o, "created_at", json_string(ts));
    util_time_iso(ts, r->updated_at_ms);
    json_object_set_new(o, "updated_at", json_string(ts));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "withheld", w);
    return o;
}

/* Access. */

static enum auth_field_group sealed_group(const struct arec *r)
{
    return r->type->sealed_group ? r->type->sealed_group(r) : r->type->group;
}

static enum auth_field_group row_group(const struct arec *r)
{
    return r->type->row_group ? r->type->row_group(r) : AUTH_FG_NONE;
}

struct access {
    const struct auth_ctx *ctx;
    struct auth_record rec;
    int64_t case_version;
    bool write;
    const char *detail;
    bool done[AUTH_FG__COUNT];
};

/* Checks group g once per operation (one audit entry per group). */
static enum status group_check(struct access *a, enum auth_field_group g)
{
    if (g == AUTH_FG_NONE || a->done[g]) {
        return STATUS_OK;
    }
    a->done[g] = true;
    return auth_check(a->ctx, a->write ? "case.write" : "case.read", &a->rec, g, a->write, a->detail);
}

static bool group_allowed(const struct access *a, enum auth_field_group g)
{
    return g == AUTH_FG_NONE || auth_field_allowed(a->ctx->who, g, a->write);
}

static enum status reach(struct access *a, const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id,
                         bool write, const char *detail)
{
    memset(a, 0, sizeof *a);
    a->ctx = ctx;
    a->write = write;
    a->detail = detail;
    enum status st =
        case_reach(ctx, case_id, write ? "case.write" : "case.read", write, detail, &a->rec, &a->case_version);
    if (st == STATUS_OK && write) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK) {
        st = group_check(a, t->group);
    }
    return st;
}

/* Rows. */

static size_t first_field_col(const struct arec_type *t)
{
    return t->parent ? 3 : 2;
}

static enum status row_read(struct store_rows *rows, const struct arec_type *t, struct arec *r)
{
    arec_init(r, t);
    r->id = store_rows_i64(rows, 0);
    r->case_id = store_rows_i64(rows, 1);
    if (t->parent) {
        r->parent_id = store_rows_i64(rows, 2);
    }
    size_t c = first_field_col(t);
    for (size_t i = 0; i < t->nfields; i++, c++) {
        struct arec_value *v = &r->v[i];
        switch (t->fields[i].kind) {
        case AF_BOOL: v->n = store_rows_i64(rows, c) != 0; break;
        case AF_ID:
        case AF_MONEY:
            v->set = !store_rows_is_null(rows, c);
            v->n = v->set ? store_rows_i64(rows, c) : 0;
            break;
        case AF_SEALED: {
            size_t len = 0;
            const uint8_t *b = store_rows_blob(rows, c, &len);
            if (b != NULL && len > 0) {
                v->blob = xmalloc(len);
                memcpy(v->blob, b, len);
                v->blob_len = len;
            }
            break;
        }
        default: {
            const char *s = store_rows_text(rows, c);
            v->s = s && s[0] ? xstrdup(s) : NULL;
            break;
        }
        }
    }
    r->created_at_ms = store_rows_i64(rows, c);
    r->updated_at_ms = store_rows_i64(rows, c + 1);
    r->version = store_rows_i64(rows, c + 2);
    return STATUS_OK;
}

/* Opens the sealed values the reader may see; the others are withheld. */
static enum status row_open(struct access *a, struct arec *r)
{
    const struct arec_type *t = r->type;
    enum auth_field_group g = sealed_group(r);
    bool allowed = group_allowed(a, g);
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < t->nfields; i++) {
        struct arec_value *v = &r->v[i];
        if (t->fields[i].kind != AF_SEALED || v->blob == NULL) {
            continue;
        }
        if (!allowed) {
            r->withheld |= 1u << i;
        } else {
            st = group_check(a, g);
            char col[64];
            snprintf(col, sizeof col, "%s_enc", t->fields[i].name);
            struct vault_ad ad = {t->table, col, r->id};
            size_t plen = 0;
            if (st == STATUS_OK) {
                st = vault_unseal(a->ctx->vault, &v->s, &plen, &ad, v->blob, v->blob_len);
            }
        }
        free(v->blob);
        v->blob = NULL;
        v->blob_len = 0;
    }
    return st;
}

/* Statement arguments: id, case_id or version, [parent], values..., now. sealed[i] holds the
 * envelopes made here. */
static enum status args_build(const struct auth_ctx *ctx, const struct arec *r, uint32_t reseal, struct sql_value *a,
                              size_t *n, uint8_t **sealed)
{
    const struct arec_type *t = r->type;
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < t->nfields; i++) {
        const struct arec_value *v = &r->v[i];
        struct sql_value x = SQLV_NULL;
        switch (t->fields[i].kind) {
        case AF_BOOL: x = SQLV_I64(v->n ? 1 : 0); break;
        case AF_ID:
        case AF_MONEY: x = v->set ? SQLV_I64(v->n) : SQLV_NULL; break;
        case AF_SEALED:
            if (reseal & (1u << i)) {
                if (v->s && v->s[0]) {
                    char col[64];
                    snprintf(col, sizeof col, "%s_enc", t->fields[i].name);
                    struct vault_ad ad = {t->table, col, r->id};
                    size_t len = 0;
                    st = vault_seal(ctx->vault, &sealed[i], &len, &ad, v->s, strlen(v->s));
                    if (st == STATUS_OK) {
                        x = SQLV_BLOB(sealed[i], len);
                    }
                }
            } else if (v->blob) {
                x = SQLV_BLOB(v->blob, v->blob_len);
            }
            break;
        default: x = sqlv_text(v->s ? v->s : ""); break;
        }
        a[(*n)++] = x;
    }
    a[(*n)++] = SQLV_I64(util_now_ms());
    return st;
}

static void value_text(const struct arec_field *f, const struct arec_value *v, char *out, size_t cap)
{
    if (f->kind == AF_BOOL) {
        snprintf(out, cap, "%s", v->n ? "true" : "false");
    } else if (f->kind == AF_ID || f->kind == AF_MONEY) {
        if (v->set) {
            snprintf(out, cap, "%lld", (long long)v->n);
        } else {
            out[0] = '\0';
        }
    } else {
        snprintf(out, cap, "%s", v->s ? v->s : "");
    }
}

/* One history entry on the case: clear values from and to, names only for sealed ones. */
static enum status history(struct access *a, const char *action, const struct arec *from, const struct arec *to,
                           uint32_t sealed_changed)
{
    const struct arec_type *t = to->type;
    json_t *ch = json_object();
    char key[160], x[300], y[300];
    for (size_t i = 0; i < t->nfields; i++) {
        const struct arec_field *f = &t->fields[i];
        snprintf(key, sizeof key, "%s/%lld/%s", t->prefix, (long long)to->id, f->name);
        if (f->kind == AF_SEALED) {
            if (sealed_changed & (1u << i)) {
                json_object_set_new(ch, key, json_string("changed"));
            }
            continue;
        }
        x[0] = '\0';
        if (from) {
            value_text(f, &from->v[i], x, sizeof x);
        }
        value_text(f, &to->v[i], y, sizeof y);
        if (strcmp(x, y) != 0) {
            json_object_set_new(ch, key, json_pack("{ssss}", "from", x, "to", y));
        }
    }
    char *text = json_dumps(ch, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(ch);
    const struct auth_ctx *ctx = a->ctx;
    struct sql_value v[] = {SQLV_I64(vault_random_id()),
                            SQLV_I64(to->case_id),
                            SQLV_I64(a->case_version),
                            SQLV_I64(util_now_ms()),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            sqlv_text(ctx->who->username),
                            sqlv_text(action),
                            sqlv_text(text ? text : "{}")};
    enum status st = store_exec(ctx->store, STMT_CASE_VERSION_INSERT, v, ARRAY_LEN(v), NULL);
    free(text);
    return st;
}

/* The write checks of a record as it will be stored. */
static enum status write_groups(struct access *a, const struct arec *r, bool sealed_written)
{
    enum status st = group_check(a, row_group(r));
    if (st == STATUS_OK && sealed_written) {
        st = group_check(a, sealed_group(r));
    }
    return st;
}

static uint32_t sealed_given(const struct arec *r, uint32_t mask)
{
    uint32_t m = 0;
    for (size_t i = 0; i < r->type->nfields; i++) {
        if (r->type->fields[i].kind == AF_SEALED && (mask & (1u << i))) {
            m |= 1u << i;
        }
    }
    return m;
}

enum status arec_add(const struct auth_ctx *ctx, int64_t case_id, int64_t parent_id, const struct arec *in,
                     int64_t *id_out)
{
    const struct arec_type *t = in->type;
    char detail[64], action[64];
    snprintf(detail, sizeof detail, "add %s", t->name);
    snprintf(action, sizeof action, "%s.add", t->name);
    struct access a;
    enum status st = reach(&a, ctx, t, case_id, true, detail);
    struct arec r;
    arec_init(&r, t);
    r.id = vault_random_id();
    r.case_id = case_id;
    r.parent_id = parent_id;
    uint32_t all = 0;
    for (size_t i = 0; i < t->nfields; i++) {
        r.v[i] = in->v[i];
        if (t->fields[i].kind == AF_SEALED && in->v[i].s && in->v[i].s[0]) {
            all |= 1u << i;
        }
    }
    if (st == STATUS_OK && t->check) {
        st = t->check(&r);
    }
    if (st == STATUS_OK) {
        st = write_groups(&a, &r, all != 0);
    }
    uint8_t *sealed[AREC_FIELDS_MAX] = {NULL};
    struct sql_value args[AREC_FIELDS_MAX + 4];
    size_t n = 0;
    args[n++] = SQLV_I64(r.id);
    args[n++] = SQLV_I64(case_id);
    if (t->parent) {
        args[n++] = SQLV_I64(parent_id);
    }
    if (st == STATUS_OK) {
        st = args_build(ctx, &r, all, args, &n, sealed);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, t->ins, args, n, NULL);
    }
    if (st == STATUS_OK) {
        st = history(&a, action, NULL, &r, all);
    }
    if (st == STATUS_OK && t->after) {
        st = t->after(ctx, &a.rec, NULL, &r);
    }
    for (size_t i = 0; i < AREC_FIELDS_MAX; i++) {
        free(sealed[i]);
    }
    if (st == STATUS_OK && id_out) {
        *id_out = r.id;
    }
    memset(r.v, 0, sizeof r.v); /* borrowed from in */
    return st;
}

enum status arec_list(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t parent_id,
                      struct arec **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    char detail[64];
    snprintf(detail, sizeof detail, "list %s", t->name);
    struct access a;
    enum status st = reach(&a, ctx, t, case_id, false, detail);
    struct sql_value k[] = {SQLV_I64(case_id)};
    struct store_rows *rows = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, t->list, k, 1, &rows);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct arec *p = xcalloc(cap, sizeof *p);
    while ((st = store_rows_next(rows)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            p = xrealloc(p, cap * sizeof *p);
        }
        row_read(rows, t, &p[n]);
        enum auth_field_group g = row_group(&p[n]);
        if ((parent_id != 0 && p[n].parent_id != parent_id) || !group_allowed(&a, g)) {
            arec_clear(&p[n]);
            continue;
        }
        st = group_check(&a, g);
        if (st == STATUS_OK) {
            st = row_open(&a, &p[n]);
        }
        n++;
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(rows);
    if (st != STATUS_DONE) {
        arecs_free(p, n);
        return st;
    }
    *out = p;
    *count_out = n;
    return STATUS_OK;
}

/* The stored row of (case, id), sealed values as stored. */
static enum status row_get(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t id,
                           struct arec *out)
{
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *rows = NULL;
    enum status st = store_exec_one(ctx->store, t->get, k, 2, &rows);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such %s", t->name);
    }
    if (st == STATUS_OK) {
        row_read(rows, t, out);
    }
    store_rows_free(rows);
    return st;
}

enum status arec_get(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t id,
                     struct arec *out)
{
    arec_init(out, t);
    char detail[64];
    snprintf(detail, sizeof detail, "read %s", t->name);
    struct access a;
    enum status st = reach(&a, ctx, t, case_id, false, detail);
    if (st == STATUS_OK) {
        st = row_get(ctx, t, case_id, id, out);
    }
    if (st == STATUS_OK && !group_allowed(&a, row_group(out))) {
        st = err_set(STATUS_NOT_FOUND, "no such %s", t->name);
    }
    if (st == STATUS_OK) {
        st = group_check(&a, row_group(out));
    }
    if (st == STATUS_OK) {
        st = row_open(&a, out);
    }
    if (st != STATUS_OK) {
        arec_clear(out);
    }
    return st;
}

enum status arec_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                        const struct arec *in)
{
    const struct arec_type *t = in->type;
    char detail[64], action[64];
    snprintf(detail, sizeof detail, "update %s", t->name);
    snprintf(action, sizeof action, "%s.update", t->name);
    struct access a;
    struct arec cur, nw;
    arec_init(&cur, t);
    arec_init(&nw, t);
    enum status st = reach(&a, ctx, t, case_id, true, detail);
    if (st == STATUS_OK) {
        st = row_get(ctx, t, case_id, id, &cur);
    }
    /* A row hidden from the reader stays hidden from a writer without the group. */
    if (st == STATUS_OK && !auth_field_allowed(ctx->who, row_group(&cur), false)) {
        st = err_set(STATUS_NOT_FOUND, "no such %s", t->name);
    }
    if (st == STATUS_OK && cur.version != expected_version) {
        st = err_set(STATUS_CONFLICT, "the %s was changed by someone else", t->name);
    }
    uint32_t reseal = sealed_given(in, in->mask);
    if (st == STATUS_OK) {
        /* The old row's group (a service changing type) and the new one's. */
        st = write_groups(&a, &cur, false);
    }
    if (st == STATUS_OK) {
        nw.id = cur.id;
        nw.case_id = cur.case_id;
        nw.parent_id = cur.parent_id;
        for (size_t i = 0; i < t->nfields; i++) {
            const struct arec_value *src = (in->mask & (1u << i)) ? &in->v[i] : &cur.v[i];
            nw.v[i].s = src->s ? xstrdup(src->s) : NULL;
            nw.v[i].n = src->n;
            nw.v[i].set = src->set;
            if (src->blob) {
                nw.v[i].blob = xmalloc(src->blob_len);
                memcpy(nw.v[i].blob, src->blob, src->blob_len);
                nw.v[i].blob_len = src->blob_len;
            }
        }
        if (t->check) {
            st = t->check(&nw);
        }
    }
    if (st == STATUS_OK) {
        st = write_groups(&a, &nw, reseal != 0);
    }
    uint8_t *sealed[AREC_FIELDS_MAX] = {NULL};
    struct sql_value args[AREC_FIELDS_MAX + 4];
    size_t n = 0;
    args[n++] = SQLV_I64(id);
    args[n++] = SQLV_I64(expected_version);
    if (st == STATUS_OK) {
        st = args_build(ctx, &nw, reseal, args, &n, sealed);
    }
    if (st == STATUS_OK) {
        struct store_rows *u = NULL;
        st = store_exec_one(ctx->store, t->upd, args, n, &u);
        store_rows_free(u);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the %s was changed by someone else", t->name);
        }
    }
    if (st == STATUS_OK) {
        st = history(&a, action, &cur, &nw, reseal);
    }
    if (st == STATUS_OK && t->after) {
        st = t->after(ctx, &a.rec, &cur, &nw);
    }
    for (size_t i = 0; i < AREC_FIELDS_MAX; i++) {
        free(sealed[i]);
    }
    arec_clear(&cur);
    arec_clear(&nw);
    return st;
}

enum status arec_purge(const struct auth_ctx *ctx, enum stmt purge, int64_t case_id, int64_t *items)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, purge, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        (*items)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}
