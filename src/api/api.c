/* api: route table, per-request authentication and the handlers of the platform routes. Each
 * handler validates its input, runs one operation through auth_run (one transaction, audited,
 * retried when busy) and writes JSON. */
#include "api/api.h"
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "i18n/i18n.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* Per-request state, hung on the request by api_before. */
struct api_req {
    struct api_app *app;
    struct store *store;
    struct auth_principal who;
    bool authed;
    struct auth_ctx ctx;
};

static struct api_req *R(struct http_request *req)
{
    return http_request_ctx(req);
}

static const struct auth_ctx *CTX(struct http_request *req)
{
    return &R(req)->ctx;
}

/* JSON building helpers. */

static json_t *jtime(int64_t ms)
{
    if (ms == 0) {
        return json_null();
    }
    char iso[32];
    util_time_iso(iso, ms);
    return json_string(iso);
}

static json_t *jstr_or_omit(json_t *o, const char *key, const char *v)
{
    if (v != NULL) {
        json_object_set_new(o, key, json_string(v));
    }
    return o;
}

static json_t *user_json(const struct auth_user *u, const char *agency_name)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "agency_id", json_integer(u->agency_id));
    jstr_or_omit(o, "agency_name", agency_name);
    json_object_set_new(o, "username", json_string(u->username));
    jstr_or_omit(o, "display_name", u->display_name);
    jstr_or_omit(o, "email", u->email);
    json_object_set_new(o, "role", json_string(u->role));
    json_object_set_new(o, "scope", json_string(auth_scope_name(u->scope)));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "locked", json_boolean(u->locked));
    json_object_set_new(o, "totp_enabled", json_boolean(u->totp_enabled));
    json_object_set_new(o, "must_change_password", json_boolean(u->must_change_password));
    json_object_set_new(o, "last_login_at", jtime(u->last_login_ms));
    json_object_set_new(o, "created_at", jtime(u->created_at_ms));
    json_object_set_new(o, "updated_at", jtime(u->updated_at_ms));
    json_object_set_new(o, "version", json_integer(u->version));
    return o;
}

static json_t *agency_json(const struct auth_agency *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "org_type", json_string(a->org_type));
    json_object_set_new(o, "country", json_string(a->country));
    json_object_set_new(o, "disabled", json_boolean(a->disabled));
    json_object_set_new(o, "created_at", jtime(a->created_at_ms));
    json_object_set_new(o, "updated_at", jtime(a->updated_at_ms));
    json_object_set_new(o, "version", json_integer(a->version));
    return o;
}

static json_t *role_json(const struct auth_role *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "description", json_string(r->description));
    json_object_set_new(o, "builtin", json_boolean(r->builtin));
    json_object_set_new(o, "mfa_required", json_boolean(r->mfa_required));
    json_object_set_new(o, "version", json_integer(r->version));
    json_t *p = json_array();
    for (size_t i = 0; i < r->permissions_count; i++) {
        json_array_append_new(p, json_string(r->permissions[i]));
    }
    json_object_set_new(o, "permissions", p);
    json_t *as = json_array();
    for (size_t i = 0; i < r->assignable_count; i++) {
        json_array_append_new(as, json_string(r->assignable[i]));
    }
    json_object_set_new(o, "assignable_roles", as);
    return o;
}

static json_t *items(json_t *array)
{
    json_t *o = json_object();
    json_object_set_new(o, "items", array);
    return o;
}

/* Agency names for user JSON, looked up once per request. Names of agencies are not personal
 * data, and the users shown are already within the principal's scope. */
struct agency_names {
    int64_t id[16];
    char name[16][NAME_BYTES_MAX + 1];
    size_t count;
};

static const char *agency_name(struct store *s, struct agency_names *c, int64_t id)
{
    for (size_t i = 0; i < c->count; i++) {
        if (c->id[i] == id) {
            return c->name[i];
        }
    }
    size_t slot = c->count < ARRAY_LEN(c->id) ? c->count++ : ARRAY_LEN(c->id) - 1;
    struct sql_value q[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    c->id[slot] = id;
    c->name[slot][0] = '\0';
    if (store_exec_one(s, STMT_AGENCY_GET, q, 1, &r) == STATUS_OK) {
        snprintf(c->name[slot], sizeof c->name[slot], "%s", store_rows_text(r, 1));
        store_rows_free(r);
    }
    return c->name[slot];
}

/* Input helpers. */

static enum status path_id(struct http_request *req, int64_t *out)
{
    const char *s = http_request_param(req, "id");
    if (s == NULL || util_parse_i64(out, s) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_NOT_FOUND, "id", "no such record");
    }
    return STATUS_OK;
}

static enum status if_match(struct http_request *req, int64_t *version_out)
{
    bool malformed = false;
    if (!http_request_if_match(req, version_out, &malformed)) {
        if (malformed) {
            return err_set_field(STATUS_INVALID, "If-Match", "If-Match: must be the record's version (ETag)");
        }
        return err_set_field(STATUS_PRECONDITION, "If-Match",
                             "If-Match header required: send the version (ETag) you read");
    }
    return STATUS_OK;
}

static void respond(struct http_request *req, enum status st, unsigned ok_status, json_t *body)
{
    if (st != STATUS_OK) {
        json_decref(body);
        http_respond_status(req, st);
        return;
    }
    http_respond_json(req, ok_status, body);
}

/* Shared with the other files of the module (api_int.h). */
const struct auth_ctx *api__ctx(struct http_request *req)
{
    return CTX(req);
}
struct store *api__store(struct http_request *req)
{
    return R(req)->store;
}
void api__respond(struct http_request *req, enum status st, unsigned ok_status, json_t *body)
{
    respond(req, st, ok_status, body);
}
enum status api__path_id(struct http_request *req, int64_t *out)
{
    return path_id(req, out);
}
enum status api__path_sub_id(struct http_request *req, int64_t *out)
{
    const char *s = http_request_param(req, "sub_id");
    if (s == NULL || util_parse_i64(out, s) != STATUS_OK || *out <= 0) {
        return err_set(STATUS_NOT_FOUND, "no such record");
    }
    return STATUS_OK;
}
enum status api__if_match(struct http_request *req, int64_t *version_out)
{
    return if_match(req, version_out);
}
json_t *api__items(json_t *array)
{
    return items(array);
}
enum status api__query_id(const struct http_request *req, const char *name, int64_t *out)
{
    *out = 0;
    const char *v = http_request_query(req, name);
    if (v == NULL || v[0] == '\0') {
        return STATUS_OK;
    }
    if (util_parse_i64(out, v) != STATUS_OK || *out <= 0) {
        *out = 0;
        return err_set_field(STATUS_INVALID, name, "%s: a record id", name);
    }
    return STATUS_OK;
}
json_t *api__time(int64_t ms)
{
    return jtime(ms);
}

/* Cookies. */

static void set_cookie(struct http_request *req, const char *name, const char *value, bool http_only, int64_t max_age_s)
{
    bool secure = R(req)->app->tls;
    char *c = xasprintf("%s=%s; Path=/; Max-Age=%lld; SameSite=Strict%s%s", name, value, (long long)max_age_s,
                        http_only ? "; HttpOnly" : "", secure ? "; Secure" : "");
    http_response_header(req, "Set-Cookie", c);
    free(c);
}

/* Authentication: the before hook. */

static bool route_allowed_while_pending(const struct http_route *route)
{
    static const char *const allowed[] = {
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/session",
        "/api/v1/session/totp/setup",
        "/api/v1/session/totp/confirm",
    };
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++) {
        if (strcmp(route->pattern, allowed[i]) == 0) {
            return true;
        }
    }
    return false;
}

struct route_refusal {
    const char *permission;
    const char *detail;
    const char *message;
};

/* Refuses through auth_run, which audits the denial as every domain function's is. */
static enum status route_refuse_op(const struct auth_ctx *ctx, void *arg)
{
    const struct route_refusal *rr = arg;
    return auth_refuse(ctx, rr->permission, NULL, rr->detail, rr->message);
}

/* The route's permission, checked before the handler reads anything of the request: a principal
 * holding neither route->permission nor route->alternative gets 403 whatever the path's ids or the
 * body say (no answer tells whether a record exists), audited as a denial with the method and the
 * path (the record it was after). The handler's domain function checks again, on the record
 * (scope, field groups, shares). */
static bool route_permitted(struct http_request *req, const struct http_route *route, struct api_req *r)
{
    if (route->permission == NULL || auth_has(&r->who, route->permission) ||
        (route->alternative != NULL && auth_has(&r->who, route->alternative))) {
        return true;
    }
    char detail[AUDIT_DETAIL_BYTES_MAX], message[160];
    /* The path as the access log has it: ids, never the query or the body. */
    snprintf(detail, sizeof detail, "permission; %s %.400s", http_method_name(route->method), http_request_path(req));
    if (route->alternative != NULL) {
        snprintf(message, sizeof message, "not permitted: %s or %s", route->permission, route->alternative);
    } else {
        snprintf(message, sizeof message, "not permitted: %s", route->permission);
    }
    struct route_refusal rr = {route->permission, detail, message};
    http_respond_status(req, auth_run(&r->ctx, route_refuse_op, &rr));
    return false;
}

bool api_before(struct http_request *req, const struct http_route *route, void *app_ptr)
{
    struct api_app *app = app_ptr;
    struct api_req *r = xcalloc(1, sizeof *r);
    r->app = app;
    r->store = store_pool_acquire(app->pool);
    r->ctx.store = r->store;
    r->ctx.vault = app->vault;
    r->ctx.who = &r->who;
    r->ctx.client = http_request_client(req);
    http_request_set_ctx(req, r);
    if (route->flags & HTTP_ROUTE_PUBLIC) {
        return true;
    }
    enum status st;
    const char *authz = http_request_header(req, "Authorization");
    if (authz != NULL) {
        if (strncmp(authz, "Bearer ", 7) != 0) {
            http_respond_error(req, 401, "unauthenticated", "Authorization must be \"Bearer <token>\"", NULL);
            return false;
        }
        st = auth_token_resolve(r->store, app->vault, authz + 7, &r->who);
    } else {
        uint8_t csrf_hash[32] = {0};
        st = auth_session_resolve(r->store, app->vault, http_request_cookie(req, "ctis_session"), &r->who, csrf_hash);
        enum http_method m = http_request_method(req);
        bool changes = m != HTTP_GET && m != HTTP_HEAD;
        if (st == STATUS_OK && changes && !(route->flags & HTTP_ROUTE_NO_CSRF) &&
            !auth_csrf_valid(app->vault, csrf_hash, http_request_header(req, "X-CSRF-Token"))) {
            http_respond_error(req, 403, "csrf", "missing or wrong X-CSRF-Token header", "X-CSRF-Token");
            return false;
        }
    }
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return false;
    }
    r->authed = true;
    if (!route_allowed_while_pending(route)) {
        if (r->who.mfa_required && !r->who.mfa_ok) {
            http_respond_error(req, 403, "mfa_required", "set up two-factor login first", NULL);
            return false;
        }
        if (r->who.must_change_password) {
            http_respond_error(req, 403, "password_change_required", "change your one-time password first", NULL);
            return false;
        }
    }
    return route_permitted(req, route, r);
}

void api_after(struct http_request *req, void *app_ptr)
{
    struct api_app *app = app_ptr;
    struct api_req *r = http_request_ctx(req);
    if (r == NULL) {
        return;
    }
    store_pool_release(app->pool, r->store);
    auth_principal_clear(&r->who);
    free(r);
    http_request_set_ctx(req, NULL);
}

/* Health and meta. */

static void h_healthz(struct http_request *req, void *app)
{
    enum status st = store_exec(R(req)->store, STMT_PING, NULL, 0, NULL);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(st == STATUS_OK ? "ok" : "unavailable"));
    json_object_set_new(o, "database", json_string(st == STATUS_OK ? "ok" : "unavailable"));
    http_respond_json(req, st == STATUS_OK ? 200 : 503, o);
}

static void h_meta(struct http_request *req, void *app)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string("ctis"));
    json_object_set_new(o, "version", json_string(CTIS_VERSION));
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);
    json_t *l = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(l, json_string(langs[i]));
    }
    json_object_set_new(o, "languages", l);
    json_t *t = json_array();
    for (size_t i = 0; i < auth_org_types_count; i++) {
        json_array_append_new(t, json_string(auth_org_types[i]));
    }
    json_object_set_new(o, "org_types", t);
    json_object_set_new(o, "scopes", json_pack("[sss]", "own", "agency", "all"));
    json_t *fg = json_array();
    for (int g = AUTH_FG_NONE + 1; g < AUTH_FG__COUNT; g++) {
        json_array_append_new(fg, json_string(auth_field_group_name((enum auth_field_group)g)));
    }
    json_object_set_new(o, "field_groups", fg);
    http_respond_json(req, 200, o);
}

/* Session. */

static json_t *me_json(const struct auth_principal *who, const struct auth_user *u, const char *agency_name)
{
    json_t *o = user_json(u, agency_name);
    json_t *p = json_array();
    for (size_t i = 0; i < who->permissions_count; i++) {
        json_array_append_new(p, json_string(who->permissions[i]));
    }
    json_object_set_new(o, "permissions", p);
    json_object_set_new(o, "mfa_required", json_boolean(who->mfa_required));
    json_object_set_new(o, "mfa_ok", json_boolean(who->mfa_ok));
    json_t *agency = json_object();
    json_object_set_new(agency, "id", json_integer(u->agency_id));
    json_object_set_new(agency, "name", json_string(agency_name ? agency_name : ""));
    json_object_set_new(o, "agency", agency);
    return o;
}

struct me_args {
    struct auth_user *user;
    char agency_name[NAME_BYTES_MAX + 1];
};

static enum status op_me(const struct auth_ctx *ctx, void *p)
{
    struct me_args *a = p;
    enum status st = auth_user_self(ctx, &a->user);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value q[] = {SQLV_I64(a->user->agency_id)};
    struct store_rows *r = NULL;
    if (store_exec_one(ctx->store, STMT_AGENCY_GET, q, 1, &r) == STATUS_OK) {
        snprintf(a->agency_name, sizeof a->agency_name, "%s", store_rows_text(r, 1));
        store_rows_free(r);
    }
    return STATUS_OK;
}

static void h_me(struct http_request *req, void *app)
{
    struct me_args a = {0};
    enum status st = auth_run(CTX(req), op_me, &a);
    respond(req, st, 200, st == STATUS_OK ? me_json(&R(req)->who, a.user, a.agency_name) : NULL);
    auth_user_free(a.user);
}

static void h_session_get(struct http_request *req, void *app)
{
    struct me_args a = {0};
    enum status st = auth_run(CTX(req), op_me, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "user", me_json(&R(req)->who, a.user, a.agency_name));
        json_object_set_new(o, "mfa_enroll_required",
                            json_boolean(R(req)->who.mfa_required && !R(req)->who.totp_enabled));
    }
    respond(req, st, 200, o);
    auth_user_free(a.user);
}

static void h_login(struct http_request *req, void *app)
{
    json_t *body = http_request_json(req);
    const char *username = NULL, *password = NULL, *totp = NULL;
    enum status st = http_json_string(body, "username", true, USERNAME_BYTES_MAX, &username);
    if (st == STATUS_OK) {
        st = http_json_string(body, "password", true, PASSWORD_BYTES_MAX, &password);
    }
    if (st == STATUS_OK) {
        st = http_json_string(body, "totp", false, 16, &totp);
    }
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    struct auth_login login;
    st = auth_login(R(req)->store, R(req)->app->vault, username, password, totp, http_request_client(req), &login);
    if (st != STATUS_OK) {
        if (st == STATUS_UNAUTHENTICATED && strcmp(err_last_field(), "totp") == 0) {
            http_respond_error(req, 401, "totp_required", err_last(), "totp");
        } else if (st == STATUS_DENIED && strcmp(err_last_field(), "locked") == 0) {
            http_respond_error(req, 403, "locked", err_last(), NULL);
        } else {
            http_respond_status(req, st);
        }
        return;
    }
    set_cookie(req, "ctis_session", login.session_token, true, SESSION_ABSOLUTE_S);
    set_cookie(req, "ctis_csrf", login.csrf_token, false, SESSION_ABSOLUTE_S);
    struct api_req *r = R(req);
    struct me_args a = {0};
    st = auth_principal_load(&r->who, r->store, login.user_id);
    if (st == STATUS_OK) {
        r->who.mfa_ok = !login.mfa_enroll_required;
        r->authed = true;
        st = auth_run(CTX(req), op_me, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "user", me_json(&r->who, a.user, a.agency_name));
        json_object_set_new(o, "mfa_enroll_required", json_boolean(login.mfa_enroll_required));
        json_object_set_new(o, "csrf_token", json_string(login.csrf_token));
    }
    respond(req, st, 200, o);
    auth_user_free(a.user);
    auth_login_clear(&login);
}

static enum status op_logout(const struct auth_ctx *ctx, void *p)
{
    return auth_logout(ctx);
}

static void h_logout(struct http_request *req, void *app)
{
    enum status st = auth_run(CTX(req), op_logout, NULL);
    set_cookie(req, "ctis_session", "", true, 0);
    set_cookie(req, "ctis_csrf", "", false, 0);
    respond(req, st, 200, json_pack("{sb}", "ok", 1));
}

struct totp_args {
    char *secret;
    char *uri;
    const char *code;
};

static enum status op_totp_setup(const struct auth_ctx *ctx, void *p)
{
    struct totp_args *a = p;
    return auth_totp_setup(ctx, &a->secret, &a->uri);
}

static void h_totp_setup(struct http_request *req, void *app)
{
    struct totp_args a = {0};
    enum status st = auth_run(CTX(req), op_totp_setup, &a);
    respond(req, st, 200, st == STATUS_OK ? json_pack("{ssss}", "secret", a.secret, "uri", a.uri) : NULL);
    if (a.secret) {
        vault_wipe(a.secret, strlen(a.secret));
    }
    free(a.secret);
    free(a.uri);
}

static enum status op_totp_confirm(const struct auth_ctx *ctx, void *p)
{
    struct totp_args *a = p;
    return auth_totp_confirm(ctx, a->code);
}

static void h_totp_confirm(struct http_request *req, void *app)
{
    struct totp_args a = {0};
    enum status st = http_json_string(http_request_json(req), "code", true, 16, &a.code);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_totp_confirm, &a);
    }
    respond(req, st, 200, json_pack("{sb}", "ok", 1));
}

struct password_args {
    const char *current;
    const char *next;
};

static enum status op_password(const struct auth_ctx *ctx, void *p)
{
    struct password_args *a = p;
    return auth_user_change_password(ctx, a->current, a->next);
}

static void h_password(struct http_request *req, void *app)
{
    struct password_args a = {0};
    json_t *b = http_request_json(req);
    enum status st = http_json_string(b, "current_password", true, PASSWORD_BYTES_MAX, &a.current);
    if (st == STATUS_OK) {
        st = http_json_string(b, "new_password", true, PASSWORD_BYTES_MAX, &a.next);
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_password, &a);
    }
    respond(req, st, 200, json_pack("{sb}", "ok", 1));
}

/* Users. */

struct user_args {
    int64_t id;
    int64_t version;
    int64_t limit;
    int64_t offset;
    const char *email;
    struct auth_user_input in;
    struct auth_user *user;
    struct auth_user **list;
    size_t count;
    char *password;
    char *csv;
};

static enum status user_input(json_t *b, struct auth_user_input *in, bool create)
{
    in->disabled = -1;
    enum status st = STATUS_OK;
    if (create) {
        st = http_json_string(b, "username", true, USERNAME_BYTES_MAX, &in->username);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "display_name", false, NAME_BYTES_MAX, &in->display_name);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "email", false, 254, &in->email);
    }
    if (st == STATUS_OK) {
        st = http_json_int(b, "agency_id", create, &in->agency_id);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "role", create, ROLE_NAME_BYTES_MAX, &in->role);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "scope", false, 16, &in->scope);
    }
    bool disabled = false;
    if (st == STATUS_OK && json_object_get(b, "disabled") != NULL) {
        st = http_json_bool(b, "disabled", false, &disabled);
        in->disabled = disabled ? 1 : 0;
    }
    return st;
}

static enum status op_user_list(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_list(ctx, a->limit, a->offset, &a->list, &a->count);
}

static json_t *user_list_json(struct http_request *req, struct user_args *a)
{
    struct agency_names names = {.count = 0};
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        json_array_append_new(arr, user_json(a->list[i], agency_name(R(req)->store, &names, a->list[i]->agency_id)));
    }
    return items(arr);
}

static json_t *one_user_json(struct http_request *req, const struct auth_user *u)
{
    struct agency_names names = {.count = 0};
    return user_json(u, agency_name(R(req)->store, &names, u->agency_id));
}

static void h_users_list(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = http_request_page(req, &a.limit, &a.offset);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = user_list_json(req, &a);
        json_object_set_new(o, "limit", json_integer(a.limit));
        json_object_set_new(o, "offset", json_integer(a.offset));
    }
    respond(req, st, 200, o);
    auth_user_list_free(a.list, a.count);
}

static enum status op_user_search(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_search_email(ctx, a->email, &a->list, &a->count);
}

static void h_users_search(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = http_json_string(http_request_json(req), "email", true, 254, &a.email);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_search, &a);
    }
    respond(req, st, 200, st == STATUS_OK ? user_list_json(req, &a) : NULL);
    auth_user_list_free(a.list, a.count);
}

static enum status op_user_create(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_create(ctx, &a->in, &a->user, &a->password);
}

static void h_users_create(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = user_input(http_request_json(req), &a.in, true);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_create, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "user", one_user_json(req, a.user));
        json_object_set_new(o, "one_time_password", json_string(a.password));
        http_response_etag(req, a.user->version);
    }
    respond(req, st, 201, o);
    auth_user_free(a.user);
    free(a.password);
}

static enum status op_user_get(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_get(ctx, a->id, &a->user);
}

static void h_user_get(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_get, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.user->version);
    }
    respond(req, st, 200, st == STATUS_OK ? one_user_json(req, a.user) : NULL);
    auth_user_free(a.user);
}

static enum status op_user_update(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_update(ctx, a->id, a->version, &a->in, &a->user);
}

static void h_user_patch(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = user_input(http_request_json(req), &a.in, false);
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_update, &a);
    }
    if (st == STATUS_CONFLICT && strstr(err_last(), "changed by someone else") != NULL) {
        st = STATUS_PRECONDITION;
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.user->version);
    }
    respond(req, st, 200, st == STATUS_OK ? one_user_json(req, a.user) : NULL);
    auth_user_free(a.user);
}

static enum status op_user_reset_password(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_reset_password(ctx, a->id, &a->password);
}

static void h_user_reset_password(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_reset_password, &a);
    }
    respond(req, st, 200, st == STATUS_OK ? json_pack("{ss}", "one_time_password", a.password) : NULL);
    free(a.password);
}

static enum status op_user_reset_2fa(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_reset_2fa(ctx, a->id);
}

static void h_user_reset_2fa(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_user_reset_2fa, &a);
    }
    respond(req, st, 200, json_pack("{sb}", "ok", 1));
}

static enum status op_user_export(const struct auth_ctx *ctx, void *p)
{
    struct user_args *a = p;
    return auth_user_export_csv(ctx, &a->csv);
}

static void h_users_export(struct http_request *req, void *app)
{
    struct user_args a = {0};
    enum status st = auth_run(CTX(req), op_user_export, &a);
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    http_response_header(req, "Content-Disposition", "attachment; filename=\"users.csv\"");
    http_respond_bytes(req, 200, "text/csv; charset=utf-8", a.csv, strlen(a.csv), true);
    free(a.csv);
}

/* Agencies. */

struct agency_args {
    int64_t id;
    int64_t version;
    int64_t limit;
    int64_t offset;
    struct auth_agency_input in;
    struct auth_agency *agency;
    struct auth_agency **list;
    size_t count;
};

static enum status agency_input(json_t *b, struct auth_agency_input *in, bool create)
{
    in->disabled = -1;
    enum status st = http_json_string(b, "name", create, NAME_BYTES_MAX, &in->name);
    if (st == STATUS_OK) {
        st = http_json_string(b, "org_type", create, 64, &in->org_type);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "country", false, 3, &in->country);
    }
    bool disabled = false;
    if (st == STATUS_OK && json_object_get(b, "disabled") != NULL) {
        st = http_json_bool(b, "disabled", false, &disabled);
        in->disabled = disabled ? 1 : 0;
    }
    return st;
}

static enum status op_agency_list(const struct auth_ctx *ctx, void *p)
{
    struct agency_args *a = p;
    return auth_agency_list(ctx, a->limit, a->offset, &a->list, &a->count);
}

static void h_agencies_list(struct http_request *req, void *app)
{
    struct agency_args a = {0};
    enum status st = http_request_page(req, &a.limit, &a.offset);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_agency_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, agency_json(a.list[i]));
        }
        o = items(arr);
        json_object_set_new(o, "limit", json_integer(a.limit));
        json_object_set_new(o, "offset", json_integer(a.offset));
    }
    respond(req, st, 200, o);
    auth_agency_list_free(a.list, a.count);
}

static enum status op_agency_create(const struct auth_ctx *ctx, void *p)
{
    struct agency_args *a = p;
    return auth_agency_create(ctx, &a->in, &a->agency);
}

static void h_agencies_create(struct http_request *req, void *app)
{
    struct agency_args a = {0};
    enum status st = agency_input(http_request_json(req), &a.in, true);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_agency_create, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.agency->version);
    }
    respond(req, st, 201, st == STATUS_OK ? agency_json(a.agency) : NULL);
    auth_agency_free(a.agency);
}

static enum status op_agency_get(const struct auth_ctx *ctx, void *p)
{
    struct agency_args *a = p;
    return auth_agency_get(ctx, a->id, &a->agency);
}

static void h_agency_get(struct http_request *req, void *app)
{
    struct agency_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_agency_get, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.agency->version);
    }
    respond(req, st, 200, st == STATUS_OK ? agency_json(a.agency) : NULL);
    auth_agency_free(a.agency);
}

static enum status op_agency_update(const struct auth_ctx *ctx, void *p)
{
    struct agency_args *a = p;
    return auth_agency_update(ctx, a->id, a->version, &a->in, &a->agency);
}

static void h_agency_patch(struct http_request *req, void *app)
{
    struct agency_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = agency_input(http_request_json(req), &a.in, false);
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_agency_update, &a);
    }
    if (st == STATUS_CONFLICT && strstr(err_last(), "changed by someone else") != NULL) {
        st = STATUS_PRECONDITION;
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.agency->version);
    }
    respond(req, st, 200, st == STATUS_OK ? agency_json(a.agency) : NULL);
    auth_agency_free(a.agency);
}

/* Roles and permissions. */

struct role_args {
    int64_t id;
    int64_t version;
    const char *name;
    const char *description;
    bool mfa_required;
    bool mfa_given;
    bool perms_given;
    const char **perms;
    size_t perms_count;
    bool assignable_given;
    const char **assignable;
    size_t assignable_count;
    struct auth_role *role;
    struct auth_role **list;
    size_t count;
};

/* An optional array of names (at most max), borrowed from the body; *given says it was there. */
static enum status name_array(json_t *b, const char *key, size_t max, const char ***out, size_t *count_out, bool *given)
{
    json_t *p = json_object_get(b, key);
    *given = p != NULL;
    *out = NULL;
    *count_out = 0;
    if (p == NULL) {
        return STATUS_OK;
    }
    if (!json_is_array(p)) {
        return err_set_field(STATUS_INVALID, key, "%s: must be an array of names", key);
    }
    size_t n = json_array_size(p);
    if (n > max) {
        return err_set_field(STATUS_INVALID, key, "%s: at most %zu", key, max);
    }
    *out = xcalloc(n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(p, i));
        if (s == NULL) {
            return err_set_field(STATUS_INVALID, key, "%s: must be an array of names", key);
        }
        (*out)[(*count_out)++] = s;
    }
    return STATUS_OK;
}

static enum status role_input(json_t *b, struct role_args *a, bool create)
{
    enum status st = STATUS_OK;
    if (create) {
        st = http_json_string(b, "name", true, ROLE_NAME_BYTES_MAX, &a->name);
    }
    if (st == STATUS_OK) {
        st = http_json_string(b, "description", false, FIELD_TEXT_BYTES_MAX, &a->description);
    }
    a->mfa_given = json_object_get(b, "mfa_required") != NULL;
    if (st == STATUS_OK) {
        st = http_json_bool(b, "mfa_required", false, &a->mfa_required);
    }
    if (st == STATUS_OK) {
        st = name_array(b, "permissions", PERMISSIONS_PER_ROLE_MAX, &a->perms, &a->perms_count, &a->perms_given);
    }
    if (st == STATUS_OK) {
        st = name_array(b, "assignable_roles", PERMISSIONS_PER_ROLE_MAX, &a->assignable, &a->assignable_count,
                        &a->assignable_given);
    }
    return st;
}

static enum status op_role_list(const struct auth_ctx *ctx, void *p)
{
    struct role_args *a = p;
    return auth_role_list(ctx, &a->list, &a->count);
}

static void h_roles_list(struct http_request *req, void *app)
{
    struct role_args a = {0};
    enum status st = auth_run(CTX(req), op_role_list, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, role_json(a.list[i]));
        }
        o = items(arr);
    }
    respond(req, st, 200, o);
    auth_role_list_free(a.list, a.count);
}

static enum status op_role_create(const struct auth_ctx *ctx, void *p)
{
    struct role_args *a = p;
    return auth_role_create(ctx, a->name, a->description, a->mfa_required, a->perms, a->perms_count,
                            a->assignable_given ? a->assignable : NULL, a->assignable_count, &a->role);
}

static void h_roles_create(struct http_request *req, void *app)
{
    struct role_args a = {0};
    enum status st = role_input(http_request_json(req), &a, true);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_role_create, &a);
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.role->version);
    }
    respond(req, st, 201, st == STATUS_OK ? role_json(a.role) : NULL);
    auth_role_free(a.role);
    free(a.perms);
    free(a.assignable);
}

static enum status op_role_update(const struct auth_ctx *ctx, void *p)
{
    struct role_args *a = p;
    /* Fields left out of the body stay as they are. */
    return auth_role_update(ctx, a->id, a->version, a->description, a->mfa_given ? a->mfa_required : -1,
                            a->perms_given ? a->perms : NULL, a->perms_count,
                            a->assignable_given ? a->assignable : NULL, a->assignable_count, &a->role);
}

static void h_role_put(struct http_request *req, void *app)
{
    struct role_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = role_input(http_request_json(req), &a, false);
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_role_update, &a);
    }
    if (st == STATUS_CONFLICT && strstr(err_last(), "changed by someone else") != NULL) {
        st = STATUS_PRECONDITION;
    }
    if (st == STATUS_OK) {
        http_response_etag(req, a.role->version);
    }
    respond(req, st, 200, st == STATUS_OK ? role_json(a.role) : NULL);
    auth_role_free(a.role);
    free(a.perms);
    free(a.assignable);
}

static void h_permissions(struct http_request *req, void *app)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < auth_permissions_count; i++) {
        json_array_append_new(
            arr, json_pack("{ssss}", "name", auth_permissions[i].name, "description", auth_permissions[i].description));
    }
    http_respond_json(req, 200, items(arr));
}

/* Audit. */

struct audit_args {
    struct audit_filter f;
    struct audit_entry *list;
    size_t count;
    struct audit_verify_result result;
};

static enum status query_i64(struct http_request *req, const char *name, int64_t *out)
{
    const char *s = http_request_query(req, name);
    if (s == NULL || s[0] == '\0') {
        return STATUS_OK;
    }
    if (util_parse_i64(out, s) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, name, "%s: not a whole number", name);
    }
    return STATUS_OK;
}

static enum status query_time(struct http_request *req, const char *name, int64_t *out, bool end_of_day)
{
    const char *s = http_request_query(req, name);
    if (s == NULL || s[0] == '\0') {
        return STATUS_OK;
    }
    if ((end_of_day ? util_time_parse_end(out, s) : util_time_parse(out, s)) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, name, "%s: a date YYYY-MM-DD or date-time", name);
    }
    return STATUS_OK;
}

static enum status op_audit_list(const struct auth_ctx *ctx, void *p)
{
    struct audit_args *a = p;
    return auth_audit_list(ctx, &a->f, &a->list, &a->count);
}

static void h_audit_list(struct http_request *req, void *app)
{
    struct audit_args a = {0};
    a.f.limit = PAGE_ROWS_DEFAULT;
    enum status st = query_i64(req, "user_id", &a.f.user_id);
    if (st == STATUS_OK) {
        st = query_i64(req, "record_id", &a.f.record_id);
    }
    if (st == STATUS_OK) {
        st = query_i64(req, "after", &a.f.after_seq);
    }
    if (st == STATUS_OK) {
        st = query_i64(req, "limit", &a.f.limit);
    }
    if (st == STATUS_OK && (a.f.limit < 1 || a.f.limit > PAGE_ROWS_MAX)) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    if (st == STATUS_OK) {
        st = query_time(req, "from", &a.f.from_ms, false);
    }
    if (st == STATUS_OK) {
        st = query_time(req, "to", &a.f.to_ms, true);
    }
    a.f.record_type = http_request_query(req, "record_type");
    if (st == STATUS_OK && a.f.record_type && strlen(a.f.record_type) > 64) {
        st = err_set_field(STATUS_INVALID, "record_type", "record_type: too long");
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_audit_list, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            const struct audit_entry *e = &a.list[i];
            json_t *x = json_object();
            json_object_set_new(x, "seq", json_integer(e->seq));
            json_object_set_new(x, "at", jtime(e->at_ms));
            json_object_set_new(x, "actor_user_id", e->actor_user_id ? json_integer(e->actor_user_id) : json_null());
            json_object_set_new(x, "actor", json_string(e->actor));
            json_object_set_new(x, "action", json_string(e->action));
            json_object_set_new(x, "record_type", json_string(e->record_type));
            json_object_set_new(x, "record_id", json_integer(e->record_id));
            json_object_set_new(x, "field_group", json_string(e->field_group));
            json_object_set_new(x, "client", json_string(e->client));
            json_object_set_new(x, "outcome", json_string(e->outcome));
            json_object_set_new(x, "detail", json_string(e->detail));
            json_array_append_new(arr, x);
        }
        o = items(arr);
        json_object_set_new(o, "next_after", a.count ? json_integer(a.list[a.count - 1].seq) : json_null());
    }
    respond(req, st, 200, o);
    audit_entries_free(a.list, a.count);
}

static enum status op_audit_verify(const struct auth_ctx *ctx, void *p)
{
    struct audit_args *a = p;
    enum status st = auth_audit_verify(ctx, &a->result);
    /* A broken chain is an answer, not a failure of the request. */
    return st == STATUS_CRYPTO && a->result.first_bad_seq != 0 ? STATUS_OK : st;
}

static void h_audit_verify(struct http_request *req, void *app)
{
    struct audit_args a = {0};
    enum status st = auth_run(CTX(req), op_audit_verify, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = json_object();
        json_object_set_new(o, "ok", json_boolean(a.result.first_bad_seq == 0));
        json_object_set_new(o, "entries", json_integer(a.result.entries));
        if (a.result.first_bad_seq != 0) {
            json_object_set_new(o, "first_bad_seq", json_integer(a.result.first_bad_seq));
            json_object_set_new(o, "reason", json_string(a.result.reason));
        }
    }
    respond(req, st, 200, o);
}

/* API tokens. */

struct token_args {
    int64_t id;
    const char *name;
    int64_t days;
    char *token;
    struct auth_token_info *list;
    size_t count;
};

static enum status op_token_list(const struct auth_ctx *ctx, void *p)
{
    struct token_args *a = p;
    return auth_token_list(ctx, &a->list, &a->count);
}

static void h_tokens_list(struct http_request *req, void *app)
{
    struct token_args a = {0};
    enum status st = auth_run(CTX(req), op_token_list, &a);
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_t *x = json_object();
            json_object_set_new(x, "id", json_integer(a.list[i].id));
            json_object_set_new(x, "name", json_string(a.list[i].name));
            json_object_set_new(x, "created_at", jtime(a.list[i].created_at_ms));
            json_object_set_new(x, "expires_at", jtime(a.list[i].expires_at_ms));
            json_object_set_new(x, "last_used_at", jtime(a.list[i].last_used_ms));
            json_object_set_new(x, "revoked", json_boolean(a.list[i].revoked));
            json_array_append_new(arr, x);
        }
        o = items(arr);
    }
    respond(req, st, 200, o);
    auth_token_list_free(a.list, a.count);
}

static enum status op_token_create(const struct auth_ctx *ctx, void *p)
{
    struct token_args *a = p;
    return auth_token_create(ctx, ctx->who->user_id, a->name, a->days, &a->token, &a->id);
}

static void h_tokens_create(struct http_request *req, void *app)
{
    struct token_args a = {.days = 90};
    json_t *b = http_request_json(req);
    enum status st = http_json_string(b, "name", true, NAME_BYTES_MAX, &a.name);
    if (st == STATUS_OK) {
        st = http_json_int(b, "days", false, &a.days);
    }
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_token_create, &a);
    }
    respond(req, st, 201, st == STATUS_OK ? json_pack("{sssI}", "token", a.token, "id", (json_int_t)a.id) : NULL);
    free(a.token);
}

static enum status op_token_revoke(const struct auth_ctx *ctx, void *p)
{
    struct token_args *a = p;
    return auth_token_revoke(ctx, a->id);
}

static void h_token_delete(struct http_request *req, void *app)
{
    struct token_args a = {0};
    enum status st = path_id(req, &a.id);
    if (st == STATUS_OK) {
        st = auth_run(CTX(req), op_token_revoke, &a);
    }
    respond(req, st, 200, json_pack("{sb}", "ok", 1));
}

#define PUB HTTP_ROUTE_PUBLIC
#define JSON HTTP_ROUTE_JSON_BODY

/* Exact routes come before patterned ones of the same shape (the router takes the first match). */
const struct http_route api_routes[] = {
    {HTTP_GET, "/healthz", h_healthz, PUB, NULL, NULL},
    {HTTP_GET, "/api/v1/meta", h_meta, PUB, NULL, NULL},
    {HTTP_POST, "/api/v1/session", h_login, PUB | JSON | HTTP_ROUTE_NO_CSRF, NULL, NULL},
    {HTTP_GET, "/api/v1/session", h_session_get, 0, NULL, NULL},
    {HTTP_DELETE, "/api/v1/session", h_logout, 0, NULL, NULL},
    {HTTP_POST, "/api/v1/session/totp/setup", h_totp_setup, 0, NULL, NULL},
    {HTTP_POST, "/api/v1/session/totp/confirm", h_totp_confirm, JSON, NULL, NULL},
    {HTTP_GET, "/api/v1/me", h_me, 0, NULL, NULL},
    {HTTP_POST, "/api/v1/me/password", h_password, JSON, NULL, NULL},
    {HTTP_GET, "/api/v1/users", h_users_list, 0, "user.read", NULL},
    {HTTP_POST, "/api/v1/users", h_users_create, JSON, "user.manage", NULL},
    {HTTP_POST, "/api/v1/users/search", h_users_search, JSON, "user.read", NULL},
    {HTTP_GET, "/api/v1/users/export", h_users_export, 0, "user.export", NULL},
    {HTTP_GET, "/api/v1/users/{id}", h_user_get, 0, "user.read", NULL},
    {HTTP_PATCH, "/api/v1/users/{id}", h_user_patch, JSON, "user.manage", NULL},
    {HTTP_POST, "/api/v1/users/{id}/reset-password", h_user_reset_password, 0, "user.manage", NULL},
    {HTTP_POST, "/api/v1/users/{id}/reset-2fa", h_user_reset_2fa, 0, "user.manage", NULL},
    {HTTP_GET, "/api/v1/agencies", h_agencies_list, 0, "agency.read", NULL},
    {HTTP_POST, "/api/v1/agencies", h_agencies_create, JSON, "agency.manage", NULL},
    {HTTP_GET, "/api/v1/agencies/{id}", h_agency_get, 0, "agency.read", NULL},
    {HTTP_PATCH, "/api/v1/agencies/{id}", h_agency_patch, JSON, "agency.manage", NULL},
    {HTTP_GET, "/api/v1/roles", h_roles_list, 0, "role.read", NULL},
    {HTTP_POST, "/api/v1/roles", h_roles_create, JSON, "role.manage", NULL},
    {HTTP_PUT, "/api/v1/roles/{id}", h_role_put, JSON, "role.manage", NULL},
    {HTTP_GET, "/api/v1/permissions", h_permissions, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/audit", h_audit_list, 0, "audit.read", NULL},
    {HTTP_GET, "/api/v1/audit/verify", h_audit_verify, 0, "audit.read", NULL},
    {HTTP_GET, "/api/v1/cases/fields", api_case_fields, 0, "case.read", NULL},
    {HTTP_GET, "/api/v1/cases", api_cases_list, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases", api_cases_create, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/search", api_cases_search, JSON, "case.read", NULL},
    {HTTP_GET, "/api/v1/cases/{id}", api_case_get, 0, "case.read", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}", api_case_patch, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/assign", api_case_assign, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/close", api_case_close, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/reopen", api_case_reopen, 0, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/follow-up", api_case_follow_up, 0, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/restrict", api_case_restrict, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/grants", api_case_grants, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/grants", api_case_grant_add, JSON, "case.write", NULL},
    {HTTP_DELETE, "/api/v1/cases/{id}/grants/{sub_id}", api_case_grant_delete, 0, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/history", api_case_history, 0, "case.read", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/duplicates", api_case_duplicates, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/merge", api_case_merge, JSON, "case.merge", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/events", api_case_events, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/events", api_case_event_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/comments", api_case_comments, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/comments", api_case_comment_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/consent", api_case_consent_get, 0, "case.read", NULL},
    {HTTP_PUT, "/api/v1/cases/{id}/consent", api_case_consent_put, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/consent/history", api_case_consent_history, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/purge", api_case_purge, 0, "case.purge", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/subject-access", api_case_subject_access, 0, "case.sar", NULL},
    {HTTP_GET, "/api/v1/retention", api_retention_get, 0, "case.purge", NULL},
    {HTTP_PUT, "/api/v1/retention", api_retention_put, JSON, "case.purge", NULL},
    {HTTP_POST, "/api/v1/retention/purge", api_retention_purge, JSON, "case.purge", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/perpetrators", api_case_perpetrators, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/perpetrators", api_case_perpetrator_add, JSON, "case.write", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/perpetrators/{sub_id}", api_case_perpetrator_patch, JSON, "case.write", NULL},
    {HTTP_DELETE, "/api/v1/cases/{id}/perpetrators/{sub_id}", api_case_perpetrator_delete, 0, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/support-plans", api_case_support_plans, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/support-plans", api_case_support_plan_add, JSON, "case.write", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/support-plans/{sub_id}", api_case_support_plan_patch, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/attachments", api_case_attachments, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/attachments", api_case_attachment_add, HTTP_ROUTE_UPLOAD, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/attachments/{sub_id}", api_case_attachment_get, 0, "case.read", NULL},
    {HTTP_DELETE, "/api/v1/cases/{id}/attachments/{sub_id}", api_case_attachment_delete, 0, "case.write", NULL},
    /* Issue 4, part D: the printable rights notice. */
    {HTTP_GET, "/api/v1/cases/{id}/rights-notice.pdf", api_case_rights_notice, 0, "case.read", NULL},
    /* Assistance and legal status (part A, api_assist.c). */
    {HTTP_GET, "/api/v1/cases/{id}/services", api_case_services, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/services", api_case_service_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/services/{sub_id}", api_case_service_get, 0, "case.read", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/services/{sub_id}", api_case_service_patch, JSON, "case.write", NULL},
    {HTTP_DELETE, "/api/v1/cases/{id}/services/{sub_id}", api_case_service_delete, 0, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal", api_case_legal, 0, "case.read", NULL},
    {HTTP_PUT, "/api/v1/cases/{id}/legal/non-punishment", api_case_non_punishment_put, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/residence-permits", api_case_permits, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/legal/residence-permits", api_case_permit_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/residence-permits/{sub_id}", api_case_permit_get, 0, "case.read", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/legal/residence-permits/{sub_id}", api_case_permit_patch, JSON, "case.write",
     NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/returns", api_case_returns, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/legal/returns", api_case_return_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/returns/{sub_id}", api_case_return_get, 0, "case.read", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/legal/returns/{sub_id}", api_case_return_patch, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/returns/{sub_id}/follow-ups", api_case_return_follow_ups, 0, "case.read",
     NULL},
    {HTTP_POST, "/api/v1/cases/{id}/legal/returns/{sub_id}/follow-ups", api_case_return_follow_up_add, JSON,
     "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/compensation", api_case_claims, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/legal/compensation", api_case_claim_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/compensation/{sub_id}", api_case_claim_get, 0, "case.read", NULL},
    {HTTP_PATCH, "/api/v1/cases/{id}/legal/compensation/{sub_id}", api_case_claim_patch, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/stats/victims", api_stats_victims, 0, "stats.read", NULL},
    /* Issue 6, item 5: federated reporting. */
    {HTTP_GET, "/api/v1/stats/submission", api_stats_submission_build, 0, "stats.publish", NULL},
    {HTTP_GET, "/api/v1/stats/submissions", api_stats_submissions, 0, "stats.read", NULL},
    {HTTP_POST, "/api/v1/stats/submissions", api_stats_submission_import, HTTP_ROUTE_UPLOAD, "stats.publish", NULL},
    {HTTP_GET, "/api/v1/stats/federated", api_stats_federated, 0, "stats.read", NULL},
    {HTTP_GET, "/api/v1/stats/figures", api_stats_figures, 0, "stats.read", NULL},
    {HTTP_GET, "/api/v1/stats/report.pdf", api_stats_report_pdf, 0, "stats.publish", NULL},
    {HTTP_POST, "/api/v1/stats/dashboard/publish", api_stats_dashboard_publish, JSON, "stats.publish", NULL},
    {HTTP_DELETE, "/api/v1/stats/dashboard", api_stats_dashboard_unpublish, 0, "stats.publish", NULL},
    {HTTP_GET, "/api/v1/public/stats/dashboard", api_public_dashboard, PUB, NULL, NULL},
    {HTTP_GET, "/api/v1/public/stats/dashboard/{lang}/{chart}", api_public_dashboard_image, PUB, NULL, NULL},
    /* Issue 6, item 7: the questionnaire workbook (api_questionnaire.c); release=... needs stats.publish. */
    {HTTP_GET, "/api/v1/stats/questionnaire.xlsx", api_stats_questionnaire, 0, "stats.read", NULL},
    /* Part R: providers, referrals and break-the-glass. */
    {HTTP_GET, "/api/v1/providers", api_providers_search, 0, "referral.read", "provider.manage"},
    {HTTP_POST, "/api/v1/providers", api_providers_create, JSON, "provider.manage", NULL},
    {HTTP_GET, "/api/v1/providers/{id}", api_provider_get, 0, "referral.read", "provider.manage"},
    {HTTP_PATCH, "/api/v1/providers/{id}", api_provider_patch, JSON, "provider.manage", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/referrals", api_case_referrals, 0, "referral.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/referrals", api_case_referral_add, JSON, "referral.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/break-glass", api_case_break_glass, JSON, "case.glass", NULL},
    {HTTP_GET, "/api/v1/referrals", api_referrals_list, 0, "referral.read", NULL},
    {HTTP_GET, "/api/v1/referrals/{id}", api_referral_get, 0, "referral.read", NULL},
    {HTTP_POST, "/api/v1/referrals/{id}/accept", api_referral_accept, JSON, "referral.write", NULL},
    {HTTP_POST, "/api/v1/referrals/{id}/reject", api_referral_reject, JSON, "referral.write", NULL},
    {HTTP_POST, "/api/v1/referrals/{id}/complete", api_referral_complete, JSON, "referral.write", NULL},
    {HTTP_POST, "/api/v1/referrals/{id}/revoke", api_referral_revoke, JSON, "referral.write", NULL},
    /* The referral pathway and the child safeguards (issue 4, part P). */
    {HTTP_GET, "/api/v1/cases/{id}/pathway", api_pathway_get, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/pathway/transition", api_pathway_transition, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/pathway/not-victim", api_pathway_not_victim, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/pathway/reflection/extend", api_pathway_extend, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/pathway/reflection/no-removal", api_pathway_no_removal, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/pathway-settings", api_pathway_settings_get, 0, "pathway.settings", NULL},
    {HTTP_PUT, "/api/v1/pathway-settings", api_pathway_settings_put, JSON, "pathway.settings", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/child", api_child_get, 0, "case.read", NULL},
    {HTTP_PUT, "/api/v1/cases/{id}/child", api_child_put, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/child/guardians", api_child_guardian_add, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/child/guardians/{sub_id}/end", api_child_guardian_end, JSON, "case.write", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/child/bids", api_child_bid_add, JSON, "case.write", NULL},
    /* Screening (part S). */
    {HTTP_GET, "/api/v1/indicator-sets", api_indicator_sets_list, 0, "case.read", "screening.sets"},
    {HTTP_POST, "/api/v1/indicator-sets", api_indicator_sets_import, JSON, "screening.sets", NULL},
    {HTTP_GET, "/api/v1/indicator-sets/{id}", api_indicator_set_get, 0, "case.read", "screening.sets"},
    {HTTP_POST, "/api/v1/screening/evaluate", api_screening_evaluate, JSON, "case.read", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/screenings", api_case_screenings, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/screenings", api_case_screening_add, JSON, "case.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/screenings/{sub_id}", api_case_screening_get, 0, "case.read", NULL},
    {HTTP_POST, "/api/v1/cases/{id}/screenings/{sub_id}/decision", api_case_screening_decide, JSON, "case.write", NULL},
    /* Part T: tasks and "my work". */
    {HTTP_GET, "/api/v1/my-work", api_my_work, 0, "task.read", NULL},
    {HTTP_GET, "/api/v1/tasks", api_tasks_list, 0, "task.read", NULL},
    {HTTP_POST, "/api/v1/tasks", api_tasks_create, JSON, "task.write", NULL},
    {HTTP_GET, "/api/v1/tasks/{id}", api_task_get, 0, "task.read", NULL},
    {HTTP_PATCH, "/api/v1/tasks/{id}", api_task_patch, JSON, "task.write", NULL},
    {HTTP_POST, "/api/v1/tasks/{id}/complete", api_task_complete, 0, "task.write", NULL},
    {HTTP_POST, "/api/v1/tasks/{id}/cancel", api_task_cancel, 0, "task.write", NULL},
    {HTTP_POST, "/api/v1/tasks/{id}/reopen", api_task_reopen, 0, "task.write", NULL},
    {HTTP_GET, "/api/v1/cases/{id}/tasks", api_case_tasks, 0, "task.read", NULL},
    /* Part T: public intake (no login) and triage. */
    {HTTP_GET, "/api/v1/public/tips/form", api_public_tip_form, PUB, NULL, NULL},
    {HTTP_POST, "/api/v1/public/tips", api_public_tip_submit, PUB | JSON | HTTP_ROUTE_NO_CSRF | HTTP_ROUTE_SMALL_BODY,
     NULL, NULL},
    {HTTP_GET, "/api/v1/intake/tips", api_intake_tips, 0, "intake.triage", NULL},
    {HTTP_POST, "/api/v1/intake/tips", api_intake_tip_record, JSON, "intake.triage", NULL},
    {HTTP_GET, "/api/v1/intake/tips/{id}", api_intake_tip_get, 0, "intake.triage", NULL},
    {HTTP_POST, "/api/v1/intake/tips/{id}/triage", api_intake_tip_triage, 0, "intake.triage", NULL},
    {HTTP_POST, "/api/v1/intake/tips/{id}/dismiss", api_intake_tip_dismiss, JSON, "intake.triage", NULL},
    {HTTP_POST, "/api/v1/intake/tips/{id}/convert", api_intake_tip_convert, 0, "intake.triage", NULL},
    /* Issue 5, part J6: international cooperation requests. */
    {HTTP_GET, "/api/v1/coop-requests", api_coop_list, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/coop-requests", api_coop_create, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/coop-requests/stats", api_coop_stats, 0, "justice.read", NULL},
    {HTTP_GET, "/api/v1/coop-requests/{id}", api_coop_get, 0, "justice.read", NULL},
    {HTTP_PATCH, "/api/v1/coop-requests/{id}", api_coop_patch, JSON, "justice.write", NULL},
    {HTTP_POST, "/api/v1/coop-requests/{id}/status", api_coop_status, JSON, "justice.write", NULL},
    /* Issue 5 part J3: court decisions (case law). */
    {HTTP_GET, "/api/v1/court-decisions", api_court_decisions_search, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/court-decisions", api_court_decision_add, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/court-decisions/export", api_court_decisions_export, 0, "justice.read", NULL},
    {HTTP_GET, "/api/v1/court-decisions/{id}", api_court_decision_get, 0, "justice.read", NULL},
    {HTTP_PATCH, "/api/v1/court-decisions/{id}", api_court_decision_patch, JSON, "justice.write", NULL},
    /* Issue 5, part J1: justice. */
    {HTTP_GET, "/api/v1/investigations", api_investigations_list, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations", api_investigations_create, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}", api_investigation_get, 0, "justice.read", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}", api_investigation_patch, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/offences", api_investigation_offences, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/offences", api_investigation_offence_add, JSON, "justice.write", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/offences/{sub_id}", api_investigation_offence_patch, JSON,
     "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/suspects", api_investigation_suspects, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/suspects", api_investigation_suspect_add, JSON, "justice.write", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/suspects/{sub_id}", api_investigation_suspect_patch, JSON,
     "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/charges", api_investigation_charges, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/charges", api_investigation_charge_add, JSON, "justice.write", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/charges/{sub_id}", api_investigation_charge_patch, JSON, "justice.write",
     NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/victims", api_investigation_victims, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/victims", api_investigation_victim_link, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/victims/{sub_id}/identity", api_investigation_victim_identity, 0,
     "justice.victim_identity", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/protection", api_investigation_protection, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/protection", api_investigation_protection_add, JSON, "justice.write",
     NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/protection/{sub_id}", api_investigation_protection_patch, JSON,
     "justice.write", NULL},
    /* Issue 5, part J2: investigative entities. */
    {HTTP_POST, "/api/v1/entities/search", api_entities_search, JSON, "justice.read", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/entities", api_investigation_entities, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/entities", api_investigation_entity_add, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/entities/{sub_id}", api_investigation_entity_get, 0, "justice.read", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/entities/{sub_id}", api_investigation_entity_patch, JSON, "justice.write",
     NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/entity-links", api_investigation_entity_links, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/entity-links", api_investigation_entity_link_add, JSON, "justice.write",
     NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/transactions", api_investigation_transactions, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/transactions", api_investigation_transaction_add, JSON, "justice.write",
     NULL},
    {HTTP_GET, "/api/v1/stats/offenders", api_stats_offenders, 0, "stats.read", NULL},
    /* Issue 6, part S1: regions, population, settings and flows. */
    {HTTP_GET, "/api/v1/stats/flows", api_stats_flows, 0, "stats.read", NULL},
    {HTTP_GET, "/api/v1/stats/regions", api_stats_regions, 0, "stats.read", NULL},
    {HTTP_PUT, "/api/v1/stats/regions", api_stats_regions_put, JSON, "stats.settings", NULL},
    {HTTP_GET, "/api/v1/stats/population", api_stats_population, 0, "stats.read", NULL},
    {HTTP_POST, "/api/v1/stats/population", api_stats_population_import, JSON, "stats.settings", NULL},
    {HTTP_GET, "/api/v1/stats/settings", api_stats_settings, 0, "stats.read", NULL},
    {HTTP_PUT, "/api/v1/stats/settings", api_stats_settings_put, JSON, "stats.settings", NULL},
    /* Issue 6 item 4: disclosure control (releases; release= on the two routes above). */
    {HTTP_GET, "/api/v1/stats/releases", api_stats_releases, 0, "stats.read", NULL},
    /* Issue 5, part J5: assets and their allocation to compensation claims. */
    {HTTP_GET, "/api/v1/assets/totals", api_asset_totals, 0, "justice.read", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/assets", api_assets_list, 0, "justice.read", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/assets", api_asset_add, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/assets/{sub_id}", api_asset_get, 0, "justice.read", NULL},
    {HTTP_PATCH, "/api/v1/investigations/{id}/assets/{sub_id}", api_asset_patch, JSON, "justice.write", NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/assets/{sub_id}/status", api_asset_status, JSON, "justice.write", NULL},
    {HTTP_GET, "/api/v1/investigations/{id}/assets/{sub_id}/allocations", api_asset_allocations, 0, "justice.read",
     NULL},
    {HTTP_POST, "/api/v1/investigations/{id}/assets/{sub_id}/allocations", api_asset_allocate, JSON, "justice.write",
     NULL},
    {HTTP_GET, "/api/v1/cases/{id}/legal/compensation/{sub_id}/allocations", api_case_claim_allocations, 0, "case.read",
     NULL},
    /* Issue 6, item 6: UNODC's published national data (glotip). */
    {HTTP_GET, "/api/v1/stats/glotip", api_stats_glotip, 0, "stats.read", NULL},
    {HTTP_POST, "/api/v1/imports/glotip", api_glotip_import, HTTP_ROUTE_UPLOAD, "case.write", NULL},
    /* Issue 6, item 7: the report's charts as images (release=suppress needs stats.publish). */
    {HTTP_GET, "/api/v1/stats/charts/{name}", api_stats_chart, 0, "stats.read", "stats.publish"},
    /* Issue 7, item 3: linkage runs and the review queue. */
    {HTTP_GET, "/api/v1/link/runs", api_link_runs, 0, "link.run", NULL},
    {HTTP_POST, "/api/v1/link/runs", api_link_run_create, JSON, "link.run", NULL},
    {HTTP_GET, "/api/v1/link/runs/{id}", api_link_run, 0, "link.run", NULL},
    {HTTP_GET, "/api/v1/link/runs/{id}/pairs", api_link_run_pairs, 0, "link.run", NULL},
    {HTTP_POST, "/api/v1/link/pairs/{id}/decision", api_link_pair_decide, JSON, "link.run", NULL},
    /* Issue 7, part G: the candidate networks of the entity graph (api_link.c). */
    {HTTP_GET, "/api/v1/link/networks", api_link_networks, 0, "link.run", NULL},
    {HTTP_GET, "/api/v1/link/networks/{id}", api_link_network, 0, "link.run", NULL},
    {HTTP_GET, "/api/v1/link/networks/{id}/graphml", api_link_network_graphml, 0, "link.run", NULL},
    {HTTP_GET, "/api/v1/link/networks/{id}/csv", api_link_network_csv, 0, "link.run", NULL},
    /* Issue 9, item 1: the Plan of Action as data. */
    {HTTP_GET, "/api/v1/plan/paragraphs", api_plan_paragraphs, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/paragraphs/{id}", api_plan_paragraph_get, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/instruments", api_plan_instruments, 0, "plan.read", NULL},
    /* Issue 9, part K: the best-practices knowledge base and the implementation report. */
    {HTTP_GET, "/api/v1/plan/practices", api_plan_practices, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/practices", api_plan_practice_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/practices/{id}", api_plan_practice_get, 0, "plan.read", NULL},
    {HTTP_PUT, "/api/v1/plan/practices/{id}", api_plan_practice_put, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/report", api_plan_report, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/report.pdf", api_plan_report_pdf, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/report.xlsx", api_plan_report_xlsx, 0, "plan.read", NULL},
    /* Issue 9, part R: the ratification register (api_plan_ratify.c). */
    {HTTP_GET, "/api/v1/plan/ratifications", api_plan_ratifications, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/ratifications/import", api_plan_ratification_import, HTTP_ROUTE_UPLOAD, "plan.write",
     NULL},
    {HTTP_GET, "/api/v1/plan/ratifications/{state}/{instrument}", api_plan_ratification_get, 0, "plan.read", NULL},
    {HTTP_PUT, "/api/v1/plan/ratifications/{state}/{instrument}", api_plan_ratification_put, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/coverage", api_plan_coverage, 0, "plan.read", NULL},
    /* Issue 9, part R: partnerships (api_plan_partners.c). */
    {HTTP_GET, "/api/v1/plan/partners", api_plan_partners, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/partners", api_plan_partner_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/partners/{id}", api_plan_partner_get, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/agreements", api_plan_agreements, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/agreements", api_plan_agreement_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/assistance", api_plan_assistance, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/assistance", api_plan_assistance_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/assistance/{id}", api_plan_assistance_get, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/assistance/{id}/status", api_plan_assistance_status, JSON, "plan.write", NULL},
    {HTTP_POST, "/api/v1/plan/assistance/{id}/deliveries", api_plan_assistance_deliver, JSON, "plan.write", NULL},
    /* Issue 9, part N: national action plans and prevention (api_plan_nap.c). */
    {HTTP_GET, "/api/v1/plan/naps", api_plan_naps, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/naps", api_plan_nap_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/naps/{id}", api_plan_nap_get, 0, "plan.read", NULL},
    {HTTP_PATCH, "/api/v1/plan/naps/{id}", api_plan_nap_patch, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/naps/{id}/actions", api_plan_nap_actions, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/naps/{id}/actions", api_plan_nap_action_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/naps/{id}/matrix", api_plan_nap_matrix, 0, "plan.read", NULL},
    {HTTP_GET, "/api/v1/plan/actions/{id}/progress", api_plan_action_progress, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/actions/{id}/progress", api_plan_action_progress_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/campaigns", api_plan_campaigns, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/campaigns", api_plan_campaign_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/trainings", api_plan_trainings, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/trainings", api_plan_training_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/idwork", api_plan_idwork, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/idwork", api_plan_idwork_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/supplychain", api_plan_supplychain, 0, "plan.read", NULL},
    {HTTP_POST, "/api/v1/plan/supplychain", api_plan_supplychain_add, JSON, "plan.write", NULL},
    {HTTP_GET, "/api/v1/plan/prevention", api_plan_prevention, 0, "plan.read", NULL},
    /* Issue 8, part L: the Trust Fund's money (api_fund_ledger.c). */
    {HTTP_GET, "/api/v1/fund/donors", api_fund_donors, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/donors", api_fund_donor_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/donors/{id}", api_fund_donor_get, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/pledges", api_fund_pledges, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/pledges", api_fund_pledge_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/pledges/{id}", api_fund_pledge_get, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/pledges/{id}/write-off", api_fund_pledge_write_off, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/receipts", api_fund_receipts, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/receipts", api_fund_receipt_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/receipts/{id}", api_fund_receipt_get, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/receipts/{id}/reverse", api_fund_receipt_reverse, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/rates", api_fund_rates, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/rates", api_fund_rate_set, JSON, "fund.write", NULL},
    {HTTP_POST, "/api/v1/fund/rates/import", api_fund_rate_import, HTTP_ROUTE_UPLOAD, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/ledger", api_fund_ledger, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/balances", api_fund_balances, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/statement", api_fund_statement, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/statement.csv", api_fund_statement_csv, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/statement.xlsx", api_fund_statement_xlsx, 0, "fund.read", NULL},
    {HTTP_GET, "/api/v1/fund/statement.pdf", api_fund_statement_pdf, 0, "fund.read", NULL},
    /* Issue 8, part G: grants, tranches, disbursements (recorded by one fund user, approved by
     * another), grantee reports (fund.apply: their own organisation's) and the fund's results. */
    {HTTP_GET, "/api/v1/fund/grants", api_fund_grants_list, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/grants", api_fund_grant_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/grants/{id}", api_fund_grant_get, 0, "fund.read", "fund.apply"},
    {HTTP_GET, "/api/v1/fund/grants/{id}/tranches", api_fund_grant_tranches, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/grants/{id}/close", api_fund_grant_close, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/disbursements", api_fund_disbursements_list, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/disbursements", api_fund_disbursement_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/disbursements/{id}", api_fund_disbursement_get, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/disbursements/{id}/approval", api_fund_disbursement_approval, JSON, "fund.certify", NULL},
    {HTTP_GET, "/api/v1/fund/reports", api_fund_reports_list, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/reports", api_fund_report_add, JSON, "fund.apply", NULL},
    {HTTP_GET, "/api/v1/fund/reports/{id}", api_fund_report_get, 0, "fund.read", "fund.apply"},
    {HTTP_PUT, "/api/v1/fund/reports/{id}", api_fund_report_put, JSON, "fund.apply", NULL},
    {HTTP_POST, "/api/v1/fund/reports/{id}/submit", api_fund_report_submit, 0, "fund.apply", NULL},
    {HTTP_POST, "/api/v1/fund/reports/{id}/decision", api_fund_report_decision, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/results", api_fund_results, 0, "fund.read", "fund.apply"},
    {HTTP_GET, "/api/v1/tokens", h_tokens_list, 0, "token.manage", NULL},
    {HTTP_POST, "/api/v1/tokens", h_tokens_create, JSON, "token.manage", NULL},
    {HTTP_DELETE, "/api/v1/tokens/{id}", h_token_delete, 0, "token.manage", NULL},
    /* Issue 8, part A: the Trust Fund's board, conflicts, calls, organisations, applications,
     * reviews and decisions (api_fund_apps.c). */
    {HTTP_GET, "/api/v1/fund/board", api_fund_board, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/board", api_fund_board_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/board/settings", api_fund_board_settings, 0, "fund.read", NULL},
    {HTTP_PATCH, "/api/v1/fund/board/settings", api_fund_board_settings_set, JSON, "fund.write", NULL},
    {HTTP_POST, "/api/v1/fund/board/{id}/end", api_fund_board_end, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/conflicts", api_fund_conflicts, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/conflicts", api_fund_conflict_add, JSON, "fund.approve", "fund.write"},
    {HTTP_GET, "/api/v1/fund/calls", api_fund_calls, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/calls", api_fund_call_add, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/calls/{id}", api_fund_call_get, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/calls/{id}/open", api_fund_call_open, 0, "fund.write", NULL},
    {HTTP_POST, "/api/v1/fund/calls/{id}/close", api_fund_call_close, 0, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/orgs/{id}", api_fund_org_get, 0, "fund.read", "fund.apply"},
    {HTTP_PUT, "/api/v1/fund/orgs/{id}", api_fund_org_put, JSON, "fund.apply", "fund.write"},
    {HTTP_GET, "/api/v1/fund/applications", api_fund_applications, 0, "fund.read", "fund.apply"},
    {HTTP_POST, "/api/v1/fund/applications", api_fund_application_add, JSON, "fund.apply", NULL},
    {HTTP_GET, "/api/v1/fund/applications/{id}", api_fund_application_get, 0, "fund.read", "fund.apply"},
    {HTTP_PUT, "/api/v1/fund/applications/{id}", api_fund_application_put, JSON, "fund.apply", NULL},
    {HTTP_POST, "/api/v1/fund/applications/{id}/submit", api_fund_application_submit, 0, "fund.apply", NULL},
    {HTTP_GET, "/api/v1/fund/applications/{id}/reviews", api_fund_application_reviews, 0, "fund.read", NULL},
    {HTTP_POST, "/api/v1/fund/applications/{id}/reviews", api_fund_application_review_add, JSON, "fund.approve", NULL},
    {HTTP_POST, "/api/v1/fund/applications/{id}/decision", api_fund_application_decision, JSON, "fund.write", NULL},
    {HTTP_GET, "/api/v1/fund/reviews", api_fund_review_queue, 0, "fund.approve", NULL},
};
const size_t api_routes_count = ARRAY_LEN(api_routes);
