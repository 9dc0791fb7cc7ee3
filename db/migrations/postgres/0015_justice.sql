-- 0013 justice (issue 5, part J1): investigations, the justice record that offences, suspects,
-- victims by reference, protection measures, entities, assets and cooperation requests hang on.
-- The reference (e.g. a police file number) is clear and must not be personal; the title may
-- name people, so it is sealed. Scope as cases: the agency that holds it and its owner.

CREATE TABLE investigations (
    id BIGINT PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    owner_id BIGINT REFERENCES users(id),
    reference TEXT NOT NULL,
    title_enc BYTEA,
    opened TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'referred_to_prosecution', 'closed')),
    country TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX investigations_agency ON investigations(agency_id, status, opened);

-- Offences under national criminal-code articles (clear: law, not people), mapped to the
-- Protocol's forms of exploitation (GLOTIP), with the charge modality (para 43(b)), organised
-- criminal group (43(c)), public officials / corruption (47) and linked crimes (48: a
-- comma-separated set of codes).
CREATE TABLE investigation_offences (
    id BIGINT PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    article_code TEXT NOT NULL,
    article_text TEXT NOT NULL DEFAULT '',
    form TEXT NOT NULL CHECK (form IN ('sexual_exploitation', 'forced_labour', 'slavery', 'servitude', 'organ_removal',
                                       'forced_criminality', 'forced_begging', 'forced_marriage', 'other')),
    modality TEXT NOT NULL DEFAULT 'commission'
        CHECK (modality IN ('commission', 'attempt', 'participation', 'organising')),
    organised_group BIGINT NOT NULL DEFAULT 0 CHECK (organised_group IN (0, 1)),
    official_involved BIGINT NOT NULL DEFAULT 0 CHECK (official_involved IN (0, 1)),
    linked_crimes TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX investigation_offences_inv ON investigation_offences(investigation_id);

-- Suspects and offenders, natural or legal persons (para 44). The name is sealed with a blind
-- index of its normalised form; sex, age, age band, citizenship and the HTCDS role are codes.
CREATE TABLE investigation_suspects (
    id BIGINT PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('natural', 'legal')),
    name_enc BYTEA,
    name_bidx BYTEA,
    role TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'female', 'male', 'unknown')),
    age BIGINT CHECK (age IS NULL OR (age >= 0 AND age <= 130)),
    age_band TEXT NOT NULL DEFAULT '',
    citizenship TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX investigation_suspects_inv ON investigation_suspects(investigation_id);
CREATE INDEX investigation_suspects_bidx ON investigation_suspects(name_bidx);

-- The funnel per suspect and offence: formal contact -> prosecuted -> convicted or acquitted,
-- with dates (YYYY-MM-DD, '' when not reached).
CREATE TABLE investigation_charges (
    id BIGINT PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    suspect_id BIGINT NOT NULL REFERENCES investigation_suspects(id) ON DELETE CASCADE,
    offence_id BIGINT NOT NULL REFERENCES investigation_offences(id) ON DELETE CASCADE,
    contacted TEXT NOT NULL DEFAULT '',
    prosecuted TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'convicted', 'acquitted')),
    decided TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (suspect_id, offence_id)
);
CREATE INDEX investigation_charges_inv ON investigation_charges(investigation_id);

-- Victims appear in proceedings through pseudonymous references (V-XXXXXX, random); the case id
-- is kept, and the victim's identity (the case's name) is shown only with the permission
-- justice.victim_identity, every view audited. role: victim or witness.
CREATE TABLE investigation_victims (
    id BIGINT PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    case_id BIGINT REFERENCES cases(id) ON DELETE SET NULL,
    reference TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT 'victim' CHECK (role IN ('victim', 'witness')),
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (investigation_id, case_id)
);
CREATE INDEX investigation_victims_case ON investigation_victims(case_id);

-- Victim and witness protection measures recorded against the proceeding (para 31), optionally
-- for one victim by reference. Dates YYYY-MM-DD ('' open).
CREATE TABLE investigation_protection (
    id BIGINT PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    victim_id BIGINT REFERENCES investigation_victims(id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('identity_protection', 'screen', 'video_link', 'relocation',
                                       'police_protection', 'other')),
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX investigation_protection_inv ON investigation_protection(investigation_id);

-- The new permission for the built-in investigator role of existing databases (new ones get it
-- from auth_roles_seed, which also creates the new built-in role court_clerk). Prosecutors do
-- not hold it by default.
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'justice.victim_identity' FROM roles WHERE name = 'investigator' AND builtin = 1
    ON CONFLICT DO NOTHING;
