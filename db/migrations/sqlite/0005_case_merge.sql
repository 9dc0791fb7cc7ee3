-- 0005 case merge and import-time duplicates.
-- merged_into: a case merged into another keeps its own history and points at the case that
-- holds its data now; lists, statistics, exports and duplicate searches leave it out.
-- case_name_keys: one keyed blind index per case of its sorted name words (all of them), so that
-- an import finds cases with the same full name without scanning the postings of common words.
ALTER TABLE cases ADD COLUMN merged_into INTEGER; -- no foreign key: copies load cases in id order
CREATE INDEX cases_merged_into ON cases(merged_into);

CREATE TABLE case_name_keys (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    bidx BLOB NOT NULL
) STRICT;
CREATE INDEX case_name_keys_bidx ON case_name_keys(bidx);

-- case.merge for the built-in case supervisor of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'case.merge' FROM roles WHERE name = 'case_supervisor' AND builtin = 1 ON CONFLICT DO NOTHING;
