-- Issue 6, item 5: federated reporting. Signed aggregate submissions imported from national
-- instances (the exact signed line kept as payload) and their figures, one row per cell in the
-- questionnaire's vocabulary. Counts only: no case record crosses a border.
CREATE TABLE stats_submissions (
    id BIGINT PRIMARY KEY,
    country TEXT NOT NULL,
    year_from BIGINT NOT NULL,
    year_to BIGINT NOT NULL,
    signer TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    imported_at_ms BIGINT NOT NULL,
    imported_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    payload TEXT NOT NULL,
    UNIQUE (country, year_from, year_to)
);
CREATE TABLE stats_submission_rows (
    submission_id BIGINT NOT NULL REFERENCES stats_submissions(id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    sex TEXT NOT NULL,
    age TEXT NOT NULL,
    year BIGINT NOT NULL,
    value BIGINT NOT NULL CHECK (value >= 0),
    PRIMARY KEY (submission_id, indicator, dimension, category, sex, age, year)
);
CREATE INDEX stats_submission_rows_q ON stats_submission_rows(indicator, dimension, year);
