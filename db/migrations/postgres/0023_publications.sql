-- Issue 6, item 4: the public statistics dashboard. A snapshot of charts, each built through
-- disclosure control (its release recorded in stats_releases), stored as SVG per language, for
-- anyone to read. Aggregates only: no personal data.
CREATE TABLE stats_publications (
    id BIGINT PRIMARY KEY,
    lang TEXT NOT NULL,
    chart TEXT NOT NULL,
    content TEXT NOT NULL,
    year_from BIGINT NOT NULL,
    year_to BIGINT NOT NULL,
    published_at_ms BIGINT NOT NULL,
    published_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    release_id BIGINT NOT NULL DEFAULT 0,
    UNIQUE (lang, chart)
);
