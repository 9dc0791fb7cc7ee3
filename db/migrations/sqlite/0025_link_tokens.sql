-- 0025 link_tokens (issue 7, part E: record linkage). The registry's persons go into an encoded
-- linkage file (.clk) under an opaque per-project token (src/link/clk.h, link_token: a keyed
-- hash of the project and the case id), never the case id itself. This table lets the agency that
-- made the file find its own case again from a token (the review queue); nothing personal is in it.
CREATE TABLE link_tokens (
    project TEXT NOT NULL,
    token TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (project, token)
) STRICT;
CREATE INDEX link_tokens_case ON link_tokens(case_id);
