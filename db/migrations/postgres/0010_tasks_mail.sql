-- 0010 tasks_mail (part T): e-mail reminders of tasks, off by default. One row of settings
-- (absent until first set: reminders off; the mail command is run without a shell), and when
-- each user was last sent a digest (at most one a day).

CREATE TABLE task_reminder_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    enabled BIGINT NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    mail_command TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL DEFAULT '',
    days BIGINT NOT NULL DEFAULT 3,
    base_url TEXT NOT NULL DEFAULT '',
    updated_at_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE task_reminder_log (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    sent_at_ms BIGINT NOT NULL
);
