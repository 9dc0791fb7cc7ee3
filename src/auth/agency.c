/* agency: the organisations that hold records (HTCDS organisation types). An agency is itself a
 * record of its own agency, so a user with agency scope sees and manages only their own. */
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const char *const auth_org_types[] = {
    "NGO",
    "LawEnforcement",
    "HealthServiceOrganisation",
    "CentralGovernmentOrganisation",
    "LocalGovernmentOrganisation",
    "ImmigrationService",
    "LegalService",
    "CorporateBusiness",
    "SchoolOrCollege",
    "InternationalOrganisation",
};
const size_t auth_org_types_count = ARRAY_LEN(auth_org_types);

static enum status agency_validate(const struct auth_agency_input *in, bool create)
{
    if (create || in->name != NULL) {
        size_t n = in->name ? strlen(in->name) : 0;
        if (n == 0 || n > NAME_BYTES_MAX || !util_utf8_valid(in->name, n)) {
            return err_set_field(STATUS_INVALID, "name", "name: 1 to %d bytes of text", NAME_BYTES_MAX);
        }
    }
    if (create || in->org_type != NULL) {
        bool ok = false;
        for (size_t i = 0; in->org_type && i < auth_org_types_count; i++) {
            ok = ok || strcmp(in->org_type, auth_org_types[i]) == 0;
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, "org_type", "org_type: not an HTCDS organisation type");
        }
    }
    if (in->country != NULL && in->country[0] != '\0') {
        const char *c = in->country;
        if (strlen(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z') {
            return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 alpha-3 code, e.g. NGA");
        }
    }
    return STATUS_OK;
}

static struct auth_agency *agency_read(struct store_rows *r)
{
    struct auth_agency *a = xcalloc(1, sizeof *a);
    a->id = store_rows_i64(r, 0);
    a->name = xstrdup(store_rows_text(r, 1));
    a->org_type = xstrdup(store_rows_text(r, 2));
    a->country = xstrdup(store_rows_text(r, 3));
    a->disabled = store_rows_i64(r, 4) != 0;
    a->created_at_ms = store_rows_i64(r, 5);
    a->updated_at_ms = store_rows_i64(r, 6);
    a->version = store_rows_i64(r, 7);
    return a;
}

static enum status agency_load(struct store *s, int64_t id, struct auth_agency **out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_AGENCY_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such agency") : st;
    }
    *out = agency_read(r);
    store_rows_free(r);
    return STATUS_OK;
}

enum status auth_agency_create(const struct auth_ctx *ctx, const struct auth_agency_input *in, struct auth_agency **out)
{
    *out = NULL;
    enum status st = agency_validate(in, true);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    /* A new agency is outside every agency scope: creating one needs scope all. */
    struct auth_record rec = {.type = "agency", .id = id, .agency_id = id};
    st = auth_check(ctx, "agency.manage", &rec, AUTH_FG_NONE, true, "create");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id), sqlv_text(in->name), sqlv_text(in->org_type),
                            sqlv_text(in->country ? in->country : ""), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_AGENCY_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        return err_set_field(STATUS_CONFLICT, "name", "name: an agency with this name exists");
    }
    if (st != STATUS_OK) {
        return st;
    }
    return agency_load(ctx->store, id, out);
}

enum status auth_agency_get(const struct auth_ctx *ctx, int64_t id, struct auth_agency **out)
{
    *out = NULL;
    struct auth_agency *a = NULL;
    enum status st = agency_load(ctx->store, id, &a);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = {.type = "agency", .id = id, .agency_id = id};
    st = auth_check(ctx, "agency.read", &rec, AUTH_FG_NONE, false, NULL);
    if (st != STATUS_OK) {
        auth_agency_free(a);
        /* Out of scope looks the same as absent, so ids cannot be probed. */
        return st == STATUS_DENIED && auth_has(ctx->who, "agency.read") ? err_set(STATUS_NOT_FOUND, "no such agency")
                                                                        : st;
    }
    *out = a;
    return STATUS_OK;
}

enum status auth_agency_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                               const struct auth_agency_input *in, struct auth_agency **out)
{
    *out = NULL;
    enum status st = agency_validate(in, false);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_agency *cur = NULL;
    st = agency_load(ctx->store, id, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = {.type = "agency", .id = id, .agency_id = id};
    st = auth_check(ctx, "agency.manage", &rec, AUTH_FG_NONE, true, "update");
    if (st == STATUS_DENIED && auth_has(ctx->who, "agency.manage")) {
        st = err_set(STATUS_NOT_FOUND, "no such agency"); /* out of scope looks absent */
    }
    if (st != STATUS_OK) {
        goto out;
    }
    if (cur->version != expected_version) {
        st = err_set(STATUS_CONFLICT, "the agency was changed by someone else (version %lld, not %lld)",
                     (long long)cur->version, (long long)expected_version);
        goto out;
    }
    struct sql_value a[] = {
        SQLV_I64(id),
        sqlv_text(in->name ? in->name : cur->name),
        sqlv_text(in->org_type ? in->org_type : cur->org_type),
        sqlv_text(in->country ? in->country : cur->country),
        SQLV_BOOL(in->disabled < 0 ? cur->disabled : in->disabled != 0),
        SQLV_I64(util_now_ms()),
        SQLV_I64(expected_version),
    };
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_AGENCY_UPDATE, a, ARRAY_LEN(a), &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_CONFLICT, "the agency was changed by someone else; reload it");
    } else if (st == STATUS_CONFLICT) {
        st = err_set_field(STATUS_CONFLICT, "name", "name: an agency with this name exists");
    }
    if (st == STATUS_OK) {
        st = agency_load(ctx->store, id, out);
    }
out:
    auth_agency_free(cur);
    return st;
}

enum status auth_agency_list(const struct auth_ctx *ctx, int64_t limit, int64_t offset, struct auth_agency ***out,
                             size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "agency.read", NULL, AUTH_FG_NONE, false, "list");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(limit), SQLV_I64(offset)};
    struct store_rows *r = NULL;
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    if (agency_filter != 0) {
        /* Agency or own scope: the list is one's own agency. */
        struct sql_value g[] = {SQLV_I64(agency_filter)};
        if (offset > 0) {
            *out = xcalloc(1, sizeof **out);
            return STATUS_OK;
        }
        st = store_exec(ctx->store, STMT_AGENCY_GET, g, 1, &r);
    } else {
        st = store_exec(ctx->store, STMT_AGENCY_LIST, a, 2, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 16, n = 0;
    struct auth_agency **list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n++] = agency_read(r);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        auth_agency_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

void auth_agency_free(struct auth_agency *a)
{
    if (a == NULL) {
        return;
    }
    free(a->name);
    free(a->org_type);
    free(a->country);
    free(a);
}

void auth_agency_list_free(struct auth_agency **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        auth_agency_free(list[i]);
    }
    free(list);
}
