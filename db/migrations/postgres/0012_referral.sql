-- 0012 referral: record access beyond scope (referral shares and break-the-glass), the directory
-- of service providers and referrals. Reasons and notes are sealed; codes, states and dates stay
-- clear for statistics.

-- A live row (not revoked, not expired) opens one record to a user (user_id) or to an agency
-- (agency_id), for the field groups in the bit mask `fg_mask` (bit g = enum auth_field_group g),
-- for reading only unless `writable`.
CREATE TABLE record_access (
    id BIGINT PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    user_id BIGINT REFERENCES users(id),
    fg_mask BIGINT NOT NULL DEFAULT 0,
    writable BIGINT NOT NULL DEFAULT 0 CHECK (writable IN (0, 1)),
    kind TEXT NOT NULL CHECK (kind IN ('referral', 'glass')),
    source_id BIGINT NOT NULL DEFAULT 0,
    reason_enc BYTEA,
    created_at_ms BIGINT NOT NULL,
    created_by BIGINT,
    expires_at_ms BIGINT NOT NULL DEFAULT 0,
    revoked_at_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX record_access_record ON record_access(record_type, record_id);
CREATE INDEX record_access_source ON record_access(kind, source_id);

CREATE TABLE service_providers (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    services TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    areas TEXT NOT NULL DEFAULT '',
    places_total BIGINT NOT NULL DEFAULT 0,
    places_free BIGINT NOT NULL DEFAULT 0,
    capacity_updated_at_ms BIGINT NOT NULL DEFAULT 0,
    contact TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE referrals (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_agency_id BIGINT NOT NULL REFERENCES agencies(id),
    from_user_id BIGINT,
    provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    to_agency_id BIGINT REFERENCES agencies(id),
    kind TEXT NOT NULL CHECK (kind IN ('referral', 'transfer')),
    services TEXT NOT NULL DEFAULT '',
    fg_mask BIGINT NOT NULL DEFAULT 0,
    reason_enc BYTEA,
    urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'rejected', 'completed', 'revoked')),
    reject_code TEXT NOT NULL DEFAULT '',
    reject_note_enc BYTEA,
    basis TEXT NOT NULL CHECK (basis IN ('consent', 'child_emergency_override')),
    override_reason_enc BYTEA,
    keep_access BIGINT NOT NULL DEFAULT 0 CHECK (keep_access IN (0, 1)),
    access_id BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    answered_at_ms BIGINT NOT NULL DEFAULT 0,
    answered_by BIGINT,
    closed_at_ms BIGINT NOT NULL DEFAULT 0,
    closed_by BIGINT,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_from ON referrals(from_agency_id, state);
CREATE INDEX referrals_to ON referrals(to_agency_id, state);

-- The new permissions for the built-in roles of existing databases (new ones get them from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'provider.manage' FROM roles
    WHERE name IN ('national_coordinator', 'administrator', 'case_supervisor') AND builtin = 1
    ON CONFLICT DO NOTHING;
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'case.glass' FROM roles
    WHERE name IN ('caseworker', 'case_supervisor', 'investigator', 'prosecutor') AND builtin = 1
    ON CONFLICT DO NOTHING;
