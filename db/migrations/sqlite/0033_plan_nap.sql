-- Issue 9, part N: national action plans mapped to the Plan of Action's paragraphs (actions,
-- responsible bodies, indicators, progress reports per period) and prevention work (awareness
-- campaigns, training of officials, identity documents and birth registration, supply-chain
-- measures) (src/plan/nap.c, src/plan/prevent.c). National records, not case data; dates
-- YYYY-MM-DD; codes in clear for the figures; the progress narrative and prevention notes are
-- sealed.
CREATE TABLE plan_naps (
    id INTEGER PRIMARY KEY,
    country TEXT NOT NULL,              -- ISO 3166-1 alpha-3
    title TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    adopted_by TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'adopted', 'ended')),
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE plan_nap_actions (
    id INTEGER PRIMARY KEY,
    nap_id INTEGER NOT NULL REFERENCES plan_naps(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    paragraphs TEXT NOT NULL,           -- comma-separated Plan paragraph ids
    bodies TEXT NOT NULL DEFAULT '[]',  -- JSON array of responsible bodies' names
    agency_ids TEXT NOT NULL DEFAULT '', -- comma-separated agency ids
    partner_ids TEXT NOT NULL DEFAULT '', -- comma-separated partner ids (part R's directory)
    indicators TEXT NOT NULL DEFAULT '[]', -- JSON array: seq, name, unit, baseline, target, direction, target_date
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX plan_nap_actions_nap ON plan_nap_actions(nap_id);

CREATE TABLE plan_nap_progress (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES plan_nap_actions(id) ON DELETE CASCADE,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'on_track', 'delayed', 'completed', 'cancelled')),
    vals TEXT NOT NULL DEFAULT '[]',    -- JSON array: indicator (seq), value, measured_on
    narrative_enc BLOB,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX plan_nap_progress_action ON plan_nap_progress(action_id, period_to);

-- One table for the four kinds of prevention work; each kind uses its own columns.
CREATE TABLE plan_prevention (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('campaign', 'training', 'idwork', 'supplychain')),
    title TEXT NOT NULL DEFAULT '',     -- campaign title, id-work activity, company or sector
    country TEXT NOT NULL,
    date_from TEXT NOT NULL,
    date_to TEXT NOT NULL,
    audiences TEXT NOT NULL DEFAULT '', -- comma-separated codes (training: one)
    channels TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL DEFAULT '',
    paragraphs TEXT NOT NULL DEFAULT '',
    people INTEGER NOT NULL DEFAULT 0,  -- reach, people registered, coverage
    people_kind TEXT NOT NULL DEFAULT '', -- estimated|measured, workers|companies
    women INTEGER NOT NULL DEFAULT 0,
    men INTEGER NOT NULL DEFAULT 0,
    other_sex INTEGER NOT NULL DEFAULT 0,
    hours INTEGER NOT NULL DEFAULT 0,
    organiser_agency_id INTEGER NOT NULL DEFAULT 0,
    organiser_partner_id INTEGER NOT NULL DEFAULT 0,
    note_enc BLOB,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX plan_prevention_kind ON plan_prevention(kind, date_from);
