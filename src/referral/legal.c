/* legal: rights and legal status records (see legal.h), on the record engine of assist_int.h. */
#include "referral/legal.h"

#include "referral/child.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "referral/assist_int.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"

/* Non-punishment. */

static const struct arec_field np_fields[] = {
    {"applies", AF_BOOL, NULL, false, NULL},       {"reason", AF_CODE, "non_punishment_reason", false, NULL},
    {"reason_note", AF_SEALED, NULL, false, NULL}, {"decided_date", AF_DATE, NULL, false, NULL},
    {"decided_by", AF_TEXT, NULL, false, NULL},    {"recorded_by", AF_TEXT, NULL, false, NULL},
};

static enum status np_check(const struct arec *r)
{
    if (r->v[0].n && arec_str(r, "reason")[0] == '\0') {
        return err_set_field(STATUS_INVALID, "reason", "reason: required when applies is true");
    }
    return STATUS_OK;
}

static const struct arec_type np_type = {
    .name = "non-punishment record",
    .table = "case_non_punishment",
    .prefix = "non_punishment",
    .fields = np_fields,
    .nfields = ARRAY_LEN(np_fields),
    .group = AUTH_FG_LEGAL,
    .ins = STMT_ASSIST_NONPUN_INSERT,
    .list = STMT_ASSIST_NONPUN_LIST,
    .get = STMT_ASSIST_NONPUN_GET,
    .upd = STMT_ASSIST_NONPUN_UPDATE,
    .check = np_check,
};

/* Residence permits. */

static const struct arec_field permit_fields[] = {
    {"kind", AF_CODE, "permit_kind", true, NULL},  {"applied_date", AF_DATE, NULL, false, NULL},
    {"authority", AF_TEXT, NULL, false, NULL},     {"decision", AF_CODE, "permit_decision", true, "pending"},
    {"decision_date", AF_DATE, NULL, false, NULL}, {"valid_from", AF_DATE, NULL, false, NULL},
    {"valid_until", AF_DATE, NULL, false, NULL},   {"renewal_of", AF_ID, NULL, false, NULL},
};

static enum status permit_check(const struct arec *r)
{
    const char *from = arec_str(r, "valid_from"), *until = arec_str(r, "valid_until");
    const char *applied = arec_str(r, "applied_date"), *decided = arec_str(r, "decision_date");
    if (from[0] && until[0] && strcmp(until, from) < 0) {
        return err_set_field(STATUS_INVALID, "valid_until", "valid_until: before valid_from");
    }
    if (applied[0] && decided[0] && strcmp(decided, applied) < 0) {
        return err_set_field(STATUS_INVALID, "decision_date", "decision_date: before applied_date");
    }
    if (strcmp(arec_str(r, "decision"), "pending") == 0 && decided[0]) {
        return err_set_field(STATUS_INVALID, "decision_date", "decision_date: the decision is still pending");
    }
    int i = arec_field_index(r->type, "renewal_of");
    if (r->v[i].set && r->v[i].n == r->id) {
        return err_set_field(STATUS_INVALID, "renewal_of", "renewal_of: a permit cannot renew itself");
    }
    return STATUS_OK;
}

#define DAY_MS 86400000LL

static enum status permit_after(const struct auth_ctx *ctx, const struct auth_record *rec, const struct arec *old,
                                const struct arec *r)
{
    (void)old;
    char key[64];
    snprintf(key, sizeof key, "permit_expiry:%lld", (long long)r->id);
    const char *until = arec_str(r, "valid_until");
    enum status st;
    if (strcmp(arec_str(r, "decision"), "granted") == 0 && until[0]) {
        struct task_raise t = {LEGAL_TASK_PERMIT_EXPIRING,
                               key,
                               r->case_id,
                               "residence_permit",
                               r->id,
                               rec->agency_id,
                               rec->owner_id,
                               arec_date_ms(until) - LEGAL_PERMIT_NOTICE_DAYS * DAY_MS};
        st = task_raise(ctx, &t, NULL);
    } else {
        st = task_resolve(ctx, key, TASK_CANCELLED);
    }
    const struct arec_value *renews = &r->v[arec_field_index(r->type, "renewal_of")];
    if (st == STATUS_OK && renews->set) {
        snprintf(key, sizeof key, "permit_expiry:%lld", (long long)renews->n);
        st = task_resolve(ctx, key, TASK_DONE);
    }
    return st;
}

static const struct arec_type permit_type = {
    .name = "residence permit",
    .table = "case_residence_permits",
    .prefix = "residence_permits",
    .fields = permit_fields,
    .nfields = ARRAY_LEN(permit_fields),
    .group = AUTH_FG_LEGAL,
    .ins = STMT_ASSIST_PERMIT_INSERT,
    .list = STMT_ASSIST_PERMIT_LIST,
    .get = STMT_ASSIST_PERMIT_GET,
    .upd = STMT_ASSIST_PERMIT_UPDATE,
    .check = permit_check,
    .after = permit_after,
};

/* Voluntary return. */

static const struct arec_field return_fields[] = {
    {"destination", AF_COUNTRY, NULL, true, NULL},
    {"consent_confirmed", AF_BOOL, NULL, false, NULL},
    {"consent_date", AF_DATE, NULL, false, NULL},
    {"risk_level", AF_CODE, "return_risk_level", false, NULL},
    {"risk_date", AF_DATE, NULL, false, NULL},
    {"risk_assessed_by", AF_TEXT, NULL, false, NULL},
    {"risk_summary", AF_SEALED, NULL, false, NULL},
    {"planned_date", AF_DATE, NULL, false, NULL},
    {"travel_date", AF_DATE, NULL, false, NULL},
    {"receiving_org", AF_TEXT, NULL, false, NULL},
    {"status", AF_CODE, "return_status", true, "planning"},
};

static enum status return_check(const struct arec *r)
{
    const char *status = arec_str(r, "status");
    bool going = strcmp(status, "approved") == 0 || strcmp(status, "completed") == 0;
    if (going && !r->v[arec_field_index(r->type, "consent_confirmed")].n) {
        return err_set_field(STATUS_INVALID, "consent_confirmed",
                             "consent_confirmed: a return is voluntary; confirm the person's consent before it is %s",
                             status);
    }
    if (going && arec_str(r, "risk_level")[0] == '\0') {
        return err_set_field(STATUS_INVALID, "risk_level", "risk_level: assess the risks before the return is %s",
                             status);
    }
    if (strcmp(status, "completed") == 0 && arec_str(r, "travel_date")[0] == '\0') {
        return err_set_field(STATUS_INVALID, "travel_date", "travel_date: required for a completed return");
    }
    return STATUS_OK;
}

static enum status return_after(const struct auth_ctx *ctx, const struct auth_record *rec, const struct arec *old,
                                const struct arec *r)
{
    char key[64];
    snprintf(key, sizeof key, "return_follow_up:%lld", (long long)r->id);
    const char *status = arec_str(r, "status");
    bool was_completed = old && strcmp(arec_str(old, "status"), "completed") == 0;
    if (strcmp(status, "completed") == 0 && !was_completed) {
        struct task_raise t = {TASK_KIND_FOLLOW_UP_DUE,
                               key,
                               r->case_id,
                               "return",
                               r->id,
                               rec->agency_id,
                               rec->owner_id,
                               arec_date_ms(arec_str(r, "travel_date")) + LEGAL_RETURN_FOLLOW_UP_DAYS * DAY_MS};
        return task_raise(ctx, &t, NULL);
    }
    if (strcmp(status, "cancelled") == 0) {
        return task_resolve(ctx, key, TASK_CANCELLED);
    }
    return STATUS_OK;
}

static const struct arec_type return_type = {
    .name = "return plan",
    .table = "case_returns",
    .prefix = "returns",
    .fields = return_fields,
    .nfields = ARRAY_LEN(return_fields),
    .group = AUTH_FG_LEGAL,
    .ins = STMT_ASSIST_RETURN_INSERT,
    .list = STMT_ASSIST_RETURN_LIST,
    .get = STMT_ASSIST_RETURN_GET,
    .upd = STMT_ASSIST_RETURN_UPDATE,
    .check = return_check,
    .after = return_after,
};

static const struct arec_field follow_up_fields[] = {
    {"follow_up_date", AF_DATE, NULL, true, NULL},
    {"contact_made", AF_BOOL, NULL, false, NULL},
    {"outcome", AF_CODE, "reintegration_outcome", false, NULL},
    {"notes", AF_SEALED, NULL, false, NULL},
};

static enum status follow_up_after(const struct auth_ctx *ctx, const struct auth_record *rec, const struct arec *old,
                                   const struct arec *r)
{
    (void)rec;
    if (old != NULL) {
        return STATUS_OK;
    }
    char key[64];
    snprintf(key, sizeof key, "return_follow_up:%lld", (long long)r->parent_id);
    return task_resolve(ctx, key, TASK_DONE);
}

static const struct arec_type follow_up_type = {
    .name = "follow-up",
    .table = "case_return_follow_ups",
    .prefix = "return_follow_ups",
    .parent = "return_id",
    .fields = follow_up_fields,
    .nfields = ARRAY_LEN(follow_up_fields),
    .group = AUTH_FG_LEGAL,
    .ins = STMT_ASSIST_FOLLOWUP_INSERT,
    .list = STMT_ASSIST_FOLLOWUP_LIST,
    .get = STMT_ASSIST_FOLLOWUP_GET,
    .upd = STMT_ASSIST_FOLLOWUP_UPDATE,
    .after = follow_up_after,
};

/* Compensation. */

static const struct arec_field claim_fields[] = {
    {"kind", AF_CODE, "compensation_kind", true, NULL},
    {"filed_date", AF_DATE, NULL, false, NULL},
    {"against", AF_CODE, "compensation_against", false, NULL},
    {"currency", AF_CURRENCY, NULL, false, NULL},
    {"amount_claimed", AF_MONEY, NULL, false, NULL},
    {"amount_awarded", AF_MONEY, NULL, false, NULL},
    {"amount_paid", AF_MONEY, NULL, false, NULL},
    {"status", AF_CODE, "compensation_status", true, "preparing"},
    {"decision_date", AF_DATE, NULL, false, NULL},
    {"legal_aid", AF_BOOL, NULL, false, NULL},
};

static enum status claim_check(const struct arec *r)
{
    const struct arec_value *claimed = &r->v[4], *awarded = &r->v[5], *paid = &r->v[6];
    const char *status = arec_str(r, "status");
    if ((claimed->set || awarded->set || paid->set) && arec_str(r, "currency")[0] == '\0') {
        return err_set_field(STATUS_INVALID, "currency", "currency: required with an amount");
    }
    if (awarded->set && paid->set && paid->n > awarded->n) {
        return err_set_field(STATUS_INVALID, "amount_paid", "amount_paid: more than amount_awarded");
    }
    if ((strcmp(status, "paid") == 0 || strcmp(status, "partly_paid") == 0) && !paid->set) {
        return err_set_field(STATUS_INVALID, "amount_paid", "amount_paid: required when the claim is %s", status);
    }
    if (strcmp(status, "partly_paid") == 0 && awarded->set && paid->n >= awarded->n) {
        return err_set_field(STATUS_INVALID, "amount_paid", "amount_paid: partly paid is less than amount_awarded");
    }
    return STATUS_OK;
}

static const struct arec_type claim_type = {
    .name = "compensation claim",
    .table = "case_compensation_claims",
    .prefix = "compensation",
    .fields = claim_fields,
    .nfields = ARRAY_LEN(claim_fields),
    .group = AUTH_FG_LEGAL,
    .ins = STMT_ASSIST_CLAIM_INSERT,
    .list = STMT_ASSIST_CLAIM_LIST,
    .get = STMT_ASSIST_CLAIM_GET,
    .upd = STMT_ASSIST_CLAIM_UPDATE,
    .check = claim_check,
};

static const struct arec_type *kind_type(enum legal_kind kind)
{
    switch (kind) {
    case LEGAL_PERMIT: return &permit_type;
    case LEGAL_RETURN: return &return_type;
    case LEGAL_FOLLOW_UP: return &follow_up_type;
    case LEGAL_CLAIM: return &claim_type;
    }
    return &permit_type;
}

const struct arec_type *legal__type(size_t i)
{
    static const struct arec_type *const types[] = {&np_type, &permit_type, &return_type, &follow_up_type, &claim_type};
    return i < ARRAY_LEN(types) ? types[i] : NULL;
}

/* The child safeguard. */

enum status legal_return_bid_check(const char *status, bool bid_ok)
{
    if (!bid_ok && (strcmp(status, "approved") == 0 || strcmp(status, "completed") == 0)) {
        return err_set_field(STATUS_CONFLICT, "status",
                             "status: a child's return needs a recorded best-interests determination first");
    }
    return STATUS_OK;
}

/* The answer to "is a best-interests determination recommending return recorded, when the person
 * is a child?" (true for an adult). */
static enum status return_child_bid_answer(const struct auth_ctx *ctx, int64_t case_id, bool *ok)
{
    bool child = false;
    enum status st = child__is_child(ctx, case_id, &child);
    if (st == STATUS_OK && !child) {
        *ok = true;
        return STATUS_OK;
    }
    return st == STATUS_OK ? child_bid_recorded(ctx, case_id, "return", ok) : st;
}

static enum status return_bid_enforce(const struct auth_ctx *ctx, int64_t case_id, const struct arec *in)
{
    int i = arec_field_index(&return_type, "status");
    if (!(in->mask & (1u << i)) && in->v[i].s == NULL) {
        return STATUS_OK;
    }
    const char *status = arec_str(in, "status");
    if (strcmp(status, "approved") != 0 && strcmp(status, "completed") != 0) {
        return STATUS_OK;
    }
    bool ok = false;
    enum status st = return_child_bid_answer(ctx, case_id, &ok);
    return st == STATUS_OK ? legal_return_bid_check(status, ok) : st;
}

/* Generic operations. */

static json_t *arecs_json(struct arec *r, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, arec_to_json(&r[i]));
    }
    return arr;
}

static enum status list_type(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t parent_id,
                             json_t **out)
{
    *out = NULL;
    struct arec *r = NULL;
    size_t n = 0;
    enum status st = arec_list(ctx, t, case_id, parent_id, &r, &n);
    if (st == STATUS_OK) {
        *out = arecs_json(r, n);
    }
    arecs_free(r, n);
    return st;
}

enum status legal_list(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t parent_id,
                       json_t **out)
{
    *out = NULL;
    if (kind == LEGAL_FOLLOW_UP && parent_id != 0) {
        /* The return must be the case's (an unknown one is not found, not an empty list). */
        struct arec ret;
        enum status st = arec_get(ctx, &return_type, case_id, parent_id, &ret);
        arec_clear(&ret);
        if (st != STATUS_OK) {
            return st;
        }
    }
    return list_type(ctx, kind_type(kind), case_id, kind == LEGAL_FOLLOW_UP ? parent_id : 0, out);
}

static enum status get_type(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t id,
                            json_t **out)
{
    *out = NULL;
    struct arec r;
    enum status st = arec_get(ctx, t, case_id, id, &r);
    if (st == STATUS_OK) {
        *out = arec_to_json(&r);
    }
    arec_clear(&r);
    return st;
}

enum status legal_get(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t id, json_t **out)
{
    return get_type(ctx, kind_type(kind), case_id, id, out);
}

enum status legal_add(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t parent_id,
                      const json_t *in, json_t **out)
{
    if (out) {
        *out = NULL;
    }
    const struct arec_type *t = kind_type(kind);
    struct arec r;
    arec_init(&r, t);
    int64_t id = 0;
    enum status st = arec_from_json(&r, in, false);
    if (st == STATUS_OK && kind == LEGAL_FOLLOW_UP) {
        /* The return must be the case's (and readable). */
        struct arec ret;
        st = arec_get(ctx, &return_type, case_id, parent_id, &ret);
        arec_clear(&ret);
    }
    if (st == STATUS_OK && kind == LEGAL_PERMIT) {
        int i = arec_field_index(t, "renewal_of");
        if (r.v[i].set) {
            struct arec prev;
            st = arec_get(ctx, &permit_type, case_id, r.v[i].n, &prev);
            arec_clear(&prev);
            if (st == STATUS_NOT_FOUND) {
                st = err_set_field(STATUS_INVALID, "renewal_of", "renewal_of: not a residence permit of this case");
            }
        }
    }
    if (st == STATUS_OK && kind == LEGAL_RETURN) {
        st = return_bid_enforce(ctx, case_id, &r);
    }
    if (st == STATUS_OK) {
        st = arec_add(ctx, case_id, kind == LEGAL_FOLLOW_UP ? parent_id : 0, &r, &id);
    }
    if (st == STATUS_OK && out) {
        st = get_type(ctx, t, case_id, id, out);
    }
    arec_clear(&r);
    return st;
}

enum status legal_update(const struct auth_ctx *ctx, enum legal_kind kind, int64_t case_id, int64_t id, int64_t version,
                         const json_t *in, json_t **out)
{
    if (out) {
        *out = NULL;
    }
    const struct arec_type *t = kind_type(kind);
    struct arec r;
    arec_init(&r, t);
    enum status st = arec_from_json(&r, in, true);
    if (st == STATUS_OK && kind == LEGAL_PERMIT) {
        int i = arec_field_index(t, "renewal_of");
        if ((r.mask & (1u << i)) && r.v[i].set) {
            struct arec prev;
            st = r.v[i].n == id
                     ? err_set_field(STATUS_INVALID, "renewal_of", "renewal_of: a permit cannot renew itself")
                     : arec_get(ctx, &permit_type, case_id, r.v[i].n, &prev);
            if (st != STATUS_INVALID) {
                arec_clear(&prev);
            }
            if (st == STATUS_NOT_FOUND) {
                st = err_set_field(STATUS_INVALID, "renewal_of", "renewal_of: not a residence permit of this case");
            }
        }
    }
    if (st == STATUS_OK && kind == LEGAL_RETURN) {
        st = return_bid_enforce(ctx, case_id, &r);
    }
    if (st == STATUS_OK) {
        st = arec_update(ctx, case_id, id, version, &r);
    }
    if (st == STATUS_OK && out) {
        st = get_type(ctx, t, case_id, id, out);
    }
    arec_clear(&r);
    return st;
}

/* Non-punishment. */

static enum status np_current(const struct auth_ctx *ctx, int64_t case_id, struct arec **r, size_t *n)
{
    return arec_list(ctx, &np_type, case_id, 0, r, n);
}

enum status legal_non_punishment_get(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct arec *r = NULL;
    size_t n = 0;
    enum status st = np_current(ctx, case_id, &r, &n);
    if (st == STATUS_OK) {
        *out = n > 0 ? arec_to_json(&r[0]) : json_null();
    }
    arecs_free(r, n);
    return st;
}

enum status legal_non_punishment_put(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const json_t *in,
                                     json_t **out)
{
    if (out) {
        *out = NULL;
    }
    struct arec *cur = NULL;
    size_t n = 0;
    struct arec r;
    arec_init(&r, &np_type);
    enum status st = np_current(ctx, case_id, &cur, &n);
    if (st == STATUS_OK) {
        st = arec_from_json(&r, in, n > 0);
    }
    if (st == STATUS_OK) {
        int i = arec_field_index(&np_type, "recorded_by");
        free(r.v[i].s);
        r.v[i].s = xstrdup(ctx->who->username);
        r.mask |= 1u << i;
    }
    if (st == STATUS_OK && n == 0 && version != 0) {
        st = err_set(STATUS_CONFLICT, "no non-punishment record yet: send no If-Match to create it");
    }
    if (st == STATUS_OK && n > 0 && version == 0) {
        st = err_set(STATUS_CONFLICT, "a non-punishment record exists: send If-Match with its version");
    }
    if (st == STATUS_OK) {
        st = n == 0 ? arec_add(ctx, case_id, 0, &r, NULL) : arec_update(ctx, case_id, cur[0].id, version, &r);
    }
    if (st == STATUS_OK && out) {
        st = legal_non_punishment_get(ctx, case_id, out);
    }
    arec_clear(&r);
    arecs_free(cur, n);
    return st;
}

/* Everything. */

enum status legal_all(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    json_t *np = NULL, *permits = NULL, *returns = NULL, *fups = NULL, *claims = NULL;
    enum status st = legal_non_punishment_get(ctx, case_id, &np);
    if (st == STATUS_OK) {
        st = list_type(ctx, &permit_type, case_id, 0, &permits);
    }
    if (st == STATUS_OK) {
        st = list_type(ctx, &return_type, case_id, 0, &returns);
    }
    if (st == STATUS_OK) {
        st = list_type(ctx, &follow_up_type, case_id, 0, &fups);
    }
    if (st == STATUS_OK) {
        st = list_type(ctx, &claim_type, case_id, 0, &claims);
    }
    if (st == STATUS_OK) {
        size_t i, j;
        json_t *ret, *fu;
        json_array_foreach(returns, i, ret)
        {
            json_t *mine = json_array();
            json_int_t rid = json_integer_value(json_object_get(ret, "id"));
            json_array_foreach(fups, j, fu)
            {
                if (json_integer_value(json_object_get(fu, "return_id")) == rid) {
                    json_array_append(mine, fu);
                }
            }
            json_object_set_new(ret, "follow_ups", mine);
        }
        *out = json_pack("{sOsOsOsO}", "non_punishment", np, "residence_permits", permits, "returns", returns,
                         "compensation", claims);
    }
    json_decref(np);
    json_decref(permits);
    json_decref(returns);
    json_decref(fups);
    json_decref(claims);
    return st;
}

enum status legal_purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    enum status st = arec_purge(ctx, STMT_ASSIST_NONPUN_PURGE, case_id, items_out);
    if (st == STATUS_OK) {
        st = arec_purge(ctx, STMT_ASSIST_RETURN_PURGE, case_id, items_out);
    }
    if (st == STATUS_OK) {
        st = arec_purge(ctx, STMT_ASSIST_FOLLOWUP_PURGE, case_id, items_out);
    }
    return st;
}

enum status legal_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    if (!auth_field_allowed(ctx->who, AUTH_FG_LEGAL, false)) {
        *out = json_pack("{s{sb}}", "legal_status", "withheld", 1);
        return STATUS_OK;
    }
    json_t *all = NULL;
    enum status st = legal_all(ctx, case_id, &all);
    if (st == STATUS_OK) {
        *out = json_pack("{so}", "legal_status", all);
    }
    return st;
}

enum status legal_stats_repatriations(const struct auth_ctx *ctx, struct legal_repatriation_row **out,
                                      size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "repatriations");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    auth_scope_filter(ctx->who, &agency, &owner);
    struct sql_value a[] = {SQLV_I64(agency), SQLV_I64(CASE_CONSENT_NO_RESEARCH)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_LEGAL_STATS_REPATRIATIONS, a, ARRAY_LEN(a), &r);
    size_t n = 0, cap = 0;
    struct legal_repatriation_row *list = NULL;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t year = 0;
        if (util_parse_i64(&year, store_rows_text(r, 1)) != STATUS_OK) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        struct legal_repatriation_row *x = &list[n++];
        snprintf(x->exploited_in, sizeof x->exploited_in, "%s", store_rows_text(r, 0));
        x->year = (int)year;
        snprintf(x->citizenship, sizeof x->citizenship, "%s", store_rows_text(r, 2));
        x->count = store_rows_i64(r, 3);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(list);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}
