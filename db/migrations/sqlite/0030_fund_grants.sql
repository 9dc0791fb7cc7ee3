-- Issue 8, part G: the Trust Fund's grant agreements, their tranches, disbursements (recorded by
-- one fund user, approved by another), grantee reports with their beneficiaries and services.
-- Amounts are integer US cents (never floating point); dates YYYY-MM-DD. Reasons and narratives
-- are sealed.
CREATE TABLE fund_grants (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE, -- UNVTF-YYYY-NNN
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    application_id INTEGER, -- part A's application (no foreign key: another part)
    call_id INTEGER,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    country TEXT NOT NULL,
    programme TEXT NOT NULL CHECK (programme IN ('immediate', 'medium_term', 'other')),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'cancelled')),
    award_entry_id INTEGER,
    close_date TEXT NOT NULL DEFAULT '',
    close_reason_enc BLOB,
    closed_by INTEGER,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (year, seq)
) STRICT;
CREATE INDEX fund_grants_agency ON fund_grants(agency_id);

CREATE TABLE fund_tranches (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES fund_grants(id),
    seq INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'released', 'paid', 'cancelled')),
    released_date TEXT NOT NULL DEFAULT '',
    UNIQUE (grant_id, seq)
) STRICT;

CREATE TABLE fund_disbursements (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES fund_grants(id),
    tranche_id INTEGER NOT NULL REFERENCES fund_tranches(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_date TEXT NOT NULL,
    bank_reference TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    recorded_by INTEGER NOT NULL, -- 0: the operator
    recorded_at_ms INTEGER NOT NULL,
    decided_by INTEGER,
    decided_at_ms INTEGER,
    reason_enc BLOB,
    entry_id INTEGER
) STRICT;
CREATE INDEX fund_disbursements_tranche ON fund_disbursements(tranche_id);

CREATE TABLE fund_reports (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES fund_grants(id),
    tranche_id INTEGER NOT NULL REFERENCES fund_tranches(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    country TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
    narrative_enc BLOB,
    reason_enc BLOB,
    created_by INTEGER,
    submitted_by INTEGER,
    submitted_at_ms INTEGER,
    decided_by INTEGER,
    decided_at_ms INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX fund_reports_grant ON fund_reports(grant_id);

-- Beneficiaries assisted in a report's period: counts by sex x age x form of exploitation.
CREATE TABLE fund_report_beneficiaries (
    report_id INTEGER NOT NULL REFERENCES fund_reports(id) ON DELETE CASCADE,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    age TEXT NOT NULL CHECK (age IN ('adult', 'child')),
    form TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (report_id, sex, age, form)
) STRICT;

-- Services delivered in a report's period (the referral module's service types) with counts.
CREATE TABLE fund_report_services (
    report_id INTEGER NOT NULL REFERENCES fund_reports(id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (report_id, service)
) STRICT;
