-- Issue 6, item 5: federated reporting. Signed aggregate submissions imported from national
-- instances (the exact signed line kept as payload) and their figures, one row per cell in the
-- questionnaire's vocabulary. Counts only: no case record crosses a border.
CREATE TABLE stats_submissions (
    id INTEGER PRIMARY KEY,
    country TEXT NOT NULL,
    year_from INTEGER NOT NULL,
    year_to INTEGER NOT NULL,
    signer TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    imported_at_ms INTEGER NOT NULL,
    imported_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    payload TEXT NOT NULL,
    UNIQUE (country, year_from, year_to)
) STRICT;
CREATE TABLE stats_submission_rows (
    submission_id INTEGER NOT NULL REFERENCES stats_submissions(id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    sex TEXT NOT NULL,
    age TEXT NOT NULL,
    year INTEGER NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (submission_id, indicator, dimension, category, sex, age, year)
) STRICT;
CREATE INDEX stats_submission_rows_q ON stats_submission_rows(indicator, dimension, year);
