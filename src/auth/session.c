/* session: logging in (throttling per client, lockout per account, password, TOTP with replay
 * protection via liboath), sessions with idle and absolute expiry, CSRF tokens, two-factor
 * enrolment, and API tokens. Tokens are random and stored only as keyed hashes; all state is in
 * the database so several servers can share it. Password hashing runs outside transactions. */
#include <liboath/oath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_DIGITS 6

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static void oath_start(void)
{
    ASSERT(oath_init() == OATH_OK);
}

/* A dummy hash verified when the user does not exist, so both paths take as long. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[VAULT_PWHASH_STR_BYTES];
static void dummy_make(void)
{
    ASSERT(vault_password_hash(dummy_hash, "not a real password", 19) == STATUS_OK);
}

struct login_state {
    int64_t user_id;
    int64_t agency_id;
    char username[USERNAME_BYTES_MAX + 1];
    char pwhash[VAULT_PWHASH_STR_BYTES];
    bool disabled;
    bool totp_enabled;
    uint8_t *totp_enc;
    size_t totp_enc_len;
    int64_t locked_until_ms;
    int64_t role_id;
    bool mfa_required;
    uint8_t throttle_key[VAULT_HASH_BYTES];
    int64_t throttle_start_ms;
    int64_t throttle_failures;
};

static void login_state_clear(struct login_state *ls)
{
    free(ls->totp_enc);
    vault_wipe(ls->pwhash, sizeof ls->pwhash);
}

static enum status login_read(struct store *s, const char *username, struct login_state *ls)
{
    struct sql_value t[] = {SQLV_BLOB(ls->throttle_key, VAULT_HASH_BYTES)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_THROTTLE_GET, t, 1, &r);
    if (st == STATUS_OK) {
        ls->throttle_start_ms = store_rows_i64(r, 0);
        ls->throttle_failures = store_rows_i64(r, 1);
        store_rows_free(r);
    } else if (st != STATUS_NOT_FOUND) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(username)};
    st = store_exec_one(s, STMT_USER_BY_USERNAME, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return STATUS_OK;
    }
    if (st != STATUS_OK) {
        return st;
    }
    ls->user_id = store_rows_i64(r, U_ID);
    ls->agency_id = store_rows_i64(r, U_AGENCY);
    snprintf(ls->username, sizeof ls->username, "%s", store_rows_text(r, U_USERNAME));
    snprintf(ls->pwhash, sizeof ls->pwhash, "%s", store_rows_text(r, U_PWHASH));
    ls->role_id = store_rows_i64(r, U_ROLE_ID);
    ls->disabled = store_rows_i64(r, U_DISABLED) != 0;
    ls->totp_enabled = store_rows_i64(r, U_TOTP_ENABLED) != 0;
    ls->locked_until_ms = store_rows_i64(r, U_LOCKED_UNTIL);
    size_t len = 0;
    const uint8_t *enc = store_rows_blob(r, U_TOTP_ENC, &len);
    if (enc != NULL && len > 0) {
        ls->totp_enc = xmalloc(len);
        memcpy(ls->totp_enc, enc, len);
        ls->totp_enc_len = len;
    }
    store_rows_free(r);
    struct sql_value ra[] = {SQLV_I64(ls->role_id)};
    st = store_exec_one(s, STMT_ROLE_GET, ra, 1, &r);
    if (st == STATUS_OK) {
        ls->mfa_required = store_rows_i64(r, 4) != 0;
        store_rows_free(r);
    }
    return st;
}

struct login_write {
    struct vault *v;
    struct login_state *ls;
    const char *client;
    enum { LOGIN_FAIL, LOGIN_DENY, LOGIN_OK, LOGIN_THROTTLED } outcome;
    const char *detail;
    uint64_t totp_counter;
    bool count_failure;
    struct auth_login *out;
    bool replayed;
};

static enum status login_audit(struct store *s, struct login_write *w, const char *outcome)
{
    struct auth_principal who = {.user_id = w->ls->user_id};
    snprintf(who.username, sizeof who.username, "%s", w->ls->user_id ? w->ls->username : "anonymous");
    struct auth_ctx ctx = {s, w->v, &who, w->client};
    return auth_audit(&ctx, "session.login", w->ls->user_id ? "user" : "", w->ls->user_id, outcome, w->detail);
}

static enum status login_write_tx(struct store *s, void *p)
{
    struct login_write *w = p;
    struct login_state *ls = w->ls;
    int64_t now = util_now_ms();
    enum status st = STATUS_OK;
    w->replayed = false;
    if (w->outcome == LOGIN_OK && ls->totp_enabled) {
        /* Replay protection: the counter must be newer than the last one used. */
        struct sql_value a[] = {SQLV_I64(ls->user_id), SQLV_I64((int64_t)w->totp_counter)};
        st = store_exec(s, STMT_USER_TOTP_USE, a, 2, NULL);
        if (st != STATUS_OK) {
            return st;
        }
        if (store_changes(s) != 1) {
            w->replayed = true;
            w->outcome = LOGIN_FAIL;
            w->count_failure = true;
            w->detail = "one-time code already used";
        }
    }
    if (w->outcome != LOGIN_OK && w->count_failure) {
        struct sql_value t[] = {SQLV_BLOB(ls->throttle_key, VAULT_HASH_BYTES), SQLV_I64(now),
                                SQLV_I64(LOGIN_CLIENT_WINDOW_S * 1000LL)};
        st = store_exec(s, STMT_THROTTLE_FAIL, t, 3, NULL);
        if (st == STATUS_OK && ls->user_id != 0) {
            struct sql_value u[] = {SQLV_I64(ls->user_id), SQLV_I64(LOGIN_FAILURES_LOCK),
                                    SQLV_I64(now + LOGIN_LOCK_S * 1000LL)};
            st = store_exec(s, STMT_USER_LOGIN_FAILED, u, 3, NULL);
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (w->outcome != LOGIN_OK) {
        return login_audit(s, w,
                           w->outcome == LOGIN_THROTTLED ? "throttled"
                           : w->outcome == LOGIN_DENY    ? "denied"
                                                         : "failed");
    }
    struct sql_value u[] = {SQLV_I64(ls->user_id), SQLV_I64(now)};
    st = store_exec(s, STMT_USER_LOGIN_OK, u, 2, NULL);
    if (st == STATUS_OK) {
        /* Expired sessions go at each login, so the table holds only live ones. */
        struct sql_value pa[] = {SQLV_I64(now), SQLV_I64(now - SESSION_IDLE_S * 1000LL)};
        st = store_exec(s, STMT_SESSION_PURGE, pa, 2, NULL);
    }
    if (st != STATUS_OK) {
        return st;
    }
    char *token = vault_token_new(32), *csrf = vault_token_new(32);
    uint8_t token_hash[VAULT_HASH_BYTES], csrf_hash[VAULT_HASH_BYTES];
    vault_mac(w->v, token_hash, "session", token, strlen(token));
    vault_mac(w->v, csrf_hash, "csrf", csrf, strlen(csrf));
    bool mfa_ok = ls->totp_enabled || !ls->mfa_required;
    struct sql_value a[] = {SQLV_I64(vault_random_id()),
                            SQLV_BLOB(token_hash, sizeof token_hash),
                            SQLV_BLOB(csrf_hash, sizeof csrf_hash),
                            SQLV_I64(ls->user_id),
                            SQLV_BOOL(mfa_ok),
                            SQLV_I64(now),
                            SQLV_I64(now + SESSION_ABSOLUTE_S * 1000LL)};
    st = store_exec(s, STMT_SESSION_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = login_audit(s, w, "ok");
    }
    if (st != STATUS_OK) {
        free(token);
        free(csrf);
        return st;
    }
    free(w->out->session_token);
    free(w->out->csrf_token);
    w->out->session_token = token;
    w->out->csrf_token = csrf;
    w->out->user_id = ls->user_id;
    w->out->mfa_enroll_required = ls->mfa_required && !ls->totp_enabled;
    return STATUS_OK;
}

static enum status totp_secret_open(struct vault *v, int64_t user_id, const uint8_t *enc, size_t len, char **secret_out,
                                    size_t *secret_len_out)
{
    struct vault_ad ad = {"users", "totp_secret_enc", user_id};
    return vault_unseal(v, secret_out, secret_len_out, &ad, enc, len);
}

/* Checks a code against a raw secret; *counter_out is the time step it matched. */
static bool totp_match(const char *secret, size_t secret_len, const char *code, uint64_t *counter_out)
{
    if (code == NULL || strlen(code) != TOTP_DIGITS) {
        return false;
    }
    for (const char *p = code; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
    }
    pthread_once(&oath_once, oath_start);
    int pos = 0;
    uint64_t counter = 0;
    time_t now = (time_t)(util_now_ms() / 1000);
    int rc = oath_totp_validate4(secret, secret_len, now, TOTP_STEP_S, 0, TOTP_WINDOW_STEPS, &pos, &counter, 0, code);
    if (rc < 0) {
        return false;
    }
    *counter_out = counter;
    return true;
}

enum status auth_login(struct store *s, struct vault *v, const char *username, const char *password, const char *totp,
                       const char *client, struct auth_login *out)
{
    memset(out, 0, sizeof *out);
    struct login_state ls;
    memset(&ls, 0, sizeof ls);
    const char *who_client = client ? client : "";
    vault_mac(v, ls.throttle_key, "throttle", who_client, strlen(who_client));
    struct login_write w = {.v = v, .ls = &ls, .client = client, .out = out};
    enum status st = STATUS_OK;
    if (username == NULL || password == NULL || strlen(username) > USERNAME_BYTES_MAX ||
        strlen(password) > PASSWORD_BYTES_MAX) {
        return err_set(STATUS_UNAUTHENTICATED, "wrong username or password");
    }
    st = store_tx_begin(s, STORE_TX_READ);
    if (st == STATUS_OK) {
        st = login_read(s, username, &ls);
        store_tx_rollback(s);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    int64_t now = util_now_ms();
    enum status result = STATUS_OK;
    if (now - ls.throttle_start_ms <= LOGIN_CLIENT_WINDOW_S * 1000LL &&
        ls.throttle_failures >= LOGIN_CLIENT_ATTEMPTS_MAX) {
        w.outcome = LOGIN_THROTTLED;
        w.detail = "too many failed attempts from this client";
        result = err_set(STATUS_THROTTLED, "too many failed attempts; wait a minute and try again");
    } else if (ls.user_id == 0) {
        pthread_once(&dummy_once, dummy_make);
        vault_password_verify(dummy_hash, password, strlen(password));
        w.outcome = LOGIN_FAIL;
        w.count_failure = true;
        w.detail = "unknown user";
        result = err_set(STATUS_UNAUTHENTICATED, "wrong username or password");
    } else if (ls.locked_until_ms > now) {
        w.outcome = LOGIN_DENY;
        w.detail = "account locked";
        result = err_set_field(STATUS_DENIED, "locked",
                               "account locked after repeated failures; try later "
                               "or ask an administrator");
    } else if (vault_password_verify(ls.pwhash, password, strlen(password)) != STATUS_OK) {
        w.outcome = LOGIN_FAIL;
        w.count_failure = true;
        w.detail = "wrong password";
        result = err_set(STATUS_UNAUTHENTICATED, "wrong username or password");
    } else if (ls.disabled) {
        w.outcome = LOGIN_DENY;
        w.detail = "account disabled";
        result = err_set_field(STATUS_DENIED, "disabled", "account disabled");
    } else if (ls.totp_enabled && (totp == NULL || totp[0] == '\0')) {
        w.outcome = LOGIN_FAIL;
        w.detail = "one-time code needed";
        result = err_set_field(STATUS_UNAUTHENTICATED, "totp", "enter the one-time code from your authenticator");
    } else if (ls.totp_enabled) {
        char *secret = NULL;
        size_t secret_len = 0;
        st = totp_secret_open(v, ls.user_id, ls.totp_enc, ls.totp_enc_len, &secret, &secret_len);
        if (st != STATUS_OK) {
            goto out;
        }
        bool ok = totp_match(secret, secret_len, totp, &w.totp_counter);
        vault_plain_free(secret, secret_len);
        if (ok) {
            w.outcome = LOGIN_OK;
        } else {
            w.outcome = LOGIN_FAIL;
            w.count_failure = true;
            w.detail = "wrong one-time code";
            result = err_set_field(STATUS_UNAUTHENTICATED, "totp", "wrong one-time code");
        }
    } else {
        w.outcome = LOGIN_OK;
    }
    char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX];
    snprintf(msg, sizeof msg, "%s", err_last());
    snprintf(field, sizeof field, "%s", err_last_field());
    st = store_tx_run(s, STORE_TX_WRITE, login_write_tx, &w);
    if (st != STATUS_OK) {
        goto out;
    }
    if (w.replayed) {
        st = err_set_field(STATUS_UNAUTHENTICATED, "totp",
                           "this one-time code was already used; wait for "
                           "the next one");
    } else if (result != STATUS_OK) {
        st = err_set_field(result, field[0] ? field : NULL, "%s", msg);
    }
out:
    login_state_clear(&ls);
    if (st != STATUS_OK) {
        auth_login_clear(out);
    }
    return st;
}

void auth_login_clear(struct auth_login *l)
{
    free(l->session_token);
    free(l->csrf_token);
    l->session_token = NULL;
    l->csrf_token = NULL;
}

enum status auth_session_resolve(struct store *s, struct vault *v, const char *token, struct auth_principal *out,
                                 uint8_t csrf_hash_out[32])
{
    memset(out, 0, sizeof *out);
    if (token == NULL || token[0] == '\0' || strlen(token) > 128) {
        return err_set(STATUS_UNAUTHENTICATED, "not logged in");
    }
    uint8_t hash[VAULT_HASH_BYTES];
    vault_mac(v, hash, "session", token, strlen(token));
    struct sql_value a[] = {SQLV_BLOB(hash, sizeof hash)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_SESSION_BY_TOKEN, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_UNAUTHENTICATED, "session expired or not logged in");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t session_id = store_rows_i64(r, 0), user_id = store_rows_i64(r, 1);
    size_t clen = 0;
    const uint8_t *csrf = store_rows_blob(r, 2, &clen);
    if (csrf_hash_out != NULL && clen == 32) {
        memcpy(csrf_hash_out, csrf, 32);
    }
    bool mfa_ok = store_rows_i64(r, 3) != 0;
    int64_t last_seen = store_rows_i64(r, 5), expires = store_rows_i64(r, 6);
    store_rows_free(r);
    int64_t now = util_now_ms();
    if (expires <= now || last_seen + SESSION_IDLE_S * 1000LL <= now) {
        struct sql_value d[] = {SQLV_I64(session_id)};
        store_exec(s, STMT_SESSION_DELETE, d, 1, NULL);
        return err_set(STATUS_UNAUTHENTICATED, "session expired");
    }
    st = auth_principal_load(out, s, user_id);
    if (st != STATUS_OK) {
        return st == STATUS_DENIED ? err_set(STATUS_UNAUTHENTICATED, "account disabled") : st;
    }
    out->session_id = session_id;
    out->mfa_ok = mfa_ok || !out->mfa_required;
    /* Touch at most once a minute: the idle clock needs no finer grain, and it spares writes. */
    if (now - last_seen > 60 * 1000) {
        struct sql_value t[] = {SQLV_I64(session_id), SQLV_I64(now)};
        st = store_exec(s, STMT_SESSION_TOUCH, t, 2, NULL);
        if (st != STATUS_OK) {
            auth_principal_clear(out);
            return st;
        }
    }
    return STATUS_OK;
}

bool auth_csrf_valid(struct vault *v, const uint8_t csrf_hash[32], const char *csrf_token)
{
    if (csrf_token == NULL || csrf_token[0] == '\0' || strlen(csrf_token) > 128) {
        return false;
    }
    uint8_t h[VAULT_HASH_BYTES];
    vault_mac(v, h, "csrf", csrf_token, strlen(csrf_token));
    return vault_equal(h, csrf_hash, VAULT_HASH_BYTES);
}

enum status auth_logout(const struct auth_ctx *ctx)
{
    if (ctx->who->session_id == 0) {
        return STATUS_OK;
    }
    struct sql_value d[] = {SQLV_I64(ctx->who->session_id)};
    enum status st = store_exec(ctx->store, STMT_SESSION_DELETE, d, 1, NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "session.logout", "user", ctx->who->user_id, "ok", NULL);
    }
    return st;
}

static enum status totp_store(const struct auth_ctx *ctx, int64_t user_id, const uint8_t *raw, size_t len, bool enabled)
{
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    struct vault_ad ad = {"users", "totp_secret_enc", user_id};
    enum status st = vault_seal(ctx->vault, &enc, &enc_len, &ad, raw, len);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(user_id), SQLV_BLOB(enc, enc_len), SQLV_BOOL(enabled), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_USER_SET_TOTP, a, ARRAY_LEN(a), NULL);
    free(enc);
    return st;
}

static char *base32(const uint8_t *raw, size_t len)
{
    pthread_once(&oath_once, oath_start);
    char *b32 = NULL;
    size_t b32_len = 0;
    ASSERT(oath_base32_encode((const char *)raw, len, &b32, &b32_len) == OATH_OK);
    /* Authenticator apps take the secret without '=' padding. */
    char *eq = strchr(b32, '=');
    if (eq != NULL) {
        *eq = '\0';
    }
    char *out = xstrdup(b32);
    free(b32);
    return out;
}

enum status auth_totp_setup(const struct auth_ctx *ctx, char **secret_out, char **uri_out)
{
    *secret_out = NULL;
    *uri_out = NULL;
    if (ctx->who->operator|| ctx->who->user_id == 0) {
        return err_set(STATUS_INVALID, "the local operator has no account");
    }
    if (ctx->who->totp_enabled) {
        return err_set(STATUS_CONFLICT, "two-factor is already set up; an administrator can reset it");
    }
    uint8_t raw[TOTP_SECRET_BYTES];
    vault_random(raw, sizeof raw);
    enum status st = totp_store(ctx, ctx->who->user_id, raw, sizeof raw, false);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "session.totp_setup", "user", ctx->who->user_id, "ok", NULL);
    }
    if (st == STATUS_OK) {
        *secret_out = base32(raw, sizeof raw);
        *uri_out = xasprintf("otpauth://totp/ctis:%s?secret=%s&issuer=ctis&algorithm=SHA1&digits=%d&period=%d",
                             ctx->who->username, *secret_out, TOTP_DIGITS, TOTP_STEP_S);
    }
    vault_wipe(raw, sizeof raw);
    return st;
}

enum status auth_totp_confirm(const struct auth_ctx *ctx, const char *code)
{
    if (ctx->who->operator|| ctx->who->user_id == 0) {
        return err_set(STATUS_INVALID, "the local operator has no account");
    }
    struct sql_value a[] = {SQLV_I64(ctx->who->user_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_USER_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t len = 0;
    const uint8_t *enc = store_rows_blob(r, U_TOTP_ENC, &len);
    bool enabled = store_rows_i64(r, U_TOTP_ENABLED) != 0;
    uint8_t *copy = NULL;
    if (enc != NULL && len > 0) {
        copy = xmalloc(len);
        memcpy(copy, enc, len);
    }
    store_rows_free(r);
    if (copy == NULL || enabled) {
        free(copy);
        return err_set(STATUS_CONFLICT, enabled ? "two-factor is already set up" : "start the two-factor setup first");
    }
    char *secret = NULL;
    size_t secret_len = 0;
    st = totp_secret_open(ctx->vault, ctx->who->user_id, copy, len, &secret, &secret_len);
    free(copy);
    if (st != STATUS_OK) {
        return st;
    }
    uint64_t counter = 0;
    if (!totp_match(secret, secret_len, code, &counter)) {
        vault_plain_free(secret, secret_len);
        auth_audit(ctx, "session.totp_confirm", "user", ctx->who->user_id, "failed", "wrong one-time code");
        return err_set_field(STATUS_INVALID, "code", "code: wrong one-time code");
    }
    st = totp_store(ctx, ctx->who->user_id, (const uint8_t *)secret, secret_len, true);
    vault_plain_free(secret, secret_len);
    if (st == STATUS_OK) {
        struct sql_value u[] = {SQLV_I64(ctx->who->user_id), SQLV_I64((int64_t)counter)};
        st = store_exec(ctx->store, STMT_USER_TOTP_USE, u, 2, NULL);
    }
    if (st == STATUS_OK && ctx->who->session_id != 0) {
        struct sql_value sa[] = {SQLV_I64(ctx->who->session_id)};
        st = store_exec(ctx->store, STMT_SESSION_SET_MFA, sa, 1, NULL);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "session.totp_confirm", "user", ctx->who->user_id, "ok", NULL);
    }
    return st;
}

enum status auth_totp_enrol(const struct auth_ctx *ctx, int64_t user_id, char **secret_out)
{
    *secret_out = NULL;
    if (!ctx->who->operator) {
        return err_set(STATUS_DENIED, "only the local operator enrols two-factor for others");
    }
    uint8_t raw[TOTP_SECRET_BYTES];
    vault_random(raw, sizeof raw);
    enum status st = totp_store(ctx, user_id, raw, sizeof raw, true);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "user.totp_enrol", "user", user_id, "ok", NULL);
    }
    if (st == STATUS_OK) {
        *secret_out = base32(raw, sizeof raw);
    }
    vault_wipe(raw, sizeof raw);
    return st;
}

enum status auth_totp_code(char out[16], const char *secret_base32, int64_t now_ms)
{
    pthread_once(&oath_once, oath_start);
    char *raw = NULL;
    size_t raw_len = 0;
    if (oath_base32_decode(secret_base32, strlen(secret_base32), &raw, &raw_len) != OATH_OK) {
        return err_set(STATUS_INVALID, "not a base32 secret");
    }
    int rc = oath_totp_generate2(raw, raw_len, (time_t)(now_ms / 1000), TOTP_STEP_S, 0, TOTP_DIGITS, 0, out);
    free(raw);
    return rc == OATH_OK ? STATUS_OK : err_set(STATUS_IO, "cannot compute the code");
}

/* API tokens. */

enum status auth_token_create(const struct auth_ctx *ctx, int64_t user_id, const char *name, int64_t days,
                              char **token_out, int64_t *id_out)
{
    *token_out = NULL;
    size_t nlen = name ? strlen(name) : 0;
    if (nlen == 0 || nlen > NAME_BYTES_MAX || !util_utf8_valid(name, nlen)) {
        return err_set_field(STATUS_INVALID, "name", "name: 1 to %d bytes of text", NAME_BYTES_MAX);
    }
    if (days < 1 || days > API_TOKEN_DAYS_MAX) {
        return err_set_field(STATUS_INVALID, "days", "days: 1 to %d", API_TOKEN_DAYS_MAX);
    }
    if (!ctx->who->operator&& user_id != ctx->who->user_id) {
        return err_set(STATUS_DENIED, "tokens can be made only for oneself");
    }
    struct auth_record rec = {.type = "user", .id = user_id, .agency_id = ctx->who->agency_id, .owner_id = user_id};
    enum status st = auth_check(ctx, "token.manage", &rec, AUTH_FG_NONE, true, "create token");
    if (st != STATUS_OK) {
        return st;
    }
    char *rnd = vault_token_new(32);
    char *token = xasprintf("ctis_%s", rnd);
    free(rnd);
    uint8_t hash[VAULT_HASH_BYTES];
    vault_mac(ctx->vault, hash, "token", token, strlen(token));
    int64_t id = vault_random_id(), now = util_now_ms();
    struct sql_value a[] = {SQLV_I64(id),    SQLV_I64(user_id),
                            sqlv_text(name), SQLV_BLOB(hash, sizeof hash),
                            SQLV_I64(now),   SQLV_I64(now + days * 86400000LL)};
    st = store_exec(ctx->store, STMT_APITOKEN_INSERT, a, ARRAY_LEN(a), NULL);
    if (st != STATUS_OK) {
        free(token);
        return st == STATUS_CONFLICT ? err_set_field(STATUS_INVALID, "user_id", "user_id: no such user") : st;
    }
    *token_out = token;
    if (id_out) {
        *id_out = id;
    }
    return STATUS_OK;
}

enum status auth_token_list(const struct auth_ctx *ctx, struct auth_token_info **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec = {
        .type = "user", .id = ctx->who->user_id, .agency_id = ctx->who->agency_id, .owner_id = ctx->who->user_id};
    enum status st = auth_check(ctx, "token.manage", &rec, AUTH_FG_NONE, false, "list tokens");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(ctx->who->user_id)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_APITOKEN_LIST_USER, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct auth_token_info *list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n].id = store_rows_i64(r, 0);
        list[n].name = xstrdup(store_rows_text(r, 1));
        list[n].created_at_ms = store_rows_i64(r, 2);
        list[n].expires_at_ms = store_rows_i64(r, 3);
        list[n].last_used_ms = store_rows_i64(r, 4);
        list[n].revoked = store_rows_i64(r, 5) != 0;
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        auth_token_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status auth_token_revoke(const struct auth_ctx *ctx, int64_t id)
{
    struct auth_record rec = {
        .type = "user", .id = ctx->who->user_id, .agency_id = ctx->who->agency_id, .owner_id = ctx->who->user_id};
    enum status st = auth_check(ctx, "token.manage", &rec, AUTH_FG_NONE, true, "revoke token");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(ctx->who->user_id)};
    st = store_exec(ctx->store, STMT_APITOKEN_REVOKE, a, 2, NULL);
    if (st == STATUS_OK && store_changes(ctx->store) == 0) {
        st = err_set(STATUS_NOT_FOUND, "no such token");
    }
    return st;
}

void auth_token_list_free(struct auth_token_info *list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        free(list[i].name);
    }
    free(list);
}

enum status auth_token_resolve(struct store *s, struct vault *v, const char *token, struct auth_principal *out)
{
    memset(out, 0, sizeof *out);
    if (token == NULL || strncmp(token, "ctis_", 5) != 0 || strlen(token) > 128) {
        return err_set(STATUS_UNAUTHENTICATED, "invalid API token");
    }
    uint8_t hash[VAULT_HASH_BYTES];
    vault_mac(v, hash, "token", token, strlen(token));
    struct sql_value a[] = {SQLV_BLOB(hash, sizeof hash)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_APITOKEN_BY_HASH, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_UNAUTHENTICATED, "invalid API token");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = store_rows_i64(r, 0), user_id = store_rows_i64(r, 1), expires = store_rows_i64(r, 2);
    bool revoked = store_rows_i64(r, 3) != 0;
    int64_t last_used = store_rows_i64(r, 4);
    store_rows_free(r);
    if (revoked || expires <= util_now_ms()) {
        return err_set(STATUS_UNAUTHENTICATED, "API token revoked or expired");
    }
    st = auth_principal_load(out, s, user_id);
    if (st != STATUS_OK) {
        return st == STATUS_DENIED ? err_set(STATUS_UNAUTHENTICATED, "account disabled") : st;
    }
    /* A token was made by a session that passed two-factor; it stands for it. */
    out->mfa_ok = true;
    int64_t now = util_now_ms();
    if (now - last_used > 60 * 1000) {
        /* Last use to the minute, for the owner's token list; not on every request. */
        struct sql_value t[] = {SQLV_I64(id), SQLV_I64(now)};
        st = store_exec(s, STMT_APITOKEN_TOUCH, t, 2, NULL);
        if (st != STATUS_OK) {
            auth_principal_clear(out);
            return st;
        }
    }
    return STATUS_OK;
}
