/* flows: one pass over the countries of the cases (never a sealed column) counting victims per
 * origin -> destination pair and per (country of detection, year) in small open-addressing
 * tables; then classification, the threshold, the main destinations and the rates. */
#include "stats/flows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"
#include "stats/regions.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

#define FLOWS_KEYS_MAX 200000 /* distinct keys in one table: 250 x 250 pairs, countries x years */
#define FLOWS_KEY_BYTES 24

static const char *const reach_names[STATS_REACH_COUNT] = {"domestic", "subregional", "intraregional", "transregional"};

const char *stats_reach_name(enum stats_reach r)
{
    return r < STATS_REACH_COUNT ? reach_names[r] : "transregional";
}

enum stats_reach stats_reach_of(const struct stats_geo *g, const char *origin, const char *destination)
{
    if (strcmp(origin, destination) == 0) {
        return STATS_DOMESTIC;
    }
    const char * or, *os, *dr, *ds;
    if (!stats_geo_region(g, origin, & or, &os) || !stats_geo_region(g, destination, &dr, &ds)) {
        return STATS_TRANSREGIONAL;
    }
    if (strcmp(os, ds) == 0) {
        return STATS_SUBREGIONAL;
    }
    return strcmp(or, dr) == 0 ? STATS_INTRAREGIONAL : STATS_TRANSREGIONAL;
}

/* A counter table keyed by short strings. */
struct counter {
    char key[FLOWS_KEY_BYTES];
    int64_t count;
};
struct counters {
    struct counter *items;
    size_t count;
    size_t cap;
    size_t *slots; /* index + 1 */
    size_t nslots;
};

static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = k; *p; p++) {
        h = (h ^ (uint8_t)*p) * 1099511628211ULL;
    }
    return h;
}

static void counters_grow(struct counters *c)
{
    size_t n = c->nslots ? c->nslots * 2 : 256;
    size_t *slots = xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < c->count; i++) {
        size_t s = key_hash(c->items[i].key) & (n - 1);
        while (slots[s]) {
            s = (s + 1) & (n - 1);
        }
        slots[s] = i + 1;
    }
    free(c->slots);
    c->slots = slots;
    c->nslots = n;
}

static enum status counters_add(struct counters *c, const char *key)
{
    if ((c->count + 1) * 2 > c->nslots) {
        counters_grow(c);
    }
    size_t s = key_hash(key) & (c->nslots - 1);
    while (c->slots[s]) {
        struct counter *it = &c->items[c->slots[s] - 1];
        if (strcmp(it->key, key) == 0) {
            it->count++;
            return STATUS_OK;
        }
        s = (s + 1) & (c->nslots - 1);
    }
    if (c->count >= FLOWS_KEYS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %d distinct countries and years", FLOWS_KEYS_MAX);
    }
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->items = xrealloc(c->items, c->cap * sizeof *c->items);
    }
    snprintf(c->items[c->count].key, FLOWS_KEY_BYTES, "%s", key);
    c->items[c->count].count = 1;
    c->slots[s] = ++c->count;
    return STATUS_OK;
}

static void counters_free(struct counters *c)
{
    free(c->items);
    free(c->slots);
}

static bool country_ok(struct store_rows *r, int col)
{
    return !store_rows_is_null(r, col) && strlen(store_rows_text(r, col)) == 3;
}

static int year_of(struct store_rows *r)
{
    if (!store_rows_is_null(r, 2)) {
        return (int)store_rows_i64(r, 2);
    }
    time_t t = (time_t)(store_rows_i64(r, 3) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static int flow_cmp(const void *pa, const void *pb)
{
    const struct stats_flow *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    int c = strcmp(a->origin, b->origin);
    return c != 0 ? c : strcmp(a->destination, b->destination);
}

static int dest_cmp(const void *pa, const void *pb)
{
    const struct stats_flow_destination *a = pa, *b = pb;
    int c = strcmp(a->origin_region, b->origin_region);
    if (c != 0) {
        return c;
    }
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return strcmp(a->destination_subregion ? a->destination_subregion : "~",
                  b->destination_subregion ? b->destination_subregion : "~");
}

static int rate_cmp(const void *pa, const void *pb)
{
    const struct stats_flow_rate *a = pa, *b = pb;
    int c = strcmp(a->country, b->country);
    return c != 0 ? c : (a->year > b->year) - (a->year < b->year);
}

/* Scans the cases into the pair and (country, year) counters. */
static enum status scan(const struct auth_ctx *ctx, const struct stats_flows_query *q, struct stats_flows *f,
                        struct counters *pairs, struct counters *years)
{
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    struct sql_value a[] = {SQLV_I64(q->from_ms), SQLV_I64(q->to_ms ? q->to_ms : INT64_MAX), SQLV_I64(agency_filter),
                            SQLV_I64(CASE_CONSENT_NO_RESEARCH)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_STATS_FLOWS_SCAN, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    char key[FLOWS_KEY_BYTES];
    while ((st = store_rows_next(r)) == STATUS_OK) {
        f->victims++;
        bool o = country_ok(r, 0), d = country_ok(r, 1);
        if (d) {
            snprintf(key, sizeof key, "%s %d", store_rows_text(r, 1), year_of(r));
            st = counters_add(years, key);
        }
        if (st == STATUS_OK && o && d) {
            f->known++;
            snprintf(key, sizeof key, "%s>%s", store_rows_text(r, 0), store_rows_text(r, 1));
            st = counters_add(pairs, key);
        }
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* Main destinations: per origin region, the destination subregions of its cross-border victims. */
static void destinations(const struct stats_geo *g, const struct counters *pairs, struct stats_flows *f)
{
    struct stats_flow_destination *d = NULL;
    size_t n = 0, cap = 0;
    size_t nregions;
    const char *const *regions = stats_regions_codes(&nregions);
    int64_t abroad[32] = {0};
    for (size_t i = 0; i < pairs->count; i++) {
        char origin[4], dest[4];
        snprintf(origin, sizeof origin, "%.3s", pairs->items[i].key);
        snprintf(dest, sizeof dest, "%.3s", pairs->items[i].key + 4);
        const char * or, *os, *dr = NULL, *ds = NULL;
        if (strcmp(origin, dest) == 0 || !stats_geo_region(g, origin, & or, &os)) {
            continue;
        }
        stats_geo_region(g, dest, &dr, &ds);
        for (size_t k = 0; k < nregions && k < ARRAY_LEN(abroad); k++) {
            if (regions[k] == or) {
                abroad[k] += pairs->items[i].count;
            }
        }
        size_t j = 0;
        while (j < n && !(d[j].origin_region == or &&d[j].destination_subregion == ds)) {
            j++;
        }
        if (j == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                d = xrealloc(d, cap * sizeof *d);
            }
            d[n++] = (struct stats_flow_destination){ or, ds, 0, 0};
        }
        d[j].count += pairs->items[i].count;
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t k = 0; k < nregions && k < ARRAY_LEN(abroad); k++) {
            if (regions[k] == d[j].origin_region && abroad[k] > 0) {
                d[j].share = (double)d[j].count / (double)abroad[k];
            }
        }
    }
    if (n > 1) {
        qsort(d, n, sizeof *d, dest_cmp);
    }
    f->destinations = d;
    f->destinations_count = n;
}

enum status stats_flows(const struct auth_ctx *ctx, const struct stats_flows_query *q, struct stats_flows **out)
{
    *out = NULL;
    if (q->threshold < 0 || q->threshold > STATS_FLOW_THRESHOLD_MAX) {
        return err_set_field(STATUS_INVALID, "threshold", "threshold: 1 to %d (0 or absent: the instance setting)",
                             STATS_FLOW_THRESHOLD_MAX);
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "flows");
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_flows *f = xcalloc(1, sizeof *f);
    struct stats_geo *g = NULL;
    struct counters pairs = {0}, years = {0};
    f->threshold = q->threshold;
    if (f->threshold == 0) {
        st = stats_setting_int(ctx, "flow_threshold", &f->threshold);
    }
    if (st == STATUS_OK) {
        st = stats_geo_load(ctx, &g);
    }
    if (st == STATUS_OK) {
        st = scan(ctx, q, f, &pairs, &years);
    }
    if (st == STATUS_OK) {
        f->pairs = (int64_t)pairs.count;
        f->flows = xcalloc(pairs.count ? pairs.count : 1, sizeof *f->flows);
        for (size_t i = 0; i < pairs.count; i++) {
            char origin[4], dest[4];
            snprintf(origin, sizeof origin, "%.3s", pairs.items[i].key);
            snprintf(dest, sizeof dest, "%.3s", pairs.items[i].key + 4);
            enum stats_reach reach = stats_reach_of(g, origin, dest);
            f->reach[reach] += pairs.items[i].count;
            if (pairs.items[i].count < f->threshold) {
                f->pairs_below++;
                f->victims_below += pairs.items[i].count;
                continue;
            }
            struct stats_flow *fl = &f->flows[f->count++];
            snprintf(fl->origin, sizeof fl->origin, "%s", origin);
            snprintf(fl->destination, sizeof fl->destination, "%s", dest);
            const char *sub;
            if (!stats_geo_region(g, origin, &fl->origin_region, &sub)) {
                fl->origin_region = NULL;
            }
            if (!stats_geo_region(g, dest, &fl->destination_region, &sub)) {
                fl->destination_region = NULL;
            }
            fl->reach = reach;
            fl->count = pairs.items[i].count;
        }
        if (f->count > 1) {
            qsort(f->flows, f->count, sizeof *f->flows, flow_cmp);
        }
        destinations(g, &pairs, f);
        f->rates = xcalloc(years.count ? years.count : 1, sizeof *f->rates);
        for (size_t i = 0; i < years.count && st == STATUS_OK; i++) {
            struct stats_flow_rate *rt = &f->rates[f->rates_count++];
            snprintf(rt->country, sizeof rt->country, "%.3s", years.items[i].key);
            rt->year = atoi(years.items[i].key + 4);
            rt->victims = years.items[i].count;
            st = stats_population_get(ctx, rt->country, rt->year, &rt->population);
            if (st == STATUS_NOT_FOUND) {
                rt->population = 0;
                st = STATUS_OK;
            } else if (st == STATUS_OK) {
                rt->rate = (double)rt->victims * 100000.0 / (double)rt->population;
            }
        }
        if (f->rates_count > 1) {
            qsort(f->rates, f->rates_count, sizeof *f->rates, rate_cmp);
        }
    }
    counters_free(&pairs);
    counters_free(&years);
    stats_geo_free(g);
    if (st != STATUS_OK) {
        stats_flows_free(f);
        return st;
    }
    *out = f;
    return STATUS_OK;
}

void stats_flows_free(struct stats_flows *f)
{
    if (f != NULL) {
        free(f->flows);
        free(f->destinations);
        free(f->rates);
        free(f);
    }
}

double stats_flows_share(const struct stats_flows *f, enum stats_reach r)
{
    return f->known > 0 && r < STATS_REACH_COUNT ? (double)f->reach[r] / (double)f->known : 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *stats_flows_json(const struct stats_flows *f)
{
    json_t *reach = json_object();
    for (int r = 0; r < STATS_REACH_COUNT; r++) {
        json_object_set_new(reach, reach_names[r],
                            json_pack("{sIsf}", "count", (json_int_t)f->reach[r], "share", stats_flows_share(f, r)));
    }
    json_t *flows = json_array();
    for (size_t i = 0; i < f->count; i++) {
        const struct stats_flow *fl = &f->flows[i];
        json_array_append_new(flows, json_pack("{sssssososssI}", "origin", fl->origin, "destination", fl->destination,
                                               "origin_region", str_or_null(fl->origin_region), "destination_region",
                                               str_or_null(fl->destination_region), "reach",
                                               stats_reach_name(fl->reach), "count", (json_int_t)fl->count));
    }
    json_t *dest = json_array();
    for (size_t i = 0; i < f->destinations_count; i++) {
        const struct stats_flow_destination *d = &f->destinations[i];
        json_array_append_new(dest, json_pack("{sssosIsf}", "origin_region", d->origin_region, "destination_subregion",
                                              str_or_null(d->destination_subregion), "count", (json_int_t)d->count,
                                              "share", d->share));
    }
    json_t *rates = json_array();
    for (size_t i = 0; i < f->rates_count; i++) {
        const struct stats_flow_rate *rt = &f->rates[i];
        json_array_append_new(rates, json_pack("{sssisIsoso}", "country", rt->country, "year", rt->year, "victims",
                                               (json_int_t)rt->victims, "population",
                                               rt->population > 0 ? json_integer(rt->population) : json_null(), "rate",
                                               rt->population > 0 ? json_real(rt->rate) : json_null()));
    }
    return json_pack("{sIsIsIsIsIsIsososososs}", "threshold", (json_int_t)f->threshold, "victims",
                     (json_int_t)f->victims, "known", (json_int_t)f->known, "pairs", (json_int_t)f->pairs,
                     "pairs_below", (json_int_t)f->pairs_below, "victims_below", (json_int_t)f->victims_below, "reach",
                     reach, "flows", flows, "destinations", dest, "rates", rates, "regions_version",
                     stats_regions_version());
}

char *stats_flows_csv(const struct stats_flows *f)
{
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    buf_puts(&b, "section,origin,destination,reach,year,count,share,population,rate\n");
    for (size_t i = 0; i < f->count; i++) {
        const struct stats_flow *fl = &f->flows[i];
        buf_printf(&b, "flow,%s,%s,%s,,%lld,,,\n", fl->origin, fl->destination, stats_reach_name(fl->reach),
                   (long long)fl->count);
    }
    for (int r = 0; r < STATS_REACH_COUNT; r++) {
        buf_printf(&b, "reach,,,%s,,%lld,%.4f,,\n", reach_names[r], (long long)f->reach[r], stats_flows_share(f, r));
    }
    for (size_t i = 0; i < f->destinations_count; i++) {
        const struct stats_flow_destination *d = &f->destinations[i];
        buf_printf(&b, "destination,%s,%s,,,%lld,%.4f,,\n", d->origin_region,
                   d->destination_subregion ? d->destination_subregion : "unknown", (long long)d->count, d->share);
    }
    for (size_t i = 0; i < f->rates_count; i++) {
        const struct stats_flow_rate *rt = &f->rates[i];
        if (rt->population > 0) {
            buf_printf(&b, "rate,,%s,,%d,%lld,,%lld,%.3f\n", rt->country, rt->year, (long long)rt->victims,
                       (long long)rt->population, rt->rate);
        } else {
            buf_printf(&b, "rate,,%s,,%d,%lld,,,\n", rt->country, rt->year, (long long)rt->victims);
        }
    }
    return buf_take(&b);
}
