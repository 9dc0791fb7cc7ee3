-- 0001 platform: agencies, roles, users, sessions, tokens, throttling, audit, vault keys, peers.
-- Times are UTC epoch milliseconds (*_at_ms). Booleans are 0/1 with a CHECK.
-- Ids are random 53-bit integers chosen by the application (not guessable, safe in JavaScript).
-- Columns ending _enc hold vault envelopes; _bidx hold keyed blind indexes.

CREATE TABLE agencies (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    org_type TEXT NOT NULL CHECK (org_type IN ('NGO', 'LawEnforcement', 'HealthServiceOrganisation',
        'CentralGovernmentOrganisation', 'LocalGovernmentOrganisation', 'ImmigrationService',
        'LegalService', 'CorporateBusiness', 'SchoolOrCollege', 'InternationalOrganisation')),
    country TEXT NOT NULL DEFAULT '',
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE roles (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    builtin BIGINT NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    mfa_required BIGINT NOT NULL DEFAULT 0 CHECK (mfa_required IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE role_permissions (
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

-- The roles a role's holders may give to others (and so manage the accounts that hold them).
CREATE TABLE role_assignable (
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    assignable_role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, assignable_role_id)
);

CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    username TEXT NOT NULL UNIQUE,
    display_name_enc BYTEA,
    email_enc BYTEA,
    email_bidx BYTEA,
    password_hash TEXT NOT NULL,
    role_id BIGINT NOT NULL REFERENCES roles(id),
    scope TEXT NOT NULL CHECK (scope IN ('own', 'agency', 'all')),
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    must_change_password BIGINT NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    totp_secret_enc BYTEA,
    totp_enabled BIGINT NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_counter BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    last_login_ms BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_agency ON users(agency_id);
CREATE INDEX users_email_bidx ON users(email_bidx);

-- Named users who may see a restricted record (record sensitivity 'restricted').
CREATE TABLE record_grants (
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    granted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (record_type, record_id, user_id)
);

CREATE TABLE sessions (
    id BIGINT PRIMARY KEY,
    token_hash BYTEA NOT NULL UNIQUE,
    csrf_hash BYTEA NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mfa_ok BIGINT NOT NULL DEFAULT 0 CHECK (mfa_ok IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    last_used_ms BIGINT NOT NULL DEFAULT 0,
    revoked BIGINT NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);

-- Failed logins per client address (keyed hash, not the address itself).
CREATE TABLE login_throttle (
    key_hash BYTEA PRIMARY KEY,
    window_start_ms BIGINT NOT NULL,
    failures BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id BIGINT NOT NULL DEFAULT 0,
    field_group TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'ok',
    detail TEXT NOT NULL DEFAULT '',
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id);
CREATE INDEX audit_log_at ON audit_log(at_ms);

-- The chain head: one row, updated in the same transaction as each audit entry.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);

CREATE TABLE vault_keys (
    id BIGINT PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('data', 'sign')),
    state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
    wrapped BYTEA NOT NULL,
    public_key BYTEA,
    created_at_ms BIGINT NOT NULL,
    retired_at_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE vault_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE trusted_peers (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    public_key BYTEA NOT NULL UNIQUE,
    added_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
