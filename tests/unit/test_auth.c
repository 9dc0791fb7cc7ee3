/* test_auth: the access matrix at the domain level (every built-in role x scope x target x
 * action, against a literal table of expectations written here, not derived from auth.c),
 * restricted records, field groups, escalation, login, lockout, TOTP replay, sessions, CSRF
 * and API tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "testlib.h"

/* The permissions each built-in role should hold, among those the matrix exercises. Written
 * out by hand from the role descriptions in docs/auth.md. */
static const struct {
    const char *role;
    const char *perms;
} expected_perms[] = {
    {"caseworker", " token.manage fg.contact.read fg.identity.write fg.contact.write "},
    {"case_supervisor",
     " user.read token.manage fg.contact.read fg.identity.write fg.contact.write case.sar case.purge "},
    {"investigator", " token.manage "},
    {"prosecutor", " token.manage "},
    {"analyst", " token.manage "},
    {"national_coordinator", " user.read agency.read token.manage "},
    {"fund_manager", " agency.read token.manage "},
    {"trustee", " "},
    {"auditor", " user.read agency.read audit.read "},
    {"court_clerk", " token.manage "},
    {"grantee", " token.manage "},
    {"administrator", " user.read user.manage user.export agency.read agency.manage role.manage audit.read "
                      "token.manage fg.contact.read fg.identity.write fg.contact.write case.purge "},
};

static bool expect_has(const char *role, const char *perm)
{
    char needle[64];
    snprintf(needle, sizeof needle, " %s ", perm);
    for (size_t i = 0; i < ARRAY_LEN(expected_perms); i++) {
        if (strcmp(expected_perms[i].role, role) == 0) {
            return strstr(expected_perms[i].perms, needle) != NULL;
        }
    }
    fail_msg("role %s not in the expectation table", role);
    return false;
}

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t other_a, other_b; /* a plain user in A and one in B */
    char email_other_a[64], email_other_b[64];
};

static int64_t make_agency(struct world *w, const char *name)
{
    return test_agency(&w->t, name);
}

static int64_t make_user(struct world *w, const char *username, int64_t agency, const char *role, const char *scope,
                         const char *email)
{
    struct auth_user *u = NULL;
    struct auth_user_input in = {.username = username,
                                 .display_name = "Test Person",
                                 .email = email,
                                 .agency_id = agency,
                                 .role = role,
                                 .scope = scope,
                                 .disabled = -1,
                                 .password = "correct horse battery"};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    enum status st = auth_user_create(&w->t.ctx, &in, &u, NULL);
    if (st != STATUS_OK) {
        fail_msg("create %s: %s", username, err_last());
    }
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    int64_t id = u->id;
    auth_user_free(u);
    return id;
}

static int world_setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency_a = make_agency(w, "Agency A");
    w->agency_b = make_agency(w, "Agency B");
    snprintf(w->email_other_a, sizeof w->email_other_a, "other.a@example.org");
    snprintf(w->email_other_b, sizeof w->email_other_b, "other.b@example.org");
    w->other_a = make_user(w, "other-a", w->agency_a, "auditor", "own", w->email_other_a);
    w->other_b = make_user(w, "other-b", w->agency_b, "auditor", "own", w->email_other_b);
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

/* Operations run through auth_run, as the API and the CLI do. */
struct op {
    int64_t id;
    const char *email;
    struct auth_user *user;
    struct auth_user **list;
    size_t count;
    char *csv;
    struct auth_agency *agency;
    struct auth_role *role;
    struct audit_entry *entries;
    char *token;
};

static enum status op_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_user_get(c, o->id, &o->user);
}
static enum status op_list(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_user_list(c, PAGE_ROWS_MAX, 0, &o->list, &o->count);
}
static enum status op_search(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_user_search_email(c, o->email, &o->list, &o->count);
}
static enum status op_export(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_user_export_csv(c, &o->csv);
}
static enum status op_update(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct auth_user *cur = NULL;
    struct op g = {.id = o->id};
    (void)g;
    struct sql_value a[] = {SQLV_I64(o->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(c->store, STMT_USER_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t version = store_rows_i64(r, 18);
    store_rows_free(r);
    struct auth_user_input in = {.disabled = -1};
    st = auth_user_update(c, o->id, version, &in, &o->user);
    auth_user_free(cur);
    return st;
}
static enum status op_agency_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_agency_get(c, o->id, &o->agency);
}
static enum status op_agency_update(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct sql_value a[] = {SQLV_I64(o->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(c->store, STMT_AGENCY_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t version = store_rows_i64(r, 7);
    store_rows_free(r);
    struct auth_agency_input in = {.disabled = -1};
    return auth_agency_update(c, o->id, version, &in, &o->agency);
}
static enum status op_role_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    static int n;
    char name[32];
    snprintf(name, sizeof name, "custom-%d", ++n);
    const char *perms[] = {"stats.read"};
    return auth_role_create(c, name, "test", false, perms, 1, NULL, 0, &o->role);
}
static enum status op_audit(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct audit_filter f = {.limit = 10};
    return auth_audit_list(c, &f, &o->entries, &o->count);
}
static enum status op_token(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_token_create(c, c->who->user_id, "t", 1, &o->token, NULL);
}

static void op_clear(struct op *o)
{
    auth_user_free(o->user);
    auth_user_list_free(o->list, o->count);
    free(o->csv);
    auth_agency_free(o->agency);
    auth_role_free(o->role);
    if (o->entries) {
        audit_entries_free(o->entries, o->count);
        o->list = NULL;
    }
    free(o->token);
    memset(o, 0, sizeof *o);
}

static bool list_has(struct op *o, int64_t id)
{
    for (size_t i = 0; i < o->count; i++) {
        if (o->list[i]->id == id) {
            return true;
        }
    }
    return false;
}

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fail_msg(__VA_ARGS__);                                                                                     \
        }                                                                                                              \
    } while (0)

/* One role with one scope against the three targets: itself, a user of its agency, a user of
 * the other agency. */
static void matrix_one(struct world *w, const char *role, const char *scope_name, int *cases)
{
    char username[64], email[80];
    snprintf(username, sizeof username, "%s-%s", role, scope_name);
    for (char *p = username; *p; p++) {
        *p = *p == '_' ? '-' : *p;
    }
    snprintf(email, sizeof email, "%s@example.org", username);
    int64_t self = make_user(w, username, w->agency_a, role, scope_name, email);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, self), STATUS_OK);
    who.mfa_ok = true; /* as after a two-factor login */
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "matrix"};
    enum auth_scope scope;
    assert_int_equal(auth_scope_parse(&scope, scope_name), STATUS_OK);

    struct {
        const char *name;
        int64_t id;
        int64_t agency;
        const char *email;
    } targets[] = {
        {"self", self, w->agency_a, email},
        {"same agency", w->other_a, w->agency_a, w->email_other_a},
        {"other agency", w->other_b, w->agency_b, w->email_other_b},
    };
    for (size_t t = 0; t < ARRAY_LEN(targets); t++) {
        bool in_scope = scope == AUTH_SCOPE_ALL || (scope == AUTH_SCOPE_AGENCY && targets[t].agency == w->agency_a) ||
                        (scope == AUTH_SCOPE_OWN && targets[t].id == self);
        bool agency_in_scope =
            scope == AUTH_SCOPE_ALL || (scope == AUTH_SCOPE_AGENCY && targets[t].agency == w->agency_a);
        struct op o = {.id = targets[t].id, .email = targets[t].email};
        enum status st;

        /* read */
        st = auth_run(&ctx, op_get, &o);
        enum status want = !expect_has(role, "user.read") ? STATUS_DENIED : in_scope ? STATUS_OK : STATUS_NOT_FOUND;
        CHECK(st == want, "%s/%s read %s: got %s want %s", role, scope_name, targets[t].name, status_name(st),
              status_name(want));
        op_clear(&o);
        (*cases)++;

        /* list */
        st = auth_run(&ctx, op_list, &o);
        if (!expect_has(role, "user.read")) {
            CHECK(st == STATUS_DENIED, "%s/%s list: got %s", role, scope_name, status_name(st));
        } else {
            CHECK(st == STATUS_OK, "%s/%s list: %s", role, scope_name, err_last());
            CHECK(list_has(&o, targets[t].id) == in_scope, "%s/%s list %s: present=%d", role, scope_name,
                  targets[t].name, list_has(&o, targets[t].id));
        }
        op_clear(&o);
        (*cases)++;

        /* search by e-mail (needs the contact group) */
        o.email = targets[t].email;
        st = auth_run(&ctx, op_search, &o);
        if (!expect_has(role, "user.read") || !expect_has(role, "fg.contact.read")) {
            CHECK(st == STATUS_DENIED, "%s/%s search: got %s", role, scope_name, status_name(st));
        } else {
            CHECK(st == STATUS_OK, "%s/%s search: %s", role, scope_name, err_last());
            CHECK(list_has(&o, targets[t].id) == in_scope, "%s/%s search %s: present=%d", role, scope_name,
                  targets[t].name, list_has(&o, targets[t].id));
        }
        op_clear(&o);
        (*cases)++;

        /* export */
        st = auth_run(&ctx, op_export, &o);
        if (!expect_has(role, "user.export")) {
            CHECK(st == STATUS_DENIED, "%s/%s export: got %s", role, scope_name, status_name(st));
        } else {
            CHECK(st == STATUS_OK, "%s/%s export: %s", role, scope_name, err_last());
            char idtext[32];
            snprintf(idtext, sizeof idtext, "\n%lld,", (long long)targets[t].id);
            CHECK((strstr(o.csv, idtext) != NULL) == in_scope, "%s/%s export %s", role, scope_name, targets[t].name);
            CHECK((strstr(o.csv, targets[t].email) != NULL) == (in_scope && expect_has(role, "fg.contact.read")),
                  "%s/%s export e-mail of %s", role, scope_name, targets[t].name);
        }
        op_clear(&o);
        (*cases)++;

        /* update */
        o.id = targets[t].id;
        st = auth_run(&ctx, op_update, &o);
        want = !expect_has(role, "user.manage") ? STATUS_DENIED : in_scope ? STATUS_OK : STATUS_NOT_FOUND;
        CHECK(st == want, "%s/%s update %s: got %s want %s (%s)", role, scope_name, targets[t].name, status_name(st),
              status_name(want), err_last());
        op_clear(&o);
        (*cases)++;

        /* the target's agency: read and change */
        o.id = targets[t].agency;
        st = auth_run(&ctx, op_agency_get, &o);
        want = !expect_has(role, "agency.read") ? STATUS_DENIED : agency_in_scope ? STATUS_OK : STATUS_NOT_FOUND;
        CHECK(st == want, "%s/%s agency read %s: got %s want %s", role, scope_name, targets[t].name, status_name(st),
              status_name(want));
        op_clear(&o);
        (*cases)++;
        o.id = targets[t].agency;
        st = auth_run(&ctx, op_agency_update, &o);
        want = !expect_has(role, "agency.manage") ? STATUS_DENIED : agency_in_scope ? STATUS_OK : STATUS_NOT_FOUND;
        CHECK(st == want, "%s/%s agency update %s: got %s want %s", role, scope_name, targets[t].name, status_name(st),
              status_name(want));
        op_clear(&o);
        (*cases)++;
    }

    /* Actions without a target record. */
    struct op o = {0};
    enum status st = auth_run(&ctx, op_role_create, &o);
    CHECK((st == STATUS_OK) == (expect_has(role, "role.manage") && scope == AUTH_SCOPE_ALL), "%s/%s role create: %s",
          role, scope_name, status_name(st));
    op_clear(&o);
    st = auth_run(&ctx, op_audit, &o);
    CHECK((st == STATUS_OK) == (expect_has(role, "audit.read") && scope == AUTH_SCOPE_ALL), "%s/%s audit: %s", role,
          scope_name, status_name(st));
    op_clear(&o);
    st = auth_run(&ctx, op_token, &o);
    CHECK((st == STATUS_OK) == expect_has(role, "token.manage"), "%s/%s token: %s", role, scope_name, status_name(st));
    op_clear(&o);
    *cases += 3;
    auth_principal_clear(&who);
}

static void test_auth__matrix(void **state)
{
    struct world *w = *state;
    static const char *const scopes[] = {"own", "agency", "all"};
    int cases = 0;
    for (size_t r = 0; r < auth_builtin_roles_count; r++) {
        for (size_t s = 0; s < ARRAY_LEN(scopes); s++) {
            matrix_one(w, auth_builtin_roles[r].name, scopes[s], &cases);
        }
    }
    print_message("access matrix: %zu roles x 3 scopes, %d checks\n", auth_builtin_roles_count, cases);
    assert_true(cases >= 10 * 3 * 24);
}

static void test_auth__builtin_roles_match_expectations(void **state)
{
    /* Every permission of the expectation table, and none beyond it among the audited ones. */
    static const char *const audited[] = {"user.read",       "user.manage", "user.export", "agency.read",
                                          "agency.manage",   "role.manage", "audit.read",  "token.manage",
                                          "fg.contact.read", "case.sar",    "case.purge"};
    for (size_t r = 0; r < auth_builtin_roles_count; r++) {
        const struct auth_builtin_role *b = &auth_builtin_roles[r];
        for (size_t a = 0; a < ARRAY_LEN(audited); a++) {
            bool has = false;
            for (size_t i = 0; b->permissions[i]; i++) {
                has = has || strcmp(b->permissions[i], audited[a]) == 0;
            }
            CHECK(has == expect_has(b->name, audited[a]), "role %s permission %s: %d", b->name, audited[a], has);
        }
        for (size_t i = 0; b->permissions[i]; i++) {
            CHECK(auth_permission_known(b->permissions[i]), "role %s has unknown permission %s", b->name,
                  b->permissions[i]);
        }
    }
}

static void test_auth__denials_are_audited(void **state)
{
    struct world *w = *state;
    int64_t id = make_user(w, "nosy-analyst", w->agency_a, "analyst", "all", NULL);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, id), STATUS_OK);
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "test"};
    struct op o = {.id = w->other_b};
    assert_int_equal(auth_run(&ctx, op_get, &o), STATUS_DENIED);
    struct audit_filter f = {.user_id = id, .limit = 10};
    struct audit_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].outcome, "denied");
    assert_string_equal(e[0].action, "user.read");
    assert_int_equal(e[0].record_id, w->other_b);
    audit_entries_free(e, n);
    auth_principal_clear(&who);
}

static void test_auth__restricted_records_and_grants(void **state)
{
    struct world *w = *state;
    int64_t a = make_user(w, "restricted-a", w->agency_a, "case_supervisor", "agency", NULL);
    int64_t b = make_user(w, "restricted-b", w->agency_a, "case_supervisor", "agency", NULL);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, b), STATUS_OK);
    who.mfa_ok = true;
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "test"};
    struct auth_record rec = {
        .type = "case", .id = 42, .agency_id = w->agency_a, .owner_id = a, .sensitivity = AUTH_SENSITIVITY_RESTRICTED};
    /* In scope, permitted, but restricted to named users: denied until granted. */
    assert_int_equal(auth_decide(&ctx, "case.read", &rec, AUTH_FG_NONE, false), STATUS_DENIED);
    rec.sensitivity = AUTH_SENSITIVITY_NORMAL;
    assert_int_equal(auth_decide(&ctx, "case.read", &rec, AUTH_FG_NONE, false), STATUS_OK);
    rec.sensitivity = AUTH_SENSITIVITY_RESTRICTED;
    struct sql_value g[] = {sqlv_text("case"), SQLV_I64(42), SQLV_I64(b), SQLV_I64(util_now_ms())};
    assert_int_equal(store_exec(w->t.store, STMT_GRANT_INSERT, g, 4, NULL), STATUS_OK);
    assert_int_equal(auth_decide(&ctx, "case.read", &rec, AUTH_FG_NONE, false), STATUS_OK);
    /* Field groups: the supervisor reads health; an investigator does not. */
    assert_int_equal(auth_decide(&ctx, "case.read", &rec, AUTH_FG_HEALTH, false), STATUS_OK);
    int64_t inv = make_user(w, "investigator-fg", w->agency_a, "investigator", "agency", NULL);
    struct auth_principal iw;
    assert_int_equal(auth_principal_load(&iw, w->t.store, inv), STATUS_OK);
    iw.mfa_ok = true;
    struct auth_ctx ictx = {w->t.store, w->t.vault, &iw, "test"};
    rec.sensitivity = AUTH_SENSITIVITY_NORMAL;
    assert_int_equal(auth_decide(&ictx, "case.read", &rec, AUTH_FG_LEGAL, false), STATUS_OK);
    assert_int_equal(auth_decide(&ictx, "case.read", &rec, AUTH_FG_HEALTH, false), STATUS_DENIED);
    assert_int_equal(auth_decide(&ictx, "case.read", &rec, AUTH_FG_LEGAL, true), STATUS_OK);
    assert_int_equal(auth_decide(&ictx, "case.read", &rec, AUTH_FG_IDENTITY, true), STATUS_DENIED);
    /* Without the second factor nothing is permitted. */
    iw.mfa_ok = false;
    assert_int_equal(auth_decide(&ictx, "case.read", &rec, AUTH_FG_NONE, false), STATUS_DENIED);
    auth_principal_clear(&iw);
    auth_principal_clear(&who);
}

static enum status op_create_as(const struct auth_ctx *c, void *p)
{
    struct auth_user_input *in = p;
    struct auth_user *u = NULL;
    enum status st = auth_user_create(c, in, &u, NULL);
    auth_user_free(u);
    return st;
}

static enum status op_make_role(const struct auth_ctx *c, void *p)
{
    struct auth_role *r = NULL;
    const char *perms[] = {"case.read", "fg.health.read"};
    enum status st =
        auth_role_create(c, (const char *)p, "not assignable by administrators", true, perms, 2, NULL, 0, &r);
    auth_role_free(r);
    return st;
}

static void test_auth__no_escalation(void **state)
{
    struct world *w = *state;
    int64_t admin = make_user(w, "agency-admin", w->agency_a, "administrator", "agency", NULL);
    assert_int_equal(auth_run(&w->t.ctx, op_make_role, "health-reader"), STATUS_OK);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, admin), STATUS_OK);
    who.mfa_ok = true;
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "test"};
    struct auth_user_input in = {.username = "esc1",
                                 .agency_id = w->agency_a,
                                 .role = "administrator",
                                 .scope = "all",
                                 .disabled = -1,
                                 .password = "correct horse battery"};
    assert_int_equal(auth_run(&ctx, op_create_as, &in), STATUS_DENIED); /* wider scope */
    assert_string_equal(err_last_field(), "scope");
    in.scope = "agency";
    in.role = "health-reader"; /* neither assignable by administrators nor within their permissions */
    assert_int_equal(auth_run(&ctx, op_create_as, &in), STATUS_DENIED);
    assert_string_equal(err_last_field(), "role");
    in.role = "administrator";
    in.agency_id = w->agency_b; /* another agency */
    assert_int_equal(auth_run(&ctx, op_create_as, &in), STATUS_DENIED);
    in.agency_id = w->agency_a;
    assert_int_equal(auth_run(&ctx, op_create_as, &in), STATUS_OK);
    /* Administrators onboard caseworkers although they cannot read cases themselves: the role is
     * assignable by theirs. */
    struct auth_user_input cw = {.username = "new-caseworker",
                                 .agency_id = w->agency_a,
                                 .role = "caseworker",
                                 .disabled = -1,
                                 .password = "correct horse battery"};
    assert_int_equal(auth_run(&ctx, op_create_as, &cw), STATUS_OK);
    auth_principal_clear(&who);
}

static enum status op_reset(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_user_reset_password(c, o->id, &o->token);
}

static void test_auth__no_takeover_of_wider_accounts(void **state)
{
    struct world *w = *state;
    int64_t admin = make_user(w, "takeover-admin", w->agency_a, "administrator", "agency", NULL);
    int64_t wide = make_user(w, "wide-admin", w->agency_a, "administrator", "all", NULL);
    int64_t narrow = make_user(w, "narrow-user", w->agency_a, "auditor", "own", NULL);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, admin), STATUS_OK);
    who.mfa_ok = true;
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "test"};
    struct op o = {.id = wide};
    assert_int_equal(auth_run(&ctx, op_reset, &o), STATUS_DENIED); /* wider scope than the admin's */
    op_clear(&o);
    o.id = narrow;
    assert_int_equal(auth_run(&ctx, op_reset, &o), STATUS_OK);
    op_clear(&o);
    o.id = wide;
    assert_int_equal(auth_run(&ctx, op_update, &o), STATUS_DENIED);
    op_clear(&o);
    auth_principal_clear(&who);
}

static void test_auth__login_lockout_and_sessions(void **state)
{
    struct world *w = *state;
    make_user(w, "login-user", w->agency_a, "analyst", "all", NULL);
    struct auth_login l;
    assert_int_equal(auth_login(w->t.store, w->t.vault, "login-user", "correct horse battery", NULL, "10.0.0.1", &l),
                     STATUS_OK);
    struct auth_principal p;
    uint8_t csrf[32];
    assert_int_equal(auth_session_resolve(w->t.store, w->t.vault, l.session_token, &p, csrf), STATUS_OK);
    assert_string_equal(p.username, "login-user");
    assert_true(auth_csrf_valid(w->t.vault, csrf, l.csrf_token));
    assert_false(auth_csrf_valid(w->t.vault, csrf, "forged"));
    assert_false(auth_csrf_valid(w->t.vault, csrf, NULL));
    auth_principal_clear(&p);
    /* Idle expiry: 31 minutes later the session is gone. */
    util_clock_offset_set((SESSION_IDLE_S + 60) * 1000LL);
    assert_int_equal(auth_session_resolve(w->t.store, w->t.vault, l.session_token, &p, NULL), STATUS_UNAUTHENTICATED);
    util_clock_offset_set(0);
    auth_login_clear(&l);
    /* Unknown users and wrong passwords look the same. */
    assert_int_equal(auth_login(w->t.store, w->t.vault, "nobody", "whatever", NULL, "10.0.0.2", &l),
                     STATUS_UNAUTHENTICATED);
    char msg_unknown[256];
    snprintf(msg_unknown, sizeof msg_unknown, "%s", err_last());
    assert_int_equal(auth_login(w->t.store, w->t.vault, "login-user", "wrong", NULL, "10.0.0.2", &l),
                     STATUS_UNAUTHENTICATED);
    assert_string_equal(err_last(), msg_unknown);
    for (int i = 1; i < LOGIN_FAILURES_LOCK; i++) {
        auth_login(w->t.store, w->t.vault, "login-user", "wrong", NULL, "10.0.0.2", &l);
    }
    /* Locked now: even the right password is refused. */
    assert_int_equal(auth_login(w->t.store, w->t.vault, "login-user", "correct horse battery", NULL, "10.0.0.3", &l),
                     STATUS_DENIED);
    util_clock_offset_set((LOGIN_LOCK_S + 1) * 1000LL);
    assert_int_equal(auth_login(w->t.store, w->t.vault, "login-user", "correct horse battery", NULL, "10.0.0.3", &l),
                     STATUS_OK);
    util_clock_offset_set(0);
    auth_login_clear(&l);
    /* Throttling per client address. */
    for (int i = 0; i < LOGIN_CLIENT_ATTEMPTS_MAX; i++) {
        auth_login(w->t.store, w->t.vault, "nobody", "x", NULL, "10.9.9.9", &l);
    }
    assert_int_equal(auth_login(w->t.store, w->t.vault, "login-user", "correct horse battery", NULL, "10.9.9.9", &l),
                     STATUS_THROTTLED);
}

static enum status op_enrol(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return auth_totp_enrol(c, o->id, &o->token);
}

static void test_auth__totp_and_replay(void **state)
{
    struct world *w = *state;
    int64_t id = make_user(w, "totp-user", w->agency_a, "investigator", "agency", NULL);
    struct op o = {.id = id};
    assert_int_equal(auth_run(&w->t.ctx, op_enrol, &o), STATUS_OK);
    char *secret = o.token;
    struct auth_login l;
    assert_int_equal(auth_login(w->t.store, w->t.vault, "totp-user", "correct horse battery", NULL, "10.1.0.1", &l),
                     STATUS_UNAUTHENTICATED);
    assert_string_equal(err_last_field(), "totp");
    char code[16];
    assert_int_equal(auth_totp_code(code, secret, util_now_ms()), STATUS_OK);
    assert_int_equal(
        auth_login(w->t.store, w->t.vault, "totp-user", "correct horse battery", "000000x", "10.1.0.1", &l),
        STATUS_UNAUTHENTICATED);
    assert_int_equal(auth_login(w->t.store, w->t.vault, "totp-user", "correct horse battery", code, "10.1.0.1", &l),
                     STATUS_OK);
    auth_login_clear(&l);
    /* The same code a second time is a replay. */
    assert_int_equal(auth_login(w->t.store, w->t.vault, "totp-user", "correct horse battery", code, "10.1.0.1", &l),
                     STATUS_UNAUTHENTICATED);
    /* The next step's code works. */
    util_clock_offset_set(TOTP_STEP_S * 1000LL);
    assert_int_equal(auth_totp_code(code, secret, util_now_ms()), STATUS_OK);
    assert_int_equal(auth_login(w->t.store, w->t.vault, "totp-user", "correct horse battery", code, "10.1.0.1", &l),
                     STATUS_OK);
    util_clock_offset_set(0);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(w->t.store, w->t.vault, l.session_token, &p, NULL), STATUS_OK);
    assert_true(p.mfa_ok);
    auth_principal_clear(&p);
    auth_login_clear(&l);
    free(secret);
}

static void test_auth__api_tokens(void **state)
{
    struct world *w = *state;
    int64_t id = make_user(w, "token-user", w->agency_a, "analyst", "all", NULL);
    struct auth_principal who;
    assert_int_equal(auth_principal_load(&who, w->t.store, id), STATUS_OK);
    struct auth_ctx ctx = {w->t.store, w->t.vault, &who, "test"};
    struct op o = {0};
    assert_int_equal(auth_run(&ctx, op_token, &o), STATUS_OK);
    struct auth_principal p;
    assert_int_equal(auth_token_resolve(w->t.store, w->t.vault, o.token, &p), STATUS_OK);
    assert_int_equal(p.user_id, id);
    auth_principal_clear(&p);
    char forged[128];
    snprintf(forged, sizeof forged, "%sX", o.token);
    assert_int_equal(auth_token_resolve(w->t.store, w->t.vault, forged, &p), STATUS_UNAUTHENTICATED);
    util_clock_offset_set(2 * 86400000LL);
    assert_int_equal(auth_token_resolve(w->t.store, w->t.vault, o.token, &p), STATUS_UNAUTHENTICATED);
    util_clock_offset_set(0);
    op_clear(&o);
    auth_principal_clear(&who);
}

static void test_auth__sealed_at_rest(void **state)
{
    struct world *w = *state;
    if (strcmp(test_engine, "sqlite") != 0) {
        skip(); /* reads the database file; sealing happens before binding, whatever the engine */
    }
    make_user(w, "sealed-user", w->agency_a, "analyst", "all", "secret.person@example.org");
    /* Neither the name nor the e-mail appears in the database file in clear. */
    store_exec_script(w->t.store, "PRAGMA wal_checkpoint(TRUNCATE)");
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(util_file_read(&data, &len, w->t.db, FILE_BYTES_MAX), STATUS_OK);
    assert_null(memmem(data, len, "secret.person", 13));
    assert_null(memmem(data, len, "Test Person", 11));
    assert_non_null(memmem(data, len, "sealed-user", 11));
    free(data);
}

static void test_auth__password_policy(void **state)
{
    assert_int_equal(auth_password_policy("short", "u"), STATUS_INVALID);
    assert_int_equal(auth_password_policy("contains-the-username-bob", "bob"), STATUS_INVALID);
    assert_int_equal(auth_password_policy("a long enough passphrase", "bob"), STATUS_OK);
    assert_int_equal(auth_password_policy("bad\xff utf8 password here", "bob"), STATUS_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth__builtin_roles_match_expectations),
        cmocka_unit_test(test_auth__matrix),
        cmocka_unit_test(test_auth__denials_are_audited),
        cmocka_unit_test(test_auth__restricted_records_and_grants),
        cmocka_unit_test(test_auth__no_escalation),
        cmocka_unit_test(test_auth__no_takeover_of_wider_accounts),
        cmocka_unit_test(test_auth__login_lockout_and_sessions),
        cmocka_unit_test(test_auth__totp_and_replay),
        cmocka_unit_test(test_auth__api_tokens),
        cmocka_unit_test(test_auth__sealed_at_rest),
        cmocka_unit_test(test_auth__password_policy),
    };
    TEST_RUN_BOTH("auth", tests, world_setup, world_teardown);
}
