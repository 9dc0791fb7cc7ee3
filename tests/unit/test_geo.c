/* test_geo: the statistics reference data and flows (issue 6, part S1) on SQLite and PostgreSQL:
 * every country of the vocabulary in the GLOTIP mapping; overrides win (and need stats.settings);
 * population import errors name the file, line and field and write nothing; rates and "no
 * population"; the reach of each kind of pair; the threshold hides small pairs from the list but
 * they count in the shares; the threshold setting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "stats/flows.h"
#include "stats/regions.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency;
    int64_t worker, coord, analyst;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency = test_agency(&w->t, "Agency A");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    w->analyst = test_user(&w->t, "analyst", w->agency, "analyst", "all");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

struct op {
    const char *country, *region, *subregion, *citizenship, *destination, *text, *name, *value;
    size_t rows;
    struct stats_region_row *regions;
    struct stats_population_row *pop;
    size_t count;
    struct stats_flows_query q;
    struct stats_flows *flows;
    struct stats_geo *geo;
    double rate;
    int year;
};

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_set, stats_region_set(c, o->country, o->region, o->subregion))
OPFN(op_clear, stats_region_clear(c, o->country))
OPFN(op_list, stats_regions_list(c, &o->regions, &o->count))
OPFN(op_geo, stats_geo_load(c, &o->geo))
OPFN(op_import, stats_population_import(c, "pop.csv", o->text, strlen(o->text), &o->rows))
OPFN(op_pop_list, stats_population_list(c, NULL, &o->pop, &o->count))
OPFN(op_rate, stats_population_rate(c, o->country, o->year, 50, &o->rate))
OPFN(op_flows, stats_flows(c, &o->q, &o->flows))
OPFN(op_setting, stats_setting_put(c, o->name, o->value))

static enum status op_case(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Flow");
    if (st == STATUS_OK && o->citizenship) {
        st = case_value_parse(&in, CASE_F_citizenship, o->citizenship);
    }
    if (st == STATUS_OK && o->destination) {
        st = case_value_parse(&in, CASE_F_exploitation_country, o->destination);
    }
    struct case_record *rec = NULL;
    if (st == STATUS_OK) {
        st = case_create(c, &in, &rec);
    }
    case_record_free(rec);
    case_record_clear(&in);
    return st;
}

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void cases(struct world *w, const char *from, const char *to, int n)
{
    for (int i = 0; i < n; i++) {
        struct op o = {.citizenship = from, .destination = to};
        assert_int_equal(run_as(w, w->worker, op_case, &o), STATUS_OK);
    }
}

static void test_geo__every_country_mapped(void **state)
{
    (void)state;
    size_t nr, ns;
    stats_regions_codes(&nr);
    stats_subregions_codes(&ns);
    assert_int_equal(nr, 4);
    assert_int_equal(ns, 10);
    assert_string_equal(stats_regions_version(), "glotip-2018.1");
    size_t n = vocab_builtin_size("country"), unassigned = 0;
    assert_true(n > 240);
    for (size_t i = 0; i < n; i++) {
        const char *code = vocab_code("country", i), *r, *s;
        if (!stats_region_listed(code)) {
            fail_msg("country %s is not in data/regions/glotip.json", code);
        }
        if (!stats_region_builtin(code, &r, &s)) {
            unassigned++;
            continue;
        }
        assert_string_equal(stats_subregion_region(s), r);
        assert_non_null(stats_region_name(r));
        assert_non_null(stats_region_name(s));
    }
    assert_int_equal(unassigned, 1); /* Antarctica */
    const struct {
        const char *country, *subregion;
    } known[] = {{"TUR", "western_southern_europe"},
                 {"FRA", "western_southern_europe"},
                 {"POL", "central_southeastern_europe"},
                 {"SRB", "central_southeastern_europe"},
                 {"RUS", "eastern_europe_central_asia"},
                 {"KAZ", "eastern_europe_central_asia"},
                 {"MEX", "north_america"},
                 {"GTM", "central_america_caribbean"},
                 {"BRA", "south_america"},
                 {"EGY", "north_africa_middle_east"},
                 {"SAU", "north_africa_middle_east"},
                 {"NGA", "sub_saharan_africa"},
                 {"IND", "south_asia"},
                 {"PHL", "east_asia_pacific"}};
    for (size_t i = 0; i < ARRAY_LEN(known); i++) {
        const char *r, *s;
        assert_true(stats_region_builtin(known[i].country, &r, &s));
        assert_string_equal(s, known[i].subregion);
    }
}

static void test_geo__overrides_win(void **state)
{
    struct world *w = *state;
    struct op o = {.country = "TUR", .subregion = "eastern_europe_central_asia"};
    assert_int_equal(run_as(w, w->worker, op_set, &o), STATUS_DENIED);
    o.region = "americas";
    assert_int_equal(run_as(w, w->coord, op_set, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "region");
    o.region = NULL;
    o.subregion = "nowhere";
    assert_int_equal(run_as(w, w->coord, op_set, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "subregion");
    o.subregion = "eastern_europe_central_asia";
    o.country = "QQQ";
    assert_int_equal(run_as(w, w->coord, op_set, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    o.country = "TUR";
    assert_int_equal(run_as(w, w->analyst, op_set, &o), STATUS_OK);

    struct op g = {0};
    assert_int_equal(run_as(w, w->coord, op_geo, &g), STATUS_OK);
    const char *r, *s;
    assert_true(stats_geo_region(g.geo, "TUR", &r, &s));
    assert_string_equal(s, "eastern_europe_central_asia");
    assert_string_equal(r, "europe_central_asia");
    assert_int_equal(stats_reach_of(g.geo, "TUR", "RUS"), STATS_SUBREGIONAL);
    assert_int_equal(stats_reach_of(NULL, "TUR", "RUS"), STATS_INTRAREGIONAL);
    stats_geo_free(g.geo);

    struct op l = {0};
    assert_int_equal(run_as(w, w->worker, op_list, &l), STATUS_DENIED);
    assert_int_equal(run_as(w, w->analyst, op_list, &l), STATUS_OK);
    assert_int_equal(l.count, vocab_size("country"));
    size_t overridden = 0;
    for (size_t i = 0; i < l.count; i++) {
        if (l.regions[i].overridden) {
            overridden++;
            assert_string_equal(l.regions[i].country, "TUR");
            assert_string_equal(l.regions[i].subregion, "eastern_europe_central_asia");
        }
    }
    assert_int_equal(overridden, 1);
    json_t *j = stats_regions_json(l.regions, l.count);
    assert_int_equal(json_array_size(j), l.count);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "country")), l.regions[0].country);
    json_decref(j);
    free(l.regions);

    /* An unassigned country can be mapped by the instance. */
    struct op ata = {.country = "ATA", .subregion = "east_asia_pacific"};
    assert_int_equal(run_as(w, w->coord, op_set, &ata), STATUS_OK);
    assert_int_equal(run_as(w, w->coord, op_geo, &g), STATUS_OK);
    assert_true(stats_geo_region(g.geo, "ATA", &r, &s));
    stats_geo_free(g.geo);

    assert_int_equal(run_as(w, w->coord, op_clear, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->coord, op_clear, &o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->coord, op_geo, &g), STATUS_OK);
    assert_true(stats_geo_region(g.geo, "TUR", &r, &s));
    assert_string_equal(s, "western_southern_europe");
    stats_geo_free(g.geo);
}

static size_t population_rows(struct world *w)
{
    struct op l = {0};
    assert_int_equal(run_as(w, w->analyst, op_pop_list, &l), STATUS_OK);
    free(l.pop);
    return l.count;
}

static void test_geo__population(void **state)
{
    struct world *w = *state;
    struct op o = {.text = "country,year,population\nNGA,2024,200000000\nFrance,2024,68000000\n"};
    assert_int_equal(run_as(w, w->worker, op_import, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->coord, op_import, &o), STATUS_OK);
    assert_int_equal(o.rows, 2);
    assert_int_equal(population_rows(w), 2);

    const struct {
        const char *text, *field, *where;
    } bad[] = {
        {"country,year,population\nGHA,2024,30000000\nGHA,20x4,30000000\n", "year", "pop.csv: line 3: year:"},
        {"country,year,population\nGHA,2024,30000000\nZZZ,2024,1\n", "country", "pop.csv: line 3: country:"},
        {"country,year,population\nGHA,2024,30000000\n\nGHA,2023,1,000\n", "country", "pop.csv: line 4: country:"},
        {"country,year,population\nGHA,2024,-5\n", "population", "pop.csv: line 2: population:"},
        {"country,year,population\nGHA,2024,0\n", "population", "pop.csv: line 2: population:"},
        {"country,population,year\nGHA,5,2024\n", "year", "pop.csv: line 1: year:"},
        {"country,year,population\nGHA,2024,\"30\"000\n", "country", "pop.csv: line 2"},
        {"", "country", "pop.csv: line 1"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        struct op b = {.text = bad[i].text};
        assert_int_equal(run_as(w, w->coord, op_import, &b), STATUS_INVALID);
        if (strstr(err_last(), bad[i].where) == NULL || strcmp(err_last_field(), bad[i].field) != 0) {
            fail_msg("case %zu: \"%s\" (field %s)", i, err_last(), err_last_field());
        }
        assert_int_equal(population_rows(w), 2); /* nothing written: not even the good first row */
    }

    /* A later import replaces a year's figure. */
    struct op again = {.text = "country,year,population\r\nNGA,2024,250000000\r\n"};
    assert_int_equal(run_as(w, w->analyst, op_import, &again), STATUS_OK);
    struct op r = {.country = "NGA", .year = 2024};
    assert_int_equal(run_as(w, w->analyst, op_rate, &r), STATUS_OK);
    assert_true(r.rate > 0.0199 && r.rate < 0.0201); /* 50 per 250 million = 0.02 per 100,000 */
    r.year = 2019;
    assert_int_equal(run_as(w, w->analyst, op_rate, &r), STATUS_NOT_FOUND);
    assert_non_null(strstr(err_last(), "no population for NGA in 2019"));
}

static const struct stats_flow *find(const struct stats_flows *f, const char *o, const char *d)
{
    for (size_t i = 0; i < f->count; i++) {
        if (strcmp(f->flows[i].origin, o) == 0 && strcmp(f->flows[i].destination, d) == 0) {
            return &f->flows[i];
        }
    }
    return NULL;
}

static void test_geo__flows(void **state)
{
    struct world *w = *state;
    cases(w, "NGA", "NGA", 5); /* domestic */
    cases(w, "NGA", "GHA", 2); /* subregional: both Sub-Saharan Africa */
    cases(w, "NGA", "SAU", 1); /* intraregional: Africa and the Middle East */
    cases(w, "NGA", "ITA", 6); /* transregional */
    cases(w, "NGA", NULL, 1);  /* destination unknown: out of pairs and shares */
    cases(w, NULL, "ITA", 1);  /* origin unknown */

    struct op o = {0};
    assert_int_equal(run_as(w, w->worker, op_flows, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->analyst, op_flows, &o), STATUS_OK);
    struct stats_flows *f = o.flows;
    assert_int_equal(f->threshold, 5);
    assert_int_equal(f->victims, 16);
    assert_int_equal(f->known, 14);
    assert_int_equal(f->pairs, 4);
    assert_int_equal(f->reach[STATS_DOMESTIC], 5);
    assert_int_equal(f->reach[STATS_SUBREGIONAL], 2);
    assert_int_equal(f->reach[STATS_INTRAREGIONAL], 1);
    assert_int_equal(f->reach[STATS_TRANSREGIONAL], 6);
    assert_true(stats_flows_share(f, STATS_TRANSREGIONAL) > 6.0 / 14 - 1e-9 &&
                stats_flows_share(f, STATS_TRANSREGIONAL) < 6.0 / 14 + 1e-9);
    /* Under the threshold: not listed, but counted above. */
    assert_int_equal(f->count, 2);
    assert_int_equal(f->pairs_below, 2);
    assert_int_equal(f->victims_below, 3);
    assert_non_null(find(f, "NGA", "ITA"));
    assert_int_equal(find(f, "NGA", "ITA")->reach, STATS_TRANSREGIONAL);
    assert_string_equal(f->flows[0].origin, "NGA"); /* largest first */
    assert_string_equal(f->flows[0].destination, "ITA");
    assert_null(find(f, "NGA", "GHA"));
    /* Main destinations of Africa and the Middle East's victims abroad: Western and Southern
     * Europe 6 of 9, then Sub-Saharan Africa 2, North Africa and the Middle East 1. */
    assert_true(f->destinations_count >= 3);
    assert_string_equal(f->destinations[0].origin_region, "africa_middle_east");
    assert_string_equal(f->destinations[0].destination_subregion, "western_southern_europe");
    assert_int_equal(f->destinations[0].count, 6);
    json_t *j = stats_flows_json(f);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(json_object_get(j, "reach"), "subregional"), "count")), 2);
    assert_int_equal(json_array_size(json_object_get(j, "flows")), 2);
    json_decref(j);
    char *csv = stats_flows_csv(f);
    assert_non_null(strstr(csv, "flow,NGA,ITA,transregional,,6,,,\n"));
    assert_non_null(strstr(csv, "reach,,,subregional,,2,0.1429,,\n"));
    free(csv);
    stats_flows_free(f);

    /* A lower threshold lists every pair; the instance setting applies when the query gives none. */
    o.q.threshold = 1;
    assert_int_equal(run_as(w, w->analyst, op_flows, &o), STATUS_OK);
    assert_int_equal(o.flows->count, 4);
    assert_int_equal(find(o.flows, "NGA", "GHA")->reach, STATS_SUBREGIONAL);
    assert_int_equal(find(o.flows, "NGA", "SAU")->reach, STATS_INTRAREGIONAL);
    assert_int_equal(find(o.flows, "NGA", "NGA")->reach, STATS_DOMESTIC);
    stats_flows_free(o.flows);
    struct op s = {.name = "flow_threshold", .value = "6"};
    assert_int_equal(run_as(w, w->worker, op_setting, &s), STATUS_DENIED);
    s.value = "0";
    assert_int_equal(run_as(w, w->coord, op_setting, &s), STATUS_INVALID);
    s.value = "6";
    assert_int_equal(run_as(w, w->coord, op_setting, &s), STATUS_OK);
    o.q.threshold = 0;
    assert_int_equal(run_as(w, w->analyst, op_flows, &o), STATUS_OK);
    assert_int_equal(o.flows->threshold, 6);
    assert_int_equal(o.flows->count, 1);
    assert_int_equal(o.flows->reach[STATS_DOMESTIC], 5);
    stats_flows_free(o.flows);

    /* Rates by country of detection and year. */
    char text[128];
    struct op y = {0};
    y.q.threshold = 1;
    assert_int_equal(run_as(w, w->analyst, op_flows, &y), STATUS_OK);
    int year = y.flows->rates[0].year;
    stats_flows_free(y.flows);
    snprintf(text, sizeof text, "country,year,population\nITA,%d,70000000\n", year);
    struct op imp = {.text = text};
    assert_int_equal(run_as(w, w->coord, op_import, &imp), STATUS_OK);
    assert_int_equal(run_as(w, w->analyst, op_flows, &y), STATUS_OK);
    bool ita = false, gha = false;
    for (size_t i = 0; i < y.flows->rates_count; i++) {
        const struct stats_flow_rate *rt = &y.flows->rates[i];
        if (strcmp(rt->country, "ITA") == 0) {
            ita = true;
            assert_int_equal(rt->victims, 7);
            assert_int_equal(rt->population, 70000000);
            assert_true(rt->rate > 0.00999 && rt->rate < 0.01001);
        }
        if (strcmp(rt->country, "GHA") == 0) {
            gha = true;
            assert_int_equal(rt->population, 0); /* no population */
        }
    }
    assert_true(ita && gha);
    stats_flows_free(y.flows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_geo__every_country_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geo__overrides_win, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geo__population, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geo__flows, setup, teardown),
    };
    TEST_RUN_BOTH("geo", tests, NULL, NULL);
}
