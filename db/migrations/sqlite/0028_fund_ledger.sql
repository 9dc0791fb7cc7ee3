-- Issue 8, part L: the Trust Fund's double-entry ledger. Amounts are integers in US cents (never
-- floating point), dates YYYY-MM-DD. Every entry balances (sum of debits = sum of credits > 0,
-- checked in src/fund/ledger.c); entries and lines are only ever inserted: a mistake is
-- corrected by a reversal (the mirror entry, linked by reverses_id, at most one per entry).
-- No personal data: memos are short codes, ref_type/ref_id point at the fund's own records.
-- The chart of accounts is fixed (src/fund/ledger.c): cash and pledges_receivable (assets),
-- grants_payable (liability), contributions and fx_difference (revenue), grant_expense (expense).
CREATE TABLE fund_entries (
    id INTEGER PRIMARY KEY,
    entry_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pledge', 'receipt', 'award', 'disbursement', 'reversal', 'adjustment')),
    ref_type TEXT NOT NULL DEFAULT '',
    ref_id INTEGER NOT NULL DEFAULT 0,
    memo TEXT NOT NULL DEFAULT '',
    total INTEGER NOT NULL CHECK (total > 0), -- the sum of the debits (= of the credits)
    reverses_id INTEGER UNIQUE, -- the entry this one reverses (no foreign key: copies load by id)
    reason TEXT NOT NULL DEFAULT '', -- of a reversal (a short code or text without personal data)
    posted_by INTEGER,
    posted_at_ms INTEGER NOT NULL
);
CREATE INDEX fund_entries_date ON fund_entries(entry_date, posted_at_ms);
CREATE INDEX fund_entries_ref ON fund_entries(ref_type, ref_id);

CREATE TABLE fund_entry_lines (
    entry_id INTEGER NOT NULL REFERENCES fund_entries(id),
    line_no INTEGER NOT NULL,
    account TEXT NOT NULL CHECK (account IN ('cash', 'pledges_receivable', 'grants_payable', 'contributions',
                                              'grant_expense', 'fx_difference')),
    debit INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CHECK ((debit = 0) <> (credit = 0)),
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX fund_entry_lines_account ON fund_entry_lines(account);
