-- 0007 assistance and legal status (src/referral/assist.c, legal.c): services delivered to a
-- person, the non-punishment flag, residence permit applications and decisions, voluntary return
-- plans with their reintegration follow-ups, and compensation claims. Codes, dates, states and
-- amounts stay in clear columns for statistics; notes and summaries are vault envelopes bound to
-- (table, column, row id) in *_enc columns, emptied by a purge. Rows are never deleted: a service
-- is cancelled, a claim withdrawn. provider_id refers to the service-provider directory without a
-- foreign key (the directory is another module's table).

CREATE TABLE case_services (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    provider_id BIGINT,
    support_plan_id BIGINT,
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    notes_enc BYTEA,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_services_case ON case_services(case_id);

-- At most one non-punishment record per case (Plan of Action para 30, CoE art. 26).
CREATE TABLE case_non_punishment (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE,
    applies BIGINT NOT NULL DEFAULT 0 CHECK (applies IN (0, 1)),
    reason TEXT NOT NULL DEFAULT '',
    reason_note_enc BYTEA,
    decided_date TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE TABLE case_residence_permits (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    applied_date TEXT NOT NULL DEFAULT '',
    authority TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL,
    decision_date TEXT NOT NULL DEFAULT '',
    valid_from TEXT NOT NULL DEFAULT '',
    valid_until TEXT NOT NULL DEFAULT '',
    renewal_of BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_residence_permits_case ON case_residence_permits(case_id);

CREATE TABLE case_returns (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    destination TEXT NOT NULL,
    consent_confirmed BIGINT NOT NULL DEFAULT 0 CHECK (consent_confirmed IN (0, 1)),
    consent_date TEXT NOT NULL DEFAULT '',
    risk_level TEXT NOT NULL DEFAULT '',
    risk_date TEXT NOT NULL DEFAULT '',
    risk_assessed_by TEXT NOT NULL DEFAULT '',
    risk_summary_enc BYTEA,
    planned_date TEXT NOT NULL DEFAULT '',
    travel_date TEXT NOT NULL DEFAULT '',
    receiving_org TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_returns_case ON case_returns(case_id);

CREATE TABLE case_return_follow_ups (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    return_id BIGINT NOT NULL REFERENCES case_returns(id) ON DELETE CASCADE,
    follow_up_date TEXT NOT NULL,
    contact_made BIGINT NOT NULL DEFAULT 0 CHECK (contact_made IN (0, 1)),
    outcome TEXT NOT NULL DEFAULT '',
    notes_enc BYTEA,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_return_follow_ups_case ON case_return_follow_ups(case_id);

-- Amounts in integer minor units of the ISO 4217 currency.
CREATE TABLE case_compensation_claims (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filed_date TEXT NOT NULL DEFAULT '',
    against TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    amount_claimed BIGINT CHECK (amount_claimed IS NULL OR amount_claimed >= 0),
    amount_awarded BIGINT CHECK (amount_awarded IS NULL OR amount_awarded >= 0),
    amount_paid BIGINT CHECK (amount_paid IS NULL OR amount_paid >= 0),
    status TEXT NOT NULL,
    decision_date TEXT NOT NULL DEFAULT '',
    legal_aid BIGINT NOT NULL DEFAULT 0 CHECK (legal_aid IN (0, 1)),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX case_compensation_claims_case ON case_compensation_claims(case_id);
