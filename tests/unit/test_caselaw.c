/* test_caselaw: court decisions on SQLite (FTS5) and PostgreSQL (tsvector + GIN): input checks,
 * the full-text search (words, accents, Arabic, ranking, snippets, filters), the index kept in
 * step on update, optimistic versions, CSV and JSON export, and justice.read / justice.write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "justice/caselaw.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency;
    int64_t worker, investigator;
    int64_t es, ar, fr;
};

static json_t *decision(const char *court, const char *country, const char *date, const char *summary,
                        const char *verdict, const char *form)
{
    return json_pack("{sssssssssssssss[{ssss}]s[{sssIsIsssb}]s{sIsI}s[s]s[{ssss}]ssss}", "court_name", court,
                     "court_level", "first_instance", "country", country, "decision_date", date, "case_number",
                     "123/2025", "summary", summary, "verdict", verdict, "charges", "article", "Art. 177 bis", "form",
                     form, "sentences", "defendant", "Defendant 1", "imprisonment_months", (json_int_t)96,
                     "fine_amount", (json_int_t)600000, "fine_currency", "EUR", "confiscation", 1, "victims",
                     "female_adult", (json_int_t)3, "female_child", (json_int_t)1, "forms", form, "countries",
                     "country", "NGA", "role", "origin", "source", "Fictional Law Reports 2025/1", "language", "es");
}

static int64_t add(struct world *w, json_t *in)
{
    json_t *out = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    enum status st = caselaw_add(&w->t.ctx, in, &out);
    if (st != STATUS_OK) {
        fprintf(stderr, "caselaw_add: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(in);
    return id;
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "Prosecution");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
    w->investigator = test_user(&w->t, "investigator", w->agency, "investigator", "agency");
    w->es = add(w, decision("Audiencia Provincial de Ejemplo", "ESP", "2025-03-14",
                            "Las víctimas fueron captadas con falsas ofertas de trabajo y sometidas a explotación "
                            "sexual en un club de carretera. Tráfico de personas.",
                            "convicted", "sexual_exploitation"));
    w->ar = add(w, decision("المحكمة الابتدائية النموذجية", "JOR", "2024-11-02",
                            "استغل المتهم العمال في مزرعة وصادر جوازات سفرهم وهو الاتجار بالبشر بغرض العمل القسري.",
                            "partly", "forced_labour"));
    w->fr = add(w, decision("Tribunal correctionnel d'Exemple", "FRA", "2023-06-30",
                            "Le prévenu a contraint des mineurs à la mendicité forcée dans le métro; la traite "
                            "des êtres humains est établie. Exploitation par la mendicité.",
                            "acquitted", "forced_begging"));
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

static json_t *search(struct world *w, const char *q, const char *country, const char *verdict)
{
    struct caselaw_query query = {.q = q, .country = country, .verdict = verdict};
    json_t *out = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    enum status st = caselaw_search(&w->t.ctx, &query, &out);
    if (st != STATUS_OK) {
        fprintf(stderr, "caselaw_search: %s\n", err_last());
    }
    assert_int_equal(st, STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    return out;
}

static int64_t first_id(json_t *a)
{
    return json_integer_value(json_object_get(json_array_get(a, 0), "id"));
}

static void test_caselaw__checks(void **state)
{
    struct world *w = *state;
    struct {
        const char *key;
        json_t *value;
    } bad[] = {
        {"court_level", json_string("district")},
        {"country", json_string("ES")},
        {"decision_date", json_string("14/03/2025")},
        {"verdict", json_string("guilty")},
        {"forms", json_pack("[s]", "pickpocketing")},
        {"countries", json_pack("[{ssss}]", "country", "NGA", "role", "home")},
        {"sentences", json_pack("[{sssI}]", "defendant", "Defendant 1", "fine_amount", (json_int_t)5)},
        {"court_name", json_string("")},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        json_t *in = decision("Court", "ESP", "2025-01-01", "x", "convicted", "other");
        json_object_set_new(in, bad[i].key, bad[i].value);
        store_tx_begin(w->t.store, STORE_TX_WRITE);
        assert_int_equal(caselaw_add(&w->t.ctx, in, NULL), STATUS_INVALID);
        assert_string_equal(err_last_field(), bad[i].key);
        store_tx_rollback(w->t.store);
        json_decref(in);
    }
}

static void test_caselaw__search(void **state)
{
    struct world *w = *state;
    /* Words, accents both ways, Arabic. */
    json_t *r = search(w, "explotación sexual", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->es);
    const char *snip = json_string_value(json_object_get(json_array_get(r, 0), "snippet"));
    assert_non_null(strstr(snip, CASELAW_MARK_START));
    assert_true(json_real_value(json_object_get(json_array_get(r, 0), "rank")) > 0);
    json_decref(r);
    r = search(w, "trafico", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->es);
    json_decref(r);
    r = search(w, "mendicite", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->fr);
    json_decref(r);
    r = search(w, "الاتجار", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->ar);
    json_decref(r);
    /* The court name, the charges and the citation are searched too. */
    r = search(w, "Tribunal", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    r = search(w, "forced_labour", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->ar);
    json_decref(r);
    r = search(w, "Fictional Law Reports", NULL, NULL);
    assert_int_equal(json_array_size(r), 3);
    json_decref(r);
    /* Punctuation and operators never make a syntax error. */
    r = search(w, "\"explotación\" -( OR * NEAR", NULL, NULL);
    json_decref(r);
    r = search(w, "nothing-matches-this", NULL, NULL);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    /* Filters, with and without words; newest first without words. */
    r = search(w, "Fictional", "FRA", NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->fr);
    json_decref(r);
    r = search(w, "", NULL, "partly");
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->ar);
    json_decref(r);
    r = search(w, NULL, NULL, NULL);
    assert_int_equal(json_array_size(r), 3);
    assert_int_equal(first_id(r), w->es);
    json_decref(r);
    struct caselaw_query q = {.from = "2024-01-01", .to = "2024-12-31"};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(caselaw_search(&w->t.ctx, &q, &r), STATUS_OK);
    store_tx_rollback(w->t.store);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->ar);
    json_decref(r);
    q = (struct caselaw_query){.country = "spain"};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(caselaw_search(&w->t.ctx, &q, &r), STATUS_INVALID);
    store_tx_rollback(w->t.store);
}

static void test_caselaw__update(void **state)
{
    struct world *w = *state;
    json_t *in = json_pack("{ss}", "summary", "Servidumbre doméstica en una vivienda particular.");
    json_t *out = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(caselaw_update(&w->t.ctx, w->es, 2, in, NULL), STATUS_CONFLICT);
    store_tx_rollback(w->t.store);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    enum status ust = caselaw_update(&w->t.ctx, w->es, 1, in, &out);
    if (ust != STATUS_OK) {
        fprintf(stderr, "caselaw_update: %s\n", err_last());
    }
    assert_int_equal(ust, STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    json_decref(in);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    /* Unchanged members stay. */
    assert_string_equal(json_string_value(json_object_get(out, "country")), "ESP");
    assert_int_equal(json_array_size(json_object_get(out, "sentences")), 1);
    json_decref(out);
    /* The index follows: the old words are gone, the new ones found. */
    json_t *r = search(w, "carretera", NULL, NULL);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    r = search(w, "servidumbre domestica", NULL, NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->es);
    json_decref(r);
}

static void test_caselaw__export(void **state)
{
    struct world *w = *state;
    struct caselaw_query q = {0};
    char *text = NULL;
    size_t len = 0;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(caselaw_export(&w->t.ctx, &q, "csv", &text, &len), STATUS_OK);
    assert_int_equal(len, strlen(text));
    assert_true(strncmp(text, "id,court_name,court_level,country,decision_date", 47) == 0);
    assert_non_null(strstr(text, "\"Defendant 1: 96 months, fine 600000 EUR, confiscation\""));
    assert_non_null(strstr(text, "\"Tribunal correctionnel d'Exemple\""));
    free(text);
    q.q = "mendicité";
    assert_int_equal(caselaw_export(&w->t.ctx, &q, "json", &text, &len), STATUS_OK);
    json_t *j = json_loads(text, 0, NULL);
    assert_int_equal(json_array_size(j), 1);
    assert_int_equal(first_id(j), w->fr);
    assert_null(json_object_get(json_array_get(j, 0), "snippet"));
    json_decref(j);
    free(text);
    assert_int_equal(caselaw_export(&w->t.ctx, &q, "xml", &text, &len), STATUS_INVALID);
    store_tx_rollback(w->t.store);
}

/* A backup restored into a fresh SQLite database: the FTS5 index is rebuilt from the rows. */
static void test_caselaw__restore_rebuilds_index(void **state)
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
    struct caselaw_query q = {.q = "mendicite"};
    json_t *r = NULL;
    store_tx_begin(s, STORE_TX_WRITE);
    assert_int_equal(caselaw_search(&ctx, &q, &r), STATUS_OK);
    assert_int_equal(store_tx_commit(s), STATUS_OK);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(first_id(r), w->fr);
    json_decref(r);
    store_close(s);
}

struct op {
    int64_t id;
    json_t *in, *out;
};

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return caselaw_get(ctx, o->id, &o->out);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return caselaw_add(ctx, o->in, &o->out);
}

static void test_caselaw__permissions(void **state)
{
    struct world *w = *state;
    struct test_as worker, inv;
    test_as_user(&w->t, &worker, w->worker);
    test_as_user(&w->t, &inv, w->investigator);
    struct op o = {.id = w->fr};
    assert_int_equal(auth_run(&worker.ctx, op_get, &o), STATUS_DENIED);
    assert_null(o.out);
    o.in = decision("Court", "ESP", "2025-01-01", "x", "convicted", "other");
    assert_int_equal(auth_run(&worker.ctx, op_add, &o), STATUS_DENIED);
    assert_int_equal(auth_run(&inv.ctx, op_add, &o), STATUS_OK);
    json_decref(o.out);
    o.out = NULL;
    json_decref(o.in);
    assert_int_equal(auth_run(&inv.ctx, op_get, &o), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(o.out, "court_name")), "Tribunal correctionnel d'Exemple");
    json_decref(o.out);
    auth_principal_clear(&worker.p);
    auth_principal_clear(&inv.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caselaw__checks),      cmocka_unit_test(test_caselaw__search),
        cmocka_unit_test(test_caselaw__update),      cmocka_unit_test(test_caselaw__export),
        cmocka_unit_test(test_caselaw__permissions), cmocka_unit_test(test_caselaw__restore_rebuilds_index),
    };
    TEST_RUN_BOTH("caselaw", tests, setup, teardown);
}
