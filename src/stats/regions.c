/* regions: the GLOTIP mapping is parsed once from the embedded data/regions/glotip.json into
 * arrays that are never written again (lookups take no lock); the instance's overrides are read
 * for each query into a sorted array (struct stats_geo). Population and settings are plain rows. */
#include "stats/regions.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/csv.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/assets.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

#define REG_REGIONS_MAX 16
#define REG_SUBREGIONS_MAX 64
#define REG_COUNTRIES_MAX 1024
#define REG_OVERRIDES_MAX 4096

struct reg_country {
    char code[4];
    int sub; /* index into subregions, -1: unassigned */
};

static struct {
    char *version;
    char *region_code[REG_REGIONS_MAX];
    char *region_name[REG_REGIONS_MAX];
    size_t regions;
    char *sub_code[REG_SUBREGIONS_MAX];
    char *sub_name[REG_SUBREGIONS_MAX];
    int sub_region[REG_SUBREGIONS_MAX];
    size_t subs;
    struct reg_country countries[REG_COUNTRIES_MAX]; /* sorted by code */
    size_t count;
    bool ok;
} reg;

static pthread_once_t reg_once = PTHREAD_ONCE_INIT;

static int country_cmp(const void *a, const void *b)
{
    return strcmp(((const struct reg_country *)a)->code, ((const struct reg_country *)b)->code);
}

static void reg_add_country(const char *code, int sub)
{
    if (reg.count < REG_COUNTRIES_MAX && code != NULL && strlen(code) == 3) {
        snprintf(reg.countries[reg.count].code, 4, "%s", code);
        reg.countries[reg.count++].sub = sub;
    }
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

static void reg_load(void)
{
    const struct asset *a = asset_find("regions/glotip.json");
    json_error_t jerr;
    json_t *doc = a != NULL ? json_loadb(a->data, a->len, 0, &jerr) : NULL;
    if (doc == NULL) {
        log_error("stats: regions/glotip.json missing or invalid");
        return;
    }
    reg.version = xstrdup(jstr(doc, "version"));
    size_t ri, si, ci;
    json_t *r, *s, *c;
    json_array_foreach(json_object_get(doc, "regions"), ri, r)
    {
        if (reg.regions == REG_REGIONS_MAX) {
            break;
        }
        reg.region_code[reg.regions] = xstrdup(jstr(r, "code"));
        reg.region_name[reg.regions] = xstrdup(jstr(r, "name"));
        json_array_foreach(json_object_get(r, "subregions"), si, s)
        {
            if (reg.subs == REG_SUBREGIONS_MAX) {
                break;
            }
            reg.sub_code[reg.subs] = xstrdup(jstr(s, "code"));
            reg.sub_name[reg.subs] = xstrdup(jstr(s, "name"));
            reg.sub_region[reg.subs] = (int)reg.regions;
            json_array_foreach(json_object_get(s, "countries"), ci, c)
            {
                reg_add_country(json_string_value(c), (int)reg.subs);
            }
            reg.subs++;
        }
        reg.regions++;
    }
    json_array_foreach(json_object_get(doc, "unassigned"), ci, c)
    {
        reg_add_country(json_string_value(c), -1);
    }
    json_decref(doc);
    qsort(reg.countries, reg.count, sizeof reg.countries[0], country_cmp);
    reg.ok = true;
}

static void reg_init(void)
{
    pthread_once(&reg_once, reg_load);
}

static const struct reg_country *reg_find(const char *iso3)
{
    reg_init();
    if (iso3 == NULL || strlen(iso3) != 3) {
        return NULL;
    }
    struct reg_country key;
    snprintf(key.code, 4, "%s", iso3);
    return bsearch(&key, reg.countries, reg.count, sizeof reg.countries[0], country_cmp);
}

const char *stats_regions_version(void)
{
    reg_init();
    return reg.version ? reg.version : "";
}

const char *const *stats_regions_codes(size_t *count)
{
    reg_init();
    *count = reg.regions;
    return (const char *const *)reg.region_code;
}

const char *const *stats_subregions_codes(size_t *count)
{
    reg_init();
    *count = reg.subs;
    return (const char *const *)reg.sub_code;
}

const char *stats_region_name(const char *code)
{
    reg_init();
    for (size_t i = 0; code && i < reg.regions; i++) {
        if (strcmp(reg.region_code[i], code) == 0) {
            return reg.region_name[i];
        }
    }
    for (size_t i = 0; code && i < reg.subs; i++) {
        if (strcmp(reg.sub_code[i], code) == 0) {
            return reg.sub_name[i];
        }
    }
    return NULL;
}

static int sub_index(const char *code)
{
    reg_init();
    for (size_t i = 0; code && i < reg.subs; i++) {
        if (strcmp(reg.sub_code[i], code) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *stats_subregion_region(const char *subregion)
{
    int i = sub_index(subregion);
    return i < 0 ? NULL : reg.region_code[reg.sub_region[i]];
}

bool stats_region_builtin(const char *iso3, const char **region_out, const char **subregion_out)
{
    const struct reg_country *c = reg_find(iso3);
    *region_out = NULL;
    *subregion_out = NULL;
    if (c == NULL || c->sub < 0) {
        return false;
    }
    *subregion_out = reg.sub_code[c->sub];
    *region_out = reg.region_code[reg.sub_region[c->sub]];
    return true;
}

bool stats_region_listed(const char *iso3)
{
    return reg_find(iso3) != NULL;
}

/* Overrides: the region and subregion point into the built-in strings (validated on write; a
 * stored code the data file no longer has is ignored). */
struct geo_override {
    char code[8];
    const char *region;
    const char *subregion;
};

struct stats_geo {
    struct geo_override *o;
    size_t count;
};

static int override_cmp(const void *a, const void *b)
{
    return strcmp(((const struct geo_override *)a)->code, ((const struct geo_override *)b)->code);
}

enum status stats_geo_load(const struct auth_ctx *ctx, struct stats_geo **out)
{
    reg_init();
    *out = NULL;
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_STATS_REGION_OVERRIDE_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_geo *g = xcalloc(1, sizeof *g);
    size_t cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        int sub = sub_index(store_rows_text(r, 2));
        if (sub < 0 || g->count >= REG_OVERRIDES_MAX) {
            continue;
        }
        if (g->count == cap) {
            cap = cap ? cap * 2 : 16;
            g->o = xrealloc(g->o, cap * sizeof *g->o);
        }
        struct geo_override *o = &g->o[g->count++];
        snprintf(o->code, sizeof o->code, "%s", store_rows_text(r, 0));
        o->subregion = reg.sub_code[sub];
        o->region = reg.region_code[reg.sub_region[sub]];
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        stats_geo_free(g);
        return st;
    }
    if (g->count > 1) {
        qsort(g->o, g->count, sizeof *g->o, override_cmp);
    }
    *out = g;
    return STATUS_OK;
}

void stats_geo_free(struct stats_geo *g)
{
    if (g != NULL) {
        free(g->o);
        free(g);
    }
}

bool stats_geo_region(const struct stats_geo *g, const char *iso3, const char **region_out, const char **subregion_out)
{
    if (g != NULL && g->count > 0 && iso3 != NULL) {
        struct geo_override key;
        snprintf(key.code, sizeof key.code, "%s", iso3);
        const struct geo_override *o = bsearch(&key, g->o, g->count, sizeof *g->o, override_cmp);
        if (o != NULL) {
            *region_out = o->region;
            *subregion_out = o->subregion;
            return true;
        }
    }
    return stats_region_builtin(iso3, region_out, subregion_out);
}

enum status stats_regions_list(const struct auth_ctx *ctx, struct stats_region_row **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "regions");
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_geo *g = NULL;
    st = stats_geo_load(ctx, &g);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = vocab_size("country");
    struct stats_region_row *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const char *code = vocab_code("country", i);
        snprintf(rows[i].country, sizeof rows[i].country, "%s", code);
        stats_geo_region(g, code, &rows[i].region, &rows[i].subregion);
        struct geo_override key;
        snprintf(key.code, sizeof key.code, "%s", code);
        rows[i].overridden = g->count > 0 && bsearch(&key, g->o, g->count, sizeof *g->o, override_cmp) != NULL;
    }
    stats_geo_free(g);
    *out = rows;
    *count_out = n;
    return STATUS_OK;
}

json_t *stats_regions_json(const struct stats_region_row *rows, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(arr, json_pack("{sssososb}", "country", rows[i].country, "region",
                                             rows[i].region ? json_string(rows[i].region) : json_null(), "subregion",
                                             rows[i].subregion ? json_string(rows[i].subregion) : json_null(),
                                             "overridden", rows[i].overridden));
    }
    return arr;
}

static enum status country_check(const char *country)
{
    if (country == NULL || strlen(country) != 3 || vocab_index("country", country) < 0) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 alpha-3 code of the country vocabulary");
    }
    return STATUS_OK;
}

enum status stats_region_set(const struct auth_ctx *ctx, const char *country, const char *region, const char *subregion)
{
    enum status st = country_check(country);
    if (st != STATUS_OK) {
        return st;
    }
    const char *own = stats_subregion_region(subregion);
    if (own == NULL) {
        return err_set_field(STATUS_INVALID, "subregion", "subregion: a GLOTIP subregion code (see ctis regions list)");
    }
    if (region != NULL && region[0] != '\0' && strcmp(region, own) != 0) {
        return err_set_field(STATUS_INVALID, "region", "region: subregion %s belongs to region %s", subregion, own);
    }
    st = auth_check(ctx, "stats.settings", NULL, AUTH_FG_NONE, true, "region override");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(country), sqlv_text(own), sqlv_text(subregion), SQLV_I64(util_now_ms()),
                            sqlv_text(ctx->who->username)};
    return store_exec(ctx->store, STMT_STATS_REGION_OVERRIDE_PUT, a, ARRAY_LEN(a), NULL);
}

enum status stats_region_clear(const struct auth_ctx *ctx, const char *country)
{
    enum status st = country_check(country);
    if (st != STATUS_OK) {
        return st;
    }
    st = auth_check(ctx, "stats.settings", NULL, AUTH_FG_NONE, true, "region override");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(country)};
    st = store_exec(ctx->store, STMT_STATS_REGION_OVERRIDE_DELETE, a, 1, NULL);
    if (st == STATUS_OK && store_changes(ctx->store) == 0) {
        return err_set(STATUS_NOT_FOUND, "no region override for %s", country);
    }
    return st;
}

/* Population. */

static bool parse_int(const char *s, int64_t *out)
{
    if (s == NULL || s[0] == '\0' || strlen(s) > 15) {
        return false;
    }
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

static const char *const pop_columns[] = {"country", "year", "population"};

enum status stats_population_import(const struct auth_ctx *ctx, const char *name, const char *text, size_t len,
                                    size_t *rows_out)
{
    *rows_out = 0;
    const char *file = name && name[0] ? name : "population.csv";
    enum status st = auth_check(ctx, "stats.settings", NULL, AUTH_FG_NONE, true, "population import");
    if (st != STATUS_OK) {
        return st;
    }
    if (text == NULL || len == 0) {
        return err_set_field(STATUS_INVALID, "country",
                             "%s: line 1: the file is empty (header country,year,population)", file);
    }
    FILE *in = fmemopen((void *)text, len, "r");
    if (in == NULL) {
        return err_set(STATUS_IO, "%s: cannot be read", file);
    }
    struct csv_reader *r = csv_reader_new(in);
    int64_t now = util_now_ms();
    size_t rows = 0;
    bool header = true;
    while ((st = csv_reader_next(r)) == STATUS_OK) {
        int64_t line = csv_reader_line(r);
        if (csv_reader_blank(r)) {
            continue;
        }
        if (header) {
            header = false;
            for (size_t i = 0; i < ARRAY_LEN(pop_columns) && st == STATUS_OK; i++) {
                if (csv_reader_count(r) != ARRAY_LEN(pop_columns) ||
                    strcmp(csv_reader_field(r, i), pop_columns[i]) != 0) {
                    st = err_set_field(STATUS_INVALID, pop_columns[i],
                                       "%s: line %lld: %s: the header must be country,year,population", file,
                                       (long long)line, pop_columns[i]);
                }
            }
            if (st != STATUS_OK) {
                break;
            }
            continue;
        }
        if (csv_reader_count(r) != ARRAY_LEN(pop_columns)) {
            st = err_set_field(STATUS_INVALID, "country", "%s: line %lld: country: 3 fields expected, %zu found", file,
                               (long long)line, csv_reader_count(r));
            break;
        }
        const char *code = NULL;
        if (vocab_parse("country", csv_reader_field(r, 0), &code) != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, "country", "%s: line %lld: country: not a country of the vocabulary",
                               file, (long long)line);
            break;
        }
        int64_t year = 0, pop = 0;
        if (!parse_int(csv_reader_field(r, 1), &year) || year < 1900 || year > 2200) {
            st = err_set_field(STATUS_INVALID, "year", "%s: line %lld: year: a year from 1900 to 2200", file,
                               (long long)line);
            break;
        }
        if (!parse_int(csv_reader_field(r, 2), &pop) || pop <= 0) {
            st = err_set_field(STATUS_INVALID, "population",
                               "%s: line %lld: population: a positive whole number without separators", file,
                               (long long)line);
            break;
        }
        if (rows >= STATS_POPULATION_ROWS_MAX) {
            st = err_set_field(STATUS_TOO_LARGE, "country", "%s: line %lld: more than %d rows", file, (long long)line,
                               STATS_POPULATION_ROWS_MAX);
            break;
        }
        struct sql_value a[] = {sqlv_text(code), SQLV_I64(year), SQLV_I64(pop), SQLV_I64(now),
                                sqlv_text(ctx->who->username)};
        st = store_exec(ctx->store, STMT_STATS_POPULATION_PUT, a, ARRAY_LEN(a), NULL);
        if (st != STATUS_OK) {
            break;
        }
        rows++;
    }
    if (st == STATUS_INVALID || st == STATUS_TOO_LARGE) {
        /* the reader's own message names the line; add the file */
        if (strstr(err_last(), file) != err_last()) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", err_last());
            const char *field = err_last_field()[0] ? err_last_field() : "country";
            char fbuf[32];
            snprintf(fbuf, sizeof fbuf, "%s", field);
            st = err_set_field(st, fbuf, "%s: %s", file, msg);
        }
    }
    csv_reader_free(r);
    fclose(in);
    if (st == STATUS_DONE && header) {
        return err_set_field(STATUS_INVALID, "country",
                             "%s: line 1: the file is empty (header country,year,population)", file);
    }
    if (st != STATUS_DONE) {
        return st;
    }
    *rows_out = rows;
    return STATUS_OK;
}

enum status stats_population_list(const struct auth_ctx *ctx, const char *country, struct stats_population_row **out,
                                  size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "population");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(country ? country : "")};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_STATS_POPULATION_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_population_row *rows = NULL;
    size_t n = 0, cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        snprintf(rows[n].country, sizeof rows[n].country, "%s", store_rows_text(r, 0));
        rows[n].year = (int)store_rows_i64(r, 1);
        rows[n].population = store_rows_i64(r, 2);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(rows);
        return st;
    }
    *out = rows;
    *count_out = n;
    return STATUS_OK;
}

enum status stats_population_get(const struct auth_ctx *ctx, const char *iso3, int year, int64_t *out)
{
    *out = 0;
    struct sql_value a[] = {sqlv_text(iso3 ? iso3 : ""), SQLV_I64(year)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_STATS_POPULATION_GET, a, 2, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no population for %.8s in %d", iso3 ? iso3 : "", year);
    }
    if (st == STATUS_OK) {
        *out = store_rows_i64(r, 0);
        store_rows_free(r);
    }
    return st;
}

enum status stats_population_rate(const struct auth_ctx *ctx, const char *iso3, int year, int64_t count,
                                  double *rate_out)
{
    *rate_out = 0;
    int64_t pop = 0;
    enum status st = stats_population_get(ctx, iso3, year, &pop);
    if (st == STATUS_OK) {
        *rate_out = (double)count * 100000.0 / (double)pop;
    }
    return st;
}

/* Settings. */

static const struct {
    const char *name;
    int64_t def, min, max;
} settings[] = {
    {"flow_threshold", STATS_FLOW_THRESHOLD_DEFAULT, 1, STATS_FLOW_THRESHOLD_MAX},
};

static int setting_index(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_LEN(settings); i++) {
        if (strcmp(settings[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

enum status stats_setting_int(const struct auth_ctx *ctx, const char *name, int64_t *out)
{
    int i = setting_index(name);
    if (i < 0) {
        return err_set_field(STATUS_INVALID, "name", "name: unknown statistics setting");
    }
    *out = settings[i].def;
    struct sql_value a[] = {sqlv_text(name)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_STATS_SETTING_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return STATUS_OK;
    }
    if (st == STATUS_OK) {
        int64_t v;
        if (parse_int(store_rows_text(r, 0), &v) && v >= settings[i].min && v <= settings[i].max) {
            *out = v;
        }
        store_rows_free(r);
    }
    return st;
}

enum status stats_setting_put(const struct auth_ctx *ctx, const char *name, const char *value)
{
    int i = setting_index(name);
    if (i < 0) {
        return err_set_field(STATUS_INVALID, "name", "name: unknown statistics setting (flow_threshold)");
    }
    int64_t v;
    if (!parse_int(value, &v) || v < settings[i].min || v > settings[i].max) {
        return err_set_field(STATUS_INVALID, name, "%s: a whole number from %lld to %lld", name,
                             (long long)settings[i].min, (long long)settings[i].max);
    }
    enum status st = auth_check(ctx, "stats.settings", NULL, AUTH_FG_NONE, true, "statistics settings");
    if (st != STATUS_OK) {
        return st;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    struct sql_value a[] = {sqlv_text(name), sqlv_text(buf), SQLV_I64(util_now_ms()), sqlv_text(ctx->who->username)};
    return store_exec(ctx->store, STMT_STATS_SETTING_PUT, a, ARRAY_LEN(a), NULL);
}

enum status stats_settings_json(const struct auth_ctx *ctx, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "statistics settings");
    json_t *o = json_object();
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(settings); i++) {
        int64_t v;
        st = stats_setting_int(ctx, settings[i].name, &v);
        if (st == STATUS_OK) {
            json_object_set_new(o, settings[i].name, json_integer(v));
        }
    }
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}
