-- 0008 pathway: the stages of the national referral mechanism for each case (case_pathway: one row
-- per case that has left first_contact), the log of every step (case_stage_log: who, when, why;
-- the reason sealed, the non-personal facts as JSON), the reflection-period settings per country
-- (pathway_settings; "" is the default), and the children's safeguards: flags (case_child),
-- guardians (case_guardians, the name sealed) and best-interests assessments and determinations
-- (case_bids, the note sealed).

CREATE TABLE case_pathway (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    since_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    screening_id INTEGER NOT NULL DEFAULT 0,
    rg_date TEXT NOT NULL DEFAULT '',
    reflection_start TEXT NOT NULL DEFAULT '',
    reflection_end TEXT NOT NULL DEFAULT '',
    reflection_days INTEGER NOT NULL DEFAULT 0,
    reflection_extensions INTEGER NOT NULL DEFAULT 0,
    no_removal INTEGER NOT NULL DEFAULT 0,
    identification TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_date TEXT NOT NULL DEFAULT '',
    exit TEXT NOT NULL DEFAULT '',
    referred_to TEXT NOT NULL DEFAULT '',
    referred_reason TEXT NOT NULL DEFAULT '',
    updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX case_pathway_stage ON case_pathway(stage);

CREATE TABLE case_stage_log (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    reason_enc BLOB,
    data TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX case_stage_log_case ON case_stage_log(case_id, seq);

CREATE TABLE pathway_settings (
    country TEXT PRIMARY KEY,
    reflection_days INTEGER NOT NULL CHECK (reflection_days >= 30),
    task_lead_days INTEGER NOT NULL CHECK (task_lead_days >= 0),
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE case_child (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    presumed_minor INTEGER NOT NULL DEFAULT 0,
    age_assessment TEXT NOT NULL DEFAULT '' CHECK (age_assessment IN ('', 'minor', 'adult')),
    age_assessment_date TEXT NOT NULL DEFAULT '',
    child_friendly_interview INTEGER NOT NULL DEFAULT 0,
    interview_date TEXT NOT NULL DEFAULT '',
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE case_guardians (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    name_enc BLOB,
    organisation TEXT NOT NULL DEFAULT '',
    appointed TEXT NOT NULL,
    ended TEXT NOT NULL DEFAULT '',
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX case_guardians_case ON case_guardians(case_id);

CREATE TABLE case_bids (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('assessment', 'determination')),
    decided TEXT NOT NULL,
    deciding_body TEXT NOT NULL DEFAULT '',
    solution TEXT NOT NULL DEFAULT ''
        CHECK (solution IN ('', 'return', 'local_integration', 'third_country_resettlement')),
    note_enc BLOB,
    created_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX case_bids_case ON case_bids(case_id, kind);

-- The new permission for the built-in roles of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'pathway.settings' FROM roles WHERE name IN ('national_coordinator', 'administrator') AND builtin = 1
    ON CONFLICT DO NOTHING;
