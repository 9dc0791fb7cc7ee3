/* user: user accounts. The display name (identity) and e-mail (contact) are sealed by the vault;
 * the e-mail is found through its blind index. A user is a record of their agency, owned by
 * themselves. Nobody grants what they do not hold: a role's permissions and a scope must be
 * within the granter's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static enum status unseal_field(struct vault *v, char **out, const char *column, int64_t id, struct store_rows *r,
                                size_t col)
{
    *out = NULL;
    size_t len = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    if (blob == NULL || len == 0) {
        return STATUS_OK;
    }
    struct vault_ad ad = {"users", column, id};
    size_t plen = 0;
    return vault_unseal(v, out, &plen, &ad, blob, len);
}

/* Reads the user at the cursor; decrypts the name and e-mail when allowed. */
static enum status user_read(struct vault *v, struct store_rows *r, bool with_name, bool with_email,
                             struct auth_user **out)
{
    struct auth_user *u = xcalloc(1, sizeof *u);
    u->id = store_rows_i64(r, U_ID);
    u->agency_id = store_rows_i64(r, U_AGENCY);
    u->username = xstrdup(store_rows_text(r, U_USERNAME));
    u->role = xstrdup(store_rows_text(r, U_ROLE_NAME));
    auth_scope_parse(&u->scope, store_rows_text(r, U_SCOPE));
    u->disabled = store_rows_i64(r, U_DISABLED) != 0;
    u->must_change_password = store_rows_i64(r, U_MUST_CHANGE) != 0;
    u->totp_enabled = store_rows_i64(r, U_TOTP_ENABLED) != 0;
    u->locked = store_rows_i64(r, U_LOCKED_UNTIL) > util_now_ms();
    u->last_login_ms = store_rows_i64(r, U_LAST_LOGIN);
    u->created_at_ms = store_rows_i64(r, U_CREATED);
    u->updated_at_ms = store_rows_i64(r, U_UPDATED);
    u->version = store_rows_i64(r, U_VERSION);
    enum status st = STATUS_OK;
    if (with_name) {
        st = unseal_field(v, &u->display_name, "display_name_enc", u->id, r, U_NAME_ENC);
    }
    if (st == STATUS_OK && with_email) {
        st = unseal_field(v, &u->email, "email_enc", u->id, r, U_EMAIL_ENC);
    }
    if (st != STATUS_OK) {
        auth_user_free(u);
        return st;
    }
    *out = u;
    return STATUS_OK;
}

static struct auth_record user_record(int64_t id, int64_t agency_id)
{
    return (struct auth_record){.type = "user", .id = id, .agency_id = agency_id, .owner_id = id};
}

static enum status username_check(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 3 || n > USERNAME_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "username", "username: 3 to %d characters", USERNAME_BYTES_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return err_set_field(STATUS_INVALID, "username",
                                 "username: lower-case letters, digits, '.', '_' and '-' only");
        }
    }
    return STATUS_OK;
}

enum status auth_password_policy(const char *password, const char *username)
{
    size_t n = password ? strlen(password) : 0;
    if (n < PASSWORD_BYTES_MIN) {
        return err_set_field(STATUS_INVALID, "password", "password: at least %d characters", PASSWORD_BYTES_MIN);
    }
    if (n > PASSWORD_BYTES_MAX || !util_utf8_valid(password, n)) {
        return err_set_field(STATUS_INVALID, "password", "password: at most %d bytes of text", PASSWORD_BYTES_MAX);
    }
    if (username != NULL && username[0] != '\0' && strstr(password, username) != NULL) {
        return err_set_field(STATUS_INVALID, "password", "password: must not contain the username");
    }
    return STATUS_OK;
}

static enum status text_check(const char *field, const char *value, size_t max)
{
    size_t n = strlen(value);
    if (n > max || !util_utf8_valid(value, n)) {
        return err_set_field(STATUS_INVALID, field, "%s: at most %zu bytes of text", field, max);
    }
    return STATUS_OK;
}

static enum status email_check(const char *email)
{
    if (email[0] == '\0') {
        return STATUS_OK;
    }
    const char *at = strchr(email, '@');
    if (strlen(email) > 254 || at == NULL || at == email || strchr(at + 1, '.') == NULL || strchr(email, ' ') != NULL ||
        !util_utf8_valid(email, strlen(email))) {
        return err_set_field(STATUS_INVALID, "email", "email: not an e-mail address");
    }
    return STATUS_OK;
}

/* The role's id and permissions; the granter must hold every permission of it. */
static enum status role_grantable(const struct auth_ctx *ctx, const char *role, int64_t *role_id_out,
                                  enum auth_scope *default_scope_out)
{
    struct sql_value n[] = {sqlv_text(role)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_ROLE_BY_NAME, n, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set_field(STATUS_INVALID, "role", "role: no such role");
    }
    if (st != STATUS_OK) {
        return st;
    }
    *role_id_out = store_rows_i64(r, 0);
    store_rows_free(r);
    *default_scope_out = AUTH_SCOPE_OWN;
    for (size_t i = 0; i < auth_builtin_roles_count; i++) {
        if (strcmp(auth_builtin_roles[i].name, role) == 0) {
            *default_scope_out = auth_builtin_roles[i].default_scope;
        }
    }
    if (ctx->who->operator) {
        return STATUS_OK;
    }
    /* Either the principal's role lists it as assignable ... */
    struct sql_value c[] = {SQLV_I64(ctx->who->role_id), SQLV_I64(*role_id_out)};
    st = store_exec_one(ctx->store, STMT_ROLE_ASSIGNABLE_CHECK, c, 2, &r);
    store_rows_free(r);
    r = NULL;
    if (st != STATUS_NOT_FOUND) {
        return st;
    }
    /* ... or it gives nothing the principal does not hold already. */
    struct sql_value a[] = {SQLV_I64(*role_id_out)};
    st = store_exec(ctx->store, STMT_ROLE_PERM_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (!auth_has(ctx->who, store_rows_text(r, 0))) {
            store_rows_free(r);
            return err_set_field(STATUS_DENIED, "role", "role: your role may not assign it");
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status scope_grantable(const struct auth_ctx *ctx, enum auth_scope scope)
{
    if (!ctx->who->operator&& scope> ctx->who->scope) {
        return err_set_field(STATUS_DENIED, "scope", "scope: wider than your own");
    }
    return STATUS_OK;
}

static enum status seal_text(const struct auth_ctx *ctx, uint8_t **out, size_t *len_out, const char *column, int64_t id,
                             const char *value)
{
    *out = NULL;
    *len_out = 0;
    if (value == NULL || value[0] == '\0') {
        return STATUS_OK;
    }
    struct vault_ad ad = {"users", column, id};
    return vault_seal(ctx->vault, out, len_out, &ad, value, strlen(value));
}

static struct sql_value blob_or_null(const uint8_t *p, size_t len)
{
    return p ? SQLV_BLOB(p, len) : SQLV_NULL;
}

static enum status user_load(const struct auth_ctx *ctx, int64_t id, bool name, bool email, struct auth_user **out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_USER_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such user") : st;
    }
    st = user_read(ctx->vault, r, name, email, out);
    store_rows_free(r);
    return st;
}

/* Audits the reading of the identity and contact groups and says which may be shown. */
static enum status fields_readable(const struct auth_ctx *ctx, const struct auth_record *rec, bool *name, bool *email,
                                   const char *detail)
{
    *name = auth_field_allowed(ctx->who, AUTH_FG_IDENTITY, false);
    *email = auth_field_allowed(ctx->who, AUTH_FG_CONTACT, false);
    enum status st = STATUS_OK;
    if (*name) {
        st = auth_check(ctx, "user.read", rec, AUTH_FG_IDENTITY, false, detail);
    }
    if (st == STATUS_OK && *email) {
        st = auth_check(ctx, "user.read", rec, AUTH_FG_CONTACT, false, detail);
    }
    return st;
}

enum status auth_user_create(const struct auth_ctx *ctx, const struct auth_user_input *in, struct auth_user **out,
                             char **one_time_password_out)
{
    *out = NULL;
    if (one_time_password_out) {
        *one_time_password_out = NULL;
    }
    uint8_t *name_enc = NULL, *email_enc = NULL;
    size_t name_len = 0, email_len = 0;
    char *password = NULL;
    enum status st = username_check(in->username);
    if (st == STATUS_OK && in->display_name) {
        st = text_check("display_name", in->display_name, NAME_BYTES_MAX);
    }
    if (st == STATUS_OK && in->email) {
        st = email_check(in->email);
    }
    if (st == STATUS_OK && in->agency_id == 0) {
        st = err_set_field(STATUS_INVALID, "agency_id", "agency_id: required");
    }
    if (st == STATUS_OK && in->role == NULL) {
        st = err_set_field(STATUS_INVALID, "role", "role: required");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct auth_record rec = user_record(id, in->agency_id);
    st = auth_check(ctx, "user.manage", &rec, AUTH_FG_NONE, true, "create");
    if (st == STATUS_OK && !ctx->who->operator&& ctx->who->scope == AUTH_SCOPE_OWN) {
        st = err_set(STATUS_DENIED, "creating users needs agency or all scope");
    }
    if (st == STATUS_OK && in->display_name && in->display_name[0]) {
        st = auth_check(ctx, "user.manage", &rec, AUTH_FG_IDENTITY, true, "create");
    }
    if (st == STATUS_OK && in->email && in->email[0]) {
        st = auth_check(ctx, "user.manage", &rec, AUTH_FG_CONTACT, true, "create");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value ag[] = {SQLV_I64(in->agency_id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_AGENCY_GET, ag, 1, &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: no such agency");
    }
    int64_t role_id = 0;
    enum auth_scope scope = AUTH_SCOPE_OWN;
    if (st == STATUS_OK) {
        st = role_grantable(ctx, in->role, &role_id, &scope);
    }
    if (st == STATUS_OK && in->scope != NULL) {
        st = auth_scope_parse(&scope, in->scope);
    }
    if (st == STATUS_OK) {
        st = scope_grantable(ctx, scope);
    }
    if (st != STATUS_OK) {
        return st;
    }
    bool one_time = in->password == NULL;
    if (one_time) {
        password = vault_token_new(12);
    } else {
        st = auth_password_policy(in->password, in->username);
        if (st != STATUS_OK) {
            return st;
        }
        password = xstrdup(in->password);
    }
    char hash[VAULT_PWHASH_STR_BYTES];
    st = vault_password_hash(hash, password, strlen(password));
    if (st == STATUS_OK) {
        st = seal_text(ctx, &name_enc, &name_len, "display_name_enc", id, in->display_name);
    }
    if (st == STATUS_OK) {
        st = seal_text(ctx, &email_enc, &email_len, "email_enc", id, in->email);
    }
    uint8_t bidx[VAULT_BIDX_BYTES];
    bool has_email = in->email && in->email[0];
    if (st == STATUS_OK && has_email) {
        st = vault_blind_index(ctx->vault, bidx, "users.email", in->email, strlen(in->email));
    }
    if (st != STATUS_OK) {
        goto out;
    }
    struct sql_value a[] = {
        SQLV_I64(id),
        SQLV_I64(in->agency_id),
        sqlv_text(in->username),
        blob_or_null(name_enc, name_len),
        blob_or_null(email_enc, email_len),
        has_email ? SQLV_BLOB(bidx, sizeof bidx) : SQLV_NULL,
        sqlv_text(hash),
        SQLV_I64(role_id),
        sqlv_text(auth_scope_name(scope)),
        SQLV_BOOL(one_time),
        SQLV_I64(util_now_ms()),
    };
    st = store_exec(ctx->store, STMT_USER_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        st = err_set_field(STATUS_CONFLICT, "username", "username: already taken");
        goto out;
    }
    if (st == STATUS_OK) {
        st = user_load(ctx, id, true, true, out);
    }
    if (st == STATUS_OK && one_time && one_time_password_out) {
        *one_time_password_out = password;
        password = NULL;
    }
out:
    if (password) {
        vault_wipe(password, strlen(password));
        free(password);
    }
    free(name_enc);
    free(email_enc);
    return st;
}

/* Changing an account (its password, two-factor, role, state) is as good as holding it: the
 * account's role and scope must be within the changer's own, as for granting them. */
static enum status target_within(const struct auth_ctx *ctx, const char *role, enum auth_scope scope)
{
    int64_t role_id;
    enum auth_scope default_scope;
    enum status st = role_grantable(ctx, role, &role_id, &default_scope);
    if (st == STATUS_OK) {
        st = scope_grantable(ctx, scope);
    }
    if (st == STATUS_DENIED) {
        /* Keep the field ("role" or "scope") that says which access is wider. */
        return err_set_field(STATUS_DENIED, err_last_field(), "%s: this account has access you do not have",
                             err_last_field());
    }
    return st;
}

/* Checks `permission` on user `id` (audited) and fills *rec. A user the principal holds the
 * permission for but cannot reach answers STATUS_NOT_FOUND, as if absent, so ids cannot be
 * probed. */
static enum status user_reachable(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write,
                                  const char *detail, struct auth_record *rec)
{
    struct auth_user *u = NULL;
    enum status st = user_load(ctx, id, false, false, &u);
    if (st != STATUS_OK) {
        return st;
    }
    *rec = user_record(u->id, u->agency_id);
    char role[ROLE_NAME_BYTES_MAX + 1];
    snprintf(role, sizeof role, "%s", u->role);
    enum auth_scope scope = u->scope;
    auth_user_free(u);
    st = auth_check(ctx, permission, rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED && auth_has(ctx->who, permission)) {
        return err_set(STATUS_NOT_FOUND, "no such user");
    }
    if (st == STATUS_OK && write) {
        st = target_within(ctx, role, scope);
    }
    return st;
}

enum status auth_user_get(const struct auth_ctx *ctx, int64_t id, struct auth_user **out)
{
    *out = NULL;
    struct auth_record rec;
    enum status st = user_reachable(ctx, id, "user.read", false, NULL, &rec);
    bool name = false, email = false;
    if (st == STATUS_OK) {
        st = fields_readable(ctx, &rec, &name, &email, NULL);
    }
    if (st == STATUS_OK) {
        st = user_load(ctx, id, name, email, out);
    }
    return st;
}

enum status auth_user_self(const struct auth_ctx *ctx, struct auth_user **out)
{
    *out = NULL;
    if (ctx->who->operator) {
        return err_set(STATUS_NOT_FOUND, "the local operator has no account");
    }
    enum status st = auth_audit(ctx, "user.self", "user", ctx->who->user_id, "ok", NULL);
    if (st == STATUS_OK) {
        st = user_load(ctx, ctx->who->user_id, true, true, out);
    }
    return st;
}

enum status auth_user_by_username(const struct auth_ctx *ctx, const char *username, struct auth_user **out)
{
    *out = NULL;
    struct sql_value a[] = {sqlv_text(username)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_USER_BY_USERNAME, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such user") : st;
    }
    int64_t id = store_rows_i64(r, U_ID);
    store_rows_free(r);
    return auth_user_get(ctx, id, out);
}

enum status auth_user_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                             const struct auth_user_input *in, struct auth_user **out)
{
    *out = NULL;
    struct auth_user *cur = NULL;
    uint8_t *name_enc = NULL, *email_enc = NULL;
    size_t name_len = 0, email_len = 0;
    struct store_rows *r = NULL;
    enum status st = STATUS_OK;
    if (in->display_name) {
        st = text_check("display_name", in->display_name, NAME_BYTES_MAX);
    }
    if (st == STATUS_OK && in->email) {
        st = email_check(in->email);
    }
    if (st != STATUS_OK) {
        return st;
    }
    st = user_load(ctx, id, true, true, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = user_record(cur->id, cur->agency_id);
    st = auth_check(ctx, "user.manage", &rec, AUTH_FG_NONE, true, "update");
    if (st == STATUS_DENIED && auth_has(ctx->who, "user.manage")) {
        st = err_set(STATUS_NOT_FOUND, "no such user");
    }
    if (st == STATUS_OK) {
        st = target_within(ctx, cur->role, cur->scope);
    }
    if (st == STATUS_OK && in->display_name) {
        st = auth_check(ctx, "user.manage", &rec, AUTH_FG_IDENTITY, true, "update");
    }
    if (st == STATUS_OK && in->email) {
        st = auth_check(ctx, "user.manage", &rec, AUTH_FG_CONTACT, true, "update");
    }
    if (st != STATUS_OK) {
        goto out;
    }
    if (cur->version != expected_version) {
        st = err_set(STATUS_CONFLICT, "the user was changed by someone else (version %lld, not %lld)",
                     (long long)cur->version, (long long)expected_version);
        goto out;
    }
    int64_t role_id = 0;
    enum auth_scope scope = cur->scope, default_scope;
    st = role_grantable(ctx, in->role ? in->role : cur->role, &role_id, &default_scope);
    if (st != STATUS_OK && in->role == NULL) {
        /* Keeping a role one could not grant is allowed; only granting it is not. */
        struct sql_value n[] = {sqlv_text(cur->role)};
        st = store_exec_one(ctx->store, STMT_ROLE_BY_NAME, n, 1, &r);
        if (st == STATUS_OK) {
            role_id = store_rows_i64(r, 0);
        }
        store_rows_free(r);
        r = NULL;
    }
    if (st == STATUS_OK && in->scope) {
        st = auth_scope_parse(&scope, in->scope);
        if (st == STATUS_OK) {
            st = scope_grantable(ctx, scope);
        }
    }
    int64_t agency_id = in->agency_id ? in->agency_id : cur->agency_id;
    if (st == STATUS_OK && agency_id != cur->agency_id) {
        struct auth_record dest = user_record(id, agency_id);
        st = auth_check(ctx, "user.manage", &dest, AUTH_FG_NONE, true, "move agency");
    }
    if (st == STATUS_OK && ctx->who->user_id == id && in->disabled == 1) {
        st = err_set_field(STATUS_INVALID, "disabled", "disabled: you cannot disable your own account");
    }
    if (st != STATUS_OK) {
        goto out;
    }
    const char *name = in->display_name ? in->display_name : cur->display_name;
    const char *email = in->email ? in->email : cur->email;
    st = seal_text(ctx, &name_enc, &name_len, "display_name_enc", id, name);
    if (st == STATUS_OK) {
        st = seal_text(ctx, &email_enc, &email_len, "email_enc", id, email);
    }
    uint8_t bidx[VAULT_BIDX_BYTES];
    bool has_email = email && email[0];
    if (st == STATUS_OK && has_email) {
        st = vault_blind_index(ctx->vault, bidx, "users.email", email, strlen(email));
    }
    if (st != STATUS_OK) {
        goto out;
    }
    bool disabled = in->disabled < 0 ? cur->disabled : in->disabled != 0;
    struct sql_value a[] = {
        SQLV_I64(id),
        blob_or_null(name_enc, name_len),
        blob_or_null(email_enc, email_len),
        has_email ? SQLV_BLOB(bidx, sizeof bidx) : SQLV_NULL,
        SQLV_I64(role_id),
        sqlv_text(auth_scope_name(scope)),
        SQLV_BOOL(disabled),
        SQLV_I64(agency_id),
        SQLV_I64(util_now_ms()),
        SQLV_I64(expected_version),
    };
    st = store_exec_one(ctx->store, STMT_USER_UPDATE, a, ARRAY_LEN(a), &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_CONFLICT, "the user was changed by someone else; reload it");
    }
    if (st == STATUS_OK && disabled && !cur->disabled) {
        struct sql_value d[] = {SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_SESSION_DELETE_USER, d, 1, NULL);
    }
    if (st == STATUS_OK) {
        bool rn = false, re = false;
        st = fields_readable(ctx, &rec, &rn, &re, "after update");
        if (st == STATUS_OK) {
            st = user_load(ctx, id, rn, re, out);
        }
    }
out:
    auth_user_free(cur);
    free(name_enc);
    free(email_enc);
    return st;
}

static enum status user_list_rows(const struct auth_ctx *ctx, struct store_rows *r, struct auth_user ***out,
                                  size_t *count_out, bool name, bool email)
{
    size_t cap = 16, n = 0;
    struct auth_user **list = xcalloc(cap, sizeof *list);
    enum status st;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        st = user_read(ctx->vault, r, name, email, &list[n]);
        if (st != STATUS_OK) {
            break;
        }
        n++;
    }
    if (st != STATUS_DONE) {
        auth_user_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status auth_user_list(const struct auth_ctx *ctx, int64_t limit, int64_t offset, struct auth_user ***out,
                           size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "user.read", NULL, AUTH_FG_NONE, false, "list");
    if (st != STATUS_OK) {
        return st;
    }
    bool name = false, email = false;
    st = fields_readable(ctx, NULL, &name, &email, "list");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    struct sql_value a[] = {SQLV_I64(agency_filter), SQLV_I64(owner_filter), SQLV_I64(limit), SQLV_I64(offset)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_USER_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    st = user_list_rows(ctx, r, out, count_out, name, email);
    store_rows_free(r);
    return st;
}

enum status auth_user_search_email(const struct auth_ctx *ctx, const char *email, struct auth_user ***out,
                                   size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (email == NULL || email[0] == '\0') {
        return err_set_field(STATUS_INVALID, "email", "email: required");
    }
    enum status st = text_check("email", email, 254);
    if (st != STATUS_OK) {
        return st;
    }
    /* Searching by e-mail reads the contact group: it needs that permission. */
    st = auth_check(ctx, "user.read", NULL, AUTH_FG_CONTACT, false, "search");
    if (st != STATUS_OK) {
        return st;
    }
    bool name = auth_field_allowed(ctx->who, AUTH_FG_IDENTITY, false);
    if (name) {
        st = auth_check(ctx, "user.read", NULL, AUTH_FG_IDENTITY, false, "search");
        if (st != STATUS_OK) {
            return st;
        }
    }
    uint8_t bidx[VAULT_BIDX_BYTES];
    st = vault_blind_index(ctx->vault, bidx, "users.email", email, strlen(email));
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    struct sql_value a[] = {SQLV_BLOB(bidx, sizeof bidx), SQLV_I64(agency_filter), SQLV_I64(owner_filter),
                            SQLV_I64(PAGE_ROWS_MAX)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_USER_BY_EMAIL_BIDX, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    st = user_list_rows(ctx, r, out, count_out, name, true);
    store_rows_free(r);
    return st;
}

/* Loads a user the principal may manage; out of scope looks like absent. */
static enum status user_manageable(const struct auth_ctx *ctx, int64_t id, const char *detail)
{
    struct auth_record rec;
    return user_reachable(ctx, id, "user.manage", true, detail, &rec);
}

static enum status password_store(const struct auth_ctx *ctx, int64_t id, const char *password, bool must_change)
{
    char hash[VAULT_PWHASH_STR_BYTES];
    enum status st = vault_password_hash(hash, password, strlen(password));
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id), sqlv_text(hash), SQLV_BOOL(must_change), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_USER_SET_PASSWORD, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        struct sql_value u[] = {SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_USER_UNLOCK, u, 1, NULL);
    }
    return st;
}

enum status auth_user_reset_password(const struct auth_ctx *ctx, int64_t id, char **one_time_password_out)
{
    *one_time_password_out = NULL;
    enum status st = user_manageable(ctx, id, "reset password");
    if (st != STATUS_OK) {
        return st;
    }
    char *password = vault_token_new(12);
    st = password_store(ctx, id, password, true);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_SESSION_DELETE_USER, a, 1, NULL);
    }
    if (st == STATUS_OK) {
        *one_time_password_out = password;
    } else {
        free(password);
    }
    return st;
}

enum status auth_user_reset_2fa(const struct auth_ctx *ctx, int64_t id)
{
    enum status st = user_manageable(ctx, id, "reset two-factor");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_NULL, SQLV_BOOL(false), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_USER_SET_TOTP, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        struct sql_value d[] = {SQLV_I64(id)};
        st = store_exec(ctx->store, STMT_SESSION_DELETE_USER, d, 1, NULL);
    }
    return st;
}

enum status auth_user_set_password(const struct auth_ctx *ctx, int64_t id, const char *password)
{
    struct auth_user *u = NULL;
    enum status st = user_load(ctx, id, false, false, &u);
    if (st != STATUS_OK) {
        return st;
    }
    st = auth_password_policy(password, u->username);
    auth_user_free(u);
    if (st == STATUS_OK) {
        st = user_manageable(ctx, id, "set password");
    }
    if (st == STATUS_OK) {
        st = password_store(ctx, id, password, false);
    }
    return st;
}

enum status auth_user_change_password(const struct auth_ctx *ctx, const char *current, const char *next)
{
    if (ctx->who->operator|| ctx->who->user_id == 0) {
        return err_set(STATUS_INVALID, "the local operator has no password");
    }
    struct sql_value a[] = {SQLV_I64(ctx->who->user_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_USER_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    char hash[VAULT_PWHASH_STR_BYTES];
    snprintf(hash, sizeof hash, "%s", store_rows_text(r, U_PWHASH));
    char username[USERNAME_BYTES_MAX + 1];
    snprintf(username, sizeof username, "%s", store_rows_text(r, U_USERNAME));
    store_rows_free(r);
    if (current == NULL || vault_password_verify(hash, current, strlen(current)) != STATUS_OK) {
        auth_audit(ctx, "user.password", "user", ctx->who->user_id, "failed", "wrong current password");
        return err_set_field(STATUS_INVALID, "current_password", "current_password: wrong password");
    }
    st = auth_password_policy(next, username);
    if (st == STATUS_OK && strcmp(current, next) == 0) {
        st = err_set_field(STATUS_INVALID, "new_password", "new_password: must differ from the current one");
    }
    if (st != STATUS_OK) {
        return err_set_field(st, "new_password", "%s", err_last());
    }
    st = password_store(ctx, ctx->who->user_id, next, false);
    if (st == STATUS_OK) {
        struct sql_value d[] = {SQLV_I64(ctx->who->user_id), SQLV_I64(ctx->who->session_id)};
        st = store_exec(ctx->store, STMT_SESSION_DELETE_USER_OTHERS, d, 2, NULL);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "user.password", "user", ctx->who->user_id, "ok", NULL);
    }
    return st;
}

static void csv_field(struct buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    if (!quote) {
        buf_puts(b, s);
        return;
    }
    buf_puts(b, "\"");
    /* A leading formula character is neutralised so spreadsheets do not execute it. */
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
        buf_puts(b, "'");
    }
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            buf_puts(b, "\"\"");
        } else {
            buf_append(b, p, 1);
        }
    }
    buf_puts(b, "\"");
}

enum status auth_user_export_csv(const struct auth_ctx *ctx, char **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "user.export", NULL, AUTH_FG_NONE, false, "export");
    if (st != STATUS_OK) {
        return st;
    }
    bool name = auth_field_allowed(ctx->who, AUTH_FG_IDENTITY, false);
    bool email = auth_field_allowed(ctx->who, AUTH_FG_CONTACT, false);
    if (name) {
        st = auth_check(ctx, "user.export", NULL, AUTH_FG_IDENTITY, false, "export");
    }
    if (st == STATUS_OK && email) {
        st = auth_check(ctx, "user.export", NULL, AUTH_FG_CONTACT, false, "export");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    buf_puts(&b, "id,agency_id,username,role,scope,disabled,totp_enabled,created_at,last_login_at");
    buf_puts(&b, name ? ",display_name" : "");
    buf_puts(&b, email ? ",email\r\n" : "\r\n");
    for (int64_t offset = 0;; offset += PAGE_ROWS_MAX) {
        struct sql_value a[] = {SQLV_I64(agency_filter), SQLV_I64(owner_filter), SQLV_I64(PAGE_ROWS_MAX),
                                SQLV_I64(offset)};
        struct store_rows *r = NULL;
        struct auth_user **list = NULL;
        size_t n = 0;
        st = store_exec(ctx->store, STMT_USER_LIST, a, ARRAY_LEN(a), &r);
        if (st == STATUS_OK) {
            st = user_list_rows(ctx, r, &list, &n, name, email);
        }
        store_rows_free(r);
        if (st != STATUS_OK) {
            buf_free(&b);
            return st;
        }
        for (size_t i = 0; i < n; i++) {
            const struct auth_user *u = list[i];
            char created[32], login[32];
            util_time_iso(created, u->created_at_ms);
            util_time_iso(login, u->last_login_ms);
            buf_printf(&b, "%lld,%lld,", (long long)u->id, (long long)u->agency_id);
            csv_field(&b, u->username);
            buf_printf(&b, ",%s,%s,%d,%d,%s,%s", u->role, auth_scope_name(u->scope), u->disabled, u->totp_enabled,
                       created, u->last_login_ms ? login : "");
            if (name) {
                buf_puts(&b, ",");
                csv_field(&b, u->display_name ? u->display_name : "");
            }
            if (email) {
                buf_puts(&b, ",");
                csv_field(&b, u->email ? u->email : "");
            }
            st = buf_puts(&b, "\r\n");
        }
        auth_user_list_free(list, n);
        if (st != STATUS_OK) {
            buf_free(&b);
            return st;
        }
        if (n < PAGE_ROWS_MAX) {
            break;
        }
    }
    *out = buf_take(&b);
    return STATUS_OK;
}

enum status auth_user_membership(struct store *s, int64_t user_id, int64_t *agency_out, bool *active_out)
{
    struct sql_value a[] = {SQLV_I64(user_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_USER_GET, a, 1, &r);
    if (st == STATUS_OK) {
        *agency_out = store_rows_i64(r, U_AGENCY);
        *active_out = store_rows_i64(r, U_DISABLED) == 0;
    }
    store_rows_free(r);
    return st;
}

void auth_user_free(struct auth_user *u)
{
    if (u == NULL) {
        return;
    }
    free(u->username);
    if (u->display_name) {
        vault_plain_free(u->display_name, strlen(u->display_name));
    }
    if (u->email) {
        vault_plain_free(u->email, strlen(u->email));
    }
    free(u->role);
    free(u);
}

void auth_user_list_free(struct auth_user **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        auth_user_free(list[i]);
    }
    free(list);
}
