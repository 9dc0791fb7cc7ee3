-- 0002 cases: the victim case registry (HTCDS v2). The field columns follow src/cases/fields.def
-- in its order (tools/gen_case_sql.py schema prints them); *_enc columns hold vault envelopes,
-- *_bidx keyed blind indexes. A NULL field column is "not collected"; bit i of unknown_mask or
-- na_mask marks field i as unknown or not applicable. Multi-select fields are bitsets over their
-- vocabulary's order.

CREATE TABLE cases (
    id BIGINT PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    owner_id BIGINT REFERENCES users(id),
    restricted BIGINT NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('Active', 'FollowUp', 'Closed', 'ClosedReferred')),
    opened_at_ms BIGINT NOT NULL,
    closed_at_ms BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    source_key TEXT UNIQUE,
    unknown_mask BIGINT NOT NULL DEFAULT 0,
    na_mask BIGINT NOT NULL DEFAULT 0,
    given_name_enc BYTEA,
    middle_name_enc BYTEA,
    family_name_enc BYTEA,
    birth_date_enc BYTEA,
    gender TEXT,
    age BIGINT,
    age_estimated BIGINT CHECK (age_estimated IN (0, 1)),
    majority_status TEXT,
    citizenship TEXT,
    citizenship_region TEXT,
    primary_language TEXT,
    identity_number_enc BYTEA,
    phone_enc BYTEA,
    email_enc BYTEA,
    address_enc BYTEA,
    mailing_country TEXT,
    trafficking_status TEXT,
    status_decided_by TEXT,
    relationship_to_trafficker BIGINT,
    age_when_trafficked BIGINT,
    majority_when_trafficked TEXT,
    recruitment_methods BIGINT,
    control_methods BIGINT,
    exploitation_types BIGINT,
    labour_industries BIGINT,
    sex_exploitation_types BIGINT,
    exploitation_country TEXT,
    exploitation_region TEXT,
    year_registered BIGINT,
    referring_organisation TEXT,
    incoming_referral_date TEXT,
    narrative_enc BYTEA,
    closure_reason_enc BYTEA,
    perp_exploiter BIGINT CHECK (perp_exploiter IN (0, 1)),
    perp_genders BIGINT,
    perp_age_bands BIGINT,
    perp_citizen_regions BIGINT,
    perp_relations BIGINT,
    perp_paid BIGINT,
    perp_recruiter_broker BIGINT CHECK (perp_recruiter_broker IN (0, 1)),
    perp_transaction BIGINT CHECK (perp_transaction IN (0, 1)),
    perp_control_abuse_kidnap BIGINT CHECK (perp_control_abuse_kidnap IN (0, 1)),
    birth_date_bidx BYTEA,
    identity_number_bidx BYTEA,
    phone_bidx BYTEA,
    CHECK (version >= 1)
);
CREATE INDEX cases_agency ON cases(agency_id);
CREATE INDEX cases_owner ON cases(owner_id);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_opened ON cases(opened_at_ms);
CREATE INDEX cases_birth_date_bidx ON cases(birth_date_bidx);
CREATE INDEX cases_identity_number_bidx ON cases(identity_number_bidx);
CREATE INDEX cases_phone_bidx ON cases(phone_bidx);

-- One row per normalised word of a name: search by any word without the plain text.
CREATE TABLE case_name_index (
    bidx BYTEA NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (bidx, case_id)
);
CREATE INDEX case_name_index_case ON case_name_index(case_id);

-- Every change of a case: who, when, what (values of non-personal fields; names only of sealed).
CREATE TABLE case_versions (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX case_versions_case ON case_versions(case_id, version);

-- Historic trafficking events (HTCDS hte_).
CREATE TABLE case_events (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('Recruitment', 'Transit', 'Exploitation')),
    country TEXT NOT NULL DEFAULT '',
    place_enc BYTEA,
    date TEXT NOT NULL DEFAULT '',
    description_enc BYTEA,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id);

-- Case comments (HTCDS cco_CaseComment).
CREATE TABLE case_comments (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at_ms BIGINT NOT NULL,
    author_user_id BIGINT,
    author TEXT NOT NULL,
    body_enc BYTEA NOT NULL
);
CREATE INDEX case_comments_case ON case_comments(case_id);

-- Codes a country adds to a vocabulary, after the built-in ones.
CREATE TABLE vocab_extensions (
    vocab TEXT NOT NULL,
    code TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (vocab, code)
);
