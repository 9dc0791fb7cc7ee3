/* release: disclosure-controlled releases of aggregate tables, their record, and the privacy
 * budget ledger (release.h). */
#include "stats/release.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/sdc.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static bool dataset_ok(const char *d)
{
    size_t n = d ? strlen(d) : 0;
    if (n == 0 || n > STATS_DATASET_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
            return false;
        }
    }
    return true;
}

static int64_t threshold_of(const struct stats_release_spec *spec)
{
    return spec->threshold ? spec->threshold : SDC_THRESHOLD_DEFAULT;
}

enum status stats_release_spec_check(const struct stats_release_spec *spec)
{
    const char *m = spec->method ? spec->method : "";
    bool dp = strcmp(m, "dp") == 0;
    if (!dp && strcmp(m, "suppress") != 0 && strcmp(m, "round") != 0) {
        return err_set_field(STATUS_INVALID, "release", "release: one of suppress, round, dp");
    }
    if (spec->threshold != 0 && (spec->threshold < 2 || spec->threshold > 1000)) {
        return err_set_field(STATUS_INVALID, "threshold", "threshold: a whole number from 2 to 1000");
    }
    if (dp && !(spec->epsilon > 0 && spec->epsilon <= STATS_EPSILON_MAX)) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: a number above 0 and at most %g for release=dp",
                             STATS_EPSILON_MAX);
    }
    if (!dp && spec->epsilon != 0) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: only with release=dp");
    }
    return STATUS_OK;
}

enum status stats_epsilon_parse(const char *text, double *out)
{
    char *end = NULL;
    *out = 0;
    if (text == NULL || text[0] < '0' || text[0] > '9' || strlen(text) > 32) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: a decimal number such as 0.5");
    }
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v)) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: a decimal number such as 0.5");
    }
    *out = v;
    return STATUS_OK;
}

enum status stats_release_spec_parse(const char *release, const char *epsilon, const char *threshold,
                                     struct stats_release_spec *spec, bool *wanted)
{
    memset(spec, 0, sizeof *spec);
    *wanted = release != NULL;
    if (release == NULL) {
        if (epsilon != NULL || threshold != NULL) {
            return err_set_field(STATUS_INVALID, epsilon ? "epsilon" : "threshold",
                                 "%s: only with a release (suppress, round or dp)", epsilon ? "epsilon" : "threshold");
        }
        return STATUS_OK;
    }
    spec->method = release;
    if (epsilon != NULL && stats_epsilon_parse(epsilon, &spec->epsilon) != STATUS_OK) {
        return STATUS_INVALID;
    }
    if (threshold != NULL && (util_parse_i64(&spec->threshold, threshold) != STATUS_OK || spec->threshold == 0)) {
        return err_set_field(STATUS_INVALID, "threshold", "threshold: a whole number from 2 to 1000");
    }
    if (strcmp(release, "dp") == 0 && epsilon == NULL) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: required with release=dp");
    }
    return stats_release_spec_check(spec);
}

/* The table's categories: the distinct values of each dimension, in the order the rows give them. */
struct layout {
    size_t ndims;
    const char **vals[STATS_RELEASE_KEYS];
    size_t nvals[STATS_RELEASE_KEYS];
    size_t ncells; /* interior cells: the product of nvals */
};

static size_t layout_index(struct layout *l, size_t d, const char *v)
{
    for (size_t i = 0; i < l->nvals[d]; i++) {
        if (strcmp(l->vals[d][i], v) == 0) {
            return i;
        }
    }
    l->vals[d] = xrealloc(l->vals[d], (l->nvals[d] + 1) * sizeof *l->vals[d]);
    l->vals[d][l->nvals[d]] = v;
    return l->nvals[d]++;
}

static void layout_free(struct layout *l)
{
    for (size_t d = 0; d < STATS_RELEASE_KEYS; d++) {
        free(l->vals[d]);
    }
}

/* The keys of cell i: interior cells name every dimension, margins the dimensions not summed. */
static json_t *cell_keys(const struct layout *l, const char *const *names, size_t i)
{
    json_t *k = json_object();
    if (i < l->ncells) {
        size_t rest = i;
        for (size_t d = l->ndims; d-- > 0;) {
            json_object_set_new(k, names[d], json_string(l->vals[d][rest % l->nvals[d]]));
            rest /= l->nvals[d];
        }
    } else if (l->ndims == 2 && i < l->ncells + l->nvals[0]) {
        json_object_set_new(k, names[0], json_string(l->vals[0][i - l->ncells]));
    } else if (l->ndims == 2 && i < l->ncells + l->nvals[0] + l->nvals[1]) {
        json_object_set_new(k, names[1], json_string(l->vals[1][i - l->ncells - l->nvals[0]]));
    }
    return k;
}

static json_t *cell_json(const struct sdc_table *t, size_t i, int64_t threshold)
{
    if (t->state[i] == SDC_PUBLISHED) {
        return json_integer((json_int_t)t->value[i]);
    }
    char text[32];
    sdc_cell_text(t, i, threshold, text);
    return json_string(text);
}

static json_t *entry(const struct layout *l, const char *const *names, const struct sdc_table *t, size_t i,
                     int64_t threshold)
{
    return json_pack("{soso}", "keys", cell_keys(l, names, i), "count", cell_json(t, i, threshold));
}

/* Spends epsilon from the dataset's budget, or refuses. */
static enum status budget_spend(const struct auth_ctx *ctx, const char *dataset, double epsilon, int64_t now)
{
    struct sql_value k[] = {sqlv_text(dataset)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_STATS_BUDGET_GET, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    st = store_rows_next(r);
    double total = st == STATUS_OK ? store_rows_f64(r, 0) : 0, spent = st == STATUS_OK ? store_rows_f64(r, 1) : 0;
    store_rows_free(r);
    if (st == STATUS_DONE) {
        return err_set_field(STATUS_CONFLICT, "epsilon",
                             "no privacy budget is set for dataset %s (ctis stats budget set %s EPSILON)", dataset,
                             dataset);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (!sdc_budget_allows(total, spent, epsilon)) {
        return err_set_field(STATUS_CONFLICT, "epsilon",
                             "privacy budget of dataset %s exhausted: %g of %g spent, this release needs %g", dataset,
                             spent, total, epsilon);
    }
    struct sql_value a[] = {sqlv_text(dataset), SQLV_F64(epsilon), SQLV_I64(now), sqlv_text(ctx->who->username)};
    st = store_exec(ctx->store, STMT_STATS_BUDGET_SPEND, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        st = err_set_field(STATUS_CONFLICT, "epsilon", "privacy budget of dataset %s exhausted", dataset);
    }
    return st;
}

static void sha256_hex(const char *s, char hex[2 * VAULT_SHA256_BYTES + 1])
{
    struct vault_sha256 h;
    uint8_t d[VAULT_SHA256_BYTES];
    vault_sha256_init(&h);
    vault_sha256_update(&h, s, strlen(s));
    vault_sha256_final(&h, d);
    for (size_t i = 0; i < VAULT_SHA256_BYTES; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
}

enum status stats_release(const struct auth_ctx *ctx, const char *dataset, const struct stats_release_spec *spec,
                          json_t *inputs, const char *const *names, size_t nnames, const struct stats_row *rows,
                          size_t nrows, json_t **out)
{
    *out = NULL;
    if (!dataset_ok(dataset)) {
        return err_set_field(STATUS_INVALID, "dataset", "dataset: 1 to %d of a-z, 0-9, _ - .", STATS_DATASET_MAX);
    }
    if (nnames < 1 || nnames > STATS_RELEASE_KEYS) {
        return err_set_field(STATUS_INVALID, "by", "by: one to %d dimensions for a release", STATS_RELEASE_KEYS);
    }
    enum status st = stats_release_spec_check(spec);
    if (st != STATUS_OK) {
        return st;
    }
    st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, dataset);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t threshold = threshold_of(spec);
    struct layout l = {.ndims = nnames, .ncells = 1};
    for (size_t i = 0; i < nrows; i++) {
        for (size_t d = 0; d < nnames; d++) {
            (void)layout_index(&l, d, rows[i].keys[d] ? rows[i].keys[d] : "unknown");
        }
    }
    for (size_t d = 0; d < nnames; d++) {
        if (l.nvals[d] == 0 || l.ncells * l.nvals[d] > SDC_CELLS_MAX) {
            l.ncells = l.nvals[d] == 0 ? 0 : SDC_CELLS_MAX + 1;
            break;
        }
        l.ncells *= l.nvals[d];
    }
    if (l.ncells > SDC_CELLS_MAX) {
        layout_free(&l);
        return err_set(STATUS_TOO_LARGE, "more than %d cells to release: choose fewer dimensions", SDC_CELLS_MAX);
    }
    int64_t *cells = xcalloc(l.ncells ? l.ncells : 1, sizeof *cells);
    for (size_t i = 0; i < nrows; i++) {
        size_t idx = 0;
        for (size_t d = 0; d < nnames; d++) {
            idx = idx * l.nvals[d] + layout_index(&l, d, rows[i].keys[d] ? rows[i].keys[d] : "unknown");
        }
        cells[idx] += rows[i].count;
    }
    struct sdc_table *t;
    if (nnames == 1) {
        t = sdc_table_one_way(cells, l.ncells);
    } else if (nnames == 2) {
        t = sdc_table_two_way(cells, l.nvals[0], l.nvals[1]);
    } else {
        t = sdc_table_new(l.ncells);
        memcpy(t->value, cells, l.ncells * sizeof *cells);
    }
    free(cells);

    int64_t now = util_now_ms();
    json_t *params = NULL;
    struct sdc_audit a = {0};
    bool audited = false;
    if (strcmp(spec->method, "suppress") == 0) {
        params = json_pack("{sIsI}", "threshold", (json_int_t)threshold, "width", (json_int_t)threshold);
        st = sdc_suppress(t, threshold, (double)threshold, &a);
        audited = st == STATUS_OK;
    } else if (strcmp(spec->method, "round") == 0) {
        params = json_pack("{sIsIss}", "base", (json_int_t)threshold, "threshold", (json_int_t)threshold, "rule",
                           "nearest multiple, halves upwards");
        sdc_round_table(t, threshold, threshold);
    } else {
        params = json_pack("{sfsIsiss}", "epsilon", spec->epsilon, "threshold", (json_int_t)threshold, "sensitivity", 1,
                           "mechanism", "two-sided geometric");
        st = budget_spend(ctx, dataset, spec->epsilon, now);
        if (st == STATUS_OK) {
            sdc_dp_table(t, spec->epsilon, threshold, NULL, NULL);
        }
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_t *jn = json_array();
        for (size_t d = 0; d < nnames; d++) {
            json_array_append_new(jn, json_string(names[d]));
        }
        json_object_set_new(o, "names", jn);
        json_t *jr = json_array();
        for (size_t i = 0; i < l.ncells; i++) {
            json_array_append_new(jr, entry(&l, names, t, i, threshold));
        }
        json_object_set_new(o, "rows", jr);
        if (nnames == 1) {
            json_object_set_new(o, "margins", json_pack("{so}", "total", cell_json(t, l.ncells, threshold)));
        } else if (nnames == 2) {
            json_t *mr = json_array(), *mc = json_array();
            for (size_t r = 0; r < l.nvals[0]; r++) {
                json_array_append_new(mr, entry(&l, names, t, l.ncells + r, threshold));
            }
            for (size_t c = 0; c < l.nvals[1]; c++) {
                json_array_append_new(mc, entry(&l, names, t, l.ncells + l.nvals[0] + c, threshold));
            }
            json_object_set_new(
                o, "margins",
                json_pack("{sososo}", "rows", mr, "columns", mc, "total", cell_json(t, t->ncells - 1, threshold)));
        }
        if (audited) {
            json_t *ac = json_array();
            for (size_t i = 0; i < t->ncells; i++) {
                if (t->state[i] != SDC_PUBLISHED) {
                    json_array_append_new(ac,
                                          json_pack("{sosbsfso}", "keys", cell_keys(&l, names, i), "margin",
                                                    t->margin[i], "min", a.cells[i].min, "max",
                                                    isinf(a.cells[i].max) ? json_null() : json_real(a.cells[i].max)));
                }
            }
            json_object_set_new(o, "audit",
                                json_pack("{sssIsIsIsbso}", "method", "linear programming (GLPK), min and max", "width",
                                          (json_int_t)threshold, "suppressed", (json_int_t)a.suppressed, "exposed",
                                          (json_int_t)a.exposed, "passed", a.exposed == 0, "cells", ac));
        }
        char *canon = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        char hex[2 * VAULT_SHA256_BYTES + 1];
        sha256_hex(canon ? canon : "", hex);
        free(canon);
        char *ptext = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
        char *itext = inputs ? json_dumps(inputs, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
        int64_t id = vault_random_id();
        struct sql_value v[] = {SQLV_I64(id),
                                sqlv_text(dataset),
                                sqlv_text(spec->method),
                                sqlv_text(ptext),
                                sqlv_text(itext),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(ctx->who->username),
                                SQLV_I64(now),
                                sqlv_text(hex)};
        st = store_exec(ctx->store, STMT_STATS_RELEASE_INSERT, v, ARRAY_LEN(v), NULL);
        free(ptext);
        free(itext);
        json_t *inputs_or_empty = inputs ? json_incref(inputs) : json_object();
        json_object_set_new(o, "release",
                            json_pack("{sIsssssOsosIss}", "id", (json_int_t)id, "dataset", dataset, "method",
                                      spec->method, "parameters", params, "inputs", inputs_or_empty, "at_ms",
                                      (json_int_t)now, "sha256", hex));
    }
    json_decref(params);
    sdc_audit_free(&a);
    sdc_table_free(t);
    layout_free(&l);
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}

static void csv_count(struct buf *b, const json_t *c)
{
    if (json_is_integer(c)) {
        buf_printf(b, "%lld\n", (long long)json_integer_value(c));
    } else {
        buf_printf(b, "%s\n", json_string_value(c) ? json_string_value(c) : "");
    }
}

static void csv_entries(struct buf *b, const json_t *names, const json_t *entries)
{
    size_t i, d;
    const json_t *e, *n;
    json_array_foreach(entries, i, e)
    {
        const json_t *keys = json_object_get(e, "keys");
        json_array_foreach(names, d, n)
        {
            const char *v = json_string_value(json_object_get(keys, json_string_value(n)));
            buf_printf(b, "%s,", v ? v : "total");
        }
        csv_count(b, json_object_get(e, "count"));
    }
}

char *stats_release_csv(const json_t *release)
{
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    const json_t *names = json_object_get(release, "names"), *n;
    size_t d;
    json_array_foreach(names, d, n)
    {
        buf_printf(&b, "%s,", json_string_value(n));
    }
    buf_puts(&b, "count\n");
    csv_entries(&b, names, json_object_get(release, "rows"));
    const json_t *m = json_object_get(release, "margins");
    if (m != NULL) {
        csv_entries(&b, names, json_object_get(m, "rows"));
        csv_entries(&b, names, json_object_get(m, "columns"));
        json_array_foreach(names, d, n)
        {
            buf_puts(&b, "total,");
        }
        csv_count(&b, json_object_get(m, "total"));
    }
    return buf_take(&b);
}

enum status stats_releases_list(const struct auth_ctx *ctx, const char *dataset, int64_t limit, json_t **out)
{
    *out = NULL;
    if (dataset != NULL && dataset[0] != '\0' && !dataset_ok(dataset)) {
        return err_set_field(STATUS_INVALID, "dataset", "dataset: 1 to %d of a-z, 0-9, _ - .", STATS_DATASET_MAX);
    }
    if (limit < 1 || limit > 1000) {
        return err_set_field(STATUS_INVALID, "limit", "limit: 1 to 1000");
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "releases");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(dataset ? dataset : ""), SQLV_I64(limit)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_STATS_RELEASE_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        json_t *params = json_loads(store_rows_text(r, 3), 0, NULL),
               *inputs = json_loads(store_rows_text(r, 4), 0, NULL);
        json_array_append_new(arr, json_pack("{sIsssssososssIss}", "id", (json_int_t)store_rows_i64(r, 0), "dataset",
                                             store_rows_text(r, 1), "method", store_rows_text(r, 2), "parameters",
                                             params ? params : json_object(), "inputs", inputs ? inputs : json_object(),
                                             "actor", store_rows_text(r, 5), "at_ms", (json_int_t)store_rows_i64(r, 6),
                                             "sha256", store_rows_text(r, 7)));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status stats_budget_set(const struct auth_ctx *ctx, const char *dataset, double total_epsilon)
{
    if (!dataset_ok(dataset)) {
        return err_set_field(STATUS_INVALID, "dataset", "dataset: 1 to %d of a-z, 0-9, _ - .", STATS_DATASET_MAX);
    }
    if (!(total_epsilon >= 0 && total_epsilon <= 1000)) {
        return err_set_field(STATUS_INVALID, "epsilon", "epsilon: the total budget, from 0 to 1000");
    }
    enum status st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, dataset);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(dataset), SQLV_F64(total_epsilon), SQLV_I64(util_now_ms()),
                            sqlv_text(ctx->who->username)};
    return store_exec(ctx->store, STMT_STATS_BUDGET_SET, a, ARRAY_LEN(a), NULL);
}

enum status stats_budget_list(const struct auth_ctx *ctx, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "budgets");
    if (st != STATUS_OK) {
        return st;
    }
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_STATS_BUDGET_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        double total = store_rows_f64(r, 1), spent = store_rows_f64(r, 2);
        json_array_append_new(arr, json_pack("{sssfsfsfsIss}", "dataset", store_rows_text(r, 0), "total_epsilon", total,
                                             "spent", spent, "remaining", total > spent ? total - spent : 0.0,
                                             "updated_at_ms", (json_int_t)store_rows_i64(r, 3), "actor",
                                             store_rows_text(r, 4)));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}
