/* ratify: the ratification register (see ratify.h). */
#include "plan/ratify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/csv.h"
#include "cases/vocab.h"
#include "plan/text.h"
#include "stats/regions.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const acts[] = {"ratification", "accession", "acceptance", "approval", "succession", NULL};

/* One row's fields; texts point into the caller's data ("" for none). */
struct rat_row {
    const char *state, *instrument, *signature, *act, *act_date, *reservations, *source;
};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static const struct plan_instrument *treaty(const char *code)
{
    size_t n = 0;
    const struct plan_instrument *all = plan_data_instruments(&n);
    for (size_t i = 0; code != NULL && i < n; i++) {
        if (strcmp(all[i].code, code) == 0) {
            return strcmp(all[i].kind, "treaty") == 0 ? &all[i] : NULL;
        }
    }
    return NULL;
}

static void today(char out[11])
{
    time_t t = (time_t)(util_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static enum status check_state(const char *prefix, const char *state)
{
    if (state == NULL || strlen(state) != 3 || vocab_index("country", state) < 0) {
        return err_set_field(STATUS_INVALID, "state", "%sstate: an ISO 3166-1 alpha-3 code of the country vocabulary",
                             prefix);
    }
    return STATUS_OK;
}

static enum status check_instrument(const char *prefix, const char *instrument)
{
    if (instrument == NULL || treaty(instrument) == NULL) {
        return err_set_field(STATUS_INVALID, "instrument",
                             "%sinstrument: the code of a treaty of the Plan (ctis plan instruments; guidance "
                             "cannot be ratified)",
                             prefix);
    }
    return STATUS_OK;
}

static enum status check_date(const char *prefix, const char *field, const char *date, const char *now)
{
    if (date[0] == '\0') {
        return STATUS_OK;
    }
    if (!money_date_valid(date)) {
        return err_set_field(STATUS_INVALID, field, "%s%s: a date YYYY-MM-DD", prefix, field);
    }
    if (strcmp(date, now) > 0) {
        return err_set_field(STATUS_INVALID, field, "%s%s: a date in the future", prefix, field);
    }
    return STATUS_OK;
}

/* Checks one row; prefix ("" or "file:line: ") goes before the field in messages. */
static enum status check_row(const char *prefix, const struct rat_row *r)
{
    char now[11];
    today(now);
    enum status st = check_state(prefix, r->state);
    if (st == STATUS_OK) {
        st = check_instrument(prefix, r->instrument);
    }
    if (st == STATUS_OK) {
        st = check_date(prefix, "signature", r->signature, now);
    }
    if (st == STATUS_OK) {
        st = check_date(prefix, "act_date", r->act_date, now);
    }
    if (st == STATUS_OK && r->act[0] != '\0' && !in_list(r->act, acts)) {
        st = err_set_field(STATUS_INVALID, "act", "%sact: ratification, accession, acceptance, approval or succession",
                           prefix);
    }
    if (st == STATUS_OK && r->act[0] != '\0' && r->act_date[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "act_date", "%sact_date: required with an act", prefix);
    }
    if (st == STATUS_OK && r->act[0] == '\0' && r->act_date[0] != '\0') {
        st = err_set_field(STATUS_INVALID, "act", "%sact: required with an act_date", prefix);
    }
    if (st == STATUS_OK && r->signature[0] != '\0' && r->act_date[0] != '\0' && strcmp(r->signature, r->act_date) > 0) {
        st = err_set_field(STATUS_INVALID, "signature", "%ssignature: after the act (%s)", prefix, r->act_date);
    }
    if (st == STATUS_OK && strlen(r->reservations) > PLAN_RAT_RESERVATIONS_BYTES_MAX) {
        st = err_set_field(STATUS_INVALID, "reservations", "%sreservations: at most %d bytes", prefix,
                           PLAN_RAT_RESERVATIONS_BYTES_MAX);
    }
    if (st == STATUS_OK && strlen(r->source) > PLAN_RAT_SOURCE_BYTES_MAX) {
        st = err_set_field(STATUS_INVALID, "source", "%ssource: at most %d bytes", prefix, PLAN_RAT_SOURCE_BYTES_MAX);
    }
    return st;
}

/* Writes a checked row: inserts it, or updates it when it exists (if_version as in ratify.h), and
 * adds the new version to the history. */
static enum status store_row(const struct auth_ctx *ctx, const struct rat_row *r, int64_t if_version)
{
    struct sql_value key[] = {sqlv_text(r->state), sqlv_text(r->instrument)};
    struct store_rows *rows = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_RAT_GET, key, 2, &rows);
    int64_t version = 0;
    if (st == STATUS_OK) {
        version = store_rows_i64(rows, 7);
    }
    store_rows_free(rows);
    if (st != STATUS_OK && st != STATUS_NOT_FOUND) {
        return st;
    }
    bool exists = st == STATUS_OK;
    int64_t who = ctx->who->user_id, now = util_now_ms();
    struct sql_value a[] = {sqlv_text(r->state),  sqlv_text(r->instrument),        sqlv_text(r->signature),
                            sqlv_text(r->act),    sqlv_text(r->act_date),          sqlv_text(r->reservations),
                            sqlv_text(r->source), who ? SQLV_I64(who) : SQLV_NULL, SQLV_I64(now),
                            SQLV_I64(version)};
    if (!exists) {
        if (if_version > 0) {
            return err_set(STATUS_NOT_FOUND, "no ratification entry for %s and %s", r->state, r->instrument);
        }
        st = store_exec(ctx->store, STMT_PLAN_RAT_INSERT, a, 9, NULL);
        version = 1;
    } else {
        if (if_version == 0) {
            return err_set_field(STATUS_PRECONDITION, "If-Match",
                                 "the entry for %s and %s exists (version %lld): send If-Match", r->state,
                                 r->instrument, (long long)version);
        }
        if (if_version > 0 && if_version != version) {
            return err_set_field(STATUS_PRECONDITION, "If-Match", "the entry was changed (version %lld now)",
                                 (long long)version);
        }
        st = store_exec(ctx->store, STMT_PLAN_RAT_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set_field(STATUS_PRECONDITION, "If-Match", "the entry was changed meanwhile");
        }
        version++;
    }
    if (st == STATUS_OK) {
        struct sql_value h[] = {SQLV_I64(vault_random_id()),
                                sqlv_text(r->state),
                                sqlv_text(r->instrument),
                                SQLV_I64(version),
                                sqlv_text(r->signature),
                                sqlv_text(r->act),
                                sqlv_text(r->act_date),
                                sqlv_text(r->reservations),
                                sqlv_text(r->source),
                                who ? SQLV_I64(who) : SQLV_NULL,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_PLAN_RAT_HISTORY_ADD, h, ARRAY_LEN(h), NULL);
    }
    return st;
}

static const char *status_of(const char *signature, const char *act_date)
{
    return act_date[0] ? "party" : signature[0] ? "signed" : "none";
}

/* The row at r's cursor (PLAN_RAT_COLS) as JSON. */
static json_t *row_json(const struct store_rows *r)
{
    return json_pack("{ss ss ss ss ss ss ss ss sI sI}", "state", store_rows_text(r, 0), "instrument",
                     store_rows_text(r, 1), "signature", store_rows_text(r, 2), "act", store_rows_text(r, 3),
                     "act_date", store_rows_text(r, 4), "reservations", store_rows_text(r, 5), "source",
                     store_rows_text(r, 6), "status", status_of(store_rows_text(r, 2), store_rows_text(r, 4)),
                     "version", (json_int_t)store_rows_i64(r, 7), "updated_at_ms", (json_int_t)store_rows_i64(r, 9));
}

static enum status text_member(const json_t *in, const char *key, size_t max, const char **out)
{
    *out = "";
    json_t *v = json_object_get(in, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a string", key);
    }
    if (strlen(json_string_value(v)) > max) {
        return err_set_field(STATUS_INVALID, key, "%s: at most %zu bytes", key, max);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

/* The row and its history, with no access check. */
static enum status get_row(const struct auth_ctx *ctx, const char *state, const char *instrument, json_t **out)
{
    *out = NULL;
    struct sql_value key[] = {sqlv_text(state), sqlv_text(instrument)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PLAN_RAT_GET, key, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no ratification entry for %s and %s", state, instrument);
    }
    json_t *row = st == STATUS_OK ? row_json(r) : NULL;
    store_rows_free(r);
    r = NULL;
    if (st != STATUS_OK) {
        return st;
    }
    json_t *hist = json_array();
    st = store_exec(ctx->store, STMT_PLAN_RAT_HISTORY, key, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(hist,
                              json_pack("{sI ss ss ss ss ss sI}", "version", (json_int_t)store_rows_i64(r, 0),
                                        "signature", store_rows_text(r, 1), "act", store_rows_text(r, 2), "act_date",
                                        store_rows_text(r, 3), "reservations", store_rows_text(r, 4), "source",
                                        store_rows_text(r, 5), "changed_at_ms", (json_int_t)store_rows_i64(r, 7)));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(hist);
        json_decref(row);
        return st;
    }
    json_object_set_new(row, "history", hist);
    *out = row;
    return STATUS_OK;
}

enum status plan_ratify_set(const struct auth_ctx *ctx, const char *state, const char *instrument, const json_t *in,
                            int64_t if_version, json_t **out)
{
    static const char *const keys[] = {"signature", "act", "act_date", "reservations", "source", NULL};
    *out = NULL;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "set ratification");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object");
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        if (!in_list(k, keys)) {
            return err_set_field(STATUS_INVALID, k, "%s: not a member of this object", k);
        }
    }
    struct rat_row r = {.state = state, .instrument = instrument};
    st = text_member(in, "signature", 10, &r.signature);
    if (st == STATUS_OK) {
        st = text_member(in, "act", 20, &r.act);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "act_date", 10, &r.act_date);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "reservations", PLAN_RAT_RESERVATIONS_BYTES_MAX, &r.reservations);
    }
    if (st == STATUS_OK) {
        st = text_member(in, "source", PLAN_RAT_SOURCE_BYTES_MAX, &r.source);
    }
    if (st == STATUS_OK) {
        st = check_row("", &r);
    }
    if (st == STATUS_OK) {
        st = store_row(ctx, &r, if_version);
    }
    if (st == STATUS_OK) {
        st = get_row(ctx, state, instrument, out);
    }
    return st;
}

enum status plan_ratify_get(const struct auth_ctx *ctx, const char *state, const char *instrument, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "ratification");
    if (st == STATUS_OK) {
        st = check_state("", state);
    }
    if (st == STATUS_OK) {
        st = check_instrument("", instrument);
    }
    return st == STATUS_OK ? get_row(ctx, state, instrument, out) : st;
}

enum status plan_ratify_list(const struct auth_ctx *ctx, const char *state, const char *instrument, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "list ratifications");
    bool one_state = state != NULL && state[0] != '\0';
    if (st == STATUS_OK && one_state) {
        st = check_state("", state);
    }
    if (st == STATUS_OK && instrument != NULL && instrument[0] != '\0') {
        st = check_instrument("", instrument);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(one_state ? state : ""), sqlv_text(instrument ? instrument : "")};
    struct store_rows *r = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_RAT_LIST, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, row_json(r));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = json_pack("{so}", "ratifications", arr);
    if (one_state) { /* the state's status for every treaty, recorded or not */
        json_t *per = json_array();
        size_t n = 0;
        const struct plan_instrument *all = plan_data_instruments(&n);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(all[i].kind, "treaty") != 0) {
                continue;
            }
            json_t *found = NULL, *row;
            size_t j;
            json_array_foreach(arr, j, row)
            {
                if (strcmp(json_string_value(json_object_get(row, "instrument")), all[i].code) == 0) {
                    found = row;
                }
            }
            json_array_append_new(
                per, json_pack("{ss ss ss ss ss ss}", "instrument", all[i].code, "name", all[i].name_en, "status",
                               found ? json_string_value(json_object_get(found, "status")) : "none", "signature",
                               found ? json_string_value(json_object_get(found, "signature")) : "", "act",
                               found ? json_string_value(json_object_get(found, "act")) : "", "act_date",
                               found ? json_string_value(json_object_get(found, "act_date")) : ""));
        }
        json_object_set_new(*out, "state", json_string(state));
        json_object_set_new(*out, "instruments", per);
    }
    return STATUS_OK;
}

/* ---- import --------------------------------------------------------------------------------- */

/* A state and instrument seen earlier in the file. */
struct seen {
    char key[32];
};

enum status plan_ratify_import_csv(const struct auth_ctx *ctx, const char *file_name, const char *text, size_t len,
                                   json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, "import ratifications");
    if (st != STATUS_OK) {
        return st;
    }
    const char *name = file_name != NULL && file_name[0] ? file_name : "ratifications.csv";
    if (text == NULL || len == 0) {
        return err_set_field(STATUS_INVALID, "file", "%s: an empty file", name);
    }
    FILE *f = fmemopen((void *)text, len, "r");
    if (f == NULL) {
        return err_set_field(STATUS_IO, "file", "%s: cannot be read", name);
    }
    enum { C_STATE, C_INSTRUMENT, C_SIGNATURE, C_ACT, C_ACT_DATE, C_RESERVATIONS, C_SOURCE, C_COUNT };
    static const char *const cols[C_COUNT] = {"state",    "instrument",   "signature", "act",
                                              "act_date", "reservations", "source"};
    int col[C_COUNT];
    for (int c = 0; c < C_COUNT; c++) {
        col[c] = -1;
    }
    struct csv_reader *r = csv_reader_new(f);
    struct seen *seen = NULL;
    size_t rows = 0;
    st = csv_reader_next(r);
    if (st == STATUS_OK) {
        for (size_t i = 0; i < csv_reader_count(r) && st == STATUS_OK; i++) {
            const char *h = csv_reader_field(r, i);
            bool known = false;
            for (int c = 0; c < C_COUNT; c++) {
                if (strcmp(h, cols[c]) == 0) {
                    col[c] = (int)i;
                    known = true;
                }
            }
            if (!known) {
                st = err_set_field(STATUS_INVALID, "file",
                                   "%s:1: %s: not a column (state, instrument, signature, act, act_date, "
                                   "reservations, source)",
                                   name, h);
            }
        }
        if (st == STATUS_OK && (col[C_STATE] < 0 || col[C_INSTRUMENT] < 0)) {
            st = err_set_field(STATUS_INVALID, "file",
                               "%s:1: a header with the columns state, instrument (and signature, act, act_date, "
                               "reservations, source)",
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
        if (rows >= PLAN_RAT_IMPORT_ROWS_MAX) {
            st = err_set_field(STATUS_TOO_LARGE, "file", "%sat most %d rows in one file", prefix,
                               PLAN_RAT_IMPORT_ROWS_MAX);
            break;
        }
        const char *v[C_COUNT];
        for (int c = 0; c < C_COUNT; c++) {
            v[c] = col[c] >= 0 && (size_t)col[c] < csv_reader_count(r) ? csv_reader_field(r, (size_t)col[c]) : "";
        }
        struct rat_row row = {v[C_STATE],    v[C_INSTRUMENT],   v[C_SIGNATURE], v[C_ACT],
                              v[C_ACT_DATE], v[C_RESERVATIONS], v[C_SOURCE]};
        st = check_row(prefix, &row);
        if (st != STATUS_OK) {
            break;
        }
        struct seen s;
        snprintf(s.key, sizeof s.key, "%s/%s", row.state, row.instrument);
        for (size_t i = 0; i < rows; i++) {
            if (strcmp(seen[i].key, s.key) == 0) {
                st = err_set_field(STATUS_INVALID, "instrument", "%sinstrument: %s and %s twice in the file", prefix,
                                   row.state, row.instrument);
                break;
            }
        }
        if (st != STATUS_OK) {
            break;
        }
        seen = xrealloc(seen, (rows + 1) * sizeof *seen);
        seen[rows++] = s;
        st = store_row(ctx, &row, PLAN_RAT_ANY_VERSION);
        if (st != STATUS_OK) {
            st = err_set_field(st, "file", "%s%s", prefix, err_last());
        }
    }
    free(seen);
    csv_reader_free(r);
    fclose(f);
    if (st != STATUS_DONE && st != STATUS_OK) {
        return st;
    }
    *out = json_pack("{sIss}", "imported", (json_int_t)rows, "file", name);
    return STATUS_OK;
}

/* ---- coverage ------------------------------------------------------------------------------- */

struct cov_group {
    const char *code;
    int64_t states, parties, signed_only;
};

static struct cov_group *group_find(struct cov_group *g, size_t n, const char *code)
{
    for (size_t i = 0; code != NULL && i < n; i++) {
        if (strcmp(g[i].code, code) == 0) {
            return &g[i];
        }
    }
    return NULL;
}

/* The coverage of one instrument; rows: every stored row (all instruments). */
static json_t *coverage_one(const struct plan_instrument *ins, const struct stats_geo *geo, int by, json_t *rows)
{
    size_t ncodes = 0;
    const char *const *codes = by == 1   ? stats_regions_codes(&ncodes)
                               : by == 2 ? stats_subregions_codes(&ncodes)
                                         : NULL;
    struct cov_group *g = xcalloc(ncodes + 1, sizeof *g);
    g[0].code = "world";
    for (size_t i = 0; i < ncodes; i++) {
        g[i + 1].code = codes[i];
    }
    size_t ng = ncodes + 1;
    size_t nc = vocab_size("country");
    for (size_t i = 0; i < nc; i++) {
        const char *region = NULL, *sub = NULL;
        g[0].states++;
        if (by && stats_geo_region(geo, vocab_code("country", i), &region, &sub)) {
            struct cov_group *x = group_find(g + 1, ng - 1, by == 1 ? region : sub);
            if (x != NULL) {
                x->states++;
            }
        }
    }
    json_t *parties = json_array(), *row;
    size_t j;
    json_array_foreach(rows, j, row)
    {
        if (strcmp(json_string_value(json_object_get(row, "instrument")), ins->code) != 0) {
            continue;
        }
        const char *state = json_string_value(json_object_get(row, "state"));
        bool party = strcmp(json_string_value(json_object_get(row, "status")), "party") == 0;
        bool signed_only = strcmp(json_string_value(json_object_get(row, "status")), "signed") == 0;
        const char *region = NULL, *sub = NULL;
        struct cov_group *x = NULL;
        if (by && stats_geo_region(geo, state, &region, &sub)) {
            x = group_find(g + 1, ng - 1, by == 1 ? region : sub);
        }
        g[0].parties += party;
        g[0].signed_only += signed_only;
        if (x != NULL) {
            x->parties += party;
            x->signed_only += signed_only;
        }
        if (party) {
            json_array_append_new(parties, json_pack("{ssssss}", "state", state, "act",
                                                     json_string_value(json_object_get(row, "act")), "act_date",
                                                     json_string_value(json_object_get(row, "act_date"))));
        }
    }
    json_t *groups = json_array();
    for (size_t i = 0; i < ng; i++) {
        const char *gname = i == 0 ? "World" : stats_region_name(g[i].code);
        json_array_append_new(groups, json_pack("{ss ss sI sI sI sI}", "code", g[i].code, "name", gname ? gname : "",
                                                "states", (json_int_t)g[i].states, "parties", (json_int_t)g[i].parties,
                                                "signed", (json_int_t)g[i].signed_only, "neither",
                                                (json_int_t)(g[i].states - g[i].parties - g[i].signed_only)));
    }
    free(g);
    return json_pack("{ss ss si so so}", "instrument", ins->code, "name", ins->name_en, "year", ins->year, "groups",
                     groups, "parties", parties);
}

enum status plan_ratify_coverage(const struct auth_ctx *ctx, const char *instrument, const char *by, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "ratification coverage");
    bool one = instrument != NULL && instrument[0] != '\0';
    if (st == STATUS_OK && one) {
        st = check_instrument("", instrument);
    }
    int level = 0;
    if (st == STATUS_OK && by != NULL && by[0] != '\0') {
        level = strcmp(by, "region") == 0 ? 1 : strcmp(by, "subregion") == 0 ? 2 : -1;
        if (level < 0) {
            st = err_set_field(STATUS_INVALID, "by", "by: region or subregion");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_geo *geo = NULL;
    st = stats_geo_load(ctx, &geo);
    struct sql_value a[] = {sqlv_text(""), sqlv_text(one ? instrument : "")};
    struct store_rows *r = NULL;
    json_t *rows = json_array();
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PLAN_RAT_LIST, a, 2, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(rows, row_json(r));
    }
    store_rows_free(r);
    if (st == STATUS_DONE) {
        json_t *list = json_array();
        size_t n = 0;
        const struct plan_instrument *all = plan_data_instruments(&n);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(all[i].kind, "treaty") == 0 && (!one || strcmp(all[i].code, instrument) == 0)) {
                json_array_append_new(list, coverage_one(&all[i], geo, level, rows));
            }
        }
        *out = json_pack("{ss si so}", "by",
                         level == 1   ? "region"
                         : level == 2 ? "subregion"
                                      : "world",
                         "countries", (int)vocab_size("country"), "instruments", list);
        st = STATUS_OK;
    }
    json_decref(rows);
    stats_geo_free(geo);
    return st;
}
