/* testdata: small fixtures the statistics tests share (cases with coded values, a proceeding with
 * a conviction, a national repatriated from abroad), made through the domain functions as the
 * operator of a test_env (testlib.h), inside the caller's transaction. */
#ifndef CTIS_TESTDATA_H
#define CTIS_TESTDATA_H

#include "cases/cases.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "referral/legal.h"
#include "testlib.h"

static inline json_t *test_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    assert_non_null(j);
    return j;
}

/* A case of agency with the coded values given (NULL: not recorded); its id. */
static inline int64_t test_case_add(struct test_env *t, int64_t agency, const char *gender, const char *age,
                                    const char *forms, const char *citizenship, const char *exploited_in,
                                    const char *year)
{
    struct case_record in;
    case_record_init(&in);
    in.agency_id = agency;
    const struct {
        int field;
        const char *value;
    } v[] = {{CASE_F_gender, gender},
             {CASE_F_age, age},
             {CASE_F_exploitation_types, forms},
             {CASE_F_citizenship, citizenship},
             {CASE_F_exploitation_country, exploited_in},
             {CASE_F_year_registered, year}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (v[i].value != NULL) {
            assert_int_equal(case_value_parse(&in, v[i].field, v[i].value), STATUS_OK);
        }
    }
    struct case_record *out = NULL;
    assert_int_equal(case_create(&t->ctx, &in, &out), STATUS_OK);
    int64_t id = out->id;
    case_record_free(out);
    case_record_clear(&in);
    return id;
}

/* An investigation of agency in Nigeria with one offence (forced labour) and one man from Benin
 * contacted, prosecuted and convicted in 2024; the investigation's and the offence's ids out. */
static inline void test_convicted(struct test_env *t, int64_t agency, int64_t *inv_out, int64_t *offence_out)
{
    struct investigation_input in = {
        .reference = "PF/2024/1", .opened = "2024-01-10", .country = "NGA", .agency_id = agency};
    int64_t inv = 0, off = 0, sus = 0, ch = 0;
    assert_int_equal(investigation_create(&t->ctx, &in, &inv), STATUS_OK);
    json_t *o = test_json("{\"article_code\":\"s.13\",\"form\":\"forced_labour\"}");
    assert_int_equal(justice_offence_add(&t->ctx, inv, o, &off), STATUS_OK);
    json_decref(o);
    o = test_json("{\"kind\":\"natural\",\"sex\":\"male\",\"age\":41,\"citizenship\":\"BEN\"}");
    assert_int_equal(justice_suspect_add(&t->ctx, inv, o, &sus), STATUS_OK);
    json_decref(o);
    o = json_pack("{sIsIssssssss}", "suspect_id", (json_int_t)sus, "offence_id", (json_int_t)off, "contacted",
                  "2024-02-01", "prosecuted", "2024-03-01", "outcome", "convicted", "decided", "2024-06-01");
    assert_int_equal(justice_charge_add(&t->ctx, inv, o, &ch), STATUS_OK);
    json_decref(o);
    if (inv_out != NULL) {
        *inv_out = inv;
    }
    if (offence_out != NULL) {
        *offence_out = off;
    }
}

/* A Nigerian woman of 24 exploited in the United Kingdom (forms: NULL for none recorded),
 * registered in `year`, brought home: a completed return travelling on 2024-09-01. */
static inline void test_repatriated(struct test_env *t, int64_t agency, const char *year, const char *forms)
{
    int64_t cid = test_case_add(t, agency, "Feminine", "24", forms, "NGA", "GBR", year);
    json_t *in = json_pack("{ssss}", "destination", "NGA", "risk_level", "low");
    json_t *out = NULL;
    assert_int_equal(legal_add(&t->ctx, LEGAL_RETURN, cid, 0, in, &out), STATUS_OK);
    json_decref(in);
    int64_t rid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    in = json_pack("{sssbss}", "status", "completed", "consent_confirmed", 1, "travel_date", "2024-09-01");
    out = NULL;
    assert_int_equal(legal_update(&t->ctx, LEGAL_RETURN, cid, rid, 1, in, &out), STATUS_OK);
    json_decref(in);
    json_decref(out);
}

#endif
