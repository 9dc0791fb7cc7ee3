-- Issue 5, part J5: assets (Plan of Action para 45) and their use for victims' compensation
-- (para 39). Amounts are integers in the minor units of an ISO 4217 currency (never floating
-- point); dates YYYY-MM-DD. The description and the notes of the status history are sealed
-- (field group legal).
CREATE TABLE asset_orders (
    id INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('freezing', 'seizure', 'confiscation')),
    asset_type TEXT NOT NULL CHECK (asset_type IN ('cash', 'bank_account', 'real_estate', 'vehicle', 'business',
                                                   'crypto', 'valuables', 'other')),
    description_enc BLOB,
    suspect_id INTEGER REFERENCES investigation_suspects(id) ON DELETE SET NULL,
    entity_id INTEGER, -- an investigative entity (another part; no foreign key)
    currency TEXT NOT NULL DEFAULT '',
    amount INTEGER,
    realised_amount INTEGER,
    authority TEXT NOT NULL DEFAULT '',
    order_date TEXT NOT NULL DEFAULT '',
    court_reference TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'ordered', 'executed', 'lifted',
                                                              'confiscated', 'realised', 'refused')),
    status_date TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX asset_orders_inv ON asset_orders(investigation_id);

-- Every status an order takes: who, when, and a sealed note.
CREATE TABLE asset_status_log (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES asset_orders(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL DEFAULT 0, -- 1, 2 ... per order: the order of the history
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL,
    status_date TEXT NOT NULL DEFAULT '',
    amount INTEGER,
    note_enc BLOB,
    by_user INTEGER,
    at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX asset_status_log_order ON asset_status_log(order_id);

-- Allocations of a confiscated or realised order's amount to compensation claims (same
-- currency; their sum never above the order's confiscated or realised amount).
CREATE TABLE asset_allocations (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES asset_orders(id) ON DELETE CASCADE,
    claim_id INTEGER REFERENCES case_compensation_claims(id) ON DELETE SET NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    allocated_date TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX asset_allocations_order ON asset_allocations(order_id);
CREATE INDEX asset_allocations_claim ON asset_allocations(claim_id);
