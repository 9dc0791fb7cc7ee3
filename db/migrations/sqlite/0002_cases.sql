-- 0002 cases: the victim case registry (HTCDS v2). The field columns follow src/cases/fields.def
-- in its order (tools/gen_case_sql.py schema prints them); *_enc columns hold vault envelopes,
-- *_bidx keyed blind indexes. A NULL field column is "not collected"; bit i of unknown_mask or
-- na_mask marks field i as unknown or not applicable. Multi-select fields are bitsets over their
-- vocabulary's order.

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    owner_id INTEGER REFERENCES users(id),
    restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('Active', 'FollowUp', 'Closed', 'ClosedReferred')),
    opened_at_ms INTEGER NOT NULL,
    closed_at_ms INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source_key TEXT UNIQUE,
    unknown_mask INTEGER NOT NULL DEFAULT 0,
    na_mask INTEGER NOT NULL DEFAULT 0,
    given_name_enc BLOB,
    middle_name_enc BLOB,
    family_name_enc BLOB,
    birth_date_enc BLOB,
    gender TEXT,
    age INTEGER,
    age_estimated INTEGER CHECK (age_estimated IN (0, 1)),
    majority_status TEXT,
    citizenship TEXT,
    citizenship_region TEXT,
    primary_language TEXT,
    identity_number_enc BLOB,
    phone_enc BLOB,
    email_enc BLOB,
    address_enc BLOB,
    mailing_country TEXT,
    trafficking_status TEXT,
    status_decided_by TEXT,
    relationship_to_trafficker INTEGER,
    age_when_trafficked INTEGER,
    majority_when_trafficked TEXT,
    recruitment_methods INTEGER,
    control_methods INTEGER,
    exploitation_types INTEGER,
    labour_industries INTEGER,
    sex_exploitation_types INTEGER,
    exploitation_country TEXT,
    exploitation_region TEXT,
    year_registered INTEGER,
    referring_organisation TEXT,
    incoming_referral_date TEXT,
    narrative_enc BLOB,
    closure_reason_enc BLOB,
    perp_exploiter INTEGER CHECK (perp_exploiter IN (0, 1)),
    perp_genders INTEGER,
    perp_age_bands INTEGER,
    perp_citizen_regions INTEGER,
    perp_relations INTEGER,
    perp_paid INTEGER,
    perp_recruiter_broker INTEGER CHECK (perp_recruiter_broker IN (0, 1)),
    perp_transaction INTEGER CHECK (perp_transaction IN (0, 1)),
    perp_control_abuse_kidnap INTEGER CHECK (perp_control_abuse_kidnap IN (0, 1)),
    birth_date_bidx BLOB,
    identity_number_bidx BLOB,
    phone_bidx BLOB,
    CHECK (version >= 1)
) STRICT;
CREATE INDEX cases_agency ON cases(agency_id);
CREATE INDEX cases_owner ON cases(owner_id);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_opened ON cases(opened_at_ms);
CREATE INDEX cases_birth_date_bidx ON cases(birth_date_bidx);
CREATE INDEX cases_identity_number_bidx ON cases(identity_number_bidx);
CREATE INDEX cases_phone_bidx ON cases(phone_bidx);

-- One row per normalised word of a name: search by any word without the plain text.
CREATE TABLE case_name_index (
    bidx BLOB NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (bidx, case_id)
) STRICT;
CREATE INDEX case_name_index_case ON case_name_index(case_id);

-- Every change of a case: who, when, what (values of non-personal fields; names only of sealed).
CREATE TABLE case_versions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL
) STRICT;
CREATE INDEX case_versions_case ON case_versions(case_id, version);

-- Historic trafficking events (HTCDS hte_).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('Recruitment', 'Transit', 'Exploitation')),
    country TEXT NOT NULL DEFAULT '',
    place_enc BLOB,
    date TEXT NOT NULL DEFAULT '',
    description_enc BLOB,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX case_events_case ON case_events(case_id);

-- Case comments (HTCDS cco_CaseComment).
CREATE TABLE case_comments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at_ms INTEGER NOT NULL,
    author_user_id INTEGER,
    author TEXT NOT NULL,
    body_enc BLOB NOT NULL
) STRICT;
CREATE INDEX case_comments_case ON case_comments(case_id);

-- Codes a country adds to a vocabulary, after the built-in ones.
CREATE TABLE vocab_extensions (
    vocab TEXT NOT NULL,
    code TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    added_at_ms INTEGER NOT NULL,
    PRIMARY KEY (vocab, code)
) STRICT;
