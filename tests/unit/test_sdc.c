/* test_sdc: disclosure control (src/stats/sdc.c, sdc_audit.c): suppressed random two-way
 * tables pass the LP audit and show no small cell, a lone suppressed cell in a row is found
 * exposed, rounding, the geometric noise's mean and spread, the budget ledger (pure and in the
 * store) and the release records. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on
#include <math.h>

#include "stats/release.h"
#include "stats/sdc.h"
#include "testlib.h"

/* splitmix64: the seedable generator of these tests (production draws from vault_random). */
static uint64_t seeded(void *arg)
{
    uint64_t *s = arg;
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A random r x c table: mostly small counts, some zeros, some large. */
static void random_cells(uint64_t *seed, int64_t *cells, size_t rows, size_t cols)
{
    for (size_t i = 0; i < rows * cols; i++) {
        uint64_t u = seeded(seed) % 100;
        cells[i] = u < 15 ? 0 : u < 55 ? (int64_t)(seeded(seed) % 5) : (int64_t)(seeded(seed) % 60);
    }
}

static void test_sdc__random_tables_pass_audit(void **state)
{
    (void)state;
    uint64_t seed = 42;
    size_t suppressed_total = 0, secondary_total = 0;
    for (int round = 0; round < 150; round++) {
        size_t rows = 2 + seeded(&seed) % 6, cols = 2 + seeded(&seed) % 6;
        int64_t cells[64];
        random_cells(&seed, cells, rows, cols);
        struct sdc_table *t = sdc_table_two_way(cells, rows, cols);
        struct sdc_audit a;
        assert_int_equal(sdc_suppress(t, 5, 5.0, &a), STATUS_OK);
        assert_int_equal(a.exposed, 0);
        for (size_t i = 0; i < t->ncells; i++) {
            char text[32];
            sdc_cell_text(t, i, 5, text);
            if (t->state[i] == SDC_PUBLISHED) {
                /* Never a published cell under the threshold, other than zero. */
                assert_true(t->value[i] == 0 || t->value[i] >= 5);
                assert_int_equal(strtoll(text, NULL, 10), t->value[i]);
            } else {
                suppressed_total++;
                secondary_total += t->state[i] == SDC_SECONDARY;
                assert_true(a.cells[i].max - a.cells[i].min >= 5.0 - 1e-9);
                /* The true value lies in the interval. */
                assert_true(a.cells[i].min <= (double)t->value[i] + 1e-6);
                assert_true(a.cells[i].max >= (double)t->value[i] - 1e-6);
                assert_string_equal(text, t->state[i] == SDC_PRIMARY ? "<5" : "x");
            }
        }
        /* The audit itself: an independent re-run agrees. */
        struct sdc_audit b;
        assert_int_equal(sdc_audit(t, 5.0, &b), STATUS_OK);
        assert_int_equal(b.exposed, 0);
        sdc_audit_free(&b);
        sdc_audit_free(&a);
        sdc_table_free(t);
    }
    assert_true(suppressed_total > 100);
    assert_true(secondary_total > 50);
}

static void test_sdc__lone_cell_exposed(void **state)
{
    (void)state;
    int64_t cells[] = {3, 20, 30, 12, 40, 25, 8, 9, 50};
    struct sdc_table *t = sdc_table_two_way(cells, 3, 3);
    t->state[0] = SDC_PRIMARY; /* only this one: row 0 and column 0 give it away */
    struct sdc_audit a;
    assert_int_equal(sdc_audit(t, 5.0, &a), STATUS_OK);
    assert_int_equal(a.suppressed, 1);
    assert_int_equal(a.exposed, 1);
    assert_true(a.cells[0].exposed);
    assert_true(fabs(a.cells[0].min - 3.0) < 1e-9 && fabs(a.cells[0].max - 3.0) < 1e-9);
    sdc_audit_free(&a);
    /* Two cells of one row hidden, but each the only hidden one of its column: still exposed. */
    t->state[1] = SDC_PRIMARY;
    assert_int_equal(sdc_audit(t, 5.0, &a), STATUS_OK);
    assert_int_equal(a.exposed, 2);
    sdc_audit_free(&a);
    /* A rectangle of four hidden cells: the 3 can be anything in [0, 15] (3 + 12 in column 0). */
    t->state[3] = t->state[4] = SDC_SECONDARY;
    assert_int_equal(sdc_audit(t, 5.0, &a), STATUS_OK);
    assert_int_equal(a.exposed, 0);
    assert_true(fabs(a.cells[0].min) < 1e-9 && fabs(a.cells[0].max - 15.0) < 1e-9);
    /* ... but not with a protection width wider than that interval. */
    sdc_audit_free(&a);
    assert_int_equal(sdc_audit(t, 16.0, &a), STATUS_OK);
    assert_true(a.exposed > 0);
    sdc_audit_free(&a);
    sdc_table_free(t);

    /* One-way: one hidden cell and the total give it away; suppression adds a complement. */
    int64_t one[] = {2, 7, 30, 11};
    t = sdc_table_one_way(one, 4);
    assert_int_equal(sdc_suppress(t, 5, 5.0, &a), STATUS_OK);
    assert_int_equal(a.exposed, 0);
    assert_int_equal(t->state[0], SDC_PRIMARY);
    assert_int_equal(t->state[1], SDC_SECONDARY); /* the smallest other cell */
    assert_int_equal(t->state[4], SDC_PUBLISHED); /* the total, 50 */
    sdc_audit_free(&a);
    sdc_table_free(t);

    /* A small margin is suppressed too. */
    int64_t small[] = {1, 2, 40, 30};
    t = sdc_table_two_way(small, 2, 2);
    assert_int_equal(sdc_suppress(t, 5, 5.0, &a), STATUS_OK);
    assert_int_equal(a.exposed, 0);
    assert_int_not_equal(t->state[4], SDC_PUBLISHED); /* row 0's total, 3 */
    sdc_audit_free(&a);
    sdc_table_free(t);
}

/* An n-way table given as cells and margin groups: a hierarchy a + b = s1, c + d = s2, s1 + s2 = t. */
static void test_sdc__groups(void **state)
{
    (void)state;
    struct sdc_table *t = sdc_table_new(7);
    const int64_t v[] = {3, 20, 30, 11, 23, 41, 64};
    memcpy(t->value, v, sizeof v);
    const size_t g1[] = {0, 1}, g2[] = {2, 3}, g3[] = {4, 5};
    assert_int_equal(sdc_table_group(t, 4, g1, 2), STATUS_OK);
    assert_int_equal(sdc_table_group(t, 5, g2, 2), STATUS_OK);
    assert_int_equal(sdc_table_group(t, 6, g3, 2), STATUS_OK);
    assert_int_equal(sdc_table_group(t, 9, g3, 2), STATUS_INVALID);
    struct sdc_audit a;
    assert_int_equal(sdc_suppress(t, 5, 5.0, &a), STATUS_OK);
    assert_int_equal(a.exposed, 0);
    assert_int_equal(t->state[0], SDC_PRIMARY);
    assert_int_not_equal(t->state[1], SDC_PUBLISHED); /* b or s1 must go with a */
    for (size_t i = 0; i < t->ncells; i++) {
        assert_true(t->state[i] != SDC_PUBLISHED || t->value[i] == 0 || t->value[i] >= 5);
    }
    sdc_audit_free(&a);
    sdc_table_free(t);
}

static void test_sdc__rounding(void **state)
{
    (void)state;
    assert_int_equal(sdc_round(0, 5), 0);
    assert_int_equal(sdc_round(5, 5), 5);
    assert_int_equal(sdc_round(7, 5), 5);
    assert_int_equal(sdc_round(8, 5), 10);
    assert_int_equal(sdc_round(12, 5), 10);
    assert_int_equal(sdc_round(13, 5), 15);
    assert_int_equal(sdc_round(15, 10), 20); /* halves upwards */
    assert_int_equal(sdc_round(14, 10), 10);
    assert_int_equal(sdc_round(1234, 100), 1200);
    int64_t cells[] = {0, 3, 7, 26};
    struct sdc_table *t = sdc_table_one_way(cells, 4);
    sdc_round_table(t, 5, 5);
    char text[32];
    sdc_cell_text(t, 0, 5, text);
    assert_string_equal(text, "0");
    sdc_cell_text(t, 1, 5, text);
    assert_string_equal(text, "<5");
    sdc_cell_text(t, 2, 5, text);
    assert_string_equal(text, "5");
    sdc_cell_text(t, 3, 5, text);
    assert_string_equal(text, "25");
    sdc_cell_text(t, 4, 5, text);
    assert_string_equal(text, "35"); /* the total, 36, rounded on its own */
    sdc_table_free(t);
}

static void test_sdc__geometric_noise(void **state)
{
    (void)state;
    uint64_t seed = 7;
    const double eps[] = {0.1, 0.5, 1.0, 2.0};
    for (size_t e = 0; e < 4; e++) {
        double sum = 0, sq = 0;
        int n = 100000;
        int64_t zeros = 0;
        for (int i = 0; i < n; i++) {
            int64_t z = sdc_geometric(eps[e], seeded, &seed);
            sum += (double)z;
            sq += (double)z * (double)z;
            zeros += z == 0;
        }
        double alpha = exp(-eps[e]);
        double var = 2 * alpha / ((1 - alpha) * (1 - alpha));
        double mean = sum / n, v = sq / n - mean * mean;
        assert_true(fabs(mean) < 5 * sqrt(var / n) + 1e-3);
        assert_true(v > 0.9 * var && v < 1.1 * var);
        double p0 = (1 - alpha) / (1 + alpha); /* P(0) of the two-sided geometric */
        assert_true(fabs((double)zeros / n - p0) < 0.01);
    }
    /* Production randomness: draws vary. */
    int64_t first = sdc_geometric(0.1, NULL, NULL);
    bool varied = false;
    for (int i = 0; i < 50 && !varied; i++) {
        varied = sdc_geometric(0.1, NULL, NULL) != first;
    }
    assert_true(varied);
    /* A noisy table: no negative cell, margins add up, small ones hidden. */
    int64_t cells[] = {0, 1, 2, 50, 3, 0};
    struct sdc_table *t = sdc_table_two_way(cells, 2, 3);
    sdc_dp_table(t, 0.5, 5, seeded, &seed);
    int64_t grand = 0;
    for (size_t i = 0; i < 6; i++) {
        assert_true(t->value[i] >= 0);
        grand += t->value[i];
        assert_true(t->state[i] == (t->value[i] >= 1 && t->value[i] < 5 ? SDC_PRIMARY : SDC_PUBLISHED));
    }
    assert_int_equal(t->value[t->ncells - 1], grand);
    sdc_table_free(t);
}

static void test_sdc__budget_rule(void **state)
{
    (void)state;
    assert_true(sdc_budget_allows(1.0, 0.0, 0.5));
    assert_true(sdc_budget_allows(1.0, 0.5, 0.5));
    assert_true(sdc_budget_allows(1.0, 0.7, 0.3)); /* 0.7 + 0.3 in floating point */
    assert_false(sdc_budget_allows(1.0, 0.75, 0.5));
    assert_false(sdc_budget_allows(1.0, 0.0, 0.0));
    assert_false(sdc_budget_allows(0.0, 0.0, 0.1));
}

/* Releases in the store. */
struct world {
    struct test_env t;
    int64_t coordinator, analyst, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    int64_t agency = test_agency(&w->t, "Office");
    w->coordinator = test_user(&w->t, "coord", agency, "national_coordinator", "all");
    w->analyst = test_user(&w->t, "analyst", agency, "analyst", "all");
    w->worker = test_user(&w->t, "worker", agency, "caseworker", "agency");
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

struct rel_op {
    const char *method;
    double epsilon;
    size_t nnames;
    json_t *out;
};

/* gender x year, with small cells. */
static const struct stats_row table_rows[] = {
    {{"Feminine", "2024"}, 40},  {{"Feminine", "2025"}, 3},   {{"Feminine", "2026"}, 25}, {{"Masculine", "2024"}, 2},
    {{"Masculine", "2025"}, 30}, {{"Masculine", "2026"}, 12}, {{"unknown", "2024"}, 1},   {{"unknown", "2026"}, 9},
};

static enum status op_release(const struct auth_ctx *ctx, void *p)
{
    struct rel_op *o = p;
    static const char *const names[] = {"gender", "year"};
    struct stats_release_spec spec = {.method = o->method, .epsilon = o->epsilon};
    json_t *inputs = json_pack("{s[ss]}", "by", "gender", "year");
    json_decref(o->out);
    o->out = NULL;
    enum status st = stats_release(ctx, "victims", &spec, inputs, names, o->nnames ? o->nnames : 2, table_rows,
                                   ARRAY_LEN(table_rows), &o->out);
    json_decref(inputs);
    return st;
}

static enum status release_as(const struct auth_ctx *ctx, const char *method, double epsilon, json_t **out)
{
    struct rel_op o = {.method = method, .epsilon = epsilon};
    enum status st = auth_run(ctx, op_release, &o);
    *out = o.out;
    return st;
}

struct budget_op {
    double epsilon;
    json_t *out;
};

static enum status op_budget_set(const struct auth_ctx *ctx, void *p)
{
    return stats_budget_set(ctx, "victims", ((struct budget_op *)p)->epsilon);
}

static enum status op_budget_list(const struct auth_ctx *ctx, void *p)
{
    struct budget_op *o = p;
    json_decref(o->out);
    return stats_budget_list(ctx, &o->out);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    json_t **out = p;
    json_decref(*out);
    return stats_releases_list(ctx, NULL, 100, out);
}

static void no_small_cells(const json_t *entries)
{
    size_t i;
    const json_t *e;
    json_array_foreach(entries, i, e)
    {
        const json_t *c = json_object_get(e, "count");
        if (json_is_integer(c)) {
            assert_true(json_integer_value(c) == 0 || json_integer_value(c) >= 5);
        } else {
            assert_true(strcmp(json_string_value(c), "<5") == 0 || strcmp(json_string_value(c), "x") == 0);
        }
    }
}

static void test_sdc__release_suppress(void **state)
{
    struct world *w = *state;
    struct test_as coord;
    test_as_user(&w->t, &coord, w->coordinator);
    json_t *out = NULL;
    assert_int_equal(release_as(&coord.ctx, "suppress", 0, &out), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(out, "rows")), 9); /* 3 x 3, the missing one as 0 */
    no_small_cells(json_object_get(out, "rows"));
    const json_t *m = json_object_get(out, "margins");
    no_small_cells(json_object_get(m, "rows"));
    no_small_cells(json_object_get(m, "columns"));
    assert_int_equal(json_integer_value(json_object_get(m, "total")), 122);
    const json_t *audit = json_object_get(out, "audit");
    assert_true(json_is_true(json_object_get(audit, "passed")));
    assert_int_equal(json_integer_value(json_object_get(audit, "exposed")), 0);
    assert_true(json_integer_value(json_object_get(audit, "suppressed")) >= 4);
    /* The recorded hash is the SHA-256 of the output without its release member. */
    json_t *copy = json_deep_copy(out);
    json_object_del(copy, "release");
    char *canon = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    struct vault_sha256 h;
    uint8_t d[VAULT_SHA256_BYTES];
    vault_sha256_init(&h);
    vault_sha256_update(&h, canon, strlen(canon));
    vault_sha256_final(&h, d);
    char hex[65];
    for (size_t i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    assert_string_equal(hex, json_string_value(json_object_get(json_object_get(out, "release"), "sha256")));
    free(canon);
    json_decref(copy);
    char *csv = stats_release_csv(out);
    assert_non_null(strstr(csv, "gender,year,count\n"));
    assert_non_null(strstr(csv, "total,total,122\n"));
    free(csv);
    json_decref(out);

    /* Rounding. */
    assert_int_equal(release_as(&coord.ctx, "round", 0, &out), STATUS_OK);
    no_small_cells(json_object_get(out, "rows"));
    assert_null(json_object_get(out, "audit"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "margins"), "total")), 120);
    json_decref(out);

    /* The analyst reads statistics but does not release; a caseworker does neither. */
    struct test_as analyst, worker;
    test_as_user(&w->t, &analyst, w->analyst);
    test_as_user(&w->t, &worker, w->worker);
    assert_int_equal(release_as(&analyst.ctx, "suppress", 0, &out), STATUS_DENIED);
    json_t *list = NULL;
    assert_int_equal(auth_run(&analyst.ctx, op_list, &list), STATUS_OK);
    assert_int_equal(json_array_size(list), 2);
    /* Two releases within one millisecond have no order among them: find the suppression. */
    const json_t *r0 = json_array_get(list, 0);
    if (strcmp(json_string_value(json_object_get(r0, "method")), "suppress") != 0) {
        r0 = json_array_get(list, 1);
    }
    assert_string_equal(json_string_value(json_object_get(r0, "method")), "suppress");
    assert_string_equal(json_string_value(json_object_get(r0, "actor")), "coord");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "parameters"), "threshold")), 5);
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(r0, "inputs"), "by"), 1)),
                        "year");
    json_decref(list);
    list = NULL;
    assert_int_equal(auth_run(&worker.ctx, op_list, &list), STATUS_DENIED);
    json_decref(list);
    auth_principal_clear(&analyst.p);
    auth_principal_clear(&worker.p);
    auth_principal_clear(&coord.p);
}

static void test_sdc__release_dp_ledger(void **state)
{
    struct world *w = *state;
    struct test_as coord;
    test_as_user(&w->t, &coord, w->coordinator);
    json_t *out = NULL;
    /* No budget yet: refused. */
    assert_int_equal(release_as(&coord.ctx, "dp", 0.5, &out), STATUS_CONFLICT);
    struct budget_op b = {.epsilon = 1.0};
    assert_int_equal(auth_run(&coord.ctx, op_budget_set, &b), STATUS_OK);
    assert_int_equal(release_as(&coord.ctx, "dp", 0.5, &out), STATUS_OK);
    no_small_cells(json_object_get(out, "rows"));
    int64_t grand = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(json_object_get(out, "margins"), "rows"), i, e)
    {
        const json_t *c = json_object_get(e, "count");
        grand += json_is_integer(c) ? json_integer_value(c) : 0;
    }
    assert_true(grand <= json_integer_value(json_object_get(json_object_get(out, "margins"), "total")));
    json_decref(out);
    assert_int_equal(release_as(&coord.ctx, "dp", 0.25, &out), STATUS_OK);
    json_decref(out);
    assert_int_equal(release_as(&coord.ctx, "dp", 0.25, &out), STATUS_OK);
    json_decref(out);
    /* Spent: refused, and nothing recorded for the refusal. */
    assert_int_equal(release_as(&coord.ctx, "dp", 0.01, &out), STATUS_CONFLICT);
    assert_null(out);
    assert_int_equal(auth_run(&coord.ctx, op_budget_list, &b), STATUS_OK);
    const json_t *v = json_array_get(b.out, 0);
    assert_string_equal(json_string_value(json_object_get(v, "dataset")), "victims");
    assert_true(fabs(json_real_value(json_object_get(v, "spent")) - 1.0) < 1e-9);
    assert_true(fabs(json_real_value(json_object_get(v, "remaining"))) < 1e-9);
    json_decref(b.out);
    json_t *list = NULL;
    assert_int_equal(auth_run(&coord.ctx, op_list, &list), STATUS_OK);
    assert_int_equal(json_array_size(list), 3);
    json_decref(list);
    /* A larger budget lets releases go on; what was spent stays. */
    b = (struct budget_op){.epsilon = 2.0};
    assert_int_equal(auth_run(&coord.ctx, op_budget_set, &b), STATUS_OK);
    assert_int_equal(release_as(&coord.ctx, "dp", 1.0, &out), STATUS_OK);
    json_decref(out);
    assert_int_equal(release_as(&coord.ctx, "dp", 0.5, &out), STATUS_CONFLICT);
    /* Bad specs. */
    assert_int_equal(release_as(&coord.ctx, "dp", 0, &out), STATUS_INVALID);
    assert_int_equal(release_as(&coord.ctx, "suppress", 0.5, &out), STATUS_INVALID);
    assert_int_equal(release_as(&coord.ctx, "publish", 0, &out), STATUS_INVALID);
    auth_principal_clear(&coord.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdc__random_tables_pass_audit),
        cmocka_unit_test(test_sdc__lone_cell_exposed),
        cmocka_unit_test(test_sdc__groups),
        cmocka_unit_test(test_sdc__rounding),
        cmocka_unit_test(test_sdc__geometric_noise),
        cmocka_unit_test(test_sdc__budget_rule),
        cmocka_unit_test_setup_teardown(test_sdc__release_suppress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdc__release_dp_ledger, setup, teardown),
    };
    TEST_RUN_BOTH("sdc", tests, NULL, NULL);
}
