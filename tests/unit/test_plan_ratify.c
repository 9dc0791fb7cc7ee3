/* test_plan_ratify: the ratification register (issue 9, part R) on SQLite and PostgreSQL: set
 * with versions and history; dates checked (a signature after the act, future dates, an act
 * without its date); unknown states, guidance instruments refused; a CSV import is all or
 * nothing with errors naming file, line and field; coverage by region counts parties, signed and
 * neither; who may read and write (403 before 400). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan/ratify.h"
#include "store/store.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency, coord, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "Ministry");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "agency");
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
    const char *state, *instrument, *by, *csv;
    json_t *in;
    int64_t version;
    json_t *out;
};

static enum status op_set(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return plan_ratify_set(ctx, o->state, o->instrument, o->in, o->version, &o->out);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return plan_ratify_get(ctx, o->state, o->instrument, &o->out);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return plan_ratify_list(ctx, o->state, o->instrument, &o->out);
}

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return plan_ratify_import_csv(ctx, "r.csv", o->csv, strlen(o->csv), &o->out);
}

static enum status op_coverage(const struct auth_ctx *ctx, void *p)
{
    struct op *o = p;
    return plan_ratify_coverage(ctx, o->instrument, o->by, &o->out);
}

static enum status as(struct world *w, int64_t user, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, user);
    json_decref(o->out);
    o->out = NULL;
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static enum status set(struct world *w, const char *state, const char *instrument, const char *json, int64_t version)
{
    struct op o = {.state = state, .instrument = instrument, .in = json_loads(json, 0, NULL), .version = version};
    assert_non_null(o.in);
    enum status st = as(w, w->coord, op_set, &o);
    json_decref(o.in);
    json_decref(o.out);
    return st;
}

static const char *field(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void test_ratify__set_versions_history(void **state)
{
    struct world *w = *state;
    assert_int_equal(set(w, "FRA", "tip_protocol", "{\"signature\":\"2000-12-12\"}", 0), STATUS_OK);
    /* Without If-Match on an existing entry: a precondition; a stale version too. */
    assert_int_equal(set(w, "FRA", "tip_protocol", "{\"signature\":\"2000-12-12\"}", 0), STATUS_PRECONDITION);
    assert_int_equal(set(w, "FRA", "tip_protocol",
                         "{\"signature\":\"2000-12-12\",\"act\":\"ratification\",\"act_date\":\"2002-10-29\","
                         "\"source\":\"demo\"}",
                         1),
                     STATUS_OK);
    assert_int_equal(set(w, "FRA", "tip_protocol", "{}", 1), STATUS_PRECONDITION);
    assert_int_equal(set(w, "DEU", "tip_protocol", "{}", 3), STATUS_NOT_FOUND);
    struct op o = {.state = "FRA", .instrument = "tip_protocol"};
    assert_int_equal(as(w, w->coord, op_get, &o), STATUS_OK);
    assert_string_equal(field(o.out, "status"), "party");
    assert_string_equal(field(o.out, "act"), "ratification");
    assert_int_equal(json_integer_value(json_object_get(o.out, "version")), 2);
    json_t *h = json_object_get(o.out, "history");
    assert_int_equal(json_array_size(h), 2);
    assert_string_equal(field(json_array_get(h, 1), "act"), "");
    /* Per state: every treaty of the Plan, recorded or not. */
    json_decref(o.out);
    o = (struct op){.state = "FRA"};
    assert_int_equal(as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "ratifications")), 1);
    json_t *per = json_object_get(o.out, "instruments");
    assert_int_equal(json_array_size(per), 13);
    size_t i;
    json_t *v;
    int party = 0, none = 0;
    json_array_foreach(per, i, v)
    {
        party += strcmp(field(v, "status"), "party") == 0;
        none += strcmp(field(v, "status"), "none") == 0;
    }
    assert_int_equal(party, 1);
    assert_int_equal(none, 12);
    json_decref(o.out);
}

static void test_ratify__refused(void **state)
{
    struct world *w = *state;
    /* A signature after the act. */
    assert_int_equal(set(w, "FRA", "untoc",
                         "{\"signature\":\"2003-01-01\",\"act\":\"ratification\",\"act_date\":\"2002-10-29\"}", 0),
                     STATUS_INVALID);
    assert_string_equal(err_last_field(), "signature");
    /* A future date. */
    assert_int_equal(set(w, "FRA", "untoc", "{\"signature\":\"2999-01-01\"}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "signature");
    assert_int_equal(set(w, "FRA", "untoc", "{\"act\":\"ratification\"}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "act_date");
    assert_int_equal(set(w, "FRA", "untoc", "{\"act_date\":\"2002-01-01\"}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "act");
    assert_int_equal(set(w, "FRA", "untoc", "{\"act\":\"signed\",\"act_date\":\"2002-01-01\"}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "act");
    assert_int_equal(set(w, "FRA", "untoc", "{\"signature\":\"2002-02-30\"}", 0), STATUS_INVALID);
    assert_int_equal(set(w, "FRA", "untoc", "{\"colour\":\"red\"}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "colour");
    assert_int_equal(set(w, "XYZ", "untoc", "{}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "state");
    assert_int_equal(set(w, "fra", "untoc", "{}", 0), STATUS_INVALID);
    /* Guidance cannot be ratified; unknown codes neither. */
    assert_int_equal(set(w, "FRA", "ohchr_principles", "{}", 0), STATUS_INVALID);
    assert_string_equal(err_last_field(), "instrument");
    assert_int_equal(set(w, "FRA", "nope", "{}", 0), STATUS_INVALID);
    /* Access: a caseworker holds no plan permission: denied before the input is looked at. */
    struct op o = {.state = "XYZ", .instrument = "nope", .in = json_object()};
    assert_int_equal(as(w, w->worker, op_set, &o), STATUS_DENIED);
    assert_int_equal(as(w, w->worker, op_get, &o), STATUS_DENIED);
    assert_int_equal(as(w, w->worker, op_coverage, &o), STATUS_DENIED);
    o.csv = "x";
    assert_int_equal(as(w, w->worker, op_import, &o), STATUS_DENIED);
    json_decref(o.in);
}

static void test_ratify__import(void **state)
{
    struct world *w = *state;
    struct op o = {.csv = "state,instrument,signature,act,act_date,reservations,source\n"
                          "FRA,untoc,2000-12-12,ratification,2002-10-29,,UNTC demo\n"
                          "DEU,untoc,2000-12-12,ratification,2005-06-14,\"Declaration, art. 35\",UNTC demo\n"
                          "NGA,untoc,2000-12-13,ratification,2001-06-28,,UNTC demo\n"
                          "\n"
                          "BRA,untoc,2000-12-12,,,,UNTC demo\n"};
    assert_int_equal(as(w, w->coord, op_import, &o), STATUS_OK);
    assert_int_equal(json_integer_value(json_object_get(o.out, "imported")), 4);
    /* An error on line 3 rolls back the whole file (line 2 is not kept). */
    o.csv = "state,instrument,signature,act,act_date\n"
            "ITA,untoc,2000-12-12,ratification,2006-08-02\n"
            "ESP,untoc,2001-01-01,ratification,2000-03-01\n";
    assert_int_equal(as(w, w->coord, op_import, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "signature");
    assert_non_null(strstr(err_last(), "r.csv:3: signature"));
    o.csv = "state,instrument\nITA,untoc\nITA,untoc\n";
    assert_int_equal(as(w, w->coord, op_import, &o), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "r.csv:3:"));
    o.csv = "state,treaty\nITA,untoc\n";
    assert_int_equal(as(w, w->coord, op_import, &o), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "r.csv:1:"));
    o.csv = "state,instrument,act_date\nITA,untoc,2006-08-02\n";
    assert_int_equal(as(w, w->coord, op_import, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "act");
    o = (struct op){.state = "ITA", .instrument = "untoc"};
    assert_int_equal(as(w, w->coord, op_get, &o), STATUS_NOT_FOUND);

    /* Coverage: world and by region. */
    o = (struct op){.instrument = "untoc", .by = "region"};
    assert_int_equal(as(w, w->coord, op_coverage, &o), STATUS_OK);
    json_t *ins = json_array_get(json_object_get(o.out, "instruments"), 0);
    assert_string_equal(field(ins, "instrument"), "untoc");
    json_t *world = json_array_get(json_object_get(ins, "groups"), 0);
    assert_string_equal(field(world, "code"), "world");
    assert_int_equal(json_integer_value(json_object_get(world, "parties")), 3);
    assert_int_equal(json_integer_value(json_object_get(world, "signed")), 1);
    int64_t states = json_integer_value(json_object_get(world, "states"));
    assert_true(states > 190);
    assert_int_equal(json_integer_value(json_object_get(world, "neither")), states - 4);
    assert_int_equal(json_array_size(json_object_get(ins, "parties")), 3);
    int64_t parties = 0, total = 0;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(ins, "groups"), i, g)
    {
        if (i > 0) {
            parties += json_integer_value(json_object_get(g, "parties"));
            total += json_integer_value(json_object_get(g, "states"));
        }
    }
    assert_int_equal(parties, 3);
    assert_true(total <= states && total > 190);
    o.by = "continent";
    assert_int_equal(as(w, w->coord, op_coverage, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "by");
    json_decref(o.out);
    o = (struct op){0};
    assert_int_equal(as(w, w->coord, op_coverage, &o), STATUS_OK);
    assert_int_equal(json_array_size(json_object_get(o.out, "instruments")), 13);
    json_decref(o.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ratify__set_versions_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratify__refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratify__import, setup, teardown),
    };
    TEST_RUN_BOTH("plan_ratify", tests, NULL, NULL);
}
