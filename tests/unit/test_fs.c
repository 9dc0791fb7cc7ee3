/* test_fs: Fellegi-Sunter linkage inside one data set (src/link/fs.c): EM recovers known m and u,
 * term frequencies, blocking as a union of rules, FEBRL 1-3 precision and recall, and the
 * registry's duplicate scorer on SQLite (and PostgreSQL with TEST_PG_URL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// clang-format off
#include <cmocka.h>
// clang-format on
#include <math.h>

#include "testlib.h"
#include "cases/cases.h"
#include "cases/dedup.h"
#include "cases/vocab.h"
#include "link/fs.h"
#include "link/fs_cases.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"

static uint64_t rng = 88172645463325252ULL;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* Generated records: pairs of true duplicates with known m, and unrelated records. Three exact
 * fields; for a true pair field f agrees with probability M[f], for two unrelated records the
 * values are drawn from K[f] values (u = 1/K). */
static void test_fs__em_recovers_m_u(void **state)
{
    (void)state;
    const double M[3] = {0.95, 0.85, 0.70};
    const int K[3] = {50, 20, 10};
    struct fs_field fields[3] = {
        {"f0", FS_KIND_EXACT, false}, {"f1", FS_KIND_EXACT, false}, {"f2", FS_KIND_EXACT, false}};
    struct fs_data *d = NULL;
    assert_int_equal(fs_data_new(&d, fields, 3), STATUS_OK);
    /* Build pairs directly: record 2i and 2i+1. 2000 match pairs, 18000 non-match pairs. */
    struct link_pair *pairs = calloc(20000, sizeof *pairs);
    size_t np = 0;
    size_t matches = 2000;
    for (size_t i = 0; i < 20000; i++) {
        char a[3][16], b[3][16];
        for (int f = 0; f < 3; f++) {
            int va = (int)(urand() * K[f]);
            int vb;
            if (i < matches) {
                vb = urand() < M[f] ? va : (va + 1 + (int)(urand() * (K[f] - 1))) % K[f];
            } else {
                vb = (int)(urand() * K[f]);
            }
            snprintf(a[f], sizeof a[f], "v%d", va);
            snprintf(b[f], sizeof b[f], "v%d", vb);
        }
        char ida[32], idb[32];
        snprintf(ida, sizeof ida, "a%zu", i);
        snprintf(idb, sizeof idb, "b%zu", i);
        const char *va[3] = {a[0], a[1], a[2]}, *vb[3] = {b[0], b[1], b[2]};
        assert_int_equal(fs_data_add(d, ida, va), STATUS_OK);
        assert_int_equal(fs_data_add(d, idb, vb), STATUS_OK);
        pairs[np++] = (struct link_pair){(uint32_t)(2 * i), (uint32_t)(2 * i + 1), 0};
    }
    struct fs_model *m = NULL;
    assert_int_equal(fs_train(d, pairs, np, NULL, &m), STATUS_OK);
    print_message("EM: %d iterations, converged %d, %zu patterns, lambda %.4f\n", m->iterations, m->converged,
                  m->patterns, m->lambda);
    for (int f = 0; f < 3; f++) {
        /* u_exact for unrelated records: 1/K; for the non-match pairs m_exact as built */
        print_message("  f%d m=%.3f (%.3f) u=%.4f (%.4f)\n", f, m->m[f][0], M[f], m->u[f][0], 1.0 / K[f]);
        assert_true(fabs(m->m[f][0] - M[f]) < 0.03);
        assert_true(fabs(m->u[f][0] - 1.0 / K[f]) < 0.02);
    }
    assert_true(fabs(m->lambda - 0.1) < 0.01);
    assert_false(m->lambda_at_bound);
    assert_true(m->iterations <= FS_EM_ITERATIONS);
    fs_model_free(m);
    fs_data_free(d);
    free(pairs);
}

/* A rare value agreeing weighs more than the level's average, a common one less. */
static void test_fs__tf_adjustment(void **state)
{
    (void)state;
    struct fs_field fields[2] = {{"surname", FS_KIND_STRING, true}, {"city", FS_KIND_EXACT, false}};
    struct fs_data *d = NULL;
    assert_int_equal(fs_data_new(&d, fields, 2), STATUS_OK);
    char id[16], city[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "r%d", i);
        snprintf(city, sizeof city, "c%d", i % 37);
        const char *surname = i < 300 ? "smith" : i < 302 ? "zwolinski" : NULL;
        char other[16];
        if (surname == NULL) {
            snprintf(other, sizeof other, "n%dq", i);
            surname = other;
        }
        const char *v[2] = {surname, city};
        assert_int_equal(fs_data_add(d, id, v), STATUS_OK);
    }
    struct link_pair pairs[] = {{0, 1, 0}, {300, 301, 0}, {2, 400, 0}, {5, 600, 0}};
    struct fs_model *m = NULL;
    assert_int_equal(fs_train(d, pairs, 4, &(struct fs_train_opts){.u_random = true}, &m), STATUS_OK);
    const char *smith[2] = {"smith", NULL}, *rare[2] = {"zwolinski", NULL};
    double w_plain = log2(m->m[0][0] / m->u[0][0]);
    double w_common = fs_weight_values(m, smith, smith, NULL, 0);
    double w_rare = fs_weight_values(m, rare, rare, NULL, 0);
    print_message("exact surname weight %.2f, smith %.2f, zwolinski %.2f\n", w_plain, w_common, w_rare);
    assert_true(w_rare > w_plain + 1.0);
    assert_true(w_common < w_plain - 0.5);
    /* switched off: the same weight for both */
    fs_model_free(m);
    assert_int_equal(fs_train(d, pairs, 4, &(struct fs_train_opts){.u_random = true, .no_tf = true}, &m), STATUS_OK);
    assert_true(fabs(fs_weight_values(m, smith, smith, NULL, 0) - fs_weight_values(m, rare, rare, NULL, 0)) < 1e-9);
    fs_model_free(m);
    fs_data_free(d);
}

/* Blocking that finds no key (no records, or every blocking value missing) gives no pairs; it
 * sorted a NULL array before (undefined behaviour, an abort under UBSan; found by fuzz_text). */
static void test_fs__blocking_nothing(void **state)
{
    (void)state;
    struct fs_field fields[2];
    size_t nf = 0;
    assert_int_equal(fs_fields_parse("surname,names:words", true, fields, &nf), STATUS_OK);
    struct fs_data *d = NULL;
    assert_int_equal(fs_data_new(&d, fields, nf), STATUS_OK);
    struct fs_rule rules[FS_RULES_MAX];
    size_t nr = 0;
    assert_int_equal(fs_rules_parse(d, "surname,names", rules, &nr), STATUS_OK);
    struct link_pair *p = NULL;
    size_t n = 99;
    assert_int_equal(fs_block_pairs(d, rules, nr, &p, &n), STATUS_OK); /* no records */
    assert_int_equal(n, 0);
    free(p);
    const char *rows[][2] = {{NULL, NULL}, {"", " "}, {NULL, ""}};
    for (size_t i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%zu", i);
        assert_int_equal(fs_data_add(d, id, rows[i]), STATUS_OK);
    }
    n = 99;
    assert_int_equal(fs_block_pairs(d, rules, nr, &p, &n), STATUS_OK); /* nothing to block on */
    assert_int_equal(n, 0);
    free(p);
    fs_data_free(d);
}

static void test_fs__blocking_union(void **state)
{
    (void)state;
    struct fs_field fields[3];
    size_t nf = 0;
    assert_int_equal(fs_fields_parse("surname,dob,names:words", true, fields, &nf), STATUS_OK);
    assert_int_equal(nf, 3);
    assert_int_equal(fields[1].kind, FS_KIND_DATE);
    assert_int_equal(fields[2].kind, FS_KIND_WORDS);
    struct fs_data *d = NULL;
    assert_int_equal(fs_data_new(&d, fields, nf), STATUS_OK);
    const char *rows[][3] = {
        {"smith", "19900101", "ann lee"}, /* 0 */
        {"smith", "19900101", "ann"},     /* 1: same surname and dob as 0 (found by both rules) */
        {"smith", "19800101", "bo"},      /* 2: surname as 0, 1 */
        {"jones", "19900101", "cy lee"},  /* 3: dob as 0, 1; word lee as 0 */
        {NULL, "20000101", "dee"},        /* 4: nothing shared */
        {"brown", NULL, "lee lee"},       /* 5: word lee (0, 3), once though twice in its value */
    };
    for (size_t i = 0; i < 6; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%zu", i);
        assert_int_equal(fs_data_add(d, id, rows[i]), STATUS_OK);
    }
    struct fs_rule rules[FS_RULES_MAX];
    size_t nr = 0;
    assert_int_equal(fs_rules_parse(d, "surname,dob,surname+dob,names", rules, &nr), STATUS_OK);
    assert_int_equal(nr, 4);
    assert_int_equal(rules[2].nfields, 2);
    assert_int_equal(fs_rules_parse(d, "postcode", rules, &nr), STATUS_INVALID);
    assert_int_equal(fs_rules_parse(d, "surname,dob,surname+dob,names", rules, &nr), STATUS_OK);
    struct link_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(fs_block_pairs(d, rules, nr, &p, &n), STATUS_OK);
    /* surname: 01 02 12; dob: 01 03 13; names: 01 (ann), 03 05 35 (lee) -> 01 02 03 05 12 13 35 */
    const uint32_t want[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 5}, {1, 2}, {1, 3}, {3, 5}};
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].a, want[i][0]);
        assert_int_equal(p[i].b, want[i][1]);
    }
    free(p);
    /* comparisons */
    assert_int_equal(fs_compare(FS_KIND_DATE, "19900101", "1990-01-01"), 0);
    assert_int_equal(fs_compare(FS_KIND_DATE, "19900101", "19900102"), 1);
    assert_int_equal(fs_compare(FS_KIND_DATE, "19900101", "19910102"), 2);
    assert_int_equal(fs_compare(FS_KIND_STRING, "martha", "marhta"), 1);  /* jw 0.961 */
    assert_int_equal(fs_compare(FS_KIND_STRING, "dixon", "dicksonx"), 2); /* jw 0.813 */
    assert_int_equal(fs_compare(FS_KIND_STRING, "abc", "xyz"), 3);
    assert_int_equal(fs_compare(FS_KIND_STRING, NULL, "xyz"), -1);
    assert_int_equal(fs_compare(FS_KIND_WORDS, "a b", "b a"), 0);
    assert_int_equal(fs_compare(FS_KIND_WORDS, "a b", "a b c"), 1);
    assert_int_equal(fs_compare(FS_KIND_WORDS, "a b c d", "a e"), 2);
    assert_int_equal(fs_compare(FS_KIND_WORDS, "a", "e"), 3);
    assert_true(fabs(fs_jaro_winkler("martha", "marhta") - 0.9611) < 0.001);
    fs_data_free(d);
}

/* FEBRL deduplication: the records with the same rec-<n> are the same person. */
static size_t febrl_entity(const char *id)
{
    return (size_t)strtoul(id + 4, NULL, 10);
}

static void febrl_run(const char *file, double min_precision, double min_recall)
{
    char path[512];
    if (!test_shared_data_path(file, path, sizeof path)) {
        print_message("skipped: %s not found (../shared/data or $CTIS_SHARED_DATA)\n", file);
        skip();
    }
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    struct fs_field fields[FS_FIELDS_MAX];
    size_t nf = 0;
    assert_int_equal(fs_fields_parse("given_name,surname,street_number:exact,address_1,address_2,suburb,postcode:exact,"
                                     "state:exact,date_of_birth,soc_sec_id",
                                     true, fields, &nf),
                     STATUS_OK);
    struct fs_data *d = NULL;
    assert_int_equal(fs_data_read_csv(f, "rec_id", fields, nf, &d), STATUS_OK);
    fclose(f);
    struct fs_rule rules[FS_RULES_MAX];
    size_t nr = 0;
    assert_int_equal(fs_rules_parse(d, "surname,given_name,date_of_birth,postcode,soc_sec_id", rules, &nr), STATUS_OK);
    struct link_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(fs_block_pairs(d, rules, nr, &p, &n), STATUS_OK);
    /* true pairs in all, and among the candidates (blocking recall) */
    size_t truth = 0, cand_true = 0;
    for (size_t i = 0; i < d->count; i++) {
        for (size_t k = i + 1; k < d->count; k++) {
            truth += febrl_entity(d->ids[i]) == febrl_entity(d->ids[k]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        cand_true += febrl_entity(d->ids[p[i].a]) == febrl_entity(d->ids[p[i].b]);
    }
    struct fs_model *m = NULL;
    struct link_pair *p2 = NULL;
    size_t n2 = 0;
    assert_int_equal(fs_train(d, p, n, &(struct fs_train_opts){.u_random = true, .rules = rules, .nrules = nr}, &m),
                     STATUS_OK);
    size_t kept = n;
    assert_int_equal(fs_score_pairs(m, d, p, &kept, FS_THRESHOLD_DEFAULT, NULL, NULL), STATUS_OK);
    size_t tp = 0;
    for (size_t i = 0; i < kept; i++) {
        tp += febrl_entity(d->ids[p[i].a]) == febrl_entity(d->ids[p[i].b]);
    }
    double prec = kept ? (double)tp / (double)kept : 0.0, rec = truth ? (double)tp / (double)truth : 0.0;
    print_message("%s: %zu records, %zu true pairs, %zu candidates (%zu true), lambda %.4f, %d EM iterations; "
                  "threshold %.2f: %zu kept, precision %.4f recall %.4f F1 %.4f\n",
                  file, d->count, truth, n, cand_true, m->lambda, m->iterations, FS_THRESHOLD_DEFAULT, kept, prec, rec,
                  2 * prec * rec / (prec + rec));
    assert_true(prec >= min_precision);
    assert_true(rec >= min_recall);
    fs_model_free(m);
    /* for comparison (docs/linkage-fs.md): u by EM too, no term frequencies */
    static const char *const variants[] = {"one EM, u random", "one EM, u by EM", "round robin, u by EM",
                                           "round robin, u random, no tf"};
    for (int variant = 0; variant < 4; variant++) {
        struct fs_train_opts o = {.u_random = variant == 0 || variant == 3, .no_tf = variant == 3};
        if (variant >= 2) {
            o.rules = rules;
            o.nrules = nr;
        }
        assert_int_equal(fs_block_pairs(d, rules, nr, &p2, &n2), STATUS_OK);
        assert_int_equal(fs_train(d, p2, n2, &o, &m), STATUS_OK);
        size_t k2 = n2, tp2 = 0;
        assert_int_equal(fs_score_pairs(m, d, p2, &k2, FS_THRESHOLD_DEFAULT, NULL, NULL), STATUS_OK);
        for (size_t i = 0; i < k2; i++) {
            tp2 += febrl_entity(d->ids[p2[i].a]) == febrl_entity(d->ids[p2[i].b]);
        }
        print_message("  %s: precision %.4f recall %.4f\n", variants[variant], k2 ? (double)tp2 / (double)k2 : 0.0,
                      (double)tp2 / (double)truth);
        fs_model_free(m);
        free(p2);
    }
    free(p);
    fs_data_free(d);
}

static void test_fs__febrl1(void **state)
{
    (void)state;
    febrl_run("febrl/dataset1.csv", 0.995, 0.995);
}

static void test_fs__febrl2(void **state)
{
    (void)state;
    febrl_run("febrl/dataset2.csv", 0.995, 0.995);
}

static void test_fs__febrl3(void **state)
{
    (void)state;
    febrl_run("febrl/dataset3.csv", 0.995, 0.995);
}

/* ---- the registry's duplicate finder ---- */

struct world {
    struct test_env t;
    int64_t agency_a, agency_b, investigator_a, worker_a, worker_b;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Agency A");
    w->agency_b = test_agency(&w->t, "Agency B");
    w->investigator_a = test_user(&w->t, "investigator-a", w->agency_a, "investigator", "agency");
    w->worker_a = test_user(&w->t, "worker-a", w->agency_a, "caseworker", "agency");
    w->worker_b = test_user(&w->t, "worker-b", w->agency_b, "caseworker", "own");
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

struct mk {
    struct case_record in;
    struct case_record *out;
};

static enum status op_mk(const struct auth_ctx *c, void *p)
{
    struct mk *o = p;
    return case_create(c, &o->in, &o->out);
}

static int64_t mk_case(struct world *w, int64_t as_id, const char *given, const char *family, const char *birth,
                       const char *gender, const char *cit)
{
    struct test_as a;
    test_as_user(&w->t, &a, as_id);
    struct mk o = {0};
    case_record_init(&o.in);
    assert_int_equal(case_value_parse(&o.in, CASE_F_given_name, given), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_family_name, family), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_birth_date, birth), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_gender, gender), STATUS_OK);
    assert_int_equal(case_value_parse(&o.in, CASE_F_citizenship, cit), STATUS_OK);
    if (auth_run(&a.ctx, op_mk, &o) != STATUS_OK) {
        fail_msg("create: %s", err_last());
    }
    int64_t id = o.out->id;
    case_record_clear(&o.in);
    case_record_free(o.out);
    auth_principal_clear(&a.p);
    return id;
}

struct dd {
    int64_t id;
    struct case_scorer *scorer;
    struct case_duplicate *d;
    size_t n;
    struct fs_data *data;
    struct fs_model *model;
    struct link_pair *pairs;
    size_t count;
};

static enum status op_dups_fs(const struct auth_ctx *c, void *p)
{
    struct dd *o = p;
    enum status st = link_fs_case_scorer_new(c, &o->scorer);
    return st == STATUS_OK ? case_duplicates(c, o->id, o->scorer, 50, &o->d, &o->n) : st;
}

static enum status op_dedup(const struct auth_ctx *c, void *p)
{
    struct dd *o = p;
    return link_fs_cases_dedup(c, 0.9, NULL, &o->data, &o->model, &o->pairs, &o->count);
}

/* A planted duplicate (the name words in another order and case, the same birth date) among
 * generated cases is found by the FS scorer and by the whole-registry run, and a copy in another
 * agency stays out of the investigator's reach. */
static void test_fs__case_scorer(void **state)
{
    struct world *w = *state;
    static const char *const given[] = {"Ngozi", "Amina", "Fatima", "Grace", "Blessing", "Joy", "Esther",
                                        "Mary",  "Aisha", "Chioma", "Efosa", "Kemi",     "Sade"};
    static const char *const family[] = {"Okafor", "Adeyemi", "Bello", "Eze",    "Musa",    "Ibrahim",
                                         "Okon",   "Nwosu",   "Obi",   "Lawal",  "Danjuma", "Akande",
                                         "Etim",   "Uche",    "Yusuf", "Bassey", "Ojo"};
    static const char *const cit[] = {"NG", "NG", "NG", "GH", "BJ"};
    int64_t orig = 0;
    char birth17[16];
    for (int i = 0; i < 40; i++) {
        char birth[16];
        snprintf(birth, sizeof birth, "%d-%02d-%02d", 1975 + (i * 11) % 30, 1 + i % 12, 1 + (i * 5) % 28);
        int64_t id = mk_case(w, w->worker_a, given[i % 13], family[(i * 7) % 17], birth, i % 4 == 0 ? "male" : "female",
                             cit[i % 5]);
        if (i == 17) {
            orig = id;
            snprintf(birth17, sizeof birth17, "%s", birth);
        }
    }
    /* case 17: given[4] Blessing, family[119 % 17 = 0] Okafor */
    int64_t planted = mk_case(w, w->worker_a, "OKAFOR", "blessing", birth17, "female", cit[2]);
    int64_t other_agency = mk_case(w, w->worker_b, "Blessing", "Okafor", birth17, "female", cit[2]);

    struct test_as a;
    test_as_user(&w->t, &a, w->investigator_a);
    struct dd o = {.id = planted};
    assert_int_equal(auth_run(&a.ctx, op_dups_fs, &o), STATUS_OK);
    const struct fs_model *fm = o.scorer->state;
    print_message("case model: lambda %.4f, %zu pairs, %zu patterns\n", fm->lambda, fm->pairs, fm->patterns);
    for (size_t f = 0; f < fm->nfields; f++) {
        print_message("  %-12s m %.3f %.3f u %.4f %.4f\n", fm->fields[f].name, fm->m[f][0], fm->m[f][1], fm->u[f][0],
                      fm->u[f][1]);
    }
    assert_true(o.n >= 1);
    print_message("fs scorer: best %lld score %.4f (%s), %zu shown\n", (long long)o.d[0].id, o.d[0].score, o.d[0].why,
                  o.n);
    assert_int_equal(o.d[0].id, orig);
    assert_true(o.d[0].score >= 0.9);
    for (size_t i = 0; i < o.n; i++) {
        assert_int_not_equal(o.d[i].id, other_agency);
        if (i > 0) {
            assert_true(o.d[i].score < o.d[0].score);
        }
    }
    free(o.d);
    link_fs_case_scorer_free(o.scorer);

    /* the whole registry: link.run; ids are case ids */
    memset(&o, 0, sizeof o);
    assert_int_equal(auth_run(&a.ctx, op_dedup, &o), STATUS_OK);
    char want_a[24], want_b[24], other[24];
    snprintf(want_a, sizeof want_a, "%lld", (long long)orig);
    snprintf(want_b, sizeof want_b, "%lld", (long long)planted);
    snprintf(other, sizeof other, "%lld", (long long)other_agency);
    bool found = false;
    for (size_t i = 0; i < o.count; i++) {
        const char *x = o.data->ids[o.pairs[i].a], *y = o.data->ids[o.pairs[i].b];
        found = found || (strcmp(x, want_a) == 0 && strcmp(y, want_b) == 0) ||
                (strcmp(x, want_b) == 0 && strcmp(y, want_a) == 0);
        assert_string_not_equal(x, other);
        assert_string_not_equal(y, other);
    }
    print_message("dedup cases: %zu cases, %zu pairs kept, lambda %.4f\n", o.data->count, o.count, o.model->lambda);
    assert_true(found);
    assert_true(o.count <= 3);
    fs_data_free(o.data);
    fs_model_free(o.model);
    free(o.pairs);
    auth_principal_clear(&a.p);

    /* without link.run: denied */
    test_as_user(&w->t, &a, w->worker_a);
    memset(&o, 0, sizeof o);
    assert_int_equal(auth_run(&a.ctx, op_dedup, &o), STATUS_DENIED);
    auth_principal_clear(&a.p);
}

struct inv_op {
    struct investigation_input in;
    int64_t id;
    int64_t inv;
    json_t *js;
};

static enum status op_inv(const struct auth_ctx *c, void *p)
{
    struct inv_op *o = p;
    return investigation_create(c, &o->in, &o->id);
}

static enum status op_suspect(const struct auth_ctx *c, void *p)
{
    struct inv_op *o = p;
    return justice_suspect_add(c, o->inv, o->js, &o->id);
}

static int64_t as_run(struct world *w, int64_t uid, auth_op_fn fn, struct inv_op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    if (auth_run(&a.ctx, fn, o) != STATUS_OK) {
        fail_msg("%s", err_last());
    }
    auth_principal_clear(&a.p);
    return o->id;
}

static int64_t suspect(struct world *w, int64_t uid, int64_t inv, const char *name, const char *sex, int age,
                       const char *cit)
{
    struct inv_op o = {
        .inv = inv,
        .js = json_pack("{sssssssiss}", "kind", "natural", "name", name, "sex", sex, "age", age, "citizenship", cit)};
    int64_t id = as_run(w, uid, op_suspect, &o);
    json_decref(o.js);
    return id;
}

static enum status op_dedup_suspects(const struct auth_ctx *c, void *p)
{
    struct dd *o = p;
    return link_fs_suspects_dedup(c, 0.9, NULL, &o->data, &o->model, &o->pairs, &o->count);
}

/* The same suspect recorded in two investigations (the same name, sex, citizenship, an age one
 * year apart) is found; another agency's copy stays out of reach. */
static void test_fs__suspects(void **state)
{
    struct world *w = *state;
    int64_t investigator_b = test_user(&w->t, "investigator-b", w->agency_b, "investigator", "agency");
    struct inv_op o1 = {.in = {.reference = "PF/1", .title = "One", .opened = "2026-01-10", .country = "NG"}};
    struct inv_op o2 = {.in = {.reference = "PF/2", .title = "Two", .opened = "2026-02-10", .country = "NG"}};
    struct inv_op ob = {.in = {.reference = "PB/1", .title = "B", .opened = "2026-02-10", .country = "NG"}};
    int64_t inv1 = as_run(w, w->investigator_a, op_inv, &o1);
    int64_t inv2 = as_run(w, w->investigator_a, op_inv, &o2);
    int64_t invb = as_run(w, investigator_b, op_inv, &ob);
    static const char *const names[] = {"Ade Bello",  "Musa Danjuma", "Kemi Lawal", "Obi Okafor",  "Sani Yusuf",
                                        "Efe Etim",   "Tunde Ojo",    "Uche Nwosu", "Bola Akande", "Ike Eze",
                                        "Joy Bassey", "Femi Okon",    "Lara Obi",   "Dayo Musa",   "Chidi Uche"};
    static const char *const cit[] = {"NGA", "NGA", "GHA", "BEN", "NGA"};
    int64_t orig = 0;
    for (int i = 0; i < 15; i++) {
        int64_t id = suspect(w, w->investigator_a, i % 2 ? inv1 : inv2, names[i], i % 3 ? "male" : "female",
                             25 + (i * 7) % 30, cit[i % 5]);
        if (i == 6) {
            orig = id; /* Tunde Ojo, female (6 % 3 == 0), 25 + 42 % 30 = 37, NGA; in inv2 */
        }
    }
    int64_t planted = suspect(w, w->investigator_a, inv1, "Tunde Ojo", "female", 38, "NGA");
    int64_t other = suspect(w, investigator_b, invb, "Tunde Ojo", "female", 37, "NGA");

    struct test_as a;
    test_as_user(&w->t, &a, w->investigator_a);
    struct dd o = {0};
    assert_int_equal(auth_run(&a.ctx, op_dedup_suspects, &o), STATUS_OK);
    char want_a[24], want_b[24], oth[24];
    snprintf(want_a, sizeof want_a, "%lld", (long long)orig);
    snprintf(want_b, sizeof want_b, "%lld", (long long)planted);
    snprintf(oth, sizeof oth, "%lld", (long long)other);
    bool found = false;
    for (size_t i = 0; i < o.count; i++) {
        const char *x = o.data->ids[o.pairs[i].a], *y = o.data->ids[o.pairs[i].b];
        found = found || (strcmp(x, want_a) == 0 && strcmp(y, want_b) == 0) ||
                (strcmp(x, want_b) == 0 && strcmp(y, want_a) == 0);
        assert_string_not_equal(x, oth);
        assert_string_not_equal(y, oth);
    }
    print_message("dedup suspects: %zu suspects, %zu pairs kept, lambda %.4f\n", o.data->count, o.count,
                  o.model->lambda);
    assert_int_equal(o.data->count, 16);
    assert_true(found);
    assert_true(o.count <= 2);
    fs_data_free(o.data);
    fs_model_free(o.model);
    free(o.pairs);
    auth_principal_clear(&a.p);

    /* a caseworker holds neither link.run nor justice.read */
    test_as_user(&w->t, &a, w->worker_a);
    memset(&o, 0, sizeof o);
    assert_int_equal(auth_run(&a.ctx, op_dedup_suspects, &o), STATUS_DENIED);
    auth_principal_clear(&a.p);
}

static int run_db_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fs__case_scorer), cmocka_unit_test(test_fs__suspects)};
    TEST_RUN_BOTH("fs cases", tests, setup, teardown);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fs__em_recovers_m_u), cmocka_unit_test(test_fs__tf_adjustment),
        cmocka_unit_test(test_fs__blocking_union),  cmocka_unit_test(test_fs__blocking_nothing),
        cmocka_unit_test(test_fs__febrl1),          cmocka_unit_test(test_fs__febrl2),
        cmocka_unit_test(test_fs__febrl3),
    };
    int failures = cmocka_run_group_tests(tests, NULL, NULL);
    return failures + run_db_tests();
}
