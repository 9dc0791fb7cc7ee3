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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdc__random_tables_pass_audit),
        cmocka_unit_test(test_sdc__lone_cell_exposed),
        cmocka_unit_test(test_sdc__rounding),
        cmocka_unit_test(test_sdc__geometric_noise),
        cmocka_unit_test(test_sdc__budget_rule),
    };
    return cmocka_run_group_tests_name("sdc", tests, NULL, NULL);
}
