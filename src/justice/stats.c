/* justice stats: offender counts (see stats.h). One pass over the charges that reached formal
 * contact, joined with their suspect's codes, the offence's form and the investigation's
 * country (never a sealed column). */
#include "justice/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

static const char *const dimensions[] = {"sex",          "age_group", "citizenship", "nationals",
                                         "exploitation", "year",      "legal_person"};
static const char *const stages[] = {"contact", "prosecuted", "convicted"};

#define STATS_ITEMS_MAX 1000000

bool justice_stats_dimension_known(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(dimensions); i++) {
        if (strcmp(dimensions[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static const char *age_group(int64_t age, const char *band)
{
    if (age >= 0) {
        return age <= 29 ? "0--29" : age <= 38 ? "30--38" : age <= 47 ? "39--47" : "48+";
    }
    return band[0] ? band : "unknown";
}

/* Row columns of JUSTICE_STATS_SCAN. */
enum {
    C_SUSPECT,
    C_CONTACTED,
    C_PROSECUTED,
    C_OUTCOME,
    C_DECIDED,
    C_KIND,
    C_SEX,
    C_AGE,
    C_BAND,
    C_CIT,
    C_FORM,
    C_COUNTRY
};

static void dim_value(struct store_rows *r, const char *dim, const char *date, char out[64])
{
    const char *v = "unknown";
    if (strcmp(dim, "sex") == 0) {
        v = strcmp(store_rows_text(r, C_KIND), "legal") == 0 ? "legal_person" : store_rows_text(r, C_SEX);
    } else if (strcmp(dim, "age_group") == 0) {
        v = strcmp(store_rows_text(r, C_KIND), "legal") == 0
                ? "legal_person"
                : age_group(store_rows_i64(r, C_AGE), store_rows_text(r, C_BAND));
    } else if (strcmp(dim, "citizenship") == 0) {
        v = store_rows_text(r, C_CIT);
    } else if (strcmp(dim, "nationals") == 0) {
        const char *cit = store_rows_text(r, C_CIT), *country = store_rows_text(r, C_COUNTRY);
        v = !cit[0] || !country[0] ? "unknown" : strcmp(cit, country) == 0 ? "national" : "foreign";
    } else if (strcmp(dim, "exploitation") == 0) {
        v = store_rows_text(r, C_FORM);
    } else if (strcmp(dim, "year") == 0) {
        snprintf(out, 64, "%.4s", date);
        return;
    } else if (strcmp(dim, "legal_person") == 0) {
        v = strcmp(store_rows_text(r, C_KIND), "legal") == 0 ? "yes" : "no";
    }
    snprintf(out, 64, "%s", v[0] ? v : "unknown");
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The part of an item after the suspect id (the group's keys). */
static const char *item_keys(const char *item)
{
    return strchr(item, '\x1f') + 1;
}

static int keys_cmp(const void *a, const void *b)
{
    return strcmp(item_keys(*(char *const *)a), item_keys(*(char *const *)b));
}

enum status justice_stats_offenders(const struct auth_ctx *ctx, const struct justice_stats_query *q,
                                    const char *names_out[JUSTICE_STATS_KEYS], size_t *names_count,
                                    struct justice_stat_row **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    *names_count = 0;
    if (q->by_count < 1 || q->by_count > 3) {
        return err_set_field(STATUS_INVALID, "by",
                             "by: one to three of sex, age_group, citizenship, nationals, exploitation, year, "
                             "legal_person");
    }
    for (size_t i = 0; i < q->by_count; i++) {
        if (!justice_stats_dimension_known(q->by[i])) {
            return err_set_field(STATUS_INVALID, "by", "by: unknown dimension \"%.32s\"", q->by[i]);
        }
    }
    int only = -1;
    if (q->stage != NULL && q->stage[0] != '\0') {
        for (size_t s = 0; s < ARRAY_LEN(stages); s++) {
            if (strcmp(q->stage, stages[s]) == 0) {
                only = (int)s;
            }
        }
        if (only < 0) {
            return err_set_field(STATUS_INVALID, "stage", "stage: contact, prosecuted or convicted");
        }
    }
    char from[32] = "", to[32] = "9999-12-31";
    if (q->from_ms) {
        util_time_iso(from, q->from_ms);
        from[10] = '\0';
    }
    if (q->to_ms) {
        util_time_iso(to, q->to_ms);
        to[10] = '\0';
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "offenders");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    struct sql_value a[] = {SQLV_I64(agency_filter)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_JUSTICE_STATS_SCAN, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    /* Items "suspect\x1fstage\x1fk1\x1f..." (one per person, stage and group). */
    char **items = NULL;
    size_t n = 0, cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        for (size_t s = 0; s < ARRAY_LEN(stages); s++) {
            if (only >= 0 && (size_t)only != s) {
                continue;
            }
            const char *date =
                s == 0 ? store_rows_text(r, C_CONTACTED)
                : s == 1
                    ? store_rows_text(r, C_PROSECUTED)
                    : (strcmp(store_rows_text(r, C_OUTCOME), "convicted") == 0 ? store_rows_text(r, C_DECIDED) : "");
            if (date[0] == '\0' || strcmp(date, from) < 0 || strcmp(date, to) > 0) {
                continue;
            }
            struct buf b = BUF_INIT(4096);
            buf_printf(&b, "%lld\x1f", (long long)store_rows_i64(r, C_SUSPECT));
            if (only < 0) {
                buf_printf(&b, "%zu%s\x1f", s, stages[s]); /* the digit keeps the funnel's order */
            }
            for (size_t d = 0; d < q->by_count; d++) {
                char v[64];
                dim_value(r, q->by[d], date, v);
                buf_printf(&b, "%s%s", v, d + 1 < q->by_count ? "\x1f" : "");
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                if (cap > STATS_ITEMS_MAX) {
                    buf_free(&b);
                    st = err_set(STATUS_TOO_LARGE, "too many offender records to count");
                    break;
                }
                items = xrealloc(items, cap * sizeof *items);
            }
            items[n++] = buf_take(&b);
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        for (size_t i = 0; i < n; i++) {
            free(items[i]);
        }
        free(items);
        return st;
    }
    /* One item per person and group, then counted by group. */
    size_t u = 0;
    if (n > 0) {
        qsort(items, n, sizeof *items, str_cmp);
        for (size_t i = 0; i < n; i++) {
            if (u > 0 && strcmp(items[u - 1], items[i]) == 0) {
                free(items[i]);
                continue;
            }
            items[u++] = items[i];
        }
        qsort(items, u, sizeof *items, keys_cmp);
    }
    struct justice_stat_row *rows = NULL;
    size_t rn = 0;
    size_t nkeys = q->by_count + (only < 0 ? 1 : 0);
    for (size_t i = 0; i < u; i++) {
        if (rn > 0 && strcmp(item_keys(items[i - 1]), item_keys(items[i])) == 0) {
            rows[rn - 1].count++;
            continue;
        }
        rows = xrealloc(rows, (rn + 1) * sizeof *rows);
        memset(&rows[rn], 0, sizeof rows[rn]);
        char *copy = xstrdup(item_keys(items[i]));
        char *save = NULL, *t = strtok_r(copy, "\x1f", &save);
        for (size_t k = 0; k < nkeys; k++) {
            rows[rn].keys[k] = xstrdup(t == NULL ? "unknown" : k == 0 && only < 0 ? t + 1 : t);
            t = strtok_r(NULL, "\x1f", &save);
        }
        free(copy);
        rows[rn].count = 1;
        rn++;
    }
    for (size_t i = 0; i < u; i++) {
        free(items[i]);
    }
    free(items);
    if (only < 0) {
        names_out[(*names_count)++] = "stage";
    }
    for (size_t d = 0; d < q->by_count; d++) {
        names_out[(*names_count)++] = q->by[d];
    }
    *out = rows;
    *count_out = rn;
    return STATUS_OK;
}

void justice_stats_free(struct justice_stat_row *rows, size_t count)
{
    for (size_t i = 0; rows && i < count; i++) {
        for (size_t d = 0; d < JUSTICE_STATS_KEYS; d++) {
            free(rows[i].keys[d]);
        }
    }
    free(rows);
}

char *justice_stats_csv(const char *const *names, size_t n, const struct justice_stat_row *rows, size_t count)
{
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    for (size_t d = 0; d < n; d++) {
        buf_printf(&b, "%s,", names[d]);
    }
    buf_puts(&b, "count\n");
    for (size_t i = 0; i < count; i++) {
        for (size_t d = 0; d < n; d++) {
            buf_printf(&b, "%s,", rows[i].keys[d]);
        }
        buf_printf(&b, "%lld\n", (long long)rows[i].count);
    }
    return buf_take(&b);
}

json_t *justice_stats_json(const char *const *names, size_t n, const struct justice_stat_row *rows, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *keys = json_object();
        for (size_t d = 0; d < n; d++) {
            json_object_set_new(keys, names[d], json_string(rows[i].keys[d]));
        }
        json_array_append_new(arr, json_pack("{sosI}", "keys", keys, "count", (json_int_t)rows[i].count));
    }
    return arr;
}
