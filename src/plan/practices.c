/* practices: the best-practices knowledge base (see practices.h). Lists (paragraphs, pillars,
 * tags) are checked here and stored as canonical JSON text; each language's texts are a row of
 * plan_practice_texts with their indexed form. The SQL of the two search engines sits side by
 * side in catalog.def. */
#include "plan/practices.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/text.h"
#include "stats/regions.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define PRACTICE_TITLE_MAX 300
#define PRACTICE_SUMMARY_MAX 4000
#define PRACTICE_BODY_MAX 60000
#define PRACTICE_SOURCE_MAX 500
#define PRACTICE_TAGS_MAX 20
#define PRACTICE_TAG_MAX 64
#define PRACTICE_Q_MAX 400u

static const char *const langs[] = {"ar", "en", "es", "fr", "ru", "zh", NULL};
static const char *const statuses[] = {"draft", "published", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- the indexed text ---- */

/* Decodes one UTF-8 code point at *p (advancing it); invalid bytes come back as themselves. */
static unsigned cp_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    size_t n = 1;
    if (c >= 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
        c = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
        n = 4;
    } else if (c >= 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        c = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        n = 3;
    } else if (c >= 0xC0 && (s[1] & 0xC0) == 0x80) {
        c = ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        n = 2;
    }
    *p = s + n;
    return c;
}

static enum status cp_put(struct buf *b, unsigned c)
{
    char o[4];
    size_t n;
    if (c < 0x80) {
        o[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (c >> 18));
        o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return buf_append(b, o, n);
}

static bool cjk(unsigned c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static bool arabic_mark(unsigned c)
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640;
}

char *practices_index_text(const char *s)
{
    struct buf b;
    buf_init(&b, strlen(s) * 3 + 16);
    enum status st = STATUS_OK;
    bool space = true; /* the last byte written was a space (or nothing yet) */
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0' && st == STATUS_OK) {
        unsigned c = cp_next(&p);
        if (arabic_mark(c)) {
            continue;
        }
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (ws) {
            if (!space) {
                st = buf_puts(&b, " ");
            }
            space = true;
        } else if (cjk(c)) {
            if (!space) {
                st = buf_puts(&b, " ");
            }
            if (st == STATUS_OK) {
                st = cp_put(&b, c);
            }
            if (st == STATUS_OK) {
                st = buf_puts(&b, " ");
            }
            space = true;
        } else {
            st = cp_put(&b, c);
            space = false;
        }
    }
    char *out = st == STATUS_OK ? buf_take(&b) : NULL;
    buf_free(&b);
    return out;
}

/* A snippet of the indexed text as people read it: the spaces between two Chinese characters
 * (across the match marks) taken out again, and adjacent marked runs joined. */
static char *despace(const char *s)
{
    struct buf b;
    buf_init(&b, strlen(s) + 16);
    enum status st = STATUS_OK;
    unsigned prev = 0; /* the last code point written other than a mark */
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0' && st == STATUS_OK) {
        unsigned c = cp_next(&p);
        if (c == ' ' && cjk(prev)) {
            const unsigned char *q = p;
            unsigned next = *q != '\0' ? cp_next(&q) : 0;
            while ((next == 0xE000 || next == 0xE001) && *q != '\0') {
                next = cp_next(&q);
            }
            if (cjk(next)) {
                continue;
            }
        }
        st = cp_put(&b, c);
        if (c != 0xE000 && c != 0xE001) {
            prev = c;
        }
    }
    char *out = st == STATUS_OK ? buf_take(&b) : NULL;
    buf_free(&b);
    /* Characters marked one by one (PostgreSQL's headline of a phrase) become one marked run. */
    static const char joint[] = PRACTICE_MARK_STOP PRACTICE_MARK_START;
    for (char *j = out != NULL ? strstr(out, joint) : NULL; j != NULL; j = strstr(j, joint)) {
        memmove(j, j + sizeof joint - 1, strlen(j + sizeof joint - 1) + 1);
    }
    return out;
}

/* The user's words, prepared as the texts are, as a query: each word quoted, a run of Chinese
 * characters one quoted phrase; SQLite joins them with AND, PostgreSQL's websearch_to_tsquery
 * takes them side by side (AND too). No FTS5 or tsquery operator in the input ever reaches the
 * engine. */
static enum status query_text(const char *q, bool fts5, char **out)
{
    char *prep = practices_index_text(q);
    if (prep == NULL) {
        return err_set(STATUS_IO, "out of memory");
    }
    struct buf b;
    buf_init(&b, strlen(prep) * 2 + 64);
    enum status st = STATUS_OK;
    const unsigned char *p = (const unsigned char *)prep;
    bool any = false, in_cjk = false;
    while (*p != '\0' && st == STATUS_OK) {
        while (*p != '\0' && *p < 0x80 && !isalnum(*p)) {
            p++;
        }
        const unsigned char *start = p;
        while (*p != '\0' && (*p >= 0x80 || isalnum(*p))) {
            p++;
        }
        if (p == start) {
            break;
        }
        const unsigned char *t = start;
        bool is_cjk = cjk(cp_next(&t)) && t == p;
        if (is_cjk && in_cjk) {
            st = buf_printf(&b, " %.*s", (int)(p - start), (const char *)start);
            continue;
        }
        if (in_cjk) {
            st = buf_puts(&b, "\"");
            in_cjk = false;
        }
        if (st == STATUS_OK) {
            st = buf_printf(&b, "%s\"%.*s", any ? (fts5 ? " AND " : " ") : "", (int)(p - start), (const char *)start);
        }
        if (st == STATUS_OK && !is_cjk) {
            st = buf_puts(&b, "\"");
        }
        in_cjk = is_cjk;
        any = true;
    }
    if (st == STATUS_OK && in_cjk) {
        st = buf_puts(&b, "\"");
    }
    free(prep);
    if (st == STATUS_OK) {
        *out = strdup(any ? buf_str(&b) : "");
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&b);
    return st;
}

/* ---- input ---- */

struct ptext {
    const char *lang, *title, *summary, *body;
};

struct row {
    const char *lang, *country, *source, *status;
    struct ptext texts[6];
    size_t text_count;
    char *paragraphs, *pillars, *tags; /* JSON text */
    int64_t year;
};

static void row_free(struct row *r)
{
    free(r->paragraphs);
    free(r->pillars);
    free(r->tags);
}

static enum status text_of(const json_t *o, const char *key, const char *field, size_t max, bool required,
                           const char **out)
{
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required) {
            return err_set_field(STATUS_INVALID, field, "%s is required", field);
        }
        *out = "";
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, field, "%s must be a string", field);
    }
    *out = json_string_value(v);
    if (strlen(*out) > max) {
        return err_set_field(STATUS_INVALID, field, "%s is longer than %zu bytes", field, max);
    }
    if (required && (*out)[0] == '\0') {
        return err_set_field(STATUS_INVALID, field, "%s is required", field);
    }
    return STATUS_OK;
}

static enum status ptext_of(const json_t *o, const char *prefix, struct ptext *t)
{
    char f[4][48];
    snprintf(f[0], sizeof f[0], "%slang", prefix);
    snprintf(f[1], sizeof f[1], "%stitle", prefix);
    snprintf(f[2], sizeof f[2], "%ssummary", prefix);
    snprintf(f[3], sizeof f[3], "%sbody", prefix);
    enum status st = text_of(o, "lang", f[0], 2, true, &t->lang);
    if (st == STATUS_OK && !in_list(t->lang, langs)) {
        st = err_set_field(STATUS_INVALID, f[0], "%s must be ar, en, es, fr, ru or zh", f[0]);
    }
    if (st == STATUS_OK) {
        st = text_of(o, "title", f[1], PRACTICE_TITLE_MAX, true, &t->title);
    }
    if (st == STATUS_OK) {
        st = text_of(o, "summary", f[2], PRACTICE_SUMMARY_MAX, false, &t->summary);
    }
    if (st == STATUS_OK) {
        st = text_of(o, "body", f[3], PRACTICE_BODY_MAX, false, &t->body);
    }
    return st;
}

static enum status dump(json_t *j, char **out)
{
    *out = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

static bool json_has_string(const json_t *a, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (strcmp(json_string_value(v), s) == 0) {
            return true;
        }
    }
    return false;
}

static enum status string_list(const json_t *o, const char *key, size_t max_items, size_t max_len, json_t **out)
{
    const json_t *a = json_object_get(o, key);
    *out = json_array();
    if (a == NULL || json_is_null(a)) {
        return STATUS_OK;
    }
    if (!json_is_array(a) || json_array_size(a) > max_items) {
        return err_set_field(STATUS_INVALID, key, "%s must be an array of at most %zu strings", key, max_items);
    }
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max_len) {
            return err_set_field(STATUS_INVALID, key, "%s must hold strings of 1 to %zu bytes", key, max_len);
        }
        if (!json_has_string(*out, json_string_value(v))) {
            json_array_append_new(*out, json_string(json_string_value(v)));
        }
    }
    return STATUS_OK;
}

static const struct plan_paragraph *paragraph_of(const char *id)
{
    size_t n = 0;
    const struct plan_paragraph *ps = plan_data_paragraphs(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ps[i].id, id) == 0) {
            return &ps[i];
        }
    }
    return NULL;
}

static bool pillar_known(const char *s)
{
    size_t n = 0;
    const char *const *ps = plan_pillars(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ps[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static enum status row_from_json(const json_t *in, struct row *r)
{
    memset(r, 0, sizeof *r);
    json_t *paras = NULL, *pillars = NULL, *tags = NULL;
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a practice must be a JSON object");
    }
    enum status st = ptext_of(in, "", &r->texts[0]);
    r->lang = r->texts[0].lang;
    r->text_count = 1;
    const json_t *tr = json_object_get(in, "translations");
    if (st == STATUS_OK && tr != NULL && !json_is_null(tr) && (!json_is_array(tr) || json_array_size(tr) > 5)) {
        st = err_set_field(STATUS_INVALID, "translations", "translations must be an array of at most five texts");
    }
    size_t i;
    const json_t *v;
    json_array_foreach(tr, i, v)
    {
        if (st != STATUS_OK) {
            break;
        }
        if (!json_is_object(v)) {
            st = err_set_field(STATUS_INVALID, "translations", "each translation must be an object");
            break;
        }
        st = ptext_of(v, "translations.", &r->texts[r->text_count]);
        for (size_t k = 0; st == STATUS_OK && k < r->text_count; k++) {
            if (strcmp(r->texts[k].lang, r->texts[r->text_count].lang) == 0) {
                st = err_set_field(STATUS_INVALID, "translations.lang", "one text per language");
            }
        }
        r->text_count++;
    }
    if (st == STATUS_OK) {
        st = text_of(in, "country", "country", 3, false, &r->country);
    }
    if (st == STATUS_OK && r->country[0] != '\0' && !stats_region_listed(r->country)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166 alpha-3 code of the vocabulary");
    }
    if (st == STATUS_OK) {
        st = text_of(in, "source", "source", PRACTICE_SOURCE_MAX, false, &r->source);
    }
    if (st == STATUS_OK) {
        st = text_of(in, "status", "status", 16, false, &r->status);
    }
    if (st == STATUS_OK && r->status[0] == '\0') {
        r->status = "draft";
    }
    if (st == STATUS_OK && !in_list(r->status, statuses)) {
        st = err_set_field(STATUS_INVALID, "status", "status must be draft or published");
    }
    const json_t *y = json_object_get(in, "year");
    if (st == STATUS_OK && y != NULL && !json_is_null(y)) {
        if (!json_is_integer(y) ||
            (json_integer_value(y) != 0 && (json_integer_value(y) < 1900 || json_integer_value(y) > 2100))) {
            st = err_set_field(STATUS_INVALID, "year", "year must be a year between 1900 and 2100");
        } else {
            r->year = json_integer_value(y);
        }
    }
    if (st == STATUS_OK) {
        st = string_list(in, "paragraphs", PLAN_OPERATIVE_COUNT + PLAN_ANNEX_COUNT, 16, &paras);
    }
    json_array_foreach(paras, i, v)
    {
        if (st == STATUS_OK && paragraph_of(json_string_value(v)) == NULL) {
            st = err_set_field(STATUS_INVALID, "paragraphs",
                               "unknown Plan paragraph \"%s\" (op-1..op-7, annex-1..annex-61)", json_string_value(v));
        }
    }
    if (st == STATUS_OK) {
        st = string_list(in, "pillars", 6, 16, &pillars);
    }
    json_array_foreach(pillars, i, v)
    {
        if (st == STATUS_OK && !pillar_known(json_string_value(v))) {
            st = err_set_field(STATUS_INVALID, "pillars", "unknown pillar \"%s\"", json_string_value(v));
        }
    }
    if (st == STATUS_OK && json_array_size(pillars) == 0) { /* the paragraphs' pillars */
        json_array_foreach(paras, i, v)
        {
            const char *pl = paragraph_of(json_string_value(v))->pillar;
            if (!json_has_string(pillars, pl)) {
                json_array_append_new(pillars, json_string(pl));
            }
        }
    }
    if (st == STATUS_OK) {
        st = string_list(in, "tags", PRACTICE_TAGS_MAX, PRACTICE_TAG_MAX, &tags);
    }
    if (st == STATUS_OK) {
        st = dump(paras, &r->paragraphs);
        paras = NULL;
    }
    if (st == STATUS_OK) {
        st = dump(pillars, &r->pillars);
        pillars = NULL;
    }
    if (st == STATUS_OK) {
        st = dump(tags, &r->tags);
        tags = NULL;
    }
    json_decref(paras);
    json_decref(pillars);
    json_decref(tags);
    if (st != STATUS_OK) {
        row_free(r);
    }
    return st;
}

/* ---- output ---- */

static json_t *json_or_array(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    return j != NULL ? j : json_array();
}

static json_t *practice_json(struct store_rows *rs)
{
    return json_pack("{sI ss ss so so so ss sI ss sI sI sI}", "id", (json_int_t)store_rows_i64(rs, 0), "lang",
                     store_rows_text(rs, 1), "country", store_rows_text(rs, 2), "paragraphs",
                     json_or_array(store_rows_text(rs, 3)), "pillars", json_or_array(store_rows_text(rs, 4)), "tags",
                     json_or_array(store_rows_text(rs, 5)), "source", store_rows_text(rs, 6), "year",
                     (json_int_t)store_rows_i64(rs, 7), "status", store_rows_text(rs, 8), "created_at_ms",
                     (json_int_t)store_rows_i64(rs, 9), "updated_at_ms", (json_int_t)store_rows_i64(rs, 10), "version",
                     (json_int_t)store_rows_i64(rs, 11));
}

static enum status load(struct store *s, int64_t id, json_t **out)
{
    struct store_rows *rs = NULL;
    struct sql_value args[] = {SQLV_I64(id)};
    json_t *o = NULL;
    enum status st = store_exec_one(s, STMT_PRACTICE_GET, args, ARRAY_LEN(args), &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such practice");
    }
    if (st == STATUS_OK) {
        o = practice_json(rs);
        st = o != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    store_rows_free(rs);
    rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec(s, STMT_PRACTICE_TEXTS, args, ARRAY_LEN(args), &rs);
    }
    json_t *tr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_t *t = json_pack("{ss ss ss ss}", "lang", store_rows_text(rs, 0), "title", store_rows_text(rs, 2),
                              "summary", store_rows_text(rs, 3), "body", store_rows_text(rs, 4));
        if (store_rows_i64(rs, 1) == 1) {
            json_object_update(o, t);
            json_decref(t);
        } else {
            json_array_append_new(tr, t);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    if (st == STATUS_OK) {
        json_object_set_new(o, "translations", tr);
        *out = o;
    } else {
        json_decref(tr);
        json_decref(o);
    }
    return st;
}

/* ---- writing ---- */

static enum status texts_insert(const struct auth_ctx *ctx, int64_t id, const struct row *r)
{
    enum status st = STATUS_OK;
    for (size_t i = 0; i < r->text_count && st == STATUS_OK; i++) {
        const struct ptext *t = &r->texts[i];
        char *title_idx = practices_index_text(t->title);
        /* the tags as words: ["a","b c"] -> "a b c" */
        char *tags = strdup(r->tags);
        for (char *c = tags; c != NULL && *c != '\0'; c++) {
            if (*c == '[' || *c == ']' || *c == '"' || *c == ',') {
                *c = ' ';
            }
        }
        size_t n = strlen(t->summary) + strlen(t->body) + strlen(r->tags) + strlen(r->source) + 8;
        char *joined = malloc(n);
        char *text_idx = NULL;
        if (joined != NULL && tags != NULL) {
            snprintf(joined, n, "%s\n%s\n%s\n%s", t->summary, t->body, r->source, tags);
            text_idx = practices_index_text(joined);
        }
        free(tags);
        if (title_idx == NULL || text_idx == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        }
        for (int attempt = 0; attempt < 4 && st == STATUS_OK; attempt++) {
            struct sql_value v[] = {SQLV_I64(vault_random_id()), SQLV_I64(id),         sqlv_text(t->lang),
                                    SQLV_I64(i == 0 ? 1 : 0),    sqlv_text(t->title),  sqlv_text(t->summary),
                                    sqlv_text(t->body),          sqlv_text(title_idx), sqlv_text(text_idx)};
            st = store_exec(ctx->store, STMT_PRACTICE_TEXT_INSERT, v, ARRAY_LEN(v), NULL);
            if (st != STATUS_CONFLICT) {
                break;
            }
            st = STATUS_OK;
        }
        free(title_idx);
        free(text_idx);
        free(joined);
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_PRACTICE_FTS_INSERT, v, ARRAY_LEN(v), NULL);
    }
    return st;
}

static void bind_row(struct sql_value *v, const struct row *r)
{
    v[0] = sqlv_text(r->lang);
    v[1] = sqlv_text(r->country);
    v[2] = sqlv_text(r->paragraphs);
    v[3] = sqlv_text(r->pillars);
    v[4] = sqlv_text(r->tags);
    v[5] = sqlv_text(r->source);
    v[6] = SQLV_I64(r->year);
    v[7] = sqlv_text(r->status);
}

enum status practice_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    struct row r;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "record practice");
    if (st != STATUS_OK) {
        return st;
    }
    st = row_from_json(in, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = 0;
    int64_t now = util_now_ms();
    for (int attempt = 0; attempt < 4; attempt++) {
        id = vault_random_id();
        struct sql_value v[11];
        v[0] = SQLV_I64(id);
        bind_row(v + 1, &r);
        v[9] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[10] = SQLV_I64(now);
        st = store_exec(ctx->store, STMT_PRACTICE_INSERT, v, ARRAY_LEN(v), NULL);
        if (st != STATUS_CONFLICT) {
            break;
        }
    }
    if (st == STATUS_OK) {
        st = texts_insert(ctx, id, &r);
    }
    row_free(&r); /* audited once, by auth_check above (one entry per access) */
    if (st == STATUS_OK && out != NULL) {
        st = load(ctx->store, id, out);
    }
    return st;
}

static enum status practice_check(const struct auth_ctx *ctx, const char *perm, bool write, const char *verb,
                                  int64_t id)
{
    char detail[80];
    snprintf(detail, sizeof detail, "%s practice %lld", verb, (long long)id);
    return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
}

enum status practice_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    enum status st = practice_check(ctx, "plan.read", false, "read", id);
    return st == STATUS_OK ? load(ctx->store, id, out) : st;
}

enum status practice_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out)
{
    json_t *cur = NULL;
    struct row r;
    bool have_row = false;
    enum status st = practice_check(ctx, "plan.write", true, "update", id);
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "an update must be a JSON object");
    }
    if (st == STATUS_OK) {
        st = load(ctx->store, id, &cur);
    }
    if (st == STATUS_OK && json_integer_value(json_object_get(cur, "version")) != version) {
        st = err_set(STATUS_CONFLICT, "the practice changed since it was read (version)");
    }
    if (st == STATUS_OK) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)in, key, val)
        {
            if (strcmp(key, "id") != 0 && strcmp(key, "version") != 0 && strcmp(key, "created_at_ms") != 0 &&
                strcmp(key, "updated_at_ms") != 0) {
                json_object_set(cur, key, val);
            }
        }
        if (json_object_get(in, "paragraphs") != NULL && json_object_get(in, "pillars") == NULL) {
            json_object_del(cur, "pillars"); /* taken from the new paragraphs again */
        }
        st = row_from_json(cur, &r);
        have_row = st == STATUS_OK;
    }
    struct sql_value idv[] = {SQLV_I64(id)};
    if (st == STATUS_OK) {
        struct sql_value v[11];
        v[0] = SQLV_I64(id);
        v[1] = SQLV_I64(version);
        bind_row(v + 2, &r);
        v[10] = SQLV_I64(util_now_ms());
        st = store_exec(ctx->store, STMT_PRACTICE_UPDATE, v, ARRAY_LEN(v), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the practice changed since it was read (version)");
        }
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PRACTICE_FTS_DELETE, idv, ARRAY_LEN(idv), NULL);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PRACTICE_TEXTS_DELETE, idv, ARRAY_LEN(idv), NULL);
    }
    if (st == STATUS_OK) {
        st = texts_insert(ctx, id, &r);
    }
    if (have_row) {
        row_free(&r);
    }
    json_decref(cur);
    if (st == STATUS_OK && out != NULL) {
        st = load(ctx->store, id, out);
    }
    return st;
}

/* ---- search ---- */

static enum status query_check(const struct practice_query *q)
{
    if (q->q != NULL && strlen(q->q) > PRACTICE_Q_MAX) {
        return err_set_field(STATUS_INVALID, "q", "the query is longer than %u bytes", PRACTICE_Q_MAX);
    }
    if (q->lang != NULL && q->lang[0] != '\0' && !in_list(q->lang, langs)) {
        return err_set_field(STATUS_INVALID, "lang", "lang must be ar, en, es, fr, ru or zh");
    }
    if (q->pillar != NULL && q->pillar[0] != '\0' && !pillar_known(q->pillar)) {
        return err_set_field(STATUS_INVALID, "pillar", "unknown pillar");
    }
    if (q->paragraph != NULL && q->paragraph[0] != '\0' && paragraph_of(q->paragraph) == NULL) {
        return err_set_field(STATUS_INVALID, "paragraph", "unknown Plan paragraph (op-1..op-7, annex-1..annex-61)");
    }
    if (q->country != NULL && q->country[0] != '\0' && !stats_region_listed(q->country)) {
        return err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166 alpha-3 code");
    }
    if (q->status != NULL && q->status[0] != '\0' && !in_list(q->status, statuses)) {
        return err_set_field(STATUS_INVALID, "status", "status must be draft or published");
    }
    if (q->limit < 0 || q->offset < 0) {
        return err_set(STATUS_INVALID, "limit and offset must not be negative");
    }
    return STATUS_OK;
}

#define OR_EMPTY(s) ((s) != NULL ? (s) : "")

enum status practice_search(const struct auth_ctx *ctx, const struct practice_query *q, json_t **out)
{
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "search practices");
    if (st == STATUS_OK) {
        st = query_check(q);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t limit = q->limit == 0 ? 50 : q->limit;
    if (limit > PRACTICE_SEARCH_ROWS_MAX) {
        limit = PRACTICE_SEARCH_ROWS_MAX;
    }
    char *match = NULL;
    st = query_text(OR_EMPTY(q->q), store_dialect_of(ctx->store) == STORE_SQLITE, &match);
    if (st != STATUS_OK) {
        return st;
    }
    bool ranked = match[0] != '\0';
    struct store_rows *rs = NULL;
    /* A practice matching in several languages counts once (its best text): the engine's rows are
     * read a page further than asked, so that the page is full after the repeats are left out. */
    struct sql_value v[] = {sqlv_text(match),
                            sqlv_text(OR_EMPTY(q->lang)),
                            sqlv_text(OR_EMPTY(q->pillar)),
                            sqlv_text(OR_EMPTY(q->paragraph)),
                            sqlv_text(OR_EMPTY(q->country)),
                            SQLV_I64(ranked ? (limit + q->offset) * 6 : limit),
                            SQLV_I64(ranked ? 0 : q->offset),
                            sqlv_text(PRACTICE_MARK_START),
                            sqlv_text(PRACTICE_MARK_STOP),
                            sqlv_text(OR_EMPTY(q->status))};
    st = store_exec(ctx->store, ranked ? STMT_PRACTICE_SEARCH : STMT_PRACTICE_LIST, v, ARRAY_LEN(v), &rs);
    json_t *arr = json_array(), *seen = json_object();
    int64_t skipped = 0;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)store_rows_i64(rs, 0));
        if (json_object_get(seen, key) != NULL) {
            continue;
        }
        json_object_set_new(seen, key, json_true());
        if (ranked && skipped < q->offset) {
            skipped++;
            continue;
        }
        if ((int64_t)json_array_size(arr) >= limit) {
            continue;
        }
        json_t *o = practice_json(rs);
        char *snip = despace(store_rows_text(rs, 14));
        if (o == NULL || snip == NULL) {
            json_decref(o);
            free(snip);
            st = err_set(STATUS_IO, "out of memory");
            break;
        }
        json_object_set_new(o, "match_lang", json_string(store_rows_text(rs, 12)));
        json_object_set_new(o, "rank", json_real(store_rows_f64(rs, 13)));
        json_object_set_new(o, "snippet", json_string(snip));
        json_object_set_new(o, "title", json_string(store_rows_text(rs, 15)));
        json_object_set_new(o, "summary", json_string(store_rows_text(rs, 16)));
        free(snip);
        json_array_append_new(arr, o);
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    json_decref(seen);
    free(match);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status practices_count(const struct auth_ctx *ctx, int from_year, int to_year, json_t **out)
{
    struct store_rows *rs = NULL;
    struct sql_value v[] = {SQLV_I64(from_year), SQLV_I64(to_year)};
    enum status st = store_exec(ctx->store, STMT_PRACTICE_PILLARS_IN, v, ARRAY_LEN(v), &rs);
    json_t *counts = json_object();
    int64_t total = 0;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        total++;
        json_t *a = json_or_array(store_rows_text(rs, 0));
        size_t i;
        json_t *p;
        json_array_foreach(a, i, p)
        {
            const char *k = json_string_value(p);
            json_object_set_new(counts, k, json_integer(json_integer_value(json_object_get(counts, k)) + 1));
        }
        json_decref(a);
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = json_pack("{sIso}", "total", (json_int_t)total, "by_pillar", counts);
    } else {
        json_decref(counts);
    }
    return st;
}
