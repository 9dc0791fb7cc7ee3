-- 0005 case merge and import-time duplicates (see the SQLite file for the notes).
ALTER TABLE cases ADD COLUMN merged_into BIGINT; -- no foreign key: copies load cases in id order
CREATE INDEX cases_merged_into ON cases(merged_into);

CREATE TABLE case_name_keys (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    bidx BYTEA NOT NULL
);
CREATE INDEX case_name_keys_bidx ON case_name_keys(bidx);

-- case.merge for the built-in case supervisor of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'case.merge' FROM roles WHERE name = 'case_supervisor' AND builtin = 1 ON CONFLICT DO NOTHING;
