-- 0034 plan_practices (issue 9, part K): the best-practices knowledge base (Plan of Action paras
-- 18, 24, 51 and 60). A practice is national reference material (no case data, nothing sealed):
-- its country, Plan paragraphs, pillars and tags (JSON arrays checked by src/plan/practices.c),
-- source, year and status; its texts (title, summary, body) in one or more of the six UN
-- languages, one row per language, the original marked.
-- Full-text search: title_idx and text_idx are the texts prepared by practices.c (Arabic harakat
-- and tatweel removed, Chinese characters spaced so that each is a token);
-- an external-content FTS5 table over them (unicode61, diacritics removed) is kept in step by
-- practices.c's statements in the writing transaction. After a copy or restore into SQLite the
-- index is rebuilt (store_rebuilds in src/store/catalog.c).

CREATE TABLE plan_practices (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    country TEXT NOT NULL DEFAULT '',
    paragraphs TEXT NOT NULL DEFAULT '[]',
    pillars TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_practices_country ON plan_practices(country);

CREATE TABLE plan_practice_texts (
    id INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES plan_practices(id),
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    original INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    title_idx TEXT NOT NULL DEFAULT '',
    text_idx TEXT NOT NULL DEFAULT '',
    UNIQUE (practice_id, lang)
) STRICT;

CREATE VIRTUAL TABLE plan_practice_texts_fts USING fts5(
    title_idx, text_idx,
    content = 'plan_practice_texts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
