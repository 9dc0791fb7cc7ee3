-- Issue 8, part A: the Trust Fund's Board of Trustees, conflicts of interest, calls for
-- proposals, grantee organisations' profiles, applications with budget lines, trustees' reviews
-- and the fund manager's decisions (src/fund/board.c, calls.c, applications.c). Amounts are
-- integers in US cents; dates YYYY-MM-DD. Names, notes, comments, reasons and the bank account
-- number are sealed.
CREATE TABLE fund_trustees (
    id BIGINT PRIMARY KEY,
    name_enc BYTEA,
    country TEXT NOT NULL,          -- nationality, ISO 3166-1 alpha-3
    regional_group TEXT NOT NULL,   -- the UN regional group derived from the country
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    appointed_on TEXT NOT NULL,
    term_end TEXT NOT NULL,
    ended_on TEXT,
    status TEXT NOT NULL DEFAULT 'serving' CHECK (status IN ('serving', 'ended')),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX fund_trustees_user ON fund_trustees(user_id);

-- Settings of this part: max_per_group (default 1), min_reviews (default 2).
CREATE TABLE fund_app_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE fund_calls (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    programme TEXT NOT NULL CHECK (programme IN ('immediate', 'medium_term')),
    window_months BIGINT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    ceiling_min BIGINT NOT NULL,
    ceiling_max BIGINT NOT NULL,
    priority_forms TEXT NOT NULL DEFAULT '',     -- comma-separated codes
    priority_countries TEXT NOT NULL DEFAULT '', -- comma-separated ISO alpha-3
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    agency_id BIGINT NOT NULL DEFAULT 0,         -- the fund managers' agency (tasks)
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- A grantee organisation's fund profile: id is the agency's id.
CREATE TABLE fund_orgs (
    id BIGINT PRIMARY KEY REFERENCES agencies(id) ON DELETE CASCADE,
    registration_country TEXT NOT NULL DEFAULT '',
    registered_on TEXT NOT NULL DEFAULT '',
    non_profit BIGINT NOT NULL DEFAULT 0,
    assistance_since TEXT NOT NULL DEFAULT '',
    psea BIGINT NOT NULL DEFAULT 0,
    psea_policy TEXT NOT NULL DEFAULT '',
    own_account BIGINT NOT NULL DEFAULT 0,
    account_enc BYTEA,
    updated_by BIGINT,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE fund_applications (
    id BIGINT PRIMARY KEY,
    call_id BIGINT NOT NULL REFERENCES fund_calls(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    title TEXT NOT NULL DEFAULT '',
    summary_enc BYTEA,
    country TEXT NOT NULL DEFAULT '',
    duration_months BIGINT NOT NULL DEFAULT 0,
    forms TEXT NOT NULL DEFAULT '',
    women BIGINT NOT NULL DEFAULT 0,
    men BIGINT NOT NULL DEFAULT 0,
    girls BIGINT NOT NULL DEFAULT 0,
    boys BIGINT NOT NULL DEFAULT 0,
    total_cents BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'awarded', 'rejected')),
    eligibility TEXT NOT NULL DEFAULT '', -- JSON: the criteria as evaluated at submission
    submitted_at_ms BIGINT,
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX fund_applications_call ON fund_applications(call_id);
CREATE INDEX fund_applications_agency ON fund_applications(agency_id);

CREATE TABLE fund_budget_lines (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES fund_applications(id) ON DELETE CASCADE,
    line_no BIGINT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('staff', 'shelter', 'medical', 'legal', 'material', 'travel',
                                               'other')),
    description TEXT NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL
);
CREATE INDEX fund_budget_lines_app ON fund_budget_lines(application_id);

-- A declared conflict of interest: a trustee and an organisation or an application.
CREATE TABLE fund_conflicts (
    id BIGINT PRIMARY KEY,
    trustee_id BIGINT NOT NULL REFERENCES fund_trustees(id),
    agency_id BIGINT REFERENCES agencies(id),
    application_id BIGINT REFERENCES fund_applications(id),
    declared_on TEXT NOT NULL,
    note_enc BYTEA,
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX fund_conflicts_trustee ON fund_conflicts(trustee_id);

CREATE TABLE fund_reviews (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES fund_applications(id),
    trustee_id BIGINT NOT NULL REFERENCES fund_trustees(id),
    relevance BIGINT NOT NULL,
    capacity BIGINT NOT NULL,
    budget BIGINT NOT NULL,
    reach BIGINT NOT NULL,
    comment_enc BYTEA,
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    UNIQUE (application_id, trustee_id)
);

CREATE TABLE fund_decisions (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES fund_applications(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('award', 'reject')),
    amount_cents BIGINT NOT NULL DEFAULT 0,
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    tranches TEXT NOT NULL DEFAULT '', -- JSON [{due_date, amount_cents}]
    reason_enc BYTEA,
    grant_id BIGINT,                   -- part G's grant agreement
    decided_by BIGINT,
    decided_at_ms BIGINT NOT NULL
);
