-- 0007 screening: indicator sets as versioned data (the ILO/EC operational indicators, or a
-- country's adapted set) and the structured screening interviews of a case. A set is never
-- changed once loaded: a new version adds rows. The answers of an interview (the Protocol elements
-- and indicators with their evidence notes) are sealed as one document; the result and the
-- explanation (codes only) stay clear for statistics. The worker's decision is kept apart from the
-- recommendation.

CREATE TABLE indicator_sets (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version > 0),
    country TEXT NOT NULL DEFAULT '',
    population TEXT NOT NULL CHECK (population IN ('adult', 'child')),
    exploitation TEXT NOT NULL CHECK (exploitation IN ('labour', 'sexual')),
    verified BIGINT NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL,
    loaded_at_ms BIGINT NOT NULL,
    loaded_by TEXT NOT NULL,
    UNIQUE (code, version, country)
);
CREATE INDEX indicator_sets_kind ON indicator_sets(population, exploitation, country, version);

CREATE TABLE indicator_items (
    set_id BIGINT NOT NULL REFERENCES indicator_sets(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    code TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('strong', 'medium', 'weak')),
    label TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (set_id, position),
    UNIQUE (set_id, code)
);

CREATE TABLE case_screenings (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at_ms BIGINT NOT NULL,
    by_user_id BIGINT,
    by_name TEXT NOT NULL,
    population TEXT NOT NULL CHECK (population IN ('adult', 'child')),
    population_reason TEXT NOT NULL,
    exploitation TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    sets TEXT NOT NULL DEFAULT '[]',
    answers_enc BYTEA,
    result TEXT NOT NULL CHECK (result IN ('presumed_victim', 'reasonable_grounds', 'no_indication')),
    explanation TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'agree', 'disagree')),
    decision_reason_enc BYTEA,
    decided_at_ms BIGINT NOT NULL DEFAULT 0,
    decided_by TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX case_screenings_case ON case_screenings(case_id, at_ms);
CREATE INDEX case_screenings_result ON case_screenings(result, at_ms);

-- The new permission for the built-in roles of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'screening.sets' FROM roles WHERE name IN ('national_coordinator', 'administrator') AND builtin = 1
    ON CONFLICT DO NOTHING;
