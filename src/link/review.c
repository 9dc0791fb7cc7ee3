/* review: linkage runs and the review queue (see review.h). */
#include "link/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/clk.h"
#include "link/match.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static bool side_known(const char *s)
{
    return s != NULL && (strcmp(s, "a") == 0 || strcmp(s, "b") == 0 || strcmp(s, "none") == 0);
}

static bool signer_ok(const char *s)
{
    return s != NULL && s[0] != '\0' && strlen(s) <= NAME_BYTES_MAX;
}

/* The run as an access record: it belongs to the agency that saved it. */
static struct auth_record run_record(const struct link_run *r)
{
    return (struct auth_record){.type = "link_run", .id = r->id, .agency_id = r->agency_id, .owner_id = r->created_by};
}

/* The caller's right to ask, before any input is read: a refusal is audited (auth_check), a grant
 * is not, so that the access that follows is the one audit entry of the call. */
static enum status run_permission(const struct auth_ctx *ctx, bool write)
{
    if (auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, write) != STATUS_OK) {
        return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, write, "linkage run");
    }
    return STATUS_OK;
}

enum status link_run_save(const struct auth_ctx *ctx, const struct link_run_new *in, int64_t *id_out)
{
    *id_out = 0;
    enum status st = run_permission(ctx, true); /* the run's own entry below is its audit */
    if (st != STATUS_OK) {
        return st;
    }
    size_t plen = in->project != NULL ? strlen(in->project) : 0;
    if (plen == 0 || plen > LINK_PROJECT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "project", "project: 1 to %d bytes", LINK_PROJECT_BYTES_MAX);
    }
    if (!signer_ok(in->a_signer) || !signer_ok(in->b_signer)) {
        return err_set_field(STATUS_INVALID, "signer", "signer: the name of the agency that signed each file");
    }
    if (!side_known(in->local_side)) {
        return err_set_field(STATUS_INVALID, "local_side", "local_side: a, b or none");
    }
    if (!(in->threshold > 0.0 && in->threshold <= 1.0) ||
        !(in->review_from > 0.0 && in->review_from <= in->threshold)) {
        return err_set_field(STATUS_INVALID, "review_from", "thresholds: 0 < review_from <= threshold <= 1");
    }
    if (in->count > LINK_RUN_PAIRS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %d pairs in one run", LINK_RUN_PAIRS_MAX);
    }
    int64_t id = vault_random_id();
    int64_t matches = 0, review = 0;
    int64_t agency = ctx->who->operator&& in->agency_id> 0 ? in->agency_id : ctx->who->agency_id;
    for (size_t i = 0; i < in->count; i++) {
        if (in->pairs[i].score >= in->threshold) {
            matches++;
        } else if (in->pairs[i].score >= in->review_from) {
            review++;
        }
    }
    struct sql_value a[] = {SQLV_I64(id),
                            sqlv_text(in->project),
                            sqlv_text(in->a_signer),
                            sqlv_text(in->b_signer),
                            sqlv_text(in->local_side),
                            SQLV_F64(in->threshold),
                            SQLV_F64(in->review_from),
                            SQLV_I64((int64_t)in->a->count),
                            SQLV_I64((int64_t)in->b->count),
                            SQLV_I64(matches),
                            SQLV_I64(review),
                            agency > 0 ? SQLV_I64(agency) : SQLV_NULL,
                            ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_LINK_RUN_INSERT, a, ARRAY_LEN(a), NULL);
    for (size_t i = 0; st == STATUS_OK && i < in->count; i++) {
        const struct link_pair *p = &in->pairs[i];
        if (p->score < in->review_from || p->a >= in->a->count || p->b >= in->b->count) {
            continue;
        }
        const char *ai = in->a->ids[p->a], *bi = in->b->ids[p->b];
        struct sql_value b[] = {SQLV_I64(vault_random_id()),
                                SQLV_I64(id),
                                sqlv_text(ai != NULL ? ai : ""),
                                sqlv_text(bi != NULL ? bi : ""),
                                SQLV_F64(p->score),
                                sqlv_text(p->score >= in->threshold ? "match" : "review")};
        st = store_exec(ctx->store, STMT_LINK_PAIR_INSERT, b, ARRAY_LEN(b), NULL);
    }
    if (st == STATUS_OK) {
        char detail[96];
        snprintf(detail, sizeof detail, "%zu x %zu records, %lld matches, %lld to review", in->a->count, in->b->count,
                 (long long)matches, (long long)review);
        st = auth_audit(ctx, "link.run.save", "link_run", id, "ok", detail);
    }
    if (st == STATUS_OK) {
        *id_out = id;
    }
    return st;
}

/* id, project, a_signer, b_signer, local_side, threshold, review_from, a_count, b_count, matches,
 * review, agency_id, created_by, created_at_ms, decided */
static void run_row(struct store_rows *r, struct link_run *out)
{
    memset(out, 0, sizeof *out);
    out->id = store_rows_i64(r, 0);
    snprintf(out->project, sizeof out->project, "%s", store_rows_text(r, 1));
    snprintf(out->a_signer, sizeof out->a_signer, "%s", store_rows_text(r, 2));
    snprintf(out->b_signer, sizeof out->b_signer, "%s", store_rows_text(r, 3));
    snprintf(out->local_side, sizeof out->local_side, "%s", store_rows_text(r, 4));
    out->threshold = store_rows_f64(r, 5);
    out->review_from = store_rows_f64(r, 6);
    out->a_count = store_rows_i64(r, 7);
    out->b_count = store_rows_i64(r, 8);
    out->matches = store_rows_i64(r, 9);
    out->review = store_rows_i64(r, 10);
    out->agency_id = store_rows_is_null(r, 11) ? 0 : store_rows_i64(r, 11);
    out->created_by = store_rows_is_null(r, 12) ? 0 : store_rows_i64(r, 12);
    out->created_at_ms = store_rows_i64(r, 13);
    out->decided = store_rows_i64(r, 14);
}

enum status link_runs(const struct auth_ctx *ctx, struct link_run **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "list linkage runs");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency = 0, owner = 0;
    auth_scope_filter(ctx->who, &agency, &owner);
    struct sql_value a[] = {SQLV_I64(agency), SQLV_I64(owner)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_LINK_RUN_LIST, a, ARRAY_LEN(a), &r);
    size_t cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (*count_out == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        run_row(r, &(*out)[(*count_out)++]);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(*out);
        *out = NULL;
        *count_out = 0;
        return st;
    }
    return STATUS_OK;
}

/* The run's row, without a decision or an audit entry (the caller has made both). */
static enum status run_load(const struct auth_ctx *ctx, int64_t id, struct link_run *out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_LINK_RUN_GET, a, 1, &r);
    if (st == STATUS_OK) {
        run_row(r, out);
    }
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such linkage run");
    }
    return st;
}

/* Loads a run and checks the caller may reach it (audited by auth_check). */
static enum status run_reach(const struct auth_ctx *ctx, int64_t id, bool write, const char *detail,
                             struct link_run *out)
{
    enum status st = run_permission(ctx, write);
    if (st == STATUS_OK) {
        st = run_load(ctx, id, out);
    }
    if (st == STATUS_OK) {
        struct auth_record rec = run_record(out);
        st = auth_check(ctx, "link.run", &rec, AUTH_FG_NONE, write, detail);
    }
    return st;
}

enum status link_run_get(const struct auth_ctx *ctx, int64_t id, struct link_run *out)
{
    return run_reach(ctx, id, false, "read linkage run", out);
}

/* The local case behind a token of this instance's own file, 0 when there is none. */
static int64_t local_case(const struct auth_ctx *ctx, const char *project, const char *token)
{
    struct sql_value a[] = {sqlv_text(project), sqlv_text(token)};
    struct store_rows *r = NULL;
    int64_t id = 0;
    if (store_exec_one(ctx->store, STMT_LINK_TOKEN_CASE, a, 2, &r) == STATUS_OK) {
        id = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    err_clear();
    return id;
}

static void pair_row(struct store_rows *r, struct link_run_pair *p)
{
    memset(p, 0, sizeof *p);
    p->id = store_rows_i64(r, 0);
    p->run_id = store_rows_i64(r, 1);
    snprintf(p->a_id, sizeof p->a_id, "%s", store_rows_text(r, 2));
    snprintf(p->b_id, sizeof p->b_id, "%s", store_rows_text(r, 3));
    p->score = store_rows_f64(r, 4);
    snprintf(p->band, sizeof p->band, "%s", store_rows_text(r, 5));
    snprintf(p->decision, sizeof p->decision, "%s", store_rows_is_null(r, 6) ? "" : store_rows_text(r, 6));
    p->decided_by = store_rows_is_null(r, 7) ? 0 : store_rows_i64(r, 7);
    p->decided_at_ms = store_rows_is_null(r, 8) ? 0 : store_rows_i64(r, 8);
    p->version = store_rows_i64(r, 9);
}

enum status link_run_pairs(const struct auth_ctx *ctx, int64_t run_id, const char *band, bool undecided_only,
                           struct link_run_pair **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (band != NULL && strcmp(band, "match") != 0 && strcmp(band, "review") != 0) {
        enum status st = run_permission(ctx, false);
        return st != STATUS_OK ? st : err_set_field(STATUS_INVALID, "band", "band: match or review");
    }
    struct link_run run;
    enum status st = run_reach(ctx, run_id, false, undecided_only ? "review queue" : "run pairs", &run);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(run_id), sqlv_text(band != NULL ? band : ""), SQLV_I64(undecided_only ? 1 : 0)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_LINK_PAIR_LIST, a, ARRAY_LEN(a), &r);
    size_t cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (*count_out == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        pair_row(r, &(*out)[(*count_out)++]);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(*out);
        *out = NULL;
        *count_out = 0;
        return st;
    }
    /* Only this instance's own side resolves to a case. */
    bool side_a = strcmp(run.local_side, "a") == 0, side_b = strcmp(run.local_side, "b") == 0;
    for (size_t i = 0; (side_a || side_b) && i < *count_out; i++) {
        struct link_run_pair *p = &(*out)[i];
        p->local_case_id = local_case(ctx, run.project, side_a ? p->a_id : p->b_id);
    }
    return STATUS_OK;
}

enum status link_pair_decide(const struct auth_ctx *ctx, int64_t pair_id, const char *decision, int64_t version)
{
    enum status st = run_permission(ctx, true);
    if (st != STATUS_OK) {
        return st;
    }
    if (decision == NULL || (strcmp(decision, "match") != 0 && strcmp(decision, "nonmatch") != 0)) {
        return err_set_field(STATUS_INVALID, "decision", "decision: match or nonmatch");
    }
    struct sql_value k[] = {SQLV_I64(pair_id)};
    struct store_rows *r = NULL;
    struct link_run_pair p;
    st = store_exec_one(ctx->store, STMT_LINK_PAIR_GET, k, 1, &r);
    if (st == STATUS_OK) {
        pair_row(r, &p);
    }
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such pair");
    }
    struct link_run run;
    if (st == STATUS_OK) {
        st = run_reach(ctx, p.run_id, true, "review decision", &run);
    }
    if (st == STATUS_OK && strcmp(p.band, "review") != 0) {
        st = err_set(STATUS_CONFLICT, "only pairs in the review band are decided");
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(pair_id), SQLV_I64(version), sqlv_text(decision),
                                ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_LINK_PAIR_DECIDE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the pair has been decided since it was read");
        }
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "link.review.decide", "link_run", p.run_id, "ok", decision);
    }
    return st;
}

enum status link_run_match(const struct auth_ctx *ctx, const struct link_run_upload *in, struct link_run *out)
{
    memset(out, 0, sizeof *out);
    enum status st = run_permission(ctx, true); /* link_run_save audits the run */
    if (st != STATUS_OK) {
        return st;
    }
    double from = in->review_from > 0 ? in->review_from : in->threshold;
    if (!(in->threshold > 0.0 && in->threshold <= 1.0)) {
        return err_set_field(STATUS_INVALID, "threshold", "threshold: a similarity in (0, 1]");
    }
    if (!(from > 0.0 && from <= in->threshold)) {
        return err_set_field(STATUS_INVALID, "review_from", "review_from: a similarity in (0, threshold]");
    }
    struct link_clkset *a = NULL, *b = NULL;
    struct link_clkheader ha, hb;
    st = link_clkfile_check(ctx->store, ctx->vault, "a", in->a, in->a_len, NULL, NULL, &a, &ha);
    const char *which = "a";
    if (st == STATUS_OK) {
        which = "b";
        st = link_clkfile_check(ctx->store, ctx->vault, "b", in->b, in->b_len, ha.project, NULL, &b, &hb);
    }
    if (st == STATUS_CRYPTO || st == STATUS_INVALID) {
        /* An uploaded file that does not check is the sender's input, not this server's fault. */
        char msg[ERR_MESSAGE_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        st = err_set_field(STATUS_INVALID, which, "%s", msg);
    }
    if (st == STATUS_OK && strcmp(ha.schema, hb.schema) != 0) {
        st = err_set_field(STATUS_CONFLICT, "b", "b: encoded with another schema than a");
    }
    struct link_pair *pairs = NULL;
    size_t count = 0;
    if (st == STATUS_OK) {
        struct link_match_opts mo = {.threshold = from};
        st = link_match(a, b, &mo, &pairs, &count);
    }
    if (st == STATUS_OK) {
        const char *side = strcmp(ha.trusted_as, "self") == 0 ? "a" : strcmp(hb.trusted_as, "self") == 0 ? "b" : "none";
        struct link_run_new run = {ha.project, ha.signer, hb.signer, side, in->threshold, from, a, b, pairs, count, 0};
        int64_t id = 0;
        st = link_run_save(ctx, &run, &id);
        if (st == STATUS_OK) {
            st = run_load(ctx, id, out); /* link_run_save has audited it */
        }
    }
    free(pairs);
    link_clkset_free(a);
    link_clkset_free(b);
    return st;
}

json_t *link_run_to_json(const struct link_run *r)
{
    char at[32];
    util_time_iso(at, r->created_at_ms);
    return json_pack("{sIsssssssssfsfsIsIsIsIsIsIsIss}", "id", (json_int_t)r->id, "project", r->project, "a_signer",
                     r->a_signer, "b_signer", r->b_signer, "local_side", r->local_side, "threshold", r->threshold,
                     "review_from", r->review_from, "a_count", (json_int_t)r->a_count, "b_count",
                     (json_int_t)r->b_count, "matches", (json_int_t)r->matches, "review", (json_int_t)r->review,
                     "decided", (json_int_t)r->decided, "agency_id", (json_int_t)r->agency_id, "created_by",
                     (json_int_t)r->created_by, "created_at", at);
}

json_t *link_run_pair_to_json(const struct link_run_pair *p)
{
    json_t *o = json_pack("{sIsIsssssfsssIsI}", "id", (json_int_t)p->id, "run_id", (json_int_t)p->run_id, "a_id",
                          p->a_id, "b_id", p->b_id, "score", p->score, "band", p->band, "version",
                          (json_int_t)p->version, "decided_by", (json_int_t)p->decided_by);
    json_object_set_new(o, "decision", p->decision[0] ? json_string(p->decision) : json_null());
    json_object_set_new(o, "local_case_id", p->local_case_id ? json_integer(p->local_case_id) : json_null());
    return o;
}
