-- Issue 9, part R: the ratification register and partnerships.
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
    version BIGINT NOT NULL DEFAULT 1,
    updated_by BIGINT,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (state, instrument)
);
CREATE INDEX plan_ratifications_instrument ON plan_ratifications(instrument);

CREATE TABLE plan_ratification_history (
    id BIGINT PRIMARY KEY,
    state TEXT NOT NULL,
    instrument TEXT NOT NULL,
    version BIGINT NOT NULL,
    signature_date TEXT NOT NULL DEFAULT '',
    act TEXT NOT NULL DEFAULT '',
    act_date TEXT NOT NULL DEFAULT '',
    reservations TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    changed_by BIGINT,
    changed_at_ms BIGINT NOT NULL
);
CREATE INDEX plan_ratification_history_key ON plan_ratification_history(state, instrument, version);

-- Issue 9, part R: partnerships (Plan paras 50-61). The partner directory (an organisation's
-- contact person, e-mail and phone sealed in contact_enc), cooperation agreements between
-- partners, and technical-assistance requests (para 57) with their deliveries. Plan paragraphs
-- are stored as the Plan's ids, comma-separated ("annex-57,annex-58"); areas as pillar codes.
CREATE TABLE plan_partners (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('government', 'ngo', 'international', 'private_sector', 'media', 'trade_union',
                                       'employers', 'academia', 'other')),
    country TEXT NOT NULL DEFAULT '',
    areas TEXT NOT NULL DEFAULT '',
    contact_enc BYTEA,
    agency_id BIGINT REFERENCES agencies(id),
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX plan_partners_type ON plan_partners(type);

CREATE TABLE plan_agreements (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('mou', 'agreement', 'protocol', 'joint_programme')),
    signed_date TEXT NOT NULL,
    end_date TEXT NOT NULL DEFAULT '',
    paragraphs TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE plan_agreement_parties (
    agreement_id BIGINT NOT NULL REFERENCES plan_agreements(id),
    partner_id BIGINT NOT NULL REFERENCES plan_partners(id),
    PRIMARY KEY (agreement_id, partner_id)
);

CREATE TABLE plan_ta_requests (
    id BIGINT PRIMARY KEY,
    requester_state TEXT NOT NULL DEFAULT '',
    requester_partner_id BIGINT REFERENCES plan_partners(id),
    provider_partner_id BIGINT NOT NULL REFERENCES plan_partners(id),
    topic TEXT NOT NULL,
    paragraphs TEXT NOT NULL DEFAULT '',
    requested_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'accepted', 'declined', 'delivered')),
    accepted_date TEXT NOT NULL DEFAULT '',
    declined_date TEXT NOT NULL DEFAULT '',
    delivered_date TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX plan_ta_requests_status ON plan_ta_requests(status);

CREATE TABLE plan_ta_deliveries (
    id BIGINT PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES plan_ta_requests(id),
    delivery_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('training', 'legislative_advice', 'equipment', 'expert_mission', 'other')),
    beneficiaries BIGINT NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    created_by BIGINT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX plan_ta_deliveries_request ON plan_ta_deliveries(request_id);
