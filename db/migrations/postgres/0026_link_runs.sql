-- 0026 link_runs (issue 7, item 3: record linkage). A saved linkage run and the pairs it kept:
-- matches at or above the threshold, and the uncertain band [review_from, threshold) waiting in
-- the review queue for a person's decision. Ids are as the encoded files give them (opaque
-- tokens for files made from a database); no name, no personal datum.
CREATE TABLE link_runs (
    id BIGINT PRIMARY KEY,
    project TEXT NOT NULL,
    a_signer TEXT NOT NULL,
    b_signer TEXT NOT NULL,
    local_side TEXT NOT NULL CHECK (local_side IN ('a', 'b', 'none')),
    threshold DOUBLE PRECISION NOT NULL,
    review_from DOUBLE PRECISION NOT NULL,
    a_count BIGINT NOT NULL,
    b_count BIGINT NOT NULL,
    matches BIGINT NOT NULL,
    review BIGINT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX link_runs_agency ON link_runs(agency_id, created_at_ms);
CREATE TABLE link_run_pairs (
    id BIGINT PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES link_runs(id) ON DELETE CASCADE,
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    band TEXT NOT NULL CHECK (band IN ('match', 'review')),
    decision TEXT CHECK (decision IN ('match', 'nonmatch')),
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decided_at_ms BIGINT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX link_run_pairs_run ON link_run_pairs(run_id, band, score);
