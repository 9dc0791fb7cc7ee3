-- 0016 glotip (issue 6, item 6): UNODC's published national data (the GLOTIP data portal file)
-- as imported, one row per figure, with its value parsed and a state. Nothing here is personal:
-- these are published national aggregates. See docs/glotip.md.

CREATE TABLE glotip_imports (
    id BIGINT PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    source_date TEXT NOT NULL DEFAULT '',
    imported_at_ms BIGINT NOT NULL,
    imported_by BIGINT,
    imported_by_name TEXT NOT NULL DEFAULT '',
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_ok BIGINT NOT NULL DEFAULT 0,
    rows_suppressed BIGINT NOT NULL DEFAULT 0,
    rows_suspect BIGINT NOT NULL DEFAULT 0,
    suspect_date_like BIGINT NOT NULL DEFAULT 0,
    suspect_questionnaire_code BIGINT NOT NULL DEFAULT 0,
    suspect_mis_encoded BIGINT NOT NULL DEFAULT 0,
    suspect_unparseable BIGINT NOT NULL DEFAULT 0,
    suspect_empty BIGINT NOT NULL DEFAULT 0,
    rows_mapped BIGINT NOT NULL DEFAULT 0,
    rows_unmapped BIGINT NOT NULL DEFAULT 0
);

-- value: the parsed count (NULL unless state is ok); value_text: the cell as written.
-- category_iso3: the citizenship category mapped to a country ('' when not mapped or not one).
CREATE TABLE glotip_rows (
    import_id BIGINT NOT NULL REFERENCES glotip_imports(id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    iso3 TEXT NOT NULL,
    country TEXT NOT NULL,
    region TEXT NOT NULL,
    subregion TEXT NOT NULL,
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    sex TEXT NOT NULL,
    age TEXT NOT NULL,
    year BIGINT NOT NULL,
    unit TEXT NOT NULL,
    value_text TEXT NOT NULL,
    source TEXT NOT NULL,
    value BIGINT,
    state TEXT NOT NULL CHECK (state IN ('ok', 'suppressed', 'suspect')),
    reason TEXT NOT NULL DEFAULT '',
    category_iso3 TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, line)
);
CREATE INDEX glotip_rows_indicator ON glotip_rows(import_id, indicator, year);
