/* persons: encoding the registry's persons for a linkage project (clk.h: link_encode_persons),
 * under opaque per-project tokens kept in link_tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "link/clk.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

void link_token(struct vault *v, const char *project, int64_t case_id, char out[33])
{
    char buf[LINK_PROJECT_BYTES_MAX + 32];
    int n = snprintf(buf, sizeof buf, "%s%c%lld", project, '\0', (long long)case_id);
    ASSERT(n > 0 && (size_t)n < sizeof buf);
    uint8_t mac[VAULT_HASH_BYTES];
    vault_mac(v, mac, LINK_TOKEN_PURPOSE, buf, (size_t)n);
    util_hex_encode(out, mac, 16);
}

/* The permission before anything else: a denial is noted for auth_run to audit. */
static enum status permitted(const struct auth_ctx *ctx, const char *what)
{
    if (auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, false) == STATUS_OK) {
        return STATUS_OK;
    }
    enum status st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, what);
    return st == STATUS_OK ? err_set(STATUS_DENIED, "link.run needed") : st;
}

enum status link_token_case(const struct auth_ctx *ctx, const char *project, const char *token, int64_t *case_id)
{
    *case_id = 0;
    enum status st = permitted(ctx, "token");
    if (st != STATUS_OK) {
        return st;
    }
    if (!link_project_valid(project) || token == NULL || strlen(token) != 32) {
        return err_set_field(STATUS_INVALID, "token", "a project id and a token of 32 hexadecimal digits");
    }
    struct sql_value a[] = {sqlv_text(project), sqlv_text(token)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_LINK_TOKEN_CASE, a, ARRAY_LEN(a), &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no case of this agency has that token in project %s", project);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = store_rows_i64(r, 0);
    store_rows_free(r);
    /* The case itself stays behind its own access check. */
    struct auth_record rec;
    st = case_reach(ctx, id, "case.read", false, "linkage token", &rec, NULL);
    if (st == STATUS_OK) {
        *case_id = id;
    }
    return st;
}

enum status link_encode_persons(const struct auth_ctx *ctx, const struct link_encoder *e, const char *project,
                                link_encode_progress_fn progress, void *progress_arg, struct link_clkset **out)
{
    *out = NULL;
    enum status st = permitted(ctx, "encode persons");
    if (st != STATUS_OK) {
        return st;
    }
    if (!link_project_valid(project)) {
        return err_set_field(STATUS_INVALID, "project", "project: 1 to %d letters, digits, '.', '_' or '-'",
                             LINK_PROJECT_BYTES_MAX);
    }
    /* The persons' identities: fg.identity.read. */
    if (auth_decide(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false) != STATUS_OK) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false, "linkage");
        return st == STATUS_OK ? err_set(STATUS_DENIED, "fg.identity.read needed") : st;
    }
    const struct link_schema *s = link_encoder_schema(e);
    /* Each encoded feature is a field of the case registry. */
    int field[LINK_FEATURES_MAX];
    for (size_t i = 0; i < s->count; i++) {
        field[i] = s->features[i].ignored ? -1 : case_field_find(s->features[i].identifier);
        if (!s->features[i].ignored && field[i] < 0) {
            return err_set_field(STATUS_INVALID, s->features[i].identifier,
                                 "%s: not a field of the case registry (docs/linkage.md lists them)",
                                 s->features[i].identifier);
        }
    }
    struct case_filter f = {.linkage = true, .limit = CASE_LINKAGE_ROWS_MAX};
    struct case_record **list = NULL;
    size_t n = 0;
    st = case_list(ctx, &f, &list, &n);
    if (st != STATUS_OK) {
        return st;
    }
    /* Only the cases whose identity fields this principal may read, with at least one value to
     * encode (an empty encoding matches nothing and only adds noise). */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool any = false;
        for (size_t j = 0; j < s->count && !any; j++) {
            const struct case_value *v = field[j] >= 0 ? &list[i]->v[field[j]] : NULL;
            any = v != NULL && v->state == CASE_SET && v->text != NULL && v->text[0] != '\0';
        }
        if (any && !list[i]->withheld[CASE_F_given_name] && !list[i]->withheld[CASE_F_family_name] &&
            !list[i]->withheld[CASE_F_birth_date]) {
            list[kept++] = list[i];
        } else {
            case_record_free(list[i]);
        }
    }
    n = kept;
    struct link_clkset *set = NULL;
    st = link_clkset_new(&set, n, s->bits);
    const char *vals[LINK_FEATURES_MAX];
    size_t lens[LINK_FEATURES_MAX];
    int64_t now = util_now_ms();
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        for (size_t j = 0; j < s->count; j++) {
            const struct case_value *v = field[j] >= 0 ? &list[i]->v[field[j]] : NULL;
            vals[j] = v != NULL && v->state == CASE_SET && v->text != NULL ? v->text : NULL;
            lens[j] = vals[j] != NULL ? strlen(vals[j]) : 0;
        }
        st = link_encode_record(e, vals, lens, link_clkset_row(set, i));
        if (st != STATUS_OK) {
            st = err_set_field(st, err_last_field(), "case %lld: %s", (long long)list[i]->id, err_last());
            break;
        }
        char token[33];
        link_token(ctx->vault, project, list[i]->id, token);
        st = link_clkset_id_set(set, i, token);
        struct sql_value a[] = {sqlv_text(project), sqlv_text(token), SQLV_I64(list[i]->id), SQLV_I64(now)};
        if (st == STATUS_OK) {
            st = store_exec(ctx->store, STMT_LINK_TOKEN_PUT, a, ARRAY_LEN(a), NULL);
        }
        if (progress != NULL && (i % 1024 == 1023 || i + 1 == n)) {
            progress(i + 1, n, progress_arg);
        }
    }
    case_list_free(list, n);
    if (st == STATUS_OK) {
        char digest[2 * LINK_SCHEMA_DIGEST_BYTES + 1], detail[200];
        link_schema_digest_hex(s, digest);
        snprintf(detail, sizeof detail, "encode persons project=%s records=%zu schema=%.16s", project, set->count,
                 digest);
        st = auth_check(ctx, "link.run", NULL, AUTH_FG_IDENTITY, false, detail);
    }
    if (st != STATUS_OK) {
        link_clkset_free(set);
        return st;
    }
    link_clkset_popcounts(set);
    *out = set;
    return STATUS_OK;
}
