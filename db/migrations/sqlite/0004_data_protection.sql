-- 0004 data protection: the HTCDS consent checklist with its full history, the consent flags the
-- SQL filters on (cases.consent_flags, bits CASE_CONSENT_* of src/cases/cases.h, kept in step with
-- case_consent in the same transaction), retention periods per record type, and the purge log.
-- No personal data here except the sealed consent note.

ALTER TABLE cases ADD COLUMN consent_flags INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN purged_at_ms INTEGER NOT NULL DEFAULT 0;

-- One row per change of one consent item; never updated, never deleted (except with the case).
CREATE TABLE case_consent (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('given', 'refused', 'withdrawn', 'not_asked')),
    date TEXT NOT NULL DEFAULT '',
    at_ms INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    note_enc BLOB
) STRICT;
CREATE INDEX case_consent_case ON case_consent(case_id, item, at_ms);

-- Retention periods per record type ("case-personal", "comments", ...), counted from closure.
CREATE TABLE retention_settings (
    record_type TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL
) STRICT;

-- What each purge removed: ids and kinds of data, never the data.
CREATE TABLE purge_log (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('retention', 'request')),
    items INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX purge_log_case ON purge_log(case_id, record_type);

-- The new permissions for the built-in roles of existing databases (new ones get them from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'case.sar' FROM roles WHERE name = 'case_supervisor' AND builtin = 1 ON CONFLICT DO NOTHING;
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'case.purge' FROM roles WHERE name IN ('case_supervisor', 'administrator') AND builtin = 1
    ON CONFLICT DO NOTHING;
