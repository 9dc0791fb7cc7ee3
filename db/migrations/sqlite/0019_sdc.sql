-- Disclosure control (issue 6 item 4): every release of statistics (method, parameters,
-- the query it answered, who, when, a hash of the released output), and the privacy budget of
-- each dataset for differentially private releases. Aggregates only: no personal data.

CREATE TABLE stats_releases (
    id INTEGER PRIMARY KEY,
    dataset TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('suppress', 'round', 'dp')),
    parameters TEXT NOT NULL,   -- JSON: threshold, width, base, epsilon
    inputs TEXT NOT NULL,       -- JSON: by-fields, filters, from, to
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    output_sha256 TEXT NOT NULL -- hex SHA-256 of the released table (canonical JSON)
) STRICT;
CREATE INDEX stats_releases_at ON stats_releases(at_ms);

CREATE TABLE stats_budgets (
    dataset TEXT PRIMARY KEY,
    total_epsilon REAL NOT NULL CHECK (total_epsilon >= 0),
    spent REAL NOT NULL DEFAULT 0,
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL
) STRICT;

-- Releasing needs stats.publish, which the built-in national_coordinator already holds.
