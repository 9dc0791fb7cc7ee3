-- 0013 caselaw (issue 5 part J3): court decisions as a case-law collection. Published case law is
-- public text: nothing here is sealed, and defendants appear only by the label the court
-- published ("Defendant 1"), never a victim's name. Charges, sentences and countries are JSON
-- arrays checked by src/justice/caselaw.c; charges_text is their searchable flattening.
-- Full-text search: an external-content FTS5 table over (summary, court_name, charges_text,
-- source), kept in step by caselaw.c's statements in the writing transaction (triggers cannot
-- write a virtual table with trusted_schema off). After a copy or restore into SQLite the index is
-- rebuilt (store_rebuilds in src/store/catalog.c). investigation_id is a plain reference (no foreign key yet).

CREATE TABLE court_decisions (
    id INTEGER PRIMARY KEY,
    court_name TEXT NOT NULL,
    court_level TEXT NOT NULL CHECK (court_level IN ('first_instance', 'appeal', 'supreme', 'other')),
    country TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    case_number TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    charges TEXT NOT NULL DEFAULT '[]',
    charges_text TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL CHECK (verdict IN ('convicted', 'acquitted', 'partly', 'other')),
    sentences TEXT NOT NULL DEFAULT '[]',
    victims_female_child INTEGER NOT NULL DEFAULT 0 CHECK (victims_female_child >= 0),
    victims_female_adult INTEGER NOT NULL DEFAULT 0 CHECK (victims_female_adult >= 0),
    victims_male_child INTEGER NOT NULL DEFAULT 0 CHECK (victims_male_child >= 0),
    victims_male_adult INTEGER NOT NULL DEFAULT 0 CHECK (victims_male_adult >= 0),
    victims_other_child INTEGER NOT NULL DEFAULT 0 CHECK (victims_other_child >= 0),
    victims_other_adult INTEGER NOT NULL DEFAULT 0 CHECK (victims_other_adult >= 0),
    forms TEXT NOT NULL DEFAULT '',
    countries TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    investigation_id INTEGER,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX court_decisions_country ON court_decisions(country, decision_date);
CREATE INDEX court_decisions_date ON court_decisions(decision_date);

CREATE VIRTUAL TABLE court_decisions_fts USING fts5(
    summary, court_name, charges_text, source,
    content = 'court_decisions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
