/* test_screening: victim screening (src/referral/screening.h). The shipped indicator sets (counts
 * and grades exactly as the reference gives them, unverified); the set format's checks naming the
 * file, JSON path and field; the evaluation rules for adults and children ("Done when": an adult
 * with act and purpose but no means gets reasonable grounds, a 16-year-old with the same answers
 * is a presumed victim, both naming the deciding elements); the ILO dimension and set rules; the
 * note when no sexual-exploitation set is loaded; and, on SQLite and PostgreSQL, seeding, import
 * (idempotent, versions, permission), screenings of a case with sealed answers, decisions and
 * purge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/consent.h"
#include "cases/vocab.h"
#include "referral/screening.h"
#include "testlib.h"
#include "util/assets.h"

/* Pure part: the shipped sets, read from the embedded files. */

static struct screening_set *shipped(const char *code)
{
    char path[128];
    snprintf(path, sizeof path, "indicators/%s.json", code);
    const struct asset *a = asset_find(path);
    assert_non_null(a);
    json_t *doc = json_loadb(a->data, a->len, 0, NULL);
    assert_non_null(doc);
    struct screening_set *s = NULL;
    assert_int_equal(screening_set_from_json(doc, path, &s), STATUS_OK);
    json_decref(doc);
    return s;
}

static void count_grades(const struct screening_set *s, int grades[SCREENING_GRADE__COUNT],
                         int dims[SCREENING_DIM__COUNT])
{
    for (size_t i = 0; i < s->nitems; i++) {
        grades[s->items[i].grade]++;
        dims[s->items[i].dimension]++;
    }
}

static const struct screening_item *item(const struct screening_set *s, const char *code)
{
    for (size_t i = 0; i < s->nitems; i++) {
        if (strcmp(s->items[i].code, code) == 0) {
            return &s->items[i];
        }
    }
    return NULL;
}

static void test_screening__shipped_sets(void **state)
{
    (void)state;
    struct screening_set *a = shipped("ilo-ec-2009-adults-labour");
    int g[SCREENING_GRADE__COUNT] = {0}, d[SCREENING_DIM__COUNT] = {0};
    count_grades(a, g, d);
    assert_int_equal(a->nitems, 67);
    assert_int_equal(g[SCREENING_STRONG], 7);
    assert_int_equal(g[SCREENING_MEDIUM], 53);
    assert_int_equal(g[SCREENING_WEAK], 7);
    int adult_dims[] = {10, 10, 16, 9, 15, 7};
    for (int k = 0; k < SCREENING_DIM__COUNT; k++) {
        assert_int_equal(d[k], adult_dims[k]);
    }
    assert_false(a->verified);
    assert_non_null(strstr(a->source, "unverified"));
    assert_non_null(strstr(a->source, "Violence on victims")); /* the two conflicts are named */
    assert_non_null(strstr(a->source, "MRC Bangladesh"));
    assert_int_equal(a->population, SCREENING_ADULT);
    assert_int_equal(a->exploitation, SCREENING_LABOUR);
    assert_int_equal(a->ncombos, 5);
    assert_int_equal(a->nclauses, 3);
    assert_false(a->requires_act);
    /* Grades exactly as the table gives them: a few that differ between the sets. */
    assert_int_equal(item(a, "cr_violence")->grade, SCREENING_STRONG);
    assert_int_equal(item(a, "dr_education")->grade, SCREENING_WEAK);
    assert_int_equal(item(a, "cd_threat_inform")->grade, SCREENING_WEAK);
    assert_int_equal(item(a, "ex_low_no_salary")->grade, SCREENING_MEDIUM);
    assert_non_null(item(a, "rv_false_law"));

    struct screening_set *c = shipped("ilo-ec-2009-children-labour");
    int gc[SCREENING_GRADE__COUNT] = {0}, dc[SCREENING_DIM__COUNT] = {0};
    count_grades(c, gc, dc);
    assert_int_equal(c->nitems, 65);
    assert_int_equal(gc[SCREENING_STRONG], 15);
    assert_int_equal(gc[SCREENING_MEDIUM], 50);
    assert_int_equal(gc[SCREENING_WEAK], 0);
    int child_dims[] = {10, 10, 15, 8, 15, 7};
    for (int k = 0; k < SCREENING_DIM__COUNT; k++) {
        assert_int_equal(dc[k], child_dims[k]);
    }
    assert_null(item(c, "rv_false_law"));
    assert_null(item(c, "ex_social_protection"));
    assert_int_equal(item(c, "dr_education")->grade, SCREENING_STRONG);
    assert_int_equal(item(c, "cr_threats_violence")->grade, SCREENING_STRONG);
    assert_false(c->verified);
    assert_true(c->requires_act);
    assert_int_equal(c->nclauses, 1);
    assert_int_equal(c->clauses[0], 1u << SCREENING_DIM_EXPLOITATION);
    /* Every indicator has its label in the five other languages. */
    const char *const langs[] = {"ar", "es", "fr", "ru", "zh"};
    for (size_t i = 0; i < a->nitems; i++) {
        for (size_t k = 0; k < ARRAY_LEN(langs); k++) {
            if (!json_is_string(json_object_get(a->items[i].labels, langs[k]))) {
                fail_msg("%s has no %s label", a->items[i].code, langs[k]);
            }
        }
    }
    assert_string_equal(json_string_value(json_object_get(item(c, "cr_violence")->labels, "fr")),
                        "Violence sur les victimes");
    /* No sexual-exploitation set is shipped. */
    for (size_t i = 0; i < assets_count; i++) {
        if (strncmp(assets[i].path, "indicators/", 11) == 0) {
            assert_null(strstr(assets[i].path, "sexual"));
        }
    }
    /* The JSON form reads back to the same set. */
    json_t *j = screening_set_to_json(a, true, NULL);
    struct screening_set *again = NULL;
    if (screening_set_from_json(j, NULL, &again) != STATUS_OK) {
        fail_msg("%s", err_last());
    }
    assert_int_equal(again->nitems, 67);
    json_t *j2 = screening_set_to_json(again, true, NULL);
    assert_true(json_equal(j, j2));
    json_decref(j);
    json_decref(j2);
    screening_set_free(again);
    screening_set_free(a);
    screening_set_free(c);
}

/* A set document with one change applied by a JSON path of two levels at most. */
static json_t *small_set(void)
{
    return json_pack("{sssssIsssssssssbsss{s[{si}{sisi}]s[[ss][s]]}s[{ssssssss}{ssssssss}{ssssssss}]}", "format",
                     SCREENING_SET_FORMAT, "code", "test-set", "version", (json_int_t)1, "title", "Test set", "country",
                     "", "population", "adult", "exploitation", "sexual", "verified", 0, "source", "tests", "rule",
                     "dimension_positive", "strong", 2, "medium", 1, "weak", 1, "set_positive", "deceptive_recruitment",
                     "coercive_recruitment", "exploitation", "indicators", "code", "a1", "dimension",
                     "deceptive_recruitment", "grade", "strong", "label", "A1", "code", "b1", "dimension",
                     "exploitation", "grade", "medium", "label", "B1", "code", "b2", "dimension", "exploitation",
                     "grade", "weak", "label", "B2");
}

static void expect_set_error(json_t *doc, const char *field, const char *words)
{
    struct screening_set *s = NULL;
    assert_int_equal(screening_set_from_json(doc, "x.json", &s), STATUS_INVALID);
    assert_null(s);
    assert_string_equal(err_last_field(), field);
    assert_non_null(strstr(err_last(), "x.json: "));
    assert_non_null(strstr(err_last(), words));
    json_decref(doc);
}

static void test_screening__set_format_errors(void **state)
{
    (void)state;
    struct screening_set *s = NULL;
    json_t *ok = small_set();
    assert_non_null(ok);
    assert_int_equal(screening_set_from_json(ok, "x.json", &s), STATUS_OK);
    assert_int_equal(s->nitems, 3);
    assert_int_equal(s->combos[1].n[SCREENING_MEDIUM], 1);
    screening_set_free(s);
    json_decref(ok);

    json_t *d = small_set();
    json_object_set_new(json_array_get(json_object_get(d, "indicators"), 2), "grade", json_string("strongest"));
    expect_set_error(d, "/indicators/2/grade", "grade: strong, medium or weak");
    d = small_set();
    json_object_set_new(json_array_get(json_object_get(d, "indicators"), 1), "dimension", json_string("transport"));
    expect_set_error(d, "/indicators/1/dimension", "dimension");
    d = small_set();
    json_object_set_new(json_array_get(json_object_get(d, "indicators"), 1), "code", json_string("a1"));
    expect_set_error(d, "/indicators/1/code", "appears twice");
    d = small_set();
    json_object_del(d, "verified");
    expect_set_error(d, "/verified", "verified");
    d = small_set();
    json_object_set_new(d, "population", json_string("elderly"));
    expect_set_error(d, "/population", "adult or child");
    d = small_set();
    json_object_set_new(d, "colour", json_string("red"));
    expect_set_error(d, "/colour", "unknown member");
    d = small_set();
    json_object_set_new(d, "country", json_string("nga"));
    expect_set_error(d, "/country", "alpha-3");
    d = small_set();
    json_object_set_new(json_object_get(d, "rule"), "dimension_positive", json_pack("[{si}]", "mighty", 1));
    expect_set_error(d, "/rule/dimension_positive/0", "strong, medium or weak");
    d = small_set();
    json_array_append_new(json_object_get(json_object_get(d, "rule"), "set_positive"),
                          json_pack("[s]", "coercion_destination"));
    expect_set_error(d, "/rule/set_positive/2", "no indicator");
    d = small_set();
    json_object_set_new(json_array_get(json_object_get(d, "indicators"), 0), "labels", json_pack("{si}", "fr", 3));
    expect_set_error(d, "/indicators/0/labels", "labels.fr");
    d = small_set();
    json_object_set_new(d, "format", json_string("ilo/2"));
    expect_set_error(d, "/format", SCREENING_SET_FORMAT);
}

/* Answers helpers. */

static json_t *answers(const char *exploitation, const char *const *acts, const char *const *means,
                       const char *const *purposes)
{
    json_t *a = json_pack("{s[s]s{s{}s{}s{}}}", "exploitation", exploitation, "protocol", "acts", "means", "purposes");
    const char *const *lists[] = {acts, means, purposes};
    const char *keys[] = {"acts", "means", "purposes"};
    for (int e = 0; e < 3; e++) {
        for (const char *const *c = lists[e]; c && *c; c++) {
            json_object_set_new(json_object_get(json_object_get(a, "protocol"), keys[e]), *c,
                                json_pack("{ssss}", "answer", "yes", "evidence", "said so in the interview"));
        }
    }
    json_t *checked = NULL;
    assert_int_equal(screening_answers_check(a, &checked), STATUS_OK);
    json_decref(a);
    return checked;
}

static void set_indicators(json_t *ans, const char *set, const char *const *codes)
{
    json_t *m = json_object();
    for (const char *const *c = codes; *c; c++) {
        json_object_set_new(m, *c, json_pack("{ssss}", "answer", "yes", "evidence", ""));
    }
    json_object_set_new(json_object_get(ans, "indicators"), set, m);
}

static bool has_string(const json_t *arr, const char *s)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0) {
            return true;
        }
    }
    return false;
}

static enum screening_result eval(json_t *ans, int64_t age, struct screening_set *set, json_t **x)
{
    struct screening_subject subj = {age, NULL, false};
    enum screening_population pop;
    const char *why;
    screening_population_of(&subj, &pop, &why);
    enum screening_result r = SCREENING_NO_INDICATION;
    struct screening_set *sets[] = {set};
    assert_int_equal(screening_evaluate(ans, pop, why, "NGA", sets, set ? 1 : 0, &r, x), STATUS_OK);
    return r;
}

static void test_screening__done_when(void **state)
{
    (void)state;
    struct screening_set *adult = shipped("ilo-ec-2009-adults-labour");
    struct screening_set *child = shipped("ilo-ec-2009-children-labour");
    const char *const act[] = {"recruitment", NULL};
    const char *const purpose[] = {"forced_labour", NULL};
    json_t *ans = answers("labour", act, NULL, purpose);

    /* An adult with act and purpose but no means: reasonable grounds, naming purpose and act. */
    json_t *x = NULL;
    assert_int_equal(eval(ans, 30, adult, &x), SCREENING_REASONABLE_GROUNDS);
    assert_string_equal(json_string_value(json_object_get(x, "result")), "reasonable_grounds");
    assert_string_equal(json_string_value(json_object_get(x, "population")), "adult");
    assert_string_equal(json_string_value(json_object_get(x, "population_reason")), "age_18_or_over");
    const json_t *by = json_object_get(x, "decided_by");
    assert_string_equal(json_string_value(json_object_get(by, "rule")), "adult_purpose_and_act_or_means");
    assert_int_equal(json_array_size(json_object_get(by, "elements")), 2);
    assert_true(has_string(json_object_get(by, "elements"), "purpose"));
    assert_true(has_string(json_object_get(by, "elements"), "act"));
    assert_true(has_string(json_object_get(by, "missing"), "means"));
    const json_t *el = json_object_get(x, "elements");
    assert_true(has_string(json_object_get(json_object_get(el, "act"), "by"), "recruitment"));
    assert_true(has_string(json_object_get(json_object_get(el, "purpose"), "by"), "forced_labour"));
    assert_false(json_is_true(json_object_get(json_object_get(el, "means"), "met")));
    assert_true(json_is_true(json_object_get(json_object_get(el, "means"), "required")));
    /* The explanation carries codes, never evidence. */
    char *text = json_dumps(x, 0);
    assert_null(strstr(text, "said so"));
    free(text);
    json_decref(x);

    /* The same answers for a 16-year-old: presumed victim, naming act and purpose. */
    assert_int_equal(eval(ans, 16, child, &x), SCREENING_PRESUMED_VICTIM);
    assert_string_equal(json_string_value(json_object_get(x, "population")), "child");
    assert_string_equal(json_string_value(json_object_get(x, "population_reason")), "age_under_18");
    by = json_object_get(x, "decided_by");
    assert_string_equal(json_string_value(json_object_get(by, "rule")), "child_act_purpose");
    assert_int_equal(json_array_size(json_object_get(by, "elements")), 2);
    assert_true(has_string(json_object_get(by, "elements"), "act"));
    assert_true(has_string(json_object_get(by, "elements"), "purpose"));
    assert_false(json_is_true(json_object_get(json_object_get(json_object_get(x, "elements"), "means"), "required")));
    json_decref(x);
    json_decref(ans);
    screening_set_free(adult);
    screening_set_free(child);
}

static void test_screening__protocol_rules(void **state)
{
    (void)state;
    const char *const act[] = {"harbouring", NULL};
    const char *const mns[] = {"deception", "abuse_of_vulnerability", NULL};
    const char *const purpose[] = {"servitude", NULL};
    struct {
        const char *const *a, *const *m, *const *p;
        int64_t age;
        enum screening_result want;
        const char *rule;
    } cases[] = {
        {act, mns, purpose, 40, SCREENING_PRESUMED_VICTIM, "adult_act_means_purpose"},
        {NULL, mns, purpose, 40, SCREENING_REASONABLE_GROUNDS, "adult_purpose_and_act_or_means"},
        {act, NULL, purpose, 40, SCREENING_REASONABLE_GROUNDS, "adult_purpose_and_act_or_means"},
        {NULL, NULL, purpose, 40, SCREENING_NO_INDICATION, "none"},
        {act, mns, NULL, 40, SCREENING_NO_INDICATION, "none"},
        {NULL, NULL, NULL, 40, SCREENING_NO_INDICATION, "none"},
        {act, NULL, purpose, 17, SCREENING_PRESUMED_VICTIM, "child_act_purpose"},
        {NULL, mns, purpose, 17, SCREENING_REASONABLE_GROUNDS, "child_purpose"},
        {NULL, NULL, purpose, 17, SCREENING_REASONABLE_GROUNDS, "child_purpose"},
        {act, mns, NULL, 17, SCREENING_NO_INDICATION, "none"},
        {act, NULL, purpose, 18, SCREENING_REASONABLE_GROUNDS, "adult_purpose_and_act_or_means"},
        {act, NULL, purpose, -1, SCREENING_REASONABLE_GROUNDS, "adult_purpose_and_act_or_means"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_t *ans = answers("sexual", cases[i].a, cases[i].m, cases[i].p);
        json_t *x = NULL;
        enum screening_result r = eval(ans, cases[i].age, NULL, &x);
        if (r != cases[i].want) {
            fail_msg("case %zu: %s, want %s", i, screening_result_name(r), screening_result_name(cases[i].want));
        }
        assert_string_equal(json_string_value(json_object_get(json_object_get(x, "decided_by"), "rule")),
                            cases[i].rule);
        /* No sexual-exploitation set: the note says the recommendation rests on the Protocol. */
        const json_t *notes = json_object_get(x, "notes");
        assert_int_equal(json_array_size(notes), 1);
        const json_t *n = json_array_get(notes, 0);
        assert_string_equal(json_string_value(json_object_get(n, "code")), "no_set");
        const char *t = json_string_value(json_object_get(n, "text"));
        assert_non_null(strstr(t, cases[i].age >= 0 && cases[i].age < 18 ? "children\xe2\x80\x93sexual exploitation"
                                                                         : "adults\xe2\x80\x93sexual exploitation"));
        assert_non_null(strstr(t, "in NGA; the recommendation rests on the Protocol elements"));
        json_decref(x);
        json_decref(ans);
    }
    /* "unknown" answers do not count, but are listed. */
    json_t *in =
        json_pack("{s{s{ss}s{ss}}}", "protocol", "acts", "recruitment", "unknown", "purposes", "slavery", "yes");
    json_t *ans = NULL;
    assert_int_equal(screening_answers_check(in, &ans), STATUS_OK);
    json_t *x = NULL;
    assert_int_equal(eval(ans, 40, NULL, &x), SCREENING_NO_INDICATION);
    assert_true(
        has_string(json_object_get(json_object_get(json_object_get(x, "elements"), "act"), "unknown"), "recruitment"));
    json_decref(x);
    json_decref(ans);
    json_decref(in);
}

static void test_screening__population(void **state)
{
    (void)state;
    struct {
        int64_t age;
        const char *majority;
        bool presumed;
        enum screening_population want;
        const char *why;
    } cases[] = {
        {16, NULL, false, SCREENING_CHILD, "age_under_18"},
        {17, "Adult", false, SCREENING_CHILD, "age_under_18"},
        {-1, "Minor", false, SCREENING_CHILD, "majority_minor"},
        {-1, NULL, true, SCREENING_CHILD, "presumed_minor"},
        {18, NULL, false, SCREENING_ADULT, "age_18_or_over"},
        {-1, "Adult", false, SCREENING_ADULT, "majority_adult"},
        {-1, NULL, false, SCREENING_ADULT, "age_unknown"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct screening_subject s = {cases[i].age, cases[i].majority, cases[i].presumed};
        enum screening_population p;
        const char *why;
        screening_population_of(&s, &p, &why);
        assert_int_equal(p, cases[i].want);
        assert_string_equal(why, cases[i].why);
    }
    /* Age uncertain, presumed a minor: the child rule applies (act + purpose, no means). */
    const char *const act[] = {"transfer", NULL};
    const char *const purpose[] = {"organ_removal", NULL};
    json_t *ans = answers("labour", act, NULL, purpose);
    struct screening_subject s = {-1, NULL, true};
    enum screening_population p;
    const char *why;
    screening_population_of(&s, &p, &why);
    enum screening_result r;
    json_t *x = NULL;
    assert_int_equal(screening_evaluate(ans, p, why, "", NULL, 0, &r, &x), STATUS_OK);
    assert_int_equal(r, SCREENING_PRESUMED_VICTIM);
    assert_string_equal(json_string_value(json_object_get(x, "population_reason")), "presumed_minor");
    json_decref(x);
    json_decref(ans);
}

static const json_t *dimension(const json_t *x, size_t set, const char *code)
{
    const json_t *dims = json_object_get(json_array_get(json_object_get(x, "sets"), set), "dimensions");
    for (size_t i = 0; i < json_array_size(dims); i++) {
        if (strcmp(json_string_value(json_object_get(json_array_get(dims, i), "code")), code) == 0) {
            return json_array_get(dims, i);
        }
    }
    fail_msg("no dimension %s", code);
    return NULL;
}

static void test_screening__ilo_rules(void **state)
{
    (void)state;
    struct screening_set *adult = shipped("ilo-ec-2009-adults-labour");
    struct screening_set *child = shipped("ilo-ec-2009-children-labour");
    /* Adult: no Protocol answers, but a positive recruitment dimension (S+M), exploitation (S+M)
     * and coercion at destination (2 S): presumed victim by the ILO rule. */
    json_t *ans = answers("labour", NULL, NULL, NULL);
    const char *const all[] = {
        "dr_nature_job",   "dr_wages", "ex_excessive_hours", "ex_low_no_salary", "cd_documents_confiscated",
        "cd_debt_bondage", NULL};
    set_indicators(ans, "ilo-ec-2009-adults-labour", all);
    json_t *x = NULL;
    assert_int_equal(eval(ans, 30, adult, &x), SCREENING_PRESUMED_VICTIM);
    const json_t *by = json_object_get(x, "decided_by");
    assert_string_equal(json_string_value(json_object_get(by, "rule")), "ilo_set_positive");
    assert_true(has_string(json_object_get(by, "sets"), "ilo-ec-2009-adults-labour"));
    const json_t *dr = dimension(x, 0, "deceptive_recruitment");
    assert_true(json_is_true(json_object_get(dr, "positive")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(dr, "counts"), "strong")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(dr, "counts"), "medium")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(dr, "combination"), "strong")), 1);
    assert_int_equal(json_array_size(json_object_get(dr, "present")), 2);
    const json_t *clauses = json_object_get(json_array_get(json_object_get(x, "sets"), 0), "clauses");
    assert_int_equal(json_array_size(clauses), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(json_is_true(json_object_get(json_array_get(clauses, i), "met")));
    }
    /* An unverified set is noted. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(x, "notes"), 0), "code")),
                        "unverified_set");
    json_decref(x);
    json_decref(ans);

    /* Without destination coercion the set is not positive: no Protocol elements, no indication. */
    ans = answers("labour", NULL, NULL, NULL);
    const char *const two[] = {"dr_nature_job", "dr_wages", "ex_excessive_hours", "ex_low_no_salary", NULL};
    set_indicators(ans, "ilo-ec-2009-adults-labour", two);
    assert_int_equal(eval(ans, 30, adult, &x), SCREENING_NO_INDICATION);
    assert_false(json_is_true(json_object_get(json_array_get(json_object_get(x, "sets"), 0), "positive")));
    assert_false(json_is_true(json_object_get(
        json_array_get(json_object_get(json_array_get(json_object_get(x, "sets"), 0), "clauses"), 2), "met")));
    json_decref(x);
    json_decref(ans);

    /* The dimension combinations: 1 strong alone no; 3 medium yes; 2 medium + 1 weak yes; 2 medium no. */
    struct {
        const char *const codes[4];
        bool positive;
    } dims[] = {
        {{"cd_violence", NULL}, false},
        {{"vd_dependency_exploiters", "vd_unknown_area", "vd_economic", NULL}, true},
        {{"vd_dependency_exploiters", "vd_unknown_area", "vd_past_difficulties", NULL}, true},
        {{"vd_dependency_exploiters", "vd_unknown_area", NULL}, false},
        {{"vd_past_difficulties", "vd_personal_characteristics", "vd_economic", NULL}, false},
        {{"cd_violence", "cd_threat_inform", NULL}, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(dims); i++) {
        ans = answers("labour", NULL, NULL, NULL);
        set_indicators(ans, "ilo-ec-2009-adults-labour", dims[i].codes);
        eval(ans, 30, adult, &x);
        const char *dim = dims[i].codes[0][1] == 'd' && dims[i].codes[0][0] == 'c' ? "coercion_destination"
                                                                                   : "vulnerability_destination";
        if (json_is_true(json_object_get(dimension(x, 0, dim), "positive")) != dims[i].positive) {
            fail_msg("combination %zu: positive should be %d", i, dims[i].positive);
        }
        json_decref(x);
        json_decref(ans);
    }

    /* Child: exploitation positive (2 strong), but the set also needs an act. */
    ans = answers("labour", NULL, NULL, NULL);
    const char *const ex[] = {"ex_excessive_hours", "ex_bad_living", "ex_hazardous", NULL};
    set_indicators(ans, "ilo-ec-2009-children-labour", ex);
    assert_int_equal(eval(ans, 12, child, &x), SCREENING_NO_INDICATION);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(x, "sets"), 0), "clauses_met")));
    assert_false(json_is_true(json_object_get(json_array_get(json_object_get(x, "sets"), 0), "positive")));
    json_decref(x);
    json_decref(ans);
    const char *const act[] = {"receipt", NULL};
    ans = answers("labour", act, NULL, NULL);
    set_indicators(ans, "ilo-ec-2009-children-labour", ex);
    assert_int_equal(eval(ans, 12, child, &x), SCREENING_PRESUMED_VICTIM);
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "decided_by"), "rule")),
                        "ilo_child_set_positive");
    json_decref(x);
    json_decref(ans);

    /* Indicator codes must belong to the set used; sets must be the ones used. */
    ans = answers("labour", NULL, NULL, NULL);
    const char *const wrong[] = {"rv_false_law", NULL}; /* an adult-only indicator */
    set_indicators(ans, "ilo-ec-2009-children-labour", wrong);
    enum screening_result r;
    struct screening_set *sets[] = {child};
    assert_int_equal(screening_evaluate(ans, SCREENING_CHILD, "age_under_18", "", sets, 1, &r, &x), STATUS_INVALID);
    assert_string_equal(err_last_field(), "/indicators/ilo-ec-2009-children-labour/rv_false_law");
    struct screening_set *asets[] = {adult};
    assert_int_equal(screening_evaluate(ans, SCREENING_ADULT, "age_18_or_over", "", asets, 1, &r, &x), STATUS_INVALID);
    assert_string_equal(err_last_field(), "/indicators/ilo-ec-2009-children-labour");
    json_decref(ans);
    screening_set_free(adult);
    screening_set_free(child);
}

static void expect_answers_error(json_t *in, const char *field)
{
    json_t *out = NULL;
    assert_int_equal(screening_answers_check(in, &out), STATUS_INVALID);
    assert_null(out);
    assert_string_equal(err_last_field(), field);
    json_decref(in);
}

static void test_screening__answers_check(void **state)
{
    (void)state;
    expect_answers_error(json_pack("{s{s{ss}}}", "protocol", "acts", "kidnap", "yes"), "/protocol/acts/kidnap");
    expect_answers_error(json_pack("{s{s{ss}}}", "protocol", "means", "fraud", "maybe"), "/protocol/means/fraud");
    expect_answers_error(
        json_pack("{s{s{s{sssi}}}}", "protocol", "purposes", "slavery", "answer", "yes", "evidence", 3),
        "/protocol/purposes/slavery/evidence");
    expect_answers_error(json_pack("{s{s{}}}", "protocol", "ends"), "/protocol/ends");
    expect_answers_error(json_pack("{ss}", "exploitation", "organs"), "/exploitation");
    expect_answers_error(json_pack("{si}", "age", 200), "/age");
    expect_answers_error(json_pack("{ss}", "majority_status", "Old"), "/majority_status");
    expect_answers_error(json_pack("{ss}", "name", "x"), "/name");
    expect_answers_error(json_pack("{s{s{ss}}}", "indicators", "Set!", "a", "yes"), "/indicators/Set!");
    /* Too long in all. */
    json_t *in = json_pack("{s{s{}}}", "indicators", "s");
    char *big = xcalloc(1, SCREENING_EVIDENCE_BYTES_MAX + 1);
    memset(big, 'x', SCREENING_EVIDENCE_BYTES_MAX);
    for (int i = 0; i < 40; i++) {
        char code[16];
        snprintf(code, sizeof code, "c%d", i);
        json_object_set_new(json_object_get(json_object_get(in, "indicators"), "s"), code,
                            json_pack("{ssss}", "answer", "yes", "evidence", big));
    }
    json_t *out = NULL;
    assert_int_equal(screening_answers_check(in, &out), STATUS_TOO_LARGE);
    free(big);
    json_decref(in);
    /* Normalised: defaults and the object form. */
    in = json_pack("{s{s{ss}}}", "protocol", "acts", "recruitment", "yes");
    assert_int_equal(screening_answers_check(in, &out), STATUS_OK);
    assert_string_equal(json_string_value(json_array_get(json_object_get(out, "exploitation"), 0)), "labour");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(out, "protocol"), "acts"), "recruitment"), "answer")),
        "yes");
    assert_false(screening_answers_have_evidence(out));
    json_decref(out);
    json_decref(in);
}

/* Database part, on both engines. */

struct world {
    struct test_env t;
    int64_t agency;
    int64_t worker, coordinator, reader;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(screening_sets_seed(w->t.store), STATUS_OK);
    assert_int_equal(screening_sets_seed(w->t.store), STATUS_OK); /* idempotent */
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    w->agency = test_agency(&w->t, "Agency S");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
    w->coordinator = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    /* A role that reads cases but not narratives. */
    const char *const perms[] = {"case.read"};
    struct auth_role *role = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_role_create(&w->t.ctx, "case_reader", "reads cases", false, perms, 1, NULL, 0, &role),
                     STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_role_free(role);
    w->reader = test_user(&w->t, "reader", w->agency, "case_reader", "agency");
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
    struct screening_set_filter f;
    struct screening_set **sets;
    size_t nsets;
    struct screening_set *set;
    int64_t id, case_id, version;
    bool created;
    json_t *answers;
    struct screening_record rec;
    struct screening_record *recs;
    size_t nrecs;
    const char *decision, *reason;
    struct case_record in;
    struct case_record *out;
    int64_t items;
};

static enum status op_list(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_set_list(c, &o->f, &o->sets, &o->nsets);
}
static enum status op_import(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_set_import(c, o->set, &o->id, &o->created);
}
static enum status op_case(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return case_create(c, &o->in, &o->out);
}
static enum status op_add(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_add(c, o->case_id, o->answers, &o->rec);
}
static enum status op_screenings(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_list(c, o->case_id, &o->recs, &o->nrecs);
}
static enum status op_decide(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_decide(c, o->case_id, o->id, o->version, o->decision, o->reason);
}
static enum status op_withdraw(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct consent_change ch = {CONSENT_INTERVIEW, CONSENT_WITHDRAWN, NULL, NULL};
    return consent_set(c, o->case_id, &ch, 1);
}
static enum status op_purge(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return screening_purge_case(c, o->case_id, &o->items);
}

static void test_screening__sets_in_database(void **state)
{
    struct world *w = *state;
    struct test_as worker, coord;
    test_as_user(&w->t, &worker, w->worker);
    test_as_user(&w->t, &coord, w->coordinator);
    struct op o = {0};
    assert_int_equal(auth_run(&worker.ctx, op_list, &o), STATUS_OK);
    assert_int_equal(o.nsets, 2); /* seeded once, though seeded twice */
    screening_sets_free(o.sets, o.nsets);

    /* A country's adapted set: the caseworker may not load it, the coordinator may. */
    json_t *doc = small_set();
    json_object_set_new(doc, "country", json_string("NGA"));
    json_object_set_new(doc, "code", json_string("nga-sexual-adults"));
    struct op imp = {0};
    assert_int_equal(screening_set_from_json(doc, NULL, &imp.set), STATUS_OK);
    assert_int_equal(auth_run(&worker.ctx, op_import, &imp), STATUS_DENIED);
    assert_int_equal(auth_run(&coord.ctx, op_import, &imp), STATUS_OK);
    assert_true(imp.created);
    int64_t first = imp.id;
    assert_int_equal(auth_run(&coord.ctx, op_import, &imp), STATUS_OK); /* the same again: nothing new */
    assert_false(imp.created);
    assert_int_equal(imp.id, first);
    /* Other content under the same version: refused; a new version: added, old one unchanged. */
    screening_set_free(imp.set);
    json_object_set_new(json_array_get(json_object_get(doc, "indicators"), 1), "grade", json_string("strong"));
    assert_int_equal(screening_set_from_json(doc, NULL, &imp.set), STATUS_OK);
    assert_int_equal(auth_run(&coord.ctx, op_import, &imp), STATUS_CONFLICT);
    imp.set->version = 2;
    assert_int_equal(auth_run(&coord.ctx, op_import, &imp), STATUS_OK);
    assert_true(imp.created);
    assert_true(imp.id != first);
    screening_set_free(imp.set);
    json_decref(doc);

    /* The set a screening uses: the country's own (latest), else none (for sexual) or the default. */
    struct op cur = {.f = {"adult", "sexual", "NGA", true}};
    assert_int_equal(auth_run(&worker.ctx, op_list, &cur), STATUS_OK);
    assert_int_equal(cur.nsets, 1);
    assert_int_equal(cur.sets[0]->version, 2);
    screening_sets_free(cur.sets, cur.nsets);
    cur = (struct op){.f = {"adult", "sexual", "GHA", true}};
    assert_int_equal(auth_run(&worker.ctx, op_list, &cur), STATUS_OK);
    assert_int_equal(cur.nsets, 0);
    free(cur.sets);
    cur = (struct op){.f = {"child", "labour", "NGA", true}};
    assert_int_equal(auth_run(&worker.ctx, op_list, &cur), STATUS_OK);
    assert_int_equal(cur.nsets, 1);
    assert_string_equal(cur.sets[0]->code, "ilo-ec-2009-children-labour");
    screening_sets_free(cur.sets, cur.nsets);
    /* Filters. */
    cur = (struct op){.f = {NULL, NULL, "NGA", false}};
    assert_int_equal(auth_run(&worker.ctx, op_list, &cur), STATUS_OK);
    assert_int_equal(cur.nsets, 2);
    screening_sets_free(cur.sets, cur.nsets);
    cur = (struct op){.f = {"adult", NULL, NULL, false}};
    assert_int_equal(auth_run(&worker.ctx, op_list, &cur), STATUS_OK);
    assert_int_equal(cur.nsets, 3);
    screening_sets_free(cur.sets, cur.nsets);
    auth_principal_clear(&worker.p);
    auth_principal_clear(&coord.p);
}

static int64_t new_case(struct world *w, struct test_as *as, const char *age)
{
    struct op o = {0};
    case_record_init(&o.in);
    if (age != NULL) {
        assert_int_equal(case_value_parse(&o.in, CASE_F_age, age), STATUS_OK);
    }
    assert_int_equal(auth_run(&as->ctx, op_case, &o), STATUS_OK);
    int64_t id = o.out->id;
    case_record_free(o.out);
    case_record_clear(&o.in);
    (void)w;
    return id;
}

static void test_screening__case_screenings(void **state)
{
    struct world *w = *state;
    struct test_as worker, reader;
    test_as_user(&w->t, &worker, w->worker);
    test_as_user(&w->t, &reader, w->reader);
    const char *const act[] = {"recruitment", NULL};
    const char *const purpose[] = {"forced_labour", NULL};

    /* Done when, through the records: the adult gets reasonable grounds, the 16-year-old is a
     * presumed victim. */
    int64_t adult_case = new_case(w, &worker, "30");
    int64_t child_case = new_case(w, &worker, "16");
    struct op o = {0};
    o.answers = answers("labour", act, NULL, purpose);
    o.case_id = adult_case;
    assert_int_equal(auth_run(&worker.ctx, op_add, &o), STATUS_OK);
    assert_int_equal(o.rec.result, SCREENING_REASONABLE_GROUNDS);
    assert_int_equal(o.rec.population, SCREENING_ADULT);
    assert_string_equal(o.rec.country, "NGA"); /* from the case's agency */
    assert_int_equal(json_array_size(o.rec.sets), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(o.rec.sets, 0), "code")),
                        "ilo-ec-2009-adults-labour");
    assert_non_null(o.rec.answers); /* the worker reads the evidence */
    int64_t adult_screening = o.rec.id, adult_version = o.rec.version;
    screening_record_clear(&o.rec);
    o.case_id = child_case;
    assert_int_equal(auth_run(&worker.ctx, op_add, &o), STATUS_OK);
    assert_int_equal(o.rec.result, SCREENING_PRESUMED_VICTIM);
    assert_int_equal(o.rec.population, SCREENING_CHILD);
    assert_string_equal(o.rec.population_reason, "age_under_18");
    assert_true(has_string(json_object_get(json_object_get(o.rec.explanation, "decided_by"), "elements"), "act"));
    screening_record_clear(&o.rec);
    json_decref(o.answers);

    /* A reader without narrative access sees the result and explanation, not the answers. */
    struct op l = {.case_id = adult_case};
    assert_int_equal(auth_run(&reader.ctx, op_screenings, &l), STATUS_OK);
    assert_int_equal(l.nrecs, 1);
    assert_null(l.recs[0].answers);
    assert_true(l.recs[0].answers_withheld);
    assert_int_equal(l.recs[0].result, SCREENING_REASONABLE_GROUNDS);
    json_t *j = screening_record_to_json(&l.recs[0]);
    assert_true(json_is_null(json_object_get(j, "answers")));
    json_decref(j);
    screening_records_free(l.recs, l.nrecs);
    /* ... and may not record one. */
    o.answers = answers("labour", act, NULL, purpose);
    o.case_id = adult_case;
    assert_int_equal(auth_run(&reader.ctx, op_add, &o), STATUS_DENIED);
    json_decref(o.answers);
    /* The evidence is sealed in the database: the raw row holds no evidence text. */
    struct sql_value a[] = {SQLV_I64(adult_screening), SQLV_I64(adult_case)};
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(w->t.store, STMT_SCREENING_GET, a, 2, &r), STATUS_OK);
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 9, &len);
    assert_true(len > 0);
    assert_null(memmem(blob, len, "said so", 7));
    assert_null(strstr(store_rows_text(r, 11), "said so"));
    store_rows_free(r);

    /* The decision: disagreeing needs a reason; a stale version is refused. */
    struct op d = {.case_id = adult_case, .id = adult_screening, .version = adult_version, .decision = "disagree"};
    assert_int_equal(auth_run(&worker.ctx, op_decide, &d), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reason");
    d.decision = "maybe";
    assert_int_equal(auth_run(&worker.ctx, op_decide, &d), STATUS_INVALID);
    d.decision = "disagree";
    d.reason = "the employer was a relative; more interviews needed";
    assert_int_equal(auth_run(&reader.ctx, op_decide, &d), STATUS_DENIED);
    assert_int_equal(auth_run(&worker.ctx, op_decide, &d), STATUS_OK);
    assert_int_equal(auth_run(&worker.ctx, op_decide, &d), STATUS_CONFLICT);
    l = (struct op){.case_id = adult_case};
    assert_int_equal(auth_run(&worker.ctx, op_screenings, &l), STATUS_OK);
    assert_string_equal(l.recs[0].decision, "disagree");
    assert_string_equal(l.recs[0].decision_reason, d.reason);
    assert_int_equal(l.recs[0].result, SCREENING_REASONABLE_GROUNDS); /* the recommendation stays */
    assert_int_equal(l.recs[0].version, adult_version + 1);
    screening_records_free(l.recs, l.nrecs);
    struct screening_record latest;
    assert_int_equal(screening_latest(&w->t.ctx, adult_case, &latest), STATUS_OK);
    assert_string_equal(latest.decision, "disagree");
    screening_record_clear(&latest);

    /* Consent to the interview withdrawn: no further screening, the past ones stay readable. */
    int64_t refused_case = new_case(w, &worker, "25");
    struct op wd = {.case_id = refused_case};
    assert_int_equal(auth_run(&worker.ctx, op_withdraw, &wd), STATUS_OK);
    o.answers = answers("labour", act, NULL, purpose);
    o.case_id = refused_case;
    assert_int_equal(auth_run(&worker.ctx, op_add, &o), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "interview"));
    json_decref(o.answers);

    /* Purge: the answers and reasons go, the codes stay. */
    struct op p = {.case_id = adult_case};
    assert_int_equal(auth_run(&w->t.ctx, op_purge, &p), STATUS_OK);
    assert_int_equal(p.items, 1);
    l = (struct op){.case_id = adult_case};
    assert_int_equal(auth_run(&worker.ctx, op_screenings, &l), STATUS_OK);
    assert_null(l.recs[0].answers);
    assert_null(l.recs[0].decision_reason);
    assert_int_equal(l.recs[0].result, SCREENING_REASONABLE_GROUNDS);
    screening_records_free(l.recs, l.nrecs);
    json_t *sar = NULL;
    assert_int_equal(screening_sar_case(&w->t.ctx, child_case, &sar), STATUS_OK);
    assert_int_equal(json_array_size(sar), 1);
    assert_non_null(json_object_get(json_array_get(sar, 0), "answers"));
    json_decref(sar);
    auth_principal_clear(&worker.p);
    auth_principal_clear(&reader.p);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_screening__shipped_sets),  cmocka_unit_test(test_screening__set_format_errors),
        cmocka_unit_test(test_screening__done_when),     cmocka_unit_test(test_screening__protocol_rules),
        cmocka_unit_test(test_screening__population),    cmocka_unit_test(test_screening__ilo_rules),
        cmocka_unit_test(test_screening__answers_check),
    };
    int failures = cmocka_run_group_tests_name("screening (pure)", pure, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screening__sets_in_database),
        cmocka_unit_test(test_screening__case_screenings),
    };
    test_engine = "sqlite";
    failures += cmocka_run_group_tests_name("screening (sqlite)", tests, setup, teardown);
    if (getenv("TEST_PG_URL") && getenv("TEST_PG_URL")[0]) {
        test_engine = "postgres";
        failures += cmocka_run_group_tests_name("screening (postgresql)", tests, setup, teardown);
    } else {
        printf("skipping PostgreSQL: TEST_PG_URL not set\n");
    }
    return failures;
}
