/* glass: break-the-glass access to a case outside one's scope, for a limited time, with a reason
 * (sealed), an audit entry and a notice to the agency's supervisors (glass_notice tasks). The
 * access is a user share of kind glass in record_access with the principal's own readable field
 * groups, read by auth_check like any share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "referral/referral.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* Characters, not bytes, of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

static enum status notify(const struct auth_ctx *ctx, const struct auth_record *rec, int64_t case_id, int64_t access_id,
                          int64_t now)
{
    struct sql_value a[] = {SQLV_I64(rec->agency_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_REFERRAL_SUPERVISORS, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t sups[64];
    size_t n = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n < ARRAY_LEN(sups)) {
            sups[n++] = store_rows_i64(r, 0);
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        return st;
    }
    st = STATUS_OK;
    /* One task per supervisor ("glass_notice:<access>:<user>"), or the agency queue's
     * ("glass_notice:<access>") when the agency has none. */
    for (size_t i = 0; st == STATUS_OK && i < (n ? n : 1); i++) {
        char key[TASK_KEY_BYTES];
        if (n) {
            snprintf(key, sizeof key, "%s:%lld:%lld", TASK_KIND_GLASS_NOTICE, (long long)access_id, (long long)sups[i]);
        } else {
            snprintf(key, sizeof key, "%s:%lld", TASK_KIND_GLASS_NOTICE, (long long)access_id);
        }
        struct task_raise t = {.kind = TASK_KIND_GLASS_NOTICE,
                               .key = key,
                               .case_id = case_id,
                               .record_type = "record_access",
                               .record_id = access_id,
                               .agency_id = rec->agency_id,
                               .owner_id = n ? sups[i] : 0,
                               .due_at_ms = now};
        int64_t id = 0;
        st = task_raise(ctx, &t, &id);
    }
    return st;
}

enum status referral_glass(const struct auth_ctx *ctx, int64_t case_id, const char *reason, int64_t minutes,
                           struct glass_result *out)
{
    memset(out, 0, sizeof *out);
    if (minutes == 0) {
        minutes = GLASS_MINUTES_DEFAULT;
    }
    if (minutes < 1 || minutes > GLASS_MINUTES_MAX) {
        return err_set_field(STATUS_INVALID, "minutes", "minutes: 1 to %d", GLASS_MINUTES_MAX);
    }
    if (reason == NULL || utf8_chars(reason) < GLASS_REASON_CHARS_MIN) {
        return err_set_field(STATUS_INVALID, "reason", "reason: at least %d characters", GLASS_REASON_CHARS_MIN);
    }
    if (strlen(reason) > REFERRAL_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "reason", "reason: at most %d bytes", REFERRAL_TEXT_BYTES_MAX);
    }
    if (auth_decide(ctx, "case.glass", NULL, AUTH_FG_NONE, true) != STATUS_OK) {
        return auth_check(ctx, "case.glass", NULL, AUTH_FG_NONE, true, "break the glass"); /* notes the denial */
    }
    if (ctx->who->user_id == 0) {
        return err_set(STATUS_INVALID, "the operator reaches every case: there is no glass to break");
    }
    char detail[AUDIT_DETAIL_BYTES_MAX];
    struct auth_record rec;
    enum status st = case_glass_target(ctx, case_id, &rec);
    if (st == STATUS_NOT_FOUND ||
        (st == STATUS_OK && auth_decide(ctx, "case.read", &rec, AUTH_FG_NONE, false) == STATUS_OK)) {
        /* Nothing to open (no such case, or already within reach): say only that. */
        snprintf(detail, sizeof detail, "not opened");
        return auth_audit(ctx, "case.glass", "case", case_id, "ok", detail);
    }
    if (st != STATUS_OK) {
        return st;
    }
    unsigned mask = 0;
    for (int g = AUTH_FG_NONE + 1; g < AUTH_FG__COUNT; g++) {
        if (auth_field_allowed(ctx->who, (enum auth_field_group)g, false)) {
            mask |= 1u << g;
        }
    }
    int64_t id = vault_random_id(), now = util_now_ms(), expires = now + minutes * 60000;
    uint8_t *blob = NULL;
    size_t len = 0;
    struct vault_ad ad = {"record_access", "reason_enc", id};
    st = vault_seal(ctx->vault, &blob, &len, &ad, reason, strlen(reason));
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text("case"),
                                SQLV_I64(case_id),
                                SQLV_NULL,
                                SQLV_I64(ctx->who->user_id),
                                SQLV_I64((int64_t)mask),
                                SQLV_BOOL(false),
                                sqlv_text("glass"),
                                SQLV_I64(0),
                                SQLV_BLOB(blob, len),
                                SQLV_I64(now),
                                SQLV_I64(ctx->who->user_id),
                                SQLV_I64(expires)};
        st = store_exec(ctx->store, STMT_ACCESS_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(blob);
    if (st == STATUS_OK) {
        snprintf(detail, sizeof detail, "minutes=%lld access=%lld", (long long)minutes, (long long)id);
        st = auth_audit(ctx, "case.glass", "case", case_id, "ok", detail);
    }
    if (st == STATUS_OK) {
        st = notify(ctx, &rec, case_id, id, now);
    }
    if (st == STATUS_OK) {
        out->opened = true;
        out->access_id = id;
        out->expires_at_ms = expires;
    }
    return st;
}
