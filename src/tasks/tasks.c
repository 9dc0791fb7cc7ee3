/* tasks: automatic raising and resolving (the core other modules call), and the task records. */
#include "tasks/tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *task_status_name(enum task_status s)
{
    switch (s) {
    case TASK_OPEN: return "open";
    case TASK_DONE: return "done";
    case TASK_CANCELLED: return "cancelled";
    }
    return "open";
}

static struct sql_value opt_i64(int64_t v)
{
    return v ? SQLV_I64(v) : SQLV_NULL;
}

enum status task_raise(const struct auth_ctx *ctx, const struct task_raise *in, int64_t *id_out)
{
    ASSERT(in->kind != NULL && in->key != NULL);
    if (strlen(in->kind) >= TASK_KIND_BYTES || strlen(in->key) >= TASK_KEY_BYTES) {
        return err_set(STATUS_INVALID, "task kind or key too long");
    }
    if (in->agency_id == 0) {
        return err_set(STATUS_INVALID, "a task needs the agency whose work it is");
    }
    int64_t now = util_now_ms();
    struct sql_value k[] = {sqlv_text(in->key)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_TASK_OPEN_BY_KEY, k, 1, &r);
    if (st == STATUS_OK) {
        int64_t id = store_rows_i64(r, 0);
        store_rows_free(r);
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(in->due_at_ms), opt_i64(in->owner_id), SQLV_I64(in->agency_id),
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_TASK_AUTO_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && id_out != NULL) {
            *id_out = id;
        }
        return st;
    }
    if (st != STATUS_NOT_FOUND) {
        return st;
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {SQLV_I64(id),
                            sqlv_text(in->kind),
                            sqlv_text(in->key),
                            opt_i64(in->case_id),
                            sqlv_text(in->record_type ? in->record_type : ""),
                            SQLV_I64(in->record_id),
                            SQLV_I64(in->agency_id),
                            opt_i64(in->owner_id),
                            SQLV_I64(in->due_at_ms),
                            SQLV_I64(now),
                            opt_i64(ctx->who->user_id)};
    st = store_exec(ctx->store, STMT_TASK_INSERT_AUTO, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status task_resolve(const struct auth_ctx *ctx, const char *key, enum task_status outcome)
{
    ASSERT(outcome != TASK_OPEN);
    struct sql_value a[] = {sqlv_text(key), sqlv_text(task_status_name(outcome)), SQLV_I64(util_now_ms()),
                            opt_i64(ctx->who->user_id)};
    return store_exec(ctx->store, STMT_TASK_RESOLVE_KEY, a, ARRAY_LEN(a), NULL);
}

void task_free(struct task *t)
{
    if (t == NULL) {
        return;
    }
    free(t->key);
    if (t->title != NULL) {
        vault_wipe(t->title, strlen(t->title));
        free(t->title);
    }
    free(t);
}

void task_list_free(struct task **list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        task_free(list[i]);
    }
    free(list);
}

/* Manual tasks, reading, listing and changes. */

enum status task_status_parse(const char *name, enum task_status *out)
{
    static const enum task_status all[] = {TASK_OPEN, TASK_DONE, TASK_CANCELLED};
    for (size_t i = 0; name != NULL && i < ARRAY_LEN(all); i++) {
        if (strcmp(name, task_status_name(all[i])) == 0) {
            *out = all[i];
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_INVALID, "status", "status: open, done or cancelled");
}

static enum status title_check(const char *title)
{
    if (title == NULL || title[0] == '\0') {
        return err_set_field(STATUS_INVALID, "title", "title: required");
    }
    size_t n = strlen(title);
    if (n > TASK_TITLE_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "title", "title: at most %d bytes", TASK_TITLE_BYTES_MAX);
    }
    if (!util_utf8_valid(title, n)) {
        return err_set_field(STATUS_INVALID, "title", "title: not valid UTF-8 text");
    }
    return STATUS_OK;
}

/* An owner must be an active user of the task's agency (0: the queue). */
static enum status owner_check(const struct auth_ctx *ctx, int64_t owner_id, int64_t agency_id)
{
    if (owner_id == 0) {
        return STATUS_OK;
    }
    int64_t agency = 0;
    bool active = false;
    enum status st = auth_user_membership(ctx->store, owner_id, &agency, &active);
    if (st == STATUS_NOT_FOUND || (st == STATUS_OK && (agency != agency_id || !active))) {
        return err_set_field(STATUS_INVALID, "owner_id", "owner_id: not an active user of the task's agency");
    }
    return st;
}

static enum status seal_title(const struct auth_ctx *ctx, int64_t id, const char *title, uint8_t **buf, size_t *len)
{
    struct vault_ad ad = {"tasks", "title_enc", id};
    return vault_seal(ctx->vault, buf, len, &ad, title, strlen(title));
}

/* Reads a TASK_COLS row; the title is opened when open_title. */
static enum status task_row(const struct auth_ctx *ctx, struct store_rows *r, bool open_title, struct task **out)
{
    struct task *t = xcalloc(1, sizeof *t);
    t->id = store_rows_i64(r, 0);
    snprintf(t->kind, sizeof t->kind, "%s", store_rows_text(r, 1));
    t->key = store_rows_is_null(r, 2) ? NULL : xstrdup(store_rows_text(r, 2));
    t->case_id = store_rows_i64(r, 4);
    snprintf(t->record_type, sizeof t->record_type, "%s", store_rows_text(r, 5));
    t->record_id = store_rows_i64(r, 6);
    t->agency_id = store_rows_i64(r, 7);
    t->owner_id = store_rows_i64(r, 8);
    t->due_at_ms = store_rows_i64(r, 9);
    enum status st = task_status_parse(store_rows_text(r, 10), &t->status);
    t->created_at_ms = store_rows_i64(r, 11);
    t->created_by = store_rows_i64(r, 12);
    t->done_at_ms = store_rows_i64(r, 13);
    t->done_by = store_rows_i64(r, 14);
    t->version = store_rows_i64(r, 15);
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, 3, &len);
    if (st == STATUS_OK && open_title && blob != NULL && len > 0) {
        struct vault_ad ad = {"tasks", "title_enc", t->id};
        st = vault_unseal(ctx->vault, &t->title, &plen, &ad, blob, len);
    }
    if (st != STATUS_OK) {
        task_free(t);
        return st;
    }
    *out = t;
    return STATUS_OK;
}

/* The access record of a task: scope by its agency; a queue task counts as owned by every user
 * of its agency, so that scope-own users reach their agency's queue. */
static struct auth_record task_auth_record(const struct auth_ctx *ctx, const struct task *t)
{
    int64_t owner = t->owner_id;
    if (owner == 0 && t->agency_id == ctx->who->agency_id) {
        owner = ctx->who->user_id;
    }
    return (struct auth_record){"task", t->id, t->agency_id, owner, AUTH_SENSITIVITY_NORMAL};
}

/* Tasks are an agency's work: whatever their scope, users see their own agency's tasks and the
 * ones they own, never another agency's (a fund manager or trustee of scope all holds task.read
 * for the fund's reminders, not for every agency's work). The operator sees all. */
static bool beyond_agency(const struct auth_ctx *ctx, const struct task *t)
{
    return !ctx->who->operator&& t->agency_id != ctx->who->agency_id && t->owner_id != ctx->who->user_id;
}

/* Loads task id and decides access (permission, scope, the case's readability); audited. */
static enum status task_reach(const struct auth_ctx *ctx, int64_t id, bool write, const char *detail, struct task **out)
{
    *out = NULL;
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_TASK_GET, k, 1, &r);
    struct task *t = NULL;
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such task");
    }
    if (st == STATUS_OK) {
        st = task_row(ctx, r, false, &t);
    }
    store_rows_free(r);
    if (st != STATUS_OK) {
        return st;
    }
    const char *perm = write ? "task.write" : "task.read";
    struct auth_record rec = task_auth_record(ctx, t);
    st = auth_check(ctx, perm, &rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_OK && beyond_agency(ctx, t)) {
        st = auth_refuse(ctx, perm, &rec, detail, "a task of another agency");
    }
    if (st == STATUS_DENIED && auth_has(ctx->who, perm)) {
        st = err_set(STATUS_NOT_FOUND, "no such task");
    }
    if (st == STATUS_OK && t->case_id != 0) {
        struct auth_record crec;
        st = case_reach(ctx, t->case_id, "case.read", false, write ? "task change" : "task", &crec, NULL);
        if (st == STATUS_NOT_FOUND || st == STATUS_DENIED) {
            st = err_set(STATUS_NOT_FOUND, "no such task");
        }
    }
    if (st != STATUS_OK) {
        task_free(t);
        return st;
    }
    *out = t;
    return STATUS_OK;
}

/* Reads task id again, title opened (after task_reach). */
static enum status task_load(const struct auth_ctx *ctx, int64_t id, struct task **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_TASK_GET, k, 1, &r);
    if (st == STATUS_OK) {
        st = task_row(ctx, r, true, out);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such task") : st;
}

enum status task_create(const struct auth_ctx *ctx, const struct task_new *in, int64_t *id_out)
{
    enum status st = title_check(in->title);
    if (st == STATUS_OK && in->due_at_ms < 0) {
        st = err_set_field(STATUS_INVALID, "due_at", "due_at: a date");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = ctx->who->operator? in->agency_id : ctx->who->agency_id;
    if (!ctx->who->operator&& in->agency_id != 0 && in->agency_id != ctx->who->agency_id) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: a task is your own agency's work");
    }
    st = auth_check(ctx, "task.write", NULL, AUTH_FG_NONE, true, "create");
    if (st == STATUS_OK && in->case_id != 0) {
        struct auth_record crec;
        st = case_reach(ctx, in->case_id, "case.read", false, "task create", &crec, NULL);
        if (st == STATUS_OK && agency == 0) {
            agency = crec.agency_id;
        }
    }
    if (st == STATUS_OK && agency == 0) {
        st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: required (the agency whose work it is)");
    }
    if (st == STATUS_OK) {
        st = owner_check(ctx, in->owner_id, agency);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    st = seal_title(ctx, id, in->title, &sealed, &sealed_len);
    if (st == STATUS_OK) {
        struct sql_value a[] = {
            SQLV_I64(id),          SQLV_BLOB(sealed, sealed_len), opt_i64(in->case_id),    SQLV_I64(agency),
            opt_i64(in->owner_id), SQLV_I64(in->due_at_ms),       SQLV_I64(util_now_ms()), opt_i64(ctx->who->user_id)};
        st = store_exec(ctx->store, STMT_TASK_INSERT_MANUAL, a, ARRAY_LEN(a), NULL);
    }
    free(sealed);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "task.create", "task", id, "ok", in->case_id ? "manual task on a case" : "manual task");
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status task_get(const struct auth_ctx *ctx, int64_t id, struct task **out)
{
    *out = NULL;
    struct task *t = NULL;
    enum status st = task_reach(ctx, id, false, "read", &t);
    task_free(t);
    return st == STATUS_OK ? task_load(ctx, id, out) : st;
}

/* Case readability of listed tasks, decided once per case. */
struct case_seen {
    int64_t case_id;
    bool ok;
};

static enum status case_visible(const struct auth_ctx *ctx, int64_t case_id, struct case_seen **seen, size_t *n,
                                bool *ok)
{
    for (size_t i = 0; i < *n; i++) {
        if ((*seen)[i].case_id == case_id) {
            *ok = (*seen)[i].ok;
            return STATUS_OK;
        }
    }
    struct auth_record crec;
    enum status st = case_reach(ctx, case_id, "case.read", false, "task list", &crec, NULL);
    *ok = st == STATUS_OK;
    if (st == STATUS_NOT_FOUND || st == STATUS_DENIED) {
        st = STATUS_OK;
    }
    *seen = xrealloc(*seen, (*n + 1) * sizeof **seen);
    (*seen)[(*n)++] = (struct case_seen){case_id, *ok};
    return st;
}

/* The rows of TASK_LIST for the arguments, filtered by access, paged. */
static enum status list_rows(const struct auth_ctx *ctx, const struct sql_value *args, int64_t limit, int64_t offset,
                             struct task ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_TASK_LIST, args, 8, &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct case_seen *seen = NULL;
    size_t nseen = 0, n = 0, cap = 0;
    int64_t skipped = 0;
    struct task **list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct task *t = NULL;
        st = task_row(ctx, r, true, &t);
        if (st != STATUS_OK) {
            break;
        }
        struct auth_record rec = task_auth_record(ctx, t);
        bool ok = !beyond_agency(ctx, t) && auth_decide(ctx, "task.read", &rec, AUTH_FG_NONE, false) == STATUS_OK;
        if (ok && t->case_id != 0) {
            st = case_visible(ctx, t->case_id, &seen, &nseen, &ok);
        }
        if (st != STATUS_OK || !ok || skipped++ < offset || (int64_t)n >= limit) {
            task_free(t);
            if (st != STATUS_OK) {
                break;
            }
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n++] = t;
    }
    store_rows_free(r);
    free(seen);
    if (st != STATUS_DONE) {
        task_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status task_list(const struct auth_ctx *ctx, const struct task_filter *f, struct task ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    int64_t limit = f->limit ? f->limit : PAGE_ROWS_DEFAULT;
    if (limit < 1 || limit > PAGE_ROWS_MAX || f->offset < 0) {
        return err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    enum task_status status = TASK_OPEN;
    if (f->status != NULL && f->status[0] != '\0' && task_status_parse(f->status, &status) != STATUS_OK) {
        return STATUS_INVALID;
    }
    enum status st = auth_check(ctx, "task.read", NULL, AUTH_FG_NONE, false, "list");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    auth_scope_filter(ctx->who, &agency, &owner);
    bool with_queue = owner != 0; /* scope own: their tasks and the agency's queue */
    if (f->mine) {
        owner = ctx->who->user_id ? ctx->who->user_id : -1;
        with_queue = false;
    }
    if (f->queue) {
        agency = ctx->who->agency_id ? ctx->who->agency_id : agency;
        owner = 0;
        with_queue = false;
    }
    const char *status_text = f->status ? f->status : "";
    int64_t due_before = f->due_before_ms;
    if (f->overdue) {
        int64_t now = util_now_ms();
        due_before = due_before && due_before < now ? due_before : now;
        status_text = "open";
    }
    struct sql_value a[] = {
        SQLV_I64(agency),       SQLV_I64(owner),      SQLV_I64(with_queue ? 1 : 0), SQLV_I64(f->case_id),
        sqlv_text(status_text), SQLV_I64(due_before), SQLV_I64(f->queue ? 1 : 0),   SQLV_I64(TASK_SCAN_ROWS_MAX)};
    return list_rows(ctx, a, limit, f->offset, out, count_out);
}

enum status task_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const struct task_change *in)
{
    struct task *t = NULL;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    enum status st = STATUS_OK;
    if (in->title != NULL) {
        st = title_check(in->title);
    }
    if (st == STATUS_OK && in->set_due && in->due_at_ms < 0) {
        st = err_set_field(STATUS_INVALID, "due_at", "due_at: a date");
    }
    if (st == STATUS_OK) {
        st = task_reach(ctx, id, true, "update", &t);
    }
    if (st == STATUS_OK && in->title != NULL && strcmp(t->kind, TASK_KIND_MANUAL) != 0) {
        st = err_set_field(STATUS_INVALID, "title", "title: automatic tasks have none");
    }
    if (st == STATUS_OK && in->set_owner) {
        st = owner_check(ctx, in->owner_id, t->agency_id);
    }
    if (st == STATUS_OK && expected_version != t->version) {
        st =
            err_set(STATUS_CONFLICT, "the task changed since version %lld: read it again", (long long)expected_version);
    }
    /* The title stays as it is unless a new one is given (read it sealed, as stored). */
    struct store_rows *r = NULL;
    struct sql_value title = SQLV_NULL;
    if (st == STATUS_OK && in->title != NULL) {
        st = seal_title(ctx, id, in->title, &sealed, &sealed_len);
        title = SQLV_BLOB(sealed, sealed_len);
    } else if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(id)};
        st = store_exec_one(ctx->store, STMT_TASK_GET, k, 1, &r);
        size_t len = 0;
        const uint8_t *blob = st == STATUS_OK ? store_rows_blob(r, 3, &len) : NULL;
        if (blob != NULL) {
            title = SQLV_BLOB(blob, len);
        }
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(expected_version),
                                opt_i64(in->set_owner ? in->owner_id : t->owner_id),
                                SQLV_I64(in->set_due ? in->due_at_ms : t->due_at_ms),
                                title,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_TASK_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the task changed: read it again");
        }
    }
    store_rows_free(r);
    free(sealed);
    task_free(t);
    return st;
}

enum status task_set_status(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, enum task_status to)
{
    struct task *t = NULL;
    static const char *const what[] = {"reopen", "complete", "cancel"};
    enum status st = task_reach(ctx, id, true, what[to], &t);
    if (st != STATUS_OK) {
        return st;
    }
    if (expected_version != 0 && expected_version != t->version) {
        st =
            err_set(STATUS_CONFLICT, "the task changed since version %lld: read it again", (long long)expected_version);
    } else if (to == TASK_OPEN && t->status == TASK_OPEN) {
        st = err_set_field(STATUS_CONFLICT, "status", "the task is open already");
    } else if (to != TASK_OPEN && t->status != TASK_OPEN) {
        st = err_set_field(STATUS_CONFLICT, "status", "the task is %s already", task_status_name(t->status));
    }
    if (st == STATUS_OK && to == TASK_OPEN && t->key != NULL) {
        /* An automatic task reopens only while no other open task holds its key. */
        struct sql_value k[] = {sqlv_text(t->key)};
        struct store_rows *r = NULL;
        enum status s2 = store_exec_one(ctx->store, STMT_TASK_OPEN_BY_KEY, k, 1, &r);
        store_rows_free(r);
        st = s2 == STATUS_OK          ? err_set(STATUS_CONFLICT, "a newer task of the same kind is open")
             : s2 == STATUS_NOT_FOUND ? STATUS_OK
                                      : s2;
    }
    if (st == STATUS_OK) {
        int64_t now = util_now_ms();
        bool open = to == TASK_OPEN;
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(t->version),
                                sqlv_text(task_status_name(to)),
                                SQLV_I64(open ? 0 : now),
                                open ? SQLV_NULL : opt_i64(ctx->who->user_id),
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_TASK_SET_STATUS, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the task changed: read it again");
        }
    }
    task_free(t);
    return st;
}

void task_my_work_clear(struct task_my_work *w)
{
    task_list_free(w->mine, w->mine_count);
    task_list_free(w->queue, w->queue_count);
    memset(w, 0, sizeof *w);
}

enum status task_my_work(const struct auth_ctx *ctx, struct task_my_work *out)
{
    memset(out, 0, sizeof *out);
    enum status st = auth_check(ctx, "task.read", NULL, AUTH_FG_NONE, false, "my work");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t me = ctx->who->user_id ? ctx->who->user_id : -1;
    struct sql_value mine[] = {SQLV_I64(0),       SQLV_I64(me), SQLV_I64(0), SQLV_I64(0),
                               sqlv_text("open"), SQLV_I64(0),  SQLV_I64(0), SQLV_I64(TASK_SCAN_ROWS_MAX)};
    st = list_rows(ctx, mine, PAGE_ROWS_MAX, 0, &out->mine, &out->mine_count);
    if (st == STATUS_OK && ctx->who->agency_id != 0) {
        struct sql_value queue[] = {SQLV_I64(ctx->who->agency_id),
                                    SQLV_I64(0),
                                    SQLV_I64(0),
                                    SQLV_I64(0),
                                    sqlv_text("open"),
                                    SQLV_I64(0),
                                    SQLV_I64(1),
                                    SQLV_I64(TASK_SCAN_ROWS_MAX)};
        st = list_rows(ctx, queue, PAGE_ROWS_MAX, 0, &out->queue, &out->queue_count);
    }
    if (st != STATUS_OK) {
        task_my_work_clear(out);
        return st;
    }
    int64_t now = util_now_ms(), soon = now + (int64_t)TASK_DUE_SOON_DAYS * 86400000;
    for (int pass = 0; pass < 2; pass++) {
        struct task **l = pass ? out->queue : out->mine;
        size_t n = pass ? out->queue_count : out->mine_count;
        for (size_t i = 0; i < n; i++) {
            if (l[i]->due_at_ms == 0) {
                continue;
            }
            if (l[i]->due_at_ms < now) {
                out->overdue++;
            } else if (l[i]->due_at_ms <= soon) {
                out->due_soon++;
            }
        }
    }
    return STATUS_OK;
}

json_t *task_to_json(const struct task *t, int64_t now_ms)
{
    char when[32];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "kind", json_string(t->kind));
    json_object_set_new(o, "title", t->title ? json_string(t->title) : json_null());
    json_object_set_new(o, "case_id", t->case_id ? json_integer(t->case_id) : json_null());
    json_object_set_new(o, "record_type", t->record_type[0] ? json_string(t->record_type) : json_null());
    json_object_set_new(o, "record_id", t->record_id ? json_integer(t->record_id) : json_null());
    json_object_set_new(o, "agency_id", json_integer(t->agency_id));
    json_object_set_new(o, "owner_id", t->owner_id ? json_integer(t->owner_id) : json_null());
    util_time_iso(when, t->due_at_ms);
    json_object_set_new(o, "due_at", t->due_at_ms ? json_string(when) : json_null());
    json_object_set_new(o, "status", json_string(task_status_name(t->status)));
    json_object_set_new(o, "overdue",
                        json_boolean(t->status == TASK_OPEN && t->due_at_ms != 0 && t->due_at_ms < now_ms));
    util_time_iso(when, t->created_at_ms);
    json_object_set_new(o, "created_at", json_string(when));
    json_object_set_new(o, "created_by", t->created_by ? json_integer(t->created_by) : json_null());
    util_time_iso(when, t->done_at_ms);
    json_object_set_new(o, "done_at", t->done_at_ms ? json_string(when) : json_null());
    json_object_set_new(o, "done_by", t->done_by ? json_integer(t->done_by) : json_null());
    json_object_set_new(o, "version", json_integer(t->version));
    return o;
}

enum status task_purge_case_titles(const struct auth_ctx *ctx, int64_t case_id, int64_t *items)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    *items = 0;
    enum status st = store_exec(ctx->store, STMT_TASK_PURGE_TITLES, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        (*items)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}
