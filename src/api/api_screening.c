/* api_screening: the routes of victim screening (part S, src/referral/screening.h): indicator
 * sets (list, one with its items, import), the evaluation preview (nothing stored), and the
 * screenings of a case with the worker's decision. A screening's answers (evidence notes) are
 * sent only to readers of the narrative field group; the result and explanation to every reader
 * of the case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "i18n/i18n.h"
#include "referral/screening.h"
#include "util/mem.h"

struct scr_args {
    struct screening_set_filter filter;
    struct screening_set **sets;
    size_t nsets;
    struct screening_set *set;
    int64_t id, case_id, version;
    bool created;
    json_t *answers;
    struct screening_outcome outcome;
    struct screening_record rec;
    struct screening_record *recs;
    size_t nrecs;
    struct screening_case_facts facts;
    const char *decision, *reason;
};

static void scr_args_clear(struct scr_args *a)
{
    screening_sets_free(a->sets, a->nsets);
    screening_set_free(a->set);
    json_decref(a->answers);
    screening_outcome_clear(&a->outcome);
    screening_record_clear(&a->rec);
    screening_records_free(a->recs, a->nrecs);
}

static const char *lang_of(struct http_request *req)
{
    const char *lang = http_request_query(req, "lang");
    return lang != NULL && i18n_lang_valid(lang) ? lang : "en";
}

/* Sets. */

static enum status op_sets(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_set_list(ctx, &a->filter, &a->sets, &a->nsets);
}

void api_indicator_sets_list(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    a.filter.population = http_request_query(req, "population");
    a.filter.exploitation = http_request_query(req, "exploitation");
    a.filter.country = http_request_query(req, "country");
    const char *cur = http_request_query(req, "current");
    a.filter.current = cur != NULL && (strcmp(cur, "1") == 0 || strcmp(cur, "true") == 0);
    enum status st = auth_run(api__ctx(req), op_sets, &a);
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.nsets; i++) {
            json_array_append_new(arr, screening_set_to_json(a.sets[i], false, NULL));
        }
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(arr) : NULL);
    scr_args_clear(&a);
}

static enum status op_set_get(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_set_get(ctx, a->id, &a->set);
}

void api_indicator_set_get(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_set_get, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? screening_set_to_json(a.set, true, lang_of(req)) : NULL);
    scr_args_clear(&a);
}

static enum status op_set_import(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_set_import(ctx, a->set, &a->id, &a->created);
}

void api_indicator_sets_import(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = screening_set_from_json(http_request_json(req), NULL, &a.set);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_set_import, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_pack("{sIsssIsb}", "id", (json_int_t)a.id, "code", a.set->code, "version", (json_int_t)a.set->version,
                      "created", a.created);
    }
    api__respond(req, st, st == STATUS_OK && a.created ? 201 : 200, o);
    scr_args_clear(&a);
}

/* Evaluation preview. */

static enum status op_preview(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_preview(ctx, a->answers, &a->outcome);
}

void api_screening_evaluate(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = screening_answers_check(http_request_json(req), &a.answers);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_preview, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *sets = json_array();
        for (size_t i = 0; i < a.outcome.nsets; i++) {
            const struct screening_set *s = a.outcome.sets[i];
            json_array_append_new(sets, json_pack("{sIsssIsb}", "id", (json_int_t)s->id, "code", s->code, "version",
                                                  (json_int_t)s->version, "verified", s->verified));
        }
        o = json_pack("{sssssssoso}", "result", screening_result_name(a.outcome.result), "population",
                      screening_population_name(a.outcome.population), "population_reason", a.outcome.population_reason,
                      "sets", sets, "explanation", json_incref(a.outcome.explanation));
    }
    api__respond(req, st, 200, o);
    scr_args_clear(&a);
}

/* Screenings of a case. */

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    enum status st = screening_list(ctx, a->case_id, &a->recs, &a->nrecs);
    return st == STATUS_OK ? screening_case_facts(ctx, a->case_id, &a->facts) : st;
}

void api_case_screenings(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    json_t *arr = NULL;
    if (st == STATUS_OK) {
        arr = json_array();
        for (size_t i = 0; i < a.nrecs; i++) {
            json_array_append_new(arr, screening_record_to_json(&a.recs[i]));
        }
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        /* What a new screening starts from, for the form (its preview sends the same). */
        o = api__items(arr);
        json_object_set_new(
            o, "subject",
            json_pack("{sososs}", "age", a.facts.age >= 0 ? json_integer(a.facts.age) : json_null(), "majority_status",
                      a.facts.majority[0] ? json_string(a.facts.majority) : json_null(), "country", a.facts.country));
    }
    api__respond(req, st, 200, o);
    scr_args_clear(&a);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_add(ctx, a->case_id, a->answers, &a->rec);
}

void api_case_screening_add(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        const json_t *body = http_request_json(req);
        /* The subject comes from the case: age and majority status are not taken from the body. */
        if (json_object_get(body, "age") != NULL || json_object_get(body, "majority_status") != NULL) {
            st = err_set_field(STATUS_INVALID, json_object_get(body, "age") ? "/age" : "/majority_status",
                               "age and majority_status come from the case: change the case, or give presumed_minor");
        }
    }
    if (st == STATUS_OK) {
        st = screening_answers_check(http_request_json(req), &a.answers);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_add, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.rec.version);
    }
    api__respond(req, st, 201, st == STATUS_OK ? screening_record_to_json(&a.rec) : NULL);
    scr_args_clear(&a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    return screening_get(ctx, a->case_id, a->id, &a->rec);
}

void api_case_screening_get(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.rec.version);
    }
    api__respond(req, st, 200, st == STATUS_OK ? screening_record_to_json(&a.rec) : NULL);
    scr_args_clear(&a);
}

static enum status op_decide(const struct auth_ctx *ctx, void *p)
{
    struct scr_args *a = p;
    enum status st = screening_decide(ctx, a->case_id, a->id, a->version, a->decision, a->reason);
    return st == STATUS_OK ? screening_get(ctx, a->case_id, a->id, &a->rec) : st;
}

void api_case_screening_decide(struct http_request *req, void *app)
{
    (void)app;
    struct scr_args a = {0};
    const json_t *body = http_request_json(req);
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)body, key, v)
        {
            if ((strcmp(key, "decision") != 0 && strcmp(key, "reason") != 0) ||
                (!json_is_string(v) && !json_is_null(v))) {
                st = err_set_field(STATUS_INVALID, key,
                                   "%s: the body is {\"decision\": \"agree\"|\"disagree\", "
                                   "\"reason\": \"...\"}",
                                   key);
                break;
            }
        }
        a.decision = json_string_value(json_object_get(body, "decision"));
        a.reason = json_string_value(json_object_get(body, "reason"));
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_decide, &a);
    }
    if (st == STATUS_CONFLICT && strstr(err_last(), "changed by someone else") != NULL) {
        st = STATUS_PRECONDITION; /* a stale If-Match, as on the case routes */
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.rec.version);
    }
    api__respond(req, st, 200, st == STATUS_OK ? screening_record_to_json(&a.rec) : NULL);
    scr_args_clear(&a);
}
