-- 0034 plan_practices (issue 9, part K): the best-practices knowledge base (see the SQLite twin).
-- Full-text search: a GIN index on the 'simple' tsvector of plan_fold(title_idx || text_idx):
-- accented Latin and Cyrillic capitals lowered first (lower() folds ASCII only under the C locale),
-- then ctis_fold (from 0014: lower case, Latin accents removed). The texts are prepared by
-- src/plan/practices.c as for SQLite (Arabic harakat and tatweel removed, Chinese characters spaced).

CREATE FUNCTION plan_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ctis_fold(translate(t,
        'ÁÀÂÄÃÅĀĂĄÇĆČĎÉÈÊËĒĖĘĚĞÍÌÎÏĪĮĽŁÑŃŇÓÒÔÖÕØŌŐŘŚŠŞȘŤȚÚÙÛÜŪŮŰŲÝŸŹŻŽİАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЀЂЃЄЅІЇЈЉЊЋЌЍЎЏ',
        'aaaaaaaaacccdeeeeeeeegiiiiiillnnnoooooooorssssttuuuuuuuuyyzzziабвгдеёжзийклмнопрстуфхцчшщъыьэюяѐђѓєѕіїјљњћќѝўџ'))
$$;

CREATE TABLE plan_practices (
    id BIGINT PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    country TEXT NOT NULL DEFAULT '',
    paragraphs TEXT NOT NULL DEFAULT '[]',
    pillars TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    year BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX plan_practices_country ON plan_practices(country);

CREATE TABLE plan_practice_texts (
    id BIGINT PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES plan_practices(id),
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    original BIGINT NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    title_idx TEXT NOT NULL DEFAULT '',
    text_idx TEXT NOT NULL DEFAULT '',
    UNIQUE (practice_id, lang)
);
CREATE INDEX plan_practice_texts_search ON plan_practice_texts USING gin (
    to_tsvector('simple'::regconfig, plan_fold(title_idx || ' ' || text_idx)));
