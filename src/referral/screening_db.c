/* screening_db: the indicator sets in the database (seed, import, list) and the screenings of a
 * case (add, list, decide), through auth. The answers document is sealed whole (narrative group);
 * the result and the explanation (codes only) stay clear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "referral/screening.h"
#include "store/store.h"
#include "util/assets.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define SEED_PREFIX "indicators/"

/* Sets. */

/* Columns of SCREEN_SET_COLS: id, code, version, country, population, exploitation, verified,
 * title, source, rule, loaded_at_ms, loaded_by, item count. */
static enum status set_from_row(struct store_rows *r, struct screening_set **out)
{
    *out = NULL;
    json_error_t je;
    json_t *rule = json_loads(store_rows_text(r, 9), 0, &je);
    if (rule == NULL) {
        return err_set(STATUS_IO, "indicator set %lld: its stored rule is not JSON", (long long)store_rows_i64(r, 0));
    }
    json_t *doc = json_pack("{sssssIsssssssbssss}", "format", SCREENING_SET_FORMAT, "code", store_rows_text(r, 1),
                            "version", (json_int_t)store_rows_i64(r, 2), "country", store_rows_text(r, 3), "population",
                            store_rows_text(r, 4), "exploitation", store_rows_text(r, 5), "verified",
                            store_rows_i64(r, 6) != 0, "title", store_rows_text(r, 7), "source", store_rows_text(r, 8));
    json_object_set_new(doc, "rule", rule);
    struct screening_set *s = NULL;
    enum status st = screening__set_parse(doc, NULL, false, &s);
    json_decref(doc);
    if (st != STATUS_OK) {
        return err_set(STATUS_IO, "indicator set %lld: stored data does not check: %s", (long long)store_rows_i64(r, 0),
                       err_last());
    }
    s->nitems = (size_t)store_rows_i64(r, 12);
    s->id = store_rows_i64(r, 0);
    s->loaded_at_ms = store_rows_i64(r, 10);
    s->loaded_by = xstrdup(store_rows_text(r, 11));
    *out = s;
    return STATUS_OK;
}

static enum status items_load(struct store *store, struct screening_set *s)
{
    struct sql_value a[] = {SQLV_I64(s->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(store, STMT_SCREEN_ITEMS, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = s->nitems > 0 ? s->nitems : 8, n = 0;
    s->items = xcalloc(cap, sizeof *s->items);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            s->items = xrealloc(s->items, cap * sizeof *s->items);
        }
        struct screening_item *it = &s->items[n];
        memset(it, 0, sizeof *it);
        int d = -1, g = -1;
        for (int k = 0; k < SCREENING_DIM__COUNT; k++) {
            d = strcmp(screening_dimension_name((enum screening_dimension)k), store_rows_text(r, 1)) == 0 ? k : d;
        }
        for (int k = 0; k < SCREENING_GRADE__COUNT; k++) {
            g = strcmp(screening_grade_name((enum screening_grade)k), store_rows_text(r, 3)) == 0 ? k : g;
        }
        if (d < 0 || g < 0) {
            st = err_set(STATUS_IO, "indicator set %lld: a stored indicator has an unknown dimension or grade",
                         (long long)s->id);
            break;
        }
        it->dimension = (enum screening_dimension)d;
        it->grade = (enum screening_grade)g;
        it->code = xstrdup(store_rows_text(r, 2));
        it->label = xstrdup(store_rows_text(r, 4));
        it->labels = json_loads(store_rows_text(r, 5), 0, NULL);
        if (!json_is_object(it->labels)) {
            json_decref(it->labels);
            it->labels = json_object();
        }
        n++;
    }
    s->nitems = n;
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status sets_from_rows(struct store_rows *r, struct screening_set ***out, size_t *count_out)
{
    size_t cap = 8, n = 0;
    struct screening_set **list = xcalloc(cap, sizeof *list);
    enum status st;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        st = set_from_row(r, &list[n]);
        if (st != STATUS_OK) {
            break;
        }
        n++;
    }
    if (st != STATUS_DONE) {
        screening_sets_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

static enum status set_load(struct store *store, int64_t id, bool with_items, struct screening_set **out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(store, STMT_SCREEN_SET_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such indicator set");
    }
    if (st == STATUS_OK) {
        st = set_from_row(r, out);
    }
    store_rows_free(r);
    if (st == STATUS_OK && with_items) {
        st = items_load(store, *out);
        if (st != STATUS_OK) {
            screening_set_free(*out);
            *out = NULL;
        }
    }
    return st;
}

/* The set as file content, without what loading adds (id, loaded_at, loaded_by). */
static json_t *set_content(const struct screening_set *s)
{
    json_t *o = screening_set_to_json(s, true, NULL);
    json_object_del(o, "id");
    json_object_del(o, "loaded_at");
    json_object_del(o, "loaded_by");
    return o;
}

/* Inserts a set that is not loaded yet; *id_out its id. */
static enum status set_insert(struct store *store, const struct screening_set *s, const char *by, int64_t *id_out)
{
    int64_t id = vault_random_id();
    json_t *content = set_content(s);
    char *rule_text = json_dumps(json_object_get(content, "rule"), JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(content);
    struct sql_value a[] = {SQLV_I64(id),
                            sqlv_text(s->code),
                            SQLV_I64(s->version),
                            sqlv_text(s->country),
                            sqlv_text(screening_population_name(s->population)),
                            sqlv_text(screening_exploitation_name(s->exploitation)),
                            SQLV_BOOL(s->verified),
                            sqlv_text(s->title),
                            sqlv_text(s->source),
                            sqlv_text(rule_text),
                            SQLV_I64(util_now_ms()),
                            sqlv_text(by)};
    enum status st = store_exec(store, STMT_SCREEN_SET_INSERT, a, ARRAY_LEN(a), NULL);
    free(rule_text);
    for (size_t i = 0; st == STATUS_OK && i < s->nitems; i++) {
        const struct screening_item *it = &s->items[i];
        char *labels = json_dumps(it->labels, JSON_COMPACT | JSON_SORT_KEYS);
        struct sql_value b[] = {SQLV_I64(id),
                                SQLV_I64((int64_t)i + 1),
                                sqlv_text(screening_dimension_name(it->dimension)),
                                sqlv_text(it->code),
                                sqlv_text(screening_grade_name(it->grade)),
                                sqlv_text(it->label),
                                sqlv_text(labels ? labels : "{}")};
        st = store_exec(store, STMT_SCREEN_ITEM_INSERT, b, ARRAY_LEN(b), NULL);
        free(labels);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static enum status set_find(struct store *store, const struct screening_set *s, int64_t *id_out)
{
    struct sql_value a[] = {sqlv_text(s->code), SQLV_I64(s->version), sqlv_text(s->country)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(store, STMT_SCREEN_SET_FIND, a, 3, &r);
    if (st == STATUS_OK) {
        *id_out = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    return st;
}

enum status screening_sets_seed(struct store *store)
{
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < assets_count; i++) {
        if (strncmp(assets[i].path, SEED_PREFIX, strlen(SEED_PREFIX)) != 0) {
            continue;
        }
        json_error_t je;
        json_t *doc = json_loadb(assets[i].data, assets[i].len, JSON_REJECT_DUPLICATES, &je);
        struct screening_set *s = NULL;
        st = doc != NULL ? screening_set_from_json(doc, assets[i].path, &s)
                         : err_set(STATUS_IO, "%s: line %d: %s", assets[i].path, je.line, je.text);
        json_decref(doc);
        int64_t id = 0;
        if (st == STATUS_OK) {
            st = set_find(store, s, &id);
            st = st == STATUS_NOT_FOUND ? set_insert(store, s, "ctis", NULL) : st;
        }
        screening_set_free(s);
    }
    return st;
}

/* Sets are reference data: readable by whoever screens (case.read) or manages them. */
static enum status sets_readable(const struct auth_ctx *ctx)
{
    if (auth_has(ctx->who, "case.read") || auth_has(ctx->who, "screening.sets") || ctx->who->operator) {
        return STATUS_OK;
    }
    return auth_check(ctx, "case.read", NULL, AUTH_FG_NONE, false, "indicator sets");
}

enum status screening_set_import(const struct auth_ctx *ctx, const struct screening_set *set, int64_t *id_out,
                                 bool *created_out)
{
    *created_out = false;
    char detail[160];
    snprintf(detail, sizeof detail, "indicator set %s version %lld country %s", set->code, (long long)set->version,
             set->country[0] ? set->country : "default");
    enum status st = auth_check(ctx, "screening.sets", NULL, AUTH_FG_NONE, true, detail);
    int64_t id = 0;
    if (st == STATUS_OK) {
        st = set_find(ctx->store, set, &id);
    }
    if (st == STATUS_OK) {
        struct screening_set *old = NULL;
        st = set_load(ctx->store, id, true, &old);
        if (st == STATUS_OK) {
            json_t *a = set_content(old), *b = set_content(set);
            if (!json_equal(a, b)) {
                st = err_set_field(STATUS_CONFLICT, "version",
                                   "set %s version %lld is loaded already with other content; a change needs a new "
                                   "version",
                                   set->code, (long long)set->version);
            }
            json_decref(a);
            json_decref(b);
        }
        screening_set_free(old);
    } else if (st == STATUS_NOT_FOUND) {
        st = set_insert(ctx->store, set, ctx->who->username, &id);
        *created_out = st == STATUS_OK;
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

/* The set a screening of (population, exploitation, country) uses: the country's own, else the
 * default; NULL (STATUS_OK) when none. */
static enum status set_current(struct store *store, enum screening_population pop, enum screening_exploitation ex,
                               const char *country, bool with_items, struct screening_set **out)
{
    *out = NULL;
    enum status st = STATUS_NOT_FOUND;
    for (int pass = 0; pass < 2 && st == STATUS_NOT_FOUND; pass++) {
        const char *c = pass == 0 ? country : "";
        if (pass == 0 && (country == NULL || country[0] == '\0')) {
            continue;
        }
        struct sql_value a[] = {sqlv_text(screening_population_name(pop)), sqlv_text(screening_exploitation_name(ex)),
                                sqlv_text(c)};
        struct store_rows *r = NULL;
        st = store_exec_one(store, STMT_SCREEN_SET_CURRENT, a, 3, &r);
        if (st == STATUS_OK) {
            st = set_from_row(r, out);
        }
        store_rows_free(r);
    }
    if (st == STATUS_NOT_FOUND) {
        return STATUS_OK;
    }
    if (st == STATUS_OK && with_items) {
        st = items_load(store, *out);
        if (st != STATUS_OK) {
            screening_set_free(*out);
            *out = NULL;
        }
    }
    return st;
}

enum status screening_set_list(const struct auth_ctx *ctx, const struct screening_set_filter *f,
                               struct screening_set ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum screening_population pop = SCREENING_ADULT;
    enum screening_exploitation ex = SCREENING_LABOUR;
    enum status st = STATUS_OK;
    if (f->population != NULL && f->population[0] != '\0') {
        st = screening_population_parse(f->population, &pop);
    }
    if (st == STATUS_OK && f->exploitation != NULL && f->exploitation[0] != '\0') {
        st = screening_exploitation_parse(f->exploitation, &ex);
    }
    if (st == STATUS_OK && f->country != NULL && f->country[0] != '\0' && strlen(f->country) != 3) {
        st = err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 alpha-3 code, or \"\" for the default");
    }
    if (st == STATUS_OK && f->current && (f->population == NULL || f->exploitation == NULL)) {
        st = err_set_field(STATUS_INVALID, "current", "current: needs population and exploitation");
    }
    if (st == STATUS_OK) {
        st = sets_readable(ctx);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (f->current) {
        struct screening_set *s = NULL;
        st = set_current(ctx->store, pop, ex, f->country, false, &s);
        if (st == STATUS_OK && s != NULL) {
            *out = xcalloc(1, sizeof **out);
            (*out)[0] = s;
            *count_out = 1;
        }
        return st;
    }
    struct sql_value a[] = {sqlv_text(f->population && f->population[0] ? f->population : "*"),
                            sqlv_text(f->exploitation && f->exploitation[0] ? f->exploitation : "*"),
                            sqlv_text(f->country ? f->country : "*")};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_SCREEN_SET_LIST, a, 3, &r);
    if (st == STATUS_OK) {
        st = sets_from_rows(r, out, count_out);
    }
    store_rows_free(r);
    return st;
}

enum status screening_set_get(const struct auth_ctx *ctx, int64_t id, struct screening_set **out)
{
    *out = NULL;
    enum status st = sets_readable(ctx);
    return st == STATUS_OK ? set_load(ctx->store, id, true, out) : st;
}

/* Evaluation with the database's sets. */

void screening_outcome_clear(struct screening_outcome *o)
{
    json_decref(o->explanation);
    screening_sets_free(o->sets, o->nsets);
    memset(o, 0, sizeof *o);
}

static enum status outcome_compute(struct store *store, const json_t *answers, const struct screening_subject *subj,
                                   const char *country, struct screening_outcome *out)
{
    memset(out, 0, sizeof *out);
    screening_population_of(subj, &out->population, &out->population_reason);
    const json_t *ex = json_object_get(answers, "exploitation");
    out->sets = xcalloc(SCREENING_EXPLOITATION__COUNT, sizeof *out->sets);
    enum status st = STATUS_OK;
    for (size_t k = 0; st == STATUS_OK && k < json_array_size(ex); k++) {
        enum screening_exploitation e;
        st = screening_exploitation_parse(json_string_value(json_array_get(ex, k)), &e);
        struct screening_set *s = NULL;
        if (st == STATUS_OK) {
            st = set_current(store, out->population, e, country, true, &s);
        }
        if (s != NULL) {
            out->sets[out->nsets++] = s;
        }
    }
    if (st == STATUS_OK) {
        st = screening_evaluate(answers, out->population, out->population_reason, country, out->sets, out->nsets,
                                &out->result, &out->explanation);
    }
    if (st != STATUS_OK) {
        screening_outcome_clear(out);
    }
    return st;
}

enum status screening_preview(const struct auth_ctx *ctx, const json_t *answers, struct screening_outcome *out)
{
    memset(out, 0, sizeof *out);
    /* No record is read or written: decided without an audit entry (a live preview runs often). */
    enum status st = auth_decide(ctx, "case.read", NULL, AUTH_FG_NONE, false);
    if (st != STATUS_OK) {
        st = auth_check(ctx, "case.write", NULL, AUTH_FG_NONE, false, "screening preview");
    }
    if (st != STATUS_OK) {
        return st;
    }
    const json_t *age = json_object_get(answers, "age");
    struct screening_subject subj = {json_is_integer(age) ? (int64_t)json_integer_value(age) : -1,
                                     json_string_value(json_object_get(answers, "majority_status")),
                                     json_is_true(json_object_get(answers, "presumed_minor"))};
    const char *country = json_string_value(json_object_get(answers, "country"));
    return outcome_compute(ctx->store, answers, &subj, country ? country : "", out);
}

/* Screenings. */

void screening_record_clear(struct screening_record *r)
{
    free(r->by);
    json_decref(r->sets);
    if (r->answers != NULL) {
        json_decref(r->answers);
    }
    json_decref(r->explanation);
    if (r->decision_reason != NULL) {
        vault_wipe(r->decision_reason, strlen(r->decision_reason));
        free(r->decision_reason);
    }
    free(r->decided_by);
    memset(r, 0, sizeof *r);
}

void screening_records_free(struct screening_record *list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        screening_record_clear(&list[i]);
    }
    free(list);
}

static enum status unseal_json(const struct auth_ctx *ctx, const char *column, int64_t id, const uint8_t *blob,
                               size_t len, char **text_out)
{
    size_t plen = 0;
    struct vault_ad ad = {"case_screenings", column, id};
    return vault_unseal(ctx->vault, text_out, &plen, &ad, blob, len);
}

static enum status record_from_row(const struct auth_ctx *ctx, struct store_rows *r, bool open,
                                   struct screening_record *out)
{
    memset(out, 0, sizeof *out);
    out->id = store_rows_i64(r, 0);
    out->case_id = store_rows_i64(r, 1);
    out->at_ms = store_rows_i64(r, 2);
    out->by = xstrdup(store_rows_text(r, 3));
    out->population = strcmp(store_rows_text(r, 4), "child") == 0 ? SCREENING_CHILD : SCREENING_ADULT;
    snprintf(out->population_reason, sizeof out->population_reason, "%s", store_rows_text(r, 5));
    snprintf(out->exploitation, sizeof out->exploitation, "%s", store_rows_text(r, 6));
    snprintf(out->country, sizeof out->country, "%s", store_rows_text(r, 7));
    out->sets = json_loads(store_rows_text(r, 8), 0, NULL);
    out->result = SCREENING_NO_INDICATION;
    for (int k = 0; k < 3; k++) {
        if (strcmp(screening_result_name((enum screening_result)k), store_rows_text(r, 10)) == 0) {
            out->result = (enum screening_result)k;
        }
    }
    out->explanation = json_loads(store_rows_text(r, 11), 0, NULL);
    snprintf(out->decision, sizeof out->decision, "%s", store_rows_text(r, 12));
    out->decided_at_ms = store_rows_i64(r, 14);
    out->decided_by = xstrdup(store_rows_text(r, 15));
    out->version = store_rows_i64(r, 16);
    enum status st = STATUS_OK;
    size_t len = 0;
    const uint8_t *blob = store_rows_is_null(r, 9) ? NULL : store_rows_blob(r, 9, &len);
    if (blob != NULL && len > 0) {
        if (open) {
            char *text = NULL;
            st = unseal_json(ctx, "answers_enc", out->id, blob, len, &text);
            if (st == STATUS_OK) {
                out->answers = json_loads(text, 0, NULL);
                vault_plain_free(text, strlen(text));
            }
        } else {
            out->answers_withheld = true;
        }
    }
    blob = store_rows_is_null(r, 13) ? NULL : store_rows_blob(r, 13, &len);
    if (st == STATUS_OK && blob != NULL && len > 0) {
        if (open) {
            st = unseal_json(ctx, "decision_reason_enc", out->id, blob, len, &out->decision_reason);
        } else {
            out->answers_withheld = true;
        }
    }
    if (out->sets == NULL) {
        out->sets = json_array();
    }
    if (out->explanation == NULL) {
        out->explanation = json_object();
    }
    return st;
}

/* Reaches the case for reading; *open: whether the principal may read the answers. */
static enum status reach_read(const struct auth_ctx *ctx, int64_t case_id, const char *detail, bool *open)
{
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, detail, &rec, NULL);
    *open = st == STATUS_OK && auth_field_allowed(ctx->who, AUTH_FG_NARRATIVE, false);
    if (*open) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_NARRATIVE, false, detail);
    }
    return st;
}

enum status screening_list(const struct auth_ctx *ctx, int64_t case_id, struct screening_record **out,
                           size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    bool open = false;
    enum status st = reach_read(ctx, case_id, "screenings", &open);
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(SCREENINGS_PER_CASE_MAX)};
        st = store_exec(ctx->store, STMT_SCREENING_LIST, a, 2, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct screening_record *list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        st = record_from_row(ctx, r, open, &list[n]);
        n++;
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        screening_records_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

static enum status record_read(const struct auth_ctx *ctx, int64_t case_id, int64_t id, bool open,
                               struct screening_record *out)
{
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_SCREENING_GET, a, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such screening");
    }
    if (st == STATUS_OK) {
        st = record_from_row(ctx, r, open, out);
        if (st != STATUS_OK) {
            screening_record_clear(out);
        }
    }
    store_rows_free(r);
    return st;
}

enum status screening_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, struct screening_record *out)
{
    memset(out, 0, sizeof *out);
    bool open = false;
    enum status st = reach_read(ctx, case_id, "screening", &open);
    return st == STATUS_OK ? record_read(ctx, case_id, id, open, out) : st;
}

enum status screening_latest(const struct auth_ctx *ctx, int64_t case_id, struct screening_record *out)
{
    memset(out, 0, sizeof *out);
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(1)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_SCREENING_LIST, a, 2, &r);
    if (st == STATUS_OK) {
        st = store_rows_next(r);
        st = st == STATUS_OK ? record_from_row(ctx, r, false, out) : st == STATUS_DONE ? STATUS_NOT_FOUND : st;
    }
    store_rows_free(r);
    return st;
}

/* The country of the case's agency ("" when unknown). */
static void agency_country(const struct auth_ctx *ctx, int64_t agency_id, char out[4])
{
    out[0] = '\0';
    struct sql_value a[] = {SQLV_I64(agency_id)};
    struct store_rows *r = NULL;
    if (store_exec_one(ctx->store, STMT_AGENCY_GET, a, 1, &r) == STATUS_OK) {
        const char *c = store_rows_text(r, 3);
        if (strlen(c) == 3) {
            memcpy(out, c, 4);
        }
    }
    store_rows_free(r);
}

/* The case's subject facts (no access check). */
static enum status subject_read(const struct auth_ctx *ctx, int64_t case_id, int64_t agency_id,
                                struct screening_case_facts *out)
{
    memset(out, 0, sizeof *out);
    out->age = -1;
    struct case_record *c = NULL;
    enum status st = case_get(ctx, case_id, &c);
    if (st != STATUS_OK) {
        return st;
    }
    if (c->v[CASE_F_age].state == CASE_SET) {
        out->age = c->v[CASE_F_age].i;
    }
    if (c->v[CASE_F_majority_status].state == CASE_SET && c->v[CASE_F_majority_status].text != NULL) {
        snprintf(out->majority, sizeof out->majority, "%s", c->v[CASE_F_majority_status].text);
    }
    case_record_free(c);
    agency_country(ctx, agency_id, out->country);
    return STATUS_OK;
}

enum status screening_case_facts(const struct auth_ctx *ctx, int64_t case_id, struct screening_case_facts *out)
{
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "screening facts", &rec, NULL);
    return st == STATUS_OK ? subject_read(ctx, case_id, rec.agency_id, out) : st;
}

enum status screening_add(const struct auth_ctx *ctx, int64_t case_id, const json_t *answers,
                          struct screening_record *out)
{
    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.write", true, "screening", &rec, NULL);
    if (st == STATUS_OK) {
        /* Interviewing is processing: refused once consent to it or to the use of data is withdrawn. */
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK && screening_answers_have_evidence(answers)) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "screening evidence");
    }
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(case_id)};
        st = store_exec_one(ctx->store, STMT_SCREENING_COUNT, a, 1, &r);
        if (st == STATUS_OK && store_rows_i64(r, 0) >= SCREENINGS_PER_CASE_MAX) {
            st = err_set(STATUS_TOO_LARGE, "a case holds at most %d screenings", SCREENINGS_PER_CASE_MAX);
        }
        store_rows_free(r);
    }
    struct screening_case_facts facts;
    if (st == STATUS_OK) {
        st = subject_read(ctx, case_id, rec.agency_id, &facts);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct screening_subject subj = {
        facts.age,
        facts.majority[0] ? facts.majority : NULL,
        json_is_true(json_object_get(answers, "presumed_minor")),
    };
    char country[4];
    const char *given = json_string_value(json_object_get(answers, "country"));
    snprintf(country, sizeof country, "%s", given != NULL ? given : facts.country);
    struct screening_outcome oc;
    st = outcome_compute(ctx->store, answers, &subj, country, &oc);
    if (st != STATUS_OK) {
        return st;
    }
    /* The answers as stored: the subject comes from the case, not the document. */
    json_t *doc = json_deep_copy(answers);
    json_object_del(doc, "age");
    json_object_del(doc, "majority_status");
    json_object_set_new(doc, "country", json_string(country));
    char *plain = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    int64_t id = vault_random_id();
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    struct vault_ad ad = {"case_screenings", "answers_enc", id};
    st = vault_seal(ctx->vault, &enc, &enc_len, &ad, plain, strlen(plain));
    vault_wipe(plain, strlen(plain));
    free(plain);
    json_t *sets = json_array();
    for (size_t i = 0; i < oc.nsets; i++) {
        json_array_append_new(sets,
                              json_pack("{sIsssIsb}", "id", (json_int_t)oc.sets[i]->id, "code", oc.sets[i]->code,
                                        "version", (json_int_t)oc.sets[i]->version, "verified", oc.sets[i]->verified));
    }
    char *sets_text = json_dumps(sets, JSON_COMPACT);
    char *expl_text = json_dumps(oc.explanation, JSON_COMPACT);
    json_decref(sets);
    char exploitation[24] = "";
    const json_t *ex = json_object_get(answers, "exploitation");
    for (size_t k = 0; k < json_array_size(ex); k++) {
        size_t n = strlen(exploitation);
        snprintf(exploitation + n, sizeof exploitation - n, "%s%s", n ? ";" : "",
                 json_string_value(json_array_get(ex, k)));
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                SQLV_I64(util_now_ms()),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(ctx->who->username),
                                sqlv_text(screening_population_name(oc.population)),
                                sqlv_text(oc.population_reason),
                                sqlv_text(exploitation),
                                sqlv_text(country),
                                sqlv_text(sets_text),
                                SQLV_BLOB(enc, enc_len),
                                sqlv_text(screening_result_name(oc.result)),
                                sqlv_text(expl_text)};
        st = store_exec(ctx->store, STMT_SCREENING_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(enc);
    free(sets_text);
    free(expl_text);
    screening_outcome_clear(&oc);
    if (st == STATUS_OK && out != NULL) {
        st = record_read(ctx, case_id, id, auth_field_allowed(ctx->who, AUTH_FG_NARRATIVE, false), out);
    }
    return st;
}

enum status screening_decide(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                             const char *decision, const char *reason)
{
    bool agree = decision != NULL && strcmp(decision, "agree") == 0;
    bool disagree = decision != NULL && strcmp(decision, "disagree") == 0;
    if (!agree && !disagree) {
        return err_set_field(STATUS_INVALID, "decision", "decision: agree or disagree");
    }
    bool has_reason = reason != NULL && reason[0] != '\0';
    if (disagree && !has_reason) {
        return err_set_field(STATUS_INVALID, "reason", "reason: required when disagreeing with the recommendation");
    }
    if (has_reason && !util_utf8_valid(reason, strlen(reason))) {
        return err_set_field(STATUS_INVALID, "reason", "reason: text");
    }
    if (has_reason && strlen(reason) > SCREENING_EVIDENCE_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "reason", "reason: up to %d bytes", SCREENING_EVIDENCE_BYTES_MAX);
    }
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.write", true, "screening decision", &rec, NULL);
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK && has_reason) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "screening decision reason");
    }
    struct screening_record cur;
    memset(&cur, 0, sizeof cur);
    if (st == STATUS_OK) {
        st = record_read(ctx, case_id, id, false, &cur);
    }
    if (st != STATUS_OK) {
        return st;
    }
    screening_record_clear(&cur);
    uint8_t *enc = NULL;
    size_t len = 0;
    if (has_reason) {
        struct vault_ad ad = {"case_screenings", "decision_reason_enc", id};
        st = vault_seal(ctx->vault, &enc, &len, &ad, reason, strlen(reason));
    }
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                SQLV_I64(expected_version),
                                sqlv_text(decision),
                                enc ? SQLV_BLOB(enc, len) : SQLV_NULL,
                                SQLV_I64(util_now_ms()),
                                sqlv_text(ctx->who->username)};
        st = store_exec_one(ctx->store, STMT_SCREENING_DECIDE, a, ARRAY_LEN(a), &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_CONFLICT, "version", "the screening was changed by someone else: reload it");
        }
    }
    store_rows_free(r);
    free(enc);
    return st;
}

json_t *screening_record_to_json(const struct screening_record *r)
{
    char at[32];
    util_time_iso(at, r->at_ms);
    json_t *ex = json_array();
    char buf[24];
    snprintf(buf, sizeof buf, "%s", r->exploitation);
    char *save = NULL;
    for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        json_array_append_new(ex, json_string(t));
    }
    json_t *o =
        json_pack("{sIsIsssssssssosssOsOsI}", "id", (json_int_t)r->id, "case_id", (json_int_t)r->case_id, "at", at,
                  "by", r->by ? r->by : "", "population", screening_population_name(r->population), "population_reason",
                  r->population_reason, "exploitation", ex, "result", screening_result_name(r->result), "sets", r->sets,
                  "explanation", r->explanation, "version", (json_int_t)r->version);
    json_object_set_new(o, "country", json_string(r->country));
    json_object_set_new(o, "answers", r->answers ? json_deep_copy(r->answers) : json_null());
    json_object_set_new(o, "answers_withheld", json_boolean(r->answers_withheld));
    if (r->decision[0] != '\0') {
        char dt[32];
        util_time_iso(dt, r->decided_at_ms);
        json_object_set_new(o, "decision",
                            json_pack("{ssssssso}", "decision", r->decision, "at", dt, "by",
                                      r->decided_by ? r->decided_by : "", "reason",
                                      r->decision_reason ? json_string(r->decision_reason) : json_null()));
    } else {
        json_object_set_new(o, "decision", json_null());
    }
    return o;
}

enum status screening_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_SCREENING_PURGE, a, 1, NULL);
    if (st == STATUS_OK && items_out != NULL) {
        *items_out = store_changes(ctx->store);
    }
    return st;
}

enum status screening_sar_case(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(SCREENINGS_PER_CASE_MAX)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_SCREENING_LIST, a, 2, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct screening_record rec;
        st = record_from_row(ctx, r, true, &rec);
        if (st == STATUS_OK) {
            json_array_append_new(arr, screening_record_to_json(&rec));
        }
        screening_record_clear(&rec);
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}
