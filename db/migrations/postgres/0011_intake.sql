-- 0011 intake (part T): the public tip form and the helpline. A tip is a first-contact record for
-- triage: the tipster's contact, the account and the location are sealed; the rest are codes.
-- The public reference (T-XXXX-XXXX) is random and reveals nothing. Triage needs the new
-- permission intake.triage (caseworker and case_supervisor).

CREATE TABLE intake_tips (
    id BIGINT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    received_at_ms BIGINT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web_form', 'helpline_call', 'sms', 'email', 'walk_in', 'other')),
    language TEXT NOT NULL DEFAULT '',
    anonymous BIGINT NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    contact_enc BYTEA,
    account_enc BYTEA,
    location_enc BYTEA,
    country TEXT NOT NULL DEFAULT '',
    exploitation TEXT NOT NULL DEFAULT 'unknown' CHECK (exploitation IN ('labour', 'sexual', 'other', 'unknown')),
    immediate_danger BIGINT NOT NULL DEFAULT 0 CHECK (immediate_danger IN (0, 1)),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'triaged', 'converted', 'dismissed')),
    case_id BIGINT REFERENCES cases(id) ON DELETE SET NULL,
    dismiss_reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    triaged_at_ms BIGINT NOT NULL DEFAULT 0,
    triaged_by BIGINT,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX intake_tips_agency ON intake_tips(agency_id, state, received_at_ms);
CREATE INDEX intake_tips_case ON intake_tips(case_id);

-- One row (absent until set): the agency that receives public tips (default: the first agency)
-- and the helpline number shown on the public page.
CREATE TABLE intake_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    agency_id BIGINT REFERENCES agencies(id),
    helpline TEXT NOT NULL DEFAULT '',
    updated_at_ms BIGINT NOT NULL
);

-- Public submissions per client address, keyed by a keyed hash of the address (never the
-- address): at most INTAKE_TIPS_PER_WINDOW in INTAKE_WINDOW_S.
CREATE TABLE intake_throttle (
    key_hash BYTEA PRIMARY KEY,
    window_start_ms BIGINT NOT NULL,
    count BIGINT NOT NULL
);

-- The new permission for the built-in roles of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'intake.triage' FROM roles WHERE name IN ('caseworker', 'case_supervisor') AND builtin = 1
    ON CONFLICT DO NOTHING;
