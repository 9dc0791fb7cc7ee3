/* pathway: the stages of a case in the national referral mechanism (see pathway.h). The graph is
 * the table `edges` below; docs/pathway.md shows the same table. The row of case_pathway is read
 * locked (FOR UPDATE on PostgreSQL) and written with its version, so two people moving the same
 * case cannot both succeed. */
#include "referral/pathway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "referral/child.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "util/jsonin.h"

#define DAY_MS ((int64_t)86400000)

/* The stage ids in enum order. */
static const char *const names[PW__COUNT] = {
    [PW_FIRST_CONTACT] = "first_contact",
    [PW_SCREENING] = "screening",
    [PW_REASONABLE_GROUNDS] = "reasonable_grounds",
    [PW_REFLECTION] = "reflection",
    [PW_IDENTIFIED] = "identified",
    [PW_ASSISTANCE] = "assistance",
    [PW_RESIDENCE] = "residence",
    [PW_INCLUSION] = "inclusion",
    [PW_RETURN] = "return",
    [PW_PROCEEDINGS] = "proceedings",
    [PW_CLOSED] = "closed",
    [PW_FOLLOW_UP] = "follow_up",
};

/* The transition graph: every allowed move, and nothing else. */
static const struct {
    enum pathway_stage from, to;
} edges[] = {
    {PW_FIRST_CONTACT, PW_SCREENING},
    {PW_SCREENING, PW_REASONABLE_GROUNDS},
    {PW_REASONABLE_GROUNDS, PW_REFLECTION},
    {PW_REFLECTION, PW_IDENTIFIED},
    {PW_IDENTIFIED, PW_ASSISTANCE},
    {PW_ASSISTANCE, PW_RESIDENCE},
    {PW_ASSISTANCE, PW_INCLUSION},
    {PW_ASSISTANCE, PW_RETURN},
    {PW_RESIDENCE, PW_INCLUSION},
    {PW_RESIDENCE, PW_RETURN},
    {PW_INCLUSION, PW_PROCEEDINGS},
    {PW_INCLUSION, PW_CLOSED},
    {PW_RETURN, PW_PROCEEDINGS},
    {PW_RETURN, PW_CLOSED},
    {PW_PROCEEDINGS, PW_CLOSED},
    {PW_CLOSED, PW_FOLLOW_UP},
    {PW_FOLLOW_UP, PW_CLOSED},
};

const char *pathway_stage_name(enum pathway_stage s)
{
    return (unsigned)s < PW__COUNT ? names[s] : "first_contact";
}

enum status pathway_stage_parse(const char *name, enum pathway_stage *out)
{
    for (int i = 0; name != NULL && i < PW__COUNT; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (enum pathway_stage)i;
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_INVALID, "to", "to: not a stage id (first_contact, screening, ... follow_up)");
}

bool pathway_transition_allowed(enum pathway_stage from, enum pathway_stage to)
{
    for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
        if (edges[i].from == from && edges[i].to == to) {
            return true;
        }
    }
    return false;
}

size_t pathway_next(enum pathway_stage from, enum pathway_stage out[PW__COUNT])
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
        if (edges[i].from == from) {
            out[n++] = edges[i].to;
        }
    }
    return n;
}

bool pathway_not_victim_allowed(enum pathway_stage from)
{
    return from == PW_SCREENING || from == PW_REASONABLE_GROUNDS || from == PW_REFLECTION;
}

/* Dates. */

static bool date_parse(const char *s, struct tm *tm)
{
    int y, m, d;
    char tail;
    if (s == NULL || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
        s[7] != '-') {
        return false;
    }
    memset(tm, 0, sizeof *tm);
    tm->tm_year = y - 1900;
    tm->tm_mon = m - 1;
    tm->tm_mday = d;
    struct tm check = *tm;
    time_t t = timegm(&check);
    struct tm back;
    gmtime_r(&t, &back);
    return y >= 1900 && y <= 2200 && back.tm_year == tm->tm_year && back.tm_mon == tm->tm_mon &&
           back.tm_mday == tm->tm_mday;
}

enum status pathway__date_check(const char *field, const char *date)
{
    struct tm tm;
    if (!date_parse(date, &tm)) {
        return err_set_field(STATUS_INVALID, field, "%s: a date YYYY-MM-DD", field);
    }
    return STATUS_OK;
}

enum status pathway__date_add(const char *date, int days, char out[11])
{
    struct tm tm;
    if (!date_parse(date, &tm)) {
        return err_set(STATUS_INVALID, "not a date YYYY-MM-DD");
    }
    time_t t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return STATUS_OK;
}

enum status pathway__date_ms(const char *date, int64_t *out)
{
    struct tm tm;
    if (!date_parse(date, &tm)) {
        return err_set(STATUS_INVALID, "not a date YYYY-MM-DD");
    }
    *out = (int64_t)timegm(&tm) * 1000;
    return STATUS_OK;
}

/* Text checks. */

static enum status text_check(const char *field, const char *text, size_t max, bool required)
{
    if (text == NULL || text[0] == '\0') {
        return required ? err_set_field(STATUS_INVALID, field, "%s: required", field) : STATUS_OK;
    }
    size_t n = strlen(text);
    if (n > max) {
        return err_set_field(STATUS_INVALID, field, "%s: at most %zu bytes", field, max);
    }
    if (!util_utf8_valid(text, n)) {
        return err_set_field(STATUS_INVALID, field, "%s: not valid UTF-8 text", field);
    }
    return STATUS_OK;
}

static enum status code_check(const char *field, const char *vocab, const char *text, char *out, size_t cap,
                              bool required)
{
    if (text == NULL || text[0] == '\0') {
        out[0] = '\0';
        return required ? err_set_field(STATUS_INVALID, field, "%s: required, a code of %s", field, vocab) : STATUS_OK;
    }
    const char *code = NULL;
    if (strlen(text) > 200 || vocab_parse(vocab, text, &code) != STATUS_OK || strlen(code) >= cap) {
        return err_set_field(STATUS_INVALID, field, "%s: not a code of %s", field, vocab);
    }
    snprintf(out, cap, "%s", code);
    return STATUS_OK;
}

/* The row. */

static void row_read(struct store_rows *r, struct pathway *p)
{
    p->case_id = store_rows_i64(r, 0);
    enum pathway_stage s = PW_FIRST_CONTACT;
    if (pathway_stage_parse(store_rows_text(r, 1), &s) != STATUS_OK) {
        err_clear();
    }
    p->stage = s;
    p->since_ms = store_rows_i64(r, 2);
    p->version = store_rows_i64(r, 3);
    p->screening_id = store_rows_i64(r, 4);
    snprintf(p->rg_date, sizeof p->rg_date, "%s", store_rows_text(r, 5));
    snprintf(p->reflection.start, sizeof p->reflection.start, "%s", store_rows_text(r, 6));
    snprintf(p->reflection.end, sizeof p->reflection.end, "%s", store_rows_text(r, 7));
    p->reflection.days = (int)store_rows_i64(r, 8);
    p->reflection.extensions = (int)store_rows_i64(r, 9);
    p->reflection.no_removal = store_rows_i64(r, 10) != 0;
    p->reflection.active = s == PW_REFLECTION;
    snprintf(p->identification, sizeof p->identification, "%s", store_rows_text(r, 11));
    snprintf(p->decided_by, sizeof p->decided_by, "%s", store_rows_text(r, 12));
    snprintf(p->decided_date, sizeof p->decided_date, "%s", store_rows_text(r, 13));
    snprintf(p->exit, sizeof p->exit, "%s", store_rows_text(r, 14));
    snprintf(p->referred_to, sizeof p->referred_to, "%s", store_rows_text(r, 15));
    snprintf(p->referred_reason, sizeof p->referred_reason, "%s", store_rows_text(r, 16));
}

/* Loads the row of case_id into p (a first_contact at version 0 when none). */
static enum status load(const struct auth_ctx *ctx, int64_t case_id, bool lock, struct pathway *p)
{
    memset(p, 0, sizeof *p);
    p->case_id = case_id;
    p->stage = PW_FIRST_CONTACT;
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, lock ? STMT_PATHWAY_GET_LOCK : STMT_PATHWAY_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        err_clear();
        return STATUS_OK;
    }
    if (st == STATUS_OK) {
        row_read(r, p);
        store_rows_free(r);
    }
    return st;
}

static enum status save(const struct auth_ctx *ctx, const struct pathway *p, int64_t expected_version)
{
    int64_t now = util_now_ms();
    if (expected_version == 0) {
        struct sql_value a[] = {SQLV_I64(p->case_id),
                                sqlv_text(pathway_stage_name(p->stage)),
                                SQLV_I64(now),
                                SQLV_I64(p->screening_id),
                                sqlv_text(p->rg_date),
                                sqlv_text(p->reflection.start),
                                sqlv_text(p->reflection.end),
                                SQLV_I64(p->reflection.days),
                                SQLV_I64(p->reflection.extensions),
                                SQLV_BOOL(p->reflection.no_removal),
                                sqlv_text(p->identification),
                                sqlv_text(p->decided_by),
                                sqlv_text(p->decided_date),
                                sqlv_text(p->exit),
                                sqlv_text(p->referred_to),
                                sqlv_text(p->referred_reason)};
        enum status st = store_exec(ctx->store, STMT_PATHWAY_INSERT, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_CONFLICT) {
            return err_set_field(STATUS_CONFLICT, "If-Match", "pathway: changed by someone else; read it again");
        }
        return st;
    }
    struct sql_value a[] = {SQLV_I64(p->case_id),
                            sqlv_text(pathway_stage_name(p->stage)),
                            SQLV_I64(p->since_ms),
                            SQLV_I64(p->screening_id),
                            sqlv_text(p->rg_date),
                            sqlv_text(p->reflection.start),
                            sqlv_text(p->reflection.end),
                            SQLV_I64(p->reflection.days),
                            SQLV_I64(p->reflection.extensions),
                            SQLV_BOOL(p->reflection.no_removal),
                            sqlv_text(p->identification),
                            sqlv_text(p->decided_by),
                            sqlv_text(p->decided_date),
                            sqlv_text(p->exit),
                            sqlv_text(p->referred_to),
                            sqlv_text(p->referred_reason),
                            SQLV_I64(now),
                            SQLV_I64(expected_version)};
    enum status st = store_exec(ctx->store, STMT_PATHWAY_UPDATE, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        return err_set_field(STATUS_CONFLICT, "If-Match", "pathway: changed by someone else; read it again");
    }
    return st;
}

enum status pathway__log(const struct auth_ctx *ctx, int64_t case_id, const char *action, const char *from,
                         const char *to, const char *reason, json_t *data)
{
    int64_t id = vault_random_id();
    uint8_t *blob = NULL;
    size_t len = 0;
    enum status st = STATUS_OK;
    struct sql_value rv = SQLV_NULL;
    if (reason != NULL && reason[0] != '\0') {
        struct vault_ad ad = {"case_stage_log", "reason_enc", id};
        st = vault_seal(ctx->vault, &blob, &len, &ad, reason, strlen(reason));
        rv = SQLV_BLOB(blob, len);
    }
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                sqlv_text(action),
                                sqlv_text(from),
                                sqlv_text(to),
                                SQLV_I64(util_now_ms()),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(ctx->who->username),
                                rv,
                                sqlv_text(text ? text : "{}")};
        st = store_exec(ctx->store, STMT_PATHWAY_LOG_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(text);
    free(blob);
    json_decref(data);
    return st;
}

enum status pathway__stage(const struct auth_ctx *ctx, int64_t case_id, enum pathway_stage *out)
{
    struct pathway p;
    enum status st = load(ctx, case_id, false, &p);
    *out = p.stage;
    return st;
}

enum status pathway__settings_for(const struct auth_ctx *ctx, const char *country, int *days_out, int *lead_out)
{
    *days_out = PATHWAY_REFLECTION_DAYS_DEFAULT;
    *lead_out = PATHWAY_LEAD_DAYS_DEFAULT;
    const char *tries[] = {country ? country : "", ""};
    for (size_t i = 0; i < 2; i++) {
        struct sql_value a[] = {sqlv_text(tries[i])};
        struct store_rows *r = NULL;
        enum status st = store_exec_one(ctx->store, STMT_PATHWAY_SETTINGS_GET, a, 1, &r);
        if (st == STATUS_OK) {
            *days_out = (int)store_rows_i64(r, 1);
            *lead_out = (int)store_rows_i64(r, 2);
            store_rows_free(r);
            return STATUS_OK;
        }
        if (st != STATUS_NOT_FOUND) {
            return st;
        }
        err_clear();
    }
    return STATUS_OK;
}

/* The case's agency's country ("" when none). */
static enum status agency_country(const struct auth_ctx *ctx, int64_t agency_id, char out[4])
{
    out[0] = '\0';
    struct sql_value a[] = {SQLV_I64(agency_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_AGENCY_GET, a, 1, &r);
    if (st == STATUS_OK) {
        snprintf(out, 4, "%s", store_rows_text(r, 3));
        store_rows_free(r);
    } else if (st == STATUS_NOT_FOUND) {
        err_clear();
        st = STATUS_OK;
    }
    return st;
}

/* Sets the case's HTCDS trafficking status (and the deciding organisation when given) through
 * case_update at the case's current version. */
static enum status case_status_set(const struct auth_ctx *ctx, int64_t case_id, int64_t case_version,
                                   const char *status, const char *decided_by)
{
    struct case_record ch;
    case_record_init(&ch);
    uint64_t mask = (uint64_t)1 << CASE_F_trafficking_status;
    enum status st = case_value_parse(&ch, CASE_F_trafficking_status, status);
    if (st == STATUS_OK && decided_by != NULL && decided_by[0] != '\0') {
        mask |= (uint64_t)1 << CASE_F_status_decided_by;
        st = case_value_parse(&ch, CASE_F_status_decided_by, decided_by);
    }
    struct case_record *out = NULL;
    if (st == STATUS_OK) {
        st = case_update(ctx, case_id, case_version, &ch, mask, &out);
    }
    case_record_free(out);
    case_record_clear(&ch);
    return st;
}

static void task_key(char *out, size_t cap, const char *kind, int64_t case_id)
{
    snprintf(out, cap, "%s:%lld", kind, (long long)case_id);
}

/* Raises (or re-raises) reflection_ending for the current end date. */
static enum status reflection_task(const struct auth_ctx *ctx, const struct pathway *p, const struct auth_record *rec,
                                   int lead_days)
{
    int64_t end_ms = 0;
    enum status st = pathway__date_ms(p->reflection.end, &end_ms);
    if (st != STATUS_OK) {
        return st;
    }
    char key[TASK_KEY_BYTES];
    task_key(key, sizeof key, TASK_KIND_REFLECTION_ENDING, p->case_id);
    struct task_raise tr = {TASK_KIND_REFLECTION_ENDING,         key, p->case_id, "", 0, rec->agency_id, rec->owner_id,
                            end_ms - (int64_t)lead_days * DAY_MS};
    return task_raise(ctx, &tr, NULL);
}

/* Reaches the case for a pathway write: case.write, the narrative group for the reason, and
 * consent to processing (as every change of the case's records). */
static enum status reach_write(const struct auth_ctx *ctx, int64_t case_id, const char *detail, struct auth_record *rec,
                               int64_t *case_version)
{
    enum status st = case_reach(ctx, case_id, "case.write", true, detail, rec, case_version);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "case.write", rec, AUTH_FG_NARRATIVE, true, detail);
    }
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS); /* refused or withdrawn: no further steps */
    }
    return st;
}

static enum status version_check(const struct pathway *p, int64_t expected)
{
    if (p->version != expected) {
        return err_set_field(STATUS_CONFLICT, "If-Match", "pathway: version %lld is stale (now %lld); read it again",
                             (long long)expected, (long long)p->version);
    }
    return STATUS_OK;
}

static enum status date_or_today(const char *field, const char *given, char out[11])
{
    if (given == NULL || given[0] == '\0') {
        util_today(out);
        return STATUS_OK;
    }
    enum status st = pathway__date_check(field, given);
    if (st == STATUS_OK) {
        snprintf(out, 11, "%s", given);
    }
    return st;
}

/* Reads a string member (absent or null: NULL). */
static enum status jstr(const json_t *o, const char *key, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a text value", key);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

static enum status keys_known(const json_t *o, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++) {
            ok = strcmp(known[i], key) == 0;
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, key, "%s: no such member", key);
        }
    }
    return STATUS_OK;
}

enum status pathway_move_from_json(struct pathway_move *m, const json_t *o)
{
    memset(m, 0, sizeof *m);
    m->no_removal = -1;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a JSON object {\"to\": .., \"reason\": ..} is expected");
    }
    static const char *const known[] = {"to",         "reason",           "decision_date",     "screening_id",
                                        "decided_by", "no_removal",       "no_removal_reason", "voluntary",
                                        "risk_level", "risk_assessed_on", "follow_up_date",    NULL};
    enum status st = keys_known(o, known);
    if (st == STATUS_OK) {
        st = jstr(o, "to", &m->to);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "reason", &m->reason);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "decision_date", &m->decision_date);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "decided_by", &m->decided_by);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "no_removal_reason", &m->no_removal_reason);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "risk_level", &m->risk_level);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "risk_assessed_on", &m->risk_date);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "follow_up_date", &m->follow_up_date);
    }
    json_t *v = json_object_get(o, "screening_id");
    if (st == STATUS_OK && v != NULL && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            st = err_set_field(STATUS_INVALID, "screening_id", "screening_id: a screening's id");
        } else {
            m->screening_id = json_integer_value(v);
        }
    }
    v = json_object_get(o, "no_removal");
    if (st == STATUS_OK && v != NULL && !json_is_null(v)) {
        if (!json_is_boolean(v)) {
            st = err_set_field(STATUS_INVALID, "no_removal", "no_removal: true or false");
        } else {
            m->no_removal = json_is_true(v) ? 1 : 0;
        }
    }
    v = json_object_get(o, "voluntary");
    if (st == STATUS_OK && v != NULL && !json_is_null(v)) {
        if (!json_is_boolean(v)) {
            st = err_set_field(STATUS_INVALID, "voluntary", "voluntary: true or false");
        } else {
            m->voluntary = json_is_true(v);
        }
    }
    return st;
}

enum status pathway_not_victim_from_json(struct pathway_not_victim *n, const json_t *o)
{
    memset(n, 0, sizeof *n);
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a JSON object is expected");
    }
    static const char *const known[] = {"decided_by",  "decision_date",   "reason",
                                        "referred_to", "referral_reason", NULL};
    enum status st = keys_known(o, known);
    if (st == STATUS_OK) {
        st = jstr(o, "decided_by", &n->decided_by);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "decision_date", &n->decision_date);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "reason", &n->reason);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "referred_to", &n->referred_to);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "referral_reason", &n->referral_reason);
    }
    return st;
}

enum status pathway_move(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version,
                         const struct pathway_move *in)
{
    struct auth_record rec;
    int64_t case_version = 0;
    enum pathway_stage to = PW_FIRST_CONTACT;
    enum status st = pathway_stage_parse(in->to, &to);
    if (st == STATUS_OK) {
        st = text_check("reason", in->reason, PATHWAY_REASON_MAX, true);
    }
    if (st == STATUS_OK) {
        st = reach_write(ctx, case_id, "pathway move", &rec, &case_version);
    }
    struct pathway p;
    if (st == STATUS_OK) {
        st = load(ctx, case_id, true, &p);
    }
    if (st == STATUS_OK) {
        st = version_check(&p, expected_version);
    }
    if (st != STATUS_OK) {
        return st;
    }
    enum pathway_stage from = p.stage;
    if (!pathway_transition_allowed(from, to)) {
        return err_set_field(STATUS_CONFLICT, "to", "pathway: no transition from %s to %s", pathway_stage_name(from),
                             pathway_stage_name(to));
    }
    json_t *data = json_object();
    char key[TASK_KEY_BYTES];
    int days = 0, lead = 0;
    switch (to) {
    case PW_REASONABLE_GROUNDS:
        st = date_or_today("decision_date", in->decision_date, p.rg_date);
        if (st == STATUS_OK) {
            p.screening_id = in->screening_id;
            json_object_set_new(data, "decision_date", json_string(p.rg_date));
            if (in->screening_id) {
                json_object_set_new(data, "screening_id", json_integer(in->screening_id));
            }
            st = case_status_set(ctx, case_id, case_version, "PossibleVictimOfTrafficking", NULL);
        }
        break;
    case PW_REFLECTION: {
        char country[4];
        st = agency_country(ctx, rec.agency_id, country);
        if (st == STATUS_OK) {
            st = pathway__settings_for(ctx, country, &days, &lead);
        }
        if (st == STATUS_OK && in->no_removal == 0) {
            st = text_check("no_removal_reason", in->no_removal_reason, PATHWAY_REASON_MAX, true);
        }
        if (st == STATUS_OK) {
            if (p.rg_date[0] == '\0') {
                util_today(p.rg_date);
            }
            snprintf(p.reflection.start, sizeof p.reflection.start, "%s", p.rg_date);
            p.reflection.days = days;
            p.reflection.extensions = 0;
            p.reflection.no_removal = in->no_removal != 0;
            st = pathway__date_add(p.reflection.start, days, p.reflection.end);
        }
        if (st == STATUS_OK) {
            json_object_set_new(data, "start", json_string(p.reflection.start));
            json_object_set_new(data, "end", json_string(p.reflection.end));
            json_object_set_new(data, "days", json_integer(days));
            json_object_set_new(data, "no_removal", json_boolean(p.reflection.no_removal));
            st = reflection_task(ctx, &p, &rec, lead);
        }
        break;
    }
    case PW_IDENTIFIED:
        st = code_check("decided_by", "decision_org", in->decided_by, p.decided_by, sizeof p.decided_by, true);
        if (st == STATUS_OK) {
            st = date_or_today("decision_date", in->decision_date, p.decided_date);
        }
        if (st == STATUS_OK) {
            snprintf(p.identification, sizeof p.identification, "ActualVictimOfTrafficking");
            json_object_set_new(data, "decided_by", json_string(p.decided_by));
            json_object_set_new(data, "decision_date", json_string(p.decided_date));
            json_object_set_new(data, "trafficking_status", json_string(p.identification));
            st = case_status_set(ctx, case_id, case_version, p.identification, p.decided_by);
        }
        if (st == STATUS_OK) {
            st = child__determination_task(ctx, case_id, rec.agency_id, rec.owner_id);
        }
        break;
    case PW_ASSISTANCE: {
        struct sql_value a[] = {SQLV_I64(case_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_PATHWAY_PLAN_COUNT, a, 1, &r);
        if (st == STATUS_OK) {
            int64_t n = store_rows_i64(r, 0);
            store_rows_free(r);
            if (n == 0) {
                st = err_set_field(STATUS_CONFLICT, "to",
                                   "pathway: assistance needs an individual assistance plan: record a support plan "
                                   "first");
            }
        }
        break;
    }
    case PW_RETURN:
        if (!in->voluntary) {
            st = err_set_field(STATUS_INVALID, "voluntary", "voluntary: a return must be voluntary (true)");
        }
        if (st == STATUS_OK &&
            (in->risk_level == NULL || (strcmp(in->risk_level, "low") != 0 && strcmp(in->risk_level, "medium") != 0 &&
                                        strcmp(in->risk_level, "high") != 0))) {
            st = err_set_field(STATUS_INVALID, "risk_level", "risk_level: required, low, medium or high");
        }
        if (st == STATUS_OK) {
            st = text_check("risk_assessed_on", in->risk_date, 10, true);
        }
        if (st == STATUS_OK) {
            st = pathway__date_check("risk_assessed_on", in->risk_date);
        }
        if (st == STATUS_OK) {
            json_object_set_new(data, "voluntary", json_true());
            json_object_set_new(data, "risk_level", json_string(in->risk_level));
            json_object_set_new(data, "risk_assessed_on", json_string(in->risk_date));
            st = child__solution_check(ctx, case_id, "return");
        }
        break;
    case PW_RESIDENCE:
    case PW_INCLUSION: st = child__solution_check(ctx, case_id, pathway_stage_name(to)); break;
    case PW_FOLLOW_UP: {
        int64_t due = 0;
        st = text_check("follow_up_date", in->follow_up_date, 10, true);
        if (st == STATUS_OK) {
            st = pathway__date_check("follow_up_date", in->follow_up_date);
        }
        if (st == STATUS_OK) {
            st = pathway__date_ms(in->follow_up_date, &due);
        }
        if (st == STATUS_OK) {
            json_object_set_new(data, "follow_up_date", json_string(in->follow_up_date));
            task_key(key, sizeof key, TASK_KIND_FOLLOW_UP_DUE, case_id);
            struct task_raise tr = {TASK_KIND_FOLLOW_UP_DUE, key, case_id, "", 0, rec.agency_id, rec.owner_id, due};
            st = task_raise(ctx, &tr, NULL);
        }
        break;
    }
    default: break;
    }
    /* Leaving a stage ends its automatic task. */
    if (st == STATUS_OK && from == PW_REFLECTION) {
        p.reflection.active = false;
        task_key(key, sizeof key, TASK_KIND_REFLECTION_ENDING, case_id);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    if (st == STATUS_OK && from == PW_FOLLOW_UP) {
        task_key(key, sizeof key, TASK_KIND_FOLLOW_UP_DUE, case_id);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    if (st == STATUS_OK) {
        p.stage = to;
        p.since_ms = util_now_ms();
        st = save(ctx, &p, expected_version);
    }
    if (st == STATUS_OK) {
        st = pathway__log(ctx, case_id, "move", pathway_stage_name(from), pathway_stage_name(to), in->reason, data);
        data = NULL;
    }
    json_decref(data);
    return st;
}

enum status pathway_not_victim(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version,
                               const struct pathway_not_victim *in)
{
    struct pathway p;
    memset(&p, 0, sizeof p);
    char decided_by[40], reason_code[40], date[11];
    enum status st = code_check("decided_by", "decision_org", in->decided_by, decided_by, sizeof decided_by, true);
    if (st == STATUS_OK) {
        st = date_or_today("decision_date", in->decision_date, date);
    }
    if (st == STATUS_OK) {
        st = text_check("reason", in->reason, PATHWAY_REASON_MAX, true);
    }
    if (st == STATUS_OK) {
        st = text_check("referred_to", in->referred_to, PATHWAY_ORG_MAX, true);
    }
    if (st == STATUS_OK) {
        st = code_check("referral_reason", "referral_reason", in->referral_reason, reason_code, sizeof reason_code,
                        true);
    }
    struct auth_record rec;
    int64_t case_version = 0;
    if (st == STATUS_OK) {
        st = reach_write(ctx, case_id, "pathway not a victim", &rec, &case_version);
    }
    if (st == STATUS_OK) {
        st = load(ctx, case_id, true, &p);
    }
    if (st == STATUS_OK) {
        st = version_check(&p, expected_version);
    }
    if (st != STATUS_OK) {
        return st;
    }
    enum pathway_stage from = p.stage;
    if (!pathway_not_victim_allowed(from)) {
        return err_set_field(STATUS_CONFLICT, "to",
                             "pathway: no not-a-victim decision from %s (only from screening, reasonable_grounds or "
                             "reflection)",
                             pathway_stage_name(from));
    }
    char key[TASK_KEY_BYTES];
    st = case_status_set(ctx, case_id, case_version, "NotAVictimOfTrafficking", decided_by);
    if (st == STATUS_OK && from == PW_REFLECTION) {
        task_key(key, sizeof key, TASK_KIND_REFLECTION_ENDING, case_id);
        st = task_resolve(ctx, key, TASK_CANCELLED);
    }
    if (st != STATUS_OK) {
        return st;
    }
    snprintf(p.identification, sizeof p.identification, "NotAVictimOfTrafficking");
    snprintf(p.decided_by, sizeof p.decided_by, "%s", decided_by);
    snprintf(p.decided_date, sizeof p.decided_date, "%s", date);
    snprintf(p.exit, sizeof p.exit, "not_victim");
    snprintf(p.referred_to, sizeof p.referred_to, "%s", in->referred_to);
    snprintf(p.referred_reason, sizeof p.referred_reason, "%s", reason_code);
    p.reflection.active = false;
    p.stage = PW_CLOSED;
    p.since_ms = util_now_ms();
    st = save(ctx, &p, expected_version);
    if (st == STATUS_OK) {
        json_t *data =
            json_pack("{ssssssssss}", "trafficking_status", "NotAVictimOfTrafficking", "decided_by", decided_by,
                      "decision_date", date, "referred_to", in->referred_to, "referral_reason", reason_code);
        st = pathway__log(ctx, case_id, "not_victim", pathway_stage_name(from), "closed", in->reason, data);
    }
    return st;
}

/* Reflection-period changes: reach, load, check the stage. */
static enum status reflection_begin(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version,
                                    const char *detail, struct auth_record *rec, struct pathway *p)
{
    int64_t cv = 0;
    enum status st = reach_write(ctx, case_id, detail, rec, &cv);
    if (st == STATUS_OK) {
        st = load(ctx, case_id, true, p);
    }
    if (st == STATUS_OK) {
        st = version_check(p, expected_version);
    }
    if (st == STATUS_OK && p->stage != PW_REFLECTION) {
        st = err_set(STATUS_CONFLICT, "pathway: the case is at %s, not in its reflection period",
                     pathway_stage_name(p->stage));
    }
    return st;
}

enum status pathway_reflection_extend(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version, int days,
                                      const char *reason)
{
    if (days < 1 || days > PATHWAY_REFLECTION_DAYS_MAX) {
        return err_set_field(STATUS_INVALID, "days", "days: 1 to %d", PATHWAY_REFLECTION_DAYS_MAX);
    }
    enum status st = text_check("reason", reason, PATHWAY_REASON_MAX, true);
    struct auth_record rec;
    struct pathway p;
    if (st == STATUS_OK) {
        st = reflection_begin(ctx, case_id, expected_version, "pathway extend reflection", &rec, &p);
    }
    char country[4];
    int d = 0, lead = 0;
    if (st == STATUS_OK) {
        st = agency_country(ctx, rec.agency_id, country);
    }
    if (st == STATUS_OK) {
        st = pathway__settings_for(ctx, country, &d, &lead);
    }
    char old_end[11];
    if (st == STATUS_OK) {
        snprintf(old_end, sizeof old_end, "%s", p.reflection.end);
        st = pathway__date_add(old_end, days, p.reflection.end);
    }
    if (st == STATUS_OK) {
        p.reflection.days += days;
        p.reflection.extensions++;
        st = reflection_task(ctx, &p, &rec, lead);
    }
    if (st == STATUS_OK) {
        st = save(ctx, &p, expected_version);
    }
    if (st == STATUS_OK) {
        json_t *data = json_pack("{sissss}", "days", days, "from_end", old_end, "end", p.reflection.end);
        st = pathway__log(ctx, case_id, "extend", "reflection", "reflection", reason, data);
    }
    return st;
}

enum status pathway_no_removal_set(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version, bool on,
                                   const char *reason)
{
    enum status st = text_check("reason", reason, PATHWAY_REASON_MAX, !on);
    struct auth_record rec;
    struct pathway p;
    if (st == STATUS_OK) {
        st = reflection_begin(ctx, case_id, expected_version, "pathway no-removal flag", &rec, &p);
    }
    if (st == STATUS_OK) {
        p.reflection.no_removal = on;
        st = save(ctx, &p, expected_version);
    }
    if (st == STATUS_OK) {
        st = pathway__log(ctx, case_id, "no_removal", "reflection", "reflection", reason,
                          json_pack("{sb}", "no_removal", on));
    }
    return st;
}

/* Reading. */

static void log_free(struct pathway_log_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].reason != NULL) {
            vault_plain_free(e[i].reason, strlen(e[i].reason));
        }
        json_decref(e[i].data);
    }
    free(e);
}

void pathway_free(struct pathway *p)
{
    if (p == NULL) {
        return;
    }
    log_free(p->log, p->log_count);
    free(p);
}

static enum status log_read(const struct auth_ctx *ctx, struct pathway *p, bool reasons)
{
    struct sql_value a[] = {SQLV_I64(p->case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_PATHWAY_LOG_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct pathway_log_entry *e = xcalloc(cap, sizeof *e);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            e = xrealloc(e, cap * sizeof *e);
        }
        struct pathway_log_entry *x = &e[n++];
        memset(x, 0, sizeof *x);
        x->id = store_rows_i64(r, 0);
        snprintf(x->action, sizeof x->action, "%s", store_rows_text(r, 1));
        snprintf(x->from, sizeof x->from, "%s", store_rows_text(r, 2));
        snprintf(x->to, sizeof x->to, "%s", store_rows_text(r, 3));
        x->at_ms = store_rows_i64(r, 4);
        snprintf(x->actor, sizeof x->actor, "%s", store_rows_text(r, 5));
        x->data = json_loads(store_rows_text(r, 7), 0, NULL);
        size_t len = 0, plen = 0;
        const uint8_t *blob = store_rows_blob(r, 6, &len);
        if (reasons && blob != NULL && len > 0) {
            struct vault_ad ad = {"case_stage_log", "reason_enc", x->id};
            st = vault_unseal(ctx->vault, &x->reason, &plen, &ad, blob, len);
            if (st != STATUS_OK) {
                break;
            }
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        log_free(e, n);
        return st;
    }
    p->log = e;
    p->log_count = n;
    return STATUS_OK;
}

enum status pathway_get(const struct auth_ctx *ctx, int64_t case_id, struct pathway **out)
{
    *out = NULL;
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "pathway", &rec, NULL);
    bool allowed[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK) {
        auth_groups_allowed(ctx, &rec, false, allowed); /* a share (referral) narrows them */
    }
    bool reasons = st == STATUS_OK && allowed[AUTH_FG_NARRATIVE];
    if (reasons) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_NARRATIVE, false, "pathway");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct pathway *p = xcalloc(1, sizeof *p);
    st = load(ctx, case_id, false, p);
    if (st == STATUS_OK) {
        st = log_read(ctx, p, reasons);
    }
    if (st != STATUS_OK) {
        pathway_free(p);
        return st;
    }
    *out = p;
    return STATUS_OK;
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *pathway_to_json(const struct pathway *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "case_id", json_integer(p->case_id));
    json_object_set_new(o, "stage", json_string(pathway_stage_name(p->stage)));
    json_object_set_new(o, "version", json_integer(p->version));
    char t[32];
    if (p->since_ms) {
        util_time_iso(t, p->since_ms);
        json_object_set_new(o, "since", json_string(t));
    } else {
        json_object_set_new(o, "since", json_null());
    }
    enum pathway_stage next[PW__COUNT];
    size_t n = pathway_next(p->stage, next);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(pathway_stage_name(next[i])));
    }
    json_object_set_new(o, "next", arr);
    json_object_set_new(o, "not_victim_allowed", json_boolean(pathway_not_victim_allowed(p->stage)));
    json_object_set_new(o, "screening_id", p->screening_id ? json_integer(p->screening_id) : json_null());
    json_object_set_new(o, "reasonable_grounds_date", str_or_null(p->rg_date));
    if (p->reflection.start[0]) {
        json_object_set_new(o, "reflection",
                            json_pack("{sssssisisbsb}", "start", p->reflection.start, "end", p->reflection.end, "days",
                                      p->reflection.days, "extensions", p->reflection.extensions, "no_removal",
                                      p->reflection.no_removal, "active", p->reflection.active));
    } else {
        json_object_set_new(o, "reflection", json_null());
    }
    json_object_set_new(o, "identification", str_or_null(p->identification));
    json_object_set_new(o, "decided_by", str_or_null(p->decided_by));
    json_object_set_new(o, "decision_date", str_or_null(p->decided_date));
    json_object_set_new(o, "exit", str_or_null(p->exit));
    json_object_set_new(o, "referred_to", str_or_null(p->referred_to));
    json_object_set_new(o, "referral_reason", str_or_null(p->referred_reason));
    json_t *log = json_array();
    for (size_t i = 0; i < p->log_count; i++) {
        const struct pathway_log_entry *e = &p->log[i];
        util_time_iso(t, e->at_ms);
        json_array_append_new(log, json_pack("{sIssssssssssso*sO*}", "id", (json_int_t)e->id, "action", e->action,
                                             "from", e->from, "to", e->to, "at", t, "actor", e->actor, "reason",
                                             e->reason ? json_string(e->reason) : NULL, "data", e->data));
    }
    json_object_set_new(o, "log", log);
    return o;
}

enum status pathway_reflection_get(const struct auth_ctx *ctx, int64_t case_id, struct pathway_reflection *out)
{
    memset(out, 0, sizeof *out);
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "reflection period", &rec, NULL);
    struct pathway p;
    if (st == STATUS_OK) {
        st = load(ctx, case_id, false, &p);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (p.reflection.start[0] == '\0') {
        return err_set(STATUS_NOT_FOUND, "no reflection period for this case");
    }
    *out = p.reflection;
    return STATUS_OK;
}

/* Settings. */

enum status pathway_settings_list(const struct auth_ctx *ctx, struct pathway_setting **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "pathway.settings", NULL, AUTH_FG_NONE, false, "pathway settings");
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PATHWAY_SETTINGS_LIST, NULL, 0, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct pathway_setting *s = xcalloc(cap, sizeof *s);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            s = xrealloc(s, cap * sizeof *s);
        }
        snprintf(s[n].country, sizeof s[n].country, "%s", store_rows_text(r, 0));
        s[n].reflection_days = (int)store_rows_i64(r, 1);
        s[n].task_lead_days = (int)store_rows_i64(r, 2);
        s[n].updated_at_ms = store_rows_i64(r, 3);
        snprintf(s[n].actor, sizeof s[n].actor, "%s", store_rows_text(r, 4));
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(s);
        return st;
    }
    *out = s;
    *count_out = n;
    return STATUS_OK;
}

enum status pathway_settings_put(const struct auth_ctx *ctx, const char *country, int reflection_days,
                                 int task_lead_days, bool remove)
{
    const char *c = country ? country : "";
    if (c[0] != '\0' && (strlen(c) != 3 || vocab_index("country", c) < 0)) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 alpha-3 code, or \"\" for the default");
    }
    if (!remove && (reflection_days < PATHWAY_REFLECTION_DAYS_MIN || reflection_days > PATHWAY_REFLECTION_DAYS_MAX)) {
        return err_set_field(STATUS_INVALID, "reflection_days",
                             "reflection_days: %d to %d (the Council of Europe Convention, art. 13, requires at least "
                             "30 days)",
                             PATHWAY_REFLECTION_DAYS_MIN, PATHWAY_REFLECTION_DAYS_MAX);
    }
    if (!remove && (task_lead_days < 0 || task_lead_days > PATHWAY_LEAD_DAYS_MAX)) {
        return err_set_field(STATUS_INVALID, "task_lead_days", "task_lead_days: 0 to %d", PATHWAY_LEAD_DAYS_MAX);
    }
    enum status st = auth_check(ctx, "pathway.settings", NULL, AUTH_FG_NONE, true, "pathway settings");
    if (st != STATUS_OK) {
        return st;
    }
    if (remove) {
        struct sql_value a[] = {sqlv_text(c)};
        return store_exec(ctx->store, STMT_PATHWAY_SETTINGS_DELETE, a, 1, NULL);
    }
    struct sql_value a[] = {sqlv_text(c), SQLV_I64(reflection_days), SQLV_I64(task_lead_days), SQLV_I64(util_now_ms()),
                            sqlv_text(ctx->who->username)};
    return store_exec(ctx->store, STMT_PATHWAY_SETTINGS_PUT, a, ARRAY_LEN(a), NULL);
}

enum status pathway__purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_PATHWAY_LOG_PURGE, a, 1, NULL);
    if (st == STATUS_OK && items_out != NULL) {
        *items_out = store_changes(ctx->store);
    }
    return st;
}

enum status pathway__sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct pathway *p = xcalloc(1, sizeof *p);
    enum status st = load(ctx, case_id, false, p);
    if (st == STATUS_OK) {
        st = log_read(ctx, p, true);
    }
    if (st == STATUS_OK && (p->version > 0 || p->log_count > 0)) {
        *out = json_pack("{so}", "pathway", pathway_to_json(p));
    }
    pathway_free(p);
    return st;
}
