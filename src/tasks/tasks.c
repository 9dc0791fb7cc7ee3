/* tasks: automatic raising and resolving (the core other modules call), and the task records. */
#include "tasks/tasks.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
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
