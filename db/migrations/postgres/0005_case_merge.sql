-- 0005 case merge and import-time duplicates (see the SQLite file for the notes).
ALTER TABLE cases ADD COLUMN merged_into BIGINT; -- no foreign key: copies load cases in id order
CREATE INDEX cases_merged_into ON cases(merged_into);

CREATE TABLE case_name_keys (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    bidx BYTEA NOT NULL
);
CREATE INDEX case_name_keys_bidx ON case_name_keys(bidx);
