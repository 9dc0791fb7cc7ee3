/* auth: agencies, users, roles made of permissions, record scopes and sensitivity, field groups,
 * sessions, API tokens, two-factor login and throttling; and auth_check, the one function that
 * decides every access. Every domain operation takes a struct auth_ctx (the connection, the
 * vault and the principal acting) and calls auth_check before it reads or writes a record, which
 * also writes the audit entry for it. */
#ifndef CTIS_AUTH_AUTH_H
#define CTIS_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct vault;

/* Record scopes: which records of a permitted type a user may reach. */
enum auth_scope { AUTH_SCOPE_OWN, AUTH_SCOPE_AGENCY, AUTH_SCOPE_ALL };
const char *auth_scope_name(enum auth_scope s);
enum status auth_scope_parse(enum auth_scope *out, const char *name);

/* Record sensitivity: restricted records are visible only to the named users (record_grants)
 * and their owner, whatever the scope. */
enum auth_sensitivity { AUTH_SENSITIVITY_NORMAL, AUTH_SENSITIVITY_RESTRICTED };

/* Field groups: sets of fields granted separately ("fg.<group>.read", "fg.<group>.write"). */
enum auth_field_group {
    AUTH_FG_NONE,
    AUTH_FG_IDENTITY,  /* names, birth dates, document numbers */
    AUTH_FG_CONTACT,   /* addresses, phones, e-mail */
    AUTH_FG_NARRATIVE, /* free-text accounts */
    AUTH_FG_LEGAL,     /* legal status, proceedings */
    AUTH_FG_HEALTH,    /* medical and psychological information */
    AUTH_FG_LOCATION,  /* current whereabouts, shelters */
    AUTH_FG__COUNT
};
const char *auth_field_group_name(enum auth_field_group fg);

/* The permission catalogue: every permission that exists, with a description. Later parts add
 * theirs here. */
struct auth_permission {
    const char *name;
    const char *description;
};
extern const struct auth_permission auth_permissions[];
extern const size_t auth_permissions_count;
bool auth_permission_known(const char *name);

/* The built-in roles, created by auth_roles_seed. */
struct auth_builtin_role {
    const char *name;
    const char *description;
    bool mfa_required;
    enum auth_scope default_scope;
    const char *const *permissions; /* NULL-terminated */
    const char *const *assignable;  /* roles its holders may give to others; NULL-terminated or NULL */
};
extern const struct auth_builtin_role auth_builtin_roles[];
extern const size_t auth_builtin_roles_count;

/* Who is acting. */
struct auth_principal {
    int64_t user_id;   /* 0 for the local operator */
    int64_t agency_id; /* 0 for the local operator */
    enum auth_scope scope;
    bool operator;     /* the CLI: holds the database and key file; may do everything */
    char username[72]; /* or "os:<name>" */
    char role[72];
    int64_t role_id;
    char **permissions; /* sorted */
    size_t permissions_count;
    int64_t session_id; /* 0 when not from a session */
    bool mfa_ok;        /* the session passed two-factor (or none is required) */
    bool mfa_required;
    bool totp_enabled;
    bool must_change_password;
};
/* The local operator (CLI), named after the OS user. */
void auth_principal_operator(struct auth_principal *out);
/* Loads a user's principal (role permissions); STATUS_DENIED if disabled. */
enum status auth_principal_load(struct auth_principal *out, struct store *s, int64_t user_id);
void auth_principal_clear(struct auth_principal *p);
bool auth_has(const struct auth_principal *p, const char *permission);

/* The context of every operation. */
struct auth_ctx {
    struct store *store;
    struct vault *vault;
    const struct auth_principal *who;
    const char *client; /* client address for the audit; "cli" for the CLI */
};

/* A record as auth_check sees it. */
struct auth_record {
    const char *type; /* "user", "agency", later "case", ... */
    int64_t id;
    int64_t agency_id; /* the agency that holds it */
    int64_t owner_id;  /* the user who owns it (for users: the user itself) */
    enum auth_sensitivity sensitivity;
};

/* THE access decision. May `who` perform `permission` on `rec` (NULL when the action concerns
 * no existing record, e.g. create or list), reading or writing field group `fg`?
 * Checks, in order: the permission; for rec, the scope (own: owner is who; agency: same agency;
 * all); restricted sensitivity (owner or a grant); the field group permission
 * ("fg.<group>.read" or ".write", chosen by `write`). A record out of scope (or restricted and
 * not granted) is reachable through a live record_access row naming who, or who's agency when
 * who's scope is agency or all: for reading permissions ("x.read") only, writing ones only when
 * the row allows writing, and only for the field groups in its mask; its audit entry says
 * "via referral N" or "via break-the-glass N". When allowed, writes an audit entry
 * (outcome "ok", action = permission) in the current write transaction; when denied, notes the
 * denial for auth_run to audit after rollback. Returns STATUS_OK or STATUS_DENIED (or a store
 * error). */
enum status auth_check(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                       enum auth_field_group fg, bool write, const char *detail);
/* Refuses an operation that auth_check allowed but a rule of the domain forbids (issue 8: the one
 * who recorded a disbursement never approves it): notes the denial as auth_check does (auth_run
 * audits it after rollback, detail naming the rule) and returns STATUS_DENIED with message. */
enum status auth_refuse(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                        const char *detail, const char *message);
/* auth_check for a record and several field groups at once (groups[g] true: group g is
 * touched), as one decision with one audit entry whose field group lists them, comma-separated
 * in catalogue order ("identity,contact"). A denial is noted for the first group refused, as
 * auth_check does. Used where one write touches several groups (creating a case). */
enum status auth_check_groups(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                              const bool groups[AUTH_FG__COUNT], bool write, const char *detail);
/* Runs an operation in one write transaction (retried when busy). When it fails with
 * STATUS_DENIED, the denial noted by auth_check is written to the audit in a transaction of
 * its own, since the operation's transaction rolls back. API handlers and CLI commands run
 * every operation through here. */
typedef enum status (*auth_op_fn)(const struct auth_ctx *ctx, void *arg);
enum status auth_run(const struct auth_ctx *ctx, auth_op_fn fn, void *arg);
/* The same decision without an audit entry (for filtering list rows; the list itself is
 * audited once by auth_check with rec NULL). */
enum status auth_decide(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                        enum auth_field_group fg, bool write);
/* True when who may read (or write) field group fg (no audit). With a record at hand use
 * auth_groups_allowed, which also narrows by a share. */
bool auth_field_allowed(const struct auth_principal *who, enum auth_field_group fg, bool write);
/* The field groups the principal may open on rec (no audit): its own fg permissions, narrowed to
 * a share's mask when rec is reached only through a share (record_access: a referral or
 * break-the-glass), all false when rec is out of reach (or a read-only share and write). out[0]
 * (AUTH_FG_NONE) is true when reachable at all, as far as the groups go. Every place that chooses
 * which fields of a record to show uses it. */
void auth_groups_allowed(const struct auth_ctx *ctx, const struct auth_record *rec, bool write,
                         bool out[AUTH_FG__COUNT]);
/* The list filters for who's scope: agency_id (0 = any) and owner_id (0 = any). */
void auth_scope_filter(const struct auth_principal *who, int64_t *agency_id_out, int64_t *owner_id_out);
/* Records an audit entry for an action that is not a record access (login, logout ...). */
enum status auth_audit(const struct auth_ctx *ctx, const char *action, const char *record_type, int64_t record_id,
                       const char *outcome, const char *detail);

/* The audit trail, read through auth: needs audit.read and scope all (entries name users and
 * records of every agency). The reading is itself audited. */
struct audit_entry;
struct audit_filter;
struct audit_verify_result;
enum status auth_audit_list(const struct auth_ctx *ctx, const struct audit_filter *f, struct audit_entry **out,
                            size_t *count_out);
enum status auth_audit_verify(const struct auth_ctx *ctx, struct audit_verify_result *out);

/* Agencies. */
extern const char *const auth_org_types[];
extern const size_t auth_org_types_count;
struct auth_agency {
    int64_t id;
    char *name;
    char *org_type;
    char *country; /* ISO 3166-1 alpha-3, "" when unknown */
    bool disabled;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
};
struct auth_agency_input {
    const char *name;
    const char *org_type;
    const char *country;
    int disabled; /* -1: unchanged */
};
enum status auth_agency_create(const struct auth_ctx *ctx, const struct auth_agency_input *in,
                               struct auth_agency **out);
enum status auth_agency_get(const struct auth_ctx *ctx, int64_t id, struct auth_agency **out);
/* STATUS_CONFLICT when expected_version is stale. */
enum status auth_agency_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                               const struct auth_agency_input *in, struct auth_agency **out);
enum status auth_agency_list(const struct auth_ctx *ctx, int64_t limit, int64_t offset, struct auth_agency ***out,
                             size_t *count_out);
void auth_agency_free(struct auth_agency *a);
void auth_agency_list_free(struct auth_agency **list, size_t count);

/* Roles. */
struct auth_role {
    int64_t id;
    char *name;
    char *description;
    bool builtin;
    bool mfa_required;
    int64_t version;
    char **permissions;
    size_t permissions_count;
    char **assignable; /* names of the roles its holders may assign */
    size_t assignable_count;
};
/* Creates the built-in roles that do not exist yet (init and migrate call it). */
enum status auth_roles_seed(struct store *s);
enum status auth_role_list(const struct auth_ctx *ctx, struct auth_role ***out, size_t *count_out);
/* Who may give a role to a user (and so manage the accounts holding it): a principal whose role
 * lists it as assignable, or whose permissions include all of the role's. `assignable` names the
 * roles this role's holders may assign (NULL: none on create, unchanged on update). */
enum status auth_role_create(const struct auth_ctx *ctx, const char *name, const char *description, bool mfa_required,
                             const char *const *permissions, size_t count, const char *const *assignable,
                             size_t assignable_count, struct auth_role **out);
/* Changes a role; description NULL, mfa_required -1 and permissions NULL leave each unchanged. */
enum status auth_role_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *description,
                             int mfa_required, const char *const *permissions, size_t count,
                             const char *const *assignable, size_t assignable_count, struct auth_role **out);
void auth_role_free(struct auth_role *r);
void auth_role_list_free(struct auth_role **list, size_t count);

/* Users. display_name is field group identity; email is contact: they are NULL in results
 * when the principal may not read those groups. */
struct auth_user {
    int64_t id;
    int64_t agency_id;
    char *username;
    char *display_name;
    char *email;
    char *role;
    enum auth_scope scope;
    bool disabled;
    bool must_change_password;
    bool totp_enabled;
    int64_t last_login_ms;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
    bool locked;
};
struct auth_user_input {
    const char *username;     /* create only */
    const char *display_name; /* NULL: unchanged */
    const char *email;        /* NULL: unchanged; "" clears */
    int64_t agency_id;        /* 0: unchanged (create: required) */
    const char *role;         /* NULL: unchanged */
    const char *scope;        /* NULL: unchanged (create: the role's default) */
    int disabled;             /* -1: unchanged */
    const char *password;     /* create only: NULL makes a one-time password */
};
/* Creates a user; when in->password is NULL a one-time password is generated, returned in
 * *one_time_password_out (caller frees) and must be changed at first login. */
enum status auth_user_create(const struct auth_ctx *ctx, const struct auth_user_input *in, struct auth_user **out,
                             char **one_time_password_out);
enum status auth_user_get(const struct auth_ctx *ctx, int64_t id, struct auth_user **out);
/* The acting user's own account, with their own name and e-mail (audited as "user.self"). */
enum status auth_user_self(const struct auth_ctx *ctx, struct auth_user **out);
enum status auth_user_by_username(const struct auth_ctx *ctx, const char *username, struct auth_user **out);
enum status auth_user_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                             const struct auth_user_input *in, struct auth_user **out);
enum status auth_user_list(const struct auth_ctx *ctx, int64_t limit, int64_t offset, struct auth_user ***out,
                           size_t *count_out);
/* Exact search by e-mail through the blind index (no plaintext comparison in the database). */
enum status auth_user_search_email(const struct auth_ctx *ctx, const char *email, struct auth_user ***out,
                                   size_t *count_out);
/* Sets a new one-time password (returned) and ends the user's sessions. */
enum status auth_user_reset_password(const struct auth_ctx *ctx, int64_t id, char **one_time_password_out);
enum status auth_user_reset_2fa(const struct auth_ctx *ctx, int64_t id);
/* Sets a user's password to a chosen one (operator, or the user itself via change_password). */
enum status auth_user_set_password(const struct auth_ctx *ctx, int64_t id, const char *password);
/* The acting user changes their own password, proving the current one. */
enum status auth_user_change_password(const struct auth_ctx *ctx, const char *current, const char *next);
/* Exports users visible to who as CSV (caller frees); names and e-mails only with user.export and
 * the identity/contact field groups, otherwise non-identifying columns only. */
enum status auth_user_export_csv(const struct auth_ctx *ctx, char **out);
/* The agency a user belongs to and whether the account is active (not disabled), for other
 * modules that assign work to users. STATUS_NOT_FOUND when there is no such user. No audit. */
enum status auth_user_membership(struct store *s, int64_t user_id, int64_t *agency_out, bool *active_out);
void auth_user_free(struct auth_user *u);
void auth_user_list_free(struct auth_user **list, size_t count);
/* Checks a password against the policy (length, not the username). */
enum status auth_password_policy(const char *password, const char *username);

/* Sessions and login. */
struct auth_login {
    char *session_token; /* for the cookie; caller frees */
    char *csrf_token;    /* for the readable cookie and X-CSRF-Token */
    int64_t user_id;
    bool mfa_enroll_required; /* the role requires two-factor and none is enrolled yet */
};
/* Logs in: throttling per client and per account, lockout after LOGIN_FAILURES_LOCK failures,
 * password check, two-factor when enrolled (totp may be NULL: then STATUS_UNAUTHENTICATED with
 * err field "totp" when a code is needed). Errors: STATUS_UNAUTHENTICATED (bad credentials, same
 * message whether the user exists or not), STATUS_THROTTLED, STATUS_DENIED (locked or disabled).
 * Audited. Runs its own transactions: call outside one. */
enum status auth_login(struct store *s, struct vault *v, const char *username, const char *password, const char *totp,
                       const char *client, struct auth_login *out);
void auth_login_clear(struct auth_login *l);
/* Resolves a session token into a principal, checking idle and absolute expiry; touches the
 * session. STATUS_UNAUTHENTICATED when invalid or expired. *csrf_hash_out (32 bytes) receives
 * the session's CSRF hash when not NULL. */
enum status auth_session_resolve(struct store *s, struct vault *v, const char *token, struct auth_principal *out,
                                 uint8_t csrf_hash_out[32]);
/* True when the CSRF token matches the session's hash. */
bool auth_csrf_valid(struct vault *v, const uint8_t csrf_hash[32], const char *csrf_token);
enum status auth_logout(const struct auth_ctx *ctx);
/* Two-factor enrolment for the acting user: setup makes a new secret (base32 in *secret_out,
 * otpauth URI in *uri_out) stored disabled; confirm checks a code, enables it and marks the
 * session as passed. */
enum status auth_totp_setup(const struct auth_ctx *ctx, char **secret_out, char **uri_out);
enum status auth_totp_confirm(const struct auth_ctx *ctx, const char *code);
/* Operator: enrols a TOTP secret for a user directly (returns base32 secret). */
enum status auth_totp_enrol(const struct auth_ctx *ctx, int64_t user_id, char **secret_out);
/* Generates the current code for a base32 secret (tests and tooling). */
enum status auth_totp_code(char out[16], const char *secret_base32, int64_t now_ms);

/* API tokens for machine clients: "ctis_" + random; stored as a keyed hash. */
struct auth_token_info {
    int64_t id;
    char *name;
    int64_t created_at_ms;
    int64_t expires_at_ms;
    int64_t last_used_ms;
    bool revoked;
};
enum status auth_token_create(const struct auth_ctx *ctx, int64_t user_id, const char *name, int64_t days,
                              char **token_out, int64_t *id_out);
enum status auth_token_list(const struct auth_ctx *ctx, struct auth_token_info **out, size_t *count_out);
enum status auth_token_revoke(const struct auth_ctx *ctx, int64_t id);
void auth_token_list_free(struct auth_token_info *list, size_t count);
/* Resolves a bearer token into a principal. STATUS_UNAUTHENTICATED when invalid. */
enum status auth_token_resolve(struct store *s, struct vault *v, const char *token, struct auth_principal *out);

#endif
