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
