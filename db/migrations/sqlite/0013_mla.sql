-- 0013 mla (issue 5, part J6): international cooperation requests between central authorities
-- (mutual legal assistance, extradition, ...). Codes, states and dates are clear for statistics;
-- the person sought and the documents' titles are sealed. investigation_id is a plain number
-- (no foreign key) naming an investigation when there is one.

CREATE TABLE coop_requests (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    kind TEXT NOT NULL CHECK (kind IN ('mla', 'extradition', 'transfer_of_proceedings', 'joint_investigation', 'other')),
    requesting_state TEXT NOT NULL,
    requesting_authority TEXT NOT NULL DEFAULT '',
    requested_state TEXT NOT NULL,
    requested_authority TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL CHECK (legal_basis IN ('untoc_16', 'untoc_18', 'bilateral_treaty', 'multilateral_other', 'reciprocity', 'domestic_law')),
    treaty_name TEXT NOT NULL DEFAULT '',
    our_reference TEXT NOT NULL DEFAULT '',
    their_reference TEXT NOT NULL DEFAULT '',
    opened_at_ms INTEGER NOT NULL DEFAULT 0,
    acknowledged_at_ms INTEGER NOT NULL DEFAULT 0,
    deadline_at_ms INTEGER NOT NULL DEFAULT 0,
    completed_at_ms INTEGER NOT NULL DEFAULT 0,
    measures TEXT NOT NULL DEFAULT '',
    person_sought_enc BLOB,
    status TEXT NOT NULL,
    refusal_reason TEXT NOT NULL DEFAULT '',
    investigation_id INTEGER,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    owner_id INTEGER,
    created_at_ms INTEGER NOT NULL,
    created_by INTEGER,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX coop_requests_agency ON coop_requests(agency_id, status, deadline_at_ms);

CREATE TABLE coop_status_log (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES coop_requests(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    at_ms INTEGER NOT NULL,
    by_user INTEGER
) STRICT;
CREATE INDEX coop_status_log_request ON coop_status_log(request_id, at_ms);

CREATE TABLE coop_documents (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES coop_requests(id) ON DELETE CASCADE,
    title_enc BLOB NOT NULL,
    doc_date_ms INTEGER NOT NULL DEFAULT 0,
    added_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX coop_documents_request ON coop_documents(request_id);
