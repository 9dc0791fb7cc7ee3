/* api_cases: the JSON routes of the victim case registry and of victim statistics. Handlers
 * translate JSON to calls of src/cases and back; search terms travel in POST bodies, never in
 * URLs, since they are personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "stats/release.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "cases/dedup.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "link/fs_cases.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

static const char *type_name(enum case_field_type t)
{
    static const char *const names[] = {"code", "multi",  "int",         "bool", "date",
                                        "text", "sealed", "sealed_date", "codes"};
    return names[t];
}

/* GET /api/v1/cases/fields?lang=xx: the registry and the vocabularies it uses, labelled. */
void api_case_fields(struct http_request *req, void *app)
{
    const char *lang = http_request_query(req, "lang");
    if (lang == NULL || !i18n_lang_valid(lang)) {
        lang = "en";
    }
    enum status st =
        auth_has(api__ctx(req)->who, "case.read") ? STATUS_OK : err_set(STATUS_DENIED, "not permitted: case.read");
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    json_t *fields = json_array(), *vocabs = json_object();
    for (int f = 0; f < CASE_F__COUNT; f++) {
        const struct case_field *cf = &case_fields[f];
        json_array_append_new(fields,
                              json_pack("{sssssssssssI}", "name", cf->name, "htcds", cf->htcds, "type",
                                        type_name(cf->type), "vocab", cf->vocab, "group",
                                        auth_field_group_name(cf->group), "max_bytes", (json_int_t)cf->max_bytes));
        if (cf->vocab[0] != '\0' && json_object_get(vocabs, cf->vocab) == NULL) {
            json_t *codes = json_array();
            for (size_t i = 0; i < vocab_size(cf->vocab); i++) {
                const char *code = vocab_code(cf->vocab, i);
                json_array_append_new(codes,
                                      json_pack("{ssss}", "code", code, "label", vocab_label(cf->vocab, code, lang)));
            }
            json_object_set_new(vocabs, cf->vocab,
                                json_pack("{ssso}", "version", vocab_version(cf->vocab), "codes", codes));
        }
    }
    /* The vocabularies of the case records (perpetrators, support plans, attachments) too. */
    static const char *const record_vocabs[] = {"perp_role", "support_type", "support_status", "attachment_kind",
                                                /* Assistance and legal status (part A). */
                                                "service_type", "service_status", "service_outcome",
                                                "non_punishment_reason", "permit_kind", "permit_decision",
                                                "return_risk_level", "return_status", "reintegration_outcome",
                                                "compensation_kind", "compensation_against", "compensation_status"};
    for (size_t v = 0; v < sizeof record_vocabs / sizeof record_vocabs[0]; v++) {
        const char *name = record_vocabs[v];
        json_t *codes = json_array();
        for (size_t i = 0; i < vocab_size(name); i++) {
            const char *code = vocab_code(name, i);
            json_array_append_new(codes, json_pack("{ssss}", "code", code, "label", vocab_label(name, code, lang)));
        }
        json_object_set_new(vocabs, name, json_pack("{ssso}", "version", vocab_version(name), "codes", codes));
    }
    http_respond_json(req, 200, json_pack("{soso}", "fields", fields, "vocabularies", vocabs));
}

/* Lists and search. */

struct list_args {
    struct case_filter f;
    struct case_record **list;
    size_t count;
};

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct list_args *a = p;
    return case_list(ctx, &a->f, &a->list, &a->count);
}

static void list_respond(struct http_request *req, struct list_args *a)
{
    enum status st = auth_run(api__ctx(req), op_list, a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a->count; i++) {
            json_array_append_new(arr, case_record_to_json(a->list[i]));
        }
        o = api__items(arr);
        json_object_set_new(o, "limit", json_integer(a->f.limit));
        json_object_set_new(o, "offset", json_integer(a->f.offset));
    }
    api__respond(req, st, 200, o);
    case_list_free(a->list, a->count);
}

void api_cases_list(struct http_request *req, void *app)
{
    struct list_args a = {0};
    enum status st = http_request_page(req, &a.f.limit, &a.f.offset);
    a.f.status = http_request_query(req, "status");
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    list_respond(req, &a);
}

static enum status date_ms(const json_t *b, const char *key, bool end, int64_t *out)
{
    const char *s = NULL;
    enum status st = http_json_string(b, key, false, 32, &s);
    if (st != STATUS_OK || s == NULL || s[0] == '\0') {
        return st;
    }
    if ((end ? util_time_parse_end(out, s) : util_time_parse(out, s)) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, key, "%s: a date YYYY-MM-DD", key);
    }
    return STATUS_OK;
}

void api_cases_search(struct http_request *req, void *app)
{
    json_t *b = http_request_json(req);
    struct list_args a = {.f = {.limit = PAGE_ROWS_DEFAULT}};
    static const struct {
        const char *key;
        size_t max;
        size_t off;
    } strs[] = {
        {"name", 400, offsetof(struct case_filter, name)},
        {"birth_date", 10, offsetof(struct case_filter, birth_date)},
        {"identity_number", 64, offsetof(struct case_filter, identity_number)},
        {"phone", 64, offsetof(struct case_filter, phone)},
        {"status", 24, offsetof(struct case_filter, status)},
        {"citizenship", 3, offsetof(struct case_filter, citizenship)},
        {"exploitation_country", 3, offsetof(struct case_filter, exploitation_country)},
    };
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(strs); i++) {
        st = http_json_string(b, strs[i].key, false, strs[i].max, (const char **)((char *)&a.f + strs[i].off));
    }
    if (st == STATUS_OK) {
        st = date_ms(b, "opened_from", false, &a.f.opened_from_ms);
    }
    if (st == STATUS_OK) {
        st = date_ms(b, "opened_to", true, &a.f.opened_to_ms);
    }
    if (st == STATUS_OK) {
        st = http_json_int(b, "limit", false, &a.f.limit);
    }
    if (st == STATUS_OK) {
        st = http_json_int(b, "offset", false, &a.f.offset);
    }
    if (st == STATUS_OK && (a.f.limit < 1 || a.f.limit > PAGE_ROWS_MAX || a.f.offset < 0)) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    list_respond(req, &a);
}

/* One case. */

struct case_args {
    int64_t id;
    int64_t version;
    struct case_record in;
    uint64_t mask;
    struct case_record *out;
    int64_t owner_id;
    const char *status;
    const char *reason;
    bool restricted;
    struct case_duplicate *dups;
    size_t ndups;
    int64_t merge_id;
    int64_t merge_version;
    bool fs; /* issue 7 part F: ?scorer=fs, the Fellegi-Sunter scorer trained on the reader's cases */
};

static json_t *dups_json(const struct case_duplicate *d, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr,
                              json_pack("{sIsfss}", "id", (json_int_t)d[i].id, "score", d[i].score, "why", d[i].why));
    }
    return arr;
}

static void case_args_clear(struct case_args *a)
{
    case_record_clear(&a->in);
    case_record_free(a->out);
    free(a->dups);
}

static void case_respond(struct http_request *req, enum status st, unsigned ok, struct case_args *a)
{
    if (st == STATUS_CONFLICT && strstr(err_last(), "changed by someone else") != NULL) {
        st = STATUS_PRECONDITION;
    }
    if (st == STATUS_OK && a->out != NULL) {
        http_response_etag(req, a->out->version);
    }
    json_t *body = NULL;
    if (st == STATUS_OK) {
        body = a->out ? json_pack("{so}", "case", case_record_to_json(a->out))
                      : json_pack("{sosb}", "case", json_null(), "ok", 1); /* done, no longer visible to you */
        if (a->dups != NULL) {
            json_object_set_new(body, "duplicates", dups_json(a->dups, a->ndups));
        }
    }
    api__respond(req, st, ok, body);
    case_args_clear(a);
}

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_create(ctx, &a->in, &a->out);
    /* Likely duplicates are shown at once, so the caseworker can look before going on. */
    if (st == STATUS_OK) {
        st = case_duplicates(ctx, a->out->id, &case_scorer_simple, 10, &a->dups, &a->ndups);
    }
    return st;
}

static enum status op_duplicates(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    if (!a->fs) {
        return case_duplicates(ctx, a->id, &case_scorer_simple, 50, &a->dups, &a->ndups);
    }
    /* Trained on the cases the reader may read; too few to train on (no two share a name word
     * or a birth date) or a model without a clear match class (λ at its bound): the simple
     * scorer answers. */
    struct case_scorer *fs = NULL;
    enum status st = link_fs_case_scorer_new(ctx, &fs);
    if (st == STATUS_INVALID) {
        st = STATUS_OK;
    }
    if (fs != NULL && ((const struct fs_model *)fs->state)->lambda_at_bound) {
        /* No clear match class in these cases: the simple scorer's fixed weights are safer. */
        link_fs_case_scorer_free(fs);
        fs = NULL;
    }
    if (st == STATUS_OK) {
        st = case_duplicates(ctx, a->id, fs ? fs : &case_scorer_simple, 50, &a->dups, &a->ndups);
    }
    link_fs_case_scorer_free(fs);
    return st;
}

void api_case_duplicates(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    const char *scorer = http_request_query(req, "scorer");
    if (st == STATUS_OK && scorer != NULL && scorer[0] != '\0') {
        if (strcmp(scorer, "fs") == 0) {
            a.fs = true;
        } else if (strcmp(scorer, "simple") != 0) {
            st = err_set_field(STATUS_INVALID, "scorer", "scorer: simple or fs");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_duplicates, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? api__items(dups_json(a.dups, a.ndups)) : NULL);
    case_args_clear(&a);
}

void api_cases_create(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    json_t *b = http_request_json(req);
    json_t *fields = json_object_get(b, "fields");
    enum status st = fields ? case_record_from_json(&a.in, fields, false)
                            : err_set_field(STATUS_INVALID, "fields", "fields: required");
    if (st == STATUS_OK) {
        st = http_json_bool(b, "restricted", false, &a.in.restricted);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_create, &a);
    }
    case_respond(req, st, 201, &a);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    return case_get(ctx, a->id, &a->out);
}

void api_case_get(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.out->version);
    }
    api__respond(req, st, 200, st == STATUS_OK ? case_record_to_json(a.out) : NULL);
    case_args_clear(&a);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    return case_update(ctx, a->id, a->version, &a->in, a->mask, &a->out);
}

void api_case_patch(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    json_t *fields = json_object_get(http_request_json(req), "fields");
    if (st == STATUS_OK && !json_is_object(fields)) {
        st = err_set_field(STATUS_INVALID, "fields", "fields: an object of the fields to change");
    }
    if (st == STATUS_OK) {
        st = case_record_from_json(&a.in, fields, true);
    }
    if (st == STATUS_OK) {
        const char *key;
        json_t *v;
        json_object_foreach(fields, key, v)
        {
            a.mask |= (uint64_t)1 << case_field_find(key);
        }
        st = auth_run(api__ctx(req), op_update, &a);
    }
    case_respond(req, st, 200, &a);
}

/* After a change that can take the case out of the caller's sight (a new owner, restriction),
 * the case is shown only if still visible; the change stands either way. */
static enum status read_back(const struct auth_ctx *ctx, struct case_args *a)
{
    enum status st = case_get(ctx, a->id, &a->out);
    return st == STATUS_NOT_FOUND || st == STATUS_DENIED ? STATUS_OK : st;
}

static enum status op_assign(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_assign(ctx, a->id, a->version, a->owner_id);
    return st == STATUS_OK ? read_back(ctx, a) : st;
}

void api_case_assign(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = http_json_int(http_request_json(req), "owner_id", true, &a.owner_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_assign, &a);
    }
    case_respond(req, st, 200, &a);
}

static enum status op_merge(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    return case_merge(ctx, a->id, a->version, a->merge_id, a->merge_version, &a->out);
}

void api_case_merge(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    json_t *b = http_request_json(req);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = http_json_int(b, "merge_id", true, &a.merge_id);
    }
    if (st == STATUS_OK) {
        st = http_json_int(b, "merge_version", true, &a.merge_version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_merge, &a);
    }
    case_respond(req, st, 200, &a);
}

static enum status op_close(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_close(ctx, a->id, a->version, a->status, a->reason);
    return st == STATUS_OK ? case_get(ctx, a->id, &a->out) : st;
}

void api_case_close(struct http_request *req, void *app)
{
    struct case_args a = {.status = "Closed"};
    case_record_init(&a.in);
    json_t *b = http_request_json(req);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "status", false, 24, &a.status);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "reason", false, 4000, &a.reason);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_close, &a);
    }
    case_respond(req, st, 200, &a);
}

static enum status op_reopen(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_reopen(ctx, a->id, a->version);
    return st == STATUS_OK ? case_get(ctx, a->id, &a->out) : st;
}

/* A change of status without a body: the path's case, If-Match, the operation. */
static void status_route(struct http_request *req, auth_op_fn op)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op, &a);
    }
    case_respond(req, st, 200, &a);
}

void api_case_reopen(struct http_request *req, void *app)
{
    status_route(req, op_reopen);
}

static enum status op_follow_up(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_follow_up(ctx, a->id, a->version);
    return st == STATUS_OK ? case_get(ctx, a->id, &a->out) : st;
}

void api_case_follow_up(struct http_request *req, void *app)
{
    status_route(req, op_follow_up);
}

struct grant_args {
    int64_t id, user_id;
    bool grant;
    struct case_grant *list;
    size_t count;
};

static enum status op_grants(const struct auth_ctx *ctx, void *p)
{
    struct grant_args *a = p;
    return case_grants(ctx, a->id, &a->list, &a->count);
}

static enum status op_grant(const struct auth_ctx *ctx, void *p)
{
    struct grant_args *a = p;
    enum status st = case_grant(ctx, a->id, a->user_id, a->grant);
    return st == STATUS_OK ? case_grants(ctx, a->id, &a->list, &a->count) : st;
}

static void grants_respond(struct http_request *req, enum status st, unsigned ok, struct grant_args *a)
{
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a->count; i++) {
            json_array_append_new(arr, json_pack("{sIso}", "user_id", (json_int_t)a->list[i].user_id, "granted_at",
                                                 api__time(a->list[i].granted_at_ms)));
        }
        o = api__items(arr);
    }
    api__respond(req, st, ok, o);
    free(a->list);
}

void api_case_grants(struct http_request *req, void *app)
{
    struct grant_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_grants, &a);
    }
    grants_respond(req, st, 200, &a);
}

void api_case_grant_add(struct http_request *req, void *app)
{
    struct grant_args a = {.grant = true};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = http_json_int(http_request_json(req), "user_id", true, &a.user_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_grant, &a);
    }
    grants_respond(req, st, 200, &a);
}

void api_case_grant_delete(struct http_request *req, void *app)
{
    struct grant_args a = {.grant = false};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.user_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_grant, &a);
    }
    grants_respond(req, st, 200, &a);
}

static enum status op_restrict(const struct auth_ctx *ctx, void *p)
{
    struct case_args *a = p;
    enum status st = case_set_restricted(ctx, a->id, a->restricted);
    return st == STATUS_OK ? read_back(ctx, a) : st;
}

void api_case_restrict(struct http_request *req, void *app)
{
    struct case_args a = {0};
    case_record_init(&a.in);
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = http_json_bool(http_request_json(req), "restricted", true, &a.restricted);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_restrict, &a);
    }
    case_respond(req, st, 200, &a);
}

/* History, events, comments. */

struct sub_args {
    int64_t id;
    struct case_change *history;
    struct case_event *events;
    struct case_comment *comments;
    size_t count;
    struct case_event event;
    const char *body;
    int64_t new_id;
};

static enum status op_history(const struct auth_ctx *ctx, void *p)
{
    struct sub_args *a = p;
    return case_history(ctx, a->id, &a->history, &a->count);
}

void api_case_history(struct http_request *req, void *app)
{
    struct sub_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_history, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, json_pack("{sIsIsosssssO}", "case_id", (json_int_t)a.history[i].case_id,
                                                 "version", (json_int_t)a.history[i].version, "at",
                                                 api__time(a.history[i].at_ms), "actor", a.history[i].actor, "action",
                                                 a.history[i].action, "changes", a.history[i].changes));
        }
        o = api__items(arr);
    }
    api__respond(req, st, 200, o);
    case_history_free(a.history, a.count);
}

static enum status op_events(const struct auth_ctx *ctx, void *p)
{
    struct sub_args *a = p;
    return case_events(ctx, a->id, &a->events, &a->count);
}

void api_case_events(struct http_request *req, void *app)
{
    struct sub_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_events, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            const struct case_event *e = &a.events[i];
            json_t *x = json_pack("{sIssssss}", "id", (json_int_t)e->id, "type", e->type, "country", e->country, "date",
                                  e->date);
            json_object_set_new(x, "place", e->place ? json_string(e->place) : json_null());
            json_object_set_new(x, "description", e->description ? json_string(e->description) : json_null());
            json_array_append_new(arr, x);
        }
        o = api__items(arr);
    }
    api__respond(req, st, 200, o);
    case_events_free(a.events, a.count);
}

static enum status op_event_add(const struct auth_ctx *ctx, void *p)
{
    struct sub_args *a = p;
    return case_event_add(ctx, a->id, &a->event, &a->new_id);
}

void api_case_event_add(struct http_request *req, void *app)
{
    struct sub_args a = {0};
    json_t *b = http_request_json(req);
    const char *type = NULL, *country = NULL, *date = NULL;
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = http_json_string(b, "type", true, 15, &type);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "country", false, 64, &country);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "date", false, 10, &date);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "place", false, 1000, (const char **)&a.event.place);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "description", false, 8000, (const char **)&a.event.description);
    }
    if (st == STATUS_OK) {
        snprintf(a.event.type, sizeof a.event.type, "%s", type);
        snprintf(a.event.country, sizeof a.event.country, "%.3s", country ? country : "");
        if (country && strlen(country) > 3) {
            st = err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 code");
        }
        snprintf(a.event.date, sizeof a.event.date, "%s", date ? date : "");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_event_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? json_pack("{sI}", "id", (json_int_t)a.new_id) : NULL);
}

static enum status op_comments(const struct auth_ctx *ctx, void *p)
{
    struct sub_args *a = p;
    return case_comments(ctx, a->id, &a->comments, &a->count);
}

void api_case_comments(struct http_request *req, void *app)
{
    struct sub_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_comments, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_t *x = json_pack("{sIsoss}", "id", (json_int_t)a.comments[i].id, "at", api__time(a.comments[i].at_ms),
                                  "author", a.comments[i].author);
            json_object_set_new(x, "body", a.comments[i].body ? json_string(a.comments[i].body) : json_null());
            json_array_append_new(arr, x);
        }
        o = api__items(arr);
    }
    api__respond(req, st, 200, o);
    case_comments_free(a.comments, a.count);
}

static enum status op_comment_add(const struct auth_ctx *ctx, void *p)
{
    struct sub_args *a = p;
    return case_comment_add(ctx, a->id, a->body, &a->new_id);
}

void api_case_comment_add(struct http_request *req, void *app)
{
    struct sub_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = http_json_string(http_request_json(req), "body", true, 16000, &a.body);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_comment_add, &a);
    }
    api__respond(req, st, 201, st == STATUS_OK ? json_pack("{sI}", "id", (json_int_t)a.new_id) : NULL);
}

/* GET /api/v1/stats/victims?by=gender,age_group&from=&to=&format=csv */

struct stats_args {
    const char *by[3];
    size_t by_count;
    int64_t from_ms, to_ms;
    struct case_stat_row *rows;
    size_t count;
};

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct stats_args *a = p;
    return case_stats_victims(ctx, a->by, a->by_count, a->from_ms, a->to_ms, &a->rows, &a->count);
}

/* The exact rows for a release (api_stats_release). */
static enum status release_rows(const struct auth_ctx *ctx, void *arg, const char *const **names, size_t *nnames,
                                struct stats_row **rows, size_t *nrows)
{
    struct stats_args *a = arg;
    case_stats_free(a->rows, a->count);
    a->rows = NULL;
    a->count = 0;
    enum status st = op_stats(ctx, a);
    if (st != STATUS_OK) {
        return st;
    }
    *rows = xcalloc(a->count ? a->count : 1, sizeof **rows);
    for (size_t i = 0; i < a->count; i++) {
        for (size_t d = 0; d < a->by_count; d++) {
            (*rows)[i].keys[d] = a->rows[i].keys[d];
        }
        (*rows)[i].count = a->rows[i].count;
    }
    *nrows = a->count;
    *names = a->by;
    *nnames = a->by_count;
    return STATUS_OK;
}

void api_stats_victims(struct http_request *req, void *app)
{
    struct stats_args a = {0};
    char by[128];
    const char *q = http_request_query(req, "by");
    snprintf(by, sizeof by, "%s", q ? q : "gender");
    char *save = NULL;
    for (char *t = strtok_r(by, ",", &save); t != NULL && a.by_count < 4; t = strtok_r(NULL, ",", &save)) {
        if (a.by_count == 3) {
            a.by_count = 4; /* refused below */
            break;
        }
        a.by[a.by_count++] = t;
    }
    enum status st = a.by_count >= 1 && a.by_count <= 3
                         ? STATUS_OK
                         : err_set_field(STATUS_INVALID, "by", "by: one to three dimensions");
    const char *from = http_request_query(req, "from"), *to = http_request_query(req, "to");
    if (st == STATUS_OK && from && from[0] && util_time_parse(&a.from_ms, from) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "from", "from: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && to && to[0]) {
        st = util_time_parse_end(&a.to_ms, to) == STATUS_OK
                 ? STATUS_OK
                 : err_set_field(STATUS_INVALID, "to", "to: a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && api_stats_release_wanted(req)) { /* issue 6 item 4: disclosure control */
        json_t *inputs = json_pack("{s[]ssss}", "by", "from", from ? from : "", "to", to ? to : "");
        for (size_t d = 0; d < a.by_count; d++) {
            json_array_append_new(json_object_get(inputs, "by"), json_string(a.by[d]));
        }
        api_stats_release(req, "victims", inputs, release_rows, &a);
        case_stats_free(a.rows, a.count);
        return;
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_stats, &a);
    }
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    const char *format = http_request_query(req, "format");
    if (format != NULL && strcmp(format, "csv") == 0) {
        char *csv = case_stats_csv(a.by, a.by_count, a.rows, a.count);
        http_respond_bytes(req, 200, "text/csv; charset=utf-8", csv, strlen(csv), true);
        free(csv);
    } else {
        json_t *dims = json_array();
        for (size_t d = 0; d < a.by_count; d++) {
            json_array_append_new(dims, json_string(a.by[d]));
        }
        http_respond_json(req, 200,
                          json_pack("{soso}", "by", dims, "rows", case_stats_json(a.by, a.by_count, a.rows, a.count)));
    }
    case_stats_free(a.rows, a.count);
}
