/* protect: retention periods, purges (by retention and on request) and the subject-access
 * export. A purge removes personal data and keeps the non-personal statistical record of the
 * case (codes, numbers, dates, status, history of non-personal values), so statistics stay
 * right; it leaves a purge_log row and an audit entry per record type and case, naming ids and
 * kinds of data only. */
#include "cases/protect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cases/cases_int.h"
#include "cases/consent.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* Built-in record types (hooks in protect_hooks.c). */

enum status protect__purge_case_personal(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    enum status st = store_exec(ctx->store, STMT_PURGE_SECURE_DELETE, NULL, 0, NULL);
    int64_t now = util_now_ms();
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(now)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_PURGE_CASE_PERSONAL, a, 2, &r);
    }
    int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_NAME_INDEX_CLEAR, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_NAME_KEY_CLEAR, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PURGE_CONSENT_NOTES, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        json_t *c = json_pack("{s{ss}}", "purged", "to", "case-personal");
        st = case__version_write(ctx, case_id, version, "purge", c);
        json_decref(c);
    }
    if (st == STATUS_OK) {
        *items_out = 1;
    }
    return st;
}

enum status protect__purge_events(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_PURGE_SECURE_DELETE, NULL, 0, NULL);
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PURGE_EVENTS, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        *items_out = store_changes(ctx->store);
    }
    return st;
}

enum status protect__purge_comments(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    struct sql_value a[] = {SQLV_I64(case_id)};
    enum status st = store_exec(ctx->store, STMT_PURGE_SECURE_DELETE, NULL, 0, NULL);
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PURGE_COMMENTS, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        *items_out = store_changes(ctx->store);
    }
    return st;
}

/* Retention periods. */

static const struct protect_hook *hook_find(const char *record_type)
{
    for (size_t i = 0; record_type != NULL && i < protect_hooks_count; i++) {
        if (strcmp(protect_hooks[i].record_type, record_type) == 0) {
            return &protect_hooks[i];
        }
    }
    return NULL;
}

/* "5y" -> 5, 'y'. */
static bool period_parse(const char *period, int64_t *n_out, char *unit_out)
{
    if (period == NULL) {
        return false;
    }
    size_t len = strlen(period);
    if (len < 2 || len > 6) {
        return false;
    }
    char unit = period[len - 1];
    int64_t n = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (period[i] < '0' || period[i] > '9') {
            return false;
        }
        n = n * 10 + (period[i] - '0');
    }
    int64_t max = unit == 'd' ? 36525 : unit == 'm' ? 1200 : unit == 'y' ? 100 : 0;
    if (n < 1 || n > max) {
        return false;
    }
    *n_out = n;
    *unit_out = unit;
    return true;
}

enum status retention_period_check(const char *period)
{
    int64_t n;
    char u;
    if (period != NULL && strcmp(period, "never") == 0) {
        return STATUS_OK;
    }
    return period_parse(period, &n, &u)
               ? STATUS_OK
               : err_set_field(STATUS_INVALID, "period",
                               "period: a number and d, m or y (days, months, years; at most 100 years), "
                               "e.g. 5y, or never");
}

int64_t retention_cutoff(const char *period, int64_t now_ms)
{
    int64_t n = 0;
    char unit = 0;
    if (!period_parse(period, &n, &unit)) {
        return 0;
    }
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (unit == 'y') {
        tm.tm_year -= (int)n;
    } else if (unit == 'm') {
        tm.tm_mon -= (int)n;
    } else {
        tm.tm_mday -= (int)n;
    }
    return (int64_t)timegm(&tm) * 1000 + now_ms % 1000;
}

static enum status settings_read(const struct auth_ctx *ctx, struct retention_setting *out)
{
    for (size_t i = 0; i < protect_hooks_count; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].record_type = protect_hooks[i].record_type;
        out[i].description = protect_hooks[i].description;
    }
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_RETENTION_LIST, NULL, 0, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        for (size_t i = 0; i < protect_hooks_count; i++) {
            if (strcmp(out[i].record_type, store_rows_text(r, 0)) == 0) {
                snprintf(out[i].period, sizeof out[i].period, "%s", store_rows_text(r, 1));
                out[i].updated_at_ms = store_rows_i64(r, 2);
                snprintf(out[i].actor, sizeof out[i].actor, "%s", store_rows_text(r, 3));
            }
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status retention_list(const struct auth_ctx *ctx, struct retention_setting **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "case.purge", NULL, AUTH_FG_NONE, false, "retention show");
    if (st != STATUS_OK) {
        return st;
    }
    struct retention_setting *s = xcalloc(protect_hooks_count, sizeof *s);
    st = settings_read(ctx, s);
    if (st != STATUS_OK) {
        free(s);
        return st;
    }
    *out = s;
    *count_out = protect_hooks_count;
    return STATUS_OK;
}

enum status retention_set(const struct auth_ctx *ctx, const char *record_type, const char *period)
{
    if (hook_find(record_type) == NULL) {
        return err_set_field(STATUS_INVALID, "record_type", "record_type: unknown (see ctis retention show)");
    }
    enum status st = retention_period_check(period);
    if (st != STATUS_OK) {
        return st;
    }
    char detail[96];
    snprintf(detail, sizeof detail, "retention set %s %s", record_type, period);
    st = auth_check(ctx, "case.purge", NULL, AUTH_FG_NONE, true, detail);
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(period, "never") == 0) {
        struct sql_value a[] = {sqlv_text(record_type)};
        return store_exec(ctx->store, STMT_RETENTION_DELETE, a, 1, NULL);
    }
    struct sql_value a[] = {sqlv_text(record_type), sqlv_text(period), SQLV_I64(util_now_ms()),
                            sqlv_text(ctx->who->username)};
    return store_exec(ctx->store, STMT_RETENTION_SET, a, ARRAY_LEN(a), NULL);
}

/* Purges. */

void purge_report_clear(struct purge_report *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

static void report_add(struct purge_report *r, int64_t case_id, const char *record_type, int64_t items)
{
    if ((r->count & (r->count + 1)) == 0) { /* 0, 1, 3, 7, ...: grow */
        r->items = xrealloc(r->items, (r->count * 2 + 2) * sizeof *r->items);
    }
    bool seen = false;
    for (size_t i = 0; i < r->count && !seen; i++) {
        seen = r->items[i].case_id == case_id;
    }
    r->cases += seen ? 0 : 1;
    r->items[r->count++] = (struct purge_item){case_id, record_type, items};
}

json_t *purge_report_json(const struct purge_report *r, bool dry_run)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->count; i++) {
        json_array_append_new(arr, json_pack("{sIsssI}", "case_id", (json_int_t)r->items[i].case_id, "record_type",
                                             r->items[i].record_type, "items", (json_int_t)r->items[i].items));
    }
    return json_pack("{sbsIso}", "dry_run", dry_run, "cases", (json_int_t)r->cases, "purged", arr);
}

/* Purges one record type of one case (already reached and audited) and logs it. */
static enum status purge_one(const struct auth_ctx *ctx, const struct protect_hook *h, int64_t case_id,
                             const char *reason, struct purge_report *out)
{
    int64_t items = 0;
    enum status st = h->purge(ctx, case_id, &items);
    if (st != STATUS_OK) {
        return st;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "%s removed", h->description);
    struct sql_value a[] = {SQLV_I64(vault_random_id()),
                            SQLV_I64(util_now_ms()),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            sqlv_text(ctx->who->username),
                            SQLV_I64(case_id),
                            sqlv_text(h->record_type),
                            sqlv_text(reason),
                            SQLV_I64(items),
                            sqlv_text(detail)};
    st = store_exec(ctx->store, STMT_PURGE_LOG_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        report_add(out, case_id, h->record_type, items);
    }
    return st;
}

#define PURGE_PAGE 200

enum status protect_purge_due(const struct auth_ctx *ctx, bool dry_run, struct purge_report *out)
{
    memset(out, 0, sizeof *out);
    enum status st =
        auth_check(ctx, "case.purge", NULL, AUTH_FG_NONE, !dry_run, dry_run ? "retention dry run" : "retention run");
    if (st != STATUS_OK) {
        return st;
    }
    struct retention_setting *set = xcalloc(protect_hooks_count, sizeof *set);
    st = settings_read(ctx, set);
    int64_t agency = 0, owner = 0, now = util_now_ms();
    auth_scope_filter(ctx->who, &agency, &owner);
    for (size_t h = 0; st == STATUS_OK && h < protect_hooks_count; h++) {
        if (set[h].period[0] == '\0') {
            continue;
        }
        int64_t cutoff = retention_cutoff(set[h].period, now), after = 0;
        for (;;) {
            /* A page of ids first: the purges change the rows the query reads. */
            int64_t ids[PURGE_PAGE];
            size_t n = 0;
            struct sql_value a[] = {SQLV_I64(cutoff), sqlv_text(protect_hooks[h].record_type), SQLV_I64(agency),
                                    SQLV_I64(after), SQLV_I64(PURGE_PAGE)};
            struct store_rows *r = NULL;
            st = store_exec(ctx->store, STMT_PURGE_DUE, a, ARRAY_LEN(a), &r);
            while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
                ids[n++] = store_rows_i64(r, 0);
            }
            store_rows_free(r);
            if (st != STATUS_DONE) {
                break;
            }
            st = STATUS_OK;
            for (size_t i = 0; st == STATUS_OK && i < n; i++) {
                struct auth_record rec;
                char status[24];
                st = case__peek(ctx, ids[i], &rec, status);
                if (st != STATUS_OK) {
                    break;
                }
                if (auth_decide(ctx, "case.purge", &rec, AUTH_FG_NONE, true) != STATUS_OK) {
                    continue; /* out of the principal's reach: the operator's run covers it */
                }
                if (dry_run) {
                    report_add(out, ids[i], protect_hooks[h].record_type, 0);
                    continue;
                }
                char detail[96];
                snprintf(detail, sizeof detail, "retention purge %s", protect_hooks[h].record_type);
                st = auth_check(ctx, "case.purge", &rec, AUTH_FG_NONE, true, detail);
                if (st == STATUS_OK) {
                    st = purge_one(ctx, &protect_hooks[h], ids[i], "retention", out);
                }
            }
            if (st != STATUS_OK || n < PURGE_PAGE) {
                break;
            }
            after = ids[n - 1];
        }
    }
    free(set);
    if (st != STATUS_OK) {
        purge_report_clear(out);
    }
    return st;
}

enum status protect_purge_case(const struct auth_ctx *ctx, int64_t case_id, struct purge_report *out)
{
    memset(out, 0, sizeof *out);
    struct auth_record rec;
    char status[24] = "";
    enum status st = case__reach(ctx, case_id, "case.purge", true, "purge on request", &rec, NULL);
    if (st == STATUS_OK) {
        st = case__peek(ctx, case_id, &rec, status);
    }
    if (st == STATUS_OK && strcmp(status, "Closed") != 0 && strcmp(status, "ClosedReferred") != 0) {
        st = err_set(STATUS_CONFLICT, "the case is %s: close the case first, then purge it", status);
    }
    for (size_t h = 0; st == STATUS_OK && h < protect_hooks_count; h++) {
        char detail[96];
        snprintf(detail, sizeof detail, "request purge %s", protect_hooks[h].record_type);
        st = auth_check(ctx, "case.purge", &rec, AUTH_FG_NONE, true, detail);
        if (st == STATUS_OK) {
            st = purge_one(ctx, &protect_hooks[h], case_id, "request", out);
        }
    }
    /* The cases merged into this one hold data about the same person (they are closed). */
    int64_t *merged = NULL;
    size_t nmerged = 0;
    if (st == STATUS_OK) {
        st = case__merged_from(ctx, case_id, &merged, &nmerged);
    }
    for (size_t i = 0; st == STATUS_OK && i < nmerged; i++) {
        struct purge_report sub;
        st = protect_purge_case(ctx, merged[i], &sub);
        for (size_t k = 0; st == STATUS_OK && k < sub.count; k++) {
            report_add(out, sub.items[k].case_id, sub.items[k].record_type, sub.items[k].items);
        }
        purge_report_clear(&sub);
    }
    free(merged);
    if (st != STATUS_OK) {
        purge_report_clear(out);
    }
    return st;
}

/* The subject-access export. */

static json_t *time_json(int64_t ms)
{
    if (ms == 0) {
        return json_null();
    }
    char t[32];
    util_time_iso(t, ms);
    return json_string(t);
}

static enum status sar_history(const struct auth_ctx *ctx, int64_t id, json_t *o)
{
    struct case_change *h = NULL;
    size_t n = 0;
    enum status st = case_history(ctx, id, &h, &n);
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(arr, json_pack("{sIsosssssO}", "version", (json_int_t)h[i].version, "at",
                                                 time_json(h[i].at_ms), "actor", h[i].actor, "action", h[i].action,
                                                 "changes", h[i].changes));
        }
        json_object_set_new(o, "history", arr);
    }
    case_history_free(h, n);
    return st;
}

static enum status sar_events_comments(const struct auth_ctx *ctx, int64_t id, json_t *o)
{
    struct case_event *ev = NULL;
    size_t n = 0;
    enum status st = case_events(ctx, id, &ev, &n);
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *x = json_pack("{sIssssss}", "id", (json_int_t)ev[i].id, "type", ev[i].type, "country",
                                  ev[i].country, "date", ev[i].date);
            json_object_set_new(x, "place", ev[i].place ? json_string(ev[i].place) : json_null());
            json_object_set_new(x, "description", ev[i].description ? json_string(ev[i].description) : json_null());
            json_array_append_new(arr, x);
        }
        json_object_set_new(o, "events", arr);
    }
    case_events_free(ev, n);
    if (st != STATUS_OK) {
        return st;
    }
    struct case_comment *c = NULL;
    n = 0;
    st = case_comments(ctx, id, &c, &n);
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *x =
                json_pack("{sIsoss}", "id", (json_int_t)c[i].id, "at", time_json(c[i].at_ms), "author", c[i].author);
            json_object_set_new(x, "body", c[i].body ? json_string(c[i].body) : json_null());
            json_array_append_new(arr, x);
        }
        json_object_set_new(o, "comments", arr);
    }
    case_comments_free(c, n);
    return st;
}

/* Who read or changed the case, when: the audit entries naming it (the actor, never the client
 * address). */
static enum status sar_audit(const struct auth_ctx *ctx, int64_t id, json_t *o)
{
    json_t *arr = json_array();
    struct audit_filter f = {.record_type = "case", .record_id = id, .limit = AUDIT_SHOW_ROWS_MAX};
    enum status st = STATUS_OK;
    for (;;) {
        struct audit_entry *e = NULL;
        size_t n = 0;
        st = audit_list(&e, &n, ctx->store, &f);
        if (st != STATUS_OK) {
            break;
        }
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(arr, json_pack("{sIsoss?ss?ss?ss?ss?sI}", "seq", (json_int_t)e[i].seq, "at",
                                                 time_json(e[i].at_ms), "actor", e[i].actor, "action", e[i].action,
                                                 "field_group", e[i].field_group, "outcome", e[i].outcome, "detail",
                                                 e[i].detail, "actor_user_id", (json_int_t)e[i].actor_user_id));
        }
        f.after_seq = n > 0 ? e[n - 1].seq : f.after_seq;
        audit_entries_free(e, n);
        if (n < (size_t)f.limit) {
            break;
        }
    }
    if (st == STATUS_OK) {
        json_object_set_new(o, "audit", arr);
    } else {
        json_decref(arr);
    }
    return st;
}

static enum status sar_purges(const struct auth_ctx *ctx, int64_t id, json_t *o)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_PURGE_LOG_BY_CASE, a, 1, &r);
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_array_append_new(arr, json_pack("{sosssssssIss}", "at", time_json(store_rows_i64(r, 0)), "actor",
                                             store_rows_text(r, 1), "record_type", store_rows_text(r, 2), "reason",
                                             store_rows_text(r, 3), "items", (json_int_t)store_rows_i64(r, 4), "detail",
                                             store_rows_text(r, 5)));
    }
    store_rows_free(r);
    json_object_set_new(o, "purges", arr);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status protect_sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct auth_record rec;
    enum status st = case__reach(ctx, case_id, "case.sar", false, "subject access export", &rec, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *o = json_object();
    struct case_record *c = NULL;
    st = case_get(ctx, case_id, &c);
    if (st == STATUS_OK) {
        json_object_set_new(o, "case", case_record_to_json(c));
    }
    case_record_free(c);
    if (st == STATUS_OK) {
        struct consent_list cl;
        st = consent_get(ctx, case_id, &cl);
        if (st == STATUS_OK) {
            json_object_set_new(o, "consent", consent_list_json(&cl, "en", true));
            consent_list_clear(&cl);
        }
    }
    if (st == STATUS_OK) {
        st = sar_history(ctx, case_id, o);
    }
    if (st == STATUS_OK) {
        st = sar_events_comments(ctx, case_id, o);
    }
    if (st == STATUS_OK) {
        st = sar_purges(ctx, case_id, o);
    }
    if (st == STATUS_OK) {
        json_t *sections = json_object();
        for (size_t h = 0; st == STATUS_OK && h < protect_hooks_count; h++) {
            json_t *x = NULL;
            if (protect_hooks[h].sar != NULL) {
                st = protect_hooks[h].sar(ctx, case_id, &x);
            }
            if (st == STATUS_OK && json_is_object(x)) {
                json_object_update(sections, x);
            }
            json_decref(x);
        }
        json_object_set_new(o, "sections", sections);
    }
    /* The cases merged into this one: the same person. */
    int64_t *merged = NULL;
    size_t nmerged = 0;
    if (st == STATUS_OK) {
        st = case__merged_from(ctx, case_id, &merged, &nmerged);
    }
    if (st == STATUS_OK && nmerged > 0) {
        json_t *arr = json_array();
        for (size_t i = 0; st == STATUS_OK && i < nmerged; i++) {
            json_t *sub = NULL;
            st = protect_sar(ctx, merged[i], &sub);
            if (st == STATUS_OK) {
                json_array_append_new(arr, sub);
            }
        }
        json_object_set_new(o, "merged_cases", arr);
    }
    free(merged);
    /* Last, so that the reads of this export are in it. */
    if (st == STATUS_OK) {
        st = sar_audit(ctx, case_id, o);
    }
    if (st == STATUS_OK) {
        json_object_set_new(o, "generated_at", time_json(util_now_ms()));
        json_object_set_new(o, "generated_by", json_string(ctx->who->username));
        *out = o;
    } else {
        json_decref(o);
    }
    return st;
}
