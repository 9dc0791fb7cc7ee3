-- 0018 entities (issue 5, part J2): investigative entities tied to an investigation (companies,
-- phones, e-mail addresses, addresses, bank accounts, vehicles, online ads and profiles), the
-- links between them, and money transactions between bank accounts. The identifying value is
-- sealed with a blind index of its normalised form (domain "justice.entity.KIND"), so values are
-- matched across investigations without opening them. Entities are never deleted in place: a
-- retracted flag with a sealed reason. Clear columns hold codes only (country, platform, bank
-- code, currency, make and model, registration number of a company).

CREATE TABLE investigation_entities (
    id INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'phone', 'email', 'address', 'bank_account', 'vehicle',
                                       'online_ad', 'online_profile', 'other')),
    value_enc BLOB NOT NULL,
    value_bidx BLOB NOT NULL,
    note_enc BLOB,
    country TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL DEFAULT '',
    last_seen TEXT NOT NULL DEFAULT '',
    suspect_id INTEGER REFERENCES investigation_suspects(id) ON DELETE SET NULL,
    registration TEXT NOT NULL DEFAULT '',
    bank_code TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    make_model TEXT NOT NULL DEFAULT '',
    platform TEXT NOT NULL DEFAULT '',
    retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
    retract_reason_enc BLOB,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX investigation_entities_inv ON investigation_entities(investigation_id);
CREATE INDEX investigation_entities_bidx ON investigation_entities(value_bidx);

-- Links between two entities of one investigation (a company owns a bank account, a phone is
-- advertised in an online ad, ...).
CREATE TABLE investigation_entity_links (
    id INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    from_entity INTEGER NOT NULL REFERENCES investigation_entities(id) ON DELETE CASCADE,
    to_entity INTEGER NOT NULL REFERENCES investigation_entities(id) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    UNIQUE (from_entity, to_entity, relation),
    CHECK (from_entity <> to_entity)
) STRICT;
CREATE INDEX investigation_entity_links_inv ON investigation_entity_links(investigation_id);

-- Money transactions between two bank_account entities of one investigation: amount in integer
-- minor units of an ISO 4217 currency; the reference text is sealed.
CREATE TABLE investigation_transactions (
    id INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id) ON DELETE CASCADE,
    from_entity INTEGER NOT NULL REFERENCES investigation_entities(id) ON DELETE CASCADE,
    to_entity INTEGER NOT NULL REFERENCES investigation_entities(id) ON DELETE CASCADE,
    tx_date TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    reference_enc BLOB,
    channel TEXT NOT NULL CHECK (channel IN ('bank_transfer', 'cash', 'money_transfer_service', 'crypto', 'other')),
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX investigation_transactions_inv ON investigation_transactions(investigation_id, tx_date);
