-- 0013 caselaw (issue 5 part J3): court decisions as a case-law collection (see the SQLite twin).
-- Full-text search: ctis_fold (lower case, common Latin accents removed) and a GIN index on the
-- 'simple' tsvector of summary, court name, charges and source; the search statement uses the
-- same expression with websearch_to_tsquery('simple', ctis_fold(q)). An expression index rather
-- than a stored column keeps copy and backup (SELECT * / INSERT) unchanged.

CREATE FUNCTION ctis_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(lower(t),
        'áàâäãåāăąçćčďéèêëēėęěğíìîïīįıľłñńňóòôöõøōőřśšşșťțúùûüūůűųýÿźżž',
        'aaaaaaaaacccdeeeeeeeegiiiiiiillnnnoooooooorssssttuuuuuuuuyyzzz')
$$;

CREATE TABLE court_decisions (
    id BIGINT PRIMARY KEY,
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
    victims_female_child BIGINT NOT NULL DEFAULT 0 CHECK (victims_female_child >= 0),
    victims_female_adult BIGINT NOT NULL DEFAULT 0 CHECK (victims_female_adult >= 0),
    victims_male_child BIGINT NOT NULL DEFAULT 0 CHECK (victims_male_child >= 0),
    victims_male_adult BIGINT NOT NULL DEFAULT 0 CHECK (victims_male_adult >= 0),
    victims_other_child BIGINT NOT NULL DEFAULT 0 CHECK (victims_other_child >= 0),
    victims_other_adult BIGINT NOT NULL DEFAULT 0 CHECK (victims_other_adult >= 0),
    forms TEXT NOT NULL DEFAULT '',
    countries TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    investigation_id BIGINT,
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX court_decisions_country ON court_decisions(country, decision_date);
CREATE INDEX court_decisions_date ON court_decisions(decision_date);
CREATE INDEX court_decisions_search ON court_decisions USING gin (
    to_tsvector('simple'::regconfig,
        ctis_fold(summary || ' ' || court_name || ' ' || charges_text || ' ' || source)));
