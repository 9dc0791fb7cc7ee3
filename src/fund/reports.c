/* reports: grantee reports and the fund's results (see reports.h). */
#include "fund/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "fund/grants.h"
#include "fund/grants_int.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const sexes[] = {"female", "male", "other", "unknown", NULL};
static const char *const ages[] = {"adult", "child", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (; s != NULL && *list != NULL; list++) {
        if (strcmp(s, *list) == 0) {
            return true;
        }
    }
    return false;
}

struct report {
    int64_t id, grant_id, tranche_id, created_by, submitted_at_ms, decided_by, decided_at_ms, created_at_ms,
        updated_at_ms, version, agency_id, seq;
    char from[11], to[11], country[4], status[12], number[24];
    const uint8_t *narrative, *reason;
    size_t narrative_len, reason_len;
};

static void report_row(struct store_rows *r, struct report *p)
{
    memset(p, 0, sizeof *p);
    p->id = store_rows_i64(r, 0);
    p->grant_id = store_rows_i64(r, 1);
    p->tranche_id = store_rows_i64(r, 2);
    snprintf(p->from, sizeof p->from, "%s", store_rows_text(r, 3));
    snprintf(p->to, sizeof p->to, "%s", store_rows_text(r, 4));
    snprintf(p->country, sizeof p->country, "%s", store_rows_text(r, 5));
    snprintf(p->status, sizeof p->status, "%s", store_rows_text(r, 6));
    p->narrative = store_rows_blob(r, 7, &p->narrative_len);
    p->reason = store_rows_blob(r, 8, &p->reason_len);
    p->created_by = store_rows_i64(r, 9);
    p->submitted_at_ms = store_rows_i64(r, 10);
    p->decided_by = store_rows_i64(r, 11);
    p->decided_at_ms = store_rows_i64(r, 12);
    p->created_at_ms = store_rows_i64(r, 13);
    p->updated_at_ms = store_rows_i64(r, 14);
    p->version = store_rows_i64(r, 15);
    snprintf(p->number, sizeof p->number, "%s", store_rows_text(r, 16));
    p->agency_id = store_rows_i64(r, 17);
    p->seq = store_rows_i64(r, 18);
}

static json_t *report_json(const struct report *p)
{
    json_t *j =
        json_pack("{sIsIsssIsIssssssss}", "id", (json_int_t)p->id, "grant_id", (json_int_t)p->grant_id, "grant_number",
                  p->number, "tranche_id", (json_int_t)p->tranche_id, "tranche_seq", (json_int_t)p->seq, "period_from",
                  p->from, "period_to", p->to, "country", p->country, "status", p->status);
    json_object_set_new(j, "agency_id", json_integer(p->agency_id));
    json_object_set_new(j, "version", json_integer(p->version));
    json_object_set_new(j, "submitted_at_ms", p->submitted_at_ms ? json_integer(p->submitted_at_ms) : json_null());
    json_object_set_new(j, "decided_at_ms", p->decided_at_ms ? json_integer(p->decided_at_ms) : json_null());
    return j;
}

/* Loads report id (rows kept in *keep for the blobs) and reaches its grant with perm. */
static enum status report_reach(const struct auth_ctx *ctx, int64_t id, const char *perm, bool write,
                                const char *detail, struct report *p, struct store_rows **keep, struct fund__grant *g)
{
    *keep = NULL;
    enum status st = auth_decide(ctx, perm, NULL, AUTH_FG_NONE, write);
    if (st == STATUS_DENIED) {
        return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
    }
    struct sql_value k[] = {SQLV_I64(id)};
    st = store_exec_one(ctx->store, STMT_FUND_REPORT_GET, k, 1, keep);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such report");
    }
    if (st != STATUS_OK) {
        return st;
    }
    report_row(*keep, p);
    st = fund__grant_reach(ctx, p->grant_id, perm, write, detail, g);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such report");
    }
    return st;
}

/* ---- content ---------------------------------------------------------------------------------- */

static enum status count_member(const json_t *e, const char *field, int64_t *n)
{
    json_t *c = json_object_get(e, "count");
    if (!json_is_integer(c) || json_integer_value(c) < 0 || json_integer_value(c) > 100000000) {
        return err_set_field(STATUS_INVALID, field, "%s: each count a whole number from 0", field);
    }
    *n = json_integer_value(c);
    return STATUS_OK;
}

static enum status beneficiaries_store(const struct auth_ctx *ctx, int64_t id, const json_t *arr)
{
    if (!json_is_array(arr) || json_array_size(arr) > FUND_REPORT_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: a list of {sex, age, form, count}");
    }
    struct sql_value k[] = {SQLV_I64(id)};
    enum status st = store_exec(ctx->store, STMT_FUND_REPORT_BEN_DELETE, k, 1, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (st != STATUS_OK) {
            break;
        }
        const char *sex = json_string_value(json_object_get(e, "sex"));
        const char *age = json_string_value(json_object_get(e, "age"));
        const char *form_in = json_string_value(json_object_get(e, "form")), *form = NULL;
        int64_t n = 0;
        if (!in_list(sex, sexes)) {
            return err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: sex female, male, other or unknown");
        }
        if (!in_list(age, ages)) {
            return err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: age adult or child");
        }
        if (form_in == NULL || vocab_parse("exploitation_type", form_in, &form) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, "beneficiaries",
                                 "beneficiaries: form a type of exploitation of the registry (ForcedLabour, "
                                 "SexualExploitation, ...)");
        }
        st = count_member(e, "beneficiaries", &n);
        if (st == STATUS_OK && n > 0) {
            struct sql_value a[] = {SQLV_I64(id), sqlv_text(sex), sqlv_text(age), sqlv_text(form), SQLV_I64(n)};
            st = store_exec(ctx->store, STMT_FUND_REPORT_BEN_INSERT, a, 5, NULL);
            if (st == STATUS_CONFLICT) {
                st = err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: %s %s %s given twice", sex, age,
                                   form);
            }
        }
    }
    return st;
}

static enum status services_store(const struct auth_ctx *ctx, int64_t id, const json_t *arr)
{
    if (!json_is_array(arr) || json_array_size(arr) > FUND_REPORT_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "services", "services: a list of {service, count}");
    }
    struct sql_value k[] = {SQLV_I64(id)};
    enum status st = store_exec(ctx->store, STMT_FUND_REPORT_SVC_DELETE, k, 1, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (st != STATUS_OK) {
            break;
        }
        const char *in = json_string_value(json_object_get(e, "service")), *code = NULL;
        int64_t n = 0;
        if (in == NULL || vocab_parse("service_type", in, &code) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, "services",
                                 "services: a service type (shelter, medical, psychological, legal_aid, ...)");
        }
        st = count_member(e, "services", &n);
        if (st == STATUS_OK && n > 0) {
            struct sql_value a[] = {SQLV_I64(id), sqlv_text(code), SQLV_I64(n)};
            st = store_exec(ctx->store, STMT_FUND_REPORT_SVC_INSERT, a, 3, NULL);
            if (st == STATUS_CONFLICT) {
                st = err_set_field(STATUS_INVALID, "services", "services: %s given twice", code);
            }
        }
    }
    return st;
}

/* The default tranche of a new report: the grant's latest released or paid one. */
static enum status tranche_pick(const struct auth_ctx *ctx, const struct fund__grant *g, int64_t want,
                                struct fund__tranche *out)
{
    struct fund__tranche *all = NULL;
    size_t n = 0;
    enum status st = fund__tranches(ctx, g->id, &all, &n);
    if (st != STATUS_OK) {
        return st;
    }
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        bool usable = strcmp(all[i].status, "released") == 0 || strcmp(all[i].status, "paid") == 0;
        if ((want != 0 && all[i].id == want) || (want == 0 && usable)) {
            *out = all[i];
            found = usable;
            if (want != 0) {
                break;
            }
        }
    }
    free(all);
    if (!found) {
        return err_set_field(STATUS_INVALID, "tranche_id", "tranche_id: a released tranche of grant %s", g->number);
    }
    return STATUS_OK;
}

enum status fund_report_save(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, int64_t *id_out)
{
    const char *perm = "fund.apply";
    enum status st = auth_decide(ctx, perm, NULL, AUTH_FG_NONE, true);
    if (st == STATUS_DENIED) {
        return auth_check(ctx, perm, NULL, AUTH_FG_NONE, true, "save report");
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is required");
    }
    struct report cur;
    struct store_rows *keep = NULL;
    struct fund__grant g;
    memset(&cur, 0, sizeof cur);
    memset(&g, 0, sizeof g);
    int64_t grant_id = 0, tranche_id = 0;
    const char *from_in = NULL, *to_in = NULL, *country_in = NULL, *narrative = NULL;
    st = fund__id(in, "grant_id", &grant_id);
    if (st == STATUS_OK) {
        st = fund__id(in, "tranche_id", &tranche_id);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "period_from", 10, &from_in);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "period_to", 10, &to_in);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "country", 64, &country_in);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "narrative", FUND_NARRATIVE_BYTES_MAX, &narrative);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (id != 0) {
        st = report_reach(ctx, id, perm, true, "save report", &cur, &keep, &g);
        if (st == STATUS_OK && grant_id != 0 && grant_id != cur.grant_id) {
            st = err_set_field(STATUS_INVALID, "grant_id", "grant_id: cannot change");
        }
        if (st == STATUS_OK && strcmp(cur.status, "draft") != 0 && strcmp(cur.status, "returned") != 0) {
            st = err_set(STATUS_CONFLICT, "the report is %s: only a draft or a returned report changes", cur.status);
        }
        if (st == STATUS_OK && version != 0 && version != cur.version) {
            st = err_set(STATUS_CONFLICT, "the report changed meanwhile (version %lld)", (long long)cur.version);
        }
    } else {
        if (grant_id == 0) {
            st = err_set_field(STATUS_INVALID, "grant_id", "grant_id: required");
        }
        if (st == STATUS_OK) {
            st = fund__grant_reach(ctx, grant_id, perm, true, "draft report", &g);
            if (st == STATUS_NOT_FOUND) {
                st = err_set_field(STATUS_INVALID, "grant_id", "grant_id: no such grant");
            }
        }
    }
    if (st == STATUS_OK && strcmp(g.status, "active") != 0) {
        st = err_set(STATUS_CONFLICT, "grant %s is %s", g.number, g.status);
    }
    char from[11], to[11];
    const char *country = NULL;
    struct fund__tranche t;
    memset(&t, 0, sizeof t);
    if (st == STATUS_OK) {
        st = tranche_pick(ctx, &g, tranche_id ? tranche_id : (id ? cur.tranche_id : 0), &t);
    }
    if (st == STATUS_OK) {
        st = fund__date("period_from", from_in ? from_in : (id ? cur.from : NULL), from);
    }
    if (st == STATUS_OK) {
        st = fund__date("period_to", to_in ? to_in : (id ? cur.to : NULL), to);
    }
    if (st == STATUS_OK && strcmp(from, to) > 0) {
        st = err_set_field(STATUS_INVALID, "period_to", "period_to: not before period_from");
    }
    if (st == STATUS_OK && (strcmp(from, g.start_date) < 0 || strcmp(to, g.end_date) > 0)) {
        st = err_set_field(STATUS_INVALID, "period_from", "period_from: the period lies within the grant (%s to %s)",
                           g.start_date, g.end_date);
    }
    if (st == STATUS_OK) {
        const char *c = country_in ? country_in : (id ? cur.country : g.country);
        if (vocab_parse("country", c, &country) != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 alpha-3 code");
        }
    }
    int64_t rid = id ? id : vault_random_id(), now = util_now_ms();
    uint8_t *buf = NULL;
    struct sql_value nv = SQLV_NULL;
    bool narrative_kept = id != 0 && narrative == NULL;
    if (st == STATUS_OK && !narrative_kept) {
        st = vault_seal_text(ctx->vault, "fund_reports", "narrative_enc", rid, narrative, &buf, &nv);
    } else if (st == STATUS_OK) {
        nv = cur.narrative_len ? SQLV_BLOB(cur.narrative, cur.narrative_len) : SQLV_NULL;
    }
    if (st == STATUS_OK && id == 0) {
        struct sql_value a[] = {SQLV_I64(rid),
                                SQLV_I64(g.id),
                                SQLV_I64(t.id),
                                sqlv_text(from),
                                sqlv_text(to),
                                sqlv_text(country),
                                nv,
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_FUND_REPORT_INSERT, a, ARRAY_LEN(a), NULL);
    } else if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(rid),
                                SQLV_I64(cur.version),
                                SQLV_I64(t.id),
                                sqlv_text(from),
                                sqlv_text(to),
                                sqlv_text(country),
                                nv,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_FUND_REPORT_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the report changed meanwhile");
        }
    }
    free(buf);
    store_rows_free(keep);
    json_t *ben = json_object_get(in, "beneficiaries"), *svc = json_object_get(in, "services");
    if (st == STATUS_OK && ben != NULL && !json_is_null(ben)) {
        st = beneficiaries_store(ctx, rid, ben);
    }
    if (st == STATUS_OK && svc != NULL && !json_is_null(svc)) {
        st = services_store(ctx, rid, svc);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = rid;
    }
    return st;
}

enum status fund_report_submit(const struct auth_ctx *ctx, int64_t id, int64_t version)
{
    struct report p;
    struct store_rows *keep = NULL;
    struct fund__grant g;
    enum status st = report_reach(ctx, id, "fund.apply", true, "submit report", &p, &keep, &g);
    store_rows_free(keep);
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(p.status, "draft") != 0 && strcmp(p.status, "returned") != 0) {
        return err_set(STATUS_CONFLICT, "the report is %s already", p.status);
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(version), SQLV_I64(ctx->who->user_id), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_FUND_REPORT_SUBMIT, a, 4, NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        st = err_set(STATUS_CONFLICT, "the report changed meanwhile");
    }
    if (st == STATUS_OK) {
        char key[TASK_KEY_BYTES];
        snprintf(key, sizeof key, "fund_report_due:%lld", (long long)p.tranche_id);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    return st;
}

enum status fund_report_decide(const struct auth_ctx *ctx, int64_t id, const json_t *in)
{
    const char *decision = NULL, *reason = NULL;
    enum status st = auth_decide(ctx, "fund.write", NULL, AUTH_FG_NONE, true);
    if (st == STATUS_DENIED) {
        return auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "decide report");
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is required");
    }
    st = util_json_str(in, "decision", 16, &decision);
    if (st == STATUS_OK) {
        st = util_json_str(in, "reason", FUND_REASON_BYTES_MAX, &reason);
    }
    if (st == STATUS_OK && (decision == NULL || (strcmp(decision, "accept") != 0 && strcmp(decision, "return") != 0))) {
        st = err_set_field(STATUS_INVALID, "decision", "decision: accept or return");
    }
    if (st == STATUS_OK && strcmp(decision, "return") == 0 && (reason == NULL || reason[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "reason", "reason: required to return a report");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct report p;
    struct store_rows *keep = NULL;
    struct fund__grant g;
    st = report_reach(ctx, id, "fund.write", true, decision, &p, &keep, &g);
    store_rows_free(keep);
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(p.status, "submitted") != 0) {
        return err_set(STATUS_CONFLICT, "the report is %s, not submitted", p.status);
    }
    bool accept = strcmp(decision, "accept") == 0;
    uint8_t *buf = NULL;
    struct sql_value rv = SQLV_NULL;
    st = vault_seal_text(ctx->vault, "fund_reports", "reason_enc", id, reason, &buf, &rv);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), sqlv_text(accept ? "accepted" : "returned"), rv,
                                SQLV_I64(ctx->who->user_id), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_REPORT_DECIDE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the report was decided meanwhile");
        }
    }
    free(buf);
    /* Accepting the report on tranche N releases tranche N+1. */
    if (st == STATUS_OK && accept && strcmp(g.status, "active") == 0) {
        struct fund__tranche *all = NULL;
        size_t n = 0;
        st = fund__tranches(ctx, g.id, &all, &n);
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            if (all[i].seq == p.seq + 1 && strcmp(all[i].status, "scheduled") == 0) {
                char today[11];
                util_today(today);
                st = fund__tranche_release(ctx, &g, &all[i], today);
            }
        }
        free(all);
    }
    return st;
}

static enum status pairs_json(const struct auth_ctx *ctx, enum stmt stmt, int64_t id, bool ben, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, stmt, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (ben) {
            json_array_append_new(arr,
                                  json_pack("{sssssssI}", "sex", store_rows_text(r, 0), "age", store_rows_text(r, 1),
                                            "form", store_rows_text(r, 2), "count", (json_int_t)store_rows_i64(r, 3)));
        } else {
            json_array_append_new(
                arr, json_pack("{sssI}", "service", store_rows_text(r, 0), "count", (json_int_t)store_rows_i64(r, 1)));
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

enum status fund_report_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    struct report p;
    struct store_rows *keep = NULL;
    struct fund__grant g;
    enum status st = report_reach(ctx, id, fund__read_perm(ctx), false, "read report", &p, &keep, &g);
    json_t *narrative = NULL, *reason = NULL, *ben = NULL, *svc = NULL;
    if (st == STATUS_OK) {
        st = vault_unseal_json(ctx->vault, "fund_reports", "narrative_enc", id, p.narrative, p.narrative_len,
                               &narrative);
    }
    if (st == STATUS_OK) {
        st = vault_unseal_json(ctx->vault, "fund_reports", "reason_enc", id, p.reason, p.reason_len, &reason);
    }
    if (st == STATUS_OK) {
        st = pairs_json(ctx, STMT_FUND_REPORT_BEN_LIST, id, true, &ben);
    }
    if (st == STATUS_OK) {
        st = pairs_json(ctx, STMT_FUND_REPORT_SVC_LIST, id, false, &svc);
    }
    if (st == STATUS_OK) {
        json_t *j = report_json(&p);
        int64_t total = 0;
        size_t i;
        json_t *e;
        json_array_foreach(ben, i, e)
        {
            total += json_integer_value(json_object_get(e, "count"));
        }
        json_object_set_new(j, "narrative", narrative);
        json_object_set_new(j, "reason", reason);
        json_object_set_new(j, "beneficiaries", ben);
        json_object_set_new(j, "services", svc);
        json_object_set_new(j, "victims", json_integer(total));
        *out = j;
    } else {
        json_decref(narrative);
        json_decref(reason);
        json_decref(ben);
        json_decref(svc);
    }
    store_rows_free(keep);
    return st;
}

enum status fund_report_list(const struct auth_ctx *ctx, int64_t grant_id, const char *status, json_t **out)
{
    *out = NULL;
    const char *perm = fund__read_perm(ctx);
    enum status st = auth_check(ctx, perm, NULL, AUTH_FG_NONE, false, "list reports");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(grant_id), sqlv_text(status ? status : ""),
                            SQLV_I64(fund__agency_filter(ctx, perm))};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_FUND_REPORT_LIST, k, 3, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct report p;
        report_row(r, &p);
        json_array_append_new(arr, report_json(&p));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

/* ---- results ---------------------------------------------------------------------------------- */

static const char *const dims[] = {"country", "year", "sex", "age", "form"};
#define DIMS 5

struct cell {
    char key[DIMS][40];
    int64_t victims;
};

static int cell_cmp(const void *a, const void *b)
{
    const struct cell *x = a, *y = b;
    for (int i = 0; i < DIMS; i++) {
        int c = strcmp(x->key[i], y->key[i]);
        if (c != 0) {
            return c;
        }
    }
    return 0;
}

enum status fund_results(const struct auth_ctx *ctx, const char *by, json_t **out)
{
    *out = NULL;
    bool want[DIMS] = {false};
    const char *spec = by != NULL && by[0] ? by : "country,year";
    const char *perm = fund__read_perm(ctx);
    enum status st = auth_check(ctx, perm, NULL, AUTH_FG_NONE, false, "results");
    if (st != STATUS_OK) {
        return st;
    }
    for (const char *p = spec; *p != '\0';) {
        size_t len = strcspn(p, ",");
        bool ok = false;
        for (int i = 0; i < DIMS; i++) {
            if (strlen(dims[i]) == len && strncmp(p, dims[i], len) == 0) {
                want[i] = ok = true;
            }
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, "by", "by: among country, year, sex, age, form (comma-separated)");
        }
        p += len + (p[len] == ',');
    }
    struct sql_value k[] = {SQLV_I64(fund__agency_filter(ctx, perm))};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_FUND_RESULTS_ROWS, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 64;
    struct cell *cells = xcalloc(cap, sizeof *cells);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct cell c;
        memset(&c, 0, sizeof c);
        for (int i = 0; i < DIMS; i++) {
            if (want[i]) {
                snprintf(c.key[i], sizeof c.key[i], "%s", store_rows_text(r, (size_t)i));
            }
        }
        int64_t v = store_rows_i64(r, 5);
        size_t j = 0;
        while (j < n && cell_cmp(&cells[j], &c) != 0) {
            j++;
        }
        if (j == n) {
            if (n == cap) {
                cap *= 2;
                cells = xrealloc(cells, cap * sizeof *cells);
            }
            cells[n++] = c;
        }
        cells[j].victims += v;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(cells);
        return st;
    }
    qsort(cells, n, sizeof *cells, cell_cmp);
    json_t *arr = json_array();
    for (size_t j = 0; j < n; j++) {
        json_t *o = json_object();
        for (int i = 0; i < DIMS; i++) {
            if (want[i]) {
                json_object_set_new(o, dims[i],
                                    i == 1 ? json_integer(atoi(cells[j].key[i])) : json_string(cells[j].key[i]));
            }
        }
        json_object_set_new(o, "victims", json_integer(cells[j].victims));
        json_array_append_new(arr, o);
    }
    free(cells);
    *out = arr;
    return STATUS_OK;
}
