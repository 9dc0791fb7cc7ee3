/* test_plan_practices: the best-practices knowledge base (issue 9, part K) on SQLite (FTS5) and
 * PostgreSQL (tsvector + GIN): input checks naming the field, pillars taken from the paragraphs,
 * translations, full-text search in Arabic (with harakat in the text), Russian (any case),
 * Chinese (characters inside a sentence), accented Latin, snippets, filters, the index kept in
 * step on update, optimistic versions, plan.read / plan.write, and a restore rebuilding the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/practices.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency, coord, worker;
    int64_t ar, fr;
};

static const char *const AR_PRACTICE =
    "{\"lang\":\"ar\",\"title\":\"حملة توعية في المدارس\",\"summary\":\"حملة وطنية للتوعية بمخاطر الاتجار "
    "بالأشخاص في المدارس الثانوية\",\"body\":\"دَرَّبَت الوزارة المعلمين على الحديث مع الطلاب\",\"country\":\"EGY\","
    "\"paragraphs\":[\"annex-18\",\"annex-19\"],\"tags\":[\"schools\",\"youth\"],\"year\":2024,\"status\":"
    "\"published\","
    "\"translations\":[{\"lang\":\"ru\",\"title\":\"Кампания в школах\",\"summary\":\"Национальная кампания по "
    "информированию о торговле людьми в средних школах\"},{\"lang\":\"zh\",\"title\":\"学校宣传活动\","
    "\"summary\":\"在中学开展关于人口贩运风险的全国宣传活动\"}]}";
static const char *const FR_PRACTICE =
    "{\"lang\":\"fr\",\"title\":\"Formation des inspecteurs du travail\",\"summary\":\"Modules sur l'exploitation "
    "économique et les chaînes d'approvisionnement\",\"country\":\"FRA\",\"paragraphs\":[\"annex-22\",\"annex-23\"],"
    "\"year\":2023,\"status\":\"draft\"}";

struct op {
    int64_t id, version;
    json_t *in, *out;
    struct practice_query q;
};

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return practice_add(ctx, o->in, &o->out);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return practice_get(ctx, o->id, &o->out);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return practice_update(ctx, o->id, o->version, o->in, &o->out);
}

static enum status op_search(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return practice_search(ctx, &o->q, &o->out);
}

static int64_t add(struct test_as *a, const char *text)
{
    struct op o = {.in = json_loads(text, 0, NULL)};
    assert_non_null(o.in);
    enum status st = auth_run(&a->ctx, op_add, &o);
    if (st != STATUS_OK) {
        fprintf(stderr, "practice_add: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    int64_t id = json_integer_value(json_object_get(o.out, "id"));
    json_decref(o.out);
    json_decref(o.in);
    return id;
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "Coordination");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    w->ar = add(&a, AR_PRACTICE);
    w->fr = add(&a, FR_PRACTICE);
    auth_principal_clear(&a.p);
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

/* The search's ids in order, and the snippet of the first hit. */
static size_t search(struct world *w, struct practice_query q, int64_t *ids, size_t max, char *snippet, size_t size)
{
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {.q = q};
    enum status st = auth_run(&a.ctx, op_search, &o);
    if (st != STATUS_OK) {
        fprintf(stderr, "practice_search: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    size_t n = json_array_size(o.out);
    for (size_t i = 0; i < n && i < max; i++) {
        ids[i] = json_integer_value(json_object_get(json_array_get(o.out, i), "id"));
    }
    if (snippet != NULL) {
        snprintf(snippet, size, "%s",
                 n > 0 ? json_string_value(json_object_get(json_array_get(o.out, 0), "snippet")) : "");
    }
    json_decref(o.out);
    auth_principal_clear(&a.p);
    return n;
}

static void test_practices__checks(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"title\":\"x\"}", "lang"},
        {"{\"lang\":\"de\",\"title\":\"x\"}", "lang"},
        {"{\"lang\":\"en\"}", "title"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"country\":\"XXX\"}", "country"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"paragraphs\":[\"annex-62\"]}", "paragraphs"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"pillars\":[\"know\"]}", "pillars"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"status\":\"final\"}", "status"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"year\":1800}", "year"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"translations\":[{\"lang\":\"en\",\"title\":\"y\"}]}", "translations.lang"},
        {"{\"lang\":\"en\",\"title\":\"x\",\"translations\":[{\"lang\":\"fr\"}]}", "translations.title"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct op o = {.in = json_loads(bad[i].json, 0, NULL)};
        assert_int_equal(auth_run(&a.ctx, op_add, &o), STATUS_INVALID);
        if (strcmp(err_last_field(), bad[i].field) != 0) {
            fail_msg("%s: field %s, expected %s", bad[i].json, err_last_field(), bad[i].field);
        }
        json_decref(o.in);
    }
    /* Stored: pillars from the paragraphs, the original text and its translations. */
    struct op o = {.id = w->ar};
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_OK);
    assert_string_equal(json_string_value(json_array_get(json_object_get(o.out, "pillars"), 0)), "prevent");
    assert_int_equal(json_array_size(json_object_get(o.out, "pillars")), 1);
    assert_string_equal(json_string_value(json_object_get(o.out, "lang")), "ar");
    assert_string_equal(json_string_value(json_object_get(o.out, "title")), "حملة توعية في المدارس");
    assert_int_equal(json_array_size(json_object_get(o.out, "translations")), 2);
    json_decref(o.out);
    auth_principal_clear(&a.p);
}

static void test_practices__search(void **state)
{
    struct world *w = *state;
    int64_t ids[8];
    char snip[2048];
    /* Arabic: a word of the title, and a word written with harakat in the body, searched without. */
    assert_int_equal(search(w, (struct practice_query){.q = "المدارس"}, ids, 8, snip, sizeof snip), 1);
    assert_int_equal(ids[0], w->ar);
    assert_non_null(strstr(snip, PRACTICE_MARK_START "المدارس" PRACTICE_MARK_STOP));
    assert_int_equal(search(w, (struct practice_query){.q = "دربت"}, ids, 8, NULL, 0), 1);
    /* Russian, in any case. */
    assert_int_equal(search(w, (struct practice_query){.q = "торговле"}, ids, 8, snip, sizeof snip), 1);
    assert_int_equal(ids[0], w->ar);
    assert_int_equal(search(w, (struct practice_query){.q = "НАЦИОНАЛЬНАЯ кампания"}, ids, 8, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.q = "торговля"}, ids, 8, NULL, 0), 0);
    /* Chinese: characters inside a sentence, as a phrase (in order), the snippet without spaces. */
    assert_int_equal(search(w, (struct practice_query){.q = "人口贩运"}, ids, 8, snip, sizeof snip), 1);
    if (strstr(snip, PRACTICE_MARK_START "人口贩运" PRACTICE_MARK_STOP "风险") == NULL) {
        fail_msg("snippet: %s", snip);
    }
    assert_int_equal(search(w, (struct practice_query){.q = "贩运人口"}, ids, 8, NULL, 0), 0);
    /* Accented Latin with or without the accents; a tag. */
    assert_int_equal(search(w, (struct practice_query){.q = "economique"}, ids, 8, NULL, 0), 1);
    assert_int_equal(ids[0], w->fr);
    assert_int_equal(search(w, (struct practice_query){.q = "CHAÎNES"}, ids, 8, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.q = "youth"}, ids, 8, NULL, 0), 1);
    /* Operators and punctuation in the input are words, never syntax. */
    assert_int_equal(search(w, (struct practice_query){.q = "\"NEAR( OR * -"}, ids, 8, NULL, 0), 0);
    /* Filters. */
    assert_int_equal(search(w, (struct practice_query){.q = "торговле", .lang = "ar"}, ids, 8, NULL, 0), 0);
    assert_int_equal(search(w, (struct practice_query){.q = "торговле", .lang = "ru"}, ids, 8, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.pillar = "prevent"}, ids, 8, NULL, 0), 2);
    assert_int_equal(search(w, (struct practice_query){.paragraph = "annex-19"}, ids, 8, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.paragraph = "annex-1"}, ids, 8, NULL, 0), 0);
    assert_int_equal(search(w, (struct practice_query){.country = "FRA"}, ids, 8, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.status = "published"}, ids, 8, NULL, 0), 1);
    assert_int_equal(ids[0], w->ar);
    /* A list (no words): the newest year first; a bad filter names its field. */
    assert_int_equal(search(w, (struct practice_query){0}, ids, 8, NULL, 0), 2);
    assert_int_equal(ids[0], w->ar);
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {.q = {.pillar = "know"}};
    assert_int_equal(auth_run(&a.ctx, op_search, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "pillar");
    auth_principal_clear(&a.p);
}

static void test_practices__update(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->coord);
    struct op o = {.id = w->fr, .version = 2, .in = json_pack("{ss}", "summary", "Modules sur la servitude")};
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_CONFLICT);
    o.version = 1;
    assert_int_equal(auth_run(&a.ctx, op_update, &o), STATUS_OK);
    assert_int_equal(json_integer_value(json_object_get(o.out, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(o.out, "title")), "Formation des inspecteurs du travail");
    json_decref(o.out);
    json_decref(o.in);
    auth_principal_clear(&a.p);
    int64_t ids[4];
    assert_int_equal(search(w, (struct practice_query){.q = "economique"}, ids, 4, NULL, 0), 0);
    assert_int_equal(search(w, (struct practice_query){.q = "servitude"}, ids, 4, NULL, 0), 1);
    assert_int_equal(search(w, (struct practice_query){.q = "inspecteurs"}, ids, 4, NULL, 0), 1);
}

static void test_practices__permissions(void **state)
{
    struct world *w = *state;
    struct test_as a;
    test_as_user(&w->t, &a, w->worker);
    struct op o = {.id = w->ar};
    assert_int_equal(auth_run(&a.ctx, op_get, &o), STATUS_DENIED);
    o.in = json_loads("{\"lang\":\"xx\"}", 0, NULL); /* denied before the input is looked at */
    assert_int_equal(auth_run(&a.ctx, op_add, &o), STATUS_DENIED);
    o.q.pillar = "know";
    assert_int_equal(auth_run(&a.ctx, op_search, &o), STATUS_DENIED);
    json_decref(o.in);
    auth_principal_clear(&a.p);
}

static void test_practices__restore_rebuilds_index(void **state)
{
    struct world *w = *state;
    char backup[700], db[700];
    snprintf(backup, sizeof backup, "%s/b.ctisbak", w->t.dir);
    snprintf(db, sizeof db, "%s/restored.db", w->t.dir);
    assert_int_equal(store_backup(w->t.store, backup, NULL, NULL), STATUS_OK);
    struct store *s = NULL;
    assert_int_equal(store_open(&s, db), STATUS_OK);
    assert_int_equal(store_migrate(s, NULL), STATUS_OK);
    enum status st = store_restore(s, backup, NULL, NULL, NULL, NULL);
    if (st != STATUS_OK) {
        fprintf(stderr, "store_restore: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    struct auth_ctx ctx = w->t.ctx;
    ctx.store = s;
    struct practice_query q = {.q = "人口贩运"};
    json_t *r = NULL;
    store_tx_begin(s, STORE_TX_WRITE);
    assert_int_equal(practice_search(&ctx, &q, &r), STATUS_OK);
    assert_int_equal(store_tx_commit(s), STATUS_OK);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "id")), w->ar);
    json_decref(r);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_practices__checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_practices__search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_practices__update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_practices__permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_practices__restore_rebuilds_index, setup, teardown),
    };
    TEST_RUN_BOTH("plan_practices", tests, NULL, NULL);
}
