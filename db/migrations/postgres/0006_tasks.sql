-- 0006 tasks: work items with an owner and a due date, raised automatically by other modules (one
-- open task per automatic key) or added by people. The title of a manual task is sealed.

CREATE TABLE tasks (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    auto_key TEXT,
    title_enc BYTEA,
    case_id BIGINT REFERENCES cases(id) ON DELETE CASCADE,
    record_type TEXT NOT NULL DEFAULT '',
    record_id BIGINT NOT NULL DEFAULT 0,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    owner_id BIGINT REFERENCES users(id),
    due_at_ms BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    created_at_ms BIGINT NOT NULL,
    created_by BIGINT,
    updated_at_ms BIGINT NOT NULL,
    done_at_ms BIGINT NOT NULL DEFAULT 0,
    done_by BIGINT,
    reminded_at_ms BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX tasks_open_key ON tasks(auto_key) WHERE status = 'open';
CREATE INDEX tasks_owner ON tasks(owner_id, status, due_at_ms);
CREATE INDEX tasks_agency ON tasks(agency_id, status, due_at_ms);
CREATE INDEX tasks_case ON tasks(case_id);
