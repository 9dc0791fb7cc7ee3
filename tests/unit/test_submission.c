/* test_submission: federated reporting (issue 6, item 5) between three instances on SQLite and
 * PostgreSQL: two national instances (Nigeria, Ghana) build signed submissions from their own
 * cases and proceedings; a regional instance refuses them until it trusts their keys, refuses
 * every one-byte change of a file, then merges them into regional and world figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "referral/legal.h"
#include "stats/submission.h"
#include "testdata.h"
#include "testlib.h"

struct world {
    struct test_env nga, gha, region;
};

static void national(struct test_env *t, bool nigeria)
{
    test_env_open(t);
    assert_int_equal(vocab_init(t->store), STATUS_OK);
    int64_t ag = test_agency(t, nigeria ? "NAPTIP" : "Ghana AHTU");
    store_tx_begin(t->store, STORE_TX_WRITE);
    if (nigeria) {
        test_case_add(t, ag, "Feminine", "16", "SexualExploitation", "NGA", NULL, "2024");
        test_case_add(t, ag, "Feminine", "30", "ForcedLabour", "BEN", NULL, "2024");
        test_case_add(t, ag, "Masculine", "40", "ForcedLabour", "NGA", NULL, "2024");
        test_convicted(t, ag, NULL, NULL);
        test_repatriated(t, ag, "2024", "ForcedLabour");
    } else {
        test_case_add(t, ag, "Masculine", "12", "ForcedBegging", "GHA", NULL, "2024");
    }
    assert_int_equal(store_tx_commit(t->store), STATUS_OK);
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);
    national(&w->nga, true);
    national(&w->gha, false);
    test_env_open(&w->region);
    assert_int_equal(vocab_init(w->region.store), STATUS_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->nga);
    test_env_close(&w->gha);
    test_env_close(&w->region);
    free(w);
    return 0;
}

static char *build(struct test_env *t, const char *country, size_t *len)
{
    struct submission_build b = {country, 2024, 2024};
    char *file = NULL;
    store_tx_begin(t->store, STORE_TX_WRITE);
    assert_int_equal(submission_build(&t->ctx, &b, &file, len), STATUS_OK);
    assert_int_equal(store_tx_commit(t->store), STATUS_OK);
    return file;
}

static enum status import(struct test_env *t, const char *data, size_t len, json_t **out)
{
    store_tx_begin(t->store, STORE_TX_WRITE);
    enum status st = submission_import(&t->ctx, data, len, out);
    if (st == STATUS_OK) {
        assert_int_equal(store_tx_commit(t->store), STATUS_OK);
    } else {
        store_tx_rollback(t->store);
    }
    return st;
}

static void trust(struct test_env *from, struct test_env *to, const char *name)
{
    uint8_t pk[VAULT_PUBKEY_BYTES];
    vault_public_key(from->vault, pk);
    assert_int_equal(vault_peer_add(to->store, name, pk), STATUS_OK);
}

/* The value of the one row matching, or -1. */
static int64_t merged_value(struct test_env *t, const char *by, const char *indicator, const char *dimension,
                            const char *area, const char *category)
{
    struct submission_query q = {by, indicator, dimension, 0, 0};
    json_t *rows = NULL;
    store_tx_begin(t->store, STORE_TX_WRITE);
    assert_int_equal(submission_merged(&t->ctx, &q, &rows), STATUS_OK);
    assert_int_equal(store_tx_commit(t->store), STATUS_OK);
    int64_t v = -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if ((area == NULL || strcmp(json_string_value(json_object_get(r, "area")), area) == 0) &&
            strcmp(json_string_value(json_object_get(r, "category")), category) == 0 &&
            strcmp(json_string_value(json_object_get(r, "sex")), "Total") == 0 &&
            strcmp(json_string_value(json_object_get(r, "age")), "Total") == 0) {
            assert_int_equal(v, -1); /* one row only */
            v = json_integer_value(json_object_get(r, "value"));
        }
    }
    json_decref(rows);
    return v;
}

static void test_submission_signed_and_canonical(void **state)
{
    struct world *w = *state;
    size_t len = 0;
    char *file = build(&w->nga, "NG", &len);
    assert_int_equal(strlen(file), len);
    /* Two lines: the payload, then the signature line. */
    char *nl = strchr(file, '\n');
    assert_non_null(nl);
    assert_memory_equal(nl + 1, SUBMISSION_SIG_PREFIX, strlen(SUBMISSION_SIG_PREFIX));
    assert_int_equal(file[len - 1], '\n');
    /* Counts only: the payload is the questionnaire's rows, with the sex x age table. */
    json_t *doc = json_loadb(file, (size_t)(nl - file), 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "country")), "NGA");
    size_t i;
    json_t *r;
    int64_t girls = -1, total = -1, convicted = -1;
    json_array_foreach(json_object_get(doc, "rows"), i, r)
    {
        const char *ind = json_string_value(json_object_get(r, "indicator"));
        const char *dim = json_string_value(json_object_get(r, "dimension"));
        const char *sex = json_string_value(json_object_get(r, "sex"));
        const char *age = json_string_value(json_object_get(r, "age"));
        int64_t v = json_integer_value(json_object_get(r, "value"));
        if (strcmp(ind, "Detected trafficking victims") == 0 && strcmp(dim, "Total") == 0) {
            if (strcmp(sex, "Female") == 0 && strcmp(age, "0 to 17 years") == 0) {
                girls = v;
            } else if (strcmp(sex, "Total") == 0 && strcmp(age, "Total") == 0) {
                total = v;
            }
        }
        if (strcmp(ind, "Persons convicted") == 0 && strcmp(dim, "Total") == 0 && strcmp(sex, "Total") == 0) {
            convicted = v;
        }
    }
    assert_int_equal(girls, 1);
    assert_int_equal(total, 4);
    assert_int_equal(convicted, 1);
    json_decref(doc);
    /* No name or identity leaves: the file holds no case field but counts and codes. */
    assert_null(strstr(file, "\"id\""));
    free(file);

    /* A caseworker may not build one (stats.publish). */
    int64_t cw = test_user(&w->nga, "cw_sub", test_agency(&w->nga, "NGO sub"), "caseworker", "own");
    struct test_as a;
    test_as_user(&w->nga, &a, cw);
    struct submission_build b = {"NGA", 2024, 2024};
    store_tx_begin(w->nga.store, STORE_TX_WRITE);
    assert_int_equal(submission_build(&a.ctx, &b, &file, &len), STATUS_DENIED);
    store_tx_rollback(w->nga.store);
    auth_principal_clear(&a.p);
    struct submission_build bad = {"NGA", 2024, 2023};
    assert_int_equal(submission_build(&w->nga.ctx, &bad, &file, &len), STATUS_INVALID);
}

static void test_submission_trust_and_tamper(void **state)
{
    struct world *w = *state;
    size_t len = 0;
    char *file = build(&w->nga, "NGA", &len);
    json_t *out = NULL;
    /* Not trusted yet. */
    assert_int_equal(import(&w->region, file, len, &out), STATUS_DENIED);
    trust(&w->nga, &w->region, "nigeria");
    /* Every one-byte change is refused: each byte flipped, one byte added, one removed. */
    char *copy = malloc(len + 1);
    size_t refused = 0;
    for (size_t i = 0; i < len; i++) {
        memcpy(copy, file, len);
        copy[i] ^= 0x01;
        if (import(&w->region, copy, len, &out) != STATUS_OK) {
            refused++;
        } else {
            json_decref(out);
            fail_msg("byte %zu changed, still imported", i);
        }
    }
    assert_int_equal(refused, len);
    memcpy(copy, file, len);
    copy[len] = '\n';
    assert_int_not_equal(import(&w->region, copy, len + 1, &out), STATUS_OK);
    assert_int_not_equal(import(&w->region, file, len - 1, &out), STATUS_OK);
    free(copy);
    /* A payload re-serialised (same figures, other spacing) and re-signed is not canonical. */
    /* The real one imports, once; the same file again changes nothing. */
    assert_int_equal(import(&w->region, file, len, &out), STATUS_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "year_from")), 2024);
    assert_false(json_is_true(json_object_get(out, "replaced")));
    json_decref(out);
    assert_int_equal(import(&w->region, file, len, &out), STATUS_OK);
    json_decref(out);
    json_t *list = NULL;
    store_tx_begin(w->region.store, STORE_TX_WRITE);
    assert_int_equal(submission_list(&w->region.ctx, &list), STATUS_OK);
    assert_int_equal(store_tx_commit(w->region.store), STATUS_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    /* A newer one replaces it; the older is then refused. */
    util_clock_offset_set(60000);
    size_t len2 = 0;
    char *newer = build(&w->nga, "NGA", &len2);
    util_clock_offset_set(0);
    assert_int_equal(import(&w->region, newer, len2, &out), STATUS_OK);
    assert_true(json_is_true(json_object_get(out, "replaced")));
    json_decref(out);
    assert_int_equal(import(&w->region, file, len, &out), STATUS_CONFLICT);
    free(newer);
    free(file);
}

static void test_submission_merged(void **state)
{
    struct world *w = *state;
    size_t l1 = 0, l2 = 0;
    char *nga = build(&w->nga, "NGA", &l1);
    char *gha = build(&w->gha, "GHA", &l2);
    json_t *out = NULL;
    trust(&w->nga, &w->region, "nigeria");
    trust(&w->gha, &w->region, "ghana");
    assert_int_equal(import(&w->region, nga, l1, &out), STATUS_OK);
    json_decref(out);
    assert_int_equal(import(&w->region, gha, l2, &out), STATUS_OK);
    json_decref(out);
    const char *V = "Detected trafficking victims";
    assert_int_equal(merged_value(&w->region, "world", V, NULL, "World", "Total"), 5);
    assert_int_equal(merged_value(&w->region, "country", V, NULL, "NGA", "Total"), 4);
    assert_int_equal(merged_value(&w->region, "country", V, NULL, "GHA", "Total"), 1);
    /* Both in one region: its figure is the sum, from two countries. */
    struct submission_query q = {"region", V, NULL, 2024, 2024};
    json_t *rows = NULL;
    store_tx_begin(w->region.store, STORE_TX_WRITE);
    assert_int_equal(submission_merged(&w->region.ctx, &q, &rows), STATUS_OK);
    assert_int_equal(store_tx_commit(w->region.store), STATUS_OK);
    assert_int_equal(json_array_size(rows), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "value")), 5);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "countries")), 2);
    json_decref(rows);
    /* Dimensions: forms in the Global Report's groups, citizenship as nationals or by country. */
    assert_int_equal(merged_value(&w->region, "world", V, "by form of exploitation", NULL, "Forced labour"), 3);
    assert_int_equal(
        merged_value(&w->region, "world", V, "by form of exploitation", NULL, "Other forms of exploitation"), 1);
    assert_int_equal(merged_value(&w->region, "world", V, "by citizenship", NULL, "Nationals"), 4);
    /* Nationals repatriated from abroad, by the country they were exploited in. */
    assert_int_equal(merged_value(&w->region, "world", V, "by country of repatriation", NULL, "United Kingdom"), 1);
    assert_int_equal(merged_value(&w->region, "world", V, "by citizenship", NULL, "Benin"), 1);
    assert_int_equal(merged_value(&w->region, "world", "Persons convicted", "by citizenship", NULL, "Foreigners"), 1);
    assert_int_equal(merged_value(&w->region, "world", "Persons convicted", NULL, "World", "Total"), 1);
    struct submission_query badq = {"galaxy", NULL, NULL, 0, 0};
    assert_int_equal(submission_merged(&w->region.ctx, &badq, &rows), STATUS_INVALID); /* before any read */
    free(nga);
    free(gha);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_submission_signed_and_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submission_trust_and_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submission_merged, setup, teardown),
    };
    TEST_RUN_BOTH("submission", tests, NULL, NULL);
}
