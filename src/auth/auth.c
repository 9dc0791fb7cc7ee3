/* auth: the permission catalogue, the built-in roles, principals, and auth_check: the one
 * decision every read and write of a record passes, which also writes its audit entry. */
#include "auth/auth.h"
#include "auth/auth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

const struct auth_permission auth_permissions[] = {
    /* Platform. */
    {"user.read", "See user accounts within one's scope"},
    {"user.manage", "Create, change, disable users; reset their passwords and two-factor"},
    {"user.export", "Export user accounts (names and e-mails only with the field groups)"},
    {"agency.read", "See agencies"},
    {"agency.manage", "Create and change agencies"},
    {"role.read", "See roles and their permissions"},
    {"role.manage", "Create roles and change their permissions"},
    {"audit.read", "Read and verify the audit trail"},
    {"token.manage", "Create and revoke one's own API tokens"},
    /* Field groups. */
    {"fg.identity.read", "Read identity fields (names, birth dates, document numbers)"},
    {"fg.identity.write", "Write identity fields"},
    {"fg.contact.read", "Read contact fields (addresses, phones, e-mail)"},
    {"fg.contact.write", "Write contact fields"},
    {"fg.narrative.read", "Read narratives"},
    {"fg.narrative.write", "Write narratives"},
    {"fg.legal.read", "Read legal status and proceedings"},
    {"fg.legal.write", "Write legal status and proceedings"},
    {"fg.health.read", "Read health information"},
    {"fg.health.write", "Write health information"},
    {"fg.location.read", "Read current whereabouts and shelter locations"},
    {"fg.location.write", "Write current whereabouts and shelter locations"},
    /* Parts to come (each issue adds its own actions; these are the coarse ones). */
    {"case.read", "Read victim cases within one's scope"},
    {"case.write", "Create and change victim cases"},
    {"case.export", "Export victim cases (identifying fields only with the field groups)"},
    {"case.merge", "Merge a duplicate case into another"},
    {"case.sar", "Subject-access export: everything held about the person of a case, decrypted"},
    {"case.purge", "Set retention periods, run the retention purge and purge a case on request"},
    {"referral.read", "See referrals"},
    {"referral.write", "Make, accept and decline referrals"},
    {"provider.manage", "Add and change service providers in the referral directory"},
    {"case.glass", "Break the glass: open a case outside one's scope for a limited time, with a reason"},
    {"task.read", "See tasks"},
    {"task.write", "Create and complete tasks"},
    {"screening.sets", "Load indicator sets for victim screening (a country's adapted sets)"},
    {"intake.triage", "Record helpline calls and triage public tips of one's agency"}, /* part T */
    {"justice.read", "Read investigations, prosecutions and court decisions"},
    {"justice.write", "Record investigations, prosecutions and court decisions"},
    {"justice.victim_identity", "See the identity of victims referred to by pseudonym in proceedings (audited)"},
    {"stats.read", "See aggregate statistics (no individual records)"},
    {"stats.publish", "Publish statistics and reports after disclosure control"},
    {"stats.settings", "Set the statistics reference data: region mapping, population, flow threshold"},
    {"link.run", "Run record linkage and network detection"},
    {"fund.read", "See Trust Fund contributions, grants and beneficiaries"},
    {"fund.write", "Record contributions, grants and reports"},
    {"fund.approve", "Review and score grant applications as a trustee"},
    {"fund.certify", "Approve disbursements recorded by another fund user"},
    {"fund.apply", "Apply for Trust Fund grants and report on them for one's own organisation"},
    {"plan.read", "See Plan actions, national plans and partnerships"},
    {"plan.write", "Record Plan actions, national plans and partnerships"},
    /* Pathway (issue 4, part P). */
    {"pathway.settings", "Set the reflection period and task lead days per country"},
};
const size_t auth_permissions_count = ARRAY_LEN(auth_permissions);

bool auth_permission_known(const char *name)
{
    for (size_t i = 0; i < auth_permissions_count; i++) {
        if (strcmp(auth_permissions[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

#define FG_ALL_READ                                                                                                    \
    "fg.identity.read", "fg.contact.read", "fg.narrative.read", "fg.legal.read", "fg.health.read", "fg.location.read"
#define FG_ALL_WRITE                                                                                                   \
    "fg.identity.write", "fg.contact.write", "fg.narrative.write", "fg.legal.write", "fg.health.write",                \
        "fg.location.write"

static const char *const perms_caseworker[] = {"case.read",  "case.write", "referral.read", "referral.write",
                                               "task.read",  "task.write", "token.manage",  "intake.triage",
                                               "case.glass", FG_ALL_READ,  FG_ALL_WRITE,    NULL};
static const char *const perms_supervisor[] = {
    "case.read",     "case.write",     "case.export",     "case.merge", "case.sar",   "case.purge",
    "referral.read", "referral.write", "task.read",       "task.write", "user.read",  "token.manage",
    "intake.triage", "case.glass",     "provider.manage", FG_ALL_READ,  FG_ALL_WRITE, NULL};
static const char *const perms_investigator[] = {"case.read",
                                                 "justice.read",
                                                 "justice.write",
                                                 "link.run",
                                                 "referral.read",
                                                 "task.read",
                                                 "task.write",
                                                 "token.manage",
                                                 "fg.identity.read",
                                                 "fg.legal.read",
                                                 "fg.legal.write",
                                                 "fg.narrative.read",
                                                 "case.glass",
                                                 "justice.victim_identity",
                                                 NULL};
/* Issue 5 (Plan para 31): a prosecutor reads an agency's cases and the proceedings, but not the
 * victims' identities nor their accounts: no fg.identity.read, no fg.narrative.read and no
 * justice.victim_identity. An administrator gives a prosecutor who must see them a role that adds
 * those permissions, and every such view is audited. */
static const char *const perms_prosecutor[] = {
    "case.read",    "justice.read",  "justice.write",  "task.read",  "task.write",
    "token.manage", "fg.legal.read", "fg.legal.write", "case.glass", NULL};
/* Issue 5: reads court decisions and proceedings; never a victim's identity. */
static const char *const perms_court_clerk[] = {"justice.read", "fg.legal.read", "token.manage", NULL};
static const char *const perms_analyst[] = {"stats.read", "stats.settings", "token.manage", NULL};
static const char *const perms_coordinator[] = {
    "stats.read",     "stats.publish",   "plan.read",      "plan.write", "agency.read",  "user.read",
    "role.read",      "referral.read",   "justice.read",   "fund.read",  "token.manage", "pathway.settings",
    "screening.sets", "provider.manage", "stats.settings", NULL};
/* Issue 8: fund managers record and certify; the one who records a disbursement never approves
 * it (checked in src/fund), so certifying takes a second fund manager. */
static const char *const perms_fund_manager[] = {"fund.read",  "fund.write",  "fund.certify", "stats.read", "task.read",
                                                 "task.write", "agency.read", "token.manage", NULL};
/* Issue 8: an NGO user applying for grants and reporting for their own organisation. */
static const char *const perms_grantee[] = {"fund.apply", "task.read", "task.write", "token.manage", NULL};
static const char *const perms_trustee[] = {"fund.read", "fund.approve", "stats.read", "task.read", "task.write", NULL};
static const char *const perms_auditor[] = {"audit.read", "user.read", "agency.read", "role.read", "fund.read", NULL};
static const char *const perms_admin[] = {
    "user.read",        "user.manage", "user.export",      "agency.read",      "agency.manage",     "role.read",
    "role.manage",      "audit.read",  "token.manage",     "fg.identity.read", "fg.identity.write", "fg.contact.read",
    "fg.contact.write", "case.purge",  "pathway.settings", "screening.sets",   "provider.manage",   NULL};

/* An administrator onboards every kind of user of the agency (its scope still bounds theirs). */
static const char *const assign_admin[] = {"caseworker", "case_supervisor",      "investigator", "prosecutor",
                                           "analyst",    "national_coordinator", "fund_manager", "trustee",
                                           "auditor",    "administrator",        "court_clerk",  "grantee",
                                           NULL};

const struct auth_builtin_role auth_builtin_roles[] = {
    {"caseworker", "Frontline caseworker: cases, referrals and tasks of their own", true, AUTH_SCOPE_OWN,
     perms_caseworker, NULL},
    {"case_supervisor", "Supervises the caseworkers of an agency", true, AUTH_SCOPE_AGENCY, perms_supervisor, NULL},
    {"investigator", "Police or labour investigator", true, AUTH_SCOPE_AGENCY, perms_investigator, NULL},
    {"prosecutor", "Prosecutor", true, AUTH_SCOPE_AGENCY, perms_prosecutor, NULL},
    {"court_clerk", "Court clerk: reads court decisions and proceedings", true, AUTH_SCOPE_AGENCY, perms_court_clerk,
     NULL},
    {"analyst", "Statistician: aggregate data only", false, AUTH_SCOPE_ALL, perms_analyst, NULL},
    {"national_coordinator", "National anti-trafficking coordinator", true, AUTH_SCOPE_ALL, perms_coordinator, NULL},
    {"fund_manager", "Manager of the UN Voluntary Trust Fund", true, AUTH_SCOPE_ALL, perms_fund_manager, NULL},
    {"trustee", "Trustee of the UN Voluntary Trust Fund", true, AUTH_SCOPE_ALL, perms_trustee, NULL},
    {"auditor", "Reads the audit trail and the Trust Fund's books", true, AUTH_SCOPE_ALL, perms_auditor, NULL},
    {"grantee", "NGO applying for and reporting on Trust Fund grants", true, AUTH_SCOPE_AGENCY, perms_grantee, NULL},
    {"administrator", "Manages users, agencies and roles", true, AUTH_SCOPE_AGENCY, perms_admin, assign_admin},
};
const size_t auth_builtin_roles_count = ARRAY_LEN(auth_builtin_roles);

const char *auth_scope_name(enum auth_scope s)
{
    switch (s) {
    case AUTH_SCOPE_OWN: return "own";
    case AUTH_SCOPE_AGENCY: return "agency";
    case AUTH_SCOPE_ALL: return "all";
    }
    return "own";
}

enum status auth_scope_parse(enum auth_scope *out, const char *name)
{
    if (name && strcmp(name, "own") == 0) {
        *out = AUTH_SCOPE_OWN;
    } else if (name && strcmp(name, "agency") == 0) {
        *out = AUTH_SCOPE_AGENCY;
    } else if (name && strcmp(name, "all") == 0) {
        *out = AUTH_SCOPE_ALL;
    } else {
        return err_set_field(STATUS_INVALID, "scope", "scope: must be own, agency or all");
    }
    return STATUS_OK;
}

const char *auth_field_group_name(enum auth_field_group fg)
{
    static const char *const names[AUTH_FG__COUNT] = {"",      "identity", "contact", "narrative",
                                                      "legal", "health",   "location"};
    return fg < AUTH_FG__COUNT ? names[fg] : "";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void auth_principal_operator(struct auth_principal *out)
{
    memset(out, 0, sizeof *out);
    out->operator= true;
    out->scope = AUTH_SCOPE_ALL;
    out->mfa_ok = true;
    snprintf(out->username, sizeof out->username, "os:%s", util_os_user());
    snprintf(out->role, sizeof out->role, "operator");
}

enum status auth_principal_load(struct auth_principal *out, struct store *s, int64_t user_id)
{
    memset(out, 0, sizeof *out);
    struct store_rows *r = NULL;
    struct sql_value a[] = {SQLV_I64(user_id)};
    enum status st = store_exec_one(s, STMT_USER_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_UNAUTHENTICATED, "no such user") : st;
    }
    out->user_id = store_rows_i64(r, U_ID);
    out->agency_id = store_rows_i64(r, U_AGENCY);
    snprintf(out->username, sizeof out->username, "%s", store_rows_text(r, U_USERNAME));
    int64_t role_id = store_rows_i64(r, U_ROLE_ID);
    out->role_id = role_id;
    enum status sc = auth_scope_parse(&out->scope, store_rows_text(r, U_SCOPE));
    bool disabled = store_rows_i64(r, U_DISABLED) != 0;
    out->must_change_password = store_rows_i64(r, U_MUST_CHANGE) != 0;
    out->totp_enabled = store_rows_i64(r, U_TOTP_ENABLED) != 0;
    snprintf(out->role, sizeof out->role, "%s", store_rows_text(r, U_ROLE_NAME));
    store_rows_free(r);
    if (sc != STATUS_OK) {
        return err_set(STATUS_IO, "user has an unknown scope");
    }
    if (disabled) {
        return err_set(STATUS_DENIED, "account disabled");
    }
    struct sql_value ra[] = {SQLV_I64(role_id)};
    st = store_exec_one(s, STMT_ROLE_GET, ra, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    out->mfa_required = store_rows_i64(r, 4) != 0;
    store_rows_free(r);
    st = store_exec(s, STMT_ROLE_PERM_LIST, ra, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 16;
    out->permissions = xcalloc(cap, sizeof *out->permissions);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (out->permissions_count == cap) {
            cap *= 2;
            out->permissions = xrealloc(out->permissions, cap * sizeof *out->permissions);
        }
        out->permissions[out->permissions_count++] = xstrdup(store_rows_text(r, 0));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        auth_principal_clear(out);
        return st;
    }
    qsort(out->permissions, out->permissions_count, sizeof *out->permissions, cmp_str);
    return STATUS_OK;
}

void auth_principal_clear(struct auth_principal *p)
{
    for (size_t i = 0; i < p->permissions_count; i++) {
        free(p->permissions[i]);
    }
    free(p->permissions);
    p->permissions = NULL;
    p->permissions_count = 0;
}

bool auth_has(const struct auth_principal *p, const char *permission)
{
    if (p->operator) {
        return true;
    }
    /* Without the second factor a session may do nothing but finish enrolling it. */
    if (p->mfa_required && !p->mfa_ok) {
        return false;
    }
    return bsearch(&permission, p->permissions, p->permissions_count, sizeof *p->permissions, cmp_str) != NULL;
}

bool auth_field_allowed(const struct auth_principal *who, enum auth_field_group fg, bool write)
{
    if (fg == AUTH_FG_NONE) {
        return true;
    }
    char perm[48];
    snprintf(perm, sizeof perm, "fg.%s.%s", auth_field_group_name(fg), write ? "write" : "read");
    return auth_has(who, perm);
}

void auth_scope_filter(const struct auth_principal *who, int64_t *agency_id_out, int64_t *owner_id_out)
{
    *agency_id_out = 0;
    *owner_id_out = 0;
    if (who->operator|| who->scope == AUTH_SCOPE_ALL) {
        return;
    }
    if (who->scope == AUTH_SCOPE_AGENCY) {
        *agency_id_out = who->agency_id;
    } else {
        *agency_id_out = who->agency_id;
        *owner_id_out = who->user_id;
    }
}

/* Access to one record beyond scope (record_access rows: referral shares and break-the-glass). */
struct share {
    bool found;
    int64_t id;        /* the first live row */
    char kind[16];     /* its kind: referral, glass */
    int64_t source_id; /* its source (the referral id) */
    unsigned groups;   /* union of the live rows' masks (bit g: enum auth_field_group g) */
    bool write;        /* one of them allows writing */
};

/* The live rows naming who (or who's agency, when who's scope is agency or all) for rec. */
static enum status share_find(const struct auth_ctx *ctx, const struct auth_record *rec, struct share *out)
{
    memset(out, 0, sizeof *out);
    const struct auth_principal *who = ctx->who;
    if (who->operator|| who->user_id == 0) {
        return STATUS_OK;
    }
    struct sql_value a[] = {sqlv_text(rec->type),     SQLV_I64(rec->id),
                            SQLV_I64(util_now_ms()),  SQLV_I64(who->user_id),
                            SQLV_I64(who->agency_id), SQLV_I64(who->scope != AUTH_SCOPE_OWN ? 1 : 0)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_ACCESS_LIVE, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (!out->found) {
            out->found = true;
            out->id = store_rows_i64(r, 0);
            snprintf(out->kind, sizeof out->kind, "%s", store_rows_text(r, 1));
            out->source_id = store_rows_i64(r, 2);
        }
        out->groups |= (unsigned)store_rows_i64(r, 3);
        out->write = out->write || store_rows_i64(r, 4) != 0;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* Is rec within who's reach without a share (scope, and a restricted record's owner or grant)?
 * *why names what failed. */
static enum status reach_own(const struct auth_ctx *ctx, const struct auth_record *rec, bool *ok, const char **why)
{
    const struct auth_principal *who = ctx->who;
    *ok = true;
    if (rec == NULL || who->operator) {
        return STATUS_OK;
    }
    bool in_scope;
    switch (who->scope) {
    case AUTH_SCOPE_ALL: in_scope = true; break;
    case AUTH_SCOPE_AGENCY: in_scope = rec->agency_id == who->agency_id; break;
    default: in_scope = rec->owner_id == who->user_id; break;
    }
    if (!in_scope) {
        *why = "scope";
        *ok = false;
        return STATUS_OK;
    }
    if (rec->sensitivity == AUTH_SENSITIVITY_RESTRICTED && rec->owner_id != who->user_id) {
        struct sql_value a[] = {sqlv_text(rec->type), SQLV_I64(rec->id), SQLV_I64(who->user_id)};
        struct store_rows *r = NULL;
        enum status st = store_exec_one(ctx->store, STMT_GRANT_CHECK, a, 3, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            *why = "restricted";
            *ok = false;
            return STATUS_OK;
        }
        return st;
    }
    return STATUS_OK;
}

/* A share opens reading permissions ("x.read"), and writing ones ("x.write") only when it allows
 * writing; never exports, merges, purges, subject access or another break of the glass. */
static bool share_opens(const struct share *sh, const char *permission, bool write)
{
    size_t n = strlen(permission);
    bool reading = n > 5 && strcmp(permission + n - 5, ".read") == 0;
    bool writing = n > 6 && strcmp(permission + n - 6, ".write") == 0;
    if (write || writing) {
        return sh->write && (reading || writing);
    }
    return reading;
}

static enum status decide_share(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                                enum auth_field_group fg, bool write, const char **why, struct share *sh)
{
    const struct auth_principal *who = ctx->who;
    *why = "";
    memset(sh, 0, sizeof *sh);
    if (!auth_has(who, permission)) {
        *why = "permission";
        return err_set(STATUS_DENIED, "not permitted: %s", permission);
    }
    bool ok = true;
    enum status st = reach_own(ctx, rec, &ok, why);
    if (st != STATUS_OK) {
        return st;
    }
    if (!ok) {
        const char *own_why = *why;
        if ((st = share_find(ctx, rec, sh)) != STATUS_OK) {
            return st;
        }
        if (!sh->found || !share_opens(sh, permission, write)) {
            sh->found = false;
            *why = own_why;
            return strcmp(own_why, "restricted") == 0 ? err_set(STATUS_DENIED, "restricted record")
                                                      : err_set(STATUS_DENIED, "outside your scope");
        }
        if (fg != AUTH_FG_NONE && !(sh->groups & (1u << fg))) {
            *why = "field group not shared";
            return err_set(STATUS_DENIED, "%s fields were not shared with you", auth_field_group_name(fg));
        }
    }
    if (!auth_field_allowed(who, fg, write)) {
        *why = "field group";
        return err_set(STATUS_DENIED, "not permitted to %s %s fields", write ? "write" : "read",
                       auth_field_group_name(fg));
    }
    return STATUS_OK;
}

void auth_groups_allowed(const struct auth_ctx *ctx, const struct auth_record *rec, bool write,
                         bool out[AUTH_FG__COUNT])
{
    for (int g = 0; g < AUTH_FG__COUNT; g++) {
        out[g] = auth_field_allowed(ctx->who, (enum auth_field_group)g, write);
    }
    const char *why = "";
    bool ok = true;
    struct share sh;
    if (reach_own(ctx, rec, &ok, &why) != STATUS_OK) {
        ok = false;
    }
    if (ok) {
        return;
    }
    if (share_find(ctx, rec, &sh) != STATUS_OK || !sh.found || (write && !sh.write)) {
        memset(out, 0, AUTH_FG__COUNT * sizeof *out);
        return;
    }
    for (int g = AUTH_FG_NONE + 1; g < AUTH_FG__COUNT; g++) {
        out[g] = out[g] && (sh.groups & (1u << g)) != 0;
    }
}

static enum status decide(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                          enum auth_field_group fg, bool write, const char **why)
{
    struct share sh;
    return decide_share(ctx, permission, rec, fg, write, why, &sh);
}

enum status auth_decide(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                        enum auth_field_group fg, bool write)
{
    const char *why;
    return decide(ctx, permission, rec, fg, write, &why);
}

static enum status audit_write(const struct auth_ctx *ctx, const char *action, const char *record_type,
                               int64_t record_id, const char *fg, const char *outcome, const char *detail)
{
    struct audit_entry e = {
        .actor_user_id = ctx->who->user_id,
        .actor = ctx->who->username,
        .action = action,
        .record_type = record_type ? record_type : "",
        .record_id = record_id,
        .field_group = fg ? fg : "",
        .client = ctx->client ? ctx->client : "",
        .outcome = outcome,
        .detail = detail ? detail : "",
    };
    return audit_append(ctx->store, ctx->vault, &e);
}

/* A denial is audited after the operation's transaction has rolled back (auth_run), since the
 * operation fails; the entry waits here, per thread, until then. */
struct pending_denial {
    bool set;
    char action[64];
    char record_type[32];
    int64_t record_id;
    char fg[16];
    char detail[AUDIT_DETAIL_BYTES_MAX];
};
static _Thread_local struct pending_denial pending;

/* The audit detail of an access: the caller's, and "via referral N" / "via break-the-glass N" when
 * the access passed through a share (no personal data: ids only). */
static void share_detail(char *out, size_t size, const struct share *sh, const char *detail)
{
    const char *d = detail ? detail : "";
    if (!sh->found) {
        snprintf(out, size, "%s", d);
    } else if (strcmp(sh->kind, "glass") == 0) {
        snprintf(out, size, "%s%svia break-the-glass %lld", d, d[0] ? "; " : "", (long long)sh->id);
    } else {
        snprintf(out, size, "%s%svia referral %lld", d, d[0] ? "; " : "", (long long)sh->source_id);
    }
}

enum status auth_check(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                       enum auth_field_group fg, bool write, const char *detail)
{
    const char *why;
    struct share sh;
    enum status st = decide_share(ctx, permission, rec, fg, write, &why, &sh);
    if (st == STATUS_OK) {
        char via[AUDIT_DETAIL_BYTES_MAX];
        share_detail(via, sizeof via, &sh, detail);
        return audit_write(ctx, permission, rec ? rec->type : NULL, rec ? rec->id : 0, auth_field_group_name(fg), "ok",
                           via);
    }
    if (st == STATUS_DENIED) {
        pending.set = true;
        snprintf(pending.action, sizeof pending.action, "%s", permission);
        snprintf(pending.record_type, sizeof pending.record_type, "%s", rec ? rec->type : "");
        pending.record_id = rec ? rec->id : 0;
        snprintf(pending.fg, sizeof pending.fg, "%s", auth_field_group_name(fg));
        snprintf(pending.detail, sizeof pending.detail, "%s%s%s", why, detail && detail[0] ? "; " : "",
                 detail ? detail : "");
    }
    return st;
}

enum status auth_refuse(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                        const char *detail, const char *message)
{
    (void)ctx;
    pending.set = true;
    snprintf(pending.action, sizeof pending.action, "%s", permission);
    snprintf(pending.record_type, sizeof pending.record_type, "%s", rec ? rec->type : "");
    pending.record_id = rec ? rec->id : 0;
    snprintf(pending.fg, sizeof pending.fg, "%s", auth_field_group_name(AUTH_FG_NONE));
    snprintf(pending.detail, sizeof pending.detail, "%s", detail ? detail : "");
    return err_set(STATUS_DENIED, "%s", message);
}

enum status auth_check_groups(const struct auth_ctx *ctx, const char *permission, const struct auth_record *rec,
                              const bool groups[AUTH_FG__COUNT], bool write, const char *detail)
{
    char names[AUTH_FG__COUNT * 16] = "";
    size_t len = 0;
    const char *why;
    struct share sh;
    enum status st = decide_share(ctx, permission, rec, AUTH_FG_NONE, write, &why, &sh);
    if (st != STATUS_OK) {
        return auth_check(ctx, permission, rec, AUTH_FG_NONE, write, detail); /* notes the denial */
    }
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, rec, write, allowed);
    for (int g = 0; g < AUTH_FG__COUNT; g++) {
        if (g == AUTH_FG_NONE || !groups[g]) {
            continue;
        }
        if (!allowed[g]) {
            return auth_check(ctx, permission, rec, (enum auth_field_group)g, write, detail);
        }
        const char *name = auth_field_group_name((enum auth_field_group)g);
        int n = snprintf(names + len, sizeof names - len, "%s%s", len ? "," : "", name);
        ASSERT(n > 0 && (size_t)n < sizeof names - len);
        len += (size_t)n;
    }
    char via[AUDIT_DETAIL_BYTES_MAX];
    share_detail(via, sizeof via, &sh, detail);
    return audit_write(ctx, permission, rec ? rec->type : NULL, rec ? rec->id : 0, names, "ok", via);
}

struct run_args {
    const struct auth_ctx *ctx;
    auth_op_fn fn;
    void *arg;
};

static enum status run_tx(struct store *s, void *p)
{
    struct run_args *ra = p;
    pending.set = false;
    return ra->fn(ra->ctx, ra->arg);
}

static enum status denial_tx(struct store *s, void *p)
{
    const struct auth_ctx *ctx = p;
    return audit_write(ctx, pending.action, pending.record_type, pending.record_id, pending.fg, "denied",
                       pending.detail);
}

enum status auth_run(const struct auth_ctx *ctx, auth_op_fn fn, void *arg)
{
    struct run_args ra = {ctx, fn, arg};
    pending.set = false;
    enum status st = store_tx_run(ctx->store, STORE_TX_WRITE, run_tx, &ra);
    /* A denial may reach the caller as STATUS_DENIED or, where an out-of-scope record must look
     * absent, as STATUS_NOT_FOUND: either way it is audited. */
    if (st != STATUS_OK && pending.set) {
        char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        snprintf(field, sizeof field, "%s", err_last_field());
        enum status ast = store_tx_run(ctx->store, STORE_TX_WRITE, denial_tx, (void *)ctx);
        pending.set = false;
        if (ast != STATUS_OK) {
            return ast;
        }
        err_set_field(st, field[0] ? field : NULL, "%s", msg);
    }
    return st;
}

enum status auth_audit(const struct auth_ctx *ctx, const char *action, const char *record_type, int64_t record_id,
                       const char *outcome, const char *detail)
{
    return audit_write(ctx, action, record_type, record_id, "", outcome, detail);
}

static enum status audit_readable(const struct auth_ctx *ctx, const char *detail)
{
    enum status st = auth_check(ctx, "audit.read", NULL, AUTH_FG_NONE, false, detail);
    if (st == STATUS_OK && !ctx->who->operator&& ctx->who->scope != AUTH_SCOPE_ALL) {
        st = err_set(STATUS_DENIED, "reading the audit trail needs scope all");
    }
    return st;
}

enum status auth_audit_list(const struct auth_ctx *ctx, const struct audit_filter *f, struct audit_entry **out,
                            size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = audit_readable(ctx, "list");
    return st == STATUS_OK ? audit_list(out, count_out, ctx->store, f) : st;
}

enum status auth_audit_verify(const struct auth_ctx *ctx, struct audit_verify_result *out)
{
    memset(out, 0, sizeof *out);
    enum status st = audit_readable(ctx, "verify");
    return st == STATUS_OK ? audit_verify(ctx->store, ctx->vault, out) : st;
}

/* Roles. */

static enum status role_perms_set(struct store *s, int64_t role_id, const char *const *perms, size_t count)
{
    struct sql_value a[] = {SQLV_I64(role_id)};
    enum status st = store_exec(s, STMT_ROLE_PERM_CLEAR, a, 1, NULL);
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        if (!auth_permission_known(perms[i])) {
            return err_set_field(STATUS_INVALID, "permissions", "permissions: unknown permission \"%.64s\"", perms[i]);
        }
        struct sql_value p[] = {SQLV_I64(role_id), sqlv_text(perms[i])};
        st = store_exec(s, STMT_ROLE_PERM_INSERT, p, 2, NULL); /* a duplicate is ignored */
    }
    return st;
}

static enum status role_id_by_name(struct store *s, const char *name, int64_t *out)
{
    struct sql_value n[] = {sqlv_text(name)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_ROLE_BY_NAME, n, 1, &r);
    if (st == STATUS_OK) {
        *out = store_rows_i64(r, 0);
        store_rows_free(r);
    } else if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_INVALID, "assignable_roles", "assignable_roles: no role named \"%.64s\"", name);
    }
    return st;
}

static enum status role_assignable_set(struct store *s, int64_t role_id, const char *const *names, size_t count)
{
    struct sql_value a[] = {SQLV_I64(role_id)};
    enum status st = store_exec(s, STMT_ROLE_ASSIGNABLE_CLEAR, a, 1, NULL);
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        int64_t other = 0;
        st = role_id_by_name(s, names[i], &other);
        if (st == STATUS_OK) {
            struct sql_value p[] = {SQLV_I64(role_id), SQLV_I64(other)};
            st = store_exec(s, STMT_ROLE_ASSIGNABLE_INSERT, p, 2, NULL);
        }
    }
    return st;
}

static size_t null_terminated_count(const char *const *list)
{
    size_t n = 0;
    while (list != NULL && list[n] != NULL) {
        n++;
    }
    return n;
}

enum status auth_roles_seed(struct store *s)
{
    enum status st = STATUS_OK;
    bool created[32] = {false};
    ASSERT(auth_builtin_roles_count <= ARRAY_LEN(created));
    for (size_t i = 0; st == STATUS_OK && i < auth_builtin_roles_count; i++) {
        const struct auth_builtin_role *b = &auth_builtin_roles[i];
        struct sql_value n[] = {sqlv_text(b->name)};
        struct store_rows *r = NULL;
        st = store_exec_one(s, STMT_ROLE_BY_NAME, n, 1, &r);
        store_rows_free(r);
        if (st == STATUS_OK) {
            continue;
        }
        if (st != STATUS_NOT_FOUND) {
            break;
        }
        int64_t id = vault_random_id();
        struct sql_value a[] = {SQLV_I64(id),    sqlv_text(b->name),         sqlv_text(b->description),
                                SQLV_BOOL(true), SQLV_BOOL(b->mfa_required), SQLV_I64(util_now_ms())};
        st = store_exec(s, STMT_ROLE_INSERT, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK) {
            st = role_perms_set(s, id, b->permissions, null_terminated_count(b->permissions));
            created[i] = true;
        }
    }
    /* Assignable roles once all exist; only for roles made now, so a configured list stays. */
    for (size_t i = 0; st == STATUS_OK && i < auth_builtin_roles_count; i++) {
        const struct auth_builtin_role *b = &auth_builtin_roles[i];
        int64_t id = 0;
        if (created[i] && b->assignable != NULL && (st = role_id_by_name(s, b->name, &id)) == STATUS_OK) {
            st = role_assignable_set(s, id, b->assignable, null_terminated_count(b->assignable));
        }
    }
    return st;
}

static enum status role_read(struct store *s, struct store_rows *r, struct auth_role **out)
{
    struct auth_role *role = xcalloc(1, sizeof *role);
    role->id = store_rows_i64(r, 0);
    role->name = xstrdup(store_rows_text(r, 1));
    role->description = xstrdup(store_rows_text(r, 2));
    role->builtin = store_rows_i64(r, 3) != 0;
    role->mfa_required = store_rows_i64(r, 4) != 0;
    role->version = store_rows_i64(r, 5);
    *out = role;
    return STATUS_OK;
}

static enum status role_assignable_load(struct store *s, struct auth_role *role)
{
    struct sql_value a[] = {SQLV_I64(role->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(s, STMT_ROLE_ASSIGNABLE_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4;
    role->assignable = xcalloc(cap, sizeof *role->assignable);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (role->assignable_count == cap) {
            cap *= 2;
            role->assignable = xrealloc(role->assignable, cap * sizeof *role->assignable);
        }
        role->assignable[role->assignable_count++] = xstrdup(store_rows_text(r, 0));
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status role_perms_load(struct store *s, struct auth_role *role)
{
    struct sql_value a[] = {SQLV_I64(role->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(s, STMT_ROLE_PERM_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8;
    role->permissions = xcalloc(cap, sizeof *role->permissions);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (role->permissions_count == cap) {
            cap *= 2;
            role->permissions = xrealloc(role->permissions, cap * sizeof *role->permissions);
        }
        role->permissions[role->permissions_count++] = xstrdup(store_rows_text(r, 0));
    }
    store_rows_free(r);
    return st == STATUS_DONE ? role_assignable_load(s, role) : st;
}

enum status auth_role_list(const struct auth_ctx *ctx, struct auth_role ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = auth_check(ctx, "role.read", NULL, AUTH_FG_NONE, false, "list");
    if (st != STATUS_OK) {
        return st;
    }
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_ROLE_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 16, n = 0;
    struct auth_role **list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        role_read(ctx->store, r, &list[n++]);
    }
    store_rows_free(r);
    if (st == STATUS_DONE) {
        st = STATUS_OK;
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            st = role_perms_load(ctx->store, list[i]);
        }
    }
    if (st != STATUS_OK) {
        auth_role_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

static enum status role_get(struct store *s, int64_t id, struct auth_role **out)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_ROLE_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such role") : st;
    }
    role_read(s, r, out);
    store_rows_free(r);
    st = role_perms_load(s, *out);
    if (st != STATUS_OK) {
        auth_role_free(*out);
        *out = NULL;
    }
    return st;
}

static enum status role_name_check(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > ROLE_NAME_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "name", "name: 1 to %d characters", ROLE_NAME_BYTES_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return err_set_field(STATUS_INVALID, "name", "name: lower-case letters, digits, _ and - only");
        }
    }
    return STATUS_OK;
}

enum status auth_role_create(const struct auth_ctx *ctx, const char *name, const char *description, bool mfa_required,
                             const char *const *permissions, size_t count, const char *const *assignable,
                             size_t assignable_count, struct auth_role **out)
{
    *out = NULL;
    enum status st = role_name_check(name);
    if (st != STATUS_OK) {
        return st;
    }
    if (count > PERMISSIONS_PER_ROLE_MAX) {
        return err_set_field(STATUS_INVALID, "permissions", "permissions: at most %d", PERMISSIONS_PER_ROLE_MAX);
    }
    if (description && strlen(description) > FIELD_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "description", "description: too long");
    }
    int64_t id = vault_random_id();
    st = auth_check(ctx, "role.manage", NULL, AUTH_FG_NONE, true, "create");
    if (st != STATUS_OK) {
        return st;
    }
    if (!ctx->who->operator&& ctx->who->scope != AUTH_SCOPE_ALL) {
        /* Roles are shared by every agency: only a system-wide administrator changes them. */
        return err_set(STATUS_DENIED, "roles can be changed only with scope all");
    }
    struct sql_value a[] = {SQLV_I64(id),     sqlv_text(name),         sqlv_text(description ? description : ""),
                            SQLV_BOOL(false), SQLV_BOOL(mfa_required), SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_ROLE_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT) {
        return err_set_field(STATUS_CONFLICT, "name", "name: a role with this name exists");
    }
    if (st == STATUS_OK) {
        st = role_perms_set(ctx->store, id, permissions, count);
    }
    if (st == STATUS_OK && assignable != NULL) {
        st = role_assignable_set(ctx->store, id, assignable, assignable_count);
    }
    if (st == STATUS_OK) {
        st = role_get(ctx->store, id, out);
    }
    return st;
}

enum status auth_role_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *description,
                             int mfa_required, const char *const *permissions, size_t count,
                             const char *const *assignable, size_t assignable_count, struct auth_role **out)
{
    *out = NULL;
    if (count > PERMISSIONS_PER_ROLE_MAX) {
        return err_set_field(STATUS_INVALID, "permissions", "permissions: at most %d", PERMISSIONS_PER_ROLE_MAX);
    }
    if (description && strlen(description) > FIELD_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "description", "description: too long");
    }
    struct auth_role *cur = NULL;
    enum status st = role_get(ctx->store, id, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = {.type = "role", .id = id, .agency_id = ctx->who->agency_id};
    st = auth_check(ctx, "role.manage", &rec, AUTH_FG_NONE, true, "update");
    if (st == STATUS_OK && !ctx->who->operator&& ctx->who->scope != AUTH_SCOPE_ALL) {
        st = err_set(STATUS_DENIED, "roles can be changed only with scope all");
    }
    if (st != STATUS_OK) {
        goto out;
    }
    struct sql_value a[] = {SQLV_I64(id), sqlv_text(description ? description : cur->description),
                            SQLV_BOOL(mfa_required < 0 ? cur->mfa_required : mfa_required != 0),
                            SQLV_I64(util_now_ms()), SQLV_I64(expected_version)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_ROLE_UPDATE, a, ARRAY_LEN(a), &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_CONFLICT, "the role was changed by someone else; reload it");
    }
    if (st == STATUS_OK && permissions != NULL) {
        st = role_perms_set(ctx->store, id, permissions, count);
    }
    if (st == STATUS_OK && assignable != NULL) {
        st = role_assignable_set(ctx->store, id, assignable, assignable_count);
    }
    if (st == STATUS_OK) {
        st = role_get(ctx->store, id, out);
    }
out:
    auth_role_free(cur);
    return st;
}

void auth_role_free(struct auth_role *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->permissions_count; i++) {
        free(r->permissions[i]);
    }
    free(r->permissions);
    for (size_t i = 0; i < r->assignable_count; i++) {
        free(r->assignable[i]);
    }
    free(r->assignable);
    free(r->name);
    free(r->description);
    free(r);
}

void auth_role_list_free(struct auth_role **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        auth_role_free(list[i]);
    }
    free(list);
}
