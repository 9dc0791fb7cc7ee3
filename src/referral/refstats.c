/* refstats: the protection figures of a period (see refstats.h). */
#include "referral/refstats.h"

#include <stdint.h>

#include "cases/cases.h"
#include "store/store.h"
#include "util/mem.h"

enum status referral_stats_period(const struct auth_ctx *ctx, int64_t from_ms, int64_t to_ms, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "protection figures");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    auth_scope_filter(ctx->who, &agency, &owner);
    struct sql_value a[] = {SQLV_I64(from_ms), SQLV_I64(to_ms ? to_ms : INT64_MAX), SQLV_I64(agency),
                            SQLV_I64(CASE_CONSENT_NO_RESEARCH)};
    json_t *refs =
        json_pack("{sIsIsIsIsIsI}", "made", (json_int_t)0, "pending", (json_int_t)0, "accepted", (json_int_t)0,
                  "rejected", (json_int_t)0, "completed", (json_int_t)0, "revoked", (json_int_t)0);
    json_t *types = json_object();
    int64_t made = 0, delivered = 0;
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_REFSTATS_REFERRALS, a, ARRAY_LEN(a), &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t n = store_rows_i64(r, 1);
        json_object_set_new(refs, store_rows_text(r, 0), json_integer(n));
        made += n;
    }
    store_rows_free(r);
    r = NULL;
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_REFSTATS_SERVICES, a, ARRAY_LEN(a), &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t n = store_rows_i64(r, 1);
        json_object_set_new(types, store_rows_text(r, 0), json_integer(n));
        delivered += n;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(refs);
        json_decref(types);
        return st;
    }
    json_object_set_new(refs, "made", json_integer(made));
    *out =
        json_pack("{sos{sIso}}", "referrals", refs, "services", "delivered", (json_int_t)delivered, "by_type", types);
    return STATUS_OK;
}
