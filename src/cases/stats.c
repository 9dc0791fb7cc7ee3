/* stats: counts of victims grouped by coded dimensions. One pass over the coded columns of the
 * cases (never a sealed one) in the principal's scope; each case adds one to each combination of
 * its values (a case with two exploitation types counts in both). Missing values are "unknown". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

enum {
    S_GENDER,
    S_AGE,
    S_MAJORITY,
    S_EXPLOITATION,
    S_CITIZENSHIP,
    S_CITIZENSHIP_REGION,
    S_EXPLOITATION_COUNTRY,
    S_YEAR,
    S_OPENED
};

static const char *const dimensions[] = {"gender",      "age_group",          "majority_status",      "exploitation",
                                         "citizenship", "citizenship_region", "exploitation_country", "year"};

#define STATS_KEYS_MAX 16 /* values one case gives one dimension (exploitation types) */
#define STATS_GROUPS_MAX 100000

bool case_stats_dimension_known(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(dimensions); i++) {
        if (strcmp(dimensions[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* CTDC's ageBroad bands (with its double hyphen). */
static const char *age_band(int64_t age)
{
    static const struct {
        int64_t hi;
        const char *name;
    } bands[] = {{8, "0--8"},    {17, "9--17"},  {20, "18--20"}, {23, "21--23"}, {26, "24--26"},
                 {29, "27--29"}, {38, "30--38"}, {47, "39--47"}, {1000, "48+"}};
    for (size_t i = 0; i < ARRAY_LEN(bands); i++) {
        if (age <= bands[i].hi) {
            return bands[i].name;
        }
    }
    return "unknown";
}

/* The values one row gives dimension d; returns how many (at least 1). */
static size_t dim_values(struct store_rows *r, int d, char out[STATS_KEYS_MAX][64])
{
    size_t n = 0;
    switch (d) {
    case 0: /* gender */
    case 4: /* citizenship */
    case 5: /* citizenship_region */
    case 6: /* exploitation_country */ {
        int col = d == 0 ? S_GENDER : d == 4 ? S_CITIZENSHIP : d == 5 ? S_CITIZENSHIP_REGION : S_EXPLOITATION_COUNTRY;
        snprintf(out[n++], 64, "%s", store_rows_is_null(r, col) ? "unknown" : store_rows_text(r, col));
        break;
    }
    case 1: /* age_group */
        snprintf(out[n++], 64, "%s", store_rows_is_null(r, S_AGE) ? "unknown" : age_band(store_rows_i64(r, S_AGE)));
        break;
    case 2: /* majority_status: given, else from the age */
        if (!store_rows_is_null(r, S_MAJORITY)) {
            snprintf(out[n++], 64, "%s", store_rows_text(r, S_MAJORITY));
        } else if (!store_rows_is_null(r, S_AGE)) {
            snprintf(out[n++], 64, "%s", store_rows_i64(r, S_AGE) >= 18 ? "Adult" : "Minor");
        } else {
            snprintf(out[n++], 64, "unknown");
        }
        break;
    case 3: { /* exploitation */
        int64_t bits = store_rows_is_null(r, S_EXPLOITATION) ? 0 : store_rows_i64(r, S_EXPLOITATION);
        for (size_t i = 0; i < 63 && n < STATS_KEYS_MAX; i++) {
            const char *code = (bits >> i) & 1 ? vocab_code("exploitation_type", i) : NULL;
            if (code != NULL) {
                snprintf(out[n++], 64, "%s", code);
            }
        }
        if (n == 0) {
            snprintf(out[n++], 64, "unknown");
        }
        break;
    }
    default: /* year */
        if (store_rows_is_null(r, S_YEAR)) {
            snprintf(out[n++], 64, "unknown");
        } else {
            snprintf(out[n++], 64, "%lld", (long long)store_rows_i64(r, S_YEAR));
        }
        break;
    }
    return n;
}

/* Groups in a growable array with an open-addressing index on the joined key. */
struct groups {
    struct case_stat_row *rows;
    size_t count;
    size_t cap;
    size_t *slots; /* index + 1, 0 = empty */
    size_t nslots;
    size_t dims;
};

static uint64_t hash_keys(char keys[3][64], size_t dims)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t d = 0; d < dims; d++) {
        for (const char *p = keys[d]; *p; p++) {
            h = (h ^ (uint8_t)*p) * 1099511628211ULL;
        }
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return h;
}

static void groups_grow(struct groups *g)
{
    size_t nslots = g->nslots ? g->nslots * 2 : 1024;
    size_t *slots = xcalloc(nslots, sizeof *slots);
    for (size_t i = 0; i < g->count; i++) {
        char keys[3][64];
        for (size_t d = 0; d < g->dims; d++) {
            snprintf(keys[d], 64, "%s", g->rows[i].keys[d]);
        }
        size_t s = hash_keys(keys, g->dims) & (nslots - 1);
        while (slots[s]) {
            s = (s + 1) & (nslots - 1);
        }
        slots[s] = i + 1;
    }
    free(g->slots);
    g->slots = slots;
    g->nslots = nslots;
}

static enum status groups_add(struct groups *g, char keys[3][64])
{
    if ((g->count + 1) * 2 > g->nslots) {
        groups_grow(g);
    }
    size_t s = hash_keys(keys, g->dims) & (g->nslots - 1);
    while (g->slots[s]) {
        struct case_stat_row *row = &g->rows[g->slots[s] - 1];
        bool same = true;
        for (size_t d = 0; d < g->dims && same; d++) {
            same = strcmp(row->keys[d], keys[d]) == 0;
        }
        if (same) {
            row->count++;
            return STATUS_OK;
        }
        s = (s + 1) & (g->nslots - 1);
    }
    if (g->count >= STATS_GROUPS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %d groups: choose fewer dimensions", STATS_GROUPS_MAX);
    }
    if (g->count == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->rows = xrealloc(g->rows, g->cap * sizeof *g->rows);
    }
    struct case_stat_row *row = &g->rows[g->count];
    memset(row, 0, sizeof *row);
    for (size_t d = 0; d < g->dims; d++) {
        row->keys[d] = xstrdup(keys[d]);
    }
    row->count = 1;
    g->slots[s] = ++g->count;
    return STATUS_OK;
}

/* Keys in order, "unknown" last; keys starting with a number (years, age bands "9--17") by that
 * number, so 9--17 comes before 24--26. */
static int key_cmp(const char *a, const char *b)
{
    bool ua = strcmp(a, "unknown") == 0, ub = strcmp(b, "unknown") == 0;
    if (ua != ub) {
        return ua ? 1 : -1;
    }
    if (a[0] >= '0' && a[0] <= '9' && b[0] >= '0' && b[0] <= '9') {
        long na = strtol(a, NULL, 10), nb = strtol(b, NULL, 10);
        if (na != nb) {
            return na < nb ? -1 : 1;
        }
    }
    return strcmp(a, b);
}

static int row_cmp(const void *pa, const void *pb, void *dims)
{
    const struct case_stat_row *a = pa, *b = pb;
    for (size_t d = 0; d < *(const size_t *)dims; d++) {
        int c = key_cmp(a->keys[d], b->keys[d]);
        if (c != 0) {
            return c;
        }
    }
    return 0;
}

enum status case_stats_victims(const struct auth_ctx *ctx, const char *const *by, size_t by_count, int64_t from_ms,
                               int64_t to_ms, struct case_stat_row **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (by_count < 1 || by_count > 3) {
        return err_set_field(STATUS_INVALID, "by", "by: one to three of %s, %s, %s, %s, %s, %s, %s, %s", dimensions[0],
                             dimensions[1], dimensions[2], dimensions[3], dimensions[4], dimensions[5], dimensions[6],
                             dimensions[7]);
    }
    int dim[3];
    for (size_t i = 0; i < by_count; i++) {
        dim[i] = -1;
        for (size_t k = 0; k < ARRAY_LEN(dimensions); k++) {
            if (strcmp(by[i], dimensions[k]) == 0) {
                dim[i] = (int)k;
            }
        }
        if (dim[i] < 0) {
            return err_set_field(STATUS_INVALID, "by", "by: unknown dimension \"%.32s\"", by[i]);
        }
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "victims");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    /* Cases whose person refused or withdrew research use are left out (docs/cases.md). */
    struct sql_value a[] = {SQLV_I64(from_ms), SQLV_I64(to_ms ? to_ms : INT64_MAX), SQLV_I64(agency_filter),
                            SQLV_I64(CASE_CONSENT_NO_RESEARCH)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_CASE_STATS_SCAN, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct groups g = {.dims = by_count};
    char vals[3][STATS_KEYS_MAX][64];
    size_t nvals[3] = {1, 1, 1};
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        for (size_t d = 0; d < by_count; d++) {
            nvals[d] = dim_values(r, dim[d], vals[d]);
        }
        char keys[3][64];
        for (size_t i0 = 0; i0 < nvals[0] && st == STATUS_OK; i0++) {
            for (size_t i1 = 0; i1 < (by_count > 1 ? nvals[1] : 1) && st == STATUS_OK; i1++) {
                for (size_t i2 = 0; i2 < (by_count > 2 ? nvals[2] : 1) && st == STATUS_OK; i2++) {
                    memcpy(keys[0], vals[0][i0], 64);
                    if (by_count > 1) {
                        memcpy(keys[1], vals[1][i1], 64);
                    }
                    if (by_count > 2) {
                        memcpy(keys[2], vals[2][i2], 64);
                    }
                    st = groups_add(&g, keys);
                }
            }
        }
    }
    store_rows_free(r);
    free(g.slots);
    if (st != STATUS_DONE) {
        case_stats_free(g.rows, g.count);
        return st;
    }
    if (g.count > 1) { /* no rows: g.rows is NULL, which qsort_r may not be given */
        qsort_r(g.rows, g.count, sizeof *g.rows, row_cmp, &by_count);
    }
    *out = g.rows;
    *count_out = g.count;
    return STATUS_OK;
}

void case_stats_free(struct case_stat_row *rows, size_t count)
{
    for (size_t i = 0; rows && i < count; i++) {
        for (size_t d = 0; d < 3; d++) {
            free(rows[i].keys[d]);
        }
    }
    free(rows);
}

char *case_stats_csv(const char *const *by, size_t by_count, const struct case_stat_row *rows, size_t count)
{
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    for (size_t d = 0; d < by_count; d++) {
        buf_printf(&b, "%s,", by[d]);
    }
    buf_puts(&b, "count\n");
    for (size_t i = 0; i < count; i++) {
        for (size_t d = 0; d < by_count; d++) {
            buf_printf(&b, "%s,", rows[i].keys[d]);
        }
        buf_printf(&b, "%lld\n", (long long)rows[i].count);
    }
    return buf_take(&b);
}

json_t *case_stats_json(const char *const *by, size_t by_count, const struct case_stat_row *rows, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *keys = json_object();
        for (size_t d = 0; d < by_count; d++) {
            json_object_set_new(keys, by[d], json_string(rows[i].keys[d]));
        }
        json_array_append_new(arr, json_pack("{sosI}", "keys", keys, "count", (json_int_t)rows[i].count));
    }
    return arr;
}
