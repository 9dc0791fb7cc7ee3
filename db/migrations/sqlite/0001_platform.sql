-- 0001 platform: agencies, roles, users, sessions, tokens, throttling, audit, vault keys, peers.
-- Times are UTC epoch milliseconds (*_at_ms). Booleans are 0/1 with a CHECK.
-- Ids are random 53-bit integers chosen by the application (not guessable, safe in JavaScript).
-- Columns ending _enc hold vault envelopes; _bidx hold keyed blind indexes.

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    org_type TEXT NOT NULL CHECK (org_type IN ('NGO', 'LawEnforcement', 'HealthServiceOrganisation',
        'CentralGovernmentOrganisation', 'LocalGovernmentOrganisation', 'ImmigrationService',
        'LegalService', 'CorporateBusiness', 'SchoolOrCollege', 'InternationalOrganisation')),
    country TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    mfa_required INTEGER NOT NULL DEFAULT 0 CHECK (mfa_required IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE role_permissions (
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
) STRICT;

-- The roles a role's holders may give to others (and so manage the accounts that hold them).
CREATE TABLE role_assignable (
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    assignable_role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, assignable_role_id)
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    username TEXT NOT NULL UNIQUE,
    display_name_enc BLOB,
    email_enc BLOB,
    email_bidx BLOB,
    password_hash TEXT NOT NULL,
    role_id INTEGER NOT NULL REFERENCES roles(id),
    scope TEXT NOT NULL CHECK (scope IN ('own', 'agency', 'all')),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    totp_secret_enc BLOB,
    totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_counter INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER NOT NULL DEFAULT 0,
    last_login_ms INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX users_agency ON users(agency_id);
CREATE INDEX users_email_bidx ON users(email_bidx);

-- Named users who may see a restricted record (record sensitivity 'restricted').
CREATE TABLE record_grants (
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    granted_at_ms INTEGER NOT NULL,
    PRIMARY KEY (record_type, record_id, user_id)
) STRICT;

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    csrf_hash BLOB NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mfa_ok INTEGER NOT NULL DEFAULT 0 CHECK (mfa_ok IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    last_used_ms INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

-- Failed logins per client address (keyed hash, not the address itself).
CREATE TABLE login_throttle (
    key_hash BLOB PRIMARY KEY,
    window_start_ms INTEGER NOT NULL,
    failures INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id INTEGER NOT NULL DEFAULT 0,
    field_group TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'ok',
    detail TEXT NOT NULL DEFAULT '',
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id);
CREATE INDEX audit_log_at ON audit_log(at_ms);

-- The chain head: one row, updated in the same transaction as each audit entry.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;

CREATE TABLE vault_keys (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('data', 'sign')),
    state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
    wrapped BLOB NOT NULL,
    public_key BLOB,
    created_at_ms INTEGER NOT NULL,
    retired_at_ms INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE vault_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE trusted_peers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    public_key BLOB NOT NULL UNIQUE,
    added_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
