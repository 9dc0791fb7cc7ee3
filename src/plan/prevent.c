/* prevent: campaigns, trainings, identity-document work and supply-chain measures, and their
 * figures (see prevent.h). */
#include "plan/prevent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "plan/napint.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *const plan_prevent_kinds[] = {"campaign", "training", "idwork", "supplychain", NULL};
const char *const plan_campaign_audiences[] = {"general_public", "children_youth", "migrants", "workers", "employers",
                                               "officials",      "tourists",       "other",    NULL};
const char *const plan_campaign_channels[] = {"tv",      "radio",  "print",   "online", "social_media",
                                              "outdoor", "events", "schools", "other",  NULL};
const char *const plan_training_audiences[] = {"police",         "border", "labour_inspectors", "prosecutors", "judges",
                                               "social_workers", "health", "consular",          "other",       NULL};
const char *const plan_training_topics[] = {
    "identification",      "victim_rights",   "investigation", "child_protection",
    "labour_exploitation", "data_protection", "other",         NULL};
const char *const plan_supplychain_measures[] = {"due_diligence_law", "code_of_conduct", "audit", "remediation",
                                                 "procurement_rule",  "other",           NULL};

static bool language_ok(const char *c)
{
    return vocab_index("language", c) >= 0;
}

/* The row being written, as the insert's values. */
struct prev_row {
    const char *title, *country, *from, *to, *measure, *people_kind, *note;
    char *audiences, *channels, *languages, *topics, *paragraphs;
    int64_t people, women, men, other, hours, org_agency, org_partner;
};

static void prev_row_free(struct prev_row *r)
{
    free(r->audiences);
    free(r->channels);
    free(r->languages);
    free(r->topics);
    free(r->paragraphs);
}

static enum status one_code(const json_t *in, const char *key, const char *const *list, bool required, const char **out)
{
    enum status st = util_json_text(in, key, 40, required, out);
    if (st == STATUS_OK && (*out)[0] != '\0' && !util_in_list(*out, list)) {
        st = err_set_field(STATUS_INVALID, key, "%s: unknown code \"%s\"", key, *out);
    }
    return st;
}

static enum status campaign_in(const json_t *in, struct prev_row *r)
{
    enum status st = util_json_text(in, "title", PN_TEXT_MAX, true, &r->title);
    if (st == STATUS_OK) {
        st = pn_codes(in, "audiences", plan_campaign_audiences, NULL, true, &r->audiences);
    }
    if (st == STATUS_OK) {
        st = pn_codes(in, "channels", plan_campaign_channels, NULL, true, &r->channels);
    }
    if (st == STATUS_OK) {
        st = pn_codes(in, "languages", NULL, language_ok, false, &r->languages);
    }
    if (st == STATUS_OK) {
        st = pn_period(in, "period_from", "period_to", &r->from, &r->to);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "reach", 0, PN_COUNT_MAX, 0, &r->people);
    }
    if (st == STATUS_OK) {
        static const char *const kinds[] = {"estimated", "measured", NULL};
        st = one_code(in, "reach_kind", kinds, false, &r->people_kind);
    }
    if (st == STATUS_OK && r->people_kind[0] == '\0') {
        r->people_kind = "estimated";
    }
    return st;
}

static enum status training_in(const struct auth_ctx *ctx, const json_t *in, struct prev_row *r)
{
    enum status st = util_json_date(in, "date", true, &r->from);
    r->to = r->from;
    if (st == STATUS_OK) {
        st = util_json_text(in, "title", PN_TEXT_MAX, false, &r->title);
    }
    if (st == STATUS_OK) {
        const char *a = "";
        st = one_code(in, "audience", plan_training_audiences, true, &a);
        r->audiences = st == STATUS_OK ? strdup(a) : NULL;
        if (st == STATUS_OK && r->audiences == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        }
    }
    const json_t *p = json_object_get(in, "participants");
    if (st == STATUS_OK && !json_is_object(p)) {
        st = err_set_field(STATUS_INVALID, "participants", "participants must be {\"women\",\"men\",\"other\"}");
    }
    if (st == STATUS_OK) {
        st = util_json_int(p, "women", 0, PN_COUNT_MAX, 0, &r->women);
    }
    if (st == STATUS_OK) {
        st = util_json_int(p, "men", 0, PN_COUNT_MAX, 0, &r->men);
    }
    if (st == STATUS_OK) {
        st = util_json_int(p, "other", 0, PN_COUNT_MAX, 0, &r->other);
    }
    if (st == STATUS_OK && r->women + r->men + r->other == 0) {
        st = err_set_field(STATUS_INVALID, "participants", "a training has at least one participant");
    }
    if (st == STATUS_OK) {
        st = pn_codes(in, "topics", plan_training_topics, NULL, true, &r->topics);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "hours", 0, 10000, 0, &r->hours);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "organiser_agency_id", 0, INT64_MAX, 0, &r->org_agency);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "organiser_partner_id", 0, INT64_MAX, 0, &r->org_partner);
    }
    if (st == STATUS_OK && r->org_agency > 0) {
        struct sql_value k[] = {SQLV_I64(r->org_agency)};
        struct store_rows *rs = NULL;
        st = store_exec_one(ctx->store, STMT_PLAN_AGENCY_EXISTS, k, 1, &rs);
        store_rows_free(rs);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "organiser_agency_id", "no such agency");
        }
    }
    return st;
}

static enum status idwork_in(const json_t *in, struct prev_row *r)
{
    enum status st = util_json_text(in, "activity", PN_TEXT_MAX, true, &r->title);
    if (st == STATUS_OK) {
        st = pn_period(in, "period_from", "period_to", &r->from, &r->to);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "people", 0, PN_COUNT_MAX, 0, &r->people);
    }
    return st;
}

static enum status supplychain_in(const json_t *in, struct prev_row *r)
{
    enum status st = util_json_text(in, "company", PN_TEXT_MAX, true, &r->title);
    if (st == STATUS_OK) {
        st = one_code(in, "measure", plan_supplychain_measures, true, &r->measure);
    }
    if (st == STATUS_OK) {
        st = util_json_date(in, "date", true, &r->from);
        r->to = r->from;
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "coverage", 0, PN_COUNT_MAX, 0, &r->people);
    }
    if (st == STATUS_OK) {
        static const char *const kinds[] = {"workers", "companies", NULL};
        st = one_code(in, "coverage_kind", kinds, false, &r->people_kind);
    }
    if (st == STATUS_OK && r->people_kind[0] == '\0') {
        r->people_kind = "workers";
    }
    return st;
}

/* A row as the JSON of its kind (PLAN_PREV_COLS). */
static enum status prev_json(const struct auth_ctx *ctx, struct store_rows *rs, json_t **out)
{
    int64_t id = store_rows_i64(rs, 0);
    json_t *note = NULL;
    enum status st = vault_unseal_column_json(ctx->vault, rs, 20, "plan_prevention", "note_enc", id, &note);
    if (st != STATUS_OK) {
        return st;
    }
    const char *kind = store_rows_text(rs, 1);
    json_t *o = json_pack("{sI ss ss so so}", "id", (json_int_t)id, "kind", kind, "country", store_rows_text(rs, 3),
                          "paragraphs", pn_codes_json(store_rows_text(rs, 11)), "note", note);
    if (strcmp(kind, "campaign") == 0) {
        json_object_set_new(o, "title", json_string(store_rows_text(rs, 2)));
        json_object_set_new(o, "audiences", pn_codes_json(store_rows_text(rs, 6)));
        json_object_set_new(o, "channels", pn_codes_json(store_rows_text(rs, 7)));
        json_object_set_new(o, "languages", pn_codes_json(store_rows_text(rs, 8)));
        json_object_set_new(o, "period_from", json_string(store_rows_text(rs, 4)));
        json_object_set_new(o, "period_to", json_string(store_rows_text(rs, 5)));
        json_object_set_new(o, "reach", json_integer(store_rows_i64(rs, 12)));
        json_object_set_new(o, "reach_kind", json_string(store_rows_text(rs, 13)));
    } else if (strcmp(kind, "training") == 0) {
        int64_t w = store_rows_i64(rs, 14), m = store_rows_i64(rs, 15), x = store_rows_i64(rs, 16);
        json_object_set_new(o, "title", json_string(store_rows_text(rs, 2)));
        json_object_set_new(o, "date", json_string(store_rows_text(rs, 4)));
        json_object_set_new(o, "audience", json_string(store_rows_text(rs, 6)));
        json_object_set_new(o, "participants",
                            json_pack("{sI sI sI sI}", "women", (json_int_t)w, "men", (json_int_t)m, "other",
                                      (json_int_t)x, "total", (json_int_t)(w + m + x)));
        json_object_set_new(o, "topics", pn_codes_json(store_rows_text(rs, 9)));
        json_object_set_new(o, "hours", json_integer(store_rows_i64(rs, 17)));
        json_object_set_new(o, "organiser_agency_id", json_integer(store_rows_i64(rs, 18)));
        json_object_set_new(o, "organiser_partner_id", json_integer(store_rows_i64(rs, 19)));
    } else if (strcmp(kind, "idwork") == 0) {
        json_object_set_new(o, "activity", json_string(store_rows_text(rs, 2)));
        json_object_set_new(o, "period_from", json_string(store_rows_text(rs, 4)));
        json_object_set_new(o, "period_to", json_string(store_rows_text(rs, 5)));
        json_object_set_new(o, "people", json_integer(store_rows_i64(rs, 12)));
    } else {
        json_object_set_new(o, "company", json_string(store_rows_text(rs, 2)));
        json_object_set_new(o, "measure", json_string(store_rows_text(rs, 10)));
        json_object_set_new(o, "date", json_string(store_rows_text(rs, 4)));
        json_object_set_new(o, "coverage", json_integer(store_rows_i64(rs, 12)));
        json_object_set_new(o, "coverage_kind", json_string(store_rows_text(rs, 13)));
    }
    *out = o;
    return STATUS_OK;
}

static enum status kind_ok(const char *kind)
{
    return kind != NULL && util_in_list(kind, plan_prevent_kinds)
               ? STATUS_OK
               : err_set_field(STATUS_INVALID, "kind", "kind must be campaign, training, idwork or supplychain");
}

enum status plan_prevention_add(const struct auth_ctx *ctx, const char *kind, const json_t *in, json_t **out)
{
    char detail[48];
    snprintf(detail, sizeof detail, "add prevention %s", kind != NULL ? kind : "");
    enum status st = auth_check(ctx, "plan.write", NULL, AUTH_FG_NONE, true, detail);
    if (st == STATUS_OK) {
        st = kind_ok(kind);
    }
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "a prevention record must be a JSON object");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct prev_row r = {.title = "", .measure = "", .people_kind = "", .note = ""};
    st = util_json_text(in, "country", 3, true, &r.country);
    if (st == STATUS_OK && !pn_country_ok(r.country)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166-1 alpha-3 code of the vocabulary");
    }
    if (st == STATUS_OK) {
        st = strcmp(kind, "campaign") == 0   ? campaign_in(in, &r)
             : strcmp(kind, "training") == 0 ? training_in(ctx, in, &r)
             : strcmp(kind, "idwork") == 0   ? idwork_in(in, &r)
                                             : supplychain_in(in, &r);
    }
    if (st == STATUS_OK) {
        st = pn_codes(in, "paragraphs", NULL, pn_paragraph_ok, false, &r.paragraphs);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "note", PN_NOTE_MAX, false, &r.note);
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value note = SQLV_NULL;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "plan_prevention", "note_enc", id, r.note, &sealed, &note);
    }
    if (st == STATUS_OK) {
#define OR_EMPTY(s) sqlv_text((s) != NULL ? (s) : "")
        struct sql_value v[] = {SQLV_I64(id),
                                sqlv_text(kind),
                                sqlv_text(r.title),
                                sqlv_text(r.country),
                                sqlv_text(r.from),
                                sqlv_text(r.to),
                                OR_EMPTY(r.audiences),
                                OR_EMPTY(r.channels),
                                OR_EMPTY(r.languages),
                                OR_EMPTY(r.topics),
                                sqlv_text(r.measure),
                                OR_EMPTY(r.paragraphs),
                                SQLV_I64(r.people),
                                sqlv_text(r.people_kind),
                                SQLV_I64(r.women),
                                SQLV_I64(r.men),
                                SQLV_I64(r.other),
                                SQLV_I64(r.hours),
                                SQLV_I64(r.org_agency),
                                SQLV_I64(r.org_partner),
                                note,
                                ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
#undef OR_EMPTY
        st = store_exec(ctx->store, STMT_PLAN_PREV_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(sealed);
    prev_row_free(&r);
    if (st == STATUS_OK && out != NULL) {
        struct sql_value k[] = {sqlv_text(kind), sqlv_text(""), sqlv_text(""), sqlv_text("")};
        struct store_rows *rs = NULL;
        st = store_exec(ctx->store, STMT_PLAN_PREV_LIST, k, 4, &rs);
        while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
            if (store_rows_i64(rs, 0) == id) {
                st = prev_json(ctx, rs, out);
                break;
            }
        }
        st = st == STATUS_DONE ? err_set(STATUS_IO, "the record just written is missing") : st;
        store_rows_free(rs);
    }
    return st;
}

enum status plan_prevention_list(const struct auth_ctx *ctx, const char *kind, const char *country, const char *from,
                                 const char *to, json_t **out)
{
    char detail[48];
    snprintf(detail, sizeof detail, "list prevention %s", kind != NULL ? kind : "");
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    const char *c = country != NULL ? country : "", *f = from != NULL ? from : "", *t = to != NULL ? to : "";
    if (st == STATUS_OK) {
        st = kind_ok(kind);
    }
    if (st == STATUS_OK && c[0] != '\0' && !pn_country_ok(c)) {
        st = err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166-1 alpha-3 code of the vocabulary");
    }
    if (st == STATUS_OK && ((f[0] != '\0' && !util_date_valid(f)) || (t[0] != '\0' && !util_date_valid(t)))) {
        st = err_set_field(STATUS_INVALID, f[0] != '\0' && !util_date_valid(f) ? "from" : "to", "a date YYYY-MM-DD");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {sqlv_text(kind), sqlv_text(c), sqlv_text(f), sqlv_text(t)};
    struct store_rows *rs = NULL;
    json_t *arr = json_array();
    st = store_exec(ctx->store, STMT_PLAN_PREV_LIST, k, 4, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_t *o = NULL;
        st = prev_json(ctx, rs, &o);
        if (st == STATUS_OK) {
            json_array_append_new(arr, o);
        }
    }
    st = st == STATUS_DONE ? STATUS_OK : st;
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

/* ---- figures ---- */

static json_t *figures_new(void)
{
    json_t *by = json_object(), *measures = json_object();
    for (size_t i = 0; plan_training_audiences[i] != NULL; i++) {
        json_object_set_new(by, plan_training_audiences[i],
                            json_pack("{sI sI sI sI}", "women", (json_int_t)0, "men", (json_int_t)0, "other",
                                      (json_int_t)0, "total", (json_int_t)0));
    }
    for (size_t i = 0; plan_supplychain_measures[i] != NULL; i++) {
        json_object_set_new(measures, plan_supplychain_measures[i], json_integer(0));
    }
    return json_pack("{sI sI sI sI sI sI so sI sI sI so sI sI}", "campaigns", (json_int_t)0, "people_reached",
                     (json_int_t)0, "people_reached_estimated", (json_int_t)0, "people_reached_measured", (json_int_t)0,
                     "trainings", (json_int_t)0, "officials_trained", (json_int_t)0, "officials_by_audience", by,
                     "idwork_activities", (json_int_t)0, "people_registered", (json_int_t)0, "supplychain_measures",
                     (json_int_t)0, "measures_by_kind", measures, "workers_covered", (json_int_t)0, "companies_covered",
                     (json_int_t)0);
}

static void bump(json_t *o, const char *key, int64_t n)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

/* Adds the row (PLAN_PREV_COLS) to the figures f. */
static void figures_add(json_t *f, struct store_rows *rs)
{
    const char *kind = store_rows_text(rs, 1);
    int64_t people = store_rows_i64(rs, 12);
    if (strcmp(kind, "campaign") == 0) {
        bump(f, "campaigns", 1);
        bump(f, "people_reached", people);
        bump(f,
             strcmp(store_rows_text(rs, 13), "measured") == 0 ? "people_reached_measured" : "people_reached_estimated",
             people);
    } else if (strcmp(kind, "training") == 0) {
        int64_t w = store_rows_i64(rs, 14), m = store_rows_i64(rs, 15), x = store_rows_i64(rs, 16);
        bump(f, "trainings", 1);
        bump(f, "officials_trained", w + m + x);
        json_t *a = json_object_get(json_object_get(f, "officials_by_audience"), store_rows_text(rs, 6));
        if (a != NULL) {
            bump(a, "women", w);
            bump(a, "men", m);
            bump(a, "other", x);
            bump(a, "total", w + m + x);
        }
    } else if (strcmp(kind, "idwork") == 0) {
        bump(f, "idwork_activities", 1);
        bump(f, "people_registered", people);
    } else {
        bump(f, "supplychain_measures", 1);
        bump(json_object_get(f, "measures_by_kind"), store_rows_text(rs, 10), 1);
        bump(f, strcmp(store_rows_text(rs, 13), "companies") == 0 ? "companies_covered" : "workers_covered", people);
    }
}

enum status plan_prevention_figures(const struct auth_ctx *ctx, const char *from, const char *to, const char *country,
                                    json_t **out)
{
    if (!util_date_valid(from) || !util_date_valid(to) || strcmp(to, from) < 0) {
        return err_set_field(STATUS_INVALID, "from", "from and to must be dates YYYY-MM-DD, to not before from");
    }
    struct sql_value k[] = {sqlv_text(from), sqlv_text(to), sqlv_text(country != NULL ? country : "")};
    struct store_rows *rs = NULL;
    json_t *countries = json_array(), *total = figures_new(), *cur = NULL;
    char cur_country[8] = "";
    enum status st = store_exec(ctx->store, STMT_PLAN_PREV_FIGURES, k, 3, &rs);
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        const char *c = store_rows_text(rs, 3);
        if (cur == NULL || strcmp(c, cur_country) != 0) { /* ordered by country */
            snprintf(cur_country, sizeof cur_country, "%s", c);
            cur = figures_new();
            json_object_set_new(cur, "country", json_string(c));
            json_array_append_new(countries, cur);
        }
        figures_add(cur, rs);
        figures_add(total, rs);
    }
    st = st == STATUS_DONE ? STATUS_OK : st;
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = json_pack("{ss ss so so}", "from", from, "to", to, "countries", countries, "total", total);
    } else {
        json_decref(countries);
        json_decref(total);
    }
    return st;
}

enum status plan_prevention_report(const struct auth_ctx *ctx, int year, const char *country, json_t **out)
{
    char detail[48];
    snprintf(detail, sizeof detail, "prevention figures %d", year);
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    if (st != STATUS_OK) {
        return st;
    }
    if (year < 1900 || year > 2200) {
        return err_set_field(STATUS_INVALID, "year", "year must be from 1900 to 2200");
    }
    const char *c = country != NULL ? country : "";
    if (c[0] != '\0' && !pn_country_ok(c)) {
        return err_set_field(STATUS_INVALID, "country", "country must be an ISO 3166-1 alpha-3 code of the vocabulary");
    }
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", year);
    snprintf(to, sizeof to, "%04d-12-31", year);
    st = plan_prevention_figures(ctx, from, to, c, out);
    if (st == STATUS_OK) {
        json_object_set_new(*out, "year", json_integer(year));
    }
    return st;
}
