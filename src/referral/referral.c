/* referral: referrals of a case to a service provider. The referring worker chooses the field
 * groups to share; a provider with a ctis agency gets an agency share of them (record_access,
 * kind referral), which auth_check reads on every access: the receiver reaches the case for
 * reading and sees only those groups. The share ends on rejection, revocation, completion (unless
 * the sender keeps it on) and on the acceptance of a transfer, after which the case is the
 * receiver's own. A referral is one record with two sides: the sender's (its agency and user)
 * and the receiver's (the provider's agency, and the user named on acceptance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "referral/referral.h"
#include "referral/referral_int.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *const referral_reject_codes[] = {"no_capacity", "not_eligible", "service_unavailable",
                                             "out_of_area", "no_consent",   "other"};
const size_t referral_reject_codes_count = ARRAY_LEN(referral_reject_codes);

enum {
    R_ID,
    R_CASE,
    R_FROM_AGENCY,
    R_FROM_USER,
    R_PROVIDER,
    R_TO_AGENCY,
    R_KIND,
    R_SERVICES,
    R_MASK,
    R_REASON,
    R_URGENCY,
    R_STATE,
    R_REJECT_CODE,
    R_REJECT_NOTE,
    R_BASIS,
    R_OVERRIDE,
    R_KEEP,
    R_ACCESS,
    R_CREATED,
    R_ANSWERED_AT,
    R_ANSWERED_BY,
    R_CLOSED_AT,
    R_CLOSED_BY,
    R_UPDATED,
    R_VERSION
};

static int64_t i64_or_0(struct store_rows *r, size_t col)
{
    return store_rows_is_null(r, col) ? 0 : store_rows_i64(r, col);
}

static enum status unseal_col(const struct auth_ctx *ctx, struct store_rows *r, size_t col, const char *column,
                              int64_t id, char **out)
{
    *out = NULL;
    if (store_rows_is_null(r, col)) {
        return STATUS_OK;
    }
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    struct vault_ad ad = {"referrals", column, id};
    return vault_unseal(ctx->vault, out, &plen, &ad, blob, len);
}

/* Reads the row at the cursor; the sealed texts only when `texts`. */
static enum status row_read(const struct auth_ctx *ctx, struct store_rows *r, bool texts, struct referral **out)
{
    struct referral *x = xcalloc(1, sizeof *x);
    x->id = store_rows_i64(r, R_ID);
    x->case_id = store_rows_i64(r, R_CASE);
    x->from_agency_id = store_rows_i64(r, R_FROM_AGENCY);
    x->from_user_id = i64_or_0(r, R_FROM_USER);
    x->provider_id = store_rows_i64(r, R_PROVIDER);
    x->to_agency_id = i64_or_0(r, R_TO_AGENCY);
    snprintf(x->kind, sizeof x->kind, "%s", store_rows_text(r, R_KIND));
    x->services = xstrdup(store_rows_text(r, R_SERVICES));
    x->groups = (unsigned)store_rows_i64(r, R_MASK);
    snprintf(x->urgency, sizeof x->urgency, "%s", store_rows_text(r, R_URGENCY));
    snprintf(x->state, sizeof x->state, "%s", store_rows_text(r, R_STATE));
    snprintf(x->reject_code, sizeof x->reject_code, "%s", store_rows_text(r, R_REJECT_CODE));
    snprintf(x->basis, sizeof x->basis, "%s", store_rows_text(r, R_BASIS));
    x->keep_access = store_rows_i64(r, R_KEEP) != 0;
    x->access_id = store_rows_i64(r, R_ACCESS);
    x->created_at_ms = store_rows_i64(r, R_CREATED);
    x->answered_at_ms = store_rows_i64(r, R_ANSWERED_AT);
    x->answered_by = i64_or_0(r, R_ANSWERED_BY);
    x->closed_at_ms = store_rows_i64(r, R_CLOSED_AT);
    x->closed_by = i64_or_0(r, R_CLOSED_BY);
    x->updated_at_ms = store_rows_i64(r, R_UPDATED);
    x->version = store_rows_i64(r, R_VERSION);
    enum status st = STATUS_OK;
    if (texts) {
        st = unseal_col(ctx, r, R_REASON, "reason_enc", x->id, &x->reason);
        if (st == STATUS_OK) {
            st = unseal_col(ctx, r, R_REJECT_NOTE, "reject_note_enc", x->id, &x->reject_note);
        }
        if (st == STATUS_OK) {
            st = unseal_col(ctx, r, R_OVERRIDE, "override_reason_enc", x->id, &x->override_reason);
        }
    }
    if (st != STATUS_OK) {
        referral_free(x);
        return st;
    }
    *out = x;
    return STATUS_OK;
}

/* The sealed texts of a referral are narratives about the person: read with fg.narrative.read. */
static bool texts_readable(const struct auth_ctx *ctx)
{
    return auth_field_allowed(ctx->who, AUTH_FG_NARRATIVE, false);
}

static enum status load(const struct auth_ctx *ctx, int64_t id, bool texts, struct referral **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_REFERRAL_GET, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such referral");
    }
    if (st == STATUS_OK) {
        st = row_read(ctx, r, texts, out);
    }
    store_rows_free(r);
    return st;
}

static struct auth_record rec_sender(const struct referral *r)
{
    return (struct auth_record){
        .type = "referral", .id = r->id, .agency_id = r->from_agency_id, .owner_id = r->from_user_id};
}

static struct auth_record rec_receiver(const struct referral *r)
{
    return (struct auth_record){
        .type = "referral", .id = r->id, .agency_id = r->to_agency_id, .owner_id = r->answered_by};
}

/* The side the principal may see r from, without audit: 0 none, 1 sender, 2 receiver. */
static int side_of(const struct auth_ctx *ctx, const struct referral *r, const char *perm, bool write)
{
    struct auth_record s = rec_sender(r), v = rec_receiver(r);
    if (auth_decide(ctx, perm, &s, AUTH_FG_NONE, write) == STATUS_OK) {
        return 1;
    }
    if (r->to_agency_id != 0 && auth_decide(ctx, perm, &v, AUTH_FG_NONE, write) == STATUS_OK) {
        return 2;
    }
    return 0;
}

/* Decides and audits perm on r from the principal's side; out of reach reads as absent. */
static enum status side_check(const struct auth_ctx *ctx, struct referral *r, const char *perm, bool write,
                              const char *detail)
{
    int side = side_of(ctx, r, perm, write);
    struct auth_record s = rec_sender(r), v = rec_receiver(r);
    enum status st = auth_check(ctx, perm, side == 2 ? &v : &s, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED && auth_has(ctx->who, perm)) {
        st = err_set(STATUS_NOT_FOUND, "no such referral");
    }
    r->received = side == 2;
    return st;
}

/* After side_check has let the principal see r: do they stand for the receiving (sending)
 * agency? (Both, for a referral to a provider of one's own agency.) */
static bool is_receiver(const struct auth_ctx *ctx, const struct referral *r)
{
    return ctx->who->operator||(r->to_agency_id != 0 && ctx->who->agency_id == r->to_agency_id);
}

static bool is_sender(const struct auth_ctx *ctx, const struct referral *r)
{
    return ctx->who->operator|| ctx->who->agency_id == r->from_agency_id;
}

static enum status seal(const struct auth_ctx *ctx, const char *column, int64_t id, const char *text, uint8_t **blob,
                        size_t *len, struct sql_value *v)
{
    *blob = NULL;
    *len = 0;
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    struct vault_ad ad = {"referrals", column, id};
    enum status st = vault_seal(ctx->vault, blob, len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*blob, *len);
    }
    return st;
}

static enum status groups_parse(const char *text, unsigned *mask)
{
    *mask = 0;
    char *copy = xstrdup(text ? text : "");
    enum status st = STATUS_OK;
    for (char *save = NULL, *tok = strtok_r(copy, ";, ", &save); tok != NULL; tok = strtok_r(NULL, ";, ", &save)) {
        int found = 0;
        for (int g = AUTH_FG_NONE + 1; g < AUTH_FG__COUNT; g++) {
            if (strcmp(tok, auth_field_group_name((enum auth_field_group)g)) == 0) {
                found = g;
            }
        }
        if (found == 0) {
            st = err_set_field(STATUS_INVALID, "groups", "groups: unknown field group \"%.32s\"", tok);
            break;
        }
        *mask |= 1u << found;
    }
    free(copy);
    return st;
}

static enum status text_check(const char *field, const char *text)
{
    if (text != NULL && strlen(text) > REFERRAL_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, field, "%s: at most %d bytes", field, REFERRAL_TEXT_BYTES_MAX);
    }
    return STATUS_OK;
}

/* Is the person of the case a child (majority_status Minor, or an age under 18)? */
static enum status case_is_child(const struct auth_ctx *ctx, int64_t case_id, bool *child)
{
    *child = false;
    struct case_record *c = NULL;
    enum status st = case_get(ctx, case_id, &c);
    if (st == STATUS_OK) {
        const struct case_value *m = &c->v[CASE_F_majority_status], *age = &c->v[CASE_F_age];
        *child = (m->state == CASE_SET && m->text && strcmp(m->text, "Minor") == 0) ||
                 (age->state == CASE_SET && age->i < 18);
    }
    case_record_free(c);
    return st;
}

static enum status access_end(const struct auth_ctx *ctx, int64_t access_id)
{
    if (access_id == 0) {
        return STATUS_OK;
    }
    struct sql_value a[] = {SQLV_I64(access_id), SQLV_I64(util_now_ms())};
    return store_exec(ctx->store, STMT_ACCESS_REVOKE, a, 2, NULL);
}

static void task_key(char *out, size_t size, int64_t id)
{
    snprintf(out, size, "%s:%lld", TASK_KIND_REFERRAL_UNANSWERED, (long long)id);
}

enum status referral_create(const struct auth_ctx *ctx, int64_t case_id, const struct referral_input *in,
                            struct referral **out)
{
    *out = NULL;
    const char *kind = in->kind && in->kind[0] ? in->kind : "referral";
    const char *urgency = in->urgency && in->urgency[0] ? in->urgency : "normal";
    const char *basis = in->basis && in->basis[0] ? in->basis : "consent";
    bool override = strcmp(basis, "child_emergency_override") == 0;
    unsigned mask = 0;
    char *services = NULL;
    uint8_t *b_reason = NULL, *b_override = NULL;
    size_t l_reason = 0, l_override = 0;
    struct provider *p = NULL;
    enum status st = STATUS_OK;
    if (strcmp(kind, "referral") != 0 && strcmp(kind, "transfer") != 0) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: referral or transfer");
    } else if (strcmp(urgency, "normal") != 0 && strcmp(urgency, "urgent") != 0) {
        st = err_set_field(STATUS_INVALID, "urgency", "urgency: normal or urgent");
    } else if (!override && strcmp(basis, "consent") != 0) {
        st = err_set_field(STATUS_INVALID, "basis", "basis: consent or child_emergency_override");
    } else if (override && (in->override_reason == NULL || in->override_reason[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "override_reason", "override_reason: required for an emergency override");
    } else if (in->provider_id <= 0) {
        st = err_set_field(STATUS_INVALID, "provider_id", "provider_id: required");
    }
    if (st == STATUS_OK) {
        st = text_check("reason", in->reason);
    }
    if (st == STATUS_OK) {
        st = text_check("override_reason", in->override_reason);
    }
    if (st == STATUS_OK) {
        st = groups_parse(in->groups, &mask);
    }
    if (st == STATUS_OK) {
        st = referral__codes_normalise("services", in->services, &services);
    }
    if (st == STATUS_OK && services[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "services", "services: at least one service");
    }
    struct auth_record crec;
    if (st == STATUS_OK) {
        st = case_reach(ctx, case_id, "referral.write", true, "refer", &crec, NULL);
    }
    if (st == STATUS_OK) {
        /* One shares only what one may read oneself. */
        bool allowed[AUTH_FG__COUNT];
        auth_groups_allowed(ctx, &crec, false, allowed);
        for (int g = AUTH_FG_NONE + 1; st == STATUS_OK && g < AUTH_FG__COUNT; g++) {
            if ((mask & (1u << g)) && !allowed[g]) {
                st = err_set_field(STATUS_INVALID, "groups", "groups: you may not read %s fields yourself",
                                   auth_field_group_name((enum auth_field_group)g));
            }
        }
    }
    if (st == STATUS_OK) {
        st = referral__provider_load(ctx->store, in->provider_id, &p);
        if (st == STATUS_NOT_FOUND || (st == STATUS_OK && !p->active)) {
            st = err_set_field(STATUS_INVALID, "provider_id", "provider_id: no such active provider");
        }
    }
    /* Consent to share, or a child's emergency. */
    if (st == STATUS_OK) {
        st = case_consent_check(ctx, case_id, CASE_USE_SHARE);
        if (st == STATUS_CONFLICT && override) {
            bool child = false;
            st = case_is_child(ctx, case_id, &child);
            if (st == STATUS_OK && !child) {
                st = err_set_field(STATUS_CONFLICT, "basis",
                                   "basis: an emergency override is only for a child; record the consent to share");
            }
        }
    }
    int64_t id = vault_random_id(), now = util_now_ms();
    struct sql_value v_reason = SQLV_NULL, v_override = SQLV_NULL;
    if (st == STATUS_OK) {
        st = seal(ctx, "reason_enc", id, in->reason, &b_reason, &l_reason, &v_reason);
    }
    if (st == STATUS_OK && override) {
        st = seal(ctx, "override_reason_enc", id, in->override_reason, &b_override, &l_override, &v_override);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                SQLV_I64(crec.agency_id),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(p->id),
                                p->agency_id ? SQLV_I64(p->agency_id) : SQLV_NULL,
                                sqlv_text(kind),
                                sqlv_text(services),
                                SQLV_I64((int64_t)mask),
                                v_reason,
                                sqlv_text(urgency),
                                sqlv_text(basis),
                                v_override,
                                SQLV_I64(now)};
        st = store_exec(ctx->store, STMT_REFERRAL_INSERT, a, ARRAY_LEN(a), NULL);
    }
    /* The share and the receiver's task. */
    if (st == STATUS_OK && p->agency_id != 0) {
        int64_t access = vault_random_id();
        struct sql_value a[] = {SQLV_I64(access),  sqlv_text("case"),
                                SQLV_I64(case_id), SQLV_I64(p->agency_id),
                                SQLV_NULL,         SQLV_I64((int64_t)mask),
                                SQLV_BOOL(false),  sqlv_text("referral"),
                                SQLV_I64(id),      SQLV_NULL,
                                SQLV_I64(now),     ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(0)};
        st = store_exec(ctx->store, STMT_ACCESS_INSERT, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK) {
            struct sql_value b[] = {SQLV_I64(id), SQLV_I64(access)};
            st = store_exec(ctx->store, STMT_REFERRAL_ACCESS_SET, b, 2, NULL);
        }
        if (st == STATUS_OK) {
            char key[TASK_KEY_BYTES];
            task_key(key, sizeof key, id);
            int64_t days = strcmp(urgency, "urgent") == 0 ? REFERRAL_ANSWER_DAYS_URGENT : REFERRAL_ANSWER_DAYS;
            struct task_raise t = {.kind = TASK_KIND_REFERRAL_UNANSWERED,
                                   .key = key,
                                   .case_id = case_id,
                                   .record_type = "referral",
                                   .record_id = id,
                                   .agency_id = p->agency_id,
                                   .owner_id = 0,
                                   .due_at_ms = now + days * 86400000LL};
            int64_t task_id = 0;
            st = task_raise(ctx, &t, &task_id);
        }
    }
    if (st == STATUS_OK && override) {
        char detail[64];
        snprintf(detail, sizeof detail, "referral %lld", (long long)id);
        st = auth_audit(ctx, "referral.override", "case", case_id, "ok", detail);
    }
    if (st == STATUS_OK) {
        st = load(ctx, id, texts_readable(ctx), out);
    }
    free(services);
    free(b_reason);
    free(b_override);
    provider_free(p);
    return st;
}

enum status referral_get(const struct auth_ctx *ctx, int64_t id, struct referral **out)
{
    *out = NULL;
    struct referral *r = NULL;
    enum status st = load(ctx, id, texts_readable(ctx), &r);
    if (st == STATUS_OK) {
        st = side_check(ctx, r, "referral.read", false, NULL);
    }
    if (st != STATUS_OK) {
        referral_free(r);
        return st;
    }
    *out = r;
    return STATUS_OK;
}

/* Reads rows, keeping those the principal may see from one side or the other. */
static enum status rows_visible(const struct auth_ctx *ctx, struct store_rows *r, int want_side, struct referral ***out,
                                size_t *count_out)
{
    size_t cap = 8, n = 0;
    struct referral **list = xcalloc(cap, sizeof *list);
    bool texts = texts_readable(ctx);
    enum status st;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct referral *x = NULL;
        st = row_read(ctx, r, texts, &x);
        if (st != STATUS_OK) {
            break;
        }
        int side = side_of(ctx, x, "referral.read", false);
        if (side == 0 || (want_side != 0 && side != want_side && !ctx->who->operator)) {
            referral_free(x);
            continue;
        }
        x->received = side == 2 || (want_side == 2 && ctx->who->operator);
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n++] = x;
    }
    if (st != STATUS_DONE) {
        referral_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status referral_list_case(const struct auth_ctx *ctx, int64_t case_id, struct referral ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record crec;
    enum status st = case_reach(ctx, case_id, "referral.read", false, "referrals", &crec, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_REFERRAL_BY_CASE, a, 1, &r);
    if (st == STATUS_OK) {
        st = rows_visible(ctx, r, 0, out, count_out);
    }
    store_rows_free(r);
    return st;
}

enum status referral_list_box(const struct auth_ctx *ctx, const char *box, const char *state, int64_t limit,
                              int64_t offset, struct referral ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    bool received = box != NULL && strcmp(box, "received") == 0;
    if (box != NULL && box[0] && !received && strcmp(box, "sent") != 0) {
        return err_set_field(STATUS_INVALID, "box", "box: sent or received");
    }
    static const char *const states[] = {"", "pending", "accepted", "rejected", "completed", "revoked"};
    bool state_ok = false;
    for (size_t i = 0; i < ARRAY_LEN(states); i++) {
        state_ok = state_ok || strcmp(states[i], state ? state : "") == 0;
    }
    if (!state_ok) {
        return err_set_field(STATUS_INVALID, "state", "state: pending, accepted, rejected, completed or revoked");
    }
    if (limit <= 0) {
        limit = PAGE_ROWS_DEFAULT;
    }
    if (limit > PAGE_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "limit", "limit: at most %d", PAGE_ROWS_MAX);
    }
    enum status st =
        auth_check(ctx, "referral.read", NULL, AUTH_FG_NONE, false, received ? "referrals received" : "referrals sent");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    if (received) {
        agency = ctx->who->agency_id;
    } else {
        auth_scope_filter(ctx->who, &agency, &owner);
    }
    struct sql_value a[] = {SQLV_I64(received ? 1 : 0),    SQLV_I64(agency), SQLV_I64(owner),
                            sqlv_text(state ? state : ""), SQLV_I64(limit),  SQLV_I64(offset)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_REFERRAL_BOX, a, ARRAY_LEN(a), &r);
    if (st == STATUS_OK) {
        st = rows_visible(ctx, r, received ? 2 : 1, out, count_out);
    }
    store_rows_free(r);
    return st;
}

/* Writes r's state members (already changed) as a new version. */
static enum status state_write(const struct auth_ctx *ctx, struct referral *r, int64_t expected_version,
                               const char *note)
{
    if (expected_version >= 0 && expected_version != r->version) {
        return err_set(STATUS_CONFLICT, "the referral was changed by someone else; reload it");
    }
    uint8_t *blob = NULL;
    size_t len = 0;
    struct sql_value v_note = SQLV_NULL;
    enum status st = seal(ctx, "reject_note_enc", r->id, note, &blob, &len, &v_note);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(r->id),
                                sqlv_text(r->state),
                                sqlv_text(r->reject_code),
                                v_note,
                                SQLV_I64(r->answered_at_ms),
                                r->answered_by ? SQLV_I64(r->answered_by) : SQLV_NULL,
                                SQLV_I64(r->closed_at_ms),
                                r->closed_by ? SQLV_I64(r->closed_by) : SQLV_NULL,
                                SQLV_BOOL(r->keep_access),
                                SQLV_I64(util_now_ms()),
                                SQLV_I64(r->version)};
        struct store_rows *rows = NULL;
        st = store_exec_one(ctx->store, STMT_REFERRAL_STATE_SET, a, ARRAY_LEN(a), &rows);
        store_rows_free(rows);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the referral was changed by someone else; reload it");
        }
    }
    free(blob);
    return st;
}

/* Loads referral id and checks referral.write from the principal's side. */
static enum status answer_load(const struct auth_ctx *ctx, int64_t id, const char *detail, struct referral **out)
{
    enum status st = load(ctx, id, false, out);
    if (st == STATUS_OK) {
        st = side_check(ctx, *out, "referral.write", true, detail);
    }
    return st;
}

static enum status task_done(const struct auth_ctx *ctx, int64_t id, enum task_status outcome)
{
    char key[TASK_KEY_BYTES];
    task_key(key, sizeof key, id);
    return task_resolve(ctx, key, outcome);
}

enum status referral_accept(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, int64_t owner_id)
{
    struct referral *r = NULL;
    enum status st = answer_load(ctx, id, "accept", &r);
    if (st == STATUS_OK && !is_receiver(ctx, r)) {
        st = err_set(STATUS_DENIED, "only the receiving agency answers a referral");
    }
    if (st == STATUS_OK && strcmp(r->state, "pending") != 0) {
        st = err_set(STATUS_CONFLICT, "only a pending referral can be accepted (it is %s)", r->state);
    }
    int64_t owner = owner_id > 0 ? owner_id : ctx->who->user_id;
    if (st == STATUS_OK) {
        int64_t agency = 0;
        bool active = false;
        st = auth_user_membership(ctx->store, owner, &agency, &active);
        if (st == STATUS_NOT_FOUND || (st == STATUS_OK && (agency != r->to_agency_id || !active))) {
            st = err_set_field(STATUS_INVALID, "owner_id", "owner_id: an active user of the receiving agency");
        }
    }
    if (st == STATUS_OK) {
        snprintf(r->state, sizeof r->state, "accepted");
        r->answered_at_ms = util_now_ms();
        r->answered_by = owner;
        st = state_write(ctx, r, expected_version, NULL);
    }
    if (st == STATUS_OK && r->access_id != 0) {
        struct sql_value a[] = {SQLV_I64(r->access_id), SQLV_I64(owner)};
        st = store_exec(ctx->store, STMT_ACCESS_NAME_USER, a, 2, NULL);
    }
    if (st == STATUS_OK && strcmp(r->kind, "transfer") == 0) {
        /* The case becomes the receiver's own; the share has done its work. */
        st = case_transfer(ctx, r->case_id, r->to_agency_id, owner);
        if (st == STATUS_OK) {
            st = access_end(ctx, r->access_id);
        }
    }
    if (st == STATUS_OK) {
        st = task_done(ctx, id, TASK_DONE);
    }
    referral_free(r);
    return st;
}

enum status referral_reject(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *code,
                            const char *note)
{
    bool known = false;
    for (size_t i = 0; code && i < referral_reject_codes_count; i++) {
        known = known || strcmp(code, referral_reject_codes[i]) == 0;
    }
    if (!known) {
        return err_set_field(STATUS_INVALID, "code",
                             "code: no_capacity, not_eligible, service_unavailable, out_of_area, no_consent or other");
    }
    enum status st = text_check("note", note);
    struct referral *r = NULL;
    if (st == STATUS_OK) {
        st = answer_load(ctx, id, "reject", &r);
    }
    if (st == STATUS_OK && !is_receiver(ctx, r)) {
        st = err_set(STATUS_DENIED, "only the receiving agency answers a referral");
    }
    if (st == STATUS_OK && strcmp(r->state, "pending") != 0) {
        st = err_set(STATUS_CONFLICT, "only a pending referral can be rejected (it is %s)", r->state);
    }
    if (st == STATUS_OK) {
        snprintf(r->state, sizeof r->state, "rejected");
        snprintf(r->reject_code, sizeof r->reject_code, "%s", code);
        r->answered_at_ms = util_now_ms();
        r->answered_by = ctx->who->user_id;
        r->closed_at_ms = r->answered_at_ms;
        r->closed_by = ctx->who->user_id;
        st = state_write(ctx, r, expected_version, note);
    }
    if (st == STATUS_OK) {
        st = access_end(ctx, r->access_id);
    }
    if (st == STATUS_OK) {
        st = task_done(ctx, id, TASK_DONE);
    }
    referral_free(r);
    return st;
}

enum status referral_complete(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, bool keep_access)
{
    struct referral *r = NULL;
    enum status st = answer_load(ctx, id, "complete", &r);
    if (st == STATUS_OK && !is_receiver(ctx, r) && !is_sender(ctx, r)) {
        st = err_set(STATUS_DENIED, "only the sending or the receiving agency completes a referral");
    }
    if (st == STATUS_OK && strcmp(r->state, "accepted") != 0) {
        st = err_set(STATUS_CONFLICT, "only an accepted referral can be completed (it is %s)", r->state);
    }
    if (st == STATUS_OK && keep_access && !is_sender(ctx, r)) {
        st = err_set_field(STATUS_DENIED, "keep_access", "keep_access: only the sender keeps the share on");
    }
    if (st == STATUS_OK) {
        snprintf(r->state, sizeof r->state, "completed");
        r->closed_at_ms = util_now_ms();
        r->closed_by = ctx->who->user_id;
        r->keep_access = keep_access;
        st = state_write(ctx, r, expected_version, NULL);
    }
    if (st == STATUS_OK && !keep_access) {
        st = access_end(ctx, r->access_id);
    }
    referral_free(r);
    return st;
}

enum status referral_revoke(const struct auth_ctx *ctx, int64_t id, int64_t expected_version)
{
    struct referral *r = NULL;
    enum status st = answer_load(ctx, id, "revoke", &r);
    if (st == STATUS_OK && !is_sender(ctx, r)) {
        st = err_set(STATUS_DENIED, "only the sending agency revokes a referral");
    }
    if (st == STATUS_OK && strcmp(r->state, "pending") != 0 && strcmp(r->state, "accepted") != 0) {
        st = err_set(STATUS_CONFLICT, "only a pending or accepted referral can be revoked (it is %s)", r->state);
    }
    if (st == STATUS_OK && strcmp(r->kind, "transfer") == 0 && strcmp(r->state, "accepted") == 0) {
        st = err_set(STATUS_CONFLICT, "an accepted transfer cannot be revoked: the case is the receiver's now");
    }
    if (st == STATUS_OK) {
        snprintf(r->state, sizeof r->state, "revoked");
        r->closed_at_ms = util_now_ms();
        r->closed_by = ctx->who->user_id;
        st = state_write(ctx, r, expected_version, NULL);
    }
    if (st == STATUS_OK) {
        st = access_end(ctx, r->access_id);
    }
    if (st == STATUS_OK) {
        st = task_done(ctx, id, TASK_CANCELLED);
    }
    referral_free(r);
    return st;
}

static const char *opt_string(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum status referral_input_from_json(struct referral_input *in, const json_t *o)
{
    memset(in, 0, sizeof *in);
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "the body must be a JSON object");
    }
    const json_t *v = json_object_get(o, "provider_id");
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, "provider_id", "provider_id: required, a provider id");
    }
    in->provider_id = json_integer_value(v);
    in->kind = opt_string(o, "kind");
    in->reason = opt_string(o, "reason");
    in->urgency = opt_string(o, "urgency");
    in->basis = opt_string(o, "basis");
    in->override_reason = opt_string(o, "override_reason");
    in->owned[0] = referral_json_list(json_object_get(o, "services"));
    in->owned[1] = referral_json_list(json_object_get(o, "groups"));
    in->services = in->owned[0];
    in->groups = in->owned[1];
    return STATUS_OK;
}

void referral_input_clear(struct referral_input *in)
{
    free(in->owned[0]);
    free(in->owned[1]);
    memset(in, 0, sizeof *in);
}

json_t *referral_to_json(const struct referral *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "case_id", json_integer(r->case_id));
    json_object_set_new(o, "from_agency_id", json_integer(r->from_agency_id));
    json_object_set_new(o, "from_user_id", r->from_user_id ? json_integer(r->from_user_id) : json_null());
    json_object_set_new(o, "provider_id", json_integer(r->provider_id));
    json_object_set_new(o, "to_agency_id", r->to_agency_id ? json_integer(r->to_agency_id) : json_null());
    json_object_set_new(o, "kind", json_string(r->kind));
    json_object_set_new(o, "services", referral__codes_json(r->services));
    json_t *g = json_array();
    for (int i = AUTH_FG_NONE + 1; i < AUTH_FG__COUNT; i++) {
        if (r->groups & (1u << i)) {
            json_array_append_new(g, json_string(auth_field_group_name((enum auth_field_group)i)));
        }
    }
    json_object_set_new(o, "groups", g);
    json_object_set_new(o, "reason", r->reason ? json_string(r->reason) : json_null());
    json_object_set_new(o, "urgency", json_string(r->urgency));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "reject_code", r->reject_code[0] ? json_string(r->reject_code) : json_null());
    json_object_set_new(o, "reject_note", r->reject_note ? json_string(r->reject_note) : json_null());
    json_object_set_new(o, "basis", json_string(r->basis));
    json_object_set_new(o, "override_reason", r->override_reason ? json_string(r->override_reason) : json_null());
    json_object_set_new(o, "keep_access", json_boolean(r->keep_access));
    json_object_set_new(o, "created_at_ms", json_integer(r->created_at_ms));
    json_object_set_new(o, "answered_at_ms", json_integer(r->answered_at_ms));
    json_object_set_new(o, "answered_by", r->answered_by ? json_integer(r->answered_by) : json_null());
    json_object_set_new(o, "closed_at_ms", json_integer(r->closed_at_ms));
    json_object_set_new(o, "closed_by", r->closed_by ? json_integer(r->closed_by) : json_null());
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "box", json_string(r->received ? "received" : "sent"));
    return o;
}

static enum status count_rows(const struct auth_ctx *ctx, enum stmt id, const struct sql_value *a, size_t n,
                              int64_t *count)
{
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, id, a, n, &r);
    if (st != STATUS_OK) {
        return st;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        (*count)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status referral_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out)
{
    *items_out = 0;
    struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(util_now_ms())};
    enum status st = count_rows(ctx, STMT_REFERRAL_PURGE_TEXTS, a, 1, items_out);
    if (st == STATUS_OK) {
        st = count_rows(ctx, STMT_ACCESS_PURGE_CASE, a, 2, items_out);
    }
    return st;
}

enum status referral_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_REFERRAL_BY_CASE, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct referral *x = NULL;
        st = row_read(ctx, r, true, &x);
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(arr, referral_to_json(x));
        referral_free(x);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        return STATUS_OK;
    }
    *out = json_pack("{so}", "referrals", arr);
    return STATUS_OK;
}

static void text_free(char *s)
{
    if (s != NULL) {
        vault_plain_free(s, strlen(s));
    }
}

void referral_free(struct referral *r)
{
    if (r == NULL) {
        return;
    }
    free(r->services);
    text_free(r->reason);
    text_free(r->reject_note);
    text_free(r->override_reason);
    free(r);
}

void referral_list_free(struct referral **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        referral_free(list[i]);
    }
    free(list);
}
