-- 0026 link_runs (issue 7, item 3: record linkage). A saved linkage run and the pairs it kept:
-- matches at or above the threshold, and the uncertain band [review_from, threshold) waiting in
-- the review queue for a person's decision. Ids are as the encoded files give them (opaque
-- tokens for files made from a database); no name, no personal datum.
CREATE TABLE link_runs (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL,
    a_signer TEXT NOT NULL,
    b_signer TEXT NOT NULL,
    local_side TEXT NOT NULL CHECK (local_side IN ('a', 'b', 'none')),
    threshold REAL NOT NULL,
    review_from REAL NOT NULL,
    a_count INTEGER NOT NULL,
    b_count INTEGER NOT NULL,
    matches INTEGER NOT NULL,
    review INTEGER NOT NULL,
    agency_id INTEGER REFERENCES agencies(id),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX link_runs_agency ON link_runs(agency_id, created_at_ms);
CREATE TABLE link_run_pairs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES link_runs(id) ON DELETE CASCADE,
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    score REAL NOT NULL,
    band TEXT NOT NULL CHECK (band IN ('match', 'review')),
    decision TEXT CHECK (decision IN ('match', 'nonmatch')),
    decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX link_run_pairs_run ON link_run_pairs(run_id, band, score);
