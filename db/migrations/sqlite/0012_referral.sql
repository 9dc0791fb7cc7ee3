-- 0012 referral: record access beyond scope (referral shares and break-the-glass), the directory
-- of service providers and referrals. Reasons and notes are sealed; codes, states and dates stay
-- clear for statistics.

-- A live row (not revoked, not expired) opens one record to a user (user_id) or to an agency
-- (agency_id), for the field groups in the bit mask `fg_mask` (bit g = enum auth_field_group g),
-- for reading only unless `writable`.
CREATE TABLE record_access (
    id INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    agency_id INTEGER REFERENCES agencies(id),
    user_id INTEGER REFERENCES users(id),
    fg_mask INTEGER NOT NULL DEFAULT 0,
    writable INTEGER NOT NULL DEFAULT 0 CHECK (writable IN (0, 1)),
    kind TEXT NOT NULL CHECK (kind IN ('referral', 'glass')),
    source_id INTEGER NOT NULL DEFAULT 0,
    reason_enc BLOB,
    created_at_ms INTEGER NOT NULL,
    created_by INTEGER,
    expires_at_ms INTEGER NOT NULL DEFAULT 0,
    revoked_at_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX record_access_record ON record_access(record_type, record_id);
CREATE INDEX record_access_source ON record_access(kind, source_id);

CREATE TABLE service_providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies(id),
    services TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    areas TEXT NOT NULL DEFAULT '',
    places_total INTEGER NOT NULL DEFAULT 0,
    places_free INTEGER NOT NULL DEFAULT 0,
    capacity_updated_at_ms INTEGER NOT NULL DEFAULT 0,
    contact TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_agency_id INTEGER NOT NULL REFERENCES agencies(id),
    from_user_id INTEGER,
    provider_id INTEGER NOT NULL REFERENCES service_providers(id),
    to_agency_id INTEGER REFERENCES agencies(id),
    kind TEXT NOT NULL CHECK (kind IN ('referral', 'transfer')),
    services TEXT NOT NULL DEFAULT '',
    fg_mask INTEGER NOT NULL DEFAULT 0,
    reason_enc BLOB,
    urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'rejected', 'completed', 'revoked')),
    reject_code TEXT NOT NULL DEFAULT '',
    reject_note_enc BLOB,
    basis TEXT NOT NULL CHECK (basis IN ('consent', 'child_emergency_override')),
    override_reason_enc BLOB,
    keep_access INTEGER NOT NULL DEFAULT 0 CHECK (keep_access IN (0, 1)),
    access_id INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    answered_at_ms INTEGER NOT NULL DEFAULT 0,
    answered_by INTEGER,
    closed_at_ms INTEGER NOT NULL DEFAULT 0,
    closed_by INTEGER,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
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
