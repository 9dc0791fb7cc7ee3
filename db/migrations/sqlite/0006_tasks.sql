-- 0006 tasks: work items with an owner and a due date, raised automatically by other modules (one
-- open task per automatic key) or added by people. The title of a manual task is sealed.

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    auto_key TEXT,
    title_enc BLOB,
    case_id INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    record_type TEXT NOT NULL DEFAULT '',
    record_id INTEGER NOT NULL DEFAULT 0,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    owner_id INTEGER REFERENCES users(id),
    due_at_ms INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    created_at_ms INTEGER NOT NULL,
    created_by INTEGER,
    updated_at_ms INTEGER NOT NULL,
    done_at_ms INTEGER NOT NULL DEFAULT 0,
    done_by INTEGER,
    reminded_at_ms INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX tasks_open_key ON tasks(auto_key) WHERE status = 'open';
CREATE INDEX tasks_owner ON tasks(owner_id, status, due_at_ms);
CREATE INDEX tasks_agency ON tasks(agency_id, status, due_at_ms);
CREATE INDEX tasks_case ON tasks(case_id);
