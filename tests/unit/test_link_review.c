/* test_link_review: saved linkage runs and the review queue on SQLite and PostgreSQL: the bands
 * (matches at or above the threshold, the uncertain band below it, nothing under review_from),
 * the local side resolved through the instance's own tokens and only that side, decisions with
 * versions, refusals, and the agency scope of runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "justice/investigation.h"
#include "justice/victims.h"
#include "link/graph.h"
#include "link/review.h"
#include "store/store.h"
#include "testlib.h"
#include "testdata.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b, inv_a, inv_b, worker, case_id;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Police A");
    w->agency_b = test_agency(&w->t, "Police B");
    w->inv_a = test_user(&w->t, "inv_a", w->agency_a, "investigator", "agency");
    w->inv_b = test_user(&w->t, "inv_b", w->agency_b, "investigator", "agency");
    w->worker = test_user(&w->t, "worker", w->agency_a, "caseworker", "agency");
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    w->case_id = test_case_add(&w->t, w->agency_a, "Feminine", "24", "SexualExploitation", "NGA", "GBR", "2024");
    /* This instance's own token for that case, as `ctis link encode` records it. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO link_tokens(project, token, case_id, created_at_ms) VALUES ('proj-1', 'tok-a1', %lld, 1)",
             (long long)w->case_id);
    assert_int_equal(store_exec_script(w->t.store, sql), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
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

struct save_op {
    struct link_run_new in;
    int64_t id;
};

static enum status op_save(const struct auth_ctx *ctx, void *p)
{
    struct save_op *o = p;
    return link_run_save(ctx, &o->in, &o->id);
}

/* The domain calls run in a transaction (auth_run), as the front ends do. */
struct call {
    int64_t id, version;
    const char *band, *decision;
    bool undecided;
    struct link_run run;
    struct link_run *runs;
    struct link_run_pair *pairs;
    size_t n;
};
static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return link_run_get(ctx, c->id, &c->run);
}
static enum status op_pairs(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return link_run_pairs(ctx, c->id, c->band, c->undecided, &c->pairs, &c->n);
}
static enum status op_runs(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return link_runs(ctx, &c->runs, &c->n);
}
static enum status op_decide(const struct auth_ctx *ctx, void *p)
{
    struct call *c = p;
    return link_pair_decide(ctx, c->id, c->decision, c->version);
}
static enum status run_get(struct test_as *as, int64_t id, struct link_run *out)
{
    struct call c = {.id = id};
    enum status st = auth_run(&as->ctx, op_get, &c);
    *out = c.run;
    return st;
}
static enum status run_pairs(struct test_as *as, int64_t id, const char *band, bool undecided,
                             struct link_run_pair **out, size_t *n)
{
    struct call c = {.id = id, .band = band, .undecided = undecided};
    enum status st = auth_run(&as->ctx, op_pairs, &c);
    *out = c.pairs;
    *n = c.n;
    return st;
}
static enum status runs_list(struct test_as *as, struct link_run **out, size_t *n)
{
    struct call c = {0};
    enum status st = auth_run(&as->ctx, op_runs, &c);
    *out = c.runs;
    *n = c.n;
    return st;
}
static enum status decide(struct test_as *as, int64_t id, const char *decision, int64_t version)
{
    struct call c = {.id = id, .decision = decision, .version = version};
    return auth_run(&as->ctx, op_decide, &c);
}

static void sets(struct link_clkset **a, struct link_clkset **b)
{
    assert_int_equal(link_clkset_new(a, 3, 64), STATUS_OK);
    assert_int_equal(link_clkset_new(b, 3, 64), STATUS_OK);
    const char *ai[] = {"tok-a1", "tok-a2", "tok-a3"}, *bi[] = {"B-1", "B-2", "B-3"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(link_clkset_id_set(*a, i, ai[i]), STATUS_OK);
        assert_int_equal(link_clkset_id_set(*b, i, bi[i]), STATUS_OK);
    }
}

static void test_review__bands_and_decisions(void **state)
{
    struct world *w = *state;
    struct test_as as, other;
    test_as_user(&w->t, &as, w->inv_a);
    test_as_user(&w->t, &other, w->inv_b);
    struct link_clkset *a = NULL, *b = NULL;
    sets(&a, &b);
    const struct link_pair pairs[] = {{0, 0, 0.93}, {1, 1, 0.74}, {2, 2, 0.41}};
    struct save_op o = {.in = {"proj-1", "Police A", "Police B", "a", 0.8, 0.6, a, b, pairs, 3, 0}};
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_OK);
    assert_true(o.id > 0);

    struct link_run run;
    assert_int_equal(run_get(&as, o.id, &run), STATUS_OK);
    assert_int_equal(run.matches, 1);
    assert_int_equal(run.review, 1);
    assert_int_equal(run.decided, 0);
    assert_int_equal(run.a_count, 3);

    /* The queue holds the uncertain pair only; 0.41 was below review_from and is not kept. */
    struct link_run_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(run_pairs(&as, o.id, "review", true, &p, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].a_id, "tok-a2");
    assert_int_equal(p[0].local_case_id, 0); /* tok-a2 is no token of this instance */
    int64_t pair = p[0].id, version = p[0].version;
    free(p);
    assert_int_equal(run_pairs(&as, o.id, "match", false, &p, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].b_id, "B-1");
    assert_int_equal(p[0].local_case_id, w->case_id); /* the own side resolves to the case */
    int64_t match_pair = p[0].id;
    free(p);
    assert_int_equal(run_pairs(&as, o.id, "nonsense", false, &p, &n), STATUS_INVALID);

    /* Decisions: another agency cannot, a bad word is refused, a stale version conflicts. */
    assert_int_equal(decide(&as, pair, "maybe", version), STATUS_INVALID);
    assert_int_equal(decide(&as, match_pair, "match", 1), STATUS_CONFLICT);
    assert_int_equal(decide(&other, pair, "match", version), STATUS_DENIED);
    assert_int_equal(decide(&as, pair, "nonmatch", version), STATUS_OK);
    assert_int_equal(decide(&as, pair, "match", version), STATUS_CONFLICT);
    assert_int_equal(decide(&as, 12345, "match", 1), STATUS_NOT_FOUND);
    assert_int_equal(run_pairs(&as, o.id, "review", true, &p, &n), STATUS_OK);
    assert_int_equal(n, 0);
    free(p);
    assert_int_equal(run_get(&as, o.id, &run), STATUS_OK);
    assert_int_equal(run.decided, 1);

    /* Runs are the agency's: B sees none and cannot open A's. */
    struct link_run *runs = NULL;
    assert_int_equal(runs_list(&other, &runs, &n), STATUS_OK);
    assert_int_equal(n, 0);
    free(runs);
    assert_int_equal(run_get(&other, o.id, &run), STATUS_DENIED);
    assert_int_equal(runs_list(&as, &runs, &n), STATUS_OK);
    assert_int_equal(n, 1);
    free(runs);
    link_clkset_free(a);
    link_clkset_free(b);
    auth_principal_clear(&as.p);
    auth_principal_clear(&other.p);
}

static void test_review__refusals(void **state)
{
    struct world *w = *state;
    struct test_as as, worker;
    test_as_user(&w->t, &as, w->inv_a);
    test_as_user(&w->t, &worker, w->worker);
    struct link_clkset *a = NULL, *b = NULL;
    sets(&a, &b);
    const struct link_pair pairs[] = {{0, 0, 0.93}};
    /* A caseworker has no link.run. */
    struct save_op o = {.in = {"proj-1", "Police A", "Police B", "a", 0.8, 0.6, a, b, pairs, 1, 0}};
    assert_int_equal(auth_run(&worker.ctx, op_save, &o), STATUS_DENIED);
    struct link_run *runs = NULL;
    size_t n = 0;
    assert_int_equal(runs_list(&worker, &runs, &n), STATUS_DENIED);
    /* Bad thresholds, side, project. */
    o.in.review_from = 0.9;
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_INVALID);
    o.in.review_from = 0.6;
    o.in.local_side = "c";
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_INVALID);
    o.in.local_side = "none";
    o.in.project = "";
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_INVALID);
    o.in.project = "proj-2";
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_OK);
    /* local_side none: nothing resolves, even a token this instance holds for another project. */
    struct link_run_pair *p = NULL;
    assert_int_equal(run_pairs(&as, o.id, NULL, false, &p, &n), STATUS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].local_case_id, 0);
    free(p);
    link_clkset_free(a);
    link_clkset_free(b);
    auth_principal_clear(&as.p);
    auth_principal_clear(&worker.p);
}

struct graph_op {
    int64_t case_id, inv, victim;
    struct link_graph *g;
};

static enum status op_victim(const struct auth_ctx *ctx, void *p)
{
    struct graph_op *o = p;
    struct investigation_input in = {.reference = "LNK/1", .opened = "2025-01-10", .country = "NGA"};
    enum status st = investigation_create(ctx, &in, &o->inv);
    if (st == STATUS_OK) {
        st = justice_victim_link(ctx, o->inv, o->case_id, NULL, &o->victim);
    }
    return st;
}

static enum status op_graph(const struct auth_ctx *ctx, void *p)
{
    struct graph_op *o = p;
    return link_graph_load(ctx, NULL, 0, &o->g);
}

/* A saved run's match whose local side is a victim's case ties that victim to a node for the
 * partner's record (labelled project/id), by a match edge; a review pair decided "nonmatch" or
 * not decided adds nothing. */
static void test_review__graph(void **state)
{
    struct world *w = *state;
    struct test_as as;
    test_as_user(&w->t, &as, w->inv_a);
    struct graph_op g = {.case_id = w->case_id};
    assert_int_equal(auth_run(&as.ctx, op_victim, &g), STATUS_OK);
    struct link_clkset *a = NULL, *b = NULL;
    sets(&a, &b);
    const struct link_pair pairs[] = {{0, 0, 0.93}, {1, 1, 0.74}};
    struct save_op o = {.in = {"proj-1", "Police A", "Police B", "a", 0.8, 0.6, a, b, pairs, 2, 0}};
    assert_int_equal(auth_run(&as.ctx, op_save, &o), STATUS_OK);
    assert_int_equal(auth_run(&as.ctx, op_graph, &g), STATUS_OK);
    char vkey[64];
    snprintf(vkey, sizeof vkey, "victim:%lld", (long long)g.victim);
    int64_t v = link_graph_find(g.g, vkey), r = link_graph_find(g.g, "record:proj-1:B-1");
    assert_true(v >= 0);
    assert_true(r >= 0);
    assert_string_equal(g.g->nodes[r].label, "proj-1/B-1");
    bool edge = false;
    for (size_t i = 0; i < g.g->nedges; i++) {
        const struct link_edge *e = &g.g->edges[i];
        edge = edge || (e->type == LINK_EDGE_MATCH &&
                        ((e->a == (uint32_t)v && e->b == (uint32_t)r) || (e->a == (uint32_t)r && e->b == (uint32_t)v)));
    }
    assert_true(edge);
    assert_true(link_graph_find(g.g, "record:proj-1:B-2") < 0); /* the review band, undecided */
    link_graph_free(g.g);
    link_clkset_free(a);
    link_clkset_free(b);
    auth_principal_clear(&as.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_review__bands_and_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review__refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review__graph, setup, teardown),
    };
    TEST_RUN_BOTH("link_review", tests, NULL, NULL);
}
