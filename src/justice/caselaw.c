/* caselaw: court decisions as a case-law collection (see caselaw.h). Charges, sentences and
 * countries are checked here and stored as canonical JSON text; charges_text (articles and forms)
 * feeds the full-text index. The SQL of the two search engines sits side by side in catalog.def. */
#include "justice/caselaw.h"
#include "justice/investigation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "util/jsonin.h"

#define CASELAW_TEXT_MAX 200
#define CASELAW_SUMMARY_MAX 20000
#define CASELAW_LIST_MAX 64
#define CASELAW_Q_MAX 400u

static bool in_list(const char *code, const char *const *list)
{
    for (size_t i = 0; code != NULL && list[i] != NULL; i++) {
        if (strcmp(code, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool caselaw_form_known(const char *code)
{
    static const char *const l[] = {
        "sexual_exploitation", "forced_labour",  "slavery",         "servitude", "organ_removal",
        "forced_criminality",  "forced_begging", "forced_marriage", "other",     NULL};
    return in_list(code, l);
}

static const char *const levels[] = {"first_instance", "appeal", "supreme", "other", NULL};
static const char *const verdicts[] = {"convicted", "acquitted", "partly", "other", NULL};
static const char *const roles[] = {"origin", "transit", "destination", NULL};
static const char *const victim_keys[] = {"female_child", "female_adult", "male_child",
                                          "male_adult",   "other_child",  "other_adult"};

static bool upper3(const char *s)
{
    return s != NULL && strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

static bool date_ok(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    int m = atoi(s + 5), d = atoi(s + 8);
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* A decision checked and ready to bind: texts borrowed from the JSON, lists owned. */
struct row {
    const char *court_name, *court_level, *country, *decision_date, *case_number, *summary, *verdict, *source,
        *language;
    char *charges, *charges_text, *sentences, *forms, *countries;
    int64_t victims[6];
    int64_t investigation_id; /* 0: none */
};

static void row_free(struct row *r)
{
    free(r->charges);
    free(r->charges_text);
    free(r->sentences);
    free(r->forms);
    free(r->countries);
}

static enum status dump(const json_t *j, char **out)
{
    *out = json_dumps(j, JSON_COMPACT);
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

static enum status array_of(const json_t *o, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        *out = NULL;
        return STATUS_OK;
    }
    if (!json_is_array(v) || json_array_size(v) > CASELAW_LIST_MAX) {
        return err_set_field(STATUS_INVALID, key, "%s must be an array of at most %d items", key, CASELAW_LIST_MAX);
    }
    *out = v;
    return STATUS_OK;
}

static enum status charges_check(const json_t *a, struct row *r)
{
    json_t *clean = json_array();
    struct buf text;
    buf_init(&text, 64 * 1024);
    enum status st = STATUS_OK;
    size_t i;
    const json_t *c;
    json_array_foreach(a, i, c)
    {
        const char *article = NULL, *form = NULL;
        if (!json_is_object(c)) {
            st = err_set_field(STATUS_INVALID, "charges", "each charge must be an object");
            break;
        }
        st = util_json_text(c, "article", CASELAW_TEXT_MAX, false, &article);
        if (st == STATUS_OK) {
            st = util_json_text(c, "form", CASELAW_TEXT_MAX, true, &form);
        }
        if (st == STATUS_OK && !caselaw_form_known(form)) {
            st = err_set_field(STATUS_INVALID, "charges", "unknown form of exploitation in a charge");
        }
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(clean, json_pack("{ssss}", "article", article, "form", form));
        st = buf_printf(&text, "%s%s %s", i > 0 ? "; " : "", article, form);
        if (st != STATUS_OK) {
            break;
        }
    }
    if (st == STATUS_OK) {
        st = dump(clean, &r->charges);
    }
    if (st == STATUS_OK) {
        r->charges_text = strdup(buf_str(&text));
        st = r->charges_text != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&text);
    json_decref(clean);
    return st;
}

static enum status int_of(const json_t *o, const char *key, const char *field, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return err_set_field(STATUS_INVALID, field, "%s must be a whole number, zero or more", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

static enum status sentences_check(const json_t *a, struct row *r)
{
    json_t *clean = json_array();
    enum status st = STATUS_OK;
    size_t i;
    const json_t *s;
    json_array_foreach(a, i, s)
    {
        const char *label = NULL, *currency = NULL;
        int64_t months = 0, fine = 0;
        if (!json_is_object(s)) {
            st = err_set_field(STATUS_INVALID, "sentences", "each sentence must be an object");
            break;
        }
        st = util_json_text(s, "defendant", CASELAW_TEXT_MAX, true, &label);
        if (st == STATUS_OK) {
            st = int_of(s, "imprisonment_months", "sentences", &months);
        }
        if (st == STATUS_OK) {
            st = int_of(s, "fine_amount", "sentences", &fine);
        }
        if (st == STATUS_OK) {
            st = util_json_text(s, "fine_currency", 3, false, &currency);
        }
        if (st == STATUS_OK && (fine > 0 || currency[0] != '\0') && !upper3(currency)) {
            st = err_set_field(STATUS_INVALID, "sentences", "a fine needs an ISO 4217 currency code");
        }
        const json_t *conf = json_object_get(s, "confiscation");
        if (st == STATUS_OK && conf != NULL && !json_is_boolean(conf)) {
            st = err_set_field(STATUS_INVALID, "sentences", "confiscation must be true or false");
        }
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(clean, json_pack("{sssIsIsssb}", "defendant", label, "imprisonment_months",
                                               (json_int_t)months, "fine_amount", (json_int_t)fine, "fine_currency",
                                               currency, "confiscation", json_is_true(conf)));
    }
    if (st == STATUS_OK) {
        st = dump(clean, &r->sentences);
    }
    json_decref(clean);
    return st;
}

static enum status forms_check(const json_t *a, struct row *r)
{
    struct buf b;
    buf_init(&b, 4096);
    enum status st = STATUS_OK;
    size_t i;
    const json_t *f;
    json_array_foreach(a, i, f)
    {
        if (!json_is_string(f) || !caselaw_form_known(json_string_value(f))) {
            st = err_set_field(STATUS_INVALID, "forms", "unknown form of exploitation");
            break;
        }
        st = buf_printf(&b, "%s%s", i > 0 ? "," : "", json_string_value(f));
        if (st != STATUS_OK) {
            break;
        }
    }
    if (st == STATUS_OK) {
        r->forms = strdup(buf_str(&b));
        st = r->forms != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&b);
    return st;
}

static enum status countries_check(const json_t *a, struct row *r)
{
    json_t *clean = json_array();
    enum status st = STATUS_OK;
    size_t i;
    const json_t *c;
    json_array_foreach(a, i, c)
    {
        const char *country = NULL, *role = NULL;
        st = json_is_object(c) ? STATUS_OK
                               : err_set_field(STATUS_INVALID, "countries", "each country must be an object");
        if (st == STATUS_OK) {
            st = util_json_text(c, "country", 3, true, &country);
        }
        if (st == STATUS_OK) {
            st = util_json_text(c, "role", 20, true, &role);
        }
        if (st == STATUS_OK && (!upper3(country) || !in_list(role, roles))) {
            st = err_set_field(STATUS_INVALID, "countries",
                               "a country needs an ISO 3166 alpha-3 code and a role (origin, transit, destination)");
        }
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(clean, json_pack("{ssss}", "country", country, "role", role));
    }
    if (st == STATUS_OK) {
        st = dump(clean, &r->countries);
    }
    json_decref(clean);
    return st;
}

static enum status row_from_json(const json_t *in, struct row *r)
{
    memset(r, 0, sizeof *r);
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a court decision must be a JSON object");
    }
    enum status st = util_json_text(in, "court_name", CASELAW_TEXT_MAX, true, &r->court_name);
    if (st == STATUS_OK) {
        st = util_json_text(in, "court_level", 20, true, &r->court_level);
    }
    if (st == STATUS_OK && !in_list(r->court_level, levels)) {
        st = err_set_field(STATUS_INVALID, "court_level",
                           "court_level must be first_instance, appeal, supreme or other");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "country", 3, true, &r->country);
    }
    if (st == STATUS_OK && !upper3(r->country)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166 alpha-3 code");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "decision_date", 10, true, &r->decision_date);
    }
    if (st == STATUS_OK && !date_ok(r->decision_date)) {
        st = err_set_field(STATUS_INVALID, "decision_date", "decision_date must be YYYY-MM-DD");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "case_number", CASELAW_TEXT_MAX, false, &r->case_number);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "summary", CASELAW_SUMMARY_MAX, false, &r->summary);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "verdict", 20, true, &r->verdict);
    }
    if (st == STATUS_OK && !in_list(r->verdict, verdicts)) {
        st = err_set_field(STATUS_INVALID, "verdict", "verdict must be convicted, acquitted, partly or other");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "source", 2000, false, &r->source);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "language", 16, false, &r->language);
    }
    const json_t *a = NULL;
    if (st == STATUS_OK) {
        st = array_of(in, "charges", &a);
    }
    if (st == STATUS_OK) {
        st = charges_check(a, r);
    }
    if (st == STATUS_OK) {
        st = array_of(in, "sentences", &a);
    }
    if (st == STATUS_OK) {
        st = sentences_check(a, r);
    }
    if (st == STATUS_OK) {
        st = array_of(in, "forms", &a);
    }
    if (st == STATUS_OK) {
        st = forms_check(a, r);
    }
    if (st == STATUS_OK) {
        st = array_of(in, "countries", &a);
    }
    if (st == STATUS_OK) {
        st = countries_check(a, r);
    }
    const json_t *v = json_object_get(in, "victims");
    if (st == STATUS_OK && v != NULL && !json_is_null(v) && !json_is_object(v)) {
        st = err_set_field(STATUS_INVALID, "victims", "victims must be an object of counts");
    }
    for (size_t i = 0; st == STATUS_OK && i < 6; i++) {
        st = int_of(v, victim_keys[i], "victims", &r->victims[i]);
    }
    const json_t *inv = json_object_get(in, "investigation_id");
    if (st == STATUS_OK && inv != NULL && !json_is_null(inv)) {
        if (!json_is_integer(inv) || json_integer_value(inv) <= 0) {
            st = err_set_field(STATUS_INVALID, "investigation_id", "investigation_id must be a positive id");
        } else {
            r->investigation_id = json_integer_value(inv);
        }
    }
    if (st != STATUS_OK) {
        row_free(r);
        memset(r, 0, sizeof *r);
    }
    return st;
}

/* Reading rows: the column order of CASELAW_COLS, then rank and snippet when ranked. */
static json_t *json_or_array(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    return j != NULL ? j : json_array();
}

static json_t *decision_json(struct store_rows *rs, bool ranked)
{
    json_t *forms = json_array();
    const char *f = store_rows_text(rs, 16);
    while (*f != '\0') {
        const char *end = strchr(f, ',');
        size_t n = end != NULL ? (size_t)(end - f) : strlen(f);
        json_array_append_new(forms, json_stringn(f, n));
        f += n + (end != NULL ? 1 : 0);
    }
    json_t *victims = json_object();
    for (size_t i = 0; i < 6; i++) {
        json_object_set_new(victims, victim_keys[i], json_integer(store_rows_i64(rs, 10 + i)));
    }
    json_t *o = json_pack(
        "{sI ss ss ss ss ss ss so ss so so so so ss ss sI sI sI}", "id", (json_int_t)store_rows_i64(rs, 0),
        "court_name", store_rows_text(rs, 1), "court_level", store_rows_text(rs, 2), "country", store_rows_text(rs, 3),
        "decision_date", store_rows_text(rs, 4), "case_number", store_rows_text(rs, 5), "summary",
        store_rows_text(rs, 6), "charges", json_or_array(store_rows_text(rs, 7)), "verdict", store_rows_text(rs, 8),
        "sentences", json_or_array(store_rows_text(rs, 9)), "victims", victims, "forms", forms, "countries",
        json_or_array(store_rows_text(rs, 17)), "source", store_rows_text(rs, 18), "language", store_rows_text(rs, 19),
        "created_at_ms", (json_int_t)store_rows_i64(rs, 22), "updated_at_ms", (json_int_t)store_rows_i64(rs, 23),
        "version", (json_int_t)store_rows_i64(rs, 24));
    if (o == NULL) {
        return NULL;
    }
    json_object_set_new(o, "investigation_id",
                        store_rows_is_null(rs, 20) ? json_null() : json_integer(store_rows_i64(rs, 20)));
    if (ranked) {
        json_object_set_new(o, "rank", json_real(store_rows_f64(rs, 25)));
        json_object_set_new(o, "snippet", json_string(store_rows_text(rs, 26)));
    }
    return o;
}

static enum status load(struct store *s, int64_t id, json_t **out)
{
    struct store_rows *rs = NULL;
    struct sql_value args[] = {SQLV_I64(id)};
    enum status st = store_exec_one(s, STMT_CASELAW_GET, args, ARRAY_LEN(args), &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such court decision");
    }
    if (st == STATUS_OK) {
        *out = decision_json(rs, false);
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    store_rows_free(rs);
    return st;
}

/* The collection is shared by every agency (published case law): the decision is the
 * permission alone, checked with no record (no agency scope), the id named in the audit detail. */
static enum status decision_check(const struct auth_ctx *ctx, const char *perm, bool write, const char *verb,
                                  int64_t id)
{
    char detail[80];
    snprintf(detail, sizeof detail, "%s court decision %lld", verb, (long long)id);
    return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
}

static void bind_row(struct sql_value *v, const struct row *r)
{
    v[0] = sqlv_text(r->court_name);
    v[1] = sqlv_text(r->court_level);
    v[2] = sqlv_text(r->country);
    v[3] = sqlv_text(r->decision_date);
    v[4] = sqlv_text(r->case_number);
    v[5] = sqlv_text(r->summary);
    v[6] = sqlv_text(r->charges);
    v[7] = sqlv_text(r->charges_text);
    v[8] = sqlv_text(r->verdict);
    v[9] = sqlv_text(r->sentences);
    for (size_t i = 0; i < 6; i++) {
        v[10 + i] = SQLV_I64(r->victims[i]);
    }
    v[16] = sqlv_text(r->forms);
    v[17] = sqlv_text(r->countries);
    v[18] = sqlv_text(r->source);
    v[19] = sqlv_text(r->language);
    v[20] = r->investigation_id > 0 ? SQLV_I64(r->investigation_id) : SQLV_NULL;
}

/* Keeps SQLite's FTS5 index in step with a row, in the caller's transaction. */
static enum status fts_step(const struct auth_ctx *ctx, enum stmt id_stmt, int64_t id)
{
    struct sql_value v[] = {SQLV_I64(id)};
    return store_exec(ctx->store, id_stmt, v, ARRAY_LEN(v), NULL);
}

enum status caselaw_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    struct row r;
    enum status st = auth_check(ctx, "justice.write", NULL, AUTH_FG_NONE, true, "record court decision");
    if (st != STATUS_OK) {
        return st;
    }
    st = row_from_json(in, &r);
    if (st != STATUS_OK) {
        return st;
    }
    if (r.investigation_id > 0) {
        st = investigation_link_check(ctx, r.investigation_id, "link court decision");
        if (st != STATUS_OK) {
            row_free(&r);
            return st;
        }
    }
    int64_t id = 0;
    int64_t now = util_now_ms();
    for (int attempt = 0; attempt < 4; attempt++) {
        id = vault_random_id();
        struct sql_value v[24];
        v[0] = SQLV_I64(id);
        bind_row(v + 1, &r);
        v[22] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[23] = SQLV_I64(now);
        st = store_exec(ctx->store, STMT_CASELAW_INSERT, v, ARRAY_LEN(v), NULL);
        if (st != STATUS_CONFLICT) {
            break;
        }
    }
    if (st == STATUS_OK) {
        st = fts_step(ctx, STMT_CASELAW_FTS_INSERT, id);
    }
    row_free(&r);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.caselaw.add", "court_decision", id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = load(ctx->store, id, out);
    }
    return st;
}

enum status caselaw_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    enum status st = decision_check(ctx, "justice.read", false, "read", id);
    return st == STATUS_OK ? load(ctx->store, id, out) : st;
}

enum status caselaw_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out)
{
    json_t *cur = NULL;
    struct row r;
    bool have_row = false;
    enum status st = decision_check(ctx, "justice.write", true, "update", id);
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "an update must be a JSON object");
    }
    if (st == STATUS_OK) {
        st = load(ctx->store, id, &cur);
    }
    if (st == STATUS_OK && json_integer_value(json_object_get(cur, "version")) != version) {
        st = err_set(STATUS_CONFLICT, "the court decision changed since it was read (version)");
    }
    int64_t was = json_integer_value(json_object_get(cur, "investigation_id"));
    if (st == STATUS_OK) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)in, key, val)
        {
            if (strcmp(key, "id") != 0 && strcmp(key, "version") != 0 && strcmp(key, "rank") != 0 &&
                strcmp(key, "snippet") != 0 && strcmp(key, "created_at_ms") != 0 && strcmp(key, "updated_at_ms") != 0) {
                json_object_set(cur, key, val);
            }
        }
        st = row_from_json(cur, &r);
        have_row = st == STATUS_OK;
        if (st == STATUS_OK && r.investigation_id > 0 && r.investigation_id != was) {
            st = investigation_link_check(ctx, r.investigation_id, "link court decision");
        }
    }
    if (st == STATUS_OK) {
        struct sql_value v[24];
        v[0] = SQLV_I64(id);
        v[1] = SQLV_I64(version);
        bind_row(v + 2, &r);
        v[23] = SQLV_I64(util_now_ms());
        st = fts_step(ctx, STMT_CASELAW_FTS_DELETE, id);
        if (st == STATUS_OK) {
            st = store_exec(ctx->store, STMT_CASELAW_UPDATE, v, ARRAY_LEN(v), NULL);
        }
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the court decision changed since it was read (version)");
        }
        if (st == STATUS_OK) {
            st = fts_step(ctx, STMT_CASELAW_FTS_INSERT, id);
        }
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

/* SQLite: the user's words become an FTS5 expression of quoted terms joined by AND (so that
 * punctuation and FTS5 operators in the input never make a syntax error); PostgreSQL takes them
 * as they are for websearch_to_tsquery. */
static enum status fts5_query(const char *q, char **out)
{
    struct buf b;
    buf_init(&b, CASELAW_Q_MAX * 4 + 16);
    enum status st = STATUS_OK;
    const unsigned char *p = (const unsigned char *)q;
    bool any = false;
    while (*p != '\0' && st == STATUS_OK) {
        while (*p != '\0' && *p < 0x80 && !isalnum(*p)) {
            p++;
        }
        const unsigned char *start = p;
        while (*p != '\0' && (*p >= 0x80 || isalnum(*p))) {
            p++;
        }
        if (p > start) {
            st = buf_printf(&b, "%s\"%.*s\"", any ? " AND " : "", (int)(p - start), (const char *)start);
            any = true;
        }
    }
    if (st == STATUS_OK) {
        *out = strdup(any ? buf_str(&b) : "");
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&b);
    return st;
}

static enum status search_rows(const struct auth_ctx *ctx, const struct caselaw_query *q, int64_t max, json_t **out)
{
    const char *country = q->country != NULL ? q->country : "";
    const char *from = q->from != NULL ? q->from : "";
    const char *to = q->to != NULL ? q->to : "";
    const char *verdict = q->verdict != NULL ? q->verdict : "";
    const char *words = q->q != NULL ? q->q : "";
    if (strlen(words) > CASELAW_Q_MAX) {
        return err_set_field(STATUS_INVALID, "q", "the query is longer than %u bytes", CASELAW_Q_MAX);
    }
    if (country[0] != '\0' && !upper3(country)) {
        return err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166 alpha-3 code");
    }
    if ((from[0] != '\0' && !date_ok(from)) || (to[0] != '\0' && !date_ok(to))) {
        return err_set_field(STATUS_INVALID, from[0] != '\0' && !date_ok(from) ? "from" : "to",
                             "dates must be YYYY-MM-DD");
    }
    if (verdict[0] != '\0' && !in_list(verdict, verdicts)) {
        return err_set_field(STATUS_INVALID, "verdict", "verdict must be convicted, acquitted, partly or other");
    }
    if (q->limit < 0 || q->offset < 0) {
        return err_set(STATUS_INVALID, "limit and offset must not be negative");
    }
    int64_t limit = q->limit == 0 ? 50 : q->limit;
    if (limit > max) {
        limit = max;
    }
    char *match = NULL;
    enum status st = STATUS_OK;
    if (store_dialect_of(ctx->store) == STORE_SQLITE) {
        st = fts5_query(words, &match);
    } else {
        match = strdup(words);
        st = match != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    bool ranked = st == STATUS_OK && match[0] != '\0';
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        struct sql_value v[] = {sqlv_text(ranked ? match : ""),
                                sqlv_text(country),
                                sqlv_text(from),
                                sqlv_text(to),
                                sqlv_text(verdict),
                                SQLV_I64(limit),
                                SQLV_I64(q->offset),
                                sqlv_text(CASELAW_MARK_START),
                                sqlv_text(CASELAW_MARK_STOP),
                                SQLV_I64(q->investigation_id > 0 ? q->investigation_id : 0)};
        st = store_exec(ctx->store, ranked ? STMT_CASELAW_SEARCH : STMT_CASELAW_LIST, v, ARRAY_LEN(v), &rs);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_t *o = decision_json(rs, true);
        if (o == NULL) {
            st = err_set(STATUS_IO, "out of memory");
            break;
        }
        json_array_append_new(arr, o);
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    free(match);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status caselaw_search(const struct auth_ctx *ctx, const struct caselaw_query *q, json_t **out)
{
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "search court decisions");
    return st == STATUS_OK ? search_rows(ctx, q, CASELAW_SEARCH_ROWS_MAX, out) : st;
}

/* CSV: RFC 4180 quoting; lists flattened with "; ". */
static enum status csv_field(struct buf *b, const char *s, bool last)
{
    enum status st = buf_puts(b, "\"");
    for (const char *p = s; st == STATUS_OK && *p != '\0'; p++) {
        st = *p == '"' ? buf_puts(b, "\"\"") : buf_append(b, p, 1);
    }
    return st == STATUS_OK ? buf_puts(b, last ? "\"\r\n" : "\",") : st;
}

static enum status csv_row(struct buf *b, const json_t *d)
{
    char num[32];
    struct buf list;
    enum status st = STATUS_OK;
    static const char *const plain[] = {"court_name",    "court_level", "country",
                                        "decision_date", "case_number", "verdict"};
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(d, "id")));
    st = csv_field(b, num, false);
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(plain); i++) {
        st = csv_field(b, json_string_value(json_object_get(d, plain[i])), false);
    }
    /* charges, sentences, forms, countries */
    buf_init(&list, 64 * 1024);
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(d, "charges"), i, e)
    {
        if (st == STATUS_OK) {
            st = buf_printf(&list, "%s%s (%s)", i > 0 ? "; " : "", json_string_value(json_object_get(e, "article")),
                            json_string_value(json_object_get(e, "form")));
        }
    }
    if (st == STATUS_OK) {
        st = csv_field(b, buf_str(&list), false);
    }
    buf_reset(&list);
    json_array_foreach(json_object_get(d, "sentences"), i, e)
    {
        if (st == STATUS_OK) {
            st = buf_printf(&list, "%s%s: %lld months, fine %lld %s%s", i > 0 ? "; " : "",
                            json_string_value(json_object_get(e, "defendant")),
                            (long long)json_integer_value(json_object_get(e, "imprisonment_months")),
                            (long long)json_integer_value(json_object_get(e, "fine_amount")),
                            json_string_value(json_object_get(e, "fine_currency")),
                            json_is_true(json_object_get(e, "confiscation")) ? ", confiscation" : "");
        }
    }
    if (st == STATUS_OK) {
        st = csv_field(b, buf_str(&list), false);
    }
    for (size_t k = 0; st == STATUS_OK && k < 6; k++) {
        snprintf(num, sizeof num, "%lld",
                 (long long)json_integer_value(json_object_get(json_object_get(d, "victims"), victim_keys[k])));
        st = csv_field(b, num, false);
    }
    buf_reset(&list);
    json_array_foreach(json_object_get(d, "forms"), i, e)
    {
        if (st == STATUS_OK) {
            st = buf_printf(&list, "%s%s", i > 0 ? "; " : "", json_string_value(e));
        }
    }
    if (st == STATUS_OK) {
        st = csv_field(b, buf_str(&list), false);
    }
    buf_reset(&list);
    json_array_foreach(json_object_get(d, "countries"), i, e)
    {
        if (st == STATUS_OK) {
            st = buf_printf(&list, "%s%s:%s", i > 0 ? "; " : "", json_string_value(json_object_get(e, "country")),
                            json_string_value(json_object_get(e, "role")));
        }
    }
    if (st == STATUS_OK) {
        st = csv_field(b, buf_str(&list), false);
    }
    buf_free(&list);
    if (st == STATUS_OK) {
        st = csv_field(b, json_string_value(json_object_get(d, "source")), false);
    }
    if (st == STATUS_OK) {
        st = csv_field(b, json_string_value(json_object_get(d, "language")), false);
    }
    if (st == STATUS_OK) {
        st = csv_field(b, json_string_value(json_object_get(d, "summary")), true);
    }
    return st;
}

enum status caselaw_export(const struct auth_ctx *ctx, const struct caselaw_query *q, const char *format, char **out,
                           size_t *len_out)
{
    bool csv = format != NULL && strcmp(format, "csv") == 0;
    if (!csv && (format == NULL || strcmp(format, "json") != 0)) {
        return err_set_field(STATUS_INVALID, "format", "format must be csv or json");
    }
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "export court decisions");
    json_t *rows = NULL;
    struct caselaw_query all = *q;
    if (all.limit == 0) {
        all.limit = CASELAW_EXPORT_ROWS_MAX;
    }
    if (st == STATUS_OK) {
        st = search_rows(ctx, &all, CASELAW_EXPORT_ROWS_MAX, &rows);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t i;
    json_t *d;
    json_array_foreach(rows, i, d)
    {
        json_object_del(d, "rank");
        json_object_del(d, "snippet");
    }
    if (!csv) {
        *out = json_dumps(rows, JSON_INDENT(1));
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
        if (st == STATUS_OK && len_out != NULL) {
            *len_out = strlen(*out);
        }
        json_decref(rows);
        return st;
    }
    struct buf b;
    buf_init(&b, (size_t)64 * 1024 * 1024);
    st = buf_puts(&b, "id,court_name,court_level,country,decision_date,case_number,verdict,charges,sentences,"
                      "victims_female_child,victims_female_adult,victims_male_child,victims_male_adult,"
                      "victims_other_child,victims_other_adult,forms,countries,source,language,summary\r\n");
    json_array_foreach(rows, i, d)
    {
        if (st == STATUS_OK) {
            st = csv_row(&b, d);
        }
    }
    json_decref(rows);
    if (st == STATUS_OK) {
        if (len_out != NULL) {
            *len_out = strlen(buf_str(&b));
        }
        *out = buf_take(&b);
        st = *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    }
    buf_free(&b);
    return st;
}
