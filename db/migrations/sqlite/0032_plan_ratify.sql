-- Issue 9, part R: the ratification register of the instruments the Plan of Action names (Plan
-- para 4, resolution op. para 3): one row per state (ISO 3166 alpha-3) and instrument (a code of
-- the Plan's data), versioned, with every version kept in plan_ratification_history. Dates are
-- YYYY-MM-DD or '' (none). Reservations and declarations are the states' public treaty texts.
CREATE TABLE plan_ratifications (
    state TEXT NOT NULL,
    instrument TEXT NOT NULL,
    signature_date TEXT NOT NULL DEFAULT '',
    act TEXT NOT NULL DEFAULT '' CHECK (act IN ('', 'ratification', 'accession', 'acceptance', 'approval',
                                                'succession')),
    act_date TEXT NOT NULL DEFAULT '',
    reservations TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_by INTEGER,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (state, instrument)
);
CREATE INDEX plan_ratifications_instrument ON plan_ratifications(instrument);

CREATE TABLE plan_ratification_history (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    instrument TEXT NOT NULL,
    version INTEGER NOT NULL,
    signature_date TEXT NOT NULL DEFAULT '',
    act TEXT NOT NULL DEFAULT '',
    act_date TEXT NOT NULL DEFAULT '',
    reservations TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    changed_by INTEGER,
    changed_at_ms INTEGER NOT NULL
);
CREATE INDEX plan_ratification_history_key ON plan_ratification_history(state, instrument, version);
