-- 0003 case records: the HTCDS v2 fields the registry lacked (appended to src/cases/fields.def,
-- so their columns come last), perpetrators (HTCDS per_) and support plans (spl_) as records of
-- their own, and encrypted attachments. *_enc columns hold vault envelopes bound to
-- (table, column, row id). Rows are never deleted by the application: `deleted` marks them, and
-- a purge empties their sealed columns.

ALTER TABLE cases ADD COLUMN incoming_referral_reason TEXT;
ALTER TABLE cases ADD COLUMN incoming_referral_details_enc BYTEA;
ALTER TABLE cases ADD COLUMN referred_organisation TEXT;
ALTER TABLE cases ADD COLUMN outgoing_referral_date TEXT;
ALTER TABLE cases ADD COLUMN outgoing_referral_reason TEXT;
ALTER TABLE cases ADD COLUMN outgoing_referral_details_enc BYTEA;
ALTER TABLE cases ADD COLUMN secondary_language TEXT;
ALTER TABLE cases ADD COLUMN age_basis TEXT;
ALTER TABLE cases ADD COLUMN other_citizenships TEXT;

-- Perpetrators of a case (HTCDS per_). roles is a bitset over the perp_role vocabulary.
CREATE TABLE case_perpetrators (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    roles BIGINT NOT NULL DEFAULT 0,
    role_details_enc BYTEA,
    gender TEXT NOT NULL DEFAULT '',
    age_band TEXT NOT NULL DEFAULT '',
    age BIGINT CHECK (age IS NULL OR (age >= 0 AND age <= 130)),
    citizenship TEXT NOT NULL DEFAULT '',
    relation TEXT NOT NULL DEFAULT '',
    name_enc BYTEA,
    notes_enc BYTEA,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_perpetrators_case ON case_perpetrators(case_id);

-- One row per normalised word of a perpetrator's name (domain cases.perpetrator_name).
CREATE TABLE case_perpetrator_name_index (
    bidx BYTEA NOT NULL,
    perpetrator_id BIGINT NOT NULL REFERENCES case_perpetrators(id) ON DELETE CASCADE,
    PRIMARY KEY (bidx, perpetrator_id)
);
CREATE INDEX case_perpetrator_name_index_perp ON case_perpetrator_name_index(perpetrator_id);

-- Support plans (HTCDS spl_).
CREATE TABLE case_support_plans (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    objectives_enc BYTEA,
    action_plan_enc BYTEA,
    planned_end_date TEXT NOT NULL DEFAULT '',
    actual_end_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('Planned', 'InProgress', 'Completed', 'Cancelled')),
    provider TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_support_plans_case ON case_support_plans(case_id);

-- Attachments: metadata here, the content sealed in chunks (the vault seals at most 64 KiB at a
-- time) in case_attachment_chunks. sha256 is of the plain content, checked on every download.
CREATE TABLE case_attachments (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('consent_form', 'identity_document', 'medical', 'legal', 'other')),
    file_name_enc BYTEA,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL,
    chunks BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    author_user_id BIGINT,
    author TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    purged BIGINT NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);

CREATE TABLE case_attachment_chunks (
    id BIGINT PRIMARY KEY,
    attachment_id BIGINT NOT NULL REFERENCES case_attachments(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    content_enc BYTEA NOT NULL,
    UNIQUE (attachment_id, seq)
);
