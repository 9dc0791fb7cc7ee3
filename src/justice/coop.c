/* coop: international cooperation requests. See coop.h. */
#include "justice/coop.h"
#include "justice/investigation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tasks/tasks.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define DAY_MS (24LL * 3600 * 1000)

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const directions[] = {"incoming", "outgoing", NULL};
static const char *const kinds[] = {"mla",   "extradition", "transfer_of_proceedings", "joint_investigation",
                                    "other", NULL};
static const char *const bases[] = {"untoc_16",     "untoc_18", "bilateral_treaty", "multilateral_other", "reciprocity",
                                    "domestic_law", NULL};
static const char *const measures[] = {"evidence_taking",
                                       "documents",
                                       "search_seizure",
                                       "asset_tracing",
                                       "asset_freezing",
                                       "witness_hearing",
                                       "service_of_documents",
                                       "arrest",
                                       "surrender",
                                       "other",
                                       NULL};
static const char *const statuses[] = {"draft",       "sent",
                                       "received",    "acknowledged",
                                       "in_progress", "additional_info_requested",
                                       "executed",    "partially_executed",
                                       "refused",     "withdrawn",
                                       NULL};
static const char *const finals[] = {"executed", "partially_executed", "refused", "withdrawn", NULL};
static const char *const refusals[] = {"dual_criminality",
                                       "political_offence",
                                       "nationality",
                                       "death_penalty",
                                       "human_rights",
                                       "ne_bis_in_idem",
                                       "insufficient_information",
                                       "sovereignty_security",
                                       "statute_of_limitations",
                                       "other",
                                       NULL};

bool coop_direction_known(const char *code)
{
    return in_list(code, directions);
}
bool coop_kind_known(const char *code)
{
    return in_list(code, kinds);
}
bool coop_basis_known(const char *code)
{
    return in_list(code, bases);
}
bool coop_measure_known(const char *code)
{
    return in_list(code, measures);
}
bool coop_status_known(const char *code)
{
    return in_list(code, statuses);
}
bool coop_refusal_known(const char *code)
{
    return in_list(code, refusals);
}

bool coop_transition_allowed(const char *from, const char *to)
{
    static const struct {
        const char *from;
        const char *const to[8];
    } t[] = {
        {"draft", {"sent", "withdrawn", NULL}},
        {"sent",
         {"acknowledged", "in_progress", "additional_info_requested", "executed", "partially_executed", "refused",
          "withdrawn", NULL}},
        {"received",
         {"acknowledged", "in_progress", "additional_info_requested", "executed", "partially_executed", "refused",
          "withdrawn", NULL}},
        {"acknowledged",
         {"in_progress", "additional_info_requested", "executed", "partially_executed", "refused", "withdrawn", NULL}},
        {"in_progress", {"additional_info_requested", "executed", "partially_executed", "refused", "withdrawn", NULL}},
        {"additional_info_requested", {"in_progress", "executed", "partially_executed", "refused", "withdrawn", NULL}},
    };
    for (size_t i = 0; from != NULL && to != NULL && i < ARRAY_LEN(t); i++) {
        if (strcmp(t[i].from, from) == 0) {
            return in_list(to, t[i].to);
        }
    }
    return false;
}

static bool is_final(const char *status)
{
    return in_list(status, finals);
}

static bool overdue(int64_t deadline, const char *status, int64_t now)
{
    return deadline > 0 && deadline < now && !is_final(status);
}

/* The input, validated; strings borrowed from the JSON. */
struct cin {
    const char *direction, *kind, *requesting_state, *requesting_authority, *requested_state, *requested_authority,
        *legal_basis, *treaty_name, *our_reference, *their_reference, *person_sought;
    bool person_given;
    int64_t opened, acknowledged, deadline;
    char measures[256];
    int64_t investigation_id, owner_id;
};

static enum status text_field(const json_t *in, const char *name, bool required, const char **out)
{
    const json_t *v = json_object_get(in, name);
    *out = "";
    if (v == NULL || json_is_null(v)) {
        return required ? err_set_field(STATUS_INVALID, name, "%s: required", name) : STATUS_OK;
    }
    if (!json_is_string(v) || json_string_length(v) > COOP_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, name, "%s: text of at most %d bytes", name, COOP_TEXT_BYTES_MAX);
    }
    *out = json_string_value(v);
    if (required && (*out)[0] == '\0') {
        return err_set_field(STATUS_INVALID, name, "%s: required", name);
    }
    return STATUS_OK;
}

static enum status code_field(const json_t *in, const char *name, bool (*known)(const char *), const char *what,
                              const char **out)
{
    enum status st = text_field(in, name, true, out);
    if (st == STATUS_OK && !known(*out)) {
        st = err_set_field(STATUS_INVALID, name, "%s: one of %s", name, what);
    }
    return st;
}

static bool iso3(const char *s)
{
    if (strlen(s) != 3) {
        return false;
    }
    for (size_t i = 0; i < 3; i++) {
        if (s[i] < 'A' || s[i] > 'Z') {
            return false;
        }
    }
    return true;
}

static enum status date_field(const json_t *in, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(in, name);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v) || util_time_parse(out, json_string_value(v)) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, name, "%s: a date (YYYY-MM-DD)", name);
    }
    return STATUS_OK;
}

static enum status id_field(const json_t *in, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(in, name);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

/* Refuses members a request's input does not have (a typo would otherwise pass silently). */
static enum status known_members(const json_t *in, bool is_operator)
{
    static const char *const known[] = {"direction",        "kind",
                                        "requesting_state", "requesting_authority",
                                        "requested_state",  "requested_authority",
                                        "legal_basis",      "treaty_name",
                                        "our_reference",    "their_reference",
                                        "sent_at",          "received_at",
                                        "acknowledged_at",  "deadline",
                                        "measures",         "person_sought",
                                        "documents",        "investigation_id",
                                        "owner_id",         NULL};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        if (!in_list(key, known) && !(is_operator && strcmp(key, "agency_id") == 0)) {
            return err_set_field(STATUS_INVALID, key, "%s: not a field of a cooperation request", key);
        }
    }
    return STATUS_OK;
}

static enum status cin_parse(const json_t *in, struct cin *c)
{
    memset(c, 0, sizeof *c);
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is expected");
    }
    enum status st = code_field(in, "direction", coop_direction_known, "incoming, outgoing", &c->direction);
    if (st == STATUS_OK) {
        st = code_field(in, "kind", coop_kind_known,
                        "mla, extradition, transfer_of_proceedings, joint_investigation, other", &c->kind);
    }
    if (st == STATUS_OK) {
        st = code_field(in, "legal_basis", coop_basis_known,
                        "untoc_16, untoc_18, bilateral_treaty, multilateral_other, reciprocity, domestic_law",
                        &c->legal_basis);
    }
    struct {
        const char *name;
        bool required;
        const char **out;
    } texts[] = {
        {"requesting_state", true, &c->requesting_state}, {"requesting_authority", false, &c->requesting_authority},
        {"requested_state", true, &c->requested_state},   {"requested_authority", false, &c->requested_authority},
        {"treaty_name", false, &c->treaty_name},          {"our_reference", false, &c->our_reference},
        {"their_reference", false, &c->their_reference},  {"person_sought", false, &c->person_sought}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(texts); i++) {
        st = text_field(in, texts[i].name, texts[i].required, texts[i].out);
    }
    c->person_given = json_object_get(in, "person_sought") != NULL;
    if (st == STATUS_OK && !iso3(c->requesting_state)) {
        st = err_set_field(STATUS_INVALID, "requesting_state", "requesting_state: an ISO 3166 alpha-3 code (AAA)");
    }
    if (st == STATUS_OK && !iso3(c->requested_state)) {
        st = err_set_field(STATUS_INVALID, "requested_state", "requested_state: an ISO 3166 alpha-3 code (AAA)");
    }
    if (st == STATUS_OK && strcmp(c->requesting_state, c->requested_state) == 0) {
        st = err_set_field(STATUS_INVALID, "requested_state", "requested_state: differs from requesting_state");
    }
    if (st == STATUS_OK && strcmp(c->legal_basis, "bilateral_treaty") == 0 && c->treaty_name[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "treaty_name", "treaty_name: required with a bilateral treaty");
    }
    if (st == STATUS_OK) {
        const char *key = strcmp(c->direction, "outgoing") == 0 ? "sent_at" : "received_at";
        st = date_field(in, key, &c->opened);
    }
    if (st == STATUS_OK) {
        st = date_field(in, "acknowledged_at", &c->acknowledged);
    }
    if (st == STATUS_OK) {
        st = date_field(in, "deadline", &c->deadline);
    }
    if (st == STATUS_OK && c->deadline != 0 && c->opened != 0 && c->deadline < c->opened) {
        st = err_set_field(STATUS_INVALID, "deadline", "deadline: not before the request was sent or received");
    }
    if (st == STATUS_OK) {
        st = id_field(in, "investigation_id", &c->investigation_id);
    }
    if (st == STATUS_OK) {
        st = id_field(in, "owner_id", &c->owner_id);
    }
    const json_t *m = json_object_get(in, "measures");
    if (st == STATUS_OK && m != NULL && !json_is_null(m)) {
        size_t i;
        const json_t *v;
        if (!json_is_array(m)) {
            st = err_set_field(STATUS_INVALID, "measures", "measures: a list of codes");
        }
        json_array_foreach(m, i, v)
        {
            if (st != STATUS_OK) {
                break;
            }
            if (!json_is_string(v) || !coop_measure_known(json_string_value(v))) {
                st = err_set_field(STATUS_INVALID, "measures",
                                   "measures: evidence_taking, documents, search_seizure, asset_tracing, "
                                   "asset_freezing, witness_hearing, service_of_documents, arrest, surrender, other");
            } else if (strstr(c->measures, json_string_value(v)) == NULL) {
                size_t len = strlen(c->measures);
                snprintf(c->measures + len, sizeof c->measures - len, "%s%s", len ? "," : "", json_string_value(v));
            }
        }
    }
    return st;
}

static enum status documents_add(const struct auth_ctx *ctx, int64_t request_id, const json_t *in)
{
    const json_t *docs = json_object_get(in, "documents");
    if (docs == NULL || json_is_null(docs)) {
        return STATUS_OK;
    }
    if (!json_is_array(docs) || json_array_size(docs) > COOP_DOCUMENTS_MAX) {
        return err_set_field(STATUS_INVALID, "documents", "documents: a list of at most %d {title, date}",
                             COOP_DOCUMENTS_MAX);
    }
    size_t i;
    const json_t *d;
    enum status st = STATUS_OK;
    json_array_foreach(docs, i, d)
    {
        const char *title = NULL;
        int64_t date = 0;
        st = json_is_object(d) ? text_field(d, "title", true, &title)
                               : err_set_field(STATUS_INVALID, "documents", "documents: {title, date} objects");
        if (st == STATUS_OK) {
            st = date_field(d, "date", &date);
        }
        int64_t id = vault_random_id();
        uint8_t *buf = NULL;
        struct sql_value tv;
        if (st == STATUS_OK) {
            st = vault_seal_text(ctx->vault, "coop_documents", "title_enc", id, title, &buf, &tv);
        }
        if (st == STATUS_OK) {
            struct sql_value a[] = {SQLV_I64(id), SQLV_I64(request_id), tv, SQLV_I64(date), SQLV_I64(util_now_ms())};
            st = store_exec(ctx->store, STMT_COOP_DOC_INSERT, a, ARRAY_LEN(a), NULL);
        }
        free(buf);
        if (st != STATUS_OK) {
            break;
        }
    }
    return st;
}

static enum status log_add(const struct auth_ctx *ctx, int64_t request_id, const char *status, const char *reason,
                           int64_t at)
{
    struct sql_value a[] = {SQLV_I64(vault_random_id()),
                            SQLV_I64(request_id),
                            sqlv_text(status),
                            sqlv_text(reason ? reason : ""),
                            SQLV_I64(at),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL};
    return store_exec(ctx->store, STMT_COOP_LOG_INSERT, a, ARRAY_LEN(a), NULL);
}

/* Raises (or moves) the deadline task, or resolves it when the request is finished or has no
 * deadline any more. */
static enum status deadline_task(const struct auth_ctx *ctx, int64_t id, int64_t agency, int64_t owner,
                                 int64_t deadline, const char *status)
{
    char key[TASK_KEY_BYTES];
    snprintf(key, sizeof key, "%s:%lld", TASK_KIND_COOP_DEADLINE, (long long)id);
    if (is_final(status)) {
        return task_resolve(ctx, key, strcmp(status, "withdrawn") == 0 ? TASK_CANCELLED : TASK_DONE);
    }
    if (deadline == 0) {
        return task_resolve(ctx, key, TASK_CANCELLED);
    }
    struct task_raise t = {TASK_KIND_COOP_DEADLINE,
                           key,
                           0,
                           "coop_request",
                           id,
                           agency,
                           owner,
                           deadline - (int64_t)COOP_DEADLINE_NOTICE_DAYS * DAY_MS};
    return task_raise(ctx, &t, NULL);
}

/* The stored row, as read. */
struct crow {
    int64_t id, agency_id, owner_id, version, deadline, opened, acknowledged, completed;
    char status[32];
    char direction[12];
};

static void crow_read(struct store_rows *r, struct crow *c)
{
    memset(c, 0, sizeof *c);
    c->id = store_rows_i64(r, 0);
    snprintf(c->direction, sizeof c->direction, "%s", store_rows_text(r, 1));
    c->opened = store_rows_i64(r, 11);
    c->acknowledged = store_rows_i64(r, 12);
    c->deadline = store_rows_i64(r, 13);
    c->completed = store_rows_i64(r, 14);
    snprintf(c->status, sizeof c->status, "%s", store_rows_text(r, 17));
    c->agency_id = store_rows_i64(r, 20);
    c->owner_id = store_rows_i64(r, 21);
    c->version = store_rows_i64(r, 25);
}

static json_t *jdate(int64_t ms)
{
    if (ms == 0) {
        return json_null();
    }
    char buf[32];
    util_time_iso(buf, ms);
    return json_string(buf);
}

static json_t *jid(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

/* A COOP_COLS row as JSON; person_sought opened when `open_person`. */
static enum status row_json(const struct auth_ctx *ctx, struct store_rows *r, bool open_person, int64_t now,
                            json_t **out)
{
    struct crow c;
    crow_read(r, &c);
    bool outgoing = strcmp(c.direction, "outgoing") == 0;
    json_t *m = json_array();
    char buf[256];
    snprintf(buf, sizeof buf, "%s", store_rows_text(r, 15));
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        json_array_append_new(m, json_string(tok));
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c.id));
    json_object_set_new(o, "direction", json_string(c.direction));
    static const char *const names[] = {NULL,
                                        NULL,
                                        "kind",
                                        "requesting_state",
                                        "requesting_authority",
                                        "requested_state",
                                        "requested_authority",
                                        "legal_basis",
                                        "treaty_name",
                                        "our_reference",
                                        "their_reference"};
    for (size_t i = 2; i < ARRAY_LEN(names); i++) {
        json_object_set_new(o, names[i], json_string(store_rows_text(r, i)));
    }
    json_object_set_new(o, outgoing ? "sent_at" : "received_at", jdate(c.opened));
    json_object_set_new(o, "acknowledged_at", jdate(c.acknowledged));
    json_object_set_new(o, "deadline", jdate(c.deadline));
    json_object_set_new(o, "completed_at", jdate(c.completed));
    json_object_set_new(o, "measures", m);
    json_object_set_new(o, "status", json_string(c.status));
    json_object_set_new(o, "refusal_reason", json_string(store_rows_text(r, 18)));
    json_object_set_new(o, "overdue", json_boolean(overdue(c.deadline, c.status, now)));
    json_object_set_new(o, "investigation_id", jid(store_rows_i64(r, 19)));
    json_object_set_new(o, "agency_id", json_integer(c.agency_id));
    json_object_set_new(o, "owner_id", jid(c.owner_id));
    json_object_set_new(o, "created_at", jdate(store_rows_i64(r, 22)));
    json_object_set_new(o, "created_by", jid(store_rows_i64(r, 23)));
    json_object_set_new(o, "updated_at", jdate(store_rows_i64(r, 24)));
    json_object_set_new(o, "version", json_integer(c.version));
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, 16, &len);
    enum status st = STATUS_OK;
    if (blob != NULL && len > 0) {
        if (open_person) {
            char *plain = NULL;
            size_t plen = 0;
            struct vault_ad ad = {"coop_requests", "person_sought_enc", c.id};
            st = vault_unseal(ctx->vault, &plain, &plen, &ad, blob, len);
            if (st == STATUS_OK) {
                json_object_set_new(o, "person_sought", json_stringn(plain, plen));
            }
            free(plain);
        } else {
            json_object_set_new(o, "person_sought_withheld", json_true());
        }
    }
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}

static int64_t agency_filter(const struct auth_ctx *ctx)
{
    return ctx->who->operator|| ctx->who->scope == AUTH_SCOPE_ALL ? 0 : ctx->who->agency_id;
}

/* Loads request id and decides access (audited); out of reach reads as absent. */
static enum status reach(const struct auth_ctx *ctx, int64_t id, bool write, const char *detail, struct crow *c,
                         struct auth_record *rec)
{
    const char *perm = write ? "justice.write" : "justice.read";
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_COOP_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        st = auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
        return st == STATUS_OK ? err_set(STATUS_NOT_FOUND, "no such cooperation request") : st;
    }
    if (st != STATUS_OK) {
        return st;
    }
    crow_read(r, c);
    store_rows_free(r);
    *rec = (struct auth_record){"coop_request", id, c->agency_id, c->owner_id, AUTH_SENSITIVITY_NORMAL};
    st = auth_check(ctx, perm, rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED && auth_has(ctx->who, perm)) {
        st = err_set(STATUS_NOT_FOUND, "no such cooperation request");
    }
    return st;
}

/* An owner given must be an active user of the request's agency. */
static enum status owner_check(const struct auth_ctx *ctx, int64_t owner_id, int64_t agency_id)
{
    if (owner_id == 0) {
        return STATUS_OK;
    }
    int64_t agency = 0;
    bool active = false;
    enum status st = auth_user_membership(ctx->store, owner_id, &agency, &active);
    if (st == STATUS_NOT_FOUND || (st == STATUS_OK && (agency != agency_id || !active))) {
        return err_set_field(STATUS_INVALID, "owner_id", "owner_id: not an active user of the request's agency");
    }
    return st;
}

enum status coop_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    struct cin c;
    enum status st = cin_parse(in, &c);
    if (st == STATUS_OK) {
        st = known_members(in, ctx->who->operator);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct auth_record rec = {"coop_request", id, ctx->who->agency_id, c.owner_id ? c.owner_id : ctx->who->user_id,
                              AUTH_SENSITIVITY_NORMAL};
    if (ctx->who->operator) {
        /* The operator (CLI, demo) names the agency that holds the request. */
        st = id_field(in, "agency_id", &rec.agency_id);
        if (st == STATUS_OK && rec.agency_id == 0) {
            st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: required for the operator");
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    st = owner_check(ctx, c.owner_id, rec.agency_id);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "justice.write", NULL, AUTH_FG_NONE, true, "add cooperation request");
    }
    if (st == STATUS_OK && c.person_sought[0] != '\0') {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "add cooperation request");
    }
    if (st == STATUS_OK && c.investigation_id > 0) {
        st = investigation_link_check(ctx, c.investigation_id, "link cooperation request");
    }
    if (st != STATUS_OK) {
        return st;
    }
    bool outgoing = strcmp(c.direction, "outgoing") == 0;
    const char *status = outgoing ? (c.opened ? "sent" : "draft") : "received";
    int64_t now = util_now_ms();
    if (!outgoing && c.opened == 0) {
        c.opened = now;
    }
    uint8_t *buf = NULL;
    struct sql_value pv;
    st = vault_seal_text(ctx->vault, "coop_requests", "person_sought_enc", id, c.person_sought, &buf, &pv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(c.direction),
                                sqlv_text(c.kind),
                                sqlv_text(c.requesting_state),
                                sqlv_text(c.requesting_authority),
                                sqlv_text(c.requested_state),
                                sqlv_text(c.requested_authority),
                                sqlv_text(c.legal_basis),
                                sqlv_text(c.treaty_name),
                                sqlv_text(c.our_reference),
                                sqlv_text(c.their_reference),
                                SQLV_I64(c.opened),
                                SQLV_I64(c.acknowledged),
                                SQLV_I64(c.deadline),
                                sqlv_text(c.measures),
                                pv,
                                sqlv_text(status),
                                c.investigation_id ? SQLV_I64(c.investigation_id) : SQLV_NULL,
                                SQLV_I64(rec.agency_id),
                                rec.owner_id ? SQLV_I64(rec.owner_id) : SQLV_NULL,
                                SQLV_I64(now),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL};
        st = store_exec(ctx->store, STMT_COOP_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = log_add(ctx, id, status, "", c.opened ? c.opened : now);
    }
    if (st == STATUS_OK) {
        st = documents_add(ctx, id, in);
    }
    if (st == STATUS_OK) {
        st = deadline_task(ctx, id, rec.agency_id, rec.owner_id, c.deadline, status);
    }
    if (st == STATUS_OK) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_NONE, true, "add cooperation request");
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static enum status history_json(const struct auth_ctx *ctx, int64_t id, json_t *o)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_COOP_LOG_LIST, k, 1, &r);
    json_t *h = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(h, json_pack("{ss ss so so}", "status", store_rows_text(r, 0), "reason",
                                           store_rows_text(r, 1), "at", jdate(store_rows_i64(r, 2)), "by",
                                           jid(store_rows_i64(r, 3))));
    }
    store_rows_free(r);
    json_object_set_new(o, "history", h);
    if (st != STATUS_DONE) {
        return st;
    }
    st = store_exec(ctx->store, STMT_COOP_DOC_LIST, k, 1, &r);
    json_t *d = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t did = store_rows_i64(r, 0);
        size_t len = 0, plen = 0;
        const uint8_t *blob = store_rows_blob(r, 1, &len);
        char *title = NULL;
        struct vault_ad ad = {"coop_documents", "title_enc", did};
        st = vault_unseal(ctx->vault, &title, &plen, &ad, blob, len);
        if (st == STATUS_OK) {
            json_array_append_new(d, json_pack("{sI s s% so}", "id", (json_int_t)did, "title", title, plen, "date",
                                               jdate(store_rows_i64(r, 2))));
        }
        free(title);
    }
    store_rows_free(r);
    json_object_set_new(o, "documents", d);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status coop_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    struct crow c;
    struct auth_record rec;
    enum status st = reach(ctx, id, false, "read cooperation request", &c, &rec);
    if (st != STATUS_OK) {
        return st;
    }
    bool open = auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false);
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_COOP_GET, k, 1, &r);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        if (open && !store_rows_is_null(r, 16)) {
            st = auth_check(ctx, "justice.read", &rec, AUTH_FG_LEGAL, false, "read cooperation request");
        }
        if (st == STATUS_OK) {
            st = row_json(ctx, r, open, util_now_ms(), &o);
        }
    }
    store_rows_free(r);
    if (st == STATUS_OK) {
        st = history_json(ctx, id, o);
    }
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}

enum status coop_list(const struct auth_ctx *ctx, const struct coop_filter *f, json_t **out)
{
    *out = NULL;
    if (f->direction != NULL && f->direction[0] != '\0' && !coop_direction_known(f->direction)) {
        return err_set_field(STATUS_INVALID, "direction", "direction: incoming or outgoing");
    }
    if (f->kind != NULL && f->kind[0] != '\0' && !coop_kind_known(f->kind)) {
        return err_set_field(STATUS_INVALID, "kind",
                             "kind: mla, extradition, transfer_of_proceedings, joint_investigation or other");
    }
    if (f->status != NULL && f->status[0] != '\0' && !coop_status_known(f->status)) {
        return err_set_field(STATUS_INVALID, "status", "status: not a known status");
    }
    if (f->limit < 1 || f->limit > PAGE_ROWS_MAX || f->offset < 0) {
        return err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "list cooperation requests");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t now = util_now_ms();
    struct sql_value a[] = {SQLV_I64(agency_filter(ctx)),
                            sqlv_text(f->direction ? f->direction : ""),
                            sqlv_text(f->kind ? f->kind : ""),
                            sqlv_text(f->status ? f->status : ""),
                            SQLV_I64(f->overdue ? 1 : 0),
                            SQLV_I64(now),
                            SQLV_I64(f->limit),
                            SQLV_I64(f->offset),
                            SQLV_I64(f->investigation_id > 0 ? f->investigation_id : 0)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_COOP_LIST, a, ARRAY_LEN(a), &r);
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        struct crow c;
        crow_read(r, &c);
        struct auth_record rec = {"coop_request", c.id, c.agency_id, c.owner_id, AUTH_SENSITIVITY_NORMAL};
        if (auth_decide(ctx, "justice.read", &rec, AUTH_FG_NONE, false) != STATUS_OK) {
            continue;
        }
        json_t *o = NULL;
        st = row_json(ctx, r, false, now, &o);
        if (st == STATUS_OK) {
            json_array_append_new(arr, o);
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status coop_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in)
{
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is expected");
    }
    if (json_object_get(in, "status") != NULL || json_object_get(in, "direction") != NULL) {
        return err_set_field(STATUS_INVALID, "status",
                             "status and direction are not changed here: post a status transition");
    }
    enum status st = known_members(in, false);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *cur = NULL;
    st = coop_get(ctx, id, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct crow c;
    struct auth_record rec;
    st = reach(ctx, id, true, "update cooperation request", &c, &rec);
    if (st == STATUS_OK && version != 0 && version != c.version) {
        st = err_set(STATUS_CONFLICT, "the request changed meanwhile: read it again");
    }
    bool person_changes = json_object_get(in, "person_sought") != NULL;
    if (st == STATUS_OK && person_changes) {
        st = auth_check(ctx, "justice.write", &rec, AUTH_FG_LEGAL, true, "update cooperation request");
    }
    int64_t was_linked = json_integer_value(json_object_get(cur, "investigation_id"));
    json_t *merged = json_deep_copy(cur);
    json_decref(cur);
    json_object_update(merged, (json_t *)in);
    json_object_del(merged, "documents");
    struct cin p;
    if (st == STATUS_OK) {
        st = cin_parse(merged, &p);
    }
    if (st == STATUS_OK && p.investigation_id > 0 && p.investigation_id != was_linked) {
        st = investigation_link_check(ctx, p.investigation_id, "link cooperation request");
    }
    uint8_t *buf = NULL;
    struct sql_value pv = SQLV_NULL;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "coop_requests", "person_sought_enc", id, p.person_sought, &buf, &pv);
    }
    if (st == STATUS_OK && !person_changes && json_object_get(merged, "person_sought_withheld") != NULL) {
        st = err_set(STATUS_DENIED, "the person sought is withheld: this update needs the legal field group");
    }
    if (st == STATUS_OK && p.owner_id != 0 && p.owner_id != c.owner_id) {
        st = owner_check(ctx, p.owner_id, c.agency_id);
    }
    if (st == STATUS_OK) {
        int64_t owner = p.owner_id ? p.owner_id : c.owner_id;
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(c.version),
                                sqlv_text(p.kind),
                                sqlv_text(p.requesting_state),
                                sqlv_text(p.requesting_authority),
                                sqlv_text(p.requested_state),
                                sqlv_text(p.requested_authority),
                                sqlv_text(p.legal_basis),
                                sqlv_text(p.treaty_name),
                                sqlv_text(p.our_reference),
                                sqlv_text(p.their_reference),
                                SQLV_I64(p.opened),
                                SQLV_I64(p.acknowledged),
                                SQLV_I64(p.deadline),
                                sqlv_text(p.measures),
                                pv,
                                p.investigation_id ? SQLV_I64(p.investigation_id) : SQLV_NULL,
                                owner ? SQLV_I64(owner) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_COOP_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the request changed meanwhile: read it again");
        }
        if (st == STATUS_OK) {
            st = documents_add(ctx, id, in);
        }
        if (st == STATUS_OK) {
            st = deadline_task(ctx, id, c.agency_id, owner, p.deadline, c.status);
        }
    }
    free(buf);
    json_decref(merged);
    return st;
}

enum status coop_status_set(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in)
{
    const char *to = NULL, *reason = NULL;
    int64_t at = 0;
    enum status st =
        json_is_object(in) ? text_field(in, "status", true, &to) : err_set(STATUS_INVALID, "a JSON object is expected");
    if (st == STATUS_OK && !coop_status_known(to)) {
        st = err_set_field(STATUS_INVALID, "status", "status: not a known status");
    }
    if (st == STATUS_OK) {
        st = text_field(in, "reason", false, &reason);
    }
    if (st == STATUS_OK && strcmp(to, "refused") == 0 && !coop_refusal_known(reason)) {
        st = err_set_field(STATUS_INVALID, "reason",
                           "reason: a refusal code (dual_criminality, political_offence, nationality, death_penalty, "
                           "human_rights, ne_bis_in_idem, insufficient_information, sovereignty_security, "
                           "statute_of_limitations, other)");
    }
    if (st == STATUS_OK && strcmp(to, "refused") != 0 && reason[0] != '\0') {
        st = err_set_field(STATUS_INVALID, "reason", "reason: only with refused");
    }
    if (st == STATUS_OK) {
        st = date_field(in, "at", &at);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct crow c;
    struct auth_record rec;
    st = reach(ctx, id, true, "cooperation request status", &c, &rec);
    if (st == STATUS_OK && version != 0 && version != c.version) {
        st = err_set(STATUS_CONFLICT, "the request changed meanwhile: read it again");
    }
    if (st == STATUS_OK && !coop_transition_allowed(c.status, to)) {
        st = err_set_field(STATUS_CONFLICT, "status", "status: a request that is %s cannot become %s", c.status, to);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (at == 0) {
        at = util_now_ms();
    }
    if (strcmp(to, "sent") == 0 && c.opened == 0) {
        c.opened = at;
    }
    if (strcmp(to, "acknowledged") == 0 && c.acknowledged == 0) {
        c.acknowledged = at;
    }
    if (is_final(to)) {
        c.completed = at;
    }
    struct sql_value a[] = {SQLV_I64(id),          SQLV_I64(c.version),    sqlv_text(to),
                            sqlv_text(reason),     SQLV_I64(c.opened),     SQLV_I64(c.acknowledged),
                            SQLV_I64(c.completed), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_COOP_STATUS_SET, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        st = err_set(STATUS_CONFLICT, "the request changed meanwhile: read it again");
    }
    if (st == STATUS_OK) {
        st = log_add(ctx, id, to, reason, at);
    }
    if (st == STATUS_OK) {
        st = deadline_task(ctx, id, c.agency_id, c.owner_id, c.deadline, to);
    }
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double percentile(const double *v, size_t n, double p)
{
    double x = p * (double)n;
    size_t rank = (size_t)x;
    if ((double)rank < x) {
        rank++;
    }
    return v[rank == 0 ? 0 : rank - 1];
}

/* Rounded to a tenth (days are never negative). */
static double tenth(double v)
{
    return (double)(int64_t)(v * 10 + 0.5) / 10;
}

struct group {
    char direction[12], kind[32];
    int64_t count, completed, overdue;
    double *days;
};

static json_t *group_json(struct group *g)
{
    if (g->completed > 0) { /* qsort's array may not be NULL, even for no elements */
        qsort(g->days, (size_t)g->completed, sizeof *g->days, cmp_double);
    }
    json_t *o = json_pack("{ss ss sI sI sI}", "direction", g->direction, "kind", g->kind, "count", (json_int_t)g->count,
                          "completed", (json_int_t)g->completed, "overdue", (json_int_t)g->overdue);
    bool any = g->completed > 0;
    json_object_set_new(o, "median_days",
                        any ? json_real(tenth(percentile(g->days, (size_t)g->completed, 0.5))) : json_null());
    json_object_set_new(o, "p90_days",
                        any ? json_real(tenth(percentile(g->days, (size_t)g->completed, 0.9))) : json_null());
    return o;
}

enum status coop_stats(const struct auth_ctx *ctx, int64_t from_ms, int64_t to_ms, json_t **out)
{
    *out = NULL;
    if (from_ms != 0 && to_ms != 0 && to_ms < from_ms) {
        return err_set_field(STATUS_INVALID, "to", "to: not before from");
    }
    enum status st = auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "cooperation statistics");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(agency_filter(ctx)), SQLV_I64(from_ms), SQLV_I64(to_ms)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_COOP_STATS, a, ARRAY_LEN(a), &r);
    json_t *groups = json_array();
    struct group g = {{0}, {0}, 0, 0, 0, NULL};
    size_t cap = 0;
    int64_t now = util_now_ms();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        const char *dir = store_rows_text(r, 0), *kind = store_rows_text(r, 1);
        if (g.count > 0 && (strcmp(g.direction, dir) != 0 || strcmp(g.kind, kind) != 0)) {
            json_array_append_new(groups, group_json(&g));
            g.count = g.completed = g.overdue = 0;
        }
        snprintf(g.direction, sizeof g.direction, "%s", dir);
        snprintf(g.kind, sizeof g.kind, "%s", kind);
        g.count++;
        int64_t opened = store_rows_i64(r, 2), done = store_rows_i64(r, 3), deadline = store_rows_i64(r, 4);
        const char *status = store_rows_text(r, 5);
        if (overdue(deadline, status, now)) {
            g.overdue++;
        }
        if (is_final(status) && strcmp(status, "withdrawn") != 0 && opened > 0 && done >= opened) {
            if ((size_t)g.completed == cap) {
                cap = cap ? cap * 2 : 16;
                g.days = xrealloc(g.days, cap * sizeof *g.days);
            }
            g.days[g.completed++] = (double)(done - opened) / (double)DAY_MS;
        }
    }
    store_rows_free(r);
    if (st == STATUS_DONE && g.count > 0) {
        json_array_append_new(groups, group_json(&g));
    }
    free(g.days);
    if (st != STATUS_DONE) {
        json_decref(groups);
        return st;
    }
    *out = json_pack("{so so so}", "from", jdate(from_ms), "to", jdate(to_ms), "groups", groups);
    return STATUS_OK;
}
