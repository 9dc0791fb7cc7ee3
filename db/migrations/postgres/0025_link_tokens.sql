-- 0025 link_tokens (issue 7, part E; see the SQLite file for the notes): the opaque per-project
-- tokens of the registry's persons in encoded linkage files, and the cases behind them.
CREATE TABLE link_tokens (
    project TEXT NOT NULL,
    token TEXT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (project, token)
);
CREATE INDEX link_tokens_case ON link_tokens(case_id);
