/* child: presumption of minority, guardians, child-friendly interview and best-interests
 * assessments and determinations (see child.h). The presumption and age assessments change the
 * case's majority_status through case_update (so the case history shows them) and are logged in
 * the pathway log with their sealed reason. */
#include "referral/child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "referral/pathway.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "util/jsonin.h"

#define CHILD_TEXT_MAX 4000
#define CHILD_ORG_MAX 200

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

static enum status seal(const struct auth_ctx *ctx, const char *table, const char *column, int64_t id, const char *text,
                        uint8_t **buf, struct sql_value *v)
{
    *v = SQLV_NULL;
    *buf = NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {table, column, id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

static enum status unseal(const struct auth_ctx *ctx, struct store_rows *r, size_t col, const char *table,
                          const char *column, int64_t id, char **out)
{
    *out = NULL;
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    struct vault_ad ad = {table, column, id};
    return vault_unseal(ctx->vault, out, &plen, &ad, blob, len);
}

static void plain_free(char *s)
{
    if (s != NULL) {
        vault_plain_free(s, strlen(s));
    }
}

/* The flags row (defaults when none). */
struct flags_row {
    bool presumed;
    char assessment[8];
    char assessment_date[11];
    bool interview;
    char interview_date[11];
    int64_t version;
};

static enum status flags_load(const struct auth_ctx *ctx, int64_t case_id, struct flags_row *f)
{
    memset(f, 0, sizeof *f);
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_CHILD_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        err_clear();
        return STATUS_OK;
    }
    if (st == STATUS_OK) {
        f->presumed = store_rows_i64(r, 0) != 0;
        snprintf(f->assessment, sizeof f->assessment, "%s", store_rows_text(r, 1));
        snprintf(f->assessment_date, sizeof f->assessment_date, "%s", store_rows_text(r, 2));
        f->interview = store_rows_i64(r, 3) != 0;
        snprintf(f->interview_date, sizeof f->interview_date, "%s", store_rows_text(r, 4));
        f->version = store_rows_i64(r, 6);
        store_rows_free(r);
    }
    return st;
}

/* majority_status and age of the case (an audited read of the case). */
static enum status case_age(const struct auth_ctx *ctx, int64_t case_id, char majority[16], int64_t *age,
                            int64_t *case_version)
{
    struct case_record *c = NULL;
    enum status st = case_get(ctx, case_id, &c);
    if (st != STATUS_OK) {
        return st;
    }
    const struct case_value *m = &c->v[CASE_F_majority_status];
    snprintf(majority, 16, "%s", m->state == CASE_SET && m->text ? m->text : "");
    *age = c->v[CASE_F_age].state == CASE_SET ? c->v[CASE_F_age].i : -1;
    if (case_version != NULL) {
        *case_version = c->version;
    }
    case_record_free(c);
    return STATUS_OK;
}

enum status child__is_child(const struct auth_ctx *ctx, int64_t case_id, bool *out)
{
    *out = false;
    char majority[16];
    int64_t age = -1;
    struct flags_row f;
    enum status st = case_age(ctx, case_id, majority, &age, NULL);
    if (st == STATUS_OK) {
        st = flags_load(ctx, case_id, &f);
    }
    if (st == STATUS_OK) {
        *out = strcmp(majority, "Minor") == 0 || (age >= 0 && age < 18) || f.presumed;
    }
    return st;
}

static enum status determinations(const struct auth_ctx *ctx, int64_t case_id, const char *solution, int64_t *n)
{
    struct sql_value a[] = {SQLV_I64(case_id), sqlv_text(solution ? solution : "")};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_BID_DETERMINATION_COUNT, a, 2, &r);
    if (st == STATUS_OK) {
        *n = store_rows_i64(r, 0);
        store_rows_free(r);
    }
    return st;
}

enum status child__solution_check(const struct auth_ctx *ctx, int64_t case_id, const char *stage)
{
    bool child = false;
    enum status st = child__is_child(ctx, case_id, &child);
    if (st != STATUS_OK || !child) {
        return st;
    }
    bool ret = strcmp(stage, "return") == 0;
    int64_t n = 0;
    st = determinations(ctx, case_id, ret ? "return" : NULL, &n);
    if (st == STATUS_OK && n == 0) {
        if (ret) {
            return err_set_field(STATUS_CONFLICT, "to",
                                 "a child's case cannot enter return without a recorded best-interests determination "
                                 "that recommends return");
        }
        return err_set_field(STATUS_CONFLICT, "to",
                             "a child's case cannot enter %s (a durable solution) without a recorded best-interests "
                             "determination",
                             stage);
    }
    return st;
}

static void task_key(char *out, size_t cap, int64_t case_id)
{
    snprintf(out, cap, "%s:%lld", TASK_KIND_DETERMINATION_PENDING, (long long)case_id);
}

enum status child__determination_task(const struct auth_ctx *ctx, int64_t case_id, int64_t agency_id, int64_t owner_id)
{
    bool child = false;
    int64_t n = 0;
    enum status st = child__is_child(ctx, case_id, &child);
    if (st == STATUS_OK && child) {
        st = determinations(ctx, case_id, NULL, &n);
    }
    if (st != STATUS_OK || !child || n > 0) {
        return st;
    }
    char key[TASK_KEY_BYTES];
    task_key(key, sizeof key, case_id);
    struct task_raise tr = {TASK_KIND_DETERMINATION_PENDING, key, case_id, "", 0, agency_id, owner_id, 0};
    return task_raise(ctx, &tr, NULL);
}

/* Flags. */

static enum status jstr(const json_t *o, const char *key, const char **out)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_string(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: a text value", key);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

static enum status jbool(const json_t *o, const char *key, int *out)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_boolean(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: true or false", key);
    }
    *out = json_is_true(v) ? 1 : 0;
    return STATUS_OK;
}

enum status child_flags_from_json(struct child_flags *f, const json_t *o)
{
    memset(f, 0, sizeof *f);
    f->presume_minor = -1;
    f->child_friendly_interview = -1;
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a JSON object is expected");
    }
    static const char *const known[] = {"presume_minor",
                                        "age_assessment",
                                        "age_assessment_date",
                                        "child_friendly_interview",
                                        "interview_date",
                                        "reason",
                                        NULL};
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
    enum status st = jbool(o, "presume_minor", &f->presume_minor);
    if (st == STATUS_OK) {
        st = jbool(o, "child_friendly_interview", &f->child_friendly_interview);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "age_assessment", &f->age_assessment);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "age_assessment_date", &f->age_assessment_date);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "interview_date", &f->interview_date);
    }
    if (st == STATUS_OK) {
        st = jstr(o, "reason", &f->reason);
    }
    return st;
}

/* Sets the case's majority_status at its current version. */
static enum status majority_set(const struct auth_ctx *ctx, int64_t case_id, int64_t case_version, const char *value)
{
    struct case_record ch;
    case_record_init(&ch);
    enum status st = case_value_parse(&ch, CASE_F_majority_status, value);
    struct case_record *out = NULL;
    if (st == STATUS_OK) {
        st = case_update(ctx, case_id, case_version, &ch, (uint64_t)1 << CASE_F_majority_status, &out);
    }
    case_record_free(out);
    case_record_clear(&ch);
    return st;
}

enum status child_flags_set(const struct auth_ctx *ctx, int64_t case_id, const struct child_flags *f)
{
    enum status st = STATUS_OK;
    bool age_change = f->presume_minor == 1 || (f->age_assessment && f->age_assessment[0]);
    if (f->presume_minor == 0) {
        return err_set_field(STATUS_INVALID, "presume_minor",
                             "presume_minor: the presumption is lifted only by an age assessment (age_assessment: "
                             "adult)");
    }
    if (f->age_assessment && f->age_assessment[0] && strcmp(f->age_assessment, "minor") != 0 &&
        strcmp(f->age_assessment, "adult") != 0) {
        return err_set_field(STATUS_INVALID, "age_assessment", "age_assessment: minor or adult");
    }
    if (f->presume_minor == 1 && f->age_assessment && f->age_assessment[0]) {
        return err_set_field(STATUS_INVALID, "presume_minor", "presume_minor: not together with an age assessment");
    }
    st = text_check("reason", f->reason, CHILD_TEXT_MAX, age_change);
    char adate[11] = "", idate[11] = "";
    if (st == STATUS_OK && f->age_assessment && f->age_assessment[0]) {
        st = date_or_today("age_assessment_date", f->age_assessment_date, adate);
    }
    if (st == STATUS_OK && f->child_friendly_interview == 1) {
        st = date_or_today("interview_date", f->interview_date, idate);
    }
    struct auth_record rec;
    int64_t case_version = 0;
    if (st == STATUS_OK) {
        st = case_reach(ctx, case_id, "case.write", true, "child safeguards", &rec, &case_version);
    }
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK && age_change) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "child safeguards");
    }
    struct flags_row cur;
    if (st == STATUS_OK) {
        st = flags_load(ctx, case_id, &cur);
    }
    if (st != STATUS_OK) {
        return st;
    }
    enum pathway_stage stage = PW_FIRST_CONTACT;
    st = pathway__stage(ctx, case_id, &stage);
    const char *sname = pathway_stage_name(stage);
    if (st == STATUS_OK && f->presume_minor == 1) {
        cur.presumed = true;
        st = majority_set(ctx, case_id, case_version, "Minor");
        if (st == STATUS_OK) {
            st = pathway__log(ctx, case_id, "presume_minor", sname, sname, f->reason,
                              json_pack("{sb}", "presumed_minor", 1));
        }
    }
    if (st == STATUS_OK && adate[0]) {
        bool adult = strcmp(f->age_assessment, "adult") == 0;
        snprintf(cur.assessment, sizeof cur.assessment, "%s", f->age_assessment);
        snprintf(cur.assessment_date, sizeof cur.assessment_date, "%s", adate);
        bool lifted = adult && cur.presumed;
        cur.presumed = false;
        st = majority_set(ctx, case_id, case_version, adult ? "Adult" : "Minor");
        if (st == STATUS_OK) {
            st = pathway__log(
                ctx, case_id, "age_assessment", sname, sname, f->reason,
                json_pack("{sssssb}", "result", f->age_assessment, "date", adate, "presumption_lifted", lifted));
        }
    }
    if (st == STATUS_OK && f->child_friendly_interview >= 0) {
        cur.interview = f->child_friendly_interview == 1;
        snprintf(cur.interview_date, sizeof cur.interview_date, "%s", cur.interview ? idate : "");
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(case_id),         SQLV_BOOL(cur.presumed),
                                sqlv_text(cur.assessment), sqlv_text(cur.assessment_date),
                                SQLV_BOOL(cur.interview),  sqlv_text(cur.interview_date),
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_CHILD_PUT, a, ARRAY_LEN(a), NULL);
    }
    return st;
}

/* Guardians. */

enum status child_guardian_add(const struct auth_ctx *ctx, int64_t case_id, const char *name, const char *organisation,
                               const char *appointed, int64_t *id_out)
{
    enum status st = text_check("name", name, CHILD_ORG_MAX, false);
    if (st == STATUS_OK) {
        st = text_check("organisation", organisation, CHILD_ORG_MAX, false);
    }
    if (st == STATUS_OK && (name == NULL || name[0] == '\0') && (organisation == NULL || organisation[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "name", "name: a guardian's name or organisation is required");
    }
    char date[11];
    if (st == STATUS_OK) {
        st = date_or_today("appointed", appointed, date);
    }
    struct auth_record rec;
    if (st == STATUS_OK) {
        st = case_reach(ctx, case_id, "case.write", true, "add guardian", &rec, NULL);
    }
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK && name && name[0]) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_IDENTITY, true, "add guardian");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *blob = NULL;
    struct sql_value nv;
    st = seal(ctx, "case_guardians", "name_enc", id, name, &blob, &nv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {
            SQLV_I64(id),  SQLV_I64(case_id),      nv, sqlv_text(organisation ? organisation : ""), sqlv_text(date),
            sqlv_text(""), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_GUARDIAN_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(blob);
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

enum status child_guardian_end(const struct auth_ctx *ctx, int64_t case_id, int64_t id, const char *ended)
{
    char date[11];
    enum status st = date_or_today("ended", ended, date);
    struct auth_record rec;
    if (st == STATUS_OK) {
        st = case_reach(ctx, case_id, "case.write", true, "end guardian", &rec, NULL);
    }
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(case_id), sqlv_text(date), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_GUARDIAN_END, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_NOT_FOUND, "no such guardian appointment in force on this case");
        }
    }
    return st;
}

/* Best-interests assessments and determinations. */

static bool solution_known(const char *s)
{
    return strcmp(s, "return") == 0 || strcmp(s, "local_integration") == 0 ||
           strcmp(s, "third_country_resettlement") == 0;
}

enum status child_bid_add(const struct auth_ctx *ctx, int64_t case_id, const char *kind, const char *date,
                          const char *deciding_body, const char *solution, const char *note, int64_t *id_out)
{
    enum status st = STATUS_OK;
    bool det = kind != NULL && strcmp(kind, "determination") == 0;
    if (kind == NULL || (!det && strcmp(kind, "assessment") != 0)) {
        return err_set_field(STATUS_INVALID, "kind", "kind: assessment or determination");
    }
    const char *sol = solution ? solution : "";
    if (sol[0] && !solution_known(sol)) {
        return err_set_field(STATUS_INVALID, "solution",
                             "solution: return, local_integration or third_country_resettlement");
    }
    if (det && !sol[0]) {
        return err_set_field(STATUS_INVALID, "solution",
                             "solution: a determination recommends a durable solution (return, local_integration or "
                             "third_country_resettlement)");
    }
    char d[11];
    st = date_or_today("date", date, d);
    if (st == STATUS_OK) {
        st = text_check("deciding_body", deciding_body, CHILD_ORG_MAX, det);
    }
    if (st == STATUS_OK) {
        st = text_check("note", note, CHILD_TEXT_MAX, false);
    }
    struct auth_record rec;
    if (st == STATUS_OK) {
        st = case_reach(ctx, case_id, "case.write", true, "add best-interests record", &rec, NULL);
    }
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_LEGAL, true, "add best-interests record");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *blob = NULL;
    struct sql_value nv;
    st = seal(ctx, "case_bids", "note_enc", id, note, &blob, &nv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                sqlv_text(kind),
                                sqlv_text(d),
                                sqlv_text(deciding_body ? deciding_body : ""),
                                sqlv_text(sol),
                                nv,
                                SQLV_I64(util_now_ms()),
                                sqlv_text(ctx->who->username)};
        st = store_exec(ctx->store, STMT_BID_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(blob);
    if (st == STATUS_OK && det) {
        char key[TASK_KEY_BYTES];
        task_key(key, sizeof key, case_id);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

enum status child_bid_recorded(const struct auth_ctx *ctx, int64_t case_id, const char *solution, bool *out)
{
    *out = false;
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "best-interests determination", &rec, NULL);
    int64_t n = 0;
    if (st == STATUS_OK) {
        st = determinations(ctx, case_id, solution, &n);
    }
    if (st == STATUS_OK) {
        *out = n > 0;
    }
    return st;
}

/* Reading. */

void child_info_free(struct child_info *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->guardians_count; i++) {
        plain_free(c->guardians[i].name);
    }
    for (size_t i = 0; i < c->bids_count; i++) {
        plain_free(c->bids[i].note);
    }
    free(c->guardians);
    free(c->bids);
    free(c);
}

static enum status guardians_read(const struct auth_ctx *ctx, struct child_info *c, bool names)
{
    struct sql_value a[] = {SQLV_I64(c->case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_GUARDIAN_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 2;
    c->guardians = xcalloc(cap, sizeof *c->guardians);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (c->guardians_count == cap) {
            cap *= 2;
            c->guardians = xrealloc(c->guardians, cap * sizeof *c->guardians);
        }
        struct child_guardian *g = &c->guardians[c->guardians_count++];
        memset(g, 0, sizeof *g);
        g->id = store_rows_i64(r, 0);
        snprintf(g->organisation, sizeof g->organisation, "%s", store_rows_text(r, 2));
        snprintf(g->appointed, sizeof g->appointed, "%s", store_rows_text(r, 3));
        snprintf(g->ended, sizeof g->ended, "%s", store_rows_text(r, 4));
        g->created_at_ms = store_rows_i64(r, 5);
        g->version = store_rows_i64(r, 6);
        if (names) {
            st = unseal(ctx, r, 1, "case_guardians", "name_enc", g->id, &g->name);
            if (st != STATUS_OK) {
                break;
            }
        } else {
            g->withheld = !store_rows_is_null(r, 1);
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status bids_read(const struct auth_ctx *ctx, struct child_info *c)
{
    struct sql_value a[] = {SQLV_I64(c->case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_BID_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 2;
    c->bids = xcalloc(cap, sizeof *c->bids);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (c->bids_count == cap) {
            cap *= 2;
            c->bids = xrealloc(c->bids, cap * sizeof *c->bids);
        }
        struct child_bid *b = &c->bids[c->bids_count++];
        memset(b, 0, sizeof *b);
        b->id = store_rows_i64(r, 0);
        snprintf(b->kind, sizeof b->kind, "%s", store_rows_text(r, 1));
        snprintf(b->date, sizeof b->date, "%s", store_rows_text(r, 2));
        snprintf(b->deciding_body, sizeof b->deciding_body, "%s", store_rows_text(r, 3));
        snprintf(b->solution, sizeof b->solution, "%s", store_rows_text(r, 4));
        b->created_at_ms = store_rows_i64(r, 6);
        snprintf(b->actor, sizeof b->actor, "%s", store_rows_text(r, 7));
        st = unseal(ctx, r, 5, "case_bids", "note_enc", b->id, &b->note);
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status child_get(const struct auth_ctx *ctx, int64_t case_id, struct child_info **out)
{
    *out = NULL;
    struct auth_record rec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "child safeguards", &rec, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    struct child_info *c = xcalloc(1, sizeof *c);
    c->case_id = case_id;
    struct flags_row f;
    st = case_age(ctx, case_id, c->majority_status, &c->age, NULL);
    if (st == STATUS_OK) {
        st = flags_load(ctx, case_id, &f);
    }
    if (st == STATUS_OK) {
        c->presumed_minor = f.presumed;
        snprintf(c->age_assessment, sizeof c->age_assessment, "%s", f.assessment);
        snprintf(c->age_assessment_date, sizeof c->age_assessment_date, "%s", f.assessment_date);
        c->child_friendly_interview = f.interview;
        snprintf(c->interview_date, sizeof c->interview_date, "%s", f.interview_date);
        c->version = f.version;
        c->is_child = strcmp(c->majority_status, "Minor") == 0 || (c->age >= 0 && c->age < 18) || f.presumed;
    }
    bool allowed[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK) {
        auth_groups_allowed(ctx, &rec, false, allowed); /* a share (referral) narrows them */
    }
    bool names = allowed[AUTH_FG_IDENTITY];
    if (st == STATUS_OK && names) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_IDENTITY, false, "child safeguards");
    }
    if (st == STATUS_OK) {
        st = guardians_read(ctx, c, names);
    }
    if (st == STATUS_OK && allowed[AUTH_FG_LEGAL]) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_LEGAL, false, "child safeguards");
        if (st == STATUS_OK) {
            st = bids_read(ctx, c);
        }
    } else if (st == STATUS_OK) {
        c->bids_withheld = true;
    }
    if (st != STATUS_OK) {
        child_info_free(c);
        return st;
    }
    *out = c;
    return STATUS_OK;
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *child_info_to_json(const struct child_info *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "case_id", json_integer(c->case_id));
    json_object_set_new(o, "is_child", json_boolean(c->is_child));
    json_object_set_new(o, "presumed_minor", json_boolean(c->presumed_minor));
    json_object_set_new(o, "majority_status", str_or_null(c->majority_status));
    json_object_set_new(o, "age", c->age >= 0 ? json_integer(c->age) : json_null());
    json_object_set_new(o, "age_assessment", str_or_null(c->age_assessment));
    json_object_set_new(o, "age_assessment_date", str_or_null(c->age_assessment_date));
    json_object_set_new(o, "child_friendly_interview", json_boolean(c->child_friendly_interview));
    json_object_set_new(o, "interview_date", str_or_null(c->interview_date));
    json_object_set_new(o, "version", json_integer(c->version));
    json_t *g = json_array();
    for (size_t i = 0; i < c->guardians_count; i++) {
        const struct child_guardian *x = &c->guardians[i];
        json_array_append_new(g, json_pack("{sIsosbsosssosI}", "id", (json_int_t)x->id, "name",
                                           x->name ? json_string(x->name) : json_null(), "name_withheld", x->withheld,
                                           "organisation", str_or_null(x->organisation), "appointed", x->appointed,
                                           "ended", str_or_null(x->ended), "version", (json_int_t)x->version));
    }
    json_object_set_new(o, "guardians", g);
    bool withheld = c->bids_withheld;
    json_t *b = json_array();
    for (size_t i = 0; !withheld && i < c->bids_count; i++) {
        const struct child_bid *x = &c->bids[i];
        json_array_append_new(b,
                              json_pack("{sIsssssosossss}", "id", (json_int_t)x->id, "kind", x->kind, "date", x->date,
                                        "deciding_body", str_or_null(x->deciding_body), "solution",
                                        str_or_null(x->solution), "note", x->note ? x->note : "", "actor", x->actor));
        if (x->note == NULL) {
            json_object_set_new(json_array_get(b, json_array_size(b) - 1), "note", json_null());
        }
    }
    json_object_set_new(o, "bids", b);
    json_object_set_new(o, "bids_withheld", json_boolean(withheld));
    return o;
}

enum status child__purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    int64_t n = 0;
    enum status st = store_exec(ctx->store, STMT_GUARDIAN_PURGE, a, 1, NULL);
    if (st == STATUS_OK) {
        n += store_changes(ctx->store);
        st = store_exec(ctx->store, STMT_BID_PURGE, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        n += store_changes(ctx->store);
        if (items_out) {
            *items_out = n;
        }
    }
    return st;
}

enum status child__sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct child_info *c = xcalloc(1, sizeof *c);
    c->case_id = case_id;
    c->age = -1;
    struct flags_row f;
    enum status st = flags_load(ctx, case_id, &f);
    if (st == STATUS_OK) {
        c->presumed_minor = f.presumed;
        snprintf(c->age_assessment, sizeof c->age_assessment, "%s", f.assessment);
        snprintf(c->age_assessment_date, sizeof c->age_assessment_date, "%s", f.assessment_date);
        c->child_friendly_interview = f.interview;
        snprintf(c->interview_date, sizeof c->interview_date, "%s", f.interview_date);
        c->version = f.version;
        st = guardians_read(ctx, c, true);
    }
    if (st == STATUS_OK) {
        st = bids_read(ctx, c);
    }
    if (st == STATUS_OK && (f.version > 0 || c->guardians_count > 0 || c->bids_count > 0)) {
        json_t *j = child_info_to_json(c);
        json_object_del(j, "is_child"); /* not computed here: the case's fields are in the export */
        json_object_del(j, "majority_status");
        json_object_del(j, "age");
        *out = json_pack("{so}", "child_safeguards", j);
    }
    child_info_free(c);
    return st;
}
