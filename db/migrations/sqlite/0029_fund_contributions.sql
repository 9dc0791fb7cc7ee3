-- Issue 8, part L: exchange rates, donors, pledges and receipts of the Trust Fund. Amounts are
-- integers in the minor units of their ISO 4217 currency and in US cents (usd_cents: converted
-- once, at the rate of the transaction date, never revalued). Rates are exact decimal texts (US
-- dollars per one unit of the currency), never floating point. An individual donor's name and
-- every donor's contact are sealed; the other donors' names are in clear.
CREATE TABLE fund_rates (
    currency TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    rate TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (currency, rate_date)
);

CREATE TABLE fund_donors (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('member_state', 'intergovernmental', 'private_sector', 'foundation',
                                       'individual')),
    country TEXT NOT NULL DEFAULT '', -- ISO 3166 alpha-3 (required for a member state)
    name TEXT NOT NULL DEFAULT '',    -- in clear, except for individuals ('' then)
    name_enc BLOB,                    -- an individual's name, sealed
    contact_enc BLOB,                 -- sealed
    language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    anonymous INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE fund_pledges (
    id INTEGER PRIMARY KEY,
    donor_id INTEGER NOT NULL REFERENCES fund_donors(id),
    pledge_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    rate TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    usd_cents INTEGER NOT NULL CHECK (usd_cents > 0),
    earmark TEXT NOT NULL DEFAULT 'unearmarked',
    expected_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'partly_paid', 'paid', 'written_off')),
    entry_id INTEGER NOT NULL,
    writeoff_entry_id INTEGER,
    writeoff_date TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX fund_pledges_donor ON fund_pledges(donor_id);
CREATE INDEX fund_pledges_date ON fund_pledges(pledge_date);

-- Receipt numbers FUND-YYYY-NNNN: one counter per year, taken in the receipt's transaction (no
-- gaps: a rolled-back receipt gives its number back).
CREATE TABLE fund_receipt_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE fund_receipts (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    donor_id INTEGER NOT NULL REFERENCES fund_donors(id),
    pledge_id INTEGER REFERENCES fund_pledges(id),
    receipt_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    rate TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    usd_cents INTEGER NOT NULL CHECK (usd_cents > 0),
    receivable_cents INTEGER NOT NULL DEFAULT 0, -- the part of the pledge's USD value it settles
    fx_cents INTEGER NOT NULL DEFAULT 0,         -- usd_cents - receivable_cents (pledged receipts)
    earmark TEXT NOT NULL DEFAULT 'unearmarked',
    bank_reference TEXT NOT NULL DEFAULT '',
    entry_id INTEGER NOT NULL,
    reversed INTEGER NOT NULL DEFAULT 0,
    reversal_entry_id INTEGER,
    reversal_date TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX fund_receipts_donor ON fund_receipts(donor_id);
CREATE INDEX fund_receipts_pledge ON fund_receipts(pledge_id);
CREATE INDEX fund_receipts_date ON fund_receipts(receipt_date);
