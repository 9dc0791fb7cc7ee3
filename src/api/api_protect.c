/* api_protect: the data-protection routes of the case registry: the consent checklist and its
 * history, purging one case on request, the subject-access export, retention periods and the
 * retention purge. Handlers translate JSON to calls of src/cases (consent.h, protect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "cases/consent.h"
#include "cases/protect.h"
#include "i18n/i18n.h"
#include "util/mem.h"

struct protect_args {
    int64_t id;
    struct consent_list consent;
    struct consent_change changes[CONSENT__COUNT * 2];
    size_t nchanges;
    struct purge_report report;
    bool dry_run;
    json_t *sar;
    struct retention_setting *settings;
    size_t nsettings;
    const char *record_type, *period;
};

static const char *lang_of(struct http_request *req)
{
    const char *lang = http_request_query(req, "lang");
    return lang != NULL && i18n_lang_valid(lang) ? lang : "en";
}

/* Consent. */

static enum status op_consent_get(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    return consent_get(ctx, a->id, &a->consent);
}

static void consent_respond(struct http_request *req, enum status st, struct protect_args *a, bool history)
{
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = consent_list_json(&a->consent, lang_of(req), history);
        if (history) { /* the history alone, as a list */
            json_t *h = json_incref(json_object_get(o, "history"));
            json_decref(o);
            o = api__items(h);
        }
    }
    api__respond(req, st, 200, o);
    consent_list_clear(&a->consent);
}

void api_case_consent_get(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_consent_get, &a);
    }
    consent_respond(req, st, &a, false);
}

void api_case_consent_history(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_consent_get, &a);
    }
    consent_respond(req, st, &a, true);
}

static enum status op_consent_set(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    enum status st = consent_set(ctx, a->id, a->changes, a->nchanges);
    return st == STATUS_OK ? consent_get(ctx, a->id, &a->consent) : st;
}

/* PUT {"items": [{"item": "data_use", "state": "withdrawn", "date": "2026-11-28", "note": "..."}]}:
 * one item or several; items not named keep their state. */
void api_case_consent_put(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = api__path_id(req, &a.id);
    json_t *arr = json_object_get(http_request_json(req), "items");
    if (st == STATUS_OK &&
        (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > ARRAY_LEN(a.changes))) {
        st = err_set_field(STATUS_INVALID, "items", "items: a list of 1 to %zu {item, state, date, note}",
                           ARRAY_LEN(a.changes));
    }
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (st != STATUS_OK) {
            break;
        }
        const char *item = NULL, *state = NULL;
        struct consent_change *c = &a.changes[a.nchanges++];
        st = json_is_object(x) ? STATUS_OK : err_set_field(STATUS_INVALID, "items", "items: objects");
        if (st == STATUS_OK) {
            st = http_json_string(x, "item", true, 32, &item);
        }
        if (st == STATUS_OK) {
            st = consent_item_parse(item, &c->item);
        }
        if (st == STATUS_OK) {
            st = http_json_string(x, "state", true, 16, &state);
        }
        if (st == STATUS_OK) {
            st = consent_state_parse(state, &c->state);
        }
        if (st == STATUS_OK) {
            st = http_json_string(x, "date", false, 10, &c->date);
        }
        if (st == STATUS_OK) {
            st = http_json_string(x, "note", false, 4000, &c->note);
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_consent_set, &a);
    }
    consent_respond(req, st, &a, false);
}

/* Purge on request. */

static enum status op_purge_case(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    return protect_purge_case(ctx, a->id, &a->report);
}

void api_case_purge(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_purge_case, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? purge_report_json(&a.report, false) : NULL);
    purge_report_clear(&a.report);
}

/* Subject-access export. */

static enum status op_sar(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    return protect_sar(ctx, a->id, &a->sar);
}

void api_case_subject_access(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = api__path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_sar, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? a.sar : NULL);
}

/* Retention. */

static enum status op_retention_list(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    return retention_list(ctx, &a->settings, &a->nsettings);
}

static json_t *settings_json(const struct protect_args *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->nsettings; i++) {
        const struct retention_setting *s = &a->settings[i];
        json_t *x = json_pack("{ssss}", "record_type", s->record_type, "description", s->description);
        json_object_set_new(x, "period", s->period[0] ? json_string(s->period) : json_null());
        json_object_set_new(x, "updated_at", s->updated_at_ms ? api__time(s->updated_at_ms) : json_null());
        json_object_set_new(x, "actor", s->actor[0] ? json_string(s->actor) : json_null());
        json_array_append_new(arr, x);
    }
    return api__items(arr);
}

void api_retention_get(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    enum status st = auth_run(api__ctx(req), op_retention_list, &a);
    api__respond(req, st, 200, st == STATUS_OK ? settings_json(&a) : NULL);
    free(a.settings);
}

static enum status op_retention_set(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    enum status st = retention_set(ctx, a->record_type, a->period);
    return st == STATUS_OK ? retention_list(ctx, &a->settings, &a->nsettings) : st;
}

/* PUT {"record_type": "comments", "period": "5y"} ("never" removes the period). */
void api_retention_put(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    json_t *b = http_request_json(req);
    enum status st = http_json_string(b, "record_type", true, 64, &a.record_type);
    if (st == STATUS_OK) {
        st = http_json_string(b, "period", true, 16, &a.period);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_retention_set, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? settings_json(&a) : NULL);
    free(a.settings);
}

static enum status op_retention_purge(const struct auth_ctx *ctx, void *p)
{
    struct protect_args *a = p;
    return protect_purge_due(ctx, a->dry_run, &a->report);
}

/* POST {"dry_run": true}: what the retention purge would remove, or (false, the default) removes it. */
void api_retention_purge(struct http_request *req, void *app)
{
    struct protect_args a = {0};
    json_t *b = http_request_json(req);
    enum status st = http_json_bool(b, "dry_run", false, &a.dry_run);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_retention_purge, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? purge_report_json(&a.report, a.dry_run) : NULL);
    purge_report_clear(&a.report);
}
